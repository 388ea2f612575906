"""Free one-to-one slots: pure functions of availability, busy time, bookings and "now".

No I/O and no clock. Instants are aware UTC datetimes; local time exists only here, in
the tutor's IANA zone, where weekly rules and date overrides become instants.

A local range runs from the first instant the tutor's wall clock reads its start until
the first instant it reads its end. So a time repeated when clocks go back means its
first occurrence (as RFC 5545 reads it), and a time skipped when clocks go forward means
the moment of the jump: "02:30-04:00" on the spring-forward day in America/Los_Angeles
is 03:00-04:00 PDT, and "01:00-02:30" that day ends at the jump, so no slot lands on a
skipped time or past the range's end. Slots step in elapsed time from their range's
start, so the repeated hour in the fall gives distinct, non-overlapping instants.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import NamedTuple
from zoneinfo import ZoneInfo

Interval = tuple[datetime, datetime]

MINUTES_PER_DAY = 24 * 60
_SECOND = timedelta(seconds=1)


@dataclass(frozen=True, order=True)
class LocalRange:
    """Part of one local day in minutes after midnight; ``end_minute`` 1440 is the midnight ending it."""

    start_minute: int
    end_minute: int

    def __post_init__(self) -> None:
        if not 0 <= self.start_minute < self.end_minute <= MINUTES_PER_DAY:
            raise ValueError(f"not a range within a day: {self.start_minute}-{self.end_minute}")


@dataclass(frozen=True)
class Availability:
    """Weekly ranges by weekday (Monday 0) in ``timezone``; an override date replaces its weekday's
    ranges, and an override with no ranges makes that date unavailable."""

    timezone: str
    weekly: Mapping[int, Sequence[LocalRange]] = field(default_factory=dict)
    overrides: Mapping[date, Sequence[LocalRange]] = field(default_factory=dict)

    def ranges_on(self, day: date) -> list[LocalRange]:
        """The date's ranges, sorted, with overlapping or touching ranges joined into one."""
        ranges = (
            self.overrides[day] if day in self.overrides else self.weekly.get(day.weekday(), ())
        )
        joined: list[LocalRange] = []
        for r in sorted(ranges):
            if joined and r.start_minute <= joined[-1].end_minute:
                last = joined[-1]
                joined[-1] = LocalRange(last.start_minute, max(last.end_minute, r.end_minute))
            else:
                joined.append(r)
        return joined


@dataclass(frozen=True)
class SlotRules:
    """The tutor's booking rules, in minutes (the horizon in days)."""

    slot_minutes: int  # the step between slot starts, and the default slot length
    buffer_minutes: int = 0
    min_notice_minutes: int = 0
    horizon_days: int = 60

    def __post_init__(self) -> None:
        if self.slot_minutes <= 0 or self.buffer_minutes < 0 or self.min_notice_minutes < 0:
            raise ValueError("slot length must be positive, buffer and notice not negative")


class TutorSchedule(NamedTuple):
    """Everything a slot depends on: ``busy`` and ``bookings`` are UTC intervals, in any order."""

    availability: Availability
    rules: SlotRules
    busy: Sequence[Interval] = ()
    bookings: Sequence[Interval] = ()


class SlotRefusal(StrEnum):
    """Why an interval cannot be booked; the checks run in this order."""

    TOO_SOON = "too_soon"  # starts before now + min_notice_minutes
    TOO_FAR = "too_far"  # ends after now + horizon_days
    OUTSIDE_AVAILABILITY = "outside_availability"  # not inside one range of a local date
    TAKEN = "taken"  # overlaps a confirmed booking widened by the buffer
    BUSY = "busy"  # overlaps busy time widened by the buffer
    NOT_ON_GRID = "not_on_grid"  # free, but not a whole number of steps from its range's start


def local_instant(day: date, minute: int, zone: ZoneInfo) -> datetime:
    """The first instant (UTC) at which the wall clock in ``zone`` reads ``day`` + ``minute`` or later."""
    wall = datetime.combine(day, time()) + timedelta(minutes=minute)
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if _wall_clock(first, zone) == wall:
        return first  # exists; fold=0 is the earlier of a repeated time
    # Skipped by a jump forward: fold=1 maps the time to an instant before the jump and
    # fold=0 to one after it; the jump itself (on a whole second) lies between.
    before, after = wall.replace(tzinfo=zone, fold=1).astimezone(UTC), first
    while after - before > _SECOND:
        middle = before + (after - before) // _SECOND // 2 * _SECOND
        if _wall_clock(middle, zone) >= wall:
            after = middle
        else:
            before = middle
    return after


def availability_intervals(
    availability: Availability, start: datetime, end: datetime
) -> list[Interval]:
    """UTC intervals of the availability ranges of every local date touching [start, end)."""
    _require_aware(start, end)
    zone = ZoneInfo(availability.timezone)
    day = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date() + timedelta(days=1)
    intervals: list[Interval] = []
    while day <= last:
        for r in availability.ranges_on(day):
            begin = local_instant(day, r.start_minute, zone)
            finish = local_instant(day, r.end_minute, zone)
            if begin < finish and begin < end and finish > start:
                intervals.append((begin, finish))
        day += timedelta(days=1)
    return intervals


