"""create_emulator_app(): Google's identity paths, the Calendar API v3 subset (under
``/calendar/v3``) and the control API, over one state."""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from tutorcal.emulator import calendar_api, calendar_control, control, identity
from tutorcal.emulator.calendar_errors import CalendarError
from tutorcal.emulator.calendar_guard import error_response
from tutorcal.emulator.control import ControlError
from tutorcal.emulator.models import OAuthClient
from tutorcal.emulator.state import EmulatorState


async def _control_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ControlError)
    return JSONResponse({"error": exc.error, "message": exc.message}, status_code=exc.status_code)


async def _calendar_error(_: Request, exc: Exception) -> JSONResponse:
    # Calendar routes answer their own errors (calendar_guard); this catches any other route
    # that reuses Calendar code, so Google's words never turn into a 500.
    assert isinstance(exc, CalendarError)
    return error_response(exc)


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    # Only control routes declare bodies; Google's routes read raw forms and answer in
    # Google's own error words, so this never speaks for them.
    assert isinstance(exc, RequestValidationError)
    errors = [
        {
            "loc": [str(part) for part in error.get("loc", ())],
            "msg": str(error.get("msg", "")),
            "type": str(error.get("type", "")),
        }
        for error in exc.errors()
    ]
    message = "; ".join(f"{'.'.join(e['loc'][1:]) or 'body'}: {e['msg']}" for e in errors)
    return JSONResponse(
        {"error": "validation_failed", "message": message, "errors": errors}, status_code=422
    )


def create_emulator_app(
    state: EmulatorState | None = None, *, clients: Iterable[OAuthClient] = ()
) -> FastAPI:
    """A separate ASGI app: run it on its own port, or mount it (tutorcal's demo mode uses
    ``/_google``); every URL it hands out follows where it was reached."""
    if state is None:
        state = EmulatorState()
    state.add_seed(clients=clients)
    app = FastAPI(
        title="Google emulator",
        summary="Google's OAuth 2.0 / OpenID Connect and Calendar API v3 for local development "
        "and tests.",
        version="0.1.0",
        docs_url=f"{control.PREFIX}/docs",
        redoc_url=None,
        openapi_url=f"{control.PREFIX}/openapi.json",
        exception_handlers={
            ControlError: _control_error,
            CalendarError: _calendar_error,
            RequestValidationError: _validation_error,
        },
    )
    app.state.emulator = state
    app.include_router(identity.router)
    app.include_router(calendar_api.router)
    app.include_router(control.router)
    app.include_router(calendar_control.router)
    return app
