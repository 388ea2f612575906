"""Shapes of the admin endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from tutorcal.core.schemas import RequestModel, ResponseModel
from tutorcal.google.grants import CalendarStatus
from tutorcal.users.models import Role


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


class AuditEntryRead(ResponseModel):
    id: str
    at: datetime
    actor_id: str | None
    action: str
    subject_type: str
    subject_id: str
    detail: dict[str, Any]
