"""Fixtures shared by the whole suite.

Every database-dependent test runs once per backend: SQLite always, PostgreSQL and MariaDB
when their servers answer. With CI=true an unreachable server fails the run; elsewhere its
tests are skipped with a message saying how to enable them.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx2
import pytest
from cryptography.fernet import Fernet
from fastapi import FastAPI
from tortoise.backends.base.executor import EXECUTOR_CACHE

from tests.support.browser import Browser
from tests.support.cleanup import empty_tables
from tests.support.clock import ManualClock
from tests.support.databases import (
    ScratchDatabase,
    ServerUnreachable,
    create_database,
    drop_database,
    selected_backends,
)
from tests.support.emulator import TEST_CLIENT_ID, TEST_CLIENT_SECRET, EmulatorServer
from tutorcal.config import Settings, load_settings
from tutorcal.main import create_app
from tutorcal.schema import migrate

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# Settings for tests never read the developer's .env or environment.
BASE_SETTINGS: dict[str, object] = {
    "_env_file": None,
    "tutorcal_demo": False,
    "google_client_id": "test-client.apps.googleusercontent.com",
    "google_client_secret": "test-secret",
    "token_encryption_keys": Fernet.generate_key().decode(),
    "public_base_url": "http://127.0.0.1:8000",
    "internal_task_token": "test-internal-task-token",
    # Google's backoff starts at a second; tests cannot wait that long for each retry.
    "google_retry_base_seconds": 0.01,
    "google_retry_total_seconds": 5,
    "sync_coalesce_seconds": 0.05,
}


def make_settings(**overrides: object) -> Settings:
    return load_settings(**{**BASE_SETTINGS, **overrides})


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        backends = selected_backends()
        if metafunc.definition.get_closest_marker("postgres_only") is not None:
            backends = [name for name in backends if name == "postgres"]
        restricted = metafunc.definition.get_closest_marker("backends")
        if restricted is not None:
            backends = [name for name in backends if name in restricted.args]
        metafunc.parametrize("backend", backends, scope="session")


@pytest.fixture(autouse=True)
def _forget_compiled_queries() -> Iterator[None]:
    """Tortoise caches compiled SQL per process keyed by connection name and table, not by
    dialect; a production process has one database, but this suite switches between three."""
    EXECUTOR_CACHE.clear()
    yield
    EXECUTOR_CACHE.clear()


@pytest.fixture(scope="session")
def _databases(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, ScratchDatabase | str]]:
    """One fresh, migrated database per backend for the whole run, created on first use."""
    created: dict[str, ScratchDatabase | str] = {}
    created["_dir"] = str(tmp_path_factory.mktemp("databases"))
    yield created
    for database in created.values():
        if isinstance(database, ScratchDatabase):
            drop_database(database)


@pytest.fixture(scope="session")
def database(backend: str, _databases: dict[str, ScratchDatabase | str]) -> ScratchDatabase:
    existing = _databases.get(backend)
    if isinstance(existing, ScratchDatabase):
        return existing
    if isinstance(existing, str):
        _skip_or_fail(existing)
    try:
        created = create_database(backend, Path(str(_databases["_dir"])))
    except ServerUnreachable as exc:
        _databases[backend] = str(exc)
        _skip_or_fail(str(exc))
    asyncio.run(migrate(make_settings(database_url=created.url)))
    _databases[backend] = created
    return created


def _skip_or_fail(reason: str) -> None:
    message = (
        f"database server unreachable: {reason}. Start it, or choose backends with "
        "TUTORCAL_TEST_DATABASES=sqlite (CI=true makes this a failure)"
    )
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


APP_URL = "http://127.0.0.1:8000"
TEST_ADMIN = "ada.admin@school.example"
TEST_TUTOR = "tom.tutor@school.example"


@pytest.fixture(scope="session")
def _emulator_server() -> Iterator[EmulatorServer]:
    server = EmulatorServer()
    yield server
    server.stop()


@pytest.fixture
def emulator(_emulator_server: EmulatorServer) -> EmulatorServer:
    """Google, fresh for each test: no users but the ones the test adds."""
    _emulator_server.reset(f"{APP_URL}/api/v1/auth/google/callback")
    return _emulator_server


@pytest.fixture
def settings(database: ScratchDatabase, emulator: EmulatorServer) -> Settings:
    return make_settings(
        database_url=database.url,
        google_discovery_url=emulator.discovery_url,
        google_calendar_api_url=emulator.calendar_url,
        google_client_id=TEST_CLIENT_ID,
        google_client_secret=TEST_CLIENT_SECRET,
        admin_emails=TEST_ADMIN,
        tutor_emails=TEST_TUTOR,
    )


@pytest.fixture
def clock() -> ManualClock:
    """What the app's rules take for now: real time until the test moves it."""
    return ManualClock()


@pytest.fixture
async def app(settings: Settings, clock: ManualClock) -> AsyncIterator[FastAPI]:
    """The real app with its lifespan; tables are emptied afterwards."""
    application = create_app(settings, clock=clock)
    async with application.router.lifespan_context(application):
        yield application
        # Background syncs still running would race the clean-up below.
        await application.state.runtime.calendar.background.wait_idle()
        await empty_tables()


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx2.AsyncClient]:
    transport = httpx2.ASGITransport(app=app)
    async with httpx2.AsyncClient(transport=transport, base_url=APP_URL) as http:
        yield http


@pytest.fixture
def browser(app: FastAPI, client: httpx2.AsyncClient, emulator: EmulatorServer) -> Browser:
    return Browser(client, emulator, app)


@pytest.fixture
async def other_browser(app: FastAPI, emulator: EmulatorServer) -> AsyncIterator[Browser]:
    """A second person's browser, with its own cookies."""
    transport = httpx2.ASGITransport(app=app)
    async with httpx2.AsyncClient(transport=transport, base_url=APP_URL) as http:
        yield Browser(http, emulator, app)
