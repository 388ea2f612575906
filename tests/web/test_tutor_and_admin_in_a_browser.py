"""Tutors and admins in a real browser (Debian's Chromium) against `tutorcal serve` in demo
mode: a tutor's hours, rules and rosters; an admin making a tutor, and retrying a Google
write that Google refused; every new page through axe-core, at a phone's width and a laptop's."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.web.conftest import (
    DEMO,
    TARA,
    THEO,
    Demo,
    axe_violations,
    describe,
    monday_of,
    new_context,
    screenshot,
    sign_in,
)

pytestmark = pytest.mark.slow

ALEX = f"admin@{DEMO}"
SAM = f"sam@{DEMO}"
STEFAN = f"stefan@{DEMO}"
LONDON = ZoneInfo("Europe/London")
APOSTROPHE = "\u2019"
DASH = "\u2013"  # the en dash of the pages' time ranges


def _next_weekday(weekday: int, after_days: int = 2) -> datetime:
    """Noon UTC of the first such weekday (Monday 0) at least ``after_days`` ahead: past the
    demo tutors' booking notice, inside their horizon."""
    day = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    day += timedelta(days=after_days)
    while day.astimezone(LONDON).weekday() != weekday:
        day += timedelta(days=1)
    return day


def _slots_on(page: Page, weekday_name: str) -> int:
    return page.get_by_role(
        "button", name=re.compile(rf"^{weekday_name},.*One-to-one with Tara Tutor, free")
    ).count()


