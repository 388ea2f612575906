"""Every route that is not public on purpose refuses a caller without a live session (401), and
every unsafe one refuses a cookie-authenticated caller without the CSRF header or from a foreign
origin (403); nothing changes in either case."""

from __future__ import annotations

import httpx2
from fastapi import FastAPI

from tests.conftest import APP_URL, make_settings
from tests.security.routes import (
    PUBLIC,
    UNSAFE,
    Operation,
    openapi_operations,
    operations,
    signed_in_operations,
    unsafe_operations,
)
from tests.support.booking import student
from tests.support.browser import Browser
from tests.support.emulator import EmulatorServer
from tutorcal.auth.models import ApiToken, LoginSession
from tutorcal.main import create_app
from tutorcal.users.models import User


def problem(response: httpx2.Response) -> tuple[int, str, str]:
    code = response.json().get("code", "") if response.content else ""
    return response.status_code, response.headers.get("content-type", ""), code


async def send(http: httpx2.AsyncClient, op: Operation, **kwargs: object) -> httpx2.Response:
    # An empty JSON object is a well-formed body: the refusal must come from the credentials.
    body = {"json": {}} if op.method in UNSAFE else {}
    return await http.request(op.method, op.url(), **body, **kwargs)  # type: ignore[arg-type]


def test_the_route_table_is_the_openapi_document_and_public_routes_all_exist() -> None:
    app = create_app(make_settings())
    table = {op.key for op in operations(app)}
    documented = openapi_operations(app)
    assert documented <= table
    # Only the web app's pages (home and the API documentation) stay out of the document.
    assert table - documented <= {
        ("GET", "/"),
        ("GET", "/openapi.json"),
        ("GET", "/docs"),
    }
    assert table >= PUBLIC


async def test_every_non_public_route_is_401_problem_json_without_a_session(
    app: FastAPI, client: httpx2.AsyncClient
) -> None:
    expected = (401, "application/problem+json", "not_authenticated")
    answers = {str(op): problem(await send(client, op)) for op in signed_in_operations(app)}
    assert {route: got for route, got in answers.items() if got != expected} == {}
    assert len(answers) >= 25


async def test_a_forged_session_cookie_or_bearer_token_is_no_session_either(
    app: FastAPI, client: httpx2.AsyncClient
) -> None:
    expected = (401, "application/problem+json", "not_authenticated")
    credentials: list[dict[str, object]] = [
        {"cookies": {"tutorcal_session": "forged", "tutorcal_csrf": "forged"}},
        {"headers": {"Authorization": "Bearer tc_forged", "X-CSRF-Token": "forged"}},
        {"headers": {"Authorization": "Bearer '; DROP TABLE users; --"}},
    ]
    wrong = {}
    for credential in credentials:
        for op in signed_in_operations(app):
            async with httpx2.AsyncClient(
                transport=httpx2.ASGITransport(app=app), base_url=APP_URL, **credential
            ) as http:
                got = problem(await send(http, op))
            if got != expected:
                wrong[f"{op} with {credential}"] = got
    assert wrong == {}
    assert await User.all().count() == 0


async def test_a_logged_out_session_cookie_opens_nothing(
    app: FastAPI, browser: Browser, emulator: EmulatorServer
) -> None:
    sam = await student(browser, emulator, "sam@school.example")
    cookies = dict(sam.app.cookies)
    assert (await sam.app.post("/api/v1/auth/logout", headers=sam.csrf)).status_code == 204
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url=APP_URL, cookies=cookies
    ) as replayed:
        statuses = {
            str(op): (await send(replayed, op, headers=sam.csrf)).status_code
            for op in signed_in_operations(app)
        }
    assert {route: s for route, s in statuses.items() if s != 401} == {}


async def test_every_unsafe_route_refuses_a_cookie_without_the_csrf_header_or_from_another_origin(
    app: FastAPI, browser: Browser, emulator: EmulatorServer
) -> None:
    sam = await student(browser, emulator, "sam@school.example")
    expected = (403, "application/problem+json", "csrf_failed")
    attempts: dict[str, dict[str, str]] = {
        "no header": {},
        "wrong token": {"X-CSRF-Token": "guess"},
        "foreign origin": {**sam.csrf, "Origin": "https://evil.example"},
        "look-alike origin": {**sam.csrf, "Origin": f"{APP_URL}.evil.example"},
        "opaque origin": {**sam.csrf, "Origin": "null"},
    }
    wrong = {}
    for name, headers in attempts.items():
        for op in unsafe_operations(app):
            got = problem(await send(sam.app, op, headers=headers))
            if got != expected:
                wrong[f"{op} ({name})"] = got
    assert wrong == {}

    # Nothing happened: still signed in, still there, no token made, name unchanged.
    me = await sam.app.get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["name"] == "Sam"
    assert await ApiToken.all().count() == 0
    assert await LoginSession.filter(revoked_at=None).count() == 1
    # And the same request with the header and our own origin goes through.
    renamed = await sam.app.patch(
        "/api/v1/me", json={"name": "Samuel"}, headers={**sam.csrf, "Origin": APP_URL}
    )
    assert renamed.status_code == 200
