"""Hand-written, parameterised SQL for the reads every page view makes, on every database.

For a small indexed read the queryset builder costs far more CPU than the database does:
it builds the SQL (pypika) and a model per row on each call. The hottest reads (the caller's
login session, a tutor's sessions) are therefore written out once, as plain statements run
through Tortoise's own connection (so they join the current transaction, if any).

Statements use PostgreSQL's numbered placeholders (``$1``, ``$2`` ...); SQLite and MySQL get
their own style, with the values reordered to match. (No literal ``%`` in a statement: the
MySQL driver formats the text with ``%``.) Values are passed as Tortoise passes them: ids as
text, datetimes as they are.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import cache
from typing import Any, TypeVar

from tortoise import connections, fields
from tortoise.models import Model

M = TypeVar("M", bound=Model)

_NUMBERED = re.compile(r"\$(\d+)")
_POSITIONAL_STYLE = {"sqlite": "?", "mysql": "%s"}
# Tortoise's own conversion, for what asyncpg does not hand over ready-made.
_DATETIME = fields.DatetimeField()


@cache
def _for_dialect(statement: str, dialect: str) -> tuple[str, tuple[int, ...] | None]:
    """The statement in the dialect's placeholder style, and the order of its values."""
    style = _POSITIONAL_STYLE.get(dialect)
    if style is None:
        return statement, None
    order = tuple(int(number) - 1 for number in _NUMBERED.findall(statement))
    return _NUMBERED.sub(style, statement), order


async def fetch(statement: str, *values: object) -> list[dict[str, Any]]:
    """The rows of one SELECT, as dicts keyed by column name (or alias)."""
    client = connections.get("default")
    text, order = _for_dialect(statement, client.capabilities.dialect)
    arguments = list(values) if order is None else [values[i] for i in order]
    rows: list[dict[str, Any]] = await client.execute_query_dict(text, arguments)
    return rows


def aware(value: Any) -> datetime:
    """A column's datetime, aware and in UTC: asyncpg already answers so (the fast path,
    taken for every row); SQLite answers text and MySQL naive UTC, converted as Tortoise does."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value
    converted = _DATETIME.to_python_value(value)
    assert converted is not None
    return converted


def aware_or_none(value: Any) -> datetime | None:
    return None if value is None else aware(value)


def json_value(value: Any) -> Any:
    """A JSON column: PostgreSQL and MySQL may answer the text, SQLite always does."""
    return json.loads(value) if isinstance(value, str | bytes) else value


def select_list(model: type[Model], alias: str) -> str:
    """Every column of ``model``'s table as ``alias.column AS alias_column``, for ``from_row``.

    Read from the model once Tortoise has started (it adds the foreign-key columns then),
    so a column added to the model is never left out."""
    return ", ".join(f"{alias}.{column} AS {alias}_{column}" for column in model._meta.db_fields)


def from_row(model: type[M], row: dict[str, Any], alias: str) -> M:
    """The model instance the ORM itself would build from these columns (``select_list``)."""
    prefix = f"{alias}_"
    return model._init_from_db(**{column: row[prefix + column] for column in model._meta.db_fields})
