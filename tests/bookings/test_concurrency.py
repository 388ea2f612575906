"""Many students, several app instances, one database (PostgreSQL, or one SQLite file): the
database decides, never twice, and every loser gets a 409, never a 500."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx2
import pytest

from tests.support.booking import attendees
from tests.support.calendar import at, event_body
from tests.support.databases import ScratchDatabase
from tests.support.deployment import (
    Deployment,
    deployment,
    kill_between_commit_and_google,
    run_worker_once,
)
from tests.support.processes import wait_for
from tutorcal.google.mirror import BOOKING_PROPERTY

TUTOR = "tina.tutor@school.example"
INSTANCES = 3


Cluster = Deployment


@pytest.fixture(scope="module")
def cluster(
    backend: str, database: ScratchDatabase, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Cluster]:
    with deployment(
        backend,
        tmp_path_factory.mktemp("cluster"),
        instances=INSTANCES,
        TUTOR_EMAILS=TUTOR,
        LOG_LEVEL="WARNING",
    ) as running:
        yield running


def book_all_at_once(
    cluster: Cluster, students: list[httpx2.Client], body: dict[str, object]
) -> list[tuple[int, str]]:
    barrier = threading.Barrier(len(students))

    def attempt(http: httpx2.Client) -> tuple[int, str]:
        csrf = {"X-CSRF-Token": http.cookies["tutorcal_csrf"]}
        # A connection of its own: the browser's pooled one may have idled into uvicorn's 5 s
        # keep-alive timeout while the others signed in, and be closed under the request
        # ("Server disconnected without sending a response"), which is no answer of ours.
        with httpx2.Client(base_url=http.base_url, cookies=http.cookies, timeout=30) as fresh:
            barrier.wait()
            response = fresh.post("/api/v1/bookings", json=body, headers=csrf)
        return response.status_code, str(response.json().get("code", response.json().get("status")))

    with ThreadPoolExecutor(len(students)) as pool:
        return list(pool.map(attempt, students))


def connected_tutor(cluster: Cluster) -> tuple[httpx2.Client, str]:
    tutor = cluster.browser(TUTOR)
    tutor.get("/api/v1/auth/google/connect-calendar")
    return tutor, str(tutor.get("/api/v1/me").json()["id"])


def session_named(tutor: httpx2.Client, tutor_id: str, title: str) -> str:
    found: dict[str, str] = {}

    def listed() -> bool:
        response = tutor.get(f"/api/v1/tutors/{tutor_id}/sessions")
        if response.status_code == 200:
            found.update({s["title"]: s["id"] for s in response.json()})
        return title in found

    wait_for(listed, timeout=10)
    return found[title]


@pytest.mark.slow
@pytest.mark.backends("postgres", "sqlite")
@pytest.mark.parametrize(("racers", "seats"), [(40, 1), (30, 5)])
def test_students_on_three_instances_race_for_seats_and_exactly_the_seats_are_taken(
    cluster: Cluster, racers: int, seats: int
) -> None:
    tutor, tutor_id = connected_tutor(cluster)
    title = f"Tutoring: race for {seats}"
    event = cluster.emulator.control(
        "POST",
        f"/calendars/{TUTOR}/events",
        event_body(title, at(4, 8 + seats), description=f"capacity: {seats}"),
    )
    session_id = session_named(tutor, tutor_id, title)
    students = [
        cluster.browser(f"racer{seats}-{n}@school.example", instance=n % INSTANCES)
        for n in range(racers)
    ]

    outcomes = book_all_at_once(cluster, students, {"session_id": session_id})

    assert outcomes.count((201, "confirmed")) == seats, outcomes
    assert sorted(code for status, code in outcomes if status != 201) == ["session_full"] * (
        racers - seats
    )
    in_google = attendees(cluster.emulator, TUTOR, event["id"])
    assert len(in_google) == seats  # no lost update of the attendee list
    winners = sorted(
        http.get("/api/v1/me").json()["email"]
        for http, outcome in zip(students, outcomes, strict=True)
        if outcome[0] == 201
    )
    assert in_google == winners


@pytest.mark.slow
@pytest.mark.backends("postgres", "sqlite")
def test_ten_students_on_three_instances_race_for_one_slot_and_one_gets_it(
    cluster: Cluster,
) -> None:
    tutor, tutor_id = connected_tutor(cluster)
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
    # Ours by the booking mark: Google's random ids start with "tc" one time in 1024.
    ours = [
        e
        for e in events
        if e.get("status") != "cancelled"
        and BOOKING_PROPERTY in e.get("extendedProperties", {}).get("private", {})
    ]
    assert len(ours) == 1


@pytest.mark.slow
@pytest.mark.postgres_only
def test_an_instance_killed_between_commit_and_google_is_finished_by_the_worker_once(
    cluster: Cluster,
) -> None:
    """Runs last in this module: it kills the third instance."""
    tutor, tutor_id = connected_tutor(cluster)
    title = "Tutoring: crash"
    event = cluster.emulator.control(
        "POST",
        f"/calendars/{TUTOR}/events",
        event_body(title, at(6, 15), description="capacity: 2"),
    )
    session_id = session_named(tutor, tutor_id, title)
    crashing = cluster.browser("crash@school.example", instance=2)
    csrf = {"X-CSRF-Token": crashing.cookies["tutorcal_csrf"]}

    def committed() -> list[dict[str, Any]]:
        items = tutor.get("/api/v1/bookings", params={"role": "tutor"}).json()["items"]
        return [b for b in items if b["student"]["email"] == "crash@school.example"]

    kill_between_commit_and_google(
        cluster,
        2,
        crashing,
        {"session_id": session_id},
        csrf,
        committed=lambda: bool(committed()),
    )
    assert attendees(cluster.emulator, TUTOR, event["id"]) == []

    # The dead process's claim on the job expires after two minutes; move it to the past.
    asyncio.run(_expire_claims(cluster.database_url))
    worker = run_worker_once(cluster)
    assert attendees(cluster.emulator, TUTOR, event["id"]) == ["crash@school.example"], (
        worker.stdout[-3000:]
    )
    (booking,) = committed()
    assert booking["calendar_sync"] == "synced"
    run_worker_once(cluster)
    assert attendees(cluster.emulator, TUTOR, event["id"]) == ["crash@school.example"]


async def _expire_claims(database_url: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(database_url)
    try:
        await connection.execute(
            "UPDATE outbox_jobs SET claimed_until = now() - interval '1 second'"
        )
    finally:
        await connection.close()
