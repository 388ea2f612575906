"""The signed-in user's own profile and account."""

from __future__ import annotations

from tests.auth.test_sessions import signed_in
from tests.support.browser import Browser
from tests.support.emulator import EmulatorServer
from tutorcal.audit.models import AuditEntry
from tutorcal.auth.models import ApiToken, LoginSession
from tutorcal.google.models import GoogleGrant
from tutorcal.users.models import User


async def test_name_and_time_zone_can_be_changed(
    browser: Browser, emulator: EmulatorServer
) -> None:
    await signed_in(browser, emulator)
    response = await browser.app.patch(
        "/api/v1/me", json={"name": "Samantha", "timezone": "Europe/Berlin"}, headers=browser.csrf
    )
    assert response.status_code == 200
    assert response.json()["name"] == "Samantha"
    assert response.json()["timezone"] == "Europe/Berlin"


async def test_an_unknown_time_zone_is_422(browser: Browser, emulator: EmulatorServer) -> None:
    await signed_in(browser, emulator)
    response = await browser.app.patch(
        "/api/v1/me", json={"timezone": "Mars/Olympus"}, headers=browser.csrf
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "timezone"]


async def test_unknown_fields_are_refused(browser: Browser, emulator: EmulatorServer) -> None:
    await signed_in(browser, emulator)
    response = await browser.app.patch(
        "/api/v1/me", json={"roles": ["admin"]}, headers=browser.csrf
    )
    assert response.status_code == 422
    assert (await browser.app.get("/api/v1/me")).json()["roles"] == ["student"]


async def test_deleting_my_account_revokes_google_ends_sessions_and_scrubs_personal_data(
    browser: Browser, emulator: EmulatorServer
) -> None:
    await signed_in(browser, emulator)
    await browser.app.post("/api/v1/me/api-tokens", json={"name": "script"}, headers=browser.csrf)
    revocations_before = emulator.stats()["revocations"]

    response = await browser.app.delete("/api/v1/me", headers=browser.csrf)

    assert response.status_code == 204
    assert emulator.stats()["revocations"] == revocations_before + 1
    assert (await browser.app.get("/api/v1/me")).status_code == 401
    user = await User.get()
    assert user.deleted_at is not None
    assert "sam" not in user.email
    assert user.name == "Deleted user"
    assert await GoogleGrant.filter(user=user).count() == 0
    assert await LoginSession.filter(user=user, revoked_at__isnull=True).count() == 0
    assert await ApiToken.filter(user=user, revoked_at__isnull=True).count() == 0
    assert await AuditEntry.filter(action="account_deleted", subject_id=str(user.id)).count() == 1


async def test_a_deleted_user_signing_in_again_starts_afresh(
    browser: Browser, emulator: EmulatorServer
) -> None:
    await signed_in(browser, emulator)
    await browser.app.delete("/api/v1/me", headers=browser.csrf)
    await browser.sign_in("sam@school.example")
    me = (await browser.app.get("/api/v1/me")).json()
    assert me["email"] == "sam@school.example"
    assert await User.filter(deleted_at__isnull=True).count() == 1
