"""The control API: consent outcomes, forged ID tokens, keys, accounts, stats and reset."""

from __future__ import annotations

from typing import Any

import pytest
from joserfc import jwt
from joserfc.errors import (
    BadSignatureError,
    ExpiredTokenError,
    InvalidClaimError,
    InvalidKeyIdError,
    MissingClaimError,
)

from tutorcal.emulator.demo import DEMO_CLIENT_ID

from .conftest import Emulator
from .flows import (
    CALENDAR,
    CALLBACK,
    SAM,
    SIGN_IN_SCOPES,
    TARA,
    authorize,
    exchange,
    key_set,
    redirect_params,
    refresh,
    revoke,
    sign_in,
    tokens_for,
    unverified_claims,
    userinfo,
    verified_claims,
)


def test_drop_scopes_leaves_them_out_of_the_redirect_and_the_token_response(
    emulator: Emulator,
) -> None:
    emulator.http.post(
        "/_emulator/next-consent",
        json={"email": TARA, "outcome": "drop_scopes", "scopes": [CALENDAR]},
    ).raise_for_status()

    signed_in = sign_in(emulator.http, TARA, scope=f"openid email {CALENDAR}")
    body = exchange(emulator.http, signed_in).json()

    assert CALENDAR not in signed_in.redirect["scope"].split()
    assert CALENDAR not in body["scope"].split()
    assert "openid" in body["scope"].split()


def test_deny_redirects_with_access_denied_and_the_state(emulator: Emulator) -> None:
    emulator.http.post("/_emulator/next-consent", json={"outcome": "deny"}).raise_for_status()

    response = authorize(emulator.http, login_hint=SAM, state="keep-me")

    assert redirect_params(response) == {"error": "access_denied", "state": "keep-me"}


def test_a_consent_instruction_applies_once(emulator: Emulator) -> None:
    emulator.http.post("/_emulator/next-consent", json={"outcome": "deny"}).raise_for_status()

    denied = redirect_params(authorize(emulator.http, login_hint=SAM))
    allowed = redirect_params(authorize(emulator.http, login_hint=SAM))

    assert denied["error"] == "access_denied"
    assert "code" in allowed


def test_a_consent_instruction_for_one_user_waits_for_that_user(emulator: Emulator) -> None:
    emulator.http.post(
        "/_emulator/next-consent", json={"email": TARA, "outcome": "deny"}
    ).raise_for_status()

    sam = redirect_params(authorize(emulator.http, login_hint=SAM))
    tara = redirect_params(authorize(emulator.http, login_hint=TARA))

    assert "code" in sam
    assert tara["error"] == "access_denied"


def test_next_id_token_claim_overrides_replace_add_and_remove_claims(emulator: Emulator) -> None:
    emulator.http.post(
        "/_emulator/next-id-token",
        json={"claims": {"email_verified": False, "aud": "someone-else", "hd": None, "x": 1}},
    ).raise_for_status()

    body = tokens_for(emulator.http, SAM)

    claims = unverified_claims(body["id_token"])
    assert claims["email_verified"] is False
    assert claims["aud"] == "someone-else"
    assert "hd" not in claims
    assert claims["x"] == 1
    with pytest.raises(InvalidClaimError):
        verified_claims(emulator.http, body["id_token"], issuer=emulator.base_url)


@pytest.mark.parametrize(
    ("claims", "error"),
    [
        ({"nonce": "not-the-one-sent"}, InvalidClaimError),
        ({"iss": "https://accounts.google.com"}, InvalidClaimError),
        ({"aud": "another-client.apps.googleusercontent.com"}, InvalidClaimError),
        ({"exp": 1_000_000_000}, ExpiredTokenError),
        ({"sub": None}, MissingClaimError),
    ],
)
def test_a_forged_claim_fails_a_careful_relying_partys_checks(
    emulator: Emulator, claims: dict[str, Any], error: type[Exception]
) -> None:
    emulator.http.post("/_emulator/next-id-token", json={"claims": claims}).raise_for_status()
    signed_in = sign_in(emulator.http)

    id_token = exchange(emulator.http, signed_in).json()["id_token"]

    with pytest.raises(error):
        verified_claims(emulator.http, id_token, issuer=emulator.base_url, nonce=signed_in.nonce)


