"""Bookable sessions from tutors' Google Calendars, served from the mirror."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Response
from pydantic import TypeAdapter

from tutorcal.auth.dependencies import RuntimeDep, TutorDep, UserDep
from tutorcal.availability import service as availability
from tutorcal.bookings.schemas import StudentRef
from tutorcal.core.query_params import EndQuery, StartQuery
from tutorcal.core.windows import InvalidWindow, WindowTooLarge, resolve_window
from tutorcal.errors import Forbidden, NotAuthenticated, NotFound, problem_responses
from tutorcal.tutoring_sessions import service
from tutorcal.tutoring_sessions.errors import CalendarUnavailable
from tutorcal.tutoring_sessions.schemas import (
    RosterBookingRead,
    RosterRead,
    ScheduleRead,
    SessionRead,
    TutorSessionRead,
)
from tutorcal.tutoring_sessions.service import RosterView, SessionView
from tutorcal.tutors import service as tutors

_SESSIONS = TypeAdapter(list[SessionRead])
_SCHEDULE = TypeAdapter(ScheduleRead)

router = APIRouter(
    prefix="/api/v1", tags=["sessions"], responses=problem_responses(NotAuthenticated)
)


def _fields(view: SessionView) -> dict[str, object]:
    return {
        "id": view.id,
        "tutor_id": view.tutor_id,
        "title": view.title,
        "description": view.description,
        "start": view.start_at,
        "end": view.end_at,
        "capacity": view.capacity,
        "seats_taken": view.seats_taken,
        "seats_left": max(0, view.capacity - view.seats_taken),
        "location": view.location,
        "meet_link": view.meet_link,
        "booked_by_me": view.booked_by_me,
    }


def _roster(roster: RosterView) -> RosterRead:
    return RosterRead(
        bookings=[
            RosterBookingRead(
                booking_id=str(b.id),
                student=StudentRef(
                    id=str(b.student.id), name=b.student.name, email=b.student.email
                ),
                status=b.status,
                created_at=b.created_at,
                attendance=None,
            )
            for b in roster.bookings
        ],
        guests=roster.guests,
    )


# Before /tutors/{tutor_id}/sessions, which would take "me" for a tutor id.
@router.get(
    "/tutors/me/sessions",
    response_model=list[TutorSessionRead],
    tags=["tutor settings"],
    summary="My own sessions, by start, each with its roster (tutor)",
    description="Read from the mirror of Google Calendar as it is, also while it cannot be "
    "refreshed: the roster is who booked, nothing here is offered to anyone.",
    responses=problem_responses(Forbidden, InvalidWindow, WindowTooLarge),
)
async def list_my_sessions(
    tutor: TutorDep, runtime: RuntimeDep, start: StartQuery = None, end: EndQuery = None
) -> list[TutorSessionRead]:
    window_start, window_end = resolve_window(start, end, runtime.clock.now())
    return [
        TutorSessionRead(**_fields(view), roster=_roster(roster))
        for view, roster in await service.list_tutor_sessions(tutor, window_start, window_end)
    ]


@router.get(
    "/sessions/{session_id}/roster",
    response_model=RosterRead,
    summary="Who booked a session, and who else is invited in Google (its tutor or an admin)",
    responses=problem_responses(NotFound),
)
async def read_roster(session_id: str, user: UserDep) -> RosterRead:
    return _roster(await service.get_roster(session_id, user))


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
    now = runtime.clock.now()
    window_start, window_end = resolve_window(start, end, now)
    stale = timedelta(minutes=runtime.settings.mirror_stale_after_minutes)
    views = await service.list_sessions(
        tutor_id, user, window_start, window_end, now=now, stale_after=stale
    )
    # Validated and serialised here, as one list: FastAPI would validate the 40-odd models a
    # second time, and one list validation costs less than building each model on its own.
    sessions = _SESSIONS.validate_python([_fields(v) for v in views])
    return Response(_SESSIONS.dump_json(sessions), media_type="application/json")


@router.get(
    "/sessions/{session_id}",
    response_model=SessionRead,
    summary="One session",
    responses=problem_responses(NotFound, CalendarUnavailable),
)
async def read_session(session_id: str, user: UserDep, runtime: RuntimeDep) -> SessionRead:
    stale = timedelta(minutes=runtime.settings.mirror_stale_after_minutes)
    return SessionRead.model_validate(
        _fields(
            await service.get_session(session_id, user, now=runtime.clock.now(), stale_after=stale)
        )
    )


@router.get(
    "/tutors/{tutor_id}/schedule",
    response_model=ScheduleRead,
    summary="A tutor, with their sessions and free one-to-one slots, in one answer",
    description="What `/tutors/{tutor_id}`, `/sessions` and `/slots` (at the tutor's slot "
    "length) answer for the same window, in one request: the web app's week view costs one "
    "call per week.",
    responses=problem_responses(NotFound, CalendarUnavailable, InvalidWindow, WindowTooLarge),
)
async def read_schedule(
    tutor_id: str,
    user: UserDep,
    runtime: RuntimeDep,
    start: StartQuery = None,
    end: EndQuery = None,
) -> Response:
    now = runtime.clock.now()
    window_start, window_end = resolve_window(start, end, now)
    stale = timedelta(minutes=runtime.settings.mirror_stale_after_minutes)
    tutor = tutors.tutor_detail(await tutors.get_tutor(tutor_id))
    views = await service.list_sessions(
        tutor_id, user, window_start, window_end, now=now, stale_after=stale
    )
    slots = await availability.list_free_slots(
        tutor_id, window_start, window_end, minutes=None, now=now, stale_after=stale
    )
    schedule = _SCHEDULE.validate_python(
        {
            "tutor": tutor,
            "sessions": [_fields(v) for v in views],
            "slots": [{"start": slot_start, "end": slot_end} for slot_start, slot_end in slots],
        }
    )
    return Response(_SCHEDULE.dump_json(schedule), media_type="application/json")
