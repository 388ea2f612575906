"""Signing in with Google, calendar connection, login sessions and API tokens."""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from typing import NamedTuple
from urllib.parse import urlencode, urlsplit, urlunsplit

from tortoise.transactions import in_transaction

from tutorcal.audit import service as audit
from tutorcal.auth import repository
from tutorcal.auth.errors import (
    CalendarAccountMismatch,
    ConsentDenied,
    DomainNotAllowed,
    EmailNotVerified,
    FlowNotInThisBrowser,
    GoogleSignInUnavailable,
    InvalidCode,
    InvalidIdToken,
    InvalidState,
)
from tutorcal.auth.models import ApiToken, LoginSession, OAuthFlow, OAuthPurpose
from tutorcal.config import Settings
from tutorcal.core.crypto import CiphertextRefused, new_token, same_secret, token_hash
from tutorcal.core.ids import parse_id
from tutorcal.errors import NotFound
from tutorcal.google.grants import calendar_status, has_live_refresh_token
from tutorcal.google.models import GoogleGrant
from tutorcal.google.oauth import CodeRejected, GoogleUnavailable, IdentityClaims, IdTokenInvalid
from tutorcal.google.scopes import CALENDAR_SCOPES, SIGN_IN_SCOPES, has_calendar_access
from tutorcal.runtime import Runtime
from tutorcal.users.models import PendingRoleGrant, User

logger = logging.getLogger("tutorcal.auth")

FLOW_LIFETIME = timedelta(minutes=10)
SESSION_LIFETIME = timedelta(days=30)
SESSION_IDLE_TIMEOUT = timedelta(days=7)
# last_seen_at is written at most this often, so reads do not turn into writes.
SESSION_TOUCH_INTERVAL = timedelta(minutes=5)
API_TOKEN_PREFIX = "tcl_"  # noqa: S105 - a recognisable prefix for secret scanners, not a secret


def safe_next_path(candidate: str | None) -> str:
    """Only a relative path on this site: no scheme, no host, no ``//host`` or ``/\\host``."""
    if not candidate or not candidate.startswith("/") or candidate.startswith(("//", "/\\")):
        return "/"
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc or any(ch in candidate for ch in "\r\n\t\\"):
        return "/"
    return candidate


class FlowStarted(NamedTuple):
    """Where to send the browser, and the secret that browser must bring back to the callback
    (in the cookie named by ``flow_cookie_suffix(state)``)."""

    authorization_url: str
    state: str
    browser_key: str


def flow_cookie_suffix(state: str) -> str:
    """One cookie per flow, named after its state: two sign-ins started in two tabs do not
    overwrite each other's, and the callback finds its own from the state Google returns."""
    return token_hash(state)[:16]


async def _begin(
    runtime: Runtime,
    *,
    purpose: OAuthPurpose,
    next_path: str | None,
    scopes: list[str],
    login_hint: str | None,
    user: User | None = None,
    offline: bool = False,
    force_consent: bool = False,
) -> FlowStarted:
    state = new_token()
    nonce = new_token()
    browser_key = new_token()
    verifier = secrets.token_urlsafe(64)
    await OAuthFlow.create(
        state_hash=token_hash(state),
        browser_key_hash=token_hash(browser_key),
        nonce=nonce,
        code_verifier_ciphertext=runtime.cipher.seal(token_hash(state), verifier),
        purpose=purpose,
        next_path=safe_next_path(next_path),
        user=user,
        expires_at=runtime.clock.now() + FLOW_LIFETIME,
    )
    try:
        url = await runtime.oauth.authorization_url(
            redirect_uri=runtime.redirect_uri,
            state=state,
            nonce=nonce,
            code_verifier=verifier,
            scopes=scopes,
            login_hint=login_hint,
            offline=offline,
            force_consent=force_consent,
        )
    except GoogleUnavailable as exc:
        raise GoogleSignInUnavailable() from exc
    return FlowStarted(url, state, browser_key)


async def begin_sign_in(
    runtime: Runtime, *, next_path: str | None, login_hint: str | None
) -> FlowStarted:
    """The Google authorization URL for signing in (identity scopes only)."""
    return await _begin(
        runtime,
        purpose=OAuthPurpose.SIGN_IN,
        next_path=next_path,
        scopes=list(SIGN_IN_SCOPES),
        login_hint=login_hint,
    )


