"""The explosion's building blocks against plain loops: the rows of each key (:func:`gather_runs`), the BOM's
edges split into those to leaves and those to inner nodes (:func:`split_layout`), the merge per (group, node)
and the sums per cell (:class:`CellSums`), and the explosion itself against a walk along every path.

Each reference is written from the definition in the docstring: a loop over the rows in their order, adding
each weight to its key's sum (so that the sums are the same to the last bit, not only close).
"""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from footprint._engine import DENSE_CELLS, BomArrays, CellSums, _aggregate, explode, gather_runs, split_layout

#: Weights of every sign and size, zeros of both signs among them, and tenths, whose sums show the order of
#: the additions ((0.1 + 0.2) + 0.3 is 0.6000000000000001, 0.1 + (0.2 + 0.3) is 0.6).
weights = st.one_of(
    st.sampled_from([0.0, -0.0, 0.1, 0.2, 0.3, 1.0, 1e16, -1e16]), st.floats(-1e6, 1e6, allow_nan=False)
)


def _in_order(keys: list[int], values: list[float]) -> tuple[list[int], list[float]]:
    """The distinct keys ascending and each one's values added in their order to 0.0, one at a time."""
    sums: dict[int, float] = {}
    for k, v in zip(keys, values, strict=True):
        sums[k] = sums.get(k, 0.0) + v
    return sorted(sums), [sums[k] for k in sorted(sums)]


@st.composite
def cell_rows(draw: st.DrawFn) -> tuple[int, list[int], list[float]]:
    """A table size and rows of (cell, weight) over it, cells often repeated and out of order."""
    n_cells = draw(st.integers(1, 6)) * draw(st.sampled_from([1, 7]))
    cells = draw(st.lists(st.integers(0, n_cells - 1), max_size=60))
    return n_cells, cells, draw(st.lists(weights, min_size=len(cells), max_size=len(cells)))


@given(cell_rows(), st.booleans())
def test_cell_sums_are_the_weights_added_row_by_row(rows: tuple[int, list[int], list[float]], dense: bool) -> None:
    """Law: the distinct cells ascending and each one's weights added in the order of the rows, bit for bit
    (a zero of either sign sums to +0.0), from the table of marks and from the sort alike; twice in a row
    with the same tables (they are reset between calls)."""
    n_cells, cells, values = rows
    sums = CellSums(n_cells if dense else DENSE_CELLS + 1)
    want_cells, want_sums = _in_order(cells, values)
    for _ in range(2):
        got_cells, got_sums = sums(np.array(cells, dtype=np.intp), np.array(values))
        assert got_cells.tolist() == want_cells
        assert got_sums.tobytes() == np.array(want_sums, dtype=np.float64).tobytes()
    assert sums.all_distinct(np.array(cells, dtype=np.intp)) == (len(set(cells)) == len(cells))


@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 9), weights), max_size=40), st.booleans())
def test_merging_per_group_and_node_adds_each_ones_counts_in_order(
    rows: list[tuple[int, int, float]], presorted: bool
) -> None:
    """Law: one row per distinct (group, node) in that order, each count the sum of its rows' counts in their
    order, bit for bit; rows already in strictly increasing order (no sort then) give the same, a -0.0 count
    turning into +0.0 as a sum would."""
    if presorted:
        rows = sorted({(g, n): (g, n, c) for g, n, c in rows}.values())
    group, node, count = (np.array(col) for col in zip(*rows, strict=True)) if rows else (np.zeros(0, int),) * 3
    keys, sums = _in_order([g * 10 + n for g, n, _ in rows], [c for _, _, c in rows])
    got = _aggregate(group.astype(np.intp), node.astype(np.intp), count.astype(np.float64), 10)
    assert (got.group * 10 + got.node).tolist() == keys
    assert got.count.tobytes() == np.array(sums, dtype=np.float64).tobytes()


