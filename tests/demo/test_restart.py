"""A restart never breaks the demo: the database and the emulator's Google side come back
together, so what a booking is before a restart is what both sides say after it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2
import pytest

from tests.support.processes import free_port, wait_for

from .support import (
    SAM,
    TARA,
    csrf,
    emulator_event,
    my_bookings,
    sessions,
    signed_in,
    start_demo,
    stop_demo,
    tutor_id,
)


def _a_day_ahead(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    after = datetime.now(UTC) + timedelta(days=1)
    return [i for i in items if datetime.fromisoformat(i["start"]) > after]


def _book_a_seat_and_a_slot(sam: httpx2.Client) -> tuple[dict[str, Any], dict[str, Any]]:
    tara = tutor_id(sam, "Tara Tutor")
    algebra = next(
        s
        for s in _a_day_ahead(sessions(sam, tara))
        if s["title"] == "Tutoring: Algebra (group)" and s["seats_left"] > 0
    )
    seat = sam.post("/api/v1/bookings", json={"session_id": algebra["id"]}, headers=csrf(sam))
    assert seat.status_code == 201, seat.text
    slots = _a_day_ahead(sam.get(f"/api/v1/tutors/{tara}/slots").json())
    slot = sam.post(
        "/api/v1/bookings",
        json={"tutor_id": tara, "start": slots[len(slots) // 2]["start"], "minutes": 60},
        headers=csrf(sam),
    )
    assert slot.status_code == 201, slot.text
    return seat.json(), slot.json()


def _google_says(sam: httpx2.Client, booking: dict[str, Any]) -> tuple[str, list[str]]:
    """The status and guests of the booking's event in (emulated) Google Calendar."""
    event = emulator_event(sam, TARA, booking["calendar_event_id"])
    guests = [a["email"] for a in event.get("attendees", []) if not a.get("organizer")]
    return event.get("status", "confirmed"), guests


def _statuses(bookings: list[dict[str, Any]]) -> dict[str, tuple[str, str, str | None]]:
    return {b["id"]: (b["status"], b["calendar_sync"], b["cancel_reason"]) for b in bookings}


@pytest.mark.slow
def test_bookings_made_before_a_restart_are_what_both_sides_say_after_it(tmp_path: Path) -> None:
    first = start_demo(tmp_path)
    try:
        with signed_in(first.base_url, SAM) as sam:
            seat, slot = _book_a_seat_and_a_slot(sam)
            before = _statuses(my_bookings(sam))
            google_before = [_google_says(sam, seat), _google_says(sam, slot)]
    finally:
        stop_demo(first)

    # Back on another port, as `PORT=8001 make run` after `make run` would be.
    second = start_demo(tmp_path, port=free_port())
    try:
        with signed_in(second.base_url, SAM) as sam:
            after = _statuses(my_bookings(sam))
            google_after = [_google_says(sam, seat), _google_says(sam, slot)]

            # Tara edits her calendar in Google: the push channel opened before the restart
            # still reaches tutorcal, now on its new port, and the sync that follows (a full
            # one: sync tokens do not outlive the emulator) finds every seat where it was.
            tara = tutor_id(sam, "Tara Tutor")
            # The second rename is notified after every sync the first one caused: once it
            # shows, those have landed.
            for renamed in ("Tutoring: Algebra (group, room 12)", "Tutoring: Algebra (room 14)"):
                patched = sam.patch(
                    f"/_google/_emulator/calendars/{TARA}/events/{seat['calendar_event_id']}",
                    json={"summary": renamed},
                )
                assert patched.status_code == 200, patched.text
                wait_for(
                    lambda title=renamed: any(s["title"] == title for s in sessions(sam, tara)),
                    timeout=10,
                )
            after_sync = _statuses(my_bookings(sam))
            exam_prep = next(s for s in sessions(sam, tara) if s["title"] == "Tutoring: Exam prep")
    finally:
        stop_demo(second)

    assert {seat["id"], slot["id"]} < set(before)
    assert len(before) == 4  # the two seats booked for Sam at set-up, and these two
    assert {status for status, _, _ in before.values()} == {"confirmed"}
    assert after == before
    assert after_sync == before
    assert google_before == [("confirmed", [SAM]), ("confirmed", [SAM])]
    assert google_after == google_before
    assert exam_prep["booked_by_me"] is True
