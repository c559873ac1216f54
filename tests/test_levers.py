"""Reduction levers: each kind against a hand-edited product computed the ordinary way, an interacting pair by
hand, the laws (no change saves 0, linear in the scale, inverse restores, a surely lower factor surely saves),
bad lever files, the CLI and the example."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
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
        factor("steel", "kg", 2.0), factor("steel-eaf", "kg", 0.7), factor("steel-t", "t", 1900.0),
        factor("rubber", "kg", 3.0), factor("grid", "kWh", 0.4, "electricity"), factor("green", "kWh", 0.02, "electricity"),
        factor("truck", "t*km", 0.1, "freight"), factor("ship", "t*km", 0.015, "freight"),
        factor("landfill", "kg", 0.5, "waste"), factor("recycle", "kg", 0.02, "waste"),
    ]
)  # fmt: skip


def product(
    steel: str = "steel",
    body: tuple[float, float] = (100.0, 150.0),
    kwh: float = 200.0,
    grid: str = "grid",
    use_grid: str = "grid",
    truck: str = "truck",
    km: float = 500.0,
    life: float = 20.0,
    every: float = 5.0,
    landfill: float = 0.2,
    split: float | None = None,
) -> fp.Product:
    """A small product: a steel body (net, gross kg) machined with ``kwh``, a rubber seal replaced ``every``
    years, 10 kWh a year of use, one A4 truck leg, steel recycled or landfilled. ``split`` makes that share of
    the body a second part of EAF steel (the hand-edited form of recycled content)."""
    net, gross = body
    items: list[dict[str, Any]] = [
        {"id": "p", "children": [{"item": "body"}, {"item": "seal"}] + ([{"item": "body-eaf"}] if split else []),
         "activities": [{"factor": use_grid, "quantity": "10 kWh", "per_year": True}]},
        {"id": "body", "kind": "part", "material": "steel", "net_mass": f"{net * (1 - (split or 0))} kg",
         "gross_mass": f"{gross * (1 - (split or 0))} kg", "activities": [{"factor": grid, "quantity": f"{kwh} kWh"}]},
        {"id": "seal", "kind": "part", "material": "rubber", "net_mass": "2 kg"},
    ]  # fmt: skip
    materials = [
        {"id": "steel", "factor": steel, "end_of_life": "eol"},
        {"id": "rubber", "factor": "rubber"},
    ]
    if split:
        items.append({"id": "body-eaf", "kind": "part", "material": "steel-eaf", "net_mass": f"{net * split} kg",
                      "gross_mass": f"{gross * split} kg"})  # fmt: skip
        materials.append({"id": "steel-eaf", "factor": "steel-eaf", "end_of_life": "eol"})
    return fp.Product.model_validate(
        {
            "id": "p", "items": items, "materials": materials, "service_life": f"{life} yr",
            "replacements": [{"item": "seal", "every": f"{every} yr"}],
            "transport": [{"module": "A4", "factor": truck, "distance": f"{km} km"}],
            "end_of_life": [{"id": "eol", "routes": [
                {"name": "recycling", "share": 1 - landfill, "factor": "recycle", "recycled": True},
                {"name": "landfill", "share": landfill, "factor": "landfill"}],
                "credit": {"virgin": "steel", "secondary": "steel-eaf"}}],
        }
    )  # fmt: skip


def total(p: fp.Product) -> float:
    return fp.calculate(p, LIB).total_kgco2e


BASE = total(product())


def saving(*levers: fp.Lever, base: fp.Product | None = None, iterations: int = 20) -> dict[str, Any]:
    """The row of the combination of ``levers`` (or of the one lever)."""
    res = fp.evaluate_levers(base or product(), list(levers), LIB, combine="all", iterations=iterations)
    return next(r for r in res.rows if r["levers"] == [lv.name for lv in levers])


CASES = [
    (lever(kind="substitute_factor", **{"from": "steel", "to": "steel-eaf"}, scope={"materials": ["steel"]}),
     product(steel="steel-eaf")),
    (lever(kind="substitute_factor", **{"from": "steel", "to": "steel-t"}), product(steel="steel-t")),  # kg -> t
    (lever(kind="energy_supply", **{"from": "grid", "to": "green"}), product(grid="green", use_grid="green")),
    (lever(kind="energy_supply", **{"from": "grid", "to": "green"}, scope={"modules": ["B6"]}),
     product(use_grid="green")),
    (lever(kind="end_of_life", **{"from": "landfill", "to": "recycle"}, fraction=0.5), product(landfill=0.1)),
    (lever(kind="recycled_content", **{"from": "steel", "to": "steel-eaf"}, fraction=0.25), product(split=0.25)),
    (lever(kind="scale_quantity", target="activity", scale=0.7, scope={"items": ["body"]}), product(kwh=140.0)),
    (lever(kind="scale_quantity", target="mass", scale=0.9, scope={"items": ["body"]}), product(body=(90.0, 135.0))),
    (lever(kind="scale_quantity", target="scrap", scale=0.5, scope={"items": ["body"]}), product(body=(100.0, 125.0))),
    (lever(kind="scale_quantity", target="scrap", scale=0.5, scope={"materials": ["steel"]}),
     product(body=(100.0, 125.0))),
    (lever(kind="transport", **{"from": "truck", "to": "ship"}, scale=2.0), product(truck="ship", km=1000.0)),
    (lever(kind="service_life", service_life="25 yr"), product(life=25.0)),
    (lever(kind="maintenance_interval", item="seal", every="10 yr"), product(every=10.0)),
]  # fmt: skip


@pytest.mark.parametrize(("lv", "edited"), CASES, ids=[f"{c[0].kind}-{i}" for i, c in enumerate(CASES)])
def test_each_lever_kind_equals_the_hand_edited_product(lv: fp.Lever, edited: fp.Product) -> None:
    """Applied to the arrays, the lever saves what the hand-edited product file saves computed the ordinary
    way (to 1e-12 relative), and the scenario total is that product's total."""
    row = saving(lv)
    expected = BASE - total(edited)
    assert expected != 0
    assert row["saving_kgco2e"] == pytest.approx(expected, rel=1e-12)
    assert row["scenario_kgco2e"] == pytest.approx(total(edited), rel=1e-12)
    assert sum(row["saving_by_module"].values()) == pytest.approx(expected, rel=1e-9)
    if lv.kind not in ("end_of_life", "recycled_content"):  # module D follows (docs/levers.md says which)
        scenario = fp.calculate(fp.apply_lever(fp.prepare_product(product(), LIB), lv))
        assert scenario.by_module.get("D", 0.0) == pytest.approx(fp.calculate(edited, LIB).by_module.get("D", 0.0),
                                                                 rel=1e-12, abs=1e-12)  # fmt: skip


