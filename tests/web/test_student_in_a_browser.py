"""A student in a real browser (Debian's Chromium) against `tutorcal serve` in demo mode:
signing in through Google's account chooser, finding a tutor, booking, moving and cancelling,
by mouse and by keyboard, in two time zones, and what each refusal says."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.web.conftest import (
    DEMO,
    TARA,
    THEO,
    Demo,
    axe_violations,
    describe,
    iso,
    monday_of,
    new_context,
    screenshot,
    sign_in,
)

pytestmark = pytest.mark.slow

SAM = f"sam@{DEMO}"
SOFIA = f"sofia@{DEMO}"
STEFAN = f"stefan@{DEMO}"


def _at(days: int, hour: int, minute: int = 0) -> datetime:
    """``days`` from now at hour:minute UTC: each test books its own hour, so that a student's
    bookings never overlap one another."""
    return (datetime.now(UTC) + timedelta(days=days)).replace(
        hour=hour, minute=minute, second=0, microsecond=0
    )


def _open_week_of(page: Page, demo: Demo, tutor: str, moment: datetime, zone: str) -> None:
    page.goto(f"{demo.url}/tutors/{demo.tutor_id(tutor)}?week={monday_of(moment, zone)}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_sam_finds_tara_by_subject_books_a_seat_and_cancels_it(
    demo: Demo, chromium: Browser
) -> None:
    start = _at(8, 7)
    session = demo.add_session(TARA, "Tutoring: Algebra revision", start)
    context = new_context(chromium)
    page = context.new_page()
    page.goto(demo.url)
    page.get_by_role("link", name="Sign in with Google").click()
    expect(page.get_by_role("heading", name="Choose an account")).to_be_visible()
    page.get_by_role("button", name=SAM).click()

    expect(page.get_by_role("heading", name="Find a tutor")).to_be_visible()
    page.get_by_role("searchbox", name="Name or subject").fill("algebra")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Theo Tutor")).to_have_count(0)
    page.get_by_role("link", name="Tara Tutor").click()
    expect(page.get_by_role("heading", name="Tara Tutor", level=1)).to_be_visible()

    weeks_ahead = (
        date.fromisoformat(monday_of(start, "Europe/London"))
        - date.fromisoformat(monday_of(datetime.now(UTC), "Europe/London"))
    ).days // 7
    for _ in range(weeks_ahead):
        shown = page.get_by_role("heading", level=2).first.inner_text()
        page.get_by_role("button", name="Next week").click()
        expect(page.get_by_role("heading", level=2).first).not_to_have_text(shown)
    page.get_by_role("button", name=re.compile(r"Algebra revision, 3 of 3 seats left")).click()
    dialog = page.get_by_role("dialog", name="Book a seat in this session?")
    expect(dialog).to_contain_text("Tutoring: Algebra revision")
    dialog.get_by_role("button", name="Book", exact=True).click()

    expect(page.get_by_role("heading", name="Tutoring: Algebra revision", level=1)).to_be_visible()
    expect(page.get_by_text("Booked", exact=True)).to_be_visible()
    expect(page.get_by_text("It is in Google Calendar")).to_be_visible()
    assert demo.attendees(TARA, session["event_id"]) == [SAM]

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My bookings").click()
    upcoming = page.get_by_role("region", name=re.compile(r"^Upcoming"))
    expect(
        upcoming.get_by_role("link", name="Tutoring: Algebra revision", exact=True)
    ).to_be_visible()
    upcoming.get_by_role("button", name=re.compile(r"^Cancel Tutoring: Algebra revision")).click()
    page.get_by_role("dialog").get_by_role("button", name="Cancel the booking").click()
    cancelled = page.get_by_role("region", name=re.compile(r"^Cancelled"))
    expect(
        cancelled.get_by_role("link", name="Tutoring: Algebra revision", exact=True)
    ).to_be_visible()
    expect(cancelled).to_contain_text("you cancelled it")
    assert demo.attendees(TARA, session["event_id"]) == []
    context.close()


def test_a_session_that_fills_up_while_sam_decides_says_so_and_offers_other_times(
    demo: Demo, chromium: Browser
) -> None:
    start = _at(9, 7)
    session = demo.add_session(TARA, "Tutoring: Last seat", start, capacity=1)
    context = new_context(chromium)
    page = context.new_page()
    sign_in(page, demo, SAM)
    _open_week_of(page, demo, TARA, start, "Europe/London")
    page.get_by_role("button", name=re.compile(r"Last seat, 1 of 1 seat left")).click()
    dialog = page.get_by_role("dialog")

    sofia = demo.person(SOFIA)
    assert sofia.post("/api/v1/bookings", json={"session_id": session["id"]}).status_code == 201

    dialog.get_by_role("button", name="Book", exact=True).click()
    expect(dialog.get_by_role("alert")).to_have_text(
        "This session just filled up: every seat is taken. Pick another session or a free slot."
    )
    dialog.get_by_role("button", name="Keep looking").click()
    expect(page.get_by_role("button", name=re.compile(r"Last seat, full"))).to_be_visible()
    context.close()


def test_sam_books_a_slot_with_a_note_sees_its_meet_link_and_moves_it(
    demo: Demo, chromium: Browser
) -> None:
    context = new_context(chromium)
    page = context.new_page()
    sign_in(page, demo, SAM)
    _open_week_of(page, demo, TARA, datetime.now(UTC) + timedelta(days=7), "Europe/London")
    slots = page.get_by_role("button", name=re.compile(r"One-to-one with Tara Tutor, free"))
    slots.first.click()
    dialog = page.get_by_role("dialog", name="Book this one-to-one slot?")
    dialog.get_by_role("combobox", name="Subject").select_option(label="Geometry")
    dialog.get_by_role("textbox", name="A note for Tara Tutor (optional)").fill("Circle theorems")
    dialog.get_by_role("button", name="Book", exact=True).click()

    expect(
        page.get_by_role("heading", name="Geometry: one-to-one with Tara Tutor", level=1)
    ).to_be_visible()
    meet = page.get_by_role("link", name="Join the Google Meet call")
    expect(meet).to_have_attribute("href", re.compile(r"^https://meet\.google\.com/"))
    expect(page.get_by_text("Circle theorems")).to_be_visible()
    first_id = page.url.rsplit("/", 1)[1]

    page.get_by_role("link", name="Move to another time").click()
    expect(page.get_by_role("status")).to_contain_text("Pick a new time for")
    page.get_by_role("button", name=re.compile(r"One-to-one with Tara Tutor, free")).last.click()
    page.get_by_role("dialog", name="Move your booking here?").get_by_role(
        "button", name="Move it here"
    ).click()
    expect(
        page.get_by_role("heading", name="Geometry: one-to-one with Tara Tutor", level=1)
    ).to_be_visible()
    expect(page.get_by_text("Circle theorems")).to_be_visible()
    moved = page.request.get(f"{demo.url}/api/v1/bookings/{page.url.rsplit('/', 1)[1]}").json()
    old = page.request.get(f"{demo.url}/api/v1/bookings/{first_id}").json()
    assert moved["rescheduled_from"] == first_id
    assert moved["note"] == "Circle theorems"
    assert old["status"] == "cancelled"
    context.close()


def test_a_cancel_after_the_tutors_window_is_refused_with_the_rule_in_words(
    demo: Demo, chromium: Browser
) -> None:
    # Bookable (more than 12 hours ahead) but inside the 24 hours of the cancel window.
    start = (datetime.now(UTC) + timedelta(hours=16)).replace(second=0, microsecond=0)
    session = demo.add_session(TARA, "Tutoring: Early start", start)
    sam = demo.person(SAM)
    booked = sam.post("/api/v1/bookings", json={"session_id": session["id"]})
    assert booked.status_code == 201, booked.text
    context = new_context(chromium)
    page = context.new_page()
    sign_in(page, demo, SAM, next_path=f"/bookings/{booked.json()['id']}")
    expect(page.get_by_text(re.compile(r"^Cancelling closed at"))).to_be_visible()
    page.get_by_role("button", name="Cancel the booking").click()
    dialog = page.get_by_role("dialog", name="Cancel this booking?")
    dialog.get_by_role("button", name="Cancel the booking").click()
    expect(dialog.get_by_role("alert")).to_have_text(
        re.compile(
            r"^It is too late to cancel: Tara Tutor takes cancellations until 24 hours before "
            r"the start \(.+\)\. Contact Tara Tutor instead\.$"
        )
    )
    assert sam.get(f"/api/v1/bookings/{booked.json()['id']}").json()["status"] == "confirmed"
    context.close()


def test_stefan_books_by_keyboard_alone(demo: Demo, chromium: Browser) -> None:
    start = _at(10, 7)
    session = demo.add_session(TARA, "Tutoring: Keyboard practice", start)
    context = new_context(chromium)
    page = context.new_page()
    sign_in(page, demo, STEFAN)
    _open_week_of(page, demo, TARA, start, "Europe/London")

    def focused() -> str:
        return str(page.evaluate("() => document.activeElement?.textContent ?? ''"))

    for _ in range(80):
        page.keyboard.press("Tab")
        if "Keyboard practice" in focused():
            break
    assert "Keyboard practice" in focused(), "Tab never reached the session's button"
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Book a seat in this session?")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    assert "Keyboard practice" in focused(), "closing the dialog returns to the session"

    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    for _ in range(10):
        if focused() == "Book":
            break
        page.keyboard.press("Tab")
    assert focused() == "Book"
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Tutoring: Keyboard practice", level=1)).to_be_visible()
    assert demo.attendees(TARA, session["event_id"]) == [STEFAN]
    context.close()


def test_when_google_is_slow_the_booking_says_the_seat_is_held_and_updates_once_synced(
    demo: Demo, chromium: Browser
) -> None:
    start = _at(11, 7)
    session = demo.add_session(TARA, "Tutoring: Slow Google", start)
    context = new_context(chromium)
    page = context.new_page()
    sign_in(page, demo, STEFAN)
    _open_week_of(page, demo, TARA, start, "Europe/London")
    # Google Calendar refuses to add attendees for a while (the booking's write is a PUT).
    demo.google("POST", "/faults", {"count": 50, "status": 503, "match": {"method": "PUT"}})
    try:
        page.get_by_role("button", name=re.compile(r"Slow Google, 3 of 3 seats left")).click()
        page.get_by_role("dialog").get_by_role("button", name="Book", exact=True).click()
        expect(
            page.get_by_text(
                "Google Calendar is slow to answer; your seat is held and the invitation will "
                "follow."
            )
        ).to_be_visible()
    finally:
        demo.google("DELETE", "/faults")
    demo.drain_outbox()
    expect(page.get_by_text("It is in Google Calendar")).to_be_visible(timeout=30_000)
    assert demo.attendees(TARA, session["event_id"]) == [STEFAN]
    context.close()


def _next_clock_change(zone: str) -> datetime:
    """The first hour, from a day ahead, at which ``zone``'s offset from UTC changes."""
    here = ZoneInfo(zone)
    moment = (datetime.now(UTC) + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    offset = moment.astimezone(here).utcoffset()
    for _ in range(24 * 400):
        moment += timedelta(hours=1)
        if moment.astimezone(here).utcoffset() != offset:
            return moment
    raise AssertionError(f"{zone} has no clock change within 400 days")


def _spoken(moment: datetime, minutes: int, zone: str, american: bool) -> re.Pattern[str]:
    """What the week view's button says of a time, as a pattern: date, range, zone name."""
    local = moment.astimezone(ZoneInfo(zone))
    end = (moment + timedelta(minutes=minutes)).astimezone(ZoneInfo(zone))
    names = {
        "America/New_York": ("Eastern Standard Time", "Eastern Daylight Time"),
        "Europe/Berlin": ("Central European Standard Time", "Central European Summer Time"),
    }[zone]
    summer = bool(local.dst())
    if american:
        day = f"{local:%B} {local.day}"

        def clock(t: datetime) -> str:
            return rf"{t.hour % 12 or 12}:{t:%M}\s{'AM' if t.hour < 12 else 'PM'}"

    else:
        day = f"{local.day} {local:%B}"

        def clock(t: datetime) -> str:
            return f"{t:%H:%M}"

    return re.compile(rf"{day}.*{clock(local)} to {clock(end)} {names[summer]}")


def test_new_york_and_berlin_see_a_session_at_their_own_times_across_a_clock_change(
    demo: Demo, chromium: Browser
) -> None:
    change = _next_clock_change("America/New_York")
    theo = demo.person(THEO)
    settings = theo.get("/api/v1/tutors/me/settings").json()
    assert theo.put("/api/v1/tutors/me/settings", json={**settings, "horizon_days": 365}).is_success
    # The Saturday before New York's clocks change and the Sunday evening after: one week
    # (Monday to Sunday) in both cities, and Berlin's clocks change on another Sunday.
    sunday = change.astimezone(ZoneInfo("America/New_York")).date()
    before = datetime.combine(sunday - timedelta(days=1), datetime.min.time(), UTC).replace(hour=16)
    after = datetime.combine(sunday, datetime.min.time(), UTC).replace(hour=20)
    demo.add_session(THEO, "Tutoring: Before the change", before)
    demo.add_session(THEO, "Tutoring: After the change", after)

    for zone, locale, american in (
        ("America/New_York", "en-US", True),
        ("Europe/Berlin", "de-DE", False),
    ):
        context = new_context(chromium, timezone=zone, locale=locale)
        page = context.new_page()
        sign_in(page, demo, SOFIA)
        _open_week_of(page, demo, THEO, before, zone)
        for title, moment in (("Before the change", before), ("After the change", after)):
            button = page.get_by_role("button", name=re.compile(rf"Tutoring: {title}"))
            expect(button).to_have_accessible_name(_spoken(moment, 60, zone, american))
        note = page.get_by_text(re.compile(r"^Times are in your time zone"))
        expect(note).to_contain_text(zone)
        if zone == "America/New_York":
            expect(note).to_contain_text(re.compile(r"Eastern \w+ Time, then Eastern \w+ Time"))
        context.close()
    assert iso(before) < iso(change) < iso(after)


def test_my_bookings_gives_a_private_calendar_address_with_a_copy_button(
    demo: Demo, chromium: Browser
) -> None:
    context = new_context(chromium)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=demo.url)
    page = context.new_page()
    sign_in(page, demo, SOFIA, next_path="/bookings")
    feed = page.get_by_role("region", name="Add to my calendar")
    feed.get_by_role("button", name="Make my calendar address").click()
    address = feed.get_by_role("textbox", name="Your calendar address")
    expect(address).to_have_value(
        re.compile(rf"^{re.escape(demo.url)}/api/v1/calendar-feed/.+\.ics$")
    )
    feed.get_by_role("button", name="Copy the address").click()
    expect(feed.get_by_text("Copied.")).to_be_visible()
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == address.input_value()
    calendar = page.request.get(copied)
    assert calendar.ok
    assert calendar.text().startswith("BEGIN:VCALENDAR")
    context.close()


