"""A bounded booking load generator: students POSTing ``/api/v1/bookings``, run as its own process.

Like ``bench/loadgen.py`` (raw asyncio streams, HTTP/1.1 keep-alive, a few tens of microseconds
of CPU per request), but every request is a different booking by a signed-in student: the
student's ``tutorcal_session`` cookie and the ``X-CSRF-Token`` header from their
``tutorcal_csrf`` cookie, and a JSON body: ``{"session_id": ...}`` (a seat) or
``{"tutor_id": ..., "start": ..., "minutes": ...}`` (a one-to-one slot). Two modes:

* ``drain``: one keep-alive connection per student, all at once, a closed loop: each
  connection takes the next body from one shared queue, books it, reads the whole answer,
  takes the next, until the queue is empty (or the time limit): distinct bookings, as many
  in flight as there are students;
* ``race``: every student's connection is opened and used once (``prime_path``) first;
  then, released together, each sends the same (first) body.

The spec (a JSON file) names the port, the mode, the students and the bodies. Prints
one JSON object: statuses, the answers' ``code`` (problem+json) or ``status`` and
``calendar_sync`` (a booking), every latency, the wall time from the first request sent to
the last answer read.

    python -m bench.bookgen --spec spec.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import sys
import time
from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

CONNECT_TIMEOUT_SECONDS = 5.0
RESPONSE_TIMEOUT_SECONDS = 30.0
MAX_BODIES = 10_000  # a bound on the queue besides the clock
MAX_BODY_BYTES = 1 << 20

Mode = Literal["drain", "race"]


class ProtocolError(Exception):
    pass


@dataclass(frozen=True)
class Student:
    cookie: str  # the tutorcal_session cookie's value
    csrf: str  # the tutorcal_csrf cookie's value, sent as X-CSRF-Token


@dataclass(frozen=True)
class Spec:
    port: int
    mode: Mode
    students: list[Student]
    bodies: list[dict[str, Any]]  # drain: the queue; race: the first is the one raced for
    host: str = "127.0.0.1"
    time_limit_s: float = 60.0
    prime_path: str = "/healthz"

    @classmethod
    def load(cls, path: Path) -> Spec:
        raw: dict[str, Any] = json.loads(path.read_text())
        mode = raw["mode"]
        if mode not in ("drain", "race"):
            raise ValueError(f"unknown mode {mode!r}")
        spec = cls(
            port=int(raw["port"]),
            mode=mode,
            students=[Student(str(s["cookie"]), str(s["csrf"])) for s in raw["students"]],
            bodies=[dict(b) for b in raw["bodies"]],
            host=str(raw.get("host", "127.0.0.1")),
            time_limit_s=float(raw.get("time_limit_s", 60.0)),
            prime_path=str(raw.get("prime_path", "/healthz")),
        )
        if not 1 <= len(spec.students) <= 256:
            raise ValueError("1..256 students")
        if not 1 <= len(spec.bodies) <= MAX_BODIES:
            raise ValueError(f"1..{MAX_BODIES} bodies")
        if not 0 < spec.time_limit_s <= 300:
            raise ValueError("time limit within 0..300 s")
        return spec


@dataclass
class Answer:
    target: str  # the body's session_id, or its start
    student: int
    status: int
    latency_s: float
    code: str  # problem+json "code", or the booking's "status" ("confirmed")
    calendar_sync: str | None
    booking_id: str | None


@dataclass
class Tally:
    answers: list[Answer] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    unsent: int = 0
    first_sent: float | None = None
    last_answered: float | None = None


def target_of(body: dict[str, Any]) -> str:
    return str(body.get("session_id") or body.get("start"))


def booking_request(host: str, port: int, student: Student, booking: dict[str, Any]) -> bytes:
    body = json.dumps(booking, separators=(",", ":")).encode()
    head = "\r\n".join(
        [
            "POST /api/v1/bookings HTTP/1.1",
            f"Host: {host}:{port}",
            "Accept: application/json",
            "Content-Type: application/json",
            f"Content-Length: {len(body)}",
            f"Cookie: tutorcal_session={student.cookie}; tutorcal_csrf={student.csrf}",
            f"X-CSRF-Token: {student.csrf}",
        ]
    )
    return head.encode("latin-1") + b"\r\n\r\n" + body


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


def describe(status: int, body: bytes) -> tuple[str, str | None, str | None]:
    """(code or booking status, calendar_sync, booking id) from an answer's JSON."""
    try:
        document = json.loads(body)
    except ValueError:
        return f"http_{status}", None, None
    if not isinstance(document, dict):
        return f"http_{status}", None, None
    if status == 201:
        sync = document.get("calendar_sync")
        booking_id = document.get("id")
        return (
            str(document.get("status", "?")),
            None if sync is None else str(sync),
            None if booking_id is None else str(booking_id),
        )
    return str(document.get("code", f"http_{status}")), None, None


