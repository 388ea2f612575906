"""Tutors' weekly availability and date overrides, and the free one-to-one slots they give."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query

from tutorcal.auth.dependencies import RuntimeDep, TutorDep, UserDep
from tutorcal.availability import service
from tutorcal.availability.schemas import (
    AvailabilityRead,
    AvailabilityUpdate,
    DateOverrideRead,
    SlotRead,
    TimeRangeRead,
    WeeklyRangeRead,
    hhmm_of,
    minutes_of,
)
from tutorcal.availability.slots import Availability, LocalRange
from tutorcal.core.query_params import EndQuery, StartQuery
from tutorcal.core.windows import InvalidWindow, WindowTooLarge, resolve_window
from tutorcal.errors import Forbidden, NotAuthenticated, NotFound, Unprocessable, problem_responses
from tutorcal.tutoring_sessions.errors import CalendarUnavailable

router = APIRouter(prefix="/api/v1", responses=problem_responses(NotAuthenticated))

MinutesQuery = Annotated[
    int | None,
    Query(
        ge=5,
        le=480,
        multiple_of=5,
        description="Slot length in minutes (5-480, a multiple of 5); default the tutor's slot length.",
    ),
]


def _read(availability: Availability) -> AvailabilityRead:
    return AvailabilityRead(
        timezone=availability.timezone,
        weekly=[
            WeeklyRangeRead(
                weekday=weekday, start=hhmm_of(r.start_minute), end=hhmm_of(r.end_minute)
            )
            for weekday, ranges in sorted(availability.weekly.items())
            for r in sorted(ranges)
        ],
        overrides=[
            DateOverrideRead(
                date=day,
                ranges=[
                    TimeRangeRead(start=hhmm_of(r.start_minute), end=hhmm_of(r.end_minute))
                    for r in sorted(ranges)
                ],
            )
            for day, ranges in sorted(availability.overrides.items())
        ],
    )


def _domain(body: AvailabilityUpdate) -> Availability:
    weekly: dict[int, list[LocalRange]] = {}
    for w in body.weekly:
        weekly.setdefault(w.weekday, []).append(LocalRange(minutes_of(w.start), minutes_of(w.end)))
    overrides = {
        o.date: [LocalRange(minutes_of(r.start), minutes_of(r.end)) for r in o.ranges]
        for o in body.overrides
    }
    return Availability(timezone=body.timezone, weekly=weekly, overrides=overrides)


@router.get(
    "/tutors/me/availability",
    response_model=AvailabilityRead,
    tags=["tutor settings"],
    summary="My weekly availability and date overrides (tutor)",
    responses=problem_responses(Forbidden),
)
async def read_my_availability(tutor: TutorDep) -> AvailabilityRead:
    return _read(await service.get_availability(str(tutor.id)))


@router.put(
    "/tutors/me/availability",
    response_model=AvailabilityRead,
    tags=["tutor settings"],
    summary="Replace my weekly availability and date overrides (tutor)",
    description="Times are HH:MM in `timezone`, which also becomes the tutor's time zone. "
    "An override replaces its date's weekly ranges; an override with no ranges makes the "
    "date unavailable. Overlapping or inverted ranges, and a date given twice, are 422.",
    responses=problem_responses(Forbidden, Unprocessable),
)
async def replace_my_availability(body: AvailabilityUpdate, tutor: TutorDep) -> AvailabilityRead:
    return _read(await service.replace_availability(tutor, _domain(body)))


@router.get(
    "/tutors/{tutor_id}/availability",
    response_model=AvailabilityRead,
    tags=["tutors"],
    summary="A tutor's weekly availability and date overrides",
    responses=problem_responses(NotFound),
)
async def read_availability(tutor_id: str, _: UserDep) -> AvailabilityRead:
    return _read(await service.get_availability(tutor_id))


@router.get(
    "/tutors/{tutor_id}/slots",
    response_model=list[SlotRead],
    tags=["sessions"],
    summary="A tutor's free one-to-one slots, by start",
    description="Slots starting in the window: the tutor's availability minus busy time in "
    "their busy calendars and confirmed bookings (each widened by the tutor's buffer), from "
    "the minimum notice to the booking horizon. Slot starts step by the tutor's slot length "
    "from the start of each availability range. Read from the mirror of Google Calendar, "
    "never from a copy that fell behind (409 `calendar_unavailable`).",
    responses=problem_responses(
        NotFound, CalendarUnavailable, InvalidWindow, WindowTooLarge, Unprocessable
    ),
)
async def list_slots(
    tutor_id: str,
    _: UserDep,
    runtime: RuntimeDep,
    start: StartQuery = None,
    end: EndQuery = None,
    minutes: MinutesQuery = None,
) -> list[SlotRead]:
    now = runtime.clock.now()
    window_start, window_end = resolve_window(start, end, now)
    slots = await service.list_free_slots(
        tutor_id,
        window_start,
        window_end,
        minutes=minutes,
        now=now,
        stale_after=timedelta(minutes=runtime.settings.mirror_stale_after_minutes),
    )
    return [SlotRead(start=slot_start, end=slot_end) for slot_start, slot_end in slots]
