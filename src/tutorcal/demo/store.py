"""What the demo keeps across restarts: its Google side, saved beside the database.

The database outlives the process; so must the emulator's calendars, tokens, signing keys and
push channels, and the key the demo's Google tokens are sealed with, or a restart brings back
bookings whose events are gone. They live in one file beside the SQLite database
(``<database>-demo.json``, readable by its owner only), written before the emulator answers
whatever changed them: like Google, what the emulator acknowledged has lasted.

The database and the file are a pair. A database without its file (one from an earlier
release, or the file deleted) cannot be matched to a Google side again, so it is set aside,
renamed, never deleted, and the demo starts afresh. A file without its database is
replaced. An in-memory or server database keeps no Google side: the emulator starts from its
seed at each start (``is_persistent`` says which, the banner too).

One demo process owns the pair (a lock beside it): a second would run a second emulator and
overwrite the first one's file.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import logging
import os
import weakref
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from tortoise.backends.base.config_generator import expand_db_url

from tutorcal.config import Settings

logger = logging.getLogger("tutorcal.demo")

STATE_FORMAT = 1
_SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


class DemoStoreBusy(Exception):
    """Another demo process owns this database and its Google side."""


def sqlite_file(database_url: str) -> Path | None:
    """The database file of a ``sqlite://`` URL; None for ``:memory:`` or a server."""
    if not database_url.startswith("sqlite://"):
        return None
    path = str(expand_db_url(database_url)["credentials"]["file_path"])
    return None if path in {"", ":memory:"} or path.startswith("file::memory:") else Path(path)


def state_file(database: Path) -> Path:
    return database.with_name(f"{database.name}-demo.json")


def _read(path: Path) -> dict[str, Any] | None:
    try:
        document = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(document, dict) or document.get("format") != STATE_FORMAT:
        return None
    return document


def saved_token_key(database_url: str) -> str | None:
    """The key the saved demo sealed its Google tokens with, if there is one (read at start-up
    by the settings, so that every ``tutorcal`` command of the demo opens the same tokens)."""
    database = sqlite_file(database_url)
    document = _read(state_file(database)) if database is not None else None
    key = document.get("token_key") if document is not None else None
    return key if isinstance(key, str) else None


def _has_data(database: Path) -> bool:
    try:
        return database.stat().st_size > 0
    except FileNotFoundError:
        return False


class DemoStore:
    def __init__(
        self, settings: Settings, database: Path | None, lock: IO[bytes] | None = None
    ) -> None:
        self.base_url = settings.public_base_url
        self.token_key = settings.generated_token_key
        self.database = database
        self.path = state_file(database) if database is not None else None
        if lock is not None:
            # Held while the store lives (the process, for `tutorcal serve`); closing the
            # file releases the lock.
            weakref.finalize(self, lock.close)
        self._saved = _read(self.path) if self.path is not None else None
        self._written: bytes | None = None
        self._writing = asyncio.Lock()
        self._dump: Callable[[], dict[str, Any]] = dict
        self.is_set_up = False
        self.set_aside: Path | None = None

    @classmethod
    def open(cls, settings: Settings) -> DemoStore:
        """Takes the pair for this process; DemoStoreBusy if another demo holds it."""
        database = sqlite_file(settings.database_url)
        if database is None:
            return cls(settings, None)
        lock_path = database.with_name(f"{database.name}-demo.lock")
        lock = lock_path.open("ab")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            raise DemoStoreBusy(
                f"another tutorcal demo is running on {database}; stop it, or give this one "
                "its own DATABASE_URL"
            ) from None
        return cls(settings, database, lock)

    @property
    def is_persistent(self) -> bool:
        return self.path is not None

    def saved_google(self) -> dict[str, Any] | None:
        """The Google side to restore: only with the database it belongs to."""
        if self.database is None or self._saved is None or not _has_data(self.database):
            return None
        google = self._saved.get("google")
        return google if isinstance(google, dict) else None

    @property
    def saved_base_url(self) -> str:
        base_url = (self._saved or {}).get("base_url")
        return base_url if isinstance(base_url, str) else self.base_url

    def restored(self) -> None:
        """The saved Google side is back in the emulator."""
        self.is_set_up = bool((self._saved or {}).get("is_set_up"))

    def start_afresh(self) -> None:
        """No Google side to go with the database: set the database aside (renamed)."""
        self.is_set_up = False
        if self.database is None or not _has_data(self.database):
            return
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        aside = self.database.with_name(f"{self.database.name}-set-aside-{stamp}")
        for suffix in ("", *_SQLITE_COMPANIONS):
            companion = Path(f"{self.database}{suffix}")
            if companion.exists():
                companion.rename(f"{aside}{suffix}")
        self.set_aside = aside
        logger.warning(
            "the demo database %s had no Google side saved beside it; it is now %s and the "
            "demo starts afresh",
            self.database,
            aside,
        )

    def watch(self, dump: Callable[[], dict[str, Any]]) -> None:
        """Where the Google side comes from, and its first save (before anything is served)."""
        self._dump = dump
        if self.path is not None:
            data = self._encode()
            self._write(data)
            self._written = data

    async def save(self) -> None:
        """Writes the Google side if it changed; returns once it is on disk."""
        if self.path is None:
            return
        data = self._encode()  # now, on the event loop: the state as this moment left it
        async with self._writing:
            if data == self._written:
                return
            await asyncio.to_thread(self._write, data)
            self._written = data

    async def mark_set_up(self) -> None:
        self.is_set_up = True
        await self.save()

    def _encode(self) -> bytes:
        document = {
            "format": STATE_FORMAT,
            "base_url": self.base_url,
            "token_key": self.token_key,
            "is_set_up": self.is_set_up,
            "google": self._dump(),
        }
        return json.dumps(document, separators=(",", ":")).encode()

    def _write(self, data: bytes) -> None:
        assert self.path is not None
        temporary = self.path.with_name(f"{self.path.name}.tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, self.path)


class SavesBeforeAnswering:
    """Around the mounted emulator: its answer leaves only once what the request changed is
    saved, so tutorcal never records as done in Google a write that a restart would lose."""

    def __init__(self, app: ASGIApp, store: DemoStore) -> None:
        self.app = app
        self.store = store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        answered = False

        async def send_once_saved(message: Message) -> None:
            nonlocal answered
            if message["type"] == "http.response.start":
                answered = True
                await self.store.save()
            await send(message)

        try:
            await self.app(scope, receive, send_once_saved)
        finally:
            if not answered:  # a dropped connection (a fault) may still have changed things
                await self.store.save()
