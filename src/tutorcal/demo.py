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

# What a student searching the demo's tutors finds them by (name, bio, subject).
DEMO_SUBJECTS = {
    "algebra": "Algebra",
    "geometry": "Geometry",
    "physics": "Physics",
    "chemistry": "Chemistry",
}
DEMO_PROFILES = {
    "tara@demo.tutorcal.test": (
        "Maths teacher: algebra and geometry, past papers before exams.",
        ["algebra", "geometry"],
    ),
    "theo@demo.tutorcal.test": (
        "Science teacher: physics and chemistry, from mechanics to lab reports.",
        ["physics", "chemistry"],
    ),
}


async def connect_demo_tutors(base_url: str, tutor_emails: list[str]) -> None:
    async with httpx2.AsyncClient(base_url=base_url, follow_redirects=True, timeout=30) as browser:
        if not await _wait_until_serving(browser):
            logger.warning("demo set-up skipped: %s did not answer", base_url)
            return
        subjects = await _demo_subjects(browser)
        for email in tutor_emails:
            browser.cookies.clear()
            await browser.get("/api/v1/auth/google/login", params={"login_hint": email})
            connected = await browser.get("/api/v1/auth/google/connect-calendar")
            logger.info("demo tutor %s connected their calendar (%s)", email, connected.status_code)
            await _open_weekdays(browser)
            if email in DEMO_PROFILES:
                await _describe_tutor(browser, *DEMO_PROFILES[email], subjects)


async def _demo_subjects(browser: httpx2.AsyncClient) -> dict[str, str]:
    """The demo's subjects, added by the demo admin (kept from an earlier start): code → id."""
    from tutorcal.emulator.demo import demo_emails

    browser.cookies.clear()
    await browser.get("/api/v1/auth/google/login", params={"login_hint": demo_emails("admin")[0]})
    csrf = {"X-CSRF-Token": browser.cookies.get("tutorcal_csrf") or ""}
    for code, name in DEMO_SUBJECTS.items():
        await browser.post("/api/v1/subjects", json={"name": name, "code": code}, headers=csrf)
    listed = (await browser.get("/api/v1/subjects")).json()
    return {subject["code"]: subject["id"] for subject in listed}


async def _describe_tutor(
    browser: httpx2.AsyncClient, bio: str, codes: list[str], subjects: dict[str, str]
) -> None:
    settings = (await browser.get("/api/v1/tutors/me/settings")).json()
    settings |= {"bio": bio, "subject_ids": [subjects[c] for c in codes if c in subjects]}
    csrf = {"X-CSRF-Token": browser.cookies.get("tutorcal_csrf") or ""}
    answer = await browser.put("/api/v1/tutors/me/settings", json=settings, headers=csrf)
    logger.info("demo tutor profile set (%s)", answer.status_code)


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
