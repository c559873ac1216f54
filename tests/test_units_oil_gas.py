"""Oil-and-gas unit spellings: M is thousand and MM million, mt is the metric tonne, no SI prefix on a
customary unit, ambiguous spellings refused with their readings named."""

from __future__ import annotations

import re

import pytest

import footprint as fp
from footprint import UnitError, conversion_factor

# Exact definitions (see docs/units.md for the sources):
#   1 ft3 = 0.3048**3 m3 = 0.028316846592 m3 (international foot, 1959)
#   1 scf = 1 ft3 of gas at 60 degF (288.70556 K); 1 Sm3 at 15 degC (288.15 K), both at 101.325 kPa: an ideal
#   gas at equal pressure has 288.15 / 288.70556 as many moles per volume at 60 degF as at 15 degC.
#   1 bbl = 42 US gal = 42 x 3.785411784 L = 158.987294928 L
#   1 Btu (international table) = 1055.05585262 J
#   1 lbf/in2 = 0.45359237 kg x 9.80665 m/s2 / 0.0254**2 m2 = 6894.757293168361 Pa
SCF_SM3 = 0.028316846592 * 288.15 / ((60 + 459.67) * 5 / 9)
BBL_L = 42 * 3.785411784
BTU_J = 1055.05585262
PSI_PA = 0.45359237 * 9.80665 / 0.0254**2

SPELLINGS = [
    # mass: mt / MT are the metric tonne in oil and gas documents (API, EIA, shipping), never a millitonne
    ("mt", "kg", 1000.0),  # metric tonne = 1000 kg
    ("MT", "kg", 1000.0),  # metric tonne = 1000 kg
    ("mt", "t", 1.0),  # same unit as t
    ("t", "kg", 1000.0),  # tonne (SI-accepted unit) = 1000 kg
    ("tonne", "kg", 1000.0),
    ("metric_ton", "t", 1.0),
    # gas volumes: M = 10^3, MM = 10^6, B = 10^9 (EIA Glossary: Mcf = one thousand cubic feet, MMcf = one million)
    ("Mscf", "scf", 1e3),
    ("MSCF", "scf", 1e3),
    ("mscf", "scf", 1e3),
    ("MMscf", "scf", 1e6),
    ("MMSCF", "scf", 1e6),
    ("mmscf", "scf", 1e6),
    ("Mcf", "scf", 1e3),  # EIA: natural gas cubic feet are at standard conditions
    ("MCF", "scf", 1e3),
    ("mcf", "scf", 1e3),
    ("MMcf", "scf", 1e6),
    ("MMCF", "scf", 1e6),
    ("Bcf", "scf", 1e9),  # EIA: Bcf = one billion cubic feet
    ("BCF", "MMcf", 1e3),  # 10^9 / 10^6
    ("Bscf", "scf", 1e9),
    ("mmcf", "scf", 1e6),
    ("MMcf", "Mcf", 1e3),  # 10^6 / 10^3
    ("Mscf", "Sm3", 1e3 * SCF_SM3),  # 1000 x 0.0282623... = 28.2623... Sm3
    ("MMscf", "Sm3", 1e6 * SCF_SM3),
    ("SCF", "scf", 1.0),
    # oil volumes: Mbbl = thousand barrels, MMbbl = million barrels (EIA Glossary)
    ("Mbbl", "bbl", 1e3),
    ("MBBL", "bbl", 1e3),
    ("MMbbl", "bbl", 1e6),
    ("MMBBL", "bbl", 1e6),
    ("mbbl", "bbl", 1e3),  # lower-case spelling of the same thousand barrels
    ("mmbbl", "bbl", 1e6),
    ("Mbbl", "L", 1e3 * BBL_L),  # 158,987.294928 L
    ("MMbbl", "m3", 1e6 * BBL_L / 1000),  # 158,987.294928 m3
    # energy: MMBtu = million Btu (US EPA Emission Factors Hub gives natural gas per mmBtu)
    ("MMBtu", "Btu", 1e6),
    ("mmBtu", "Btu", 1e6),
    ("MMBTU", "Btu", 1e6),
    ("mmbtu", "Btu", 1e6),
    ("MMBtu", "GJ", 1e6 * BTU_J / 1e9),  # 1.05505585262 GJ
    ("MMBtu", "kWh", 1e6 * BTU_J / 3.6e6),  # 293.07107... kWh
    ("BTU", "J", BTU_J),
    ("therm", "MMBtu", 0.1),  # 1e5 Btu / 1e6 Btu
    ("kWh", "MJ", 3.6),  # SI prefix on an SI unit: 1000 x 3600 J
    ("TJ", "GJ", 1000.0),
    # pressure: Pa is the pascal, never a peta-year
    ("Pa", "N/m2", 1.0),  # pascal = newton per square metre
    ("Pa", "kg/(m*s**2)", 1.0),
    ("kPa", "Pa", 1e3),
    ("MPa", "Pa", 1e6),
    ("bar", "kPa", 100.0),  # 1 bar = 10^5 Pa
    ("mbar", "Pa", 100.0),  # 10^-3 x 10^5 Pa
    ("psi", "kPa", PSI_PA / 1000),  # 6.894757... kPa
    ("bar", "psi", 1e5 / PSI_PA),  # 14.5037738... psi
    # currencies keep k and M (kNOK thousand, MNOK million, as Norwegian accounts write them)
    ("kNOK", "NOK", 1e3),
    ("MNOK", "NOK", 1e6),
]


