"""The process's one connection pool for calls to Google."""

from __future__ import annotations

from typing import TYPE_CHECKING

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
