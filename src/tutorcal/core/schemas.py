"""Base request and response shapes."""

from __future__ import annotations

import types
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator
from pydantic.fields import FieldInfo


def contains_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple | set | frozenset):
        return any(contains_nul(item) for item in value)
    if isinstance(value, dict):
        return any(contains_nul(key) or contains_nul(item) for key, item in value.items())
    return False


def admits_bool(annotation: Any) -> bool:
    if annotation is bool:
        return True
    if get_origin(annotation) in (Union, types.UnionType):
        return any(admits_bool(option) for option in get_args(annotation))
    return False


def _required_text(field: FieldInfo | None) -> bool:
    return field is not None and any(
        (getattr(constraint, "min_length", 0) or 0) >= 1 for constraint in field.metadata
    )


class RequestModel(BaseModel):
    """Request bodies reject unknown fields: a client can never set ``status`` or ``student_id``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_what_pydantic_would_bend(cls, value: object, info: ValidationInfo) -> object:
        # PostgreSQL text cannot hold U+0000 (the insert fails), and no name, note or id
        # ever needs it: refused here as invalid input instead of failing at the database.
        if contains_nul(value):
            raise ValueError("text must not contain the NUL character (U+0000)")
        field = cls.model_fields.get(info.field_name or "")
        if field is None:
            return value
        # Surrounding whitespace is stripped before a string's length is checked: a blank
        # required text is refused in words, not as "too short" for a string the schema allows
        # (Python's strip removes every character pydantic's does).
        if isinstance(value, str) and value and not value.strip() and _required_text(field):
            raise ValueError("must not be blank")
        # Pydantic's lax mode reads true/false as 1/0, and 0/1 or "yes"/"no" as booleans;
        # the schema says a number is a number and a boolean is true or false.
        if isinstance(value, bool) and not admits_bool(field.annotation):
            raise ValueError("expected a number, not true or false")
        if field.annotation in (bool, bool | None) and not isinstance(value, bool | None):
            raise ValueError("expected true or false")
        return value


class ResponseModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)
