"""Incremental recalculation: change one BOM line or one activity of a catalogue and recompute only the
products that contain the changed item.

:class:`IncrementalCatalogue` keeps each node's BOM lines and activities as runs of rows that an edit
replaces by appending the node's new rows (the catalogue's arrays are never rebuilt), an index from each
item to the items that use it, and every product's kg CO2e by module and by gas. An edit walks up from the
changed item to the products it is in, explodes those products again (one vectorised step per BOM level of
theirs) and replaces their rows: the work is that of the products touched, not of the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ._catalogue import Catalogue, CatalogueResult, result_tables
from ._engine import BomArrays, explode, gather_runs, stable_order
from ._errors import CycleError, InputError, NonFiniteError, Problem, UnknownFactorError, expect_type
from ._factors import PrefoldedPolicy, activity_to_factor_unit
from ._gwp import DEFAULT_GWP_SET, GWPSet, GWPSetName, gwp_set
from ._modules import MODULES, default_module

__all__ = ["IncrementalCatalogue"]

IntArray = npt.NDArray[np.intp]
FloatArray = npt.NDArray[np.float64]
_N_M = len(MODULES)
_D = MODULES.index("D")
_SETUP_BLOCK = 4096  # products evaluated at once when the catalogue is first evaluated


@dataclass
class _Runs:
    """Rows of each node as ``start[n]:stop[n]`` into columns that grow at the end; an edit of a node's rows
    appends them and points the node there (the old rows stay, unused)."""

    start: npt.NDArray[np.signedinteger[Any]]
    stop: npt.NDArray[np.signedinteger[Any]]
    cols: dict[str, Any]  # numpy columns of one length, of several dtypes
    size: int

    @classmethod
    def from_offsets(cls, offsets: IntArray, **cols: Any) -> _Runs:
        """Runs from CSR offsets and their columns, with room for edits (so the first ones copy nothing);
        ``start`` and ``stop`` are 32-bit while the columns' length fits (half the memory a node)."""
        size = int(offsets[-1])
        room = size + max(1024, size // 16)
        bounds = offsets.astype(_bounds_dtype(room))
        return cls(bounds[:-1].copy(), bounds[1:].copy(), {k: _grown(v, room) for k, v in cols.items()}, size)

    def rows(self, nodes: IntArray) -> tuple[IntArray, IntArray]:
        """(which of ``nodes`` each row belongs to, the row's position), for every row of ``nodes``."""
        start = self.start[nodes]
        length = self.stop[nodes] - start
        owner = np.repeat(np.arange(len(nodes)), length)
        shift = np.repeat(start - (np.cumsum(length) - length), length)
        return owner, np.arange(int(length.sum())) + shift

    def of(self, node: int, col: str) -> Any:
        return self.cols[col][self.start[node] : self.stop[node]]

    def replace(self, node: int, **values: Any) -> None:
        n = len(next(iter(values.values())))
        if self.size + n > len(self.cols[next(iter(self.cols))]):
            grow = max(2 * (self.size + n), 16)
            self.cols = {k: _grown(v, grow) for k, v in self.cols.items()}
            wide = _bounds_dtype(grow)
            self.start, self.stop = self.start.astype(wide, copy=False), self.stop.astype(wide, copy=False)
        for k, v in values.items():
            self.cols[k][self.size : self.size + n] = v
        self.start[node], self.stop[node] = self.size, self.size + n
        self.size += n


class _IdLookup:
    """Positions of item ids by a 64-bit hash of each id, sorted, with the position of each hash: 12 bytes an
    item, where the lookup table of a pandas index of strings holds every id once more as a Python object
    (about 80 bytes an item)."""

    def __init__(self, ids: Any) -> None:
        import pandas as pd

        self._ids = ids
        parts = [pd.util.hash_array(np.asarray(ids[i : i + _HASH_BLOCK], dtype=object), categorize=False)
                 for i in range(0, len(ids), _HASH_BLOCK)]  # fmt: skip
        hashes = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)
        order = np.argsort(hashes, kind="stable")
        self._order = order.astype(np.int32) if len(ids) < 2**31 else order
        self._hashes = hashes[order]

    def find(self, item: str) -> int:
        """The position of ``item``, -1 if no id is ``item``."""
        import pandas as pd

        h = pd.util.hash_array(np.array([item], dtype=object), categorize=False)[0]
        lo, hi = np.searchsorted(self._hashes, h, "left"), np.searchsorted(self._hashes, h, "right")
        for pos in self._order[lo:hi].tolist():  # one candidate but where two ids share a hash
            if self._ids[pos] == item:
                return int(pos)
        return -1


