"""Supplier-level footprints: a two-tier chain, deliveries rolled up, targets, change decomposition, compare."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import footprint as fp

PROV = {"source": "test", "edition": "1", "region": "GLO", "licence": "CC0-1.0", "boundary": "cradle-to-gate"}
LIB = fp.FactorLibrary(
    [
        fp.EmissionFactor(id="steel", name="s", category="material", unit="kg", gases={"CO2": 2.0}, **PROV),
        fp.EmissionFactor(id="grid", name="g", category="electricity", unit="kWh", gases={"CO2": 0.1}, **PROV),
        fp.EmissionFactor(
            id="gas",
            name="n",
            category="fuel",
            unit="MJ",
            gases={"CO2": 0.05, "CH4_fossil": 0.001},
            energy_basis="net",
            **PROV,
        ),
    ],
    name="test",
)

ACTUATOR = {
    "id": "ACT-1",
    "supplier": "Actuator AS",
    "family": "actuators",
    "items": [
        {
            "id": "act",
            "children": [{"item": "housing"}],
            "activities": [{"factor": "grid", "quantity": "100 kWh", "primary": True}],
        },
        {"id": "housing", "kind": "part", "material": "steel", "net_mass": "100 kg"},
    ],
    "materials": [{"id": "steel", "factor": "steel"}],
}
VALVE = {
    "id": "GV-1",
    "supplier": "Valve AS",
    "family": "valves",
    "items": [
        {"id": "valve", "children": [{"item": "body"}, {"item": "actuator"}]},
        {"id": "body", "kind": "part", "material": "steel", "net_mass": "50 kg"},
        {"id": "actuator", "kind": "component", "supplier_product": "ACT-1", "mass": "100 kg"},
    ],
    "materials": [{"id": "steel", "factor": "steel"}],
}


def chain() -> dict[str, fp.FootprintResult]:
    """The valve and its actuator, computed in dependency order."""
    return fp.calculate_chain([fp.Product.model_validate(VALVE), fp.Product.model_validate(ACTUATOR)], LIB)


def test_two_tier_chain_by_hand() -> None:
    """Actuator: 100 kg steel x 2.0 + 100 kWh x 0.1 = 210 kg CO2e, of which the metered 10 kWh-part is primary:
    share 10 / 210. Valve: 50 kg x 2.0 + the actuator's 210 = 310. PACT's emission-weighted share carries the
    actuator's own share forward (PACT Methodology 4.2.2): (100 x 0 + 210 x 10/210) / 310 = 10 / 310, not the
    210 / 310 of counting the supplier's footprint as wholly primary."""
    r = chain()
    assert r["ACT-1"].total_kgco2e == pytest.approx(210.0, rel=1e-12)
    assert r["ACT-1"].primary_data_share == pytest.approx(10.0 / 210.0, rel=1e-12)
    assert r["GV-1"].total_kgco2e == pytest.approx(310.0, rel=1e-12)
    assert r["GV-1"].primary_data_share == pytest.approx(10.0 / 310.0, rel=1e-12)
    q = fp.data_quality(r["GV-1"], LIB, modules="cradle-to-gate")
    assert q.primary_data_share == r["GV-1"].primary_data_share  # one definition
    row = next(c for c in r["GV-1"].contributions if c.kind == "component")
    assert (row.supplier, row.footprint_id, row.primary_share) == ("Actuator AS", r["ACT-1"].input_hash, 10 / 210)
    assert r["GV-1"].supplier == "Valve AS"
    assert list(r) == ["GV-1", "ACT-1"]  # the order given, not the order computed


