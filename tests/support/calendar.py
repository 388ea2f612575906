"""Helpers for tests of the calendar mirror: a tutor with a connected calendar, and events."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi import FastAPI

from tests.conftest import TEST_TUTOR
from tests.support.browser import Browser
from tests.support.clock import ManualClock
from tests.support.emulator import EmulatorServer
from tutorcal.core.time import utcnow
from tutorcal.runtime import Runtime
from tutorcal.users.models import User


def runtime_of(app: FastAPI) -> Runtime:
    runtime: Runtime = app.state.runtime
    return runtime


def clock_of(app: FastAPI) -> ManualClock:
    """The clock the ``app`` fixture gave the app, for a test to move."""
    clock = runtime_of(app).clock
    assert isinstance(clock, ManualClock)
    return clock


def at(days: int, hour: int, minute: int = 0) -> datetime:
    """A time ``days`` from today at hour:minute UTC."""
    return (utcnow() + timedelta(days=days)).replace(
        hour=hour, minute=minute, second=0, microsecond=0
    )


def event_body(summary: str, start: datetime, minutes: int = 60, **fields: Any) -> dict[str, Any]:
    return {
        "summary": summary,
        "start": {"dateTime": start.isoformat(), "timeZone": "UTC"},
        "end": {"dateTime": (start + timedelta(minutes=minutes)).isoformat(), "timeZone": "UTC"},
        **fields,
    }


def add_event(emulator: EmulatorServer, calendar_id: str, body: dict[str, Any]) -> dict[str, Any]:
    event: dict[str, Any] = emulator.control("POST", f"/calendars/{calendar_id}/events", body)
    return event


async def connect_tutor(
    app: FastAPI, browser: Browser, emulator: EmulatorServer, email: str = TEST_TUTOR
) -> User:
    """Sign in as a tutor and connect the calendar; returns once the first sync is done."""
    emulator.add_user(email)
    await browser.sign_in(email)
    response = await browser.connect_calendar()
    assert response.status_code == 303, response.text
    await runtime_of(app).calendar.background.wait_idle()
    return await User.get(email=email)


async def sync_now(app: FastAPI, tutor: User) -> None:
    await runtime_of(app).calendar.sync_stale(tutor=tutor)
