"""Migrations and schema: applied once, safe to repeat, faithful to the models, guarding bookings."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aerich import Command
from tortoise import connections
from tortoise.context import TortoiseContext
from tortoise.exceptions import IntegrityError, OperationalError

from tests.conftest import BASE_SETTINGS, make_settings
from tests.support.databases import ScratchDatabase, create_database, drop_database
from tests.support.factories import (
    make_booking,
    make_session,
    make_slot_booking,
    make_student,
    make_tutor,
)
from tests.support.processes import TUTORCAL, run_tutorcal
from tutorcal import schema
from tutorcal.bookings.models import BookingStatus, IdempotencyRecord
from tutorcal.config import Settings
from tutorcal.db import MIGRATIONS_DIR, orm, tortoise_config
from tutorcal.schema import migrate, pending_changes


def cli_env(url: str) -> dict[str, str]:
    return {
        "DATABASE_URL": url,
        "TUTORCAL_DEMO": "false",
        "GOOGLE_CLIENT_ID": str(BASE_SETTINGS["google_client_id"]),
        "GOOGLE_CLIENT_SECRET": str(BASE_SETTINGS["google_client_secret"]),
        "TOKEN_ENCRYPTION_KEYS": str(BASE_SETTINGS["token_encryption_keys"]),
    }


@pytest.fixture
def empty_database(backend: str, database: ScratchDatabase, tmp_path: Path) -> object:
    """A brand-new database on the same server as the suite's, dropped afterwards."""
    fresh = create_database(backend, tmp_path)
    yield fresh
    drop_database(fresh)


async def test_migrating_an_up_to_date_database_changes_nothing(settings: Settings) -> None:
    assert await migrate(settings) == []
    assert await pending_changes(settings) == []


def test_the_committed_migrations_match_the_models(tmp_path: Path) -> None:
    """Fails when a model changed without `make migration name=…`."""
    location = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, location)

    async def diff() -> str:
        command = Command(
            tortoise_config=tortoise_config(
                "postgres://nobody@127.0.0.1:1/none", for_migrations=True
            ),
            app="models",
            location=str(location),
        )
        async with TortoiseContext():
            await command.init(offline=True)
            return await command.migrate(name="drift", no_input=True, offline=True)

    generated = asyncio.run(diff())
    assert generated == "", (
        f"models and migrations disagree; run `make migration name=...` (aerich wrote {generated})"
    )


