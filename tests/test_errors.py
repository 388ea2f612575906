"""Every error is problem+json with a stable code, never a stack trace."""

from __future__ import annotations

import io
import json
import logging

import httpx2
import pytest
from fastapi import FastAPI

from tests.auth.test_sessions import signed_in
from tests.support.browser import Browser
from tests.support.emulator import EmulatorServer
from tutorcal.core.logging import CloudLoggingFormatter

PROBLEM_FIELDS = {"type", "title", "status", "detail", "code"}


def assert_problem(response: httpx2.Response, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body.keys() >= PROBLEM_FIELDS
    assert body["status"] == status
    assert body["code"] == code
    return dict(body)


async def test_unknown_path_is_a_404_problem(client: httpx2.AsyncClient) -> None:
    assert_problem(await client.get("/api/v1/nothing-here"), 404, "not_found")


async def test_wrong_method_is_a_405_problem(client: httpx2.AsyncClient) -> None:
    assert_problem(await client.delete("/healthz"), 405, "method_not_allowed")


async def test_a_405_names_every_method_of_the_address(client: httpx2.AsyncClient) -> None:
    response = await client.options("/api/v1/me")
    assert_problem(response, 405, "method_not_allowed")
    assert response.headers["allow"] == "GET, PATCH, DELETE"


async def test_a_nul_character_in_the_query_string_is_a_422_problem(
    client: httpx2.AsyncClient,
) -> None:
    response = await client.get("/api/v1/tutors", params={"q": "a\x00b"})
    assert_problem(response, 422, "validation_failed")


async def test_a_nul_character_in_a_body_is_a_422_problem_naming_the_field(
    browser: Browser, emulator: EmulatorServer
) -> None:
    await signed_in(browser, emulator)
    response = await browser.app.post(
        "/api/v1/me/api-tokens", json={"name": "a\u0000b"}, headers=browser.csrf
    )
    body = assert_problem(response, 422, "validation_failed")
    assert body["errors"] == [
        {
            "loc": ["body", "name"],
            "msg": "Value error, text must not contain the NUL character (U+0000)",
            "type": "value_error",
        }
    ]


async def test_invalid_input_is_a_422_problem_naming_the_field(
    app: FastAPI, client: httpx2.AsyncClient
) -> None:
    @app.get("/api/test/numbers")
    async def numbers(count: int) -> dict[str, int]:
        return {"count": count}

    body = assert_problem(
        await client.get("/api/test/numbers?count=many"), 422, "validation_failed"
    )
    errors = body["errors"]
    assert isinstance(errors, list)
    assert errors[0]["loc"] == ["query", "count"]


async def test_a_body_that_is_not_utf8_is_a_422_problem_like_broken_json(
    app: FastAPI, client: httpx2.AsyncClient
) -> None:
    @app.post("/api/test/echo")
    async def echo(body: dict[str, int]) -> dict[str, int]:
        return body

    for raw in (b"\xff\xfe\x00garbage", b"{not json"):
        response = await client.post(
            "/api/test/echo", content=raw, headers={"content-type": "application/json"}
        )
        body = assert_problem(response, 422, "validation_failed")
        errors = body["errors"]
        assert isinstance(errors, list)
        assert errors[0]["type"] == "json_invalid"


async def test_an_unexpected_error_is_a_500_problem_without_a_trace_and_is_logged_with_the_request_id(
    app: FastAPI, client: httpx2.AsyncClient
) -> None:
    @app.get("/api/test/explode")
    async def explode() -> None:
        raise RuntimeError("secret internals: ya29.abcdef")

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(CloudLoggingFormatter("%(message)s %(levelname)s"))
    http_logger = logging.getLogger("tutorcal.http")
    http_logger.addHandler(handler)
    http_logger.setLevel(logging.INFO)
    try:
        response = await client.get("/api/test/explode", headers={"X-Request-ID": "trace-me-1"})
    finally:
        http_logger.removeHandler(handler)
        http_logger.setLevel(logging.NOTSET)

    body = assert_problem(response, 500, "internal_error")
    assert body["request_id"] == "trace-me-1"
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    error_line = next(line for line in lines if line["severity"] == "ERROR")
    assert error_line["request_id"] == "trace-me-1"
    assert "RuntimeError" in error_line["exc_info"]
    assert "ya29.abcdef" not in stream.getvalue()
    assert any(line.get("httpRequest", {}).get("status") == 500 for line in lines)


def capture_http_log() -> tuple[io.StringIO, logging.Handler]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(CloudLoggingFormatter("%(message)s %(levelname)s"))
    logging.getLogger("tutorcal.http").addHandler(handler)
    logging.getLogger("tutorcal.http").setLevel(logging.INFO)
    return stream, handler


@pytest.mark.parametrize(
    ("failure", "status"),
    [(RuntimeError("a bug"), 500), (ConnectionResetError("the database went away"), 503)],
)
async def test_a_failing_request_logs_its_route_template_never_a_token_in_its_path(
    app: FastAPI, client: httpx2.AsyncClient, failure: Exception, status: int
) -> None:
    @app.get("/api/test/calendar-feed/{token}.ics")
    async def feed(token: str) -> None:
        raise failure

    stream, handler = capture_http_log()
    try:
        response = await client.get("/api/test/calendar-feed/feed-secret-0123456789.ics")
    finally:
        logging.getLogger("tutorcal.http").removeHandler(handler)
        logging.getLogger("tutorcal.http").setLevel(logging.NOTSET)

    assert response.status_code == status
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    failure_line = next(line for line in lines if line["severity"] in {"ERROR", "WARNING"})
    assert "/api/test/calendar-feed/{token}.ics" in failure_line["message"]
    assert "feed-secret-0123456789" not in stream.getvalue()


def test_a_password_inside_a_url_never_reaches_a_log_line() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(CloudLoggingFormatter("%(message)s %(levelname)s"))
    logger = logging.getLogger("tutorcal.test.urls")
    logger.addHandler(handler)
    try:
        logger.error(
            "cannot reach postgres://tutorcal:db-pass-0001@/tutorcal?host=/cloudsql/p:r:i "
            "nor redis://:redis-pass-0002@10.0.0.3:6379/0"
        )
        try:
            raise OSError("connect to mysql://root:db-pass-0003@db:3306/tutorcal failed")
        except OSError:
            logger.exception("while migrating")
    finally:
        logger.removeHandler(handler)
    written = stream.getvalue()
    for password in ("db-pass-0001", "redis-pass-0002", "db-pass-0003"):
        assert password not in written
    assert "postgres://tutorcal:[redacted]@/tutorcal?host=/cloudsql/p:r:i" in written
    assert "redis://:[redacted]@10.0.0.3:6379/0" in written


async def test_an_oversized_body_is_refused_with_413(
    app: FastAPI, client: httpx2.AsyncClient
) -> None:
    @app.post("/api/test/echo")
    async def echo(payload: dict[str, str]) -> dict[str, str]:
        return payload

    too_big = {"text": "x" * (app.state.settings.max_request_body_bytes + 10)}
    assert_problem(await client.post("/api/test/echo", json=too_big), 413, "request_too_large")
    small = await client.post("/api/test/echo", json={"text": "fine"})
    assert small.status_code == 200


async def test_the_openapi_document_describes_error_responses_as_problems(
    client: httpx2.AsyncClient,
) -> None:
    document = (await client.get("/openapi.json")).json()
    assert document["components"]["schemas"]["Problem"]["required"] == [
        "title",
        "status",
        "detail",
        "code",
    ]
    booking = document["paths"]["/api/v1/bookings"]["post"]["responses"]
    assert "session_full" in booking["409"]["description"]
    assert booking["409"]["content"] == {
        "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
    }
