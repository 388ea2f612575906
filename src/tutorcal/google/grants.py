"""The Google token store: encrypted refresh tokens, cached access tokens, and grant health."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Collection
from datetime import timedelta
from enum import StrEnum

from tutorcal.audit import service as audit
from tutorcal.core.crypto import CiphertextRefused, TokenCipher
from tutorcal.core.time import Clock
from tutorcal.google.models import GoogleGrant, GrantStatus
from tutorcal.google.oauth import GoogleOAuthClient, GoogleUnavailable, GrantRevoked, TokenResponse
from tutorcal.google.scopes import CALENDAR_SCOPES, has_calendar_access
from tutorcal.users.models import User

logger = logging.getLogger("tutorcal.google.grants")

# Refresh this long before Google's expiry, so a token never dies mid-request.
ACCESS_TOKEN_MARGIN = timedelta(minutes=5)


class CalendarStatus(StrEnum):
    CONNECTED = "connected"
    NOT_CONNECTED = "not_connected"
    SCOPE_MISSING = "scope_missing"
    RECONNECT_REQUIRED = "reconnect_required"


class NoLiveCalendarGrant(Exception):
    """There is no live calendar grant for this user; they must (re)connect."""

    def __init__(self, status: CalendarStatus) -> None:
        super().__init__(status.value)
        self.status = status


def calendar_status(grant: GoogleGrant | None) -> CalendarStatus:
    if grant is None:
        return CalendarStatus.NOT_CONNECTED
    if grant.status == GrantStatus.REVOKED:
        return CalendarStatus.RECONNECT_REQUIRED
    if grant.status == GrantStatus.SCOPE_MISSING:
        return CalendarStatus.SCOPE_MISSING
    if grant.refresh_token_ciphertext and has_calendar_access(grant.granted_scopes):
        return CalendarStatus.CONNECTED
    return CalendarStatus.NOT_CONNECTED


async def calendar_statuses(user_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, CalendarStatus]:
    """Each user's calendar status (a user without a grant: not connected)."""
    grants = {g.user_id: g for g in await GoogleGrant.filter(user_id__in=list(user_ids))}
    return {user_id: calendar_status(grants.get(user_id)) for user_id in user_ids}


def has_live_refresh_token(grant: GoogleGrant | None) -> bool:
    return bool(grant and grant.refresh_token_ciphertext and grant.status != GrantStatus.REVOKED)


