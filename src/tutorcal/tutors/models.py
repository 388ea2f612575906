"""Subjects and tutors' profiles with their booking rules."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from tortoise import fields

from tutorcal.core.models import TimestampedModel

if TYPE_CHECKING:
    from tutorcal.users.models import User


class Subject(TimestampedModel):
    name = fields.CharField(max_length=100)
    code = fields.CharField(max_length=32, unique=True)

    class Meta:
        table = "subjects"


class TutorProfile(TimestampedModel):
    """One per tutor; the tutor id in the API is the user id, not this row's."""

    # Foreign-key id columns, declared for the type checker (Tortoise adds them).
    user_id: uuid.UUID

    user: fields.OneToOneRelation[User] = fields.OneToOneField(
        "models.User", related_name="tutor_profile", on_delete=fields.CASCADE
    )
    bio = fields.TextField(default="")
    session_calendar_id = fields.CharField(max_length=255, null=True)
    session_keyword = fields.CharField(max_length=100, default="Tutoring")
    busy_calendar_ids: list[str] = fields.JSONField(default=list)
    default_capacity = fields.IntField(default=1)
    slot_minutes = fields.IntField(default=60)
    buffer_minutes = fields.IntField(default=0)
    min_notice_minutes = fields.IntField(default=720)
    horizon_days = fields.IntField(default=60)
    max_bookings_per_student_per_week = fields.IntField(null=True)
    cancel_notice_minutes = fields.IntField(default=1440)
    reschedule_notice_minutes = fields.IntField(default=1440)
    ignore_all_day_events = fields.BooleanField(default=False)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "tutor_profiles"


class TutorSubject(TimestampedModel):
    """Which subjects a tutor teaches (an explicit table: Tortoise's many-to-many cannot bind
    a UUID primary key that is also a one-to-one key on SQLite)."""

    tutor_id: uuid.UUID
    subject_id: uuid.UUID

    tutor: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="taught_subjects", on_delete=fields.CASCADE
    )
    subject: fields.ForeignKeyRelation[Subject] = fields.ForeignKeyField(
        "models.Subject", related_name="taught_by", on_delete=fields.CASCADE
    )

    class Meta:
        table = "tutor_subjects"
        unique_together = (("tutor", "subject"),)
