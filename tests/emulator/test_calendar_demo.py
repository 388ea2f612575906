"""The demo calendars, the Calendar control API's own rules, and the Calendar API when mounted."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2
import pytest
from fastapi import FastAPI

from tutorcal.emulator.demo import create_demo_emulator
from tutorcal.emulator.server import serving_in_background

from .calendar_flows import THEO, access_token, calendar_client, list_all
from .conftest import Emulator
from .flows import CALLBACK, TARA

PREFIX = "/_google"


@pytest.fixture(scope="module")
def demo_base_url() -> Iterator[str]:
    host_app = FastAPI()
    host_app.mount(PREFIX, create_demo_emulator([CALLBACK]))
    with serving_in_background(host_app) as base_url:
        yield f"{base_url}{PREFIX}"


@pytest.fixture
def demo(demo_base_url: str) -> Iterator[httpx2.Client]:
    with httpx2.Client(base_url=demo_base_url, timeout=5) as http:
        http.post("/_emulator/reset").raise_for_status()
        yield http


def next_two_weeks(api: httpx2.Client) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    items, _ = list_all(
        api,
        singleEvents="true",
        orderBy="startTime",
        timeMin=now.isoformat(),
        timeMax=(now + timedelta(days=14)).isoformat(),
    )
    return items


def capacity(event: dict[str, Any]) -> int:
    match = re.search(r"capacity:\s*(\d+)", event.get("description", ""), re.IGNORECASE)
    return int(match.group(1)) if match else 1


def seats_taken(event: dict[str, Any]) -> int:
    return sum(1 for attendee in event.get("attendees", []) if not attendee.get("organizer"))


def test_the_demo_tutors_have_sessions_and_busy_time_in_the_coming_fortnight(
    demo_base_url: str, demo: httpx2.Client
) -> None:
    with calendar_client(demo_base_url, access_token(demo, TARA)) as api:
        tara = next_two_weeks(api)
        time_zone = api.get("/users/me/calendarList").json()["items"][0]["timeZone"]
    sessions = [e for e in tara if "tutoring" in e["summary"].lower()]

    assert time_zone == "Europe/London"
    assert {capacity(e) for e in sessions} == {1, 3}
    assert any(e.get("recurringEventId") for e in sessions)
    # Students book their seats through tutorcal (tutorcal.demo.setup): none are seeded here.
    assert {seats_taken(e) for e in sessions} == {0}
    assert any(e.get("transparency") == "transparent" for e in tara)
    assert any("date" in e["start"] for e in tara)
    assert any(e.get("hangoutLink", "").startswith("https://meet.google.com/") for e in sessions)


def test_theo_is_in_new_york_with_group_sessions_of_two_sizes_and_nobody_on_them_yet(
    demo_base_url: str, demo: httpx2.Client
) -> None:
    with calendar_client(demo_base_url, access_token(demo, THEO)) as api:
        theo = next_two_weeks(api)
        time_zone = api.get("/users/me/calendarList").json()["items"][0]["timeZone"]
    sessions = [e for e in theo if "tutoring" in e["summary"].lower()]

    assert time_zone == "America/New_York"
    assert {capacity(e) for e in sessions} == {1, 2, 3}
    assert any(e.get("recurringEventId") and capacity(e) == 3 for e in sessions)
    assert {seats_taken(e) for e in sessions} == {0}


def test_a_reset_brings_the_demo_calendars_back(demo_base_url: str, demo: httpx2.Client) -> None:
    before = demo.get(f"/_emulator/calendars/{TARA}/events").json()
    demo.delete(f"/_emulator/calendars/{TARA}/events/{before[0]['id']}").raise_for_status()

    demo.post("/_emulator/reset").raise_for_status()
    after = demo.get(f"/_emulator/calendars/{TARA}/events").json()

    assert [e["id"] for e in after] == [e["id"] for e in before]
    assert {e["status"] for e in after} == {"confirmed"}


def test_mounted_the_resource_uri_and_the_log_path_follow_the_prefix(
    demo_base_url: str, demo: httpx2.Client
) -> None:
    with calendar_client(demo_base_url, access_token(demo, TARA)) as api:
        channel = api.post(
            "/calendars/primary/events/watch",
            json={"id": "mounted", "type": "web_hook", "address": "http://127.0.0.1:9/hook"},
        ).json()

    logged = demo.get("/_emulator/requests").json()
    assert channel["resourceUri"] == f"{demo_base_url}/calendar/v3/calendars/primary/events"
    assert logged[-1]["path"] == "/calendar/v3/calendars/primary/events/watch"


def test_the_control_api_reads_a_stored_event_with_its_attendees(emulator: Emulator) -> None:
    created = emulator.http.post(
        f"/_emulator/calendars/{TARA}/events",
        json={
            "id": "seeded1",
            "summary": "Tutoring: Algebra",
            "start": {"dateTime": "2026-12-07T10:00:00Z"},
            "end": {"dateTime": "2026-12-07T11:00:00Z"},
            "attendees": [{"email": "sam@demo.tutorcal.test"}],
        },
    )

    stored = emulator.http.get(f"/_emulator/calendars/{TARA}/events/seeded1").json()

    assert created.status_code == 201
    assert [a["email"] for a in stored["attendees"]] == [TARA, "sam@demo.tutorcal.test"]


def test_the_control_api_refuses_an_unknown_calendar_and_an_invalid_event(
    emulator: Emulator,
) -> None:
    unknown = emulator.http.post("/_emulator/calendars/nobody@example.com/events", json={})
    invalid = emulator.http.post(
        f"/_emulator/calendars/{TARA}/events", json={"summary": "No times"}
    )
    duplicate_calendar = [
        emulator.http.post(
            "/_emulator/calendars", json={"owner": TARA, "id": "c1", "summary": "C"}
        ).status_code
        for _ in range(2)
    ]

    assert unknown.status_code == 404
    assert invalid.status_code == 422
    assert duplicate_calendar == [201, 409]


def test_a_secondary_calendar_organizes_its_own_events(
    emulator: Emulator, tara_api: httpx2.Client
) -> None:
    emulator.http.post(
        "/_emulator/calendars",
        json={"owner": TARA, "id": "sessions@group.calendar.google.com", "summary": "Sessions"},
    ).raise_for_status()

    created = tara_api.post(
        "/calendars/sessions@group.calendar.google.com/events",
        json={
            "summary": "Tutoring",
            "start": {"date": "2026-12-07"},
            "end": {"date": "2026-12-08"},
        },
    ).json()

    assert created["organizer"] == {
        "email": "sessions@group.calendar.google.com",
        "displayName": "Sessions",
        "self": True,
    }
    assert created["creator"] == {"email": TARA}
