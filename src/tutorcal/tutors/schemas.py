"""Shapes of subjects, tutors and tutor settings."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, field_validator

from tutorcal.core.schemas import RequestModel, ResponseModel
from tutorcal.core.time import is_valid_timezone
from tutorcal.google.grants import CalendarStatus


class SubjectRead(ResponseModel):
    id: str
    name: str
    code: str


class SubjectCreate(RequestModel):
    name: str = Field(min_length=1, max_length=100)
    code: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")


class TutorRead(ResponseModel):
    id: str
    name: str
    picture_url: str | None
    bio: str
    subjects: list[SubjectRead]
    timezone: str
    calendar_connected: bool


class BookingRules(ResponseModel):
    """The tutor's rules a student books under. Durations are minutes."""

    slot_minutes: int = Field(description="Length of a one-to-one slot.")
    min_notice_minutes: int = Field(description="Bookings close this long before the start.")
    horizon_days: int = Field(description="Bookings open this many days ahead.")
    max_bookings_per_student_per_week: int | None = Field(
        description="At most this many bookings per student per week (Monday to Sunday, in the tutor's zone); null: no limit."
    )
    cancel_notice_minutes: int = Field(
        description="A student may cancel until this long before the start."
    )
    reschedule_notice_minutes: int = Field(
        description="A student may move a booking until this long before the start."
    )


class TutorDetail(TutorRead):
    calendar_status: CalendarStatus
    last_synced_at: datetime | None = Field(
        description="When the mirror of this tutor's calendars last caught up with Google."
    )
    rules: BookingRules


# Google's calendar ids are e-mail-like; the mirror stores them in 255 characters.
CalendarId = Annotated[str, Field(min_length=1, max_length=255)]


class TutorSettings(RequestModel):
    """A tutor's profile and booking rules. Durations are minutes."""

    bio: str = Field(default="", max_length=5000)
    subject_ids: list[str] = Field(default_factory=list, max_length=50)
    timezone: str = Field(
        default="UTC", max_length=64, description="IANA zone of the weekly availability"
    )
    session_calendar_id: str | None = Field(
        default=None,
        max_length=255,
        description="Google calendar holding sessions; null means the primary calendar.",
    )
    session_keyword: str = Field(default="Tutoring", min_length=1, max_length=100)
    busy_calendar_ids: list[CalendarId] = Field(
        default_factory=list,
        max_length=20,
        description="Calendars whose events block one-to-one slots; empty means the session calendar.",
    )
    default_capacity: int = Field(default=1, ge=1, le=500)
    slot_minutes: int = Field(default=60, ge=5, le=480)
    buffer_minutes: int = Field(default=0, ge=0, le=240)
    min_notice_minutes: int = Field(default=720, ge=0, le=43200)
    horizon_days: int = Field(default=60, ge=1, le=365)
    max_bookings_per_student_per_week: int | None = Field(default=None, ge=1, le=100)
    cancel_notice_minutes: int = Field(default=1440, ge=0, le=43200)
    reschedule_notice_minutes: int = Field(default=1440, ge=0, le=43200)
    ignore_all_day_events: bool = False

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if not is_valid_timezone(value):
            raise ValueError("unknown time zone; use an IANA name such as Europe/London")
        return value

    @field_validator("slot_minutes")
    @classmethod
    def _whole_five_minutes(cls, value: int) -> int:
        if value % 5:
            raise ValueError("slot length must be a multiple of 5 minutes")
        return value


class CalendarChoice(ResponseModel):
    id: str
    summary: str
    primary: bool
    access_role: str | None
    time_zone: str | None
