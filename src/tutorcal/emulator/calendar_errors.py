"""Calendar API errors in Google's words: status, reason, domain and message.

Shapes and wording follow https://developers.google.com/workspace/calendar/api/guides/errors:
``{"error": {"errors": [{"domain", "reason", "message", ...}], "code", "message"}}``. The
domain is ``usageLimits`` for quota reasons, ``calendar`` for calendar-specific ones and
``global`` otherwise, as on that page.
"""

from __future__ import annotations

from typing import Any

_DOMAINS = {
    "rateLimitExceeded": "usageLimits",
    "userRateLimitExceeded": "usageLimits",
    "quotaExceeded": "usageLimits",
    "fullSyncRequired": "calendar",
    "updatedMinTooLongAgo": "calendar",
    "timeRangeEmpty": "calendar",
    "forbiddenForNonOrganizer": "calendar",
}

_MESSAGES = {
    "authError": "Invalid Credentials",
    "rateLimitExceeded": "Rate Limit Exceeded",
    "userRateLimitExceeded": "User Rate Limit Exceeded",
    "quotaExceeded": "Calendar usage limits exceeded.",
    "backendError": "Backend Error",
    "notFound": "Not Found",
    "duplicate": "The requested identifier already exists.",
    "deleted": "Resource has been deleted",
    "fullSyncRequired": "Sync token is no longer valid, a full sync is required.",
    "conditionNotMet": "Precondition Failed",
    "forbiddenForNonOrganizer": "Shared properties can only be changed by the organizer of the event.",
    "insufficientPermissions": "Request had insufficient authentication scopes.",
    "badRequest": "Bad Request",
    "forbidden": "Forbidden",
}

# The reason a fault gets when the test names only a status.
DEFAULT_REASONS = {
    400: "badRequest",
    401: "authError",
    403: "rateLimitExceeded",
    404: "notFound",
    409: "duplicate",
    410: "fullSyncRequired",
    412: "conditionNotMet",
    429: "rateLimitExceeded",
}

UNAUTHENTICATED_MESSAGE = (
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login "
    "cookie or other valid authentication credential. See "
    "https://developers.google.com/identity/sign-in/web/devconsole-project."
)


class CalendarError(Exception):
    """An answer other than success, rendered as Google renders it."""

    def __init__(
        self,
        code: int,
        reason: str,
        message: str | None = None,
        *,
        location: str | None = None,
        location_type: str | None = None,
        status: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.code = code
        self.reason = reason
        self.message = message or _MESSAGES.get(reason) or "Error"
        self.location = location
        self.location_type = location_type
        self.status = status
        self.headers = headers or {}
        super().__init__(f"{code} {reason}: {self.message}")

    def body(self) -> dict[str, Any]:
        detail: dict[str, Any] = {
            "domain": _DOMAINS.get(self.reason, "global"),
            "reason": self.reason,
            "message": self.message,
        }
        if self.location is not None:
            detail["locationType"] = self.location_type or "parameter"
            detail["location"] = self.location
        error: dict[str, Any] = {"errors": [detail], "code": self.code, "message": self.message}
        if self.status is not None:
            error["status"] = self.status
        return {"error": error}


def fault(code: int, reason: str | None) -> CalendarError:
    """What an injected fault answers: the status, with Google's reason for it."""
    chosen = reason or DEFAULT_REASONS.get(code, "backendError" if code >= 500 else "badRequest")
    message = "The service is currently unavailable." if code == 503 and not reason else None
    return CalendarError(code, chosen, message)


def unauthenticated() -> CalendarError:
    return CalendarError(
        401,
        "authError",
        UNAUTHENTICATED_MESSAGE,
        location="Authorization",
        location_type="header",
        status="UNAUTHENTICATED",
        headers={"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'},
    )


def insufficient_permissions() -> CalendarError:
    return CalendarError(
        403,
        "insufficientPermissions",
        status="PERMISSION_DENIED",
        headers={
            "WWW-Authenticate": 'Bearer realm="https://accounts.google.com/", '
            'error="insufficient_scope"'
        },
    )


def not_found() -> CalendarError:
    return CalendarError(404, "notFound")


def bad_request(
    message: str, *, reason: str = "invalid", location: str | None = None
) -> CalendarError:
    return CalendarError(400, reason, message, location=location)


def required(what: str, *, location: str | None = None) -> CalendarError:
    return CalendarError(400, "required", what, location=location)


def time_range_empty(location: str) -> CalendarError:
    return CalendarError(
        400, "timeRangeEmpty", "The specified time range is empty.", location=location
    )


def parse_error() -> CalendarError:
    return CalendarError(400, "parseError", "Parse Error")
