"""After PUBLIC_BASE_URL changes (a custom domain), Google's pushes move to the new address."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from tests.conftest import BASE_SETTINGS
from tests.support.browser import Browser
from tests.support.calendar import connect_tutor
from tests.support.databases import ScratchDatabase
from tests.support.emulator import TEST_CLIENT_ID, TEST_CLIENT_SECRET, EmulatorServer
from tests.support.processes import run_tutorcal
from tutorcal.google.models import WatchChannel

NEW_ADDRESS = "https://tutoring.school.example"


def live_channel_addresses(emulator: EmulatorServer) -> list[str]:
    live = emulator.control("GET", "/channels")
    return sorted(c["address"] for c in (live if isinstance(live, list) else live["channels"]))


async def test_renew_channels_all_reopens_every_channel_at_the_new_address_and_stops_the_old(
    app: FastAPI,
    browser: Browser,
    emulator: EmulatorServer,
    database: ScratchDatabase,
    tmp_path: Path,
) -> None:
    await connect_tutor(app, browser, emulator)
    old = await WatchChannel.get(stopped_at__isnull=True)
    assert live_channel_addresses(emulator) == [
        "http://127.0.0.1:8000/api/v1/webhooks/google/calendar"
    ]

    env = {
        "DATABASE_URL": database.url,
        "TUTORCAL_DEMO": "false",
        "PUBLIC_BASE_URL": NEW_ADDRESS,
        "GOOGLE_CLIENT_ID": TEST_CLIENT_ID,
        "GOOGLE_CLIENT_SECRET": TEST_CLIENT_SECRET,
        "GOOGLE_DISCOVERY_URL": emulator.discovery_url,
        "GOOGLE_CALENDAR_API_URL": emulator.calendar_url,
        "TOKEN_ENCRYPTION_KEYS": str(BASE_SETTINGS["token_encryption_keys"]),
    }
    result = run_tutorcal("renew-channels", "--all", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "renewed 1 channel(s), 0 failed" in result.stdout

    assert live_channel_addresses(emulator) == [f"{NEW_ADDRESS}/api/v1/webhooks/google/calendar"]
    assert (await WatchChannel.get(id=old.id)).stopped_at is not None
    assert await WatchChannel.filter(stopped_at__isnull=True).count() == 1
