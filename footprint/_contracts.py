"""Results as versioned contracts: the JSON documents footprint writes for other tools, and their schemas.

A catalogue result travels as a :class:`CatalogueDocument` (its tables as lists of rows, with the input
hash, the factor library version and the GWP set); every published schema has a versioned ``$id``
(:func:`schema`), so a receiving tool can validate what it gets and know which version it validates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SCHEMA_BASE", "SCHEMA_VERSION", "CatalogueDocument", "SchemaName", "frame_rows", "rows_frame", "schema"]

#: Where footprint's schemas live; each ``$id`` is ``{SCHEMA_BASE}/{name}/{SCHEMA_VERSION}/schema.json``.
SCHEMA_BASE = "https://footprint.dev/schemas"
#: The version of the documents this release writes: a breaking change to any of them raises it.
SCHEMA_VERSION = "1"

SchemaName = Literal["result", "product", "catalogue", "factors", "levers"]


def schema_id(name: SchemaName) -> str:
    """The ``$id`` of a published schema."""
    return f"{SCHEMA_BASE}/{name}/{SCHEMA_VERSION}/schema.json"


class CatalogueDocument(BaseModel):
    """A catalogue result as JSON: every table as a list of rows keyed by column, plus its identity."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_: str = Field(default_factory=lambda: schema_id("catalogue"), alias="schema")
    gwp_set: str
    factor_library_version: str
    input_hash: str
    footprint_version: str
    prefolded_factors: list[str]
    by_product: list[dict[str, str | float | None]]
    by_product_gas: list[dict[str, str | float | None]]
    by_supplier: list[dict[str, str | float | None]]
    by_family: list[dict[str, str | float | None]]
    cluster: list[dict[str, str | float | None]]
    products: list[dict[str, str | float | None]]


def frame_rows(df: pd.DataFrame) -> list[dict[str, str | float | None]]:
    """A DataFrame with a named index as rows (the index first), numbers as floats."""
    out = []
    for rec in df.reset_index().to_dict(orient="records"):
        out.append({str(k): (v if isinstance(v, str) or v is None else float(v)) for k, v in rec.items()})
    return out


def rows_frame(rows: list[dict[str, Any]], index: str) -> pd.DataFrame:
    """Rows back to a DataFrame indexed by ``index`` (the inverse of :func:`frame_rows`)."""
    import pandas as pd

    return pd.DataFrame.from_records(rows).set_index(index) if rows else pd.DataFrame(index=pd.Index([], name=index))


def schema(name: SchemaName) -> dict[str, Any]:
    """The published JSON Schema ``name`` (result, product, catalogue, factors, levers: a lever file) with its
    versioned ``$id``."""
    from ._levers import LeverFile
    from ._product import Product
    from ._result import FootprintResult

    if name == "factors":
        from ._factors import EmissionFactor

        body: dict[str, Any] = {"type": "array", "items": EmissionFactor.model_json_schema()}
        body["title"] = "Emission factors"
    else:
        models: dict[str, type[BaseModel]] = {
            "result": FootprintResult,
            "product": Product,
            "catalogue": CatalogueDocument,
            "levers": LeverFile,
        }
        body = models[name].model_json_schema(by_alias=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": schema_id(name), **body}
