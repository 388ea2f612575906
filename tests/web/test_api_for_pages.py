"""What the web app's pages read from the API beyond the contract's first draft: a tutor's
week in one answer, the rules a student books under, and a booking's title and windows."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx2
from fastapi import FastAPI

from tests.bookings.test_slots import book_slot, iso, tutor_open_for_slots
from tests.conftest import TEST_ADMIN, TEST_TUTOR
from tests.support.booking import student
from tests.support.browser import Browser
from tests.support.calendar import add_event, at, event_body, sync_now
from tests.support.emulator import EmulatorServer


def _instant(value: object) -> datetime:
    return datetime.fromisoformat(str(value))


async def test_the_schedule_is_the_tutor_and_the_windows_sessions_and_free_slots_in_one_answer(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    tutor = await tutor_open_for_slots(app, browser, emulator)
    add_event(
        emulator,
        TEST_TUTOR,
        event_body("Tutoring: Algebra", at(3, 15), description="capacity: 2"),
    )
    await sync_now(app, tutor)
    sam = await student(other_browser, emulator, "sam@school.example")
    window = {"start": iso(at(2, 0)), "end": iso(at(5, 0))}
    sessions = (await sam.app.get(f"/api/v1/tutors/{tutor.id}/sessions", params=window)).json()
    slots = (await sam.app.get(f"/api/v1/tutors/{tutor.id}/slots", params=window)).json()
    schedule = await sam.app.get(f"/api/v1/tutors/{tutor.id}/schedule", params=window)
    assert schedule.status_code == 200, schedule.text
    tutor_shown = (await sam.app.get(f"/api/v1/tutors/{tutor.id}")).json()
    assert schedule.json() == {"tutor": tutor_shown, "sessions": sessions, "slots": slots}
    assert [s["title"] for s in sessions] == ["Tutoring: Algebra"]
    assert slots


async def test_the_schedule_of_someone_who_is_not_a_tutor_is_404(
    app: FastAPI, other_browser: Browser, emulator: EmulatorServer
) -> None:
    sam = await student(other_browser, emulator, "sam@school.example")
    me = (await sam.app.get("/api/v1/me")).json()
    answer = await sam.app.get(f"/api/v1/tutors/{me['id']}/schedule")
    assert answer.status_code == 404
    assert answer.json()["code"] == "not_found"


async def test_a_tutor_shows_students_the_rules_they_book_under(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    tutor = await tutor_open_for_slots(app, browser, emulator)
    settings = (await browser.app.get("/api/v1/tutors/me/settings")).json()
    settings |= {
        "min_notice_minutes": 720,
        "cancel_notice_minutes": 2880,
        "reschedule_notice_minutes": 60,
        "max_bookings_per_student_per_week": 2,
        "slot_minutes": 45,
    }
    saved = await browser.app.put("/api/v1/tutors/me/settings", json=settings, headers=browser.csrf)
    assert saved.status_code == 200, saved.text
    sam = await student(other_browser, emulator, "sam@school.example")
    shown = (await sam.app.get(f"/api/v1/tutors/{tutor.id}")).json()
    assert shown["rules"] == {
        "slot_minutes": 45,
        "min_notice_minutes": 720,
        "horizon_days": settings["horizon_days"],
        "max_bookings_per_student_per_week": 2,
        "cancel_notice_minutes": 2880,
        "reschedule_notice_minutes": 60,
    }


async def test_a_booking_names_itself_and_says_until_when_it_can_be_cancelled_or_moved(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    tutor = await tutor_open_for_slots(app, browser, emulator)
    sam = await student(other_browser, emulator, "sam@school.example")
    status, booking = await book_slot(sam, tutor, iso(at(4, 10)))
    assert status == 201, booking
    start = _instant(booking["start"])
    # A tutor who never changed the defaults: a day's notice for both.
    assert booking["title"] == "Tutoring: one-to-one with Sam"
    assert booking["subject_name"] is None
    assert _instant(booking["cancel_closes_at"]) == start - timedelta(days=1)
    assert _instant(booking["reschedule_closes_at"]) == start - timedelta(days=1)

    settings = (await browser.app.get("/api/v1/tutors/me/settings")).json()
    settings |= {"cancel_notice_minutes": 120, "reschedule_notice_minutes": 30}
    await browser.app.put("/api/v1/tutors/me/settings", json=settings, headers=browser.csrf)
    listed = (await sam.app.get("/api/v1/bookings")).json()["items"]
    assert [b["id"] for b in listed] == [booking["id"]]
    assert _instant(listed[0]["cancel_closes_at"]) == start - timedelta(hours=2)
    assert _instant(listed[0]["reschedule_closes_at"]) == start - timedelta(minutes=30)


async def test_a_seat_booking_carries_the_sessions_title(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    tutor = await tutor_open_for_slots(app, browser, emulator)
    add_event(emulator, TEST_TUTOR, event_body("Tutoring: Geometry", at(3, 18)))
    await sync_now(app, tutor)
    sam = await student(other_browser, emulator, "sam@school.example")
    session = (await sam.app.get(f"/api/v1/tutors/{tutor.id}/sessions")).json()[0]
    booked = await sam.app.post(
        "/api/v1/bookings", json={"session_id": session["id"]}, headers=sam.csrf
    )
    assert booked.status_code == 201, booked.text
    assert booked.json()["title"] == "Tutoring: Geometry"
    read = (await sam.app.get(f"/api/v1/bookings/{booked.json()['id']}")).json()
    assert read["title"] == "Tutoring: Geometry"


async def test_a_student_finds_a_tutor_by_the_name_of_a_subject_they_teach(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    admin = await student(other_browser, emulator, TEST_ADMIN)
    geometry = (
        await admin.app.post(
            "/api/v1/subjects", json={"name": "Geometry", "code": "geo"}, headers=admin.csrf
        )
    ).json()
    tutor = await tutor_open_for_slots(app, browser, emulator)
    settings = (await browser.app.get("/api/v1/tutors/me/settings")).json()
    settings |= {"bio": "Twenty years at the blackboard.", "subject_ids": [geometry["id"]]}
    await browser.app.put("/api/v1/tutors/me/settings", json=settings, headers=browser.csrf)

    def found(answer: httpx2.Response) -> list[str]:
        return [t["id"] for t in answer.json()["items"]]

    assert found(await admin.app.get("/api/v1/tutors", params={"q": "geometr"})) == [str(tutor.id)]
    assert found(await admin.app.get("/api/v1/tutors", params={"q": "blackboard"})) == [
        str(tutor.id)
    ]
    assert found(await admin.app.get("/api/v1/tutors", params={"q": "calculus"})) == []
