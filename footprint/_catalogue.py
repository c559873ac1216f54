"""Catalogues: every product of a supplier or cluster, checked, exploded and evaluated at once.

Three tidy tables come in (products, BOM lines, activities; see docs/catalogue.md). ``prepare_catalogue``
checks them with vectorised operations and codes them as integer arrays (units converted once per distinct
pair of units); ``explode_catalogue`` computes every product's cumulative item quantities in one pass per
BOM level; ``calculate_catalogue`` evaluates the exploded rows (gather, multiply, group) and rolls products
up to suppliers and the cluster. Recalculating under another GWP set or with new factor values reuses the
explosion.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
from dataclasses import dataclass, replace
from functools import cache, cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ._deprecation import renamed_argument
from ._engine import (
    BomArrays,
    CellSums,
    Layout,
    explode,
    find_cycle,
    gather_runs,
    nodes_on_cycles,
    run_starts,
    split_layout,
    stable_order,
)
from ._errors import (
    CycleError,
    IncompatibleUnitsError,
    InputError,
    MissingDependencyError,
    Problem,
    ProductError,
    UnitError,
    UnknownFactorError,
    UsageError,
    expect_type,
    plain,
)
from ._factor_io import default_library
from ._factors import FactorLibrary, PrefoldedPolicy, activity_to_factor_unit
from ._finite import check_catalogue
from ._gwp import DEFAULT_GWP_SET, GWPSet, GWPSetName, gases, gwp_set
from ._id_codes import category_codes, encode_categorical_ids, encode_integer_ids, first_appearance
from ._modules import CRADLE_TO_GATE, MODULES, default_module
from ._tables import TABLES, column_problems, quantities, to_canonical, where_rows
from ._text_ids import number_text

if TYPE_CHECKING:
    from collections.abc import Callable

    import pandas as pd

    from ._product import Product
    from ._result import FootprintResult
    from ._types import TableSource

__all__ = [
    "Catalogue",
    "CatalogueResult",
    "ExplodedCatalogue",
    "calculate_catalogue",
    "explode_catalogue",
    "prepare_catalogue",
    "read_table",
    "result_tables",
    "rollup",
]

_MOD = {m: i for i, m in enumerate(MODULES)}
_D = _MOD["D"]
_MAX_LISTED = 20
_RUN_PROBE = 8192  # values of an id column looked at before comparing all of them for runs
_NONE = "(none)"  # the supplier or family of a product that names none


@dataclass(frozen=True)
class Catalogue:
    """A checked catalogue as integer-coded arrays (see :func:`prepare_catalogue`)."""

    library: FactorLibrary
    product_ids: npt.NDArray[np.object_]
    supplier_of: npt.NDArray[np.intp]
    supplier_ids: npt.NDArray[np.object_]
    family_of: npt.NDArray[np.intp]
    family_ids: npt.NDArray[np.object_]
    item_ids: pd.Index
    bom: BomArrays
    root: npt.NDArray[np.intp]
    act_item: npt.NDArray[np.intp]
    act_factor: npt.NDArray[np.intp]
    act_qty: npt.NDArray[np.float64]
    act_module: npt.NDArray[np.intp]
    act_offsets: npt.NDArray[np.intp]
    act_pair: npt.NDArray[np.int32] | None = None
    pairs: tuple[tuple[int, str], ...] = ()

    @property
    def n_products(self) -> int:
        """Number of products."""
        return len(self.product_ids)

    @cached_property
    def indexes(self) -> dict[str, pd.Index]:
        """The product, supplier and family ids as pandas indexes (made once: result tables share them)."""
        import pandas as pd

        return {
            "product": pd.Index(self.product_ids, name="product"),
            "supplier": pd.Index(self.supplier_ids, name="supplier"),
            "family": pd.Index(self.family_ids, name="family"),
        }

    @cached_property
    def product_table(self) -> pd.DataFrame:
        """Each product's supplier and family (made once; results hold shallow copies)."""
        import pandas as pd

        return pd.DataFrame(
            {"supplier": self.supplier_ids[self.supplier_of], "family": self.family_ids[self.family_of]},
            index=self.indexes["product"],
        )

    @cached_property
    def groups(self) -> dict[str, tuple[npt.NDArray[np.intp] | None, npt.NDArray[np.intp]] | None]:
        """Per grouping (``supplier``, ``family``): the products in group order (stable; None when that is
        the catalogue's order) and where each group's run starts, so that a roll-up is one gather and one
        segmented sum; None where a group has no product (made once)."""
        out: dict[str, tuple[npt.NDArray[np.intp] | None, npt.NDArray[np.intp]] | None] = {}
        for name, codes, n in (("supplier", self.supplier_of, len(self.supplier_ids)),
                               ("family", self.family_of, len(self.family_ids))):  # fmt: skip
            counts = np.bincount(codes, minlength=n)
            starts = np.zeros(n, dtype=np.intp)
            np.cumsum(counts[:-1], out=starts[1:])
            order: npt.NDArray[np.intp] | None = np.argsort(codes, kind="stable")
            if order is not None and (order == np.arange(len(order))).all():
                order = None  # the products come grouped already: no gather
            out[name] = (order, starts) if n and counts.all() else None
        return out

    @cached_property
    def factors_used(self) -> npt.NDArray[np.intp]:
        """Positions in :attr:`library` of the factors the activities name (made once)."""
        return np.flatnonzero(np.bincount(self.act_factor, minlength=len(self.library)))

    @cached_property
    def pair_factor(self) -> npt.NDArray[np.intp]:
        """The factor position of each (factor, unit) pair of :attr:`pairs`, -1 where none (made once)."""
        return np.fromiter((fi for fi, _ in self.pairs), dtype=np.intp, count=len(self.pairs))

    @cached_property
    def input_hash(self) -> str:
        """A hash of the catalogue's content (products, BOM lines, activities in their factors' units), the
        same whatever the order of the rows; computed on first use."""
        import pandas as pd

        ids = np.asarray(self.item_ids.astype(str), dtype=object)
        fac_ids = np.asarray(self.library.ids, dtype=object)
        tables = (
            pd.DataFrame({"product": self.product_ids.astype(str), "root": ids[self.root],
                          "supplier": self.supplier_ids[self.supplier_of].astype(str),
                          "family": self.family_ids[self.family_of].astype(str)}),
            pd.DataFrame({"parent": ids[self.bom.edge_parent], "child": ids[self.bom.edge_child],
                          "quantity": self.bom.edge_qty}),
            pd.DataFrame({"item": ids[self.act_item], "factor": fac_ids[self.act_factor], "qty": self.act_qty,
                          "module": np.asarray(MODULES, dtype=object)[self.act_module]}),
        )  # fmt: skip
        h = hashlib.sha256()
        for t in tables:
            h.update(t.sort_values(list(t.columns)).to_csv(index=False, float_format="%r").encode())
        return f"sha256:{h.hexdigest()[:32]}"

    def product(self, product_id: str) -> Product:
        """One product of the catalogue as a :class:`Product` (the model of product files): every item its
        root reaches, with its BOM lines and its activities in its factors' units, modules made explicit.
        :func:`footprint.calculate` of it gives the product's full :class:`FootprintResult`."""
        from ._product import Activity, Amount, Child, Item, Product

        expect_type(product_id, str, "product_id")
        hit = np.flatnonzero(self.product_ids == product_id)
        if not len(hit):
            raise InputError(
                [Problem("no such product in the catalogue", field="product", value=product_id)], what="catalogue"
            )
        k = int(hit[0])
        offsets, children, qty = self.bom.csr()
        root = int(self.root[k])
        reached, stack = {root}, [root]
        while stack:
            n = stack.pop()
            for c in children[offsets[n] : offsets[n + 1]].tolist():
                if c not in reached:
                    reached.add(c)
                    stack.append(c)
        items = []
        for n in sorted(reached, key=lambda n: (n != root, str(self.item_ids[n]))):
            kids = [
                Child(item=str(self.item_ids[c]), quantity=float(q))
                for c, q in zip(children[offsets[n] : offsets[n + 1]], qty[offsets[n] : offsets[n + 1]], strict=True)
            ]
            acts = []
            for a in range(self.act_offsets[n], self.act_offsets[n + 1]):
                fac = self.library.factor_at(int(self.act_factor[a]))
                acts.append(
                    Activity(
                        factor=fac.id,
                        # already in the factor's unit, so on its heating-value basis where it has one
                        quantity=Amount(
                            value=float(self.act_qty[a]),
                            unit=f"{fac.unit} {fac.energy_basis}" if fac.energy_basis else fac.unit,
                        ),
                        module=MODULES[int(self.act_module[a])],
                    )
                )
            items.append(Item(id=str(self.item_ids[n]), children=kids, activities=acts))
        supplier, family = self.supplier_ids[self.supplier_of[k]], self.family_ids[self.family_of[k]]
        return Product(
            id=product_id,
            root=str(self.item_ids[root]),
            supplier=None if supplier == _NONE else str(supplier),
            family=None if family == _NONE else str(family),
            items=items,
        )


