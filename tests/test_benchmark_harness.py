"""The benchmark harness: the synthetic portfolio generator and the two reference implementations."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import footprint as fp
from footprint._engine import BomArrays, topological_levels

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.portfolio import SOURCE, Portfolio, make_portfolio
from benchmarks.reference import (
    co2e_per_factor,
    csr,
    flatten,
    floor,
    floor_matvec,
    floor_matvec_chunked,
    naive,
    naive_input,
    naive_walk,
    row_chunks,
)

SMALL = 2000


@pytest.fixture(scope="module")
def small() -> Portfolio:
    """A 2,000-line synthetic portfolio."""
    return make_portfolio(SMALL, seed=1)


@pytest.fixture(scope="module")
def naive_totals(small: Portfolio) -> dict[str, dict[str, float]]:
    """The naive reference totals of the small portfolio under AR6 and AR5."""
    return {gwp: naive(small, gwp) for gwp in ("AR6", "AR5")}


def _bom_arrays(pf: Portfolio) -> tuple[BomArrays, pd.Index]:
    codes, items = pd.factorize(pd.concat([pf.bom["parent"], pf.bom["child"]], ignore_index=True))
    n = len(pf.bom)
    arrays = BomArrays(
        len(items), codes[:n].astype(np.intp), codes[n:].astype(np.intp), pf.bom["quantity"].to_numpy(np.float64)
    )
    return arrays, items


def _relative(got: np.ndarray, want: np.ndarray) -> float:
    return float(np.max(np.abs(got - want) / np.abs(want)))


def test_generator_is_deterministic_for_a_seed() -> None:
    """Two portfolios of one seed are equal table by table, and another seed gives another portfolio."""
    a, b, c = make_portfolio(3000, seed=5), make_portfolio(3000, seed=5), make_portfolio(3000, seed=6)
    for name in ("products", "bom", "activities", "deliveries"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    assert a.library.version == b.library.version
    assert not a.bom.equals(c.bom)


@pytest.mark.parametrize(
    ("lines", "per_product", "per_supplier"), [(1000, 149, 10), (SMALL, 149, 10), (25_000, 149, 10), (8000, 60, 4)]
)
def test_line_count_is_within_two_percent(lines: int, per_product: int, per_supplier: int) -> None:
    """The BOM table has the requested number of rows within 2 %, with about lines/lines_per_product products."""
    pf = make_portfolio(lines, seed=2, lines_per_product=per_product, products_per_supplier=per_supplier)
    assert abs(len(pf.bom) - lines) <= 0.02 * lines
    assert len(pf.products) == max(1, round(lines / per_product))
    assert pf.products["supplier"].nunique() == math.ceil(len(pf.products) / per_supplier)


def test_bom_is_a_dag_at_most_five_deep(small: Portfolio) -> None:
    """The BOM has no cycle, no repeated (parent, child) line, and its longest path is five lines."""
    arrays, _ = _bom_arrays(small)
    level, on_cycle = topological_levels(arrays)
    assert len(on_cycle) == 0
    assert level.max() == 5
    assert not small.bom.duplicated(["parent", "child"]).any()


def test_tables_are_well_formed(small: Portfolio) -> None:
    """Every root and activity item is a BOM item, quantities are integers 1-12, and every unit meets its factor."""
    items = set(small.bom["parent"]) | set(small.bom["child"])
    assert set(small.products["root"]) <= set(small.bom["parent"])
    assert set(small.activities["item"]) <= items
    assert small.bom["quantity"].between(1, 12).all()
    assert small.bom["quantity"].dtype.kind == "i"
    assert (small.activities["amount"] > 0).all()
    assert set(small.activities["unit"]) == {"g", "kg", "t", "lb", "m", "piece", "kWh", "MJ", "L", "t*km"}
    for unit, factor_id in small.activities[["unit", "factor"]].drop_duplicates().itertuples(index=False):
        fp.conversion_factor(unit, small.library[factor_id].unit)
    assert set(small.deliveries["year"]) <= {2023, 2024, 2025}
    assert set(small.deliveries["product"]) <= set(small.products["product"])


def test_factors_are_synthetic_and_per_gas(small: Portfolio) -> None:
    """The 200 factors are labelled synthetic, CC0, GLO, cradle-to-gate, per gas and never pre-folded."""
    lib = small.library
    assert len(lib) == 200
    assert {f.unit for f in lib} == {"kg", "t", "m", "piece", "kWh", "MJ", "L", "t*km"}
    for f in lib:
        assert f.id.startswith("synthetic.")
        assert (f.source, f.licence, f.region, f.edition, f.boundary) == (
            SOURCE,
            "CC0-1.0",
            "GLO",
            "synthetic",
            "cradle-to-gate",
        )
        assert not f.is_prefolded
        assert "CO2" in f.gases
    assert any("CH4_fossil" in f.gases for f in lib)
    assert any("N2O" in f.gases for f in lib)


def test_parts_and_assemblies_are_shared() -> None:
    """Standard fasteners serve several suppliers and many assemblies; shared assemblies serve several products."""
    pf = make_portfolio(30_000, seed=3)
    bom = pf.bom.assign(supplier=pf.bom["parent"].str.split("-").str[0])
    std = bom[bom["child"].str.startswith("STD-F")]
    assert std.groupby("child")["supplier"].nunique().max() >= 10
    assert std["child"].value_counts().iloc[0] >= 100
    refs = bom[bom["child"].str.contains("-SA") & ~bom["parent"].str.contains("-SA")]
    product_of = refs["parent"].str.extract(r"^(S\d+-P\d+)-")[0]
    assert refs.assign(product=product_of).groupby("child")["product"].nunique().max() >= 3


def test_references_match_a_hand_derived_portfolio() -> None:
    """On a two-product BOM with a shared assembly reached along two paths, both references give the hand sums."""
    provenance = {"source": SOURCE, "edition": "synthetic", "region": "GLO", "licence": "CC0-1.0"}
    lib = fp.FactorLibrary(
        [
            fp.EmissionFactor(
                id="m",
                name="m",
                category="material",
                unit="kg",
                gases={"CO2": 2.0},
                boundary="cradle-to-gate",
                **provenance,
            ),
            fp.EmissionFactor(
                id="e",
                name="e",
                category="electricity",
                unit="MJ",
                gases={"CO2": 0.1, "CH4_fossil": 0.001},
                boundary="cradle-to-gate",
                **provenance,
            ),
            fp.EmissionFactor(
                id="f",
                name="f",
                category="freight",
                unit="t*km",
                gases={"CO2": 0.1},
                boundary="cradle-to-gate",
                **provenance,
            ),
        ]
    )
    pf = Portfolio(
        products=pd.DataFrame({"product": ["P1", "P2"], "root": ["R1", "R2"], "supplier": ["S0", "S0"]}),
        bom=pd.DataFrame(
            {
                "parent": ["R1", "R1", "B", "B", "A", "R2"],
                "child": ["A", "B", "A", "F", "F", "A"],
                "quantity": [2, 3, 1, 1, 4, 5],
            }
        ),
        activities=pd.DataFrame(
            {
                "item": ["F", "A", "R1"],
                "factor": ["m", "e", "f"],
                "amount": [500.0, 1.0, 10.0],
                "unit": ["g", "kWh", "t*km"],
            }
        ),
        deliveries=pd.DataFrame({"supplier": [], "product": [], "year": [], "quantity": []}),
        library=lib,
    )
    # P1: A = 2 + 3*1 = 5, F = 5*4 + 3*1 = 23; P2: A = 5, F = 20. Per F 0.5 kg * 2 = 1; per A 3.6 MJ *
    # (0.1 + 0.001 * 29.8) = 0.46728; R1 10 t*km * 0.1 = 1.
    want = np.array([23 + 5 * 0.46728 + 1, 20 + 5 * 0.46728])
    ref = naive(pf, "AR6")
    assert _relative(np.array([ref["P1"], ref["P2"]]), want) < 1e-12
    # by module (material A1, freight A2, electricity A3) and gas: P1's A is 5 * 3.6 MJ = 18 MJ, 1.8 kg CO2
    # and 18 * 0.001 * 29.8 = 0.5364 kg CO2e of CH4; the supplier S0 sums both products
    walked = naive_walk(naive_input(pf.products, pf.bom, pf.activities), lib, "AR6")
    p1 = walked.by_product["P1"]
    assert set(p1) == {("A1", "CO2"), ("A2", "CO2"), ("A3", "CO2"), ("A3", "CH4_fossil")}
    assert _relative(np.array([p1["A1", "CO2"], p1["A2", "CO2"], p1["A3", "CO2"], p1["A3", "CH4_fossil"]]),
                     np.array([23.0, 1.0, 1.8, 0.5364])) < 1e-12  # fmt: skip
    assert walked.by_supplier["S0"] == pytest.approx(want.sum(), rel=1e-12)
    rows = flatten(pf)
    got = floor(*rows, co2e_per_factor(lib, "AR6"), 2)
    assert _relative(got, want) < 1e-12
    assert _relative(floor_matvec(*csr(*rows, 2, 3), co2e_per_factor(lib, "AR6")), want) < 1e-12
    indptr, indices, data = csr(*rows, 2, 3)
    for chunk in (1, 2, 1 << 15):  # a chunk of one entry, of a few, of every entry: the same totals
        got = floor_matvec_chunked(row_chunks(indptr, chunk), indices, data, co2e_per_factor(lib, "AR6"))
        assert _relative(got, want) < 1e-12


@pytest.mark.parametrize("gwp", ["AR6", "AR5"])
def test_naive_equals_floor_of_flatten(small: Portfolio, naive_totals: dict[str, dict[str, float]], gwp: str) -> None:
    """The naive walk and the floor over the pandas flattening agree to 1e-9 relative on every product."""
    got = floor(*flatten(small), co2e_per_factor(small.library, gwp), len(small.products))
    want = np.array([naive_totals[gwp][p] for p in small.products["product"]])
    assert (want > 0).all()
    assert _relative(got, want) < 1e-9


@pytest.mark.parametrize("gwp", ["AR6", "AR5"])
def test_library_matches_naive(small: Portfolio, naive_totals: dict[str, dict[str, float]], gwp: str) -> None:
    """The catalogue API's per-product totals agree with the naive walk to 1e-9 relative."""
    if not hasattr(fp, "calculate_catalogue"):
        pytest.skip("footprint has no calculate_catalogue yet")
    cat = fp.prepare_catalogue(small.products, small.bom, small.activities, small.library)
    by_product = fp.calculate_catalogue(cat, gwp=gwp).by_product
    if "product" in by_product.columns:
        by_product = by_product.set_index("product")
    got = by_product["total_kgco2e"].reindex(small.products["product"]).to_numpy(np.float64)
    want = np.array([naive_totals[gwp][p] for p in small.products["product"]])
    assert _relative(got, want) < 1e-9


