"""tutorcal's benchmarks, each next to a bare FastAPI + Tortoise app.

Sections (all by default, one with ``--only``):

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
  and API calls per week view (bench/web.py; needs Debian's Chromium and a built bundle).

Prints a Markdown table per section and writes them as JSON to bench/results/latest.json
(the sections not run this time keep their last results there, each with its time).
Exits 0 whatever the numbers: this measures, it does not judge (each row says PASS or OVER
against its target: OVER means the target is missed, whichever way the target points).
Exits 1 only if a section could not be run (a server did not start, no database).

    python -m bench [--only startup|sessions|bookings|scale|web] [--runs 7] [--postgres] [--concurrency 8] ...
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
from typing import Any

from bench import bookings, scale, sessions, startup, web
from bench.staging import BenchError as StagingError
from bench.support import (
    POSTGRES_SERVER_URL,
    REPO_ROOT,
    RESULTS_PATH,
    BenchError,
    environment_description,
)

SECTIONS = ("startup", "sessions", "bookings", "scale", "web")


def _terminate(signum: int, _frame: FrameType | None) -> None:
    # Turn SIGTERM into an exception so every `finally` stops its server and drops its database.
    raise SystemExit(128 + signum)


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--only", choices=SECTIONS, help="run this section alone (default: every section)"
    )
    parser.add_argument(
        "--keep-logs", action="store_true", help="keep the scratch directory with server logs"
    )
    start = parser.add_argument_group("startup")
    start.add_argument("--runs", type=int, default=7, help="measured runs per subject [7]")
    start.add_argument(
        "--postgres",
        action="store_true",
        help=f"also run both subjects against PostgreSQL at {POSTGRES_SERVER_URL}",
    )
    reads = parser.add_argument_group("sessions", "also the bookings section's slot reads")
    defaults = sessions.Options()
    reads.add_argument(
        "--concurrency",
        type=int,
        default=defaults.concurrency,
        help=f"keep-alive connections of the load generator [{defaults.concurrency}]",
    )
    reads.add_argument(
        "--warmup",
        type=float,
        default=defaults.warmup_s,
        help=f"seconds of load not counted before each round [{defaults.warmup_s:g}]",
    )
    reads.add_argument(
        "--duration",
        type=float,
        default=defaults.duration_s,
        help=f"seconds counted per round [{defaults.duration_s:g}]",
    )
    reads.add_argument(
        "--rounds",
        type=int,
        default=defaults.rounds,
        help=f"rounds per subject, alternating [{defaults.rounds}]",
    )
    reads.add_argument(
        "--changes",
        type=int,
        default=defaults.changes,
        help=f"changes made in Google and timed until visible [{defaults.changes}]",
    )
    reads.add_argument(
        "--profile",
        choices=("auto", "always", "never"),
        default=defaults.profile,
        help="py-spy profile of tutorcal under load: auto = when below the reads/s target",
    )
    book = parser.add_argument_group("bookings")
    book_defaults = bookings.Options()
    book.add_argument(
        "--bookings",
        type=int,
        default=book_defaults.bookings,
        help=f"distinct sessions booked per subject and round [{book_defaults.bookings}]",
    )
    book.add_argument(
        "--students",
        type=int,
        default=book_defaults.students,
        help=f"students booking at once [{book_defaults.students}]",
    )
    book.add_argument(
        "--racers",
        type=int,
        default=book_defaults.racers,
        help=f"students racing for one seat [{book_defaults.racers}]",
    )
    book.add_argument(
        "--races",
        type=int,
        default=book_defaults.races,
        help=f"races per subject [{book_defaults.races}]",
    )
    book.add_argument(
        "--floor-rounds",
        type=int,
        default=book_defaults.floor_rounds,
        help="booking rounds of the floor, its bookings deleted in between "
        f"[{book_defaults.floor_rounds}]",
    )
    growth = parser.add_argument_group("scale")
    growth.add_argument(
        "--scale-steps",
        type=scale_steps,
        default=scale.STEPS,
        help="tutors at each step, comma-separated [%(default)s]",
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if not 1 <= args.concurrency <= 64:
        parser.error("--concurrency must be within 1..64")
    if not (0 <= args.warmup <= 30 and 1 <= args.duration <= 60 and 1 <= args.rounds <= 5):
        parser.error("--warmup 0..30 s, --duration 1..60 s, --rounds 1..5")
    if not 1 <= args.changes <= 100:
        parser.error("--changes must be within 1..100")
    for problem in booking_options(args).problems():
        parser.error(problem)
    return args


def scale_steps(text: str) -> tuple[int, ...]:
    steps = tuple(int(part) for part in text.split(","))
    if not steps or any(not 1 <= n <= 1000 for n in steps) or list(steps) != sorted(set(steps)):
        raise argparse.ArgumentTypeError("increasing tutor counts within 1..1000, e.g. 5,50,500")
    return steps


def booking_options(args: argparse.Namespace) -> bookings.Options:
    return bookings.Options(
        bookings=args.bookings,
        students=args.students,
        racers=args.racers,
        races=args.races,
        floor_rounds=args.floor_rounds,
        concurrency=args.concurrency,
        warmup_s=args.warmup,
        duration_s=args.duration,
        rounds=args.rounds,
        profile=args.profile,
    )


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
    results: dict[str, Any] = {}
    tables: list[tuple[str, str, list[str], list[str]]] = []
    failed = False
    try:
        for section in chosen:
            workdir = scratch / section
            workdir.mkdir()
            try:
                if section == "startup":
                    outcome = startup.run(args.runs, postgres=args.postgres, scratch=workdir)
                    results["startup"] = outcome.as_json()
                    tables.append(("startup", outcome.table, outcome.verdict_lines(), []))
                elif section == "web":
                    figures = web.run(workdir)
                    results["web"] = figures.as_json()
                    tables.append(("web", figures.table, figures.verdict_lines(), figures.notes))
                elif section == "scale":
                    grown = scale.run(workdir, args.scale_steps)
                    results["scale"] = grown.as_json()
                    tables.append(
                        (
                            "scale",
                            grown.table,
                            grown.verdict_lines(),
                            grown.plan_lines() + grown.notes,
                        )
                    )
                elif section == "bookings":
                    booked = bookings.run(booking_options(args), workdir)
                    results["bookings"] = booked.as_json()
                    tables.append(("bookings", booked.table, booked.verdict_lines(), booked.notes))
                    if booked.profile:
                        print_profile(booked.profile)
                else:
                    options = sessions.Options(
                        concurrency=args.concurrency,
                        warmup_s=args.warmup,
                        duration_s=args.duration,
                        rounds=args.rounds,
                        changes=args.changes,
                        profile=args.profile,
                    )
                    measured = sessions.run(options, workdir)
                    results["sessions"] = measured.as_json()
                    tables.append(
                        ("sessions", measured.table, measured.verdict_lines(), measured.notes)
                    )
                    if measured.profile and "skipped" not in measured.profile:
                        print_profile(measured.profile)
            except (BenchError, StagingError) as exc:
                failed = keep_scratch = True
                print(f"bench: {section}: {exc}", file=sys.stderr)
                print(f"bench: server logs are in {workdir}", file=sys.stderr)
    finally:
        if not keep_scratch:
            shutil.rmtree(scratch, ignore_errors=True)

    for section, table, verdicts, notes in tables:
        print(f"\n## {section}\n\n{table}\n")
        for line in verdicts:
            print(line)
        for note in notes:
            print(f"note: {note}")
    if results:
        write_json(results)
        elapsed = time.perf_counter() - started
        print(f"\nwrote {RESULTS_PATH.relative_to(REPO_ROOT)} ({elapsed:.0f} s)")
    if keep_scratch and not failed:
        print(f"server logs kept in {scratch}")
    return 1 if failed else 0


def print_profile(profile: dict[str, Any], top: int = 12) -> None:
    while_sampled = (
        f"{profile['reads_per_s_while_profiled']} reads/s"
        if "reads_per_s_while_profiled" in profile
        else f"{profile['bookings_while_profiled']} seat bookings"
    )
    print(
        f"\ntutorcal's event loop under py-spy ({profile['samples']} samples, "
        f"{while_sampled} while sampled):"
    )
    print("  charged to the innermost line of tutorcal's code on the stack:")
    for frame, pct in list(profile["by_app_line_pct"].items())[:top]:
        print(f"    {pct:5.1f} %  {frame}")
    print("  own time, by package:")
    for group, pct in list(profile["own_by_package_pct"].items())[:top]:
        print(f"    {pct:5.1f} %  {group}")
    print(f"  collapsed stacks: {profile['collapsed_stacks']}")


if __name__ == "__main__":
    sys.exit(main())
