"""Pausing Python's cyclic garbage collector during bulk work on big graphs.

Loading, partitioning, reasoning and validating allocate tens of millions of tuples
and terms, almost none of them in a reference cycle. Each allocation burst triggers
a collection, and the full ones walk the whole (growing) heap to free nothing: at
1M triples that was a quarter of the load time and a large share of every later
step. Reference counting still frees everything that is not in a cycle.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """No cyclic collection inside the block; the previous state is restored after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
