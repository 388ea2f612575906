"""OAuth scopes tutorcal asks Google for."""

from __future__ import annotations

SIGN_IN_SCOPES = ("openid", "email", "profile")
CALENDAR_EVENTS = "https://www.googleapis.com/auth/calendar.events"
CALENDAR_READONLY = "https://www.googleapis.com/auth/calendar.readonly"
# calendar.events to add students to events; calendar.readonly for the calendar list and free/busy.
CALENDAR_SCOPES = (CALENDAR_EVENTS, CALENDAR_READONLY)


def has_calendar_access(granted_scopes: list[str]) -> bool:
    """Users can untick calendar access on Google's consent screen; check what was granted."""
    return all(scope in granted_scopes for scope in CALENDAR_SCOPES)
