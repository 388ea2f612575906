"""docs/deploy.md against what it deploys: the manifests, the periodic tasks, the alerts.

A guide that sets a variable on the command line, schedules another list of tasks than the
worker runs, or alerts on a metric nobody exports, deploys a service that is wrong in
production while every command in it succeeds.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client import REGISTRY

import tutorcal.core.metrics  # noqa: F401 - registers tutorcal's metrics
from tests.deploy.files import ROOT, schema_errors
from tests.deploy.test_cloudrun_manifests import (
    CLOUD_SQL_MAX_CONNECTIONS,
    MANIFESTS,
    PLACEHOLDERS,
    RESERVED_CONNECTIONS,
    SERVICE,
    _env,
    _render,
    _service_container,
)
from tutorcal.cli import main as tutorcal_cli
from tutorcal.config import Settings
from tutorcal.operations.tasks import PERIODIC_TASKS

GUIDE = ROOT / "docs" / "deploy.md"
README = ROOT / "README.md"
CLOUDBUILD = ROOT / "deploy" / "cloudbuild.yaml"
ALERTS = sorted((ROOT / "deploy" / "monitoring").glob("*.yaml"))

# Settings the guide mentions that service.yaml rightly leaves at their defaults, and why.
MENTIONED_BUT_OPTIONAL = {
    "PORT": "Cloud Run sets it, and refuses it in the manifest",
    "RATE_LIMIT_STORAGE_URL": "only with a Redis instance, which the guide leaves to the reader",
    "SYNC_INTERVAL_MINUTES": "named to explain the sync task; the default is what it describes",
    "CHANNEL_RENEW_BEFORE_HOURS": "named to explain renew-channels",
    "MIRROR_STALE_AFTER_MINUTES": "named to explain the sync-lag alert's threshold",
}


@pytest.fixture(scope="module")
def guide() -> str:
    return GUIDE.read_text()


def shell_blocks(text: str) -> list[str]:
    """The ```sh blocks, with backslash continuations joined into one line."""
    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    return [block.replace("\\\n", " ") for block in blocks]


def test_the_service_is_changed_only_by_replacing_its_manifest(guide: str) -> None:
    commands = "\n".join(shell_blocks(guide))
    assert "gcloud run services replace" in commands
    assert "gcloud run deploy" not in commands
    assert not re.search(r"gcloud run services update(?!-traffic)\b", commands), (
        "`services update` settings vanish at the next replace"
    )
    assert not re.search(r"gcloud run jobs update\b", commands)


def test_every_variable_the_guide_sets_on_a_command_line_is_in_the_manifest(guide: str) -> None:
    service_env = set(_env(_service_container(_render(SERVICE))))
    flags = re.findall(
        r"--(?:set|update)-(?:env-vars|secrets)[= ]([^\s\\]+)", "\n".join(shell_blocks(guide))
    )
    named = {pair.split("=", 1)[0] for flag in flags for pair in flag.strip("\"'").split(",")}
    assert named <= service_env, f"set on the command line, missing from service.yaml: {named}"


def test_every_setting_the_guide_names_is_in_the_manifest_or_knowingly_left_out(
    guide: str,
) -> None:
    service_env = set(_env(_service_container(_render(SERVICE))))
    settings = {name.upper() for name in Settings.model_fields}
    named = set(re.findall(r"\b[A-Z][A-Z0-9_]+\b", guide)) & settings
    missing = named - service_env - set(MENTIONED_BUT_OPTIONAL)
    assert not missing, f"the guide names settings service.yaml does not set: {missing}"
    assert set(MENTIONED_BUT_OPTIONAL) <= named - service_env, "a stale exception above"


def test_every_variable_the_readme_calls_required_is_in_the_manifest() -> None:
    service_env = set(_env(_service_container(_render(SERVICE))))
    rows = [line for line in README.read_text().splitlines() if line.startswith("| `")]
    required = {
        name
        for row in rows
        if "required" in row.split("|")[3]
        for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])
    }
    assert {"GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET", "TOKEN_ENCRYPTION_KEYS"} <= required
    assert required <= service_env


# ---- periodic tasks ----


