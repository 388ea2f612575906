"""The floor for reading a tutor's sessions: the least a FastAPI + Tortoise app does for the answer.

``GET /api/v1/tutors/{tutor_id}/sessions?start=&end=`` answered with the same JSON as
tutorcal's, from the same database, by:

1. one query for the caller's login session: the ``login_sessions`` row whose
   ``token_hash`` is the SHA-256 of the ``tutorcal_session`` cookie, not revoked, not expired,
   seen within 7 days (tutorcal's rules), else 401;
2. one query for the ``tutoring_sessions`` rows of that tutor that are active and overlap the
   window, by start;

then tutorcal's own response schema, shaped as tutorcal shapes it (bench/floor_shapes.py:
``seats_taken`` counts the event's attendees, ``booked_by_me`` is false, as the benchmark's
sessions have no bookings). Nothing else: no middleware, no user or tutor or grant or
calendar lookups, no metrics, no logging per request.

The models map only the columns these queries need onto tutorcal's tables (the floor never
creates or alters a table). Launched as tutorcal launches itself (bench/bare.py: ``uvicorn.run``
from an import string, one process, no access log, the same proxy-header settings)::

    python -m bench.floor_app --host 127.0.0.1 --port 8001   # DATABASE_URL from the environment

The bookings section (bench/bookings.py) uses two more routes, also as bare as they can be:

* ``POST /api/v1/bookings`` ``{session_id}``: the transaction shape of tutorcal's seat
  booking and nothing else: the login session by token hash with its CSRF token checked,
  then in one transaction ``SELECT`` the session row ``FOR UPDATE`` (joined to its calendar
  for the Google calendar id the booking records), count its confirmed bookings, ``INSERT``
  the booking and its outbox row, ``COMMIT``; 409 ``session_full`` when the seats are gone
  (the database's unique index and exclusion constraint answer 409 too). Raw SQL through
  Tortoise's connection. Not done: the tutor's rules (notice, horizon, weekly limit), the
  student's overlap check, the calendar freshness check, the audit row, idempotency keys,
  and the Google write after commit; the answer is a small JSON object, not the full booking;
* ``GET /api/v1/tutors/{tutor_id}/slots?start=&end=``: the same JSON as tutorcal's from one
  query each for the login session, the tutor, the tutor's profile, the weekly rules, the
  date overrides in the window (and their ranges, when there are any), the busy events of
  the calendars that count as busy, and the confirmed bookings; then tutorcal's own pure
  slot function (``tutorcal.availability.slots.free_slots``, through bench/floor_shapes.py,
  as the raw floor), so the answer is the same by construction. Not done: the grant and
  calendar freshness checks (fail closed), ``minutes`` validation beyond a positive number,
  problem+json errors.
"""

from __future__ import annotations

import hmac
import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Cookie, Header, HTTPException, Query
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel
from tortoise import fields
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Subquery
from tortoise.models import Model
from tortoise.transactions import in_transaction

from bench.bare import database_url, serve_floor, tortoise_app, tortoise_config
from bench.floor_shapes import (
    SESSION_IDLE_TIMEOUT,
    SessionRead,
    SlotRead,
    SlotWindow,
    Tutor,
    session_read,
    token_hash,
)

FIELDS: dict[str, Callable[[], fields.Field[Any]]] = {
    "uuid": fields.UUIDField,
    "text": fields.TextField,
    "int": fields.IntField,
    "bool": fields.BooleanField,
    "date": fields.DateField,
    "time": fields.DatetimeField,
    "time?": lambda: fields.DatetimeField(null=True),
    "json": lambda: fields.JSONField(default=list),
}


def table(name: str, columns: str) -> Any:
    """A model of the columns (``name:type`` ...) of tutorcal's table ``name`` that this floor
    reads (it never creates or alters a table); typed loosely, as a bench's own ORM map."""
    attributes: dict[str, Any] = {
        "__module__": __name__,
        "id": fields.UUIDField(primary_key=True),
        "Meta": type("Meta", (), {"table": name}),
    }
    for column in columns.split():
        column_name, kind = column.split(":")
        attributes[column_name] = FIELDS[kind]()
    return type("".join(part.title() for part in name.split("_")), (Model,), attributes)


