"""events.insert/get/update/patch/delete on the store, shared by Google's paths and the control API.

Behaviours, each from the events reference and the errors guide
(https://developers.google.com/workspace/calendar/api/v3/reference/events,
https://developers.google.com/workspace/calendar/api/guides/errors):

- a client-supplied id must be base32hex, 5-1024 characters (400 ``invalidResourceId``), and
  may not repeat an id of the calendar, deleted ones included (409 ``duplicate``);
- ``If-Match`` with another etag answers 412 ``conditionNotMet``;
- deleting marks the event ``cancelled`` (it stays readable by ``get``, which "always returns"
  cancelled events, and shows in incremental syncs); deleting it again answers 410 ``deleted``;
- changing one instance of a series (by its instance id) stores an exception;
- only the organizer's copy may change attendees and guest permissions (403
  ``forbiddenForNonOrganizer``).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tutorcal.emulator import conference, recurrence, series
from tutorcal.emulator.calendar_errors import CalendarError, bad_request, not_found
from tutorcal.emulator.calendar_models import Calendar, RetiredInstance, StoredEvent, new_event_id
from tutorcal.emulator.calendar_store import CalendarStore
from tutorcal.emulator.event_resource import (
    ORGANIZER_ONLY,
    WRITABLE,
    check_client_id,
    is_organizer_copy,
    mark_organizer,
    merge_patch,
    normalize_attendees,
    validate,
    writable_fields,
)

# Read-only fields an update keeps from the stored event.
_KEPT_ON_UPDATE = (
    "organizer",
    "creator",
    "iCalUID",
    "sequence",
    "created",
    "recurringEventId",
    "originalStartTime",
)
_SHAPE_FIELDS = ("start", "end", "recurrence", "status")
_GUEST_DEFAULTS = {
    "guestsCanSeeOtherGuests": True,
    "guestsCanInviteOthers": True,
    "guestsCanModify": False,
}


@dataclass(frozen=True)
class Target:
    """What an event id names: a stored event, or a virtual instance of a stored series."""

    id: str
    stored: StoredEvent | None
    master: StoredEvent | None = None
    original_start: datetime | date | None = None

    def body(self, calendar: Calendar) -> dict[str, Any]:
        if self.stored is not None:
            return self.stored.body
        assert self.master is not None
        assert self.original_start is not None
        return series.instance_body(self.master, self.original_start, calendar)

    @property
    def etag(self) -> str:
        event = self.stored or self.master
        assert event is not None
        return event.etag


def insert(
    store: CalendarStore,
    calendar: Calendar,
    raw: dict[str, Any],
    *,
    creator: str,
    conference_version: int,
    as_owner_in_ui: bool = False,
) -> StoredEvent:
    """A new event on ``calendar``, organized by it. ``as_owner_in_ui`` is the control API's
    "the tutor made it in Google Calendar": the owner joins the guest list as the organizer."""
    if raw.get("id") is not None and raw.get("iCalUID") is not None:
        raise bad_request("Only one of id and iCalUID can be given.")
    event_id = check_client_id(raw["id"]) if raw.get("id") is not None else new_event_id()
    if store.event(calendar.id, event_id) is not None:
        raise CalendarError(409, "duplicate")
    body = writable_fields(raw)
    body.setdefault("status", "confirmed")
    validate(body, calendar.time_zone)
    organizer = (
        raw.get("organizer") if as_owner_in_ui and isinstance(raw.get("organizer"), dict) else None
    )
    body["organizer"] = (
        {"email": str(organizer["email"])}
        if organizer and organizer.get("email")
        else _organizer(calendar)
    )
    body["creator"] = {"email": creator}
    body["iCalUID"] = str(raw.get("iCalUID") or f"{event_id}@google.com")
    body["sequence"] = 0
    body.setdefault("reminders", {"useDefault": True})
    body.setdefault("eventType", "default")
    if body.get("attendees"):
        if as_owner_in_ui and is_organizer_copy(body, calendar):
            _add_owner_as_organizer(body["attendees"], calendar)
        mark_organizer(body["attendees"], body["organizer"]["email"])
    conference.apply(
        body, raw.get("conferenceData"), version=conference_version, previous=None, is_patch=False
    )
    return store.create(calendar, event_id, body)


def resolve(store: CalendarStore, calendar: Calendar, event_id: str) -> Target:
    stored = store.event(calendar.id, event_id)
    if stored is not None:
        return Target(event_id, stored)
    split = recurrence.split_instance_id(event_id)
    master = store.event(calendar.id, split[0]) if split else None
    if master is None or not master.is_recurring:
        raise not_found()
    stamp = event_id.rpartition("_")[2]
    before = series.as_instant(_stamp_moment(stamp), calendar) + timedelta(days=1)
    for start in series.original_starts(master, calendar, before=before):
        if recurrence.instance_id(master.id, start) == event_id:
            return Target(event_id, None, master, start)
    raise not_found()


def modify(
    store: CalendarStore,
    calendar: Calendar,
    event_id: str,
    raw: dict[str, Any],
    *,
    is_patch: bool,
    if_match: str | None,
    conference_version: int,
    enforce_organizer: bool,
) -> StoredEvent:
    """events.update (``is_patch=False``: the body replaces the event) or events.patch."""
    target = resolve(store, calendar, event_id)
    _check_etag(target, if_match)
    current = target.body(calendar)
    if is_patch:
        changes = {key: raw[key] for key in WRITABLE if key in raw}
        if changes.get("attendees") is not None:
            changes["attendees"] = normalize_attendees(changes["attendees"])
        body = merge_patch(current, changes)
    else:
        body = {key: copy.deepcopy(current[key]) for key in _KEPT_ON_UPDATE if key in current}
        body.update(writable_fields(raw))
        body.setdefault("status", current.get("status", "confirmed"))
    if target.stored is None or target.stored.recurring_event_id is not None:
        body.pop("recurrence", None)  # an instance cannot become a series of its own
    if enforce_organizer and not is_organizer_copy(current, calendar):
        _check_shared_properties(current, body)
    validate(body, calendar.time_zone)
    if body.get("attendees"):
        mark_organizer(
            body["attendees"], str((body.get("organizer") or {}).get("email", calendar.id))
        )
    if any(body.get(key) != current.get(key) for key in ("start", "end", "recurrence")):
        body["sequence"] = int(current.get("sequence", 0)) + 1
    requested = raw.get("conferenceData", ...) if is_patch else raw.get("conferenceData")
    conference.apply(
        body, requested, version=conference_version, previous=current, is_patch=is_patch
    )
    return _save(store, calendar, target, body)


def delete(
    store: CalendarStore, calendar: Calendar, event_id: str, *, if_match: str | None
) -> StoredEvent:
    target = resolve(store, calendar, event_id)
    body = target.body(calendar)
    if body.get("status") == "cancelled":
        raise CalendarError(410, "deleted")
    _check_etag(target, if_match)
    return _save(store, calendar, target, {**copy.deepcopy(body), "status": "cancelled"})


def _save(
    store: CalendarStore, calendar: Calendar, target: Target, body: dict[str, Any]
) -> StoredEvent:
    if target.stored is None:
        assert target.master is not None
        return store.create(
            calendar,
            target.id,
            body,
            recurring_event_id=target.master.id,
            original_start=target.original_start,
        )
    before = replace(target.stored, body=target.stored.body)
    saved = store.save(target.stored, body)
    if saved.recurring_event_id is None and (before.is_recurring or saved.is_recurring):
        _propagate_to_exceptions(store, before.body, saved)
        if any(before.body.get(key) != body.get(key) for key in _SHAPE_FIELDS):
            _reconcile_series(store, calendar, before, saved)
    return saved


def _propagate_to_exceptions(
    store: CalendarStore, old: dict[str, Any], master: StoredEvent
) -> None:
    """A change to the whole series reaches the instances that had not overridden that field
    (a renamed series renames its booked instances too)."""
    changed = [
        key for key in WRITABLE if key not in _SHAPE_FIELDS and old.get(key) != master.body.get(key)
    ]
    for exception in store.exceptions_of(master):
        if exception.is_cancelled:
            continue
        body = copy.deepcopy(exception.body)
        for key in changed:
            if body.get(key) == old.get(key):
                if key in master.body:
                    body[key] = copy.deepcopy(master.body[key])
                else:
                    body.pop(key, None)
        if body != exception.body:
            store.save(exception, body)


def _reconcile_series(
    store: CalendarStore, calendar: Calendar, before: StoredEvent, master: StoredEvent
) -> None:
    """After a series moved, lost dates or was deleted: instances that no longer exist are
    retired (incremental syncs report them cancelled) and their exceptions cancelled."""
    horizon = series.retirement_horizon(store.clock.now())
    old = _instance_ids(before, calendar, horizon)
    new = (
        {}
        if master.is_cancelled or not master.is_recurring
        else _instance_ids(master, calendar, horizon)
    )
    for instance_id, start in old.items():
        if instance_id not in new:
            master.retired[instance_id] = RetiredInstance(master.changed_seq, start)
    for instance_id in new:
        master.retired.pop(instance_id, None)
    for exception in store.exceptions_of(master):
        if exception.id not in new and not exception.is_cancelled:
            store.save(exception, {**copy.deepcopy(exception.body), "status": "cancelled"})


def _instance_ids(
    master: StoredEvent, calendar: Calendar, horizon: datetime
) -> dict[str, datetime | date]:
    if not master.is_recurring:
        return {}
    starts = series.original_starts(master, calendar, before=horizon)
    return {recurrence.instance_id(master.id, start): start for start in starts}


def _check_etag(target: Target, if_match: str | None) -> None:
    # https://developers.google.com/workspace/calendar/api/guides/version-resources
    if if_match is not None and if_match.strip() not in ("*", target.etag):
        raise CalendarError(412, "conditionNotMet", location="If-Match", location_type="header")


def _check_shared_properties(current: dict[str, Any], body: dict[str, Any]) -> None:
    def emails(event: dict[str, Any]) -> set[str]:
        return {str(a.get("email", "")).lower() for a in event.get("attendees") or []}

    changed = emails(current) != emails(body) or any(
        body.get(key, _GUEST_DEFAULTS[key]) != current.get(key, _GUEST_DEFAULTS[key])
        for key in ORGANIZER_ONLY
        if key != "attendees"
    )
    if changed:
        raise CalendarError(403, "forbiddenForNonOrganizer")


def _organizer(calendar: Calendar) -> dict[str, Any]:
    if calendar.is_primary:
        return {"email": calendar.id}
    return {"email": calendar.id, "displayName": calendar.summary}


def _add_owner_as_organizer(attendees: list[dict[str, Any]], calendar: Calendar) -> None:
    # The Google Calendar UI puts the organizer on the guest list, accepted; the API does not.
    if all(a["email"].lower() != calendar.id.lower() for a in attendees):
        attendees.insert(0, {"email": calendar.id, "responseStatus": "accepted"})


def _stamp_moment(stamp: str) -> datetime | date:
    if "T" in stamp:
        return datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    return datetime.strptime(stamp, "%Y%m%d").date()  # noqa: DTZ007 - a date