def test_load_factor_by_hand() -> None:
    """Load factor 0.5 -> 0.8 on the truck leg: t km emissions x 0.5/0.8. The leg carries the product's net
    mass, 100 + 2 kg, and in B4 the 3 replacement seals (20 yr / 5 yr - 1), 6 kg: 0.108 t x 500 km x 0.1 kg
    CO2e/t km = 5.4 kg CO2e, so the saving is 5.4 x (1 - 0.625) = 2.025."""
    row = saving(lever(kind="transport", load_factor=[0.5, 0.8]))
    assert row["saving_kgco2e"] == pytest.approx(5.4 * (1 - 0.625), rel=1e-12)


def test_interacting_levers_by_hand() -> None:
    """Body machining 200 kWh of grid at 0.4: 30 % less energy saves 24; green electricity (0.02) for the body
    saves 200 x 0.38 = 76; together 80 - 140 x 0.02 = 77.2, not 24 + 76 = 100."""
    less = fp.Lever.model_validate({"name": "less", "kind": "scale_quantity", "target": "activity", "scale": 0.7,
                                    "scope": {"items": ["body"]}})  # fmt: skip
    green = fp.Lever.model_validate({"name": "green", "kind": "energy_supply", "from": "grid", "to": "green",
                                     "scope": {"items": ["body"]}})  # fmt: skip
    res = fp.evaluate_levers(product(), [less, green], LIB, combine="all", iterations=20)
    rows = {r["name"]: r for r in res.rows}
    assert rows["less"]["saving_kgco2e"] == pytest.approx(24.0, rel=1e-12)
    assert rows["green"]["saving_kgco2e"] == pytest.approx(76.0, rel=1e-12)
    assert rows["less + green"]["saving_kgco2e"] == pytest.approx(77.2, rel=1e-12)
    assert rows["less + green"]["saving_by_module"] == pytest.approx({"A3": 77.2}, rel=1e-12)


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(["activity", "mass"]), st.sampled_from(["body", "seal"]))
def test_a_lever_that_changes_nothing_saves_exactly_zero(target: str, item: str) -> None:
    """Scale 1, or a factor substituted by itself: the saving is 0.0 exactly, and so is every iteration's."""
    for lv in (lever(kind="scale_quantity", target=target, scale=1.0, scope={"items": [item]}),
               lever(kind="substitute_factor", **{"from": "steel", "to": "steel"})):  # fmt: skip
        row = saving(lv)
        assert row["saving_kgco2e"] == 0.0
        assert row["saving_p5"] == row["saving_p95"] == 0.0


