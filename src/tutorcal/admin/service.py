"""Admin use cases, composed from other domains' models and services."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import NamedTuple

from tortoise.expressions import Q

from tutorcal.admin.errors import UnknownAction, UserNotFound
from tutorcal.audit import service as audit
from tutorcal.audit.models import AuditEntry
from tutorcal.bookings.google_sync import mark_pending
from tutorcal.core.ids import parse_reference
from tutorcal.core.pagination import paginate
from tutorcal.google.models import GoogleGrant
from tutorcal.outbox import service as outbox
from tutorcal.outbox.errors import OutboxJobNotFound
from tutorcal.outbox.models import OutboxJob, OutboxStatus
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


async def grant_of(user: User) -> GoogleGrant | None:
    """The user's Google grant, for the calendar status beside them."""
    return await GoogleGrant.get_or_none(user_id=user.id)


async def get_user(user_id: str) -> User:
    user = await User.get_or_none(
        id=parse_reference(user_id, UserNotFound), deleted_at__isnull=True
    )
    if user is None:
        raise UserNotFound()
    return user


class AuditPage(NamedTuple):
    entries: list[AuditEntry]
    actors: dict[str, User]
    next_cursor: str | None


async def list_audit(
    *,
    action: str | None,
    actor_id: str | None,
    actor_email: str | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
    cursor: str | None,
) -> AuditPage:
    """Entries newest first, filtered; with the users who acted (deleted ones left out)."""
    if action and action not in audit.ACTIONS:
        raise UnknownAction(
            f"There is no action {action!r}; valid ones are: {', '.join(sorted(audit.ACTIONS))}.",
            extra={"valid_actions": sorted(audit.ACTIONS)},
        )
    entries = AuditEntry.all()
    if action:
        entries = entries.filter(action=action)
    if actor_id:
        entries = entries.filter(actor_id=actor_id)
    if actor_email:
        ids = await User.filter(email__iexact=actor_email).values_list("id", flat=True)
        entries = entries.filter(actor_id__in=[str(i) for i in ids])
    if since:
        entries = entries.filter(created_at__gte=since)
    if until:
        entries = entries.filter(created_at__lt=until)
    rows, next_cursor = await paginate(entries, limit=limit, cursor=cursor)
    actor_ids = {uuid.UUID(e.actor_id) for e in rows if e.actor_id and _is_uuid(e.actor_id)}
    actors = {
        str(user.id): user for user in await User.filter(id__in=actor_ids, deleted_at__isnull=True)
    }
    return AuditPage(rows, actors, next_cursor)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


async def list_outbox(
    *, status: OutboxStatus | None, limit: int, cursor: str | None
) -> tuple[list[OutboxJob], str | None]:
    """Google writes still to do or failed for good (``status``: one of them), newest first."""
    jobs = OutboxJob.filter(
        status__in=[status] if status else [OutboxStatus.FAILED, OutboxStatus.PENDING]
    )
    return await paginate(jobs, limit=limit, cursor=cursor)


async def retry_outbox_job(admin: User, job_id: str, now: datetime) -> OutboxJob:
    """The failed write is due from ``now`` (the next drain runs it), and its booking shows
    ``calendar_sync: pending``; audited."""
    job = await outbox.retry_failed(parse_reference(job_id, OutboxJobNotFound), now)
    await mark_pending(job)
    await audit.record(
        "outbox_retried",
        actor_id=str(admin.id),
        subject_type="booking",
        subject_id=str(job.booking_id or ""),
        detail={"job_id": str(job.id), "last_error": (job.last_error or "")[:300]},
    )
    return job
