"""The fault schedule: what goes wrong, when in the run, and for how long.

Each fault starts at a fraction of the run's length, so the short run in CI and the long one on
demand go through the same schedule. A fault's window (start to end, plus a grace period for
what it leaves behind) is what "outside injected faults" excludes from the error rate.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx2

from reliability.cluster import Deployment
from reliability.workload import Ledger, sign_in

# Answers a fault leaves behind for a little while: retried requests, a restarting pool.
GRACE_SECONDS = 5.0


@dataclass
class FaultWindow:
    name: str
    start: float
    end: float = -1.0
    detail: str = ""

    def covers(self, at: float) -> bool:
        end = self.end if self.end >= 0 else float("inf")
        return self.start <= at <= end + GRACE_SECONDS


@dataclass
class FaultLog:
    windows: list[FaultWindow] = field(default_factory=list)

    def during_fault(self, at: float) -> bool:
        return any(window.covers(at) for window in self.windows)


class Injector:
    def __init__(
        self, deployment: Deployment, ledger: Ledger, tutors: list[str], log: FaultLog
    ) -> None:
        self.deployment = deployment
        self.ledger = ledger
        self.tutors = tutors
        self.log = log
        self.emulator = httpx2.AsyncClient(base_url=deployment.emulator_url, timeout=30)

    async def _google_fault(self, body: dict[str, object]) -> None:
        response = await self.emulator.post("/_emulator/faults", json=body)
        response.raise_for_status()

    async def _window(self, name: str, action: Callable[[], Awaitable[str]], hold: float) -> None:
        window = FaultWindow(name, self.ledger.now())
        self.log.windows.append(window)
        window.detail = await action()
        await asyncio.sleep(hold)
        window.end = self.ledger.now()

    async def google_503_burst(self) -> str:
        await self._google_fault({"count": 40, "status": 503, "reason": "backendError"})
        return "the next 40 Calendar API calls answer 503 backendError"

    async def google_429_burst(self) -> str:
        await self._google_fault({"count": 40, "status": 429, "reason": "rateLimitExceeded"})
        return "the next 40 Calendar API calls answer 429 rateLimitExceeded"

    async def google_latency(self) -> str:
        await self._google_fault({"count": 30, "latency_ms": 2500})
        return "the next 30 Calendar API calls take 2.5 s"

    async def revoke_grant(self) -> str:
        tutor = self.tutors[0]
        response = await self.emulator.post(f"/_emulator/users/{tutor}/revoke")
        response.raise_for_status()
        return f"{tutor} removes the app's access in Google"

    async def reconnect(self) -> str:
        tutor = self.tutors[0]
        person = await sign_in(self.deployment.front.url, tutor, connect_calendar=True)
        await person.http.aclose()
        return f"{tutor} signs in and connects the calendar again"

    async def invalidate_sync_tokens(self) -> str:
        tutor = self.tutors[1]
        response = await self.emulator.post(f"/_emulator/calendars/{tutor}/invalidate-sync-tokens")
        response.raise_for_status()
        return f"{tutor}'s sync tokens answer 410 (full sync required)"

    async def restart_postgres(self) -> str:
        await asyncio.to_thread(self.deployment.postgres.ctl, "restart")
        return f"pg_ctlcluster {self.deployment.postgres.version} {self.deployment.postgres.name} restart"

    async def kill_instance(self) -> str:
        victim = self.deployment.servers[-1]
        await asyncio.to_thread(victim.kill)
        await asyncio.sleep(1.0)
        await asyncio.to_thread(victim.start)
        await asyncio.to_thread(victim.wait_ready)
        return f"SIGKILL {victim.name}; a fresh process on its port"

    async def run(self, duration: float) -> None:
        """The schedule, spread over the first 85% of the run, leaving a calm end to settle."""
        schedule: list[tuple[float, str, Callable[[], Awaitable[str]], float]] = [
            (0.08, "Google 503 burst", self.google_503_burst, 3),
            (0.18, "Google 429 burst", self.google_429_burst, 3),
            (0.28, "Google latency spike", self.google_latency, 4),
            (0.38, "tutor grant revoked", self.revoke_grant, max(5.0, duration * 0.08)),
            (0.48, "tutor reconnects", self.reconnect, 1),
            (0.55, "sync token invalidated", self.invalidate_sync_tokens, 2),
            (0.63, "PostgreSQL restart", self.restart_postgres, 2),
            (0.75, "SIGKILL of an app process", self.kill_instance, 1),
        ]
        for fraction, name, action, hold in schedule:
            delay = fraction * duration - self.ledger.now()
            if delay > 0:
                await asyncio.sleep(delay)
            await self._window(name, action, hold)
        await self.emulator.aclose()

    async def clear(self) -> None:
        async with httpx2.AsyncClient(base_url=self.deployment.emulator_url, timeout=30) as http:
            await http.delete("/_emulator/faults")
