"""freeBusy.query: what counts as busy, merging, clipping, and calendars one cannot read."""

from __future__ import annotations

from typing import Any

import httpx2

from .calendar_flows import THEO, event_body
from .conftest import Emulator
from .flows import TARA

WINDOW = {"timeMin": "2026-12-07T00:00:00Z", "timeMax": "2026-12-08T00:00:00Z"}


def add(emulator: Emulator, body: dict[str, Any]) -> str:
    response = emulator.http.post(f"/_emulator/calendars/{TARA}/events", json=body)
    assert response.status_code == 201, response.text
    event_id: str = response.json()["id"]
    return event_id


def busy(api: httpx2.Client, calendar_id: str = "primary", **window: str) -> list[dict[str, str]]:
    body = {**WINDOW, **window, "items": [{"id": calendar_id}]}
    response = api.post("/freeBusy", json=body)
    assert response.status_code == 200, response.text
    periods: list[dict[str, str]] = response.json()["calendars"][calendar_id]["busy"]
    return periods


def test_opaque_events_are_busy_and_overlapping_ones_merge(
    emulator: Emulator, tara_api: httpx2.Client
) -> None:
    add(emulator, event_body("Lesson", "2026-12-07T09:00:00Z", "2026-12-07T10:00:00Z"))
    add(emulator, event_body("Overlap", "2026-12-07T09:30:00Z", "2026-12-07T11:00:00Z"))
    add(emulator, event_body("Later", "2026-12-07T14:00:00Z", "2026-12-07T15:00:00Z"))

    assert busy(tara_api) == [
        {"start": "2026-12-07T09:00:00Z", "end": "2026-12-07T11:00:00Z"},
        {"start": "2026-12-07T14:00:00Z", "end": "2026-12-07T15:00:00Z"},
    ]


def test_transparent_declined_and_cancelled_events_are_not_busy(
    emulator: Emulator, tara_api: httpx2.Client
) -> None:
    add(
        emulator,
        event_body(
            "Focus", "2026-12-07T09:00:00Z", "2026-12-07T10:00:00Z", transparency="transparent"
        ),
    )
    add(
        emulator,
        event_body(
            "Declined meeting",
            "2026-12-07T11:00:00Z",
            "2026-12-07T12:00:00Z",
            organizer={"email": "head@demo.tutorcal.test"},
            attendees=[{"email": TARA, "responseStatus": "declined"}],
        ),
    )
    cancelled = add(
        emulator, event_body("Cancelled", "2026-12-07T13:00:00Z", "2026-12-07T14:00:00Z")
    )
    emulator.http.delete(f"/_emulator/calendars/{TARA}/events/{cancelled}").raise_for_status()

    assert busy(tara_api) == []


def test_declining_through_the_calendar_frees_the_time(
    emulator: Emulator, tara_api: httpx2.Client
) -> None:
    event_id = add(
        emulator,
        event_body(
            "Staff meeting",
            "2026-12-07T11:00:00Z",
            "2026-12-07T12:00:00Z",
            attendees=[{"email": "sam@demo.tutorcal.test"}],
        ),
    )
    before = busy(tara_api)

    emulator.http.patch(
        f"/_emulator/calendars/{TARA}/events/{event_id}",
        json={
            "attendees": [
                {"email": TARA, "responseStatus": "declined"},
                {"email": "sam@demo.tutorcal.test"},
            ]
        },
    ).raise_for_status()

    assert before == [{"start": "2026-12-07T11:00:00Z", "end": "2026-12-07T12:00:00Z"}]
    assert busy(tara_api) == []


def test_all_day_events_are_busy_from_midnight_to_midnight_in_the_calendars_zone(
    emulator: Emulator, tara_api: httpx2.Client
) -> None:
    emulator.http.put(
        f"/_emulator/users/{TARA}/calendar-settings", json={"timeZone": "Europe/Berlin"}
    )
    add(
        emulator,
        {"summary": "Training day", "start": {"date": "2026-12-07"}, "end": {"date": "2026-12-08"}},
    )

    periods = busy(tara_api, timeMin="2026-12-06T00:00:00Z", timeMax="2026-12-09T00:00:00Z")

    assert periods == [{"start": "2026-12-06T23:00:00Z", "end": "2026-12-07T23:00:00Z"}]


def test_busy_periods_are_clipped_to_the_window_and_include_series_instances(
    emulator: Emulator, tara_api: httpx2.Client
) -> None:
    add(
        emulator,
        {
            "summary": "Tutoring: weekly",
            "start": {"dateTime": "2026-11-30T23:00:00", "timeZone": "UTC"},
            "end": {"dateTime": "2026-12-01T01:00:00", "timeZone": "UTC"},
            "recurrence": ["RRULE:FREQ=WEEKLY;BYDAY=MO"],
        },
    )

    periods = busy(tara_api, timeMin="2026-12-08T00:00:00Z", timeMax="2026-12-15T00:00:00Z")

    assert periods == [
        {"start": "2026-12-08T00:00:00Z", "end": "2026-12-08T01:00:00Z"},
        {"start": "2026-12-14T23:00:00Z", "end": "2026-12-15T00:00:00Z"},
    ]


def test_a_calendar_the_caller_cannot_read_gets_a_not_found_entry(tara_api: httpx2.Client) -> None:
    response = tara_api.post(
        "/freeBusy", json={**WINDOW, "items": [{"id": THEO}, {"id": "primary"}]}
    )

    calendars = response.json()["calendars"]
    assert calendars[THEO] == {"errors": [{"domain": "global", "reason": "notFound"}], "busy": []}
    assert calendars["primary"] == {"busy": []}
    assert response.json()["kind"] == "calendar#freeBusy"
