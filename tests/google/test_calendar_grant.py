"""Connecting a tutor's calendar: incremental consent, encrypted tokens, refresh, revocation."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from fastapi import FastAPI
from tortoise import connections

from tests.conftest import TEST_TUTOR
from tests.support.browser import Browser
from tests.support.clock import ManualClock
from tests.support.emulator import EmulatorServer, query_of
from tests.support.factories import make_tutor
from tutorcal.audit.models import AuditEntry
from tutorcal.core.crypto import CiphertextRefused, TokenCipher
from tutorcal.google.grants import NoLiveCalendarGrant, rotate_stored_tokens
from tutorcal.google.models import GoogleGrant
from tutorcal.google.scopes import CALENDAR_EVENTS, CALENDAR_READONLY
from tutorcal.runtime import Runtime
from tutorcal.users.models import User


async def tutor_with_calendar(browser: Browser, emulator: EmulatorServer) -> User:
    emulator.add_user(TEST_TUTOR)
    await browser.sign_in(TEST_TUTOR)
    response = await browser.connect_calendar("/settings")
    assert response.status_code == 303, response.text
    assert browser.app_instance is not None
    await runtime_of(browser.app_instance).calendar.background.wait_idle()
    return await User.get(email=TEST_TUTOR)


def runtime_of(app: FastAPI) -> Runtime:
    runtime: Runtime = app.state.runtime
    return runtime


async def test_connecting_the_calendar_asks_for_offline_access_incrementally(
    browser: Browser, emulator: EmulatorServer
) -> None:
    emulator.add_user(TEST_TUTOR)
    await browser.sign_in(TEST_TUTOR)
    google = await browser.to_google("/api/v1/auth/google/connect-calendar", next="/settings")
    params = query_of(google)
    assert params["access_type"] == "offline"
    assert params["include_granted_scopes"] == "true"
    assert params["prompt"] == "consent"  # no refresh token stored yet
    assert CALENDAR_EVENTS in params["scope"].split()
    assert CALENDAR_READONLY in params["scope"].split()
    assert params["login_hint"] == TEST_TUTOR

    response = await browser.callback(browser.consent(google))
    assert response.headers["location"] == "/settings"
    me = (await browser.app.get("/api/v1/me")).json()
    assert me["calendar_connected"] is True
    assert me["calendar_status"] == "connected"
    assert CALENDAR_EVENTS in me["granted_scopes"]


async def test_reconnecting_with_a_live_refresh_token_does_not_force_consent(
    browser: Browser, emulator: EmulatorServer
) -> None:
    await tutor_with_calendar(browser, emulator)
    google = await browser.to_google("/api/v1/auth/google/connect-calendar")
    assert "prompt" not in query_of(google)
    stored = (await GoogleGrant.get()).refresh_token_ciphertext
    # Google sends no new refresh token on this re-consent; the stored one must survive.
    assert (await browser.callback(browser.consent(google))).status_code == 303
    grant = await GoogleGrant.get()
    assert grant.refresh_token_ciphertext == stored
    assert (await browser.app.get("/api/v1/me")).json()["calendar_status"] == "connected"


async def test_calendar_access_unticked_at_consent_is_reported_not_connected(
    browser: Browser, emulator: EmulatorServer
) -> None:
    emulator.add_user(TEST_TUTOR)
    await browser.sign_in(TEST_TUTOR)
    emulator.control(
        "POST", "/next-consent", {"outcome": "drop_scopes", "scopes": [CALENDAR_EVENTS]}
    )
    response = await browser.connect_calendar("/settings?x=1")
    assert response.status_code == 303
    assert response.headers["location"] == "/settings?x=1&calendar_error=calendar_scope_missing"
    me = (await browser.app.get("/api/v1/me")).json()
    assert me["calendar_connected"] is False
    assert me["calendar_status"] == "scope_missing"


async def test_a_different_google_account_cannot_connect_its_calendar_to_mine(
    browser: Browser, emulator: EmulatorServer
) -> None:
    emulator.add_user(TEST_TUTOR)
    emulator.add_user("other@school.example")
    await browser.sign_in(TEST_TUTOR)
    google = await browser.to_google("/api/v1/auth/google/connect-calendar")
    endpoint, _, _ = google.partition("?")
    switched = f"{endpoint}?{urlencode({**query_of(google), 'login_hint': 'other@school.example'})}"
    response = await browser.callback(browser.consent(switched))
    assert response.status_code == 403
    assert response.json()["code"] == "calendar_account_mismatch"


async def test_stored_tokens_never_appear_in_plain_text(
    app: FastAPI, browser: Browser, emulator: EmulatorServer
) -> None:
    tutor = await tutor_with_calendar(browser, emulator)
    access_token = await runtime_of(app).grants.access_token(str(tutor.id))
    rows = await connections.get("default").execute_query_dict(
        "SELECT refresh_token_ciphertext, access_token_ciphertext FROM google_grants"
    )
    raw = str(rows)
    assert access_token not in raw
    assert "ya29." not in raw
    assert "1//" not in raw
    assert rows[0]["refresh_token_ciphertext"].startswith("gAAAA")  # a Fernet token


async def test_a_ciphertext_copied_to_another_users_row_is_refused(
    app: FastAPI, browser: Browser, emulator: EmulatorServer
) -> None:
    tutor = await tutor_with_calendar(browser, emulator)
    grant = await GoogleGrant.get(user=tutor)
    intruder = await make_tutor(email="intruder@school.example")
    await GoogleGrant.create(
        user=intruder,
        refresh_token_ciphertext=grant.refresh_token_ciphertext,
        granted_scopes=grant.granted_scopes,
    )
    with pytest.raises(NoLiveCalendarGrant):
        await runtime_of(app).grants.access_token(str(intruder.id))
    cipher = runtime_of(app).cipher
    with pytest.raises(CiphertextRefused):
        cipher.open(str(intruder.id), grant.refresh_token_ciphertext or "")


async def test_fifty_concurrent_requests_for_an_expired_access_token_cause_one_refresh(
    app: FastAPI, browser: Browser, emulator: EmulatorServer, clock: ManualClock
) -> None:
    tutor = await tutor_with_calendar(browser, emulator)
    clock.advance(timedelta(hours=1))  # Google's access tokens live an hour
    before = emulator.stats()["token_requests"]["refresh_token"]
    tokens = await asyncio.gather(
        *(runtime_of(app).grants.access_token(str(tutor.id)) for _ in range(50))
    )
    assert len(set(tokens)) == 1
    assert emulator.stats()["token_requests"]["refresh_token"] == before + 1


async def test_a_revoked_grant_marks_the_tutor_reconnect_required_once_and_never_retries(
    app: FastAPI, browser: Browser, emulator: EmulatorServer, clock: ManualClock
) -> None:
    tutor = await tutor_with_calendar(browser, emulator)
    emulator.control("POST", f"/users/{TEST_TUTOR}/revoke")
    clock.advance(timedelta(hours=1))
    grants = runtime_of(app).grants
    with pytest.raises(NoLiveCalendarGrant) as refused:
        await grants.access_token(str(tutor.id))
    assert refused.value.status == "reconnect_required"
    before = emulator.stats()["token_requests"]["refresh_token"]
    with pytest.raises(NoLiveCalendarGrant):
        await grants.access_token(str(tutor.id))
    assert emulator.stats()["token_requests"]["refresh_token"] == before
    assert (await browser.app.get("/api/v1/me")).json()["calendar_status"] == "reconnect_required"
    entries = await AuditEntry.filter(action="grant_revoked", subject_id=str(tutor.id))
    assert [entry.detail["reason"] for entry in entries] == ["invalid_grant"]


async def test_an_expired_refresh_token_needs_a_reconnect_which_then_works(
    app: FastAPI, browser: Browser, emulator: EmulatorServer, clock: ManualClock
) -> None:
    tutor = await tutor_with_calendar(browser, emulator)
    emulator.control("POST", f"/users/{TEST_TUTOR}/expire-refresh-tokens")
    clock.advance(timedelta(hours=1))
    with pytest.raises(NoLiveCalendarGrant):
        await runtime_of(app).grants.access_token(str(tutor.id))
    google = await browser.to_google("/api/v1/auth/google/connect-calendar")
    assert query_of(google)["prompt"] == "consent"
    await browser.callback(browser.consent(google))
    assert (await browser.app.get("/api/v1/me")).json()["calendar_status"] == "connected"
    assert await runtime_of(app).grants.access_token(str(tutor.id))


async def test_disconnecting_revokes_at_google_and_forgets_the_tokens(
    browser: Browser, emulator: EmulatorServer
) -> None:
    await tutor_with_calendar(browser, emulator)
    revocations = emulator.stats()["revocations"]
    response = await browser.app.post(
        "/api/v1/auth/google/disconnect-calendar", headers=browser.csrf
    )
    assert response.status_code == 204
    assert emulator.stats()["revocations"] == revocations + 1
    grant = await GoogleGrant.get()
    assert grant.refresh_token_ciphertext is None
    assert grant.access_token_ciphertext is None
    me = (await browser.app.get("/api/v1/me")).json()
    assert me["calendar_status"] == "not_connected"
    assert CALENDAR_EVENTS not in me["granted_scopes"]


async def test_a_student_may_not_disconnect_a_calendar(
    browser: Browser, emulator: EmulatorServer
) -> None:
    emulator.add_user("sam@school.example")
    await browser.sign_in("sam@school.example")
    response = await browser.app.post(
        "/api/v1/auth/google/disconnect-calendar", headers=browser.csrf
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


async def test_rotating_keys_re_encrypts_every_token_under_the_newest_key(
    app: FastAPI, browser: Browser, emulator: EmulatorServer
) -> None:
    tutor = await tutor_with_calendar(browser, emulator)
    old_cipher = runtime_of(app).cipher
    old_key = runtime_of(app).settings.token_encryption_keys[0].get_secret_value()
    from cryptography.fernet import Fernet

    new_key = Fernet.generate_key().decode()
    assert await rotate_stored_tokens(TokenCipher([new_key, old_key])) == 1
    grant = await GoogleGrant.get(user=tutor)
    only_new = TokenCipher([new_key])
    assert only_new.open(str(tutor.id), grant.refresh_token_ciphertext or "")
    with pytest.raises(CiphertextRefused):
        old_cipher.open(str(tutor.id), grant.refresh_token_ciphertext or "")
