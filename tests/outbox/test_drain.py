"""One drain round clears a backlog larger than a batch, and still ends."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from fastapi import FastAPI

from tutorcal.core.time import utcnow
from tutorcal.outbox import service as outbox
from tutorcal.outbox.models import OutboxJob, OutboxStatus


async def _jobs(count: int) -> list[OutboxJob]:
    return [
        await OutboxJob.create(booking_id=None, operation="reconcile", next_attempt_at=utcnow())
        for _ in range(count)
    ]


async def test_a_backlog_of_several_batches_is_carried_out_in_one_round(app: FastAPI) -> None:
    jobs = await _jobs(7)
    ran: list[uuid.UUID] = []

    async def handler(job: OutboxJob) -> None:
        ran.append(job.id)
        if len(ran) == 2:
            # Enqueued while the round runs (a booking made meanwhile): reached too.
            jobs.extend(await _jobs(1))

    result = await outbox.drain(handler, limit=3)
    assert result == outbox.DrainResult(done=8, retried=0, failed=0)
    assert ran == [job.id for job in jobs]
    assert await OutboxJob.filter(status=OutboxStatus.PENDING).count() == 0


async def test_a_round_passes_over_what_it_cannot_run_once_and_ends(app: FastAPI) -> None:
    # Jobs of one booking run in order (these have none, so they count as one): the first
    # fails and waits for its retry, and the rest wait behind it. Read once, not in a loop.
    await _jobs(5)
    calls = 0

    async def failing(job: OutboxJob) -> None:
        nonlocal calls
        calls += 1
        raise RuntimeError("Google is down")

    result = await outbox.drain(failing, limit=2)
    assert result == outbox.DrainResult(done=0, retried=1, failed=0)
    assert calls == 1
    # Google is back; another worker holds the newest job: the round neither waits for it
    # nor runs it.
    await OutboxJob.all().update(next_attempt_at=utcnow())
    held = await OutboxJob.all().order_by("-created_at", "-id").first()
    assert held is not None
    await OutboxJob.filter(id=held.id).update(claimed_until=utcnow() + timedelta(minutes=2))
    done = await outbox.drain(lambda job: asyncio.sleep(0), limit=2)
    assert done == outbox.DrainResult(done=4, retried=0, failed=0)
    assert (await OutboxJob.get(id=held.id)).status == OutboxStatus.PENDING


async def test_a_round_stops_taking_jobs_when_its_time_is_up(app: FastAPI) -> None:
    await _jobs(4)

    async def slow(job: OutboxJob) -> None:
        await asyncio.sleep(0.3)

    result = await outbox.drain(slow, limit=10, time_budget_seconds=0.5)
    assert 1 <= result.done <= 2
    # What is left waits for the next round, unclaimed.
    left = await OutboxJob.filter(status=OutboxStatus.PENDING)
    assert len(left) == 4 - result.done
    assert all(job.claimed_until is None for job in left)
