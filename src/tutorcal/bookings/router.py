"""Bookings: create, list, read, cancel, reschedule; and the private calendar feed."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.responses import JSONResponse

from tutorcal.auth.dependencies import OptionalAuthDep, RuntimeDep, UserDep, enforce_rate_limit
from tutorcal.availability.service import check_bookable_slot
from tutorcal.bookings import feed, idempotency, repository
from tutorcal.bookings import service as bookings
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
from tutorcal.bookings.google_sync import BookingWrites, mark_failed, slot_summary
from tutorcal.bookings.models import Booking, BookingStatus
from tutorcal.bookings.schemas import (
    BookingCreate,
    BookingRead,
    BookingReschedule,
    CancelRequest,
    PersonRef,
    StudentRef,
)
from tutorcal.core.pagination import CursorQuery, InvalidCursor, LimitQuery, Page
from tutorcal.core.schemas import ResponseModel
from tutorcal.core.windows import EndQuery, StartQuery
from tutorcal.errors import (
    PROBLEM_MEDIA_TYPE,
    AppError,
    NotAuthenticated,
    NotFound,
    RateLimited,
    problem_body,
    problem_responses,
)
from tutorcal.outbox import service as outbox
from tutorcal.outbox.models import OutboxJob
from tutorcal.runtime import Runtime
from tutorcal.tutoring_sessions.errors import CalendarUnavailable
from tutorcal.tutors import service as tutors
from tutorcal.tutors.errors import UnknownSubject
from tutorcal.tutors.service import NoticeWindows
from tutorcal.users.models import User

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


def _sees_meet_link(booking: Booking, viewer: User) -> bool:
    """The link is the way into the call: its tutor and admins see it, and the student while
    the booking holds their seat."""
    if viewer.is_admin or booking.tutor_id == viewer.id:
        return True
    return booking.student_id == viewer.id and booking.status == BookingStatus.CONFIRMED


def booking_read(booking: Booking, windows: NoticeWindows, viewer: User) -> BookingRead:
    """``booking`` with its tutor, student, session and subject loaded (``bookings.service.RELATED``), as
    ``viewer`` sees it."""
    return BookingRead(
        id=str(booking.id),
        status=booking.status,
        kind=booking.kind,
        session_id=str(booking.session_id) if booking.session_id else None,
        tutor=PersonRef(id=str(booking.tutor.id), name=booking.tutor.name),
        student=StudentRef(
            id=str(booking.student.id), name=booking.student.name, email=booking.student.email
        ),
        start=booking.start_at,
        end=booking.end_at,
        subject_id=str(booking.subject_id) if booking.subject_id else None,
        note=booking.note,
        meet_link=booking.meet_link if _sees_meet_link(booking, viewer) else None,
        calendar_event_id=booking.calendar_event_id,
        calendar_sync=booking.calendar_sync,
        created_at=booking.created_at,
        cancelled_at=booking.cancelled_at,
        cancelled_by=booking.cancelled_by,
        cancel_reason=booking.cancel_reason,
        rescheduled_from=str(booking.rescheduled_from_id) if booking.rescheduled_from_id else None,
        title=booking.session.title if booking.session else slot_summary(booking),
        subject_name=booking.subject.name if booking.subject else None,
        cancel_closes_at=booking.start_at - timedelta(minutes=windows.cancel_notice_minutes),
        reschedule_closes_at=booking.start_at
        - timedelta(minutes=windows.reschedule_notice_minutes),
    )


async def _fresh(booking_id: uuid.UUID) -> Booking:
    booking = await repository.with_related(booking_id)
    if booking is None:
        raise BookingNotFound()
    return booking


async def _reads(rows: list[Booking], viewer: User) -> list[BookingRead]:
    windows = await tutors.notice_windows({booking.tutor_id for booking in rows})
    return [booking_read(booking, windows[booking.tutor_id], viewer) for booking in rows]


async def _read(booking: Booking, viewer: User) -> BookingRead:
    return (await _reads([booking], viewer))[0]


async def _write_now(runtime: Runtime, *jobs: OutboxJob | None, new_booking: bool = False) -> None:
    """Try Google at once, briefly; whatever does not get through, the outbox worker finishes.

    ``new_booking``: the one job is the first of a booking this request created."""
    writes = BookingWrites(runtime.calendar, quick=True)
    for job in jobs:
        if job is not None:
            await outbox.run_job(
                job.id,
                writes,
                mark_failed,
                policy=runtime.outbox_policy,
                fresh=job if new_booking else None,
            )


async def _check_slot(
    tutor: User, start: datetime, minutes: int, now: datetime, ignore: uuid.UUID | None
) -> str | None:
    problem = await check_bookable_slot(tutor, start, minutes, now, ignore_booking_id=ignore)
    return None if problem is None else str(problem.value)


def _stale(runtime: Runtime) -> timedelta:
    return timedelta(minutes=runtime.settings.mirror_stale_after_minutes)


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
    if not idempotency_key:
        return await _book(user, body, runtime, None)
    digest = idempotency.fingerprint(request.url.path, body.model_dump(mode="json"))
    claim = idempotency.Claim(user, idempotency_key, digest, runtime.clock)
    for _ in range(idempotency.ATTEMPTS):
        earlier = await idempotency.earlier(claim)
        if earlier is not None:
            return await _replay(earlier, user)
        try:
            return await _book(user, body, runtime, claim)
        except idempotency.KeyTaken:
            continue  # a request with this key got there first: what did it get?
    raise IdempotencyInProgress()


async def _book(
    user: User, body: BookingCreate, runtime: Runtime, claim: idempotency.Claim | None
) -> JSONResponse:
    try:
        placed = await bookings.book(
            user,
            body,
            now=runtime.clock.now(),
            stale_after=_stale(runtime),
            check_slot=_check_slot,
            claim=claim,
        )
    except IdempotencyInProgress:
        raise  # not an answer to store: the repeat may try again
    except AppError as exc:
        if claim is None:
            raise
        problem = problem_body(exc.status_code, exc.code, exc.detail, exc.extra)
        earlier = await idempotency.record_rejection(claim, exc.status_code, problem)
        if earlier is None:
            raise
        return await _replay(earlier, user)
    await _write_now(runtime, placed.job, new_booking=True)
    answer: dict[str, Any] = (await _read(await _fresh(placed.booking.id), user)).model_dump(
        mode="json"
    )
    if claim is not None:
        await idempotency.finish(claim, placed.booking.id, answer)
    return JSONResponse(answer, status_code=201)


async def _replay(earlier: idempotency.Earlier, user: User) -> JSONResponse:
    if isinstance(earlier, idempotency.Booked):
        # The first request committed, then died (or is still writing to Google) before its
        # answer was stored: the booking as it is now is that answer.
        answer = (await _read(await _fresh(earlier.booking_id), user)).model_dump(mode="json")
        return JSONResponse(answer, status_code=201)
    # The first answer as it was sent: an error replays as problem+json too.
    media_type = PROBLEM_MEDIA_TYPE if earlier.status >= 400 else "application/json"
    return JSONResponse(earlier.body, status_code=earlier.status, media_type=media_type)


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
    rows, next_cursor = await bookings.list_bookings_of(
        user, role=role, status=status, start=start, end=end, limit=limit, cursor=cursor
    )
    return Page(items=await _reads(rows, user), next_cursor=next_cursor)


@router.get(
    "/bookings/{booking_id}",
    response_model=BookingRead,
    summary="One booking (its student, tutor or an admin)",
    responses=problem_responses(BookingNotFound),
)
async def read_booking(booking_id: str, user: UserDep) -> BookingRead:
    return await _read(await bookings.get_visible(user, booking_id), user)


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
    booking, job = await bookings.cancel(
        user, booking_id, body.reason if body else None, now=runtime.clock.now()
    )
    await _write_now(runtime, job)
    return await _read(await _fresh(booking.id), user)


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
    placed, old_job = await bookings.reschedule(
        user,
        booking_id,
        body,
        now=runtime.clock.now(),
        stale_after=_stale(runtime),
        check_slot=_check_slot,
    )
    # The new place first: a moved one-to-one event is updated, not deleted and re-created.
    await _write_now(runtime, placed.job, old_job)
    return await _read(await _fresh(placed.booking.id), user)


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
