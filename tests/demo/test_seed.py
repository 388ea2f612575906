"""The demo as seeded on its first start: every student on a session's guest list holds a
booking for it, made the way a browser makes one; one session is full, others have room."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.processes import ServerProcess

from .support import (
    SAM,
    SOFIA,
    STEFAN,
    my_bookings,
    sessions,
    signed_in,
    start_demo,
    stop_demo,
    tutor_id,
)

STUDENTS = (SAM, SOFIA, STEFAN)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    server = start_demo(tmp_path_factory.mktemp("seeded"))
    yield server
    stop_demo(server)


@pytest.mark.slow
def test_sam_holds_a_booking_for_the_full_exam_prep_session_he_is_invited_to(
    demo: ServerProcess,
) -> None:
    with signed_in(demo.base_url, SAM) as sam:
        exam_prep = next(
            s
            for s in sessions(sam, tutor_id(sam, "Tara Tutor"))
            if s["title"] == "Tutoring: Exam prep"
        )
        bookings = my_bookings(sam)
    assert exam_prep["seats_left"] == 0
    assert exam_prep["booked_by_me"] is True
    held = next(b for b in bookings if b["session_id"] == exam_prep["id"])
    assert (held["status"], held["calendar_sync"]) == ("confirmed", "synced")


@pytest.mark.slow
def test_every_seat_taken_in_the_demo_is_a_students_booking(demo: ServerProcess) -> None:
    booked: Counter[str] = Counter()
    taken: dict[str, int] = {}
    for student in STUDENTS:
        with signed_in(demo.base_url, student) as browser:
            for tutor in ("Tara Tutor", "Theo Tutor"):
                for session in sessions(browser, tutor_id(browser, tutor)):
                    booked[session["id"]] += session["booked_by_me"]
                    taken[session["id"]] = session["seats_taken"]
    assert sum(taken.values()) == 6
    assert {sid: n for sid, n in taken.items() if n} == {sid: n for sid, n in booked.items() if n}


@pytest.mark.slow
def test_a_newcomer_meets_a_full_session_and_one_with_seats_left(demo: ServerProcess) -> None:
    with signed_in(demo.base_url, SAM) as sam:
        listed = [s for t in ("Tara Tutor", "Theo Tutor") for s in sessions(sam, tutor_id(sam, t))]
    group = [s for s in listed if s["capacity"] > 1]
    assert any(s["seats_left"] == 0 for s in group)
    assert any(0 < s["seats_taken"] < s["capacity"] for s in group)
    assert any(s["seats_taken"] == 0 for s in group)


@pytest.mark.slow
def test_the_set_up_runs_on_the_first_start_only(tmp_path: Path) -> None:
    first = stop_demo(start_demo(tmp_path))
    again = start_demo(tmp_path)
    try:
        with signed_in(again.base_url, SAM) as sam:
            bookings = my_bookings(sam)
    finally:
        second = stop_demo(again)

    assert first.count("booked a seat") == 6
    assert "booked a seat" not in second
    assert [b["status"] for b in bookings] == ["confirmed", "confirmed"]
