"""Busy time from the mirror, with Google's semantics (as freeBusy computes it).

Transparent ("free") events and cancelled ones never block; nor do events the tutor
declined; all-day events block unless the tutor chose to ignore them.
https://developers.google.com/workspace/calendar/api/v3/reference/freebusy/query
"""

from __future__ import annotations

import uuid
from datetime import datetime

from tortoise.expressions import Subquery

from tutorcal.google.models import CalendarEvent, MirroredCalendar

Interval = tuple[datetime, datetime]


def merge(intervals: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


async def busy_periods(
    tutor_id: uuid.UUID, start: datetime, end: datetime, *, ignore_all_day: bool
) -> list[Interval]:
    """Merged busy intervals of the tutor's busy calendars that overlap [start, end)."""
    # One statement: the busy calendars as a subquery, not a read of their own.
    calendars = MirroredCalendar.filter(tutor_id=tutor_id, counts_as_busy=True).values("id")
    events = CalendarEvent.filter(
        calendar_id__in=Subquery(calendars),
        start_at__lt=end,
        end_at__gt=start,
        is_transparent=False,
        is_declined_by_owner=False,
    ).exclude(status="cancelled")
    if ignore_all_day:
        events = events.filter(is_all_day=False)
    rows = await events.values_list("start_at", "end_at")
    return merge([(row_start, row_end) for row_start, row_end in rows])
