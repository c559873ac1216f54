"""Plain-text item ids (Arrow-backed pandas columns, as ``pd.read_parquet`` gives them) are numbered as Arrow's own
``dictionary_encode`` numbers the columns put end to end: the same code for every cell (-1 for an empty one) and
the same distinct ids in the same order of first appearance, whatever the chunks, runs and string types."""

from __future__ import annotations

from typing import Any
from unittest import mock

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given
from hypothesis import strategies as st

import footprint._catalogue as catalogue

#: Ids that meet often (a small alphabet, with accents and a symbol outside the BMP's Latin range), end alike
#: (a shared suffix, as in ``S0-P1-TOP``), run past 8 and 16 bytes, or are empty; ``None`` is an empty cell.
_ID = st.one_of(
    st.none(),
    st.builds(
        str.__add__,
        st.text(alphabet="aZ-0é✓𝔸", max_size=3),
        st.sampled_from(["", "-TOP", "-TOP-REV-B", "/" + "long-id-" * 6]),
    ),
)
_DTYPES = ("str", pd.ArrowDtype(pa.string()), pd.ArrowDtype(pa.large_string()))


@st.composite
def _columns(draw: st.DrawFn) -> list[pd.Series]:
    """Up to four id columns, each of up to three Arrow chunks (some sliced off the start of a longer array),
    each value repeated a drawn number of times (runs of equal ids, as a BOM lists a parent down its lines)."""
    columns = []
    for _ in range(draw(st.integers(1, 4))):
        dtype = draw(st.sampled_from(_DTYPES))
        kind = pa.large_string() if dtype == "str" else dtype.pyarrow_dtype
        chunks = []
        for values in draw(st.lists(st.lists(_ID, max_size=10), max_size=3)):
            runs = draw(st.lists(st.integers(1, 4), min_size=len(values), max_size=len(values)))
            cut = draw(st.integers(0, 2))
            padded = ["cut"] * cut + [v for v, n in zip(values, runs, strict=True) for _ in range(n)]
            chunks.append(pa.array(padded, kind).slice(cut))
        columns.append(pd.Series(pd.array(pa.chunked_array(chunks, kind), dtype=dtype)))
    return columns


def _arrow_numbering(columns: list[pd.Series]) -> tuple[list[list[int]], list[str]]:
    """Each column's codes and the distinct ids by ``pyarrow.compute.dictionary_encode`` of every cell of every
    column, one column after the other: the independent numbering the library's must equal."""
    cells = pa.chunked_array(
        [c.cast(pa.large_string()) for s in columns for c in pa.chunked_array(pa.array(s.array)).chunks],
        pa.large_string(),
    )
    encoded = pc.dictionary_encode(cells).combine_chunks()
    codes = encoded.indices.fill_null(-1).to_pylist()
    cut = np.cumsum([0, *(len(s) for s in columns)])
    return [codes[cut[k] : cut[k + 1]] for k in range(len(columns))], encoded.dictionary.to_pylist()


def _as_lists(numbered: tuple[list[Any], pd.Index]) -> tuple[list[list[int]], list[str]]:
    codes, ids = numbered
    return [c.tolist() for c in codes], list(ids)


@given(_columns(), st.sampled_from([2, 5, catalogue._RUN_PROBE]))
def test_text_ids_are_numbered_as_arrow_dictionary_encodes_them(columns: list[pd.Series], probe: int) -> None:
    """Codes and distinct ids equal Arrow's ``dictionary_encode`` of the columns end to end, whether runs of
    equal ids are hashed once (long runs) or cell by cell (short runs, or short ones in the probed start)."""
    with mock.patch.object(catalogue, "_RUN_PROBE", probe):
        numbered = catalogue._encode_ids(columns)
    assert _as_lists(numbered) == _arrow_numbering(columns)
    assert all(c.dtype == np.intp for c in numbered[0])


def test_a_sorted_column_past_the_probe_is_numbered_from_its_runs() -> None:
    """A column sorted by id beyond the probed start (each id down 3 lines) has its runs found: 3 ids hashed
    for 9 lines; a column whose probed start has no runs is compared no further, even where runs follow."""
    runs = pa.chunked_array([pa.array(["p", "p", "p", "q", "q", "q", "r", "r", "r"], pa.large_string())])
    mixed = pa.chunked_array([pa.array(["a", "b", "c", "d", *["e"] * 8], pa.large_string())])
    with mock.patch.object(catalogue, "_RUN_PROBE", 4):
        assert catalogue._run_heads(runs).tolist() == [0, 3, 6]
        assert catalogue._heads(mixed).tolist() == [0, 1, 2, 3, 4]  # 5 heads in 12 values: worth it ...
        assert catalogue._run_heads(mixed) is None  # ... but 4 heads in its first 4 values: not looked at