def test_an_invalid_signature_fails_against_the_published_key_of_its_kid(
    emulator: Emulator,
) -> None:
    emulator.http.post("/_emulator/next-id-token", json={"signature": "invalid"}).raise_for_status()

    id_token = tokens_for(emulator.http, SAM)["id_token"]

    with pytest.raises(BadSignatureError):
        jwt.decode(id_token, key_set(emulator.http), algorithms=["RS256"])


def test_an_unknown_key_signature_names_a_kid_absent_from_the_jwks(emulator: Emulator) -> None:
    emulator.http.post(
        "/_emulator/next-id-token", json={"signature": "unknown_key"}
    ).raise_for_status()

    id_token = tokens_for(emulator.http, SAM)["id_token"]

    with pytest.raises(InvalidKeyIdError):
        jwt.decode(id_token, key_set(emulator.http), algorithms=["RS256"])


def test_a_forged_id_token_is_forged_once_and_the_next_one_is_genuine(emulator: Emulator) -> None:
    emulator.http.post("/_emulator/next-id-token", json={"signature": "invalid"}).raise_for_status()
    tokens_for(emulator.http, SAM)

    body = tokens_for(emulator.http, SAM)

    assert (
        verified_claims(emulator.http, body["id_token"], issuer=emulator.base_url)["email"] == SAM
    )


def test_key_rotation_changes_the_kid_and_drops_the_old_key_from_the_jwks(
    emulator: Emulator,
) -> None:
    before = emulator.http.get("/oauth2/v3/certs").json()

    rotated = emulator.http.post("/_emulator/keys/rotate").json()
    after = emulator.http.get("/oauth2/v3/certs").json()
    id_token = tokens_for(emulator.http, SAM)["id_token"]

    assert [key["kid"] for key in before["keys"]] != [rotated["kid"]]
    assert [key["kid"] for key in after["keys"]] == [rotated["kid"]]
    assert after["keys"][0]["kty"] == "RSA"
    assert after["keys"][0]["alg"] == "RS256"
    assert after["keys"][0]["use"] == "sig"
    assert "d" not in after["keys"][0]
    assert jwt.decode(id_token, key_set(emulator.http)).header["kid"] == rotated["kid"]


def test_key_rotation_with_keep_old_publishes_both_keys(emulator: Emulator) -> None:
    old_kid = emulator.http.get("/_emulator/keys").json()["kid"]

    rotated = emulator.http.post("/_emulator/keys/rotate", json={"keep_old": True}).json()

    assert rotated["published_kids"] == [rotated["kid"], old_kid]


def test_stats_count_token_requests_revocations_userinfo_and_jwks_calls(
    emulator: Emulator,
) -> None:
    body = tokens_for(emulator.http, TARA, access_type="offline")
    refresh(emulator.http, body["refresh_token"])
    refresh(emulator.http, "1//unknown")
    userinfo(emulator.http, body["access_token"])
    revoke(emulator.http, body["refresh_token"])
    emulator.http.get("/oauth2/v3/certs")

    stats = emulator.http.get("/_emulator/stats").json()

    assert stats == {
        "token_requests": {"authorization_code": 1, "refresh_token": 2},
        "authorizations": 1,
        "revocations": 1,
        "userinfo_requests": 1,
        "jwks_requests": 1,
        "calendar_requests": {},
        "calendar_answers": {},
    }