@dataclass(frozen=True)
class ExplodedCatalogue:
    """Every product's activities as flat rows: (product, factor, module, quantity in the factor's unit).

    Also kept, to make recalculation a gather-multiply-sum: each row's (product, module) key, the factors in
    use, and the quantity of each factor in use per product outside module D (for the gas breakdown).
    Product, factor and key codes are 32-bit integers where they fit (64-bit beyond), modules 8-bit.
    """

    catalogue: Catalogue
    row_product: npt.NDArray[np.signedinteger[Any]]
    row_factor: npt.NDArray[np.signedinteger[Any]]
    row_module: npt.NDArray[np.signedinteger[Any]]
    row_qty: npt.NDArray[np.float64]
    row_key: npt.NDArray[np.signedinteger[Any]]
    used: npt.NDArray[np.intp]
    qty_by_product_factor: npt.NDArray[np.float64]

    @cached_property
    def abs_qty_sum(self) -> float:
        """The sum of every row's absolute quantity (infinite or NaN where a row is): bounds every partial sum
        a calculation takes, so that under it no table can overflow (made by :func:`explode_catalogue`)."""
        return _abs_sum(self.row_qty)

    @cached_property
    def by_key_factor(self) -> _KeyFactor:
        """The rows summed per ((product, module), factor), grouped by (product, module): a sparse matrix
        whose product with kg CO2e per factor unit gives every product's modules (so that each
        recalculation is a matrix-vector product; made by :func:`explode_catalogue`)."""
        return _key_factor(self)


@dataclass(frozen=True)
class _KeyFactor:
    """Exploded rows summed per ((product, module), factor): the (product, module) key of each run of
    entries (``product * modules + module``) and its cell in a module-major array (``module * products +
    product``), where each run starts, each entry's factor and quantity; the largest row quantity (infinite if
    a row is not finite) and the modules with rows."""

    key: npt.NDArray[np.intp]
    cell: npt.NDArray[np.intp]
    starts: npt.NDArray[np.intp]
    factor: npt.NDArray[np.intp]
    qty: npt.NDArray[np.float64]
    max_qty: float
    modules_used: npt.NDArray[np.bool_]

    @classmethod
    def of(
        cls,
        n_products: int,
        key: npt.NDArray[np.intp],
        starts: npt.NDArray[np.intp],
        factor: npt.NDArray[np.intp],
        qty: npt.NDArray[np.float64],
        largest: list[float],
        modules_used: npt.NDArray[np.bool_],
    ) -> _KeyFactor:
        """The matrix from its runs' keys and starts, its entries' factors and quantities, the largest absolute
        row quantity of each block of rows, and the modules with rows (each key's cell derived here)."""
        n_m = len(MODULES)
        finite = bool(np.isfinite(largest).all())
        return cls(
            key=key,
            cell=(key % n_m) * n_products + key // n_m,
            starts=starts,
            factor=factor,
            qty=qty,
            max_qty=max(largest, default=0.0) if finite else np.inf,
            modules_used=modules_used,
        )

    @cached_property
    def chunks(self) -> list[tuple[int, int, int, int]]:
        """The entries cut into chunks of whole runs of about :data:`_CHUNK` entries, so that a pass over
        them keeps its temporaries in cache: (first entry, end entry, first run, end run) of each."""
        n, runs = len(self.qty), len(self.starts)
        first = np.unique(np.searchsorted(self.starts, np.arange(0, n, _CHUNK), side="right") - 1)
        run_at, entry_at = [*first.tolist(), runs], [*self.starts[first].tolist(), n]
        return [(entry_at[i], entry_at[i + 1], run_at[i], run_at[i + 1]) for i in range(len(first))]

    @cached_property
    def local_starts(self) -> npt.NDArray[np.intp]:
        """Where each run starts within its chunk (:attr:`chunks`)."""
        out = self.starts.copy()
        for a, _, r, s in self.chunks:
            out[r:s] -= a
        return out


_CHUNK = 1 << 15  # entries of a chunk: its quantities, factors and products (768 kB) stay in a core's cache


