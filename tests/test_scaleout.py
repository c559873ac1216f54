"""The aggregation step as DataFrame operations agrees with the engine (on Dask: tests/test_distributed.py)."""

from __future__ import annotations

import pytest
from test_catalogue import LIB, tables

import footprint as fp
from footprint._scaleout import aggregate_rows, exploded_rows, factor_co2e_table


def test_pandas_aggregation_matches_the_engine() -> None:
    """Join and group-by on the long table give each supplier's modules as calculate_catalogue does."""
    ex = fp.explode_catalogue(fp.prepare_catalogue(*tables(), LIB))
    engine = fp.calculate_catalogue(ex).by_supplier
    agg = aggregate_rows(exploded_rows(ex), factor_co2e_table(LIB))
    for (supplier, module), value in agg.items():
        assert engine.loc[supplier, module] == pytest.approx(value, rel=1e-12)
