"""Reading a tutor's sessions under load, and how fast a change in Google shows.

One PostgreSQL database, the Google emulator and ``tutorcal serve`` (bench/staging.py), and
on the same database the floor (bench/floor_app.py: FastAPI + Tortoise doing the least the
same answer needs) and the raw floor (bench/raw_floor_app.py: the same two queries through
asyncpg, no ORM; issue #14's goal: tutorcal at ≥ 0.7 of its reads/s; its rows name it and
its figure stands in the floor column).

Set-up: a tutor whose primary calendar holds 40 "Tutoring …" events over the next four
weeks signs in and connects the calendar; the bench waits until the mirror holds all 40; a
student signs in, and the student's session cookie is what every read sends. Every subject
must give the same JSON for the same request (checked before any load).

Measured:

1. ``GET /api/v1/tutors/{id}/sessions?start=&end=`` over the four weeks, by the closed-loop
   load generator (bench/loadgen.py: N keep-alive connections, a warm-up, then a fixed
   duration), the subjects alternating round by round: requests/s, p50 and p95 latency, and
   (for information) the server's and PostgreSQL's CPU time per read;
2. Google Calendar API calls per read: what the emulator served while tutorcal was under
   read load, over the reads it answered (the mirror is meant to make it 0);
3. change → visible: an event created or moved through the emulator's control API (as a
   tutor in the Google Calendar UI), then polling the API until it shows it (push → webhook →
   debounced sync → visible), sequentially, with the server's SYNC_COALESCE_SECONDS.

With ``--profile auto`` (the default) and tutorcal below the requests/s target, one more
tutorcal round runs under py-spy (bench/profile.py); the collapsed stacks are kept in
bench/results/.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import httpx2

from bench import loadgen, profile
from bench.staging import (
    SESSION_COOKIE,
    BenchError,
    Emulator,
    Server,
    Staging,
    connect_tutor,
    postgres_cpu_seconds,
    sign_in,
)
from bench.table import Report, Table, Target

Subject = Literal["tutorcal", "floor", "raw"]
# The subjects take turns in this order, reversed every other round.
ROUND_ORDER: tuple[Subject, ...] = ("tutorcal", "floor", "raw")
LABELS: dict[Subject, str] = {
    "tutorcal": "tutorcal serve",
    "floor": "floor (bare FastAPI+Tortoise)",
    "raw": "raw floor (FastAPI+asyncpg, no ORM)",
}
RAW_LABEL = "raw floor (asyncpg, no ORM; its figure in the floor column)"
Subjects = Mapping[Subject, Server]

TUTOR_EMAIL = "bench-tutor@school.example"
STUDENT_EMAIL = "bench-student@school.example"
GUEST_EMAIL = "bench-guest@school.example"
WINDOW = timedelta(days=28)
SUBJECT_NAMES = ("Algebra", "Geometry", "Physics", "Chemistry", "Essay writing")

TARGET_RPS_RATIO = 0.8
# Issue #14: tutorcal's reads against the same answer with no ORM at all.
TARGET_RAW_RPS_RATIO = 0.7
# The project's own promise (tests/google/test_push_live.py): a change shows within 2 s.
TARGET_VISIBLE_P95_SECONDS = 2.0

MIRROR_TIMEOUT_SECONDS = 30.0
CHANGE_TIMEOUT_SECONDS = 10.0
POLL_SECONDS = 0.01
# After a change shows: let the sync's follow-up look finish, so changes do not overlap.
SETTLE_SECONDS = 0.3
PROFILE_RATE_HZ = 200
# Sampling a booking run without pausing it: a lower rate keeps py-spy's own CPU small.
SAMPLED_RATE_HZ = 100


@dataclass(frozen=True)
class Load:
    """The read load of this section and of the bookings section's slot reads."""

    concurrency: int = 8
    warmup_s: float = 2.0
    duration_s: float = 10.0
    rounds: int = 2
    profile: Literal["auto", "always", "never"] = "auto"

    @classmethod
    def of(cls, args: argparse.Namespace) -> Load:
        return cls(args.concurrency, args.warmup, args.duration, args.rounds, args.profile)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("sessions")
    group.add_argument(
        "--changes", type=int, default=20, help="changes made in Google, timed until visible [20]"
    )


def problems(args: argparse.Namespace) -> list[str]:
    return [] if 1 <= args.changes <= 100 else ["--changes must be within 1..100"]


