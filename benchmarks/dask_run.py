"""The catalogue pipeline on a Dask cluster: agreement with one machine, then 20 million BOM lines on a
2-worker local cluster, with time, per-worker peak memory and an extrapolation to more workers and lines.

    python benchmarks/dask_run.py                                  # 1M agreement check, then 20M lines
    python benchmarks/dask_run.py --lines 5m --out /tmp/dask.json  # a smaller run

1. Agreement: the synthetic portfolio (benchmarks/portfolio.py) of ``--check-lines`` lines is partitioned by
   supplier (``partition_catalogue``) and computed on the cluster; every product's modules and gases and every
   supplier's totals must equal ``calculate_catalogue`` of the whole portfolio on one machine to 1e-12
   relative, or the run exits 1.
2. Scale: ``--lines`` lines are generated as blocks of ``--block`` lines (one portfolio per seed, its ids
   prefixed with the block), each written straight into the partitioned layout as one partition, as an
   export per supplier group would be; the 2,000 standard fasteners, which every block uses, are the shared
   tables. The cluster computes every product; one partition's products are checked against a one-machine
   run of that partition's tables with the shared ones (1e-12).

Memory is each worker process's peak resident set (``ru_maxrss``), read from the workers at the end; time
is wall time of ``calculate_catalogue_distributed`` from the first read to the rolled-up result. The
extrapolation assumes what the run shows: partitions are independent, so time is the driver's fixed cost
plus the partitions' work divided among the workers, and a worker's peak is one partition's.
:func:`run` is what benchmarks/run.py calls for its ``dask`` figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import footprint as fp  # noqa: E402
from benchmarks.portfolio import make_factors, make_portfolio  # noqa: E402
from footprint._partitioned import SHARED  # noqa: E402

STANDARD = "STD-F"  # the generator's standard fasteners, shared by every supplier
TOLERANCE = 1e-12


def _max_rel(got: pd.DataFrame, want: pd.DataFrame) -> float:
    """Largest relative difference over every cell (against the table's largest magnitude for zeros)."""
    if sorted(got.index) != sorted(want.index) or list(got.columns) != list(want.columns):
        return float("inf")
    g, w = got.loc[want.index].to_numpy(), want.to_numpy()
    scale = np.maximum(np.abs(w), 1e-12 * np.abs(w).max())
    return float(np.max(np.abs(g - w) / scale))


def _agreement(got: fp.CatalogueResult, want: fp.CatalogueResult, tables: tuple[str, ...]) -> float:
    return max(_max_rel(getattr(got, t), getattr(want, t)) for t in tables)


def _cluster(workers: int, memory_limit: str, scratch: Path) -> Any:
    """A local cluster of worker processes, one thread each, its HTTP server on a free port."""
    import distributed

    return distributed.LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, memory_limit=memory_limit,
        dashboard_address=":0", local_directory=str(scratch),
    )  # fmt: skip


def _reset_peak() -> None:
    """Start this process's peak resident set afresh (Linux: a worker's ``ru_maxrss`` starts at the size
    of the process it was made from, so the peak is reset and read from /proc instead)."""
    Path("/proc/self/clear_refs").write_text("5")


def _peak_mb() -> float:
    """This process's peak resident set since the last reset, MB (VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024.0
    return float("nan")


def _worker_peaks(client: Any) -> list[float]:
    """Each worker process's peak resident set since :func:`_reset_peak`, MB."""
    return [round(v, 1) for v in client.run(_peak_mb).values()]


def check_agreement(lines: int, address: str, tmp: Path) -> dict[str, Any]:
    """The distributed result of a whole portfolio against one machine's."""
    pf = make_portfolio(lines, seed=0)
    folder = fp.partition_catalogue(pf.products, pf.bom, pf.activities, tmp / "check", partitions=4)
    t = time.perf_counter()
    got = fp.calculate_catalogue_distributed(
        folder / "products", folder / "bom", folder / "activities", pf.library, scheduler=address
    )
    dask_s = time.perf_counter() - t
    t = time.perf_counter()
    want = fp.calculate_catalogue(fp.prepare_catalogue(pf.products, pf.bom, pf.activities, pf.library))
    one_s = time.perf_counter() - t
    tables = ("by_product", "by_product_gas", "by_supplier", "by_family", "cluster")
    return {"check_lines": len(pf.bom), "check_dask_s": dask_s, "check_one_machine_s": one_s,
            "check_max_rel": _agreement(got, want, tables)}  # fmt: skip


