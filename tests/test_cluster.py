"""Cluster totals without double counting (gross, intra-cluster, net) and the LMDI-I split of a change into
activity, mix and intensity, derived by hand."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import footprint as fp

CLUSTER = Path(__file__).parent.parent / "examples" / "cluster"
DELIVERIES = CLUSTER / "deliveries.csv"
ACT, VALVE, MAN = "Agder Actuators AS", "Sørlandet Valves AS", "Kristiansand Subsea AS"
SUPPLIERS = [fp.Supplier(id=s, country="NO", cluster="Sørlandet cluster") for s in (ACT, VALVE, MAN)]


def table(per_piece: dict[str, tuple[str, float]], period: str | None = None, mass: float = 1000.0) -> pd.DataFrame:
    """A footprint table written by hand: product -> (supplier, kg CO2e per piece), every product 1 t."""
    rows = [
        {"product": p, "supplier": s, "family": "f", "declared_unit": "1 piece", "mass_kg": mass,
         "total_kgco2e": kg, "cradle_to_gate_kgco2e": kg, "module_d_kgco2e": 0.0, "primary_kgco2e": 0.0}
        for p, (s, kg) in per_piece.items()
    ]  # fmt: skip
    df = pd.DataFrame(rows).set_index("product")
    if period is not None:
        df.insert(0, "period", period)
    return df


# Round footprints for the example's three tiers: the actuator 1,000 kg, the valve 6,000 kg (its actuator
# included), the manifold 50,000 kg (its four valves included).
ROUND = {"ACT-10": (ACT, 1000.0), "GV-5": (VALVE, 6000.0), "MAN-4": (MAN, 50000.0)}


def round_cluster() -> fp.SupplierFootprints:
    """The example's deliveries (examples/cluster/deliveries.csv) times the round footprints."""
    return fp.supplier_footprints(table(ROUND), DELIVERIES, periods=["2023", "2024", "2025"], suppliers=SUPPLIERS)


def test_gross_intra_and_net_of_the_three_supplier_example_by_hand() -> None:
    """deliveries.csv: ACT-10 to the valve maker (a member) 40/44/52 and exported 25/30/28; GV-5 to the
    manifold maker (a member) 36/40/48; MAN-4 to the operator 8/9/11.

    2023: gross = 65 x 1,000 + 36 x 6,000 + 8 x 50,000 = 65,000 + 216,000 + 400,000 = 681,000
          intra = 40 x 1,000 + 36 x 6,000 = 256,000;  net = 25 x 1,000 + 8 x 50,000 = 425,000
    2024: gross = 74,000 + 240,000 + 450,000 = 764,000; intra = 44,000 + 240,000 = 284,000; net = 480,000
    2025: gross = 80,000 + 288,000 + 550,000 = 918,000; intra = 52,000 + 288,000 = 340,000; net = 578,000
    """
    ct = round_cluster().cluster_totals.xs("Sørlandet cluster", level="cluster")
    expected = {
        "2023": (681_000.0, 256_000.0, 425_000.0),
        "2024": (764_000.0, 284_000.0, 480_000.0),
        "2025": (918_000.0, 340_000.0, 578_000.0),
    }
    for period, (gross, intra, net) in expected.items():
        row = ct.loc[period]
        assert row["gross_kgco2e"] == pytest.approx(gross, rel=1e-12), period
        assert row["intra_cluster_kgco2e"] == pytest.approx(intra, rel=1e-12), period
        assert row["net_kgco2e"] == pytest.approx(net, rel=1e-12), period
        assert row["intra_cluster_share"] == pytest.approx(intra / gross, rel=1e-12), period


def test_intra_cluster_flows_are_named() -> None:
    """Two flows a year, named by supplier, customer and product: 2023 ACT-10 40 pieces = 40,000 kg to the
    valve maker, GV-5 36 pieces = 216,000 kg to the manifold maker."""
    flows = round_cluster().intra_cluster_flows
    assert len(flows) == 6
    f23 = flows.xs("2023", level="period").droplevel("cluster")
    assert f23.loc[(ACT, VALVE, "ACT-10"), "quantity"] == 40.0
    assert f23.loc[(ACT, VALVE, "ACT-10"), "total_kgco2e"] == pytest.approx(40_000.0, rel=1e-12)
    assert f23.loc[(VALVE, MAN, "GV-5"), "total_kgco2e"] == pytest.approx(216_000.0, rel=1e-12)
    assert f23.loc[(VALVE, MAN, "GV-5"), "mass_t"] == pytest.approx(36.0, rel=1e-12)  # 36 valves of 1 t


