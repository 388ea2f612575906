"""The lookups behind every authenticated request: one hand-written statement each.

They run on every request, so they skip the queryset builder (see ``tutorcal.core.sql``);
the rules stay the ORM's: the models are built as the ORM builds them.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache

from tutorcal.auth.models import ApiToken, LoginSession
from tutorcal.core import sql
from tutorcal.users.models import User

# Only column names are formatted in (from the models); every value is a parameter (S608).


@cache
def _live_session_statement() -> str:
    return f"""
SELECT {sql.select_list(LoginSession, "s")}, {sql.select_list(User, "u")}
FROM login_sessions s JOIN users u ON u.id = s.user_id
WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND s.last_seen_at > $3
  AND u.deleted_at IS NULL
"""  # noqa: S608


@cache
def _live_api_token_statement() -> str:
    return f"""
SELECT {sql.select_list(ApiToken, "t")}, {sql.select_list(User, "u")}
FROM api_tokens t JOIN users u ON u.id = t.user_id
WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.deleted_at IS NULL
"""  # noqa: S608


async def live_session(
    token_digest: str, *, now: datetime, idle_since: datetime
) -> LoginSession | None:
    """The unrevoked, unexpired login session with this token digest, used since ``idle_since``,
    of a user not deleted, with its user loaded (``session.user``)."""
    rows = await sql.fetch(_live_session_statement(), token_digest, now, idle_since)
    if not rows:
        return None
    session = sql.from_row(LoginSession, rows[0], "s")
    # Where the ORM's select_related puts the related object.
    object.__setattr__(session, "_user", sql.from_row(User, rows[0], "u"))
    return session


async def live_api_token(token_digest: str) -> ApiToken | None:
    """The unrevoked API token with this digest, of a user not deleted, with ``token.user``."""
    rows = await sql.fetch(_live_api_token_statement(), token_digest)
    if not rows:
        return None
    api_token = sql.from_row(ApiToken, rows[0], "t")
    object.__setattr__(api_token, "_user", sql.from_row(User, rows[0], "u"))
    return api_token
