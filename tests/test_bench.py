"""The benchmark's shared parts: the load generator against a real server, the table builder."""

from __future__ import annotations

from pathlib import Path

from bench import loadgen
from bench.staging import Staging, base_environment, free_port, module_command
from bench.table import Table, Target


def test_the_load_generator_loops_drains_and_races_against_a_real_server(tmp_path: Path) -> None:
    with Staging(tmp_path, "test") as staging:
        env = {**base_environment(), "DATABASE_URL": f"sqlite://{tmp_path}/baseline.sqlite3"}
        server = staging.spawn("baseline", module_command("bench.baseline_serve", free_port()), env)
        identities = [{"X-Test": str(n)} for n in range(3)]

        looped = loadgen.run(
            loadgen.Spec(
                server.port, "loop", [loadgen.Call("GET", "/healthz")], identities, 0.2, 1.0
            )
        )
        assert looped["ok"] > 0
        assert looped["statuses"] == {"200": looped["answered"]}
        assert len(looped["latencies_us"]) == looped["answered"]

        calls = [loadgen.Call("POST", "/api/v1/bookings", {"session_id": str(n)}) for n in range(7)]
        drained = loadgen.run(loadgen.Spec(server.port, "drain", calls, identities))
        assert drained["answered"] == 7
        assert drained["unsent"] == 0
        assert sorted(a["target"] for a in drained["answers"]) == [str(n) for n in range(7)]
        assert drained["codes"] == {"http_404": 7}

        raced = loadgen.run(loadgen.Spec(server.port, "race", calls[:1], identities))
        assert [a["target"] for a in raced["answers"]] == ["0"] * 3
        assert {a["connection"] for a in raced["answers"]} == {0, 1, 2}


def test_a_table_is_built_from_numbers_and_targets() -> None:
    table = Table(("tutorcal serve", "floor"))
    table.compare("reads/s", 81.0, 100.0, "{:.0f}", Target(0.8, at_least=True))
    table.compare("p50 latency", 12.0, 10.0, "{:.1f} ms")
    table.add("Google calls per read", 0.25, "{:.2f}", Target(0))

    assert table.markdown().splitlines()[2:] == [
        "| reads/s | 81 | 100 | 0.81 | ≥ 0.8 | PASS |",
        "| p50 latency | 12.0 ms | 10.0 ms | 1.20 | - | info |",
        "| Google calls per read | 0.25 | - | - | ≤ 0 | OVER |",
    ]
    assert table.verdicts() == [
        "PASS: reads/s: 0.81 (target ≥ 0.8)",
        "OVER: Google calls per read: 0.25 (target ≤ 0)",
    ]
