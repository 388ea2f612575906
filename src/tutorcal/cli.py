"""The ``tutorcal`` command.

Each command imports what it runs inside its own function, so that ``--help`` and a bad
setting answer at once and ``serve`` loads the app only after pausing the garbage collector
(``tutorcal.core.startup``); every such import says why it waits.
"""

from __future__ import annotations

import asyncio
import errno
import os
import signal
import socket
import sys
from collections.abc import Awaitable, Callable, Coroutine
from types import FrameType
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from tutorcal.core.logging import configure_logging, wants_plain_logs
from tutorcal.core.redaction import redact_url
from tutorcal.core.startup import pause_collection

if TYPE_CHECKING:
    from starlette.types import ASGIApp

    from tutorcal.config import DatabaseSettings, KeyRotationSettings, Settings
    from tutorcal.runtime import Runtime

T = TypeVar("T")

# Cloud Run kills a container 10 s after SIGTERM; leave time to close the pool.
GRACEFUL_SHUTDOWN_SECONDS = 8


def _fail(message: str) -> NoReturn:
    # A driver's error may quote DATABASE_URL, password and all.
    for line in redact_url(message).splitlines():
        click.echo(f"tutorcal: {line}", err=True)
    sys.exit(2)


def _settings() -> Settings:
    # Imported here, not at the top: the settings bring pydantic and Tortoise, and `serve`
    # loads them only once it has paused the garbage collector (tutorcal.core.startup).
    # The cached copy: `serve`'s app factory reads the same settings again in this process.
    from tutorcal.config import ConfigurationInvalid, get_settings

    try:
        return get_settings()
    except ConfigurationInvalid as exc:
        _fail(str(exc))


def _database_settings() -> DatabaseSettings:
    """For commands that need the database and nothing else: no Google client, no keys."""
    # Lazy: the settings bring pydantic and Tortoise (see _settings).
    from tutorcal.config import ConfigurationInvalid, DatabaseSettings, load

    try:
        return load(DatabaseSettings)
    except ConfigurationInvalid as exc:
        _fail(str(exc))


def _key_rotation_settings() -> KeyRotationSettings:
    # Lazy: the settings bring pydantic and Tortoise (see _settings).
    from tutorcal.config import ConfigurationInvalid, KeyRotationSettings, load

    try:
        return load(KeyRotationSettings)
    except ConfigurationInvalid as exc:
        _fail(str(exc))


def _exit_cleanly(signum: int, frame: FrameType | None) -> None:
    sys.exit(0)


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


@click.group()
def main() -> None:
    """tutorcal: book tutoring sessions on tutors' Google Calendars."""


@main.command()
@click.option(
    "--host", default=None, help="Address to listen on [default: 0.0.0.0; 127.0.0.1 in demo mode]."
)
@click.option("--port", type=int, default=None, help="Port [default: $PORT, else 8000].")
@click.option("--workers", type=int, default=1, show_default=True, help="Worker processes.")
def serve(host: str | None, port: int | None, workers: int) -> None:
    """Run the API."""
    if workers == 1:
        # Until the app has started (tutorcal.core.startup). With more workers, this process
        # only supervises them, and never runs the app that would turn collection back on.
        pause_collection()
    if port is not None:
        # Settings read PORT: demo mode's own address (PUBLIC_BASE_URL unset) follows it, in
        # this process and in the workers uvicorn starts.
        os.environ["PORT"] = str(port)
    # Lazy: after pause_collection(), so that loading the server and app is not collected.
    import uvicorn

    from tutorcal.schema import SchemaNotReady, prepare_for_serving

    settings = _settings()
    configure_logging(settings.log_level, plain=wants_plain_logs(settings.tutorcal_demo))
    bind_host = host or ("127.0.0.1" if settings.tutorcal_demo else "0.0.0.0")  # noqa: S104
    if settings.tutorcal_demo:
        _refuse_unsafe_demo(settings, bind_host, workers)
    _refuse_busy_port(bind_host, settings.port, demo=settings.tutorcal_demo)
    if settings.dialect != "sqlite":  # SQLite's schema is made by the app as it starts
        try:
            _run(prepare_for_serving(settings))
        except SchemaNotReady as exc:
            _fail(str(exc))
    # uvicorn drains in-flight requests on SIGTERM, then re-raises the signal to whatever
    # handler was there before it. Make that handler a clean exit, so that a graceful stop
    # ends with status 0 rather than "killed by SIGTERM".
    signal.signal(signal.SIGTERM, _exit_cleanly)
    uvicorn.run(
        _demo_app(settings) if settings.uses_emulator else "tutorcal.main:create_app",
        factory=not settings.uses_emulator,
        host=bind_host,
        port=settings.port,
        workers=workers,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        log_config=None,
        access_log=False,
        # uvicorn believes the leftmost X-Forwarded-For entry, which the client writes;
        # tutorcal.core.forwarded takes the one the trusted proxy appended instead.
        proxy_headers=False,
    )


