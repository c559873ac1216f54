"""The indicator benchmark script at a tiny size, so that it cannot rot: it runs, asserts its agreement with a
plain reference and writes its JSON (the timings themselves are measured by the script, not here)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import footprint as fp
from benchmarks.indicators_bench import _agreement, main


def test_the_indicator_benchmark_runs_at_a_tiny_size(tmp_path: Path) -> None:
    """2,000 lines, one repeat: every substance indicator computed, agreement within 1e-9, a ratio reported."""
    out = tmp_path / "indicators.json"
    main(["--lines", "2000", "--repeat", "1", "--out", str(out)])
    result = json.loads(out.read_text())["result"]
    assert set(result["indicators"]) == {i.id for i in fp.indicators() if i.kind == "substances"}
    assert result["agreement_max_rel"] <= 1e-9
    assert result["ratio"] > 0


def test_the_benchmark_agreement_catches_a_wrong_value(tmp_path: Path) -> None:
    """The reference is independent: one product's AP off by 1 % makes the agreement check fail."""
    from benchmarks.indicators_bench import _library
    from benchmarks.portfolio import make_portfolio

    pf = make_portfolio(2000, seed=0)
    cat = fp.prepare_catalogue(pf.products, pf.bom, pf.activities, _library(pf.library))
    ex = fp.explode_catalogue(cat)
    chosen = tuple(i for i in fp.indicators() if i.kind == "substances")
    by_product = fp.catalogue_indicators(ex, "all")[0]
    assert _agreement(ex, by_product, chosen) <= 1e-9
    first = int(np.flatnonzero(~by_product["ind_AP"].isna().to_numpy())[0])
    by_product.iloc[first, by_product.columns.get_loc("ind_AP")] *= 1.01
    with pytest.raises(AssertionError, match="differ from the reference"):
        _agreement(ex, by_product, chosen)
