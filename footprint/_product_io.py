"""Reading a product file: the structured text parsed within limits, validated into a :class:`Product`, and a
BOM export it names (``bom:``) read and merged into its items and materials.

The product model (:mod:`._product`) knows nothing of files; this module sits after it and after the BOM reader
(:mod:`._bom_io`), so the data flows one way: file -> model -> checks.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ._errors import Problem, ProductError, expect_type
from ._limits import Limits, current_limits, limit_hint
from ._product import Product
from ._structured import UnreadableError, decode_utf8, load_json, load_yaml

__all__ = ["load_product", "problems_from_validation"]


def _loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def problems_from_validation(exc: ValidationError, file: str | None) -> list[Problem]:
    """pydantic's errors as footprint problems (field = the path in the product file)."""
    out = []
    for err in exc.errors():
        msg = str(err["msg"]).removeprefix("Value error, ")
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith(("function-", "str", "list["))))
        out.append(
            Problem(
                msg,
                file=file,
                field=_loc(loc) or None,
                value=err.get("input") if not isinstance(err.get("input"), dict | list) else None,
            )
        )
    return out


def load_product(path: str | Path, *, limits: Limits | None = None) -> Product:
    """Read a product file (``.json``, ``.yaml`` or ``.yml``); raise :class:`ProductError` listing every
    problem pydantic finds (the cross-checks against a factor library come with :func:`check_product`).

    A key given twice, aliases or nesting beyond ``limits`` and a BOM beyond ``limits.bom_items`` or
    ``limits.bom_edges`` are refused (:class:`Limits`; by default those applied by :func:`use_limits`)."""
    expect_type(path, (str, os.PathLike), "path")
    path = Path(path)
    file = str(path)
    limits = limits or current_limits()
    if not path.is_file():
        raise ProductError([Problem("file not found", file=file, expected="a product file (.json, .yaml)")], what=file)
    data: Any
    try:
        text = decode_utf8(path.read_bytes(), file)
        if path.suffix.lower() in (".yaml", ".yml"):
            data = load_yaml(text, file=file, limits=limits)
        else:
            data = load_json(text, file=file, limits=limits)
    except UnreadableError as exc:
        raise ProductError([exc.problem], what=file) from None
    if isinstance(data, dict) and "product" in data and len(data) == 1:
        data = data["product"]
    if not isinstance(data, dict):
        raise ProductError(
            [Problem("a product file holds one object", file=file, expected="a mapping with id, items, ...")], what=file
        )
    _check_size(data.get("items"), file, limits)
    try:
        product = Product.model_validate(data)
    except ValidationError as exc:
        raise ProductError(problems_from_validation(exc, file), what=file) from None
    return _with_bom(product, path, limits) if product.bom is not None else product


def _check_size(items: Any, file: str, limits: Limits) -> None:
    """Refuse a BOM beyond the limits before pydantic builds an object for each of its entries."""
    if not isinstance(items, list):
        return
    edges = sum(len(i["children"]) for i in items if isinstance(i, dict) and isinstance(i.get("children"), list))
    for name, n, what in (("bom_items", len(items), "items"), ("bom_edges", edges, "children entries")):
        if n > getattr(limits, name):
            raise ProductError(
                [Problem(f"the product has {n:,} {what}", file=file, field="items", expected=limit_hint(limits, name))],
                what=file,
            )


def _with_bom(product: Product, path: Path, limits: Limits) -> Product:
    """Resolve a product's ``bom`` (an ERP export beside the product file) into items and materials."""
    from ._bom_io import import_origins, read_bom  # on use: most product files name no export

    src = product.bom
    assert src is not None
    base = path.parent
    imported = read_bom(
        base / src.file,
        format=src.format,
        columns=src.columns,
        mapping=base / src.mapping if src.mapping else None,
        product_id=product.id,
        sheet=src.sheet,
        default_mass_unit=src.default_mass_unit,
        erp=src.erp,
        decimal=src.decimal,
        limits=limits,
    )
    clash = sorted({i.id for i in imported.items} & {i.id for i in product.items})
    if clash:
        raise ProductError(
            [
                Problem(
                    "item defined both in the BOM export and in the product file",
                    file=str(path),
                    field="items",
                    value=c,
                )
                for c in clash
            ],
            what=str(path),
        )
    own = {m.id for m in product.materials}
    materials = [m for m in imported.materials if m.id not in own] + list(product.materials)
    merged = product.model_copy(
        update={
            "items": [*imported.items, *product.items],
            "materials": materials,
            "root": product.root or imported.root,
            "bom": None,
            "bom_warnings": [*product.bom_warnings, *imported.warnings],
        }
    )
    _check_size([{"children": i.children} for i in merged.items], str(path), limits)
    where = import_origins()
    origins = {f"items[{k}]": where[i.id] for k, i in enumerate(imported.items)}
    origins |= {f"materials[{k}]": where[f"material:{m.id}"] for k, m in enumerate(materials) if m.id not in own}
    merged._origins = origins
    return merged
