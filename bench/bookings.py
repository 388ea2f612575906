"""Booking under load, the many-students race for one seat, and free-slot reads.

The set-up is the sessions section's (bench/sessions.py): a fresh PostgreSQL database migrated
with ``tutorcal migrate`` (dropped at the end), the Google emulator in a process of its own,
``tutorcal serve`` with production-like settings, and the floor app (bench/floor_app.py) on
the same database. In the emulator, the tutor (TUTOR_EMAILS) gets one-seat "Tutoring"
sessions (``capacity: 1``) over the next eight weeks (past the default 12 h notice, inside
the 60-day horizon) and a few busy events; the tutor signs in, sets weekly availability
(PUT /api/v1/tutors/me/availability: weekdays 09:00-17:00 UTC) and connects the calendar;
the bench waits until the mirror holds every session. Students sign in through the emulator
(``login_hint``); every booking carries a student's session cookie and ``X-CSRF-Token``.

Measured:

1. bookings per second on distinct sessions: ``--students`` students, each on a keep-alive
   connection, book ``--bookings`` different sessions from one shared queue, as fast as
   answered (a closed loop in another process, bench/bookgen.py), after a warm-up of two
   bookings per student; p50/p95 latency; beside it the floor's ``POST /api/v1/bookings``
   (the same transaction, bare: login session by token hash, session row FOR UPDATE, count
   of confirmed bookings, INSERT booking + outbox row, COMMIT, no Google), on its own
   sessions, ``--floor-rounds`` rounds (its bookings deleted between rounds). tutorcal's
   booking also writes to Google (the emulator) after commit, inside the request: the
   Calendar API calls it made are counted from the emulator's request log (a seat is
   ``events.get`` + ``events.update``; a 412 adds a re-read and a retry), and so are the
   ``events.list`` calls of the syncs that the resulting push notifications start;
2. the race: ``--racers`` students released together (connections opened and primed
   first) book one one-seat session: latency of those requests, exactly one confirmed and
   the rest ``session_full`` checked (and, for tutorcal, the winner alone on the Google
   event); ``--races`` races per subject, on new sessions, pooled;
3. ``GET /api/v1/tutors/{id}/slots`` over four weeks (free one-hour slots from the weekly
   availability minus busy events, sessions and bookings) under the sessions section's
   closed-loop load generator (bench/loadgen.py), rounds alternating with the floor's
   ``GET /api/v1/tutors/{id}/slots`` (the same JSON, checked first): requests/s (target
   ≥ 0.8 of the floor), p50/p95, and Google calls per read (target 0);
4. then one-to-one slots: the students book two free slots each from that answer at once
   (``{tutor_id, start, minutes}``): bookings/s, latency and Google calls per booking
   (``events.insert`` with the booking's own event id: 1 expected). No floor.

CPU time of tutorcal, of every PostgreSQL process and of the emulator is taken around each
booking run (until the push-started syncs are over), per booking, for information: on a
small machine the emulator's share is CPU that Google would spend in production.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import httpx2

from bench import sessions
from bench.sessions import (
    CLIENT_ID,
    CLIENT_SECRET,
    SESSION_COOKIE,
    TUTOR_EMAIL,
    Emulator,
    LoadRun,
    Row,
    Servers,
    Subject,
    cpu_seconds,
    ensure_alive,
    first_difference,
    judge,
    load_round,
    percentile,
    postgres_cpu_seconds,
    postgres_database,
    rfc3339,
    rows_table,
    signed_in_client,
    tutorcal_environment,
    verdicts_of,
    wait_ready,
    wait_until,
)
from bench.support import (
    RESULTS_PATH,
    BenchError,
    base_environment,
    free_port,
    spawned,
    tutorcal_command,
    tutorcal_launcher,
)

SUBJECT_LABELS: dict[Subject, str] = {
    "tutorcal": "tutorcal serve",
    "floor": "floor (bare FastAPI + Tortoise)",
    "raw": "raw floor (FastAPI + asyncpg, no ORM)",
}
CSRF_COOKIE = "tutorcal_csrf"
STUDENT_EMAIL = "bench-student-{n:02d}@school.example"

# Issue #14: free slots at least as fast as the Tortoise floor computes them.
TARGET_SLOTS_RPS_RATIO = 1.0
TARGET_GOOGLE_CALLS_PER_SLOT_READ = 0
SEAT_CALLS = 2  # events.get + events.update with If-Match; a 412 costs one more of each
GOOGLE_WRITE_METHODS = ("events.get", "events.update", "events.patch", "events.insert")

SLOT_WINDOW = timedelta(days=28)
POOL_FIRST_DAY = 29  # the booking pool lies after the slot window, so slots do not depend on it
POOL_DAYS = 28  # up to day 57 after tomorrow's midnight: inside the 60-day horizon
POOL_PER_DAY = 24  # one 45-minute session an hour
SESSION_MINUTES = 45
WEEKLY_HOURS = ("09:00", "17:00")

MIRROR_TIMEOUT_SECONDS = 60.0
QUIET_SECONDS = 1.0  # no Calendar API call for this long: push-started syncs are over
QUIET_TIMEOUT_SECONDS = 30.0
DRAIN_TIME_LIMIT_SECONDS = 120.0
RACE_TIME_LIMIT_SECONDS = 60.0
SIGN_IN_THREADS = 8
PROFILE_RATE_HZ = 100


@dataclass(frozen=True)
class Options:
    bookings: int = 200
    students: int = 16
    racers: int = 40
    races: int = 2
    floor_rounds: int = 3
    concurrency: int = 8
    warmup_s: float = 2.0
    duration_s: float = 10.0
    rounds: int = 2
    # "never": no profile; otherwise tutorcal's measured seat run is sampled by py-spy
    # without pausing it (--nonblocking), so the run's figures stand.
    profile: sessions.ProfileMode = "auto"

    @property
    def warmup_bookings(self) -> int:
        return 2 * self.students

    @property
    def pool_size(self) -> int:
        """Sessions of the booking pool: warm-up and measured, for each subject."""
        return 2 * (self.warmup_bookings + self.bookings)

    def problems(self) -> list[str]:
        found = []
        if not 1 <= self.students <= 64:
            found.append("--students must be within 1..64")
        if not 2 <= self.racers <= 128:
            found.append("--racers must be within 2..128")
        if not 1 <= self.races <= 5:
            found.append("--races must be within 1..5")
        if not 1 <= self.floor_rounds <= 5:
            found.append("--floor-rounds must be within 1..5")
        if self.bookings < self.students:
            found.append("--bookings must be at least --students")
        if self.pool_size > POOL_DAYS * POOL_PER_DAY:
            room = POOL_DAYS * POOL_PER_DAY // 2 - self.warmup_bookings
            found.append(f"--bookings must be at most {room} with {self.students} students")
        return found


# --- results -------------------------------------------------------------------------------


@dataclass
class DrainRun:
    """One closed-loop booking run (bench/bookgen.py's JSON) and what it cost."""

    subject: Subject
    kind: Literal["seat", "slot"]
    result: dict[str, Any]
    server_cpu_s: float
    postgres_cpu_s: float
    emulator_cpu_s: float
    google: Counter[str] = field(default_factory=Counter)  # "events.get 200" -> n

    @property
    def confirmed(self) -> int:
        return int(self.result["codes"].get("confirmed", 0))

    @property
    def wall_s(self) -> float:
        return float(self.result["wall_s"])

    @property
    def latencies_ms(self) -> list[float]:
        return [a["latency_us"] / 1000 for a in self.result["answers"]]


@dataclass
class Race:
    subject: Subject
    result: dict[str, Any]
    winners_in_google: list[str] | None  # tutorcal only: the event's attendees afterwards
    google: Counter[str] = field(default_factory=Counter)

    @property
    def latencies_ms(self) -> list[float]:
        return [a["latency_us"] / 1000 for a in self.result["answers"]]

    def correct(self, racers: int) -> bool:
        codes = Counter(self.result["codes"])
        ok = codes == Counter({"confirmed": 1, "session_full": racers - 1})
        if self.winners_in_google is not None:
            winner = [a for a in self.result["answers"] if a["code"] == "confirmed"]
            expected = [STUDENT_EMAIL.format(n=winner[0]["student"])] if winner else []
            ok = ok and self.winners_in_google == expected
        return ok


def calls_of(google: Counter[str], methods: Sequence[str]) -> int:
    return sum(n for key, n in google.items() if key.split(" ")[0] in methods)


def count_status(google: Counter[str], status: str) -> int:
    return sum(n for key, n in google.items() if key.endswith(f" {status}"))


def describe_calls(google: Counter[str]) -> str:
    return ", ".join(f"{key} x {n}" for key, n in sorted(google.items())) or "none"


@dataclass
class BookingsResult:
    options: Options
    drains: list[DrainRun]
    races: list[Race]
    slot_loads: list[LoadRun]
    same_slots: bool
    slots_note: str
    google_attendees: int | None
    notes: list[str]
    profile: dict[str, Any] | None = None

    def drains_of(self, subject: Subject, kind: Literal["seat", "slot"] = "seat") -> list[DrainRun]:
        return [run for run in self.drains if run.subject == subject and run.kind == kind]

    def bookings_per_s(self, subject: Subject) -> float:
        runs = self.drains_of(subject)
        wall = sum(run.wall_s for run in runs)
        return sum(run.confirmed for run in runs) / wall if wall else math.nan

    def booking_latency(self, subject: Subject, fraction: float) -> float:
        return percentile(
            [ms for run in self.drains_of(subject) for ms in run.latencies_ms], fraction
        )

    def cpu_ms_per_booking(
        self, subject: Subject, which: Literal["server", "postgres", "emulator"]
    ) -> float:
        runs = self.drains_of(subject)
        seconds = sum(
            {"server": r.server_cpu_s, "postgres": r.postgres_cpu_s, "emulator": r.emulator_cpu_s}[
                which
            ]
            for r in runs
        )
        answered = sum(int(run.result["answered"]) for run in runs)
        return seconds * 1000 / answered if answered else math.nan

    def races_of(self, subject: Subject) -> list[Race]:
        return [race for race in self.races if race.subject == subject]

    def race_latency(self, subject: Subject, fraction: float) -> float:
        return percentile([ms for r in self.races_of(subject) for ms in r.latencies_ms], fraction)

    def race_outcome(self, subject: Subject) -> tuple[int, int]:
        races = self.races_of(subject)
        return sum(r.correct(self.options.racers) for r in races), len(races)

    def slot_runs(self, subject: Subject) -> list[LoadRun]:
        return [run for run in self.slot_loads if run.subject == subject]

    def slot_rps(self, subject: Subject) -> float:
        runs = self.slot_runs(subject)
        return sum(r.ok for r in runs) / (len(runs) * self.options.duration_s) if runs else math.nan

    def slot_latency(self, subject: Subject, fraction: float) -> float:
        return percentile([ms for r in self.slot_runs(subject) for ms in r.latencies_ms], fraction)

    @property
    def rows(self) -> list[Row]:
        o = self.options
        rows: list[Row] = []
        t_run = self.drains_of("tutorcal")
        t_bps, f_bps = self.bookings_per_s("tutorcal"), self.bookings_per_s("floor")
        confirmed = sum(run.confirmed for run in t_run)
        f_confirmed = sum(run.confirmed for run in self.drains_of("floor"))
        rows.append(
            Row(
                f"bookings/s, distinct one-seat sessions, {o.students} students at once "
                f"({confirmed} bookings; floor {o.floor_rounds} x {o.bookings})",
                f"{t_bps:.1f}",
                f"{f_bps:.1f}",
                f"{t_bps / f_bps:.2f}" if f_bps else "-",
                values={
                    "tutorcal": t_bps,
                    "floor": f_bps,
                    "ratio": t_bps / f_bps if f_bps else None,
                },
            )
        )
        for name, fraction in (("p50", 0.50), ("p95", 0.95)):
            t, f = (
                self.booking_latency("tutorcal", fraction),
                self.booking_latency("floor", fraction),
            )
            rows.append(
                Row(
                    f"{name} latency of a booking under that load",
                    f"{t:.1f} ms",
                    f"{f:.1f} ms",
                    f"{t / f:.2f}",
                    values={"tutorcal": t, "floor": f, "ratio": t / f},
                )
            )
        answered = sum(int(run.result["answered"]) for run in t_run)
        synced = sum(int(run.result["calendar_sync"].get("synced", 0)) for run in t_run)
        f_answered = sum(int(run.result["answered"]) for run in self.drains_of("floor"))
        rows.append(
            Row(
                "confirmed of answered (tutorcal: calendar_sync synced in the answer)",
                f"{confirmed}/{answered} ({synced} synced)",
                f"{f_confirmed}/{f_answered}",
                values={"tutorcal": confirmed, "answered": answered, "synced": synced},
            )
        )
        if self.google_attendees is not None:
            rows.append(
                Row(
                    "booked students on their Google events afterwards",
                    f"{self.google_attendees}/{confirmed}",
                    values={"tutorcal": self.google_attendees},
                )
            )
        google: Counter[str] = Counter()
        for run in t_run:
            google.update(run.google)
        writes = calls_of(google, GOOGLE_WRITE_METHODS)
        conflicts = count_status(google, "412")
        per_booking = writes / confirmed if confirmed else math.nan
        expected = SEAT_CALLS * confirmed + SEAT_CALLS * conflicts
        rows.append(
            Row(
                "Google calls per booking, in the request (events.get/update; "
                f"{conflicts} x 412 re-read)",
                f"{per_booking:.2f} ({writes} / {confirmed})",
                "0 (no Google)",
                target=f"{SEAT_CALLS} (+{SEAT_CALLS} per 412)",
                result=judge(confirmed > 0 and writes == expected),
                values={"tutorcal": per_booking, "calls": writes, "conflicts_412": conflicts},
            )
        )
        lists = calls_of(google, ("events.list",))
        rows.append(
            Row(
                "events.list per booking, syncs started by the push notifications",
                f"{lists / confirmed:.2f} ({lists})" if confirmed else "-",
                values={"tutorcal": lists / confirmed if confirmed else None, "calls": lists},
            )
        )
        cpu_kinds: tuple[tuple[Literal["server", "postgres", "emulator"], str], ...] = (
            ("server", "server process (tutorcal: with the syncs)"),
            ("postgres", "PostgreSQL, all processes"),
            ("emulator", "the Google emulator (Google's share, on these 2 cores)"),
        )
        for which, label in cpu_kinds:
            t, f = (
                self.cpu_ms_per_booking("tutorcal", which),
                self.cpu_ms_per_booking("floor", which) if which != "emulator" else math.nan,
            )
            rows.append(
                Row(
                    f"CPU per booking, {label}",
                    f"{t:.2f} ms",
                    "-" if math.isnan(f) else f"{f:.2f} ms",
                    f"{t / f:.2f}" if f and not math.isnan(f) else "-",
                    values={"tutorcal": t, "floor": f, "ratio": t / f if f else None},
                )
            )

        n_races = len(self.races_of("tutorcal"))
        for name, fraction in (("p50", 0.50), ("p95", 0.95)):
            t, f = self.race_latency("tutorcal", fraction), self.race_latency("floor", fraction)
            rows.append(
                Row(
                    f"race: {o.racers} students at once for one seat, {name} latency "
                    f"({n_races} race(s) pooled)",
                    f"{t:.1f} ms",
                    f"{f:.1f} ms",
                    f"{t / f:.2f}",
                    values={"tutorcal": t, "floor": f, "ratio": t / f},
                )
            )
        (t_ok, t_n), (f_ok, f_n) = self.race_outcome("tutorcal"), self.race_outcome("floor")
        rows.append(
            Row(
                f"race: exactly 1 confirmed + {o.racers - 1} session_full "
                "(tutorcal: the winner alone on the Google event)",
                f"{t_ok}/{t_n} races",
                f"{f_ok}/{f_n} races",
                target="all",
                result=judge(t_ok == t_n > 0 and f_ok == f_n > 0),
                values={"tutorcal": t_ok, "floor": f_ok, "races": t_n},
            )
        )
        race_google: Counter[str] = Counter()
        for race in self.races_of("tutorcal"):
            race_google.update(race.google)
        rows.append(
            Row(
                "race: Google calls per race (the winner's seat; then the push-started sync)",
                f"{calls_of(race_google, GOOGLE_WRITE_METHODS) / max(1, n_races):.1f} + "
                f"{calls_of(race_google, ('events.list',)) / max(1, n_races):.1f} list",
                values={"tutorcal": calls_of(race_google, GOOGLE_WRITE_METHODS) / max(1, n_races)},
            )
        )

        load = f"c={o.concurrency}, {o.rounds} x {o.duration_s:g} s"
        t_rps, f_rps = self.slot_rps("tutorcal"), self.slot_rps("floor")
        ratio = t_rps / f_rps if f_rps else math.nan
        rows.append(
            Row(
                f"reads/s, GET slots over 4 weeks ({load})",
                f"{t_rps:.0f}",
                f"{f_rps:.0f}",
                f"{ratio:.2f}",
                f"≥ {TARGET_SLOTS_RPS_RATIO}",
                judge(round(ratio, 2) >= TARGET_SLOTS_RPS_RATIO),
                {"tutorcal": t_rps, "floor": f_rps, "ratio": ratio},
            )
        )
        if self.slot_runs("raw"):
            r_rps = self.slot_rps("raw")
            rows.append(
                Row(
                    f"reads/s, GET slots, vs the {sessions.RAW_LABEL}",
                    f"{t_rps:.0f}",
                    f"{r_rps:.0f}",
                    f"{t_rps / r_rps:.2f}" if r_rps else "-",
                    values={
                        "tutorcal": t_rps,
                        "raw": r_rps,
                        "ratio": t_rps / r_rps if r_rps else None,
                    },
                )
            )
        for name, fraction in (("p50", 0.50), ("p95", 0.95)):
            t, f = self.slot_latency("tutorcal", fraction), self.slot_latency("floor", fraction)
            rows.append(
                Row(
                    f"{name} latency of GET slots under that load",
                    f"{t:.1f} ms",
                    f"{f:.1f} ms",
                    f"{t / f:.2f}",
                    values={"tutorcal": t, "floor": f, "ratio": t / f},
                )
            )
        runs = self.slot_runs("tutorcal")
        calls = sum(sum(run.google_calls.values()) for run in runs)
        reads = sum(run.answered_total for run in runs)
        rows.append(
            Row(
                "Google Calendar API calls per slots read (during the read load)",
                f"{calls / reads if reads else math.nan:.3g} ({calls} / {reads})",
                target=f"{TARGET_GOOGLE_CALLS_PER_SLOT_READ}",
                result=judge(calls == 0 and reads > 0),
                values={
                    "tutorcal": calls / reads if reads else None,
                    "calls": calls,
                    "reads": reads,
                },
            )
        )
        return rows + self.slot_booking_rows()

    def slot_booking_rows(self) -> list[Row]:
        runs = self.drains_of("tutorcal", "slot")
        if not runs:
            return []
        run = runs[0]
        answered = int(run.result["answered"])
        latencies = run.latencies_ms
        per_s = run.confirmed / run.wall_s if run.wall_s else math.nan
        google = run.google
        writes = calls_of(google, GOOGLE_WRITE_METHODS)
        per_booking = writes / run.confirmed if run.confirmed else math.nan
        in_request = Counter(
            {key: n for key, n in google.items() if key.split(" ")[0] in GOOGLE_WRITE_METHODS}
        )
        rows = [
            Row(
                f"one-to-one slot bookings/s, {self.options.students} students at once "
                f"({run.confirmed}/{answered} confirmed, distinct free slots)",
                f"{per_s:.1f}",
                values={"tutorcal": per_s, "confirmed": run.confirmed, "answered": answered},
            ),
            Row(
                "p50 / p95 latency of a slot booking",
                f"{percentile(latencies, 0.5):.1f} / {percentile(latencies, 0.95):.1f} ms",
                values={
                    "p50": percentile(latencies, 0.5),
                    "p95": percentile(latencies, 0.95),
                },
            ),
            Row(
                "Google calls per slot booking, in the request",
                f"{per_booking:.2f} ({describe_calls(in_request)})",
                target="1 (events.insert)",
                result=judge(run.confirmed > 0 and writes == run.confirmed),
                values={"tutorcal": per_booking, "calls": writes},
            ),
        ]
        return rows

    @property
    def table(self) -> str:
        return rows_table(self.rows, SUBJECT_LABELS)

    def verdict_lines(self) -> list[str]:
        return verdicts_of(self.rows)

    def as_json(self) -> dict[str, Any]:
        def finite(value: float | None) -> float | None:
            return None if value is None or math.isnan(value) else round(value, 4)

        def without_answers(result: dict[str, Any]) -> dict[str, Any]:
            latencies = sorted(a["latency_us"] for a in result["answers"])
            return {
                **{k: v for k, v in result.items() if k != "answers"},
                "latency_ms": {
                    "p50": percentile([us / 1000 for us in latencies], 0.50),
                    "p95": percentile([us / 1000 for us in latencies], 0.95),
                    "max": latencies[-1] / 1000 if latencies else None,
                },
            }

        return {
            "options": self.options.__dict__,
            "subjects": SUBJECT_LABELS,
            "same_slots_answer": self.same_slots,
            "slots_answer_note": self.slots_note,
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
            "drains": [
                {
                    "subject": run.subject,
                    "server_cpu_s": round(run.server_cpu_s, 3),
                    "postgres_cpu_s": round(run.postgres_cpu_s, 3),
                    "google_calls": dict(run.google),
                    **without_answers(run.result),
                }
                for run in self.drains
            ],
            "races": [
                {
                    "subject": race.subject,
                    "winners_in_google": race.winners_in_google,
                    "google_calls": dict(race.google),
                    **without_answers(race.result),
                }
                for race in self.races
            ],
            "slot_loads": [
                {
                    "subject": run.subject,
                    "round": run.round,
                    "server_cpu_s": round(run.server_cpu_s, 3),
                    "postgres_cpu_s": round(run.postgres_cpu_s, 3),
                    "google_calls": run.google_calls,
                    **{k: v for k, v in run.result.items() if k != "latencies_us"},
                }
                for run in self.slot_loads
            ],
            "notes": self.notes,
            "profile": self.profile,
            "table_markdown": self.table,
        }


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
    return {
        "summary": summary,
        "start": {"dateTime": start.isoformat(), "timeZone": "UTC"},
        "end": {"dateTime": (start + timedelta(minutes=minutes)).isoformat(), "timeZone": "UTC"},
        **extra,
    }


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


# --- helpers -------------------------------------------------------------------------------


def run_bookgen(spec: dict[str, Any], scratch: Path, name: str, limit_s: float) -> dict[str, Any]:
    path = scratch / f"{name}.json"
    path.write_text(json.dumps(spec))
    completed = subprocess.run(
        [sys.executable, "-m", "bench.bookgen", "--spec", str(path)],
        env=base_environment(),
        capture_output=True,
        text=True,
        timeout=limit_s + 60,
        check=False,
    )
    if completed.returncode != 0:
        raise BenchError(f"the booking load generator failed:\n{completed.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(completed.stdout)
    return result


def calendar_calls(emulator: Emulator) -> Counter[str]:
    """The emulator's logged Calendar API requests, as "name status" -> count."""
    entries = emulator.control("GET", "/requests")
    return Counter(f"{e['name']} {e['status']}" for e in entries)


def wait_quiet(emulator: Emulator) -> None:
    """Until the emulator has served no Calendar API call for QUIET_SECONDS (syncs are over)."""
    deadline = time.monotonic() + QUIET_TIMEOUT_SECONDS
    last, since = emulator.calendar_requests(), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.1)
        now = emulator.calendar_requests()
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= QUIET_SECONDS:
            return


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


def event_attendees(emulator: Emulator) -> dict[str, list[str]]:
    """Each event's non-organizer attendees, by title."""
    events = emulator.control("GET", f"/calendars/{TUTOR_EMAIL}/events")
    return {
        str(e.get("summary")): sorted(
            str(a["email"]) for a in e.get("attendees", []) if not a.get("organizer")
        )
        for e in events
        if e.get("status") != "cancelled"
    }


# --- the run -------------------------------------------------------------------------------


@dataclass
class Stage:
    servers: Servers
    emulator: Emulator
    emulator_pid: int
    database_url: str
    tutor_id: str
    students: list[dict[str, str]]  # cookie, csrf; index n is STUDENT_EMAIL n
    session_ids: dict[str, str]  # title -> tutorcal's session id
    plan: Plan
    viewer_cookie: str


def sign_in_students(base_url: str, count: int) -> list[dict[str, str]]:
    def one(n: int) -> dict[str, str]:
        client = signed_in_client(base_url, STUDENT_EMAIL.format(n=n))
        try:
            return {
                "cookie": str(client.cookies[SESSION_COOKIE]),
                "csrf": str(client.cookies[CSRF_COOKIE]),
            }
        finally:
            client.close()

    with ThreadPoolExecutor(SIGN_IN_THREADS) as pool:
        return list(pool.map(one, range(count)))


@contextlib.contextmanager
def staged(options: Options, scratch: Path) -> Iterator[Stage]:
    with contextlib.ExitStack() as stack:
        database_url = stack.enter_context(postgres_database("bookings"))
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
        print("bookings: migrating a fresh PostgreSQL database", flush=True)
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
        student_count = max(options.students, options.racers)
        emails = [TUTOR_EMAIL, *(STUDENT_EMAIL.format(n=n) for n in range(student_count))]
        for email in emails:
            name = email.split("@")[0].replace("-", " ").title()
            emulator.control("POST", "/users", {"email": email, "name": name})
        plan = plan_calendar(options, datetime.now(UTC))
        print(
            f"bookings: {plan.session_count} one-seat sessions and "
            f"{len(plan.events) - plan.session_count} other events in the tutor's calendar",
            flush=True,
        )
        for body in plan.events:
            emulator.control("POST", f"/calendars/{TUTOR_EMAIL}/events", body)

        tutorcal_log = scratch / "tutorcal.log"
        tutorcal = stack.enter_context(
            spawned(tutorcal_command(tutorcal_port), env, scratch, tutorcal_log)
        )
        wait_ready(tutorcal, tutorcal_port, "/readyz", tutorcal_log)
        tutor = signed_in_client(tutorcal_url, TUTOR_EMAIL)
        stack.callback(tutor.close)
        availability = {
            "timezone": "UTC",
            "overrides": [],
            "weekly": [
                {"weekday": day, "start": WEEKLY_HOURS[0], "end": WEEKLY_HOURS[1]}
                for day in range(5)
            ],
        }
        answer = tutor.put(
            "/api/v1/tutors/me/availability",
            json=availability,
            headers={"X-CSRF-Token": str(tutor.cookies[CSRF_COOKIE])},
        )
        if answer.status_code != 200:
            raise BenchError(f"PUT availability: {answer.status_code} {answer.text[:300]}")
        tutor.get("/api/v1/auth/google/connect-calendar")
        tutor_id = str(tutor.get("/api/v1/me").json()["id"])
        now = datetime.now(UTC)
        listing = (
            f"/api/v1/tutors/{tutor_id}/sessions?start={rfc3339(now)}"
            f"&end={rfc3339(now + timedelta(days=60))}"
        )
        listed: list[dict[str, Any]] = []

        def mirror_full() -> bool:
            response = tutor.get(listing)
            if response.status_code != 200:
                return False
            listed[:] = response.json()
            return len(listed) >= plan.session_count

        print(
            f"bookings: connecting the tutor; waiting for {plan.session_count} sessions", flush=True
        )
        wait_until(mirror_full, MIRROR_TIMEOUT_SECONDS, f"the mirror to hold {plan.session_count}")
        session_ids = {str(s["title"]): str(s["id"]) for s in listed}
        if any(s["capacity"] != 1 for s in listed):
            raise BenchError("a bench session is not one-seat")

        print(f"bookings: signing in {student_count} students", flush=True)
        students = sign_in_students(tutorcal_url, student_count)

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
        raw, raw_port, raw_log = stack.enter_context(sessions.raw_floor(database_url, scratch))
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
        wait_quiet(emulator)
        yield Stage(
            servers,
            emulator,
            emulator_process.pid,
            database_url,
            tutor_id,
            students,
            session_ids,
            plan,
            students[0]["cookie"],
        )


def port_of(stage: Stage, subject: Subject) -> int:
    return stage.servers.of(subject)[1]


def process_of(stage: Stage, subject: Subject) -> subprocess.Popen[bytes]:
    return stage.servers.of(subject)[0]


def log_of(stage: Stage, subject: Subject) -> Path:
    return stage.servers.of(subject)[2]


def seats(stage: Stage, titles: list[str]) -> list[dict[str, Any]]:
    return [{"session_id": stage.session_ids[title]} for title in titles]


def drain(
    stage: Stage,
    subject: Subject,
    bodies: list[dict[str, Any]],
    options: Options,
    scratch: Path,
    name: str,
    kind: Literal["seat", "slot"] = "seat",
    profile_to: Path | None = None,
) -> DrainRun:
    """Make every booking of ``bodies`` once, ``options.students`` at a time (``profile_to``:
    with py-spy sampling the subject meanwhile, into that file)."""
    ensure_alive(process_of(stage, subject), SUBJECT_LABELS[subject], log_of(stage, subject))
    spec = {
        "port": port_of(stage, subject),
        "mode": "drain",
        "students": stage.students[: options.students],
        "bodies": bodies,
        "time_limit_s": DRAIN_TIME_LIMIT_SECONDS,
    }
    stage.emulator.control("DELETE", "/requests")
    pid = process_of(stage, subject).pid
    cpu_before, postgres_before = cpu_seconds(pid), postgres_cpu_seconds()
    emulator_before = cpu_seconds(stage.emulator_pid)
    with sampled(pid, profile_to):
        result = run_bookgen(spec, scratch, name, DRAIN_TIME_LIMIT_SECONDS)
        wait_quiet(stage.emulator)  # the syncs the push notifications started belong here
    cpu_after, postgres_after = cpu_seconds(pid), postgres_cpu_seconds()
    emulator_after = cpu_seconds(stage.emulator_pid)
    ensure_alive(process_of(stage, subject), SUBJECT_LABELS[subject], log_of(stage, subject))
    run = DrainRun(
        subject,
        kind,
        result,
        server_cpu_s=cpu_after - cpu_before,
        postgres_cpu_s=max(0.0, postgres_after - postgres_before),
        emulator_cpu_s=emulator_after - emulator_before,
        google=calendar_calls(stage.emulator),
    )
    latencies = sorted(run.latencies_ms)
    print(
        f"  {name:<18} {SUBJECT_LABELS[subject]:<40} {run.confirmed:4d} confirmed in "
        f"{run.wall_s:6.2f} s = {run.confirmed / max(run.wall_s, 1e-9):7.1f}/s  "
        f"p50 {percentile(latencies, 0.5):6.1f} ms  p95 {percentile(latencies, 0.95):6.1f} ms  "
        f"codes {result['codes']}  Google {describe_calls(run.google)}",
        flush=True,
    )
    return run


@contextlib.contextmanager
def sampled(pid: int, output: Path | None) -> Iterator[None]:
    """py-spy records ``pid`` (not paused: --nonblocking) until the block ends."""
    spy = sessions.py_spy() if output is not None else None
    if spy is None or output is None:
        yield
        return
    recorder = subprocess.Popen(
        [
            spy,
            "record",
            "--pid",
            str(pid),
            "--rate",
            str(PROFILE_RATE_HZ),
            "--nonblocking",
            "--format",
            "raw",
            "--output",
            str(output),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(0.5)  # let it attach
        yield
    finally:
        recorder.send_signal(signal.SIGINT)  # py-spy writes what it has on Ctrl-C
        try:
            recorder.wait(timeout=30)
        except subprocess.TimeoutExpired:
            recorder.kill()
            recorder.wait()


def race(
    stage: Stage, subject: Subject, title: str, options: Options, scratch: Path, n: int
) -> Race:
    ensure_alive(process_of(stage, subject), SUBJECT_LABELS[subject], log_of(stage, subject))
    spec = {
        "port": port_of(stage, subject),
        "mode": "race",
        "students": stage.students[: options.racers],
        "bodies": seats(stage, [title]),
        "time_limit_s": RACE_TIME_LIMIT_SECONDS,
        "prime_path": "/healthz",
    }
    stage.emulator.control("DELETE", "/requests")
    result = run_bookgen(spec, scratch, f"race-{subject}-{n}", RACE_TIME_LIMIT_SECONDS)
    wait_quiet(stage.emulator)
    winners = event_attendees(stage.emulator).get(title) if subject == "tutorcal" else None
    outcome = Race(subject, result, winners, calendar_calls(stage.emulator))
    latencies = sorted(outcome.latencies_ms)
    print(
        f"  race {n}  {SUBJECT_LABELS[subject]:<40} codes {result['codes']}  "
        f"p50 {percentile(latencies, 0.5):6.1f} ms  p95 {percentile(latencies, 0.95):6.1f} ms  "
        f"{'correct' if outcome.correct(options.racers) else 'WRONG'}",
        flush=True,
    )
    return outcome


def measure_bookings(
    stage: Stage, options: Options, scratch: Path, notes: list[str]
) -> tuple[list[DrainRun], int]:
    pools = stage.plan.pools
    print(
        f"bookings: {options.students} students booking distinct sessions "
        f"(warm-up {options.warmup_bookings}, then {options.bookings})",
        flush=True,
    )
    drain(stage, "tutorcal", seats(stage, pools["tutorcal-warmup"]), options, scratch, "warm-up")
    profile_to = None if options.profile == "never" else scratch / "bookings-profile.txt"
    runs = [
        drain(
            stage,
            "tutorcal",
            seats(stage, pools["tutorcal"]),
            options,
            scratch,
            "seats",
            profile_to=profile_to,
        )
    ]
    attendees = event_attendees(stage.emulator)
    booked = {
        a["target"]: STUDENT_EMAIL.format(n=a["student"])
        for a in runs[0].result["answers"]
        if a["code"] == "confirmed"
    }
    by_id = {session_id: title for title, session_id in stage.session_ids.items()}
    in_google = sum(
        attendees.get(by_id[session_id]) == [email] for session_id, email in booked.items()
    )
    drain(stage, "floor", seats(stage, pools["floor-warmup"]), options, scratch, "warm-up")
    floor_ids = [stage.session_ids[title] for title in pools["floor"]]
    for n in range(options.floor_rounds):
        runs.append(
            drain(stage, "floor", seats(stage, pools["floor"]), options, scratch, f"seats {n + 1}")
        )
        asyncio.run(delete_bookings(stage.database_url, floor_ids))
    for run in runs:
        unexpected = {k: v for k, v in run.result["codes"].items() if k != "confirmed"}
        if unexpected or run.result["errors"] or run.result["unsent"]:
            notes.append(
                f"{run.subject} booking run: non-confirmed answers {unexpected}, "
                f"errors {run.result['errors']}, unsent {run.result['unsent']}"
            )
    return runs, in_google


def measure_slots(
    stage: Stage, options: Options, notes: list[str]
) -> tuple[list[LoadRun], bool, str, list[dict[str, Any]]]:
    start = stage.plan.window_start
    path = (
        f"/api/v1/tutors/{stage.tutor_id}/slots"
        f"?start={rfc3339(start)}&end={rfc3339(start + SLOT_WINDOW)}"
    )
    headers = {"Cookie": f"{SESSION_COOKIE}={stage.viewer_cookie}"}
    answers = [
        httpx2.get(f"http://127.0.0.1:{port_of(stage, s)}{path}", headers=headers, timeout=10)
        for s in sessions.ROUND_ORDER
    ]
    if any(answer.status_code != 200 for answer in answers):
        raise BenchError(
            "a subject did not answer GET slots: "
            + ", ".join(f"{a.status_code} {a.text[:300]}" for a in answers)
        )
    same = all(answer.json() == answers[0].json() for answer in answers)
    different = next((a for a in answers[1:] if a.json() != answers[0].json()), answers[1])
    note = (
        f"identical JSON from all three, {len(answers[0].json())} slots, "
        f"{len(answers[0].content)} bytes"
        if same
        else "DIFFERENT answers: " + first_difference(answers[0].json(), different.json())
    )
    print(f"bookings: GET slots: {note}", flush=True)
    if not same:
        notes.append(f"the floor's slots differ from tutorcal's: {note}")
    read_options = sessions.Options(
        concurrency=options.concurrency,
        warmup_s=options.warmup_s,
        duration_s=options.duration_s,
        rounds=options.rounds,
    )
    print(
        f"bookings: GET slots load, {options.rounds} round(s) per subject, "
        f"{options.concurrency} connections, {options.warmup_s:g} s warm-up + "
        f"{options.duration_s:g} s each",
        flush=True,
    )
    loads: list[LoadRun] = []
    order = sessions.ROUND_ORDER
    for round_index in range(options.rounds):
        for subject in order if round_index % 2 == 0 else order[::-1]:
            loads.append(
                load_round(
                    subject,
                    round_index,
                    stage.servers,
                    path,
                    stage.viewer_cookie,
                    read_options,
                    stage.emulator,
                )
            )
    for run in loads:
        answered, ok = int(run.result["answered"]), run.ok
        if answered != ok or run.result["errors"]:
            notes.append(
                f"GET slots, {run.subject} round {run.round + 1}: {answered - ok} non-200 "
                f"answers {run.result['statuses']}, errors {run.result['errors']}"
            )
    free: list[dict[str, Any]] = answers[0].json()
    return loads, same, note, free


def measure_slot_bookings(
    stage: Stage, options: Options, scratch: Path, free: list[dict[str, Any]]
) -> DrainRun | None:
    """Students book distinct free one-to-one slots at once (after the slot reads: this takes
    slots away)."""
    cutoff = stage.plan.window_start + timedelta(days=2)  # well past the minimum notice
    candidates = [s for s in free if datetime.fromisoformat(s["start"]) >= cutoff]
    count = min(options.warmup_bookings, len(candidates))
    if count == 0:
        return None
    chosen = candidates[:: max(1, len(candidates) // count)][:count]
    minutes = round(
        (datetime.fromisoformat(chosen[0]["end"]) - datetime.fromisoformat(chosen[0]["start"]))
        / timedelta(minutes=1)
    )
    bodies = [
        {"tutor_id": stage.tutor_id, "start": slot["start"], "minutes": minutes} for slot in chosen
    ]
    print(f"bookings: {options.students} students booking {count} distinct free slots", flush=True)
    return drain(stage, "tutorcal", bodies, options, scratch, "slots", kind="slot")


def drains_seat_count(drains: list[DrainRun]) -> int:
    runs = [d for d in drains if d.subject == "tutorcal" and d.kind == "seat"]
    return sum(int(d.result["answered"]) for d in runs)


def booking_profile(collapsed: Path, bookings: int) -> dict[str, Any] | None:
    """The seat run's py-spy samples, summarised like the sessions section's; kept in
    bench/results/ beside the JSON."""
    if not collapsed.exists():
        return None
    kept = RESULTS_PATH.parent / "bookings-profile.collapsed.txt"
    kept.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(collapsed, kept)
    summary = sessions.summarise_profile(collapsed)
    summary["bookings_while_profiled"] = bookings
    summary["collapsed_stacks"] = str(kept)
    return summary


def run(options: Options, scratch: Path) -> BookingsResult:
    """Raises BenchError when something cannot be set up or a server dies."""
    problems = options.problems()
    if problems:
        raise BenchError("; ".join(problems))
    notes: list[str] = []
    with staged(options, scratch) as stage:
        drains, in_google = measure_bookings(stage, options, scratch, notes)

        print(f"bookings: {options.racers} students racing for one seat", flush=True)
        races: list[Race] = []
        for n in range(options.races):
            order: tuple[Subject, Subject] = ("tutorcal", "floor")
            for subject in order if n % 2 == 0 else order[::-1]:
                races.append(
                    race(stage, subject, stage.plan.races[subject][n], options, scratch, n + 1)
                )

        slot_loads, same, slots_note, free = measure_slots(stage, options, notes)
        slot_run = measure_slot_bookings(stage, options, scratch, free)
        if slot_run is None:
            notes.append("no free slot to book after the minimum notice")
        else:
            drains.append(slot_run)
            unexpected = {k: v for k, v in slot_run.result["codes"].items() if k != "confirmed"}
            if unexpected or slot_run.result["errors"]:
                notes.append(
                    f"slot bookings: non-confirmed answers {unexpected}, "
                    f"errors {slot_run.result['errors']}"
                )
        ensure_alive(stage.servers.tutorcal, SUBJECT_LABELS["tutorcal"], stage.servers.tutorcal_log)
        logged = [
            line
            for line in stage.servers.tutorcal_log.read_text(errors="replace").splitlines()
            if line
        ]
        if logged:
            notes.append(
                f"tutorcal logged {len(logged)} line(s) at WARNING or above, "
                f"e.g. {logged[-1][:300]}"
            )
        tutorcal_latencies = [
            ms for d in drains if d.subject == "tutorcal" for ms in d.latencies_ms
        ]
        if tutorcal_latencies:
            notes.append(
                "tutorcal booking latency: mean "
                f"{statistics.mean(tutorcal_latencies):.1f} ms, "
                f"max {max(tutorcal_latencies):.1f} ms"
            )
        return BookingsResult(
            options,
            drains,
            races,
            slot_loads,
            same,
            slots_note,
            in_google,
            notes,
            booking_profile(scratch / "bookings-profile.txt", drains_seat_count(drains)),
        )
    raise AssertionError("unreachable")
