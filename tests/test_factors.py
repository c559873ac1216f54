"""Emission factors, emissions() and FactorLibrary: literature values, hand-derived emissions, library behaviour."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import coefficients, gas_dicts, positive_floats

import footprint as fp
from footprint import (
    EmissionFactor,
    FactorLibrary,
    GWPError,
    IncompatibleUnitsError,
    UnknownFactorError,
    conversion_factor,
    emissions,
    gwp_set,
)
from footprint._substances import NON_GREENHOUSE

DIESEL = "fuel.diesel.stationary.combustion.ipcc2006"
NATURAL_GAS = "fuel.natural_gas.stationary.combustion.ipcc2006"
EPA_NATURAL_GAS = "fuel.natural_gas.stationary.combustion.mmbtu.epa"
EMBER_NO = "electricity.grid.no.ember"
NVE_NO = "electricity.grid.no.delivered.nve"


def make_factor(**overrides: Any) -> EmissionFactor:
    """A valid per-gas factor for tests, with any field overridden."""
    fields: dict[str, Any] = {
        "id": "test.factor",
        "name": "Test factor",
        "category": "material",
        "unit": "kg",
        "gases": {"CO2": 2.0},
        "source": "footprint test suite",
        "edition": "2025",
        "region": "GLO",
        "licence": "CC0-1.0",
        "boundary": "cradle-to-gate",
    }
    fields.update(overrides)
    return EmissionFactor(**fields)


def prefolded(**overrides: Any) -> EmissionFactor:
    """A valid pre-folded factor (kg CO2e per kWh, GWP set unspecified), with any field overridden."""
    fields: dict[str, Any] = {
        "id": "test.prefolded",
        "category": "electricity",
        "unit": "kWh",
        "gases": {},
        "co2e": 0.5,
        "gwp_set": "unspecified",
        "boundary": "life-cycle",
    }
    fields.update(overrides)
    return make_factor(**fields)


def fold(gas_values: Mapping[str, float], weights: Mapping[str, float]) -> float:
    """kg CO2e of per-gas values under arbitrary GWP weights: sum over gases of mass x weight."""
    return sum(v * weights[g] for g, v in gas_values.items())


@pytest.fixture(scope="module")
def lib() -> FactorLibrary:
    """The bundled default library."""
    return fp.default_library()


# --- literature values of bundled factors -------------------------------------------------------------------

LITERATURE_FACTORS = [
    # IPCC 2006 Guidelines Vol. 2 Ch. 1 Table 1.4 (CO2) and Ch. 2 Table 2.2 (CH4, N2O, energy industries):
    # gas/diesel oil 74,100 kg CO2, 3 kg CH4, 0.6 kg N2O per TJ
    (DIESEL, "TJ", {"CO2": 74100.0, "CH4_fossil": 3.0, "N2O": 0.6}, None),
    # same tables: natural gas 56,100 kg CO2, 1 kg CH4, 0.1 kg N2O per TJ
    (NATURAL_GAS, "TJ", {"CO2": 56100.0, "CH4_fossil": 1.0, "N2O": 0.1}, None),
    # US EPA GHG Emission Factors Hub (2024), Table 1: natural gas 53.06 kg CO2, 1.0 g CH4, 0.10 g N2O per mmBtu
    (EPA_NATURAL_GAS, "mmBtu", {"CO2": 53.06, "CH4_fossil": 0.001, "N2O": 0.0001}, None),
    # Ember yearly electricity data via Green Web Foundation CO2.js: Norway 30.75 g CO2e/kWh = 0.03075 kg/kWh
    (EMBER_NO, "kWh", {}, 0.03075),
    # NVE Klimadeklarasjon for fysisk levert strom 2022: 19 g CO2e/kWh = 0.019 kg/kWh
    (NVE_NO, "kWh", {}, 0.019),
]


@pytest.mark.parametrize(
    ("factor_id", "unit", "gas_values", "co2e"), LITERATURE_FACTORS, ids=[r[0] for r in LITERATURE_FACTORS]
)
def test_bundled_factor_matches_its_source(
    lib: FactorLibrary, factor_id: str, unit: str, gas_values: dict[str, float], co2e: float | None
) -> None:
    """A bundled factor holds the values its source publishes (source named in the table's comments)."""
    f = lib[factor_id]
    assert f.unit == unit
    # Greenhouse gases only: the primary energy some grid rows state beside them is derived from another
    # source and checked in tests/test_water_energy_phosphorus.py.
    assert {g for g in f.gases if g not in NON_GREENHOUSE} == gas_values.keys()
    for g, v in gas_values.items():
        assert f.gases[g] == pytest.approx(v, rel=1e-12)
    if co2e is None:
        assert not f.is_prefolded
    else:
        assert f.co2e == pytest.approx(co2e, rel=1e-12)
        assert f.gwp_set == "unspecified"  # neither Ember nor NVE 2022 states a GWP set


def test_diesel_declares_density_and_ncv(lib: FactorLibrary) -> None:
    """The IPCC diesel factor declares NCV 43.0 MJ/kg (IPCC 2006 Vol. 2 Ch. 1 Table 1.2) and density 0.8299 kg/L."""
    # the density is the one implied by DESNZ 2025 WTT diesel factors (per litre / per tonne), per the file's notes
    f = lib[DIESEL]
    assert f.net_calorific_value == "43.0 MJ/kg"
    assert f.density == "0.8299 kg/L"


# --- hand-derived emissions ---------------------------------------------------------------------------------

# 1000 L x 0.8299 kg/L = 829.9 kg; x 43.0 MJ/kg = 35,685.7 MJ = 0.0356857 TJ.
# AR6 (Table 7.15 / 7.SM.7): 74100 + 3 x 29.8 + 0.6 x 273 = 74100 + 89.4 + 163.8 = 74,353.2 kg CO2e/TJ.
# 0.0356857 TJ x 74,353.2 kg CO2e/TJ = 2,653.34598924 kg CO2e.
DIESEL_1000L_TJ = 0.0356857
DIESEL_1000L_KGCO2E_AR6 = 2653.34598924


def test_diesel_litres_against_a_factor_per_tj(lib: FactorLibrary) -> None:
    """1000 L x 0.8299 kg/L x 43.0 MJ/kg = 0.0356857 TJ; x 74,353.2 kg CO2e/TJ (AR6) = 2,653.34598924 kg CO2e."""
    e = emissions("1000 L", lib[DIESEL])
    assert e.amount_in_factor_unit == pytest.approx(DIESEL_1000L_TJ, rel=1e-12)
    assert e.kgco2e == pytest.approx(DIESEL_1000L_KGCO2E_AR6, rel=1e-12)
    assert e.gwp_set == "AR6"
    assert e.prefolded_gwp_set is None
    # by gas: 0.0356857 TJ x 74100 = 2644.31037 kg CO2; x 3 = 0.1070571 kg CH4; x 0.6 = 0.02141142 kg N2O
    assert e.by_gas["CO2"] == pytest.approx(2644.31037, rel=1e-12)
    assert e.by_gas["CH4_fossil"] == pytest.approx(0.1070571, rel=1e-12)
    assert e.by_gas["N2O"] == pytest.approx(0.02141142, rel=1e-12)


def test_conversion_names_both_properties(lib: FactorLibrary) -> None:
    """Litres reach a factor per TJ through the declared density and net calorific value, and the Conversion says so."""
    conv = emissions("1000 L", lib[DIESEL]).conversion
    assert conv.to_unit == "TJ"
    assert conv.via == ("density=0.8299 kg/L", "net_calorific_value=43.0 MJ/kg")
    # 1 L x 0.8299 kg/L x 43.0 MJ/kg = 35.6857 MJ = 3.56857e-5 TJ
    assert conv.multiplier == pytest.approx(3.56857e-5, rel=1e-12)


def test_same_conversion_in_the_other_direction() -> None:
    """A factor per kg with a density serves litres: 10 L x 0.8 kg/L = 8 kg, x 2 kg CO2/kg = 16 kg CO2."""
    f = make_factor(density="0.8 kg/L")
    e = emissions((10, "L"), f)
    assert e.conversion.via == ("density=0.8 kg/L",)
    assert e.kgco2e == pytest.approx(16.0, rel=1e-12)
    # and energy through the inverse NCV: 86 MJ / 43 MJ/kg = 2 kg, x 2 kg CO2/kg = 4 kg CO2
    g = make_factor(net_calorific_value="43 MJ/kg")
    assert emissions("86 MJ", g).kgco2e == pytest.approx(4.0, rel=1e-12)


@pytest.mark.parametrize(
    "activity",
    [
        "829.9 kg",  # 1000 L x 0.8299 kg/L
        "35.6857 GJ net",  # 829.9 kg x 43.0 MJ/kg = 35,685.7 MJ (net calorific value, the factor's basis)
        "0.0356857 TJ net",  # the factor's own unit
        (1000 / 3.785411784, "US_gallon"),  # 1000 L / 3.785411784 L per US gallon (231 in3)
        "1 m3",  # 1 m3 = 1000 L
        "0.8299 t",  # 829.9 kg / 1000
    ],
)
def test_same_activity_in_other_units_gives_the_same_emissions(lib: FactorLibrary, activity: Any) -> None:
    """1000 L of diesel given in kg, GJ, TJ, US gallons, m3 or t gives the same 2,653.34598924 kg CO2e (rel 1e-12)."""
    assert emissions(activity, lib[DIESEL]).kgco2e == pytest.approx(DIESEL_1000L_KGCO2E_AR6, rel=1e-12)


def test_activity_as_quantity_tuple_and_text_agree(lib: FactorLibrary) -> None:
    """emissions() reads Q_(1000, 'L'), (1000, 'L') and '1000 L' alike."""
    f = lib[DIESEL]
    values = [emissions(a, f).kgco2e for a in (fp.Q_(1000, "L"), (1000, "L"), "1000 L")]
    assert values == pytest.approx([DIESEL_1000L_KGCO2E_AR6] * 3, rel=1e-12)


def test_natural_gas_standard_and_normal_cubic_metres(lib: FactorLibrary) -> None:
    """1000 Sm3 x 0.7954 kg/Sm3 x 48.0 MJ/kg = 0.0381792 TJ; x (56100 + 1 x 29.8 + 0.1 x 273 = 56,157.1) = 2,144.03315232 kg."""
    f = lib[NATURAL_GAS]
    e = emissions("1000 Sm3", f)
    assert e.amount_in_factor_unit == pytest.approx(0.0381792, rel=1e-12)
    assert e.kgco2e == pytest.approx(2144.03315232, rel=1e-12)
    # 1 Nm3 (0 degC) = 288.15 / 273.15 Sm3 (15 degC) of ideal gas at the same pressure
    assert emissions("1000 Nm3", f).kgco2e == pytest.approx(2144.03315232 * 288.15 / 273.15, rel=1e-12)


def test_epa_natural_gas_per_mmbtu(lib: FactorLibrary) -> None:
    """100 mmBtu x (53.06 + 0.001 x 29.8 + 0.0001 x 273) = 100 x 53.1171 = 5,311.71 kg CO2e under AR6."""
    assert emissions("100 mmBtu gross", lib[EPA_NATURAL_GAS]).kgco2e == pytest.approx(5311.71, rel=1e-12)
    # the same energy in GJ: 100 mmBtu x 1.05505585262 GJ/mmBtu (IT Btu) = 105.505585262 GJ
    assert emissions("105.505585262 GJ HHV", lib[EPA_NATURAL_GAS]).kgco2e == pytest.approx(5311.71, rel=1e-12)


# Diesel: an amount A in litres is A x 0.8299 kg and A x 0.8299 x 43.0 MJ.
_DIESEL_UNITS = {
    "L": ("L", 1.0),
    "m3": ("L", 1.0),
    "US_gallon": ("L", 1.0),
    "bbl": ("L", 1.0),
    "imperial_gallon": ("L", 1.0),
    "kg": ("kg", 0.8299),
    "t": ("kg", 0.8299),
    "lb": ("kg", 0.8299),
    "short_ton": ("kg", 0.8299),
    "MJ": ("MJ", 0.8299 * 43.0),
    "GJ": ("MJ", 0.8299 * 43.0),
    "TJ": ("MJ", 0.8299 * 43.0),
    "kWh": ("MJ", 0.8299 * 43.0),
    "mmBtu": ("MJ", 0.8299 * 43.0),
    "therm": ("MJ", 0.8299 * 43.0),
    "toe": ("MJ", 0.8299 * 43.0),
}


@given(litres=positive_floats, unit=st.sampled_from(sorted(_DIESEL_UNITS)))
def test_emissions_do_not_depend_on_the_unit_of_the_activity(litres: float, unit: str) -> None:
    """A diesel amount in litres, re-expressed in any volume, mass or energy unit, gives the same kg CO2e (rel 1e-12)."""
    f = fp.default_library()[DIESEL]
    base, per_litre = _DIESEL_UNITS[unit]
    amount = litres * per_litre * conversion_factor(base, unit)
    expected = emissions((litres, "L"), f).kgco2e
    stated = f"{unit} net" if base == "MJ" else unit  # an energy states its basis: net, as the factor's NCV
    assert emissions((amount, stated), f).kgco2e == pytest.approx(expected, rel=1e-12)
    # and against the hand formula: litres x 0.8299 x 43.0 / 1e6 TJ x 74,353.2 kg CO2e/TJ
    assert expected == pytest.approx(litres * 0.8299 * 43.0 / 1e6 * 74353.2, rel=1e-12)


# --- folding gases with GWPs --------------------------------------------------------------------------------


@given(g1=gas_dicts, g2=gas_dicts, a=coefficients, b=coefficients)
def test_folding_is_linear_in_the_gas_amounts(g1: dict[str, float], g2: dict[str, float], a: float, b: float) -> None:
    """The library's co2e_per_unit of a factor with gases a*g1 + b*g2 equals a*co2e(g1) + b*co2e(g2) under
    every bundled set (rel 1e-9): each gas is weighted on its own, no gas's weight depends on another's."""
    combined = {g: a * g1.get(g, 0.0) + b * g2.get(g, 0.0) for g in {*g1, *g2}}
    for name in fp.gwp_sets():
        lhs = make_factor(gases=combined).co2e_per_unit(name)
        rhs = a * make_factor(gases=g1).co2e_per_unit(name) + b * make_factor(gases=g2).co2e_per_unit(name)
        assert lhs == pytest.approx(rhs, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize(
    ("gwp", "expected"),
    [
        ("AR6", 1.0 + 29.8 + 27.0 + 273.0),  # IPCC AR6 WGI Table 7.15: CH4 fossil 29.8, non-fossil 27.0, N2O 273
        ("AR4", 1.0 + 25.0 + 25.0 + 298.0),  # IPCC AR4 WGI Table 2.14: CH4 25, N2O 298
        ("AR6-GWP20", 1.0 + 82.5 + 79.7 + 273.0),  # IPCC AR6 WGI Table 7.15, GWP20: CH4 82.5 / 79.7, N2O 273
    ],
)
def test_a_kilogram_of_each_gas_folds_with_the_published_gwps(gwp: str, expected: float) -> None:
    """1 kg each of CO2, fossil CH4, non-fossil CH4 and N2O per unit folds to the sum of the published GWPs."""
    f = make_factor(gases={"CO2": 1.0, "CH4_fossil": 1.0, "CH4_nonfossil": 1.0, "N2O": 1.0})
    assert f.co2e_per_unit(gwp) == pytest.approx(expected, rel=1e-12)


@given(gas_values=gas_dicts, a=coefficients, b=coefficients)
def test_library_folding_is_linear_across_real_gwp_sets(gas_values: dict[str, float], a: float, b: float) -> None:
    """co2e_per_unit under each set equals sum(gas x GWP), and a*co2e(AR6) + b*co2e(AR5) folds with a*AR6 + b*AR5."""
    factor = make_factor(gases=gas_values)
    for name in fp.gwp_sets():
        assert factor.co2e_per_unit(name) == pytest.approx(fold(factor.gases, gwp_set(name).values), rel=1e-12)
    ar6, ar5 = gwp_set("AR6").values, gwp_set("AR5").values
    mixed = {g: a * ar6[g] + b * ar5[g] for g in ar6}
    expected = a * factor.co2e_per_unit("AR6") + b * factor.co2e_per_unit("AR5")
    assert fold(factor.gases, mixed) == pytest.approx(expected, rel=1e-12, abs=0.0)


def test_co2e_per_unit_of_the_diesel_factor_under_each_set(lib: FactorLibrary) -> None:
    """74100 + 3 CH4 + 0.6 N2O per TJ: AR6 74,353.2; AR5 (CH4 28) 74100 + 84 + 159 = 74,343; AR5-fossil (CH4 30)
    74100 + 90 + 159 = 74,349; AR4 74100 + 75 + 178.8 = 74,353.8."""
    f = lib[DIESEL]
    assert f.co2e_per_unit("AR6") == pytest.approx(74353.2, rel=1e-12)  # 3 x 29.8 = 89.4; 0.6 x 273 = 163.8
    assert f.co2e_per_unit("AR5") == pytest.approx(74343.0, rel=1e-12)  # 3 x 28 = 84; 0.6 x 265 = 159
    assert f.co2e_per_unit("AR5-fossil") == pytest.approx(74349.0, rel=1e-12)  # 3 x 30 = 90; 0.6 x 265 = 159
    assert f.co2e_per_unit("AR4") == pytest.approx(74353.8, rel=1e-12)  # 3 x 25 = 75; 0.6 x 298 = 178.8
    # AR6 GWP20: 3 x 82.5 = 247.5; 0.6 x 273 = 163.8; 74100 + 247.5 + 163.8 = 74,511.3
    assert f.co2e_per_unit("AR6-GWP20") == pytest.approx(74511.3, rel=1e-12)


def test_emissions_under_another_gwp_set(lib: FactorLibrary) -> None:
    """1000 L of diesel (x 0.8299 kg/L x 43.0 MJ/kg = 0.0356857 TJ) under AR5: x 74,343 kg CO2e/TJ =
    2,652.9819951 kg CO2e; under AR5-fossil x 74,349 = 2,653.1961093 kg CO2e."""
    # 74343 x 0.035 = 2602.005; 74343 x 0.0006857 = 50.9769951; sum 2652.9819951
    e = emissions("1000 L", lib[DIESEL], gwp="AR5")
    assert e.gwp_set == "AR5"
    assert e.kgco2e == pytest.approx(2652.9819951, rel=1e-12)
    # 74349 x 0.035 = 2602.215; 74349 x 0.0006857 = 50.9811093; sum 2653.1961093
    e = emissions("1000 L", lib[DIESEL], gwp="ar5-fossil")
    assert e.gwp_set == "AR5-fossil"
    assert e.kgco2e == pytest.approx(2653.1961093, rel=1e-12)


# --- pre-folded factors -------------------------------------------------------------------------------------


def test_prefolded_factor_under_another_set_raises_naming_the_factor(lib: FactorLibrary) -> None:
    """The Ember factor (CO2e, GWP set unspecified) used under AR6 raises GWPError naming its id."""
    with pytest.raises(GWPError, match=EMBER_NO.replace(".", r"\.")):
        emissions("1000 kWh", lib[EMBER_NO])
    with pytest.raises(GWPError, match=EMBER_NO.replace(".", r"\.")):
        lib[EMBER_NO].co2e_per_unit("AR6")


def test_prefolded_factor_reported_keeps_its_co2e(lib: FactorLibrary) -> None:
    """With prefolded='report', 1000 kWh x 0.03075 kg CO2e/kWh = 30.75 kg CO2e, unchanged, and the set is reported."""
    e = emissions("1000 kWh", lib[EMBER_NO], prefolded="report")
    assert e.kgco2e == pytest.approx(30.75, rel=1e-12)
    assert e.prefolded_gwp_set == "unspecified"
    # CO2e in place of the greenhouse gases; beside it only substances no GWP set weighs (the primary energy
    # the row states, checked in tests/test_water_energy_phosphorus.py)
    assert e.by_gas["CO2e"] == pytest.approx(30.75, rel=1e-12)
    assert set(e.by_gas) - {"CO2e"} <= set(NON_GREENHOUSE)
    # the GWP set asked for does not change a pre-folded value: 2 MWh = 2000 kWh x 0.03075 = 61.5 kg
    assert emissions("2 MWh", lib[EMBER_NO], gwp="AR4", prefolded="report").kgco2e == pytest.approx(61.5, rel=1e-12)


def test_prefolded_factor_under_its_own_set_is_used_without_report() -> None:
    """A factor folded with AR6 under AR6: 4 kWh x 0.5 kg CO2e/kWh = 2 kg CO2e, no error, no pre-folded note."""
    f = prefolded(gwp_set="AR6")
    e = emissions("4 kWh", f)
    assert e.kgco2e == pytest.approx(2.0, rel=1e-12)
    assert e.prefolded_gwp_set is None
    with pytest.raises(GWPError, match="test\\.prefolded"):
        emissions("4 kWh", f, gwp="AR5")


# --- refused activities -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("activity", "factor_id"),
    [
        ("5 piece", DIESEL),  # pieces never bridge to energy
        ("1000 m3", NATURAL_GAS),  # geometric cubic metres: the density is per standard cubic metre
        ("10 t*km", DIESEL),  # transport work is no fuel amount
        ("100 NOK", DIESEL),
        ("1000 Sm3", DIESEL),  # diesel declares kg/L, which does not bridge standard gas volume
        ("10 kg", EMBER_NO),  # no property of the electricity factor bridges mass to kWh
    ],
)
def test_unbridged_activity_raises(lib: FactorLibrary, activity: str, factor_id: str) -> None:
    """An activity whose dimension no declared property bridges to the factor's unit raises IncompatibleUnitsError."""
    with pytest.raises(IncompatibleUnitsError, match="cannot meet a factor"):
        emissions(activity, lib[factor_id], prefolded="report")


def test_unbridged_activity_says_no_property_was_declared() -> None:
    """A factor without density or NCV says so when an activity in another dimension meets it."""
    with pytest.raises(IncompatibleUnitsError, match="declares no density or net calorific value"):
        emissions("10 kWh", make_factor())


@pytest.mark.parametrize("amount", [float("inf"), float("nan")])
def test_non_finite_activity_amount_is_refused(amount: float) -> None:
    """An activity amount that is not finite raises UnitError."""
    with pytest.raises(fp.UnitError, match="not finite"):
        emissions((amount, "kg"), make_factor())


# --- EmissionFactor validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"gases": {}}, "needs per-gas values"),  # neither gases nor co2e
        ({"co2e": 1.0, "gwp_set": "AR6"}, "not both"),  # both gases and co2e
        ({"gases": {}, "co2e": 1.0}, "needs gwp_set"),  # co2e without gwp_set
        ({"gwp_set": "AR6"}, "gwp_set belongs to pre-folded"),  # gwp_set with per-gas values
        ({"gases": {"CO3": 1.0}}, "unknown substance 'CO3'"),
        ({"gases": {"CO2": -1.0}}, "negative emissions"),  # outside category credit
        ({"gases": {"CO2": math.inf}}, "not finite"),
        ({"unit": "kgg"}, "unknown unit 'kgg'"),
        ({"id": "Steel BOF"}, "lower case"),  # not a slug
        ({"density": "2 kg"}, "mass per volume"),
        ({"net_calorific_value": "43 MJ"}, "energy per mass"),
        ({"dqr_temporal": 6}, "less than or equal to 5"),  # ratings are 1..5
    ],
)
def test_invalid_factor_is_refused(overrides: dict[str, Any], message: str) -> None:
    """EmissionFactor refuses each inconsistent or malformed set of fields with a ValueError that says why."""
    with pytest.raises(ValueError, match=re.escape(message)):
        make_factor(**overrides)


