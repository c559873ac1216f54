"""Plain-text ids numbered in order of first appearance: a catalogue's item id cells, millions of them.

One hash table numbers every cell; its cost is the cache misses of a table larger than the cache. The
compiled table of ``footprint._strhash`` keeps each id's first 16 bytes, length and hash in its slot (an id
is compared without reading its first occurrence) and fetches the slot of the id 16 cells ahead while it
compares the current one: about twice as fast as Arrow's ``dictionary_encode`` on a million-line
catalogue. It is an optional build; without it (no C compiler where footprint was installed, or
``FOOTPRINT_PURE_PYTHON`` set), and for more than :data:`COMPILED_MAX_CELLS` cells, Arrow's hash table gives
the same numbers.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import numpy.typing as npt

from ._arrow_pool import lean_arrow_memory

__all__ = ["COMPILED_MAX_CELLS", "compiled", "number_text"]


def compiled() -> Any:
    """The compiled module, or ``None`` where it was not built or ``FOOTPRINT_PURE_PYTHON`` is set."""
    if os.environ.get("FOOTPRINT_PURE_PYTHON"):
        return None
    try:
        from . import _strhash
    except ImportError:
        return None
    return _strhash


def number_text(chunked: Any) -> tuple[npt.NDArray[np.int32], Any]:
    """Codes of a large_string ChunkedArray (-1 for a null) and its distinct values, an Arrow array in
    order of first appearance: what ``pyarrow.compute.dictionary_encode`` gives, with the compiled table
    where it is built."""
    module = compiled()
    if module is not None and len(chunked) <= COMPILED_MAX_CELLS:
        return _compiled(module, chunked)
    return _arrow(chunked)


#: The most cells the compiled table numbers (a catalogue of about 2 million BOM lines). Its slots hold 32
#: bytes, and a table sized for a quarter of the cells doubles once a third of them turn out distinct (as item
#: ids do); beyond this many cells, old and new table together would raise a run's peak memory by hundreds of
#: MB (measured at 5 million lines: 1,612 MB against 1,356 MB with Arrow's table), so Arrow numbers them.
COMPILED_MAX_CELLS = 1 << 22


def _compiled(module: Any, chunked: Any) -> tuple[npt.NDArray[np.int32], Any]:
    import pyarrow as pa

    n = len(chunked)
    codes, firsts = np.empty(n, dtype=np.int32), np.empty(n, dtype=np.int32)
    chunks = [c for c in chunked.chunks if len(c)]
    k = module.number_strings([_buffers(c) for c in chunks], codes, firsts)
    # the first cells of the numbers ascend: each chunk gives its own, in order (a take of the whole chunked
    # array would first copy every chunk into one array)
    ends = np.cumsum([len(c) for c in chunks])
    bounds = [0, *np.searchsorted(firsts[:k], ends).tolist()]
    parts = [
        c.take(pa.array(firsts[a:b] - (e - len(c))))
        for c, e, a, b in zip(chunks, ends.tolist(), bounds[:-1], bounds[1:], strict=True)
        if b > a
    ]
    del firsts
    return codes, pa.concat_arrays(parts) if parts else pa.array([], pa.large_string())


def _buffers(chunk: Any) -> tuple[Any, Any, Any]:
    """(offsets, data, valid) of one large_string chunk as numpy views (no copy but the validity flags)."""
    import pyarrow.compute as pc

    _, offsets, data = chunk.buffers()
    off = np.frombuffer(offsets, dtype=np.int64)[chunk.offset : chunk.offset + len(chunk) + 1]
    values = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8)
    valid = pc.is_valid(chunk).to_numpy(zero_copy_only=False).view(np.uint8) if chunk.null_count else None
    return off, values, valid


def _arrow(chunked: Any) -> tuple[npt.NDArray[np.int32], Any]:
    import pyarrow as pa
    import pyarrow.compute as pc

    with lean_arrow_memory():  # the hash table's memory given back as soon as it is freed
        enc = pc.dictionary_encode(chunked)
    chunks = [c.indices.fill_null(-1).to_numpy(zero_copy_only=False) for c in enc.chunks]
    distinct = enc.chunks[-1].dictionary if enc.num_chunks else pa.array([], pa.large_string())
    del enc
    codes = np.concatenate(chunks).astype(np.int32, copy=False) if chunks else np.zeros(0, dtype=np.int32)
    return codes, distinct
