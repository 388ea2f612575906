"""Making Google match a booking's state: the outbox's handler for booking jobs.

Each run reads the bookings as they are now and makes the tutor's event agree, so running it
twice, late, or out of order converges on the same result and nothing is written twice.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from tutorcal.bookings import repository
from tutorcal.bookings.models import Booking, BookingKind, BookingStatus, CalendarSync
from tutorcal.core.time import utcnow
from tutorcal.google import mirror
from tutorcal.google.calendar_errors import CalendarBadRequest, CalendarForbidden, Unauthorized
from tutorcal.google.event_writes import (
    SLOT_DESCRIPTION,
    NotOurEvent,
    put_slot_event,
    remove_slot_event,
    set_attendance,
    slot_event_id,
)
from tutorcal.google.grants import NoLiveCalendarGrant
from tutorcal.google.service import CalendarService
from tutorcal.outbox.models import OutboxJob, OutboxStatus
from tutorcal.outbox.service import Deferred, PermanentFailure, RetryPolicy, drain, make_due


def slot_summary(booking: Booking) -> str:
    subject = booking.subject.name if booking.subject else "one-to-one"
    return f"Tutoring: {subject} with {booking.student.name}"


def slot_description(booking: Booking) -> str:
    """What the one-to-one event says: the student's note is for the tutor, who is, with the
    student, the event's only guest (a slot is never shared)."""
    if not booking.note:
        return SLOT_DESCRIPTION
    return f"{SLOT_DESCRIPTION}\n\nNote from {booking.student.name}: {booking.note}"


class BookingWrites:
    def __init__(self, calendars: CalendarService, *, quick: bool = False) -> None:
        self._calendars = calendars
        self._quick = quick

    async def __call__(self, job: OutboxJob) -> None:
        booking = await repository.with_related(job.booking_id) if job.booking_id else None
        if booking is None:
            raise PermanentFailure(f"booking {job.booking_id} is gone")
        try:
            if booking.kind == BookingKind.SESSION:
                await self._seat(booking)
            else:
                await self._slot(booking)
        except (NotOurEvent, CalendarBadRequest, CalendarForbidden) as exc:
            raise PermanentFailure(str(exc)) from exc
        except (NoLiveCalendarGrant, Unauthorized) as exc:
            # Only the tutor can bring the grant back; resume_writes_of() runs when they do.
            raise Deferred(f"the tutor's Google grant is not usable: {exc}") from exc

    async def _client(self, booking: Booking):  # type: ignore[no-untyped-def]
        return await self._calendars.client_for(str(booking.tutor_id), quick=self._quick)

    async def _seat(self, booking: Booking) -> None:
        session = booking.session
        assert session is not None
        calendar = session.calendar
        holder = await Booking.filter(
            session_id=session.id, student_id=booking.student_id, status=BookingStatus.CONFIRMED
        ).first()
        written = await set_attendance(
            await self._client(booking),
            calendar.google_calendar_id,
            session.google_event_id,
            email=booking.student.email,
            display_name=booking.student.name,
            booking_id=holder.id if holder else booking.id,
            present=holder is not None,
        )
        if written is not None:
            await mirror.record_own_write(
                calendar.id, written.event, replaced_etag=written.replaced_etag
            )
        await Booking.filter(session_id=session.id, student_id=booking.student_id).update(
            calendar_sync=CalendarSync.SYNCED, updated_at=utcnow()
        )

    async def _slot(self, booking: Booking) -> None:
        assert booking.google_calendar_id is not None
        assert booking.calendar_event_id is not None
        owner = (
            await Booking.filter(
                kind=BookingKind.SLOT,
                status=BookingStatus.CONFIRMED,
                google_calendar_id=booking.google_calendar_id,
                calendar_event_id=booking.calendar_event_id,
            )
            .select_related("student", "subject")
            .first()
        )
        client = await self._client(booking)
        if owner is None:
            await remove_slot_event(client, booking.google_calendar_id, booking.calendar_event_id)
            await Booking.filter(id=booking.id).update(
                calendar_sync=CalendarSync.SYNCED, updated_at=utcnow()
            )
            return
        event = await put_slot_event(
            client,
            owner.google_calendar_id or booking.google_calendar_id,
            booking.calendar_event_id,
            booking_id=owner.id,
            summary=slot_summary(owner),
            description=slot_description(owner),
            start=owner.start_at,
            end=owner.end_at,
            student_email=owner.student.email,
            student_name=owner.student.name,
            # An id minted for this booking and never written: one insert, no read first.
            likely_new=booking.calendar_event_id == slot_event_id(owner.id)
            and owner.calendar_sync != CalendarSync.SYNCED,
        )
        await Booking.filter(id=owner.id).update(
            calendar_sync=CalendarSync.SYNCED, updated_at=utcnow(), meet_link=event.meet_link
        )
        if booking.id != owner.id:
            await Booking.filter(id=booking.id).update(
                calendar_sync=CalendarSync.SYNCED, updated_at=utcnow()
            )


async def resume_writes_of(tutor_id: object, now: datetime) -> int:
    """The tutor reconnected Google: writes that waited for their grant are due from ``now``."""
    waiting = await OutboxJob.filter(
        status=OutboxStatus.PENDING, booking__tutor_id=tutor_id
    ).values_list("id", flat=True)
    return await make_due([uuid.UUID(str(job_id)) for job_id in waiting], now)


async def mark_failed(job: OutboxJob) -> None:
    if job.booking_id is not None:
        await Booking.filter(id=job.booking_id).update(calendar_sync=CalendarSync.FAILED)


async def mark_pending(job: OutboxJob) -> None:
    """An admin retries the failed write: the booking says it is on its way again."""
    if job.booking_id is not None:
        await Booking.filter(id=job.booking_id, calendar_sync=CalendarSync.FAILED).update(
            calendar_sync=CalendarSync.PENDING
        )


async def drain_booking_writes(
    calendars: CalendarService, policy: RetryPolicy, limit: int = 200
) -> dict[str, int]:
    result = await drain(
        BookingWrites(calendars), limit=limit, on_failed=mark_failed, policy=policy
    )
    return result.as_dict()
