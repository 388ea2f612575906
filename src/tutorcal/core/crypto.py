"""Secrets at rest and opaque tokens.

Refresh tokens are MultiFernet ciphertexts (newest key first, so keys rotate without
downtime). Fernet has no associated data, so the owner's id is sealed inside the
plaintext and checked on decryption: a ciphertext copied into another user's row is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.fernet import MultiFernet


class CiphertextRefused(Exception):
    """The ciphertext is corrupt, from an unknown key, or sealed for another owner."""


class TokenCipher:
    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise ValueError("at least one key is needed")
        self._keys = list(keys)
        self._multi_fernet: MultiFernet | None = None

    @property
    def _fernet(self) -> MultiFernet:
        # Built on first use: cryptography costs memory and start-up time, and an instance
        # that only reads the mirror may never decrypt anything.
        if self._multi_fernet is None:
            from cryptography.fernet import Fernet, MultiFernet

            self._multi_fernet = MultiFernet([Fernet(key) for key in self._keys])
        return self._multi_fernet

    def seal(self, owner_id: str, secret: str) -> str:
        plaintext = json.dumps({"owner": owner_id, "secret": secret}).encode()
        return self._fernet.encrypt(plaintext).decode()

    def open(self, owner_id: str, ciphertext: str) -> str:
        from cryptography.fernet import InvalidToken

        try:
            sealed = json.loads(self._fernet.decrypt(ciphertext.encode()))
        except (InvalidToken, ValueError) as exc:
            raise CiphertextRefused("cannot decrypt") from exc
        if not hmac.compare_digest(str(sealed.get("owner", "")), owner_id):
            raise CiphertextRefused("sealed for another owner")
        return str(sealed["secret"])

    def rotate(self, owner_id: str, ciphertext: str) -> str:
        """Re-encrypt under the newest key, after checking it belongs to ``owner_id``."""
        self.open(owner_id, ciphertext)
        return self._fernet.rotate(ciphertext.encode()).decode()


def new_token(prefix: str = "") -> str:
    """A random opaque token with 256 bits of entropy."""
    return prefix + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What is stored instead of a token: its SHA-256, so a database leak leaks no credential."""
    return hashlib.sha256(token.encode()).hexdigest()


def same_secret(left: str, right: str) -> bool:
    return hmac.compare_digest(left.encode(), right.encode())
