"""The calculation core: bills of materials as arrays, exploded level by level, evaluated by gather-multiply-sum.

Nothing here knows about files, units or pydantic: inputs are integer and float arrays prepared at the
boundary (units already converted into each factor's unit). The loops run over BOM *levels*, never over
lines; a shared node is aggregated at every level, so a part used in a thousand assemblies costs one row
per (product, level), not one per path.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "BomArrays",
    "CellSums",
    "Exploded",
    "Layout",
    "distinct_rows",
    "explode",
    "find_cycle",
    "gather_runs",
    "nodes_on_cycles",
    "run_starts",
    "split_layout",
    "stable_order",
    "topological_levels",
]

IntArray = npt.NDArray[np.intp]
FloatArray = npt.NDArray[np.float64]


def distinct_rows(rows: IntArray, n_rows: int) -> IntArray:
    """The distinct row numbers (``0 <= row < n_rows``) in ``rows``, ascending: ``np.unique(rows)``, counted
    instead of sorted. A plain ``np.unique`` checks for a masked array, which imports numpy.ma (a twentieth of
    a cold ``footprint calc``); a count per row is no slower at any size. Other values go to ``np.unique``."""
    if rows.size and (rows.min() < 0 or rows.max() >= n_rows):
        return np.unique(rows).astype(np.intp)
    return np.flatnonzero(np.bincount(rows, minlength=n_rows))


def run_starts(values: npt.NDArray[np.integer[Any]]) -> IntArray:
    """Where each run of equal values starts in ``values`` (positions, ascending; none for no values)."""
    if not len(values):
        return np.zeros(0, dtype=np.intp)
    return np.flatnonzero(np.r_[True, values[1:] != values[:-1]])


@dataclass(frozen=True, slots=True)
class BomArrays:
    """A BOM graph (or a whole catalogue of them) as edge arrays over ``n_nodes`` nodes.

    ``edge_qty[i]`` units of ``edge_child[i]`` go into one unit of ``edge_parent[i]``.
    """

    n_nodes: int
    edge_parent: IntArray
    edge_child: IntArray
    edge_qty: FloatArray

    def csr(self) -> tuple[IntArray, IntArray, FloatArray]:
        """Edges sorted by parent: (row offsets per node, children, quantities)."""
        order = stable_order(self.edge_parent)
        counts = np.bincount(self.edge_parent, minlength=self.n_nodes)
        offsets = np.zeros(self.n_nodes + 1, dtype=np.intp)
        np.cumsum(counts, out=offsets[1:])
        if order is None:
            return offsets, self.edge_child, self.edge_qty
        return offsets, self.edge_child[order], self.edge_qty[order]


@dataclass(frozen=True, slots=True)
class Exploded:
    """Cumulative quantity of every node reachable from each seed group: rows (group, node, count)."""

    group: IntArray
    node: IntArray
    count: FloatArray


@dataclass(frozen=True, slots=True)
class Layout:
    """A BOM's edges sorted by parent (CSR rows: offsets per node, children, quantities), split in two: the
    edges to a leaf (a child without children, which goes straight to the output) and those to an inner node
    (merged per (group, node), then expanded at the next level). Each part keeps its edges in the order of
    the whole, so a level reads each part's rows without masking them out of the rows of both."""

    leaf: tuple[IntArray, IntArray, FloatArray]
    inner: tuple[IntArray, IntArray, FloatArray]


