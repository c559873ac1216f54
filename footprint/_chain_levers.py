"""Reduction levers over a supply chain of product files (a cluster's suppliers): a lever whose scope is a
product, a family, a supplier or every product applies to each product it covers, and a supplier's changed
footprint flows into the products that buy it, tier by tier, as :func:`footprint.calculate_chain` computes
them. Savings are over one declared unit of each product, or over the deliveries of a period that leave the
cluster (supplier and cluster level, each product counted once).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from ._catalogue_levers import delivery_weights
from ._factors import FactorLibrary, PrefoldedPolicy
from ._gwp import DEFAULT_GWP_SET, GWPSet, GWPSetName, gwp_set
from ._lever_scope import ScopeKey, key_mask
from ._levers import Lever, LeverFile, LeverResult, _check_iterations, _err, _scenarios, apply_lever, lever_row
from ._lifecycle import PreparedProduct, _evaluate, _slug, prepare_product
from ._modules import CRADLE_TO_GATE, MODULES

if TYPE_CHECKING:
    import os

    import pandas as pd

    from ._product import Product
    from ._suppliers import Supplier
    from ._types import TableSource

__all__ = ["evaluate_chain_levers"]

_D = MODULES.index("D")
_GATE = np.isin(np.arange(len(MODULES)), [MODULES.index(m) for m in CRADLE_TO_GATE])


@dataclass(frozen=True)
class _Link:
    """A buyer's rows that carry a supplier product's declared footprint."""

    supplier_product: str
    rows: npt.NDArray[np.intp]


@dataclass(frozen=True)
class _Outcome:
    """One product under one scenario, per declared unit: A1-C4, A1-A3, per module, and the total's samples."""

    total: float
    gate: float
    by_module: npt.NDArray[np.float64]
    samples: npt.NDArray[np.float64]


def _prepared(products: Sequence[Product], library: FactorLibrary | None, gs: GWPSet, prefolded: PrefoldedPolicy,
              ) -> tuple[list[PreparedProduct], dict[str, list[_Link]]]:  # fmt: skip
    """Each product prepared as :func:`calculate_chain` computes it (in supply order), with the rows of each
    supplier product it buys."""
    from ._suppliers import _carried, calculate_chain

    results = calculate_chain(products, library, gwp=gs, prefolded=prefolded)  # checks the chain, names cycles
    by_id = {p.id: p for p in products}
    preps, links = [], {}
    for pid in _supply_order(products):
        p = by_id[pid]
        items = [
            it.model_copy(update={"declared_footprint": _carried(results[it.supplier_product],
                                                                  by_id[it.supplier_product]),
                                  "supplier_product": None}) if it.supplier_product else it
            for it in p.items
        ]  # fmt: skip
        prep = prepare_product(p.model_copy(update={"items": items}), library)
        links[pid] = [
            _Link(it.supplier_product, np.flatnonzero(prep.act_factor == prep.library.index_of(
                f"pcf.{_slug(p.id)}.{_slug(it.id)}")).astype(np.intp))
            for it in p.items if it.supplier_product
        ]  # fmt: skip
        preps.append(prep)
    return preps, links


def _supply_order(products: Sequence[Product]) -> list[str]:
    """Product ids, each after the supplier products it buys (the chain is checked acyclic before)."""
    by_id = {p.id: p for p in products}
    order: list[str] = []
    seen: set[str] = set()

    def visit(pid: str) -> None:
        if pid in seen:
            return
        seen.add(pid)
        for it in by_id[pid].items:
            if it.supplier_product:
                visit(it.supplier_product)
        order.append(pid)

    for p in products:
        visit(p.id)
    return order


