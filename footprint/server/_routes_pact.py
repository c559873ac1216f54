"""The PACT v3.0.3 host: ``GET /3/footprints`` (filters, ``limit``, ``Link`` pagination),
``GET /3/footprints/{id}`` and ``POST /3/events``. Every query is restricted to the footprints shared with
the caller."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from ._deps import EventsCaller, ListCaller, ReadCaller, StoreDep
from ._http import ApiError
from ._store import footprints, has_key, parse_time, stamp

__all__ = ["MAX_PAGE", "router"]

router = APIRouter(tags=["PACT"])

#: The most footprints one page holds, whatever ``limit`` asks (the spec lets a host return fewer).
MAX_PAGE = 100

_LISTS = {"productid": "product", "companyid": "company", "classification": "classification", "geography": "geography"}
_TIMES = ("validon", "validafter", "validbefore")
_KNOWN = {*_LISTS, *_TIMES, "status", "limit", "offset"}
_EVENT_TYPES = {
    f"org.wbcsd.pact.ProductFootprint.{name}.3"
    for name in ("RequestCreatedEvent", "RequestFulfilledEvent", "RequestRejectedEvent", "PublishedEvent")
}


def _param(name: str, where: str = "query", array: bool = False, fmt: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"} if fmt is None else {"type": "string", "format": fmt}
    if array:
        schema = {"type": "array", "items": schema}
    return {"name": name, "in": where, "required": False, "schema": schema, "explode": True}


_LIST_PARAMS = [
    {"name": "limit", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 0}},
    {"name": "offset", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 0}},
    *(_param(n, array=True) for n in ("productId", "companyId", "geography", "classification")),
    *(_param(n, fmt="date-time") for n in ("validOn", "validAfter", "validBefore")),
    {
        "name": "status",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "enum": ["Active", "Deprecated"]},
    },
]


def _bad(message: str) -> ApiError:
    return ApiError(400, "BadRequest", message)


def _int(values: Sequence[str], name: str, default: int) -> int:
    if not values:
        return default
    if len(values) > 1 or not values[0].isdigit() or len(values[0]) > 9:
        raise _bad(f"{name} must be one non-negative integer")
    return int(values[0])


def _filters(params: dict[str, list[str]]) -> list[Any]:
    """The SQL conditions of the query's filters: OR within a filter, AND across filters (PACT v3)."""
    where: list[Any] = []
    for name, kind in _LISTS.items():
        if params.get(name):
            where.append(has_key(kind, params[name]))
    for name in _TIMES:
        values = params.get(name, [])
        if len(values) > 1:
            raise _bad(f"{name} may be given once")
        if values:
            try:
                t = stamp(parse_time(values[0]))
            except ValueError:
                raise _bad(
                    f"{name} must be an ISO 8601 date-time with a time zone, e.g. 2025-04-01T00:00:00Z"
                ) from None
            if name == "validon":
                where += [footprints.c.valid_from <= t, footprints.c.valid_to >= t]
            elif name == "validafter":
                where.append(footprints.c.valid_from > t)
            else:
                where.append(footprints.c.valid_to < t)
    status = params.get("status", [])
    if status:
        wanted = {s.lower() for s in status}
        if not wanted <= {"active", "deprecated"} or len(status) > 1:
            raise _bad("status must be Active or Deprecated")
        where.append(footprints.c.status == ("Active" if wanted == {"active"} else "Deprecated"))
    return where


