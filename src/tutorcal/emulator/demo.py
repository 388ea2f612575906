"""The demo seed: one OAuth client, six people of a made-up school, and the two tutors'
calendars full of sessions and busy time (``demo_calendars``).

tutorcal's demo mode grants the admin and tutor roles itself from these addresses; the
emulator only shows the role on its account chooser.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from fastapi import FastAPI

from tutorcal.emulator.app import create_emulator_app
from tutorcal.emulator.demo_calendars import DEMO_DOMAIN, seed_demo_calendars
from tutorcal.emulator.models import OAuthClient, User
from tutorcal.emulator.state import EmulatorState

DemoRole = Literal["admin", "tutor", "student"]

DEMO_CLIENT_ID = "demo-client-id.apps.googleusercontent.com"
DEMO_CLIENT_SECRET = "demo-client-secret"  # noqa: S105 - public by design, like the emulator
DEMO_REDIRECT_URIS = (
    "http://localhost:8000/api/v1/auth/google/callback",
    "http://127.0.0.1:8000/api/v1/auth/google/callback",
)


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    role: DemoRole


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser(f"admin@{DEMO_DOMAIN}", "Alex Admin", "admin"),
    DemoUser(f"tara@{DEMO_DOMAIN}", "Tara Tutor", "tutor"),
    DemoUser(f"theo@{DEMO_DOMAIN}", "Theo Tutor", "tutor"),
    DemoUser(f"sam@{DEMO_DOMAIN}", "Sam Student", "student"),
    DemoUser(f"sofia@{DEMO_DOMAIN}", "Sofia Student", "student"),
    DemoUser(f"stefan@{DEMO_DOMAIN}", "Stefan Student", "student"),
)


def demo_emails(role: DemoRole) -> list[str]:
    return [user.email for user in DEMO_USERS if user.role == role]


def demo_client(redirect_uris: Sequence[str] | None = None) -> OAuthClient:
    """Redirect URIs default to tutorcal on port 8000, by name and by address."""
    return OAuthClient(
        DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, tuple(redirect_uris or DEMO_REDIRECT_URIS)
    )


def demo_accounts() -> list[User]:
    return [
        User(
            email=user.email,
            name=user.name,
            email_verified=True,
            hd=DEMO_DOMAIN,
            description=user.role.capitalize(),
        )
        for user in DEMO_USERS
    ]


def create_demo_state(redirect_uris: Sequence[str] | None = None) -> EmulatorState:
    """Seeded, so ``POST /_emulator/reset`` comes back to this (calendars relative to the
    time of the reset)."""
    return EmulatorState(
        users=demo_accounts(), clients=[demo_client(redirect_uris)], calendars=[seed_demo_calendars]
    )


def create_demo_emulator(redirect_uris: Sequence[str] | None = None) -> FastAPI:
    """The emulator app with the demo seed, ready to mount or serve."""
    return create_emulator_app(create_demo_state(redirect_uris))
