"""Who sees what of a booking: every booking of mine in one list, and the Meet link only for
the session's tutor, admins and students holding a seat."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI

from tests.conftest import TEST_ADMIN, TEST_TUTOR
from tests.security.conftest import NewBrowser, NewStudent, new_browser, new_student
from tests.support.booking import student
from tests.support.browser import Browser
from tests.support.calendar import add_event, at, connect_tutor, event_body
from tests.support.emulator import EmulatorServer
from tutorcal.config import Settings

OTHER_TUTOR = "tia.tutor@school.example"
WITH_MEET = {
    "conferenceData": {
        "createRequest": {"requestId": "r1", "conferenceSolutionKey": {"type": "hangoutsMeet"}}
    }
}

__all__ = ["new_browser", "new_student"]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"tutor_emails": [TEST_TUTOR, OTHER_TUTOR]})


async def _session(
    app: FastAPI, browser: Browser, emulator: EmulatorServer, email: str, title: str, **extra: Any
) -> str:
    emulator.add_user(email)
    add_event(emulator, email, event_body(title, at(3, 10), description="capacity: 3", **extra))
    tutor = await connect_tutor(app, browser, emulator, email)
    (session,) = (await browser.app.get(f"/api/v1/tutors/{tutor.id}/sessions")).json()
    return str(session["id"])


async def _book(browser: Browser, session_id: str) -> dict[str, Any]:
    response = await browser.app.post(
        "/api/v1/bookings", json={"session_id": session_id}, headers=browser.csrf
    )
    assert response.status_code == 201, response.text
    booking: dict[str, Any] = response.json()
    return booking


async def test_my_bookings_without_a_role_are_the_ones_i_hold_and_the_ones_i_teach(
    app: FastAPI,
    browser: Browser,
    new_browser: NewBrowser,
    new_student: NewStudent,
    emulator: EmulatorServer,
) -> None:
    toms = await _session(app, browser, emulator, TEST_TUTOR, "Tutoring: Algebra")
    tia = new_browser()
    tias = await _session(app, tia, emulator, OTHER_TUTOR, "Tutoring: Tia's")
    sam = await new_student("sam@school.example")
    kim = await new_student("kim@school.example")
    taught = [(await _book(sam, toms))["id"], (await _book(kim, toms))["id"]]
    held = (await _book(browser, tias))["id"]  # Tom learns from Tia too

    def ids(page: dict[str, Any]) -> list[str]:
        return [b["id"] for b in page["items"]]

    everything = (await browser.app.get("/api/v1/bookings")).json()
    assert ids(everything) == [held, *reversed(taught)]  # newest first
    first = (await browser.app.get("/api/v1/bookings", params={"limit": 2})).json()
    rest = (
        await browser.app.get(
            "/api/v1/bookings", params={"limit": 2, "cursor": first["next_cursor"]}
        )
    ).json()
    assert ids(first) + ids(rest) == ids(everything)
    assert rest["next_cursor"] is None
    as_student = (await browser.app.get("/api/v1/bookings", params={"role": "student"})).json()
    as_tutor = (await browser.app.get("/api/v1/bookings", params={"role": "tutor"})).json()
    assert ids(as_student) == [held]
    assert ids(as_tutor) == list(reversed(taught))
    # Sam sees only his own, however he asks.
    assert ids((await sam.app.get("/api/v1/bookings")).json()) == [taught[0]]


async def test_the_meet_link_is_for_the_tutor_admins_and_students_holding_a_seat(
    app: FastAPI,
    browser: Browser,
    new_browser: NewBrowser,
    new_student: NewStudent,
    emulator: EmulatorServer,
) -> None:
    session_id = await _session(
        app, browser, emulator, TEST_TUTOR, "Tutoring: Algebra", **WITH_MEET
    )
    sam = await new_student("sam@school.example")
    kim = await new_student("kim@school.example")
    admin = await student(new_browser(), emulator, TEST_ADMIN)
    tutor_id = (await browser.app.get("/api/v1/me")).json()["id"]

    async def links(caller: Browser) -> tuple[object, object]:
        listed = (await caller.app.get(f"/api/v1/tutors/{tutor_id}/sessions")).json()
        one = (await caller.app.get(f"/api/v1/sessions/{session_id}")).json()
        return listed[0]["meet_link"], one["meet_link"]

    link = (await links(browser))[0]
    assert str(link).startswith("https://meet.google.com/")
    assert await links(sam) == (None, None)  # no seat yet
    booking = await _book(sam, session_id)
    assert booking["meet_link"] == link
    assert await links(sam) == (link, link)
    assert await links(kim) == (None, None)
    assert await links(admin) == (link, link)
    schedule = (await kim.app.get(f"/api/v1/tutors/{tutor_id}/schedule")).json()
    assert schedule["sessions"][0]["meet_link"] is None
    for caller in (browser, admin):
        shown = await caller.app.get(f"/api/v1/bookings/{booking['id']}")
        assert shown.json()["meet_link"] == link

    cancelled = await sam.app.post(
        f"/api/v1/bookings/{booking['id']}/cancel", json={}, headers=sam.csrf
    )
    assert cancelled.json()["meet_link"] is None  # the seat is given up, and the way in with it
    assert await links(sam) == (None, None)
    assert (await browser.app.get(f"/api/v1/bookings/{booking['id']}")).json()["meet_link"] == link
