"""Lifecycle rules, each named and checked on a small case derived by hand, and two more worked examples
derived module by module: a product with A4, B2, B4, B6, C1-C4 and a supplier's declared footprint, and a
catalogue of three products with A4.

Factors are round numbers of CO2 only, so that AR6 folding is the identity and every figure can be checked
with pencil and paper.
"""

from __future__ import annotations

import copy
import math
from typing import Any

import pandas as pd
import pytest

import footprint as fp
from footprint._units import split_quantity

PROV = {"source": "test", "edition": "1", "region": "GLO", "licence": "CC0-1.0", "boundary": "cradle-to-gate"}


def factor(fid: str, category: str, unit: str, co2: float, **extra: Any) -> fp.EmissionFactor:
    """A CO2-only test factor."""
    return fp.EmissionFactor(id=fid, name=fid, category=category, unit=unit, gases={"CO2": co2}, **PROV, **extra)


LIB = fp.FactorLibrary(
    [
        factor("steel", "material", "kg", 2.0),
        factor("lube", "material", "kg", 1.5),
        factor("grid", "electricity", "kWh", 0.1),
        factor("heat", "fuel", "MJ", 0.07, energy_basis="net"),
        factor("truck", "freight", "t*km", 0.1),
        factor("recycling", "waste", "kg", 0.01),
        factor("landfill", "waste", "kg", 0.02),
        # a supplier's declared end-of-life modules of its motor, per piece (see the worked example)
        factor("motor.declared.c3", "waste", "piece", 4.0),
        factor("motor.declared.c4", "waste", "piece", 1.0),
    ],
    name="rules",
)

METAL = {"id": "metal", "routes": [{"share": 0.9, "factor": "recycling", "recycled": True},
                                   {"share": 0.1, "factor": "landfill"}]}  # fmt: skip


def calc(data: dict[str, Any]) -> fp.FootprintResult:
    """Calculate a product given as plain data against the rules library (AR6)."""
    return fp.calculate(fp.Product.model_validate(data), LIB)


# --- rules that one mutation of the code each broke unnoticed ---------------------------------------------


def test_scrap_rate_raises_the_purchased_mass() -> None:
    """Rule: a part with net mass m and scrap rate s is bought as m / (1 - s). 80 kg net at 20 % scrap is
    100 kg purchased: A1 = 100 x 2.0 = 200; the 20 kg of scrap go through the scrap route (A3):
    20 x (0.9 x 0.01 + 0.1 x 0.02) = 0.22."""
    r = calc({"id": "p", "items": [{"id": "p", "kind": "part", "material": "steel", "net_mass": "80 kg",
                                    "scrap_rate": 0.2}],
              "materials": [{"id": "steel", "factor": "steel", "end_of_life": "metal"}], "end_of_life": [METAL]})  # fmt: skip
    assert r.by_module["A1"] == pytest.approx(200.0, rel=1e-12)
    assert r.by_module["A3"] == pytest.approx(0.22, rel=1e-12)
    assert r.product_mass_kg == pytest.approx(80.0, rel=1e-12)


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [("1e-3 kg", 0.001, "kg"), ("2.5E-2 t", 0.025, "t"), ("-4e-1 kg", -0.4, "kg"), ("3e+2 kWh", 300.0, "kWh")],
)
def test_quantities_keep_the_sign_of_their_exponent(text: str, value: float, unit: str) -> None:
    """Rule: '1e-3 kg' is a thousandth of a kilogram (the exponent's sign is part of the number)."""
    assert split_quantity(text) == (pytest.approx(value, rel=1e-15), unit)


def test_a_negative_exponent_reaches_the_footprint() -> None:
    """A part of '5e-1 t' weighs 500 kg: A1 = 500 x 2.0 = 1000 (1e-3 read as 1e3 would give 2e6)."""
    r = calc({"id": "p", "items": [{"id": "p", "kind": "part", "material": "steel", "net_mass": "5e-1 t"}],
              "materials": [{"id": "steel", "factor": "steel"}]})  # fmt: skip
    assert r.by_module["A1"] == pytest.approx(1000.0, rel=1e-12)


