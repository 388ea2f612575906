"""Writing the audit trail."""

from __future__ import annotations

from typing import Any

from tutorcal.audit.models import AuditEntry


async def record(
    action: str,
    *,
    actor_id: str | None = None,
    subject_type: str = "",
    subject_id: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry; ``actor_id`` None means the system itself (sync, worker, CLI)."""
    return await AuditEntry.create(
        actor_id=actor_id,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        detail=detail or {},
    )
