"""Booking under load, the many-students race for one seat, and free-slot reads.

The stage is the sessions section's (bench/staging.py: a fresh PostgreSQL database, the
Google emulator, ``tutorcal serve``, the floors on the same database). In the emulator, the
tutor gets one-seat "Tutoring" sessions (``capacity: 1``) over the next eight weeks (past the
default 12 h notice, inside the 60-day horizon) and a few busy events; the tutor signs in,
sets weekly availability (weekdays 09:00-17:00 UTC) and connects the calendar; the bench
waits until the mirror holds every session. Students sign in through the emulator; every
booking carries a student's session cookie and ``X-CSRF-Token``.

Measured (the load generator is bench/loadgen.py):

1. bookings per second on distinct sessions: ``--students`` students, each on a keep-alive
   connection, book ``--bookings`` different sessions from one shared queue, as fast as
   answered (``drain``), after a warm-up of two bookings per student; p50/p95 latency;
   beside it the floor's ``POST /api/v1/bookings`` (the same transaction, bare: login
   session by token hash, session row FOR UPDATE, count of confirmed bookings, INSERT
   booking + outbox row, COMMIT, no Google), on its own sessions, ``--floor-rounds`` rounds
   (its bookings deleted between rounds). tutorcal's booking also writes to Google after
   commit, inside the request: the Calendar API calls it made are counted from the
   emulator's request log (a seat is ``events.get`` + ``events.update``; a 412 adds a
   re-read and a retry), and so are the ``events.list`` calls of the syncs that the
   resulting push notifications start;
2. the race: ``--racers`` students released together (connections opened and primed
   first) book one one-seat session: latency, exactly one confirmed and the rest
   ``session_full`` (and, for tutorcal, the winner alone on the Google event); ``--races``
   races per subject, on new sessions, pooled;
3. ``GET /api/v1/tutors/{id}/slots`` over four weeks under the sessions section's read load,
   rounds alternating with the floors (the same JSON, checked first): requests/s (target
   ≥ 1.0 of the Tortoise floor), p50/p95, and Google calls per read (target 0);
4. then one-to-one slots: the students book two free slots each from that answer at once:
   bookings/s, latency and Google calls per booking (``events.insert``: 1 expected).

CPU time of tutorcal, of every PostgreSQL process and of the emulator is taken around each
booking run (until the push-started syncs are over), per booking, for information: on a
small machine the emulator's share is CPU that Google would spend in production.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from bench import loadgen, profile
from bench.sessions import (
    LABELS,
    TUTOR_EMAIL,
    Load,
    Reads,
    Run,
    Subject,
    Subjects,
    measure,
    read_rounds,
    rfc3339,
    same_answer,
    start_floors,
    timed_body,
    warnings_logged,
)
from bench.staging import (
    BenchError,
    Emulator,
    Staging,
    Student,
    connect_tutor,
    sign_in_students,
)
from bench.table import Report, Table

STUDENT_EMAIL = "bench-student-{n:02d}@school.example"

# Issue #14: free slots at least as fast as the Tortoise floor computes them.
TARGET_SLOTS_RPS_RATIO = 1.0
SEAT_CALLS = 2  # events.get + events.update with If-Match; a 412 costs one more of each
GOOGLE_WRITE_METHODS = ("events.get", "events.update", "events.patch", "events.insert")

SLOT_WINDOW = timedelta(days=28)
POOL_FIRST_DAY = 29  # the booking pool lies after the slot window, so slots do not depend on it
POOL_DAYS = 28  # up to day 57 after tomorrow's midnight: inside the 60-day horizon
POOL_PER_DAY = 24  # one 45-minute session an hour
SESSION_MINUTES = 45
WEEKLY_HOURS = ("09:00", "17:00")

MIRROR_TIMEOUT_SECONDS = 60.0
DRAIN_TIME_LIMIT_SECONDS = 120.0
RACE_TIME_LIMIT_SECONDS = 60.0


@dataclass(frozen=True)
class Options:
    bookings: int
    students: int
    racers: int
    races: int
    floor_rounds: int

    @classmethod
    def of(cls, args: argparse.Namespace) -> Options:
        return cls(args.bookings, args.students, args.racers, args.races, args.floor_rounds)

    @property
    def warmup_bookings(self) -> int:
        return 2 * self.students

    @property
    def pool_size(self) -> int:
        """Sessions of the booking pool: warm-up and measured, for each subject."""
        return 2 * (self.warmup_bookings + self.bookings)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("bookings")
    for flag, default, help_text in (
        ("--bookings", 200, "distinct sessions booked per subject and round"),
        ("--students", 16, "students booking at once"),
        ("--racers", 40, "students racing for one seat"),
        ("--races", 2, "races per subject"),
        ("--floor-rounds", 3, "booking rounds of the floor, its bookings deleted in between"),
    ):
        group.add_argument(flag, type=int, default=default, help=f"{help_text} [{default}]")


def problems(args: argparse.Namespace) -> list[str]:
    o = Options.of(args)
    checks = [
        (1 <= o.students <= 64, "--students must be within 1..64"),
        (2 <= o.racers <= 128, "--racers must be within 2..128"),
        (1 <= o.races <= 5, "--races must be within 1..5"),
        (1 <= o.floor_rounds <= 5, "--floor-rounds must be within 1..5"),
        (o.bookings >= o.students, "--bookings must be at least --students"),
    ]
    found = [text for ok, text in checks if not ok]
    if o.pool_size > POOL_DAYS * POOL_PER_DAY:
        room = POOL_DAYS * POOL_PER_DAY // 2 - o.warmup_bookings
        found.append(f"--bookings must be at most {room} with {o.students} students")
    return found


# --- results -------------------------------------------------------------------------------


def correct_race(race: Run, racers: int, students: Sequence[Student]) -> bool:
    ok = Counter(race.result["codes"]) == Counter({"confirmed": 1, "session_full": racers - 1})
    if race.winners_in_google is not None:
        won = [a for a in race.result["answers"] if a["code"] == "confirmed"]
        expected = [students[won[0]["connection"]].email] if won else []
        ok = ok and race.winners_in_google == expected
    return ok


def calls_of(google: Counter[str], methods: Sequence[str]) -> int:
    return sum(n for key, n in google.items() if key.split(" ")[0] in methods)


def describe_calls(google: Counter[str]) -> str:
    return ", ".join(f"{key} x {n}" for key, n in sorted(google.items())) or "none"


def pooled(runs: Sequence[Run], fraction: float) -> float:
    return loadgen.percentile([ms for run in runs for ms in run.latencies_ms], fraction)


@dataclass
class Outcome:
    options: Options
    drains: list[Run]  # seat runs (tutorcal's first), races, then the slot run
    slot_reads: Reads
    google_attendees: int
    students: list[Student]

    def of(self, subject: Subject, kind: str) -> list[Run]:
        return [d for d in self.drains if d.subject == subject and d.kind == kind]

    def seat_rows(self, table: Table) -> None:
        o = self.options
        t_runs, f_runs = self.of("tutorcal", "seat"), self.of("floor", "seat")

        def per_s(runs: list[Run]) -> float:
            wall = sum(run.wall_s for run in runs)
            return sum(run.confirmed for run in runs) / wall if wall else math.nan

        confirmed = sum(run.confirmed for run in t_runs)
        table.compare(
            f"bookings/s, distinct one-seat sessions, {o.students} students at once "
            f"({confirmed} bookings; floor {o.floor_rounds} x {o.bookings})",
            per_s(t_runs),
            per_s(f_runs),
            "{:.1f}",
        )
        for name, fraction in (("p50", 0.50), ("p95", 0.95)):
            t, f = pooled(t_runs, fraction), pooled(f_runs, fraction)
            table.compare(f"{name} latency of a booking under that load", t, f, "{:.1f} ms")
        answered = sum(run.answered for run in t_runs)
        synced = sum(int(run.result["calendar_sync"].get("synced", 0)) for run in t_runs)
        f_confirmed = sum(run.confirmed for run in f_runs)
        table.add(
            "confirmed of answered (tutorcal: calendar_sync synced in the answer)",
            confirmed,
            f"{confirmed}/{answered} ({synced} synced)",
            floor=f"{f_confirmed}/{sum(run.answered for run in f_runs)}",
            answered=answered,
            synced=synced,
        )
        table.add(
            "booked students on their Google events afterwards",
            self.google_attendees,
            f"{self.google_attendees}/{confirmed}",
        )
        google = sum((run.google for run in t_runs), Counter[str]())
        writes = calls_of(google, GOOGLE_WRITE_METHODS)
        conflicts = sum(n for key, n in google.items() if key.endswith(" 412"))
        per_booking = writes / confirmed if confirmed else math.nan
        table.add(
            "Google calls per booking, in the request (events.get/update; "
            f"{conflicts} x 412 re-read)",
            per_booking,
            f"{per_booking:.2f} ({writes} / {confirmed})",
            floor="0 (no Google)",
            target_text=f"{SEAT_CALLS} (+{SEAT_CALLS} per 412)",
            passed=confirmed > 0 and writes == SEAT_CALLS * (confirmed + conflicts),
            calls=writes,
            conflicts_412=conflicts,
        )
        lists = calls_of(google, ("events.list",))
        table.add(
            "events.list per booking, syncs started by the push notifications",
            lists / confirmed if confirmed else math.nan,
            f"{lists / confirmed:.2f} ({lists})" if confirmed else "-",
            calls=lists,
        )
        for which, label in (
            ("server_cpu_s", "server process (tutorcal: with the syncs)"),
            ("postgres_cpu_s", "PostgreSQL, all processes"),
            ("emulator_cpu_s", "the Google emulator (Google's share, on these 2 cores)"),
        ):

            def ms_per_booking(runs: list[Run], which: str = which) -> float:
                answered = sum(run.answered for run in runs)
                seconds = sum(getattr(run, which) for run in runs)
                return seconds * 1000 / answered if answered else math.nan

            floor = ms_per_booking(f_runs) if which != "emulator_cpu_s" else math.nan
            table.compare(f"CPU per booking, {label}", ms_per_booking(t_runs), floor, "{:.2f} ms")

    def race_rows(self, table: Table) -> None:
        o = self.options
        t_races, f_races = self.of("tutorcal", "race"), self.of("floor", "race")
        for name, fraction in (("p50", 0.50), ("p95", 0.95)):
            table.compare(
                f"race: {o.racers} students at once for one seat, {name} latency "
                f"({len(t_races)} race(s) pooled)",
                pooled(t_races, fraction),
                pooled(f_races, fraction),
                "{:.1f} ms",
            )
        t_ok, f_ok = (
            sum(correct_race(race, o.racers, self.students) for race in races)
            for races in (t_races, f_races)
        )
        table.add(
            f"race: exactly 1 confirmed + {o.racers - 1} session_full "
            "(tutorcal: the winner alone on the Google event)",
            t_ok,
            f"{t_ok}/{len(t_races)} races",
            floor=f"{f_ok}/{len(f_races)} races",
            target_text="all",
            passed=t_ok == len(t_races) > 0 and f_ok == len(f_races) > 0,
            races=len(t_races),
        )
        google = sum((race.google for race in t_races), Counter[str]())
        n = max(1, len(t_races))
        writes = calls_of(google, GOOGLE_WRITE_METHODS) / n
        table.add(
            "race: Google calls per race (the winner's seat; then the push-started sync)",
            writes,
            f"{writes:.1f} + {calls_of(google, ('events.list',)) / n:.1f} list",
        )

    def slot_booking_rows(self, table: Table) -> None:
        runs = self.of("tutorcal", "slot")
        if not runs:
            return
        run = runs[0]
        per_s = run.confirmed / run.wall_s if run.wall_s else math.nan
        table.add(
            f"one-to-one slot bookings/s, {self.options.students} students at once "
            f"({run.confirmed}/{run.answered} confirmed, distinct free slots)",
            per_s,
            "{:.1f}",
            confirmed=run.confirmed,
            answered=run.answered,
        )
        p50, p95 = pooled(runs, 0.5), pooled(runs, 0.95)
        table.add("p50 / p95 latency of a slot booking", p50, f"{p50:.1f} / {p95:.1f} ms", p95=p95)
        in_request = Counter(
            {k: n for k, n in run.google.items() if k.split(" ")[0] in GOOGLE_WRITE_METHODS}
        )
        writes = sum(in_request.values())
        per_booking = writes / run.confirmed if run.confirmed else math.nan
        table.add(
            "Google calls per slot booking, in the request",
            per_booking,
            f"{per_booking:.2f} ({describe_calls(in_request)})",
            target_text="1 (events.insert)",
            passed=run.confirmed > 0 and writes == run.confirmed,
            calls=writes,
        )

    def table(self, load: Load) -> Table:
        table = Table((LABELS["tutorcal"], LABELS["floor"]))
        self.seat_rows(table)
        self.race_rows(table)
        self.slot_reads.rows(
            table, "reads/s, GET slots over 4 weeks", TARGET_SLOTS_RPS_RATIO, False, load
        )
        self.slot_booking_rows(table)
        return table


# --- the calendar --------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """What the bench puts in the tutor's calendar, by event title."""

    window_start: datetime  # tomorrow, 00:00 UTC
    pools: dict[str, list[str]]  # "tutorcal-warmup", "tutorcal", "floor-warmup", "floor" -> titles
    races: dict[Subject, list[str]]
    events: list[dict[str, Any]]  # request bodies, in creation order

    @property
    def session_count(self) -> int:
        return sum(len(t) for t in self.pools.values()) + sum(len(t) for t in self.races.values())


