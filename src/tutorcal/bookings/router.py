"""Bookings: create, list, read, cancel, reschedule; and the private calendar feed."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.responses import JSONResponse

from tutorcal.auth.dependencies import OptionalAuthDep, RuntimeDep, UserDep, enforce_rate_limit
from tutorcal.bookings import answers, feed, idempotency
from tutorcal.bookings.errors import (
    AlreadyBooked,
    BeyondHorizon,
    BookingNotFound,
    CancelWindowPassed,
    IdempotencyInProgress,
    IdempotencyKeyReused,
    MinimumNotice,
    OutsideAvailability,
    OwnSession,
    RescheduleToAnotherTutor,
    RescheduleWindowPassed,
    SessionFull,
    SlotTaken,
    StudentConflict,
    WeeklyLimit,
)
from tutorcal.bookings.schemas import (
    BookingCreate,
    BookingRead,
    BookingReschedule,
    BookingStatus,
    CancelRequest,
)
from tutorcal.core.pagination import InvalidCursor, Page
from tutorcal.core.query_params import CursorQuery, EndQuery, LimitQuery, StartQuery
from tutorcal.core.schemas import ResponseModel
from tutorcal.errors import (
    PROBLEM_MEDIA_TYPE,
    NotAuthenticated,
    NotFound,
    RateLimited,
    problem_responses,
)
from tutorcal.tutoring_sessions.errors import CalendarUnavailable
from tutorcal.tutors.errors import UnknownSubject

router = APIRouter(
    prefix="/api/v1", tags=["bookings"], responses=problem_responses(NotAuthenticated)
)

BOOKING_ERRORS = (
    NotFound,
    SessionFull,
    SlotTaken,
    StudentConflict,
    AlreadyBooked,
    MinimumNotice,
    BeyondHorizon,
    WeeklyLimit,
    OutsideAvailability,
    OwnSession,
    UnknownSubject,
    CalendarUnavailable,
)


IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=255,
        description="Repeat a request safely: same key, same answer (24 h).",
    ),
]


async def booking_rate_limit(request: Request, runtime: RuntimeDep, auth: OptionalAuthDep) -> None:
    await enforce_rate_limit(request, runtime, "booking", auth.user if auth else None)


async def create_booking_rate_limit(
    request: Request, runtime: RuntimeDep, auth: OptionalAuthDep
) -> None:
    user = auth.user if auth else None
    key = request.headers.get("Idempotency-Key")

    async def is_replay() -> bool:
        # A client retrying after a lost answer must get that answer, whatever its budget;
        # a replay costs one read and books nothing.
        return (
            user is not None
            and key is not None
            and await idempotency.has_answer(user, key, runtime.clock.now())
        )

    await enforce_rate_limit(request, runtime, "booking", user, exempt=is_replay)


BookingRateLimit = Depends(booking_rate_limit)


@router.post(
    "/bookings",
    status_code=201,
    response_model=BookingRead,
    summary="Book a seat in a session, or a one-to-one slot",
    description="The student is added to the tutor's Google event (or a new event with a Meet link is created), "
    "so Google sends the invite. If Google cannot be reached the booking still stands with "
    '`calendar_sync: "pending"` and the invite follows within minutes.',
    responses=problem_responses(
        *BOOKING_ERRORS, IdempotencyInProgress, IdempotencyKeyReused, RateLimited
    ),
    dependencies=[Depends(create_booking_rate_limit)],
)
async def create_booking(
    request: Request,
    body: BookingCreate,
    user: UserDep,
    runtime: RuntimeDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    answer = await answers.create_booking(
        user, body, runtime, path=request.url.path, key=idempotency_key
    )
    # A replayed rejection is sent as it was first: problem+json.
    media_type = PROBLEM_MEDIA_TYPE if answer.status >= 400 else "application/json"
    return JSONResponse(answer.body, status_code=answer.status, media_type=media_type)


@router.get(
    "/bookings",
    response_model=Page[BookingRead],
    summary="My bookings, newest first",
    responses=problem_responses(InvalidCursor),
)
async def list_bookings(
    user: UserDep,
    role: Annotated[
        Literal["student", "tutor"] | None,
        Query(description="Only the bookings I hold as a student, or that I teach; default both."),
    ] = None,
    status: BookingStatus | None = None,
    start: StartQuery = None,
    end: EndQuery = None,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Page[BookingRead]:
    items, next_cursor = await answers.list_bookings(
        user, role=role, status=status, start=start, end=end, limit=limit, cursor=cursor
    )
    return Page(items=items, next_cursor=next_cursor)


@router.get(
    "/bookings/{booking_id}",
    response_model=BookingRead,
    summary="One booking (its student, tutor or an admin)",
    responses=problem_responses(BookingNotFound),
)
async def read_booking(booking_id: str, user: UserDep) -> BookingRead:
    return await answers.read_booking(user, booking_id)


@router.post(
    "/bookings/{booking_id}/cancel",
    response_model=BookingRead,
    summary="Cancel a booking",
    description="Students only before the tutor's cancel window; tutors and admins any time. "
    "Google removes the student from the event (or deletes the one-to-one event) and e-mails them.",
    responses=problem_responses(BookingNotFound, CancelWindowPassed, RateLimited),
    dependencies=[BookingRateLimit],
)
async def cancel_booking(
    booking_id: str, user: UserDep, runtime: RuntimeDep, body: CancelRequest | None = None
) -> BookingRead:
    return await answers.cancel_booking(user, booking_id, body.reason if body else None, runtime)


@router.post(
    "/bookings/{booking_id}/reschedule",
    response_model=BookingRead,
    summary="Move a booking: the new booking, with the old one cancelled in the same step",
    description="A slot's `tutor_id` may be left out (the same tutor); its note and subject "
    "stay unless given.",
    responses=problem_responses(
        BookingNotFound,
        RescheduleWindowPassed,
        RescheduleToAnotherTutor,
        *BOOKING_ERRORS,
        RateLimited,
    ),
    dependencies=[BookingRateLimit],
)
async def reschedule_booking(
    booking_id: str, body: BookingReschedule, user: UserDep, runtime: RuntimeDep
) -> BookingRead:
    return await answers.reschedule_booking(user, booking_id, body, runtime)


class FeedCreated(ResponseModel):
    url: str


@router.post(
    "/me/calendar-feed",
    status_code=201,
    response_model=FeedCreated,
    tags=["me"],
    summary="A new secret iCalendar URL of my bookings (the old one stops working)",
)
async def create_calendar_feed(user: UserDep, runtime: RuntimeDep) -> FeedCreated:
    token = await feed.create_feed_token(user, runtime.clock.now())
    return FeedCreated(url=f"{runtime.settings.public_base_url}/api/v1/calendar-feed/{token}.ics")


@router.get(
    "/calendar-feed/{token}.ics",
    response_class=Response,
    tags=["me"],
    summary="iCalendar of a user's confirmed bookings (the URL is the secret)",
    responses={200: {"content": {"text/calendar": {}}}, **problem_responses(NotFound)},
)
async def calendar_feed(token: str, runtime: RuntimeDep) -> Response:
    return Response(
        await feed.render_feed(token, runtime.clock.now()),
        media_type="text/calendar; charset=utf-8",
    )
