"""Uncertainty: Monte Carlo laws, distributions, pedigree matrix, common random numbers, sensitivity, quality."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import footprint as fp

PROV = {"source": "test", "edition": "1", "region": "GLO", "licence": "CC0-1.0", "boundary": "cradle-to-gate"}


def lib(
    steel: float = 2.0, unc: str | None = "lognormal gsd=1.2", grid_unc: str | None = "lognormal gsd=1.1"
) -> fp.FactorLibrary:
    """Steel and grid factors with the given distributions."""
    u = fp.Uncertainty.parse(unc) if unc else None
    g = fp.Uncertainty.parse(grid_unc) if grid_unc else None
    return fp.FactorLibrary(
        [
            fp.EmissionFactor(
                id="steel", name="s", category="material", unit="kg", gases={"CO2": steel}, uncertainty=u, **PROV
            ),
            fp.EmissionFactor(
                id="grid", name="g", category="electricity", unit="kWh", gases={"CO2": 0.1}, uncertainty=g, **PROV
            ),
        ]
    )


def product(steel_kg: float = 100.0, kwh: float = 50.0, activity_unc: dict[str, object] | None = None) -> fp.Product:
    """A part of steel and some electricity (optionally uncertain in quantity)."""
    act: dict[str, object] = {"factor": "grid", "quantity": f"{kwh} kWh"}
    if activity_unc:
        act["uncertainty"] = activity_unc
    return fp.Product.model_validate(
        {
            "id": "p",
            "items": [
                {"id": "p", "children": [{"item": "part"}], "activities": [act]},
                {"id": "part", "kind": "part", "material": "steel", "net_mass": f"{steel_kg} kg"},
            ],
            "materials": [{"id": "steel", "factor": "steel"}],
        }
    )


def test_zero_spread_equals_the_deterministic_result_exactly() -> None:
    """With gsd 1 everywhere every iteration is the deterministic total, bit for bit: 100 x 2 + 50 x 0.1 = 205."""
    library = lib(unc="lognormal gsd=1", grid_unc="normal sd=0")
    det = fp.calculate(product(), library)
    mc = fp.monte_carlo(product(), library, iterations=50, seed=3, quantity_defaults=False)
    assert det.total_kgco2e == pytest.approx(205.0, rel=1e-12)
    assert np.all(mc.total == det.total_kgco2e)
    assert mc.by_module.loc["A1", "sd"] == 0.0


def test_lognormal_mean_converges_to_its_analytic_mean() -> None:
    """200 kg CO2e of steel with GSD 1.2 (median 200): mean 200 exp(s^2 / 2), s = ln 1.2; the sample mean of
    40,000 draws lies within 4 standard errors of it."""
    library = lib(unc="lognormal gsd=1.2", grid_unc="lognormal gsd=1")
    mc = fp.monte_carlo(product(kwh=0.0), library, iterations=40_000, seed=11, quantity_defaults=False)
    s = math.log(1.2)
    mean = 200.0 * math.exp(s * s / 2)
    sd = 200.0 * math.sqrt((math.exp(s * s) - 1) * math.exp(s * s))
    assert abs(mc.total.mean() - mean) < 4 * sd / math.sqrt(40_000)
    assert mc.summary.loc["total_kgco2e", "median"] == pytest.approx(200.0, rel=0.01)


@pytest.mark.parametrize(
    ("text", "mean"),
    [
        ("uniform min=0.8 max=1.4", (0.8 + 1.4) / 2),  # mean of a uniform: (a + b) / 2
        ("triangular min=0.7 mode=1.0 max=1.6", (0.7 + 1.0 + 1.6) / 3),  # mean of a triangular: (a + c + b) / 3
        ("normal sd=0.1", 1.0),  # a normal around the value
    ],
)
def test_other_distributions_have_their_means(text: str, mean: float) -> None:
    """The sample mean of 40,000 draws of 200 kg CO2e x the multiplier is within 1 % of 200 x its mean."""
    mc = fp.monte_carlo(
        product(kwh=0.0), lib(unc=text, grid_unc=None), iterations=40_000, seed=5, quantity_defaults=False
    )
    assert mc.total.mean() == pytest.approx(200.0 * mean, rel=0.01)


def test_same_seed_same_numbers() -> None:
    """The same seed gives the same samples; another seed other samples."""
    a = fp.monte_carlo(product(), lib(), iterations=200, seed=7)
    b = fp.monte_carlo(product(), lib(), iterations=200, seed=7)
    c = fp.monte_carlo(product(), lib(), iterations=200, seed=8)
    assert np.array_equal(a.total, b.total)
    assert not np.array_equal(a.total, c.total)
    pd.testing.assert_frame_equal(a.summary, b.summary)


def test_common_random_numbers_make_the_lower_alternative_always_lower() -> None:
    """A is B with a steel factor of 1.9 instead of 2.0: on common random numbers A < B in every iteration."""
    res = fp.compare_monte_carlo((product(), lib(steel=1.9)), (product(), lib(steel=2.0)), iterations=1000, seed=2)
    assert res["p_a_lower"] == 1.0
    assert res["mean_diff"] > 0


def test_one_draw_per_factor_and_per_activity() -> None:
    """Two parts of the same steel move together (one draw per factor): the samples of the total are exactly
    the deterministic total times the steel multiplier when steel is the only uncertain input."""
    library = lib(unc="lognormal gsd=1.3", grid_unc=None)
    library = fp.FactorLibrary(
        [
            f if f.id == "steel" else f.model_copy(update={"uncertainty": fp.Uncertainty.parse("lognormal gsd=1")})
            for f in library
        ]
    )
    mc = fp.monte_carlo(product(kwh=0.0), library, iterations=500, seed=4, quantity_defaults=False)
    ratio = mc.total / 200.0
    assert np.allclose(np.log(ratio).std(ddof=1), math.log(1.3), rtol=0.1)


def test_activity_uncertainty_is_drawn() -> None:
    """An activity quantity with sd 20 % widens the total; with sd 0 it does not."""
    library = lib(unc="lognormal gsd=1", grid_unc="lognormal gsd=1")
    wide = fp.monte_carlo(
        product(steel_kg=0.0, kwh=1000.0, activity_unc={"distribution": "normal", "sd": 0.2}),
        library,
        iterations=20_000,
        seed=9,
        quantity_defaults=False,
    )
    # 1000 kWh x 0.1 = 100 kg CO2e; sd 20 % of it
    assert wide.total.std(ddof=1) == pytest.approx(20.0, rel=0.05)
    assert (
        wide.sensitivity.index[0].startswith("quantity p|activities")
        or "items[0].activities[0]" in wide.sensitivity.index[0]
    )


def test_sensitivity_ranks_the_dominant_factor_first() -> None:
    """Steel (200 kg CO2e, GSD 1.5) dominates the grid (5 kg CO2e, GSD 1.1) in the variance."""
    mc = fp.monte_carlo(product(), lib(unc="lognormal gsd=1.5", grid_unc="lognormal gsd=1.1"), iterations=2000, seed=1)
    assert mc.sensitivity.index[0] == "steel"
    assert mc.sensitivity.loc["steel", "variance_share"] > 0.9
    assert mc.sensitivity["variance_share"].sum() == pytest.approx(1.0, rel=1e-12)


def test_pedigree_matrix_by_hand() -> None:
    """Scores (1,1,1,1,1) leave the basic variance 0.0006; (5,5,5,5,5) add 0.04 + 0.008 + 0.04 + 0.002 + 0.12
    (ecoinvent guideline, Weidema et al. 2013, Table 10.5)."""
    assert fp.pedigree_gsd(1, 1, 1, 1, 1) == pytest.approx(math.exp(math.sqrt(0.0006)), rel=1e-12)
    worst = 0.0006 + 0.04 + 0.008 + 0.04 + 0.002 + 0.12
    assert fp.pedigree_gsd(5, 5, 5, 5, 5) == pytest.approx(math.exp(math.sqrt(worst)), rel=1e-12)
    with pytest.raises(fp.InputError, match="pedigree"):
        fp.pedigree_gsd(0, 1, 1, 1, 1)


def test_factor_uncertainty_origins() -> None:
    """A factor's own distribution wins; ratings give a pedigree lognormal; nothing gives the flagged default."""
    own = fp.EmissionFactor(
        id="a",
        name="a",
        category="material",
        unit="kg",
        gases={"CO2": 1.0},
        uncertainty=fp.Uncertainty.parse("normal sd=0.1"),
        **PROV,
    )
    rated = own.model_copy(
        update={"uncertainty": None, "dqr_technological": 2, "dqr_geographical": 3, "dqr_temporal": 1}
    )
    bare = own.model_copy(update={"uncertainty": None})
    assert fp.factor_uncertainty(own)[1] == "source"
    dist, origin = fp.factor_uncertainty(rated)
    # reliability 2 and completeness 2 assumed: 0.0006 + 0.0006 + 0.0001 + 0 (temporal 1) + 0.0001 (geo 3) + 0.0006 (tech 2)
    assert origin == "pedigree"
    assert dist.gsd == pytest.approx(math.exp(math.sqrt(0.0006 + 0.0006 + 0.0001 + 0.0 + 0.0001 + 0.0006)), rel=1e-12)
    assert fp.factor_uncertainty(bare) == (fp.Uncertainty(distribution="lognormal", gsd=1.5), "default")
    mc = fp.monte_carlo(
        product(),
        fp.FactorLibrary([bare.model_copy(update={"id": "steel"}), *[f for f in lib() if f.id == "grid"]]),
        iterations=10,
    )
    assert "steel" in mc.defaults


