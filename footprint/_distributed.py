"""The whole catalogue pipeline on a Dask cluster: each partition of a catalogue stored partitioned by
supplier (:mod:`._partitioned`) is read, prepared, exploded and evaluated by a worker, with the shared
standard parts broadcast to every worker; the driver joins the per-product tables and rolls them up to
suppliers, families and the cluster.

Products are independent of one another, so a partition's products get on a worker exactly what they get on
one machine: the same checks, the same explosion, the same sums (to rounding of the sums' order, 1e-15).
"""

from __future__ import annotations

import os
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ._engine import gather_runs
from ._errors import MissingDependencyError, Problem, ProductError, SchedulerError, expect_type
from ._factors import FactorLibrary, PrefoldedPolicy
from ._gwp import DEFAULT_GWP_SET, GWPSet, GWPSetName, gases, gwp_set
from ._modules import MODULES
from ._partitioned import partition_names, read_partition, read_shared

if TYPE_CHECKING:
    import pandas as pd

    from ._catalogue import CatalogueResult

__all__ = ["calculate_catalogue_distributed"]

_FIXED = ("total_kgco2e", "cradle_to_gate_kgco2e", "module_d_kgco2e")


@dataclass(frozen=True)
class _Partial:
    """What one partition sends back: its products' tables, the pre-folded factors it used, and its bare
    items (reached by its products, with no BOM lines and no activities here), which must not be defined in
    another partition."""

    name: str
    by_product: pd.DataFrame
    by_product_gas: pd.DataFrame
    products: pd.DataFrame
    prefolded_factors: list[str]
    bare: list[str]


def _run_partition(
    name: str, folders: tuple[str, ...], shared: tuple[pd.DataFrame, ...], library: FactorLibrary,
    gwp: GWPSet, prefolded: PrefoldedPolicy,
) -> _Partial:  # fmt: skip
    """Read, prepare, explode and evaluate one partition (runs on a worker)."""
    from ._catalogue import calculate_catalogue, prepare_catalogue

    products, bom, activities = read_partition(folders, name, shared)
    cat = prepare_catalogue(products, bom, activities, library)
    res = calculate_catalogue(cat, gwp=gwp, prefolded=prefolded)
    offsets, children, _ = cat.bom.csr()
    bare = _reached(offsets, children, cat.root) & (np.diff(offsets) == 0) & (np.diff(cat.act_offsets) == 0)
    return _Partial(
        name, res.by_product, res.by_product_gas, res.products, res.prefolded_factors,
        [str(i) for i in cat.item_ids[np.flatnonzero(bare)]],
    )  # fmt: skip


def _reached(offsets: npt.NDArray[np.intp], children: npt.NDArray[np.intp], roots: npt.NDArray[np.intp]) -> Any:
    """Which items the products reach (one step per BOM level; an item no product reaches counts nowhere)."""
    reached = np.zeros(len(offsets) - 1, dtype=bool)
    frontier = np.unique(roots)
    while len(frontier):
        reached[frontier] = True
        nxt = np.unique(children[gather_runs(offsets, frontier)[1]])
        frontier = nxt[~reached[nxt]]
    return reached


def _defined_here(name: str, folders: tuple[str, ...], ids: list[str]) -> list[str]:
    """Which of ``ids`` have BOM lines or activities in partition ``name`` (runs on a worker)."""
    import pandas as pd

    found: set[str] = set()
    for folder, col in ((folders[1], "parent"), (folders[2], "item")):
        column = pd.read_parquet(Path(folder) / name, columns=[col])[col].astype(str)
        found |= set(column[column.isin(ids)].unique())
    return sorted(found)


def _client(scheduler: str | None, timeout: float, stack: ExitStack) -> Any:
    """The Dask client to run on: the active one (``scheduler=None``), a new cluster in this process
    (``"local"``), or the scheduler at an address, which must answer within ``timeout`` seconds."""
    try:
        import distributed
    except ImportError as exc:
        raise MissingDependencyError(
            f"the catalogue on a Dask cluster needs dask and distributed: pip install 'footprint[dask]' ({exc})"
        ) from None
    if scheduler is None:
        try:
            return distributed.get_client()
        except ValueError:
            raise SchedulerError(
                "no Dask client is active: pass scheduler='tcp://host:8786' (a scheduler's address) or 'local', "
                "or start a distributed.Client first"
            ) from None
    if scheduler == "local":
        cluster = distributed.LocalCluster(processes=False, dashboard_address=":0")  # type: ignore[no-untyped-call]
        stack.enter_context(cluster)
        return stack.enter_context(distributed.Client(cluster, set_as_default=False))  # type: ignore[no-untyped-call]
    try:
        client = distributed.Client(scheduler, timeout=timeout, set_as_default=False)  # type: ignore[no-untyped-call]
    except (OSError, ValueError, TypeError) as exc:
        raise SchedulerError(f"cannot reach a Dask scheduler at {scheduler!r} within {timeout:g} s: {exc}") from None
    return stack.enter_context(client)


