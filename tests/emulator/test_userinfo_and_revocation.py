"""The userinfo and revocation endpoints, and the state's access-token check for later APIs."""

from __future__ import annotations

from .conftest import Emulator
from .flows import CALENDAR, EXPIRED_OR_REVOKED, SAM, TARA, refresh, revoke, tokens_for, userinfo


def test_userinfo_answers_googles_fields_for_a_live_access_token(emulator: Emulator) -> None:
    body = tokens_for(emulator.http, SAM)

    response = userinfo(emulator.http, body["access_token"])

    assert response.status_code == 200
    document = response.json()
    assert set(document) == {
        "sub",
        "name",
        "given_name",
        "family_name",
        "email",
        "email_verified",
        "hd",
    }
    assert document["email"] == SAM
    assert document["name"] == "Sam Student"


def test_userinfo_leaves_out_what_was_not_granted(emulator: Emulator) -> None:
    body = tokens_for(emulator.http, SAM, scope="openid email")

    document = emulator.http.get(
        "/oauth2/v3/userinfo", headers={"Authorization": f"Bearer {body['access_token']}"}
    ).json()

    assert set(document) == {"sub", "email", "email_verified", "hd"}


def test_userinfo_refuses_an_unknown_token_with_a_401_like_googles(emulator: Emulator) -> None:
    response = userinfo(emulator.http, "ya29.forged")

    assert response.status_code == 401
    assert response.json() == {
        "error": "invalid_request",
        "error_description": "Invalid Credentials",
    }
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


def test_revoking_a_refresh_token_ends_the_grant_and_a_second_revoke_is_invalid_token(
    emulator: Emulator,
) -> None:
    body = tokens_for(emulator.http, TARA, access_type="offline")

    first = revoke(emulator.http, body["refresh_token"])
    second = revoke(emulator.http, body["refresh_token"])

    assert first.status_code == 200
    assert first.json() == {}
    assert second.status_code == 400
    assert second.json() == {
        "error": "invalid_token",
        "error_description": "Token expired or revoked",
    }
    assert refresh(emulator.http, body["refresh_token"]).json() == EXPIRED_OR_REVOKED
    assert userinfo(emulator.http, body["access_token"]).status_code == 401


def test_revoking_an_access_token_also_ends_its_refresh_token(emulator: Emulator) -> None:
    body = tokens_for(emulator.http, TARA, access_type="offline")

    response = emulator.http.post("/revoke", params={"token": body["access_token"]})

    assert response.status_code == 200
    assert refresh(emulator.http, body["refresh_token"]).json() == EXPIRED_OR_REVOKED


def test_revoking_forgets_the_granted_scopes(emulator: Emulator) -> None:
    first = tokens_for(emulator.http, TARA, scope=f"openid {CALENDAR}")
    revoke(emulator.http, first["access_token"])

    again = tokens_for(emulator.http, TARA, scope="openid", include_granted_scopes="true")

    assert again["scope"] == "openid"


def test_revoking_an_unknown_token_is_invalid_token(emulator: Emulator) -> None:
    response = revoke(emulator.http, "1//never-issued")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_token"


def test_the_state_authenticates_live_access_tokens_for_the_emulated_apis(
    emulator: Emulator,
) -> None:
    body = tokens_for(emulator.http, TARA, scope=f"openid {CALENDAR}")

    found = emulator.state.authenticate_access_token(body["access_token"])
    revoke(emulator.http, body["access_token"])

    assert found is not None
    user, scopes = found
    assert user.email == TARA
    assert scopes == ("https://www.googleapis.com/auth/calendar", "openid")
    assert emulator.state.authenticate_access_token(body["access_token"]) is None
    assert emulator.state.authenticate_access_token("ya29.unknown") is None
