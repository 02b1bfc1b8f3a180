"""Bulk work without Python's cyclic garbage collector.

Reading a roster, building its graph, reading a stored graph back and
analysing it each create hundreds of thousands of dicts, lists and tuples
that live on. Every 700 new containers the collector runs, and every so
often it walks everything alive -- the whole growing graph -- so bulk work
spends most of its time in collections that free nothing (measured on a
178k-node, 611k-relationship county: ``load_graph`` + ``analyze`` about half
as long with the collector paused; ``benchmarks/bench_compare.py``).

:func:`paused_gc` pauses it for the duration of such work (nested and
concurrent uses count: it runs again when the last one ends, if it was
running when the first one began). Reference counting still frees
everything that is not in a cycle; cycles made meanwhile are collected once
it runs again.

    >>> import gc
    >>> with paused_gc():
    ...     gc.isenabled()
    False
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

__all__ = ["paused_gc"]

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Context manager (and decorator) pausing the cyclic collector."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
