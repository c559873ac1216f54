"""Item ids given as pandas categoricals (one item master's categories shared by every id column, each column's
own categories, or some columns categorical and some plain text) or as integers prepare the same catalogue as
plain text: the same item numbering, the same arrays, results equal to the last bit; bad ids are named with
their table, row and field as for plain text."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import footprint as fp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.portfolio import make_portfolio
from tests.test_catalogue import LIB, tables

Tables = tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]
_ARRAYS = ("root", "act_item", "act_factor", "act_qty", "act_module", "act_offsets", "act_pair")
_ID_COLUMNS = (("products", "root"), ("bom", "parent"), ("bom", "child"), ("activities", "item"))


def _with_roots(t: Tables) -> Tables:
    p, b, a = t
    return (p if "root" in p.columns else p.assign(root=p["product"])), b, a


def _convert(t: Tables, dtypes: dict[tuple[str, str], object]) -> Tables:
    """The tables with the named (table, column)s converted to the given dtypes."""
    frames = dict(zip(("products", "bom", "activities"), _with_roots(t), strict=True))
    for (table, column), dtype in dtypes.items():
        frames[table] = frames[table].astype({column: dtype})
    return frames["products"], frames["bom"], frames["activities"]


def _item_master(t: Tables, extra: tuple[str, ...] = (), seed: int = 0) -> pd.CategoricalDtype:
    """One CategoricalDtype for every id column: all ids (and unused extras) in a shuffled order."""
    p, b, a = _with_roots(t)
    ids = pd.unique(pd.concat([b["parent"], b["child"], a["item"], p["root"]], ignore_index=True).dropna())
    values = np.array([*ids, *extra], dtype=object)
    np.random.default_rng(seed).shuffle(values)
    return pd.CategoricalDtype(pd.Index(values, dtype="str"))


def shared(t: Tables) -> Tables:
    """Every id column with the item master's categories, which hold an id no row uses."""
    dtype = _item_master(t, extra=("UNUSED",))
    return _convert(t, dict.fromkeys(_ID_COLUMNS, dtype))


def own(t: Tables) -> Tables:
    """Every id column categorical with its own categories."""
    return _convert(t, dict.fromkeys(_ID_COLUMNS, "category"))


def mixed(t: Tables) -> Tables:
    """The BOM's children and the activities' items categorical, parents and roots plain text."""
    return _convert(t, dict.fromkeys(_ID_COLUMNS[2:], "category"))


FORMS: dict[str, Callable[[Tables], Tables]] = {"shared": shared, "own": own, "mixed": mixed}


def assert_same_catalogue(got: fp.Catalogue, want: fp.Catalogue) -> None:
    """The same item ids in the same order, the same coded arrays and BOM, element for element."""
    assert list(got.item_ids) == list(want.item_ids)
    for name in _ARRAYS:
        np.testing.assert_array_equal(getattr(got, name), getattr(want, name), err_msg=name)
    for name in ("edge_parent", "edge_child", "edge_qty"):
        np.testing.assert_array_equal(getattr(got.bom, name), getattr(want.bom, name), err_msg=name)
    assert got.pairs == want.pairs


def assert_same_results(got: fp.Catalogue, want: fp.Catalogue, lib: fp.FactorLibrary) -> None:
    r_got = fp.calculate_catalogue(fp.explode_catalogue(got))
    r_want = fp.calculate_catalogue(fp.explode_catalogue(want))
    for name in ("by_product", "by_supplier", "by_family", "cluster"):
        pd.testing.assert_frame_equal(getattr(r_got, name), getattr(r_want, name), check_exact=True, obj=name)


@pytest.mark.parametrize("form", FORMS)
def test_hand_derived_totals_through_categorical_ids(form: str) -> None:
    """The hand-derived totals of tests/test_catalogue.py (P1 = 108.1, P2 = 4.1273, P3 = 3 kg CO2e) with the
    item ids as categoricals."""
    r = fp.calculate_catalogue(fp.prepare_catalogue(*FORMS[form](tables()), LIB))
    tot = r.by_product["total_kgco2e"]
    assert tot["P1"] == pytest.approx(108.1, rel=1e-12)
    assert tot["P2"] == pytest.approx(4.1273, rel=1e-12)
    assert tot["P3"] == pytest.approx(3.0, rel=1e-12)