PAGES_SIGNED_OUT = [("home", "/"), ("privacy", "/privacy"), ("sign-in-first", "/bookings")]


def _walk_signed_in(page: Page, demo: Demo, shoot: Callable[[str], None]) -> None:
    """Every page a signed-in student sees, each handed to ``shoot`` once it has drawn."""
    page.goto(f"{demo.url}/tutors?q=algebra")
    expect(page.get_by_role("link", name="Tara Tutor")).to_be_visible()
    shoot("find-a-tutor")
    page.get_by_role("link", name="Tara Tutor").click()
    offers = page.get_by_role("button", name=re.compile(r"One-to-one with Tara Tutor, free"))
    page.get_by_role("button", name="Next week").click()
    expect(offers.first).to_be_visible()
    shoot("tutor-week")
    offers.first.click()
    expect(page.get_by_role("dialog")).to_be_visible()
    shoot("booking-confirmation")
    page.get_by_role("dialog").get_by_role("button", name="Book", exact=True).click()
    expect(page.get_by_text("Booked", exact=True)).to_be_visible()
    shoot("booking")
    page.get_by_role("button", name="Cancel the booking").click()
    expect(page.get_by_role("dialog", name="Cancel this booking?")).to_be_visible()
    shoot("cancel-confirmation")
    page.get_by_role("dialog").get_by_role("button", name="Cancel the booking").click()
    expect(page.get_by_text(re.compile(r"^Cancelled: you cancelled it"))).to_be_visible()
    page.goto(f"{demo.url}/bookings")
    expect(page.get_by_role("heading", name=re.compile(r"^Cancelled"))).to_be_visible()
    shoot("my-bookings")
    page.goto(f"{demo.url}/profile")
    expect(page.get_by_role("combobox", name=re.compile(r"^Time zone"))).to_be_visible()
    shoot("profile")
    page.get_by_role("button", name="Delete my account…").click()
    expect(page.get_by_role("dialog", name="Delete your account?")).to_be_visible()
    shoot("delete-account-confirmation")
    page.keyboard.press("Escape")
    page.goto(f"{demo.url}/no/such/page")
    expect(page.get_by_role("heading", name="There is no page here")).to_be_visible()
    shoot("not-found")


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 900)])
def test_every_page_passes_axe_and_is_photographed(
    demo: Demo, chromium: Browser, width: int, height: int
) -> None:
    """axe-core finds no serious or critical WCAG 2.2 AA violation on any page, at a
    phone's width and a laptop's; the screenshots go to test-artifacts/screenshots."""
    found: dict[str, list[dict[str, object]]] = {}

    def shoot(name: str) -> None:
        found[name] = axe_violations(page)
        screenshot(page, name)

    context = new_context(chromium, width=width, height=height, bypass_csp=True)
    page = context.new_page()
    for name, path in PAGES_SIGNED_OUT:
        page.goto(f"{demo.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        shoot(name)
    sign_in(page, demo, STEFAN)
    _walk_signed_in(page, demo, shoot)
    page.goto(f"{demo.url}/docs")
    expect(page.get_by_role("heading", name=re.compile(r"^tutorcal"))).to_be_visible()
    screenshot(page, "api-docs")  # Swagger UI's own markup: photographed, not ours to audit
    context.close()
    assert {name: v for name, v in found.items() if v} == {}, describe(
        [v for vs in found.values() for v in vs]
    )
    assert len(found) == 12
