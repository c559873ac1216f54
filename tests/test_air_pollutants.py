"""Air pollutant factors of combustion (air_pollutants_combustion.csv) and NOx per product and per period.

Sources of the numbers (as the file's header and rows cite them):
- EMEP/EEA air pollutant emission inventory guidebook 2023 (EEA Report 06/2023): 1.A.1 Table 3-19 (gas
  turbines, gaseous fuels: NOx 153, CO 4.8, NMVOC 1.6, SOx 0.244, PM10 0.2, PM2.5 0.2 g/GJ NCV), Table 3-21
  (large stationary CI engines, gas oil: NOx 942 g/GJ), 1.A.3.d Table 3-2 (ships, MDO/MGO: NOx 78.5 kg/t).
- US EPA AP-42, Fifth Edition, Section 3.1 (April 2000), Table 3.1-1 (natural gas turbines, uncontrolled: NOx
  0.32, CO 0.082 lb/MMBtu HHV) and Table 3.1-2a (VOC 0.0021, PM total 0.0066, SO2 0.0034 lb/MMBtu); Section 1.4
  (July 1998), Table 1.4-1 (small boilers, uncontrolled: NOx 100 lb/10^6 scf).
- lb = 0.45359237 kg (international avoirdupois pound). Natural gas 0.7954 kg/Sm3 and 48.0 MJ/kg, diesel
  0.8299 kg/L and 43.0 MJ/kg, marine gas oil 0.8425 kg/L: the fuel rows of fuels_combustion.csv.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import footprint as fp
from footprint.cli import main

ROOT = Path(__file__).resolve().parent.parent
FAT = ROOT / "examples" / "compressor_fat.yaml"
LB = 0.45359237
GT_GAS = "air.gas_turbine.natural_gas.emep2023"
GT_GAS_AP42 = "air.gas_turbine.natural_gas.uncontrolled.ap42"
DIESEL_ENGINE = "air.diesel_engine.gas_oil.emep2023"
SHIP_MDO = "air.ship.marine_diesel_oil.emep2023"
BOILER_AP42 = "air.boiler.natural_gas.small_uncontrolled.ap42"
GAS = "fuel.natural_gas.stationary.combustion.ipcc2006"
HEADER = (
    "id,name,category,unit,kg_NOx,source,edition,table,region,licence,boundary,energy_basis\n"
)  # fmt: skip


@pytest.fixture(scope="module")
def lib() -> fp.FactorLibrary:
    return fp.default_library()


def air_rows() -> list[dict[str, str]]:
    """The bundled file's rows as written (comment lines skipped)."""
    text = resources.files("footprint.factors").joinpath("air_pollutants_combustion.csv").read_text("utf-8")
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


# --- the rows hold their sources' values ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("factor_id", "unit", "values"),
    [
        # EMEP/EEA 2023 1.A.1 Table 3-19, g/GJ / 1000
        (GT_GAS, "GJ", {"NOx": 0.153, "CO": 0.0048, "NMVOC": 0.0016, "SO2": 0.000244, "PM10": 0.0002, "PM2_5": 0.0002}),
        # EMEP/EEA 2023 1.A.1 Table 3-21: NOx 942, CO 130, NMVOC 37.1, SOx 46.5, PM10 22.4, PM2.5 21.7 g/GJ
        (DIESEL_ENGINE, "GJ", {"NOx": 0.942, "CO": 0.13, "NMVOC": 0.0371, "SO2": 0.0465, "PM10": 0.0224, "PM2_5": 0.0217}),
        # EMEP/EEA 2023 1.A.3.d Table 3-2, kg/tonne as given; SOx (20 x S) left out
        (SHIP_MDO, "t", {"NOx": 78.5, "CO": 7.4, "NMVOC": 2.8, "PM10": 1.5, "PM2_5": 1.4}),
        # AP-42 Tables 3.1-1 and 3.1-2a, lb/MMBtu x 0.45359237
        (GT_GAS_AP42, "mmBtu", {"NOx": 0.32 * LB, "CO": 0.082 * LB, "NMVOC": 0.0021 * LB, "SO2": 0.0034 * LB,
                                "PM10": 0.0066 * LB, "PM2_5": 0.0066 * LB}),
        # AP-42 Tables 1.4-1 and 1.4-2: NOx 100, CO 84, VOC 5.5, PM 7.6, SO2 0.6 lb/10^6 scf x 0.45359237
        (BOILER_AP42, "MMscf", {"NOx": 100 * LB, "CO": 84 * LB, "NMVOC": 5.5 * LB, "SO2": 0.6 * LB,
                                "PM10": 7.6 * LB, "PM2_5": 7.6 * LB}),
    ],
)  # fmt: skip
def test_row_holds_the_published_values(
    lib: fp.FactorLibrary, factor_id: str, unit: str, values: dict[str, float]
) -> None:
    """Each pollutant is the published value converted to kg per the row's unit, and nothing else is there."""
    f = lib[factor_id]
    assert f.unit == unit
    assert f.gases.keys() == values.keys()
    for s, v in values.items():
        assert f.gases[s] == pytest.approx(v, rel=1e-9), s


