"""A burst of push notifications across every channel, and whether the changes behind it show.

Before the burst, one change per tutor is made in Google (a new session in each calendar).
The emulator pushes it as Google would, but numbered below what the channel has already
taken: tutorcal's redelivery check drops those pushes (the bench raises every channel's
``last_message_number`` to BASE_NUMBER first, as if Google had numbered that far), so only
the burst can bring the changes in, and the bench checks that none showed before it. Then
bench/pushgen.py sends the burst, paced over its duration, round robin over the channels,
each message with the channel's token and next number. Measured: the webhook's answers, the
syncs that ran (events.list calls, by tutor, from the emulator's request log), the changes
that never showed (lost), and how long after the burst began every change was visible.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime
from typing import Any

from bench.scale_seed import in_parallel, query, timed_body
from bench.staging import BenchError, Emulator, Server, base_environment, wait_until

BASE_NUMBER = 1_000_000_000
VISIBLE_TIMEOUT_SECONDS = 120.0
PUSHGEN_CONNECTIONS = 32
POLL_SECONDS = 0.05


@dataclass
class BurstResult:
    notifications: int
    channels: int
    answers: dict[str, int]
    errors: dict[str, int]
    webhook_p95_ms: float
    last_sent_after_s: float
    visible_before: int
    lost: int
    all_visible_after_s: float | None
    syncs: int
    max_syncs_per_channel: int
    sync_bound_per_channel: int
    google_calls: int

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def visible(database_url: str, title: str) -> int:
    rows = query(
        database_url,
        "SELECT count(*) AS n FROM tutoring_sessions WHERE title = $1 AND is_active",
        title,
    )
    return int(rows[0]["n"])


def pushes_settled(emulator: Emulator, app: Server) -> int:
    """Messages the emulator has delivered or given up on, over the app's live channels."""
    return sum(
        int(c["notifications_delivered"]) + int(c["notifications_failed"])
        for c in emulator.control("GET", "/channels")
        if str(c["address"]).startswith(app.url)
    )


def make_changes(
    emulator: Emulator, app: Server, emails: list[str], title: str, at: datetime
) -> None:
    """One new session per tutor, in Google; returns once Google's own pushes are through."""
    settled = pushes_settled(emulator, app)
    body = timed_body(title, at, description="capacity: 2")
    in_parallel(lambda email: emulator.control("POST", f"/calendars/{email}/events", body), emails)
    wait_until(
        lambda: pushes_settled(emulator, app) >= settled + len(emails),
        30,
        "Google's own pushes of the changes",
    )


def channel_specs(emulator: Emulator, app: Server, numbers: dict[str, int]) -> list[dict[str, Any]]:
    specs = []
    for channel in emulator.control("GET", "/channels"):
        if not str(channel["address"]).startswith(app.url):
            continue
        expires = datetime.fromisoformat(str(channel["expiration"]))
        specs.append(
            {
                "id": channel["id"],
                "token": channel["token"],
                "resource_id": channel["resource_id"],
                "resource_uri": channel["resource_uri"],
                "expiration": format_datetime(expires, usegmt=True),
                "first_number": numbers.get(str(channel["id"]), BASE_NUMBER + 1),
            }
        )
    return specs


def send_and_watch(
    spec: dict[str, Any], database_url: str, title: str, wanted: int
) -> tuple[dict[str, Any], float | None]:
    """pushgen's result, and when (after the burst began) ``wanted`` changes were visible."""
    sender = subprocess.Popen(
        [sys.executable, "-m", "bench.pushgen"],
        env=base_environment(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert sender.stdin is not None
    assert sender.stdout is not None
    sender.stdin.write(json.dumps(spec))
    sender.stdin.close()
    sender.stdout.readline()  # "starting": the burst begins now
    began = time.perf_counter()
    seen_after: float | None = None
    while time.perf_counter() - began < VISIBLE_TIMEOUT_SECONDS:
        if seen_after is None and visible(database_url, title) >= wanted:
            seen_after = time.perf_counter() - began
        if seen_after is not None and sender.poll() is not None:
            break
        time.sleep(POLL_SECONDS)
    output = sender.stdout.read()
    if sender.wait(timeout=VISIBLE_TIMEOUT_SECONDS) != 0:
        raise BenchError(f"bench.pushgen failed with {sender.returncode}")
    return json.loads(output), seen_after


def run_burst(
    emulator: Emulator,
    app: Server,
    database_url: str,
    emails: list[str],
    *,
    count: int,
    duration_s: float,
    coalesce_s: float,
    numbers: dict[str, int],
    at: datetime,
) -> BurstResult:
    """``numbers``: each channel's next message number, carried from one burst to the next."""
    query(
        database_url,
        "UPDATE watch_channels SET last_message_number = $1 "
        "WHERE last_message_number IS NULL OR last_message_number < $1",
        BASE_NUMBER,
    )
    title = f"Tutoring: burst check, {len(emails)} tutors"
    make_changes(emulator, app, emails, title, at)
    visible_before = visible(database_url, title)
    channels = channel_specs(emulator, app, numbers)
    emulator.clear_calls()
    spec = {
        "port": app.port,
        "count": count,
        "duration_s": duration_s,
        "connections": PUSHGEN_CONNECTIONS,
        "channels": channels,
    }
    sent, seen_after = send_and_watch(spec, database_url, title, len(emails))
    emulator.wait_quiet()
    log = emulator.control("GET", "/requests")
    syncs = Counter(str(e["user"]) for e in log if e["name"] == "events.list")
    for channel in channels:
        numbers[str(channel["id"])] = int(channel["first_number"]) + math.ceil(
            count / len(channels)
        )
    return BurstResult(
        notifications=count,
        channels=len(channels),
        answers=sent["statuses"],
        errors=sent["errors"],
        webhook_p95_ms=float(sent["latency_ms"]["p95"]),
        last_sent_after_s=float(sent["last_sent_after_s"]),
        visible_before=visible_before,
        lost=len(emails) - visible(database_url, title),
        all_visible_after_s=seen_after,
        syncs=sum(syncs.values()),
        max_syncs_per_channel=max(syncs.values(), default=0),
        # One per coalescing window over the burst, and the one that follows its end.
        sync_bound_per_channel=math.ceil(duration_s / coalesce_s) + 1,
        google_calls=len(log),
    )


def change_time(term_start: datetime, step: int) -> datetime:
    """Where step ``step``'s change goes: a weekend hour the term leaves free."""
    return term_start + timedelta(days=5 + 7 * step, hours=11)
