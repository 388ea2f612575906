"""Scope strings as Google spells them back."""

from __future__ import annotations

from collections.abc import Iterable

OPENID = "openid"
USERINFO_EMAIL = "https://www.googleapis.com/auth/userinfo.email"
USERINFO_PROFILE = "https://www.googleapis.com/auth/userinfo.profile"

# Google accepts the short OpenID Connect names but reports the granted scopes by their
# long names, so a client comparing the returned `scope` must know both.
_LONG_NAMES = {"email": USERINFO_EMAIL, "profile": USERINFO_PROFILE}


def normalize(scopes: Iterable[str]) -> tuple[str, ...]:
    """Long names, no duplicates, sorted: the returned order carries no meaning."""
    return tuple(sorted({_LONG_NAMES.get(scope, scope) for scope in scopes if scope}))


def parse(scope: str | None) -> tuple[str, ...]:
    return normalize((scope or "").split())


def as_string(scopes: Iterable[str]) -> str:
    return " ".join(scopes)
