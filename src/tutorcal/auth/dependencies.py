"""Who is calling: the current user from a session cookie or a bearer API token, with CSRF checks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Literal
from urllib.parse import urlsplit

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from tutorcal.auth import service
from tutorcal.auth.errors import CsrfFailed
from tutorcal.auth.service import Authenticated
from tutorcal.errors import Forbidden, NotAuthenticated, RateLimited
from tutorcal.runtime import Runtime
from tutorcal.users.models import User

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSRF_HEADER = "X-CSRF-Token"


def cookie_names(runtime: Runtime) -> tuple[str, str]:
    """Over https the cookies carry the ``__Host-`` prefix: Secure, host-only, Path=/."""
    prefix = "__Host-" if runtime.settings.is_https else ""
    return f"{prefix}tutorcal_session", f"{prefix}tutorcal_csrf"


def flow_cookie_name(runtime: Runtime, state: str) -> str:
    """The cookie binding one sign-in flow to the browser that started it."""
    prefix = "__Host-" if runtime.settings.is_https else ""
    return f"{prefix}tutorcal_oauth_{service.flow_cookie_suffix(state)}"


async def get_runtime(request: Request) -> Runtime:
    # async: a plain def dependency would cost a thread-pool hop on every request.
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _check_csrf(request: Request, runtime: Runtime, auth: Authenticated) -> None:
    assert auth.session is not None
    origin = request.headers.get("origin")
    trusted = {
        _origin_of(runtime.settings.public_base_url),
        *(o.lower().rstrip("/") for o in runtime.settings.cors_origins),
    }
    if origin is not None and origin.lower().rstrip("/") not in trusted:
        raise CsrfFailed("The request comes from an origin this service does not trust.")
    if not service.csrf_matches(auth.session, request.headers.get(CSRF_HEADER)):
        raise CsrfFailed()


# Read below by hand (the cookie's name depends on https); these two only put the ways to
# authenticate into the OpenAPI document, on every route that needs a signed-in caller.
_API_TOKEN = HTTPBearer(
    scheme_name="api_token",
    auto_error=False,
    description="An API token from `POST /api/v1/me/api-tokens`: `Authorization: Bearer <token>`.",
)
_SESSION_COOKIE = APIKeyCookie(
    name="tutorcal_session",
    scheme_name="session",
    auto_error=False,
    description="The session cookie set at sign-in (`__Host-tutorcal_session` over https). "
    "POST, PUT, PATCH and DELETE also need `X-CSRF-Token` equal to the `tutorcal_csrf` cookie.",
)


_ApiToken = Annotated[HTTPAuthorizationCredentials | None, Security(_API_TOKEN)]
_SessionCookie = Annotated[str | None, Security(_SESSION_COOKIE)]
_NOT_YET = object()


async def _authenticated(request: Request) -> Authenticated | None:
    """Who is calling, worked out once per request however many dependencies ask."""
    known = getattr(request.state, "authenticated", _NOT_YET)
    if known is not _NOT_YET:
        return known  # type: ignore[return-value]
    auth = await _authenticate(request)
    request.state.authenticated = auth
    return auth


async def _authenticate(request: Request) -> Authenticated | None:
    authorization = request.headers.get("authorization", "")
    scheme, _, credentials = authorization.partition(" ")
    runtime: Runtime = request.app.state.runtime
    if scheme.lower() == "bearer" and credentials.strip():
        auth = await service.authenticate_api_token(credentials.strip(), runtime.clock.now())
        if auth is None:
            raise NotAuthenticated("The API token is unknown or revoked.")
        return auth
    session_cookie, _ = cookie_names(runtime)
    token = request.cookies.get(session_cookie)
    if not token:
        return None
    auth = await service.authenticate_session(token, runtime.clock.now())
    if auth is None:
        return None
    if request.method in UNSAFE_METHODS:
        _check_csrf(request, runtime, auth)
    request.state.user_id = str(auth.user.id)
    return auth


async def _signed_in(request: Request) -> Authenticated:
    auth = await _authenticated(request)
    if auth is None:
        raise NotAuthenticated()
    return auth


# Each dependency below stands alone (no chain of sub-dependencies): FastAPI analyses a
# route's whole dependency tree while the app starts, once per route, and a chain of four
# per signed-in route was a noticeable share of a cold start. The two security parameters
# only put the ways to authenticate into the OpenAPI document.


async def optional_authentication(
    request: Request, _token: _ApiToken, _cookie: _SessionCookie
) -> Authenticated | None:
    return await _authenticated(request)


async def require_authentication(
    request: Request, _token: _ApiToken, _cookie: _SessionCookie
) -> Authenticated:
    return await _signed_in(request)


async def current_user(request: Request, _token: _ApiToken, _cookie: _SessionCookie) -> User:
    return (await _signed_in(request)).user


async def current_tutor(request: Request, _token: _ApiToken, _cookie: _SessionCookie) -> User:
    user = (await _signed_in(request)).user
    if not user.is_tutor:
        raise Forbidden("Only tutors may use this.")
    return user


async def current_admin(request: Request, _token: _ApiToken, _cookie: _SessionCookie) -> User:
    user = (await _signed_in(request)).user
    if not user.is_admin:
        raise Forbidden("Only admins may use this.")
    return user


AuthDep = Annotated[Authenticated, Depends(require_authentication)]
UserDep = Annotated[User, Depends(current_user)]
TutorDep = Annotated[User, Depends(current_tutor)]
AdminDep = Annotated[User, Depends(current_admin)]


OptionalAuthDep = Annotated[Authenticated | None, Depends(optional_authentication)]
RateLimitKind = Literal["sign_in", "booking"]


async def enforce_rate_limit(
    request: Request,
    runtime: Runtime,
    kind: RateLimitKind,
    user: User | None,
    exempt: Callable[[], Awaitable[bool]] | None = None,
) -> None:
    """429 once the caller's address, or the signed-in caller, is over ``kind``'s budget.

    The address is ``request.client``: the X-Forwarded-For entry the trusted proxy appended
    (tutorcal.core.forwarded), never one the client wrote, so a client cannot pick its own.
    """
    checks: list[tuple[str, str]] = []
    if request.client is not None:
        checks.append((f"{kind}_per_address", request.client.host))
    if user is not None:
        checks.append((f"{kind}_per_user", str(user.id)))
    for rule, identifier in checks:
        verdict = await runtime.limiter.hit(rule, identifier)
        if not verdict.allowed:
            if exempt is not None and await exempt():
                return
            raise RateLimited(
                headers={"Retry-After": str(verdict.retry_after)},
                extra={"retry_after": verdict.retry_after},
            )


async def sign_in_rate_limit(request: Request, runtime: RuntimeDep) -> None:
    """Sign-in start and Google's callback: nobody is signed in yet, so per address only."""
    await enforce_rate_limit(request, runtime, "sign_in", None)


async def signed_in_sign_in_rate_limit(
    request: Request, runtime: RuntimeDep, auth: OptionalAuthDep
) -> None:
    """Asking Google for more (calendar access): per address and per user."""
    await enforce_rate_limit(request, runtime, "sign_in", auth.user if auth else None)