async def begin_calendar_connect(
    runtime: Runtime, user: User, *, next_path: str | None
) -> FlowStarted:
    """The Google authorization URL adding calendar access to the same grant.

    ``prompt=consent`` only when no live refresh token is stored: Google keeps at most 100 per
    user and client and silently drops the oldest, so forcing consent each time would churn them.
    """
    grant = await GoogleGrant.get_or_none(user_id=user.id)
    return await _begin(
        runtime,
        purpose=OAuthPurpose.CONNECT_CALENDAR,
        next_path=next_path,
        scopes=[*SIGN_IN_SCOPES, *CALENDAR_SCOPES],
        login_hint=user.email,
        user=user,
        offline=True,
        force_consent=not has_live_refresh_token(grant),
    )


class SignedIn(NamedTuple):
    user: User
    session_token: str
    csrf_token: str
    redirect_to: str
    calendar_connected: bool = False


async def _consume_flow(state: str | None, browser_key: str | None, now: datetime) -> OAuthFlow:
    """Single use even when two instances race on the same state: the UPDATE decides.

    Only in the browser that started the flow: a callback URL someone else's sign-in stopped
    at (login CSRF, https://datatracker.ietf.org/doc/html/rfc6749#section-10.12) has a state
    but not the browser's key, and it leaves the flow unused.
    """
    if not state:
        raise InvalidState()
    if not browser_key:
        raise FlowNotInThisBrowser()
    state_digest = token_hash(state)
    claimed = await OAuthFlow.filter(
        state_hash=state_digest,
        browser_key_hash=token_hash(browser_key),
        consumed_at__isnull=True,
        expires_at__gt=now,
    ).update(consumed_at=now)
    if claimed != 1:
        raise InvalidState()
    return await OAuthFlow.get(state_hash=state_digest)


def _check_domain(settings: Settings, identity: IdentityClaims) -> None:
    if not settings.allowed_email_domains:
        return
    email_domain = identity.email.rsplit("@", 1)[1]
    hosted = (identity.hosted_domain or "").lower()
    # Both must match: `hd` proves a Workspace account, the verified email names the domain.
    if (
        hosted not in settings.allowed_email_domains
        or email_domain not in settings.allowed_email_domains
    ):
        raise DomainNotAllowed()


async def _refuse(reason: str, identity: IdentityClaims | None, error: Exception) -> None:
    await audit.record(
        "sign_in_refused",
        subject_type="user",
        subject_id=identity.sub if identity else "",
        detail={"reason": reason, "email": identity.email if identity else None},
    )
    raise error


async def complete_sign_in(
    runtime: Runtime,
    *,
    state: str | None,
    browser_key: str | None,
    code: str | None,
    error: str | None,
    previous_session_token: str | None,
    user_agent: str,
) -> SignedIn:
    """Finish Google's redirect: check state (in the browser that started it), code and ID
    token, then start a login session."""
    flow = await _consume_flow(state, browser_key, runtime.clock.now())
    if error:
        await _refuse(
            "consent_denied" if error == "access_denied" else error,
            None,
            ConsentDenied()
            if error == "access_denied"
            else InvalidCode(f"Google answered {error}."),
        )
    if not code:
        raise InvalidCode("The callback carries no authorization code.")
    assert state is not None
    try:
        verifier = runtime.cipher.open(token_hash(state), flow.code_verifier_ciphertext)
    except CiphertextRefused as exc:
        raise InvalidState() from exc
    try:
        tokens = await runtime.oauth.exchange_code(
            code=code, code_verifier=verifier, redirect_uri=runtime.redirect_uri
        )
    except CodeRejected as exc:
        raise InvalidCode() from exc
    except GoogleUnavailable as exc:
        raise GoogleSignInUnavailable() from exc
    if not tokens.id_token:
        raise InvalidIdToken("Google's answer carries no ID token.")
    try:
        identity = await runtime.oauth.verify_id_token(tokens.id_token, nonce=flow.nonce)
    except IdTokenInvalid as exc:
        logger.warning("ID token refused: %s", exc)
        await _refuse("invalid_id_token", None, InvalidIdToken())
    except GoogleUnavailable as exc:
        raise GoogleSignInUnavailable() from exc
    if not identity.email_verified:
        await _refuse("email_not_verified", identity, EmailNotVerified())
    try:
        _check_domain(runtime.settings, identity)
    except DomainNotAllowed as exc:
        await _refuse("domain_not_allowed", identity, exc)

    calendar_requested = flow.purpose == OAuthPurpose.CONNECT_CALENDAR
    if calendar_requested:
        requester = await User.get_or_none(id=flow.user_id)
        if requester is None or requester.google_sub != identity.sub:
            await _refuse("calendar_account_mismatch", identity, CalendarAccountMismatch())
    async with in_transaction():
        now = runtime.clock.now()
        user = await _upsert_user(runtime.settings, identity, now)
        grant = await runtime.grants.record_sign_in(
            user, tokens, calendar_requested=calendar_requested
        )
        if previous_session_token:
            # Rotate: whatever session this browser had before ends now.
            await LoginSession.filter(token_hash=token_hash(previous_session_token)).update(
                revoked_at=now
            )
        session_token, csrf_token = await _start_session(user, user_agent, now)
        await audit.record(
            "calendar_connected" if calendar_requested else "sign_in",
            actor_id=str(user.id),
            subject_type="user",
            subject_id=str(user.id),
            detail={"calendar_status": calendar_status(grant).value},
        )

    redirect_to = flow.next_path
    if calendar_requested and not has_calendar_access(grant.granted_scopes):
        redirect_to = _with_query(redirect_to, calendar_error="calendar_scope_missing")
    connected = calendar_requested and calendar_status(grant).value == "connected"
    return SignedIn(user, session_token, csrf_token, redirect_to, connected)


