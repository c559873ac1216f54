"""The catalogue pipeline on a Dask cluster over a catalogue partitioned by supplier: the same numbers as one
machine, per product, module, gas and supplier; bad layouts and unreachable schedulers as named errors.

One local cluster serves the whole module. It is made to start the same on a busy machine: threads in this
process (no worker processes to spawn), its HTTP server on a free port (``dashboard_address=None`` still binds
port 8787, and when another cluster on the machine holds that port the scheduler moves with a UserWarning,
which the test settings turn into an error, and leaks the socket it failed to bind), its scratch space in the
test's own folder, and connection timeouts well above the defaults.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from test_catalogue import LIB, tables

import footprint as fp
from footprint._scaleout import aggregate_rows, exploded_rows, factor_co2e_table

distributed = pytest.importorskip("distributed")
dask = pytest.importorskip("dask")

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("products", "bom", "activities")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A two-worker local cluster for the module, robust under load (see the module's docstring)."""
    scratch = tmp_path_factory.mktemp("dask-scratch")
    settings = {"distributed.comm.timeouts.connect": "120s", "distributed.comm.timeouts.tcp": "120s",
                "temporary-directory": str(scratch)}  # fmt: skip
    with (
        dask.config.set(settings),
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0", local_directory=str(scratch)
        ) as cluster,
        distributed.Client(cluster, timeout="120s") as c,
    ):
        yield c


def _portfolio(lines: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, fp.FactorLibrary]:
    """The benchmark's synthetic portfolio: suppliers with shared assemblies and standard parts used across
    suppliers, activities in mixed units."""
    sys.path.insert(0, str(ROOT))
    from benchmarks.portfolio import make_portfolio

    pf = make_portfolio(lines, seed=3)
    return pf.products, pf.bom, pf.activities, pf.library


def _folders(root: Path) -> tuple[Path, Path, Path]:
    return root / "products", root / "bom", root / "activities"


def _close(got: pd.DataFrame, want: pd.DataFrame) -> None:
    """Same rows and columns, every value within 1e-12 relative (absolute for zeros)."""
    assert sorted(got.index) == sorted(want.index)
    assert list(got.columns) == list(want.columns)
    g, w = got.loc[want.index].to_numpy(), want.to_numpy()
    assert np.allclose(g, w, rtol=1e-12, atol=1e-12 * np.abs(w).max()), np.abs(g - w).max()


def test_pipeline_on_the_cluster_equals_one_machine(client: Any, tmp_path: Path) -> None:
    """A 20,000-line synthetic portfolio partitioned by supplier into 4 partitions, computed on the cluster:
    every product's modules and gases, every supplier's, family's and the cluster's totals equal
    calculate_catalogue of the whole catalogue on one machine to 1e-12 (the sums differ only in order)."""
    products, bom, activities, lib = _portfolio(20_000)
    fp.partition_catalogue(products, bom, activities, tmp_path / "cat", partitions=4)
    assert len(list((tmp_path / "cat" / "products").glob("part-*.parquet"))) == 4
    assert len(pd.read_parquet(tmp_path / "cat" / "activities" / "shared.parquet"))  # standard parts, shared
    got = fp.calculate_catalogue_distributed(*_folders(tmp_path / "cat"), lib, gwp="AR5")
    want = fp.calculate_catalogue(fp.prepare_catalogue(products, bom, activities, lib), gwp="AR5")
    for table in ("by_product", "by_product_gas", "by_supplier", "by_family", "cluster"):
        _close(getattr(got, table), getattr(want, table))
    assert got.gwp_set == "AR5"
    assert got.factor_library_version == lib.version


def test_scheduler_by_address_and_partitions_of_one_supplier(client: Any, tmp_path: Path) -> None:
    """The hand-derived three-product catalogue of test_catalogue (P1 108.1, P2 4.1273, P3 3.0 kg CO2e;
    S1 = P1 + P2) in one partition per supplier, run through the scheduler's address: the bolt both
    suppliers use is shared, and the totals are the hand-derived ones."""
    fp.partition_catalogue(*tables(), tmp_path / "cat", partitions=2)
    assert pd.read_parquet(tmp_path / "cat" / "activities" / "shared.parquet")["item"].tolist() == ["BOLT"]
    res = fp.calculate_catalogue_distributed(*_folders(tmp_path / "cat"), LIB, scheduler=client.scheduler.address)
    tot = res.by_product["total_kgco2e"]
    assert tot.to_dict() == pytest.approx({"P1": 108.1, "P2": 4.1273, "P3": 3.0}, rel=1e-12)
    assert res.by_supplier.loc["S1", "total_kgco2e"] == pytest.approx(108.1 + 4.1273, rel=1e-12)
    assert res.by_product.loc["P1", "module_d_kgco2e"] == pytest.approx(-30.0, rel=1e-12)


