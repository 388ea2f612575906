"""Login sessions, CSRF, logout and API tokens."""

from __future__ import annotations

from datetime import timedelta

import httpx2

from tests.support.browser import Browser
from tests.support.clock import ManualClock
from tests.support.emulator import EmulatorServer
from tutorcal.auth.models import ApiToken, LoginSession
from tutorcal.auth.service import SESSION_IDLE_TIMEOUT
from tutorcal.core.crypto import token_hash
from tutorcal.core.time import utcnow
from tutorcal.users.models import User


async def signed_in(
    browser: Browser, emulator: EmulatorServer, email: str = "sam@school.example"
) -> Browser:
    emulator.add_user(email)
    assert (await browser.sign_in(email)).status_code == 303
    return browser


async def test_without_a_session_me_is_401(client: httpx2.AsyncClient) -> None:
    response = await client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


async def test_only_the_hash_of_a_session_token_is_stored(
    browser: Browser, emulator: EmulatorServer
) -> None:
    await signed_in(browser, emulator)
    token = browser.app.cookies.get("tutorcal_session") or ""
    session = await LoginSession.get()
    assert session.token_hash == token_hash(token)
    assert await LoginSession.filter(token_hash=token).count() == 0


async def test_an_unsafe_request_without_the_csrf_header_is_refused(
    browser: Browser, emulator: EmulatorServer
) -> None:
    await signed_in(browser, emulator)
    refused = await browser.app.patch("/api/v1/me", json={"name": "Sam"})
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed"
    wrong = await browser.app.patch(
        "/api/v1/me", json={"name": "Sam"}, headers={"X-CSRF-Token": "guess"}
    )
    assert wrong.status_code == 403
    accepted = await browser.app.patch("/api/v1/me", json={"name": "Sam"}, headers=browser.csrf)
    assert accepted.status_code == 200


async def test_a_csrf_token_from_another_session_is_refused(
    browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    await signed_in(browser, emulator)
    await signed_in(other_browser, emulator, "sofia@school.example")
    response = await browser.app.patch("/api/v1/me", json={"name": "x"}, headers=other_browser.csrf)
    assert response.status_code == 403


async def test_a_foreign_origin_is_refused_even_with_the_csrf_token(
    browser: Browser, emulator: EmulatorServer
) -> None:
    await signed_in(browser, emulator)
    headers = {**browser.csrf, "Origin": "https://evil.example"}
    response = await browser.app.patch("/api/v1/me", json={"name": "x"}, headers=headers)
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    ours = {**browser.csrf, "Origin": "http://127.0.0.1:8000"}
    assert (
        await browser.app.patch("/api/v1/me", json={"name": "x"}, headers=ours)
    ).status_code == 200


async def test_logout_ends_the_session(browser: Browser, emulator: EmulatorServer) -> None:
    await signed_in(browser, emulator)
    token = browser.app.cookies.get("tutorcal_session") or ""
    response = await browser.app.post("/api/v1/auth/logout", headers=browser.csrf)
    assert response.status_code == 204
    browser.app.cookies.clear()
    browser.app.cookies.set("tutorcal_session", token)
    assert (await browser.app.get("/api/v1/me")).status_code == 401


async def test_an_idle_session_expires(
    browser: Browser, emulator: EmulatorServer, clock: ManualClock
) -> None:
    await signed_in(browser, emulator)
    clock.advance(SESSION_IDLE_TIMEOUT + timedelta(days=1))
    assert (await browser.app.get("/api/v1/me")).status_code == 401


async def test_a_session_past_its_absolute_lifetime_expires(
    browser: Browser, emulator: EmulatorServer, clock: ManualClock
) -> None:
    await signed_in(browser, emulator)
    for days in (6, 6, 6, 6, 5):  # 29 days in use, never idle for a week
        clock.advance(timedelta(days=days))
        assert (await browser.app.get("/api/v1/me")).status_code == 200
    clock.advance(timedelta(days=2))  # past SESSION_LIFETIME, idle for two days only
    assert (await browser.app.get("/api/v1/me")).status_code == 401


async def test_an_api_token_is_shown_once_works_as_bearer_without_csrf_and_can_be_revoked(
    browser: Browser, emulator: EmulatorServer, client: httpx2.AsyncClient
) -> None:
    await signed_in(browser, emulator)
    created = await browser.app.post(
        "/api/v1/me/api-tokens", json={"name": "grading script"}, headers=browser.csrf
    )
    assert created.status_code == 201
    body = created.json()
    assert body["token"].startswith("tcl_")
    stored = await ApiToken.get(id=body["id"])
    assert stored.token_hash == token_hash(body["token"])
    listed = (await browser.app.get("/api/v1/me/api-tokens")).json()
    assert [t["name"] for t in listed] == ["grading script"]
    assert "token" not in listed[0]

    bearer = {"Authorization": f"Bearer {body['token']}"}
    async with httpx2.AsyncClient(
        transport=client._transport, base_url="http://127.0.0.1:8000"
    ) as script:
        assert (await script.get("/api/v1/me", headers=bearer)).json()[
            "email"
        ] == "sam@school.example"
        assert (
            await script.patch("/api/v1/me", json={"name": "Script"}, headers=bearer)
        ).status_code == 200
        revoked = await browser.app.delete(
            f"/api/v1/me/api-tokens/{body['id']}", headers=browser.csrf
        )
        assert revoked.status_code == 204
        after = await script.get("/api/v1/me", headers=bearer)
        assert after.status_code == 401


async def test_someone_elses_api_token_is_not_found(
    browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    await signed_in(browser, emulator)
    await signed_in(other_browser, emulator, "sofia@school.example")
    created = (
        await browser.app.post("/api/v1/me/api-tokens", json={"name": "mine"}, headers=browser.csrf)
    ).json()
    response = await other_browser.app.delete(
        f"/api/v1/me/api-tokens/{created['id']}", headers=other_browser.csrf
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    malformed = await other_browser.app.delete(
        "/api/v1/me/api-tokens/not-a-uuid", headers=other_browser.csrf
    )
    assert malformed.status_code == 404


async def test_a_deleted_users_session_and_api_token_stop_working(
    browser: Browser, emulator: EmulatorServer, client: httpx2.AsyncClient
) -> None:
    await signed_in(browser, emulator)
    created = (
        await browser.app.post(
            "/api/v1/me/api-tokens", json={"name": "script"}, headers=browser.csrf
        )
    ).json()
    # Marked deleted with the session and the token still unrevoked: deletion alone ends them.
    await User.all().update(deleted_at=utcnow())
    assert (await browser.app.get("/api/v1/me")).status_code == 401
    bearer = {"Authorization": f"Bearer {created['token']}"}
    assert (await client.get("/api/v1/me", headers=bearer)).status_code == 401


async def test_an_unknown_bearer_token_is_401(client: httpx2.AsyncClient) -> None:
    response = await client.get("/api/v1/me", headers={"Authorization": "Bearer tcl_nonsense"})
    assert response.status_code == 401