@pytest.mark.parametrize("form", FORMS)
def test_a_portfolio_prepares_alike_from_categoricals(form: str, tmp_path: Path) -> None:
    """A 3,000-line synthetic portfolio: categorical ids, in memory and written to Parquet (which keeps the
    categories), give the plain text's catalogue and exactly its results (the item numbering decides the
    order of sums, so equal numbers need the same numbering)."""
    pf = make_portfolio(3000, seed=5)
    plain = (pf.products, pf.bom, pf.activities)
    want = fp.prepare_catalogue(*plain, pf.library)
    frames = FORMS[form](plain)
    paths = [tmp_path / f"{n}.parquet" for n in ("products", "bom", "activities")]
    for path, df in zip(paths, frames, strict=True):
        df.to_parquet(path)
    for source in (frames, paths):
        got = fp.prepare_catalogue(*source, pf.library)
        assert_same_catalogue(got, want)
        assert_same_results(got, want, pf.library)


_ID = st.text(alphabet="AB-z09é ", min_size=1, max_size=4)


@st.composite
def catalogues(draw: st.DrawFn) -> Tables:
    """A random acyclic catalogue: items numbered 0..n-1 that hold only items of higher numbers, random text
    ids, activities in kg of steel or kWh of grid, products rooted at some items (each root used)."""
    n = draw(st.integers(2, 10))
    names = draw(st.lists(_ID, min_size=n, max_size=n, unique=True))
    edges = draw(st.lists(st.tuples(st.integers(0, n - 2), st.integers(1, n - 1)), max_size=25))
    edges = [(i, j) for i, j in edges if i < j]
    acts = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.sampled_from([("steel", "kg"), ("grid", "kWh")]), st.integers(0, 50)),
            min_size=1,
            max_size=15,
        )
    )
    named = sorted({i for e in edges for i in e} | {k for k, _, _ in acts})
    roots = draw(st.lists(st.sampled_from(named), min_size=1, max_size=4, unique=True))
    products = pd.DataFrame({"product": [f"P{k}" for k in roots], "root": [names[k] for k in roots]})
    bom = pd.DataFrame(
        {"parent": [names[i] for i, _ in edges], "child": [names[j] for _, j in edges], "quantity": 1.0}
        | ({} if edges else {"parent": pd.Series([], dtype="str"), "child": pd.Series([], dtype="str")})
    )
    activities = pd.DataFrame(
        {
            "item": [names[k] for k, _, _ in acts],
            "factor": [f for _, (f, _), _ in acts],
            "amount": [float(x) for _, _, x in acts],
            "unit": [u for _, (_, u), _ in acts],
        }
    )
    return products.astype({"product": "str", "root": "str"}), bom.astype({"parent": "str", "child": "str"}), activities


@settings(max_examples=150, deadline=None)
@given(catalogues(), st.sampled_from(sorted(FORMS)), st.integers(0, 2**32 - 1))
def test_categorical_ids_equal_plain_text(t: Tables, form: str, seed: int) -> None:
    """For any acyclic catalogue, any way of giving its ids as categoricals (the shared categories shuffled by
    ``seed``, with an id no row uses) prepares the plain text's catalogue and exactly its results."""
    want = fp.prepare_catalogue(*t, LIB)
    frames = (
        _convert(t, dict.fromkeys(_ID_COLUMNS, _item_master(t, ("UNUSED",), seed)))
        if form == "shared"
        else FORMS[form](t)
    )
    got = fp.prepare_catalogue(*frames, LIB)
    assert_same_catalogue(got, want)
    assert_same_results(got, want, LIB)


@pytest.mark.parametrize("form", FORMS)
def test_empty_child_through_categoricals_is_named(form: str) -> None:
    """An empty child cell (a missing value in a categorical column) is named with its table, field and row
    (position 3, counted from 0), as for plain text."""
    p, b, a = tables()
    b.loc[3, "child"] = None
    with pytest.raises(fp.ProductError) as info:
        fp.prepare_catalogue(*FORMS[form]((p, b, a)), LIB)
    (problem,) = [pr for pr in info.value.problems if pr.field == "child"]
    assert (problem.file, problem.row) == ("bom", 3)
    assert "item id is empty" in problem.message


def test_root_only_in_the_item_master_is_named() -> None:
    """A product root that the shared categories hold but no BOM line or activity uses is no item: the problem
    names the products table, the root field, the row (position 1) and the id."""
    p, b, a = _with_roots(tables())
    p.loc[1, "root"] = "GHOST"
    with pytest.raises(fp.ProductError) as info:
        fp.prepare_catalogue(*shared((p, b, a)), LIB)
    (problem,) = [pr for pr in info.value.problems if pr.field == "root"]
    assert (problem.file, problem.row, problem.value) == ("products", 1, "GHOST")
    assert "product root is no item" in problem.message


