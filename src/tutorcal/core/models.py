"""Shared column shapes for every table."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model, ModelMeta


class _UncommentedModelMeta(ModelMeta):
    """Tortoise's metaclass, without its search for ``#:`` field comments.

    Tortoise looks for them in every model class's source, which means reading and parsing
    the whole module once per class: a large share of importing the models. Our models
    document their fields in docstrings and plain comments, never ``#:``, so the search
    only ever finds nothing (the schema SQL is the same either way).
    """

    def __new__(
        cls, name: str, bases: tuple[type, ...], attrs: dict[str, Any]
    ) -> _UncommentedModelMeta:
        # Tortoise reads the flag from the class body only, so every subclass needs it.
        attrs.setdefault("_no_comments", True)
        return super().__new__(cls, name, bases, attrs)  # type: ignore[return-value]


class TimestampedModel(Model, metaclass=_UncommentedModelMeta):
    """UUID primary key (opaque in the API) and creation time."""

    id = fields.UUIDField(primary_key=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        abstract = True
