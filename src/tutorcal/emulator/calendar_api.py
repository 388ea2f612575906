"""Google Calendar API v3 paths, under ``/calendar/v3`` of the emulator.

Each route is named after Google's method; ``calendar_guard`` authenticates, checks scopes,
applies faults and rate limits, and logs. A user reads and writes only their own calendars
(sharing is not modelled): any other calendar id is 404 ``notFound``. ``primary`` is the
caller's primary calendar, whose id is their address.
"""

from __future__ import annotations

import json
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from tutorcal.emulator import event_listing, event_ops, freebusy, push
from tutorcal.emulator.calendar_errors import CalendarError, bad_request, not_found, parse_error
from tutorcal.emulator.calendar_guard import CalendarRoute, Caller, get_caller
from tutorcal.emulator.calendar_models import Calendar
from tutorcal.emulator.dependencies import BaseUrl, State
from tutorcal.emulator.event_resource import render, zone_named
from tutorcal.emulator.state import EmulatorState

PREFIX = "/calendar/v3"
CallerDep = Annotated[Caller, Depends(get_caller)]

router = APIRouter(prefix=PREFIX, tags=["Google Calendar"], route_class=CalendarRoute)


def own_calendar(state: EmulatorState, caller: Caller, calendar_id: str) -> Calendar:
    if calendar_id == "primary" or calendar_id.lower() == caller.email:
        return state.calendar.ensure_primary(caller.email)
    calendar = state.calendar.calendar(calendar_id)
    if calendar is None or calendar.owner != caller.email:
        raise not_found()
    return calendar


@router.get("/users/me/calendarList", name="calendarList.list")
async def list_calendars(request: Request, state: State, caller: CallerDep) -> JSONResponse:
    state.calendar.ensure_primary(caller.email)
    calendars = state.calendar.calendars_of(caller.email)
    size = min(_int_param(request, "maxResults", 100, minimum=1), 250)
    offset = _int_param(request, "pageToken", 0, minimum=0)
    page = calendars[offset : offset + size]
    body: dict[str, Any] = {
        "kind": "calendar#calendarList",
        "etag": f'"p{sum(c.change_seq for c in calendars):x}"',
        "items": [_list_entry(calendar) for calendar in page],
    }
    if offset + size < len(calendars):
        body["nextPageToken"] = str(offset + size)
    return JSONResponse(body)


@router.get("/calendars/{calendarId}/events", name="events.list")
async def list_events(
    calendarId: str, request: Request, state: State, caller: CallerDep, base_url: BaseUrl
) -> JSONResponse:
    calendar = own_calendar(state, caller, calendarId)
    query = event_listing.parse_query(request.query_params)
    return JSONResponse(
        event_listing.list_events(state.calendar, calendar, query, base_url=base_url)
    )


@router.post("/calendars/{calendarId}/events/watch", name="events.watch")
async def watch_events(
    calendarId: str, request: Request, state: State, caller: CallerDep, base_url: BaseUrl
) -> JSONResponse:
    calendar = own_calendar(state, caller, calendarId)
    channel = push.new_channel(
        await _json_body(request),
        calendar_id=calendar.id,
        resource_id=calendar.resource_id,
        resource_uri=f"{base_url}{PREFIX}/calendars/{quote(calendarId, safe='@')}/events",
        user=caller.email,
        client_id=caller.client_id,
        now=state.clock.now(),
    )
    state.notifier.open(channel)
    return JSONResponse(channel.as_resource())


@router.get("/calendars/{calendarId}/events/{eventId}/instances", name="events.instances")
async def list_instances(
    calendarId: str,
    eventId: str,
    request: Request,
    state: State,
    caller: CallerDep,
    base_url: BaseUrl,
) -> JSONResponse:
    calendar = own_calendar(state, caller, calendarId)
    master = state.calendar.event(calendar.id, eventId)
    if master is None or not master.is_recurring:
        raise not_found()
    query = event_listing.parse_query(request.query_params)
    body = event_listing.list_events(
        state.calendar, calendar, query, base_url=base_url, series_master=master
    )
    return JSONResponse(body)


@router.get("/calendars/{calendarId}/events/{eventId}", name="events.get")
async def get_event(
    calendarId: str,
    eventId: str,
    request: Request,
    state: State,
    caller: CallerDep,
    base_url: BaseUrl,
) -> Response:
    calendar = own_calendar(state, caller, calendarId)
    target = event_ops.resolve(state.calendar, calendar, eventId)
    if request.headers.get("if-none-match") == target.etag:
        return Response(status_code=304, headers={"ETag": target.etag})
    zone = zone_named(request.query_params.get("timeZone") or calendar.time_zone)
    body = render(
        target.id, target.etag, target.body(calendar), calendar, zone=zone, base_url=base_url
    )
    return JSONResponse(body, headers={"ETag": target.etag})


