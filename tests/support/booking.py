"""A tutor with a session in Google, and students ready to book it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fastapi import FastAPI

from tests.conftest import TEST_TUTOR
from tests.support.browser import Browser
from tests.support.calendar import add_event, at, clock_of, connect_tutor, event_body, runtime_of
from tests.support.emulator import EmulatorServer
from tutorcal.bookings.google_sync import drain_booking_writes
from tutorcal.users.models import User

# Open every day from 08:00 to 20:00 UTC: whatever a test books in those hours is available.
ALL_DAY_AVAILABILITY = {
    "timezone": "UTC",
    "weekly": [{"weekday": day, "start": "08:00", "end": "20:00"} for day in range(7)],
    "overrides": [],
}


def iso(moment: datetime) -> str:
    """As the web app sends an instant: RFC 3339 in UTC with a Z."""
    return moment.isoformat().replace("+00:00", "Z")


@dataclass
class GroupSession:
    tutor: User
    event: dict[str, Any]
    session_id: str


async def group_session(
    app: FastAPI,
    tutor_browser: Browser,
    emulator: EmulatorServer,
    *,
    capacity: int = 2,
    days: int = 3,
    hour: int = 10,
) -> GroupSession:
    emulator.add_user(TEST_TUTOR)
    event = add_event(
        emulator,
        TEST_TUTOR,
        event_body("Tutoring: Algebra", at(days, hour), description=f"capacity: {capacity}"),
    )
    tutor = await connect_tutor(app, tutor_browser, emulator)
    sessions = (await tutor_browser.app.get(f"/api/v1/tutors/{tutor.id}/sessions")).json()
    return GroupSession(tutor, event, sessions[0]["id"])


async def tutor_open_for_slots(app: FastAPI, browser: Browser, emulator: EmulatorServer) -> User:
    tutor = await connect_tutor(app, browser, emulator)
    response = await browser.app.put(
        "/api/v1/tutors/me/availability", json=ALL_DAY_AVAILABILITY, headers=browser.csrf
    )
    assert response.status_code == 200, response.text
    return tutor


async def student(browser: Browser, emulator: EmulatorServer, email: str) -> Browser:
    emulator.add_user(email, email.split("@")[0].title())
    response = await browser.sign_in(email)
    assert response.status_code == 303
    return browser


def attendees(emulator: EmulatorServer, calendar: str, event_id: str) -> list[str]:
    event = emulator.control("GET", f"/calendars/{calendar}/events/{event_id}")
    return sorted(a["email"] for a in event.get("attendees", []) if not a.get("organizer"))


async def drain_once_due(app: FastAPI) -> dict[str, int]:
    """The worker's outbox round, once every write's backoff is over (none waits past the cap)."""
    runtime = runtime_of(app)
    clock_of(app).advance(timedelta(seconds=runtime.outbox_policy.retry_cap_seconds))
    return await drain_booking_writes(runtime.calendar, runtime.outbox_policy)
