"""Booking a seat or a slot, cancelling, rescheduling: the invariants live in the database.

Inside one transaction: lock (the session row, or the tutor's profile for one-to-one slots),
check the rules, insert the booking and its outbox job. PostgreSQL's constraints (a partial
unique index and exclusion constraints) are the last word if two instances race anyway; their
violations map to the same 409s. Google is written after commit, through the outbox.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from typing import Literal, NamedTuple
from zoneinfo import ZoneInfo

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from tutorcal.audit import service as audit
from tutorcal.availability import service as availability
from tutorcal.availability.slots import SlotRefusal
from tutorcal.bookings import idempotency, repository
from tutorcal.bookings.errors import (
    AlreadyBooked,
    BeyondHorizon,
    BookingNotFound,
    CancelWindowPassed,
    MinimumNotice,
    OutsideAvailability,
    OwnSession,
    RescheduleToAnotherTutor,
    RescheduleWindowPassed,
    SessionFull,
    SlotTaken,
    StudentConflict,
    WeeklyLimit,
)
from tutorcal.bookings.google_sync import slot_summary
from tutorcal.bookings.models import Booking, BookingKind, BookingStatus, CalendarSync
from tutorcal.bookings.schemas import BookingCreate, BookingReschedule
from tutorcal.core.ids import parse_id, parse_reference
from tutorcal.core.pagination import paginate
from tutorcal.errors import AppError
from tutorcal.google.event_writes import slot_event_id
from tutorcal.google.models import MirroredCalendar
from tutorcal.outbox import service as outbox
from tutorcal.outbox.models import OutboxJob
from tutorcal.tutoring_sessions.errors import SessionNotFound
from tutorcal.tutoring_sessions.models import TutoringSession
from tutorcal.tutoring_sessions.service import ensure_readable
from tutorcal.tutors.errors import TutorNotFound, UnknownSubject
from tutorcal.tutors.models import Subject, TutorProfile
from tutorcal.users.models import User

logger = logging.getLogger("tutorcal.bookings")


class Placed(NamedTuple):
    booking: Booking
    job: OutboxJob


def _constraint_error(exc: IntegrityError) -> Exception:
    text = str(exc)
    if "ex_bookings_student_overlap" in text:
        return StudentConflict()
    if "ex_bookings_tutor_slot_overlap" in text:
        return SlotTaken()
    if "uq_bookings_confirmed_seat" in text:
        return AlreadyBooked()
    return exc


async def _check_rules(
    profile: TutorProfile, tutor: User, student: User, start: datetime, now: datetime
) -> None:
    if start - now < timedelta(minutes=profile.min_notice_minutes):
        raise MinimumNotice()
    if start > now + timedelta(days=profile.horizon_days):
        raise BeyondHorizon()
    if profile.max_bookings_per_student_per_week:
        zone = ZoneInfo(tutor.timezone)
        local = start.astimezone(zone)
        week_start = (local - timedelta(days=local.weekday())).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        held = await Booking.filter(
            student=student,
            tutor=tutor,
            status=BookingStatus.CONFIRMED,
            start_at__gte=week_start,
            start_at__lt=week_start + timedelta(days=7),
        ).count()
        if held >= profile.max_bookings_per_student_per_week:
            raise WeeklyLimit()


async def _student_is_free(
    student: User, start: datetime, end: datetime, *, ignore: Booking | None
) -> None:
    """StudentConflict naming the student's own confirmed booking that overlaps [start, end)."""
    clash = await repository.first_clash(
        student.id, start, end, ignore=ignore.id if ignore is not None else None
    )
    if clash is None:
        return
    title = clash.session.title if clash.session else slot_summary(clash)
    when = f"{clash.start_at:%Y-%m-%d %H:%M}-{clash.end_at:%H:%M} UTC"
    raise StudentConflict(
        f"You already have a booking at this time: {title}, {when}.",
        extra={
            "conflicting_booking": {
                "id": str(clash.id),
                "title": title,
                "start": clash.start_at.isoformat().replace("+00:00", "Z"),
                "end": clash.end_at.isoformat().replace("+00:00", "Z"),
            }
        },
    )


