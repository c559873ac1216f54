"""What ``footprint levers`` evaluates: a product file, a catalogue folder (``products``, ``bom`` and
``activities`` tables as CSV or Parquet) or a folder of product files (a supply chain, e.g. a cluster's
suppliers), each with the evaluator of its kind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ._errors import InputError, Problem
from ._factors import FactorLibrary
from ._levers import LeverFile, LeverResult

_TABLES = ("products", "bom", "activities")
_PRODUCT_SUFFIXES = (".yaml", ".yml", ".json")


def _table(folder: Path, name: str) -> Path | None:
    for suffix in (".csv", ".parquet", ".pq"):
        if (folder / f"{name}{suffix}").is_file():
            return folder / f"{name}{suffix}"
    return None


def evaluate_target(
    target: str, levers: LeverFile | None, library: FactorLibrary, *, suggest: bool = False,
    deliveries: str | None = None, period: str | None = None, **options: Any,
) -> LeverResult:  # fmt: skip
    """Levers on ``target``: a product file; a folder with the three catalogue tables; a folder of product
    files (a supply chain). ``deliveries`` (and ``period``) need a catalogue or a chain; ``suggest`` (the
    bundled catalogue's levers for the hotspots, added to ``levers``) a product file."""
    path = Path(target)
    if suggest and path.is_dir():
        raise InputError([Problem("suggestions are made from one product's hotspots", file=target,
                                  field="--suggest", expected="a product file")], what="levers")  # fmt: skip
    if path.is_dir() and levers is not None:
        tables = [_table(path, t) for t in _TABLES]
        if all(t is not None for t in tables):
            from ._catalogue import prepare_catalogue
            from ._catalogue_levers import evaluate_catalogue_levers

            products, bom, activities = (str(t) for t in tables)
            cat = prepare_catalogue(products, bom, activities, library)
            return evaluate_catalogue_levers(cat, levers, deliveries=deliveries, period=period, **options)
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in _PRODUCT_SUFFIXES)
        if files:
            from ._chain_levers import evaluate_chain_levers
            from ._product_io import load_product

            chain = [load_product(p) for p in files]
            return evaluate_chain_levers(chain, levers, library, deliveries=deliveries, period=period, **options)
        raise InputError([Problem("neither a catalogue nor product files in the folder", file=target,
                                  expected="products, bom and activities tables (CSV or Parquet), or product "
                                  "files (.yaml, .json)")], what=target)  # fmt: skip
    if deliveries is not None or period is not None:
        raise InputError([Problem("deliveries are for a catalogue or a supply chain, not one product",
                                  field="--deliveries", value=deliveries or period,
                                  expected="a catalogue folder or a folder of product files")], what="levers")  # fmt: skip
    from ._levers import evaluate_levers
    from ._product_io import load_product

    product = load_product(target)
    if suggest:
        from ._lever_catalogue import lever_catalogue, suggest_levers

        library = library.merge(lever_catalogue().factors)
        given = list(levers.levers) if levers is not None else []
        names = {lv.name for lv in given}
        found = [lv for lv in suggest_levers(product, library, gwp=options.get("gwp", "AR6"),
                                             prefolded=options.get("prefolded", "report")) if lv.name not in names]  # fmt: skip
        if not given and not found:
            raise InputError([Problem("the catalogue has no lever for this product's hotspots", file=target,
                                      field="--suggest")], what="levers")  # fmt: skip
        levers = LeverFile(levers=given + found, combinations=levers.combinations if levers is not None else [])
    if levers is None:
        raise InputError([Problem("no levers to evaluate", field="--levers", expected="--levers FILE or --suggest")],
                         what="levers")  # fmt: skip
    return evaluate_levers(product, levers, library, **options)
