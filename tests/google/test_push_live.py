"""Push notifications end to end: the app on a real port, Google (the emulator) calling it back.

Black-box: everything goes through HTTP, as in production.
"""

from __future__ import annotations

import functools
import itertools
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx2
import pytest

from tests.support.calendar import at, event_body
from tests.support.databases import ScratchDatabase
from tests.support.deployment import deployment
from tests.support.emulator import EmulatorServer
from tests.support.processes import ServerProcess, wait_for

TUTORS = [f"tutor{n}@school.example" for n in range(1, 10)]
VISIBLE_WITHIN_SECONDS = 2.0


@dataclass
class LiveApp:
    emulator: EmulatorServer
    servers: list[ServerProcess]
    clients: list[httpx2.Client] = field(default_factory=list)

    @property
    def server(self) -> ServerProcess:
        return self.servers[0]

    def signed_in_tutor(self, email: str) -> tuple[httpx2.Client, str]:
        self.emulator.add_user(email)
        http = httpx2.Client(base_url=self.server.base_url, follow_redirects=True, timeout=15)
        self.clients.append(http)
        assert http.get("/api/v1/auth/google/login", params={"login_hint": email}).status_code in {
            200,
            404,
        }
        http.get("/api/v1/auth/google/connect-calendar")
        tutor_id = http.get("/api/v1/me").json()["id"]
        wait_for(
            lambda: http.get(f"/api/v1/tutors/{tutor_id}").json()["last_synced_at"] is not None
        )
        return http, tutor_id


def titles(http: httpx2.Client, tutor_id: str, **params: str) -> list[str]:
    response = http.get(f"/api/v1/tutors/{tutor_id}/sessions", params=params)
    assert response.status_code == 200, response.text
    return [s["title"] for s in response.json()]


_markers = itertools.count(1)
# Past the two weeks that ``titles`` reads by default, inside the mirrored window.
MARKER_DAYS = 20
MARKER_CALLS = 1


def calls_after_a_marker(live: LiveApp, tutor: str, http: httpx2.Client, tutor_id: str) -> int:
    """The tutor's events.list calls, once every notification sent so far has been served.

    A marker event is added in Google and waited for: Google delivers a channel's messages in
    order, and a sync reads Google after the notification it serves, so once the marker shows,
    nothing notified before it is left to start another sync. The count includes the marker's
    own sync (MARKER_CALLS); had a sync still waiting out a burst taken the marker's
    notification in, that sync served both and the count is one short.
    """
    marker = f"Tutoring: marker {next(_markers)}"
    live.emulator.control(
        "POST", f"/calendars/{tutor}/events", event_body(marker, at(MARKER_DAYS, 9))
    )
    window = {"start": at(MARKER_DAYS, 0).isoformat(), "end": at(MARKER_DAYS + 1, 0).isoformat()}
    # Generous: this waits for an event; how fast the marker shows is not what is measured.
    wait_for(lambda: marker in titles(http, tutor_id, **window), timeout=15)
    return live.emulator.calendar_calls("events.list", user=tutor)


@pytest.fixture(scope="module")
def live(
    backend: str, database: ScratchDatabase, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveApp]:
    # Two instances share one database only where that is how it is deployed (PostgreSQL).
    with deployment(
        backend,
        tmp_path_factory.mktemp("live"),
        instances=2 if backend == "postgres" else 1,
        TUTOR_EMAILS=",".join(TUTORS),
        GOOGLE_RETRY_TOTAL_SECONDS="5",
        SYNC_COALESCE_SECONDS="0.3",
    ) as running:
        yield LiveApp(running.emulator, running.servers, running.clients)


def change_and_time(
    live: LiveApp,
    tutor: str,
    http: httpx2.Client,
    tutor_id: str,
    change: Callable[[], Any],
    seen: Callable[[], bool],
) -> tuple[float, int]:
    """Seconds until the API shows a change made in Google, and Google calls it took."""
    before = calls_after_a_marker(live, tutor, http, tutor_id)
    change()
    seconds = wait_for(seen, timeout=VISIBLE_WITHIN_SECONDS + 3)
    return seconds, calls_after_a_marker(live, tutor, http, tutor_id) - MARKER_CALLS - before


