"""Signing in with Google and connecting a tutor's calendar."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import RedirectResponse

from tutorcal.auth import service
from tutorcal.auth.dependencies import (
    AuthDep,
    RuntimeDep,
    TutorDep,
    UserDep,
    cookie_names,
    flow_cookie_name,
    sign_in_rate_limit,
    signed_in_sign_in_rate_limit,
)
from tutorcal.auth.errors import SIGN_IN_ERRORS, CsrfFailed
from tutorcal.auth.service import FLOW_LIFETIME, SESSION_LIFETIME
from tutorcal.errors import Forbidden, NotAuthenticated, RateLimited, problem_responses
from tutorcal.runtime import Runtime

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])

NextQuery = Annotated[str | None, Query(max_length=2048, description="Relative path to return to.")]


@router.get(
    "/google/login",
    status_code=302,
    response_class=RedirectResponse,
    summary="Start signing in with Google",
    responses=problem_responses(*SIGN_IN_ERRORS, RateLimited),
    dependencies=[Depends(sign_in_rate_limit)],
)
async def login(
    runtime: RuntimeDep,
    next: NextQuery = None,
    login_hint: Annotated[str | None, Query(max_length=320)] = None,
) -> RedirectResponse:
    started = await service.begin_sign_in(runtime, next_path=next, login_hint=login_hint)
    return _to_google(runtime, started)


@router.get(
    "/google/connect-calendar",
    status_code=302,
    response_class=RedirectResponse,
    summary="Ask Google for calendar access (incremental authorization)",
    responses=problem_responses(NotAuthenticated, *SIGN_IN_ERRORS, RateLimited),
    dependencies=[Depends(signed_in_sign_in_rate_limit)],
)
async def connect_calendar(
    user: UserDep, runtime: RuntimeDep, next: NextQuery = None
) -> RedirectResponse:
    started = await service.begin_calendar_connect(runtime, user, next_path=next)
    return _to_google(runtime, started)


def _to_google(runtime: Runtime, started: service.FlowStarted) -> RedirectResponse:
    response = RedirectResponse(started.authorization_url, status_code=302)
    # Lax: Google's redirect back is a top-level GET navigation, which carries it.
    response.set_cookie(
        flow_cookie_name(runtime, started.state),
        started.browser_key,
        max_age=int(FLOW_LIFETIME.total_seconds()),
        path="/",
        secure=runtime.settings.is_https,
        httponly=True,
        samesite="lax",
    )
    return response


@router.post(
    "/google/disconnect-calendar",
    status_code=204,
    summary="Revoke calendar access at Google and forget the tokens",
    responses=problem_responses(NotAuthenticated, Forbidden, CsrfFailed),
)
async def disconnect_calendar(user: TutorDep, runtime: RuntimeDep) -> Response:
    await runtime.calendar.disconnect(user)
    return Response(status_code=204)


@router.get(
    "/google/callback",
    status_code=303,
    response_class=RedirectResponse,
    summary="Google's redirect back after consent",
    responses=problem_responses(*SIGN_IN_ERRORS, RateLimited),
    dependencies=[Depends(sign_in_rate_limit)],
)
async def callback(
    request: Request,
    runtime: RuntimeDep,
    state: Annotated[str | None, Query(max_length=512)] = None,
    code: Annotated[str | None, Query(max_length=2048)] = None,
    error: Annotated[str | None, Query(max_length=256)] = None,
) -> RedirectResponse:
    session_cookie, csrf_cookie = cookie_names(runtime)
    flow_cookie = flow_cookie_name(runtime, state) if state else None
    signed_in = await service.complete_sign_in(
        runtime,
        state=state,
        browser_key=request.cookies.get(flow_cookie) if flow_cookie else None,
        code=code,
        error=error,
        previous_session_token=request.cookies.get(session_cookie),
        user_agent=request.headers.get("user-agent", ""),
    )
    if signed_in.calendar_connected and signed_in.user.is_tutor:
        # The first full sync and the push channel, without holding up the redirect.
        runtime.calendar.connect_in_background(signed_in.user)
    response = RedirectResponse(signed_in.redirect_to, status_code=303)
    secure = runtime.settings.is_https
    max_age = int(SESSION_LIFETIME.total_seconds())
    response.set_cookie(
        session_cookie,
        signed_in.session_token,
        max_age=max_age,
        path="/",
        secure=secure,
        httponly=True,
        samesite="lax",
    )
    # Readable by the front end's scripts, which echo it in X-CSRF-Token.
    response.set_cookie(
        csrf_cookie,
        signed_in.csrf_token,
        max_age=max_age,
        path="/",
        secure=secure,
        httponly=False,
        samesite="lax",
    )
    if flow_cookie:  # used up: the browser need not carry it for the rest of its minutes
        response.delete_cookie(flow_cookie, path="/", secure=secure, httponly=True, samesite="lax")
    return response


@router.post(
    "/logout",
    status_code=204,
    summary="End this session everywhere",
    responses=problem_responses(NotAuthenticated, CsrfFailed),
)
async def logout(auth: AuthDep, runtime: RuntimeDep) -> Response:
    if auth.session is not None:
        await service.logout(auth.session, runtime.clock.now())
    response = Response(status_code=204)
    session_cookie, csrf_cookie = cookie_names(runtime)
    for name in (session_cookie, csrf_cookie):
        response.delete_cookie(name, path="/", secure=runtime.settings.is_https, samesite="lax")
    return response
