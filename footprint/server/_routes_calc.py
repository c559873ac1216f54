"""The calculation API, ``/v1/...``: the library's public functions over HTTP, nothing more.

A product is posted as JSON (or YAML, ``Content-Type: application/yaml``) in the library's own model; the
answer is the library's :class:`~footprint.FootprintResult`, which carries ``input_hash``,
``factor_library_version`` and ``footprint_version`` so that any number can be recomputed.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from .. import __version__
from .._errors import FootprintError, InputError
from .._factor_io import default_library
from .._factors import DEFAULT_PREFOLDED, EmissionFactor, FactorLibrary, PrefoldedPolicy
from .._gwp import DEFAULT_GWP_SET, gwp_set
from .._lifecycle import calculate
from .._product import Product
from .._result import FootprintResult
from ._answers import Answers
from ._deps import CalcCaller
from ._http import ApiError
from ._strict import body_document, strict_body

__all__ = ["MAX_BATCH", "STALE_LIBRARY", "library_of", "router"]

router = APIRouter(prefix="/v1", tags=["calculation"])

#: The most products one batch request may hold.
MAX_BATCH = 50
#: The 409 of a route whose request may name the factor library version it expects.
STALE_LIBRARY: dict[int | str, dict[str, Any]] = {
    409: {"description": "BadRequest: the factor library version asked for is not the server's"}
}


class CalculateRequest(BaseModel):
    """A product to calculate, with the GWP set, the policy for prefolded factors and, optionally, the factor
    library version the caller expects (refused when the server's differs)."""

    model_config = ConfigDict(extra="forbid")

    product: Product
    gwp: str = DEFAULT_GWP_SET
    prefolded: PrefoldedPolicy = DEFAULT_PREFOLDED
    quantity: float = 1.0
    factor_library_version: str | None = None


class BatchRequest(BaseModel):
    """Several products, each calculated on its own, under one GWP set."""

    model_config = ConfigDict(extra="forbid")

    products: list[Product] = Field(min_length=1, max_length=MAX_BATCH)
    gwp: str = DEFAULT_GWP_SET
    prefolded: PrefoldedPolicy = DEFAULT_PREFOLDED
    factor_library_version: str | None = None


class BatchResponse(BaseModel):
    """The results of a batch, in the order of the products."""

    results: list[FootprintResult]


class FactorList(BaseModel):
    """Factors that match a search, with the version of the library searched."""

    factor_library_version: str
    footprint_version: str
    factors: list[EmissionFactor]


def library_of(request: Request, expected: str | None) -> FactorLibrary:
    """The server's factor library; a 409 when the caller expects another version."""
    lib: FactorLibrary = request.app.state.library or default_library()
    if expected is not None and expected != lib.version:
        raise ApiError(409, "BadRequest", f"factor library version {expected!r} is not the server's {lib.version!r}")
    return lib


def _one(
    product: Product, lib: FactorLibrary, gwp: str, prefolded: Any, quantity: float, where: str
) -> FootprintResult:
    if product.bom is not None:
        raise ApiError(400, "BadRequest", f"{where}: the service reads no BOM files; send the product's items")
    try:
        return calculate(product, lib, gwp=gwp_set(gwp), prefolded=prefolded, quantity=quantity)
    except InputError as e:
        raise ApiError(400, "BadRequest", f"{where}: {e}", problems=e.to_records()) from None
    except FootprintError as e:
        raise ApiError(400, "BadRequest", f"{where}: {e}") from None


@router.post(
    "/calculate",
    response_model=FootprintResult,
    responses=STALE_LIBRARY,
    openapi_extra=body_document(CalculateRequest, yaml=True),
)
async def calculate_product(
    body: Annotated[CalculateRequest, strict_body(CalculateRequest)], request: Request, _caller: CalcCaller
) -> Response:
    """The lifecycle footprint of one product (``footprint.calculate``). The answer to a request identical to
    an earlier one (the same body, the same factor library) is the one already written."""
    raw = await request.body()  # as the route read it (a YAML body already turned into JSON)
    return Response(await run_in_threadpool(_answer, request, body, raw), media_type="application/json")


def _answer(request: Request, body: CalculateRequest, raw: bytes) -> bytes:
    """The JSON answer to ``body``: kept from an identical request, or calculated, written once and kept."""
    lib = library_of(request, body.factor_library_version)
    answers: Answers = request.app.state.answers
    key = answers.key(lib.version, raw)
    answer = answers.get(key)
    if answer is None:
        result = _one(body.product, lib, body.gwp, body.prefolded, body.quantity, "product")
        answer = result.model_dump_json().encode()
        answers.put(key, answer)
    return answer


@router.post(
    "/calculate/batch",
    response_model=BatchResponse,
    responses=STALE_LIBRARY,
    openapi_extra=body_document(BatchRequest, yaml=True),
)
def calculate_batch(
    body: Annotated[BatchRequest, strict_body(BatchRequest)], request: Request, _caller: CalcCaller
) -> BatchResponse:
    """The footprints of several products, each on its own (``footprint.calculate`` per product)."""
    lib = library_of(request, body.factor_library_version)
    return BatchResponse(
        results=[_one(p, lib, body.gwp, body.prefolded, 1.0, f"products[{k}]") for k, p in enumerate(body.products)]
    )


@router.get("/factors", response_model=FactorList)
def search_factors(
    request: Request,
    _caller: CalcCaller,
    q: str | None = Query(None, max_length=200, description="Words that id, name or notes must all contain."),
    category: str | None = Query(None, max_length=64),
    region: str | None = Query(None, max_length=64),
    limit: int = Query(50, ge=1, le=500),
) -> FactorList:
    """Factors of the server's library that match (``FactorLibrary.search``)."""
    lib = library_of(request, None)
    found = lib.search(q, category=category, region=region)[:limit]
    return FactorList(factor_library_version=lib.version, footprint_version=__version__, factors=found)


@router.get("/factors/{factor_id}", response_model=EmissionFactor)
def read_factor(factor_id: str, request: Request, _caller: CalcCaller) -> EmissionFactor:
    """One factor by id (``FactorLibrary.get``)."""
    lib = library_of(request, None)
    if len(factor_id) > 200 or factor_id not in lib.ids:
        raise ApiError(404, "NotFound", "no factor with this id in the server's library")
    return lib.get(factor_id)


class VersionInfo(BaseModel):
    """The versions a result depends on."""

    footprint_version: str
    factor_library_version: str
    default_gwp_set: str


@router.get("/version", response_model=VersionInfo)
def version(request: Request) -> VersionInfo:
    """The library and factor library versions of this server (no token needed)."""
    lib = library_of(request, None)
    return VersionInfo(
        footprint_version=__version__, factor_library_version=lib.version, default_gwp_set=DEFAULT_GWP_SET
    )
