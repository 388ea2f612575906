"""Time windows in query strings: offsets required, bounded length."""

from __future__ import annotations

from datetime import datetime, timedelta

from tutorcal.errors import Unprocessable

MAX_WINDOW = timedelta(days=62)
DEFAULT_WINDOW = timedelta(days=14)


class WindowTooLarge(Unprocessable):
    code = "window_too_large"
    default_detail = "The window is longer than 62 days."


class InvalidWindow(Unprocessable):
    code = "invalid_window"
    default_detail = "The window ends before it starts."


def resolve_window(
    start: datetime | None, end: datetime | None, now: datetime
) -> tuple[datetime, datetime]:
    start = start or now
    end = end or start + DEFAULT_WINDOW
    if end < start:
        raise InvalidWindow()
    if end - start > MAX_WINDOW:
        raise WindowTooLarge()
    return start, end
