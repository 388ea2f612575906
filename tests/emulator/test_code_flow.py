"""The authorization-code flow as tutorcal drives it: PKCE, nonce, exact redirect URI."""

from __future__ import annotations

import re
from datetime import timedelta

from tutorcal.emulator.demo import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_USERS

from .conftest import Emulator
from .flows import (
    CALLBACK,
    OTHER_CALLBACK,
    SAM,
    SIGN_IN_SCOPES,
    authorize,
    exchange,
    new_pkce,
    redirect_params,
    sign_in,
    userinfo,
    verified_claims,
)


def test_discovery_names_every_endpoint_under_the_emulators_own_base_url(
    emulator: Emulator,
) -> None:
    document = emulator.http.get("/.well-known/openid-configuration").json()

    base = emulator.base_url
    assert document["issuer"] == base
    assert document["authorization_endpoint"] == f"{base}/o/oauth2/v2/auth"
    assert document["token_endpoint"] == f"{base}/token"
    assert document["userinfo_endpoint"] == f"{base}/v1/userinfo"
    assert document["revocation_endpoint"] == f"{base}/revoke"
    assert document["jwks_uri"] == f"{base}/oauth2/v3/certs"
    assert document["subject_types_supported"] == ["public"]
    assert document["id_token_signing_alg_values_supported"] == ["RS256"]
    assert document["scopes_supported"] == ["openid", "email", "profile"]
    assert document["token_endpoint_auth_methods_supported"] == [
        "client_secret_post",
        "client_secret_basic",
    ]
    assert document["code_challenge_methods_supported"] == ["plain", "S256"]
    assert "code" in document["response_types_supported"]
    assert {"authorization_code", "refresh_token"} <= set(document["grant_types_supported"])
    assert {"sub", "email", "email_verified", "name"} <= set(document["claims_supported"])


def test_code_flow_with_pkce_and_nonce_yields_an_id_token_that_verifies_against_the_jwks(
    emulator: Emulator,
) -> None:
    signed_in = sign_in(emulator.http, SAM)
    response = exchange(emulator.http, signed_in)

    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["access_token"].startswith("ya29.")
    assert body["expires_in"] == 3599
    assert body["token_type"] == "Bearer"
    assert body["scope"].split() == sorted(SIGN_IN_SCOPES.split())
    assert "refresh_token" not in body
    claims = verified_claims(
        emulator.http, body["id_token"], issuer=emulator.base_url, nonce=signed_in.nonce
    )
    assert claims["azp"] == DEMO_CLIENT_ID
    assert claims["email"] == SAM
    assert claims["email_verified"] is True
    assert claims["hd"] == "demo.tutorcal.test"
    assert claims["name"] == "Sam Student"
    assert claims["given_name"] == "Sam"
    assert claims["family_name"] == "Student"
    assert re.fullmatch(r"1\d{20}", claims["sub"])
    assert claims["exp"] - claims["iat"] == 3600
    assert len(claims["at_hash"]) == 22


def test_the_same_person_keeps_the_same_sub_across_sign_ins(emulator: Emulator) -> None:
    first = exchange(emulator.http, sign_in(emulator.http, SAM)).json()
    second = exchange(emulator.http, sign_in(emulator.http, SAM)).json()

    first_claims = verified_claims(emulator.http, first["id_token"], issuer=emulator.base_url)
    second_claims = verified_claims(emulator.http, second["id_token"], issuer=emulator.base_url)
    assert first_claims["sub"] == second_claims["sub"]


def test_a_known_login_hint_approves_at_once_with_googles_redirect_parameters(
    emulator: Emulator,
) -> None:
    response = authorize(emulator.http, login_hint="Sam@Demo.Tutorcal.Test", state="xyz")

    params = redirect_params(response)
    assert list(params) == ["state", "code", "scope", "authuser", "hd", "prompt"]
    assert params["state"] == "xyz"
    assert params["scope"].split() == sorted(SIGN_IN_SCOPES.split())
    assert params["authuser"] == "0"
    assert params["hd"] == "demo.tutorcal.test"
    assert params["prompt"] == "consent"


