"""Demo mode while it serves: set up on its first start, the banner, then the periodic jobs
(`tutorcal worker`'s rounds) in the same process, since a demo has no worker or scheduler:
without them a pending invitation would never follow, and the tutors' mirrors would grow
too old to offer after MIRROR_STALE_AFTER_MINUTES (a restart the next day, say)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import AsyncIterator

import httpx2

from tutorcal.demo.banner import banner
from tutorcal.demo.setup import DemoSetUpFailed, set_up_demo, wait_until_serving
from tutorcal.demo.store import DemoStore
from tutorcal.runtime import Runtime
from tutorcal.worker import round_interval_seconds, run_round

logger = logging.getLogger("tutorcal.demo")


@contextlib.asynccontextmanager
async def demo_running(runtime: Runtime, store: DemoStore) -> AsyncIterator[None]:
    task = asyncio.create_task(_run(runtime, store), name="demo")
    try:
        yield
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def _run(runtime: Runtime, store: DemoStore) -> None:
    settings = runtime.settings
    async with httpx2.AsyncClient(
        base_url=settings.public_base_url, follow_redirects=True, timeout=30
    ) as browser:
        if not await wait_until_serving(browser):
            logger.warning("demo set-up skipped: %s did not answer", settings.public_base_url)
            return
        if not store.is_set_up:
            try:
                await set_up_demo(browser, settings.tutor_emails)
            except (DemoSetUpFailed, httpx2.HTTPError) as exc:
                logger.warning("demo set-up failed (it runs again at the next start): %s", exc)
            else:
                await store.mark_set_up()
                logger.info("demo set up: tutors connected, seats booked")
    # Restored: what changed while it was stopped is caught up before the banner says go.
    await _round(runtime)
    sys.stdout.write(banner(settings, store))
    sys.stdout.flush()
    while True:
        await asyncio.sleep(round_interval_seconds(settings))
        await _round(runtime)


async def _round(runtime: Runtime) -> None:
    try:
        result = await run_round(runtime)
    except Exception:
        logger.exception("demo round of periodic jobs failed; trying again next round")
    else:
        logger.debug("demo round of periodic jobs done", extra={"result": result})
