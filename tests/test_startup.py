"""Start-up pauses the garbage collector and hands it back once the app has started."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from tutorcal.core.startup import pause_collection, resume_collection


@pytest.fixture
def collector() -> Iterator[None]:
    yield
    gc.unfreeze()
    gc.enable()


def test_resuming_after_a_pause_freezes_what_start_up_made(collector: None) -> None:
    pause_collection()
    assert not gc.isenabled()
    resume_collection()
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0


def test_resuming_without_a_pause_changes_nothing(collector: None) -> None:
    frozen = gc.get_freeze_count()
    gc.disable()  # as if someone else (a test runner, a profiler) had turned it off
    resume_collection()
    assert not gc.isenabled()
    assert gc.get_freeze_count() == frozen