@router.post("/calendars/{calendarId}/events", name="events.insert")
async def insert_event(
    calendarId: str, request: Request, state: State, caller: CallerDep, base_url: BaseUrl
) -> JSONResponse:
    calendar = own_calendar(state, caller, calendarId)
    _send_updates(request)
    event = event_ops.insert(
        state.calendar,
        calendar,
        await _json_body(request),
        creator=caller.email,
        conference_version=_conference_version(request),
    )
    state.calendar.announce(calendar.id)
    return _event_response(event.id, event.etag, event.body, calendar, base_url)


@router.put("/calendars/{calendarId}/events/{eventId}", name="events.update")
async def update_event(
    calendarId: str,
    eventId: str,
    request: Request,
    state: State,
    caller: CallerDep,
    base_url: BaseUrl,
) -> JSONResponse:
    return await _modify(calendarId, eventId, request, state, caller, base_url, is_patch=False)


@router.patch("/calendars/{calendarId}/events/{eventId}", name="events.patch")
async def patch_event(
    calendarId: str,
    eventId: str,
    request: Request,
    state: State,
    caller: CallerDep,
    base_url: BaseUrl,
) -> JSONResponse:
    return await _modify(calendarId, eventId, request, state, caller, base_url, is_patch=True)


@router.delete("/calendars/{calendarId}/events/{eventId}", name="events.delete", status_code=204)
async def delete_event(
    calendarId: str, eventId: str, request: Request, state: State, caller: CallerDep
) -> Response:
    calendar = own_calendar(state, caller, calendarId)
    _send_updates(request)
    event_ops.delete(state.calendar, calendar, eventId, if_match=request.headers.get("if-match"))
    state.calendar.announce(calendar.id)
    return Response(status_code=204)


@router.post("/freeBusy", name="freebusy.query")
async def query_free_busy(request: Request, state: State, caller: CallerDep) -> JSONResponse:
    def readable(calendar_id: str) -> Calendar | None:
        try:
            return own_calendar(state, caller, calendar_id)
        except CalendarError:
            return None

    return JSONResponse(freebusy.query(state.calendar, await _json_body(request), readable))


@router.post("/channels/stop", name="channels.stop", status_code=204)
async def stop_channel(request: Request, state: State, caller: CallerDep) -> Response:
    body = await _json_body(request)
    channel_id, resource_id = body.get("id"), body.get("resourceId")
    if not isinstance(channel_id, str) or not isinstance(resource_id, str):
        raise CalendarError(400, "required", "Channel id and resourceId are required.")
    if not state.notifier.stop(channel_id, resource_id, caller.email, caller.client_id):
        raise CalendarError(404, "notFound", f"Channel '{channel_id}' not found.")
    return Response(status_code=204)


async def _modify(
    calendar_id: str,
    event_id: str,
    request: Request,
    state: EmulatorState,
    caller: Caller,
    base_url: str,
    *,
    is_patch: bool,
) -> JSONResponse:
    calendar = own_calendar(state, caller, calendar_id)
    _send_updates(request)
    event = event_ops.modify(
        state.calendar,
        calendar,
        event_id,
        await _json_body(request),
        is_patch=is_patch,
        if_match=request.headers.get("if-match"),
        conference_version=_conference_version(request),
        enforce_organizer=True,
    )
    state.calendar.announce(calendar.id)
    return _event_response(event.id, event.etag, event.body, calendar, base_url)


def _event_response(
    event_id: str, etag: str, body: dict[str, Any], calendar: Calendar, base_url: str
) -> JSONResponse:
    zone = zone_named(calendar.time_zone)
    rendered = render(event_id, etag, body, calendar, zone=zone, base_url=base_url)
    return JSONResponse(rendered, headers={"ETag": etag})


def _list_entry(calendar: Calendar) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "kind": "calendar#calendarListEntry",
        "etag": f'"{calendar.change_seq}"',
        "id": calendar.id,
        "summary": calendar.summary,
        **({"description": calendar.description} if calendar.description else {}),
        "timeZone": calendar.time_zone,
        "colorId": "14",
        "backgroundColor": "#9fe1e7",
        "foregroundColor": "#000000",
        "selected": True,
        "accessRole": "owner",
        "defaultReminders": [],
        "conferenceProperties": {"allowedConferenceSolutionTypes": ["hangoutsMeet"]},
    }
    if calendar.is_primary:
        entry["primary"] = True
    return entry


async def _json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise parse_error() from exc
    if not isinstance(body, dict):
        raise parse_error()
    return body


def _send_updates(request: Request) -> str | None:
    value = request.query_params.get("sendUpdates")
    if value is not None and value not in ("all", "externalOnly", "none"):
        raise bad_request(f"Invalid value for sendUpdates: {value}.", location="sendUpdates")
    return value


def _conference_version(request: Request) -> int:
    version = _int_param(request, "conferenceDataVersion", 0, minimum=0)
    if version > 1:
        raise bad_request("conferenceDataVersion must be 0 or 1.", location="conferenceDataVersion")
    return version


def _int_param(request: Request, name: str, default: int, *, minimum: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise bad_request(f"Invalid value for {name}: {raw}.", location=name) from exc
    if value < minimum:
        raise bad_request(f"Invalid value for {name}: {raw}.", location=name)
    return value
