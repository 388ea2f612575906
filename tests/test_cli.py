"""The ``tutorcal`` command as an operator uses it."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx2
import pytest

from tests.support.databases import ScratchDatabase
from tests.support.processes import ServerProcess, free_port, run_tutorcal
from tests.test_schema import cli_env
from tutorcal.audit.models import AuditEntry
from tutorcal.db import orm, tortoise_config
from tutorcal.users.models import PendingRoleGrant, User


async def test_create_admin_promotes_an_existing_user_and_audits_it(
    database: ScratchDatabase, tmp_path: Path
) -> None:
    async with orm(tortoise_config(database.url)):
        user = await User.create(google_sub="sub-ada", email="ada@school.example")
    try:
        result = run_tutorcal(
            "create-admin", "Ada@School.example", env=cli_env(database.url), cwd=tmp_path
        )
        assert result.returncode == 0, result.stderr
        assert "ada@school.example is now an admin" in result.stdout
        async with orm(tortoise_config(database.url)):
            assert (await User.get(id=user.id)).is_admin
            entry = await AuditEntry.get(action="role_change", subject_id=str(user.id))
            assert entry.detail["granted"] == "admin"
    finally:
        async with orm(tortoise_config(database.url)):
            await AuditEntry.all().delete()
            await User.all().delete()


async def test_create_admin_for_someone_not_signed_in_yet_waits_for_their_first_sign_in(
    database: ScratchDatabase, tmp_path: Path
) -> None:
    try:
        result = run_tutorcal(
            "create-admin", "newcomer@school.example", env=cli_env(database.url), cwd=tmp_path
        )
        assert result.returncode == 0, result.stderr
        assert "from their first sign-in" in result.stdout
        async with orm(tortoise_config(database.url)):
            grant = await PendingRoleGrant.get(email="newcomer@school.example")
            assert grant.is_admin
    finally:
        async with orm(tortoise_config(database.url)):
            await AuditEntry.all().delete()
            await PendingRoleGrant.all().delete()


@pytest.mark.backends("sqlite")
def test_create_admin_refuses_something_that_is_not_an_email(
    database: ScratchDatabase, tmp_path: Path
) -> None:
    result = run_tutorcal("create-admin", "not-an-email", env=cli_env(database.url), cwd=tmp_path)
    assert result.returncode == 2
    assert "not an email address" in result.stderr


@pytest.mark.slow
@pytest.mark.backends("sqlite")
def test_serve_logs_json_with_request_ids_and_drains_on_sigterm(
    database: ScratchDatabase, tmp_path: Path
) -> None:
    server = ServerProcess(env=cli_env(f"sqlite://{tmp_path}/serve.sqlite3"))
    try:
        server.wait_ready()
        response = httpx2.get(f"{server.base_url}/healthz", headers={"X-Request-ID": "ops-check-7"})
        assert response.status_code == 200
        started = time.monotonic()
        assert server.terminate(timeout=10) == 0
        assert time.monotonic() - started < 10
    finally:
        server.stop()
    lines = [json.loads(line) for line in server.output().splitlines() if line.startswith("{")]
    access = [line for line in lines if line.get("request_id") == "ops-check-7"]
    assert access, server.output()
    assert access[0]["severity"] == "INFO"
    assert access[0]["httpRequest"]["requestUrl"] == "/healthz"
    assert access[0]["httpRequest"]["status"] == 200


@pytest.mark.backends("sqlite")
def test_the_emulator_refuses_to_listen_beyond_loopback(
    database: ScratchDatabase, tmp_path: Path
) -> None:
    result = run_tutorcal("emulator", "--host", "0.0.0.0", env={}, cwd=tmp_path)
    assert result.returncode == 2
    assert "loopback" in result.stderr


async def test_rotate_keys_re_encrypts_stored_tokens_and_the_old_key_can_then_go(
    database: ScratchDatabase, tmp_path: Path
) -> None:
    from cryptography.fernet import Fernet

    from tutorcal.core.crypto import TokenCipher
    from tutorcal.google.models import GoogleGrant

    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    async with orm(tortoise_config(database.url)):
        user = await User.create(google_sub="sub-tara", email="tara@school.example")
        sealed = TokenCipher([old_key]).seal(str(user.id), "1//refresh")
        await GoogleGrant.create(user=user, refresh_token_ciphertext=sealed, granted_scopes=[])
    try:
        env = {**cli_env(database.url), "TOKEN_ENCRYPTION_KEYS": f"{new_key},{old_key}"}
        result = run_tutorcal("rotate-keys", env=env, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert "1 grant(s)" in result.stdout
        async with orm(tortoise_config(database.url)):
            grant = await GoogleGrant.get(user_id=user.id)
        assert (
            TokenCipher([new_key]).open(str(user.id), grant.refresh_token_ciphertext or "")
            == "1//refresh"
        )
    finally:
        async with orm(tortoise_config(database.url)):
            await GoogleGrant.all().delete()
            await User.all().delete()


# What a Cloud Run job that only migrates holds: the database URL and nothing that decrypts grants.
GOOGLE_AND_KEYS = ("GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET", "TOKEN_ENCRYPTION_KEYS")


def database_only_env(url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for name in GOOGLE_AND_KEYS:
        monkeypatch.delenv(name, raising=False)
    return {"DATABASE_URL": url, "TUTORCAL_DEMO": "false"}


async def test_migrate_and_create_admin_need_only_the_database(
    database: ScratchDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = database_only_env(database.url, monkeypatch)
    try:
        migrated = run_tutorcal("migrate", env=env, cwd=tmp_path)
        assert migrated.returncode == 0, migrated.stderr
        promoted = run_tutorcal("create-admin", "grace@school.example", env=env, cwd=tmp_path)
        assert promoted.returncode == 0, promoted.stderr
        assert "grace@school.example will be an admin" in promoted.stdout
    finally:
        async with orm(tortoise_config(database.url)):
            await AuditEntry.all().delete()
            await PendingRoleGrant.all().delete()


@pytest.mark.backends("sqlite")
def test_rotate_keys_needs_the_keys_but_not_the_google_client(
    database: ScratchDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cryptography.fernet import Fernet

    env = database_only_env(database.url, monkeypatch)
    without_keys = run_tutorcal("rotate-keys", env=env, cwd=tmp_path)
    assert without_keys.returncode == 2
    assert "TOKEN_ENCRYPTION_KEYS must be set" in without_keys.stderr
    with_keys = run_tutorcal(
        "rotate-keys",
        env={**env, "TOKEN_ENCRYPTION_KEYS": Fernet.generate_key().decode()},
        cwd=tmp_path,
    )
    assert with_keys.returncode == 0, with_keys.stderr


@pytest.mark.backends("sqlite")
def test_a_database_that_cannot_be_reached_is_one_line_without_its_password(
    database: ScratchDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed_port = free_port()
    url = f"postgres://tutorcal:db-pass-0007@127.0.0.1:{closed_port}/tutorcal"
    result = run_tutorcal("migrate", env=database_only_env(url, monkeypatch), cwd=tmp_path)
    assert result.returncode == 2
    assert "cannot reach the database" in result.stderr
    assert "Traceback" not in result.stderr
    assert "db-pass-0007" not in result.stderr + result.stdout
