"""Real processes for tests: the ``tutorcal`` command on a loopback port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import httpx2

TUTORCAL = str(Path(sys.executable).parent / "tutorcal")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_tutorcal(
    *args: str, env: Mapping[str, str], cwd: Path | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TUTORCAL, *args],
        env={**os.environ, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


class ServerProcess:
    """``tutorcal serve`` in a child process; stopped with SIGTERM like Cloud Run does.

    By default it is told its port (``--port``) and its address (``PUBLIC_BASE_URL``);
    ``args`` replaces the options, and ``as_configured`` leaves both to ``env``.
    """

    def __init__(
        self,
        env: Mapping[str, str],
        port: int | None = None,
        *,
        args: Sequence[str] | None = None,
        as_configured: bool = False,
        cwd: Path | None = None,
    ) -> None:
        self.port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        if args is None:
            args = [] if as_configured else ["--host", "127.0.0.1", "--port", str(self.port)]
        told = {} if as_configured else {"PUBLIC_BASE_URL": self.base_url}
        inherited = {
            name: value
            for name, value in os.environ.items()
            if not (as_configured and name in {"PORT", "PUBLIC_BASE_URL"})
        }
        # A file, not a pipe: nobody reads a pipe while the test runs, and a server whose
        # log fills the pipe's buffer blocks on its next write.
        self._log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - closed in output()
        self.process = subprocess.Popen(
            [TUTORCAL, "serve", *args],
            env={**inherited, **told, **env},
            cwd=cwd,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._output: str | None = None

    def wait_ready(self, timeout: float = 90) -> None:
        # A generous ceiling: an early exit fails at once above, and on a loaded machine (CI
        # beside other work) a cold start with migrations has been seen to take over 30 s.
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"tutorcal serve exited early:\n{self.output()}")
            try:
                if httpx2.get(f"{self.base_url}/readyz", timeout=1).status_code == 200:
                    return
            except httpx2.TransportError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"tutorcal serve was not ready in {timeout} s")

    def terminate(self, timeout: float = 10) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise

    def wait_for_output(self, text: str, timeout: float = 60) -> None:
        """Until the server has printed ``text`` (read without moving the file offset the
        server writes at)."""
        deadline = time.monotonic() + timeout
        while True:
            written = os.fstat(self._log.fileno()).st_size
            if text in os.pread(self._log.fileno(), written, 0).decode(errors="replace"):
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"tutorcal serve exited before printing {text!r}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"tutorcal serve did not print {text!r} in {timeout} s")
            time.sleep(0.1)

    def output(self) -> str:
        """Everything the server printed; only once it has exited."""
        if self.process.poll() is None:
            return ""
        if self._output is None:
            self._log.seek(0)
            self._output = self._log.read()
            self._log.close()
        return self._output

    def stop(self) -> None:
        """Kill it if a test left it running, and release its pipe."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.output()


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> float:
    """Seconds it took for ``condition`` to hold; fails after ``timeout``."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout, "condition not met in time"
        time.sleep(0.02)
    return time.monotonic() - started