# --- reads under load ----------------------------------------------------------------------


@dataclass
class Run:
    """One load generator run on a subject, and what it cost meanwhile."""

    subject: Subject
    kind: Literal["read", "seat", "slot", "race"]
    round: int
    result: dict[str, Any]  # the load generator's
    google: Counter[str]  # Calendar API calls meanwhile: "events.get 200" -> n
    server_cpu_s: float
    postgres_cpu_s: float
    emulator_cpu_s: float
    winners_in_google: list[str] | None = None  # a tutorcal race: the event's attendees after

    @property
    def ok(self) -> int:
        return int(self.result["ok"])

    @property
    def answered(self) -> int:
        return int(self.result["answered"])

    @property
    def answered_total(self) -> int:
        return int(self.result["answered_total"])

    @property
    def latencies_ms(self) -> list[float]:
        return [us / 1000 for us in self.result["latencies_us"]]

    @property
    def confirmed(self) -> int:
        """Bookings made (drain and race runs)."""
        return int(self.result.get("codes", {}).get("confirmed", 0))

    @property
    def wall_s(self) -> float:
        """First request sent to last answer read (drain and race runs)."""
        return float(self.result.get("wall_s", 0.0))

    def as_json(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "kind": self.kind,
            "round": self.round,
            "server_cpu_s": round(self.server_cpu_s, 3),
            "postgres_cpu_s": round(self.postgres_cpu_s, 3),
            "emulator_cpu_s": round(self.emulator_cpu_s, 3),
            "google_calls": dict(self.google),
            "winners_in_google": self.winners_in_google,
            **{k: v for k, v in self.result.items() if k not in ("answers", "latencies_us")},
        }


def measure(
    subject: Subject,
    kind: Literal["read", "seat", "slot", "race"],
    round_index: int,
    server: Server,
    spec: loadgen.Spec,
    emulator: Emulator,
    profile_to: Path | None = None,
) -> Run:
    """The spec run on ``server``, CPU and Google calls bracketed; a booking run waits out the
    syncs its push notifications started (they belong to it); ``profile_to``: under py-spy
    (not paused, so the figures stand) into that file."""
    server.ensure_alive()
    emulator.clear_calls()
    cpu = (server.cpu_seconds(), postgres_cpu_seconds(), emulator.server.cpu_seconds())
    with profile.sampled(server.pid, profile_to, SAMPLED_RATE_HZ, blocking=False):
        result = loadgen.run(spec)
        if kind != "read":
            emulator.wait_quiet()
    server.ensure_alive()
    return Run(
        subject,
        kind,
        round_index,
        result,
        emulator.calendar_calls(),
        server_cpu_s=server.cpu_seconds() - cpu[0],
        postgres_cpu_s=max(0.0, postgres_cpu_seconds() - cpu[1]),
        emulator_cpu_s=emulator.server.cpu_seconds() - cpu[2],
    )