def _demo_app(settings: Settings) -> ASGIApp:
    """Built here (demo mode has one process): a demo that cannot have its database and its
    Google side stops with one line, before uvicorn starts."""
    # Lazy: demo mode only, and the app is built after pause_collection().
    from tutorcal.demo.store import DemoStoreBusy
    from tutorcal.main import create_app

    try:
        return create_app(settings)
    except DemoStoreBusy as exc:
        _fail(str(exc))


def _refuse_unsafe_demo(settings: Settings, host: str, workers: int) -> None:
    # Lazy: tutorcal.config brings pydantic and Tortoise (see _settings).
    from tutorcal.config import is_loopback_host

    if workers != 1:
        _fail("demo mode runs one worker process (its Google emulator lives in it); drop --workers")
    if not is_loopback_host(host) and not settings.tutorcal_demo_unsafe_allow_network:
        _fail(
            "TUTORCAL_DEMO signs anyone in as anyone, so it listens on loopback only, "
            f"not on {host!r}; set TUTORCAL_DEMO_UNSAFE_ALLOW_NETWORK=true to expose it anyway"
        )


def _refuse_busy_port(host: str, port: int, *, demo: bool) -> None:
    """One line instead of uvicorn's error after the whole app has started: the port is
    tried first (as uvicorn binds it, with SO_REUSEADDR), then released for uvicorn."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host.strip("[]"), port))
        except OSError as exc:
            example = f" (e.g. PORT={port + 1} make run)" if demo else ""
            if exc.errno == errno.EADDRINUSE:
                _fail(f"port {port} on {host} is already in use; set PORT to a free port{example}")
            _fail(f"cannot listen on {host}:{port} ({exc.strerror}); set PORT to another port")


@main.command()
def migrate() -> None:
    """Bring the database schema up to date (safe to run twice, or from two processes at once)."""
    # Lazy: only `migrate` needs Tortoise's errors and the migration code.
    from tortoise.exceptions import DBConnectionError

    from tutorcal.schema import SchemaNotReady
    from tutorcal.schema import migrate as run_migrations

    settings = _database_settings()
    configure_logging(settings.log_level, plain=wants_plain_logs(demo=False))
    try:
        applied = _run(run_migrations(settings))
    except SchemaNotReady as exc:
        _fail(str(exc))
    except (DBConnectionError, OSError) as exc:
        _fail(f"cannot reach the database at DATABASE_URL: {exc}")
    if applied:
        click.echo("applied: " + ", ".join(applied))
    else:
        click.echo("the database schema is up to date")


def _with_runtime(settings: Settings, work: Callable[[Runtime], Awaitable[T]]) -> T:
    """Run ``work`` with the ORM and the per-process Google clients, as the API has them."""
    # Lazy: the ORM and the Google clients, for the commands that run work against them.
    from tutorcal.db import orm, tortoise_config_for
    from tutorcal.runtime import runtime_for
    from tutorcal.schema import SchemaNotReady, prepare_for_serving

    async def run() -> T:
        await prepare_for_serving(settings)
        async with orm(tortoise_config_for(settings)), runtime_for(settings) as runtime:
            return await work(runtime)

    try:
        return _run(run())
    except SchemaNotReady as exc:
        _fail(str(exc))


@main.command()
@click.option(
    "--tutor",
    "tutor_email",
    default=None,
    help="Only this tutor's calendars (all of them, stale or not).",
)
def sync(tutor_email: str | None) -> None:
    """One sync pass now: every stale mirrored calendar, or all of one tutor's."""
    settings = _settings()
    configure_logging(settings.log_level, plain=wants_plain_logs(settings.tutorcal_demo))

    async def work(runtime: Runtime) -> dict[str, Any]:
        # Lazy: the models load with the ORM, for this command only.
        from tutorcal.users.models import User

        tutor = None
        if tutor_email:
            tutor = await User.get_or_none(
                email=tutor_email.strip().lower(), is_tutor=True, deleted_at__isnull=True
            )
            if tutor is None:
                _fail(f"no tutor signed up with {tutor_email}")
            await runtime.calendar.ensure_mirror(tutor)
        return await runtime.calendar.sync_stale(tutor=tutor)

    result = _with_runtime(settings, work)
    click.echo(
        f"synced {result['synced']} calendar(s), {result['failed']} failed, {result['skipped']} skipped"
    )


