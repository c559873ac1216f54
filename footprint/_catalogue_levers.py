"""Reduction levers over a catalogue: a lever whose scope is a product, a family, a supplier or the whole
catalogue (optionally only some items or modules) applied to the catalogue's exploded rows, evaluated alone
and in combination, over one unit of each product or over the deliveries of a period.

Each exploded row is (product, activity, factor, quantity in the factor's unit). A lever edits the factor
and quantity of the rows it covers (or moves a share of them to new rows); only the rows a scenario can
touch are gathered (by factor, through a CSR index built once), so a scenario costs in proportion to the
rows of its factors, not to the catalogue. The total is linear in each factor's value, so the Monte Carlo
saving is one product of the factors' draws (keyed by factor id: common random numbers) with the change of
kg CO2e per factor.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ._catalogue import Catalogue, ExplodedCatalogue
from ._engine import explode, gather_runs
from ._factors import FactorLibrary, PrefoldedPolicy
from ._gwp import DEFAULT_GWP_SET, GWPSet, GWPSetName, gwp_set
from ._lever_scope import item_mask, key_mask, module_mask
from ._levers import (
    Lever,
    LeverError,
    LeverFile,
    LeverResult,
    _check_energy,
    _check_iterations,
    _err,
    _factor_index,
    _pairs,
    _scenarios,
    _share_pair,
    _unit_multiplier,
    lever_row,
)
from ._modules import MODULES

if TYPE_CHECKING:
    import os

    import pandas as pd

    from ._suppliers import Supplier
    from ._types import TableSource

__all__ = ["evaluate_catalogue_levers"]

_D = MODULES.index("D")
_PRODUCT_ONLY = ("service_life", "maintenance_interval")


@dataclass
class _State:
    """Rows of a scenario: product, activity, factor and quantity (in the factor's unit)."""

    product: npt.NDArray[np.intp]
    act: npt.NDArray[np.intp]
    factor: npt.NDArray[np.intp]
    qty: npt.NDArray[np.float64]

    def take(self, idx: npt.NDArray[np.intp]) -> _State:
        return _State(self.product[idx], self.act[idx], self.factor[idx], self.qty[idx])


@dataclass
class _Context:
    """A catalogue made ready for levers: its exploded rows, the rows of each factor (CSR), CO2e per factor,
    the weight of each product (1, or the declared units delivered) and the caches of scope masks."""

    cat: Catalogue
    rows: _State
    by_factor: npt.NDArray[np.intp]
    factor_offsets: npt.NDArray[np.intp]
    co2e: npt.NDArray[np.float64]
    weight: npt.NDArray[np.float64]
    gross: npt.NDArray[np.float64]
    iterations: int
    seed: int
    gwp: GWPSet
    drawn: npt.NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))
    draws: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros((0, 0)))
    masks: dict[object, npt.NDArray[np.bool_]] = field(default_factory=dict)
    conversions: dict[tuple[int, int], float] = field(default_factory=dict)
    positions: dict[str, int] = field(default_factory=dict)

    @property
    def lib(self) -> FactorLibrary:
        return self.cat.library


def _explode_rows(cat: Catalogue) -> _State:
    """Every product's exploded activity rows, keeping each row's activity (for item and module scopes)."""
    n_p = cat.n_products
    ex = explode(cat.bom, np.arange(n_p, dtype=np.intp), cat.root, np.ones(n_p), merge=False)
    rep, act = gather_runs(cat.act_offsets, ex.node)
    return _State(ex.group[rep], act, cat.act_factor[act], ex.count[rep] * cat.act_qty[act])


def _factor(ctx: _Context, lever: Lever, fid: str, fld: str) -> int:
    if fid not in ctx.positions:
        ctx.positions[fid] = _factor_index(lever, ctx.lib, fid, fld)
    return ctx.positions[fid]


