"""The reads behind every listing of sessions and slots: hand-written statements.

Listing a tutor's sessions is the hottest read there is, so its two statements (readiness,
then the sessions with their bookings) skip the queryset builder (see ``tutorcal.core.sql``).
Two small statements, not one joining all six tables: PostgreSQL plans and runs the pair
for a quarter of the CPU.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from tutorcal.bookings.models import BookingStatus
from tutorcal.core import sql

# The tutor, the grant and every mirrored calendar: one row per calendar, or one row with
# the calendar columns NULL when there is none; no row when the user does not exist.
READINESS = """
SELECT t.is_tutor AS tutor_is_tutor, t.deleted_at AS tutor_deleted_at,
       g.status AS grant_status, g.refresh_token_ciphertext AS grant_refresh_token_ciphertext,
       g.granted_scopes AS grant_granted_scopes,
       c.id AS calendar_id, c.holds_sessions AS calendar_holds_sessions,
       c.counts_as_busy AS calendar_counts_as_busy, c.status AS calendar_status,
       c.last_synced_at AS calendar_last_synced_at
FROM users t
LEFT JOIN google_grants g ON g.user_id = t.id
LEFT JOIN mirrored_calendars c ON c.tutor_id = t.id
WHERE t.id = $1
"""

# Each session row once per confirmed booking of it (a booking not yet written to Google
# still holds its seat), or once with the booking columns NULL. The status is written in,
# not a parameter, so that PostgreSQL can use the partial index on confirmed bookings.
SESSIONS = f"""
SELECT s.id, s.title, s.description, s.start_at, s.end_at, s.capacity, s.location,
       s.meet_link, s.attendee_emails,
       b.student_id AS booking_student_id, student.email AS booking_student_email
FROM tutoring_sessions s
JOIN mirrored_calendars c ON c.id = s.calendar_id AND c.holds_sessions
LEFT JOIN bookings b ON b.session_id = s.id AND b.status = '{BookingStatus.CONFIRMED.value}'
LEFT JOIN users student ON student.id = b.student_id
WHERE s.tutor_id = $1 AND s.is_active AND s.start_at < $3 AND s.end_at > $2
ORDER BY s.start_at, s.id
"""  # noqa: S608 - a constant of ours formatted in; every value is a parameter


class CalendarState(NamedTuple):
    id: uuid.UUID
    holds_sessions: bool
    counts_as_busy: bool
    status: str
    last_synced_at: datetime | None


class TutorCalendars(NamedTuple):
    """What tells whether a tutor's mirror can be read: the tutor, the grant, the calendars."""

    is_tutor: bool
    grant_status: str | None
    grant_refresh_token_ciphertext: str | None
    grant_granted_scopes: list[str] | None
    calendars: list[CalendarState]


@dataclass
class ListedSession:
    id: str
    title: str
    description: str
    start_at: datetime
    end_at: datetime
    capacity: int
    location: str | None
    meet_link: str | None
    attendee_emails: list[str]
    # Lower-cased e-mails and ids (as text) of the students with a confirmed booking.
    booked_emails: set[str]
    booked_student_ids: set[str]


async def tutor_calendars(tutor_id: uuid.UUID) -> TutorCalendars | None:
    """None when no user has this id."""
    rows = await sql.fetch(READINESS, str(tutor_id))
    if not rows:
        return None
    first = rows[0]
    scopes = first["grant_granted_scopes"]
    return TutorCalendars(
        is_tutor=bool(first["tutor_is_tutor"]) and first["tutor_deleted_at"] is None,
        grant_status=first["grant_status"],
        grant_refresh_token_ciphertext=first["grant_refresh_token_ciphertext"],
        grant_granted_scopes=None if scopes is None else sql.json_value(scopes),
        calendars=[
            CalendarState(
                id=uuid.UUID(str(row["calendar_id"])),
                holds_sessions=bool(row["calendar_holds_sessions"]),
                counts_as_busy=bool(row["calendar_counts_as_busy"]),
                status=row["calendar_status"],
                last_synced_at=sql.aware_or_none(row["calendar_last_synced_at"]),
            )
            for row in rows
            if row["calendar_id"] is not None
        ],
    )


async def sessions_in_window(
    tutor_id: uuid.UUID, start: datetime, end: datetime
) -> list[ListedSession]:
    """The active sessions on the tutor's session calendars that overlap [start, end), by
    start then id, with their confirmed bookings."""
    sessions: dict[str, ListedSession] = {}
    for row in await sql.fetch(SESSIONS, str(tutor_id), start, end):
        session_id = str(row["id"])
        session = sessions.get(session_id)
        if session is None:
            session = sessions[session_id] = ListedSession(
                id=session_id,
                title=row["title"],
                description=row["description"],
                start_at=sql.aware(row["start_at"]),
                end_at=sql.aware(row["end_at"]),
                capacity=row["capacity"],
                location=row["location"],
                meet_link=row["meet_link"],
                attendee_emails=sql.json_value(row["attendee_emails"]),
                booked_emails=set(),
                booked_student_ids=set(),
            )
        if row["booking_student_id"] is not None:
            session.booked_emails.add(str(row["booking_student_email"]).lower())
            session.booked_student_ids.add(str(row["booking_student_id"]))
    return list(sessions.values())
