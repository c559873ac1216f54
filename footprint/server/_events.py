"""PACT v3 events (CloudEvents 1.0, structured mode): checking what ``POST /3/events`` receives, and acting on it.

- A ``RequestCreatedEvent`` asks for footprints by the criteria of ListFootprints. It is accepted (200) and
  answered afterwards: the footprints shared with the requester that match (or, when none does and the
  request names a product offered to the requester with ``publish --on-request``, that product computed and
  published now) go back in one
  ``RequestFulfilledEvent``, or a ``RequestRejectedEvent`` says why not. The answer goes to the host named
  in the event's ``source`` (PACT v3 rest-api, "Asynchronous request and retrieval of Product Footprints"),
  after checking it against the host linked to the requesting client (``footprint clients link``), and the
  service authenticates there with the credentials that host issued (the specification's authentication
  flow). The answer is stored in the outbox before it is sent, retried with exponential backoff for up to
  72 hours, across restarts; every attempt is recorded (:mod:`footprint.server._outbox`).
- A ``RequestFulfilledEvent`` answering a request this service sent stores its footprints, validated, as
  supplier footprints (:mod:`footprint.pact._pulled`); a ``RequestRejectedEvent`` is recorded for the
  requester to read. Events answering nothing this service asked are recorded and left alone.
- A ``PublishedEvent`` from a linked partner is stored with a job in the outbox, and the footprints it names
  are pulled from the partner's host, retried like an answer (:mod:`footprint.server._published`); from
  another client it is recorded and ignored.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from .._errors import FootprintError
from ..pact._pulled import store_pulled
from ._cloud_events import event_kind as _kind_of
from ._cloud_events import event_type, pact_event
from ._criteria import LISTS, bad, filters
from ._offers import compute_offer
from ._outbox import SPEC_HORIZON, Outbox
from ._published import MAX_PUBLISHED, same_host
from ._store import Store

__all__ = [
    "EVENT_TYPES",
    "MAX_ANSWER",
    "MAX_PUBLISHED",
    "answer",
    "check_event",
    "criteria",
    "event_kind",
    "receive",
    "same_host",
]

log = logging.getLogger("footprint.server.events")

_KINDS = ("RequestCreatedEvent", "RequestFulfilledEvent", "RequestRejectedEvent", "PublishedEvent")
#: The four event types of PACT v3.0.3 (openapi.yaml, components.schemas.*Event.properties.type).
EVENT_TYPES = frozenset(event_type(k) for k in _KINDS)
_CRITERIA = {"productid", "companyid", "geography", "classification", "validon", "validafter", "validbefore", "status"}
#: The most footprints one RequestFulfilledEvent carries.
MAX_ANSWER = 100


def event_kind(event: dict[str, Any]) -> str:
    """``RequestCreatedEvent``, ``RequestFulfilledEvent``, ``RequestRejectedEvent`` or ``PublishedEvent``."""
    return _kind_of(str(event["type"]))


def check_event(event: Any) -> None:
    """Raise a 400 ``BadRequest`` naming what is wrong unless ``event`` is a PACT v3 event with its data."""
    if not isinstance(event, dict):
        raise bad("an event is a JSON object")
    if "\\u0000" in json.dumps(event):  # recorded as text, which PostgreSQL cannot hold with a NUL character
        raise bad("an event holds no NUL characters")
    for field in ("specversion", "id", "source", "type"):
        if not isinstance(event.get(field), str) or not event[field]:
            raise bad(f"the event lacks its {field!r} (a non-empty string)")
    if event["specversion"] != "1.0":
        raise bad("specversion must be 1.0")
    if event["type"] not in EVENT_TYPES:
        raise bad(f"unknown event type {event['type'][:100]!r}")
    data = event.get("data")
    if not isinstance(data, dict):
        raise bad("the event lacks its data object")
    kind = event_kind(event)
    if kind == "RequestCreatedEvent":
        criteria(data)
        return
    need = {"RequestFulfilledEvent": ("requestEventId", "pfs"), "RequestRejectedEvent": ("requestEventId", "error"),
            "PublishedEvent": ("pfIds",)}[kind]  # fmt: skip
    for field in need:
        if field not in data:
            raise bad(f"a {kind} carries data.{field}")
    if kind == "PublishedEvent":
        _check_pf_ids(data["pfIds"])


def _check_pf_ids(ids: Any) -> None:
    """400 unless ``ids`` is a list of at most MAX_PUBLISHED footprint ids, each a UUID (PACT v3
    PublishedEvent.data.pfIds: ``format: uuid``; an id is put in the path of GetFootprint on the sender's host)."""
    if not isinstance(ids, list) or len(ids) > MAX_PUBLISHED:
        raise bad(f"data.pfIds must be a list of at most {MAX_PUBLISHED} footprint ids")
    for n, pf_id in enumerate(ids):
        try:
            if not isinstance(pf_id, str) or len(pf_id) != 36:
                raise ValueError
            uuid.UUID(pf_id)
        except ValueError:
            raise bad(f"data.pfIds[{n}] must be a footprint id (a UUID such as "
                      "7b1e4c9a-52a0-4a43-8f8b-0a0e1a2b3c4d)") from None  # fmt: skip


def criteria(data: dict[str, Any]) -> dict[str, list[str]]:
    """The filter criteria of a RequestCreatedEvent's data as ListFootprints parameters (lower-cased names,
    lists of strings); 400 for an unknown criterion or a value of the wrong type. ``comment`` is free text;
    a 2.x-style ``pf`` fragment's ``productIds`` count as ``productId``."""
    out: dict[str, list[str]] = {}
    for key, given in data.items():
        name, value = key.lower(), given
        if name == "comment" or name.startswith("x-"):
            continue
        if name == "pf" and isinstance(given, dict) and isinstance(given.get("productIds"), list):
            name, value = "productid", given["productIds"]
        if name not in _CRITERIA:
            raise bad(f"unknown criterion data.{key[:50]}; known: productId, companyId, geography, classification, "
                      "validOn, validAfter, validBefore, status, comment")  # fmt: skip
        values = value if name in LISTS else [value]
        if (
            not isinstance(values, list)
            or not values
            or not all(isinstance(v, str) and 0 < len(v) <= 1000 and "\x00" not in v for v in values)
        ):
            kind = "a list of strings" if name in LISTS else "a string"
            raise bad(f"data.{key} must be {kind}")
        out[name] = list(values)
    filters(out)  # dates and status checked now: a request that cannot be understood is refused at once
    return out


def receive(store: Store, caller: str, event: dict[str, Any], horizon: float = SPEC_HORIZON) -> int:
    """Record an event ``caller`` sent, acting on answers to this service's own requests; its record's number.
    A RequestCreatedEvent is only recorded here: :func:`answer` runs after the 200 has gone back. A
    PublishedEvent from a linked partner is stored with its pull in the outbox (kept for ``horizon`` seconds),
    for the courier to do; from anyone else it is recorded as ``ignored``."""
    kind = event_kind(event)
    if kind == "PublishedEvent":
        return _queue_pull(store, caller, event, horizon)
    seq = store.record_event("in", event, caller, "received")
    if kind == "RequestFulfilledEvent":
        _store_answer(store, seq, event)
    return seq


def _queue_pull(store: Store, caller: str, event: dict[str, Any], horizon: float) -> int:
    """Store a PublishedEvent with the job of pulling its footprints, in one transaction, when ``caller`` is
    linked to the host its ``source`` names; else record it as ``ignored``, saying why."""
    host = store.partner_host(caller)
    if host is None or not same_host(str(event["source"]), host):
        why = "no host is linked to this client" if host is None else f"source is not the linked host {host}"
        return store.record_event("in", event, caller, "ignored", f"nothing pulled: {why}")
    return store.enqueue(event, caller, caller, time.time() + horizon, direction="in")


def _store_answer(store: Store, seq: int, event: dict[str, Any]) -> None:
    """Store the footprints of a RequestFulfilledEvent that answers a request this service sent."""
    request_id = str(event["data"].get("requestEventId"))
    asked = [e for e in store.events(direction="out", event_id=request_id) if e.type.endswith("RequestCreatedEvent.3")]
    if not asked:
        store.update_event(seq, "unsolicited", "answers no request this service sent; footprints not stored")
        return
    pfs = event["data"].get("pfs")
    try:
        report = store_pulled(store.db_url, pfs if isinstance(pfs, list) else [pfs], host=asked[0].peer, via="event")
    except FootprintError as e:
        store.update_event(seq, "refused", str(e)[:2000])
        return
    counts = {"new": list(report.new), "updated": list(report.updated), "unchanged": report.unchanged}
    store.update_event(seq, "stored", json.dumps(counts))


def answer(store: Store, outbox: Outbox, caller: str, event: dict[str, Any], own_source: str,
           wake: Callable[[], None] | None = None) -> None:  # fmt: skip
    """Answer a RequestCreatedEvent from ``caller``: the footprints shared with it that match, or a rejection,
    put in the outbox for its host (:mod:`footprint.server._outbox` delivers it; ``wake`` tells the courier
    at once). Never raises: what happened is recorded on the events."""
    request_id = str(event["id"])
    partner = store.partner(caller)
    if partner is None or not same_host(str(event["source"]), partner.host):
        why = "no host linked to this client" if partner is None else f"source is not the linked host {partner.host}"
        store.record_event("out", {"id": "", "type": "", "data": {"requestEventId": request_id}}, caller,
                           "undeliverable", f"answer to {request_id} not sent: {why}")  # fmt: skip
        log.warning("request %s from %s not answered: %s", request_id, caller, why)
        return
    wanted = criteria(event["data"])
    docs, _more = store.list_footprints(caller, filters(wanted), 0, MAX_ANSWER)
    if not docs and wanted.get("productid"):
        try:
            if compute_offer(store, caller, wanted["productid"]):
                docs, _more = store.list_footprints(caller, filters(wanted), 0, MAX_ANSWER)
        except FootprintError as e:  # a product offered that no longer computes: said in the log, rejected
            log.warning("request %s: offered product not computed: %s", request_id, e)
    if docs:
        data: dict[str, Any] = {"requestEventId": request_id, "pfs": docs}
        kind = "RequestFulfilledEvent"
    else:
        data = {"requestEventId": request_id,
                "error": {"code": "NotFound", "message": "No footprint shared with you matches the request."}}  # fmt: skip
        kind = "RequestRejectedEvent"
    reply = pact_event(kind, own_source, data)
    store.enqueue(reply, caller, partner.host, time.time() + outbox.horizon)  # stored before any attempt
    if wake is not None:
        wake()
