"""Rate limits (the ``limits`` library): counters in process memory, or in Redis so that every
instance behind a load balancer counts against the same budget.

The limiter fails open: when its storage cannot be reached a request goes through and the
outage is logged. A student who cannot book because a cache is down is worse than an
unthrottled minute.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, RedisStorage
from limits.aio.strategies import (
    FixedWindowRateLimiter,
    MovingWindowRateLimiter,
    RateLimiter,
    SlidingWindowCounterRateLimiter,
)
from limits.errors import StorageError

from tutorcal.core.metrics import RATE_LIMIT_STORAGE_ERRORS, RATE_LIMITED

if TYPE_CHECKING:
    import redis.asyncio

logger = logging.getLogger("tutorcal.ratelimit")

Strategy = Literal["moving-window", "fixed-window", "sliding-window-counter"]
STORAGE_SCHEMES = frozenset({"memory", "redis", "rediss", "unix"})

_STRATEGIES: dict[Strategy, type[RateLimiter]] = {
    "moving-window": MovingWindowRateLimiter,
    "fixed-window": FixedWindowRateLimiter,
    "sliding-window-counter": SlidingWindowCounterRateLimiter,
}


def parse_limits(text: str) -> list[RateLimitItem]:
    """``"10/minute"`` or ``"5/second; 100/hour"``; an empty string is no limit."""
    if not text.strip():
        return []
    return parse_many(text)


@dataclass(frozen=True)
class Rule:
    """One budget, e.g. booking per user; ``name`` labels its keys, logs and metrics."""

    name: str
    items: Sequence[RateLimitItem]


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0


ALLOWED = Verdict(allowed=True)


class Limiter:
    def __init__(
        self,
        storage_url: str,
        strategy: Strategy = "moving-window",
        *,
        rules: Mapping[str, str],
        enabled: bool = True,
        timeout_seconds: float = 0.5,
    ) -> None:
        """``rules`` maps a rule's name to its limits in the library's notation."""
        self.enabled = enabled
        self.rules = {name: Rule(name, parse_limits(text)) for name, text in rules.items()}
        self.timeout_seconds = timeout_seconds
        self._pool: redis.asyncio.ConnectionPool | None = None
        scheme = urlsplit(storage_url).scheme
        if scheme == "memory":
            self._storage: MemoryStorage | RedisStorage = MemoryStorage(wrap_exceptions=True)
        else:
            import redis.asyncio

            # Our own pool, so that its sockets time out quickly and are closed at shut-down.
            self._pool = redis.asyncio.ConnectionPool.from_url(
                storage_url,
                socket_timeout=timeout_seconds,
                socket_connect_timeout=timeout_seconds,
            )
            self._storage = RedisStorage(
                "async+redis://",
                wrap_exceptions=True,
                implementation="redispy",
                key_prefix="tutorcal",
                # limits passes the pool on to redis.asyncio.Redis; its annotation allows
                # only scalar options.
                connection_pool=self._pool,  # type: ignore[arg-type]
            )
        self._strategy = _STRATEGIES[strategy](self._storage)
        self._storage_down = False

    async def hit(self, rule_name: str, identifier: str) -> Verdict:
        """Count one request against a rule for ``identifier`` (a user id, an address)."""
        rule = self.rules[rule_name]
        if not self.enabled or not rule.items:
            return ALLOWED
        try:
            async with asyncio.timeout(self.timeout_seconds):
                for item in rule.items:
                    if not await self._strategy.hit(item, rule.name, identifier):
                        stats = await self._strategy.get_window_stats(item, rule.name, identifier)
                        RATE_LIMITED.labels(rule=rule.name).inc()
                        wait = math.ceil(stats.reset_time - time.time())
                        return Verdict(allowed=False, retry_after=max(1, wait))
        except (StorageError, TimeoutError, OSError) as exc:
            RATE_LIMIT_STORAGE_ERRORS.inc()
            if not self._storage_down:
                self._storage_down = True
                logger.warning(
                    "rate-limit storage unreachable; requests go through unthrottled: %r", exc
                )
            return ALLOWED
        if self._storage_down:
            self._storage_down = False
            logger.info("rate-limit storage reachable again")
        return ALLOWED

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()