def test_every_row_cites_its_table_and_carries_no_greenhouse_gas(lib: fp.FactorLibrary) -> None:
    """Pollutants only (no CO2, CH4, N2O: those are the fuel rows'), each row with its table, published values,
    licence and heating-value basis: the guidebook's per-GJ rows net, AP-42's per-MMBtu rows gross. The two ship SO2
    rows state SO2 only, from the guidebook's formula (their notes give its arithmetic)."""
    rows = air_rows()
    assert len(rows) == 14
    for r in rows:
        f = lib[r["id"]]
        so2_only = r["id"].startswith("air.ship.so2.")
        assert set(f.gases) <= set(fp.air_pollutants()), r["id"]
        assert ("SO2" if so2_only else "NOx") in f.gases
        assert r["table"].startswith(("1.A.", "Table ")), r["id"]
        assert r["notes"].startswith("20 x" if so2_only else "Published"), r["id"]
        assert r["licence"] == ("EEA-reuse" if r["id"].endswith("emep2023") else "US-PD")
        assert f.boundary == "combustion"
        assert f.energy_basis == {"GJ": "net", "mmBtu": "gross"}.get(r["unit"])
        assert f.co2e_per_unit("AR6") == 0.0


# --- one combustion case each, to the published rounding ----------------------------------------------------


def test_emep_eea_gas_turbine_1000_gj() -> None:
    """1,000 GJ (NCV) of natural gas in a gas turbine, EMEP/EEA 2023 1.A.1 Table 3-19:
    NOx 1,000 GJ x 153 g/GJ = 153,000 g = 153 kg; CO 4.8 kg; NMVOC 1.6 kg; SOx 0.244 kg; PM10 = PM2.5 = 0.2 kg.
    (kg for 1,000 GJ equal g/GJ: the table's values as printed.)"""
    e = fp.emissions("1000 GJ net", fp.default_library()[GT_GAS])
    expected = {"NOx": 153.0, "CO": 4.8, "NMVOC": 1.6, "SO2": 0.244, "PM10": 0.2, "PM2_5": 0.2}
    assert e.by_gas == pytest.approx(expected, rel=1e-12)


def test_ap42_gas_turbine_1000_mmbtu() -> None:
    """1,000 MMBtu (HHV) of natural gas in an uncontrolled gas turbine, AP-42 Table 3.1-1: NOx 0.32 lb/MMBtu x
    1,000 = 320 lb = 320 x 0.45359237 = 145.1495584 kg; CO 0.082 x 1,000 = 82 lb = 37.19457434 kg. Back in lb
    per MMBtu at AP-42's two significant digits: 3.2E-01 and 8.2E-02."""
    e = fp.emissions("1000 MMBtu gross", fp.default_library()[GT_GAS_AP42])
    assert e.by_gas["NOx"] == pytest.approx(145.1495584, rel=1e-12)
    assert e.by_gas["CO"] == pytest.approx(37.19457434, rel=1e-12)
    assert f"{e.by_gas['NOx'] / LB / 1000:.1E}" == "3.2E-01"
    assert f"{e.by_gas['CO'] / LB / 1000:.1E}" == "8.2E-02"


