"""Results that trace to their sources, and B4 with the replacement parts' transport. Numbers by hand."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import footprint as fp
from footprint.cli import main

ROOT = Path(__file__).parent.parent
PROV = {"source": "test", "edition": "1", "region": "GLO", "licence": "CC0-1.0", "boundary": "cradle-to-gate"}


def test_every_contribution_row_of_the_valve_json_names_source_and_licence() -> None:
    """``footprint calc examples/subsea_gate_valve.yaml --format json``: every row names its factor's source,
    edition and licence, and the supplier's footprint row names the supplier: the JSON alone can be audited."""
    out = CliRunner().invoke(
        main, ["calc", str(ROOT / "examples/subsea_gate_valve.yaml"), "--prefolded", "report", "--format", "json"]
    )
    assert out.exit_code == 0, out.output
    rows = json.loads(out.output)["contributions"]
    assert rows
    lib = fp.default_library()
    for row in rows:
        assert all((row["source"], row["licence"], row["edition"])), row
        if row["factor_id"] in lib:
            fac = lib[row["factor_id"]]
            assert (row["source"], row["licence"], row["table"]) == (fac.source, fac.licence, fac.table)
    supplier = [r for r in rows if r["kind"] == "component"]
    assert supplier
    assert all(r["supplier"] == "Actuator supplier AS" and r["licence"] == "supplier data" for r in supplier)


def test_frame_and_csv_carry_provenance(tmp_path: Path) -> None:
    """to_frame() and the CSV output have the provenance columns."""
    product = fp.load_product(ROOT / "examples/subsea_gate_valve.yaml")
    r = fp.calculate(product, prefolded="report")
    df = r.to_frame()
    for col in ("source", "edition", "table", "licence", "supplier", "footprint_id", "primary_share"):
        assert col in df.columns
    assert df["licence"].notna().all()
    out = tmp_path / "r.csv"
    res = CliRunner().invoke(
        main,
        [
            "calc",
            str(ROOT / "examples/subsea_gate_valve.yaml"),
            "--prefolded",
            "report",
            "--format",
            "csv",
            "-o",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert rows
    assert all(row["source"] and row["licence"] for row in rows)


def test_replacement_parts_travel_in_b4() -> None:
    """An impeller (10 kg steel x 2.0) replaced every 5 years over 20 years: ceil(20 / 5) - 1 = 3 times, 30 kg.
    B4 = production 30 x 2.0 = 60 + end of life 30 x 0.02 = 0.6 + its end-of-life transport 0.03 t x 50 km x 0.1
    = 0.15 + its inbound transport (A2, by mass of inputs) 0.03 t x 100 km x 0.1 = 0.3 + its transport to site
    (A4, by product mass) 0.03 t x 1000 km x 0.1 = 3.0: 64.05 (the A2 and A4 parts, 3.3, were left out)."""
    lib = fp.FactorLibrary(
        [
            fp.EmissionFactor(id="steel", name="s", category="material", unit="kg", gases={"CO2": 2.0}, **PROV),
            fp.EmissionFactor(id="truck", name="t", category="freight", unit="t*km", gases={"CO2": 0.1}, **PROV),
            fp.EmissionFactor(id="landfill", name="l", category="waste", unit="kg", gases={"CO2": 0.02}, **PROV),
        ]
    )
    pump = fp.Product.model_validate(
        {
            "id": "pump",
            "service_life": "20 yr",
            "items": [
                {"id": "pump", "children": [{"item": "casing"}, {"item": "impeller"}]},
                {"id": "casing", "kind": "part", "material": "steel", "net_mass": "90 kg"},
                {"id": "impeller", "kind": "part", "material": "steel", "net_mass": "10 kg"},
            ],
            "materials": [{"id": "steel", "factor": "steel", "end_of_life": "landfill"}],
            "end_of_life": [
                {
                    "id": "landfill",
                    "routes": [{"share": 1.0, "factor": "landfill"}],
                    "transport": [{"factor": "truck", "distance": "50 km"}],
                }
            ],
            "transport": [
                {"module": "A2", "factor": "truck", "distance": "100 km"},
                {"module": "A4", "factor": "truck", "distance": "1000 km"},
            ],
            "replacements": [{"item": "impeller", "every": "5 yr"}],
        }
    )
    r = fp.calculate(pump, lib)
    assert r.by_module["B4"] == pytest.approx(60.0 + 0.6 + 0.15 + 0.3 + 3.0, rel=1e-12)
    # the product's own legs are unchanged: 100 kg x 100 km and 100 kg x 1000 km
    assert r.by_module["A2"] == pytest.approx(1.0, rel=1e-12)
    assert r.by_module["A4"] == pytest.approx(10.0, rel=1e-12)


def test_calc_table_shows_the_en15804_split_when_there_is_biogenic_carbon(tmp_path: Path) -> None:
    """A crate of 10 kg wood taking up 1.8 kg CO2 per kg (and 0.1 fossil): the module table gains the
    GWP-fossil (1.0), GWP-biogenic (-18.0) and GWP-luluc columns; without biogenic gases it keeps four columns."""
    factors = tmp_path / "wood.csv"
    factors.write_text(
        "id,name,category,unit,source,edition,region,licence,boundary,kg_CO2,kg_CO2_biogenic_uptake\n"
        "wood,Wood,material,kg,test,1,GLO,CC0-1.0,cradle-to-gate,0.1,1.8\n"
    )
    product = tmp_path / "crate.yaml"
    product.write_text(
        "id: crate\nitems:\n  - {id: crate, kind: part, material: wood, net_mass: 10 kg}\n"
        "materials:\n  - {id: wood, factor: wood}\n"
    )
    out = CliRunner().invoke(main, ["calc", str(product), "--factors", str(factors), "--no-default-factors"])
    assert out.exit_code == 0, out.output
    header = next(line for line in out.output.splitlines() if line.startswith("module"))
    assert header.split() == ["module", "stage", "kg", "CO2e", "share", "fossil", "biogenic", "luluc"]
    a1 = next(line for line in out.output.splitlines() if line.startswith("A1 "))
    assert a1.split()[-3:] == ["1.0", "-18.0", "0.0"]
