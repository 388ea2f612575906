"""What a sync found in Google that matters to others, as facts, for them to act on.

google/ knows events and sessions; what a retired session or a vanished slot event means
for a booking is bookings' decision. The sync engine hands these to a MirrorChangeHandler
(bookings/mirror_changes.py, wired in runtime.py) inside the transaction that writes the
mirror, in the order they were found, so the mirror and its consequences commit together.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class SessionRetired:
    """The session's event is gone, lost its keyword, or is not the tutor's to change."""

    session_id: uuid.UUID
    why: str


@dataclass(frozen=True)
class SessionEdited:
    """Something people see changed on a live session; these are its times now."""

    session_id: uuid.UUID
    start_at: datetime
    end_at: datetime


@dataclass(frozen=True)
class SlotEventsDeleted:
    """Google listed these events on the calendar as deleted (as read at ``read_at``)."""

    google_calendar_id: str
    event_ids: tuple[str, ...]
    read_at: datetime


@dataclass(frozen=True)
class EventsListedInWindow:
    """A full sync: these are all the live events in the window, as read at ``read_at``."""

    tutor_id: uuid.UUID
    google_calendar_id: str
    live_event_ids: frozenset[str]
    window_start_at: datetime
    window_end_at: datetime
    read_at: datetime


@dataclass(frozen=True)
class AttendeesRead:
    """Every active session on the calendar holds Google's guest list as read at ``read_at``.

    An incremental sync lists only the events changed since the sync before it, which read
    Google at ``previous_read_at`` and reconciled every seat written before that: only the
    sessions it listed (``session_ids``) can have lost a guest since. None: any may have (a
    full sync, or none before it)."""

    calendar_id: uuid.UUID
    read_at: datetime
    session_ids: frozenset[uuid.UUID] | None = None
    previous_read_at: datetime | None = None


MirrorChange = (
    SessionRetired | SessionEdited | SlotEventsDeleted | EventsListedInWindow | AttendeesRead
)


@dataclass(frozen=True)
class ChangeEffects:
    """What the handler did about the changes, for the sync's audit entry."""

    bookings_cancelled: int = 0
    students_removed: int = 0
    slots_cancelled: int = 0
    # Sessions that lost a student, in the order they did.
    session_ids: tuple[str, ...] = ()


class MirrorChangeHandler(Protocol):
    async def apply(self, changes: Sequence[MirrorChange]) -> ChangeEffects:
        """Runs inside the sync's open transaction; must not call Google."""
        ...