@pytest.mark.backends("postgres", "mysql")
def test_serve_refuses_a_database_that_was_not_migrated(
    backend: str, empty_database: ScratchDatabase, tmp_path: Path
) -> None:
    result = run_tutorcal("serve", env=cli_env(empty_database.url), cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "tutorcal migrate" in lines[0]


def test_two_concurrent_migrations_both_succeed_and_apply_the_schema_once(
    backend: str, empty_database: ScratchDatabase, tmp_path: Path
) -> None:
    env = {**cli_env(empty_database.url)}
    runs = [
        subprocess.Popen(
            [TUTORCAL, "migrate"],
            env={**os.environ, **env},
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    reports = sorted(stdout.strip().splitlines()[-1] for stdout, _ in outputs)
    if backend == "postgres":
        assert reports[0].startswith("applied: 0_")
        assert reports[1] == "the database schema is up to date"

    settings = make_settings(database_url=empty_database.url)
    assert asyncio.run(pending_changes(settings)) == []
    second = run_tutorcal("migrate", env=env, cwd=tmp_path)
    assert second.stdout.strip().splitlines()[-1] == "the database schema is up to date"


@pytest.mark.postgres_only
async def test_postgres_through_a_unix_socket_directory_like_cloud_sql(
    backend: str, database: ScratchDatabase
) -> None:
    socket_url = f"postgres://postgres@/{database.name}?host=/var/run/postgresql"
    settings = make_settings(database_url=socket_url)
    assert await pending_changes(settings) == []
    async with orm(tortoise_config(settings.database_url)):
        rows = await connections.get("default").execute_query_dict(
            "SELECT inet_server_addr() IS NULL AS over_socket"
        )
    assert rows[0]["over_socket"] is True


@pytest.mark.postgres_only
async def test_postgres_refuses_overlapping_confirmed_bookings_of_one_student(
    backend: str, app: object
) -> None:
    tutor, other_tutor, student = await make_tutor(), await make_tutor(), await make_student()
    start = datetime(2030, 1, 8, 9, tzinfo=UTC)
    await make_slot_booking(tutor, student, start_at=start)
    with pytest.raises(IntegrityError, match="ex_bookings_student_overlap"):
        await make_slot_booking(other_tutor, student, start_at=start + timedelta(minutes=30))
    # Back to back is fine, and so is overlapping a cancelled booking.
    await make_slot_booking(other_tutor, student, start_at=start + timedelta(minutes=60))
    await make_slot_booking(
        other_tutor,
        student,
        start_at=start + timedelta(minutes=30),
        status=BookingStatus.CANCELLED,
    )


@pytest.mark.postgres_only
async def test_postgres_refuses_overlapping_one_to_one_slots_of_one_tutor(
    backend: str, app: object
) -> None:
    tutor = await make_tutor()
    start = datetime(2030, 1, 9, 9, tzinfo=UTC)
    await make_slot_booking(tutor, start_at=start)
    with pytest.raises(IntegrityError, match="ex_bookings_tutor_slot_overlap"):
        await make_slot_booking(tutor, start_at=start + timedelta(minutes=15))


@pytest.mark.backends("postgres", "sqlite")
async def test_a_student_holds_at_most_one_confirmed_seat_in_a_session(
    backend: str, app: object
) -> None:
    session, student = await make_session(), await make_student()
    await make_booking(session, student)
    with pytest.raises(IntegrityError, match=r"uq_bookings_confirmed_seat|UNIQUE"):
        await make_booking(session, student)


async def test_a_failed_sqlite_schema_generation_leaves_no_table_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The schema is made in one transaction: all of it, or nothing to trip over next time."""
    settings = make_settings(database_url=f"sqlite://{tmp_path / 'fresh.sqlite3'}")
    monkeypatch.setattr(schema, "_SQLITE_EXTRA_SQL", "CREATE INDEX broken ON no_such_table (x);")
    with pytest.raises(OperationalError):
        await migrate(settings)
    async with orm(tortoise_config(settings.database_url)):
        rows = await connections.get("default").execute_query_dict(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
        )
    assert rows == []
    monkeypatch.undo()
    assert await migrate(settings) == ["generated schema"]
    assert await pending_changes(settings) == []


@pytest.mark.backends("sqlite", "mysql")
async def test_a_database_of_an_earlier_release_gets_the_columns_added_since(
    backend: str, empty_database: ScratchDatabase
) -> None:
    """Generating a schema makes missing tables only; a new column of an existing table
    (here the booking an Idempotency-Key names) must reach a SQLite or MySQL database
    that an earlier release made, with the rows it holds."""
    settings = make_settings(database_url=empty_database.url)
    await migrate(settings)
    async with orm(tortoise_config(empty_database.url)):
        connection = connections.get("default")
        generator = connection.schema_generator(connection)
        table_sql = generator._get_table_sql(IdempotencyRecord, safe=False)
        earlier = "\n".join(
            line
            for line in table_sql["table_creation_string"].splitlines()
            if "booking_id" not in line
        ).replace(",\n)", "\n)")
        user = await make_student()
        await connection.execute_script("DROP TABLE idempotency_records")
        await connection.execute_script(earlier)
        await connection.execute_query(
            "INSERT INTO idempotency_records (id, created_at, user_id, `key`, fingerprint,"
            " is_complete, expires_at) VALUES (%s, %s, %s, 'k1', 'f', 0, %s)"
            if backend == "mysql"
            else "INSERT INTO idempotency_records (id, created_at, user_id, key, fingerprint,"
            " is_complete, expires_at) VALUES (?, ?, ?, 'k1', 'f', 0, ?)",
            [str(uuid.uuid4()), datetime.now(UTC), str(user.id), datetime.now(UTC)],
        )
        await connection.execute_script("UPDATE tutorcal_schema SET fingerprint = 'earlier'")
    assert await pending_changes(settings) == ["schema generation"]

    applied = await migrate(settings)

    assert "added column idempotency_records.booking_id" in applied
    assert await pending_changes(settings) == []
    async with orm(tortoise_config(empty_database.url)):
        kept = await IdempotencyRecord.get(key="k1")
        assert kept.booking_id is None  # type: ignore[attr-defined]
        booking = await make_slot_booking(user, user)
        await IdempotencyRecord.filter(id=kept.id).update(booking_id=booking.id)
        # The foreign key came with the column: the key goes with its booking.
        await booking.delete()
        assert not await IdempotencyRecord.filter(id=kept.id).exists()