def timed(summary: str, start: datetime, minutes: int, **extra: Any) -> dict[str, Any]:
    return {"summary": summary, **timed_body(start, minutes), **extra}


def plan_calendar(options: Options, now: datetime) -> Plan:
    window_start = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    events: list[dict[str, Any]] = []
    pools: dict[str, list[str]] = {}
    sizes = {
        "tutorcal-warmup": options.warmup_bookings,
        "tutorcal": options.bookings,
        "floor-warmup": options.warmup_bookings,
        "floor": options.bookings,
    }
    index = 0
    for pool, size in sizes.items():
        pools[pool] = []
        for _ in range(size):
            title = f"Tutoring: bench pool {index:04d}"
            start = window_start + timedelta(
                days=POOL_FIRST_DAY + index // POOL_PER_DAY, hours=index % POOL_PER_DAY
            )
            events.append(
                timed(title, start, SESSION_MINUTES, description="capacity: 1\nBench session.")
            )
            pools[pool].append(title)
            index += 1
    # Inside the slot window, on weekdays: race sessions, busy time, a free and an all-day event.
    weekdays = [
        day
        for day in (window_start.date() + timedelta(days=n) for n in range(1, SLOT_WINDOW.days))
        if day.weekday() < 5
    ]

    def at(day: date, hour: int, minute: int = 0) -> datetime:
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)

    races: dict[Subject, list[str]] = {"tutorcal": [], "floor": []}
    subjects: tuple[Subject, Subject] = ("tutorcal", "floor")
    for n in range(options.races):
        for k, subject in enumerate(subjects):
            title = f"Tutoring: bench race {subject} {n + 1}"
            day = weekdays[(2 * n + k) % len(weekdays)]  # a day each: no student overlap
            events.append(timed(title, at(day, 10), 60, description="capacity: 1"))
            races[subject].append(title)
    for n in range(10):
        day = weekdays[(3 * n + 1) % len(weekdays)]
        events.append(timed(f"Staff meeting {n + 1}", at(day, 13), 90))
    events.append(timed("Focus time (free)", at(weekdays[4], 9), 240, transparency="transparent"))
    holiday = weekdays[7]
    events.append(
        {
            "summary": "Training day",
            "start": {"date": holiday.isoformat()},
            "end": {"date": (holiday + timedelta(days=1)).isoformat()},
        }
    )
    return Plan(window_start, pools, races, events)


