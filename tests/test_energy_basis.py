"""Heating-value basis: fuel factors per unit of energy say net (NCV/LHV) or gross (GCV/HHV), and an energy
activity must match the factor's basis, be converted with the factor's GCV/NCV ratio, or be refused."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

import footprint as fp
from footprint import UnitError

LIB = fp.default_library()
EPA_GAS = LIB["fuel.natural_gas.stationary.combustion.mmbtu.epa"]
IPCC_GAS = LIB["fuel.natural_gas.stationary.combustion.ipcc2006"]
WTT_NET = LIB["fuel.natural_gas.wtt.per_kwh_net.desnz2025"]
WTT_GROSS = LIB["fuel.natural_gas.wtt.per_kwh_gross.desnz2025"]
BTU_J = 1055.05585262  # international table Btu
PROV = {"source": "test", "edition": "1", "region": "GLO", "licence": "CC0-1.0", "boundary": "combustion"}


@pytest.mark.parametrize("factor", [EPA_GAS, IPCC_GAS, WTT_NET, WTT_GROSS], ids=lambda f: f.id)
@pytest.mark.parametrize("activity", ["1000 MJ", "1000 kWh", (1000.0, "GJ")])
def test_energy_without_a_basis_is_refused_by_a_fuel_factor(factor: fp.EmissionFactor, activity: Any) -> None:
    """A plain energy against a net or gross factor is refused, naming the factor's basis and how to state one.
    (Before, 1000 MJ of natural gas gave 50.3 kg on the EPA factor and 56.2 kg on the IPCC one, and both DESNZ
    rows accepted plain kWh.)"""
    with pytest.raises(UnitError) as exc:
        fp.emissions(activity, factor, gwp="AR5", prefolded="report")
    assert f"of {factor.energy_basis} energy" in str(exc.value)
    assert "net' or '" in str(exc.value)


def test_energy_on_the_factors_basis() -> None:
    """IPCC natural gas per TJ net: 1000 MJ net = 0.001 TJ x (56100 + 1 x 29.8 + 0.1 x 273 = 56157.1) = 56.1571 kg.
    EPA natural gas per mmBtu HHV: 1000 MJ gross = 1e9 / 1055.05585262e6 mmBtu x (53.06 + 0.001 x 29.8 + 0.0001 x
    273 = 53.1171) = 50.3453 kg (AR6)."""
    assert fp.emissions("1000 MJ net", IPCC_GAS).kgco2e == pytest.approx(56.1571, rel=1e-12)
    assert fp.emissions("1000 MJ NCV", IPCC_GAS).kgco2e == pytest.approx(56.1571, rel=1e-12)
    epa = 1e9 / (BTU_J * 1e6) * 53.1171
    assert fp.emissions("1000 MJ gross", EPA_GAS).kgco2e == pytest.approx(epa, rel=1e-12)
    assert fp.emissions((1000, "MJ (HHV)"), EPA_GAS).kgco2e == pytest.approx(epa, rel=1e-12)


@pytest.mark.parametrize(("activity", "factor"), [("1000 MJ gross", IPCC_GAS), ("1000 MJ net", EPA_GAS)])
def test_other_basis_without_a_ratio_is_refused(activity: str, factor: fp.EmissionFactor) -> None:
    """IPCC and EPA rows declare no GCV/NCV ratio: an energy on the other basis is refused, never guessed."""
    with pytest.raises(UnitError, match="declares no gcv_ncv_ratio"):
        fp.emissions(activity, factor)


def test_desnz_rows_convert_between_bases_with_their_ratio() -> None:
    """DESNZ 2025 natural gas WTT: 0.03347 kg CO2e per kWh net, 0.03021 per kWh gross (AR5, as published).
    On its own basis each row gives 1000 x its value; on the other, the ratio 0.03347 / 0.03021 (GCV/NCV)
    converts: 1000 kWh net = 1107.91 kWh gross x 0.03021 = 33.47 kg; 1000 kWh gross = 902.6 kWh net x 0.03347
    = 30.21 kg."""
    kw = {"gwp": "AR5"}
    assert fp.emissions("1000 kWh net", WTT_NET, **kw).kgco2e == pytest.approx(33.47, rel=1e-12)
    assert fp.emissions("1000 kWh gross", WTT_GROSS, **kw).kgco2e == pytest.approx(30.21, rel=1e-12)
    assert fp.emissions("1000 kWh net", WTT_GROSS, **kw).kgco2e == pytest.approx(33.47, rel=1e-9)
    assert fp.emissions("1000 kWh gross", WTT_NET, **kw).kgco2e == pytest.approx(30.21, rel=1e-9)
    conv = fp.emissions("1000 kWh net", WTT_GROSS, **kw).conversion
    assert conv.via == ("gcv_ncv_ratio=1.10791 (net -> gross)",)


def test_bundled_fuel_factors_state_the_basis_of_their_source() -> None:
    """IPCC 2006 factors per TJ are net (NCV), US EPA (emission factor hub and AP-42) per mmBtu gross (HHV),
    DESNZ as labelled (Net CV / Gross CV)."""
    per_energy = [f for f in LIB if f.category in ("fuel", "fuel-wtt") and f.unit in ("TJ", "mmBtu", "kWh")]
    assert per_energy
    for f in per_energy:
        if f.id.endswith(".ipcc2006"):
            assert f.energy_basis == "net", f.id
        elif f.id.endswith((".epa", ".ap42")):
            assert f.energy_basis == "gross", f.id
        else:
            assert f.energy_basis == ("net" if ".per_kwh_net." in f.id else "gross"), f.id
            assert f.gcv_ncv_ratio is not None, f.id


def test_mass_or_volume_bridged_with_the_ncv_is_net_energy() -> None:
    """Litres bridged with density and net calorific value meet a net factor; a gross factor cannot declare
    an NCV, and a gross energy cannot be bridged to mass with one."""
    assert fp.emissions("310 Sm3", IPCC_GAS).kgco2e > 0
    with pytest.raises(UnitError, match="net calorific value"):
        fp.emissions(
            "1000 MJ gross", LIB["fuel.diesel.stationary.combustion.ipcc2006"].model_copy(update={"unit": "kg"})
        )
    with pytest.raises(fp.InputError, match="net calorific value"):
        fp.EmissionFactor(
            id="g", name="g", category="fuel", unit="MJ", gases={"CO2": 0.05}, energy_basis="gross",
            net_calorific_value="48 MJ/kg", **PROV,
        )  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"unit": "MJ"}, "must state its heating-value basis"),
        ({"unit": "kg", "energy_basis": "net"}, "only a factor per unit of energy"),
        ({"unit": "MJ", "energy_basis": "net", "gcv_ncv_ratio": 0.9}, "greater than 1"),
        ({"unit": "MJ", "gcv_ncv_ratio": 1.1, "category": "process"}, "needs the factor's energy_basis"),
    ],
)
def test_factor_basis_rules(fields: dict[str, Any], message: str) -> None:
    """A fuel factor per energy needs a basis; a basis needs an energy unit; a ratio is above 1 and needs a basis."""
    data = {"id": "f", "name": "f", "category": "fuel", "gases": {"CO2": 0.05}, **PROV, **fields}
    with pytest.raises(fp.InputError, match=message):
        fp.EmissionFactor(**data)


def _boiler(quantity: str, **activity: Any) -> fp.Product:
    return fp.Product.model_validate(
        {
            "id": "boiler",
            "declared_unit": "1 piece",
            "service_life": "10 yr",
            "items": [
                {
                    "id": "boiler",
                    "activities": [{"factor": IPCC_GAS.id, "quantity": quantity, **activity}],
                }
            ],
        }
    )


def test_product_activity_states_its_basis() -> None:
    """In a product file the basis is part of the quantity: '1000 MJ net' gives 0.001 TJ x 56157.1 = 56.1571 kg;
    '1000 MJ' is refused with the activity's field named."""
    r = fp.calculate(_boiler("1000 MJ net"), LIB)
    assert r.total_kgco2e == pytest.approx(56.1571, rel=1e-12)
    with pytest.raises(fp.ProductError) as exc:
        fp.calculate(_boiler("1000 MJ"), LIB)
    (problem,) = exc.value.problems
    assert problem.field == "items[0].activities[0].factor"
    assert "heating-value basis" in problem.message