def _scope(ctx: _Context, lever: Lever) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """(products, activities) a lever's scope covers (each mask made once per distinct scope); every problem
    of the scope is a named error."""
    sc = lever.scope
    p_key = ("products", sc.product, sc.family, sc.supplier)
    a_key = (
        "activities",
        None if sc.items is None else tuple(sc.items),
        None if sc.modules is None else tuple(sc.modules),
    )
    checked = lever.kind not in _PRODUCT_ONLY and lever.target in (None, "activity") and sc.materials is None
    if checked and p_key in ctx.masks and a_key in ctx.masks:
        return ctx.masks[p_key], ctx.masks[a_key]
    import pandas as pd

    cat = ctx.cat
    if lever.kind in _PRODUCT_ONLY or (lever.kind == "scale_quantity" and lever.target != "activity"):
        what = lever.kind if lever.kind in _PRODUCT_ONLY else f"target: {lever.target}"
        raise _err(lever, "kind", f"{what} needs product files (service life, replacements, part masses)",
                   what, "in a catalogue: substitute_factor, energy_supply, recycled_content, end_of_life, "
                   "transport, or scale_quantity with target: activity")  # fmt: skip
    if sc.materials is not None:
        raise _err(lever, "scope.materials", "a catalogue has no materials; name the material's factor in 'from'",
                   sc.materials[0], "scope: {items: [...]} and from: FACTOR")  # fmt: skip
    products = key_mask(lever, "product", cat.product_ids, limit=10)
    products &= key_mask(lever, "family", cat.family_ids, limit=10)[cat.family_of]
    products &= key_mask(lever, "supplier", cat.supplier_ids, limit=10)[cat.supplier_of]
    acts = np.ones(len(cat.act_item), dtype=bool)
    if sc.items is not None:
        acts &= item_mask(lever, cat.item_ids.get_indexer(pd.Index(sc.items)), cat.act_item, "catalogue")
    acts &= module_mask(lever, cat.act_module)
    ctx.masks[p_key], ctx.masks[a_key] = products, acts
    return products, acts


def _category_factors(ctx: _Context, categories: Sequence[str]) -> list[int]:
    return [i for i, f in enumerate(ctx.lib) if f.category in categories]


def _froms(ctx: _Context, lever: Lever) -> list[int] | None:
    """The factors whose rows a lever can change (None: any factor)."""
    if lever.kind in ("substitute_factor", "energy_supply", "recycled_content", "end_of_life"):
        ids = [f for f, _ in _pairs(lever)]
        return None if None in ids else [_factor(ctx, lever, str(f), "from") for f in ids]
    if lever.from_factor is not None:
        froms = [lever.from_factor] if isinstance(lever.from_factor, str) else list(lever.from_factor)
        return [_factor(ctx, lever, f, "from") for f in froms]
    return _category_factors(ctx, ["freight"]) if lever.kind == "transport" else None


def _candidates(ctx: _Context, levers: Sequence[Lever]) -> npt.NDArray[np.intp]:
    """The rows a combination can touch: the rows of the factors its levers change, and of the factors an
    earlier lever of the combination turns into them (so a chain A -> B, B -> C sees A's rows)."""
    sets = [_froms(ctx, lv) for lv in levers]
    if any(s is None for s in sets):
        return np.arange(len(ctx.rows.qty), dtype=np.intp)
    wanted = {f for s in sets for f in s or ()}
    grown = True
    while grown:  # a few levers: until no lever turns another factor into a wanted one
        size = len(wanted)
        for lv, froms in zip(levers, sets, strict=True):
            tos = [_factor(ctx, lv, t, "to") for _, t in _pairs(lv)] if lv.to_factor is not None else []
            if wanted.intersection(tos):
                wanted |= set(froms or ())
        grown = len(wanted) > size
    if len(wanted) == 1:  # the usual single lever: its factor's rows are one run of the index
        (f,) = wanted
        return ctx.by_factor[ctx.factor_offsets[f] : ctx.factor_offsets[f + 1]]
    keys = np.fromiter(sorted(wanted), dtype=np.intp)
    _, pos = gather_runs(ctx.factor_offsets, keys)
    return ctx.by_factor[pos]


def _multiplier(ctx: _Context, lever: Lever, old: int, new: int) -> float:
    """From factor ``old``'s unit to ``new``'s: converted once per pair and evaluation."""
    if (old, new) not in ctx.conversions:
        ctx.conversions[old, new] = _unit_multiplier(lever, ctx.lib.factor_at(old), ctx.lib.factor_at(new))
    return ctx.conversions[old, new]


def _conversion(ctx: _Context, lever: Lever, old: npt.NDArray[np.intp], new: int) -> npt.NDArray[np.float64]:
    """Per row, the multiplier from its factor's unit to ``new``'s (one conversion per distinct factor)."""
    mult = np.ones(len(ctx.lib))
    for f in (np.unique(old) if len(old) else old).tolist():  # distinct factors, not rows
        mult[f] = _multiplier(ctx, lever, f, new)
    return mult[old]


