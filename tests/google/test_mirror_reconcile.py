"""The mirror reconciles bookings with what Google holds now, not with what changed since the
last sync: a change that one sync never saw happen must still count (app in-process, Google
over HTTP)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from fastapi import FastAPI

from tests.conftest import TEST_TUTOR
from tests.support.booking import drain_once_due, group_session, iso, student, tutor_open_for_slots
from tests.support.browser import Browser
from tests.support.calendar import add_event, at, connect_tutor, event_body, runtime_of, sync_now
from tests.support.emulator import EmulatorServer
from tutorcal.audit.models import AuditEntry
from tutorcal.bookings.models import Booking, BookingStatus
from tutorcal.core.time import utcnow
from tutorcal.google.calendar_client import CalendarClient
from tutorcal.google.models import MirroredCalendar
from tutorcal.tutoring_sessions.models import TutoringSession
from tutorcal.users.models import User


def remove_guest(emulator: EmulatorServer, event_id: str, email: str) -> None:
    """What the tutor does in Google Calendar: take one guest off the event."""
    event = emulator.control("GET", f"/calendars/{TEST_TUTOR}/events/{event_id}")
    kept = [a for a in event.get("attendees", []) if a["email"].lower() != email.lower()]
    emulator.control("PATCH", f"/calendars/{TEST_TUTOR}/events/{event_id}", {"attendees": kept})


async def book(browser: Browser, **body: object) -> dict[str, Any]:
    response = await browser.app.post("/api/v1/bookings", json=body, headers=browser.csrf)
    assert response.status_code == 201, response.text
    booking: dict[str, Any] = response.json()
    return booking


async def booking_seen_by(browser: Browser, booking_id: str) -> dict[str, Any]:
    response = await browser.app.get(f"/api/v1/bookings/{booking_id}")
    assert response.status_code == 200, response.text
    booking: dict[str, Any] = response.json()
    return booking


async def force_full_sync(app: FastAPI, tutor: User, emulator: EmulatorServer) -> None:
    """Google answers 410 to the stored sync token: the next sync lists only live events."""
    emulator.control("POST", f"/calendars/{TEST_TUTOR}/invalidate-sync-tokens")
    await sync_now(app, tutor)


# 1. A seat whose student is not on the event -----------------------------------------------


async def test_a_student_removed_before_any_sync_saw_them_on_the_event_loses_the_seat(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    """Our write and the tutor's removal are served by one sync: the list it reads never had the
    student, so a diff against the previous list sees no change; the booking's state does."""
    group = await group_session(app, browser, emulator, capacity=3)
    sam = await student(other_browser, emulator, "sam@school.example")
    booking = await book(sam, session_id=group.session_id)
    assert booking["calendar_sync"] == "synced"

    remove_guest(emulator, group.event["id"], "sam@school.example")
    await sync_now(app, group.tutor)

    seen = await booking_seen_by(sam, booking["id"])
    assert seen["status"] == "cancelled"
    assert seen["cancel_reason"] == "removed_in_google"
    (session,) = (await sam.app.get(f"/api/v1/tutors/{group.tutor.id}/sessions")).json()
    assert session["seats_taken"] == 0
    assert session["booked_by_me"] is False


