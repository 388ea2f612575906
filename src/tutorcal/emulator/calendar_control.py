"""The Calendar part of the control API: arrange Google Calendar's side of a scenario.

Changes made here are what a tutor does in the Google Calendar UI: they bypass auth, quotas
and faults, and fire push notifications exactly like changes through the API.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Response, status

from tutorcal.emulator import event_ops
from tutorcal.emulator.calendar_errors import CalendarError
from tutorcal.emulator.calendar_models import Calendar
from tutorcal.emulator.calendar_schemas import (
    CalendarCreate,
    CalendarRateLimitRead,
    CalendarRead,
    CalendarSettings,
    ChannelRead,
    FaultCreate,
    FaultRead,
    RateLimitRead,
    RateLimitSet,
    SyncTokensInvalidated,
)
from tutorcal.emulator.control import _ERRORS, PREFIX, ControlError
from tutorcal.emulator.dependencies import BaseUrl, State
from tutorcal.emulator.event_resource import render, zone_named
from tutorcal.emulator.faults import FaultMatch, RateLimits
from tutorcal.emulator.state import EmulatorState

router = APIRouter(prefix=PREFIX, tags=["Emulator control: Calendar"], responses=_ERRORS)
EventBody = Annotated[dict[str, Any], Body(description="A Google Calendar event resource.")]


@router.post("/calendars", status_code=status.HTTP_201_CREATED)
async def create_calendar(body: CalendarCreate, state: State) -> CalendarRead:
    """A secondary calendar owned by an existing account (its id defaults to a Google-style
    ``...@group.calendar.google.com``)."""
    if state.find_user(body.owner) is None:
        raise ControlError(404, "not_found", f"No user {body.owner!r}")
    if body.id is not None and state.calendar.calendar(body.id) is not None:
        raise ControlError(409, "conflict", f"Calendar {body.id!r} exists already")
    calendar = state.calendar.add_calendar(body.owner, body.summary, body.time_zone, body.id)
    return CalendarRead.of(calendar)


@router.get("/calendars")
async def list_calendars(state: State, owner: str | None = None) -> list[CalendarRead]:
    """Every calendar that exists so far (primary calendars appear once used or configured)."""
    calendars = (
        state.calendar.calendars_of(owner) if owner else list(state.calendar.calendars.values())
    )
    return [CalendarRead.of(calendar) for calendar in calendars]


@router.put("/users/{email}/calendar-settings")
async def set_calendar_settings(email: str, body: CalendarSettings, state: State) -> CalendarRead:
    """The time zone of the user's primary calendar (new primary calendars start in UTC)."""
    user = state.find_user(email)
    if user is None:
        raise ControlError(404, "not_found", f"No user {email!r}")
    return CalendarRead.of(state.calendar.set_primary_time_zone(user.email, body.time_zone))


@router.post("/calendars/{calendarId}/events", status_code=status.HTTP_201_CREATED)
async def create_event(
    calendarId: str, body: EventBody, state: State, base_url: BaseUrl
) -> dict[str, Any]:
    """As the owner creating it in the Google Calendar UI: the owner is the organizer and, when
    there are guests, joins the guest list as accepted. May carry ``id`` and ``recurrence``,
    and an ``organizer`` other than the calendar to model an invitation's copy."""
    calendar = _calendar(state, calendarId)
    with _as_control_error():
        event = event_ops.insert(
            state.calendar,
            calendar,
            body,
            creator=calendar.owner,
            conference_version=1,
            as_owner_in_ui=True,
        )
    state.calendar.announce(calendar.id)
    return render(
        event.id,
        event.etag,
        event.body,
        calendar,
        zone=zone_named(calendar.time_zone),
        base_url=base_url,
    )


@router.get("/calendars/{calendarId}/events")
async def list_stored_events(
    calendarId: str, state: State, base_url: BaseUrl
) -> list[dict[str, Any]]:
    """Every stored event of the calendar, cancelled ones and exceptions included, unexpanded."""
    calendar = _calendar(state, calendarId)
    zone = zone_named(calendar.time_zone)
    return [
        render(event.id, event.etag, event.body, calendar, zone=zone, base_url=base_url)
        for event in state.calendar.events_of(calendar.id)
    ]


@router.get("/calendars/{calendarId}/events/{eventId}")
async def read_event(
    calendarId: str, eventId: str, state: State, base_url: BaseUrl
) -> dict[str, Any]:
    """The event as stored (cancelled ones too); an instance id gives the instance."""
    calendar = _calendar(state, calendarId)
    with _as_control_error():
        target = event_ops.resolve(state.calendar, calendar, eventId)
    zone = zone_named(calendar.time_zone)
    return render(
        target.id, target.etag, target.body(calendar), calendar, zone=zone, base_url=base_url
    )


@router.patch("/calendars/{calendarId}/events/{eventId}")
async def change_event(
    calendarId: str, eventId: str, body: EventBody, state: State, base_url: BaseUrl
) -> dict[str, Any]:
    """Patch semantics (arrays replace): move, rename, re-describe, change guests or the owner's
    own response. An instance id changes that instance only."""
    calendar = _calendar(state, calendarId)
    with _as_control_error():
        event = event_ops.modify(
            state.calendar,
            calendar,
            eventId,
            body,
            is_patch=True,
            if_match=None,
            conference_version=1,
            enforce_organizer=False,
        )
    state.calendar.announce(calendar.id)
    return render(
        event.id,
        event.etag,
        event.body,
        calendar,
        zone=zone_named(calendar.time_zone),
        base_url=base_url,
    )