def test_aggregation_of_exploded_rows_over_partitioned_parquet(client: Any, tmp_path: Path) -> None:
    """Exploded rows written as Parquet partitioned by supplier and aggregated by the cluster (a join with
    the factor table and a group-by) equal the in-memory aggregation and the engine's cluster total."""
    import dask.dataframe as dd

    ex = fp.explode_catalogue(fp.prepare_catalogue(*tables(), LIB))
    rows = exploded_rows(ex)
    rows.astype(dict.fromkeys(("product", "supplier", "family", "factor", "module"), "str")).to_parquet(
        tmp_path / "rows", partition_cols=["supplier"]
    )
    co2e = factor_co2e_table(LIB)
    expected = aggregate_rows(rows, co2e)
    ddf = dd.read_parquet(tmp_path / "rows")
    assert ddf.npartitions >= 2
    got = aggregate_rows(ddf, co2e).compute()
    as_dict = {(str(k[0]), str(k[1])): v for k, v in got.items()}
    assert as_dict == pytest.approx({(str(k[0]), str(k[1])): v for k, v in expected.items()}, rel=1e-12)
    engine = fp.calculate_catalogue(ex).cluster["total_kgco2e"].iloc[0]
    assert sum(v for (_, m), v in as_dict.items() if m != "D") == pytest.approx(engine, rel=1e-12)


def test_unreachable_scheduler_is_a_scheduler_error(tmp_path: Path) -> None:
    """An address where no scheduler listens (a closed port on this machine) is refused after the timeout
    with SchedulerError naming the address; a text that is no address too."""
    fp.partition_catalogue(*tables(), tmp_path / "cat", partitions=1)
    with pytest.raises(fp.SchedulerError, match=re.escape("tcp://127.0.0.1:9")):
        fp.calculate_catalogue_distributed(*_folders(tmp_path / "cat"), LIB, scheduler="tcp://127.0.0.1:9", timeout=2)
    with pytest.raises(fp.SchedulerError, match="no-such-protocol"):
        fp.calculate_catalogue_distributed(
            *_folders(tmp_path / "cat"), LIB, scheduler="no-such-protocol://x", timeout=2
        )


