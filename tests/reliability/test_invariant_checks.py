"""The reliability run's checks see what they are there to see: a check that cannot fail
proves nothing, so each one is shown a deliberately broken state."""

from __future__ import annotations

import uuid

import asyncpg
import pytest
from fastapi import FastAPI
from reliability.invariants import check
from reliability.workload import Ledger

from tests.conftest import TEST_TUTOR
from tests.support.booking import group_session, student
from tests.support.browser import Browser
from tests.support.calendar import add_event, at, event_body
from tests.support.databases import ScratchDatabase
from tests.support.emulator import EmulatorServer
from tutorcal.google.mirror import BOOKING_PROPERTY

pytestmark = pytest.mark.postgres_only


async def _execute(database: ScratchDatabase, *statements: str) -> None:
    connection = await asyncpg.connect(database.url)
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


async def test_each_invariant_reports_a_state_that_breaks_it(
    app: FastAPI,
    browser: Browser,
    other_browser: Browser,
    emulator: EmulatorServer,
    database: ScratchDatabase,
) -> None:
    group = await group_session(app, browser, emulator, capacity=1)
    sam = await student(other_browser, emulator, "sam@school.example")
    booked = await sam.app.post(
        "/api/v1/bookings", json={"session_id": group.session_id}, headers=sam.csrf
    )
    assert booked.status_code == 201, booked.text
    ledger = Ledger()
    ledger.promised[booked.json()["id"]] = "sam@school.example"

    # The tutor's own event whose id happens to look like one of ours is not ours.
    add_event(emulator, TEST_TUTOR, event_body("Office hours", at(3, 9), id="tc0fficehours"))
    healthy = await check(database.url, emulator.url, ledger, [TEST_TUTOR])
    assert healthy.total == 0, healthy.violations

    # One-to-one event of ours left behind in Google with no booking holding it.
    add_event(
        emulator,
        TEST_TUTOR,
        event_body(
            "Tutoring: one-to-one with Sam",
            at(3, 11),
            id="tc0rphan",
            extendedProperties={"private": {BOOKING_PROPERTY: str(uuid.uuid4())}},
        ),
    )
    orphaned = await check(database.url, emulator.url, ledger, [TEST_TUTOR])
    assert orphaned.violations["Google attendees differ from confirmed bookings"] == [
        "slot event tc0rphan in Google has no confirmed booking"
    ]
    emulator.control("DELETE", f"/calendars/{TEST_TUTOR}/events/tc0rphan")

    ledger.promised[str(uuid.uuid4())] = "ghost@school.example"
    await _execute(
        database,
        "UPDATE tutoring_sessions SET capacity = 0",
        "UPDATE outbox_jobs SET status = 'pending'",
    )
    broken = await check(database.url, emulator.url, ledger, [TEST_TUTOR])
    assert len(broken.violations["session over capacity"]) == 1
    assert len(broken.violations["confirmed answers lost"]) == 1
    assert broken.violations["outbox items pending after the drain time"] == ["1 pending"]

    # Cancelled in the database alone: Google still has Sam, and nobody asked to cancel.
    await _execute(database, "UPDATE bookings SET status = 'cancelled', cancelled_by = 'student'")
    cancelled = await check(database.url, emulator.url, ledger, [TEST_TUTOR])
    assert len(cancelled.violations["Google attendees differ from confirmed bookings"]) == 1
    assert len(cancelled.violations["confirmed answers lost"]) == 2

    # A second confirmed booking for Sam at the same time, with the database's own constraint
    # against it lifted for a moment, to see the check stand on its own.
    connection = await asyncpg.connect(database.url)
    try:
        definition = await connection.fetchval(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conname = 'ex_bookings_student_overlap'"
        )
        await connection.execute("ALTER TABLE bookings DROP CONSTRAINT ex_bookings_student_overlap")
        try:
            await connection.execute(
                "UPDATE bookings SET status = 'confirmed';"
                "INSERT INTO bookings (id, created_at, updated_at, kind, status, tutor_id,"
                " student_id, start_at, end_at, note, calendar_sync)"
                " SELECT gen_random_uuid(), now(), now(), 'slot', 'confirmed', tutor_id,"
                " student_id, start_at, end_at, '', 'synced' FROM bookings"
            )
            overlapping = await check(database.url, emulator.url, ledger, [TEST_TUTOR])
            assert len(overlapping.violations["overlapping bookings of a student"]) == 1
            assert len(overlapping.violations["overlapping bookings of a tutor"]) == 1
        finally:
            await connection.execute("DELETE FROM bookings WHERE kind = 'slot'")
            await connection.execute(
                f"ALTER TABLE bookings ADD CONSTRAINT ex_bookings_student_overlap {definition}"
            )
    finally:
        await connection.close()
