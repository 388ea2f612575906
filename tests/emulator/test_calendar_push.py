"""events.watch and channels.stop: notifications as Google sends them, to a receiver on a port."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import TypeVar

import httpx2
import pytest
from fastapi import FastAPI, Request, Response

from tutorcal.emulator.server import serving_in_background

from .calendar_flows import event_body
from .conftest import Emulator
from .flows import TARA

T = TypeVar("T")


class Receiver:
    """A webhook that records every notification's headers; can fail the next N deliveries."""

    def __init__(self) -> None:
        self.received: list[dict[str, str]] = []
        self.fail_next = 0
        self.base_url = ""

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/hook")
        async def hook(request: Request) -> Response:
            if self.fail_next:
                self.fail_next -= 1
                return Response(status_code=503)
            body = await request.body()
            self.received.append(
                {**{k.lower(): v for k, v in request.headers.items()}, "body": body.decode()}
            )
            return Response(status_code=200)

        return app

    def for_channel(self, channel_id: str) -> list[dict[str, str]]:
        return [n for n in self.received if n["x-goog-channel-id"] == channel_id]

    def wait_for(self, channel_id: str, count: int, timeout: float = 3.0) -> list[dict[str, str]]:
        deadline = time.monotonic() + timeout
        while len(self.for_channel(channel_id)) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.for_channel(channel_id)


@pytest.fixture(scope="module")
def _receiver_server() -> Iterator[Receiver]:
    receiver = Receiver()
    with serving_in_background(receiver.app()) as base_url:
        receiver.base_url = base_url
        yield receiver


@pytest.fixture
def receiver(_receiver_server: Receiver) -> Receiver:
    _receiver_server.received = []
    _receiver_server.fail_next = 0
    return _receiver_server


def eventually(read: Callable[[], T], until: Callable[[T], bool], timeout: float = 3.0) -> T:
    """The emulator counts a delivery once the receiver's answer is back, a moment after the
    receiver has recorded it."""
    deadline = time.monotonic() + timeout
    value = read()
    while not until(value) and time.monotonic() < deadline:
        time.sleep(0.01)
        value = read()
    return value


def watch(
    api: httpx2.Client, receiver: Receiver, channel_id: str, **fields: object
) -> httpx2.Response:
    body = {"id": channel_id, "type": "web_hook", "address": f"{receiver.base_url}/hook", **fields}
    return api.post("/calendars/primary/events/watch", json=body)


def test_watch_answers_the_channel_and_sends_the_sync_message_first(
    emulator: Emulator, tara_api: httpx2.Client, receiver: Receiver
) -> None:
    response = watch(tara_api, receiver, "channel-1", token="target=tutorcal")

    channel = response.json()
    [sync] = receiver.wait_for("channel-1", 1)
    assert response.status_code == 200
    assert channel["kind"] == "api#channel"
    assert channel["id"] == "channel-1"
    assert channel["token"] == "target=tutorcal"
    assert channel["resourceUri"] == f"{emulator.base_url}/calendar/v3/calendars/primary/events"
    assert isinstance(channel["expiration"], str)
    assert sync["x-goog-resource-state"] == "sync"
    assert sync["x-goog-message-number"] == "1"
    assert sync["x-goog-channel-token"] == "target=tutorcal"
    assert sync["x-goog-resource-id"] == channel["resourceId"]
    assert sync["x-goog-resource-uri"] == channel["resourceUri"]
    assert sync["body"] == ""
    expiration = parsedate_to_datetime(sync["x-goog-channel-expiration"])
    assert int(expiration.timestamp()) == int(channel["expiration"]) // 1000


def test_every_change_through_the_api_or_the_control_api_sends_exists_with_rising_numbers(
    emulator: Emulator, tara_api: httpx2.Client, receiver: Receiver
) -> None:
    watch(tara_api, receiver, "channel-2").raise_for_status()
    receiver.wait_for("channel-2", 1)

    created = tara_api.post(
        "/calendars/primary/events",
        json=event_body("Tutoring", "2026-12-07T10:00:00Z", "2026-12-07T11:00:00Z"),
    ).json()
    emulator.http.patch(
        f"/_emulator/calendars/{TARA}/events/{created['id']}", json={"summary": "Moved"}
    )
    emulator.http.delete(f"/_emulator/calendars/{TARA}/events/{created['id']}")
    messages = receiver.wait_for("channel-2", 4)

    assert [m["x-goog-resource-state"] for m in messages] == ["sync", "exists", "exists", "exists"]
    assert [int(m["x-goog-message-number"]) for m in messages] == [1, 2, 3, 4]
    assert "x-goog-channel-token" not in messages[1]


