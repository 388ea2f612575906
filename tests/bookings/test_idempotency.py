"""``Idempotency-Key`` on POST /bookings: the key is committed with its booking and only with it.

In-process tests here run on every backend; the ones holding a transaction open need the
row locks of PostgreSQL or MariaDB. Several server processes, and one killed between its
commit and its answer, are in ``test_idempotency_processes.py``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx2
import pytest
from fastapi import FastAPI
from tortoise import connections

from tests.support.booking import group_session, student
from tests.support.browser import Browser
from tests.support.calendar import clock_of, runtime_of
from tests.support.emulator import EmulatorServer
from tutorcal.audit import service as audit_service
from tutorcal.audit.models import AuditEntry
from tutorcal.bookings import idempotency
from tutorcal.bookings.models import Booking, IdempotencyRecord
from tutorcal.users.models import User


async def post(browser: Browser, key: str, **body: object) -> httpx2.Response:
    return await browser.app.post(
        "/api/v1/bookings", json=body, headers={**browser.csrf, "Idempotency-Key": key}
    )


@pytest.fixture
async def third_browser(app: FastAPI, emulator: EmulatorServer) -> AsyncIterator[Browser]:
    transport = httpx2.ASGITransport(app=app)
    async with httpx2.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as http:
        yield Browser(http, emulator, app)


Hook = Callable[[], Awaitable[None]]


def on_booking_created(monkeypatch: pytest.MonkeyPatch, hook: Hook) -> None:
    """Run ``hook`` inside the booking transaction, after the booking row, the first time."""
    original = audit_service.record
    calls: list[str] = []

    async def record(action: str, **fields: Any) -> AuditEntry:
        if action == "booking_created" and not calls:
            calls.append(action)
            await hook()
        return await original(action, **fields)

    monkeypatch.setattr(audit_service, "record", record)


async def dies() -> None:
    raise RuntimeError("the process died here")


async def test_a_rejected_first_request_is_replayed_even_once_a_seat_frees_up(
    app: FastAPI,
    browser: Browser,
    other_browser: Browser,
    third_browser: Browser,
    emulator: EmulatorServer,
) -> None:
    group = await group_session(app, browser, emulator, capacity=1)
    kim = await student(other_browser, emulator, "kim@school.example")
    sam = await student(third_browser, emulator, "sam@school.example")
    taken = await post(kim, "kim-1", session_id=group.session_id)
    assert taken.status_code == 201

    refused = await post(sam, "sam-1", session_id=group.session_id)
    assert refused.status_code == 409
    assert refused.json()["code"] == "session_full"
    cancelled = await kim.app.post(
        f"/api/v1/bookings/{taken.json()['id']}/cancel", headers=kim.csrf
    )
    assert cancelled.status_code == 200

    replayed = await post(sam, "sam-1", session_id=group.session_id)
    assert replayed.status_code == 409
    assert replayed.headers["content-type"] == "application/problem+json"
    assert replayed.json() == refused.json()
    fresh = await post(sam, "sam-2", session_id=group.session_id)
    assert fresh.status_code == 201
    assert fresh.json()["student"]["email"] == "sam@school.example"


async def test_a_key_keeps_its_body_whether_its_request_was_booked_or_rejected(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    group = await group_session(app, browser, emulator)
    sam = await student(other_browser, emulator, "sam@school.example")
    assert (await post(sam, "booked", session_id=group.session_id)).status_code == 201
    assert (await post(sam, "rejected", session_id="no-such-session")).status_code == 404

    for key in ("booked", "rejected"):
        reused = await post(sam, key, session_id=group.event["id"])
        assert reused.status_code == 422
        assert reused.json()["code"] == "idempotency_key_reused"
    assert await Booking.all().count() == 1


async def test_an_expired_key_books_afresh_and_the_worker_purges_expired_keys(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    group = await group_session(app, browser, emulator)
    sam = await student(other_browser, emulator, "sam@school.example")
    first = await post(sam, "monday", session_id=group.session_id)
    assert first.status_code == 201
    cancelled = await sam.app.post(
        f"/api/v1/bookings/{first.json()['id']}/cancel", headers=sam.csrf
    )
    assert cancelled.status_code == 200
    clock = clock_of(app)
    clock.advance(idempotency.KEEP)
    await runtime_of(app).calendar.sync_stale()  # the worker kept the mirror fresh meanwhile

    again = await post(sam, "monday", session_id=group.session_id)
    assert again.status_code == 201
    assert again.json()["id"] != first.json()["id"]
    assert await Booking.filter(status="confirmed").count() == 1

    clock.advance(idempotency.KEEP)
    assert await idempotency.purge_expired(clock.now()) == 1
    assert await IdempotencyRecord.all().count() == 0


async def test_a_request_that_died_after_its_commit_is_answered_with_its_booking(
    app: FastAPI,
    browser: Browser,
    other_browser: Browser,
    emulator: EmulatorServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """In-process stand-in for a kill between commit and answer: the answer is never stored."""
    group = await group_session(app, browser, emulator)
    sam = await student(other_browser, emulator, "sam@school.example")

    async def never_stored(*args: object) -> None:
        await dies()

    monkeypatch.setattr(idempotency, "finish", never_stored)
    lost = await post(sam, "lost-answer", session_id=group.session_id)
    assert lost.status_code == 500
    monkeypatch.undo()
    (booking,) = await Booking.all()
    user = await User.get(email="sam@school.example")
    clock = clock_of(app)
    assert await idempotency.has_answer(
        user, "lost-answer", clock.now()
    )  # the rate limit lets it through

    retried = await post(sam, "lost-answer", session_id=group.session_id)
    assert retried.status_code == 201
    assert retried.json()["id"] == str(booking.id)
    assert retried.json()["calendar_sync"] == "synced"
    assert await Booking.all().count() == 1


async def test_a_request_that_died_inside_its_transaction_leaves_the_key_free(
    app: FastAPI,
    browser: Browser,
    other_browser: Browser,
    emulator: EmulatorServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    group = await group_session(app, browser, emulator)
    sam = await student(other_browser, emulator, "sam@school.example")
    on_booking_created(monkeypatch, dies)

    died = await post(sam, "died", session_id=group.session_id)
    assert died.status_code == 500
    assert await Booking.all().count() == 0
    assert await IdempotencyRecord.all().count() == 0

    retried = await post(sam, "died", session_id=group.session_id)
    assert retried.status_code == 201
    assert await Booking.all().count() == 1


async def waiters_on_a_lock(backend: str) -> int:
    """Connections of this database waiting for another transaction's row lock."""
    query = {
        "postgres": "SELECT count(*) AS n FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'",
        "mysql": "SELECT count(*) AS n FROM information_schema.innodb_trx t "
        "JOIN information_schema.processlist p ON p.id = t.trx_mysql_thread_id "
        "WHERE t.trx_state = 'LOCK WAIT' AND p.db = DATABASE()",
    }[backend]
    rows = await connections.get("default").execute_query_dict(query)
    return int(rows[0]["n"])


