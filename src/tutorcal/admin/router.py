"""Administration: users, their roles, and the audit trail. Every route is admin-only."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from tutorcal.admin import service
from tutorcal.admin.errors import UnknownAction
from tutorcal.admin.schemas import (
    ActorRef,
    AdminUserRead,
    AuditActionRead,
    AuditEntryRead,
    OutboxItemRead,
    RolesUpdate,
)
from tutorcal.audit import service as audit
from tutorcal.auth.dependencies import AdminDep, RuntimeDep, current_admin
from tutorcal.core.pagination import CursorQuery, InvalidCursor, LimitQuery, Page
from tutorcal.core.time import Instant
from tutorcal.errors import Forbidden, NotAuthenticated, NotFound, Unprocessable, problem_responses
from tutorcal.google.grants import calendar_status
from tutorcal.google.models import GoogleGrant
from tutorcal.outbox.errors import OutboxJobNotFailed, OutboxJobNotFound
from tutorcal.outbox.models import OutboxJob, OutboxStatus
from tutorcal.users import service as users
from tutorcal.users.models import Role, User
from tutorcal.users.service import CannotRemoveOwnAdmin

router = APIRouter(
    prefix="/api/v1/admin",
    tags=["admin"],
    dependencies=[Depends(current_admin)],
    responses=problem_responses(NotAuthenticated, Forbidden),
)


def _user_read(user: User, grant: GoogleGrant | None) -> AdminUserRead:
    return AdminUserRead(
        id=str(user.id),
        email=user.email,
        name=user.name,
        roles=user.roles,
        calendar_status=calendar_status(grant),
        created_at=user.created_at,
    )


@router.get(
    "/users",
    response_model=Page[AdminUserRead],
    summary="Users, newest first",
    responses=problem_responses(InvalidCursor),
)
async def list_users(
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
    q: Annotated[str | None, Query(max_length=100, description="Part of an email or name.")] = None,
    role: Role | None = None,
) -> Page[AdminUserRead]:
    rows, next_cursor = await service.list_users(query=q, role=role, limit=limit, cursor=cursor)
    return Page(items=[_user_read(user, grant) for user, grant in rows], next_cursor=next_cursor)


@router.put(
    "/users/{user_id}/roles",
    response_model=AdminUserRead,
    summary="Set a user's roles",
    responses=problem_responses(NotFound, Unprocessable, CannotRemoveOwnAdmin),
)
async def set_roles(user_id: str, body: RolesUpdate, admin: AdminDep) -> AdminUserRead:
    user = await service.get_user(user_id)
    await users.set_roles(admin, user, set(body.roles))
    return _user_read(user, await service.grant_of(user))


@router.get(
    "/audit",
    response_model=Page[AuditEntryRead],
    summary="Who did what, newest first",
    description="Filters combine. `action` must be one of `GET /admin/audit/actions` (else 422 "
    "`unknown_action` with `valid_actions`); `since` (inclusive) and `until` (exclusive) bound "
    "when it happened.",
    responses=problem_responses(InvalidCursor, UnknownAction),
)
async def list_audit(
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
    actor_id: Annotated[
        str | None, Query(max_length=36, description="The actor's user id.")
    ] = None,
    actor_email: Annotated[
        str | None, Query(max_length=320, description="The actor's e-mail address.")
    ] = None,
    since: Annotated[
        Instant | None, Query(description="From this instant on (RFC 3339 with an offset).")
    ] = None,
    until: Annotated[
        Instant | None, Query(description="Before this instant (RFC 3339 with an offset).")
    ] = None,
) -> Page[AuditEntryRead]:
    page = await service.list_audit(
        action=action,
        actor_id=actor_id,
        actor_email=actor_email,
        since=since,
        until=until,
        limit=limit,
        cursor=cursor,
    )
    return Page(
        items=[
            AuditEntryRead(
                id=str(e.id),
                at=e.created_at,
                actor_id=e.actor_id,
                actor=_actor(page.actors.get(e.actor_id or "")),
                action=e.action,
                subject_type=e.subject_type,
                subject_id=e.subject_id,
                detail=e.detail,
            )
            for e in page.entries
        ],
        next_cursor=page.next_cursor,
    )


def _actor(user: User | None) -> ActorRef | None:
    return ActorRef(id=str(user.id), name=user.name, email=user.email) if user else None


@router.get(
    "/audit/actions",
    response_model=list[AuditActionRead],
    summary="The actions the audit trail records, for its filter",
)
async def list_audit_actions() -> list[AuditActionRead]:
    return [
        AuditActionRead(action=action, description=description)
        for action, description in sorted(audit.ACTIONS.items())
    ]


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


@router.get(
    "/outbox",
    response_model=Page[OutboxItemRead],
    summary="Google writes that failed for good or still wait, newest first",
    responses=problem_responses(InvalidCursor),
)
async def list_outbox(
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
    status: Annotated[
        Literal[OutboxStatus.FAILED, OutboxStatus.PENDING] | None,
        Query(description="Only failed, or only pending, writes; default both."),
    ] = None,
) -> Page[OutboxItemRead]:
    jobs, next_cursor = await service.list_outbox(status=status, limit=limit, cursor=cursor)
    return Page(items=[_outbox_item(job) for job in jobs], next_cursor=next_cursor)


@router.post(
    "/outbox/{item_id}/retry",
    response_model=OutboxItemRead,
    summary="Make a failed Google write due again",
    description="The next outbox drain (within a minute) runs it with a fresh budget of "
    "attempts; its booking shows `calendar_sync: pending` meanwhile. A write that is not "
    "failed (pending or done) is 409 `outbox_not_failed`.",
    responses=problem_responses(OutboxJobNotFound, OutboxJobNotFailed),
)
async def retry_outbox_item(item_id: str, admin: AdminDep, runtime: RuntimeDep) -> OutboxItemRead:
    return _outbox_item(await service.retry_outbox_job(admin, item_id, runtime.clock.now()))
