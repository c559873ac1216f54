"""The compiled numbering of text ids (``footprint._strhash``, used by :func:`footprint._text_ids.number_text`)
gives Arrow's ``dictionary_encode`` numbers: the same code for every cell (-1 for a null) and the same distinct
ids in order of first appearance; without the compiled module the same numbers come from Arrow itself."""

from __future__ import annotations

import os
from collections.abc import Iterator
from unittest import mock

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given
from hypothesis import strategies as st

from footprint import _text_ids

strhash = _text_ids.compiled()
needs_compiled = pytest.mark.skipif(strhash is None, reason="footprint._strhash was not built here")

#: Ids that meet often, differ only past their first 16 bytes or only by a trailing NUL, or are empty.
_ID = st.one_of(
    st.none(),
    st.builds(
        str.__add__,
        st.sampled_from(["", "P-", "0123456789abcdef", "0123456789abcdef-"]),
        st.text(alphabet="a\x00é𝔸", max_size=3),
    ),
)


def _arrow(chunked: pa.ChunkedArray) -> tuple[list[int], list[str | None]]:
    """Arrow's own numbering of the cells, one chunk after the other."""
    encoded = pc.dictionary_encode(chunked).combine_chunks()
    return encoded.indices.fill_null(-1).to_pylist(), encoded.dictionary.to_pylist()


def _chunked(chunks: list[list[str | None]], cut: int) -> pa.ChunkedArray:
    """Large-string chunks, each sliced ``cut`` values off the start of a longer array (offsets not from 0)."""
    return pa.chunked_array(
        [pa.array(["x"] * cut + c, pa.large_string()).slice(cut) for c in chunks], pa.large_string()
    )


@needs_compiled
@given(st.lists(st.lists(_ID, max_size=12), max_size=4), st.integers(0, 2))
def test_compiled_numbering_equals_arrows(chunks: list[list[str | None]], cut: int) -> None:
    chunked = _chunked(chunks, cut)
    codes, distinct = _text_ids.number_text(chunked)
    assert (codes.tolist(), distinct.to_pylist()) == _arrow(chunked)


@pytest.fixture
def colliding() -> Iterator[None]:
    """Every hash cut to its lowest bit: distinct ids collide, so equal hashes must be told apart by their
    bytes (the first 16 kept in the slot, the rest compared with the id's first occurrence)."""
    strhash.keep_hash_bits(1)
    yield
    strhash.keep_hash_bits(64)


@needs_compiled
@given(st.lists(st.lists(_ID, max_size=12), max_size=4), st.integers(0, 2))
def test_colliding_hashes_still_number_as_arrow(chunks: list[list[str | None]], cut: int) -> None:
    strhash.keep_hash_bits(1)
    try:
        chunked = _chunked(chunks, cut)
        codes, distinct = _text_ids.number_text(chunked)
    finally:
        strhash.keep_hash_bits(64)
    assert (codes.tolist(), distinct.to_pylist()) == _arrow(chunked)


@needs_compiled
def test_colliding_ids_past_16_bytes_are_told_apart(colliding: None) -> None:
    """Ids alike in their first 16 bytes and their length, differing after: four numbers, not one."""
    ids = ["0123456789abcdef-A", "0123456789abcdef-B", "0123456789abcdef-A", "0123456789abcdef-C", "x" * 17]
    codes, distinct = _text_ids.number_text(_chunked([ids[:2], ids[2:]], 1))
    assert codes.tolist() == [0, 1, 0, 2, 3]
    assert distinct.to_pylist() == [ids[0], ids[1], ids[3], ids[4]]


@needs_compiled
def test_a_table_that_grows_numbers_as_arrow() -> None:
    """30,000 distinct ids, most seen twice, some past 16 bytes: the table starts at 16,384 slots and grows
    twice (it doubles when 70 % full), moving every slot; the numbers still equal Arrow's."""
    rng = np.random.default_rng(0)
    ids = [f"ITEM-{i:05d}" + ("-long-suffix-" + str(i) if i % 3 == 0 else "") for i in range(30_000)]
    cells = [ids[i] for i in rng.integers(0, 30_000, 60_000)] + ids
    chunked = _chunked([cells[:45_000], cells[45_000:]], 1)
    codes, distinct = _text_ids.number_text(chunked)
    assert (codes.tolist(), distinct.to_pylist()) == _arrow(chunked)
    assert len(distinct) == 30_000


