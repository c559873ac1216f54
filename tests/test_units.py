"""Units: footprint's own pint registry, conversions within each unit family, refused conversions."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap

import pint
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import UNIT_FAMILIES, positive_floats, unit_pairs

import footprint as fp
from footprint import ForeignQuantityError, IncompatibleUnitsError, UnitError, conversion_factor
from footprint._units import ensure_own_quantity, parse_unit

# Exact definitions used below:
#   1 lb = 0.45359237 kg exactly (international pound, 1959 international yard and pound agreement)
#   1 in = 2.54 cm exactly (international inch, 1959); 1 ft = 12 in = 0.3048 m; 1 mi = 5280 ft = 1609.344 m
#   1 nmi = 1852 m exactly (international nautical mile)
#   1 US gal = 231 in3 = 231 x 2.54**3 cm3 = 3.785411784 L exactly; 1 bbl = 42 US gal = 158.987294928 L
#   1 imperial gallon = 4.54609 L exactly (UK Weights and Measures Act 1985)
#   1 Btu (international table, ISO 31-4) = 1055.05585262 J; 1 mmBtu = 1e6 Btu = 1.05505585262 GJ;
#   1 therm = 1e5 Btu = 105.505585262 MJ
#   1 toe = 41.868 GJ (IEA/OECD tonne of oil equivalent = 10 Gcal_IT = 10 x 4.1868 GJ)
#   1 Wh = 1 W x 3600 s = 3600 J
#   1 Julian year = 365.25 d = 8766 h
LB_KG = 0.45359237
FT_M = 0.3048
US_GAL_L = 231 * 2.54**3 / 1000  # 231 in3 x 16.387064 cm3/in3 = 3785.411784 cm3 = 3.785411784 L
BTU_J = 1055.05585262

EXACT_CONVERSIONS = [
    # mass
    ("kg", "g", 1000.0),  # SI prefix kilo = 1e3
    ("t", "kg", 1000.0),  # 1 tonne = 1000 kg
    ("lb", "kg", 0.45359237),  # international pound (1959)
    ("oz", "kg", LB_KG / 16),  # 1 oz = 1/16 lb = 0.028349523125 kg
    ("oz", "g", 28.349523125),  # 0.45359237 kg / 16 = 28.349523125 g
    ("short_ton", "kg", 907.18474),  # 2000 lb x 0.45359237 kg/lb = 907.18474 kg
    ("short_ton", "t", 0.90718474),  # 907.18474 kg / 1000
    ("long_ton", "kg", 1016.0469088),  # 2240 lb x 0.45359237 kg/lb = 1016.0469088 kg
    # energy
    ("Wh", "J", 3600.0),  # 1 W x 3600 s
    ("kWh", "MJ", 3.6),  # 1000 Wh x 3600 J = 3.6e6 J
    ("MWh", "GJ", 3.6),  # 1e6 Wh x 3600 J = 3.6e9 J
    ("GJ", "MJ", 1000.0),  # SI prefixes
    ("TJ", "GJ", 1000.0),  # SI prefixes
    ("TJ", "MJ", 1e6),  # SI prefixes
    ("Btu", "J", 1055.05585262),  # international table Btu
    ("mmBtu", "GJ", 1.05505585262),  # 1e6 x 1055.05585262 J
    ("therm", "MJ", 105.505585262),  # 1e5 x 1055.05585262 J
    ("mmBtu", "therm", 10.0),  # 1e6 Btu / 1e5 Btu
    ("toe", "GJ", 41.868),  # IEA tonne of oil equivalent
    ("toe", "MWh", 41.868 / 3.6),  # 41.868 GJ / 3.6 GJ per MWh = 11.63 MWh
    ("kWh", "Btu", 3.6e6 / BTU_J),  # 3.6e6 J / 1055.05585262 J per Btu = 3412.14... Btu
    # volume
    ("L", "m3", 0.001),  # 1 L = 1 dm3 = 1e-3 m3
    ("m3", "L", 1000.0),  # 1 m3 = 1000 dm3
    ("US_gallon", "L", 3.785411784),  # 231 in3
    ("bbl", "L", 158.987294928),  # 42 US gal x 3.785411784 L
    ("bbl", "US_gallon", 42.0),  # oil barrel
    ("imperial_gallon", "L", 4.54609),  # UK Weights and Measures Act 1985
    ("imperial_gallon", "US_gallon", 4.54609 / US_GAL_L),  # 4.54609 L / 3.785411784 L = 1.20095...
    ("cuft", "m3", 0.028316846592),  # 0.3048**3 m3
    ("m3", "cuft", 1 / FT_M**3),  # 1 / 0.028316846592 = 35.3146...
    # gas at reference conditions: an ideal gas at equal pressure holds T_std/T_ref as many moles per volume.
    ("Sm3", "Sm3", 1.0),  # identity
    ("Nm3", "Sm3", 288.15 / 273.15),  # 0 degC (273.15 K) vs 15 degC (288.15 K), both 101.325 kPa
    # 1 scf = 1 ft3 at 60 degF = (60 + 459.67) x 5/9 K = 288.705555... K, taken at 101.325 kPa (14.696 psia)
    ("scf", "Sm3", 0.028316846592 * 288.15 / ((60 + 459.67) * 5 / 9)),
    # length
    ("km", "m", 1000.0),  # SI prefix
    ("mi", "m", 1609.344),  # 5280 ft x 0.3048 m
    ("mi", "km", 1.609344),  # 1609.344 m / 1000
    ("nmi", "m", 1852.0),  # international nautical mile
    ("ft", "m", 0.3048),  # 12 in x 2.54 cm
    ("in", "m", 0.0254),  # 2.54 cm
    ("yd", "m", 0.9144),  # 3 ft x 0.3048 m
    # area
    ("km2", "m2", 1e6),  # (1000 m)**2
    ("ha", "m2", 1e4),  # hectare = 100 m x 100 m
    ("ft2", "m2", 0.09290304),  # 0.3048**2 m2
    ("km²", "ha", 100.0),  # 1e6 m2 / 1e4 m2, superscript spelling
    # count
    ("pcs", "piece", 1.0),  # aliases of the piece
    ("ea", "piece", 1.0),
    ("PCE", "pcs", 1.0),  # ERP spelling of piece (SAP unit PCE)
    # transport work
    ("t*km", "tkm", 1.0),  # tonne kilometre
    ("tonne.km", "t*km", 1.0),  # DESNZ spelling
    ("t·km", "t*km", 1.0),  # middle-dot spelling
    ("kg*km", "tkm", 0.001),  # 1 kg x 1 km = 0.001 t x 1 km
    ("kg*mi", "t*km", 0.001609344),  # 0.001 t x 1.609344 km
    ("t*mi", "tkm", 1.609344),  # 1 t x 1.609344 km
    # time
    ("h", "s", 3600.0),  # 60 min x 60 s
    ("d", "h", 24.0),  # day
    ("yr", "d", 365.25),  # Julian year
    ("yr", "h", 8766.0),  # 365.25 d x 24 h
    # currency: a prefix within one currency only
    ("MNOK", "NOK", 1e6),  # mega = 1e6
    ("kNOK", "NOK", 1e3),  # kilo = 1e3
]


@pytest.mark.parametrize(
    ("src", "dst", "expected"), EXACT_CONVERSIONS, ids=[f"{a}->{b}" for a, b, _ in EXACT_CONVERSIONS]
)
def test_conversion_matches_exact_definition(src: str, dst: str, expected: float) -> None:
    """conversion_factor reproduces the exact definition of each unit (see the comments beside the table)."""
    assert conversion_factor(src, dst) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("src", "dst", "expected"), EXACT_CONVERSIONS, ids=[f"{a}->{b}" for a, b, _ in EXACT_CONVERSIONS]
)
def test_quantity_to_matches_exact_definition(src: str, dst: str, expected: float) -> None:
    """Q_(2.5, src).to(dst) gives 2.5 times the definition's factor (same table as above)."""
    assert fp.Q_(2.5, src).to(parse_unit(dst)).magnitude == pytest.approx(2.5 * expected, rel=1e-12)


