"""The short reliability run, in every `make test`: three instances, a worker, every fault."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import _skip_or_fail

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.timeout(420)
def test_no_booking_is_lost_or_doubled_through_google_and_database_faults(
    tmp_path: Path,
) -> None:
    if shutil.which("pg_createcluster") is None:
        _skip_or_fail("the reliability run needs Debian's PostgreSQL server tools")
    results = tmp_path / "reliability.json"
    run = subprocess.run(
        [sys.executable, "-m", "reliability", "--short", "--json", str(results)],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=400,
        check=False,
    )
    report = run.stdout + run.stderr
    assert results.exists(), report
    result = json.loads(results.read_text())
    assert result["violation_count"] == 0, report
    assert {fault["name"] for fault in result["faults"]} >= {
        "Google 503 burst",
        "Google 429 burst",
        "Google latency spike",
        "tutor grant revoked",
        "sync token invalidated",
        "PostgreSQL restart",
        "SIGKILL of an app process",
    }, report
    assert result["promised"] > 50, report  # the faults hit a service that was really booking
    assert run.returncode == 0, report