@main.command()
@click.option("--once", is_flag=True, help="One round of every job, then exit.")
def worker(once: bool) -> None:
    """Periodic work in the foreground: stale syncs and channel renewal, with jitter."""
    # Lazy: the worker brings every service it runs.
    from tutorcal.worker import run_worker

    settings = _settings()
    configure_logging(settings.log_level, plain=wants_plain_logs(settings.tutorcal_demo))

    async def work(runtime: Runtime) -> None:
        await run_worker(runtime, once=once)

    _with_runtime(settings, work)


@main.command("renew-channels")
@click.option(
    "--all",
    "every",
    is_flag=True,
    help="Every live push channel now, not only those expiring soon: after PUBLIC_BASE_URL "
    "changed, this moves Google's notifications to the new address.",
)
def renew_channels(every: bool) -> None:
    """Open new push channels and stop the old ones."""
    settings = _settings()
    configure_logging(settings.log_level)

    async def work(runtime: Runtime) -> dict[str, int]:
        return await runtime.calendar.renew_channels(every=every)

    result = _with_runtime(settings, work)
    click.echo(f"renewed {result['renewed']} channel(s), {result['failed']} failed")


@main.command("rotate-keys")
def rotate_keys() -> None:
    """Re-encrypt every stored Google token with the newest TOKEN_ENCRYPTION_KEYS key."""
    # Lazy: the ORM, the cipher and the grants, for this command only.
    from tutorcal.core.crypto import TokenCipher
    from tutorcal.db import orm, tortoise_config_for
    from tutorcal.google.grants import rotate_stored_tokens
    from tutorcal.schema import SchemaNotReady, prepare_for_serving

    settings = _key_rotation_settings()
    configure_logging("WARNING", plain=wants_plain_logs(demo=False))

    async def run() -> int:
        await prepare_for_serving(settings)
        cipher = TokenCipher([key.get_secret_value() for key in settings.token_encryption_keys])
        async with orm(tortoise_config_for(settings)):
            return await rotate_stored_tokens(cipher)

    try:
        rotated = _run(run())
    except SchemaNotReady as exc:
        _fail(str(exc))
    click.echo(f"re-encrypted the tokens of {rotated} grant(s) with the newest key")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8765, show_default=True)
@click.option(
    "--redirect-uri",
    "redirect_uris",
    multiple=True,
    help="OAuth redirect URI the demo client accepts [default: http://localhost:8000/... and 127.0.0.1].",
)
def emulator(host: str, port: int, redirect_uris: tuple[str, ...]) -> None:
    """Run the Google emulator alone (OAuth/OIDC, demo users), for front-end development."""
    # Lazy: only this command and demo mode import the emulator.
    from tutorcal.emulator.server import NotLoopback, run_emulator

    try:
        run_emulator(host, port, redirect_uris=list(redirect_uris) or None)
    except NotLoopback as exc:
        _fail(str(exc))


@main.command()
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    default="-",
    show_default=True,
    help="File to write; - for standard output.",
)
def openapi(output: str) -> None:
    """Print the API's OpenAPI document (JSON), from the code alone: no configuration,
    database or network. The web app's typed client is generated from it."""
    # Lazy: the whole app, built to describe it.
    import base64
    import json

    from pydantic import SecretStr

    from tutorcal.config import Settings
    from tutorcal.main import create_app

    # Placeholders for what the document never shows, so that a build machine with no
    # configuration gets the same document as a deployment.
    settings = Settings(
        _env_file=None,
        tutorcal_demo=False,
        public_base_url="http://localhost:8000",
        google_client_id="openapi-document",
        google_client_secret=SecretStr("unused"),
        token_encryption_keys=[SecretStr(base64.urlsafe_b64encode(bytes(32)).decode())],
    )
    document = json.dumps(create_app(settings).openapi(), indent=2, sort_keys=True) + "\n"
    with click.open_file(output, "w", encoding="utf-8", atomic=output != "-") as target:
        target.write(document)


@main.command("create-admin")
@click.argument("email")
def create_admin(email: str) -> None:
    """Grant the admin role to EMAIL (at first sign-in if that user has not signed in yet)."""
    # Lazy: the ORM and the users service, for this command only.
    from tutorcal.db import orm, tortoise_config_for
    from tutorcal.schema import SchemaNotReady, prepare_for_serving
    from tutorcal.users.service import AdminGrantResult, grant_admin

    if "@" not in email:
        _fail(f"{email!r} is not an email address")
    settings = _database_settings()
    configure_logging("WARNING", plain=wants_plain_logs(demo=False))

    async def run() -> AdminGrantResult:
        await prepare_for_serving(settings)
        async with orm(tortoise_config_for(settings)):
            return await grant_admin(email)

    try:
        result = _run(run())
    except SchemaNotReady as exc:
        _fail(str(exc))
    if result.user_exists:
        click.echo(f"{result.email} is now an admin")
    else:
        click.echo(f"{result.email} will be an admin from their first sign-in")
