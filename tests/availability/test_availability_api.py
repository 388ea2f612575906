"""Availability and free slots over the real app; the tutor's calendar in the Google emulator."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

import httpx2
import pytest
from fastapi import FastAPI

from tests.auth.test_sessions import signed_in
from tests.conftest import TEST_TUTOR
from tests.support.booking import iso
from tests.support.browser import Browser
from tests.support.calendar import add_event, at, connect_tutor, event_body
from tests.support.clock import ManualClock
from tests.support.emulator import EmulatorServer
from tests.support.factories import make_slot_booking
from tutorcal.availability.service import check_bookable_slot
from tutorcal.availability.slots import SlotRefusal
from tutorcal.bookings.models import Booking, BookingStatus
from tutorcal.core.time import utcnow
from tutorcal.google.models import GoogleGrant, GrantStatus
from tutorcal.users.models import User

AVAILABILITY: dict[str, Any] = {
    "timezone": "Europe/London",
    "weekly": [
        {"weekday": 0, "start": "09:00", "end": "12:00"},
        {"weekday": 0, "start": "13:00", "end": "17:30"},
        {"weekday": 4, "start": "20:00", "end": "24:00"},
    ],
    "overrides": [
        {"date": "2026-12-24", "ranges": []},
        {"date": "2026-12-28", "ranges": [{"start": "10:00", "end": "11:00"}]},
    ],
}
EVERY_DAY = {
    "timezone": "UTC",
    "weekly": [{"weekday": day, "start": "08:00", "end": "18:00"} for day in range(7)],
    "overrides": [],
}
RULES: dict[str, Any] = {
    "timezone": "UTC",
    "slot_minutes": 60,
    "buffer_minutes": 15,
    "min_notice_minutes": 0,
    "horizon_days": 30,
}


async def put_availability(browser: Browser, body: dict[str, Any]) -> Any:
    return await browser.app.put("/api/v1/tutors/me/availability", json=body, headers=browser.csrf)


async def open_tutor(
    app: FastAPI, browser: Browser, emulator: EmulatorServer, **rules: Any
) -> User:
    """A connected tutor, available 08:00-18:00 UTC every day, with RULES (and ``rules``)."""
    tutor = await connect_tutor(app, browser, emulator)
    await set_rules(browser, **rules)
    assert (await put_availability(browser, EVERY_DAY)).status_code == 200
    return tutor


async def set_rules(browser: Browser, **rules: Any) -> None:
    settings = await browser.app.patch(
        "/api/v1/tutors/me/settings", json={**RULES, **rules}, headers=browser.csrf
    )
    assert settings.status_code == 200, settings.text


async def slot_starts(browser: Browser, tutor: User, days: int, **params: Any) -> list[str]:
    response = await browser.app.get(
        f"/api/v1/tutors/{tutor.id}/slots",
        params={"start": iso(at(days, 0)), "end": iso(at(days + 1, 0)), **params},
    )
    assert response.status_code == 200, response.text
    return [slot["start"] for slot in response.json()]


async def book(
    tutor: User, start: datetime, status: BookingStatus = BookingStatus.CONFIRMED
) -> Booking:
    return await make_slot_booking(tutor, start_at=start, status=status)


async def test_a_tutor_replaces_availability_and_any_signed_in_user_reads_it(
    browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    await signed_in(browser, emulator, TEST_TUTOR)
    saved = await put_availability(browser, AVAILABILITY)
    assert saved.status_code == 200, saved.text
    assert saved.json() == AVAILABILITY
    tutor = await User.get(email=TEST_TUTOR)
    assert tutor.timezone == "Europe/London"
    assert (await browser.app.get("/api/v1/tutors/me/availability")).json() == AVAILABILITY

    await signed_in(other_browser, emulator, "sam@school.example")
    read = await other_browser.app.get(f"/api/v1/tutors/{tutor.id}/availability")
    assert read.status_code == 200
    assert read.json() == AVAILABILITY

    smaller = {"timezone": "Asia/Kolkata", "weekly": AVAILABILITY["weekly"][:1], "overrides": []}
    assert (await put_availability(browser, smaller)).json() == smaller
    assert (await other_browser.app.get(f"/api/v1/tutors/{tutor.id}/availability")).json() == (
        smaller
    )


async def test_a_tutor_without_availability_has_none(
    browser: Browser, emulator: EmulatorServer
) -> None:
    await signed_in(browser, emulator, TEST_TUTOR)
    tutor = await User.get(email=TEST_TUTOR)
    read = await browser.app.get(f"/api/v1/tutors/{tutor.id}/availability")
    assert read.json() == {"timezone": "UTC", "weekly": [], "overrides": []}


async def test_availability_comes_back_in_order(browser: Browser, emulator: EmulatorServer) -> None:
    await signed_in(browser, emulator, TEST_TUTOR)
    shuffled = {
        **AVAILABILITY,
        "weekly": AVAILABILITY["weekly"][::-1],
        "overrides": AVAILABILITY["overrides"][::-1],
    }
    assert (await put_availability(browser, shuffled)).json() == AVAILABILITY


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        (
            {"weekly": [{"weekday": 7, "start": "09:00", "end": "10:00"}]},
            ["weekly", "0", "weekday"],
        ),
        (
            {"weekly": [{"weekday": -1, "start": "09:00", "end": "10:00"}]},
            ["weekly", "0", "weekday"],
        ),
        ({"weekly": [{"weekday": 1, "start": "9:00", "end": "10:00"}]}, ["weekly", "0", "start"]),
        ({"weekly": [{"weekday": 1, "start": "09:00", "end": "25:00"}]}, ["weekly", "0", "end"]),
        ({"weekly": [{"weekday": 1, "start": "24:00", "end": "24:00"}]}, ["weekly", "0", "start"]),
        ({"weekly": [{"weekday": 1, "start": "10:00", "end": "09:00"}]}, ["weekly", "0", "end"]),
        ({"weekly": [{"weekday": 1, "start": "10:00", "end": "10:00"}]}, ["weekly", "0", "end"]),
        (
            {
                "weekly": [
                    {"weekday": 2, "start": "09:00", "end": "12:00"},
                    {"weekday": 2, "start": "11:00", "end": "13:00"},
                ]
            },
            ["weekly"],
        ),
        (
            {
                "overrides": [
                    {
                        "date": "2026-12-24",
                        "ranges": [
                            {"start": "09:00", "end": "12:00"},
                            {"start": "10:00", "end": "11:00"},
                        ],
                    }
                ]
            },
            ["overrides", "0", "ranges"],
        ),
        (
            {"overrides": [{"date": "2026-12-24", "ranges": [{"start": "12:00", "end": "09:00"}]}]},
            ["overrides", "0", "ranges", "0", "end"],
        ),
        (
            {
                "overrides": [
                    {"date": "2026-12-24", "ranges": []},
                    {"date": "2026-12-24", "ranges": []},
                ]
            },
            ["overrides"],
        ),
        ({"overrides": [{"date": "24/12/2026", "ranges": []}]}, ["overrides", "0", "date"]),
        (
            {
                "weekly": [
                    {"weekday": n % 7, "start": f"{n // 7:02d}:00", "end": f"{n // 7:02d}:30"}
                    for n in range(51)
                ]
            },
            ["weekly"],
        ),
        (
            {
                "overrides": [
                    {"date": (date(2027, 1, 1) + timedelta(days=n)).isoformat(), "ranges": []}
                    for n in range(367)
                ]
            },
            ["overrides"],
        ),
        ({"timezone": "Nowhere/Land"}, ["timezone"]),
        ({"status": "open"}, ["status"]),
    ],
)
async def test_bad_availability_is_422_naming_the_field_and_changes_nothing(
    browser: Browser, emulator: EmulatorServer, change: dict[str, Any], loc: list[str]
) -> None:
    await signed_in(browser, emulator, TEST_TUTOR)
    assert (await put_availability(browser, AVAILABILITY)).status_code == 200
    response = await put_availability(browser, {**AVAILABILITY, **change})
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "validation_failed"
    assert response.json()["errors"][0]["loc"] == ["body", *loc]
    assert (await browser.app.get("/api/v1/tutors/me/availability")).json() == AVAILABILITY


async def test_a_student_may_not_set_availability(
    browser: Browser, emulator: EmulatorServer
) -> None:
    await signed_in(browser, emulator, "sam@school.example")
    refused = await put_availability(browser, AVAILABILITY)
    assert refused.status_code == 403
    assert refused.json()["code"] == "forbidden"
    assert (await browser.app.get("/api/v1/tutors/me/availability")).status_code == 403


async def test_only_tutors_have_availability_and_slots(
    browser: Browser, emulator: EmulatorServer
) -> None:
    await signed_in(browser, emulator, "sam@school.example")
    sam = await User.get(email="sam@school.example")
    for tutor_id in (str(sam.id), str(uuid.uuid4()), "not-an-id"):
        for what in ("availability", "slots"):
            response = await browser.app.get(f"/api/v1/tutors/{tutor_id}/{what}")
            assert response.status_code == 404, (tutor_id, what)
            assert response.json()["code"] == "not_found"


async def test_without_a_session_availability_and_slots_are_401(client: httpx2.AsyncClient) -> None:
    tutor_id = uuid.uuid4()
    assert (await client.get(f"/api/v1/tutors/{tutor_id}/availability")).status_code == 401
    assert (await client.get(f"/api/v1/tutors/{tutor_id}/slots")).status_code == 401


async def test_slots_leave_out_busy_time_and_confirmed_bookings_with_the_buffer(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    emulator.add_user(TEST_TUTOR)
    add_event(emulator, TEST_TUTOR, event_body("Dentist", at(3, 10)))
    add_event(emulator, TEST_TUTOR, event_body("Focus time", at(3, 13), transparency="transparent"))
    declined = [
        {"email": "boss@school.example", "organizer": True},
        {"email": TEST_TUTOR, "self": True, "responseStatus": "declined"},
    ]
    add_event(emulator, TEST_TUTOR, event_body("Staff meeting", at(3, 14), attendees=declined))
    tutor = await open_tutor(app, browser, emulator)
    await book(tutor, at(3, 16))
    await book(tutor, at(3, 12), BookingStatus.CANCELLED)

    await signed_in(other_browser, emulator, "sam@school.example")
    response = await other_browser.app.get(
        f"/api/v1/tutors/{tutor.id}/slots", params={"start": iso(at(3, 0)), "end": iso(at(4, 0))}
    )
    assert response.status_code == 200, response.text
    # Busy 10-11 and the booking 16-17, each widened by 15 minutes, block 9-12 and 15-18.
    assert response.json() == [
        {"start": iso(at(3, hour)), "end": iso(at(3, hour + 1))} for hour in (8, 12, 13, 14)
    ]


async def test_check_bookable_slot_gives_the_booking_code_a_reason(
    app: FastAPI, browser: Browser, emulator: EmulatorServer
) -> None:
    emulator.add_user(TEST_TUTOR)
    add_event(emulator, TEST_TUTOR, event_body("Dentist", at(3, 10)))
    tutor = await open_tutor(app, browser, emulator, min_notice_minutes=120, horizon_days=10)
    booking = await book(tutor, at(3, 16))
    now = utcnow()

    assert await check_bookable_slot(tutor, at(3, 8), 60, now) is None
    assert await check_bookable_slot(tutor, at(3, 9), 60, now) == SlotRefusal.BUSY
    assert await check_bookable_slot(tutor, at(3, 15), 60, now) == SlotRefusal.TAKEN
    assert await check_bookable_slot(tutor, at(3, 16, 30), 30, now) == SlotRefusal.TAKEN
    assert (
        await check_bookable_slot(tutor, at(3, 16), 60, now, ignore_booking_id=booking.id) is None
    )
    assert await check_bookable_slot(tutor, at(3, 8, 30), 60, now) == SlotRefusal.NOT_ON_GRID
    assert await check_bookable_slot(tutor, at(3, 19), 60, now) == SlotRefusal.OUTSIDE_AVAILABILITY
    assert await check_bookable_slot(tutor, now + timedelta(minutes=60), 60, now) == (
        SlotRefusal.TOO_SOON
    )
    assert await check_bookable_slot(tutor, at(12, 8), 60, now) == SlotRefusal.TOO_FAR


async def test_all_day_events_block_slots_unless_the_tutor_ignores_them(
    app: FastAPI, browser: Browser, emulator: EmulatorServer
) -> None:
    emulator.add_user(TEST_TUTOR)
    day = at(3, 0).date()
    add_event(
        emulator,
        TEST_TUTOR,
        {
            "summary": "Training day",
            "start": {"date": day.isoformat()},
            "end": {"date": (day + timedelta(days=1)).isoformat()},
        },
    )
    tutor = await open_tutor(app, browser, emulator)
    assert await slot_starts(browser, tutor, 3) == []
    await set_rules(browser, ignore_all_day_events=True)
    assert await slot_starts(browser, tutor, 3) == [iso(at(3, hour)) for hour in range(8, 18)]


async def test_slot_length_comes_from_minutes_or_the_tutors_slot_length(
    app: FastAPI, browser: Browser, emulator: EmulatorServer
) -> None:
    tutor = await open_tutor(app, browser, emulator, slot_minutes=90, buffer_minutes=0)
    path = f"/api/v1/tutors/{tutor.id}/slots"
    window = {"start": iso(at(3, 0)), "end": iso(at(4, 0))}
    default = (await browser.app.get(path, params=window)).json()
    assert [(s["start"], s["end"]) for s in default] == [
        (iso(at(3, 8) + timedelta(minutes=90 * n)), iso(at(3, 8) + timedelta(minutes=90 * n + 90)))
        for n in range(6)
    ]
    short = (await browser.app.get(path, params={**window, "minutes": 30})).json()
    assert short[0] == {"start": iso(at(3, 8)), "end": iso(at(3, 8, 30))}
    assert short[1]["start"] == iso(at(3, 9, 30))
    for minutes in (0, 4, 7, 485, "x"):
        refused = await browser.app.get(path, params={**window, "minutes": minutes})
        assert refused.status_code == 422, minutes
        assert refused.json()["errors"][0]["loc"] == ["query", "minutes"]


async def test_slots_follow_the_tutors_time_zone(
    app: FastAPI, browser: Browser, emulator: EmulatorServer
) -> None:
    tutor = await open_tutor(app, browser, emulator, buffer_minutes=0)
    kolkata = {
        "timezone": "Asia/Kolkata",
        "weekly": [{"weekday": d, "start": "09:00", "end": "10:00"} for d in range(7)],
        "overrides": [],
    }
    assert (await put_availability(browser, kolkata)).status_code == 200
    assert await slot_starts(browser, tutor, 3) == [iso(at(3, 3, 30))]  # 09:00 at +05:30


async def test_notice_and_horizon_bound_the_slots(
    app: FastAPI, browser: Browser, emulator: EmulatorServer
) -> None:
    tutor = await open_tutor(app, browser, emulator, min_notice_minutes=3 * 24 * 60, horizon_days=5)
    path = f"/api/v1/tutors/{tutor.id}/slots"
    slots = (
        await browser.app.get(path, params={"start": iso(at(0, 0)), "end": iso(at(8, 0))})
    ).json()
    now = utcnow()
    assert slots
    assert min(datetime.fromisoformat(s["start"]) for s in slots) >= now + timedelta(days=3)
    assert max(datetime.fromisoformat(s["end"]) for s in slots) <= now + timedelta(days=5)


async def test_bad_windows_are_422(
    app: FastAPI, browser: Browser, emulator: EmulatorServer
) -> None:
    tutor = await open_tutor(app, browser, emulator)
    path = f"/api/v1/tutors/{tutor.id}/slots"
    cases = [
        ({"start": iso(at(3, 0)), "end": iso(at(2, 0))}, "invalid_window"),
        ({"start": iso(at(1, 0)), "end": iso(at(64, 0))}, "window_too_large"),
        ({"start": "2026-12-01T00:00:00", "end": iso(at(2, 0))}, "validation_failed"),
    ]
    for params, code in cases:
        response = await browser.app.get(path, params=params)
        assert response.status_code == 422, params
        assert response.json()["code"] == code


async def test_reading_slots_makes_no_google_call(
    app: FastAPI, browser: Browser, emulator: EmulatorServer
) -> None:
    tutor = await open_tutor(app, browser, emulator)
    before = emulator.stats().get("calendar_requests", {})
    assert await slot_starts(browser, tutor, 3)
    assert emulator.stats().get("calendar_requests", {}) == before


async def test_a_mirror_that_fell_behind_offers_no_slots(
    app: FastAPI, browser: Browser, emulator: EmulatorServer, clock: ManualClock
) -> None:
    tutor = await open_tutor(app, browser, emulator)
    clock.advance(timedelta(hours=2))  # and no sync ran meanwhile
    response = await browser.app.get(f"/api/v1/tutors/{tutor.id}/slots")
    assert response.status_code == 409
    assert response.json()["code"] == "calendar_unavailable"
    assert response.json()["calendar_status"] == "stale"


async def test_a_revoked_grant_offers_no_slots(
    app: FastAPI, browser: Browser, emulator: EmulatorServer
) -> None:
    tutor = await open_tutor(app, browser, emulator)
    emulator.control("POST", f"/users/{TEST_TUTOR}/revoke")
    await GoogleGrant.filter(user=tutor).update(status=GrantStatus.REVOKED)
    response = await browser.app.get(f"/api/v1/tutors/{tutor.id}/slots")
    assert response.status_code == 409
    assert response.json()["code"] == "calendar_unavailable"
    assert response.json()["calendar_status"] == "reconnect_required"


async def test_a_tutor_who_never_connected_a_calendar_offers_no_slots(
    browser: Browser, emulator: EmulatorServer
) -> None:
    await signed_in(browser, emulator, TEST_TUTOR)
    assert (await put_availability(browser, EVERY_DAY)).status_code == 200
    tutor = await User.get(email=TEST_TUTOR)
    response = await browser.app.get(f"/api/v1/tutors/{tutor.id}/slots")
    assert response.status_code == 409
    assert response.json()["calendar_status"] == "not_connected"
