"""The demo's database and its saved Google side are a pair, owned by one demo process."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.support.processes import free_port, run_tutorcal

from .support import SAM, demo_env, my_bookings, signed_in, start_demo, stop_demo


@pytest.mark.slow
def test_a_database_without_its_google_side_is_set_aside_and_the_demo_starts_afresh(
    tmp_path: Path,
) -> None:
    """What an earlier release's `make run` left: a database, and no Google side saved."""
    database = tmp_path / "demo.sqlite3"
    with sqlite3.connect(database) as earlier:
        earlier.execute("CREATE TABLE earlier_release (kept TEXT)")
        earlier.execute("INSERT INTO earlier_release VALUES ('nothing is deleted')")

    demo = start_demo(tmp_path)
    try:
        with signed_in(demo.base_url, SAM) as sam:
            bookings = my_bookings(sam)
    finally:
        output = stop_demo(demo)

    (aside,) = tmp_path.glob("demo.sqlite3-set-aside-*[0-9]")
    with sqlite3.connect(aside) as kept:
        assert kept.execute("SELECT kept FROM earlier_release").fetchall() == [
            ("nothing is deleted",)
        ]
    assert f"renamed {aside}" in output
    assert len(bookings) == 2  # a fresh demo: Sam's two seats from the set-up


@pytest.mark.slow
def test_a_second_demo_on_the_same_database_stops_with_one_line(tmp_path: Path) -> None:
    demo = start_demo(tmp_path)
    try:
        second = run_tutorcal(
            "serve", "--port", str(free_port()), env=demo_env(tmp_path), cwd=tmp_path
        )
    finally:
        stop_demo(demo)
    assert second.returncode == 2
    lines = second.stderr.strip().splitlines()
    assert len(lines) == 1, second.stderr
    assert "another tutorcal demo is running" in lines[0]


@pytest.mark.slow
def test_the_saved_google_side_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    stop_demo(start_demo(tmp_path))
    assert (tmp_path / "demo.sqlite3-demo.json").stat().st_mode & 0o077 == 0