@settings(max_examples=25, deadline=None)
@given(st.floats(min_value=0.0, max_value=3.0, allow_nan=False))
def test_scaled_saving_is_linear_in_the_scale(s: float) -> None:
    """saving(s) = (1 - s) x saving(0): the body's machining energy is 200 kWh x 0.4 = 80 kg CO2e."""
    row = saving(lever(kind="scale_quantity", target="activity", scale=s, scope={"items": ["body"]}))
    assert row["saving_kgco2e"] == pytest.approx((1 - s) * 80.0, rel=1e-9, abs=1e-9)


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=-8, max_value=8), st.sampled_from(["activity", "mass"]))
def test_a_lever_then_its_inverse_restores_the_baseline_bit_for_bit(k: int, target: str) -> None:
    """Scale by 2^k then 2^-k (exact in binary), and steel -> EAF -> steel: the arrays and the evaluated total
    are the baseline's, bit for bit."""
    prep = fp.prepare_product(product(), LIB)
    pairs = [
        (lever(kind="scale_quantity", target=target, scale=2.0**k, scope={"items": ["body"]}),
         lever(kind="scale_quantity", target=target, scale=2.0**-k, scope={"items": ["body"]})),
        (lever(kind="substitute_factor", **{"from": "steel", "to": "steel-eaf"}),
         lever(kind="substitute_factor", **{"from": "steel-eaf", "to": "steel"})),
    ]  # fmt: skip
    base = fp.calculate(prep).total_kgco2e
    for there, back in pairs:
        again = fp.apply_lever(fp.apply_lever(prep, there), back)
        for name in ("act_factor", "act_amount", "node_net_kg", "node_gross_kg", "repl_times"):
            assert np.array_equal(getattr(again, name), getattr(prep, name)), name
        assert fp.calculate(again).total_kgco2e == base


@settings(max_examples=15, deadline=None)
@given(st.floats(min_value=0.01, max_value=1.99, allow_nan=False))
def test_a_lower_factor_without_spread_saves_surely(value: float) -> None:
    """Steel 2.0 -> ``value`` < 2, both without spread: every iteration saves (quantities drawn in common),
    P(saving > 0) = 1."""
    lib = LIB.merge(fp.FactorLibrary([factor("lower", "kg", value)]))
    res = fp.evaluate_levers(product(), [lever(kind="substitute_factor", **{"from": "steel", "to": "lower"})], lib,
                             iterations=50)  # fmt: skip
    assert res.rows[0]["p_saving_positive"] == 1.0


