"""The mirror under a real deployment: three ``tutorcal serve`` instances on one database,
Google (the emulator) pushing to them, and the tutor acting in Google at once."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

from tests.support.calendar import at, event_body
from tests.support.databases import ScratchDatabase
from tests.support.deployment import Deployment, deployment
from tests.support.processes import wait_for

TUTOR = "tom.tutor@school.example"
INSTANCES = 3


@pytest.fixture(scope="module")
def cluster(
    backend: str, database: ScratchDatabase, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    with deployment(
        backend,
        tmp_path_factory.mktemp("mirror-cluster"),
        instances=INSTANCES,
        TUTOR_EMAILS=TUTOR,
        LOG_LEVEL="WARNING",
        # Long enough that the push for our own write and the tutor's removal right after it
        # are always served by one sync: the case a diff of guest lists never sees.
        SYNC_COALESCE_SECONDS="0.5",
    ) as running:
        yield running


def booking_of(http: httpx2.Client, booking_id: str) -> dict[str, Any]:
    response = http.get(f"/api/v1/bookings/{booking_id}")
    assert response.status_code == 200, response.text
    booking: dict[str, Any] = response.json()
    return booking


@pytest.mark.slow
@pytest.mark.backends("postgres", "sqlite")
def test_a_student_the_tutor_removes_right_after_booking_loses_the_seat_on_every_instance(
    cluster: Deployment,
) -> None:
    tutor = cluster.browser(TUTOR)
    tutor.get("/api/v1/auth/google/connect-calendar")
    tutor_id = str(tutor.get("/api/v1/me").json()["id"])
    event = cluster.emulator.control(
        "POST",
        f"/calendars/{TUTOR}/events",
        event_body("Tutoring: removed at once", at(4, 10), description="capacity: 5"),
    )
    sessions: list[dict[str, Any]] = []

    def listed() -> bool:
        response = tutor.get(f"/api/v1/tutors/{tutor_id}/sessions")
        sessions[:] = response.json() if response.status_code == 200 else []
        return bool(sessions)

    wait_for(listed, timeout=10)
    session_id = sessions[0]["id"]

    for n in range(INSTANCES):
        email = f"removed{n}@school.example"
        student = cluster.browser(email, instance=n)
        created = student.post(
            "/api/v1/bookings",
            json={"session_id": session_id},
            headers={"X-CSRF-Token": student.cookies["tutorcal_csrf"]},
        )
        assert created.status_code == 201, created.text
        booking = created.json()
        assert booking["calendar_sync"] == "synced"
        # The tutor takes the student off the event in Google at once.
        current = cluster.emulator.control("GET", f"/calendars/{TUTOR}/events/{event['id']}")
        kept = [a for a in current.get("attendees", []) if a["email"] != email]
        cluster.emulator.control(
            "PATCH", f"/calendars/{TUTOR}/events/{event['id']}", {"attendees": kept}
        )

        wait_for(
            lambda student=student, booking=booking: (
                booking_of(student, booking["id"])["status"] == "cancelled"
            ),
            timeout=10,
        )
        assert booking_of(student, booking["id"])["cancel_reason"] == "removed_in_google"

    def seats_taken() -> int:
        response = tutor.get(f"/api/v1/tutors/{tutor_id}/sessions")
        return int(response.json()[0]["seats_taken"]) if response.status_code == 200 else -1

    wait_for(lambda: seats_taken() == 0, timeout=10)
