"""``Idempotency-Key`` on POST /bookings (draft-ietf-httpapi-idempotency-key-header).

Keys are per user and kept 24 h. A repeat with the same key and body gets the first answer
(same status, same body); with another body, 422; while the first is still running, 409.
A request that died mid-way (no answer after IN_PROGRESS_TIMEOUT) does not block the key.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any, NamedTuple

from tortoise.exceptions import IntegrityError

from tutorcal.bookings.errors import IdempotencyInProgress, IdempotencyKeyReused
from tutorcal.bookings.models import IdempotencyRecord
from tutorcal.core.time import utcnow
from tutorcal.users.models import User

KEEP = timedelta(hours=24)
IN_PROGRESS_TIMEOUT = timedelta(minutes=1)


class Replay(NamedTuple):
    status: int
    body: dict[str, Any]


def fingerprint(path: str, body: dict[str, Any]) -> str:
    canonical = json.dumps(
        {"path": path, "body": body}, sort_keys=True, separators=(",", ":"), default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


async def begin(user: User, key: str, digest: str) -> Replay | None:
    """Claim the key for this request, or return the answer to replay. Raises 409/422."""
    now = utcnow()
    for _ in range(2):
        try:
            await IdempotencyRecord.create(
                user=user, key=key, fingerprint=digest, expires_at=now + KEEP
            )
            return None
        except IntegrityError:
            record = await IdempotencyRecord.get_or_none(user=user, key=key)
            if record is None:
                continue  # expired and removed meanwhile
            abandoned = not record.is_complete and record.created_at < now - IN_PROGRESS_TIMEOUT
            if record.expires_at <= now or abandoned:
                await IdempotencyRecord.filter(id=record.id).delete()
                continue
            if record.fingerprint != digest:
                raise IdempotencyKeyReused() from None
            if not record.is_complete:
                raise IdempotencyInProgress() from None
            assert record.response_status is not None
            return Replay(record.response_status, record.response_body or {})
    raise IdempotencyInProgress()


async def has_answer(user: User, key: str) -> bool:
    """Whether a repeat with this key would be answered from the record, without any work."""
    return await IdempotencyRecord.filter(
        user=user, key=key, is_complete=True, expires_at__gt=utcnow()
    ).exists()


async def finish(user: User, key: str, status: int, body: dict[str, Any]) -> None:
    await IdempotencyRecord.filter(user=user, key=key).update(
        is_complete=True, response_status=status, response_body=body
    )


async def abandon(user: User, key: str) -> None:
    """An unexpected failure is not an answer: the client may try again with the same key."""
    await IdempotencyRecord.filter(user=user, key=key, is_complete=False).delete()


async def purge_expired() -> int:
    return await IdempotencyRecord.filter(expires_at__lte=utcnow()).delete()
