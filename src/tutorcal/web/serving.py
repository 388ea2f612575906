"""Serving the web app from the API's own process.

The bundle is built from ``web/`` into ``dist/`` beside this file (``make run`` does it when
the sources changed; the Dockerfile does it in its build stage). Hashed files under
``/assets`` never change, so browsers keep them for a year; ``index.html`` names them and is
revalidated on every visit, so a deploy reaches everyone at their next page load. Any other
GET of a path that is not the API's answers ``index.html`` and the app's router draws the
page; unknown API paths stay problem+json 404s.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from starlette.datastructures import URLPath
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import BaseRoute, Match, Mount, NoMatchFound, Route
from starlette.staticfiles import PathLike, StaticFiles
from starlette.types import Receive, Scope, Send

DIST = Path(__file__).parent / "dist"

IMMUTABLE = "public, max-age=31536000, immutable"

# No inline script, no eval: a Vite build needs neither (FRONTEND.md). Styles are linked
# files too; Vue sets dynamic styles through the CSSOM, which style-src does not govern.
# Tutors' pictures come from Google's image hosts, hence https: for images.
APP_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)
# Swagger UI draws with inline style attributes and data: icons; its scripts are files.
DOCS_POLICY = APP_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")

PAGE_HEADERS = {
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

NOT_BUILT = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>tutorcal</title>"
    "<p>The web app has not been built: run <code>make run</code>, which builds it and "
    "serves it here (the API answers meanwhile under <code>/api/v1</code>).</p></html>"
)

# Paths that are never the app's pages: the API, the operations endpoints, the emulator
# of demo mode, the API's documentation and the bundle's own files.
NOT_APP_PATHS = ("/api/", "/_google/", "/assets/", "/docs/")
NOT_APP_EXACT = frozenset(
    {"/api", "/_google", "/assets", "/docs", "/healthz", "/readyz", "/metrics", "/openapi.json"}
)


def is_app_path(path: str) -> bool:
    return path not in NOT_APP_EXACT and not path.startswith(NOT_APP_PATHS)


class _ImmutableFiles(StaticFiles):
    def file_response(
        self, full_path: PathLike, stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = IMMUTABLE
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


def _page(dist: Path, name: str, policy: str) -> Response:
    page = dist / name
    if not page.is_file():
        return HTMLResponse(NOT_BUILT, status_code=503, headers={"Cache-Control": "no-store"})
    return FileResponse(
        page, media_type="text/html", headers={**PAGE_HEADERS, "Content-Security-Policy": policy}
    )


class _NamesItself(BaseRoute):
    """Puts itself in the scope, as FastAPI's own routes do: the metrics and the access log
    label a request by its route's path ("unmatched" otherwise)."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child_scope = super().matches(scope)
        if match is not Match.NONE:
            child_scope["route"] = self
        return match, child_scope


class _Named(_NamesItself, Route):
    pass


class _NamedMount(_NamesItself, Mount):
    pass


class _AppPages(BaseRoute):
    """The last route: every GET of an app path (``/tutors/…``, ``/bookings``) is the app.

    Other methods and the API's paths do not match at all, so they end as the router's
    404 (problem+json), never as a 405 from this route.
    """

    path = "/{app_path}"  # the metrics' route label: one series for every app page

    def __init__(self, dist: Path) -> None:
        self.dist = dist

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if (
            scope["type"] == "http"
            and scope["method"] in {"GET", "HEAD"}
            and is_app_path(scope["path"])
        ):
            return Match.FULL, {"route": self}
        return Match.NONE, {}

    def url_path_for(self, name: str, /, **path_params: Any) -> URLPath:
        raise NoMatchFound(name, path_params)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        await _page(self.dist, "index.html", APP_POLICY)(scope, receive, send)


def mount_web_app(app: FastAPI, dist: Path | None = None) -> None:
    """Adds the app's routes after every other route (the fallback must come last)."""
    dist = dist or DIST

    async def app_home(_: Request) -> Response:
        return _page(dist, "index.html", APP_POLICY)

    async def api_docs(_: Request) -> Response:
        return _page(dist, "docs.html", DOCS_POLICY)

    app.router.routes.extend(
        [
            _Named("/", app_home, methods=["GET"], include_in_schema=False),
            _Named("/docs", api_docs, methods=["GET"], include_in_schema=False),
            _NamedMount("/assets", _ImmutableFiles(directory=dist / "assets", check_dir=False)),
            _AppPages(dist),
        ]
    )
