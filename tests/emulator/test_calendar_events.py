"""events.insert/get/update/patch/delete: ids, etags, attendees, Meet links, deletion."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from .calendar_flows import SOFIA, STEFAN, event_body, list_all, reason
from .conftest import Emulator
from .flows import SAM, TARA

SESSION = event_body("Tutoring: Physics", "2026-12-07T16:00:00Z", "2026-12-07T17:00:00Z")


def insert(api: httpx2.Client, body: dict[str, Any] = SESSION, **params: str) -> httpx2.Response:
    return api.post("/calendars/primary/events", json=body, params=params)


def test_insert_with_a_client_supplied_base32hex_id_keeps_that_id(tara_api: httpx2.Client) -> None:
    response = insert(tara_api, {**SESSION, "id": "booking0123456789abcdefuv"})

    body = response.json()
    assert response.status_code == 200
    assert body["id"] == "booking0123456789abcdefuv"
    assert body["organizer"] == {"email": TARA, "self": True}
    assert body["creator"] == {"email": TARA, "self": True}
    assert body["iCalUID"] == "booking0123456789abcdefuv@google.com"
    assert body["etag"].startswith('"')
    assert body["status"] == "confirmed"


@pytest.mark.parametrize("bad_id", ["abc", "UPPERCASE123", "has-dash-123", "wxyz12345", "a" * 1025])
def test_insert_with_an_id_that_is_not_base32hex_answers_400_invalid_resource_id(
    tara_api: httpx2.Client, bad_id: str
) -> None:
    response = insert(tara_api, {**SESSION, "id": bad_id})

    assert response.status_code == 400
    assert reason(response) == "invalidResourceId"


def test_insert_with_an_id_already_used_answers_409_duplicate_even_after_deletion(
    tara_api: httpx2.Client,
) -> None:
    insert(tara_api, {**SESSION, "id": "booking42"}).raise_for_status()
    again = insert(tara_api, {**SESSION, "id": "booking42"})
    tara_api.delete("/calendars/primary/events/booking42").raise_for_status()
    after_delete = insert(tara_api, {**SESSION, "id": "booking42"})

    assert again.status_code == 409
    assert reason(again) == "duplicate"
    assert after_delete.status_code == 409


def test_conference_data_version_1_with_a_create_request_gets_a_meet_link(
    tara_api: httpx2.Client,
) -> None:
    create = {
        "createRequest": {"requestId": "req-1", "conferenceSolutionKey": {"type": "hangoutsMeet"}}
    }

    with_meet = insert(
        tara_api, {**SESSION, "conferenceData": create}, conferenceDataVersion="1"
    ).json()
    without = insert(tara_api, {**SESSION, "conferenceData": create}).json()

    video = with_meet["conferenceData"]["entryPoints"][0]
    assert with_meet["hangoutLink"] == video["uri"]
    assert video["entryPointType"] == "video"
    assert with_meet["hangoutLink"].startswith("https://meet.google.com/")
    assert len(with_meet["hangoutLink"].rsplit("/", 1)[1]) == len("abc-defg-hij")
    assert with_meet["conferenceData"]["createRequest"]["status"] == {"statusCode": "success"}
    assert "hangoutLink" not in without
    assert "conferenceData" not in without


def test_update_with_the_current_etag_succeeds_and_changes_the_etag(
    tara_api: httpx2.Client,
) -> None:
    event = insert(tara_api).json()

    response = tara_api.put(
        f"/calendars/primary/events/{event['id']}",
        json={**SESSION, "summary": "Tutoring: Physics II"},
        headers={"If-Match": event["etag"]},
    )

    assert response.status_code == 200
    assert response.json()["summary"] == "Tutoring: Physics II"
    assert response.json()["etag"] != event["etag"]


def test_update_and_patch_with_a_stale_etag_answer_412_condition_not_met(
    tara_api: httpx2.Client,
) -> None:
    event = insert(tara_api).json()
    tara_api.patch(
        f"/calendars/primary/events/{event['id']}", json={"summary": "Changed"}
    ).raise_for_status()

    update = tara_api.put(
        f"/calendars/primary/events/{event['id']}",
        json=SESSION,
        headers={"If-Match": event["etag"]},
    )
    patch = tara_api.patch(
        f"/calendars/primary/events/{event['id']}",
        json={"summary": "Mine"},
        headers={"If-Match": event["etag"]},
    )

    assert (update.status_code, reason(update)) == (412, "conditionNotMet")
    assert (patch.status_code, reason(patch)) == (412, "conditionNotMet")
    assert tara_api.get(f"/calendars/primary/events/{event['id']}").json()["summary"] == "Changed"


def test_patch_replaces_the_whole_attendee_array(tara_api: httpx2.Client) -> None:
    event = insert(
        tara_api,
        {**SESSION, "attendees": [{"email": SAM}, {"email": SOFIA, "responseStatus": "accepted"}]},
    )
    event_id = event.json()["id"]

    patched = tara_api.patch(
        f"/calendars/primary/events/{event_id}", json={"attendees": [{"email": STEFAN}]}
    ).json()

    assert patched["attendees"] == [{"email": STEFAN, "responseStatus": "needsAction"}]
    assert patched["summary"] == "Tutoring: Physics"


def test_patch_merges_objects_but_keeps_fields_it_does_not_name(tara_api: httpx2.Client) -> None:
    event = insert(
        tara_api, {**SESSION, "extendedProperties": {"private": {"booking_id": "7"}}}
    ).json()

    patched = tara_api.patch(
        f"/calendars/primary/events/{event['id']}",
        json={"extendedProperties": {"private": {"seat": "2"}}, "description": "capacity: 3"},
    ).json()

    assert patched["extendedProperties"] == {"private": {"booking_id": "7", "seat": "2"}}
    assert patched["description"] == "capacity: 3"
    assert patched["start"] == event["start"]


def test_update_replaces_the_event_so_omitted_fields_are_gone(tara_api: httpx2.Client) -> None:
    event = insert(
        tara_api, {**SESSION, "description": "old", "attendees": [{"email": SAM}]}
    ).json()

    updated = tara_api.put(f"/calendars/primary/events/{event['id']}", json=SESSION).json()

    assert "description" not in updated
    assert "attendees" not in updated
    assert updated["iCalUID"] == event["iCalUID"]


def test_a_deleted_event_is_still_returned_by_get_as_cancelled_and_deleting_again_is_410(
    tara_api: httpx2.Client,
) -> None:
    event_id = insert(tara_api).json()["id"]

    first = tara_api.delete(f"/calendars/primary/events/{event_id}", params={"sendUpdates": "all"})
    fetched = tara_api.get(f"/calendars/primary/events/{event_id}")
    second = tara_api.delete(f"/calendars/primary/events/{event_id}")

    assert first.status_code == 204
    assert fetched.status_code == 200
    assert fetched.json()["status"] == "cancelled"
    assert fetched.json()["summary"] == "Tutoring: Physics"
    assert (second.status_code, reason(second)) == (410, "deleted")


def test_a_deleted_event_appears_cancelled_with_its_id_in_the_next_sync(
    tara_api: httpx2.Client,
) -> None:
    event_id = insert(tara_api).json()["id"]
    _, sync_token = list_all(tara_api, singleEvents="true")

    tara_api.delete(f"/calendars/primary/events/{event_id}").raise_for_status()
    changes, _ = list_all(tara_api, singleEvents="true", syncToken=sync_token)

    assert [(c["id"], c["status"]) for c in changes] == [(event_id, "cancelled")]


def test_get_with_if_none_match_of_the_current_etag_answers_304(tara_api: httpx2.Client) -> None:
    event = insert(tara_api).json()

    response = tara_api.get(
        f"/calendars/primary/events/{event['id']}", headers={"If-None-Match": event["etag"]}
    )

    assert response.status_code == 304


def test_only_the_organizers_copy_may_change_the_guest_list(
    emulator: Emulator, tara_api: httpx2.Client
) -> None:
    invitation = emulator.http.post(
        f"/_emulator/calendars/{TARA}/events",
        json={
            **SESSION,
            "organizer": {"email": "head@demo.tutorcal.test"},
            "attendees": [{"email": TARA}],
        },
    ).json()

    response = tara_api.patch(
        f"/calendars/primary/events/{invitation['id']}",
        json={"attendees": [{"email": TARA}, {"email": SAM}]},
    )
    rename = tara_api.patch(f"/calendars/primary/events/{invitation['id']}", json={"colorId": "5"})

    assert (response.status_code, reason(response)) == (403, "forbiddenForNonOrganizer")
    assert rename.status_code == 200


def test_giving_both_id_and_ical_uid_answers_400(tara_api: httpx2.Client) -> None:
    response = insert(tara_api, {**SESSION, "id": "booking43", "iCalUID": "x@example.com"})

    assert response.status_code == 400


def test_an_end_before_the_start_answers_400_time_range_empty(tara_api: httpx2.Client) -> None:
    response = insert(
        tara_api, event_body("Backwards", "2026-12-07T17:00:00Z", "2026-12-07T16:00:00Z")
    )

    assert (response.status_code, reason(response)) == (400, "timeRangeEmpty")


def test_a_send_updates_value_google_does_not_know_answers_400(tara_api: httpx2.Client) -> None:
    response = insert(tara_api, sendUpdates="everyone")

    assert response.status_code == 400


def test_a_body_that_is_not_json_answers_400_parse_error(tara_api: httpx2.Client) -> None:
    response = tara_api.post(
        "/calendars/primary/events",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )

    assert (response.status_code, reason(response)) == (400, "parseError")


def test_the_owner_is_marked_self_among_the_attendees(
    emulator: Emulator, tara_api: httpx2.Client
) -> None:
    created = emulator.http.post(
        f"/_emulator/calendars/{TARA}/events", json={**SESSION, "attendees": [{"email": SAM}]}
    )

    event = tara_api.get(f"/calendars/primary/events/{created.json()['id']}").json()

    assert event["attendees"] == [
        {"email": TARA, "responseStatus": "accepted", "organizer": True, "self": True},
        {"email": SAM, "responseStatus": "needsAction"},
    ]
