"""Hypothesis strategies shared by footprint's tests."""

from __future__ import annotations

from hypothesis import strategies as st

from footprint import gases

#: Units that measure the same dimension, so that any two of a family convert into each other.
UNIT_FAMILIES: dict[str, tuple[str, ...]] = {
    "mass": ("g", "kg", "t", "lb", "oz", "short_ton", "long_ton"),
    "energy": ("J", "Wh", "kWh", "MWh", "MJ", "GJ", "TJ", "Btu", "mmBtu", "therm", "toe"),
    "volume": ("L", "m3", "US_gallon", "bbl", "imperial_gallon", "cuft"),
    "standard_gas_volume": ("Sm3", "Nm3", "scf"),
    "length": ("m", "km", "mi", "nmi", "ft", "in", "yd"),
    "area": ("m2", "km2", "ha", "ft2"),
    "count": ("piece", "pcs", "ea"),
    "transport": ("t*km", "tkm", "tonne.km", "t·km", "kg*mi", "kg*km"),
    "time": ("s", "min", "h", "d", "wk", "yr"),
    "currency_NOK": ("NOK", "kNOK", "MNOK"),
}

#: Amounts that stay far from overflow and from subnormal floats, where relative precision is lost.
positive_floats = st.floats(min_value=1e-6, max_value=1e9, allow_nan=False, allow_infinity=False)

#: Non-negative masses of a gas per unit of activity; 0 exactly or a normal float.
gas_amounts = st.one_of(st.just(0.0), st.floats(min_value=1e-6, max_value=1e6, allow_nan=False, allow_infinity=False))

#: Per-gas factor values, kg of each gas per unit, for a random subset of footprint's gases.
gas_dicts = st.dictionaries(st.sampled_from(gases()), gas_amounts, min_size=1)

#: A vector of GWP weights, one per gas, as a dict (a stand-in GWP set).
gwp_weights = st.fixed_dictionaries(
    {g: st.one_of(st.just(0.0), st.floats(min_value=1e-3, max_value=1e5, allow_nan=False)) for g in gases()}
)

#: Scalar coefficients of a linear combination of GWP weight vectors.
coefficients = st.one_of(
    st.just(0.0), st.floats(min_value=1e-6, max_value=100.0, allow_nan=False, allow_infinity=False)
)


@st.composite
def unit_pairs(draw: st.DrawFn, n: int = 2) -> tuple[str, ...]:
    """``n`` units (not necessarily distinct) drawn from one random unit family."""
    family = draw(st.sampled_from(sorted(UNIT_FAMILIES)))
    return tuple(draw(st.sampled_from(UNIT_FAMILIES[family])) for _ in range(n))
