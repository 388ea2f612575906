"""The transactional outbox: Google writes recorded with the booking, carried out after commit.

A job is claimed by one worker at a time with a compare-and-swap on ``claimed_until`` (works
alike on every database; a claim expires, so a killed worker strands nothing). Failures are
retried with exponential backoff and jitter; after MAX_ATTEMPTS, or at once for an error
retrying cannot fix, the job is ``failed``, audited, and visible to admins.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import NamedTuple

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q

from tutorcal.audit import service as audit
from tutorcal.core.metrics import OUTBOX_PENDING
from tutorcal.core.time import SYSTEM_CLOCK, Clock
from tutorcal.outbox.errors import OutboxJobNotFailed, OutboxJobNotFound
from tutorcal.outbox.models import OutboxJob, OutboxStatus, TaskRun

logger = logging.getLogger("tutorcal.outbox")

MAX_ATTEMPTS = 8


class RetryPolicy(NamedTuple):
    """How long a claim holds and how retries back off (settings ``OUTBOX_*``), by ``clock``."""

    # A claim outlives any one Google write with its retries; a killed worker's claim lapses.
    claim: timedelta = timedelta(minutes=2)
    retry_base_seconds: float = 5.0
    retry_cap_seconds: float = 3600.0
    max_attempts: int = MAX_ATTEMPTS
    clock: Clock = SYSTEM_CLOCK


DEFAULT_POLICY = RetryPolicy()


class PermanentFailure(Exception):
    """Retrying will not help (Google refused for good); the job is failed at once."""


class Deferred(Exception):
    """The job cannot run until something outside changes (a tutor reconnecting Google).

    It waits without using up its attempts, for the retry cap or until ``make_due`` calls it
    back: a tutor away from Google for a week still gets every write once they return.
    """


JobHandler = Callable[[OutboxJob], Awaitable[None]]


class DrainResult(NamedTuple):
    done: int
    retried: int
    failed: int

    def as_dict(self) -> dict[str, int]:
        return {"done": self.done, "retried": self.retried, "failed": self.failed}


async def enqueue(booking_id: uuid.UUID, now: datetime, operation: str = "reconcile") -> OutboxJob:
    """Call inside the booking's transaction, so the job exists exactly when the booking does;
    it is due from ``now``."""
    return await OutboxJob.create(booking_id=booking_id, operation=operation, next_attempt_at=now)


async def _claim(
    job_id: uuid.UUID, policy: RetryPolicy, fresh: OutboxJob | None = None
) -> OutboxJob | None:
    now = policy.clock.now()
    claimed = await OutboxJob.filter(
        Q(id=job_id, status=OutboxStatus.PENDING, next_attempt_at__lte=now)
        & (Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
    ).update(claimed_until=now + policy.claim)
    if claimed != 1:
        return None
    if fresh is not None:
        # Enqueued with a new booking, so nothing of that booking is ahead of it, and what a
        # job is never changes; its attempts are counted in the database (F below).
        return fresh
    job = await OutboxJob.get(id=job_id)
    # Jobs of one booking run in order: an earlier one still open goes first.
    earlier = await OutboxJob.filter(
        booking_id=job.booking_id, status=OutboxStatus.PENDING, created_at__lt=job.created_at
    ).exists()
    if earlier:
        await OutboxJob.filter(id=job_id).update(claimed_until=None)
        return None
    return job


async def run_job(
    job_id: uuid.UUID,
    handler: JobHandler,
    on_failed: JobHandler | None = None,
    *,
    policy: RetryPolicy = DEFAULT_POLICY,
    fresh: OutboxJob | None = None,
) -> OutboxStatus | None:
    """Run one job if it is due and nobody else has it; returns its new status, or None.

    ``fresh``: this job as ``enqueue`` returned it with a booking created in the same request,
    which saves reading it back and looking for earlier jobs of its booking.
    """
    job = await _claim(job_id, policy, fresh)
    if job is None:
        return None
    try:
        await handler(job)
    except PermanentFailure as exc:
        await _fail(job, str(exc), policy.clock)
        status: OutboxStatus = OutboxStatus.FAILED
    except Deferred as exc:
        await _defer(job, exc, policy)
        status = OutboxStatus.PENDING
    except Exception as exc:  # anything else may be passing: Google down, a revoked grant, …
        status = await _retry_or_fail(job, exc, policy)
    else:
        status = OutboxStatus.DONE
    if status == OutboxStatus.FAILED:
        if on_failed is not None:
            await on_failed(job)
        return status
    if status == OutboxStatus.PENDING:
        return status
    await OutboxJob.filter(id=job.id).update(
        status=OutboxStatus.DONE,
        completed_at=policy.clock.now(),
        claimed_until=None,
        attempts=F("attempts") + 1,
        last_error=None,
    )
    return OutboxStatus.DONE


async def _retry_or_fail(job: OutboxJob, error: Exception, policy: RetryPolicy) -> OutboxStatus:
    attempts = job.attempts + 1
    if attempts >= policy.max_attempts:
        await _fail(job, f"{type(error).__name__}: {error}", policy.clock)
        return OutboxStatus.FAILED
    backoff = min(policy.retry_cap_seconds, policy.retry_base_seconds * 2**attempts)
    delay = backoff * random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not security
    logger.warning(
        "outbox job %s failed (attempt %s), retrying in %.0f s: %s", job.id, attempts, delay, error
    )
    await OutboxJob.filter(id=job.id).update(
        attempts=attempts,
        next_attempt_at=policy.clock.now() + timedelta(seconds=delay),
        claimed_until=None,
        last_error=f"{type(error).__name__}: {error}"[:1000],
    )
    return OutboxStatus.PENDING


async def _defer(job: OutboxJob, reason: Deferred, policy: RetryPolicy) -> None:
    logger.info("outbox job %s waits: %s", job.id, reason)
    await OutboxJob.filter(id=job.id).update(
        next_attempt_at=policy.clock.now() + timedelta(seconds=policy.retry_cap_seconds),
        claimed_until=None,
        last_error=f"waiting: {reason}"[:1000],
    )


async def make_due(job_ids: list[uuid.UUID], now: datetime) -> int:
    """Pending jobs among these run at the next drain, however long they were set to wait."""
    if not job_ids:
        return 0
    return await OutboxJob.filter(id__in=job_ids, status=OutboxStatus.PENDING).update(
        next_attempt_at=now
    )


async def retry_failed(job_id: uuid.UUID, now: datetime) -> OutboxJob:
    """A failed job is due again, with a fresh budget of attempts (its last error kept until
    the next run). OutboxJobNotFound, or OutboxJobNotFailed when it is pending or done; two
    admins retrying at once make it due once."""
    retried = await OutboxJob.filter(id=job_id, status=OutboxStatus.FAILED).update(
        status=OutboxStatus.PENDING,
        attempts=0,
        next_attempt_at=now,
        claimed_until=None,
        completed_at=None,
    )
    job = await OutboxJob.get_or_none(id=job_id)
    if job is None:
        raise OutboxJobNotFound()
    if not retried:
        raise OutboxJobNotFailed(f"This write is {job.status.value}, not failed.")
    return job


async def _fail(job: OutboxJob, error: str, clock: Clock) -> None:
    await OutboxJob.filter(id=job.id).update(
        status=OutboxStatus.FAILED,
        claimed_until=None,
        attempts=job.attempts + 1,
        last_error=error[:1000],
        completed_at=clock.now(),
    )
    await audit.record(
        "outbox_failure",
        subject_type="booking",
        subject_id=str(job.booking_id),
        detail={"job_id": str(job.id), "operation": job.operation, "error": error[:300]},
    )


# A round drains until nothing is due, so a backlog after a rush clears in one round; but
# stops taking new jobs after this long, well before the next round (a minute later) and
# before Cloud Run's request timeout.
DRAIN_SECONDS = 45.0


async def drain(
    handler: JobHandler,
    *,
    limit: int = 100,
    on_failed: JobHandler | None = None,
    policy: RetryPolicy = DEFAULT_POLICY,
    time_budget_seconds: float = DRAIN_SECONDS,
) -> DrainResult:
    """Run every due job, ``limit`` at a time, until none is left or the time is up; safe on
    several workers at once.

    The batches walk forward by (created_at, id), so a job passed over (another worker has it,
    or an earlier job of its booking is still open) is not read again in this round, and jobs
    enqueued meanwhile are reached.
    """
    deadline = time.monotonic() + time_budget_seconds
    done = retried = failed = 0
    after: tuple[datetime, uuid.UUID] | None = None
    while time.monotonic() < deadline:
        now = policy.clock.now()
        query = OutboxJob.filter(
            Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
            & (Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        )
        if after is not None:
            query = query.filter(
                Q(created_at__gt=after[0]) | Q(created_at=after[0], id__gt=after[1])
            )
        due = await query.order_by("created_at", "id").limit(limit).values_list("id", "created_at")
        for job_id, created_at in due:
            if time.monotonic() >= deadline:
                break
            after = (created_at, uuid.UUID(str(job_id)))
            status = await run_job(uuid.UUID(str(job_id)), handler, on_failed, policy=policy)
            if status == OutboxStatus.DONE:
                done += 1
            elif status == OutboxStatus.PENDING:
                retried += 1
            elif status == OutboxStatus.FAILED:
                failed += 1
        if len(due) < limit:
            break
    OUTBOX_PENDING.set(await OutboxJob.filter(status=OutboxStatus.PENDING).count())
    return DrainResult(done, retried, failed)


# Cloud Scheduler redelivers within its retry window, minutes after the schedule time; a
# week of de-duplication records is far more than it needs.
TASK_RUNS_KEPT_FOR = timedelta(days=7)


async def claim_task_run(task: str, scheduled_for: str) -> bool:
    """True for the first delivery of this scheduled run; a repeated one finds the record."""
    try:
        await TaskRun.create(task=task, scheduled_for=scheduled_for)
    except IntegrityError:
        return False
    return True


async def forget_task_runs(now: datetime) -> int:
    """Drop the de-duplication records of scheduled task runs older than TASK_RUNS_KEPT_FOR."""
    return await TaskRun.filter(created_at__lt=now - TASK_RUNS_KEPT_FOR).delete()
