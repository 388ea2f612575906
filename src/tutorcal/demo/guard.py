"""The mounted Google emulator answers this computer only.

It signs anyone in as anyone (the demo admin included) and its control API has no
authentication, so a request from elsewhere gets 403. What decides is the address the
connection came from. A request relayed by a proxy (``X-Forwarded-For``, ``Forwarded``) came
from elsewhere whatever it claims, and with ``FORWARDED_ALLOW_IPS`` uvicorn would have put
the claimed address where the peer's belongs, so such a request is refused too.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Receive, Scope, Send

from tutorcal.config import is_loopback_host
from tutorcal.errors import PROBLEM_MEDIA_TYPE, problem_body

_RELAYED = frozenset({b"x-forwarded-for", b"forwarded", b"x-real-ip"})


def is_from_this_computer(scope: Scope) -> bool:
    client = scope.get("client")
    if not client or not is_loopback_host(str(client[0])):
        return False
    return not any(name in _RELAYED for name, _ in scope.get("headers", []))


class LoopbackOnly:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in {"http", "websocket"} or is_from_this_computer(scope):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        body = json.dumps(
            problem_body(
                403,
                "demo_loopback_only",
                "The demo's Google emulator answers this computer only: it signs anyone in "
                "as anyone. Set TUTORCAL_DEMO_UNSAFE_ALLOW_NETWORK=true to let others in.",
            )
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 403,
                "headers": [
                    (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
