"""The web app's figures, in Debian's Chromium against `tutorcal serve` in demo mode:

* the first page's HTML + JS + CSS, gzipped: what a signed-out visitor's browser downloads to
  draw the home page (goal: at most 150 KB);
* from navigation to a tutor's week view painted, signed in, with a cold cache and a warm one
  (goal: at most 1 s; the median of several loads);
* API calls per week view: on opening a tutor's page (the app asks who is signed in, then the
  week) and for each further week (goal: at most 2).
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.staging import BenchError, Staging, base_environment, free_port, tutorcal_command
from bench.table import Report, Table, Target

GOAL_FIRST_PAGE_KB = 150.0
GOAL_PAINT_MS = 1000.0
GOAL_CALLS = 2
LOADS = 5
STUDENT = "sofia@demo.tutorcal.test"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# When the week's first button is in the page, the next frame paints it: a timer set inside
# that frame's callback runs once the frame is painted.
PAINT_PROBE = """
new MutationObserver((_, observer) => {
  if (document.querySelector('ol.week button, ol.week .nothing')) {
    observer.disconnect();
    requestAnimationFrame(() => setTimeout(() => { window.__weekPainted = performance.now(); }));
  }
}).observe(document, { childList: true, subtree: true });
"""


@dataclass
class Outcome:
    first_page_bytes: dict[str, int]
    cold_paint_ms: list[float]
    warm_paint_ms: list[float]
    calls_opening: int
    calls_next_week: int
    chromium: str
    notes: list[str] = field(default_factory=list)

    @property
    def first_page_kb(self) -> float:
        return sum(self.first_page_bytes.values()) / 1024

    def report(self) -> Report:
        table = Table(("tutorcal",))
        kb = self.first_page_kb
        table.add(
            "first page: HTML + JS + CSS, gzipped",
            kb,
            f"{kb:.1f} KB ({len(self.first_page_bytes)} files)",
            Target(GOAL_FIRST_PAGE_KB, unit="KB"),
        )
        paint = Target(GOAL_PAINT_MS, unit="ms")
        for cache, paints in (("cold", self.cold_paint_ms), ("warm", self.warm_paint_ms)):
            median = statistics.median(paints)
            table.add(
                f"navigation → week view painted, {cache} cache (median)",
                median,
                "{:.0f} ms",
                paint,
            )
        for what, calls in (
            ("opening a tutor's week", self.calls_opening),
            ("each further week", self.calls_next_week),
        ):
            table.add(f"API calls: {what}", calls, "{:.0f}", Target(GOAL_CALLS))
        data = {
            "first_page_gzip_bytes": self.first_page_bytes,
            "cold_paint_ms": [round(ms) for ms in self.cold_paint_ms],
            "warm_paint_ms": [round(ms) for ms in self.warm_paint_ms],
            "chromium": self.chromium,
        }
        return Report(table, data, self.notes)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No options of its own."""


def problems(args: argparse.Namespace) -> list[str]:
    return []


def run(args: argparse.Namespace, scratch: Path) -> Report:
    from tutorcal.web.serving import DIST

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise BenchError("Chromium is not installed (apt-get install chromium)")
    if not (DIST / "index.html").is_file():
        raise BenchError("the web app is not built: run `make web`")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **base_environment(),
        "TUTORCAL_DEMO": "true",
        "PUBLIC_BASE_URL": base_url,
        "DATABASE_URL": f"sqlite://{scratch}/web.sqlite3",
        "LOG_LEVEL": "WARNING",
    }
    with Staging(scratch, "web") as staging:
        staging.spawn("web-serve", tutorcal_command(port), env)
        return _measure(chromium, base_url).report()


def _measure(chromium: str, base_url: str) -> Outcome:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            first_page = _first_page_bytes(browser, base_url)
            context = browser.new_context()
            context.request.get(
                f"{base_url}/api/v1/auth/google/login", params={"login_hint": STUDENT}
            )
            tutor_url = _tutor_page(context, base_url)
            cold = [_paint_ms(browser, context, tutor_url, cold=True) for _ in range(LOADS)]
            warm = [_paint_ms(browser, context, tutor_url, cold=False) for _ in range(LOADS)]
            opening, next_week = _api_calls(context, tutor_url)
            version = browser.version
        finally:
            browser.close()
    return Outcome(first_page, cold, warm, opening, next_week, version)


def _first_page_bytes(browser: Any, base_url: str) -> dict[str, int]:
    """Every document, script and style sheet the home page loads, gzipped (level 6, as
    servers do), by path."""
    context = browser.new_context()
    page = context.new_page()
    loaded: dict[str, int] = {}

    def count(response: Any) -> None:
        if response.request.resource_type in {"document", "script", "stylesheet"}:
            path = response.url.removeprefix(base_url)
            loaded[path] = len(gzip.compress(response.body(), compresslevel=6))

    page.on("response", count)
    page.goto(base_url, wait_until="networkidle")
    page.get_by_role("link", name="Sign in with Google").wait_for()
    context.close()
    return loaded


def _tutor_page(context: Any, base_url: str) -> str:
    """Tara's page, once the demo tutors have connected their calendars."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        tutors = context.request.get(f"{base_url}/api/v1/tutors").json()["items"]
        for tutor in tutors:
            if tutor["name"] == "Tara Tutor" and tutor["calendar_connected"]:
                schedule = context.request.get(f"{base_url}/api/v1/tutors/{tutor['id']}/schedule")
                if schedule.ok:
                    return f"{base_url}/tutors/{tutor['id']}"
        time.sleep(0.3)
    raise BenchError("the demo tutor's calendar never connected")


def _paint_ms(browser: Any, signed_in: Any, url: str, *, cold: bool) -> float:
    """Milliseconds from the navigation's start to the week view's first paint."""
    context = browser.new_context(storage_state=signed_in.storage_state()) if cold else signed_in
    page = context.new_page()
    page.add_init_script(PAINT_PROBE)
    if not cold:
        page.goto(url)  # fills the cache; the measured load follows
        page.wait_for_function("() => window.__weekPainted !== undefined")
    page.goto(url)
    page.wait_for_function("() => window.__weekPainted !== undefined")
    painted = float(page.evaluate("() => window.__weekPainted"))
    page.close()
    if cold:
        context.close()
    return painted


def _api_calls(context: Any, url: str) -> tuple[int, int]:
    page = context.new_page()
    calls: list[str] = []
    page.on("request", lambda r: calls.append(r.url) if "/api/" in r.url else None)
    page.add_init_script(PAINT_PROBE)
    page.goto(url)
    page.wait_for_function("() => window.__weekPainted !== undefined")
    page.wait_for_load_state("networkidle")
    opening = len(calls)
    calls.clear()
    page.get_by_role("button", name="Next week").click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Next week").wait_for()
    next_week = len(calls)
    page.close()
    return opening, next_week
