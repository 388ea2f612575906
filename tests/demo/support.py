"""Demo mode as `make run` starts it: TUTORCAL_DEMO=true and nothing else but a database file."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2

SAM = "sam@demo.tutorcal.test"
SOFIA = "sofia@demo.tutorcal.test"
STEFAN = "stefan@demo.tutorcal.test"
TARA = "tara@demo.tutorcal.test"
THEO = "theo@demo.tutorcal.test"


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
