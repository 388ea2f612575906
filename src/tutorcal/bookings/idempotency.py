"""``Idempotency-Key`` on POST /bookings (draft-ietf-httpapi-idempotency-key-header).

Keys are per user and kept 24 h. The key's record is the first row the booking's own
transaction inserts, and it names the booking: in committed data the key exists exactly
when its booking does, whatever happens to the process or the database after the commit.
A repeat with the same key and body gets:

- the booking, 201: the answer stored once the first request had sent it, or, if that
  request died after its commit (or is still writing to Google), the booking as it is now;
- the first request's rejection (its AppError), stored after its transaction rolled back;
- with another body, 422 ``idempotency_key_reused``.

A repeat that arrives while the first request's transaction is open waits for it on the
unique index of (user, key) (PostgreSQL and MySQL; SQLite runs one transaction at a time):
it gets the booking once the first commits, and is served afresh if the first rolls back,
crash or rejection alike.

409 ``idempotency_in_progress`` is left for what cannot be answered yet:

- a record of the release before this one, which claimed the key before booking and filled
  it in after; younger than IN_PROGRESS_TIMEOUT, its request may still be running (older, it
  is taken as abandoned);
- MySQL gave up the wait for the first transaction (``innodb_lock_wait_timeout``, 50 s);
- the key was taken, yet no answer found, ATTEMPTS times running. On MySQL, when the holder
  rolls back, the repeats waiting for it deadlock on their shared locks of the duplicate key
  and all but one are chosen as victims: they look again and wait for the one that went on.
  Each round is one more repeat of the key run and rejected; with a dozen repeats in flight
  at once, five rounds were seen. (PostgreSQL queues the waiters instead.)
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, NamedTuple, TypeVar

from tortoise.exceptions import IntegrityError, OperationalError
from tortoise.expressions import Q

from tutorcal.bookings.errors import IdempotencyInProgress, IdempotencyKeyReused
from tutorcal.bookings.models import IdempotencyRecord
from tutorcal.core.time import Clock
from tutorcal.errors import AppError, problem_body
from tutorcal.users.models import User

KEEP = timedelta(hours=24)
IN_PROGRESS_TIMEOUT = timedelta(minutes=1)
ATTEMPTS = 10

# MySQL error numbers: https://dev.mysql.com/doc/mysql-errors/8.0/en/server-error-reference.html
_MYSQL_LOCK_WAIT_TIMEOUT = 1205
_MYSQL_DEADLOCK = 1213


class Claim(NamedTuple):
    """A request's key, the fingerprint of what it asks, and the clock its key ages by."""

    user: User
    key: str
    fingerprint: str
    clock: Clock


class Answered(NamedTuple):
    """The stored answer: the booking as first sent, or a rejection."""

    status: int
    body: dict[str, Any]


class Booked(NamedTuple):
    """A committed booking whose answer was never stored."""

    booking_id: uuid.UUID


Earlier = Answered | Booked


class Made(NamedTuple):
    """What a request's own run made: the booking, and its answer as sent (201)."""

    booking_id: uuid.UUID
    body: dict[str, Any]


PlacedT = TypeVar("PlacedT")

Reread = Callable[[uuid.UUID], Awaitable[dict[str, Any]]]
"""The booking's answer as it is now, for a repeat of a request that died after its commit."""


class KeyTaken(Exception):
    """Another request with this key got there first; look again for what it got."""


