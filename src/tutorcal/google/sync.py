"""Keeping the mirror of a tutor's calendar in step with Google.

A sync claims the calendar with a short lease (a compare-and-swap UPDATE, so it works the
same on every database and across any number of instances), calls Google with no
transaction open, then applies the answer in one transaction. Notifications that arrive
meanwhile only set ``sync_requested_at``; the lease holder looks at it after releasing the
lease and syncs once more if it moved past the moment its pass read Google, so a burst costs
at most two syncs. What is left after MAX_PASSES (or by a process that died) is found by the
periodic sync: ``sync_requested_at`` newer than ``last_sync_started_at``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import NamedTuple

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from tutorcal.audit import service as audit
from tutorcal.core.metrics import SYNCS
from tutorcal.core.time import Clock, utcnow
from tutorcal.google.calendar_client import CalendarClient
from tutorcal.google.calendar_errors import (
    CalendarApiError,
    CalendarForbidden,
    CalendarNotFound,
    SyncTokenExpired,
    Unauthorized,
    Unreachable,
)
from tutorcal.google.changes import AttendeesRead, EventsListedInWindow, MirrorChangeHandler
from tutorcal.google.grants import NoLiveCalendarGrant
from tutorcal.google.mirror import MirrorChanges, apply_events, remove_unseen
from tutorcal.google.models import CalendarSyncStatus, MirroredCalendar
from tutorcal.tutors.models import TutorProfile

logger = logging.getLogger("tutorcal.google.sync")

ClientFactory = Callable[[str], Awaitable[CalendarClient]]
"""A Calendar client acting as the tutor with this user id."""

# A lease is short and renewed while its sync runs: a process killed mid-sync strands the
# calendar for LEASE at most, and pushes that arrive meanwhile are served once it lapses.
# Leases and requests are stamped with wall time: they are renewed by real sleeps and shared
# with other processes, whatever clock this one's rules follow.
LEASE = timedelta(seconds=30)
LEASE_RENEW_SECONDS = 10.0
# After this many failed syncs in a row the calendar fails closed: no times are offered.
FAILURES_BEFORE_UNAVAILABLE = 3
# The mirror reaches from yesterday to the booking horizon plus this margin; a full sync
# moves the window forward once it falls short of the horizon.
WINDOW_MARGIN = timedelta(days=7)
MAX_PASSES = 3
_SYNC_RESULT_FIELDS = [
    "time_zone",
    "window_start_at",
    "window_end_at",
    "last_full_sync_at",
    "sync_token",
    "last_synced_at",
    "last_sync_started_at",
    "status",
    "consecutive_failures",
    "last_error",
]


class SyncOutcome(NamedTuple):
    calendar_id: str
    kind: str
    ok: bool
    changes: MirrorChanges | None = None
    error: str | None = None


def window_for(profile: TutorProfile, now: datetime) -> tuple[datetime, datetime]:
    start = (now - timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return start, now + timedelta(days=profile.horizon_days) + WINDOW_MARGIN


async def _claim(calendar_id: object) -> datetime | None:
    now = utcnow()
    claimed = await MirroredCalendar.filter(
        Q(id=calendar_id) & (Q(sync_lease_until__isnull=True) | Q(sync_lease_until__lt=now))
    ).update(sync_lease_until=now + LEASE, sync_started_at=now)
    return now if claimed == 1 else None


async def _already_served(calendar_id: object, requested_at: datetime) -> bool:
    calendar = await MirroredCalendar.get_or_none(id=calendar_id)
    served_from = calendar.last_sync_started_at if calendar else None
    return served_from is not None and served_from >= requested_at


async def _keep_lease(calendar_id: object, started_at: datetime) -> None:
    """Renews our lease until cancelled; ``sync_started_at`` tells our lease from a newer one."""
    while True:
        await asyncio.sleep(LEASE_RENEW_SECONDS)
        await MirroredCalendar.filter(id=calendar_id, sync_started_at=started_at).update(
            sync_lease_until=utcnow() + LEASE
        )


async def _release(calendar_id: object) -> None:
    await MirroredCalendar.filter(id=calendar_id).update(sync_lease_until=None)


class SyncEngine:
    def __init__(
        self, client_for_tutor: ClientFactory, on_changes: MirrorChangeHandler, clock: Clock
    ) -> None:
        self._client_for_tutor = client_for_tutor
        self._on_changes = on_changes
        self._clock = clock

    async def sync_until_quiet(
        self, calendar_id: object, *, force_full: bool = False, requested_at: datetime | None = None
    ) -> list[SyncOutcome]:
        """Sync now if nobody else is; again while notifications keep arriving meanwhile.

        With ``requested_at`` (when the latest notification came in), nothing happens if a
        sync that began after it has finished already: duplicates on other instances are free.
        """
        outcomes: list[SyncOutcome] = []
        for _ in range(MAX_PASSES):
            started_at = await _claim(calendar_id)
            if started_at is None:
                return outcomes  # another worker holds it and will look at the request flag
            if requested_at is not None and await _already_served(calendar_id, requested_at):
                await _release(calendar_id)
                return outcomes
            keeper = asyncio.create_task(_keep_lease(calendar_id, started_at))
            try:
                outcomes.append(await self._sync_once(calendar_id, force_full=force_full))
            finally:
                keeper.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await keeper
                # Release first, then look: a request made after this read finds the lease free.
                await _release(calendar_id)
            force_full = False
            # ``requested_at`` spoke for the notification that started this call, which the
            # pass just served; a later one is judged by the flag below alone (it may have
            # come in while that pass read Google, after its read).
            requested_at = None
            calendar = await MirroredCalendar.get_or_none(id=calendar_id)
            if (
                calendar is None
                or not calendar.sync_requested_at
                or calendar.sync_requested_at <= started_at
            ):
                return outcomes
        return outcomes

    async def has_unserved_request(self, calendar_id: object) -> bool:
        """A notification (on any instance) came in after the last sync read Google, and no
        sync runs now to take it: the one that ran stopped at MAX_PASSES, or it was ours."""
        calendar = await MirroredCalendar.get_or_none(id=calendar_id)
        if calendar is None or calendar.sync_requested_at is None:
            return False
        if calendar.sync_lease_until is not None and calendar.sync_lease_until > utcnow():
            return False  # its holder looks at the flag when it is done
        started = calendar.last_sync_started_at
        return started is None or calendar.sync_requested_at > started

    async def _sync_once(self, calendar_id: object, *, force_full: bool) -> SyncOutcome:
        calendar = await MirroredCalendar.get(id=calendar_id).select_related("tutor")
        previous_read_at = calendar.last_sync_started_at
        profile, _ = await TutorProfile.get_or_create(user=calendar.tutor)
        # The read is ordered against bookings' own stamps (read_at); the window and how fresh
        # the copy is are rules, and follow the clock.
        read_at = utcnow()
        now = self._clock.now()
        window_start, window_end = window_for(profile, now)
        needs_full = (
            force_full
            or not calendar.sync_token
            or calendar.window_end_at is None
            or calendar.window_end_at < now + timedelta(days=profile.horizon_days)
        )
        kind = "full" if needs_full else "incremental"
        try:
            client = await self._client_for_tutor(str(calendar.tutor.id))
            if needs_full:
                page = await client.list_events(
                    calendar.google_calendar_id, time_min=window_start, time_max=window_end
                )
            else:
                try:
                    page = await client.list_events(
                        calendar.google_calendar_id, sync_token=calendar.sync_token
                    )
                except SyncTokenExpired:
                    # 410: the token is gone; only a clean full sync brings the mirror back.
                    kind = "full"
                    page = await client.list_events(
                        calendar.google_calendar_id, time_min=window_start, time_max=window_end
                    )
        except (NoLiveCalendarGrant, Unauthorized) as exc:
            return await self._failed(calendar, kind, exc, unavailable=True)
        except (CalendarNotFound, CalendarForbidden) as exc:
            # The tutor lost access to this calendar, or it was deleted.
            return await self._failed(calendar, kind, exc, unavailable=True)
        except (CalendarApiError, Unreachable) as exc:
            return await self._failed(calendar, kind, exc, unavailable=False)

        changes = MirrorChanges()
        async with in_transaction():
            if page.time_zone:
                calendar.time_zone = page.time_zone
            await apply_events(calendar, profile, page.events, changes, read_at=read_at)
            if kind == "full":
                await remove_unseen(
                    calendar, changes.seen_event_ids, window_start, window_end, changes
                )
                changes.found.append(
                    EventsListedInWindow(
                        calendar.tutor_id,
                        calendar.google_calendar_id,
                        frozenset(changes.live_event_ids),
                        window_start,
                        window_end,
                        read_at=read_at,
                    )
                )
            changes.found.append(
                AttendeesRead(calendar.id, read_at=read_at)
                if kind == "full"
                else AttendeesRead(
                    calendar.id,
                    read_at=read_at,
                    session_ids=frozenset(changes.listed_session_ids),
                    previous_read_at=previous_read_at,
                )
            )
            # In this transaction: a booking cancelled for a retired session commits with it.
            changes.absorb(await self._on_changes.apply(changes.found))
            detail = changes.audit_detail()
            if detail is not None:
                # One entry per sync, with counts: a tutor's term of sessions appearing at
                # once must not bury what people did in the audit log.
                await audit.record(
                    "calendar_synced",
                    subject_type="calendar",
                    subject_id=str(calendar.id),
                    detail={"tutor_id": str(calendar.tutor.id), "kind": kind, **detail},
                )
            if kind == "full":
                # Whether anything changed or not: the window read is what the next sync's
                # choice of full or incremental rests on.
                calendar.window_start_at = window_start
                calendar.window_end_at = window_end
                calendar.last_full_sync_at = now
            calendar.sync_token = page.next_sync_token
            calendar.last_sync_started_at = read_at
            calendar.last_synced_at = self._clock.now()
            calendar.status = CalendarSyncStatus.OK
            calendar.consecutive_failures = 0
            calendar.last_error = None
            # Only these: a notification may have set sync_requested_at meanwhile.
            await calendar.save(update_fields=_SYNC_RESULT_FIELDS)
        SYNCS.labels(kind=kind, outcome="ok").inc()
        return SyncOutcome(str(calendar.id), kind, True, changes)

    async def _failed(
        self, calendar: MirroredCalendar, kind: str, error: Exception, *, unavailable: bool
    ) -> SyncOutcome:
        failures = calendar.consecutive_failures + 1
        status = (
            CalendarSyncStatus.UNAVAILABLE
            if unavailable or failures >= FAILURES_BEFORE_UNAVAILABLE
            else CalendarSyncStatus.FAILING
        )
        await MirroredCalendar.filter(id=calendar.id).update(
            consecutive_failures=failures, status=status, last_error=str(error)[:500]
        )
        SYNCS.labels(kind=kind, outcome="failed").inc()
        logger.warning("sync of calendar %s failed (%s): %s", calendar.id, kind, error)
        if (
            status == CalendarSyncStatus.UNAVAILABLE
            and calendar.status != CalendarSyncStatus.UNAVAILABLE
        ):
            await audit.record(
                "sync_failure",
                subject_type="calendar",
                subject_id=str(calendar.id),
                detail={"tutor_id": str(calendar.tutor.id), "error": str(error)[:200]},
            )
        return SyncOutcome(str(calendar.id), kind, False, error=type(error).__name__)
