"""Applying what Google says about a calendar to the mirror, in one transaction.

Pure translation from Google's events to rows: CalendarEvent for busy time, TutoringSession
for events that carry the tutor's keyword. What that means for bookings (the tutor moved,
edited or deleted an event, or removed a student from it) is left as typed changes
(google/changes.py) in ``MirrorChanges.found`` for bookings to decide on.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tutorcal.core.time import utcnow
from tutorcal.google.calendar_types import Event
from tutorcal.google.changes import (
    ChangeEffects,
    MirrorChange,
    SessionEdited,
    SessionRetired,
    SlotEventsDeleted,
)
from tutorcal.google.models import CalendarEvent, MirroredCalendar
from tutorcal.tutoring_sessions.models import TutoringSession
from tutorcal.tutors.models import TutorProfile
from tutorcal.users.models import User

BOOKING_PROPERTY = "tutorcal_booking_id"
_CAPACITY = re.compile(r"capacity\s*:\s*(\d{1,4})", re.IGNORECASE)


# The audit entry of one sync names at most this many sessions; the counts are always whole.
_AUDITED_SESSION_IDS = 50


@dataclass
class MirrorChanges:
    events_written: int = 0
    events_removed: int = 0
    sessions_appeared: int = 0
    sessions_changed: int = 0
    moved: int = 0
    retired: int = 0
    students_removed: int = 0
    slots_cancelled: int = 0
    bookings_cancelled: int = 0
    seen_event_ids: set[str] = field(default_factory=set)
    # The sessions (live or not) whose events this answer listed, changed or not.
    listed_session_ids: set[uuid.UUID] = field(default_factory=set)
    # Listed and not cancelled; a series counts by its own id too (a slot term is one).
    live_event_ids: set[str] = field(default_factory=set)
    session_ids: list[str] = field(default_factory=list)
    retired_why: dict[str, int] = field(default_factory=dict)
    # What others must act on, in the order it was found.
    found: list[MirrorChange] = field(default_factory=list)

    def touched(self, session: TutoringSession) -> None:
        self._touched_id(str(session.id))

    def _touched_id(self, session_id: str) -> None:
        if len(self.session_ids) < _AUDITED_SESSION_IDS and session_id not in self.session_ids:
            self.session_ids.append(session_id)

    def absorb(self, effects: ChangeEffects) -> None:
        """Counts what the handler of ``found`` did, for the audit entry."""
        self.bookings_cancelled += effects.bookings_cancelled
        self.students_removed += effects.students_removed
        self.slots_cancelled += effects.slots_cancelled
        for session_id in effects.session_ids:
            self._touched_id(session_id)

    def audit_detail(self) -> dict[str, Any] | None:
        """What one sync changed that people see, as counts; None when it changed nothing."""
        counts = {
            "sessions_appeared": self.sessions_appeared,
            "sessions_changed": self.sessions_changed,
            "moved": self.moved,
            "retired": self.retired,
            "students_removed": self.students_removed,
            "slots_cancelled": self.slots_cancelled,
            "bookings_cancelled": self.bookings_cancelled,
        }
        if not any(counts.values()):
            return None
        return {
            **counts,
            "busy_events_written": self.events_written,
            "busy_events_removed": self.events_removed,
            "retired_why": self.retired_why,
            "session_ids": self.session_ids,
        }


def booking_id_of(event: Event) -> str | None:
    """tutorcal marks every event it creates; a session never comes from one of those."""
    private = (event.extended_properties or {}).get("private", {})
    return private.get(BOOKING_PROPERTY)


def is_organised_by_owner(event: Event, owner_emails: set[str]) -> bool:
    """Google marks the organizer ``self`` on the organizer's own calendar; an invitation's copy
    names somebody else. Anyone can invite a tutor to an event with the keyword in its title,
    and its guest list is not the tutor's to change."""
    organizer = event.organizer
    if organizer is None:
        return False
    if organizer.is_self:
        return True
    return bool(organizer.email) and (organizer.email or "").lower() in owner_emails


def is_session_event(
    event: Event, calendar: MirroredCalendar, profile: TutorProfile, owner_emails: set[str]
) -> bool:
    keyword = profile.session_keyword.strip().lower()
    return (
        calendar.holds_sessions
        and not event.is_cancelled
        and bool(keyword)
        and keyword in (event.summary or "").lower()
        and booking_id_of(event) is None
        and is_organised_by_owner(event, owner_emails)
    )


async def owner_emails_of(calendar: MirroredCalendar) -> set[str]:
    """The addresses an event the tutor organises on this calendar names as its organizer."""
    tutor = await User.get(id=calendar.tutor_id)
    emails = {tutor.email.lower()}
    if "@" in calendar.google_calendar_id:
        emails.add(calendar.google_calendar_id.lower())
    return emails


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


# Ids per statement when the rows of listed events are read up front (SQLite's default bound
# on a statement's variables is far above this; PostgreSQL's and MySQL's more so).
_IDS_PER_READ = 500


@dataclass
class _Mirrored:
    """The rows the mirror holds for a listing's events, read up front: one statement per
    kind of row (per _IDS_PER_READ events) instead of a read per event. Rows new in this
    listing are inserted together at its end (``insert_new``)."""

    busy: dict[str, CalendarEvent] = field(default_factory=dict)
    sessions: dict[str, TutoringSession] = field(default_factory=dict)

    async def insert_new(self) -> None:
        busy = [row for row in self.busy.values() if not row._saved_in_db]
        if busy:
            await CalendarEvent.bulk_create(busy, batch_size=_IDS_PER_READ)
        sessions = [row for row in self.sessions.values() if not row._saved_in_db]
        if sessions:
            await TutoringSession.bulk_create(sessions, batch_size=_IDS_PER_READ)


