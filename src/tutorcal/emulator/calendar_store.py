"""In-memory calendars, events, sync tokens and page snapshots of the emulated Calendar API.

Every change to an event takes the calendar's next change number; a sync token is the number
it was issued at, so an incremental sync returns exactly the events changed since. Touched only
from the event loop, like the rest of the emulator's state.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from tutorcal.emulator.calendar_errors import CalendarError
from tutorcal.emulator.calendar_models import (
    Calendar,
    PageSnapshot,
    StoredEvent,
    SyncCheckpoint,
    new_event_id,
)
from tutorcal.emulator.event_resource import format_timestamp

if TYPE_CHECKING:
    from tutorcal.emulator.state import Clock

# Google does not publish how long a sync token lives ("tokens expire"); a month keeps a
# paused development database usable while still letting a test reach "too old".
SYNC_TOKEN_LIFETIME = timedelta(days=30)
_MAX_SYNC_TOKENS = 20_000
_MAX_PAGE_SNAPSHOTS = 500
PAGE_SNAPSHOT_LIFETIME = timedelta(hours=1)

ChangeListener = Callable[[str], None]


class CalendarStore:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.calendars: dict[str, Calendar] = {}
        self.primary_time_zones: dict[str, str] = {}
        self._events: dict[str, dict[str, StoredEvent]] = {}
        self._tokens: OrderedDict[str, SyncCheckpoint] = OrderedDict()
        self._pages: OrderedDict[str, PageSnapshot] = OrderedDict()
        self._revision = 0
        self.listeners: list[ChangeListener] = []

    # Calendars

    def ensure_primary(self, email: str) -> Calendar:
        """Every account has a primary calendar whose id is its address."""
        email = email.lower()
        calendar = self.calendars.get(email)
        if calendar is None:
            calendar = Calendar(
                id=email,
                owner=email,
                summary=email,
                time_zone=self.primary_time_zones.get(email, "UTC"),
                is_primary=True,
                created_at=self.clock.now(),
            )
            self.calendars[email] = calendar
        return calendar

    def set_primary_time_zone(self, email: str, time_zone: str) -> Calendar:
        self.primary_time_zones[email.lower()] = time_zone
        calendar = self.ensure_primary(email)
        calendar.time_zone = time_zone
        return calendar

    def add_calendar(
        self, owner: str, summary: str, time_zone: str, calendar_id: str | None = None
    ) -> Calendar:
        calendar = Calendar(
            id=calendar_id or f"{new_event_id()}@group.calendar.google.com",
            owner=owner.lower(),
            summary=summary,
            time_zone=time_zone,
            is_primary=False,
            created_at=self.clock.now(),
        )
        self.calendars[calendar.id] = calendar
        return calendar

    def calendar(self, calendar_id: str) -> Calendar | None:
        return self.calendars.get(calendar_id) or self.calendars.get(calendar_id.lower())

    def calendars_of(self, owner: str) -> list[Calendar]:
        owned = [c for c in self.calendars.values() if c.owner == owner.lower()]
        return sorted(owned, key=lambda c: (not c.is_primary, c.created_at))

    # Events

    def events_of(self, calendar_id: str) -> list[StoredEvent]:
        return list(self._events.get(calendar_id, {}).values())

    def event(self, calendar_id: str, event_id: str) -> StoredEvent | None:
        return self._events.get(calendar_id, {}).get(event_id)

    def exceptions_of(self, master: StoredEvent) -> list[StoredEvent]:
        return [
            event
            for event in self._events.get(master.calendar_id, {}).values()
            if event.recurring_event_id == master.id
        ]

    def create(
        self,
        calendar: Calendar,
        event_id: str,
        body: dict[str, Any],
        *,
        recurring_event_id: str | None = None,
        original_start: datetime | date | None = None,
    ) -> StoredEvent:
        now = self.clock.now()
        body.setdefault("created", format_timestamp(now))
        body["updated"] = format_timestamp(now)
        event = StoredEvent(
            calendar_id=calendar.id,
            id=event_id,
            body=body,
            revision=self._next_revision(),
            changed_seq=self._next_seq(calendar),
            updated_at=now,
            recurring_event_id=recurring_event_id,
            original_start=original_start,
        )
        self._events.setdefault(calendar.id, {})[event_id] = event
        return event

    def save(self, event: StoredEvent, body: dict[str, Any]) -> StoredEvent:
        """Replace the body: a new etag, a new change number, a new ``updated``."""
        calendar = self.calendars[event.calendar_id]
        now = self.clock.now()
        body["created"] = event.body.get("created", format_timestamp(now))
        body["updated"] = format_timestamp(now)
        event.body = body
        event.revision = self._next_revision()
        event.changed_seq = self._next_seq(calendar)
        event.updated_at = now
        return event

    def next_seq(self, calendar: Calendar) -> int:
        return self._next_seq(calendar)

    def _next_seq(self, calendar: Calendar) -> int:
        calendar.change_seq += 1
        return calendar.change_seq

    def _next_revision(self) -> int:
        self._revision += 1
        return self._revision

    def announce(self, calendar_id: str) -> None:
        """Tell the listeners (push notifications) that this calendar's events changed."""
        for listener in list(self.listeners):
            listener(calendar_id)

    # Saving and restoring (``snapshot``)

    @property
    def revision(self) -> int:
        return self._revision

    def every_event(self) -> list[StoredEvent]:
        return [event for events in self._events.values() for event in events.values()]

    def restore(
        self,
        calendars: list[Calendar],
        primary_time_zones: dict[str, str],
        events: list[StoredEvent],
        revision: int,
    ) -> None:
        """Calendars and events as saved; no sync token or page survives (a client holding
        one gets 410 and syncs afresh, as it must be ready to at any time)."""
        self.calendars = {calendar.id: calendar for calendar in calendars}
        self.primary_time_zones = dict(primary_time_zones)
        self._events = {}
        for event in events:
            self._events.setdefault(event.calendar_id, {})[event.id] = event
        self._revision = revision
        self._tokens.clear()
        self._pages.clear()

    # Sync tokens

    def issue_sync_token(
        self, calendar: Calendar, seq: int, window: tuple[datetime | None, datetime | None]
    ) -> str:
        token = "CP" + secrets.token_urlsafe(24)
        self._tokens[token] = SyncCheckpoint(
            calendar.id, seq, calendar.token_generation, self.clock.now(), *window
        )
        while len(self._tokens) > _MAX_SYNC_TOKENS:
            self._tokens.popitem(last=False)
        return token

    def checkpoint(self, calendar: Calendar, token: str) -> SyncCheckpoint:
        """The checkpoint behind a sync token; 410 fullSyncRequired when it is unknown (the
        emulator restarted), invalidated, too old, or of another calendar."""
        checkpoint = self._tokens.get(token)
        if (
            checkpoint is None
            or checkpoint.calendar_id != calendar.id
            or checkpoint.generation != calendar.token_generation
            or self.clock.now() - checkpoint.issued_at > SYNC_TOKEN_LIFETIME
        ):
            raise CalendarError(410, "fullSyncRequired", location="syncToken")
        return checkpoint

    def invalidate_sync_tokens(self, calendar: Calendar) -> int:
        calendar.token_generation += 1
        stale = [t for t, c in self._tokens.items() if c.calendar_id == calendar.id]
        for token in stale:
            del self._tokens[token]
        return len(stale)

    def purge_deleted(self, calendar: Calendar) -> int:
        """Forget deleted events, as Google does after a while: no listing shows them any more,
        and a sync token from before the purge could not tell its holder, so it answers 410."""
        events = self._events.get(calendar.id, {})
        gone = [event_id for event_id, event in events.items() if event.is_cancelled]
        for event_id in gone:
            del events[event_id]
        if gone:
            self.invalidate_sync_tokens(calendar)
        return len(gone)

    # Page snapshots

    def save_page(self, snapshot: PageSnapshot) -> str:
        token = secrets.token_urlsafe(24)
        self._pages[token] = snapshot
        while len(self._pages) > _MAX_PAGE_SNAPSHOTS:
            self._pages.popitem(last=False)
        return token

    def page(self, token: str) -> PageSnapshot | None:
        # Not consumed: a client that timed out may ask for the same page again.
        snapshot = self._pages.get(token)
        if snapshot is None or self.clock.now() - snapshot.created_at > PAGE_SNAPSHOT_LIFETIME:
            return None
        return snapshot
