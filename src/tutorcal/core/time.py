"""Time inside tutorcal is an aware UTC datetime; local time exists only at the edges."""

from __future__ import annotations

import re
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


_RFC3339_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")


def _rfc3339_text(value: Any) -> Any:
    # Pydantic also reads a number (or a string of digits) as Unix seconds; the API speaks
    # RFC 3339 only, so "0" is malformed rather than 1970.
    if not isinstance(value, datetime) and not (
        isinstance(value, str) and _RFC3339_DATE_TIME.match(value)
    ):
        raise ValueError("expected an RFC 3339 date-time with an offset, e.g. 2026-12-01T09:00:00Z")
    return value


def _within_bounds(value: datetime) -> datetime:
    if not EARLIEST <= value < LATEST:
        raise ValueError(f"must be between {EARLIEST.year} and {LATEST.year}")
    return value


Instant = Annotated[AwareDatetime, BeforeValidator(_rfc3339_text), AfterValidator(_within_bounds)]
"""An aware datetime from RFC 3339 text, within years 1900 to 3000."""


class Clock(Protocol):
    """What a rule decided by time asks for "now": the runtime holds one and hands it on, so
    that tests can move time instead of waiting or writing timestamps in the past."""

    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


SYSTEM_CLOCK = SystemClock()


def utcnow() -> datetime:
    """Wall time, for stamps only ordered against those the ORM writes itself (``auto_now``):
    which came first must not depend on where a test moved the Clock."""
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