async def _place_seat(
    student: User, session_id: str, now: datetime, *, replacing: Booking | None
) -> Placed:
    session = await TutoringSession.select_for_update().get_or_none(
        id=parse_id(session_id, "session"), is_active=True
    )
    if session is None:
        raise SessionNotFound()
    tutor = await User.get(id=session.tutor_id)
    if tutor.id == student.id:
        raise OwnSession()
    profile, _ = await TutorProfile.get_or_create(user=tutor)
    await _check_rules(profile, tutor, student, session.start_at, now)
    seat_holders = await Booking.filter(
        session=session, status=BookingStatus.CONFIRMED
    ).select_related("student")
    if replacing is not None:
        seat_holders = [b for b in seat_holders if b.id != replacing.id]
    if any(b.student_id == student.id for b in seat_holders):
        raise AlreadyBooked()
    # Their own clash first: it is the one thing the student can change.
    await _student_is_free(student, session.start_at, session.end_at, ignore=replacing)
    emails = set(session.attendee_emails) | {b.student.email.lower() for b in seat_holders}
    # A student the tutor invited by hand already holds a seat in Google.
    if student.email.lower() not in emails and len(emails) >= session.capacity:
        raise SessionFull()
    calendar = await MirroredCalendar.get(id=session.calendar_id)
    booking = await Booking.create(
        kind=BookingKind.SESSION,
        session=session,
        tutor=tutor,
        student=student,
        start_at=session.start_at,
        end_at=session.end_at,
        meet_link=session.meet_link,
        google_calendar_id=calendar.google_calendar_id,
        calendar_event_id=session.google_event_id,
        calendar_sync=CalendarSync.PENDING,
        rescheduled_from=replacing,
    )
    return Placed(booking, await outbox.enqueue(booking.id, now))


async def _place_slot(
    student: User,
    request: BookingCreate,
    now: datetime,
    *,
    replacing: Booking | None,
) -> Placed:
    assert request.tutor_id is not None
    assert request.start is not None
    assert request.minutes is not None
    tutor = await User.get_or_none(
        id=parse_id(request.tutor_id, "tutor"), is_tutor=True, deleted_at__isnull=True
    )
    if tutor is None:
        raise TutorNotFound()
    if tutor.id == student.id:
        raise OwnSession()
    # Serialises one-to-one bookings of this tutor: the overlap check below cannot race.
    profile = await TutorProfile.select_for_update().get_or_none(user_id=tutor.id)
    if profile is None:
        profile = await TutorProfile.create(user=tutor)
    start = request.start.astimezone(now.tzinfo)
    end = start + timedelta(minutes=request.minutes)
    await _check_rules(profile, tutor, student, start, now)
    subject = None
    if request.subject_id:
        subject = await Subject.get_or_none(id=parse_reference(request.subject_id, UnknownSubject))
        if subject is None:
            raise UnknownSubject()
    ignore = replacing.id if replacing is not None else None
    # Before the tutor's calendar: a slot the student holds already is theirs, not "taken".
    await _student_is_free(student, start, end, ignore=replacing)
    refusal = await availability.check_bookable_slot(
        tutor, start, request.minutes, now, ignore_booking_id=ignore
    )
    if refusal is not None:
        raise _slot_refused(refusal)
    taken = Booking.filter(
        tutor=tutor,
        kind=BookingKind.SLOT,
        status=BookingStatus.CONFIRMED,
        start_at__lt=end,
        end_at__gt=start,
    )
    if ignore is not None:
        taken = taken.exclude(id=ignore)
    if await taken.exists():
        raise SlotTaken()
    same_slot_event = (
        replacing is not None
        and replacing.kind == BookingKind.SLOT
        and replacing.tutor_id == tutor.id
    )
    booking = Booking(
        kind=BookingKind.SLOT,
        tutor=tutor,
        student=student,
        subject=subject,
        start_at=start,
        end_at=end,
        note=request.note or "",
        calendar_sync=CalendarSync.PENDING,
        rescheduled_from=replacing,
        google_calendar_id=profile.session_calendar_id or "primary",
    )
    if same_slot_event:
        # Moving a one-to-one slot moves the same Google event: same id, same Meet link, one mail.
        assert replacing is not None
        booking.calendar_event_id = replacing.calendar_event_id
        booking.google_calendar_id = replacing.google_calendar_id
        booking.meet_link = replacing.meet_link
    await booking.save()
    if not booking.calendar_event_id:
        booking.calendar_event_id = slot_event_id(booking.id)
        await booking.save(update_fields=["calendar_event_id"])
    return Placed(booking, await outbox.enqueue(booking.id, now))


