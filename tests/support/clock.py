"""A clock tests move: tutorcal's rules and the emulator's expiries read it instead of waiting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class ManualClock:
    """Real time plus an offset the test controls, so a deadline can be passed without waiting.

    Only forward: what the database stamps by itself (``auto_now``) stays on wall time, and
    "older than" rules compare the two.
    """

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, delta: timedelta) -> None:
        assert delta >= timedelta(0), "a ManualClock only moves forward"
        self.offset += delta
