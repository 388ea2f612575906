"""Per-process objects every request shares: clock, HTTP pool, Google clients, token cipher."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import NamedTuple

from tutorcal.bookings.google_sync import resume_writes_of
from tutorcal.bookings.mirror_changes import BookingMirrorChanges
from tutorcal.config import Settings
from tutorcal.core.crypto import TokenCipher
from tutorcal.core.http import HttpPool
from tutorcal.core.ratelimit import Limiter
from tutorcal.core.time import SYSTEM_CLOCK, Clock
from tutorcal.google.grants import GrantStore
from tutorcal.google.oauth import GoogleOAuthClient
from tutorcal.google.service import CalendarService
from tutorcal.outbox.service import RetryPolicy


class Runtime(NamedTuple):
    settings: Settings
    http: HttpPool
    cipher: TokenCipher
    oauth: GoogleOAuthClient
    grants: GrantStore
    calendar: CalendarService
    limiter: Limiter
    clock: Clock

    @property
    def outbox_policy(self) -> RetryPolicy:
        return outbox_policy(self.settings, self.clock)

    @property
    def redirect_uri(self) -> str:
        return f"{self.settings.public_base_url}/api/v1/auth/google/callback"


def outbox_policy(settings: Settings, clock: Clock) -> RetryPolicy:
    return RetryPolicy(
        claim=timedelta(seconds=settings.outbox_claim_seconds),
        retry_base_seconds=settings.outbox_retry_base_seconds,
        retry_cap_seconds=settings.outbox_retry_cap_seconds,
        clock=clock,
    )


@asynccontextmanager
async def runtime_for(settings: Settings, clock: Clock = SYSTEM_CLOCK) -> AsyncIterator[Runtime]:
    cipher = TokenCipher([key.get_secret_value() for key in settings.token_encryption_keys])
    assert settings.google_client_id is not None
    assert settings.google_client_secret is not None
    http = HttpPool()
    oauth = GoogleOAuthClient(
        http.client,
        settings.google_discovery_url,
        settings.google_client_id,
        settings.google_client_secret.get_secret_value(),
    )
    grants = GrantStore(cipher, oauth, clock)
    calendar = CalendarService(
        settings,
        http,
        grants,
        clock,
        on_changes=BookingMirrorChanges(clock),
        on_connect=resume_writes_of,
    )
    limiter = Limiter(
        settings.rate_limit_storage_url,
        settings.rate_limit_strategy,
        enabled=settings.rate_limit_enabled,
        rules={
            "sign_in_per_address": settings.rate_limit_sign_in_per_address,
            "sign_in_per_user": settings.rate_limit_sign_in_per_user,
            "booking_per_address": settings.rate_limit_booking_per_address,
            "booking_per_user": settings.rate_limit_booking_per_user,
        },
    )
    try:
        yield Runtime(settings, http, cipher, oauth, grants, calendar, limiter, clock)
    finally:
        await calendar.background.close()
        await limiter.close()
        await http.close()
