"""GWP reporting conventions: AR5 as DESNZ, US EPA and UNFCCC publish it, GWP sets of one's own from a file,
and results that name the GWP sets and values they used."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import footprint as fp
from footprint import GWPError, GWPFileError, gwp_set, load_gwp_set
from footprint.cli import main

PROV = {"source": "test", "edition": "1", "region": "GLO", "licence": "CC0-1.0", "boundary": "combustion"}


def test_epa_1000_gallons_of_diesel_under_ar5() -> None:
    """US EPA GHG Emission Factors Hub, Table 1, distillate fuel oil No. 2: 10.21 kg CO2, 0.41 g CH4, 0.08 g N2O
    per gallon. Under AR5 (CH4 28, N2O 265): 1000 x (10.21 + 0.00041 x 28 + 0.00008 x 265) = 10210 + 11.48 + 21.2
    = 10,242.68 kg CO2e, the EPA's own AR5 figure. (With fossil CH4 30 it was 10,243.50.)"""
    lib = fp.default_library()
    factor = lib["fuel.distillate_fuel_oil_no2.stationary.combustion.gallon.epa"]
    assert round(fp.emissions("1000 gal", factor, gwp="AR5").kgco2e, 2) == 10242.68
    assert round(fp.emissions("1000 gal", factor, gwp="AR5-fossil").kgco2e, 2) == 10243.50


# A 20 t consignment, well-to-wheel: articulated HGV (all artics) 300 km, freight train 3,450 km, container ship
# 620 km. DESNZ 2025 publishes per tonne.km (kg CO2e, AR5): HGV all artics 0.078 + WTT 0.01823 = 0.09623; freight
# train 0.02779 + WTT 0.00691 = 0.0347; container ship (average) 0.01612 + WTT 0.00365 = 0.01977. DESNZ's total:
# 6,000 x 0.09623 + 69,000 x 0.0347 + 12,400 x 0.01977 = 577.38 + 2,394.3 + 245.148 = 3,216.828 kg CO2e.
LEGS = (("freight.hgv.articulated_all", 6000), ("freight.rail.freight_train", 69000),
        ("freight.ship.container_average", 12400))  # fmt: skip


def _multimodal(gwp: str) -> float:
    lib = fp.default_library()
    return sum(
        fp.emissions((tkm, "t*km"), lib[f"{mode}.{part}.desnz2025"], gwp=gwp, prefolded="report").kgco2e
        for mode, tkm in LEGS
        for part in ("ttw", "wtt")
    )


def test_desnz_multimodal_freight_under_ar5() -> None:
    """The per-gas DESNZ tank-to-wheel factors folded under AR5 give DESNZ's published total, 3,216.828 kg, to its
    rounding (the CH4 masses were derived with 28, so folding with fossil CH4 30 gave 3,216.94)."""
    assert round(_multimodal("AR5"), 3) == 3216.828
    assert round(_multimodal("AR5-fossil"), 2) == 3216.94


def test_ar6_and_ar4_fold_per_gas_factors_as_before() -> None:
    """AR6 and AR4 are unchanged: 74100 CO2 + 3 CH4 + 0.6 N2O per TJ gives 74100 + 89.4 + 163.8 = 74,353.2 (AR6,
    CH4 fossil 29.8, N2O 273) and 74100 + 75 + 178.8 = 74,353.8 (AR4, CH4 25, N2O 298)."""
    f = fp.EmissionFactor(
        id="d", name="d", category="process", unit="TJ", gases={"CO2": 74100, "CH4_fossil": 3, "N2O": 0.6}, **PROV
    )
    assert f.co2e_per_unit("AR6") == pytest.approx(74353.2, rel=1e-12)
    assert f.co2e_per_unit("AR4") == pytest.approx(74353.8, rel=1e-12)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_load_gwp_set_folds_with_the_files_values(tmp_path: Path) -> None:
    """A set of one's own (CH4 fossil 36, N2O 300) folds 74100 + 3 x 36 + 0.6 x 300 = 74,388 kg CO2e per TJ."""
    path = write(tmp_path / "own.csv", "# my set\ngas,OWN-TEST\n@report,AR5\nCO2,1\nCH4_fossil,36\nN2O,300\n")
    s = load_gwp_set(path)
    assert s.name == "OWN-TEST"
    assert s.report == "AR5"
    assert gwp_set("own-test") is s
    f = fp.EmissionFactor(
        id="d", name="d", category="process", unit="TJ", gases={"CO2": 74100, "CH4_fossil": 3, "N2O": 0.6}, **PROV
    )
    assert f.co2e_per_unit("OWN-TEST") == pytest.approx(74388.0, rel=1e-12)


def test_a_gas_missing_from_the_set_is_refused_when_used(tmp_path: Path) -> None:
    """A factor with SF6 under a set that gives no SF6 value raises GWPError naming the gas."""
    load_gwp_set(write(tmp_path / "nosf6.csv", "gas,NO-SF6\nCO2,1\n"))
    f = fp.EmissionFactor(id="s", name="s", category="process", unit="kg", gases={"CO2": 1, "SF6": 0.1}, **PROV)
    with pytest.raises(GWPError, match="SF6"):
        f.co2e_per_unit("NO-SF6")
    with pytest.raises(GWPError, match="SF6"):
        fp.FactorLibrary([f]).co2e_vector("NO-SF6")


