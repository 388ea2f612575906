"""What the tutor's changes in Google mean for bookings: the handler of a sync's findings.

Bookings are reconciled with the state Google is in now, never with what changed since the
last sync: one sync may serve both our own write and the tutor's undoing of it, and then no
list ever showed the student on the event.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from tortoise.expressions import Q

from tutorcal.audit import service as audit
from tutorcal.bookings.models import Booking, BookingKind, BookingStatus, CalendarSync
from tutorcal.core.time import Clock
from tutorcal.google.changes import (
    AttendeesRead,
    ChangeEffects,
    EventsListedInWindow,
    MirrorChange,
    SessionEdited,
    SessionRetired,
    SlotEventsDeleted,
)


@dataclass
class _Tally:
    # When the bookings the changes cancel were cancelled.
    now: datetime
    bookings_cancelled: int = 0
    students_removed: int = 0
    slots_cancelled: int = 0
    session_ids: list[str] = field(default_factory=list)

    def effects(self) -> ChangeEffects:
        return ChangeEffects(
            self.bookings_cancelled,
            self.students_removed,
            self.slots_cancelled,
            tuple(self.session_ids),
        )


class BookingMirrorChanges:
    """The MirrorChangeHandler the sync engine is given (wired in runtime.py)."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    async def apply(self, changes: Sequence[MirrorChange]) -> ChangeEffects:
        """Cancels or moves the bookings the changes concern, in order, in the caller's
        transaction; every booking cancelled keeps an audit entry of its own."""
        tally = _Tally(self._clock.now())
        for change in changes:
            match change:
                case SessionRetired():
                    await _session_retired(change, tally)
                case SessionEdited():
                    await Booking.filter(
                        session_id=change.session_id, status=BookingStatus.CONFIRMED
                    ).update(start_at=change.start_at, end_at=change.end_at)
                case SlotEventsDeleted():
                    await _slot_events_deleted(change, tally)
                case EventsListedInWindow():
                    await _reconcile_slots(change, tally)
                case AttendeesRead():
                    await _reconcile_seats(change, tally)
        return tally.effects()


async def _session_retired(change: SessionRetired, tally: _Tally) -> None:
    for booking in await Booking.filter(
        session_id=change.session_id, status=BookingStatus.CONFIRMED
    ):
        await _cancel(booking, "event_cancelled", tally)


async def _slot_events_deleted(change: SlotEventsDeleted, tally: _Tally) -> None:
    bookings = await Booking.filter(
        kind=BookingKind.SLOT,
        status=BookingStatus.CONFIRMED,
        google_calendar_id=change.google_calendar_id,
        calendar_event_id__in=list(change.event_ids),
        # Written (again) after the read: the deletion listed may be older than our write.
        updated_at__lte=change.read_at,
    )
    for booking in bookings:
        if await _cancel(booking, "event_cancelled", tally):
            tally.slots_cancelled += 1


async def _reconcile_seats(change: AttendeesRead, tally: _Tally) -> None:
    """Every confirmed seat whose student is not on the event now loses it.

    After a sync every active session holds Google's guest list as of ``read_at``: the events
    listed were just applied, and an incremental sync leaves out only the unchanged ones. Only
    seats written to Google before that read count: a pending one is not on the event yet, and
    one written since may be missing from this (older) list; the write's own notification
    brings a list that has it.

    After an incremental sync only two kinds of seat can be off the event and still held: those
    on the sessions it listed, and those written since the sync before it read Google (that
    sync left them to a later list). Every other seat was checked by a sync before, against a
    guest list that has not changed since (a change would have been listed).
    """
    read_at = change.read_at
    bookings = Booking.filter(
        kind=BookingKind.SESSION,
        status=BookingStatus.CONFIRMED,
        calendar_sync=CalendarSync.SYNCED,
        updated_at__lte=read_at,
        end_at__gt=read_at,
        session__calendar_id=change.calendar_id,
        session__is_active=True,
    )
    if change.session_ids is not None and change.previous_read_at is not None:
        unchecked = Q(updated_at__gt=change.previous_read_at)
        if change.session_ids:
            unchecked |= Q(session_id__in=list(change.session_ids))
        bookings = bookings.filter(unchecked)
    for booking in await bookings.select_related("student", "session"):
        session = booking.session
        assert session is not None
        on_event = booking.student.email.lower() in set(session.attendee_emails)
        if not on_event and await _cancel(booking, "removed_in_google", tally):
            tally.students_removed += 1
            if str(session.id) not in tally.session_ids:
                tally.session_ids.append(str(session.id))


async def _reconcile_slots(change: EventsListedInWindow, tally: _Tally) -> None:
    """After a full sync: a slot whose event Google no longer lists was deleted there.

    A full sync may not list a deleted event at all (Google forgets them after a while, and a
    410 often means exactly that), so its deletion is never seen as such. A slot still waiting
    for its write (pending) or written after the read is left alone: the outbox writes it.
    """
    window_start: datetime = change.window_start_at
    slots = Booking.filter(
        kind=BookingKind.SLOT,
        status=BookingStatus.CONFIRMED,
        calendar_sync=CalendarSync.SYNCED,
        updated_at__lte=change.read_at,
        tutor_id=change.tutor_id,
        google_calendar_id=change.google_calendar_id,
        calendar_event_id__isnull=False,
        start_at__lt=change.window_end_at,
        end_at__gt=max(window_start, change.read_at),
    )
    if change.live_event_ids:
        slots = slots.exclude(calendar_event_id__in=list(change.live_event_ids))
    for booking in await slots:
        if await _cancel(booking, "event_cancelled", tally):
            tally.slots_cancelled += 1


async def _cancel(booking: Booking, reason: str, tally: _Tally) -> bool:
    """Each booking the mirror cancels keeps an audit entry of its own: it is somebody's."""
    # Compare-and-swap: a booking cancelled meanwhile by its student stays as they left it.
    updated = await Booking.filter(id=booking.id, status=BookingStatus.CONFIRMED).update(
        status=BookingStatus.CANCELLED,
        cancelled_at=tally.now,
        cancelled_by="tutor",
        cancel_reason=reason,
        calendar_sync=CalendarSync.SYNCED,
    )
    if not updated:
        return False
    tally.bookings_cancelled += 1
    await audit.record(
        "booking_cancelled",
        subject_type="booking",
        subject_id=str(booking.id),
        detail={"reason": reason, "by": "google"},
    )
    return True