class _Deferred:
    """A result table not computed yet: ``make()`` computes it (a picklable callable, so that a result can
    be pickled before the table is read)."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[], pd.DataFrame]) -> None:
        self.make = make


class _DeferredTable:
    """A field of :class:`CatalogueResult` that may hold a :class:`_Deferred`: the table is computed when it is
    first read, then kept (a data descriptor over the instance's ``__dict__``; no default)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, objtype: type | None = None) -> pd.DataFrame:
        if obj is None:
            raise AttributeError(self.name)
        value = obj.__dict__[self.name]
        if isinstance(value, _Deferred):
            value = value.make()
            obj.__dict__[self.name] = value
        return value  # type: ignore[no-any-return]

    def __set__(self, obj: Any, value: pd.DataFrame | _Deferred) -> None:
        obj.__dict__[self.name] = value


@dataclass(frozen=True)
class CatalogueResult:
    """Footprints of every product, supplier and the cluster, in kg CO2e per product unit (products) and
    summed over one unit of each product (suppliers, cluster). Columns: ``total_kgco2e`` (A1-C4),
    ``cradle_to_gate_kgco2e`` (A1-A3), ``module_d_kgco2e`` (apart), then one column per module present.

    ``by_product_gas`` and ``products`` may be computed when first read (:func:`calculate_catalogue` of an
    :class:`ExplodedCatalogue` leaves them so: a recalculation computes the modules, totals and roll-ups; the
    gases' table, the same numbers whenever it is read, only if asked for)."""

    gwp_set: str
    by_product: pd.DataFrame
    by_product_gas: pd.DataFrame
    by_supplier: pd.DataFrame
    by_family: pd.DataFrame
    cluster: pd.DataFrame
    products: pd.DataFrame
    prefolded_factors: list[str]
    factor_library_version: str
    catalogue: Catalogue | None = None
    library: FactorLibrary | None = None
    prefolded: PrefoldedPolicy = "error"
    _input_hash: str | None = None

    @property
    def input_hash(self) -> str:
        """The hash of the catalogue's content (see :attr:`Catalogue.input_hash`)."""
        if self._input_hash is not None:
            return self._input_hash
        if self.catalogue is None:
            raise UsageError("this catalogue result keeps neither its catalogue nor an input hash")
        return self.catalogue.input_hash

    def model_dump_json(self, *, indent: int | None = None) -> str:
        """The result as a JSON document (schema: ``footprint schema catalogue``): its tables as rows, with
        the input hash, the factor library version, the GWP set and footprint's version."""
        from . import __version__
        from ._contracts import CatalogueDocument, frame_rows

        doc = CatalogueDocument(
            gwp_set=self.gwp_set,
            factor_library_version=self.factor_library_version,
            input_hash=self.input_hash,
            footprint_version=__version__,
            prefolded_factors=self.prefolded_factors,
            **{t: frame_rows(getattr(self, t)) for t in _TABLES},
        )
        return doc.model_dump_json(by_alias=True, indent=indent)

    @classmethod
    def model_validate_json(cls, text: str | bytes) -> CatalogueResult:
        """A result read back from :meth:`model_dump_json` (without the catalogue: :meth:`footprint` needs
        the result of :func:`calculate_catalogue`)."""
        from pydantic import ValidationError

        from ._contracts import CatalogueDocument, rows_frame
        from ._models import validation_problems

        try:
            doc = CatalogueDocument.model_validate_json(text)
        except ValidationError as exc:
            raise InputError(validation_problems(exc), what="catalogue result JSON") from None
        index = {"by_product": "product", "by_product_gas": "product", "by_supplier": "supplier",
                 "by_family": "family", "cluster": "cluster", "products": "product"}  # fmt: skip
        frames = {t: rows_frame(getattr(doc, t), index[t]) for t in _TABLES}
        return cls(
            gwp_set=doc.gwp_set,
            by_product=frames["by_product"],
            by_product_gas=frames["by_product_gas"],
            by_supplier=frames["by_supplier"],
            by_family=frames["by_family"],
            cluster=frames["cluster"],
            products=frames["products"],
            prefolded_factors=doc.prefolded_factors,
            factor_library_version=doc.factor_library_version,
            _input_hash=doc.input_hash,
        )

    def footprint(self, product_id: str) -> FootprintResult:
        """One product's full :class:`FootprintResult` (components, factors, gases, data quality), computed
        on demand by the product path from the same data, under the same GWP set and library."""
        from ._lifecycle import calculate

        if self.catalogue is None or self.library is None:
            raise UsageError("this catalogue result keeps no catalogue; calculate it with calculate_catalogue")
        product = self.catalogue.product(product_id)
        return calculate(product, self.library, gwp=gwp_set(self.gwp_set), prefolded=self.prefolded)

    def __repr__(self) -> str:
        """One line with the key figures (the tables are attributes)."""
        from .report._display import catalogue_repr

        return catalogue_repr(self)

    def _repr_html_(self) -> str:
        """Key figures, a table and a small chart, for notebooks (all text escaped)."""
        from .report._display import catalogue_html

        return catalogue_html(self)


for _name in ("by_product_gas", "products"):  # set after the dataclass is made: these fields have no default
    setattr(CatalogueResult, _name, _DeferredTable(_name))

_log = logging.getLogger(__name__)
_TABLES = ("by_product", "by_product_gas", "by_supplier", "by_family", "cluster", "products")
_ID_COLUMNS = ("product", "root", "supplier", "family", "parent", "child", "item", "factor", "unit", "module")
_ITEM_ID_COLUMNS = frozenset({"root", "parent", "child", "item"})


def _comment_lines(path: Path) -> int:
    """Number of comment and blank lines before a CSV file's header."""
    skip = 0
    with path.open(encoding="utf-8-sig") as fh:
        for line in fh:
            if line.strip() and not line.lstrip().startswith("#"):
                break
            skip += 1
    return skip


def read_table(source: Any, name: str) -> pd.DataFrame:
    """A table given as a DataFrame or as a CSV or Parquet file (CSV comment lines before the header are
    skipped; ``attrs["first_row"]`` is the file line of the first data row)."""
    import pandas as pd

    expect_type(source, (pd.DataFrame, str, os.PathLike), name)
    if isinstance(source, pd.DataFrame):
        return source
    path = Path(source)
    if not path.is_file():
        raise ProductError(
            [Problem("file not found", file=str(path), expected=f"the {name} table as CSV or Parquet")], what=name
        )
    if path.suffix.lower() in (".parquet", ".pq"):
        _need_pyarrow(path)
        return pd.read_parquet(path)
    skip = _comment_lines(path)
    df = pd.read_csv(path, skiprows=skip, encoding="utf-8-sig", dtype=dict.fromkeys(_ID_COLUMNS, "str"))
    df.attrs["first_row"] = skip + 2
    return df


class _CsvColumns:
    """A CSV table read one column at a time (each coded and released before the next is read)."""

    def __init__(self, path: Path) -> None:
        import pandas as pd

        self.path = path
        self._skip = _comment_lines(path)
        self.columns = list(pd.read_csv(path, skiprows=self._skip, nrows=0, encoding="utf-8-sig").columns)
        self.attrs: dict[str, Any] = {"first_row": self._skip + 2}
        self._rows: int | None = None

    def __len__(self) -> int:
        if self._rows is None:
            self._rows = len(self[self.columns[0]])
        return self._rows

    def __getitem__(self, col: str) -> pd.Series:
        import pandas as pd

        dtype = "str" if col in _ID_COLUMNS else None
        series = pd.read_csv(
            self.path, skiprows=self._skip, usecols=[col], dtype={col: dtype} if dtype else None, encoding="utf-8-sig"
        )[col]
        self._rows = len(series)
        return series


class _ParquetColumns:
    """A Parquet table read one column at a time (each coded and released before the next is read). The
    column read last is kept until another is asked for (a column is often looked at, then read); columns
    of few distinct values (factor ids, units, modules) come as categories, from the file's own dictionary
    encoding: no hashing of their text."""

    _DICTIONARY = frozenset({"factor", "unit", "module"})

    def __init__(self, path: Path) -> None:
        import pyarrow.parquet as pq

        meta = pq.read_metadata(path)
        self.path = path
        self.columns = [meta.schema.column(i).name for i in range(meta.num_columns)]
        self.attrs: dict[str, Any] = {}  # no lines in a Parquet file: rows are positions
        self._rows = meta.num_rows
        self._last: tuple[str, pd.Series] | None = None
        self._ahead: dict[str, Any] = {}

    def __len__(self) -> int:
        return int(self._rows)

    def __getitem__(self, col: str) -> pd.Series:
        import pyarrow as pa

        if self._last is not None and self._last[0] == col:
            return self._last[1]
        self._last = None
        column = self._ahead.pop(col, None)
        if column is None:
            _release_arrow_memory()
            column = self._read([col], threads=False).column(col)
        as_read = _item_ids_as_read(column, col)
        series: pd.Series = pa.table({col: column}).to_pandas()[col] if as_read is None else as_read
        self._last = (col, series)
        return series

    def read_ahead(self, names: tuple[str, ...]) -> None:
        """Read the columns of ``names`` that the file has in one pass, decoded in parallel on Arrow's threads,
        each kept until :meth:`__getitem__` asks for it (columns a catalogue needs together anyway)."""
        wanted = [c for c in names if c in self.columns and c not in self._ahead]
        if len(wanted) > 1:
            table = self._read(wanted, threads=True)
            self._ahead.update((c, table.column(c)) for c in wanted)
            del table
            _release_arrow_memory()  # the threads' decoding buffers

    def _read(self, names: list[str], threads: bool) -> Any:
        import pyarrow.parquet as pq

        dictionary = [c for c in names if c in self._DICTIONARY] or None
        with pq.ParquetFile(self.path, read_dictionary=dictionary) as file:  # not read_table: no dataset to scan
            return file.read(columns=names, use_threads=threads)

    def frame(self) -> pd.DataFrame:
        """The whole table (a small one: the products), its item ids as :meth:`__getitem__` reads them."""
        import pandas as pd

        return pd.DataFrame({col: self[col] for col in self.columns})


def _read_ahead(table: Any, names: tuple[str, ...]) -> None:
    """The columns ``names`` of a Parquet table read in one pass (see :meth:`_ParquetColumns.read_ahead`)."""
    if isinstance(table, _ParquetColumns):
        table.read_ahead(names)


def _item_ids_as_read(column: Any, col: str) -> Any:
    """An item id column that the file stores dictionary-encoded (written from a categorical) as an Arrow-backed
    pandas column of the codes and the dictionary as read, or ``None`` for any other column. pandas' own
    categorical would check the categories (one hash of each id, an item master's worth per column)."""
    import pyarrow as pa

    if col not in _ITEM_ID_COLUMNS or not pa.types.is_dictionary(column.type):
        return None
    import pandas as pd

    return pd.Series(pd.arrays.ArrowExtensionArray(column), name=col)


def _release_arrow_memory() -> None:
    """Give back what Arrow's memory pool keeps from freed buffers, so that the peaks of reading one column
    after another do not stack up (a no-op when pyarrow is not in use)."""
    pa = sys.modules.get("pyarrow")
    if pa is not None:
        pa.default_memory_pool().release_unused()


def _need_pyarrow(path: Path) -> None:
    """Parquet needs pyarrow, an optional dependency: say which extra installs it."""
    try:
        import pyarrow  # noqa: F401
    except ImportError as exc:
        raise MissingDependencyError(
            f"reading the Parquet file {path} needs pyarrow, which is not installed: pip install 'footprint[parquet]'"
        ) from exc


def _open_table(source: Any, name: str) -> Any:
    """A DataFrame, or a CSV or Parquet file read column by column."""
    if isinstance(source, str | Path) and Path(source).is_file():
        path = Path(source)
        if path.suffix.lower() in (".parquet", ".pq"):
            _need_pyarrow(path)
            return _ParquetColumns(path)
        return _CsvColumns(path)
    return read_table(source, name)


def _bad_rows(
    mask: npt.NDArray[np.bool_],
    name: str,
    field: str,
    message: str,
    expected: str,
    values: Any = None,
    first: tuple[int, str] = (2, "row"),
) -> Problem:
    """One problem for the rows of a table where ``mask`` holds: file lines (header on the line before) or
    DataFrame positions, as ``first`` (first data row, its word) says."""
    start, label = first
    rows = [int(i) + start for i in np.flatnonzero(mask)[:_MAX_LISTED]]
    n = int(mask.sum())
    more = f" (first {len(rows)} of {n})" if n > len(rows) else ""
    value = None if values is None else plain(values[int(np.flatnonzero(mask)[0])])
    return Problem(
        f"{message} on {n} {label}(s){more}: {rows}",
        file=name,
        row=rows[0],
        field=field,
        value=value,
        expected=expected,
        row_label=label,
    )


def _codes(series: pd.Series) -> tuple[npt.NDArray[np.intp], pd.Index]:
    """Integer codes of a column of ids and its distinct values (-1 for an empty cell). The distinct values
    stay in the column's string type (Arrow-backed in pandas 3): no Python object per id. Categories no
    row uses are left out."""
    import pandas as pd

    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy().astype(np.intp)
        categories = pd.Index(series.cat.categories)
        used = np.bincount(codes[codes >= 0], minlength=len(categories)) > 0
        if used.all():
            return codes, categories
        renumber = np.append(np.cumsum(used) - 1, -1)  # -1 stays -1
        return renumber[codes], categories[used]
    if getattr(series.dtype, "storage", None) == "pyarrow":
        # Arrow's own hash encoding: leaner than building pandas' hash table over millions of strings
        import pyarrow as pa
        import pyarrow.compute as pc

        enc = pc.dictionary_encode(pa.array(series.array))
        if isinstance(enc, pa.ChunkedArray):
            enc = enc.combine_chunks()
        codes = enc.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.intp)
        return codes, pd.Index(pd.array(enc.dictionary, dtype=series.dtype))
    codes, uniques = pd.factorize(series)
    return codes.astype(np.intp), pd.Index(uniques)


def _unify(parts: list[tuple[npt.NDArray[np.intp], pd.Index]]) -> tuple[list[npt.NDArray[np.intp]], pd.Index]:
    """Codes of several id columns in one shared numbering. Each column was factorised on its own; only
    their distinct values are unified here (no concatenation of millions of strings)."""
    import pandas as pd

    uniq_all = pd.concat([_as_text(u) for _, u in parts], ignore_index=True)
    g_codes, g_uniques = pd.factorize(uniq_all)
    out, start = [], 0
    for codes, uniques in parts:
        mapping = np.append(g_codes[start : start + len(uniques)], -1).astype(np.intp)  # -1 stays -1
        out.append(mapping[codes])
        start += len(uniques)
    return out, pd.Index(g_uniques)


