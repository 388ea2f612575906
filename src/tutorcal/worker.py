"""``tutorcal worker``: the periodic jobs for a plain Docker host (Cloud Run uses Cloud Scheduler).

Every job is safe on several workers at once: calendars are claimed one by one, channels
are renewed idempotently. Rounds are spread with ±25% jitter, as Google asks of clients
(FACTS.md B1), so that many workers do not hit the API in step.
"""

from __future__ import annotations

import asyncio
import logging
import random
import signal

from tutorcal.config import Settings
from tutorcal.runtime import Runtime

logger = logging.getLogger("tutorcal.worker")


async def run_round(runtime: Runtime) -> dict[str, object]:
    from tutorcal.bookings.google_sync import drain_booking_writes
    from tutorcal.bookings.idempotency import purge_expired

    outbox = await drain_booking_writes(runtime.calendar, runtime.outbox_policy)
    synced = await runtime.calendar.sync_stale()
    channels = await runtime.calendar.renew_channels()
    return {
        "outbox": outbox,
        "sync": synced,
        "channels": channels,
        "idempotency_purged": await purge_expired(),
    }


def round_interval_seconds(settings: Settings) -> float:
    # The outbox wants short rounds (a pending invite should follow within a minute).
    return settings.worker_interval_seconds or min(60.0, settings.sync_interval_minutes * 60 / 2)


async def run_worker(runtime: Runtime, *, once: bool = False) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    interval = round_interval_seconds(runtime.settings)
    while not stop.is_set():
        try:
            result = await run_round(runtime)
            logger.info("worker round done", extra={"result": result})
        except Exception:
            logger.exception("worker round failed; trying again next round")
        if once:
            return
        pause = interval * random.uniform(0.75, 1.25)  # noqa: S311 - jitter, not security
        try:
            await asyncio.wait_for(stop.wait(), timeout=pause)
        except TimeoutError:
            continue
    logger.info("worker stopped")
