"""Writing the audit trail."""

from __future__ import annotations

from typing import Any

from tutorcal.audit.models import AuditEntry

# Every action the trail records, with what it means: the admin page's filter offers these,
# and a filter naming anything else is refused. Actions no longer recorded stay listed while
# old entries carry them.
ACTIONS: dict[str, str] = {
    "sign_in": "Someone signed in.",
    "sign_in_refused": "A sign-in was refused (domain not allowed, e-mail not verified, …).",
    "calendar_connected": "A tutor connected their Google Calendar.",
    "calendar_disconnected": "A tutor disconnected their Google Calendar.",
    "grant_revoked": "A Google grant died (revoked or expired at Google).",
    "role_change": "Someone's roles changed.",
    "account_deleted": "Someone deleted their account.",
    "api_token_created": "Someone created an API token.",
    "api_token_revoked": "Someone revoked an API token.",
    "subject_created": "An admin added a subject.",
    "tutor_settings_changed": "A tutor changed their settings (which ones, from what to what).",
    "availability_changed": "A tutor changed their weekly availability or date overrides.",
    "booking_created": "A student booked a seat or a slot.",
    "booking_cancelled": "A booking was cancelled (by its student, its tutor, an admin or Google).",
    "booking_rescheduled": "A booking was moved.",
    "calendar_synced": "One sync of a tutor's calendar changed the mirror (with counts).",
    "session_appeared": "A session appeared in a tutor's calendar (older entries).",
    "session_changed": "A session changed in a tutor's calendar (older entries).",
    "session_removed": "A session left a tutor's calendar (older entries).",
    "sync_failure": "A tutor's calendar could not be read from Google.",
    "outbox_failure": "Google refused a booking's write for good.",
    "outbox_retried": "An admin sent a failed Google write again.",
}


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
