"""Booking a one-to-one slot: a new event on the tutor's calendar, with the student and a Meet link."""

from __future__ import annotations

from fastapi import FastAPI

from tests.conftest import TEST_TUTOR
from tests.support.booking import (
    ALL_DAY_AVAILABILITY,
    attendees,
    drain_once_due,
    group_session,
    iso,
    student,
    tutor_open_for_slots,
)
from tests.support.browser import Browser
from tests.support.calendar import add_event, at, event_body, runtime_of, sync_now
from tests.support.emulator import EmulatorServer
from tutorcal.bookings.models import Booking
from tutorcal.google.event_writes import NotOurEvent, put_slot_event
from tutorcal.tutoring_sessions.models import TutoringSession
from tutorcal.users.models import User


async def book_slot(
    browser: Browser, tutor: User, start: str, minutes: int = 60
) -> tuple[int, dict[str, object]]:
    response = await browser.app.post(
        "/api/v1/bookings",
        json={"tutor_id": str(tutor.id), "start": start, "minutes": minutes, "note": "chapter 4"},
        headers=browser.csrf,
    )
    return response.status_code, response.json()


async def test_a_slot_booking_creates_an_event_with_the_student_and_a_meet_link(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    tutor = await tutor_open_for_slots(app, browser, emulator)
    sam = await student(other_browser, emulator, "sam@school.example")
    status, booking = await book_slot(sam, tutor, iso(at(3, 10)))
    assert status == 201, booking
    assert booking["kind"] == "slot"
    assert booking["calendar_sync"] == "synced"
    assert str(booking["meet_link"]).startswith("https://meet.google.com/")
    event_id = str(booking["calendar_event_id"])
    assert event_id == f"tc{str(booking['id']).replace('-', '')}"
    event = emulator.control("GET", f"/calendars/{TEST_TUTOR}/events/{event_id}")
    assert event["summary"] == "Tutoring: one-to-one with Sam"
    # The note is for the tutor, who with the student is the event's only guest.
    assert event["description"] == "Booked through tutorcal.\n\nNote from Sam: chapter 4"
    assert event["extendedProperties"]["private"]["tutorcal_booking_id"] == booking["id"]
    assert attendees(emulator, TEST_TUTOR, event_id) == ["sam@school.example"]

    await sync_now(app, tutor)  # our own event is busy time, never a bookable session
    assert await TutoringSession.filter(google_event_id=event_id).count() == 0
    slots = (
        await sam.app.get(
            f"/api/v1/tutors/{tutor.id}/slots",
            params={"start": iso(at(3, 8)), "end": iso(at(3, 14))},
        )
    ).json()
    assert iso(at(3, 10)) not in [s["start"] for s in slots]


def event_calls(emulator: EmulatorServer) -> list[str]:
    """The Calendar API calls on events, other than the syncs' listings, in order."""
    return [
        f"{entry['name']} {entry['status']}"
        for entry in emulator.control("GET", "/requests")
        if str(entry["name"]).startswith("events.")
        and entry["name"] not in ("events.list", "events.watch")
    ]


async def test_a_slot_booking_costs_one_google_call(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    tutor = await tutor_open_for_slots(app, browser, emulator)
    sam = await student(other_browser, emulator, "sam@school.example")
    emulator.control("DELETE", "/requests")
    status, booking = await book_slot(sam, tutor, iso(at(3, 11)))
    assert status == 201, booking
    assert booking["calendar_sync"] == "synced"
    assert str(booking["meet_link"]).startswith("https://meet.google.com/")
    # The insert alone: no read first to learn that the id is free.
    assert event_calls(emulator) == ["events.insert 200"]


async def test_a_taken_or_busy_slot_is_refused_and_so_is_a_time_outside_availability(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    emulator.add_user(TEST_TUTOR)
    add_event(emulator, TEST_TUTOR, event_body("Dentist", at(3, 14)))
    tutor = await tutor_open_for_slots(app, browser, emulator)
    sam = await student(other_browser, emulator, "sam@school.example")
    assert (await book_slot(sam, tutor, iso(at(3, 10))))[0] == 201
    await sam.app.post("/api/v1/auth/logout", headers=sam.csrf)
    sofia = await student(sam, emulator, "sofia@school.example")
    taken = await book_slot(sofia, tutor, iso(at(3, 10, 30)))
    assert taken[0] == 409
    assert taken[1]["code"] == "slot_taken"
    busy = await book_slot(sofia, tutor, iso(at(3, 14)))
    assert busy[0] == 409
    assert busy[1]["code"] == "slot_taken"
    night = await book_slot(sofia, tutor, iso(at(3, 22)))
    assert night[0] == 422
    assert night[1]["code"] == "outside_availability"


async def test_moving_a_slot_moves_the_same_event_keeping_its_meet_link(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    tutor = await tutor_open_for_slots(app, browser, emulator)
    sam = await student(other_browser, emulator, "sam@school.example")
    _, first = await book_slot(sam, tutor, iso(at(3, 10)))
    emulator.control("DELETE", "/requests")
    moved = await sam.app.post(
        f"/api/v1/bookings/{first['id']}/reschedule",
        json={"tutor_id": str(tutor.id), "start": iso(at(4, 11)), "minutes": 60},
        headers=sam.csrf,
    )
    assert moved.status_code == 200, moved.text
    new = moved.json()
    assert new["rescheduled_from"] == first["id"]
    assert new["calendar_event_id"] == first["calendar_event_id"]
    assert new["meet_link"] == first["meet_link"]
    event = emulator.control("GET", f"/calendars/{TEST_TUTOR}/events/{first['calendar_event_id']}")
    assert event["status"] == "confirmed"
    assert event["start"]["dateTime"].startswith(at(4, 11).strftime("%Y-%m-%dT%H:%M"))
    writes = [r["name"] for r in emulator.control("GET", "/requests") if r["method"] != "GET"]
    assert writes == ["events.update"]
    old = (await sam.app.get(f"/api/v1/bookings/{first['id']}")).json()
    assert old["status"] == "cancelled"
    assert old["cancel_reason"] == "rescheduled"


async def test_cancelling_a_slot_deletes_its_event(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    tutor = await tutor_open_for_slots(app, browser, emulator)
    sam = await student(other_browser, emulator, "sam@school.example")
    _, booking = await book_slot(sam, tutor, iso(at(5, 9)))
    from tutorcal.tutors.models import TutorProfile

    await TutorProfile.filter(user=tutor).update(cancel_notice_minutes=0)
    cancelled = await sam.app.post(f"/api/v1/bookings/{booking['id']}/cancel", headers=sam.csrf)
    assert cancelled.json()["calendar_sync"] == "synced"
    event = emulator.control(
        "GET", f"/calendars/{TEST_TUTOR}/events/{booking['calendar_event_id']}"
    )
    assert event["status"] == "cancelled"
    deletes = [r for r in emulator.control("GET", "/requests") if r["name"] == "events.delete"]
    assert [r["send_updates"] for r in deletes] == ["all"]


async def test_a_seat_moves_from_one_session_to_another(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    group = await group_session(app, browser, emulator)
    later = add_event(
        emulator,
        TEST_TUTOR,
        event_body("Tutoring: Algebra again", at(5, 10), description="capacity: 2"),
    )
    await sync_now(app, group.tutor)
    target = next(
        s["id"]
        for s in (await browser.app.get(f"/api/v1/tutors/{group.tutor.id}/sessions")).json()
        if s["title"] == "Tutoring: Algebra again"
    )
    sam = await student(other_browser, emulator, "sam@school.example")
    first = (
        await sam.app.post(
            "/api/v1/bookings", json={"session_id": group.session_id}, headers=sam.csrf
        )
    ).json()
    moved = await sam.app.post(
        f"/api/v1/bookings/{first['id']}/reschedule", json={"session_id": target}, headers=sam.csrf
    )
    assert moved.status_code == 200, moved.text
    assert attendees(emulator, TEST_TUTOR, group.event["id"]) == []
    assert attendees(emulator, TEST_TUTOR, later["id"]) == ["sam@school.example"]


async def test_a_move_to_a_place_that_cannot_be_had_leaves_the_booking_untouched(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    group = await group_session(app, browser, emulator, capacity=1)
    sam = await student(other_browser, emulator, "sam@school.example")
    first = (
        await sam.app.post(
            "/api/v1/bookings", json={"session_id": group.session_id}, headers=sam.csrf
        )
    ).json()
    tutor = group.tutor
    await browser.app.put(
        "/api/v1/tutors/me/availability", json=ALL_DAY_AVAILABILITY, headers=browser.csrf
    )
    refused = await sam.app.post(
        f"/api/v1/bookings/{first['id']}/reschedule",
        json={"tutor_id": str(tutor.id), "start": iso(at(3, 23)), "minutes": 60},
        headers=sam.csrf,
    )
    assert refused.status_code == 422
    assert (await Booking.get(id=first["id"])).status == "confirmed"
    assert attendees(emulator, TEST_TUTOR, group.event["id"]) == ["sam@school.example"]


async def test_a_retried_create_finds_its_own_event_and_refuses_a_stranger(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    tutor = await tutor_open_for_slots(app, browser, emulator)
    sam = await student(other_browser, emulator, "sam@school.example")
    _, booking = await book_slot(sam, tutor, iso(at(3, 12)))
    client = await runtime_of(app).calendar.client_for(str(tutor.id))
    stored = await Booking.get(id=booking["id"])
    again = await put_slot_event(
        client,
        "primary",
        str(booking["calendar_event_id"]),
        booking_id=stored.id,
        summary="x",
        start=stored.start_at,
        end=stored.end_at,
        student_email="sam@school.example",
        student_name="Sam",
    )
    assert again.id == booking["calendar_event_id"]
    emulator.control(
        "POST",
        f"/calendars/{TEST_TUTOR}/events",
        {**event_body("Not ours", at(6, 9)), "id": "tcstranger00000"},
    )
    import pytest

    with pytest.raises(NotOurEvent):
        await put_slot_event(
            client,
            "primary",
            "tcstranger00000",
            booking_id=stored.id,
            summary="x",
            start=stored.start_at,
            end=stored.end_at,
            student_email="sam@school.example",
            student_name="Sam",
        )


async def test_a_slot_event_created_but_answered_by_a_timeout_is_not_created_twice(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    tutor = await tutor_open_for_slots(app, browser, emulator)
    sam = await student(other_browser, emulator, "sam@school.example")
    emulator.control(
        "POST",
        "/faults",
        {
            "count": 1,
            "drop_connection": True,
            "after_apply": True,
            "match": {"method": "POST", "path_contains": "/events"},
        },
    )
    status, booking = await book_slot(sam, tutor, iso(at(3, 15)))
    assert status == 201
    await drain_once_due(app)
    events = emulator.control("GET", f"/calendars/{TEST_TUTOR}/events")
    ours = [e for e in events if e["id"] == booking["calendar_event_id"]]
    assert len(ours) == 1
    assert attendees(emulator, TEST_TUTOR, str(booking["calendar_event_id"])) == [
        "sam@school.example"
    ]
    calls = event_calls(emulator)
    # The retried insert meets 409 (the first got through), and one read proves it ours.
    assert calls.count("events.insert 409") >= 1
    assert "events.update 200" not in calls
    assert (await sam.app.get(f"/api/v1/bookings/{booking['id']}")).json()[
        "calendar_sync"
    ] == "synced"


async def test_a_slot_moves_without_naming_its_tutor_and_keeps_the_students_note(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    tutor = await tutor_open_for_slots(app, browser, emulator)
    sam = await student(other_browser, emulator, "sam@school.example")
    _, first = await book_slot(sam, tutor, iso(at(3, 10)))
    moved = await sam.app.post(
        f"/api/v1/bookings/{first['id']}/reschedule",
        json={"start": iso(at(4, 11)), "minutes": 60},
        headers=sam.csrf,
    )
    assert moved.status_code == 200, moved.text
    new = moved.json()
    assert new["tutor"]["id"] == str(tutor.id)
    assert new["note"] == "chapter 4"
    assert new["title"] == first["title"]
    event = emulator.control("GET", f"/calendars/{TEST_TUTOR}/events/{new['calendar_event_id']}")
    assert event["start"]["dateTime"].startswith(at(4, 11).strftime("%Y-%m-%dT%H:%M"))
    assert event["description"].endswith("Note from Sam: chapter 4")

    rewritten = await sam.app.post(
        f"/api/v1/bookings/{new['id']}/reschedule",
        json={"start": iso(at(4, 14)), "minutes": 60, "note": "chapter 5 instead"},
        headers=sam.csrf,
    )
    assert rewritten.json()["note"] == "chapter 5 instead"
    event = emulator.control("GET", f"/calendars/{TEST_TUTOR}/events/{new['calendar_event_id']}")
    assert event["description"].endswith("Note from Sam: chapter 5 instead")
    incomplete = await sam.app.post(
        f"/api/v1/bookings/{rewritten.json()['id']}/reschedule",
        json={"minutes": 60},
        headers=sam.csrf,
    )
    assert incomplete.status_code == 422


async def test_booking_a_time_i_hold_already_is_student_conflict_naming_my_booking(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    tutor = await tutor_open_for_slots(app, browser, emulator)
    sam = await student(other_browser, emulator, "sam@school.example")
    _, mine = await book_slot(sam, tutor, iso(at(3, 10)))
    for start in (iso(at(3, 10)), iso(at(3, 10, 30))):
        status, problem = await book_slot(sam, tutor, start)
        assert (status, problem["code"]) == (409, "student_conflict"), problem
        assert problem["conflicting_booking"] == {
            "id": mine["id"],
            "title": "Tutoring: one-to-one with Sam",
            "start": mine["start"],
            "end": mine["end"],
        }
        assert "Tutoring: one-to-one with Sam" in problem["detail"]
    assert await Booking.filter(student__email="sam@school.example").count() == 1
