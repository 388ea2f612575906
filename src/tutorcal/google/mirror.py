"""Applying what Google says about a calendar to the mirror, in one transaction.

Pure translation from Google's events to rows: CalendarEvent for busy time, TutoringSession
for events that carry the tutor's keyword, and the consequences for bookings when the tutor
moves, edits or deletes an event in Google, or removes a student from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tutorcal.audit import service as audit
from tutorcal.bookings.models import Booking, BookingKind, BookingStatus, CalendarSync
from tutorcal.core.time import utcnow
from tutorcal.google.calendar_types import Event
from tutorcal.google.models import CalendarEvent, MirroredCalendar
from tutorcal.tutoring_sessions.models import TutoringSession
from tutorcal.tutors.models import TutorProfile

BOOKING_PROPERTY = "tutorcal_booking_id"
_CAPACITY = re.compile(r"capacity\s*:\s*(\d{1,4})", re.IGNORECASE)


@dataclass
class MirrorChanges:
    events_written: int = 0
    events_removed: int = 0
    sessions_changed: int = 0
    bookings_cancelled: int = 0
    seen_event_ids: set[str] = field(default_factory=set)


def booking_id_of(event: Event) -> str | None:
    """tutorcal marks every event it creates; a session never comes from one of those."""
    private = (event.extended_properties or {}).get("private", {})
    return private.get(BOOKING_PROPERTY)


def is_session_event(event: Event, calendar: MirroredCalendar, profile: TutorProfile) -> bool:
    keyword = profile.session_keyword.strip().lower()
    return (
        calendar.holds_sessions
        and not event.is_cancelled
        and bool(keyword)
        and keyword in (event.summary or "").lower()
        and booking_id_of(event) is None
    )


def capacity_of(event: Event, profile: TutorProfile) -> int:
    match = _CAPACITY.search(event.description or "")
    return int(match.group(1)) if match else profile.default_capacity


def seat_holders(event: Event) -> list[str]:
    """Seats taken are the event's attendees other than the organizer (and rooms)."""
    return sorted(
        {
            attendee.email.lower()
            for attendee in event.attendees
            if attendee.email and not attendee.organizer and not attendee.resource
        }
    )


async def apply_events(
    calendar: MirroredCalendar,
    profile: TutorProfile,
    events: list[Event],
    changes: MirrorChanges,
    *,
    read_at: datetime,
) -> None:
    """``read_at``: when the events were asked of Google; a write of ours after that may be
    missing from them without anybody having undone it."""
    for event in events:
        changes.seen_event_ids.add(event.id)
        await _apply_busy_time(calendar, event, changes)
        await _apply_session(calendar, profile, event, changes, read_at)
        if event.is_cancelled and booking_id_of(event):
            await _cancel_slot_booking(calendar, event, changes)


async def _apply_busy_time(
    calendar: MirroredCalendar, event: Event, changes: MirrorChanges
) -> None:
    times = event.times(calendar.time_zone)
    if event.is_cancelled or times is None:
        changes.events_removed += await CalendarEvent.filter(
            calendar=calendar, google_event_id=event.id
        ).delete()
        return
    start_at, end_at = times
    await CalendarEvent.update_or_create(
        defaults={
            "recurring_event_id": event.recurring_event_id,
            "status": event.status,
            "start_at": start_at,
            "end_at": end_at,
            "is_all_day": event.is_all_day,
            "is_transparent": event.is_transparent,
            "is_declined_by_owner": event.is_declined_by_owner,
        },
        calendar=calendar,
        google_event_id=event.id,
    )
    changes.events_written += 1


