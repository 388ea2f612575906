"""The app's own route table, so that a route added later is swept without anyone remembering.

Every route needs a session unless it is in ``PUBLIC``; routes guarded by a role or holding
someone's object are recognised from their dependencies and path parameters.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute, Route

from tutorcal.auth.dependencies import current_admin, current_tutor

# Public on purpose (API.md): health and metrics, the API's own description, signing in,
# Google's push (checked by channel token), the internal tasks (their own bearer or OIDC
# token) and the calendar feed (the secret is in the URL).
PUBLIC = frozenset(
    {
        ("GET", "/"),
        ("GET", "/healthz"),
        ("GET", "/readyz"),
        ("GET", "/metrics"),
        ("GET", "/openapi.json"),
        ("GET", "/docs"),
        ("GET", "/api/v1/auth/google/login"),
        ("GET", "/api/v1/auth/google/callback"),
        ("POST", "/api/v1/webhooks/google/calendar"),
        ("POST", "/api/v1/internal/tasks/{task}"),
        ("GET", "/api/v1/calendar-feed/{token}.ics"),
    }
)
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    route: BaseRoute

    @property
    def key(self) -> tuple[str, str]:
        return self.method, self.path

    @property
    def is_public(self) -> bool:
        return self.key in PUBLIC

    @property
    def path_parameters(self) -> list[str]:
        return re.findall(r"{(\w+)}", self.path)

    def requires(self, dependency: object) -> bool:
        return isinstance(self.route, APIRoute) and _depends_on(self.route.dependant, dependency)

    @property
    def admin_only(self) -> bool:
        return self.requires(current_admin)

    @property
    def tutor_only(self) -> bool:
        return self.requires(current_tutor)

    def url(self, **values: str) -> str:
        """The path with each parameter filled from ``values``, else a fresh UUID."""
        return re.sub(r"{(\w+)}", lambda m: values.get(m.group(1), str(uuid.uuid4())), self.path)

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def _depends_on(dependant: Dependant, dependency: object) -> bool:
    return any(
        sub.call is dependency or _depends_on(sub, dependency) for sub in dependant.dependencies
    )


def _routes(routes: Sequence[BaseRoute]) -> Iterator[BaseRoute]:
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from _routes(included.routes)
        elif isinstance(route, Route):
            yield route


def operations(app: FastAPI) -> list[Operation]:
    found = [
        Operation(method, route.path, route)
        for route in _routes(app.router.routes)
        if isinstance(route, Route)
        for method in sorted(route.methods or ())
        if method != "HEAD"
    ]
    assert found, "the route table is empty: has FastAPI changed how routers are included?"
    return found


def openapi_operations(app: FastAPI) -> set[tuple[str, str]]:
    paths: dict[str, dict[str, Any]] = app.openapi()["paths"]
    return {(method.upper(), path) for path, ops in paths.items() for method in ops}


def unsafe_operations(app: FastAPI) -> list[Operation]:
    return [op for op in operations(app) if op.method in UNSAFE and not op.is_public]


def signed_in_operations(app: FastAPI) -> list[Operation]:
    return [op for op in operations(app) if not op.is_public]
