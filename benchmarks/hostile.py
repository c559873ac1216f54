"""Time and memory of footprint's readers and calculation on hostile inputs (large, deep or bloated files).

    python benchmarks/hostile.py                  # every case
    python benchmarks/hostile.py --cases factor_csv,erp_columns

Each case runs in a fresh process, so that its peak resident set is its own: the input is generated into a
temporary folder, then read (and computed) once. The table gives the wall time of that step, the growth of the
process's peak resident set (RSS) over its size after the imports and the generation, the tracemalloc peak
of the step, and the outcome (a result, or the error the library raised, by class).

Cases:

- ``factor_csv``: a factor CSV of 272,000 rows (about 50 MB), every column of docs/factor-files.md in use;
- ``erp_columns``: an ERP BOM export of two rows and 100,000 columns nobody needs (about 870 KB);
- ``yaml_aliases``: a 140 KB YAML product whose aliases expand to 10 million BOM edges;
- ``lattice``: a diamond lattice 1,100 levels deep (2^1100 paths to its bottom part);
- ``chain``: a BOM chain 10,000 levels deep.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CASES = ("factor_csv", "erp_columns", "yaml_aliases", "lattice", "chain")
PROV = "test,1,GLO,CC0-1.0,cradle-to-gate"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def factor_csv(folder: Path, rows: int = 272_000) -> Path:
    """A factor file of ``rows`` per-gas factors with long notes (about 190 bytes a row)."""
    path = folder / "factors.csv"
    head = "id,name,category,unit,source,edition,region,licence,boundary,kg_CO2,kg_CH4_fossil,kg_N2O,source_url,notes\n"
    with path.open("w", encoding="utf-8") as f:
        f.write(head)
        for i in range(rows):
            f.write(
                f"material.steel.grade{i},Steel grade {i},material,kg,{PROV},{1.5 + i * 1e-6:.6f},0.001,0.0001,"
                f"https://example.org/steel/{i},Hot-rolled section from an integrated route; plant {i % 97}\n"
            )
    return path


def erp_columns(folder: Path, extra: int = 100_000) -> tuple[Path, Path]:
    """A two-row indented BOM with ``extra`` empty columns beside the needed ones, and its mapping."""
    bom = folder / "bom.csv"
    cols = "level,item,quantity,unit,material,net_mass,mass_unit"
    pad = "," * extra
    header = cols + "," + ",".join(f"x{k}" for k in range(extra))
    bom.write_text(f"{header}\n0,TOP,1,PCE,,,{pad}\n.1,PLATE,2,PCE,S1,10,KG{pad}\n", encoding="utf-8")
    mapping = folder / "map.csv"
    mapping.write_text("code,factor\nS1,steel\n", encoding="utf-8")
    return bom, mapping


def yaml_aliases(folder: Path, edges: int = 2500, items: int = 4000) -> Path:
    """A product of ``items`` assemblies that share, by a YAML alias, one list of ``edges`` children."""
    kids = ", ".join(["{item: p}"] * edges)
    lines = ["id: bomb", "items:", f"  - {{id: i0, children: &c [{kids}]}}"]
    lines += [f"  - {{id: i{k}, children: *c}}" for k in range(1, items)]
    lines += ["  - {id: p, kind: part}"]
    path = folder / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _steel() -> Any:
    import footprint as fp

    return fp.FactorLibrary(
        [
            fp.EmissionFactor(id="steel", name="steel", category="material", unit="kg", gases={"CO2": 2.0},
                              source="test", edition="1", region="GLO", licence="CC0-1.0", boundary="cradle-to-gate")
        ]
    )  # fmt: skip


def lattice(depth: int = 1100) -> Any:
    """A diamond lattice: each level's two nodes hold half of each node of the level below; one steel plate."""
    import footprint as fp

    items = []
    for k in range(depth):
        kids = [f"a{k + 1}", f"b{k + 1}"] if k + 1 < depth else ["plate"]
        for name in ("a", "b"):
            items.append(fp.Item(id=f"{name}{k}", children=[fp.Child(item=c, quantity=0.5) for c in kids]))
    items.insert(0, fp.Item(id="top", children=[fp.Child(item="a0", quantity=1), fp.Child(item="b0", quantity=1)]))
    items.append(fp.Item(id="plate", kind="part", material="steel", net_mass="10 kg"))
    return fp.Product(id="lattice", items=items, materials=[fp.Material(id="steel", factor="steel")])


