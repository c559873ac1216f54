"""The ledger over HTTP, ``/v1/ledger/...``: record a result (the library's ``FootprintResult``), read
snapshots (the library's ``Snapshot``) and the latest totals per supplier and period. The ledger is the
service's own database; every route needs the ``footprint:ledger`` scope."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field, field_validator

from .._errors import FootprintError, LedgerError
from .._ledger import Ledger, Snapshot
from .._result import FootprintResult
from ._deps import LedgerCaller, StoreDep
from ._http import ApiError
from ._strict import body_document, strict_body

__all__ = ["router"]

router = APIRouter(prefix="/v1/ledger", tags=["ledger"])

#: Text parameters: no NUL character (PostgreSQL text cannot hold one) and not only white space.
_TEXT = r"^[^\x00]*[^\s\x00\x1c-\x1f][^\x00]*$"
_NO_NUL = r"^[^\x00]*$"
#: The members of a result the ledger stores as database text of their own (the rest is stored as JSON, where
#: a NUL character is escaped): none may hold a NUL character.
_STORED_TEXT = ("product_id", "input_hash", "factor_library_version", "gwp_set")


def _stored_text_schema(schema: dict[str, Any]) -> None:
    """Say in the OpenAPI document what :meth:`RecordRequest.no_nul_in_stored_text` checks."""
    schema["allOf"] = [{"$ref": schema.pop("$ref")}, {"properties": {n: {"pattern": _NO_NUL} for n in _STORED_TEXT}}]


class RecordRequest(BaseModel):
    """A result to record for a reporting period, with an optional note."""

    model_config = ConfigDict(extra="forbid")

    result: FootprintResult = Field(json_schema_extra=_stored_text_schema)
    period: str = Field(min_length=1, max_length=64, pattern=_TEXT)
    note: str | None = Field(default=None, max_length=2000, pattern=_NO_NUL)

    @field_validator("result")
    @classmethod
    def no_nul_in_stored_text(cls, result: FootprintResult) -> FootprintResult:
        """Refuse a NUL character where the ledger stores a member as database text (PostgreSQL text holds none)."""
        for name in _STORED_TEXT:
            if "\x00" in getattr(result, name):
                raise ValueError(f"{name} holds a NUL character, which the ledger does not store")
        return result


class SnapshotSummary(BaseModel):
    """A snapshot without its result: what a listing shows."""

    id: str
    product_id: str
    period: str
    version: int
    supersedes: str | None
    gwp_set: str
    boundary: str
    total_kgco2e: float
    cradle_to_gate_kgco2e: float
    module_d_kgco2e: float
    input_hash: str
    note: str | None


class SnapshotList(BaseModel):
    """Snapshots, oldest first."""

    snapshots: list[SnapshotSummary]


class SupplierTotal(BaseModel):
    """The latest snapshots of one supplier's products in one period, under one GWP set and boundary: how many
    products, and the sums of their recorded totals (each result's own quantity)."""

    period: str
    supplier: str
    gwp_set: str
    boundary: str
    products: int
    total_kgco2e: float
    cradle_to_gate_kgco2e: float
    module_d_kgco2e: float


class Rollup(BaseModel):
    """Totals per period and supplier."""

    suppliers: list[SupplierTotal]


def _summary(s: Snapshot) -> SnapshotSummary:
    return SnapshotSummary(**s.model_dump(include=set(SnapshotSummary.model_fields)))


def _open(store: StoreDep) -> Ledger:
    try:
        return Ledger(store.db_url)
    except LedgerError as e:
        raise ApiError(500, "InternalError", f"the ledger cannot be opened: {e}") from None


@router.post("/record", response_model=SnapshotSummary, status_code=201, openapi_extra=body_document(RecordRequest))
def record(
    body: Annotated[RecordRequest, strict_body(RecordRequest)], store: StoreDep, _caller: LedgerCaller
) -> SnapshotSummary:
    """Record a result for a period (``Ledger.record``): a new version of its product's footprint for that
    period, hash-chained to the one before; an unchanged result adds nothing and answers the latest."""
    with _open(store) as ledger:
        try:
            return _summary(ledger.record(body.result, body.period, note=body.note))
        except FootprintError as e:  # a blank period, a result that does not round-trip (NaN)
            raise ApiError(400, "BadRequest", f"not recorded: {e}") from None


@router.get("/snapshots", response_model=SnapshotList)
def snapshots(
    store: StoreDep,
    _caller: LedgerCaller,
    product_id: str = Query(min_length=1, max_length=200, pattern=_TEXT),
    period: str | None = Query(None, min_length=1, max_length=64, pattern=_TEXT),
) -> SnapshotList:
    """Every snapshot of a product (for one period when given), oldest first (``Ledger.history``)."""
    with _open(store) as ledger:
        return SnapshotList(snapshots=[_summary(s) for s in ledger.history(product_id, period)])


@router.get("/snapshots/{snapshot_id}", response_model=Snapshot)
def snapshot(snapshot_id: str, store: StoreDep, _caller: LedgerCaller) -> Snapshot:
    """One snapshot with its full result (``Ledger.get``)."""
    if len(snapshot_id) != 32 or not all(c in "0123456789abcdef" for c in snapshot_id):
        raise ApiError(404, "NotFound", "no snapshot with this id (ids are 32 hex digits)")
    with _open(store) as ledger:
        try:
            return ledger.get(snapshot_id)
        except LedgerError:
            raise ApiError(404, "NotFound", "no snapshot with this id") from None


@router.get("/rollup", response_model=Rollup)
def rollup(
    store: StoreDep, _caller: LedgerCaller, period: str | None = Query(None, min_length=1, max_length=64, pattern=_TEXT)
) -> Rollup:
    """The latest snapshot of every product, summed per period and supplier (and GWP set and boundary, which
    never mix); a product without a supplier counts under ``""``."""
    sums: dict[tuple[str, str, str, str], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    with _open(store) as ledger:
        frame = ledger.latest_frame(period)
        for snap_id in frame["id"] if len(frame) else []:
            s = ledger.get(str(snap_id))
            acc = sums[(s.period, s.result.supplier or "", s.gwp_set, s.boundary)]
            acc[0] += 1
            acc[1] += s.total_kgco2e
            acc[2] += s.cradle_to_gate_kgco2e
            acc[3] += s.module_d_kgco2e
    return Rollup(
        suppliers=[
            SupplierTotal(
                period=p,
                supplier=sup,
                gwp_set=g,
                boundary=b,
                products=int(n),
                total_kgco2e=t,
                cradle_to_gate_kgco2e=c,
                module_d_kgco2e=d,
            )
            for (p, sup, g, b), (n, t, c, d) in sorted(sums.items())
        ]
    )