class GrantStore:
    """One per process. Per-user locks make concurrent requests share one refresh call."""

    def __init__(self, cipher: TokenCipher, oauth: GoogleOAuthClient, clock: Clock) -> None:
        self._cipher = cipher
        self._oauth = oauth
        self._clock = clock
        self._locks: dict[str, asyncio.Lock] = {}

    async def record_sign_in(
        self, user: User, tokens: TokenResponse, *, calendar_requested: bool
    ) -> GoogleGrant:
        """Store what Google granted. Google omits the refresh token on a re-consent: keep ours then."""
        grant = await GoogleGrant.get_or_none(user_id=user.id)
        if grant is None:
            grant = GoogleGrant(user_id=user.id)
        grant.granted_scopes = sorted(set(tokens.scopes))
        owner = str(user.id)
        if tokens.refresh_token:
            grant.refresh_token_ciphertext = self._cipher.seal(owner, tokens.refresh_token)
            grant.revoked_at = None
        grant.access_token_ciphertext = self._cipher.seal(owner, tokens.access_token)
        grant.access_token_expires_at = self._clock.now() + timedelta(seconds=tokens.expires_in)
        if calendar_requested:
            is_complete = (
                has_calendar_access(grant.granted_scopes) and grant.refresh_token_ciphertext
            )
            grant.status = GrantStatus.ACTIVE if is_complete else GrantStatus.SCOPE_MISSING
            grant.revoked_at = None if is_complete else grant.revoked_at
        await grant.save()
        return grant

    async def access_token(self, user_id: str) -> str:
        """A live access token for calendar calls; raises NoLiveCalendarGrant when there is none."""
        grant = await GoogleGrant.get_or_none(user_id=user_id)
        if fresh := self._cached_access_token(grant, user_id):
            return fresh
        lock = self._locks.setdefault(user_id, asyncio.Lock())
        async with lock:
            # Another request may have refreshed while this one waited.
            grant = await GoogleGrant.get_or_none(user_id=user_id)
            if fresh := self._cached_access_token(grant, user_id):
                return fresh
            return await self._refresh(grant, user_id)

    async def expire_access_token(self, user_id: str) -> None:
        """Google refused the cached token (401): forget it so the next call refreshes."""
        await GoogleGrant.filter(user_id=user_id).update(access_token_expires_at=self._clock.now())

    def _cached_access_token(self, grant: GoogleGrant | None, user_id: str) -> str | None:
        if grant is None or calendar_status(grant) != CalendarStatus.CONNECTED:
            return None
        expires_at = grant.access_token_expires_at
        if not grant.access_token_ciphertext or not expires_at:
            return None
        if expires_at - ACCESS_TOKEN_MARGIN <= self._clock.now():
            return None
        try:
            return self._cipher.open(user_id, grant.access_token_ciphertext)
        except CiphertextRefused:
            return None

    async def _refresh(self, grant: GoogleGrant | None, user_id: str) -> str:
        status = calendar_status(grant)
        if grant is None or status != CalendarStatus.CONNECTED:
            # A dead grant is never retried: only the user reconnecting brings it back.
            raise NoLiveCalendarGrant(status)
        assert grant.refresh_token_ciphertext is not None
        try:
            refresh_token = self._cipher.open(user_id, grant.refresh_token_ciphertext)
        except CiphertextRefused:
            logger.error("refresh token of user %s cannot be decrypted", user_id)
            await self._mark_revoked(grant, user_id, reason="undecryptable")
            raise NoLiveCalendarGrant(CalendarStatus.RECONNECT_REQUIRED) from None
        try:
            tokens = await self._oauth.refresh(refresh_token)
        except GrantRevoked:
            await self._mark_revoked(grant, user_id, reason="invalid_grant")
            raise NoLiveCalendarGrant(CalendarStatus.RECONNECT_REQUIRED) from None
        grant.access_token_ciphertext = self._cipher.seal(user_id, tokens.access_token)
        grant.access_token_expires_at = self._clock.now() + timedelta(seconds=tokens.expires_in)
        if tokens.scopes:
            grant.granted_scopes = sorted(set(tokens.scopes))
        await grant.save(
            update_fields=[
                "access_token_ciphertext",
                "access_token_expires_at",
                "granted_scopes",
                "updated_at",
            ]
        )
        return tokens.access_token

    async def _mark_revoked(self, grant: GoogleGrant, user_id: str, *, reason: str) -> None:
        grant.status = GrantStatus.REVOKED
        grant.revoked_at = self._clock.now()
        grant.access_token_ciphertext = None
        grant.access_token_expires_at = None
        await grant.save(
            update_fields=[
                "status",
                "revoked_at",
                "access_token_ciphertext",
                "access_token_expires_at",
                "updated_at",
            ]
        )
        await audit.record(
            "grant_revoked", subject_type="user", subject_id=user_id, detail={"reason": reason}
        )

    async def disconnect(self, user: User) -> None:
        """Revoke at Google, then forget every token; identity scopes stay recorded."""
        grant = await GoogleGrant.get_or_none(user_id=user.id)
        if grant is None:
            return
        token = self._any_token(grant, str(user.id))
        if token:
            try:
                await self._oauth.revoke(token)
            except GoogleUnavailable:
                # The tokens are deleted here regardless; Google drops unused ones after six months.
                logger.warning("could not revoke the grant of user %s at Google", user.id)
        grant.refresh_token_ciphertext = None
        grant.access_token_ciphertext = None
        grant.access_token_expires_at = None
        grant.granted_scopes = [s for s in grant.granted_scopes if s not in CALENDAR_SCOPES]
        grant.status = GrantStatus.ACTIVE
        await grant.save()

    def _any_token(self, grant: GoogleGrant, owner: str) -> str | None:
        for ciphertext in (grant.refresh_token_ciphertext, grant.access_token_ciphertext):
            if ciphertext:
                try:
                    return self._cipher.open(owner, ciphertext)
                except CiphertextRefused:
                    continue
        return None


async def rotate_stored_tokens(cipher: TokenCipher) -> int:
    """Re-encrypt every stored token under the newest key; returns how many grants changed."""
    rotated = 0
    for grant in await GoogleGrant.all():
        owner = str(grant.user_id)
        changed = False
        for field in ("refresh_token_ciphertext", "access_token_ciphertext"):
            ciphertext = getattr(grant, field)
            if ciphertext:
                try:
                    setattr(grant, field, cipher.rotate(owner, ciphertext))
                    changed = True
                except CiphertextRefused:
                    logger.error("grant of user %s holds a ciphertext no key opens", owner)
        if changed:
            await grant.save(update_fields=["refresh_token_ciphertext", "access_token_ciphertext"])
            rotated += 1
    return rotated
