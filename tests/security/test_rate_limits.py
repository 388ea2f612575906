"""Rate limits on sign-in and booking: per address always, per user when signed in.

Windows are a second long here so that a reset can be watched without waiting a minute. The
limits do not touch the database, so one backend is enough.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from urllib.parse import urlsplit

import httpx2
import pytest
from fastapi import FastAPI

from tests.conftest import IN_CI, make_settings
from tests.security.conftest import NewStudent, client_for, serving
from tests.support.booking import group_session, student
from tests.support.browser import Browser
from tests.support.emulator import EmulatorServer
from tutorcal.config import ConfigurationInvalid, Settings
from tutorcal.core.ratelimit import Limiter

pytestmark = pytest.mark.backends("sqlite")

REDIS_URL = os.environ.get("TUTORCAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
LOGIN = "/api/v1/auth/google/login"
BOOKING_WINDOW = 5


def limited(settings: Settings, **limits: object) -> Settings:
    return settings.model_copy(update=limits)


def assert_rate_limited(response: httpx2.Response, window_seconds: int = 1) -> int:
    assert response.status_code == 429, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "rate_limited"
    retry_after = int(response.headers["retry-after"])
    assert 1 <= retry_after <= window_seconds
    assert response.json()["retry_after"] == retry_after
    return retry_after


async def book(browser: Browser, session_id: str, key: str | None = None) -> httpx2.Response:
    headers = {**browser.csrf, **({"Idempotency-Key": key} if key else {})}
    return await browser.app.post(
        "/api/v1/bookings", json={"session_id": session_id}, headers=headers
    )


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return limited(
        settings,
        # Longer than a sign-in window: a booking goes through Google, which on a busy
        # machine can take a good part of a second.
        rate_limit_booking_per_user=f"2/{BOOKING_WINDOW}seconds",
        rate_limit_booking_per_address=f"5/{BOOKING_WINDOW}seconds",
    )


async def test_sign_in_is_refused_with_retry_after_past_the_limit_and_allowed_after_the_window(
    settings: Settings,
) -> None:
    async with (
        serving(limited(settings, rate_limit_sign_in_per_address="3/second")) as app,
        client_for(app) as client,
    ):
        await sign_in_budget_spent_then_renewed(client)


async def sign_in_budget_spent_then_renewed(client: httpx2.AsyncClient) -> None:
    for _ in range(3):
        assert (await client.get(LOGIN)).status_code == 302
    refused = await client.get(LOGIN)
    retry_after = assert_rate_limited(refused)
    # Google's callback is the same budget: a flood of forged callbacks is no way around it.
    assert_rate_limited(await client.get("/api/v1/auth/google/callback?state=x&code=y"))

    await asyncio.sleep(retry_after + 0.1)
    assert (await client.get(LOGIN)).status_code == 302


async def test_the_booking_limit_is_per_user_and_another_student_at_the_same_address_still_books(
    app: FastAPI,
    browser: Browser,
    emulator: EmulatorServer,
    new_student: NewStudent,
) -> None:
    group = await group_session(app, browser, emulator, capacity=5)
    sam = await new_student("sam@school.example")
    kim = await new_student("kim@school.example")

    assert (await book(sam, group.session_id)).status_code == 201
    assert (await book(sam, group.session_id)).json()["code"] == "already_booked"
    retry_after = assert_rate_limited(await book(sam, group.session_id), BOOKING_WINDOW)
    # Cancelling is booking work too, and shares the student's budget.
    (booking,) = (await sam.app.get("/api/v1/bookings")).json()["items"]
    cancel = await sam.app.post(f"/api/v1/bookings/{booking['id']}/cancel", headers=sam.csrf)
    assert_rate_limited(cancel, BOOKING_WINDOW)

    assert (await book(kim, group.session_id)).status_code == 201

    await asyncio.sleep(retry_after + 0.1)
    cancel = await sam.app.post(f"/api/v1/bookings/{booking['id']}/cancel", headers=sam.csrf)
    assert cancel.status_code == 200
    assert cancel.json()["status"] == "cancelled"


async def test_the_booking_limit_per_address_holds_whoever_is_signed_in(
    app: FastAPI, client: httpx2.AsyncClient, new_student: NewStudent
) -> None:
    students = [await new_student(f"s{n}@school.example") for n in range(3)]
    missing = str(uuid.uuid4())
    statuses = [
        (await s.app.post(f"/api/v1/bookings/{missing}/cancel", headers=s.csrf)).status_code
        for s in students
        for _ in range(2)
    ]
    # Five a window from this address; each student stays within their own two.
    assert statuses == [404] * 5 + [429]
    # Not being signed in is no way around the address's budget either.
    refused = await client.post("/api/v1/bookings", json={"session_id": missing})
    assert_rate_limited(refused, BOOKING_WINDOW)


async def test_an_idempotent_replay_gets_its_answer_even_over_the_limit(
    app: FastAPI, browser: Browser, emulator: EmulatorServer, new_student: NewStudent
) -> None:
    group = await group_session(app, browser, emulator, capacity=5)
    sam = await new_student("sam@school.example")
    first = await book(sam, group.session_id, key="retry-1")
    assert first.status_code == 201
    assert (await book(sam, group.session_id, key="other")).status_code == 409
    assert_rate_limited(await book(sam, group.session_id, key="never-used"), BOOKING_WINDOW)

    replay = await book(sam, group.session_id, key="retry-1")
    assert replay.status_code == 201
    assert replay.json() == first.json()


async def test_limits_can_be_turned_off(settings: Settings) -> None:
    async with serving(limited(settings, rate_limit_enabled=False)) as app, client_for(app) as http:
        statuses = {(await http.get(LOGIN)).status_code for _ in range(10)}
    assert statuses == {302}


def test_a_limit_in_the_wrong_notation_is_refused_at_start_up() -> None:
    with pytest.raises(ConfigurationInvalid, match="RATE_LIMIT_BOOKING_PER_USER: 'lots'"):
        make_settings(rate_limit_booking_per_user="lots")
    with pytest.raises(ConfigurationInvalid, match="RATE_LIMIT_STORAGE_URL"):
        make_settings(rate_limit_storage_url="memcached://cache:11211")
    assert make_settings(rate_limit_booking_per_user="").rate_limit_booking_per_user == ""


def redis_reachable() -> bool:
    parts = urlsplit(REDIS_URL)
    try:
        with socket.create_connection((parts.hostname or "", parts.port or 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_url() -> str:
    if not redis_reachable():
        message = f"Redis unreachable at {REDIS_URL} (set TUTORCAL_TEST_REDIS_URL)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return REDIS_URL


async def test_instances_sharing_redis_share_the_budget(settings: Settings, redis_url: str) -> None:
    # An address of its own, so that parallel runs against one Redis do not spend each
    # other's budget.
    address = f"192.0.2.{uuid.uuid4().int % 250 + 1}"
    shared = limited(
        settings, rate_limit_storage_url=redis_url, rate_limit_sign_in_per_address="3/second"
    )
    # Another instance of the service: one process runs one app, so its limiter stands in.
    other_instance = Limiter(
        redis_url, rules={"sign_in_per_address": shared.rate_limit_sign_in_per_address}
    )
    async with serving(shared) as app, client_for(app, address) as http:
        try:
            for _ in range(2):
                assert (await other_instance.hit("sign_in_per_address", address)).allowed
            assert (await http.get(LOGIN)).status_code == 302
            retry_after = assert_rate_limited(await http.get(LOGIN))
            assert not (await other_instance.hit("sign_in_per_address", address)).allowed
            await asyncio.sleep(retry_after + 0.1)
            assert (await http.get(LOGIN)).status_code == 302
        finally:
            await other_instance.close()


async def test_a_rate_limit_storage_outage_lets_sign_in_and_booking_through_and_is_logged(
    settings: Settings, emulator: EmulatorServer, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as placeholder:  # a port nothing listens on
        placeholder.bind(("127.0.0.1", 0))
        dead_port = placeholder.getsockname()[1]
    down = limited(settings, rate_limit_storage_url=f"redis://127.0.0.1:{dead_port}/0")
    with caplog.at_level(logging.WARNING, logger="tutorcal.ratelimit"):
        async with serving(down) as app, client_for(app) as tutor, client_for(app) as pupil:
            group = await group_session(app, Browser(tutor, emulator, app), emulator, capacity=5)
            for _ in range(4):  # past every budget, had the counters been reachable
                assert (await pupil.get(LOGIN)).status_code == 302
            sam = await student(Browser(pupil, emulator, app), emulator, "sam@school.example")
            booked = await book(sam, group.session_id)
    assert booked.status_code == 201, booked.text
    outage = [r for r in caplog.records if r.name == "tutorcal.ratelimit"]
    assert len(outage) == 1  # once per outage, not once per request
    assert "unthrottled" in outage[0].getMessage()


def test_the_default_limits_are_in_the_libraries_notation() -> None:
    """Start-up takes the defaults on trust (parsing loads the library); this is the check."""
    from tutorcal.config import Settings
    from tutorcal.core.ratelimit import parse_limits

    for name, field in Settings.model_fields.items():
        if name.startswith("rate_limit_") and name.endswith(("_per_address", "_per_user")):
            assert parse_limits(str(field.default)), name
