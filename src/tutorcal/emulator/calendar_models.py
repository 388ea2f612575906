"""What the emulated Calendar API remembers: calendars, events, sync checkpoints.

Events are kept as Google's own JSON (camelCase) so that ``update`` and ``patch`` replace or
merge fields exactly as the wire format names them; only bookkeeping lives beside the body.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

BASE32HEX = "0123456789abcdefghijklmnopqrstuv"


def new_event_id() -> str:
    """26 characters of base32hex, like the ids Google generates."""
    return "".join(secrets.choice(BASE32HEX) for _ in range(26))


@dataclass
class Calendar:
    id: str
    owner: str
    summary: str
    time_zone: str
    is_primary: bool
    created_at: datetime
    description: str | None = None
    # Every change to an event of this calendar takes the next number; sync tokens remember
    # the number they were issued at.
    change_seq: int = 0
    # Raised to invalidate every outstanding sync token at once.
    token_generation: int = 0
    # The opaque, stable id of the watched events collection (X-Goog-Resource-ID).
    resource_id: str = field(default_factory=lambda: secrets.token_urlsafe(18))


@dataclass
class RetiredInstance:
    """An instance a series no longer has (it moved, or lost dates): clients that synced it
    must hear that it is cancelled."""

    seq: int
    original_start: datetime | date


@dataclass
class StoredEvent:
    calendar_id: str
    id: str
    # Google's resource without kind, id, etag and htmlLink (those are derived on output).
    body: dict[str, Any]
    revision: int
    changed_seq: int
    updated_at: datetime
    # Set on exceptions: one instance of a series, modified or cancelled on its own.
    recurring_event_id: str | None = None
    original_start: datetime | date | None = None
    retired: dict[str, RetiredInstance] = field(default_factory=dict)

    @property
    def is_cancelled(self) -> bool:
        return self.body.get("status") == "cancelled"

    @property
    def is_recurring(self) -> bool:
        return bool(self.body.get("recurrence")) and self.recurring_event_id is None

    @property
    def etag(self) -> str:
        return etag_of(self.revision)


def etag_of(revision: int) -> str:
    # Google's event etags are quoted decimal strings such as "3181161784712000".
    return f'"{3_180_000_000_000_000 + revision}"'


@dataclass(frozen=True)
class SyncCheckpoint:
    calendar_id: str
    seq: int
    generation: int
    issued_at: datetime
    # The full sync's window, used to expand series whose master changed.
    window_min: datetime | None
    window_max: datetime | None


@dataclass
class PageSnapshot:
    """The rest of a listing, frozen when its first page was served."""

    fingerprint: tuple[tuple[str, str], ...]
    items: list[dict[str, Any]]
    header: dict[str, Any]
    next_sync_token: str | None
    created_at: datetime
