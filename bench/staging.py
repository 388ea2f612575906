"""What every benchmark section stands on: servers on loopback ports, PostgreSQL, the emulator.

One ``Staging`` per section: everything it starts (a database, the Google emulator, any
number of ``tutorcal serve`` instances, the floors) is stopped, and the database dropped,
when the ``with`` block ends, whichever way it ends::

    from bench.staging import Staging, connect_tutor, sign_in_students

    with Staging(scratch, "rush") as staging:
        database_url = staging.database()        # fresh PostgreSQL database, dropped at the end
        emulator = staging.emulator()            # Google, in a process of its own
        emulator.add_users([TUTOR, *students])   # e-mails; TUTOR must be in tutor_emails
        emulator.add_events(TUTOR, bodies)       # the tutor's calendar: Calendar API bodies
        apps = staging.tutorcal(database_url, emulator, instances=3, tutor_emails=[TUTOR])
        tutor = connect_tutor(apps[0].url, TUTOR)  # signed in, calendar connected, .id
        staging.wait_until(lambda: ..., 30, "the mirror to hold every session")
        signed = sign_in_students([app.url for app in apps], students)  # round robin
        before = emulator.calendar_requests()    # Counter: "events.list" -> n (since start)
        result = loadgen.run(loadgen.Spec(       # bench/loadgen.py, in a process of its own
            apps[0].port, "drain", identities=[s.headers() for s in signed],
            calls=[loadgen.Call("POST", "/api/v1/bookings", {"session_id": sid}) for sid in ids]))
        calls = emulator.calendar_requests() - before
        emulator.calendar_calls()                # the request log: "events.get 200" -> n
        apps[0].cpu_seconds(), apps[0].rss_bytes(), postgres_cpu_seconds()

``tutorcal()`` migrates the database once, registers the OAuth client with every instance's
redirect URI, starts the instances (each its own PUBLIC_BASE_URL, production-like: no demo,
LOG_LEVEL=WARNING, the rate limits off since the load comes from one address) and waits
for each one's /readyz. ``env`` adds or overrides settings (e.g. SYNC_COALESCE_SECONDS).
A server that dies raises ``BenchError`` with the tail of its log (``Server.ensure_alive``).

``bench.sessions.measure`` runs one spec with the server's, PostgreSQL's and the emulator's
CPU and the Calendar calls bracketed; ``bench.table`` turns figures into the section's table;
a section registers in ``SECTIONS`` of bench/__main__.py.
"""

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
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS_PATH = REPO_ROOT / "bench" / "results" / "latest.json"

POSTGRES_SERVER_URL = "postgres://postgres@127.0.0.1:5432"
STOP_TIMEOUT_SECONDS = 10.0
READY_TIMEOUT_SECONDS = 60.0
QUIET_SECONDS = 1.0  # no Calendar API call for this long: push-started syncs are over
QUIET_TIMEOUT_SECONDS = 30.0
SIGN_IN_THREADS = 8

CLIENT_ID = "tutorcal-bench.apps.googleusercontent.com"
CLIENT_SECRET = "tutorcal-bench-secret"  # the emulator's client, loopback only
SESSION_COOKIE = "tutorcal_session"
CSRF_COOKIE = "tutorcal_csrf"


class BenchError(Exception):
    """A subject failed to start or answer; the message carries the tail of its log."""


class KilledBySignal(BenchError):
    """A subject died of a signal before the bench stopped it: not its own failure."""


# --- processes -----------------------------------------------------------------------------


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


def module_command(module: str, port: int) -> list[str]:
    """A bench module that serves on ``--port`` (the floors, the baseline, the emulator)."""
    return [sys.executable, "-m", module, "--port", str(port)]


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


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far (clock ticks), 0 if it is gone."""
    with contextlib.suppress(OSError, IndexError, ValueError):
        # The command name may hold spaces; the fields after its closing parenthesis do not.
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = int(fields[11]) + int(fields[12])
        return ticks / float(os.sysconf("SC_CLK_TCK"))
    return 0.0


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (uvicorn with --workers > 1 forks; with 1 it does not)."""
    found: list[int] = []
    stack = [pid]
    while stack:
        current = stack.pop()
        for task in Path(f"/proc/{current}/task").glob("*"):
            with contextlib.suppress(OSError):
                children = [int(c) for c in (task / "children").read_text().split()]
                found.extend(children)
                stack.extend(children)
    return found


