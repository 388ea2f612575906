"""Calendar use cases: which calendars to mirror, syncing them, push channels, disconnecting."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from tortoise.expressions import F, Q, Subquery

from tutorcal.audit import service as audit
from tutorcal.config import Settings
from tutorcal.core.crypto import new_token, same_secret, token_hash
from tutorcal.core.http import HttpPool
from tutorcal.core.metrics import CHANNELS_EXPIRING_SOON, observe_oldest_sync
from tutorcal.core.time import Clock, utcnow
from tutorcal.google.calendar_client import CalendarClient, RetryPolicy
from tutorcal.google.calendar_errors import CalendarApiError, CalendarNotFound, Unreachable
from tutorcal.google.changes import MirrorChangeHandler
from tutorcal.google.grants import GrantStore, NoLiveCalendarGrant, calendar_status
from tutorcal.google.models import (
    CalendarSyncStatus,
    GoogleGrant,
    GrantStatus,
    MirroredCalendar,
    WatchChannel,
)
from tutorcal.google.sync import SyncEngine, SyncOutcome
from tutorcal.tutors.models import TutorProfile
from tutorcal.users.models import User

logger = logging.getLogger("tutorcal.google.service")

PRIMARY = "primary"
QUICK_RETRY = RetryPolicy(attempts=2, base_seconds=0.2, max_wait_seconds=1.0, total_seconds=4.0)
# A change must show within seconds, so a burst is waited out for at most this long.
MAX_DEBOUNCE_SECONDS = 1.0
# Rounds a background sync adds for requests another instance left to it; beyond them a
# calendar notified without pause is caught up by the periodic sync.
MAX_FOLLOW_UPS = 3
WEBHOOK_PATH = "/api/v1/webhooks/google/calendar"
# How long a tutor's first connect may take before the periodic sync takes it over.
FIRST_CONNECT_GRACE = timedelta(minutes=2)


class NotificationVerdict(NamedTuple):
    known: bool
    authentic: bool


@dataclass
class BackgroundSyncs:
    """Syncs started by notifications in this process, so a webhook can answer at once.

    This only makes changes show up fast: if an instance is stopped or throttled (Cloud Run
    limits CPU after a response), the periodic sync task still catches up.
    """

    engine: SyncEngine
    coalesce_seconds: float
    _tasks: dict[str, asyncio.Task[None]] = field(default_factory=dict)
    _last_request: dict[str, float] = field(default_factory=dict)
    _latest_request_at: dict[str, datetime] = field(default_factory=dict)
    # Calendars whose sync here still waits out a burst (it has not read Google yet), and
    # how many requests it took in without their being flagged in the database.
    _waiting: dict[str, int] = field(default_factory=dict)

    def request(self, calendar_id: str) -> None:
        self._last_request[calendar_id] = time.monotonic()
        self._latest_request_at[calendar_id] = utcnow()
        running = self._tasks.get(calendar_id)
        if running is not None and not running.done():
            # It waits for the burst to end, or it takes this request once its sync is done
            # (_latest_request_at is set again): a sync already reading Google may not see it.
            return
        self._tasks[calendar_id] = asyncio.create_task(self._run(calendar_id))

    def absorb(self, calendar_id: str) -> bool:
        """Take a notification into the sync that waits here, if one does: it reads Google
        after this, so it sees the change, and it flags the calendar in the database itself
        before it claims it (so that a sync running elsewhere looks again). True if taken.

        A booking rush writes one event after another, and each write comes back as a
        notification: this spares each of them the database writes of a new request.
        """
        if calendar_id not in self._waiting:
            return False
        self._waiting[calendar_id] += 1
        self._last_request[calendar_id] = time.monotonic()
        self._latest_request_at[calendar_id] = utcnow()
        return True

    def spawn(self, key: str, work: Coroutine[Any, Any, object]) -> None:
        """Run ``work`` in the background unless work under the same key is still running."""
        running = self._tasks.get(key)
        if running is not None and not running.done():
            work.close()
            return
        self._tasks[key] = asyncio.create_task(self._guard(key, work))

    async def _guard(self, key: str, work: Coroutine[Any, Any, object]) -> None:
        try:
            await work
        except Exception:
            logger.exception("background calendar work %s failed", key)

    async def _run(self, calendar_id: str) -> None:
        try:
            served = False
            follow_ups = 0
            while True:
                if calendar_id in self._latest_request_at:
                    # Requests made in this process while the sync below runs are taken by
                    # the next round: that sync may be reading Google already.
                    # While it waits, it has not read Google: notifications may be absorbed.
                    self._waiting[calendar_id] = 0
                    await self._debounce(calendar_id)
                    absorbed = self._waiting.pop(calendar_id, 0)
                    requested_at = self._latest_request_at.pop(calendar_id, None)
                    if absorbed and requested_at is not None:
                        # What notified() would have written for them, once for all, before
                        # the claim (forward only: another instance may have flagged a later
                        # notification).
                        await MirroredCalendar.filter(
                            Q(id=calendar_id)
                            & (
                                Q(sync_requested_at__isnull=True)
                                | Q(sync_requested_at__lt=requested_at)
                            )
                        ).update(sync_requested_at=requested_at)
                elif (
                    served
                    and follow_ups < MAX_FOLLOW_UPS
                    and await self.engine.has_unserved_request(calendar_id)
                ):
                    # Another instance's request, left when the engine stopped at MAX_PASSES.
                    follow_ups += 1
                    requested_at = None
                else:
                    return
                outcomes = await self.engine.sync_until_quiet(
                    calendar_id, requested_at=requested_at
                )
                # A failing sync is not retried here at once; the periodic sync retries it.
                served = bool(outcomes) and outcomes[-1].ok
        except Exception:
            logger.exception("background sync of calendar %s failed", calendar_id)
        finally:
            self._waiting.pop(calendar_id, None)

    async def _debounce(self, calendar_id: str) -> None:
        # Google sends notifications in bursts: wait until one has been quiet for the
        # coalescing time (but never more than MAX_DEBOUNCE), then sync once for all.
        first = time.monotonic()
        while True:
            quiet_for = time.monotonic() - self._last_request.get(calendar_id, first)
            if (
                quiet_for >= self.coalesce_seconds
                or time.monotonic() - first >= MAX_DEBOUNCE_SECONDS
            ):
                return
            await asyncio.sleep(self.coalesce_seconds - quiet_for)

    async def wait_idle(self) -> None:
        tasks = [task for task in self._tasks.values() if not task.done()]
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    async def close(self, grace_seconds: float = 5.0) -> None:
        """Let running syncs finish (each is one transaction), then cancel what is left.

        Cancelling mid-transaction is safe for the database, but waiting is kinder: the work
        is done instead of redone by the next periodic sync.
        """
        tasks = [task for task in self._tasks.values() if not task.done()]
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=grace_seconds)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        self._tasks.clear()


ReconnectHook = Callable[[uuid.UUID, datetime], Awaitable[object]]
"""Runs when a tutor (re)connects, at this instant, before the first sync: writes that waited
may go now."""


class CalendarService:
    """One per process. ``on_changes`` and ``on_connect`` are what other domains make of a
    sync and of a reconnect (bookings, wired in runtime.py): google/ never imports them."""

    def __init__(
        self,
        settings: Settings,
        http: HttpPool,
        grants: GrantStore,
        clock: Clock,
        *,
        on_changes: MirrorChangeHandler,
        on_connect: ReconnectHook,
    ) -> None:
        self._settings = settings
        self._clock = clock
        self._http = http
        self._grants = grants
        self._on_connect = on_connect
        self._retry = RetryPolicy(
            attempts=settings.google_retry_attempts,
            base_seconds=settings.google_retry_base_seconds,
            max_wait_seconds=min(32.0, settings.google_retry_total_seconds),
            total_seconds=settings.google_retry_total_seconds,
        )
        self.engine = SyncEngine(self.client_for, on_changes, clock)
        self.background = BackgroundSyncs(self.engine, settings.sync_coalesce_seconds)

    async def client_for(self, user_id: str, *, quick: bool = False) -> CalendarClient:
        """``quick``: for a request someone waits on; the outbox retries later at its own pace."""

        # One client serves one job or one sync, seconds long: it reads the grant once, not
        # once per call. A 401 still refreshes (Google refused the token: read it anew).
        held: list[str] = []

        async def token(refresh: bool) -> str:
            if refresh:
                held.clear()
                await self._grants.expire_access_token(user_id)
            if not held:
                held.append(await self._grants.access_token(user_id))
            return held[0]

        retry = QUICK_RETRY if quick else self._retry
        return CalendarClient(
            self._http.client(), self._settings.google_calendar_api_url, token, retry
        )

    # Which calendars to mirror --------------------------------------------------------------

    async def ensure_mirror(self, tutor: User) -> list[MirroredCalendar]:
        """Mirror rows for the tutor's session and busy calendars; syncs and watches new ones.

        A calendar dropped from the settings stops being synced and watched; its rows stay,
        so bookings keep pointing at real sessions.
        """
        profile, _ = await TutorProfile.get_or_create(user=tutor)
        session_calendar = profile.session_calendar_id or PRIMARY
        busy = set(profile.busy_calendar_ids or [session_calendar])
        wanted = {session_calendar, *busy}
        mirrored: list[MirroredCalendar] = []
        for google_id in sorted(wanted):
            calendar, created = await MirroredCalendar.get_or_create(
                tutor=tutor,
                google_calendar_id=google_id,
                defaults={
                    "holds_sessions": google_id == session_calendar,
                    "counts_as_busy": google_id in busy,
                },
            )
            changed = created or (
                calendar.holds_sessions != (google_id == session_calendar)
                or calendar.counts_as_busy != (google_id in busy)
            )
            if changed:
                calendar.holds_sessions = google_id == session_calendar
                calendar.counts_as_busy = google_id in busy
                # What counts as a session may have changed: read everything again.
                calendar.sync_token = None
                await calendar.save()
            mirrored.append(calendar)
        for dropped in await MirroredCalendar.filter(tutor=tutor).exclude(
            google_calendar_id__in=list(wanted)
        ):
            if dropped.holds_sessions or dropped.counts_as_busy:
                dropped.holds_sessions = False
                dropped.counts_as_busy = False
                await dropped.save(update_fields=["holds_sessions", "counts_as_busy"])
                await self._stop_channels(dropped)
        return mirrored

    async def connect(self, tutor: User) -> list[SyncOutcome]:
        """After the calendar is connected or the settings change: full sync and push channels."""
        await self._on_connect(tutor.id, self._clock.now())
        outcomes: list[SyncOutcome] = []
        for calendar in await self.ensure_mirror(tutor):
            # Watch first, then read: a change made between the two still notifies us.
            await self.ensure_channel(calendar)
            outcomes += await self.engine.sync_until_quiet(
                calendar.id, force_full=calendar.sync_token is None
            )
        return outcomes

    def connect_in_background(self, tutor: User) -> None:
        self.background.spawn(f"connect:{tutor.id}", self.connect(tutor))

    def resync_in_background(self, tutor: User) -> None:
        """Settings that decide what a session is changed: read every event again."""

        async def resync() -> None:
            await MirroredCalendar.filter(tutor=tutor).update(sync_token=None)
            await self.connect(tutor)

        self.background.spawn(f"connect:{tutor.id}", resync())

    # Push -----------------------------------------------------------------------------------

    async def ensure_channel(self, calendar: MirroredCalendar) -> WatchChannel | None:
        margin = self._clock.now() + timedelta(hours=self._settings.channel_renew_before_hours)
        live = await WatchChannel.filter(
            calendar=calendar, stopped_at__isnull=True, expires_at__gt=margin
        ).first()
        if live is not None:
            return live
        return await self._watch(calendar)

    async def _watch(self, calendar: MirroredCalendar) -> WatchChannel | None:
        tutor_id = str(calendar.tutor_id)
        channel_id = uuid.uuid4()
        secret = new_token()
        expires = self._clock.now() + timedelta(hours=self._settings.channel_ttl_hours)
        try:
            client = await self.client_for(tutor_id)
            answer = await client.watch_events(
                calendar.google_calendar_id,
                channel_id=str(channel_id),
                token=secret,
                address=f"{self._settings.public_base_url}{WEBHOOK_PATH}",
                expiration_ms=int(expires.timestamp() * 1000),
            )
        except (CalendarApiError, Unreachable, NoLiveCalendarGrant) as exc:
            # Without a channel the periodic sync still keeps the mirror fresh, only slower.
            logger.warning("could not watch calendar %s: %s", calendar.id, exc)
            return None
        if answer.expiration:
            expires = datetime.fromtimestamp(int(answer.expiration) / 1000, tz=UTC)
        return await WatchChannel.create(
            id=channel_id,
            calendar=calendar,
            resource_id=answer.resource_id,
            token_hash=token_hash(secret),
            expires_at=expires,
        )

    async def renew_channels(self, *, every: bool = False) -> dict[str, int]:
        """New channels for those expiring soon, then stop the old ones (they overlap meanwhile).

        ``every``: all live channels, now. A channel keeps the address it was opened with, so
        after PUBLIC_BASE_URL changes (a custom domain) this moves Google's pushes to it.
        """
        margin = self._clock.now() + timedelta(hours=self._settings.channel_renew_before_hours)
        expiring_query = WatchChannel.filter(stopped_at__isnull=True)
        if not every:
            expiring_query = expiring_query.filter(expires_at__lte=margin)
        expiring = await expiring_query.select_related("calendar")
        CHANNELS_EXPIRING_SOON.set(len(expiring))
        renewed = failed = 0
        reopened: set[object] = set()
        for channel in expiring:
            calendar = channel.calendar
            if not (calendar.holds_sessions or calendar.counts_as_busy):
                await self._stop_channel(channel, calendar)
                continue
            if calendar.id not in reopened:
                fresh = await (self._watch(calendar) if every else self.ensure_channel(calendar))
                if fresh is None or fresh.id == channel.id:
                    failed += 1
                    continue
                reopened.add(calendar.id)
                renewed += 1
            await self._stop_channel(channel, calendar)
        # Calendars that lost their channel (watch failed earlier) get one now.
        watched = WatchChannel.filter(stopped_at__isnull=True, expires_at__gt=margin).values_list(
            "calendar_id", flat=True
        )
        for calendar in await MirroredCalendar.filter(
            Q(holds_sessions=True) | Q(counts_as_busy=True)
        ).exclude(id__in=await watched):
            if await self._tutor_connected(calendar):
                renewed += 1 if await self._watch(calendar) else 0
        CHANNELS_EXPIRING_SOON.set(failed)
        return {"renewed": renewed, "failed": failed}

    async def _stop_channel(self, channel: WatchChannel, calendar: MirroredCalendar) -> None:
        try:
            client = await self.client_for(str(calendar.tutor_id))
            await client.stop_channel(str(channel.id), channel.resource_id)
        except CalendarNotFound:
            pass  # already gone at Google
        except (CalendarApiError, Unreachable, NoLiveCalendarGrant) as exc:
            # It expires by itself; notifications for a stopped channel are answered 404.
            logger.warning("could not stop channel %s: %s", channel.id, exc)
        await WatchChannel.filter(id=channel.id).update(stopped_at=self._clock.now())

    async def _stop_channels(self, calendar: MirroredCalendar) -> None:
        for channel in await WatchChannel.filter(calendar=calendar, stopped_at__isnull=True):
            await self._stop_channel(channel, calendar)

    async def check_notification(
        self, channel_id: str, token: str | None, resource_id: str | None
    ) -> tuple[NotificationVerdict, WatchChannel | None]:
        try:
            channel_uuid = uuid.UUID(channel_id)
        except ValueError:
            return NotificationVerdict(False, False), None
        channel = await WatchChannel.get_or_none(id=channel_uuid, stopped_at__isnull=True)
        if channel is None:
            return NotificationVerdict(False, False), None
        authentic = bool(token) and same_secret(channel.token_hash, token_hash(token or ""))
        if resource_id is not None and not same_secret(channel.resource_id, resource_id):
            authentic = False
        return NotificationVerdict(True, authentic), channel

    async def is_new_message(self, channel: WatchChannel, message_number: int | None) -> bool:
        """False for a message already taken by this or another instance (a redelivery)."""
        if message_number is None:
            return True
        taken = await WatchChannel.filter(
            Q(id=channel.id)
            & (Q(last_message_number__isnull=True) | Q(last_message_number__lt=message_number))
        ).update(last_message_number=message_number)
        return taken == 1

    def absorbed(self, channel: WatchChannel) -> bool:
        """True if a sync of the channel's calendar waits in this process and took this
        notification in: nothing more to do for it (not even the redelivery check)."""
        return self.background.absorb(str(channel.calendar_id))

    async def notified(self, channel: WatchChannel) -> None:
        await MirroredCalendar.filter(id=channel.calendar_id).update(sync_requested_at=utcnow())
        self.background.request(str(channel.calendar_id))

    # Periodic work --------------------------------------------------------------------------

    async def sync_stale(self, *, tutor: User | None = None) -> dict[str, Any]:
        """Sync every mirrored calendar not synced within the interval (or asked for, or failing).

        Safe on several instances at once: each calendar is claimed by one of them.
        """
        now = self._clock.now()
        synced = failed = skipped = connected = 0
        if tutor is None:
            for outcomes in await self._connect_unmirrored():
                connected += 1
                synced += sum(outcome.ok for outcome in outcomes)
                failed += sum(not outcome.ok for outcome in outcomes)
        due = MirroredCalendar.filter(Q(holds_sessions=True) | Q(counts_as_busy=True))
        if tutor is not None:
            due = due.filter(tutor=tutor)
        else:
            due = due.filter(
                Q(last_synced_at__isnull=True)
                | Q(
                    last_synced_at__lt=now - timedelta(minutes=self._settings.sync_interval_minutes)
                )
                | Q(status__not=CalendarSyncStatus.OK)
                # Newer than the last read of Google, not than its end: a request made
                # while a sync was reading was not served by it.
                | Q(sync_requested_at__gt=F("last_sync_started_at"))
            )
        for calendar in await due.select_related("tutor"):
            if not await self._tutor_connected(calendar):
                skipped += 1
                await MirroredCalendar.filter(id=calendar.id).update(
                    status=CalendarSyncStatus.UNAVAILABLE
                )
                continue
            for outcome in await self.engine.sync_until_quiet(calendar.id):
                synced += outcome.ok
                failed += not outcome.ok
        observe_oldest_sync(await self._oldest_sync())
        return {"synced": synced, "failed": failed, "skipped": skipped, "connected": connected}

    async def _oldest_sync(self) -> datetime | None:
        """When the least recently synced calendar of a tutor with a live grant was synced
        (a calendar never synced counts from its creation). Revoked tutors are left out: only
        they can bring their calendar back, and an alert on them would never clear."""
        rows = await MirroredCalendar.filter(
            Q(holds_sessions=True) | Q(counts_as_busy=True),
            tutor__google_grant__status=GrantStatus.ACTIVE,
            tutor__google_grant__refresh_token_ciphertext__isnull=False,
        ).values_list("last_synced_at", "created_at")
        return min((synced or created for synced, created in rows), default=None)

    async def _connect_unmirrored(self) -> list[list[SyncOutcome]]:
        """Tutors whose calendar grant is live but who have no mirror at all: the first connect,
        which runs after the OAuth callback has answered, was cut short (an instance stopped,
        or its CPU throttled). Connected now, as the callback would have."""
        grants = await (
            GoogleGrant.filter(
                refresh_token_ciphertext__isnull=False,
                user__is_tutor=True,
                user__deleted_at__isnull=True,
                # A connect that began this recently is most likely still running.
                updated_at__lt=self._clock.now() - FIRST_CONNECT_GRACE,
            )
            .exclude(user_id__in=Subquery(MirroredCalendar.all().values("tutor_id")))
            .select_related("user")
        )
        return [
            await self.connect(grant.user)
            for grant in grants
            if calendar_status(grant).value == "connected"
        ]

    async def _tutor_connected(self, calendar: MirroredCalendar) -> bool:
        grant = await GoogleGrant.get_or_none(user_id=calendar.tutor_id)
        return calendar_status(grant).value == "connected"

    async def disconnect(self, tutor: User) -> None:
        """Stop the push channels while the token still works, then revoke the grant."""
        for calendar in await MirroredCalendar.filter(tutor=tutor):
            await self._stop_channels(calendar)
        await MirroredCalendar.filter(tutor=tutor).update(
            status=CalendarSyncStatus.UNAVAILABLE, sync_token=None
        )
        await self._grants.disconnect(tutor)
        await audit.record(
            "calendar_disconnected",
            actor_id=str(tutor.id),
            subject_type="user",
            subject_id=str(tutor.id),
        )
