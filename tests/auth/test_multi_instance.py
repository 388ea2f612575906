"""Two app processes behind one address, as Cloud Run scales out: no state lives in a process."""

from __future__ import annotations

from collections.abc import Iterator

import httpx2
import pytest

from tests.conftest import BASE_SETTINGS
from tests.support.databases import ScratchDatabase
from tests.support.emulator import (
    TEST_CLIENT_ID,
    TEST_CLIENT_SECRET,
    EmulatorServer,
    path_and_query,
)
from tests.support.processes import ServerProcess

PUBLIC_BASE_URL = "http://127.0.0.1:8000"


@pytest.fixture
def two_instances(
    database: ScratchDatabase, emulator: EmulatorServer
) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    env = {
        "DATABASE_URL": database.url,
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "TUTORCAL_DEMO": "false",
        "GOOGLE_DISCOVERY_URL": emulator.discovery_url,
        "GOOGLE_CLIENT_ID": TEST_CLIENT_ID,
        "GOOGLE_CLIENT_SECRET": TEST_CLIENT_SECRET,
        "TOKEN_ENCRYPTION_KEYS": str(BASE_SETTINGS["token_encryption_keys"]),
    }
    first, second = ServerProcess(env), ServerProcess(env)
    try:
        first.wait_ready()
        second.wait_ready()
        yield first, second
    finally:
        for server in (first, second):
            server.terminate()
            server.stop()


@pytest.mark.slow
@pytest.mark.postgres_only
def test_sign_in_started_on_one_instance_completes_on_another_and_logout_reaches_both(
    two_instances: tuple[ServerProcess, ServerProcess], emulator: EmulatorServer
) -> None:
    first, second = two_instances
    emulator.add_user("sam@school.example")
    with httpx2.Client(timeout=10) as browser:
        login = browser.get(
            f"{first.base_url}/api/v1/auth/google/login",
            params={"login_hint": "sam@school.example", "next": "/home"},
        )
        consent = browser.get(login.headers["location"])
        callback_url = f"{second.base_url}{path_and_query(consent.headers['location'])}"
        # Only the browser that started it may finish it (its cookie reaches either instance).
        assert httpx2.get(callback_url, timeout=10).json()["code"] == "invalid_state"
        callback = browser.get(callback_url)
        assert callback.status_code == 303, callback.text
        assert callback.headers["location"] == "/home"

        assert browser.get(f"{first.base_url}/api/v1/me").json()["email"] == "sam@school.example"
        assert browser.get(f"{second.base_url}/api/v1/me").status_code == 200

        csrf = {"X-CSRF-Token": browser.cookies["tutorcal_csrf"]}
        session = browser.cookies["tutorcal_session"]
        assert browser.post(f"{first.base_url}/api/v1/auth/logout", headers=csrf).status_code == 204
        browser.cookies.set("tutorcal_session", session)
        assert browser.get(f"{second.base_url}/api/v1/me").status_code == 401