def test_channels_stop_ends_the_notifications_and_a_second_stop_is_404(
    emulator: Emulator, tara_api: httpx2.Client, receiver: Receiver
) -> None:
    stopped = watch(tara_api, receiver, "stopped").json()
    watch(tara_api, receiver, "witness").raise_for_status()
    receiver.wait_for("stopped", 1)

    first = tara_api.post(
        "/channels/stop", json={"id": "stopped", "resourceId": stopped["resourceId"]}
    )
    second = tara_api.post(
        "/channels/stop", json={"id": "stopped", "resourceId": stopped["resourceId"]}
    )
    emulator.http.post(
        f"/_emulator/calendars/{TARA}/events",
        json=event_body("Lunch", "2026-12-07T12:00:00Z", "2026-12-07T13:00:00Z"),
    )
    receiver.wait_for("witness", 2)

    assert first.status_code == 204
    assert second.status_code == 404
    assert [m["x-goog-resource-state"] for m in receiver.for_channel("stopped")] == ["sync"]
    assert [c["id"] for c in emulator.http.get("/_emulator/channels").json()] == ["witness"]


def test_an_expired_channel_gets_nothing(
    emulator: Emulator, tara_api: httpx2.Client, receiver: Receiver
) -> None:
    soon = datetime.now(UTC) + timedelta(minutes=1)
    watch(tara_api, receiver, "short", expiration=int(soon.timestamp() * 1000)).raise_for_status()
    receiver.wait_for("short", 1)
    emulator.clock.advance(timedelta(minutes=2))
    watch(tara_api, receiver, "long").raise_for_status()

    emulator.http.post(
        f"/_emulator/calendars/{TARA}/events",
        json=event_body("Lunch", "2026-12-07T12:00:00Z", "2026-12-07T13:00:00Z"),
    )
    receiver.wait_for("long", 2)

    assert len(receiver.for_channel("short")) == 1


def test_the_expiration_is_capped_at_a_week(tara_api: httpx2.Client, receiver: Receiver) -> None:
    far = datetime.now(UTC) + timedelta(days=30)

    channel = watch(tara_api, receiver, "far", expiration=int(far.timestamp() * 1000)).json()

    expiration = datetime.fromtimestamp(int(channel["expiration"]) / 1000, tz=UTC)
    assert timedelta(days=6, hours=23) < expiration - datetime.now(UTC) <= timedelta(days=7)


def test_a_failed_delivery_is_retried(
    emulator: Emulator, tara_api: httpx2.Client, receiver: Receiver
) -> None:
    receiver.fail_next = 1

    watch(tara_api, receiver, "flaky").raise_for_status()

    assert [m["x-goog-message-number"] for m in receiver.wait_for("flaky", 1)] == ["1"]


@pytest.mark.parametrize(
    "address", ["http://example.com/hook", "ftp://127.0.0.1/hook", "not a url"]
)
def test_an_address_that_is_not_https_nor_loopback_http_is_refused(
    tara_api: httpx2.Client, address: str
) -> None:
    response = tara_api.post(
        "/calendars/primary/events/watch",
        json={"id": "bad", "type": "web_hook", "address": address},
    )

    assert response.status_code == 400
    assert response.json()["error"]["errors"][0]["reason"] == "push.webhookUrlNotHttps"


def test_a_channel_id_in_use_is_refused(tara_api: httpx2.Client, receiver: Receiver) -> None:
    watch(tara_api, receiver, "same").raise_for_status()

    again = watch(tara_api, receiver, "same")

    assert again.status_code == 400


def test_the_control_api_lists_live_channels_with_what_they_were_sent(
    emulator: Emulator, tara_api: httpx2.Client, receiver: Receiver
) -> None:
    watch(tara_api, receiver, "listed", token="t").raise_for_status()
    receiver.wait_for("listed", 1)

    [channel] = eventually(
        lambda: emulator.http.get("/_emulator/channels").json(),
        until=lambda channels: channels[0]["notifications_delivered"] == 1,
    )

    assert channel["id"] == "listed"
    assert channel["calendar_id"] == TARA
    assert channel["address"] == f"{receiver.base_url}/hook"
    assert channel["notifications_delivered"] == 1
    assert channel["notifications_failed"] == 0