def test_a_replaced_part_does_not_bring_its_use_phase_into_b4() -> None:
    """Rule: B4 carries the replacements' production and end of life, not their use: the product's B6 already
    counts the use of whichever pump is installed. Life 10 yr, pump replaced every 4 yr: ceil(10 / 4) - 1 = 2
    replacements. Pump: 10 kg steel (20) + 5 kWh assembly (0.5) = 20.5 per pump, so B4 = 2 x 20.5 = 41;
    its use 30 kWh/yr x 10 yr x 0.1 = 30 is B6, once."""
    r = calc({
        "id": "skid", "service_life": "10 yr",
        "items": [{"id": "skid", "children": [{"item": "pump"}]},
                  {"id": "pump", "children": [{"item": "casing"}],
                   "activities": [{"factor": "grid", "quantity": "5 kWh"},
                                  {"factor": "grid", "quantity": "30 kWh", "per_year": True}]},
                  {"id": "casing", "kind": "part", "material": "steel", "net_mass": "10 kg"}],
        "materials": [{"id": "steel", "factor": "steel"}],
        "replacements": [{"item": "pump", "every": "4 yr"}],
    })  # fmt: skip
    assert r.by_module["B6"] == pytest.approx(30.0, rel=1e-12)
    assert r.by_module["B4"] == pytest.approx(41.0, rel=1e-12)
    assert r.by_module["A1"] + r.by_module["A3"] == pytest.approx(20.5, rel=1e-12)


# --- worked example: a compressor through its whole life ------------------------------------------------

COMPRESSOR: dict[str, Any] = {
    "id": "compressor",
    "declared_unit": "1 piece",
    "service_life": "12 yr",
    "items": [
        {
            "id": "compressor",
            "children": [{"item": "frame"}, {"item": "motor"}],
            "activities": [
                {"factor": "grid", "quantity": "200 kWh"},
                {"name": "lubricant top-up", "factor": "lube", "quantity": "2 kg", "per_year": True},
                {"name": "dismantling", "factor": "heat", "quantity": "500 MJ net", "module": "C1"},
            ],
        },
        {"id": "frame", "kind": "part", "material": "steel", "net_mass": "400 kg", "scrap_rate": 0.2},
        {
            "id": "motor",
            "kind": "component",
            "mass": "50 kg",
            "declared_footprint": {
                "kgco2e": 300,
                "gwp_set": "AR6",
                "source": "motor maker's PCF, A1-A3",
                "supplier": "Motor AS",
            },
            "activities": [
                {"factor": "motor.declared.c3", "quantity": "1 piece", "module": "C3", "primary": True},
                {"factor": "motor.declared.c4", "quantity": "1 piece", "module": "C4", "primary": True},
                {"factor": "grid", "quantity": "100 kWh", "per_year": True},
            ],
        },
    ],
    "materials": [{"id": "steel", "factor": "steel", "end_of_life": "metal"}],
    "transport": [
        {"module": "A2", "factor": "truck", "distance": "100 km"},
        {"module": "A4", "factor": "truck", "distance": "300 km"},
    ],
    "replacements": [{"item": "motor", "every": "5 yr"}],
    "end_of_life": [{**METAL, "transport": [{"factor": "truck", "distance": "100 km"}]}],
}


