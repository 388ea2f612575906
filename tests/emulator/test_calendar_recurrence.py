"""Weekly series over HTTP: expansion across daylight saving, instance ids, exceptions, sync."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx2

from .calendar_flows import list_all, reason
from .conftest import Emulator
from .flows import TARA

LOS_ANGELES = ZoneInfo("America/Los_Angeles")
OCTOBER_WINDOW = {"timeMin": "2026-10-01T00:00:00Z", "timeMax": "2026-12-01T00:00:00Z"}


def weekly_session(
    api: httpx2.Client, rule: str = "RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=4", **fields: Any
) -> str:
    """A 10:00-11:00 Los Angeles session every Monday from 19 October 2026; DST ends 1 November."""
    body = {
        "summary": "Tutoring: Algebra",
        "start": {"dateTime": "2026-10-19T10:00:00", "timeZone": "America/Los_Angeles"},
        "end": {"dateTime": "2026-10-19T11:00:00", "timeZone": "America/Los_Angeles"},
        "recurrence": [rule],
        **fields,
    }
    response = api.post("/calendars/primary/events", json=body)
    assert response.status_code == 200, response.text
    series_id: str = response.json()["id"]
    return series_id


def instances(api: httpx2.Client, **params: str) -> list[dict[str, Any]]:
    items, _ = list_all(
        api, singleEvents="true", orderBy="startTime", **{**OCTOBER_WINDOW, **params}
    )
    return items


def start_of(item: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(item["start"]["dateTime"])


def test_weekly_instances_keep_local_time_across_the_end_of_daylight_saving(
    tara_api: httpx2.Client,
) -> None:
    series_id = weekly_session(tara_api)

    items = instances(tara_api)

    assert [start_of(i).astimezone(LOS_ANGELES).hour for i in items] == [10, 10, 10, 10]
    assert [start_of(i).astimezone(UTC).hour for i in items] == [17, 17, 18, 18]
    assert [i["id"] for i in items] == [
        f"{series_id}_20261019T170000Z",
        f"{series_id}_20261026T170000Z",
        f"{series_id}_20261102T180000Z",
        f"{series_id}_20261109T180000Z",
    ]
    assert {i["recurringEventId"] for i in items} == {series_id}
    assert items[2]["originalStartTime"]["timeZone"] == "America/Los_Angeles"
    assert datetime.fromisoformat(items[2]["originalStartTime"]["dateTime"]) == datetime(
        2026, 11, 2, 18, tzinfo=UTC
    )


def test_without_single_events_the_series_master_comes_back_with_its_recurrence(
    tara_api: httpx2.Client,
) -> None:
    series_id = weekly_session(tara_api)

    items, _ = list_all(tara_api, **OCTOBER_WINDOW)

    assert [(i["id"], i["recurrence"]) for i in items] == [
        (series_id, ["RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=4"])
    ]


def test_until_and_exdate_bound_and_thin_the_series(tara_api: httpx2.Client) -> None:
    weekly_session(
        tara_api,
        rule="RRULE:FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20261104T235959Z",
        recurrence=[
            "RRULE:FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20261104T235959Z",
            "EXDATE;TZID=America/Los_Angeles:20261026T100000",
        ],
    )

    days = [start_of(i).astimezone(LOS_ANGELES).date().isoformat() for i in instances(tara_api)]

    assert days == ["2026-10-19", "2026-10-21", "2026-10-28", "2026-11-02", "2026-11-04"]


def test_an_unsupported_rule_is_refused_rather_than_expanded_wrongly(
    tara_api: httpx2.Client,
) -> None:
    response = tara_api.post(
        "/calendars/primary/events",
        json={
            "summary": "Monthly",
            "start": {"dateTime": "2026-10-19T10:00:00", "timeZone": "America/Los_Angeles"},
            "end": {"dateTime": "2026-10-19T11:00:00", "timeZone": "America/Los_Angeles"},
            "recurrence": ["RRULE:FREQ=MONTHLY;BYMONTHDAY=19"],
        },
    )

    assert response.status_code == 400


def test_a_recurring_event_needs_a_start_time_zone(tara_api: httpx2.Client) -> None:
    response = tara_api.post(
        "/calendars/primary/events",
        json={
            "summary": "Weekly",
            "start": {"dateTime": "2026-10-19T10:00:00-07:00"},
            "end": {"dateTime": "2026-10-19T11:00:00-07:00"},
            "recurrence": ["RRULE:FREQ=WEEKLY"],
        },
    )

    assert response.status_code == 400


def test_patching_one_instance_makes_an_exception_the_others_do_not_share(
    tara_api: httpx2.Client,
) -> None:
    series_id = weekly_session(tara_api)
    instance_id = f"{series_id}_20261102T180000Z"

    patched = tara_api.patch(
        f"/calendars/primary/events/{instance_id}",
        json={"attendees": [{"email": "sam@demo.tutorcal.test"}]},
    )
    items = instances(tara_api)

    assert patched.status_code == 200, patched.text
    assert patched.json()["id"] == instance_id
    assert patched.json()["recurringEventId"] == series_id
    assert [len(i.get("attendees", [])) for i in items] == [0, 0, 1, 0]
    assert tara_api.get(f"/calendars/primary/events/{instance_id}").json()["attendees"][0][
        "email"
    ] == ("sam@demo.tutorcal.test")


def test_a_renamed_series_renames_its_exceptions_too(tara_api: httpx2.Client) -> None:
    series_id = weekly_session(tara_api)
    tara_api.patch(
        f"/calendars/primary/events/{series_id}_20261102T180000Z",
        json={"attendees": [{"email": "sam@demo.tutorcal.test"}]},
    ).raise_for_status()

    tara_api.patch(
        f"/calendars/primary/events/{series_id}", json={"summary": "Tutoring: Algebra II"}
    ).raise_for_status()

    assert {i["summary"] for i in instances(tara_api)} == {"Tutoring: Algebra II"}


def test_deleting_one_instance_shows_it_cancelled_in_the_next_incremental_sync(
    tara_api: httpx2.Client,
) -> None:
    series_id = weekly_session(tara_api)
    _, sync_token = list_all(tara_api, singleEvents="true", **OCTOBER_WINDOW)
    instance_id = f"{series_id}_20261026T170000Z"

    deleted = tara_api.delete(f"/calendars/primary/events/{instance_id}")
    changes, _ = list_all(tara_api, singleEvents="true", syncToken=sync_token)

    assert deleted.status_code == 204
    assert [(c["id"], c["status"], c["recurringEventId"]) for c in changes] == [
        (instance_id, "cancelled", series_id)
    ]
    assert len(instances(tara_api)) == 3
    assert reason(tara_api.delete(f"/calendars/primary/events/{instance_id}")) == "deleted"


def test_moving_a_series_cancels_the_old_instances_and_brings_the_new_ones(
    tara_api: httpx2.Client,
) -> None:
    series_id = weekly_session(tara_api)
    _, sync_token = list_all(tara_api, singleEvents="true", **OCTOBER_WINDOW)

    tara_api.patch(
        f"/calendars/primary/events/{series_id}",
        json={
            "start": {"dateTime": "2026-10-19T11:00:00", "timeZone": "America/Los_Angeles"},
            "end": {"dateTime": "2026-10-19T12:00:00", "timeZone": "America/Los_Angeles"},
        },
    ).raise_for_status()
    changes, _ = list_all(tara_api, singleEvents="true", syncToken=sync_token)

    statuses = sorted((c["id"].rpartition("_")[2], c["status"]) for c in changes)
    assert statuses == [
        ("20261019T170000Z", "cancelled"),
        ("20261019T180000Z", "confirmed"),
        ("20261026T170000Z", "cancelled"),
        ("20261026T180000Z", "confirmed"),
        ("20261102T180000Z", "cancelled"),
        ("20261102T190000Z", "confirmed"),
        ("20261109T180000Z", "cancelled"),
        ("20261109T190000Z", "confirmed"),
    ]


def test_deleting_a_series_shows_every_synced_instance_cancelled(tara_api: httpx2.Client) -> None:
    series_id = weekly_session(tara_api)
    _, sync_token = list_all(tara_api, singleEvents="true", **OCTOBER_WINDOW)

    tara_api.delete(f"/calendars/primary/events/{series_id}").raise_for_status()
    changes, _ = list_all(tara_api, singleEvents="true", syncToken=sync_token)

    assert {c["status"] for c in changes} == {"cancelled"}
    assert len(changes) == 4
    assert instances(tara_api) == []


def test_an_instance_id_the_series_does_not_have_is_not_found(tara_api: httpx2.Client) -> None:
    series_id = weekly_session(tara_api)

    response = tara_api.get(f"/calendars/primary/events/{series_id}_20261020T170000Z")

    assert response.status_code == 404


def test_all_day_series_expand_to_date_instances(
    emulator: Emulator, tara_api: httpx2.Client
) -> None:
    created = emulator.http.post(
        f"/_emulator/calendars/{TARA}/events",
        json={
            "summary": "Holiday club",
            "start": {"date": "2026-10-19"},
            "end": {"date": "2026-10-20"},
            "recurrence": ["RRULE:FREQ=DAILY;COUNT=3"],
        },
    ).json()

    items = instances(tara_api)

    assert [(i["id"], i["start"]) for i in items] == [
        (f"{created['id']}_20261019", {"date": "2026-10-19"}),
        (f"{created['id']}_20261020", {"date": "2026-10-20"}),
        (f"{created['id']}_20261021", {"date": "2026-10-21"}),
    ]


def test_events_instances_lists_one_series_with_its_exceptions(tara_api: httpx2.Client) -> None:
    series_id = weekly_session(tara_api)
    tara_api.delete(f"/calendars/primary/events/{series_id}_20261026T170000Z").raise_for_status()
    tara_api.patch(
        f"/calendars/primary/events/{series_id}_20261109T180000Z",
        json={"summary": "Tutoring: review"},
    ).raise_for_status()

    body = tara_api.get(
        f"/calendars/primary/events/{series_id}/instances", params=OCTOBER_WINDOW
    ).json()

    assert [i["summary"] for i in body["items"]] == [
        "Tutoring: Algebra",
        "Tutoring: Algebra",
        "Tutoring: review",
    ]
    assert "nextSyncToken" not in body
