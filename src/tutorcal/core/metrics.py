"""Prometheus metrics, defined once so that every module counts into the same series."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Counter(
    "tutorcal_http_requests_total",
    "HTTP requests answered, by route template and status.",
    ["method", "route", "status"],
)
HTTP_REQUEST_DURATION = Histogram(
    "tutorcal_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
GOOGLE_CALLS = Counter(
    "tutorcal_google_calls_total",
    "Calls to Google Calendar, by API method and outcome (ok, or the error class).",
    ["method", "outcome"],
)
SYNC_LAG = Gauge(
    "tutorcal_sync_lag_seconds",
    "Seconds since the least recently synced calendar of a connected tutor was synced, as this "
    "instance's last sync task found it; it keeps growing while no sync task runs here, so "
    "take the minimum across instances. NaN until this instance has run one.",
)
CHANNELS_EXPIRING_SOON = Gauge(
    "tutorcal_channels_expiring_soon",
    "Push channels that expire within the renewal margin and have not been renewed yet.",
)
SYNCS = Counter(
    "tutorcal_syncs_total",
    "Calendar syncs run, by kind (full, incremental) and outcome.",
    ["kind", "outcome"],
)
OUTBOX_PENDING = Gauge(
    "tutorcal_outbox_pending",
    "Google writes recorded but not yet carried out.",
)
RATE_LIMITED = Counter(
    "tutorcal_rate_limited_total",
    "Requests refused with 429, by rate-limit rule.",
    ["rule"],
)
RATE_LIMIT_STORAGE_ERRORS = Counter(
    "tutorcal_rate_limit_storage_errors_total",
    "Rate-limit checks skipped because the counters' storage could not be reached.",
)


# One series, not one per calendar: labels per calendar id grow without bound and show ids.
_oldest_sync: list[float] = []


def _sync_lag() -> float:
    return time.time() - _oldest_sync[0] if _oldest_sync else math.nan


SYNC_LAG.set_function(_sync_lag)


def observe_oldest_sync(oldest: datetime | None) -> None:
    """The sync task saw this as the oldest sync of a connected tutor's calendar (None: none)."""
    _oldest_sync[:] = [oldest.timestamp() if oldest else time.time()]


@contextmanager
def served_on_loopback(port: int) -> Iterator[None]:
    """Prometheus text on 127.0.0.1:port only: a sidecar in the same instance can read it,
    nothing outside can (Cloud Run routes requests to the container port alone)."""
    from prometheus_client import start_wsgi_server

    server, thread = start_wsgi_server(port, addr="127.0.0.1")
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=2)