def _with_query(path: str, **params: str) -> str:
    parts = urlsplit(path)
    query = f"{parts.query}&{urlencode(params)}" if parts.query else urlencode(params)
    return urlunsplit(parts._replace(query=query))


async def _upsert_user(settings: Settings, identity: IdentityClaims, now: datetime) -> User:
    user = await User.get_or_none(google_sub=identity.sub)
    if user is None:
        user = User(google_sub=identity.sub, timezone=settings.default_timezone)
    user.email = identity.email
    user.email_verified = identity.email_verified
    user.name = identity.name
    user.picture_url = identity.picture
    user.last_sign_in_at = now
    user.deleted_at = None
    # Configured roles are granted at sign-in, never taken away here: admins manage removals.
    if identity.email in settings.admin_emails:
        user.is_admin = True
    if identity.email in settings.tutor_emails:
        user.is_tutor = True
    pending = await PendingRoleGrant.get_or_none(email=identity.email)
    if pending is not None:
        user.is_admin = user.is_admin or pending.is_admin
        user.is_tutor = user.is_tutor or pending.is_tutor
        await pending.delete()
    await user.save()
    return user


async def _start_session(user: User, user_agent: str, now: datetime) -> tuple[str, str]:
    session_token = new_token()
    csrf_token = new_token()
    await LoginSession.create(
        token_hash=token_hash(session_token),
        csrf_token_hash=token_hash(csrf_token),
        user=user,
        last_seen_at=now,
        expires_at=now + SESSION_LIFETIME,
        user_agent=user_agent[:512],
    )
    return session_token, csrf_token


class Authenticated(NamedTuple):
    user: User
    session: LoginSession | None
    api_token: ApiToken | None


async def authenticate_session(session_token: str, now: datetime) -> Authenticated | None:
    session = await repository.live_session(
        token_hash(session_token), now=now, idle_since=now - SESSION_IDLE_TIMEOUT
    )
    if session is None:
        return None
    if now - session.last_seen_at > SESSION_TOUCH_INTERVAL:
        await LoginSession.filter(id=session.id).update(last_seen_at=now)
    return Authenticated(session.user, session, None)


def csrf_matches(session: LoginSession, presented: str | None) -> bool:
    return bool(presented) and same_secret(session.csrf_token_hash, token_hash(presented or ""))


async def authenticate_api_token(token: str, now: datetime) -> Authenticated | None:
    api_token = await repository.live_api_token(token_hash(token))
    if api_token is None:
        return None
    if api_token.last_used_at is None or now - api_token.last_used_at > SESSION_TOUCH_INTERVAL:
        await ApiToken.filter(id=api_token.id).update(last_used_at=now)
    return Authenticated(api_token.user, None, api_token)


async def logout(session: LoginSession, now: datetime) -> None:
    """Ends the session for every instance: they all read the same row."""
    await LoginSession.filter(id=session.id).update(revoked_at=now)


async def create_api_token(user: User, name: str) -> tuple[ApiToken, str]:
    token = new_token(API_TOKEN_PREFIX)
    api_token = await ApiToken.create(user=user, name=name, token_hash=token_hash(token))
    await audit.record(
        "api_token_created",
        actor_id=str(user.id),
        subject_type="api_token",
        subject_id=str(api_token.id),
        detail={"name": name},
    )
    return api_token, token


async def list_api_tokens(user: User) -> list[ApiToken]:
    return await ApiToken.filter(user=user, revoked_at__isnull=True).order_by("-created_at")


async def revoke_api_token(user: User, token_id: str, now: datetime) -> None:
    """Raises NotFound for someone else's token exactly as for a missing one."""
    revoked = await ApiToken.filter(
        id=parse_id(token_id), user=user, revoked_at__isnull=True
    ).update(revoked_at=now)
    if revoked != 1:
        raise NotFound("There is no such API token.")
    await audit.record(
        "api_token_revoked", actor_id=str(user.id), subject_type="api_token", subject_id=token_id
    )
