"""Auth, scopes, ownership, injected faults, rate limits, the request log and stats."""

from __future__ import annotations

import time
from datetime import timedelta

import httpx2
import pytest

from tutorcal.emulator.calendar_errors import UNAUTHENTICATED_MESSAGE

from .calendar_flows import (
    CALENDAR_EVENTS,
    CALENDAR_READONLY,
    THEO,
    access_token,
    calendar_client,
    event_body,
    reason,
)
from .conftest import Emulator
from .flows import TARA

EVENTS = "/calendars/primary/events"
LESSON = event_body("Tutoring", "2026-12-07T10:00:00Z", "2026-12-07T11:00:00Z")


def add_fault(emulator: Emulator, **fault: object) -> None:
    emulator.http.post("/_emulator/faults", json=fault).raise_for_status()


def test_a_request_without_a_token_answers_401_in_googles_words(emulator: Emulator) -> None:
    response = emulator.http.get(f"/calendar/v3{EVENTS}")

    assert response.status_code == 401
    assert response.json() == {
        "error": {
            "code": 401,
            "message": UNAUTHENTICATED_MESSAGE,
            "errors": [
                {
                    "message": UNAUTHENTICATED_MESSAGE,
                    "domain": "global",
                    "reason": "authError",
                    "locationType": "header",
                    "location": "Authorization",
                }
            ],
            "status": "UNAUTHENTICATED",
        }
    }


def test_an_expired_access_token_answers_401(emulator: Emulator, tara_api: httpx2.Client) -> None:
    emulator.http.post(f"/_emulator/users/{TARA}/expire-access-tokens").raise_for_status()

    response = tara_api.get(EVENTS)

    assert (response.status_code, reason(response)) == (401, "authError")


@pytest.mark.parametrize(
    ("scope", "method", "path", "body"),
    [
        (f"openid email {CALENDAR_READONLY}", "POST", EVENTS, LESSON),
        ("openid email", "GET", EVENTS, None),
        (
            f"openid email {CALENDAR_EVENTS}",
            "POST",
            "/freeBusy",
            {"timeMin": "2026-12-07T00:00:00Z"},
        ),
        (f"openid email {CALENDAR_EVENTS}", "GET", "/users/me/calendarList", None),
    ],
)
def test_a_token_without_the_scope_the_method_needs_answers_403_insufficient_permissions(
    emulator: Emulator, scope: str, method: str, path: str, body: dict[str, str] | None
) -> None:
    with calendar_client(emulator.base_url, access_token(emulator.http, TARA, scope)) as api:
        response = api.request(method, path, json=body)

    assert (response.status_code, reason(response)) == (403, "insufficientPermissions")


def test_another_users_calendar_is_not_found(emulator: Emulator, tara_api: httpx2.Client) -> None:
    emulator.http.post(f"/_emulator/calendars/{THEO}/events", json=LESSON).raise_for_status()

    listing = tara_api.get(f"/calendars/{THEO}/events")
    insert = tara_api.post(f"/calendars/{THEO}/events", json=LESSON)

    assert (listing.status_code, reason(listing)) == (404, "notFound")
    assert insert.status_code == 404


def test_a_503_fault_answers_the_next_n_matching_requests_then_the_real_answer(
    emulator: Emulator, tara_api: httpx2.Client
) -> None:
    add_fault(emulator, count=2, status=503, match={"method": "GET", "path_contains": "/events"})

    statuses = [tara_api.get(EVENTS).status_code for _ in range(3)]
    calendar_list = tara_api.get("/users/me/calendarList")

    assert statuses == [503, 503, 200]
    assert calendar_list.status_code == 200
    assert emulator.http.get("/_emulator/faults").json() == []


def test_a_429_fault_speaks_googles_rate_limit_words(
    emulator: Emulator, tara_api: httpx2.Client
) -> None:
    add_fault(emulator, status=429)

    response = tara_api.get(EVENTS)

    assert response.status_code == 429
    assert response.json()["error"]["errors"][0] == {
        "domain": "usageLimits",
        "reason": "rateLimitExceeded",
        "message": "Rate Limit Exceeded",
    }


