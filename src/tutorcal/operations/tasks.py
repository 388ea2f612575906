"""The periodic tasks: the one list that both Cloud Scheduler's jobs and ``tutorcal worker`` follow.

On Cloud Run each task is a Cloud Scheduler job calling ``POST /api/v1/internal/tasks/{name}``
on ``schedule`` (docs/deploy.md creates exactly these jobs, and tests/deploy compares them with
this list); on a plain Docker host ``tutorcal worker`` runs every task in each round. Every
task is safe on several instances at once and safe to run twice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Literal, NamedTuple

from tutorcal.bookings.google_sync import drain_booking_writes
from tutorcal.bookings.idempotency import purge_expired
from tutorcal.outbox.service import forget_task_runs
from tutorcal.runtime import Runtime

TaskName = Literal["drain-outbox", "sync", "renew-channels", "purge-expired"]


class PeriodicTask(NamedTuple):
    name: TaskName
    # Cron, in UTC: how often Cloud Scheduler calls it.
    schedule: str
    summary: str
    run: Callable[[Runtime], Awaitable[dict[str, int]]]


async def _drain_outbox(runtime: Runtime) -> dict[str, int]:
    return await drain_booking_writes(runtime.calendar, runtime.outbox_policy)


async def _sync(runtime: Runtime) -> dict[str, int]:
    return await runtime.calendar.sync_stale()


async def _renew_channels(runtime: Runtime) -> dict[str, int]:
    return await runtime.calendar.renew_channels()


async def _purge_expired(runtime: Runtime) -> dict[str, int]:
    now = runtime.clock.now()
    return {
        "idempotency_keys": await purge_expired(now),
        "task_runs": await forget_task_runs(now),
    }


PERIODIC_TASKS: tuple[PeriodicTask, ...] = (
    # A booking whose first Google write failed waits for this: every minute.
    PeriodicTask(
        "drain-outbox", "* * * * *", "carry out Google writes still pending", _drain_outbox
    ),
    # The safety net under push notifications (which Google does not guarantee), and what
    # picks up a tutor whose first connect was cut short.
    PeriodicTask("sync", "*/10 * * * *", "re-sync stale calendars", _sync),
    PeriodicTask(
        "renew-channels", "0 * * * *", "renew push channels that expire soon", _renew_channels
    ),
    PeriodicTask(
        "purge-expired",
        "30 * * * *",
        "delete expired Idempotency-Keys and old task-run records",
        _purge_expired,
    ),
)
TASKS_BY_NAME: dict[str, PeriodicTask] = {task.name: task for task in PERIODIC_TASKS}
