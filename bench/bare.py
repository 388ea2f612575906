"""What the bare apps share (the start-up baseline and both floors): tutorcal's way of
launching, without tutorcal.

The same pool cap as tutorcal (DATABASE_POOL_SIZE, 10 by default), Tortoise registered in
the lifespan as ``tutorcal.main.create_app`` does, /healthz and /readyz (the same
``SELECT 1`` under the same timeout), and ``uvicorn.run`` from an import string, one process,
no access log. Nothing here imports tutorcal, so the baseline stays bare.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel
from tortoise import connections
from tortoise.contrib.fastapi import RegisterTortoise

DEFAULT_POOL_SIZE = "10"  # tutorcal's DATABASE_POOL_SIZE default
READINESS_TIMEOUT_SECONDS = 2.0


class HealthRead(BaseModel):
    status: str


def database_url(default: str | None = None) -> str:
    """DATABASE_URL (or ``default``) with tutorcal's pool cap."""
    url = os.environ.get("DATABASE_URL", default) if default else os.environ["DATABASE_URL"]
    assert url is not None
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return url
    query = dict(parse_qsl(parts.query))
    query.setdefault("maxsize", os.environ.get("DATABASE_POOL_SIZE", DEFAULT_POOL_SIZE))
    return urlunsplit(parts._replace(query=urlencode(query)))


def tortoise_config(models_module: str, url: str) -> dict[str, Any]:
    return {
        "connections": {"default": url},
        "apps": {"models": {"models": [models_module], "default_connection": "default"}},
        "use_tz": True,
        "timezone": "UTC",
    }


def tortoise_app(title: str, config: dict[str, Any]) -> FastAPI:
    """A FastAPI app with Tortoise registered and the two health routes."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with RegisterTortoise(app, config=config):
            yield

    app = FastAPI(title=title, lifespan=lifespan)

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

    return app


def serve(app_path: str, argv: Sequence[str] | None, level: int, **options: Any) -> None:
    """``uvicorn.run(app_path)`` on ``--host``/``--port``, as ``tutorcal serve`` runs."""
    parser = argparse.ArgumentParser(prog=f"python -m {app_path.split(':')[0]}")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)

    import uvicorn

    logging.basicConfig(level=level, stream=sys.stdout)
    uvicorn.run(
        app_path, host=args.host, port=args.port, log_config=None, access_log=False, **options
    )


def serve_floor(app_path: str, argv: Sequence[str] | None = None) -> None:
    """A floor, with tutorcal's proxy-header settings and graceful shutdown."""
    serve(
        app_path,
        argv,
        logging.WARNING,
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
        timeout_graceful_shutdown=8,
    )