def test_a_403_fault_can_carry_any_reason(emulator: Emulator, tara_api: httpx2.Client) -> None:
    add_fault(emulator, status=403, reason="quotaExceeded")

    response = tara_api.post(EVENTS, json=LESSON)

    assert (response.status_code, reason(response)) == (403, "quotaExceeded")
    assert tara_api.get(EVENTS).json()["items"] == []


def test_a_latency_fault_delays_the_real_answer(
    emulator: Emulator, tara_api: httpx2.Client
) -> None:
    add_fault(emulator, latency_ms=300)

    started = time.monotonic()
    response = tara_api.get(EVENTS)

    assert response.status_code == 200
    assert time.monotonic() - started >= 0.3


def test_a_dropped_connection_is_a_transport_error_for_the_client(
    emulator: Emulator, tara_api: httpx2.Client
) -> None:
    add_fault(emulator, drop_connection=True)

    with pytest.raises(httpx2.TransportError):
        tara_api.get(EVENTS)
    logged = emulator.http.get("/_emulator/requests").json()

    assert tara_api.get(EVENTS).status_code == 200
    assert logged[0]["status"] is None
    assert logged[0]["fault"] == "drop_connection"


def test_a_fault_for_one_user_leaves_the_others_alone(
    emulator: Emulator, tara_api: httpx2.Client
) -> None:
    add_fault(emulator, status=500, match={"user": THEO})

    with calendar_client(emulator.base_url, access_token(emulator.http, THEO)) as theo_api:
        tara = tara_api.get(EVENTS)
        theo = theo_api.get(EVENTS)

    assert (tara.status_code, theo.status_code) == (200, 500)
    assert reason(theo) == "backendError"


def test_a_per_user_rate_limit_answers_403_user_rate_limit_exceeded_until_cleared(
    emulator: Emulator, tara_api: httpx2.Client
) -> None:
    emulator.http.put(f"/_emulator/rate-limits/{TARA}", json={"per_minute": 2}).raise_for_status()

    statuses = [tara_api.get(EVENTS).status_code for _ in range(3)]
    limited = tara_api.get(EVENTS)
    emulator.http.delete(f"/_emulator/rate-limits/{TARA}").raise_for_status()

    assert statuses == [200, 200, 403]
    assert limited.json()["error"]["errors"][0]["domain"] == "usageLimits"
    assert reason(limited) == "userRateLimitExceeded"
    assert tara_api.get(EVENTS).status_code == 200


def test_the_rate_limit_window_slides(emulator: Emulator, tara_api: httpx2.Client) -> None:
    emulator.http.put(f"/_emulator/rate-limits/{TARA}", json={"per_minute": 1}).raise_for_status()
    tara_api.get(EVENTS).raise_for_status()
    limited = tara_api.get(EVENTS)

    emulator.clock.advance(timedelta(seconds=61))

    assert limited.status_code == 403
    assert tara_api.get(EVENTS).status_code == 200


def test_a_per_calendar_rate_limit_answers_429_on_that_calendar_only_until_cleared(
    emulator: Emulator, tara_api: httpx2.Client
) -> None:
    emulator.http.post(
        "/_emulator/calendars", json={"owner": TARA, "id": "maths", "summary": "Maths"}
    ).raise_for_status()
    emulator.http.put(
        f"/_emulator/calendar-rate-limits/{TARA}", json={"per_minute": 2}
    ).raise_for_status()

    # "primary" and the calendar's own id are one calendar, and one budget.
    statuses = [
        tara_api.get(EVENTS).status_code,
        tara_api.post(f"/calendars/{TARA}/events", json=LESSON).status_code,
        tara_api.get(f"/calendars/{TARA}/events").status_code,
    ]
    limited = tara_api.post(EVENTS, json=LESSON)
    other_calendar = tara_api.get("/calendars/maths/events")
    calendar_list = tara_api.get("/users/me/calendarList")
    emulator.http.delete(f"/_emulator/calendar-rate-limits/{TARA}").raise_for_status()

    assert statuses == [200, 200, 429]
    assert limited.status_code == 429
    assert limited.json()["error"]["errors"][0] == {
        "domain": "usageLimits",
        "reason": "rateLimitExceeded",
        "message": "Rate Limit Exceeded",
    }
    assert (other_calendar.status_code, calendar_list.status_code) == (200, 200)
    assert len(tara_api.get(EVENTS).json()["items"]) == 1  # the refused insert wrote nothing
    assert emulator.http.get("/_emulator/stats").json()["calendar_answers"] == {
        "calendarList.list 200": 1,
        "events.insert 200": 1,
        "events.insert 429": 1,
        "events.list 200": 3,
        "events.list 429": 1,
    }


