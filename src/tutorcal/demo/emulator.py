"""The Google emulator demo mode mounts at ``/_google``: seeded, restored from the saved demo
when there is one, saved before it answers, and kept to this computer."""

from __future__ import annotations

import logging
from typing import NamedTuple

from starlette.types import ASGIApp

from tutorcal.config import Settings
from tutorcal.demo.guard import LoopbackOnly
from tutorcal.demo.store import DemoStore, SavesBeforeAnswering
from tutorcal.emulator.app import create_emulator_app
from tutorcal.emulator.demo import create_demo_state
from tutorcal.emulator.snapshot import SnapshotInvalid, dump_state, load_state, move_addresses
from tutorcal.emulator.state import EmulatorState

logger = logging.getLogger("tutorcal.demo")


class MountedEmulator(NamedTuple):
    app: ASGIApp
    store: DemoStore


def mounted_emulator(settings: Settings) -> MountedEmulator:
    """Raises DemoStoreBusy when another demo process owns the database."""
    store = DemoStore.open(settings)
    state = create_demo_state(
        redirect_uris=[f"{settings.public_base_url}/api/v1/auth/google/callback"]
    )
    _restore(state, store, settings.public_base_url)
    store.watch(lambda: dump_state(state))
    app: ASGIApp = SavesBeforeAnswering(create_emulator_app(state), store)
    if not settings.tutorcal_demo_unsafe_allow_network:
        app = LoopbackOnly(app)
    return MountedEmulator(app, store)


def _restore(state: EmulatorState, store: DemoStore, base_url: str) -> None:
    saved = store.saved_google()
    if saved is None:
        store.start_afresh()
        return
    try:
        load_state(state, saved)
    except SnapshotInvalid as exc:
        logger.warning("the demo's saved Google side cannot be read (%s)", exc)
        store.start_afresh()
        return
    # A restart on another port: Google's push channels follow the demo to its new address.
    move_addresses(state, store.saved_base_url, base_url)
    store.restored()
    logger.info("demo restored: the database and its Google side as they were")