LoginSession = table(
    "login_sessions",
    "token_hash:text csrf_token_hash:text user_id:uuid last_seen_at:time expires_at:time"
    " revoked_at:time?",
)
TutoringSession = table(
    "tutoring_sessions",
    "tutor_id:uuid title:text description:text location:text meet_link:text start_at:time"
    " end_at:time capacity:int attendee_emails:json is_active:bool",
)
TutorUser = table("users", "timezone:text is_tutor:bool deleted_at:time?")
TutorProfile = table(
    "tutor_profiles",
    "user_id:uuid slot_minutes:int buffer_minutes:int min_notice_minutes:int horizon_days:int"
    " ignore_all_day_events:bool",
)
AvailabilityRule = table(
    "availability_rules", "tutor_id:uuid weekday:int start_minute:int end_minute:int"
)
AvailabilityOverride = table("availability_overrides", "tutor_id:uuid on_date:date")
AvailabilityOverrideRange = table(
    "availability_override_ranges", "override_id:uuid start_minute:int end_minute:int"
)
MirroredCalendar = table("mirrored_calendars", "tutor_id:uuid counts_as_busy:bool")
CalendarEvent = table(
    "calendar_events",
    "calendar_id:uuid status:text start_at:time end_at:time is_all_day:bool is_transparent:bool"
    " is_declined_by_owner:bool",
)
Booking = table("bookings", "tutor_id:uuid status:text start_at:time end_at:time")


class BookingCreate(BaseModel):
    session_id: uuid.UUID


class Refused(Exception):
    def __init__(self, status: int, code: str) -> None:
        super().__init__(code)
        self.status, self.code = status, code


app = tortoise_app("floor", tortoise_config(__name__, database_url()))


async def signed_in(token: str | None) -> Any:
    """The caller's login session by the SHA-256 of the cookie, with tutorcal's rules; else 401."""
    if not token:
        raise HTTPException(status_code=401, detail="Sign in first.")
    now = datetime.now(UTC)
    login = await LoginSession.get_or_none(
        token_hash=token_hash(token),
        revoked_at__isnull=True,
        expires_at__gt=now,
        last_seen_at__gt=now - SESSION_IDLE_TIMEOUT,
    )
    if login is None:
        raise HTTPException(status_code=401, detail="Sign in first.")
    return login


@app.get("/api/v1/tutors/{tutor_id}/sessions")
async def list_sessions(
    tutor_id: uuid.UUID,
    start: Annotated[AwareDatetime, Query()],
    end: Annotated[AwareDatetime, Query()],
    tutorcal_session: Annotated[str | None, Cookie()] = None,
) -> list[SessionRead]:
    await signed_in(tutorcal_session)
    rows = await TutoringSession.filter(
        tutor_id=tutor_id, is_active=True, start_at__lt=end, end_at__gt=start
    ).order_by("start_at", "id")
    return [session_read(row.__getattribute__) for row in rows]


LOCK_SESSION = """
SELECT s.tutor_id, s.start_at, s.end_at, s.capacity, s.attendee_emails, s.google_event_id,
       s.meet_link, c.google_calendar_id
FROM tutoring_sessions s JOIN mirrored_calendars c ON c.id = s.calendar_id
WHERE s.id = $1 AND s.is_active
FOR UPDATE OF s
"""
COUNT_SEATS = (
    "SELECT count(*) AS taken FROM bookings WHERE session_id = $1 AND status = 'confirmed'"
)
INSERT_BOOKING = """
INSERT INTO bookings (id, created_at, updated_at, kind, status, session_id, tutor_id, student_id,
                      start_at, end_at, note, meet_link, google_calendar_id, calendar_event_id,
                      calendar_sync)
VALUES ($1, $2, $2, 'session', 'confirmed', $3, $4, $5, $6, $7, '', $8, $9, $10, 'pending')
"""
INSERT_JOB = """
INSERT INTO outbox_jobs (id, created_at, updated_at, booking_id, operation, payload, status,
                         attempts, next_attempt_at)
VALUES ($1, $2, $2, $3, 'reconcile', '{}', 'pending', 0, $2)
"""


def constraint_code(exc: IntegrityError) -> str:
    text = str(exc)
    if "uq_bookings_confirmed_seat" in text:
        return "already_booked"
    if "ex_bookings_student_overlap" in text:
        return "student_conflict"
    return "conflict"


