"""``tutorcal worker``: the periodic tasks for a plain Docker host (Cloud Run uses Cloud Scheduler).

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
from tutorcal.operations.tasks import PERIODIC_TASKS
from tutorcal.runtime import Runtime

logger = logging.getLogger("tutorcal.worker")


async def run_round(runtime: Runtime) -> dict[str, object]:
    """Every periodic task once, in order (tutorcal.operations.tasks); one failing stops none."""
    results: dict[str, object] = {}
    for task in PERIODIC_TASKS:
        try:
            results[task.name] = await task.run(runtime)
        except Exception:
            logger.exception("periodic task %s failed; trying again next round", task.name)
            results[task.name] = "failed"
    return results


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
