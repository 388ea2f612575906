"""The OpenAPI document as the front end reads it: every error, validation included, is
problem+json, and the ways to authenticate are named."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from tutorcal.errors import PROBLEM_MEDIA_TYPE, Problem

_FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")
_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def _errors_are_problems(document: dict[str, Any]) -> None:
    """Every error is problem+json (``main``'s handlers). FastAPI documents a ``responses=``
    model under ``application/json`` too, and its own request validation errors as its
    HTTPValidationError JSON; both are rewritten to what the handlers really send."""
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            for status, answer in operation.get("responses", {}).items():
                if int(status) < 400:
                    continue
                content = answer.setdefault("content", {})
                as_json = content.pop("application/json", {})
                if status == "422" and "HTTPValidationError" in str(as_json):
                    answer["description"] = "Codes: `validation_failed`"
                elif status == "422" and "validation_failed" not in answer["description"]:
                    answer["description"] += ", `validation_failed`"
                content[PROBLEM_MEDIA_TYPE] = {"schema": _PROBLEM_REF}
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name in _FASTAPI_VALIDATION_SCHEMAS:
        schemas.pop(name, None)
    schemas.setdefault("Problem", Problem.model_json_schema())


def _add_code(operation: dict[str, Any], status: str, code: str) -> None:
    answer = operation["responses"].setdefault(
        status,
        {"description": "Codes:", "content": {PROBLEM_MEDIA_TYPE: {"schema": _PROBLEM_REF}}},
    )
    if f"`{code}`" not in answer["description"]:
        separator = " " if answer["description"].endswith(":") else ", "
        answer["description"] += f"{separator}`{code}`"


# Routes that never touch the database, so never answer the middleware's database 503s.
_WITHOUT_DATABASE = frozenset({"/healthz", "/metrics"})


def _cross_cutting_answers(document: dict[str, Any]) -> None:
    """Answers that come from the authentication dependency and the middleware rather than
    from a route: 403 ``csrf_failed`` for cookie-authenticated unsafe methods, 413 for a body
    over MAX_REQUEST_BODY_BYTES, 503 ``database_busy``/``database_unavailable`` (with
    Retry-After) wherever the database is used, and 401 only where there is a way to
    authenticate (routers declare it for all their routes, the public calendar feed among
    them)."""
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            if path not in _WITHOUT_DATABASE:
                _add_code(operation, "503", "database_busy")
                _add_code(operation, "503", "database_unavailable")
            authenticated = bool(operation.get("security"))
            takes_credentials = any(
                p["in"] == "header" and p["name"].lower() == "authorization"
                for p in operation.get("parameters", [])
            )
            if authenticated:
                _add_code(operation, "401", "not_authenticated")
                if method.upper() in {"POST", "PUT", "PATCH", "DELETE"}:
                    _add_code(operation, "403", "csrf_failed")
            elif not takes_credentials:
                operation["responses"].pop("401", None)
            if "requestBody" in operation:
                _add_code(operation, "413", "request_too_large")
            operation["responses"] = dict(
                sorted(operation["responses"].items(), key=lambda item: item[0])
            )


def _parameters_are_never_null(document: dict[str, Any]) -> None:
    """FastAPI documents an optional parameter as ``anyOf: [T, null]``, but a query string or
    header cannot carry JSON null: leaving the parameter out is how a caller says "none"."""
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                options = schema.get("anyOf")
                if not options or {"type": "null"} not in options:
                    continue
                rest = [option for option in options if option != {"type": "null"}]
                del schema["anyOf"]
                if len(rest) == 1:
                    schema.update(rest[0])
                else:
                    schema["anyOf"] = rest


def _name_operations(app: FastAPI) -> None:
    """Each operation's id is its handler's name (``create_booking``), which the web app's
    generated client uses as the function's name. FastAPI's default joins name, path and
    method (``create_booking_api_v1_bookings_post``). The routes are built by their routers
    (``api.routes``), so the app's ``generate_unique_id_function`` never sees them: the ids
    are set here, once, and must stay unique."""
    routes = [route for route in app.routes if isinstance(route, APIRoute)]
    names = [route.name for route in routes]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    assert not duplicates, f"two routes share a handler name: {duplicates}"
    for route in routes:
        route.operation_id = route.operation_id or route.name


def openapi_for(app: FastAPI) -> Callable[[], dict[str, Any]]:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            _name_operations(app)
            document = get_openapi(
                title=app.title,
                version=app.version,
                summary=app.summary,
                description=app.description,
                routes=app.routes,
            )
            _errors_are_problems(document)
            _cross_cutting_answers(document)
            _parameters_are_never_null(document)
            app.openapi_schema = document
        return app.openapi_schema

    return openapi
