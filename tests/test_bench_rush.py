"""The rush section's own parts: its timetable of arrivals against a real server, the deployed
schedule it calls the periodic tasks on, and a plan that seats every student."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from bench import arrivals, loadgen
from bench.rush import generate
from bench.rush_stage import SEATS, Options, plan_rush
from bench.scheduler import due_at
from bench.staging import Staging, base_environment, free_port, module_command


def test_arrivals_are_each_sent_at_their_moment_and_answered(tmp_path: Path) -> None:
    with Staging(tmp_path, "test") as staging:
        env = {**base_environment(), "DATABASE_URL": f"sqlite://{tmp_path}/baseline.sqlite3"}
        server = staging.spawn("baseline", module_command("bench.baseline_serve", free_port()), env)
        call = loadgen.Call("POST", "/api/v1/bookings", {"session_id": "s"})
        timetable = [0.0, 0.3, 0.6]
        spec = arrivals.Spec(
            time.time() + 1.0,
            [arrivals.Arrival(server.port, at, {"X-Test": str(at)}, call) for at in timetable],
        )

        result = asyncio.run(generate(spec))

    assert result["answered"] == 3
    assert result["codes"] == {"http_404": 3}
    assert sorted(a["connection"] for a in result["answers"]) == [0, 1, 2]
    assert result["booking_ids"] == [None, None, None]
    assert result["wall_s"] >= 0.55  # the last one waited for its moment


def test_the_periodic_tasks_fire_on_the_minutes_their_deployed_crons_name() -> None:
    at = {minute: due_at(minute) for minute in (7, 10, 30, 60)}

    assert at[7] == ["drain-outbox"]
    assert at[10] == ["drain-outbox", "sync"]
    assert at[30] == ["drain-outbox", "sync", "purge-expired"]
    assert at[60] == ["drain-outbox", "sync", "renew-channels"]


def test_the_rush_plan_seats_every_student_once_within_capacity() -> None:
    plan = plan_rush(Options(), datetime(2026, 12, 3, 9, tzinfo=UTC))

    per_session = Counter(seat.title for seat in plan.seats)
    assert sorted(seat.student for seat in plan.seats) == list(range(2000))
    assert max(per_session.values()) <= SEATS
    assert sum(seat.tutor == plan.hot for seat in plan.seats) == 800
    assert plan.offsets == sorted(plan.offsets)
    assert plan.offsets[0] >= 0
    assert plan.offsets[-1] < 60
