"""How the API process serves the web app: cache headers, the fallback to index.html, the
content security policy, and what a visitor sees when the app was never built."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx2
import pytest

from tests.conftest import make_settings
from tutorcal.main import create_app
from tutorcal.web import serving

INDEX = '<!doctype html><title>tutorcal</title><script type="module" src="/assets/index-abc123.js"></script>'


@pytest.fixture
def dist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "docs.html").write_text("<!doctype html><title>API</title>")
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log('app')")
    monkeypatch.setattr(serving, "DIST", tmp_path)
    return tmp_path


async def _client() -> AsyncIterator[httpx2.AsyncClient]:
    # The routes below read files only: no lifespan, no database.
    app = create_app(make_settings())
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url="http://127.0.0.1:8000"
    ) as http:
        yield http


@pytest.fixture
async def web(dist: Path) -> AsyncIterator[httpx2.AsyncClient]:
    async for http in _client():
        yield http


async def test_the_home_page_is_the_app_revalidated_on_every_visit(
    web: httpx2.AsyncClient,
) -> None:
    page = await web.get("/")
    assert page.status_code == 200
    assert page.text == INDEX
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["cache-control"] == "no-cache"


async def test_the_app_pages_forbid_inline_and_foreign_scripts(web: httpx2.AsyncClient) -> None:
    policy = (await web.get("/")).headers["content-security-policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy


async def test_an_app_address_opened_directly_gets_the_app(web: httpx2.AsyncClient) -> None:
    for path in ("/tutors/3f0c", "/bookings", "/privacy", "/profile?tab=x"):
        page = await web.get(path)
        assert page.status_code == 200, path
        assert page.text == INDEX, path
        assert "script-src 'self'" in page.headers["content-security-policy"]


async def test_hashed_assets_are_cached_for_a_year(web: httpx2.AsyncClient) -> None:
    asset = await web.get("/assets/index-abc123.js")
    assert asset.status_code == 200
    assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert asset.headers["content-type"].startswith("text/javascript")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/no-such-thing"),
        ("GET", "/api"),
        ("GET", "/api/v2/bookings"),
        ("GET", "/assets/index-gone.js"),
        ("GET", "/docs/oauth2-redirect"),
        ("GET", "/_google/authorize"),
        ("POST", "/tutors"),
        ("DELETE", "/bookings/1"),
    ],
)
async def test_addresses_that_are_not_app_pages_stay_problem_json_404s(
    web: httpx2.AsyncClient, method: str, path: str
) -> None:
    answer = await web.request(method, path)
    assert answer.status_code == 404, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["code"] == "not_found"


async def test_the_api_documentation_page_is_served_from_the_build(
    web: httpx2.AsyncClient,
) -> None:
    docs = await web.get("/docs")
    assert docs.status_code == 200
    assert docs.text.startswith("<!doctype html><title>API</title>")
    assert "script-src 'self';" in docs.headers["content-security-policy"]


async def test_without_a_build_the_home_page_says_to_run_make_run_and_the_api_still_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(serving, "DIST", tmp_path / "never-built")
    async for web in _client():
        page = await web.get("/")
        assert page.status_code == 503
        assert "make run" in page.text
        assert (await web.get("/tutors")).status_code == 503
        assert (await web.get("/healthz")).json() == {"status": "ok"}
        assert (await web.get("/openapi.json")).status_code == 200


async def test_the_metrics_count_app_pages_as_one_route_not_one_per_address(
    web: httpx2.AsyncClient,
) -> None:
    for path in ("/", "/tutors/a", "/tutors/b", "/assets/index-abc123.js"):
        await web.get(path)
    text = (await web.get("/metrics")).text
    assert 'route="/",status="200"' in text
    assert 'route="/{app_path}",status="200"' in text
    assert 'route="/assets",status="200"' in text
    assert "/tutors/a" not in text
