"""Students and tutors at work: browsing, booking, cancelling, rescheduling, editing events.

Every answer is written to the ledger. A booking answered 201 is a promise the invariants hold
the service to afterwards, so the ledger keeps those promises, and which bookings a student
asked to cancel (answered or not: an answer lost in a fault may still have been carried out).
Booking requests carry an Idempotency-Key and are retried with it after a lost answer or a
5xx, as a front end would; the retry must never make a second booking.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2

from tutorcal.google.mirror import BOOKING_PROPERTY

API = "/api/v1"
BOOKING_RETRIES = 4
RETRY_PAUSE_SECONDS = 0.5
SESSION_DAYS = range(2, 9)
SESSION_HOURS = (8, 9, 10, 11)
SLOT_HOURS = ("14:00", "18:00")


@dataclass(frozen=True)
class Call:
    kind: str
    at: float  # seconds since the workload started
    status: int | None  # None: no answer (connection cut, timeout)
    code: str | None = None


@dataclass
class Ledger:
    started: float = field(default_factory=time.monotonic)
    calls: list[Call] = field(default_factory=list)
    # booking id -> student email, for every booking an answer called confirmed
    promised: dict[str, str] = field(default_factory=dict)
    # bookings a student asked to cancel or move, whatever the answer was
    cancel_asked: set[str] = field(default_factory=set)
    booking_outcomes: Counter[str] = field(default_factory=Counter)

    def record(self, kind: str, status: int | None, code: str | None = None) -> None:
        self.calls.append(Call(kind, time.monotonic() - self.started, status, code))

    def now(self) -> float:
        return time.monotonic() - self.started


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def session_start(day: int, hour: int) -> datetime:
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today + timedelta(days=day, hours=hour)


def event_body(summary: str, start: datetime, capacity: int) -> dict[str, Any]:
    return {
        "summary": summary,
        "description": f"capacity: {capacity}",
        "start": {"dateTime": start.isoformat(), "timeZone": "UTC"},
        "end": {"dateTime": (start + timedelta(hours=1)).isoformat(), "timeZone": "UTC"},
    }


def _code_of(response: httpx2.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return str(body.get("code")) if isinstance(body, dict) and body.get("code") else None


@dataclass
class Person:
    email: str
    http: httpx2.AsyncClient
    user_id: str = ""

    @property
    def csrf(self) -> dict[str, str]:
        return {"X-CSRF-Token": self.http.cookies.get("tutorcal_csrf") or ""}


async def sign_in(front_url: str, email: str, *, connect_calendar: bool = False) -> Person:
    http = httpx2.AsyncClient(base_url=front_url, follow_redirects=True, timeout=30)
    person = Person(email, http)
    await http.get(f"{API}/auth/google/login", params={"login_hint": email})
    if connect_calendar:
        await http.get(f"{API}/auth/google/connect-calendar")
    me = await http.get(f"{API}/me")
    if me.status_code != 200:
        raise RuntimeError(f"{email} could not sign in: {me.status_code} {me.text[:300]}")
    person.user_id = str(me.json()["id"])
    return person


class Student:
    def __init__(
        self,
        person: Person,
        tutors: list[str],
        ledger: Ledger,
        rng: random.Random,
        think_seconds: float = 0.2,
    ) -> None:
        self.think_seconds = think_seconds
        self.person = person
        self.tutors = tutors
        self.ledger = ledger
        self.rng = rng
        self.mine: list[dict[str, Any]] = []

    async def _get(self, kind: str, path: str, **params: str) -> httpx2.Response | None:
        try:
            response = await self.person.http.get(path, params=params)
        except httpx2.TransportError:
            self.ledger.record(kind, None)
            return None
        self.ledger.record(kind, response.status_code, _code_of(response))
        return response

    async def browse_sessions(self) -> list[dict[str, Any]]:
        tutor = self.rng.choice(self.tutors)
        response = await self._get("browse sessions", f"{API}/tutors/{tutor}/sessions")
        if response is None or response.status_code != 200:
            return []
        sessions: list[dict[str, Any]] = response.json()
        return sessions

    async def browse_slots(self) -> tuple[str, list[dict[str, Any]]]:
        tutor = self.rng.choice(self.tutors)
        response = await self._get("browse slots", f"{API}/tutors/{tutor}/slots")
        if response is None or response.status_code != 200:
            return tutor, []
        slots: list[dict[str, Any]] = response.json()
        return tutor, slots

    async def refresh_mine(self) -> None:
        response = await self._get("my bookings", f"{API}/bookings", status="confirmed")
        if response is not None and response.status_code == 200:
            self.mine = [b for b in response.json()["items"] if b["status"] == "confirmed"]

    async def _post_booking(self, kind: str, path: str, body: dict[str, Any]) -> None:
        """One booking action, retried with its key until it gets an answer that is not 5xx."""
        key = uuid.uuid4().hex
        headers = {**self.person.csrf, "Idempotency-Key": key}
        outcome = "no answer"
        for attempt in range(BOOKING_RETRIES):
            if attempt:
                await asyncio.sleep(RETRY_PAUSE_SECONDS * attempt)
            try:
                response = await self.person.http.post(path, json=body, headers=headers)
            except httpx2.TransportError:
                self.ledger.record(kind, None)
                continue
            code = _code_of(response)
            self.ledger.record(kind, response.status_code, code)
            if response.status_code >= 500 or code == "idempotency_in_progress":
                outcome = f"{response.status_code}"
                continue
            if response.status_code in (200, 201):
                booking = response.json()
                self.ledger.promised[booking["id"]] = self.person.email
                outcome = "confirmed"
            else:
                outcome = f"rejected: {code or response.status_code}"
            break
        self.ledger.booking_outcomes[f"{kind}: {outcome}"] += 1

    async def book_seat(self) -> None:
        sessions = [s for s in await self.browse_sessions() if s.get("seats_left", 1) > 0]
        if sessions:
            chosen = self.rng.choice(sessions)
            await self._post_booking("book seat", f"{API}/bookings", {"session_id": chosen["id"]})

    async def book_slot(self) -> None:
        tutor, slots = await self.browse_slots()
        if slots:
            slot = self.rng.choice(slots)
            body = {"tutor_id": tutor, "start": slot["start"], "minutes": 60}
            await self._post_booking("book slot", f"{API}/bookings", body)

    async def cancel(self) -> None:
        await self.refresh_mine()
        if not self.mine:
            return
        booking = self.rng.choice(self.mine)
        self.ledger.cancel_asked.add(booking["id"])
        try:
            response = await self.person.http.post(
                f"{API}/bookings/{booking['id']}/cancel",
                json={"reason": "reliability run"},
                headers=self.person.csrf,
            )
        except httpx2.TransportError:
            self.ledger.record("cancel", None)
            return
        self.ledger.record("cancel", response.status_code, _code_of(response))

    async def reschedule(self) -> None:
        await self.refresh_mine()
        seats = [b for b in self.mine if b["kind"] == "session"]
        if not seats:
            return
        booking = self.rng.choice(seats)
        sessions = [
            s
            for s in await self.browse_sessions()
            if s["id"] != booking["session_id"] and s.get("seats_left", 1) > 0
        ]
        if not sessions:
            return
        self.ledger.cancel_asked.add(booking["id"])
        target = self.rng.choice(sessions)
        await self._post_booking(
            "reschedule", f"{API}/bookings/{booking['id']}/reschedule", {"session_id": target["id"]}
        )

    async def run(self, until: float) -> None:
        actions = (
            (self.browse_sessions, 30),
            (self.browse_slots, 20),
            (self.book_seat, 22),
            (self.book_slot, 10),
            (self.cancel, 10),
            (self.reschedule, 5),
            (self.refresh_mine, 3),
        )
        choices = [action for action, _ in actions]
        weights = [weight for _, weight in actions]
        while self.ledger.now() < until:
            action = self.rng.choices(choices, weights)[0]
            try:
                await action()
            except Exception as exc:  # the run goes on; the ledger shows the failure
                self.ledger.record(f"client error: {type(exc).__name__}", None)
            await asyncio.sleep(self.rng.uniform(0, 2 * self.think_seconds))


class Tutor:
    """A tutor editing their Google Calendar directly (through the emulator's control API)."""

    def __init__(
        self, email: str, emulator: httpx2.AsyncClient, ledger: Ledger, rng: random.Random
    ) -> None:
        self.email = email
        self.emulator = emulator
        self.ledger = ledger
        self.rng = rng
        self.added = 0

    async def events(self) -> list[dict[str, Any]]:
        response = await self.emulator.get(f"/_emulator/calendars/{self.email}/events")
        return [e for e in response.json() if e.get("status") != "cancelled"]

    async def add_session(self) -> None:
        self.added += 1
        start = session_start(
            self.rng.choice(list(SESSION_DAYS)), self.rng.choice(SESSION_HOURS)
        ) + timedelta(days=7)  # a week the seeded sessions leave free
        body = event_body(f"Tutoring: extra {self.added}", start, self.rng.randint(2, 4))
        await self.emulator.post(f"/_emulator/calendars/{self.email}/events", json=body)

    async def edit_session(self) -> None:
        sessions = [
            e
            for e in await self.events()
            if e["summary"].startswith("Tutoring:")
            # not the one-to-one events tutorcal books, which carry its booking mark
            and BOOKING_PROPERTY not in e.get("extendedProperties", {}).get("private", {})
        ]
        if not sessions:
            return
        event = self.rng.choice(sessions)
        found = re.search(r"capacity:\s*(\d+)", event.get("description", ""))
        capacity = (int(found.group(1)) if found else 1) + 1
        body = {"description": f"capacity: {capacity}"}
        await self.emulator.patch(
            f"/_emulator/calendars/{self.email}/events/{event['id']}", json=body
        )

    async def delete_session(self) -> None:
        extras = [e for e in await self.events() if e["summary"].startswith("Tutoring: extra")]
        if extras:
            event = self.rng.choice(extras)
            await self.emulator.delete(f"/_emulator/calendars/{self.email}/events/{event['id']}")

    async def run(self, until: float) -> None:
        actions = [self.add_session, self.edit_session, self.edit_session, self.delete_session]
        while self.ledger.now() < until:
            await asyncio.sleep(self.rng.uniform(2.0, 5.0))
            try:
                await self.rng.choice(actions)()
                self.ledger.record("tutor edits in Google", 200)
            except (httpx2.TransportError, ValueError, KeyError):
                self.ledger.record("tutor edits in Google", None)
