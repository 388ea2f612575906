"""What the operations endpoints ask of the system."""

from __future__ import annotations

import asyncio

from tortoise import connections


async def ping_database(timeout_seconds: float) -> None:
    """Raises if the database does not answer ``SELECT 1`` within the timeout."""
    await asyncio.wait_for(connections.get("default").execute_query("SELECT 1"), timeout_seconds)