@router.delete("/calendars/{calendarId}/events/{eventId}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_event(calendarId: str, eventId: str, state: State) -> Response:
    calendar = _calendar(state, calendarId)
    with _as_control_error():
        event_ops.delete(state.calendar, calendar, eventId, if_match=None)
    state.calendar.announce(calendar.id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/calendars/{calendarId}/invalidate-sync-tokens")
async def invalidate_sync_tokens(calendarId: str, state: State) -> SyncTokensInvalidated:
    """Every sync token of this calendar now answers 410 fullSyncRequired."""
    calendar = _calendar(state, calendarId)
    count = state.calendar.invalidate_sync_tokens(calendar)
    return SyncTokensInvalidated(calendar_id=calendar.id, invalidated=count)


@router.post("/calendars/{calendarId}/purge-deleted")
async def purge_deleted(calendarId: str, state: State) -> dict[str, int]:
    """Google keeps deleted events only for a while: after this no listing, showDeleted or
    not, has them, and the calendar's sync tokens answer 410."""
    calendar = _calendar(state, calendarId)
    return {"purged": state.calendar.purge_deleted(calendar)}


@router.post("/faults", status_code=status.HTTP_201_CREATED)
async def add_fault(body: FaultCreate, state: State) -> FaultRead:
    """The next ``count`` Calendar API requests that match get this fault, in queue order."""
    match = FaultMatch(**body.match.model_dump()) if body.match else FaultMatch()
    fault = state.faults.add(
        body.count,
        status=body.status,
        reason=body.reason,
        latency_ms=body.latency_ms,
        drop_connection=body.drop_connection,
        match=match,
        after_apply=body.after_apply,
    )
    return FaultRead(**fault.as_dict())


@router.get("/faults")
async def list_faults(state: State) -> list[FaultRead]:
    return [FaultRead(**fault.as_dict()) for fault in state.faults.queued]


@router.delete("/faults", status_code=status.HTTP_204_NO_CONTENT)
async def clear_faults(state: State) -> Response:
    state.faults.clear()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put("/rate-limits/{email}")
async def set_rate_limit(email: str, body: RateLimitSet, state: State) -> RateLimitRead:
    """Beyond ``per_minute`` requests in a sliding minute: 403 userRateLimitExceeded."""
    state.rate_limits.set(email, body.per_minute)
    return RateLimitRead(email=email.lower(), per_minute=body.per_minute)


@router.delete("/rate-limits/{email}", status_code=status.HTTP_204_NO_CONTENT)
async def clear_rate_limit(email: str, state: State) -> Response:
    return _cleared(state.rate_limits, email)


@router.put("/calendar-rate-limits/{calendar_id}")
async def set_calendar_rate_limit(
    calendar_id: str, body: RateLimitSet, state: State
) -> CalendarRateLimitRead:
    """Beyond ``per_minute`` requests on this calendar in a sliding minute, whoever sends them:
    429 rateLimitExceeded. ``primary`` is not resolved here: name the calendar by its id (a
    primary calendar's id is its owner's address). No calendar is limited until set."""
    state.calendar_rate_limits.set(calendar_id, body.per_minute)
    return CalendarRateLimitRead(calendar_id=calendar_id.lower(), per_minute=body.per_minute)


@router.delete("/calendar-rate-limits/{calendar_id}", status_code=status.HTTP_204_NO_CONTENT)
async def clear_calendar_rate_limit(calendar_id: str, state: State) -> Response:
    return _cleared(state.calendar_rate_limits, calendar_id)


def _cleared(limits: RateLimits, key: str) -> Response:
    limits.clear(key)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/requests")
async def list_requests(
    state: State,
    api: Annotated[str, Query(pattern="^calendar$")] = "calendar",
    method: str | None = None,
    path_contains: str | None = None,
) -> list[dict[str, Any]]:
    """Calendar API requests in arrival order: at, name, method, path, query, user, status
    (null when the connection was dropped), send_updates, fault."""
    found = state.requests.find(method=method or None, path_contains=path_contains or None)
    return [entry.as_dict() for entry in found]


@router.delete("/requests", status_code=status.HTTP_204_NO_CONTENT)
async def clear_requests(state: State) -> Response:
    state.requests.clear()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/channels")
async def list_channels(state: State) -> list[ChannelRead]:
    """Live push channels (not stopped, not expired) and what they were sent."""
    return [ChannelRead.of(channel) for channel in state.notifier.live()]


def _calendar(state: EmulatorState, calendar_id: str) -> Calendar:
    calendar = state.calendar.calendar(calendar_id)
    if calendar is None and state.find_user(calendar_id) is not None:
        calendar = state.calendar.ensure_primary(calendar_id)
    if calendar is None:
        raise ControlError(
            404,
            "not_found",
            f"No calendar {calendar_id!r}; a user's address names their primary one",
        )
    return calendar


@contextmanager
def _as_control_error() -> Iterator[None]:
    try:
        yield
    except CalendarError as exc:
        raise ControlError(422 if exc.code == 400 else exc.code, exc.reason, exc.message) from exc
