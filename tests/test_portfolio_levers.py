"""Levers over a catalogue (product, family, supplier and catalogue scopes on the catalogue's arrays) and over a
supply chain of product files (a supplier's change flowing into the products that buy it), over one unit of
each product and over a period's deliveries; checked by hand and against the ordinary calculation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from lever_support import factor, lever

import footprint as fp
from footprint.cli import main

ROOT = Path(__file__).resolve().parent.parent

LIB = fp.FactorLibrary(
    [
        factor("steel", "kg", 2.0), factor("steel-eaf", "kg", 0.7), factor("steel-t", "t", 2000.0),
        factor("grid", "kWh", 0.4, "electricity"), factor("green", "kWh", 0.02, "electricity"),
        factor("truck", "t*km", 0.1, "freight"), factor("ship", "t*km", 0.015, "freight"),
    ]
)  # fmt: skip

# P1 (S1, F1) = 2 A + 50 kWh; P2 (S1, F2) = A + B; P3 (S2, F1) = 3 B + 200 t km by truck (A4).
# A = 10 kg steel; B = 5 kg steel + 100 kWh. Totals: P1 = 2 x 20 + 20 = 60, P2 = 20 + 10 + 40 = 70,
# P3 = 3 x (10 + 40) + 20 = 170; one unit of each: 300 kg CO2e.
PRODUCTS = pd.DataFrame({"product": ["P1", "P2", "P3"], "supplier": ["S1", "S1", "S2"], "family": ["F1", "F2", "F1"]})
BOM = pd.DataFrame({"parent": ["P1", "P2", "P2", "P3"], "child": ["A", "A", "B", "B"], "quantity": [2, 1, 1, 3]})
ACTS = pd.DataFrame(
    {
        "item": ["A", "B", "B", "P1", "P3"],
        "factor": ["steel", "steel", "grid", "grid", "truck"],
        "amount": [10, 5, 100, 50, 200],
        "unit": ["kg", "kg", "kWh", "kWh", "t*km"],
        "module": ["", "", "", "", "A4"],
    }
)
CAT = fp.prepare_catalogue(PRODUCTS, BOM, ACTS.replace("", None), LIB)


EAF = {"kind": "substitute_factor", "from": "steel", "to": "steel-eaf"}
GREEN = {"kind": "energy_supply", "from": "grid", "to": "green"}


def cat_row(*levers: fp.Lever, **kw: Any) -> dict[str, Any]:
    res = fp.evaluate_catalogue_levers(CAT, list(levers), combine="all", iterations=50, **kw)
    return next(r for r in res.rows if r["levers"] == [lv.name for lv in levers])


SCOPES = [
    ({}, 50 * 1.3),  # 20 + 15 + 15 kg of steel x (2.0 - 0.7)
    ({"catalogue": True}, 50 * 1.3),
    ({"product": "P1"}, 20 * 1.3),
    ({"family": "F1"}, 35 * 1.3),  # P1 20 kg + P3 15 kg
    ({"supplier": "S1"}, 35 * 1.3),  # P1 20 kg + P2 15 kg
    ({"supplier": "S2"}, 15 * 1.3),
    ({"items": ["B"]}, 20 * 1.3),  # B in P2 (5 kg) and P3 (15 kg)
    ({"family": "F1", "items": ["B"]}, 15 * 1.3),
]


@pytest.mark.parametrize(("scope", "expected"), SCOPES, ids=[json.dumps(s) for s, _ in SCOPES])
def test_each_catalogue_scope_by_hand(scope: dict[str, Any], expected: float) -> None:
    """EAF steel over each scope: the steel kg the scope covers (derived in the comments) x 1.3 kg CO2e/kg."""
    row = cat_row(lever(**EAF, scope=scope))
    assert row["saving_kgco2e"] == pytest.approx(expected, rel=1e-12)
    assert row["saving_share"] == pytest.approx(expected / 300.0, rel=1e-12)


def test_catalogue_baseline_and_each_kind_against_the_ordinary_calculation() -> None:
    """The baseline is calculate_catalogue's cluster total (300 by hand). Each kind on the whole catalogue
    equals the catalogue with its activities edited, calculated the ordinary way."""
    base = fp.calculate_catalogue(CAT)
    res = fp.evaluate_catalogue_levers(CAT, [lever(**EAF)], iterations=5)
    assert res.baseline_kgco2e == pytest.approx(300.0, rel=1e-12)
    assert res.baseline_kgco2e == pytest.approx(float(base.cluster["total_kgco2e"].iloc[0]), rel=1e-12)
    cases = [
        (lever(**EAF), ACTS.assign(factor=ACTS.factor.replace("steel", "steel-eaf"))),
        (lever(kind="substitute_factor", **{"from": "steel", "to": "steel-t"}),  # kg -> t, same value per kg
         ACTS.assign(factor=ACTS.factor.replace("steel", "steel-t"))),
        (lever(**GREEN), ACTS.assign(factor=ACTS.factor.replace("grid", "green"))),
        (lever(kind="scale_quantity", target="activity", scale=0.7, **{"from": "grid"}),
         ACTS.assign(amount=np.where(ACTS.factor == "grid", ACTS.amount * 0.7, ACTS.amount))),
        (lever(kind="transport", to="ship", scale=2.0), ACTS.assign(
            factor=ACTS.factor.replace("truck", "ship"), amount=np.where(ACTS.factor == "truck", 400, ACTS.amount))),
        (lever(kind="recycled_content", **{"from": "steel", "to": "steel-eaf"}, fraction=0.25),
         pd.concat([ACTS.assign(amount=np.where(ACTS.factor == "steel", ACTS.amount * 0.75, ACTS.amount)),
                    ACTS[ACTS.factor == "steel"].assign(factor="steel-eaf", amount=lambda d: d.amount * 0.25)])),
    ]  # fmt: skip
    for lv, edited in cases:
        ordinary = fp.calculate_catalogue(fp.prepare_catalogue(PRODUCTS, BOM, edited.replace("", None), LIB))
        expected = float(base.cluster["total_kgco2e"].iloc[0] - ordinary.cluster["total_kgco2e"].iloc[0])
        row = fp.evaluate_catalogue_levers(CAT, [lv], iterations=5).rows[0]
        assert row["saving_kgco2e"] == pytest.approx(expected, rel=1e-12), lv.kind


def test_interacting_catalogue_levers_by_hand() -> None:
    """450 kWh on the grid (P1 50, P2 100, P3 3 x 100): half of it saves 90, green supply 450 x 0.38 = 171,
    both 180 - 225 x 0.02 = 175.5 (not 261). Levers apply in the order given: after green supply no row uses
    the grid any more, so a scaling of grid energy changes nothing (171)."""
    less = lever(name="less", kind="scale_quantity", target="activity", scale=0.5, **{"from": "grid"})
    green = lever(name="green", **GREEN)
    assert cat_row(less)["saving_kgco2e"] == pytest.approx(90.0, rel=1e-12)
    assert cat_row(green)["saving_kgco2e"] == pytest.approx(171.0, rel=1e-12)
    assert cat_row(less, green)["saving_kgco2e"] == pytest.approx(175.5, rel=1e-12)
    assert cat_row(green, less)["saving_kgco2e"] == pytest.approx(171.0, rel=1e-12)


def test_a_chain_of_substitutions_in_a_combination_sees_the_first_rows() -> None:
    """Product Q = A (10 kg steel) + C (0.001 t of steel-t): steel -> steel-t, then steel-t -> EAF steel turns
    all 11 kg into EAF steel, saving 11 x 1.3 = 14.3 (the second lever alone: C's 1 kg, 1.3)."""
    acts = pd.DataFrame({"item": ["A", "C"], "factor": ["steel", "steel-t"], "amount": [10, 0.001],
                         "unit": ["kg", "t"]})  # fmt: skip
    cat = fp.prepare_catalogue(pd.DataFrame({"product": ["Q"]}), pd.DataFrame(
        {"parent": ["Q", "Q"], "child": ["A", "C"], "quantity": [1, 1]}), acts, LIB)  # fmt: skip
    a = lever(name="a", kind="substitute_factor", **{"from": "steel", "to": "steel-t"})
    b = lever(name="b", kind="substitute_factor", **{"from": "steel-t", "to": "steel-eaf"})
    rows = {r["name"]: r for r in fp.evaluate_catalogue_levers(cat, [a, b], combine="all", iterations=5).rows}
    assert rows["b"]["saving_kgco2e"] == pytest.approx(1.3, rel=1e-12)
    assert rows["a + b"]["saving_kgco2e"] == pytest.approx(14.3, rel=1e-12)


def test_catalogue_module_scope_by_supplier_and_cost() -> None:
    """Truck -> ship in A4 only: 200 t km x 0.085 = 17, all at S2. Cost 10 EUR per unit of P3 (one unit):
    10 EUR / 0.017 t = 588.2 EUR/t."""
    row = cat_row(lever(kind="transport", to="ship", scope={"modules": ["A4"]},
                        cost={"currency": "EUR", "per_unit": 10}))  # fmt: skip
    assert row["saving_kgco2e"] == pytest.approx(17.0, rel=1e-12)
    assert row["saving_by_supplier"] == pytest.approx({"S2": 17.0}, rel=1e-12)
    assert row["saving_by_module"] == pytest.approx({"A4": 17.0}, rel=1e-12)
    assert row["cost_per_tco2e"] == pytest.approx(10.0 / 0.017, rel=1e-12)


DELIVERIES = pd.DataFrame(
    {
        "product": ["P1", "P3", "P3", "P2"],
        "period": ["2025", "2025", "2025", "2024"],
        "quantity": [10, 4, 2, 7],
        "customer": ["operator", "S1", "export", "operator"],
    }
)


def test_catalogue_savings_over_a_periods_deliveries() -> None:
    """2025: P1 10 units out, P3 4 to S1 (inside the cluster: in S1's products) and 2 out. EAF steel saves 26
    per P1 and 19.5 per P3: net 10 x 26 + 2 x 19.5 = 299; gross per supplier S1 260, S2 6 x 19.5 = 117.
    Baseline net: 10 x 60 + 2 x 170 = 940. In 2024 only P2 (7 x 19.5 = 136.5)."""
    row = cat_row(lever(**EAF), deliveries=DELIVERIES, period="2025")
    assert row["saving_kgco2e"] == pytest.approx(299.0, rel=1e-12)
    assert row["saving_by_supplier"] == pytest.approx({"S1": 260.0, "S2": 117.0}, rel=1e-12)
    res = fp.evaluate_catalogue_levers(CAT, [lever(**EAF)], iterations=5, deliveries=DELIVERIES)
    assert res.baseline_kgco2e == pytest.approx(940.0, rel=1e-12)
    assert "2025" in res.basis
    assert cat_row(lever(**EAF), deliveries=DELIVERIES, period="2024")["saving_kgco2e"] == pytest.approx(136.5)
    with pytest.raises(fp.LeverError, match="no deliveries in that period"):
        cat_row(lever(**EAF), deliveries=DELIVERIES, period="2019")
    with pytest.raises(fp.DeliveryError):
        cat_row(lever(**EAF), deliveries=DELIVERIES.assign(product=["P1", "P9", "P3", "P2"]))


@settings(max_examples=20, deadline=None)
@given(st.floats(min_value=0.0, max_value=3.0, allow_nan=False), st.sampled_from(["S1", "S2", None]))
def test_catalogue_laws(s: float, supplier: str | None) -> None:
    """Scale 1 saves exactly 0 (every sample too); the saving is linear in the scale (450 kWh x 0.4 = 180 at
    full scope; S1 150 kWh = 60, S2 300 kWh = 120); a factor lowered without spread saves in every iteration."""
    scope = {"supplier": supplier} if supplier else {}
    full = {"S1": 60.0, "S2": 120.0, None: 180.0}[supplier]
    same = cat_row(lever(kind="scale_quantity", target="activity", scale=1.0, scope=scope))
    assert same["saving_kgco2e"] == 0.0
    assert same["saving_p5"] == same["saving_p95"] == 0.0
    row = cat_row(lever(kind="scale_quantity", target="activity", scale=s, **{"from": "grid"}, scope=scope))
    assert row["saving_kgco2e"] == pytest.approx((1 - s) * full, rel=1e-9, abs=1e-9)
    assert cat_row(lever(**EAF, scope=scope))["p_saving_positive"] == 1.0


@settings(max_examples=20, deadline=None)
@given(st.integers(min_value=-8, max_value=8))
def test_catalogue_scaling_and_its_inverse_restore_the_baseline_bit_for_bit(k: int) -> None:
    """Grid energy x 2^k, then x 2^-k (exact in binary): the scenario total is the baseline's, bit for bit."""
    a = lever(name="a", kind="scale_quantity", target="activity", scale=2.0**k, **{"from": "grid"})
    b = lever(name="b", kind="scale_quantity", target="activity", scale=2.0**-k, **{"from": "grid"})
    res = fp.evaluate_catalogue_levers(CAT, [a, b], combine="all", iterations=2)
    row = next(r for r in res.rows if r["name"] == "a + b")
    assert row["saving_kgco2e"] == 0.0
    assert row["scenario_kgco2e"] == res.baseline_kgco2e


BAD = [
    ({**EAF, "scope": {"family": "pumps"}}, "scope.family", "unknown family"),
    ({**EAF, "scope": {"supplier": "Nobody AS"}}, "scope.supplier", "unknown supplier"),
    ({**EAF, "scope": {"product": "P9"}}, "scope.product", "unknown product"),
    ({**EAF, "scope": {"items": ["Z"]}}, "scope.items", "unknown item"),
    ({**EAF, "scope": {"modules": ["Z9"]}}, "scope.modules", "unknown module"),
    ({**EAF, "scope": {"materials": ["steel"]}}, "scope.materials", "no materials"),
    ({"kind": "substitute_factor", "from": "steel", "to": "nope"}, "to", "unknown factor"),
    ({"kind": "substitute_factor", "from": "steel", "to": "grid"}, "to", "does not meet"),
    ({**EAF, "scope": {"product": "P1", "modules": ["A4"]}}, "from", "not used in the lever's scope"),
    ({"kind": "service_life", "service_life": "25 yr"}, "kind", "needs product files"),
    ({"kind": "scale_quantity", "target": "mass", "scale": 0.9}, "kind", "needs product files"),
]  # fmt: skip


@pytest.mark.parametrize(("spec", "field", "message"), BAD, ids=[b[2] for b in BAD])
def test_bad_catalogue_levers_are_named_errors(spec: dict[str, Any], field: str, message: str) -> None:
    """Each problem a LeverError naming the lever and the field."""
    with pytest.raises(fp.LeverError, match=message) as err:
        fp.evaluate_catalogue_levers(CAT, [lever(**spec)], iterations=2)
    assert err.value.problems[0].field == f"lever 'x'.{field}"


CLUSTER = ROOT / "examples" / "cluster"
CLUSTER_LEVERS = ROOT / "examples" / "levers" / "cluster.levers.yml"


def chain() -> list[fp.Product]:
    return [fp.load_product(CLUSTER / f"{n}.yaml") for n in ("act-10", "gv-5", "man-4")]


def test_a_suppliers_change_flows_into_its_buyers() -> None:
    """EAF steel at the actuator maker (0.512 t of steel per actuator: cylinder 420 + spring 92 kg gross) saves
    0.512 t x (global - EAF, per t) per actuator, the same in each valve (one actuator) and 4 x that in the manifold
    (four valves); each product's scenario equals calculate_chain with the actuator's steel changed."""
    lib = fp.default_library()
    lv = next(x for x in fp.load_levers(CLUSTER_LEVERS).levers if x.name == "eaf-actuator-steel")
    row = fp.evaluate_chain_levers(chain(), [lv], lib, iterations=20).rows[0]
    co2e, _ = lib.co2e_vector("AR6", "report")
    per_t = co2e[lib.index_of("material.steel.carbon.global.worldsteel2024")]  # both factors per tonne
    per_t -= co2e[lib.index_of("material.steel.carbon.eaf-scrap.worldsteel2024")]
    by = row["saving_by_product"]
    assert lib["material.steel.carbon.global.worldsteel2024"].unit == "t"
    assert by["ACT-10"] == pytest.approx(0.512 * per_t, rel=1e-12)
    assert by["GV-5"] == pytest.approx(by["ACT-10"], rel=1e-12)
    assert by["MAN-4"] == pytest.approx(4 * by["ACT-10"], rel=1e-12)
    products = chain()
    eaf = fp.Material(id="steel", factor="material.steel.carbon.eaf-scrap.worldsteel2024")
    products[0] = products[0].model_copy(update={"materials": [eaf, products[0].materials[1]]})
    before, after = fp.calculate_chain(chain(), lib), fp.calculate_chain(products, lib)
    for pid in ("ACT-10", "GV-5", "MAN-4"):
        assert by[pid] == pytest.approx(before[pid].total_kgco2e - after[pid].total_kgco2e, rel=1e-12)


def test_chain_savings_over_deliveries_count_each_product_once() -> None:
    """2025: actuators to the valve maker and valves to the manifold maker stay in the cluster; the saving
    counts the 28 exported actuators and the 11 manifolds: 28 x s + 11 x 4 s, s the saving per actuator.
    Per supplier (gross): actuators 80 s, valves 48 s, manifolds 44 s. Cost: 2,500 NOK x 80 actuators made."""
    lib = fp.default_library()
    lv = next(x for x in fp.load_levers(CLUSTER_LEVERS).levers if x.name == "eaf-actuator-steel")
    s = fp.evaluate_chain_levers(chain(), [lv], lib, iterations=5).rows[0]["saving_by_product"]["ACT-10"]
    row = fp.evaluate_chain_levers(chain(), [lv], lib, iterations=50, deliveries=CLUSTER / "deliveries.csv",
                                   period="2025").rows[0]  # fmt: skip
    assert row["saving_kgco2e"] == pytest.approx(28 * s + 44 * s, rel=1e-12)
    assert row["saving_by_supplier"] == pytest.approx(
        {"Agder Actuators AS": 80 * s, "Sørlandet Valves AS": 48 * s, "Kristiansand Subsea AS": 44 * s}, rel=1e-12
    )
    assert row["cost_per_tco2e"] == pytest.approx(2500 * 80 / (72 * s / 1000), rel=1e-12)
    assert row["p_saving_positive"] == 1.0


BAD_CHAIN = [
    ({**EAF, "scope": {"family": "pumps"}}, "scope.family", "unknown family"),
    ({**EAF, "scope": {"supplier": "Nobody AS"}}, "scope.supplier", "unknown supplier"),
    ({**EAF, "scope": {"product": "P9"}}, "scope.product", "unknown product"),
    ({"kind": "maintenance_interval", "item": "nope", "every": "5 yr", "scope": {"items": ["nope"]}}, "scope",
     "covers no product"),
]  # fmt: skip


@pytest.mark.parametrize(("spec", "field", "message"), BAD_CHAIN, ids=[b[2] for b in BAD_CHAIN])
def test_bad_chain_levers_are_named_errors(spec: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(fp.LeverError, match=message) as err:
        fp.evaluate_chain_levers(chain(), [lever(**spec)], fp.default_library(), iterations=2)
    assert err.value.problems[0].field == f"lever 'x'.{field}"


def test_cli_levers_on_a_catalogue_folder_and_a_cluster(tmp_path: Path) -> None:
    """A catalogue folder and a folder of product files with deliveries: JSON with the documented fields; the
    cluster's baseline is the net total of 2025's deliveries leaving the cluster, as supplier_footprints
    computes it."""
    for name, frame in (("products", PRODUCTS), ("bom", BOM), ("activities", ACTS)):
        frame.to_csv(tmp_path / f"{name}.csv", index=False)
    (tmp_path / "levers.json").write_text(json.dumps({"levers": [{"name": "eaf", **EAF, "to": "steel-t"}]}))
    lib = tmp_path / "lib.csv"
    lib.write_text("id,name,category,unit,kg_CO2,source,edition,region,licence,boundary\n" + "\n".join(
        f"{f.id},{f.id},{f.category},{f.unit},{f.gases['CO2']},t,1,GLO,CC0-1.0,cradle-to-gate" for f in LIB))  # fmt: skip
    out = CliRunner().invoke(main, ["levers", str(tmp_path), "--levers", str(tmp_path / "levers.json"), "--factors",
                                    str(lib), "--no-default-factors", "--format", "json", "--iterations", "20"])  # fmt: skip
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert doc["baseline_kgco2e"] == pytest.approx(300.0, rel=1e-12)
    out = CliRunner().invoke(main, ["levers", str(CLUSTER), "--levers", str(CLUSTER_LEVERS), "--deliveries",
                                    str(CLUSTER / "deliveries.csv"), "--period", "2025", "--format", "json",
                                    "--iterations", "20"])  # fmt: skip
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    table = fp.footprint_table(fp.calculate_chain(chain(), fp.default_library()), period="2025")
    deliveries = pd.read_csv(CLUSTER / "deliveries.csv", comment="#", dtype={"period": str})
    sf = fp.supplier_footprints(table, deliveries[deliveries["period"] == "2025"], periods=["2025"])
    assert doc["baseline_kgco2e"] == pytest.approx(float(sf.cluster_totals["net_kgco2e"].sum()), rel=1e-12)
    fields = {"name", "kind", "scope", "scenario_kgco2e", "saving_kgco2e", "saving_share", "saving_p5", "saving_p95",
              "p_saving_positive", "cost", "cost_per_tco2e"}  # fmt: skip
    assert {"baseline_kgco2e", "gwp_set"} <= set(doc)
    assert all(fields <= set(r) for r in doc["levers"])


def test_cli_deliveries_need_a_catalogue_or_chain() -> None:
    out = CliRunner().invoke(main, ["levers", str(ROOT / "examples" / "subsea_gate_valve.yaml"), "--levers",
                                    str(CLUSTER_LEVERS), "--deliveries", str(CLUSTER / "deliveries.csv")])  # fmt: skip
    assert out.exit_code != 0
    assert "deliveries are for a catalogue" in out.output
    assert "Traceback" not in out.output


@settings(max_examples=8, deadline=None)
@given(st.floats(min_value=0.0, max_value=2.0, allow_nan=False))
def test_chain_laws(s: float) -> None:
    """The actuator's machining energy (950 kWh on the Norwegian grid) x ``s``: the saving per actuator is
    (1 - s) x 950 x the grid factor, the same per valve and 4 x per manifold (linear in s); s = 1 saves 0
    exactly, in every iteration too."""
    lib = fp.default_library()
    co2e, _ = lib.co2e_vector("AR6", "report")
    per_kwh = co2e[lib.index_of("electricity.grid.no.ember")]
    lv = lever(kind="scale_quantity", target="activity", scale=s, scope={"supplier": "Agder Actuators AS"},
               **{"from": "electricity.grid.no.ember"})  # fmt: skip
    row = fp.evaluate_chain_levers(chain(), [lv], lib, iterations=20).rows[0]
    expected = (1 - s) * 950 * per_kwh
    by = row["saving_by_product"]
    if s == 1.0:
        assert row["saving_kgco2e"] == 0.0
        assert row["saving_p5"] == row["saving_p95"] == 0.0
        return
    assert by["ACT-10"] == pytest.approx(expected, rel=1e-9)
    assert by["GV-5"] == pytest.approx(expected, rel=1e-9)
    assert by["MAN-4"] == pytest.approx(4 * expected, rel=1e-9)


def test_energy_supply_from_a_factor_that_is_not_energy_is_refused_as_on_a_product() -> None:
    """An energy_supply lever changes electricity and fuel factors only, on both sides: a product refuses
    ``from`` a material factor in kWh (moving it onto green electricity), and a catalogue does the same rather
    than swapping a material for electricity."""
    lib = fp.FactorLibrary([*LIB, factor("heat", "kWh", 0.3)])  # a kWh factor of the material category
    acts = pd.DataFrame({"item": ["A"], "factor": ["heat"], "amount": [10.0], "unit": ["kWh"]})
    cat = fp.prepare_catalogue(PRODUCTS.iloc[:1], BOM.iloc[:1], acts, lib)
    with pytest.raises(fp.LeverError, match="electricity and fuel factors only") as err:
        fp.evaluate_catalogue_levers(cat, [lever(kind="energy_supply", **{"from": "heat", "to": "green"})])
    assert err.value.problems[0].field == "lever 'x'.to"