def test_iterations_must_be_positive() -> None:
    """Zero iterations is refused with the field named."""
    with pytest.raises(fp.InputError, match="iterations"):
        fp.monte_carlo(product(), lib(), iterations=0)


def test_catalogue_monte_carlo() -> None:
    """Every product and supplier of a catalogue: zero spread gives the deterministic totals, and suppliers are
    sums of their products in every iteration."""
    products = pd.DataFrame({"product": ["P1", "P2"], "supplier": ["S", "S"]})
    bom = pd.DataFrame({"parent": ["P1", "P2"], "child": ["X", "X"], "quantity": [2.0, 3.0]})
    acts = pd.DataFrame(
        {"item": ["X", "P1"], "factor": ["steel", "grid"], "amount": [1.0, 10.0], "unit": ["kg", "kWh"]}
    )
    zero = lib(unc="lognormal gsd=1", grid_unc="lognormal gsd=1")
    ex = fp.explode_catalogue(fp.prepare_catalogue(products, bom, acts, zero))
    mc = fp.monte_carlo_catalogue(ex, iterations=100, seed=0)
    # P1 = 2 x 2.0 + 10 x 0.1 = 5, P2 = 3 x 2.0 = 6
    assert mc.summary.loc["P1", "mean"] == pytest.approx(5.0, rel=1e-12)
    assert mc.summary.loc["P2", "sd"] == pytest.approx(0.0, abs=1e-12)
    wide = fp.monte_carlo_catalogue(
        fp.explode_catalogue(fp.prepare_catalogue(products, bom, acts, lib())), iterations=500, seed=0
    )
    assert wide.by_supplier.loc["S", "mean"] == pytest.approx(wide.summary["mean"].sum(), rel=1e-12)