@pytest.mark.slow
@pytest.mark.backends("sqlite", "postgres")
def test_create_move_rename_delete_in_google_show_within_two_seconds_at_two_calls_each(
    live: LiveApp,
) -> None:
    tutor = TUTORS[0]
    http, tutor_id = live.signed_in_tutor(tutor)
    events = f"/calendars/{tutor}/events"
    created: dict[str, Any] = {}

    def create() -> None:
        created.update(
            live.emulator.control("POST", events, event_body("Tutoring: Algebra", at(2, 10)))
        )

    def start_of_first() -> str:
        return str(http.get(f"/api/v1/tutors/{tutor_id}/sessions").json()[0]["start"])

    timed = functools.partial(change_and_time, live, tutor, http, tutor_id)
    timings = [timed(create, lambda: titles(http, tutor_id) == ["Tutoring: Algebra"])]
    moved_to = at(3, 14).isoformat().replace("+00:00", "Z")
    timings.append(
        timed(
            lambda: live.emulator.control(
                "PATCH",
                f"{events}/{created['id']}",
                {
                    "start": {"dateTime": at(3, 14).isoformat()},
                    "end": {"dateTime": at(3, 15).isoformat()},
                },
            ),
            lambda: start_of_first() == moved_to,
        )
    )
    timings.append(
        timed(
            lambda: live.emulator.control(
                "PATCH", f"{events}/{created['id']}", {"summary": "Tutoring: Geometry"}
            ),
            lambda: titles(http, tutor_id) == ["Tutoring: Geometry"],
        )
    )
    timings.append(
        timed(
            lambda: live.emulator.control("DELETE", f"{events}/{created['id']}"),
            lambda: titles(http, tutor_id) == [],
        )
    )
    for seconds, calls in timings:
        assert seconds < VISIBLE_WITHIN_SECONDS
        assert calls <= 2


@pytest.mark.slow
@pytest.mark.backends("sqlite", "postgres")
def test_a_burst_of_twenty_notifications_causes_at_most_two_syncs(live: LiveApp) -> None:
    tutor = TUTORS[1]
    http, tutor_id = live.signed_in_tutor(tutor)
    event = live.emulator.control(
        "POST", f"/calendars/{tutor}/events", event_body("Tutoring", at(2, 9))
    )
    wait_for(lambda: titles(http, tutor_id) == ["Tutoring"])
    before = calls_after_a_marker(live, tutor, http, tutor_id)
    barrier = threading.Barrier(20)

    def edit(n: int) -> None:
        barrier.wait()
        live.emulator.control(
            "PATCH",
            f"/calendars/{tutor}/events/{event['id']}",
            {"description": f"capacity: {n + 1}"},
        )

    with ThreadPoolExecutor(20) as pool:
        list(pool.map(edit, range(20)))
    final = live.emulator.control("GET", f"/calendars/{tutor}/events/{event['id']}")["description"]
    wait_for(
        lambda: (
            f"capacity: {http.get(f'/api/v1/tutors/{tutor_id}/sessions').json()[0]['capacity']}"
            == final
        )
    )
    assert calls_after_a_marker(live, tutor, http, tutor_id) - MARKER_CALLS - before <= 2


@pytest.mark.slow
@pytest.mark.backends("sqlite", "postgres")
def test_googles_faults_mid_life_lose_and_duplicate_nothing(live: LiveApp) -> None:
    tutor = TUTORS[2]
    http, tutor_id = live.signed_in_tutor(tutor)
    events = f"/calendars/{tutor}/events"
    live.emulator.control("POST", events, event_body("Tutoring A", at(2, 8)))
    wait_for(lambda: titles(http, tutor_id) == ["Tutoring A"])

    live.emulator.control("POST", f"/calendars/{tutor}/invalidate-sync-tokens")
    live.emulator.control("POST", events, event_body("Tutoring B", at(2, 10)))
    wait_for(lambda: titles(http, tutor_id) == ["Tutoring A", "Tutoring B"])

    for fault in (
        {"status": 503},
        {"status": 429},
        {"status": 403, "reason": "userRateLimitExceeded"},
        {"drop_connection": True},
    ):
        live.emulator.control("POST", "/faults", {"count": 3, "match": {"user": tutor}, **fault})
        title = f"Tutoring after {next(iter(fault.values()))}"
        live.emulator.control(
            "POST", events, event_body(title, at(3, 8 + len(titles(http, tutor_id))))
        )
        wait_for(lambda title=title: title in titles(http, tutor_id), timeout=8)
    all_titles = titles(http, tutor_id, end=at(30, 0).isoformat())
    assert len(all_titles) == len(set(all_titles)) == 6


