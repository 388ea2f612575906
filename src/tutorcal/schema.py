"""Bringing a database's schema up to date, and refusing to serve one that is behind.

PostgreSQL uses the committed aerich migrations, which also carry the constraints Tortoise
cannot express (exclusion constraints, partial unique indexes). SQLite and MySQL get their
schema generated from the models, plus what each dialect can enforce of the same rules.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import pkgutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from tortoise import Tortoise, connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.context import TortoiseContext
from tortoise.exceptions import DBConnectionError, OperationalError
from tortoise.utils import get_schema_sql

from tutorcal.config import DatabaseSettings
from tutorcal.db import MIGRATIONS_DIR, orm, tortoise_config_for

if TYPE_CHECKING:
    import asyncpg
    from aerich import Command

logger = logging.getLogger("tutorcal.schema")

# Any fixed number works; it only has to be the same for every process migrating this database.
_MIGRATION_LOCK_KEY = 0x7475746F7263616C  # "tutorcal"

# Rules that Tortoise's models cannot state, for the dialects that can enforce them this way.
# PostgreSQL's equivalents (and its exclusion constraints) live in the aerich migrations.
_SQLITE_EXTRA_SQL = """
CREATE UNIQUE INDEX IF NOT EXISTS "uq_bookings_confirmed_seat"
    ON "bookings" ("session_id", "student_id") WHERE "status" = 'confirmed' AND "session_id" IS NOT NULL;
"""


_CREATE_SCHEMA_TABLE = "CREATE TABLE IF NOT EXISTS tutorcal_schema (id INT PRIMARY KEY, fingerprint VARCHAR(64) NOT NULL)"

# REPLACE, not DELETE then INSERT: two migrators finishing together must not collide on the key.
_RECORD_MYSQL_FINGERPRINT = "REPLACE INTO tutorcal_schema (id, fingerprint) VALUES (1, %s)"


class SchemaNotReady(Exception):
    """The database's schema is missing or older than this release; ``tutorcal migrate`` fixes it."""


def applied_migration_names() -> list[str]:
    return sorted(
        f"{module.name}.py"
        for module in pkgutil.iter_modules([str(MIGRATIONS_DIR / "models")])
        if module.name.split("_", 1)[0].isdigit()
    )


def _aerich_command(settings: DatabaseSettings) -> Command:
    from aerich import Command  # only `migrate` needs aerich; `serve` never does

    return Command(
        tortoise_config=tortoise_config_for(settings, for_migrations=True),
        app="models",
        location=str(MIGRATIONS_DIR),
    )


async def _postgres_connection(settings: DatabaseSettings) -> asyncpg.Connection:
    import asyncpg

    credentials: dict[str, Any] = expand_db_url(settings.database_url)["credentials"]
    return await asyncpg.connect(
        host=credentials.get("host"),
        port=credentials.get("port"),
        user=credentials.get("user"),
        password=credentials.get("password"),
        database=credentials.get("database"),
        timeout=10,
    )


async def _postgres_applied_migrations(settings: DatabaseSettings) -> set[str]:
    """Straight from the driver: checking before `serve` should not cost a Tortoise start-up."""
    import asyncpg

    connection = await _postgres_connection(settings)
    try:
        rows = await connection.fetch("SELECT version FROM aerich WHERE app = 'models'")
    except asyncpg.UndefinedTableError:
        return set()
    finally:
        await connection.close()
    return {str(row["version"]) for row in rows}


@asynccontextmanager
async def _postgres_migration_lock(settings: DatabaseSettings) -> AsyncIterator[None]:
    """A session advisory lock on its own connection: a second migrator waits, then finds nothing to do."""
    connection = await _postgres_connection(settings)
    try:
        await connection.execute("SELECT pg_advisory_lock($1)", _MIGRATION_LOCK_KEY)
        yield
    finally:
        try:
            await connection.execute("SELECT pg_advisory_unlock($1)", _MIGRATION_LOCK_KEY)
        finally:
            await connection.close()


