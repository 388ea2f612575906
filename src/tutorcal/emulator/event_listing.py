"""events.list: full listings, incremental sync, recurring expansion and paging.

From https://developers.google.com/workspace/calendar/api/v3/reference/events/list and the
sync guide https://developers.google.com/workspace/calendar/api/guides/sync:

- ``timeMin`` is an exclusive bound on an event's end, ``timeMax`` an exclusive bound on its
  start; both need an offset; ``timeMin >= timeMax`` is 400 ``timeRangeEmpty``;
- ``orderBy=startTime`` only with ``singleEvents=true``;
- ``syncToken`` cannot be combined with iCalUID, orderBy, privateExtendedProperty, q,
  sharedExtendedProperty, timeMin, timeMax or updatedMin, and deletions "will always be in the
  result set and it is not allowed to set showDeleted to False";
- ``nextSyncToken`` is present only on the last page; a full sync bounded by timeMin/timeMax
  gets one too;
- without ``showDeleted`` cancelled events are left out, except that "cancelled instances of
  recurring events (but not the underlying recurring event) will still be included if
  showDeleted and singleEvents are both False".

Simplification: an incremental sync with ``singleEvents=true`` expands a changed series over
the window of the full sync that began the chain of tokens (or the emulator's horizon).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from starlette.datastructures import QueryParams

from tutorcal.emulator import series
from tutorcal.emulator.calendar_errors import bad_request, time_range_empty
from tutorcal.emulator.calendar_models import Calendar, PageSnapshot, StoredEvent, SyncCheckpoint
from tutorcal.emulator.calendar_store import CalendarStore
from tutorcal.emulator.event_resource import format_timestamp, parse_instant, render, zone_named
from tutorcal.emulator.series import EventView

DEFAULT_MAX_RESULTS = 250
MAX_MAX_RESULTS = 2500
_NOT_WITH_SYNC_TOKEN = (
    "iCalUID", "orderBy", "privateExtendedProperty", "q", "sharedExtendedProperty", "timeMin",
    "timeMax", "updatedMin",
)  # fmt: skip


@dataclass(frozen=True)
class ListQuery:
    time_min: datetime | None = None
    time_max: datetime | None = None
    single_events: bool = False
    order_by: str | None = None
    show_deleted: bool = False
    max_results: int = DEFAULT_MAX_RESULTS
    page_token: str | None = None
    sync_token: str | None = None
    zone_name: str | None = None
    q: str | None = None
    updated_min: datetime | None = None
    ical_uid: str | None = None
    private_properties: tuple[tuple[str, str], ...] = ()
    shared_properties: tuple[tuple[str, str], ...] = ()
    fingerprint: tuple[tuple[str, str], ...] = ()


def parse_query(params: QueryParams) -> ListQuery:
    """events.list parameters, refused in Google's words when they do not fit together."""
    sync_token = params.get("syncToken") or None
    if sync_token:
        clashing = [name for name in _NOT_WITH_SYNC_TOKEN if name in params]
        if clashing:
            raise bad_request(
                f"The following parameters cannot be used together with syncToken: {', '.join(clashing)}.",
                location=clashing[0],
            )
        if params.get("showDeleted", "").lower() == "false":
            raise bad_request("showDeleted cannot be false with syncToken.", location="showDeleted")
    time_min = parse_instant(params["timeMin"], location="timeMin") if "timeMin" in params else None
    time_max = parse_instant(params["timeMax"], location="timeMax") if "timeMax" in params else None
    if time_min and time_max and time_min >= time_max:
        raise time_range_empty("timeMax")
    single_events = _flag(params, "singleEvents")
    order_by = params.get("orderBy") or None
    if order_by not in (None, "startTime", "updated"):
        raise bad_request(f"Invalid value for orderBy: {order_by}.", location="orderBy")
    if order_by == "startTime" and not single_events:
        raise bad_request(
            "The requested ordering is not available for the particular query.",
            reason="badRequest",
            location="orderBy",
        )
    if "timeZone" in params:
        zone_named(params["timeZone"])
    return ListQuery(
        time_min=time_min,
        time_max=time_max,
        single_events=single_events,
        order_by=order_by,
        show_deleted=_flag(params, "showDeleted") or bool(sync_token),
        max_results=_max_results(params),
        page_token=params.get("pageToken") or None,
        sync_token=sync_token,
        zone_name=params.get("timeZone"),
        q=params.get("q") or None,
        updated_min=parse_instant(params["updatedMin"], location="updatedMin")
        if "updatedMin" in params
        else None,
        ical_uid=params.get("iCalUID") or None,
        private_properties=_properties(params.getlist("privateExtendedProperty")),
        shared_properties=_properties(params.getlist("sharedExtendedProperty")),
        fingerprint=tuple(sorted((k, v) for k, v in params.multi_items() if k != "pageToken")),
    )


