"""Ship SO2 from the fuel's sulphur content: the EMEP/EEA guidebook's 1.A.3.d Tier 1 formula, SO2 = 20 x S kg per
tonne of fuel (S in % by mass; 2 kg SO2 per kg S, 64.07 / 32.07 g/mol), reproduced to the guidebook's rounding."""

from __future__ import annotations

import math

import pytest

import footprint as fp


def test_two_kg_of_so2_per_kg_of_sulphur_is_the_molar_mass_ratio_rounded() -> None:
    """SO2 64.066 g/mol over S 32.06 g/mol (IUPAC standard atomic weights) = 1.998, which the guidebook rounds to 2."""
    assert round((32.06 + 2 * 15.999) / 32.06, 1) == 2.0


@pytest.mark.parametrize(("sulphur", "kg_per_t"), [(0.5, 10.0), (0.1, 2.0), (2.7, 54.0), (0.0, 0.0)])
def test_so2_is_twenty_times_the_sulphur_percent(sulphur: float, kg_per_t: float) -> None:
    """0.50 % (MARPOL global limit) -> 10 kg/t, 0.10 % (ECA limit) -> 2 kg/t, 2.7 % (a pre-2020 HFO) -> 54 kg/t."""
    factor = fp.ship_so2_factor(sulphur)
    assert factor.gases == {"SO2": pytest.approx(kg_per_t, rel=1e-15, abs=0)}
    assert factor.unit == "t"
    assert factor.licence == "EEA-reuse"


@pytest.mark.parametrize("sulphur", [0.5, 0.1])
def test_the_bundled_rows_are_the_formula_at_the_marpol_limits(sulphur: float) -> None:
    """The bundled air.ship.so2 rows hold exactly what the function gives for the same sulphur content."""
    made = fp.ship_so2_factor(sulphur)
    bundled = fp.default_library().get(made.id)
    assert bundled.gases == made.gases
    assert not (set(bundled.gases) & set(fp.gases()))  # SO2 only: nothing counted twice in GWP


def test_a_voyage_on_marine_gas_oil_in_an_eca() -> None:
    """120 t of MGO at 0.10 % S with the guidebook's other MDO/MGO pollutants: 240 kg SO2, and NOx 120 x 78.5 =
    9,420 kg; GWP is the fuel row's alone."""
    product = fp.Product.model_validate({"id": "v", "name": "v", "items": [{"id": "v"}], "activities": [
        {"factor": ["fuel.diesel.marine.combustion.ipcc2006", "air.ship.marine_diesel_oil.emep2023",
                    "air.ship.so2.sulphur_0_1pct.emep2023"], "quantity": "120 t", "module": "A4"}]})  # fmt: skip
    res = fp.calculate(product)
    assert res.inventory_kg["SO2"] == pytest.approx(240.0, rel=1e-12)
    assert res.inventory_kg["NOx"] == pytest.approx(9420.0, rel=1e-12)
    fuel_only = fp.Product.model_validate({"id": "v", "name": "v", "items": [{"id": "v"}], "activities": [
        {"factor": "fuel.diesel.marine.combustion.ipcc2006", "quantity": "120 t", "module": "A4"}]})  # fmt: skip
    assert res.total_kgco2e == fp.calculate(fuel_only).total_kgco2e


@pytest.mark.parametrize("bad", [-0.1, 45.0, math.nan, math.inf, "0.5", True, None])
def test_a_sulphur_content_that_cannot_be_used_is_refused_by_name(bad: object) -> None:
    """Negative, above 4.5 % (45 for 0.45), not finite, or not a number: ShipSulphurError naming the field."""
    with pytest.raises(fp.ShipSulphurError) as err:
        fp.ship_so2_factor(bad)  # type: ignore[arg-type]
    assert "sulphur_percent" in str(err.value)