def test_no_active_client_is_a_scheduler_error(tmp_path: Path) -> None:
    """Without an address and with no client active (a fresh interpreter), SchedulerError says what to pass."""
    import subprocess

    fp.partition_catalogue(*tables(), tmp_path / "cat", partitions=1)
    code = (
        "import footprint as fp\n"
        f"try:\n    fp.calculate_catalogue_distributed(*{[str(f) for f in _folders(tmp_path / 'cat')]!r})\n"
        "except fp.SchedulerError as e:\n    print('SchedulerError:', e)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.startswith("SchedulerError: no Dask client is active: pass scheduler=")


def test_partition_without_the_expected_columns_names_file_and_column(client: Any, tmp_path: Path) -> None:
    """A partition's BOM file without its ``quantity`` column (and with ``qty``) is a ProductError naming
    that file, the missing column and the one it resembles."""
    fp.partition_catalogue(*tables(), tmp_path / "cat", partitions=2)
    bad = tmp_path / "cat" / "bom" / "part-00001.parquet"
    pd.read_parquet(bad).rename(columns={"quantity": "qty"}).to_parquet(bad)
    with pytest.raises(fp.ProductError) as info:
        fp.calculate_catalogue_distributed(*_folders(tmp_path / "cat"), LIB)
    text = str(info.value)
    assert str(bad) in text
    assert "quantity" in text
    assert all(p.file == str(bad) for p in info.value.problems)


def test_item_defined_in_a_partition_and_shared_is_refused(client: Any, tmp_path: Path) -> None:
    """Activities of the shared bolt copied into a partition would count the bolt twice there: refused,
    naming the file, the column and the item."""
    fp.partition_catalogue(*tables(), tmp_path / "cat", partitions=2)
    part = tmp_path / "cat" / "activities" / "part-00000.parquet"
    shared = pd.read_parquet(tmp_path / "cat" / "activities" / "shared.parquet")
    pd.concat([pd.read_parquet(part), shared], ignore_index=True).to_parquet(part)
    with pytest.raises(fp.ProductError, match="count twice") as info:
        fp.calculate_catalogue_distributed(*_folders(tmp_path / "cat"), LIB)
    (problem,) = info.value.problems
    assert (problem.file, problem.field, problem.value) == (str(part), "item", "BOLT")


def test_item_used_in_one_partition_and_defined_in_another_is_refused(client: Any, tmp_path: Path) -> None:
    """The bolt's activities moved from shared into partition 0 leave partition 1's P3 with a bolt that has
    no activities there: its footprint would be lost, so it is refused, naming the item and both partitions."""
    fp.partition_catalogue(*tables(), tmp_path / "cat", partitions=2)
    acts = tmp_path / "cat" / "activities"
    moved = pd.concat([pd.read_parquet(acts / "part-00000.parquet"), pd.read_parquet(acts / "shared.parquet")])
    moved.to_parquet(acts / "part-00000.parquet")
    (acts / "shared.parquet").unlink()
    with pytest.raises(
        fp.ProductError, match=re.escape("part-00001.parquet is defined in partition part-00000")
    ) as info:
        fp.calculate_catalogue_distributed(*_folders(tmp_path / "cat"), LIB)
    assert info.value.problems[0].value == "BOLT"


def test_product_in_two_partitions_is_refused(client: Any, tmp_path: Path) -> None:
    """A product listed in two partitions would count twice in its supplier: refused, naming it."""
    fp.partition_catalogue(*tables(), tmp_path / "cat", partitions=2)
    root = tmp_path / "cat"
    for name in FOLDERS:
        src = root / name / "part-00000.parquet"
        src.with_name("part-00002.parquet").write_bytes(src.read_bytes())
    with pytest.raises(fp.ProductError, match="two partitions") as info:
        fp.calculate_catalogue_distributed(*_folders(root), LIB)
    assert info.value.problems[0].value in {"P1", "P2"}


def test_partitioned_layout_bad_requests(tmp_path: Path) -> None:
    """Writing into a folder that holds files, or with no partition, is refused; reading a folder with no
    partition file names the folder."""
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("x")
    with pytest.raises(fp.OutputError, match="not an empty folder"):
        fp.partition_catalogue(*tables(), tmp_path / "full")
    with pytest.raises(fp.ProductError, match="partitions"):
        fp.partition_catalogue(*tables(), tmp_path / "none", partitions=0)
    (tmp_path / "empty" / "products").mkdir(parents=True)
    with pytest.raises(fp.ProductError, match="no partition"):
        fp.calculate_catalogue_distributed(*_folders(tmp_path / "empty"), LIB, scheduler="tcp://127.0.0.1:9")


def test_input_errors_survive_pickling() -> None:
    """A ProductError (and a CycleError with its cycle) sent back from a worker keeps its problems."""
    import pickle

    err = fp.CycleError([fp.Problem("loop", file="bom", row=3)], ["A", "B", "A"], what="catalogue")
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is fp.CycleError
    assert (back.problems, back.cycle, back.what, str(back)) == (err.problems, err.cycle, err.what, str(err))


def test_command_line_runs_the_partitioned_catalogue_on_a_scheduler(client: Any, tmp_path: Path) -> None:
    """``footprint catalogue FOLDERS --scheduler ADDRESS`` prints the hand-derived supplier totals
    (S1 = 108.1 + 4.1273 = 112.2 kg CO2e, S2 = 3.0, shown to one decimal) with the bundled library replaced by
    the test's; an unreachable scheduler exits 1 with the error named, never a traceback."""
    from click.testing import CliRunner

    from footprint.cli import main

    fp.partition_catalogue(*tables(), tmp_path / "cat", partitions=2)
    LIB.to_frame().to_csv(tmp_path / "factors.csv", index=False)
    args = ["catalogue", *map(str, _folders(tmp_path / "cat")), "--factors", str(tmp_path / "factors.csv"),
            "--no-default-factors"]  # fmt: skip
    out = CliRunner().invoke(main, [*args, "--scheduler", client.scheduler.address])
    assert out.exit_code == 0, out.output
    rows = {line.split()[0]: line.split()[1] for line in out.output.splitlines() if line.startswith(("S1", "S2"))}
    assert rows == {"S1": "112.2", "S2": "3.0"}
    assert "(3 products)" in out.output
    bad = CliRunner().invoke(main, [*args, "--scheduler", "tcp://127.0.0.1:9"])
    assert bad.exit_code == 1
    assert "cannot reach a Dask scheduler at 'tcp://127.0.0.1:9'" in bad.output
    assert "Traceback" not in bad.output


def test_benchmark_blocks_agree_with_one_machine(client: Any, tmp_path: Path) -> None:
    """The scale benchmark's layout (blocks of the synthetic portfolio as partitions, the standard fasteners
    shared) computed on the cluster: block 0's products equal a one-machine run of its tables with the shared
    ones to 1e-12, and every block's products are there."""
    sys.path.insert(0, str(ROOT))
    from benchmarks.dask_run import check_block, write_blocks
    from benchmarks.portfolio import make_factors

    written = write_blocks(6_000, 2_000, tmp_path / "cat")
    assert written["partitions"] == 3
    assert (
        not pd.read_parquet(tmp_path / "cat" / "activities" / "part-00001.parquet")["item"]
        .str.startswith("STD-F")
        .any()
    )  # the fasteners' activities are shared, not repeated per block
    lib = make_factors(0)
    got = fp.calculate_catalogue_distributed(*_folders(tmp_path / "cat"), lib)
    assert check_block(tmp_path / "cat", got, lib) <= 1e-12
    assert {p.split("-")[0] for p in got.by_product.index} == {"B0", "B1", "B2"}
