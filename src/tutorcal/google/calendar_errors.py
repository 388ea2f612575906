"""Google Calendar API errors as facts, mapped from Google's error body.

https://developers.google.com/workspace/calendar/api/guides/errors
"""

from __future__ import annotations

from typing import Any


class CalendarApiError(Exception):
    """An answer from Google that is not a success; ``reason`` is Google's ``errors[0].reason``."""

    def __init__(self, status: int, reason: str, message: str = "") -> None:
        super().__init__(f"HTTP {status} {reason}: {message}".strip())
        self.status = status
        self.reason = reason


class Unauthorized(CalendarApiError):
    """401: the access token is expired or revoked."""


class CalendarForbidden(CalendarApiError):
    """403 that retrying will not fix: no permission, not the organizer, or the abuse limit."""


class CalendarRateLimited(CalendarApiError):
    """429, or 403 rateLimitExceeded/userRateLimitExceeded: back off and retry."""


class CalendarNotFound(CalendarApiError):
    """404: no such calendar or event (or not visible to this user)."""


class Duplicate(CalendarApiError):
    """409: an event with this client-supplied id exists already."""


class SyncTokenExpired(CalendarApiError):
    """410: the sync token is no longer valid; a full sync is needed."""


class PreconditionFailed(CalendarApiError):
    """412: the event changed since the etag we sent; read it again."""


class ServerError(CalendarApiError):
    """5xx: Google's side failed; retry."""


class CalendarBadRequest(CalendarApiError):
    """400 and anything else permanent."""


class Unreachable(Exception):
    """No answer at all: connection refused or dropped, or a timeout."""


RETRYABLE_403_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})


def error_from_response(status: int, body: Any) -> CalendarApiError:
    reason, message = "", ""
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        error = body["error"]
        message = str(error.get("message", ""))
        errors = error.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            reason = str(errors[0].get("reason", ""))
    if status == 401:
        return Unauthorized(status, reason or "authError", message)
    if status == 429 or (status == 403 and reason in RETRYABLE_403_REASONS):
        return CalendarRateLimited(status, reason or "rateLimitExceeded", message)
    if status == 403:
        return CalendarForbidden(status, reason or "forbidden", message)
    if status == 404:
        return CalendarNotFound(status, reason or "notFound", message)
    if status == 409:
        return Duplicate(status, reason or "duplicate", message)
    if status == 410:
        return SyncTokenExpired(status, reason or "fullSyncRequired", message)
    if status == 412:
        return PreconditionFailed(status, reason or "conditionNotMet", message)
    if status >= 500:
        return ServerError(status, reason or "backendError", message)
    return CalendarBadRequest(status, reason or "badRequest", message)