def test_savings_within_the_noise_are_shown_as_such() -> None:
    """A factor 1 % lower but with GSD 1.5 of its own: P(saving > 0) is far from 1 and the 90 % interval of the
    saving straddles zero."""
    lib = LIB.merge(fp.FactorLibrary([factor("noisy", "kg", 1.98, unc="lognormal gsd=1.5")]))
    res = fp.evaluate_levers(product(), [lever(kind="substitute_factor", **{"from": "steel", "to": "noisy"})], lib,
                             iterations=2000)  # fmt: skip
    row = res.rows[0]
    assert row["saving_kgco2e"] == pytest.approx(2.98 * 0.02 * 150 / 2.98, rel=1e-9)  # 150 kg x 0.02
    assert row["saving_p5"] < 0 < row["saving_p95"]
    assert 0.2 < row["p_saving_positive"] < 0.8


def test_cost_per_tonne_and_ranking() -> None:
    """EAF steel saves 150 kg x 1.3 = 195 kg CO2e at 100 EUR per unit plus 5,000 EUR one-off over 100 units:
    150 EUR / 0.195 t = 769.2 EUR/t. Rankings: by saving, by cost (uncosted last), by confidence."""
    eaf = fp.Lever.model_validate({"name": "eaf", "kind": "substitute_factor", "from": "steel", "to": "steel-eaf",
                                   "cost": {"currency": "EUR", "per_unit": 100, "one_off": 5000, "units": 100}})  # fmt: skip
    less = fp.Lever.model_validate({"name": "less", "kind": "scale_quantity", "target": "activity", "scale": 0.5,
                                    "scope": {"items": ["body"]}})  # fmt: skip
    res = fp.evaluate_levers(product(), [eaf, less], LIB, iterations=20)
    row = next(r for r in res.rows if r["name"] == "eaf")
    assert row["saving_kgco2e"] == pytest.approx(195.0, rel=1e-12)
    assert row["cost_per_tco2e"] == pytest.approx(150.0 / 0.195, rel=1e-12)
    assert row["cost"] == {"currency": "EUR", "per_declared_unit": 150.0, "total": 150.0}
    assert [r["name"] for r in res.ranked("saving")] == ["eaf", "less"]
    assert [r["name"] for r in res.ranked("cost")] == ["eaf", "less"]
    assert res.baseline_kgco2e == pytest.approx(BASE, rel=1e-12)


BAD = [
    ({"kind": "substitute_factor", "from": "steel", "to": "nope"}, "unknown factor"),
    ({"kind": "substitute_factor", "from": "nope", "to": "steel"}, "unknown factor"),
    ({"kind": "scale_quantity", "target": "activity", "scale": 0.5, "scope": {"items": ["nope"]}}, "unknown item"),
    ({"kind": "scale_quantity", "target": "activity", "scale": 0.5, "scope": {"materials": ["nope"]}},
     "unknown material"),
    ({"kind": "scale_quantity", "target": "activity", "scale": 0.5, "scope": {"modules": ["Z9"]}}, "unknown module"),
    ({"kind": "scale_quantity", "target": "activity", "scale": 0.5, "scope": {"product": "other"}}, "unknown product"),
    ({"kind": "scale_quantity", "target": "activity", "scale": 0.5, "scope": {"family": "valves"}}, "catalogue"),
    ({"kind": "substitute_factor", "from": "steel", "to": "grid"}, "does not meet"),
    ({"kind": "maintenance_interval", "item": "body", "every": "10 yr"}, "replacement interval"),
    ({"kind": "service_life", "service_life": "25 kg"}, "not a duration"),
]  # fmt: skip


@pytest.mark.parametrize(("spec", "message"), BAD, ids=[b[1] for b in BAD])
def test_bad_levers_are_named_errors(spec: dict[str, Any], message: str) -> None:
    """Unknown factor, item, material, module or scope, units that do not meet: a LeverError naming the lever
    and field."""
    with pytest.raises(fp.LeverError, match=message) as info:
        fp.evaluate_levers(product(), [lever(**spec)], LIB, iterations=5)
    assert "lever 'x'" in str(info.value)