async def a_lock_is_awaited(backend: str) -> None:
    for _ in range(40):
        if await waiters_on_a_lock(backend):
            return
        # Slower than 0.1 s: InnoDB refreshes innodb_trx only when it was not read for that long
        # (https://dev.mysql.com/doc/refman/5.7/en/innodb-information-schema-internal-data.html).
        await asyncio.sleep(0.25)
    raise AssertionError("the repeat never waited on the first request's key")


async def race_a_repeat_against_an_open_transaction(
    backend: str, sam: Browser, session_id: str, monkeypatch: pytest.MonkeyPatch, *, fail: bool
) -> tuple[httpx2.Response, httpx2.Response]:
    """The first request stops inside its transaction until the repeat waits on its key."""
    inside = asyncio.Event()
    release = asyncio.Event()

    async def hold() -> None:
        inside.set()
        await release.wait()
        if fail:
            await dies()

    on_booking_created(monkeypatch, hold)
    first = asyncio.create_task(post(sam, "double-click", session_id=session_id))
    repeat: asyncio.Task[httpx2.Response] | None = None
    try:
        await asyncio.wait_for(inside.wait(), 10)
        repeat = asyncio.create_task(post(sam, "double-click", session_id=session_id))
        await a_lock_is_awaited(backend)
        assert not repeat.done()
    finally:
        # Never leave the first transaction open: it would hold the key past the test.
        release.set()
    return await first, await repeat


@pytest.mark.backends("postgres", "mysql")
@pytest.mark.parametrize(
    ("first_fails", "answers"),
    [(False, (201, 201)), (True, (500, 201))],
    ids=["first-commits-repeat-gets-its-booking", "first-rolls-back-repeat-is-served-afresh"],
)
async def test_a_repeat_waits_for_the_first_transaction(
    backend: str,
    first_fails: bool,
    answers: tuple[int, int],
    app: FastAPI,
    browser: Browser,
    other_browser: Browser,
    emulator: EmulatorServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    group = await group_session(app, browser, emulator)
    sam = await student(other_browser, emulator, "sam@school.example")

    first, repeat = await race_a_repeat_against_an_open_transaction(
        backend, sam, group.session_id, monkeypatch, fail=first_fails
    )

    assert (first.status_code, repeat.status_code) == answers
    (booking,) = await Booking.all()
    assert repeat.json()["id"] == str(booking.id)


async def test_a_key_the_previous_release_claimed_is_409_for_a_minute_then_free(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    """That release wrote the key before booking and its answer after; its request may still
    be running while the new release serves the repeat."""
    group = await group_session(app, browser, emulator)
    sam = await student(other_browser, emulator, "sam@school.example")
    user = await User.get(email="sam@school.example")
    body = {"session_id": group.session_id}
    digest = idempotency.fingerprint(
        "/api/v1/bookings",
        {
            **body,
            "tutor_id": None,
            "start": None,
            "minutes": None,
            "subject_id": None,
            "note": None,
        },
    )
    clock = clock_of(app)
    await IdempotencyRecord.create(
        user=user, key="old-release", fingerprint=digest, expires_at=clock.now() + idempotency.KEEP
    )

    running = await post(sam, "old-release", **body)
    assert running.status_code == 409
    assert running.json()["code"] == "idempotency_in_progress"

    clock.advance(idempotency.IN_PROGRESS_TIMEOUT + timedelta(seconds=1))
    assert (await post(sam, "old-release", **body)).status_code == 201
