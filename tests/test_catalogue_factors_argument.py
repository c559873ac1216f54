"""Replacing a catalogue's factor values is ``factors=``; ``library=`` is its deprecated spelling."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import footprint as fp

PROV = {"source": "test", "edition": "1", "region": "GLO", "licence": "CC0-1.0", "boundary": "cradle-to-gate"}


def steel(kg_co2_per_kg: float) -> fp.FactorLibrary:
    return fp.FactorLibrary(
        [fp.EmissionFactor(id="steel", name="s", category="material", unit="kg", gases={"CO2": kg_co2_per_kg}, **PROV)]
    )


def exploded() -> fp.ExplodedCatalogue:
    """One product P of one body B with 10 kg of steel."""
    products = pd.DataFrame({"product": ["P"], "supplier": ["S"]})
    bom = pd.DataFrame({"parent": ["P"], "child": ["B"], "quantity": [1.0]})
    acts = pd.DataFrame({"item": ["B"], "factor": ["steel"], "amount": [10.0], "unit": ["kg"]})
    # the library in which the ids are resolved stays prepare_catalogue's 4th positional argument (no warning)
    return fp.explode_catalogue(fp.prepare_catalogue(products, bom, acts, steel(2.0)))


def test_factors_replaces_the_values() -> None:
    """10 kg x 2.0 = 20 kg CO2e as prepared; with factors at 4.0 per kg, 40 (by hand)."""
    ex = exploded()
    assert fp.calculate_catalogue(ex).by_product.loc["P", "total_kgco2e"] == pytest.approx(20.0, rel=1e-12)
    new = fp.calculate_catalogue(ex, factors=steel(4.0))
    assert new.by_product.loc["P", "total_kgco2e"] == pytest.approx(40.0, rel=1e-12)


def test_library_still_works_with_a_warning_naming_the_new_spelling() -> None:
    """The old spelling gives the same result and warns, naming ``factors=`` and the release it goes in,
    at the caller's line."""
    ex = exploded()
    new = fp.calculate_catalogue(ex, factors=steel(4.0))
    with pytest.warns(DeprecationWarning, match=r"library=.*removed in footprint 0\.3\.0.*factors=") as caught:
        old = fp.calculate_catalogue(ex, library=steel(4.0))
    assert caught[0].filename == __file__
    pd.testing.assert_frame_equal(old.by_product, new.by_product)
    assert old.by_product.loc["P", "total_kgco2e"] == pytest.approx(40.0, rel=1e-12)


def test_monte_carlo_catalogue_takes_factors_too() -> None:
    """Same seed, same factors: the deprecated spelling draws the same samples. Both factors have the same
    (default) uncertainty, so with the same seed every draw at 4.0 per kg is twice the draw at 2.0."""
    ex = exploded()
    base = fp.monte_carlo_catalogue(ex, iterations=20, seed=1)
    new = fp.monte_carlo_catalogue(ex, iterations=20, seed=1, factors=steel(4.0))
    with pytest.warns(DeprecationWarning, match="monte_carlo_catalogue") as caught:
        old = fp.monte_carlo_catalogue(ex, iterations=20, seed=1, library=steel(4.0))
    assert caught[0].filename == __file__
    pd.testing.assert_frame_equal(old.summary, new.summary)
    assert new.summary.loc["P", "mean"] == pytest.approx(2 * base.summary.loc["P", "mean"], rel=1e-12)


def test_both_spellings_or_a_wrong_type_are_refused() -> None:
    ex = exploded()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with pytest.raises(fp.UsageError, match="factors= only"):
            fp.calculate_catalogue(ex, factors=steel(4.0), library=steel(3.0))
    with pytest.raises(fp.UsageError, match="factors must be a FactorLibrary"):
        fp.calculate_catalogue(ex, factors="factors.csv")  # type: ignore[arg-type]
    with pytest.raises(fp.UsageError, match="factors must be a FactorLibrary"):
        fp.monte_carlo_catalogue(ex, iterations=5, factors="factors.csv")  # type: ignore[arg-type]
