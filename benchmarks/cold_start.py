"""Cold start of the command line: ``footprint calc examples/subsea_gate_valve.yaml`` in a fresh interpreter,
against ``python -c pass`` measured in the same run (alternating, so that both see the same machine load).

    python benchmarks/cold_start.py                 # 15 runs of each; prints the figures
    python benchmarks/cold_start.py --out benchmarks/results/cold-start.json

Each figure is the median of the runs (wall time, and the CPU time the child used, user + system): on a busy
machine the CPU time moves less than the wall time. One warm-up run first writes the bytecode caches, as a
``pip install`` does, so that compiling the sources is not counted. The printed result is checked against
the warm-up's, so a faster start never prints other numbers. :func:`cold_start` is what benchmarks/run.py
records as ``cold_calc_s``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VALVE = ROOT / "examples" / "subsea_gate_valve.yaml"


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall and CPU seconds of one child process, and its standard output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT, env=env)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.stdout


def cold_start(runs: int = 15) -> dict[str, Any]:
    """Median wall and CPU seconds of a cold ``footprint calc`` of the valve and of ``python -c pass``."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    calc = [sys.executable, "-m", "footprint", "calc", str(VALVE)]
    bare = [sys.executable, "-c", "pass"]
    imp = [sys.executable, "-c", "import footprint.cli"]
    _, _, expected = _run(calc, env)  # warm-up: bytecode written, output to compare with
    times: dict[str, list[tuple[float, float]]] = {"calc": [], "pass": [], "import": []}
    for _ in range(runs):
        for key, cmd in (("pass", bare), ("calc", calc), ("import", imp)):
            wall, cpu, out = _run(cmd, env)
            if key == "calc" and out != expected:
                raise AssertionError("footprint calc printed other output between runs")
            times[key].append((wall, cpu))

    def med(key: str, k: int) -> float:
        return statistics.median(t[k] for t in times[key])

    return {
        "cold_calc_s": med("calc", 0),
        "cold_calc_cpu_s": med("calc", 1),
        "cold_calc_min_s": min(t[0] for t in times["calc"]),
        "import_cli_s": med("import", 0),
        "python_pass_s": med("pass", 0),
        "python_pass_cpu_s": med("pass", 1),
        "cold_calc_runs": runs,
        "load_average": os.getloadavg()[0],
    }


def main() -> int:
    """Measure, print and optionally write the JSON."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    res = cold_start(args.runs)
    for key, value in res.items():
        print(f"{key:>18}  {value:.3f}" if isinstance(value, float) else f"{key:>18}  {value}")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(res, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
