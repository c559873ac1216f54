"""Asking a partner's PACT host for footprints through events: a ``RequestCreatedEvent`` sent to its Action
Events, whose answer (a ``RequestFulfilledEvent`` or ``RequestRejectedEvent``) comes back to this service's
own ``/3/events`` and is stored there (:mod:`footprint.server._events`)."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from typing import Any

from .._errors import PactHostError
from ..pact._client import PactClient, Verify, base_url
from ..pact._pull import PullReport
from ._cloud_events import pact_event
from ._store import Store

__all__ = ["request_footprints"]


def request_footprints(
    url: str,
    client_id: str,
    client_secret: str,
    *,
    db: str,
    source: str,
    product_ids: Sequence[str] = (),
    filters: Mapping[str, Sequence[str]] | None = None,
    comment: str | None = None,
    wait: float = 60.0,
    verify: Verify = True,
) -> PullReport:
    """Ask the PACT host at ``url`` for footprints by event, and wait for its answer.

    Sends a ``RequestCreatedEvent`` with ``product_ids`` and ``filters`` (PACT criteria) whose ``source`` is
    this service's own host ``source`` (``https://host[:port]``, where ``footprint serve`` runs on the
    database ``db``; the partner must have linked it to the client it gave you). The partner answers there;
    this function waits up to ``wait`` seconds for the answer to be stored and returns what it stored. A
    rejection raises :class:`~footprint.PactHostError` with the partner's error; so does no answer in time
    (an answer arriving later is still stored).
    """
    own = base_url(source)
    data: dict[str, Any] = {k: list(v) for k, v in (filters or {}).items()}
    if product_ids:
        data["productId"] = [*data.get("productId", []), *product_ids]
    if comment:
        data["comment"] = comment
    event = pact_event("RequestCreatedEvent", f"{own}/3/events", data)
    store = Store(db)
    try:
        with PactClient(url, client_id, client_secret, verify=verify) as host:
            seq = store.record_event("out", event, host.base, "sending")  # before: a quick answer finds it
            try:
                host.send_event(event)
            except PactHostError as e:
                store.update_event(seq, "failed", str(e)[:2000], 1)
                raise
            store.update_event(seq, "sent", f"accepted by {host.base}", 1)
            return _await_answer(store, str(event["id"]), host.base, wait)
    finally:
        store.close()


def _await_answer(store: Store, request_id: str, host: str, wait: float) -> PullReport:
    deadline = time.monotonic() + wait
    while True:
        for answer in store.events(direction="in", request_event_id=request_id):
            if answer.type.endswith("RequestRejectedEvent.3"):
                error = answer.document.get("data", {}).get("error", {})
                raise PactHostError(f"{host} rejected request {request_id}: {json.dumps(error)[:500]}")
            if answer.state == "stored":
                counts = json.loads(answer.detail)
                return PullReport(host=host, new=tuple(counts["new"]), updated=tuple(counts["updated"]),
                                  unchanged=int(counts["unchanged"]))  # fmt: skip
            if answer.state == "refused":
                raise PactHostError(f"{host} answered request {request_id} with footprints refused: {answer.detail}")
        if time.monotonic() >= deadline:
            raise PactHostError(
                f"{host} has not answered request {request_id} within {wait:g} s; its answer is stored when it arrives"
            )
        time.sleep(0.2)
