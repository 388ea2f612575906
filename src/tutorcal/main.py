"""create_app(): middleware, error handlers, routers and the lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from tortoise.context import TortoiseContext
from tortoise.contrib.fastapi import RegisterTortoise

from tutorcal import api
from tutorcal.config import EMULATOR_MOUNT_PATH, Settings, get_settings
from tutorcal.core.forwarded import ForwardedClientMiddleware
from tutorcal.core.metrics import served_on_loopback
from tutorcal.core.middleware import RequestContextMiddleware
from tutorcal.core.startup import resume_collection
from tutorcal.core.time import SYSTEM_CLOCK, Clock
from tutorcal.db import tortoise_config_for
from tutorcal.errors import (
    PROBLEM_MEDIA_TYPE,
    AppError,
    Problem,
    code_for_status,
    problem_body,
    validation_problem_extra,
)
from tutorcal.openapi import openapi_for
from tutorcal.runtime import runtime_for
from tutorcal.schema import ensure_generated_schema
from tutorcal.web.serving import mount_web_app

if TYPE_CHECKING:
    from tutorcal.demo.emulator import MountedEmulator

logger = logging.getLogger("tutorcal")


def _problem(
    status: int,
    code: str,
    detail: str,
    extra: dict[str, object] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(
        problem_body(status, code, detail, extra),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


async def _app_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return _problem(exc.status_code, exc.code, exc.detail, exc.extra, exc.headers)


# What FastAPI raises (as a 400) when a JSON body is not even text, e.g. bytes that are not
# UTF-8; JSON that does not parse is already a 422. One answer for both: the body is invalid.
_FASTAPI_BODY_PARSE_ERROR = "There was an error parsing the body"


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400 and exc.detail == _FASTAPI_BODY_PARSE_ERROR:
        return _problem(
            422,
            "validation_failed",
            "The body is not valid JSON in UTF-8.",
            {"errors": [{"loc": ["body"], "msg": "JSON decode error", "type": "json_invalid"}]},
        )
    detail = exc.detail if isinstance(exc.detail, str) else "The request failed."
    if exc.status_code == 404 and detail == "Not Found":
        detail = "There is nothing at this address."
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        detail = "This address does not accept that method."
        headers["Allow"] = ", ".join(_allowed_methods(request))
    return _problem(exc.status_code, code_for_status(exc.status_code), detail, headers=headers)


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def _allowed_methods(request: Request) -> list[str]:
    """Every method the address answers: FastAPI makes one route per method, and Starlette's
    405 names only the first route whose path matched. Each method is tried against the URL
    map as the router itself would."""
    routes = request.app.router.routes
    return [
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes
        )
    ]


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return _problem(
        422,
        "validation_failed",
        "Some fields are missing or not valid.",
        validation_problem_extra(exc.errors()),
    )


def create_app(settings: Settings | None = None, *, clock: Clock = SYSTEM_CLOCK) -> FastAPI:
    """Raises DemoStoreBusy in demo mode when another demo process owns the database.

    ``clock``: what every rule decided by time reads (tests move it)."""
    settings = settings or get_settings()
    demo = _demo_emulator(settings) if settings.uses_emulator else None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with (
            TortoiseContext(),
            RegisterTortoise(app, config=tortoise_config_for(settings)),
            runtime_for(settings, clock) as runtime,
            _private_metrics(settings.metrics_port),
        ):
            app.state.runtime = runtime
            if settings.dialect == "sqlite":
                # The zero-set-up database makes its own schema (inside this one ORM start-up).
                await ensure_generated_schema(settings.dialect)
            resume_collection()
            logger.info(
                "tutorcal ready",
                extra={"dialect": settings.dialect, "demo": settings.tutorcal_demo},
            )
            if demo is None:
                yield
            else:
                # Lazy: only demo mode imports the emulator's side of the app.
                from tutorcal.demo.running import demo_running

                async with demo_running(runtime, demo.store):
                    yield
        logger.info("tutorcal stopped")

    app = FastAPI(
        title="tutorcal",
        summary="Book tutoring sessions and one-to-one slots on tutors' Google Calendars.",
        version="0.1.0",
        lifespan=lifespan,
        # /docs is the web app's own Swagger UI page (tutorcal.web), served offline.
        docs_url=None,
        redoc_url=None,
        exception_handlers={
            AppError: _app_error,
            StarletteHTTPException: _http_error,
            RequestValidationError: _validation_error,
        },
    )
    app.state.settings = settings
    app.openapi = openapi_for(app)  # type: ignore[method-assign]
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=True,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=[
                "Content-Type",
                "X-CSRF-Token",
                "Idempotency-Key",
                "X-Request-ID",
                "Authorization",
            ],
            expose_headers=["X-Request-ID", "Retry-After"],
        )
    app.add_middleware(RequestContextMiddleware, max_body_bytes=settings.max_request_body_bytes)
    # Outermost: the access log and the rate limits see the client's address, not the proxy's.
    app.add_middleware(
        ForwardedClientMiddleware,
        trusted=settings.forwarded_allow_ips,
        hops=settings.forwarded_trusted_hops,
    )
    app.router.routes.extend(api.routes())
    _document_problems(app)
    if demo is not None:
        app.mount(EMULATOR_MOUNT_PATH, demo.app)
    mount_web_app(app)  # last: its fallback answers whatever no route above took
    return app


@asynccontextmanager
async def _private_metrics(port: int | None) -> AsyncIterator[None]:
    if port is None:
        yield
        return
    with served_on_loopback(port):
        yield


def _document_problems(app: FastAPI) -> None:
    """Puts ``Problem`` in the OpenAPI components, where the routes' error responses point.

    No route names it as a model (see ``problem_responses``), so FastAPI would leave it out.
    """
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        document = generate()
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        if "Problem" not in schemas:
            schemas["Problem"] = Problem.model_json_schema(
                ref_template="#/components/schemas/{model}"
            )
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def _demo_emulator(settings: Settings) -> MountedEmulator:
    """Demo mode only: Google's stand-in, served by the same process, reached over HTTP."""
    # Lazy: production paths never import the emulator.
    from tutorcal.demo.emulator import mounted_emulator

    return mounted_emulator(settings)
