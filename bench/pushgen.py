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
from typing import Any

from bench.loadgen import Call, Connection, Spec, Tally, encode, percentile

WEBHOOK = Call("POST", "/api/v1/webhooks/google/calendar")
USER_AGENT = "APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)"


def notification(port: int, channel: dict[str, Any], number: int) -> bytes:
    headers = {
        "User-Agent": USER_AGENT,
        "Content-Length": "0",
        "X-Goog-Channel-ID": str(channel["id"]),
        "X-Goog-Channel-Token": str(channel["token"]),
        "X-Goog-Channel-Expiration": str(channel["expiration"]),
        "X-Goog-Resource-ID": str(channel["resource_id"]),
        "X-Goog-Resource-URI": str(channel["resource_uri"]),
        "X-Goog-Resource-State": "exists",
        "X-Goog-Message-Number": str(number),
    }
    return encode(WEBHOOK, "127.0.0.1", port, headers)


async def run(spec: dict[str, Any]) -> dict[str, Any]:
    port, count, duration = int(spec["port"]), int(spec["count"]), float(spec["duration_s"])
    channels: list[dict[str, Any]] = spec["channels"]
    pool = int(spec["connections"])
    tally = Tally()
    # The Spec only carries the port and one (empty) identity per connection here: each
    # request brings its own channel's headers.
    connections = [
        Connection(Spec(port, "drain", [WEBHOOK], [{}] * pool), n, tally) for n in range(pool)
    ]
    queue: asyncio.Queue[bytes | None] = asyncio.Queue()
    last_sent = 0.0

    async def sender(connection: Connection) -> None:
        nonlocal last_sent
        while (request := await queue.get()) is not None:
            last_sent = max(last_sent, time.perf_counter())
            await connection.send(WEBHOOK, request)

    workers = [asyncio.create_task(sender(c)) for c in connections]
    started = time.perf_counter()
    for i in range(count):
        channel = channels[i % len(channels)]
        delay = started + i * duration / count - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        number = int(channel["first_number"]) + i // len(channels)
        queue.put_nowait(notification(port, channel, number))
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    for connection in connections:
        connection.close()
    latencies = [answer.latency_s for answer in tally.answers]
    return {
        "sent": count,
        "statuses": {
            str(k): n for k, n in sorted(Counter(a.status for a in tally.answers).items())
        },
        "errors": dict(tally.errors),
        "last_sent_after_s": last_sent - started,
        "all_answered_after_s": time.perf_counter() - started,
        "latency_ms": {
            "p50": percentile(latencies, 0.50) * 1000,
            "p95": percentile(latencies, 0.95) * 1000,
            "max": max(latencies, default=float("nan")) * 1000,
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
