"""Which X-Forwarded-For entry is the client: the one the trusted proxies appended, by count."""

from __future__ import annotations

import pytest
from starlette.types import Message, Receive, Scope, Send

from tutorcal.core.forwarded import ForwardedClientMiddleware, client_from


@pytest.mark.parametrize(
    ("header", "hops", "client"),
    [
        ("203.0.113.7", 1, "203.0.113.7"),
        ("6.6.6.6, 203.0.113.7", 1, "203.0.113.7"),
        ("6.6.6.6, 7.7.7.7,203.0.113.7", 1, "203.0.113.7"),
        ("6.6.6.6, 203.0.113.7, 192.0.2.80", 2, "203.0.113.7"),
        # Fewer entries than proxies: every entry is a proxy's, the leftmost is the client.
        ("203.0.113.7", 2, "203.0.113.7"),
        ("203.0.113.7:4711", 1, "203.0.113.7"),
        ("6.6.6.6, [2001:db8::7]:443", 1, "2001:db8::7"),
        ("2001:db8::7", 1, "2001:db8::7"),
        ("6.6.6.6, not-an-address", 1, None),
        ("", 1, None),
    ],
)
def test_the_client_is_the_entry_the_outermost_trusted_proxy_appended(
    header: str, hops: int, client: str | None
) -> None:
    found = client_from(header, hops)
    assert (str(found) if found else None) == client


async def seen_by_app(middleware_options: dict[str, object], scope: Scope) -> Scope:
    seen: dict[str, Scope] = {}

    async def app(inner: Scope, receive: Receive, send: Send) -> None:
        seen["scope"] = inner

    async def receive() -> Message:
        return {"type": "http.request"}

    async def send(message: Message) -> None:
        return None

    await ForwardedClientMiddleware(app, **middleware_options)(scope, receive, send)  # type: ignore[arg-type]
    return seen["scope"]


def http_scope(peer: str, *headers: tuple[bytes, bytes]) -> Scope:
    return {"type": "http", "client": (peer, 51000), "scheme": "http", "headers": list(headers)}


async def test_a_trusted_peer_gives_the_appended_address_and_the_scheme() -> None:
    scope = await seen_by_app(
        {"trusted": "*", "hops": 1},
        http_scope(
            "169.254.8.1",
            (b"x-forwarded-for", b"6.6.6.6"),
            (b"x-forwarded-for", b"203.0.113.7"),
            (b"x-forwarded-proto", b"https"),
        ),
    )
    assert scope["client"] == ("203.0.113.7", 0)
    assert scope["scheme"] == "https"


async def test_an_untrusted_peer_keeps_its_own_address_whatever_it_writes() -> None:
    scope = await seen_by_app(
        {"trusted": "10.0.0.0/8, 127.0.0.1", "hops": 1},
        http_scope("192.0.2.9", (b"x-forwarded-for", b"203.0.113.7")),
    )
    assert scope["client"] == ("192.0.2.9", 51000)
    trusted = await seen_by_app(
        {"trusted": "10.0.0.0/8, 127.0.0.1", "hops": 1},
        http_scope("10.1.2.3", (b"x-forwarded-for", b"203.0.113.7")),
    )
    assert trusted["client"] == ("203.0.113.7", 0)
