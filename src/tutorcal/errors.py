"""The error hierarchy and the one problem+json (RFC 9457) renderer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_SCHEMA_REF = "#/components/schemas/Problem"


class Problem(BaseModel):
    """An error: ``code`` is the stable machine word to branch on, ``detail`` a sentence for people."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    code: str


class AppError(Exception):
    """A domain fact that ends a request; each subclass carries its status and stable code."""

    status_code: ClassVar[int] = 500
    code: ClassVar[str] = "internal_error"
    default_detail: ClassVar[str] = "Something went wrong on our side."

    def __init__(
        self,
        detail: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        self.detail = detail or self.default_detail
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})
        super().__init__(self.detail)


class BadRequest(AppError):
    status_code = 400
    code = "bad_request"
    default_detail = "The request could not be understood."


class NotAuthenticated(AppError):
    status_code = 401
    code = "not_authenticated"
    default_detail = "Sign in first."


class Forbidden(AppError):
    status_code = 403
    code = "forbidden"
    default_detail = "Your role may not use this."


class NotFound(AppError):
    status_code = 404
    code = "not_found"
    default_detail = "There is nothing here."


class Conflict(AppError):
    status_code = 409
    code = "conflict"
    default_detail = "The request conflicts with the current state."


class Unprocessable(AppError):
    status_code = 422
    code = "validation_failed"
    default_detail = "The request is not valid."


class RateLimited(AppError):
    """Too many requests; ``Retry-After`` says how many seconds until the next one is let in."""

    status_code = 429
    code = "rate_limited"
    default_detail = "Too many requests. Try again after the number of seconds in Retry-After."


class ServiceUnavailable(AppError):
    status_code = 503
    code = "service_unavailable"
    default_detail = "The service cannot answer right now."


# Codes for errors raised by the framework rather than by tutorcal's own code.
_STATUS_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "request_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "rate_limited",
    500: "internal_error",
    503: "service_unavailable",
}


def code_for_status(status: int) -> str:
    return _STATUS_CODES.get(status, HTTPStatus(status).phrase.lower().replace(" ", "_"))


def problem_body(
    status: int, code: str, detail: str, extra: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
    }
    body.update(extra or {})
    return body


def problem_responses(*errors: type[AppError]) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route, so the OpenAPI document lists its errors and their codes.

    The schema is a reference to ``Problem`` (which ``create_app`` adds to the document's
    components), not ``"model": Problem``: FastAPI would build a validator for the model for
    every status code of every route, only ever read by the OpenAPI document, and that was
    about half the work of building the routes at start-up.
    """
    by_status: dict[int, set[str]] = {}
    for error in errors:
        by_status.setdefault(error.status_code, set()).add(error.code)
    return {
        status: {
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": PROBLEM_SCHEMA_REF}}},
            "description": "Codes: " + ", ".join(f"`{code}`" for code in sorted(codes)),
        }
        for status, codes in sorted(by_status.items())
    }


def validation_problem_extra(errors: Sequence[Any]) -> dict[str, Any]:
    return {
        "errors": [
            {
                "loc": [str(part) for part in error.get("loc", ())],
                "msg": str(error.get("msg", "")),
                "type": str(error.get("type", "")),
            }
            for error in errors
        ]
    }