@pytest.mark.parametrize(
    ("spec", "field", "message"),
    [
        ({"kind": "scale_quantity", "target": "mass", "scale": -0.5}, "levers.0.scale", "greater than or equal to 0"),
        ({"kind": "transport", "load_factor": [0.5, -1]}, "levers.0.load_factor", "positive"),
        (
            {"kind": "substitute_factor", "from": "a", "to": "b", "cost": {"per_unit": 5}},
            "levers.0.cost.currency",
            "Field required",
        ),
        ({"kind": "substitute_factor", "to": "b"}, "levers.0", "needs from"),
        ({"kind": "service_life", "service_life": "-3 yr"}, "levers.0", "must be positive"),
    ],
)
def test_bad_lever_files_name_file_and_field(tmp_path: Path, spec: dict[str, Any], field: str, message: str) -> None:
    """Negative quantities, cost without currency, missing parameters: LeverError with the file and field."""
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"levers": [{"name": "x", **spec}]}), encoding="utf-8")
    with pytest.raises(fp.LeverError, match=message) as info:
        fp.load_levers(path)
    problem = info.value.problems[0]
    assert problem.file == str(path)
    assert problem.field == field


def test_lever_file_schema_and_unknown_combination(tmp_path: Path) -> None:
    """The JSON Schema names every kind; a combination of an unknown lever is refused."""
    schema = fp.LeverFile.model_json_schema(by_alias=True)
    kinds = schema["$defs"]["Lever"]["properties"]["kind"]["enum"]
    assert set(kinds) == {"substitute_factor", "energy_supply", "recycled_content", "end_of_life",
                          "scale_quantity", "transport", "service_life", "maintenance_interval"}  # fmt: skip
    path = tmp_path / "l.yml"
    path.write_text("levers:\n  - {name: a, kind: service_life, service_life: 30 yr}\ncombinations: [[a, b]]\n")
    with pytest.raises(fp.LeverError, match="unknown levers: b"):
        fp.load_levers(path)


def test_lever_file_read_strictly(tmp_path: Path) -> None:
    """A key given twice in a lever file is refused with the file named, not silently overwritten."""
    path = tmp_path / "dup.yml"
    path.write_text("levers:\n  - {name: a, kind: service_life, service_life: 30 yr, service_life: 40 yr}\n")
    with pytest.raises(fp.LeverError, match="service_life") as info:
        fp.load_levers(path)
    assert info.value.problems[0].file == str(path)


VALVE = ROOT / "examples" / "subsea_gate_valve.yaml"
VALVE_LEVERS = ROOT / "examples" / "levers" / "subsea_gate_valve.levers.yml"


def test_cli_levers_json_matches_the_ordinary_calculation() -> None:
    """The valve's lever file: JSON fields as documented; the baseline is the ordinary A1-C4 total; the EAF
    steel lever's scenario is the valve with its steel factor changed, calculated the ordinary way."""
    out = CliRunner().invoke(main, ["levers", str(VALVE), "--levers", str(VALVE_LEVERS), "--combine", "all",
                                    "--prefolded", "report", "--format", "json", "--iterations", "200"])  # fmt: skip
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    lib = fp.default_library()
    valve = fp.load_product(VALVE)
    assert doc["baseline_kgco2e"] == pytest.approx(fp.calculate(valve, lib, prefolded="report").total_kgco2e,
                                                   rel=1e-12)  # fmt: skip
    assert doc["gwp_set"] == "AR6"
    fields = {"name", "kind", "scope", "scenario_kgco2e", "saving_kgco2e", "saving_share", "saving_p5", "saving_p95",
              "p_saving_positive", "cost", "cost_per_tco2e"}  # fmt: skip
    assert all(fields <= set(r) for r in doc["levers"])
    eaf = {"factor": "material.steel.carbon.eaf-scrap.worldsteel2024"}
    edited = valve.model_copy(update={"materials": [m.model_copy(update=eaf) if m.id == "low-alloy-steel" else m
                                                    for m in valve.materials]})  # fmt: skip
    row = next(r for r in doc["levers"] if r["name"] == "eaf-steel")
    assert row["scenario_kgco2e"] == pytest.approx(fp.calculate(edited, lib, prefolded="report").total_kgco2e,
                                                   rel=1e-12)  # fmt: skip
    assert any(r["kind"] == "combination" for r in doc["levers"])


