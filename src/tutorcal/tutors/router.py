"""Subjects, the tutor directory, and a tutor's own settings and calendars."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from tutorcal.auth.dependencies import AdminDep, RuntimeDep, TutorDep, UserDep
from tutorcal.core.pagination import CursorQuery, InvalidCursor, LimitQuery, Page
from tutorcal.errors import Forbidden, NotAuthenticated, NotFound, problem_responses
from tutorcal.google.calendar_errors import CalendarApiError, Unreachable
from tutorcal.google.grants import CalendarStatus, NoLiveCalendarGrant
from tutorcal.runtime import Runtime
from tutorcal.tutors import service
from tutorcal.tutors.errors import (
    CalendarNotConnected,
    GoogleCalendarUnavailable,
    SubjectCodeTaken,
    UnknownSubject,
)
from tutorcal.tutors.models import Subject
from tutorcal.tutors.schemas import (
    BookingRules,
    CalendarChoice,
    CalendarSyncRead,
    SubjectCreate,
    SubjectRead,
    TutorDetail,
    TutorRead,
    TutorSettings,
    TutorSettingsPatch,
)
from tutorcal.tutors.service import TutorView
from tutorcal.users.models import User

router = APIRouter(prefix="/api/v1", responses=problem_responses(NotAuthenticated))


def _subject(subject: Subject) -> SubjectRead:
    return SubjectRead(id=str(subject.id), name=subject.name, code=subject.code)


def _tutor(view: TutorView) -> TutorRead:
    return TutorRead(
        id=str(view.user.id),
        name=view.user.name,
        picture_url=view.user.picture_url,
        bio=view.profile.bio,
        subjects=[_subject(s) for s in view.subjects],
        timezone=view.user.timezone,
        calendar_connected=view.calendar_status == CalendarStatus.CONNECTED,
    )


def tutor_detail(view: TutorView) -> TutorDetail:
    """Also a tutor's schedule's first part (``tutoring_sessions.router``)."""
    p = view.profile
    return TutorDetail(
        **_tutor(view).model_dump(),
        calendar_status=view.calendar_status,
        last_synced_at=view.last_synced_at,
        rules=BookingRules(
            slot_minutes=p.slot_minutes,
            min_notice_minutes=p.min_notice_minutes,
            horizon_days=p.horizon_days,
            max_bookings_per_student_per_week=p.max_bookings_per_student_per_week,
            cancel_notice_minutes=p.cancel_notice_minutes,
            reschedule_notice_minutes=p.reschedule_notice_minutes,
        ),
    )


@router.get(
    "/subjects", response_model=list[SubjectRead], tags=["subjects"], summary="All subjects"
)
async def list_subjects(_: UserDep) -> list[SubjectRead]:
    return [_subject(s) for s in await service.list_subjects()]


@router.post(
    "/subjects",
    status_code=201,
    response_model=SubjectRead,
    tags=["subjects"],
    summary="Add a subject (admin)",
    responses=problem_responses(Forbidden, SubjectCodeTaken),
)
async def create_subject(body: SubjectCreate, admin: AdminDep) -> SubjectRead:
    return _subject(await service.create_subject(admin, body.name, body.code))


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
    if include_unconnected and not user.is_admin:
        raise Forbidden("Only admins may list tutors whose calendar is not connected.")
    views, next_cursor = await service.list_tutors(
        subject_id=subject,
        query=q,
        limit=limit,
        cursor=cursor,
        connected_only=not include_unconnected,
    )
    return Page(items=[_tutor(v) for v in views], next_cursor=next_cursor)


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
    return await _save_settings(tutor, body.model_dump(), runtime)


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
    return await _save_settings(tutor, body.changes(), runtime)


async def _save_settings(tutor: User, changes: dict[str, Any], runtime: Runtime) -> TutorSettings:
    view, mirror_changed = await service.update_settings(tutor, changes)
    if mirror_changed and view.calendar_status == CalendarStatus.CONNECTED:
        runtime.calendar.resync_in_background(tutor)
    return service.settings_of(view)


@router.get(
    "/tutors/me/calendars",
    response_model=list[CalendarChoice],
    tags=["tutor settings"],
    summary="The Google calendars I can choose from (tutor)",
    responses=problem_responses(Forbidden, CalendarNotConnected, GoogleCalendarUnavailable),
)
async def list_my_calendars(tutor: TutorDep, runtime: RuntimeDep) -> list[CalendarChoice]:
    try:
        client = await runtime.calendar.client_for(str(tutor.id))
        entries = await client.list_calendars()
    except NoLiveCalendarGrant as exc:
        raise CalendarNotConnected(
            f"Calendar status: {exc.status.value}. Connect your Google Calendar."
        ) from exc
    except (CalendarApiError, Unreachable) as exc:
        raise GoogleCalendarUnavailable() from exc
    return [
        CalendarChoice(
            id=e.id,
            summary=e.summary,
            primary=bool(e.primary),
            access_role=e.access_role,
            time_zone=e.time_zone,
        )
        for e in entries
    ]


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
    view = await service.get_tutor(str(tutor.id))
    if view.calendar_status != CalendarStatus.CONNECTED:
        raise CalendarNotConnected(
            f"Calendar status: {view.calendar_status.value}. Connect your Google Calendar."
        )
    outcomes = await runtime.calendar.connect(tutor)
    read = {outcome.calendar_id for outcome in outcomes if outcome.ok}
    unread = {outcome.calendar_id for outcome in outcomes if not outcome.ok} - read
    after = await service.get_tutor(str(tutor.id))
    return CalendarSyncRead(
        synced=len(read),
        failed=len(unread),
        calendar_status=after.calendar_status,
        last_synced_at=after.last_synced_at,
    )


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
    return tutor_detail(await service.get_tutor(tutor_id))
