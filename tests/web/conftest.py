"""A demo server, Debian's Chromium and the helpers the browser tests share: sign in through
the emulator's account chooser, add a session in "Google Calendar", run axe, take screenshots."""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.conftest import IN_CI
from tests.support.processes import ServerProcess
from tutorcal.web.serving import DIST

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
TASK_TOKEN = "browser-tests-internal-task-token"
DEMO = "demo.tutorcal.test"
TARA = f"tara@{DEMO}"
THEO = f"theo@{DEMO}"
# No network but loopback on these machines: keep Chromium from reaching out (FRONTEND.md).
# The machine is shared: give a page the same 15 s to show something as an action gets.
expect.set_options(timeout=15_000)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _skip_or_fail(message: str) -> None:
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        _skip_or_fail("Chromium is not installed (apt-get install chromium); browser tests need it")
    if not (DIST / "index.html").is_file() or not AXE.is_file():
        _skip_or_fail("the web app is not built: run `make web` (make test builds it first)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        print(f"Chromium {browser.version}")
        yield browser
        browser.close()


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


@dataclass
class Demo:
    """`tutorcal serve` in demo mode, reached as people and as "Google"."""

    server: ServerProcess
    # One signed-in client per person: signing in is rate limited per address.
    people: dict[str, httpx2.Client] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.server.base_url

    def person(self, email: str) -> httpx2.Client:
        """Signed in as ``email`` the way curl would: the emulator approves a login_hint."""
        if email not in self.people:
            http = httpx2.Client(base_url=self.url, follow_redirects=True, timeout=20)
            signed_in = http.get("/api/v1/auth/google/login", params={"login_hint": email})
            assert signed_in.is_success, signed_in.text
            http.headers["X-CSRF-Token"] = http.cookies.get("tutorcal_csrf") or ""
            self.people[email] = http
        return self.people[email]

    def google(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """The emulator's control API: what a tutor does in Google Calendar."""
        answer = httpx2.request(
            method, f"{self.url}/_google/_emulator{path}", json=body, timeout=20
        )
        assert answer.status_code < 300, answer.text
        return answer.json() if answer.content else None

    def tutor_id(self, email: str) -> str:
        me = self.person(email).get("/api/v1/me").json()
        return str(me["id"])

    def add_session(
        self, tutor: str, title: str, start: datetime, minutes: int = 60, capacity: int = 3
    ) -> dict[str, Any]:
        """A session the tutor adds in Google Calendar; returned once the API shows it."""
        event = self.google(
            "POST",
            f"/calendars/{tutor}/events",
            {
                "summary": title,
                "description": f"capacity: {capacity}",
                "start": {"dateTime": iso(start)},
                "end": {"dateTime": iso(start + timedelta(minutes=minutes))},
                "conferenceData": {
                    "createRequest": {
                        "requestId": f"browser-{title}",
                        "conferenceSolutionKey": {"type": "hangoutsMeet"},
                    }
                },
            },
        )
        viewer = self.person(f"sofia@{DEMO}")
        tutor_id = self.tutor_id(tutor)
        window = {"start": iso(start - timedelta(hours=1)), "end": iso(start + timedelta(hours=1))}
        deadline = time.monotonic() + 15
        while True:
            listed = viewer.get(f"/api/v1/tutors/{tutor_id}/sessions", params=window)
            found = [s for s in listed.json() if s["title"] == title] if listed.is_success else []
            if found:
                return {**found[0], "event_id": event["id"]}
            assert time.monotonic() < deadline, f"{title} never reached the API: {listed.text}"
            time.sleep(0.2)

    def attendees(self, tutor: str, event_id: str) -> list[str]:
        event = self.google("GET", f"/calendars/{tutor}/events/{event_id}")
        return sorted(a["email"] for a in event.get("attendees", []) if not a.get("organizer"))

    def drain_outbox(self) -> None:
        """What Cloud Scheduler (or `tutorcal worker`) does: carry out pending Google writes."""
        answer = httpx2.post(
            f"{self.url}/api/v1/internal/tasks/drain-outbox",
            headers={"Authorization": f"Bearer {TASK_TOKEN}"},
            timeout=30,
        )
        assert answer.status_code == 200, answer.text


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    directory = tmp_path_factory.mktemp("web-demo")
    server = ServerProcess(
        env={
            "TUTORCAL_DEMO": "true",
            "DATABASE_URL": f"sqlite://{directory}/demo.sqlite3",
            "GOOGLE_CLIENT_ID": "",
            "GOOGLE_CLIENT_SECRET": "",
            "TOKEN_ENCRYPTION_KEYS": "",
            "ADMIN_EMAILS": "",
            "TUTOR_EMAILS": "",
            "INTERNAL_TASK_TOKEN": TASK_TOKEN,
            "OUTBOX_RETRY_BASE_SECONDS": "0.1",
            # The demo's own periodic round may take a write during a test's fault window;
            # at Google's real pace (1 s, doubling) it would sit in retries for half a minute.
            "GOOGLE_RETRY_BASE_SECONDS": "0.05",
        }
    )
    running = Demo(server)
    try:
        server.wait_ready()
        _wait_for_demo_tutors(running)
        yield running
    finally:
        for http in running.people.values():
            http.close()
        server.terminate()
        server.stop()


def _wait_for_demo_tutors(demo: Demo) -> None:
    """The demo tutors connect their calendars as the server starts."""
    student = demo.person(f"stefan@{DEMO}")
    deadline = time.monotonic() + 30
    while True:
        tutors = student.get("/api/v1/tutors").json()["items"]
        ready = [
            t
            for t in tutors
            if t["calendar_connected"]
            and student.get(f"/api/v1/tutors/{t['id']}/schedule").status_code == 200
        ]
        if len(ready) >= 2:
            return
        assert time.monotonic() < deadline, f"the demo tutors never connected: {tutors}"
        time.sleep(0.3)


def new_context(
    browser: Browser,
    *,
    timezone: str = "Europe/London",
    locale: str = "en-GB",
    width: int = 1280,
    height: int = 900,
    bypass_csp: bool = False,
) -> BrowserContext:
    """A person's browser. ``bypass_csp`` only to inject axe: the other tests run the app
    under its own Content-Security-Policy, which is part of what they prove."""
    context = browser.new_context(
        timezone_id=timezone,
        locale=locale,
        viewport={"width": width, "height": height},
        bypass_csp=bypass_csp,
    )
    context.set_default_timeout(15_000)
    return context


def sign_in(page: Page, demo: Demo, email: str, next_path: str = "/tutors") -> None:
    """As a person does: Google's account chooser (the emulator's), then back where they were."""
    page.goto(f"{demo.url}/api/v1/auth/google/login?next={next_path}")
    page.get_by_role("button", name=email).click()
    page.wait_for_url(re.compile(re.escape(demo.url + next_path.split("?")[0])))


def monday_of(moment: datetime, zone: str) -> str:
    from zoneinfo import ZoneInfo

    local = moment.astimezone(ZoneInfo(zone)).date()
    return (local - timedelta(days=local.weekday())).isoformat()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core (pinned by web/package-lock.json) on the page as it is: serious and critical
    findings of the WCAG 2.0-2.2 A and AA rules."""
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        "() => axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa']})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in results["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size or {"width": 0, "height": 0}
    path = SCREENSHOTS / f"{name}-{size['width']}x{size['height']}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def describe(violations: list[dict[str, Any]]) -> str:
    return json.dumps(violations, indent=1)
