"""Loading a booking with everything its answer and its Google write need, in one statement;
and the student's clash that every booking looks for first.

Both run for every booking made (the answer, and the outbox job carried out in the same
request), so they skip the queryset builder, whose five-table select_related costs more
CPU than the database does (see ``tutorcal.core.sql``). The models are built as the ORM
builds them, and the related objects put where its select_related puts them.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from functools import cache

from tutorcal.bookings.models import Booking, BookingStatus
from tutorcal.core import sql
from tutorcal.google.models import MirroredCalendar
from tutorcal.tutoring_sessions.models import TutoringSession
from tutorcal.tutors.models import Subject
from tutorcal.users.models import User

# Only column names are formatted in (from the models); every value is a parameter (S608).


@cache
def _booking_statement() -> str:
    return f"""
SELECT {sql.select_list(Booking, "b")}, {sql.select_list(User, "st")},
       {sql.select_list(User, "tu")}, {sql.select_list(Subject, "sj")},
       {sql.select_list(TutoringSession, "se")}, {sql.select_list(MirroredCalendar, "ca")}
FROM bookings b
JOIN users st ON st.id = b.student_id
JOIN users tu ON tu.id = b.tutor_id
LEFT JOIN subjects sj ON sj.id = b.subject_id
LEFT JOIN tutoring_sessions se ON se.id = b.session_id
LEFT JOIN mirrored_calendars ca ON ca.id = se.calendar_id
WHERE b.id = $1
"""  # noqa: S608


async def with_related(booking_id: uuid.UUID | str) -> Booking | None:
    """The booking with its student, tutor, subject, session and the session's calendar
    loaded (``booking.session.calendar``), as select_related would load them."""
    rows = await sql.fetch(_booking_statement(), str(booking_id))
    if not rows:
        return None
    row = rows[0]
    booking = sql.from_row(Booking, row, "b")
    object.__setattr__(booking, "_student", sql.from_row(User, row, "st"))
    object.__setattr__(booking, "_tutor", sql.from_row(User, row, "tu"))
    subject = sql.from_row(Subject, row, "sj") if row["sj_id"] is not None else None
    object.__setattr__(booking, "_subject", subject)
    session = None
    if row["se_id"] is not None:
        session = sql.from_row(TutoringSession, row, "se")
        object.__setattr__(session, "_calendar", sql.from_row(MirroredCalendar, row, "ca"))
    object.__setattr__(booking, "_session", session)
    return booking


# The status is written in, not a parameter, so that PostgreSQL can use the partial index on
# confirmed bookings; the rest are parameters.
_CLASH = f"""
SELECT b.id FROM bookings b
WHERE b.student_id = $1 AND b.status = '{BookingStatus.CONFIRMED.value}'
  AND b.start_at < $2 AND b.end_at > $3{{ignoring}}
ORDER BY b.start_at
LIMIT 1
"""  # noqa: S608
_CLASH_STATEMENTS = (_CLASH.format(ignoring=""), _CLASH.format(ignoring=" AND b.id <> $4"))


async def first_clash(
    student_id: uuid.UUID, start_at: datetime, end_at: datetime, *, ignore: uuid.UUID | None
) -> Booking | None:
    """The student's earliest confirmed booking overlapping [start_at, end_at) other than
    ``ignore``, loaded as ``with_related`` loads it; asked on every booking, and almost always
    answered with nothing."""
    values: list[object] = [str(student_id), end_at, start_at]
    if ignore is not None:
        values.append(str(ignore))
    rows = await sql.fetch(_CLASH_STATEMENTS[ignore is not None], *values)
    return await with_related(rows[0]["id"]) if rows else None