_HASH_BLOCK = 1 << 16  # ids hashed at once: their Python strings exist a block at a time


def _bounds_dtype(size: int) -> type[np.signedinteger[Any]]:
    """The integer type of row positions below ``size``: 32 bits where they fit, else 64."""
    return np.int32 if size < _INT32_ROWS else np.int64


_INT32_ROWS = 2**31  # row positions below this fit in 32 bits


def _grown(values: Any, size: int) -> Any:
    """``values`` followed by room up to ``size`` rows (one allocation of ``size``; ``np.resize`` would keep
    a buffer of twice the length alive behind a view)."""
    out = np.empty(size, dtype=values.dtype)
    out[: len(values)] = values
    return out


def _index(keys: IntArray, values: IntArray, n: int) -> _Runs:
    """``values`` grouped by ``keys`` (0 <= key < n), as runs."""
    order = stable_order(keys)
    offsets = np.zeros(n + 1, dtype=np.intp)
    np.cumsum(np.bincount(keys, minlength=n), out=offsets[1:])
    return _Runs.from_offsets(offsets, value=values if order is None else values[order])


class IncrementalCatalogue:
    """A catalogue evaluated once, then kept up to date edit by edit.

    ``set_quantity`` changes, adds or (with 0) removes one BOM line; ``set_amount`` changes or adds one
    activity of an item. Each recomputes the products that contain the changed item and returns their ids;
    :meth:`result` gives the same tables as :func:`calculate_catalogue` of the edited catalogue (to 1e-12
    relative: sums are taken in another order), :meth:`catalogue` the edited catalogue itself.
    """

    def __init__(
        self, catalogue: Catalogue, *, gwp: GWPSetName | GWPSet = DEFAULT_GWP_SET, prefolded: PrefoldedPolicy = "report"
    ) -> None:
        expect_type(catalogue, Catalogue, "catalogue")
        cat = catalogue
        self._cat, self._gwp, self._prefolded = cat, gwp_set(gwp), prefolded
        lib = cat.library
        co2e, self._mismatched = lib.co2e_vector(self._gwp, prefolded, used=np.unique(cat.act_factor))
        pre_mask, _, _ = lib.prefolded
        # per factor: kg CO2e per unit, then per gas column (the gases, then the pre-folded CO2e)
        self._co2e = co2e
        self._per_gas = np.column_stack([lib.gas_matrix * self._gwp.vector(), np.where(pre_mask, co2e, 0.0)])
        self._has_gas = np.column_stack([lib.gas_matrix != 0, pre_mask])
        offsets, children, qty = cat.bom.csr()
        self._bom = _Runs.from_offsets(offsets, child=children, qty=qty)
        self._acts = _Runs.from_offsets(cat.act_offsets, factor=cat.act_factor, qty=cat.act_qty, module=cat.act_module)
        self._parents = _index(cat.bom.edge_child, cat.bom.edge_parent, cat.bom.n_nodes)
        self._products = _index(cat.root, np.arange(cat.n_products, dtype=np.intp), cat.bom.n_nodes)
        n_p = cat.n_products
        self._mod = np.zeros((n_p, _N_M))
        self._gas = np.zeros((n_p, self._per_gas.shape[1]))
        self._mod_rows = np.zeros((n_p, _N_M), dtype=np.int64)
        self._gas_rows = np.zeros((n_p, self._per_gas.shape[1]), dtype=np.int64)
        self._ids = _IdLookup(cat.item_ids)
        self._evaluate_all(offsets)

    # --- edits ----------------------------------------------------------------------------------------------

    def set_quantity(self, parent: str, child: str, quantity: float) -> list[str]:
        """Set the quantity of ``child`` in one unit of ``parent`` (in the child's counting unit), adding the
        BOM line if there is none and removing it for 0; returns the ids of the products recomputed."""
        p, c = self._node(parent, "parent"), self._node(child, "child")
        q = self._number(quantity, "quantity")
        kids, qty = self._bom.of(p, "child"), self._bom.of(p, "qty")
        at = np.flatnonzero(kids == c)
        if len(at):
            keep = np.ones(len(kids), dtype=bool)
            keep[at[1:]] = False  # one line per (parent, child) from now on
            qty = qty.copy()
            qty[at[0]] = q
            if q == 0:
                keep[at[0]] = False
            self._bom.replace(p, child=kids[keep], qty=qty[keep])
        elif q != 0:
            self._refuse_cycle(p, c, parent, child)
            self._bom.replace(p, child=np.append(kids, c), qty=np.append(qty, q))
            self._parents.replace(c, value=np.append(self._parents.of(c, "value"), p))
        return self._recompute(p)

    def set_amount(self, item: str, factor: str, amount: float, unit: str, module: str | None = None) -> list[str]:
        """Set the amount of ``item``'s activity on ``factor`` (in ``module``, by default the factor's), in
        ``unit``, adding the activity if the item has none; returns the ids of the products recomputed."""
        n = self._node(item, "item")
        lib = self._cat.library
        if not isinstance(factor, str) or factor not in lib:
            raise UnknownFactorError(f"unknown factor id {factor!r}: the catalogue's library is {lib.name}")
        fi, fac = lib.index_of(factor), lib[factor]
        mod = module if module is not None else default_module(fac.category)
        if mod not in MODULES:
            raise InputError([Problem("unknown module", field="module", value=mod, expected="A1 ... C4 or D")])
        value = self._number(amount, "amount", negative_ok=mod == "D")
        qty = value * activity_to_factor_unit(unit, fac).multiplier
        m = MODULES.index(mod)
        factors, qtys, mods = (self._acts.of(n, k).copy() for k in ("factor", "qty", "module"))
        at = np.flatnonzero((factors == fi) & (mods == m))
        if len(at):
            qtys[at[0]] = qty
            keep = np.ones(len(factors), dtype=bool)
            keep[at[1:]] = False
            factors, qtys, mods = factors[keep], qtys[keep], mods[keep]
        else:
            factors, qtys, mods = np.append(factors, fi), np.append(qtys, qty), np.append(mods, m)
        self._acts.replace(n, factor=factors, qty=qtys, module=mods)
        return self._recompute(n)

    # --- results --------------------------------------------------------------------------------------------

    def result(self) -> CatalogueResult:
        """Every product, supplier, family and the cluster, as :func:`calculate_catalogue` gives them."""
        bad = ~(np.isfinite(self._mod).all(axis=1) & np.isfinite(self._gas).all(axis=1))
        if bad.any():
            ids = [str(p) for p in self._cat.product_ids[np.flatnonzero(bad)[:10]]]
            raise NonFiniteError(
                [Problem(f"products {ids} have a kg CO2e that is not a finite number", field="quantity",
                         expected="quantities whose products along the BOM stay finite")],
                what="catalogue edit",
            )  # fmt: skip
        return result_tables(
            self._cat, self._cat.library, self._gwp, self._mod, np.asarray(self._mod_rows.any(axis=0), dtype=bool), self._gas,
            np.asarray(self._gas_rows.any(axis=0), dtype=bool), self._mismatched, self._prefolded,
        )  # fmt: skip

    def catalogue(self) -> Catalogue:
        """The edited catalogue (its arrays built again from every node's current rows)."""
        cat, n = self._cat, self._cat.bom.n_nodes
        nodes = np.arange(n, dtype=np.intp)
        owner, pos = self._bom.rows(nodes)
        bom = BomArrays(n, owner, self._bom.cols["child"][pos], self._bom.cols["qty"][pos])
        a_owner, a_pos = self._acts.rows(nodes)
        offsets = np.zeros(n + 1, dtype=np.intp)
        np.cumsum(self._acts.stop - self._acts.start, out=offsets[1:])
        cols = {k: v[a_pos] for k, v in self._acts.cols.items()}
        return Catalogue(
            library=cat.library, product_ids=cat.product_ids, supplier_of=cat.supplier_of,
            supplier_ids=cat.supplier_ids, family_of=cat.family_of, family_ids=cat.family_ids,
            item_ids=cat.item_ids, bom=bom, root=cat.root, act_item=a_owner, act_factor=cols["factor"],
            act_qty=cols["qty"], act_module=cols["module"], act_offsets=offsets,
        )  # fmt: skip

    # --- internals ------------------------------------------------------------------------------------------

    def _node(self, item: object, field: str) -> int:
        node = self._ids.find(item) if isinstance(item, str) else -1
        if node < 0:
            raise InputError(
                [Problem("no such item in the catalogue", field=field, value=item, expected="an item id of the BOM")],
                what="catalogue edit",
            )
        return node

    @staticmethod
    def _number(value: object, field: str, negative_ok: bool = False) -> float:
        ok = isinstance(value, int | float) and not isinstance(value, bool) and np.isfinite(value)
        if not ok or (value < 0 and not negative_ok):  # type: ignore[operator]
            raise InputError(
                [Problem("not a finite number >= 0", field=field, value=value, expected="a number >= 0")],
                what="catalogue edit",
            )
        return float(value)  # type: ignore[arg-type]

    def _refuse_cycle(self, p: int, c: int, parent: str, child: str) -> None:
        """Refuse a new line parent -> child if the child already contains the parent."""
        frontier, seen = np.array([c], dtype=np.intp), np.array([c], dtype=np.intp)
        while len(frontier):
            if (frontier == p).any():
                raise CycleError(
                    [Problem(f"the line {parent} -> {child} would close a cycle: {child} contains {parent}",
                             field="child", value=child, expected="an item never contains itself")],
                    [parent, child, parent], what="catalogue edit",
                )  # fmt: skip
            _, pos = self._bom.rows(frontier)
            frontier = np.setdiff1d(self._bom.cols["child"][pos], seen)
            seen = np.union1d(seen, frontier)

    def _recompute(self, node: int) -> list[str]:
        """Evaluate again every product whose root reaches ``node``; their ids."""
        frontier = seen = np.array([node], dtype=np.intp)
        while len(frontier):
            _, pos = self._parents.rows(frontier)
            frontier = np.setdiff1d(self._parents.cols["value"][pos], seen)
            seen = np.union1d(seen, frontier)
        _, pos = self._products.rows(seen)
        products = np.sort(self._products.cols["value"][pos]).astype(np.intp)
        self._evaluate(products)
        return [str(p) for p in self._cat.product_ids[products]]

    def _evaluate_all(self, offsets: IntArray) -> None:
        """Every product's modules and gases, exploded a block of products at a time (the exploded rows of
        the whole catalogue never exist at once), over the BOM sorted by parent once."""
        cat = self._cat
        bom = BomArrays(cat.bom.n_nodes, np.repeat(np.arange(cat.bom.n_nodes), np.diff(offsets)),
                        self._bom.cols["child"][: self._bom.size], self._bom.cols["qty"][: self._bom.size])  # fmt: skip
        for start in range(0, cat.n_products, _SETUP_BLOCK):
            products = np.arange(start, min(start + _SETUP_BLOCK, cat.n_products), dtype=np.intp)
            k = len(products)
            ex = explode(bom, np.arange(k, dtype=np.intp), cat.root[products], np.ones(k), merge=False)
            rep, act = gather_runs(cat.act_offsets, ex.node)
            qty = ex.count[rep] * cat.act_qty[act]
            self._store(products, ex.group[rep], cat.act_factor[act], cat.act_module[act], qty)

    def _evaluate(self, products: IntArray) -> None:
        """Explode ``products`` level by level over the current rows and store their modules and gases."""
        n_nodes, k = self._cat.bom.n_nodes, len(products)
        group, node, count = np.arange(k, dtype=np.intp), self._cat.root[products], np.ones(k)
        parts = [(group, node, count)]
        for _ in range(n_nodes + 1):
            rep, pos = self._bom.rows(node)
            if not len(pos):
                break
            key = group[rep].astype(np.int64) * n_nodes + self._bom.cols["child"][pos]
            uniq, inv = np.unique(key, return_inverse=True)
            count = np.bincount(
                inv.ravel(), weights=count[rep] * self._bom.cols["qty"][pos], minlength=len(uniq)
            ).astype(np.float64)
            group, node = (uniq // n_nodes).astype(np.intp), (uniq % n_nodes).astype(np.intp)
            parts.append((group, node, count))
        g, nd, c = (np.concatenate(x) for x in zip(*parts, strict=True))
        rep, pos = self._acts.rows(nd)
        qty = c[rep] * self._acts.cols["qty"][pos]
        self._store(products, g[rep], self._acts.cols["factor"][pos], self._acts.cols["module"][pos], qty)

    def _store(self, products: IntArray, grp: IntArray, fac: IntArray, mod: IntArray, qty: FloatArray) -> None:
        """Modules, gases and their row counts of ``products`` from their exploded rows (``grp``: position
        in ``products``), by weighted counts over the rows and over (product, factor in use)."""
        k = len(products)
        key = grp * _N_M + mod
        self._mod[products] = np.bincount(key, weights=qty * self._co2e[fac], minlength=k * _N_M).reshape(k, _N_M)
        self._mod_rows[products] = np.bincount(key, minlength=k * _N_M).reshape(k, _N_M)
        used, f_pos = np.unique(fac, return_inverse=True)
        pf = grp * len(used) + f_pos.ravel()
        size = k * len(used)
        qty_pf = np.bincount(pf, weights=np.where(mod != _D, qty, 0.0), minlength=size).reshape(k, len(used))
        self._gas[products] = qty_pf @ self._per_gas[used]
        rows_pf = np.bincount(pf, minlength=size).reshape(k, len(used))
        self._gas_rows[products] = rows_pf @ self._has_gas[used].astype(np.int64)

    def __repr__(self) -> str:
        cat = self._cat
        return f"IncrementalCatalogue({cat.n_products} products, {len(cat.supplier_ids)} suppliers, {self._gwp.name})"
