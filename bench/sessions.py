"""Reading a tutor's sessions under load, and how fast a change in Google shows.

One PostgreSQL database (created here, migrated with ``tutorcal migrate``, dropped at the
end), the Google emulator in a process of its own, and two servers pointed at that database:

* ``tutorcal serve``: one process, production-like (TUTORCAL_DEMO=false, the emulator as
  Google through GOOGLE_DISCOVERY_URL / GOOGLE_CALENDAR_API_URL, a registered OAuth client,
  a fresh Fernet key, LOG_LEVEL=WARNING, DATABASE_POOL_SIZE and SYNC_COALESCE_SECONDS left
  at their defaults);
* the floor, ``bench/floor_app.py``: a bare FastAPI + Tortoise app doing the least the same
  answer needs (one query for the login session by token hash, one for the session rows);
* the raw floor, ``bench/raw_floor_app.py``: the same two queries through asyncpg, no ORM
  (issue #14's goal: tutorcal at ≥ 0.7 of its reads/s). Its rows name it; its figure
  stands in the floor column.

Set-up: a tutor whose primary calendar holds 40 "Tutoring …" events over the next four
weeks signs in (``login_hint``) and connects the calendar; the bench waits until the mirror
holds all 40; a student signs in, and the student's session cookie is what every read sends.
Both servers must give the same JSON for the same request (checked before any load).

Measured:

1. ``GET /api/v1/tutors/{id}/sessions?start=&end=`` over the four weeks, by a bounded
   closed-loop load generator in another process (``bench/loadgen.py``: N keep-alive
   connections, a warm-up, then a fixed duration), the subjects alternating round by round:
   requests/s, p50 and p95 latency, and (for information) the server's and PostgreSQL's CPU
   time per read;
2. Google Calendar API calls per read: what the emulator served while tutorcal was under
   read load, over the reads it answered (the mirror is meant to make it 0);
3. change → visible: an event created or moved through the emulator's control API (as a
   tutor in the Google Calendar UI), then polling the API until it shows it (push → webhook →
   debounced sync → visible), sequentially, with the server's SYNC_COALESCE_SECONDS.

With ``--profile auto`` (the default) and tutorcal below the requests/s target, one more
tutorcal round runs under ``py-spy record`` (if py-spy is installed), summarised by package
and by function; the collapsed stacks are kept in bench/results/.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import httpx2

from bench.support import (
    RESULTS_PATH,
    BenchError,
    base_environment,
    create_postgres_database,
    drop_postgres_database,
    free_port,
    get_status,
    log_tail,
    new_fernet_key,
    spawned,
    tutorcal_command,
    tutorcal_launcher,
)

Subject = Literal["tutorcal", "floor", "raw"]
SUBJECT_LABELS: dict[Subject, str] = {
    "tutorcal": "tutorcal serve",
    "floor": "floor (bare FastAPI+Tortoise)",
    "raw": "raw floor (FastAPI+asyncpg, no ORM)",
}
# A table's columns: tutorcal and the Tortoise floor; the raw floor has rows of its own.
ROUND_ORDER: tuple[Subject, ...] = ("tutorcal", "floor", "raw")
ProfileMode = Literal["auto", "always", "never"]

CLIENT_ID = "tutorcal-bench.apps.googleusercontent.com"
CLIENT_SECRET = "tutorcal-bench-secret"  # the emulator's client, loopback only
TUTOR_EMAIL = "bench-tutor@school.example"
STUDENT_EMAIL = "bench-student@school.example"
GUEST_EMAIL = "bench-guest@school.example"
SESSION_COOKIE = "tutorcal_session"
WINDOW = timedelta(days=28)
SUBJECT_NAMES = ("Algebra", "Geometry", "Physics", "Chemistry", "Essay writing")

TARGET_RPS_RATIO = 0.8
# Issue #14: tutorcal's reads against the same answer with no ORM at all.
TARGET_RAW_RPS_RATIO = 0.7
TARGET_GOOGLE_CALLS_PER_READ = 0.0
# The project's own promise (tests/google/test_push_live.py): a change shows within 2 s.
TARGET_VISIBLE_P95_SECONDS = 2.0

READY_TIMEOUT_SECONDS = 60.0
MIRROR_TIMEOUT_SECONDS = 30.0
CHANGE_TIMEOUT_SECONDS = 10.0
POLL_SECONDS = 0.01
# After a change shows: let the sync's follow-up look finish, so changes do not overlap.
SETTLE_SECONDS = 0.3
PROFILE_RATE_HZ = 200


@dataclass(frozen=True)
class Options:
    concurrency: int = 8
    warmup_s: float = 2.0
    duration_s: float = 10.0
    rounds: int = 2
    sessions: int = 40
    changes: int = 20
    profile: ProfileMode = "auto"


# --- results -------------------------------------------------------------------------------


@dataclass
class LoadRun:
    subject: Subject
    round: int
    result: dict[str, Any]
    server_cpu_s: float
    postgres_cpu_s: float
    google_calls: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> int:
        return int(self.result["ok"])

    @property
    def answered_total(self) -> int:
        return int(self.result["answered_total"])

    @property
    def latencies_ms(self) -> list[float]:
        return [us / 1000 for us in self.result["latencies_us"]]


@dataclass
class Change:
    kind: Literal["create", "move"]
    seconds: float
    list_calls: int


@dataclass
class Row:
    metric: str
    tutorcal: str
    floor: str = "-"
    ratio: str = "-"
    target: str = "-"
    result: Literal["PASS", "OVER", "info"] = "info"
    values: dict[str, float | None] = field(default_factory=dict)


RAW_LABEL = "raw floor (asyncpg, no ORM; its figure in the floor column)"


def raw_floor_row(
    metric: str, result: Any, t_rps: float, target: float = TARGET_RAW_RPS_RATIO
) -> Row:
    r_rps = result.rps("raw")
    ratio = t_rps / r_rps if r_rps else math.nan
    return Row(
        metric,
        f"{t_rps:.0f}",
        f"{r_rps:.0f}",
        f"{ratio:.2f}",
        f"≥ {target}",
        judge(round(ratio, 2) >= target),
        {"tutorcal": t_rps, "raw": r_rps, "ratio": ratio},
    )


def rows_table(rows: list[Row], labels: Mapping[Subject, str]) -> str:
    """The markdown table of a section's rows: tutorcal and its floor, side by side."""
    lines = [
        f"| metric | {labels['tutorcal']} | {labels['floor']} | ratio | target | result |",
        "|---|---:|---:|---:|---|---|",
    ]
    lines += [
        f"| {row.metric} | {row.tutorcal} | {row.floor} | {row.ratio} "
        f"| {row.target} | {row.result} |"
        for row in rows
    ]
    return "\n".join(lines)


