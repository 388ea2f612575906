"""Codes, access tokens, refresh tokens and granted scopes, and the ways they die.

A *lineage* is everything one code exchange produced: its refresh token (if any) and every
access token minted from the code or from that refresh token. Google revokes a lineage when
its code is replayed; revoking a token at ``/revoke`` ends the whole user+client grant.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tutorcal.emulator.models import (
    AccessToken,
    AuthorizationCode,
    AuthorizationRequest,
    RefreshToken,
)
from tutorcal.emulator.scopes import normalize

ACCESS_TOKEN_SECONDS = 3599
CODE_LIFETIME = timedelta(minutes=10)
PENDING_LIFETIME = timedelta(minutes=10)
# "There is currently a limit of 100 refresh tokens per Google Account per OAuth 2.0 client
# ID. If the limit is reached, creating a new refresh token automatically invalidates the
# oldest refresh token without warning." (FACTS.md SEC-G-4)
REFRESH_TOKENS_PER_GRANT = 100


def _random(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(48)


@dataclass
class PendingAuthorization:
    request: AuthorizationRequest
    expires_at: datetime


@dataclass
class TokenStore:
    codes: dict[str, AuthorizationCode] = field(default_factory=dict)
    pending: dict[str, PendingAuthorization] = field(default_factory=dict)
    access_tokens: dict[str, AccessToken] = field(default_factory=dict)
    refresh_tokens: dict[str, RefreshToken] = field(default_factory=dict)
    # What each user has granted each client so far: the base of include_granted_scopes.
    granted_scopes: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)

    def remember_pending(self, request: AuthorizationRequest, now: datetime) -> str:
        pending_id = secrets.token_urlsafe(24)
        self.pending[pending_id] = PendingAuthorization(request, now + PENDING_LIFETIME)
        return pending_id

    def take_pending(self, pending_id: str, now: datetime) -> AuthorizationRequest | None:
        pending = self.pending.pop(pending_id, None)
        if pending is None or now >= pending.expires_at:
            return None
        return pending.request

    def issue_code(
        self,
        request: AuthorizationRequest,
        user_email: str,
        scopes: tuple[str, ...],
        now: datetime,
    ) -> AuthorizationCode:
        grant = (user_email, request.client_id)
        self.granted_scopes[grant] = normalize((*self.granted_scopes.get(grant, ()), *scopes))
        # Google hands out a refresh token on a code's first exchange only when the grant has
        # none yet or the user was made to consent again (FACTS.md SEC-G-1).
        issues_refresh_token = request.is_offline and (
            "consent" in request.prompt or not self.has_live_refresh_token(*grant)
        )
        code = AuthorizationCode(
            code="4/0" + secrets.token_urlsafe(48),
            request=request,
            user_email=user_email,
            scopes=scopes,
            issues_refresh_token=issues_refresh_token,
            expires_at=now + CODE_LIFETIME,
        )
        self.codes[code.code] = code
        return code

    def has_live_refresh_token(self, user_email: str, client_id: str) -> bool:
        return any(token.is_live for token in self._refresh_tokens_of(user_email, client_id))

    def issue_access_token(
        self,
        lineage_id: str,
        user_email: str,
        client_id: str,
        scopes: tuple[str, ...],
        now: datetime,
    ) -> AccessToken:
        token = AccessToken(
            token=_random("ya29."),
            lineage_id=lineage_id,
            user_email=user_email,
            client_id=client_id,
            scopes=scopes,
            expires_at=now + timedelta(seconds=ACCESS_TOKEN_SECONDS),
        )
        self.access_tokens[token.token] = token
        return token

    def issue_refresh_token(
        self,
        lineage_id: str,
        user_email: str,
        client_id: str,
        scopes: tuple[str, ...],
        now: datetime,
    ) -> RefreshToken:
        live = [t for t in self._refresh_tokens_of(user_email, client_id) if t.is_live]
        excess = max(0, len(live) + 1 - REFRESH_TOKENS_PER_GRANT)
        for oldest in sorted(live, key=lambda t: t.created_at)[:excess]:
            oldest.is_revoked = True
        token = RefreshToken(
            token=_random("1//"),
            lineage_id=lineage_id,
            user_email=user_email,
            client_id=client_id,
            scopes=scopes,
            created_at=now,
        )
        self.refresh_tokens[token.token] = token
        return token

    def revoke_lineage(self, lineage_id: str) -> None:
        for token in self._all_tokens():
            if token.lineage_id == lineage_id:
                token.is_revoked = True

    def revoke_grant(self, user_email: str, client_id: str) -> None:
        for token in self._all_tokens():
            if token.user_email == user_email and token.client_id == client_id:
                token.is_revoked = True
        self.granted_scopes.pop((user_email, client_id), None)

    def revoke_user(self, user_email: str) -> None:
        for user, client_id in list(self.granted_scopes):
            if user == user_email:
                self.revoke_grant(user, client_id)
        for token in self._all_tokens():
            if token.user_email == user_email:
                token.is_revoked = True

    def expire_access_tokens(self, user_email: str, now: datetime) -> int:
        expired = [
            token
            for token in self.access_tokens.values()
            if token.user_email == user_email and token.is_live(now)
        ]
        for token in expired:
            token.expires_at = now
        return len(expired)

    def expire_refresh_tokens(self, user_email: str) -> int:
        expired = [
            token
            for token in self.refresh_tokens.values()
            if token.user_email == user_email and token.is_live
        ]
        for token in expired:
            token.is_expired = True
        return len(expired)

    def _all_tokens(self) -> list[AccessToken | RefreshToken]:
        return [*self.access_tokens.values(), *self.refresh_tokens.values()]

    def _refresh_tokens_of(self, user_email: str, client_id: str) -> list[RefreshToken]:
        return [
            token
            for token in self.refresh_tokens.values()
            if token.user_email == user_email and token.client_id == client_id
        ]
