"""The cycle check of every BOM: :func:`footprint._engine.topological_levels` and
:func:`footprint._engine.nodes_on_cycles` against a plain recursive walk.

The rule (derived by hand from the definition in its docstring): a node with no child has level 0, a parent one
more than its deepest child; a node on a cycle, or above one, has no level and is listed as left on a cycle.
"""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from footprint._engine import BomArrays, find_cycle, nodes_on_cycles, topological_levels


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


@st.composite
def numbered_graphs(draw: st.DrawFn) -> tuple[int, list[tuple[int, int]]]:
    """A random DAG (edges from a lower to a higher node), maybe with one edge added that closes a cycle or a
    self-loop, its nodes then renumbered: kept, reversed, parents reversed and leaves kept (a BOM listed sub-
    assemblies first), or shuffled. The first three orders pass or fail the shortcut of
    :func:`nodes_on_cycles`; the shuffled ones are peeled."""
    n = draw(st.integers(1, 40))
    pair = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))
    edges = sorted({(min(a, b), max(a, b)) for a, b in draw(st.lists(pair, max_size=80)) if a != b})
    if edges and draw(st.booleans()):
        p, c = draw(st.sampled_from(edges))
        edges.append((c, p))  # closes the cycle p -> c -> p
    if draw(st.booleans()):
        v = draw(st.integers(0, n - 1))
        edges.append((v, v))
    parents = sorted({p for p, _ in edges})
    leaves = [v for v in range(n) if v not in set(parents)]
    order = draw(st.sampled_from(["kept", "reversed", "parents reversed", "shuffled"]))
    if order == "kept":
        new = list(range(n))
    elif order == "reversed":
        new = list(range(n - 1, -1, -1))
    elif order == "parents reversed":
        new = [0] * n
        for k, v in enumerate([*parents[::-1], *leaves]):
            new[v] = k
    else:
        new = draw(st.permutations(list(range(n))))
    return n, [(new[p], new[c]) for p, c in edges]


@settings(max_examples=400, deadline=None)
@given(numbered_graphs())
def test_nodes_on_cycles_agree_with_a_recursive_walk(graph: tuple[int, list[tuple[int, int]]]) -> None:
    """The nodes on or above a cycle, as the plain walk finds them, whatever the order of the node numbers."""
    n, edges = graph
    want = [v for v, level in enumerate(_reference(n, edges)) if level < 0]
    assert nodes_on_cycles(_arrays(n, edges)).tolist() == want


def test_a_cycle_among_parents_numbered_top_down_is_found() -> None:
    """Leaves numbered after every parent and every line but one going down the numbers: the one line from
    3 back up to 1 closes the cycle 1 -> 2 -> 3 -> 1, above which 0 sits (derived by hand)."""
    edges = [(0, 1), (1, 2), (2, 3), (3, 1), (0, 4), (3, 5)]
    assert nodes_on_cycles(_arrays(6, edges)).tolist() == [0, 1, 2, 3]
