"""The catalogue benchmark: the library against a memoising naive walk, like for like, and against the numpy
floor, with agreement asserted and peak memory.

    python benchmarks/run.py                      # 1k, 100k and 1M BOM lines
    python benchmarks/run.py --sizes 1k,100k,1m,5m --out benchmarks/results/latest.json

Each size runs in fresh processes (so that each peak memory is its own): the synthetic portfolio
(benchmarks/portfolio.py) is written as Parquet, then

- ``end_to_end_s``: the library reads the three Parquet files, prepares (checks and codes) them, explodes every
  product and evaluates it with modules, gases (the gases' table read inside the timing, as for ``compute_s``)
  and the roll-up to suppliers; ``naive_end_to_end_s``: the
  naive walk (benchmarks/reference.py) reads the same files with pandas, builds its dictionaries and walks
  every product (memoising shared sub-assemblies), by module and gas, summed to suppliers;
- ``compute_s``: explode and evaluate from a prepared catalogue; ``naive_compute_s``: the walk and roll-up
  from the naive walk's dictionaries; ``prepare_s``: the library's prepare from in-memory tables (text
  columns as pandas reads them from the files: Arrow-backed strings); ``prepare_categorical_s``: the same
  tables with their text columns as categoricals, the item ids sharing one item master's categories
  (``benchmarks.portfolio.categorical_tables``; the conversion is not timed), whose catalogue must equal the
  plain text's (item ids and every array); ``prepare_integer_s``: the plain tables with every item id as its
  number in the item master (``benchmarks.portfolio.integer_tables``), the same catalogue asserted;
  ``end_to_end_integer_s``: end to end from Parquet files of those integer tables, every product's and
  supplier's result asserted equal to the text files'; both prepares from coded tables are timed and checked
  in a process of their own (making the coded tables peaks above the library's steps);
- ``recompute_s``: the slower of a recomputation under another GWP set and one with new factor values, on the
  same explosion: what ``calculate_catalogue`` computes at once (modules, totals, roll-ups; the gases' table
  is computed when first read); ``recompute_tables_s``: the same with every table read (gases included);
  ``floor_s``: the fastest of the gather-multiply-sum over the exploded rows, a sparse (products x factors)
  matrix-vector product and the same a cache-sized chunk of rows at a time (benchmarks/reference.py),
  totals only;
- ``monte_carlo_s``: 1,000 iterations over every product and supplier;
- ``incremental_s``: the slower of two edits of one product (a BOM line of its root, the mass of one of its
  own parts) with the recomputation of the products the edit touches (``edit_products``), by
  ``IncrementalCatalogue``; ``edit_tables_s``: the result tables after an edit (every product and supplier);
- ``load_peak_mb``: growth of the peak resident set of a fresh process that only prepares from Parquet (the
  modules it imports loaded first: ``load_imports_mb``);
  ``peak_mb``: the same for the process running the library's steps (before the naive walk runs);
- ``agreement_max_rel``: the largest relative difference between the library and the naive walk (every
  product's modules and gases, every supplier's total) and the floors (every product's total). Above 1e-12
  the run stops with a non-zero exit status.

Every time is the best of a few runs, wall clock; ``*_cpu_s`` are the same runs' process CPU times. Above
``--naive-lines`` the naive walk covers the products of every k-th supplier and its times are scaled by BOM
lines (``naive_scaled``).
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000, "1m": 1_000_000, "2m": 2_000_000, "5m": 5_000_000}
TOLERANCE = 1e-12
TABLES = ("products", "bom", "activities")


class DisagreementError(AssertionError):
    """The library and a reference differ by more than :data:`TOLERANCE` relative."""


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _timed(out: dict[str, Any], key: str, fn: Callable[[], Any], repeat: int) -> Any:
    """Run :func:`benchmarks.timing.best_of`, store ``key`` (wall) and its ``_cpu`` twin, return the result."""
    sys.path.insert(0, str(ROOT))
    from benchmarks.timing import best_of

    wall, cpu, res = best_of(fn, repeat)
    out[key] = wall
    out[f"{key[:-2]}_cpu_s"] = cpu
    return res


def generate(lines: int, seed: int, workdir: Path) -> dict[str, Any]:
    """Make the synthetic portfolio and write its tables (runs in its own process)."""
    import pickle

    sys.path.insert(0, str(ROOT))
    from benchmarks.portfolio import integer_tables, make_portfolio

    t = time.perf_counter()
    pf = make_portfolio(lines, seed=seed)
    gen_s = time.perf_counter() - t
    for name in TABLES:
        getattr(pf, name).to_parquet(workdir / f"{name}.parquet")
    numbered, _ = integer_tables(pf.products, pf.bom, pf.activities)
    for name, table in zip(TABLES, numbered, strict=True):
        table.to_parquet(workdir / f"integer-{name}.parquet")
    (workdir / "library.pickle").write_bytes(pickle.dumps(list(pf.library)))
    return {"lines": len(pf.bom), "generate_s": gen_s}


def _relative(got: Any, want: Any) -> float:
    import numpy as np

    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    if not got.size:
        return 0.0
    diff = np.abs(got - want)
    return float(np.max(np.where(diff == 0, 0.0, diff / np.maximum(np.abs(want), 1e-300))))


def agreement(result: Any, naive: Any, floors: dict[str, Any], suppliers: list[str]) -> float:
    """Largest relative difference of the library's ``result`` (a CatalogueResult) from the naive walk
    (modules and gases of every product it walked; totals of ``suppliers``, those it walked whole) and from
    each floor (every product's total, in catalogue order); raises :class:`DisagreementError` above TOLERANCE."""
    import numpy as np
    import pandas as pd

    products = list(naive.by_product)
    keys = {k for v in naive.by_product.values() for k in v}
    # every column on either side: one the other lacks compares with zero
    modules = sorted({m for m, _ in keys} | {c for c in result.by_product.columns if not c.endswith("_kgco2e")})
    gases = sorted({g for _, g in keys} | set(result.by_product_gas.columns))

    def naive_frame(pos: int, names: list[str]) -> pd.DataFrame:
        return pd.DataFrame(
            [[sum(kg for k, kg in naive.by_product[p].items() if k[pos] == n) for n in names] for p in products],
            index=products,
            columns=names,
        )

    lib_mod = result.by_product.reindex(index=products, columns=modules).fillna(0.0)
    lib_gas = result.by_product_gas.reindex(index=products, columns=gases).fillna(0.0)
    checks = {
        "modules vs naive": _relative(lib_mod.to_numpy(), naive_frame(0, modules).to_numpy()),
        "gases vs naive": _relative(lib_gas.to_numpy(), naive_frame(1, gases).to_numpy()),
        "suppliers vs naive": _relative(
            result.by_supplier["total_kgco2e"].reindex(suppliers).to_numpy(),
            np.array([naive.by_supplier[s] for s in suppliers]),
        ),
    }
    total = result.by_product["total_kgco2e"].to_numpy()
    checks.update({f"totals vs {name}": _relative(total, values) for name, values in floors.items()})
    worst = max(checks.values())
    if not worst <= TOLERANCE:
        bad = {k: v for k, v in checks.items() if not v <= TOLERANCE}
        raise DisagreementError(f"the library and the references differ by more than {TOLERANCE:g} relative: {bad}")
    return worst


def _every_product_table(result: Any) -> Any:
    """``result`` with its gases' table computed (a table the library may compute when first read): the
    naive walk gives every product by module and by gas, so the library's timings include both."""
    result.by_product_gas  # noqa: B018 - read to be computed inside the timing
    return result


def _library(workdir: Path) -> Any:
    import pickle

    import footprint as fp

    return fp.FactorLibrary(pickle.loads((workdir / "library.pickle").read_bytes()), name="synthetic")


def _library_steps(workdir: Path, out: dict[str, Any], repeat: int) -> tuple[Any, Any]:
    """Time the library: end to end from Parquet, prepare from memory, compute, recompute, Monte Carlo."""
    import pandas as pd
    import pyarrow as pa

    import footprint as fp

    library = _library(workdir)
    files = [workdir / f"{n}.parquet" for n in TABLES]

    def end_to_end() -> Any:
        return _every_product_table(
            fp.calculate_catalogue(fp.explode_catalogue(fp.prepare_catalogue(*files, library)), gwp="AR6")
        )

    by_text = _timed(out, "end_to_end_s", end_to_end, repeat)
    want = {name: getattr(by_text, name) for name in ("by_product", "by_product_gas", "by_supplier")}
    del by_text  # its catalogue would stay in the next step's peak
    numbered_files = [workdir / f"integer-{n}.parquet" for n in TABLES]

    def end_to_end_integer() -> Any:
        cat = fp.prepare_catalogue(*numbered_files, library)
        return _every_product_table(fp.calculate_catalogue(fp.explode_catalogue(cat), gwp="AR6"))

    by_number = _timed(out, "end_to_end_integer_s", end_to_end_integer, repeat)
    for name in ("by_product", "by_product_gas", "by_supplier"):
        if not getattr(by_number, name).equals(want[name]):
            raise DisagreementError(f"the files with integer item ids gave another {name} than the text files")
    del want, by_number
    tables = [pd.read_parquet(f) for f in files]
    cat = _timed(out, "prepare_s", lambda: fp.prepare_catalogue(*tables, library), repeat)
    tables.clear()
    pa.default_memory_pool().release_unused()  # the freed tables were the harness's own, not the library's
    result = _timed(
        out,
        "compute_s",
        lambda: _every_product_table(fp.calculate_catalogue(fp.explode_catalogue(cat), gwp="AR6")),
        repeat,
    )
    ex = _timed(out, "explode_s", lambda: fp.explode_catalogue(cat), repeat)  # the last one is kept, no other
    out.update(lines=len(cat.bom.edge_parent), products=cat.n_products, suppliers=len(cat.supplier_ids))
    out.update(activities=len(cat.act_item), exploded_rows=len(ex.row_qty))
    bumped = fp.FactorLibrary(
        [f.model_copy(update={"gases": {g: v * 1.1 for g, v in f.gases.items()}}) for f in library], name="bumped"
    )
    _timed(out, "recompute_gwp_s", lambda: fp.calculate_catalogue(ex, gwp="AR5"), 2 * repeat)
    _timed(out, "recompute_factors_s", lambda: fp.calculate_catalogue(ex, factors=bumped), 2 * repeat)
    for k in ("recompute_s", "recompute_cpu_s"):
        out[k] = max(out[k.replace("recompute", "recompute_gwp")], out[k.replace("recompute", "recompute_factors")])

    def every_table(**kw: Any) -> Any:
        res = fp.calculate_catalogue(ex, **kw)
        return [getattr(res, t) for t in ("by_product", "by_product_gas", "by_supplier", "by_family", "cluster")]

    _timed(out, "recompute_tables_gwp_s", lambda: every_table(gwp="AR5"), 2 * repeat)
    _timed(out, "recompute_tables_factors_s", lambda: every_table(factors=bumped), 2 * repeat)
    for k in ("recompute_tables_s", "recompute_tables_cpu_s"):
        out[k] = max(out[k.replace("tables", "tables_gwp")], out[k.replace("tables", "tables_factors")])
    _timed(out, "monte_carlo_s", lambda: fp.monte_carlo_catalogue(ex, iterations=1000, seed=0), repeat)
    _incremental(cat, workdir, out)
    return result, ex


def _same_catalogue(got: Any, want: Any, master: Any = None) -> None:
    """The catalogue prepared from categorical (or integer) tables is the plain text's: the same item ids (the
    numbers naming ``master``'s ids) in the same order, the same arrays (so every result is the same to the
    last bit) and each activity's (factor, unit) pair the same."""
    import numpy as np

    ids = got.item_ids if master is None else master.take(got.item_ids.astype(np.int64))
    if list(ids) != list(want.item_ids):
        raise DisagreementError("another form of the tables numbered the item ids otherwise than plain text")
    for name in ("root", "act_item", "act_factor", "act_qty", "act_module", "act_offsets"):
        if not np.array_equal(getattr(got, name), getattr(want, name)):
            raise DisagreementError(f"another form of the tables gave another {name} than plain text")
    # each activity's (factor, unit) pair: the pairs are numbered in the unit column's own order
    for k in (0, 1):
        if not np.array_equal(
            np.array([p[k] for p in got.pairs], dtype=object)[got.act_pair],
            np.array([p[k] for p in want.pairs], dtype=object)[want.act_pair],
        ):
            raise DisagreementError("another form of the tables gave other (factor, unit) pairs than plain text")
    for name in ("edge_parent", "edge_child", "edge_qty"):
        if not np.array_equal(getattr(got.bom, name), getattr(want.bom, name)):
            raise DisagreementError(f"another form of the tables gave another BOM {name} than plain text")


def _incremental(cat: Any, workdir: Path, out: dict[str, Any]) -> None:
    """Time one edit of one product of the middle supplier (a BOM line of its root; the mass of one of its own
    parts) with the recomputation of every product it touches; then the result tables."""
    import footprint as fp

    live = _timed(out, "incremental_setup_s", lambda: fp.IncrementalCatalogue(cat), 1)
    k = cat.n_products // 2
    product, root = str(cat.product_ids[k]), int(cat.root[k])
    child = int(cat.bom.edge_child[cat.bom.edge_parent == root][0])
    own = _own_mass_activity(cat, product)
    root_id, child_id = str(cat.item_ids[root]), str(cat.item_ids[child])
    values = iter(range(10**6))
    touched = _timed(out, "edit_line_s", lambda: live.set_quantity(root_id, child_id, 1.0 + next(values) % 7), 20)
    mass = _timed(
        out, "edit_mass_s", lambda: live.set_amount(own["item"], own["factor"], 1.0 + next(values) % 5, "kg"), 20
    )
    out["edit_products"] = max(len(touched), len(mass))
    out["incremental_s"] = max(out["edit_line_s"], out["edit_mass_s"])
    out["incremental_cpu_s"] = max(out["edit_line_cpu_s"], out["edit_mass_cpu_s"])
    _timed(out, "edit_tables_s", live.result, 5)


def _own_mass_activity(cat: Any, product: str) -> dict[str, str]:
    """An activity in a mass unit of one of ``product``'s own parts (items named ``<product>-...``), found in
    the prepared catalogue (reading the activities table again would add it to the run's peak)."""
    import numpy as np

    own = np.flatnonzero(np.asarray(cat.item_ids.str.startswith(f"{product}-"), dtype=bool))
    for n in own.tolist():
        for a in range(int(cat.act_offsets[n]), int(cat.act_offsets[n + 1])):
            factor, unit = cat.pairs[int(cat.act_pair[a])]
            if unit in ("g", "kg", "t", "lb"):
                return {"item": str(cat.item_ids[n]), "factor": cat.library.ids[factor]}
    raise LookupError(f"no part of {product} has an activity in a mass unit")


def _floors(ex: Any, out: dict[str, Any], repeat: int) -> dict[str, Any]:
    """Time both floors on the library's exploded rows; their totals per product."""
    from benchmarks.reference import csr, floor, floor_matvec, floor_matvec_chunked, row_chunks

    cat = ex.catalogue
    co2e = cat.library.co2e_vector("AR6")[0]
    rows = (ex.row_product, ex.row_factor, ex.row_qty)
    gms = _timed(out, "floor_gms_s", lambda: floor(*rows, co2e, cat.n_products), 2 * repeat)
    matrix = csr(*rows, cat.n_products, len(cat.library))
    mv = _timed(out, "floor_matvec_s", lambda: floor_matvec(*matrix, co2e), 2 * repeat)
    chunks = row_chunks(matrix[0])
    mvc = _timed(out, "floor_chunked_s", lambda: floor_matvec_chunked(chunks, *matrix[1:], co2e), 2 * repeat)
    ways = ("floor_gms", "floor_matvec", "floor_chunked")
    out["floor_s"] = min(out[f"{w}_s"] for w in ways)
    out["floor_cpu_s"] = min(out[f"{w}_cpu_s"] for w in ways)
    return {"gather-multiply-sum floor": gms, "matvec floor": mv, "chunked matvec floor": mvc}


def _naive_steps(workdir: Path, naive_lines: int, out: dict[str, Any]) -> tuple[Any, list[str]]:
    """Time the naive walk end to end and its compute alone, on every product or on the products of every
    k-th supplier (times then scaled by BOM lines); its result and the suppliers it walked whole."""
    import pandas as pd

    from benchmarks.reference import naive_input, naive_walk

    library = _library(workdir)
    share = min(1.0, naive_lines / out["lines"])
    t, c = time.perf_counter(), time.process_time()
    products, bom, acts = (pd.read_parquet(workdir / f"{n}.parquet") for n in TABLES)
    suppliers = list(dict.fromkeys(products["supplier"]))
    if share < 1.0:
        suppliers = suppliers[:: max(1, round(1 / share))]
    sample = list(products.loc[products["supplier"].isin(suppliers), "product"])
    inp = naive_input(products, bom, acts)
    setup_s, setup_cpu = time.perf_counter() - t, time.process_time() - c
    del products, bom, acts
    t, c = time.perf_counter(), time.process_time()
    res = naive_walk(inp, library, "AR6", sample if share < 1.0 else None)
    walk_s, walk_cpu = time.perf_counter() - t, time.process_time() - c
    frac = len(sample) / out["products"]
    out.update(naive_products=len(sample), naive_scaled=frac < 1.0, naive_measured_s=walk_s)
    out.update(naive_compute_s=walk_s / frac, naive_compute_cpu_s=walk_cpu / frac)
    out.update(naive_end_to_end_s=setup_s + walk_s / frac, naive_end_to_end_cpu_s=setup_cpu + walk_cpu / frac)
    return res, suppliers


def measure(naive_lines: int, workdir: Path, repeat: int) -> dict[str, Any]:
    """Every measurement for one size, on tables written by :func:`generate` (runs in its own process)."""
    import pyarrow.parquet  # noqa: F401 - an import, not part of what loading costs

    import footprint  # noqa: F401

    sys.path.insert(0, str(ROOT))
    base_mb = _peak_mb()
    out: dict[str, Any] = {}
    result, ex = _library_steps(workdir, out, repeat)
    out["peak_mb"] = _peak_mb() - base_mb
    floors = _floors(ex, out, repeat)
    del ex
    naive, suppliers = _naive_steps(workdir, naive_lines, out)
    out["agreement_max_rel"] = agreement(result, naive, floors, suppliers)
    return out


def load_only(workdir: Path) -> dict[str, Any]:
    """Peak memory of preparing from the Parquet tables alone, in a fresh process: the growth from the modules
    it imports (``load_imports_mb``: pandas and footprint's catalogue, which ``import footprint`` no longer
    loads) apart from the growth from the data (``load_peak_mb``)."""
    import pyarrow.parquet  # noqa: F401

    import footprint as fp

    library = _library(workdir)
    before = _peak_mb()
    import pandas  # noqa: F401 - imports, not part of what loading costs

    prepare = fp.prepare_catalogue
    base = _peak_mb()
    prepare(*(workdir / f"{n}.parquet" for n in TABLES), library)
    return {"load_peak_mb": _peak_mb() - base, "load_imports_mb": base - before}


def coded_only(workdir: Path, repeat: int) -> dict[str, Any]:
    """Time prepare from categorical and from integer tables (``prepare_categorical_s``,
    ``prepare_integer_s``) and check that each gives the plain text's catalogue, in a process of its own:
    making the coded tables (not timed; hashing every id cell) peaks higher than any step of the library, and
    would stand in the whole run's peak."""
    import pandas as pd

    import footprint as fp

    sys.path.insert(0, str(ROOT))
    from benchmarks.portfolio import categorical_tables, integer_tables

    library = _library(workdir)
    tables = [pd.read_parquet(workdir / f"{n}.parquet") for n in TABLES]
    cat = fp.prepare_catalogue(*tables, library)
    coded = list(categorical_tables(*tables))
    numbered_tables, master = integer_tables(*tables)
    numbered = list(numbered_tables)
    tables.clear()
    out: dict[str, Any] = {}
    same = _timed(out, "prepare_categorical_s", lambda: fp.prepare_catalogue(*coded, library), repeat)
    coded.clear()
    _same_catalogue(same, cat)
    same = _timed(out, "prepare_integer_s", lambda: fp.prepare_catalogue(*numbered, library), repeat)
    _same_catalogue(same, cat, master)
    return out


def _child(args: argparse.Namespace) -> None:
    workdir = Path(args.workdir)
    if args.step == "generate":
        res = generate(SIZES[args.child], args.seed, workdir)
    elif args.step == "load":
        res = load_only(workdir)
    elif args.step == "coded":
        res = coded_only(workdir, args.repeat)
    else:
        res = measure(args.naive_lines, workdir, args.repeat)
    print(json.dumps(res))


_COLUMNS = (
    ("lines", "lines", "{:,}"),
    ("products", "products", "{:,}"),
    ("end to end s", "end_to_end_s", "{:.3f}"),
    ("naive e2e s", "naive_end_to_end_s", "{:.1f}"),
    ("e2e ratio", ("naive_end_to_end_s", "end_to_end_s"), "{:,.0f}"),
    ("compute s", "compute_s", "{:.4f}"),
    ("naive compute s", "naive_compute_s", "{:.1f}"),
    ("compute ratio", ("naive_compute_s", "compute_s"), "{:,.0f}"),
    ("prepare s", "prepare_s", "{:.3f}"),
    ("prepare cat. s", "prepare_categorical_s", "{:.3f}"),
    ("prepare int. s", "prepare_integer_s", "{:.3f}"),
    ("recompute s", "recompute_s", "{:.5f}"),
    ("floor s", "floor_s", "{:.5f}"),
    ("recompute/floor", ("recompute_s", "floor_s"), "{:.1f}"),
    ("all tables/floor", ("recompute_tables_s", "floor_s"), "{:.1f}"),
    ("MC 1000 s", "monte_carlo_s", "{:.3f}"),
    ("edit s", "incremental_s", "{:.4f}"),
    ("load MB", "load_peak_mb", "{:.0f}"),
    ("peak MB", "peak_mb", "{:.0f}"),
    ("agreement", "agreement_max_rel", "{:.1e}"),
)


def _table(rows: list[dict[str, Any]]) -> str:
    head = [h for h, _, _ in _COLUMNS]
    body = []
    for r in rows:
        cells = []
        for _, key, fmt in _COLUMNS:
            value = r[key[0]] / r[key[1]] if isinstance(key, tuple) else r[key]
            star = "*" if r["naive_scaled"] and isinstance(key, str) and key.startswith("naive") else ""
            cells.append(fmt.format(value) + star)
        body.append(cells)
    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(head)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(head, widths, strict=True))]
    lines += ["  ".join(c.rjust(w) for c, w in zip(b, widths, strict=True)) for b in body]
    if any(r["naive_scaled"] for r in rows):
        lines.append("* naive walk measured on the products of every k-th supplier and scaled by BOM lines")
    return "\n".join(lines)


