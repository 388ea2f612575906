"""The statements one tutor's sessions and slots reads run, and PostgreSQL's plan for each.

Run as its own process on the bench's database (tutorcal's settings from the environment):
it calls the service functions that ``GET /tutors/{id}/sessions`` and ``GET /tutors/{id}/slots``
call, with the student's login session as the routes' authentication does, records every
statement they send through Tortoise's connection, then asks ``EXPLAIN (FORMAT JSON)`` for
each SELECT with the same values (after ``ANALYZE``, as autovacuum would have by then).

Prints one JSON object: per read, each statement's first line and the scans of its plan
(node type, table, index).

    echo '{"tutor_id": ..., "session_token": ..., "start": ISO, "end": ISO}' \\
        | python -m bench.scale_plans
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

Statement = tuple[str, tuple[Any, ...]]


def scans(plan: dict[str, Any], parent_table: str = "") -> Iterator[dict[str, str]]:
    """Every node of the plan that reads a table or an index, depth first (a bitmap index
    scan is named after the table of the heap scan above it)."""
    table = str(plan.get("Relation Name", parent_table))
    if "Relation Name" in plan or "Index Name" in plan:
        yield {
            "node": str(plan["Node Type"]),
            "table": table,
            "index": str(plan.get("Index Name", "")),
        }
    for child in plan.get("Plans", ()):
        yield from scans(child, table)


def first_line(statement: str) -> str:
    text = " ".join(statement.split())
    return text[:120] + ("…" if len(text) > 120 else "")


async def recorded(
    client: Any, work: Callable[[], Awaitable[object]]
) -> tuple[list[Statement], object]:
    """The statements ``work`` sent through ``client``, in order, and what it returned."""
    seen: list[Statement] = []
    originals = {name: getattr(client, name) for name in ("execute_query", "execute_query_dict")}

    def recording(name: str) -> Callable[..., Awaitable[Any]]:
        async def run(query: str, values: list[Any] | None = None) -> Any:
            seen.append((query, tuple(values or ())))
            return await originals[name](query, values)

        return run

    for name in originals:
        setattr(client, name, recording(name))
    try:
        result = await work()
    finally:
        for name, original in originals.items():
            setattr(client, name, original)
    return seen, result


async def plan_of(client: Any, query: str, values: tuple[Any, ...]) -> list[dict[str, str]]:
    rows = await client.execute_query_dict(f"EXPLAIN (FORMAT JSON) {query}", list(values))
    document = rows[0]["QUERY PLAN"]
    return list(scans((json.loads(document) if isinstance(document, str) else document)[0]["Plan"]))


async def explain(client: Any, statements: list[Statement]) -> list[dict[str, Any]]:
    """Each SELECT's plan; and, for one with a sequential scan, the plan PostgreSQL falls back
    to with those off: a table still read whole then has no index this statement can use
    (on a table of a few pages a sequential scan is the right choice, not a missing index)."""
    plans: list[dict[str, Any]] = []
    for query, values in statements:
        if not query.lstrip().upper().startswith("SELECT"):
            continue
        chosen = await plan_of(client, query, values)
        unindexed: list[str] = []
        if any(scan["node"] == "Seq Scan" for scan in chosen):
            # One pooled connection (pool_size=1): the setting holds for the next statement.
            await client.execute_script("SET enable_seqscan = off")
            try:
                forced = await plan_of(client, query, values)
            finally:
                await client.execute_script("RESET enable_seqscan")
            unindexed = sorted({s["table"] for s in forced if s["node"] == "Seq Scan"})
        plans.append({"statement": first_line(query), "scans": chosen, "unindexed": unindexed})
    return plans


async def capture(tutor_id: str, session_token: str, start: datetime, end: datetime) -> Any:
    from tortoise import connections

    from tutorcal.auth import service as auth
    from tutorcal.availability import service as availability
    from tutorcal.config import get_settings
    from tutorcal.core.time import utcnow
    from tutorcal.db import orm, tortoise_config
    from tutorcal.tutoring_sessions import service as sessions

    settings = get_settings()
    stale = timedelta(minutes=settings.mirror_stale_after_minutes)
    async with orm(tortoise_config(settings.database_url, pool_size=1)):
        client = connections.get("default")
        await client.execute_script("ANALYZE")
        login, signed_in = await recorded(
            client, lambda: auth.authenticate_session(session_token, utcnow())
        )
        if not isinstance(signed_in, auth.Authenticated):
            raise SystemExit("the student's login session is not live")
        viewer = signed_in.user
        listed, _ = await recorded(
            client,
            lambda: sessions.list_sessions(
                tutor_id, viewer, start, end, now=utcnow(), stale_after=stale
            ),
        )
        slots, _ = await recorded(
            client,
            lambda: availability.list_free_slots(
                tutor_id, start, end, minutes=None, now=utcnow(), stale_after=stale
            ),
        )
        # Both routes authenticate first: the login session's statements are each read's.
        return {
            "sessions": await explain(client, login + listed),
            "slots": await explain(client, login + slots),
        }


def main() -> int:
    spec = json.load(sys.stdin)
    start, end = (datetime.fromisoformat(spec[name]) for name in ("start", "end"))
    result = asyncio.run(capture(spec["tutor_id"], spec["session_token"], start, end))
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
