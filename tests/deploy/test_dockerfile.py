"""The Dockerfile: lint-clean, lock-file install, small non-root runtime, the right command."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.deploy.files import (
    ROOT,
    Stage,
    exec_form,
    is_ignored,
    read_dockerignore,
    read_stages,
    stage_env,
)

DOCKERFILE = ROOT / "Dockerfile"
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def stages() -> list[Stage]:
    return read_stages(DOCKERFILE)


@pytest.fixture(scope="module")
def builder(stages: list[Stage]) -> Stage:
    assert len(stages) >= 2, "expected a multi-stage build"
    return stages[0]


@pytest.fixture(scope="module")
def runtime(stages: list[Stage]) -> Stage:
    return stages[-1]


def test_hadolint_reports_nothing() -> None:
    result = subprocess.run(
        [
            str(BIN / "hadolint"),
            "--format",
            "json",
            "--failure-threshold",
            "style",
            str(DOCKERFILE),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,  # picks up .hadolint.yaml if one is ever needed
        check=False,
    )
    findings = json.loads(result.stdout or "[]")
    assert findings == [], "\n".join(
        f"Dockerfile:{item['line']} {item['code']} {item['level']}: {item['message']}"
        for item in findings
    )
    assert result.returncode == 0, result.stderr


def test_base_images_are_pinned_slim_python_311(stages: list[Stage]) -> None:
    for stage in stages:
        match = re.fullmatch(r"python:(3\.11\.\d+)-slim-(\w+)", stage.base)
        assert match, f"{stage.base!r}: pin a full python:3.11.N-slim-<debian> tag"
    assert len({stage.base for stage in stages}) == 1, (
        "builder and runtime must share one base: the venv's python links to the base's"
    )


def test_builder_installs_the_pinned_uv_and_syncs_the_lock(builder: Stage) -> None:
    runs = [item.value for item in builder.all("RUN")]
    makefile_uv = re.search(r"^UV_VERSION := (\S+)$", (ROOT / "Makefile").read_text(), re.M)
    assert makefile_uv is not None
    assert any(f"pip install --no-cache-dir uv=={makefile_uv.group(1)}" in run for run in runs)
    syncs = [run for run in runs if run.startswith("uv sync")]
    assert syncs, "the builder must install with `uv sync`"
    for run in syncs:
        assert {"--frozen", "--no-dev", "--no-editable"} <= set(run.split()), run
    assert "--no-install-project" in syncs[0], "first sync installs dependencies only (cache)"
    assert "--no-install-project" not in syncs[-1], "last sync installs the project itself"


def test_lock_files_are_copied_before_the_sources(builder: Stage) -> None:
    copies = [item.value.split()[:-1] for item in builder.all("COPY")]
    flat = [source.rstrip("/") for sources in copies for source in sources]
    assert flat.index("uv.lock") < flat.index("src")
    assert flat.index("pyproject.toml") < flat.index("src")
    first_sync = next(item.line for item in builder.all("RUN") if "uv sync" in item.value)
    src_copy = next(item.line for item in builder.all("COPY") if "src" in item.value)
    assert first_sync < src_copy, "dependencies must be installed before src/ is copied"


def test_runtime_copies_only_the_virtualenv(builder: Stage, runtime: Stage) -> None:
    venv = stage_env(builder, {})["UV_PROJECT_ENVIRONMENT"]
    copies = [item.value.split() for item in runtime.all("COPY")]
    assert copies == [[f"--from={builder.name}", venv, venv]], (
        "the runtime takes the venv from the builder, at the same path (venvs do not relocate)"
    )
    assert runtime.all("ADD") == []


def test_runtime_runs_as_a_numeric_non_root_user(runtime: Stage) -> None:
    user = runtime.last("USER")
    assert user is not None
    uid = user.value.split(":")[0]
    assert uid.isdigit(), "numeric, so Kubernetes-style runAsNonRoot checks can verify it"
    assert int(uid) != 0


def test_runtime_environment(runtime: Stage) -> None:
    env = stage_env(runtime, {"PATH": "/usr/local/bin:/usr/bin:/bin"})
    assert env["PORT"] == "8080"
    assert env["PYTHONUNBUFFERED"] == "1"
    assert env["PATH"].split(":")[0].endswith("/bin")
    assert [item.value for item in runtime.all("EXPOSE")] == ["8080"]


def test_command_serves_on_all_interfaces_in_exec_form(runtime: Stage) -> None:
    entrypoint = runtime.last("ENTRYPOINT")
    cmd = runtime.last("CMD")
    assert entrypoint is not None
    assert cmd is not None
    command = exec_form(entrypoint) + exec_form(cmd)  # fails on the shell form
    assert command == ["tutorcal", "serve", "--host", "0.0.0.0"]
    assert "--port" not in command, "the port comes from $PORT through the settings"
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert command[0] in scripts


def test_healthcheck_probes_healthz_in_exec_form(runtime: Stage) -> None:
    healthcheck = runtime.last("HEALTHCHECK")
    # Cloud Run ignores it; `docker run` and compose use it.
    assert healthcheck is not None
    command = exec_form(healthcheck)
    assert "/healthz" in " ".join(command)


def test_dockerignore_keeps_the_build_inputs_and_drops_the_rest(builder: Stage) -> None:
    rules = read_dockerignore(ROOT / ".dockerignore")
    sources = [
        source.rstrip("/")
        for item in builder.all("COPY")
        for source in item.value.split()[:-1]
        if not source.startswith("--")
    ]
    needed = []
    for source in sources:
        path = ROOT / source
        assert path.exists(), f"COPY {source}: not in the repository"
        if path.is_dir():
            # What the repository holds there; what a local build made there (the web app's
            # packages, client and bundle) the image's build makes for itself.
            needed += _tracked_files(source)
        else:
            needed.append(source)
    assert "src/tutorcal/cli.py" in needed
    assert "web/src/main.ts" in needed
    kept_out = [name for name in needed if is_ignored(name, rules)]
    assert kept_out == [], f".dockerignore drops files the build copies: {kept_out}"
    for unwanted in [
        ".venv/bin/python",
        ".tools/bin/uv",
        ".git/HEAD",
        ".env",
        "src/.env",
        "tutorcal.sqlite3",
        "src/tutorcal/tutorcal.sqlite3",
        "src/tutorcal/__pycache__/cli.cpython-311.pyc",
        ".mypy_cache/3.11/x.json",
        ".ruff_cache/content",
        ".pytest_cache/v/cache/lastfailed",
        "tests/test_config.py",
        "cloudsql-credentials.json",
        "bench/results/latest.json",
        "web/node_modules/vue/package.json",
        "web/src/client/index.ts",
        "src/tutorcal/web/dist/index.html",
    ]:
        assert is_ignored(unwanted, rules), f"{unwanted} would be sent to the Docker build"


def _tracked_files(directory: str) -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "--", directory],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return [line for line in listed.stdout.splitlines() if (ROOT / line).is_file()]
