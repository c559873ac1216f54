"""Paint as a material: the mass a coat takes from its film thickness, volume solids, density and transfer
efficiency, and the refusal of bad coats. Every number is derived by hand in the docstrings."""

from __future__ import annotations

import math
import runpy
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import footprint as fp

COATING = "material.coating.epoxy-pu.proxy.desnz2025"  # 3172.49932 kg CO2e per tonne of paint (DESNZ 2025, AR5)
PRIMER = {"name": "zinc epoxy primer", "dft": "60 um", "volume_solids": 0.53, "density": "2.21 kg/L"}


def test_a_coat_is_film_over_volume_solids_times_density_over_transfer_efficiency() -> None:
    """18 m2 x 60 um = 1.08 L of dry film; / 0.53 volume solids = 2.037736 L of paint; x 2.21 kg/L = 4.503396 kg on
    the part; / 0.6 transfer efficiency = 7.505660 kg bought, an A1 activity in kg on the factor given."""
    (act,) = fp.paint_activities("18 m2", [PRIMER], COATING, transfer_efficiency=0.6)
    assert act.quantity.value == pytest.approx(18 * 60e-6 / 0.53 * 2210 / 0.6, rel=1e-12)
    assert act.quantity.value == pytest.approx(7.505660, rel=1e-6)
    assert (act.quantity.unit, act.module, act.factor) == ("kg", "A1", COATING)
    assert "zinc epoxy primer" in (act.name or "")


def test_coats_are_one_activity_each_and_units_are_converted_once() -> None:
    """Two coats over 200 ft2 (18.580608 m2): the primer as above (18.580608 x 60e-6 / 0.53 x 2210 / 0.8 =
    5.810822 kg) and a 0.075 mm topcoat of 0.6 volume solids at 1.4 g/cm3 (18.580608 x 75e-6 / 0.6 x 1400 / 0.8 =
    4.064508 kg); a coat without a name is named by its place."""
    top = {"dft": "0.075 mm", "volume_solids": 0.6, "density": "1.4 g/cm3"}
    primer, topcoat = fp.paint_activities("200 ft2", [PRIMER, top], COATING, transfer_efficiency=0.8)
    assert primer.quantity.value == pytest.approx(18.580608 * 60e-6 / 0.53 * 2210 / 0.8, rel=1e-9)
    assert topcoat.quantity.value == pytest.approx(18.580608 * 75e-6 / 0.6 * 1400 / 0.8, rel=1e-9)
    assert topcoat.quantity.value == pytest.approx(4.064508, rel=1e-6)
    assert primer.quantity.value == pytest.approx(5.810822, rel=1e-6)
    assert "coat 2" in (topcoat.name or "")


def test_every_bad_field_is_named_at_once() -> None:
    """An area that is a mass, a transfer efficiency above 1, a coat's film that is a mass, volume solids given in
    per cent (53), a density that is no quantity, a coat that is no mapping, a coat missing its density, an unknown
    key and no factor: nine problems in one error, each naming its field."""
    coats = [
        {"dft": "60 kg", "volume_solids": 53, "density": "x"},
        3,
        {"dft": "60 um", "volume_solids": 0.5, "colour": "grey"},
    ]
    with pytest.raises(fp.InputError) as info:
        fp.paint_activities("18 kg", coats, "", transfer_efficiency=1.5)  # type: ignore[list-item]
    fields = [p.field for p in info.value.problems]
    assert fields == [
        "area",
        "transfer_efficiency",
        "coats[0].dft",
        "coats[0].volume_solids",
        "coats[0].density",
        "coats[1]",
        "coats[2].colour",
        "coats[2].density",
        "factor",
    ]


@pytest.mark.parametrize(
    ("area", "coats", "efficiency", "field"),
    [
        ("0 m2", [PRIMER], 0.6, "area"),
        ("18 m2", [], 0.6, "coats"),
        ("18 m2", "coat", 0.6, "coats"),
        ("18 m2", [PRIMER], 0, "transfer_efficiency"),
        ("18 m2", [PRIMER], True, "transfer_efficiency"),
        ("18 m2", [{**PRIMER, "volume_solids": 0}], 0.6, "coats[0].volume_solids"),
        ("18 m2", [{**PRIMER, "dft": "-60 um"}], 0.6, "coats[0].dft"),
        ("18 m2", [{**PRIMER, "density": "nan kg/L"}], 0.6, "coats[0].density"),
    ],
)
def test_zero_negative_empty_and_boolean_inputs_are_refused(
    area: str, coats: object, efficiency: object, field: str
) -> None:
    """No zero area, empty list of coats, zero or boolean share, negative film or non-finite density passes."""
    with pytest.raises(fp.InputError) as info:
        fp.paint_activities(area, coats, COATING, transfer_efficiency=efficiency)  # type: ignore[arg-type]
    assert [p.field for p in info.value.problems] == [field]