def test_power_with_a_basis_over_hours() -> None:
    """A burner of 0.01 kW net for 8766 h a year over 10 years: 0.01 x 8766 x 10 kWh = 876.6 kWh = 3155.76 MJ net
    = 0.00315576 TJ x 56157.1 = 177.2183... kg (AR6)."""
    r = fp.calculate(_boiler("0.01 kW net", hours_per_year=8766, per_year=True, module="B6"), LIB)
    assert r.total_kgco2e == pytest.approx(0.00315576 * 56157.1, rel=1e-12)


def test_a_basis_belongs_to_an_energy() -> None:
    """'12 kg net' is refused where it is read: a basis on a mass means nothing."""
    with pytest.raises(ValidationError, match="heating-value basis"):
        fp.Amount.model_validate("12 kg net")


def test_catalogue_activity_states_its_basis_in_the_unit_column() -> None:
    """A catalogue row '1000, MJ net' against the IPCC natural gas factor gives 0.001 TJ x 56157.1 = 56.1571 kg;
    '1000, MJ' is refused naming the unit column."""
    import pandas as pd

    products = pd.DataFrame({"product": ["P"], "supplier": ["S"]})
    bom = pd.DataFrame({"parent": [], "child": [], "quantity": []})

    def acts(unit: str) -> pd.DataFrame:
        return pd.DataFrame({"item": ["P"], "factor": [IPCC_GAS.id], "amount": [1000.0], "unit": [unit]})

    res = fp.calculate_catalogue(fp.prepare_catalogue(products, bom, acts("MJ net"), LIB))
    assert res.by_product.loc["P", "total_kgco2e"] == pytest.approx(56.1571, rel=1e-12)
    with pytest.raises(fp.ProductError) as exc:
        fp.prepare_catalogue(products, bom, acts("MJ"), LIB)
    assert exc.value.problems[0].field == "unit"
    assert "heating-value basis" in exc.value.problems[0].message