def test_chain_errors() -> None:
    """An unknown supplier product and a circle of products are refused, the circle shown as a path."""
    bad = {**VALVE, "items": [*VALVE["items"][:2], {**VALVE["items"][2], "supplier_product": "NOPE"}]}  # type: ignore[dict-item]
    with pytest.raises(fp.ProductError, match="NOPE"):
        fp.calculate_chain([fp.Product.model_validate(bad)], LIB)
    circular = {**ACTUATOR, "items": [*ACTUATOR["items"], {"id": "v", "kind": "component", "supplier_product": "GV-1"}]}
    circular["items"][0] = {**circular["items"][0], "children": [{"item": "housing"}, {"item": "v"}]}  # type: ignore[index]
    with pytest.raises(fp.CycleError) as info:
        fp.calculate_chain([fp.Product.model_validate(VALVE), fp.Product.model_validate(circular)], LIB)
    assert set(info.value.cycle) == {"GV-1", "ACT-1"}
    with pytest.raises(fp.ProductError, match="calculate_chain"):
        fp.calculate(fp.Product.model_validate(VALVE), LIB)


def deliveries() -> pd.DataFrame:
    """Two years of deliveries: valves and actuators sold directly."""
    return pd.DataFrame(
        {
            "product": ["GV-1", "ACT-1", "GV-1", "ACT-1", "GV-1"],
            "period": ["2024", "2024", "2025", "2025", "2025"],
            "quantity": [10.0, 5.0, 8.0, 4.0, 4.0],
            "unit": ["piece", "pcs", "piece", "", "piece"],
            "revenue": [100_000, 20_000, 90_000, 16_000, np.nan],
            "currency": ["EUR", "NOK", "EUR", "NOK", ""],
        }
    )


def test_deliveries_roll_up_by_hand() -> None:
    """2024: Valve AS 10 x 310 = 3100, Actuator AS 5 x 210 = 1050, cluster 4150; 2025: valves 12 x 310 = 3720.
    Valve mass 150 kg, so 10 valves are 1.5 t: 3100 / 1.5 = 2066.7 kg per tonne; 3100 / 100,000 EUR."""
    sf = fp.supplier_footprints(fp.footprint_table(chain()), deliveries())
    sup = sf.by_supplier["total_kgco2e"]
    assert sup[("2024", "Valve AS")] == pytest.approx(3100.0, rel=1e-12)
    assert sup[("2024", "Actuator AS")] == pytest.approx(1050.0, rel=1e-12)
    assert sup[("2025", "Valve AS")] == pytest.approx(3720.0, rel=1e-12)
    assert sf.by_cluster.loc[("2024", "cluster"), "total_kgco2e"] == pytest.approx(4150.0, rel=1e-12)
    i = sf.intensity.loc[("2024", "Valve AS")]
    assert i["kgco2e_per_t"] == pytest.approx(3100.0 / 1.5, rel=1e-12)
    assert i["kgco2e_per_piece"] == pytest.approx(310.0, rel=1e-12)
    assert i["kgco2e_per_EUR"] == pytest.approx(3100.0 / 100_000, rel=1e-12)
    assert sf.intensity.loc[("2024", "Actuator AS"), "kgco2e_per_NOK"] == pytest.approx(1050.0 / 20_000, rel=1e-12)
    # the valve's primary data share carries its actuator's own (see test_two_tier_chain_by_hand)
    assert sf.by_supplier.loc[("2024", "Valve AS"), "primary_data_share"] == pytest.approx(10 / 310, rel=1e-12)


def test_groupings_add_up() -> None:
    """Products, families and suppliers each add up to the cluster in every period and every column."""
    sf = fp.supplier_footprints(fp.footprint_table(chain()), deliveries())
    for table in (sf.by_product, sf.by_family, sf.by_supplier):
        per = table.groupby(level="period")[["total_kgco2e", "A1", "quantity"]].sum()
        np.testing.assert_allclose(
            per.to_numpy(),
            sf.by_cluster.droplevel("cluster")[["total_kgco2e", "A1", "quantity"]].to_numpy(),
            rtol=1e-12,
        )


