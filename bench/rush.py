"""The term-start rush: thousands of students booking group seats within a minute, on several
instances, while Google throttles the busiest tutor's calendar (issue #14, item 5).

Set-up (bench/staging.py): one fresh PostgreSQL database, the Google emulator in a process
of its own, ``--rush-instances`` x ``tutorcal serve`` on that database with the deployed pool
(``DATABASE_POOL_SIZE=8``, deploy/cloudrun/service.yaml) and the deployed outbox worker:
Cloud Scheduler calling the periodic tasks on their cron schedules (``drain-outbox`` every
minute, ``sync`` every ten; bench/scheduler.py). ``--rush-tutors`` tutors each hold group sessions of
``SEATS`` seats in their primary calendar, ``STUDENTS_PER_SESSION`` students meant for each,
so every student has a seat; the first tutor is hot: ``--rush-hot-share`` of the students
book with them, and the emulator answers 429 ``rateLimitExceeded`` beyond
``--rush-calendar-rate`` requests a minute on that tutor's calendar (Google's documented
per-user figure is 600 a minute, FACTS.md B1; the other calendars are not limited). Every
student signs in through the emulator beforehand, through the instances in turn.

The rush: each student sends one ``POST /api/v1/bookings`` for their seat at a moment drawn
uniformly within ``--rush-seconds`` (seeded), on a connection of their own, to an instance
in turn, whatever the others' answers (bench/arrivals.py: open loop). Then the bench waits
(at most ``--rush-settle`` seconds after the last answer) until Google shows every confirmed
booking as an attendee of its session's event, polling the bookings' ``calendar_sync`` every
second, then Google itself through the emulator's control API (which bypasses quotas).

Measured: p50/p95 of the booking answer; answers by code and transport errors; bookings
lost (a confirmed answer without its confirmed row, or whose student is not on the event by
the end; target 0), rows not on Google, attendees without a row; the time from the first
booking sent until every booking was on Google; Google Calendar calls per booking, 429s
included (the emulator's own count of its answers, by method and status); the outbox's jobs
and the scheduled runs; the peak of the database's connections (sampled every half second)
beside pool x instances; CPU per booking of the instances, PostgreSQL and the emulator; and
how busy the machine was with anything else meanwhile (it is shared).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import arrivals, loadgen
from bench.rush_stage import (
    POOL_SIZE,
    SEATS,
    TASK_TOKEN,
    Options,
    Stage,
    plan_rush,
    staged,
)
from bench.scheduler import Scheduler, TaskRun
from bench.sessions import warnings_logged
from bench.staging import (
    BenchError,
    Emulator,
    Staging,
    base_environment,
    cpu_seconds,
    postgres_cpu_seconds,
)
from bench.table import Report, Table, Target

POLL_SECONDS = 1.0
SAMPLE_SECONDS = 0.5
BENCH_APPLICATION = "tutorcal-bench"  # the bench's own connections, left out of the count


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("rush")
    defaults = Options()
    for flag, kind, help_text in (
        ("--rush-students", int, "students booking a seat each"),
        ("--rush-seconds", float, "seconds the bookings arrive within"),
        ("--rush-instances", int, "tutorcal instances on the one database"),
        ("--rush-tutors", int, "tutors holding the group sessions"),
        ("--rush-hot-share", float, "share of the students booking with the first tutor"),
        ("--rush-calendar-rate", int, "requests a minute Google allows on that tutor's calendar"),
        ("--rush-settle", float, "seconds allowed after the rush for Google to show them all"),
    ):
        default = getattr(defaults, flag.removeprefix("--rush-").replace("-", "_"))
        group.add_argument(flag, type=kind, default=default, help=f"{help_text} [{default:g}]")


def problems(args: argparse.Namespace) -> list[str]:
    o = Options.of(args)
    checks = [
        (1 <= o.students <= 10_000, "--rush-students must be within 1..10000"),
        (1 <= o.seconds <= 300, "--rush-seconds must be within 1..300"),
        (1 <= o.instances <= 8, "--rush-instances must be within 1..8"),
        (2 <= o.tutors <= 50, "--rush-tutors must be within 2..50"),
        (0 < o.hot_share < 1, "--rush-hot-share must be between 0 and 1"),
        (1 <= o.calendar_rate <= 100_000, "--rush-calendar-rate must be within 1..100000"),
        (10 <= o.settle <= 3600, "--rush-settle must be within 10..3600"),
    ]
    return [text for ok, text in checks if not ok]


# --- the rush ------------------------------------------------------------------------------


@dataclass
class Rushed:
    """What the rush left: the arrivals' summary and what the bench saw meanwhile."""

    result: dict[str, Any]
    complete_at_s: float | None  # every confirmed booking on Google, after the first was sent
    tasks: list[TaskRun]
    peak_connections: int
    google: Counter[str]  # "events.get 429" -> n, the emulator's own count
    cpu_s: dict[str, float]  # instances, postgres, emulator, generator, others