@router.get(
    "/3/footprints",
    summary="Action ListFootprints",
    responses={400: {"description": "BadRequest"}, 401: {"description": "TokenExpired"}, 403: {"description": "AccessDenied"}},
    openapi_extra={"parameters": _LIST_PARAMS},
)  # fmt: skip
async def list_footprints(request: Request, caller: ListCaller, store: StoreDep) -> Response:
    """The footprints shared with the caller that match every filter given (names case-insensitive; a filter
    repeated matches any of its values). A ``Link: <...>; rel="next"`` header points at the next page."""
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        name = key.lower()
        if name not in _KNOWN:
            raise _bad(f"unknown filter {key!r}; known: productId, companyId, geography, classification, validOn, "
                       "validAfter, validBefore, status, limit")  # fmt: skip
        if "\x00" in value or len(value) > 1000:
            raise _bad(f"{key}: a value without NUL characters, at most 1000 characters, was expected")
        params.setdefault(name, []).append(value)
    limit = min(_int(params.get("limit", []), "limit", MAX_PAGE), MAX_PAGE)
    offset = _int(params.get("offset", []), "offset", 0)
    where = _filters(params)
    data, more = await run_in_threadpool(store.list_footprints, caller.name, where, offset, limit)
    headers = {}
    if more:
        query = [(k, v) for k, v in request.query_params.multi_items() if k.lower() not in ("offset", "limit")]
        # after a page of limit=0 the link asks for a full page from the same place, never the same empty page
        query += [("limit", str(limit or MAX_PAGE)), ("offset", str(offset + limit))]
        headers["Link"] = f'<{request.url.replace(query=urlencode(query))}>; rel="next"'
    return JSONResponse({"data": data}, headers=headers)


@router.get(
    "/3/footprints/{id}",
    summary="Action GetFootprint",
    responses={400: {"description": "BadRequest"}, 401: {"description": "TokenExpired"},
               403: {"description": "AccessDenied"}, 404: {"description": "NotFound"}},
)  # fmt: skip
async def get_footprint(id: str, caller: ReadCaller, store: StoreDep) -> Response:
    """One footprint by id: 404 when there is none, 403 when it was not shared with the caller."""
    plausible = len(id) <= 64 and "\x00" not in id  # ids are UUIDs: nothing longer can exist
    found = await run_in_threadpool(store.footprint, id) if plausible else None
    if found is None:
        raise ApiError(404, "NotFound", "The requested footprint could not be found.")
    doc, names = found
    if caller.name not in names:
        raise ApiError(403, "AccessDenied", "this footprint was not shared with the caller")
    return JSONResponse({"data": doc})


@router.post(
    "/3/events",
    summary="Action Events",
    responses={400: {"description": "BadRequest"}, 401: {"description": "TokenExpired"}, 403: {"description": "AccessDenied"}},
    openapi_extra={"requestBody": {"required": True, "content": {"application/cloudevents+json": {"schema": {
        "type": "object", "required": ["specversion", "id", "source", "type", "data"]}}}}},
)  # fmt: skip
async def events(request: Request, caller: EventsCaller) -> Response:
    """Accept a PACT event (CloudEvents 1.0, structured mode): checked, then answered 200 with an empty body."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in ("application/cloudevents+json", "application/json"):
        raise ApiError(415, "BadRequest", "events are sent as application/cloudevents+json")
    try:
        event = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError):
        raise _bad("the body is not valid JSON") from None
    _check_event(event)
    return Response(status_code=200)


def _check_event(event: Any) -> None:
    if not isinstance(event, dict):
        raise _bad("an event is a JSON object")
    for field in ("specversion", "id", "source", "type"):
        if not isinstance(event.get(field), str) or not event[field]:
            raise _bad(f"the event lacks its {field!r} (a non-empty string)")
    if event["specversion"] != "1.0":
        raise _bad("specversion must be 1.0")
    if event["type"] not in _EVENT_TYPES:
        raise _bad(f"unknown event type {event['type'][:100]!r}")
    data = event.get("data")
    if not isinstance(data, dict):
        raise _bad("the event lacks its data object")
    kind = event["type"].split(".")[-2]
    need = {"RequestCreatedEvent": "pf", "RequestFulfilledEvent": "pfs", "RequestRejectedEvent": "error",
            "PublishedEvent": "pfIds"}[kind]  # fmt: skip
    if need not in data:
        raise _bad(f"a {kind} carries data.{need}")
