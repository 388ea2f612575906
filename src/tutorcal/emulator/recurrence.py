"""Expanding recurring events into instances, for the RFC 5545 subset tutorcal needs.

Supported: one ``RRULE`` with ``FREQ=WEEKLY`` (with ``BYDAY`` weekdays without ordinals, and
``WKST``) or ``FREQ=DAILY``, with ``INTERVAL``, ``COUNT`` or ``UNTIL``; any number of
``EXDATE`` lines (``TZID=``, UTC ``...Z``, or ``VALUE=DATE``). Anything else (``RDATE``,
``BYMONTH``, ``BYSETPOS``, monthly or yearly rules, several rules) is refused with
``UnsupportedRecurrence`` rather than expanded wrongly.

Instances are generated in the wall-clock time of the event's ``start.timeZone``, so a weekly
10:00 session in America/Los_Angeles stays 10:00 local after daylight saving ends and its UTC
time moves by an hour (RFC 5545 §3.3.10; Google expands "in the time zone in which the
recurrence is expanded", https://developers.google.com/workspace/calendar/api/v3/reference/events).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}
# A runaway rule (no COUNT, no UNTIL, no window) must not loop for ever.
MAX_GENERATED = 5000
_INSTANCE_STAMP = re.compile(r"^\d{8}(T\d{6}Z)?$")


class UnsupportedRecurrence(ValueError):
    """A recurrence the emulator cannot expand faithfully, or one that is malformed."""


@dataclass(frozen=True)
class Rule:
    freq: str
    interval: int = 1
    by_day: tuple[int, ...] = ()
    week_start: int = 0
    count: int | None = None
    until: datetime | date | None = None  # aware UTC, naive local, or a date


@dataclass(frozen=True)
class Recurrence:
    rule: Rule
    exdates: frozenset[datetime | date]  # aware UTC instants, or dates for all-day series


def parse(lines: list[str], zone: ZoneInfo) -> Recurrence:
    """The ``recurrence`` array of an event; raises UnsupportedRecurrence."""
    rules: list[Rule] = []
    exdates: set[datetime | date] = set()
    for line in lines:
        name, _, value = str(line).partition(":")
        key, *params = name.split(";")
        key = key.strip().upper()
        if key == "RRULE":
            rules.append(_parse_rule(value))
        elif key == "EXDATE":
            exdates.update(_parse_dates(value, params, zone))
        else:
            raise UnsupportedRecurrence(f"the emulator does not support {key} in recurrence")
    if len(rules) != 1:
        raise UnsupportedRecurrence("the emulator supports exactly one RRULE per event")
    return Recurrence(rules[0], frozenset(exdates))


def _parse_rule(value: str) -> Rule:
    parts: dict[str, str] = {}
    for part in value.split(";"):
        key, _, item = part.partition("=")
        parts[key.strip().upper()] = item.strip().upper()
    freq = parts.pop("FREQ", "")
    if freq not in ("WEEKLY", "DAILY"):
        raise UnsupportedRecurrence(f"the emulator supports FREQ=WEEKLY or DAILY, not {freq!r}")
    try:
        interval = int(parts.pop("INTERVAL", "1"))
        count = int(parts.pop("COUNT")) if "COUNT" in parts else None
        by_day = (
            tuple(WEEKDAYS[day] for day in parts.pop("BYDAY").split(","))
            if "BYDAY" in parts
            else ()
        )
        week_start = WEEKDAYS[parts.pop("WKST", "MO")]
    except (KeyError, ValueError) as exc:
        raise UnsupportedRecurrence(f"malformed or unsupported RRULE part: {exc}") from exc
    until = _parse_until(parts.pop("UNTIL")) if "UNTIL" in parts else None
    if parts:
        raise UnsupportedRecurrence(f"the emulator does not support {', '.join(sorted(parts))}")
    if interval < 1 or (count is not None and count < 1):
        raise UnsupportedRecurrence("INTERVAL and COUNT must be positive")
    if count is not None and until is not None:
        raise UnsupportedRecurrence("COUNT and UNTIL cannot both be given")
    return Rule(freq, interval, by_day, week_start, count, until)


def _parse_until(value: str) -> datetime | date:
    try:
        if value.endswith("Z"):
            return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        if "T" in value:
            return datetime.strptime(value, "%Y%m%dT%H%M%S")  # noqa: DTZ007 - local time
        return datetime.strptime(value, "%Y%m%d").date()  # noqa: DTZ007 - a date
    except ValueError as exc:
        raise UnsupportedRecurrence(f"malformed UNTIL {value!r}") from exc


def _parse_dates(value: str, params: list[str], zone: ZoneInfo) -> set[datetime | date]:
    options = {name.strip().upper(): value for name, _, value in (p.partition("=") for p in params)}
    try:
        tz = ZoneInfo(options["TZID"]) if "TZID" in options else zone
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UnsupportedRecurrence(f"unknown TZID {options['TZID']!r}") from exc
    dates: set[datetime | date] = set()
    for item in value.split(","):
        item = item.strip()
        try:
            if options.get("VALUE", "").upper() == "DATE" or "T" not in item:
                dates.add(datetime.strptime(item, "%Y%m%d").date())  # noqa: DTZ007 - a date
            elif item.endswith("Z"):
                dates.add(datetime.strptime(item, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC))
            else:
                local = datetime.strptime(item, "%Y%m%dT%H%M%S")  # noqa: DTZ007 - local time
                dates.add(local.replace(tzinfo=tz).astimezone(UTC))
        except ValueError as exc:
            raise UnsupportedRecurrence(f"malformed EXDATE {item!r}") from exc
    return dates


def occurrences(
    recurrence: Recurrence, first: datetime | date, zone: ZoneInfo, *, before: datetime
) -> Iterator[datetime | date]:
    """Starts of the series in order (EXDATEs left out) that begin before ``before``.

    ``first`` is the series' first start: an aware datetime (any offset; it is read in
    ``zone``) or, for all-day series, a date. Timed starts come back aware in ``zone``.
    """
    is_all_day = not isinstance(first, datetime)
    local_first = (
        datetime.combine(first, time.min)
        if not isinstance(first, datetime)
        else first.astimezone(zone).replace(tzinfo=None)
    )
    rule = recurrence.rule
    for generated, local in enumerate(_candidates(rule, local_first)):
        if (rule.count is not None and generated >= rule.count) or generated >= MAX_GENERATED:
            return
        instant = local.replace(tzinfo=zone)
        if _after_until(rule.until, local, instant) or instant.astimezone(UTC) >= before:
            return
        start: datetime | date = local.date() if is_all_day else instant
        if _is_excluded(recurrence.exdates, start):
            continue
        yield start


def _candidates(rule: Rule, first: datetime) -> Iterator[datetime]:
    if rule.freq == "DAILY":
        step = 0
        while True:
            yield first + timedelta(days=step * rule.interval)
            step += 1
    days = sorted(set(rule.by_day or (first.weekday(),)), key=lambda d: (d - rule.week_start) % 7)
    if first.weekday() not in days:
        yield first  # DTSTART always counts as the first instance (RFC 5545 §3.8.5.3)
    week = first.date() - timedelta(days=(first.weekday() - rule.week_start) % 7)
    while True:
        for day in days:
            candidate = datetime.combine(
                week + timedelta(days=(day - rule.week_start) % 7), first.time()
            )
            if candidate >= first:
                yield candidate
        week += timedelta(weeks=rule.interval)


def _after_until(until: datetime | date | None, local: datetime, instant: datetime) -> bool:
    if until is None:
        return False
    if isinstance(until, datetime):
        return instant > until if until.tzinfo is not None else local > until
    return local.date() > until


def _is_excluded(exdates: frozenset[datetime | date], start: datetime | date) -> bool:
    if isinstance(start, datetime):
        return start.astimezone(UTC) in exdates or start.date() in exdates
    return start in exdates


def instance_id(event_id: str, original_start: datetime | date) -> str:
    """Google's instance ids: ``<eventId>_<YYYYMMDDTHHMMSSZ>`` (UTC), or ``_<YYYYMMDD>``."""
    if isinstance(original_start, datetime):
        return f"{event_id}_{original_start.astimezone(UTC):%Y%m%dT%H%M%SZ}"
    return f"{event_id}_{original_start:%Y%m%d}"


def split_instance_id(event_id: str) -> tuple[str, str] | None:
    """``(series id, stamp)`` when ``event_id`` names an instance; base32hex ids have no ``_``."""
    series, underscore, stamp = event_id.rpartition("_")
    if not underscore or not series or not _INSTANCE_STAMP.match(stamp):
        return None
    return series, stamp