CONFIRMED_SEATS = """
SELECT s.title, u.email FROM bookings b
JOIN users u ON u.id = b.student_id JOIN tutoring_sessions s ON s.id = b.session_id
WHERE b.status = 'confirmed'
"""


def google_seats(emulator: Emulator, tutors: list[str]) -> set[tuple[str, str]]:
    """(event title, attendee) of every student on every tutor's events, as Google has them."""
    return {
        (title, email)
        for tutor in tutors
        for title, emails in emulator.attendees_by_title(tutor).items()
        for email in emails
    }


def machine_busy_seconds() -> float:
    """CPU time every core spent on anything but idling, since boot (/proc/stat)."""
    ticks = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = ticks[3] + ticks[4]  # idle and iowait
    return (sum(ticks[:8]) - idle) / float(os.sysconf("SC_CLK_TCK"))


async def generate(spec: arrivals.Spec) -> dict[str, Any]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.arrivals",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=base_environment(),
    )
    out, err = await process.communicate(spec.as_json().encode())
    if process.returncode != 0:
        raise BenchError(f"the arrivals generator failed:\n{err.decode()[-3000:]}")
    result: dict[str, Any] = json.loads(out)
    return result


async def connect(database_url: str) -> Any:
    import asyncpg

    return await asyncpg.connect(
        database_url, timeout=10, server_settings={"application_name": BENCH_APPLICATION}
    )


async def sample_connections(database_url: str, stop: asyncio.Event) -> int:
    """The most connections tutorcal had open on the database at once."""
    connection = await connect(database_url)
    peak = 0
    try:
        while not stop.is_set():
            count = await connection.fetchval(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND application_name <> $1",
                BENCH_APPLICATION,
            )
            peak = max(peak, int(count))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), SAMPLE_SECONDS)
    finally:
        await connection.close()
    return peak


UNSYNCED = "SELECT count(*) FROM bookings WHERE status = 'confirmed' AND calendar_sync <> 'synced'"


async def settle(
    stage: Stage, t0: float, generated: asyncio.Task[dict[str, Any]], limit: float
) -> float | None:
    """Seconds after ``t0`` when Google first showed every confirmed booking, the arrivals
    all answered; None if it did not within ``limit`` seconds of the last answer.

    Polls the bookings' ``calendar_sync`` (set once Google took the write), and Google itself
    only once that says done: each read of every event costs the emulator, on these cores."""
    connection = await connect(stage.database_url)
    answered_at: float | None = None
    try:
        while True:
            polled = time.time()
            if answered_at is None and generated.done():
                answered_at = polled
            if answered_at is not None and await connection.fetchval(UNSYNCED) == 0:
                booked = {row_seat(r) for r in await connection.fetch(CONFIRMED_SEATS)}
                shown = await asyncio.to_thread(google_seats, stage.emulator, stage.plan.tutors)
                if booked <= shown:
                    return polled - t0
            if answered_at is not None and polled - answered_at > limit:
                return None
            await asyncio.wait([generated], timeout=max(0.0, polled + POLL_SECONDS - time.time()))
    finally:
        await connection.close()


def arrivals_spec(stage: Stage, t0: float) -> arrivals.Spec:
    plan = stage.plan
    return arrivals.Spec(
        t0,
        [
            arrivals.Arrival(
                stage.apps[n % len(stage.apps)].port,
                at_s,
                stage.students[seat.student].headers(),
                loadgen.Call(
                    "POST", "/api/v1/bookings", {"session_id": stage.session_ids[seat.title]}
                ),
            )
            for n, (seat, at_s) in enumerate(zip(plan.seats, plan.offsets, strict=True))
        ],
    )


def google_answers(emulator: Emulator) -> Counter[str]:
    stats = emulator.control("GET", "/stats")
    return Counter({str(k): int(v) for k, v in stats.get("calendar_answers", {}).items()})


def cpu_now(stage: Stage) -> dict[str, float]:
    return {
        "instances": sum(app.cpu_seconds() for app in stage.apps),
        "postgres": postgres_cpu_seconds(),
        "emulator": cpu_seconds(stage.emulator.server.pid),
        "machine": machine_busy_seconds(),
        "bench": time.process_time(),
    }


