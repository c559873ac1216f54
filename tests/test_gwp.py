"""GWP sets: literature values, names and aliases, completeness."""

from __future__ import annotations

import math

import numpy as np
import pytest

import footprint as fp
from footprint import GWPError, gases, gwp_set, gwp_sets

LITERATURE_GWPS = [
    # IPCC AR6 WGI (2021) Ch. 7, Table 7.15 (methane by origin) and Table 7.SM.7, GWP100
    ("AR6", "CO2", 1.0),
    ("AR6", "CH4_fossil", 29.8),
    ("AR6", "CH4_nonfossil", 27.0),
    ("AR6", "N2O", 273.0),
    ("AR6", "SF6", 25200.0),
    ("AR6", "HFC-134a", 1530.0),
    ("AR6", "CF4", 7380.0),
    ("AR6", "NF3", 17400.0),
    # IPCC AR6 WGI (2021) Table 7.15, GWP20
    ("AR6-GWP20", "CH4_fossil", 82.5),
    ("AR6-GWP20", "CH4_nonfossil", 79.7),
    # IPCC AR5 WGI (2013) Ch. 8, Table 8.A.1, GWP100 without climate-carbon feedbacks, CH4 28 for all methane:
    # the AR5 values of UNFCCC inventory reporting, the UK Government GHG Conversion Factors (DESNZ) and the
    # US EPA GHG Emission Factors Hub
    ("AR5", "CH4_nonfossil", 28.0),
    ("AR5", "CH4_fossil", 28.0),
    ("AR5", "N2O", 265.0),
    # the same table's fossil methane value (28 + 2 for the CO2 from its oxidation), as in the GHG Protocol's table
    ("AR5-fossil", "CH4_fossil", 30.0),
    ("AR5-fossil", "CH4_nonfossil", 28.0),
    ("AR5-fossil", "N2O", 265.0),
    ("AR5", "SF6", 23500.0),
    ("AR5", "HFC-134a", 1300.0),
    # IPCC AR4 WGI (2007) Ch. 2, Table 2.14, GWP100 (no split of methane by origin)
    ("AR4", "CH4_fossil", 25.0),
    ("AR4", "CH4_nonfossil", 25.0),
    ("AR4", "N2O", 298.0),
    ("AR4", "SF6", 22800.0),
    ("AR4", "HFC-134a", 1430.0),
]


@pytest.mark.parametrize(("name", "gas", "value"), LITERATURE_GWPS, ids=[f"{n}-{g}" for n, g, _ in LITERATURE_GWPS])
def test_gwp_matches_literature(name: str, gas: str, value: float) -> None:
    """Each GWP equals the value of the IPCC table named in the comment beside it."""
    assert gwp_set(name).values[gas] == pytest.approx(value, rel=1e-12)


def test_known_sets_and_default() -> None:
    """footprint bundles AR6, AR5, AR5-fossil, AR4 and AR6-GWP20, and AR6 GWP100 is the default."""
    assert {"AR6", "AR5", "AR5-fossil", "AR4", "AR6-GWP20"} <= set(gwp_sets())
    assert fp.DEFAULT_GWP_SET == "AR6"
    assert gwp_set().name == "AR6"


@pytest.mark.parametrize("name", ["AR7", "GWP100", "", "AR6-GWP500", "SAR"])
def test_unknown_set_raises_gwp_error(name: str) -> None:
    """An unknown GWP set name raises GWPError, which is also a ValueError, listing the known sets."""
    with pytest.raises(GWPError, match="unknown GWP set") as exc:
        gwp_set(name)
    assert isinstance(exc.value, ValueError)
    for known in gwp_sets():
        assert known in str(exc.value)


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        ("ar6", "AR6"),
        ("AR6GWP100", "AR6"),
        ("AR6-GWP100", "AR6"),
        (" ar6 ", "AR6"),
        ("AR5-GWP100", "AR5"),
        ("ar5gwp100", "AR5"),
        ("AR4-GWP100", "AR4"),
        ("ar6-gwp20", "AR6-GWP20"),
        ("ar5-fossil", "AR5-fossil"),
        ("AR5-FOSSIL", "AR5-fossil"),
        ("AR6GWP20", "AR6-GWP20"),
    ],
)
def test_aliases_resolve(alias: str, canonical: str) -> None:
    """Aliases and other cases of a set's name resolve to the same set as its canonical name."""
    resolved = gwp_set(alias)
    assert resolved.name == canonical
    assert dict(resolved.values) == dict(gwp_set(canonical).values)


