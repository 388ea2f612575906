"""freeBusy.query: merged busy periods of the calendars the caller may read.

https://developers.google.com/workspace/calendar/api/v3/reference/freebusy/query. Busy time is
every instance that overlaps the window except cancelled events, transparent ("show as
available") events and events the calendar's owner declined; all-day events count. Periods are
clipped to the window and merged. A calendar the caller cannot read gets
``{"errors": [{"domain": "global", "reason": "notFound"}], "busy": []}`` instead.
Not modelled: group expansion, ``calendarExpansionMax`` and the longest allowed window.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from tutorcal.emulator.calendar_errors import bad_request, required, time_range_empty
from tutorcal.emulator.calendar_models import Calendar
from tutorcal.emulator.calendar_store import CalendarStore
from tutorcal.emulator.event_listing import ListQuery, full_views
from tutorcal.emulator.event_resource import (
    format_instant,
    format_timestamp,
    parse_instant,
    zone_named,
)
from tutorcal.emulator.series import EventView

CalendarResolver = Callable[[str], Calendar | None]


def query(store: CalendarStore, body: dict[str, Any], readable: CalendarResolver) -> dict[str, Any]:
    time_min = _instant(body, "timeMin")
    time_max = _instant(body, "timeMax")
    if time_min >= time_max:
        raise time_range_empty("timeMax")
    zone = zone_named(str(body.get("timeZone") or "UTC"))
    items = body.get("items") or []
    if not isinstance(items, list) or not all(
        isinstance(item, dict) and item.get("id") for item in items
    ):
        raise bad_request("items must be a list of {id} objects.", location="items")
    calendars: dict[str, Any] = {}
    for item in items:
        calendar_id = str(item["id"])
        calendar = readable(calendar_id)
        if calendar is None:
            calendars[calendar_id] = {
                "errors": [{"domain": "global", "reason": "notFound"}],
                "busy": [],
            }
            continue
        periods = busy_periods(store, calendar, time_min, time_max)
        calendars[calendar_id] = {
            "busy": [
                {"start": format_instant(s, zone), "end": format_instant(e, zone)}
                for s, e in periods
            ]
        }
    return {
        "kind": "calendar#freeBusy",
        "timeMin": format_timestamp(time_min),
        "timeMax": format_timestamp(time_max),
        "calendars": calendars,
    }


def busy_periods(
    store: CalendarStore, calendar: Calendar, time_min: datetime, time_max: datetime
) -> list[tuple[datetime, datetime]]:
    views = full_views(
        store, calendar, ListQuery(time_min=time_min, time_max=time_max, single_events=True)
    )
    periods = sorted(
        (max(view.start, time_min), min(view.end, time_max))
        for view in views
        if _is_busy(view, calendar)
    )
    merged: list[tuple[datetime, datetime]] = []
    for start, end in periods:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _is_busy(view: EventView, calendar: Calendar) -> bool:
    if view.is_cancelled or view.body.get("transparency") == "transparent":
        return False
    return not any(
        str(attendee.get("email", "")).lower() == calendar.id.lower()
        and attendee.get("responseStatus") == "declined"
        for attendee in view.body.get("attendees") or []
    )


def _instant(body: dict[str, Any], name: str) -> datetime:
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise required(f"Missing {name} parameter.", location=name)
    return parse_instant(value, location=name)
