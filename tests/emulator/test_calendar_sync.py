"""calendarList.list and events.list: paging, sync tokens, incremental sync, forbidden params."""

from __future__ import annotations

from datetime import timedelta

import httpx2
import pytest

from .calendar_flows import access_token, calendar_client, event_body, list_all, reason
from .conftest import Emulator
from .flows import TARA


def add_events(api: httpx2.Client, count: int) -> list[str]:
    ids = []
    for day in range(1, count + 1):
        body = event_body(
            f"Event {day}", f"2026-12-{day:02d}T10:00:00Z", f"2026-12-{day:02d}T11:00:00Z"
        )
        response = api.post("/calendars/primary/events", json=body)
        assert response.status_code == 200, response.text
        ids.append(response.json()["id"])
    return ids


def test_calendar_list_has_the_primary_calendar_named_by_the_address_and_secondary_ones(
    emulator: Emulator, tara_api: httpx2.Client
) -> None:
    emulator.http.post(
        "/_emulator/calendars",
        json={
            "owner": TARA,
            "id": "sessions@group.calendar.google.com",
            "summary": "Sessions",
            "timeZone": "Europe/London",
        },
    ).raise_for_status()
    emulator.http.put(
        f"/_emulator/users/{TARA}/calendar-settings", json={"timeZone": "Europe/London"}
    )

    body = tara_api.get("/users/me/calendarList").json()

    assert body["kind"] == "calendar#calendarList"
    primary, secondary = body["items"]
    assert (
        primary | {"id": TARA, "primary": True, "accessRole": "owner", "timeZone": "Europe/London"}
        == primary
    )
    assert secondary["id"] == "sessions@group.calendar.google.com"
    assert secondary["summary"] == "Sessions"
    assert "primary" not in secondary


def test_calendar_list_pages_with_max_results(emulator: Emulator, tara_api: httpx2.Client) -> None:
    for name in ("One", "Two"):
        emulator.http.post(
            "/_emulator/calendars", json={"owner": TARA, "summary": name}
        ).raise_for_status()

    first = tara_api.get("/users/me/calendarList", params={"maxResults": 2}).json()
    second = tara_api.get(
        "/users/me/calendarList", params={"maxResults": 2, "pageToken": first["nextPageToken"]}
    ).json()

    assert [item["summary"] for item in first["items"] + second["items"]] == [TARA, "One", "Two"]
    assert "nextPageToken" not in second


def test_list_pages_carry_next_sync_token_only_on_the_last_page(tara_api: httpx2.Client) -> None:
    ids = add_events(tara_api, 5)

    first = tara_api.get("/calendars/primary/events", params={"maxResults": 2}).json()
    second = tara_api.get(
        "/calendars/primary/events", params={"maxResults": 2, "pageToken": first["nextPageToken"]}
    ).json()
    third = tara_api.get(
        "/calendars/primary/events", params={"maxResults": 2, "pageToken": second["nextPageToken"]}
    ).json()

    assert "nextSyncToken" not in first
    assert "nextSyncToken" not in second
    assert "nextPageToken" not in third
    assert third["nextSyncToken"]
    assert [item["id"] for item in first["items"] + second["items"] + third["items"]] == ids
    assert first["kind"] == "calendar#events"
    assert first["timeZone"] == "UTC"


def test_incremental_sync_returns_only_changes_including_cancelled_events(
    tara_api: httpx2.Client,
) -> None:
    kept, renamed, deleted = add_events(tara_api, 3)
    _, sync_token = list_all(tara_api)
    tara_api.patch(
        f"/calendars/primary/events/{renamed}", json={"summary": "Renamed"}
    ).raise_for_status()
    tara_api.delete(f"/calendars/primary/events/{deleted}").raise_for_status()
    added = add_events(tara_api, 1)[0]

    changes, next_token = list_all(tara_api, syncToken=sync_token)
    again, _ = list_all(tara_api, syncToken=next_token)

    by_id = {item["id"]: item for item in changes}
    assert set(by_id) == {renamed, deleted, added}
    assert kept not in by_id
    assert by_id[renamed]["summary"] == "Renamed"
    assert by_id[deleted]["status"] == "cancelled"
    assert again == []


