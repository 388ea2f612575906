"""Signing in with Google over real HTTP to the emulator: every check the callback makes."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

import httpx2
import pytest

from tests.conftest import TEST_ADMIN, TEST_TUTOR
from tests.support.browser import Browser
from tests.support.clock import ManualClock
from tests.support.emulator import EmulatorServer, query_of
from tutorcal.audit.models import AuditEntry
from tutorcal.auth.service import FLOW_LIFETIME
from tutorcal.users.models import PendingRoleGrant, User


def assert_problem(response: httpx2.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == code
    assert "set-cookie" not in response.headers


async def test_a_student_signs_in_and_sees_their_profile(
    browser: Browser, emulator: EmulatorServer
) -> None:
    emulator.add_user("sam@school.example", "Sam Student", picture="https://example.com/sam.png")
    response = await browser.sign_in("sam@school.example", next_path="/bookings?tab=upcoming")

    assert response.status_code == 303
    assert response.headers["location"] == "/bookings?tab=upcoming"
    cookies = response.headers.get_list("set-cookie")
    session_cookie = next(c for c in cookies if c.startswith("tutorcal_session="))
    csrf_cookie = next(c for c in cookies if c.startswith("tutorcal_csrf="))
    assert "HttpOnly" in session_cookie
    assert "samesite=lax" in session_cookie.lower()
    assert "Secure" not in session_cookie  # plain http in local development
    assert "HttpOnly" not in csrf_cookie

    me = (await browser.app.get("/api/v1/me")).json()
    assert me["email"] == "sam@school.example"
    assert me["name"] == "Sam Student"
    assert me["picture_url"] == "https://example.com/sam.png"
    assert me["roles"] == ["student"]
    assert me["calendar_connected"] is False
    assert me["calendar_status"] == "not_connected"
    assert "openid" in me["granted_scopes"]


async def test_the_authorization_request_carries_state_nonce_and_pkce(browser: Browser) -> None:
    google = await browser.to_google("/api/v1/auth/google/login", login_hint="x@school.example")
    params = query_of(google)
    assert params["response_type"] == "code"
    assert params["scope"] == "openid email profile"
    assert params["code_challenge_method"] == "S256"
    assert len(params["code_challenge"]) == 43
    assert len(params["state"]) >= 32
    assert len(params["nonce"]) >= 32
    assert params["redirect_uri"] == "http://127.0.0.1:8000/api/v1/auth/google/callback"
    assert params["login_hint"] == "x@school.example"
    assert "prompt" not in params


async def test_configured_emails_get_their_roles_at_sign_in(
    browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    emulator.add_user(TEST_ADMIN)
    emulator.add_user(TEST_TUTOR)
    await browser.sign_in(TEST_ADMIN)
    await other_browser.sign_in(TEST_TUTOR)
    assert (await browser.app.get("/api/v1/me")).json()["roles"] == ["student", "admin"]
    assert (await other_browser.app.get("/api/v1/me")).json()["roles"] == ["student", "tutor"]


async def test_a_role_granted_before_first_sign_in_is_applied_then(
    browser: Browser, emulator: EmulatorServer
) -> None:
    await PendingRoleGrant.create(email="newcomer@school.example", is_admin=True)
    emulator.add_user("newcomer@school.example")
    await browser.sign_in("newcomer@school.example")
    assert "admin" in (await browser.app.get("/api/v1/me")).json()["roles"]
    assert await PendingRoleGrant.filter(email="newcomer@school.example").count() == 0


async def test_signing_in_again_updates_the_profile_but_keeps_the_identity(
    browser: Browser, emulator: EmulatorServer
) -> None:
    user = emulator.add_user("sam@school.example", "Sam")
    await browser.sign_in("sam@school.example")
    emulator.add_user(
        "sam@school.example", "Samuel", sub=user["sub"], picture="https://example.com/new.png"
    )
    await browser.sign_in("sam@school.example")
    assert await User.filter(google_sub=user["sub"]).count() == 1
    me = (await browser.app.get("/api/v1/me")).json()
    assert me["name"] == "Samuel"
    assert me["picture_url"] == "https://example.com/new.png"


async def test_a_new_sign_in_rotates_the_session(
    browser: Browser, emulator: EmulatorServer
) -> None:
    emulator.add_user("sam@school.example")
    await browser.sign_in("sam@school.example")
    first = browser.app.cookies.get("tutorcal_session")
    await browser.sign_in("sam@school.example")
    second = browser.app.cookies.get("tutorcal_session")
    assert first != second
    browser.app.cookies.clear()
    browser.app.cookies.set("tutorcal_session", first or "")
    assert (await browser.app.get("/api/v1/me")).status_code == 401


@pytest.mark.parametrize(
    "next_path",
    [
        "https://evil.example/",
        "//evil.example/path",
        "/\\evil.example",
        "javascript:alert(1)",
        "evil.example",
        "/%0d%0aSet-Cookie:x=1\r\n",
    ],
)
async def test_next_accepts_only_a_relative_path(
    browser: Browser, emulator: EmulatorServer, next_path: str
) -> None:
    emulator.add_user("sam@school.example")
    response = await browser.sign_in("sam@school.example", next_path=next_path)
    assert response.status_code == 303
    assert response.headers["location"] == "/"


async def test_a_missing_state_is_refused(browser: Browser) -> None:
    assert_problem(
        await browser.app.get("/api/v1/auth/google/callback?code=abc"), 400, "invalid_state"
    )


async def test_a_tampered_state_is_refused(browser: Browser, emulator: EmulatorServer) -> None:
    emulator.add_user("sam@school.example")
    google = await browser.to_google("/api/v1/auth/google/login", login_hint="sam@school.example")
    callback = browser.consent(google)
    params = query_of(callback)
    params["state"] = params["state"][:-2] + ("AA" if not params["state"].endswith("AA") else "BB")
    tampered = f"/api/v1/auth/google/callback?{urlencode(params)}"
    assert_problem(await browser.callback(tampered), 400, "invalid_state")


async def test_a_replayed_state_is_refused(browser: Browser, emulator: EmulatorServer) -> None:
    emulator.add_user("sam@school.example")
    google = await browser.to_google("/api/v1/auth/google/login", login_hint="sam@school.example")
    callback = browser.consent(google)
    assert (await browser.callback(callback)).status_code == 303
    browser.app.cookies.clear()
    assert_problem(await browser.callback(callback), 400, "invalid_state")


async def test_an_expired_state_is_refused(
    browser: Browser, emulator: EmulatorServer, clock: ManualClock
) -> None:
    emulator.add_user("sam@school.example")
    google = await browser.to_google("/api/v1/auth/google/login", login_hint="sam@school.example")
    clock.advance(FLOW_LIFETIME)
    assert_problem(await browser.callback(browser.consent(google)), 400, "invalid_state")


async def test_a_replayed_code_is_refused(browser: Browser, emulator: EmulatorServer) -> None:
    emulator.add_user("sam@school.example")
    first = browser.consent(
        await browser.to_google("/api/v1/auth/google/login", login_hint="sam@school.example")
    )
    assert (await browser.callback(first)).status_code == 303
    second = browser.consent(
        await browser.to_google("/api/v1/auth/google/login", login_hint="sam@school.example")
    )
    params = {**query_of(second), "code": query_of(first)["code"]}
    replay = f"/api/v1/auth/google/callback?{urlencode(params)}"
    assert_problem(await browser.callback(replay), 400, "invalid_code")


async def test_consent_denied_at_google_is_reported(
    browser: Browser, emulator: EmulatorServer
) -> None:
    emulator.add_user("sam@school.example")
    emulator.control("POST", "/next-consent", {"outcome": "deny"})
    callback = browser.consent(
        await browser.to_google("/api/v1/auth/google/login", login_hint="sam@school.example")
    )
    assert query_of(callback)["error"] == "access_denied"
    assert_problem(await browser.callback(callback), 400, "consent_denied")


@pytest.mark.parametrize(
    "forgery",
    [
        {"claims": {"nonce": "not-the-nonce"}},
        {"claims": {"aud": "someone-else.apps.googleusercontent.com"}},
        {"claims": {"iss": "https://accounts.evil.example"}},
        {"claims": {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}},
        {"claims": {"iat": int(time.time()) + 3600, "exp": int(time.time()) + 7200}},
        {"claims": {"nonce": None}},
        {"signature": "invalid"},
        {"signature": "unknown_key"},
    ],
    ids=[
        "wrong-nonce",
        "wrong-aud",
        "wrong-iss",
        "expired",
        "issued-in-future",
        "no-nonce",
        "bad-signature",
        "key-not-in-jwks",
    ],
)
async def test_a_forged_id_token_is_refused(
    browser: Browser, emulator: EmulatorServer, forgery: dict[str, Any]
) -> None:
    emulator.add_user("sam@school.example")
    emulator.control("POST", "/next-id-token", forgery)
    response = await browser.sign_in("sam@school.example")
    assert_problem(response, 401, "invalid_id_token")
    assert await User.filter(email="sam@school.example").count() == 0
    assert await AuditEntry.filter(action="sign_in_refused").count() == 1


async def test_a_key_rotated_at_google_is_fetched_once_and_accepted(
    browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    emulator.add_user("sam@school.example")
    emulator.add_user("sofia@school.example")
    assert (await browser.sign_in("sam@school.example")).status_code == 303  # JWKS now cached
    emulator.control("POST", "/keys/rotate", {})
    assert (await other_browser.sign_in("sofia@school.example")).status_code == 303
    assert emulator.stats()["jwks_requests"] == 2


async def test_sign_ins_with_forged_key_ids_do_not_make_us_fetch_googles_keys_each_time(
    browser: Browser, emulator: EmulatorServer
) -> None:
    emulator.add_user("sam@school.example")
    assert (await browser.sign_in("sam@school.example")).status_code == 303
    for _ in range(5):
        emulator.control("POST", "/next-id-token", {"signature": "unknown_key"})
        assert_problem(await browser.sign_in("sam@school.example"), 401, "invalid_id_token")
    assert emulator.stats()["jwks_requests"] == 2  # the first, and one refetch for the five


async def test_an_unverified_email_is_refused(browser: Browser, emulator: EmulatorServer) -> None:
    emulator.add_user("sam@school.example", email_verified=False)
    assert_problem(await browser.sign_in("sam@school.example"), 403, "email_not_verified")


async def test_the_audit_trail_records_sign_ins(browser: Browser, emulator: EmulatorServer) -> None:
    emulator.add_user("sam@school.example")
    await browser.sign_in("sam@school.example")
    user = await User.get(email="sam@school.example")
    entry = await AuditEntry.get(action="sign_in")
    assert entry.actor_id == str(user.id)
