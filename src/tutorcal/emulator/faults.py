"""Fault injection, rate limits and the request log of the emulated Calendar API.

Faults are what the control API queues for the next N matching Calendar requests: an error
status with Google's reason, latency, or a connection dropped without an answer. Rate limits
count over a sliding minute, as Google's quotas do
(https://developers.google.com/workspace/calendar/api/guides/quota; FACTS.md B1): per user,
answered 403 ``userRateLimitExceeded``; per calendar (a calendar everyone books on at once),
answered 429 ``rateLimitExceeded``, Google's other answer to a burst.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

RATE_WINDOW = timedelta(minutes=1)
MAX_LOGGED_REQUESTS = 10_000


@dataclass(frozen=True)
class FaultMatch:
    method: str | None = None
    path_contains: str | None = None
    user: str | None = None

    def matches(self, method: str, path: str, user: str | None) -> bool:
        return (
            (self.method is None or self.method.upper() == method.upper())
            and (self.path_contains is None or self.path_contains in path)
            and (self.user is None or (user is not None and self.user.lower() == user.lower()))
        )


@dataclass
class Fault:
    id: int
    remaining: int
    status: int | None = None
    reason: str | None = None
    latency_ms: int = 0
    drop_connection: bool = False
    match: FaultMatch = field(default_factory=FaultMatch)
    # The request is carried out, then its answer is lost: a timeout after Google applied it.
    after_apply: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "remaining": self.remaining,
            "status": self.status,
            "reason": self.reason,
            "latency_ms": self.latency_ms,
            "drop_connection": self.drop_connection,
            "after_apply": self.after_apply,
            "match": {
                "method": self.match.method,
                "path_contains": self.match.path_contains,
                "user": self.match.user,
            },
        }


class Faults:
    def __init__(self) -> None:
        self.queued: list[Fault] = []
        self._next_id = 1

    def add(
        self,
        count: int,
        *,
        status: int | None,
        reason: str | None,
        latency_ms: int,
        drop_connection: bool,
        match: FaultMatch,
        after_apply: bool = False,
    ) -> Fault:
        fault = Fault(
            self._next_id, count, status, reason, latency_ms, drop_connection, match, after_apply
        )
        self._next_id += 1
        self.queued.append(fault)
        return fault

    def take(self, method: str, path: str, user: str | None) -> Fault | None:
        """The first queued fault this request matches, used up by one."""
        for fault in self.queued:
            if fault.match.matches(method, path, user):
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self.queued.remove(fault)
                return fault
        return None

    def clear(self) -> int:
        count = len(self.queued)
        self.queued = []
        return count


class RateLimits:
    """Requests allowed per key (a user's or a calendar's address) per sliding minute; only
    allowed requests count. A key without a limit is never limited."""

    def __init__(self) -> None:
        self.per_minute: dict[str, int] = {}
        self._seen: dict[str, deque[datetime]] = {}

    def set(self, key: str, per_minute: int) -> None:
        self.per_minute[key.lower()] = per_minute
        self._seen.pop(key.lower(), None)

    def clear(self, key: str) -> bool:
        self._seen.pop(key.lower(), None)
        return self.per_minute.pop(key.lower(), None) is not None

    def allow(self, key: str, now: datetime) -> bool:
        limit = self.per_minute.get(key.lower())
        if limit is None:
            return True
        seen = self._seen.setdefault(key.lower(), deque())
        while seen and now - seen[0] >= RATE_WINDOW:
            seen.popleft()
        if len(seen) >= limit:
            return False
        seen.append(now)
        return True


@dataclass(frozen=True)
class LoggedRequest:
    at: datetime
    name: str
    method: str
    path: str
    query: dict[str, str]
    user: str | None
    status: int | None  # None: the connection was dropped without an answer
    send_updates: str | None
    fault: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "api": "calendar",
            "name": self.name,
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "user": self.user,
            "status": self.status,
            "send_updates": self.send_updates,
            "fault": self.fault,
        }


class RequestLog:
    def __init__(self) -> None:
        self.entries: deque[LoggedRequest] = deque(maxlen=MAX_LOGGED_REQUESTS)

    def record(self, entry: LoggedRequest) -> None:
        self.entries.append(entry)

    def find(
        self, *, method: str | None = None, path_contains: str | None = None
    ) -> list[LoggedRequest]:
        return [
            entry
            for entry in self.entries
            if (method is None or entry.method.upper() == method.upper())
            and (path_contains is None or path_contains in entry.path)
        ]

    def clear(self) -> None:
        self.entries.clear()
