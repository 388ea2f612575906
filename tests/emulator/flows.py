"""The steps of Google's web-server flow, as a relying party takes them, for the tests."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx2
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jws, jwt
from joserfc.jwk import KeySet

from tutorcal.emulator.demo import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

CALLBACK = "http://127.0.0.1:8000/api/v1/auth/google/callback"
OTHER_CALLBACK = "http://localhost:8000/api/v1/auth/google/callback"
SAM = "sam@demo.tutorcal.test"
TARA = "tara@demo.tutorcal.test"
CALENDAR = "https://www.googleapis.com/auth/calendar"
USERINFO_EMAIL = "https://www.googleapis.com/auth/userinfo.email"
USERINFO_PROFILE = "https://www.googleapis.com/auth/userinfo.profile"
SIGN_IN_SCOPES = f"openid {USERINFO_EMAIL} {USERINFO_PROFILE}"
EXPIRED_OR_REVOKED = {
    "error": "invalid_grant",
    "error_description": "Token has been expired or revoked.",
}


@dataclass(frozen=True)
class Pkce:
    verifier: str
    challenge: str


def new_pkce() -> Pkce:
    verifier = secrets.token_urlsafe(48)
    return Pkce(verifier, create_s256_code_challenge(verifier))


@dataclass(frozen=True)
class SignIn:
    """What the relying party keeps between the redirect to Google and the callback."""

    pkce: Pkce
    nonce: str
    state: str
    redirect: dict[str, str]

    @property
    def code(self) -> str:
        return self.redirect["code"]


def authorize(http: httpx2.Client, **params: str) -> httpx2.Response:
    query = {
        "client_id": DEMO_CLIENT_ID,
        "redirect_uri": CALLBACK,
        "response_type": "code",
        "scope": "openid email profile",
        "state": secrets.token_urlsafe(16),
        **params,
    }
    return http.get("/o/oauth2/v2/auth", params=query)


def redirect_params(response: httpx2.Response, to: str = CALLBACK) -> dict[str, str]:
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    assert location.split("?")[0] == to
    return dict(parse_qsl(urlsplit(location).query, keep_blank_values=True))


def sign_in(http: httpx2.Client, email: str = SAM, **params: str) -> SignIn:
    """Authorization with PKCE S256 and a nonce, approved at once through ``login_hint``."""
    pkce, nonce, state = new_pkce(), secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    response = authorize(
        http,
        login_hint=email,
        state=state,
        nonce=nonce,
        code_challenge=pkce.challenge,
        code_challenge_method="S256",
        **params,
    )
    return SignIn(pkce, nonce, state, redirect_params(response))


def exchange(http: httpx2.Client, signed_in: SignIn, **overrides: str) -> httpx2.Response:
    form = {
        "grant_type": "authorization_code",
        "code": signed_in.code,
        "code_verifier": signed_in.pkce.verifier,
        "redirect_uri": CALLBACK,
        "client_id": DEMO_CLIENT_ID,
        "client_secret": DEMO_CLIENT_SECRET,
        **overrides,
    }
    return http.post("/token", data={key: value for key, value in form.items() if value})


def tokens_for(http: httpx2.Client, email: str = SAM, **params: str) -> dict[str, Any]:
    response = exchange(http, sign_in(http, email, **params))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def refresh(http: httpx2.Client, refresh_token: str) -> httpx2.Response:
    return http.post(
        "/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": DEMO_CLIENT_ID,
            "client_secret": DEMO_CLIENT_SECRET,
        },
    )


def userinfo(http: httpx2.Client, access_token: str) -> httpx2.Response:
    return http.get("/v1/userinfo", headers={"Authorization": f"Bearer {access_token}"})


def revoke(http: httpx2.Client, token: str) -> httpx2.Response:
    return http.post("/revoke", data={"token": token})


def key_set(http: httpx2.Client) -> KeySet:
    return KeySet.import_key_set(http.get("/oauth2/v3/certs").json())


def verified_claims(
    http: httpx2.Client, id_token: str, *, issuer: str, nonce: str | None = None
) -> dict[str, Any]:
    """What a careful relying party checks: signature against the JWKS, iss, aud, exp, nonce."""
    decoded = jwt.decode(id_token, key_set(http), algorithms=["RS256"])
    checks: dict[str, Any] = {
        "iss": {"essential": True, "value": issuer},
        "aud": {"essential": True, "value": DEMO_CLIENT_ID},
        "exp": {"essential": True},
        "sub": {"essential": True},
    }
    if nonce is not None:
        checks["nonce"] = {"essential": True, "value": nonce}
    jwt.JWTClaimsRegistry(**checks).validate(decoded.claims)
    claims: dict[str, Any] = decoded.claims
    return claims


def unverified_claims(id_token: str) -> dict[str, Any]:
    claims: dict[str, Any] = json.loads(jws.extract_compact(id_token.encode()).payload)
    return claims
