"""Item ids that arrive as categorical columns: coded from their categories, hashing only distinct ids.

A catalogue's item ids (the BOM's parents and children, the activities' items, the product roots) are coded
as one numbering, in order of first appearance down those columns. Plain text columns are hashed cell by
cell (see ``_encode_ids`` in ``footprint/_catalogue.py``). A pandas categorical column already holds integer
codes into its categories: when every id column shares the same categories (one ``CategoricalDtype`` of the
item master), the codes are the numbering and nothing is hashed; otherwise only the categories (and any plain
column) are hashed together and each column's codes mapped through them with numpy. Either way the codes are
then renumbered in order of first appearance, which leaves out categories no row uses and gives the numbering
the plain text columns give, so that both forms prepare equal catalogues. Integer id columns are numbered by
one hash of their numbers (no text made per cell); their ids are the numbers as text, as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["category_codes", "encode_categorical_ids", "encode_integer_ids", "first_appearance"]


def category_codes(series: Any) -> tuple[npt.NDArray[np.integer[Any]], Any] | None:
    """Codes (-1 for an empty cell) and categories (as an Arrow large-string array) of a pandas categorical
    column of text, or of an Arrow-backed dictionary column of text; ``None`` for any other column."""
    import pandas as pd

    dtype = getattr(series, "dtype", None)
    if isinstance(dtype, pd.ArrowDtype):
        return _arrow_dictionary_codes(series)
    if not isinstance(dtype, pd.CategoricalDtype) or not pd.api.types.is_string_dtype(dtype.categories):
        return None
    import pyarrow as pa

    values = pa.array(dtype.categories.array)  # Arrow-backed categories: no copy
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if not len(values):
        values = pa.array([], pa.large_string())
    elif pa.types.is_string(values.type):
        values = values.cast(pa.large_string())
    if not pa.types.is_large_string(values.type):
        return None
    return series.cat.codes.to_numpy(), values


def _arrow_dictionary_codes(series: Any) -> tuple[npt.NDArray[np.integer[Any]], Any] | None:
    """Codes and dictionary of an Arrow-backed dictionary column of text (as a Parquet file written from a
    categorical is read); its chunks share one dictionary, or are unified to one."""
    import pyarrow as pa

    arr = pa.chunked_array(pa.array(series.array))
    kind = arr.type
    if not pa.types.is_dictionary(kind) or not (
        pa.types.is_string(kind.value_type) or pa.types.is_large_string(kind.value_type)
    ):
        return None
    if not arr.num_chunks:
        return np.zeros(0, dtype=np.intp), pa.array([], pa.large_string())
    first = arr.chunk(0).dictionary
    if not all(c.dictionary.equals(first) for c in arr.chunks[1:]):  # equal buffers compare at once
        arr = arr.unify_dictionaries()
        first = arr.chunk(0).dictionary
    if first.null_count:
        return None
    codes = np.concatenate([c.indices.fill_null(-1).to_numpy(zero_copy_only=False) for c in arr.chunks])
    return codes, first.cast(pa.large_string())


def encode_categorical_ids(
    parts: list[tuple[npt.NDArray[np.integer[Any]], Any] | Any],
) -> tuple[list[npt.NDArray[np.intp]], pd.Index]:
    """Codes of several id columns in one numbering (-1 for an empty cell) and the distinct ids in order of
    first appearance. Each part is a categorical column's ``(codes, categories)`` or a plain column's Arrow
    large strings. Categories shared by every part are used as they are; otherwise the categories and the
    plain columns are hashed together (one Arrow hash table) and the codes mapped through the result."""
    import pyarrow as pa

    cats = [p for p in parts if isinstance(p, tuple)]
    shared = len(cats) == len(parts) and all(c[1] is cats[0][1] or c[1].equals(cats[0][1]) for c in cats[1:])
    if shared:
        return first_appearance([p[0] for p in parts], cats[0][1])
    import pyarrow.compute as pc

    from ._arrow_pool import lean_arrow_memory

    hashed = [p[1] if isinstance(p, tuple) else p for p in parts]
    chunked = pa.chunked_array(
        [c for h in hashed for c in (h.chunks if isinstance(h, pa.ChunkedArray) else [h])], type=pa.large_string()
    )
    with lean_arrow_memory():  # the hash table's memory given back as soon as it is freed
        enc = pc.dictionary_encode(chunked)
    dictionary = enc.chunks[-1].dictionary if enc.num_chunks else pa.array([], pa.large_string())
    flat = np.concatenate([c.indices.fill_null(-1).to_numpy(zero_copy_only=False) for c in enc.chunks] or [[]])
    del enc
    out, start = [], 0
    for p, h in zip(parts, hashed, strict=True):
        c = flat[start : start + len(h)].astype(np.intp)
        start += len(h)
        out.append(np.append(c, -1)[p[0]] if isinstance(p, tuple) else c)  # code -1 picks the appended -1
    return first_appearance(out, dictionary)


def first_appearance(codes: Sequence[npt.NDArray[Any]], values: Any) -> tuple[list[npt.NDArray[np.intp]], pd.Index]:
    """The codes renumbered in order of each value's first appearance down the columns, one after the other
    (-1 stays -1), and the values so ordered as a text index: values no row uses are left out."""
    import pandas as pd

    new, order = _renumber(codes, len(values))
    return new, pd.Index(pd.array(values.take(order), dtype="str"))


def _renumber(
    codes: Sequence[npt.NDArray[Any]], n_values: int
) -> tuple[list[npt.NDArray[np.intp]], npt.NDArray[np.intp]]:
    """Codes in ``range(n_values)`` (or -1) renumbered in order of first appearance, and the old code of each
    new one. The first position of each value is a minimum per value, its new number its rank among them
    (positions as 32-bit integers where they fit: the minimum per value takes half the time of 64-bit ones)."""
    starts = np.cumsum([0, *(len(c) for c in codes)])
    total = int(starts[-1])
    position: type[np.signedinteger[Any]] = np.int32 if total < 2**31 else np.int64
    first: npt.NDArray[np.signedinteger[Any]] = np.full(n_values, total, dtype=position)
    for c, start in zip(codes, starts[:-1], strict=False):
        if len(c) and c.min() < 0:
            rows = np.flatnonzero(c >= 0)
            np.minimum.at(first, c[rows], (rows + start).astype(position))
        else:
            np.minimum.at(first, c, np.arange(start, start + len(c), dtype=position))
    is_first = np.zeros(total, dtype=bool)
    is_first[first[first < total]] = True
    heads = np.flatnonzero(is_first)  # the first position of every value used, in order
    cut = np.searchsorted(heads, starts)
    order = np.concatenate(
        [np.zeros(0, dtype=np.intp)] + [c[heads[cut[k] : cut[k + 1]] - starts[k]] for k, c in enumerate(codes)]
    ).astype(np.intp, copy=False)  # the values used, in order of first appearance
    new = np.full(n_values + 1, -1, dtype=np.intp)  # the last entry: code -1 stays -1
    new[order] = np.arange(len(order), dtype=np.intp)
    return [new[c] for c in codes], order


def encode_integer_ids(columns: Sequence[Any]) -> tuple[list[npt.NDArray[np.intp]], pd.Index] | None:
    """Codes of several integer id columns in one numbering (-1 for an empty cell of a nullable column) and
    the distinct ids, as text, in order of first appearance; ``None`` unless every column holds integers
    (numpy's or pandas' nullable ones, at most 64-bit signed). Numbers from 0 up to about twice the cells are
    their own codes, renumbered as categories are; others go through one hash table. Either way the numbering
    and the ids are those that coding each column and unifying their ids as text gave."""
    import pandas as pd

    # each column's numbers (-1 where empty), where it has one (None: everywhere), and the numbers it has
    codes: list[npt.NDArray[np.int64]] = []
    filled: list[npt.NDArray[np.bool_] | None] = []
    found: list[npt.NDArray[np.int64]] = []
    for col in columns:
        dtype = getattr(col, "dtype", None)
        if dtype is None or not pd.api.types.is_signed_integer_dtype(dtype):
            return None
        if isinstance(dtype, np.dtype):
            codes.append(col.to_numpy(np.int64))
            filled.append(None)
            found.append(codes[-1])
        else:  # pandas' nullable integers
            filled.append(col.notna().to_numpy())
            codes.append(col.to_numpy(dtype=np.int64, na_value=-1))
            found.append(codes[-1][filled[-1]])
    total = sum(len(c) for c in codes)
    lo = min((int(f.min()) for f in found if len(f)), default=-1)
    hi = max((int(f.max()) for f in found if len(f)), default=-1)
    if lo >= 0 and hi < 2 * total + 1024:  # numbers as codes (-1 where empty): no hashing
        new, distinct = _renumber(codes, hi + 1)
    else:
        there = np.concatenate([np.ones(len(c), bool) if f is None else f for c, f in zip(codes, filled, strict=True)])
        numbering = np.full(total, -1, dtype=np.intp)
        numbering[there], distinct = pd.factorize(np.concatenate(found or [np.zeros(0, np.int64)]))
        cut = np.cumsum([0, *(len(c) for c in codes)])
        new = [numbering[cut[k] : cut[k + 1]] for k in range(len(codes))]
    import pyarrow as pa

    return new, pd.Index(pd.array(pa.array(np.asarray(distinct, dtype=np.int64)).cast(pa.string()), dtype="str"))
