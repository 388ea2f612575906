"""How admin requests fail."""

from __future__ import annotations

from tutorcal.errors import NotFound, Unprocessable


class UserNotFound(NotFound):
    default_detail = "There is no such user."


class UnknownAction(Unprocessable):
    code = "unknown_action"
    default_detail = "The audit trail records no such action."
