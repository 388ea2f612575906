"""Demo mode's own set-up: the demo tutors connect their (emulated) calendars at start-up.

It goes through the same HTTP flows a tutor's browser would (sign in, connect calendar),
so demo mode shows the product working end to end rather than rows written behind its back.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx2

logger = logging.getLogger("tutorcal.demo")

READY_TIMEOUT_SECONDS = 30.0


async def connect_demo_tutors(base_url: str, tutor_emails: list[str]) -> None:
    async with httpx2.AsyncClient(base_url=base_url, follow_redirects=True, timeout=30) as browser:
        if not await _wait_until_serving(browser):
            logger.warning("demo set-up skipped: %s did not answer", base_url)
            return
        for email in tutor_emails:
            browser.cookies.clear()
            await browser.get("/api/v1/auth/google/login", params={"login_hint": email})
            connected = await browser.get("/api/v1/auth/google/connect-calendar")
            logger.info("demo tutor %s connected their calendar (%s)", email, connected.status_code)
            await _open_weekdays(browser)


async def _open_weekdays(browser: httpx2.AsyncClient) -> None:
    """One-to-one slots on weekdays, 09:00-17:00 in the tutor's calendar's time zone."""
    calendars: list[dict[str, Any]] = (await browser.get("/api/v1/tutors/me/calendars")).json()
    primary = next((c for c in calendars if c.get("primary")), {})
    availability = {
        "timezone": primary.get("time_zone") or "UTC",
        "weekly": [{"weekday": day, "start": "09:00", "end": "17:00"} for day in range(5)],
        "overrides": [],
    }
    csrf = {"X-CSRF-Token": browser.cookies.get("tutorcal_csrf") or ""}
    answer = await browser.put("/api/v1/tutors/me/availability", json=availability, headers=csrf)
    logger.info("demo tutor availability set (%s)", answer.status_code)


async def _wait_until_serving(browser: httpx2.AsyncClient) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + READY_TIMEOUT_SECONDS
    while loop.time() < deadline:
        try:
            if (await browser.get("/readyz")).status_code == 200:
                return True
        except httpx2.TransportError:
            pass
        await asyncio.sleep(0.1)
    return False
