"""Google-signed ID tokens from the emulator, as Cloud Scheduler's service account carries them."""

from __future__ import annotations

from tests.conftest import APP_URL
from tests.support.emulator import TEST_CLIENT_ID, TEST_CLIENT_SECRET, EmulatorServer, query_of
from tutorcal.google.oauth import code_challenge_for


def scheduler_id_token(emulator: EmulatorServer, email: str) -> str:
    """A Google-signed ID token for ``email``, as Cloud Scheduler's service account would carry."""
    emulator.add_user(email)
    verifier = "v" * 64
    callback = f"{APP_URL}/api/v1/auth/google/callback"
    authorized = emulator.http.get(
        "/o/oauth2/v2/auth",
        params={
            "client_id": TEST_CLIENT_ID,
            "redirect_uri": callback,
            "response_type": "code",
            "scope": "openid email",
            "state": "s",
            "nonce": "n",
            "login_hint": email,
            "code_challenge": code_challenge_for(verifier),
            "code_challenge_method": "S256",
        },
    )
    code = query_of(authorized.headers["location"])["code"]
    tokens = emulator.http.post(
        "/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "code_verifier": verifier,
            "redirect_uri": callback,
            "client_id": TEST_CLIENT_ID,
            "client_secret": TEST_CLIENT_SECRET,
        },
    ).json()
    return str(tokens["id_token"])
