"""One emulator's whole memory, shared by its routers through ``app.state.emulator``.

Everything is in memory and touched only from the event loop (every route is ``async``), so
no locks. The calendar side adds its own store here and clears it in ``reset``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Protocol, TypeVar

from joserfc.jwk import RSAKey

from tutorcal.emulator.keys import SigningKeys
from tutorcal.emulator.models import (
    ConsentInstruction,
    IdTokenInstruction,
    OAuthClient,
    Stats,
    User,
)
from tutorcal.emulator.tokens import TokenStore


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class EmulatorState:
    def __init__(
        self,
        *,
        users: Iterable[User] = (),
        clients: Iterable[OAuthClient] = (),
        clock: Clock | None = None,
        signing_key: RSAKey | None = None,
    ) -> None:
        self.clock: Clock = clock or SystemClock()
        self.keys = SigningKeys(signing_key)
        self._seed_users: list[User] = []
        self._seed_clients: list[OAuthClient] = []
        self.users: dict[str, User] = {}
        self.clients: dict[str, OAuthClient] = {}
        self.tokens = TokenStore()
        self.consent_instructions: list[ConsentInstruction] = []
        self.id_token_instructions: list[IdTokenInstruction] = []
        self.stats = Stats()
        self.add_seed(users=users, clients=clients)

    def add_seed(self, *, users: Iterable[User] = (), clients: Iterable[OAuthClient] = ()) -> None:
        """Register these now and again on every ``reset``."""
        for user in users:
            self._seed_users.append(replace(user))
            self.put_user(replace(user))
        for client in clients:
            self._seed_clients.append(client)
            self.put_client(client)

    def reset(self) -> None:
        """Back to the seed: seeded users and clients, the first signing key, nothing else."""
        self.users = {}
        self.clients = {}
        self.tokens = TokenStore()
        self.consent_instructions = []
        self.id_token_instructions = []
        self.stats = Stats()
        self.keys.reset()
        for user in self._seed_users:
            self.put_user(replace(user))
        for client in self._seed_clients:
            self.put_client(client)

    def put_user(self, user: User) -> User:
        self.users[user.email] = user
        return user

    def find_user(self, email: str) -> User | None:
        return self.users.get(email.strip().lower())

    def put_client(self, client: OAuthClient) -> OAuthClient:
        self.clients[client.client_id] = client
        return client

    def take_consent_instruction(self, email: str) -> ConsentInstruction | None:
        return _take_first_for(self.consent_instructions, email)

    def take_id_token_instruction(self, email: str) -> IdTokenInstruction | None:
        return _take_first_for(self.id_token_instructions, email)

    def authenticate_access_token(self, token: str) -> tuple[User, tuple[str, ...]] | None:
        """The user and granted scopes behind a live access token, for the emulated APIs."""
        access = self.tokens.access_tokens.get(token)
        if access is None or not access.is_live(self.clock.now()):
            return None
        user = self.users.get(access.user_email)
        if user is None:
            return None
        return user, access.scopes


_Instruction = TypeVar("_Instruction", ConsentInstruction, IdTokenInstruction)


def _take_first_for(instructions: list[_Instruction], email: str) -> _Instruction | None:
    for index, instruction in enumerate(instructions):
        if instruction.email is None or instruction.email == email:
            return instructions.pop(index)
    return None
