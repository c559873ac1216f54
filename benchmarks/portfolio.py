"""A seeded generator of a synthetic supplier portfolio for the catalogue benchmarks.

Everything here is synthetic: factor values, masses, energies, distances, quantities and deliveries are random
draws with plausible orders of magnitude, not data about any real product, material, supplier or emission
source. The factors say so in their names, source, edition and notes.

Shape of a portfolio of ``lines`` BOM lines (defaults: 1,000,000 lines -> about 6,710 products of 672 suppliers):

- ``S`` suppliers with ``products_per_supplier`` products each; every product is a BOM DAG at most 5 lines deep,
  root -> assemblies -> sub-assemblies -> ... -> parts, with about ``lines_per_product`` lines reachable from it;
- each supplier has a pool of shared assemblies (each with its own sub-assemblies and parts) that several of its
  products reference, so one subtree is reached along many paths;
- a global pool of standard fasteners (``STD-F0000`` ... ``STD-F1999``) with a skewed popularity: the most common
  ones are used in thousands of assemblies of every supplier; each supplier also has its own catalogue parts;
- integer quantities 1-12 on every BOM line; activities on parts (material masses in g, kg, t and lb, cable and
  pipe in m, bought-in items per piece) and on assemblies (energy in kWh or MJ, diesel in L, freight in t*km);
- 200 synthetic per-gas factors (CO2, some CH4_fossil and N2O, never pre-folded) in kg, t, m, piece, kWh, MJ, L
  and t*km, so that the results refold under any GWP set and most activities need a unit conversion;
- deliveries of each product per year (2023-2025) in pieces, for supplier roll-ups.

The structure is built level by level with numpy (no Python loop over products or lines) and the item ids with
pyarrow string kernels: 5 million lines take about 6 s and 2.2 GB peak RSS. The number of BOM rows is exact
except for portfolios too small to hold one part per leaf assembly.

    from benchmarks.portfolio import make_portfolio
    pf = make_portfolio(1_000_000, seed=0)
    pf.products, pf.bom, pf.activities, pf.deliveries, pf.library
    products, bom, activities = categorical_tables(pf.products, pf.bom, pf.activities)  # ids already coded
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

import footprint as fp

__all__ = [
    "N_STANDARD_PARTS",
    "SOURCE",
    "Portfolio",
    "categorical_tables",
    "integer_tables",
    "make_factors",
    "make_portfolio",
]

SOURCE = "footprint benchmark generator (synthetic)"
N_STANDARD_PARTS = 2000  # global pool of standard fasteners
YEARS = (2023, 2024, 2025)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

# Product assembly levels below the root: (min children, max children, probability that a node has any).
_LEVELS = ((3, 6, 1.0), (1, 3, 1.0), (0, 2, 1.0), (1, 2, 0.35))
_SHARED_PER_PRODUCT = (2, 5)  # references from a product to its supplier's shared assemblies
_SHARED_SUBS = (0, 2)  # sub-assemblies of a shared assembly
_P_STANDARD, _P_SUPPLIER_PART = 0.35, 0.15  # share of part lines that use a standard / a supplier catalogue part
_FAMILIES = 12

# Factor groups: (id stem, category, unit, count); 200 in all.
_FACTOR_GROUPS = (
    ("material", "material", "kg", 70),
    ("material", "material", "t", 30),
    ("linear", "material", "m", 20),
    ("component", "component", "piece", 30),
    ("electricity", "electricity", "kWh", 10),
    ("electricity", "electricity", "MJ", 10),
    ("heat", "process", "MJ", 10),  # delivered process heat: no fuel, so no heating-value basis
    ("diesel", "fuel", "L", 8),
    ("freight", "freight", "t*km", 12),
)
_UNITS = ("g", "kg", "t", "lb", "m", "piece", "kWh", "MJ", "L", "t*km")
_KG_PER = {"g": 1e-3, "kg": 1.0, "t": 1e3, "lb": 0.45359237}


@dataclass(frozen=True)
class Portfolio:
    """A synthetic portfolio: the three catalogue tables, deliveries and the factor library they use.

    ``products``: product, root, supplier, family. ``bom``: parent, child, quantity (int 1-12).
    ``activities``: item, factor, amount, unit. ``deliveries``: supplier, product, year, quantity (pieces).
    """

    products: pd.DataFrame
    bom: pd.DataFrame
    activities: pd.DataFrame
    deliveries: pd.DataFrame
    library: fp.FactorLibrary


# --- small vectorised helpers ---------------------------------------------------------------------------------


def _rank(counts: IntArray) -> IntArray:
    """Position of each element within its group, for groups laid out as ``np.repeat(groups, counts)``."""
    counts = np.asarray(counts, dtype=np.int64)
    starts = np.cumsum(counts) - counts
    return np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(starts, counts)


def _rank_by(key: IntArray) -> IntArray:
    """Position of each element among the elements with the same key, in array order."""
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    first = np.r_[True, sorted_key[1:] != sorted_key[:-1]] if len(key) else np.zeros(0, dtype=bool)
    group_start = np.maximum.accumulate(np.where(first, np.arange(len(key)), 0)) if len(key) else first.astype(int)
    out = np.empty(len(key), dtype=np.int64)
    out[order] = np.arange(len(key)) - group_start
    return out


def _loguniform(rng: np.random.Generator, lo: float, hi: float, n: int) -> FloatArray:
    return np.exp(rng.uniform(math.log(lo), math.log(hi), n))


def _qty(rng: np.random.Generator, n: int, skew: float) -> IntArray:
    """Integer quantities 1-12, mostly small for ``skew`` > 1."""
    return (1 + np.floor(12 * rng.random(n) ** skew)).astype(np.int64)


def _text(values: IntArray) -> pa.Array:
    return pc.cast(pa.array(np.asarray(values, dtype=np.int64)), pa.string())


def _join(*parts: pa.Array | str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


# --- factors ----------------------------------------------------------------------------------------------------


def make_factors(seed: int = 0) -> fp.FactorLibrary:
    """200 synthetic per-gas factors (not real data), the same for every portfolio of one seed."""
    rng = np.random.default_rng([seed, 7])
    provenance = {
        "source": SOURCE,
        "edition": "synthetic",
        "region": "GLO",
        "licence": "CC0-1.0",
        "boundary": "cradle-to-gate",
        "notes": "Synthetic benchmark value drawn at random; not an emission factor of anything real.",
    }
    # kg CO2 per unit: (low, high) of a log-uniform draw, and the chance of CH4_fossil / N2O per kg CO2
    co2_range = {
        "kg": (0.5, 25.0),
        "t": (500.0, 25_000.0),
        "m": (0.2, 30.0),
        "piece": (0.1, 500.0),
        "kWh": (0.01, 0.9),
        "MJ": (0.01, 0.09),
        "L": (2.4, 3.3),
        "t*km": (0.005, 0.2),
    }
    p_ch4 = {"material": 0.3, "component": 0.2, "electricity": 0.8, "fuel": 1.0, "process": 1.0, "freight": 1.0}
    p_n2o = {"material": 0.2, "component": 0.1, "electricity": 0.6, "fuel": 1.0, "process": 1.0, "freight": 1.0}
    factors = []
    n = 0
    for stem, category, unit, count in _FACTOR_GROUPS:
        for _ in range(count):
            co2 = float(_loguniform(rng, *co2_range[unit], 1)[0])
            gases = {"CO2": round(co2, 6)}
            if rng.random() < p_ch4[category]:
                gases["CH4_fossil"] = round(co2 * float(_loguniform(rng, 1e-4, 5e-3, 1)[0]), 9)
            if rng.random() < p_n2o[category]:
                gases["N2O"] = round(co2 * float(_loguniform(rng, 1e-5, 5e-4, 1)[0]), 9)
            factors.append(
                fp.EmissionFactor(
                    id=f"synthetic.{stem}.{n:03d}",
                    name=f"Synthetic {stem} {n:03d} per {unit} (benchmark, not real data)",
                    category=category,
                    unit=unit,
                    gases=gases,
                    **provenance,
                )
            )
            n += 1
    return fp.FactorLibrary(factors, name="synthetic-benchmark")


def _factor_positions(library: fp.FactorLibrary) -> dict[str, IntArray]:
    """Library positions of the factors by the kind of activity they serve."""
    groups: dict[str, list[int]] = {k: [] for k in ("mass", "linear", "piece", "energy", "diesel", "freight")}
    for i, f in enumerate(library):
        kind = {"kg": "mass", "t": "mass", "m": "linear", "piece": "piece", "kWh": "energy", "MJ": "energy"}.get(
            f.unit, {"L": "diesel", "t*km": "freight"}.get(f.unit, "")
        )
        groups[kind].append(i)
    return {k: np.array(v, dtype=np.int64) for k, v in groups.items()}


# --- the portfolio ----------------------------------------------------------------------------------------------


def make_portfolio(
    lines: int, seed: int = 0, lines_per_product: int = 149, products_per_supplier: int = 10
) -> Portfolio:
    """A synthetic portfolio with ``lines`` BOM rows (exact unless tiny), deterministic for ``seed``."""
    if lines < 1 or lines_per_product < 1 or products_per_supplier < 1:
        raise ValueError("lines, lines_per_product and products_per_supplier must be positive")
    rng = np.random.default_rng([seed, 1])
    library = make_factors(seed)

    n_prod = max(1, round(lines / lines_per_product))
    n_sup = math.ceil(n_prod / products_per_supplier)
    prod_sup = np.arange(n_prod, dtype=np.int64) // products_per_supplier
    prod_local = np.arange(n_prod, dtype=np.int64) % products_per_supplier

    # Nodes are numbered in blocks: product assemblies (roots first, level by level), shared assemblies, their
    # sub-assemblies, then parts. Each assembly records its owner (a product or a shared assembly) for naming.
    edge_parent: list[IntArray] = []
    edge_child: list[IntArray] = []
    edge_qty: list[IntArray] = []

    # product assemblies, level by level; every level's nodes are sorted by product
    asm_prod = [np.arange(n_prod, dtype=np.int64)]
    asm_level = [np.zeros(n_prod, dtype=np.int64)]
    asm_k = [np.zeros(n_prod, dtype=np.int64)]
    asm_kids = []
    level_start, level_counts = [0], [np.ones(n_prod, dtype=np.int64)]
    cur = np.arange(n_prod, dtype=np.int64)
    next_id = n_prod
    for level, (lo, hi, p_any) in enumerate(_LEVELS, start=1):
        n = rng.integers(lo, hi + 1, len(cur))
        if p_any < 1:
            n = n * (rng.random(len(cur)) < p_any)
        asm_kids.append(n)
        total = int(n.sum())
        child = next_id + np.arange(total, dtype=np.int64)
        prod = np.repeat(asm_prod[-1], n)
        per_prod = np.bincount(prod, minlength=n_prod)
        edge_parent.append(np.repeat(cur, n))
        edge_child.append(child)
        edge_qty.append(_qty(rng, total, 3.0))
        asm_prod.append(prod)
        asm_level.append(np.full(total, level, dtype=np.int64))
        asm_k.append(_rank(per_prod))
        level_start.append(next_id)
        level_counts.append(per_prod)
        cur = child
        next_id += total
    asm_kids.append(np.zeros(len(cur), dtype=np.int64))
    n_asm = next_id
    asm_leaf = np.concatenate(asm_kids) == 0

    # each supplier's pool of shared assemblies, each with 0-2 sub-assemblies
    n_sa_per = max(2, round(0.8 * products_per_supplier))
    n_sa = n_sup * n_sa_per
    sa_id = next_id + np.arange(n_sa, dtype=np.int64)
    sa_sup = np.repeat(np.arange(n_sup, dtype=np.int64), n_sa_per)
    sa_k = np.tile(np.arange(n_sa_per, dtype=np.int64), n_sup)
    next_id += n_sa
    n_sb = rng.integers(_SHARED_SUBS[0], _SHARED_SUBS[1] + 1, n_sa)
    sb_sa = np.repeat(np.arange(n_sa, dtype=np.int64), n_sb)
    sb_k = _rank(n_sb)
    sb_id = next_id + np.arange(len(sb_sa), dtype=np.int64)
    next_id += len(sb_sa)
    edge_parent.append(sa_id[sb_sa])
    edge_child.append(sb_id)
    edge_qty.append(_qty(rng, len(sb_id), 2.0))

    # references from products (at level 1 or 2) to their supplier's shared assemblies; a product may use one
    # shared assembly in several places, but not twice under the same parent
    n_ref = rng.integers(_SHARED_PER_PRODUCT[0], _SHARED_PER_PRODUCT[1] + 1, n_prod)
    ref_prod = np.repeat(np.arange(n_prod, dtype=np.int64), n_ref)
    c1, c2 = level_counts[1][ref_prod], level_counts[2][ref_prod]
    s1 = level_start[1] + (np.cumsum(level_counts[1]) - level_counts[1])[ref_prod]
    s2 = level_start[2] + (np.cumsum(level_counts[2]) - level_counts[2])[ref_prod]
    r = np.floor(rng.random(len(ref_prod)) * (c1 + c2)).astype(np.int64)
    ref_parent = np.where(r < c1, s1 + r, s2 + r - c1)
    ref_sa = prod_sup[ref_prod] * n_sa_per + rng.integers(0, n_sa_per, len(ref_prod))
    _, first = np.unique(ref_parent * n_sa + ref_sa, return_index=True)
    first.sort()
    edge_parent.append(ref_parent[first])
    edge_child.append(sa_id[ref_sa[first]])
    edge_qty.append(_qty(rng, len(first), 2.0))

    # part lines: every leaf holder gets one, the rest of the budget goes to holders by weight
    holder_id = np.concatenate([np.arange(n_asm, dtype=np.int64), sa_id, sb_id])
    n_holder = len(holder_id)
    holder_owner = np.concatenate([np.concatenate(asm_prod), n_prod + np.arange(n_sa), n_prod + sb_sa])
    holder_sup = np.concatenate([prod_sup[np.concatenate(asm_prod)], sa_sup, sa_sup[sb_sa]])
    holder_leaf = np.concatenate([asm_leaf, n_sb == 0, np.ones(len(sb_id), dtype=bool)])
    is_root = np.zeros(n_holder, dtype=bool)
    is_root[:n_prod] = True
    weight = np.where(holder_leaf, 3.0, 1.0)
    weight[is_root] = 0.5
    weight[n_asm:] = 3.0
    structural = sum(len(e) for e in edge_parent)
    base = holder_leaf.astype(np.int64)
    extra = max(0, lines - structural - int(base.sum()))
    cum = np.cumsum(weight)
    pick = np.searchsorted(cum, rng.random(extra) * cum[-1], side="right")
    n_parts = base + np.bincount(np.minimum(pick, n_holder - 1), minlength=n_holder)
    line_holder = np.repeat(np.arange(n_holder, dtype=np.int64), n_parts)
    n_lines = len(line_holder)

    # what each part line uses: a standard fastener (skewed popularity), a supplier catalogue part, or a part of
    # its own; a repeated standard or catalogue part under the same parent becomes a part of its own instead
    u = rng.random(n_lines)
    kind = np.where(u < _P_STANDARD, 0, np.where(u < _P_STANDARD + _P_SUPPLIER_PART, 1, 2))
    n_sp_per = 6 * products_per_supplier
    std_idx = np.floor(N_STANDARD_PARTS * rng.random(n_lines) ** 2.5).astype(np.int64)
    sp_idx = np.floor(n_sp_per * rng.random(n_lines) ** 1.5).astype(np.int64)
    pool_key = np.where(kind == 0, std_idx, N_STANDARD_PARTS + sp_idx)
    shared_rows = np.flatnonzero(kind < 2)
    _, first = np.unique(
        line_holder[shared_rows] * (N_STANDARD_PARTS + n_sp_per) + pool_key[shared_rows], return_index=True
    )
    dup = np.ones(len(shared_rows), dtype=bool)
    dup[first] = False
    kind[shared_rows[dup]] = 2

    std_rows = np.flatnonzero(kind == 0)
    std_used, std_inv = np.unique(std_idx[std_rows], return_inverse=True)
    std_id = next_id + np.arange(len(std_used), dtype=np.int64)
    next_id += len(std_used)
    sp_rows = np.flatnonzero(kind == 1)
    sp_used, sp_inv = np.unique(holder_sup[line_holder[sp_rows]] * n_sp_per + sp_idx[sp_rows], return_inverse=True)
    sp_id = next_id + np.arange(len(sp_used), dtype=np.int64)
    next_id += len(sp_used)
    own_rows = np.flatnonzero(kind == 2)
    own_owner = holder_owner[line_holder[own_rows]]
    own_k = _rank_by(own_owner)
    own_id = next_id + np.arange(len(own_rows), dtype=np.int64)
    next_id += len(own_rows)
    n_nodes = next_id

    line_child = np.empty(n_lines, dtype=np.int64)
    line_child[std_rows] = std_id[std_inv.ravel()]
    line_child[sp_rows] = sp_id[sp_inv.ravel()]
    line_child[own_rows] = own_id
    edge_parent.append(holder_id[line_holder])
    edge_child.append(line_child)
    edge_qty.append(np.where(kind == 0, _qty(rng, n_lines, 1.0), _qty(rng, n_lines, 2.0)))

    parent = np.concatenate(edge_parent)
    child = np.concatenate(edge_child)
    qty = np.concatenate(edge_qty)
    order = np.argsort(parent, kind="stable")  # grouped by parent, as an ERP multi-level export
    parent, child, qty = parent[order], child[order], qty[order]

    # --- names --------------------------------------------------------------------------------------------
    sup_name = _join("S", _text(np.arange(n_sup)))
    prod_name = _join(sup_name.take(pa.array(prod_sup)), "-P", _text(prod_local))
    all_prod, all_level, all_k = np.concatenate(asm_prod), np.concatenate(asm_level), np.concatenate(asm_k)
    root_name = _join(prod_name, "-TOP")
    sub_name = _join(
        prod_name.take(pa.array(all_prod[n_prod:])), "-A", _text(all_level[n_prod:]), "-", _text(all_k[n_prod:])
    )
    sa_name = _join(sup_name.take(pa.array(sa_sup)), "-SA", _text(sa_k))
    sb_name = _join(sa_name.take(pa.array(sb_sa)), "-B", _text(sb_k))
    std_name = _join("STD-F", pc.utf8_lpad(_text(std_used), 4, "0"))
    sp_name = _join(sup_name.take(pa.array(sp_used // n_sp_per)), "-SP", _text(sp_used % n_sp_per))
    owner_name = pa.concat_arrays([prod_name, sa_name])
    own_name = _join(owner_name.take(pa.array(own_owner)), "-C", _text(own_k))
    names = pa.concat_arrays([root_name, sub_name, sa_name, sb_name, std_name, sp_name, own_name])
    assert len(names) == n_nodes

    products = pd.DataFrame(
        {
            "product": pd.Series(prod_name),
            "root": pd.Series(root_name),
            "supplier": pd.Series(sup_name.take(pa.array(prod_sup))),
            "family": pd.Series(_join("synthetic-family-", _text(rng.integers(1, _FAMILIES + 1, n_prod)))),
        }
    )
    bom = pd.DataFrame(
        {
            "parent": pd.Series(names.take(pa.array(parent))),
            "child": pd.Series(names.take(pa.array(child))),
            "quantity": qty,
        }
    )

    # --- activities -----------------------------------------------------------------------------------------
    groups = _factor_positions(library)
    act_item: list[IntArray] = []
    act_factor: list[IntArray] = []
    act_amount: list[FloatArray] = []
    act_unit: list[IntArray] = []  # positions in _UNITS

    def add(items: IntArray, factors: IntArray, amount: FloatArray, unit: IntArray) -> None:
        act_item.append(items)
        act_factor.append(factors)
        act_amount.append(amount)
        act_unit.append(unit)

    def pick_factor(kind: str, n: int, skew: float = 1.0) -> IntArray:
        g = groups[kind]
        return g[np.floor(len(g) * rng.random(n) ** skew).astype(np.int64)]

    def masses(items: IntArray, kg: FloatArray, factors: IntArray) -> None:
        big, small = kg > 300, kg < 1
        alt = rng.random(len(kg))
        unit = np.where(
            small, np.where(alt < 0.8, 0, 3), np.where(big, np.where(alt < 0.6, 2, 1), np.where(alt < 0.7, 1, 3))
        )
        amount = np.round(kg / np.array([_KG_PER[u] for u in _UNITS[:4]])[unit], 4)
        add(items, factors, amount, unit)

    # standard fasteners: a few grams to half a kilogram of one of the first ten materials
    masses(std_id, _loguniform(rng, 0.002, 0.5, len(std_id)), groups["mass"][rng.integers(0, 10, len(std_id))])
    # catalogue parts and own parts: a material mass, a length of cable or pipe, or a bought-in piece
    parts = np.concatenate([sp_id, own_id])
    what = rng.random(len(parts))
    m_rows, l_rows, p_rows = what < 0.7, (what >= 0.7) & (what < 0.8), what >= 0.8
    masses(
        parts[m_rows], _loguniform(rng, 0.005, 3000.0, int(m_rows.sum())), pick_factor("mass", int(m_rows.sum()), 2.0)
    )
    coated = parts[m_rows][rng.random(int(m_rows.sum())) < 0.2]  # a second material: coating, insert, seal
    masses(coated, _loguniform(rng, 0.001, 5.0, len(coated)), pick_factor("mass", len(coated), 2.0))
    nl = int(l_rows.sum())
    add(parts[l_rows], pick_factor("linear", nl), np.round(_loguniform(rng, 0.1, 50.0, nl), 3), np.full(nl, 4))
    npc = int(p_rows.sum())
    add(parts[p_rows], pick_factor("piece", npc), rng.integers(1, 5, npc).astype(np.float64), np.full(npc, 5))
    # assemblies (product and shared): assembly energy, diesel for test runs and handling, inbound freight;
    # every root has energy and freight
    asm_ids = np.concatenate([np.arange(n_asm, dtype=np.int64), sa_id, sb_id])
    has_energy = (rng.random(len(asm_ids)) < 0.5) | (asm_ids < n_prod)
    has_diesel = rng.random(len(asm_ids)) < 0.1
    has_freight = (rng.random(len(asm_ids)) < 0.25) | (asm_ids < n_prod)
    ne = int(has_energy.sum())
    kwh = _loguniform(rng, 0.2, 500.0, ne)
    in_mj = rng.random(ne) < 0.5
    add(
        asm_ids[has_energy],
        pick_factor("energy", ne),
        np.round(np.where(in_mj, kwh * 3.6, kwh), 3),
        np.where(in_mj, 7, 6),
    )
    nd = int(has_diesel.sum())
    add(asm_ids[has_diesel], pick_factor("diesel", nd), np.round(_loguniform(rng, 0.05, 40.0, nd), 3), np.full(nd, 8))
    nf = int(has_freight.sum())
    add(
        asm_ids[has_freight],
        pick_factor("freight", nf),
        np.round(_loguniform(rng, 0.5, 20_000.0, nf), 3),
        np.full(nf, 9),
    )

    items = np.concatenate(act_item)
    a_order = np.argsort(items, kind="stable")
    factor_ids = pa.array(library.ids)
    activities = pd.DataFrame(
        {
            "item": pd.Series(names.take(pa.array(items[a_order]))),
            "factor": pd.Series(factor_ids.take(pa.array(np.concatenate(act_factor)[a_order]))),
            "amount": np.concatenate(act_amount)[a_order],
            "unit": pd.Series(pa.array(_UNITS).take(pa.array(np.concatenate(act_unit)[a_order]))),
        }
    )

    # --- deliveries: pieces of each product per year ----------------------------------------------------------
    d_prod = np.repeat(np.arange(n_prod, dtype=np.int64), len(YEARS))
    d_year = np.tile(np.array(YEARS, dtype=np.int64), n_prod)
    keep = rng.random(len(d_prod)) < 0.85
    d_prod, d_year = d_prod[keep], d_year[keep]
    deliveries = pd.DataFrame(
        {
            "supplier": pd.Series(sup_name.take(pa.array(prod_sup[d_prod]))),
            "product": pd.Series(prod_name.take(pa.array(d_prod))),
            "year": d_year,
            "quantity": np.round(_loguniform(rng, 1.0, 2000.0, len(d_prod))).astype(np.int64),
        }
    )
    return Portfolio(products=products, bom=bom, activities=activities, deliveries=deliveries, library=library)


def categorical_tables(
    products: pd.DataFrame, bom: pd.DataFrame, activities: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The three catalogue tables with their text columns as pandas categoricals, as a writer that keeps an
    item master's codes hands them over: the item ids (BOM parents and children, activity items, product
    roots) share one ``CategoricalDtype`` of every item id, sorted as an item master is; product, supplier,
    family, factor and unit ids each have categories of their own."""
    ids = pd.concat([bom["parent"], bom["child"], activities["item"], products["root"]], ignore_index=True)
    items = pd.CategoricalDtype(pd.Index(ids.unique()).sort_values())
    return (
        products.astype({"product": "category", "root": items, "supplier": "category", "family": "category"}),
        bom.astype({"parent": items, "child": items}),
        activities.astype({"item": items, "factor": "category", "unit": "category"}),
    )


def integer_tables(
    products: pd.DataFrame, bom: pd.DataFrame, activities: pd.DataFrame
) -> tuple[tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame], pd.Index]:
    """The three tables with every item id (BOM parents and children, activity items, product roots) as its
    number in the sorted item master (int64), as an ERP that numbers its items hands them over; and the item
    master, to name the numbers. Other columns are left as they are."""
    p, b, a = categorical_tables(products, bom, activities)
    master = p["root"].cat.categories

    def number(col: pd.Series) -> pd.Series:
        return col.cat.codes.astype(np.int64)

    return (
        (
            products.assign(root=number(p["root"])),
            bom.assign(parent=number(b["parent"]), child=number(b["child"])),
            activities.assign(item=number(a["item"])),
        ),
        master,
    )