def test_worked_example_compressor_module_by_module() -> None:
    """A compressor (life 12 yr): a 400 kg steel frame at 20 % scrap and a bought-in 50 kg motor whose maker
    declares a cradle-to-gate footprint (300 kg CO2e) and, by module, its end of life (C3 4, C4 1 kg CO2e per
    motor). Here the declared end-of-life values enter as the motor's C3/C4 activities against factors of those
    values; the next test gives the same footprint as a cradle-to-grave PCF by module.

    A1 = frame 400 / (1 - 0.2) = 500 kg x 2.0 = 1000 + motor PCF 300 = 1300
    A2 = inputs 500 + 50 = 550 kg = 0.55 t x 100 km x 0.1 = 5.5
    A3 = 200 kWh x 0.1 = 20 + scrap 100 kg x (0.9 x 0.01 + 0.1 x 0.02) = 1.1 -> 21.1
    A4 = product 400 + 50 = 450 kg = 0.45 t x 300 km x 0.1 = 13.5
    B2 = lubricant 2 kg/yr x 12 yr x 1.5 = 36
    B6 = the motor's 100 kWh/yr x 12 yr x 0.1 = 120 (once, whichever motor is installed)
    B4 = motor replaced ceil(12 / 5) - 1 = 2 times: production and end of life 2 x (300 + 4 + 1) = 610
    C1 = 500 MJ x 0.07 = 35
    C2 = frame 400 kg = 0.4 t x 100 km x 0.1 = 4
    C3 = 0.9 x 400 x 0.01 = 3.6 + motor 4 = 7.6;  C4 = 0.1 x 400 x 0.02 = 0.8 + motor 1 = 1.8
    """
    r = calc(COMPRESSOR)
    expected = {"A1": 1300.0, "A2": 5.5, "A3": 21.1, "A4": 13.5, "B2": 36.0, "B6": 120.0, "C1": 35.0,
                "C2": 4.0, "C3": 7.6, "C4": 1.8}  # fmt: skip
    assert set(r.by_module) == {*expected, "B4"}
    for module, value in expected.items():
        assert r.by_module[module] == pytest.approx(value, rel=1e-12), module
    b4_not_transport = math.fsum(c.kgco2e for c in r.contributions if c.module == "B4" and c.kind != "transport")
    assert b4_not_transport == pytest.approx(610.0, rel=1e-12)
    assert r.total_kgco2e - r.by_module["B4"] == pytest.approx(1544.5, rel=1e-12)  # the modules above
    assert r.cradle_to_gate_kgco2e == pytest.approx(1300.0 + 5.5 + 21.1, rel=1e-12)
    assert r.module_d_kgco2e == 0.0
    assert r.product_mass_kg == pytest.approx(450.0, rel=1e-12)


def test_worked_example_compressor_b4_carries_the_replacements_transport() -> None:
    """B4 as documented: production, transport and end of life of the replacement motors. Each motor (50 kg)
    travels the A2 leg (0.05 t x 100 km x 0.1 = 0.5) and the A4 leg (0.05 t x 300 km x 0.1 = 1.5):
    B4 = 2 x (305 + 0.5 + 1.5) = 614."""
    assert calc(COMPRESSOR).by_module["B4"] == pytest.approx(614.0, rel=1e-12)


def test_worked_example_compressor_with_a_cradle_to_grave_pcf_by_module() -> None:
    """The same compressor with the motor maker's footprint given cradle to grave, by module: A1-A3 300, C3 4,
    C4 1 (kgco2e 305). Its A1-A3 go into the compressor's A1 and its C3/C4 into the compressor's C3/C4, so
    every module is the one derived above; the replaced motors carry all three into B4: 2 x 305 = 610."""
    data = copy.deepcopy(COMPRESSOR)
    motor = data["items"][2]
    motor["declared_footprint"] = {"kgco2e": 305, "gwp_set": "AR6", "source": "motor maker's PCF, cradle to grave",
                                   "boundary": "cradle-to-grave", "modules": {"A1-A3": 300, "C3": 4, "C4": 1}}  # fmt: skip
    motor["activities"] = [a for a in motor["activities"] if a.get("per_year")]
    r = calc(data)
    expected = {"A1": 1300.0, "A2": 5.5, "A3": 21.1, "A4": 13.5, "B2": 36.0, "B6": 120.0, "C1": 35.0,
                "C2": 4.0, "C3": 7.6, "C4": 1.8}  # fmt: skip
    for module, value in expected.items():
        assert r.by_module[module] == pytest.approx(value, rel=1e-12), module
    b4_not_transport = math.fsum(c.kgco2e for c in r.contributions if c.module == "B4" and c.kind != "transport")
    assert b4_not_transport == pytest.approx(610.0, rel=1e-12)


