"""Bookable sessions from tutors' Google Calendars, served from the mirror."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Response
from pydantic import TypeAdapter

from tutorcal.auth.dependencies import RuntimeDep, UserDep
from tutorcal.core.windows import (
    EndQuery,
    InvalidWindow,
    StartQuery,
    WindowTooLarge,
    resolve_window,
)
from tutorcal.errors import NotAuthenticated, NotFound, problem_responses
from tutorcal.tutoring_sessions import service
from tutorcal.tutoring_sessions.errors import CalendarUnavailable
from tutorcal.tutoring_sessions.schemas import SessionRead
from tutorcal.tutoring_sessions.service import SessionView

_SESSIONS = TypeAdapter(list[SessionRead])

router = APIRouter(
    prefix="/api/v1", tags=["sessions"], responses=problem_responses(NotAuthenticated)
)


def _read(view: SessionView) -> SessionRead:
    s = view.session
    return SessionRead(
        id=str(s.id),
        tutor_id=str(s.tutor_id),
        title=s.title,
        description=s.description,
        start=s.start_at,
        end=s.end_at,
        capacity=s.capacity,
        seats_taken=view.seats_taken,
        seats_left=max(0, s.capacity - view.seats_taken),
        location=s.location,
        meet_link=s.meet_link,
        booked_by_me=view.booked_by_me,
    )


@router.get(
    "/tutors/{tutor_id}/sessions",
    response_model=list[SessionRead],
    summary="A tutor's bookable sessions, by start",
    description="Events on the tutor's session calendar whose title carries the session keyword; "
    "capacity from a `capacity: N` line in the description. Read from the mirror of Google "
    "Calendar, never from a copy that fell behind (409 `calendar_unavailable`).",
    responses=problem_responses(NotFound, CalendarUnavailable, InvalidWindow, WindowTooLarge),
)
async def list_sessions(
    tutor_id: str,
    user: UserDep,
    runtime: RuntimeDep,
    start: StartQuery = None,
    end: EndQuery = None,
) -> Response:
    window_start, window_end = resolve_window(start, end)
    stale = timedelta(minutes=runtime.settings.mirror_stale_after_minutes)
    views = await service.list_sessions(tutor_id, user, window_start, window_end, stale_after=stale)
    # Serialised here: FastAPI would otherwise validate the 40-odd models a second time.
    return Response(_SESSIONS.dump_json([_read(v) for v in views]), media_type="application/json")


@router.get(
    "/sessions/{session_id}",
    response_model=SessionRead,
    summary="One session",
    responses=problem_responses(NotFound, CalendarUnavailable),
)
async def read_session(session_id: str, user: UserDep, runtime: RuntimeDep) -> SessionRead:
    stale = timedelta(minutes=runtime.settings.mirror_stale_after_minutes)
    return _read(await service.get_session(session_id, user, stale_after=stale))
