"""What only a real ``tutorcal serve`` shows: uvicorn's handling of oversized and malformed
headers, bodies streamed without a length, and which address X-Forwarded-For may claim."""

from __future__ import annotations

import contextlib
import json
import secrets
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from tests.conftest import BASE_SETTINGS
from tests.support.emulator import TEST_CLIENT_ID, TEST_CLIENT_SECRET, EmulatorServer
from tests.support.processes import ServerProcess, free_port

pytestmark = pytest.mark.slow

LOGIN = "/api/v1/auth/google/login"


def serve(directory: Path, emulator: EmulatorServer, **env: str) -> ServerProcess:
    server = ServerProcess(
        {
            "DATABASE_URL": f"sqlite://{directory}/server.sqlite3",
            "TUTORCAL_DEMO": "false",
            "GOOGLE_CLIENT_ID": TEST_CLIENT_ID,
            "GOOGLE_CLIENT_SECRET": TEST_CLIENT_SECRET,
            "GOOGLE_DISCOVERY_URL": emulator.discovery_url,
            "GOOGLE_CALENDAR_API_URL": emulator.calendar_url,
            "TOKEN_ENCRYPTION_KEYS": str(BASE_SETTINGS["token_encryption_keys"]),
            "LOG_LEVEL": "WARNING",
            **env,
        }
    )
    server.wait_ready()
    return server


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, _emulator_server: EmulatorServer
) -> Iterator[ServerProcess]:
    running = serve(tmp_path_factory.mktemp("serve"), _emulator_server)
    yield running
    running.terminate()
    running.stop()


