"""ID tokens and userinfo documents with Google's claims, and forged ones on request."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from tutorcal.emulator.models import User
from tutorcal.emulator.scopes import OPENID, USERINFO_EMAIL, USERINFO_PROFILE
from tutorcal.emulator.state import EmulatorState

ID_TOKEN_SECONDS = 3600


def access_token_hash(access_token: str) -> str:
    """``at_hash``: the left half of the SHA-256 of the token, base64url (OIDC Core §3.1.3.6)."""
    digest = hashlib.sha256(access_token.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest[: len(digest) // 2]).rstrip(b"=").decode("ascii")


def issue_id_token(
    state: EmulatorState,
    *,
    issuer: str,
    user: User,
    client_id: str,
    scopes: tuple[str, ...],
    access_token: str,
    nonce: str | None,
) -> str | None:
    """Signed with the current key, unless a ``next-id-token`` instruction says otherwise."""
    if OPENID not in scopes:
        return None
    issued_at = int(state.clock.now().timestamp())
    # Google's order, which nothing should depend on but makes side-by-side reading easy.
    claims: dict[str, Any] = {"iss": issuer, "azp": client_id, "aud": client_id, "sub": user.sub}
    if user.hd:
        claims["hd"] = user.hd
    if USERINFO_EMAIL in scopes:
        claims["email"] = user.email
        claims["email_verified"] = user.email_verified
    claims["at_hash"] = access_token_hash(access_token)
    if nonce is not None:
        claims["nonce"] = nonce
    if USERINFO_PROFILE in scopes:
        claims.update(_profile(user))
    claims["iat"] = issued_at
    claims["exp"] = issued_at + ID_TOKEN_SECONDS

    instruction = state.take_id_token_instruction(user.email)
    if instruction is None:
        return state.keys.sign(claims)
    for name, value in instruction.claims.items():
        if value is None:
            claims.pop(name, None)
        else:
            claims[name] = value
    return state.keys.sign(claims, instruction.signature)


def userinfo(user: User, scopes: tuple[str, ...]) -> dict[str, Any]:
    """What ``/v1/userinfo`` answers: profile and email fields only as far as granted."""
    document: dict[str, Any] = {"sub": user.sub}
    if USERINFO_PROFILE in scopes:
        document.update(_profile(user))
    if USERINFO_EMAIL in scopes:
        document["email"] = user.email
        document["email_verified"] = user.email_verified
    if user.hd:
        document["hd"] = user.hd
    return document


def _profile(user: User) -> dict[str, Any]:
    profile: dict[str, Any] = {"name": user.name}
    if user.picture:
        profile["picture"] = user.picture
    profile["given_name"] = user.given_name
    if user.family_name:
        profile["family_name"] = user.family_name
    return profile
