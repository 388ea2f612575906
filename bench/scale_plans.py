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


def scans(plan: dict[str, Any]) -> Iterator[dict[str, str]]:
    """Every node of the plan that reads a table or an index, depth first."""
    relation = plan.get("Relation Name")
    if relation is not None or "Index Name" in plan:
        yield {
            "node": str(plan["Node Type"]),
            "table": str(relation or ""),
            "index": str(plan.get("Index Name", "")),
        }
    for child in plan.get("Plans", ()):
        yield from scans(child)


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


async def explain(client: Any, statements: list[Statement]) -> list[dict[str, Any]]:
    plans: list[dict[str, Any]] = []
    for query, values in statements:
        if not query.lstrip().upper().startswith("SELECT"):
            continue
        rows = await client.execute_query_dict(f"EXPLAIN (FORMAT JSON) {query}", list(values))
        document = rows[0]["QUERY PLAN"]
        plan = (json.loads(document) if isinstance(document, str) else document)[0]["Plan"]
        plans.append({"statement": first_line(query), "scans": list(scans(plan))})
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
        login, signed_in = await recorded(client, lambda: auth.authenticate_session(session_token))
        if not isinstance(signed_in, auth.Authenticated):
            raise SystemExit("the student's login session is not live")
        viewer = signed_in.user
        listed, _ = await recorded(
            client,
            lambda: sessions.list_sessions(tutor_id, viewer, start, end, stale_after=stale),
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
