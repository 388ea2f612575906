"""Many connected tutors, each with a term of events in Google, seeded as fast as they honestly can be.

Google's side goes through the emulator's control API (what a tutor does in the Google
Calendar UI), concurrently: a term is mostly weekly series, so a tutor costs 16 requests for
136 event instances. tutorcal's side goes through tutorcal's own API, as each tutor would:
sign in through Google (``login_hint``), open bookings a term ahead, set weekly hours, connect
the calendar (whose callback starts the first full sync in the background).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any, TypeVar

import asyncpg

from bench.staging import CSRF_COOKIE, BenchError, Emulator, Tutor, sign_in

T = TypeVar("T")

TUTOR_EMAIL = "scale-tutor-{n:03d}@school.example"
STUDENT_EMAIL = "scale-student@school.example"
TERM_WEEKS = 16
SESSION_SERIES = 5
BUSY_SERIES = 3
ONE_OFF_EVENTS = 8
EVENTS_PER_TUTOR = (SESSION_SERIES + BUSY_SERIES) * TERM_WEEKS + ONE_OFF_EVENTS
SUBJECTS = ("Algebra", "Geometry", "Physics", "Chemistry", "Essay writing")
WEEKLY_HOURS = ("09:00", "17:00")
THREADS = 8


def in_parallel(work: Callable[[T], object], items: Iterable[T]) -> None:
    with ThreadPoolExecutor(THREADS) as pool:
        for _ in pool.map(work, items):
            pass


def timed_body(summary: str, start: datetime, **fields: Any) -> dict[str, Any]:
    return {
        "summary": summary,
        "start": {"dateTime": start.isoformat(), "timeZone": "UTC"},
        "end": {"dateTime": (start + timedelta(hours=1)).isoformat(), "timeZone": "UTC"},
        **fields,
    }


def term_events(term_start: datetime, n: int) -> list[dict[str, Any]]:
    """Tutor ``n``'s term: weekly sessions, weekly busy time, a few one-off appointments."""
    weekly = [f"RRULE:FREQ=WEEKLY;COUNT={TERM_WEEKS}"]
    events = [
        timed_body(
            f"Tutoring: {SUBJECTS[k % len(SUBJECTS)]} with tutor {n}",
            term_start + timedelta(days=k, hours=9 + n % 3),
            description=f"capacity: {2 + k % 3}",
            location=f"Room {101 + k}",
            recurrence=weekly,
        )
        for k in range(SESSION_SERIES)
    ]
    events += [
        timed_body("Staff meeting", term_start + timedelta(days=k, hours=14), recurrence=weekly)
        for k in range(BUSY_SERIES)
    ]
    events += [
        timed_body("Dentist", term_start + timedelta(days=3 + 14 * k, hours=16))
        for k in range(ONE_OFF_EVENTS)
    ]
    return events


def seed_google(
    emulator: Emulator, emails: Sequence[str], first: int, term_start: datetime
) -> None:
    """The accounts and their terms; ``first`` is the number of the first of ``emails``."""
    emulator.add_users(emails)
    requests = [
        (email, body)
        for n, email in enumerate(emails, start=first)
        for body in term_events(term_start, n)
    ]
    in_parallel(
        lambda item: emulator.control("POST", f"/calendars/{item[0]}/events", item[1]), requests
    )


def availability(term_start: datetime, n: int) -> dict[str, Any]:
    """Weekday hours, and two days of the term off (different ones for different tutors)."""
    days_off = [term_start.date() + timedelta(days=7 * k + n % 5) for k in (3 + n % 4, 9)]
    return {
        "timezone": "UTC",
        "weekly": [
            {"weekday": day, "start": WEEKLY_HOURS[0], "end": WEEKLY_HOURS[1]} for day in range(5)
        ],
        "overrides": [{"date": day.isoformat(), "ranges": []} for day in days_off],
    }


def connect_one(base_url: str, email: str, n: int, term_start: datetime) -> Tutor:
    """Signed in; bookings open for the term and the tutor's hours set before the calendar
    is connected (a longer horizon once connected would read Google once more); connected,
    so that tutorcal runs the first full sync in the background."""
    client = sign_in(base_url, email)
    try:
        csrf = {"X-CSRF-Token": str(client.cookies[CSRF_COOKIE])}
        settings = {"horizon_days": TERM_WEEKS * 7}
        hours = availability(term_start, n)
        for answer in (
            client.patch("/api/v1/tutors/me/settings", json=settings, headers=csrf),
            client.put("/api/v1/tutors/me/availability", json=hours, headers=csrf),
            client.get("/api/v1/auth/google/connect-calendar"),
            me := client.get("/api/v1/me"),
        ):
            if answer.status_code != 200:
                raise BenchError(f"{email}: {answer.status_code} {answer.text[:300]}")
    except BaseException:
        client.close()
        raise
    return Tutor(client, str(me.json()["id"]))


def connect_tutors(
    base_url: str, emails: Sequence[str], first: int, term_start: datetime, keep: int
) -> list[Tutor]:
    """Each tutor connected (``connect_one``); ``first`` numbers the first of ``emails``. The
    first ``keep`` stay signed in (close their ``client``)."""

    def one(index: int) -> Tutor:
        tutor = connect_one(base_url, emails[index], first + index, term_start)
        if index >= keep:
            tutor.client.close()
        return tutor

    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(one, range(len(emails))))


def query(database_url: str, statement: str, *values: object) -> list[asyncpg.Record]:
    async def fetch() -> list[asyncpg.Record]:
        connection = await asyncpg.connect(database_url, timeout=10)
        try:
            return list(await connection.fetch(statement, *values))
        finally:
            await connection.close()

    return asyncio.run(fetch())


def synced_calendars(database_url: str) -> int:
    """Mirrored session calendars whose first sync is done."""
    rows = query(
        database_url,
        "SELECT count(*) AS n FROM mirrored_calendars "
        "WHERE holds_sessions AND last_synced_at IS NOT NULL",
    )
    return int(rows[0]["n"])
