"""Cold start of the command line: ``footprint calc examples/subsea_gate_valve.yaml`` in a fresh interpreter,
against ``python -c pass`` and ``python -c "import numpy"`` measured in the same run (alternating, so that all
see the same machine load).

    python benchmarks/cold_start.py                 # 15 runs of each; prints the figures
    python benchmarks/cold_start.py --out benchmarks/results/cold-start.json
    python benchmarks/cold_start.py --before /tmp/old-footprint   # another source tree, side by side

The program is started as ``python -m footprint``, from the tree's root, as the ``footprint`` script starts it.
Each figure is the median of the runs and the best of them (wall time, and the CPU time the child used, user +
system, threads included): on a busy machine the CPU time and the best wall time move less than the median
wall time. One warm-up run first writes the bytecode caches, as a ``pip install`` does, so that compiling the
sources is not counted, and the bundled factors' cache entry, as the first run after an install does (in a
folder of the run's own for each tree, so that no other run evicts it). The printed result is checked against
the warm-up's, so a faster start never prints other numbers; with ``--before``, the other tree must print the
same. :func:`cold_start` is what benchmarks/run.py records as ``cold_calc_s``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VALVE = ROOT / "examples" / "subsea_gate_valve.yaml"


def _run(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, str]:
    """Wall and CPU seconds of one child process, and its standard output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=cwd, env=env)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.stdout


def cold_start(runs: int = 15, before: Path | None = None) -> dict[str, Any]:
    """Median and best wall and CPU seconds of a cold ``footprint calc`` of the valve, of ``python -c pass`` and
    of ``python -c "import numpy"`` (and of the calc in the ``before`` tree, when given)."""
    with tempfile.TemporaryDirectory() as caches:
        return _measure(runs, before, Path(caches))


def _measure(runs: int, before: Path | None, caches: Path) -> dict[str, Any]:
    """:func:`cold_start` with each tree's factor cache in its own folder under ``caches``."""
    base = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}
    # A cache folder keeps the entry of one key (one tree's reader modules): each tree gets its own, so that
    # alternating trees (or other jobs' runs in the user's cache folder) do not evict each other's entry.
    env = base | {"FOOTPRINT_CACHE_DIR": str(caches / "after")}
    env_before = base | {"FOOTPRINT_CACHE_DIR": str(caches / "before")}
    calc = [sys.executable, "-m", "footprint", "calc", str(VALVE)]
    cmds: dict[str, tuple[list[str], Path, dict[str, str]]] = {
        "pass": ([sys.executable, "-c", "pass"], ROOT, env),
        "numpy": ([sys.executable, "-c", "import numpy"], ROOT, env),
        "calc": (calc, ROOT, env),
        "import": ([sys.executable, "-c", "import footprint.cli"], ROOT, env),
    }
    if before is not None:
        cmds["before"] = (calc, before, env_before)  # ``-m`` imports footprint from the working directory's tree
    _, _, expected = _run(calc, env, ROOT)  # warm-up: bytecode and cache entry written, output to compare with
    if before is not None and _run(calc, env_before, before)[2] != expected:
        raise AssertionError(f"the tree {before} prints another result")
    times: dict[str, list[tuple[float, float]]] = {key: [] for key in cmds}
    for _ in range(runs):
        for key, (cmd, cwd, cmd_env) in cmds.items():
            wall, cpu, out = _run(cmd, cmd_env, cwd)
            if key in ("calc", "before") and out != expected:
                raise AssertionError("footprint calc printed other output between runs")
            times[key].append((wall, cpu))

    def med(key: str, k: int) -> float:
        return statistics.median(t[k] for t in times[key])

    def best(key: str, k: int) -> float:
        return min(t[k] for t in times[key])

    res: dict[str, Any] = {
        "cold_calc_s": med("calc", 0),
        "cold_calc_cpu_s": med("calc", 1),
        "cold_calc_min_s": best("calc", 0),
        "cold_calc_cpu_min_s": best("calc", 1),
        "import_cli_s": med("import", 0),
        "python_pass_s": med("pass", 0),
        "python_pass_cpu_s": med("pass", 1),
        "python_pass_min_s": best("pass", 0),
        "import_numpy_s": med("numpy", 0),
        "import_numpy_cpu_s": med("numpy", 1),
        "import_numpy_min_s": best("numpy", 0),
        "import_numpy_cpu_min_s": best("numpy", 1),
    }
    if before is not None:
        res |= {
            "before_calc_s": med("before", 0),
            "before_calc_cpu_s": med("before", 1),
            "before_calc_min_s": best("before", 0),
            "before_calc_cpu_min_s": best("before", 1),
        }
    return res | {"cold_calc_runs": runs, "load_average": os.getloadavg()[0]}


def main() -> int:
    """Measure, print and optionally write the JSON."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--before", type=Path, help="root of another footprint source tree, measured side by side")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    load = os.getloadavg()[0]
    res = cold_start(args.runs, args.before)
    print(f"{'load_average_start':>22}  {load:.2f}")
    for key, value in res.items():
        print(f"{key:>22}  {value:.3f}" if isinstance(value, float) else f"{key:>22}  {value}")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(res, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
