"""Time inside tutorcal is an aware UTC datetime; local time exists only at the edges."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Annotated, Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import AfterValidator, AwareDatetime, BeforeValidator

# Instants a caller may send. Windows, notice, horizons and local days are computed around
# them, and datetime overflows within days of year 1 and year 9999; nothing a tutor books
# is anywhere near either.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(3000, 1, 1, tzinfo=UTC)


def _rfc3339_text(value: Any) -> Any:
    # pydantic would read a bare number as seconds since 1970; the API speaks RFC 3339 only.
    if isinstance(value, int | float) or (isinstance(value, str) and value.strip().isdigit()):
        raise ValueError("write an RFC 3339 time with an offset, e.g. 2026-12-01T09:00:00Z")
    return value


def _within_bounds(value: datetime) -> datetime:
    if not EARLIEST <= value < LATEST:
        raise ValueError(f"must be between {EARLIEST.year} and {LATEST.year}")
    return value


Instant = Annotated[AwareDatetime, BeforeValidator(_rfc3339_text), AfterValidator(_within_bounds)]
"""An aware datetime from RFC 3339 text, within years 1900 to 3000."""


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