def verdicts_of(rows: list[Row]) -> list[str]:
    return [
        f"{row.result}: {row.metric}: {row.ratio if row.ratio != '-' else row.tutorcal} "
        f"(target {row.target})"
        for row in rows
        if row.result != "info"
    ]


def judge(passed: bool) -> Literal["PASS", "OVER"]:
    return "PASS" if passed else "OVER"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return math.nan
    return ordered[max(1, math.ceil(fraction * len(ordered))) - 1]


@dataclass
class SessionsResult:
    options: Options
    loads: list[LoadRun]
    changes: list[Change]
    coalesce_seconds: str
    same_answer: bool
    answer_note: str
    profile: dict[str, Any] | None
    notes: list[str]

    def runs_of(self, subject: Subject) -> list[LoadRun]:
        return [run for run in self.loads if run.subject == subject]

    def rps(self, subject: Subject) -> float:
        runs = self.runs_of(subject)
        return sum(run.ok for run in runs) / (len(runs) * self.options.duration_s)

    def latency(self, subject: Subject, fraction: float) -> float:
        return percentile(
            [ms for run in self.runs_of(subject) for ms in run.latencies_ms], fraction
        )

    def cpu_ms_per_read(self, subject: Subject, which: Literal["server", "postgres"]) -> float:
        runs = self.runs_of(subject)
        seconds = sum(r.server_cpu_s if which == "server" else r.postgres_cpu_s for r in runs)
        reads = sum(run.answered_total for run in runs)
        return seconds * 1000 / reads if reads else math.nan

    def google_calls(self) -> tuple[int, int]:
        runs = self.runs_of("tutorcal")
        calls = sum(sum(run.google_calls.values()) for run in runs)
        return calls, sum(run.answered_total for run in runs)

    @property
    def rows(self) -> list[Row]:
        o = self.options
        load = f"c={o.concurrency}, {o.rounds} x {o.duration_s:g} s"
        rows: list[Row] = []
        t_rps, f_rps = self.rps("tutorcal"), self.rps("floor")
        rps_ratio = t_rps / f_rps if f_rps else math.nan
        rows.append(
            Row(
                f"reads/s, GET sessions, {o.sessions} sessions in 4 weeks ({load})",
                f"{t_rps:.0f}",
                f"{f_rps:.0f}",
                f"{rps_ratio:.2f}",
                f"≥ {TARGET_RPS_RATIO}",
                judge(round(rps_ratio, 2) >= TARGET_RPS_RATIO),
                {"tutorcal": t_rps, "floor": f_rps, "ratio": rps_ratio},
            )
        )
        if self.runs_of("raw"):
            rows.append(raw_floor_row(f"reads/s, GET sessions, vs the {RAW_LABEL}", self, t_rps))
        for name, fraction in (("p50", 0.50), ("p95", 0.95)):
            t, f = self.latency("tutorcal", fraction), self.latency("floor", fraction)
            rows.append(
                Row(
                    f"{name} latency under that load",
                    f"{t:.1f} ms",
                    f"{f:.1f} ms",
                    f"{t / f:.2f}",
                    values={"tutorcal": t, "floor": f, "ratio": t / f},
                )
            )
        cpu_kinds: tuple[tuple[Literal["server", "postgres"], str], ...] = (
            ("server", "server process"),
            ("postgres", "PostgreSQL, all processes"),
        )
        for which, label in cpu_kinds:
            t = self.cpu_ms_per_read("tutorcal", which)
            f = self.cpu_ms_per_read("floor", which)
            rows.append(
                Row(
                    f"CPU per read, {label}",
                    f"{t:.2f} ms",
                    f"{f:.2f} ms",
                    f"{t / f:.2f}" if f else "-",
                    values={"tutorcal": t, "floor": f, "ratio": t / f if f else None},
                )
            )
            if which == "server" and self.runs_of("raw"):
                r = self.cpu_ms_per_read("raw", which)
                rows.append(
                    Row(
                        f"CPU per read, server process, vs the {RAW_LABEL}",
                        f"{t:.2f} ms",
                        f"{r:.2f} ms",
                        f"{t / r:.2f}" if r else "-",
                        values={"tutorcal": t, "raw": r, "ratio": t / r if r else None},
                    )
                )
        calls, reads = self.google_calls()
        per_read = calls / reads if reads else math.nan
        rows.append(
            Row(
                "Google Calendar API calls per read (during the read load)",
                f"{per_read:.3g} ({calls} / {reads})",
                "-",
                target=f"{TARGET_GOOGLE_CALLS_PER_READ:g}",
                result=judge(calls == 0 and reads > 0),
                values={"tutorcal": per_read, "calls": calls, "reads": reads},
            )
        )
        seconds = [change.seconds for change in self.changes]
        if seconds:
            median, p95 = statistics.median(seconds), percentile(seconds, 0.95)
            n = len(seconds)
            rows.append(
                Row(
                    f"change in Google → visible in the API, median of {n}",
                    f"{median:.3f} s",
                    values={"tutorcal": median},
                )
            )
            rows.append(
                Row(
                    f"change in Google → visible in the API, p95 of {n}",
                    f"{p95:.3f} s",
                    target=f"≤ {TARGET_VISIBLE_P95_SECONDS:g} s",
                    result=judge(p95 <= TARGET_VISIBLE_P95_SECONDS),
                    values={"tutorcal": p95},
                )
            )
            rows.append(Row("the server's SYNC_COALESCE_SECONDS (debounce)", self.coalesce_seconds))
            lists = [change.list_calls for change in self.changes]
            rows.append(
                Row(
                    "events.list calls per change",
                    f"{statistics.mean(lists):.2f} (max {max(lists)})",
                    values={"tutorcal": statistics.mean(lists), "max": max(lists)},
                )
            )
        return rows

    @property
    def table(self) -> str:
        return rows_table(self.rows, SUBJECT_LABELS)

    def verdict_lines(self) -> list[str]:
        return verdicts_of(self.rows)

    def as_json(self) -> dict[str, Any]:
        def finite(value: float | None) -> float | None:
            return None if value is None or math.isnan(value) else round(value, 4)

        return {
            "options": self.options.__dict__,
            "subjects": SUBJECT_LABELS,
            "sync_coalesce_seconds": self.coalesce_seconds,
            "same_answer": self.same_answer,
            "answer_note": self.answer_note,
            "rows": [
                {
                    "metric": row.metric,
                    "tutorcal": row.tutorcal,
                    "floor": row.floor,
                    "ratio": row.ratio,
                    "target": row.target,
                    "result": row.result,
                    "values": {key: finite(value) for key, value in row.values.items()},
                }
                for row in self.rows
            ],
            "loads": [
                {
                    "subject": run.subject,
                    "round": run.round,
                    "server_cpu_s": round(run.server_cpu_s, 3),
                    "postgres_cpu_s": round(run.postgres_cpu_s, 3),
                    "google_calls": run.google_calls,
                    **{k: v for k, v in run.result.items() if k != "latencies_us"},
                }
                for run in self.loads
            ],
            "changes": [change.__dict__ for change in self.changes],
            "profile": self.profile,
            "notes": self.notes,
            "table_markdown": self.table,
        }


