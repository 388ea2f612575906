"""Shapes of bookings."""

from __future__ import annotations

from datetime import datetime
from typing import Self

from pydantic import Field, model_validator

# The API speaks the models' enums; re-exported so that routers take them from here.
from tutorcal.bookings.models import BookingKind as BookingKind
from tutorcal.bookings.models import BookingStatus as BookingStatus
from tutorcal.bookings.models import CalendarSync as CalendarSync
from tutorcal.core.schemas import RequestModel, ResponseModel
from tutorcal.core.time import Instant


class BookingCreate(RequestModel):
    """Either ``session_id`` (a seat in a session) or ``tutor_id`` + ``start`` + ``minutes`` (a slot)."""

    session_id: str | None = Field(default=None, min_length=1, max_length=36)
    tutor_id: str | None = Field(default=None, min_length=1, max_length=36)
    start: Instant | None = None
    minutes: int | None = Field(default=None, ge=5, le=480)
    subject_id: str | None = Field(default=None, min_length=1, max_length=36)
    note: str | None = Field(default=None, max_length=1000)

    @model_validator(mode="after")
    def _one_kind(self) -> Self:
        slot_fields = (self.tutor_id, self.start, self.minutes)
        if self.session_id is not None:
            if any(value is not None for value in slot_fields):
                raise ValueError("give session_id, or tutor_id with start and minutes, not both")
        elif any(value is None for value in slot_fields):
            raise ValueError("give session_id, or tutor_id with start and minutes")
        return self

    @property
    def kind(self) -> BookingKind:
        return BookingKind.SESSION if self.session_id is not None else BookingKind.SLOT


class BookingReschedule(RequestModel):
    """Where to move a booking: ``session_id`` (a seat), or ``start`` + ``minutes`` (a slot)
    of ``tutor_id``, which defaults to the booking's own tutor. A slot's ``note`` and
    ``subject_id`` left out stay as they were."""

    session_id: str | None = Field(default=None, min_length=1, max_length=36)
    tutor_id: str | None = Field(
        default=None, min_length=1, max_length=36, description="Default: the same tutor."
    )
    start: Instant | None = None
    minutes: int | None = Field(default=None, ge=5, le=480)
    subject_id: str | None = Field(default=None, min_length=1, max_length=36)
    note: str | None = Field(default=None, max_length=1000)

    @model_validator(mode="after")
    def _one_kind(self) -> Self:
        slot_fields = (self.tutor_id, self.start, self.minutes)
        if self.session_id is not None:
            if any(value is not None for value in slot_fields):
                raise ValueError("give session_id, or start and minutes (and tutor_id), not both")
        elif self.start is None or self.minutes is None:
            raise ValueError("give session_id, or start and minutes (and tutor_id)")
        return self

    def to(self, tutor_id: str, note: str, subject_id: str | None) -> BookingCreate:
        """The booking to make in its place: the same tutor, and the same note and subject
        unless the request names them (``null`` clears)."""
        if self.session_id is not None:
            return BookingCreate(session_id=self.session_id)
        given = self.model_fields_set
        return BookingCreate(
            tutor_id=self.tutor_id or tutor_id,
            start=self.start,
            minutes=self.minutes,
            subject_id=self.subject_id if "subject_id" in given else subject_id,
            note=self.note if "note" in given else note,
        )


class CancelRequest(RequestModel):
    reason: str | None = Field(default=None, max_length=500)


class PersonRef(ResponseModel):
    id: str
    name: str


class StudentRef(PersonRef):
    email: str


class BookingRead(ResponseModel):
    id: str
    status: BookingStatus
    kind: BookingKind
    session_id: str | None
    tutor: PersonRef
    student: StudentRef
    start: datetime
    end: datetime
    subject_id: str | None
    note: str
    meet_link: str | None
    calendar_event_id: str | None
    calendar_sync: CalendarSync
    created_at: datetime
    cancelled_at: datetime | None
    cancelled_by: str | None
    cancel_reason: str | None
    rescheduled_from: str | None
    title: str = Field(
        description="The session's title, or the one-to-one event's title in Google Calendar."
    )
    subject_name: str | None = Field(description="The name of `subject_id`'s subject.")
    cancel_closes_at: datetime = Field(
        description="Until when the student may cancel (the tutor's cancel notice before the "
        "start); the tutor and admins may cancel at any time."
    )
    reschedule_closes_at: datetime = Field(
        description="Until when the student may move the booking (the tutor's reschedule notice)."
    )
