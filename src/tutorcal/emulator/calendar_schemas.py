"""Request and response shapes of the Calendar part of the control API (``/_emulator/...``)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tutorcal.emulator.calendar_models import Calendar
from tutorcal.emulator.push import Channel
from tutorcal.emulator.schemas import _email


def _zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"{value!r} is not an IANA time zone such as Europe/London") from exc
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class CalendarCreate(_Strict):
    owner: str
    id: str | None = Field(default=None, min_length=1, max_length=255)
    summary: str = Field(min_length=1, max_length=255)
    time_zone: str = Field(default="UTC", alias="timeZone")

    @field_validator("owner")
    @classmethod
    def _check_owner(cls, value: str) -> str:
        return _email(value)

    @field_validator("time_zone")
    @classmethod
    def _check_zone(cls, value: str) -> str:
        return _zone(value)


class CalendarSettings(_Strict):
    time_zone: str = Field(alias="timeZone")

    @field_validator("time_zone")
    @classmethod
    def _check_zone(cls, value: str) -> str:
        return _zone(value)


class CalendarRead(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    id: str
    owner: str
    summary: str
    time_zone: str = Field(alias="timeZone")
    primary: bool

    @classmethod
    def of(cls, calendar: Calendar) -> CalendarRead:
        return cls(
            id=calendar.id,
            owner=calendar.owner,
            summary=calendar.summary,
            time_zone=calendar.time_zone,
            primary=calendar.is_primary,
        )


class SyncTokensInvalidated(BaseModel):
    calendar_id: str
    invalidated: int


class FaultMatchBody(_Strict):
    method: str | None = None
    path_contains: str | None = None
    user: str | None = None


class FaultCreate(_Strict):
    count: int = Field(default=1, ge=1, le=10_000)
    status: int | None = Field(default=None, ge=400, le=599)
    reason: str | None = None
    latency_ms: int = Field(default=0, ge=0, le=60_000)
    drop_connection: bool = False
    after_apply: bool = Field(
        default=False,
        description="With drop_connection: carry the request out, then lose the answer.",
    )
    match: FaultMatchBody | None = None

    @model_validator(mode="after")
    def _does_something(self) -> FaultCreate:
        if self.status is None and not self.latency_ms and not self.drop_connection:
            raise ValueError("a fault needs a status, latency_ms or drop_connection")
        if self.status is not None and self.drop_connection:
            raise ValueError("a dropped connection has no status")
        if self.reason is not None and self.status is None:
            raise ValueError("reason goes with status")
        if self.after_apply and not self.drop_connection:
            raise ValueError("after_apply goes with drop_connection")
        return self


class FaultRead(BaseModel):
    id: int
    remaining: int
    status: int | None
    reason: str | None
    latency_ms: int
    drop_connection: bool
    after_apply: bool = False
    match: dict[str, Any]


class RateLimitSet(_Strict):
    per_minute: int = Field(ge=0, le=1_000_000)


class RateLimitRead(BaseModel):
    email: str
    per_minute: int


class CalendarRateLimitRead(BaseModel):
    calendar_id: str
    per_minute: int


class ChannelRead(BaseModel):
    id: str
    resource_id: str
    resource_uri: str
    calendar_id: str
    user: str
    address: str
    token: str | None
    expiration: str
    created_at: str
    notifications_sent: int
    notifications_delivered: int
    notifications_failed: int
    last_status: int | None

    @classmethod
    def of(cls, channel: Channel) -> ChannelRead:
        return cls(
            id=channel.id,
            resource_id=channel.resource_id,
            resource_uri=channel.resource_uri,
            calendar_id=channel.calendar_id,
            user=channel.user,
            address=channel.address,
            token=channel.token,
            expiration=channel.expires_at.isoformat(),
            created_at=channel.created_at.isoformat(),
            notifications_sent=channel.next_number - 1 - len(channel.pending),
            notifications_delivered=channel.delivered,
            notifications_failed=channel.failed,
            last_status=channel.last_status,
        )
