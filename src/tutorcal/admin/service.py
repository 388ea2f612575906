"""Admin use cases, composed from other domains' models and services; they answer in the
admin API's shapes (``admin.schemas``)."""

from __future__ import annotations

import uuid
from datetime import datetime

from tortoise.expressions import Q

from tutorcal.admin.errors import UnknownAction, UserNotFound
from tutorcal.admin.schemas import ActorRef, AdminUserRead, AuditEntryRead, OutboxItemRead
from tutorcal.audit import service as audit
from tutorcal.audit.models import AuditEntry
from tutorcal.bookings.google_sync import mark_pending
from tutorcal.core.ids import parse_reference
from tutorcal.core.pagination import paginate
from tutorcal.google.grants import CalendarStatus, calendar_statuses
from tutorcal.outbox import service as outbox
from tutorcal.outbox.errors import OutboxJobNotFound
from tutorcal.outbox.models import OutboxJob, OutboxStatus
from tutorcal.users import service as users
from tutorcal.users.models import Role, User


def _user_read(user: User, statuses: dict[uuid.UUID, CalendarStatus]) -> AdminUserRead:
    return AdminUserRead(
        id=str(user.id),
        email=user.email,
        name=user.name,
        roles=user.roles,
        calendar_status=statuses[user.id],
        created_at=user.created_at,
    )


async def list_users(
    *, query: str | None, role: Role | None, limit: int, cursor: str | None
) -> tuple[list[AdminUserRead], str | None]:
    matching = User.filter(deleted_at__isnull=True)
    if query:
        matching = matching.filter(Q(email__icontains=query) | Q(name__icontains=query))
    if role == Role.TUTOR:
        matching = matching.filter(is_tutor=True)
    elif role == Role.ADMIN:
        matching = matching.filter(is_admin=True)
    rows, next_cursor = await paginate(matching, limit=limit, cursor=cursor)
    statuses = await calendar_statuses([user.id for user in rows])
    return [_user_read(user, statuses) for user in rows], next_cursor


async def set_roles(admin: User, user_id: str, roles: set[Role]) -> AdminUserRead:
    """The user with these roles (see ``users.service.set_roles``); raises UserNotFound,
    CannotRemoveOwnAdmin."""
    user = await _get_user(user_id)
    await users.set_roles(admin, user, roles)
    return _user_read(user, await calendar_statuses([user.id]))


async def _get_user(user_id: str) -> User:
    user = await User.get_or_none(
        id=parse_reference(user_id, UserNotFound), deleted_at__isnull=True
    )
    if user is None:
        raise UserNotFound()
    return user


async def list_audit(
    *,
    action: str | None,
    actor_id: str | None,
    actor_email: str | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[AuditEntryRead], str | None]:
    """Entries newest first, filtered; each with the user who acted (deleted ones left out).
    Raises UnknownAction, InvalidCursor."""
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
    return [_audit_entry(e, actors.get(e.actor_id or "")) for e in rows], next_cursor


def _audit_entry(entry: AuditEntry, actor: User | None) -> AuditEntryRead:
    return AuditEntryRead(
        id=str(entry.id),
        at=entry.created_at,
        actor_id=entry.actor_id,
        actor=ActorRef(id=str(actor.id), name=actor.name, email=actor.email) if actor else None,
        action=entry.action,
        subject_type=entry.subject_type,
        subject_id=entry.subject_id,
        detail=entry.detail,
    )


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


async def list_outbox(
    *, status: OutboxStatus | None, limit: int, cursor: str | None
) -> tuple[list[OutboxItemRead], str | None]:
    """Google writes still to do or failed for good (``status``: one of them), newest first."""
    jobs = OutboxJob.filter(
        status__in=[status] if status else [OutboxStatus.FAILED, OutboxStatus.PENDING]
    )
    rows, next_cursor = await paginate(jobs, limit=limit, cursor=cursor)
    return [_outbox_item(job) for job in rows], next_cursor


def _outbox_item(job: OutboxJob) -> OutboxItemRead:
    return OutboxItemRead(
        id=str(job.id),
        booking_id=str(job.booking_id) if job.booking_id else None,
        kind=job.operation,
        status=job.status,
        attempts=job.attempts,
        last_error=job.last_error,
        created_at=job.created_at,
        updated_at=job.updated_at,
        next_attempt_at=job.next_attempt_at,
    )


async def retry_outbox_job(admin: User, job_id: str, now: datetime) -> OutboxItemRead:
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
    return _outbox_item(job)