async def rush(stage: Stage, options: Options) -> Rushed:
    stage.emulator.control(
        "PUT", f"/calendar-rate-limits/{stage.plan.hot}", {"per_minute": options.calendar_rate}
    )
    google_before, cpu_before = google_answers(stage.emulator), cpu_now(stage)
    t0 = time.time() + 2.0  # the generator is up and waiting by then
    stop = asyncio.Event()
    scheduler = Scheduler(stage.apps, TASK_TOKEN, t0)
    scheduler.start()
    sampler = asyncio.create_task(sample_connections(stage.database_url, stop))
    generated = asyncio.create_task(generate(arrivals_spec(stage, t0)))
    try:
        complete_at = await settle(stage, t0, generated, options.settle)
        result = await generated
    finally:
        stop.set()
        await asyncio.gather(scheduler.stop(), sampler, generated, return_exceptions=True)
    await asyncio.to_thread(stage.emulator.wait_quiet)
    after = cpu_now(stage)
    used = {key: max(0.0, after[key] - cpu_before[key]) for key in after}
    used["generator"] = float(result["cpu_s"])
    ours = sum(used[k] for k in ("instances", "postgres", "emulator", "generator", "bench"))
    used["others"] = max(0.0, used.pop("machine") - ours)
    if used["postgres"] == 0:
        # Backends of other databases that ended meanwhile took their time with them: on a
        # shared machine the count can go down, and a figure of 0 would be a false one.
        used["postgres"] = math.nan
    return Rushed(
        result,
        complete_at,
        scheduler.runs,
        sampler.result(),
        google_answers(stage.emulator) - google_before,
        used,
    )


# --- what it left --------------------------------------------------------------------------


@dataclass
class Verified:
    confirmed_rows: int
    lost: int  # confirmed answers without their confirmed row, or not on the event by the end
    rows_not_on_google: int
    attendees_without_row: int
    calendar_sync: Counter[str]  # of the confirmed rows
    outbox: dict[str, tuple[int, int]]  # job status -> (jobs, most attempts)


BOOKING_ROWS = """
SELECT b.id::text AS id, b.status, b.calendar_sync, s.title, u.email FROM bookings b
JOIN users u ON u.id = b.student_id JOIN tutoring_sessions s ON s.id = b.session_id
"""


def row_seat(row: Any) -> tuple[str, str]:
    return str(row["title"]), str(row["email"])


async def verify(stage: Stage, result: dict[str, Any]) -> Verified:
    connection = await connect(stage.database_url)
    try:
        rows = {str(r["id"]): r for r in await connection.fetch(BOOKING_ROWS)}
        jobs = await connection.fetch(
            "SELECT status, count(*) AS n, max(attempts) AS most FROM outbox_jobs GROUP BY status"
        )
    finally:
        await connection.close()
    shown = google_seats(stage.emulator, stage.plan.tutors)
    confirmed = {row_seat(r) for r in rows.values() if r["status"] == "confirmed"}
    lost = 0
    for answer, booking_id in zip(result["answers"], result["booking_ids"], strict=True):
        if answer["code"] != "confirmed":
            continue
        seat = stage.plan.seats[answer["connection"]]
        wanted = (seat.title, stage.students[seat.student].email)
        row = rows.get(str(booking_id))
        kept = row is not None and row["status"] == "confirmed"
        lost += not (kept and row_seat(row) == wanted and wanted in shown)
    return Verified(
        len(confirmed),
        lost,
        len(confirmed - shown),
        len(shown - confirmed),
        Counter(str(r["calendar_sync"]) for r in rows.values() if r["status"] == "confirmed"),
        {str(j["status"]): (int(j["n"]), int(j["most"])) for j in jobs},
    )


def calls_by_method(google: Counter[str], status: str | None = None) -> str:
    counted: Counter[str] = Counter()
    for key, n in google.items():
        method, answered = key.rsplit(" ", 1)
        if status is None or answered == status:
            counted[method] += n
    return ", ".join(f"{method} {n}" for method, n in sorted(counted.items())) or "none"


