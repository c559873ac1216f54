"""A catalogue stored partitioned by supplier, for the pipeline on a Dask cluster (:mod:`._distributed`).

The layout is the three catalogue tables (docs/catalogue.md), each a folder of Parquet files::

    catalogue/products/part-00000.parquet   the products of some suppliers
    catalogue/bom/part-00000.parquet        the BOM lines of the items only those products reach
    catalogue/activities/part-00000.parquet the activities of those items
    catalogue/bom/shared.parquet            lines and activities of the items that products of several
    catalogue/activities/shared.parquet     partitions reach (standard parts): read by every partition

A partition with the shared tables holds everything its products reach, so it is prepared, exploded and
evaluated on its own; partitions are whole suppliers, so a supplier's roll-up is one partition's.
:func:`partition_catalogue` writes the layout from the three tables; an export that is already per
supplier can be written in it directly.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ._engine import BomArrays, find_cycle, run_starts, topological_levels
from ._errors import CycleError, OutputError, Problem, ProductError, expect_type
from ._output import atomic_outputs
from ._tables import TABLES, column_problems

if TYPE_CHECKING:
    import pandas as pd

    from ._types import TableSource

__all__ = ["SHARED", "TABLE_FOLDERS", "partition_catalogue", "partition_names", "read_partition", "read_shared"]

TABLE_FOLDERS = ("products", "bom", "activities")
SHARED = "shared.parquet"


def _item_codes(products: pd.DataFrame, bom: pd.DataFrame, activities: pd.DataFrame) -> tuple[Any, ...]:
    """Codes of every item id in one numbering: BOM parents and children, activity items, product roots."""
    import pandas as pd

    roots = products["root"] if "root" in products.columns else products["product"]
    cols = [bom["parent"], bom["child"], activities["item"], roots]
    codes, uniques = pd.factorize(pd.concat([c.astype(str) for c in cols], ignore_index=True))
    bounds = np.cumsum([0, *(len(c) for c in cols)])
    return (*(codes[bounds[k] : bounds[k + 1]].astype(np.intp) for k in range(4)), len(uniques))


def _owner(
    parent: npt.NDArray[np.intp], child: npt.NDArray[np.intp], root_part: npt.NDArray[np.intp],
    roots: npt.NDArray[np.intp], n_items: int,
) -> npt.NDArray[np.intp]:  # fmt: skip
    """The partition of each item: the one whose products reach it, -1 for an item products of several
    partitions reach (shared), 0 for an item no product reaches. Partitions flow from parents to children,
    the highest BOM level first; an item reached with two partitions keeps both bounds apart."""
    graph = BomArrays(n_items, parent, child, np.ones(len(parent)))
    level, on_cycle = topological_levels(graph)
    if len(on_cycle):
        raise CycleError(
            [Problem("the BOM has a cycle", file="bom", expected="an item never contains itself")],
            [str(k) for k in find_cycle(graph, on_cycle)],
            what="catalogue",
        )
    big = np.iinfo(np.intp).max
    lo, hi = np.full(n_items, big, dtype=np.intp), np.full(n_items, -1, dtype=np.intp)
    np.minimum.at(lo, roots, root_part)
    np.maximum.at(hi, roots, root_part)
    by_level = np.argsort(-level[parent], kind="stable")
    edge_level = level[parent][by_level]
    starts = run_starts(edge_level)
    for a, b in zip(starts, [*starts[1:], len(parent)], strict=True):
        e = by_level[a:b]
        reached = hi[parent[e]] >= 0
        np.minimum.at(lo, child[e][reached], lo[parent[e]][reached])
        np.maximum.at(hi, child[e][reached], hi[parent[e]][reached])
    return np.where(hi < 0, 0, np.where(lo == hi, lo, -1))


def partition_catalogue(
    products: TableSource,
    bom: TableSource,
    activities: TableSource,
    folder: str | os.PathLike[str],
    *,
    partitions: int = 8,
) -> Path:
    """Write a catalogue's three tables partitioned by supplier into ``folder`` (see the module's layout).

    Suppliers go to ``partitions`` partitions in order of first appearance, in runs of about equal numbers
    of products; items that products of several partitions reach (standard parts) go to the shared tables.
    ``folder`` must not exist or be empty; the files appear all at once or not at all. Returns ``folder``.
    """
    import pandas as pd

    from ._catalogue import read_table

    expect_type(partitions, int, "partitions")
    if partitions < 1:
        raise ProductError([Problem("partitions must be at least 1", field="partitions", value=partitions)])
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise OutputError(f"{str(folder)!r} is not an empty folder: a partitioned catalogue needs one of its own")
    tables = {n: read_table(s, n) for n, s in zip(TABLE_FOLDERS, (products, bom, activities), strict=True)}
    problems = [p for n, t in tables.items() for p in column_problems(TABLES[n], list(t.columns), n)]
    if problems:
        raise ProductError(problems, what="catalogue")
    prod, lines, acts = tables["products"], tables["bom"], tables["activities"]
    supplier = prod["supplier"].astype(str) if "supplier" in prod.columns else pd.Series(["(none)"] * len(prod))
    s_codes, s_ids = pd.factorize(supplier)
    per_supplier = np.bincount(s_codes, minlength=len(s_ids))
    # suppliers in runs of about len(prod) / partitions products each
    cut = np.minimum((np.cumsum(per_supplier) - per_supplier) * partitions // max(len(prod), 1), partitions - 1)
    prod_part = cut[s_codes].astype(np.intp)
    parent, child, act_item, roots, n_items = _item_codes(prod, lines, acts)
    owner = _owner(parent, child, prod_part, roots, n_items)
    used = np.unique(prod_part)
    with atomic_outputs() as out:
        for name, table, part in (("products", prod, prod_part), ("bom", lines, owner[parent]),
                                  ("activities", acts, owner[act_item])):  # fmt: skip
            for k in used:
                table[part == k].to_parquet(out.stage(folder / name / f"part-{k:05d}.parquet"), index=False)
            if name != "products":
                table[part < 0].to_parquet(out.stage(folder / name / SHARED), index=False)
    return folder


def partition_names(products: str | os.PathLike[str]) -> list[str]:
    """The partitions' file names in a products folder, sorted (every ``*.parquet`` but ``shared.parquet``)."""
    path = Path(products)
    if not path.is_dir():
        raise ProductError(
            [Problem("not a folder", file=str(path), expected="a folder of Parquet files, one per partition")],
            what="partitioned catalogue",
        )
    names = sorted(p.name for p in path.iterdir() if p.suffix == ".parquet" and p.name != SHARED)
    if not names:
        raise ProductError(
            [Problem("no partition", file=str(path), expected="Parquet files such as part-00000.parquet")],
            what="partitioned catalogue",
        )
    return names


