"""Booking a seat in a group session: the student joins the tutor's Google event."""

from __future__ import annotations

import uuid

import pytest
from fastapi import FastAPI

from tests.conftest import TEST_ADMIN, TEST_TUTOR
from tests.support.booking import attendees, drain_once_due, group_session, student
from tests.support.browser import Browser
from tests.support.calendar import add_event, at, event_body, runtime_of, sync_now
from tests.support.emulator import EmulatorServer
from tutorcal.audit.models import AuditEntry
from tutorcal.bookings.google_sync import drain_booking_writes
from tutorcal.bookings.models import Booking
from tutorcal.google.event_writes import set_attendance
from tutorcal.google.models import MirroredCalendar
from tutorcal.outbox.models import OutboxJob
from tutorcal.tutors.models import TutorProfile


async def book(browser: Browser, **body: object) -> tuple[int, dict[str, object]]:
    response = await browser.app.post("/api/v1/bookings", json=body, headers=browser.csrf)
    return response.status_code, response.json()


async def test_a_student_books_a_seat_and_is_added_to_the_google_event(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    group = await group_session(app, browser, emulator)
    sam = await student(other_browser, emulator, "sam@school.example")
    status, booking = await book(sam, session_id=group.session_id)

    assert status == 201, booking
    assert booking["status"] == "confirmed"
    assert booking["kind"] == "session"
    assert booking["calendar_sync"] == "synced"
    assert booking["student"]["email"] == "sam@school.example"
    assert booking["tutor"]["id"] == str(group.tutor.id)
    assert attendees(emulator, TEST_TUTOR, group.event["id"]) == ["sam@school.example"]
    event = emulator.control("GET", f"/calendars/{TEST_TUTOR}/events/{group.event['id']}")
    assert event["guestsCanSeeOtherGuests"] is False
    assert any(key.startswith("tcs_") for key in event["extendedProperties"]["private"])
    writes = emulator.control("GET", "/requests", None)
    assert [w["send_updates"] for w in writes if w["name"] == "events.update"] == ["all"]

    await sync_now(app, group.tutor)
    (session,) = (await sam.app.get(f"/api/v1/tutors/{group.tutor.id}/sessions")).json()
    assert session["seats_taken"] == 1
    assert session["booked_by_me"] is True
    assert await AuditEntry.filter(action="booking_created").count() == 1


async def test_the_last_seat_goes_once_then_session_full(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    group = await group_session(app, browser, emulator, capacity=1)
    sam = await student(other_browser, emulator, "sam@school.example")
    assert (await book(sam, session_id=group.session_id))[0] == 201
    again = await book(sam, session_id=group.session_id)
    assert again[0] == 409
    assert again[1]["code"] == "already_booked"
    await sam.app.post("/api/v1/auth/logout", headers=sam.csrf)
    sofia = await student(sam, emulator, "sofia@school.example")
    full = await book(sofia, session_id=group.session_id)
    assert full[0] == 409
    assert full[1]["code"] == "session_full"


async def test_a_tutor_cannot_book_their_own_session(
    app: FastAPI, browser: Browser, emulator: EmulatorServer
) -> None:
    group = await group_session(app, browser, emulator)
    status, body = await book(browser, session_id=group.session_id)
    assert status == 422
    assert body["code"] == "own_session"


@pytest.mark.parametrize(
    ("profile_change", "code"),
    [({"min_notice_minutes": 10 * 24 * 60}, "min_notice"), ({"horizon_days": 1}, "beyond_horizon")],
)
async def test_the_tutors_rules_are_enforced_with_a_code_naming_the_rule(
    app: FastAPI,
    browser: Browser,
    other_browser: Browser,
    emulator: EmulatorServer,
    profile_change: dict[str, int],
    code: str,
) -> None:
    group = await group_session(app, browser, emulator)
    await TutorProfile.filter(user=group.tutor).update(**profile_change)
    sam = await student(other_browser, emulator, "sam@school.example")
    status, body = await book(sam, session_id=group.session_id)
    assert status == 422
    assert body["code"] == code


async def test_the_weekly_limit_and_a_students_overlapping_bookings_are_refused(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    group = await group_session(app, browser, emulator)
    add_event(
        emulator,
        TEST_TUTOR,
        event_body("Tutoring: overlapping", at(3, 10, 30), description="capacity: 5"),
    )
    add_event(
        emulator, TEST_TUTOR, event_body("Tutoring: later", at(3, 15), description="capacity: 5")
    )
    await sync_now(app, group.tutor)
    sessions = {
        s["title"]: s["id"]
        for s in (await browser.app.get(f"/api/v1/tutors/{group.tutor.id}/sessions")).json()
    }
    sam = await student(other_browser, emulator, "sam@school.example")
    assert (await book(sam, session_id=group.session_id))[0] == 201
    clash = await book(sam, session_id=sessions["Tutoring: overlapping"])
    assert clash[0] == 409
    assert clash[1]["code"] == "student_conflict"
    await TutorProfile.filter(user=group.tutor).update(max_bookings_per_student_per_week=1)
    limited = await book(sam, session_id=sessions["Tutoring: later"])
    assert limited[0] == 422
    assert limited[1]["code"] == "weekly_limit"


async def test_when_google_is_down_the_booking_stands_pending_and_the_worker_finishes_it_once(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    group = await group_session(app, browser, emulator)
    sam = await student(other_browser, emulator, "sam@school.example")
    emulator.control("POST", "/faults", {"count": 50, "status": 503})
    status, booking = await book(sam, session_id=group.session_id)
    assert status == 201
    assert booking["calendar_sync"] == "pending"
    assert attendees(emulator, TEST_TUTOR, group.event["id"]) == []

    emulator.control("DELETE", "/faults")
    assert (await drain_once_due(app))["done"] == 1
    assert attendees(emulator, TEST_TUTOR, group.event["id"]) == ["sam@school.example"]
    assert await drain_once_due(app) == {"done": 0, "retried": 0, "failed": 0}
    assert (await sam.app.get(f"/api/v1/bookings/{booking['id']}")).json()[
        "calendar_sync"
    ] == "synced"


async def test_a_booking_not_yet_in_google_holds_its_seat_and_is_mine_only_to_its_student(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    group = await group_session(app, browser, emulator, capacity=2)
    sam = await student(other_browser, emulator, "sam@school.example")
    emulator.control("POST", "/faults", {"count": 50, "status": 503})
    status, booking = await book(sam, session_id=group.session_id)
    emulator.control("DELETE", "/faults")
    assert (status, booking["calendar_sync"]) == (201, "pending")

    listing = f"/api/v1/tutors/{group.tutor.id}/sessions"
    (as_sam,) = (await sam.app.get(listing)).json()
    assert (as_sam["seats_taken"], as_sam["seats_left"], as_sam["booked_by_me"]) == (1, 1, True)
    (as_tutor,) = (await browser.app.get(listing)).json()
    assert (as_tutor["seats_taken"], as_tutor["booked_by_me"]) == (1, False)


async def test_a_stale_etag_is_re_read_and_re_applied(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    group = await group_session(app, browser, emulator)
    emulator.add_user("guest@school.example")
    sam = await student(other_browser, emulator, "sam@school.example")
    emulator.control(
        "POST",
        "/faults",
        {"count": 1, "status": 412, "reason": "conditionNotMet", "match": {"method": "PUT"}},
    )
    status, booking = await book(sam, session_id=group.session_id)
    assert status == 201
    assert booking["calendar_sync"] == "synced"
    assert attendees(emulator, TEST_TUTOR, group.event["id"]) == ["sam@school.example"]


async def test_existing_guests_keep_their_answers_when_a_student_is_added(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    emulator.add_user(TEST_TUTOR)
    event = add_event(
        emulator,
        TEST_TUTOR,
        event_body(
            "Tutoring",
            at(3, 10),
            description="capacity: 3",
            attendees=[
                {"email": TEST_TUTOR, "organizer": True, "responseStatus": "accepted"},
                {"email": "parent@family.example", "responseStatus": "accepted", "optional": True},
            ],
        ),
    )
    from tests.support.calendar import connect_tutor

    tutor = await connect_tutor(app, browser, emulator)
    session_id = (await browser.app.get(f"/api/v1/tutors/{tutor.id}/sessions")).json()[0]["id"]
    sam = await student(other_browser, emulator, "sam@school.example")
    assert (await book(sam, session_id=session_id))[0] == 201
    stored = emulator.control("GET", f"/calendars/{TEST_TUTOR}/events/{event['id']}")
    parent = next(a for a in stored["attendees"] if a["email"] == "parent@family.example")
    assert parent["responseStatus"] == "accepted"
    assert parent["optional"] is True


async def test_cancelling_removes_the_student_from_the_event(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    group = await group_session(app, browser, emulator)
    sam = await student(other_browser, emulator, "sam@school.example")
    _, booking = await book(sam, session_id=group.session_id)
    await TutorProfile.filter(user=group.tutor).update(cancel_notice_minutes=60)
    response = await sam.app.post(
        f"/api/v1/bookings/{booking['id']}/cancel", json={"reason": "ill"}, headers=sam.csrf
    )
    assert response.status_code == 200
    cancelled = response.json()
    assert cancelled["status"] == "cancelled"
    assert cancelled["cancelled_by"] == "student"
    assert cancelled["cancel_reason"] == "ill"
    assert cancelled["calendar_sync"] == "synced"
    assert attendees(emulator, TEST_TUTOR, group.event["id"]) == []
    twice = await sam.app.post(f"/api/v1/bookings/{booking['id']}/cancel", headers=sam.csrf)
    assert twice.json()["status"] == "cancelled"
    assert (await book(sam, session_id=group.session_id))[0] == 201  # the seat can be had again


async def test_a_student_cannot_cancel_late_but_the_tutor_can(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    group = await group_session(app, browser, emulator)
    sam = await student(other_browser, emulator, "sam@school.example")
    _, booking = await book(sam, session_id=group.session_id)
    await TutorProfile.filter(user=group.tutor).update(cancel_notice_minutes=7 * 24 * 60)
    late = await sam.app.post(f"/api/v1/bookings/{booking['id']}/cancel", headers=sam.csrf)
    assert late.status_code == 422
    assert late.json()["code"] == "cancel_window_passed"
    by_tutor = await browser.app.post(
        f"/api/v1/bookings/{booking['id']}/cancel", json={"reason": "sick"}, headers=browser.csrf
    )
    assert by_tutor.status_code == 200
    assert by_tutor.json()["cancelled_by"] == "tutor"


async def test_only_the_student_the_tutor_and_admins_see_a_booking(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    group = await group_session(app, browser, emulator)
    sam = await student(other_browser, emulator, "sam@school.example")
    _, booking = await book(sam, session_id=group.session_id)
    assert (await browser.app.get(f"/api/v1/bookings/{booking['id']}")).status_code == 200
    tutor_view = (await browser.app.get("/api/v1/bookings", params={"role": "tutor"})).json()
    assert [b["id"] for b in tutor_view["items"]] == [booking["id"]]
    await sam.app.post("/api/v1/auth/logout", headers=sam.csrf)
    sofia = await student(sam, emulator, "sofia@school.example")
    assert (await sofia.app.get(f"/api/v1/bookings/{booking['id']}")).status_code == 404
    assert (
        await sofia.app.post(f"/api/v1/bookings/{booking['id']}/cancel", headers=sofia.csrf)
    ).status_code == 404
    assert (await sofia.app.get("/api/v1/bookings")).json()["items"] == []
    await sofia.app.post("/api/v1/auth/logout", headers=sofia.csrf)
    emulator.add_user(TEST_ADMIN)
    await sofia.sign_in(TEST_ADMIN)
    assert (await sofia.app.get(f"/api/v1/bookings/{booking['id']}")).status_code == 200


async def test_an_idempotency_key_replays_the_first_answer(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    group = await group_session(app, browser, emulator)
    sam = await student(other_browser, emulator, "sam@school.example")
    headers = {**sam.csrf, "Idempotency-Key": "booking-attempt-1"}
    first = await sam.app.post(
        "/api/v1/bookings", json={"session_id": group.session_id}, headers=headers
    )
    second = await sam.app.post(
        "/api/v1/bookings", json={"session_id": group.session_id}, headers=headers
    )
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert await Booking.all().count() == 1
    other = await sam.app.post(
        "/api/v1/bookings", json={"session_id": group.event["id"]}, headers=headers
    )
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"


async def test_a_replayed_error_is_problem_json_like_the_first(
    browser: Browser, emulator: EmulatorServer
) -> None:
    sam = await student(browser, emulator, "sam@school.example")
    headers = {**sam.csrf, "Idempotency-Key": "no-such-session"}
    answers = [
        await sam.app.post("/api/v1/bookings", json={"session_id": "nope"}, headers=headers)
        for _ in range(2)
    ]
    assert [a.status_code for a in answers] == [404, 404]
    assert {a.headers["content-type"] for a in answers} == {"application/problem+json"}
    assert answers[0].json() == answers[1].json()


async def test_a_time_window_is_rfc3339_not_unix_seconds(
    browser: Browser, emulator: EmulatorServer
) -> None:
    sam = await student(browser, emulator, "sam@school.example")
    refused = await sam.app.get("/api/v1/bookings", params={"end": "0"})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["loc"] == ["query", "end"]
    accepted = await sam.app.get("/api/v1/bookings", params={"end": "2030-01-01T00:00:00Z"})
    assert accepted.status_code == 200


async def test_a_booking_body_must_be_one_kind_or_the_other(
    browser: Browser, emulator: EmulatorServer, app: FastAPI
) -> None:
    sam = await student(browser, emulator, "sam@school.example")
    for body in (
        {},
        {"session_id": "x", "tutor_id": "y"},
        {"tutor_id": "y"},
        {"session_id": "x", "status": "confirmed"},
        {"tutor_id": "y", "start": "2030-01-01T10:00:00", "minutes": 60},
        {"tutor_id": "y", "start": 1900000000, "minutes": 60},
        {"tutor_id": "y", "start": "2030-01-01T10:00:00Z", "minutes": True},
        {"session_id": ""},
        {"session_id": "a\u0000b"},
    ):
        response = await sam.app.post("/api/v1/bookings", json=body, headers=sam.csrf)
        assert response.status_code == 422, body


async def test_the_private_calendar_feed_lists_confirmed_bookings(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    group = await group_session(app, browser, emulator)
    sam = await student(other_browser, emulator, "sam@school.example")
    await book(sam, session_id=group.session_id)
    first = (await sam.app.post("/api/v1/me/calendar-feed", headers=sam.csrf)).json()["url"]
    path = first.removeprefix("http://127.0.0.1:8000")
    feed = await sam.app.get(path)
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in feed.text
    assert "Tutoring with" in feed.text
    second = (await sam.app.post("/api/v1/me/calendar-feed", headers=sam.csrf)).json()["url"]
    assert second != first
    assert (await sam.app.get(path)).status_code == 404


async def test_deleting_an_account_cancels_its_future_bookings(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    group = await group_session(app, browser, emulator)
    sam = await student(other_browser, emulator, "sam@school.example")
    _, booking = await book(sam, session_id=group.session_id)
    assert (await sam.app.delete("/api/v1/me", headers=sam.csrf)).status_code == 204
    stored = await Booking.get(id=booking["id"])
    assert stored.status == "cancelled"
    assert stored.cancel_reason == "account_deleted"
    assert attendees(emulator, TEST_TUTOR, group.event["id"]) == []


async def test_a_write_google_refuses_for_good_is_failed_audited_and_shown_to_admins(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    group = await group_session(app, browser, emulator)
    sam = await student(other_browser, emulator, "sam@school.example")
    emulator.control(
        "POST",
        "/faults",
        {
            "count": 5,
            "status": 403,
            "reason": "forbiddenForNonOrganizer",
            "match": {"method": "PUT"},
        },
    )
    status, booking = await book(sam, session_id=group.session_id)
    assert status == 201
    assert booking["calendar_sync"] == "failed"
    job = await OutboxJob.get()
    assert job.status == "failed"
    await sam.app.post("/api/v1/auth/logout", headers=sam.csrf)
    emulator.add_user(TEST_ADMIN)
    await sam.sign_in(TEST_ADMIN)
    audit = (await sam.app.get("/api/v1/admin/audit", params={"action": "outbox_failure"})).json()
    assert audit["items"][0]["subject_id"] == booking["id"]
    assert "forbiddenForNonOrganizer" in audit["items"][0]["detail"]["error"]


async def test_a_google_timeout_after_google_applied_the_write_still_leaves_one_attendee(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    group = await group_session(app, browser, emulator)
    sam = await student(other_browser, emulator, "sam@school.example")
    emulator.control(
        "POST",
        "/faults",
        {"count": 1, "drop_connection": True, "after_apply": True, "match": {"method": "PUT"}},
    )
    status, booking = await book(sam, session_id=group.session_id)
    assert status == 201
    event = emulator.control("GET", f"/calendars/{TEST_TUTOR}/events/{group.event['id']}")
    assert [a["email"] for a in event["attendees"]].count("sam@school.example") == 1
    await drain_once_due(app)
    assert attendees(emulator, TEST_TUTOR, group.event["id"]) == ["sam@school.example"]
    assert (await sam.app.get(f"/api/v1/bookings/{booking['id']}")).json()[
        "calendar_sync"
    ] == "synced"


async def test_a_cancellation_while_the_tutor_has_revoked_google_reaches_google_when_they_reconnect(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    runtime = runtime_of(app)
    group = await group_session(app, browser, emulator)
    sam = await student(other_browser, emulator, "sam@school.example")
    status, booking = await book(sam, session_id=group.session_id)
    assert status == 201, booking
    emulator.control("POST", f"/users/{TEST_TUTOR}/revoke")

    cancelled = await sam.app.post(
        f"/api/v1/bookings/{booking['id']}/cancel", json={}, headers=sam.csrf
    )
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["calendar_sync"] == "pending"
    # However many rounds pass while the tutor is away, the write waits; it does not fail.
    for _ in range(12):
        await drain_once_due(app)
    waiting = await OutboxJob.filter(booking_id=booking["id"]).order_by("-created_at").first()
    assert waiting is not None
    assert (waiting.status, waiting.attempts) == ("pending", 0)
    assert attendees(emulator, TEST_TUTOR, group.event["id"]) == ["sam@school.example"]

    assert (await browser.connect_calendar()).status_code == 303
    await runtime.calendar.background.wait_idle()
    await drain_booking_writes(runtime.calendar, runtime.outbox_policy)

    assert attendees(emulator, TEST_TUTOR, group.event["id"]) == []
    mine = (await sam.app.get(f"/api/v1/bookings/{booking['id']}")).json()
    assert mine["calendar_sync"] == "synced"


async def test_a_late_cancellation_write_keeps_the_student_who_booked_the_session_again(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    """Sam cancels and books the same session again. The first cancellation's write may have
    read "no seat held" before the new booking existed and reach Google after the new
    booking's write (two instances, the outbox): it takes away its own seat mark only."""
    group = await group_session(app, browser, emulator)
    sam = await student(other_browser, emulator, "sam@school.example")
    _, first = await book(sam, session_id=group.session_id)
    cancelled = await sam.app.post(
        f"/api/v1/bookings/{first['id']}/cancel", json={}, headers=sam.csrf
    )
    assert cancelled.json()["calendar_sync"] == "synced"
    status, again = await book(sam, session_id=group.session_id)
    assert status == 201
    assert again["calendar_sync"] == "synced"

    calendar = await MirroredCalendar.get(tutor=group.tutor, holds_sessions=True)
    late = await set_attendance(
        await runtime_of(app).calendar.client_for(str(group.tutor.id)),
        calendar.google_calendar_id,
        group.event["id"],
        email="sam@school.example",
        display_name="Sam",
        booking_id=uuid.UUID(str(first["id"])),
        present=False,
    )

    assert late is None  # nothing to change: Sam's guest place is the new booking's
    assert attendees(emulator, TEST_TUTOR, group.event["id"]) == ["sam@school.example"]
    await sync_now(app, group.tutor)
    assert (await sam.app.get(f"/api/v1/bookings/{again['id']}")).json()["status"] == "confirmed"


async def test_a_student_who_cancelled_and_booked_again_while_google_was_down_can_still_leave(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    """Both writes wait in the outbox and then act for the new booking; the first booking's seat
    mark must not stay behind on the event, or Sam would stay a guest after cancelling again."""
    group = await group_session(app, browser, emulator)
    sam = await student(other_browser, emulator, "sam@school.example")
    _, first = await book(sam, session_id=group.session_id)
    emulator.control("POST", "/faults", {"count": 1000, "status": 503, "match": {"method": "PUT"}})
    cancelled = await sam.app.post(
        f"/api/v1/bookings/{first['id']}/cancel", json={}, headers=sam.csrf
    )
    assert cancelled.json()["calendar_sync"] == "pending"
    status, again = await book(sam, session_id=group.session_id)
    assert status == 201
    emulator.control("DELETE", "/faults")
    await drain_once_due(app)
    assert attendees(emulator, TEST_TUTOR, group.event["id"]) == ["sam@school.example"]

    left = await sam.app.post(f"/api/v1/bookings/{again['id']}/cancel", json={}, headers=sam.csrf)

    assert left.json()["calendar_sync"] == "synced"
    assert attendees(emulator, TEST_TUTOR, group.event["id"]) == []