@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_cli_levers_table_and_csv(fmt: str) -> None:
    """Table and CSV name every lever of the file."""
    out = CliRunner().invoke(main, ["levers", str(VALVE), "--levers", str(VALVE_LEVERS), "--prefolded", "report",
                                    "--format", fmt, "--iterations", "50"])  # fmt: skip
    assert out.exit_code == 0, out.output
    for name in (lv.name for lv in fp.load_levers(VALVE_LEVERS).levers):
        assert name in out.output


def test_cli_rank_by_cost_is_a_marginal_abatement_cost_order() -> None:
    """--rank cost: levers with a cost per t CO2e first, cheapest first, uncosted last."""
    out = CliRunner().invoke(main, ["levers", str(VALVE), "--levers", str(VALVE_LEVERS), "--prefolded", "report",
                                    "--format", "json", "--iterations", "50", "--rank", "cost"])  # fmt: skip
    assert out.exit_code == 0, out.output
    costs = [r["cost_per_tco2e"] for r in json.loads(out.output)["levers"]]
    known = [c for c in costs if c is not None]
    assert known == sorted(known)
    assert costs[: len(known)] == known
    assert None in costs


def test_lever_schema_is_published_and_the_example_meets_it() -> None:
    """``footprint schema levers`` prints a versioned JSON Schema that the valve's lever file meets."""
    jsonschema = pytest.importorskip("jsonschema")
    import yaml

    out = CliRunner().invoke(main, ["schema", "levers"])
    assert out.exit_code == 0, out.output
    schema = json.loads(out.output)
    assert schema["$id"] == "https://footprint.dev/schemas/levers/1/schema.json"
    jsonschema.Draft202012Validator(schema).validate(yaml.safe_load(VALVE_LEVERS.read_text(encoding="utf-8")))


def test_cli_bad_lever_file_is_a_named_error(tmp_path: Path) -> None:
    """A lever with an unknown factor: exit code 1 and the lever's name, no traceback."""
    path = tmp_path / "bad.yml"
    path.write_text("levers:\n  - {name: oops, kind: substitute_factor, from: nope, to: also-nope}\n")
    out = CliRunner().invoke(main, ["levers", str(VALVE), "--levers", str(path), "--prefolded", "report"])
    assert out.exit_code != 0
    assert "oops" in out.output
    assert "unknown factor" in out.output
    assert "Traceback" not in out.output
    assert math.isfinite(BASE)


@pytest.mark.filterwarnings("ignore:overflow encountered")
def test_an_overflowing_lever_is_a_named_error() -> None:
    """Machining energy x 1e308 overflows the largest double: a NonFiniteError naming the item and factor, not
    an infinite saving."""
    with pytest.raises(fp.NonFiniteError, match=r"items\[1\]\.activities\[0\]"):
        fp.evaluate_levers(
            product(), [lever(kind="scale_quantity", target="activity", scale=1e308, scope={"items": ["body"]})], LIB,
            iterations=5,
        )  # fmt: skip


def test_each_scenario_is_evaluated_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The baseline and each of the 3 scenarios (2 levers and their combination) are evaluated once each: the
    exact totals and the Monte Carlo samples come from the same evaluation (4 calls, not 8)."""
    import footprint._levers as levers_module
    import footprint._uncertainty as uncertainty_module

    calls = []
    real = levers_module._evaluate

    def counting(*args: Any, **kw: Any) -> Any:
        calls.append(1)
        return real(*args, **kw)

    monkeypatch.setattr(levers_module, "_evaluate", counting)
    monkeypatch.setattr(uncertainty_module, "_evaluate", counting)
    two = [lever(name="a", kind="substitute_factor", **{"from": "steel", "to": "steel-eaf"}),
           lever(name="b", kind="energy_supply", **{"from": "grid", "to": "green"})]  # fmt: skip
    fp.evaluate_levers(product(), two, LIB, combine="all", iterations=10)
    assert len(calls) == 4
