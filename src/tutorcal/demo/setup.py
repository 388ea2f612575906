"""The demo's first start: the tutors connect their (emulated) calendars and open weekday
hours, and the students book their seats.

All of it goes through the same HTTP flows a browser uses (sign in, connect calendar, put
availability, book), so demo mode shows the product working end to end, and a student on a
session's guest list is there because tutorcal booked the seat: nothing is written into the
emulator behind tutorcal's back.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

import httpx2

from tutorcal.emulator.demo import demo_emails
from tutorcal.emulator.demo_calendars import SAM, SOFIA, STEFAN, TARA, THEO

logger = logging.getLogger("tutorcal.demo")

READY_TIMEOUT_SECONDS = 30.0


class DemoSeat(NamedTuple):
    student: str
    tutor: str
    title: str


# Exam prep (3 seats) and the chemistry review (2) are full; the next physics group has
# seats left; the algebra group and geometry have no one yet.
DEMO_SEATS: tuple[DemoSeat, ...] = (
    DemoSeat(SAM, TARA, "Tutoring: Exam prep"),
    DemoSeat(SAM, THEO, "Tutoring: Chemistry lab review"),
    DemoSeat(SOFIA, TARA, "Tutoring: Exam prep"),
    DemoSeat(SOFIA, THEO, "Tutoring: Physics"),
    DemoSeat(STEFAN, TARA, "Tutoring: Exam prep"),
    DemoSeat(STEFAN, THEO, "Tutoring: Chemistry lab review"),
)
# What a student searching the demo's tutors finds them by (name, bio, subject).
DEMO_SUBJECTS = {
    "algebra": "Algebra",
    "geometry": "Geometry",
    "physics": "Physics",
    "chemistry": "Chemistry",
}
DEMO_PROFILES = {
    TARA: (
        "Maths teacher: algebra and geometry, past papers before exams.",
        ["algebra", "geometry"],
    ),
    THEO: (
        "Science teacher: physics and chemistry, from mechanics to lab reports.",
        ["physics", "chemistry"],
    ),
}
# Further than the demo tutors' booking notice (12 h by default), so every seat can be had.
_BOOKABLE_AFTER = timedelta(days=1)


class DemoSetUpFailed(Exception):
    """A step of the set-up was refused; the message says which."""


async def wait_until_serving(browser: httpx2.AsyncClient) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + READY_TIMEOUT_SECONDS
    while loop.time() < deadline:
        try:
            if (await browser.get("/readyz")).status_code == 200:
                return True
        except httpx2.TransportError:
            pass
        await asyncio.sleep(0.1)
    return False


async def set_up_demo(browser: httpx2.AsyncClient, tutor_emails: list[str]) -> None:
    """Idempotent: a set-up cut short runs again whole at the next start."""
    subjects = await _add_subjects(browser)
    tutor_ids = {email: await _connect_tutor(browser, email, subjects) for email in tutor_emails}
    for student in dict.fromkeys(seat.student for seat in DEMO_SEATS):
        await _sign_in(browser, student)
        for seat in DEMO_SEATS:
            if seat.student == student and seat.tutor in tutor_ids:
                await _book_seat(browser, tutor_ids[seat.tutor], seat)


async def _sign_in(browser: httpx2.AsyncClient, email: str) -> None:
    browser.cookies.clear()
    landed = await browser.get("/api/v1/auth/google/login", params={"login_hint": email})
    _expect(landed, 200, f"{email} signing in")


async def _add_subjects(browser: httpx2.AsyncClient) -> dict[str, str]:
    """The demo's subjects, added by the demo admin (kept from an earlier start): code → id."""
    await _sign_in(browser, demo_emails("admin")[0])
    for code, name in DEMO_SUBJECTS.items():
        # 409 when a set-up cut short already added it: the list below has it either way.
        await browser.post(
            "/api/v1/subjects", json={"name": name, "code": code}, headers=_csrf(browser)
        )
    listed = await browser.get("/api/v1/subjects")
    _expect(listed, 200, "listing the subjects")
    return {subject["code"]: subject["id"] for subject in listed.json()}


async def _connect_tutor(browser: httpx2.AsyncClient, email: str, subjects: dict[str, str]) -> str:
    await _sign_in(browser, email)
    connected = await browser.get("/api/v1/auth/google/connect-calendar")
    _expect(connected, 200, f"{email} connecting their calendar")
    logger.info("demo tutor %s connected their calendar", email)
    await _open_weekdays(browser)
    if email in DEMO_PROFILES:
        await _describe_tutor(browser, *DEMO_PROFILES[email], subjects)
    me = await browser.get("/api/v1/me")
    _expect(me, 200, f"{email} reading their profile")
    return str(me.json()["id"])


async def _open_weekdays(browser: httpx2.AsyncClient) -> None:
    """One-to-one slots on weekdays, 09:00-17:00 in the tutor's calendar's time zone."""
    listed = await browser.get("/api/v1/tutors/me/calendars")
    _expect(listed, 200, "listing the tutor's calendars")
    calendars: list[dict[str, Any]] = listed.json()
    primary = next((c for c in calendars if c.get("primary")), {})
    availability = {
        "timezone": primary.get("time_zone") or "UTC",
        "weekly": [{"weekday": day, "start": "09:00", "end": "17:00"} for day in range(5)],
        "overrides": [],
    }
    answer = await browser.put(
        "/api/v1/tutors/me/availability", json=availability, headers=_csrf(browser)
    )
    _expect(answer, 200, "opening the tutor's weekday hours")


async def _describe_tutor(
    browser: httpx2.AsyncClient, bio: str, codes: list[str], subjects: dict[str, str]
) -> None:
    current = await browser.get("/api/v1/tutors/me/settings")
    _expect(current, 200, "reading the tutor's settings")
    settings = current.json() | {"bio": bio, "subject_ids": [subjects[c] for c in codes]}
    answer = await browser.put("/api/v1/tutors/me/settings", json=settings, headers=_csrf(browser))
    _expect(answer, 200, "describing the tutor")


async def _book_seat(browser: httpx2.AsyncClient, tutor_id: str, seat: DemoSeat) -> None:
    session = await _first_bookable(browser, tutor_id, seat.title)
    if session["booked_by_me"]:
        return
    booked = await browser.post(
        "/api/v1/bookings", json={"session_id": session["id"]}, headers=_csrf(browser)
    )
    _expect(booked, 201, f"{seat.student} booking {seat.title!r}")
    logger.info("demo student %s booked a seat in %r", seat.student, seat.title)


async def _first_bookable(browser: httpx2.AsyncClient, tutor_id: str, title: str) -> dict[str, Any]:
    """The first session of that title a day or more ahead, once the tutor's calendar is read
    (the first sync runs in the background after connecting)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + READY_TIMEOUT_SECONDS
    start = (datetime.now(UTC) + _BOOKABLE_AFTER).isoformat()
    while True:
        listed = await browser.get(f"/api/v1/tutors/{tutor_id}/sessions", params={"start": start})
        if listed.status_code == 200:
            for session in listed.json():
                if session["title"] == title:
                    return dict(session)
        if loop.time() > deadline:
            raise DemoSetUpFailed(f"no session {title!r} showed ({listed.status_code})")
        await asyncio.sleep(0.2)


def _csrf(browser: httpx2.AsyncClient) -> dict[str, str]:
    return {"X-CSRF-Token": browser.cookies.get("tutorcal_csrf") or ""}


def _expect(response: httpx2.Response, status: int, doing: str) -> None:
    if response.status_code != status:
        raise DemoSetUpFailed(f"{doing}: {response.status_code} {response.text[:200]}")
