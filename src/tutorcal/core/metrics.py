"""Prometheus metrics, defined once so that every module counts into the same series."""

from __future__ import annotations

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
    "Seconds since each mirrored calendar was last synced successfully.",
    ["calendar"],
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