def test_short_scope_names_come_back_under_googles_long_names(emulator: Emulator) -> None:
    params = redirect_params(authorize(emulator.http, login_hint=SAM, scope="email openid"))

    assert params["scope"] == "https://www.googleapis.com/auth/userinfo.email openid"


def test_without_login_hint_the_chooser_lists_every_demo_user(emulator: Emulator) -> None:
    response = authorize(emulator.http)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "Choose an account" in response.text
    assert [user.email for user in DEMO_USERS] == re.findall(
        r'name="email" value="([^"]+)"', response.text
    )
    assert all(user.name in response.text for user in DEMO_USERS)
    assert "Tutor" in response.text


def test_an_unknown_login_hint_shows_the_chooser_instead(emulator: Emulator) -> None:
    response = authorize(emulator.http, login_hint="stranger@elsewhere.test")

    assert response.status_code == 200
    assert "Choose an account" in response.text


def test_the_hd_parameter_narrows_the_chooser_to_that_domain(emulator: Emulator) -> None:
    emulator.http.post(
        "/_emulator/users", json={"email": "pat@gmail.test", "name": "Pat Personal"}
    ).raise_for_status()

    narrowed = authorize(emulator.http, hd="demo.tutorcal.test").text
    everyone = authorize(emulator.http).text

    assert "pat@gmail.test" not in narrowed
    assert "sam@demo.tutorcal.test" in narrowed
    assert "pat@gmail.test" in everyone


def test_choosing_an_account_on_the_chooser_redirects_with_a_code_for_that_user(
    emulator: Emulator,
) -> None:
    pkce = new_pkce()
    page = authorize(
        emulator.http, state="s1", code_challenge=pkce.challenge, code_challenge_method="S256"
    )
    action, pending = _chooser_form(page.text)

    response = emulator.http.post(
        action, data={"pending": pending, "email": "tara@demo.tutorcal.test"}
    )

    params = redirect_params(response)
    assert params["state"] == "s1"
    token = emulator.http.post(
        "/token",
        data={
            "grant_type": "authorization_code",
            "code": params["code"],
            "code_verifier": pkce.verifier,
            "redirect_uri": CALLBACK,
            "client_id": DEMO_CLIENT_ID,
            "client_secret": DEMO_CLIENT_SECRET,
        },
    ).json()
    assert (
        userinfo(emulator.http, token["access_token"]).json()["email"] == "tara@demo.tutorcal.test"
    )


def test_a_chooser_answer_is_good_for_one_use_only(emulator: Emulator) -> None:
    action, pending = _chooser_form(authorize(emulator.http).text)
    emulator.http.post(action, data={"pending": pending, "email": SAM})

    again = emulator.http.post(action, data={"pending": pending, "email": SAM})

    assert again.status_code == 400
    assert "invalid_request" in again.text


def test_cancel_on_the_chooser_redirects_with_access_denied(emulator: Emulator) -> None:
    action, pending = _chooser_form(authorize(emulator.http, state="s2").text)

    response = emulator.http.post(action, data={"pending": pending, "decision": "deny"})

    assert redirect_params(response) == {"error": "access_denied", "state": "s2"}


def test_an_unknown_client_gets_a_401_invalid_client_page(emulator: Emulator) -> None:
    response = authorize(emulator.http, client_id="nobody.apps.googleusercontent.com")

    assert response.status_code == 401
    assert "Error 401: invalid_client" in response.text


def test_an_unregistered_redirect_uri_gets_a_400_page_and_no_redirect(emulator: Emulator) -> None:
    response = authorize(emulator.http, login_hint=SAM, redirect_uri=f"{CALLBACK}/")

    assert response.status_code == 400
    assert "location" not in response.headers
    assert "Error 400: redirect_uri_mismatch" in response.text


def test_a_redirect_uri_differing_at_the_token_endpoint_is_refused(emulator: Emulator) -> None:
    signed_in = sign_in(emulator.http)

    response = exchange(emulator.http, signed_in, redirect_uri=OTHER_CALLBACK)

    assert response.status_code == 400
    assert response.json() == {"error": "redirect_uri_mismatch", "error_description": "Bad Request"}


