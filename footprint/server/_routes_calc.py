"""The calculation API, ``/v1/...``: the library's public functions over HTTP, nothing more.

A product is posted as JSON (or YAML, ``Content-Type: application/yaml``) in the library's own model; the
answer is the library's :class:`~footprint.FootprintResult`, which carries ``input_hash``,
``factor_library_version`` and ``footprint_version`` so that any number can be recomputed.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel

from .. import __version__
from .._factor_io import default_library
from .._factors import EmissionFactor, FactorLibrary
from .._gwp import DEFAULT_GWP_SET
from .._result import FootprintResult
from . import _calculator
from ._answers import Answers
from ._bodies import is_yaml
from ._calculator import MAX_BATCH, BatchRequest, BatchResponse, CalculateRequest, Calculator, Work, check_library
from ._deps import CalcCaller
from ._http import ApiError
from ._strict import BODY_MODELS, body_document

__all__ = ["MAX_BATCH", "STALE_LIBRARY", "computed", "library_of", "router"]

router = APIRouter(prefix="/v1", tags=["calculation"])

#: The 409 of a route whose request may name the factor library version it expects.
STALE_LIBRARY: dict[int | str, dict[str, Any]] = {
    409: {"description": "BadRequest: the factor library version asked for is not the server's"}
}


class FactorList(BaseModel):
    """Factors that match a search, with the version of the library searched."""

    factor_library_version: str
    footprint_version: str
    factors: list[EmissionFactor]


def library_of(request: Request, expected: str | None) -> FactorLibrary:
    """The server's factor library; a 409 when the caller expects another version."""
    lib: FactorLibrary = request.app.state.library or default_library()
    check_library(lib, expected)
    return lib


# the bodies of the two routes below are read where they are calculated, away from the event loop
# (:func:`footprint.server._calculator.compute`); the OpenAPI document describes them all the same
BODY_MODELS.update({m.__name__: m for m in (CalculateRequest, BatchRequest)})


@router.post(
    "/calculate",
    response_model=FootprintResult,
    responses=STALE_LIBRARY,
    openapi_extra=body_document(CalculateRequest, yaml=True),
)
async def calculate_product(request: Request, _caller: CalcCaller) -> Response:
    """The lifecycle footprint of one product (``footprint.calculate``). The answer to a request identical to
    an earlier one (the same body, the same factor library) is the one already written; a new one is read
    and calculated away from the event loop (:mod:`footprint.server._calculator`)."""
    raw, yaml = await request.body(), is_yaml(request.headers.get("content-type"))
    answers: Answers = request.app.state.answers
    key = answers.key(library_of(request, None).version, raw, yaml=yaml)
    answer = answers.get(key)
    if answer is None:
        calculator: Calculator = request.app.state.calculator
        answer = await calculator.answer(_calculator.calculate_request, raw, yaml=yaml)
        answers.put(key, answer)
    return Response(answer, media_type="application/json")


@router.post(
    "/calculate/batch",
    response_model=BatchResponse,
    responses=STALE_LIBRARY,
    openapi_extra=body_document(BatchRequest, yaml=True),
)
async def calculate_batch(request: Request, _caller: CalcCaller) -> Response:
    """The footprints of several products, each on its own (``footprint.calculate`` per product), read and
    calculated away from the event loop."""
    return await computed(request, _calculator.calculate_batch)


async def computed(request: Request, work: Work) -> Response:
    """The answer of ``work`` to the request's body (JSON, or YAML by its content type), computed where
    calculations run (:class:`~footprint.server._calculator.Calculator`)."""
    calculator: Calculator = request.app.state.calculator
    yaml = is_yaml(request.headers.get("content-type"))
    answer = await calculator.answer(work, await request.body(), yaml=yaml)
    return Response(answer, media_type="application/json")


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