@given(st.permutations(range(5)), st.floats(0.1, 0.9))
def test_row_order_and_splitting_do_not_matter(order: list[int], frac: float) -> None:
    """Shuffled delivery rows, and a row split in two, give the same supplier totals."""
    table = fp.footprint_table(chain())
    base = fp.supplier_footprints(table, deliveries()).by_supplier["total_kgco2e"]
    d = deliveries().iloc[order].reset_index(drop=True)
    first = d.iloc[[0]].copy()
    first["quantity"] = d.loc[0, "quantity"] * frac
    d.loc[0, "quantity"] = d.loc[0, "quantity"] * (1 - frac)
    split = pd.concat([d, first], ignore_index=True)
    got = fp.supplier_footprints(table, split).by_supplier["total_kgco2e"]
    pd.testing.assert_series_equal(got, base, rtol=1e-12)


def test_deliveries_in_other_units() -> None:
    """A product declared per metre delivered in km: 2 km of a 3 kg CO2e/m cable is 6000 kg CO2e."""
    cable = {
        "id": "CBL",
        "supplier": "Cable AS",
        "declared_unit": "1 m",
        "items": [{"id": "cbl", "unit": "m", "activities": [{"factor": "steel", "quantity": "1.5 kg"}]}],
    }
    r = fp.calculate(fp.Product.model_validate(cable), LIB)
    sf = fp.supplier_footprints(
        fp.footprint_table([r]), pd.DataFrame({"product": ["CBL"], "period": ["2025"], "quantity": [2], "unit": ["km"]})
    )
    assert sf.by_supplier["total_kgco2e"].iloc[0] == pytest.approx(2000 * 3.0, rel=1e-12)


def test_bad_delivery_rows_are_all_named(tmp_path: Path) -> None:
    """Unknown product, unit of another dimension, unknown period, negative quantity, revenue without currency:
    one problem each, with its CSV line (header on line 1)."""
    d = pd.DataFrame(
        {
            "product": ["GV-1", "NOPE", "GV-1", "GV-1", "GV-1"],
            "period": ["2024", "2024", "2023", "2024", "2024"],
            "quantity": [1, 1, 1, -1, 1],
            "unit": ["kg", "piece", "piece", "piece", "piece"],
            "revenue": [np.nan, np.nan, np.nan, np.nan, 500],
            "currency": ["", "", "", "", ""],
        }
    )
    path = tmp_path / "deliveries.csv"
    d.to_csv(path, index=False)
    with pytest.raises(fp.DeliveryError) as info:
        fp.supplier_footprints(fp.footprint_table(chain()), path, periods=["2024", "2025"])
    got = {(p.row, p.field) for p in info.value.problems}
    assert got == {(2, "unit"), (3, "product"), (4, "period"), (5, "quantity"), (6, "revenue")}
    assert all(p.file == str(path) for p in info.value.problems)


def test_footprints_per_period() -> None:
    """A footprint table with a period column applies each period's footprint to that period's deliveries."""
    r = chain()
    t24 = fp.footprint_table(r, period="2024")
    t25 = fp.footprint_table(r, period="2025")
    t25[["total_kgco2e", "A1"]] = t25[["total_kgco2e", "A1"]] * 0.5
    sf = fp.supplier_footprints(pd.concat([t24, t25]), deliveries())
    assert sf.by_supplier.loc[("2025", "Valve AS"), "total_kgco2e"] == pytest.approx(12 * 155.0, rel=1e-12)
    with pytest.raises(fp.DeliveryError, match="in this period"):
        fp.supplier_footprints(t24, deliveries())


def test_progress_against_target() -> None:
    """-40 % by 2030 against 2024 (3100): the straight path allows 3100 x (1 - 0.4 / 6) in 2025; 3720 is
    20 % above the baseline, so not on track."""
    sf = fp.supplier_footprints(fp.footprint_table(chain()), deliveries())
    p = fp.progress(sf, fp.Target(scope="Valve AS", baseline_period="2024", target_period="2030", reduction=0.4))
    assert p.loc["2025", "target_path"] == pytest.approx(3100 * (1 - 0.4 / 6), rel=1e-12)
    assert p.loc["2025", "reduction_achieved"] == pytest.approx(1 - 3720 / 3100, rel=1e-12)
    assert not p.loc["2025", "on_track"]
    assert p.loc["2024", "on_track"]
    with pytest.raises(ValueError, match="years"):
        fp.Target(scope="x", baseline_period="base", target_period="2030", reduction=0.4)