@dataclass
class Reads:
    """Rounds of one GET under load, every subject in turn."""

    what: str
    duration_s: float
    runs: list[Run]
    of_what: str = ""  # in the latency rows' names: " of GET slots"
    read: str = "read"  # in the Google row's name: "slots read"

    def of(self, subject: Subject) -> list[Run]:
        return [run for run in self.runs if run.subject == subject]

    def rps(self, subject: Subject) -> float:
        runs = self.of(subject)
        return sum(run.ok for run in runs) / (len(runs) * self.duration_s) if runs else math.nan

    def latency(self, subject: Subject, fraction: float) -> float:
        return loadgen.percentile([ms for r in self.of(subject) for ms in r.latencies_ms], fraction)

    def cpu_ms_per_read(self, subject: Subject, postgres: bool = False) -> float:
        runs = self.of(subject)
        seconds = sum(r.postgres_cpu_s if postgres else r.server_cpu_s for r in runs)
        reads = sum(run.answered_total for run in runs)
        return seconds * 1000 / reads if reads else math.nan

    def rows(self, table: Table, metric: str, target: float, cpu: bool, load: Load) -> None:
        """The rows of these reads (``cpu``: with the CPU per read, and the raw floor judged)."""
        shape = f"c={load.concurrency}, {load.rounds} x {load.duration_s:g} s"
        t_rps = self.rps("tutorcal")
        table.compare(
            f"{metric} ({shape})", t_rps, self.rps("floor"), "{:.0f}", Target(target, True)
        )
        raw_target = Target(TARGET_RAW_RPS_RATIO, True) if cpu else None
        if self.of("raw"):
            raw_metric = f"reads/s, GET {self.what}, vs the {RAW_LABEL}"
            table.compare(raw_metric, t_rps, self.rps("raw"), "{:.0f}", raw_target)
        for name, fraction in (("p50", 0.50), ("p95", 0.95)):
            t, f = self.latency("tutorcal", fraction), self.latency("floor", fraction)
            table.compare(f"{name} latency{self.of_what} under that load", t, f, "{:.1f} ms")
        if cpu:
            cpu_of = self.cpu_ms_per_read
            t_cpu = cpu_of("tutorcal")
            table.compare("CPU per read, server process", t_cpu, cpu_of("floor"), "{:.2f} ms")
            if self.of("raw"):
                table.compare(
                    f"CPU per read, server process, vs the {RAW_LABEL}",
                    t_cpu,
                    cpu_of("raw"),
                    "{:.2f} ms",
                )
            table.compare(
                "CPU per read, PostgreSQL, all processes",
                cpu_of("tutorcal", postgres=True),
                cpu_of("floor", postgres=True),
                "{:.2f} ms",
            )
        runs = self.of("tutorcal")
        calls = sum(sum(run.google.values()) for run in runs)
        reads = sum(run.answered_total for run in runs)
        table.add(
            f"Google Calendar API calls per {self.read} (during the read load)",
            calls / reads if reads else math.nan,
            f"{calls / reads if reads else math.nan:.3g} ({calls} / {reads})",
            passed=calls == 0 and reads > 0,
            target_text="0",
            calls=calls,
            reads=reads,
        )


def same_answer(subjects: Subjects, path: str, cookie: str, what: str) -> tuple[bool, str, Any]:
    """Whether every subject gives the same JSON; a note saying so; tutorcal's answer."""
    headers = {"Cookie": f"{SESSION_COOKIE}={cookie}"}
    answers = [
        httpx2.get(f"{subjects[s].url}{path}", headers=headers, timeout=10) for s in ROUND_ORDER
    ]
    if any(answer.status_code != 200 for answer in answers):
        raise BenchError(
            f"a subject did not answer GET {what}: "
            + ", ".join(f"{a.status_code} {a.text[:300]}" for a in answers)
        )
    documents = [answer.json() for answer in answers]
    different = next((d for d in documents[1:] if d != documents[0]), None)
    note = (
        f"identical JSON from all three, {len(documents[0])} {what}, "
        f"{len(answers[0].content)} bytes"
        if different is None
        else "DIFFERENT answers: " + first_difference(documents[0], different)
    )
    return different is None, note, documents[0]


def first_difference(left: Any, right: Any) -> str:
    if isinstance(left, list) and isinstance(right, list):
        if len(left) != len(right):
            return f"{len(left)} items vs {len(right)}"
        for index, (a, b) in enumerate(zip(left, right, strict=True)):
            if a != b:
                keys = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
                return f"item {index} differs in {keys}: {a} vs {b}"
    return f"{str(left)[:200]} vs {str(right)[:200]}"


def loop_spec(server: Server, path: str, cookie: str, load: Load) -> loadgen.Spec:
    return loadgen.Spec(
        server.port,
        "loop",
        [loadgen.Call("GET", path)],
        [{"Cookie": f"{SESSION_COOKIE}={cookie}"}] * load.concurrency,
        warmup_s=load.warmup_s,
        duration_s=load.duration_s,
    )


def load_round(
    subject: Subject, n: int, server: Server, spec: loadgen.Spec, emulator: Emulator, rounds: int
) -> Run:
    run = measure(subject, "read", n, server, spec, emulator)
    latency = run.result["latency_ms"]
    print(
        f"  round {n + 1}/{rounds} {LABELS[subject]:<36} "
        f"{run.result['requests_per_s']:7.1f} reads/s  p50 {latency['p50']:6.1f} ms  "
        f"p95 {latency['p95']:6.1f} ms  non-200 {run.answered - run.ok}  "
        f"errors {sum(run.result['errors'].values())}  server CPU "
        f"{run.server_cpu_s * 1000 / max(1, run.answered_total):.2f} ms/read",
        flush=True,
    )
    return run


