"""The bookings API's use cases carried to their answer: Google tried at once after the
commit, then the booking read back as its viewer sees it (``BookingRead``).

``bookings.service`` decides and writes inside its transactions; this module is what a
request does around them, so that the router only maps HTTP onto it.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any, Literal

from tutorcal.bookings import idempotency, repository
from tutorcal.bookings import service as bookings
from tutorcal.bookings.errors import BookingNotFound
from tutorcal.bookings.google_sync import BookingWrites, mark_failed, slot_summary
from tutorcal.bookings.models import Booking, BookingStatus
from tutorcal.bookings.schemas import (
    BookingCreate,
    BookingRead,
    BookingReschedule,
    PersonRef,
    StudentRef,
)
from tutorcal.outbox import service as outbox
from tutorcal.outbox.models import OutboxJob
from tutorcal.runtime import Runtime
from tutorcal.tutors import service as tutors
from tutorcal.tutors.service import NoticeWindows
from tutorcal.users.models import User


def _sees_meet_link(booking: Booking, viewer: User) -> bool:
    """The link is the way into the call: its tutor and admins see it, and the student while
    the booking holds their seat."""
    if viewer.is_admin or booking.tutor_id == viewer.id:
        return True
    return booking.student_id == viewer.id and booking.status == BookingStatus.CONFIRMED


def _booking_read(booking: Booking, windows: NoticeWindows, viewer: User) -> BookingRead:
    """``booking`` with its tutor, student, session and subject loaded (``bookings.service.RELATED``), as
    ``viewer`` sees it."""
    return BookingRead(
        id=str(booking.id),
        status=booking.status,
        kind=booking.kind,
        session_id=str(booking.session_id) if booking.session_id else None,
        tutor=PersonRef(id=str(booking.tutor.id), name=booking.tutor.name),
        student=StudentRef(
            id=str(booking.student.id), name=booking.student.name, email=booking.student.email
        ),
        start=booking.start_at,
        end=booking.end_at,
        subject_id=str(booking.subject_id) if booking.subject_id else None,
        note=booking.note,
        meet_link=booking.meet_link if _sees_meet_link(booking, viewer) else None,
        calendar_event_id=booking.calendar_event_id,
        calendar_sync=booking.calendar_sync,
        created_at=booking.created_at,
        cancelled_at=booking.cancelled_at,
        cancelled_by=booking.cancelled_by,
        cancel_reason=booking.cancel_reason,
        rescheduled_from=str(booking.rescheduled_from_id) if booking.rescheduled_from_id else None,
        title=booking.session.title if booking.session else slot_summary(booking),
        subject_name=booking.subject.name if booking.subject else None,
        cancel_closes_at=booking.start_at - timedelta(minutes=windows.cancel_notice_minutes),
        reschedule_closes_at=booking.start_at
        - timedelta(minutes=windows.reschedule_notice_minutes),
    )


async def _reads(rows: list[Booking], viewer: User) -> list[BookingRead]:
    windows = await tutors.notice_windows({booking.tutor_id for booking in rows})
    return [_booking_read(booking, windows[booking.tutor_id], viewer) for booking in rows]


async def read_as(booking_id: uuid.UUID, viewer: User) -> BookingRead:
    """The booking as it is now, as ``viewer`` sees it; raises BookingNotFound."""
    booking = await repository.with_related(booking_id)
    if booking is None:
        raise BookingNotFound()
    return (await _reads([booking], viewer))[0]


async def _write_now(runtime: Runtime, *jobs: OutboxJob | None, new_booking: bool = False) -> None:
    """Try Google at once, briefly; whatever does not get through, the outbox worker finishes.

    ``new_booking``: the one job is the first of a booking this request created."""
    writes = BookingWrites(runtime.calendar, quick=True)
    for job in jobs:
        if job is not None:
            await outbox.run_job(
                job.id,
                writes,
                mark_failed,
                policy=runtime.outbox_policy,
                fresh=job if new_booking else None,
            )


def _stale(runtime: Runtime) -> timedelta:
    return timedelta(minutes=runtime.settings.mirror_stale_after_minutes)


async def create_booking(
    user: User, body: BookingCreate, runtime: Runtime, *, path: str, key: str | None
) -> idempotency.Answered:
    """The new booking's answer (201), or with an ``Idempotency-Key`` the first answer to that
    key; raises the booking's domain errors and the key's 409 and 422."""

    async def run(claim: idempotency.Claim | None) -> bookings.Placed:
        return await bookings.book(
            user, body, now=runtime.clock.now(), stale_after=_stale(runtime), claim=claim
        )

    async def settle(placed: bookings.Placed) -> idempotency.Made:
        await _write_now(runtime, placed.job, new_booking=True)
        return idempotency.Made(placed.booking.id, await reread(placed.booking.id))

    async def reread(booking_id: uuid.UUID) -> dict[str, Any]:
        return (await read_as(booking_id, user)).model_dump(mode="json")

    claim = None
    if key:
        digest = idempotency.fingerprint(path, body.model_dump(mode="json"))
        claim = idempotency.Claim(user, key, digest, runtime.clock)
    return await idempotency.answer_once(claim, run, settle, reread)


async def list_bookings(
    user: User,
    *,
    role: Literal["student", "tutor"] | None,
    status: BookingStatus | None,
    start: datetime | None,
    end: datetime | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[BookingRead], str | None]:
    """The user's bookings, newest first, as they see them; raises InvalidCursor."""
    rows, next_cursor = await bookings.list_bookings_of(
        user, role=role, status=status, start=start, end=end, limit=limit, cursor=cursor
    )
    return await _reads(rows, user), next_cursor


async def read_booking(user: User, booking_id: str) -> BookingRead:
    """Raises BookingNotFound unless ``user`` is its student, its tutor or an admin."""
    return (await _reads([await bookings.get_visible(user, booking_id)], user))[0]


async def cancel_booking(
    user: User, booking_id: str, reason: str | None, runtime: Runtime
) -> BookingRead:
    """The cancelled booking (see ``bookings.service.cancel``), Google told at once."""
    booking, job = await bookings.cancel(user, booking_id, reason, now=runtime.clock.now())
    await _write_now(runtime, job)
    return await read_as(booking.id, user)


async def reschedule_booking(
    user: User, booking_id: str, move: BookingReschedule, runtime: Runtime
) -> BookingRead:
    """The new booking (see ``bookings.service.reschedule``), Google told at once."""
    placed, old_job = await bookings.reschedule(
        user, booking_id, move, now=runtime.clock.now(), stale_after=_stale(runtime)
    )
    # The new place first: a moved one-to-one event is updated, not deleted and re-created.
    await _write_now(runtime, placed.job, old_job)
    return await read_as(placed.booking.id, user)
