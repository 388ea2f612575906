"""Shapes of subjects, tutors and tutor settings."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

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


class _SettingsChecks(RequestModel):
    """The checks a setting passes, whether the whole set is replaced or a few are changed."""

    @field_validator("timezone", check_fields=False)
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None and not is_valid_timezone(value):
            raise ValueError("unknown time zone; use an IANA name such as Europe/London")
        return value

    @field_validator("slot_minutes", check_fields=False)
    @classmethod
    def _whole_five_minutes(cls, value: int | None) -> int | None:
        if value is not None and value % 5:
            raise ValueError("slot length must be a multiple of 5 minutes")
        return value


_BIO = Field(max_length=5000)
_SUBJECT_IDS = Field(max_length=50)
_TIMEZONE = Field(max_length=64, description="IANA zone of the weekly availability")
_SESSION_CALENDAR_ID = Field(
    max_length=255,
    description="Google calendar holding sessions; null means the primary calendar.",
)
_SESSION_KEYWORD = Field(min_length=1, max_length=100)
_BUSY_CALENDAR_IDS = Field(
    max_length=20,
    description="Calendars whose events block one-to-one slots; empty means the session calendar.",
)
_DEFAULT_CAPACITY = Field(ge=1, le=500)
_SLOT_MINUTES = Field(ge=5, le=480)
_BUFFER_MINUTES = Field(ge=0, le=240)
_NOTICE_MINUTES = Field(ge=0, le=43200)
_HORIZON_DAYS = Field(ge=1, le=365)
_WEEKLY_LIMIT = Field(ge=1, le=100, description="null: no limit.")


class TutorSettings(_SettingsChecks):
    """A tutor's profile and booking rules. Durations are minutes.

    Every field is required: a PUT replaces the whole set, and a field left out is 422
    rather than reset to a default (PATCH changes some of them).
    """

    bio: Annotated[str, _BIO]
    subject_ids: Annotated[list[str], _SUBJECT_IDS]
    timezone: Annotated[str, _TIMEZONE]
    session_calendar_id: Annotated[str | None, _SESSION_CALENDAR_ID]
    session_keyword: Annotated[str, _SESSION_KEYWORD]
    busy_calendar_ids: Annotated[list[CalendarId], _BUSY_CALENDAR_IDS]
    default_capacity: Annotated[int, _DEFAULT_CAPACITY]
    slot_minutes: Annotated[int, _SLOT_MINUTES]
    buffer_minutes: Annotated[int, _BUFFER_MINUTES]
    min_notice_minutes: Annotated[int, _NOTICE_MINUTES]
    horizon_days: Annotated[int, _HORIZON_DAYS]
    max_bookings_per_student_per_week: Annotated[int | None, _WEEKLY_LIMIT]
    cancel_notice_minutes: Annotated[int, _NOTICE_MINUTES]
    reschedule_notice_minutes: Annotated[int, _NOTICE_MINUTES]
    ignore_all_day_events: bool


class TutorSettingsPatch(_SettingsChecks):
    """Some of a tutor's settings; the ones left out keep their values. ``null`` is a value
    only where the setting admits it (``session_calendar_id``,
    ``max_bookings_per_student_per_week``); elsewhere it is 422."""

    # The default None is never validated, so it stands for "left out"; a null sent for a
    # field that is not nullable fails its type. ``model_fields_set`` tells the two apart.
    bio: Annotated[str, _BIO] = None  # type: ignore[assignment]
    subject_ids: Annotated[list[str], _SUBJECT_IDS] = None  # type: ignore[assignment]
    timezone: Annotated[str, _TIMEZONE] = None  # type: ignore[assignment]
    session_calendar_id: Annotated[str | None, _SESSION_CALENDAR_ID] = None
    session_keyword: Annotated[str, _SESSION_KEYWORD] = None  # type: ignore[assignment]
    busy_calendar_ids: Annotated[list[CalendarId], _BUSY_CALENDAR_IDS] = None  # type: ignore[assignment]
    default_capacity: Annotated[int, _DEFAULT_CAPACITY] = None  # type: ignore[assignment]
    slot_minutes: Annotated[int, _SLOT_MINUTES] = None  # type: ignore[assignment]
    buffer_minutes: Annotated[int, _BUFFER_MINUTES] = None  # type: ignore[assignment]
    min_notice_minutes: Annotated[int, _NOTICE_MINUTES] = None  # type: ignore[assignment]
    horizon_days: Annotated[int, _HORIZON_DAYS] = None  # type: ignore[assignment]
    max_bookings_per_student_per_week: Annotated[int | None, _WEEKLY_LIMIT] = None
    cancel_notice_minutes: Annotated[int, _NOTICE_MINUTES] = None  # type: ignore[assignment]
    reschedule_notice_minutes: Annotated[int, _NOTICE_MINUTES] = None  # type: ignore[assignment]
    ignore_all_day_events: bool = None  # type: ignore[assignment]

    def changes(self) -> dict[str, Any]:
        """The settings the request gave, by name."""
        return {name: getattr(self, name) for name in self.model_fields_set}


class CalendarChoice(ResponseModel):
    id: str
    summary: str
    primary: bool
    access_role: str | None
    time_zone: str | None


class CalendarSyncRead(ResponseModel):
    synced: int = Field(description="Calendars read from Google now.")
    failed: int = Field(description="Calendars Google did not answer for (tried again later).")
    calendar_status: CalendarStatus
    last_synced_at: datetime | None = Field(
        description="When the mirror of the session calendar last caught up with Google."
    )