def test_a_full_sync_bounded_by_time_min_and_time_max_still_gets_a_sync_token(
    tara_api: httpx2.Client,
) -> None:
    add_events(tara_api, 4)

    items, sync_token = list_all(
        tara_api, timeMin="2026-12-02T00:00:00Z", timeMax="2026-12-03T10:30:00+00:00"
    )

    assert [item["summary"] for item in items] == ["Event 2", "Event 3"]
    assert sync_token


def test_an_invalidated_sync_token_answers_410_full_sync_required(
    emulator: Emulator, tara_api: httpx2.Client
) -> None:
    add_events(tara_api, 1)
    _, sync_token = list_all(tara_api)

    invalidated = emulator.http.post(f"/_emulator/calendars/{TARA}/invalidate-sync-tokens").json()
    response = tara_api.get("/calendars/primary/events", params={"syncToken": sync_token})

    assert invalidated == {"calendar_id": TARA, "invalidated": 1}
    assert response.status_code == 410
    assert (
        response.json()["error"]["errors"][0] | {"domain": "calendar", "reason": "fullSyncRequired"}
        == (response.json()["error"]["errors"][0])
    )


def test_a_sync_token_older_than_a_month_answers_410(
    emulator: Emulator, tara_api: httpx2.Client
) -> None:
    _, sync_token = list_all(tara_api)
    emulator.clock.advance(timedelta(days=31))

    with calendar_client(emulator.base_url, access_token(emulator.http, TARA)) as later:
        response = later.get("/calendars/primary/events", params={"syncToken": sync_token})

    assert response.status_code == 410
    assert reason(response) == "fullSyncRequired"


def test_an_unknown_sync_token_answers_410_as_after_a_restart(tara_api: httpx2.Client) -> None:
    response = tara_api.get("/calendars/primary/events", params={"syncToken": "CPnotatoken"})

    assert response.status_code == 410
    assert reason(response) == "fullSyncRequired"


@pytest.mark.parametrize(
    "param",
    [
        {"timeMin": "2026-12-01T00:00:00Z"},
        {"timeMax": "2026-12-01T00:00:00Z"},
        {"orderBy": "updated"},
        {"q": "tutoring"},
        {"updatedMin": "2026-12-01T00:00:00Z"},
        {"iCalUID": "x@google.com"},
        {"privateExtendedProperty": "booking_id=1"},
    ],
)
def test_a_sync_token_with_a_filter_google_forbids_answers_400(
    tara_api: httpx2.Client, param: dict[str, str]
) -> None:
    _, sync_token = list_all(tara_api)

    response = tara_api.get("/calendars/primary/events", params={"syncToken": sync_token, **param})

    assert response.status_code == 400


def test_order_by_start_time_without_single_events_answers_400(tara_api: httpx2.Client) -> None:
    response = tara_api.get("/calendars/primary/events", params={"orderBy": "startTime"})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == 400


def test_time_min_after_time_max_answers_400_time_range_empty(tara_api: httpx2.Client) -> None:
    response = tara_api.get(
        "/calendars/primary/events",
        params={"timeMin": "2026-12-02T00:00:00Z", "timeMax": "2026-12-01T00:00:00Z"},
    )

    assert response.status_code == 400
    assert reason(response) == "timeRangeEmpty"


def test_time_min_without_an_offset_answers_400(tara_api: httpx2.Client) -> None:
    response = tara_api.get("/calendars/primary/events", params={"timeMin": "2026-12-02T00:00:00"})

    assert response.status_code == 400


def test_deleted_events_are_left_out_of_a_full_sync_unless_show_deleted(
    tara_api: httpx2.Client,
) -> None:
    kept, deleted = add_events(tara_api, 2)
    tara_api.delete(f"/calendars/primary/events/{deleted}").raise_for_status()

    plain, _ = list_all(tara_api)
    with_deleted, _ = list_all(tara_api, showDeleted="true")

    assert [item["id"] for item in plain] == [kept]
    assert {item["id"]: item["status"] for item in with_deleted} == {
        kept: "confirmed",
        deleted: "cancelled",
    }


def test_the_time_zone_parameter_renders_date_times_in_that_zone(tara_api: httpx2.Client) -> None:
    add_events(tara_api, 1)

    items, _ = list_all(tara_api, timeZone="America/New_York")

    assert items[0]["start"]["dateTime"] == "2026-12-01T05:00:00-05:00"
