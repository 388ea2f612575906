"""Use cases on users: profile, roles, account deletion."""

from __future__ import annotations

import logging
from typing import NamedTuple

from tortoise.transactions import in_transaction

from tutorcal.audit import service as audit
from tutorcal.auth.models import ApiToken, LoginSession
from tutorcal.bookings.google_sync import BookingWrites, mark_failed
from tutorcal.bookings.models import CalendarFeedToken
from tutorcal.bookings.service import cancel_future_bookings_of
from tutorcal.errors import Unprocessable
from tutorcal.google.grants import calendar_status
from tutorcal.google.models import GoogleGrant
from tutorcal.google.service import CalendarService
from tutorcal.outbox.service import RetryPolicy, run_job
from tutorcal.users.models import PendingRoleGrant, Role, User

logger = logging.getLogger("tutorcal.users")


class CannotRemoveOwnAdmin(Unprocessable):
    code = "cannot_remove_own_admin"
    default_detail = "Admins cannot remove their own admin role; ask another admin."


class Profile(NamedTuple):
    user: User
    grant: GoogleGrant | None


async def get_profile(user: User) -> Profile:
    return Profile(user, await GoogleGrant.get_or_none(user_id=user.id))


def profile_fields(profile: Profile) -> dict[str, object]:
    status = calendar_status(profile.grant)
    return {
        "id": str(profile.user.id),
        "email": profile.user.email,
        "name": profile.user.name,
        "picture_url": profile.user.picture_url,
        "roles": profile.user.roles,
        "timezone": profile.user.timezone,
        "calendar_connected": status.value == "connected",
        "calendar_status": status,
        "granted_scopes": profile.grant.granted_scopes if profile.grant else [],
    }


async def update_profile(user: User, *, name: str | None, timezone: str | None) -> User:
    if name is not None:
        user.name = name
    if timezone is not None:
        user.timezone = timezone
    await user.save(update_fields=["name", "timezone", "updated_at"])
    return user


async def set_roles(actor: User, user: User, roles: set[Role]) -> User:
    """Admins grant and remove tutor and admin; nobody removes their own admin role (no lock-out)."""
    if actor.id == user.id and user.is_admin and Role.ADMIN not in roles:
        raise CannotRemoveOwnAdmin()
    was = {"tutor": user.is_tutor, "admin": user.is_admin}
    user.is_tutor = Role.TUTOR in roles
    user.is_admin = Role.ADMIN in roles
    await user.save(update_fields=["is_tutor", "is_admin", "updated_at"])
    await audit.record(
        "role_change",
        actor_id=str(actor.id),
        subject_type="user",
        subject_id=str(user.id),
        detail={"before": was, "after": {"tutor": user.is_tutor, "admin": user.is_admin}},
    )
    return user


async def delete_account(user: User, calendars: CalendarService, policy: RetryPolicy) -> None:
    """Revoke the Google grant, end every session and token, and scrub personal data.

    The row stays, anonymised, so that booking history keeps its shape.
    """
    # Cancel first, while the tutor's grant (for a tutor deleting their account) still works.
    writes = BookingWrites(calendars, quick=True)
    for job in await cancel_future_bookings_of(user, "account_deleted", policy.clock.now()):
        await run_job(job.id, writes, mark_failed, policy=policy)
    await calendars.disconnect(user)
    user_id = str(user.id)
    async with in_transaction():
        now = policy.clock.now()
        await LoginSession.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
        await ApiToken.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
        await CalendarFeedToken.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
        await GoogleGrant.filter(user=user).delete()
        await PendingRoleGrant.filter(email=user.email).delete()
        user.google_sub = f"deleted:{user_id}"
        user.email = f"deleted-{user_id}@invalid"
        user.email_verified = False
        user.name = "Deleted user"
        user.picture_url = None
        user.is_tutor = False
        user.is_admin = False
        user.deleted_at = now
        await user.save()
        await audit.record(
            "account_deleted", actor_id=user_id, subject_type="user", subject_id=user_id
        )


class AdminGrantResult(NamedTuple):
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
