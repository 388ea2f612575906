"""Sessions read from the mirror: no Google call, and never from a calendar that fell behind."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import NamedTuple

from tutorcal.bookings.models import Booking, BookingStatus
from tutorcal.core.ids import parse_id
from tutorcal.google.grants import CalendarStatus, calendar_status
from tutorcal.google.models import CalendarSyncStatus, GoogleGrant
from tutorcal.tutoring_sessions import repository
from tutorcal.tutoring_sessions.errors import CalendarUnavailable, SessionNotFound
from tutorcal.tutoring_sessions.models import TutoringSession
from tutorcal.tutors.errors import TutorNotFound
from tutorcal.users.models import User


class SessionView(NamedTuple):
    """A session as one viewer sees it: ``meet_link`` only for its tutor, admins and students
    holding a confirmed seat (None for everyone else)."""

    id: str
    tutor_id: str
    title: str
    description: str
    start_at: datetime
    end_at: datetime
    capacity: int
    location: str | None
    meet_link: str | None
    seats_taken: int
    booked_by_me: bool


class ReadableCalendar(NamedTuple):
    id: uuid.UUID
    holds_sessions: bool
    counts_as_busy: bool


async def ensure_readable(
    tutor_id: uuid.UUID,
    *,
    now: datetime,
    stale_after: timedelta,
    sessions_only: bool,
    must_be_tutor: bool = False,
) -> list[ReadableCalendar]:
    """The tutor's mirrored calendars, or CalendarUnavailable saying why they cannot be trusted
    (TutorNotFound first when ``must_be_tutor`` and the user is no tutor).

    One query: the tutor joined with the grant and the calendars (every read of sessions and
    slots passes here).
    """
    found = await repository.tutor_calendars(tutor_id)
    if must_be_tutor and not (found and found.is_tutor):
        raise TutorNotFound()
    grant: GoogleGrant | None = None
    if found is not None and found.grant_status is not None:
        grant = GoogleGrant(
            status=found.grant_status,
            refresh_token_ciphertext=found.grant_refresh_token_ciphertext,
            granted_scopes=found.grant_granted_scopes or [],
        )
    status = calendar_status(grant)
    if status != CalendarStatus.CONNECTED:
        raise CalendarUnavailable(
            f"The tutor's Google Calendar is {status.value.replace('_', ' ')}.",
            extra={"calendar_status": status.value},
        )
    assert found is not None  # a grant was found, so was its user
    needed = [
        c for c in found.calendars if c.holds_sessions or (c.counts_as_busy and not sessions_only)
    ]
    if not needed:
        raise CalendarUnavailable(
            "The tutor's calendar has not been read yet.", extra={"calendar_status": "syncing"}
        )
    oldest_allowed = now - stale_after
    for calendar in needed:
        if calendar.status == CalendarSyncStatus.UNAVAILABLE or calendar.last_synced_at is None:
            raise CalendarUnavailable(extra={"calendar_status": "unavailable"})
        if calendar.last_synced_at < oldest_allowed:
            raise CalendarUnavailable(
                "The copy of the tutor's calendar is out of date.",
                extra={"calendar_status": "stale"},
            )
    return [ReadableCalendar(c.id, c.holds_sessions, c.counts_as_busy) for c in needed]


async def list_sessions(
    tutor_id: str,
    viewer: User,
    start: datetime,
    end: datetime,
    *,
    now: datetime,
    stale_after: timedelta,
) -> list[SessionView]:
    """The tutor's active sessions overlapping [start, end), by start; TutorNotFound, or
    CalendarUnavailable when the tutor's session calendar cannot be trusted."""
    tutor_uuid = parse_id(tutor_id, "tutor")
    await ensure_readable(
        tutor_uuid, now=now, stale_after=stale_after, sessions_only=True, must_be_tutor=True
    )
    sessions = await repository.sessions_in_window(tutor_uuid, start, end)
    viewer_id = str(viewer.id)
    sees_every_link = viewer.is_admin or viewer.id == tutor_uuid
    return [
        SessionView(
            id=s.id,
            tutor_id=str(tutor_uuid),
            title=s.title,
            description=s.description,
            start_at=s.start_at,
            end_at=s.end_at,
            capacity=s.capacity,
            location=s.location,
            meet_link=(
                s.meet_link if sees_every_link or viewer_id in s.booked_student_ids else None
            ),
            seats_taken=len(set(s.attendee_emails) | s.booked_emails),
            booked_by_me=viewer_id in s.booked_student_ids,
        )
        for s in sessions
    ]


