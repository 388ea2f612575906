"""The RSA keys that sign ID tokens, and the JWKS that publishes them."""

from __future__ import annotations

import secrets
from typing import Any

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from tutorcal.emulator.models import SignatureForgery

ALGORITHM = "RS256"


def generate_signing_key() -> RSAKey:
    # Google's kids are 40 hex characters; clients must treat them as opaque anyway.
    return RSAKey.generate_key(
        2048, parameters={"kid": secrets.token_hex(20), "alg": ALGORITHM, "use": "sig"}
    )


class SigningKeys:
    """One current key signs; the JWKS publishes it and, after a rotation, maybe its predecessor."""

    def __init__(self, initial: RSAKey | None = None) -> None:
        self._initial = initial or generate_signing_key()
        self._current = self._initial
        self._published = [self._initial]
        self._stranger: RSAKey | None = None

    @property
    def current_kid(self) -> str:
        assert self._current.kid is not None
        return self._current.kid

    def rotate(self, *, keep_old: bool = False) -> str:
        self._current = generate_signing_key()
        self._published = [self._current, *self._published] if keep_old else [self._current]
        return self.current_kid

    def reset(self) -> None:
        # The seeded key comes back, so a relying party that cached the JWKS keeps working.
        self._current = self._initial
        self._published = [self._initial]

    def export(self) -> dict[str, Any]:
        """The seeded, current and published keys, private parts included (``snapshot``)."""
        return {
            "initial": self._initial.as_dict(private=True),
            "current": self._current.as_dict(private=True),
            "published": [key.as_dict(private=True) for key in self._published],
        }

    @classmethod
    def restore(cls, exported: dict[str, Any]) -> SigningKeys:
        keys = cls(RSAKey.import_key(exported["initial"]))
        keys._current = RSAKey.import_key(exported["current"])
        keys._published = [RSAKey.import_key(key) for key in exported["published"]]
        return keys

    def jwks(self) -> dict[str, Any]:
        return dict(KeySet(list(self._published)).as_dict(private=False))

    def sign(self, claims: dict[str, Any], forgery: SignatureForgery | None = None) -> str:
        if forgery is None:
            return self._sign(claims, self._current, self.current_kid)
        stranger = self._stranger_key()
        if forgery == "invalid":
            # A key nobody publishes, under the current kid: the relying party finds the key
            # and the signature does not verify against it.
            return self._sign(claims, stranger, self.current_kid)
        assert stranger.kid is not None
        return self._sign(claims, stranger, stranger.kid)

    @staticmethod
    def _sign(claims: dict[str, Any], key: RSAKey, kid: str) -> str:
        return jwt.encode({"alg": ALGORITHM, "kid": kid}, claims, key, algorithms=[ALGORITHM])

    def _stranger_key(self) -> RSAKey:
        if self._stranger is None:
            self._stranger = generate_signing_key()
        return self._stranger
