"""Ids are opaque strings in the API and UUIDs inside."""

from __future__ import annotations

import uuid

from tutorcal.errors import AppError, NotFound


def parse_id(value: str, what: str = "object") -> uuid.UUID:
    """A malformed id names nothing, so it is a 404 like any other id that does not exist."""
    try:
        return uuid.UUID(value)
    except ValueError:
        raise NotFound(f"There is no such {what}.") from None


def parse_reference(value: str, error: type[AppError]) -> uuid.UUID:
    """An id a request body refers to: malformed, it names nothing, so it is refused with the
    same ``error`` as an id that does not exist."""
    try:
        return uuid.UUID(value)
    except ValueError:
        raise error() from None