def chain(depth: int = 10_000) -> Any:
    """A chain of ``depth`` assemblies, one in each, down to a 10 kg steel plate."""
    import footprint as fp

    items = [fp.Item(id=f"assembly-{k:05d}", children=[fp.Child(item=f"assembly-{k + 1:05d}")]) for k in range(depth)]
    items.append(fp.Item(id=f"assembly-{depth:05d}", kind="part", material="steel", net_mass="10 kg"))
    return fp.Product(id="chain", items=items, materials=[fp.Material(id="steel", factor="steel")])


def _step(case: str, folder: Path) -> Any:
    """Generate the input of ``case`` and return the step to measure."""
    import footprint as fp
    from footprint._bom_io import read_bom

    if case == "factor_csv":
        path = factor_csv(folder)
        return lambda: len(fp.load_factors(path))
    if case == "erp_columns":
        bom, mapping = erp_columns(folder)
        return lambda: len(read_bom(bom, mapping=mapping).items)
    if case == "yaml_aliases":
        path = yaml_aliases(folder)
        return lambda: fp.load_product(path)
    product = lattice() if case == "lattice" else chain()
    lib = _steel()
    return lambda: fp.calculate(product, lib).total_kgco2e


def _child(case: str, traced: bool) -> None:
    sys.path.insert(0, str(ROOT))
    import pandas  # noqa: F401  (imports are not part of the measure)

    import footprint  # noqa: F401

    with tempfile.TemporaryDirectory() as tmp:
        step = _step(case, Path(tmp))
        size = sum(p.stat().st_size for p in Path(tmp).iterdir())
        base = _peak_mb()
        if traced:  # tracemalloc slows Python down several times: its run is not timed
            tracemalloc.start()
        t = time.perf_counter()
        try:
            out: Any = step()
            outcome = f"result {out!r}"[:60] if not hasattr(out, "id") else f"result {type(out).__name__}"
        except Exception as exc:  # the outcome is reported, whatever it is
            outcome = f"{type(exc).__name__}: {str(exc).splitlines()[0][:80]}"
        seconds = time.perf_counter() - t
        peak = tracemalloc.get_traced_memory()[1] / 2**20 if traced else None
        tracemalloc.stop()
    record = {"case": case, "input_mb": size / 2**20, "seconds": None if traced else seconds,
              "rss_growth_mb": None if traced else _peak_mb() - base, "traced_peak_mb": peak, "outcome": outcome}  # fmt: skip
    print(json.dumps(record))


def _run(case: str, traced: bool) -> dict[str, Any] | str:
    cmd = [sys.executable, __file__, "--child", case] + (["--traced"] if traced else [])
    run = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if run.returncode != 0:
        return f"process failed (exit {run.returncode}): {(run.stderr.strip().splitlines() or ['?'])[-1]}"
    record: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help="Also run each case under tracemalloc (untimed).")
    parser.add_argument("--out", type=Path, help="Also write the records as JSON to this file.")
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.traced)
        return
    records = []
    print(f"{'case':<14}{'input MB':>9}{'s':>8}{'RSS MB':>9}{'traced MB':>11}  outcome")
    for case in args.cases.split(","):
        r = _run(case, traced=False)
        if isinstance(r, str):
            print(f"{case:<14} {r}")
            continue
        if args.traced:
            tr = _run(case, traced=True)
            r["traced_peak_mb"] = tr["traced_peak_mb"] if isinstance(tr, dict) else None
        records.append(r)
        traced = f"{r['traced_peak_mb']:>11.1f}" if r["traced_peak_mb"] is not None else f"{'-':>11}"
        print(f"{case:<14}{r['input_mb']:>9.2f}{r['seconds']:>8.2f}{r['rss_growth_mb']:>9.0f}{traced}  {r['outcome']}")
    if args.out:
        args.out.write_text(json.dumps(records, indent=2) + "\n")


if __name__ == "__main__":
    main()