@app.post("/api/v1/bookings", status_code=201)
async def create_booking(
    body: BookingCreate,
    tutorcal_session: Annotated[str | None, Cookie()] = None,
    csrf: Annotated[str | None, Header(alias="X-CSRF-Token")] = None,
) -> JSONResponse:
    login = await signed_in(tutorcal_session)
    if not csrf or not hmac.compare_digest(login.csrf_token_hash, token_hash(csrf)):
        raise HTTPException(status_code=403, detail="CSRF token missing or wrong.")
    now = datetime.now(UTC)
    booking_id = uuid.uuid4()
    try:
        async with in_transaction() as connection:
            rows = await connection.execute_query_dict(LOCK_SESSION, [body.session_id])
            if not rows:
                raise Refused(404, "session_not_found")
            session = rows[0]
            attendees = session["attendee_emails"]
            if isinstance(attendees, str):
                attendees = json.loads(attendees)
            counted = await connection.execute_query_dict(COUNT_SEATS, [body.session_id])
            if int(counted[0]["taken"]) + len(set(attendees)) >= int(session["capacity"]):
                raise Refused(409, "session_full")
            await connection.execute_query(
                INSERT_BOOKING,
                [
                    booking_id,
                    now,
                    body.session_id,
                    session["tutor_id"],
                    login.user_id,
                    session["start_at"],
                    session["end_at"],
                    session["meet_link"],
                    session["google_calendar_id"],
                    session["google_event_id"],
                ],
            )
            await connection.execute_query(INSERT_JOB, [uuid.uuid4(), now, booking_id])
    except Refused as refused:
        return JSONResponse({"code": refused.code}, status_code=refused.status)
    except IntegrityError as exc:
        return JSONResponse({"code": constraint_code(exc)}, status_code=409)
    return JSONResponse(
        {
            "id": str(booking_id),
            "status": "confirmed",
            "kind": "session",
            "session_id": str(body.session_id),
            "start": session["start_at"].isoformat(),
            "end": session["end_at"].isoformat(),
            "calendar_sync": "pending",
        },
        status_code=201,
    )


@app.get("/api/v1/tutors/{tutor_id}/slots")
async def list_slots(
    tutor_id: uuid.UUID,
    start: Annotated[AwareDatetime, Query()],
    end: Annotated[AwareDatetime, Query()],
    minutes: Annotated[int | None, Query(gt=0)] = None,
    tutorcal_session: Annotated[str | None, Cookie()] = None,
) -> list[SlotRead]:
    await signed_in(tutorcal_session)
    now = datetime.now(UTC)
    tutor = await TutorUser.get_or_none(id=tutor_id, is_tutor=True, deleted_at__isnull=True)
    profile = await TutorProfile.get_or_none(user_id=tutor_id)
    if tutor is None or profile is None:
        raise HTTPException(status_code=404, detail="No such tutor.")
    window = SlotWindow(
        Tutor(
            tutor.timezone,
            profile.slot_minutes,
            profile.buffer_minutes,
            profile.min_notice_minutes,
            profile.horizon_days,
            profile.ignore_all_day_events,
        ),
        start,
        end,
        minutes,
    )
    rules = await AvailabilityRule.filter(tutor_id=tutor_id).values_list(
        "weekday", "start_minute", "end_minute"
    )
    override_days = dict(
        await AvailabilityOverride.filter(
            tutor_id=tutor_id, on_date__gte=window.first_day, on_date__lte=window.last_day
        ).values_list("id", "on_date")
    )
    ranges = (
        await AvailabilityOverrideRange.filter(override_id__in=list(override_days)).values_list(
            "override_id", "start_minute", "end_minute"
        )
        if override_days
        else []
    )
    events = CalendarEvent.filter(
        calendar_id__in=Subquery(
            MirroredCalendar.filter(tutor_id=tutor_id, counts_as_busy=True).values("id")
        ),
        start_at__lt=window.busy_until,
        end_at__gt=window.busy_from,
        is_transparent=False,
        is_declined_by_owner=False,
    ).exclude(status="cancelled")
    if profile.ignore_all_day_events:
        events = events.filter(is_all_day=False)
    busy = await events.values_list("start_at", "end_at")
    taken = await Booking.filter(
        tutor_id=tutor_id,
        status="confirmed",
        start_at__lt=window.busy_until,
        end_at__gt=window.busy_from,
    ).values_list("start_at", "end_at")
    return window.slots(now, rules, override_days, ranges, busy, taken)


def main(argv: list[str] | None = None) -> None:
    serve_floor("bench.floor_app:app", argv)


if __name__ == "__main__":
    main()
