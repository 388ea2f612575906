"""Admins see the Google writes that failed for good or still wait, and send a failed one again."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx2
from fastapi import FastAPI

from tests.conftest import TEST_ADMIN, TEST_TUTOR
from tests.support.booking import attendees, group_session, student
from tests.support.browser import Browser
from tests.support.calendar import runtime_of
from tests.support.emulator import EmulatorServer
from tutorcal.audit.models import AuditEntry
from tutorcal.bookings.models import Booking

GOOGLE_REFUSES_FOR_GOOD = {
    "count": 5,
    "status": 403,
    "reason": "forbiddenForNonOrganizer",
    "match": {"method": "PUT"},
}


async def _failed_booking(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> tuple[Browser, str, str]:
    """Sam's booking whose Google write was refused for good; (Sam, the booking id, the event id)."""
    group = await group_session(app, browser, emulator)
    sam = await student(other_browser, emulator, "sam@school.example")
    emulator.control("POST", "/faults", GOOGLE_REFUSES_FOR_GOOD)
    booked = await sam.app.post(
        "/api/v1/bookings", json={"session_id": group.session_id}, headers=sam.csrf
    )
    assert booked.json()["calendar_sync"] == "failed"
    return sam, booked.json()["id"], group.event["id"]


async def test_a_failed_write_is_listed_retried_by_an_admin_and_reaches_google_at_the_next_drain(
    app: FastAPI,
    browser: Browser,
    other_browser: Browser,
    emulator: EmulatorServer,
    client: httpx2.AsyncClient,
) -> None:
    sam, booking_id, event_id = await _failed_booking(app, browser, other_browser, emulator)
    admin = await student(browser, emulator, TEST_ADMIN)

    failed = (await admin.app.get("/api/v1/admin/outbox", params={"status": "failed"})).json()
    (item,) = failed["items"]
    assert failed["next_cursor"] is None
    assert (item["booking_id"], item["kind"], item["status"]) == (booking_id, "reconcile", "failed")
    assert item["attempts"] == 1
    assert "forbiddenForNonOrganizer" in item["last_error"]
    pending = (await admin.app.get("/api/v1/admin/outbox", params={"status": "pending"})).json()
    assert pending["items"] == []

    emulator.control("DELETE", "/faults")  # whatever Google refused is put right
    retried = await admin.app.post(f"/api/v1/admin/outbox/{item['id']}/retry", headers=admin.csrf)
    assert retried.status_code == 200, retried.text
    assert (retried.json()["id"], retried.json()["status"]) == (item["id"], "pending")
    assert retried.json()["attempts"] == 0
    assert (await Booking.get(id=booking_id)).calendar_sync == "pending"
    again = await admin.app.post(f"/api/v1/admin/outbox/{item['id']}/retry", headers=admin.csrf)
    assert (again.status_code, again.json()["code"]) == (409, "outbox_not_failed")
    assert attendees(emulator, TEST_TUTOR, event_id) == []

    token = runtime_of(app).settings.internal_task_token
    assert token is not None
    drained = await client.post(
        "/api/v1/internal/tasks/drain-outbox",
        headers={"Authorization": f"Bearer {token.get_secret_value()}"},
    )
    assert drained.status_code == 200, drained.text
    assert attendees(emulator, TEST_TUTOR, event_id) == ["sam@school.example"]
    assert (await sam.app.get(f"/api/v1/bookings/{booking_id}")).json()["calendar_sync"] == "synced"
    assert (await admin.app.get("/api/v1/admin/outbox")).json()["items"] == []
    (entry,) = (
        await admin.app.get("/api/v1/admin/audit", params={"action": "outbox_retried"})
    ).json()["items"]
    assert entry["subject_id"] == booking_id
    assert entry["actor"]["email"] == TEST_ADMIN


async def test_retrying_an_unknown_item_is_404_and_nobody_but_admins_sees_the_outbox(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    sam, _, _ = await _failed_booking(app, browser, other_browser, emulator)
    for path in ("00000000-0000-0000-0000-000000000000", "nonsense"):
        refused = await sam.app.post(f"/api/v1/admin/outbox/{path}/retry", headers=sam.csrf)
        assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    assert (await sam.app.get("/api/v1/admin/outbox")).status_code == 403
    admin = await student(browser, emulator, TEST_ADMIN)
    for path in ("00000000-0000-0000-0000-000000000000", "nonsense"):
        missing = await admin.app.post(f"/api/v1/admin/outbox/{path}/retry", headers=admin.csrf)
        assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    bad: dict[str, Any] = {"status": "done"}
    assert (await admin.app.get("/api/v1/admin/outbox", params=bad)).status_code == 422


async def test_two_admins_retrying_at_once_make_the_write_due_once(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    _, booking_id, _ = await _failed_booking(app, browser, other_browser, emulator)
    first = await student(browser, emulator, TEST_ADMIN)
    second = await student(other_browser, emulator, TEST_ADMIN)
    (item,) = (await first.app.get("/api/v1/admin/outbox")).json()["items"]
    path = f"/api/v1/admin/outbox/{item['id']}/retry"

    answers = await asyncio.gather(
        first.app.post(path, headers=first.csrf), second.app.post(path, headers=second.csrf)
    )

    assert sorted(a.status_code for a in answers) == [200, 409]
    retried = await AuditEntry.filter(action="outbox_retried", subject_id=booking_id).count()
    assert retried == 1
