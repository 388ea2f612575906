from __future__ import annotations

from tutorcal.errors import Conflict, NotFound


class SessionNotFound(NotFound):
    default_detail = "There is no such session (it may have been deleted in Google Calendar)."


class CalendarUnavailable(Conflict):
    """Fail closed: times that may already be taken are never presented as bookable."""

    code = "calendar_unavailable"
    default_detail = "This tutor's calendar cannot be read right now, so no times are offered."
