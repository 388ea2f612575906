"""Growth: the same work at 1x, 10x and 100x the data, one tutorcal instance on PostgreSQL.

Steps of 5, 50 and 500 tutors (each step adds tutors to the last), every tutor with a term
(16 weeks, 136 event instances: weekly sessions, weekly busy time, a few appointments) in
the emulator and connected through tutorcal's own sign-in and consent flow
(bench/scale_seed.py). After each step:

* a full sync of each of the first SAMPLE_TUTORS tutors, one at a time, as after Google
  answered 410 (the emulator invalidates the tutor's sync tokens, then ``POST
  /tutors/me/sync``): its time and Calendar API calls; the database's rows and size
  (``pg_total_relation_size`` of every table);
* ``GET /tutors/{id}/sessions`` and ``/slots`` of tutor 0 over four weeks, one connection
  (bench/loadgen.py): p50 and p95 latency; the plans of the statements those reads run, and
  which index each scan uses (bench/scale_plans.py);
* a burst of 20 push notifications per channel over BURST_SECONDS (100, 1,000, 10,000),
  each change behind it made in Google first (bench/scale_burst.py);
* the resident memory of the tutorcal process.

The table (bench/scale_table.py) gives each figure per step and the ratio between steps:
linear growth reads x10, flat x1. Figures whose work does not grow with the data are judged
flat; rows and bytes are what grows, for information. With ``--keep-logs`` the scratch
directory keeps the servers' logs.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench import loadgen, scale_burst
from bench.scale_seed import (
    EVENTS_PER_TUTOR,
    STUDENT_EMAIL,
    TUTOR_EMAIL,
    connect_tutors,
    query,
    seed_google,
    synced_calendars,
)
from bench.scale_table import GrowthRow, GrowthTable
from bench.sessions import rfc3339
from bench.staging import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    BenchError,
    Emulator,
    Server,
    Staging,
    Tutor,
    base_environment,
    sign_in_students,
    tutorcal_environment,
)
from bench.table import Report

STEPS = (5, 50, 500)
SAMPLE_TUTORS = 5
NOTIFICATIONS_PER_CHANNEL = 20
BURST_SECONDS = 10.0
READ_SECONDS = 3.0
READ_WINDOW = timedelta(days=28)
CONNECT_TIMEOUT_SECONDS = 300.0
# The periodic sync stays out of the measurements: every sync here is one the bench started.
SYNC_INTERVAL_MINUTES = "120"


@dataclass
class Step:
    tutors: int
    seed_s: float
    full_sync_ms: list[float]
    full_sync_calls: list[int]
    tables: dict[str, tuple[int, int]]  # table -> (rows, bytes)
    reads: dict[str, dict[str, float]]  # "sessions"/"slots" -> p50, p95 (ms)
    plans: dict[str, list[dict[str, Any]]]
    burst: scale_burst.BurstResult
    rss_bytes: int

    @property
    def rows(self) -> int:
        return sum(rows for rows, _ in self.tables.values())

    @property
    def size_bytes(self) -> int:
        return sum(size for _, size in self.tables.values())

    def seq_scans(self) -> list[str]:
        """Tables the reads' plans read whole, as ``read: table``."""
        return sorted(
            {
                f"{read}: {scan['table']}"
                for read, statements in self.plans.items()
                for statement in statements
                for scan in statement["scans"]
                if scan["node"] == "Seq Scan"
            }
        )

    def unindexed(self) -> list[str]:
        """Tables read whole even with sequential scans off: no index serves the statement."""
        return sorted(
            {
                f"{read}: {table}"
                for read, statements in self.plans.items()
                for statement in statements
                for table in statement["unindexed"]
            }
        )

    def as_json(self) -> dict[str, Any]:
        return {
            **{k: v for k, v in self.__dict__.items() if k != "burst"},
            "burst": self.burst.as_json(),
        }


