"""Where the demo listens: the port alone moves it, a busy port is one line, and it stays off
the network unless told otherwise in so many words."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx2
import pytest

from tests.support.processes import ServerProcess, free_port, run_tutorcal
from tests.test_schema import cli_env

from .support import READY, SAM, demo_env, signed_in


@pytest.mark.slow
def test_port_alone_moves_the_demo_its_sign_in_and_its_google_emulator(tmp_path: Path) -> None:
    port = free_port()
    server = ServerProcess(
        env=demo_env(tmp_path, PORT=str(port)), port=port, as_configured=True, cwd=tmp_path
    )
    try:
        server.wait_for_output(READY)
        address = f"http://localhost:{port}"
        discovery = httpx2.get(f"{address}/_google/.well-known/openid-configuration").json()
        with signed_in(address, SAM) as browser:
            me = browser.get("/api/v1/me")
    finally:
        server.terminate()
        server.stop()
    assert discovery["issuer"] == f"{address}/_google"
    assert me.status_code == 200, me.text
    assert me.json()["email"] == SAM


def _one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


@pytest.mark.slow
@pytest.mark.parametrize("demo", [True, False], ids=["demo", "production"])
def test_a_busy_port_stops_serve_with_one_line_saying_to_set_port(
    tmp_path: Path, demo: bool
) -> None:
    env = demo_env(tmp_path) if demo else cli_env(f"sqlite://{tmp_path}/demo.sqlite3")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_tutorcal(
            "serve", "--host", "127.0.0.1", env={**env, "PORT": str(port)}, cwd=tmp_path
        )
    assert result.returncode == 2
    line = _one_line(result.stderr)
    assert f"port {port}" in line
    assert "set PORT" in line
    assert not (tmp_path / "demo.sqlite3").exists(), "the app started before the port was tried"


@pytest.mark.slow
@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.2"])
def test_demo_mode_refuses_to_listen_beyond_loopback_in_one_line(tmp_path: Path, host: str) -> None:
    result = run_tutorcal(
        "serve", "--host", host, "--port", str(free_port()), env=demo_env(tmp_path), cwd=tmp_path
    )
    assert result.returncode == 2
    line = _one_line(result.stderr)
    assert "loopback" in line
    assert "TUTORCAL_DEMO_UNSAFE_ALLOW_NETWORK" in line


@pytest.mark.slow
def test_demo_mode_runs_one_worker_only(tmp_path: Path) -> None:
    result = run_tutorcal("serve", "--workers", "2", env=demo_env(tmp_path), cwd=tmp_path)
    assert result.returncode == 2
    assert "one worker" in _one_line(result.stderr)