def test_net_roll_up_keeps_every_column() -> None:
    """by_cluster_net has the columns of by_cluster over the deliveries that leave: 2023 net 425,000 kg, 33
    pieces (25 actuators + 8 manifolds) and 33 t; by_cluster stays gross (681,000 kg, 109 pieces)."""
    sf = round_cluster()
    net = sf.by_cluster_net.loc[("2023", "Sørlandet cluster")]
    assert net["total_kgco2e"] == pytest.approx(425_000.0, rel=1e-12)
    assert net["quantity"] == 33.0
    assert net["mass_t"] == pytest.approx(33.0, rel=1e-12)
    assert sf.by_cluster.loc[("2023", "Sørlandet cluster"), "total_kgco2e"] == pytest.approx(681_000.0, rel=1e-12)
    assert sf.by_cluster.loc[("2023", "Sørlandet cluster"), "quantity"] == 40 + 25 + 36 + 8


def test_progress_of_a_cluster_counts_each_product_once() -> None:
    """Net 2023 425,000 -> 2025 578,000: reduction achieved 1 - 578/425 = -36 %; gross on request:
    1 - 918/681 = -34.8 %."""
    sf = round_cluster()
    target = fp.Target(scope="Sørlandet cluster", level="cluster", baseline_period="2023", target_period="2030",
                       reduction=0.4)  # fmt: skip
    assert fp.progress(sf, target).loc["2025", "reduction_achieved"] == pytest.approx(1 - 578 / 425, rel=1e-12)
    gross = target.model_copy(update={"basis": "gross"})
    assert fp.progress(sf, gross).loc["2025", "reduction_achieved"] == pytest.approx(1 - 918 / 681, rel=1e-12)


def test_per_tonne_progress_of_a_cluster_is_net_too() -> None:
    """Every product weighs 1 t: net 2023 is 425,000 kg over 25 + 8 = 33 t, net 2025 578,000 kg over
    28 + 11 = 39 t; reduction achieved 1 - (578,000 / 39) / (425,000 / 33)."""
    sf = round_cluster()
    target = fp.Target(scope="Sørlandet cluster", level="cluster", baseline_period="2023", target_period="2030",
                       reduction=0.4, metric="per_tonne")  # fmt: skip
    p = fp.progress(sf, target)
    assert p.loc["2023", "value"] == pytest.approx(425_000 / 33, rel=1e-12)
    assert p.loc["2025", "reduction_achieved"] == pytest.approx(1 - (578_000 / 39) / (425_000 / 33), rel=1e-12)


def test_the_example_cluster_net_is_what_leaves_it() -> None:
    """On the example's computed footprints, net = exported actuators + delivered manifolds and intra = the
    actuators and valves delivered to members (2023: 25 and 8; 40 and 36), so gross exceeds net by the
    intra-cluster deliveries (738.8 t against 459.5 t on the bundled factors at the time of writing)."""
    lib = fp.default_library()
    results = fp.calculate_chain([fp.load_product(CLUSTER / f"{n}.yaml") for n in ("act-10", "gv-5", "man-4")], lib,
                                 prefolded="report")  # fmt: skip
    per = {p: r.total_kgco2e for p, r in results.items()}
    sf = fp.supplier_footprints(fp.footprint_table(results), DELIVERIES, suppliers=SUPPLIERS)
    row = sf.cluster_totals.loc[("2023", "Sørlandet cluster")]
    assert row["net_kgco2e"] == pytest.approx(25 * per["ACT-10"] + 8 * per["MAN-4"], rel=1e-12)
    assert row["intra_cluster_kgco2e"] == pytest.approx(40 * per["ACT-10"] + 36 * per["GV-5"], rel=1e-12)
    assert row["gross_kgco2e"] == pytest.approx(row["net_kgco2e"] + row["intra_cluster_kgco2e"], rel=1e-12)


def test_customers_match_by_id_or_name_and_only_within_the_cluster() -> None:
    """A customer named by the supplier's name counts as a member; a member of another cluster is a customer
    outside: A (cluster X) delivers 1 piece of 100 kg to B by name (X, intra) and 2 to C (cluster Y, net)."""
    sups = [fp.Supplier(id="A", cluster="X"), fp.Supplier(id="b-01", name="B Valves", cluster="X"),
            fp.Supplier(id="C", cluster="Y")]  # fmt: skip
    d = pd.DataFrame({"product": ["PA", "PA"], "period": ["2025", "2025"], "quantity": [1, 2],
                      "customer": [" B Valves ", "C"]})  # fmt: skip
    sf = fp.supplier_footprints(table({"PA": ("A", 100.0)}), d, suppliers=sups)
    row = sf.cluster_totals.loc[("2025", "X")]
    assert (row["gross_kgco2e"], row["intra_cluster_kgco2e"], row["net_kgco2e"]) == pytest.approx((300, 100, 200))
    assert sf.lines["intra_cluster"].tolist() == [True, False]


