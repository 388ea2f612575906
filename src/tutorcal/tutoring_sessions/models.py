"""Bookable sessions derived from tutors' calendars ("session" alone means a login session)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from tortoise import fields

from tutorcal.core.models import TimestampedModel

if TYPE_CHECKING:
    from tutorcal.google.models import MirroredCalendar
    from tutorcal.users.models import User


class TutoringSession(TimestampedModel):
    """One event instance on a tutor's session calendar that carries the session keyword.

    The row is keyed by the Google event so that a full resync updates it in place: its id,
    which bookings point at and which the booking transaction locks, never changes.
    """

    # Foreign-key id columns, declared for the type checker (Tortoise adds them).
    tutor_id: uuid.UUID
    calendar_id: uuid.UUID

    tutor: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="tutoring_sessions", on_delete=fields.CASCADE
    )
    calendar: fields.ForeignKeyRelation[MirroredCalendar] = fields.ForeignKeyField(
        "models.MirroredCalendar", related_name="tutoring_sessions", on_delete=fields.CASCADE
    )
    google_event_id = fields.CharField(max_length=255)
    recurring_event_id = fields.CharField(max_length=255, null=True)
    etag = fields.CharField(max_length=128, default="")
    title = fields.CharField(max_length=1024, default="")
    description = fields.TextField(default="")
    location = fields.CharField(max_length=1024, null=True)
    meet_link = fields.CharField(max_length=1024, null=True)
    start_at = fields.DatetimeField()
    end_at = fields.DatetimeField()
    capacity = fields.IntField(default=1)
    organizer_email = fields.CharField(max_length=320, null=True)
    attendee_emails: list[str] = fields.JSONField(default=list)
    # False once the event is deleted in Google or loses the keyword; bookings keep pointing here.
    is_active = fields.BooleanField(default=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "tutoring_sessions"
        unique_together = (("calendar", "google_event_id"),)
        indexes = (("tutor", "start_at"),)
