"""deploy/cloudrun/*.yaml: what Cloud Run needs from them, and nothing secret in them."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from cryptography.fernet import Fernet
from tortoise.backends.base.config_generator import expand_db_url

from tests.deploy.files import ROOT, exec_form, read_stages, stage_env
from tutorcal.config import DatabaseSettings, Settings
from tutorcal.db import tortoise_config_for
from tutorcal.operations.router import router as operations_router

SERVICE = ROOT / "deploy" / "cloudrun" / "service.yaml"
JOB = ROOT / "deploy" / "cloudrun" / "migrate-job.yaml"
OPS_JOB = ROOT / "deploy" / "cloudrun" / "ops-job.yaml"
GMP_CONFIG = ROOT / "deploy" / "cloudrun" / "gmp-config.yaml"
DEPLOY_DOC = ROOT / "docs" / "deploy.md"
MANIFESTS = (SERVICE, JOB, OPS_JOB)

# Sample values for the placeholders, replaced the way docs/deploy.md's render() does (in this
# order: PUBLIC_URL first, its value is a whole address).
PLACEHOLDERS = {
    "PUBLIC_URL": "https://tutorcal-123456789012.europe-west1.run.app",
    "PROJECT_ID": "tutorcal-prod",
    "PROJECT_NUMBER": "123456789012",
    "REGION": "europe-west1",
    "INSTANCE": "tutorcal-db",
    "IMAGE_TAG": "0a1b2c3",
    "OAUTH_CLIENT_ID": "123-abc.apps.googleusercontent.com",
}
SECRET_SETTINGS = {
    "DATABASE_URL",
    "GOOGLE_CLIENT_SECRET",
    "TOKEN_ENCRYPTION_KEYS",
    "INTERNAL_TASK_TOKEN",
}

# The connection budget (docs/deploy.md, "Connection budget"): the tier docs/deploy.md creates
# has max_connections = 100; 15 stay free for superuser slots, Cloud SQL and an operator.
# During a rollout the old and the new revision both run, each up to maxScale instances, and
# Cloud Run may briefly exceed maxScale (https://cloud.google.com/run/docs/configuring/max-instances):
# one more instance per revision.
CLOUD_SQL_TIER = "db-custom-1-3840"
CLOUD_SQL_MAX_CONNECTIONS = 100
RESERVED_CONNECTIONS = 15
REVISIONS_DURING_ROLLOUT = 2
INSTANCES_OVER_MAX = 1


def _render(path: Any) -> dict[str, Any]:
    text = path.read_text()
    for placeholder, value in PLACEHOLDERS.items():
        text = text.replace(placeholder, value)
    loaded = yaml.safe_load(text)
    assert isinstance(loaded, dict)
    return loaded


@pytest.fixture(scope="module")
def service() -> dict[str, Any]:
    return _render(SERVICE)


@pytest.fixture(scope="module")
def job() -> dict[str, Any]:
    return _render(JOB)


@pytest.fixture(scope="module")
def ops_job() -> dict[str, Any]:
    return _render(OPS_JOB)


def _service_container(service: dict[str, Any]) -> dict[str, Any]:
    """The API: the one container that receives requests (the only one with a port)."""
    containers = service["spec"]["template"]["spec"]["containers"]
    serving = [container for container in containers if container.get("ports")]
    assert len(serving) == 1, "exactly one container receives requests"
    return serving[0]


def _job_task(job: dict[str, Any]) -> dict[str, Any]:
    return job["spec"]["template"]["spec"]["template"]["spec"]


def _job_container(job: dict[str, Any]) -> dict[str, Any]:
    containers = _job_task(job)["containers"]
    assert len(containers) == 1
    return containers[0]


def _env(container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    entries = container["env"]
    names = [entry["name"] for entry in entries]
    assert len(names) == len(set(names)), "an env var is set twice"
    return {entry["name"]: entry for entry in entries}


def _plain(container: dict[str, Any]) -> dict[str, str]:
    return {name: entry["value"] for name, entry in _env(container).items() if "value" in entry}


def _secrets(container: dict[str, Any]) -> dict[str, tuple[str, str]]:
    refs = {}
    for name, entry in _env(container).items():
        if "valueFrom" in entry:
            ref = entry["valueFrom"]["secretKeyRef"]
            refs[name] = (ref["name"], ref["key"])
    return refs


def _strings(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [text for value in node.values() for text in _strings(value)]
    if isinstance(node, list):
        return [text for item in node for text in _strings(item)]
    return []


def test_kinds(service: dict[str, Any], job: dict[str, Any], ops_job: dict[str, Any]) -> None:
    assert (service["apiVersion"], service["kind"]) == ("serving.knative.dev/v1", "Service")
    for each in (job, ops_job):
        assert (each["apiVersion"], each["kind"]) == ("run.googleapis.com/v1", "Job")


def render_commands() -> dict[str, str]:
    """docs/deploy.md's render(): placeholder -> the shell variable it is replaced with."""
    return dict(re.findall(r'-e "s\|([A-Z_]+)\|\$\{(\w+)\}\|g"', DEPLOY_DOC.read_text()))


