"""Admin use cases, composed from other domains' models and services."""

from __future__ import annotations

from tortoise.expressions import Q

from tutorcal.audit import service as audit
from tutorcal.audit.models import AuditEntry
from tutorcal.bookings.google_sync import mark_pending
from tutorcal.core.ids import parse_reference
from tutorcal.core.pagination import paginate
from tutorcal.errors import NotFound
from tutorcal.google.models import GoogleGrant
from tutorcal.outbox import service as outbox
from tutorcal.outbox.errors import OutboxJobNotFound
from tutorcal.outbox.models import OutboxJob, OutboxStatus
from tutorcal.users.models import Role, User


class UserNotFound(NotFound):
    default_detail = "There is no such user."


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
    user = await User.get_or_none(
        id=parse_reference(user_id, UserNotFound), deleted_at__isnull=True
    )
    if user is None:
        raise UserNotFound()
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


async def list_outbox(
    *, status: OutboxStatus | None, limit: int, cursor: str | None
) -> tuple[list[OutboxJob], str | None]:
    """Google writes still to do or failed for good (``status``: one of them), newest first."""
    jobs = OutboxJob.filter(
        status__in=[status] if status else [OutboxStatus.FAILED, OutboxStatus.PENDING]
    )
    return await paginate(jobs, limit=limit, cursor=cursor)


async def retry_outbox_job(admin: User, job_id: str) -> OutboxJob:
    """The failed write is due again (the next drain runs it), and its booking shows
    ``calendar_sync: pending``; audited."""
    job = await outbox.retry_failed(parse_reference(job_id, OutboxJobNotFound))
    await mark_pending(job)
    await audit.record(
        "outbox_retried",
        actor_id=str(admin.id),
        subject_type="booking",
        subject_id=str(job.booking_id or ""),
        detail={"job_id": str(job.id), "last_error": (job.last_error or "")[:300]},
    )
    return job
