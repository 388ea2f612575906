"""Request and response shapes of the control API (``/_emulator/...``)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tutorcal.emulator.models import ConsentOutcome, SignatureForgery, User


def _email(value: str) -> str:
    value = value.strip().lower()
    local, at, domain = value.partition("@")
    if not (local and at and "." in domain) or " " in value:
        raise ValueError("must be an email address such as sam@example.com")
    return value


class _Strict(BaseModel):
    # A misspelt field should fail loudly rather than be ignored by a test that then passes.
    model_config = ConfigDict(extra="forbid")


class UserCreate(_Strict):
    email: str
    name: str = Field(min_length=1, max_length=200)
    email_verified: bool = True
    hd: str | None = None
    picture: str | None = None
    sub: str | None = Field(default=None, min_length=1, max_length=255)
    description: str | None = Field(default=None, max_length=200)

    @field_validator("email")
    @classmethod
    def _check_email(cls, value: str) -> str:
        return _email(value)


class UserRead(BaseModel):
    email: str
    name: str
    email_verified: bool
    hd: str | None
    picture: str | None
    sub: str
    description: str | None

    @classmethod
    def of(cls, user: User) -> UserRead:
        return cls(
            email=user.email,
            name=user.name,
            email_verified=user.email_verified,
            hd=user.hd,
            picture=user.picture,
            sub=user.sub,
            description=user.description,
        )


class ClientCreate(_Strict):
    client_id: str = Field(min_length=1)
    client_secret: str = Field(min_length=1)
    redirect_uris: list[str] = Field(min_length=1)


class ClientRead(BaseModel):
    client_id: str
    redirect_uris: list[str]


class ConsentInstructionCreate(_Strict):
    email: str | None = None
    outcome: ConsentOutcome
    scopes: list[str] = Field(default_factory=list)

    @field_validator("email")
    @classmethod
    def _check_email(cls, value: str | None) -> str | None:
        return None if value is None else _email(value)

    @model_validator(mode="after")
    def _scopes_go_with_drop_scopes(self) -> ConsentInstructionCreate:
        if self.outcome == "drop_scopes" and not self.scopes:
            raise ValueError("drop_scopes needs the scopes to drop")
        if self.outcome == "deny" and self.scopes:
            raise ValueError("scopes apply only to drop_scopes")
        return self


class IdTokenInstructionCreate(_Strict):
    email: str | None = None
    claims: dict[str, Any] = Field(default_factory=dict)
    signature: SignatureForgery | None = None

    @field_validator("email")
    @classmethod
    def _check_email(cls, value: str | None) -> str | None:
        return None if value is None else _email(value)


class Queued(BaseModel):
    queued: Literal["next-consent", "next-id-token"]
    email: str | None
    pending: int = Field(description="Instructions of this kind still waiting to apply.")


class KeyRotation(_Strict):
    keep_old: bool = False


class KeysRead(BaseModel):
    kid: str
    published_kids: list[str]


class TokensExpired(BaseModel):
    email: str
    expired: int


class GrantsRevoked(BaseModel):
    email: str
    revoked: bool = True


class ControlErrorRead(BaseModel):
    error: str
    message: str
    errors: list[dict[str, Any]] | None = None
