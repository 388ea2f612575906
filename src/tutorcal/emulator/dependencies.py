"""What every emulator route needs: its state, and the base URL it is reached at."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from tutorcal.emulator.state import EmulatorState


def get_state(request: Request) -> EmulatorState:
    state = request.app.state.emulator
    assert isinstance(state, EmulatorState)
    return state


def get_base_url(request: Request) -> str:
    """Scheme, host and mount prefix, without a trailing slash: the issuer and every endpoint.

    ``request.base_url`` would be wrong when mounted: Starlette builds it from the *outermost*
    app's root path, while ``root_path`` in the scope carries the ``/_google`` prefix.
    """
    root_path = str(request.scope.get("root_path", ""))
    return str(request.url.replace(path=root_path, query="", fragment="")).rstrip("/")


State = Annotated[EmulatorState, Depends(get_state)]
BaseUrl = Annotated[str, Depends(get_base_url)]
