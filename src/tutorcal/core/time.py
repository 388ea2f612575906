"""Time inside tutorcal is an aware UTC datetime; local time exists only at the edges."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones()) | {"UTC"}


def is_valid_timezone(name: str) -> bool:
    """True for an IANA zone name such as ``Europe/Paris``; ``localtime`` and file paths are refused."""
    if name == "UTC":
        return True  # the default, checked at every start: skip scanning the zone database
    if name not in _known_zones():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
