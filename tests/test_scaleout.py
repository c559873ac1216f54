"""The aggregation step on a local Dask cluster over partitioned Parquet agrees with the pandas engine."""

from __future__ import annotations

from pathlib import Path

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


def test_dask_cluster_over_partitioned_parquet(tmp_path: Path) -> None:
    """Exploded rows written as Parquet partitioned by supplier, aggregated by a 2-worker local Dask
    cluster, equal the in-memory pandas aggregation."""
    dd = pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("distributed")
    ex = fp.explode_catalogue(fp.prepare_catalogue(*tables(), LIB))
    rows = exploded_rows(ex)
    rows.astype(dict.fromkeys(("product", "supplier", "family", "factor", "module"), "str")).to_parquet(
        tmp_path / "rows", partition_cols=["supplier"]
    )
    co2e = factor_co2e_table(LIB)
    expected = aggregate_rows(rows, co2e)
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster,
        distributed.Client(cluster),
    ):
        ddf = dd.read_parquet(tmp_path / "rows")
        assert ddf.npartitions >= 2
        got = aggregate_rows(ddf, co2e).compute()
    as_dict = {(str(k[0]), str(k[1])): v for k, v in got.items()}
    assert as_dict == pytest.approx({(str(k[0]), str(k[1])): v for k, v in expected.items()}, rel=1e-12)
    # and the cluster total outside module D is the engine's
    engine = fp.calculate_catalogue(ex).cluster["total_kgco2e"].iloc[0]
    assert sum(v for (_, m), v in as_dict.items() if m != "D") == pytest.approx(engine, rel=1e-12)