def guide_task_table(guide: str) -> dict[str, str]:
    """The table of periodic tasks: task -> Cloud Scheduler's cron."""
    section = guide.split("## 10. Periodic tasks", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([\w-]+)` \| `([^`]+)` \| every round \|", section, re.M)
    return dict(rows)


def guide_scheduler_jobs(guide: str) -> dict[str, str]:
    """The jobs the guide's loop creates: task -> cron."""
    loop = next(block for block in shell_blocks(guide) if "gcloud scheduler jobs" in block)
    return dict(re.findall(r'"([\w-]+)\|([^"]+)"', loop))


def test_cloud_scheduler_runs_exactly_the_tasks_the_worker_runs_on_the_same_schedules(
    guide: str,
) -> None:
    worker = {task.name: task.schedule for task in PERIODIC_TASKS}
    assert guide_task_table(guide) == worker, "the guide's table of periodic tasks"
    assert guide_scheduler_jobs(guide) == worker, "the Cloud Scheduler jobs the guide creates"
    assert worker["drain-outbox"] == "* * * * *", "a failed Google write is retried each minute"
    for schedule in worker.values():
        assert len(schedule.split()) == 5, f"{schedule!r} is not a cron expression"


def test_the_scheduler_jobs_sign_as_the_account_and_audience_the_service_checks(
    guide: str,
) -> None:
    loop = next(block for block in shell_blocks(guide) if "gcloud scheduler jobs" in block)
    assert '--uri="${PUBLIC_BASE_URL}/api/v1/internal/tasks/${task}"' in loop
    assert '--oidc-token-audience="$PUBLIC_BASE_URL"' in loop
    assert '--oidc-service-account-email="$SCHEDULER_SA"' in loop
    assert "--headers" not in loop, "no shared secret stored in the jobs"
    account = re.search(r'export SCHEDULER_SA="([^"]+)"', guide)
    assert account
    rendered = account.group(1).replace("${PROJECT_ID}", PLACEHOLDERS["PROJECT_ID"])
    env = _env(_service_container(_render(SERVICE)))
    assert env["INTERNAL_TASK_SERVICE_ACCOUNT"]["value"] == rendered
    assert env["INTERNAL_TASK_OIDC_AUDIENCE"]["value"] == PLACEHOLDERS["PUBLIC_URL"]


def test_the_jobs_the_guide_runs_exist_and_run_real_commands(guide: str) -> None:
    jobs = {_render(path)["metadata"]["name"] for path in MANIFESTS[1:]}
    commands = "\n".join(shell_blocks(guide))
    executed = re.findall(r"gcloud run jobs execute (\S+)([^\n]*)", commands)
    assert {name for name, _ in executed} <= jobs
    for _, options in executed:
        argument = re.search(r"--args=([\w,-]+)", options)
        if argument:
            command = argument.group(1).split(",")[0]
            assert command in tutorcal_cli.commands, f"`tutorcal {command}` does not exist"


def secrets_read_by(node: object) -> set[str]:
    """Every Secret Manager secret a manifest reads: env-var secrets and mounted volumes."""
    found: set[str] = set()
    if isinstance(node, dict):
        if isinstance(node.get("secretKeyRef"), dict):
            found.add(node["secretKeyRef"]["name"])
        if isinstance(node.get("secret"), dict):
            found.add(node["secret"]["secretName"])
        for value in node.values():
            found |= secrets_read_by(value)
    elif isinstance(node, list):
        for item in node:
            found |= secrets_read_by(item)
    return found


def test_the_secrets_the_guide_creates_are_those_the_manifests_read_and_the_service_may_read(
    guide: str,
) -> None:
    read = set().union(*(secrets_read_by(_render(path)) for path in MANIFESTS))
    assert {"tutorcal-gmp-config", "tutorcal-database-url"} <= read
    commands = "\n".join(shell_blocks(guide))
    created = set(re.findall(r"gcloud secrets create (tutorcal-[\w-]+)", commands))
    assert created == read
    granted = next(
        block for block in shell_blocks(guide) if "roles/secretmanager.secretAccessor" in block
    )
    loop = granted.split("for secret in", 1)[1].split("; do", 1)[0]
    assert set(re.findall(r"tutorcal-[\w-]+", loop)) == read, "tutorcal-run may read each one"


# ---- the build ----


def test_cloud_build_config_is_valid_and_builds_the_dockerfile_as_its_own_account(
    guide: str,
) -> None:
    assert not schema_errors("vendor.cloudbuild", CLOUDBUILD)
    config = yaml.safe_load(CLOUDBUILD.read_text())
    (step,) = config["steps"]
    assert step["args"] == ["build", "--tag", "${_IMAGE}", "."], "the Dockerfile at the root"
    assert config["images"] == ["${_IMAGE}"]
    # A build that runs as its own service account has to log to Cloud Logging only.
    assert config["options"]["logging"] == "CLOUD_LOGGING_ONLY"
    submits = [line for line in shell_blocks(guide) if "gcloud builds submit" in line]
    assert submits
    for block in submits:
        assert "--config=deploy/cloudbuild.yaml" in block
        assert '--service-account="projects/${PROJECT_ID}/serviceAccounts/${BUILD_SA}"' in block


# ---- alerts ----


def exported_metric_names() -> set[str]:
    names = set()
    for family in REGISTRY.collect():
        names.update(sample.name for sample in family.samples)
        names.add(family.name)
    return names


@pytest.mark.parametrize("path", ALERTS, ids=lambda path: path.name)
def test_each_alert_is_a_promql_policy_on_metrics_that_exist(path: Path) -> None:
    policy: dict[str, Any] = yaml.safe_load(path.read_text())
    assert policy["displayName"].startswith("tutorcal: ")
    assert policy["combiner"] == "OR"
    assert policy["documentation"]["content"].strip()
    exported = exported_metric_names()
    for condition in policy["conditions"]:
        promql = condition["conditionPrometheusQueryLanguage"]
        assert re.fullmatch(r"\d+s", promql["duration"])
        ours = set(re.findall(r"\btutorcal_\w+", promql["query"]))
        assert ours <= exported, f"{path.name}: no such metric {ours - exported}"
        assert f"--policy-from-file=deploy/monitoring/{path.name}" in path.read_text()


def test_the_alerts_cover_errors_the_outbox_channels_sync_lag_and_connections() -> None:
    queries = {
        path.name: yaml.safe_load(path.read_text())["conditions"][0][
            "conditionPrometheusQueryLanguage"
        ]["query"]
        for path in ALERTS
    }
    joined = " ".join(queries.values())
    for needed in (
        'response_code_class="5xx"',
        "tutorcal_outbox_pending",
        "tutorcal_channels_expiring_soon",
        "tutorcal_sync_lag_seconds",
        "database_postgresql_num_backends",
    ):
        assert needed in joined, needed
    stale_after = Settings.model_fields["mirror_stale_after_minutes"].default * 60
    assert queries["sync-lag.yaml"].endswith(f"> {stale_after}")
    budget = CLOUD_SQL_MAX_CONNECTIONS - RESERVED_CONNECTIONS
    assert queries["database-connections.yaml"].endswith(f"> {budget}")
