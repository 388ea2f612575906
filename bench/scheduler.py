"""Cloud Scheduler as deployed, for a bench: tutorcal's periodic tasks on their cron schedules.

The schedules are tutorcal's own list (``tutorcal.operations.tasks.PERIODIC_TASKS``, which
docs/deploy.md turns into the Cloud Scheduler jobs): each task, on each wall-clock minute its
cron names, is a ``POST /api/v1/internal/tasks/{task}`` with the bearer token and
``X-CloudScheduler-ScheduleTime``, to the next instance in turn (Cloud Run's front end picks
one), whether or not the last run is over. Only the minute field is read: every deployed
schedule is "every hour", the hour, day and month fields all ``*``.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx2

from bench.staging import BenchError, Server

ATTEMPT_DEADLINE_SECONDS = 300.0  # --attempt-deadline of the jobs in docs/deploy.md


@dataclass
class TaskRun:
    task: str
    at_s: float  # after the bench's zero
    instance: int
    status: str  # the HTTP status, or the transport error's name
    seconds: float
    result: dict[str, Any]


def minute_matches(cron: str, minute: int) -> bool:
    """Whether a five-field cron whose other fields are ``*`` fires at this minute of the hour."""
    field, *rest = cron.split()
    if rest != ["*"] * 4:
        raise BenchError(f"schedule {cron!r}: only the minute field is understood")
    if field == "*":
        return True
    if field.startswith("*/"):
        return minute % int(field[2:]) == 0
    return minute == int(field)


def due_at(minute: int) -> list[str]:
    """The tasks Cloud Scheduler starts at this minute since the epoch (UTC)."""
    from tutorcal.operations.tasks import PERIODIC_TASKS

    return [task.name for task in PERIODIC_TASKS if minute_matches(task.schedule, minute % 60)]


class Scheduler:
    """Runs the schedule against ``apps`` from ``start()`` until ``stop()``; ``runs`` lists
    every task run, its time after ``zero`` (a ``time.time()``)."""

    def __init__(self, apps: Sequence[Server], token: str, zero: float) -> None:
        self.apps, self.token, self.zero = list(apps), token, zero
        self.runs: list[TaskRun] = []
        self._stop = asyncio.Event()
        self._loop: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._loop = asyncio.create_task(self._run())

    async def stop(self) -> None:
        """No new run; returns when the runs in flight are over."""
        self._stop.set()
        if self._loop is not None:
            await self._loop

    async def _run(self) -> None:
        started: list[asyncio.Task[None]] = []
        turn = 0
        async with httpx2.AsyncClient(timeout=ATTEMPT_DEADLINE_SECONDS) as http:
            while not self._stop.is_set():
                now = time.time()
                minute = math.floor(now / 60) + 1
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), minute * 60 - now)
                    break
                for task in due_at(minute):
                    index = turn % len(self.apps)
                    turn += 1
                    started.append(asyncio.create_task(self._call(http, index, task, minute * 60)))
            await asyncio.gather(*started)

    async def _call(self, http: httpx2.AsyncClient, index: int, task: str, at: float) -> None:
        headers = {
            "Authorization": f"Bearer {self.token}",
            "X-CloudScheduler-ScheduleTime": datetime.fromtimestamp(at, UTC).isoformat(),
        }
        began = time.time()
        url = f"{self.apps[index].url}/api/v1/internal/tasks/{task}"
        try:
            response = await http.post(url, headers=headers)
            status, result = str(response.status_code), response.json().get("result", {})
        except httpx2.TransportError as exc:
            status, result = type(exc).__name__, {}
        self.runs.append(
            TaskRun(task, began - self.zero, index, status, time.time() - began, result)
        )