def _swap(ctx: _Context, st: _State, lever: Lever, mask: npt.NDArray[np.bool_]) -> _State:
    """Substitute factors on the masked rows (pairwise; each pair sees the factors as they were)."""
    if lever.kind == "energy_supply":
        ids = [f for pair in _pairs(lever) for f in pair if f is not None]  # both sides, as on a product
        _check_energy(lever, {ctx.lib.factor_at(_factor(ctx, lever, f, "to")).category for f in ids})
    hits = []
    for old, to in _pairs(lever):
        new = _factor(ctx, lever, to, "to")
        f_old = _factor(ctx, lever, old, "from") if old is not None else None
        sel = mask & (st.factor == f_old) if f_old is not None else mask
        if not sel.any():
            raise _err(lever, "from", "the factor is not used in the lever's scope", old)
        hits.append((sel, f_old, new))
    factor, qty = st.factor.copy(), st.qty.copy()
    for sel, f_old, new in hits:
        qty[sel] *= (
            _conversion(ctx, lever, st.factor[sel], new) if f_old is None else _multiplier(ctx, lever, f_old, new)
        )
        factor[sel] = new
    return _State(st.product, st.act, factor, qty)


def _shift(ctx: _Context, st: _State, lever: Lever, mask: npt.NDArray[np.bool_]) -> _State:
    """Move ``fraction`` of the masked rows of factor ``from`` to new rows of factor ``to``."""
    old, to = _share_pair(lever)
    idx = np.flatnonzero(mask & (st.factor == _factor(ctx, lever, old, "from")))
    new = _factor(ctx, lever, to, "to")
    if not len(idx):
        raise _err(lever, "from", "the factor is not used in the lever's scope", old)
    f = float(lever.fraction or 0.0)
    qty = st.qty.copy()
    moved = qty[idx] * f * _conversion(ctx, lever, st.factor[idx], new)
    qty[idx] *= 1.0 - f
    return _State(np.concatenate([st.product, st.product[idx]]), np.concatenate([st.act, st.act[idx]]),
                  np.concatenate([st.factor, np.full(len(idx), new, dtype=np.intp)]),
                  np.concatenate([qty, moved]))  # fmt: skip


def _apply(ctx: _Context, st: _State, lever: Lever) -> _State:
    """A scenario's rows with ``lever`` applied (``st`` is left as it is)."""
    products, acts = _scope(ctx, lever)
    mask = products[st.product] & acts[st.act]
    if lever.kind in ("substitute_factor", "energy_supply"):
        return _swap(ctx, st, lever, mask)
    if lever.kind in ("recycled_content", "end_of_life"):
        return _shift(ctx, st, lever, mask)
    froms = _froms(ctx, lever)
    if froms is not None:
        mask = mask & (st.factor == froms[0] if len(froms) == 1 else np.isin(st.factor, froms))
    if lever.kind == "transport":
        if not mask.any():
            raise _err(lever, "scope", "no transport row in the lever's scope", lever.from_factor)
        if lever.to_factor is not None:
            st = _swap(ctx, st, lever.model_copy(update={"kind": "substitute_factor"}), mask)
        scale = (lever.scale if lever.scale is not None else 1.0) * (
            lever.load_factor[0] / lever.load_factor[1] if lever.load_factor is not None else 1.0
        )
    else:
        scale = float(lever.scale if lever.scale is not None else 1.0)
    qty = st.qty.copy()
    qty[mask] *= scale
    return _State(st.product, st.act, st.factor, qty)


def _factor_draws(ctx: _Context, factors: npt.NDArray[np.intp]) -> npt.NDArray[np.float64]:
    """(iterations x factors) draws, each factor's column drawn once per evaluation from the generator of its
    id (common random numbers)."""
    from ._uncertainty import _factor_draws as draw

    if not len(ctx.drawn):
        ctx.drawn = np.zeros(len(ctx.lib), dtype=bool)
        ctx.draws = np.ones((ctx.iterations, len(ctx.lib)))
    missing = factors[~ctx.drawn[factors]]
    if len(missing):
        ids = [ctx.lib.factor_at(int(f)).id for f in missing]
        ctx.draws[:, missing] = draw(ids, ctx.lib, ctx.iterations, ctx.seed, ctx.gwp)[0]
        ctx.drawn[missing] = True
    return ctx.draws[:, factors]


