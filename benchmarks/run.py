"""The catalogue benchmark: load, footprint of every product, supplier roll-up, recalculation; against a naive
pint walk and the numpy floor, with peak memory.

    python benchmarks/run.py                      # 1k, 100k and 1M BOM lines
    python benchmarks/run.py --sizes 1k,100k,1m,5m --out benchmarks/results/latest.json

Each size runs in a fresh process (so that its peak memory is its own): the synthetic portfolio
(benchmarks/portfolio.py) is written as Parquet and CSV, then read back and checked by the library, computed,
recomputed, and compared with the references (benchmarks/reference.py) to 1e-9 relative. The naive walk runs
on every product up to 100k lines and on a sample of products above that (its time scaled by BOM lines; the
table says so). Memory is the growth of the process's peak resident set over its size after the imports.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000, "1m": 1_000_000, "2m": 2_000_000, "5m": 5_000_000}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _best(fn: Any, repeat: int) -> tuple[float, Any]:
    """Best wall time of ``repeat`` calls, and the last result."""
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def generate(lines: int, seed: int, workdir: Path) -> dict[str, Any]:
    """Make the synthetic portfolio and write its tables (runs in its own process)."""
    import pickle

    sys.path.insert(0, str(ROOT))
    from benchmarks.portfolio import make_portfolio

    t = time.perf_counter()
    pf = make_portfolio(lines, seed=seed)
    gen_s = time.perf_counter() - t
    for name in ("products", "bom", "activities"):
        df = getattr(pf, name)
        df.to_parquet(workdir / f"{name}.parquet")
        df.to_csv(workdir / f"{name}.csv", index=False)
    pf.deliveries.drop(columns="supplier").rename(columns={"year": "period"}).astype({"period": str}).to_parquet(
        workdir / "deliveries.parquet"
    )
    (workdir / "library.pickle").write_bytes(pickle.dumps(list(pf.library)))
    return {"lines": len(pf.bom), "generate_s": gen_s}


def measure(naive_lines: int, workdir: Path) -> dict[str, Any]:
    """Every measurement for one size, on tables written by :func:`generate` (runs in its own process)."""
    import pickle

    import numpy as np
    import pandas as pd

    import footprint as fp

    sys.path.insert(0, str(ROOT))
    import pyarrow.parquet  # noqa: F401 - an import, not part of what loading costs

    from benchmarks.portfolio import Portfolio
    from benchmarks.reference import floor, naive

    library = fp.FactorLibrary(pickle.loads((workdir / "library.pickle").read_bytes()), name="synthetic")
    base_mb = _peak_mb()
    out: dict[str, Any] = {}

    # 1. load and validate from Parquet (first, so that the peak is its own), then from CSV
    t = time.perf_counter()
    cat = fp.prepare_catalogue(*(workdir / f"{n}.parquet" for n in ("products", "bom", "activities")), library)
    out["load_parquet_s"] = time.perf_counter() - t
    t = time.perf_counter()
    fp.prepare_catalogue(*(workdir / f"{n}.csv" for n in ("products", "bom", "activities")), library)
    out["load_csv_s"] = time.perf_counter() - t
    n_lines = len(cat.bom.edge_parent)
    out["lines"] = n_lines
    out["products"] = cat.n_products
    out["suppliers"] = len(cat.supplier_ids)
    out["activities"] = len(cat.act_item)

    # 2. every product's footprint with modules and gases, and the roll-up to suppliers and cluster
    def full() -> Any:
        return fp.calculate_catalogue(fp.explode_catalogue(cat), gwp="AR6")

    repeat = 3
    out["footprint_s"], result = _best(full, repeat)
    ex = fp.explode_catalogue(cat)
    out["exploded_rows"] = len(ex.row_qty)
    out["explode_s"], _ = _best(lambda: fp.explode_catalogue(cat), repeat)
    from footprint._catalogue import rollup

    out["rollup_s"], _ = _best(lambda: rollup(cat, result.by_product), 5)

    # 3. recalculation on the prepared explosion: another GWP set; new factor values
    out["recompute_gwp_s"], _ = _best(lambda: fp.calculate_catalogue(ex, gwp="AR5"), 5)
    bumped = fp.FactorLibrary(
        [f.model_copy(update={"gases": {g: v * 1.1 for g, v in f.gases.items()}}) for f in library], name="bumped"
    )
    out["recompute_factors_s"], _ = _best(lambda: fp.calculate_catalogue(ex, factors=bumped), 5)

    # 3a. the supplier roll-up of deliveries: three years of quantities x every product's footprint
    deliveries = pd.read_parquet(workdir / "deliveries.parquet")
    table = fp.footprint_table(result)
    out["deliveries"] = len(deliveries)
    out["deliveries_rollup_s"], _ = _best(lambda: fp.supplier_footprints(table, deliveries), 3)

    # 3b. Monte Carlo: 1,000 iterations over every product and supplier, on the same explosion
    out["monte_carlo_s"], _ = _best(lambda: fp.monte_carlo_catalogue(ex, iterations=1000, seed=0), 3)

    # 4. the floor on the library's own flattened arrays: one gather, one multiply, one bincount
    co2e = library.co2e_vector("AR6")[0]
    out["floor_s"], floor_tot = _best(lambda: floor(ex.row_product, ex.row_factor, ex.row_qty, co2e, cat.n_products), 5)
    lib_tot = result.by_product["total_kgco2e"].to_numpy()
    out["floor_max_rel_diff"] = float(np.max(np.abs(floor_tot - lib_tot) / np.maximum(np.abs(lib_tot), 1e-300)))

    # 5. the naive walk: all products, or a sample of them covering about naive_lines BOM lines. Its set-up
    #    (lookups over the whole portfolio) is timed apart and not scaled; only the walk is.
    products = list(cat.product_ids)
    pf_view = Portfolio(
        products=pd.read_parquet(workdir / "products.parquet"),
        bom=pd.read_parquet(workdir / "bom.parquet"),
        activities=pd.read_parquet(workdir / "activities.parquet"),
        deliveries=pd.DataFrame(),
        library=library,
    )
    share = min(1.0, naive_lines / n_lines)
    sample = products if share >= 1.0 else products[:: max(1, round(1 / share))]
    t = time.perf_counter()
    naive(pf_view, "AR6", products=[])
    setup_s = time.perf_counter() - t
    t = time.perf_counter()
    naive_tot = naive(pf_view, "AR6", products=sample)
    naive_s = time.perf_counter() - t
    sample_frac = len(sample) / len(products)
    out["naive_products"] = len(sample)
    out["naive_measured_s"] = naive_s
    out["naive_setup_s"] = setup_s
    out["naive_s"] = setup_s + max(naive_s - setup_s, 0.0) / sample_frac
    out["naive_scaled"] = sample_frac < 1.0
    by_id = result.by_product["total_kgco2e"]
    out["naive_max_rel_diff"] = float(max(abs(naive_tot[p] - by_id[p]) / max(abs(by_id[p]), 1e-300) for p in sample))
    out["peak_mb"] = _peak_mb() - base_mb
    return out


def load_only(workdir: Path) -> dict[str, Any]:
    """Peak memory of loading and checking the Parquet tables alone, in a fresh process."""
    import pickle

    import pyarrow as pa
    import pyarrow.parquet

    import footprint as fp

    library = fp.FactorLibrary(pickle.loads((workdir / "library.pickle").read_bytes()), name="synthetic")
    base = _peak_mb()
    fp.prepare_catalogue(*(workdir / f"{n}.parquet" for n in ("products", "bom", "activities")), library)
    key = "load_peak_mb_system_pool" if pa.default_memory_pool().backend_name == "system" else "load_peak_mb"
    return {key: _peak_mb() - base}


def _child(args: argparse.Namespace) -> None:
    workdir = Path(args.workdir)
    if args.step == "generate":
        res = generate(SIZES[args.child], args.seed, workdir)
    elif args.step == "load":
        res = load_only(workdir)
    else:
        res = measure(args.naive_lines, workdir)
    print(json.dumps(res))


def _table(rows: list[dict[str, Any]]) -> str:
    head = (
        "lines", "products", "load parquet s", "load csv s", "load MB", "(system pool)", "explode s", "footprint s", "rollup s", "lines/s", "recompute s",
        "floor s", "recompute/floor", "MC 1000 s", "deliveries s", "naive s", "naive/footprint", "peak MB",
    )  # fmt: skip
    body = []
    for r in rows:
        body.append(
            (
                f"{r['lines']:,}",
                f"{r['products']:,}",
                f"{r['load_parquet_s']:.3f}",
                f"{r['load_csv_s']:.3f}",
                f"{r['load_peak_mb']:.0f}",
                f"{r['load_peak_mb_system_pool']:.0f}",
                f"{r['explode_s']:.4f}",
                f"{r['footprint_s']:.4f}",
                f"{r['rollup_s']:.4f}",
                f"{r['lines'] / r['footprint_s']:,.0f}",
                f"{r['recompute_gwp_s']:.4f}",
                f"{r['floor_s']:.4f}",
                f"{r['recompute_gwp_s'] / r['floor_s']:.1f}",
                f"{r['monte_carlo_s']:.3f}",
                f"{r['deliveries_rollup_s']:.3f}",
                f"{r['naive_s']:.1f}{'*' if r['naive_scaled'] else ''}",
                f"{r['naive_s'] / r['footprint_s']:,.0f}",
                f"{r['peak_mb']:.0f}",
            )
        )
    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(head)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(head, widths, strict=True))]
    lines += ["  ".join(c.rjust(w) for c, w in zip(b, widths, strict=True)) for b in body]
    if any(r["naive_scaled"] for r in rows):
        lines.append("* naive measured on a sample of products and scaled by BOM lines")
    return "\n".join(lines)


def main() -> int:
    """Run every size in its own process; print the table and write the JSON."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1k,100k,1m", help="comma-separated: 1k, 10k, 100k, 1m, 2m, 5m")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--naive-lines", type=int, default=100_000, help="BOM lines the naive walk covers at most")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "latest.json")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--step", help=argparse.SUPPRESS)
    ap.add_argument("--workdir", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(args)
        return 0
    rows = []
    for size in args.sizes.split(","):
        row: dict[str, Any] = {}
        with tempfile.TemporaryDirectory() as tmp:
            for step, env in (
                ("generate", {}),
                ("load", {}),
                ("load", {"ARROW_DEFAULT_MEMORY_POOL": "system"}),
                ("measure", {}),
            ):
                cmd = [sys.executable, __file__, "--child", size, "--step", step, "--workdir", tmp]
                cmd += ["--seed", str(args.seed), "--naive-lines", str(args.naive_lines)]
                proc = subprocess.run(cmd, capture_output=True, text=True, check=False, env={**os.environ, **env})
                if proc.returncode != 0:
                    print(proc.stderr, file=sys.stderr)
                    return proc.returncode
                row.update(json.loads(proc.stdout.strip().splitlines()[-1]))
        rows.append(row)
        print(f"{size}: done", file=sys.stderr)
    print(_table(rows))
    import numpy
    import pandas

    import footprint

    report = {
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": _cpus()},
        "versions": {"footprint": footprint.__version__, "numpy": numpy.__version__, "pandas": pandas.__version__},
        "seed": args.seed,
        "results": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwrote {args.out}")
    return 0


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


if __name__ == "__main__":
    sys.exit(main())
