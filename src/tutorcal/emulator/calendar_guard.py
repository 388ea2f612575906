"""What every Calendar API request goes through before and after its route: faults, the
bearer token, the per-user and per-calendar rate limits, the scope check, Google's error body,
the request log.

Implemented as a FastAPI route class so that each route stays a plain handler and the log
sees the final status of every request, faults and errors included.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.types import Receive, Scope, Send

from tutorcal.emulator import calendar_errors
from tutorcal.emulator.calendar_errors import (
    CalendarError,
    insufficient_permissions,
    unauthenticated,
)
from tutorcal.emulator.dependencies import get_state
from tutorcal.emulator.faults import Fault, LoggedRequest
from tutorcal.emulator.models import User

_AUTH = "https://www.googleapis.com/auth/"
CALENDAR = _AUTH + "calendar"
CALENDAR_READONLY = _AUTH + "calendar.readonly"
CALENDAR_EVENTS = _AUTH + "calendar.events"
CALENDAR_EVENTS_READONLY = _AUTH + "calendar.events.readonly"
CALENDAR_FREEBUSY = _AUTH + "calendar.freebusy"
CALENDAR_EVENTS_FREEBUSY = _AUTH + "calendar.events.freebusy"
CALENDAR_LIST = _AUTH + "calendar.calendarlist"
CALENDAR_LIST_READONLY = _AUTH + "calendar.calendarlist.readonly"

_READ_EVENTS = frozenset({CALENDAR, CALENDAR_READONLY, CALENDAR_EVENTS, CALENDAR_EVENTS_READONLY})
_WRITE_EVENTS = frozenset({CALENDAR, CALENDAR_EVENTS})
# Each method's "Authorization" section in the v3 reference: calendarList.list and
# freeBusy.query are not covered by calendar.events alone.
METHOD_SCOPES: dict[str, frozenset[str]] = {
    "calendarList.list": frozenset({CALENDAR, CALENDAR_READONLY, CALENDAR_LIST, CALENDAR_LIST_READONLY}),
    "events.list": _READ_EVENTS,
    "events.get": _READ_EVENTS,
    "events.instances": _READ_EVENTS,
    "events.watch": _READ_EVENTS,
    "events.insert": _WRITE_EVENTS,
    "events.update": _WRITE_EVENTS,
    "events.patch": _WRITE_EVENTS,
    "events.delete": _WRITE_EVENTS,
    "freebusy.query": frozenset({CALENDAR, CALENDAR_READONLY, CALENDAR_FREEBUSY, CALENDAR_EVENTS_FREEBUSY}),
    "channels.stop": frozenset({
        CALENDAR, CALENDAR_READONLY, CALENDAR_EVENTS, CALENDAR_EVENTS_READONLY, CALENDAR_FREEBUSY,
        CALENDAR_EVENTS_FREEBUSY, CALENDAR_LIST, CALENDAR_LIST_READONLY,
    }),
}  # fmt: skip


@dataclass(frozen=True)
class Caller:
    user: User
    scopes: tuple[str, ...]
    client_id: str | None

    @property
    def email(self) -> str:
        return self.user.email


def get_caller(request: Request) -> Caller:
    caller = request.state.calendar_caller
    assert isinstance(caller, Caller)
    return caller


def error_response(exc: CalendarError) -> JSONResponse:
    return JSONResponse(exc.body(), status_code=exc.code, headers=exc.headers)


_dropping: ContextVar[bool] = ContextVar("emulator_dropping_connection", default=False)
_UNFINISHED = "ASGI callable returned without completing response."


class _ExpectedDrop(logging.Filter):
    """uvicorn reports an unfinished answer as an error; for a fault that asked for it, it is
    the point, so that one line is left out (in the request's own context only)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (_dropping.get() and record.msg == _UNFINISHED)


_DROP_FILTER = _ExpectedDrop()


class DroppedConnection(Response):
    """Starts an answer and never finishes it: uvicorn closes the connection ("ASGI callable
    returned without completing response"), and the client sees a transport error."""

    def __init__(self) -> None:
        super().__init__(status_code=200)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        uvicorn_errors = logging.getLogger("uvicorn.error")
        if _DROP_FILTER not in uvicorn_errors.filters:
            uvicorn_errors.addFilter(_DROP_FILTER)
        _dropping.set(True)
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"4096")],
            }
        )
        await send(
            {"type": "http.response.body", "body": b'{"kind": "calendar#', "more_body": True}
        )


