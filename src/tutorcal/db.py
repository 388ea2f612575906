"""Tortoise configuration from settings; aerich imports ``TORTOISE_ORM`` from here."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from tortoise.backends.base.config_generator import expand_db_url
from tortoise.context import TortoiseContext

from tutorcal.config import DEFAULT_DATABASE_URL, DatabaseSettings

MODEL_MODULES = [
    "tutorcal.users.models",
    "tutorcal.auth.models",
    "tutorcal.google.models",
    "tutorcal.tutors.models",
    "tutorcal.availability.models",
    "tutorcal.tutoring_sessions.models",
    "tutorcal.bookings.models",
    "tutorcal.outbox.models",
    "tutorcal.audit.models",
]

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


SQLITE_ENGINE = "tutorcal.sqlite_client"


def _connection(database_url: str, pool_size: int) -> str | dict[str, Any]:
    """SQLite through tutorcal's client (transactions that take the write lock first, see
    tutorcal.sqlite_client); the servers with their pool capped: Cloud Run's max instances
    times this must stay under the server's limit."""
    parts = urlsplit(database_url)
    if parts.scheme == "sqlite":
        return {**expand_db_url(database_url), "engine": SQLITE_ENGINE}
    query = dict(parse_qsl(parts.query))
    query.setdefault("maxsize", str(pool_size))
    url = urlunsplit(parts._replace(query=urlencode(query)))
    expanded = expand_db_url(url)
    if expanded["engine"] != ASYNCPG_ENGINE:
        return url
    expanded["credentials"]["reset"] = _keep_session
    return expanded


ASYNCPG_ENGINE = "tortoise.backends.asyncpg"


async def _keep_session(connection: object) -> None:
    """What asyncpg's pool does to a connection coming back, instead of its default.

    Tortoise takes a pooled connection for each statement outside a transaction, and the
    default reset (``RESET ALL; CLOSE ALL; UNLISTEN *; pg_advisory_unlock_all()``) is a
    second round trip for each. tutorcal leaves none of that state on a pooled connection:
    no SET, no LISTEN, no cursor left open, advisory locks only transaction-scoped (the
    migration's session lock has a connection of its own). asyncpg still rolls back an open
    transaction before calling this.
    """


def tortoise_config(
    database_url: str, pool_size: int = 10, *, for_migrations: bool = False
) -> dict[str, Any]:
    """``for_migrations``: the configuration aerich itself runs with (PostgreSQL's migrations).

    aerich's own model is registered only then: its table records which migrations
    PostgreSQL has applied, and nothing else ever reads it. SQLite and MySQL have their schema
    generated from the models and recorded by fingerprint (tutorcal.schema), so they need no
    aerich table, and importing aerich (its CLI framework and all) would only slow down every
    cold start.
    """
    models = [*MODEL_MODULES]
    if for_migrations:
        models.append("aerich.models")
    return {
        "connections": {"default": _connection(database_url, pool_size)},
        "apps": {"models": {"models": models, "default_connection": "default"}},
        "use_tz": True,
        "timezone": "UTC",
    }


def tortoise_config_for(
    settings: DatabaseSettings, *, for_migrations: bool = False
) -> dict[str, Any]:
    return tortoise_config(
        settings.database_url, settings.database_pool_size, for_migrations=for_migrations
    )


@asynccontextmanager
async def orm(config: dict[str, Any]) -> AsyncIterator[TortoiseContext]:
    """Tortoise for one unit of work (CLI commands, migrations), undone on exit.

    A context of its own, so that the state Tortoise keeps in a context variable never
    leaks into whatever runs next in the same task.
    """
    async with TortoiseContext() as context:
        await context.init(config=config)
        yield context


def __getattr__(name: str) -> Any:
    # aerich's CLI reads TORTOISE_ORM from this module; computing it lazily keeps the import
    # free of side effects and lets aerich run without the rest of the settings being valid.
    if name == "TORTOISE_ORM":
        return tortoise_config(
            os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL), for_migrations=True
        )
    raise AttributeError(name)
