"""A burst of push notifications (a booking rush writes one event after another, and each write
comes back as a notification) costs one sync, and no change in it is lost, here or on another
instance."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx2
import pytest
from fastapi import FastAPI

from tests.conftest import TEST_TUTOR
from tests.support.browser import Browser
from tests.support.calendar import add_event, at, connect_tutor, event_body, runtime_of
from tests.support.emulator import EmulatorServer
from tutorcal.config import Settings
from tutorcal.core.time import utcnow
from tutorcal.google.models import MirroredCalendar
from tutorcal.tutoring_sessions.models import TutoringSession

WEBHOOK = "/api/v1/webhooks/google/calendar"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # A debounce wide enough that the whole burst below lands inside it, even on a busy machine.
    return settings.model_copy(update={"sync_coalesce_seconds": 0.5})


def push(channel: dict[str, Any], number: int) -> dict[str, str]:
    return {
        "X-Goog-Channel-ID": channel["id"],
        "X-Goog-Channel-Token": channel["token"],
        "X-Goog-Resource-ID": channel["resource_id"],
        "X-Goog-Resource-State": "exists",
        "X-Goog-Message-Number": str(number),
    }


async def burst(
    client: httpx2.AsyncClient, emulator: EmulatorServer, count: int, sent: list[datetime]
) -> list[str]:
    """``count`` new sessions in Google, each followed by its notification (``sent``: when
    each went out); their titles."""
    channel = next(
        c for c in emulator.control("GET", "/channels") if c["calendar_id"] == TEST_TUTOR
    )
    titles = []
    for n in range(count):
        title = f"Tutoring: burst {n + 1}"
        add_event(emulator, TEST_TUTOR, event_body(title, at(4, 9 + n)))
        sent.append(utcnow())
        answer = await client.post(WEBHOOK, headers=push(channel, 100 + n))
        assert answer.status_code == 200
        titles.append(title)
    return titles


async def test_a_burst_of_notifications_is_one_sync_that_shows_every_change(
    app: FastAPI, browser: Browser, emulator: EmulatorServer, client: httpx2.AsyncClient
) -> None:
    await connect_tutor(app, browser, emulator)
    lists_before = emulator.calendar_calls("events.list")
    titles = await burst(client, emulator, 5, [])
    await runtime_of(app).calendar.background.wait_idle()
    assert emulator.calendar_calls("events.list") - lists_before == 1
    mirrored = await TutoringSession.filter(title__in=titles).order_by("start_at")
    assert [session.title for session in mirrored] == titles
    # The last notification's time is on record, as if each had been flagged on its own.
    calendar = await MirroredCalendar.get(google_calendar_id="primary")
    assert calendar.sync_requested_at is not None
    assert calendar.last_sync_started_at is not None
    assert calendar.sync_requested_at <= calendar.last_sync_started_at


async def test_a_burst_while_another_instance_syncs_is_left_flagged_for_it(
    app: FastAPI, browser: Browser, emulator: EmulatorServer, client: httpx2.AsyncClient
) -> None:
    await connect_tutor(app, browser, emulator)
    # Another instance holds the calendar's sync lease: this one's sync cannot claim it, so
    # the holder (or the periodic sync) must find the whole burst flagged when it looks.
    held_until = utcnow() + timedelta(minutes=5)
    await MirroredCalendar.filter(google_calendar_id="primary").update(sync_lease_until=held_until)
    sent: list[datetime] = []
    titles = await burst(client, emulator, 4, sent)
    await runtime_of(app).calendar.background.wait_idle()
    calendar = await MirroredCalendar.get(google_calendar_id="primary")
    assert calendar.sync_requested_at is not None
    assert calendar.last_synced_at is not None
    assert calendar.sync_requested_at > calendar.last_synced_at  # due for the periodic sync
    # The last notification's time, not only the first's: the holder looks again if any
    # came after its own start.
    assert calendar.sync_requested_at >= sent[-1]
    assert await TutoringSession.filter(title__in=titles).count() == 0  # not read here

    # The holder finishes; the periodic sync picks the calendar up by that flag.
    await MirroredCalendar.filter(google_calendar_id="primary").update(sync_lease_until=None)
    await runtime_of(app).calendar.sync_stale()
    assert await TutoringSession.filter(title__in=titles).count() == len(titles)