def _slot_refused(refusal: SlotRefusal) -> AppError:
    """What a student is told when the tutor's schedule refuses the slot."""
    match refusal:
        case SlotRefusal.TAKEN:
            return SlotTaken()
        case SlotRefusal.BUSY:
            return SlotTaken("The tutor is busy at this time.")
        case SlotRefusal.TOO_SOON:
            return MinimumNotice()
        case SlotRefusal.TOO_FAR:
            return BeyondHorizon()
        case SlotRefusal.NOT_ON_GRID:
            return OutsideAvailability(
                "Slots start on the tutor's grid; pick one of GET /tutors/{id}/slots."
            )
        case SlotRefusal.OUTSIDE_AVAILABILITY:
            return OutsideAvailability()


async def book(
    student: User,
    request: BookingCreate,
    *,
    now: datetime,
    stale_after: timedelta,
    claim: idempotency.Claim | None = None,
) -> Placed:
    """A confirmed booking and its Google job, or a domain error (404, 409, 422).

    With a ``claim``, its key is committed with the booking and only with it; raises
    ``idempotency.KeyTaken`` when a request with that key committed first.
    """
    await _ensure_calendar(request, now, stale_after)
    try:
        async with in_transaction():
            if claim is not None:
                # First, so that a repeat with this key waits here for this transaction.
                await idempotency.take(claim)
            if request.kind == BookingKind.SESSION:
                assert request.session_id is not None
                placed = await _place_seat(student, request.session_id, now, replacing=None)
            else:
                placed = await _place_slot(student, request, now, replacing=None)
            if claim is not None:
                await idempotency.attach(claim, placed.booking.id)
            await audit.record(
                "booking_created",
                actor_id=str(student.id),
                subject_type="booking",
                subject_id=str(placed.booking.id),
                detail={
                    "kind": placed.booking.kind.value,
                    "start": placed.booking.start_at.isoformat(),
                },
            )
    except IntegrityError as exc:
        raise _constraint_error(exc) from exc
    return placed


async def _ensure_calendar(
    request: BookingCreate, now: datetime, stale_after: timedelta
) -> uuid.UUID:
    """Fail closed before booking: never on a calendar we cannot currently read. Returns the
    id of the tutor whose calendar it is."""
    if request.kind == BookingKind.SESSION:
        assert request.session_id is not None
        session = await TutoringSession.get_or_none(
            id=parse_id(request.session_id, "session"), is_active=True
        )
        if session is None:
            raise SessionNotFound()
        await ensure_readable(
            session.tutor_id, now=now, stale_after=stale_after, sessions_only=True
        )
        return session.tutor_id
    assert request.tutor_id is not None
    tutor = await User.get_or_none(id=parse_id(request.tutor_id, "tutor"), is_tutor=True)
    if tutor is None:
        raise TutorNotFound()
    await ensure_readable(tutor.id, now=now, stale_after=stale_after, sessions_only=False)
    return tutor.id


def _role_of(user: User, booking: Booking) -> str | None:
    if booking.student_id == user.id:
        return "student"
    if booking.tutor_id == user.id:
        return "tutor"
    if user.is_admin:
        return "admin"
    return None


# What a booking's answer shows besides the booking itself.
RELATED = ("tutor", "student", "session", "subject")


async def list_bookings_of(
    user: User,
    *,
    role: Literal["student", "tutor"] | None,
    status: BookingStatus | None,
    start: datetime | None,
    end: datetime | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[Booking], str | None]:
    """The user's bookings, newest first: held as a student, taught, or (no role) both;
    raises InvalidCursor."""
    if role == "student":
        query = Booking.filter(student=user)
    elif role == "tutor":
        query = Booking.filter(tutor=user)
    else:
        query = Booking.filter(Q(student=user) | Q(tutor=user))
    if status is not None:
        query = query.filter(status=status)
    if start is not None:
        query = query.filter(end_at__gt=start)
    if end is not None:
        query = query.filter(start_at__lt=end)
    return await paginate(query.select_related(*RELATED), limit=limit, cursor=cursor)


async def get_visible(user: User, booking_id: str) -> Booking:
    """The booking if ``user`` is its student, its tutor or an admin; else 404 as if it did not exist."""
    booking = await Booking.get_or_none(id=parse_id(booking_id, "booking")).select_related(
        "tutor", "student", "session", "subject"
    )
    if booking is None or _role_of(user, booking) is None:
        raise BookingNotFound()
    return booking


