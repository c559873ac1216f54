"""Would threads cut the wall time of prepare? Three ways of overlapping its work, each against the serial way.

    python benchmarks/threads_bench.py                    # 1 million BOM lines
    python benchmarks/threads_bench.py --lines 20000 --repeat 2

Prepare hashes every item id cell (the BOM's parent runs and children, the activities' items, the product
roots) in one Arrow hash table, and Arrow's kernels release the GIL, so on two cores three overlaps are
candidates, each timed here as best of ``--repeat`` (wall and CPU) beside its serial twin in the same run:

- ``hash``: the id cells hashed in one table, against their two halves hashed in two threads at once (the
  halves' dictionaries still to be unified: a lower bound of what splitting costs);
- ``overlap``: the activities read from Parquet and coded, then every id hashed, against the BOM's ids hashed
  in a thread while the activities are read and coded, then the activities' items and the roots hashed after
  the BOM's dictionary (which gives the same numbering: asserted);
- ``read``: the three Parquet files read one after another, against all three read in three threads.

The load average is printed at the start and the end: the machine is shared, and a busy second core is what
threads would need.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TABLES = ("products", "bom", "activities")


def _best(fn: Callable[[], Any], repeat: int) -> dict[str, float]:
    from benchmarks.timing import best_of

    wall, cpu, _ = best_of(fn, repeat)
    return {"wall_s": round(wall, 4), "cpu_s": round(cpu, 4)}


def _id_columns(workdir: Path) -> tuple[Any, Any, Any, Any]:
    """The BOM's parent runs and children, the activities' items and the roots, as prepare hashes them."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    def column(name: str, col: str) -> Any:
        return pq.read_table(workdir / f"{name}.parquet", columns=[col])[col].combine_chunks().cast(pa.large_string())

    parent = column("bom", "parent")
    differs = pc.not_equal(parent.slice(1), parent.slice(0, len(parent) - 1)).to_numpy(zero_copy_only=False)
    heads = parent.take(pa.array(np.flatnonzero(np.r_[True, differs])))
    return heads, column("bom", "child"), column("activities", "item"), column("products", "root")


def measure(workdir: Path, repeat: int) -> dict[str, Any]:
    """Time each overlap and its serial twin; stop if the overlapped numbering differs."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    import footprint as fp
    from footprint import _catalogue as cat

    library = fp.FactorLibrary(pickle.loads((workdir / "library.pickle").read_bytes()), name="synthetic")
    heads, child, item, root = _id_columns(workdir)
    every, bom_ids = pa.chunked_array([heads, child, item, root]), pa.chunked_array([heads, child])
    half = len(every) // 2
    pool = ThreadPoolExecutor(3)

    def activities() -> None:
        cat._code_activities(cat._open_table(workdir / "activities.parquet", "activities"), library, (0, ""), [])

    def overlapped() -> Any:
        bom = pool.submit(pc.dictionary_encode, bom_ids)
        activities()
        first = bom.result().chunks[-1].dictionary
        return pc.dictionary_encode(pa.chunked_array([first, item, root]))

    if not overlapped().chunks[-1].dictionary.equals(pc.dictionary_encode(every).chunks[-1].dictionary):
        raise AssertionError("hashing the BOM's ids first gave another numbering")
    files = [workdir / f"{n}.parquet" for n in TABLES]
    out: dict[str, Any] = {"id_cells": len(every), "load_average_start": os.getloadavg()}
    out["hash_one_table"] = _best(lambda: pc.dictionary_encode(every), repeat)
    out["hash_two_halves_in_threads"] = _best(
        lambda: [f.result() for f in [pool.submit(pc.dictionary_encode, every.slice(k, half)) for k in (0, half)]],
        repeat,
    )
    out["activities_then_hash"] = _best(lambda: (activities(), pc.dictionary_encode(every)), repeat)
    out["bom_hash_in_thread_beside_activities"] = _best(overlapped, repeat)
    out["read_one_after_another"] = _best(lambda: [pq.read_table(f) for f in files], repeat)
    out["read_in_three_threads"] = _best(lambda: list(pool.map(pq.read_table, files)), repeat)
    out["load_average_end"] = os.getloadavg()
    pool.shutdown()
    return out


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Generate the portfolio, time every pair, print them as JSON."""
    from benchmarks.run import generate

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        generate(args.lines, 0, Path(tmp))
        out = {"lines": args.lines, "generate_s": round(time.perf_counter() - t, 1), **measure(Path(tmp), args.repeat)}
    print(json.dumps(out, indent=2))
    return out


if __name__ == "__main__":
    main()