async def delete_bookings(database_url: str, session_ids: list[str]) -> int:
    import asyncpg

    connection = await asyncpg.connect(database_url, timeout=10)
    try:
        async with connection.transaction():
            await connection.execute(
                "DELETE FROM outbox_jobs WHERE booking_id IN "
                "(SELECT id FROM bookings WHERE session_id = ANY($1::uuid[]))",
                session_ids,
            )
            status: str = await connection.execute(
                "DELETE FROM bookings WHERE session_id = ANY($1::uuid[])", session_ids
            )
    finally:
        await connection.close()
    return int(status.split()[-1])


# --- the runs ------------------------------------------------------------------------------


@dataclass
class Stage:
    subjects: Subjects
    emulator: Emulator
    database_url: str
    tutor_id: str
    students: list[Student]  # index n is STUDENT_EMAIL n
    session_ids: dict[str, str]  # title -> tutorcal's session id
    plan: Plan
    scratch: Path
    drains: list[Run] = field(default_factory=list)

    def seats(self, titles: list[str]) -> list[loadgen.Call]:
        return [
            loadgen.Call("POST", "/api/v1/bookings", {"session_id": self.session_ids[title]})
            for title in titles
        ]

    def book(
        self,
        subject: Subject,
        kind: Literal["seat", "slot", "race"],
        calls: list[loadgen.Call],
        connections: int,
        name: str,
        profile_to: Path | None = None,
    ) -> Run:
        """Every call made once by ``connections`` students (a race: all at once, the first
        call), the syncs it started waited out; ``profile_to``: under py-spy meanwhile."""
        server = self.subjects[subject]
        limit = RACE_TIME_LIMIT_SECONDS if kind == "race" else DRAIN_TIME_LIMIT_SECONDS
        spec = loadgen.Spec(
            server.port,
            "race" if kind == "race" else "drain",
            calls,
            [student.headers() for student in self.students[:connections]],
            time_limit_s=limit,
        )
        run = measure(subject, kind, 0, server, spec, self.emulator, profile_to)
        latencies = run.latencies_ms
        print(
            f"  {name:<18} {LABELS[subject]:<36} {run.confirmed:4d} confirmed in "
            f"{run.wall_s:6.2f} s  p50 {loadgen.percentile(latencies, 0.5):6.1f} ms  "
            f"p95 {loadgen.percentile(latencies, 0.95):6.1f} ms  codes {run.result['codes']}  "
            f"Google {describe_calls(run.google)}",
            flush=True,
        )
        return run