def test_placeholders_are_documented_and_all_replaced(
    service: dict[str, Any], job: dict[str, Any], ops_job: dict[str, Any]
) -> None:
    header = SERVICE.read_text().split("apiVersion:")[0]
    for placeholder in PLACEHOLDERS:
        assert re.search(rf"^#\s+{placeholder}\s", header, re.M), f"{placeholder} undocumented"
    render = render_commands()
    assert list(render) == list(PLACEHOLDERS), "docs/deploy.md must replace these, in this order"
    assert render["PUBLIC_URL"] == "PUBLIC_BASE_URL"
    allowed = {name.upper() for name in Settings.model_fields} | {"INFO"}
    leftovers = {
        token
        for text in _strings(service) + _strings(job) + _strings(ops_job)
        for token in re.findall(r"[A-Z][A-Z0-9]*_[A-Z0-9_]+|\b[A-Z]{4,}\b", text)
    }
    assert leftovers <= allowed, f"unreplaced placeholders: {leftovers - allowed}"


@pytest.mark.parametrize("which", ["job", "ops_job"])
def test_same_image_account_and_instance_for_service_and_jobs(
    which: str, service: dict[str, Any], job: dict[str, Any], ops_job: dict[str, Any]
) -> None:
    each = job if which == "job" else ops_job
    image = _service_container(service)["image"]
    assert re.fullmatch(r"[a-z0-9-]+-docker\.pkg\.dev/[a-z0-9-]+/tutorcal/tutorcal:[\w.-]+", image)
    assert _job_container(each)["image"] == image
    account = service["spec"]["template"]["spec"]["serviceAccountName"]
    assert account == _job_task(each)["serviceAccountName"]
    assert account.endswith(f"@{PLACEHOLDERS['PROJECT_ID']}.iam.gserviceaccount.com")
    key = "run.googleapis.com/cloudsql-instances"
    instance = service["spec"]["template"]["metadata"]["annotations"][key]
    assert instance == "tutorcal-prod:europe-west1:tutorcal-db"
    assert each["spec"]["template"]["metadata"]["annotations"][key] == instance


def test_service_scaling_and_timeouts(service: dict[str, Any]) -> None:
    template = service["spec"]["template"]
    annotations = template["metadata"]["annotations"]
    assert int(annotations["autoscaling.knative.dev/minScale"]) >= 1, "no cold start on booking"
    assert int(annotations["autoscaling.knative.dev/maxScale"]) >= 1
    assert 1 <= template["spec"]["containerConcurrency"] <= 80
    assert 60 <= template["spec"]["timeoutSeconds"] <= 3600


def test_the_cpu_stays_allocated_between_requests(service: dict[str, Any]) -> None:
    """Push-triggered syncs, a tutor's first connect and the sidecar's scrapes run after the
    response; request-based billing throttles the CPU then (docs/deploy.md, "The CPU")."""
    annotations = service["spec"]["template"]["metadata"]["annotations"]
    assert annotations["run.googleapis.com/cpu-throttling"] == "false"
    header = SERVICE.read_text().split("apiVersion:")[0]
    assert "instance-based billing" in header


