"""The Events resource on the wire: checking what clients send, and rendering what Google shows.

https://developers.google.com/workspace/calendar/api/v3/reference/events
"""

from __future__ import annotations

import base64
import copy
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tutorcal.emulator import recurrence
from tutorcal.emulator.calendar_errors import CalendarError, bad_request, required, time_range_empty
from tutorcal.emulator.calendar_models import Calendar

# What a client may set; everything else in a request body (kind, etag, created, creator,
# hangoutLink, ...) is read-only and ignored, as Google ignores it.
WRITABLE = (
    "summary",
    "description",
    "location",
    "start",
    "end",
    "recurrence",
    "attendees",
    "transparency",
    "visibility",
    "status",
    "extendedProperties",
    "guestsCanSeeOtherGuests",
    "guestsCanInviteOthers",
    "guestsCanModify",
    "anyoneCanAddSelf",
    "reminders",
    "colorId",
    "source",
    "eventType",
)
# Shared properties only the organizer's copy may change (errors guide, 403
# forbiddenForNonOrganizer).
ORGANIZER_ONLY = (
    "attendees",
    "guestsCanSeeOtherGuests",
    "guestsCanInviteOthers",
    "guestsCanModify",
)
_ATTENDEE_FIELDS = (
    "email",
    "displayName",
    "optional",
    "responseStatus",
    "comment",
    "additionalGuests",
    "resource",
)
_RESPONSES = ("needsAction", "declined", "tentative", "accepted")
_OUTPUT_ORDER = (
    "summary", "description", "location", "colorId", "creator", "organizer", "start", "end",
    "endTimeUnspecified", "recurrence", "recurringEventId", "originalStartTime", "transparency",
    "visibility", "iCalUID", "sequence", "attendees", "extendedProperties", "hangoutLink",
    "conferenceData", "anyoneCanAddSelf", "guestsCanInviteOthers", "guestsCanModify",
    "guestsCanSeeOtherGuests", "reminders", "source", "eventType",
)  # fmt: skip
_TIME_FIELDS = ("start", "end", "originalStartTime")
_BASE32HEX_ID = re.compile(r"^[a-v0-9]{5,1024}$")


@dataclass(frozen=True)
class EventTime:
    """A start or end: an all-day ``day``, or an instant ``at`` read in ``zone``."""

    at: datetime  # aware; an all-day date starts at midnight in the calendar's zone
    day: date | None
    zone: str | None


def zone_named(name: str, *, location: str = "timeZone") -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise bad_request(f"Invalid time zone definition for {name}.", location=location) from exc


def parse_instant(value: str, *, location: str) -> datetime:
    """An RFC 3339 timestamp whose offset is mandatory, as events.list demands."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise bad_request(
            f"Bad Request: invalid {location} {value!r}.", reason="badRequest", location=location
        ) from exc
    if moment.tzinfo is None:
        raise bad_request(
            f"{location} must carry a time zone offset.", reason="badRequest", location=location
        )
    return moment.astimezone(UTC)


def format_instant(moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone).replace(microsecond=0)
    text = local.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def format_timestamp(moment: datetime) -> str:
    """``created``/``updated``: UTC with milliseconds, as Google writes them."""
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


def check_client_id(event_id: object) -> str:
    """Client-supplied ids: base32hex (a-v, 0-9), 5 to 1024 characters (FACTS.md B5)."""
    if not isinstance(event_id, str) or not _BASE32HEX_ID.match(event_id):
        raise CalendarError(400, "invalidResourceId", "Invalid resource id value.")
    return event_id


def event_time(value: object, *, name: str, calendar_zone: str) -> EventTime:
    if not isinstance(value, dict):
        raise required(f"Missing {name} time.")
    zone_name = value.get("timeZone")
    if zone_name is not None and not isinstance(zone_name, str):
        raise bad_request(f"Invalid {name}.timeZone.")
    if value.get("date") is not None and value.get("dateTime") is None:
        try:
            day = date.fromisoformat(str(value["date"]))
        except ValueError as exc:
            raise bad_request(f"Invalid {name}.date value.") from exc
        zone = zone_named(zone_name or calendar_zone)
        return EventTime(datetime.combine(day, time.min, tzinfo=zone), day, zone_name)
    if value.get("dateTime") is None:
        raise required(f"Missing {name} time.")
    try:
        moment = datetime.fromisoformat(str(value["dateTime"]))
    except ValueError as exc:
        raise bad_request(f"Invalid {name}.dateTime value.") from exc
    if moment.tzinfo is None:
        # "A time zone offset is required unless a time zone is explicitly specified in timeZone."
        if zone_name is None:
            raise bad_request(f"Missing time zone definition for {name} time.")
        moment = moment.replace(tzinfo=zone_named(zone_name))
    elif zone_name is not None:
        zone_named(zone_name)
    return EventTime(moment, None, zone_name)


def span(body: dict[str, Any], calendar_zone: str) -> tuple[datetime, datetime]:
    """The event's start and end as UTC instants (bodies in the store are already valid)."""
    start = event_time(body.get("start"), name="start", calendar_zone=calendar_zone)
    end = event_time(body.get("end"), name="end", calendar_zone=calendar_zone)
    return start.at.astimezone(UTC), end.at.astimezone(UTC)


def writable_fields(raw: dict[str, Any]) -> dict[str, Any]:
    body = {key: copy.deepcopy(raw[key]) for key in WRITABLE if key in raw and raw[key] is not None}
    if "attendees" in body:
        body["attendees"] = normalize_attendees(body["attendees"])
    return body