def test_change_splits_into_activity_mix_and_intensity() -> None:
    """Valve AS 2024 -> 2025 with the valve footprint halved in 2025, one product (so no mix effect):
    E0 = 10 x 310 = 3100, E1 = 12 x 155 = 1860, change -1240. LMDI-I weight L = (1860 - 3100) / ln(1860 / 3100)
    = -1240 / ln 0.6 = 2427.44; activity L ln(12 / 10) = 442.58, intensity L ln(155 / 310) = -1682.58."""
    r = chain()
    t24 = fp.footprint_table(r, period="2024")
    t25 = fp.footprint_table(r, period="2025")
    t25["total_kgco2e"] = t25["total_kgco2e"] * 0.5
    sf = fp.supplier_footprints(pd.concat([t24, t25]), deliveries())
    dec = fp.decompose_change(sf, "2024", "2025", supplier="Valve AS")
    weight = -1240.0 / math.log(0.6)
    assert dec.loc["GV-1", "activity_effect"] == pytest.approx(weight * math.log(1.2), rel=1e-12)
    assert dec.loc["GV-1", "activity_effect"] == pytest.approx(442.575, abs=1e-3)
    assert dec.loc["GV-1", "mix_effect"] == 0.0
    assert dec.loc["GV-1", "intensity_effect"] == pytest.approx(weight * math.log(0.5), rel=1e-12)
    assert dec.loc["GV-1", "volume_effect"] == pytest.approx(weight * math.log(1.2), rel=1e-12)
    total = dec.loc["total"]
    assert total["change"] == pytest.approx(-1240.0, rel=1e-12)
    parts = total["activity_effect"] + total["mix_effect"] + total["intensity_effect"]
    assert parts == pytest.approx(-1240.0, rel=1e-12)


def test_compare_two_designs() -> None:
    """A valve with a 40 kg body instead of 50 kg differs by -20 kg CO2e, all in the body's row."""
    a = chain()["GV-1"]
    lighter = {**VALVE, "items": [VALVE["items"][0], {**VALVE["items"][1], "net_mass": "40 kg"}, VALVE["items"][2]]}  # type: ignore[dict-item]
    b = fp.calculate_chain([fp.Product.model_validate(lighter), fp.Product.model_validate(ACTUATOR)], LIB)["GV-1"]
    diff = fp.compare(a, b)
    assert diff.index[0] == "valve/body"
    assert diff.iloc[0]["diff_kgco2e"] == pytest.approx(-20.0, rel=1e-12)
    assert diff["diff_kgco2e"].sum() == pytest.approx(b.total_kgco2e - a.total_kgco2e, rel=1e-12)
    by_module = fp.compare(a, b, by="module")
    assert by_module.loc["A1", "diff_kgco2e"] == pytest.approx(-20.0, rel=1e-12)


def test_catalogue_results_feed_supplier_footprints() -> None:
    """A catalogue result gives a footprint table that deliveries multiply the same way."""
    products = pd.DataFrame({"product": ["P"], "supplier": ["S"], "family": ["f"]})
    bom = pd.DataFrame({"parent": ["P"], "child": ["X"], "quantity": [2.0]})
    acts = pd.DataFrame({"item": ["X"], "factor": ["steel"], "amount": [1.0], "unit": ["kg"]})
    res = fp.calculate_catalogue(fp.prepare_catalogue(products, bom, acts, LIB))
    sf = fp.supplier_footprints(
        fp.footprint_table(res), pd.DataFrame({"product": ["P"], "period": ["2025"], "quantity": [3]})
    )
    assert sf.by_supplier["total_kgco2e"].iloc[0] == pytest.approx(3 * 2 * 2.0, rel=1e-12)
