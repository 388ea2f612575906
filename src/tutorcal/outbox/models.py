"""Google writes recorded in the booking's transaction and carried out after commit."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields

from tutorcal.core.models import TimestampedModel

if TYPE_CHECKING:
    from tutorcal.bookings.models import Booking


class OutboxStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


class OutboxJob(TimestampedModel):
    # Foreign-key id columns, declared for the type checker (Tortoise adds them).
    booking_id: uuid.UUID | None

    booking: fields.ForeignKeyNullableRelation[Booking] = fields.ForeignKeyField(
        "models.Booking", related_name="outbox_jobs", null=True, on_delete=fields.CASCADE
    )
    operation = fields.CharField(max_length=64)
    payload: dict[str, Any] = fields.JSONField(default=dict)
    status = fields.CharEnumField(OutboxStatus, max_length=16, default=OutboxStatus.PENDING)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    # A claim expires, so a worker killed mid-job never strands it.
    claimed_until = fields.DatetimeField(null=True)
    last_error = fields.TextField(null=True)
    completed_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "outbox_jobs"
        indexes = (("status", "next_attempt_at"),)


class TaskRun(TimestampedModel):
    """One run of a periodic task, keyed by Cloud Scheduler's schedule time: it is at-least-once."""

    task = fields.CharField(max_length=64)
    scheduled_for = fields.CharField(max_length=64)
    result: dict[str, Any] | None = fields.JSONField(null=True)

    class Meta:
        table = "task_runs"
        unique_together = (("task", "scheduled_for"),)