def test_data_quality_by_hand() -> None:
    """Steel (200 kg CO2e, ratings 2/3/1) and grid (5 kg CO2e, ratings 4/4/4): technological
    (200 x 2 + 5 x 4) / 205; a factor valid only in 2020 is flagged for a 2025 period, a GB factor for NO."""
    steel = next(f for f in lib() if f.id == "steel").model_copy(
        update={"dqr_technological": 2, "dqr_geographical": 3, "dqr_temporal": 1, "valid_to": date(2020, 12, 31)}
    )
    grid = next(f for f in lib() if f.id == "grid").model_copy(
        update={"dqr_technological": 4, "dqr_geographical": 4, "dqr_temporal": 4, "region": "GB"}
    )
    library = fp.FactorLibrary([steel, grid])
    r = fp.calculate(product(), library)
    q = fp.data_quality(r, library, period=(date(2025, 1, 1), date(2025, 12, 31)), region="NO")
    assert q.technological == pytest.approx((200 * 2 + 5 * 4) / 205, rel=1e-12)
    assert q.geographical == pytest.approx((200 * 3 + 5 * 4) / 205, rel=1e-12)
    assert q.coverage == 1.0
    assert any("steel" in f and "outside the reference period" in f for f in q.flags)
    assert any("grid" in f and "region GB" in f for f in q.flags)


