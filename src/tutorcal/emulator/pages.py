"""The two pages a person sees: the account chooser and Google-style error pages."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from tutorcal.emulator.models import User


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("tutorcal.emulator", "templates"),
        autoescape=select_autoescape(default=True),
    )


def chooser_page(
    *, client_id: str, pending_id: str, approve_url: str, users: Iterable[User]
) -> str:
    return (
        _environment()
        .get_template("chooser.html")
        .render(
            client_id=client_id,
            pending_id=pending_id,
            approve_url=approve_url,
            users=[_account(user) for user in users],
        )
    )


def error_page(*, status: int, error: str, detail: str) -> str:
    return (
        _environment().get_template("error.html").render(status=status, error=error, detail=detail)
    )


def _account(user: User) -> dict[str, Any]:
    # A stable colour per person, so the same account looks the same on every visit.
    hue = int(hashlib.sha256(user.email.encode()).hexdigest()[:4], 16) % 360
    return {
        "email": user.email,
        "name": user.name,
        "description": user.description,
        "initial": (user.name or user.email)[:1].upper(),
        "hue": hue,
    }
