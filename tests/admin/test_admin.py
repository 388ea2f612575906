"""Administration: every route refuses non-admins; roles, users and the audit trail."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute

from tests.auth.test_sessions import signed_in
from tests.conftest import TEST_ADMIN
from tests.support.browser import Browser
from tests.support.emulator import EmulatorServer
from tutorcal.admin.router import router as admin_router
from tutorcal.users.models import User

NO_ID = "00000000-0000-0000-0000-000000000000"
ADMIN_ROUTES = [
    (method, re.sub(r"{\w+}", NO_ID, route.path))
    for route in admin_router.routes
    if isinstance(route, APIRoute)
    for method in sorted(route.methods)
]


def test_the_admin_route_list_is_complete() -> None:
    assert set(ADMIN_ROUTES) >= {
        ("GET", "/api/v1/admin/users"),
        ("PUT", f"/api/v1/admin/users/{NO_ID}/roles"),
        ("GET", "/api/v1/admin/audit"),
        ("GET", "/api/v1/admin/audit/actions"),
        ("GET", "/api/v1/admin/outbox"),
        ("POST", f"/api/v1/admin/outbox/{NO_ID}/retry"),
    }


@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
async def test_a_student_gets_403_on_every_admin_route(
    browser: Browser, emulator: EmulatorServer, method: str, path: str
) -> None:
    await signed_in(browser, emulator)
    response = await browser.app.request(
        method, path, json={"roles": ["admin"]}, headers=browser.csrf
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
async def test_nobody_signed_in_gets_401_on_every_admin_route(
    browser: Browser, method: str, path: str
) -> None:
    response = await browser.app.request(method, path, json={"roles": ["admin"]})
    assert response.status_code == 401


async def test_an_admin_makes_a_student_a_tutor_effective_on_their_next_request(
    browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    await signed_in(browser, emulator, TEST_ADMIN)
    await signed_in(other_browser, emulator, "sam@school.example")
    sam = await User.get(email="sam@school.example")
    before = await other_browser.app.post(
        "/api/v1/auth/google/disconnect-calendar", headers=other_browser.csrf
    )
    assert before.status_code == 403

    response = await browser.app.put(
        f"/api/v1/admin/users/{sam.id}/roles", json={"roles": ["tutor"]}, headers=browser.csrf
    )
    assert response.status_code == 200
    assert response.json()["roles"] == ["student", "tutor"]
    after = await other_browser.app.post(
        "/api/v1/auth/google/disconnect-calendar", headers=other_browser.csrf
    )
    assert after.status_code == 204

    audit = (await browser.app.get("/api/v1/admin/audit", params={"action": "role_change"})).json()
    assert audit["items"][0]["subject_id"] == str(sam.id)
    assert audit["items"][0]["detail"]["after"] == {"tutor": True, "admin": False}


async def test_an_admin_cannot_remove_their_own_admin_role(
    browser: Browser, emulator: EmulatorServer
) -> None:
    await signed_in(browser, emulator, TEST_ADMIN)
    admin = await User.get(email=TEST_ADMIN)
    response = await browser.app.put(
        f"/api/v1/admin/users/{admin.id}/roles", json={"roles": []}, headers=browser.csrf
    )
    assert response.status_code == 422
    assert response.json()["code"] == "cannot_remove_own_admin"


async def test_roles_must_be_known(browser: Browser, emulator: EmulatorServer) -> None:
    await signed_in(browser, emulator, TEST_ADMIN)
    admin = await User.get(email=TEST_ADMIN)
    response = await browser.app.put(
        f"/api/v1/admin/users/{admin.id}/roles", json={"roles": ["overlord"]}, headers=browser.csrf
    )
    assert response.status_code == 422


async def test_an_unknown_user_is_404(browser: Browser, emulator: EmulatorServer) -> None:
    await signed_in(browser, emulator, TEST_ADMIN)
    for user_id in ("00000000-0000-0000-0000-000000000000", "nonsense"):
        response = await browser.app.put(
            f"/api/v1/admin/users/{user_id}/roles", json={"roles": []}, headers=browser.csrf
        )
        assert response.status_code == 404


async def test_users_are_listed_filtered_and_paged(
    app: FastAPI, browser: Browser, emulator: EmulatorServer
) -> None:
    await signed_in(browser, emulator, TEST_ADMIN)
    for number in range(5):
        await User.create(
            google_sub=f"s{number}",
            email=f"student{number}@school.example",
            name=f"Student {number}",
        )
    await User.create(google_sub="t", email="tina@school.example", name="Tina", is_tutor=True)

    first = (await browser.app.get("/api/v1/admin/users", params={"limit": 4})).json()
    assert len(first["items"]) == 4
    second = (
        await browser.app.get(
            "/api/v1/admin/users", params={"limit": 4, "cursor": first["next_cursor"]}
        )
    ).json()
    assert second["next_cursor"] is None
    emails = [u["email"] for u in first["items"] + second["items"]]
    assert len(emails) == len(set(emails)) == 7

    tutors = (await browser.app.get("/api/v1/admin/users", params={"role": "tutor"})).json()
    assert [u["email"] for u in tutors["items"]] == ["tina@school.example"]
    found = (await browser.app.get("/api/v1/admin/users", params={"q": "student3"})).json()
    assert [u["name"] for u in found["items"]] == ["Student 3"]
    assert found["items"][0]["calendar_status"] == "not_connected"

    bad = await browser.app.get("/api/v1/admin/users", params={"cursor": "garbage!"})
    assert bad.status_code == 422
    assert bad.json()["code"] == "invalid_cursor"


async def test_the_audit_trail_shows_refused_sign_ins(
    browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    emulator.add_user("unverified@school.example", email_verified=False)
    await other_browser.sign_in("unverified@school.example")
    await signed_in(browser, emulator, TEST_ADMIN)
    audit = (await browser.app.get("/api/v1/admin/audit")).json()
    actions = [entry["action"] for entry in audit["items"]]
    assert actions == ["sign_in", "sign_in_refused"]
    assert audit["items"][1]["detail"]["reason"] == "email_not_verified"
