"""Fixtures for the security sweep: more browsers (each a person with their own cookies), and
apps with settings of their own."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import httpx2
import pytest
from fastapi import FastAPI

from tests.conftest import APP_URL
from tests.support.booking import student
from tests.support.browser import Browser
from tests.support.cleanup import empty_tables
from tests.support.emulator import EmulatorServer
from tutorcal.config import Settings
from tutorcal.main import create_app

NewStudent = Callable[[str], Awaitable[Browser]]


def client_for(app: FastAPI, address: str = "127.0.0.1") -> httpx2.AsyncClient:
    """An in-process client whose requests come from ``address``."""
    transport = httpx2.ASGITransport(app=app, client=(address, 50000))
    return httpx2.AsyncClient(transport=transport, base_url=APP_URL)


@asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[FastAPI]:
    """Another app than the ``app`` fixture's, with its own settings; tables emptied after."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        try:
            yield app
        finally:
            await app.state.runtime.calendar.background.wait_idle()
            await empty_tables()


NewBrowser = Callable[[], Browser]


@pytest.fixture
async def new_browser(app: FastAPI, emulator: EmulatorServer) -> AsyncIterator[NewBrowser]:
    """``new_browser()``: one more person's browser, signed in to nothing yet."""
    clients: list[httpx2.AsyncClient] = []

    def make() -> Browser:
        http = client_for(app)
        clients.append(http)
        return Browser(http, emulator, app)

    yield make
    for http in clients:
        await http.aclose()


@pytest.fixture
def new_student(new_browser: NewBrowser, emulator: EmulatorServer) -> NewStudent:
    """``await new_student(email)``: a signed-in student in a browser of their own."""

    async def make(email: str) -> Browser:
        return await student(new_browser(), emulator, email)

    return make
