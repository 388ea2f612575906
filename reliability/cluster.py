"""The deployment under test: its own PostgreSQL cluster, the emulator, app processes, a worker.

PostgreSQL is a cluster of the run's own (Debian's ``pg_createcluster``), so that restarting
it mid-run, as the fault schedule does, disturbs nothing else on the machine. The app
processes sit behind a round-robin TCP front end, as Cloud Run's: the OAuth redirect and the
push address are the front end's, so a killed instance's traffic moves to the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bench.staging import (
    base_environment,
    free_port,
    get_status,
    log_tail,
    new_fernet_key,
    stop,
    tutorcal_launcher,
)

CLUSTER_NAME = "tutorcal-reliability"
CLUSTER_PORT = 54329
DATABASE = "tutorcal_reliability"
EMULATOR_CLIENT_ID = "tutorcal-reliability.apps.googleusercontent.com"
EMULATOR_CLIENT_SECRET = "tutorcal-reliability-secret"


class ClusterError(Exception):
    pass


def _pg_version() -> str:
    versions = sorted(Path("/etc/postgresql").iterdir()) if Path("/etc/postgresql").exists() else []
    if not versions or shutil.which("pg_ctlcluster") is None:
        raise ClusterError(
            "the reliability run needs Debian's PostgreSQL server tools (pg_createcluster, "
            "pg_ctlcluster): apt-get install postgresql"
        )
    return versions[-1].name


def _run(*command: str, timeout: float = 120) -> str:
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise ClusterError(f"{' '.join(command)} failed: {done.stderr.strip() or done.stdout}")
    return done.stdout


@dataclass
class PostgresCluster:
    """A PostgreSQL cluster that belongs to the run: created once, started and restarted at will."""

    version: str = field(default_factory=_pg_version)
    name: str = CLUSTER_NAME
    port: int = CLUSTER_PORT

    @property
    def server_url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}"

    def ensure_running(self) -> None:
        if not Path(f"/etc/postgresql/{self.version}/{self.name}").exists():
            _run(
                "pg_createcluster",
                self.version,
                self.name,
                "--port",
                str(self.port),
                "--",
                "--auth=trust",
            )
        status = subprocess.run(
            ["pg_ctlcluster", self.version, self.name, "status"],
            capture_output=True,
            check=False,
        )
        if status.returncode != 0:
            self.ctl("start")
        self.wait_accepting()

    def ctl(self, action: str) -> None:
        _run("pg_ctlcluster", "--skip-systemctl-redirect", self.version, self.name, action)

    def wait_accepting(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if asyncio.run(self._answers()):
                return
            time.sleep(0.2)
        raise ClusterError(f"PostgreSQL cluster {self.name} did not accept connections")

    async def _answers(self) -> bool:
        import asyncpg

        try:
            connection = await asyncpg.connect(f"{self.server_url}/postgres", timeout=2)
        except (OSError, asyncpg.PostgresError):
            return False
        await connection.close()
        return True

    def fresh_database(self) -> str:
        async def recreate() -> None:
            import asyncpg

            connection = await asyncpg.connect(f"{self.server_url}/postgres", timeout=10)
            try:
                await connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
                await connection.execute(f'CREATE DATABASE "{DATABASE}"')
            finally:
                await connection.close()

        asyncio.run(recreate())
        return f"{self.server_url}/{DATABASE}"


class FrontEnd:
    """Round-robin TCP forwarding to whichever app instances accept a connection."""

    def __init__(self, backends: list[int]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._backends = backends
        self._turn = itertools.count()
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        for _ in range(len(self._backends)):
            port = self._backends[next(self._turn) % len(self._backends)]
            with contextlib.suppress(OSError):
                return await asyncio.open_connection("127.0.0.1", port)
        return None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream = await self._connect()
        if upstream is None:
            writer.close()
            return
        up_reader, up_writer = upstream
        # Cancelled when the run's event loop ends with connections still open: that is the end.
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(
                self._pipe(reader, up_writer), self._pipe(up_reader, writer), return_exceptions=True
            )

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        finally:
            with contextlib.suppress(Exception):
                writer.close()


@dataclass
class Process:
    name: str
    command: list[str]
    env: dict[str, str]
    log_path: Path
    port: int | None = None
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    def start(self) -> None:
        self.starts += 1
        log = self.log_path.open("ab")
        log.write(f"\n--- start {self.starts} ---\n".encode())
        log.flush()
        self.process = subprocess.Popen(
            self.command,
            env=self.env,
            cwd=self.log_path.parent,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def wait_ready(self, path: str = "/readyz", timeout: float = 60) -> None:
        assert self.port is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise ClusterError(f"{self.name} exited early:\n{log_tail(self.log_path)}")
            with contextlib.suppress(OSError):
                if get_status(self.port, path) == 200:
                    return
            time.sleep(0.1)
        raise ClusterError(f"{self.name} was not ready in {timeout} s:\n{log_tail(self.log_path)}")

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, requests in flight are cut."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, 9)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)


@dataclass
class Deployment:
    postgres: PostgresCluster
    database_url: str
    emulator: Process
    servers: list[Process]
    worker: Process
    front: FrontEnd
    env: dict[str, str]

    @property
    def emulator_url(self) -> str:
        return f"http://127.0.0.1:{self.emulator.port}"

    def processes(self) -> Iterator[Process]:
        yield self.emulator
        yield from self.servers
        yield self.worker


def app_environment(
    database_url: str, emulator_url: str, public_url: str, tutors: list[str], admin: str
) -> dict[str, str]:
    """Production settings but for time scales: a run lasts minutes, not days."""
    return {
        **base_environment(),
        "DATABASE_URL": database_url,
        "TUTORCAL_DEMO": "false",
        "PUBLIC_BASE_URL": public_url,
        "GOOGLE_DISCOVERY_URL": f"{emulator_url}/.well-known/openid-configuration",
        "GOOGLE_CALENDAR_API_URL": f"{emulator_url}/calendar/v3",
        "GOOGLE_CLIENT_ID": EMULATOR_CLIENT_ID,
        "GOOGLE_CLIENT_SECRET": EMULATOR_CLIENT_SECRET,
        "TOKEN_ENCRYPTION_KEYS": new_fernet_key(),
        "TUTOR_EMAILS": ",".join(tutors),
        "ADMIN_EMAILS": admin,
        "LOG_LEVEL": "WARNING",
        "DATABASE_POOL_SIZE": "10",
        # Retries inside a request are brief; the outbox finishes what they do not.
        "GOOGLE_RETRY_BASE_SECONDS": "0.05",
        "GOOGLE_RETRY_TOTAL_SECONDS": "3",
        "OUTBOX_RETRY_BASE_SECONDS": "0.5",
        "OUTBOX_RETRY_CAP_SECONDS": "8",
        "OUTBOX_CLAIM_SECONDS": "15",
        "WORKER_INTERVAL_SECONDS": "2",
        "SYNC_INTERVAL_MINUTES": "1",
        # Every student of the run shares 127.0.0.1: the per-address limits are the front
        # end's business here, the per-user ones still apply.
        "RATE_LIMIT_ENABLED": "false",
    }


def start_deployment(scratch: Path, *, instances: int, tutors: list[str], admin: str) -> Deployment:
    postgres = PostgresCluster()
    postgres.ensure_running()
    database_url = postgres.fresh_database()
    launcher = tutorcal_launcher()
    emulator_port = free_port()
    emulator = Process(
        "emulator",
        [sys.executable, "-m", "bench.emulator_serve", "--port", str(emulator_port)],
        base_environment(),
        scratch / "emulator.log",
        port=emulator_port,
    )
    emulator.start()
    emulator.wait_ready("/.well-known/openid-configuration")
    ports = [free_port() for _ in range(instances)]
    front = FrontEnd(ports)
    env = app_environment(
        database_url, f"http://127.0.0.1:{emulator_port}", front.url, tutors, admin
    )
    migrate = subprocess.run(
        [*launcher, "migrate"], env=env, cwd=scratch, capture_output=True, text=True, check=False
    )
    if migrate.returncode != 0:
        raise ClusterError(f"tutorcal migrate failed:\n{migrate.stdout}{migrate.stderr}")
    servers = [
        Process(
            f"app-{n}",
            [*launcher, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env,
            scratch / f"app-{n}.log",
            port=port,
        )
        for n, port in enumerate(ports)
    ]
    for server in servers:
        server.start()
    for server in servers:
        server.wait_ready()
    worker = Process("worker", [*launcher, "worker"], env, scratch / "worker.log")
    worker.start()
    return Deployment(postgres, database_url, emulator, servers, worker, front, env)