# --- units and heating-value basis --------------------------------------------------------------------------


def test_the_other_heating_value_basis_is_refused(lib: fp.FactorLibrary) -> None:
    """The guidebook's rows are per GJ net, AP-42's per MMBtu gross, and neither declares a GCV/NCV ratio: an
    energy on the other basis, or on none, is refused rather than converted with a guess."""
    for activity, fid in (("1000 GJ gross", GT_GAS), ("1000 GJ", GT_GAS), ("1000 MMBtu net", GT_GAS_AP42)):
        with pytest.raises(fp.UnitError):
            fp.emissions(activity, lib[fid])


def test_fuel_in_sm3_l_and_t_bridges_like_the_fuel_row(lib: fp.FactorLibrary) -> None:
    """40,000 Sm3 x 0.7954 kg/Sm3 x 48.0 MJ/kg = 1,527.168 GJ x 0.153 = 233.656704 kg NOx;
    1,500 L diesel x 0.8299 kg/L x 43.0 MJ/kg = 53.52855 GJ x 0.942 = 50.4238941 kg NOx;
    1,000 L marine gas oil x 0.8425 kg/L = 0.8425 t x 78.5 = 66.13625 kg NOx;
    1 MMscf in an AP-42 boiler = 100 lb = 45.359237 kg NOx, and 28,262.3 Sm3 (10^6 x 0.0282623) the same."""
    assert fp.emissions("40000 Sm3", lib[GT_GAS]).by_gas["NOx"] == pytest.approx(233.656704, rel=1e-12)
    assert fp.emissions("1500 L", lib[DIESEL_ENGINE]).by_gas["NOx"] == pytest.approx(50.4238941, rel=1e-12)
    assert fp.emissions("1000 L", lib[SHIP_MDO]).by_gas["NOx"] == pytest.approx(66.13625, rel=1e-12)
    assert fp.emissions("1 MMscf", lib[BOILER_AP42]).by_gas["NOx"] == pytest.approx(45.359237, rel=1e-12)
    assert fp.emissions("28262.3 Sm3", lib[BOILER_AP42]).by_gas["NOx"] == pytest.approx(45.359237, rel=1e-5)


@settings(max_examples=60, deadline=None)
@given(
    fid=st.sampled_from([GT_GAS, DIESEL_ENGINE, SHIP_MDO, GT_GAS_AP42, BOILER_AP42]),
    q=st.floats(min_value=1e-3, max_value=1e7, allow_nan=False),
    k=st.floats(min_value=1e-3, max_value=1e3, allow_nan=False),
)
def test_pollutants_scale_linearly_with_the_fuel(fid: str, q: float, k: float) -> None:
    """Law: k times the fuel emits k times each pollutant, whatever the row and its unit."""
    f = fp.default_library()[fid]
    unit = {"GJ": "GJ net", "mmBtu": "MMBtu gross"}.get(f.unit, f.unit)
    once = fp.emissions((q, unit), f).by_gas
    scaled = fp.emissions((q * k, unit), f).by_gas
    assert scaled.keys() == once.keys()
    for s, kg in once.items():
        assert scaled[s] == pytest.approx(k * kg, rel=1e-9)


# --- paired with the fuel: no greenhouse gas counted twice -------------------------------------------------


def turbine_product(factors: list[str], sm3: float = 40000.0, *extra: fp.Activity) -> fp.Product:
    activity = fp.Activity(name="string test", factor=factors, quantity=f"{sm3!r} Sm3", module="A3")
    return fp.Product(id="gt", items=[fp.Item(id="gt", activities=[activity, *extra])])


