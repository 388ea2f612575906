"""People who sign in with Google."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields

from tutorcal.core.models import TimestampedModel


class Role(StrEnum):
    STUDENT = "student"
    TUTOR = "tutor"
    ADMIN = "admin"


class User(TimestampedModel):
    """A Google account; ``google_sub`` is the identity, email only a contact address."""

    google_sub = fields.CharField(max_length=255, unique=True)
    email = fields.CharField(max_length=320, db_index=True)
    email_verified = fields.BooleanField(default=False)
    name = fields.CharField(max_length=200, default="")
    picture_url = fields.CharField(max_length=2048, null=True)
    timezone = fields.CharField(max_length=64, default="UTC")
    is_tutor = fields.BooleanField(default=False)
    is_admin = fields.BooleanField(default=False)
    last_sign_in_at = fields.DatetimeField(null=True)
    # Set when the account is deleted: the row stays so booking history keeps its shape,
    # but every personal field is scrubbed.
    deleted_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "users"

    @property
    def roles(self) -> list[Role]:
        roles = [Role.STUDENT]
        if self.is_tutor:
            roles.append(Role.TUTOR)
        if self.is_admin:
            roles.append(Role.ADMIN)
        return roles


class PendingRoleGrant(TimestampedModel):
    """A role granted (``tutorcal create-admin``, or an admin) to an email that has not signed in yet."""

    email = fields.CharField(max_length=320, unique=True)
    is_tutor = fields.BooleanField(default=False)
    is_admin = fields.BooleanField(default=False)

    class Meta:
        table = "pending_role_grants"
