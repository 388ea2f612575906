"""One demo-seeded emulator on a loopback port for the whole run, reset before each test.

These tests need no database: they must not request the ``backend`` or ``database`` fixtures.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import httpx2
import pytest

from tests.support.clock import ManualClock
from tutorcal.emulator.app import create_emulator_app
from tutorcal.emulator.demo import demo_accounts, demo_client
from tutorcal.emulator.server import serving_in_background
from tutorcal.emulator.state import EmulatorState

from .calendar_flows import access_token, calendar_client
from .flows import CALLBACK, OTHER_CALLBACK, TARA


@dataclass
class Emulator:
    base_url: str
    http: httpx2.Client
    clock: ManualClock
    state: EmulatorState


@pytest.fixture(scope="session")
def _running_emulator() -> Iterator[tuple[str, ManualClock, EmulatorState]]:
    clock = ManualClock()
    state = EmulatorState(
        users=demo_accounts(), clients=[demo_client([CALLBACK, OTHER_CALLBACK])], clock=clock
    )
    with serving_in_background(create_emulator_app(state)) as base_url:
        yield base_url, clock, state


@pytest.fixture
def emulator(_running_emulator: tuple[str, ManualClock, EmulatorState]) -> Iterator[Emulator]:
    base_url, clock, state = _running_emulator
    clock.offset = timedelta(0)
    with httpx2.Client(base_url=base_url, timeout=5) as http:
        http.post("/_emulator/reset").raise_for_status()
        yield Emulator(base_url, http, clock, state)


@pytest.fixture
def tara_api(emulator: Emulator) -> Iterator[httpx2.Client]:
    """Tara's Calendar API client, with the scopes tutorcal asks for, through the code flow."""
    with calendar_client(emulator.base_url, access_token(emulator.http, TARA)) as api:
        yield api
