"""Demo mode as a new user meets it: `tutorcal serve` with TUTORCAL_DEMO=true and nothing else."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from playwright.sync_api import Browser, expect, sync_playwright

from tests.conftest import IN_CI
from tests.demo.support import READY, demo_env
from tests.support.processes import ServerProcess

DEMO_PEOPLE = [
    ("admin@demo.tutorcal.test", ["student", "admin"]),
    ("tara@demo.tutorcal.test", ["student", "tutor"]),
    ("theo@demo.tutorcal.test", ["student", "tutor"]),
    ("sam@demo.tutorcal.test", ["student"]),
    ("sofia@demo.tutorcal.test", ["student"]),
    ("stefan@demo.tutorcal.test", ["student"]),
]


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    directory: Path = tmp_path_factory.mktemp("demo")
    server = ServerProcess(env=demo_env(directory))
    server.wait_for_output(READY)
    yield server
    server.terminate()
    server.stop()


@pytest.mark.slow
@pytest.mark.parametrize(("email", "roles"), DEMO_PEOPLE)
def test_each_demo_user_signs_in_like_curl_would(
    demo_server: ServerProcess, email: str, roles: list[str]
) -> None:
    with httpx2.Client(base_url=demo_server.base_url, follow_redirects=True, timeout=10) as curl:
        landed = curl.get(
            "/api/v1/auth/google/login", params={"login_hint": email, "next": "/docs"}
        )
        assert landed.status_code == 200
        assert landed.url.path == "/docs"
        me = curl.get("/api/v1/me").json()
    assert me["email"] == email
    assert me["roles"] == roles


@pytest.mark.slow
def test_without_a_login_hint_google_shows_a_page_to_choose_a_demo_user(
    demo_server: ServerProcess,
) -> None:
    with httpx2.Client(base_url=demo_server.base_url, follow_redirects=True, timeout=10) as browser:
        page = browser.get("/api/v1/auth/google/login")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    for email, _ in DEMO_PEOPLE:
        assert email in page.text


@pytest.mark.slow
def test_demo_mode_serves_the_api_documentation(demo_server: ServerProcess) -> None:
    assert httpx2.get(f"{demo_server.base_url}/docs", timeout=10).status_code == 200
    spec = httpx2.get(f"{demo_server.base_url}/openapi.json", timeout=10).json()
    assert "/api/v1/me" in spec["paths"]
    assert not any(path.startswith("/_google") for path in spec["paths"])


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        message = "Chromium is not installed (apt-get install chromium); browser tests need it"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path,
            # This machine has no network but loopback: keep Chromium from reaching out.
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.mark.slow
@pytest.mark.parametrize(("email", "roles"), DEMO_PEOPLE)
def test_each_demo_user_signs_in_in_a_real_browser(
    demo_server: ServerProcess, chromium: Browser, email: str, roles: list[str]
) -> None:
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.goto(f"{demo_server.base_url}/api/v1/auth/google/login?next=/docs")
        expect(page.get_by_role("heading", name="Choose an account")).to_be_visible()
        page.get_by_role("button", name=email).click()
        page.wait_for_url(f"{demo_server.base_url}/docs")
        me = page.request.get(f"{demo_server.base_url}/api/v1/me").json()
        assert me["email"] == email
        assert me["roles"] == roles
        cookies = {cookie["name"]: cookie for cookie in context.cookies()}
        assert cookies["tutorcal_session"]["httpOnly"] is True
        assert cookies["tutorcal_csrf"]["httpOnly"] is False
        # The sign-in's own cookie was sent back through the chooser, and used up.
        assert not [name for name in cookies if name.startswith("tutorcal_oauth_")]
    finally:
        context.close()


@pytest.mark.slow
def test_a_student_sees_the_demo_tutors_sessions_and_a_change_made_in_google(
    demo_server: ServerProcess,
) -> None:
    with httpx2.Client(base_url=demo_server.base_url, follow_redirects=True, timeout=10) as student:
        student.get("/api/v1/auth/google/login", params={"login_hint": "sam@demo.tutorcal.test"})
        tutors = {t["name"]: t for t in student.get("/api/v1/tutors").json()["items"]}
        assert set(tutors) == {"Tara Tutor", "Theo Tutor"}
        tara = tutors["Tara Tutor"]["id"]

        def sessions() -> list[dict[str, object]]:
            response = student.get(f"/api/v1/tutors/{tara}/sessions")
            return list(response.json()) if response.status_code == 200 else []

        deadline = time.monotonic() + 15
        while not sessions():
            assert time.monotonic() < deadline, "the demo tutor's sessions never appeared"
            time.sleep(0.2)
        listed = sessions()
        assert any(s["seats_left"] == 0 for s in listed) or len(listed) > 1
        first = listed[0]

        # Tara renames the session in "Google Calendar" (the emulator's control API).
        control = "/_google/_emulator/calendars/tara@demo.tutorcal.test/events"
        events = student.get(control).json()
        event = next(
            e
            for e in events
            if str(e.get("summary", "")).startswith(str(first["title"]).split(" (")[0])
        )
        renamed = f"{event['summary']} (room 12)"
        assert (
            student.patch(f"{control}/{event['id']}", json={"summary": renamed}).status_code == 200
        )
        deadline = time.monotonic() + 5
        while not any(s["title"] == renamed for s in sessions()):
            assert time.monotonic() < deadline, "the change in Google never showed"
            time.sleep(0.1)


@pytest.mark.slow
def test_a_demo_student_books_a_seat_and_appears_on_the_tutors_google_event(
    demo_server: ServerProcess,
) -> None:
    with httpx2.Client(base_url=demo_server.base_url, follow_redirects=True, timeout=15) as student:
        student.get("/api/v1/auth/google/login", params={"login_hint": "stefan@demo.tutorcal.test"})
        theo = next(
            t for t in student.get("/api/v1/tutors").json()["items"] if t["name"] == "Theo Tutor"
        )
        deadline = time.monotonic() + 15
        while student.get(f"/api/v1/tutors/{theo['id']}/sessions").status_code != 200:
            assert time.monotonic() < deadline
            time.sleep(0.2)
        open_sessions = [
            s
            for s in student.get(
                f"/api/v1/tutors/{theo['id']}/sessions", params={"end": _in_days(30)}
            ).json()
            if s["seats_left"] > 0 and not s["booked_by_me"]
        ]
        chosen = open_sessions[-1]
        csrf = {"X-CSRF-Token": student.cookies["tutorcal_csrf"]}
        booked = student.post("/api/v1/bookings", json={"session_id": chosen["id"]}, headers=csrf)
        assert booked.status_code == 201, booked.text
        assert booked.json()["calendar_sync"] == "synced"
        events = student.get("/_google/_emulator/calendars/theo@demo.tutorcal.test/events").json()
        guests = {a["email"] for e in events for a in e.get("attendees", [])}
        assert "stefan@demo.tutorcal.test" in guests


def _in_days(days: int) -> str:
    from datetime import UTC, datetime, timedelta

    return (datetime.now(UTC) + timedelta(days=days)).isoformat().replace("+00:00", "Z")


@pytest.mark.slow
def test_a_demo_student_books_a_slot_cancels_it_and_downloads_the_feed(
    demo_server: ServerProcess,
) -> None:
    with httpx2.Client(base_url=demo_server.base_url, follow_redirects=True, timeout=15) as student:
        student.get("/api/v1/auth/google/login", params={"login_hint": "sofia@demo.tutorcal.test"})
        csrf = {"X-CSRF-Token": student.cookies["tutorcal_csrf"]}
        deadline = time.monotonic() + 15

        def tara_slots() -> list[dict[str, str]]:
            tutors = student.get("/api/v1/tutors").json()["items"]
            tara = next((t for t in tutors if t["name"] == "Tara Tutor"), None)
            if tara is None:
                return []
            response = student.get(
                f"/api/v1/tutors/{tara['id']}/slots", params={"end": _in_days(14)}
            )
            return (
                [{**s, "tutor_id": tara["id"]} for s in response.json()]
                if response.status_code == 200
                else []
            )

        while not (slots := tara_slots()):
            assert time.monotonic() < deadline, "the demo tutor never offered slots"
            time.sleep(0.2)
        slot = slots[len(slots) // 2]
        booked = student.post(
            "/api/v1/bookings",
            headers=csrf,
            json={"tutor_id": slot["tutor_id"], "start": slot["start"], "minutes": 60},
        )
        assert booked.status_code == 201, booked.text
        booking = booked.json()
        assert booking["calendar_sync"] == "synced"
        assert booking["meet_link"]
        event = student.get(
            f"/_google/_emulator/calendars/tara@demo.tutorcal.test/events/{booking['calendar_event_id']}"
        ).json()
        assert [a["email"] for a in event["attendees"]] == ["sofia@demo.tutorcal.test"]

        feed_url = student.post("/api/v1/me/calendar-feed", headers=csrf).json()["url"]
        feed = student.get(feed_url.removeprefix(demo_server.base_url))
        assert feed.status_code == 200
        assert "BEGIN:VEVENT" in feed.text

        cancelled = student.post(
            f"/api/v1/bookings/{booking['id']}/cancel", headers=csrf, json={"reason": "clash"}
        )
        assert cancelled.status_code == 200, cancelled.text
        assert cancelled.json()["calendar_sync"] == "synced"
        path = f"/_google/_emulator/calendars/tara@demo.tutorcal.test/events/{booking['calendar_event_id']}"
        assert student.get(path).json()["status"] == "cancelled"