REFUSED = [
    ("piece", "kg"),  # a count is no mass
    ("piece", "dimensionless"),  # a count is no bare number
    ("EUR", "USD"),  # no exchange rate is implied
    ("NOK", "EUR"),
    ("MNOK", "USD"),
    ("L", "kg"),  # no density without a factor that declares one
    ("Sm3", "m3"),  # gas at standard conditions is an amount, not a geometric volume
    ("Nm3", "L"),
    ("kWh", "kg"),  # no calorific value implied
    ("t*km", "kg"),  # transport work is no mass
    ("t*km", "km"),
    ("yr", "kg"),
    ("yr", "piece"),
]


@pytest.mark.parametrize(("src", "dst"), REFUSED, ids=[f"{a}->{b}" for a, b in REFUSED])
def test_refused_conversion_raises(src: str, dst: str) -> None:
    """Units of different dimensions never convert, and the error names both units."""
    with pytest.raises(IncompatibleUnitsError) as exc:
        conversion_factor(src, dst)
    assert repr(src) in str(exc.value)
    assert repr(dst) in str(exc.value)


@pytest.mark.parametrize(("src", "dst"), REFUSED[:4], ids=[f"{a}->{b}" for a, b in REFUSED[:4]])
def test_refused_conversion_is_a_unit_error_and_value_error(src: str, dst: str) -> None:
    """IncompatibleUnitsError is caught by ``except UnitError`` and by ``except ValueError``."""
    with pytest.raises(UnitError):
        conversion_factor(src, dst)
    with pytest.raises(ValueError, match="cannot convert"):
        conversion_factor(src, dst)


