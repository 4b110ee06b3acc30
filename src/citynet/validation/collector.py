"""Python's cyclic garbage collector, run less often while validation builds its objects.

Every term pyoxigraph hands to Python is an object the collector tracks, and validation makes
millions of them that live until it ends (the parsed files' index, rdflib graphs, results).
At the default pace (a collection every 700 new objects) the collector ran about 4,700 times
in ``validate`` of a million triples, and its full collections read all of those objects
again: about 2 s of 24. Collecting every 10,000 new objects saves nearly all of that time,
and the peak memory there grows by about 50 MB: cyclic garbage is still collected, later.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_NEW_OBJECTS = 10_000  # per collection of the youngest generation (Python's default: 700)

_lock = threading.Lock()
_callers = 0  # validations running now (threads may validate at once)
_saved: tuple[int, int, int] = gc.get_threshold()


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Collect garbage less often inside the block. The pace is the process's: it is set by
    the first of several blocks at once and given back as it was by the last to end."""
    global _callers, _saved
    with _lock:
        if _callers == 0:
            _saved = gc.get_threshold()
            if 0 < _saved[0] < _NEW_OBJECTS:  # 0: automatic collection is off, and stays so
                gc.set_threshold(_NEW_OBJECTS, *_saved[1:])
        _callers += 1
    try:
        yield
    finally:
        with _lock:
            _callers -= 1
            if _callers == 0:
                gc.set_threshold(*_saved)