async def _mirrored(calendar: MirroredCalendar, events: list[Event]) -> _Mirrored:
    ids = list(dict.fromkeys(event.id for event in events))
    mirrored = _Mirrored()
    for first in range(0, len(ids), _IDS_PER_READ):
        chunk = ids[first : first + _IDS_PER_READ]
        for row in await CalendarEvent.filter(calendar=calendar, google_event_id__in=chunk):
            mirrored.busy[row.google_event_id] = row
        for session in await TutoringSession.filter(calendar=calendar, google_event_id__in=chunk):
            mirrored.sessions[session.google_event_id] = session
    return mirrored


async def apply_events(
    calendar: MirroredCalendar,
    profile: TutorProfile,
    events: list[Event],
    changes: MirrorChanges,
    *,
    read_at: datetime,
) -> None:
    """``read_at``: when the events were asked of Google; a write of ours after that may be
    missing from them without anybody having undone it.

    Rows whose facts Google left as they were are not written: a full sync of a term that
    did not change (after a 410, or the window moving on) costs the reads, not a write per
    event. The caller holds the calendar's sync lease, so nobody else writes these rows."""
    owners = await owner_emails_of(calendar)
    mirrored = await _mirrored(calendar, events)
    for event in events:
        ids = {event.id, *([event.recurring_event_id] if event.recurring_event_id else [])}
        changes.seen_event_ids |= ids
        if not event.is_cancelled:
            changes.live_event_ids |= ids
        await _apply_busy_time(calendar, event, changes, mirrored.busy)
        await _apply_session(calendar, profile, event, changes, owners, mirrored.sessions)
        session = mirrored.sessions.get(event.id)
        if session is not None:
            changes.listed_session_ids.add(session.id)
        if event.is_cancelled:
            # Google's entry for a deleted event carries its id only, not our booking mark;
            # the id is ours (derived from the booking), so it is enough.
            changes.found.append(
                SlotEventsDeleted(calendar.google_calendar_id, (event.id,), read_at)
            )
    await mirrored.insert_new()


async def _apply_busy_time(
    calendar: MirroredCalendar,
    event: Event,
    changes: MirrorChanges,
    mirrored: dict[str, CalendarEvent],
) -> None:
    times = event.times(calendar.time_zone)
    row = mirrored.get(event.id)
    if event.is_cancelled or times is None:
        if row is not None:
            del mirrored[event.id]
            if row._saved_in_db:
                changes.events_removed += await CalendarEvent.filter(id=row.id).delete()
        return
    start_at, end_at = times
    facts: dict[str, Any] = {
        "recurring_event_id": event.recurring_event_id,
        "status": event.status,
        "start_at": start_at,
        "end_at": end_at,
        "is_all_day": event.is_all_day,
        "is_transparent": event.is_transparent,
        "is_declined_by_owner": event.is_declined_by_owner,
    }
    if row is None:
        mirrored[event.id] = CalendarEvent(calendar=calendar, google_event_id=event.id, **facts)
    else:
        changed = [name for name, value in facts.items() if getattr(row, name) != value]
        if not changed:
            return
        for name in changed:
            setattr(row, name, facts[name])
        if row._saved_in_db:
            await row.save(update_fields=[*changed, "updated_at"])
    changes.events_written += 1


async def _apply_session(
    calendar: MirroredCalendar,
    profile: TutorProfile,
    event: Event,
    changes: MirrorChanges,
    owner_emails: set[str],
    mirrored: dict[str, TutoringSession],
) -> None:
    session = mirrored.get(event.id)
    if not is_session_event(event, calendar, profile, owner_emails):
        if session is not None and session.is_active:
            if event.is_cancelled:
                why = "deleted"
            elif not is_organised_by_owner(event, owner_emails):
                why = "not_organizer"
            else:
                why = "keyword_removed"
            await _retire_session(session, why, changes)
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
        session = mirrored[event.id] = TutoringSession(
            calendar=calendar, google_event_id=event.id, **fields
        )
        changes.sessions_appeared += 1
        changes.touched(session)
        return
    changed = [name for name, value in fields.items() if getattr(session, name) != value]
    if not changed:
        return
    before = (session.title, session.start_at, session.end_at, session.capacity, session.is_active)
    for name in changed:
        setattr(session, name, fields[name])
    if session._saved_in_db:
        await session.save(update_fields=[*changed, "updated_at"])
    after = (session.title, session.start_at, session.end_at, session.capacity, session.is_active)
    if before != after:
        if before[1:3] != after[1:3]:
            changes.moved += 1
        else:
            changes.sessions_changed += 1
        changes.touched(session)
        changes.found.append(SessionEdited(session.id, start_at, end_at))


async def record_own_write(calendar_id: uuid.UUID, written: Event, *, replaced_etag: str) -> None:
    """Our write's answer is the event's newest version: the session takes its guest list and
    etag, so the sync our write's notification starts finds the event unchanged.

    Only over the version the write replaced (its etag): the answer is that version with one
    guest changed, so the row stays one whole version of the event. A row that a sync moved
    past it, or one that had not caught up with it, is left to the sync, which lists the event
    again (our write changed it)."""
    await TutoringSession.filter(
        calendar_id=calendar_id, google_event_id=written.id, etag=replaced_etag
    ).update(etag=written.etag or "", attendee_emails=seat_holders(written), updated_at=utcnow())


async def _retire_session(session: TutoringSession, why: str, changes: MirrorChanges) -> None:
    session.is_active = False
    if session._saved_in_db:  # else it is inserted, retired, at the end of the listing
        await session.save(update_fields=["is_active", "updated_at"])
    changes.retired += 1
    changes.retired_why[why] = changes.retired_why.get(why, 0) + 1
    changes.touched(session)
    changes.found.append(SessionRetired(session.id, why))


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
