"""Open-loop arrivals: each call sent at its own moment, on a connection of its own, whether or
not the server has answered the calls before it: many people opening the page at once.

bench/loadgen.py's modes are closed loops (a connection sends again once answered), which never
ask a server for more than it can answer; a rush does. This is loadgen's client (its
connections, encoding, answers and summary) driven by a timetable instead. Each arrival names
its port (the instance a load balancer would pick), its moment after ``start_at`` (a wall
clock time, so the caller knows when the first offset counts from), its headers and its call.

An answer is awaited for as long as the deployed service lets a request run (300 s). Prints
loadgen's summary (``answers`` in the order answered; an answer's ``connection`` is the
arrival's index), plus ``booking_ids`` beside the answers (a created booking's ``id``, else
null) and ``cpu_s``, this process's own CPU time.

    python -m bench.arrivals < spec.json
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from dataclasses import asdict, dataclass
from typing import Any

from bench import loadgen

REQUEST_TIMEOUT_SECONDS = 300.0


@dataclass(frozen=True)
class Arrival:
    port: int
    at_s: float
    headers: dict[str, str]
    call: loadgen.Call


@dataclass(frozen=True)
class Spec:
    start_at: float  # time.time() of offset 0
    arrivals: list[Arrival]

    def as_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def of_json(cls, raw: dict[str, Any]) -> Spec:
        arrivals = [
            Arrival(int(a["port"]), float(a["at_s"]), dict(a["headers"]), loadgen.Call(**a["call"]))
            for a in raw["arrivals"]
        ]
        if not 1 <= len(arrivals) <= 100_000:
            raise ValueError("1..100000 arrivals")
        if any(not 0 <= a.at_s <= 600 for a in arrivals):
            raise ValueError("every arrival within 0..600 s of the start")
        return cls(float(raw["start_at"]), arrivals)


def booking_id(answer: loadgen.Answer) -> str | None:
    if answer.status != 201:
        return None
    try:
        document = json.loads(answer.body)
    except ValueError:
        return None
    return str(document["id"]) if isinstance(document, dict) and "id" in document else None


async def measure(spec: Spec) -> dict[str, Any]:
    tally = loadgen.Tally()
    # loadgen's connection takes its port from a Spec; nothing else of it applies here.
    ports = {
        port: loadgen.Spec(port, "drain", [spec.arrivals[0].call], [{}])
        for port in {a.port for a in spec.arrivals}
    }
    started = time.perf_counter() + (spec.start_at - time.time())

    async def arrive(index: int, arrival: Arrival) -> None:
        await asyncio.sleep(max(0.0, started + arrival.at_s - time.perf_counter()))
        connection = loadgen.Connection(ports[arrival.port], index, tally)
        request = loadgen.encode(arrival.call, connection.host, arrival.port, arrival.headers)
        try:
            await connection.send(arrival.call, request)
        finally:
            connection.close()

    await asyncio.gather(*(arrive(n, a) for n, a in enumerate(spec.arrivals)))
    summary = loadgen.summary(next(iter(ports.values())), tally)
    return summary | {
        "connections": len(spec.arrivals),
        "booking_ids": [booking_id(a) for a in tally.answers],
        "cpu_s": time.process_time(),
    }


def main() -> None:
    # A browser waits for its answer as long as Cloud Run lets the request run
    # (timeoutSeconds in deploy/cloudrun/service.yaml), not loadgen's 30 s.
    loadgen.RESPONSE_TIMEOUT_SECONDS = REQUEST_TIMEOUT_SECONDS
    try:
        spec = Spec.of_json(json.load(sys.stdin))
    except (ValueError, KeyError, TypeError) as exc:
        sys.exit(f"bench.arrivals: bad spec: {exc}")
    print(json.dumps(asyncio.run(measure(spec))))


if __name__ == "__main__":
    main()
