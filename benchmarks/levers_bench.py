"""The lever benchmark: single-lever scenarios over every product of a synthetic catalogue, and levers with
Monte Carlo, each agreement with the ordinary calculation asserted.

    python benchmarks/levers_bench.py                       # 100,000 BOM lines, writes levers-2core.json
    python benchmarks/levers_bench.py --lines 2000 --scenarios 50 --mc-levers 10 --out /tmp/levers.json

Goals (on the 2-core machine): 1,000 single-lever scenarios over every product of a 100,000-line catalogue in
under 1 s, and 100 levers with a 1,000-iteration Monte Carlo under 5 s. The catalogue is prepared once and not
timed (it is the ordinary `prepare_catalogue`); the timed call is `evaluate_catalogue_levers`, which explodes
the catalogue, indexes its rows by factor and evaluates every scenario. The levers alternate a factor
substitution over the whole catalogue and a scaling of one factor's activities at one supplier. Agreement: a
sample of the substitutions equals the catalogue with that factor replaced in its activities table, prepared
and calculated the ordinary way (cluster total); a sample of the scalings equals the ordinary calculation of
the catalogue with that factor's amounts scaled, at the scaled supplier (1e-9 relative).
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


def _levers(pf: Any, cat: fp.Catalogue, n: int) -> list[fp.Lever]:
    """``n`` levers: even ones substitute a used factor by another of the same unit (whole catalogue), odd
    ones scale one used factor's activities by 0.8 at one supplier."""
    lib = pf.library
    used = sorted(set(pf.activities["factor"].astype(str)))
    by_unit: dict[str, list[str]] = {}
    for f in lib:
        by_unit.setdefault(f.unit, []).append(f.id)
    suppliers = [str(s) for s in cat.supplier_ids]
    out = []
    for k in range(n):
        fid = used[(k // 2) % len(used)]
        if k % 2 == 0:
            pool = by_unit[lib[fid].unit]
            to = pool[(pool.index(fid) + 1 + k // 2) % len(pool)]
            spec: dict[str, Any] = {"kind": "substitute_factor", "from": fid, "to": to}
        else:
            spec = {"kind": "scale_quantity", "target": "activity", "scale": 0.8, "from": fid,
                    "scope": {"supplier": suppliers[k % len(suppliers)]}}  # fmt: skip
        out.append(fp.Lever.model_validate({"name": f"lever-{k:04d}", **spec}))
    return out


def _agreement(pf: Any, cat: fp.Catalogue, res: fp.LeverResult, levers: list[fp.Lever], sample: int) -> float:
    """Largest difference between the levers' savings and the ordinary calculation of the edited catalogue
    (base total - edited total, each summed over every product), over ``sample`` substitutions and ``sample``
    scalings, relative to the baseline total; asserted below RTOL. (Relative to a small saving, the ordinary
    way's own rounding, a difference of two large totals, dominates.)"""
    base = fp.calculate_catalogue(cat)
    rows = {r["name"]: r for r in res.rows}
    worst = 0.0
    picks = [lv for lv in levers if lv.kind == "substitute_factor"][:sample]
    picks += [lv for lv in levers if lv.kind == "scale_quantity"][:sample]
    for lv in picks:
        acts = pf.activities.copy()
        hit = acts["factor"].astype(str) == lv.from_factor
        if lv.kind == "substitute_factor":
            acts.loc[hit, "factor"] = lv.to_factor
        else:
            acts.loc[hit, "amount"] = acts.loc[hit, "amount"] * lv.scale
        edited = fp.calculate_catalogue(fp.prepare_catalogue(pf.products, pf.bom, acts, pf.library))
        if lv.kind == "substitute_factor":
            expected = float(base.cluster["total_kgco2e"].iloc[0] - edited.cluster["total_kgco2e"].iloc[0])
        else:
            sup = str(lv.scope.supplier)
            expected = float(base.by_supplier["total_kgco2e"][sup] - edited.by_supplier["total_kgco2e"][sup])
        got = float(rows[lv.name]["saving_kgco2e"])
        diff = abs(got - expected) / abs(float(res.baseline_kgco2e))
        assert diff <= RTOL, (lv.name, got, expected)
        worst = max(worst, diff)
    return worst


def run(lines: int, scenarios: int, mc_levers: int, iterations: int, repeat: int, sample: int) -> dict[str, Any]:
    """Both measurements on one synthetic catalogue, with their agreement."""
    pf = make_portfolio(lines, seed=0)
    cat = fp.prepare_catalogue(pf.products, pf.bom, pf.activities, pf.library)
    levers = _levers(pf, cat, scenarios)
    single_s, single_cpu, res = best_of(lambda: fp.evaluate_catalogue_levers(cat, levers, iterations=1), repeat)
    agreement = _agreement(pf, cat, res, levers, sample)
    mc = levers[:mc_levers]
    mc_s, mc_cpu, mc_res = best_of(lambda: fp.evaluate_catalogue_levers(cat, mc, iterations=iterations), repeat)
    for r in mc_res.rows:  # the same levers' exact savings, whatever the iterations; finite percentiles
        assert r["saving_kgco2e"] == next(x for x in res.rows if x["name"] == r["name"])["saving_kgco2e"]
        assert np.isfinite([r["saving_p5"], r["saving_p95"], r["p_saving_positive"]]).all()
    ex = fp.explode_catalogue(cat)
    return {
        "lines": lines, "products": cat.n_products, "exploded_rows": len(ex.row_qty),
        "single_lever": {"scenarios": len(levers), "seconds": single_s, "cpu_seconds": single_cpu,
                         "goal_seconds": 1.0, "per_scenario_ms": 1000 * single_s / len(levers)},
        "monte_carlo": {"levers": len(mc), "iterations": iterations, "seconds": mc_s, "cpu_seconds": mc_cpu,
                        "goal_seconds": 5.0},
        "load_average": os.getloadavg()[0],
        "agreement_max_rel_of_baseline": agreement, "agreement_levers": 2 * sample,
    }  # fmt: skip


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=100_000)
    ap.add_argument("--scenarios", type=int, default=1000)
    ap.add_argument("--mc-levers", type=int, default=100)
    ap.add_argument("--iterations", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--sample", type=int, default=3, help="levers of each kind checked against the ordinary way")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "levers-2core.json"))
    args = ap.parse_args(argv)
    result = run(args.lines, args.scenarios, args.mc_levers, args.iterations, args.repeat, args.sample)
    doc = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
           "versions": {"footprint": fp.__version__, "numpy": np.__version__}, "result": result}  # fmt: skip
    Path(args.out).write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    s, m = result["single_lever"], result["monte_carlo"]
    print(f"{result['lines']:,} lines, {result['products']:,} products, {result['exploded_rows']:,} rows: "
          f"{s['scenarios']} single-lever scenarios {s['seconds']:.3f} s wall, {s['cpu_seconds']:.3f} s CPU (goal < 1 s); "
          f"{m['levers']} levers x {m['iterations']} iterations {m['seconds']:.3f} s wall, {m['cpu_seconds']:.3f} s CPU "
          f"(goal < 5 s); agreement {result['agreement_max_rel_of_baseline']:.1e} of the baseline; load average {result['load_average']:.1f}")  # fmt: skip
    return doc


if __name__ == "__main__":
    main()
