"""The baseline: a bare FastAPI + Tortoise app with one model and one query per /readyz.

It registers Tortoise the way ``tutorcal.main.create_app`` does (``RegisterTortoise`` in the
lifespan) and answers /readyz with the same ``SELECT 1`` under the same timeout, so that what
differs from tutorcal is tutorcal's own start-up work, not the per-request work.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel
from tortoise import connections, fields
from tortoise.contrib.fastapi import RegisterTortoise
from tortoise.models import Model

DEFAULT_DATABASE_URL = "sqlite://./baseline.sqlite3"
READINESS_TIMEOUT_SECONDS = 2.0


class Item(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100)

    class Meta:
        table = "items"


class HealthRead(BaseModel):
    status: str


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return url
    # The same pool cap tutorcal applies (DATABASE_POOL_SIZE defaults to 10).
    query = dict(parse_qsl(parts.query))
    query.setdefault("maxsize", "10")
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


app = FastAPI(title="baseline", lifespan=lifespan)


@app.get("/healthz", response_model=HealthRead)
async def healthz() -> HealthRead:
    return HealthRead(status="ok")


@app.get("/readyz", response_model=HealthRead)
async def readyz() -> HealthRead:
    try:
        await asyncio.wait_for(
            connections.get("default").execute_query("SELECT 1"), READINESS_TIMEOUT_SECONDS
        )
    except Exception as exc:
        raise HTTPException(status_code=503, detail="The database does not answer.") from exc
    return HealthRead(status="ok")
