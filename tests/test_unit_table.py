"""The unit table: what pint answers for the usual units, so that a command that meets only those never
imports pint. It must be pint's answer exactly, never go stale, and leave every other unit to pint."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from footprint import _unit_table, _unit_table_data
from footprint._factors import _conversion, bridged_conversion
from footprint._unit_table_gen import build_table
from footprint._units import conversion_by_pint, conversion_factor, dimension_of, parse_unit

ROOT = Path(__file__).resolve().parent.parent
_DIMS = _unit_table_data.DIMENSIONS
_PAIRS = sorted(_unit_table_data.CONVERSIONS)


def test_every_entry_of_the_table_is_what_pint_answers_today() -> None:
    """Rebuilt with pint from today's units.txt, unit rules and bundled factors, every entry the table holds is
    the same, float for float (== on floats is bit equality here: no NaN, no -0.0), and the table was built
    from today's units.txt (against another it is not used at all). A unit the table does not hold only
    goes to pint; ``python -m footprint._unit_table_gen`` adds those of new bundled factors."""
    dims, pairs, bridges = build_table()
    fix = "rebuild it: python -m footprint._unit_table_gen"
    assert _unit_table.units_txt_sha256() == _unit_table_data.UNITS_TXT_SHA256, fix
    assert {u: dims.get(u) for u in _DIMS} == _DIMS, fix
    assert {k: pairs.get(k) for k in _unit_table_data.CONVERSIONS} == _unit_table_data.CONVERSIONS, fix
    assert {k: bridges.get(k) for k in _unit_table_data.BRIDGES} == _unit_table_data.BRIDGES, fix


def test_the_table_holds_the_valves_units() -> None:
    """The valve example meets kg, t, L against a factor per TJ (bridged by density and net calorific value),
    Sm3, t*km and a power over hours ("(kW)*h"): all are in the table, so its calc needs no pint."""
    assert {"kg", "t", "L", "Sm3", "t*km", "(kW)*h", "nmi", "piece", "yr"} <= set(_DIMS)
    assert ("L", "TJ", "0.8299 kg/L", "43.0 MJ/kg") in _unit_table_data.BRIDGES


def test_dimensions_as_text_are_equal_exactly_when_pint_says_so() -> None:
    """Callers compare dimensionalities as text: two tabled units have the same text exactly when pint's
    dimensionalities are equal."""
    units = sorted(_DIMS)
    parsed = {u: parse_unit(u).dimensionality for u in units}
    for a in units:
        for b in units:
            assert (_DIMS[a] == _DIMS[b]) == (parsed[a] == parsed[b]), (a, b)


@given(st.sampled_from(_PAIRS))
def test_a_tabled_conversion_is_pints_and_inverts(pair: tuple[str, str]) -> None:
    """Law: through the table, a to b is the float pint computes, and a to b to a is one (to rounding)."""
    a, b = pair
    assert conversion_factor(a, b) == conversion_by_pint(a, b)
    assert conversion_factor(a, b) * conversion_factor(b, a) == pytest.approx(1.0, rel=1e-12)


def test_a_bridge_from_the_table_equals_pints() -> None:
    """A bridged conversion served by the table is the Conversion pint's path builds, multiplier and all."""
    key = ("L", "TJ", "0.8299 kg/L", "43.0 MJ/kg")
    assert _conversion(*key) == bridged_conversion(*key)
    assert _conversion(*key).multiplier == pytest.approx(0.8299 * 43.0 * 1e-6, rel=1e-15)  # L -> kg -> MJ -> TJ


def test_another_units_txt_turns_the_table_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """A table built from another units.txt is never served: every look-up then answers None (pint)."""
    monkeypatch.setattr(_unit_table, "units_txt_sha256", lambda: "0" * 64)
    _unit_table._table_holds.cache_clear()
    try:
        assert _unit_table.table_dimension("kg") is None
        assert _unit_table.table_conversion("t", "kg") is None
        assert _unit_table.table_bridge("L", "TJ", "0.8299 kg/L", "43.0 MJ/kg") is None
    finally:
        monkeypatch.undo()
        _unit_table._table_holds.cache_clear()
    assert _unit_table.table_dimension("kg") == "[mass]"


def _fresh(code: str) -> dict[str, object]:
    """Run ``code`` in a fresh interpreter; it prints one JSON line, returned."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def test_a_tabled_unit_needs_no_pint_and_another_is_read_by_pint() -> None:
    """t to kg comes from the table without importing pint; Mbbl (not in the table) is read by pint, with
    the same rules: 1 Mbbl = 1000 oil barrels of 42 US gallons of 3.785411784 L = 158,987.29 L."""
    code = (
        "import json, sys\nfrom footprint._units import conversion_factor, dimension_of\n"
        "a = conversion_factor('t', 'kg'), dimension_of('t*km'), 'pint' in sys.modules\n"
        "b = conversion_factor('Mbbl', 'L'), 'pint' in sys.modules\n"
        "print(json.dumps({'a': a, 'b': b}))"
    )
    got = _fresh(code)
    assert got["a"] == [1000.0, "[mass] * [length]", False]
    assert got["b"] == [pytest.approx(1000 * 42 * 3.785411784), True]


def test_a_bad_unit_is_refused_as_before() -> None:
    """The table only answers for units pint reads: an unknown unit is still refused, naming it."""
    with pytest.raises(ValueError, match="furlong_per_fortnight"):
        dimension_of("furlong_per_fortnight")
