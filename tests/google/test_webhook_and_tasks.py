"""The push webhook's checks and the internal task endpoint's authentication."""

from __future__ import annotations

import httpx2
import pytest
from fastapi import FastAPI

from tests.support.browser import Browser
from tests.support.calendar import connect_tutor, runtime_of
from tests.support.emulator import EmulatorServer
from tests.support.oidc import scheduler_id_token
from tutorcal.config import Settings
from tutorcal.google.models import MirroredCalendar, WatchChannel


def notification(channel: WatchChannel, token: str, state: str = "exists") -> dict[str, str]:
    return {
        "X-Goog-Channel-ID": str(channel.id),
        "X-Goog-Channel-Token": token,
        "X-Goog-Resource-ID": channel.resource_id,
        "X-Goog-Resource-State": state,
    }


async def test_connecting_opens_a_push_channel_at_our_webhook(
    app: FastAPI, browser: Browser, emulator: EmulatorServer
) -> None:
    await connect_tutor(app, browser, emulator)
    channel = await WatchChannel.get()
    assert channel.stopped_at is None
    live = emulator.control("GET", "/channels")
    addresses = [c["address"] for c in (live if isinstance(live, list) else live["channels"])]
    assert addresses == ["http://127.0.0.1:8000/api/v1/webhooks/google/calendar"]


async def test_an_unknown_channel_is_404_and_a_wrong_token_403_and_neither_syncs(
    app: FastAPI, browser: Browser, emulator: EmulatorServer, client: httpx2.AsyncClient
) -> None:
    await connect_tutor(app, browser, emulator)
    channel = await WatchChannel.get()
    unknown = await client.post(
        "/api/v1/webhooks/google/calendar",
        headers={
            "X-Goog-Channel-ID": "00000000-0000-0000-0000-000000000000",
            "X-Goog-Channel-Token": "x",
            "X-Goog-Resource-State": "exists",
        },
    )
    assert unknown.status_code == 404
    forged = await client.post(
        "/api/v1/webhooks/google/calendar", headers=notification(channel, "guessed")
    )
    assert forged.status_code == 403
    assert (await MirroredCalendar.get()).sync_requested_at is None


async def test_a_disconnect_stops_the_channels(
    app: FastAPI, browser: Browser, emulator: EmulatorServer
) -> None:
    await connect_tutor(app, browser, emulator)
    assert (
        await browser.app.post("/api/v1/auth/google/disconnect-calendar", headers=browser.csrf)
    ).status_code == 204
    assert (await WatchChannel.get()).stopped_at is not None
    live = emulator.control("GET", "/channels")
    assert (live if isinstance(live, list) else live["channels"]) == []


async def test_internal_tasks_need_the_bearer_token(
    app: FastAPI, settings: Settings, client: httpx2.AsyncClient
) -> None:
    assert (await client.post("/api/v1/internal/tasks/sync")).status_code == 401
    wrong = await client.post(
        "/api/v1/internal/tasks/sync", headers={"Authorization": "Bearer nope"}
    )
    assert wrong.status_code == 401
    assert (
        await client.post(
            "/api/v1/internal/tasks/explode", headers={"Authorization": "Bearer nope"}
        )
    ).status_code in {401, 422}


async def test_internal_tasks_run_with_the_token_and_skip_a_repeated_schedule(
    app: FastAPI, browser: Browser, emulator: EmulatorServer, client: httpx2.AsyncClient
) -> None:
    await connect_tutor(app, browser, emulator)
    token = runtime_of(app).settings.internal_task_token
    assert token is not None
    headers = {
        "Authorization": f"Bearer {token.get_secret_value()}",
        "X-CloudScheduler-ScheduleTime": "2026-11-26T13:00:00Z",
    }
    first = await client.post("/api/v1/internal/tasks/sync", headers=headers)
    assert first.status_code == 200
    assert first.json()["task"] == "sync"
    assert first.json()["duplicate"] is False
    repeat = await client.post("/api/v1/internal/tasks/sync", headers=headers)
    assert repeat.json()["duplicate"] is True
    renew = await client.post(
        "/api/v1/internal/tasks/renew-channels", headers={"Authorization": headers["Authorization"]}
    )
    assert renew.status_code == 200
    assert renew.json()["result"] == {"renewed": 0, "failed": 0}
    drained = await client.post(
        "/api/v1/internal/tasks/drain-outbox", headers={"Authorization": headers["Authorization"]}
    )
    assert drained.status_code == 200
    assert drained.json()["result"] == {"done": 0, "retried": 0, "failed": 0}


async def test_metrics_count_google_calls_and_sync_lag(
    app: FastAPI, browser: Browser, emulator: EmulatorServer, client: httpx2.AsyncClient
) -> None:
    await connect_tutor(app, browser, emulator)
    await runtime_of(app).calendar.sync_stale()
    await runtime_of(app).calendar.renew_channels()
    text = (await client.get("/metrics")).text
    assert 'tutorcal_google_calls_total{method="events.list",outcome="ok"}' in text
    assert 'tutorcal_google_calls_total{method="events.watch",outcome="ok"}' in text
    # One series for the service, none per calendar: ids neither pile up nor show.
    lag = [line for line in text.splitlines() if line.startswith("tutorcal_sync_lag_seconds")]
    assert len(lag) == 1
    assert lag[0].split()[0] == "tutorcal_sync_lag_seconds"
    assert 0 <= float(lag[0].split()[1]) < 60
    assert "tutorcal_channels_expiring_soon 0.0" in text


@pytest.fixture
def settings(settings: Settings) -> Settings:
    from tests.support.emulator import TEST_CLIENT_ID

    return settings.model_copy(
        update={
            "internal_task_oidc_audience": TEST_CLIENT_ID,
            "internal_task_service_account": "scheduler@school.example",
        }
    )


async def test_internal_tasks_accept_cloud_schedulers_oidc_token_from_the_right_account_only(
    app: FastAPI, emulator: EmulatorServer, client: httpx2.AsyncClient
) -> None:
    good = scheduler_id_token(emulator, "scheduler@school.example")
    accepted = await client.post(
        "/api/v1/internal/tasks/sync", headers={"Authorization": f"Bearer {good}"}
    )
    assert accepted.status_code == 200
    intruder = scheduler_id_token(emulator, "intruder@school.example")
    refused = await client.post(
        "/api/v1/internal/tasks/sync", headers={"Authorization": f"Bearer {intruder}"}
    )
    assert refused.status_code == 401
