"""The gases' table of a catalogue result is computed when first read: the same numbers whenever it is read,
whatever was recalculated on the same explosion in between; overflows are still refused at once."""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import footprint as fp

PROV = {"source": "test", "edition": "1", "region": "GLO", "licence": "CC0-1.0", "boundary": "cradle-to-gate"}
# 100-year GWPs of fossil CH4 and N2O: IPCC AR6 WGI Table 7.15; AR5 WGI Table 8.A.1 without climate-carbon
# feedbacks (CH4 28, as inventories report under AR5)
AR6 = {"CH4_fossil": 29.8, "N2O": 273.0}
AR5 = {"CH4_fossil": 28.0, "N2O": 265.0}


def _library(co2: float = 1.0, ch4: float = 0.01, n2o: float = 0.001, category: str = "material") -> fp.FactorLibrary:
    """One factor per kg emitting CO2, fossil CH4 and N2O."""
    gases = {"CO2": co2, "CH4_fossil": ch4, "N2O": n2o}
    return fp.FactorLibrary(
        [fp.EmissionFactor(id="m", name="m", category=category, unit="kg", gases=gases, **PROV)], name="lazy"
    )


def _tables(masses: list[float]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Product P<i> holds one part of ``masses[i]`` kg of the material."""
    n = len(masses)
    products = pd.DataFrame({"product": [f"P{i}" for i in range(n)], "supplier": ["S"] * n})
    bom = pd.DataFrame({"parent": [f"P{i}" for i in range(n)], "child": [f"X{i}" for i in range(n)],
                        "quantity": [1.0] * n})  # fmt: skip
    acts = pd.DataFrame({"item": [f"X{i}" for i in range(n)], "factor": ["m"] * n, "amount": masses,
                         "unit": ["kg"] * n})  # fmt: skip
    return products, bom, acts


def test_a_gas_table_read_after_later_recalculations_keeps_its_own_set() -> None:
    """2 kg of the material: CO2 2 x 1 = 2, CH4 2 x 0.01 x 29.8 = 0.596 (AR6) or x 28 = 0.56 (AR5), N2O
    2 x 0.001 x 273 = 0.546 (AR6) or x 265 = 0.53 (AR5). The AR6 result's gases, read only after an AR5 and a
    factor-value recalculation of the same explosion, are still AR6's; each result's gases add up to its total."""
    ex = fp.explode_catalogue(fp.prepare_catalogue(*_tables([2.0]), _library()))
    r6 = fp.calculate_catalogue(ex, gwp="AR6")
    r5 = fp.calculate_catalogue(ex, gwp="AR5")
    doubled = fp.calculate_catalogue(ex, gwp="AR6", factors=_library(co2=2.0))
    for r, gwp, co2 in ((r6, AR6, 2.0), (r5, AR5, 2.0), (doubled, AR6, 4.0)):
        gas = r.by_product_gas.loc["P0"]
        assert gas["CO2"] == pytest.approx(co2, rel=1e-12)
        assert gas["CH4_fossil"] == pytest.approx(2 * 0.01 * gwp["CH4_fossil"], rel=1e-12)
        assert gas["N2O"] == pytest.approx(2 * 0.001 * gwp["N2O"], rel=1e-12)
        assert gas.sum() == pytest.approx(r.by_product.loc["P0", "total_kgco2e"], rel=1e-12)


def test_a_result_pickled_before_its_gases_are_read_computes_them_after() -> None:
    """The gases' table travels unread (as what computes it) and is read on the other side: 3 kg gives CO2 3,
    CH4 3 x 0.01 x 29.8 = 0.894, N2O 3 x 0.001 x 273 = 0.819 under AR6; the same table as the original's."""
    r = fp.calculate_catalogue(fp.explode_catalogue(fp.prepare_catalogue(*_tables([3.0]), _library())), gwp="AR6")
    back = pickle.loads(pickle.dumps(r))
    assert back.by_product_gas.loc["P0"].tolist() == pytest.approx([3.0, 0.894, 0.819], rel=1e-12)
    pd.testing.assert_frame_equal(back.by_product_gas, r.by_product_gas, check_exact=True)
    pd.testing.assert_frame_equal(back.products, r.products)


def test_a_gas_overflow_is_refused_by_the_calculation_not_when_the_table_is_read() -> None:
    """2 kg of a factor emitting 1e308 kg CO2 and -1e308 / 29.8 kg fossil CH4 per kg: its kg CO2e per kg is
    1e308 - 1e308 = 0, so every module and total is finite, but the CO2 column is 2 x 1e308 = inf (above the
    largest double, 1.8e308). The calculation refuses it at once, naming the gases' table."""
    lib = _library(co2=1e308, ch4=-1e308 / 29.8, n2o=0.0, category="credit")  # negative: a credit's gas
    products, bom, acts = _tables([2.0])
    acts["module"] = "A1"  # not D, whose gases the table leaves out
    cat = fp.prepare_catalogue(products, bom, acts, lib)
    with pytest.raises(fp.NonFiniteError, match="product gas"):
        fp.calculate_catalogue(fp.explode_catalogue(cat), gwp="AR6")  # the path that leaves gases for later


def test_the_gases_of_a_recalculation_are_computed_once_when_first_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """A recalculation on an explosion computes no gas until its table is read, then once (read twice: one
    computation); a calculation from the catalogue, whose explosion it drops, computes them at once. Either
    way 1.5 kg gives CO2 1.5 under AR6."""
    import footprint._catalogue as catalogue_module

    calls: list[int] = []
    real = catalogue_module._gas_sums

    def counted(*args: object) -> object:
        calls.append(1)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(catalogue_module, "_gas_sums", counted)
    cat = fp.prepare_catalogue(*_tables([1.5]), _library())
    ex = fp.explode_catalogue(cat)
    r = fp.calculate_catalogue(ex, gwp="AR6")
    assert calls == []
    assert r.by_product_gas.loc["P0", "CO2"] == pytest.approx(1.5, rel=1e-12)
    assert r.by_product_gas.loc["P0", "CO2"] == pytest.approx(1.5, rel=1e-12)
    assert calls == [1]
    fp.calculate_catalogue(cat, gwp="AR6")
    assert calls == [1, 1]


@pytest.mark.parametrize("chunk", [1, 5])
def test_recalculating_a_chunk_of_entries_at_a_time_changes_no_number(
    chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The law of the chunks: the modules summed a chunk of one (or five) (product, module, factor) entries at
    a time give bit for bit the tables of chunks of 32,768, on a 3,000-line portfolio with shared assemblies,
    standard parts and products of several modules."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import footprint._catalogue as catalogue_module
    from benchmarks.portfolio import make_portfolio

    pf = make_portfolio(3000, seed=3)
    cat = fp.prepare_catalogue(pf.products, pf.bom, pf.activities, fp.FactorLibrary(list(pf.library)))
    whole = fp.calculate_catalogue(cat, gwp="AR5")
    monkeypatch.setattr(catalogue_module, "_CHUNK", chunk)
    ex = fp.explode_catalogue(cat)
    assert len(ex.by_key_factor.chunks) > len(ex.by_key_factor.starts) // 2 // chunk
    chunked = fp.calculate_catalogue(ex, gwp="AR5")
    for name in ("by_product", "by_product_gas", "by_supplier", "by_family", "cluster"):
        pd.testing.assert_frame_equal(getattr(chunked, name), getattr(whole, name), check_exact=True)


@settings(max_examples=25, deadline=None)
@given(
    masses=st.lists(st.floats(0.001, 1e6), min_size=1, max_size=6),
    gwp=st.sampled_from(["AR4", "AR5", "AR6"]),
    later=st.sampled_from(["AR4", "AR5", "AR6"]),
)
def test_a_lazy_gas_table_equals_the_product_path(masses: list[float], gwp: str, later: str) -> None:
    """Law: whatever is recalculated on the same explosion before it is read, a result's gases table equals,
    product by product, the gases of :func:`footprint.calculate` of that product under the result's GWP set
    (the product path, computed independently) to 1e-12."""
    cat = fp.prepare_catalogue(*_tables(masses), _library())
    ex = fp.explode_catalogue(cat)
    r = fp.calculate_catalogue(ex, gwp=gwp)
    fp.calculate_catalogue(ex, gwp=later).by_product_gas  # noqa: B018 - another result's table read first
    got = r.by_product_gas
    for pid in got.index:
        want = fp.calculate(cat.product(pid), _library(), gwp=gwp).by_gas
        cols = list(got.columns)
        np.testing.assert_allclose(got.loc[pid, cols].to_numpy(float), [want.get(c, 0.0) for c in cols], rtol=1e-12)
