"""Reading and coding a catalogue's tables: Parquet files read column by column (factor ids, units and modules
from the file's dictionary encoding), categorical columns, the (factor, unit) pairs and Arrow's memory pool."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import footprint as fp
from footprint._arrow_pool import lean_arrow_memory
from footprint._catalogue import _pairs

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.portfolio import make_portfolio
from tests.test_catalogue import LIB, tables

_ARRAYS = ("root", "act_item", "act_factor", "act_qty", "act_module", "act_offsets", "act_pair")


def _write(tmp_path: Path, frames: tuple[pd.DataFrame, ...]) -> list[Path]:
    paths = [tmp_path / f"{name}.parquet" for name in ("products", "bom", "activities")]
    for path, df in zip(paths, frames, strict=True):
        df.to_parquet(path)
    return paths


def test_parquet_and_dataframes_code_a_portfolio_alike(tmp_path: Path) -> None:
    """A 2,000-line synthetic portfolio prepared from its Parquet files and from the DataFrames: the same item
    ids in the same order and the same arrays, element for element."""
    pf = make_portfolio(2000, seed=3)
    frames = (pf.products, pf.bom, pf.activities)
    from_files = fp.prepare_catalogue(*_write(tmp_path, frames), pf.library)
    in_memory = fp.prepare_catalogue(*frames, pf.library)
    assert list(from_files.item_ids) == list(in_memory.item_ids)
    for name in _ARRAYS:
        np.testing.assert_array_equal(getattr(from_files, name), getattr(in_memory, name), err_msg=name)
    for name in ("edge_parent", "edge_child", "edge_qty"):
        np.testing.assert_array_equal(getattr(from_files.bom, name), getattr(in_memory.bom, name), err_msg=name)
    assert from_files.pairs == in_memory.pairs


def test_unused_categories_are_not_problems(tmp_path: Path) -> None:
    """Categorical factor and unit columns whose categories include values no row uses (an unknown factor id,
    an unknown unit): nothing is reported, and the result is the plain columns' (P1 = 108.1 kg, derived in
    tests/test_catalogue.py)."""
    p, b, a = tables()
    a["factor"] = pd.Categorical(a["factor"], categories=["nope", *sorted(set(a["factor"]))])
    a["unit"] = pd.Categorical(a["unit"], categories=["furlong", *sorted(set(a["unit"]))])
    for source in ((p, b, a), _write(tmp_path, (p, b, a))):
        r = fp.calculate_catalogue(fp.prepare_catalogue(*source, LIB))
        assert r.by_product.loc["P1", "total_kgco2e"] == pytest.approx(108.1, rel=1e-12)


def test_used_unknown_category_is_named_with_its_row(tmp_path: Path) -> None:
    """An unknown factor id that a row uses, in a categorical column read from Parquet: the problem names the
    table, the field, the id and the row (position 2, counted from 0)."""
    p, b, a = tables()
    a.loc[2, "factor"] = "nope"
    a["factor"] = a["factor"].astype("category")
    with pytest.raises(fp.ProductError) as info:
        fp.prepare_catalogue(*_write(tmp_path, (p, b, a)), LIB)
    (problem,) = [pr for pr in info.value.problems if pr.field == "factor"]
    assert (problem.file, problem.row) == ("activities", 2)
    assert "unknown factor id 'nope'" in problem.message


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_pairs_are_the_sorted_distinct_pairs(data: st.DataObject) -> None:
    """The distinct pairs in increasing order and each row's position among them, as np.unique gives them,
    whether counted over every possible pair (few) or sorted (many possible pairs, few rows)."""
    n_a = data.draw(st.integers(1, 3000))
    n_b = data.draw(st.integers(1, 40))
    rows = data.draw(st.integers(0, 200))
    a = np.array(data.draw(st.lists(st.integers(0, n_a - 1), min_size=rows, max_size=rows)), dtype=np.intp)
    b = np.array(data.draw(st.lists(st.integers(0, n_b - 1), min_size=rows, max_size=rows)), dtype=np.intp)
    uniq, inverse = _pairs(a, b, n_a, n_b)
    want_uniq, want_inverse = np.unique(a.astype(np.int64) * n_b + b, return_inverse=True)
    np.testing.assert_array_equal(uniq, want_uniq)
    np.testing.assert_array_equal(inverse, want_inverse.ravel())


def test_lean_arrow_memory_restores_the_pool() -> None:
    """Inside the block Arrow allocates from the system allocator; after it, and after an error in it, the
    previous default pool is back; blocks in two threads at once restore it once, when both have ended."""
    before = pa.default_memory_pool().backend_name
    with lean_arrow_memory():
        assert pa.default_memory_pool().backend_name == "system"
    assert pa.default_memory_pool().backend_name == before
    with pytest.raises(RuntimeError), lean_arrow_memory():
        raise RuntimeError("inside")
    assert pa.default_memory_pool().backend_name == before
    entered, leave = threading.Barrier(2), threading.Event()

    def hold() -> None:
        with lean_arrow_memory():
            entered.wait()
            leave.wait()

    other = threading.Thread(target=hold)
    other.start()
    with lean_arrow_memory():
        entered.wait()
    assert pa.default_memory_pool().backend_name == "system"  # the other block still runs
    leave.set()
    other.join()
    assert pa.default_memory_pool().backend_name == before


def test_lean_arrow_memory_leaves_a_chosen_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    """With ARROW_DEFAULT_MEMORY_POOL set, the user's choice stands inside the block."""
    monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "mimalloc")
    before = pa.default_memory_pool().backend_name
    with lean_arrow_memory():
        assert pa.default_memory_pool().backend_name == before
