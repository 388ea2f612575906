from __future__ import annotations

from tutorcal.errors import Conflict, NotFound, ServiceUnavailable, Unprocessable


class TutorNotFound(NotFound):
    default_detail = "There is no such tutor."


class UnknownSubject(Unprocessable):
    code = "unknown_subject"
    default_detail = "A subject id does not exist."


class SubjectCodeTaken(Conflict):
    code = "subject_code_taken"
    default_detail = "Another subject has this code."


class CalendarNotConnected(Conflict):
    code = "calendar_not_connected"
    default_detail = "Connect your Google Calendar first."


class GoogleCalendarUnavailable(ServiceUnavailable):
    code = "google_unavailable"
    default_detail = "Google Calendar cannot be reached. Try again in a minute."
