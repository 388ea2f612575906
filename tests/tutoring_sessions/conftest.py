"""More browsers (one per person), and a second tutor."""

from __future__ import annotations

import pytest

from tests.conftest import TEST_TUTOR
from tests.security.conftest import new_browser, new_student
from tutorcal.config import Settings

OTHER_TUTOR = "tia.tutor@school.example"

__all__ = ["new_browser", "new_student"]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"tutor_emails": [TEST_TUTOR, OTHER_TUTOR]})
