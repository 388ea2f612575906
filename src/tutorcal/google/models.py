"""The Google grant and the mirror of tutors' calendars."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields

from tutorcal.core.models import TimestampedModel

if TYPE_CHECKING:
    from tutorcal.users.models import User


class GrantStatus(StrEnum):
    ACTIVE = "active"
    SCOPE_MISSING = "scope_missing"
    REVOKED = "revoked"


class GoogleGrant(TimestampedModel):
    """A user's OAuth grant. Tokens are MultiFernet ciphertexts that seal the owner's id inside."""

    # Foreign-key id columns, declared for the type checker (Tortoise adds them).
    user_id: uuid.UUID

    user: fields.OneToOneRelation[User] = fields.OneToOneField(
        "models.User", related_name="google_grant", on_delete=fields.CASCADE
    )
    refresh_token_ciphertext: str | None = fields.TextField(null=True)
    access_token_ciphertext: str | None = fields.TextField(null=True)
    access_token_expires_at = fields.DatetimeField(null=True)
    granted_scopes: list[str] = fields.JSONField(default=list)
    status = fields.CharEnumField(GrantStatus, max_length=32, default=GrantStatus.ACTIVE)
    revoked_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "google_grants"


class CalendarSyncStatus(StrEnum):
    OK = "ok"
    FAILING = "failing"
    UNAVAILABLE = "unavailable"


class MirroredCalendar(TimestampedModel):
    """One Google calendar of a tutor that tutorcal mirrors, with its sync state."""

    # Foreign-key id columns, declared for the type checker (Tortoise adds them).
    tutor_id: uuid.UUID

    tutor: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="mirrored_calendars", on_delete=fields.CASCADE
    )
    google_calendar_id = fields.CharField(max_length=255)
    summary = fields.CharField(max_length=255, default="")
    holds_sessions = fields.BooleanField(default=False)
    counts_as_busy = fields.BooleanField(default=True)
    sync_token: str | None = fields.TextField(null=True)
    window_start_at = fields.DatetimeField(null=True)
    window_end_at = fields.DatetimeField(null=True)
    last_full_sync_at = fields.DatetimeField(null=True)
    last_synced_at = fields.DatetimeField(null=True)
    time_zone = fields.CharField(max_length=64, default="UTC")
    # A webhook sets sync_requested_at; whoever holds the lease syncs, then looks again, so a
    # burst of notifications on any number of instances costs at most one extra sync.
    sync_requested_at = fields.DatetimeField(null=True)
    sync_started_at = fields.DatetimeField(null=True)
    # When the last successful sync began reading Google: a request older than this is served.
    last_sync_started_at = fields.DatetimeField(null=True)
    sync_lease_until = fields.DatetimeField(null=True)
    status = fields.CharEnumField(CalendarSyncStatus, max_length=32, default=CalendarSyncStatus.OK)
    consecutive_failures = fields.IntField(default=0)
    last_error: str | None = fields.TextField(null=True)

    class Meta:
        table = "mirrored_calendars"
        unique_together = (("tutor", "google_calendar_id"),)


class CalendarEvent(TimestampedModel):
    """Busy-time facts of one event instance: only times, status and transparency are kept."""

    # Foreign-key id columns, declared for the type checker (Tortoise adds them).
    calendar_id: uuid.UUID

    calendar: fields.ForeignKeyRelation[MirroredCalendar] = fields.ForeignKeyField(
        "models.MirroredCalendar", related_name="events", on_delete=fields.CASCADE
    )
    google_event_id = fields.CharField(max_length=255)
    recurring_event_id = fields.CharField(max_length=255, null=True)
    status = fields.CharField(max_length=16)
    start_at = fields.DatetimeField()
    end_at = fields.DatetimeField()
    is_all_day = fields.BooleanField(default=False)
    is_transparent = fields.BooleanField(default=False)
    is_declined_by_owner = fields.BooleanField(default=False)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "calendar_events"
        unique_together = (("calendar", "google_event_id"),)
        indexes = (("calendar", "start_at"),)


class WatchChannel(TimestampedModel):
    """A Google push channel (``events.watch``); the id doubles as ``X-Goog-Channel-ID``."""

    # Foreign-key id columns, declared for the type checker (Tortoise adds them).
    calendar_id: uuid.UUID

    calendar: fields.ForeignKeyRelation[MirroredCalendar] = fields.ForeignKeyField(
        "models.MirroredCalendar", related_name="channels", on_delete=fields.CASCADE
    )
    resource_id = fields.CharField(max_length=255)
    token_hash = fields.CharField(max_length=64)
    expires_at = fields.DatetimeField()
    stopped_at = fields.DatetimeField(null=True)
    # Google numbers each channel's messages; a redelivered message carries the same number.
    last_message_number = fields.BigIntField(null=True)

    class Meta:
        table = "watch_channels"
        indexes = (("expires_at",),)