def test_credit_may_be_negative() -> None:
    """A factor of category 'credit' may carry negative emissions: 3 kg x -1.5 kg CO2/kg = -4.5 kg CO2e."""
    f = make_factor(category="credit", gases={"CO2": -1.5})
    assert emissions("3 kg", f).kgco2e == pytest.approx(-4.5, rel=1e-12)


# --- FactorLibrary ------------------------------------------------------------------------------------------


def test_unknown_factor_error_is_a_key_error_suggesting_close_ids(lib: FactorLibrary) -> None:
    """An unknown id raises UnknownFactorError, a KeyError, that suggests the closest ids."""
    with pytest.raises(KeyError) as exc:
        lib["fuel.diesel.stationary.combustion.ipcc2007"]
    assert isinstance(exc.value, UnknownFactorError)
    assert "did you mean" in str(exc.value)
    assert DIESEL in str(exc.value)
    with pytest.raises(UnknownFactorError, match="search the library"):
        lib.get("zzzz")


def test_merge_first_library_wins_and_reports_shadowed() -> None:
    """In a.merge(b) an id in both takes a's factor, and shadowed lists (id, a, b) when the factors differ."""
    ours = FactorLibrary([make_factor(gases={"CO2": 1.0}), make_factor(id="test.same")], name="company")
    theirs = FactorLibrary(
        [make_factor(gases={"CO2": 9.0}), make_factor(id="test.same"), make_factor(id="test.other")], name="default"
    )
    merged = ours.merge(theirs)
    assert merged["test.factor"].gases == {"CO2": 1.0}
    assert merged.origin("test.factor") == "company"
    assert merged.origin("test.other") == "default"
    assert merged.shadowed == (("test.factor", "company", "default"),)  # test.same is identical: not shadowed
    assert len(merged) == 3
    assert merged.name == "company+default"
    reverse = theirs.merge(ours, name="custom")
    assert reverse["test.factor"].gases == {"CO2": 9.0}
    assert reverse.shadowed == (("test.factor", "default", "company"),)
    assert reverse.name == "custom"


