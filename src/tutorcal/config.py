"""Settings: every environment variable tutorcal reads, parsed once into one typed object."""

from __future__ import annotations

import base64
import binascii
import ipaddress
import secrets
from functools import lru_cache
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import urlsplit

from pydantic import (
    Field,
    PrivateAttr,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.exceptions import ConfigurationError

from tutorcal.core.ratelimit import STORAGE_SCHEMES, Strategy, parse_limits
from tutorcal.core.redaction import redact_url
from tutorcal.core.time import is_valid_timezone

DEFAULT_DATABASE_URL = "sqlite://./tutorcal.sqlite3"

# Demo mode without GOOGLE_CLIENT_ID signs in through the built-in emulator, mounted here.
EMULATOR_MOUNT_PATH = "/_google"

CommaList = Annotated[list[str], NoDecode]
Dialect = Literal["sqlite", "postgres", "mysql"]

_DIALECTS: dict[str, Dialect] = {
    "sqlite": "sqlite",
    "postgres": "postgres",
    "postgresql": "postgres",
    "asyncpg": "postgres",
    "mysql": "mysql",
}


def dialect_of(database_url: str) -> Dialect | None:
    return _DIALECTS.get(urlsplit(database_url).scheme)


def _split_commas(value: Any) -> Any:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


def is_loopback_host(host: str) -> bool:
    """``localhost`` or a loopback address (``127.0.0.1``, ``::1``, ``[::1]``)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def is_loopback_url(url: str) -> bool:
    return is_loopback_host(urlsplit(url).hostname or "")


def is_fernet_key(key: str) -> bool:
    """What cryptography's Fernet() accepts: 32 url-safe base64 bytes. Checked without
    importing cryptography, which is heavy and only needed once a token is encrypted."""
    try:
        return len(base64.urlsafe_b64decode(key.encode("ascii"))) == 32
    except (binascii.Error, ValueError):
        return False


class DatabaseSettings(BaseSettings):
    """What a command that only touches the database reads (``migrate``, ``create-admin``):
    no Google client and no token keys, so the job that runs it never holds the keys that
    decrypt every stored grant."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    # repr=False: the URL carries the database password, and settings end up in tracebacks.
    database_url: str = Field(default=DEFAULT_DATABASE_URL, repr=False)
    database_pool_size: int = Field(default=10, ge=1, le=100)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("database_url")
    @classmethod
    def _valid_database_url(cls, url: str) -> str:
        scheme = urlsplit(url).scheme
        if scheme not in _DIALECTS:
            raise ValueError(
                f"unsupported scheme {scheme!r}; use sqlite://, postgres:// or mysql://"
            )
        try:
            expand_db_url(url)
        except (ConfigurationError, ValueError) as exc:
            # Tortoise's message may quote the URL, password and all.
            raise ValueError(f"malformed database URL: {redact_url(str(exc))}") from None
        return url

    @property
    def dialect(self) -> Dialect:
        return _DIALECTS[urlsplit(self.database_url).scheme]


class TokenKeySettings(DatabaseSettings):
    """The database and the keys that encrypt Google grants at rest (``rotate-keys``)."""

    token_encryption_keys: Annotated[list[SecretStr], NoDecode] = Field(default_factory=list)

    @field_validator("token_encryption_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: Any) -> Any:
        return _split_commas(value)

    @field_validator("token_encryption_keys")
    @classmethod
    def _valid_fernet_keys(cls, keys: list[SecretStr]) -> list[SecretStr]:
        for position, key in enumerate(keys, start=1):
            if not is_fernet_key(key.get_secret_value()):
                raise ValueError(
                    f"key {position} is not a Fernet key (32 url-safe base64-encoded bytes; "
                    "make one with: python -c 'from cryptography.fernet import Fernet; "
                    "print(Fernet.generate_key().decode())')"
                )
        return keys


class KeyRotationSettings(TokenKeySettings):
    @model_validator(mode="after")
    def _keys_given(self) -> KeyRotationSettings:
        if not self.token_encryption_keys:
            raise ValueError("TOKEN_ENCRYPTION_KEYS must be set: the keys to re-encrypt with")
        return self


class Settings(TokenKeySettings):
    public_base_url: str = "http://localhost:8000"
    google_client_id: str | None = None
    google_client_secret: SecretStr | None = None
    tutorcal_demo: bool = False
    # Demo mode signs anyone in as anyone: it listens on loopback, and its Google emulator
    # answers loopback clients only, unless this is set (a container whose published port
    # stays on the host's loopback, say).
    tutorcal_demo_unsafe_allow_network: bool = False
    google_discovery_url: str = "https://accounts.google.com/.well-known/openid-configuration"
    google_calendar_api_url: str = "https://www.googleapis.com/calendar/v3"
    admin_emails: CommaList = Field(default_factory=list)
    tutor_emails: CommaList = Field(default_factory=list)
    allowed_email_domains: CommaList = Field(default_factory=list)
    internal_task_token: SecretStr | None = None
    cors_origins: CommaList = Field(default_factory=list)
    port: int = Field(default=8000, ge=1, le=65535)
    # Set: Prometheus metrics only on 127.0.0.1:METRICS_PORT (for a sidecar), and /metrics on
    # the public port answers 404. Unset: /metrics on the public port, for anyone who reaches it.
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    default_timezone: str = "UTC"
    max_request_body_bytes: int = Field(default=64 * 1024, ge=1024)
    # Proxies whose X-Forwarded-For is believed: "*" behind Cloud Run's front end only.
    forwarded_allow_ips: str = "127.0.0.1"
    # How many of them append to X-Forwarded-For: the client is that many entries from the
    # right (1 on *.run.app, 2 behind a global external Application Load Balancer).
    forwarded_trusted_hops: int = Field(default=1, ge=1, le=10)
    # Cloud Scheduler's OIDC token for /api/v1/internal/tasks/*, as an alternative to the bearer.
    internal_task_oidc_audience: str | None = None
    internal_task_service_account: str | None = None
    # Calls to Google: retries with full-jitter exponential backoff (FACTS.md B1).
    google_retry_attempts: int = Field(default=6, ge=1, le=10)
    google_retry_base_seconds: float = Field(default=1.0, gt=0, le=10)
    google_retry_total_seconds: float = Field(default=60.0, gt=0, le=600)
    # The mirror: how old it may get before a tutor's times are no longer offered.
    mirror_stale_after_minutes: int = Field(default=30, ge=1)
    sync_interval_minutes: int = Field(default=10, ge=1)
    channel_ttl_hours: int = Field(default=168, ge=1, le=720)
    channel_renew_before_hours: int = Field(default=24, ge=1)
    # Notifications arriving this close together are served by one sync.
    sync_coalesce_seconds: float = Field(default=0.2, ge=0, le=10)
    # The outbox of Google writes: how a failed write backs off, and how long a claim on a job
    # holds (a process killed mid-write strands its job for this long, never for good).
    outbox_retry_base_seconds: float = Field(default=5.0, gt=0, le=600)
    outbox_retry_cap_seconds: float = Field(default=3600.0, gt=0, le=86_400)
    outbox_claim_seconds: float = Field(default=120.0, ge=5, le=3600)
    # `tutorcal worker`'s pause between rounds; unset: half the sync interval, at most a minute.
    worker_interval_seconds: float | None = Field(default=None, gt=0, le=3600)
    # Rate limits in the limits library's notation ("20/minute", "5/second; 100/hour"; empty:
    # none). A school's students often share one NAT address, so the per-address budgets are
    # sized for a classroom signing in at once (a sign-in is two requests: login, callback).
    rate_limit_enabled: bool = True
    # repr=False: a Redis URL may carry a password.
    rate_limit_storage_url: str = Field(default="memory://", repr=False)
    rate_limit_strategy: Strategy = "moving-window"
    rate_limit_sign_in_per_address: str = "60/minute"
    rate_limit_sign_in_per_user: str = "10/minute"
    rate_limit_booking_per_user: str = "30/minute"
    rate_limit_booking_per_address: str = "120/minute"
    # The demo's own token key when TOKEN_ENCRYPTION_KEYS is not given (saved with the demo).
    _generated_token_key: str | None = PrivateAttr(default=None)

    @field_validator(
        "admin_emails", "tutor_emails", "allowed_email_domains", "cors_origins", mode="before"
    )
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        return _split_commas(value)

    @field_validator("admin_emails", "tutor_emails", "allowed_email_domains")
    @classmethod
    def _lower_case(cls, value: list[str]) -> list[str]:
        return [item.lower() for item in value]

    @field_validator(
        "rate_limit_sign_in_per_address",
        "rate_limit_sign_in_per_user",
        "rate_limit_booking_per_user",
        "rate_limit_booking_per_address",
    )
    @classmethod
    def _rate_limit_notation(cls, value: str, info: ValidationInfo) -> str:
        # The defaults are known good (a test parses them), and parsing loads the limits
        # library, which the app otherwise leaves until the first counted request.
        if info.field_name and value == cls.model_fields[info.field_name].default:
            return value
        try:
            parse_limits(value)
        except ValueError:
            raise ValueError(
                f"{value!r} is not a rate limit; write e.g. '20/minute' or '5/second; 100/hour'"
            ) from None
        return value

    @field_validator("rate_limit_storage_url")
    @classmethod
    def _rate_limit_storage(cls, url: str) -> str:
        if urlsplit(url).scheme not in STORAGE_SCHEMES:
            raise ValueError(
                f"unsupported scheme in {redact_url(url)!r}; use memory:// or "
                "redis://host:port/db (rediss:// with TLS, unix:///path/to/socket)"
            )
        return url

    @field_validator("public_base_url", "google_discovery_url", "google_calendar_api_url")
    @classmethod
    def _absolute_http_url(cls, url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ValueError(f"{url!r} is not an absolute http(s) URL")
        return url.rstrip("/")

    @field_validator("default_timezone")
    @classmethod
    def _known_timezone(cls, name: str) -> str:
        if not is_valid_timezone(name):
            raise ValueError(f"unknown time zone {name!r}; use an IANA name such as Europe/London")
        return name

    @model_validator(mode="after")
    def _demo_or_real_google(self) -> Settings:
        if self.tutorcal_demo:
            if "public_base_url" not in self.model_fields_set:
                # The demo's OAuth redirect URI and the emulator's URLs follow the port.
                object.__setattr__(self, "public_base_url", f"http://localhost:{self.port}")
            if not is_loopback_url(self.public_base_url):
                raise ValueError(
                    "TUTORCAL_DEMO signs anyone in as anyone, so it runs only when "
                    f"PUBLIC_BASE_URL is a loopback address, not {self.public_base_url!r}"
                )
            if not self.token_encryption_keys:
                # It seals the emulator's tokens only; nothing real is protected. The saved
                # demo's key, so that its tokens open again after a restart (demo.store).
                # Lazy: only demo mode imports the demo's store.
                from tutorcal.demo.store import saved_token_key

                key = (
                    saved_token_key(self.database_url)
                    or base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
                )
                object.__setattr__(self, "token_encryption_keys", [SecretStr(key)])
                self._generated_token_key = key
            if not self.google_client_id:
                self._use_emulator()
            return self
        missing = [
            name
            for name, value in (
                ("GOOGLE_CLIENT_ID", self.google_client_id),
                ("GOOGLE_CLIENT_SECRET", self.google_client_secret),
                ("TOKEN_ENCRYPTION_KEYS", self.token_encryption_keys),
            )
            if not value
        ]
        if missing:
            raise ValueError(
                f"{', '.join(missing)} must be set unless TUTORCAL_DEMO=true (local demo only)"
            )
        return self

    def _use_emulator(self) -> None:
        # Only demo mode ever imports the emulator.
        from tutorcal.emulator.demo import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, demo_emails

        emulator = f"{self.public_base_url}{EMULATOR_MOUNT_PATH}"
        replacements: dict[str, object] = {
            "google_client_id": DEMO_CLIENT_ID,
            "google_client_secret": SecretStr(DEMO_CLIENT_SECRET),
            "google_discovery_url": f"{emulator}/.well-known/openid-configuration",
            "google_calendar_api_url": f"{emulator}/calendar/v3",
            "admin_emails": self.admin_emails or demo_emails("admin"),
            "tutor_emails": self.tutor_emails or demo_emails("tutor"),
        }
        for name, value in replacements.items():
            object.__setattr__(self, name, value)

    @property
    def uses_emulator(self) -> bool:
        emulator_prefix = f"{self.public_base_url}{EMULATOR_MOUNT_PATH}/"
        return self.tutorcal_demo and self.google_discovery_url.startswith(emulator_prefix)

    @property
    def generated_token_key(self) -> str | None:
        """Demo mode's token key when TOKEN_ENCRYPTION_KEYS was not given, else None."""
        return self._generated_token_key

    @property
    def is_https(self) -> bool:
        return self.public_base_url.startswith("https://")


class ConfigurationInvalid(Exception):
    """Start-up configuration is unusable; the message names the variables, one per line."""


def describe_validation_error(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors():
        location = "_".join(str(part) for part in error["loc"]).upper()
        message = error["msg"].removeprefix("Value error, ")
        lines.append(f"{location}: {message}" if location else message)
    return "\n".join(lines)


AnySettings = TypeVar("AnySettings", bound=DatabaseSettings)


def load(kind: type[AnySettings], **overrides: Any) -> AnySettings:
    """Read the environment (and ``.env``); raise ConfigurationInvalid with a readable message."""
    try:
        return kind(**overrides)
    except ValidationError as exc:
        raise ConfigurationInvalid(describe_validation_error(exc)) from None


def load_settings(**overrides: Any) -> Settings:
    return load(Settings, **overrides)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
