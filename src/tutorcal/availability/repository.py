"""Availability rows, and the confirmed booking times that take a tutor's time."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from tutorcal.availability.models import (
    AvailabilityOverride,
    AvailabilityOverrideRange,
    AvailabilityRule,
)
from tutorcal.availability.slots import MINUTES_PER_DAY, Interval, LocalRange
from tutorcal.bookings.models import Booking, BookingStatus


def _range(start_minute: int, end_minute: int) -> LocalRange:
    return LocalRange(start_minute, end_minute or MINUTES_PER_DAY)


async def weekly_for_tutor(tutor_id: uuid.UUID) -> dict[int, list[LocalRange]]:
    weekly: dict[int, list[LocalRange]] = {}
    # Three columns, not models: every slot read and slot booking asks this.
    for weekday, start, end in await AvailabilityRule.filter(tutor_id=tutor_id).values_list(
        "weekday", "start_minute", "end_minute"
    ):
        weekly.setdefault(weekday, []).append(_range(start, end))
    return {weekday: sorted(ranges) for weekday, ranges in sorted(weekly.items())}


async def overrides_for_tutor(
    tutor_id: uuid.UUID, first: date | None = None, last: date | None = None
) -> dict[date, list[LocalRange]]:
    """Overrides by date (all of them, or those from ``first`` to ``last`` inclusive)."""
    query = AvailabilityOverride.filter(tutor_id=tutor_id)
    if first is not None and last is not None:
        query = query.filter(on_date__gte=first, on_date__lte=last)
    overrides: dict[object, date] = dict(
        await query.order_by("on_date").values_list("id", "on_date")
    )
    by_date: dict[date, list[LocalRange]] = {day: [] for day in overrides.values()}
    if not overrides:
        return {}  # most windows have none: no second read
    for override_id, start, end in await AvailabilityOverrideRange.filter(
        override_id__in=list(overrides)
    ).values_list("override_id", "start_minute", "end_minute"):
        by_date[overrides[override_id]].append(_range(start, end))
    return {day: sorted(ranges) for day, ranges in by_date.items()}


async def replace_for_tutor(
    tutor_id: uuid.UUID,
    weekly: Sequence[tuple[int, LocalRange]],
    overrides: Sequence[tuple[date, Sequence[LocalRange]]],
) -> None:
    """Delete and rewrite every row; the caller holds the transaction."""
    await AvailabilityRule.filter(tutor_id=tutor_id).delete()
    await AvailabilityOverride.filter(tutor_id=tutor_id).delete()  # ranges cascade
    await AvailabilityRule.bulk_create(
        [
            AvailabilityRule(
                tutor_id=tutor_id,
                weekday=weekday,
                start_minute=r.start_minute,
                end_minute=r.end_minute,
            )
            for weekday, r in weekly
        ]
    )
    rows = [
        (AvailabilityOverride(tutor_id=tutor_id, on_date=day), ranges) for day, ranges in overrides
    ]
    await AvailabilityOverride.bulk_create([row for row, _ in rows])
    await AvailabilityOverrideRange.bulk_create(
        [
            AvailabilityOverrideRange(
                override_id=row.id,
                start_minute=r.start_minute,
                end_minute=r.end_minute,
            )
            for row, ranges in rows
            for r in ranges
        ]
    )


async def confirmed_booking_times(
    tutor_id: uuid.UUID,
    start: datetime,
    end: datetime,
    *,
    ignore_booking_id: uuid.UUID | None = None,
) -> list[Interval]:
    """The tutor's confirmed bookings (sessions and slots) overlapping [start, end)."""
    query = Booking.filter(
        tutor_id=tutor_id, status=BookingStatus.CONFIRMED, start_at__lt=end, end_at__gt=start
    )
    if ignore_booking_id is not None:
        query = query.exclude(id=ignore_booking_id)
    rows = await query.values_list("start_at", "end_at")
    return [(row_start, row_end) for row_start, row_end in rows]
