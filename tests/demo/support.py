"""Demo mode as `make run` starts it: TUTORCAL_DEMO=true and nothing else but a database file."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx2

from tests.support.processes import ServerProcess

SAM = "sam@demo.tutorcal.test"
SOFIA = "sofia@demo.tutorcal.test"
STEFAN = "stefan@demo.tutorcal.test"
TARA = "tara@demo.tutorcal.test"
THEO = "theo@demo.tutorcal.test"
# The banner's first words: printed once the demo is set up and caught up.
READY = "tutorcal demo is ready"


def demo_env(directory: Path, **extra: str) -> dict[str, str]:
    """What a newcomer's shell has: none of the settings a real deployment needs."""
    return {
        "TUTORCAL_DEMO": "true",
        "DATABASE_URL": f"sqlite://{directory}/demo.sqlite3",
        "GOOGLE_CLIENT_ID": "",
        "GOOGLE_CLIENT_SECRET": "",
        "TOKEN_ENCRYPTION_KEYS": "",
        "ADMIN_EMAILS": "",
        "TUTOR_EMAILS": "",
        **extra,
    }


@contextmanager
def signed_in(base_url: str, email: str) -> Iterator[httpx2.Client]:
    """A "browser" signed in as ``email`` through the emulator (``login_hint`` skips the
    account chooser)."""
    with httpx2.Client(base_url=base_url, follow_redirects=True, timeout=15) as browser:
        landed = browser.get("/api/v1/auth/google/login", params={"login_hint": email})
        assert landed.status_code == 200, landed.text
        yield browser


def csrf(browser: httpx2.Client) -> dict[str, str]:
    return {"X-CSRF-Token": browser.cookies.get("tutorcal_csrf") or ""}


def start_demo(directory: Path, port: int | None = None, **env: str) -> ServerProcess:
    """``tutorcal serve`` in demo mode on a free port, once its banner is out."""
    server = ServerProcess(env=demo_env(directory, **env), port=port, cwd=directory)
    try:
        server.wait_for_output(READY)
    except BaseException:
        server.stop()
        raise
    return server


def stop_demo(server: ServerProcess) -> str:
    """SIGTERM, as Ctrl+C or a container stop; what it printed."""
    try:
        assert server.terminate() == 0
    finally:
        server.stop()
    return server.output()


def tutor_id(browser: httpx2.Client, name: str) -> str:
    tutors = browser.get("/api/v1/tutors").json()["items"]
    return str(next(t["id"] for t in tutors if t["name"] == name))


def sessions(browser: httpx2.Client, tutor: str) -> list[dict[str, Any]]:
    listed = browser.get(f"/api/v1/tutors/{tutor}/sessions")
    assert listed.status_code == 200, listed.text
    return list(listed.json())


def my_bookings(browser: httpx2.Client) -> list[dict[str, Any]]:
    listed = browser.get("/api/v1/bookings", params={"limit": 100})
    assert listed.status_code == 200, listed.text
    return list(listed.json()["items"])


def emulator_event(browser: httpx2.Client, calendar: str, event_id: str) -> dict[str, Any]:
    found = browser.get(f"/_google/_emulator/calendars/{calendar}/events/{event_id}")
    assert found.status_code == 200, found.text
    return dict(found.json())
