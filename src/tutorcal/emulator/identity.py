"""Google's OAuth 2.0 and OpenID Connect paths, on one host as if accounts.google.com,
oauth2.googleapis.com, openidconnect.googleapis.com and www.googleapis.com were one.

Parameters are read from the raw query or form rather than declared, so that a bad request
gets Google's error words, not FastAPI's validation document.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from tutorcal.emulator import authorize, grants
from tutorcal.emulator.authorize import AuthorizationPageError
from tutorcal.emulator.dependencies import BaseUrl, State
from tutorcal.emulator.grants import OAuthError
from tutorcal.emulator.pages import chooser_page, error_page

router = APIRouter(tags=["Google identity"])

AUTHORIZE_PATH = "/o/oauth2/v2/auth"
APPROVE_PATH = "/o/oauth2/v2/auth/approve"
# Token answers must not be cached by anything in between (RFC 6749 §5.1).
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


@router.get("/.well-known/openid-configuration")
async def discovery(base_url: BaseUrl) -> dict[str, Any]:
    # Google's document, less what the emulator does not implement (device flow, implicit
    # and hybrid response types, JWT bearer grants), so no client is tempted to use them.
    return {
        "issuer": base_url,
        "authorization_endpoint": f"{base_url}{AUTHORIZE_PATH}",
        "token_endpoint": f"{base_url}/token",
        "userinfo_endpoint": f"{base_url}/v1/userinfo",
        "revocation_endpoint": f"{base_url}/revoke",
        "jwks_uri": f"{base_url}/oauth2/v3/certs",
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "email", "profile"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "claims_supported": [
            "aud",
            "email",
            "email_verified",
            "exp",
            "family_name",
            "given_name",
            "iat",
            "iss",
            "name",
            "picture",
            "sub",
        ],
        "code_challenge_methods_supported": ["plain", "S256"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
    }


@router.get(AUTHORIZE_PATH, response_class=HTMLResponse)
async def authorization(request: Request, state: State, base_url: BaseUrl) -> Response:
    try:
        auth_request = authorize.parse_request(state, request.query_params)
    except AuthorizationPageError as exc:
        return _error_page(exc)
    user = authorize.hinted_user(state, auth_request)
    if user is not None:
        return _redirect(authorize.approve(state, auth_request, user))
    pending_id = state.tokens.remember_pending(auth_request, state.clock.now())
    return HTMLResponse(
        chooser_page(
            client_id=auth_request.client_id,
            pending_id=pending_id,
            approve_url=f"{base_url}{APPROVE_PATH}",
            users=authorize.choosable_users(state, auth_request),
        ),
        headers={"Cache-Control": "no-store"},
    )


@router.post(APPROVE_PATH, response_class=HTMLResponse)
async def approval(request: Request, state: State) -> Response:
    """The chooser's answer. The original request was kept here, keyed by a random one-time id,
    so the browser can pick an account but cannot alter what was asked."""
    form = await _form(request)
    auth_request = state.tokens.take_pending(form.get("pending", ""), state.clock.now())
    if auth_request is None:
        return _error_page(
            AuthorizationPageError(
                400, "invalid_request", "This sign-in page has expired or was already used."
            )
        )
    if form.get("decision") == "deny":
        return _redirect(authorize.deny(auth_request))
    user = state.find_user(form.get("email", ""))
    if user is None:
        return _error_page(AuthorizationPageError(400, "invalid_request", "Unknown account."))
    return _redirect(authorize.approve(state, auth_request, user))


@router.post("/token")
async def token(request: Request, state: State, base_url: BaseUrl) -> JSONResponse:
    form = await _form(request)
    try:
        body = grants.token_response(
            state, form, request.headers.get("authorization"), issuer=base_url
        )
    except OAuthError as exc:
        return _oauth_error(exc)
    return JSONResponse(body, headers=_NO_STORE)


@router.get("/oauth2/v3/certs")
async def certs(state: State) -> JSONResponse:
    # Google caches its JWKS for hours; a short max-age keeps clients honest about refetching
    # on an unknown kid without making rotation tests wait.
    state.stats.jwks_requests += 1
    return JSONResponse(state.keys.jwks(), headers={"Cache-Control": "public, max-age=300"})


@router.get("/v1/userinfo")
@router.get("/oauth2/v3/userinfo")
async def userinfo(request: Request, state: State, base_url: BaseUrl) -> JSONResponse:
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    token = credentials.strip() if scheme.lower() == "bearer" else None
    token = token or request.query_params.get("access_token")
    try:
        return JSONResponse(grants.userinfo_response(state, token, base_url))
    except OAuthError as exc:
        return _oauth_error(exc)


@router.post("/revoke")
async def revoke(request: Request, state: State) -> JSONResponse:
    form = await _form(request)
    token = form.get("token") or request.query_params.get("token", "")
    try:
        grants.revoke(state, token)
    except OAuthError as exc:
        return _oauth_error(exc)
    return JSONResponse({})


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=302, headers={"Cache-Control": "no-store"})


def _error_page(exc: AuthorizationPageError) -> HTMLResponse:
    return HTMLResponse(
        error_page(status=exc.status, error=exc.error, detail=exc.detail), status_code=exc.status
    )


def _oauth_error(exc: OAuthError) -> JSONResponse:
    return JSONResponse(exc.body(), status_code=exc.status, headers={**_NO_STORE, **exc.headers})