@dataclass
class ScaleResult:
    steps: list[Step]
    coalesce_s: float
    load: dict[str, list[float]]
    notes: list[str] = field(default_factory=list)

    @property
    def rows(self) -> list[GrowthRow]:
        s = self.steps
        bound = max(step.burst.sync_bound_per_channel for step in s)

        def mean(values: list[float] | list[int]) -> float:
            return sum(values) / len(values) if values else math.nan

        return [
            GrowthRow("seeding the step's new tutors", [x.seed_s for x in s], " s"),
            GrowthRow(
                f"full sync of one tutor after a 410 ({EVENTS_PER_TUTOR} events), mean of "
                f"{SAMPLE_TUTORS}",
                [mean(x.full_sync_ms) for x in s],
                " ms",
                "flat",
            ),
            GrowthRow(
                "Google calls per full sync", [mean(x.full_sync_calls) for x in s], "", "flat"
            ),
            GrowthRow("database rows, every table", [float(x.rows) for x in s], digits=0),
            GrowthRow(
                "database size (pg_total_relation_size)", [x.size_bytes / 2**20 for x in s], " MB"
            ),
            *(
                GrowthRow(
                    f"GET {read}, one tutor, 4 weeks: {p}",
                    [x.reads[read][p] for x in s],
                    " ms",
                    "flat",
                )
                for read in ("sessions", "slots")
                for p in ("p50", "p95")
            ),
            GrowthRow(
                "tables those reads' plans scan whole (small tables, by choice)",
                [float(len(x.seq_scans())) for x in s],
                digits=0,
            ),
            GrowthRow(
                "tables those reads scan with no index to use",
                [float(len(x.unindexed())) for x in s],
                "",
                "zero",
                0,
            ),
            GrowthRow(
                "burst: push notifications in 10 s",
                [float(x.burst.notifications) for x in s],
                digits=0,
            ),
            GrowthRow("burst: webhook answer p95", [x.burst.webhook_p95_ms for x in s], " ms"),
            GrowthRow("burst: syncs run", [float(x.burst.syncs) for x in s], digits=0),
            GrowthRow(
                "burst: syncs of the busiest channel",
                [float(x.burst.max_syncs_per_channel) for x in s],
                "",
                "bound",
                0,
                bound,
            ),
            GrowthRow(
                "burst: changes visible before it (control)",
                [float(x.burst.visible_before) for x in s],
                "",
                "zero",
                0,
            ),
            GrowthRow(
                "burst: notifications lost (changes never visible)",
                [float(x.burst.lost) for x in s],
                "",
                "zero",
                0,
            ),
            GrowthRow(
                # Each step sends ten times the notifications to one instance: the work is
                # not flat, so neither is this; it shows where the instance saturates.
                "burst: every change visible, after the burst began",
                [x.burst.all_visible_after_s for x in s],
                " s",
            ),
            GrowthRow(
                "RSS of the instance after the step",
                [x.rss_bytes / 2**20 for x in s],
                " MB",
                "flat",
            ),
        ]

    def table(self) -> GrowthTable:
        return GrowthTable([f"{x.tutors} tutors" for x in self.steps], growth=self.rows)

    def plan_lines(self) -> list[str]:
        """Which index each scan of the reads' statements uses, at the largest step."""
        last = self.steps[-1]
        lines = [f"plans at {last.tutors} tutors (after ANALYZE):"]
        for read, statements in last.plans.items():
            for statement in statements:
                scans = ", ".join(
                    f"{s['node']} on {s['table']}"
                    + (f" using {s['index']}" if s["index"] else "")
                    + (
                        f" ({last.tables[s['table']][0]} rows)"
                        if s["node"] == "Seq Scan" and s["table"] in last.tables
                        else ""
                    )
                    for s in statement["scans"]
                )
                lines.append(f"  {read}: {statement['statement'][:70]} → {scans}")
        return lines

    def as_json(self) -> dict[str, Any]:
        return {
            "steps": [step.as_json() for step in self.steps],
            "coalesce_s": self.coalesce_s,
            "load_average": self.load,
        }


