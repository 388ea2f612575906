"""How an admin's retry of a Google write fails."""

from __future__ import annotations

from tutorcal.errors import Conflict, NotFound


class OutboxJobNotFound(NotFound):
    default_detail = "There is no such outbox item."


class OutboxJobNotFailed(Conflict):
    code = "outbox_not_failed"
    default_detail = "Only a write that failed for good can be retried; this one has not failed."
