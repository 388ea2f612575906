"""Sessions read from the mirror: no Google call, and never from a calendar that fell behind."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from tutorcal.bookings.models import Booking, BookingStatus
from tutorcal.core.ids import parse_id
from tutorcal.core.time import utcnow
from tutorcal.google.grants import CalendarStatus, calendar_status
from tutorcal.google.models import CalendarSyncStatus, GoogleGrant, MirroredCalendar
from tutorcal.tutoring_sessions.errors import CalendarUnavailable, SessionNotFound
from tutorcal.tutoring_sessions.models import TutoringSession
from tutorcal.tutors.errors import TutorNotFound
from tutorcal.users.models import User

# What a listing shows; the etag, organizer and sync bookkeeping stay in the database.
SESSION_COLUMNS = (
    "id",
    "tutor_id",
    "calendar_id",
    "title",
    "description",
    "start_at",
    "end_at",
    "capacity",
    "location",
    "meet_link",
    "attendee_emails",
)


@dataclass(frozen=True)
class SessionView:
    session: TutoringSession
    seats_taken: int
    booked_by_me: bool


@dataclass(frozen=True)
class ReadableCalendar:
    id: uuid.UUID
    holds_sessions: bool
    counts_as_busy: bool


async def ensure_readable(
    tutor_id: object, *, stale_after: timedelta, sessions_only: bool, must_be_tutor: bool = False
) -> list[ReadableCalendar]:
    """The tutor's mirrored calendars, or CalendarUnavailable saying why they cannot be trusted.

    One query: the calendars joined with the tutor's grant (every read of sessions and slots
    passes here).
    """
    rows = await MirroredCalendar.filter(tutor_id=tutor_id).values(
        "id",
        "holds_sessions",
        "counts_as_busy",
        "status",
        "last_synced_at",
        "tutor__google_grant__status",
        "tutor__google_grant__refresh_token_ciphertext",
        "tutor__google_grant__granted_scopes",
        "tutor__is_tutor",
        "tutor__deleted_at",
    )
    if must_be_tutor:
        if rows:
            is_tutor = bool(rows[0]["tutor__is_tutor"]) and rows[0]["tutor__deleted_at"] is None
        else:
            is_tutor = await User.filter(
                id=tutor_id, is_tutor=True, deleted_at__isnull=True
            ).exists()
        if not is_tutor:
            raise TutorNotFound()
    if rows:
        first = rows[0]
        grant: GoogleGrant | None = None
        if first["tutor__google_grant__status"] is not None:
            scopes = first["tutor__google_grant__granted_scopes"]
            grant = GoogleGrant(
                status=first["tutor__google_grant__status"],
                refresh_token_ciphertext=first["tutor__google_grant__refresh_token_ciphertext"],
                granted_scopes=json.loads(scopes) if isinstance(scopes, str | bytes) else scopes,
            )
    else:
        grant = await GoogleGrant.get_or_none(user_id=tutor_id)
    status = calendar_status(grant)
    if status != CalendarStatus.CONNECTED:
        raise CalendarUnavailable(
            f"The tutor's Google Calendar is {status.value.replace('_', ' ')}.",
            extra={"calendar_status": status.value},
        )
    needed = [r for r in rows if r["holds_sessions"] or (r["counts_as_busy"] and not sessions_only)]
    if not needed:
        raise CalendarUnavailable(
            "The tutor's calendar has not been read yet.", extra={"calendar_status": "syncing"}
        )
    oldest_allowed = utcnow() - stale_after
    for row in needed:
        if row["status"] == CalendarSyncStatus.UNAVAILABLE or row["last_synced_at"] is None:
            raise CalendarUnavailable(extra={"calendar_status": "unavailable"})
        if row["last_synced_at"] < oldest_allowed:
            raise CalendarUnavailable(
                "The copy of the tutor's calendar is out of date.",
                extra={"calendar_status": "stale"},
            )
    return [ReadableCalendar(r["id"], r["holds_sessions"], r["counts_as_busy"]) for r in needed]


async def _views(sessions: list[TutoringSession], viewer: User) -> list[SessionView]:
    booked_emails: dict[object, set[str]] = {}
    mine: set[object] = set()
    if sessions:
        # Plain rows, not models: this runs on every listing, the hottest read there is.
        rows = await Booking.filter(
            session_id__in=[s.id for s in sessions], status=BookingStatus.CONFIRMED
        ).values_list("session_id", "student_id", "student__email")
        for session_id, student_id, email in rows:
            booked_emails.setdefault(session_id, set()).add(str(email).lower())
            if student_id == viewer.id:
                mine.add(session_id)
    # A booking not yet written to Google still holds its seat.
    return [
        SessionView(s, len(set(s.attendee_emails) | booked_emails.get(s.id, set())), s.id in mine)
        for s in sessions
    ]


async def list_sessions(
    tutor_id: str, viewer: User, start: datetime, end: datetime, *, stale_after: timedelta
) -> list[SessionView]:
    tutor_uuid = parse_id(tutor_id, "tutor")
    calendars = await ensure_readable(
        tutor_uuid, stale_after=stale_after, sessions_only=True, must_be_tutor=True
    )
    session_calendars = [c.id for c in calendars if c.holds_sessions]
    sessions = (
        await TutoringSession.filter(
            tutor_id=tutor_uuid,
            calendar_id__in=session_calendars,
            is_active=True,
            start_at__lt=end,
            end_at__gt=start,
        )
        .only(*SESSION_COLUMNS)
        .order_by("start_at", "id")
    )
    return await _views(sessions, viewer)


async def get_session(session_id: str, viewer: User, *, stale_after: timedelta) -> SessionView:
    session = await TutoringSession.get_or_none(
        id=parse_id(session_id, "session"), is_active=True, calendar__holds_sessions=True
    )
    if session is None:
        raise SessionNotFound()
    await ensure_readable(session.tutor_id, stale_after=stale_after, sessions_only=True)
    return (await _views([session], viewer))[0]