def _ordered(frames: list[pd.DataFrame], order: list[str]) -> pd.DataFrame:
    """Per-partition tables stacked, a column a partition lacks (a module or gas absent there) as 0, the
    columns in the order of one machine's result."""
    import pandas as pd

    table = pd.concat(frames)
    return table[[c for c in order if c in table.columns]].fillna(0.0)


def _misplaced(client: Any, names: list[str], folders: tuple[str, ...], partials: list[_Partial]) -> list[Problem]:
    """Items bare in one partition but defined in another: their footprint would be lost there."""
    bare = sorted({i for p in partials for i in p.bare})
    if not bare:
        return []
    found = client.gather(client.map(_defined_here, names, folders=folders, ids=bare, pure=False))
    where = {i: n for n, ids in zip(names, found, strict=True) for i in ids}
    return [
        Problem(
            f"item used in partition {p.name} is defined in partition {where[i]} only", file=folders[1],
            field="child", value=i, expected="an item several partitions use in shared.parquet",
        )
        for p in partials for i in p.bare if i in where and where[i] != p.name
    ]  # fmt: skip


def _combine(partials: list[_Partial], gs: GWPSet, lib: FactorLibrary, prefolded: PrefoldedPolicy) -> CatalogueResult:
    """One :class:`CatalogueResult` from the partitions' tables: per product as computed, rolled up here."""
    import pandas as pd

    from ._catalogue import CatalogueResult, rollup_codes

    by_product = _ordered([p.by_product for p in partials], [*_FIXED, *MODULES])
    twice = by_product.index.duplicated()
    if twice.any():
        raise ProductError(
            [Problem("product listed in two partitions", field="product", value=str(by_product.index[twice][0]),
                     expected="each product in one partition")],
            what="partitioned catalogue",
        )  # fmt: skip
    by_gas = _ordered([p.by_product_gas for p in partials], [*gases(), "CO2e (pre-folded)"])
    products = pd.concat([p.products for p in partials])
    s_codes, s_ids = pd.factorize(products["supplier"])
    f_codes, f_ids = pd.factorize(products["family"])
    by_supplier, by_family, cluster = rollup_codes(
        by_product, (s_codes.astype(np.intp), np.asarray(s_ids, dtype=object)),
        (f_codes.astype(np.intp), np.asarray(f_ids, dtype=object)),
    )  # fmt: skip
    pre = {f for p in partials for f in p.prefolded_factors}
    return CatalogueResult(
        gwp_set=gs.name, by_product=by_product, by_product_gas=by_gas, by_supplier=by_supplier,
        by_family=by_family, cluster=cluster, products=products, prefolded_factors=sorted(pre, key=lib.index_of),
        factor_library_version=lib.version, library=lib, prefolded=prefolded,
    )  # fmt: skip


def calculate_catalogue_distributed(
    products: str | os.PathLike[str],
    bom: str | os.PathLike[str],
    activities: str | os.PathLike[str],
    library: FactorLibrary | None = None,
    *,
    scheduler: str | None = None,
    gwp: GWPSetName | GWPSet = DEFAULT_GWP_SET,
    prefolded: PrefoldedPolicy = "report",
    timeout: float = 30.0,
) -> CatalogueResult:
    """Footprints of every product of a catalogue stored partitioned by supplier, computed on a Dask cluster.

    ``products``, ``bom`` and ``activities`` are the three folders of the layout (see
    :func:`partition_catalogue`); every worker must see them at the same paths (a shared file system).
    Each partition is read, checked, exploded and evaluated by a worker, the shared tables sent once to
    every worker; the result equals :func:`calculate_catalogue` on the whole catalogue (to rounding, 1e-15)
    and keeps no catalogue (``footprint(product_id)`` and ``input_hash`` need the one-machine result).

    ``scheduler``: a scheduler's address (``tcp://10.0.0.5:8786``) that must answer within ``timeout``
    seconds, ``"local"`` for a cluster of threads in this process, or None for the active
    ``distributed.Client``. Raises :class:`SchedulerError` when there is no cluster to run on and
    :class:`ProductError` naming file, row and column for a partition that breaks the layout.
    """
    for value, what in ((products, "products"), (bom, "bom"), (activities, "activities")):
        expect_type(value, (str, os.PathLike), what)
    expect_type(scheduler, (str, type(None)), "scheduler")
    expect_type(library, (FactorLibrary, type(None)), "library")
    from ._factor_io import default_library

    lib = default_library() if library is None else library
    gs = gwp_set(gwp)
    folders = tuple(str(f) for f in (products, bom, activities))
    names = partition_names(products)
    shared = read_shared(bom, activities)
    with ExitStack() as stack:
        client = _client(scheduler, timeout, stack)
        shared_f, lib_f = client.scatter([shared, lib], broadcast=True, hash=False)
        futures = client.map(
            _run_partition, names, folders=folders, shared=shared_f, library=lib_f, gwp=gs, prefolded=prefolded,
            pure=False,
        )  # fmt: skip
        partials: list[_Partial] = client.gather(futures)
        problems = _misplaced(client, names, folders, partials)
    if problems:
        raise ProductError(problems, what="partitioned catalogue")
    return _combine(partials, gs, lib, prefolded)
