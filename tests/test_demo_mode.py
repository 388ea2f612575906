"""Demo mode as a new user meets it: `tutorcal serve` with TUTORCAL_DEMO=true and nothing else."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from tests.support.processes import ServerProcess

DEMO_PEOPLE = [
    ("admin@demo.tutorcal.test", ["student", "admin"]),
    ("tara@demo.tutorcal.test", ["student", "tutor"]),
    ("theo@demo.tutorcal.test", ["student", "tutor"]),
    ("sam@demo.tutorcal.test", ["student"]),
    ("sofia@demo.tutorcal.test", ["student"]),
    ("stefan@demo.tutorcal.test", ["student"]),
]


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    directory: Path = tmp_path_factory.mktemp("demo")
    server = ServerProcess(
        env={
            "TUTORCAL_DEMO": "true",
            "DATABASE_URL": f"sqlite://{directory}/demo.sqlite3",
            "GOOGLE_CLIENT_ID": "",
            "GOOGLE_CLIENT_SECRET": "",
            "TOKEN_ENCRYPTION_KEYS": "",
            "ADMIN_EMAILS": "",
            "TUTOR_EMAILS": "",
        }
    )
    server.wait_ready()
    yield server
    server.terminate()
    server.stop()


@pytest.mark.slow
@pytest.mark.parametrize(("email", "roles"), DEMO_PEOPLE)
def test_each_demo_user_signs_in_like_curl_would(
    demo_server: ServerProcess, email: str, roles: list[str]
) -> None:
    with httpx2.Client(base_url=demo_server.base_url, follow_redirects=True, timeout=10) as curl:
        landed = curl.get(
            "/api/v1/auth/google/login", params={"login_hint": email, "next": "/docs"}
        )
        assert landed.status_code == 200
        assert landed.url.path == "/docs"
        me = curl.get("/api/v1/me").json()
    assert me["email"] == email
    assert me["roles"] == roles


@pytest.mark.slow
def test_without_a_login_hint_google_shows_a_page_to_choose_a_demo_user(
    demo_server: ServerProcess,
) -> None:
    with httpx2.Client(base_url=demo_server.base_url, follow_redirects=True, timeout=10) as browser:
        page = browser.get("/api/v1/auth/google/login")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    for email, _ in DEMO_PEOPLE:
        assert email in page.text


@pytest.mark.slow
def test_demo_mode_serves_the_api_documentation(demo_server: ServerProcess) -> None:
    assert httpx2.get(f"{demo_server.base_url}/docs", timeout=10).status_code == 200
    spec = httpx2.get(f"{demo_server.base_url}/openapi.json", timeout=10).json()
    assert "/api/v1/me" in spec["paths"]
    assert not any(path.startswith("/_google") for path in spec["paths"])
