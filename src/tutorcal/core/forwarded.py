"""The client's address and scheme as the proxies in front of tutorcal saw them.

Each proxy appends the address it received the request from to ``X-Forwarded-For``, so only
the entries those proxies wrote can be believed: counted from the right, one per proxy. The
leftmost entry is whatever the client chose to send, and counting by it would let anyone pick
a fresh address for every request (and so never be rate-limited). uvicorn's own handling takes
the leftmost entry when every peer is trusted (``FORWARDED_ALLOW_IPS="*"``, as on Cloud Run),
so ``tutorcal serve`` turns it off and this middleware does the job.

Google's front end and load balancers append (https://cloud.google.com/load-balancing/docs/https#x-forwarded-for_header):
on ``*.run.app`` one hop; behind a global external Application Load Balancer, which appends
``<client>,<load balancer>``, two.
"""

from __future__ import annotations

import ipaddress
from typing import NamedTuple

from starlette.types import ASGIApp, Receive, Scope, Send

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

_SCHEMES = frozenset({"http", "https", "ws", "wss"})


class TrustedPeers(NamedTuple):
    """FORWARDED_ALLOW_IPS: ``*``, or comma-separated addresses and networks."""

    everyone: bool
    networks: tuple[Network, ...]

    @classmethod
    def parse(cls, text: str) -> TrustedPeers:
        items = [item.strip() for item in text.split(",") if item.strip()]
        if "*" in items:
            return cls(True, ())
        networks = []
        for item in items:
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                continue  # a unix socket path or a name: no TCP peer ever matches it
        return cls(False, tuple(networks))

    def trust(self, host: str | None) -> bool:
        if self.everyone:
            return True
        address = parse_address(host or "")
        return address is not None and any(address in network for network in self.networks)


def parse_address(entry: str) -> Address | None:
    """An X-Forwarded-For entry (``203.0.113.7``, ``203.0.113.7:4711``, ``[2001:db8::1]:443``)."""
    entry = entry.strip()
    if entry.startswith("["):
        entry = entry[1 : entry.find("]")] if "]" in entry else entry
    elif entry.count(":") == 1:
        entry = entry.split(":", 1)[0]
    try:
        return ipaddress.ip_address(entry)
    except ValueError:
        return None


def client_from(forwarded_for: str, hops: int) -> Address | None:
    """The entry the outermost of ``hops`` trusted proxies appended.

    With fewer entries than hops, the leftmost is the best there is: every entry was written
    by a proxy. Setting more hops than there are proxies hands the choice back to the client.
    """
    entries = [entry for entry in forwarded_for.split(",") if entry.strip()]
    if not entries:
        return None
    return parse_address(entries[-min(hops, len(entries))])


class ForwardedClientMiddleware:
    def __init__(self, app: ASGIApp, *, trusted: str, hops: int) -> None:
        self.app = app
        self.trusted = TrustedPeers.parse(trusted)
        self.hops = hops

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in {"http", "websocket"}:
            peer = scope.get("client")
            if self.trusted.trust(peer[0] if peer else None):
                scope = self._rewrite(scope)
        await self.app(scope, receive, send)

    def _rewrite(self, scope: Scope) -> Scope:
        forwarded_for: list[str] = []
        proto: str | None = None
        for name, value in scope.get("headers", []):
            if name == b"x-forwarded-for":
                forwarded_for.append(value.decode("latin-1"))
            elif name == b"x-forwarded-proto":
                proto = value.decode("latin-1")
        changed = dict(scope)
        if proto is not None:
            # The last value is the one the nearest proxy wrote.
            scheme = proto.split(",")[-1].strip().lower()
            if scheme in _SCHEMES:
                if scope["type"] == "websocket":
                    scheme = scheme.replace("http", "ws")
                changed["scheme"] = scheme
        if forwarded_for:
            client = client_from(",".join(forwarded_for), self.hops)
            if client is not None:
                changed["client"] = (str(client), 0)
        return changed
