"""Python's cyclic garbage collector, paused while bulk work builds many objects that stay alive.

CPython runs its collector every few hundred new container objects and, now and then, over every object
alive. An import holding a national file's 10,000 rows, their units and 190,000 results to write makes it
walk that whole heap again and again, finding nothing to free: about 0.5 s of a 4.4 s national import
(bench/import_results.py). Reference counting frees objects as usual during the pause; the few reference
cycles made meanwhile wait for the first collection after it.
"""

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_depth = 0  # pauses in progress, in any thread: the collector is process-wide
_resume = False  # whether the collector was running when the first pause began


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the collector until the last of the pauses in progress ends; leave it off if it was off."""
    global _depth, _resume
    with _lock:
        if _depth == 0:
            _resume = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _resume:
                gc.enable()
