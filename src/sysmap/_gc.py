"""Pausing Python's cyclic garbage collector while a big map is built.

Loading a map creates hundreds of thousands of small objects (dicts from the
parser, then pydantic models) and frees almost none of them, so every
automatic collection that runs meanwhile walks a growing heap for nothing:
at 100,000 relationships those walks were more than half of the load time
(``benchmarks/bench_load.py --no-gc``). Reference counting still frees
everything that is dropped; only the cycle detector waits until the map is
built, and runs as usual afterwards.

On leaving the outermost block, everything alive is moved straight to the
oldest generation (``gc.freeze()`` then at once ``gc.unfreeze()``) before
collection is turned back on. Otherwise the first young and middle
collections afterwards would each walk the whole new map (about 0.4 s at
100,000 relationships) only to find it all alive. Nothing stays frozen: a
long-running process (the workshop server loads maps again and again) still
collects every cycle, at its next full collection. ``gc.freeze()`` alone
would save that full walk too, but whatever it froze would never be
collected, so garbage cycles would pile up in such a process.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused"]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable automatic cyclic collection inside the block, if it was on.

    Nested use is safe: only the outermost block turns collection back on,
    after moving the objects alive to the oldest generation.

    >>> import gc
    >>> with gc_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            # to the oldest generation without a walk; nothing stays frozen
            gc.freeze()
            gc.unfreeze()
            gc.enable()
