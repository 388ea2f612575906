"""A request that waits too long for another transaction's lock is told to try again (503
``database_busy`` with ``Retry-After``), never 500, and books nothing.

Each backend is given a short lock wait on a database of its own (SQLite's busy timeout in
the URL, PostgreSQL's ``lock_timeout`` on the database, MySQL's ``innodb_lock_wait_timeout``
for the app's connections), and a connection outside the app holds the lock a booking needs.
"""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from urllib.parse import quote, urlsplit

import asyncmy
import asyncpg
import pytest
from fastapi import FastAPI

from tests.conftest import TEST_ADMIN, TEST_TUTOR, _skip_or_fail, make_settings
from tests.support.booking import group_session, student
from tests.support.browser import Browser
from tests.support.databases import (
    ScratchDatabase,
    ServerUnreachable,
    create_database,
    drop_database,
)
from tests.support.emulator import TEST_CLIENT_ID, TEST_CLIENT_SECRET, EmulatorServer
from tutorcal.bookings.models import Booking
from tutorcal.config import Settings
from tutorcal.schema import migrate

LOCK_WAIT_MS = 300


def _short_wait_url(database: ScratchDatabase) -> str:
    if database.backend == "sqlite":
        return f"{database.url}?busy_timeout={LOCK_WAIT_MS}"
    if database.backend == "mysql":
        # Whole seconds only; the server's default is 50.
        return f"{database.url}?init_command={quote('SET innodb_lock_wait_timeout=1')}"
    return database.url


@pytest.fixture(scope="module")
def short_wait_database(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ScratchDatabase]:
    try:
        fresh = create_database(backend, tmp_path_factory.mktemp("busy"))
    except ServerUnreachable as exc:
        _skip_or_fail(str(exc))
    if backend == "postgres":
        asyncio.run(_postgres_lock_timeout(fresh))
    url = _short_wait_url(fresh)
    asyncio.run(migrate(make_settings(database_url=url)))
    yield ScratchDatabase(backend, url, fresh.name)
    drop_database(fresh)


async def _postgres_lock_timeout(database: ScratchDatabase) -> None:
    connection = await asyncpg.connect(database.url)
    try:
        await connection.execute(
            f"ALTER DATABASE \"{database.name}\" SET lock_timeout = '{LOCK_WAIT_MS}ms'"
        )
    finally:
        await connection.close()


@pytest.fixture
def settings(short_wait_database: ScratchDatabase, emulator: EmulatorServer) -> Settings:
    return make_settings(
        database_url=short_wait_database.url,
        google_discovery_url=emulator.discovery_url,
        google_calendar_api_url=emulator.calendar_url,
        google_client_id=TEST_CLIENT_ID,
        google_client_secret=TEST_CLIENT_SECRET,
        admin_emails=TEST_ADMIN,
        tutor_emails=TEST_TUTOR,
    )


@asynccontextmanager
async def lock_held_on_session(database: ScratchDatabase, session_id: str) -> AsyncIterator[None]:
    """Another client's transaction holding what a seat booking must lock: the session row
    (PostgreSQL, MySQL), or SQLite's one write lock."""
    if database.backend == "sqlite":
        path = urlsplit(database.url.replace("sqlite://", "file://", 1)).path
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
    elif database.backend == "postgres":
        connection = await asyncpg.connect(database.url)
        try:
            async with connection.transaction():
                await connection.execute(
                    "SELECT 1 FROM tutoring_sessions WHERE id = $1 FOR UPDATE",
                    uuid.UUID(session_id),
                )
                yield
        finally:
            await connection.close()
    else:
        parts = urlsplit(database.url)
        connection = await asyncmy.connect(
            host=parts.hostname,
            port=parts.port or 3306,
            user=parts.username or "root",
            password=parts.password or "",
            database=parts.path.lstrip("/"),
        )
        try:
            async with connection.cursor() as cursor:
                await cursor.execute("BEGIN")
                await cursor.execute(
                    "SELECT 1 FROM tutoring_sessions WHERE id = %s FOR UPDATE", [session_id]
                )
                yield
                await cursor.execute("ROLLBACK")
        finally:
            connection.close()


async def test_a_booking_that_waits_too_long_for_a_lock_is_503_database_busy_with_retry_after(
    app: FastAPI,
    browser: Browser,
    other_browser: Browser,
    emulator: EmulatorServer,
    short_wait_database: ScratchDatabase,
) -> None:
    group = await group_session(app, browser, emulator)
    sam = await student(other_browser, emulator, "sam@school.example")

    async with lock_held_on_session(short_wait_database, group.session_id):
        response = await sam.app.post(
            "/api/v1/bookings", json={"session_id": group.session_id}, headers=sam.csrf
        )

    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "database_busy"
    assert int(response.headers["retry-after"]) > 0
    assert await Booking.all().count() == 0
    # Once the other transaction is gone, the same request books.
    again = await sam.app.post(
        "/api/v1/bookings", json={"session_id": group.session_id}, headers=sam.csrf
    )
    assert again.status_code == 201, again.text
