"""Indicator results of a calculation: contribution rows times characterisation, with what each row covers.

Every indicator becomes one column of a (rows x indicators) array, NaN where a row is not covered:

- substance indicators: (quantity x the factor's substances per unit) @ characterisation matrix, covered where
  the factor states at least one substance the indicator characterises;
- the four climate change indicators: the rows' GWP-total, -fossil, -biogenic and -luluc (always covered);
- product-data indicators: primary energy stated by the factor (``PE_nonrenewable``/``PE_renewable`` per unit,
  e.g. a grid mix), else of fuels (quantity x heating value per factor unit), secondary
  material (material mass x recycled content), and the end-of-life mass by route fate; covered only on the
  rows whose data states the flow.

Sums per module and in total skip the rows not covered; a module none of whose rows is covered is ``None``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from ._errors import FootprintError
from ._factors import EmissionFactor, activity_to_factor_unit
from ._indicators import Indicator
from ._modules import MODULES
from ._result import IndicatorResult
from ._substances import NON_GREENHOUSE, substances

if TYPE_CHECKING:
    from ._lifecycle import PreparedProduct

__all__ = ["FATE_INDICATORS", "indicator_results", "indicator_rows"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

#: The indicator each end-of-life fate counts in.
FATE_INDICATORS = {"reuse": "CRU", "recycling": "MFR", "energy-recovery": "MER", "disposal": "NHWD",
                   "hazardous-disposal": "HWD", "radioactive-disposal": "RWD"}  # fmt: skip
_FATES = tuple(FATE_INDICATORS)
_ROUTE = re.compile(r"^end_of_life\[(\d+)\]\.routes\[(\d+)\]\.factor")
_D = MODULES.index("D")
_SUBSTANCE_INDEX = {s: i for i, s in enumerate(substances())}


def _per_unit(f: EmissionFactor, unit: str) -> float:
    """How many ``unit`` one factor unit is (kg per t: 1000; MJ per L of a fuel with density and NCV), NaN where
    the factor gives no bridge."""
    try:
        return 1.0 / activity_to_factor_unit(unit, f).multiplier
    except (FootprintError, ZeroDivisionError):
        return float("nan")


def _renewable(f: EmissionFactor) -> float:
    """1 for a fuel whose CO2 is biogenic only, 0 for a fossil one, NaN where the gases do not tell."""
    fossil = f.gases.get("CO2", 0.0) > 0 or f.gases.get("CH4_fossil", 0.0) > 0
    bio = f.gases.get("CO2_biogenic", 0.0) > 0
    if f.is_prefolded or fossil == bio:
        return float("nan")
    return 1.0 if bio else 0.0


def _factor_columns(prep: PreparedProduct, used: IntArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """kg per unit, MJ (net heating value) per unit of a fuel, and renewable (1/0/NaN), for the factors used."""
    n = len(prep.library)
    kg, mj, ren = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    for i in used.tolist():  # the distinct factors of a product, not its lines
        f = prep.library.factor_at(i)
        kg[i] = _per_unit(f, "kg")
        if f.category == "fuel":
            mj[i], ren[i] = _per_unit(f, "MJ net" if f.energy_basis is not None else "MJ"), _renewable(f)
    return kg, mj, ren


def _activity_columns(prep: PreparedProduct) -> tuple[FloatArray, npt.NDArray[np.int8]]:
    """Per activity: the recycled content of its material (0 without one) and its end-of-life fate (index of
    FATE_INDICATORS, -1 unknown), read from the product fields that set it."""
    content = {m.id: m.recycled_content for m in prep.product.materials}
    per_material = np.array([content.get(m, 0.0) for m in prep.materials] + [0.0])
    recycled = per_material[prep.act_material]  # -1 (no material) picks the trailing 0
    fields = prep.act_field or ("",) * len(prep.act_node)
    uniq, inv = np.unique(np.asarray(fields, dtype=object), return_inverse=True)
    codes = []
    for text in uniq.tolist():
        m = _ROUTE.match(text)
        dest = prep.product.end_of_life[int(m[1])].routes[int(m[2])].destination if m else None
        codes.append(_FATES.index(dest) if dest is not None else -1)
    return recycled, np.asarray(codes, dtype=np.int8)[inv.ravel()] if len(fields) else np.zeros(0, np.int8)


def _product_block(
    prep: PreparedProduct, ids: list[str], c_act: IntArray, c_fac: IntArray, c_qty: FloatArray
) -> FloatArray:
    """The product-data indicators ``ids`` per contribution row, NaN where the row's data does not state them."""
    from ._lifecycle import KINDS

    kg, mj, ren = _factor_columns(prep, np.unique(c_fac))
    recycled, fate = _activity_columns(prep)
    kind = prep.act_kind[c_act]
    mass, energy = c_qty * kg[c_fac], c_qty * mj[c_fac]
    is_eol = np.isin(kind, [KINDS.index("end-of-life"), KINDS.index("scrap")])
    row_fate = fate[c_act]
    out = np.full((len(c_act), len(ids)), np.nan)
    stated_pe, per_unit_pe = _stated_primary_energy(prep, c_fac)
    for k, ident in enumerate(ids):
        if ident in ("PENRT", "PERT"):
            want = 0.0 if ident == "PENRT" else 1.0
            fuel = np.where(np.isnan(ren[c_fac]), np.nan, energy * (ren[c_fac] == want))
            out[:, k] = np.where(stated_pe, c_qty * per_unit_pe[:, int(want)], fuel)
        elif ident == "SM":
            out[:, k] = np.where(kind == KINDS.index("material"), mass * recycled[c_act], np.nan)
        else:
            code = _FATES.index(next(f for f, i in FATE_INDICATORS.items() if i == ident))
            out[:, k] = np.where(is_eol & (row_fate >= 0), mass * (row_fate == code), np.nan)
    return out