def test_pairing_adds_the_pollutants_and_leaves_the_gwp_bit_for_bit(lib: fp.FactorLibrary) -> None:
    """The fuel alone and the fuel with its turbine row give the same CO2e to the last bit; only the pair has
    the NOx: 233.656704 kg per piece (derived above)."""
    alone = fp.calculate(turbine_product([GAS]), lib)
    paired = fp.calculate(turbine_product([GAS, GT_GAS]), lib)
    assert paired.total_kgco2e == alone.total_kgco2e
    assert paired.by_module == alone.by_module
    assert fp.nox_kg(alone) == 0.0
    assert fp.nox_kg(paired) == pytest.approx(233.656704, rel=1e-12)
    assert fp.nox_kg(paired, "A3") == pytest.approx(233.656704, rel=1e-12)
    assert fp.nox_kg(paired, "A1-A3") == fp.nox_kg(paired, "A3")


def test_fuel_without_its_pollutant_row_is_reported_not_covered(lib: fp.FactorLibrary) -> None:
    """The gas burnt without a pollutant row has NOx that no factor gives: listed as not covered (its 0 kg is
    not a measurement); with the turbine row, nothing is listed; electricity is no fuel burnt here."""
    grid = fp.Activity(name="grid", factor="electricity.grid.no.ember", quantity="100 kWh")
    alone = fp.nox_not_covered(fp.calculate(turbine_product([GAS], 40000.0, grid), lib, prefolded="report"), lib)
    assert [(c.factor_id, c.label) for c in alone] == [(GAS, "string test")]
    assert fp.nox_not_covered(fp.calculate(turbine_product([GAS, GT_GAS]), lib), lib) == []


@settings(max_examples=20, deadline=None)
@given(sm3=st.floats(min_value=1.0, max_value=1e8, allow_nan=False), k=st.floats(min_value=0.01, max_value=100))
def test_product_nox_scales_linearly_with_the_fuel(sm3: float, k: float) -> None:
    """Law, through the whole calculation: k times the gas burnt in the product gives k times its NOx."""
    lib = fp.default_library()
    once = fp.nox_kg(fp.calculate(turbine_product([GAS, GT_GAS], sm3), lib))
    assert fp.nox_kg(fp.calculate(turbine_product([GAS, GT_GAS], sm3 * k), lib)) == pytest.approx(k * once, rel=1e-9)


# --- bad pollutant rows ---------------------------------------------------------------------------------------


@pytest.fixture
def factor_file(tmp_path: Path) -> Callable[[str], Path]:
    def write(row: str) -> Path:
        path = tmp_path / "own_air.csv"
        path.write_text(HEADER + row + "\n", encoding="utf-8")
        return path

    return write


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("air.own,Own turbine,fuel,GJ,-0.1,Own tests,2026,sheet 1,NO,own,combustion,net", "kg_NOx"),
        ("air.own,Own turbine,fuel,GJ,0.1,,2026,sheet 1,NO,own,combustion,net", "source"),
        ("air.own,Own turbine,fuel,GJ,0.1,Own tests,,sheet 1,NO,own,combustion,net", "edition"),
        ("air.own,Own turbine,fuel,GJ,abc,Own tests,2026,sheet 1,NO,own,combustion,net", "kg_NOx"),
    ],
)
def test_bad_pollutant_row_is_named(factor_file: Callable[[str], Path], row: str, field: str) -> None:
    """A negative or non-numeric NOx, a row without its source or edition: a FactorFileError naming the row
    (line 2, after the header) and the field; nothing is loaded."""
    with pytest.raises(fp.FactorFileError) as info:
        fp.load_factors(factor_file(row))
    assert (2, field) in [(p.row, p.field) for p in info.value.problems]


