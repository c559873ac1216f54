"""``POST /v1/catalogue``: a whole catalogue from its three tables (:mod:`footprint.server._catalogue_work`),
read and calculated away from the event loop, where the other calculations are
(:mod:`footprint.server._calculator`)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from .._contracts import CatalogueDocument
from ._catalogue_work import CatalogueRequest, calculate_catalogue_request
from ._deps import CalcCaller
from ._routes_calc import STALE_LIBRARY, computed
from ._strict import BODY_MODELS, body_document

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["calculation"])

# the body is read where it is calculated; the OpenAPI document describes it all the same
BODY_MODELS[CatalogueRequest.__name__] = CatalogueRequest


@router.post(
    "/catalogue",
    response_model=CatalogueDocument,
    responses={400: {"description": "BadRequest: every problem with its table, row and column"}, **STALE_LIBRARY},
    openapi_extra=body_document(CatalogueRequest),
)
async def calculate_catalogue_route(request: Request, _caller: CalcCaller) -> Response:
    """Every product of a catalogue (``footprint.calculate_catalogue``), rolled up to families, suppliers and
    the cluster; the answer carries ``input_hash`` and ``factor_library_version``."""
    return await computed(request, calculate_catalogue_request)