def _read(path: Path, name: str) -> pd.DataFrame:
    """One table file of the layout, its columns checked against the table's declared ones."""
    import pandas as pd

    if not path.is_file():
        raise ProductError(
            [Problem("file not found", file=str(path), expected=f"the {name} table of this partition")],
            what="partitioned catalogue",
        )
    try:
        df = pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise ProductError(
            [Problem(f"cannot read as Parquet: {exc}", file=str(path), expected=f"the {name} table as Parquet")],
            what="partitioned catalogue",
        ) from None
    problems = column_problems(TABLES[name], list(df.columns), str(path))
    if problems:
        raise ProductError(problems, what="partitioned catalogue")
    return df


def read_shared(bom: str | os.PathLike[str], activities: str | os.PathLike[str]) -> tuple[pd.DataFrame, ...]:
    """The shared BOM lines and activities (empty tables where a layout has none)."""
    import pandas as pd

    out = []
    for folder, name, cols in ((bom, "bom", ["parent", "child", "quantity"]),
                               (activities, "activities", ["item", "factor", "amount", "unit"])):  # fmt: skip
        path = Path(folder) / SHARED
        out.append(_read(path, name) if path.exists() else pd.DataFrame({c: pd.Series(dtype=str) for c in cols}))
    return tuple(out)


def read_partition(
    folders: tuple[str | os.PathLike[str], ...], name: str, shared: tuple[pd.DataFrame, ...]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """A partition's three tables, its BOM lines and activities joined with the shared ones. An item whose
    lines or activities are both in the partition and shared would count twice: refused, naming it."""
    import pandas as pd

    products, bom, activities = (_read(Path(f) / name, t) for f, t in zip(folders, TABLE_FOLDERS, strict=True))
    problems = []
    for table, shared_table, col, folder in ((bom, shared[0], "parent", folders[1]),
                                             (activities, shared[1], "item", folders[2])):  # fmt: skip
        twice = table[col].astype(str).isin(shared_table[col].astype(str)).to_numpy()
        if twice.any():
            first = int(np.flatnonzero(twice)[0])
            problems.append(
                Problem(
                    f"{int(twice.sum())} row(s) of items also defined in {SHARED}: they would count twice",
                    file=str(Path(folder) / name), row=first, field=col, value=str(table[col].iloc[first]),
                    expected=f"each item's rows in one place: the partition or {SHARED}", row_label="position",
                )
            )  # fmt: skip
    if problems:
        raise ProductError(problems, what="partitioned catalogue")
    joined = [
        pd.concat([t, s], ignore_index=True) if len(s) else t for t, s in zip((bom, activities), shared, strict=True)
    ]
    return products, joined[0], joined[1]
