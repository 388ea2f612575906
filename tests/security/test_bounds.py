"""Bounds on what a caller may send: body size, time windows, times and time zones. Out of
bounds is a 4xx problem+json naming what is wrong, never a 500 and never unbounded work."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx2
import pytest
from fastapi import FastAPI

from tests.conftest import TEST_ADMIN, TEST_TUTOR
from tests.security.conftest import NewStudent
from tests.security.routes import operations
from tests.support.booking import group_session
from tests.support.browser import Browser
from tests.support.calendar import at
from tests.support.emulator import EmulatorServer
from tutorcal.config import Settings
from tutorcal.users.models import User

MALFORMED_TIMES = {
    "no offset": "2026-12-01T10:00:00",
    "not a time": "next tuesday",
    "month 13": "2026-13-01T10:00:00Z",
    "hour 25": "2026-12-01T25:00:00Z",
    "offset out of range": "2026-12-01T10:00:00+25:00",
    "date only": "2026-12-01",
    "seconds since 1970": "1767261600",
    "year 1": "0001-01-01T00:00:00Z",
    "year 9999": "9999-12-31T23:59:59Z",
}
# Far off, yet within what the API accepts: every computation around them must still fit.
EDGE_TIMES = {
    "1900 east of UTC": "1900-01-01T00:00:00+14:00",
    "1900": "1900-01-01T00:00:00Z",
    "2999": "2999-12-31T23:59:59Z",
    "2999 west of UTC": "2999-12-31T23:59:59-12:00",
}
BAD_ZONES = ["Mars/Olympus", "../../../etc/localtime", "", "UTC+5", "europe/london " * 10]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"admin_emails": [TEST_ADMIN, TEST_TUTOR]})


def field_errors(response: httpx2.Response) -> set[str]:
    assert response.status_code == 422, (response.status_code, response.text)
    assert response.headers["content-type"] == "application/problem+json"
    return {".".join(error["loc"]) for error in response.json().get("errors", [])}


async def test_a_body_over_the_limit_is_413_on_every_route_that_takes_one(
    app: FastAPI, browser: Browser, emulator: EmulatorServer, settings: Settings
) -> None:
    emulator.add_user(TEST_TUTOR)
    await browser.sign_in(TEST_TUTOR)
    huge = b'{"name": "' + b"x" * settings.max_request_body_bytes + b'"}'
    answers = {}
    for op in operations(app):
        if op.method in {"POST", "PUT", "PATCH"}:
            response = await browser.app.request(
                op.method,
                op.url(),
                content=huge,
                headers={**browser.csrf, "Content-Type": "application/json"},
            )
            answers[str(op)] = (response.status_code, response.json()["code"])
    assert set(answers.values()) == {(413, "request_too_large")}, answers
    assert (await User.get(email=TEST_TUTOR)).name != "x" * 10


async def test_malformed_times_are_422_naming_the_field(
    app: FastAPI, browser: Browser, emulator: EmulatorServer, new_student: NewStudent
) -> None:
    group = await group_session(app, browser, emulator)
    sam = await new_student("sam@school.example")
    tutor = f"/api/v1/tutors/{group.tutor.id}"
    named: dict[str, set[str]] = {}
    for label, text in MALFORMED_TIMES.items():
        for path in (f"{tutor}/sessions", f"{tutor}/slots", "/api/v1/bookings"):
            for name in ("start", "end"):
                response = await sam.app.get(path, params={name: text})
                named[f"{path}?{name}={label}"] = field_errors(response) - {f"query.{name}"}
        slot = {"tutor_id": str(group.tutor.id), "start": text, "minutes": 60}
        response = await sam.app.post("/api/v1/bookings", json=slot, headers=sam.csrf)
        named[f"booking start={label}"] = field_errors(response) - {"body.start"}
    # Every answer named the field and nothing else.
    assert {case: rest for case, rest in named.items() if rest} == {}


async def test_unknown_time_zones_are_422_naming_the_field(
    app: FastAPI, browser: Browser, emulator: EmulatorServer
) -> None:
    await group_session(app, browser, emulator)
    settings_body: dict[str, Any] = {"session_keyword": "Tutoring"}
    availability: dict[str, Any] = {"weekly": [], "overrides": []}
    named = {}
    for zone in BAD_ZONES:
        for method, path, body in (
            ("PATCH", "/api/v1/me", {}),
            ("PATCH", "/api/v1/tutors/me/settings", settings_body),
            ("PUT", "/api/v1/tutors/me/availability", availability),
        ):
            response = await browser.app.request(
                method, path, json={**body, "timezone": zone}, headers=browser.csrf
            )
            named[f"{method} {path} {zone!r}"] = field_errors(response)
    assert {case for case, fields in named.items() if fields != {"body.timezone"}} == set()
    assert (await User.get(email=TEST_TUTOR)).timezone == "UTC"


@pytest.mark.parametrize("kind", ["sessions", "slots"])
async def test_windows_are_bounded_and_in_order(
    app: FastAPI, browser: Browser, emulator: EmulatorServer, kind: str
) -> None:
    group = await group_session(app, browser, emulator)
    path = f"/api/v1/tutors/{group.tutor.id}/{kind}"
    start = at(1, 0)

    def window(days: float) -> dict[str, str]:
        return {"start": start.isoformat(), "end": (start + timedelta(days=days)).isoformat()}

    assert (await browser.app.get(path, params=window(62))).status_code == 200
    too_long = await browser.app.get(path, params=window(62.01))
    assert (too_long.status_code, too_long.json()["code"]) == (422, "window_too_large")
    huge = await browser.app.get(path, params=window(365 * 500))
    assert (huge.status_code, huge.json()["code"]) == (422, "window_too_large")
    backwards = await browser.app.get(path, params=window(-1))
    assert (backwards.status_code, backwards.json()["code"]) == (422, "invalid_window")


async def test_times_at_the_ends_of_the_calendar_are_refused_or_answered_never_a_500(
    app: FastAPI, browser: Browser, emulator: EmulatorServer, new_student: NewStudent
) -> None:
    group = await group_session(app, browser, emulator)
    sam = await new_student("sam@school.example")
    tutor = f"/api/v1/tutors/{group.tutor.id}"
    answers = {}
    for label, text in EDGE_TIMES.items():
        for path in (f"{tutor}/sessions", f"{tutor}/slots", "/api/v1/bookings"):
            for params in ({"start": text}, {"end": text}, {"start": text, "end": text}):
                response = await sam.app.get(path, params=params)
                answers[f"{path} {params}"] = response.status_code
        slot = {"tutor_id": str(group.tutor.id), "start": text, "minutes": 60}
        created = await sam.app.post("/api/v1/bookings", json=slot, headers=sam.csrf)
        answers[f"booking at {label}"] = created.status_code
    assert {case: status for case, status in answers.items() if status >= 500} == {}
    assert set(answers.values()) <= {200, 409, 422}
