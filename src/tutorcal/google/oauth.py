"""Google's OAuth 2.0 and OpenID Connect endpoints, found by discovery and spoken over HTTP.

The only module that knows the wire format of Google's token and revocation endpoints and
of its ID tokens. The emulator speaks the same protocol, so tests exercise this code as is.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import urlencode

if TYPE_CHECKING:
    import httpx2
    from joserfc.jwk import KeySet

logger = logging.getLogger("tutorcal.google.oauth")

GOOGLE_ISSUERS = ("https://accounts.google.com", "accounts.google.com")
# Clock skew tolerated on exp/iat: small, as OpenID Connect Core §3.1.3.7 intends.
ID_TOKEN_LEEWAY_SECONDS = 60
DISCOVERY_TTL_SECONDS = 3600
# An ID token naming a kid the cached JWKS lacks makes us refetch it, because Google rotates
# its keys; but anyone can send such a token (a sign-in callback, an internal task's bearer),
# so the refetch happens at most once in this many seconds, and the tokens in between are
# refused. Google publishes a key well before signing with it, so a real rotation is seen by
# the first refetch after it.
JWKS_REFETCH_INTERVAL_SECONDS = 60.0


class GoogleUnavailable(Exception):
    """Google (or the emulator) could not be reached or answered with a server error."""


class CodeRejected(Exception):
    """The token endpoint refused the authorization code (reused, expired, wrong verifier)."""


class GrantRevoked(Exception):
    """``invalid_grant`` on refresh: the user revoked access, or the token expired for good."""


class IdTokenInvalid(Exception):
    """The ID token failed a check; the message says which, and is safe to log."""


class TokenResponse(NamedTuple):
    access_token: str
    expires_in: int
    scopes: list[str]
    refresh_token: str | None
    id_token: str | None


class IdentityClaims(NamedTuple):
    sub: str
    email: str
    email_verified: bool
    name: str
    picture: str | None
    hosted_domain: str | None


def code_challenge_for(verifier: str) -> str:
    """PKCE S256 (RFC 7636 §4.2): BASE64URL(SHA256(verifier)) without padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