@pytest.mark.parametrize("unit", ["foo", "kgg", "Mwh", "tonnes_km", "kWhh"])
def test_unknown_unit_raises_unit_error_naming_it(unit: str) -> None:
    """An unknown unit raises UnitError whose message names the unit as given."""
    with pytest.raises(UnitError, match=re.escape(repr(unit))):
        parse_unit(unit)
    with pytest.raises(UnitError, match=re.escape(repr(unit))):
        conversion_factor(unit, "kg")
    with pytest.raises(UnitError, match=re.escape(repr(unit))):
        fp.Q_(1.0, unit)


@pytest.mark.parametrize("unit", ["", "   ", "3 kg"])
def test_empty_or_numeric_unit_is_refused(unit: str) -> None:
    """An empty unit, or a unit that carries a number, is a UnitError."""
    with pytest.raises(UnitError):
        parse_unit(unit)


def test_unit_spellings_of_erp_and_government_tables_parse_to_the_same_unit() -> None:
    """'tonne.km', 't·km' and 't*km' are one unit; 'm3' and 'm³' are the cubic metre."""
    assert parse_unit("tonne.km") == parse_unit("t*km") == parse_unit("t·km")
    assert parse_unit("m3") == parse_unit("m³") == parse_unit("m**3")


def test_q_builds_quantities_in_footprints_registry() -> None:
    """Q_ reads a value with a unit, or a quantity written as text, into footprint's own registry."""
    q = fp.Q_(3.5, "kWh")
    assert q._REGISTRY is fp.unit_registry()
    assert q.to(parse_unit("MJ")).magnitude == pytest.approx(3.5 * 3.6, rel=1e-12)  # 3.5 kWh x 3.6 MJ/kWh = 12.6 MJ
    text = fp.Q_("12.5 kg")
    assert text.magnitude == 12.5
    assert text.units == parse_unit("kg")
    assert fp.Q_("0.84 kg/L").to(parse_unit("kg/m3")).magnitude == pytest.approx(840.0, rel=1e-12)  # 0.84 x 1000 L/m3
    assert ensure_own_quantity(q) is q
    # an own quantity with a unit converts: 3.5 kWh = 12.6 MJ
    assert fp.Q_(q, "MJ").magnitude == pytest.approx(12.6, rel=1e-12)


@pytest.fixture(scope="module")
def foreign_registry() -> pint.UnitRegistry:
    """A pint registry that is not footprint's."""
    return pint.UnitRegistry()


def test_foreign_quantity_is_refused_by_ensure_own_quantity(foreign_registry: pint.UnitRegistry) -> None:
    """A quantity made by another pint registry raises ForeignQuantityError, which is also a TypeError."""
    q = foreign_registry.Quantity(1000, "liter")
    with pytest.raises(ForeignQuantityError, match="another pint registry"):
        ensure_own_quantity(q)
    with pytest.raises(TypeError):
        ensure_own_quantity(q)


