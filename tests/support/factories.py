"""Rows for tests that need the database in a state, not the way there: sensible defaults,
any field overridden by keyword. A test that is about getting there goes through the API."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from tutorcal.bookings.models import Booking, BookingKind, CalendarSync
from tutorcal.google.models import MirroredCalendar
from tutorcal.tutoring_sessions.models import TutoringSession
from tutorcal.users.models import User

# Far from today, so that no notice, horizon or mirror window reaches it by accident.
SOME_MONDAY = datetime(2030, 1, 7, 10, tzinfo=UTC)

_serial = itertools.count(1)


async def _make_user(kind: str, **overrides: Any) -> User:
    number = next(_serial)
    fields: dict[str, Any] = {
        "google_sub": f"{kind}-{number}",
        "email": f"{kind}{number}@school.example",
        "name": f"{kind.title()} {number}",
    }
    return await User.create(**{**fields, **overrides})


async def make_student(**overrides: Any) -> User:
    return await _make_user("student", **overrides)


async def make_tutor(**overrides: Any) -> User:
    return await _make_user("tutor", **{"is_tutor": True, **overrides})


async def make_session(tutor: User | None = None, **overrides: Any) -> TutoringSession:
    """A one-hour session in the tutor's primary calendar (mirrored for it if need be)."""
    tutor = tutor or await make_tutor()
    if "calendar" not in overrides:
        overrides["calendar"], _ = await MirroredCalendar.get_or_create(
            tutor=tutor, google_calendar_id="primary"
        )
    start = overrides.pop("start_at", SOME_MONDAY)
    fields: dict[str, Any] = {
        "tutor": tutor,
        "google_event_id": f"event{next(_serial)}",
        "title": "Tutoring: Algebra",
        "start_at": start,
        "end_at": start + timedelta(hours=1),
        "capacity": 2,
    }
    return await TutoringSession.create(**{**fields, **overrides})


async def make_booking(
    session: TutoringSession, student: User | None = None, **overrides: Any
) -> Booking:
    """A confirmed seat in ``session``, already written to Google."""
    fields: dict[str, Any] = {
        "kind": BookingKind.SESSION,
        "session": session,
        "tutor_id": session.tutor_id,
        "student": student or await make_student(),
        "start_at": session.start_at,
        "end_at": session.end_at,
        "calendar_sync": CalendarSync.SYNCED,
    }
    return await Booking.create(**{**fields, **overrides})


async def make_slot_booking(
    tutor: User,
    student: User | None = None,
    *,
    start_at: datetime = SOME_MONDAY,
    minutes: int = 60,
    **overrides: Any,
) -> Booking:
    """A confirmed one-to-one slot with ``tutor``, already written to Google."""
    fields: dict[str, Any] = {
        "kind": BookingKind.SLOT,
        "tutor": tutor,
        "student": student or await make_student(),
        "start_at": start_at,
        "end_at": start_at + timedelta(minutes=minutes),
        "calendar_sync": CalendarSync.SYNCED,
    }
    return await Booking.create(**{**fields, **overrides})