def _models_schema() -> tuple[str, str]:
    """The models' schema SQL (``IF NOT EXISTS`` throughout) and its fingerprint.

    One rendering serves both: rendering the SQL for every model is a visible part of a
    SQLite cold start, which needs the fingerprint to compare and, on a new file, the SQL.
    """
    sql = get_schema_sql(connections.get("default"), safe=True)
    return sql, hashlib.sha256(sql.encode()).hexdigest()


async def _generated_schema_state() -> str | None:
    try:
        rows = await connections.get("default").execute_query_dict(
            "SELECT fingerprint FROM tutorcal_schema WHERE id = 1"
        )
    except OperationalError:
        return None
    return str(rows[0]["fingerprint"]) if rows else None


async def ensure_generated_schema(dialect: str) -> list[str]:
    """SQLite and MySQL: create what is missing in the current Tortoise context, and record
    which models the schema matches.

    Creating a schema only makes missing tables, so a database made by an earlier release
    also gets the columns this release's models added to its tables.
    """
    schema_sql, fingerprint = _models_schema()
    recorded = await _generated_schema_state()
    if recorded == fingerprint:
        return []
    changes = ["generated schema"]
    connection = connections.get("default")
    if dialect == "sqlite":
        if recorded is not None:
            # Before the tables: the script below records the fingerprint in its transaction.
            changes += await _add_missing_columns(connection, dialect)
        await _generate_sqlite_schema(schema_sql, fingerprint)
        return changes
    await Tortoise.generate_schemas(safe=True)
    if recorded is not None:
        # After the tables, which a new column may reference; before the fingerprint.
        changes += await _add_missing_columns(connection, dialect)
    await connection.execute_script(_CREATE_SCHEMA_TABLE)
    await connection.execute_query(_RECORD_MYSQL_FINGERPRINT, [fingerprint])
    return changes


async def _existing_columns(connection: BaseDBAsyncClient, dialect: str, table: str) -> set[str]:
    if dialect == "sqlite":
        rows = await connection.execute_query_dict(f'PRAGMA table_info("{table}")')
        return {str(row["name"]) for row in rows}
    rows = await connection.execute_query_dict(
        "SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS"
        " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = %s",
        [table],
    )
    return {str(row["name"]) for row in rows}


async def _add_missing_columns(connection: BaseDBAsyncClient, dialect: str) -> list[str]:
    """``ALTER TABLE … ADD COLUMN`` for each model column an existing table lacks.

    The column is written as Tortoise writes it in a CREATE TABLE (type, default, foreign
    key). A new column that is required and has no default cannot be given to rows that
    exist already; that stops the migration with a message rather than guessing a value.
    """
    assert Tortoise.apps is not None
    generator = connection.schema_generator(connection)
    quote = "`" if dialect == "mysql" else '"'
    added: list[str] = []
    for model in Tortoise.apps["models"].values():
        table = model._meta.db_table
        existing = await _existing_columns(connection, dialect, table)
        if not existing:
            continue  # the table is new: CREATE TABLE makes it whole
        for field_name, column in model._meta.fields_db_projection.items():
            if column in existing:
                continue
            field = model._meta.fields_map[field_name]
            default = generator._get_field_default(field, table, column, model)
            if not field.null and not default:
                raise SchemaNotReady(
                    f"{table}.{column} is new and required, with no default for the rows "
                    "already there: this database needs a hand-written migration"
                )
            definition, _ = generator._get_field_sql_and_related_table(
                field, table, column, default, ""
            )
            statements = [f"ALTER TABLE {quote}{table}{quote} ADD COLUMN {definition}"]
            if field.index:
                statements.append(generator._get_index_sql(model, [column], safe=False))
            # MySQL writes a foreign key and an index as parts of CREATE TABLE, apart from
            # the column; the generator hands them over as its table's inner statements.
            statements += [
                f"ALTER TABLE `{table}` ADD {part}" for part in generator._get_inner_statements()
            ]
            for statement in filter(None, (part.strip() for part in statements)):
                await connection.execute_script(statement)
            added.append(f"added column {table}.{column}")
            logger.info("added column %s.%s", table, column)
    return added