BAD_FILES = [
    ("gas,B1\nCO2,1\nCH4_fossil,abc\n", "not a GWP", 3, "B1"),
    ("gas,B2\nCO2,1\nCH4_fossil,inf\n", "not a GWP", 3, "B2"),
    ("gas,B3\nCO2,1\nMETHANE,28\n", "unknown gas", 3, "gas"),
    ("gas,B4\nCO2,2\n", "CO2 is the reference gas", None, "B4"),
    ("gas,B5\nCO2,1\nN2O,265\nN2O,265\n", "gas given twice", 4, "gas"),
    ("gas,B6\nCO2,1\nN2O,265,3\n", "row has 3 cells", 3, "N2O"),
    ("gaz,B7\nCO2,1\n", "header must be", 1, None),
    ("gas,B8\n@report,AR9\nCO2,1\n", "unknown IPCC report", None, "B8"),
    ("# only a comment\n", "no header row", None, None),
]


@pytest.mark.parametrize(("text", "message", "row", "field"), BAD_FILES, ids=[b[1] for b in BAD_FILES])
def test_bad_gwp_file_is_refused_naming_row_and_field(
    tmp_path: Path, text: str, message: str, row: int | None, field: str | None
) -> None:
    """Each flaw of a GWP file raises GWPFileError (also a GWPError) with the file, row and field."""
    path = write(tmp_path / "bad.csv", text)
    with pytest.raises(GWPFileError) as exc:
        load_gwp_set(path)
    assert isinstance(exc.value, GWPError)
    (problem,) = [p for p in exc.value.problems if message in p.message]
    assert problem.file == str(path)
    assert problem.row == row
    assert problem.field == field


def test_missing_file_and_taken_names_are_refused(tmp_path: Path) -> None:
    """A missing file, and a set named like a bundled one, raise GWPFileError."""
    with pytest.raises(GWPFileError, match="file not found"):
        load_gwp_set(tmp_path / "nope.csv")
    with pytest.raises(GWPFileError, match="already taken"):
        load_gwp_set(write(tmp_path / "ar5.csv", "gas,ar5\nCO2,1\nCH4_fossil,30\n"))
    two = write(tmp_path / "two.csv", "gas,TWO-A,TWO-B\nCO2,1,1\n")
    with pytest.raises(GWPFileError, match="several GWP sets"):
        load_gwp_set(two)
    assert load_gwp_set(two, name="TWO-B").name == "TWO-B"


VALVE = "examples/subsea_gate_valve.yaml"


def test_result_names_the_sets_and_values_it_used() -> None:
    """The valve under AR5: its own set, then the unspecified sets of Ember electricity and the AR6 actuator PCF;
    the GWPs of its gases are those of AR5 (CH4 28, N2O 265)."""
    r = fp.calculate(fp.load_product(VALVE), gwp="AR5")
    assert r.gwp_sets_used == ["AR5", "AR6", "unspecified"]
    assert r.gwp_values == {"CO2": 1.0, "CH4_fossil": 28.0, "N2O": 265.0}


def test_calculate_refuses_prefolded_factors_only_when_strict() -> None:
    """prefolded='report' is the default; prefolded='error' still refuses the valve's pre-folded factors."""
    product = fp.load_product(VALVE)
    assert fp.calculate(product).prefolded_factors
    with pytest.raises(GWPError, match=r"electricity\.grid\.no\.ember"):
        fp.calculate(product, prefolded="error")


def test_cli_gwp_file(tmp_path: Path) -> None:
    """``--gwp-file`` folds with the file's set and the result names it; a bad file exits 1 naming the row."""
    own = write(tmp_path / "own.csv", "gas,CLI-OWN\n@report,AR5\nCO2,1\nCH4_fossil,28\nN2O,265\n")
    out = CliRunner().invoke(main, ["calc", VALVE, "--gwp-file", str(own), "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["gwp_set"] == "CLI-OWN"
    assert data["gwp_values"] == {"CO2": 1.0, "CH4_fossil": 28.0, "N2O": 265.0}
    # same GWPs as AR5 for every gas the valve has: the same total
    ar5 = json.loads(CliRunner().invoke(main, ["calc", VALVE, "--gwp", "AR5", "--format", "json"]).stdout)
    assert data["total_kgco2e"] == pytest.approx(ar5["total_kgco2e"], rel=1e-12)
    bad = write(tmp_path / "bad.csv", "gas,CLI-BAD\nCO2,1\nN2O,lots\n")
    out = CliRunner().invoke(main, ["calc", VALVE, "--gwp-file", str(bad)])
    assert out.exit_code == 1
    assert "row 3" in out.stderr
    assert "not a GWP" in out.stderr


def test_example_gwp_file_folds_all_methane_with_one_value() -> None:
    """examples/own_gwp_set.csv is AR6 with CH4 27.0 for fossil methane too: the valve's total is its AR6 total
    less its fossil methane mass x (29.8 - 27.0) (IPCC AR6 WGI Table 7.15), every other GWP being AR6's."""
    own = load_gwp_set("examples/own_gwp_set.csv")
    assert own.name == "AR6-one-CH4"
    assert own.report == "AR6"
    product = fp.load_product(VALVE)
    ar6 = fp.calculate(product)
    mine = fp.calculate(product, gwp=own.name)
    expected = ar6.total_kgco2e - ar6.gas_mass_kg["CH4_fossil"] * (29.8 - 27.0)
    assert mine.total_kgco2e == pytest.approx(expected, rel=1e-12)
    assert mine.gwp_values["CH4_fossil"] == 27.0
