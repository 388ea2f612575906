"""Subjects, the tutor directory, and a tutor's own settings and calendars."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from tutorcal.auth.dependencies import AdminDep, RuntimeDep, TutorDep, UserDep
from tutorcal.core.pagination import InvalidCursor, Page
from tutorcal.core.query_params import CursorQuery, LimitQuery
from tutorcal.errors import Forbidden, NotAuthenticated, NotFound, problem_responses
from tutorcal.tutors import service
from tutorcal.tutors.errors import (
    CalendarNotConnected,
    GoogleCalendarUnavailable,
    SubjectCodeTaken,
    UnknownSubject,
)
from tutorcal.tutors.schemas import (
    CalendarChoice,
    CalendarSyncRead,
    SubjectCreate,
    SubjectRead,
    TutorDetail,
    TutorRead,
    TutorSettings,
    TutorSettingsPatch,
)

router = APIRouter(prefix="/api/v1", responses=problem_responses(NotAuthenticated))


@router.get(
    "/subjects", response_model=list[SubjectRead], tags=["subjects"], summary="All subjects"
)
async def list_subjects(_: UserDep) -> list[SubjectRead]:
    return await service.list_subjects()


@router.post(
    "/subjects",
    status_code=201,
    response_model=SubjectRead,
    tags=["subjects"],
    summary="Add a subject (admin)",
    responses=problem_responses(Forbidden, SubjectCodeTaken),
)
async def create_subject(body: SubjectCreate, admin: AdminDep) -> SubjectRead:
    return await service.create_subject(admin, body.name, body.code)


@router.get(
    "/tutors",
    response_model=Page[TutorRead],
    tags=["tutors"],
    summary="Tutors, newest first",
    description="Only tutors whose Google Calendar is connected: nobody can book the others. "
    "Admins see those too with `include_unconnected=true` (anyone else: 403).",
    responses=problem_responses(InvalidCursor, Forbidden),
)
async def list_tutors(
    user: UserDep,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
    subject: Annotated[str | None, Query(max_length=36, description="A subject id.")] = None,
    q: Annotated[
        str | None, Query(max_length=100, description="Part of a name, bio or subject's name.")
    ] = None,
    include_unconnected: Annotated[
        bool, Query(description="Admins: also tutors whose calendar is not connected.")
    ] = False,
) -> Page[TutorRead]:
    items, next_cursor = await service.list_tutors(
        user,
        subject_id=subject,
        query=q,
        limit=limit,
        cursor=cursor,
        include_unconnected=include_unconnected,
    )
    return Page(items=items, next_cursor=next_cursor)


@router.get(
    "/tutors/me/settings",
    response_model=TutorSettings,
    tags=["tutor settings"],
    summary="My profile and booking rules (tutor)",
    responses=problem_responses(Forbidden),
)
async def read_settings(tutor: TutorDep) -> TutorSettings:
    return service.settings_of(await service.get_tutor(str(tutor.id)))


@router.put(
    "/tutors/me/settings",
    response_model=TutorSettings,
    tags=["tutor settings"],
    summary="Replace my profile and booking rules (tutor)",
    description="Every field is required (a field left out is 422 naming it: nothing is reset "
    "by omission); PATCH changes some. Changing the session calendar, keyword, busy calendars, "
    "default capacity or a longer horizon re-reads the calendars from Google in the background.",
    responses=problem_responses(Forbidden, UnknownSubject),
)
async def update_settings(
    body: TutorSettings, tutor: TutorDep, runtime: RuntimeDep
) -> TutorSettings:
    return await service.save_settings(tutor, body.model_dump(), runtime.calendar)


@router.patch(
    "/tutors/me/settings",
    response_model=TutorSettings,
    tags=["tutor settings"],
    summary="Change some of my profile and booking rules (tutor)",
    description="Any subset of the PUT's fields; the others keep their values. `null` only "
    "where a setting admits it. Re-reads Google as the PUT does.",
    responses=problem_responses(Forbidden, UnknownSubject),
)
async def change_settings(
    body: TutorSettingsPatch, tutor: TutorDep, runtime: RuntimeDep
) -> TutorSettings:
    return await service.save_settings(tutor, body.changes(), runtime.calendar)


@router.get(
    "/tutors/me/calendars",
    response_model=list[CalendarChoice],
    tags=["tutor settings"],
    summary="The Google calendars I can choose from (tutor)",
    responses=problem_responses(Forbidden, CalendarNotConnected, GoogleCalendarUnavailable),
)
async def list_my_calendars(tutor: TutorDep, runtime: RuntimeDep) -> list[CalendarChoice]:
    return await service.list_calendars(tutor, runtime.calendar)


@router.post(
    "/tutors/me/sync",
    response_model=CalendarSyncRead,
    tags=["tutor settings"],
    summary="Read my Google calendars now (tutor)",
    description="What the periodic sync and Google's push do, at once: the session calendar and "
    "busy calendars are read again, and the answer says how many were and when the mirror "
    "last caught up.",
    responses=problem_responses(Forbidden, CalendarNotConnected),
)
async def sync_my_calendar(tutor: TutorDep, runtime: RuntimeDep) -> CalendarSyncRead:
    return await service.sync_calendars(tutor, runtime.calendar)


@router.get(
    "/tutors/{tutor_id}",
    response_model=TutorDetail,
    tags=["tutors"],
    summary="One tutor",
    description="Also a tutor whose calendar is not connected (`calendar_status` says so, and "
    "their sessions and slots answer 409 `calendar_unavailable`): a link to their page keeps "
    "working while they reconnect.",
    responses=problem_responses(NotFound),
)
async def read_tutor(tutor_id: str, _: UserDep) -> TutorDetail:
    return service.tutor_detail(await service.get_tutor(tutor_id))
