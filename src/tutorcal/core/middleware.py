"""The outermost layer of every request: request id, access log, metrics, body limit, last-resort 500."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any, NamedTuple
from urllib.parse import parse_qsl

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tutorcal.core.logging import request_id_var
from tutorcal.core.metrics import HTTP_REQUEST_DURATION, HTTP_REQUESTS
from tutorcal.errors import PROBLEM_MEDIA_TYPE, problem_body

logger = logging.getLogger("tutorcal.http")

_REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


# asyncpg's errors for a server that went away (restart, failover, a cut network), by name so
# that asyncpg is not imported before the first query.
_DATABASE_GONE = frozenset(
    {
        "AdminShutdownError",
        "CannotConnectNowError",
        "ConnectionDoesNotExistError",
        "ConnectionFailureError",
        "CrashShutdownError",
        "DBConnectionError",
    }
)
# MySQL client errors: can't connect, server has gone away, lost connection during query.
_MYSQL_GONE = frozenset({2003, 2006, 2013})
DATABASE_RETRY_AFTER_SECONDS = 2

# A transaction the database gave up on because of other transactions' locks; it was rolled
# back whole, so trying again is safe. PostgreSQL by SQLSTATE: lock_not_available (a
# lock_timeout or NOWAIT), deadlock_detected, serialization_failure.
_POSTGRES_BUSY = frozenset({"55P03", "40P01", "40001"})
# MySQL: ER_LOCK_WAIT_TIMEOUT (innodb_lock_wait_timeout), ER_LOCK_DEADLOCK.
_MYSQL_BUSY = frozenset({1205, 1213})
# SQLite's primary result codes SQLITE_BUSY and SQLITE_LOCKED ("database is locked" once
# the busy timeout has passed); extended codes carry them in their low byte.
_SQLITE_BUSY = frozenset({5, 6})


def database_went_away(error: BaseException | None) -> bool:
    """Whether the database was lost under the request: worth a retry, not a bug of ours."""
    while error is not None:
        if isinstance(error, ConnectionError) or type(error).__name__ in _DATABASE_GONE:
            return True
        if type(error).__name__ == "InterfaceError" and "connection is closed" in str(error):
            return True
        # A pooled connection whose server went away mid-query is left half-way through it.
        if type(error).__name__ == "InternalClientError" and "another operation" in str(error):
            return True
        if (
            type(error).__name__ == "OperationalError"
            and error.args[:1]
            and (error.args[0] in _MYSQL_GONE)
        ):
            return True
        error = error.__cause__ or error.__context__
    return False


def database_busy(error: BaseException | None) -> bool:
    """Whether the request lost to other transactions' locks: retry shortly, not a bug of ours."""
    while error is not None:
        if getattr(error, "sqlstate", None) in _POSTGRES_BUSY:
            return True
        sqlite_code = getattr(error, "sqlite_errorcode", None)
        if isinstance(sqlite_code, int) and sqlite_code & 0xFF in _SQLITE_BUSY:
            return True
        if (
            type(error).__name__ == "OperationalError"
            and error.args[:1]
            and (error.args[0] in _MYSQL_BUSY)
        ):
            return True
        error = error.__cause__ or error.__context__
    return False


# uvicorn's parser (h11) caps only a head that arrives in pieces; one sent in a single write
# passes whole, however large. Cloud Run's front end allows 64 KiB; no browser or script of
# ours needs half that.
MAX_HEADER_BYTES = 32 * 1024


class Refusal(NamedTuple):
    status: int
    code: str
    detail: str
    extra: dict[str, Any] | None = None


