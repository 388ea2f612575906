"""A tutor's own sessions with their rosters: who booked, who cancelled, who else Google invited."""

from __future__ import annotations

from fastapi import FastAPI

from tests.conftest import TEST_ADMIN, TEST_TUTOR
from tests.security.conftest import NewBrowser, NewStudent
from tests.support.booking import student
from tests.support.browser import Browser
from tests.support.calendar import add_event, at, connect_tutor, event_body
from tests.support.emulator import EmulatorServer


async def _session_with_a_guest(
    app: FastAPI, browser: Browser, emulator: EmulatorServer
) -> tuple[str, str]:
    """A connected tutor's session of 3 seats that Gus was invited to in Google; (tutor id,
    session id)."""
    emulator.add_user(TEST_TUTOR)
    add_event(
        emulator,
        TEST_TUTOR,
        event_body(
            "Tutoring: Algebra",
            at(3, 10),
            description="capacity: 3",
            attendees=[{"email": "gus@school.example"}],
        ),
    )
    tutor = await connect_tutor(app, browser, emulator)
    (session,) = (await browser.app.get(f"/api/v1/tutors/{tutor.id}/sessions")).json()
    return str(tutor.id), session["id"]


async def test_a_tutor_sees_each_session_with_who_booked_who_cancelled_and_who_else_is_invited(
    app: FastAPI, browser: Browser, new_student: NewStudent, emulator: EmulatorServer
) -> None:
    _, session_id = await _session_with_a_guest(app, browser, emulator)
    sam = await new_student("sam@school.example")
    kim = await new_student("kim@school.example")
    sams = await sam.app.post("/api/v1/bookings", json={"session_id": session_id}, headers=sam.csrf)
    kims = await kim.app.post("/api/v1/bookings", json={"session_id": session_id}, headers=kim.csrf)
    await kim.app.post(f"/api/v1/bookings/{kims.json()['id']}/cancel", json={}, headers=kim.csrf)

    window = {"start": at(0, 0).isoformat(), "end": at(10, 0).isoformat()}
    listed = await browser.app.get("/api/v1/tutors/me/sessions", params=window)
    assert listed.status_code == 200, listed.text
    (session,) = listed.json()
    assert session["id"] == session_id
    assert session["seats_taken"] == 2  # Sam and Gus
    roster = session["roster"]
    assert [
        (b["booking_id"], b["student"]["email"], b["status"], b["attendance"])
        for b in roster["bookings"]
    ] == [
        (sams.json()["id"], "sam@school.example", "confirmed", None),
        (kims.json()["id"], "kim@school.example", "cancelled", None),
    ]
    assert roster["bookings"][0]["student"]["name"] == "Sam"
    assert roster["guests"] == ["gus@school.example"]
    alone = await browser.app.get(f"/api/v1/sessions/{session_id}/roster")
    assert alone.json() == roster


async def test_the_roster_is_for_the_sessions_tutor_and_admins_only(
    app: FastAPI,
    browser: Browser,
    new_student: NewStudent,
    new_browser: NewBrowser,
    emulator: EmulatorServer,
) -> None:
    _, session_id = await _session_with_a_guest(app, browser, emulator)
    sam = await new_student("sam@school.example")
    await sam.app.post("/api/v1/bookings", json={"session_id": session_id}, headers=sam.csrf)
    tia = new_browser()
    await connect_tutor(app, tia, emulator, "tia.tutor@school.example")
    admin = await student(new_browser(), emulator, TEST_ADMIN)

    path = f"/api/v1/sessions/{session_id}/roster"
    for caller in (sam, tia):
        refused = await caller.app.get(path)
        assert (refused.status_code, refused.json()["code"]) == (404, "not_found")
    assert (await tia.app.get("/api/v1/tutors/me/sessions")).json() == []
    shown = await admin.app.get(path)
    assert shown.status_code == 200
    assert [b["student"]["email"] for b in shown.json()["bookings"]] == ["sam@school.example"]
    assert (await sam.app.get("/api/v1/tutors/me/sessions")).status_code == 403
