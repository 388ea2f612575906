"""Per-process objects every request shares: HTTP pool, Google clients, token cipher."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx2

from tutorcal.config import Settings
from tutorcal.core.crypto import TokenCipher
from tutorcal.google.grants import GrantStore
from tutorcal.google.oauth import GoogleOAuthClient

# Google answers in well under a second; a hung connection must not hold a request for long.
GOOGLE_TIMEOUT = httpx2.Timeout(10.0, connect=3.0)


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    http: httpx2.AsyncClient
    cipher: TokenCipher
    oauth: GoogleOAuthClient
    grants: GrantStore

    @property
    def redirect_uri(self) -> str:
        return f"{self.settings.public_base_url}/api/v1/auth/google/callback"


@asynccontextmanager
async def runtime_for(settings: Settings) -> AsyncIterator[Runtime]:
    cipher = TokenCipher([key.get_secret_value() for key in settings.token_encryption_keys])
    async with httpx2.AsyncClient(timeout=GOOGLE_TIMEOUT, follow_redirects=False) as http:
        assert settings.google_client_id is not None
        assert settings.google_client_secret is not None
        oauth = GoogleOAuthClient(
            http,
            settings.google_discovery_url,
            settings.google_client_id,
            settings.google_client_secret.get_secret_value(),
        )
        yield Runtime(settings, http, cipher, oauth, GrantStore(cipher, oauth))
