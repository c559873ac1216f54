"""Catalogue Monte Carlo statistics: percentiles by partial sorts equal numpy's, and the law of the samples."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import footprint as fp
from footprint._uncertainty import _row_stats, percentiles_by_row

PROV = {"source": "test", "edition": "1", "region": "GLO", "licence": "CC0-1.0", "boundary": "cradle-to-gate"}


@settings(max_examples=200, deadline=None)
@given(
    hnp.arrays(
        np.float64,
        st.tuples(st.integers(1, 4), st.integers(1, 90)),
        # few distinct values as well as many: ties around the ranks the percentiles read
        elements=st.one_of(st.floats(-1e6, 1e6), st.sampled_from([0.0, 1.0, -2.5])),
    )
)
def test_percentiles_by_partial_sort_equal_numpys_bit_for_bit(samples: np.ndarray) -> None:
    """The law: for any rows of finite samples, the 2.5, 50 and 97.5 % percentiles found from a few order
    statistics are exactly ``np.percentile(..., axis=1)`` (linear interpolation), whatever the row length."""
    want = np.percentile(samples, (2.5, 50.0, 97.5), axis=1)
    assert np.array_equal(percentiles_by_row(samples.copy()), want)


def test_a_row_holding_nan_has_nan_statistics() -> None:
    """NaN in a row makes its mean, sd and percentiles NaN, as numpy's percentile does; other rows are
    untouched: the row 0, 1, ..., 40 has median 20 and 2.5 % percentile 0.025 x 40 = 1.0."""
    samples = np.vstack([np.arange(41.0), np.arange(41.0)])
    samples[1, 7] = np.nan
    stats = _row_stats(samples, ["ok", "nan"], [0.0, 0.0])
    assert stats.loc["ok", "median"] == 20.0
    assert stats.loc["ok", "p2_5"] == 1.0
    assert stats.loc["nan"].drop("deterministic").isna().all()


def _one_product(gsd: float) -> fp.ExplodedCatalogue:
    """One product: 1 kg of a material at 2 kg CO2 per kg whose factor is lognormal with this GSD."""
    factor = fp.EmissionFactor(
        id="steel", name="s", category="material", unit="kg", gases={"CO2": 2.0},
        uncertainty=fp.Uncertainty.parse(f"lognormal gsd={gsd}"), **PROV,
    )  # fmt: skip
    products = pd.DataFrame({"product": ["P"], "supplier": ["S"]})
    bom = pd.DataFrame({"parent": ["P"], "child": ["X"], "quantity": [1.0]})
    acts = pd.DataFrame({"item": ["X"], "factor": ["steel"], "amount": [1.0], "unit": ["kg"]})
    return fp.explode_catalogue(fp.prepare_catalogue(products, bom, acts, fp.FactorLibrary([factor])))


def test_catalogue_samples_follow_the_factors_law() -> None:
    """P = 2 x m with m lognormal, median 1, sigma = ln 1.5 = 0.405465: the median of P is 2, its mean
    2 exp(sigma^2 / 2) = 2.1716, its 2.5 and 97.5 % percentiles 2 exp(-/+ 1.959964 sigma) = 0.9051 and
    4.4196. With 4,000 iterations each statistic of ln P has a standard error of at most
    1.2533 sigma / sqrt(n) = 0.0080 (median), about 0.012 (tails): the test allows 4 standard errors, so it
    fails for a wrong law (a GSD of 1.6 moves the 97.5 % percentile by 12 %), not for the draw."""
    sigma = math.log(1.5)
    mc = fp.monte_carlo_catalogue(_one_product(1.5), iterations=4000, seed=11)
    row = mc.summary.loc["P"]
    assert row["deterministic"] == 2.0
    assert math.log(row["median"] / 2.0) == pytest.approx(0.0, abs=4 * 0.0080)
    assert row["mean"] == pytest.approx(2 * math.exp(sigma**2 / 2), rel=4 * 0.0080)
    assert math.log(row["p2_5"] / 2.0) == pytest.approx(-1.959964 * sigma, abs=4 * 0.012)
    assert math.log(row["p97_5"] / 2.0) == pytest.approx(1.959964 * sigma, abs=4 * 0.012)
    # one product, one supplier: the supplier's statistics are the product's
    pd.testing.assert_series_equal(mc.by_supplier.loc["S"], row, check_names=False)
    assert mc.total.mean() == pytest.approx(row["mean"], rel=1e-12)


def test_catalogue_monte_carlo_is_reproducible_by_seed() -> None:
    """The same seed gives the same statistics bit for bit; another seed other ones."""
    ex = _one_product(1.3)
    a, b = (fp.monte_carlo_catalogue(ex, iterations=300, seed=5) for _ in range(2))
    pd.testing.assert_frame_equal(a.summary, b.summary, check_exact=True)
    assert np.array_equal(a.total, b.total)
    c = fp.monte_carlo_catalogue(ex, iterations=300, seed=6)
    assert c.summary.loc["P", "median"] != a.summary.loc["P", "median"]