def free_slots(
    schedule: TutorSchedule,
    *,
    now: datetime,
    window_start: datetime,
    window_end: datetime,
    minutes: int | None = None,
) -> list[Interval]:
    """Bookable slots of ``minutes`` (default the step) starting in [window_start, window_end), by start.

    A slot starts a whole number of steps (``slot_minutes``) after the start of an
    availability range and ends inside it; slots longer than the step overlap each other.
    Exactly the intervals ``check_slot`` accepts.
    """
    _require_aware(now, window_start, window_end)
    length = _length(schedule.rules, minutes)
    check = _Checker(schedule, now)
    earliest = max(window_start, check.earliest_start)
    stop = min(window_end, check.latest_end)  # no slot starts at or after this
    if earliest >= stop:
        return []
    slots: list[Interval] = []
    for begin, finish in availability_intervals(schedule.availability, earliest, stop):
        last_end = min(finish, check.latest_end)
        for slot_start in _grid(begin, last_end, check.step, length, earliest):
            if slot_start >= window_end:
                break
            slot = (slot_start, slot_start + length)
            if check.conflict(slot) is None:
                slots.append(slot)
    return sorted(slots)


def check_slot(
    schedule: TutorSchedule, *, now: datetime, start: datetime, minutes: int | None = None
) -> SlotRefusal | None:
    """None when [start, start + minutes) is a slot ``free_slots`` offers, else the first reason it is not."""
    _require_aware(now, start)
    length = _length(schedule.rules, minutes)
    check = _Checker(schedule, now)
    end = start + length
    if start < check.earliest_start:
        return SlotRefusal.TOO_SOON
    if end > check.latest_end:
        return SlotRefusal.TOO_FAR
    containing = [
        begin
        for begin, finish in availability_intervals(schedule.availability, start, end)
        if begin <= start and end <= finish
    ]
    if not containing:
        return SlotRefusal.OUTSIDE_AVAILABILITY
    conflict = check.conflict((start, end))
    if conflict is None and all((start - begin) % check.step for begin in containing):
        return SlotRefusal.NOT_ON_GRID
    return conflict


def widen(intervals: Sequence[Interval], minutes: int) -> list[Interval]:
    """The intervals grown by ``minutes`` on both sides, sorted and merged."""
    pad = timedelta(minutes=minutes)
    merged: list[Interval] = []
    for start, end in sorted((start - pad, end + pad) for start, end in intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


class _Checker:
    """The rules that do not depend on availability, prepared once for many candidate slots."""

    def __init__(self, schedule: TutorSchedule, now: datetime) -> None:
        rules = schedule.rules
        self.step = timedelta(minutes=rules.slot_minutes)
        self.earliest_start = now + timedelta(minutes=rules.min_notice_minutes)
        self.latest_end = now + timedelta(days=rules.horizon_days)
        self._taken = _Blocks(widen(schedule.bookings, rules.buffer_minutes))
        self._busy = _Blocks(widen(schedule.busy, rules.buffer_minutes))

    def conflict(self, slot: Interval) -> SlotRefusal | None:
        if self._taken.overlaps(slot):
            return SlotRefusal.TAKEN
        if self._busy.overlaps(slot):
            return SlotRefusal.BUSY
        return None


class _Blocks:
    """Sorted, disjoint intervals with a logarithmic overlap test."""

    def __init__(self, merged: list[Interval]) -> None:
        self._starts = [start for start, _ in merged]
        self._ends = [end for _, end in merged]

    def overlaps(self, slot: Interval) -> bool:
        i = bisect_right(self._ends, slot[0])  # the first block ending after the slot starts
        return i < len(self._starts) and self._starts[i] < slot[1]


def _grid(
    begin: datetime, finish: datetime, step: timedelta, length: timedelta, earliest: datetime
) -> Iterator[datetime]:
    """Starts ``begin + k * step`` at or after ``earliest`` whose slot ends by ``finish``."""
    skipped = max(0, -((begin - earliest) // step))  # whole steps before ``earliest``, rounded up
    slot_start = begin + skipped * step
    while slot_start + length <= finish:
        yield slot_start
        slot_start += step


def _length(rules: SlotRules, minutes: int | None) -> timedelta:
    length = rules.slot_minutes if minutes is None else minutes
    if length <= 0:
        raise ValueError("a slot must last at least a minute")
    return timedelta(minutes=length)


def _wall_clock(instant: datetime, zone: ZoneInfo) -> datetime:
    return instant.astimezone(zone).replace(tzinfo=None)


def _require_aware(*instants: datetime) -> None:
    if any(instant.tzinfo is None or instant.utcoffset() is None for instant in instants):
        raise ValueError("instants must be aware datetimes")