def _run_size(size: str, args: argparse.Namespace) -> dict[str, Any]:
    """One size: generate, load peak, measure, each in a fresh process; exits with the child's status."""
    row: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for step in ("generate", "load", "coded", "measure"):
            cmd = [sys.executable, __file__, "--child", size, "--step", step, "--workdir", tmp]
            cmd += ["--seed", str(args.seed), "--naive-lines", str(args.naive_lines), "--repeat", str(args.repeat)]
            env = _one_blas_thread()
            proc = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
            if proc.returncode != 0:
                print(proc.stderr, file=sys.stderr)
                raise SystemExit(proc.returncode)
            row.update(json.loads(proc.stdout.strip().splitlines()[-1]))
    return row


def main() -> int:
    """Run every size in its own processes; print the table and write the JSON."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1k,100k,1m", help="comma-separated: 1k, 10k, 100k, 1m, 2m, 5m")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=3, help="runs of each step; the best counts")
    ap.add_argument("--naive-lines", type=int, default=1_000_000, help="BOM lines the naive walk covers at most")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "latest.json")
    ap.add_argument("--cold-start-runs", type=int, default=15, help="cold footprint calc runs (0: none)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--step", help=argparse.SUPPRESS)
    ap.add_argument("--workdir", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(args)
        return 0
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    rows = []
    for size in args.sizes.split(","):
        rows.append(_run_size(size, args))
        print(f"{size}: done", file=sys.stderr)
    print(_table(rows))
    cold = _cold_start(args.cold_start_runs)
    report = {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": _cpus(),
            "processor": _processor(),
        },
        "load_average_at_start": load,
        "blas_threads": 1,
        "versions": _versions(),
        "seed": args.seed,
        "repeat": args.repeat,
        "tolerance": TOLERANCE,
        "results": rows,
        "cold_start": cold,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwrote {args.out}")
    return 0


def _cold_start(runs: int) -> dict[str, Any] | None:
    """Cold ``footprint calc`` of the valve against ``python -c pass`` in the same run (benchmarks/cold_start.py)."""
    if runs < 1:
        return None
    sys.path.insert(0, str(ROOT))
    from benchmarks.cold_start import cold_start

    cold = cold_start(runs)
    print(f"cold footprint calc {cold['cold_calc_s']:.3f} s (python -c pass {cold['python_pass_s']:.3f} s)")
    return cold


def _one_blas_thread() -> dict[str, str]:
    """The environment of each step: one BLAS thread (OpenBLAS's and MKL's own settings), and
    ``OMP_NUM_THREADS`` left out, since Arrow takes it as the size of its thread pool, which reads a Parquet
    file's columns in parallel for the library and for the naive walk's pandas alike."""
    env = {k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"}
    return {**env, "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _processor() -> str:
    """The processor's model name (Linux), or what ``platform`` says: the naive walk is bound by the Python
    interpreter and the library by memory, so their ratio moves with the processor under the same code."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def _versions() -> dict[str, str]:
    """The versions of footprint and of what either side of a comparison runs on (pint: the naive walk's
    conversions; pyarrow: the library's reading), and whether footprint's compiled id table was built."""
    from importlib.metadata import version

    import footprint
    from footprint._text_ids import compiled

    out = {"footprint": footprint.__version__}
    out.update((name, version(name)) for name in ("numpy", "pandas", "pyarrow", "pint"))
    out["compiled_ids"] = "yes" if compiled() is not None else "no"
    return out


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


if __name__ == "__main__":
    sys.exit(main())
