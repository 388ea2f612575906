"""A paced burst of Google push notifications to tutorcal's webhook, run as its own process.

Open loop, as Google sends: notification ``i`` of ``count`` is due at ``i * duration / count``
seconds, whether or not the server has answered the ones before; it goes to channel
``i % len(channels)`` (so every channel gets its share, spread over the whole burst) with
that channel's next message number. Each is the POST Google makes (headers only, the
channel's secret token, ``X-Goog-Resource-State: exists``), over a bounded pool of
keep-alive connections (bench/loadgen.py's raw client: little CPU per request).

Reads a JSON object on stdin: ``{"port", "count", "duration_s", "connections",
"channels": [{"id", "token", "resource_id", "resource_uri", "expiration", "first_number"}]}``.
Prints a line as it starts, then one JSON object: statuses, errors, how late the last one
went out, answer latencies.

    python -m bench.pushgen < burst.json
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from bench.loadgen import (
    RESPONSE_TIMEOUT_SECONDS,
    ProtocolError,
    open_connection,
    percentile,
    read_response,
)

WEBHOOK_PATH = "/api/v1/webhooks/google/calendar"
USER_AGENT = "APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)"


@dataclass
class Burst:
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    last_sent_at: float = 0.0


def notification(host: str, port: int, channel: dict[str, Any], number: int) -> bytes:
    lines = [
        f"POST {WEBHOOK_PATH} HTTP/1.1",
        f"Host: {host}:{port}",
        f"User-Agent: {USER_AGENT}",
        "Content-Length: 0",
        f"X-Goog-Channel-ID: {channel['id']}",
        f"X-Goog-Channel-Token: {channel['token']}",
        f"X-Goog-Channel-Expiration: {channel['expiration']}",
        f"X-Goog-Resource-ID: {channel['resource_id']}",
        f"X-Goog-Resource-URI: {channel['resource_uri']}",
        "X-Goog-Resource-State: exists",
        f"X-Goog-Message-Number: {number}",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def sender(host: str, port: int, queue: asyncio.Queue[bytes | None], burst: Burst) -> None:
    reader, writer = await open_connection(host, port)
    try:
        while (request := await queue.get()) is not None:
            sent_at = time.perf_counter()
            burst.last_sent_at = max(burst.last_sent_at, sent_at)
            try:
                writer.write(request)
                status, _, closing = await asyncio.wait_for(
                    read_response(reader), RESPONSE_TIMEOUT_SECONDS
                )
            except (OSError, asyncio.IncompleteReadError, ProtocolError, TimeoutError) as exc:
                burst.errors[type(exc).__name__] += 1
                writer.close()
                reader, writer = await open_connection(host, port)
                continue
            burst.latencies.append(time.perf_counter() - sent_at)
            burst.statuses[status] += 1
            if closing:
                writer.close()
                reader, writer = await open_connection(host, port)
    finally:
        writer.close()


async def run(spec: dict[str, Any], host: str = "127.0.0.1") -> dict[str, Any]:
    port, count, duration = int(spec["port"]), int(spec["count"]), float(spec["duration_s"])
    channels: list[dict[str, Any]] = spec["channels"]
    queue: asyncio.Queue[bytes | None] = asyncio.Queue()
    burst = Burst()
    workers = [
        asyncio.create_task(sender(host, port, queue, burst))
        for _ in range(int(spec["connections"]))
    ]
    started = time.perf_counter()
    for i in range(count):
        channel = channels[i % len(channels)]
        number = int(channel["first_number"]) + i // len(channels)
        delay = started + i * duration / count - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        queue.put_nowait(notification(host, port, channel, number))
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    latencies = sorted(burst.latencies)
    return {
        "sent": count,
        "statuses": {str(code): n for code, n in sorted(burst.statuses.items())},
        "errors": dict(burst.errors),
        "last_sent_after_s": burst.last_sent_at - started,
        "all_answered_after_s": time.perf_counter() - started,
        "latency_ms": {
            "p50": percentile(latencies, 0.50) * 1000,
            "p95": percentile(latencies, 0.95) * 1000,
            "max": (latencies[-1] if latencies else float("nan")) * 1000,
        },
    }


def main() -> int:
    spec = json.load(sys.stdin)
    # The caller starts its clock on this line: the burst begins right after it.
    print(json.dumps({"starting": True}), flush=True)
    json.dump(asyncio.run(run(spec)), sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