async def _apply_session(
    calendar: MirroredCalendar,
    profile: TutorProfile,
    event: Event,
    changes: MirrorChanges,
    read_at: datetime,
) -> None:
    session = await TutoringSession.get_or_none(calendar=calendar, google_event_id=event.id)
    if not is_session_event(event, calendar, profile):
        if session is not None and session.is_active:
            await _retire_session(
                session, "deleted" if event.is_cancelled else "keyword_removed", changes
            )
        return
    times = event.times(calendar.time_zone)
    if times is None:
        return
    start_at, end_at = times
    fields: dict[str, Any] = {
        "tutor_id": calendar.tutor_id,
        "recurring_event_id": event.recurring_event_id,
        "etag": event.etag or "",
        "title": event.summary or "",
        "description": event.description or "",
        "location": event.location,
        "meet_link": event.meet_link,
        "start_at": start_at,
        "end_at": end_at,
        "capacity": capacity_of(event, profile),
        "organizer_email": event.organizer.email.lower()
        if event.organizer and event.organizer.email
        else None,
        "attendee_emails": seat_holders(event),
        "is_active": True,
    }
    if session is None:
        session = await TutoringSession.create(
            calendar=calendar, google_event_id=event.id, **fields
        )
        changes.sessions_changed += 1
        await audit.record(
            "session_appeared",
            subject_type="session",
            subject_id=str(session.id),
            detail={"title": session.title, "start": start_at.isoformat()},
        )
        return
    before = (session.title, session.start_at, session.end_at, session.capacity, session.is_active)
    removed = set(session.attendee_emails) - set(seat_holders(event))
    for name, value in fields.items():
        setattr(session, name, value)
    await session.save()
    after = (session.title, session.start_at, session.end_at, session.capacity, session.is_active)
    if before != after:
        changes.sessions_changed += 1
        await audit.record(
            "session_changed",
            subject_type="session",
            subject_id=str(session.id),
            detail={
                "title": session.title,
                "start": start_at.isoformat(),
                "end": end_at.isoformat(),
                "capacity": session.capacity,
                "moved": before[1:3] != after[1:3],
            },
        )
        await Booking.filter(session=session, status=BookingStatus.CONFIRMED).update(
            start_at=start_at, end_at=end_at
        )
    if removed:
        await _cancel_removed_students(session, removed, changes, read_at)


async def _cancel_removed_students(
    session: TutoringSession, removed: set[str], changes: MirrorChanges, read_at: datetime
) -> None:
    # Only bookings written to Google before the events were read count: a pending one is
    # not in the list yet, and one written since may be missing from this (older) list.
    # The write's own push notification brings a list that has it.
    bookings = await Booking.filter(
        session=session,
        status=BookingStatus.CONFIRMED,
        calendar_sync=CalendarSync.SYNCED,
        updated_at__lte=read_at,
    ).select_related("student")
    for booking in bookings:
        if booking.student.email.lower() in removed:
            await _cancel(booking, "removed_in_google", changes)


async def _retire_session(session: TutoringSession, why: str, changes: MirrorChanges) -> None:
    session.is_active = False
    await session.save(update_fields=["is_active", "updated_at"])
    changes.sessions_changed += 1
    await audit.record(
        "session_removed",
        subject_type="session",
        subject_id=str(session.id),
        detail={"why": why, "title": session.title},
    )
    for booking in await Booking.filter(session=session, status=BookingStatus.CONFIRMED):
        await _cancel(booking, "event_cancelled", changes)


async def _cancel_slot_booking(
    calendar: MirroredCalendar, event: Event, changes: MirrorChanges
) -> None:
    bookings = await Booking.filter(
        kind=BookingKind.SLOT,
        status=BookingStatus.CONFIRMED,
        google_calendar_id=calendar.google_calendar_id,
        calendar_event_id=event.id,
    )
    for booking in bookings:
        await _cancel(booking, "event_cancelled", changes)


async def _cancel(booking: Booking, reason: str, changes: MirrorChanges) -> None:
    now = utcnow()
    # Compare-and-swap: a booking cancelled meanwhile by its student stays as they left it.
    updated = await Booking.filter(id=booking.id, status=BookingStatus.CONFIRMED).update(
        status=BookingStatus.CANCELLED,
        cancelled_at=now,
        cancelled_by="tutor",
        cancel_reason=reason,
        calendar_sync=CalendarSync.SYNCED,
    )
    if updated:
        changes.bookings_cancelled += 1
        await audit.record(
            "booking_cancelled",
            subject_type="booking",
            subject_id=str(booking.id),
            detail={"reason": reason, "by": "google"},
        )


async def remove_unseen(
    calendar: MirroredCalendar,
    seen: set[str],
    window_start: datetime,
    window_end: datetime,
    changes: MirrorChanges,
) -> None:
    """After a full sync: whatever the mirror holds in the window that Google no longer lists is gone."""
    stale = CalendarEvent.filter(
        calendar=calendar, start_at__lt=window_end, end_at__gt=window_start
    )
    changes.events_removed += (
        await stale.exclude(google_event_id__in=list(seen)).delete()
        if seen
        else await stale.delete()
    )
    sessions = TutoringSession.filter(
        calendar=calendar, is_active=True, start_at__lt=window_end, end_at__gt=window_start
    )
    for session in await (sessions.exclude(google_event_id__in=list(seen)) if seen else sessions):
        await _retire_session(session, "deleted", changes)