def test_the_metrics_sidecar_scrapes_the_private_metrics_port(service: dict[str, Any]) -> None:
    spec = service["spec"]["template"]["spec"]
    by_name = {container["name"]: container for container in spec["containers"]}
    api = _service_container(service)
    sidecar = by_name["collector"]
    assert not sidecar.get("ports"), "only the API receives requests"
    assert sidecar["image"].startswith(
        "us-docker.pkg.dev/cloud-ops-agents-artifacts/cloud-run-gmp-sidecar/cloud-run-gmp-sidecar:"
    )
    assert re.search(r":\d+\.\d+\.\d+$", sidecar["image"]), "a pinned version"
    dependencies = json.loads(
        service["spec"]["template"]["metadata"]["annotations"][
            "run.googleapis.com/container-dependencies"
        ]
    )
    assert dependencies == {"collector": [api["name"]]}

    volumes = {volume["name"]: volume for volume in spec["volumes"]}
    (mount,) = sidecar["volumeMounts"]
    assert mount["mountPath"] == "/etc/rungmp/"
    secret = volumes[mount["name"]]["secret"]
    assert secret["secretName"] == "tutorcal-gmp-config"
    assert [item["path"] for item in secret["items"]] == ["config.yaml"]
    assert all(item["key"].isdigit() for item in secret["items"]), "pin the version"

    config = yaml.safe_load(GMP_CONFIG.read_text())
    assert (config["apiVersion"], config["kind"]) == (
        "monitoring.googleapis.com/v1beta",
        "RunMonitoring",
    )
    (endpoint,) = config["spec"]["endpoints"]
    assert endpoint["port"] == _plain(api)["METRICS_PORT"]
    assert endpoint["path"] == "/metrics"


def test_container_port_matches_the_image(service: dict[str, Any]) -> None:
    runtime = read_stages(ROOT / "Dockerfile")[-1]
    image_port = int(stage_env(runtime, {})["PORT"])
    container = _service_container(service)
    assert [port["containerPort"] for port in container["ports"]] == [image_port]
    assert "PORT" not in _env(container), "Cloud Run sets PORT itself and rejects it in env"


def test_probes(service: dict[str, Any]) -> None:
    container = _service_container(service)
    startup = container["startupProbe"]
    liveness = container["livenessProbe"]
    assert startup["httpGet"]["path"] == "/readyz"
    assert liveness["httpGet"]["path"] == "/healthz", "liveness must not touch the database"
    port = container["ports"][0]["containerPort"]
    assert startup["httpGet"]["port"] == port
    assert liveness["httpGet"]["port"] == port
    for probe in (startup, liveness):
        assert probe["timeoutSeconds"] <= probe["periodSeconds"]
    assert startup["periodSeconds"] * startup["failureThreshold"] <= 240
    routes = {getattr(route, "path", None) for route in operations_router.routes}
    assert {"/readyz", "/healthz"} <= routes


@pytest.mark.parametrize("which", ["service", "job", "ops_job"])
def test_secrets_come_from_secret_manager(
    which: str, service: dict[str, Any], job: dict[str, Any], ops_job: dict[str, Any]
) -> None:
    container = {
        "service": lambda: _service_container(service),
        "job": lambda: _job_container(job),
        "ops_job": lambda: _job_container(ops_job),
    }[which]()
    env = _env(container)
    for name in SECRET_SETTINGS & set(env):
        assert "value" not in env[name], f"{name} in plain text"
        assert "secretKeyRef" in env[name]["valueFrom"], name
    for secret, version in _secrets(container).values():
        assert secret.startswith("tutorcal-")
        assert version.isdigit(), f"{secret}: pin a version; env secrets are read at start-up"
    assert set(_secrets(container)) <= SECRET_SETTINGS