def test_the_per_calendar_rate_limit_window_slides(
    emulator: Emulator, tara_api: httpx2.Client
) -> None:
    emulator.http.put(
        f"/_emulator/calendar-rate-limits/{TARA}", json={"per_minute": 1}
    ).raise_for_status()
    tara_api.get(EVENTS).raise_for_status()
    limited = tara_api.get(EVENTS)

    emulator.clock.advance(timedelta(seconds=61))

    assert limited.status_code == 429
    assert tara_api.get(EVENTS).status_code == 200


def test_the_request_log_records_calendar_calls_with_send_updates_and_filters(
    emulator: Emulator, tara_api: httpx2.Client
) -> None:
    created = tara_api.post(EVENTS, json=LESSON, params={"sendUpdates": "all"}).json()
    tara_api.delete(f"{EVENTS}/{created['id']}", params={"sendUpdates": "none"})
    tara_api.get(EVENTS)

    everything = emulator.http.get("/_emulator/requests", params={"api": "calendar"}).json()
    deletes = emulator.http.get("/_emulator/requests", params={"method": "DELETE"}).json()
    by_path = emulator.http.get(
        "/_emulator/requests", params={"path_contains": created["id"]}
    ).json()

    assert [(e["name"], e["status"], e["send_updates"]) for e in everything] == [
        ("events.insert", 200, "all"),
        ("events.delete", 204, "none"),
        ("events.list", 200, None),
    ]
    assert (
        everything[0] | {"user": TARA, "path": "/calendar/v3/calendars/primary/events"}
        == everything[0]
    )
    assert [e["name"] for e in deletes] == ["events.delete"]
    assert [e["name"] for e in by_path] == ["events.delete"]


def test_clearing_the_request_log_empties_it_but_stats_keep_counting(
    emulator: Emulator, tara_api: httpx2.Client
) -> None:
    tara_api.get(EVENTS)
    tara_api.get(EVENTS)
    tara_api.post(
        "/calendars/primary/events/watch",
        json={"id": "x", "type": "web_hook", "address": "http://127.0.0.1:9/hook"},
    )

    emulator.http.delete("/_emulator/requests").raise_for_status()
    stats = emulator.http.get("/_emulator/stats").json()

    assert emulator.http.get("/_emulator/requests").json() == []
    assert stats["calendar_requests"] == {"events.list": 2, "events.watch": 1}
    assert stats["calendar_answers"] == {"events.list 200": 2, "events.watch 200": 1}


def test_reset_clears_faults_and_rate_limits(emulator: Emulator) -> None:
    add_fault(emulator, status=500, count=5)
    emulator.http.put(f"/_emulator/rate-limits/{TARA}", json={"per_minute": 0}).raise_for_status()
    emulator.http.put(
        f"/_emulator/calendar-rate-limits/{TARA}", json={"per_minute": 0}
    ).raise_for_status()

    emulator.http.post("/_emulator/reset").raise_for_status()

    with calendar_client(emulator.base_url, access_token(emulator.http, TARA)) as api:
        assert api.get(EVENTS).status_code == 200


def test_a_fault_without_status_latency_or_drop_is_refused(emulator: Emulator) -> None:
    response = emulator.http.post("/_emulator/faults", json={"count": 1})

    assert response.status_code == 422
