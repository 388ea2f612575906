"""Tortoise's SQLite client, made safe for several processes on one database file.

SQLite lets one connection write at a time. Tortoise opens its transactions with a plain
``BEGIN`` (deferred): the transaction starts as a reader and becomes a writer at its first
write. If another process committed in between, that upgrade fails at once with
SQLITE_BUSY ("database is locked"), and no busy timeout helps: the reader's snapshot is
stale, so waiting could never make the write valid (https://sqlite.org/lang_transaction.html,
https://sqlite.org/wal.html#sometimes_queries_return_sqlite_busy_in_wal_mode). Three
``tutorcal serve`` processes racing for a seat answered a quarter of the students with 500.

So every transaction here starts with ``BEGIN IMMEDIATE``: it waits (up to the busy
timeout) for the write lock before it reads anything, and then reads the latest data.
Every transaction tutorcal opens writes, so none loses anything by taking the lock early;
reads outside a transaction never wait for a writer (WAL). What still times out is raised
as SQLite's "database is locked", which the request middleware answers with 503
``database_busy`` and ``Retry-After``.

Tortoise picks this module by its ``client_class`` (``"engine"`` in the connection
config, see tutorcal.db).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from tortoise.backends.base.client import TransactionalDBClient, TransactionContext
from tortoise.backends.sqlite.client import (
    SqliteClient as TortoiseSqliteClient,
)
from tortoise.backends.sqlite.client import (
    SqliteTransactionContext,
    SqliteTransactionWrapper,
)
from tortoise.connection import get_connections
from tortoise.exceptions import OperationalError

# How long a statement waits for another process's write lock before "database is locked".
# Python's sqlite3 waits 5 s by default too; set here so it holds whatever opens the file,
# and so that ``?busy_timeout=MILLISECONDS`` in DATABASE_URL can change it.
DEFAULT_BUSY_TIMEOUT_MS = 5000


class ImmediateTransactionWrapper(SqliteTransactionWrapper):
    async def begin(self) -> None:
        try:
            await self._connection.commit()  # as Tortoise's begin: nothing may be left open
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            # Tortoise reports a failed BEGIN as a misuse of transactions; a busy timeout is
            # the database being busy, and must read as one.
            raise OperationalError(exc) from exc

    async def commit(self) -> None:
        try:
            await super().commit()
        except sqlite3.Error:
            # Never leave the transaction open on the process's one connection, where the
            # next statement of an unrelated request would run inside it.
            await self._connection.rollback()
            self._finalized = True
            raise


class ImmediateTransactionContext(SqliteTransactionContext):
    async def __aenter__(self) -> TransactionalDBClient:
        await self._trxlock.acquire()
        try:
            await self.ensure_connection()
            self.token = get_connections().set(self.connection_name, self.connection)
            try:
                await self.connection.begin()
            except BaseException:
                get_connections().reset(self.token)
                raise
        except BaseException:
            # Tortoise's own context keeps the process's connection lock when BEGIN fails,
            # and every later query of the process would wait for it forever.
            self._trxlock.release()
            raise
        return self.connection  # type: ignore[no-any-return]


class SqliteClient(TortoiseSqliteClient):
    def __init__(self, file_path: str, **kwargs: Any) -> None:
        kwargs.setdefault("busy_timeout", DEFAULT_BUSY_TIMEOUT_MS)
        super().__init__(file_path, **kwargs)

    def _in_transaction(self) -> TransactionContext:
        return ImmediateTransactionContext(ImmediateTransactionWrapper(self), self._lock)


client_class = SqliteClient
