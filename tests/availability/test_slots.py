"""Free slots by example: daylight-saving changes in Los Angeles, overrides, buffers and reasons."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

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

LA = "America/Los_Angeles"
MONDAY, SUNDAY = 0, 6
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def utc(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def hm(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def ranges(*spans: str) -> list[LocalRange]:
    return [LocalRange(hm(span.split("-")[0]), hm(span.split("-")[1])) for span in spans]


def schedule(
    weekly: dict[int, list[LocalRange]] | None = None,
    overrides: dict[date, list[LocalRange]] | None = None,
    *,
    zone: str = LA,
    slot_minutes: int = 60,
    buffer_minutes: int = 0,
    busy: list[Interval] | None = None,
    bookings: list[Interval] | None = None,
) -> TutorSchedule:
    return TutorSchedule(
        Availability(zone, weekly or {}, overrides or {}),
        SlotRules(slot_minutes, buffer_minutes, min_notice_minutes=0, horizon_days=365),
        busy or [],
        bookings or [],
    )


def starts(
    plan: TutorSchedule, first: datetime, last: datetime, minutes: int | None = None
) -> list[datetime]:
    slots = free_slots(plan, now=NOW, window_start=first, window_end=last, minutes=minutes)
    return [start for start, _ in slots]


def test_a_monday_rule_keeps_its_local_hours_across_the_november_change() -> None:
    plan = schedule({MONDAY: ranges("09:00-12:00")})
    before, after = date(2026, 10, 26), date(2026, 11, 2)  # Mondays around 1 November
    assert starts(plan, utc(before, 0), utc(before, 23)) == [utc(before, h) for h in (16, 17, 18)]
    assert starts(plan, utc(after, 0), utc(after, 23)) == [utc(after, h) for h in (17, 18, 19)]


def test_a_monday_rule_keeps_its_local_hours_across_the_march_change() -> None:
    plan = schedule({MONDAY: ranges("09:00-12:00")})
    before, after = date(2026, 3, 2), date(2026, 3, 9)  # Mondays around 8 March
    assert starts(plan, utc(before, 0), utc(before, 23)) == [utc(before, h) for h in (17, 18, 19)]
    assert starts(plan, utc(after, 0), utc(after, 23)) == [utc(after, h) for h in (16, 17, 18)]


def test_the_skipped_hour_in_march_gives_no_slot_and_no_duplicate() -> None:
    day = date(2026, 3, 8)  # 02:00 PST becomes 03:00 PDT
    plan = schedule({SUNDAY: ranges("00:00-04:00")})
    # 00:00 and 01:00 PST, then 03:00 PDT: three hours passed, so three slots.
    assert starts(plan, utc(day, 0), utc(day, 23)) == [utc(day, 8), utc(day, 9), utc(day, 10)]


def test_a_range_starting_at_a_skipped_time_starts_when_the_clocks_jump() -> None:
    day, week_later = date(2026, 3, 8), date(2026, 3, 15)
    plan = schedule({SUNDAY: ranges("02:30-04:00")}, slot_minutes=30)
    # 02:30 does not exist on 8 March: the range starts at 03:00 PDT (10:00Z), not 03:30.
    assert starts(plan, utc(day, 0), utc(day, 23)) == [utc(day, 10), utc(day, 10, 30)]
    assert starts(plan, utc(week_later, 0), utc(week_later, 23)) == [
        utc(week_later, 9, 30),
        utc(week_later, 10),
        utc(week_later, 10, 30),
    ]
    assert check_slot(plan, now=NOW, start=utc(day, 9, 30), minutes=30) == (
        SlotRefusal.OUTSIDE_AVAILABILITY
    )


def test_a_range_ending_at_a_skipped_time_ends_when_the_clocks_jump() -> None:
    day = date(2026, 3, 8)
    plan = schedule({SUNDAY: ranges("01:00-02:30")}, slot_minutes=30)
    # 01:00 and 01:30 PST; nothing at 03:00 PDT, a wall time the range does not cover.
    assert starts(plan, utc(day, 0), utc(day, 23)) == [utc(day, 9), utc(day, 9, 30)]


def test_the_repeated_hour_in_november_gives_distinct_non_overlapping_slots() -> None:
    day = date(2026, 11, 1)  # 02:00 PDT becomes 01:00 PST
    plan = schedule({SUNDAY: ranges("00:00-04:00")})
    # 00:00 PDT, 01:00 PDT, 01:00 PST, 02:00 PST, 03:00 PST: five hours passed.
    assert starts(plan, utc(day, 0), utc(day, 23)) == [utc(day, h) for h in range(7, 12)]
    long_plan = schedule({SUNDAY: ranges("00:00-04:00")}, slot_minutes=90)
    assert starts(long_plan, utc(day, 0), utc(day, 23)) == [
        utc(day, 7),
        utc(day, 8, 30),
        utc(day, 10),
    ]


def test_a_range_starting_in_the_repeated_hour_starts_at_its_first_occurrence() -> None:
    day = date(2026, 11, 1)
    plan = schedule({SUNDAY: ranges("01:30-03:00")}, slot_minutes=30)
    # From 01:30 PDT (08:30Z) until the clock first reads 03:00 (03:00 PST, 11:00Z).
    slots = free_slots(plan, now=NOW, window_start=utc(day, 0), window_end=utc(day, 23))
    assert slots[0] == (utc(day, 8, 30), utc(day, 9))
    assert slots[-1] == (utc(day, 10, 30), utc(day, 11))
    assert len(slots) == 5


def test_an_override_replaces_its_date_and_one_without_ranges_closes_it() -> None:
    weekly = {MONDAY: ranges("09:00-11:00")}
    changed, closed, extra = date(2026, 6, 1), date(2026, 6, 8), date(2026, 6, 13)
    plan = schedule(
        weekly,
        {changed: ranges("14:00-15:00", "16:00-17:00"), closed: [], extra: ranges("10:00-11:00")},
        zone="UTC",
    )
    assert starts(plan, utc(changed, 0), utc(changed, 23)) == [utc(changed, 14), utc(changed, 16)]
    assert starts(plan, utc(closed, 0), utc(closed, 23)) == []
    assert starts(plan, utc(extra, 0), utc(extra, 23)) == [utc(extra, 10)]  # a Saturday
    normal = date(2026, 6, 15)
    assert starts(plan, utc(normal, 0), utc(normal, 23)) == [utc(normal, 9), utc(normal, 10)]


def test_a_range_may_end_at_midnight() -> None:
    day = date(2026, 6, 1)
    plan = schedule({MONDAY: ranges("22:00-24:00")}, zone="UTC")
    assert starts(plan, utc(day, 0), utc(day, 0) + timedelta(days=2)) == [
        utc(day, 22),
        utc(day, 23),
    ]


def test_busy_time_and_bookings_block_slots_with_the_buffer_on_both_sides() -> None:
    day = date(2026, 6, 1)
    plan = schedule(
        {MONDAY: ranges("08:00-18:00")},
        zone="UTC",
        buffer_minutes=15,
        busy=[(utc(day, 10), utc(day, 10, 30))],
        bookings=[(utc(day, 14), utc(day, 15))],
    )
    # 09:00 ends 15 min before the busy 10:00; 11:00 starts 30 min after it; 13:00 and 15:00
    # touch the booking's buffer.
    assert starts(plan, utc(day, 0), utc(day, 23)) == [utc(day, h) for h in (8, 11, 12, 16, 17)]
    assert check_slot(plan, now=NOW, start=utc(day, 9)) == SlotRefusal.BUSY
    assert check_slot(plan, now=NOW, start=utc(day, 15)) == SlotRefusal.TAKEN


def test_check_slot_names_the_rule_a_slot_breaks() -> None:
    day = date(2026, 6, 1)
    now = utc(day, 8)
    plan = TutorSchedule(
        Availability("UTC", {MONDAY: ranges("08:00-18:00")}),
        SlotRules(slot_minutes=60, min_notice_minutes=120, horizon_days=7),
    )
    assert check_slot(plan, now=now, start=utc(day, 9)) == SlotRefusal.TOO_SOON
    assert check_slot(plan, now=now, start=utc(day, 10)) is None
    assert check_slot(plan, now=now, start=utc(day, 10, 30)) == SlotRefusal.NOT_ON_GRID
    assert check_slot(plan, now=now, start=utc(day, 17, 30)) == SlotRefusal.OUTSIDE_AVAILABILITY
    assert check_slot(plan, now=now, start=utc(day, 10), minutes=540) == (
        SlotRefusal.OUTSIDE_AVAILABILITY
    )
    assert check_slot(plan, now=now, start=utc(day + timedelta(days=7), 8)) == SlotRefusal.TOO_FAR


def test_slots_start_inside_the_window_and_honour_notice_and_horizon() -> None:
    day = date(2026, 6, 1)
    plan = TutorSchedule(
        Availability("UTC", {d: ranges("08:00-18:00") for d in range(7)}),
        SlotRules(slot_minutes=60, min_notice_minutes=90, horizon_days=1),
    )
    now = utc(day, 7, 45)
    slots = free_slots(
        plan, now=now, window_start=utc(day, 12), window_end=utc(day + timedelta(2), 0)
    )
    assert [start for start, _ in slots] == [utc(day, h) for h in range(12, 18)]
    early = free_slots(plan, now=now, window_start=utc(day, 0), window_end=utc(day, 11, 30))
    assert [start for start, _ in early] == [utc(day, 10), utc(day, 11)]  # 11:00 starts inside


def test_slots_longer_than_the_step_are_overlapping_choices() -> None:
    day = date(2026, 6, 1)
    plan = schedule({MONDAY: ranges("09:00-12:00")}, zone="UTC")
    assert starts(plan, utc(day, 0), utc(day, 23), minutes=120) == [utc(day, 9), utc(day, 10)]
    assert starts(plan, utc(day, 0), utc(day, 23), minutes=30) == [utc(day, h) for h in (9, 10, 11)]
