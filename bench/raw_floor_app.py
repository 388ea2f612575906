"""The raw floor: tutorcal's sessions and slots JSON from asyncpg alone, no ORM.

The Tortoise floor (bench/floor_app.py) shows what the ORM costs at the least; this one shows
what the answer costs at all in Python on the same stack underneath (FastAPI, uvicorn,
pydantic for the JSON): one pooled connection per request, the same queries as the Tortoise
floor written out in SQL, rows straight from asyncpg's records, and the JSON dumped by a
pydantic TypeAdapter into the response (no response-model validation pass).

* ``GET /api/v1/tutors/{tutor_id}/sessions?start=&end=``: the login session by token hash
  (tutorcal's rules), then the tutor's active sessions overlapping the window;
  ``seats_taken`` counts the event's attendees and ``booked_by_me`` is false, as in the
  Tortoise floor (the benchmark's read sessions have no bookings);
* ``GET /api/v1/tutors/{tutor_id}/slots?start=&end=``: the login session, then the tutor
  with its profile (one join), the weekly rules, the date overrides in the window (and their
  ranges, when there are any), the busy events of the calendars that count as busy, and the
  confirmed bookings; then tutorcal's own pure slot function, so the answer is the same by
  construction.

The shaping (tutorcal's schemas, the slot window) is bench/floor_shapes.py, shared with the
Tortoise floor.

    python -m bench.raw_floor_app --port 8002   # DATABASE_URL from the environment
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from typing import Annotated, Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from fastapi import Cookie, FastAPI, HTTPException, Query, Request, Response
from pydantic import AwareDatetime, TypeAdapter

from bench import floor_shapes as shapes
from bench.bare import DEFAULT_POOL_SIZE, READINESS_TIMEOUT_SECONDS, serve_floor

JSON = "application/json"
SESSIONS_JSON = TypeAdapter(list[shapes.SessionRead])
SLOTS_JSON = TypeAdapter(list[shapes.SlotRead])

LOGIN = """
SELECT user_id FROM login_sessions
WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2 AND last_seen_at > $3
LIMIT 1
"""
SESSIONS = """
SELECT id, tutor_id, title, description, location, meet_link, start_at, end_at, capacity,
       attendee_emails
FROM tutoring_sessions
WHERE tutor_id = $1 AND is_active AND start_at < $3 AND end_at > $2
ORDER BY start_at, id
"""
TUTOR = """
SELECT u.timezone, p.slot_minutes, p.buffer_minutes, p.min_notice_minutes, p.horizon_days,
       p.ignore_all_day_events
FROM users u JOIN tutor_profiles p ON p.user_id = u.id
WHERE u.id = $1 AND u.is_tutor AND u.deleted_at IS NULL
"""
RULES = "SELECT weekday, start_minute, end_minute FROM availability_rules WHERE tutor_id = $1"
OVERRIDES = """
SELECT id, on_date FROM availability_overrides
WHERE tutor_id = $1 AND on_date >= $2 AND on_date <= $3
"""
OVERRIDE_RANGES = """
SELECT override_id, start_minute, end_minute FROM availability_override_ranges
WHERE override_id = ANY($1::uuid[])
"""
BUSY = """
SELECT start_at, end_at FROM calendar_events
WHERE calendar_id IN (SELECT id FROM mirrored_calendars WHERE tutor_id = $1 AND counts_as_busy)
  AND start_at < $2 AND end_at > $3 AND NOT is_transparent AND NOT is_declined_by_owner
  AND status <> 'cancelled' AND ($4 OR NOT is_all_day)
"""
TAKEN = """
SELECT start_at, end_at FROM bookings
WHERE tutor_id = $1 AND status = 'confirmed' AND start_at < $2 AND end_at > $3
"""


def dsn() -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(scheme="postgresql", query=""))


async def _keep_session(connection: object) -> None:
    """Nothing to reset (no SET, LISTEN or session lock here): no round trip on release."""


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    pool = await asyncpg.create_pool(
        dsn(), min_size=1, max_size=int(DEFAULT_POOL_SIZE), reset=_keep_session
    )
    app.state.pool = pool
    try:
        yield
    finally:
        await pool.close()


app = FastAPI(title="raw floor", lifespan=lifespan)


def pool_of(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.pool
    return pool


@app.get("/readyz")
async def readyz(request: Request) -> Response:
    try:
        await asyncio.wait_for(pool_of(request).fetchval("SELECT 1"), READINESS_TIMEOUT_SECONDS)
    except Exception as exc:
        raise HTTPException(status_code=503, detail="The database does not answer.") from exc
    return Response(b'{"status":"ok"}', media_type=JSON)


@app.get("/healthz")
async def healthz() -> Response:
    return Response(b'{"status":"ok"}', media_type=JSON)


async def signed_in(
    connection: asyncpg.pool.PoolConnectionProxy[asyncpg.Record], token: str | None
) -> None:
    if not token:
        raise HTTPException(status_code=401, detail="Sign in first.")
    now = datetime.now(UTC)
    hashed = shapes.token_hash(token)
    if await connection.fetchval(LOGIN, hashed, now, now - shapes.SESSION_IDLE_TIMEOUT) is None:
        raise HTTPException(status_code=401, detail="Sign in first.")


@app.get("/api/v1/tutors/{tutor_id}/sessions")
async def list_sessions(
    request: Request,
    tutor_id: uuid.UUID,
    start: Annotated[AwareDatetime, Query()],
    end: Annotated[AwareDatetime, Query()],
    tutorcal_session: Annotated[str | None, Cookie()] = None,
) -> Response:
    async with pool_of(request).acquire() as connection:
        await signed_in(connection, tutorcal_session)
        rows = await connection.fetch(SESSIONS, tutor_id, start, end)
    answer = [shapes.session_read(row.__getitem__) for row in rows]
    return Response(SESSIONS_JSON.dump_json(answer), media_type=JSON)


@app.get("/api/v1/tutors/{tutor_id}/slots")
async def list_slots(
    request: Request,
    tutor_id: uuid.UUID,
    start: Annotated[AwareDatetime, Query()],
    end: Annotated[AwareDatetime, Query()],
    minutes: Annotated[int | None, Query(gt=0)] = None,
    tutorcal_session: Annotated[str | None, Cookie()] = None,
) -> Response:
    now = datetime.now(UTC)
    async with pool_of(request).acquire() as connection:
        await signed_in(connection, tutorcal_session)
        tutor = await connection.fetchrow(TUTOR, tutor_id)
        if tutor is None:
            raise HTTPException(status_code=404, detail="No such tutor.")
        window = shapes.SlotWindow(shapes.Tutor(**tutor), start, end, minutes)
        rules = await connection.fetch(RULES, tutor_id)
        override_days: dict[Any, date] = {
            row["id"]: row["on_date"]
            for row in await connection.fetch(
                OVERRIDES, tutor_id, window.first_day, window.last_day
            )
        }
        ranges = (
            await connection.fetch(OVERRIDE_RANGES, list(override_days)) if override_days else []
        )
        all_day_busy = not tutor["ignore_all_day_events"]
        busy = await connection.fetch(
            BUSY, tutor_id, window.busy_until, window.busy_from, all_day_busy
        )
        taken = await connection.fetch(TAKEN, tutor_id, window.busy_until, window.busy_from)
    answer = window.slots(now, rules, override_days, ranges, busy, taken)
    return Response(SLOTS_JSON.dump_json(answer), media_type=JSON)


def main(argv: list[str] | None = None) -> None:
    serve_floor("bench.raw_floor_app:app", argv)


if __name__ == "__main__":
    main()
