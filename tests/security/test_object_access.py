"""Object-level access: another person's booking, API token or calendar, and routes of a role the
caller lacks. Each is refused (404 for someone's object, 403 for a role) and nothing changes."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from tests.conftest import TEST_ADMIN, TEST_TUTOR
from tests.security.conftest import NewBrowser, NewStudent
from tests.security.routes import UNSAFE, Operation, operations, signed_in_operations
from tests.support.booking import attendees, group_session
from tests.support.browser import Browser
from tests.support.calendar import add_event, at, connect_tutor, event_body, sync_now
from tests.support.emulator import EmulatorServer
from tutorcal.auth.models import ApiToken
from tutorcal.bookings.models import Booking
from tutorcal.config import Settings
from tutorcal.tutors.models import Subject, TutorProfile
from tutorcal.users.models import User

OTHER_TUTOR = "tia.tutor@school.example"

# Routes taking an id that any signed-in person may read: a tutor's public profile, their
# availability and bookable times (API.md), and the schedule that is all of these in one. Every other id-taking route is probed below.
READABLE_BY_ANYONE = frozenset(
    {
        ("GET", "/api/v1/tutors/{tutor_id}"),
        ("GET", "/api/v1/tutors/{tutor_id}/availability"),
        ("GET", "/api/v1/tutors/{tutor_id}/slots"),
        ("GET", "/api/v1/tutors/{tutor_id}/sessions"),
        ("GET", "/api/v1/tutors/{tutor_id}/schedule"),
        ("GET", "/api/v1/sessions/{session_id}"),
    }
)
PROBED = frozenset(
    {
        ("GET", "/api/v1/bookings/{booking_id}"),
        ("POST", "/api/v1/bookings/{booking_id}/cancel"),
        ("POST", "/api/v1/bookings/{booking_id}/reschedule"),
        ("DELETE", "/api/v1/me/api-tokens/{token_id}"),
        ("PUT", "/api/v1/admin/users/{user_id}/roles"),
        ("GET", "/api/v1/sessions/{session_id}/roster"),
        ("POST", "/api/v1/admin/outbox/{item_id}/retry"),
    }
)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"tutor_emails": [TEST_TUTOR, OTHER_TUTOR]})


def test_every_route_taking_an_id_is_probed_or_readable_by_anyone_on_purpose(
    app: FastAPI,
) -> None:
    taking_ids = {op.key for op in signed_in_operations(app) if op.path_parameters}
    assert taking_ids == READABLE_BY_ANYONE | PROBED


async def request(browser: Browser, op: Operation, body: object, **ids: str) -> tuple[int, str]:
    response = await browser.app.request(
        op.method,
        op.url(**ids),
        json=body if op.method in UNSAFE else None,
        headers=browser.csrf,
    )
    return response.status_code, response.json().get("code", "")


async def test_nobody_but_its_student_its_tutor_or_an_admin_reaches_a_booking(
    app: FastAPI,
    browser: Browser,
    emulator: EmulatorServer,
    new_student: NewStudent,
    new_browser: NewBrowser,
) -> None:
    group = await group_session(app, browser, emulator, capacity=3)
    sam = await new_student("sam@school.example")
    kim = await new_student("kim@school.example")
    tia = new_browser()
    await connect_tutor(app, tia, emulator, OTHER_TUTOR)
    booked = await sam.app.post(
        "/api/v1/bookings", json={"session_id": group.session_id}, headers=sam.csrf
    )
    assert booked.status_code == 201
    booking_id = booked.json()["id"]
    other = add_event(emulator, TEST_TUTOR, event_body("Tutoring: Geometry", at(5, 10)))
    await sync_now(app, group.tutor)
    sessions = (await kim.app.get(f"/api/v1/tutors/{group.tutor.id}/sessions")).json()
    moved_to = next(s["id"] for s in sessions if s["title"] == "Tutoring: Geometry")

    by_route = {op.key: op for op in operations(app)}
    attempts = {
        ("GET", "/api/v1/bookings/{booking_id}"): None,
        ("POST", "/api/v1/bookings/{booking_id}/cancel"): {"reason": "not mine"},
        ("POST", "/api/v1/bookings/{booking_id}/reschedule"): {"session_id": moved_to},
    }
    answers = {
        f"{who} {key[0]} {key[1]}": await request(
            caller, by_route[key], body, booking_id=booking_id
        )
        for who, caller in (("another student", kim), ("another tutor", tia))
        for key, body in attempts.items()
    }
    assert set(answers.values()) == {(404, "not_found")}, answers

    for role in ("student", "tutor"):
        for caller in (kim, tia):
            listed = (await caller.app.get("/api/v1/bookings", params={"role": role})).json()
            assert listed["items"] == []
    booking = await Booking.get(id=booking_id)
    assert booking.status == "confirmed"
    assert booking.cancelled_at is None
    assert await Booking.all().count() == 1
    assert attendees(emulator, TEST_TUTOR, group.event["id"]) == ["sam@school.example"]
    assert attendees(emulator, TEST_TUTOR, other["id"]) == []
    # Its own people still reach it.
    assert (await sam.app.get(f"/api/v1/bookings/{booking_id}")).status_code == 200
    assert (await browser.app.get(f"/api/v1/bookings/{booking_id}")).status_code == 200


async def test_nobody_but_its_tutor_or_an_admin_reads_a_sessions_roster(
    app: FastAPI,
    browser: Browser,
    emulator: EmulatorServer,
    new_student: NewStudent,
    new_browser: NewBrowser,
) -> None:
    group = await group_session(app, browser, emulator, capacity=3)
    sam = await new_student("sam@school.example")
    await sam.app.post("/api/v1/bookings", json={"session_id": group.session_id}, headers=sam.csrf)
    tia = new_browser()
    await connect_tutor(app, tia, emulator, OTHER_TUTOR)
    path = f"/api/v1/sessions/{group.session_id}/roster"
    answers = {
        who: ((r := await caller.app.get(path)).status_code, r.json()["code"])
        for who, caller in (("its student", sam), ("another tutor", tia))
    }
    assert set(answers.values()) == {(404, "not_found")}, answers
    assert (await browser.app.get(path)).status_code == 200


async def test_someone_elses_api_token_cannot_be_revoked(new_student: NewStudent) -> None:
    sam = await new_student("sam@school.example")
    kim = await new_student("kim@school.example")
    made = await sam.app.post("/api/v1/me/api-tokens", json={"name": "laptop"}, headers=sam.csrf)
    token = made.json()

    refused = await kim.app.delete(f"/api/v1/me/api-tokens/{token['id']}", headers=kim.csrf)

    assert (refused.status_code, refused.json()["code"]) == (404, "not_found")
    assert await ApiToken.filter(id=token["id"], revoked_at=None).exists()
    me = await sam.app.get("/api/v1/me", headers={"Authorization": f"Bearer {token['token']}"})
    assert me.json()["email"] == "sam@school.example"


async def test_admin_routes_refuse_students_and_tutors_and_nobody_grants_themselves_a_role(
    app: FastAPI, browser: Browser, emulator: EmulatorServer, new_student: NewStudent
) -> None:
    group = await group_session(app, browser, emulator)
    kim = await new_student("kim@school.example")
    admin_routes = [op for op in operations(app) if op.admin_only]
    assert {op.path for op in admin_routes} >= {"/api/v1/admin/users", "/api/v1/subjects"}
    kim_id = (await kim.app.get("/api/v1/me")).json()["id"]
    bodies = {
        "/api/v1/admin/users/{user_id}/roles": {"roles": ["admin", "tutor"]},
        "/api/v1/subjects": {"name": "Hacking", "code": "HACK"},
    }
    answers = {
        f"{who} {op}": await request(caller, op, bodies.get(op.path, {}), user_id=kim_id)
        for who, caller in (("student", kim), ("tutor", browser))
        for op in admin_routes
    }
    assert set(answers.values()) == {(403, "forbidden")}, answers
    assert (await User.get(id=kim_id)).roles == ["student"]
    assert (await User.get(id=group.tutor.id)).roles == ["student", "tutor"]
    assert not await Subject.filter(code="HACK").exists()


async def test_tutor_routes_refuse_students_and_change_no_profile(
    app: FastAPI, browser: Browser, emulator: EmulatorServer, new_student: NewStudent
) -> None:
    group = await group_session(app, browser, emulator)
    before = await TutorProfile.get(user=group.tutor)
    kim = await new_student("kim@school.example")
    tutor_routes = [op for op in operations(app) if op.tutor_only]
    assert len(tutor_routes) >= 6
    answers = {
        str(op): await request(kim, op, {"bio": "pwned", "timezone": "UTC", "weekly": []})
        for op in tutor_routes
    }
    assert set(answers.values()) == {(403, "forbidden")}, answers
    after = await TutorProfile.get(user=group.tutor)
    assert (after.bio, after.session_calendar_id) == (before.bio, before.session_calendar_id)
    assert not await TutorProfile.filter(user__email="kim@school.example").exists()


async def test_a_tutor_pointing_at_another_tutors_calendar_sees_none_of_its_sessions(
    app: FastAPI,
    browser: Browser,
    emulator: EmulatorServer,
    new_browser: NewBrowser,
) -> None:
    group = await group_session(app, browser, emulator)
    tia_browser = new_browser()
    tia = await connect_tutor(app, tia_browser, emulator, OTHER_TUTOR)
    calendars = (await tia_browser.app.get("/api/v1/tutors/me/calendars")).json()
    assert TEST_TUTOR not in {c["id"] for c in calendars}

    saved = await tia_browser.app.patch(
        "/api/v1/tutors/me/settings",
        json={"session_calendar_id": TEST_TUTOR, "session_keyword": "Tutoring"},
        headers=tia_browser.csrf,
    )
    await sync_now(app, tia)

    assert saved.status_code == 200
    # Her own Google credentials read the mirror, and Google does not let her read his calendar.
    listed = await tia_browser.app.get(f"/api/v1/tutors/{tia.id}/sessions")
    assert (listed.status_code, listed.json()["code"]) == (409, "calendar_unavailable")
    assert group.session_id not in listed.text


async def test_a_tutor_cannot_move_their_student_to_another_tutor_but_an_admin_can(
    app: FastAPI,
    browser: Browser,
    emulator: EmulatorServer,
    new_student: NewStudent,
    new_browser: NewBrowser,
) -> None:
    group = await group_session(app, browser, emulator, capacity=3)
    sam = await new_student("sam@school.example")
    tia_browser = new_browser()
    emulator.add_user(OTHER_TUTOR)
    tias_event = add_event(
        emulator, OTHER_TUTOR, event_body("Tutoring: Tia's", at(5, 10), description="capacity: 3")
    )
    tia = await connect_tutor(app, tia_browser, emulator, OTHER_TUTOR)
    opened = await tia_browser.app.put(
        "/api/v1/tutors/me/availability",
        json={
            "timezone": "UTC",
            "weekly": [{"weekday": day, "start": "08:00", "end": "20:00"} for day in range(7)],
            "overrides": [],
        },
        headers=tia_browser.csrf,
    )
    assert opened.status_code == 200, opened.text
    (tias_session,) = (await sam.app.get(f"/api/v1/tutors/{tia.id}/sessions")).json()
    booked = await sam.app.post(
        "/api/v1/bookings", json={"session_id": group.session_id}, headers=sam.csrf
    )
    booking_id = booked.json()["id"]
    slot = {"tutor_id": str(tia.id), "start": at(6, 9).isoformat(), "minutes": 60}

    answers = [
        await browser.app.post(
            f"/api/v1/bookings/{booking_id}/reschedule", json=body, headers=browser.csrf
        )
        for body in ({"session_id": tias_session["id"]}, slot)
    ]

    assert [(a.status_code, a.json()["code"]) for a in answers] == [
        (403, "reschedule_to_another_tutor")
    ] * 2
    assert (await Booking.get(id=booking_id)).status == "confirmed"
    assert await Booking.all().count() == 1
    assert attendees(emulator, TEST_TUTOR, group.event["id"]) == ["sam@school.example"]
    assert attendees(emulator, OTHER_TUTOR, tias_event["id"]) == []

    admin = new_browser()
    emulator.add_user(TEST_ADMIN)
    await admin.sign_in(TEST_ADMIN)
    moved = await admin.app.post(
        f"/api/v1/bookings/{booking_id}/reschedule",
        json={"session_id": tias_session["id"]},
        headers=admin.csrf,
    )
    assert moved.status_code == 200, moved.text
    assert attendees(emulator, OTHER_TUTOR, tias_event["id"]) == ["sam@school.example"]
