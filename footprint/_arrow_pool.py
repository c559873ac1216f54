"""Arrow memory for a large transient: the system allocator, which gives freed buffers back at once.

Arrow's default pool (mimalloc or jemalloc) keeps freed buffers for reuse. Hashing a million-line catalogue's
item ids builds a hash table of tens of MB that is freed at once; kept by the pool, it stays in the peak of
everything that follows. :func:`lean_arrow_memory` makes the system allocator Arrow's default for the
duration of a block and restores the previous one after, with a count so that blocks running at the same
time in several threads restore it once, when the last one ends. Buffers keep the pool they came from, so
arrays made inside the block stay valid after it. It is kept to the hashing: the system allocator maps fresh
pages for every buffer, which costs more CPU than the pool's reuse when a whole catalogue is read through it.
Nothing changes when pyarrow is not installed, or when ``ARROW_DEFAULT_MEMORY_POOL`` names the pool the user
wants.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["lean_arrow_memory"]

_LOCK = threading.Lock()
_state: dict[str, Any] = {"users": 0, "saved": None}


@contextmanager
def lean_arrow_memory() -> Iterator[None]:
    """Arrow allocates from the system allocator inside the block (see the module's docstring)."""
    try:
        import pyarrow as pa
    except ImportError:
        yield
        return
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        yield
        return
    with _LOCK:
        if _state["users"] == 0:
            _state["saved"] = pa.default_memory_pool()
            pa.set_memory_pool(pa.system_memory_pool())
        _state["users"] += 1
    try:
        yield
    finally:
        with _LOCK:
            _state["users"] -= 1
            if _state["users"] == 0:
                pa.set_memory_pool(_state["saved"])
                _state["saved"] = None
