"""Cursor pagination over (created_at, id), newest first: stable while rows are added."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import datetime
from typing import Generic, TypeVar

from pydantic import BaseModel
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from tutorcal.core.models import TimestampedModel
from tutorcal.errors import Unprocessable

ItemT = TypeVar("ItemT")
ModelT = TypeVar("ModelT", bound=TimestampedModel)

MAX_PAGE_SIZE = 100


class InvalidCursor(Unprocessable):
    code = "invalid_cursor"
    default_detail = "The cursor is not one this API handed out."


class Page(BaseModel, Generic[ItemT]):
    items: list[ItemT]
    next_cursor: str | None


def _encode(created_at: datetime, object_id: uuid.UUID) -> str:
    raw = json.dumps([created_at.isoformat(), str(object_id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created_at, object_id = json.loads(raw)
        return datetime.fromisoformat(created_at), uuid.UUID(object_id)
    except (ValueError, TypeError) as exc:
        raise InvalidCursor() from exc


async def paginate(
    query: QuerySet[ModelT], *, limit: int, cursor: str | None
) -> tuple[list[ModelT], str | None]:
    if cursor:
        created_at, object_id = _decode(cursor)
        query = query.filter(
            Q(created_at__lt=created_at) | Q(created_at=created_at, id__lt=object_id)
        )
    rows = await query.order_by("-created_at", "-id").limit(limit + 1)
    has_more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1] if rows else None
    next_cursor = _encode(last.created_at, last.id) if has_more and last is not None else None
    return rows, next_cursor