async def test_a_seat_still_on_the_event_or_not_yet_written_stays_confirmed(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    group = await group_session(app, browser, emulator, capacity=3)
    sam = await student(other_browser, emulator, "sam@school.example")
    kept = await book(sam, session_id=group.session_id)
    sofia = await student(other_browser, emulator, "sofia@school.example")
    # Google is down for Sofia's write: her booking waits in the outbox, not on the event.
    emulator.control("POST", "/faults", {"count": 20, "status": 503, "match": {"method": "PUT"}})
    pending = await book(sofia, session_id=group.session_id)
    emulator.control("DELETE", "/faults")
    assert pending["calendar_sync"] == "pending"

    await force_full_sync(app, group.tutor, emulator)

    assert (await Booking.get(id=kept["id"])).status == BookingStatus.CONFIRMED
    assert (await Booking.get(id=pending["id"])).status == BookingStatus.CONFIRMED


# 2. A slot whose event vanished while nobody was told ---------------------------------------


async def test_a_slot_whose_event_the_tutor_deleted_is_cancelled(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    """The incremental sync sees the deletion; Google's cancelled entry carries only the id."""
    tutor = await tutor_open_for_slots(app, browser, emulator)
    sam = await student(other_browser, emulator, "sam@school.example")
    booking = await book(sam, tutor_id=str(tutor.id), start=iso(at(3, 10)), minutes=60)
    await sync_now(app, tutor)

    emulator.control("DELETE", f"/calendars/{TEST_TUTOR}/events/{booking['calendar_event_id']}")
    await sync_now(app, tutor)

    seen = await booking_seen_by(sam, booking["id"])
    assert (seen["status"], seen["cancel_reason"]) == ("cancelled", "event_cancelled")


@pytest.mark.parametrize("google_forgot_it", [True, False])
async def test_a_slot_whose_event_vanished_while_the_channel_was_down_is_cancelled(
    app: FastAPI,
    browser: Browser,
    other_browser: Browser,
    emulator: EmulatorServer,
    google_forgot_it: bool,
) -> None:
    tutor = await tutor_open_for_slots(app, browser, emulator)
    sam = await student(other_browser, emulator, "sam@school.example")
    booking = await book(sam, tutor_id=str(tutor.id), start=iso(at(3, 10)), minutes=60)
    assert booking["calendar_sync"] == "synced"
    await sync_now(app, tutor)

    # No notification reaches us, and the sync token has expired by the time we look (410):
    # the full sync lists the deleted event as a bare cancelled entry, or, once Google has
    # forgotten it, not at all.
    emulator.control("DELETE", f"/calendars/{TEST_TUTOR}/events/{booking['calendar_event_id']}")
    if google_forgot_it:
        assert emulator.control("POST", f"/calendars/{TEST_TUTOR}/purge-deleted") == {"purged": 1}
    else:
        emulator.control("POST", f"/calendars/{TEST_TUTOR}/invalidate-sync-tokens")
    await sync_now(app, tutor)

    seen = await booking_seen_by(sam, booking["id"])
    assert seen["status"] == "cancelled"
    assert seen["cancel_reason"] == "event_cancelled"


async def test_a_slot_not_yet_written_to_google_is_left_to_the_outbox_by_a_full_sync(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    tutor = await tutor_open_for_slots(app, browser, emulator)
    sam = await student(other_browser, emulator, "sam@school.example")
    emulator.control("POST", "/faults", {"count": 20, "status": 503, "match": {"method": "PUT"}})
    emulator.control("POST", "/faults", {"count": 20, "status": 503, "match": {"method": "POST"}})
    booking = await book(sam, tutor_id=str(tutor.id), start=iso(at(3, 12)), minutes=60)
    emulator.control("DELETE", "/faults")
    assert booking["calendar_sync"] == "pending"

    await force_full_sync(app, tutor, emulator)
    assert (await booking_seen_by(sam, booking["id"]))["status"] == "confirmed"

    await drain_once_due(app)
    seen = await booking_seen_by(sam, booking["id"])
    assert (seen["status"], seen["calendar_sync"]) == ("confirmed", "synced")
    await force_full_sync(app, tutor, emulator)
    assert (await booking_seen_by(sam, booking["id"]))["status"] == "confirmed"


# 3. Only the tutor's own events are sessions ------------------------------------------------


def invitation(summary: str, start: Any) -> dict[str, Any]:
    """The tutor's copy of an event someone else organises and invited them to."""
    return event_body(
        summary,
        start,
        organizer={"email": "stranger@elsewhere.example"},
        attendees=[
            {"email": "stranger@elsewhere.example", "responseStatus": "accepted"},
            {"email": TEST_TUTOR, "responseStatus": "needsAction"},
        ],
    )


async def test_an_invitation_from_an_outsider_with_the_keyword_is_not_a_session(
    app: FastAPI, browser: Browser, emulator: EmulatorServer
) -> None:
    emulator.add_user(TEST_TUTOR)
    add_event(emulator, TEST_TUTOR, invitation("Free tutoring webinar", at(2, 10)))
    add_event(emulator, TEST_TUTOR, event_body("Tutoring: mine", at(2, 14)))
    listed = emulator.control("GET", f"/calendars/{TEST_TUTOR}/events")
    organizers = {e["summary"]: e["organizer"] for e in listed}
    # As Google shows them: the owner's own events carry organizer.self, an invitation not.
    assert organizers["Tutoring: mine"] == {"email": TEST_TUTOR, "self": True}
    assert organizers["Free tutoring webinar"] == {"email": "stranger@elsewhere.example"}

    tutor = await connect_tutor(app, browser, emulator)

    sessions = (await browser.app.get(f"/api/v1/tutors/{tutor.id}/sessions")).json()
    assert [s["title"] for s in sessions] == ["Tutoring: mine"]


async def test_a_session_whose_event_turns_out_foreign_is_retired(
    app: FastAPI, browser: Browser, emulator: EmulatorServer
) -> None:
    """A mirror written before the organizer counted may hold such a session already."""
    emulator.add_user(TEST_TUTOR)
    foreign = add_event(emulator, TEST_TUTOR, invitation("Tutoring by a stranger", at(2, 10)))
    tutor = await connect_tutor(app, browser, emulator)
    calendar = await MirroredCalendar.get(tutor=tutor)
    start, end = at(2, 10), at(2, 11)
    await TutoringSession.get_or_create(
        calendar=calendar,
        google_event_id=foreign["id"],
        defaults={
            "tutor": tutor,
            "title": "Tutoring by a stranger",
            "start_at": start,
            "end_at": end,
            "capacity": 3,
            "attendee_emails": [],
        },
    )

    await force_full_sync(app, tutor, emulator)

    assert (await browser.app.get(f"/api/v1/tutors/{tutor.id}/sessions")).json() == []
    assert not (await TutoringSession.get(google_event_id=foreign["id"])).is_active


# 4. One audit entry per sync -----------------------------------------------------------------


async def test_the_changes_one_sync_finds_are_one_audit_entry_with_counts(
    app: FastAPI, browser: Browser, emulator: EmulatorServer
) -> None:
    emulator.add_user(TEST_TUTOR)
    for hour in (9, 11, 13):
        add_event(emulator, TEST_TUTOR, event_body(f"Tutoring {hour}", at(2, hour)))
    tutor = await connect_tutor(app, browser, emulator)

    (first,) = await AuditEntry.filter(action="calendar_synced")
    assert first.subject_type == "calendar"
    assert first.detail["sessions_appeared"] == 3
    assert first.detail["kind"] == "full"
    assert await AuditEntry.filter(action="session_appeared").count() == 0

    await sync_now(app, tutor)  # nothing changed: nothing to record
    assert await AuditEntry.filter(action="calendar_synced").count() == 1

    events = {e["summary"]: e for e in emulator.control("GET", f"/calendars/{TEST_TUTOR}/events")}
    emulator.control(
        "PATCH",
        f"/calendars/{TEST_TUTOR}/events/{events['Tutoring 9']['id']}",
        {"start": {"dateTime": at(3, 9).isoformat()}, "end": {"dateTime": at(3, 10).isoformat()}},
    )
    emulator.control("DELETE", f"/calendars/{TEST_TUTOR}/events/{events['Tutoring 11']['id']}")
    await sync_now(app, tutor)

    second = await AuditEntry.filter(action="calendar_synced").order_by("-created_at").first()
    assert second is not None
    assert second.id != first.id
    assert second.detail["moved"] == 1
    assert second.detail["retired"] == 1
    assert second.detail["sessions_appeared"] == 0
    assert await AuditEntry.filter(action__in=["session_changed", "session_removed"]).count() == 0


async def test_bookings_the_mirror_cancels_keep_an_audit_entry_each(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    group = await group_session(app, browser, emulator, capacity=3)
    names = ["sam@school.example", "sofia@school.example"]
    bookings = [
        await book(await student(other_browser, emulator, email), session_id=group.session_id)
        for email in names
    ]
    for email in names:
        remove_guest(emulator, group.event["id"], email)
    await sync_now(app, group.tutor)

    cancelled = await AuditEntry.filter(action="booking_cancelled").order_by("subject_id")
    assert sorted(e.subject_id for e in cancelled) == sorted(b["id"] for b in bookings)
    assert {e.detail["reason"] for e in cancelled} == {"removed_in_google"}
    synced = await AuditEntry.filter(action="calendar_synced").order_by("-created_at").first()
    assert synced is not None
    assert synced.detail["students_removed"] == 2


# 5. A notification that lands while a sync is running ----------------------------------------


class HoldAfterList:
    """Lets a test act while a sync holds Google's answer to events.list but has not applied it:
    ``during(n)`` runs inside the n-th list call of the next ``times``, after Google answered.

    Real HTTP to the emulator still happens; only the moment after the answer is borrowed."""

    def __init__(
        self, app: FastAPI, during: Callable[[int], Awaitable[None]], *, times: int = 1
    ) -> None:
        self.engine = runtime_of(app).calendar.engine
        self._real_factory = self.engine._client_for_tutor
        self._during = during
        self._left = times
        self.calls = 0
        self.engine._client_for_tutor = self._client

    async def _client(self, user_id: str) -> CalendarClient:
        client = await self._real_factory(user_id)
        real_list = client.list_events

        async def list_events(*args: Any, **kwargs: Any) -> Any:
            page = await real_list(*args, **kwargs)
            self.calls += 1
            if self._left > 0:
                self._left -= 1
                await self._during(self.calls)
            return page

        client.list_events = list_events  # type: ignore[method-assign]
        return client

    def restore(self) -> None:
        self.engine._client_for_tutor = self._real_factory


async def notify(browser: Browser, emulator: EmulatorServer) -> None:
    """Google's push for the tutor's calendar, delivered to this app."""
    (channel,) = [c for c in emulator.control("GET", "/channels") if c["calendar_id"] == TEST_TUTOR]
    response = await browser.app.post(
        "/api/v1/webhooks/google/calendar",
        headers={
            "X-Goog-Channel-ID": channel["id"],
            "X-Goog-Channel-Token": channel["token"],
            "X-Goog-Resource-ID": channel["resource_id"],
            "X-Goog-Resource-State": "exists",
        },
    )
    assert response.status_code == 200, response.text


async def test_a_notification_arriving_while_a_sync_reads_google_gets_a_sync_of_its_own(
    app: FastAPI, browser: Browser, emulator: EmulatorServer
) -> None:
    tutor = await connect_tutor(app, browser, emulator)
    background = runtime_of(app).calendar.background

    async def change_and_notify(_: int) -> None:
        # The running sync has its list already; this change and its push come after it.
        add_event(emulator, TEST_TUTOR, event_body("Tutoring B", at(2, 12)))
        await notify(browser, emulator)

    hold = HoldAfterList(app, change_and_notify)
    try:
        add_event(emulator, TEST_TUTOR, event_body("Tutoring A", at(2, 10)))
        await notify(browser, emulator)
        await asyncio.wait_for(background.wait_idle(), 10)
    finally:
        hold.restore()

    assert hold.calls >= 2
    sessions = (await browser.app.get(f"/api/v1/tutors/{tutor.id}/sessions")).json()
    assert [s["title"] for s in sessions] == ["Tutoring A", "Tutoring B"]


async def test_a_request_left_by_another_instance_at_the_last_pass_is_served_too(
    app: FastAPI, browser: Browser, emulator: EmulatorServer
) -> None:
    """Another instance's notification found the lease taken and left the request to its
    holder, which was in its last pass (MAX_PASSES)."""
    from tutorcal.google.sync import MAX_PASSES

    tutor = await connect_tutor(app, browser, emulator)
    calendar = await MirroredCalendar.get(tutor=tutor)
    background = runtime_of(app).calendar.background

    async def another_instance_notified(call: int) -> None:
        if call == MAX_PASSES:
            add_event(emulator, TEST_TUTOR, event_body("Tutoring last", at(2, 18)))
        # What notified() on that instance does; its own sync then finds the lease held.
        await MirroredCalendar.filter(id=calendar.id).update(sync_requested_at=utcnow())

    hold = HoldAfterList(app, another_instance_notified, times=MAX_PASSES)
    try:
        await notify(browser, emulator)
        await asyncio.wait_for(background.wait_idle(), 10)
    finally:
        hold.restore()

    assert hold.calls == MAX_PASSES + 1
    sessions = (await browser.app.get(f"/api/v1/tutors/{tutor.id}/sessions")).json()
    assert [s["title"] for s in sessions] == ["Tutoring last"]


async def test_the_periodic_sync_serves_a_request_newer_than_the_last_read_of_google(
    app: FastAPI, browser: Browser, emulator: EmulatorServer
) -> None:
    """A request that came in while a sync was reading Google (after its read, before it
    finished) is not served by that sync, even though it finished later."""
    tutor = await connect_tutor(app, browser, emulator)
    calendar = await MirroredCalendar.get(tutor=tutor)
    assert calendar.last_sync_started_at is not None
    assert calendar.last_synced_at is not None
    assert calendar.last_synced_at > calendar.last_sync_started_at
    add_event(emulator, TEST_TUTOR, event_body("Tutoring late", at(2, 16)))
    between = (
        calendar.last_sync_started_at
        + (calendar.last_synced_at - calendar.last_sync_started_at) / 2
    )
    await MirroredCalendar.filter(id=calendar.id).update(sync_requested_at=between)

    await runtime_of(app).calendar.sync_stale()

    sessions = (await browser.app.get(f"/api/v1/tutors/{tutor.id}/sessions")).json()
    assert [s["title"] for s in sessions] == ["Tutoring late"]


# 6. Which seats a sync checks ----------------------------------------------------------------


async def test_an_incremental_sync_reconciles_the_sessions_it_lists_and_no_other(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    """The sessions Google did not list are as the sync before left them, and it checked their
    seats: their bookings are not read again. A mirror row made wrong behind the sync's back
    (which only a test can do) shows that they are not."""
    emulator.add_user(TEST_TUTOR)
    listed = add_event(
        emulator, TEST_TUTOR, event_body("Tutoring: listed", at(3, 10), description="capacity: 3")
    )
    add_event(
        emulator, TEST_TUTOR, event_body("Tutoring: quiet", at(3, 14), description="capacity: 3")
    )
    tutor = await connect_tutor(app, browser, emulator)
    sessions = {s.title: s for s in await TutoringSession.all()}
    sam = await student(other_browser, emulator, "sam@school.example")
    on_listed = await book(sam, session_id=str(sessions["Tutoring: listed"].id))
    on_quiet = await book(sam, session_id=str(sessions["Tutoring: quiet"].id))
    await sync_now(app, tutor)  # the sync after both seats were written checks them

    await TutoringSession.filter(id=sessions["Tutoring: quiet"].id).update(attendee_emails=[])
    remove_guest(emulator, listed["id"], "sam@school.example")
    await sync_now(app, tutor)

    assert (await booking_seen_by(sam, on_listed["id"]))["status"] == "cancelled"
    assert (await booking_seen_by(sam, on_quiet["id"]))["status"] == "confirmed"
    # A full sync reads every session again: the quiet one's row is Google's once more.
    await force_full_sync(app, tutor, emulator)
    assert (await booking_seen_by(sam, on_quiet["id"]))["status"] == "confirmed"
    quiet = await TutoringSession.get(id=sessions["Tutoring: quiet"].id)
    assert quiet.attendee_emails == ["sam@school.example"]


async def test_a_seat_written_after_a_sync_read_google_is_checked_by_the_next_sync_too(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    """Our write, then the tutor's removal, both before a sync read Google, but our write is
    marked done only after that read: that sync must leave the seat alone, and the next one,
    which lists nothing of that session, still checks it."""
    group = await group_session(app, browser, emulator, capacity=3)
    sam = await student(other_browser, emulator, "sam@school.example")
    booking = await book(sam, session_id=group.session_id)
    remove_guest(emulator, group.event["id"], "sam@school.example")

    async def write_marked_done_now(_: int) -> None:
        await Booking.filter(id=booking["id"]).update(updated_at=utcnow())

    hold = HoldAfterList(app, write_marked_done_now)
    try:
        await sync_now(app, group.tutor)
    finally:
        hold.restore()
    assert (await booking_seen_by(sam, booking["id"]))["status"] == "confirmed"

    add_event(emulator, TEST_TUTOR, event_body("Dentist", at(5, 9)))
    await sync_now(app, group.tutor)

    seen = await booking_seen_by(sam, booking["id"])
    assert (seen["status"], seen["cancel_reason"]) == ("cancelled", "removed_in_google")
