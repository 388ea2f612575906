"""Base request and response shapes."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

NUL = "\x00"


def contains_nul(value: Any) -> bool:
    """Whether a NUL character hides anywhere in a decoded JSON value."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(contains_nul(k) or contains_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(contains_nul(item) for item in value)
    return False


class RequestModel(BaseModel):
    """Request bodies reject unknown fields: a client can never set ``status`` or ``student_id``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        # PostgreSQL text cannot hold NUL (asyncpg raises), so the same input would be stored
        # on SQLite and MySQL but crash on PostgreSQL; no person types one, so refuse it.
        if contains_nul(value):
            raise ValueError("must not contain NUL characters")
        return value


class ResponseModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)
