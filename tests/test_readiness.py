"""/readyz follows the database: 503 while it is unreachable, 200 again once it is back."""

from __future__ import annotations

import asyncio
import signal
import threading
import time
from urllib.parse import urlsplit, urlunsplit

import httpx2
import pytest

from tests.conftest import make_settings
from tests.support.databases import ScratchDatabase
from tests.support.processes import ServerProcess
from tests.support.tcp_proxy import TcpProxy, ThreadedTcpProxy
from tests.test_schema import cli_env
from tutorcal.main import create_app


def _through(url: str, port: int) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)
    host = f"127.0.0.1:{port}"
    return urlunsplit(parts._replace(netloc=f"{netloc[0]}@{host}" if len(netloc) == 2 else host))


async def _status(client: httpx2.AsyncClient) -> int:
    return (await client.get("/readyz")).status_code


@pytest.mark.backends("postgres", "mysql")
async def test_readyz_fails_while_the_database_is_down_and_recovers_when_it_returns(
    database: ScratchDatabase,
) -> None:
    target = urlsplit(database.url)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 0)
    await proxy.start()
    app = create_app(make_settings(database_url=_through(database.url, proxy.port)))
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://test") as client:
            assert await _status(client) == 200

            await proxy.cut()
            down = await client.get("/readyz")
            assert down.status_code == 503
            assert down.headers["content-type"] == "application/problem+json"
            assert down.json()["code"] == "database_unavailable"
            assert (await client.get("/healthz")).status_code == 200
            # Any request that needs the database says so, and when to try again: not a 500.
            api = await client.get("/api/v1/me", headers={"Authorization": "Bearer tcl_unknown"})
            assert api.status_code == 503, api.text
            assert api.headers["content-type"] == "application/problem+json"
            assert api.json()["code"] == "database_unavailable"
            assert int(api.headers["retry-after"]) > 0

            await proxy.start()
            deadline = time.monotonic() + 15
            while await _status(client) != 200:
                assert time.monotonic() < deadline, "readyz did not recover"
                await asyncio.sleep(0.2)
    await proxy.cut()


@pytest.mark.slow
@pytest.mark.postgres_only
def test_sigterm_lets_an_in_flight_request_finish(database: ScratchDatabase) -> None:
    target = urlsplit(database.url)
    proxy = ThreadedTcpProxy(target.hostname or "127.0.0.1", target.port or 5432)
    server = ServerProcess(env=cli_env(_through(database.url, proxy.port)))
    try:
        server.wait_ready()
        proxy.set_delay(0.4)  # every database round trip now takes a while
        answers: list[int] = []
        request = threading.Thread(
            target=lambda: answers.append(
                httpx2.get(f"{server.base_url}/readyz", timeout=10).status_code
            )
        )
        request.start()
        time.sleep(0.3)
        server.process.send_signal(signal.SIGTERM)
        request.join(10)
        assert answers == [200]
        assert server.process.wait(10) == 0
    finally:
        server.stop()
        proxy.close()
