"""Sign-in state, login sessions and API tokens. Secrets are stored only as SHA-256 digests."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields

from tutorcal.core.models import TimestampedModel

if TYPE_CHECKING:
    from tutorcal.users.models import User


class OAuthPurpose(StrEnum):
    SIGN_IN = "sign_in"
    CONNECT_CALENDAR = "connect_calendar"


class OAuthFlow(TimestampedModel):
    """One authorization request in flight.

    Kept in the database, not in process memory, because Google's redirect may land on
    another Cloud Run instance than the one that started the flow.
    """

    # Foreign-key id columns, declared for the type checker (Tortoise adds them).
    user_id: uuid.UUID | None

    state_hash = fields.CharField(max_length=64, unique=True)
    # The digest of the secret in the cookie set on the browser that started the flow: the
    # callback completes only in that browser (no login CSRF). "" never matches a digest.
    browser_key_hash = fields.CharField(max_length=64, default="")
    nonce = fields.CharField(max_length=128)
    code_verifier_ciphertext = fields.TextField()
    purpose = fields.CharEnumField(OAuthPurpose, max_length=32)
    next_path = fields.CharField(max_length=2048, default="/")
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="oauth_flows", null=True, on_delete=fields.CASCADE
    )
    expires_at = fields.DatetimeField()
    consumed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "oauth_flows"


class LoginSession(TimestampedModel):
    # Foreign-key id columns, declared for the type checker (Tortoise adds them).
    user_id: uuid.UUID

    token_hash = fields.CharField(max_length=64, unique=True)
    # The CSRF token is bound to its session: a header copied from another session fails.
    csrf_token_hash = fields.CharField(max_length=64)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="login_sessions", on_delete=fields.CASCADE
    )
    last_seen_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    user_agent = fields.CharField(max_length=512, default="")

    class Meta:
        table = "login_sessions"


class ApiToken(TimestampedModel):
    # Foreign-key id columns, declared for the type checker (Tortoise adds them).
    user_id: uuid.UUID

    token_hash = fields.CharField(max_length=64, unique=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="api_tokens", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=100)
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_tokens"