def test_without_customers_nothing_is_intra_cluster() -> None:
    """Deliveries without a customer column cannot show flows between members: net equals gross."""
    d = pd.DataFrame({"product": ["PA"], "period": ["2025"], "quantity": [3]})
    sf = fp.supplier_footprints(table({"PA": ("A", 100.0)}), d)
    assert sf.cluster_totals.loc[("2025", "cluster"), "net_kgco2e"] == pytest.approx(300.0, rel=1e-12)
    assert sf.intra_cluster_flows.empty


# --- activity, mix and intensity (LMDI-I) -----------------------------------------------------------------


def two_periods(fp24: dict[str, float], fp25: dict[str, float], q24: dict[str, float], q25: dict[str, float],
                mass: float = 1000.0) -> fp.SupplierFootprints:  # fmt: skip
    """Footprints per piece and pieces delivered, per product, in 2024 and 2025 (one supplier S)."""
    t = pd.concat([table({p: ("S", v) for p, v in fp24.items()}, "2024", mass),
                   table({p: ("S", v) for p, v in fp25.items()}, "2025", mass)])  # fmt: skip
    rows = [(p, "2024", q) for p, q in q24.items()] + [(p, "2025", q) for p, q in q25.items()]
    return fp.supplier_footprints(t, pd.DataFrame(rows, columns=["product", "period", "quantity"]))


def test_pure_mix_shift_is_mix_and_intensity_not_volume() -> None:
    """200 pieces both years; 2024 all A at 5 kg; 2025 100 A at 4.5 kg and 100 B at 1 kg.
    E0 = 1000, E1 = 450 + 100 = 550, change -450. Activity: ln(200 / 200) = 0.
    A: L(1000, 450) = 550 / ln(1000 / 450) = 688.79; mix L ln(0.5 / 1) = -477.43; intensity L ln(4.5 / 5) = -72.57.
    B is new: E0 = 0, so its whole +100 goes to the factor that is zero in 2024, its share (Ang & Liu 2007).
    Totals: activity 0, mix -377.43, intensity -72.57 (the per-product two-factor split said volume -375,
    intensity -75)."""
    sf = two_periods({"A": 5.0, "B": 1.0}, {"A": 4.5, "B": 1.0}, {"A": 200}, {"A": 100, "B": 100})
    dec = fp.decompose_change(sf, "2024", "2025")
    weight = 550.0 / math.log(1000.0 / 450.0)
    assert dec.loc["A", "mix_effect"] == pytest.approx(weight * math.log(0.5), rel=1e-12)
    assert dec.loc["A", "intensity_effect"] == pytest.approx(weight * math.log(0.9), rel=1e-12)
    assert dec.loc["B", "mix_effect"] == pytest.approx(100.0, rel=1e-12)
    assert dec.loc["B", "intensity_effect"] == 0.0
    total = dec.loc["total"]
    assert total["activity_effect"] == 0.0
    assert round(total["mix_effect"]) == -377
    assert round(total["intensity_effect"]) == -73
    assert total["mix_effect"] + total["intensity_effect"] == pytest.approx(-450.0, rel=1e-12)


def test_growth_at_constant_mix_and_intensity_is_all_activity() -> None:
    """Every product's deliveries doubled, same footprints: change = E0 (1 x 10 + 3 x 2 = 16), all activity,
    since L(E, 2E) ln 2 = (2E - E) / ln 2 x ln 2 = E; mix and intensity 0."""
    sf = two_periods({"A": 10.0, "B": 2.0}, {"A": 10.0, "B": 2.0}, {"A": 1, "B": 3}, {"A": 2, "B": 6})
    total = fp.decompose_change(sf, "2024", "2025").loc["total"]
    assert total["activity_effect"] == pytest.approx(16.0, rel=1e-12)
    assert abs(total["mix_effect"]) < 1e-12
    assert abs(total["intensity_effect"]) < 1e-12


def test_a_discontinued_product_is_mix() -> None:
    """A (10 kg) 2 pieces and B (4 kg) 2 pieces in 2024, only B 4 pieces in 2025: activity 4 -> 4 is 0; A's
    -20 goes whole to its share (zero in 2025); B: L(8, 16) = 8 / ln 2, share 0.5 -> 1: mix +8; change -12."""
    sf = two_periods({"A": 10.0, "B": 4.0}, {"A": 10.0, "B": 4.0}, {"A": 2, "B": 2}, {"B": 4})
    dec = fp.decompose_change(sf, "2024", "2025")
    assert dec.loc["A", "mix_effect"] == pytest.approx(-20.0, rel=1e-12)
    assert dec.loc["B", "mix_effect"] == pytest.approx(8.0, rel=1e-12)
    assert dec.loc["total", "change"] == pytest.approx(-12.0, rel=1e-12)