def split_layout(bom: BomArrays) -> Layout:
    """:class:`Layout` of ``bom``: its edges sorted by parent (stably), then split by whether the child has
    children (a stable split, so each node's edges of either kind stay in their order; positions taken, not
    masks, which cost more). Each temporary is dropped as soon as it is used: the split's peak is little
    above the layout it returns."""
    order = stable_order(bom.edge_parent)
    parent, children, qty = (
        (bom.edge_parent, bom.edge_child, bom.edge_qty)
        if order is None
        else (bom.edge_parent[order], bom.edge_child[order], bom.edge_qty[order])
    )
    del order
    degree = np.bincount(parent, minlength=bom.n_nodes)
    inner = (degree > 0)[children]
    offsets = np.zeros(bom.n_nodes + 1, dtype=np.intp)
    np.cumsum(degree, out=offsets[1:])
    del degree
    at = np.flatnonzero(inner)
    inner_offsets = np.zeros(bom.n_nodes + 1, dtype=np.intp)
    np.cumsum(np.bincount(parent[at], minlength=bom.n_nodes), out=inner_offsets[1:])
    to_inner = (inner_offsets, children[at], qty[at])
    offsets -= inner_offsets  # now each node's edges to leaves
    at = np.flatnonzero(~inner)
    del inner
    return Layout((offsets, children[at], qty[at]), to_inner)


def stable_order(keys: IntArray, offsets: IntArray | None = None) -> IntArray | None:
    """The stable sort order of non-negative integer ``keys``, or ``None`` when they are sorted already.

    Keys below 2**32 are sorted as two 16-bit digits (numpy sorts 16-bit keys stably by radix): about twice as
    fast as a comparison sort of a million keys, and the same order. ``offsets``, where the caller has them:
    where each key's rows begin in the sorted order (``offsets[k]`` rows have a key below ``k``, as in a CSR
    layout). Keys whose rows come grouped, each key's in one run (activities listed item by item), are then
    not sorted: each run moves whole to its key's offset (see :func:`_grouped_order`).
    """
    if len(keys) < 2 or bool((keys[1:] >= keys[:-1]).all()):
        return None
    grouped = None if offsets is None else _grouped_order(keys, offsets)
    if grouped is not None:
        return grouped
    if int(keys.max()) >= 1 << 32:
        return np.argsort(keys, kind="stable")
    low = np.argsort((keys & 0xFFFF).astype(np.uint16), kind="stable")
    return low[np.argsort((keys[low] >> 16).astype(np.uint16), kind="stable")]


def _grouped_order(keys: IntArray, offsets: IntArray) -> IntArray | None:
    """The stable sort order of ``keys`` whose rows come in one run per key, from where each key's rows begin in
    the sorted order (``offsets``); ``None`` when some key's rows are in several runs. Row ``i`` goes to its
    key's offset plus its place in its run (``i`` less where the run starts): a few passes, no sort."""
    n = len(keys)
    head = np.empty(n, dtype=bool)  # where a run starts
    head[0] = True
    np.not_equal(keys[1:], keys[:-1], out=head[1:])
    if np.count_nonzero(head) != np.count_nonzero(np.diff(offsets)):  # some key has several runs
        return None
    rows = np.arange(n)
    start = np.where(head, rows, 0)
    np.maximum.accumulate(start, out=start)  # where each row's run starts
    dest = offsets[keys]
    dest -= start
    dest += rows
    order = np.empty(n, dtype=np.intp)
    order[dest] = rows
    return order


def gather_runs(offsets: IntArray, keys: IntArray) -> tuple[IntArray, IntArray]:
    """Rows of a CSR layout for each of ``keys``: (which key each row belongs to, the row's position).

    ``offsets[k]:offsets[k + 1]`` are the rows of key ``k`` (a node's edges, an item's activities). This is
    the vectorised "for each key, for each of its rows" that every level of the explosion runs. A row's
    position is its number among all rows plus its key's shift (where the key's rows start in ``offsets``
    less where they start in the output): one gather of the shifts, not a second repeat.
    """
    start = offsets[keys]
    length = offsets[keys + 1] - start
    owner = np.repeat(np.arange(len(keys)), length)
    end = np.cumsum(length)
    shift = start - end + length
    position = np.arange(int(end[-1]) if len(end) else 0)
    position += shift[owner]
    return owner, position


