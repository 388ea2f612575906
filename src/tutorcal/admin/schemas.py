"""Shapes of the admin endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from tutorcal.core.schemas import RequestModel, ResponseModel
from tutorcal.google.grants import CalendarStatus

# The API speaks the models' enums; re-exported so that the router takes them from here.
from tutorcal.outbox.models import OutboxStatus as OutboxStatus
from tutorcal.users.models import Role as Role


class AdminUserRead(ResponseModel):
    id: str
    email: str
    name: str
    roles: list[Role]
    calendar_status: CalendarStatus
    created_at: datetime


class RolesUpdate(RequestModel):
    roles: list[Role] = Field(
        description="`student` is implied; give `tutor` and/or `admin`.", max_length=3
    )


class ActorRef(ResponseModel):
    id: str
    name: str
    email: str


class AuditEntryRead(ResponseModel):
    id: str
    at: datetime
    actor_id: str | None
    actor: ActorRef | None = Field(
        description="Who did it; null for the system itself (sync, worker) or a deleted user."
    )
    action: str
    subject_type: str
    subject_id: str
    detail: dict[str, Any]


class OutboxItemRead(ResponseModel):
    """A Google write recorded with a booking: still to do (``pending``) or refused for good
    (``failed``)."""

    id: str
    booking_id: str | None
    kind: str = Field(
        description="What the write does: `reconcile` makes the tutor's Google event match "
        "the booking (the student invited, moved or removed)."
    )
    status: OutboxStatus
    attempts: int
    last_error: str | None
    created_at: datetime
    updated_at: datetime
    next_attempt_at: datetime = Field(description="When a pending write runs next.")


class AuditActionRead(ResponseModel):
    action: str
    description: str
