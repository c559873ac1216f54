"""The lever benchmark script at a tiny size, so that it cannot rot: it runs, asserts its agreement with the
ordinary calculation and writes its JSON (the timings themselves are measured by the script, not here)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.levers_bench import main


def test_the_lever_benchmark_runs_at_a_tiny_size(tmp_path: Path) -> None:
    """2,000 lines, 20 scenarios, 6 levers x 50 iterations, 2 levers of each kind against the ordinary way."""
    out = tmp_path / "levers.json"
    main(["--lines", "2000", "--scenarios", "20", "--mc-levers", "6", "--iterations", "50", "--repeat", "1",
          "--sample", "2", "--out", str(out)])  # fmt: skip
    doc = json.loads(out.read_text())
    result = doc["result"]
    assert result["single_lever"]["scenarios"] == 20
    assert result["monte_carlo"]["levers"] == 6
    assert result["agreement_levers"] == 4
    assert result["agreement_max_rel_of_baseline"] <= 1e-9
