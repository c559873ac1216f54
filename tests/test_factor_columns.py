"""A factor library backed by the columns of its file: factors made on access equal the row reader's."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import numpy as np

import footprint as fp
from footprint import _factor_io
from footprint._factor_table import FactorColumns

HEADER = (
    "id,name,category,unit,source,edition,region,licence,boundary,kg_CO2,kg_CH4_fossil,kg_N2O,kg_CO2e,gwp_set,"
    "source_url,table,dqr_technological,dqr_geographical,dqr_temporal,proxy,density,net_calorific_value,"
    "energy_basis,gcv_ncv_ratio,uncertainty,valid_from,valid_to,notes,supplier,footprint_id,primary_data_share"
)


def _row(i: int, rnd: random.Random) -> str:
    """One factor of five kinds in turn (per gas, pre-folded, fuel per net energy, freight, supplier part),
    with texts shared down the file (sources, notes) and distinct ones (ids, names, URLs)."""
    x = lambda: repr(round(rnd.uniform(0.001, 30.0), rnd.randint(1, 9)))  # noqa: E731
    source = ("DESNZ", "IPCC", "worldsteel")[i % 3]
    notes = f"route {i % 13}" if i % 4 else ""
    dqr = f"{1 + i % 5},{1 + i % 3}," if i % 2 else ",,"
    kind = i % 5
    if kind == 0:
        body = f"material,kg,{source},2025,GLO,CC0-1.0,cradle-to-gate,{x()},{x()},{x()},,,"
        rest = f"https://example.org/{i},T{i % 7},{dqr}{1 + i % 4},no,,,,,,,,{notes},,,"
    elif kind == 1:
        body = f"material,t,{source},2024,NO,CC-BY-4.0,cradle-to-gate,,,,{x()},AR5,"
        rest = f",,{dqr},yes,,,,,normal sd=0.{1 + i % 9},,,{notes},,,"
    elif kind == 2:
        body = f"fuel,MJ,{source},2025,GB,OGL-UK-3.0,combustion,{x()},{x()},,,,"
        rest = (
            f"https://example.org/{i},,{dqr},,0.84 kg/L,43 MJ/kg,net,1.0{1 + i % 8},lognormal gsd=1.{1 + i % 5},,,,,,"
        )
    elif kind == 3:
        body = f"freight,t*km,{source},2025,EU,CC0-1.0,well-to-wheel,{x()},,,,,"
        rest = f",,{dqr},true,,,,,triangular min=0.9 mode=1 max=1.{2 + i % 3},2024-01-01,2026-12-31,{notes},,,"
    else:
        body = f"component,piece,Acme,1,NO,proprietary,cradle-to-gate,{x()},,{x()},,,"
        rest = f",,{dqr},,,,,,,2025-0{1 + i % 9}-01,,{notes},Acme AS,urn:pact:{i},0.{i % 10}"
    return f"f{i:05d}.{source.lower()},Factor {i},{body}{rest}"


def _write(tmp_path: Path, rows: int) -> Path:
    rnd = random.Random(11)
    path = tmp_path / "generated.csv"
    path.write_text("\n".join([HEADER, *(_row(i, rnd) for i in range(rows))]) + "\n", encoding="utf-8")
    return path


def _row_reader(path: Path) -> list[fp.EmissionFactor]:
    """The factors as the row reader builds them: each row validated by pydantic."""
    rows, problems = _factor_io._rows_from_csv(path.read_text(encoding="utf-8"), str(path))
    return _factor_io._build(rows, problems, str(path))


def test_factors_made_on_access_equal_the_row_readers_for_every_row(tmp_path: Path) -> None:
    """A 10,000-row file using every column loads as columns; each factor made from them on access (by id, by
    position, by iteration) equals, field for field, the factor the row reader validates from the same row."""
    path = _write(tmp_path, 10_000)
    lib = fp.load_factors(path)
    eager = _row_reader(path)
    assert isinstance(lib._factors, FactorColumns)  # the lazy path, not the row reader
    assert len(lib) == len(eager) == 10_000
    for k, f in enumerate(eager):
        made = lib[f.id]
        assert made.__dict__ == f.__dict__, f.id
        assert made == f
        assert lib.factor_at(k) is made  # made once, then kept
    assert [f.__dict__ for f in lib] == [f.__dict__ for f in eager]


def test_whole_library_operations_from_columns_equal_those_from_objects(tmp_path: Path) -> None:
    """What reads every factor at once (version hash, gas matrix, pre-folded values, primary data shares,
    search, table, merge) gives from the columns what it gives from the row reader's factor objects."""
    path = _write(tmp_path, 2_000)
    lib = fp.load_factors(path)
    ref = fp.FactorLibrary(_row_reader(path), name=lib.name)
    assert isinstance(lib._factors, FactorColumns)
    assert lib.version == ref.version
    assert np.array_equal(lib.gas_matrix, ref.gas_matrix)
    for mine, theirs in zip(lib.prefolded, ref.prefolded, strict=True):
        assert np.array_equal(np.asarray(mine), np.asarray(theirs))
    assert np.array_equal(lib.primary_shares, ref.primary_shares, equal_nan=True)
    for query in ({"text": "route 3"}, {"text": "factor 12", "region": "no"}, {"category": "fuel"}):
        assert [f.id for f in lib.search(**query)] == [f.id for f in ref.search(**query)]  # type: ignore[arg-type]
    assert lib.to_frame().equals(ref.to_frame())
    merged = lib.merge(fp.default_library())
    assert merged.shadowed == ()
    assert len(merged) == len(lib) + len(fp.default_library())
    assert merged.version == ref.merge(fp.default_library()).version


def test_supplier_columns_are_kept_by_the_column_reader(tmp_path: Path) -> None:
    """``supplier``, ``footprint_id`` and ``primary_data_share`` (docs/factor-files.md) come through the
    column reader as through the row reader (the column reader once dropped them, leaving None)."""
    path = _write(tmp_path, 10)
    made = fp.load_factors(path)["f00004.ipcc"]  # row 4: a supplier part, 0.4 of primary data
    assert (made.supplier, made.footprint_id, made.primary_data_share) == ("Acme AS", "urn:pact:4", 0.4)


def test_without_pyarrow_pandas_reader_gives_the_same_factors(tmp_path: Path, monkeypatch: Any) -> None:
    """Where pyarrow is not installed the columns are read by pandas' own reader in blocks of rows (here
    smaller than the file, so that blocks join): the factors are the row reader's all the same."""
    from footprint import _factor_table

    path = _write(tmp_path, 2_500)
    monkeypatch.setattr(_factor_table, "_ARROW_READER", False)
    monkeypatch.setattr(_factor_table, "_BLOCK_ROWS", 1_000)
    lib = fp.load_factors(path)
    assert isinstance(lib._factors, FactorColumns)
    assert [f.__dict__ for f in lib] == [f.__dict__ for f in _row_reader(path)]
