"""Fresh databases per test run on the servers this machine has: SQLite, PostgreSQL, MariaDB/MySQL."""

from __future__ import annotations

import asyncio
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncmy
import asyncpg

POSTGRES_ADMIN_URL = os.environ.get(
    "TUTORCAL_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test"
)
MYSQL_ADMIN_URL = os.environ.get("TUTORCAL_TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306/test")
ALL_BACKENDS = ("sqlite", "postgres", "mysql")


def selected_backends() -> list[str]:
    chosen = os.environ.get("TUTORCAL_TEST_DATABASES", ",".join(ALL_BACKENDS))
    backends = [name.strip() for name in chosen.split(",") if name.strip()]
    unknown = set(backends) - set(ALL_BACKENDS)
    if unknown:
        raise ValueError(f"TUTORCAL_TEST_DATABASES names unknown backends: {sorted(unknown)}")
    return backends


def _with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{database}"))


@dataclass(frozen=True)
class ScratchDatabase:
    backend: str
    url: str
    name: str


class ServerUnreachable(Exception):
    pass


async def _postgres(statement: str) -> None:
    parts = urlsplit(POSTGRES_ADMIN_URL)
    try:
        connection = await asyncpg.connect(
            host=parts.hostname,
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password,
            database=parts.path.lstrip("/") or "postgres",
            timeout=5,
        )
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        raise ServerUnreachable(f"PostgreSQL at {parts.hostname}:{parts.port}: {exc}") from exc
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def _mysql(statement: str) -> None:
    parts = urlsplit(MYSQL_ADMIN_URL)
    try:
        connection = await asyncmy.connect(
            host=parts.hostname,
            port=parts.port or 3306,
            user=parts.username or "root",
            password=parts.password or "",
            connect_timeout=5,
        )
    except (OSError, asyncmy.errors.Error, TimeoutError) as exc:  # type: ignore[attr-defined]
        raise ServerUnreachable(f"MySQL at {parts.hostname}:{parts.port}: {exc}") from exc
    try:
        async with connection.cursor() as cursor:
            await cursor.execute(statement)
    finally:
        connection.close()


def create_database(backend: str, directory: Path) -> ScratchDatabase:
    name = f"tutorcal_test_{uuid.uuid4().hex[:12]}"
    if backend == "sqlite":
        return ScratchDatabase(backend, f"sqlite://{directory / (name + '.sqlite3')}", name)
    if backend == "postgres":
        asyncio.run(_postgres(f'CREATE DATABASE "{name}"'))
        return ScratchDatabase(backend, _with_database(POSTGRES_ADMIN_URL, name), name)
    asyncio.run(_mysql(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
    return ScratchDatabase(backend, _with_database(MYSQL_ADMIN_URL, name), name)


def drop_database(database: ScratchDatabase) -> None:
    if database.backend == "postgres":
        asyncio.run(_postgres(f'DROP DATABASE IF EXISTS "{database.name}" WITH (FORCE)'))
    elif database.backend == "mysql":
        asyncio.run(_mysql(f"DROP DATABASE IF EXISTS `{database.name}`"))