@pytest.mark.parametrize("form", FORMS)
def test_cycle_through_categoricals_names_its_items(form: str) -> None:
    """BOLT holding P1 closes the cycle P1 -> KIT -> BOLT -> P1: the error names those ids."""
    p, b, a = tables()
    b = pd.concat([b, pd.DataFrame({"parent": ["BOLT"], "child": ["P1"], "quantity": [1.0]})], ignore_index=True)
    with pytest.raises(fp.CycleError) as info:
        fp.prepare_catalogue(*FORMS[form]((p, b, a)), LIB)
    assert set(info.value.cycle) == {"P1", "KIT", "BOLT"}


def test_integer_ids_as_categoricals_number_as_plain_integers() -> None:
    """Item ids that are integers (categories of numbers, sorted, so that category order differs from the
    order of first appearance) give the catalogue the plain integer columns give."""
    p, b, a = _with_roots(tables())
    number = {"P1": 30, "P2": 20, "P3": 10, "KIT": 5, "BODY": 7, "BOLT": 1}
    p, b, a = (
        p.assign(root=p["root"].map(number)),
        b.assign(parent=b["parent"].map(number), child=b["child"].map(number)),
        a.assign(item=a["item"].map(number)),
    )
    want = fp.prepare_catalogue(p, b, a, LIB)
    got = fp.prepare_catalogue(*_convert((p, b, a), dict.fromkeys(_ID_COLUMNS, "category")), LIB)
    assert_same_catalogue(got, want)
    assert_same_results(got, want, LIB)


@pytest.mark.parametrize("form", FORMS)
def test_bad_ids_in_parquet_written_from_categoricals_are_named(form: str, tmp_path: Path) -> None:
    """Parquet files written from categorical frames keep the categories (their item ids come back as the
    dictionary the file stores): an empty child cell (position 3) and a root no BOM line or activity uses
    (position 1) are named with their table, field and row."""
    p, b, a = _with_roots(tables())
    b.loc[3, "child"] = None
    p.loc[1, "root"] = "GHOST"
    paths = [tmp_path / f"{n}.parquet" for n in ("products", "bom", "activities")]
    for path, df in zip(paths, FORMS[form]((p, b, a)), strict=True):
        df.to_parquet(path)
    with pytest.raises(fp.ProductError) as info:
        fp.prepare_catalogue(*paths, LIB)
    found = {(pr.file, pr.field, pr.row) for pr in info.value.problems}
    assert {("bom", "child", 3), ("products", "root", 1)} <= found
    messages = " ".join(pr.message for pr in info.value.problems)
    assert "item id is empty" in messages
    assert "product root is no item" in messages


def _as_text(t: Tables) -> Tables:
    """The tables with every item id column as text (an integer 7 becomes "7", an empty cell stays empty)."""
    return _convert(t, dict.fromkeys(_ID_COLUMNS, "str"))


@st.composite
def integer_catalogues(draw: st.DrawFn) -> tuple[Tables, str]:
    """A random acyclic catalogue whose item ids are integers: small ones (0 to 40), or any 64-bit ones
    (negative, huge); as numpy int64, int32 or pandas' nullable Int64."""
    p, b, a = draw(catalogues())
    ids = pd.unique(pd.concat([b["parent"], b["child"], a["item"], p["root"]], ignore_index=True))
    wide = draw(st.booleans())
    numbers = st.integers(-(2**63), 2**63 - 1) if wide else st.integers(0, 40)
    chosen = draw(st.lists(numbers, min_size=len(ids), max_size=len(ids), unique=True))
    kind = draw(st.sampled_from(["int64", "Int64"] if wide else ["int64", "int32", "Int64"]))
    number = dict(zip(ids, chosen, strict=True))
    t = (p.assign(root=p["root"].map(number)), b.assign(parent=b["parent"].map(number), child=b["child"].map(number)),
         a.assign(item=a["item"].map(number)))  # fmt: skip
    return _convert(t, dict.fromkeys(_ID_COLUMNS, kind)), kind


