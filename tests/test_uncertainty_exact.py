"""Uncertainty that means what it says: common random numbers keyed by id, basic uncertainties per gas and
class, default quantity uncertainties, exact variance shares, truncated normals."""

from __future__ import annotations

import math

import numpy as np
import pytest

import footprint as fp

PROV = {"source": "test", "edition": "1", "region": "GLO", "licence": "CC0-1.0", "boundary": "cradle-to-gate"}


def factor(fid: str, gases: dict[str, float], unc: str | None = None, category: str = "material") -> fp.EmissionFactor:
    return fp.EmissionFactor(
        id=fid,
        name=fid,
        category=category,  # type: ignore[arg-type]
        unit="kg",
        gases=gases,
        uncertainty=fp.Uncertainty.parse(unc) if unc else None,
        **PROV,
    )


def product(extra_kg: float | None = None, unc: dict[str, object] | None = None) -> fp.Product:
    """Steel part (100 kg) and 50 kg of a 'grid' activity on the root; optionally ``extra_kg`` of 'extra'."""
    acts: list[dict[str, object]] = [{"factor": "grid", "quantity": "50 kg"}]
    if unc:
        acts[0]["uncertainty"] = unc
    if extra_kg is not None:
        acts.append({"factor": "extra", "quantity": f"{extra_kg} kg"})
    return fp.Product.model_validate(
        {
            "id": "p",
            "items": [
                {"id": "p", "children": [{"item": "part"}], "activities": acts},
                {"id": "part", "kind": "part", "material": "steel", "net_mass": "100 kg"},
            ],
            "materials": [{"id": "steel", "factor": "steel"}],
        }
    )


LIB = fp.FactorLibrary(
    [
        factor("steel", {"CO2": 2.0}, "lognormal gsd=1.5"),
        factor("grid", {"CO2": 0.1}, "lognormal gsd=1.1"),
        factor("extra", {"CO2": 1.0}, "lognormal gsd=1.3"),
        factor("aaa", {"CO2": 1.0}, "lognormal gsd=1.3"),  # sorts before every other id
    ]
)


@pytest.mark.parametrize("extra", ["extra", "aaa"])
def test_common_random_numbers_are_keyed_by_factor_id(extra: str) -> None:
    """B is A plus 0.01 kg of one more factor: B - A = 0.01 x that factor's draw > 0 in every iteration, so
    P(A < B) = 1 exactly. Draws keyed by position (sorted ids) shift every shared factor's column when the
    sets differ, and gave P = 0.50."""
    b = product(extra_kg=0.01)
    if extra == "aaa":
        b = b.model_copy(update={"items": [b.items[0].model_copy(update={"activities": [
            b.items[0].activities[0], b.items[0].activities[1].model_copy(update={"factor": "aaa"})]}), b.items[1]]})  # fmt: skip
    res = fp.compare_monte_carlo((product(), LIB), (b, LIB), iterations=2000, seed=3)
    assert res["p_a_lower"] == 1.0
    assert 0 < res["diff_p2_5"] < res["diff_p97_5"] < 0.01 * 1.3**3  # 0.01 kg x a draw of GSD 1.3


def test_shared_factor_draws_do_not_depend_on_the_other_factors() -> None:
    """A product that also uses 0 kg of 'extra' (which sorts before 'grid' and 'steel') has the same samples,
    to rounding: its shared factors get the same draws (same seed)."""
    one = fp.monte_carlo(product(), LIB, iterations=300, seed=5, quantity_defaults=False)
    two = fp.monte_carlo(product(extra_kg=0.0), LIB, iterations=300, seed=5, quantity_defaults=False)
    assert np.allclose(one.total, two.total, rtol=1e-12, atol=0)


def test_basic_variance_by_gas_and_class() -> None:
    """Weidema et al. 2013, Table 10.4 (variance of ln): CO2 0.0006, CH4 and N2O from combustion 0.04; a mixed
    factor weights them by the square of each gas's CO2e share (AR6: CH4 fossil 29.8, IPCC AR6 WGI 7.SM.7).
    Ratings (1, 1, 1) with reliability and completeness 2 assumed add 0.0006 + 0.0001 (Table 10.5)."""
    rated = {"dqr_technological": 1, "dqr_geographical": 1, "dqr_temporal": 1}
    co2 = factor("c", {"CO2": 1.0}).model_copy(update=rated)
    ch4 = factor("m", {"CH4_fossil": 1.0}, category="fuel").model_copy(update=rated)
    mixed = factor("x", {"CO2": 1.0, "CH4_fossil": 0.01}).model_copy(update=rated)
    assert fp.factor_uncertainty(co2)[0].gsd == pytest.approx(math.exp(math.sqrt(0.0006 + 0.0007)), rel=1e-12)
    assert fp.factor_uncertainty(ch4)[0].gsd == pytest.approx(math.exp(math.sqrt(0.04 + 0.0007)), rel=1e-12)
    s_co2, s_ch4 = 1.0 / 1.298, 0.298 / 1.298
    basic = s_co2**2 * 0.0006 + s_ch4**2 * 0.04
    assert fp.factor_uncertainty(mixed)[0].gsd == pytest.approx(math.exp(math.sqrt(basic + 0.0007)), rel=1e-12)


def test_docs_gsd_of_the_basic_variance() -> None:
    """Variance of ln 0.0006 is a GSD of exp(sqrt(0.0006)) = 1.0248, whose square (the 95 % factor) is 1.050."""
    gsd = fp.pedigree_gsd(1, 1, 1, 1, 1)
    assert round(gsd, 4) == 1.0248
    assert round(gsd**2, 3) == 1.050


