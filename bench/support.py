"""What every benchmark section shares: subprocesses on loopback ports, environments, PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import os
import platform
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS_PATH = REPO_ROOT / "bench" / "results" / "latest.json"

POSTGRES_SERVER_URL = "postgres://postgres@127.0.0.1:5432"
STOP_TIMEOUT_SECONDS = 10.0


class BenchError(Exception):
    """A subject failed to start or answer; the message carries the tail of its log."""


class KilledBySignal(BenchError):
    """A subject died of a signal before the bench stopped it: not its own failure."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def tutorcal_launcher() -> list[str]:
    # The installed console script runs on this same interpreter (the venv's python).
    script = Path(sys.executable).parent / "tutorcal"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from tutorcal.cli import main; main()"]


def tutorcal_command(port: int) -> list[str]:
    return [*tutorcal_launcher(), "serve", "--host", "127.0.0.1", "--port", str(port)]


def base_environment() -> dict[str, str]:
    """A small, explicit environment, so nothing from the caller's shell changes the subjects."""
    env = {
        name: os.environ[name]
        for name in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TZ")
        if name in os.environ
    }
    # `bench` is imported from the repository; the subjects run in a scratch directory so that
    # a developer's .env (which tutorcal's settings read from the working directory) is ignored.
    env["PYTHONPATH"] = str(REPO_ROOT)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def new_fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


def get_status(port: int, path: str, timeout: float = 2.0) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Connection": "close"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def log_tail(log_path: Path, lines: int = 25) -> str:
    try:
        text = log_path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:]) or "(empty log)"


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process group, wait, then SIGKILL whatever is left."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    # Children that outlived their parent are still in the group.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


@contextlib.contextmanager
def spawned(
    command: Sequence[str], env: dict[str, str], cwd: Path, log_path: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """The command in a process group of its own, output to ``log_path``; stopped on exit."""
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield process
        finally:
            stop(process)


async def postgres_admin(statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(f"{POSTGRES_SERVER_URL}/postgres", timeout=10)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def create_postgres_database(name: str) -> str:
    asyncio.run(postgres_admin(f'CREATE DATABASE "{name}"'))
    return f"{POSTGRES_SERVER_URL}/{name}"


def drop_postgres_database(name: str) -> None:
    try:
        asyncio.run(postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    except Exception as exc:
        print(f"bench: could not drop database {name}: {exc}", file=sys.stderr)


def package_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "?"


def environment_description() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "executable": sys.executable,
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "versions": {
            name: package_version(name)
            for name in ("fastapi", "uvicorn", "tortoise-orm", "asyncpg", "pydantic", "tutorcal")
        },
    }
