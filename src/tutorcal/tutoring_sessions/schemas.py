"""Shapes of bookable sessions."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from tutorcal.availability.schemas import SlotRead
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
