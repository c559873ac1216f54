"""Laws of the lifecycle calculation, checked on generated BOM DAGs (hypothesis)."""

from __future__ import annotations

import copy
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import footprint as fp

PROV = {"source": "test", "edition": "1", "region": "GLO", "licence": "CC0-1.0", "boundary": "cradle-to-gate"}
LIB = fp.FactorLibrary(
    [
        fp.EmissionFactor(
            id="steel", name="s", category="material", unit="kg", gases={"CO2": 1.9, "CH4_fossil": 0.002}, **PROV
        ),
        fp.EmissionFactor(
            id="alu", name="a", category="material", unit="t", gases={"CO2": 8000.0, "CF4": 0.03}, **PROV
        ),
        fp.EmissionFactor(
            id="grid", name="g", category="electricity", unit="kWh", gases={"CO2": 0.03, "N2O": 1e-6}, **PROV
        ),
        fp.EmissionFactor(id="truck", name="t", category="freight", unit="t*km", gases={"CO2": 0.08}, **PROV),
        fp.EmissionFactor(id="recycle", name="r", category="waste", unit="kg", gases={"CO2": 0.005}, **PROV),
        fp.EmissionFactor(id="landfill", name="l", category="waste", unit="kg", gases={"CH4_nonfossil": 0.001}, **PROV),
    ],
    name="properties",
)

amount = st.floats(min_value=0.01, max_value=1000, allow_nan=False, allow_infinity=False)


@st.composite
def products(draw: st.DrawFn) -> dict[str, Any]:
    """A random product: a DAG over n items (edges only from lower to higher index, so no cycles),
    leaves made of steel or aluminium, some energy per item, transport, replacement and end of life."""
    n = draw(st.integers(min_value=2, max_value=10))
    items: list[dict[str, Any]] = []
    for i in range(n):
        later = list(range(i + 1, n))
        kids = draw(st.lists(st.sampled_from(later), unique=True, max_size=3)) if later else []
        if i == 0 and later and not kids:
            kids = [later[0]]
        item: dict[str, Any] = {"id": f"n{i}"}
        if kids:
            item["children"] = [{"item": f"n{k}", "quantity": draw(st.integers(1, 5))} for k in kids]
        else:
            item.update(kind="part", material=draw(st.sampled_from(["steel", "alu"])), net_mass=f"{draw(amount)!r} kg")
            if draw(st.booleans()):
                item["scrap_rate"] = draw(st.floats(0, 0.6))
        if draw(st.booleans()):
            item["activities"] = [{"factor": "grid", "quantity": f"{draw(amount)!r} kWh"}]
        items.append(item)
    # a leaf may have become a parent of nothing; every childless item must be a part
    return {
        "id": "p",
        "service_life": "20 yr",
        "items": items,
        "materials": [
            {"id": "steel", "factor": "steel", "recycled_content": 0.2, "end_of_life": "metal"},
            {"id": "alu", "factor": "alu", "end_of_life": "metal"},
        ],
        "transport": [{"module": "A2", "factor": "truck", "distance": f"{draw(amount)!r} km"}],
        "replacements": [{"item": f"n{n - 1}", "every": "6 yr"}] if draw(st.booleans()) else [],
        "end_of_life": [
            {
                "id": "metal",
                "routes": [
                    {"share": 0.75, "factor": "recycle", "recycled": True},
                    {"share": 0.25, "factor": "landfill"},
                ],
                "credit": {"virgin": "steel"},
            }
        ],
    }


def calc(data: dict[str, Any], **kw: Any) -> fp.FootprintResult:
    """Calculate a product given as plain data against the test library."""
    return fp.calculate(fp.Product.model_validate(data), LIB, **kw)


def same(a: fp.FootprintResult, b: fp.FootprintResult, scale: float = 1.0) -> None:
    """b equals scale x a in every total and module."""
    assert b.total_kgco2e == pytest.approx(scale * a.total_kgco2e, rel=1e-9, abs=1e-9)
    assert b.module_d_kgco2e == pytest.approx(scale * a.module_d_kgco2e, rel=1e-9, abs=1e-9)
    assert set(a.by_module) == set(b.by_module)
    for m, v in a.by_module.items():
        assert b.by_module[m] == pytest.approx(scale * v, rel=1e-9, abs=1e-9)


