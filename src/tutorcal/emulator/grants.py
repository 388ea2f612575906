"""The token, userinfo and revocation endpoints' decisions, in Google's error vocabulary."""

from __future__ import annotations

import base64
import binascii
import secrets
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote_plus

from authlib.oauth2.rfc7636 import create_s256_code_challenge

from tutorcal.emulator.id_tokens import issue_id_token, userinfo
from tutorcal.emulator.models import AuthorizationCode, OAuthClient, User
from tutorcal.emulator.scopes import as_string
from tutorcal.emulator.state import EmulatorState
from tutorcal.emulator.tokens import ACCESS_TOKEN_SECONDS

EXPIRED_OR_REVOKED = "Token has been expired or revoked."


class OAuthError(Exception):
    """An error answer as Google words it: ``{"error": ..., "error_description": ...}``."""

    def __init__(
        self,
        status: int,
        error: str,
        description: str,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(f"{error}: {description}")
        self.status = status
        self.error = error
        self.description = description
        self.headers = dict(headers or {})

    def body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


def token_response(
    state: EmulatorState, form: Mapping[str, str], authorization: str | None, issuer: str
) -> dict[str, Any]:
    grant_type = form.get("grant_type", "")
    if grant_type in state.stats.token_requests:
        state.stats.token_requests[grant_type] += 1
    client = _authenticate_client(state, form, authorization)
    if grant_type == "authorization_code":
        return _exchange_code(state, client, form, issuer)
    if grant_type == "refresh_token":
        return _refresh(state, client, form, issuer)
    raise OAuthError(400, "unsupported_grant_type", f"Invalid grant_type: {grant_type}")


def _authenticate_client(
    state: EmulatorState, form: Mapping[str, str], authorization: str | None
) -> OAuthClient:
    """client_secret_basic or client_secret_post, as the discovery document promises."""
    client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
    if authorization and authorization[:6].lower() == "basic ":
        try:
            decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise OAuthError(401, "invalid_client", "Unauthorized") from exc
        basic_id, _, basic_secret = decoded.partition(":")
        # RFC 6749 §2.3.1: both halves are form-urlencoded before joining.
        basic_id, basic_secret = unquote_plus(basic_id), unquote_plus(basic_secret)
        if client_id and client_id != basic_id:
            raise OAuthError(401, "invalid_client", "Unauthorized")
        client_id, secret = basic_id, basic_secret
    client = state.clients.get(client_id)
    if client is None:
        raise OAuthError(401, "invalid_client", "The OAuth client was not found.")
    if not secrets.compare_digest(secret.encode(), client.client_secret.encode()):
        raise OAuthError(401, "invalid_client", "Unauthorized")
    return client


def _exchange_code(
    state: EmulatorState, client: OAuthClient, form: Mapping[str, str], issuer: str
) -> dict[str, Any]:
    code = state.tokens.codes.get(form.get("code", ""))
    if code is None:
        raise OAuthError(400, "invalid_grant", "Bad Request")
    if code.lineage_id is not None:
        # RFC 6749 §4.1.2: a code used twice revokes what its first use produced.
        state.tokens.revoke_lineage(code.lineage_id)
        raise OAuthError(400, "invalid_grant", "Bad Request")
    if code.request.client_id != client.client_id or state.clock.now() >= code.expires_at:
        raise OAuthError(400, "invalid_grant", "Bad Request")
    if form.get("redirect_uri") != code.request.redirect_uri:
        raise OAuthError(400, "redirect_uri_mismatch", "Bad Request")
    _check_code_verifier(code, form.get("code_verifier"))
    user = _user_or_revoked(state, code.user_email)

    code.lineage_id = secrets.token_urlsafe(16)
    now = state.clock.now()
    access = state.tokens.issue_access_token(
        code.lineage_id, user.email, client.client_id, code.scopes, now
    )
    body: dict[str, Any] = {"access_token": access.token, "expires_in": ACCESS_TOKEN_SECONDS}
    if code.issues_refresh_token:
        refresh = state.tokens.issue_refresh_token(
            code.lineage_id, user.email, client.client_id, code.scopes, now
        )
        body["refresh_token"] = refresh.token
    body["scope"] = as_string(code.scopes)
    body["token_type"] = "Bearer"  # noqa: S105 - a token type, not a secret
    id_token = issue_id_token(
        state,
        issuer=issuer,
        user=user,
        client_id=client.client_id,
        scopes=code.scopes,
        access_token=access.token,
        nonce=code.request.nonce,
    )
    if id_token is not None:
        body["id_token"] = id_token
    return body


def _check_code_verifier(code: AuthorizationCode, verifier: str | None) -> None:
    challenge = code.request.code_challenge
    if challenge is None:
        return
    if not verifier:
        raise OAuthError(400, "invalid_grant", "Missing code verifier.")
    expected = (
        create_s256_code_challenge(verifier)
        if code.request.code_challenge_method == "S256"
        else verifier
    )
    if not secrets.compare_digest(expected.encode(), challenge.encode()):
        raise OAuthError(400, "invalid_grant", "Invalid code verifier.")


def _refresh(
    state: EmulatorState, client: OAuthClient, form: Mapping[str, str], issuer: str
) -> dict[str, Any]:
    refresh = state.tokens.refresh_tokens.get(form.get("refresh_token", ""))
    if refresh is None or not refresh.is_live:
        raise OAuthError(400, "invalid_grant", EXPIRED_OR_REVOKED)
    if refresh.client_id != client.client_id:
        raise OAuthError(400, "unauthorized_client", "Unauthorized")
    user = _user_or_revoked(state, refresh.user_email)
    access = state.tokens.issue_access_token(
        refresh.lineage_id, user.email, client.client_id, refresh.scopes, state.clock.now()
    )
    # Google does not rotate refresh tokens: the answer carries none (FACTS.md SEC-G-8).
    body: dict[str, Any] = {
        "access_token": access.token,
        "expires_in": ACCESS_TOKEN_SECONDS,
        "scope": as_string(refresh.scopes),
        "token_type": "Bearer",
    }
    id_token = issue_id_token(
        state,
        issuer=issuer,
        user=user,
        client_id=client.client_id,
        scopes=refresh.scopes,
        access_token=access.token,
        nonce=None,
    )
    if id_token is not None:
        body["id_token"] = id_token
    return body


def _user_or_revoked(state: EmulatorState, email: str) -> User:
    user = state.users.get(email)
    if user is None:
        raise OAuthError(400, "invalid_grant", EXPIRED_OR_REVOKED)
    return user


def revoke(state: EmulatorState, token: str) -> None:
    """Either kind of token ends the user's whole grant to that client, as at Google."""
    state.stats.revocations += 1
    refresh = state.tokens.refresh_tokens.get(token)
    access = state.tokens.access_tokens.get(token)
    if refresh is not None and refresh.is_live:
        state.tokens.revoke_grant(refresh.user_email, refresh.client_id)
    elif access is not None and access.is_live(state.clock.now()):
        state.tokens.revoke_grant(access.user_email, access.client_id)
    else:
        raise OAuthError(400, "invalid_token", "Token expired or revoked")


def userinfo_response(state: EmulatorState, token: str | None, issuer: str) -> dict[str, Any]:
    state.stats.userinfo_requests += 1
    found = state.authenticate_access_token(token) if token else None
    if found is None:
        raise OAuthError(
            401,
            "invalid_request",
            "Invalid Credentials",
            headers={"WWW-Authenticate": f'Bearer realm="{issuer}/", error="invalid_token"'},
        )
    user, scopes = found
    return userinfo(user, scopes)
