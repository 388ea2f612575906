"""The query parameters list routes share, as FastAPI declares them: a page, a time window.

Apart from ``core.pagination`` and ``core.windows``, which services call: those stay free of
FastAPI.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from tutorcal.core.pagination import MAX_PAGE_SIZE
from tutorcal.core.time import Instant

LimitQuery = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Items per page.")]
CursorQuery = Annotated[
    str | None, Query(max_length=200, description="`next_cursor` of the previous page.")
]

StartQuery = Annotated[
    Instant | None,
    Query(description="RFC 3339 with an offset, e.g. 2026-12-01T00:00:00Z; default now."),
]
EndQuery = Annotated[
    Instant | None,
    Query(
        description="RFC 3339 with an offset; default 14 days after start; at most 62 days after it."
    ),
]
