"""The PACT v3.0.3 host: ``GET /3/footprints`` (filters, ``limit``, ``Link`` pagination),
``GET /3/footprints/{id}`` and ``POST /3/events``. Every query is restricted to the footprints shared with
the caller."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, BackgroundTasks, Request, Response
from starlette.concurrency import run_in_threadpool

from ._criteria import LISTS, TIMES, bad, filters
from ._deps import EventsCaller, ListCaller, ReadCaller, StoreDep
from ._events import answer, check_event, event_kind, receive
from ._http import ApiError
from ._openapi import EVENT_BODY, FootprintList, FootprintOne

__all__ = ["MAX_PAGE", "router"]

router = APIRouter(tags=["PACT"])

#: The most footprints one page holds, whatever ``limit`` asks (the spec lets a host return fewer).
MAX_PAGE = 100
_MAX_INT = 999_999_999  # the largest limit or offset accepted

_KNOWN = {*LISTS, *TIMES, "status", "limit", "offset"}


def _param(name: str, where: str = "query", array: bool = False, fmt: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "maxLength": 1000, "pattern": "^[^\\x00]*$"}
    if fmt is not None:
        schema["format"] = fmt
    if array:
        schema = {"type": "array", "items": schema}
    return {"name": name, "in": where, "required": False, "schema": schema, "explode": True}


_LIST_PARAMS = [
    {
        "name": "limit",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 0, "maximum": _MAX_INT},
    },
    {
        "name": "offset",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 0, "maximum": _MAX_INT},
    },
    *(_param(n, array=True) for n in ("productId", "companyId", "geography", "classification")),
    *(_param(n, fmt="date-time") for n in ("validOn", "validAfter", "validBefore")),
    {
        "name": "status",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "enum": ["Active", "Deprecated"]},
    },
]


def _int(values: Sequence[str], name: str, default: int) -> int:
    if not values:
        return default
    if len(values) > 1 or not (values[0].isascii() and values[0].isdigit()) or int(values[0]) > _MAX_INT:
        raise bad(f"{name} must be one non-negative integer")
    return int(values[0])


@router.get(
    "/3/footprints",
    summary="Action ListFootprints",
    responses={200: {"model": FootprintList}},
    openapi_extra={"parameters": _LIST_PARAMS},
)  # fmt: skip
async def list_footprints(request: Request, caller: ListCaller, store: StoreDep) -> Response:
    """The footprints shared with the caller that match every filter given (names case-insensitive; a filter
    repeated matches any of its values). A ``Link: <...>; rel="next"`` header points at the next page."""
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        name = key.lower()
        if name not in _KNOWN:
            raise bad(f"unknown filter {key!r}; known: productId, companyId, geography, classification, validOn, "
                       "validAfter, validBefore, status, limit")  # fmt: skip
        if "\x00" in value or len(value) > 1000:
            raise bad(f"{key}: a value without NUL characters, at most 1000 characters, was expected")
        params.setdefault(name, []).append(value)
    limit = min(_int(params.get("limit", []), "limit", MAX_PAGE), MAX_PAGE)
    offset = _int(params.get("offset", []), "offset", 0)
    where = filters(params)
    data, more = await run_in_threadpool(store.list_documents, caller.name, where, offset, limit)
    headers = {}
    if more:
        query = [(k, v) for k, v in request.query_params.multi_items() if k.lower() not in ("offset", "limit")]
        # after a page of limit=0 the link asks for a full page from the same place, never the same empty page
        query += [("limit", str(limit or MAX_PAGE)), ("offset", str(offset + limit))]
        headers["Link"] = f'<{request.url.replace(query=urlencode(query))}>; rel="next"'
    return _data("[" + ",".join(data) + "]", headers)


@router.get(
    "/3/footprints/{id}",
    summary="Action GetFootprint",
    responses={200: {"model": FootprintOne}},
)  # fmt: skip
async def get_footprint(id: str, caller: ReadCaller, store: StoreDep) -> Response:
    """One footprint by id: 404 when there is none, 403 when it was not shared with the caller."""
    plausible = len(id) <= 64 and "\x00" not in id  # ids are UUIDs: nothing longer can exist
    doc, shared = await run_in_threadpool(store.shared_document, id, caller.name) if plausible else (None, False)
    if doc is None:
        raise ApiError(404, "NotFound", "The requested footprint could not be found.")
    if not shared:
        raise ApiError(403, "AccessDenied", "this footprint was not shared with the caller")
    return _data(doc)


def _data(stored_json: str, headers: dict[str, str] | None = None) -> Response:
    """``{"data": ...}`` around JSON as stored (written by this service with ``json.dumps``), sent without
    parsing and writing it again."""
    return Response('{"data":' + stored_json + "}", media_type="application/json", headers=headers)


@router.post(
    "/3/events",
    summary="Action Events",
    response_class=Response,
    responses={200: {"description": "The event was accepted (an empty body)", "content": {}}},
    openapi_extra=EVENT_BODY,
)  # fmt: skip
async def events(request: Request, caller: EventsCaller, store: StoreDep, later: BackgroundTasks) -> Response:
    """Accept a PACT event (CloudEvents 1.0, structured mode): checked, recorded and answered 200 with an empty
    body. A RequestCreatedEvent is answered afterwards with a RequestFulfilledEvent (the matching footprints
    shared with the caller) or a RequestRejectedEvent, sent to the caller's own host; a RequestFulfilledEvent
    answering this service's request stores its footprints as supplier footprints; a PublishedEvent from a
    partner linked to its host has the footprints it names pulled from there."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in ("application/cloudevents+json", "application/json"):
        raise ApiError(415, "BadRequest", "events are sent as application/cloudevents+json")
    try:
        event = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError):
        raise bad("the body is not valid JSON") from None
    check_event(event)
    await run_in_threadpool(receive, store, caller.name, event, request.app.state.outbox.horizon)
    if event_kind(event) == "PublishedEvent":
        request.app.state.courier.wake()  # its pull is in the outbox
    if event_kind(event) == "RequestCreatedEvent":
        own = f"{str(request.base_url).rstrip('/')}/3/events"
        later.add_task(answer, store, request.app.state.outbox, caller.name, event, own, request.app.state.courier.wake)
    return Response(status_code=200)