def vm_rss_bytes(pid: int) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                value, unit = line.split()[1:3]
                assert unit == "kB", unit
                return int(value) * 1024
    return 0


def postgres_cpu_seconds() -> float:
    """CPU time of every process named ``postgres`` on this machine (its backends come and go,
    so this only brackets a run: a backend that exits mid-run takes its time with it)."""
    total = 0.0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            if (proc / "comm").read_text().strip() == "postgres":
                total += cpu_seconds(int(proc.name))
    return total


@dataclass
class Server:
    """A started subject: its process, loopback port and log."""

    name: str
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def ensure_alive(self) -> None:
        if self.process.poll() is not None:
            error = KilledBySignal if self.process.returncode < 0 else BenchError
            raise error(
                f"{self.name} exited with {self.process.returncode}:\n" + log_tail(self.log)
            )

    def wait_ready(
        self, path: str = "/readyz", timeout: float = READY_TIMEOUT_SECONDS, poll: float = 0.05
    ) -> None:
        deadline = time.perf_counter() + timeout
        while True:
            self.ensure_alive()
            with contextlib.suppress(OSError, http.client.HTTPException):
                if get_status(self.port, path, timeout=timeout) == 200:
                    return
            if time.perf_counter() > deadline:
                raise BenchError(
                    f"{self.name}: {path} did not answer 200 within {timeout:.0f} s:\n"
                    + log_tail(self.log)
                )
            time.sleep(poll)

    def cpu_seconds(self) -> float:
        """The process and its children's CPU time so far."""
        return sum(cpu_seconds(p) for p in [self.pid, *descendants(self.pid)])

    def rss_bytes(self) -> int:
        """The process and its children's resident memory now."""
        return sum(vm_rss_bytes(p) for p in [self.pid, *descendants(self.pid)])

    def logged_lines(self) -> list[str]:
        return [line for line in self.log.read_text(errors="replace").splitlines() if line]


# --- PostgreSQL ----------------------------------------------------------------------------


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


def migrate(env: dict[str, str], cwd: Path) -> None:
    """``tutorcal migrate`` on the environment's DATABASE_URL."""
    result = subprocess.run(
        [*tutorcal_launcher(), "migrate"],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        raise BenchError(f"tutorcal migrate failed:\n{result.stdout}\n{result.stderr}")


# --- Google's side -------------------------------------------------------------------------


class Emulator:
    """The emulator's control API (``/_emulator``) and its counters."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.url = server.url
        self.http = httpx2.Client(base_url=self.url, timeout=10)

    def close(self) -> None:
        self.http.close()

    def control(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = self.http.request(method, f"/_emulator{path}", json=body)
        if response.status_code >= 300:
            raise BenchError(f"emulator {method} {path}: {response.status_code} {response.text}")
        return response.json() if response.content else None

    def register_client(self, redirect_uris: Sequence[str]) -> None:
        body = {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "redirect_uris": list(redirect_uris),
        }
        self.control("POST", "/clients", body)

    def add_users(self, emails: Iterable[str]) -> None:
        """Google accounts, named after their e-mail (``bench-student-01`` → Bench Student 01)."""
        for email in emails:
            name = email.split("@")[0].replace("-", " ").title()
            self.control("POST", "/users", {"email": email, "name": name})

    def add_events(self, calendar: str, bodies: Iterable[dict[str, Any]]) -> list[str]:
        """Events made in Google (as in its UI, no push to anyone yet): their ids."""
        return [
            str(self.control("POST", f"/calendars/{calendar}/events", body)["id"])
            for body in bodies
        ]

    def attendees_by_title(self, calendar: str) -> dict[str, list[str]]:
        """Each live event's non-organizer attendees, by title."""
        events = self.control("GET", f"/calendars/{calendar}/events")
        return {
            str(e.get("summary")): sorted(
                str(a["email"]) for a in e.get("attendees", []) if not a.get("organizer")
            )
            for e in events
            if e.get("status") != "cancelled"
        }

    def calendar_requests(self) -> Counter[str]:
        """Calendar API requests served since the start, by method name ("events.list")."""
        stats = self.control("GET", "/stats")
        return Counter({str(k): int(v) for k, v in stats.get("calendar_requests", {}).items()})

    def calendar_calls(self) -> Counter[str]:
        """The request log since ``clear_calls``, as "name status" ("events.get 200") -> n."""
        entries = self.control("GET", "/requests")
        return Counter(f"{e['name']} {e['status']}" for e in entries)

    def clear_calls(self) -> None:
        self.control("DELETE", "/requests")

    def wait_quiet(self) -> None:
        """Until no Calendar API call came for QUIET_SECONDS (the syncs pushes started are over)."""
        deadline = time.monotonic() + QUIET_TIMEOUT_SECONDS
        last, since = self.calendar_requests(), time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.1)
            now = self.calendar_requests()
            if now != last:
                last, since = now, time.monotonic()
            elif time.monotonic() - since >= QUIET_SECONDS:
                return


