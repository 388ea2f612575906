"""One emulator's whole memory, shared by its routers through ``app.state.emulator``.

Everything is in memory and touched only from the event loop (every route is ``async``), so
no locks. The Calendar side keeps its calendars and events in ``calendar``, its push channels
in ``notifier``, and its faults, rate limits and request log beside them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Protocol, TypeVar

from joserfc.jwk import RSAKey

from tutorcal.emulator.calendar_store import CalendarStore
from tutorcal.emulator.faults import Faults, RateLimits, RequestLog
from tutorcal.emulator.keys import SigningKeys
from tutorcal.emulator.models import (
    ConsentInstruction,
    IdTokenInstruction,
    OAuthClient,
    Stats,
    User,
)
from tutorcal.emulator.push import Notifier
from tutorcal.emulator.tokens import TokenStore


class Clock(Protocol):
    def now(self) -> datetime: ...


CalendarSeed = Callable[[CalendarStore, datetime], None]
"""Fills a fresh calendar store; called with "now" at creation and on every reset."""


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class EmulatorState:
    def __init__(
        self,
        *,
        users: Iterable[User] = (),
        clients: Iterable[OAuthClient] = (),
        calendars: Iterable[CalendarSeed] = (),
        clock: Clock | None = None,
        signing_key: RSAKey | None = None,
    ) -> None:
        self.clock: Clock = clock or SystemClock()
        self.keys = SigningKeys(signing_key)
        self._seed_users: list[User] = []
        self._seed_clients: list[OAuthClient] = []
        self._seed_calendars: list[CalendarSeed] = []
        self.users: dict[str, User] = {}
        self.clients: dict[str, OAuthClient] = {}
        self.tokens = TokenStore()
        self.consent_instructions: list[ConsentInstruction] = []
        self.id_token_instructions: list[IdTokenInstruction] = []
        self.stats = Stats()
        self.notifier = Notifier(self.clock)
        self.calendar = self._new_calendar_store()
        self.faults = Faults()
        self.rate_limits = RateLimits()
        self.calendar_rate_limits = RateLimits()
        self.requests = RequestLog()
        self.add_seed(users=users, clients=clients, calendars=calendars)

    def add_seed(
        self,
        *,
        users: Iterable[User] = (),
        clients: Iterable[OAuthClient] = (),
        calendars: Iterable[CalendarSeed] = (),
    ) -> None:
        """Register these now and again on every ``reset``."""
        for user in users:
            self._seed_users.append(replace(user))
            self.put_user(replace(user))
        for client in clients:
            self._seed_clients.append(client)
            self.put_client(client)
        for seed in calendars:
            self._seed_calendars.append(seed)
            seed(self.calendar, self.clock.now())

    def _new_calendar_store(self) -> CalendarStore:
        store = CalendarStore(self.clock)
        store.listeners.append(self.notifier.calendar_changed)
        return store

    def reset(self) -> None:
        """Back to the seed: seeded users, clients and calendars (seeded again relative to
        now), the first signing key; no tokens, channels, faults, limits or logged requests."""
        self.users = {}
        self.clients = {}
        self.tokens = TokenStore()
        self.consent_instructions = []
        self.id_token_instructions = []
        self.stats = Stats()
        self.keys.reset()
        self.notifier.reset()
        self.calendar = self._new_calendar_store()
        self.faults = Faults()
        self.rate_limits = RateLimits()
        self.calendar_rate_limits = RateLimits()
        self.requests = RequestLog()
        for user in self._seed_users:
            self.put_user(replace(user))
        for client in self._seed_clients:
            self.put_client(client)
        for seed in self._seed_calendars:
            seed(self.calendar, self.clock.now())

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

    def access_token_client(self, token: str) -> str | None:
        """The OAuth client an access token was issued to (channels.stop checks it)."""
        access = self.tokens.access_tokens.get(token)
        return access.client_id if access is not None else None

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