def test_the_decomposition_refuses_what_does_not_add_up() -> None:
    """Pieces and metres cannot be summed as activity (tonnes can); an intensity that changes sign has no
    log change; a period without deliveries, or with nothing delivered, is named."""
    sf = two_periods({"A": 5.0}, {"A": 4.0}, {"A": 1}, {"A": 2})
    lines = sf.lines.copy()
    lines.loc[lines["period"] == "2025", "declared_unit"] = "1 m"
    mixed = fp.SupplierFootprints(**{**sf.__dict__, "lines": lines})
    with pytest.raises(fp.InputError, match="different units"):
        fp.decompose_change(mixed, "2024", "2025")
    by_mass = fp.decompose_change(mixed, "2024", "2025", activity="mass_t")
    # 1 t -> 2 t, intensity 5 -> 4 kg per t: L(5, 8) = 3 / ln 1.6; activity L ln 2
    assert by_mass.loc["A", "activity_effect"] == pytest.approx(3 / math.log(1.6) * math.log(2), rel=1e-12)
    flip = two_periods({"A": 5.0}, {"A": -1.0}, {"A": 1}, {"A": 1})
    with pytest.raises(fp.InputError, match="changes sign"):
        fp.decompose_change(flip, "2024", "2025")
    with pytest.raises(fp.InputError, match="no deliveries"):
        fp.decompose_change(sf, "2024", "2019")
    nothing = two_periods({"A": 5.0}, {"A": 5.0}, {"A": 1}, {"A": 0})
    with pytest.raises(fp.InputError, match="no activity"):
        fp.decompose_change(nothing, "2024", "2025")


QTY = st.just(0.0) | st.floats(0.01, 100)


@settings(max_examples=30)
@given(
    st.lists(st.tuples(QTY, QTY, st.floats(0.1, 50), st.floats(0.1, 50)), min_size=1, max_size=6).filter(lambda r: sum(x[0] for x in r) > 0 and sum(x[1] for x in r) > 0)
)  # fmt: skip
def test_effects_add_up_to_the_change_exactly(rows: list[tuple[float, float, float, float]]) -> None:
    """The law of an exact decomposition: per product and in total, activity + mix + intensity = change
    (change itself computed here by hand as q1 i1 - q0 i0)."""
    names = [f"P{k}" for k in range(len(rows))]
    q24 = {n: r[0] for n, r in zip(names, rows, strict=True) if r[0] > 0}
    q25 = {n: r[1] for n, r in zip(names, rows, strict=True) if r[1] > 0}
    fp24 = {n: r[2] for n, r in zip(names, rows, strict=True)}
    fp25 = {n: r[3] for n, r in zip(names, rows, strict=True)}
    dec = fp.decompose_change(two_periods(fp24, fp25, q24, q25), "2024", "2025")
    change = math.fsum(q25.get(n, 0) * fp25[n] for n in names) - math.fsum(q24.get(n, 0) * fp24[n] for n in names)
    parts = dec[["activity_effect", "mix_effect", "intensity_effect"]].sum(axis=1)
    np.testing.assert_allclose(parts.to_numpy(), dec["change"].to_numpy(), rtol=1e-9, atol=1e-9)
    assert parts["total"] == pytest.approx(change, rel=1e-9, abs=1e-9)


def test_a_cluster_change_is_decomposed_on_its_net_deliveries() -> None:
    """Round footprints, 2024 -> 2025, leaving the cluster: actuators exported 30 -> 28, manifolds 9 -> 11,
    39 pieces both years, so activity 0; intensities unchanged, so intensity 0; the change is all mix:
    ACT-10 (28 - 30) x 1,000 = -2,000, MAN-4 (11 - 9) x 50,000 = +100,000. GV-5 never leaves the cluster."""
    dec = fp.decompose_change(round_cluster(), "2024", "2025", cluster="Sørlandet cluster")
    assert "GV-5" not in dec.index
    assert dec.loc["ACT-10", "mix_effect"] == pytest.approx(-2_000.0, rel=1e-12)
    assert dec.loc["MAN-4", "mix_effect"] == pytest.approx(100_000.0, rel=1e-12)
    assert dec.loc["total", "activity_effect"] == 0.0
    assert abs(dec.loc["total", "intensity_effect"]) < 1e-9