# --- an independent oracle -------------------------------------------------------------------------------
# The test library folded by hand under AR6 (IPCC AR6 WGI Table 7.SM.7: CH4 fossil 29.8, CH4 non-fossil 27.0,
# N2O 273, CF4 7380), per kg of material, kWh, t*km or kg of waste.
PER_KG = {"steel": 1.9 + 0.002 * 29.8, "alu": (8000.0 + 0.03 * 7380.0) / 1000.0}
GRID = 0.03 + 1e-6 * 273.0
TRUCK = 0.08
RECYCLE, LANDFILL = 0.005, 0.001 * 27.0


def qty(text: str) -> float:
    """The number of a quantity written as '<number> <unit>'."""
    return float(text.split(maxsplit=1)[0])


def oracle(data: dict[str, Any], k: float = 1.0) -> dict[str, float]:
    """A1, A2, A3, C3, C4 and the product mass of a generated product, computed a different way from the
    library: every path from the root enumerated one by one (no explosion by levels, no arrays), and the rules
    written out: gross = net / (1 - scrap rate); A1 = gross x material; A2 = gross input mass x distance x
    truck; A3 = energy x grid + scrap (75 % recycled, 25 % landfilled); C3/C4 = net mass recycled/landfilled.
    Replacements go to B4 and D, so these modules do not depend on them."""
    items = {it["id"]: it for it in data["items"]}
    count: dict[str, float] = dict.fromkeys(items, 0.0)

    def walk(node: str, mult: float) -> None:
        count[node] += mult
        for ch in items[node].get("children", []):
            walk(ch["item"], mult * float(ch["quantity"]))

    walk(data["items"][0]["id"], k)
    out = dict.fromkeys(("A1", "A2", "A3", "C3", "C4", "mass"), 0.0)
    gross_total = 0.0
    for nid, it in items.items():
        c = count[nid]
        for act in it.get("activities", []):
            out["A3"] += c * qty(act["quantity"]) * GRID
        if it.get("kind") != "part":
            continue
        net = qty(it["net_mass"])
        gross = net / (1.0 - it.get("scrap_rate", 0.0))
        gross_total += c * gross
        out["A1"] += c * gross * PER_KG[it["material"]]
        out["A3"] += c * (gross - net) * (0.75 * RECYCLE + 0.25 * LANDFILL)
        out["C3"] += c * net * 0.75 * RECYCLE
        out["C4"] += c * net * 0.25 * LANDFILL
        out["mass"] += c * net
    out["A2"] = gross_total / 1000.0 * qty(data["transport"][0]["distance"]) * TRUCK
    return out


def agrees(r: fp.FootprintResult, expected: dict[str, float]) -> None:
    """The result's modules and mass equal the oracle's (rel 1e-9)."""
    for m in ("A1", "A2", "A3", "C3", "C4"):
        assert r.by_module.get(m, 0.0) == pytest.approx(expected[m], rel=1e-9, abs=1e-9), m
    assert r.product_mass_kg == pytest.approx(expected["mass"], rel=1e-9, abs=1e-9)


@given(products())
def test_modules_agree_with_an_independent_path_enumeration(data: dict[str, Any]) -> None:
    """A1, A2, A3, C3, C4 and the mass equal the path-by-path oracle above, and the contribution rows add up
    to the oracle's modules (not only to the result's own total)."""
    r = calc(data)
    expected = oracle(data)
    agrees(r, expected)
    for m in ("A1", "A2", "A3", "C3", "C4"):
        rows = math.fsum(c.kgco2e for c in r.contributions if c.module == m)
        assert rows == pytest.approx(expected[m], rel=1e-9, abs=1e-9), m


@given(products(), st.floats(min_value=0.1, max_value=100))
def test_scaling_the_declared_quantity_scales_every_number(data: dict[str, Any], k: float) -> None:
    """k declared units give k times every module, gas and mass."""
    a, b = calc(data), calc(data, quantity=k)
    same(a, b, k)
    agrees(b, oracle(data, k))
    for g, v in a.gas_mass_kg.items():
        assert b.gas_mass_kg[g] == pytest.approx(k * v, rel=1e-9)
    assert b.product_mass_kg == pytest.approx(k * a.product_mass_kg, rel=1e-9)