def _aggregate(group: IntArray, node: IntArray, count: FloatArray, n_nodes: int) -> Exploded:
    """One row per distinct (group, node), in that order, with the counts of its rows summed in their order.
    Rows already in strictly increasing order (often so: a level's children come sorted) are kept as they
    are, each count plus zero (what the sum of one count gives: -0.0 turns to 0.0), with no sort."""
    key = group.astype(np.int64) * n_nodes + node
    if len(key) < 2 or bool((key[1:] > key[:-1]).all()):
        return Exploded(group.astype(np.intp), node.astype(np.intp), count + 0.0)
    uniq, inv = np.unique(key, return_inverse=True)
    summed = np.bincount(inv.ravel(), weights=count, minlength=len(uniq)).astype(np.float64)
    g, n = np.divmod(uniq, n_nodes)
    return Exploded(g.astype(np.intp), n.astype(np.intp), summed)


Rows = tuple[IntArray, IntArray, FloatArray]  # (group, node, count) of each row


def explode(
    bom: BomArrays,
    seed_group: IntArray,
    seed_node: IntArray,
    seed_count: FloatArray,
    max_depth: int | None = None,
    merge: bool = True,
    layout: Layout | None = None,
) -> Exploded:
    """Cumulative quantities of all nodes under each seed, summed over every path.

    A seed is (group, node, count): a product's root with its quantity, or a replaced part with its number
    of replacements. Runs one vectorised step per BOM level. Nodes that have children are merged per
    (group, node) at every level, so a shared sub-assembly is expanded once per level, never once per path;
    leaves go straight to the output. With ``merge`` the output has one row per distinct (group, node);
    without, a leaf reached along several paths may come in several rows (their counts add up).

    ``layout``: ``split_layout(bom)``, for a caller exploding block after block: each level then reads the
    edges to leaves and to inner nodes apart. Without it, each level reads every edge of its nodes and parts
    them by a mask (nothing to build or hold beside the BOM sorted by parent). The rows are the same either way.

    Raises ``ValueError`` if the graph has a cycle reachable from a seed (validate first with
    :func:`topological_levels` for a readable error).
    """
    step = _masked_step(bom) if layout is None else partial(_split_step, layout)
    limit = bom.n_nodes + 1 if max_depth is None else max_depth
    frontier = _aggregate(seed_group, seed_node, seed_count, bom.n_nodes)
    parts_g, parts_n, parts_c = [frontier.group], [frontier.node], [frontier.count]
    for _ in range(limit):
        (leaf_g, leaf_n, leaf_c), (g, n, c) = step(frontier)
        if not (len(leaf_n) or len(n)):
            break
        parts_g.append(leaf_g)
        parts_n.append(leaf_n)
        parts_c.append(leaf_c)
        frontier = _aggregate(g, n, c, bom.n_nodes)
        parts_g.append(frontier.group)
        parts_n.append(frontier.node)
        parts_c.append(frontier.count)
    else:
        raise ValueError("the bill of materials has a cycle (an item contains itself)")
    out_g, out_n, out_c = np.concatenate(parts_g), np.concatenate(parts_n), np.concatenate(parts_c)
    if merge:
        return _aggregate(out_g, out_n, out_c, bom.n_nodes)
    return Exploded(out_g, out_n, out_c)


def _split_step(layout: Layout, frontier: Exploded) -> tuple[Rows, Rows]:
    """One level below ``frontier``: (rows of its edges to leaves, rows of its edges to inner nodes)."""
    parts = []
    for offsets, children, qty in (layout.leaf, layout.inner):
        rep, edge = gather_runs(offsets, frontier.node)
        parts.append((frontier.group[rep], children[edge], frontier.count[rep] * qty[edge]))
    return parts[0], parts[1]


def _masked_step(bom: BomArrays) -> Callable[[Exploded], tuple[Rows, Rows]]:
    """The level step over ``bom`` sorted by parent, each level's edges parted by whether the child has
    children."""
    offsets, children, qty = bom.csr()
    degree = np.diff(offsets)

    def step(frontier: Exploded) -> tuple[Rows, Rows]:
        rep, edge = gather_runs(offsets, frontier.node)
        g, c, n = frontier.group[rep], frontier.count[rep] * qty[edge], children[edge]
        inner = degree[n] > 0
        leaf = ~inner
        return (g[leaf], n[leaf], c[leaf]), (g[inner], n[inner], c[inner])

    return step


