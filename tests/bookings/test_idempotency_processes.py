"""One ``Idempotency-Key`` across real ``tutorcal serve`` processes: sent at once to three of
them, and retried on a fresh process after the first was SIGKILLed between commit and answer."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx2
import pytest

from tests.bookings.test_concurrency import connected_tutor, session_named
from tests.support.booking import attendees
from tests.support.calendar import at, event_body
from tests.support.databases import ScratchDatabase
from tests.support.deployment import (
    Deployment,
    deployment,
    kill_between_commit_and_google,
    run_worker_once,
)
from tests.support.processes import ServerProcess, wait_for

TUTOR = "tina.tutor@school.example"
INSTANCES = 3
PER_INSTANCE = 4

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster(
    backend: str, database: ScratchDatabase, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    with deployment(
        backend,
        tmp_path_factory.mktemp("cluster"),
        instances=INSTANCES,
        TUTOR_EMAILS=TUTOR,
        LOG_LEVEL="WARNING",
        # A killed instance's claim on its Google write lapses within the test.
        OUTBOX_CLAIM_SECONDS="5",
    ) as running:
        yield running


def same_person_on_every_instance(cluster: Deployment, email: str) -> list[httpx2.Client]:
    """One signed-in person's cookies, PER_INSTANCE clients on each instance."""
    signed_in = cluster.browser(email)
    clients = [
        httpx2.Client(base_url=server.base_url, cookies=signed_in.cookies, timeout=60)
        for server in cluster.servers
        for _ in range(PER_INSTANCE)
    ]
    cluster.clients.extend(clients)
    return clients


def send_at_once(
    clients: list[httpx2.Client], body: dict[str, object], key: str
) -> list[tuple[int, dict[str, Any]]]:
    barrier = threading.Barrier(len(clients))

    def send(http: httpx2.Client) -> tuple[int, dict[str, Any]]:
        headers = {"X-CSRF-Token": http.cookies["tutorcal_csrf"], "Idempotency-Key": key}
        barrier.wait()
        response = http.post("/api/v1/bookings", json=body, headers=headers)
        return response.status_code, response.json()

    with ThreadPoolExecutor(len(clients)) as pool:
        return list(pool.map(send, clients))


def new_session(
    cluster: Deployment, title: str, day: int, capacity: int
) -> tuple[httpx2.Client, str, str]:
    """The tutor's client, the session's id and its Google event's id."""
    tutor, tutor_id = connected_tutor(cluster)
    event = cluster.emulator.control(
        "POST",
        f"/calendars/{TUTOR}/events",
        event_body(title, at(day, 9), description=f"capacity: {capacity}"),
    )
    return tutor, session_named(tutor, tutor_id, title), str(event["id"])


@pytest.mark.backends("postgres", "mysql")
def test_one_key_sent_at_once_to_three_instances_books_once_and_every_answer_is_that_booking(
    cluster: Deployment,
) -> None:
    _, session_id, event_id = new_session(cluster, "Tutoring: one key", day=5, capacity=3)
    clients = same_person_on_every_instance(cluster, "impatient@school.example")

    outcomes = send_at_once(clients, {"session_id": session_id}, key="double-click")

    assert {status for status, _ in outcomes} == {201}, outcomes
    (booking_id,) = {body["id"] for _, body in outcomes}
    mine = clients[0].get("/api/v1/bookings").json()["items"]
    assert [b["id"] for b in mine] == [booking_id]
    assert attendees(cluster.emulator, TUTOR, event_id) == ["impatient@school.example"]


@pytest.mark.backends("postgres", "mysql")
def test_one_key_sent_at_once_for_a_full_session_gets_one_rejection_everywhere(
    cluster: Deployment,
) -> None:
    _, session_id, _ = new_session(cluster, "Tutoring: full", day=6, capacity=1)
    first = cluster.browser("early@school.example", instance=1)
    taken = first.post(
        "/api/v1/bookings",
        json={"session_id": session_id},
        headers={"X-CSRF-Token": first.cookies["tutorcal_csrf"]},
    )
    assert taken.status_code == 201, taken.text
    clients = same_person_on_every_instance(cluster, "late@school.example")

    outcomes = send_at_once(clients, {"session_id": session_id}, key="too-late")

    assert {(status, body["code"]) for status, body in outcomes} == {(409, "session_full")}
    assert clients[0].get("/api/v1/bookings").json()["items"] == []


def test_a_retry_on_a_fresh_process_after_a_kill_between_commit_and_answer_gets_that_booking(
    cluster: Deployment,
) -> None:
    """Runs last in this module: it kills the third instance and starts another in its place."""
    tutor, session_id, event_id = new_session(cluster, "Tutoring: killed", day=7, capacity=2)
    student = cluster.browser("crash@school.example", instance=2)
    headers = {"X-CSRF-Token": student.cookies["tutorcal_csrf"], "Idempotency-Key": "lost"}
    body = {"session_id": session_id}

    def committed() -> list[dict[str, Any]]:
        items = tutor.get("/api/v1/bookings", params={"role": "tutor"}).json()["items"]
        return [b for b in items if b["student"]["email"] == "crash@school.example"]

    kill_between_commit_and_google(
        cluster, 2, student, body, headers, committed=lambda: bool(committed())
    )
    victim = cluster.servers[2]
    victim.stop()
    cluster.servers[2] = ServerProcess(cluster.env, port=victim.port)
    cluster.servers[2].wait_ready()

    retried = student.post("/api/v1/bookings", json=body, headers=headers)

    assert retried.status_code == 201, retried.text
    (booking,) = committed()
    assert retried.json()["id"] == booking["id"]
    assert retried.json()["calendar_sync"] == "pending"
    assert attendees(cluster.emulator, TUTOR, event_id) == []

    def invited() -> bool:
        run_worker_once(cluster)
        return attendees(cluster.emulator, TUTOR, event_id) == ["crash@school.example"]

    wait_for(invited, timeout=40)
    again = student.post("/api/v1/bookings", json=body, headers=headers)
    assert again.status_code == 201
    assert again.json()["id"] == booking["id"]
    assert again.json()["calendar_sync"] == "synced"
    assert len(committed()) == 1