def raw_exchange(server: ServerProcess, request: bytes) -> bytes:
    """Send bytes as they are (no client library to tidy them up); the answer, or b"" if none."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        # The server may answer and close before it has read everything sent.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(request)
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except (ConnectionResetError, TimeoutError):
            pass
    return received


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def test_oversized_headers_are_431_problem_json_or_400_from_the_parser(
    server: ServerProcess,
) -> None:
    def get_healthz(headers: bytes) -> bytes:
        request = b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + headers + b"Connection: close\r\n\r\n"
        return raw_exchange(server, request)

    # A head sent in one write reaches the app whole: the app refuses it.
    for headers in (
        b"X-Huge: " + b"a" * 100_000 + b"\r\n",
        b"".join(b"X-Many-%d: v\r\n" % n for n in range(5_000)),
    ):
        answer = get_healthz(headers)
        assert status_of(answer) == 431, answer[:300]
        assert b"application/problem+json" in answer
        assert b'"code":"headers_too_large"' in answer.replace(b" ", b"")
    # One larger than a socket read arrives in pieces, and uvicorn's parser stops it first.
    assert status_of(get_healthz(b"X-Huge: " + b"a" * 2_000_000 + b"\r\n")) == 400
    assert httpx2.get(f"{server.base_url}/healthz").status_code == 200


def test_malformed_header_bytes_are_refused_by_the_parser(server: ServerProcess) -> None:
    for header in (b"X-Request-ID: a\x00b", b"X-Request-ID: a\rSet-Cookie: x=y", b"Bad Name: v"):
        answer = raw_exchange(
            server,
            b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + header + b"\r\nConnection: close\r\n\r\n",
        )
        assert status_of(answer) == 400, answer[:200]
        assert b"set-cookie" not in answer.lower()


def test_a_body_streamed_without_a_length_is_cut_off_at_the_limit(server: ServerProcess) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(200):
            yield b"x" * 1024  # 200 KiB in all, the limit is 64 KiB

    response = httpx2.post(
        f"{server.base_url}/api/v1/bookings",
        content=chunks(),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


def test_x_forwarded_for_counts_only_from_a_trusted_proxy(
    tmp_path: Path, emulator: EmulatorServer
) -> None:
    limits = {"RATE_LIMIT_SIGN_IN_PER_ADDRESS": "3/minute"}
    # Nobody is trusted: a client naming a new address each time is still one address.
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    untrusted = serve(tmp_path / "a", emulator, FORWARDED_ALLOW_IPS="192.0.2.1", **limits)
    try:
        spoofed = [
            httpx2.get(
                f"{untrusted.base_url}{LOGIN}", headers={"X-Forwarded-For": f"203.0.113.{n}"}
            ).status_code
            for n in range(4)
        ]
    finally:
        untrusted.terminate()
        untrusted.stop()
    assert spoofed == [302, 302, 302, 429]

    # Behind a trusted proxy (this test stands in for it), its X-Forwarded-For is the client.
    proxied = serve(tmp_path / "b", emulator, FORWARDED_ALLOW_IPS="127.0.0.1", **limits)
    try:
        per_client = [
            httpx2.get(
                f"{proxied.base_url}{LOGIN}", headers={"X-Forwarded-For": f"203.0.113.{n % 2}"}
            ).status_code
            for n in range(8)
        ]
    finally:
        proxied.terminate()
        proxied.stop()
    assert per_client == [302] * 6 + [429, 429]


def forged_then_real(real: str, *appended: str) -> dict[str, str]:
    """What reaches the app when a client writes a random address and the proxies append theirs."""
    forged = f"198.18.{secrets.randbelow(256)}.{secrets.randbelow(256)}"
    return {"X-Forwarded-For": ", ".join([forged, real, *appended])}


@pytest.mark.parametrize(
    ("hops", "appended"),
    [("1", ()), ("2", ("192.0.2.80",))],  # *.run.app; behind a load balancer (its own address)
)
def test_a_client_cannot_escape_the_rate_limit_by_writing_its_own_x_forwarded_for(
    tmp_path: Path, emulator: EmulatorServer, hops: str, appended: tuple[str, ...]
) -> None:
    # As on Cloud Run: every peer is the front end, so every peer is trusted.
    server = serve(
        tmp_path,
        emulator,
        FORWARDED_ALLOW_IPS="*",
        FORWARDED_TRUSTED_HOPS=hops,
        RATE_LIMIT_SIGN_IN_PER_ADDRESS="3/minute",
        LOG_LEVEL="INFO",
    )
    try:
        statuses = [
            httpx2.get(
                f"{server.base_url}{LOGIN}", headers=forged_then_real("203.0.113.7", *appended)
            ).status_code
            for _ in range(4)
        ]
        other_client = httpx2.get(
            f"{server.base_url}{LOGIN}", headers=forged_then_real("203.0.113.8", *appended)
        ).status_code
    finally:
        server.terminate()
        server.stop()
    assert statuses == [302, 302, 302, 429]
    assert other_client == 302
    access = [
        json.loads(line)["httpRequest"]
        for line in server.output().splitlines()
        if line.startswith("{") and '"httpRequest"' in line
    ]
    logged = [entry["remoteIp"] for entry in access if entry["requestUrl"] == LOGIN]
    assert logged == ["203.0.113.7"] * 4 + ["203.0.113.8"]


def listening_addresses(port: int) -> set[str]:
    """The IPv4 addresses something listens on at ``port`` (Linux's /proc/net/tcp)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, port_hex = local.split(":")
        if state == "0A" and int(port_hex, 16) == port:  # 0A: LISTEN
            found.add(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
    return found


def test_with_metrics_port_set_the_metrics_are_on_loopback_only_and_off_the_public_path(
    tmp_path: Path, emulator: EmulatorServer
) -> None:
    metrics_port = free_port()
    server = serve(tmp_path, emulator, METRICS_PORT=str(metrics_port))
    try:
        public = httpx2.get(f"{server.base_url}/metrics")
        private = httpx2.get(f"http://127.0.0.1:{metrics_port}/metrics")
        bound = listening_addresses(metrics_port)
    finally:
        assert server.terminate() == 0, "a clean stop, metrics listener included"
        server.stop()
    assert public.status_code == 404
    assert public.headers["content-type"] == "application/problem+json"
    assert private.status_code == 200
    assert "tutorcal_http_requests_total" in private.text
    assert bound == {"127.0.0.1"}