def _as_text(uniques: pd.Index) -> pd.Series:
    """The distinct ids of one column as text, a float column's whole numbers as integers (``"3"``, not
    ``"3.0"``): a column of integer ids turns float when one cell is empty (pandas' NaN), and its ids must still
    meet the same items given as integers or text in the other tables."""
    import pandas as pd

    if uniques.dtype.kind == "f":
        values = uniques.to_numpy(dtype=np.float64)
        if (np.abs(values) < 2**53).all() and (values == np.round(values)).all():  # exact integers only
            return pd.Series(values.astype(np.int64).astype(str))
    return pd.Series(uniques.astype(str))


def _arrow_strings(series: Any) -> Any:
    """The chunks of an Arrow-backed string column as one large-string ChunkedArray (no copy of the strings
    where they are large strings already), or ``None`` for any other column."""
    if getattr(series.dtype, "storage", None) != "pyarrow" or isinstance(series, np.ndarray):
        return None
    import pyarrow as pa

    arr = pa.chunked_array(pa.array(series.array))
    if pa.types.is_large_string(arr.type):
        return arr
    return arr.cast(pa.large_string()) if pa.types.is_string(arr.type) else None


def _run_heads(arr: Any) -> npt.NDArray[np.intp] | None:
    """Start of each run of equal values (a BOM exported parent by parent repeats each parent down its lines),
    or ``None`` when runs are too short to be worth it: an average run under two values, in the whole column
    or already in its first :data:`_RUN_PROBE` values (a column of children or of activity items, whose
    comparison down a million lines would cost more than it saves)."""
    if len(arr) > _RUN_PROBE and _heads(arr.slice(0, _RUN_PROBE)) is None:
        return None
    return _heads(arr)


def _heads(arr: Any) -> npt.NDArray[np.intp] | None:
    """:func:`_run_heads` of the whole of ``arr``."""
    import pyarrow.compute as pc

    if len(arr) < 2:
        return None
    differs = pc.not_equal(arr.slice(1), arr.slice(0, len(arr) - 1)).fill_null(True)
    heads = np.flatnonzero(np.r_[True, differs.to_numpy()])
    return heads if 2 * len(heads) <= len(arr) else None


def _encode_ids(columns: list[Any]) -> tuple[list[npt.NDArray[np.intp]], pd.Index]:
    """Integer codes of several id columns in one numbering (-1 for an empty cell), and the distinct ids in
    order of first appearance. Arrow-backed string columns are hashed once, all together (one hash table over
    all their chunks, no copy of them: :func:`footprint._text_ids.number_text`), each run of a repeated value
    once; categorical columns of text are
    coded from their categories (see :mod:`footprint._id_codes`); other columns are factorised one by one and
    their distinct values unified."""
    import pandas as pd
    import pyarrow as pa

    arrays = [_arrow_strings(c) for c in columns]
    if any(a is None for a in arrays):
        categorical = [category_codes(c) if a is None else a for c, a in zip(columns, arrays, strict=True)]
        if any(c is None for c in categorical):  # ids of another type: as text, numbered as plain text
            numbered = encode_integer_ids(columns)
            if numbered is not None:
                return numbered
            coded, distinct = _unify([_codes(c) for c in columns])
            return first_appearance(coded, distinct) if any(_is_categorical(c) for c in columns) else (coded, distinct)
        return encode_categorical_ids(categorical)
    heads = [_run_heads(a) for a in arrays]
    parts = [a if h is None else a.take(pa.array(h)) for a, h in zip(arrays, heads, strict=True)]
    _release_arrow_memory()
    chunked = pa.chunked_array([c for p in parts for c in p.chunks], type=pa.large_string())
    codes, dictionary = number_text(chunked)
    del parts, chunked
    out, start = [], 0
    for a, h in zip(arrays, heads, strict=True):
        n = len(a) if h is None else len(h)
        c = codes[start : start + n]
        out.append(c.astype(np.intp) if h is None else np.repeat(c.astype(np.intp), np.diff(np.append(h, len(a)))))
        start += n
    return out, pd.Index(pd.array(dictionary, dtype=columns[0].dtype))


def _is_categorical(series: Any) -> bool:
    import pandas as pd

    return isinstance(getattr(series, "dtype", None), pd.CategoricalDtype)


def _numbers(series: pd.Series) -> npt.NDArray[np.float64]:
    """A column as float64 numbers (a new array), NaN where a cell is empty or no number."""
    import pandas as pd

    if isinstance(series.dtype, np.dtype) and series.dtype.kind in "iuf":  # numpy's numbers: one conversion
        return np.array(series.to_numpy(), dtype=np.float64)
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def _finite_non_negative(values: npt.NDArray[np.float64]) -> bool:
    """Whether every value is a finite number >= 0: two reductions (NaN fails both), no mask."""
    return not len(values) or bool(values.min() >= 0 and values.max() < np.inf)


def _with_sentinel(codes: npt.NDArray[np.intp], uniques: pd.Index) -> tuple[npt.NDArray[np.intp], list[str]]:
    """Codes where an empty cell (-1) points at an extra last value ``""``, and the values as text."""
    values = [*(str(u) for u in uniques), ""]
    if not len(codes) or codes.min() >= 0:  # no empty cell: the codes as they are
        return codes, values
    return np.where(codes < 0, len(values) - 1, codes), values


def _code_bom(bom: Any, first: tuple[int, str], problems: list[Problem]) -> tuple[Any, Any, npt.NDArray[np.float64]]:
    """Parent and child id columns and quantities of the BOM table, each in the
    child's unit: a quantity with a unit (``unit`` column or "3500 mm") is converted to the unit its child
    is counted in (kg, m, m**2, m**3, piece: see :func:`footprint._tables.canonical_unit`)."""
    if _is_numeric(bom["quantity"]) and "unit" not in bom.columns:
        qty = _numbers(bom["quantity"])
    else:
        qty = _converted_quantities(bom, "quantity", _codes(bom["child"]), first, problems)
    if not _finite_non_negative(qty):
        problems.append(
            _bad_rows(
                ~np.isfinite(qty) | (qty < 0),
                "bom",
                "quantity",
                "quantity is not a finite number >= 0",
                "e.g. 2, 0.5 or '3500 mm'",
                bom["quantity"].to_numpy(),
                first=first,
            )
        )
        qty = np.nan_to_num(qty)
    return bom["parent"], bom["child"], qty


def _is_numeric(series: pd.Series) -> bool:
    import pandas as pd

    return bool(pd.api.types.is_numeric_dtype(series.dtype))


def _converted_quantities(
    bom: Any, col: str, child: tuple[npt.NDArray[np.intp], pd.Index], first: tuple[int, str], problems: list[Problem]
) -> npt.NDArray[np.float64]:
    """BOM quantities with their units converted once per distinct unit to the child's counting unit; a
    child measured in two dimensions, or a unit pint cannot read, is a problem."""
    mag, u_codes, u_values, unread, twice = quantities(bom[col], bom["unit"] if "unit" in bom.columns else None)
    for mask, msg in ((unread, "cannot read quantity"), (twice, "unit given both in the value and in 'unit'")):
        if mask.any():
            problems.append(
                _bad_rows(mask, "bom", col, msg, "a number, or a number and a unit", bom[col].to_numpy(), first=first)
            )
    mult = np.ones(len(u_values))
    target = np.full(len(u_values), "", dtype=object)
    for k, unit in enumerate(u_values):
        if not unit:
            continue
        try:
            mult[k], target[k] = to_canonical(unit)
        except UnitError as exc:
            mult[k] = np.nan
            problems.append(_bad_rows(u_codes == k, "bom", "unit", str(exc), "a unit, e.g. mm, kg, piece", first=first))
    # one counting unit per child: the distinct (child, unit) pairs, never the rows, are compared
    import pandas as pd

    c_codes, c_ids = child
    has_unit = target[u_codes] != ""
    pairs = pd.DataFrame({"child": c_codes[has_unit], "unit": target[u_codes][has_unit]}).drop_duplicates()
    per_child = pairs.groupby("child")["unit"].agg(lambda u: ", ".join(sorted(u)))
    several = per_child[pairs["child"].value_counts().reindex(per_child.index) > 1]
    for c, units in zip(several.index.to_numpy(dtype=np.intp), several.to_numpy(), strict=True):
        problems.append(
            _bad_rows(
                (c_codes == c) & has_unit,
                "bom",
                "unit",
                f"child {c_ids[int(c)]!s} is measured in units of different dimensions (counted in {units})",
                "one dimension per child (its lines in mm and m, or in g and kg)",
                first=first,
            )
        )
    return np.asarray(mag * mult[u_codes], dtype=np.float64)


def _amounts(
    activities: Any, first: tuple[int, str], problems: list[Problem]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.intp], list[str]]:
    """Amounts, a unit code per row and the distinct units: from the ``unit`` column (numbers), or from
    the amounts themselves ("250 g")."""
    if "unit" in activities.columns and _is_numeric(activities["amount"]):
        return (_numbers(activities["amount"]), *_with_sentinel(*_codes(activities["unit"])))
    units = activities["unit"] if "unit" in activities.columns else None
    amount, u_codes, u_values, unread, twice = quantities(activities["amount"], units)
    for mask, msg in ((unread, "cannot read amount"), (twice, "unit given both in the amount and in 'unit'")):
        if mask.any():
            problems.append(
                _bad_rows(
                    mask,
                    "activities",
                    "amount",
                    msg,
                    "a number, or a number and a unit",
                    activities["amount"].to_numpy(),
                    first=first,
                )
            )
    return amount, u_codes, u_values


