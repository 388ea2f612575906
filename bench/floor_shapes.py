"""What both floors take from tutorcal instead of copying it: the response schemas, the
login-session rules, the token hash, and the pure slot function, with the window arithmetic
around it that both floors would otherwise each write out.

A floor fetches rows its own way (Tortoise, or asyncpg with SQL) and shapes them here, so
its JSON is tutorcal's by construction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tutorcal.auth.service import SESSION_IDLE_TIMEOUT
from tutorcal.availability.schemas import SlotRead
from tutorcal.availability.slots import (
    MINUTES_PER_DAY,
    Availability,
    LocalRange,
    SlotRules,
    TutorSchedule,
    free_slots,
)
from tutorcal.core.crypto import token_hash
from tutorcal.tutoring_sessions.schemas import SessionRead

__all__ = [
    "SESSION_IDLE_TIMEOUT",
    "SessionRead",
    "SlotRead",
    "SlotWindow",
    "Tutor",
    "session_read",
    "token_hash",
]


def session_read(column: Callable[[str], Any]) -> SessionRead:
    """A ``tutoring_sessions`` row (``column(name)`` reads it) as tutorcal answers it;
    ``seats_taken`` counts the event's attendees and ``booked_by_me`` is false: the
    benchmark's read sessions have no bookings, so this is tutorcal's answer without its
    bookings lookup."""
    attendees = column("attendee_emails")
    if isinstance(attendees, str):  # asyncpg hands JSON columns over as text
        attendees = json.loads(attendees)
    seats_taken = len(set(attendees))
    return SessionRead(
        id=str(column("id")),
        tutor_id=str(column("tutor_id")),
        title=column("title"),
        description=column("description"),
        start=column("start_at"),
        end=column("end_at"),
        capacity=column("capacity"),
        seats_taken=seats_taken,
        seats_left=max(0, column("capacity") - seats_taken),
        location=column("location"),
        meet_link=column("meet_link"),
        booked_by_me=False,
    )


@dataclass(frozen=True)
class Tutor:
    """The user's and profile's columns the slots need."""

    timezone: str
    slot_minutes: int
    buffer_minutes: int
    min_notice_minutes: int
    horizon_days: int
    ignore_all_day_events: bool


class SlotWindow:
    """The bounds a floor queries for ``GET slots?start=&end=&minutes=``, then the answer."""

    def __init__(self, tutor: Tutor, start: datetime, end: datetime, minutes: int | None) -> None:
        self.tutor, self.start, self.end = tutor, start, end
        self.length = minutes or tutor.slot_minutes
        until = end + timedelta(minutes=self.length)  # slots starting before `end` end after it
        pad = timedelta(minutes=tutor.buffer_minutes)
        self.busy_from, self.busy_until = start - pad, until + pad
        zone = ZoneInfo(tutor.timezone)
        self.first_day: date = start.astimezone(zone).date() - timedelta(days=1)
        self.last_day: date = until.astimezone(zone).date() + timedelta(days=1)

    def slots(
        self,
        now: datetime,
        rules: Iterable[Any],
        override_days: dict[Any, date],
        override_ranges: Iterable[Any],
        busy: Iterable[Any],
        taken: Iterable[Any],
    ) -> list[SlotRead]:
        """Free slots by tutorcal's slot function, from rows (tuples or records) of rules
        (weekday, start minute, end minute), {override id: day}, override ranges (override
        id, start minute, end minute), and (start, end) of busy events and of bookings."""

        def local(start_minute: int, end_minute: int) -> LocalRange:
            return LocalRange(start_minute, end_minute or MINUTES_PER_DAY)

        weekly: dict[int, list[LocalRange]] = {}
        for weekday, start_minute, end_minute in rules:
            weekly.setdefault(weekday, []).append(local(start_minute, end_minute))
        overrides: dict[date, list[LocalRange]] = {day: [] for day in override_days.values()}
        for override_id, start_minute, end_minute in override_ranges:
            overrides[override_days[override_id]].append(local(start_minute, end_minute))
        tutor = self.tutor
        schedule = TutorSchedule(
            Availability(timezone=tutor.timezone, weekly=weekly, overrides=overrides),
            SlotRules(
                slot_minutes=tutor.slot_minutes,
                buffer_minutes=tutor.buffer_minutes,
                min_notice_minutes=tutor.min_notice_minutes,
                horizon_days=tutor.horizon_days,
            ),
            [(b, e) for b, e in busy],
            [(b, e) for b, e in taken],
        )
        found = free_slots(
            schedule, now=now, window_start=self.start, window_end=self.end, minutes=self.length
        )
        return [SlotRead(start=slot_start, end=slot_end) for slot_start, slot_end in found]
