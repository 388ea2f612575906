"""tutorcal's benchmarks, each next to a bare FastAPI + Tortoise app.

Sections (all by default, one with ``--only``), each a module in ``SECTIONS`` below:

* ``startup``: cold start and idle RSS of ``tutorcal serve`` vs a bare app (bench/startup.py);
* ``sessions``: reading a tutor's sessions under load on PostgreSQL vs a floor app doing the
  least the same answer needs (FastAPI + Tortoise), and vs a raw floor with no ORM at all
  (FastAPI + asyncpg, bench/raw_floor_app.py), Google calls per read, and how fast a change
  made in Google shows in the API (bench/sessions.py; needs PostgreSQL at 127.0.0.1:5432);
* ``bookings``: bookings per second on distinct one-seat sessions and a many-students race
  for one seat, each beside a floor doing the same transaction bare, Google calls per
  booking, and free-slot reads under load vs both floors (bench/bookings.py; PostgreSQL too;
  the seat run is sampled by py-spy, of the dev group, unless `--profile never`);
* ``scale``: growth at 1x, 10x and 100x the data (5, 50, 500 tutors with a term of events
  each): a full sync per tutor, database rows and size, one tutor's sessions and slots reads
  with the indexes their plans use, a burst of push notifications across every channel, and
  the instance's memory, each beside the step before (bench/scale.py; PostgreSQL too);
* ``web``: the web app's first page gzipped, navigation to a tutor's week painted in Chromium,
  and API calls per week view (bench/web.py; needs Debian's Chromium and a built bundle);
* ``rush``: thousands of students booking group seats within a minute on several instances
  while Google throttles the busiest tutor's calendar: answer latency, bookings lost, time
  until all are on Google, Google calls per booking (bench/rush.py; PostgreSQL too).

Prints a Markdown table per section and writes them as JSON to bench/results/latest.json
(the sections not run this time keep their last results there, each with its time).
Exits 0 whatever the numbers: this measures, it does not judge (each row says PASS or OVER
against its target: OVER means the target is missed, whichever way the target points).
Exits 1 only if a section could not be run (a server did not start, no database).

    python -m bench [--only startup|sessions|bookings|scale|web|rush] [--runs 7] [--postgres] [--concurrency 8] ...

A section is a module with ``add_arguments(parser)`` (its own options), ``problems(args)``
(what is wrong with them) and ``run(args, scratch) -> bench.table.Report``; the load options
(``--concurrency``, ``--warmup``, ``--duration``, ``--rounds``, ``--profile``) are everyone's.
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any, Protocol

from bench import bookings, profile, rush, scale, sessions, startup, web
from bench.staging import REPO_ROOT, RESULTS_PATH, BenchError, environment_description
from bench.table import Report


class Section(Protocol):
    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def problems(self, args: argparse.Namespace) -> list[str]: ...

    def run(self, args: argparse.Namespace, scratch: Path) -> Report: ...


SECTIONS: dict[str, Section] = {
    "startup": startup,
    "sessions": sessions,
    "bookings": bookings,
    "scale": scale,
    "web": web,
    "rush": rush,
}


def _terminate(signum: int, _frame: FrameType | None) -> None:
    # Turn SIGTERM into an exception so every `finally` stops its server and drops its database.
    raise SystemExit(128 + signum)


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--only", choices=list(SECTIONS), help="run this section alone (default: every section)"
    )
    parser.add_argument(
        "--keep-logs", action="store_true", help="keep the scratch directory with server logs"
    )
    load = parser.add_argument_group("load", "the read load of every section that has one")
    defaults = sessions.Load()
    for flag, kind, default, help_text in (
        ("--concurrency", int, defaults.concurrency, "keep-alive connections of the load"),
        ("--warmup", float, defaults.warmup_s, "seconds of load not counted before each round"),
        ("--duration", float, defaults.duration_s, "seconds counted per round"),
        ("--rounds", int, defaults.rounds, "rounds per subject, alternating"),
    ):
        load.add_argument(flag, type=kind, default=default, help=f"{help_text} [{default:g}]")
    load.add_argument(
        "--profile",
        choices=("auto", "always", "never"),
        default=defaults.profile,
        help="py-spy profile of tutorcal under load: auto = when below the reads/s target",
    )
    for section in SECTIONS.values():
        section.add_arguments(parser)
    args = parser.parse_args(argv)
    if not 1 <= args.concurrency <= 64:
        parser.error("--concurrency must be within 1..64")
    if not (0 <= args.warmup <= 30 and 1 <= args.duration <= 60 and 1 <= args.rounds <= 5):
        parser.error("--warmup 0..30 s, --duration 1..60 s, --rounds 1..5")
    for section in SECTIONS.values():
        for problem in section.problems(args):
            parser.error(problem)
    return args


def write_json(results: dict[str, Any]) -> None:
    """This run's sections, beside the last results of the sections not run this time."""
    RESULTS_PATH.parent.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    kept: dict[str, Any] = {}
    generated: dict[str, str] = {}
    try:
        previous = json.loads(RESULTS_PATH.read_text())
    except (OSError, ValueError):
        previous = {}
    if isinstance(previous, dict):
        before = previous.get("section_generated_at") or {}
        for section in SECTIONS:
            if section not in results and isinstance(previous.get(section), dict):
                kept[section] = previous[section]
                generated[section] = str(before.get(section, previous.get("generated_at", "?")))
    generated.update(dict.fromkeys(results, now))
    merged = {**kept, **results}
    ordered = [section for section in SECTIONS if section in merged]
    document = {
        "generated_at": now,
        "environment": environment_description(),
        "sections": ordered,
        "section_generated_at": {section: generated[section] for section in ordered},
        **{section: merged[section] for section in ordered},
    }
    RESULTS_PATH.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_arguments(argv)
    signal.signal(signal.SIGTERM, _terminate)
    chosen = [args.only] if args.only else list(SECTIONS)
    scratch = Path(tempfile.mkdtemp(prefix="tutorcal-bench-"))
    keep_scratch: bool = args.keep_logs
    started = time.perf_counter()
    reports: dict[str, Report] = {}
    failed = False
    try:
        for name in chosen:
            workdir = scratch / name
            workdir.mkdir()
            try:
                reports[name] = SECTIONS[name].run(args, workdir)
            except BenchError as exc:
                failed = keep_scratch = True
                print(f"bench: {name}: {exc}", file=sys.stderr)
                print(f"bench: server logs are in {workdir}", file=sys.stderr)
    finally:
        if not keep_scratch:
            shutil.rmtree(scratch, ignore_errors=True)

    for name, report in reports.items():
        if report.profile and "skipped" not in report.profile:
            profile.print_summary(report.profile)
        print(f"\n## {name}\n\n{report.table.markdown()}\n")
        for line in report.table.verdicts():
            print(line)
        for note in report.notes:
            print(f"note: {note}")
    if reports:
        write_json({name: report.as_json() for name, report in reports.items()})
        elapsed = time.perf_counter() - started
        print(f"\nwrote {RESULTS_PATH.relative_to(REPO_ROOT)} ({elapsed:.0f} s)")
    if keep_scratch and not failed:
        print(f"server logs kept in {scratch}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
