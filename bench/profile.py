"""tutorcal's event loop under py-spy (of the dev group), summarised by package and by line."""

from __future__ import annotations

import contextlib
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.staging import RESULTS_PATH


def py_spy() -> str | None:
    # The dev group's py-spy sits next to this interpreter (`python -m bench` without make
    # has no .venv/bin on PATH).
    beside = Path(sys.executable).parent / "py-spy"
    return shutil.which("py-spy") or next(
        (str(p) for p in (beside, Path("/root/.pyenv/shims/py-spy")) if p.exists()), None
    )


@contextlib.contextmanager
def sampled(pid: int, output: Path | None, rate_hz: int, *, blocking: bool) -> Iterator[bool]:
    """py-spy records ``pid`` into ``output`` (if any) until the block ends; yields whether
    it runs.

    ``blocking``: the process is paused for each sample (exact stacks, slower requests: the
    figures measured meanwhile do not stand); else --nonblocking, so they do."""
    spy = py_spy() if output is not None else None
    if spy is None or output is None:
        yield False
        return
    command = [spy, "record", "--pid", str(pid), "--rate", str(rate_hz), "--format", "raw"]
    recorder = subprocess.Popen(
        [*command, *([] if blocking else ["--nonblocking"]), "--output", str(output)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(0.5)  # let it attach
        yield True
    finally:
        recorder.send_signal(signal.SIGINT)  # py-spy writes what it has on Ctrl-C
        try:
            recorder.wait(timeout=30)
        except subprocess.TimeoutExpired:
            recorder.kill()
            recorder.wait()


def frame_path(frame: str) -> str:
    """``tortoise/queryset.py`` from py-spy's ``QuerySet._execute (tortoise/queryset.py:1330)``."""
    location = frame.rsplit(" (", 1)[-1].rstrip(")")
    path = location.rsplit(":", 1)[0]
    # py-spy shortens paths below site-packages and the standard library; full ones stay.
    for marker in (
        "site-packages/",
        "/src/",
        f"/python{sys.version_info[0]}.{sys.version_info[1]}/",
    ):
        if marker in path:
            path = path.split(marker, 1)[1]
    return path


def frame_group(frame: str) -> str:
    """What a frame belongs to: ``tutorcal.auth``, ``tortoise``, ``stdlib:asyncio`` ..."""
    path = frame_path(frame)
    top = path.split("/", 1)[0].removesuffix(".py")
    if top == "tutorcal" and "/" in path:
        return "tutorcal." + path.split("/")[1].removesuffix(".py")
    if top in sys.stdlib_module_names:
        return f"stdlib:{top}"
    return top


def is_app_frame(frame: str) -> bool:
    path = frame_path(frame)
    return (path.startswith("tutorcal/") and path != "tutorcal/cli.py") or path.startswith("bench/")


def summarise(collapsed: Path, top: int = 20) -> dict[str, Any]:
    """Where the event loop's thread spent its samples (threads parked in anyio's pool are
    left out: py-spy counts a wait with a timeout as activity).

    * ``own_by_package``: the leaf frame's package: where the CPU actually went;
    * ``by_app_line``: each sample charged to the innermost tutorcal line on its stack (the
      line that asked for the work: an ORM query, a model build ...), or to what ran outside
      tutorcal's code (uvicorn, the event loop, the database driver's callbacks).
    """
    own_by_package: Counter[str] = Counter()
    by_app_line: Counter[str] = Counter()
    total = 0
    for line in collapsed.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if "run_forever" not in stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = stack.split(";")
        total += count
        own_by_package[frame_group(frames[-1])] += count
        inner = [frame for frame in frames if is_app_frame(frame)]
        deepest = inner[-1] if inner else ""
        if deepest.startswith("RequestContextMiddleware.__call__ ") or not deepest:
            deepest = "(outside the app's code: uvicorn, event loop, driver callbacks)"
        by_app_line[deepest] += count

    def share(n: int) -> float:
        return round(100 * n / total, 1) if total else 0.0

    return {
        "samples": total,
        "own_by_package_pct": {group: share(n) for group, n in own_by_package.most_common(top)},
        "by_app_line_pct": {frame: share(n) for frame, n in by_app_line.most_common(top)},
    }


def kept_summary(collapsed: Path, section: str, **while_sampled: Any) -> dict[str, Any]:
    """The samples summarised, the collapsed stacks kept in bench/results/ beside the JSON."""
    if not collapsed.exists():
        return {"skipped": "py-spy wrote no samples"}
    kept = RESULTS_PATH.parent / f"{section}-profile.collapsed.txt"
    kept.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(collapsed, kept)
    return {**summarise(collapsed), **while_sampled, "collapsed_stacks": str(kept)}


def print_summary(profile: dict[str, Any], top: int = 12) -> None:
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