def _covers(lever: Lever, prep: PreparedProduct) -> bool:
    """Whether a lever's scope covers a product of the chain: its product, family or supplier keys, and
    (for a scope over several products) the items, materials and factors it names being in this one."""
    sc, p = lever.scope, prep.product
    if (sc.product is not None and sc.product != p.id) or (sc.family is not None and sc.family != p.family):
        return False
    if sc.supplier is not None and sc.supplier != p.supplier:
        return False
    if sc.items is not None and not set(sc.items) & set(prep.node_ids):
        return False
    if sc.materials is not None and not set(sc.materials) & {m.id for m in p.materials}:
        return False
    froms = [lever.from_factor] if isinstance(lever.from_factor, str) else lever.from_factor or []
    used = {prep.library.factor_at(int(f)).id for f in np.unique(prep.act_factor)}
    return not froms or bool(set(froms) & used)


def _check_scopes(levers: Sequence[Lever], preps: Sequence[PreparedProduct]) -> None:
    """Every product, family and supplier a scope names is one of the chain's, and every lever covers a
    product."""
    known: dict[ScopeKey, list[str | None]] = {
        "product": [p.product.id for p in preps], "family": [p.product.family for p in preps],
        "supplier": [p.product.supplier for p in preps],
    }  # fmt: skip
    for lv in levers:
        for key, ids in known.items():
            key_mask(lv, key, ids)  # the chain's products it names: checked here, matched by _covers
        if not any(_covers(lv, p) for p in preps):
            raise _err(lv, "scope", "the lever covers no product of the chain (its items, materials or factor "
                       "are in none of the products in its scope)", lv.scope.model_dump(exclude_none=True))  # fmt: skip


def _local(lever: Lever) -> Lever:
    """The lever as it applies inside one product (the product, family and supplier keys already matched)."""
    scope = lever.scope.model_copy(update={"product": None, "family": None, "supplier": None, "catalogue": False})
    return lever.model_copy(update={"scope": scope})


def _outcome(prep: PreparedProduct, gs: GWPSet, prefolded: PrefoldedPolicy, iterations: int, seed: int) -> _Outcome:
    from ._uncertainty import sample_evaluated

    ev = _evaluate(prep, gs, prefolded, 1.0)
    samples = sample_evaluated(prep, ev, iterations, seed, gs).total
    by = np.bincount(ev.module, ev.kgco2e, minlength=len(MODULES)).astype(np.float64)
    return _Outcome(float(by.sum() - by[_D]), float(by[_GATE].sum()), by, samples)


def _run(
    preps: Sequence[PreparedProduct], links: dict[str, list[_Link]], levers: Sequence[Lever], base: dict[str, _Outcome],
    opts: tuple[GWPSet, PrefoldedPolicy, int, int],
) -> tuple[dict[str, _Outcome], dict[str, set[str]]]:  # fmt: skip
    """Every product under ``levers``, in supply order: its own levers applied, then each supplier product's
    declared rows scaled by the supplier's new / old cradle-to-gate footprint. Also, per lever, the products
    it changed directly."""
    out: dict[str, _Outcome] = {}
    direct: dict[str, set[str]] = {lv.name: set() for lv in levers}
    for prep in preps:
        pid, scen = prep.product.id, prep
        for lv in levers:
            if _covers(lv, prep):
                scen = apply_lever(scen, _local(lv))
                direct[lv.name].add(pid)
        amount = scen.act_amount
        for link in links[pid]:
            old, new = base[link.supplier_product].gate, out[link.supplier_product].gate
            if new != old:
                amount = amount.copy() if amount is scen.act_amount else amount
                amount[link.rows] *= new / old if old else 1.0
        if amount is not scen.act_amount:
            scen = replace(scen, act_amount=amount)
        out[pid] = base[pid] if scen is prep else _outcome(scen, *opts)
    return out, direct