def test_chart_of_the_distribution_by_module(tmp_path: Path) -> None:
    """One box per module present, saved as PNG; a catalogue's result (no module samples) is refused."""
    pytest.importorskip("matplotlib")
    mc = fp.monte_carlo(product(), lib(), iterations=300, seed=1)
    fig = fp.chart_uncertainty(mc)
    # modules present: A1 (steel) and A3 (grid)
    assert [t.get_text().split()[0] for t in fig.axes[0].get_yticklabels()] == ["A1", "A3"]
    path = fp.save_chart(fig, tmp_path / "mc.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    products = pd.DataFrame({"product": ["P"]})
    bom = pd.DataFrame({"parent": ["P"], "child": ["X"], "quantity": [1.0]})
    acts = pd.DataFrame({"item": ["X"], "factor": ["steel"], "amount": [1.0], "unit": ["kg"]})
    cat = fp.monte_carlo_catalogue(
        fp.explode_catalogue(fp.prepare_catalogue(products, bom, acts, lib())), iterations=10
    )
    with pytest.raises(ValueError, match="catalogue"):
        fp.chart_uncertainty(cat)


def test_validity_and_region_are_flagged_in_the_result() -> None:
    """A steel factor valid only until 2020 and a GB grid factor, in a product of 2025 made in NO: both flagged."""
    steel = next(f for f in lib() if f.id == "steel").model_copy(update={"valid_to": date(2020, 12, 31)})
    grid = next(f for f in lib() if f.id == "grid").model_copy(update={"region": "GB"})
    p = product().model_copy(
        update={"reference_period": fp.Period(start=date(2025, 1, 1), end=date(2025, 12, 31)), "region": "NO"}
    )
    r = fp.calculate(p, fp.FactorLibrary([steel, grid]))
    assert any("steel" in w and "outside the reference period" in w for w in r.warnings)
    assert any("grid" in w and "region GB" in w for w in r.warnings)
    assert not any(
        "region" in w
        for w in fp.calculate(p.model_copy(update={"region": None}), fp.FactorLibrary([steel, grid])).warnings
    )


def test_catalogue_monte_carlo_weighted_by_deliveries() -> None:
    """With deliveries, suppliers are per period: 2024 = 2 x P1 (5) = 10, 2025 = 3 x P1 + 1 x P2 (6) = 21 at
    zero spread; an unknown product is a DeliveryError naming its row."""
    products = pd.DataFrame({"product": ["P1", "P2"], "supplier": ["S", "S"]})
    bom = pd.DataFrame({"parent": ["P1", "P2"], "child": ["X", "X"], "quantity": [2.0, 3.0]})
    acts = pd.DataFrame(
        {"item": ["X", "P1"], "factor": ["steel", "grid"], "amount": [1.0, 10.0], "unit": ["kg", "kWh"]}
    )
    ex = fp.explode_catalogue(
        fp.prepare_catalogue(products, bom, acts, lib(unc="lognormal gsd=1", grid_unc="lognormal gsd=1"))
    )
    deliveries = pd.DataFrame(
        {"product": ["P1", "P1", "P2"], "period": ["2024", "2025", "2025"], "quantity": [2, 3, 1]}
    )
    mc = fp.monte_carlo_catalogue(ex, iterations=20, deliveries=deliveries)
    assert mc.by_supplier.loc[("2024", "S"), "mean"] == pytest.approx(10.0, rel=1e-12)
    assert mc.by_supplier.loc[("2025", "S"), "mean"] == pytest.approx(21.0, rel=1e-12)
    assert np.allclose(mc.total, 31.0)
    bad = pd.DataFrame({"product": ["P9"], "period": ["2024"], "quantity": [1]})
    with pytest.raises(fp.DeliveryError) as info:
        fp.monte_carlo_catalogue(ex, iterations=5, deliveries=bad)
    assert info.value.problems[0].row == 2