def _stated_primary_energy(prep: PreparedProduct, c_fac: IntArray) -> tuple[npt.NDArray[np.bool_], FloatArray]:
    """Rows whose factor states its primary energy (either ``PE_`` substance; the other is then 0), and the MJ
    non-renewable and renewable per factor unit of each row (columns 0 and 1)."""
    cols = [_SUBSTANCE_INDEX["PE_nonrenewable"], _SUBSTANCE_INDEX["PE_renewable"]]
    stated: npt.NDArray[np.bool_] = np.asarray(prep.library.stated_matrix[:, cols][c_fac].any(axis=1))
    return stated, prep.library.substance_matrix[:, cols][c_fac]


def _coverage(cf: FloatArray) -> FloatArray:
    """Which substances make a factor cover each indicator (1/0, substances x indicators): the air pollutants it
    characterises, so that a factor of greenhouse gases alone does not pass for a POCP or an AP (its CH4 is
    no account of its NOx); an indicator of greenhouse gases alone is covered by any of them."""
    pollutant = np.isin(np.array(substances()), NON_GREENHOUSE)[:, None]
    by_pollutants = (cf != 0) & pollutant
    chosen: FloatArray = np.where(by_pollutants.any(axis=0), by_pollutants, cf != 0).astype(np.float64)
    return chosen


def indicator_rows(
    prep: PreparedProduct,
    chosen: tuple[Indicator, ...],
    rows: tuple[IntArray, IntArray, FloatArray, FloatArray],
    split: tuple[FloatArray, FloatArray, FloatArray],
) -> FloatArray:
    """Each chosen indicator per contribution row (``rows`` = activity, factor, quantity, kg CO2e), NaN where
    the row is not covered; shape (rows, indicators)."""
    c_act, c_fac, c_qty, c_kg = rows
    lib = prep.library
    out = np.full((len(c_act), len(chosen)), np.nan)
    subs = [k for k, i in enumerate(chosen) if i.kind == "substances"]
    if subs:
        cf = np.stack([chosen[k].vector() for k in subs], axis=1)
        values = (c_qty[:, None] * lib.substance_matrix[c_fac]) @ cf
        covered = (lib.stated_matrix[c_fac].astype(np.float64) @ _coverage(cf)) > 0
        out[:, subs] = np.where(covered, values, np.nan)
    gwp = {"GWP-total": c_kg, "GWP-fossil": c_kg - split[0] - split[1], "GWP-biogenic": split[0],
           "GWP-luluc": split[1]}  # fmt: skip
    for k, i in enumerate(chosen):
        if i.kind == "gwp":
            out[:, k] = gwp[i.id]
    prod = [k for k, i in enumerate(chosen) if i.kind == "product"]
    if prod:
        out[:, prod] = _product_block(prep, [chosen[k].id for k in prod], c_act, c_fac, c_qty)
    return out


def indicator_results(
    chosen: tuple[Indicator, ...],
    values: FloatArray,
    c_mod: IntArray,
    c_fac: IntArray,
    factor_ids: tuple[str, ...],
    gwp_modules: dict[str, dict[str, float]],
) -> dict[str, IndicatorResult]:
    """Per indicator: totals over A1-C4 and per module present, over covered rows, with the rows not covered.
    The climate change indicators take their module values from ``gwp_modules`` (the result's, unchanged)."""
    n_mod = len(MODULES)
    covered = ~np.isnan(values)
    present = np.bincount(c_mod, minlength=n_mod) > 0
    in_total = c_mod != _D
    out: dict[str, IndicatorResult] = {}
    for k, ind in enumerate(chosen):
        col, cov = values[:, k], covered[:, k]
        sums = np.bincount(c_mod, weights=np.where(cov, col, 0.0), minlength=n_mod)
        n_cov = np.bincount(c_mod, weights=cov.astype(np.float64), minlength=n_mod)
        n_all = np.bincount(c_mod, minlength=n_mod)
        by_module: dict[str, float | None] = {
            m: (float(gwp_modules[m][ind.id]) if ind.kind == "gwp" else float(sums[j])) if n_cov[j] else None
            for j, m in enumerate(MODULES)
            if present[j]
        }
        total_rows = cov & in_total
        out[ind.id] = IndicatorResult(
            id=ind.id, name=ind.name, unit=ind.unit, kind=ind.kind, method=ind.method, source=ind.source,
            table=ind.table, licence=ind.licence, en15804=ind.en15804, version=ind.version,
            total=float(col[total_rows].sum()) if total_rows.any() else None,
            by_module=by_module,
            not_covered_rows={m: int(n_all[j] - n_cov[j]) for j, m in enumerate(MODULES) if n_all[j] > n_cov[j]},
            not_covered_factors=sorted(factor_ids[i] for i in np.unique(c_fac[~cov]).tolist()),
        )  # fmt: skip
    return out
