"""The request of ``POST /v1/catalogue`` and its computation: a whole catalogue from its three tables
(products, BOM, activities), each sent as JSON rows, CSV text or a base64 Parquet file, calculated with the
library's ``prepare_catalogue`` and ``calculate_catalogue``; the answer is the library's own catalogue
document (``footprint schema catalogue``). :func:`calculate_catalogue_request` runs where calculations run
(:mod:`footprint.server._calculator`: a child process of the worker, or its thread pool).

CSV and Parquet tables are written to a private temporary folder and read there by the library, so that
their errors name the table, row and column exactly as for files on disk (the folder is not named)."""

from __future__ import annotations

import base64
import binascii
import tempfile
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag

from .._catalogue import calculate_catalogue, prepare_catalogue
from .._errors import FootprintError, InputError
from .._factors import DEFAULT_PREFOLDED, FactorLibrary, PrefoldedPolicy
from .._gwp import DEFAULT_GWP_SET, gwp_set
from ._calculator import check_library, read_body
from ._http import ApiError

__all__ = ["CatalogueRequest", "calculate_catalogue_request"]

Cell = str | float | int | bool | None


class RowsTable(BaseModel):
    """A table as JSON rows: objects keyed by column."""

    model_config = ConfigDict(extra="forbid")

    rows: list[dict[str, Cell]] = Field(max_length=200_000)


class CsvTable(BaseModel):
    """A table as the text of a CSV file (``#`` comment lines allowed)."""

    model_config = ConfigDict(extra="forbid")

    csv: str


class ParquetTable(BaseModel):
    """A table as a Parquet file, base64."""

    model_config = ConfigDict(extra="forbid")

    parquet_base64: str


_WAYS = ("rows", "csv", "parquet_base64")


def _way(value: Any) -> str | None:
    """Which way a table is given: the one member of ``rows``, ``csv`` and ``parquet_base64`` it has (None
    when it has none or several, refused with the message below)."""
    if isinstance(value, BaseModel):
        value = value.model_dump()
    given = [w for w in _WAYS if isinstance(value, dict) and w in value]
    return given[0] if len(given) == 1 else None


#: One table of a catalogue, given exactly one way (the OpenAPI document says so with ``oneOf``).
Table = Annotated[
    Annotated[RowsTable, Tag("rows")]
    | Annotated[CsvTable, Tag("csv")]
    | Annotated[ParquetTable, Tag("parquet_base64")],
    Discriminator(
        _way, custom_error_type="table_way", custom_error_message="give the table one way: rows, csv or parquet_base64"
    ),
]


class CatalogueRequest(BaseModel):
    """The three tables of a catalogue (docs/catalogue.md), the GWP set and the policy for pre-folded factors."""

    model_config = ConfigDict(extra="forbid")

    products: Table
    bom: Table
    activities: Table
    gwp: str = DEFAULT_GWP_SET
    prefolded: PrefoldedPolicy = DEFAULT_PREFOLDED
    factor_library_version: str | None = None


def _source(table: RowsTable | CsvTable | ParquetTable, name: str, folder: Path) -> Any:
    """What the library reads: a DataFrame of the rows, or the file written from the CSV or Parquet."""
    if isinstance(table, RowsTable):
        import pandas as pd

        return pd.DataFrame(table.rows)
    if isinstance(table, CsvTable):
        path = folder / f"{name}.csv"
        path.write_text(table.csv, encoding="utf-8")
        return path
    try:
        data = base64.b64decode(table.parquet_base64, validate=True)
    except (binascii.Error, ValueError):
        raise ApiError(400, "BadRequest", f"{name}.parquet_base64 is not base64") from None
    path = folder / f"{name}.parquet"
    path.write_bytes(data)
    return path


def _hidden(text: str, folder: Path) -> str:
    return text.replace(f"{folder}/", "").replace(str(folder), "")


def calculate_catalogue_request(raw: bytes, lib: FactorLibrary) -> bytes:
    """The answer to a :class:`CatalogueRequest` body: every product of the catalogue, rolled up; a problem
    with a table is a 400 naming its table, row and column."""
    body = read_body(CatalogueRequest, raw)
    check_library(lib, body.factor_library_version)
    with tempfile.TemporaryDirectory(prefix="footprint-catalogue-") as tmp:
        folder = Path(tmp)
        try:
            products, bom, activities = (
                _source(getattr(body, n), n, folder) for n in ("products", "bom", "activities")
            )
            catalogue = prepare_catalogue(products, bom, activities, library=lib)
            result = calculate_catalogue(catalogue, gwp=gwp_set(body.gwp), prefolded=body.prefolded)
        except InputError as e:
            problems = [
                {k: _hidden(v, folder) if isinstance(v, str) else v for k, v in p.items()} for p in e.to_records()
            ]
            raise ApiError(400, "BadRequest", _hidden(str(e), folder)[:2000], problems=problems) from None
        except FootprintError as e:
            raise ApiError(400, "BadRequest", _hidden(str(e), folder)[:2000]) from None
        except (ValueError, OSError) as e:  # a CSV or Parquet file the readers cannot open (no header, not Parquet)
            names = "products, bom or activities"
            raise ApiError(400, "BadRequest", f"a table ({names}) cannot be read: {type(e).__name__}") from None
    return result.model_dump_json().encode()
