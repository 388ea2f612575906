"""The periodic tasks: each one callable by Cloud Scheduler, each one run by ``tutorcal worker``."""

from __future__ import annotations

from datetime import timedelta
from typing import get_args

import httpx2
from fastapi import FastAPI

from tests.support.calendar import runtime_of
from tutorcal.bookings.models import IdempotencyRecord
from tutorcal.core.time import utcnow
from tutorcal.operations.tasks import PERIODIC_TASKS, TaskName
from tutorcal.outbox.models import TaskRun
from tutorcal.users.models import User
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
    app: FastAPI, client: httpx2.AsyncClient
) -> None:
    user = await User.create(google_sub="sub-purge", email="pat@school.example")
    now = utcnow()
    for key, expires_at in (
        ("old", now - timedelta(minutes=1)),
        ("live", now + timedelta(hours=1)),
    ):
        await IdempotencyRecord.create(user=user, key=key, fingerprint="f", expires_at=expires_at)
    stale = await TaskRun.create(task="sync", scheduled_for="2026-01-01T00:00:00Z")
    await TaskRun.filter(id=stale.id).update(created_at=now - timedelta(days=8))
    await TaskRun.create(task="sync", scheduled_for="2026-01-08T00:10:00Z")

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
