"""A deployment for end-to-end tests: a fresh migrated database, the Google emulator on its
own port, and ``tutorcal serve`` processes talking to both over real HTTP."""

from __future__ import annotations

import asyncio
import os
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2

from tests.conftest import BASE_SETTINGS, make_settings
from tests.support.databases import create_database, drop_database
from tests.support.emulator import TEST_CLIENT_ID, TEST_CLIENT_SECRET, EmulatorServer
from tests.support.processes import TUTORCAL, ServerProcess, free_port, wait_for
from tutorcal.schema import migrate


@dataclass
class Deployment:
    emulator: EmulatorServer
    servers: list[ServerProcess]
    env: dict[str, str]
    database_url: str
    clients: list[httpx2.Client] = field(default_factory=list)

    def browser(self, email: str, instance: int = 0) -> httpx2.Client:
        """A signed-in browser for ``email`` (added to Google if new), on one instance."""
        self.emulator.add_user(email)
        http = httpx2.Client(
            base_url=self.servers[instance].base_url, follow_redirects=True, timeout=30
        )
        self.clients.append(http)
        http.get("/api/v1/auth/google/login", params={"login_hint": email})
        return http


@contextmanager
def deployment(
    backend: str, directory: Path, *, instances: int, **settings: str
) -> Iterator[Deployment]:
    fresh = create_database(backend, directory)
    asyncio.run(migrate(make_settings(database_url=fresh.url)))
    emulator = EmulatorServer()
    ports = [free_port() for _ in range(instances)]
    emulator.reset(*(f"http://127.0.0.1:{port}/api/v1/auth/google/callback" for port in ports))
    env = {
        "DATABASE_URL": fresh.url,
        "TUTORCAL_DEMO": "false",
        "GOOGLE_DISCOVERY_URL": emulator.discovery_url,
        "GOOGLE_CALENDAR_API_URL": emulator.calendar_url,
        "GOOGLE_CLIENT_ID": TEST_CLIENT_ID,
        "GOOGLE_CLIENT_SECRET": TEST_CLIENT_SECRET,
        "TOKEN_ENCRYPTION_KEYS": str(BASE_SETTINGS["token_encryption_keys"]),
        "GOOGLE_RETRY_BASE_SECONDS": "0.01",
        # Every simulated browser comes from 127.0.0.1, which a production per-address
        # budget would throttle; tests/security covers the limits (pass RATE_LIMIT_ENABLED).
        "RATE_LIMIT_ENABLED": "false",
        **settings,
    }
    servers = [ServerProcess(env, port=port) for port in ports]
    running = Deployment(emulator, servers, env, fresh.url)
    try:
        for server in servers:
            server.wait_ready()
        yield running
    finally:
        for http in running.clients:
            http.close()
        for server in servers:
            try:
                server.terminate()
            finally:
                server.stop()
                if os.environ.get("TUTORCAL_TEST_SHOW_SERVER_LOGS"):
                    print(server.output())
        emulator.stop()
        drop_database(fresh)


def kill_between_commit_and_google(
    cluster: Deployment,
    instance: int,
    client: httpx2.Client,
    body: dict[str, Any],
    headers: dict[str, str],
    committed: Callable[[], bool],
) -> None:
    """Book through ``instance`` while Google hangs on the attendee write, and SIGKILL that
    instance once ``committed()`` sees the booking: the request dies after its commit, before
    both Google and its answer."""
    cluster.emulator.control(
        "POST", "/faults", {"count": 1, "latency_ms": 30_000, "match": {"method": "PUT"}}
    )
    outcome: list[str] = []

    def send() -> None:
        try:
            client.post("/api/v1/bookings", json=body, headers=headers, timeout=20)
            outcome.append("answered")
        except httpx2.TransportError:
            outcome.append("connection lost")

    request = threading.Thread(target=send)
    request.start()
    wait_for(committed, timeout=10)
    victim = cluster.servers[instance]
    victim.process.kill()  # SIGKILL: no clean-up, no shutdown hooks
    victim.process.wait(10)
    request.join(20)
    assert outcome == ["connection lost"]
    cluster.emulator.control("DELETE", "/faults")


def run_worker_once(cluster: Deployment) -> subprocess.CompletedProcess[str]:
    worker = subprocess.run(
        [TUTORCAL, "worker", "--once"],
        env={**os.environ, **cluster.env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert worker.returncode == 0, worker.stderr
    return worker
