"""When Google hands out a refresh token, what it grants, and how it dies (FACTS.md A3)."""

from __future__ import annotations

from .conftest import Emulator
from .flows import (
    CALENDAR,
    EXPIRED_OR_REVOKED,
    SAM,
    SIGN_IN_SCOPES,
    TARA,
    USERINFO_EMAIL,
    refresh,
    tokens_for,
    userinfo,
    verified_claims,
)


def test_the_first_offline_consent_issues_a_refresh_token_and_a_second_one_does_not(
    emulator: Emulator,
) -> None:
    first = tokens_for(emulator.http, TARA, access_type="offline")
    second = tokens_for(emulator.http, TARA, access_type="offline")

    assert first["refresh_token"].startswith("1//")
    assert "refresh_token" not in second


def test_prompt_consent_issues_another_refresh_token_while_one_is_live(
    emulator: Emulator,
) -> None:
    first = tokens_for(emulator.http, TARA, access_type="offline")
    again = tokens_for(emulator.http, TARA, access_type="offline", prompt="consent")

    assert again["refresh_token"] != first["refresh_token"]
    assert refresh(emulator.http, first["refresh_token"]).status_code == 200


def test_online_access_never_issues_a_refresh_token(emulator: Emulator) -> None:
    body = tokens_for(emulator.http, TARA, access_type="online", prompt="consent")

    assert "refresh_token" not in body


def test_a_refresh_token_comes_again_after_the_user_revoked_the_grant(emulator: Emulator) -> None:
    tokens_for(emulator.http, TARA, access_type="offline")
    emulator.http.post(f"/_emulator/users/{TARA}/revoke").raise_for_status()

    again = tokens_for(emulator.http, TARA, access_type="offline")

    assert again["refresh_token"].startswith("1//")


def test_refresh_mints_an_access_token_and_id_token_but_no_new_refresh_token(
    emulator: Emulator,
) -> None:
    first = tokens_for(emulator.http, TARA, access_type="offline")

    response = refresh(emulator.http, first["refresh_token"])

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "expires_in", "scope", "token_type", "id_token"}
    assert body["access_token"] != first["access_token"]
    assert body["scope"] == first["scope"]
    claims = verified_claims(emulator.http, body["id_token"], issuer=emulator.base_url)
    assert claims["email"] == TARA
    assert "nonce" not in claims
    assert userinfo(emulator.http, body["access_token"]).status_code == 200


def test_refresh_after_the_user_revoked_access_is_invalid_grant(emulator: Emulator) -> None:
    body = tokens_for(emulator.http, TARA, access_type="offline")
    emulator.http.post(f"/_emulator/users/{TARA}/revoke").raise_for_status()

    response = refresh(emulator.http, body["refresh_token"])

    assert response.status_code == 400
    assert response.json() == EXPIRED_OR_REVOKED
    assert userinfo(emulator.http, body["access_token"]).status_code == 401


def test_refresh_after_the_refresh_tokens_expired_is_invalid_grant(emulator: Emulator) -> None:
    body = tokens_for(emulator.http, TARA, access_type="offline")
    expired = emulator.http.post(f"/_emulator/users/{TARA}/expire-refresh-tokens").json()

    response = refresh(emulator.http, body["refresh_token"])

    assert expired == {"email": TARA, "expired": 1}
    assert response.status_code == 400
    assert response.json() == EXPIRED_OR_REVOKED


def test_expired_access_tokens_fail_but_refresh_still_works(emulator: Emulator) -> None:
    body = tokens_for(emulator.http, TARA, access_type="offline")
    emulator.http.post(f"/_emulator/users/{TARA}/expire-access-tokens").raise_for_status()

    refreshed = refresh(emulator.http, body["refresh_token"])

    assert userinfo(emulator.http, body["access_token"]).status_code == 401
    assert refreshed.status_code == 200
    assert userinfo(emulator.http, refreshed.json()["access_token"]).status_code == 200


def test_an_unknown_refresh_token_is_invalid_grant(emulator: Emulator) -> None:
    response = refresh(emulator.http, "1//not-a-token")

    assert response.status_code == 400
    assert response.json() == EXPIRED_OR_REVOKED


def test_the_101st_refresh_token_silently_invalidates_the_oldest(emulator: Emulator) -> None:
    tokens = [
        tokens_for(emulator.http, TARA, access_type="offline", prompt="consent")["refresh_token"]
        for _ in range(101)
    ]

    assert refresh(emulator.http, tokens[0]).json() == EXPIRED_OR_REVOKED
    assert refresh(emulator.http, tokens[1]).status_code == 200
    assert refresh(emulator.http, tokens[100]).status_code == 200


def test_include_granted_scopes_returns_the_union_with_earlier_grants(emulator: Emulator) -> None:
    tokens_for(emulator.http, TARA, access_type="offline")

    body = tokens_for(
        emulator.http, TARA, scope=f"openid {CALENDAR}", include_granted_scopes="true"
    )

    assert body["scope"].split() == sorted([*SIGN_IN_SCOPES.split(), CALENDAR])


def test_without_include_granted_scopes_only_the_requested_scopes_come_back(
    emulator: Emulator,
) -> None:
    tokens_for(emulator.http, TARA)

    body = tokens_for(emulator.http, TARA, scope=f"openid {CALENDAR}")

    assert body["scope"].split() == sorted(["openid", CALENDAR])


def test_include_granted_scopes_does_not_mix_in_another_users_grants(emulator: Emulator) -> None:
    tokens_for(emulator.http, TARA, scope=f"openid email {CALENDAR}")

    body = tokens_for(emulator.http, SAM, scope="openid email", include_granted_scopes="true")

    assert body["scope"].split() == sorted(["openid", USERINFO_EMAIL])