@pytest.mark.slow
@pytest.mark.backends("sqlite", "postgres")
def test_a_weekly_session_keeps_its_local_time_across_the_change_from_daylight_saving(
    live: LiveApp,
) -> None:
    tutor = TUTORS[3]
    http, tutor_id = live.signed_in_tutor(tutor)
    settings = http.get("/api/v1/tutors/me/settings").json()
    csrf = {"X-CSRF-Token": http.cookies["tutorcal_csrf"]}
    assert (
        http.put(
            "/api/v1/tutors/me/settings", json={**settings, "horizon_days": 365}, headers=csrf
        ).status_code
        == 200
    )
    # Weekly on Mondays at 10:00 in Los Angeles; clocks go back on Sunday 7 November 2027.
    live.emulator.control(
        "POST",
        f"/calendars/{tutor}/events",
        {
            "summary": "Tutoring: weekly",
            "start": {"dateTime": "2027-10-25T10:00:00", "timeZone": "America/Los_Angeles"},
            "end": {"dateTime": "2027-10-25T11:00:00", "timeZone": "America/Los_Angeles"},
            "recurrence": ["RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=4"],
        },
    )
    window = {"start": "2027-10-20T00:00:00Z", "end": "2027-11-30T00:00:00Z"}

    def starts() -> list[str]:
        response = http.get(f"/api/v1/tutors/{tutor_id}/sessions", params=window)
        return [s["start"] for s in response.json()] if response.status_code == 200 else []

    wait_for(lambda: len(starts()) == 4, timeout=8)
    assert starts() == [
        "2027-10-25T17:00:00Z",
        "2027-11-01T17:00:00Z",
        "2027-11-08T18:00:00Z",
        "2027-11-15T18:00:00Z",
    ]
    from zoneinfo import ZoneInfo

    local = {
        datetime.fromisoformat(s).astimezone(ZoneInfo("America/Los_Angeles")).hour for s in starts()
    }
    assert local == {10}
    assert all(datetime.fromisoformat(s).tzinfo == UTC for s in starts())


@pytest.mark.slow
@pytest.mark.postgres_only
def test_two_instances_notified_about_one_calendar_sync_it_once(live: LiveApp) -> None:
    tutor = TUTORS[4]
    http, tutor_id = live.signed_in_tutor(tutor)
    event = live.emulator.control(
        "POST", f"/calendars/{tutor}/events", event_body("Tutoring", at(2, 16))
    )
    wait_for(lambda: titles(http, tutor_id) == ["Tutoring"])
    live.emulator.control(
        "PATCH", f"/calendars/{tutor}/events/{event['id']}", {"summary": "Tutoring moved"}
    )
    wait_for(lambda: titles(http, tutor_id) == ["Tutoring moved"])
    before = calls_after_a_marker(live, tutor, http, tutor_id)
    channel = next(
        c for c in live.emulator.control("GET", "/channels") if c["calendar_id"] == tutor
    )
    # Google retries and duplicates deliveries; behind a load balancer they land on both
    # instances at once. Five copies to each, all at the same moment.
    headers = {
        "X-Goog-Channel-ID": channel["id"],
        "X-Goog-Channel-Token": channel["token"],
        "X-Goog-Resource-ID": channel["resource_id"],
        "X-Goog-Resource-State": "exists",
    }
    targets = [server for server in live.servers for _ in range(5)]
    barrier = threading.Barrier(len(targets))

    def notify(server: ServerProcess) -> int:
        barrier.wait()
        return httpx2.post(
            f"{server.base_url}/api/v1/webhooks/google/calendar", headers=headers
        ).status_code

    with ThreadPoolExecutor(len(targets)) as pool:
        assert set(pool.map(notify, targets)) == {200}
    # The one sync first: had the marker been taken into it, one sync would look like none.
    wait_for(lambda: live.emulator.calendar_calls("events.list", user=tutor) > before, timeout=15)
    assert calls_after_a_marker(live, tutor, http, tutor_id) - MARKER_CALLS - before == 1


@pytest.mark.slow
@pytest.mark.backends("sqlite")
def test_a_notification_with_a_wrong_token_does_nothing(live: LiveApp) -> None:
    tutor = TUTORS[5]
    http, tutor_id = live.signed_in_tutor(tutor)
    channel = next(
        c for c in live.emulator.control("GET", "/channels") if c["calendar_id"] == tutor
    )
    before = calls_after_a_marker(live, tutor, http, tutor_id)
    response = httpx2.post(
        f"{live.server.base_url}/api/v1/webhooks/google/calendar",
        headers={
            "X-Goog-Channel-ID": channel["id"],
            "X-Goog-Channel-Token": "forged",
            "X-Goog-Resource-ID": channel["resource_id"],
            "X-Goog-Resource-State": "exists",
        },
    )
    assert response.status_code == 403
    assert calls_after_a_marker(live, tutor, http, tutor_id) - MARKER_CALLS == before
