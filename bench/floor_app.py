"""The floor for reading a tutor's sessions: the least a FastAPI + Tortoise app does for the answer.

``GET /api/v1/tutors/{tutor_id}/sessions?start=&end=`` answered with the same JSON as
tutorcal's, from the same database, by:

1. one query for the caller's login session: the ``login_sessions`` row whose
   ``token_hash`` is the SHA-256 of the ``tutorcal_session`` cookie, not revoked, not expired,
   seen within 7 days (tutorcal's rules), else 401;
2. one query for the ``tutoring_sessions`` rows of that tutor that are active and overlap the
   window, by start;

then a pydantic response model of the same shape. ``seats_taken`` counts the event's
attendees and ``booked_by_me`` is false: the benchmark's sessions have no bookings, so this is
the same answer tutorcal gives, without its bookings lookup. Nothing else: no middleware, no
user or tutor or grant or calendar lookups, no metrics, no logging per request.

The models map only the columns these queries need onto tutorcal's tables (the floor never
creates or alters a table). Launched as tutorcal launches itself (``uvicorn.run`` from an
import string, one process, no access log, the same proxy-header settings)::

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
  slot function (``tutorcal.availability.slots.free_slots``), so the answer is the same by
  construction. Not done: the grant and calendar freshness checks (fail closed),
  ``minutes`` validation beyond a positive number, problem+json errors.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import logging
import os
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from fastapi import Cookie, FastAPI, Header, HTTPException, Query
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel
from tortoise import connections, fields
from tortoise.contrib.fastapi import RegisterTortoise
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Subquery
from tortoise.models import Model
from tortoise.transactions import in_transaction

from tutorcal.availability.slots import (
    MINUTES_PER_DAY,
    Availability,
    LocalRange,
    SlotRules,
    TutorSchedule,
    free_slots,
)

DEFAULT_POOL_SIZE = "10"  # tutorcal's DATABASE_POOL_SIZE default
SESSION_IDLE_TIMEOUT = timedelta(days=7)
READINESS_TIMEOUT_SECONDS = 2.0


class LoginSession(Model):
    id = fields.UUIDField(primary_key=True)
    token_hash = fields.CharField(max_length=64)
    csrf_token_hash = fields.CharField(max_length=64)
    user_id = fields.UUIDField()
    last_seen_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "login_sessions"


class TutoringSession(Model):
    id = fields.UUIDField(primary_key=True)
    tutor_id = fields.UUIDField()
    title = fields.CharField(max_length=1024)
    description = fields.TextField()
    location = fields.CharField(max_length=1024, null=True)
    meet_link = fields.CharField(max_length=1024, null=True)
    start_at = fields.DatetimeField()
    end_at = fields.DatetimeField()
    capacity = fields.IntField()
    attendee_emails: list[str] = fields.JSONField(default=list)
    is_active = fields.BooleanField()

    class Meta:
        table = "tutoring_sessions"


class TutorUser(Model):
    id = fields.UUIDField(primary_key=True)
    timezone = fields.CharField(max_length=64)
    is_tutor = fields.BooleanField()
    deleted_at = fields.DatetimeField(null=True)

    class Meta:
        table = "users"


class TutorProfile(Model):
    id = fields.UUIDField(primary_key=True)
    user_id = fields.UUIDField()
    slot_minutes = fields.IntField()
    buffer_minutes = fields.IntField()
    min_notice_minutes = fields.IntField()
    horizon_days = fields.IntField()
    ignore_all_day_events = fields.BooleanField()

    class Meta:
        table = "tutor_profiles"


class AvailabilityRule(Model):
    id = fields.UUIDField(primary_key=True)
    tutor_id = fields.UUIDField()
    weekday = fields.SmallIntField()
    start_minute = fields.SmallIntField()
    end_minute = fields.SmallIntField()

    class Meta:
        table = "availability_rules"


class AvailabilityOverride(Model):
    id = fields.UUIDField(primary_key=True)
    tutor_id = fields.UUIDField()
    on_date = fields.DateField()

    class Meta:
        table = "availability_overrides"


class AvailabilityOverrideRange(Model):
    id = fields.UUIDField(primary_key=True)
    override_id = fields.UUIDField()
    start_minute = fields.SmallIntField()
    end_minute = fields.SmallIntField()

    class Meta:
        table = "availability_override_ranges"


class MirroredCalendar(Model):
    id = fields.UUIDField(primary_key=True)
    tutor_id = fields.UUIDField()
    counts_as_busy = fields.BooleanField()

    class Meta:
        table = "mirrored_calendars"


class CalendarEvent(Model):
    id = fields.UUIDField(primary_key=True)
    calendar_id = fields.UUIDField()
    status = fields.CharField(max_length=16)
    start_at = fields.DatetimeField()
    end_at = fields.DatetimeField()
    is_all_day = fields.BooleanField()
    is_transparent = fields.BooleanField()
    is_declined_by_owner = fields.BooleanField()

    class Meta:
        table = "calendar_events"


class Booking(Model):
    id = fields.UUIDField(primary_key=True)
    tutor_id = fields.UUIDField()
    status = fields.CharField(max_length=16)
    start_at = fields.DatetimeField()
    end_at = fields.DatetimeField()

    class Meta:
        table = "bookings"


class SessionRead(BaseModel):
    id: str
    tutor_id: str
    title: str
    description: str
    start: datetime
    end: datetime
    capacity: int
    seats_taken: int
    seats_left: int
    location: str | None
    meet_link: str | None
    booked_by_me: bool


class HealthRead(BaseModel):
    status: str


class SlotRead(BaseModel):
    start: datetime
    end: datetime


class BookingCreate(BaseModel):
    session_id: uuid.UUID


class Refused(Exception):
    def __init__(self, status: int, code: str) -> None:
        super().__init__(code)
        self.status, self.code = status, code


def database_url() -> str:
    url = os.environ["DATABASE_URL"]
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return url
    query = dict(parse_qsl(parts.query))
    query.setdefault("maxsize", os.environ.get("DATABASE_POOL_SIZE", DEFAULT_POOL_SIZE))
    return urlunsplit(parts._replace(query=urlencode(query)))


def tortoise_config() -> dict[str, Any]:
    return {
        "connections": {"default": database_url()},
        "apps": {"models": {"models": [__name__], "default_connection": "default"}},
        "use_tz": True,
        "timezone": "UTC",
    }


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    async with RegisterTortoise(app, config=tortoise_config()):
        yield


app = FastAPI(title="floor", lifespan=lifespan)


@app.get("/readyz")
async def readyz() -> HealthRead:
    try:
        await asyncio.wait_for(
            connections.get("default").execute_query("SELECT 1"), READINESS_TIMEOUT_SECONDS
        )
    except Exception as exc:
        raise HTTPException(status_code=503, detail="The database does not answer.") from exc
    return HealthRead(status="ok")


@app.get("/healthz")
async def healthz() -> HealthRead:
    return HealthRead(status="ok")


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


async def signed_in(token: str | None) -> LoginSession:
    """The caller's login session by the SHA-256 of the cookie, with tutorcal's rules; else 401."""
    if not token:
        raise HTTPException(status_code=401, detail="Sign in first.")
    now = datetime.now(UTC)
    login = await LoginSession.get_or_none(
        token_hash=sha256_hex(token),
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
    answer = []
    for row in rows:
        seats_taken = len(set(row.attendee_emails))
        answer.append(
            SessionRead(
                id=str(row.id),
                tutor_id=str(row.tutor_id),
                title=row.title,
                description=row.description,
                start=row.start_at,
                end=row.end_at,
                capacity=row.capacity,
                seats_taken=seats_taken,
                seats_left=max(0, row.capacity - seats_taken),
                location=row.location,
                meet_link=row.meet_link,
                booked_by_me=False,
            )
        )
    return answer


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
    if not csrf or not hmac.compare_digest(login.csrf_token_hash, sha256_hex(csrf)):
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


def local_range(start_minute: int, end_minute: int) -> LocalRange:
    return LocalRange(start_minute, end_minute or MINUTES_PER_DAY)


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
    length = minutes or profile.slot_minutes
    until = end + timedelta(minutes=length)  # slots starting before `end` end after it
    pad = timedelta(minutes=profile.buffer_minutes)
    zone = ZoneInfo(tutor.timezone)
    first: date = start.astimezone(zone).date() - timedelta(days=1)
    last: date = until.astimezone(zone).date() + timedelta(days=1)
    weekly: dict[int, list[LocalRange]] = {}
    for weekday, start_minute, end_minute in await AvailabilityRule.filter(
        tutor_id=tutor_id
    ).values_list("weekday", "start_minute", "end_minute"):
        weekly.setdefault(weekday, []).append(local_range(start_minute, end_minute))
    override_dates = dict(
        await AvailabilityOverride.filter(
            tutor_id=tutor_id, on_date__gte=first, on_date__lte=last
        ).values_list("id", "on_date")
    )
    overrides: dict[date, list[LocalRange]] = {day: [] for day in override_dates.values()}
    if override_dates:
        for override_id, start_minute, end_minute in await AvailabilityOverrideRange.filter(
            override_id__in=list(override_dates)
        ).values_list("override_id", "start_minute", "end_minute"):
            overrides[override_dates[override_id]].append(local_range(start_minute, end_minute))
    events = CalendarEvent.filter(
        calendar_id__in=Subquery(
            MirroredCalendar.filter(tutor_id=tutor_id, counts_as_busy=True).values("id")
        ),
        start_at__lt=until + pad,
        end_at__gt=start - pad,
        is_transparent=False,
        is_declined_by_owner=False,
    ).exclude(status="cancelled")
    if profile.ignore_all_day_events:
        events = events.filter(is_all_day=False)
    busy = await events.values_list("start_at", "end_at")
    taken = await Booking.filter(
        tutor_id=tutor_id, status="confirmed", start_at__lt=until + pad, end_at__gt=start - pad
    ).values_list("start_at", "end_at")
    schedule = TutorSchedule(
        Availability(timezone=tutor.timezone, weekly=weekly, overrides=overrides),
        SlotRules(
            slot_minutes=profile.slot_minutes,
            buffer_minutes=profile.buffer_minutes,
            min_notice_minutes=profile.min_notice_minutes,
            horizon_days=profile.horizon_days,
        ),
        [(b, e) for b, e in busy],
        [(b, e) for b, e in taken],
    )
    slots = free_slots(schedule, now=now, window_start=start, window_end=end, minutes=length)
    return [SlotRead(start=slot_start, end=slot_end) for slot_start, slot_end in slots]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.floor_app")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args(argv)

    import uvicorn

    logging.basicConfig(level=logging.WARNING, stream=sys.stdout)
    uvicorn.run(
        "bench.floor_app:app",
        host=args.host,
        port=args.port,
        log_config=None,
        access_log=False,
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
        timeout_graceful_shutdown=8,
    )


if __name__ == "__main__":
    main()