def _flag(params: QueryParams, name: str) -> bool:
    value = params.get(name, "false").lower()
    if value not in ("true", "false"):
        raise bad_request(f"Invalid boolean value for {name}: {params[name]}.", location=name)
    return value == "true"


def _max_results(params: QueryParams) -> int:
    try:
        value = int(params.get("maxResults", DEFAULT_MAX_RESULTS))
    except ValueError as exc:
        raise bad_request("Invalid maxResults.", location="maxResults") from exc
    if value < 1:
        raise bad_request("Invalid maxResults.", location="maxResults")
    return min(value, MAX_MAX_RESULTS)  # "The page size can never be larger than 2500 events."


def _properties(values: list[str]) -> tuple[tuple[str, str], ...]:
    pairs = [value.partition("=") for value in values]
    if any(not sep for _, sep, _ in pairs):
        raise bad_request("Extended property constraints must be name=value.")
    return tuple((name, value) for name, _, value in pairs)


def list_events(
    store: CalendarStore,
    calendar: Calendar,
    query: ListQuery,
    *,
    base_url: str,
    series_master: StoredEvent | None = None,
) -> dict[str, Any]:
    """events.list, or events.instances of ``series_master`` (which has no sync token)."""
    zone = zone_named(query.zone_name or calendar.time_zone)
    if query.page_token:
        snapshot = store.page(query.page_token)
        if snapshot is None or snapshot.fingerprint != query.fingerprint:
            raise bad_request("Invalid pageToken value.", location="pageToken")
    else:
        snapshot = _first_page_snapshot(store, calendar, query, zone, base_url, series_master)
    page, rest = snapshot.items[: query.max_results], snapshot.items[query.max_results :]
    response = {**snapshot.header, "items": page}
    if rest:
        response["nextPageToken"] = store.save_page(
            PageSnapshot(
                query.fingerprint,
                rest,
                snapshot.header,
                snapshot.next_sync_token,
                store.clock.now(),
            )
        )
    elif snapshot.next_sync_token:
        response["nextSyncToken"] = snapshot.next_sync_token
    return response


def _first_page_snapshot(
    store: CalendarStore,
    calendar: Calendar,
    query: ListQuery,
    zone: ZoneInfo,
    base_url: str,
    series_master: StoredEvent | None,
) -> PageSnapshot:
    seq = calendar.change_seq
    window = (query.time_min, query.time_max)
    if series_master is not None:
        views = instance_views(store, calendar, series_master, query)
    elif query.sync_token:
        checkpoint = store.checkpoint(calendar, query.sync_token)
        window = (checkpoint.window_min, checkpoint.window_max)
        views = changed_views(store, calendar, checkpoint, single_events=query.single_events)
    else:
        views = [view for view in full_views(store, calendar, query) if _matches(view, query)]
    views.sort(
        key=(lambda v: (v.updated_at, v.id))
        if query.order_by == "updated"
        else (lambda v: (v.start, v.id))
    )
    items = [
        render(
            view.id,
            view.etag,
            view.body,
            calendar,
            zone=zone,
            base_url=base_url,
            minimal=view.is_cancelled,
        )
        for view in views
    ]
    header = {
        "kind": "calendar#events",
        "etag": f'"p{seq:x}"',
        "summary": calendar.summary,
        **({"description": calendar.description} if calendar.description else {}),
        "updated": format_timestamp(_last_update(store, calendar)),
        "timeZone": calendar.time_zone,
        "accessRole": "owner",
        "defaultReminders": [],
    }
    return PageSnapshot(
        query.fingerprint,
        items,
        header,
        None if series_master is not None else store.issue_sync_token(calendar, seq, window),
        store.clock.now(),
    )


def instance_views(
    store: CalendarStore, calendar: Calendar, master: StoredEvent, query: ListQuery
) -> list[EventView]:
    """events.instances: the series' instances in the window, exceptions applied."""
    exceptions = [series.view_of(e, calendar) for e in store.exceptions_of(master)]
    taken = {view.id for view in exceptions}
    virtual = series.window_views(
        master,
        calendar,
        window_min=query.time_min,
        window_max=query.time_max,
        now=store.clock.now(),
    )
    views = [v for v in virtual if v.id not in taken]
    views += _in_window(exceptions, query.time_min, query.time_max)
    return [view for view in views if query.show_deleted or not view.is_cancelled]