def full_syncs(
    emulator: Emulator, tutors: list[Tutor], emails: list[str]
) -> tuple[list[float], list[int]]:
    emulator.wait_quiet()
    times: list[float] = []
    calls: list[int] = []
    for tutor, email in zip(tutors, emails, strict=True):
        emulator.control("POST", f"/calendars/{email}/invalidate-sync-tokens")
        before = emulator.calendar_requests()
        began = time.perf_counter()
        answer = tutor.client.post(
            "/api/v1/tutors/me/sync",
            headers={"X-CSRF-Token": str(tutor.client.cookies[CSRF_COOKIE])},
        )
        times.append((time.perf_counter() - began) * 1000)
        if answer.status_code != 200 or answer.json()["failed"]:
            raise BenchError(f"POST /tutors/me/sync: {answer.status_code} {answer.text[:300]}")
        calls.append(sum((emulator.calendar_requests() - before).values()))
    return times, calls


def database_tables(database_url: str) -> dict[str, tuple[int, int]]:
    sizes = query(
        database_url,
        "SELECT c.relname AS name, pg_total_relation_size(c.oid) AS bytes FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY c.relname",
    )
    counts = query(
        database_url,
        " UNION ALL ".join(
            f"SELECT '{r['name']}' AS name, count(*) AS n FROM \"{r['name']}\"" for r in sizes
        ),
    )
    rows = {str(r["name"]): int(r["n"]) for r in counts}
    return {str(r["name"]): (rows[str(r["name"])], int(r["bytes"])) for r in sizes}


def read_latencies(app: Server, paths: dict[str, str], cookie: str) -> dict[str, dict[str, float]]:
    """Each read on one keep-alive connection, one request at a time: its latency alone."""
    measured: dict[str, dict[str, float]] = {}
    for read, path in paths.items():
        spec = loadgen.Spec(
            app.port,
            "loop",
            [loadgen.Call("GET", path)],
            [{"Cookie": f"{SESSION_COOKIE}={cookie}"}],
            warmup_s=0.5,
            duration_s=READ_SECONDS,
        )
        result = loadgen.run(spec)
        if result["ok"] != result["answered"] or not result["ok"]:
            raise BenchError(f"GET {path}: {result['statuses']} {result['errors']}")
        measured[read] = {p: float(result["latency_ms"][p]) for p in ("p50", "p95")}
    return measured