def read_rounds(
    what: str,
    subjects: Subjects,
    path: str,
    cookie: str,
    load: Load,
    emulator: Emulator,
    notes: list[str],
) -> Reads:
    print(
        f"  GET {what}: {load.rounds} round(s) per subject, {load.concurrency} connections, "
        f"{load.warmup_s:g} s warm-up + {load.duration_s:g} s each",
        flush=True,
    )
    runs: list[Run] = []
    for n in range(load.rounds):
        for subject in ROUND_ORDER if n % 2 == 0 else ROUND_ORDER[::-1]:
            spec = loop_spec(subjects[subject], path, cookie, load)
            runs.append(load_round(subject, n, subjects[subject], spec, emulator, load.rounds))
    for run in runs:
        answered, ok = int(run.result["answered"]), run.ok
        if answered != ok or run.result["errors"]:
            notes.append(
                f"GET {what}, {run.subject} round {run.round + 1}: {answered - ok} non-200 "
                f"answers {run.result['statuses']}, errors {run.result['errors']}"
            )
    return Reads(what, load.duration_s, runs)


def warnings_logged(server: Server) -> list[str]:
    server.ensure_alive()
    logged = server.logged_lines()
    if not logged:
        return []
    return [
        f"{server.name} logged {len(logged)} line(s) at WARNING or above, e.g. {logged[-1][:300]}"
    ]


# --- changes in Google ---------------------------------------------------------------------


@dataclass
class Change:
    kind: Literal["create", "move"]
    seconds: float
    list_calls: int


def timed_body(start: datetime, minutes: int = 60) -> dict[str, Any]:
    return {
        "start": {"dateTime": start.isoformat(), "timeZone": "UTC"},
        "end": {"dateTime": (start + timedelta(minutes=minutes)).isoformat(), "timeZone": "UTC"},
    }


def measure_changes(
    count: int, emulator: Emulator, reader: httpx2.Client, path: str, window_start: datetime
) -> tuple[list[Change], list[str]]:
    """Create an event, then move it, alternately; each timed until the API shows it."""
    changes: list[Change] = []
    notes: list[str] = []
    events = f"/calendars/{TUTOR_EMAIL}/events"
    event_id = title = ""
    start = window_start
    for n in range(count):
        list_calls_before = emulator.calendar_requests()["events.list"]
        kind: Literal["create", "move"] = "create" if n % 2 == 0 or not event_id else "move"
        if kind == "create":
            title = f"Tutoring: change {n + 1}"
            start = window_start + timedelta(days=2 + n % 20, hours=7)
            began = time.perf_counter()
            event_id = emulator.add_events(TUTOR_EMAIL, [{"summary": title, **timed_body(start)}])[
                0
            ]
        else:
            start += timedelta(minutes=30)
            began = time.perf_counter()
            emulator.control("PATCH", f"{events}/{event_id}", timed_body(start))
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


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def event_body(index: int, start: datetime) -> dict[str, Any]:
    body: dict[str, Any] = {
        "summary": f"Tutoring: {SUBJECT_NAMES[index % len(SUBJECT_NAMES)]} #{index + 1}",
        "description": f"capacity: {2 + index % 3}\nBring last week's exercises.",
        "location": f"Room {101 + index % 7}",
        **timed_body(start),
    }
    if index % 4 == 0:
        body["attendees"] = [{"email": GUEST_EMAIL}]
    return body


def session_start(window_start: datetime, index: int, count: int) -> datetime:
    """``count`` sessions spread over the window's days, at most a few a day, none overlapping."""
    day = index * WINDOW.days // count
    return window_start + timedelta(days=day, hours=9 + 2 * (index % 4))


def coalesce_setting() -> str:
    from tutorcal.config import Settings

    return f"{Settings.model_fields['sync_coalesce_seconds'].default:g} s (default)"


def start_floors(staging: Staging, database_url: str, tutorcal: Server) -> dict[Subject, Server]:
    return {
        "tutorcal": tutorcal,
        "floor": staging.floor("bench.floor_app", database_url),
        "raw": staging.floor("bench.raw_floor_app", database_url),
    }


# --- the run -------------------------------------------------------------------------------


