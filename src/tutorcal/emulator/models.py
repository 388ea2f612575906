"""What the emulator remembers: accounts, OAuth clients, codes, tokens and test instructions."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

ConsentOutcome = Literal["deny", "drop_scopes"]
SignatureForgery = Literal["invalid", "unknown_key"]


def google_style_sub(email: str) -> str:
    """A 21-digit subject derived from the address, so a restarted emulator signs in the same
    person as the same ``sub`` (tutorcal keys accounts by ``sub``, and its database outlives us)."""
    digest = int.from_bytes(hashlib.sha256(email.lower().encode()).digest()[:16], "big")
    return "1" + str(digest % 10**20).zfill(20)


@dataclass
class User:
    email: str
    name: str
    email_verified: bool = True
    hd: str | None = None
    picture: str | None = None
    sub: str = ""
    # Shown on the account chooser only ("Tutor", "Admin"); Google has no such field.
    description: str | None = None

    def __post_init__(self) -> None:
        self.email = self.email.lower()
        self.sub = self.sub or google_style_sub(self.email)

    @property
    def given_name(self) -> str:
        return self.name.split(" ", 1)[0]

    @property
    def family_name(self) -> str | None:
        parts = self.name.split(" ", 1)
        return parts[1] if len(parts) == 2 else None


@dataclass(frozen=True)
class OAuthClient:
    client_id: str
    client_secret: str
    redirect_uris: tuple[str, ...]


@dataclass(frozen=True)
class AuthorizationRequest:
    """The validated query of ``/o/oauth2/v2/auth``, kept until the user picks an account."""

    client_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    state: str | None
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: Literal["plain", "S256"]
    login_hint: str | None
    prompt: frozenset[str]
    is_offline: bool
    include_granted_scopes: bool
    hd: str | None


@dataclass
class AuthorizationCode:
    code: str
    request: AuthorizationRequest
    user_email: str
    scopes: tuple[str, ...]
    issues_refresh_token: bool
    expires_at: datetime
    # Set on first exchange, so a replay can find and revoke what that exchange issued.
    lineage_id: str | None = None


@dataclass
class RefreshToken:
    token: str
    lineage_id: str
    user_email: str
    client_id: str
    scopes: tuple[str, ...]
    created_at: datetime
    is_revoked: bool = False
    is_expired: bool = False

    @property
    def is_live(self) -> bool:
        return not (self.is_revoked or self.is_expired)


@dataclass
class AccessToken:
    token: str
    lineage_id: str
    user_email: str
    client_id: str
    scopes: tuple[str, ...]
    expires_at: datetime
    is_revoked: bool = False

    def is_live(self, now: datetime) -> bool:
        return not self.is_revoked and now < self.expires_at


@dataclass(frozen=True)
class ConsentInstruction:
    email: str | None
    outcome: ConsentOutcome
    scopes: tuple[str, ...] = ()


@dataclass(frozen=True)
class IdTokenInstruction:
    email: str | None
    # A None value removes the claim; anything else replaces or adds it.
    claims: dict[str, Any] = field(default_factory=dict)
    signature: SignatureForgery | None = None


@dataclass
class Stats:
    token_requests: dict[str, int] = field(
        default_factory=lambda: {"authorization_code": 0, "refresh_token": 0}
    )
    authorizations: int = 0
    revocations: int = 0
    userinfo_requests: int = 0
    jwks_requests: int = 0
    # Calendar API requests by Google's method name ("events.list", "events.watch", ...).
    calendar_requests: dict[str, int] = field(default_factory=dict)
    # The same by answer, "events.get 429" ("dropped": no answer): the request log keeps only
    # the last MAX_LOGGED_REQUESTS, and a throttled burst overflows it.
    calendar_answers: dict[str, int] = field(default_factory=dict)

    def count_calendar_request(self, name: str) -> None:
        self.calendar_requests[name] = self.calendar_requests.get(name, 0) + 1

    def count_calendar_answer(self, name: str, status: int | None) -> None:
        key = f"{name} {'dropped' if status is None else status}"
        self.calendar_answers[key] = self.calendar_answers.get(key, 0) + 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "token_requests": dict(self.token_requests),
            "authorizations": self.authorizations,
            "revocations": self.revocations,
            "userinfo_requests": self.userinfo_requests,
            "jwks_requests": self.jwks_requests,
            "calendar_requests": dict(sorted(self.calendar_requests.items())),
            "calendar_answers": dict(sorted(self.calendar_answers.items())),
        }