def measure_bookings(
    stage: Stage, options: Options, load: Load, notes: list[str]
) -> tuple[int, Path | None]:
    """The seat runs; how many booked students Google shows on their events; the profile."""
    pools, n = stage.plan.pools, options.students
    print(
        f"bookings: {n} students booking distinct sessions "
        f"(warm-up {options.warmup_bookings}, then {options.bookings})",
        flush=True,
    )
    stage.book("tutorcal", "seat", stage.seats(pools["tutorcal-warmup"]), n, "warm-up")
    profile_to = None if load.profile == "never" else stage.scratch / "bookings-profile.txt"
    seats = stage.seats(pools["tutorcal"])
    runs = [stage.book("tutorcal", "seat", seats, n, "seats", profile_to)]
    attendees = stage.emulator.attendees_by_title(TUTOR_EMAIL)
    by_id = {session_id: title for title, session_id in stage.session_ids.items()}
    in_google = sum(
        attendees.get(by_id[a["target"]]) == [stage.students[a["connection"]].email]
        for a in runs[0].result["answers"]
        if a["code"] == "confirmed"
    )
    stage.book("floor", "seat", stage.seats(pools["floor-warmup"]), n, "warm-up")
    floor_ids = [stage.session_ids[title] for title in pools["floor"]]
    for k in range(options.floor_rounds):
        runs.append(stage.book("floor", "seat", stage.seats(pools["floor"]), n, f"seats {k + 1}"))
        asyncio.run(delete_bookings(stage.database_url, floor_ids))
    for run in runs:
        unexpected = {k: v for k, v in run.result["codes"].items() if k != "confirmed"}
        if unexpected or run.result["errors"] or run.result["unsent"]:
            notes.append(
                f"{run.subject} booking run: non-confirmed answers {unexpected}, "
                f"errors {run.result['errors']}, unsent {run.result['unsent']}"
            )
    stage.drains += runs
    return in_google, profile_to