@pytest.mark.parametrize(("src", "dst", "expected"), SPELLINGS, ids=[f"{a}->{b}" for a, b, _ in SPELLINGS])
def test_oil_and_gas_spelling_means_what_the_industry_means(src: str, dst: str, expected: float) -> None:
    """Each spelling converts by the hand-derived factor in the table's comment."""
    assert conversion_factor(src, dst) == pytest.approx(expected, rel=1e-12)


PREFIX_REFUSED = [
    ("Mt", "tonne"),  # megatonne or metric tonne? no prefix on the tonne
    ("kt", "tonne"),
    ("kscf", "standard_cubic_foot"),  # M/MM forms only
    ("Gscf", "standard_cubic_foot"),
    ("kbbl", "barrel"),
    ("kBtu", "british_thermal_unit"),
    ("GBtu", "british_thermal_unit"),
    ("da", "year"),  # never a deci-year
    ("ka", "year"),
    ("Ma", "year"),
    ("kyr", "year"),
    ("Mpcs", "piece"),
    ("kpiece", "piece"),
    ("mEUR", "euro"),  # currencies take k and M only
    ("Mtoe", "tonne_of_oil_equivalent"),
]


@pytest.mark.parametrize(("spelling", "unit"), PREFIX_REFUSED, ids=[s for s, _ in PREFIX_REFUSED])
def test_no_prefix_composes_onto_a_customary_unit(spelling: str, unit: str) -> None:
    """A prefix on a non-SI unit is refused; the error names the spelling and the unit it would prefix."""
    with pytest.raises(UnitError, match=re.escape(repr(spelling))) as exc:
        conversion_factor(spelling, spelling)
    assert f"no SI prefix composes onto {unit}" in str(exc.value)


@pytest.mark.parametrize("spelling", ["MBtu", "MBTU", "Mbtu"])
def test_mbtu_is_refused_naming_both_readings(spelling: str) -> None:
    """MBtu means a thousand Btu to the gas trade and a million to others: refused, both readings named."""
    with pytest.raises(UnitError) as exc:
        fp.Q_(1.0, spelling)
    msg = str(exc.value)
    assert "ambiguous" in msg
    assert "thousand Btu" in msg
    assert "million Btu" in msg


def test_mbtu_is_refused_inside_an_expression() -> None:
    """The refusal holds in a compound unit too (kg per MBtu)."""
    with pytest.raises(UnitError, match="ambiguous"):
        conversion_factor("kg/MBtu", "kg/MMBtu")


def test_pa_is_pressure_not_time() -> None:
    """Pa has the dimension of pressure (mass / (length x time^2)), not of time."""
    assert fp.Q_(1.0, "Pa").dimensionality == fp.Q_(1.0, "N/m2").dimensionality
    with pytest.raises(fp.IncompatibleUnitsError):
        conversion_factor("Pa", "yr")


def test_one_mt_of_steel_is_a_metric_tonne() -> None:
    """1 mt against a factor per kg: 1000 kg x 1.92 kg CO2 per kg = 1920 kg (a millitonne gave 1.92 kg)."""
    prov = {"source": "s", "edition": "1", "region": "GLO", "licence": "CC0-1.0", "boundary": "cradle-to-gate"}
    steel = fp.EmissionFactor(id="steel", name="Steel", category="material", unit="kg", gases={"CO2": 1.92}, **prov)
    assert fp.emissions("1 mt", steel).kgco2e == pytest.approx(1920.0, rel=1e-12)
    assert fp.emissions("1 MT", steel).kgco2e == pytest.approx(1920.0, rel=1e-12)


def test_one_mscf_of_natural_gas_is_a_thousand_standard_cubic_feet() -> None:
    """1 Mscf of gas against a factor per Sm3: 1000 scf x 0.0282623 Sm3/scf x 2 kg/Sm3 = 56.52 kg
    (read as mega-scf it gave 1000 times as much)."""
    prov = {"source": "s", "edition": "1", "region": "GLO", "licence": "CC0-1.0", "boundary": "combustion"}
    gas = fp.EmissionFactor(id="gas", name="Gas", category="fuel", unit="Sm3", gases={"CO2": 2.0}, **prov)
    assert fp.emissions("1 Mscf", gas).kgco2e == pytest.approx(1000 * SCF_SM3 * 2.0, rel=1e-12)
    assert fp.emissions("1 MMscf", gas).kgco2e == pytest.approx(1e6 * SCF_SM3 * 2.0, rel=1e-12)