# --- the API's side ------------------------------------------------------------------------


@dataclass(frozen=True)
class Student:
    """A signed-in user's cookies: what a load generator sends as them."""

    email: str
    cookie: str  # tutorcal_session
    csrf: str  # tutorcal_csrf, sent back as X-CSRF-Token

    def headers(self) -> dict[str, str]:
        return {
            "Cookie": f"{SESSION_COOKIE}={self.cookie}; {CSRF_COOKIE}={self.csrf}",
            "X-CSRF-Token": self.csrf,
        }


@dataclass
class Tutor:
    client: httpx2.Client  # signed in as the tutor
    id: str


def sign_in(base_url: str, email: str) -> httpx2.Client:
    """A client holding ``email``'s login session, through Google's (the emulator's) sign-in."""
    http = httpx2.Client(base_url=base_url, follow_redirects=True, timeout=30)
    http.get("/api/v1/auth/google/login", params={"login_hint": email})
    if not http.cookies.get(SESSION_COOKIE):
        http.close()
        raise BenchError(f"signing {email} in gave no {SESSION_COOKIE} cookie")
    return http


def sign_in_students(base_urls: str | Sequence[str], emails: Sequence[str]) -> list[Student]:
    """Each e-mail signed in (through the instances in turn), a few at a time, in order."""
    urls = [base_urls] if isinstance(base_urls, str) else list(base_urls)

    def one(index: int) -> Student:
        client = sign_in(urls[index % len(urls)], emails[index])
        try:
            cookies = client.cookies
            return Student(emails[index], str(cookies[SESSION_COOKIE]), str(cookies[CSRF_COOKIE]))
        finally:
            client.close()

    with ThreadPoolExecutor(SIGN_IN_THREADS) as pool:
        return list(pool.map(one, range(len(emails))))


def connect_tutor(base_url: str, email: str, weekly_hours: tuple[str, str] | None = None) -> Tutor:
    """The tutor signed in, weekly availability on weekdays set (if given), calendar connected.

    Close ``Tutor.client`` when done (``Staging.callback(tutor.client.close)``)."""
    client = sign_in(base_url, email)
    if weekly_hours is not None:
        availability = {
            "timezone": "UTC",
            "overrides": [],
            "weekly": [
                {"weekday": day, "start": weekly_hours[0], "end": weekly_hours[1]}
                for day in range(5)
            ],
        }
        answer = client.put(
            "/api/v1/tutors/me/availability",
            json=availability,
            headers={"X-CSRF-Token": str(client.cookies[CSRF_COOKIE])},
        )
        if answer.status_code != 200:
            client.close()
            raise BenchError(f"PUT availability: {answer.status_code} {answer.text[:300]}")
    client.get("/api/v1/auth/google/connect-calendar")
    return Tutor(client, str(client.get("/api/v1/me").json()["id"]))


