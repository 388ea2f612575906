"""The control API: what tests and the demo use to arrange Google's side of a scenario.

Kept under ``/_emulator/`` so it can never be mistaken for a Google path. It has no auth
because the emulator listens on loopback only (see ``server.py``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, status

from tutorcal.emulator.dependencies import State
from tutorcal.emulator.models import ConsentInstruction, IdTokenInstruction, OAuthClient, User
from tutorcal.emulator.schemas import (
    ClientCreate,
    ClientRead,
    ConsentInstructionCreate,
    ControlErrorRead,
    GrantsRevoked,
    IdTokenInstructionCreate,
    KeyRotation,
    KeysRead,
    Queued,
    TokensExpired,
    UserCreate,
    UserRead,
)
from tutorcal.emulator.state import EmulatorState

PREFIX = "/_emulator"


class ControlError(Exception):
    def __init__(self, status_code: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.error = error
        self.message = message


_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ControlErrorRead, "description": "No such user"},
    409: {"model": ControlErrorRead, "description": "The sub belongs to another user"},
    422: {"model": ControlErrorRead, "description": "The body is not valid"},
}

router = APIRouter(prefix=PREFIX, tags=["Emulator control"], responses=_ERRORS)


@router.post("/users", status_code=status.HTTP_201_CREATED)
async def put_user(body: UserCreate, state: State) -> UserRead:
    """Add an account, or replace the one with this email."""
    clash = next(
        (
            u
            for u in state.users.values()
            if body.sub and u.sub == body.sub and u.email != body.email
        ),
        None,
    )
    if clash is not None:
        raise ControlError(409, "conflict", f"sub {body.sub} already belongs to {clash.email}")
    user = User(**body.model_dump(exclude={"sub"}), sub=body.sub or "")
    return UserRead.of(state.put_user(user))


@router.get("/users")
async def list_users(state: State) -> list[UserRead]:
    """In the order they were added, as on the account chooser."""
    return [UserRead.of(user) for user in state.users.values()]


@router.post("/clients", status_code=status.HTTP_201_CREATED)
async def put_client(body: ClientCreate, state: State) -> ClientRead:
    """Register an OAuth client, or replace its secret and redirect URIs."""
    client = OAuthClient(body.client_id, body.client_secret, tuple(body.redirect_uris))
    state.put_client(client)
    return ClientRead(client_id=client.client_id, redirect_uris=list(client.redirect_uris))


@router.post("/next-consent", status_code=status.HTTP_202_ACCEPTED)
async def queue_consent(body: ConsentInstructionCreate, state: State) -> Queued:
    """The next authorization (of this user, or of anyone) is denied or loses these scopes."""
    _require_known(state, body.email)
    instruction = ConsentInstruction(body.email, body.outcome, tuple(body.scopes))
    state.consent_instructions.append(instruction)
    return Queued(queued="next-consent", email=body.email, pending=len(state.consent_instructions))


@router.post("/next-id-token", status_code=status.HTTP_202_ACCEPTED)
async def queue_id_token(body: IdTokenInstructionCreate, state: State) -> Queued:
    """The next ID token (for this user, or anyone) gets these claims and/or a bad signature."""
    _require_known(state, body.email)
    instruction = IdTokenInstruction(body.email, dict(body.claims), body.signature)
    state.id_token_instructions.append(instruction)
    return Queued(
        queued="next-id-token", email=body.email, pending=len(state.id_token_instructions)
    )


@router.post("/users/{email}/revoke")
async def revoke_user(email: str, state: State) -> GrantsRevoked:
    """As if the user removed every app's access in their Google account."""
    user = _require_user(state, email)
    state.tokens.revoke_user(user.email)
    return GrantsRevoked(email=user.email)


@router.post("/users/{email}/expire-access-tokens")
async def expire_access_tokens(email: str, state: State) -> TokensExpired:
    """Access tokens stop working now; refresh tokens still mint new ones."""
    user = _require_user(state, email)
    count = state.tokens.expire_access_tokens(user.email, state.clock.now())
    return TokensExpired(email=user.email, expired=count)


@router.post("/users/{email}/expire-refresh-tokens")
async def expire_refresh_tokens(email: str, state: State) -> TokensExpired:
    """Refresh tokens die as after a Testing-mode app's 7 days (FACTS.md SEC-G-5)."""
    user = _require_user(state, email)
    return TokensExpired(email=user.email, expired=state.tokens.expire_refresh_tokens(user.email))


@router.post("/keys/rotate")
async def rotate_keys(state: State, body: Annotated[KeyRotation | None, Body()] = None) -> KeysRead:
    """A new signing key with a new kid; the old key leaves the JWKS unless ``keep_old``."""
    state.keys.rotate(keep_old=body.keep_old if body else False)
    return _keys(state)


@router.get("/keys")
async def read_keys(state: State) -> KeysRead:
    return _keys(state)


@router.get("/stats")
async def read_stats(state: State) -> dict[str, Any]:
    return state.stats.as_dict()


@router.post("/reset")
async def reset(state: State) -> dict[str, Any]:
    """Back to the seeded users, clients and key; every token, code and instruction is gone."""
    state.reset()
    return {"reset": True, "users": len(state.users), "clients": len(state.clients)}


def _require_user(state: EmulatorState, email: str) -> User:
    user = state.find_user(email)
    if user is None:
        raise ControlError(404, "not_found", f"No user {email!r}; add it with POST {PREFIX}/users")
    return user


def _require_known(state: EmulatorState, email: str | None) -> None:
    # An instruction for nobody would wait forever and make a test pass for the wrong reason.
    if email is not None:
        _require_user(state, email)


def _keys(state: EmulatorState) -> KeysRead:
    published = [str(key["kid"]) for key in state.keys.jwks()["keys"]]
    return KeysRead(kid=state.keys.current_kid, published_kids=published)