def measure_races(stage: Stage, options: Options) -> None:
    print(f"bookings: {options.racers} students racing for one seat", flush=True)
    order: tuple[Subject, Subject] = ("tutorcal", "floor")
    for n in range(options.races):
        for subject in order if n % 2 == 0 else order[::-1]:
            title = stage.plan.races[subject][n]
            race = stage.book(
                subject, "race", stage.seats([title]), options.racers, f"race {n + 1}"
            )
            if subject == "tutorcal":
                race.winners_in_google = stage.emulator.attendees_by_title(TUTOR_EMAIL).get(title)
            stage.drains.append(race)


def measure_slot_bookings(stage: Stage, options: Options, free: list[dict[str, Any]]) -> str | None:
    """Students book distinct free one-to-one slots at once (after the slot reads: this takes
    slots away); a note when something went wrong."""
    cutoff = stage.plan.window_start + timedelta(days=2)  # well past the minimum notice
    candidates = [s for s in free if datetime.fromisoformat(s["start"]) >= cutoff]
    count = min(options.warmup_bookings, len(candidates))
    if count == 0:
        return "no free slot to book after the minimum notice"
    chosen = candidates[:: max(1, len(candidates) // count)][:count]
    minutes = round(
        (datetime.fromisoformat(chosen[0]["end"]) - datetime.fromisoformat(chosen[0]["start"]))
        / timedelta(minutes=1)
    )
    calls = [
        loadgen.Call(
            "POST",
            "/api/v1/bookings",
            {"tutor_id": stage.tutor_id, "start": s["start"], "minutes": minutes},
        )
        for s in chosen
    ]
    print(f"bookings: {options.students} students booking {count} distinct free slots", flush=True)
    run = stage.book("tutorcal", "slot", calls, options.students, "slots")
    stage.drains.append(run)
    unexpected = {k: v for k, v in run.result["codes"].items() if k != "confirmed"}
    if unexpected or run.result["errors"]:
        return f"slot bookings: non-confirmed answers {unexpected}, errors {run.result['errors']}"
    return None


def staged(staging: Staging, options: Options) -> Stage:
    database_url = staging.database()
    emulator = staging.emulator()
    student_count = max(options.students, options.racers)
    emails = [STUDENT_EMAIL.format(n=n) for n in range(student_count)]
    emulator.add_users([TUTOR_EMAIL, *emails])
    plan = plan_calendar(options, datetime.now(UTC))
    staging.say(
        f"{plan.session_count} one-seat sessions and "
        f"{len(plan.events) - plan.session_count} other events in the tutor's calendar"
    )
    emulator.add_events(TUTOR_EMAIL, plan.events)
    [tutorcal] = staging.tutorcal(database_url, emulator, tutor_emails=[TUTOR_EMAIL])
    tutor = connect_tutor(tutorcal.url, TUTOR_EMAIL, WEEKLY_HOURS)
    staging.callback(tutor.client.close)
    now = datetime.now(UTC)
    listing = (
        f"/api/v1/tutors/{tutor.id}/sessions?start={rfc3339(now)}"
        f"&end={rfc3339(now + timedelta(days=60))}"
    )
    listed: list[dict[str, Any]] = []

    def mirror_full() -> bool:
        response = tutor.client.get(listing)
        if response.status_code != 200:
            return False
        listed[:] = response.json()
        return len(listed) >= plan.session_count

    staging.wait_until(
        mirror_full, MIRROR_TIMEOUT_SECONDS, f"the mirror to hold {plan.session_count} sessions"
    )
    if any(s["capacity"] != 1 for s in listed):
        raise BenchError("a bench session is not one-seat")
    staging.say(f"signing in {student_count} students")
    students = sign_in_students(tutorcal.url, emails)
    subjects = start_floors(staging, database_url, tutorcal)
    emulator.wait_quiet()
    session_ids = {str(s["title"]): str(s["id"]) for s in listed}
    return Stage(
        subjects, emulator, database_url, tutor.id, students, session_ids, plan, staging.scratch
    )


def run(args: argparse.Namespace, scratch: Path) -> Report:
    """Raises BenchError when something cannot be set up or a server dies."""
    options, load = Options.of(args), Load.of(args)
    notes: list[str] = []
    with Staging(scratch, "bookings") as staging:
        stage = staged(staging, options)
        in_google, profile_to = measure_bookings(stage, options, load, notes)
        measure_races(stage, options)

        start = stage.plan.window_start
        path = (
            f"/api/v1/tutors/{stage.tutor_id}/slots"
            f"?start={rfc3339(start)}&end={rfc3339(start + SLOT_WINDOW)}"
        )
        viewer = stage.students[0].cookie
        same, slots_note, free = same_answer(stage.subjects, path, viewer, "slots")
        staging.say(f"GET slots: {slots_note}")
        if not same:
            notes.append(f"the floor's slots differ from tutorcal's: {slots_note}")
        reads = read_rounds("slots", stage.subjects, path, viewer, load, stage.emulator, notes)
        reads.of_what, reads.read = " of GET slots", "slots read"
        slot_note = measure_slot_bookings(stage, options, free)
        notes += [slot_note] if slot_note else []
        notes += warnings_logged(stage.subjects["tutorcal"])
    latencies = [ms for d in stage.drains if d.subject == "tutorcal" for ms in d.latencies_ms]
    if latencies:
        notes.append(
            f"tutorcal booking latency: mean {statistics.mean(latencies):.1f} ms, "
            f"max {max(latencies):.1f} ms"
        )
    outcome = Outcome(options, stage.drains, reads, in_google, stage.students)
    seats = sum(d.answered for d in outcome.of("tutorcal", "seat"))
    profiled = None
    if profile_to is not None:
        profiled = profile.kept_summary(profile_to, "bookings", bookings_while_profiled=seats)
    data = {
        "options": {**options.__dict__, **load.__dict__},
        "subjects": LABELS,
        "same_slots_answer": same,
        "slots_answer_note": slots_note,
        "drains": [d.as_json() for d in stage.drains],
        "slot_loads": [run.as_json() for run in reads.runs],
    }
    return Report(outcome.table(load), data, notes, profiled)
