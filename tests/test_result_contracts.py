"""Results as versioned contracts: content-only library versions, catalogue results in JSON, the ledger
and compare taking catalogue results, snapshot ids derived from content."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import footprint as fp

PROV = {"source": "test", "edition": "1", "region": "GLO", "licence": "CC0-1.0", "boundary": "cradle-to-gate"}
LIB = fp.FactorLibrary(
    [
        fp.EmissionFactor(id="steel", name="s", category="material", unit="kg", gases={"CO2": 2.0}, **PROV),
        fp.EmissionFactor(
            id="gas", name="g", category="fuel", unit="kg", gases={"CO2": 1.0, "CH4_fossil": 0.1}, **PROV
        ),
    ],
    name="test",
)


def tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """P1 = 10 kg steel (20) + 1 kg gas; P2 = 2 x P1's body."""
    return (
        pd.DataFrame({"product": ["P1", "P2"], "root": ["P1", "P2"], "supplier": ["S", "S"]}),
        pd.DataFrame({"parent": ["P1", "P2"], "child": ["BODY", "BODY"], "quantity": [1.0, 2.0]}),
        pd.DataFrame({"item": ["BODY", "P1"], "factor": ["steel", "gas"], "amount": [10.0, 1.0], "unit": ["kg", "kg"]}),
    )


def result(gwp: str = "AR6") -> fp.CatalogueResult:
    return fp.calculate_catalogue(fp.prepare_catalogue(*tables(), library=LIB), gwp=gwp)


def test_library_version_depends_on_content_only() -> None:
    """The same factors under two names have one version (before, the name was part of it)."""
    assert fp.FactorLibrary(list(LIB), name="a").version == fp.FactorLibrary(list(LIB), name="b").version


def test_catalogue_result_json_round_trip() -> None:
    """A catalogue result written as JSON reads back with equal tables, its input hash and library version;
    the JSON names its schema. P1 under AR6 = 20 + 1 + 0.1 x 29.8 = 23.98 (AR6 CH4 fossil 29.8)."""
    r = result()
    doc = json.loads(r.model_dump_json())
    assert doc["schema"].startswith("https://")
    assert doc["input_hash"] == r.input_hash
    assert doc["factor_library_version"] == LIB.version
    back = fp.CatalogueResult.model_validate_json(r.model_dump_json())
    pd.testing.assert_frame_equal(back.by_product, r.by_product, check_exact=True)
    pd.testing.assert_frame_equal(back.by_supplier, r.by_supplier, check_exact=True)
    assert back.input_hash == r.input_hash
    assert back.by_product.loc["P1", "total_kgco2e"] == pytest.approx(23.98, rel=1e-12)


def test_input_hash_ignores_row_order_and_sees_values() -> None:
    """Reordered rows give the same input hash; a changed amount another."""
    p, b, a = tables()
    base = fp.prepare_catalogue(p, b, a, library=LIB).input_hash
    assert fp.prepare_catalogue(p[::-1], b[::-1], a[::-1], library=LIB).input_hash == base
    a.loc[0, "amount"] = 11.0
    assert fp.prepare_catalogue(p, b, a, library=LIB).input_hash != base


def test_compare_takes_catalogue_results() -> None:
    """compare of two catalogue results: per product a, b and b - a. Only fossil CH4 changes between AR6 and
    AR5: P1 differs by 0.1 kg x (30 - 29.8) = 0.02 (AR5 Table 8.A.1 fossil CH4 30; AR6 Table 7.15 29.8)."""
    diff = fp.compare(result("AR6"), result("AR5"))
    assert diff.loc["P1", "diff"] == pytest.approx(0.02, rel=1e-9)
    assert diff.loc["P2", "diff"] == pytest.approx(0.0, abs=1e-12)


def test_ledger_records_a_catalogue_result_with_content_ids(tmp_path: Path) -> None:
    """Ledger.record of a catalogue result writes each product's full result in one go; recording the same
    results into a fresh ledger gives the same snapshot ids (derived from content, not random)."""
    r = result()
    with fp.Ledger(tmp_path / "a.db") as a, fp.Ledger(tmp_path / "b.db") as b:
        snaps_a = a.record(r, "2025")
        snaps_b = b.record(r, "2025")
        assert [s.product_id for s in snaps_a] == ["P1", "P2"]
        assert [s.id for s in snaps_a] == [s.id for s in snaps_b]
        assert a.latest("P1", "2025").total_kgco2e == pytest.approx(r.by_product.loc["P1", "total_kgco2e"])
        assert a.record(r, "2025") == snaps_a  # identical results add nothing