@given(products(), st.data())
def test_splitting_a_bom_line_in_two_changes_nothing(data: dict[str, Any], pick: st.DataObject) -> None:
    """An edge of quantity q written as two lines q1 + q2 gives the same totals."""
    parents = [i for i, it in enumerate(data["items"]) if it.get("children")]
    i = pick.draw(st.sampled_from(parents))
    j = pick.draw(st.integers(0, len(data["items"][i]["children"]) - 1))
    split = copy.deepcopy(data)
    child = split["items"][i]["children"][j]
    q = float(child["quantity"])
    frac = pick.draw(st.floats(0.05, 0.95))
    child["quantity"] = q * frac
    split["items"][i]["children"].append({"item": child["item"], "quantity": q - q * frac})
    same(calc(data), calc(split))
    agrees(calc(split), oracle(data))


@given(products(), st.randoms(use_true_random=False))
def test_order_of_items_and_lines_does_not_matter(data: dict[str, Any], rnd: Any) -> None:
    """Shuffling items (root named explicitly) and the children of each item gives the same results."""
    shuffled = copy.deepcopy(data)
    shuffled["root"] = "n0"
    rnd.shuffle(shuffled["items"])
    for it in shuffled["items"]:
        if it.get("children"):
            rnd.shuffle(it["children"])
    a, b = calc(data), calc(shuffled)
    same(a, b)
    agrees(b, oracle(data))
    assert b.by_component == pytest.approx(a.by_component, rel=1e-9, abs=1e-9)


@given(products())
def test_equivalent_units_change_nothing(data: dict[str, Any]) -> None:
    """Masses in g or lb instead of kg, energy in MJ instead of kWh, distance in miles: same results."""
    other = copy.deepcopy(data)
    for it in other["items"]:
        if "net_mass" in it:
            kg = float(it["net_mass"].split()[0])
            it["net_mass"] = f"{kg / 0.45359237!r} lb"  # 1 lb = 0.45359237 kg exactly
        for act in it.get("activities", []):
            kwh = float(act["quantity"].split()[0])
            act["quantity"] = f"{kwh * 3.6!r} MJ"  # 1 kWh = 3.6 MJ
    km = float(other["transport"][0]["distance"].split()[0])
    other["transport"][0]["distance"] = f"{km / 1.609344!r} mi"  # 1 mi = 1.609344 km exactly
    same(calc(data), calc(other))
    agrees(calc(other), oracle(data))


@given(products())
def test_contributions_sum_to_the_totals(data: dict[str, Any]) -> None:
    """Contribution rows add up to the total (D rows to module D), and each breakdown adds up to the sum of
    the oracle's modules plus B4 (the only other module of these products)."""
    r = calc(data)
    expected = oracle(data)
    total = math.fsum(expected[m] for m in ("A1", "A2", "A3", "C3", "C4")) + r.by_module.get("B4", 0.0)
    assert math.fsum(c.kgco2e for c in r.contributions if c.module != "D") == pytest.approx(total, rel=1e-9, abs=1e-9)
    assert math.fsum(c.kgco2e for c in r.contributions if c.module == "D") == pytest.approx(
        r.module_d_kgco2e, rel=1e-12, abs=1e-12
    )
    for breakdown in (r.by_gas, r.by_material, r.by_factor, r.by_component, r.by_ghg_stage):
        assert math.fsum(breakdown.values()) == pytest.approx(total, rel=1e-9, abs=1e-9)


@given(products())
def test_result_json_round_trip_is_lossless(data: dict[str, Any]) -> None:
    """Result -> JSON -> result is the identity, and so is product -> JSON -> product."""
    product = fp.Product.model_validate(data)
    assert fp.Product.model_validate_json(product.model_dump_json()) == product
    r = fp.calculate(product, LIB)
    assert fp.FootprintResult.model_validate_json(r.model_dump_json()) == r