# --- worked example: a catalogue of three products with A4 ----------------------------------------------


def catalogue() -> fp.CatalogueResult:
    """Two valves of supplier S1 and a power unit of S2; a stud kit (8 studs of 500 g) shared by all three."""
    products = pd.DataFrame({"product": ["V1", "V2", "H1"], "supplier": ["S1", "S1", "S2"],
                             "family": ["valves", "valves", "power units"]})  # fmt: skip
    bom = pd.DataFrame({"parent": ["V1", "V1", "V2", "V2", "H1", "H1", "KIT"],
                        "child": ["BODY", "KIT", "BODY", "KIT", "SKID", "KIT", "STUD"],
                        "quantity": [1.0, 1.0, 2.0, 2.0, 1.0, 4.0, 8.0]})  # fmt: skip
    activities = pd.DataFrame(
        {
            "item": ["BODY", "STUD", "SKID", "V1", "V2", "V1", "V2", "H1", "H1"],
            "factor": ["steel", "steel", "steel", "grid", "grid", "truck", "truck", "truck", "truck"],
            "amount": [100.0, 500.0, 0.3, 50.0, 20.0, 2000.0, 5.0, 12.0, 1.0],
            "unit": ["kg", "g", "t", "kWh", "kWh", "kg*km", "t*km", "t*km", "t*km"],
            "module": ["", "", "", "", "", "A4", "A4", "A4", ""],
        }
    )
    return fp.calculate_catalogue(fp.prepare_catalogue(products, bom, activities, LIB))


def test_worked_example_catalogue_with_a4() -> None:
    """Kit: 8 x 0.5 kg = 4 kg of steel = 8 kg CO2e.
    V1: body 100 kg x 2.0 = 200 + kit 8 = A1 208; A3 50 kWh x 0.1 = 5; A4 2000 kg*km = 2 t*km x 0.1 = 0.2.
        Cradle to gate 213, total 213.2.
    V2: 2 bodies 400 + 2 kits 16 = A1 416; A3 20 x 0.1 = 2; A4 5 x 0.1 = 0.5. Cradle to gate 418, total 418.5.
    H1: skid 0.3 t = 300 kg x 2.0 = 600 + 4 kits 32 = A1 632; A2 (freight without a module) 1 x 0.1 = 0.1;
        A4 12 x 0.1 = 1.2. Cradle to gate 632.1, total 633.3.
    S1 = V1 + V2: total 631.7, cradle to gate 631; S2 = H1; cluster total 1265.0, cradle to gate 1263.1."""
    r = catalogue()
    bp = r.by_product
    expected = {
        "V1": {"A1": 208.0, "A3": 5.0, "A4": 0.2, "cradle_to_gate_kgco2e": 213.0, "total_kgco2e": 213.2},
        "V2": {"A1": 416.0, "A3": 2.0, "A4": 0.5, "cradle_to_gate_kgco2e": 418.0, "total_kgco2e": 418.5},
        "H1": {"A1": 632.0, "A2": 0.1, "A4": 1.2, "cradle_to_gate_kgco2e": 632.1, "total_kgco2e": 633.3},
    }
    for product, cols in expected.items():
        for col, value in cols.items():
            assert bp.loc[product, col] == pytest.approx(value, rel=1e-12), (product, col)
    assert bp.loc["V1", "A2"] == 0.0
    assert r.by_supplier.loc["S1", "total_kgco2e"] == pytest.approx(631.7, rel=1e-12)
    assert r.by_supplier.loc["S1", "cradle_to_gate_kgco2e"] == pytest.approx(631.0, rel=1e-12)
    assert r.by_supplier.loc["S2", "cradle_to_gate_kgco2e"] == pytest.approx(632.1, rel=1e-12)
    assert r.cluster["total_kgco2e"].iloc[0] == pytest.approx(1265.0, rel=1e-12)
    assert r.cluster["cradle_to_gate_kgco2e"].iloc[0] == pytest.approx(1263.1, rel=1e-12)
    assert r.cluster["A4"].iloc[0] == pytest.approx(1.9, rel=1e-12)
