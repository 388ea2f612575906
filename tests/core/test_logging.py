"""Logs as their readers meet them: JSON for Cloud Logging (no terminal colour codes inside),
plain lines for a person at a terminal or trying the demo."""

from __future__ import annotations

import json
import logging
import os
import pty
import re
import subprocess
import sys
import threading
from pathlib import Path

import httpx2
import pytest

from tests.demo.support import READY, demo_env
from tests.support.processes import TUTORCAL, ServerProcess, free_port, wait_for
from tests.test_schema import cli_env
from tutorcal.core.logging import PlainFormatter, request_id_var

PLAIN_LINE = re.compile(r"^\d\d:\d\d:\d\d (DEBUG|INFO|WARNING|ERROR|CRITICAL) +\S")
ESCAPE = "\x1b"


def _served_output(env: dict[str, str], tmp_path: Path) -> str:
    server = ServerProcess(env=env, cwd=tmp_path)
    try:
        if env["TUTORCAL_DEMO"] == "true":
            server.wait_for_output(READY)  # set up: every kind of line has been written
        server.wait_ready()
        httpx2.get(f"{server.base_url}/healthz", headers={"X-Request-ID": "log-check-1"})
        assert server.terminate() == 0
    finally:
        server.stop()
    return server.output()


@pytest.mark.slow
def test_serve_into_a_pipe_logs_json_lines_without_terminal_colour_codes(tmp_path: Path) -> None:
    output = _served_output(cli_env(f"sqlite://{tmp_path}/db.sqlite3"), tmp_path)

    lines = [json.loads(line) for line in output.splitlines()]
    assert ESCAPE not in output
    assert not any("color_message" in line for line in lines)
    assert any(line["message"].startswith("Uvicorn running on http://") for line in lines)
    assert {line["severity"] for line in lines} <= {"DEBUG", "INFO", "WARNING", "ERROR"}
    access = next(line for line in lines if line.get("request_id") == "log-check-1")
    assert access["httpRequest"]["requestUrl"] == "/healthz"


@pytest.mark.slow
def test_demo_mode_logs_plain_lines_a_person_reads(tmp_path: Path) -> None:
    output = _served_output(demo_env(tmp_path), tmp_path)

    log_lines = [line for line in output.splitlines() if PLAIN_LINE.match(line)]
    assert ESCAPE not in output
    assert not any(line.startswith("{") for line in output.splitlines())
    assert any("Uvicorn running on http://" in line for line in log_lines)
    assert any(re.search(r"INFO +GET /healthz 200 \(\d+ ms\)$", line) for line in log_lines)


@pytest.mark.slow
def test_serve_at_a_terminal_logs_plain_lines(tmp_path: Path) -> None:
    port = free_port()
    controller, terminal = pty.openpty()
    env = {**os.environ, **cli_env(f"sqlite://{tmp_path}/db.sqlite3")}
    env["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [TUTORCAL, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=terminal,
        stderr=terminal,
    )
    os.close(terminal)
    seen: list[bytes] = []
    reader = threading.Thread(target=_read_all, args=(controller, seen), daemon=True)
    reader.start()
    try:
        wait_for(lambda: b"Uvicorn running on" in b"".join(seen), timeout=30)
    finally:
        process.terminate()
        process.wait(15)
        reader.join(5)
        os.close(controller)
    lines = b"".join(seen).decode().replace("\r\n", "\n").splitlines()
    assert any(PLAIN_LINE.match(line) and "Uvicorn running on" in line for line in lines)
    assert not any(line.startswith("{") for line in lines)


def _read_all(descriptor: int, into: list[bytes]) -> None:
    while True:
        try:
            chunk = os.read(descriptor, 4096)
        except OSError:  # the terminal closed
            return
        if not chunk:
            return
        into.append(chunk)


def _record(message: str, *args: object, **extra: object) -> logging.LogRecord:
    record = logging.makeLogRecord(
        {"name": "tutorcal.test", "levelno": logging.INFO, "levelname": "INFO"}
    )
    record.msg, record.args = message, args
    record.__dict__.update(extra)
    return record


def test_a_plain_line_keeps_secrets_out_like_the_json_does() -> None:
    line = PlainFormatter().format(
        _record("refreshed %s after /callback?code=%s", "ya29.secret-token", "4/0abc")
    )
    assert "ya29.secret-token" not in line
    assert "4/0abc" not in line
    assert "ya29.[redacted]" in line


def test_a_plain_line_shows_an_access_line_and_extra_fields_in_words() -> None:
    access = _record(
        "GET /api/v1/me 200",
        httpRequest={"requestMethod": "GET", "requestUrl": "/api/v1/me", "status": 200},
        color_message="\x1b[1mignored\x1b[0m",
    )
    access.httpRequest["latency"] = "0.012300s"  # type: ignore[attr-defined]
    ready = _record("tutorcal ready", dialect="sqlite", demo=True)

    assert PlainFormatter().format(access).endswith("INFO    GET /api/v1/me 200 (12 ms)")
    assert PlainFormatter().format(ready).endswith("tutorcal ready  dialect=sqlite demo=True")


def test_a_plain_warning_names_its_logger_and_request_and_carries_the_trace() -> None:
    token = request_id_var.set("req-42")
    try:
        try:
            raise RuntimeError("boom with refresh_token=1//secret")
        except RuntimeError:
            record = _record("sync failed")
            record.levelno, record.levelname = logging.ERROR, "ERROR"
            record.exc_info = sys.exc_info()
        line = PlainFormatter().format(record)
    finally:
        request_id_var.reset(token)
    first, *trace = line.splitlines()
    assert first.endswith("ERROR   tutorcal.test: sync failed  request_id=req-42")
    assert any("RuntimeError" in part for part in trace)
    assert "1//secret" not in line