def _kg(ctx: _Context, st: _State) -> npt.NDArray[np.float64]:
    """kg CO2e of each row per unit of its product, module D rows at 0."""
    kg: npt.NDArray[np.float64] = st.qty * ctx.co2e[st.factor]
    return np.where(ctx.cat.act_module[st.act] != _D, kg, 0.0)


def _changed(ctx: _Context, before: _State, after: _State) -> npt.NDArray[np.bool_]:
    """Which products have rows that differ between two states of a scenario (``after`` may add rows)."""
    n0 = len(before.qty)
    out = np.zeros(ctx.cat.n_products, dtype=bool)
    out[before.product[(after.factor[:n0] != before.factor) | (after.qty[:n0] != before.qty)]] = True
    out[after.product[n0:]] = True
    return out


def _scenario_row(ctx: _Context, levers: Sequence[Lever], base: float) -> dict[str, Any]:
    """One combination: its saving over the basis, per module and supplier, and its Monte Carlo samples."""
    before = ctx.rows.take(_candidates(ctx, levers))
    after, units = before, []
    hit = np.zeros(ctx.cat.n_products, dtype=bool)
    for lv in levers:
        step = _apply(ctx, after, lv)
        changed = _changed(ctx, after, step)
        units.append(float(ctx.gross @ changed))
        hit |= changed
        after = step
    u0, u1 = _kg(ctx, before), _kg(ctx, after)
    kg0, kg1 = u0 * ctx.weight[before.product], u1 * ctx.weight[after.product]
    n_f, cat = len(ctx.lib), ctx.cat
    delta = np.bincount(before.factor, kg0, minlength=n_f) - np.bincount(after.factor, kg1, minlength=n_f)
    nz = np.flatnonzero(delta)
    samples = _factor_draws(ctx, nz) @ delta[nz]
    n_m = len(MODULES)
    mods = np.bincount(cat.act_module[before.act], kg0, minlength=n_m)
    mods -= np.bincount(cat.act_module[after.act], kg1, minlength=n_m)
    same = ctx.gross is ctx.weight
    g0 = kg0 if same else u0 * ctx.gross[before.product]
    g1 = kg1 if same else u1 * ctx.gross[after.product]
    n_s = len(cat.supplier_ids)
    sup = np.bincount(cat.supplier_of[before.product], g0, minlength=n_s)
    sup -= np.bincount(cat.supplier_of[after.product], g1, minlength=n_s)
    saving = float(kg0.sum() - kg1.sum())
    row = lever_row(levers, base, base - saving, samples, units,
                    {m: float(mods[i]) for i, m in enumerate(MODULES) if mods[i] != 0})  # fmt: skip
    row["saving_by_supplier"] = {str(cat.supplier_ids[k]): float(sup[k]) for k in np.flatnonzero(sup)}
    row["products_changed"] = int(hit.sum())
    return row


def _weights(
    cat: Catalogue,
    ex: ExplodedCatalogue | None,
    deliveries: TableSource | None,
    period: str | None,
    suppliers: Sequence[Supplier] | None,
    gs: GWPSet,
    prefolded: PrefoldedPolicy,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], str]:
    """Per product, the units the saving counts (net of deliveries to another member of the cluster) and the
    units made (gross), with the basis in words: one unit of each product, or a period's deliveries."""  # fmt: skip
    ones = np.ones(cat.n_products)
    if deliveries is None:
        return ones, ones, "one unit of each product"  # the same array: the gross sums are the net ones
    from ._catalogue import calculate_catalogue
    from ._suppliers import footprint_table

    res = calculate_catalogue(ex if ex is not None else cat, gwp=gs, prefolded=prefolded)
    return delivery_weights(footprint_table(res), list(cat.product_ids), deliveries, period, suppliers)


