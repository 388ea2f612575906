"""The periodic tasks: each one callable by Cloud Scheduler, each one run by ``tutorcal worker``."""

from __future__ import annotations

from datetime import timedelta
from typing import get_args

import httpx2
from fastapi import FastAPI

from tests.conftest import TEST_TUTOR
from tests.support.browser import Browser
from tests.support.calendar import add_event, at, clock_of, connect_tutor, event_body, runtime_of
from tests.support.clock import ManualClock
from tests.support.emulator import EmulatorServer
from tests.support.factories import make_student
from tutorcal.bookings.models import IdempotencyRecord
from tutorcal.core.time import utcnow
from tutorcal.google.models import GoogleGrant, GrantStatus, MirroredCalendar, WatchChannel
from tutorcal.operations.tasks import PERIODIC_TASKS, TaskName
from tutorcal.outbox.models import TaskRun
from tutorcal.tutoring_sessions.models import TutoringSession
from tutorcal.worker import run_round


def bearer(app: FastAPI) -> dict[str, str]:
    token = runtime_of(app).settings.internal_task_token
    assert token is not None
    return {"Authorization": f"Bearer {token.get_secret_value()}"}


def test_every_task_name_has_exactly_one_task() -> None:
    names = [task.name for task in PERIODIC_TASKS]
    assert sorted(names) == sorted(get_args(TaskName))
    assert len(set(names)) == len(names)


async def test_cloud_scheduler_can_call_every_periodic_task(
    app: FastAPI, client: httpx2.AsyncClient
) -> None:
    for task in PERIODIC_TASKS:
        path = f"/api/v1/internal/tasks/{task.name}"
        assert (await client.post(path)).status_code == 401, task.name
        answer = await client.post(path, headers=bearer(app))
        assert answer.status_code == 200, (task.name, answer.text)
        assert answer.json()["task"] == task.name


async def test_a_worker_round_runs_exactly_the_periodic_tasks(app: FastAPI) -> None:
    result = await run_round(runtime_of(app))
    assert list(result) == [task.name for task in PERIODIC_TASKS]
    assert "failed" not in result.values()


async def test_the_purge_deletes_expired_idempotency_keys_and_old_task_runs_only(
    app: FastAPI, client: httpx2.AsyncClient, clock: ManualClock
) -> None:
    user = await make_student()
    for key, expires_at in (
        ("old", clock.now() + timedelta(minutes=1)),
        ("live", clock.now() + timedelta(hours=1)),
    ):
        await IdempotencyRecord.create(user=user, key=key, fingerprint="f", expires_at=expires_at)
    stale = await TaskRun.create(task="sync", scheduled_for="2026-01-01T00:00:00Z")
    # The database stamps a run's created_at itself, on wall time: aged here, not by the clock.
    await TaskRun.filter(id=stale.id).update(created_at=clock.now() - timedelta(days=8))
    await TaskRun.create(task="sync", scheduled_for="2026-01-08T00:10:00Z")
    clock.advance(timedelta(minutes=2))

    refused = await client.post("/api/v1/internal/tasks/purge-expired")
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"
    answer = await client.post("/api/v1/internal/tasks/purge-expired", headers=bearer(app))
    assert answer.status_code == 200
    assert answer.json() == {
        "task": "purge-expired",
        "duplicate": False,
        "result": {"idempotency_keys": 1, "task_runs": 1},
    }
    assert await IdempotencyRecord.filter(user=user).values_list("key", flat=True) == ["live"]
    assert await TaskRun.filter(scheduled_for="2026-01-08T00:10:00Z").exists()
    assert not await TaskRun.filter(id=stale.id).exists()


async def test_the_sync_task_mirrors_a_tutor_whose_first_connect_was_cut_short(
    app: FastAPI, browser: Browser, emulator: EmulatorServer, client: httpx2.AsyncClient
) -> None:
    tutor = await connect_tutor(app, browser, emulator)
    add_event(emulator, TEST_TUTOR, event_body("Tutoring: Algebra", at(2, 10)))
    # What an instance stopped right after the OAuth callback leaves: a live grant, no mirror.
    await WatchChannel.all().delete()
    await MirroredCalendar.filter(tutor=tutor).delete()

    # A connect that began a moment ago may still be running elsewhere: left alone.
    answer = await client.post("/api/v1/internal/tasks/sync", headers=bearer(app))
    assert answer.json()["result"]["connected"] == 0
    assert not await MirroredCalendar.filter(tutor=tutor).exists()

    clock = clock_of(app)
    clock.advance(timedelta(minutes=3))
    answer = await client.post("/api/v1/internal/tasks/sync", headers=bearer(app))
    assert answer.status_code == 200
    assert answer.json()["result"]["connected"] == 1
    calendar = await MirroredCalendar.get(tutor=tutor)
    assert calendar.last_synced_at is not None
    assert await TutoringSession.filter(calendar=calendar, title="Tutoring: Algebra").exists()
    assert await WatchChannel.filter(calendar=calendar, stopped_at__isnull=True).exists()

    again = await client.post("/api/v1/internal/tasks/sync", headers=bearer(app))
    assert again.json()["result"]["connected"] == 0


def sync_lag(metrics_text: str) -> float:
    line = next(row for row in metrics_text.splitlines() if row.startswith("tutorcal_sync_lag"))
    return float(line.split()[1])


async def test_the_sync_lag_counts_connected_tutors_only_so_a_revoked_grant_cannot_hold_an_alert(
    app: FastAPI, browser: Browser, emulator: EmulatorServer, client: httpx2.AsyncClient
) -> None:
    tutor = await connect_tutor(app, browser, emulator)
    two_hours_ago = utcnow() - timedelta(hours=2)
    await GoogleGrant.filter(user=tutor).update(status=GrantStatus.REVOKED)
    await MirroredCalendar.filter(tutor=tutor).update(last_synced_at=two_hours_ago)

    await client.post("/api/v1/internal/tasks/sync", headers=bearer(app))
    assert sync_lag((await client.get("/metrics")).text) < 60

    # Connected again, but Google fails: the lag is the two hours, and it shows.
    await GoogleGrant.filter(user=tutor).update(status=GrantStatus.ACTIVE)
    await MirroredCalendar.filter(tutor=tutor).update(last_synced_at=two_hours_ago)
    emulator.control("POST", "/faults", {"status": 500, "count": 100})
    try:
        await client.post("/api/v1/internal/tasks/sync", headers=bearer(app))
    finally:
        emulator.control("DELETE", "/faults")
    assert sync_lag((await client.get("/metrics")).text) >= 7200