def outcome(options: Options, stage: Stage, rushed: Rushed, verified: Verified) -> Table:
    result, o = rushed.result, options
    table = Table((f"tutorcal serve x {o.instances}",))
    sessions = sum(len(bodies) for bodies in stage.plan.events.values())
    hot = sum(seat.tutor == stage.plan.hot for seat in stage.plan.seats)
    answered, codes, errors = int(result["answered"]), Counter(result["codes"]), result["errors"]
    confirmed = codes["confirmed"]
    table.add(
        f"students booking within {o.seconds:g} s ({sessions} group sessions of {SEATS} seats, "
        f"{o.tutors} tutors; {hot} with the hot one, its calendar limited to "
        f"{o.calendar_rate}/min): answered",
        answered,
        f"{answered}/{o.students}",
        passed=answered == o.students,
        students=o.students,
    )
    latencies = [a["latency_us"] / 1000 for a in result["answers"]]
    for name, fraction in (("p50", 0.5), ("p95", 0.95)):
        table.add(
            f"{name} of the booking answer", loadgen.percentile(latencies, fraction), "{:.0f} ms"
        )
    others = {**{k: v for k, v in codes.items() if k != "confirmed"}, **errors}
    table.add(
        "answers by code (and transport errors)",
        confirmed,
        ", ".join(f"{k} {v}" for k, v in sorted({**codes, **errors}.items())),
        passed=not others,
    )
    table.add(
        "bookings lost: a confirmed answer without its row, or not on Google by the end",
        verified.lost,
        "{:.0f}",
        Target(0),
    )
    table.add(
        "confirmed rows / on Google by the end / attendees without a row",
        verified.confirmed_rows,
        f"{verified.confirmed_rows} / {verified.confirmed_rows - verified.rows_not_on_google}"
        f" / {verified.attendees_without_row}",
        passed=verified.rows_not_on_google == 0 == verified.attendees_without_row,
    )
    synced = sum(a["calendar_sync"] == "synced" for a in result["answers"])
    table.add(
        "on Google already in the answer (calendar_sync synced)", synced, f"{synced}/{confirmed}"
    )
    done = rushed.complete_at_s
    table.add(
        "time from the first booking sent until every booking was on Google",
        math.nan if done is None else done,
        f"not within {o.settle:g} s of the last answer" if done is None else "{:.0f} s",
        passed=done is not None,
    )
    booked = verified.confirmed_rows
    calls = sum(rushed.google.values())
    limited = sum(n for key, n in rushed.google.items() if key.endswith(" 429"))
    table.add(
        f"Google calls per booking, 429s included ({calls_by_method(rushed.google)})",
        calls / booked if booked else math.nan,
        "{:.2f}",
        calls=calls,
    )
    table.add(
        f"429 rateLimitExceeded answers ({calls_by_method(rushed.google, '429')})",
        limited,
        "{:.0f}",
    )
    outbox = ", ".join(f"{s} {n} (attempts up to {m})" for s, (n, m) in verified.outbox.items())
    drains = sorted((t for t in rushed.tasks if t.task == "drain-outbox"), key=lambda t: t.at_s)
    table.add(
        f"outbox jobs: {outbox}; drain-outbox runs (done / retried / failed each)",
        len(drains),
        "; ".join(
            f"+{t.at_s:.0f} s {t.status} in {t.seconds:.1f} s: "
            f"{t.result.get('done', '?')}/{t.result.get('retried', '?')}/{t.result.get('failed', '?')}"
            for t in drains
        )
        or "none ran",
        passed=verified.outbox.get("failed", (0, 0))[0] == 0,
    )
    budget = POOL_SIZE * o.instances
    table.add(
        f"database connections at the peak (pool {POOL_SIZE} x {o.instances} instances)",
        rushed.peak_connections,
        "{:.0f}",
        Target(budget),
    )
    for key, label in (
        ("instances", "the instances"),
        ("postgres", "PostgreSQL"),
        ("emulator", "the emulator (Google's share)"),
    ):
        table.add(
            f"CPU per booking, {label}, rush to settled",
            rushed.cpu_s[key] * 1000 / booked if booked else math.nan,
            "{:.1f} ms",
        )
    return table


def run(args: argparse.Namespace, scratch: Path) -> Report:
    """Raises BenchError when something cannot be set up or a server dies."""
    options = Options.of(args)
    plan = plan_rush(options, datetime.now(UTC))
    load_before = os.getloadavg()[0]
    notes: list[str] = []
    with Staging(scratch, "rush") as staging:
        stage = staged(staging, options, plan)
        staging.say(
            f"the rush: {options.students} bookings within {options.seconds:g} s, "
            f"{plan.hot}'s calendar limited to {options.calendar_rate} requests a minute"
        )
        started = time.time()
        rushed = asyncio.run(rush(stage, options))
        elapsed = time.time() - started
        verified = asyncio.run(verify(stage, rushed.result))
        for app in stage.apps:
            app.ensure_alive()
            notes += warnings_logged(app)
    cores = os.cpu_count() or 1
    notes.append(
        f"the machine ({cores} cores) spent {rushed.cpu_s['others']:.0f} CPU s on other "
        f"processes during the {elapsed:.0f} s of rush and settling "
        f"({rushed.cpu_s['others'] / (elapsed * cores):.0%} of it); load average "
        f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    )
    data = {
        "options": options.__dict__,
        "elapsed_s": elapsed,
        "cpu_s": {k: None if math.isnan(v) else v for k, v in rushed.cpu_s.items()},
        "google_answers": dict(rushed.google),
        "tasks": [task.__dict__ for task in rushed.tasks],
        "latency_ms": rushed.result["latency_ms"],
        "codes": rushed.result["codes"],
        "errors": rushed.result["errors"],
        "calendar_sync": dict(verified.calendar_sync),
    }
    return Report(outcome(options, stage, rushed, verified), data, notes)