def test_tara_changes_her_weekly_hours_and_sam_sees_the_new_slots_then_sam_is_on_her_roster(
    demo: Demo, chromium: Browser
) -> None:
    saturday = _next_weekday(5)
    tara = new_context(chromium)
    page = tara.new_page()
    sign_in(page, demo, TARA, next_path="/teach/availability")
    expect(page.get_by_role("heading", name="Weekly availability", level=1)).to_be_visible()
    saturday_hours = page.get_by_role("group", name="Saturday")
    expect(saturday_hours).to_contain_text("Not available.")
    saturday_hours.get_by_role("button", name="Add hours on Saturday").click()
    # The new range has focus: a keyboard user types straight into it.
    page.keyboard.press("Control+A")
    page.keyboard.type("10:00")
    saturday_hours.get_by_role("textbox", name=re.compile(r"^Until \(Saturday")).fill("12:00")
    friday = page.get_by_role("group", name="Friday")
    friday.get_by_role("button", name=re.compile(r"^Remove Friday")).click()
    # One Sunday (otherwise unavailable) opens in the evening: a date override.
    sunday = (saturday + timedelta(days=1)).astimezone(LONDON).date().isoformat()
    page.get_by_role("button", name="Add a date").click()
    page.get_by_label("Date", exact=True).fill(sunday)
    # The input shows the system's mm/dd/yyyy; beside it the date is in her own words.
    day = date.fromisoformat(sunday)
    expect(page.get_by_text(f"Sunday, {day.day} {day:%B} {day.year}")).to_be_visible()
    page.get_by_role("button", name=f"Add hours on {sunday}").click()
    page.get_by_role("textbox", name=f"From ({sunday}, range 1)").fill("18:00")
    page.get_by_role("textbox", name=f"Until ({sunday}, range 1)").fill("20:00")
    # An overlapping range is named in words before anything is sent.
    saturday_hours.get_by_role("button", name="Add hours on Saturday").click()
    saturday_hours.get_by_role("textbox", name="From (Saturday, range 2)").fill("11:00")
    page.get_by_role("button", name="Save availability").click()
    expect(page.get_by_role("alert")).to_contain_text(
        f"Saturday: 10:00{DASH}12:00 and 11:00{DASH}14:00 overlap."
    )
    saturday_hours.get_by_role("button", name=f"Remove Saturday 11:00{DASH}14:00").click()
    page.get_by_role("button", name="Save availability").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    hours = demo.person(SAM).get(f"/api/v1/tutors/{demo.tutor_id(TARA)}/availability").json()
    assert {(r["weekday"], r["start"], r["end"]) for r in hours["weekly"]} == {
        *((day, "09:00", "17:00") for day in range(4)),
        (5, "10:00", "12:00"),
    }
    assert hours["overrides"] == [{"date": sunday, "ranges": [{"start": "18:00", "end": "20:00"}]}]

    student = new_context(chromium)
    sam_page = student.new_page()
    sign_in(sam_page, demo, SAM)
    sam_page.goto(
        f"{demo.url}/tutors/{demo.tutor_id(TARA)}?week={monday_of(saturday, 'Europe/London')}"
    )
    expect(sam_page.get_by_role("heading", name="Tara Tutor", level=1)).to_be_visible()
    expect(
        sam_page.get_by_role(
            "button", name=re.compile(r"^Saturday,.*One-to-one with Tara Tutor, free")
        ).first
    ).to_be_visible()
    assert _slots_on(sam_page, "Saturday") == 2  # 10:00 and 11:00, an hour each
    assert _slots_on(sam_page, "Friday") == 0
    assert _slots_on(sam_page, "Sunday") == 2  # 18:00 and 19:00, on that date only

    start = saturday.replace(hour=8)  # clear of the demo seats Sam holds
    session = demo.add_session(TARA, "Tutoring: Roster check", start, capacity=4)
    booked = demo.person(SAM).post("/api/v1/bookings", json={"session_id": session["id"]})
    assert booked.status_code == 201, booked.text
    page.get_by_role("link", name="My sessions").click()
    roster = page.get_by_role("list", name="Booked for Tutoring: Roster check")
    expect(roster).to_contain_text(f"Sam Student ({SAM})")
    expect(
        page.get_by_role("listitem").filter(
            has=page.get_by_role("heading", name="Tutoring: Roster check")
        )
    ).to_contain_text("1 of 4 seats taken")

    # Tara cancels Sam's seat with a reason; Google takes him off the event.
    roster.get_by_role(
        "button", name=f"Cancel Sam Student{APOSTROPHE}s seat in Tutoring: Roster check"
    ).click()
    dialog = page.get_by_role("dialog", name=f"Cancel Sam Student{APOSTROPHE}s booking?")
    dialog.get_by_role("textbox", name="Reason for Sam Student (optional)").fill("I am ill")
    dialog.get_by_role("button", name="Cancel the booking").click()
    expect(dialog).to_have_count(0)
    expect(page.get_by_role("list", name="Booked for Tutoring: Roster check")).to_have_count(0)
    cancelled = demo.person(SAM).get(f"/api/v1/bookings/{booked.json()['id']}").json()
    assert (cancelled["status"], cancelled["cancelled_by"]) == ("cancelled", "tutor")
    assert cancelled["cancel_reason"] == "I am ill"
    assert demo.attendees(TARA, session["event_id"]) == []

    # Four weeks at a time, earlier or later; the range is in the address, so a reload and
    # Back keep what she looked at.
    far = demo.add_session(TARA, "Tutoring: Far ahead", _next_weekday(2, after_days=30))
    far_card = page.get_by_role("heading", name=far["title"])
    today = datetime.now(LONDON).date()
    first, last = today + timedelta(days=28), today + timedelta(days=55)
    range_heading = page.get_by_role("main").get_by_role("heading", level=2).first
    expect(range_heading).to_have_text(re.compile(rf"^\w+ {today.day} \w+ {DASH} "))
    expect(far_card).to_have_count(0)
    page.get_by_role("button", name="Later 4 weeks").click()
    expect(range_heading).to_have_text(
        re.compile(rf"^\w+ {first.day} \w+ {DASH} \w+ {last.day} \w+ {last.year}$")
    )
    expect(far_card).to_be_visible()
    page.reload()
    expect(far_card).to_be_visible()
    page.go_back()
    expect(page.get_by_role("heading", name="Tutoring: Roster check")).to_be_visible()
    expect(far_card).to_have_count(0)
    student.close()
    tara.close()


def test_tara_changes_one_rule_and_every_other_setting_keeps_its_value(
    demo: Demo, chromium: Browser
) -> None:
    api = demo.person(TARA)
    context = new_context(chromium)
    page = context.new_page()
    sign_in(page, demo, TARA, next_path="/teach/settings")
    buffer = page.get_by_role("spinbutton", name=re.compile(r"^Break between bookings"))
    expect(buffer).to_have_value("0")
    expect(
        page.get_by_text(
            re.compile(r"put .Tutoring. in the title and .capacity: \d+. in the description")
        )
    ).to_be_visible()
    # Meanwhile, in another tab, she widens her horizon: the page does not know.
    before = api.get("/api/v1/tutors/me/settings").json()
    widened = api.patch("/api/v1/tutors/me/settings", json={"horizon_days": 90})
    assert widened.status_code == 200, widened.text

    buffer.fill("15")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    after = api.get("/api/v1/tutors/me/settings").json()
    assert after == {**before, "horizon_days": 90, "buffer_minutes": 15}
    context.close()