def delivery_weights(
    table: Any,
    product_ids: Sequence[str],
    deliveries: TableSource,
    period: str | None,
    suppliers: Sequence[Supplier] | None,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], str]:
    """Declared units of each product delivered in ``period`` (default: the last in the table): those that
    leave the cluster (net, which count each product once) and all (gross). Deliveries are read and checked
    by :func:`footprint.supplier_footprints` (every bad row a named :class:`DeliveryError`)."""  # fmt: skip
    import pandas as pd

    from ._suppliers import _read_deliveries, supplier_footprints

    name = "deliveries" if isinstance(deliveries, pd.DataFrame) else str(deliveries)
    d, _, _ = _read_deliveries(deliveries, name)
    periods = sorted({str(p).strip() for p in d.get("period", pd.Series(dtype=str)).dropna()})
    if period is not None and period not in periods:
        raise LeverError([_problem(name, period, periods)], what=name)
    chosen = period if period is not None else (periods[-1] if periods else "")
    sf = supplier_footprints(table, d, periods=periods or None, suppliers=suppliers)
    lines = sf.lines[sf.lines["period"] == chosen]
    index = pd.Index(product_ids)
    pos = index.get_indexer(pd.Index(lines["product"].astype(str)))
    q = lines["quantity"].to_numpy(dtype=float)
    gross = np.bincount(pos, q, minlength=len(index)).astype(np.float64)
    net = np.bincount(pos, q * ~lines["intra_cluster"].to_numpy(dtype=bool), minlength=len(index)).astype(np.float64)
    return net, gross, f"deliveries of {chosen} leaving the cluster"


def _problem(name: str, period: str, periods: list[str]) -> Any:
    from ._errors import Problem

    return Problem("no deliveries in that period", file=name, field="period", value=period,
                   expected=f"one of: {', '.join(periods)}")  # fmt: skip


def evaluate_catalogue_levers(
    catalogue: Catalogue | ExplodedCatalogue,
    levers: LeverFile | Sequence[Lever],
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
    """Each lever alone, then each combination asked for, applied to a catalogue's arrays.

    A lever's ``scope`` picks the products (``product``, ``family``, ``supplier``, or all: ``catalogue`` or no
    product key) and optionally ``items`` and ``modules``. Kinds that need product files (service life,
    replacements, part masses and scrap, materials) are named errors. Savings are over one unit of each
    product, or, with ``deliveries`` (``product``, ``period``, ``quantity``, ``customer``), over the declared
    units delivered in ``period`` (default: the last) that leave the cluster: a delivery to another supplier of
    the catalogue (or of ``suppliers``' cluster) is counted in its buyer's product, not twice.
    ``saving_by_supplier`` is over each supplier's deliveries (gross). The cost of a lever is its cost per
    declared unit times the units made (gross) of the products it changes.
    """
    _check_iterations(iterations, "evaluate_catalogue_levers")
    ex = catalogue if isinstance(catalogue, ExplodedCatalogue) else None
    cat: Catalogue = catalogue.catalogue if isinstance(catalogue, ExplodedCatalogue) else catalogue
    gs = gwp_set(gwp)
    _, by_name, combos = _scenarios(levers, combine)
    weight, gross, basis = _weights(cat, ex, deliveries, period, suppliers, gs, prefolded)
    rows = _explode_rows(cat)
    co2e, _ = cat.library.co2e_vector(gs, prefolded, used=np.unique(cat.act_factor))
    order = np.argsort(rows.factor, kind="stable").astype(np.intp)
    offsets = np.zeros(len(cat.library) + 1, dtype=np.intp)
    np.cumsum(np.bincount(rows.factor, minlength=len(cat.library)), out=offsets[1:])
    ctx = _Context(cat, rows, order, offsets, co2e, weight, gross, iterations, seed, gs)
    unit_kg = _kg(ctx, rows)
    kg = unit_kg * weight[rows.product]
    base = float(kg.sum())
    by_mod = np.bincount(cat.act_module[rows.act], kg, minlength=len(MODULES))
    by_sup = np.bincount(cat.supplier_of[rows.product], unit_kg * gross[rows.product], minlength=len(cat.supplier_ids))
    out = [_scenario_row(ctx, [by_name[n] for n in combo], base) for combo in combos]
    out.sort(key=lambda r: -float(r["saving_kgco2e"]))
    return LeverResult(
        "catalogue", gs.name, base, {m: float(by_mod[i]) for i, m in enumerate(MODULES) if i != _D and by_mod[i]},
        iterations, seed, out, basis, {str(s): float(v) for s, v in zip(cat.supplier_ids, by_sup, strict=True)},
    )  # fmt: skip