async def _generate_sqlite_schema(schema_sql: str, fingerprint: str) -> None:
    """The whole schema and its fingerprint in one transaction.

    Statement by statement, every CREATE commits on its own and waits for its own sync of
    the WAL: tens of them made up most of a fresh database's start-up. One transaction also
    means a crash half-way leaves no half-made schema behind.
    """
    connection = connections.get("default")
    # executescript takes no parameters; the fingerprint is a hex digest, safe to inline.
    assert all(character in "0123456789abcdef" for character in fingerprint), fingerprint
    script = "\n".join(
        [
            "BEGIN IMMEDIATE;",
            schema_sql,
            _SQLITE_EXTRA_SQL,
            f"{_CREATE_SCHEMA_TABLE};",
            f"REPLACE INTO tutorcal_schema (id, fingerprint) VALUES (1, '{fingerprint}');",  # noqa: S608
            "COMMIT;",
        ]
    )
    try:
        await connection.execute_script(script)
    except BaseException:
        # executescript stops at the failing statement with the transaction still open.
        with contextlib.suppress(OperationalError):
            await connection.execute_query("ROLLBACK")
        raise


async def _generate_schema(settings: DatabaseSettings) -> list[str]:
    async with _mysql_migration_lock(settings), orm(tortoise_config_for(settings)):
        return await ensure_generated_schema(settings.dialect)


@asynccontextmanager
async def _mysql_migration_lock(settings: DatabaseSettings) -> AsyncIterator[None]:
    """MySQL's named lock, like PostgreSQL's advisory lock: concurrent migrators take turns."""
    if settings.dialect != "mysql":
        yield
        return
    import asyncmy

    credentials: dict[str, Any] = expand_db_url(settings.database_url)["credentials"]
    connection = await asyncmy.connect(
        host=credentials.get("host"),
        port=int(credentials.get("port") or 3306),
        user=credentials.get("user"),
        password=credentials.get("password") or "",
        database=credentials.get("database"),
        connect_timeout=10,
    )
    try:
        async with connection.cursor() as cursor:
            await cursor.execute("SELECT GET_LOCK('tutorcal_migrate', 120)")
        yield
    finally:
        try:
            async with connection.cursor() as cursor:
                await cursor.execute("SELECT RELEASE_LOCK('tutorcal_migrate')")
        finally:
            connection.close()


async def migrate(settings: DatabaseSettings) -> list[str]:
    """Bring the schema up to date; safe to run twice or from several processes at once.

    Returns what was applied (empty when the database was already current).
    """
    if settings.dialect != "postgres":
        return await _generate_schema(settings)
    async with _postgres_migration_lock(settings), TortoiseContext():
        command = _aerich_command(settings)
        await command.init()
        return await command.upgrade(run_in_transaction=True)


async def pending_changes(settings: DatabaseSettings) -> list[str]:
    """What ``migrate`` would apply; raises OSError or DBConnectionError when the database
    cannot be reached."""
    if settings.dialect == "postgres":
        applied = await _postgres_applied_migrations(settings)
        return [name for name in applied_migration_names() if name not in applied]
    async with orm(tortoise_config_for(settings)):
        if await _generated_schema_state() == _models_schema()[1]:
            return []
        return ["schema generation"]


async def prepare_for_serving(settings: DatabaseSettings) -> None:
    """SQLite creates its schema on the spot; PostgreSQL and MySQL must have been migrated."""
    if settings.dialect == "sqlite":
        await migrate(settings)
        return
    try:
        pending = await pending_changes(settings)
    except (DBConnectionError, OSError, TimeoutError) as exc:
        raise SchemaNotReady(f"cannot reach the database at DATABASE_URL: {exc}") from exc
    if pending:
        raise SchemaNotReady(
            f"the database schema is not up to date ({len(pending)} change(s) pending); "
            "run `tutorcal migrate` first"
        )