async def cancel(
    user: User, booking_id: str, reason: str | None, *, now: datetime
) -> tuple[Booking, OutboxJob | None]:
    """Students only before the tutor's cancel window; tutors and admins any time. Idempotent."""
    booking = await get_visible(user, booking_id)
    role = _role_of(user, booking)
    if booking.status == BookingStatus.CANCELLED:
        return booking, None
    if role == "student":
        profile, _ = await TutorProfile.get_or_create(user_id=booking.tutor_id)
        if booking.start_at - now < timedelta(minutes=profile.cancel_notice_minutes):
            raise CancelWindowPassed()
    async with in_transaction():
        changed = await Booking.filter(id=booking.id, status=BookingStatus.CONFIRMED).update(
            status=BookingStatus.CANCELLED,
            cancelled_at=now,
            cancelled_by=role,
            cancel_reason=reason,
            calendar_sync=CalendarSync.PENDING,
        )
        job = await outbox.enqueue(booking.id, now) if changed else None
        if changed:
            await audit.record(
                "booking_cancelled",
                actor_id=str(user.id),
                subject_type="booking",
                subject_id=str(booking.id),
                detail={"by": role, "reason": reason},
            )
    await booking.refresh_from_db()
    return booking, job


async def reschedule(
    user: User,
    booking_id: str,
    move: BookingReschedule,
    *,
    now: datetime,
    stale_after: timedelta,
) -> tuple[Placed, OutboxJob]:
    """One step: the new place is taken and the old booking cancelled together, or neither."""
    old = await get_visible(user, booking_id)
    role = _role_of(user, old)
    request = move.to(str(old.tutor_id), old.note, str(old.subject_id) if old.subject_id else None)
    if old.status != BookingStatus.CONFIRMED:
        raise BookingNotFound("Only a confirmed booking can be moved.")
    if role == "student":
        profile, _ = await TutorProfile.get_or_create(user_id=old.tutor_id)
        if old.start_at - now < timedelta(minutes=profile.reschedule_notice_minutes):
            raise RescheduleWindowPassed()
    student = old.student
    new_tutor_id = await _ensure_calendar(request, now, stale_after)
    if role == "tutor" and new_tutor_id != old.tutor_id and not user.is_admin:
        # A tutor answers for their own calendar only, not for where another tutor's go.
        raise RescheduleToAnotherTutor()
    try:
        async with in_transaction():
            changed = await Booking.filter(id=old.id, status=BookingStatus.CONFIRMED).update(
                status=BookingStatus.CANCELLED,
                cancelled_at=now,
                cancelled_by=role,
                cancel_reason="rescheduled",
                calendar_sync=CalendarSync.PENDING,
            )
            if not changed:
                raise BookingNotFound("Only a confirmed booking can be moved.")
            if request.kind == BookingKind.SESSION:
                assert request.session_id is not None
                placed = await _place_seat(student, request.session_id, now, replacing=old)
            else:
                placed = await _place_slot(student, request, now, replacing=old)
            old_job = await outbox.enqueue(old.id, now)
            await audit.record(
                "booking_rescheduled",
                actor_id=str(user.id),
                subject_type="booking",
                subject_id=str(placed.booking.id),
                detail={"from": str(old.id), "by": role},
            )
    except IntegrityError as exc:
        raise _constraint_error(exc) from exc
    return placed, old_job


async def cancel_future_bookings_of(user: User, reason: str, now: datetime) -> list[OutboxJob]:
    """For account deletion: the user's future bookings, as student and as tutor."""
    jobs: list[OutboxJob] = []
    upcoming = await Booking.filter(status=BookingStatus.CONFIRMED, start_at__gt=now).filter(
        student=user
    ) + await Booking.filter(status=BookingStatus.CONFIRMED, start_at__gt=now, tutor=user)
    for booking in upcoming:
        async with in_transaction():
            if await Booking.filter(id=booking.id, status=BookingStatus.CONFIRMED).update(
                status=BookingStatus.CANCELLED,
                cancelled_at=now,
                cancelled_by="system",
                cancel_reason=reason,
                calendar_sync=CalendarSync.PENDING,
            ):
                jobs.append(await outbox.enqueue(booking.id, now))
                await audit.record(
                    "booking_cancelled",
                    subject_type="booking",
                    subject_id=str(booking.id),
                    detail={"reason": reason},
                )
    return jobs