def _prefixed(series: pd.Series, prefix: str) -> pd.Series:
    """Ids with a block's prefix, the shared standard parts' left as they are."""
    text = series.astype(str)
    return text.where(text.str.startswith(STANDARD), prefix + text)


def write_blocks(lines: int, block: int, folder: Path) -> dict[str, Any]:
    """``lines`` lines as blocks of ``block`` lines, each one partition of the layout; standard parts shared."""
    n_blocks = max(1, round(lines / block))
    for name in ("products", "bom", "activities"):
        (folder / name).mkdir(parents=True)
    shared: list[pd.DataFrame] = []
    seen: set[str] = set()
    total = 0
    t = time.perf_counter()
    for b in range(n_blocks):
        pf = make_portfolio(block, seed=b)
        p = f"B{b}-"
        products = pf.products.assign(
            product=_prefixed(pf.products["product"], p), root=_prefixed(pf.products["root"], p),
            supplier=p + pf.products["supplier"].astype(str),
        )  # fmt: skip
        bom = pf.bom.assign(parent=_prefixed(pf.bom["parent"], p), child=_prefixed(pf.bom["child"], p))
        acts = pf.activities.assign(item=_prefixed(pf.activities["item"], p))
        std = acts["item"].str.startswith(STANDARD)
        new = acts[std & ~acts["item"].isin(list(seen))]
        shared.append(new)
        seen |= set(new["item"].unique())
        name = f"part-{b:05d}.parquet"
        products.to_parquet(folder / "products" / name, index=False)
        bom.to_parquet(folder / "bom" / name, index=False)
        acts[~std].to_parquet(folder / "activities" / name, index=False)
        total += len(bom)
        del pf, products, bom, acts
    pd.concat(shared, ignore_index=True).to_parquet(folder / "activities" / SHARED, index=False)
    return {"lines": total, "partitions": n_blocks, "block_lines": block, "write_s": time.perf_counter() - t}


def check_block(folder: Path, got: fp.CatalogueResult, library: fp.FactorLibrary) -> float:
    """Partition 0's products on one machine (its tables and the shared ones) against the cluster's."""
    name = "part-00000.parquet"
    products = pd.read_parquet(folder / "products" / name)
    bom = pd.read_parquet(folder / "bom" / name)
    acts = pd.concat([pd.read_parquet(folder / "activities" / n) for n in (name, SHARED)])
    want = fp.calculate_catalogue(fp.prepare_catalogue(products, bom, acts, library))
    ids = want.by_product.index
    sub = fp.CatalogueResult(
        gwp_set=got.gwp_set, by_product=got.by_product.loc[ids, want.by_product.columns],
        by_product_gas=got.by_product_gas.loc[ids, want.by_product_gas.columns], by_supplier=want.by_supplier,
        by_family=want.by_family, cluster=want.cluster, products=want.products, prefolded_factors=[],
        factor_library_version=got.factor_library_version,
    )  # fmt: skip
    return _agreement(sub, want, ("by_product", "by_product_gas"))


def extrapolate(res: dict[str, Any]) -> list[dict[str, Any]]:
    """Time and per-worker peak for more workers and lines, from the run's per-partition work."""
    work_s = res["task_s_total"]  # every partition's task time, summed
    fixed_s = max(res["dask_s"] - work_s / res["workers"], 0.0)  # driver: listing, broadcast, roll-up
    per_line = work_s / res["lines"]
    rows = []
    for lines in (20_000_000, 100_000_000, 500_000_000):
        for workers in (2, 8, 32):
            rows.append({"lines": lines, "workers": workers, "estimated_s": fixed_s + per_line * lines / workers,
                         "worker_peak_mb": max(res["worker_peak_mb"])})  # fmt: skip
    return rows