def test_the_coated_example_paint_by_hand() -> None:
    """examples/fabrication_coated.py: the primer's 7.505660 kg (above) x 3.17249932 kg CO2e/kg (DESNZ coating proxy)
    = 23.811702 kg CO2e in A1, beside the body's and frame's steel."""
    scope = runpy.run_path(str(Path(__file__).resolve().parent.parent / "examples" / "fabrication_coated.py"))
    rows = [c for c in scope["result"].contributions if c.factor_id == COATING]
    assert sum(c.kgco2e for c in rows) == pytest.approx(23.811702, rel=1e-6)
    assert {c.module for c in rows} == {"A1"}


def test_a_key_that_is_not_a_string_is_named_not_a_traceback() -> None:
    """A coat mapping with a numeric key (a spreadsheet column number) is an unknown key, reported by name."""
    with pytest.raises(fp.InputError) as info:
        fp.paint_activities("18 m2", [{**PRIMER, 3: "x"}], COATING, transfer_efficiency=0.6)  # type: ignore[dict-item]
    assert [p.field for p in info.value.problems] == ["coats[0].3"]


def test_huge_and_overflowing_inputs_are_named_not_a_traceback() -> None:
    """A transfer efficiency of 10**400 (an int no float holds) is a share outside (0, 1], not an OverflowError;
    a film of 1e308 m over 18 m2 gives 18 x 1e308 / 0.53 x 2210 kg, past a float's 1.8e308: the coat is named,
    not the Activity the number would have gone into; a name that is a list is refused, not printed as a list."""
    with pytest.raises(fp.InputError) as huge:
        fp.paint_activities("18 m2", [PRIMER], COATING, transfer_efficiency=10**400)
    assert [p.field for p in huge.value.problems] == ["transfer_efficiency"]
    with pytest.raises(fp.InputError, match="paint activities") as overflow:
        fp.paint_activities("18 m2", [PRIMER, {**PRIMER, "dft": "1e308 m"}], COATING, transfer_efficiency=0.6)
    assert [p.field for p in overflow.value.problems] == ["coats[1]"]
    with pytest.raises(fp.InputError) as name:
        fp.paint_activities("18 m2", [{**PRIMER, "name": ["a"]}], COATING, transfer_efficiency=0.6)
    assert [p.field for p in name.value.problems] == ["coats[0].name"]


_ANY = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(),
    st.text(max_size=12),
    st.sampled_from(["18 m2", "60 um", "2.21 kg/L", "-1 m2", "nan um", "1e308 m", "1e-320 kg/L", "5 kg"]),
    st.lists(st.integers(), max_size=2),
)


@settings(max_examples=300, deadline=None)
@given(area=_ANY, dft=_ANY, solids=_ANY, density=_ANY, name=_ANY, efficiency=_ANY)
def test_any_input_gives_finite_activities_or_a_named_input_error(
    area: object, dft: object, solids: object, density: object, name: object, efficiency: object
) -> None:
    """Law: whatever the types and values (None, booleans, huge or negative numbers, NaN, inf, text, lists), the
    call returns activities of a finite positive mass in kg or raises InputError whose every problem names a
    field; never another exception."""
    coat = {"dft": dft, "volume_solids": solids, "density": density, "name": name}
    acts: list[fp.Activity] = []
    problems: list[fp.Problem] = []
    try:
        acts = fp.paint_activities(area, [coat], COATING, transfer_efficiency=efficiency)  # type: ignore[arg-type]
    except fp.InputError as exc:
        problems = list(exc.problems)
    assert bool(acts) != bool(problems)
    assert all(p.field for p in problems)
    assert all(math.isfinite(a.quantity.value) and a.quantity.value > 0 for a in acts)