def _code_activities(
    activities: Any, lib: FactorLibrary, first: tuple[int, str], problems: list[Problem]
) -> tuple[Any, npt.NDArray[np.intp], npt.NDArray[np.float64], npt.NDArray[np.intp], Any]:
    """Item ids, factor positions, quantities in each factor's unit and modules of the activity table, and
    the activities' unit codes with the units (to convert again against another library's factors).

    Factor ids are looked up once per distinct id, units converted once per distinct (unit, factor) pair.
    """
    f_codes, f_values = _with_sentinel(*_codes(activities["factor"]))
    f_index = np.array([lib._index.get(f, -1) for f in f_values[:-1]] + [-1], dtype=np.intp)  # last: empty
    if (f_codes == len(f_values) - 1).any():
        problems.append(
            _bad_rows(
                f_codes == len(f_values) - 1, "activities", "factor", "factor id is empty", "a factor id", first=first
            )
        )
    for k in np.flatnonzero(f_index[:-1] < 0):
        problems.append(
            _bad_rows(
                f_codes == k,
                "activities",
                "factor",
                f"unknown factor id {f_values[k]!r}",
                f"an id in {lib.name}",
                first=first,
            )
        )

    amount, u_codes, u_values = _amounts(activities, first, problems)
    n_u = len(u_values)
    p_uniques, p_inverse = _pairs(f_codes, u_codes, len(f_values), n_u)
    mult = np.full(len(p_uniques), np.nan)
    for pk, key in enumerate(p_uniques):
        fi = f_index[key // n_u]
        if fi < 0:
            continue
        fac, unit = lib.factor_at(int(fi)), u_values[key % n_u]
        try:
            mult[pk] = activity_to_factor_unit(unit, fac).multiplier
        except (IncompatibleUnitsError, UnitError) as exc:
            problems.append(
                _bad_rows(
                    p_inverse == pk,
                    "activities",
                    "unit",
                    str(exc),
                    f"a unit that meets {fac.unit!r}",
                    activities["unit"].to_numpy(),
                    first=first,
                )
            )

    # modules: given, or by the factor's category
    default_mod = np.array(
        [_MOD[default_module(lib.factor_at(int(i)).category)] if i >= 0 else 0 for i in f_index], dtype=np.intp
    )
    act_module = default_mod[f_codes]
    if "module" in activities.columns:
        m_codes, m_values = _with_sentinel(*_codes(activities["module"]))
        m_index = np.array([_MOD.get(m.strip(), -2 if m.strip() else -1) for m in m_values], dtype=np.intp)
        for k in np.flatnonzero(m_index == -2):
            problems.append(
                _bad_rows(
                    m_codes == k,
                    "activities",
                    "module",
                    f"unknown module {m_values[k]!r}",
                    "A1 ... C4 or D",
                    first=first,
                )
            )
        given = m_index[m_codes]
        act_module = np.where(given >= 0, given, act_module)
    if not _finite_non_negative(amount):  # a negative amount may still be fine (module D)
        bad = ~np.isfinite(amount) | ((amount < 0) & (act_module != _D))
        if bad.any():
            problems.append(
                _bad_rows(
                    bad,
                    "activities",
                    "amount",
                    "amount is not a finite number >= 0",
                    "a number >= 0 (negative only in module D)",
                    activities["amount"].to_numpy(),
                    first=first,
                )
            )
    # each activity's (factor position, unit) pair, to convert again against another library's factors
    units = (p_inverse.astype(np.int32), tuple((int(f_index[k // n_u]), u_values[k % n_u]) for k in p_uniques))
    return activities["item"], f_index[f_codes], amount * mult[p_inverse], act_module, units


def _pairs(
    a: npt.NDArray[np.intp], b: npt.NDArray[np.intp], n_a: int, n_b: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.intp]]:
    """The distinct pairs ``a * n_b + b`` in increasing order, and each row's position among them: by a count
    over every possible pair when there are not many more of those than rows (no sort), else by a sort."""
    key = a.astype(np.int64, copy=False) * n_b
    key += b
    if n_a * n_b > 4 * len(key) + 4096:
        uniq, inverse = np.unique(key, return_inverse=True)
        return uniq, inverse.ravel().astype(np.intp)
    seen = np.bincount(key, minlength=n_a * n_b) > 0
    uniq = np.flatnonzero(seen).astype(np.int64)
    position = np.cumsum(seen, dtype=np.intp) - 1
    return uniq, position[key]


def _sorting(keys: npt.NDArray[np.intp], offsets: npt.NDArray[np.intp]) -> Any:
    """What sorts ``keys`` stably (``offsets``: where each key's rows begin once sorted): an index array, or
    every row when they are in order already."""
    order = stable_order(keys, offsets)
    return slice(None) if order is None else order


def prepare_catalogue(
    products: TableSource,
    bom: TableSource,
    activities: TableSource,
    library: FactorLibrary | None = None,
) -> Catalogue:
    """Check the three tables (DataFrames or CSV/Parquet paths) and code them as arrays.

    Every problem is collected into one :class:`ProductError` naming table, row and column; a BOM with a
    cycle raises :class:`CycleError` with the cycle's path. A table given as a path is read, coded and
    released before the next is read, which keeps the peak memory of a large catalogue low.
    """
    expect_type(library, (FactorLibrary, type(None)), "library")
    lib = default_library() if library is None else library
    return _prepare(products, bom, activities, lib)


def _prepare(products: TableSource, bom: TableSource, activities: TableSource, lib: FactorLibrary) -> Catalogue:
    """:func:`prepare_catalogue` with its library chosen."""
    import pandas as pd

    problems: list[Problem] = []
    first: dict[str, tuple[int, str]] = {}

    def load(source: Any, name: str) -> Any:
        df = _open_table(source, name)
        first[name] = where_rows(df)
        found = column_problems(TABLES[name], list(df.columns), name)
        problems.extend(found)
        return None if found else df

    prod_df = load(products, "products")
    bom_df = load(bom, "bom")
    _read_ahead(bom_df, ("parent", "child", "quantity", "unit"))
    bom_codes = _code_bom(bom_df, first["bom"], problems) if bom_df is not None else None
    del bom_df, bom
    act_df = load(activities, "activities")
    _read_ahead(act_df, ("item", "factor", "amount", "unit", "module"))
    act_codes = _code_activities(act_df, lib, first["activities"], problems) if act_df is not None else None
    del act_df, activities
    if prod_df is None or bom_codes is None or act_codes is None:
        raise ProductError(problems, what="catalogue")
    if isinstance(prod_df, _ParquetColumns):
        products = prod_df.frame()
    else:
        products = read_table(prod_df.path, "products") if isinstance(prod_df, _CsvColumns) else prod_df
    (parent_c, child_c, qty), (item_c, act_factor, act_qty, act_module, (act_pair, pairs)) = bom_codes, act_codes
    roots = products["root"] if "root" in products.columns else products["product"]

    # items: every id named in the BOM, the activities and the product roots, in one numbering
    (parent, child, act_item, root), item_ids = _encode_ids([parent_c, child_c, item_c, roots])
    del parent_c, child_c, item_c
    _release_arrow_memory()
    for name, col, codes in (("bom", "parent", parent), ("bom", "child", child), ("activities", "item", act_item)):
        if len(codes) and codes.min() < 0:
            problems.append(_bad_rows(codes < 0, name, col, "item id is empty", "an item id", first=first[name]))
            np.maximum(codes, 0, out=codes)
    # ids are numbered in order of first appearance down these columns, then the roots: the ids of the BOM
    # and the activities are the codes below the largest of theirs, and a root coded above is no item of theirs
    n_known = 1 + max((int(c.max()) for c in (parent, child, act_item) if len(c)), default=-1)
    unknown_root = (root < 0) | (root >= n_known)
    if unknown_root.any():
        problems.append(
            _bad_rows(
                unknown_root,
                "products",
                "root",
                "product root is no item of the BOM or the activities",
                "an item id used in bom or activities",
                roots.to_numpy(),
                first=first["products"],
            )
        )
    product_ids = products["product"].astype(str)
    dup = product_ids.duplicated().to_numpy()
    if dup.any():
        problems.append(
            _bad_rows(
                dup,
                "products",
                "product",
                "product listed twice",
                "one row per product",
                products["product"].to_numpy(),
                first=first["products"],
            )
        )

    graph = BomArrays(len(item_ids), parent, child, qty)
    if problems:
        raise ProductError(problems, what="catalogue")
    on_cycle = nodes_on_cycles(graph)
    if len(on_cycle):
        cyc = [str(item_ids[k]) for k in find_cycle(graph, on_cycle)]
        raise CycleError(
            [Problem(f"the BOM has a cycle: {' -> '.join(cyc)}", file="bom", expected="an item never contains itself")],
            cyc,
            what="catalogue",
        )

    sup = products["supplier"].astype(str) if "supplier" in products.columns else pd.Series([_NONE] * len(products))
    fam = products["family"].astype(str) if "family" in products.columns else pd.Series([_NONE] * len(products))
    s_codes, s_ids = pd.factorize(sup)
    fa_codes, fa_ids = pd.factorize(fam)
    # activities sorted by item, with each item's run of rows: exploding then gathers contiguous runs
    act_offsets = np.zeros(len(item_ids) + 1, dtype=np.intp)
    np.cumsum(np.bincount(act_item, minlength=len(item_ids)), out=act_offsets[1:])
    order = _sorting(act_item, act_offsets)
    _log.debug(
        "prepared a catalogue of %d product(s): %d item(s), %d BOM line(s), %d activity row(s), library %s",
        len(products), len(item_ids), len(graph.edge_parent), len(act_item), lib.version,
    )  # fmt: skip
    return Catalogue(
        library=lib,
        product_ids=product_ids.to_numpy(dtype=object),
        supplier_of=s_codes.astype(np.intp),
        supplier_ids=np.asarray(s_ids, dtype=object),
        family_of=fa_codes.astype(np.intp),
        family_ids=np.asarray(fa_ids, dtype=object),
        item_ids=item_ids,
        bom=graph,
        root=root,
        act_item=act_item[order],
        act_factor=act_factor[order],
        act_qty=act_qty[order],
        act_module=act_module[order],
        act_offsets=act_offsets,
        act_pair=act_pair[order],
        pairs=pairs,
    )


def explode_catalogue(cat: Catalogue) -> ExplodedCatalogue:
    """Every product's activities with their cumulative quantities: one vectorised step per BOM level, a
    block of products at a time (so that the intermediate arrays of the whole catalogue never exist at once;
    each product's rows come in the same order as from one explosion of every product). Each block's rows
    are summed into its part of :attr:`~ExplodedCatalogue.by_key_factor` and of the quantity per (product,
    factor in use) while they are at hand."""
    layout, codes = split_layout(cat.bom), _ActivityCodes.of(cat)
    sums = CellSums(min(_EXPLODE_BLOCK, cat.n_products) * len(codes.modules) * len(codes.factors))
    rows: dict[str, list[Any]] = {name: [] for name in codes.dtypes}
    entries: dict[str, list[Any]] = {name: [] for name in ("key", "starts", "factor", "qty")}
    qty_pf = np.zeros((cat.n_products, len(codes.factors)))
    seen = np.zeros(len(codes.factors), dtype=bool)  # the factors with rows, among those the activities name
    modules_used, largest, done = np.zeros(len(MODULES), dtype=bool), [], 0
    block = None  # the last block, released with the layout once every block is done
    for start in range(0, cat.n_products, _EXPLODE_BLOCK):
        block = _explode_block(cat, layout, codes, sums, start, qty_pf)
        for name, parts in rows.items():
            parts.append(block.rows[name])
        seen[block.entry_factor] = True
        modules_used[block.run_module] = True
        entries["key"].append(block.run_key)
        entries["starts"].append(block.run_start + done)
        entries["factor"].append(codes.factors[block.entry_factor])
        entries["qty"].append(block.entry_qty)
        largest.append(block.largest)
        done += len(block.entry_qty)
    del layout, block
    used = codes.factors[seen]
    if not seen.all():
        qty_pf = qty_pf[:, seen]
    key_factor = _key_factor_of(cat, entries, modules_used, largest)
    cols = {name: _concatenate(parts, codes.dtypes[name]) for name, parts in rows.items()}
    row_qty = cols["qty"]
    _log.debug("exploded %d product(s) into %d row(s) using %d factor(s)", cat.n_products, len(row_qty), len(used))
    out = ExplodedCatalogue(
        catalogue=cat,
        row_product=cols["product"],
        row_factor=cols["factor"],
        row_module=cols["module"],
        row_qty=row_qty,
        row_key=cols["key"],
        used=used,
        qty_by_product_factor=qty_pf,
    )
    out.__dict__["by_key_factor"] = key_factor
    out.__dict__["abs_qty_sum"] = _abs_sum(row_qty)
    out.by_key_factor.local_starts  # noqa: B018 - the chunks of a recalculation, made once here
    return out


_EXPLODE_BLOCK = 1024  # products exploded at once


@dataclass(frozen=True)
class _ActivityCodes:
    """What each exploded row takes from its activity (indexed by activity): its factor and module in the
    rows' narrow types, and its cell among a product's (module, factor) pairs: the modules and the factors
    the activities name, each numbered in order (``module * len(factors) + factor``, so that cells come in
    the rows' (key, factor) order)."""

    factor: npt.NDArray[np.signedinteger[Any]]
    module: npt.NDArray[np.int8]
    cell: npt.NDArray[np.intp]
    modules: npt.NDArray[np.intp]
    factors: npt.NDArray[np.intp]
    dtypes: dict[str, Any]

    @classmethod
    def of(cls, cat: Catalogue) -> _ActivityCodes:
        """The codes of ``cat``'s activities (a few passes over them, none over the rows)."""
        factors = cat.factors_used
        module = cat.act_module.astype(np.int8)
        present = np.zeros(len(MODULES), dtype=bool)
        present[module] = True
        modules = np.flatnonzero(present)
        f_pos, m_pos = np.zeros(len(cat.library), dtype=np.intp), np.zeros(len(MODULES), dtype=np.intp)
        f_pos[factors], m_pos[modules] = np.arange(len(factors)), np.arange(len(modules))
        # the narrowest integers that hold every code (checked): a row is 25 bytes rather than 48
        key = _codes_dtype(cat.n_products * len(MODULES))
        dtypes = {"product": key, "factor": _codes_dtype(len(cat.library)), "module": np.int8, "qty": np.float64,
                  "key": key}  # fmt: skip
        cell = m_pos[module] * len(factors)
        cell += f_pos[cat.act_factor]
        return cls(cat.act_factor.astype(dtypes["factor"]), module, cell, modules, factors, dtypes)


@dataclass(frozen=True)
class _Block:
    """A block of products exploded: its rows (the columns of :class:`ExplodedCatalogue`) and its (product,
    module, factor) entries in that order: each entry's factor (a position among the activities' factors)
    and quantity, where each (product, module) run of entries starts, its key and its module; the largest
    absolute row quantity (NaN when one is NaN)."""

    rows: dict[str, Any]
    entry_factor: npt.NDArray[np.intp]
    entry_qty: npt.NDArray[np.float64]
    run_start: npt.NDArray[np.intp]
    run_key: npt.NDArray[np.intp]
    run_module: npt.NDArray[np.intp]
    largest: float


def _explode_block(
    cat: Catalogue, layout: Layout, codes: _ActivityCodes, sums: CellSums, start: int, qty_pf: npt.NDArray[np.float64]
) -> _Block:
    """Products ``start`` to ``start + _EXPLODE_BLOCK`` exploded, their rows summed per (product, module,
    factor) by ``sums``, and per (product, factor) outside module D into their rows of ``qty_pf``; each sum
    over the rows in their order."""
    k = min(_EXPLODE_BLOCK, cat.n_products - start)
    ex = explode(cat.bom, np.arange(k, dtype=np.intp), cat.root[start : start + k], np.ones(k), merge=False,
                 layout=layout)  # fmt: skip
    # activities are sorted by item (prepare_catalogue did it): each exploded node's are a contiguous run
    rep, act = gather_runs(cat.act_offsets, ex.node)
    group = ex.group[rep]
    qty = ex.count[rep]
    qty *= cat.act_qty[act]
    product = np.add(group, start, out=np.empty(len(group), codes.dtypes["product"]), casting="unsafe")  # fits
    module = codes.module[act]
    n_f, n_m = len(codes.factors), len(codes.modules)
    cells = group * (n_m * n_f)
    cells += codes.cell[act]
    cell, entry_qty = sums(cells, qty)
    run = cell // n_f  # (product, module) of each entry
    factor = cell - run * n_f
    run_start = run_starts(run)
    product_of, module_of = np.divmod(run, n_m)
    run_module = codes.modules[module_of[run_start]]
    at = product_of * n_f + factor  # each entry's (product, factor) cell in the block
    outside_d = codes.modules[module_of] != _D if _D in codes.modules else None
    _product_factor(qty_pf[start : start + k], at, entry_qty, outside_d, sums, codes, (group, cells, qty))
    key = product * len(MODULES)
    key += module  # fits: its dtype holds products x modules
    return _Block(
        rows={"product": product, "factor": codes.factor[act], "module": module, "qty": qty, "key": key},
        entry_factor=factor,
        entry_qty=entry_qty,
        run_start=run_start,
        run_key=(product_of[run_start] + start) * len(MODULES) + run_module,
        run_module=run_module,
        largest=float(np.abs(qty).max(initial=0.0)),
    )


def _product_factor(
    out: npt.NDArray[np.float64],
    at: npt.NDArray[np.intp],
    entry_qty: npt.NDArray[np.float64],
    outside_d: npt.NDArray[np.bool_] | None,
    sums: CellSums,
    codes: _ActivityCodes,
    rows: tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], npt.NDArray[np.float64]],
) -> None:
    """A block's quantity per (product, factor) outside module D into ``out`` (zeros) from its entries (their
    (product, factor) cell ``at``; ``outside_d``: which are outside module D, None for all): where no cell has
    entries in two modules other than D, each is its one entry (the sum of the same rows in the same order);
    otherwise summed from the ``rows`` (each row's product in the block, (product, module, factor) cell and
    quantity)."""
    if outside_d is not None and not outside_d.all():
        at, entry_qty = at[outside_d], entry_qty[outside_d]
    if sums.all_distinct(at):  # its table holds the block's (product, factor) cells: as many cells or more
        out.reshape(-1)[at] = entry_qty
        return
    group, cells, qty = rows
    k, n_f, n_m = len(out), len(codes.factors), len(codes.modules)
    width = n_f + 1  # a column more, for the rows of module D
    column = np.where(codes.modules[(cells // n_f) % n_m] == _D, n_f, cells % n_f)
    out[:] = np.bincount(group * width + column, weights=qty, minlength=k * width).reshape(k, width)[:, :n_f]


def _key_factor_of(
    cat: Catalogue, entries: dict[str, list[Any]], modules_used: npt.NDArray[np.bool_], largest: list[float]
) -> _KeyFactor:
    """:attr:`ExplodedCatalogue.by_key_factor` from the blocks' entries (each part released as it is copied)."""
    return _KeyFactor.of(
        cat.n_products,
        _concatenate(entries["key"], np.intp),
        _concatenate(entries["starts"], np.intp),
        _concatenate(entries["factor"], np.intp),
        _concatenate(entries["qty"], np.float64),
        largest,
        modules_used,
    )


def _key_factor(ex: ExplodedCatalogue) -> _KeyFactor:
    """:attr:`ExplodedCatalogue.by_key_factor` from the rows (all at once: :func:`explode_catalogue` makes
    it block by block instead)."""
    n_f, n_p, n_m = len(ex.catalogue.library), ex.catalogue.n_products, len(MODULES)
    cells, qty = CellSums(n_p * n_m * n_f)(ex.row_key.astype(np.int64) * n_f + ex.row_factor, ex.row_qty)
    run = cells // n_f
    starts = run_starts(run)
    q = ex.row_qty
    largest = [float(np.abs(q[i : i + _SUM_BLOCK]).max()) for i in range(0, len(q), _SUM_BLOCK)]  # no full copy
    modules_used = np.asarray(np.bincount(ex.row_module, minlength=n_m) > 0, dtype=bool)
    return _KeyFactor.of(n_p, run[starts], starts, cells % n_f, qty, largest, modules_used)


def _codes_dtype(n: int) -> type[np.signedinteger[Any]]:
    """The integer type of codes below ``n``: 32 bits where they fit, else 64."""
    return np.int32 if n < 2**31 else np.int64


def _abs_sum(values: npt.NDArray[np.float64]) -> float:
    """The sum of absolute values, a block at a time (no array of them all)."""
    return float(sum(np.abs(values[i : i + _SUM_BLOCK]).sum() for i in range(0, len(values), _SUM_BLOCK)))


_SUM_BLOCK = 1 << 16


def _concatenate(parts: list[Any], dtype: Any) -> Any:
    """One array of ``parts``, each part released as soon as it is copied (the peak is the whole array and
    one part, not the parts twice)."""
    out = np.empty(sum(len(p) for p in parts), dtype=dtype)
    at = 0
    while parts:
        part = parts.pop(0)
        out[at : at + len(part)] = part
        at += len(part)
    return out


def _factor_map(cat: Catalogue, library: FactorLibrary) -> npt.NDArray[np.intp] | None:
    """Positions in ``library`` of the catalogue library's factors (used ones must exist, in the same category,
    which decides an activity's default module); None where every factor keeps its position. Whole arrays:
    no lookup per factor beyond one dictionary pass over the ids."""
    old = cat.library
    same = old.ids == library.ids
    fmap = np.arange(len(old), dtype=np.intp) if same else library.positions(old.ids)
    used = cat.factors_used
    missing = used[fmap[used] < 0]
    if len(missing):
        raise UnknownFactorError(
            f"the new library lacks {len(missing)} factor(s) the catalogue uses: "
            f"{', '.join(old.ids[int(i)] for i in missing[:10])}"
        )
    changed = used[old.categories[used] != library.categories[fmap[used]]]
    if len(changed):
        raise IncompatibleUnitsError(
            "factors changed their category; prepare the catalogue again: "
            + ", ".join(
                f"{old.ids[int(i)]} ({old.categories[i]} -> {library.categories[fmap[i]]})" for i in changed[:10]
            )
        )
    return None if same else fmap


def _reconversion(cat: Catalogue, library: FactorLibrary, fmap: npt.NDArray[np.intp] | None) -> Any:
    """Per activity, new / old multiplier from its unit to its factor's unit, derived again from the new
    library's factor (unit, density, heating value) where those differ; None when every conversion stays the
    same. A conversion the new factor cannot make is refused, naming factor and unit."""
    if cat.act_pair is None:
        raise IncompatibleUnitsError("this catalogue keeps no activity units; prepare it again to change library")
    pf = cat.pair_factor
    ok = np.flatnonzero(pf >= 0)
    new_pos = pf[ok] if fmap is None else fmap[pf[ok]]
    differs = np.zeros(len(ok), dtype=bool)
    for old_col, new_col in zip(cat.library.conversion_fields, library.conversion_fields, strict=True):
        differs |= old_col[pf[ok]] != new_col[new_pos]
    if not differs.any():
        return None
    ratio = np.ones(len(pf))
    refused = []
    for k, fi, ni in zip(ok[differs].tolist(), pf[ok][differs].tolist(), new_pos[differs].tolist(), strict=True):
        unit, old, new = cat.pairs[k][1], cat.library.factor_at(fi), library.factor_at(ni)
        try:
            ratio[k] = activity_to_factor_unit(unit, new).multiplier / activity_to_factor_unit(unit, old).multiplier
        except (IncompatibleUnitsError, UnitError) as exc:
            refused.append(f"{new.id} ({unit!r}): {exc}")
    if refused:
        raise IncompatibleUnitsError(
            f"the new library's factors cannot convert the catalogue's activities: {'; '.join(refused[:10])}"
        )
    return None if (ratio == 1.0).all() else ratio[cat.act_pair]


def rollup(cat: Catalogue, by_product: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Sum products' footprints (one unit each) to suppliers, families and the cluster: group-bys of the
    same table, so they add up exactly to the cluster."""
    import pandas as pd

    groups, indexes = cat.groups, cat.indexes
    if groups["supplier"] is None or groups["family"] is None:  # a group without products: bincount counts it
        return rollup_codes(by_product, (cat.supplier_of, indexes["supplier"]), (cat.family_of, indexes["family"]))
    values = by_product.to_numpy(dtype=np.float64)
    frames = []
    for name in ("supplier", "family"):  # each group's products summed in catalogue order, as bincount adds
        order, starts = groups[name]  # type: ignore[misc]
        sums = np.add.reduceat(values if order is None else values[order], starts, axis=0)
        frames.append(pd.DataFrame(sums, index=indexes[name], columns=by_product.columns, copy=False))
    return frames[0], frames[1], _cluster(frames[0])


def _cluster(by_supplier: pd.DataFrame) -> pd.DataFrame:
    """The cluster's row: the suppliers' sums, column by column."""
    import pandas as pd

    sums = by_supplier.to_numpy()
    cluster = np.array([[sums[:, j].sum() for j in range(sums.shape[1])]])
    return pd.DataFrame(cluster, index=labels(("cluster",), "cluster"), columns=by_supplier.columns)


def rollup_codes(
    by_product: pd.DataFrame, suppliers: tuple[npt.NDArray[np.intp], Any], families: tuple[npt.NDArray[np.intp], Any]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """:func:`rollup` from each product's supplier and family codes with their ids (an array or an index)."""
    import pandas as pd

    values = by_product.to_numpy(dtype=np.float64)

    def roll(codes: npt.NDArray[np.intp], ids: Any, name: str) -> pd.DataFrame:
        index = ids if isinstance(ids, pd.Index) else pd.Index(ids, name=name)
        out = np.empty((len(index), values.shape[1]), order="F")  # columns contiguous, as pandas keeps them
        for j in range(values.shape[1]):
            out[:, j] = np.bincount(codes, weights=values[:, j], minlength=len(index))
        return pd.DataFrame(out, index=index, columns=by_product.columns, copy=False)

    by_supplier = roll(*suppliers, "supplier")
    return by_supplier, roll(*families, "family"), _cluster(by_supplier)


@cache
def labels(names: tuple[str, ...], name: str | None = None) -> pd.Index:
    """An index of a few labels (result columns, the cluster row), made once per set of labels: a result's
    tables are built from arrays without pandas inferring the labels' type each time."""
    import pandas as pd

    return pd.Index(list(names), name=name)


@np.errstate(over="ignore", invalid="ignore")  # overflows are found and named by check_catalogue
def calculate_catalogue(
    catalogue: Catalogue | ExplodedCatalogue,
    *,
    gwp: GWPSetName | GWPSet = DEFAULT_GWP_SET,
    prefolded: PrefoldedPolicy = "report",
    factors: FactorLibrary | None = None,
    library: FactorLibrary | None = None,
) -> CatalogueResult:
    """Footprints of every product (per product unit), rolled up to families, suppliers and the cluster.

    Pass an :class:`ExplodedCatalogue` to recalculate without exploding again (the gases' table of the result
    is then computed when first read, from what this call fixed; from a :class:`Catalogue`, whose explosion
    is not kept, at once); ``factors`` replaces the
    values of the catalogue's factors (a library with the same ids and categories) without preparing again
    (``library=`` is its deprecated name: the library a catalogue resolves its ids in is
    :func:`prepare_catalogue`'s). Every conversion of an activity to its
    factor's unit is derived again from the new factor (its unit, density and heating value): where one
    changes, the catalogue is exploded again with the new quantities; where one is no longer possible, the
    recalculation is refused.
    """

    expect_type(catalogue, (Catalogue, ExplodedCatalogue), "catalogue")
    library = renamed_argument("calculate_catalogue", "library", "factors", library, factors, frames=2)
    expect_type(library, (FactorLibrary, type(None)), "factors")
    ex = catalogue if isinstance(catalogue, ExplodedCatalogue) else explode_catalogue(catalogue)
    # an explosion made here is dropped on return: the gases are computed now rather than keep it for them
    lazy = ex is catalogue
    cat = ex.catalogue
    gs = gwp_set(gwp)
    lib, fmap = cat.library, None
    if library is not None and library is not cat.library:
        fmap = _factor_map(cat, library)
        scale = _reconversion(cat, library, fmap)
        if scale is not None:
            ex, lazy = explode_catalogue(replace(cat, act_qty=cat.act_qty * scale)), False
        lib = library
    # the explosion's arrays keep the catalogue library's factor positions: only per-factor vectors are mapped
    used = ex.used if fmap is None else fmap[ex.used]
    co2e_lib, mismatched = lib.co2e_vector(gs, prefolded, used=used)
    co2e = co2e_lib if fmap is None else co2e_lib[np.maximum(fmap, 0)]
    per_mod = _modules(ex, co2e)
    weights, gases_used = _gas_weights(lib, gs, used, co2e_lib[used])
    # every cell of every table is a sum of row quantities times factor values: under this bound none overflows
    largest = max(float(np.abs(co2e[ex.used]).max(initial=0.0)), float(np.abs(weights).max(initial=0.0)))
    finite = bool(ex.abs_qty_sum * largest < 1e300)  # False for NaN
    per_gas: Any = partial(_gas_sums, ex.qty_by_product_factor, weights, gases_used)
    out = result_tables(cat, lib, gs, per_mod, ex.by_key_factor.modules_used,
                        per_gas if finite and lazy else per_gas(), gases_used, mismatched, prefolded)  # fmt: skip
    if not finite:
        _check(ex, lib, co2e, fmap, out)
    _log.debug("calculated %d product(s) under %s with library %s", cat.n_products, gs.name, lib.version)
    return out


def _modules(ex: ExplodedCatalogue, co2e: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """kg CO2e per (product, module): the (key, factor) matrix times kg CO2e per factor unit (a gather, a
    multiply and a segmented sum, a cache-sized chunk at a time), as a products x modules view of a
    module-major array."""
    kf, n_p, n_m = ex.by_key_factor, ex.catalogue.n_products, len(MODULES)
    sums, local = np.empty(len(kf.starts)), kf.local_starts
    for a, b, r, s in kf.chunks:  # a chunk at a time: the same sums as over every entry at once
        part = np.take(co2e, kf.factor[a:b])
        part *= kf.qty[a:b]
        sums[r:s] = np.add.reduceat(part, local[r:s])
    flat = np.zeros(n_p * n_m)
    flat[kf.cell] = sums
    return flat.reshape(n_m, n_p).T  # each module's column contiguous


def _check(
    ex: ExplodedCatalogue,
    lib: FactorLibrary,
    co2e: npt.NDArray[np.float64],
    fmap: npt.NDArray[np.intp] | None,
    out: CatalogueResult,
) -> None:
    """Every row and table cell checked, naming what is not finite (when the bound of
    :func:`calculate_catalogue` cannot rule an overflow out)."""
    # rows whose quantity and factor are finite and whose product cannot overflow need no row-by-row check
    peak = float(np.abs(co2e[ex.used]).max(initial=0.0)) * ex.by_key_factor.max_qty
    kg, row_factor = None, ex.row_factor
    if not (np.isfinite(peak) and peak < 1e300):
        kg = ex.row_qty * co2e[ex.row_factor]
        row_factor = row_factor if fmap is None else fmap[row_factor]
    tables = {"product": out.by_product, "product gas": out.by_product_gas, "supplier": out.by_supplier,
              "family": out.by_family, "cluster": out.cluster}  # fmt: skip
    check_catalogue(ex, lib, row_factor, kg, tables)


def _gas_weights(
    lib: FactorLibrary, gs: GWPSet, used: npt.NDArray[np.intp], co2e: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """kg CO2e per unit of each factor in use for each gas, then its pre-folded CO2e (``used``: the factors in
    use as positions in ``lib``; ``co2e``: their kg CO2e per unit), and which of those columns a factor in use
    has."""
    gm = lib.gas_matrix[used]
    present = np.asarray(gm.any(axis=0), dtype=bool)
    pre = lib.prefolded[0][used]
    weights = np.zeros((len(used), len(present) + 1))
    weights[:, :-1] = gm * gs.vector()
    weights[pre, -1] = co2e[pre]
    return weights, np.append(present, pre.any())


def _gas_sums(
    q: npt.NDArray[np.float64], weights: npt.NDArray[np.float64], shown: npt.NDArray[np.bool_]
) -> npt.NDArray[np.float64]:
    """kg CO2e per (product, gas, then the pre-folded CO2e) outside module D: the quantity per (product, factor
    in use) ``q`` times each factor's CO2e per gas (``weights`` of :func:`_gas_weights`), one dot product a
    gas shown."""
    per_gas = np.zeros((len(q), len(shown)), order="F")  # columns contiguous, as the table keeps them
    cols = np.flatnonzero(shown).tolist()
    for i in range(0, len(q), _BLOCK):  # a block of rows stays in cache while each gas's dot product reads it
        block = q[i : i + _BLOCK]
        for j in cols:
            per_gas[i : i + _BLOCK, j] = block @ weights[:, j]
    return per_gas


_BLOCK = 256  # rows of products x factors read at once: 256 x 200 factors is 400 kB, within a core's cache


def result_tables(
    cat: Catalogue,
    lib: FactorLibrary,
    gs: GWPSet,
    per_mod: npt.NDArray[np.float64],
    modules_used: npt.NDArray[np.bool_],
    per_gas: npt.NDArray[np.float64] | Callable[[], npt.NDArray[np.float64]],
    gases_used: npt.NDArray[np.bool_],
    mismatched: list[str],
    prefolded: PrefoldedPolicy,
) -> CatalogueResult:
    """The result tables of a catalogue from kg CO2e per (product, module) and per (product, gas, then the
    pre-folded CO2e): a module's column is shown when it has a row, a gas's when a factor in use has it. The
    A1-C4 total is the sum of its modules (module D apart, never added then taken away). ``per_gas`` may be a
    function that computes it: the gases' table is then made when first read."""
    import pandas as pd

    present = np.flatnonzero(modules_used).tolist()  # a module holds a value only where it has rows
    columns = ["total_kgco2e", "cradle_to_gate_kgco2e", "module_d_kgco2e", *(MODULES[k] for k in present)]
    values = np.zeros((cat.n_products, len(columns)), order="F")
    for j, k in enumerate(present):  # module by module, in module order, whatever per_mod's memory order
        values[:, 3 + j] = per_mod[:, k]
        if k != _D:
            values[:, 0] += values[:, 3 + j]
        if MODULES[k] in CRADLE_TO_GATE:
            values[:, 1] += values[:, 3 + j]
    values[:, 2] = per_mod[:, _D]
    index = cat.indexes["product"]
    by_product = pd.DataFrame(values, index=index, columns=labels(tuple(columns)), copy=False)
    by_gas: pd.DataFrame | _Deferred = (
        _Deferred(partial(_gas_table, per_gas, gases_used, index))
        if callable(per_gas)
        else _gas_table(per_gas, gases_used, index)
    )
    by_supplier, by_family, cluster = rollup(cat, by_product)
    return CatalogueResult(
        gwp_set=gs.name,
        by_product=by_product,
        by_product_gas=by_gas,  # type: ignore[arg-type]
        by_supplier=by_supplier,
        by_family=by_family,
        cluster=cluster,
        products=_Deferred(partial(_products_table, cat)),  # type: ignore[arg-type]
        prefolded_factors=list(mismatched),
        factor_library_version=lib.version,
        catalogue=cat,
        library=lib,
        prefolded=prefolded,
    )


def _gas_table(
    per_gas: npt.NDArray[np.float64] | Callable[[], npt.NDArray[np.float64]],
    gases_used: npt.NDArray[np.bool_],
    index: pd.Index,
) -> pd.DataFrame:
    """The gases' table: the columns of ``per_gas`` (or of what it computes) that a factor in use has."""
    import pandas as pd

    values = per_gas() if callable(per_gas) else per_gas
    names = (*gases(), "CO2e (pre-folded)")
    shown = np.flatnonzero(gases_used)
    return pd.DataFrame(
        np.asfortranarray(values[:, shown]), index=index, columns=labels(tuple(names[k] for k in shown)), copy=False
    )


def _products_table(cat: Catalogue) -> pd.DataFrame:
    """Each product's supplier and family: a shallow copy of the catalogue's table."""
    return cat.product_table.copy(deep=False)