def tutorcal_environment(
    port: int, database_url: str, emulator_url: str | None = None
) -> dict[str, str]:
    """Production-like settings; Google is the emulator at ``emulator_url`` when given."""
    env = {
        **base_environment(),
        "TUTORCAL_DEMO": "false",
        "DATABASE_URL": database_url,
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "GOOGLE_CLIENT_ID": CLIENT_ID,
        "GOOGLE_CLIENT_SECRET": CLIENT_SECRET,
        "TOKEN_ENCRYPTION_KEYS": new_fernet_key(),
    }
    if emulator_url is not None:
        env |= {
            "GOOGLE_DISCOVERY_URL": f"{emulator_url}/.well-known/openid-configuration",
            "GOOGLE_CALENDAR_API_URL": f"{emulator_url}/calendar/v3",
            "LOG_LEVEL": "WARNING",
            # The load generator is one address hammering the API: it measures throughput,
            # which the per-address budgets exist to stop.
            "RATE_LIMIT_ENABLED": "false",
        }
    return env


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise BenchError(f"timed out waiting for {what}")
        time.sleep(0.05)


# --- the stage -----------------------------------------------------------------------------


class Staging(contextlib.ExitStack):
    """Starts what a section needs; on exit stops it all and drops its database."""

    def __init__(self, scratch: Path, section: str) -> None:
        super().__init__()
        self.scratch = scratch
        self.section = section
        self.key = new_fernet_key()  # one for every instance: they share the grants' tokens

    def say(self, text: str) -> None:
        print(f"{self.section}: {text}", flush=True)

    def database(self) -> str:
        """A fresh PostgreSQL database's URL (not migrated: ``tutorcal()`` does that)."""
        name = f"tutorcal_bench_{self.section}_{uuid.uuid4().hex[:8]}"
        url = create_postgres_database(name)
        self.callback(drop_postgres_database, name)
        return url

    def spawn(
        self,
        name: str,
        command: Sequence[str],
        env: dict[str, str],
        ready_path: str | None = "/readyz",
    ) -> Server:
        """The command running until the stage ends, ready once ``ready_path`` answers 200."""
        log = self.scratch / f"{name.replace(' ', '-')}.log"
        process = self.enter_context(spawned(command, env, self.scratch, log))
        server = Server(name, process, int(command[command.index("--port") + 1]), log)
        if ready_path is not None:
            server.wait_ready(ready_path)
        return server

    def emulator(self) -> Emulator:
        """The Google emulator, unseeded: no users, no clients."""
        server = self.spawn(
            "emulator",
            module_command("bench.emulator_serve", free_port()),
            base_environment(),
            "/_emulator/stats",
        )
        emulator = Emulator(server)
        self.callback(emulator.close)
        return emulator

    def tutorcal(
        self,
        database_url: str,
        emulator: Emulator,
        *,
        instances: int = 1,
        tutor_emails: Sequence[str] = (),
        env: dict[str, str] | None = None,
    ) -> list[Server]:
        """``instances`` x ``tutorcal serve`` on the (then migrated) database, each ready."""
        ports = [free_port() for _ in range(instances)]
        envs = [
            {
                **tutorcal_environment(port, database_url, emulator.url),
                "TOKEN_ENCRYPTION_KEYS": self.key,
                "TUTOR_EMAILS": ",".join(tutor_emails),
                **(env or {}),
            }
            for port in ports
        ]
        self.say("migrating a fresh PostgreSQL database")
        migrate(envs[0], self.scratch)
        emulator.register_client(
            [f"http://127.0.0.1:{port}/api/v1/auth/google/callback" for port in ports]
        )
        self.say(f"starting {instances} x tutorcal serve on {database_url}")
        names = ["tutorcal"] if instances == 1 else [f"tutorcal-{n + 1}" for n in range(instances)]
        return [
            self.spawn(name, tutorcal_command(port), instance_env)
            for name, port, instance_env in zip(names, ports, envs, strict=True)
        ]

    def floor(self, module: str, database_url: str) -> Server:
        """A floor app (``bench.floor_app``, ``bench.raw_floor_app``) on the database."""
        return self.spawn(
            module.removeprefix("bench."),
            module_command(module, free_port()),
            {**base_environment(), "DATABASE_URL": database_url},
        )

    def wait_until(self, condition: Callable[[], bool], timeout: float, what: str) -> None:
        self.say(f"waiting for {what}")
        wait_until(condition, timeout, what)


# --- the environment -----------------------------------------------------------------------


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