def test_no_secret_material_anywhere() -> None:
    suspicious = [
        (r"\b[A-Za-z0-9_-]{43}=", "a Fernet key"),
        (r"GOCSPX-", "a Google OAuth client secret"),
        (r"ya29\.|1//0", "a Google token"),
        (r"-----BEGIN", "a private key"),
        (r"postgres(?:ql)?://[^:/@\s]+:(?!PASSWORD@)[^@\s]+@", "a database password"),
    ]
    for path in (*MANIFESTS, GMP_CONFIG, ROOT / "compose.yaml", DEPLOY_DOC):
        text = path.read_text()
        for pattern, what in suspicious:
            for match in re.finditer(pattern, text):
                if "${" in match.group(0):
                    continue  # a variable, not a value
                pytest.fail(f"{path.name}: looks like {what}: {match.group(0)!r}")


def test_service_configuration_is_valid(
    service: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    container = _service_container(service)
    plain = _plain(container)
    known = {name.upper() for name in Settings.model_fields}
    assert set(_env(container)) <= known, f"not settings: {set(_env(container)) - known}"
    assert plain["FORWARDED_ALLOW_IPS"] == "*"
    assert plain["FORWARDED_TRUSTED_HOPS"] == "1", "the client is the last entry on run.app"
    assert plain["TUTORCAL_DEMO"] == "false"
    assert set(_secrets(container)) == SECRET_SETTINGS
    assert re.fullmatch(r"https://tutorcal-\d+\.[a-z0-9-]+\.run\.app", plain["PUBLIC_BASE_URL"])
    # Cloud Scheduler's tokens: for the service's own address, signed as tutorcal-scheduler.
    assert plain["INTERNAL_TASK_OIDC_AUDIENCE"] == plain["PUBLIC_BASE_URL"]
    assert plain["INTERNAL_TASK_SERVICE_ACCOUNT"] == (
        f"tutorcal-scheduler@{PLACEHOLDERS['PROJECT_ID']}.iam.gserviceaccount.com"
    )
    assert plain["METRICS_PORT"] != str(container["ports"][0]["containerPort"])

    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    secrets = {
        "database_url": _documented_database_url(),
        "google_client_secret": "sample",
        "token_encryption_keys": Fernet.generate_key().decode(),
        "internal_task_token": "sample",
    }
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        **{name.lower(): value for name, value in plain.items()},
        **secrets,
    )
    assert settings.is_https
    assert not settings.tutorcal_demo
    assert settings.metrics_port is not None


def _documented_database_url() -> str:
    """DATABASE_URL as docs/deploy.md stores it in Secret Manager, with the sample values."""
    match = re.search(r'^DATABASE_URL="(postgres://[^"]+)"$', DEPLOY_DOC.read_text(), re.M)
    assert match, 'docs/deploy.md must build DATABASE_URL="postgres://..." in one line'
    url = match.group(1)
    values = {**PLACEHOLDERS, "DB_PASSWORD": "0123abcd" * 6}
    return re.sub(r"\$\{(\w+)\}", lambda found: values[found.group(1)], url)


def test_database_url_uses_the_cloud_sql_socket_with_the_pool_cap(
    service: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    instance = service["spec"]["template"]["metadata"]["annotations"][
        "run.googleapis.com/cloudsql-instances"
    ]
    pool = int(_plain(_service_container(service))["DATABASE_POOL_SIZE"])
    url = _documented_database_url()
    assert urlsplit(url).hostname is None, "no TCP host: the unix socket only"
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=url,
        database_pool_size=pool,
        google_client_id="x",
        google_client_secret="x",
        token_encryption_keys=Fernet.generate_key().decode(),
    )
    configured = tortoise_config_for(settings)["connections"]["default"]
    # PostgreSQL's connection comes expanded (with the pool's reset), other databases as URLs.
    expanded = configured if isinstance(configured, dict) else expand_db_url(configured)
    credentials = expanded["credentials"]
    assert credentials["host"] == f"/cloudsql/{instance}"
    assert int(credentials["maxsize"]) == pool
    assert credentials["database"] == "tutorcal"