def read_plans(
    env: dict[str, str], tutor_id: str, cookie: str, start: datetime, scratch: Path
) -> Any:
    spec = {
        "tutor_id": tutor_id,
        "session_token": cookie,
        "start": start.isoformat(),
        "end": (start + READ_WINDOW).isoformat(),
    }
    done = subprocess.run(
        [sys.executable, "-m", "bench.scale_plans"],
        input=json.dumps(spec),
        env=env,
        cwd=scratch,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(f"bench.scale_plans failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout)


@dataclass
class Stage:
    staging: Staging
    database_url: str
    emulator: Emulator
    app: Server
    plans_env: dict[str, str]
    cookie: str
    emails: list[str]
    term_start: datetime
    tutors: list[Tutor] = field(default_factory=list)
    numbers: dict[str, int] = field(default_factory=dict)


def grow(stage: Stage, size: int) -> float:
    """Tutors up to ``size``, each with a term in Google and connected; seconds it took."""
    began = time.perf_counter()
    first = len(stage.tutors)
    new = stage.emails[first:size]
    stage.staging.say(f"seeding {len(new)} tutors' terms in Google and connecting them")
    seed_google(stage.emulator, new, first, stage.term_start)
    keep = max(0, SAMPLE_TUTORS - first)
    stage.tutors += connect_tutors(stage.app.url, new, first, stage.term_start, keep)
    stage.staging.wait_until(
        lambda: synced_calendars(stage.database_url) >= size,
        CONNECT_TIMEOUT_SECONDS,
        f"the first full sync of all {size} tutors",
    )
    return time.perf_counter() - began


def measure_step(stage: Stage, size: int, step_index: int, coalesce_s: float) -> Step:
    seed_s = grow(stage, size)
    say = stage.staging.say
    say(f"{size} tutors: full syncs of {SAMPLE_TUTORS}, one at a time")
    sync_ms, sync_calls = full_syncs(
        stage.emulator, stage.tutors[:SAMPLE_TUTORS], stage.emails[:SAMPLE_TUTORS]
    )
    tables = database_tables(stage.database_url)
    start, end = stage.term_start, stage.term_start + READ_WINDOW
    window = f"start={rfc3339(start)}&end={rfc3339(end)}"
    tutor_id = stage.tutors[0].id
    paths = {read: f"/api/v1/tutors/{tutor_id}/{read}?{window}" for read in ("sessions", "slots")}
    say(f"{size} tutors: reads of one tutor, one connection, {READ_SECONDS:g} s each")
    reads = read_latencies(stage.app, paths, stage.cookie)
    plans = read_plans(stage.plans_env, tutor_id, stage.cookie, start, stage.staging.scratch)
    count = NOTIFICATIONS_PER_CHANNEL * size
    say(f"{size} tutors: a burst of {count} push notifications over {BURST_SECONDS:g} s")
    burst = scale_burst.run_burst(
        stage.emulator,
        stage.app,
        stage.database_url,
        stage.emails[:size],
        count=count,
        duration_s=BURST_SECONDS,
        coalesce_s=coalesce_s,
        numbers=stage.numbers,
        at=scale_burst.change_time(stage.term_start, step_index),
    )
    stage.app.ensure_alive()
    return Step(
        size, seed_s, sync_ms, sync_calls, tables, reads, plans, burst, stage.app.rss_bytes()
    )


def coalesce_default() -> float:
    from tutorcal.config import Settings

    return float(Settings.model_fields["sync_coalesce_seconds"].default)


def steps_of(text: str) -> tuple[int, ...]:
    steps = tuple(int(part) for part in text.split(","))
    if not steps or any(not 1 <= n <= 1000 for n in steps) or list(steps) != sorted(set(steps)):
        raise argparse.ArgumentTypeError("increasing tutor counts within 1..1000, e.g. 5,50,500")
    return steps


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("scale")
    group.add_argument(
        "--scale-steps",
        type=steps_of,
        default=STEPS,
        help="tutors at each step, comma-separated [5,50,500]",
    )


def problems(args: argparse.Namespace) -> list[str]:
    return []


def run(args: argparse.Namespace, scratch: Path) -> Report:
    """Raises BenchError when something cannot be set up or the server dies."""
    grown = measure(scratch, args.scale_steps)
    table = grown.table()
    return Report(table, grown.as_json(), grown.plan_lines() + grown.notes)


def measure(scratch: Path, steps: tuple[int, ...]) -> ScaleResult:
    load = {"before": list(os.getloadavg())}
    emails = [TUTOR_EMAIL.format(n=n) for n in range(max(steps))]
    term_start = (datetime.now(UTC) + timedelta(days=1)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    env = {"SYNC_INTERVAL_MINUTES": SYNC_INTERVAL_MINUTES}
    with Staging(scratch, "scale") as staging:
        database_url = staging.database()
        emulator = staging.emulator()
        emulator.add_users([STUDENT_EMAIL])
        (app,) = staging.tutorcal(database_url, emulator, tutor_emails=emails, env=env)
        student = sign_in_students(app.url, [STUDENT_EMAIL])[0]
        plans_env = {
            **tutorcal_environment(app.port, database_url, emulator.url),
            **base_environment(),
            "TOKEN_ENCRYPTION_KEYS": staging.key,
        }
        stage = Stage(
            staging, database_url, emulator, app, plans_env, student.cookie, emails, term_start
        )
        coalesce_s = coalesce_default()
        measured = [
            measure_step(stage, size, index, coalesce_s) for index, size in enumerate(steps)
        ]
        for tutor in stage.tutors[:SAMPLE_TUTORS]:
            tutor.client.close()
        load["after"] = list(os.getloadavg())
        result = ScaleResult(measured, coalesce_s, load)
        logged = app.logged_lines()
        if logged:
            result.notes.append(
                f"tutorcal logged {len(logged)} line(s) at WARNING or above, e.g. {logged[-1][:300]}"
            )
        for step in measured:
            if step.burst.errors or set(step.burst.answers) != {"200"}:
                result.notes.append(
                    f"burst at {step.tutors} tutors: answers {step.burst.answers}, "
                    f"errors {step.burst.errors}"
                )
            if step.unindexed():
                result.notes.append(f"no index at {step.tutors} tutors: {step.unindexed()}")
        result.notes.append(
            f"load average (1, 5, 15 min) before {load['before']}, after {load['after']}"
        )
        return result
    raise AssertionError("unreachable")
