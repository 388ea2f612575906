"""The RRULE subset the emulator expands, as pure functions."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from tutorcal.emulator.recurrence import (
    UnsupportedRecurrence,
    instance_id,
    occurrences,
    parse,
    split_instance_id,
)

LONDON = ZoneInfo("Europe/London")
END = datetime(2027, 6, 1, tzinfo=UTC)


def days(lines: list[str], first: datetime | date) -> list[str]:
    return [
        start.isoformat()[:10]
        for start in occurrences(parse(lines, LONDON), first, LONDON, before=END)
    ]


def test_count_counts_every_weekday_of_byday() -> None:
    first = datetime(2026, 10, 19, 16, tzinfo=LONDON)  # a Monday

    assert days(["RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=5"], first) == [
        "2026-10-19", "2026-10-21", "2026-10-26", "2026-10-28", "2026-11-02",
    ]  # fmt: skip


def test_interval_two_skips_every_other_week() -> None:
    first = datetime(2026, 10, 19, 16, tzinfo=LONDON)

    assert days(["RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=3"], first) == [
        "2026-10-19",
        "2026-11-02",
        "2026-11-16",
    ]


def test_a_start_outside_byday_is_still_the_first_instance() -> None:
    first = datetime(2026, 10, 20, 16, tzinfo=LONDON)  # a Tuesday

    assert days(["RRULE:FREQ=WEEKLY;BYDAY=WE;COUNT=3"], first) == [
        "2026-10-20",
        "2026-10-21",
        "2026-10-28",
    ]


def test_exdates_leave_instances_out_but_still_count_toward_count() -> None:
    first = datetime(2026, 10, 19, 16, tzinfo=LONDON)

    assert days(["RRULE:FREQ=DAILY;COUNT=3", "EXDATE:20261020T150000Z"], first) == [
        "2026-10-19",
        "2026-10-21",
    ]


def test_until_as_a_date_ends_an_all_day_series() -> None:
    assert days(["RRULE:FREQ=DAILY;UNTIL=20261021"], date(2026, 10, 19)) == [
        "2026-10-19",
        "2026-10-20",
        "2026-10-21",
    ]


def test_an_unbounded_series_stops_at_the_window() -> None:
    first = datetime(2027, 5, 17, 9, tzinfo=LONDON)

    assert days(["RRULE:FREQ=WEEKLY"], first) == ["2027-05-17", "2027-05-24", "2027-05-31"]


def test_london_instances_stay_at_local_time_when_summer_time_ends() -> None:
    first = datetime(2026, 10, 19, 9, tzinfo=LONDON)
    rule = parse(["RRULE:FREQ=WEEKLY;COUNT=2"], LONDON)

    starts = list(occurrences(rule, first, LONDON, before=END))

    assert [s.astimezone(UTC).hour for s in starts if isinstance(s, datetime)] == [8, 9]


@pytest.mark.parametrize(
    "lines",
    [
        ["RRULE:FREQ=MONTHLY"],
        ["RRULE:FREQ=WEEKLY;BYDAY=1MO"],
        ["RRULE:FREQ=WEEKLY;BYSETPOS=1"],
        ["RRULE:FREQ=WEEKLY;COUNT=2;UNTIL=20261231"],
        ["RRULE:FREQ=WEEKLY", "RRULE:FREQ=DAILY"],
        ["RDATE:20261101T100000Z"],
        [],
    ],
)
def test_rules_outside_the_subset_are_refused(lines: list[str]) -> None:
    with pytest.raises(UnsupportedRecurrence):
        parse(lines, LONDON)


def test_instance_ids_name_the_original_start_in_utc_and_split_back() -> None:
    timed = instance_id("abc123", datetime(2026, 11, 2, 10, tzinfo=ZoneInfo("America/Los_Angeles")))

    assert timed == "abc123_20261102T180000Z"
    assert instance_id("abc123", date(2026, 11, 2)) == "abc123_20261102"
    assert split_instance_id(timed) == ("abc123", "20261102T180000Z")
    assert split_instance_id("abc123") is None
