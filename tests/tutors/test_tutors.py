"""Subjects, the tutor directory, and tutors' settings."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from tests.auth.test_sessions import signed_in
from tests.conftest import TEST_ADMIN, TEST_TUTOR
from tests.support.browser import Browser
from tests.support.calendar import add_event, at, connect_tutor, event_body, runtime_of
from tests.support.emulator import EmulatorServer
from tutorcal.google.models import MirroredCalendar
from tutorcal.users.models import User

SETTINGS: dict[str, Any] = {
    "bio": "Maths and physics, ten years of it.",
    "subject_ids": [],
    "timezone": "Europe/London",
    "session_calendar_id": None,
    "session_keyword": "Tutoring",
    "busy_calendar_ids": [],
    "default_capacity": 2,
    "slot_minutes": 45,
    "buffer_minutes": 10,
    "min_notice_minutes": 60,
    "horizon_days": 30,
    "max_bookings_per_student_per_week": 3,
    "cancel_notice_minutes": 720,
    "reschedule_notice_minutes": 360,
    "ignore_all_day_events": True,
}


async def test_an_admin_adds_subjects_everyone_lists_them(
    browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    await signed_in(browser, emulator, TEST_ADMIN)
    created = await browser.app.post(
        "/api/v1/subjects", json={"name": "Algebra", "code": "ALG"}, headers=browser.csrf
    )
    assert created.status_code == 201
    again = await browser.app.post(
        "/api/v1/subjects", json={"name": "Algebra 2", "code": "alg"}, headers=browser.csrf
    )
    assert again.status_code == 409
    assert again.json()["code"] == "subject_code_taken"
    await signed_in(other_browser, emulator, "sam@school.example")
    assert (await other_browser.app.get("/api/v1/subjects")).json() == [created.json()]
    refused = await other_browser.app.post(
        "/api/v1/subjects", json={"name": "X", "code": "x"}, headers=other_browser.csrf
    )
    assert refused.status_code == 403


async def test_a_tutor_saves_settings_and_students_see_the_profile(
    browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    await signed_in(other_browser, emulator, TEST_ADMIN)
    subject = (
        await other_browser.app.post(
            "/api/v1/subjects", json={"name": "Physics", "code": "phy"}, headers=other_browser.csrf
        )
    ).json()
    await signed_in(browser, emulator, TEST_TUTOR)
    body = {**SETTINGS, "subject_ids": [subject["id"]]}
    saved = await browser.app.put("/api/v1/tutors/me/settings", json=body, headers=browser.csrf)
    assert saved.status_code == 200, saved.text
    assert saved.json() == body
    assert (await browser.app.get("/api/v1/tutors/me/settings")).json() == body

    tutor = await User.get(email=TEST_TUTOR)
    everyone = {"include_unconnected": "true"}
    listed = (
        await other_browser.app.get("/api/v1/tutors", params={"subject": subject["id"], **everyone})
    ).json()
    assert [t["id"] for t in listed["items"]] == [str(tutor.id)]
    assert listed["items"][0]["subjects"] == [subject]
    assert listed["items"][0]["timezone"] == "Europe/London"
    assert (
        await other_browser.app.get("/api/v1/tutors", params={"q": "physics", **everyone})
    ).json()["items"]
    assert not (
        await other_browser.app.get("/api/v1/tutors", params={"q": "chemistry", **everyone})
    ).json()["items"]
    detail = (await other_browser.app.get(f"/api/v1/tutors/{tutor.id}")).json()
    assert detail["calendar_status"] == "not_connected"
    assert detail["last_synced_at"] is None


async def test_bad_settings_are_422_naming_the_field(
    browser: Browser, emulator: EmulatorServer
) -> None:
    await signed_in(browser, emulator, TEST_TUTOR)
    cases = [
        ({"slot_minutes": 7}, "slot_minutes"),
        ({"timezone": "Nowhere/Land"}, "timezone"),
        ({"default_capacity": 0}, "default_capacity"),
        ({"horizon_days": 1000}, "horizon_days"),
        ({"status": "vip"}, "status"),
        ({"buffer_minutes": False}, "buffer_minutes"),
        ({"ignore_all_day_events": 0}, "ignore_all_day_events"),
        ({"session_keyword": " \r "}, "session_keyword"),
    ]
    for change, field in cases:
        response = await browser.app.put(
            "/api/v1/tutors/me/settings", json={**SETTINGS, **change}, headers=browser.csrf
        )
        assert response.status_code == 422, change
        assert response.json()["errors"][0]["loc"][-1] == field
    unknown = await browser.app.put(
        "/api/v1/tutors/me/settings",
        json={**SETTINGS, "subject_ids": ["00000000-0000-0000-0000-000000000000"]},
        headers=browser.csrf,
    )
    assert unknown.json()["code"] == "unknown_subject"
    malformed = await browser.app.put(
        "/api/v1/tutors/me/settings",
        json={**SETTINGS, "subject_ids": ["not-an-id"]},
        headers=browser.csrf,
    )
    assert malformed.status_code == 422
    assert malformed.json()["code"] == "unknown_subject"


async def test_filtering_tutors_by_a_malformed_subject_id_finds_nobody(
    browser: Browser, emulator: EmulatorServer
) -> None:
    await signed_in(browser, emulator, TEST_TUTOR)
    listed = await browser.app.get("/api/v1/tutors", params={"subject": "not-an-id"})
    assert listed.status_code == 200
    assert listed.json() == {"items": [], "next_cursor": None}


async def test_students_may_not_touch_tutor_settings(
    browser: Browser, emulator: EmulatorServer
) -> None:
    await signed_in(browser, emulator, "sam@school.example")
    assert (await browser.app.get("/api/v1/tutors/me/settings")).status_code == 403
    assert (
        await browser.app.put("/api/v1/tutors/me/settings", json=SETTINGS, headers=browser.csrf)
    ).status_code == 403
    assert (await browser.app.get("/api/v1/tutors/me/calendars")).status_code == 403


async def test_a_tutor_lists_their_google_calendars(
    app: FastAPI, browser: Browser, emulator: EmulatorServer
) -> None:
    await connect_tutor(app, browser, emulator)
    emulator.control(
        "POST", "/calendars", {"owner": TEST_TUTOR, "id": "sessions-cal", "summary": "Sessions"}
    )
    calendars = (await browser.app.get("/api/v1/tutors/me/calendars")).json()
    by_id = {c["id"]: c for c in calendars}
    assert by_id[TEST_TUTOR]["primary"] is True
    assert by_id["sessions-cal"]["summary"] == "Sessions"


async def test_a_tutor_without_a_calendar_is_told_to_connect_it(
    browser: Browser, emulator: EmulatorServer
) -> None:
    await signed_in(browser, emulator, TEST_TUTOR)
    response = await browser.app.get("/api/v1/tutors/me/calendars")
    assert response.status_code == 409
    assert response.json()["code"] == "calendar_not_connected"


async def test_choosing_another_session_calendar_and_keyword_re_reads_google(
    app: FastAPI, browser: Browser, emulator: EmulatorServer
) -> None:
    tutor = await connect_tutor(app, browser, emulator)
    emulator.control(
        "POST", "/calendars", {"owner": TEST_TUTOR, "id": "lessons", "summary": "Lessons"}
    )
    add_event(emulator, "lessons", event_body("Lesson: chemistry", at(2, 10)))
    add_event(emulator, TEST_TUTOR, event_body("Lesson: in primary, busy only", at(2, 12)))
    body = {
        **SETTINGS,
        "session_calendar_id": "lessons",
        "session_keyword": "lesson",
        "busy_calendar_ids": ["lessons", "primary"],
    }
    assert (
        await browser.app.put("/api/v1/tutors/me/settings", json=body, headers=browser.csrf)
    ).status_code == 200
    await runtime_of(app).calendar.background.wait_idle()

    sessions = (await browser.app.get(f"/api/v1/tutors/{tutor.id}/sessions")).json()
    assert [s["title"] for s in sessions] == ["Lesson: chemistry"]
    assert sessions[0]["capacity"] == 2  # the new default
    mirrored = {c.google_calendar_id: c for c in await MirroredCalendar.filter(tutor=tutor)}
    assert mirrored["lessons"].holds_sessions
    assert mirrored["primary"].counts_as_busy
    assert not mirrored["primary"].holds_sessions


async def test_a_put_missing_fields_is_422_naming_them_and_changes_nothing(
    browser: Browser, emulator: EmulatorServer
) -> None:
    await signed_in(browser, emulator, TEST_TUTOR)
    assert (
        await browser.app.put("/api/v1/tutors/me/settings", json=SETTINGS, headers=browser.csrf)
    ).status_code == 200

    partial = await browser.app.put(
        "/api/v1/tutors/me/settings", json={"slot_minutes": 30}, headers=browser.csrf
    )
    assert partial.status_code == 422
    assert partial.headers["content-type"] == "application/problem+json"
    assert partial.json()["code"] == "validation_failed"
    missing = {e["loc"][-1] for e in partial.json()["errors"] if e["type"] == "missing"}
    assert missing == set(SETTINGS) - {"slot_minutes"}
    assert (await browser.app.get("/api/v1/tutors/me/settings")).json() == SETTINGS
    assert (await User.get(email=TEST_TUTOR)).timezone == "Europe/London"


async def test_a_patch_changes_only_the_fields_it_names(
    browser: Browser, emulator: EmulatorServer
) -> None:
    await signed_in(browser, emulator, TEST_TUTOR)
    await browser.app.put("/api/v1/tutors/me/settings", json=SETTINGS, headers=browser.csrf)

    patched = await browser.app.patch(
        "/api/v1/tutors/me/settings", json={"slot_minutes": 30}, headers=browser.csrf
    )
    assert patched.status_code == 200, patched.text
    assert patched.json() == {**SETTINGS, "slot_minutes": 30}
    assert patched.json()["timezone"] == "Europe/London"
    # null is a value where a setting admits it, and 422 where it does not.
    cleared = await browser.app.patch(
        "/api/v1/tutors/me/settings",
        json={"max_bookings_per_student_per_week": None},
        headers=browser.csrf,
    )
    assert cleared.json()["max_bookings_per_student_per_week"] is None
    refused = await browser.app.patch(
        "/api/v1/tutors/me/settings", json={"timezone": None}, headers=browser.csrf
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["loc"][-1] == "timezone"
    for change, field in [({"slot_minutes": 7}, "slot_minutes"), ({"status": "x"}, "status")]:
        bad = await browser.app.patch(
            "/api/v1/tutors/me/settings", json=change, headers=browser.csrf
        )
        assert bad.status_code == 422
        assert bad.json()["errors"][0]["loc"][-1] == field
    assert (await browser.app.get("/api/v1/tutors/me/settings")).json() == {
        **SETTINGS,
        "slot_minutes": 30,
        "max_bookings_per_student_per_week": None,
    }


async def test_the_audit_trail_says_which_settings_changed_from_what_to_what(
    browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    await signed_in(browser, emulator, TEST_TUTOR)
    await browser.app.put("/api/v1/tutors/me/settings", json=SETTINGS, headers=browser.csrf)
    await browser.app.patch(
        "/api/v1/tutors/me/settings",
        json={"slot_minutes": 30, "timezone": "Europe/Paris", "bio": SETTINGS["bio"]},
        headers=browser.csrf,
    )
    await signed_in(other_browser, emulator, TEST_ADMIN)
    entries = (
        await other_browser.app.get(
            "/api/v1/admin/audit", params={"action": "tutor_settings_changed"}
        )
    ).json()["items"]
    assert entries[0]["detail"] == {
        "changed": {
            "slot_minutes": {"from": 45, "to": 30},
            "timezone": {"from": "Europe/London", "to": "Europe/Paris"},
        }
    }


async def test_an_availability_put_without_its_time_zone_is_422_and_keeps_the_zone(
    browser: Browser, emulator: EmulatorServer
) -> None:
    await signed_in(browser, emulator, TEST_TUTOR)
    await browser.app.put("/api/v1/tutors/me/settings", json=SETTINGS, headers=browser.csrf)
    weekly = [{"weekday": 0, "start": "09:00", "end": "12:00"}]
    response = await browser.app.put(
        "/api/v1/tutors/me/availability",
        json={"weekly": weekly, "overrides": []},
        headers=browser.csrf,
    )
    assert response.status_code == 422
    assert [e["loc"][-1] for e in response.json()["errors"]] == ["timezone"]
    shown = (await browser.app.get("/api/v1/tutors/me/availability")).json()
    assert shown == {"timezone": "Europe/London", "weekly": [], "overrides": []}


async def test_a_tutor_is_listed_to_students_only_once_their_calendar_is_connected(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    await signed_in(other_browser, emulator, TEST_ADMIN)
    await signed_in(browser, emulator, "tina@school.example")
    tina = await User.get(email="tina@school.example")
    made = await other_browser.app.put(
        f"/api/v1/admin/users/{tina.id}/roles",
        json={"roles": ["tutor"]},
        headers=other_browser.csrf,
    )
    assert made.status_code == 200

    def ids(answer: Any) -> list[str]:
        return [t["id"] for t in answer.json()["items"]]

    assert ids(await browser.app.get("/api/v1/tutors")) == []
    assert ids(await other_browser.app.get("/api/v1/tutors")) == []
    everyone = await other_browser.app.get("/api/v1/tutors", params={"include_unconnected": True})
    assert ids(everyone) == [str(tina.id)]
    assert everyone.json()["items"][0]["calendar_connected"] is False
    refused = await browser.app.get("/api/v1/tutors", params={"include_unconnected": True})
    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    # Her page stays reachable, saying why nothing can be booked yet.
    detail = await browser.app.get(f"/api/v1/tutors/{tina.id}")
    assert (detail.status_code, detail.json()["calendar_status"]) == (200, "not_connected")

    await connect_tutor(app, browser, emulator, "tina@school.example")
    listed = await browser.app.get("/api/v1/tutors")
    assert ids(listed) == [str(tina.id)]
    assert listed.json()["items"][0]["calendar_connected"] is True


async def test_a_tutor_reads_their_calendar_now_and_sees_a_new_session_at_once(
    app: FastAPI, browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    tutor = await connect_tutor(app, browser, emulator)
    add_event(emulator, TEST_TUTOR, event_body("Tutoring: Added just now", at(2, 10)))
    before = (await browser.app.get(f"/api/v1/tutors/{tutor.id}/sessions")).json()
    assert before == []  # nothing told tutorcal yet

    synced = await browser.app.post("/api/v1/tutors/me/sync", headers=browser.csrf)
    assert synced.status_code == 200, synced.text
    assert (synced.json()["synced"], synced.json()["failed"]) == (1, 0)
    assert synced.json()["calendar_status"] == "connected"
    assert synced.json()["last_synced_at"] is not None
    after = (await browser.app.get(f"/api/v1/tutors/{tutor.id}/sessions")).json()
    assert [s["title"] for s in after] == ["Tutoring: Added just now"]

    await signed_in(other_browser, emulator, "sam@school.example")
    refused = await other_browser.app.post("/api/v1/tutors/me/sync", headers=other_browser.csrf)
    assert refused.status_code == 403


async def test_a_tutor_without_a_calendar_cannot_sync_it(
    browser: Browser, emulator: EmulatorServer
) -> None:
    await signed_in(browser, emulator, TEST_TUTOR)
    response = await browser.app.post("/api/v1/tutors/me/sync", headers=browser.csrf)
    assert (response.status_code, response.json()["code"]) == (409, "calendar_not_connected")