async def get_session(
    session_id: str, viewer: User, *, now: datetime, stale_after: timedelta
) -> SessionView:
    """One active session; SessionNotFound, or CalendarUnavailable as for a listing."""
    session = await TutoringSession.get_or_none(
        id=parse_id(session_id, "session"), is_active=True, calendar__holds_sessions=True
    )
    if session is None:
        raise SessionNotFound()
    await ensure_readable(session.tutor_id, now=now, stale_after=stale_after, sessions_only=True)
    bookings = await Booking.filter(
        session_id=session.id, status=BookingStatus.CONFIRMED
    ).values_list("student_id", "student__email")
    # A booking not yet written to Google still holds its seat.
    booked_emails = {str(email).lower() for _, email in bookings}
    booked_by_me = any(student_id == viewer.id for student_id, _ in bookings)
    sees_link = booked_by_me or viewer.is_admin or viewer.id == session.tutor_id
    return SessionView(
        id=str(session.id),
        tutor_id=str(session.tutor_id),
        title=session.title,
        description=session.description,
        start_at=session.start_at,
        end_at=session.end_at,
        capacity=session.capacity,
        location=session.location,
        meet_link=session.meet_link if sees_link else None,
        seats_taken=len(set(session.attendee_emails) | booked_emails),
        booked_by_me=booked_by_me,
    )


class RosterView(NamedTuple):
    # Every booking of the session (confirmed and cancelled), oldest first, students loaded.
    bookings: list[Booking]
    # Invited in Google without a confirmed booking: added by the tutor there, or a booking
    # whose removal Google has not been told of yet.
    guests: list[str]


def _roster(session: TutoringSession, bookings: list[Booking], tutor_email: str) -> RosterView:
    booked = {b.student.email.lower() for b in bookings if b.status == BookingStatus.CONFIRMED}
    hosts = {tutor_email.lower(), (session.organizer_email or "").lower()}
    guests = sorted(set(session.attendee_emails) - booked - hosts)
    return RosterView(bookings, guests)


async def _rosters(
    sessions: list[TutoringSession], tutor_email: str
) -> dict[uuid.UUID, RosterView]:
    by_session: dict[uuid.UUID, list[Booking]] = {s.id: [] for s in sessions}
    for booking in (
        await Booking.filter(session_id__in=list(by_session))
        .select_related("student")
        .order_by("created_at", "id")
    ):
        assert booking.session_id is not None
        by_session[booking.session_id].append(booking)
    return {s.id: _roster(s, by_session[s.id], tutor_email) for s in sessions}


def _tutors_view(session: TutoringSession, roster: RosterView) -> SessionView:
    booked = {
        b.student.email.lower() for b in roster.bookings if b.status == BookingStatus.CONFIRMED
    }
    return SessionView(
        id=str(session.id),
        tutor_id=str(session.tutor_id),
        title=session.title,
        description=session.description,
        start_at=session.start_at,
        end_at=session.end_at,
        capacity=session.capacity,
        location=session.location,
        meet_link=session.meet_link,
        seats_taken=len(set(session.attendee_emails) | booked),
        booked_by_me=False,
    )


async def list_tutor_sessions(
    tutor: User, start: datetime, end: datetime
) -> list[tuple[SessionView, RosterView]]:
    """The tutor's own active sessions overlapping [start, end), by start, each with its roster.

    Read from the mirror as it is, even when it fell behind Google: this shows the tutor who
    booked, it offers nobody a seat.
    """
    sessions = await TutoringSession.filter(
        tutor_id=tutor.id,
        is_active=True,
        calendar__holds_sessions=True,
        start_at__lt=end,
        end_at__gt=start,
    ).order_by("start_at", "id")
    rosters = await _rosters(sessions, tutor.email)
    return [(_tutors_view(s, rosters[s.id]), rosters[s.id]) for s in sessions]


async def get_roster(session_id: str, viewer: User) -> RosterView:
    """Who holds (or held) a seat in the session, and who else Google invited: for its tutor
    and admins; anyone else gets SessionNotFound, as if it did not exist."""
    session = await TutoringSession.get_or_none(
        id=parse_id(session_id, "session"), is_active=True
    ).select_related("tutor")
    if session is None or not (viewer.is_admin or session.tutor_id == viewer.id):
        raise SessionNotFound()
    return (await _rosters([session], session.tutor.email))[session.id]
