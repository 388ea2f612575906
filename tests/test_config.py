"""A bad configuration stops start-up with one clear line naming the variable, not a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from tests.support.processes import run_tutorcal
from tutorcal.config import load_settings

GOOD = {
    "TUTORCAL_DEMO": "false",
    "GOOGLE_CLIENT_ID": "client",
    "GOOGLE_CLIENT_SECRET": "secret",
    "TOKEN_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    "PUBLIC_BASE_URL": "http://127.0.0.1:8000",
}


@pytest.mark.parametrize(
    ("overrides", "variable"),
    [
        ({"DATABASE_URL": "oracle-ish://nowhere"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres://u@h:notaport/db"}, "DATABASE_URL"),
        ({"DEFAULT_TIMEZONE": "Mars/Olympus_Mons"}, "DEFAULT_TIMEZONE"),
        ({"TOKEN_ENCRYPTION_KEYS": ""}, "TOKEN_ENCRYPTION_KEYS"),
        ({"TOKEN_ENCRYPTION_KEYS": "not-a-fernet-key"}, "TOKEN_ENCRYPTION_KEYS"),
        ({"GOOGLE_CLIENT_ID": ""}, "GOOGLE_CLIENT_ID"),
        ({"PORT": "eighty"}, "PORT"),
        ({"PUBLIC_BASE_URL": "tutorcal.example.com"}, "PUBLIC_BASE_URL"),
        (
            {"TUTORCAL_DEMO": "true", "PUBLIC_BASE_URL": "https://tutorcal.example.com"},
            "PUBLIC_BASE_URL",
        ),
    ],
)
def test_a_bad_value_stops_serve_with_one_line_naming_the_variable(
    overrides: dict[str, str], variable: str, tmp_path: Path
) -> None:
    env = {**GOOD, "DATABASE_URL": f"sqlite://{tmp_path}/db.sqlite3", **overrides}
    result = run_tutorcal("serve", env=env, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert variable in lines[0]
    assert "Traceback" not in result.stderr


def test_a_second_rotation_key_must_be_valid_too(tmp_path: Path) -> None:
    keys = f"{Fernet.generate_key().decode()},broken"
    env = {**GOOD, "TOKEN_ENCRYPTION_KEYS": keys, "DATABASE_URL": f"sqlite://{tmp_path}/db.sqlite3"}
    result = run_tutorcal("rotate-keys", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "TOKEN_ENCRYPTION_KEYS: key 2 is not a Fernet key" in result.stderr


def test_a_redis_password_in_a_refused_storage_url_stays_out_of_the_error(tmp_path: Path) -> None:
    env = {
        **GOOD,
        "DATABASE_URL": f"sqlite://{tmp_path}/db.sqlite3",
        "RATE_LIMIT_STORAGE_URL": "memcached://:redis-pass-0004@cache:6379/0",
    }
    result = run_tutorcal("serve", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "RATE_LIMIT_STORAGE_URL" in result.stderr
    assert "redis-pass-0004" not in result.stderr + result.stdout


def test_database_and_redis_passwords_stay_out_of_the_settings_repr() -> None:
    settings = load_settings(
        _env_file=None,
        **{name.lower(): value for name, value in GOOD.items()},
        database_url="postgres://tutorcal:db-pass-0005@/tutorcal?host=/cloudsql/p:r:i",
        rate_limit_storage_url="redis://:redis-pass-0006@10.0.0.3:6379/0",
    )
    for shown in (repr(settings), str(settings)):
        assert "db-pass-0005" not in shown
        assert "redis-pass-0006" not in shown
