"""Many students, several app instances, one PostgreSQL: the database decides, never twice."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import httpx2
import pytest

from tests.conftest import BASE_SETTINGS, make_settings
from tests.google.test_push_live import wait_for
from tests.support.booking import attendees
from tests.support.calendar import at, event_body
from tests.support.databases import ScratchDatabase, create_database, drop_database
from tests.support.emulator import TEST_CLIENT_ID, TEST_CLIENT_SECRET, EmulatorServer
from tests.support.processes import ServerProcess, free_port
from tutorcal.schema import migrate

TUTOR = "tina.tutor@school.example"
INSTANCES = 3
STUDENTS = 12


@dataclass
class Cluster:
    emulator: EmulatorServer
    servers: list[ServerProcess]
    clients: list[httpx2.Client] = field(default_factory=list)

    def browser(self, email: str, instance: int = 0) -> httpx2.Client:
        self.emulator.add_user(email)
        http = httpx2.Client(
            base_url=self.servers[instance].base_url, follow_redirects=True, timeout=30
        )
        self.clients.append(http)
        http.get("/api/v1/auth/google/login", params={"login_hint": email})
        return http


@pytest.fixture(scope="module")
def cluster(
    backend: str, database: ScratchDatabase, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Cluster]:
    fresh = create_database(backend, tmp_path_factory.mktemp("cluster"))
    asyncio.run(migrate(make_settings(database_url=fresh.url)))
    emulator = EmulatorServer()
    ports = [free_port() for _ in range(INSTANCES)]
    emulator.reset(*(f"http://127.0.0.1:{port}/api/v1/auth/google/callback" for port in ports))
    env = {
        "DATABASE_URL": fresh.url,
        "TUTORCAL_DEMO": "false",
        "GOOGLE_DISCOVERY_URL": emulator.discovery_url,
        "GOOGLE_CALENDAR_API_URL": emulator.calendar_url,
        "GOOGLE_CLIENT_ID": TEST_CLIENT_ID,
        "GOOGLE_CLIENT_SECRET": TEST_CLIENT_SECRET,
        "TOKEN_ENCRYPTION_KEYS": str(BASE_SETTINGS["token_encryption_keys"]),
        "TUTOR_EMAILS": TUTOR,
        "GOOGLE_RETRY_BASE_SECONDS": "0.01",
        "LOG_LEVEL": "WARNING",
    }
    servers = [ServerProcess(env, port=port) for port in ports]
    group = Cluster(emulator, servers)
    try:
        for server in servers:
            server.wait_ready()
        yield group
    finally:
        for http in group.clients:
            http.close()
        for server in servers:
            try:
                server.terminate()
            finally:
                server.stop()
        emulator.stop()
        drop_database(fresh)


def book_all_at_once(
    cluster: Cluster, students: list[httpx2.Client], body: dict[str, object]
) -> list[tuple[int, str]]:
    barrier = threading.Barrier(len(students))

    def attempt(http: httpx2.Client) -> tuple[int, str]:
        csrf = {"X-CSRF-Token": http.cookies["tutorcal_csrf"]}
        barrier.wait()
        response = http.post("/api/v1/bookings", json=body, headers=csrf)
        return response.status_code, str(response.json().get("code", response.json().get("status")))

    with ThreadPoolExecutor(len(students)) as pool:
        return list(pool.map(attempt, students))


@pytest.mark.slow
@pytest.mark.postgres_only
def test_twelve_students_on_three_instances_race_for_two_seats_and_two_get_them(
    cluster: Cluster,
) -> None:
    tutor = cluster.browser(TUTOR)
    cluster.emulator.add_user(TUTOR)
    event = cluster.emulator.control(
        "POST",
        f"/calendars/{TUTOR}/events",
        event_body("Tutoring: race", at(4, 10), description="capacity: 2"),
    )
    tutor.get("/api/v1/auth/google/connect-calendar")
    tutor_id = tutor.get("/api/v1/me").json()["id"]

    def session_id() -> str:
        response = tutor.get(f"/api/v1/tutors/{tutor_id}/sessions")
        return (
            str(response.json()[0]["id"]) if response.status_code == 200 and response.json() else ""
        )

    wait_for(lambda: bool(session_id()), timeout=10)
    students = [
        cluster.browser(f"racer{n}@school.example", instance=n % INSTANCES) for n in range(STUDENTS)
    ]

    outcomes = book_all_at_once(cluster, students, {"session_id": session_id()})

    assert sorted(outcomes).count((201, "confirmed")) == 2, outcomes
    assert {code for status, code in outcomes if status != 201} == {"session_full"}
    winners = sorted(attendees(cluster.emulator, TUTOR, event["id"]))
    assert len(winners) == 2
    assert all(email.startswith("racer") for email in winners)


@pytest.mark.slow
@pytest.mark.postgres_only
def test_ten_students_on_three_instances_race_for_one_slot_and_one_gets_it(
    cluster: Cluster,
) -> None:
    tutor = cluster.browser(TUTOR)
    tutor.get("/api/v1/auth/google/connect-calendar")
    tutor_id = tutor.get("/api/v1/me").json()["id"]
    csrf = {"X-CSRF-Token": tutor.cookies["tutorcal_csrf"]}
    availability = {
        "timezone": "UTC",
        "overrides": [],
        "weekly": [{"weekday": day, "start": "08:00", "end": "20:00"} for day in range(7)],
    }
    assert (
        tutor.put("/api/v1/tutors/me/availability", json=availability, headers=csrf).status_code
        == 200
    )
    wait_for(lambda: tutor.get(f"/api/v1/tutors/{tutor_id}/slots").status_code == 200, timeout=10)
    students = [
        cluster.browser(f"slotter{n}@school.example", instance=n % INSTANCES) for n in range(10)
    ]
    start = at(6, 9).isoformat().replace("+00:00", "Z")

    outcomes = book_all_at_once(
        cluster, students, {"tutor_id": tutor_id, "start": start, "minutes": 60}
    )

    assert [o for o in outcomes if o[0] == 201] == [(201, "confirmed")], outcomes
    assert {code for status, code in outcomes if status != 201} == {"slot_taken"}
    events = cluster.emulator.control("GET", f"/calendars/{TUTOR}/events")
    ours = [e for e in events if e.get("status") != "cancelled" and e["id"].startswith("tc")]
    assert len(ours) == 1