class Connection:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(self.host, self.port), CONNECT_TIMEOUT_SECONDS
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


async def book_once(
    spec: Spec, connection: Connection, index: int, booking: dict[str, Any], tally: Tally
) -> None:
    request = booking_request(spec.host, spec.port, spec.students[index], booking)
    sent = time.perf_counter()
    if tally.first_sent is None or sent < tally.first_sent:
        tally.first_sent = sent
    try:
        status, body = await connection.exchange(request)
    except (OSError, asyncio.IncompleteReadError, ProtocolError, TimeoutError) as exc:
        tally.errors[type(exc).__name__] += 1
        connection.close()  # the next request opens a new one
        return
    answered = time.perf_counter()
    tally.last_answered = max(answered, tally.last_answered or answered)
    code, sync, booking_id = describe(status, body)
    tally.answers.append(
        Answer(target_of(booking), index, status, answered - sent, code, sync, booking_id)
    )


async def drain(spec: Spec, tally: Tally) -> None:
    queue = deque(spec.bodies)
    stop_at = time.perf_counter() + spec.time_limit_s
    connections = [Connection(spec.host, spec.port) for _ in spec.students]
    await asyncio.gather(*(c.open() for c in connections))

    async def student(index: int) -> None:
        while queue and time.perf_counter() < stop_at:
            await book_once(spec, connections[index], index, queue.popleft(), tally)

    try:
        await asyncio.gather(*(student(i) for i in range(len(connections))))
    finally:
        for connection in connections:
            connection.close()
    tally.unsent = len(queue)


async def race(spec: Spec, tally: Tally) -> None:
    connections = [Connection(spec.host, spec.port) for _ in spec.students]
    await asyncio.gather(*(c.open() for c in connections))
    prime = (f"GET {spec.prime_path} HTTP/1.1\r\nHost: {spec.host}:{spec.port}\r\n\r\n").encode(
        "latin-1"
    )
    try:
        # Every connection accepted and answering before anyone books.
        primed = await asyncio.gather(*(c.exchange(prime) for c in connections))
        if any(status != 200 for status, _ in primed):
            raise ProtocolError(f"{spec.prime_path} did not answer 200 on every connection")
        start = asyncio.Event()

        async def student(index: int) -> None:
            await start.wait()
            await book_once(spec, connections[index], index, spec.bodies[0], tally)

        tasks = [asyncio.create_task(student(i)) for i in range(len(connections))]
        await asyncio.sleep(0.05)  # every task is parked on the event
        start.set()
        await asyncio.wait_for(asyncio.gather(*tasks), spec.time_limit_s)
    finally:
        for connection in connections:
            connection.close()


def summary(spec: Spec, tally: Tally) -> dict[str, Any]:
    wall = (
        tally.last_answered - tally.first_sent
        if tally.first_sent is not None and tally.last_answered is not None
        else 0.0
    )
    return {
        "mode": spec.mode,
        "students": len(spec.students),
        "bodies": len(spec.bodies),
        "answered": len(tally.answers),
        "unsent": tally.unsent,
        "errors": dict(tally.errors),
        "wall_s": wall,
        "statuses": dict(Counter(str(a.status) for a in tally.answers)),
        "codes": dict(Counter(a.code for a in tally.answers)),
        "calendar_sync": dict(
            Counter(str(a.calendar_sync) for a in tally.answers if a.status == 201)
        ),
        "answers": [
            {
                "target": a.target,
                "student": a.student,
                "status": a.status,
                "latency_us": round(a.latency_s * 1e6),
                "code": a.code,
                "calendar_sync": a.calendar_sync,
                "booking_id": a.booking_id,
            }
            for a in tally.answers
        ],
    }


async def run(spec: Spec) -> dict[str, Any]:
    tally = Tally()
    if spec.mode == "drain":
        await drain(spec, tally)
    else:
        await race(spec, tally)
    return summary(spec, tally)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bookgen", description=__doc__)
    parser.add_argument("--spec", type=Path, required=True, help="the JSON spec file")
    args = parser.parse_args(argv)
    try:
        spec = Spec.load(args.spec)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        parser.error(f"bad spec: {exc}")
    json.dump(asyncio.run(run(spec)), sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
