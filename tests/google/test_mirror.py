"""The mirror of a tutor's calendar, and the sessions read from it (app in-process, Google over HTTP)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi import FastAPI

from tests.conftest import TEST_TUTOR
from tests.support.browser import Browser
from tests.support.calendar import add_event, at, connect_tutor, event_body, runtime_of, sync_now
from tests.support.clock import ManualClock
from tests.support.emulator import EmulatorServer
from tests.support.factories import make_booking, make_student
from tutorcal.audit.models import AuditEntry
from tutorcal.bookings.models import BookingStatus
from tutorcal.core.time import SYSTEM_CLOCK, utcnow
from tutorcal.google.models import CalendarEvent, CalendarSyncStatus, MirroredCalendar
from tutorcal.tutoring_sessions.models import TutoringSession
from tutorcal.users.models import User


async def sessions_of(browser: Browser, tutor: User, **params: str) -> list[dict[str, object]]:
    response = await browser.app.get(f"/api/v1/tutors/{tutor.id}/sessions", params=params)
    assert response.status_code == 200, response.text
    body: list[dict[str, object]] = response.json()
    return body


async def test_connecting_mirrors_sessions_and_busy_time(
    app: FastAPI, browser: Browser, emulator: EmulatorServer
) -> None:
    emulator.add_user(TEST_TUTOR)
    add_event(
        emulator,
        TEST_TUTOR,
        event_body(
            "Tutoring: Algebra",
            at(2, 10),
            description="Bring homework\ncapacity: 3",
            location="Room 4",
        ),
    )
    add_event(emulator, TEST_TUTOR, event_body("Lunch", at(2, 12)))
    tutor = await connect_tutor(app, browser, emulator)

    sessions = await sessions_of(browser, tutor)
    assert [s["title"] for s in sessions] == ["Tutoring: Algebra"]
    session = sessions[0]
    assert session["capacity"] == 3
    assert session["seats_taken"] == 0
    assert session["seats_left"] == 3
    assert session["location"] == "Room 4"
    assert session["booked_by_me"] is False
    assert session["start"] == at(2, 10).isoformat().replace("+00:00", "Z")

    busy = await CalendarEvent.all().order_by("start_at")
    assert len(busy) == 2  # the session is busy time too
    calendar = await MirroredCalendar.get(tutor=tutor)
    assert calendar.sync_token is not None
    assert calendar.holds_sessions
    assert calendar.counts_as_busy

    detail = (await browser.app.get(f"/api/v1/tutors/{tutor.id}")).json()
    assert detail["calendar_status"] == "connected"
    assert detail["last_synced_at"] is not None


async def test_the_keyword_is_case_insensitive_and_seats_are_the_attendees_but_the_organizer(
    app: FastAPI, browser: Browser, emulator: EmulatorServer
) -> None:
    emulator.add_user(TEST_TUTOR)
    add_event(
        emulator,
        TEST_TUTOR,
        event_body(
            "group TUTORING session",
            at(3, 9),
            description="capacity: 2",
            attendees=[
                {"email": TEST_TUTOR, "organizer": True, "responseStatus": "accepted"},
                {"email": "sam@school.example", "responseStatus": "accepted"},
                {"email": "sofia@school.example", "responseStatus": "needsAction"},
            ],
        ),
    )
    tutor = await connect_tutor(app, browser, emulator)
    (session,) = await sessions_of(browser, tutor)
    assert session["seats_taken"] == 2
    assert session["seats_left"] == 0


async def test_a_session_follows_its_event_when_it_is_moved_renamed_or_resized(
    app: FastAPI, browser: Browser, emulator: EmulatorServer
) -> None:
    emulator.add_user(TEST_TUTOR)
    event = add_event(emulator, TEST_TUTOR, event_body("Tutoring: Physics", at(4, 15)))
    tutor = await connect_tutor(app, browser, emulator)
    (before,) = await sessions_of(browser, tutor)

    emulator.control(
        "PATCH",
        f"/calendars/{TEST_TUTOR}/events/{event['id']}",
        {
            "summary": "Tutoring: Physics II",
            "description": "capacity: 4",
            "start": {"dateTime": at(5, 16).isoformat()},
            "end": {"dateTime": at(5, 17).isoformat()},
        },
    )
    await sync_now(app, tutor)
    (after,) = await sessions_of(browser, tutor)
    assert after["id"] == before["id"]
    assert after["title"] == "Tutoring: Physics II"
    assert after["capacity"] == 4
    assert after["start"] == at(5, 16).isoformat().replace("+00:00", "Z")
    synced = await AuditEntry.filter(action="calendar_synced").order_by("-created_at").first()
    assert synced is not None
    assert (synced.detail["moved"], synced.detail["session_ids"]) == (1, [after["id"]])


async def test_deleting_the_event_in_google_removes_the_session_and_cancels_its_bookings(
    app: FastAPI, browser: Browser, emulator: EmulatorServer
) -> None:
    emulator.add_user(TEST_TUTOR)
    event = add_event(
        emulator, TEST_TUTOR, event_body("Tutoring", at(3, 11), description="capacity: 2")
    )
    tutor = await connect_tutor(app, browser, emulator)
    session = await TutoringSession.get()
    booking = await make_booking(session)

    emulator.control("DELETE", f"/calendars/{TEST_TUTOR}/events/{event['id']}")
    await sync_now(app, tutor)

    assert await sessions_of(browser, tutor) == []
    gone = await browser.app.get(f"/api/v1/sessions/{session.id}")
    assert gone.status_code == 404
    await booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.cancel_reason == "event_cancelled"
    synced = await AuditEntry.filter(action="calendar_synced").order_by("-created_at").first()
    assert synced is not None
    assert (synced.detail["retired"], synced.detail["bookings_cancelled"]) == (1, 1)
    assert await AuditEntry.filter(action="booking_cancelled", subject_id=str(booking.id)).exists()


async def test_a_student_removed_in_google_loses_the_booking_with_a_reason(
    app: FastAPI, browser: Browser, emulator: EmulatorServer
) -> None:
    emulator.add_user(TEST_TUTOR)
    attendees = [
        {"email": TEST_TUTOR, "organizer": True},
        {"email": "sam@school.example"},
        {"email": "sofia@school.example"},
    ]
    event = add_event(
        emulator,
        TEST_TUTOR,
        event_body("Tutoring", at(3, 13), description="capacity: 3", attendees=attendees),
    )
    tutor = await connect_tutor(app, browser, emulator)
    session = await TutoringSession.get()
    kept = await make_booking(session, await make_student(email="sofia@school.example"))
    removed = await make_booking(session, await make_student(email="sam@school.example"))

    emulator.control(
        "PATCH",
        f"/calendars/{TEST_TUTOR}/events/{event['id']}",
        {"attendees": [attendees[0], attendees[2]]},
    )
    await sync_now(app, tutor)

    await removed.refresh_from_db()
    await kept.refresh_from_db()
    assert removed.status == BookingStatus.CANCELLED
    assert removed.cancel_reason == "removed_in_google"
    assert kept.status == BookingStatus.CONFIRMED


async def test_removing_the_keyword_retires_the_session(
    app: FastAPI, browser: Browser, emulator: EmulatorServer
) -> None:
    emulator.add_user(TEST_TUTOR)
    event = add_event(emulator, TEST_TUTOR, event_body("Tutoring", at(3, 8)))
    tutor = await connect_tutor(app, browser, emulator)
    emulator.control(
        "PATCH", f"/calendars/{TEST_TUTOR}/events/{event['id']}", {"summary": "Dentist"}
    )
    await sync_now(app, tutor)
    assert await sessions_of(browser, tutor) == []
    assert await CalendarEvent.filter(google_event_id=event["id"]).count() == 1  # still busy time


async def test_busy_time_keeps_googles_transparency_declines_and_all_day_flags(
    app: FastAPI, browser: Browser, emulator: EmulatorServer
) -> None:
    emulator.add_user(TEST_TUTOR)
    add_event(emulator, TEST_TUTOR, event_body("Focus time", at(2, 9), transparency="transparent"))
    add_event(
        emulator,
        TEST_TUTOR,
        event_body(
            "Staff meeting",
            at(2, 11),
            attendees=[
                {"email": "boss@school.example", "organizer": True},
                {"email": TEST_TUTOR, "self": True, "responseStatus": "declined"},
            ],
        ),
    )
    day = at(6, 0).date()
    add_event(
        emulator,
        TEST_TUTOR,
        {
            "summary": "Conference",
            "start": {"date": day.isoformat()},
            "end": {"date": (day + timedelta(days=1)).isoformat()},
        },
    )
    tutor = await connect_tutor(app, browser, emulator)
    events = {e.google_event_id: e for e in await CalendarEvent.all()}
    flags = sorted(
        (e.is_transparent, e.is_declined_by_owner, e.is_all_day) for e in events.values()
    )
    assert flags == [(False, False, True), (False, True, False), (True, False, False)]
    assert await TutoringSession.filter(tutor=tutor).count() == 0


async def test_an_expired_sync_token_means_a_clean_full_resync(
    app: FastAPI, browser: Browser, emulator: EmulatorServer, clock: ManualClock
) -> None:
    emulator.add_user(TEST_TUTOR)
    add_event(emulator, TEST_TUTOR, event_body("Tutoring A", at(2, 10)))
    gone = add_event(emulator, TEST_TUTOR, event_body("Tutoring B", at(2, 12)))
    tutor = await connect_tutor(app, browser, emulator)
    emulator.control("POST", f"/calendars/{TEST_TUTOR}/invalidate-sync-tokens")
    emulator.control("DELETE", f"/calendars/{TEST_TUTOR}/events/{gone['id']}")
    add_event(emulator, TEST_TUTOR, event_body("Tutoring C", at(2, 14)))
    clock.advance(timedelta(hours=1))

    await sync_now(app, tutor)

    titles = [s["title"] for s in await sessions_of(browser, tutor)]
    assert titles == ["Tutoring A", "Tutoring C"]
    assert await TutoringSession.filter(title="Tutoring A").count() == 1
    assert await CalendarEvent.all().count() == 2


async def test_a_revoked_grant_fails_closed(
    app: FastAPI, browser: Browser, emulator: EmulatorServer, clock: ManualClock
) -> None:
    emulator.add_user(TEST_TUTOR)
    add_event(emulator, TEST_TUTOR, event_body("Tutoring", at(2, 10)))
    tutor = await connect_tutor(app, browser, emulator)
    emulator.control("POST", f"/users/{TEST_TUTOR}/revoke")
    clock.advance(timedelta(hours=1))  # the access token expires: the refresh finds the grant gone
    await sync_now(app, tutor)

    response = await browser.app.get(f"/api/v1/tutors/{tutor.id}/sessions")
    assert response.status_code == 409
    assert response.json()["code"] == "calendar_unavailable"
    assert response.json()["calendar_status"] == "reconnect_required"
    detail = (await browser.app.get(f"/api/v1/tutors/{tutor.id}")).json()
    assert detail["calendar_status"] == "reconnect_required"
    assert detail["calendar_connected"] is False


async def test_a_mirror_that_fell_behind_is_not_offered(
    app: FastAPI, browser: Browser, emulator: EmulatorServer, clock: ManualClock
) -> None:
    emulator.add_user(TEST_TUTOR)
    tutor = await connect_tutor(app, browser, emulator)
    clock.advance(timedelta(hours=2))  # and no sync ran meanwhile
    response = await browser.app.get(f"/api/v1/tutors/{tutor.id}/sessions")
    assert response.status_code == 409
    assert response.json()["calendar_status"] == "stale"


async def test_repeated_google_failures_fail_closed_and_recover(
    app: FastAPI, browser: Browser, emulator: EmulatorServer
) -> None:
    emulator.add_user(TEST_TUTOR)
    tutor = await connect_tutor(app, browser, emulator)
    emulator.control("POST", "/faults", {"count": 100, "status": 500})
    for _ in range(3):
        await runtime_of(app).calendar.engine.sync_until_quiet(
            (await MirroredCalendar.get(tutor=tutor)).id
        )
    calendar = await MirroredCalendar.get(tutor=tutor)
    assert calendar.status == CalendarSyncStatus.UNAVAILABLE
    assert (await browser.app.get(f"/api/v1/tutors/{tutor.id}/sessions")).status_code == 409
    assert await AuditEntry.filter(action="sync_failure").count() == 1
    emulator.control("DELETE", "/faults")
    await runtime_of(app).calendar.engine.sync_until_quiet(calendar.id)
    assert (await browser.app.get(f"/api/v1/tutors/{tutor.id}/sessions")).status_code == 200


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"start": "2026-12-01T00:00:00Z", "end": "2027-03-01T00:00:00Z"}, "window_too_large"),
        ({"start": "2026-12-10T00:00:00Z", "end": "2026-12-01T00:00:00Z"}, "invalid_window"),
        ({"start": "2026-12-01T00:00:00"}, "validation_failed"),
    ],
)
async def test_bad_windows_are_422(
    app: FastAPI, browser: Browser, emulator: EmulatorServer, params: dict[str, str], code: str
) -> None:
    tutor = await connect_tutor(app, browser, emulator)
    response = await browser.app.get(f"/api/v1/tutors/{tutor.id}/sessions", params=params)
    assert response.status_code == 422
    assert response.json()["code"] == code


async def test_reading_sessions_costs_no_google_call(
    app: FastAPI, browser: Browser, emulator: EmulatorServer
) -> None:
    emulator.add_user(TEST_TUTOR)
    add_event(emulator, TEST_TUTOR, event_body("Tutoring", at(2, 10)))
    tutor = await connect_tutor(app, browser, emulator)
    emulator.control("DELETE", "/requests")
    for _ in range(5):
        await sessions_of(browser, tutor)
    session_id = (await sessions_of(browser, tutor))[0]["id"]
    assert (await browser.app.get(f"/api/v1/sessions/{session_id}")).status_code == 200
    assert emulator.control("GET", "/requests") == []


async def test_busy_time_blocks_as_google_free_busy_does(
    app: FastAPI, browser: Browser, emulator: EmulatorServer
) -> None:
    from tutorcal.google.busy import busy_periods

    emulator.add_user(TEST_TUTOR)
    add_event(emulator, TEST_TUTOR, event_body("Lunch", at(2, 12)))
    add_event(emulator, TEST_TUTOR, event_body("Lunch overrun", at(2, 12, 30)))
    add_event(emulator, TEST_TUTOR, event_body("Focus time", at(2, 14), transparency="transparent"))
    add_event(
        emulator,
        TEST_TUTOR,
        event_body(
            "Staff meeting",
            at(2, 16),
            attendees=[
                {"email": "boss@school.example", "organizer": True},
                {"email": TEST_TUTOR, "self": True, "responseStatus": "declined"},
            ],
        ),
    )
    cancelled = add_event(emulator, TEST_TUTOR, event_body("Dentist", at(2, 9)))
    emulator.control("DELETE", f"/calendars/{TEST_TUTOR}/events/{cancelled['id']}")
    day = at(3, 0).date()
    add_event(
        emulator,
        TEST_TUTOR,
        {
            "summary": "Training day",
            "start": {"date": day.isoformat()},
            "end": {"date": (day + timedelta(days=1)).isoformat()},
        },
    )
    tutor = await connect_tutor(app, browser, emulator)

    window = (at(2, 0), at(4, 0))
    busy = await busy_periods(tutor.id, *window, ignore_all_day=False)
    assert busy == [(at(2, 12), at(2, 13, 30)), (at(3, 0), at(4, 0))]
    assert await busy_periods(tutor.id, *window, ignore_all_day=True) == [
        (at(2, 12), at(2, 13, 30))
    ]


async def test_a_list_read_before_a_booking_reached_google_does_not_cancel_that_booking(
    app: FastAPI, browser: Browser, emulator: EmulatorServer
) -> None:
    """Google's answer to events.list can be older than our own write that followed it; the
    student missing from it was not removed by the tutor (found by the reliability run)."""
    from tutorcal.bookings.mirror_changes import BookingMirrorChanges
    from tutorcal.google.calendar_types import Event
    from tutorcal.google.changes import AttendeesRead
    from tutorcal.google.mirror import MirrorChanges, apply_events
    from tutorcal.tutors.models import TutorProfile

    emulator.add_user(TEST_TUTOR)
    organizer = {"email": TEST_TUTOR, "organizer": True}
    sam_attends = {"email": "sam@school.example"}
    event = add_event(
        emulator,
        TEST_TUTOR,
        event_body(
            "Tutoring", at(3, 13), description="capacity: 3", attendees=[organizer, sam_attends]
        ),
    )
    tutor = await connect_tutor(app, browser, emulator)
    session = await TutoringSession.get()
    sam = await make_student(email="sam@school.example")
    read_at = utcnow()
    # What events.list answered at read_at: Sam had cancelled, and Google no longer had him.
    older = emulator.control(
        "PATCH", f"/calendars/{TEST_TUTOR}/events/{event['id']}", {"attendees": [organizer]}
    )
    # Sam booked again, and that booking reached Google after the list was read.
    rebooked = await make_booking(session, sam)
    assert rebooked.updated_at > read_at

    calendar = await MirroredCalendar.get()
    profile = await TutorProfile.get(user=tutor)
    changes = MirrorChanges()
    await apply_events(calendar, profile, [Event.model_validate(older)], changes, read_at=read_at)
    changes.found.append(AttendeesRead(calendar.id, read_at=read_at))
    await BookingMirrorChanges(SYSTEM_CLOCK).apply(changes.found)

    await rebooked.refresh_from_db()
    assert rebooked.status == BookingStatus.CONFIRMED


async def test_a_full_sync_that_finds_nothing_changed_rewrites_no_row(
    app: FastAPI, browser: Browser, emulator: EmulatorServer
) -> None:
    """After a 410 a tutor's whole term is read again: the rows Google left as they were are
    not written again (a term of writes per tutor is what made a re-sync slow), and a row
    Google did change still is."""
    emulator.add_user(TEST_TUTOR)
    moved = add_event(emulator, TEST_TUTOR, event_body("Tutoring: Algebra", at(2, 10)))
    add_event(emulator, TEST_TUTOR, event_body("Tutoring: Physics", at(3, 10)))
    add_event(emulator, TEST_TUTOR, event_body("Lunch", at(2, 12)))
    tutor = await connect_tutor(app, browser, emulator)
    written = {row.google_event_id: row.updated_at for row in await CalendarEvent.all()} | {
        f"session {s.google_event_id}": s.updated_at for s in await TutoringSession.all()
    }
    assert len(written) == 5

    emulator.control("POST", f"/calendars/{TEST_TUTOR}/invalidate-sync-tokens")
    emulator.control(
        "PATCH",
        f"/calendars/{TEST_TUTOR}/events/{moved['id']}",
        event_body("Tutoring: Algebra", at(2, 11)),
    )
    await sync_now(app, tutor)

    after = {row.google_event_id: row.updated_at for row in await CalendarEvent.all()} | {
        f"session {s.google_event_id}": s.updated_at for s in await TutoringSession.all()
    }
    rewritten = {key for key in after if after[key] != written[key]}
    assert rewritten == {moved["id"], f"session {moved['id']}"}
    session = await TutoringSession.get(google_event_id=moved["id"])
    assert session.start_at == at(2, 11)
    assert [s["title"] for s in await sessions_of(browser, tutor)] == [
        "Tutoring: Algebra",
        "Tutoring: Physics",
    ]


async def test_a_full_sync_that_changed_nothing_still_moves_the_window_so_the_next_is_incremental(
    app: FastAPI, browser: Browser, emulator: EmulatorServer, clock: ManualClock
) -> None:
    """A week later the window has moved on: the sync re-reads it whole (full), finds the same
    events, and must record the new window; otherwise every later notification would read
    the whole term again instead of asking Google for what changed."""
    emulator.add_user(TEST_TUTOR)
    add_event(emulator, TEST_TUTOR, event_body("Tutoring: Algebra", at(2, 10)))
    tutor = await connect_tutor(app, browser, emulator)
    calendar = await MirroredCalendar.get(tutor=tutor)
    assert calendar.window_end_at is not None
    first_window_end = calendar.window_end_at

    clock.advance(timedelta(days=8))  # past the window's margin
    await sync_now(app, tutor)
    calendar = await MirroredCalendar.get(tutor=tutor)
    assert calendar.window_end_at is not None
    assert calendar.window_end_at - first_window_end >= timedelta(days=8)

    add_event(emulator, TEST_TUTOR, event_body("Tutoring: Physics", at(3, 10)))
    await sync_now(app, tutor)
    lists = [e for e in emulator.control("GET", "/requests") if e["name"] == "events.list"]
    assert "syncToken" in lists[-1]["query"], lists[-1]
    titles = (
        await TutoringSession.filter(is_active=True)
        .order_by("start_at")
        .values_list("title", flat=True)
    )
    assert titles == ["Tutoring: Algebra", "Tutoring: Physics"]
