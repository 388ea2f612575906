"""Serve the emulator on its own port: the demo-seeded one for ``tutorcal emulator --port``,
or any emulator app in a background thread for tests."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import uvicorn
from starlette.types import ASGIApp

from tutorcal.emulator.demo import create_demo_emulator

DEFAULT_PORT = 8765


class NotLoopback(ValueError):
    """The emulator signs anyone in as anyone and its control API has no auth."""


def is_loopback_host(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def run_emulator(
    host: str,
    port: int,
    *,
    redirect_uris: Sequence[str] | None = None,
    log_level: str = "info",
) -> None:
    """Blocks until interrupted. ``redirect_uris`` default to tutorcal on port 8000. Refuses
    any address but loopback: the emulator must never face a network."""
    if not is_loopback_host(host):
        raise NotLoopback(f"the Google emulator listens on loopback only, not on {host!r}")
    uvicorn.run(
        create_demo_emulator(redirect_uris),
        host=host,
        port=port,
        log_level=log_level,
        # Nothing sits in front of a loopback emulator, so no X-Forwarded-* is believed.
        proxy_headers=False,
    )


@contextmanager
def serving_in_background(app: ASGIApp, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve ``app`` on a free port in a daemon thread for the ``with`` block; yields its base
    URL. For tests: real HTTP, so the client under test cannot tell it from Google."""
    if not is_loopback_host(host):
        raise NotLoopback(f"the Google emulator listens on loopback only, not on {host!r}")
    # Binding here, not in uvicorn, makes the port ours before the thread starts: no race
    # with another test picking the same "free" port.
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    # Measured: on a socket handed to uvicorn, without this every request waited ~40 ms
    # (Nagle meeting delayed ACKs); accepted connections inherit the option.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", lifespan="off", ws="none", proxy_headers=False)
    )
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="google-emulator", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the Google emulator did not start")
            time.sleep(0.01)
        yield f"http://{host if ':' not in host else f'[{host}]'}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