@given(st.lists(st.integers(0, 4), min_size=1, max_size=8), st.lists(st.integers(0, 7), max_size=12))
def test_gather_runs_lists_each_keys_rows_in_order(lengths: list[int], keys: list[int]) -> None:
    """Law: for each key in turn (repeats included), each of its rows ``offsets[k]:offsets[k + 1]`` in order."""
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.intp)
    keys = [k % len(lengths) for k in keys]
    owner, position = gather_runs(offsets, np.array(keys, dtype=np.intp))
    want = [(i, r) for i, k in enumerate(keys) for r in range(offsets[k], offsets[k + 1])]
    assert list(zip(owner.tolist(), position.tolist(), strict=True)) == want


@st.composite
def dags(draw: st.DrawFn) -> tuple[int, list[tuple[int, int, float]]]:
    """A random DAG: edges from a lower node to a higher one, repeated edges allowed, in random order."""
    n = draw(st.integers(1, 12))
    edges = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.floats(0.5, 4.0)), max_size=30))
    return n, [(p, c, q) for p, c, q in edges if p < c]


def _bom(n: int, edges: list[tuple[int, int, float]]) -> BomArrays:
    return BomArrays(
        n,
        np.array([p for p, _, _ in edges], dtype=np.intp),
        np.array([c for _, c, _ in edges], dtype=np.intp),
        np.array([q for _, _, q in edges], dtype=np.float64),
    )


@given(dags())
def test_the_split_layout_keeps_each_nodes_edges_in_their_order(dag: tuple[int, list[tuple[int, int, float]]]) -> None:
    """Law: a node's rows in the leaf part are its edges (in their order in the edge list) to a child without
    children; in the inner part, those to a child with children; each edge once."""
    n, edges = dag
    layout = split_layout(_bom(n, edges))
    has_children = {p for p, _, _ in edges}
    for part, inner in ((layout.leaf, False), (layout.inner, True)):
        offsets, children, qty = part
        for v in range(n):
            want = [(c, q) for p, c, q in edges if p == v and (c in has_children) == inner]
            rows = range(offsets[v], offsets[v + 1])
            assert [(int(children[r]), float(qty[r])) for r in rows] == want


@given(dags(), st.lists(st.integers(0, 11), min_size=1, max_size=4))
def test_exploding_sums_the_quantity_along_every_path(
    dag: tuple[int, list[tuple[int, int, float]]], seeds: list[int]
) -> None:
    """Law: a node's count under a seed is the sum over every path from the seed of the product of the
    quantities along it (the seed itself counted once), whether rows are merged or not; with the BOM split
    once into edges to leaves and to inner nodes, the very rows of the level-by-level masks."""
    n, edges = dag
    seeds = [s % n for s in seeds]

    def walk(v: int, factor: float, into: dict[int, float]) -> None:
        into[v] = into.get(v, 0.0) + factor
        for p, c, q in edges:
            if p == v:
                walk(c, factor * q, into)

    bom = _bom(n, edges)
    group, node, count = np.arange(len(seeds)), np.array(seeds, dtype=np.intp), np.ones(len(seeds))
    ex = explode(bom, group, node, count)
    rows = explode(bom, group, node, count, merge=False)
    split = explode(bom, group, node, count, merge=False, layout=split_layout(bom))
    for got, want in ((split.group, rows.group), (split.node, rows.node), (split.count, rows.count)):
        assert got.tobytes() == want.tobytes()  # the same rows in the same order, with the split layout or not
    for g, s in enumerate(seeds):
        want: dict[int, float] = {}
        walk(s, 1.0, want)
        for got in (ex, rows):
            mine = got.group == g
            sums = np.bincount(got.node[mine], weights=got.count[mine], minlength=n)
            assert np.allclose(sums, [want.get(v, 0.0) for v in range(n)], rtol=1e-12, atol=0)
        assert sorted(ex.node[ex.group == g].tolist()) == sorted(want)
