"""The indicator benchmark: the catalogue path with every substance indicator against GWP alone, like for like,
with agreement asserted.

    python benchmarks/indicators_bench.py                     # 1,000,000 BOM lines, writes reference-indicators-2core.json
    python benchmarks/indicators_bench.py --lines 2000 --repeat 1 --out /tmp/indicators.json

Goal (issue 19): the catalogue path computes all indicators in at most 2x the time of GWP alone at 1M lines.
Both timed paths start from the same prepared catalogue (prepared once, not timed) and do the same work up to
the GWP result: ``gwp_s`` explodes the catalogue and calculates it (modules, gases, roll-up to suppliers);
``all_s`` does the same and then ``catalogue_indicators(ex, "all")`` on that explosion (every substance
indicator per product, rolled up to suppliers, families and the cluster). ``ratio`` is ``all_s / gwp_s`` (wall;
``ratio_cpu`` the same with process CPU), each the best of ``--repeat`` runs.

The synthetic factors (benchmarks/portfolio.py) state greenhouse gases only; here every third factor is given
air pollutants, phosphorus to freshwater, fresh water and primary energy as well (deterministic values), so
that every indicator has rows that cover it and rows that do not. This changes no GWP. Agreement: every
product's value of every indicator equals a gather-multiply-sum over the exploded rows outside module D, with
the coverage of each factor decided factor by factor in Python from the indicator definitions (1e-9 relative),
and the GWP totals of both paths are equal.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import footprint as fp  # noqa: E402
from benchmarks.portfolio import make_portfolio  # noqa: E402
from benchmarks.timing import best_of  # noqa: E402

RTOL = 1e-9
EXTRA = {"NOx": 2e-3, "SO2": 5e-4, "NMVOC": 1e-4, "PM2_5": 3e-5, "PM10": 4e-5, "NH3": 1e-5, "CO": 6e-4,
         "P_fw": 1e-6, "PO4_fw": 2e-6, "fresh_water": 1e-3, "PE_nonrenewable": 2.5, "PE_renewable": 0.7}  # fmt: skip


def _library(base: fp.FactorLibrary) -> fp.FactorLibrary:
    """Every third factor with the substances beyond GWP, scaled by its position (deterministic)."""
    out = []
    for k, f in enumerate(base):
        if k % 3 == 0:
            extra = {s: v * (1 + k % 7) for s, v in EXTRA.items()}
            f = f.model_copy(update={"gases": {**f.gases, **extra}})  # noqa: PLW2901
        out.append(f)
    return fp.FactorLibrary(out, name="synthetic with substances")


def _reference(ex: fp.ExplodedCatalogue, chosen: tuple[fp.Indicator, ...]) -> np.ndarray:
    """Every product's value of every indicator, by a gather-multiply-sum over the exploded rows outside D and a
    per-factor coverage decided in Python: a factor covers an indicator when it states a substance without GWP
    that the indicator characterises (or, for an indicator of greenhouse gases only, any it characterises);
    products with no covering factor are NaN."""
    lib = ex.catalogue.library
    names = fp.substances()
    no_gwp = set(names[len(fp.gases()) :])
    per_factor = np.zeros((len(lib), len(chosen)))
    covers = np.zeros((len(lib), len(chosen)), dtype=bool)
    for i in range(len(lib)):
        f = lib.factor_at(i)
        for k, ind in enumerate(chosen):
            relevant = {s for s, v in ind.values.items() if v != 0}
            key = relevant & no_gwp or relevant
            covers[i, k] = any(s in f.gases for s in key)
            per_factor[i, k] = sum(f.gases.get(s, 0.0) * v for s, v in ind.values.items()) if covers[i, k] else 0.0
    keep = ex.row_module != fp.MODULES.index("D")
    prod, fac, qty = ex.row_product[keep], ex.row_factor[keep], ex.row_qty[keep]
    n = ex.catalogue.n_products
    out = np.empty((n, len(chosen)))
    for k in range(len(chosen)):
        out[:, k] = np.bincount(prod, weights=qty * per_factor[fac, k], minlength=n)
        hit = np.bincount(prod, weights=(covers[fac, k] & (qty != 0)).astype(float), minlength=n) > 0
        out[~hit, k] = np.nan
    return out


def _agreement(ex: fp.ExplodedCatalogue, by_product: Any, chosen: tuple[fp.Indicator, ...]) -> float:
    """Largest relative difference of the library's per-product indicators from :func:`_reference`."""
    ref = _reference(ex, chosen)
    got = by_product[[f"ind_{i.id}" for i in chosen]].to_numpy()
    if not np.array_equal(np.isnan(got), np.isnan(ref)):
        raise AssertionError("the products left without a covering factor differ from the reference")
    ok = ~np.isnan(ref)
    diff = np.abs(got[ok] - ref[ok])
    rel = float(np.max(np.where(diff == 0, 0.0, diff / np.maximum(np.abs(ref[ok]), 1e-300)), initial=0.0))
    if not rel <= RTOL:
        raise AssertionError(f"indicators differ from the reference by {rel:.3g} relative (> {RTOL:g})")
    return rel


