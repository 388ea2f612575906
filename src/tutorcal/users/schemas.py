"""Shapes of /me and API tokens."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field, field_validator

from tutorcal.core.schemas import RequestModel, ResponseModel
from tutorcal.core.time import is_valid_timezone
from tutorcal.google.grants import CalendarStatus
from tutorcal.users.models import Role


class MeRead(ResponseModel):
    id: str
    email: str
    name: str
    picture_url: str | None
    roles: list[Role]
    timezone: str
    calendar_connected: bool
    calendar_status: CalendarStatus
    granted_scopes: list[str]


class MeUpdate(RequestModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    timezone: str | None = Field(
        default=None, max_length=64, description="IANA zone, e.g. Europe/London"
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None and not is_valid_timezone(value):
            raise ValueError("unknown time zone; use an IANA name such as Europe/London")
        return value


class ApiTokenCreate(RequestModel):
    name: str = Field(min_length=1, max_length=100)


class ApiTokenRead(ResponseModel):
    id: str
    name: str
    created_at: datetime
    last_used_at: datetime | None


class ApiTokenCreated(ApiTokenRead):
    token: str = Field(description="Shown once. Send it as `Authorization: Bearer <token>`.")