class RequestTooLargeError(HTTPException):
    """Raised while a body is read past the limit. An HTTPException, because FastAPI turns
    any other error raised while it reads a body into 400 "error parsing the body"."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is larger than {limit} bytes.")


def _nul_locations(scope: Scope) -> list[list[str]]:
    """Where the URL carries a NUL character (decoded from %00): the path, or query names.

    PostgreSQL text cannot hold NUL, so a search for one would crash the query there;
    refused here, every route and every database answers the same 422.
    """
    locations: list[list[str]] = []
    if "\x00" in scope.get("path", ""):
        locations.append(["path"])
    query = scope.get("query_string", b"").decode("latin-1")
    if "%00" in query or "\x00" in query:
        locations.extend(
            ["query", name]
            for name, value in parse_qsl(query, keep_blank_values=True)
            if "\x00" in name or "\x00" in value
        )
    return locations


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _loggable_path(scope: Scope) -> str:
    """The path, unless it carries a secret (a calendar-feed token): then its template."""
    if any("token" in name for name in scope.get("path_params", {})):
        return _route_template(scope)
    return str(scope["path"])


def _route_template(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    # Unmatched paths are one series, so scanners cannot blow up the metrics' cardinality.
    return path if isinstance(path, str) else "unmatched"


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        offered = _header(scope, b"x-request-id")
        request_id = offered if offered and _REQUEST_ID_PATTERN.match(offered) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status_holder = {"status": 500, "started": False}

        refusal = self._refusal(scope)
        if refusal is not None:
            await self._send_problem(send, request_id, *refusal)
            self._finish(scope, request_id, refusal.status, started)
            request_id_var.reset(token)
            return

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise RequestTooLargeError(self.max_body_bytes)
            return message

        async def send_with_request_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                status_holder["started"] = True
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_request_id)
        except RequestTooLargeError:
            if not status_holder["started"]:
                status_holder["status"] = 413
                await self._send_problem(
                    send,
                    request_id,
                    413,
                    "request_too_large",
                    f"The request body is larger than {self.max_body_bytes} bytes.",
                )
        except Exception as error:
            if database_went_away(error):
                # Every write is one transaction: it committed or it did not, and a retry with
                # the same Idempotency-Key finds out which. So: 503, try again shortly.
                # The route's template, not the path: a path can carry a calendar-feed token.
                logger.warning(
                    "database lost while answering %s %s: %s",
                    scope["method"],
                    _route_template(scope),
                    error,
                )
                status_holder["status"] = 503
                if not status_holder["started"]:
                    await self._send_problem(
                        send,
                        request_id,
                        503,
                        "database_unavailable",
                        "The database is briefly unavailable. Try again in a moment.",
                        retry_after=DATABASE_RETRY_AFTER_SECONDS,
                    )
                return
            if database_busy(error):
                logger.warning(
                    "database busy while answering %s %s: %s",
                    scope["method"],
                    _route_template(scope),
                    error,
                )
                status_holder["status"] = 503
                if not status_holder["started"]:
                    await self._send_problem(
                        send,
                        request_id,
                        503,
                        "database_busy",
                        "The database is busy with other requests. Try again in a moment.",
                        retry_after=DATABASE_RETRY_AFTER_SECONDS,
                    )
                return
            logger.exception(
                "unhandled error while answering %s %s", scope["method"], _route_template(scope)
            )
            status_holder["status"] = 500
            if not status_holder["started"]:
                await self._send_problem(
                    send,
                    request_id,
                    500,
                    "internal_error",
                    "Something went wrong on our side. Quote the request id if you report it.",
                    {"request_id": request_id},
                )
        finally:
            self._finish(scope, request_id, int(status_holder["status"]), started)
            request_id_var.reset(token)

    def _refusal(self, scope: Scope) -> Refusal | None:
        """Requests refused before the app sees them: too large, or carrying NUL in the URL."""
        declared_length = _header(scope, b"content-length")
        if (
            declared_length
            and declared_length.isdigit()
            and int(declared_length) > self.max_body_bytes
        ):
            return Refusal(
                413,
                "request_too_large",
                f"The request body is larger than {self.max_body_bytes} bytes.",
            )
        header_bytes = sum(len(k) + len(v) + 4 for k, v in scope.get("headers", []))
        if header_bytes > MAX_HEADER_BYTES:
            return Refusal(
                431,
                "headers_too_large",
                f"The request headers are larger than {MAX_HEADER_BYTES} bytes.",
            )
        if nul_at := _nul_locations(scope):
            errors = [
                {"loc": loc, "msg": "must not contain NUL characters", "type": "value_error"}
                for loc in nul_at
            ]
            return Refusal(
                422,
                "validation_failed",
                "Some fields are missing or not valid.",
                {"errors": errors},
            )
        return None

    @staticmethod
    async def _send_problem(
        send: Send,
        request_id: str,
        status: int,
        code: str,
        detail: str,
        extra: dict[str, Any] | None = None,
        *,
        retry_after: int | None = None,
    ) -> None:
        body = json.dumps(problem_body(status, code, detail, extra)).encode()
        headers = [
            (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
            (b"content-length", str(len(body)).encode()),
            (b"x-request-id", request_id.encode()),
        ]
        if retry_after is not None:
            headers.append((b"retry-after", str(retry_after).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    @staticmethod
    def _finish(scope: Scope, request_id: str, status: int, started: float) -> None:
        elapsed = time.perf_counter() - started
        route = _route_template(scope)
        method = scope["method"]
        HTTP_REQUESTS.labels(method=method, route=route, status=str(status)).inc()
        HTTP_REQUEST_DURATION.labels(method=method, route=route).observe(elapsed)
        client = scope.get("client")
        logger.info(
            "%s %s %s",
            method,
            route,
            status,
            extra={
                "httpRequest": {
                    "requestMethod": method,
                    # The path only: query strings can carry OAuth codes and state.
                    "requestUrl": _loggable_path(scope),
                    "status": status,
                    "latency": f"{elapsed:.6f}s",
                    "userAgent": _header(scope, b"user-agent") or "",
                    "remoteIp": client[0] if client else "",
                },
            },
        )