def test_foreign_quantity_is_refused_by_emissions(foreign_registry: pint.UnitRegistry) -> None:
    """footprint.emissions refuses an activity quantity from a foreign registry instead of converting it."""
    factor = fp.default_library()["fuel.diesel.stationary.combustion.ipcc2006"]
    with pytest.raises(ForeignQuantityError):
        fp.emissions(foreign_registry.Quantity(1000, "liter"), factor)
    with pytest.raises(TypeError):
        fp.emissions(foreign_registry.Quantity(1000, "liter"), factor)


def test_foreign_unit_is_refused_by_parse_unit(foreign_registry: pint.UnitRegistry) -> None:
    """A pint Unit from a foreign registry is refused by parse_unit with ForeignQuantityError."""
    with pytest.raises(ForeignQuantityError, match="another pint registry"):
        parse_unit(foreign_registry.Unit("kg"))


@pytest.mark.parametrize("form", ["unit", "quantity"])
def test_foreign_unit_or_quantity_is_refused_by_q(foreign_registry: pint.UnitRegistry, form: str) -> None:
    """Q_ refuses a foreign pint Unit, or a foreign Quantity, with ForeignQuantityError as parse_unit does."""
    foreign = foreign_registry.Unit("Btu") if form == "unit" else foreign_registry.Quantity(1.0, "Btu")
    args = (1.0, foreign) if form == "unit" else (foreign,)
    with pytest.raises(ForeignQuantityError):
        fp.Q_(*args)


def test_ensure_own_quantity_refuses_non_quantities() -> None:
    """ensure_own_quantity raises UnitError for a plain number or text."""
    with pytest.raises(UnitError):
        ensure_own_quantity(1000.0)
    with pytest.raises(UnitError):
        ensure_own_quantity("1000 L")


def test_importing_footprint_does_not_install_its_registry_in_pint() -> None:
    """In a fresh interpreter, importing footprint and building its registry leaves pint's application registry alone."""
    code = textwrap.dedent(
        """
        import pint
        import footprint
        own = footprint.unit_registry()
        app = pint.get_application_registry()
        assert app is not own
        assert app.get() is not own
        # footprint's units did not leak into pint's default registry: it has no standard cubic metre.
        try:
            app.Quantity(1, "Sm3")
        except pint.errors.UndefinedUnitError:
            pass
        else:
            raise AssertionError("Sm3 is known to pint's application registry")
        print("ok")
        """
    )
    out = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_registry_is_not_the_application_registry_in_this_process() -> None:
    """After import in the test process too, pint's application registry is not footprint's registry."""
    assert pint.get_application_registry() is not fp.unit_registry()
    assert pint.get_application_registry().get() is not fp.unit_registry()


@given(units=unit_pairs(2), value=positive_floats)
def test_round_trip_returns_the_value(units: tuple[str, str], value: float) -> None:
    """Converting a positive value from unit a to b and back to a returns it (rel 1e-12)."""
    a, b = units
    there = value * conversion_factor(a, b)
    back = there * conversion_factor(b, a)
    assert back == pytest.approx(value, rel=1e-12)


@given(units=unit_pairs(3))
def test_conversion_factors_compose(units: tuple[str, str, str]) -> None:
    """Within a family, conversion_factor(a, c) == conversion_factor(a, b) * conversion_factor(b, c) (rel 1e-12)."""
    a, b, c = units
    assert conversion_factor(a, c) == pytest.approx(conversion_factor(a, b) * conversion_factor(b, c), rel=1e-12)


@given(family=st.sampled_from(sorted(UNIT_FAMILIES)), data=st.data())
def test_units_of_different_families_never_convert(family: str, data: st.DataObject) -> None:
    """A unit of one family never converts into a unit of another family."""
    other = data.draw(st.sampled_from(sorted(set(UNIT_FAMILIES) - {family})))
    a = data.draw(st.sampled_from(UNIT_FAMILIES[family]))
    b = data.draw(st.sampled_from(UNIT_FAMILIES[other]))
    with pytest.raises(IncompatibleUnitsError):
        conversion_factor(a, b)


def test_every_family_member_converts_to_the_first() -> None:
    """Each unit of a family converts to the family's first unit with a positive finite factor."""
    for units in UNIT_FAMILIES.values():
        for u in units:
            f = conversion_factor(u, units[0])
            assert 0 < f < float("inf"), (u, units[0], f)
