"""The emulator's lasting state as JSON, so that a demo stops and starts again where it was.

What lasts is what Google keeps: the accounts, each user's grants and live tokens, the signing
keys, the calendars with their events and change numbers, and the live push channels with
their message numbers (a receiver drops a message whose number it has seen, so numbering
must go on, not start again at 1). What does not: sync tokens and listing pages (a client
holding one gets 410 and syncs afresh, which it must be ready for at any time), codes and
pending consents (minutes of life), and the test tooling: faults, rate limits, counters, the
request log, queued instructions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from tutorcal.emulator.calendar_models import Calendar, RetiredInstance, StoredEvent
from tutorcal.emulator.keys import SigningKeys
from tutorcal.emulator.models import AccessToken, RefreshToken, User
from tutorcal.emulator.push import Channel
from tutorcal.emulator.state import EmulatorState

SNAPSHOT_FORMAT = 1


class SnapshotInvalid(ValueError):
    """Not a snapshot this emulator can load (another format, or damaged)."""


def dump_state(state: EmulatorState) -> dict[str, Any]:
    """JSON-ready; the live state is not touched."""
    now = state.clock.now()
    tokens = state.tokens
    return {
        "format": SNAPSHOT_FORMAT,
        "users": [asdict(user) for user in state.users.values()],
        "granted_scopes": [
            [email, client_id, list(scopes)]
            for (email, client_id), scopes in tokens.granted_scopes.items()
        ],
        "refresh_tokens": [
            {
                **asdict(token),
                "scopes": list(token.scopes),
                "created_at": _instant(token.created_at),
            }
            for token in tokens.refresh_tokens.values()
            if token.is_live
        ],
        "access_tokens": [
            {
                **asdict(token),
                "scopes": list(token.scopes),
                "expires_at": _instant(token.expires_at),
            }
            for token in tokens.access_tokens.values()
            if token.is_live(now)
        ],
        "keys": state.keys.export(),
        "calendars": [_calendar(calendar) for calendar in state.calendar.calendars.values()],
        "primary_time_zones": dict(state.calendar.primary_time_zones),
        "events": [_event(event) for event in state.calendar.every_event()],
        "revision": state.calendar.revision,
        "channels": [_channel(channel) for channel in state.notifier.live()],
    }


def load_state(state: EmulatorState, snapshot: Mapping[str, Any]) -> None:
    """Replace ``state``'s lasting parts with the snapshot's; all or nothing
    (``SnapshotInvalid``, and ``state`` as it was)."""
    if snapshot.get("format") != SNAPSHOT_FORMAT:
        raise SnapshotInvalid(f"snapshot format {snapshot.get('format')!r}, not {SNAPSHOT_FORMAT}")
    try:
        users = [User(**fields) for fields in snapshot["users"]]
        granted = {
            (str(email), str(client_id)): tuple(scopes)
            for email, client_id, scopes in snapshot["granted_scopes"]
        }
        refresh_tokens = [_refresh_token(fields) for fields in snapshot["refresh_tokens"]]
        access_tokens = [_access_token(fields) for fields in snapshot["access_tokens"]]
        keys = SigningKeys.restore(snapshot["keys"])
        calendars = [_load_calendar(fields) for fields in snapshot["calendars"]]
        events = [_load_event(fields) for fields in snapshot["events"]]
        channels = [_load_channel(fields) for fields in snapshot["channels"]]
        time_zones = {str(k): str(v) for k, v in snapshot["primary_time_zones"].items()}
        revision = int(snapshot["revision"])
    except (KeyError, TypeError, ValueError) as exc:
        raise SnapshotInvalid(f"damaged snapshot: {exc!r}") from exc
    state.users = {user.email: user for user in users}
    state.tokens.codes.clear()
    state.tokens.pending.clear()
    state.tokens.granted_scopes = granted
    state.tokens.refresh_tokens = {token.token: token for token in refresh_tokens}
    state.tokens.access_tokens = {token.token: token for token in access_tokens}
    state.keys = keys
    state.calendar.restore(calendars, time_zones, events, revision)
    state.notifier.reset()
    state.notifier.channels = {channel.id: channel for channel in channels}


def move_addresses(state: EmulatorState, old_base: str, new_base: str) -> int:
    """The receiver moved (a demo restarted on another port): live channels deliver to, and
    name resources under, ``new_base`` where they had ``old_base``. How many changed."""
    moved = 0
    if old_base == new_base:
        return moved
    for channel in state.notifier.channels.values():
        if channel.address.startswith(f"{old_base}/"):
            channel.address = new_base + channel.address.removeprefix(old_base)
            moved += 1
        if channel.resource_uri.startswith(f"{old_base}/"):
            channel.resource_uri = new_base + channel.resource_uri.removeprefix(old_base)
    return moved


def _instant(value: datetime) -> str:
    return value.isoformat()


def _when(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _load_when(value: str | None) -> datetime | date | None:
    if value is None:
        return None
    # An all-day instance starts on a date; everything else at an aware instant.
    return date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)


def _calendar(calendar: Calendar) -> dict[str, Any]:
    return {**asdict(calendar), "created_at": _instant(calendar.created_at)}


def _load_calendar(fields: Mapping[str, Any]) -> Calendar:
    return Calendar(**{**fields, "created_at": datetime.fromisoformat(fields["created_at"])})


def _event(event: StoredEvent) -> dict[str, Any]:
    return {
        "calendar_id": event.calendar_id,
        "id": event.id,
        "body": event.body,
        "revision": event.revision,
        "changed_seq": event.changed_seq,
        "updated_at": _instant(event.updated_at),
        "recurring_event_id": event.recurring_event_id,
        "original_start": _when(event.original_start),
        "retired": {
            instance_id: {"seq": retired.seq, "original_start": _when(retired.original_start)}
            for instance_id, retired in event.retired.items()
        },
    }


def _load_event(fields: Mapping[str, Any]) -> StoredEvent:
    retired: dict[str, RetiredInstance] = {}
    for instance_id, instance in fields["retired"].items():
        original_start = _load_when(instance["original_start"])
        if original_start is None:
            raise ValueError(f"retired instance {instance_id} without a start")
        retired[str(instance_id)] = RetiredInstance(int(instance["seq"]), original_start)
    if not isinstance(fields["body"], dict):
        raise TypeError("an event body must be an object")
    return StoredEvent(
        calendar_id=str(fields["calendar_id"]),
        id=str(fields["id"]),
        body=fields["body"],
        revision=int(fields["revision"]),
        changed_seq=int(fields["changed_seq"]),
        updated_at=datetime.fromisoformat(fields["updated_at"]),
        recurring_event_id=fields["recurring_event_id"],
        original_start=_load_when(fields["original_start"]),
        retired=retired,
    )


def _refresh_token(fields: Mapping[str, Any]) -> RefreshToken:
    return RefreshToken(
        **{
            **fields,
            "scopes": tuple(fields["scopes"]),
            "created_at": datetime.fromisoformat(fields["created_at"]),
        }
    )


def _access_token(fields: Mapping[str, Any]) -> AccessToken:
    return AccessToken(
        **{
            **fields,
            "scopes": tuple(fields["scopes"]),
            "expires_at": datetime.fromisoformat(fields["expires_at"]),
        }
    )


_CHANNEL_FIELDS = (
    "id",
    "resource_id",
    "resource_uri",
    "calendar_id",
    "address",
    "token",
    "user",
    "client_id",
    "next_number",
    "delivered",
    "failed",
    "last_status",
)


def _channel(channel: Channel) -> dict[str, Any]:
    # Messages not yet delivered are not kept: a restarted receiver syncs afresh anyway.
    return {
        **{name: getattr(channel, name) for name in _CHANNEL_FIELDS},
        "expires_at": _instant(channel.expires_at),
        "created_at": _instant(channel.created_at),
    }


def _load_channel(fields: Mapping[str, Any]) -> Channel:
    return Channel(
        **{name: fields[name] for name in _CHANNEL_FIELDS},
        expires_at=datetime.fromisoformat(fields["expires_at"]),
        created_at=datetime.fromisoformat(fields["created_at"]),
    )