# --- processes -----------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far (clock ticks), 0 if it is gone."""
    with contextlib.suppress(OSError, IndexError, ValueError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = int(fields[11]) + int(fields[12])
        return ticks / float(os.sysconf("SC_CLK_TCK"))
    return 0.0


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


def wait_ready(process: subprocess.Popen[bytes], port: int, path: str, log_path: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while True:
        if process.poll() is not None:
            raise BenchError(
                f"{process.args!r} exited with {process.returncode} before {path} answered:\n"
                + log_tail(log_path)
            )
        with contextlib.suppress(Exception):  # refused, reset, half-started: try again
            if get_status(port, path, timeout=5) == 200:
                return
        if time.monotonic() > deadline:
            raise BenchError(f"{path} did not answer 200 in time:\n" + log_tail(log_path))
        time.sleep(0.05)


def ensure_alive(process: subprocess.Popen[bytes], name: str, log_path: Path) -> None:
    if process.poll() is not None:
        raise BenchError(f"{name} exited with {process.returncode}:\n" + log_tail(log_path))


# --- Google's side -------------------------------------------------------------------------


class Emulator:
    def __init__(self, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.http = httpx2.Client(base_url=self.url, timeout=10)

    def close(self) -> None:
        self.http.close()

    def control(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = self.http.request(method, f"/_emulator{path}", json=body)
        if response.status_code >= 300:
            raise BenchError(f"emulator {method} {path}: {response.status_code} {response.text}")
        return response.json() if response.content else None

    def calendar_requests(self) -> Counter[str]:
        stats = self.control("GET", "/stats")
        return Counter({str(k): int(v) for k, v in stats.get("calendar_requests", {}).items()})


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def event_body(index: int, start: datetime) -> dict[str, Any]:
    body: dict[str, Any] = {
        "summary": f"Tutoring: {SUBJECT_NAMES[index % len(SUBJECT_NAMES)]} #{index + 1}",
        "description": f"capacity: {2 + index % 3}\nBring last week's exercises.",
        "location": f"Room {101 + index % 7}",
        "start": {"dateTime": start.isoformat(), "timeZone": "UTC"},
        "end": {"dateTime": (start + timedelta(hours=1)).isoformat(), "timeZone": "UTC"},
    }
    if index % 4 == 0:
        body["attendees"] = [{"email": GUEST_EMAIL}]
    return body


def session_start(window_start: datetime, index: int, count: int) -> datetime:
    """``count`` sessions spread over the window's days, at most a few a day, none overlapping."""
    day = index * WINDOW.days // count
    return window_start + timedelta(days=day, hours=9 + 2 * (index % 4))


# --- the API's side ------------------------------------------------------------------------


def signed_in_client(base_url: str, email: str) -> httpx2.Client:
    """A client holding ``email``'s login session, through Google's (the emulator's) sign-in."""
    http = httpx2.Client(base_url=base_url, follow_redirects=True, timeout=30)
    http.get("/api/v1/auth/google/login", params={"login_hint": email})
    if not http.cookies.get(SESSION_COOKIE):
        http.close()
        raise BenchError(f"signing {email} in gave no {SESSION_COOKIE} cookie")
    return http


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise BenchError(f"timed out waiting for {what}")
        time.sleep(0.05)


def first_difference(left: Any, right: Any) -> str:
    if isinstance(left, list) and isinstance(right, list):
        if len(left) != len(right):
            return f"{len(left)} items vs {len(right)}"
        for index, (a, b) in enumerate(zip(left, right, strict=True)):
            if a != b:
                keys = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
                return f"item {index} differs in {keys}: {a} vs {b}"
    return f"{str(left)[:200]} vs {str(right)[:200]}"


# --- load ----------------------------------------------------------------------------------


def run_load(
    port: int, path: str, cookie: str, options: Options, duration: float
) -> dict[str, Any]:
    command = [
        sys.executable,
        "-m",
        "bench.loadgen",
        "--port",
        str(port),
        "--path",
        path,
        "--header",
        f"Cookie: {SESSION_COOKIE}={cookie}",
        "--concurrency",
        str(options.concurrency),
        "--warmup",
        str(options.warmup_s),
        "--duration",
        str(duration),
    ]
    completed = subprocess.run(
        command,
        env=base_environment(),
        capture_output=True,
        text=True,
        timeout=options.warmup_s + duration + 60,
        check=False,
    )
    if completed.returncode != 0:
        raise BenchError(f"the load generator failed:\n{completed.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(completed.stdout)
    return result


# --- profile -------------------------------------------------------------------------------


def frame_path(frame: str) -> str:
    """``tortoise/queryset.py`` from py-spy's ``QuerySet._execute (tortoise/queryset.py:1330)``."""
    location = frame.rsplit(" (", 1)[-1].rstrip(")")
    path = location.rsplit(":", 1)[0]
    # py-spy shortens paths below site-packages and the standard library; full ones stay.
    for marker in (
        "site-packages/",
        "/src/",
        f"/python{sys.version_info[0]}.{sys.version_info[1]}/",
    ):
        if marker in path:
            path = path.split(marker, 1)[1]
    return path


def frame_group(frame: str) -> str:
    """What a frame belongs to: ``tutorcal.auth``, ``tortoise``, ``stdlib:asyncio`` ..."""
    path = frame_path(frame)
    top = path.split("/", 1)[0].removesuffix(".py")
    if top == "tutorcal" and "/" in path:
        return "tutorcal." + path.split("/")[1].removesuffix(".py")
    if top in sys.stdlib_module_names:
        return f"stdlib:{top}"
    return top


def is_app_frame(frame: str) -> bool:
    path = frame_path(frame)
    return (path.startswith("tutorcal/") and path != "tutorcal/cli.py") or path.startswith("bench/")


def summarise_profile(collapsed: Path, top: int = 20) -> dict[str, Any]:
    """Where the event loop's thread spent its samples (threads parked in anyio's pool are
    left out: py-spy counts a wait with a timeout as activity).

    * ``own_by_package``: the leaf frame's package: where the CPU actually went;
    * ``by_app_line``: each sample charged to the innermost tutorcal line on its stack (the
      line that asked for the work: an ORM query, a model build ...), or to what ran outside
      tutorcal's code (uvicorn, the event loop, the database driver's callbacks).
    """
    own_by_package: Counter[str] = Counter()
    by_app_line: Counter[str] = Counter()
    total = 0
    for line in collapsed.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if "run_forever" not in stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = stack.split(";")
        total += count
        own_by_package[frame_group(frames[-1])] += count
        inner = [frame for frame in frames if is_app_frame(frame)]
        deepest = inner[-1] if inner else ""
        if deepest.startswith("RequestContextMiddleware.__call__ ") or not deepest:
            deepest = "(outside the app's code: uvicorn, event loop, driver callbacks)"
        by_app_line[deepest] += count

    def share(n: int) -> float:
        return round(100 * n / total, 1) if total else 0.0

    return {
        "samples": total,
        "own_by_package_pct": {group: share(n) for group, n in own_by_package.most_common(top)},
        "by_app_line_pct": {frame: share(n) for frame, n in by_app_line.most_common(top)},
    }


def py_spy() -> str | None:
    # The dev group's py-spy sits next to this interpreter (`python -m bench` without make
    # has no .venv/bin on PATH).
    beside = Path(sys.executable).parent / "py-spy"
    return shutil.which("py-spy") or next(
        (str(p) for p in (beside, Path("/root/.pyenv/shims/py-spy")) if p.exists()), None
    )


# --- the run -------------------------------------------------------------------------------


@dataclass
class Servers:
    tutorcal: subprocess.Popen[bytes]
    tutorcal_port: int
    tutorcal_log: Path
    floor: subprocess.Popen[bytes]
    floor_port: int
    floor_log: Path
    raw: subprocess.Popen[bytes] | None = None
    raw_port: int = 0
    raw_log: Path | None = None

    def of(self, subject: Subject) -> tuple[subprocess.Popen[bytes], int, Path]:
        """The subject's process, port and log."""
        if subject == "tutorcal":
            return self.tutorcal, self.tutorcal_port, self.tutorcal_log
        if subject == "raw":
            assert self.raw is not None
            assert self.raw_log is not None
            return self.raw, self.raw_port, self.raw_log
        return self.floor, self.floor_port, self.floor_log


@contextlib.contextmanager
def raw_floor(
    database_url: str, scratch: Path
) -> Iterator[tuple[subprocess.Popen[bytes], int, Path]]:
    """bench/raw_floor_app.py on the database, until the block ends."""
    port = free_port()
    log = scratch / "raw-floor.log"
    with spawned(
        [sys.executable, "-m", "bench.raw_floor_app", "--port", str(port)],
        {**base_environment(), "DATABASE_URL": database_url},
        scratch,
        log,
    ) as process:
        wait_ready(process, port, "/readyz", log)
        yield process, port, log


@contextlib.contextmanager
def postgres_database(section: str = "sessions") -> Iterator[str]:
    name = f"tutorcal_bench_{section}_{uuid.uuid4().hex[:8]}"
    url = create_postgres_database(name)
    try:
        yield url
    finally:
        drop_postgres_database(name)


def tutorcal_environment(port: int, database_url: str, emulator_url: str) -> dict[str, str]:
    return {
        **base_environment(),
        "TUTORCAL_DEMO": "false",
        "DATABASE_URL": database_url,
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "GOOGLE_DISCOVERY_URL": f"{emulator_url}/.well-known/openid-configuration",
        "GOOGLE_CALENDAR_API_URL": f"{emulator_url}/calendar/v3",
        "GOOGLE_CLIENT_ID": CLIENT_ID,
        "GOOGLE_CLIENT_SECRET": CLIENT_SECRET,
        "TOKEN_ENCRYPTION_KEYS": new_fernet_key(),
        "TUTOR_EMAILS": TUTOR_EMAIL,
        "LOG_LEVEL": "WARNING",
        # The load generator is one address hammering bookings: it measures throughput,
        # which the per-address budgets exist to stop.
        "RATE_LIMIT_ENABLED": "false",
    }


def coalesce_setting(env: dict[str, str]) -> str:
    if "SYNC_COALESCE_SECONDS" in env:
        return f"{env['SYNC_COALESCE_SECONDS']} s"
    from tutorcal.config import Settings

    return f"{Settings.model_fields['sync_coalesce_seconds'].default:g} s (default)"


def load_round(
    subject: Subject,
    round_index: int,
    servers: Servers,
    path: str,
    cookie: str,
    options: Options,
    emulator: Emulator,
) -> LoadRun:
    process, port, log = servers.of(subject)
    ensure_alive(process, SUBJECT_LABELS[subject], log)
    calls_before = emulator.calendar_requests()
    cpu_before, postgres_before = cpu_seconds(process.pid), postgres_cpu_seconds()
    result = run_load(port, path, cookie, options, options.duration_s)
    cpu_after, postgres_after = cpu_seconds(process.pid), postgres_cpu_seconds()
    calls = emulator.calendar_requests()
    calls.subtract(calls_before)
    ensure_alive(process, SUBJECT_LABELS[subject], log)
    load = LoadRun(
        subject,
        round_index,
        result,
        server_cpu_s=cpu_after - cpu_before,
        postgres_cpu_s=max(0.0, postgres_after - postgres_before),
        google_calls={name: n for name, n in calls.items() if n},
    )
    latency = result["latency_ms"]
    print(
        f"  round {round_index + 1}/{options.rounds} {SUBJECT_LABELS[subject]:<30} "
        f"{result['requests_per_s']:7.1f} reads/s  p50 {latency['p50']:6.1f} ms  "
        f"p95 {latency['p95']:6.1f} ms  non-200 {result['answered'] - result['ok']}  "
        f"errors {sum(result['errors'].values())}  server CPU "
        f"{load.server_cpu_s * 1000 / max(1, load.answered_total):.2f} ms/read",
        flush=True,
    )
    return load


def profile_tutorcal(
    servers: Servers, path: str, cookie: str, options: Options, scratch: Path
) -> dict[str, Any]:
    """One more tutorcal round under py-spy (sampling with the process paused: exact stacks,
    slower requests; this round's numbers are not used)."""
    spy = py_spy()
    if spy is None:
        return {"skipped": "py-spy is not installed"}
    collapsed = scratch / "tutorcal-profile.txt"
    seconds = options.warmup_s + options.duration_s
    recorder = subprocess.Popen(
        [
            spy,
            "record",
            "--pid",
            str(servers.tutorcal.pid),
            "--rate",
            str(PROFILE_RATE_HZ),
            "--duration",
            str(math.ceil(seconds)),
            "--format",
            "raw",
            "--output",
            str(collapsed),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        time.sleep(0.5)  # let it attach
        result = run_load(servers.tutorcal_port, path, cookie, options, options.duration_s)
        _, errors = recorder.communicate(timeout=seconds + 30)
    finally:
        if recorder.poll() is None:
            recorder.kill()
            recorder.wait()
    if recorder.returncode != 0 or not collapsed.exists():
        return {"skipped": f"py-spy failed: {errors.decode(errors='replace')[-500:]}"}
    kept = RESULTS_PATH.parent / "sessions-profile.collapsed.txt"
    kept.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(collapsed, kept)
    summary = summarise_profile(collapsed)
    summary["reads_per_s_while_profiled"] = round(float(result["requests_per_s"]), 1)
    summary["collapsed_stacks"] = str(kept)
    return summary


def measure_changes(
    options: Options,
    emulator: Emulator,
    reader: httpx2.Client,
    path: str,
    window_start: datetime,
) -> tuple[list[Change], list[str]]:
    """Create an event, then move it, alternately; each timed until the API shows it."""
    changes: list[Change] = []
    notes: list[str] = []
    events = f"/calendars/{TUTOR_EMAIL}/events"
    event_id = ""
    title = ""
    start = window_start
    for n in range(options.changes):
        list_calls_before = emulator.calendar_requests()["events.list"]
        kind: Literal["create", "move"] = "create" if n % 2 == 0 or not event_id else "move"
        if kind == "create":
            title = f"Tutoring: change {n + 1}"
            start = window_start + timedelta(days=2 + n % 20, hours=7)
            body = {
                "summary": title,
                "start": {"dateTime": start.isoformat(), "timeZone": "UTC"},
                "end": {"dateTime": (start + timedelta(hours=1)).isoformat(), "timeZone": "UTC"},
            }
            began = time.perf_counter()
            event_id = str(emulator.control("POST", events, body)["id"])
        else:
            start += timedelta(minutes=30)
            body = {
                "start": {"dateTime": start.isoformat(), "timeZone": "UTC"},
                "end": {"dateTime": (start + timedelta(hours=1)).isoformat(), "timeZone": "UTC"},
            }
            began = time.perf_counter()
            emulator.control("PATCH", f"{events}/{event_id}", body)
        wanted = (title, rfc3339(start))
        seen_at: float | None = None
        while time.perf_counter() - began < CHANGE_TIMEOUT_SECONDS:
            response = reader.get(path)
            answered = time.perf_counter()
            if response.status_code == 200 and any(
                (s["title"], s["start"]) == wanted for s in response.json()
            ):
                seen_at = answered
                break
            time.sleep(POLL_SECONDS)
        if seen_at is None:
            notes.append(f"change {n + 1} ({kind}) did not show within {CHANGE_TIMEOUT_SECONDS} s")
            seen_at = began + CHANGE_TIMEOUT_SECONDS
        time.sleep(SETTLE_SECONDS)
        list_calls = emulator.calendar_requests()["events.list"] - list_calls_before
        changes.append(Change(kind, seen_at - began, list_calls))
    return changes, notes


@dataclass
class Stage:
    """Everything set up: both servers on one database, the emulator, a signed-in student."""

    servers: Servers
    emulator: Emulator
    student: httpx2.Client
    cookie: str
    path: str
    window_start: datetime
    coalesce: str


@contextlib.contextmanager
def staged(options: Options, scratch: Path) -> Iterator[Stage]:
    """Sets everything up; stops the servers and drops the database on exit."""
    with contextlib.ExitStack() as stack:
        database_url = stack.enter_context(postgres_database())
        emulator_port = free_port()
        emulator_log = scratch / "emulator.log"
        emulator_process = stack.enter_context(
            spawned(
                [sys.executable, "-m", "bench.emulator_serve", "--port", str(emulator_port)],
                base_environment(),
                scratch,
                emulator_log,
            )
        )
        tutorcal_port = free_port()
        tutorcal_url = f"http://127.0.0.1:{tutorcal_port}"
        env = tutorcal_environment(tutorcal_port, database_url, f"http://127.0.0.1:{emulator_port}")
        coalesce = coalesce_setting(env)
        print("sessions: migrating a fresh PostgreSQL database", flush=True)
        migrated = subprocess.run(
            [*tutorcal_launcher(), "migrate"],
            env=env,
            cwd=scratch,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if migrated.returncode != 0:
            raise BenchError(f"tutorcal migrate failed:\n{migrated.stdout}\n{migrated.stderr}")

        wait_ready(emulator_process, emulator_port, "/_emulator/stats", emulator_log)
        emulator = Emulator(emulator_port)
        stack.callback(emulator.close)
        emulator.control(
            "POST",
            "/clients",
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": [f"{tutorcal_url}/api/v1/auth/google/callback"],
            },
        )
        for email in (TUTOR_EMAIL, STUDENT_EMAIL, GUEST_EMAIL):
            name = email.split("@")[0].replace("-", " ").title()
            emulator.control("POST", "/users", {"email": email, "name": name})
        window_start = (datetime.now(UTC) + timedelta(days=1)).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        window_end = window_start + WINDOW
        for index in range(options.sessions):
            start = session_start(window_start, index, options.sessions)
            emulator.control("POST", f"/calendars/{TUTOR_EMAIL}/events", event_body(index, start))

        print(f"sessions: starting tutorcal serve and the floor on {database_url}", flush=True)
        tutorcal_log = scratch / "tutorcal.log"
        tutorcal = stack.enter_context(
            spawned(tutorcal_command(tutorcal_port), env, scratch, tutorcal_log)
        )
        wait_ready(tutorcal, tutorcal_port, "/readyz", tutorcal_log)

        tutor = signed_in_client(tutorcal_url, TUTOR_EMAIL)
        stack.callback(tutor.close)
        tutor.get("/api/v1/auth/google/connect-calendar")
        tutor_id = str(tutor.get("/api/v1/me").json()["id"])
        path = (
            f"/api/v1/tutors/{tutor_id}/sessions"
            f"?start={rfc3339(window_start)}&end={rfc3339(window_end)}"
        )

        def mirror_full() -> bool:
            response = tutor.get(path)
            return response.status_code == 200 and len(response.json()) == options.sessions

        wait_until(mirror_full, MIRROR_TIMEOUT_SECONDS, f"the mirror to hold {options.sessions}")
        student = signed_in_client(tutorcal_url, STUDENT_EMAIL)
        stack.callback(student.close)
        cookie = str(student.cookies[SESSION_COOKIE])

        floor_port = free_port()
        floor_log = scratch / "floor.log"
        floor = stack.enter_context(
            spawned(
                [sys.executable, "-m", "bench.floor_app", "--port", str(floor_port)],
                {**base_environment(), "DATABASE_URL": database_url},
                scratch,
                floor_log,
            )
        )
        wait_ready(floor, floor_port, "/readyz", floor_log)
        raw, raw_port, raw_log = stack.enter_context(raw_floor(database_url, scratch))
        servers = Servers(
            tutorcal,
            tutorcal_port,
            tutorcal_log,
            floor,
            floor_port,
            floor_log,
            raw,
            raw_port,
            raw_log,
        )

        yield Stage(servers, emulator, student, cookie, path, window_start, coalesce)


def run(options: Options, scratch: Path) -> SessionsResult:
    """Raises BenchError when something cannot be set up or a server dies."""
    notes: list[str] = []
    with staged(options, scratch) as stage:
        servers, emulator, path, cookie = stage.servers, stage.emulator, stage.path, stage.cookie
        headers = {"Cookie": f"{SESSION_COOKIE}={cookie}"}
        answers = [
            httpx2.get(f"http://127.0.0.1:{servers.of(s)[1]}{path}", headers=headers, timeout=10)
            for s in ROUND_ORDER
        ]
        if any(answer.status_code != 200 for answer in answers):
            raise BenchError(
                "a subject did not answer the read: "
                + ", ".join(f"{a.status_code} {a.text[:300]}" for a in answers)
            )
        same_answer = all(answer.json() == answers[0].json() for answer in answers)
        different = next((a for a in answers[1:] if a.json() != answers[0].json()), answers[1])
        answer_note = (
            f"identical JSON from all three, {len(answers[0].json())} sessions, "
            f"{len(answers[0].content)} bytes"
            if same_answer
            else "DIFFERENT answers: " + first_difference(answers[0].json(), different.json())
        )
        print(f"sessions: {answer_note}", flush=True)
        if not same_answer:
            notes.append(f"the floor's answer differs from tutorcal's: {answer_note}")
        time.sleep(0.5)  # the connection's background work (sync, watch) is over

        print(
            f"sessions: read load, {options.rounds} round(s) per subject, "
            f"{options.concurrency} connections, {options.warmup_s:g} s warm-up + "
            f"{options.duration_s:g} s each",
            flush=True,
        )
        loads: list[LoadRun] = []
        for round_index in range(options.rounds):
            for subject in ROUND_ORDER if round_index % 2 == 0 else ROUND_ORDER[::-1]:
                loads.append(
                    load_round(subject, round_index, servers, path, cookie, options, emulator)
                )
        for run_ in loads:
            answered, ok = int(run_.result["answered"]), run_.ok
            if answered != ok or run_.result["errors"]:
                notes.append(
                    f"{run_.subject} round {run_.round + 1}: {answered - ok} non-200 answers "
                    f"{run_.result['statuses']}, errors {run_.result['errors']}"
                )

        profile: dict[str, Any] | None = None
        partial = SessionsResult(
            options, loads, [], stage.coalesce, same_answer, answer_note, None, []
        )
        ratio = partial.rps("tutorcal") / max(partial.rps("floor"), 1e-9)
        if options.profile == "always" or (
            options.profile == "auto" and round(ratio, 2) < TARGET_RPS_RATIO
        ):
            print("sessions: profiling tutorcal under the same load with py-spy", flush=True)
            profile = profile_tutorcal(servers, path, cookie, options, scratch)
            if "skipped" in profile:
                notes.append(f"profile skipped: {profile['skipped']}")

        print(
            f"sessions: {options.changes} changes in Google, each timed until visible", flush=True
        )
        changes, change_notes = measure_changes(
            options, emulator, stage.student, path, stage.window_start
        )
        notes += change_notes
        ensure_alive(servers.tutorcal, SUBJECT_LABELS["tutorcal"], servers.tutorcal_log)
        log_text = servers.tutorcal_log.read_text(errors="replace")
        logged = [line for line in log_text.splitlines() if line]
        if logged:
            notes.append(
                f"tutorcal logged {len(logged)} line(s) at WARNING or above, e.g. {logged[-1][:300]}"
            )
        return SessionsResult(
            options, loads, changes, stage.coalesce, same_answer, answer_note, profile, notes
        )
    raise AssertionError("unreachable")
