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
    AR5: P1 differs by 0.1 kg x (28 - 29.8) = -0.18 under AR5 (CH4 28, as DESNZ and US EPA report AR5) and by
    0.1 kg x (30 - 29.8) = 0.02 under AR5-fossil (AR5 Table 8.A.1 fossil CH4 30; AR6 Table 7.15 29.8)."""
    diff = fp.compare(result("AR6"), result("AR5"))
    assert diff.loc["P1", "diff"] == pytest.approx(-0.18, rel=1e-9)
    diff = fp.compare(result("AR6"), result("AR5-fossil"))
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


def test_a_restatement_under_another_gwp_set_is_a_sibling(tmp_path: Path) -> None:
    """The AR5 figure of a product for 2025 starts its own chain (version 1, superseding nothing) beside
    the AR6 figure, which stays the latest under AR6 (before, AR5 superseded AR6 as version 2)."""
    ar6, ar5 = result("AR6").footprint("P1"), result("AR5").footprint("P1")
    with fp.Ledger(tmp_path / "l.db") as ledger:
        first = ledger.record(ar6, "2025")
        sibling = ledger.record(ar5, "2025")
        assert (sibling.version, sibling.supersedes) == (1, None)
        assert (sibling.gwp_set, sibling.boundary) == ("AR5", "cradle-to-gate")  # A1-A3 only
        assert ledger.latest("P1", "2025", gwp_set="AR6") == first
        assert ledger.latest("P1", "2025", gwp_set="AR5") == sibling
        frame = ledger.latest_frame("2025")
        assert sorted(frame["gwp_set"]) == ["AR5", "AR6"]
        assert frame["latest"].all()


def test_a_version_1_ledger_is_migrated(tmp_path: Path) -> None:
    """A ledger written with schema 1 (keyed by product and period) opens under schema 2: its snapshots
    keep their ids and versions and gain their boundary; a new AR5 record then starts its own chain."""
    import sqlite3

    from footprint import _ledger

    path = tmp_path / "v1.db"
    conn = sqlite3.connect(path)
    for statement in _V1_SCHEMA:
        conn.execute(statement)
    r = result("AR6").footprint("P1")
    conn.execute(
        "INSERT INTO snapshots (id, product_id, period, version, created_at, supersedes, input_hash, "
        "factor_library_version, gwp_set, total_kgco2e, cradle_to_gate_kgco2e, module_d_kgco2e, note, result_json) "
        "VALUES (?, 'P1', '2025', 1, '2025-01-01T00:00:00+00:00', NULL, ?, ?, 'AR6', ?, ?, 0.0, NULL, ?)",
        ("a" * 32, r.input_hash, r.factor_library_version, r.total_kgco2e, r.cradle_to_gate_kgco2e,
         r.model_dump_json()),
    )  # fmt: skip
    conn.commit()
    conn.close()
    with fp.Ledger(path) as ledger:
        [old] = ledger.history("P1")
        assert (old.id, old.version, old.boundary) == ("a" * 32, 1, "cradle-to-gate")
        new = ledger.record(result("AR5").footprint("P1"), "2025")
        assert (new.version, new.supersedes) == (1, None)
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == _ledger.SCHEMA_VERSION == 3
    finally:
        conn.close()


# The schema 1 of the ledger, as footprint 0.1.0 wrote it (footprint/_ledger.py before schema 2).
_V1_SCHEMA = (
    """CREATE TABLE snapshots (
        seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE CHECK (length(id) = 32), product_id TEXT NOT NULL,
        period TEXT NOT NULL CHECK (period <> ''), version INTEGER NOT NULL CHECK (version >= 1),
        created_at TEXT NOT NULL, supersedes TEXT REFERENCES snapshots (id), input_hash TEXT NOT NULL,
        factor_library_version TEXT NOT NULL, gwp_set TEXT NOT NULL, total_kgco2e REAL NOT NULL,
        cradle_to_gate_kgco2e REAL NOT NULL, module_d_kgco2e REAL NOT NULL, note TEXT, result_json TEXT NOT NULL,
        UNIQUE (product_id, period, version), CHECK ((version = 1) = (supersedes IS NULL)))""",
    """CREATE TRIGGER snapshots_no_update BEFORE UPDATE ON snapshots
    BEGIN SELECT RAISE(ABORT, 'footprint ledger: snapshots are immutable, UPDATE refused'); END""",
    """CREATE TRIGGER snapshots_no_delete BEFORE DELETE ON snapshots
    BEGIN SELECT RAISE(ABORT, 'footprint ledger: snapshots are immutable, DELETE refused'); END""",
    "PRAGMA application_id = 1179667527",
    "PRAGMA user_version = 1",
)
