"""The cycle check of every BOM: :func:`footprint._engine.topological_levels` against a plain recursive walk.

The rule (derived by hand from the definition in its docstring): a node with no child has level 0, a parent one
more than its deepest child; a node on a cycle, or above one, has no level and is listed as left on a cycle.
"""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from footprint._engine import BomArrays, find_cycle, topological_levels


def _reference(n: int, edges: list[tuple[int, int]]) -> list[int]:
    """Levels by a memoised depth-first walk; -1 for a node that reaches a cycle."""
    children: dict[int, list[int]] = {}
    for p, c in edges:
        children.setdefault(p, []).append(c)
    level: dict[int, int] = {}
    visiting: set[int] = set()

    def walk(v: int) -> int:
        if v in level:
            return level[v]
        if v in visiting:
            return -1
        visiting.add(v)
        kids = [walk(c) for c in children.get(v, [])]
        visiting.discard(v)
        level[v] = -1 if any(k < 0 for k in kids) else 1 + max(kids, default=-1)
        return level[v]

    return [walk(v) for v in range(n)]


def _arrays(n: int, edges: list[tuple[int, int]]) -> BomArrays:
    parent = np.array([p for p, _ in edges], dtype=np.intp)
    child = np.array([c for _, c in edges], dtype=np.intp)
    return BomArrays(n, parent, child, np.ones(len(edges)))


@st.composite
def graphs(draw: st.DrawFn) -> tuple[int, list[tuple[int, int]]]:
    """A random graph: mostly edges from a lower to a higher node (a DAG, often with a long chain, so that
    both the wide and the narrow way of peeling are taken), sometimes a few edges back (cycles)."""
    n = draw(st.integers(1, 60))
    chain = draw(st.integers(0, n - 1))
    edges = [(k, k + 1) for k in range(chain)]
    pair = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))
    edges += [(min(a, b), max(a, b)) for a, b in draw(st.lists(pair, max_size=120)) if a != b]
    edges += draw(st.lists(pair, max_size=2))  # anything, self-loops included: possibly cycles
    return n, edges


@settings(max_examples=300, deadline=None)
@given(graphs())
def test_levels_and_cycles_agree_with_a_recursive_walk(graph: tuple[int, list[tuple[int, int]]]) -> None:
    """Every node's level, and the set of nodes left on or above a cycle, as the plain walk finds them."""
    n, edges = graph
    want = _reference(n, edges)
    level, on_cycle = topological_levels(_arrays(n, edges))
    assert level.tolist() == want
    assert on_cycle.tolist() == [v for v in range(n) if want[v] < 0]
    if len(on_cycle):
        cycle = find_cycle(_arrays(n, edges), on_cycle)
        assert cycle[0] == cycle[-1]
        assert all(pair in set(edges) for pair in itertools.pairwise(cycle))


def test_a_deep_chain_under_a_wide_level() -> None:
    """A thousand leaves under one node, that node at the bottom of a 300-deep chain: the chain's top is at
    level 301 (300 chain lines above the node at level 1), every leaf at 0."""
    leaves = [(1000, k) for k in range(1000)]
    chain = [(1001 + k, 1000 + k) for k in range(300)]
    level, on_cycle = topological_levels(_arrays(1301, leaves + chain))
    assert len(on_cycle) == 0
    assert level[:1000].max() == 0
    assert level[1000] == 1
    assert level[1300] == 301
