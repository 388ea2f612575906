"""Recurring series as events: their instances, as Google shows them with singleEvents=true.

An instance nobody changed is *virtual*: computed from the series master on every read. An
instance that was modified or cancelled on its own is an *exception*, stored under its
instance id with ``recurringEventId`` and ``originalStartTime``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tutorcal.emulator import recurrence
from tutorcal.emulator.calendar_models import Calendar, StoredEvent
from tutorcal.emulator.event_resource import event_time, span, zone_named

# How far an unbounded series is expanded when the query has no timeMax. Google does not
# document its limit; a cancelled series was seen to come back as about six months of
# cancelled instances (googleapis/google-api-ruby-client#860), so a year covers it.
HORIZON = timedelta(days=400)
# Instances of one series considered per query, whatever the window.
MAX_INSTANCES = 2000


@dataclass(frozen=True)
class EventView:
    """One item a listing may return: a stored event, or a virtual instance of a series."""

    id: str
    etag: str
    body: dict[str, Any]
    start: datetime  # UTC
    end: datetime  # UTC
    updated_at: datetime
    changed_seq: int
    series_id: str | None

    @property
    def is_cancelled(self) -> bool:
        return self.body.get("status") == "cancelled"


def view_of(event: StoredEvent, calendar: Calendar) -> EventView:
    start, end = span(event.body, calendar.time_zone)
    return EventView(
        event.id, event.etag, event.body, start, end, event.updated_at, event.changed_seq,
        event.recurring_event_id,
    )  # fmt: skip


def series_zone(master: StoredEvent, calendar: Calendar) -> ZoneInfo:
    return zone_named(master.body["start"].get("timeZone") or calendar.time_zone)


def first_start(master: StoredEvent, calendar: Calendar) -> datetime | date:
    start = event_time(master.body["start"], name="start", calendar_zone=calendar.time_zone)
    return start.day if start.day is not None else start.at


def original_starts(
    master: StoredEvent, calendar: Calendar, *, before: datetime
) -> list[datetime | date]:
    """Original starts of the series (EXDATEs left out) that begin before ``before``."""
    zone = series_zone(master, calendar)
    rule = recurrence.parse(master.body["recurrence"], zone)
    starts: list[datetime | date] = []
    for start in recurrence.occurrences(rule, first_start(master, calendar), zone, before=before):
        starts.append(start)
        if len(starts) >= MAX_INSTANCES:
            break
    return starts


def instance_body(
    master: StoredEvent, original_start: datetime | date, calendar: Calendar
) -> dict[str, Any]:
    """The virtual instance at ``original_start``: the master's fields at that date."""
    zone_name = master.body["start"].get("timeZone")
    body = {key: copy.deepcopy(value) for key, value in master.body.items() if key != "recurrence"}
    body["recurringEventId"] = master.id
    start_field = _time_field(original_start, zone_name)
    body["originalStartTime"] = dict(start_field)
    body["start"] = start_field
    body["end"] = _time_field(
        _shifted_end(master, original_start, calendar), master.body["end"].get("timeZone")
    )
    return body


def instance_view(
    master: StoredEvent, original_start: datetime | date, calendar: Calendar
) -> EventView:
    body = instance_body(master, original_start, calendar)
    start, end = span(body, calendar.time_zone)
    return EventView(
        recurrence.instance_id(master.id, original_start), master.etag, body, start, end,
        master.updated_at, master.changed_seq, master.id,
    )  # fmt: skip


def window_views(
    master: StoredEvent,
    calendar: Calendar,
    *,
    window_min: datetime | None,
    window_max: datetime | None,
    now: datetime,
) -> list[EventView]:
    """Virtual instances of the series that overlap the window (exceptions not applied)."""
    before = window_max or now + HORIZON
    views: list[EventView] = []
    for start in original_starts(master, calendar, before=before):
        view = instance_view(master, start, calendar)
        if window_min is None or view.end > window_min:
            views.append(view)
    return views


def retirement_horizon(now: datetime) -> datetime:
    return now + HORIZON


def _shifted_end(
    master: StoredEvent, original_start: datetime | date, calendar: Calendar
) -> datetime | date:
    start = event_time(master.body["start"], name="start", calendar_zone=calendar.time_zone)
    end = event_time(master.body["end"], name="end", calendar_zone=calendar.time_zone)
    if isinstance(original_start, datetime):
        return original_start + (end.at - start.at)
    assert start.day is not None
    assert end.day is not None
    return original_start + (end.day - start.day)


def _time_field(moment: datetime | date, zone_name: str | None) -> dict[str, Any]:
    if isinstance(moment, datetime):
        return {"dateTime": moment.isoformat(), **({"timeZone": zone_name} if zone_name else {})}
    return {"date": moment.isoformat()}


def original_start_of(body: dict[str, Any], calendar: Calendar) -> datetime | date:
    """An exception's originalStartTime as a UTC instant or a date."""
    field = body["originalStartTime"]
    if "date" in field and "dateTime" not in field:
        return date.fromisoformat(field["date"])
    moment = datetime.fromisoformat(field["dateTime"])
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone_named(field.get("timeZone") or calendar.time_zone))
    return moment.astimezone(UTC)


def as_instant(moment: datetime | date, calendar: Calendar) -> datetime:
    if isinstance(moment, datetime):
        return moment.astimezone(UTC)
    return datetime.combine(moment, time.min, tzinfo=zone_named(calendar.time_zone)).astimezone(UTC)
