"""Time inside tutorcal is an aware UTC datetime; local time exists only at the edges."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache
from typing import Annotated, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import AwareDatetime, BeforeValidator


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


_RFC3339_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")


def _rfc3339_text(value: object) -> object:
    # Pydantic also reads a number (or a string of digits) as Unix seconds; the API speaks
    # RFC 3339 only, so "0" is malformed rather than 1970.
    if not isinstance(value, datetime) and not (
        isinstance(value, str) and _RFC3339_DATE_TIME.match(value)
    ):
        raise ValueError("expected an RFC 3339 date-time with an offset, e.g. 2026-12-01T09:00:00Z")
    return value


Rfc3339 = Annotated[AwareDatetime, BeforeValidator(_rfc3339_text)]
"""An instant given as RFC 3339 text with an offset."""
