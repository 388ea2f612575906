"""A running tutorcal with one student, one tutor (calendar connected, sessions, a booking)
and one admin, each holding an API token: what the contract tests call the API as."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import httpx2
import requests

from tests.support.calendar import at, event_body
from tests.support.deployment import Deployment

STUDENT = "sally.contract@school.example"
TUTOR = "terry.contract@school.example"
ADMIN = "andy.contract@school.example"
EMAIL_OF_ROLE = {"student": STUDENT, "tutor": TUTOR, "admin": ADMIN}
ROLES_OF_ROLE = {
    "student": ["student"],
    "tutor": ["student", "tutor"],
    "admin": ["student", "admin"],
}


@dataclass
class Account:
    role: str
    email: str
    browser: httpx2.Client
    token: str = ""
    user_id: str = ""

    @property
    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class Accounts:
    """The three callers and real ids for schemathesis to start from."""

    running: Deployment
    by_role: dict[str, Account] = field(default_factory=dict)
    ids: dict[str, list[str]] = field(default_factory=dict)
    tutor_settings: dict[str, Any] = field(default_factory=dict)
    # Schemathesis sends with requests; one session keeps its connection alive.
    http: requests.Session = field(default_factory=requests.Session)

    @property
    def base_url(self) -> str:
        return self.running.servers[0].base_url

    def account(self, role: str) -> Account:
        return self.by_role[role]

    def sign_in(self, role: str) -> Account:
        """Sign in through Google (the emulator) and mint an API token."""
        email = EMAIL_OF_ROLE[role]
        browser = self.running.browser(email)
        account = Account(role, email, browser)
        self.by_role[role] = account
        self._mint_token(account)
        return account

    def _mint_token(self, account: Account) -> None:
        csrf = {"X-CSRF-Token": account.browser.cookies["tutorcal_csrf"]}
        created = account.browser.post(
            "/api/v1/me/api-tokens", json={"name": "contract tests"}, headers=csrf
        )
        assert created.status_code == 201, created.text
        account.token = created.json()["token"]
        account.user_id = str(account.browser.get("/api/v1/me").json()["id"])

    def call(self, role: str, method: str, path: str, **kwargs: Any) -> httpx2.Response:
        account = self.by_role[role]
        return account.browser.request(method, path, headers=account.bearer, **kwargs)

    def restore(self, role: str) -> None:
        """Undo what a generated request may have done to a caller: a revoked token, a deleted
        account, a lost role, a disconnected calendar."""
        account = self.by_role[role]
        me = self.call(role, "GET", "/api/v1/me")
        if me.status_code == 401:
            # Signing in again undeletes the account and grants the configured roles.
            self.running.clients.remove(account.browser)
            account.browser.close()
            account = self.sign_in(role)
            me = self.call(role, "GET", "/api/v1/me")
        assert me.status_code == 200, me.text
        if set(me.json()["roles"]) != set(ROLES_OF_ROLE[role]):
            fixed = self.call(
                "admin",
                "PUT",
                f"/api/v1/admin/users/{account.user_id}/roles",
                json={"roles": ROLES_OF_ROLE[role]},
            )
            assert fixed.status_code == 200, fixed.text
        if role == "tutor" and me.json()["calendar_status"] != "connected":
            self.connect_calendar()
        if role == "tutor" and self.tutor_settings:
            settings = self.call(role, "GET", "/api/v1/tutors/me/settings")
            if settings.json() != self.tutor_settings:
                # Back to the session calendar and keyword the real session ids come from.
                reset = self.call(
                    role, "PUT", "/api/v1/tutors/me/settings", json=self.tutor_settings
                )
                assert reset.status_code == 200, reset.text

    def restore_all(self) -> None:
        # The admin first: restoring the others' roles needs an admin.
        for role in ("admin", "tutor", "student"):
            self.restore(role)

    def connect_calendar(self) -> None:
        tutor = self.by_role["tutor"]
        answer = tutor.browser.get("/api/v1/auth/google/connect-calendar")
        assert answer.status_code == 200, answer.text  # the redirects end on "/" → /docs


def wait_for_sessions(accounts: Accounts, count: int, timeout: float = 15) -> list[dict[str, Any]]:
    tutor = accounts.account("tutor")
    deadline = time.monotonic() + timeout
    while True:
        response = accounts.call("tutor", "GET", f"/api/v1/tutors/{tutor.user_id}/sessions")
        if response.status_code == 200 and len(response.json()) >= count:
            sessions: list[dict[str, Any]] = response.json()
            return sessions
        assert time.monotonic() < deadline, response.text
        time.sleep(0.1)


def populate(running: Deployment) -> Accounts:
    """Three callers, a subject, a tutor with availability and sessions, a booking, a feed."""
    accounts = Accounts(running)
    for role in ("admin", "tutor", "student"):
        accounts.sign_in(role)
    for day, hour in ((3, 9), (4, 10), (5, 11)):
        running.emulator.control(
            "POST",
            f"/calendars/{TUTOR}/events",
            event_body(f"Tutoring: group {day}", at(day, hour), description="capacity: 50"),
        )
    accounts.connect_calendar()
    sessions = wait_for_sessions(accounts, 3)
    subject = accounts.call(
        "admin", "POST", "/api/v1/subjects", json={"name": "Algebra", "code": "ALG"}
    )
    assert subject.status_code == 201, subject.text
    availability = accounts.call(
        "tutor",
        "PUT",
        "/api/v1/tutors/me/availability",
        json={
            "timezone": "UTC",
            "weekly": [{"weekday": d, "start": "08:00", "end": "18:00"} for d in range(7)],
            "overrides": [],
        },
    )
    assert availability.status_code == 200, availability.text
    booking = accounts.call(
        "student", "POST", "/api/v1/bookings", json={"session_id": sessions[0]["id"]}
    )
    assert booking.status_code == 201, booking.text
    feed = accounts.call("student", "POST", "/api/v1/me/calendar-feed")
    assert feed.status_code == 201, feed.text
    spare = accounts.call("student", "POST", "/api/v1/me/api-tokens", json={"name": "spare"})
    accounts.tutor_settings = accounts.call("tutor", "GET", "/api/v1/tutors/me/settings").json()
    accounts.ids = {
        "tutor_id": [accounts.account("tutor").user_id],
        "user_id": [accounts.account("student").user_id],
        "session_id": [s["id"] for s in sessions],
        "booking_id": [booking.json()["id"]],
        "subject_id": [subject.json()["id"]],
        "token_id": [spare.json()["id"]],
        "token": [feed.json()["url"].rsplit("/", 1)[-1].removesuffix(".ics")],
    }
    return accounts
