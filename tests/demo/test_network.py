"""#11.9: a demo reachable from the network would let anyone sign in as its admin and drive
its Google emulator's control API. The mounted emulator answers this computer only: the
connection's own peer address decides, never what X-Forwarded-For claims."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from fastapi import FastAPI

from tests.conftest import IN_CI
from tests.support.processes import ServerProcess, free_port, wait_for
from tutorcal.config import load_settings
from tutorcal.main import create_app

from .support import READY, demo_env

DISCOVERY = "/_google/.well-known/openid-configuration"
CONTROL = "/_google/_emulator/users"


def _demo_app(tmp_path: Path) -> FastAPI:
    settings = load_settings(
        _env_file=None, tutorcal_demo=True, database_url=f"sqlite://{tmp_path}/demo.sqlite3"
    )
    return create_app(settings)


def _from(app: FastAPI, address: str) -> httpx2.AsyncClient:
    transport = httpx2.ASGITransport(app, client=(address, 40123))
    return httpx2.AsyncClient(transport=transport, base_url="http://localhost:8000")


@pytest.mark.parametrize("peer", ["192.0.2.7", "10.1.2.3", "fd00::7", "203.0.113.9"])
@pytest.mark.parametrize("path", [DISCOVERY, CONTROL, "/_google/o/oauth2/v2/auth"])
async def test_the_demo_emulator_answers_another_computer_with_403_problem(
    tmp_path: Path, peer: str, path: str
) -> None:
    async with _from(_demo_app(tmp_path), peer) as stranger:
        answer = await stranger.get(path)
    assert answer.status_code == 403
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["code"] == "demo_loopback_only"


@pytest.mark.parametrize(
    "header", ["X-Forwarded-For", "Forwarded", "X-Real-IP"], ids=lambda h: h.lower()
)
async def test_a_forwarded_header_claiming_loopback_does_not_let_another_computer_in(
    tmp_path: Path, header: str
) -> None:
    claim = "for=127.0.0.1" if header == "Forwarded" else "127.0.0.1"
    async with _from(_demo_app(tmp_path), "192.0.2.7") as stranger:
        answer = await stranger.get(DISCOVERY, headers={header: claim})
    assert answer.status_code == 403


async def test_a_request_relayed_by_a_proxy_on_this_computer_is_refused(tmp_path: Path) -> None:
    async with _from(_demo_app(tmp_path), "127.0.0.1") as proxy:
        answer = await proxy.get(DISCOVERY, headers={"X-Forwarded-For": "203.0.113.9"})
    assert answer.status_code == 403


@pytest.mark.parametrize("peer", ["127.0.0.1", "127.0.0.53", "::1"])
async def test_the_demo_emulator_answers_this_computer(tmp_path: Path, peer: str) -> None:
    async with _from(_demo_app(tmp_path), peer) as local:
        answer = await local.get(DISCOVERY)
    assert answer.status_code == 200


def _non_loopback_address() -> str:
    """This machine's address on its default route (a UDP "connect" sends nothing)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))
            address = str(probe.getsockname()[0])
        except OSError:
            address = "127.0.0.1"
    if address.startswith("127."):
        message = "this machine has no non-loopback address to reach a server from"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return address


@pytest.fixture
def uvicorn_on_every_address(tmp_path: Path) -> Iterator[int]:
    """The app served by uvicorn itself on 0.0.0.0, trusting every proxy: what someone who
    bypasses ``tutorcal serve`` gets. Only the emulator's own guard stands in the way."""
    port = free_port()
    env = {**os.environ, **demo_env(tmp_path), "PUBLIC_BASE_URL": f"http://localhost:{port}"}
    uvicorn = [sys.executable, "-m", "uvicorn", "tutorcal.main:create_app", "--factory"]
    process = subprocess.Popen(
        [*uvicorn, "--host", "0.0.0.0", "--port", str(port), "--forwarded-allow-ips", "*"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:

        def serving() -> bool:
            try:
                return httpx2.get(f"http://127.0.0.1:{port}/healthz", timeout=1).is_success
            except httpx2.TransportError:
                return False

        wait_for(serving, timeout=30)
        yield port
    finally:
        process.terminate()
        process.wait(10)


@pytest.mark.slow
def test_over_a_real_network_another_computer_is_refused_even_claiming_loopback(
    uvicorn_on_every_address: int,
) -> None:
    port = uvicorn_on_every_address
    address = _non_loopback_address()
    remote = f"http://{address}:{port}"
    plain = httpx2.get(f"{remote}{DISCOVERY}", timeout=5)
    forged = httpx2.get(f"{remote}{CONTROL}", headers={"X-Forwarded-For": "127.0.0.1"}, timeout=5)
    local = httpx2.get(f"http://127.0.0.1:{port}{DISCOVERY}", timeout=5)
    assert (plain.status_code, forged.status_code, local.status_code) == (403, 403, 200)
    assert plain.json()["code"] == "demo_loopback_only"


@pytest.mark.slow
def test_the_loudly_named_opt_in_lets_the_demo_listen_on_the_network(tmp_path: Path) -> None:
    port = free_port()
    server = ServerProcess(
        env=demo_env(tmp_path, TUTORCAL_DEMO_UNSAFE_ALLOW_NETWORK="true"),
        port=port,
        args=["--host", "0.0.0.0", "--port", str(port)],
        cwd=tmp_path,
    )
    try:
        server.wait_for_output(READY)
        address = _non_loopback_address()
        answer = httpx2.get(f"http://{address}:{server.port}{DISCOVERY}", timeout=5)
    finally:
        server.terminate()
        server.stop()
    assert answer.status_code == 200
