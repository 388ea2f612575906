"""Per-process objects every request shares: HTTP pool, Google clients, token cipher."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tutorcal.config import Settings
from tutorcal.core.crypto import TokenCipher
from tutorcal.google.grants import GrantStore
from tutorcal.google.oauth import GoogleOAuthClient

if TYPE_CHECKING:
    import httpx2


class HttpPool:
    """One connection pool for all calls to Google, opened on first use.

    Opening it loads the TLS trust store, which is a large part of a cold start; an instance
    that only serves reads from the mirror never needs it.
    """

    def __init__(self) -> None:
        self._client: httpx2.AsyncClient | None = None

    def client(self) -> httpx2.AsyncClient:
        if self._client is None:
            import httpx2

            # Google answers in well under a second; a hung connection must not hold a request.
            self._client = httpx2.AsyncClient(
                timeout=httpx2.Timeout(10.0, connect=3.0), follow_redirects=False
            )
        return self._client

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    http: HttpPool
    cipher: TokenCipher
    oauth: GoogleOAuthClient
    grants: GrantStore

    @property
    def redirect_uri(self) -> str:
        return f"{self.settings.public_base_url}/api/v1/auth/google/callback"


@asynccontextmanager
async def runtime_for(settings: Settings) -> AsyncIterator[Runtime]:
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
    try:
        yield Runtime(settings, http, cipher, oauth, GrantStore(cipher, oauth))
    finally:
        await http.close()