def test_benchmark_script_runs_end_to_end(tmp_path: Path) -> None:
    """`benchmarks/run.py` runs every step at its smallest size and writes its JSON: the script itself is not
    covered by the library's tests otherwise, so a change to a table contract could break it unseen."""
    import json
    import subprocess

    root = Path(__file__).resolve().parent.parent
    out = tmp_path / "bench.json"
    run = subprocess.run(
        [sys.executable, str(root / "benchmarks" / "run.py"), "--sizes", "1k", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    (result,) = json.loads(out.read_text())["results"]
    assert result["lines"] >= 980  # 1k lines within the generator's 2 %
    keys = ("end_to_end_s", "naive_end_to_end_s", "compute_s", "naive_compute_s", "prepare_s",
            "prepare_categorical_s", "prepare_integer_s", "recompute_s", "floor_s", "monte_carlo_s",
            "end_to_end_integer_s", "load_peak_mb", "peak_mb", "agreement_max_rel")  # fmt: skip
    assert all(result[k] > 0 for k in keys if k != "agreement_max_rel")
    assert result["agreement_max_rel"] <= 1e-12
    assert not result["naive_scaled"]


def test_agreement_fails_on_a_perturbed_result(small: Portfolio) -> None:
    """The benchmark's agreement check passes on the library's own result and stops on one changed by 1e-11
    relative in one place: one product's gas, one product's module, one supplier's total, or a floor."""
    from dataclasses import replace

    from benchmarks.run import DisagreementError, agreement

    cat = fp.prepare_catalogue(small.products, small.bom, small.activities, small.library)
    ex = fp.explode_catalogue(cat)
    result = fp.calculate_catalogue(ex, gwp="AR6")
    walked = naive_walk(naive_input(small.products, small.bom, small.activities), small.library, "AR6")
    suppliers = list(walked.by_supplier)
    floors = {
        "floor": floor(ex.row_product, ex.row_factor, ex.row_qty, co2e_per_factor(small.library), len(cat.product_ids))
    }
    assert agreement(result, walked, floors, suppliers) <= 1e-12

    def bumped(frame: pd.DataFrame, column: str) -> pd.DataFrame:
        out = frame.copy()
        out.iloc[-1, out.columns.get_loc(column)] *= 1 + 1e-11
        return out

    for changed in (
        replace(result, by_product_gas=bumped(result.by_product_gas, "CH4_fossil")),
        replace(result, by_product=bumped(result.by_product, "A2")),
        replace(result, by_supplier=bumped(result.by_supplier, "total_kgco2e")),
    ):
        with pytest.raises(DisagreementError):
            agreement(changed, walked, floors, suppliers)
    with pytest.raises(DisagreementError):
        agreement(result, walked, {"floor": floors["floor"] * (1 + 1e-11)}, suppliers)


def test_library_timings_include_the_gases_table(small: Portfolio) -> None:
    """The end-to-end and compute timings give the library's result with its gases' table computed (a table
    the result otherwise computes when first read), as the naive walk gives every product by gas: without it
    the library's side of the comparison would skip work the walk does."""
    from benchmarks.run import _every_product_table

    ex = fp.explode_catalogue(fp.prepare_catalogue(small.products, small.bom, small.activities, small.library))
    assert not isinstance(fp.calculate_catalogue(ex).__dict__["by_product_gas"], pd.DataFrame)  # left for later
    timed = _every_product_table(fp.calculate_catalogue(ex))
    assert isinstance(timed.__dict__["by_product_gas"], pd.DataFrame)


def test_each_step_runs_with_one_blas_thread_and_arrows_own_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each step's environment sets one BLAS thread through OpenBLAS's and MKL's own variables and leaves out
    OMP_NUM_THREADS, which Arrow takes as its thread pool's size (Parquet would be read on one thread for both
    sides of the comparison, unlike on a user's machine)."""
    from benchmarks.run import _one_blas_thread

    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    env = _one_blas_thread()
    assert "OMP_NUM_THREADS" not in env
    assert (env["OPENBLAS_NUM_THREADS"], env["MKL_NUM_THREADS"]) == ("1", "1")