def test_library_refuses_duplicate_ids() -> None:
    """A FactorLibrary built from two factors with one id raises ValueError naming the id."""
    with pytest.raises(ValueError, match="test\\.factor"):
        FactorLibrary([make_factor(), make_factor(gases={"CO2": 3.0})])


@pytest.fixture
def small_lib() -> FactorLibrary:
    """Three factors of different categories and regions."""
    return FactorLibrary(
        [
            make_factor(id="steel.bof.test", name="Steel, basic oxygen furnace", region="GLO"),
            make_factor(id="steel.eaf.test", name="Steel, electric arc furnace", region="EUR", notes="scrap route"),
            prefolded(id="grid.no.test", name="Grid electricity Norway", region="NO"),
        ],
        name="small",
    )


def test_search_by_text_category_and_region(small_lib: FactorLibrary) -> None:
    """search matches every word in id, name or notes, and filters by category and region (case-insensitive)."""
    assert [f.id for f in small_lib.search("steel")] == ["steel.bof.test", "steel.eaf.test"]
    assert [f.id for f in small_lib.search("STEEL furnace arc")] == ["steel.eaf.test"]
    assert [f.id for f in small_lib.search("scrap")] == ["steel.eaf.test"]  # found in notes
    assert [f.id for f in small_lib.search(category="electricity")] == ["grid.no.test"]
    assert [f.id for f in small_lib.search(region="no")] == ["grid.no.test"]
    assert [f.id for f in small_lib.search("steel", region="EUR")] == ["steel.eaf.test"]
    assert small_lib.search("titanium") == []


