"""The banner `make run` shows once the demo answers: the address (whatever the port), how to
sign in, the six people and their roles, the API docs, and what a restart does to the data."""

from __future__ import annotations

from pathlib import Path

import httpx2
import pytest

from tests.support.processes import ServerProcess, free_port

from .support import READY, demo_env, stop_demo

PEOPLE = [
    ("Alex Admin", "admin@demo.tutorcal.test", "student, admin"),
    ("Tara Tutor", "tara@demo.tutorcal.test", "student, tutor"),
    ("Theo Tutor", "theo@demo.tutorcal.test", "student, tutor"),
    ("Sam Student", "sam@demo.tutorcal.test", "student"),
    ("Sofia Student", "sofia@demo.tutorcal.test", "student"),
    ("Stefan Student", "stefan@demo.tutorcal.test", "student"),
]


def _banner_of(directory: Path, **env: str) -> tuple[str, int]:
    port = free_port()
    server = ServerProcess(
        env=demo_env(directory, PORT=str(port), **env), port=port, as_configured=True, cwd=directory
    )
    try:
        server.wait_for_output(READY)
        docs = httpx2.get(f"http://localhost:{port}/docs", timeout=5)
        assert docs.status_code == 200
    finally:
        output = stop_demo(server)
    lines = output.splitlines()
    first = next(n for n, line in enumerate(lines) if READY in line)
    last = next(n for n in range(first, len(lines)) if set(lines[n]) == {"-"})
    return "\n".join(lines[first:last]), port


@pytest.mark.slow
def test_the_banner_says_where_to_go_who_to_be_and_that_a_restart_keeps_the_data(
    tmp_path: Path,
) -> None:
    banner, port = _banner_of(tmp_path)

    assert f"{READY}: open http://localhost:{port}/" in banner
    assert 'pick one of these people on the "Choose an account" page' in banner
    for name, email, roles in PEOPLE:
        assert any(
            line.split() == [*name.split(), email, *roles.split()] for line in banner.splitlines()
        ), f"{name} is not listed with {roles}"
    assert f"API docs: http://localhost:{port}/docs" in banner
    assert (
        f"Data: {tmp_path}/demo.sqlite3, its Google side in {tmp_path}/demo.sqlite3-demo.json"
        in banner
    )
    assert "A restart keeps both" in banner


@pytest.mark.slow
def test_a_demo_on_a_database_in_memory_warns_that_google_starts_afresh(tmp_path: Path) -> None:
    banner, _ = _banner_of(tmp_path, DATABASE_URL="sqlite://:memory:")

    assert "the Google side starts afresh at every start" in banner
    assert not list(tmp_path.glob("*-demo.json"))
