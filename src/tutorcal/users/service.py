"""Use cases on users that do not need a request."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from tutorcal.audit import service as audit
from tutorcal.users.models import PendingRoleGrant, User


@dataclass(frozen=True)
class AdminGrantResult:
    email: str
    user_exists: bool


async def grant_admin(email: str, *, actor_id: str | None = None) -> AdminGrantResult:
    """Make ``email`` an admin now, or at its first sign-in if nobody has signed in with it yet."""
    email = email.strip().lower()
    async with in_transaction():
        user = await User.filter(email=email, deleted_at__isnull=True).first()
        if user is not None:
            user.is_admin = True
            await user.save(update_fields=["is_admin", "updated_at"])
        else:
            grant, _ = await PendingRoleGrant.get_or_create(email=email)
            grant.is_admin = True
            await grant.save(update_fields=["is_admin"])
        await audit.record(
            "role_change",
            actor_id=actor_id,
            subject_type="user",
            subject_id=str(user.id) if user else email,
            detail={"email": email, "granted": "admin", "pending_sign_in": user is None},
        )
    return AdminGrantResult(email=email, user_exists=user is not None)
