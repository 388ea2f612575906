"""Admin use cases, composed from other domains' models and services."""

from __future__ import annotations

from tortoise.expressions import Q

from tutorcal.audit.models import AuditEntry
from tutorcal.core.ids import parse_id
from tutorcal.core.pagination import paginate
from tutorcal.errors import NotFound
from tutorcal.google.models import GoogleGrant
from tutorcal.users.models import Role, User


async def list_users(
    *, query: str | None, role: Role | None, limit: int, cursor: str | None
) -> tuple[list[tuple[User, GoogleGrant | None]], str | None]:
    users = User.filter(deleted_at__isnull=True)
    if query:
        users = users.filter(Q(email__icontains=query) | Q(name__icontains=query))
    if role == Role.TUTOR:
        users = users.filter(is_tutor=True)
    elif role == Role.ADMIN:
        users = users.filter(is_admin=True)
    rows, next_cursor = await paginate(users, limit=limit, cursor=cursor)
    grants = {g.user_id: g for g in await GoogleGrant.filter(user_id__in=[u.id for u in rows])}
    return [(user, grants.get(user.id)) for user in rows], next_cursor


async def get_user(user_id: str) -> User:
    user = await User.get_or_none(id=parse_id(user_id, "user"), deleted_at__isnull=True)
    if user is None:
        raise NotFound("There is no such user.")
    return user


async def list_audit(
    *, action: str | None, actor_id: str | None, limit: int, cursor: str | None
) -> tuple[list[AuditEntry], str | None]:
    entries = AuditEntry.all()
    if action:
        entries = entries.filter(action=action)
    if actor_id:
        entries = entries.filter(actor_id=actor_id)
    return await paginate(entries, limit=limit, cursor=cursor)
