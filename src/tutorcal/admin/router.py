"""Administration: users, their roles, and the audit trail. Every route is admin-only."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from tutorcal.admin import service
from tutorcal.admin.errors import UnknownAction
from tutorcal.admin.schemas import (
    AdminUserRead,
    AuditActionRead,
    AuditEntryRead,
    OutboxItemRead,
    OutboxStatus,
    Role,
    RolesUpdate,
)
from tutorcal.audit import service as audit
from tutorcal.auth.dependencies import AdminDep, RuntimeDep, current_admin
from tutorcal.core.pagination import InvalidCursor, Page
from tutorcal.core.query_params import CursorQuery, LimitQuery
from tutorcal.core.time import Instant
from tutorcal.errors import Forbidden, NotAuthenticated, NotFound, Unprocessable, problem_responses
from tutorcal.outbox.errors import OutboxJobNotFailed, OutboxJobNotFound
from tutorcal.users.service import CannotRemoveOwnAdmin

router = APIRouter(
    prefix="/api/v1/admin",
    tags=["admin"],
    dependencies=[Depends(current_admin)],
    responses=problem_responses(NotAuthenticated, Forbidden),
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
    items, next_cursor = await service.list_users(query=q, role=role, limit=limit, cursor=cursor)
    return Page(items=items, next_cursor=next_cursor)


@router.put(
    "/users/{user_id}/roles",
    response_model=AdminUserRead,
    summary="Set a user's roles",
    responses=problem_responses(NotFound, Unprocessable, CannotRemoveOwnAdmin),
)
async def set_roles(user_id: str, body: RolesUpdate, admin: AdminDep) -> AdminUserRead:
    return await service.set_roles(admin, user_id, set(body.roles))


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
    items, next_cursor = await service.list_audit(
        action=action,
        actor_id=actor_id,
        actor_email=actor_email,
        since=since,
        until=until,
        limit=limit,
        cursor=cursor,
    )
    return Page(items=items, next_cursor=next_cursor)


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
    items, next_cursor = await service.list_outbox(status=status, limit=limit, cursor=cursor)
    return Page(items=items, next_cursor=next_cursor)


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
    return await service.retry_outbox_job(admin, item_id, runtime.clock.now())