def test_reset_forgets_tokens_added_users_and_rotated_keys_but_keeps_the_seed(
    emulator: Emulator,
) -> None:
    seeded_kid = emulator.http.get("/_emulator/keys").json()["kid"]
    body = tokens_for(emulator.http, TARA, access_type="offline")
    emulator.http.post("/_emulator/users", json={"email": "new@x.test", "name": "New Person"})
    emulator.http.post("/_emulator/keys/rotate")

    emulator.http.post("/_emulator/reset").raise_for_status()

    emails = [user["email"] for user in emulator.http.get("/_emulator/users").json()]
    assert "new@x.test" not in emails
    assert len(emails) == 6
    assert refresh(emulator.http, body["refresh_token"]).status_code == 400
    assert emulator.http.get("/_emulator/keys").json()["kid"] == seeded_kid
    assert emulator.http.get("/_emulator/stats").json()["token_requests"]["authorization_code"] == 0


def test_an_added_user_gets_a_google_style_sub_and_can_sign_in(emulator: Emulator) -> None:
    created = emulator.http.post(
        "/_emulator/users",
        json={"email": "Ada@School.Example", "name": "Ada Lovelace", "hd": "school.example"},
    )

    body = tokens_for(emulator.http, "ada@school.example")

    assert created.status_code == 201
    assert created.json()["email"] == "ada@school.example"
    assert created.json()["sub"].isdigit()
    claims = verified_claims(emulator.http, body["id_token"], issuer=emulator.base_url)
    assert claims["sub"] == created.json()["sub"]
    assert claims["hd"] == "school.example"


def test_an_added_user_may_bring_their_own_sub_and_unverified_email(emulator: Emulator) -> None:
    emulator.http.post(
        "/_emulator/users",
        json={"email": "eve@gmail.test", "name": "Eve", "sub": "42", "email_verified": False},
    ).raise_for_status()

    claims = unverified_claims(tokens_for(emulator.http, "eve@gmail.test")["id_token"])

    assert claims["sub"] == "42"
    assert claims["email_verified"] is False
    assert "hd" not in claims
    assert "family_name" not in claims


def test_a_client_registered_at_run_time_can_complete_the_flow(emulator: Emulator) -> None:
    emulator.http.post(
        "/_emulator/clients",
        json={"client_id": "other", "client_secret": "s3", "redirect_uris": [CALLBACK]},
    ).raise_for_status()
    signed_in = sign_in(emulator.http, client_id="other")

    response = exchange(emulator.http, signed_in, client_id="other", client_secret="s3")

    assert response.status_code == 200
    assert unverified_claims(response.json()["id_token"])["aud"] == "other"
    assert response.json()["scope"].split() == sorted(SIGN_IN_SCOPES.split())


def test_the_demo_client_is_seeded(emulator: Emulator) -> None:
    response = authorize(emulator.http, client_id=DEMO_CLIENT_ID, login_hint=SAM)

    assert response.status_code == 302


def test_a_bad_control_body_is_a_422_with_a_message(emulator: Emulator) -> None:
    response = emulator.http.post(
        "/_emulator/next-consent", json={"outcome": "drop_scopes", "scopes": []}
    )

    assert response.status_code == 422
    assert response.json()["error"] == "validation_failed"
    assert "drop_scopes needs the scopes to drop" in response.json()["message"]


def test_a_misspelt_control_field_is_refused(emulator: Emulator) -> None:
    response = emulator.http.post(
        "/_emulator/users", json={"email": "a@b.test", "name": "A", "verified": False}
    )

    assert response.status_code == 422
    assert "verified" in response.json()["message"]


def test_an_instruction_for_an_unknown_user_is_a_404(emulator: Emulator) -> None:
    response = emulator.http.post(
        "/_emulator/next-id-token", json={"email": "ghost@x.test", "signature": "invalid"}
    )

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert "ghost@x.test" in response.json()["message"]


def test_revoking_an_unknown_user_is_a_404(emulator: Emulator) -> None:
    response = emulator.http.post("/_emulator/users/ghost@x.test/revoke")

    assert response.status_code == 404


def test_the_control_api_documents_itself_apart_from_googles_paths(emulator: Emulator) -> None:
    document = emulator.http.get("/_emulator/openapi.json").json()

    assert "/_emulator/next-id-token" in document["paths"]
    assert emulator.http.get("/_emulator/docs").status_code == 200
    assert emulator.http.get("/docs").status_code == 404
