"""Shapes of weekly availability, date overrides and free slots.

Local times are "HH:MM" in the tutor's zone; an end of "24:00" is the midnight ending the day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from itertools import pairwise

from pydantic import Field, ValidationInfo, field_validator

from tutorcal.core.schemas import RequestModel, ResponseModel
from tutorcal.core.time import is_valid_timezone

MAX_WEEKLY_RANGES = 50
MAX_OVERRIDES = 366
MAX_RANGES_PER_DATE = 24
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_START = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", examples=["09:00"], description="HH:MM")
_END = Field(
    pattern=r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$",
    examples=["12:00"],
    description="HH:MM, after start; 24:00 is the end of the day",
)


def minutes_of(hhmm: str) -> int:
    """Minutes after midnight of an already validated "HH:MM"."""
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def hhmm_of(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _after_start(end: str, info: ValidationInfo) -> str:
    start = info.data.get("start")
    if start is not None and minutes_of(end) <= minutes_of(start):
        raise ValueError("the range must end after it starts")
    return end


def _first_overlap(ranges: Iterable[tuple[str, str]]) -> tuple[str, str] | None:
    """The first two "start-end" texts that overlap, if any; touching ranges do not."""
    ordered = sorted((minutes_of(start), minutes_of(end)) for start, end in ranges)
    for (start, end), (next_start, next_end) in pairwise(ordered):
        if next_start < end:
            return (
                f"{hhmm_of(start)}-{hhmm_of(end)}",
                f"{hhmm_of(next_start)}-{hhmm_of(next_end)}",
            )
    return None


class TimeRange(RequestModel):
    start: str = _START
    end: str = _END

    _end_after_start = field_validator("end")(_after_start)


class WeeklyRange(RequestModel):
    weekday: int = Field(ge=0, le=6, description="Monday 0 … Sunday 6")
    start: str = _START
    end: str = _END

    _end_after_start = field_validator("end")(_after_start)


class DateOverride(RequestModel):
    date: dt.date = Field(examples=["2026-12-24"])
    ranges: list[TimeRange] = Field(
        max_length=MAX_RANGES_PER_DATE,
        description="Replace that date's weekly ranges; empty means unavailable all day.",
    )

    @field_validator("ranges")
    @classmethod
    def _disjoint(cls, ranges: list[TimeRange]) -> list[TimeRange]:
        overlap = _first_overlap((r.start, r.end) for r in ranges)
        if overlap:
            raise ValueError(f"ranges {overlap[0]} and {overlap[1]} overlap")
        return ranges


class AvailabilityUpdate(RequestModel):
    """The whole availability; it replaces what was there."""

    timezone: str = Field(max_length=64, description="IANA zone of the times, e.g. Europe/London")
    weekly: list[WeeklyRange] = Field(max_length=MAX_WEEKLY_RANGES)
    overrides: list[DateOverride] = Field(max_length=MAX_OVERRIDES)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if not is_valid_timezone(value):
            raise ValueError("unknown time zone; use an IANA name such as Europe/London")
        return value

    @field_validator("weekly")
    @classmethod
    def _disjoint(cls, weekly: list[WeeklyRange]) -> list[WeeklyRange]:
        for weekday, name in enumerate(WEEKDAYS):
            overlap = _first_overlap((r.start, r.end) for r in weekly if r.weekday == weekday)
            if overlap:
                raise ValueError(f"{name} ranges {overlap[0]} and {overlap[1]} overlap")
        return weekly

    @field_validator("overrides")
    @classmethod
    def _one_per_date(cls, overrides: list[DateOverride]) -> list[DateOverride]:
        seen: set[dt.date] = set()
        for override in overrides:
            if override.date in seen:
                raise ValueError(f"{override.date.isoformat()} appears more than once")
            seen.add(override.date)
        return overrides


class TimeRangeRead(ResponseModel):
    start: str = Field(examples=["09:00"])
    end: str = Field(examples=["12:00"])


class WeeklyRangeRead(ResponseModel):
    weekday: int = Field(description="Monday 0 … Sunday 6")
    start: str = Field(examples=["09:00"])
    end: str = Field(examples=["12:00"])


class DateOverrideRead(ResponseModel):
    date: dt.date
    ranges: list[TimeRangeRead] = Field(description="Empty means unavailable all day.")


class AvailabilityRead(ResponseModel):
    timezone: str
    weekly: list[WeeklyRangeRead] = Field(description="By weekday, then start.")
    overrides: list[DateOverrideRead] = Field(description="By date.")


class SlotRead(ResponseModel):
    start: dt.datetime
    end: dt.datetime
