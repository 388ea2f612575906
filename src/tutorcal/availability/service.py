"""Tutors' availability, and the free one-to-one slots computed from it (read from the mirror)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from tutorcal.audit import service as audit
from tutorcal.availability import repository
from tutorcal.availability.slots import (
    Availability,
    Interval,
    SlotRefusal,
    SlotRules,
    TutorSchedule,
    check_slot,
    free_slots,
)
from tutorcal.google.busy import busy_periods
from tutorcal.tutoring_sessions.service import ensure_readable
from tutorcal.tutors import service as tutors
from tutorcal.tutors.models import TutorProfile
from tutorcal.users.models import User


async def get_availability(tutor_id: str) -> Availability:
    """The tutor's weekly ranges and every override; raises TutorNotFound."""
    view = await tutors.get_tutor(tutor_id)
    return Availability(
        timezone=view.user.timezone,
        weekly=await repository.weekly_for_tutor(view.user.id),
        overrides=await repository.overrides_for_tutor(view.user.id),
    )


async def replace_availability(tutor: User, new: Availability) -> Availability:
    """Replace the weekly ranges and overrides, and set the tutor's time zone, all at once."""
    weekly = [(weekday, r) for weekday, ranges in sorted(new.weekly.items()) for r in ranges]
    overrides = sorted(new.overrides.items())
    async with in_transaction():
        await repository.replace_for_tutor(tutor.id, weekly, overrides)
        tutor.timezone = new.timezone
        await tutor.save(update_fields=["timezone", "updated_at"])
        await audit.record(
            "availability_changed",
            actor_id=str(tutor.id),
            subject_type="user",
            subject_id=str(tutor.id),
            detail={"weekly_ranges": len(weekly), "overrides": len(overrides)},
        )
    return await get_availability(str(tutor.id))


async def list_free_slots(
    tutor_id: str,
    start: datetime,
    end: datetime,
    *,
    minutes: int | None,
    now: datetime,
    stale_after: timedelta,
) -> list[Interval]:
    """Free slots starting in [start, end); raises TutorNotFound, or CalendarUnavailable when the
    tutor's calendars cannot be trusted (never stale times offered as free)."""
    user, profile = await tutors.get_tutor_profile(tutor_id)
    await ensure_readable(user.id, now=now, stale_after=stale_after, sessions_only=False)
    length = minutes or profile.slot_minutes
    schedule = await _schedule(user, profile, start, end + timedelta(minutes=length))
    return free_slots(schedule, now=now, window_start=start, window_end=end, minutes=length)


async def check_bookable_slot(
    tutor: User,
    start: datetime,
    minutes: int,
    now: datetime,
    *,
    ignore_booking_id: uuid.UUID | None = None,
) -> SlotRefusal | None:
    """None when [start, start + minutes) is a free slot of ``tutor`` (as ``list_free_slots`` would
    offer it), else why not. Reads the mirror as it is: the caller checks it is fresh
    (``ensure_readable``); ``ignore_booking_id`` leaves out the booking being rescheduled."""
    user, profile = await tutors.get_tutor_profile(str(tutor.id))
    schedule = await _schedule(
        user,
        profile,
        start,
        start + timedelta(minutes=minutes),
        ignore_booking_id=ignore_booking_id,
    )
    return check_slot(schedule, now=now, start=start, minutes=minutes)


async def _schedule(
    user: User,
    profile: TutorProfile,
    start: datetime,
    end: datetime,
    *,
    ignore_booking_id: uuid.UUID | None = None,
) -> TutorSchedule:
    """What slots starting in [start, end) depend on: busy time and bookings reach one buffer
    beyond, and overrides one local day beyond, so every edge is seen."""
    tutor_id = user.id
    pad = timedelta(minutes=profile.buffer_minutes)
    zone = ZoneInfo(user.timezone)
    first, last = _local_days(start, end, zone)
    availability = Availability(
        timezone=user.timezone,
        weekly=await repository.weekly_for_tutor(tutor_id),
        overrides=await repository.overrides_for_tutor(tutor_id, first, last),
    )
    rules = SlotRules(
        slot_minutes=profile.slot_minutes,
        buffer_minutes=profile.buffer_minutes,
        min_notice_minutes=profile.min_notice_minutes,
        horizon_days=profile.horizon_days,
    )
    busy = await busy_periods(
        tutor_id, start - pad, end + pad, ignore_all_day=profile.ignore_all_day_events
    )
    bookings = await repository.confirmed_booking_times(
        tutor_id, start - pad, end + pad, ignore_booking_id=ignore_booking_id
    )
    return TutorSchedule(availability, rules, busy, bookings)


def _local_days(start: datetime, end: datetime, zone: ZoneInfo) -> tuple[date, date]:
    one_day = timedelta(days=1)
    return start.astimezone(zone).date() - one_day, end.astimezone(zone).date() + one_day
