"""Properties of free_slots and check_slot over random schedules, zones and DST changes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from tutorcal.availability.slots import (
    Availability,
    Interval,
    LocalRange,
    SlotRefusal,
    SlotRules,
    TutorSchedule,
    check_slot,
    free_slots,
)

# Each zone with days on which its clocks change (2026), so windows often span a change.
CHANGES = {
    "America/Los_Angeles": [date(2026, 3, 8), date(2026, 11, 1)],  # 02:00 +1 h; 02:00 -1 h
    "Europe/London": [date(2026, 3, 29), date(2026, 10, 25)],  # 01:00 +1 h; 02:00 -1 h
    "Australia/Lord_Howe": [date(2026, 4, 5), date(2026, 10, 4)],  # 02:00 -30 min; 02:00 +30 min
    "Asia/Kolkata": [date(2026, 3, 8)],  # no changes
    "UTC": [date(2026, 11, 1)],
}
CHECKS = settings(max_examples=80, deadline=None)


@dataclass(frozen=True)
class Case:
    schedule: TutorSchedule
    now: datetime
    window_start: datetime
    window_end: datetime
    minutes: int | None

    @property
    def length(self) -> timedelta:
        return timedelta(minutes=self.minutes or self.schedule.rules.slot_minutes)

    def slots(self) -> list[Interval]:
        return free_slots(
            self.schedule,
            now=self.now,
            window_start=self.window_start,
            window_end=self.window_end,
            minutes=self.minutes,
        )

    def check(self, start: datetime) -> SlotRefusal | None:
        return check_slot(self.schedule, now=self.now, start=start, minutes=self.minutes)


# Range ends: mostly quarter hours, often in the small hours when clocks change, sometimes any minute.
BOUNDARIES = st.one_of(
    st.integers(0, 20).map(lambda n: n * 15),
    st.integers(0, 96).map(lambda n: n * 15),
    st.integers(0, 1440),
)


@st.composite
def local_ranges(draw: st.DrawFn) -> LocalRange:
    start, end = sorted(draw(st.lists(BOUNDARIES, min_size=2, max_size=2, unique=True)))
    return LocalRange(start, end)


@st.composite
def small_hours_ranges(draw: st.DrawFn) -> LocalRange:
    early = st.integers(2, 14).map(lambda n: n * 15)  # 00:30 to 03:30
    start, end = sorted(draw(st.lists(early, min_size=2, max_size=2, unique=True)))
    return LocalRange(start, end)


def day_ranges(min_size: int = 0) -> st.SearchStrategy[list[LocalRange]]:
    return st.lists(local_ranges(), min_size=min_size, max_size=3)  # overlapping ones are joined


def instants_near(
    base: datetime, before_hours: int, after_hours: int
) -> st.SearchStrategy[datetime]:
    return st.integers(-before_hours * 12, after_hours * 12).map(
        lambda steps: base + timedelta(minutes=5 * steps)
    )


def intervals_near(start: datetime, hours: int) -> st.SearchStrategy[list[Interval]]:
    one = st.tuples(instants_near(start, 12, hours + 12), st.integers(0, 60)).map(
        lambda pair: (pair[0], pair[0] + timedelta(minutes=5 * pair[1]))
    )
    return st.lists(one, max_size=8)


@st.composite
def cases(draw: st.DrawFn) -> Case:
    zone = draw(st.sampled_from(sorted(CHANGES)))
    change_day = draw(st.sampled_from(CHANGES[zone]))
    change = datetime.combine(change_day, time(), UTC)
    window_start = draw(instants_near(change, 72, 24))
    window_hours = draw(st.integers(1, 24 * 8))
    window_end = window_start + timedelta(hours=window_hours)
    now = draw(instants_near(window_start, 48, 6))
    weekly = draw(st.dictionaries(st.integers(0, 6), day_ranges(1), min_size=1, max_size=7))
    first_day = (window_start - timedelta(days=1)).date()
    override_days = st.integers(0, window_hours // 24 + 2).map(
        lambda n: first_day + timedelta(days=n)
    )
    overrides = draw(st.dictionaries(override_days, day_ranges(), max_size=4))
    if draw(st.booleans()):  # ranges starting or ending while the clocks change
        overrides[change_day] = draw(st.lists(small_hours_ranges(), min_size=1, max_size=3))
    rules = SlotRules(
        slot_minutes=draw(st.sampled_from([15, 30, 45, 60, 90])),
        buffer_minutes=draw(st.sampled_from([0, 0, 5, 10, 15, 30])),
        min_notice_minutes=draw(st.sampled_from([0, 0, 30, 120, 720, 1440])),
        horizon_days=draw(st.integers(1, 30)),
    )
    schedule = TutorSchedule(
        Availability(zone, weekly, overrides),
        rules,
        busy=draw(intervals_near(window_start, window_hours)),
        bookings=draw(intervals_near(window_start, window_hours)),
    )
    minutes = draw(st.sampled_from([None, None, 15, 30, 45, 60, 120]))
    return Case(schedule, now, window_start, window_end, minutes)


@st.composite
def change_day_cases(draw: st.DrawFn) -> Case:
    """A day on which the clocks change, with ranges in the small hours around the change."""
    zone = draw(st.sampled_from(["America/Los_Angeles", "Europe/London", "Australia/Lord_Howe"]))
    change_day = draw(st.sampled_from(CHANGES[zone]))
    midnight = datetime.combine(change_day, time(), ZoneInfo(zone)).astimezone(UTC)
    window_start = midnight - timedelta(hours=draw(st.integers(0, 6)))
    window_end = window_start + timedelta(hours=draw(st.integers(24, 48)))
    rules = SlotRules(
        slot_minutes=draw(st.sampled_from([15, 30, 45, 60])),
        buffer_minutes=draw(st.sampled_from([0, 0, 15])),
        min_notice_minutes=draw(st.sampled_from([0, 60])),
        horizon_days=30,
    )
    availability = Availability(
        zone,
        weekly=draw(st.dictionaries(st.integers(0, 6), day_ranges(), max_size=7)),
        overrides={change_day: draw(st.lists(small_hours_ranges(), min_size=1, max_size=3))},
    )
    schedule = TutorSchedule(
        availability,
        rules,
        busy=draw(intervals_near(midnight, 6)),
        bookings=[],
    )
    now = window_start - timedelta(hours=draw(st.integers(1, 48)))
    minutes = draw(st.sampled_from([None, None, 15, 30, 60, 90]))
    return Case(schedule, now, window_start, window_end, minutes)


CASES = st.one_of(cases(), change_day_cases())


def first_instant_reading(day: date, minute: int, zone: ZoneInfo) -> datetime:
    """Independent of the code under test: scan minute by minute for the first instant whose
    wall clock reads the time or later, between the two readings zoneinfo offers."""
    wall = datetime.combine(day, time()) + timedelta(minutes=minute)
    readings = [wall.replace(tzinfo=zone, fold=fold).astimezone(UTC) for fold in (0, 1)]
    instant = min(readings)
    while instant.astimezone(zone).replace(tzinfo=None) < wall:
        instant += timedelta(minutes=1)
    return instant


def reference_ranges(case: Case, start: datetime, end: datetime) -> list[Interval]:
    """The availability ranges of the local dates from the day before ``start`` to the day
    after ``end``, as UTC intervals."""
    availability = case.schedule.availability
    zone = ZoneInfo(availability.timezone)
    day = start.astimezone(zone).date() - timedelta(days=1)
    found = []
    while day <= end.astimezone(zone).date() + timedelta(days=1):
        for r in availability.ranges_on(day):
            begin = first_instant_reading(day, r.start_minute, zone)
            found.append((begin, first_instant_reading(day, r.end_minute, zone)))
        day += timedelta(days=1)
    return found


def widened(intervals: list[Interval], minutes: int) -> list[Interval]:
    pad = timedelta(minutes=minutes)
    return [(start - pad, end + pad) for start, end in intervals]


def overlaps(slot: Interval, intervals: list[Interval]) -> bool:
    return any(start < slot[1] and slot[0] < end for start, end in intervals)


def on_grid(slot: Interval, ranges: list[Interval], step_minutes: int) -> bool:
    step = timedelta(minutes=step_minutes)
    return any(
        begin <= slot[0] and slot[1] <= end and (slot[0] - begin) % step == timedelta(0)
        for begin, end in ranges
    )


@CHECKS
@given(CASES)
def test_no_slot_overlaps_busy_time_or_a_booking_widened_by_the_buffer(case: Case) -> None:
    buffer = case.schedule.rules.buffer_minutes
    blocked = widened([*case.schedule.busy, *case.schedule.bookings], buffer)
    for slot in case.slots():
        assert not overlaps(slot, blocked)


@CHECKS
@given(CASES)
def test_every_slot_lies_inside_an_availability_range_a_whole_number_of_steps_from_its_start(
    case: Case,
) -> None:
    step = case.schedule.rules.slot_minutes
    for slot in case.slots():
        assert on_grid(slot, reference_ranges(case, slot[0], slot[0]), step), slot


@CHECKS
@given(CASES)
def test_slots_have_the_requested_length_are_sorted_and_do_not_overlap(case: Case) -> None:
    slots = case.slots()
    assert all(end - start == case.length for start, end in slots)
    assert all(instant.tzinfo == UTC for slot in slots for instant in slot)
    starts = [start for start, _ in slots]
    assert starts == sorted(set(starts))
    # Slots longer than the step are overlapping alternatives by design; others never overlap.
    longer_than_step = case.length > timedelta(minutes=case.schedule.rules.slot_minutes)
    assert longer_than_step or all(end <= later for (_, end), (later, _) in pairwise(slots))


@CHECKS
@given(CASES)
def test_every_slot_respects_notice_horizon_and_window(case: Case) -> None:
    rules = case.schedule.rules
    for start, end in case.slots():
        assert start >= case.now + timedelta(minutes=rules.min_notice_minutes)
        assert end <= case.now + timedelta(days=rules.horizon_days)
        assert case.window_start <= start < case.window_end


@CHECKS
@given(CASES)
def test_check_slot_accepts_every_offered_slot(case: Case) -> None:
    for start, _ in case.slots():
        assert case.check(start) is None


@CHECKS
@given(CASES)
def test_the_grid_starts_check_slot_accepts_in_the_window_are_exactly_the_offered_slots(
    case: Case,
) -> None:
    step = timedelta(minutes=case.schedule.rules.slot_minutes)
    accepted = set()
    for begin, end in reference_ranges(case, case.window_start, case.window_end):
        start = begin
        while start + case.length <= end:
            if case.window_start <= start < case.window_end and case.check(start) is None:
                accepted.add(start)
            start += step
    assert accepted == {start for start, _ in case.slots()}


@CHECKS
@given(CASES, st.data())
def test_any_start_check_slot_accepts_is_offered_and_every_refusal_is_true(
    case: Case, data: st.DataObject
) -> None:
    span = int((case.window_end - case.window_start) / timedelta(minutes=1))
    start = case.window_start + timedelta(minutes=data.draw(st.integers(0, span - 1)))
    end = start + case.length
    rules = case.schedule.rules
    ranges = reference_ranges(case, start, end)
    bookings = widened(list(case.schedule.bookings), rules.buffer_minutes)
    busy = widened(list(case.schedule.busy), rules.buffer_minutes)
    claims: dict[SlotRefusal | None, Callable[[], bool]] = {
        None: lambda: (start, end) in case.slots(),
        SlotRefusal.TOO_SOON: lambda: (
            start < case.now + timedelta(minutes=rules.min_notice_minutes)
        ),
        SlotRefusal.TOO_FAR: lambda: end > case.now + timedelta(days=rules.horizon_days),
        SlotRefusal.OUTSIDE_AVAILABILITY: lambda: (
            not any(begin <= start and end <= finish for begin, finish in ranges)
        ),
        SlotRefusal.TAKEN: lambda: overlaps((start, end), bookings),
        SlotRefusal.BUSY: lambda: overlaps((start, end), busy),
        SlotRefusal.NOT_ON_GRID: lambda: not on_grid((start, end), ranges, rules.slot_minutes),
    }
    assert claims[case.check(start)]()
