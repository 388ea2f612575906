"""Who did what, for admins."""

from __future__ import annotations

from typing import Any

from tortoise import fields

from tutorcal.core.models import TimestampedModel


class AuditEntry(TimestampedModel):
    # Plain ids rather than foreign keys: the trail must outlive deleted users and bookings.
    actor_id = fields.CharField(max_length=36, null=True, db_index=True)
    action = fields.CharField(max_length=64)
    subject_type = fields.CharField(max_length=32, default="")
    subject_id = fields.CharField(max_length=64, default="")
    detail: dict[str, Any] = fields.JSONField(default=dict)

    class Meta:
        table = "audit_entries"
        indexes = (("action", "created_at"),)
