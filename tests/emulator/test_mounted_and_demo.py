"""Mounted under a prefix as tutorcal's demo mode does it; the demo seed; loopback only."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx2
import pytest
from fastapi import FastAPI

from tutorcal.emulator.demo import DEMO_CLIENT_ID, DEMO_USERS, create_demo_emulator, demo_emails
from tutorcal.emulator.server import NotLoopback, run_emulator, serving_in_background

from .conftest import Emulator
from .flows import CALLBACK, SAM, authorize, exchange, redirect_params, sign_in, verified_claims

PREFIX = "/_google"


@pytest.fixture(scope="module")
def mounted_base_url() -> Iterator[str]:
    host_app = FastAPI()
    host_app.mount(PREFIX, create_demo_emulator([CALLBACK]))
    with serving_in_background(host_app) as base_url:
        yield base_url


@pytest.fixture
def mounted(mounted_base_url: str) -> Iterator[httpx2.Client]:
    with httpx2.Client(base_url=f"{mounted_base_url}{PREFIX}", timeout=5) as http:
        yield http


def test_mounted_under_a_prefix_the_issuer_and_every_endpoint_carry_it(
    mounted_base_url: str, mounted: httpx2.Client
) -> None:
    document = mounted.get("/.well-known/openid-configuration").json()

    emulator_url = f"{mounted_base_url}{PREFIX}"
    assert document["issuer"] == emulator_url
    assert document["authorization_endpoint"] == f"{emulator_url}/o/oauth2/v2/auth"
    assert document["token_endpoint"] == f"{emulator_url}/token"
    assert document["userinfo_endpoint"] == f"{emulator_url}/v1/userinfo"
    assert document["revocation_endpoint"] == f"{emulator_url}/revoke"
    assert document["jwks_uri"] == f"{emulator_url}/oauth2/v3/certs"


def test_mounted_under_a_prefix_the_id_token_issuer_matches_discovery(
    mounted_base_url: str, mounted: httpx2.Client
) -> None:
    signed_in = sign_in(mounted, SAM)

    body = exchange(mounted, signed_in).json()

    claims = verified_claims(
        mounted, body["id_token"], issuer=f"{mounted_base_url}{PREFIX}", nonce=signed_in.nonce
    )
    assert claims["email"] == SAM


def test_mounted_under_a_prefix_the_chooser_posts_back_under_the_prefix(
    mounted_base_url: str, mounted: httpx2.Client
) -> None:
    page = authorize(mounted).text
    action = re.search(r'action="([^"]+)"', page)
    pending = re.search(r'name="pending" value="([^"]+)"', page)
    assert action is not None
    assert pending is not None

    response = mounted.post(action.group(1), data={"pending": pending.group(1), "email": SAM})

    assert action.group(1) == f"{mounted_base_url}{PREFIX}/o/oauth2/v2/auth/approve"
    assert "code" in redirect_params(response)


def test_the_demo_seed_has_an_admin_two_tutors_and_three_students_of_one_domain(
    emulator: Emulator,
) -> None:
    users = emulator.http.get("/_emulator/users").json()

    assert {user["email"] for user in users} == {user.email for user in DEMO_USERS}
    assert {user["hd"] for user in users} == {"demo.tutorcal.test"}
    assert all(user["email_verified"] for user in users)
    assert demo_emails("admin") == ["admin@demo.tutorcal.test"]
    assert demo_emails("tutor") == ["tara@demo.tutorcal.test", "theo@demo.tutorcal.test"]
    assert len(demo_emails("student")) == 3
    assert DEMO_CLIENT_ID == "demo-client-id.apps.googleusercontent.com"


def test_run_emulator_refuses_an_address_other_than_loopback() -> None:
    with pytest.raises(NotLoopback):
        run_emulator("0.0.0.0", 8765)


def test_serving_in_background_refuses_an_address_other_than_loopback() -> None:
    with pytest.raises(NotLoopback), serving_in_background(FastAPI(), host="192.0.2.1"):
        pass
