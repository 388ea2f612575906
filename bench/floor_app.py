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
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import logging
import os
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fastapi import Cookie, FastAPI, HTTPException, Query
from pydantic import AwareDatetime, BaseModel
from tortoise import connections, fields
from tortoise.contrib.fastapi import RegisterTortoise
from tortoise.models import Model

DEFAULT_POOL_SIZE = "10"  # tutorcal's DATABASE_POOL_SIZE default
SESSION_IDLE_TIMEOUT = timedelta(days=7)
READINESS_TIMEOUT_SECONDS = 2.0


class LoginSession(Model):
    id = fields.UUIDField(primary_key=True)
    token_hash = fields.CharField(max_length=64)
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


@app.get("/api/v1/tutors/{tutor_id}/sessions")
async def list_sessions(
    tutor_id: uuid.UUID,
    start: Annotated[AwareDatetime, Query()],
    end: Annotated[AwareDatetime, Query()],
    tutorcal_session: Annotated[str | None, Cookie()] = None,
) -> list[SessionRead]:
    if not tutorcal_session:
        raise HTTPException(status_code=401, detail="Sign in first.")
    now = datetime.now(UTC)
    login = await LoginSession.get_or_none(
        token_hash=hashlib.sha256(tutorcal_session.encode()).hexdigest(),
        revoked_at__isnull=True,
        expires_at__gt=now,
        last_seen_at__gt=now - SESSION_IDLE_TIMEOUT,
    )
    if login is None:
        raise HTTPException(status_code=401, detail="Sign in first.")
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