def test_search_the_bundled_library(lib: FactorLibrary) -> None:
    """The bundled library finds its Norwegian electricity factors by region and category."""
    ids = {f.id for f in lib.search(category="electricity", region="NO")}
    assert {EMBER_NO, NVE_NO} <= ids
    assert DIESEL in {f.id for f in lib.search("diesel stationary", category="fuel")}


def test_to_frame_columns_and_values(small_lib: FactorLibrary) -> None:
    """to_frame has one row per factor with id, unit, AR6 CO2e (NaN for a set-unspecified pre-folded factor), gases and provenance."""
    df = small_lib.to_frame()
    assert len(df) == 3
    for col in ("id", "name", "category", "unit", "kgco2e_ar6", "kg_CO2e", "gwp_set", "kg_CO2", "source",
                "edition", "region", "licence", "boundary", "library"):  # fmt: skip
        assert col in df.columns, col
    rows = df.set_index("id")
    assert rows.loc["steel.bof.test", "kgco2e_ar6"] == pytest.approx(2.0, rel=1e-12)  # 2 kg CO2 x GWP 1
    assert math.isnan(rows.loc["grid.no.test", "kgco2e_ar6"])
    assert rows.loc["grid.no.test", "kg_CO2e"] == pytest.approx(0.5, rel=1e-12)
    assert set(rows["library"]) == {"small"}
    assert "kg_SF6" not in df.columns  # gas columns that no factor uses are dropped


