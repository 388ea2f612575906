"""Cold start and idle memory of ``tutorcal serve`` next to a bare FastAPI + Tortoise app.

For each subject, started as a subprocess of the same Python on a free loopback port:

* cold start: wall time from spawning the process to the first HTTP 200 from GET /readyz
  (the schema preparation the launcher does before ``uvicorn.run`` is included);
* idle RSS: VmRSS of the process and its children after a few requests and ~1 s idle;
* for information, the CPU time (user + system) the process had used when /readyz first
  answered: it leaves out time spent waiting for a CPU, so a cold start close to its CPU
  time is start-up work, not a busy machine.

One discarded warm-up run per subject (so .pyc files exist), then ``--runs`` runs, the two
subjects interleaved so that background noise hits both alike. Each row says PASS or OVER
against its target.

    python -m bench --only startup [--runs 7] [--postgres]
"""

from __future__ import annotations

import contextlib
import http.client
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from bench.support import (
    BenchError,
    KilledBySignal,
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

READY_TIMEOUT_SECONDS = 60.0
POLL_INTERVAL_SECONDS = 0.005
WARM_REQUESTS = 20
IDLE_SECONDS = 1.0
TARGET_RATIO = 1.3
# A subject killed by a signal the bench did not send (another job on a shared machine) is
# started again, this many times per sample, rather than failing the whole run.
RETRIES_AFTER_FOREIGN_SIGNAL = 2

Dialect = Literal["sqlite", "postgres"]
SubjectName = Literal["tutorcal", "baseline"]
SUBJECT_LABELS: dict[SubjectName, str] = {
    "tutorcal": "tutorcal serve",
    "baseline": "bare FastAPI+Tortoise",
}
DIALECT_LABELS: dict[Dialect, str] = {"sqlite": "SQLite", "postgres": "PostgreSQL"}


@dataclass
class Sample:
    cold_start_s: float
    cpu_to_ready_s: float
    rss_bytes: int


@dataclass
class Series:
    samples: list[Sample] = field(default_factory=list)

    @property
    def cold_starts(self) -> list[float]:
        return [sample.cold_start_s for sample in self.samples]

    @property
    def cpu_to_ready(self) -> list[float]:
        return [sample.cpu_to_ready_s for sample in self.samples]

    @property
    def rss(self) -> list[int]:
        return [sample.rss_bytes for sample in self.samples]


@dataclass
class Row:
    metric: str
    unit: Literal["s", "MiB"]
    tutorcal: float
    baseline: float
    judged: bool = True

    @property
    def ratio(self) -> float:
        return self.tutorcal / self.baseline if self.baseline else float("inf")

    @property
    def target(self) -> str:
        return f"≤ {TARGET_RATIO}" if self.judged else "-"

    @property
    def verdict(self) -> Literal["PASS", "OVER", "info"]:
        if not self.judged:
            return "info"
        # Judged on the ratio as printed, so a row never reads "1.30 ... OVER" against "≤ 1.3".
        return "PASS" if round(self.ratio, 2) <= TARGET_RATIO else "OVER"


# --- processes -----------------------------------------------------------------------------


def baseline_command(port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "bench.baseline_serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]


def tutorcal_environment(port: int, database_url: str) -> dict[str, str]:
    return {
        **base_environment(),
        "TUTORCAL_DEMO": "false",
        "GOOGLE_CLIENT_ID": "bench-client-id.apps.googleusercontent.com",
        "GOOGLE_CLIENT_SECRET": "bench-client-secret",
        "TOKEN_ENCRYPTION_KEYS": new_fernet_key(),
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "DATABASE_URL": database_url,
    }


def baseline_environment(database_url: str) -> dict[str, str]:
    return {**base_environment(), "DATABASE_URL": database_url}


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


def tree_rss_bytes(pid: int) -> int:
    return sum(vm_rss_bytes(p) for p in [pid, *descendants(pid)])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far (clock-tick resolution)."""
    with contextlib.suppress(OSError):
        # The command name may hold spaces; the fields after its closing parenthesis do not.
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        utime, stime = int(fields[11]), int(fields[12])
        return (utime + stime) / os.sysconf("SC_CLK_TCK")
    return 0.0


def tree_cpu_seconds(pid: int) -> float:
    return sum(cpu_seconds(p) for p in [pid, *descendants(pid)])


def measure_once(
    command: Sequence[str], env: dict[str, str], port: int, workdir: Path, log_path: Path
) -> Sample:
    started = time.perf_counter()
    with spawned(command, env, workdir, log_path) as process:
        deadline = started + READY_TIMEOUT_SECONDS
        while True:
            if process.poll() is not None:
                error = KilledBySignal if process.returncode < 0 else BenchError
                raise error(
                    f"{command[0]} exited with {process.returncode} before /readyz answered:\n"
                    + log_tail(log_path)
                )
            with contextlib.suppress(OSError, http.client.HTTPException):
                if get_status(port, "/readyz", timeout=READY_TIMEOUT_SECONDS) == 200:
                    break
            if time.perf_counter() > deadline:
                raise BenchError(
                    f"/readyz did not answer 200 within {READY_TIMEOUT_SECONDS:.0f} s:\n"
                    + log_tail(log_path)
                )
            time.sleep(POLL_INTERVAL_SECONDS)
        cold_start = time.perf_counter() - started
        cpu_to_ready = tree_cpu_seconds(process.pid)

        for index in range(WARM_REQUESTS):
            path = "/readyz" if index % 2 == 0 else "/healthz"
            status = get_status(port, path)
            if status != 200:
                raise BenchError(f"GET {path} answered {status}:\n" + log_tail(log_path))
        time.sleep(IDLE_SECONDS)
        if process.poll() is not None:
            error = KilledBySignal if process.returncode < 0 else BenchError
            raise error(
                f"the server exited with {process.returncode} while idle:\n" + log_tail(log_path)
            )
        return Sample(
            cold_start_s=cold_start,
            cpu_to_ready_s=cpu_to_ready,
            rss_bytes=tree_rss_bytes(process.pid),
        )


# --- databases -----------------------------------------------------------------------------


class Databases:
    """Hands out a database URL per run, and removes what it created."""

    def __init__(self, dialect: Dialect, scratch: Path) -> None:
        self.dialect = dialect
        self.scratch = scratch
        self.created: list[str] = []
        self._postgres_urls: dict[SubjectName, str] = {}

    def url_for(self, subject: SubjectName, run_label: str) -> str:
        if self.dialect == "sqlite":
            # A fresh file every run: the schema is created during each measured start.
            return f"sqlite://{self.scratch / f'{subject}-{run_label}.sqlite3'}"
        return self._postgres_urls[subject]

    def prepare_postgres(self) -> None:
        """A fresh database per subject; tutorcal's is migrated before any timing."""
        for subject in ("tutorcal", "baseline"):
            name = f"tutorcal_bench_{subject}_{uuid.uuid4().hex[:8]}"
            url = create_postgres_database(name)
            self.created.append(name)
            self._postgres_urls[subject] = url
        result = subprocess.run(
            [*tutorcal_launcher(), "migrate"],
            env=tutorcal_environment(free_port(), self._postgres_urls["tutorcal"]),
            cwd=self.scratch,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if result.returncode != 0:
            raise BenchError(f"tutorcal migrate failed:\n{result.stdout}\n{result.stderr}")

    def drop_all(self) -> None:
        for name in self.created:
            drop_postgres_database(name)
        self.created.clear()


# --- the run -------------------------------------------------------------------------------


def measure_subject(
    subject: SubjectName, databases: Databases, run_label: str, workdir: Path
) -> Sample:
    port = free_port()
    url = databases.url_for(subject, run_label)
    if subject == "tutorcal":
        command, env = tutorcal_command(port), tutorcal_environment(port, url)
    else:
        command, env = baseline_command(port), baseline_environment(url)
    log_path = workdir / f"{databases.dialect}-{subject}-{run_label}.log"
    return measure_once(command, env, port, workdir, log_path)


def run_subject(
    subject: SubjectName, databases: Databases, run_label: str, workdir: Path
) -> Sample:
    for attempt in range(RETRIES_AFTER_FOREIGN_SIGNAL + 1):
        # A retry gets its own port, log and (on SQLite) fresh database file.
        label = run_label if attempt == 0 else f"{run_label}-retry{attempt}"
        try:
            return measure_subject(subject, databases, label, workdir)
        except KilledBySignal as exc:
            if attempt == RETRIES_AFTER_FOREIGN_SIGNAL:
                raise
            first_line = str(exc).splitlines()[0]
            print(f"  (starting {SUBJECT_LABELS[subject]} again: {first_line})", flush=True)
    raise AssertionError("unreachable")


def bench_dialect(dialect: Dialect, runs: int, workdir: Path) -> dict[SubjectName, Series]:
    series: dict[SubjectName, Series] = {"tutorcal": Series(), "baseline": Series()}
    databases = Databases(dialect, workdir)
    try:
        if dialect == "postgres":
            databases.prepare_postgres()
        order: tuple[SubjectName, SubjectName] = ("tutorcal", "baseline")
        for subject in order:
            run_subject(subject, databases, "warmup", workdir)
        for index in range(runs):
            # Alternate who goes first, so neither always follows the other's shutdown.
            for subject in order if index % 2 == 0 else order[::-1]:
                sample = run_subject(subject, databases, str(index), workdir)
                series[subject].samples.append(sample)
                print(
                    f"  {DIALECT_LABELS[dialect]:<10} run {index + 1}/{runs} "
                    f"{SUBJECT_LABELS[subject]:<22} cold start {sample.cold_start_s:6.3f} s  "
                    f"CPU {sample.cpu_to_ready_s:5.2f} s  RSS {sample.rss_bytes / 2**20:6.1f} MiB",
                    flush=True,
                )
    finally:
        databases.drop_all()
    return series


def rows_for(dialect: Dialect, series: dict[SubjectName, Series], runs: int) -> list[Row]:
    suffix = "" if dialect == "sqlite" else f", {DIALECT_LABELS[dialect]}"
    tut, base = series["tutorcal"], series["baseline"]
    return [
        Row(
            f"cold start to /readyz 200 (median of {runs}{suffix})",
            "s",
            statistics.median(tut.cold_starts),
            statistics.median(base.cold_starts),
        ),
        Row(
            f"cold start to /readyz 200 (min of {runs}{suffix})",
            "s",
            min(tut.cold_starts),
            min(base.cold_starts),
        ),
        Row(
            f"CPU time to /readyz 200 (median of {runs}{suffix})",
            "s",
            statistics.median(tut.cpu_to_ready),
            statistics.median(base.cpu_to_ready),
            judged=False,
        ),
        Row(
            f"idle RSS (median of {runs}{suffix})",
            "MiB",
            statistics.median(tut.rss) / 2**20,
            statistics.median(base.rss) / 2**20,
        ),
    ]


def format_value(value: float, unit: str) -> str:
    return f"{value:.2f} {unit}" if unit == "s" else f"{value:.1f} {unit}"


def markdown_table(rows: list[Row]) -> str:
    header = (
        f"| metric | {SUBJECT_LABELS['tutorcal']} | {SUBJECT_LABELS['baseline']} "
        "| ratio | target | result |"
    )
    lines = [header, "|---|---:|---:|---:|---|---|"]
    for row in rows:
        lines.append(
            f"| {row.metric} | {format_value(row.tutorcal, row.unit)} "
            f"| {format_value(row.baseline, row.unit)} | {row.ratio:.2f} "
            f"| {row.target} | {row.verdict} |"
        )
    return "\n".join(lines)


@dataclass
class StartupResult:
    runs: int
    rows: list[Row]
    samples: dict[Dialect, dict[SubjectName, Series]]

    @property
    def table(self) -> str:
        return markdown_table(self.rows)

    def verdict_lines(self) -> list[str]:
        return [
            f"{row.verdict}: {row.metric}: ratio {row.ratio:.2f} (target {row.target})"
            for row in self.rows
            if row.judged
        ]

    def as_json(self) -> dict[str, Any]:
        return {
            "runs": self.runs,
            "target_ratio": TARGET_RATIO,
            "subjects": SUBJECT_LABELS,
            "rows": [
                {
                    "metric": row.metric,
                    "unit": row.unit,
                    "tutorcal": round(row.tutorcal, 4),
                    "baseline": round(row.baseline, 4),
                    "ratio": round(row.ratio, 4),
                    "target": f"<= {TARGET_RATIO}" if row.judged else None,
                    "result": row.verdict,
                }
                for row in self.rows
            ],
            "samples": {
                dialect: {
                    subject: {
                        "cold_start_s": [round(value, 4) for value in series.cold_starts],
                        "cpu_to_ready_s": [round(value, 3) for value in series.cpu_to_ready],
                        "rss_bytes": series.rss,
                    }
                    for subject, series in by_subject.items()
                }
                for dialect, by_subject in self.samples.items()
            },
            "table_markdown": self.table,
        }


def run(runs: int, *, postgres: bool, scratch: Path) -> StartupResult:
    """Raises BenchError when a subject cannot be started or does not answer."""
    dialects: list[Dialect] = ["sqlite", "postgres"] if postgres else ["sqlite"]
    samples: dict[Dialect, dict[SubjectName, Series]] = {}
    for dialect in dialects:
        print(f"{DIALECT_LABELS[dialect]}: 1 warm-up + {runs} runs each", flush=True)
        samples[dialect] = bench_dialect(dialect, runs, scratch)
    rows = [row for dialect in dialects for row in rows_for(dialect, samples[dialect], runs)]
    return StartupResult(runs, rows, samples)
