"""The term-start rush's plan and stage: who books which seat when, and the servers ready.

See bench/rush.py for what the rush measures.
"""

from __future__ import annotations

import argparse
import math
import random
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.sessions import rfc3339, timed_body
from bench.staging import (
    Emulator,
    Server,
    Staging,
    Student,
    Tutor,
    connect_tutor,
    sign_in_students,
)

TUTOR_EMAIL = "rush-tutor-{n}@school.example"
STUDENT_EMAIL = "rush-student-{n:04d}@school.example"
SEATS = 25  # a group session's capacity; Google treats events over 200 guests differently
STUDENTS_PER_SESSION = 20  # four fifths full once everyone has booked
SESSIONS_PER_DAY = 8
POOL_SIZE = 8  # DATABASE_POOL_SIZE in deploy/cloudrun/service.yaml
TASK_TOKEN = "rush-internal-task-token"  # the instances' INTERNAL_TASK_TOKEN, loopback only
MIRROR_TIMEOUT_SECONDS = 120.0
SEED = 14


@dataclass(frozen=True)
class Options:
    students: int = 2000
    seconds: float = 60.0
    instances: int = 3
    tutors: int = 5
    hot_share: float = 0.4
    calendar_rate: int = 600
    settle: float = 600.0

    @classmethod
    def of(cls, args: argparse.Namespace) -> Options:
        """From the ``--rush-*`` options, named after the fields."""
        return cls(**{f.name: getattr(args, f"rush_{f.name}") for f in fields(cls)})


# --- the plan ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seat:
    student: int  # index into the students
    tutor: str
    title: str  # the session's event title, unique


@dataclass(frozen=True)
class Plan:
    tutors: list[str]  # the first is the hot one
    events: dict[str, list[dict[str, Any]]]  # tutor -> event bodies
    seats: list[Seat]  # in arrival order
    offsets: list[float]  # seconds after the start, beside the seats

    @property
    def hot(self) -> str:
        return self.tutors[0]


def plan_rush(options: Options, now: datetime) -> Plan:
    """Sessions for everyone, the students dealt out to them, and when each one books."""
    tutors = [TUTOR_EMAIL.format(n=n + 1) for n in range(options.tutors)]
    hot_students = round(options.students * options.hot_share)
    rest, extra = divmod(options.students - hot_students, options.tutors - 1)
    counts = [hot_students] + [rest + (k < extra) for k in range(options.tutors - 1)]
    first_day = (now + timedelta(days=2)).replace(hour=0, minute=0, second=0, microsecond=0)
    events: dict[str, list[dict[str, Any]]] = {}
    seats: list[Seat] = []
    student = 0
    for t, (tutor, count) in enumerate(zip(tutors, counts, strict=True)):
        events[tutor] = []
        for s in range(math.ceil(count / STUDENTS_PER_SESSION)):
            title = f"Tutoring: rush {t + 1}.{s + 1:03d}"
            start = first_day + timedelta(
                days=s // SESSIONS_PER_DAY, hours=8 + s % SESSIONS_PER_DAY
            )
            description = f"capacity: {SEATS}\nTerm-start group session."
            events[tutor].append(
                {"summary": title, "description": description, **timed_body(start)}
            )
            taking = min(STUDENTS_PER_SESSION, count - s * STUDENTS_PER_SESSION)
            seats += [Seat(student + k, tutor, title) for k in range(taking)]
            student += taking
    chance = random.Random(SEED)
    chance.shuffle(seats)
    offsets = sorted(chance.uniform(0, options.seconds) for _ in seats)
    return Plan(tutors, events, seats, offsets)


# --- the stage -----------------------------------------------------------------------------


@dataclass
class Stage:
    plan: Plan
    database_url: str
    emulator: Emulator
    apps: list[Server]
    students: list[Student]
    session_ids: dict[str, str]  # title -> tutorcal's session id


def staged(staging: Staging, options: Options, plan: Plan) -> Stage:
    database_url = staging.database()
    emulator = staging.emulator()
    emails = [STUDENT_EMAIL.format(n=n) for n in range(options.students)]
    staging.say(f"{len(plan.tutors)} tutors and {len(emails)} students in Google")
    emulator.add_users([*plan.tutors, *emails])
    for email, bodies in plan.events.items():
        emulator.add_events(email, bodies)
    apps = staging.tutorcal(
        database_url,
        emulator,
        instances=options.instances,
        tutor_emails=plan.tutors,
        env={"DATABASE_POOL_SIZE": str(POOL_SIZE), "INTERNAL_TASK_TOKEN": TASK_TOKEN},
    )
    session_ids: dict[str, str] = {}
    for n, email in enumerate(plan.tutors):
        tutor = connect_tutor(apps[n % len(apps)].url, email)
        staging.callback(tutor.client.close)
        titles = {str(body["summary"]) for body in plan.events[email]}
        session_ids |= wait_mirrored(staging, tutor, titles, f"{email}'s {len(titles)} sessions")
    staging.say(f"signing in {len(emails)} students through {len(apps)} instances")
    students = sign_in_students([app.url for app in apps], emails)
    emulator.wait_quiet()
    return Stage(plan, database_url, emulator, apps, students, session_ids)


def wait_mirrored(staging: Staging, tutor: Tutor, titles: set[str], what: str) -> dict[str, str]:
    """Until the tutor's sessions API lists every title; their session ids by title."""
    now = datetime.now(UTC)
    path = (
        f"/api/v1/tutors/{tutor.id}/sessions"
        f"?start={rfc3339(now)}&end={rfc3339(now + timedelta(days=60))}"
    )
    listed: dict[str, str] = {}

    def mirrored() -> bool:
        response = tutor.client.get(path)
        if response.status_code == 200:
            listed.update({str(s["title"]): str(s["id"]) for s in response.json()})
        return titles <= listed.keys()

    staging.wait_until(mirrored, MIRROR_TIMEOUT_SECONDS, f"{what} in the mirror")
    return {title: listed[title] for title in titles}