def run(lines: int, block: int, workers: int, check_lines: int, memory_limit: str) -> dict[str, Any]:
    """The whole benchmark; raises AssertionError when the cluster disagrees with one machine."""
    import distributed

    out: dict[str, Any] = {"workers": workers, "threads_per_worker": 1, "memory_limit": memory_limit}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if check_lines:
            with _cluster(workers, memory_limit, tmp / "scratch") as cluster, distributed.Client(cluster):
                out.update(check_agreement(check_lines, cluster.scheduler_address, tmp))
            print(f"agreement at {out['check_lines']:,} lines: {out['check_max_rel']:.1e}", file=sys.stderr)
            if not out["check_max_rel"] <= TOLERANCE:
                raise AssertionError(f"cluster and one machine differ by {out['check_max_rel']:.2e}")
        out.update(write_blocks(lines, block, tmp / "catalogue"))
        # a cluster of its own, so that each worker's peak is the scale run's
        with _cluster(workers, memory_limit, tmp / "scratch") as cluster, distributed.Client(cluster) as client:
            address = cluster.scheduler_address
            library = make_factors(0)  # every block's factor ids and units; the values of seed 0
            folder = tmp / "catalogue"
            client.run(_reset_peak)
            with distributed.get_task_stream(client) as stream:
                t = time.perf_counter()
                got = fp.calculate_catalogue_distributed(
                    folder / "products", folder / "bom", folder / "activities", library, scheduler=address
                )
                out["dask_s"] = time.perf_counter() - t
            tasks = [s for s in stream.data if str(s["key"]).startswith("_run_partition")]
            spans = [max(x["stop"] for x in s["startstops"]) - min(x["start"] for x in s["startstops"]) for s in tasks]
            out["task_s_total"], out["task_s_max"] = float(sum(spans)), float(max(spans))
            out["worker_peak_mb"] = _worker_peaks(client)
            out["products"] = len(got.by_product)
            out["suppliers"] = len(got.by_supplier)
            out["lines_per_s"] = out["lines"] / out["dask_s"]
            out["block_max_rel"] = check_block(folder, got, library)
            if not out["block_max_rel"] <= TOLERANCE:
                raise AssertionError(f"partition 0 differs from one machine by {out['block_max_rel']:.2e}")
    out["driver_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    out["extrapolation"] = extrapolate(out)
    return out


def _size(text: str) -> int:
    """'20m', '500k' or a plain number of lines."""
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:].lower(), 1)
    return int(float(text[:-1] if scale > 1 else text) * scale)


def main() -> int:
    """Run, print the figures, write the JSON."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lines", type=_size, default="20m", help="BOM lines of the scale run (20m, 500k, ...)")
    ap.add_argument("--block", type=_size, default="1m", help="BOM lines per partition")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--check-lines", type=_size, default="1m", help="lines of the agreement check (0: none)")
    ap.add_argument("--memory-limit", default="6GB", help="per worker; the nanny restarts a worker above it")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "dask-latest.json")
    args = ap.parse_args()
    try:
        res = run(args.lines, args.block, args.workers, args.check_lines, args.memory_limit)
    except AssertionError as exc:
        print(f"DISAGREEMENT: {exc}", file=sys.stderr)
        return 1
    for key, value in res.items():
        if key != "extrapolation":
            print(f"{key:>20}  {value}")
    print("\nworkers x lines -> estimated s")
    for row in res["extrapolation"]:
        print(f"  {row['workers']:>3} x {row['lines']:>13,}  {row['estimated_s']:8.1f}")
    report = {"machine": {"python": platform.python_version(), "platform": platform.platform(),
                          "cpus": len(os.sched_getaffinity(0)), "load_average": os.getloadavg()[0]},
              "versions": {"footprint": fp.__version__}, "results": res}  # fmt: skip
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