def normalize_attendees(value: object) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise bad_request("Invalid attendees: expected a list.")
    attendees: list[dict[str, Any]] = []
    for item in value:
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("email"), str)
            or "@" not in item["email"]
        ):
            raise required("Missing attendee email.")
        attendee = {key: item[key] for key in _ATTENDEE_FIELDS if item.get(key) is not None}
        attendee.setdefault("responseStatus", "needsAction")
        if attendee["responseStatus"] not in _RESPONSES:
            raise bad_request(f"Invalid attendee responseStatus {attendee['responseStatus']!r}.")
        attendees.append(attendee)
    return attendees


def validate(body: dict[str, Any], calendar_zone: str) -> None:
    """Raises CalendarError unless ``body`` is an event Google would store; normalizes times
    to RFC 3339 with an offset so the store never holds a naive dateTime."""
    start = event_time(body.get("start"), name="start", calendar_zone=calendar_zone)
    end = event_time(body.get("end"), name="end", calendar_zone=calendar_zone)
    if (start.day is None) != (end.day is None):
        raise bad_request("Start and end times must either both be date or both be dateTime.")
    if end.at <= start.at:
        raise time_range_empty("end")
    for name, parsed in (("start", start), ("end", end)):
        if parsed.day is None:
            body[name] = {"dateTime": parsed.at.isoformat(), **_zone_field(parsed.zone)}
        else:
            body[name] = {"date": parsed.day.isoformat(), **_zone_field(parsed.zone)}
    if body.get("recurrence"):
        if not isinstance(body["recurrence"], list):
            raise bad_request("Invalid recurrence: expected a list of RRULE/EXDATE lines.")
        if start.day is None and start.zone is None:
            # "For recurring events this field is required and specifies the time zone in which
            # the recurrence is expanded." (events reference, start.timeZone)
            raise bad_request("Missing time zone definition for start time.")
        try:
            recurrence.parse(body["recurrence"], zone_named(start.zone or calendar_zone))
        except recurrence.UnsupportedRecurrence as exc:
            raise bad_request(f"Invalid recurrence rule: {exc}.") from exc
    if body.get("transparency", "opaque") not in ("opaque", "transparent"):
        raise bad_request("Invalid transparency value.")
    if body.get("status", "confirmed") not in ("confirmed", "tentative", "cancelled"):
        raise bad_request("Invalid status value.")


def _zone_field(zone: str | None) -> dict[str, str]:
    return {"timeZone": zone} if zone else {}


def merge_patch(existing: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """Patch semantics: given fields replace, objects merge, and "array fields, if specified,
    overwrite the existing arrays" (events.patch reference, FACTS.md B6); null clears."""
    merged = copy.deepcopy(existing)
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        elif key in _TIME_FIELDS and isinstance(value, dict):
            # A start given as a date drops the old dateTime and the other way round.
            kept = {k: v for k, v in merged.get(key, {}).items() if k == "timeZone"}
            merged[key] = {**kept, **value}
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge_patch(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def render(
    event_id: str,
    etag: str,
    body: dict[str, Any],
    calendar: Calendar,
    *,
    zone: ZoneInfo,
    base_url: str,
    minimal: bool = False,
) -> dict[str, Any]:
    """The resource as events.get/list return it, for the calendar the caller reads."""
    out: dict[str, Any] = {"kind": "calendar#event", "etag": etag, "id": event_id}
    out["status"] = body.get("status", "confirmed")
    if minimal:
        # "Cancelled exceptions are only guaranteed to have values for the id,
        # recurringEventId and originalStartTime fields populated"; deleted events only the id.
        for key in ("recurringEventId", "originalStartTime"):
            if key in body:
                out[key] = _render_value(key, body[key], calendar, zone)
        return out
    eid = base64.urlsafe_b64encode(f"{event_id} {calendar.id}".encode()).decode().rstrip("=")
    out["htmlLink"] = f"{base_url}/calendar/event?eid={eid}"
    out["created"] = body.get("created")
    out["updated"] = body.get("updated")
    for key in (*_OUTPUT_ORDER, *sorted(set(body) - set(_OUTPUT_ORDER))):
        if key in body and key not in out:
            out[key] = _render_value(key, body[key], calendar, zone)
    return out


def _render_value(key: str, value: Any, calendar: Calendar, zone: ZoneInfo) -> Any:
    if key in _TIME_FIELDS and isinstance(value, dict) and "dateTime" in value:
        moment = datetime.fromisoformat(value["dateTime"])
        return {**value, "dateTime": format_instant(moment, zone)}
    if key in ("organizer", "creator") and isinstance(value, dict):
        return {**value, **({"self": True} if _is_calendar(value.get("email"), calendar) else {})}
    if key == "attendees" and isinstance(value, list):
        return [_render_attendee(attendee, calendar) for attendee in value]
    return copy.deepcopy(value)


def _render_attendee(attendee: dict[str, Any], calendar: Calendar) -> dict[str, Any]:
    out = dict(attendee)
    if _is_calendar(attendee.get("email"), calendar):
        out["self"] = True
    return out


def _is_calendar(email: object, calendar: Calendar) -> bool:
    return isinstance(email, str) and email.lower() == calendar.id.lower()


def is_organizer_copy(body: dict[str, Any], calendar: Calendar) -> bool:
    organizer = body.get("organizer") or {}
    return _is_calendar(organizer.get("email"), calendar)


def mark_organizer(attendees: list[dict[str, Any]], organizer_email: str) -> list[dict[str, Any]]:
    """Google flags the attendee entry that is the organizer; it is read-only, so recompute."""
    for attendee in attendees:
        attendee.pop("organizer", None)
        if attendee["email"].lower() == organizer_email.lower():
            attendee["organizer"] = True
    return attendees
