"""The benchmark's one HTTP load generator: bounded, closed-loop, run as a process of its own.

What it sends is data (a ``Spec``): a port, a mode, one identity (headers: a student's
cookies and CSRF token) per keep-alive connection, and the calls (method, path, JSON body):

* ``loop``: every connection sends the first call, reads the whole answer, sends it again:
  a closed loop, so the server is never asked for more than it can answer. Answers during
  the first ``warmup_s`` are not counted, those in the ``duration_s`` after are; nothing is
  sent after that;
* ``drain``: every connection takes the next call from one shared queue until it is empty
  (or ``time_limit_s``): distinct requests, as many in flight as there are connections;
* ``race``: every connection is opened and used once (GET ``prime_path``) first; then,
  released together, each sends the first call once.

The client is raw asyncio streams, written for this: a few tens of microseconds of CPU per
request, so that on a small machine it takes as little as possible from the server it
measures (an HTTP client library costs several times more per request). Prints one JSON
object: counts, statuses, requests/s, latency percentiles, every counted latency and, for
``drain`` and ``race``, every answer (its problem+json ``code`` or the booking's ``status``,
its ``calendar_sync``) and the wall time from the first request sent to the last answer.

    python -m bench.loadgen < spec.json     # or bench.loadgen.run(Spec(...)) from a section
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import math
import socket
import subprocess
import sys
import time
from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from bench.staging import BenchError, base_environment

CONNECT_TIMEOUT_SECONDS = 5.0
RESPONSE_TIMEOUT_SECONDS = 30.0
MAX_REQUESTS_PER_CONNECTION = 2_000_000  # a second bound besides the clock
MAX_BODY_BYTES = 1 << 22

Mode = Literal["loop", "drain", "race"]


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    body: dict[str, Any] | None = None

    @property
    def target(self) -> str:
        """What the call books (a session id, a slot's start), or its path."""
        body = self.body or {}
        return str(body.get("session_id") or body.get("start") or self.path)


@dataclass(frozen=True)
class Spec:
    port: int
    mode: Mode
    calls: list[Call]  # loop and race: the first is sent; drain: the queue
    identities: list[dict[str, str]]  # one a connection: its headers
    warmup_s: float = 2.0
    duration_s: float = 10.0
    time_limit_s: float = 60.0
    prime_path: str = "/healthz"

    @property
    def bound_s(self) -> float:
        return self.warmup_s + self.duration_s if self.mode == "loop" else self.time_limit_s

    @classmethod
    def of_json(cls, raw: dict[str, Any]) -> Spec:
        spec = cls(**{**raw, "calls": [Call(**call) for call in raw["calls"]]})
        if spec.mode not in ("loop", "drain", "race"):
            raise ValueError(f"unknown mode {spec.mode!r}")
        if not (1 <= len(spec.identities) <= 2048 and 1 <= len(spec.calls) <= 100_000):
            raise ValueError("1..2048 connections and 1..100000 calls")
        if not (0 <= spec.warmup_s <= 60 and 0 < spec.duration_s <= 300):
            raise ValueError("warm-up within 0..60 s, duration within 0..300 s")
        return spec


def run(spec: Spec) -> dict[str, Any]:
    """The spec run in a new process (so the section's own work does not slow it)."""
    completed = subprocess.run(
        [sys.executable, "-m", "bench.loadgen"],
        input=json.dumps(dataclasses.asdict(spec)),
        env=base_environment(),
        capture_output=True,
        text=True,
        timeout=spec.bound_s + 60,
        check=False,
    )
    if completed.returncode != 0:
        raise BenchError(f"the load generator failed:\n{completed.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(completed.stdout)
    return result


class ProtocolError(Exception):
    pass


@dataclass(slots=True)
class Answer:
    call: Call
    connection: int
    status: int
    latency_s: float
    size: int
    body: bytes  # drain and race only: a loop's answers would fill the memory


@dataclass
class Tally:
    answers: list[Answer] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    reconnects: int = 0
    answered_total: int = 0  # warm-up included
    unsent: int = 0
    first_sent: float | None = None
    last_answered: float | None = None


def encode(call: Call, host: str, port: int, headers: dict[str, str]) -> bytes:
    body = b"" if call.body is None else json.dumps(call.body, separators=(",", ":")).encode()
    lines = [
        f"{call.method} {call.path} HTTP/1.1",
        f"Host: {host}:{port}",
        "Accept: application/json",
    ]
    if call.body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return "\r\n".join(lines).encode("latin-1") + b"\r\n\r\n" + body


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """Status, whole body, and whether the server will close the connection."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    parts = lines[0].split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1."):
        raise ProtocolError(f"bad status line {lines[0]!r}")
    status = int(parts[1])
    length: int | None = None
    chunked = closing = False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        key = name.strip().lower()
        if key == b"content-length":
            length = int(value.strip())
        elif key == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
        elif key == b"connection" and b"close" in value.lower():
            closing = True
    if chunked:
        body = bytearray()
        while len(body) <= MAX_BODY_BYTES:
            size = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0].strip(), 16)
            body += (await reader.readexactly(size + 2))[:size]
            if size == 0:
                return status, bytes(body), closing
        raise ProtocolError("body too large")
    if length is None:
        raise ProtocolError("a response with neither Content-Length nor chunked encoding")
    if length > MAX_BODY_BYTES:
        raise ProtocolError("body too large")
    return status, await reader.readexactly(length), closing


class Connection:
    """One keep-alive connection, opened again after an error or a ``Connection: close``."""

    def __init__(self, spec: Spec, index: int, tally: Tally, host: str = "127.0.0.1") -> None:
        self.spec, self.index, self.tally, self.host = spec, index, tally, host
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.opened = False

    async def open(self) -> None:
        self.tally.reconnects += self.opened
        self.opened = True
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(self.host, self.spec.port), CONNECT_TIMEOUT_SECONDS
        )
        self.reader, self.writer = reader, writer
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def exchange(self, request: bytes) -> tuple[int, bytes]:
        if self.writer is None or self.reader is None:
            await self.open()
        assert self.writer is not None
        assert self.reader is not None
        self.writer.write(request)
        status, body, closing = await asyncio.wait_for(
            read_response(self.reader), RESPONSE_TIMEOUT_SECONDS
        )
        if closing:
            self.close()
        return status, body

    async def send(
        self, call: Call, request: bytes, counted: tuple[float, float] | None = None
    ) -> None:
        """One call; with ``counted``, kept only if answered within (from, to)."""
        sent = time.perf_counter()
        if self.tally.first_sent is None:
            self.tally.first_sent = sent
        try:
            status, body = await self.exchange(request)
        except (OSError, asyncio.IncompleteReadError, ProtocolError, TimeoutError) as exc:
            if counted is None or time.perf_counter() >= counted[0]:
                self.tally.errors[type(exc).__name__] += 1
            self.close()  # the next call opens a new one
            return
        answered = time.perf_counter()
        self.tally.answered_total += 1
        if counted is None or counted[0] <= answered <= counted[1]:
            self.tally.last_answered = answered
            kept = body if counted is None else b""
            self.tally.answers.append(
                Answer(call, self.index, status, answered - sent, len(body), kept)
            )


async def loop(spec: Spec, connections: list[Connection]) -> None:
    started = time.perf_counter()
    counted = (started + spec.warmup_s, started + spec.warmup_s + spec.duration_s)
    call = spec.calls[0]

    async def one(connection: Connection) -> None:
        request = encode(call, connection.host, spec.port, spec.identities[connection.index])
        for _ in range(MAX_REQUESTS_PER_CONNECTION):
            if time.perf_counter() >= counted[1]:
                return
            await connection.send(call, request, counted)

    await asyncio.gather(*(one(c) for c in connections))


async def drain(spec: Spec, connections: list[Connection], tally: Tally) -> None:
    queue = deque(spec.calls)
    stop_at = time.perf_counter() + spec.time_limit_s

    async def one(connection: Connection) -> None:
        headers = spec.identities[connection.index]
        while queue and time.perf_counter() < stop_at:
            call = queue.popleft()
            await connection.send(call, encode(call, connection.host, spec.port, headers))

    await asyncio.gather(*(one(c) for c in connections))
    tally.unsent = len(queue)


async def race(spec: Spec, connections: list[Connection]) -> None:
    prime = Call("GET", spec.prime_path)
    # Every connection accepted and answering before anyone sends the raced call.
    primed = await asyncio.gather(
        *(c.exchange(encode(prime, c.host, spec.port, {})) for c in connections)
    )
    if any(status != 200 for status, _ in primed):
        raise ProtocolError(f"{spec.prime_path} did not answer 200 on every connection")
    call, start = spec.calls[0], asyncio.Event()

    async def one(connection: Connection) -> None:
        request = encode(call, connection.host, spec.port, spec.identities[connection.index])
        await start.wait()
        await connection.send(call, request)

    tasks = [asyncio.create_task(one(c)) for c in connections]
    await asyncio.sleep(0.05)  # every task is parked on the event
    start.set()
    await asyncio.wait_for(asyncio.gather(*tasks), spec.time_limit_s)


def describe(answer: Answer) -> tuple[str, str | None]:
    """(problem+json code or created booking's status, its calendar_sync) from the JSON."""
    try:
        document = json.loads(answer.body)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        return f"http_{answer.status}", None
    if answer.status == 201:
        sync = document.get("calendar_sync")
        return str(document.get("status", "?")), None if sync is None else str(sync)
    return str(document.get("code", f"http_{answer.status}")), None


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    return ordered[max(1, math.ceil(fraction * len(ordered))) - 1]


def summary(spec: Spec, tally: Tally) -> dict[str, Any]:
    latencies = [a.latency_s for a in tally.answers]
    statuses = Counter(a.status for a in tally.answers)
    result: dict[str, Any] = {
        "mode": spec.mode,
        "connections": len(spec.identities),
        "answered": len(tally.answers),
        "answered_total": tally.answered_total,
        "ok": sum(n for status, n in statuses.items() if 200 <= status < 300),
        "statuses": {str(code): n for code, n in sorted(statuses.items())},
        "errors": dict(tally.errors),
        "reconnects": tally.reconnects,
        "latency_ms": {
            name: percentile(latencies, fraction) * 1000
            for name, fraction in (("p50", 0.5), ("p90", 0.9), ("p95", 0.95), ("p99", 0.99))
        }
        | {"max": max(latencies, default=math.nan) * 1000},
        # Every counted latency, in whole microseconds, in the order answered (so that runs
        # can be pooled before taking percentiles).
        "latencies_us": [round(seconds * 1e6) for seconds in latencies],
    }
    if spec.mode == "loop":
        result["requests_per_s"] = result["ok"] / spec.duration_s
        result["body_sizes"] = dict(Counter(str(a.size) for a in tally.answers))
        return result
    described = [(a, *describe(a)) for a in tally.answers]
    first, last = tally.first_sent, tally.last_answered
    return result | {
        "unsent": tally.unsent,
        "wall_s": last - first if first is not None and last is not None else 0.0,
        "codes": dict(Counter(code for _, code, _ in described)),
        "calendar_sync": dict(Counter(str(sync) for a, _, sync in described if a.status == 201)),
        "answers": [
            {
                "target": a.call.target,
                "connection": a.connection,
                "status": a.status,
                "latency_us": round(a.latency_s * 1e6),
                "code": code,
                "calendar_sync": sync,
            }
            for a, code, sync in described
        ],
    }


async def measure(spec: Spec) -> dict[str, Any]:
    tally = Tally()
    connections = [Connection(spec, index, tally) for index in range(len(spec.identities))]
    await asyncio.gather(*(c.open() for c in connections))
    try:
        if spec.mode == "loop":
            await loop(spec, connections)
        elif spec.mode == "drain":
            await drain(spec, connections, tally)
        else:
            await race(spec, connections)
    finally:
        for connection in connections:
            connection.close()
    return summary(spec, tally)


def main() -> int:
    try:
        spec = Spec.of_json(json.load(sys.stdin))
    except (ValueError, KeyError, TypeError) as exc:
        print(f"bench.loadgen: bad spec: {exc}", file=sys.stderr)
        return 2
    json.dump(asyncio.run(measure(spec)), sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
