"""The authorization endpoint's decisions: is the request acceptable, who signs in, and where
the browser goes next. No HTTP here; ``identity.py`` turns these into pages and redirects."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from tutorcal.emulator.models import AuthorizationRequest, User
from tutorcal.emulator.scopes import as_string, normalize, parse
from tutorcal.emulator.state import EmulatorState

_PROMPTS = frozenset({"none", "consent", "select_account"})


class AuthorizationPageError(Exception):
    """Shown to the person in the browser and never sent to the redirect URI: like Google, we
    do not redirect to an address we could not validate."""

    def __init__(self, status: int, error: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.error = error
        self.detail = detail


def parse_request(state: EmulatorState, params: Mapping[str, str]) -> AuthorizationRequest:
    """Client and redirect URI first, exactly as registered; then the other parameters."""
    client_id = params.get("client_id", "")
    if not client_id:
        raise AuthorizationPageError(
            400, "invalid_request", "Missing required parameter: client_id"
        )
    client = state.clients.get(client_id)
    if client is None:
        raise AuthorizationPageError(401, "invalid_client", "The OAuth client was not found.")
    redirect_uri = params.get("redirect_uri", "")
    if redirect_uri not in client.redirect_uris:
        raise AuthorizationPageError(
            400,
            "redirect_uri_mismatch",
            "You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 "
            f"policy. Request details: redirect_uri={redirect_uri}",
        )
    if params.get("response_type") != "code":
        raise AuthorizationPageError(
            400, "invalid_request", "Only response_type=code is supported by the emulator."
        )
    scopes = parse(params.get("scope"))
    if not scopes:
        raise AuthorizationPageError(400, "invalid_request", "Missing required parameter: scope")
    access_type = params.get("access_type") or "online"
    if access_type not in ("online", "offline"):
        raise AuthorizationPageError(400, "invalid_request", f"Invalid access_type: {access_type}")
    prompt = frozenset(params.get("prompt", "").split())
    if not prompt <= _PROMPTS:
        raise AuthorizationPageError(400, "invalid_request", "Invalid prompt: " + " ".join(prompt))
    return AuthorizationRequest(
        client_id=client_id,
        redirect_uri=redirect_uri,
        scopes=scopes,
        state=params.get("state"),
        nonce=params.get("nonce"),
        code_challenge=params.get("code_challenge") or None,
        code_challenge_method=_challenge_method(params),
        login_hint=params.get("login_hint") or None,
        prompt=prompt,
        is_offline=access_type == "offline",
        include_granted_scopes=params.get("include_granted_scopes", "").lower() == "true",
        hd=params.get("hd") or None,
    )


def _challenge_method(params: Mapping[str, str]) -> Literal["plain", "S256"]:
    # RFC 7636 §4.3: "plain" when a challenge comes without a method.
    method = params.get("code_challenge_method") or "plain"
    if method == "S256":
        return "S256"
    if method == "plain":
        return "plain"
    raise AuthorizationPageError(400, "invalid_request", f"Invalid code_challenge_method: {method}")


def hinted_user(state: EmulatorState, request: AuthorizationRequest) -> User | None:
    """A known ``login_hint`` signs in at once, so scripts and tests need no browser."""
    return state.find_user(request.login_hint) if request.login_hint else None


def choosable_users(state: EmulatorState, request: AuthorizationRequest) -> list[User]:
    """The accounts on the chooser, in the order they were added (the demo seed lists the admin,
    then tutors, then students); ``hd`` narrows it as Google's does (``*``: any Workspace)."""
    users = list(state.users.values())
    if request.hd == "*":
        return [user for user in users if user.hd]
    if request.hd:
        return [user for user in users if user.hd == request.hd]
    return users


def approve(state: EmulatorState, request: AuthorizationRequest, user: User) -> str:
    """The redirect that ends the authorization: a code, or ``access_denied`` if so instructed."""
    state.stats.authorizations += 1
    instruction = state.take_consent_instruction(user.email)
    if instruction is not None and instruction.outcome == "deny":
        return deny(request)
    scopes = request.scopes
    if request.include_granted_scopes:
        previously = state.tokens.granted_scopes.get((user.email, request.client_id), ())
        scopes = normalize((*scopes, *previously))
    if instruction is not None and instruction.outcome == "drop_scopes":
        # Granular consent: the user unticked these boxes (FACTS.md SEC-G-3).
        dropped = set(normalize(instruction.scopes))
        scopes = tuple(scope for scope in scopes if scope not in dropped)
    code = state.tokens.issue_code(request, user.email, scopes, state.clock.now())
    params = _with_state(request, {"code": code.code})
    params.update({"scope": as_string(scopes), "authuser": "0"})
    if user.hd:
        params["hd"] = user.hd
    params["prompt"] = "consent"
    return _redirect_to(request.redirect_uri, params)


def deny(request: AuthorizationRequest) -> str:
    return _redirect_to(request.redirect_uri, {"error": "access_denied", **_with_state(request)})


def _with_state(
    request: AuthorizationRequest, params: dict[str, str] | None = None
) -> dict[str, str]:
    # Google puts state first; order matters to no one, but it reads the same in logs.
    ordered = {"state": request.state} if request.state is not None else {}
    return {**ordered, **(params or {})}


def _redirect_to(redirect_uri: str, params: dict[str, str]) -> str:
    # A registered redirect URI may carry its own query, which must survive.
    parts = urlsplit(redirect_uri)
    query = urlencode([*parse_qsl(parts.query, keep_blank_values=True), *params.items()])
    return urlunsplit(parts._replace(query=query))
