"""The Google emulator on a real loopback port, and a "browser" that walks Google's redirects."""

from __future__ import annotations

import threading
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2
import uvicorn

from tests.support.processes import free_port
from tutorcal.emulator.app import create_emulator_app

TEST_CLIENT_ID = "tutorcal-tests.apps.googleusercontent.com"
TEST_CLIENT_SECRET = "tutorcal-tests-secret"


class EmulatorServer:
    """uvicorn in a thread: the app under test reaches it over real HTTP, as it would Google."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            create_emulator_app(),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="off",
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise TimeoutError("emulator did not start")
            time.sleep(0.02)
        self.http = httpx2.Client(base_url=self.url, timeout=10)

    @property
    def discovery_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    @property
    def calendar_url(self) -> str:
        return f"{self.url}/calendar/v3"

    def calendar_calls(self, method: str = "events.list", user: str | None = None) -> int:
        """How many Calendar API calls of this kind Google has answered so far (for one user)."""
        if user is None:
            counts: dict[str, int] = self.stats().get("calendar_requests", {})
            return int(counts.get(method, 0))
        log: list[dict[str, Any]] = self.control("GET", "/requests")
        return sum(1 for entry in log if entry.get("name") == method and entry.get("user") == user)

    def stop(self) -> None:
        self.http.close()
        self._server.should_exit = True
        self._thread.join(10)

    def control(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = self.http.request(method, f"/_emulator{path}", json=body)
        assert response.status_code < 300, response.text
        return response.json() if response.content else None

    def reset(self, *redirect_uris: str) -> None:
        self.control("POST", "/reset")
        self.control(
            "POST",
            "/clients",
            {
                "client_id": TEST_CLIENT_ID,
                "client_secret": TEST_CLIENT_SECRET,
                "redirect_uris": list(redirect_uris),
            },
        )

    def add_user(self, email: str, name: str = "", **fields: Any) -> dict[str, Any]:
        body = {"email": email, "name": name or email.split("@")[0].title(), **fields}
        user: dict[str, Any] = self.control("POST", "/users", body)
        return user

    def stats(self) -> dict[str, Any]:
        stats: dict[str, Any] = self.control("GET", "/stats")
        return stats


def query_of(url: str) -> dict[str, str]:
    return {key: values[-1] for key, values in parse_qs(urlsplit(url).query).items()}


def path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path