@pytest.mark.parametrize("name", ["AR6", "AR5", "AR5-fossil", "AR4", "AR6-GWP20"])
def test_every_set_has_a_positive_finite_value_for_every_gas(name: str) -> None:
    """Every GWP set gives a positive finite GWP for exactly the gases footprint tracks (but biogenic CO2
    uptake, a removal)."""
    s = gwp_set(name)
    assert set(s.values) == set(gases())
    assert all(math.isfinite(v) and v > 0 for g, v in s.values.items() if g != "CO2_biogenic_uptake")


@pytest.mark.parametrize("name", ["AR6", "AR5", "AR4", "AR6-GWP20"])
def test_biogenic_co2_counts_minus_one_taken_up_and_plus_one_emitted(name: str) -> None:
    """EN 15804+A2's -1/+1 approach (6.3.5.2): biogenic CO2 uptake -1 per kg, biogenic and land-use-change
    CO2 +1 per kg, in every GWP set."""
    s = gwp_set(name)
    assert (s.values["CO2_biogenic_uptake"], s.values["CO2_biogenic"], s.values["CO2_luluc"]) == (-1, 1, 1)


@pytest.mark.parametrize("name", ["AR6", "AR5", "AR5-fossil", "AR4", "AR6-GWP20"])
def test_co2_is_one_in_every_set(name: str) -> None:
    """CO2 is the reference gas: its GWP is 1 (exactly) in every set."""
    assert gwp_set(name).values["CO2"] == 1.0


@pytest.mark.parametrize(
    ("name", "gas", "published"),
    [
        ("AR6", "CO2", 1.0),
        ("AR6", "CH4_fossil", 29.8),  # IPCC AR6 WGI Table 7.15
        ("AR6", "CH4_nonfossil", 27.0),  # IPCC AR6 WGI Table 7.15
        ("AR6", "N2O", 273.0),  # IPCC AR6 WGI Table 7.15
        ("AR6", "CF4", 7380.0),  # IPCC AR6 WGI Table 7.SM.7
        ("AR4", "CH4_fossil", 25.0),  # IPCC AR4 WGI Table 2.14
        ("AR4", "N2O", 298.0),  # IPCC AR4 WGI Table 2.14
        ("AR6-GWP20", "CH4_fossil", 82.5),  # IPCC AR6 WGI Table 7.15, GWP20
        ("AR5", "CH4_fossil", 28.0),  # IPCC AR5 WGI Table 8.A.1, one CH4 value as UNFCCC, DESNZ, US EPA report
        ("AR5-fossil", "CH4_fossil", 30.0),  # IPCC AR5 WGI Table 8.A.1, fossil methane
    ],
)
def test_vector_puts_each_published_gwp_at_its_gas(name: str, gas: str, published: float) -> None:
    """GWPSet.vector() is aligned with footprint.gases(): 1 kg of one gas, as a vector of gas masses, folds to
    that gas's published GWP."""
    mass = np.zeros(len(gases()))
    mass[gases().index(gas)] = 1.0
    assert float(mass @ gwp_set(name).vector()) == pytest.approx(published, rel=1e-12)


def test_sets_carry_label_and_source() -> None:
    """Each set names its IPCC report in its label and its source."""
    for name in ("AR6", "AR5", "AR5-fossil", "AR4", "AR6-GWP20"):
        s = gwp_set(name)
        assert s.label.startswith("IPCC ")
        assert s.source.startswith("IPCC ")


def test_values_cannot_be_changed() -> None:
    """A set's values are read-only, so no caller can change the GWPs of the cached set."""
    with pytest.raises(TypeError):
        gwp_set("AR6").values["CH4_fossil"] = 1.0  # type: ignore[index]
    assert gwp_set("AR6").values["CH4_fossil"] == 29.8  # AR6 WGI Table 7.15