def run(lines: int, repeat: int) -> dict[str, Any]:
    """Both timings on one synthetic catalogue, with their agreement."""
    pf = make_portfolio(lines, seed=0)
    cat = fp.prepare_catalogue(pf.products, pf.bom, pf.activities, _library(pf.library))
    chosen = tuple(i for i in fp.indicators() if i.kind == "substances")

    def gwp() -> Any:
        return fp.calculate_catalogue(fp.explode_catalogue(cat), gwp="AR6")

    def every() -> Any:
        ex = fp.explode_catalogue(cat)
        return fp.calculate_catalogue(ex, gwp="AR6"), fp.catalogue_indicators(ex, "all")

    gwp_s, gwp_cpu, res = best_of(gwp, repeat)
    all_s, all_cpu, (res_all, ind) = best_of(every, repeat)
    if not np.array_equal(res.by_product["total_kgco2e"].to_numpy(), res_all.by_product["total_kgco2e"].to_numpy()):
        raise AssertionError("the GWP totals of both paths differ")
    ex = fp.explode_catalogue(cat)
    ind_s, ind_cpu, _ = best_of(lambda: fp.catalogue_indicators(ex, "all"), repeat)
    agreement = _agreement(ex, ind[0], chosen)
    return {
        "lines": len(cat.bom.edge_parent), "products": cat.n_products, "exploded_rows": len(ex.row_qty),
        "indicators": [i.id for i in chosen], "gwp_s": gwp_s, "gwp_cpu_s": gwp_cpu, "all_s": all_s,
        "all_cpu_s": all_cpu, "indicators_only_s": ind_s, "indicators_only_cpu_s": ind_cpu,
        "ratio": all_s / gwp_s, "ratio_cpu": all_cpu / gwp_cpu, "goal_ratio": 2.0,
        "agreement_max_rel": agreement, "load_average": os.getloadavg()[0],
    }  # fmt: skip


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "reference-indicators-2core.json"))
    args = ap.parse_args(argv)
    result = run(args.lines, args.repeat)
    doc = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
           "versions": {"footprint": fp.__version__, "numpy": np.__version__}, "result": result}  # fmt: skip
    Path(args.out).write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    r = result
    print(f"{r['lines']:,} lines, {r['products']:,} products, {r['exploded_rows']:,} rows, {len(r['indicators'])} "
          f"indicators: GWP alone {r['gwp_s']:.3f} s wall ({r['gwp_cpu_s']:.3f} s CPU), with all indicators "
          f"{r['all_s']:.3f} s ({r['all_cpu_s']:.3f} s CPU): ratio {r['ratio']:.2f} wall, {r['ratio_cpu']:.2f} CPU "
          f"(goal <= 2); indicators alone {r['indicators_only_s']:.3f} s; agreement {r['agreement_max_rel']:.1e}; "
          f"load average {r['load_average']:.1f}")  # fmt: skip
    return doc


if __name__ == "__main__":
    main()
