"""Sorting rows by an integer key, stably: :func:`footprint._engine.stable_order` against Python's own sort.

The rule: the rows in order of their keys, rows of equal keys in the order they came (what ``sorted`` gives,
being stable), or ``None`` when the keys are in order already.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from footprint._engine import stable_order


def _offsets(keys: list[int], n: int) -> np.ndarray:
    """Where each key's rows begin in the sorted order: the number of rows with a smaller key."""
    return np.array([sum(1 for k in keys if k < v) for v in range(n + 1)], dtype=np.intp)


@st.composite
def keyed_rows(draw: st.DrawFn) -> tuple[list[int], int]:
    """Keys below ``n``: each key's rows in one run (grouped, in any order of the keys), or anywhere."""
    n = draw(st.integers(1, 30))
    if draw(st.booleans()):
        runs = draw(
            st.lists(st.tuples(st.integers(0, n - 1), st.integers(1, 4)), max_size=30, unique_by=lambda r: r[0])
        )
        return [k for k, length in runs for _ in range(length)], n
    return draw(st.lists(st.integers(0, n - 1), max_size=60)), n


@settings(max_examples=400, deadline=None)
@given(keyed_rows(), st.booleans())
def test_stable_order_is_pythons_stable_sort(rows: tuple[list[int], int], with_offsets: bool) -> None:
    """The order ``sorted`` gives, whether the rows come grouped by key or not, with or without the offsets."""
    keys, n = rows
    want = sorted(range(len(keys)), key=lambda i: keys[i])
    order = stable_order(np.array(keys, dtype=np.intp), _offsets(keys, n) if with_offsets else None)
    assert (list(range(len(keys))) if order is None else order.tolist()) == want
    if order is None:
        assert keys == sorted(keys)


def test_grouped_runs_move_whole() -> None:
    """Runs of keys 2, 0, 1 (lengths 2, 1, 3): key 0's row (position 2) first, then key 1's three rows
    (positions 3 to 5), then key 2's two (positions 0 and 1), each run in its own order (derived by hand)."""
    keys = np.array([2, 2, 0, 1, 1, 1], dtype=np.intp)
    offsets = np.array([0, 1, 4, 6], dtype=np.intp)
    assert stable_order(keys, offsets).tolist() == [2, 3, 4, 5, 0, 1]
