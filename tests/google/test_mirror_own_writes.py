"""Our own writes in the mirror: Google's answer to a seat's write is stored at once, so the
sync that its notification starts has nothing left to write; whatever else changed in Google
is still applied (app in-process, Google over HTTP)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from tests.conftest import TEST_TUTOR
from tests.support.booking import group_session, student
from tests.support.browser import Browser
from tests.support.calendar import sync_now
from tests.support.emulator import EmulatorServer
from tutorcal.bookings.models import Booking, BookingStatus
from tutorcal.google.calendar_types import Event
from tutorcal.google.mirror import record_own_write
from tutorcal.google.models import CalendarEvent
from tutorcal.tutoring_sessions.models import TutoringSession


async def book(browser: Browser, session_id: str) -> dict[str, Any]:
    response = await browser.app.post(
        "/api/v1/bookings", json={"session_id": session_id}, headers=browser.csrf
    )
    assert response.status_code == 201, response.text
    booking: dict[str, Any] = response.json()
    return booking


def google_event(emulator: EmulatorServer, event_id: str) -> dict[str, Any]:
    event: dict[str, Any] = emulator.control("GET", f"/calendars/{TEST_TUTOR}/events/{event_id}")
    return event


async def test_a_seats_answer_is_the_mirror_at_once_and_its_sync_writes_nothing(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    group = await group_session(app, browser, emulator, capacity=3)
    sam = await student(other_browser, emulator, "sam@school.example")
    await book(sam, group.session_id)

    in_google = google_event(emulator, group.event["id"])
    session = await TutoringSession.get(id=group.session_id)
    assert session.etag == in_google["etag"]
    assert session.attendee_emails == ["sam@school.example"]
    busy = await CalendarEvent.get(google_event_id=group.event["id"])

    emulator.control("DELETE", "/requests")
    await sync_now(app, group.tutor)

    listed = [r for r in emulator.control("GET", "/requests") if r["name"] == "events.list"]
    assert len(listed) == 1  # the sync read Google, and Google listed our write
    assert (await TutoringSession.get(id=session.id)).updated_at == session.updated_at
    assert (await CalendarEvent.get(id=busy.id)).updated_at == busy.updated_at


async def test_what_the_tutor_changes_after_our_write_is_still_applied(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    group = await group_session(app, browser, emulator, capacity=3)
    sam = await student(other_browser, emulator, "sam@school.example")
    booking = await book(sam, group.session_id)
    attendees = google_event(emulator, group.event["id"])["attendees"]
    emulator.control(
        "PATCH",
        f"/calendars/{TEST_TUTOR}/events/{group.event['id']}",
        {
            "summary": "Tutoring: Algebra II",
            "attendees": [*attendees, {"email": "guest@school.example"}],
        },
    )

    await sync_now(app, group.tutor)

    (listed,) = (await sam.app.get(f"/api/v1/tutors/{group.tutor.id}/sessions")).json()
    assert listed["title"] == "Tutoring: Algebra II"
    assert listed["seats_taken"] == 2
    session = await TutoringSession.get(id=group.session_id)
    assert session.etag == google_event(emulator, group.event["id"])["etag"]
    assert (await Booking.get(id=booking["id"])).status == BookingStatus.CONFIRMED


async def test_an_answer_older_than_the_mirror_row_does_not_overwrite_it(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    """Our write's answer is stored only over the version it replaced: a sync that applied a
    newer version first keeps it (the guest the tutor added is not lost)."""
    group = await group_session(app, browser, emulator, capacity=3)
    sam = await student(other_browser, emulator, "sam@school.example")
    await book(sam, group.session_id)
    answer = google_event(emulator, group.event["id"])
    emulator.control(
        "PATCH",
        f"/calendars/{TEST_TUTOR}/events/{group.event['id']}",
        {"attendees": [*answer["attendees"], {"email": "guest@school.example"}]},
    )
    await sync_now(app, group.tutor)
    session = await TutoringSession.get(id=group.session_id)

    await record_own_write(
        session.calendar_id, Event.model_validate(answer), replaced_etag=group.event["etag"]
    )

    after = await TutoringSession.get(id=group.session_id)
    assert (after.etag, after.attendee_emails) == (
        session.etag,
        ["guest@school.example", "sam@school.example"],
    )