def full_views(store: CalendarStore, calendar: Calendar, query: ListQuery) -> list[EventView]:
    """What a listing without syncToken returns, before text and property filters."""
    now = store.clock.now()
    show_deleted = query.show_deleted or query.updated_min is not None
    views: list[EventView] = []
    for event in store.events_of(calendar.id):
        if (
            event.is_cancelled
            and not show_deleted
            and not (event.recurring_event_id and not query.single_events)
        ):
            continue
        if event.recurring_event_id is not None:
            master = store.event(calendar.id, event.recurring_event_id)
            if master is not None and master.is_cancelled and not show_deleted:
                continue
            views.extend(
                _in_window([series.view_of(event, calendar)], query.time_min, query.time_max)
            )
        elif event.is_recurring:
            instances = series.window_views(
                event, calendar, window_min=query.time_min, window_max=query.time_max, now=now
            )
            if query.single_events:
                taken = {exception.id for exception in store.exceptions_of(event)}
                views.extend(view for view in instances if view.id not in taken)
            elif instances or (query.time_min is None and query.time_max is None):
                views.append(series.view_of(event, calendar))
        else:
            views.extend(
                _in_window([series.view_of(event, calendar)], query.time_min, query.time_max)
            )
    return views


def changed_views(
    store: CalendarStore, calendar: Calendar, checkpoint: SyncCheckpoint, *, single_events: bool
) -> list[EventView]:
    """Everything changed since the checkpoint, cancelled events and instances included."""
    now = store.clock.now()
    found: dict[str, EventView] = {}
    for event in store.events_of(calendar.id):
        if event.changed_seq <= checkpoint.seq:
            continue
        if (
            not single_events
            or event.recurring_event_id is not None
            or not (event.is_recurring or event.retired)
        ):
            found.setdefault(event.id, series.view_of(event, calendar))
            continue
        if event.is_recurring and not event.is_cancelled:
            taken = {exception.id for exception in store.exceptions_of(event)}
            for view in series.window_views(
                event,
                calendar,
                window_min=checkpoint.window_min,
                window_max=checkpoint.window_max,
                now=now,
            ):
                if view.id not in taken:
                    found.setdefault(view.id, view)
        elif not event.is_recurring:
            found.setdefault(event.id, series.view_of(event, calendar))
        for view in _retired_views(event, calendar, checkpoint):
            found.setdefault(view.id, view)
    return list(found.values())


def _retired_views(
    master: StoredEvent, calendar: Calendar, checkpoint: SyncCheckpoint
) -> Iterable[EventView]:
    for instance_id, retired in master.retired.items():
        if retired.seq <= checkpoint.seq:
            continue
        view = series.instance_view(master, retired.original_start, calendar)
        body = {**view.body, "status": "cancelled"}
        cancelled = EventView(
            instance_id,
            view.etag,
            body,
            view.start,
            view.end,
            view.updated_at,
            retired.seq,
            master.id,
        )
        yield from _in_window([cancelled], checkpoint.window_min, checkpoint.window_max)


def _in_window(
    views: list[EventView], time_min: datetime | None, time_max: datetime | None
) -> list[EventView]:
    return [
        view
        for view in views
        if (time_min is None or view.end > time_min) and (time_max is None or view.start < time_max)
    ]


def _matches(view: EventView, query: ListQuery) -> bool:
    body = view.body
    if query.updated_min is not None and view.updated_at < query.updated_min:
        return False
    if query.ical_uid is not None and body.get("iCalUID") != query.ical_uid:
        return False
    properties = body.get("extendedProperties") or {}
    for scope, wanted in (
        ("private", query.private_properties),
        ("shared", query.shared_properties),
    ):
        if any((properties.get(scope) or {}).get(name) != value for name, value in wanted):
            return False
    if query.q:
        text = " ".join(
            str(part)
            for part in (
                body.get("summary"),
                body.get("description"),
                body.get("location"),
                *(a.get("email") for a in body.get("attendees") or []),
                *(a.get("displayName") for a in body.get("attendees") or []),
            )
            if part
        ).lower()
        return all(term in text for term in query.q.lower().split())
    return True


def _last_update(store: CalendarStore, calendar: Calendar) -> datetime:
    return max(
        (event.updated_at for event in store.events_of(calendar.id)), default=calendar.created_at
    )
