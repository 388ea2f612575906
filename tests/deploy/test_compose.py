"""compose.yaml: valid per the Compose specification, and wired the way local work needs."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from cryptography.fernet import Fernet

from tests.deploy.files import (
    ROOT,
    InterpolationError,
    exec_form,
    interpolate_tree,
    read_stages,
    schema_errors,
    stage_env,
    variables_in,
)
from tutorcal.config import DatabaseSettings, Settings

COMPOSE = ROOT / "compose.yaml"
REQUIRED = ("GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET", "TOKEN_ENCRYPTION_KEYS")
SAMPLE_ENV = {
    "GOOGLE_CLIENT_ID": "123-abc.apps.googleusercontent.com",
    "GOOGLE_CLIENT_SECRET": "sample-secret",
    "TOKEN_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    "HOME": "/home/someone",
}


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    loaded = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(loaded, dict)
    return loaded


@pytest.fixture(scope="module")
def compose(raw: dict[str, Any]) -> dict[str, Any]:
    """The file as Compose sees it with only the required variables set."""
    rendered = interpolate_tree(raw, SAMPLE_ENV)
    assert isinstance(rendered, dict)
    return rendered


def _entrypoint() -> list[str]:
    runtime = read_stages(ROOT / "Dockerfile")[-1]
    entrypoint = runtime.last("ENTRYPOINT")
    assert entrypoint is not None
    return exec_form(entrypoint)


def _container_port() -> int:
    runtime = read_stages(ROOT / "Dockerfile")[-1]
    return int(stage_env(runtime, {})["PORT"])


def _depends_on(service: dict[str, Any]) -> dict[str, str]:
    return {name: spec["condition"] for name, spec in service.get("depends_on", {}).items()}


def test_valid_against_the_compose_specification() -> None:
    assert not schema_errors("vendor.compose-spec", COMPOSE)


def test_required_variables_fail_with_a_message(raw: dict[str, Any]) -> None:
    expressions = variables_in(raw)
    for name in REQUIRED:
        forms = [item for item in expressions if item.startswith("${" + name)]
        assert forms, f"{name} is not taken from the environment"
        for form in forms:
            message = form.removeprefix("${" + name + ":?").removesuffix("}")
            assert form.startswith("${" + name + ":?"), f"{form}: use ${{{name}:?message}}"
            assert len(message) >= 10, f"{form}: say what to set and how"
    for name in REQUIRED:
        env = {key: value for key, value in SAMPLE_ENV.items() if key != name}
        with pytest.raises(InterpolationError, match=name):
            interpolate_tree(raw, env)


def test_postgres_is_16_with_a_healthcheck_and_a_named_volume(compose: dict[str, Any]) -> None:
    postgres = compose["services"]["postgres"]
    assert postgres["image"].split(":")[0] == "postgres"
    assert postgres["image"].split(":")[1].split(".")[0] == "16"
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    volume = postgres["volumes"][0].split(":")[0]
    assert volume in compose["volumes"], "data lives in a named volume"


def test_migrate_runs_tutorcal_migrate_once_postgres_is_healthy(compose: dict[str, Any]) -> None:
    migrate = compose["services"]["migrate"]
    assert _entrypoint() + migrate["command"] == ["tutorcal", "migrate"]
    assert _depends_on(migrate) == {"postgres": "service_healthy"}
    assert migrate["restart"] == "no"


def test_api_waits_for_healthy_postgres_and_a_successful_migration(
    compose: dict[str, Any],
) -> None:
    api = compose["services"]["api"]
    assert _depends_on(api) == {
        "postgres": "service_healthy",
        "migrate": "service_completed_successfully",
    }
    assert api["build"]["context"] == "."
    assert "command" not in api, "the image's CMD serves"
    published = [port.rsplit(":", 1)[1] for port in api["ports"]]
    assert published == [str(_container_port())]


@pytest.mark.parametrize(
    ("name", "kind"),
    [("api", Settings), ("migrate", DatabaseSettings), ("api-cloudsql", Settings)],
)
def test_environment_is_a_valid_configuration(
    compose: dict[str, Any],
    name: str,
    kind: type[DatabaseSettings],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for field in Settings.model_fields:
        monkeypatch.delenv(field.upper(), raising=False)
    env = compose["services"][name]["environment"]
    known = {field.upper() for field in kind.model_fields}
    assert set(env) <= known, f"not settings of {kind.__name__}: {set(env) - known}"
    values = {key.lower(): value for key, value in env.items() if value is not None}
    settings = kind(_env_file=None, **values)  # type: ignore[call-arg]
    assert settings.dialect == "postgres"
    assert not getattr(settings, "tutorcal_demo", False)
    host = urlsplit(settings.database_url).hostname
    assert host in compose["services"], f"DATABASE_URL points at {host!r}, not a service"


def test_api_uses_the_postgres_service(compose: dict[str, Any]) -> None:
    for name in ("api", "migrate"):
        url = urlsplit(compose["services"][name]["environment"]["DATABASE_URL"])
        assert (url.hostname, url.port) == ("postgres", 5432)


def test_cloudsql_profile_runs_the_proxy_with_read_only_credentials(
    compose: dict[str, Any], raw: dict[str, Any]
) -> None:
    services = compose["services"]
    proxy = services["cloudsql-proxy"]
    api = services["api-cloudsql"]
    assert proxy["profiles"] == ["cloudsql"]
    assert api["profiles"] == ["cloudsql"]
    assert proxy["image"].startswith("gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.")

    args = proxy["command"]
    options = dict(arg[2:].split("=", 1) for arg in args if arg.startswith("--") and "=" in arg)
    instance = [arg for arg in raw["services"]["cloudsql-proxy"]["command"] if "${" in arg]
    assert instance, "the instance connection name comes from a variable"
    assert instance[0].startswith("${CLOUDSQL_INSTANCE")
    assert options["address"] == "0.0.0.0", "listen where other containers can reach it"

    mounts = {mount["target"]: mount for mount in proxy["volumes"]}
    credentials = mounts[options["credentials-file"]]
    assert credentials["read_only"] is True
    assert credentials["type"] == "bind"

    url = urlsplit(api["environment"]["DATABASE_URL"])
    assert (url.hostname, url.port) == ("cloudsql-proxy", int(options["port"]))
    assert _depends_on(api) == {"cloudsql-proxy": "service_healthy"}
    assert "healthcheck" in proxy


def test_default_services_do_not_need_the_cloudsql_profile(compose: dict[str, Any]) -> None:
    services = compose["services"]
    profiled = {name for name, service in services.items() if service.get("profiles")}
    for name, service in services.items():
        if name not in profiled:
            assert not set(_depends_on(service)) & profiled, name


def test_the_cloudsql_profile_uses_a_database_of_its_own_never_the_production_one(
    compose: dict[str, Any], raw: dict[str, Any]
) -> None:
    """Its grants are sealed with the local TOKEN_ENCRYPTION_KEYS, which Cloud Run cannot read:
    in the production database they would be grants nobody can use."""
    guide = (ROOT / "docs" / "deploy.md").read_text()
    production = re.search(r'DATABASE_URL="postgres://[^"]*@/(\w+)\?', guide)
    assert production, "docs/deploy.md builds the production DATABASE_URL"
    raw_url = raw["services"]["api-cloudsql"]["environment"]["DATABASE_URL"]
    database = urlsplit(compose["services"]["api-cloudsql"]["environment"]["DATABASE_URL"]).path
    assert database.lstrip("/") != production.group(1)
    assert "${" not in raw_url.rsplit("/", 1)[1], "no variable may point it at another database"
    assert f"gcloud sql databases create {database.lstrip('/')}" in guide
