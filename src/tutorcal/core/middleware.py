"""The outermost layer of every request: request id, access log, metrics, body limit, last-resort 500."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tutorcal.core.logging import request_id_var
from tutorcal.core.metrics import HTTP_REQUEST_DURATION, HTTP_REQUESTS
from tutorcal.errors import PROBLEM_MEDIA_TYPE, problem_body

logger = logging.getLogger("tutorcal.http")

_REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


class RequestTooLargeError(Exception):
    pass


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

        declared_length = _header(scope, b"content-length")
        if (
            declared_length
            and declared_length.isdigit()
            and int(declared_length) > self.max_body_bytes
        ):
            await self._send_problem(
                send,
                request_id,
                413,
                "request_too_large",
                f"The request body is larger than {self.max_body_bytes} bytes.",
            )
            self._finish(scope, request_id, 413, started)
            request_id_var.reset(token)
            return

        query = scope.get("query_string", b"")
        if b"%00" in query or b"\x00" in query:
            # PostgreSQL text cannot hold U+0000 and no search or filter needs it; refused
            # here once rather than as a database error in every route that queries text.
            await self._send_problem(
                send,
                request_id,
                422,
                "validation_failed",
                "The query string contains a NUL character.",
                {"errors": [{"loc": ["query"], "msg": "NUL character", "type": "value_error"}]},
            )
            self._finish(scope, request_id, 422, started)
            request_id_var.reset(token)
            return

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise RequestTooLargeError
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
        except Exception:
            logger.exception(
                "unhandled error while answering %s %s", scope["method"], scope["path"]
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

    @staticmethod
    async def _send_problem(
        send: Send,
        request_id: str,
        status: int,
        code: str,
        detail: str,
        extra: dict[str, Any] | None = None,
    ) -> None:
        body = json.dumps(problem_body(status, code, detail, extra)).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                    (b"content-length", str(len(body)).encode()),
                    (b"x-request-id", request_id.encode()),
                ],
            }
        )
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