def topological_levels(bom: BomArrays) -> tuple[IntArray, IntArray]:
    """Peel the graph from its leaves: (level of each node, nodes left on a cycle).

    A leaf has level 0; a parent's level is one more than its deepest child. Nodes on or above a cycle
    never peel and come back in the second array (empty for a valid DAG).

    The leaves are set apart at once: a parent's level is one more than its level among the parents alone
    (the lines between parents, the parents numbered compactly; see :func:`_between_parents`), which are
    peeled by :func:`_peel`.
    """
    parents, parent, child = _between_parents(bom)
    inner = _peel(len(parents), parent, child)
    level = np.zeros(bom.n_nodes, dtype=np.intp)
    level[parents] = np.where(inner >= 0, inner + 1, -1)
    return level, np.flatnonzero(level < 0)


def nodes_on_cycles(bom: BomArrays) -> IntArray:
    """The nodes on or above a cycle, ascending (those :func:`topological_levels` leaves), without levels.

    Every node of a cycle is a parent (its successor on the cycle is its child), so a cycle runs only along
    lines whose child is a parent too. When all those lines go from a lower node number to a higher one (or
    all from higher to lower), the numbers order the graph and there is no cycle: two comparisons over the
    lines instead of peeling level by level. Ids numbered in order of first appearance down a BOM exported
    assembly by assembly, top down, are such numbers. Any other graph is peeled.
    """
    if bool((bom.edge_parent < bom.edge_child).all()) or bool((bom.edge_parent > bom.edge_child).all()):
        return np.zeros(0, dtype=np.intp)
    parents, parent, child = _between_parents(bom)  # numbered in the same order as the nodes
    if bool((parent < child).all()) or bool((parent > child).all()):
        return np.zeros(0, dtype=np.intp)
    return parents[_peel(len(parents), parent, child) < 0]


def _between_parents(bom: BomArrays) -> tuple[IntArray, IntArray, IntArray]:
    """The nodes that have children, ascending, and the lines between them (child a parent too) as positions
    in that array: the graph a cycle check or a parent's level needs, without the leaves (most of a
    catalogue's items and lines)."""
    is_parent = np.zeros(bom.n_nodes, dtype=bool)
    is_parent[bom.edge_parent] = True
    parents = np.flatnonzero(is_parent)
    position = np.zeros(bom.n_nodes, dtype=np.intp)
    position[parents] = np.arange(len(parents))
    inner = np.flatnonzero(is_parent[bom.edge_child])
    return parents, position[bom.edge_parent[inner]], position[bom.edge_child[inner]]


def _peel(n: int, parent: IntArray, child: IntArray) -> IntArray:
    """The level of each of ``n`` nodes of the lines ``parent -> child`` (-1 on or above a cycle), peeled from
    the nodes without children.

    Wide levels (a catalogue's few levels) are peeled on the edge list itself, which drops the edges of each
    peeled child: counts per level, no sort. Once the levels turn narrow (a deep chain), the edges left are
    grouped by child once and each level costs work proportional to it.
    """
    level = np.full(n, -1, dtype=np.intp)
    remaining = np.bincount(parent, minlength=n)
    ready = np.flatnonzero(remaining == 0)
    depth = 0
    while len(ready) and 16 * len(ready) >= len(parent) + n:  # a wide level
        level[ready] = depth
        depth += 1
        peeled = level[child] >= 0
        remaining -= np.bincount(parent[peeled], minlength=n)
        keep = ~peeled
        parent, child = parent[keep], child[keep]
        ready = np.flatnonzero(remaining == 0)
        ready = ready[level[ready] < 0]
    if len(ready):
        _peel_narrow(parent, child, remaining, level, ready, depth)
    return level