def test_alex_makes_stefan_a_tutor_who_is_listed_once_his_calendar_is_connected(
    demo: Demo, chromium: Browser
) -> None:
    sam = demo.person(SAM)

    def listed() -> list[str]:
        return [t["name"] for t in sam.get("/api/v1/tutors", params={"limit": 100}).json()["items"]]

    # Stefan, a student, is told the tutor pages are not for him.
    stefan = new_context(chromium)
    his = stefan.new_page()
    sign_in(his, demo, STEFAN, next_path="/teach/calendar")
    expect(his.get_by_role("heading", name="This page is for tutors", level=1)).to_be_visible()
    expect(his.get_by_role("navigation", name="Work")).to_have_count(0)

    admin = new_context(chromium)
    page = admin.new_page()
    sign_in(page, demo, ALEX, next_path="/admin/people")
    page.get_by_role("searchbox", name="Name or e-mail").fill("stefan")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("button", name="Change roles of Stefan Student").click()
    dialog = page.get_by_role("dialog", name="Roles of Stefan Student")
    dialog.get_by_role("checkbox", name="Tutor").check()
    expect(dialog).to_contain_text("Stefan Student becomes a tutor")
    dialog.get_by_role("button", name="Change the roles").click()
    expect(dialog).to_have_count(0)
    expect(page.get_by_role("status")).to_have_text("Stefan Student now has the roles: tutor.")
    row = page.get_by_role("row", name=re.compile(r"Stefan Student"))
    expect(row).to_contain_text("Not connected")
    assert "Stefan Student" not in listed()

    his.reload()
    work = his.get_by_role("navigation", name="Work")
    for name in ("My sessions", "Availability", "Settings", "Calendar connection"):
        expect(work.get_by_role("link", name=name)).to_be_visible()
    expect(his.get_by_role("heading", name="Not connected")).to_be_visible()
    assert "Stefan Student" not in listed()
    # Google's consent (the emulator approves the signed-in account), then back here.
    his.get_by_role("link", name="Connect Google Calendar").click()
    his.wait_for_url(re.compile(r"/teach/calendar"))
    expect(his.get_by_role("heading", name="Connected", exact=True)).to_be_visible()
    expect(his.get_by_role("combobox", name=re.compile(r"^Session calendar"))).to_be_visible()
    assert "Stefan Student" in listed()
    page.get_by_role("button", name="Search").click()
    expect(row).to_contain_text("Connected")

    # The audit log names who made Stefan a tutor, filtered by person (found by a search,
    # so anyone can be chosen) and action.
    page.get_by_role("navigation", name="Work").get_by_role("link", name="Audit log").click()
    page.get_by_role("searchbox", name="Find a person").fill("admin@")
    expect(page.get_by_text("1 person matches: choose under Person.")).to_be_visible()
    page.get_by_role("combobox", name="Person").select_option(label=f"Alex Admin ({ALEX})")
    page.get_by_role("combobox", name="Action").select_option(label="Changed roles")
    page.get_by_role("button", name="Show matching entries").click()
    entries = page.get_by_role("row").filter(has_text="Changed roles")
    expect(entries).to_have_count(1)
    expect(entries).to_contain_text(f"Alex Admin ({ALEX})")
    expect(page.get_by_role("row").filter(has_text="Signed in")).to_have_count(0)

    # A subject for Stefan to teach: the code follows the name unless Alex types one.
    page.get_by_role("link", name="Subjects").click()
    page.get_by_role("textbox", name="Name").fill("Further statistics")
    page.get_by_role("textbox", name=re.compile(r"^Code")).focus()
    expect(page.get_by_role("textbox", name=re.compile(r"^Code"))).to_have_value(
        "further-statistics"
    )
    page.get_by_role("button", name="Add the subject").click()
    expect(page.get_by_text("Added Further statistics.")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Further statistics")).to_be_visible()
    assert "Further statistics" in [s["name"] for s in sam.get("/api/v1/subjects").json()]
    stefan.close()
    admin.close()


def test_theo_whose_google_grant_died_is_told_so_and_reconnects_from_the_page(
    demo: Demo, chromium: Browser
) -> None:
    context = new_context(chromium)
    page = context.new_page()
    sign_in(page, demo, THEO, next_path="/teach/calendar")
    expect(page.get_by_role("heading", name="Connected", exact=True)).to_be_visible()
    # Theo revokes tutorcal's access in his Google account. The page's next call to Google
    # (reading his calendars) is the first to find out.
    demo.google("POST", f"/users/{THEO}/revoke")
    page.reload()
    expect(page.get_by_role("heading", name="Reconnect needed")).to_be_visible()
    page.get_by_role("link", name="Reconnect Google Calendar").click()
    page.wait_for_url(re.compile(r"/teach/calendar"))
    expect(page.get_by_role("heading", name="Connected", exact=True)).to_be_visible()
    assert demo.person(SAM).get(f"/api/v1/tutors/{demo.tutor_id(THEO)}/schedule").is_success
    context.close()


def test_alex_retries_a_write_google_refused_for_good_and_the_student_reaches_the_event(
    demo: Demo, chromium: Browser
) -> None:
    start = _next_weekday(3, after_days=3).replace(hour=7)
    session = demo.add_session(TARA, "Tutoring: Refused write", start)
    # Google refuses adding the attendee with a 403 that retrying cannot fix.
    demo.google(
        "POST",
        "/faults",
        {
            "count": 1,
            "status": 403,
            "reason": "forbiddenForNonOrganizer",
            "match": {"method": "PUT", "path_contains": session["event_id"]},
        },
    )
    try:
        booked = demo.person(SAM).post("/api/v1/bookings", json={"session_id": session["id"]})
        assert booked.status_code == 201, booked.text
        assert booked.json()["calendar_sync"] == "failed"
    finally:
        demo.google("DELETE", "/faults")
    assert demo.attendees(TARA, session["event_id"]) == []

    context = new_context(chromium)
    page = context.new_page()
    sign_in(page, demo, ALEX, next_path="/admin/google-writes")
    item = page.get_by_role("listitem").filter(has_text="Sam Student: Tutoring: Refused write")
    expect(item).to_contain_text("Google said:")
    item.get_by_role("button", name=re.compile(r"^Retry")).click()
    expect(page.get_by_role("status")).to_contain_text("Retried")
    demo.drain_outbox()
    assert demo.attendees(TARA, session["event_id"]) == [SAM]
    page.get_by_role("button", name="Check again").click()
    expect(item).to_have_count(0)
    context.close()


def _walk(
    page: Page, demo: Demo, shoot: Callable[[str], None], pages: list[tuple[str, str, Ready]]
) -> None:
    for name, path, ready in pages:
        page.goto(f"{demo.url}{path}")
        expect(ready(page)).to_be_visible()
        shoot(name)


Ready = Callable[[Page], Locator]
TUTOR_PAGES: list[tuple[str, str, Ready]] = [
    (
        "tutor-sessions",
        "/teach/sessions",
        lambda p: p.get_by_role("heading", name=re.compile("^Group sessions")),
    ),
    ("tutor-availability", "/teach/availability", lambda p: p.get_by_role("group", name="Monday")),
    ("tutor-settings", "/teach/settings", lambda p: p.get_by_role("group", name="Booking rules")),
    (
        "tutor-calendar",
        "/teach/calendar",
        lambda p: p.get_by_role("heading", name="Connected", exact=True),
    ),
]
ADMIN_PAGES: list[tuple[str, str, Ready]] = [
    (
        "admin-people",
        "/admin/people",
        lambda p: p.get_by_role("button", name="Change roles of Tara Tutor"),
    ),
    (
        "admin-subjects",
        "/admin/subjects",
        lambda p: p.get_by_role("heading", name=re.compile("^All subjects")),
    ),
    ("admin-audit", "/admin/audit", lambda p: p.get_by_role("cell", name="Signed in").first),
    (
        "admin-google-writes",
        "/admin/google-writes",
        lambda p: p.get_by_role("button", name="Check again"),
    ),
]


def _walk_tutor(page: Page, demo: Demo, shoot: Callable[[str], None]) -> None:
    _walk(page, demo, shoot, TUTOR_PAGES)
    page.goto(f"{demo.url}/teach/sessions")
    page.get_by_role("button", name=re.compile(r"^Cancel .*.s seat in")).first.click()
    expect(page.get_by_role("dialog")).to_be_visible()
    shoot("tutor-cancel-confirmation")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)


def _walk_admin(page: Page, demo: Demo, shoot: Callable[[str], None]) -> None:
    _walk(page, demo, shoot, ADMIN_PAGES)
    page.goto(f"{demo.url}/admin/people")
    page.get_by_role("button", name="Change roles of Tara Tutor").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    shoot("admin-roles-confirmation")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 900)])
def test_every_tutor_and_admin_page_passes_axe_and_is_photographed(
    demo: Demo, chromium: Browser, width: int, height: int
) -> None:
    found: dict[str, list[dict[str, object]]] = {}
    for person, walk in ((TARA, _walk_tutor), (ALEX, _walk_admin)):
        context = new_context(chromium, width=width, height=height, bypass_csp=True)
        page = context.new_page()

        def shoot(name: str, page: Page = page) -> None:
            found[name] = axe_violations(page)
            screenshot(page, name)

        sign_in(page, demo, person, next_path="/")
        walk(page, demo, shoot)
        context.close()
    assert {name: v for name, v in found.items() if v} == {}, describe(
        [v for vs in found.values() for v in vs]
    )
    assert len(found) == 10