def test_quantities_get_the_basic_uncertainty_of_their_kind() -> None:
    """Exact factors; the transport leg's t km spread is variance 0.12 of ln (transport services, Weidema et
    al. 2013 Table 10.4): ln(total / deterministic) has sd sqrt(0.12) = 0.346; without defaults it is exact."""
    exact = fp.FactorLibrary([factor("steel", {"CO2": 2.0}, "lognormal gsd=1")])
    truck = fp.EmissionFactor(
        id="truck", name="t", category="freight", unit="t*km", gases={"CO2": 0.1}, uncertainty=None,
        **{**PROV, "boundary": "tank-to-wheel"},
    ).model_copy(update={"uncertainty": fp.Uncertainty.parse("lognormal gsd=1")})  # fmt: skip
    lib = exact.merge(fp.FactorLibrary([truck]))
    p = fp.Product.model_validate(
        {
            "id": "p",
            "items": [
                {
                    "id": "p",
                    "kind": "component",
                    "mass": "1000 kg",
                    "activities": [{"factor": "steel", "quantity": "0 kg"}],
                }
            ],
            "transport": [{"factor": "truck", "distance": "100 km"}],
        }
    )
    det = fp.calculate(p, lib).total_kgco2e  # 1 t x 100 km x 0.1 = 10 kg CO2e
    assert det == pytest.approx(10.0, rel=1e-12)
    mc = fp.monte_carlo(p, lib, iterations=20_000, seed=1)
    assert np.log(mc.total / det).std(ddof=1) == pytest.approx(math.sqrt(0.12), rel=0.03)
    off = fp.monte_carlo(p, lib, iterations=100, seed=1, quantity_defaults=False)
    assert np.all(off.total == det)


def test_variance_shares_are_exact_for_a_linear_total() -> None:
    """Steel 200 kg CO2e (GSD 1.5) and grid 5 kg CO2e (GSD 1.1), exact quantities: the total is linear in the
    two draws, Var = sum k^2 v with v = (e^{s^2} - 1) e^{s^2} of each lognormal; the shares are k^2 v / Var
    and agree with the sample variance of 200,000 iterations within 2 %."""
    v = {g: (math.exp(math.log(g) ** 2) - 1) * math.exp(math.log(g) ** 2) for g in (1.5, 1.1)}
    var = 200.0**2 * v[1.5] + 5.0**2 * v[1.1]
    mc = fp.monte_carlo(product(), LIB, iterations=200_000, seed=2, quantity_defaults=False)
    assert mc.sensitivity.loc["steel", "variance_share"] == pytest.approx(200.0**2 * v[1.5] / var, rel=1e-12)
    assert mc.sensitivity.loc["grid", "variance_share"] == pytest.approx(5.0**2 * v[1.1] / var, rel=1e-12)
    assert mc.total.var(ddof=1) == pytest.approx(var, rel=0.02)


def test_variance_shares_with_an_interaction() -> None:
    """One contribution k = 5 (grid) with factor m (GSD 1.1) and quantity q (uniform 0.5-1.5, mean 1, variance
    1/12): Var(k m q) = k^2 [(v + mu^2)(w + nu^2) - mu^2 nu^2]; first-order parts k^2 v nu^2 and k^2 w mu^2,
    the rest is the interaction. Steel is exact here."""
    lib = fp.FactorLibrary([factor("steel", {"CO2": 2.0}, "lognormal gsd=1"), *[f for f in LIB if f.id == "grid"]])
    s2 = math.log(1.1) ** 2
    mu, v = math.exp(s2 / 2), (math.exp(s2) - 1) * math.exp(s2)
    nu, w = 1.0, 1.0 / 12
    parts = {"grid": 25 * v * nu**2, "q": 25 * w * mu**2, "interactions": 25 * v * w}
    var = sum(parts.values())
    assert var == pytest.approx(25 * ((v + mu**2) * (w + nu**2) - mu**2 * nu**2), rel=1e-12)
    mc = fp.monte_carlo(
        product(unc={"distribution": "uniform", "min": 0.5, "max": 1.5}), lib, iterations=200_000, seed=4,
        quantity_defaults=False,
    )  # fmt: skip
    sens = mc.sensitivity["variance_share"]
    assert sens["grid"] == pytest.approx(parts["grid"] / var, rel=1e-12)
    assert sens["interactions"] == pytest.approx(parts["interactions"] / var, rel=1e-12)
    quantity = next(k for k in sens.index if k.startswith("quantity p|"))
    assert sens[quantity] == pytest.approx(parts["q"] / var, rel=1e-12)
    assert sens.sum() == pytest.approx(1.0, rel=1e-12)
    assert mc.total.var(ddof=1) == pytest.approx(var, rel=0.02)


def test_normal_draws_are_truncated_at_zero() -> None:
    """sd 0.5: untruncated, P(1 + 0.5 z < 0) = Phi(-2) = 2.3 %; truncated, no draw is negative and the mean is
    that of the truncated normal, 1 + sd phi(a) / (1 - Phi(a)) with a = -1/sd (= 1.0276 here)."""
    lib = fp.FactorLibrary(
        [factor("steel", {"CO2": 2.0}, "normal sd=0.5"), factor("grid", {"CO2": 0.1}, "normal sd=0")]
    )
    mc = fp.monte_carlo(product(), lib, iterations=100_000, seed=6, quantity_defaults=False)
    steel = mc.total - 5.0
    assert steel.min() > 0
    a = -2.0
    phi, tail = math.exp(-a * a / 2) / math.sqrt(2 * math.pi), 0.5 * math.erfc(a / math.sqrt(2))
    mean = 1 + 0.5 * phi / tail
    assert round(mean, 4) == 1.0276
    assert steel.mean() == pytest.approx(200.0 * mean, rel=0.005)