def test_connection_budget(
    service: dict[str, Any], job: dict[str, Any], ops_job: dict[str, Any]
) -> None:
    assert f"--tier={CLOUD_SQL_TIER}" in DEPLOY_DOC.read_text()
    max_scale = int(
        service["spec"]["template"]["metadata"]["annotations"]["autoscaling.knative.dev/maxScale"]
    )
    pool = int(_plain(_service_container(service))["DATABASE_POOL_SIZE"])
    # The migration's advisory lock, and the ops commands' schema check, open one more each.
    job_connections = int(_plain(_job_container(job))["DATABASE_POOL_SIZE"]) + 1
    ops_connections = int(_plain(_job_container(ops_job))["DATABASE_POOL_SIZE"]) + 1
    instances = REVISIONS_DURING_ROLLOUT * (max_scale + INSTANCES_OVER_MAX)
    used = instances * pool + job_connections + ops_connections
    assert used <= CLOUD_SQL_MAX_CONNECTIONS - RESERVED_CONNECTIONS, (
        f"{REVISIONS_DURING_ROLLOUT} x ({max_scale} + {INSTANCES_OVER_MAX}) x {pool} + "
        f"{job_connections} + {ops_connections} = {used} connections; {CLOUD_SQL_TIER} allows "
        f"{CLOUD_SQL_MAX_CONNECTIONS} with {RESERVED_CONNECTIONS} kept free"
    )
    comment = SERVICE.read_text().split("apiVersion:")[0]
    assert f"(maxScale {max_scale} + 1) x DATABASE_POOL_SIZE {pool} = {instances * pool}" in (
        comment
    ), "update the budget comment in service.yaml"
    guide = DEPLOY_DOC.read_text()
    times = "\N{MULTIPLICATION SIGN}"
    budget = (
        f"2 {times} ({max_scale} + 1) {times} {pool} + {job_connections} + {ops_connections}"
        f" = {used}"
    )
    assert budget in guide, "update docs/deploy.md, Connection budget"


def test_job_runs_tutorcal_migrate_like_the_service(
    service: dict[str, Any], job: dict[str, Any]
) -> None:
    container = _job_container(job)
    runtime = read_stages(ROOT / "Dockerfile")[-1]
    entrypoint = runtime.last("ENTRYPOINT")
    assert entrypoint is not None
    command = container.get("command", exec_form(entrypoint)) + container.get("args", [])
    assert command == ["tutorcal", "migrate"]
    task = _job_task(job)
    assert job["spec"]["template"]["spec"]["taskCount"] == 1
    assert task["maxRetries"] >= 1, "migrating is idempotent, so a retry is safe"
    assert_configured_like_the_service(container, service)


def assert_configured_like_the_service(container: dict[str, Any], service: dict[str, Any]) -> None:
    """Every secret with the service's version, every value the service's (but the pool)."""
    service_secrets = _secrets(_service_container(service))
    for name, ref in _secrets(container).items():
        assert service_secrets[name] == ref, f"{name}: same secret and version as the service"
    service_plain = _plain(_service_container(service))
    for name, value in _plain(container).items():
        if name != "DATABASE_POOL_SIZE":
            assert service_plain[name] == value, name


def test_the_migrate_job_holds_the_database_url_and_no_key_that_decrypts_grants(
    job: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    container = _job_container(job)
    assert set(_secrets(container)) == {"DATABASE_URL"}
    database_only = {name.upper() for name in DatabaseSettings.model_fields}
    assert set(_env(container)) <= database_only, set(_env(container)) - database_only
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    settings = DatabaseSettings(
        _env_file=None,  # type: ignore[call-arg]
        **{name.lower(): value for name, value in _plain(container).items()},
        database_url=_documented_database_url(),
    )
    assert settings.dialect == "postgres"


def test_the_ops_job_runs_tutorcal_with_the_services_settings(
    service: dict[str, Any], ops_job: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    container = _job_container(ops_job)
    assert container["command"] == ["tutorcal"]
    assert set(_secrets(container)) == {
        "DATABASE_URL",
        "GOOGLE_CLIENT_SECRET",
        "TOKEN_ENCRYPTION_KEYS",
    }
    assert_configured_like_the_service(container, service)
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    Settings(
        _env_file=None,  # type: ignore[call-arg]
        **{name.lower(): value for name, value in _plain(container).items()},
        database_url=_documented_database_url(),
        google_client_secret="sample",
        token_encryption_keys=Fernet.generate_key().decode(),
    )