@settings(max_examples=150, deadline=None)
@given(integer_catalogues())
def test_integer_ids_equal_their_text(case: tuple[Tables, str]) -> None:
    """For any acyclic catalogue with integer item ids (small ones coded directly, others hashed), the same
    catalogue as the ids written as text, and exactly its results."""
    t, _ = case
    want = fp.prepare_catalogue(*_as_text(t), LIB)
    got = fp.prepare_catalogue(*t, LIB)
    assert_same_catalogue(got, want)
    assert_same_results(got, want, LIB)


@pytest.mark.parametrize("offset", [0, -(2**40)])
@pytest.mark.parametrize("kind", ["Int64", "int64"])
def test_bad_integer_ids_are_named(kind: str, offset: int) -> None:
    """Integer ids, small (their own codes) or shifted far below zero (hashed): an empty child cell (a missing
    value of a nullable column, position 3) and a root that no BOM line or activity uses (position 1) are
    named with their table, field and row, as for text."""
    p, b, a = _with_roots(tables())
    number = {k: v + offset for k, v in {"P1": 3, "P2": 2, "P3": 1, "KIT": 5, "BODY": 7, "BOLT": 11}.items()}
    p, b, a = (
        p.assign(root=p["root"].map(number).astype(kind)),
        b.assign(parent=b["parent"].map(number).astype(kind), child=b["child"].map(number).astype(kind)),
        a.assign(item=a["item"].map(number).astype(kind)),
    )
    if kind == "Int64":
        b.loc[3, "child"] = pd.NA
    p.loc[1, "root"] = 999
    with pytest.raises(fp.ProductError) as info:
        fp.prepare_catalogue(p, b, a, LIB)
    found = {(pr.file, pr.field, pr.row) for pr in info.value.problems}
    assert ("products", "root", 1) in found
    assert (kind != "Int64") or ("bom", "child", 3) in found


@pytest.mark.parametrize("dtype", ["str", object, "Int64", "category"])
def test_every_item_id_empty_is_named(dtype: object) -> None:
    """Every item id cell empty (no id at all to number): each id column's problem is named with its table
    and field and the first row (position 0), no bare IndexError."""
    p, b, a = _with_roots(tables())
    p, b, a = (
        p.assign(root=pd.Series([None] * len(p), dtype=dtype)),
        b.assign(parent=pd.Series([None] * len(b), dtype=dtype), child=pd.Series([None] * len(b), dtype=dtype)),
        a.assign(item=pd.Series([None] * len(a), dtype=dtype)),
    )
    with pytest.raises(fp.ProductError) as info:
        fp.prepare_catalogue(p, b, a, LIB)
    found = {(pr.file, pr.field, pr.row) for pr in info.value.problems}
    assert {("bom", "parent", 0), ("bom", "child", 0), ("activities", "item", 0), ("products", "root", 0)} <= found


def test_integer_ids_made_float_by_an_empty_cell_meet_the_same_ids_as_integers() -> None:
    """A BOM whose integer ids turned float (pandas makes a column with an empty cell float: 5 -> 5.0) against
    products and activities with the same ids as integers: 5.0 is item 5, so the totals are the hand-derived
    ones of tests/test_catalogue.py (P1 = 108.1, P2 = 4.1273, P3 = 3 kg CO2e). Before, "5.0" and "5" were two
    items and the BOM's lines led to items with no activity: P1 came out 0.1, silently. Ids that are not whole
    numbers (5.5) stay as they are."""
    p, b, a = _with_roots(tables())
    number = {"P1": 3, "P2": 2, "P3": 1, "KIT": 5, "BODY": 7, "BOLT": 11}
    p, a = p.assign(root=p["root"].map(number)), a.assign(item=a["item"].map(number))
    b = b.assign(parent=b["parent"].map(number).astype(float), child=b["child"].map(number).astype(float))
    cat = fp.prepare_catalogue(p, b, a, LIB)
    assert sorted(cat.item_ids, key=int) == ["1", "2", "3", "5", "7", "11"]
    tot = fp.calculate_catalogue(cat).by_product["total_kgco2e"]
    assert tot.to_dict() == pytest.approx({"P1": 108.1, "P2": 4.1273, "P3": 3.0}, rel=1e-12)
    halves = fp.prepare_catalogue(
        p.assign(root=p["root"] + 0.5), b.assign(parent=b["parent"] + 0.5, child=b["child"] + 0.5),
        a.assign(item=a["item"] + 0.5), LIB,
    )  # fmt: skip
    assert "5.5" in set(halves.item_ids)
