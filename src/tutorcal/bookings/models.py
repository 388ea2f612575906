"""Bookings, request idempotency and the private calendar feed."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields

from tutorcal.core.models import TimestampedModel

if TYPE_CHECKING:
    from tutorcal.tutoring_sessions.models import TutoringSession
    from tutorcal.tutors.models import Subject
    from tutorcal.users.models import User


class BookingKind(StrEnum):
    SESSION = "session"
    SLOT = "slot"


class BookingStatus(StrEnum):
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


class CalendarSync(StrEnum):
    SYNCED = "synced"
    PENDING = "pending"
    FAILED = "failed"


class Booking(TimestampedModel):
    """A student's seat in a session, or a one-to-one slot on a tutor's calendar.

    On PostgreSQL the migration adds what Tortoise cannot express: a partial unique index
    on (session, student) for confirmed bookings, and exclusion constraints so that a
    tutor's confirmed slots and a student's confirmed bookings never overlap.
    """

    # Foreign-key id columns, declared for the type checker (Tortoise adds them).
    session_id: uuid.UUID | None
    tutor_id: uuid.UUID
    student_id: uuid.UUID
    subject_id: uuid.UUID | None
    rescheduled_from_id: uuid.UUID | None

    kind = fields.CharEnumField(BookingKind, max_length=16)
    status = fields.CharEnumField(BookingStatus, max_length=16, default=BookingStatus.CONFIRMED)
    session: fields.ForeignKeyNullableRelation[TutoringSession] = fields.ForeignKeyField(
        "models.TutoringSession", related_name="bookings", null=True, on_delete=fields.RESTRICT
    )
    tutor: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="bookings_as_tutor", on_delete=fields.RESTRICT
    )
    student: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="bookings_as_student", on_delete=fields.RESTRICT
    )
    subject: fields.ForeignKeyNullableRelation[Subject] = fields.ForeignKeyField(
        "models.Subject", related_name="bookings", null=True, on_delete=fields.SET_NULL
    )
    start_at = fields.DatetimeField()
    end_at = fields.DatetimeField()
    note = fields.TextField(default="")
    meet_link = fields.CharField(max_length=1024, null=True)
    google_calendar_id = fields.CharField(max_length=255, null=True)
    calendar_event_id = fields.CharField(max_length=255, null=True)
    calendar_sync = fields.CharEnumField(CalendarSync, max_length=16, default=CalendarSync.PENDING)
    cancelled_at = fields.DatetimeField(null=True)
    cancelled_by = fields.CharField(max_length=16, null=True)
    cancel_reason = fields.CharField(max_length=500, null=True)
    rescheduled_from: fields.ForeignKeyNullableRelation[Booking] = fields.ForeignKeyField(
        "models.Booking", related_name="rescheduled_to", null=True, on_delete=fields.SET_NULL
    )
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "bookings"
        indexes = (("student", "start_at"), ("tutor", "start_at"), ("session", "status"))


class IdempotencyRecord(TimestampedModel):
    """An ``Idempotency-Key`` of ``POST /bookings``, kept 24 h: the booking it made, or its answer.

    Inserted in the booking's own transaction, so the key is taken exactly when the booking
    exists; a rejection is stored after its transaction rolled back.
    """

    booking_id: uuid.UUID | None

    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="idempotency_records", on_delete=fields.CASCADE
    )
    key = fields.CharField(max_length=255)
    fingerprint = fields.CharField(max_length=64)
    # CASCADE: the key stands for its booking; without the booking there is nothing to replay.
    booking: fields.ForeignKeyNullableRelation[Booking] = fields.ForeignKeyField(
        "models.Booking", related_name="idempotency_records", null=True, on_delete=fields.CASCADE
    )
    is_complete = fields.BooleanField(default=False)
    response_status = fields.IntField(null=True)
    response_body: dict[str, Any] | None = fields.JSONField(null=True)
    expires_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "idempotency_records"
        unique_together = (("user", "key"),)


class CalendarFeedToken(TimestampedModel):
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="calendar_feed_tokens", on_delete=fields.CASCADE
    )
    token_hash = fields.CharField(max_length=64, unique=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "calendar_feed_tokens"