Handler = Callable[[Request], Coroutine[Any, Any, Response]]


class CalendarRoute(APIRoute):
    """Routes named after Google's methods (``name="events.list"``) get the guard."""

    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()
        name = self.name

        async def guarded(request: Request) -> Response:
            return await _guard(request, name, handler)

        return guarded


async def _guard(request: Request, name: str, handler: Handler) -> Response:
    state = get_state(request)
    state.stats.count_calendar_request(name)
    path = _path(request)
    token = _bearer_token(request)
    authenticated = state.authenticate_access_token(token) if token else None
    user = authenticated[0] if authenticated else None
    fault = state.faults.take(request.method, path, user.email if user else None)
    response: Response | None = None
    try:
        if fault is not None and not fault.after_apply:
            response = await _apply(fault)
        if response is None:
            if authenticated is None or token is None:
                raise unauthenticated()
            if not state.rate_limits.allow(authenticated[0].email, state.clock.now()):
                raise CalendarError(403, "userRateLimitExceeded")
            calendar_id = _calendar_in_path(request, authenticated[0].email)
            if calendar_id is not None and not state.calendar_rate_limits.allow(
                calendar_id, state.clock.now()
            ):
                raise CalendarError(429, "rateLimitExceeded")
            if not METHOD_SCOPES[name] & set(authenticated[1]):
                raise insufficient_permissions()
            request.state.calendar_caller = Caller(
                authenticated[0], authenticated[1], state.access_token_client(token)
            )
            response = await handler(request)
            if fault is not None and fault.after_apply:
                response = DroppedConnection()
    except CalendarError as exc:
        response = error_response(exc)
    status = None if isinstance(response, DroppedConnection) else response.status_code
    state.stats.count_calendar_answer(name, status)
    state.requests.record(
        LoggedRequest(
            at=state.clock.now(),
            name=name,
            method=request.method,
            path=path,
            query=dict(request.query_params),
            user=user.email if user else None,
            status=status,
            send_updates=request.query_params.get("sendUpdates"),
            fault=_describe(fault),
        )
    )
    return response


async def _apply(fault: Fault) -> Response | None:
    """Latency first; then no answer at all, an error, or (latency only) the real answer."""
    if fault.latency_ms:
        await asyncio.sleep(fault.latency_ms / 1000)
    if fault.drop_connection:
        return DroppedConnection()
    if fault.status is not None:
        raise calendar_errors.fault(fault.status, fault.reason)
    return None


def _describe(fault: Fault | None) -> str | None:
    if fault is None:
        return None
    if fault.drop_connection:
        return "drop_connection"
    if fault.status is not None:
        return f"status {fault.status}"
    return f"latency {fault.latency_ms} ms"


def _bearer_token(request: Request) -> str | None:
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    return credentials.strip() or None if scheme.lower() == "bearer" else None


def _calendar_in_path(request: Request, caller_email: str) -> str | None:
    """The calendar a request names in its path (``primary`` is the caller's, whose id is their
    address); None for the calendar list and freeBusy, which name none there."""
    calendar_id = request.path_params.get("calendarId")
    if calendar_id is None:
        return None
    return caller_email if calendar_id == "primary" else str(calendar_id)


def _path(request: Request) -> str:
    """The path below the emulator's root, so that logs and fault matches read the same
    whether the emulator runs on its own port or is mounted under ``/_google``."""
    path = str(request.scope.get("path", ""))
    root = str(request.scope.get("root_path", ""))
    return path[len(root) :] if root and path.startswith(root) else path