def _peel_narrow(
    parent: IntArray, child: IntArray, remaining: IntArray, level: IntArray, ready: IntArray, depth: int
) -> None:
    """Go on peeling from ``ready`` level by level (filling ``level`` in place) over the edges left, grouped
    by child, so that each level costs work proportional to its nodes and their edges."""
    n = len(level)
    order = stable_order(child)
    par_sorted = parent if order is None else parent[order]
    offsets = np.zeros(n + 1, dtype=np.intp)
    np.cumsum(np.bincount(child, minlength=n), out=offsets[1:])
    while len(ready):
        level[ready] = depth
        depth += 1
        _, pos = gather_runs(offsets, ready)
        cand, peeled = np.unique(par_sorted[pos], return_counts=True)
        remaining[cand] -= peeled
        ready = cand[remaining[cand] == 0]


def find_cycle(bom: BomArrays, candidates: IntArray) -> list[int]:
    """One cycle among ``candidates`` (nodes that did not peel), as a node path that ends where it starts.

    Only called to explain an error, so a plain depth-first search is fine here.
    """
    cand = set(candidates.tolist())
    children: dict[int, list[int]] = {}
    for p, c in zip(bom.edge_parent.tolist(), bom.edge_child.tolist(), strict=True):
        if p in cand and c in cand:
            children.setdefault(p, []).append(c)
    state: dict[int, int] = {}
    for start in sorted(cand):
        if state.get(start):
            continue
        stack: list[tuple[int, int]] = [(start, 0)]
        path: list[int] = []
        while stack:
            node, i = stack.pop()
            if i == 0:
                state[node] = 1
                path.append(node)
            kids = children.get(node, [])
            if i < len(kids):
                stack.append((node, i + 1))
                nxt = kids[i]
                if state.get(nxt) == 1:
                    return [*path[path.index(nxt) :], nxt]
                if not state.get(nxt):
                    stack.append((nxt, 0))
            else:
                state[node] = 2
                path.pop()
    return []


class CellSums:
    """Sums per cell of a table of ``n_cells`` cells, over rows given as (cell, weight): the distinct cells
    in ascending order and the sum of each one's weights, added in the order of the rows (what
    ``np.unique(cells, return_inverse=True)`` and a weighted count of the inverse give).

    Up to :data:`DENSE_CELLS` cells, the cells present are marked in a table and the weights added into a
    table of sums instead of sorting the rows (a third of the time, the same sums: a cell's rows are added
    in their order to zero either way); more cells are sorted. The tables are made once and reset where a
    call marked them, so that a caller summing block after block allocates (and the system zeroes) no new
    table each time.
    """

    def __init__(self, n_cells: int) -> None:
        self.n_cells = n_cells
        dense = n_cells <= DENSE_CELLS
        self._present = np.zeros(n_cells if dense else 0, dtype=bool)
        self._sums = np.zeros(n_cells if dense else 0)

    def __call__(self, cells: IntArray, weights: FloatArray) -> tuple[IntArray, FloatArray]:
        """(distinct cells, sums) of rows ``cells`` (each ``0 <= cell < n_cells``) weighted by ``weights``."""
        if self.n_cells > DENSE_CELLS:
            uniq, inv = np.unique(cells, return_inverse=True)
            summed = np.bincount(inv.ravel(), weights=weights, minlength=len(uniq)).astype(np.float64)
            return uniq.astype(np.intp), summed
        distinct = self._distinct(cells)
        np.add.at(self._sums, cells, weights)  # row by row into zeros, as a weighted count adds
        summed = self._sums[distinct]
        self._sums[distinct] = 0.0
        return distinct, summed

    def all_distinct(self, cells: IntArray) -> bool:
        """Whether no cell comes twice in ``cells``."""
        if self.n_cells > DENSE_CELLS:
            return len(np.unique(cells)) == len(cells)
        return len(self._distinct(cells)) == len(cells)

    def _distinct(self, cells: IntArray) -> IntArray:
        self._present[cells] = True
        distinct = np.flatnonzero(self._present)
        self._present[distinct] = False
        return distinct


DENSE_CELLS = 1 << 22  # cells of the tables of CellSums (4 MB of marks, 32 MB of sums), above which it sorts
