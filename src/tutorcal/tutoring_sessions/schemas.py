"""Shapes of bookable sessions."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from tutorcal.availability.schemas import SlotRead
from tutorcal.bookings.models import BookingStatus
from tutorcal.bookings.schemas import StudentRef
from tutorcal.core.schemas import ResponseModel
from tutorcal.tutors.schemas import TutorDetail


class SessionRead(ResponseModel):
    id: str
    tutor_id: str
    title: str = Field(description="The event's summary in Google Calendar.")
    description: str
    start: datetime
    end: datetime
    capacity: int
    seats_taken: int
    seats_left: int
    location: str | None
    meet_link: str | None
    booked_by_me: bool


class ScheduleRead(ResponseModel):
    tutor: TutorDetail
    sessions: list[SessionRead]
    slots: list[SlotRead] = Field(description="Free one-to-one slots at the tutor's slot length.")


Attendance = Literal["attended", "no_show", "excused"]


class RosterBookingRead(ResponseModel):
    booking_id: str
    student: StudentRef
    status: BookingStatus
    created_at: datetime
    attendance: Attendance | None = Field(
        description="What the tutor recorded; null until they do."
    )


class RosterRead(ResponseModel):
    bookings: list[RosterBookingRead] = Field(
        description="Every booking of the session, confirmed and cancelled, oldest first."
    )
    guests: list[str] = Field(
        description="E-mails invited to the event in Google that hold no confirmed booking "
        "(the tutor left out)."
    )


class TutorSessionRead(SessionRead):
    roster: RosterRead