def test_without_the_compiled_table_arrow_numbers_the_same() -> None:
    """With ``FOOTPRINT_PURE_PYTHON`` set, the numbering is Arrow's own, codes as 32-bit integers."""
    chunked = _chunked([["b", None, "a", "b"], ["", "a"]], 0)
    with mock.patch.dict(os.environ, {"FOOTPRINT_PURE_PYTHON": "1"}):
        assert _text_ids.compiled() is None
        codes, distinct = _text_ids.number_text(chunked)
    assert codes.dtype == np.int32
    assert codes.tolist() == [0, -1, 1, 0, 2, 1]  # b, null, a, b, "", a: numbered as first seen
    assert distinct.to_pylist() == ["b", "a", ""]


def test_more_cells_than_the_compiled_table_takes_go_to_arrow() -> None:
    """Past ``COMPILED_MAX_CELLS`` cells the compiled table is not called (its memory would grow past Arrow's),
    and Arrow's numbering is the same."""
    chunked = _chunked([["b", "a", "b", None]], 0)
    refused = mock.Mock(side_effect=AssertionError("the compiled table was called"))
    with (
        mock.patch.object(_text_ids, "COMPILED_MAX_CELLS", 3),
        mock.patch.object(_text_ids, "compiled", return_value=mock.Mock(number_strings=refused)),
    ):
        codes, distinct = _text_ids.number_text(chunked)
    assert codes.tolist() == [0, 1, 0, -1]
    assert distinct.to_pylist() == ["b", "a"]
    refused.assert_not_called()


@pytest.mark.skipif(not os.environ.get("CI"), reason="a machine without a C compiler builds footprint without it")
def test_ci_builds_the_compiled_table() -> None:
    assert strhash is not None


@needs_compiled
@pytest.mark.parametrize(
    ("offsets", "data", "message"),
    [
        (np.array([0, 3, 2], np.int64), np.frombuffer(b"abc", np.uint8), "never decreasing"),
        (np.array([0, 4], np.int64), np.frombuffer(b"abc", np.uint8), "within the data"),
        (np.array([-1, 2], np.int64), np.frombuffer(b"abc", np.uint8), "within the data"),
        (np.array([0, 3], np.int32), np.frombuffer(b"abc", np.uint8), "items of 8 bytes"),
        (np.zeros(0, np.int64), np.frombuffer(b"abc", np.uint8), "one more than the strings"),
    ],
)
def test_inconsistent_buffers_are_refused(offsets: np.ndarray, data: np.ndarray, message: str) -> None:
    codes, firsts = np.empty(4, np.int32), np.empty(4, np.int32)
    with pytest.raises(ValueError, match=message):
        strhash.number_strings([(offsets, data, None)], codes, firsts)


@needs_compiled
def test_output_arrays_too_short_or_of_the_wrong_kind_are_refused() -> None:
    chunk = (np.array([0, 1, 2], np.int64), np.frombuffer(b"ab", np.uint8), None)
    with pytest.raises(ValueError, match="one item per string"):
        strhash.number_strings([chunk], np.empty(1, np.int32), np.empty(2, np.int32))
    with pytest.raises(ValueError, match="items of 4 bytes"):
        strhash.number_strings([chunk], np.empty(2, np.int64), np.empty(2, np.int32))
    with pytest.raises(ValueError, match="one flag per string"):
        strhash.number_strings([(*chunk[:2], np.ones(3, np.uint8))], np.empty(2, np.int32), np.empty(2, np.int32))
    with pytest.raises(TypeError, match="tuple"):
        strhash.number_strings([[chunk[0], chunk[1], None]], np.empty(2, np.int32), np.empty(2, np.int32))
