"""A snapshot of one emulator loaded into a fresh one (a restarted demo): grants, tokens, keys,
events and push channels go on as they were; sync tokens do not outlive the emulator."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from fastapi import FastAPI, Request, Response

from tutorcal.emulator.app import create_emulator_app
from tutorcal.emulator.demo import create_demo_state
from tutorcal.emulator.server import serving_in_background
from tutorcal.emulator.snapshot import SnapshotInvalid, dump_state, load_state, move_addresses
from tutorcal.emulator.state import EmulatorState

from .calendar_flows import (
    TUTORCAL_SCOPES,
    access_token,
    calendar_client,
    event_body,
    list_all,
    reason,
)
from .flows import CALLBACK, TARA, exchange, key_set, refresh, sign_in


class Hook:
    def __init__(self) -> None:
        self.numbers: list[tuple[str, int]] = []

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/hook")
        async def hook(request: Request) -> Response:
            self.numbers.append(
                (
                    request.headers["x-goog-resource-state"],
                    int(request.headers["x-goog-message-number"]),
                )
            )
            return Response(status_code=200)

        return app

    def wait_for(self, count: int) -> list[tuple[str, int]]:
        deadline = time.monotonic() + 5
        while len(self.numbers) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.numbers


@pytest.fixture
def hook() -> Iterator[tuple[Hook, str]]:
    receiver = Hook()
    with serving_in_background(receiver.app()) as base_url:
        yield receiver, base_url


def _serve(state: EmulatorState) -> Any:
    return serving_in_background(create_emulator_app(state))


def test_a_loaded_snapshot_carries_on_where_the_first_emulator_stopped(
    hook: tuple[Hook, str],
) -> None:
    receiver, hook_url = hook
    first = create_demo_state([CALLBACK])
    with _serve(first) as base_url, httpx2.Client(base_url=base_url, timeout=5) as http:
        offline = sign_in(
            http, TARA, scope=TUTORCAL_SCOPES, access_type="offline", prompt="consent"
        )
        tokens = exchange(http, offline).json()
        kid_before = key_set(http).keys[0].kid
        with calendar_client(base_url, tokens["access_token"]) as api:
            created = api.post(
                "/calendars/primary/events",
                json=event_body("Tutoring: kept", "2026-12-20T10:00:00Z", "2026-12-20T11:00:00Z"),
            ).json()
            _, sync_token = list_all(api)
            api.post(
                "/calendars/primary/events/watch",
                json={"id": "kept-channel", "type": "web_hook", "address": f"{hook_url}/hook"},
            ).raise_for_status()
            receiver.wait_for(1)
            api.patch(
                f"/calendars/primary/events/{created['id']}", json={"summary": "Tutoring: moved"}
            )
            receiver.wait_for(2)
    snapshot = json.loads(json.dumps(dump_state(first)))  # through JSON, as the demo saves it

    second = create_demo_state([CALLBACK])
    load_state(second, snapshot)
    with _serve(second) as base_url, httpx2.Client(base_url=base_url, timeout=5) as http:
        refreshed = refresh(http, tokens["refresh_token"])
        with calendar_client(base_url, tokens["access_token"]) as api:
            kept = api.get(f"/calendars/primary/events/{created['id']}").json()
            stale = api.get("/calendars/primary/events", params={"syncToken": sync_token})
            api.patch(
                f"/calendars/primary/events/{created['id']}", json={"summary": "Tutoring: again"}
            )
            numbers = receiver.wait_for(3)
        id_token = exchange(http, sign_in(http, TARA)).json()["id_token"]

    assert refreshed.status_code == 200, refreshed.text
    assert kept["summary"] == "Tutoring: moved"
    assert kept["etag"] != created["etag"]
    assert stale.status_code == 410
    assert reason(stale) == "fullSyncRequired"
    assert numbers == [("sync", 1), ("exists", 2), ("exists", 3)]
    assert _kid(id_token) == kid_before  # signed with the key published before the restart


def _kid(token: str) -> str:
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    return str(header["kid"])


def test_moved_addresses_send_a_restored_channel_to_the_receivers_new_home(
    hook: tuple[Hook, str],
) -> None:
    receiver, hook_url = hook
    first = create_demo_state([CALLBACK])
    with _serve(first) as base_url, httpx2.Client(base_url=base_url, timeout=5) as http:
        api = calendar_client(base_url, access_token(http, TARA))
        with api:
            api.post(
                "/calendars/primary/events/watch",
                json={"id": "moving", "type": "web_hook", "address": "http://127.0.0.1:9/old/hook"},
            ).raise_for_status()
    second = create_demo_state([CALLBACK])
    load_state(second, dump_state(first))

    moved = move_addresses(second, "http://127.0.0.1:9/old", hook_url)

    with _serve(second) as base_url, httpx2.Client(base_url=base_url, timeout=5) as http:
        http.post(
            f"/_emulator/calendars/{TARA}/events",
            json=event_body(
                "Tutoring: after the move", "2026-12-21T10:00:00Z", "2026-12-21T11:00:00Z"
            ),
        ).raise_for_status()
        numbers = receiver.wait_for(1)
    assert moved == 1
    assert numbers == [("exists", 2)]


@pytest.mark.parametrize(
    "damage",
    [
        lambda s: {**s, "format": 99},
        lambda s: {**s, "events": [{"id": "no calendar"}]},
        lambda s: {k: v for k, v in s.items() if k != "keys"},
    ],
    ids=["another format", "a damaged event", "no keys"],
)
def test_a_damaged_snapshot_is_refused_and_changes_nothing(damage: Any) -> None:
    state = create_demo_state([CALLBACK])
    before = dump_state(state)

    with pytest.raises(SnapshotInvalid):
        load_state(state, damage(before))

    assert dump_state(state) == before
