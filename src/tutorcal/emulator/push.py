"""Push notification channels (events.watch, channels.stop) and their delivery.

As https://developers.google.com/workspace/calendar/api/guides/push describes: a new channel
first gets a ``sync`` message (``X-Goog-Message-Number: 1``), then one ``exists`` message per
change to the calendar's events, with increasing numbers; the body is empty; a channel past
its expiration gets nothing. Delivery never blocks the API request that caused it: each
channel has its own queue (so its messages arrive in order) drained by a background task
over one shared ``httpx2.AsyncClient``, with a short timeout and a couple of retries on the
statuses Google retries (500, 502, 503, 504) and on transport errors.

Real Google only calls HTTPS addresses with valid certificates; the emulator also accepts
plain http to a loopback address, where a developer's tutorcal listens.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx2

from tutorcal.emulator.calendar_errors import CalendarError, bad_request

if TYPE_CHECKING:
    from tutorcal.emulator.state import Clock

# Community reports put Google's limit for event channels at about a week (FACTS.md B3).
MAX_CHANNEL_LIFETIME = timedelta(days=7)
DELIVERY_TIMEOUT_SECONDS = 2.0
RETRY_DELAYS_SECONDS = (0.05, 0.25)
_SUCCESS = frozenset({102, 200, 201, 202, 204})
_RETRIED = frozenset({500, 502, 503, 504})
USER_AGENT = "APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)"


@dataclass
class Channel:
    id: str
    resource_id: str
    resource_uri: str
    calendar_id: str
    address: str
    token: str | None
    expires_at: datetime
    user: str
    client_id: str | None
    created_at: datetime
    next_number: int = 1
    delivered: int = 0
    failed: int = 0
    last_status: int | None = None
    is_stopped: bool = False
    pending: deque[tuple[str, int]] = field(default_factory=deque)
    worker: asyncio.Task[None] | None = None

    def is_live(self, now: datetime) -> bool:
        return not self.is_stopped and now < self.expires_at

    def as_resource(self) -> dict[str, Any]:
        resource: dict[str, Any] = {
            "kind": "api#channel",
            "id": self.id,
            "resourceId": self.resource_id,
            "resourceUri": self.resource_uri,
        }
        if self.token is not None:
            resource["token"] = self.token
        # int64 fields travel as JSON strings in Google's discovery-based APIs.
        resource["expiration"] = str(int(self.expires_at.timestamp() * 1000))
        return resource


def new_channel(
    body: dict[str, Any],
    *,
    calendar_id: str,
    resource_id: str,
    resource_uri: str,
    user: str,
    client_id: str | None,
    now: datetime,
) -> Channel:
    """A channel from an events.watch body; raises CalendarError (400) when it is not valid."""
    channel_id = body.get("id")
    if not isinstance(channel_id, str) or not channel_id:
        raise CalendarError(400, "required", "Required channel id.", location="id")
    if len(channel_id) > 64:
        raise bad_request("Channel id must be at most 64 characters.", location="id")
    if body.get("type") not in ("web_hook", "webhook"):
        raise bad_request(
            f"Invalid channel type {body.get('type')!r}; use web_hook.", location="type"
        )
    address = body.get("address")
    if not isinstance(address, str) or not _is_allowed_address(address):
        raise CalendarError(
            400, "push.webhookUrlNotHttps", f"WebHook callback must be HTTPS: {address}"
        )
    token = body.get("token")
    if token is not None and (not isinstance(token, str) or len(token) > 256):
        raise bad_request(
            "Channel token must be a string of at most 256 characters.", location="token"
        )
    return Channel(
        id=channel_id,
        resource_id=resource_id,
        resource_uri=resource_uri,
        calendar_id=calendar_id,
        address=address,
        token=token,
        expires_at=_expiration(body.get("expiration"), now),
        user=user,
        client_id=client_id,
        created_at=now,
    )


def _expiration(value: object, now: datetime) -> datetime:
    latest = now + MAX_CHANNEL_LIFETIME
    if value is None:
        return latest
    try:
        requested = datetime.fromtimestamp(int(str(value)) / 1000, tz=UTC)
    except (ValueError, OverflowError) as exc:
        raise bad_request("Invalid expiration.", location="expiration") from exc
    if requested <= now:
        raise bad_request("Channel expiration must be in the future.", location="expiration")
    return min(requested, latest)  # "the more restrictive value is used"


def _is_allowed_address(address: str) -> bool:
    parts = urlsplit(address)
    if not parts.hostname:
        return False
    if parts.scheme == "https":
        return True
    if parts.scheme != "http":
        return False
    if parts.hostname.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


class Notifier:
    """Live channels and the background delivery of their messages."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.channels: dict[str, Channel] = {}
        self._client: httpx2.AsyncClient | None = None
        self._draining = 0

    def open(self, channel: Channel) -> None:
        existing = self.channels.get(channel.id)
        if existing is not None and existing.is_live(self.clock.now()):
            raise CalendarError(400, "channelIdNotUnique", f"Channel id {channel.id} not unique")
        self.channels[channel.id] = channel
        self._enqueue(channel, "sync")

    def calendar_changed(self, calendar_id: str) -> None:
        now = self.clock.now()
        for channel in list(self.channels.values()):
            if channel.calendar_id == calendar_id and channel.is_live(now):
                self._enqueue(channel, "exists")

    def live(self) -> list[Channel]:
        now = self.clock.now()
        return [channel for channel in self.channels.values() if channel.is_live(now)]

    def stop(self, channel_id: str, resource_id: str, user: str, client_id: str | None) -> bool:
        """Only "the same user from the same client ... who created the channel can stop" it."""
        channel = self.channels.get(channel_id)
        if channel is None or channel.resource_id != resource_id:
            return False
        if channel.user != user or channel.client_id != client_id:
            return False
        if not channel.is_live(self.clock.now()):
            return False
        channel.is_stopped = True
        channel.pending.clear()
        return True

    def reset(self) -> None:
        for channel in self.channels.values():
            channel.is_stopped = True
            channel.pending.clear()
            if channel.worker is not None and not channel.worker.done():
                channel.worker.cancel()
        self.channels = {}

    def _enqueue(self, channel: Channel, state: str) -> None:
        channel.pending.append((state, channel.next_number))
        channel.next_number += 1
        if channel.worker is None or channel.worker.done():
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                return  # seeded outside a loop: delivered with the next message
            channel.worker = loop.create_task(self._drain(channel), name=f"push:{channel.id}")

    async def _drain(self, channel: Channel) -> None:
        self._draining += 1
        try:
            while channel.pending:
                if not channel.is_live(self.clock.now()):
                    channel.pending.clear()
                    break
                state, number = channel.pending.popleft()
                await self._deliver(channel, state, number)
        finally:
            self._draining -= 1
            if self._draining == 0 and self._client is not None:
                # Idle: close the pool, so no connection outlives the loop that opened it.
                client, self._client = self._client, None
                await client.aclose()

    async def _deliver(self, channel: Channel, state: str, number: int) -> None:
        headers = {
            "User-Agent": USER_AGENT,
            "Content-Type": "application/json; utf-8",
            "X-Goog-Channel-ID": channel.id,
            "X-Goog-Channel-Expiration": format_datetime(
                channel.expires_at.astimezone(UTC), usegmt=True
            ),
            "X-Goog-Resource-ID": channel.resource_id,
            "X-Goog-Resource-URI": channel.resource_uri,
            "X-Goog-Resource-State": state,
            "X-Goog-Message-Number": str(number),
            **({"X-Goog-Channel-Token": channel.token} if channel.token is not None else {}),
        }
        for delay in (*RETRY_DELAYS_SECONDS, None):
            try:
                response = await self._http().post(channel.address, headers=headers, content=b"")
            except httpx2.HTTPError:
                channel.last_status = None
            else:
                channel.last_status = response.status_code
                if response.status_code in _SUCCESS:
                    channel.delivered += 1
                    return
                if response.status_code not in _RETRIED:
                    break
            if delay is None:
                break
            await asyncio.sleep(delay)
        channel.failed += 1

    def _http(self) -> httpx2.AsyncClient:
        if self._client is None:
            self._client = httpx2.AsyncClient(
                timeout=DELIVERY_TIMEOUT_SECONDS, follow_redirects=False
            )
        return self._client
