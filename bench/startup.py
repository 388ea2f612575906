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

import argparse
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from bench.staging import (
    POSTGRES_SERVER_URL,
    BenchError,
    KilledBySignal,
    Server,
    Staging,
    base_environment,
    free_port,
    get_status,
    migrate,
    module_command,
    spawned,
    tutorcal_command,
    tutorcal_environment,
)
from bench.table import Report, Table, Target

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


def measure_once(name: str, command: list[str], env: dict[str, str], workdir: Path) -> Sample:
    started = time.perf_counter()
    log = workdir / f"{name}.log"
    port = int(command[command.index("--port") + 1])
    with spawned(command, env, workdir, log) as process:
        server = Server(name, process, port, log)
        server.wait_ready(poll=POLL_INTERVAL_SECONDS)
        cold_start = time.perf_counter() - started
        cpu_to_ready = server.cpu_seconds()
        for index in range(WARM_REQUESTS):
            path = "/readyz" if index % 2 == 0 else "/healthz"
            status = get_status(port, path)
            if status != 200:
                raise BenchError(f"GET {path} answered {status}")
        time.sleep(IDLE_SECONDS)
        server.ensure_alive()
        return Sample(cold_start, cpu_to_ready, server.rss_bytes())


def measure_subject(subject: SubjectName, database_url: str, name: str, workdir: Path) -> Sample:
    for attempt in range(RETRIES_AFTER_FOREIGN_SIGNAL + 1):
        # A retry gets its own port, log and (on SQLite) fresh database file.
        label = name if attempt == 0 else f"{name}-retry{attempt}"
        url = database_url or f"sqlite://{workdir / f'{label}.sqlite3'}"
        port = free_port()
        if subject == "tutorcal":
            command, env = tutorcal_command(port), tutorcal_environment(port, url)
        else:
            command = module_command("bench.baseline_serve", port)
            env = {**base_environment(), "DATABASE_URL": url}
        try:
            return measure_once(label, command, env, workdir)
        except KilledBySignal as exc:
            if attempt == RETRIES_AFTER_FOREIGN_SIGNAL:
                raise
            first_line = str(exc).splitlines()[0]
            print(f"  (starting {SUBJECT_LABELS[subject]} again: {first_line})", flush=True)
    raise AssertionError("unreachable")


def bench_dialect(dialect: Dialect, runs: int, workdir: Path) -> dict[SubjectName, Series]:
    series: dict[SubjectName, Series] = {"tutorcal": Series(), "baseline": Series()}
    order: tuple[SubjectName, SubjectName] = ("tutorcal", "baseline")
    with Staging(workdir, "startup") as staging:
        # SQLite: a fresh file every run, the schema created during each measured start;
        # PostgreSQL: a database per subject, tutorcal's migrated before any timing.
        urls = dict.fromkeys(order, "")
        if dialect == "postgres":
            urls = {subject: staging.database() for subject in order}
            migrate(tutorcal_environment(free_port(), urls["tutorcal"]), workdir)
        for subject in order:
            measure_subject(subject, urls[subject], f"{dialect}-{subject}-warmup", workdir)
        for index in range(runs):
            # Alternate who goes first, so neither always follows the other's shutdown.
            for subject in order if index % 2 == 0 else order[::-1]:
                name = f"{dialect}-{subject}-{index}"
                sample = measure_subject(subject, urls[subject], name, workdir)
                series[subject].samples.append(sample)
                print(
                    f"  {DIALECT_LABELS[dialect]:<10} run {index + 1}/{runs} "
                    f"{SUBJECT_LABELS[subject]:<22} cold start {sample.cold_start_s:6.3f} s  "
                    f"CPU {sample.cpu_to_ready_s:5.2f} s  RSS {sample.rss_bytes / 2**20:6.1f} MiB",
                    flush=True,
                )
    return series


def add_rows(table: Table, dialect: Dialect, series: dict[SubjectName, Series], runs: int) -> None:
    suffix = "" if dialect == "sqlite" else f", {DIALECT_LABELS[dialect]}"
    tut, base = series["tutorcal"], series["baseline"]
    target = Target(TARGET_RATIO)
    for name, pick in (("median", statistics.median), ("min", min)):
        table.compare(
            f"cold start to /readyz 200 ({name} of {runs}{suffix})",
            pick(tut.cold_starts),
            pick(base.cold_starts),
            "{:.2f} s",
            target,
        )
    table.compare(
        f"CPU time to /readyz 200 (median of {runs}{suffix})",
        statistics.median(tut.cpu_to_ready),
        statistics.median(base.cpu_to_ready),
        "{:.2f} s",
    )
    table.compare(
        f"idle RSS (median of {runs}{suffix})",
        statistics.median(tut.rss) / 2**20,
        statistics.median(base.rss) / 2**20,
        "{:.1f} MiB",
        target,
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("startup")
    group.add_argument("--runs", type=int, default=7, help="measured runs per subject [7]")
    group.add_argument(
        "--postgres",
        action="store_true",
        help=f"also run both subjects against PostgreSQL at {POSTGRES_SERVER_URL}",
    )


def problems(args: argparse.Namespace) -> list[str]:
    return [] if args.runs >= 1 else ["--runs must be at least 1"]


def run(args: argparse.Namespace, scratch: Path) -> Report:
    """Raises BenchError when a subject cannot be started or does not answer."""
    dialects: list[Dialect] = ["sqlite", "postgres"] if args.postgres else ["sqlite"]
    table = Table((SUBJECT_LABELS["tutorcal"], SUBJECT_LABELS["baseline"]))
    samples: dict[str, Any] = {}
    for dialect in dialects:
        print(f"{DIALECT_LABELS[dialect]}: 1 warm-up + {args.runs} runs each", flush=True)
        series = bench_dialect(dialect, args.runs, scratch)
        add_rows(table, dialect, series, args.runs)
        samples[dialect] = {
            subject: {
                "cold_start_s": [round(value, 4) for value in one.cold_starts],
                "cpu_to_ready_s": [round(value, 3) for value in one.cpu_to_ready],
                "rss_bytes": one.rss,
            }
            for subject, one in series.items()
        }
    data = {"runs": args.runs, "target_ratio": TARGET_RATIO, "subjects": SUBJECT_LABELS}
    return Report(table, {**data, "samples": samples})