def test_a_replayed_code_is_refused_and_revokes_the_tokens_of_its_first_use(
    emulator: Emulator,
) -> None:
    signed_in = sign_in(emulator.http, access_type="offline")
    first = exchange(emulator.http, signed_in).json()
    assert userinfo(emulator.http, first["access_token"]).status_code == 200

    replay = exchange(emulator.http, signed_in)

    assert replay.status_code == 400
    assert replay.json() == {"error": "invalid_grant", "error_description": "Bad Request"}
    assert userinfo(emulator.http, first["access_token"]).status_code == 401
    refreshed = emulator.http.post(
        "/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": first["refresh_token"],
            "client_id": DEMO_CLIENT_ID,
            "client_secret": DEMO_CLIENT_SECRET,
        },
    )
    assert refreshed.status_code == 400


def test_a_wrong_code_verifier_is_refused(emulator: Emulator) -> None:
    response = exchange(emulator.http, sign_in(emulator.http), code_verifier=new_pkce().verifier)

    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_grant",
        "error_description": "Invalid code verifier.",
    }


def test_a_missing_code_verifier_is_refused(emulator: Emulator) -> None:
    response = exchange(emulator.http, sign_in(emulator.http), code_verifier="")

    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_grant",
        "error_description": "Missing code verifier.",
    }


def test_a_plain_code_challenge_accepts_the_same_string_as_verifier(emulator: Emulator) -> None:
    verifier = new_pkce().verifier
    params = redirect_params(
        authorize(
            emulator.http, login_hint=SAM, code_challenge=verifier, code_challenge_method="plain"
        )
    )

    response = emulator.http.post(
        "/token",
        data={
            "grant_type": "authorization_code",
            "code": params["code"],
            "code_verifier": verifier,
            "redirect_uri": CALLBACK,
            "client_id": DEMO_CLIENT_ID,
            "client_secret": DEMO_CLIENT_SECRET,
        },
    )

    assert response.status_code == 200


def test_a_wrong_client_secret_is_refused_with_invalid_client(emulator: Emulator) -> None:
    response = exchange(emulator.http, sign_in(emulator.http), client_secret="guess")

    assert response.status_code == 401
    assert response.json() == {"error": "invalid_client", "error_description": "Unauthorized"}


def test_an_unknown_client_id_at_the_token_endpoint_is_not_found(emulator: Emulator) -> None:
    response = exchange(emulator.http, sign_in(emulator.http), client_id="nobody")

    assert response.status_code == 401
    assert response.json() == {
        "error": "invalid_client",
        "error_description": "The OAuth client was not found.",
    }


def test_http_basic_client_authentication_is_accepted(emulator: Emulator) -> None:
    signed_in = sign_in(emulator.http)

    response = emulator.http.post(
        "/token",
        auth=(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET),
        data={
            "grant_type": "authorization_code",
            "code": signed_in.code,
            "code_verifier": signed_in.pkce.verifier,
            "redirect_uri": CALLBACK,
        },
    )

    assert response.status_code == 200


def test_a_code_older_than_ten_minutes_is_refused(emulator: Emulator) -> None:
    signed_in = sign_in(emulator.http)
    emulator.clock.advance(timedelta(minutes=10, seconds=1))

    response = exchange(emulator.http, signed_in)

    assert response.status_code == 400
    assert response.json() == {"error": "invalid_grant", "error_description": "Bad Request"}


def test_an_unsupported_grant_type_is_named_in_the_error(emulator: Emulator) -> None:
    response = emulator.http.post(
        "/token",
        data={
            "grant_type": "password",
            "client_id": DEMO_CLIENT_ID,
            "client_secret": DEMO_CLIENT_SECRET,
        },
    )

    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


def _chooser_form(html: str) -> tuple[str, str]:
    action = re.search(r'<form method="post" action="([^"]+)"', html)
    pending = re.search(r'name="pending" value="([^"]+)"', html)
    assert action is not None
    assert pending is not None
    return action.group(1), pending.group(1)