def test_to_frame_folds_gases_under_ar6() -> None:
    """kgco2e_ar6 of 2 kg CO2 + 0.1 kg fossil CH4 is 2 + 0.1 x 29.8 = 4.98 (AR6 Table 7.15)."""
    df = FactorLibrary([make_factor(gases={"CO2": 2.0, "CH4_fossil": 0.1})]).to_frame()
    assert df.loc[0, "kgco2e_ar6"] == pytest.approx(4.98, rel=1e-12)
    assert df.loc[0, "kg_CH4_fossil"] == pytest.approx(0.1, rel=1e-12)


def test_version_changes_only_when_content_changes() -> None:
    """Equal factors give equal versions (in any order); changing one value changes the version."""
    a, b = make_factor(), make_factor(id="test.b", gases={"N2O": 0.01})
    v1 = FactorLibrary([a, b], name="x").version
    assert FactorLibrary([a.model_copy(), b.model_copy()], name="x").version == v1
    assert FactorLibrary([b, a], name="x").version == v1
    changed = make_factor(gases={"CO2": 2.0000001})
    assert FactorLibrary([changed, b], name="x").version != v1
    assert FactorLibrary([make_factor(edition="2026"), b], name="x").version != v1
    assert v1.startswith("sha256:")


def test_co2e_vector_raises_only_for_used_prefolded_factors() -> None:
    """co2e_vector raises GWPError for a pre-folded factor of another set only when it is among the used factors."""
    library = FactorLibrary(
        [
            make_factor(gases={"CO2": 2.0, "N2O": 0.01}),  # AR6: 2 + 0.01 x 273 = 4.73
            prefolded(id="test.unspecified"),  # 0.5, set unspecified
            prefolded(id="test.ar6", co2e=0.25, gwp_set="AR6"),
        ]
    )
    vec, mismatched = library.co2e_vector("AR6", used=np.array([0, 2], dtype=np.intp))
    assert vec.tolist() == pytest.approx([4.73, 0.5, 0.25], rel=1e-12)
    assert mismatched == []
    with pytest.raises(GWPError, match="test\\.unspecified"):
        library.co2e_vector("AR6", used=np.array([1], dtype=np.intp))
    with pytest.raises(GWPError, match="test\\.unspecified"):
        library.co2e_vector("AR6")
    _, reported = library.co2e_vector("AR6", prefolded="report")
    assert reported == ["test.unspecified"]
    # under AR5 the AR6-folded factor is the mismatch too: 2 + 0.01 x 265 = 4.65 for the per-gas factor
    vec5, reported5 = library.co2e_vector("AR5", prefolded="report")
    assert reported5 == ["test.unspecified", "test.ar6"]
    assert vec5[0] == pytest.approx(4.65, rel=1e-12)
    with pytest.raises(GWPError, match="test\\.ar6"):
        library.co2e_vector("AR5", used=np.array([0, 2], dtype=np.intp))
    assert library.co2e_vector("AR5", used=np.array([0], dtype=np.intp))[1] == []


def test_bundled_library_co2e_vector_refuses_prefolded_under_ar6(lib: FactorLibrary) -> None:
    """The bundled library holds set-unspecified pre-folded factors, so an AR6 vector of all factors raises."""
    with pytest.raises(GWPError):
        lib.co2e_vector("AR6")
    used = np.array([lib.index_of(DIESEL)], dtype=np.intp)
    vec, mismatched = lib.co2e_vector("AR6", used=used)
    assert mismatched == []
    assert vec[used[0]] == pytest.approx(74353.2, rel=1e-12)  # 74100 + 3 x 29.8 + 0.6 x 273