def evaluate_chain_levers(
    products: Sequence[Product],
    levers: LeverFile | Sequence[Lever],
    library: FactorLibrary | None = None,
    *,
    combine: str | Sequence[Sequence[str]] | None = None,
    gwp: GWPSetName | GWPSet = DEFAULT_GWP_SET,
    prefolded: PrefoldedPolicy = "report",
    iterations: int = 1000,
    seed: int = 0,
    deliveries: pd.DataFrame | str | os.PathLike[str] | None = None,
    period: str | None = None,
    suppliers: Sequence[Supplier] | None = None,
) -> LeverResult:
    """Each lever alone, then each combination asked for, over a supply chain of products.

    A lever applies to every product its scope covers (``product``, ``family``, ``supplier``; all with
    ``catalogue`` or no key), within it to the ``items``, ``materials`` and ``modules`` named; products whose
    supplier product changes get its new cradle-to-gate footprint. Savings are over one declared unit of each
    product, or with ``deliveries`` over the declared units delivered in ``period`` (default: the last) that
    leave the cluster (a delivery to another member is inside its buyer's product). ``saving_by_supplier``
    is over each supplier's deliveries (gross). A lever's cost is its cost per declared unit times the units
    made (gross) of the products it changes directly.
    """
    _check_iterations(iterations, "evaluate_chain_levers")
    gs = gwp_set(gwp)
    lv_list, by_name, combos = _scenarios(levers, combine)
    preps, links = _prepared(products, library, gs, prefolded)
    _check_scopes(lv_list, preps)
    ids = [p.product.id for p in preps]
    net, gross, basis = _chain_weights(preps, library, gs, prefolded, deliveries, period, suppliers)
    opts = (gs, prefolded, iterations, seed)
    base = {p.product.id: _outcome(p, *opts) for p in preps}
    sup_of = [str(p.product.supplier) for p in preps]
    b_total = float(sum(net[k] * base[i].total for k, i in enumerate(ids)))
    b_mod = sum((net[k] * base[i].by_module for k, i in enumerate(ids)), np.zeros(len(MODULES)))
    rows = []
    for combo in combos:
        scen, direct = _run(preps, links, [by_name[n] for n in combo], base, opts)
        saving = [base[i].total - scen[i].total for i in ids]
        samples = sum((net[k] * (base[i].samples - scen[i].samples) for k, i in enumerate(ids)), np.zeros(iterations))
        mods = sum(
            (net[k] * (base[i].by_module - scen[i].by_module) for k, i in enumerate(ids)), np.zeros(len(MODULES))
        )
        units = [float(sum(gross[k] for k, i in enumerate(ids) if i in direct[n])) for n in combo]
        row = lever_row([by_name[n] for n in combo], b_total, b_total - float(net @ np.array(saving)), samples, units,
                        {m: float(mods[j]) for j, m in enumerate(MODULES) if j != _D and mods[j] != 0})  # fmt: skip
        row["saving_by_product"] = {i: saving[k] for k, i in enumerate(ids) if saving[k] != 0}
        row["saving_by_supplier"] = _by_supplier(sup_of, gross * np.array(saving))
        rows.append(row)
    rows.sort(key=lambda r: -float(r["saving_kgco2e"]))
    b_sup = _by_supplier(sup_of, gross * np.array([base[i].total for i in ids]))
    return LeverResult("chain: " + ", ".join(ids), gs.name, b_total,
                       {m: float(b_mod[j]) for j, m in enumerate(MODULES) if j != _D and b_mod[j] != 0},
                       iterations, seed, rows, basis, b_sup)  # fmt: skip


def _by_supplier(suppliers: Sequence[str], values: npt.NDArray[np.float64]) -> dict[str, float]:
    out: dict[str, float] = {}
    for s, v in zip(suppliers, values.tolist(), strict=True):  # a few products
        out[s] = out.get(s, 0.0) + v
    return {s: v for s, v in out.items() if v != 0}


def _chain_weights(
    preps: Sequence[PreparedProduct],
    library: FactorLibrary | None,
    gs: GWPSet,
    prefolded: PrefoldedPolicy,
    deliveries: TableSource | None,
    period: str | None,
    suppliers: Sequence[Supplier] | None,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], str]:
    """Per product (in supply order) the declared units the saving counts (net) and those made (gross)."""  # fmt: skip
    ones = np.ones(len(preps))
    if deliveries is None:
        return ones, ones, "one declared unit of each product"
    from ._suppliers import calculate_chain, footprint_table

    results = calculate_chain([p.product for p in preps], library, gwp=gs, prefolded=prefolded)
    return delivery_weights(footprint_table(results), [p.product.id for p in preps], deliveries, period, suppliers)
