"""Start-up without the cyclic garbage collector, for ``tutorcal serve``.

Importing the app creates a few hundred thousand long-lived objects (routes, validators,
models) and almost no garbage. The collector does not know that: it runs hundreds of
times while they are made, each pass walking a heap that keeps growing, which was about a
tenth of a cold start. ``serve`` pauses it until the app has started; the app then moves
everything start-up made to the permanent generation, which later collections skip (those
objects live as long as the process), and turns collection back on.
"""

from __future__ import annotations

import gc

_paused = False


def pause_collection() -> None:
    global _paused
    _paused = True
    gc.disable()


def resume_collection() -> None:
    """Called once the app has started; does nothing unless ``pause_collection`` ran."""
    global _paused
    if not _paused:
        return
    _paused = False
    gc.freeze()
    gc.enable()