def fingerprint(path: str, body: dict[str, Any]) -> str:
    canonical = json.dumps(
        {"path": path, "body": body}, sort_keys=True, separators=(",", ":"), default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _is_stale(record: IdempotencyRecord, now: datetime) -> bool:
    if record.expires_at <= now:
        return True
    was_left_running = not record.is_complete and record.booking_id is None
    return was_left_running and record.created_at < now - IN_PROGRESS_TIMEOUT


async def earlier(claim: Claim) -> Earlier | None:
    """What a committed request with this key got, or None. Raises 422 for another body, 409
    for a previous release's request that may still be running."""
    record = await IdempotencyRecord.get_or_none(user=claim.user, key=claim.key)
    if record is None:
        return None
    if _is_stale(record, claim.clock.now()):
        await IdempotencyRecord.filter(id=record.id).delete()
        return None
    if record.fingerprint != claim.fingerprint:
        raise IdempotencyKeyReused()
    if record.is_complete:
        assert record.response_status is not None
        return Answered(record.response_status, record.response_body or {})
    if record.booking_id is not None:
        return Booked(record.booking_id)
    raise IdempotencyInProgress()


def _mysql_error(exc: OperationalError) -> int | None:
    cause = exc.args[0] if exc.args else None
    number = getattr(cause, "args", (None,))[0]
    return number if isinstance(number, int) else None


async def take(claim: Claim) -> None:
    """Inside the booking's transaction, before anything else. Raises KeyTaken.

    A repeat's insert waits here for the transaction holding the key; its outcome decides.
    """
    try:
        await IdempotencyRecord.create(
            user=claim.user,
            key=claim.key,
            fingerprint=claim.fingerprint,
            expires_at=claim.clock.now() + KEEP,
        )
    except IntegrityError as exc:
        raise KeyTaken() from exc
    except OperationalError as exc:
        error = _mysql_error(exc)
        if error == _MYSQL_DEADLOCK:
            # InnoDB's duplicate-key wait: when the holder rolls back, the waiters' shared
            # locks deadlock on the way to inserting. One went through; wait for it instead.
            raise KeyTaken() from exc
        if error == _MYSQL_LOCK_WAIT_TIMEOUT:
            raise IdempotencyInProgress() from exc
        raise


async def attach(claim: Claim, booking_id: uuid.UUID) -> None:
    """Inside the booking's transaction: the key now stands for this booking."""
    await IdempotencyRecord.filter(user=claim.user, key=claim.key).update(booking_id=booking_id)


async def finish(claim: Claim, booking_id: uuid.UUID, body: dict[str, Any]) -> None:
    """Store the answer as sent, so that repeats get the same body."""
    await IdempotencyRecord.filter(user=claim.user, key=claim.key, booking_id=booking_id).update(
        is_complete=True, response_status=201, response_body=body
    )


async def record_rejection(claim: Claim, status: int, body: dict[str, Any]) -> Earlier | None:
    """Store a rejection as the key's answer, after its transaction rolled back; or, when a
    request with this key answered meanwhile, what that one got (None: answer as rejected)."""
    try:
        await IdempotencyRecord.create(
            user=claim.user,
            key=claim.key,
            fingerprint=claim.fingerprint,
            is_complete=True,
            response_status=status,
            response_body=body,
            expires_at=claim.clock.now() + KEEP,
        )
    except IntegrityError:
        try:
            return await earlier(claim)
        except (IdempotencyKeyReused, IdempotencyInProgress):
            return None
    except OperationalError as exc:
        if _mysql_error(exc) in (_MYSQL_DEADLOCK, _MYSQL_LOCK_WAIT_TIMEOUT):
            # A repeat holds the key in its transaction; it stores its own answer.
            return None
        raise
    return None


async def has_answer(user: User, key: str, now: datetime) -> bool:
    """Whether a repeat with this key would be answered from the record, without any work."""
    return (
        await IdempotencyRecord.filter(user=user, key=key, expires_at__gt=now)
        .filter(Q(is_complete=True) | Q(booking_id__isnull=False))
        .exists()
    )


async def purge_expired(now: datetime) -> int:
    return await IdempotencyRecord.filter(expires_at__lte=now).delete()


async def answer_once(
    claim: Claim | None,
    run: Callable[[Claim | None], Awaitable[PlacedT]],
    settle: Callable[[PlacedT], Awaitable[Made]],
    reread: Reread,
) -> Answered:
    """A booking use case run once per key: every repeat with the same key and body gets the
    first request's answer (201, or its rejection). Raises 409 ``idempotency_in_progress`` and
    422 ``idempotency_key_reused`` (see above).

    ``run`` books, taking the claim's key in its transaction (``take``, ``attach``); its
    AppError is the key's answer. ``settle`` is what follows the commit (Google tried, the
    answer read back). Without a claim, they simply run."""
    if claim is None:
        return Answered(201, (await settle(await run(None))).body)
    for _ in range(ATTEMPTS):
        found = await earlier(claim)
        if found is not None:
            return await _replay(found, reread)
        try:
            return await _first(claim, run, settle, reread)
        except KeyTaken:
            continue  # a request with this key got there first: what did it get?
    raise IdempotencyInProgress()


async def _first(
    claim: Claim,
    run: Callable[[Claim | None], Awaitable[PlacedT]],
    settle: Callable[[PlacedT], Awaitable[Made]],
    reread: Reread,
) -> Answered:
    try:
        placed = await run(claim)
    except IdempotencyInProgress:
        raise  # not an answer to store: the repeat may try again
    except AppError as exc:
        problem = problem_body(exc.status_code, exc.code, exc.detail, exc.extra)
        found = await record_rejection(claim, exc.status_code, problem)
        if found is None:
            raise
        return await _replay(found, reread)
    made = await settle(placed)
    await finish(claim, made.booking_id, made.body)
    return Answered(201, made.body)


async def _replay(found: Earlier, reread: Reread) -> Answered:
    if isinstance(found, Booked):
        # The first request committed, then died (or is still writing to Google) before its
        # answer was stored: the booking as it is now is that answer.
        return Answered(201, await reread(found.booking_id))
    return found