def run(args: argparse.Namespace, scratch: Path, sessions: int = 40) -> Report:
    """Raises BenchError when something cannot be set up or a server dies."""
    load = Load.of(args)
    notes: list[str] = []
    with Staging(scratch, "sessions") as staging:
        database_url = staging.database()
        emulator = staging.emulator()
        emulator.add_users([TUTOR_EMAIL, STUDENT_EMAIL, GUEST_EMAIL])
        window_start = (datetime.now(UTC) + timedelta(days=1)).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        emulator.add_events(
            TUTOR_EMAIL,
            [event_body(n, session_start(window_start, n, sessions)) for n in range(sessions)],
        )
        [tutorcal] = staging.tutorcal(database_url, emulator, tutor_emails=[TUTOR_EMAIL])
        tutor = connect_tutor(tutorcal.url, TUTOR_EMAIL)
        staging.callback(tutor.client.close)
        path = (
            f"/api/v1/tutors/{tutor.id}/sessions"
            f"?start={rfc3339(window_start)}&end={rfc3339(window_start + WINDOW)}"
        )

        def mirror_full() -> bool:
            response = tutor.client.get(path)
            return response.status_code == 200 and len(response.json()) == sessions

        staging.wait_until(mirror_full, MIRROR_TIMEOUT_SECONDS, f"the mirror to hold {sessions}")
        student = sign_in(tutorcal.url, STUDENT_EMAIL)
        staging.callback(student.close)
        cookie = str(student.cookies[SESSION_COOKIE])
        subjects = start_floors(staging, database_url, tutorcal)

        same, answer_note, _ = same_answer(subjects, path, cookie, "sessions")
        staging.say(answer_note)
        if not same:
            notes.append(f"the floor's answer differs from tutorcal's: {answer_note}")
        time.sleep(0.5)  # the connection's background work (sync, watch) is over
        reads = read_rounds("sessions", subjects, path, cookie, load, emulator, notes)

        profiled: dict[str, Any] | None = None
        below = round(reads.rps("tutorcal") / max(reads.rps("floor"), 1e-9), 2) < TARGET_RPS_RATIO
        if load.profile == "always" or (load.profile == "auto" and below):
            staging.say("profiling tutorcal under the same load with py-spy")
            profiled = profile_reads(tutorcal, loop_spec(tutorcal, path, cookie, load), scratch)
            if "skipped" in profiled:
                notes.append(f"profile skipped: {profiled['skipped']}")

        staging.say(f"{args.changes} changes in Google, each timed until visible")
        changes, change_notes = measure_changes(args.changes, emulator, student, path, window_start)
        notes += change_notes + warnings_logged(tutorcal)

    table = Table((LABELS["tutorcal"], LABELS["floor"]))
    reads.rows(
        table,
        f"reads/s, GET sessions, {sessions} sessions in 4 weeks",
        TARGET_RPS_RATIO,
        True,
        load,
    )
    change_rows(table, changes, coalesce_setting())
    data = {
        "options": {**load.__dict__, "sessions": sessions, "changes": args.changes},
        "subjects": LABELS,
        "same_answer": same,
        "answer_note": answer_note,
        "sync_coalesce_seconds": coalesce_setting(),
        "loads": [run.as_json() for run in reads.runs],
        "changes": [change.__dict__ for change in changes],
    }
    return Report(table, data, notes, profiled)


def change_rows(table: Table, changes: Sequence[Change], coalesce: str) -> None:
    seconds = [change.seconds for change in changes]
    if not seconds:
        return
    median, p95 = statistics.median(seconds), loadgen.percentile(seconds, 0.95)
    n = len(seconds)
    table.add(f"change in Google → visible in the API, median of {n}", median, "{:.3f} s")
    table.add(
        f"change in Google → visible in the API, p95 of {n}",
        p95,
        "{:.3f} s",
        Target(TARGET_VISIBLE_P95_SECONDS, unit="s"),
    )
    table.add("the server's SYNC_COALESCE_SECONDS (debounce)", math.nan, coalesce)
    lists = [change.list_calls for change in changes]
    table.add(
        "events.list calls per change",
        statistics.mean(lists),
        f"{statistics.mean(lists):.2f} (max {max(lists)})",
        max=max(lists),
    )


def profile_reads(server: Server, spec: loadgen.Spec, scratch: Path) -> dict[str, Any]:
    """One more round under py-spy, pausing the process for each sample (exact stacks,
    slower requests: this round's figures are not used)."""
    collapsed = scratch / "tutorcal-profile.txt"
    with profile.sampled(server.pid, collapsed, PROFILE_RATE_HZ, blocking=True) as running:
        if not running:
            return {"skipped": "py-spy is not installed"}
        result = loadgen.run(spec)
    reads_per_s = round(float(result["requests_per_s"]), 1)
    return profile.kept_summary(collapsed, "sessions", reads_per_s_while_profiled=reads_per_s)