class GoogleOAuthClient:
    """One per process: caches discovery and the JWKS, and shares a connection pool."""

    def __init__(
        self,
        http: Callable[[], httpx2.AsyncClient],
        discovery_url: str,
        client_id: str,
        client_secret: str,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._http = http
        self._discovery_url = discovery_url
        self.client_id = client_id
        self._client_secret = client_secret
        self._monotonic = monotonic
        self._discovery: dict[str, Any] | None = None
        self._discovery_fetched_at = 0.0
        self._jwks: KeySet | None = None
        self._jwks_refetched_at: float | None = None
        self._lock = asyncio.Lock()
        self._jwks_lock = asyncio.Lock()

    async def _get_json(self, url: str) -> dict[str, Any]:
        import httpx2  # deferred with the pool itself (see runtime.HttpPool)

        try:
            response = await self._http().get(url)
        except httpx2.TransportError as exc:
            raise GoogleUnavailable(f"GET {url}: {type(exc).__name__}") from exc
        if response.status_code != 200:
            raise GoogleUnavailable(f"GET {url}: HTTP {response.status_code}")
        body = response.json()
        if not isinstance(body, dict):
            raise GoogleUnavailable(f"GET {url}: not a JSON object")
        return body

    async def discovery(self) -> dict[str, Any]:
        if (
            self._discovery is None
            or time.monotonic() - self._discovery_fetched_at > DISCOVERY_TTL_SECONDS
        ):
            async with self._lock:
                if (
                    self._discovery is None
                    or time.monotonic() - self._discovery_fetched_at > DISCOVERY_TTL_SECONDS
                ):
                    self._discovery = await self._get_json(self._discovery_url)
                    self._discovery_fetched_at = time.monotonic()
        return self._discovery

    async def authorization_url(
        self,
        *,
        redirect_uri: str,
        state: str,
        nonce: str,
        code_verifier: str,
        scopes: list[str],
        login_hint: str | None = None,
        offline: bool = False,
        force_consent: bool = False,
    ) -> str:
        endpoint = (await self.discovery())["authorization_endpoint"]
        params = {
            "client_id": self.client_id,
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "scope": " ".join(scopes),
            "state": state,
            "nonce": nonce,
            "code_challenge": code_challenge_for(code_verifier),
            "code_challenge_method": "S256",
            "include_granted_scopes": "true",
            "access_type": "offline" if offline else "online",
        }
        if login_hint:
            params["login_hint"] = login_hint
        if force_consent:
            params["prompt"] = "consent"
        return f"{endpoint}?{urlencode(params)}"

    async def _token_request(self, form: dict[str, str]) -> httpx2.Response:
        import httpx2

        endpoint = (await self.discovery())["token_endpoint"]
        try:
            response = await self._http().post(
                endpoint,
                data={**form, "client_id": self.client_id, "client_secret": self._client_secret},
            )
        except httpx2.TransportError as exc:
            raise GoogleUnavailable(f"token endpoint: {type(exc).__name__}") from exc
        if response.status_code >= 500:
            raise GoogleUnavailable(f"token endpoint: HTTP {response.status_code}")
        return response

    @staticmethod
    def _token_response(body: dict[str, Any]) -> TokenResponse:
        return TokenResponse(
            access_token=str(body["access_token"]),
            expires_in=int(body.get("expires_in", 3599)),
            scopes=str(body.get("scope", "")).split(),
            refresh_token=body.get("refresh_token") or None,
            id_token=body.get("id_token") or None,
        )

    async def exchange_code(
        self, *, code: str, code_verifier: str, redirect_uri: str
    ) -> TokenResponse:
        response = await self._token_request(
            {
                "grant_type": "authorization_code",
                "code": code,
                "code_verifier": code_verifier,
                "redirect_uri": redirect_uri,
            }
        )
        if response.status_code != 200:
            error = _error_code(response)
            raise CodeRejected(error)
        return self._token_response(response.json())

    async def refresh(self, refresh_token: str) -> TokenResponse:
        response = await self._token_request(
            {"grant_type": "refresh_token", "refresh_token": refresh_token}
        )
        if response.status_code != 200:
            error = _error_code(response)
            if error == "invalid_grant":
                raise GrantRevoked(error)
            raise GoogleUnavailable(f"token refresh refused: {error}")
        return self._token_response(response.json())

    async def revoke(self, token: str) -> None:
        """Revoke at Google; 200, and 400 ``invalid_token`` (already dead), both mean done."""
        endpoint = (await self.discovery()).get("revocation_endpoint")
        if not endpoint:
            return
        import httpx2

        try:
            response = await self._http().post(endpoint, data={"token": token})
        except httpx2.TransportError as exc:
            raise GoogleUnavailable(f"revocation endpoint: {type(exc).__name__}") from exc
        if response.status_code == 200 or _error_code(response) == "invalid_token":
            return
        raise GoogleUnavailable(f"revocation endpoint: HTTP {response.status_code}")

    async def _fetch_key_set(self) -> KeySet:
        from joserfc.jwk import KeySet

        jwks = await self._get_json((await self.discovery())["jwks_uri"])
        return KeySet.import_key_set(jwks)  # type: ignore[arg-type]

    async def _key_set(self) -> KeySet:
        if self._jwks is None:
            async with self._jwks_lock:
                if self._jwks is None:
                    self._jwks = await self._fetch_key_set()
        return self._jwks

    async def _key_set_after(self, lacking: KeySet) -> KeySet | None:
        """A newer key set than ``lacking`` (which had no key for a token's kid): the one
        another request fetched meanwhile, or a fresh fetch unless the last refetch was less
        than JWKS_REFETCH_INTERVAL_SECONDS ago (then None)."""
        async with self._jwks_lock:
            if self._jwks is not None and self._jwks is not lacking:
                return self._jwks
            now = self._monotonic()
            if (
                self._jwks_refetched_at is not None
                and now - self._jwks_refetched_at < JWKS_REFETCH_INTERVAL_SECONDS
            ):
                return None
            # Counted from the attempt: a JWKS endpoint that fails is not retried faster.
            self._jwks_refetched_at = now
            self._jwks = await self._fetch_key_set()
            return self._jwks

    async def _verified_claims(self, token: str) -> dict[str, Any]:
        from joserfc import jwt
        from joserfc.errors import InvalidKeyIdError, JoseError

        keys = await self._key_set()
        try:
            return dict(jwt.decode(token, keys, algorithms=["RS256"]).claims)
        except InvalidKeyIdError:
            pass
        except (JoseError, ValueError) as exc:
            raise IdTokenInvalid(f"signature: {type(exc).__name__}") from exc
        # An unknown kid: Google may have rotated its keys since we cached them.
        newer = await self._key_set_after(keys)
        if newer is None:
            raise IdTokenInvalid("signature: unknown kid, and the JWKS was refetched just now")
        try:
            return dict(jwt.decode(token, newer, algorithms=["RS256"]).claims)
        except (JoseError, ValueError) as exc:
            raise IdTokenInvalid(f"signature: {type(exc).__name__}") from exc

    async def verify_service_token(self, token: str, *, audience: str, email: str) -> None:
        """A Google-signed OIDC token from Cloud Scheduler: iss, aud, exp, and the caller's
        service-account email (verified). Raises IdTokenInvalid."""
        from joserfc import jwt
        from joserfc.errors import JoseError

        claims = await self._verified_claims(token)
        issuers = [str((await self.discovery())["issuer"])]
        if issuers[0] in GOOGLE_ISSUERS:
            issuers = list(GOOGLE_ISSUERS)
        registry = jwt.JWTClaimsRegistry(
            leeway=ID_TOKEN_LEEWAY_SECONDS,
            iss={"essential": True, "values": issuers},
            aud={"essential": True, "value": audience},
            exp={"essential": True},
            email={"essential": True, "value": email},
            email_verified={"essential": True, "value": True},
        )
        try:
            registry.validate(claims)
        except JoseError as exc:
            raise IdTokenInvalid(f"claims: {exc}") from exc

    async def verify_id_token(self, id_token: str, *, nonce: str) -> IdentityClaims:
        """Signature (JWKS, RS256), iss, aud, azp, exp, iat and nonce, per OIDC Core §3.1.3.7."""
        # Imported here: joserfc costs start-up time and only sign-ins need it.
        from joserfc import jwt
        from joserfc.errors import JoseError

        claims = await self._verified_claims(id_token)
        issuers = [str((await self.discovery())["issuer"])]
        if issuers[0] in GOOGLE_ISSUERS:
            issuers = list(GOOGLE_ISSUERS)
        registry = jwt.JWTClaimsRegistry(
            leeway=ID_TOKEN_LEEWAY_SECONDS,
            iss={"essential": True, "values": issuers},
            aud={"essential": True, "value": self.client_id},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        try:
            registry.validate(claims)
        except JoseError as exc:
            raise IdTokenInvalid(f"claims: {exc}") from exc
        if "azp" in claims and claims["azp"] != self.client_id:
            raise IdTokenInvalid("claims: azp is another client")
        if int(claims["iat"]) > int(time.time()) + ID_TOKEN_LEEWAY_SECONDS:
            raise IdTokenInvalid("claims: issued in the future")
        email = claims.get("email")
        if not isinstance(email, str) or "@" not in email:
            raise IdTokenInvalid("claims: no email")
        return IdentityClaims(
            sub=str(claims["sub"]),
            email=email.lower(),
            email_verified=claims.get("email_verified") is True,
            name=str(claims.get("name") or email.split("@")[0]),
            picture=claims.get("picture"),
            hosted_domain=claims.get("hd"),
        )


def _error_code(response: httpx2.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"http_{response.status_code}"
    return (
        str(body.get("error", f"http_{response.status_code}"))
        if isinstance(body, dict)
        else "unknown"
    )
