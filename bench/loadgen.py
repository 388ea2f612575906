"""A bounded closed-loop HTTP/1.1 load generator, run as its own process.

``--concurrency`` keep-alive connections each send one GET, read the whole answer, and send
the next: a closed loop, so the server is never asked for more than it can answer and the
numbers are its throughput at that concurrency, not a queue's growth. Requests answered
during the first ``--warmup`` seconds are discarded; those answered in the ``--duration``
seconds after are counted. Nothing is sent after the end, so the run is bounded in time.

The client is raw asyncio streams, written for this: a few tens of microseconds of CPU per
request, so that on a small machine the load generator takes as little as possible from the
server it measures (an HTTP client library costs several times more per request).

Prints one JSON object on stdout: counts, statuses, requests/s, latency percentiles and every
counted latency.

    python -m bench.loadgen --port 8000 --path '/api/...' --header 'Cookie: a=b' \\
        --concurrency 8 --warmup 2 --duration 10
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import socket
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

MAX_REQUESTS_PER_CONNECTION = 2_000_000  # a second bound besides the clock
CONNECT_TIMEOUT_SECONDS = 5.0
RESPONSE_TIMEOUT_SECONDS = 30.0


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    body_sizes: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    reconnects: int = 0
    answered_total: int = 0  # warm-up included


class ProtocolError(Exception):
    pass


async def read_response(reader: asyncio.StreamReader) -> tuple[int, int, bool]:
    """Status, body size, and whether the server will close the connection."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    parts = lines[0].split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1."):
        raise ProtocolError(f"bad status line {lines[0]!r}")
    status = int(parts[1])
    length: int | None = None
    chunked = False
    closing = False
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
        size = 0
        while True:
            chunk_line = await reader.readuntil(b"\r\n")
            chunk = int(chunk_line.split(b";", 1)[0].strip(), 16)
            await reader.readexactly(chunk + 2)
            size += chunk
            if chunk == 0:
                return status, size, closing
    if length is None:
        raise ProtocolError("a response with neither Content-Length nor chunked encoding")
    await reader.readexactly(length)
    return status, length, closing


async def open_connection(
    host: str, port: int
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection(host, port), CONNECT_TIMEOUT_SECONDS
    )
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return reader, writer


async def connection_loop(
    host: str, port: int, request: bytes, count_from: float, stop_at: float, tally: Tally
) -> None:
    reader, writer = await open_connection(host, port)
    try:
        for _ in range(MAX_REQUESTS_PER_CONNECTION):
            sent_at = time.perf_counter()
            if sent_at >= stop_at:
                return
            try:
                writer.write(request)
                status, size, closing = await asyncio.wait_for(
                    read_response(reader), RESPONSE_TIMEOUT_SECONDS
                )
            except (OSError, asyncio.IncompleteReadError, ProtocolError, TimeoutError) as exc:
                if time.perf_counter() >= count_from:
                    tally.errors[type(exc).__name__] += 1
                writer.close()
                reader, writer = await open_connection(host, port)
                tally.reconnects += 1
                continue
            answered_at = time.perf_counter()
            tally.answered_total += 1
            if count_from <= answered_at <= stop_at:
                tally.latencies.append(answered_at - sent_at)
                tally.statuses[status] += 1
                tally.body_sizes[size] += 1
            if closing:
                writer.close()
                reader, writer = await open_connection(host, port)
                tally.reconnects += 1
    finally:
        writer.close()


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


async def run(
    host: str,
    port: int,
    path: str,
    headers: Sequence[str],
    concurrency: int,
    warmup: float,
    duration: float,
) -> dict[str, Any]:
    request = (
        "\r\n".join(
            [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Accept: application/json", *headers]
        )
        + "\r\n\r\n"
    ).encode("latin-1")
    tally = Tally()
    started = time.perf_counter()
    count_from = started + warmup
    stop_at = count_from + duration
    await asyncio.gather(
        *(
            connection_loop(host, port, request, count_from, stop_at, tally)
            for _ in range(concurrency)
        )
    )
    latencies = sorted(tally.latencies)
    ok = tally.statuses.get(200, 0)
    return {
        "concurrency": concurrency,
        "warmup_s": warmup,
        "duration_s": duration,
        "answered": len(latencies),
        "answered_total": tally.answered_total,
        "ok": ok,
        "statuses": {str(code): n for code, n in sorted(tally.statuses.items())},
        "errors": dict(tally.errors),
        "reconnects": tally.reconnects,
        "body_sizes": {str(size): n for size, n in sorted(tally.body_sizes.items())},
        "requests_per_s": ok / duration,
        "latency_ms": {
            "p50": percentile(latencies, 0.50) * 1000,
            "p90": percentile(latencies, 0.90) * 1000,
            "p95": percentile(latencies, 0.95) * 1000,
            "p99": percentile(latencies, 0.99) * 1000,
            "max": (latencies[-1] if latencies else math.nan) * 1000,
            "mean": (sum(latencies) / len(latencies) if latencies else math.nan) * 1000,
        },
        # Every counted latency, in whole microseconds, in the order answered (so that runs
        # can be pooled before taking percentiles).
        "latencies_us": [round(seconds * 1e6) for seconds in tally.latencies],
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.loadgen", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--header", action="append", default=[], help="'Name: value'")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--duration", type=float, default=10.0)
    args = parser.parse_args(argv)
    if not 1 <= args.concurrency <= 256:
        parser.error("--concurrency must be within 1..256")
    if not (0 <= args.warmup <= 60 and 0 < args.duration <= 300):
        parser.error("--warmup must be within 0..60 s and --duration within 0..300 s")
    result = asyncio.run(
        run(
            args.host,
            args.port,
            args.path,
            args.header,
            args.concurrency,
            args.warmup,
            args.duration,
        )
    )
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
