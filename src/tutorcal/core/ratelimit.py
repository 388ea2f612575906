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
from typing import TYPE_CHECKING, Literal, NamedTuple
from urllib.parse import urlsplit

from tutorcal.core.metrics import RATE_LIMIT_STORAGE_ERRORS, RATE_LIMITED

# limits' async storage and strategies load with the first counted request, not at start-up
# (cold start on Cloud Run); only its parser is needed to check the settings.
if TYPE_CHECKING:
    import redis.asyncio
    from limits import RateLimitItem
    from limits.aio.storage import MemoryStorage, RedisStorage
    from limits.aio.strategies import RateLimiter

logger = logging.getLogger("tutorcal.ratelimit")

Strategy = Literal["moving-window", "fixed-window", "sliding-window-counter"]
STORAGE_SCHEMES = frozenset({"memory", "redis", "rediss", "unix"})


def _strategy_class(strategy: Strategy) -> type[RateLimiter]:
    from limits.aio import strategies

    classes: dict[Strategy, type[RateLimiter]] = {
        "moving-window": strategies.MovingWindowRateLimiter,
        "fixed-window": strategies.FixedWindowRateLimiter,
        "sliding-window-counter": strategies.SlidingWindowCounterRateLimiter,
    }
    return classes[strategy]


def parse_limits(text: str) -> list[RateLimitItem]:
    """``"10/minute"`` or ``"5/second; 100/hour"``; an empty string is no limit."""
    if not text.strip():
        return []
    from limits import parse_many

    return parse_many(text)


class Rule(NamedTuple):
    """One budget, e.g. booking per user; ``name`` labels its keys, logs and metrics."""

    name: str
    items: Sequence[RateLimitItem]


class Verdict(NamedTuple):
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
        # Parsed with the first counted request (the settings were checked at start-up).
        self._rule_texts = dict(rules)
        self._rules: dict[str, Rule] | None = None
        self.timeout_seconds = timeout_seconds
        self._storage_url = storage_url
        self._strategy_name = strategy
        self._pool: redis.asyncio.ConnectionPool | None = None
        self._strategy: RateLimiter | None = None
        self._storage_down = False

    def _build(self) -> RateLimiter:
        from limits.aio.storage import MemoryStorage, RedisStorage

        storage: MemoryStorage | RedisStorage
        if urlsplit(self._storage_url).scheme == "memory":
            storage = MemoryStorage(wrap_exceptions=True)
        else:
            import redis.asyncio

            # Our own pool, so that its sockets time out quickly and are closed at shut-down.
            self._pool = redis.asyncio.ConnectionPool.from_url(
                self._storage_url,
                socket_timeout=self.timeout_seconds,
                socket_connect_timeout=self.timeout_seconds,
            )
            storage = RedisStorage(
                "async+redis://",
                wrap_exceptions=True,
                implementation="redispy",
                key_prefix="tutorcal",
                # limits passes the pool on to redis.asyncio.Redis; its annotation allows
                # only scalar options.
                connection_pool=self._pool,  # type: ignore[arg-type]
            )
        return _strategy_class(self._strategy_name)(storage)

    @property
    def rules(self) -> dict[str, Rule]:
        if self._rules is None:
            self._rules = {
                name: Rule(name, parse_limits(text)) for name, text in self._rule_texts.items()
            }
        return self._rules

    async def hit(self, rule_name: str, identifier: str) -> Verdict:
        """Count one request against a rule for ``identifier`` (a user id, an address)."""
        if not self.enabled:
            return ALLOWED
        rule = self.rules[rule_name]
        if not rule.items:
            return ALLOWED
        from limits.errors import StorageError

        if self._strategy is None:
            self._strategy = self._build()
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