def test_a_misspelt_pollutant_column_is_refused(tmp_path: Path) -> None:
    """kg_NOX is not a substance: the column is named, not dropped."""
    path = tmp_path / "own_air.csv"
    path.write_text(
        HEADER.replace("kg_NOx", "kg_NOX") + "air.own,Own,fuel,GJ,0.1,Own,2026,t,NO,own,combustion,net\n",
        encoding="utf-8",
    )
    with pytest.raises(fp.FactorFileError, match="kg_NOX"):
        fp.load_factors(path)


# --- NOx per product, per delivery period, with and without a rate ---------------------------------------


@pytest.fixture(scope="module")
def fat(lib: fp.FactorLibrary) -> fp.FootprintResult:
    return fp.calculate(fp.load_product(FAT), lib, prefolded="report")


def test_example_product_nox_by_hand(fat: fp.FootprintResult) -> None:
    """examples/compressor_fat.yaml: turbine 233.656704 + generator 50.4238941 (A3) + vessel 12 t x 78.5 = 942
    (A4) = 1,226.0805981 kg NOx per piece."""
    assert fp.nox_kg(fat) == pytest.approx(1226.0805981, rel=1e-12)
    assert fp.nox_kg(fat, "A3") == pytest.approx(284.0805981, rel=1e-12)
    assert fp.nox_kg(fat, "A4") == pytest.approx(942.0, rel=1e-12)


def test_nox_per_delivery_period_and_its_cost(fat: fp.FootprintResult) -> None:
    """One module delivered in 2023, two in 2024: 1,226.0805981 and 2,452.1611962 kg NOx. At each year's NOx
    tax (24.46 and 25.50 NOK/kg): 29,989.9314295 and 62,530.1105031 NOK (1,226.0805981 x 24.46; 2,452.1611962 x
    25.50)."""
    deliveries = pd.DataFrame({"product": ["gcm-12", "gcm-12"], "period": ["2023", "2024"], "quantity": [1, 2]})
    sf = fp.supplier_footprints(fp.nox_table([fat]), deliveries, periods=["2023", "2024"])
    plain = fp.nox_by_period(sf)
    assert list(plain.columns) == ["period", "product", "quantity", "kg_NOx"]
    assert plain["kg_NOx"].tolist() == pytest.approx([1226.0805981, 2452.1611962], rel=1e-12)
    rates = {"2023": fp.nox_rate("no-nox-tax", 2023), "2024": fp.nox_rate("no-nox-tax", 2024)}
    priced = fp.nox_by_period(sf, rates)
    assert priced["nox_cost"].tolist() == pytest.approx([29989.9314295, 62530.1105031], rel=1e-9)
    assert priced["rate_year"].tolist() == [2023, 2024]
    assert set(priced["rate_source"]) == {"NOx-fondet, Innbetalingssatser"}
    assert fp.nox_by_period(sf, by="supplier")["kg_NOx"].sum() == pytest.approx(3678.2417943, rel=1e-12)
    with pytest.raises(fp.NOxRateError, match="2024"):
        fp.nox_by_period(sf, {"2023": rates["2023"]})  # no rate for 2024: never assumed
    bare = fp.supplier_footprints(fp.footprint_table([fat]), deliveries, periods=["2023", "2024"])
    with pytest.raises(fp.NOxRateError, match="no NOx"):
        fp.nox_by_period(bare)


def test_nox_command(tmp_path: Path) -> None:
    """footprint nox prints the kg per piece, per module and the cost line at the named rate:
    1,226.081 kg x 25.50 NOK/kg = 31,265.06 NOK (1,226.0805981 x 25.5 = 31,265.0552516)."""
    runner = CliRunner()
    out = runner.invoke(main, ["nox", str(FAT), "--rate", "no-nox-tax:2024"])
    assert out.exit_code == 0, out.output
    assert "1,226.081 kg NOx per 1 piece" in out.output
    assert "A4: 942.000 kg" in out.output
    assert "= 31,265.06 NOK" in out.output
    assert "not covered" not in out.output
    bad = runner.invoke(main, ["nox", str(FAT), "--rate", "no-nox-tax:2031"])
    assert bad.exit_code == 1
    assert "2017, 2018" in bad.output
