"""Google's signing keys (the JWKS) as the OAuth client caches them, over real HTTP to the
emulator: a key rotation is picked up, and tokens naming unknown kids, which anyone can
send, refetch the JWKS at most once a minute."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx2
import pytest

from tests.support.emulator import TEST_CLIENT_ID, TEST_CLIENT_SECRET, EmulatorServer
from tests.support.oidc import scheduler_id_token
from tutorcal.google.oauth import JWKS_REFETCH_INTERVAL_SECONDS, GoogleOAuthClient, IdTokenInvalid

EMAIL = "sam@school.example"
NONCE = "n"  # what scheduler_id_token asks the emulator for


class ManualClock:
    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds

    def advance(self, seconds: float) -> None:
        self.seconds += seconds


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def oauth(emulator: EmulatorServer, clock: ManualClock) -> AsyncIterator[GoogleOAuthClient]:
    async with httpx2.AsyncClient(timeout=10) as http:
        yield GoogleOAuthClient(
            lambda: http,
            emulator.discovery_url,
            TEST_CLIENT_ID,
            TEST_CLIENT_SECRET,
            monotonic=clock,
        )


def genuine(emulator: EmulatorServer) -> str:
    return scheduler_id_token(emulator, EMAIL)


def forged_kid(emulator: EmulatorServer) -> str:
    """Signed by a key Google never published, under a kid of its own."""
    emulator.control("POST", "/next-id-token", {"signature": "unknown_key"})
    return scheduler_id_token(emulator, EMAIL)


def jwks_requests(emulator: EmulatorServer) -> int:
    return int(emulator.stats()["jwks_requests"])


async def test_tokens_naming_unknown_kids_refetch_the_jwks_at_most_once_a_minute(
    oauth: GoogleOAuthClient, emulator: EmulatorServer, clock: ManualClock
) -> None:
    await oauth.verify_id_token(genuine(emulator), nonce=NONCE)
    assert jwks_requests(emulator) == 1
    forgeries = [forged_kid(emulator) for _ in range(12)]

    outcomes = await asyncio.gather(
        *(oauth.verify_id_token(token, nonce=NONCE) for token in forgeries[:10]),
        return_exceptions=True,
    )
    clock.advance(JWKS_REFETCH_INTERVAL_SECONDS - 1)
    with pytest.raises(IdTokenInvalid):
        await oauth.verify_id_token(forgeries[10], nonce=NONCE)

    assert all(isinstance(outcome, IdTokenInvalid) for outcome in outcomes), outcomes
    assert jwks_requests(emulator) == 2  # ten at once, then one more within the minute: one fetch
    clock.advance(1)
    with pytest.raises(IdTokenInvalid):
        await oauth.verify_id_token(forgeries[11], nonce=NONCE)
    assert jwks_requests(emulator) == 3


async def test_a_key_rotation_is_accepted_on_the_first_token_signed_with_the_new_key(
    oauth: GoogleOAuthClient, emulator: EmulatorServer
) -> None:
    await oauth.verify_id_token(genuine(emulator), nonce=NONCE)
    emulator.control("POST", "/keys/rotate", {})

    claims = await oauth.verify_id_token(genuine(emulator), nonce=NONCE)

    assert claims.email == EMAIL
    assert jwks_requests(emulator) == 2
    # Known from now on: no more fetching.
    await oauth.verify_id_token(genuine(emulator), nonce=NONCE)
    assert jwks_requests(emulator) == 2


async def test_a_rotation_right_after_a_forged_kid_is_accepted_once_the_minute_has_passed(
    oauth: GoogleOAuthClient, emulator: EmulatorServer, clock: ManualClock
) -> None:
    await oauth.verify_id_token(genuine(emulator), nonce=NONCE)
    with pytest.raises(IdTokenInvalid):
        await oauth.verify_id_token(forged_kid(emulator), nonce=NONCE)
    clock.advance(10)
    emulator.control("POST", "/keys/rotate", {})
    signed_with_new_key = genuine(emulator)

    with pytest.raises(IdTokenInvalid, match="refetched just now"):
        await oauth.verify_id_token(signed_with_new_key, nonce=NONCE)
    clock.advance(JWKS_REFETCH_INTERVAL_SECONDS - 10)
    claims = await oauth.verify_id_token(signed_with_new_key, nonce=NONCE)

    assert claims.email == EMAIL
    assert jwks_requests(emulator) == 3  # the first fetch, the forgery's, the rotation's
