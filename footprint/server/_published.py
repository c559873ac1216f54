"""A ``PublishedEvent`` acted on: a linked partner announces footprints it published or updated, and the
service pulls them from that partner's host (PACT v3 PublishedEvent: "The data recipient can retrieve the
actual Product Footprints by calling the Action GetFootprint action on the data owner's systems").

Only a client linked to its own host (``footprint clients link``) is pulled from, and only when the
event's ``source`` is that host: the footprints are fetched there with the credentials that host issued,
validated and stored as supplier footprints, all or none, as ``footprint pact pull`` stores them
(:func:`footprint.pact._pulled.store_pulled`, ``via`` ``"published"``). An event from any other client is
accepted (200, as the specification and conformance case 15 expect of a valid event) and recorded as
``ignored`` with the reason; nothing is fetched.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from .._errors import FootprintError
from ..pact._client import PactClient
from ..pact._pulled import store_pulled
from ._events import same_host
from ._outbox import Outbox
from ._store import Store

__all__ = ["pull_published"]

log = logging.getLogger("footprint.server.events")


def pull_published(store: Store, outbox: Outbox, caller: str, event: dict[str, Any], seq: int) -> None:
    """Pull the footprints a PublishedEvent from ``caller`` names (recorded as event ``seq``) from
    ``caller``'s linked host into the supplier footprints. Never raises: the outcome is recorded on the event
    (``pulled`` with what was stored, ``ignored``, or ``pull-failed`` with the reason)."""
    try:
        partner = store.partner(caller)
    except FootprintError as e:  # e.g. no key to open the partner's credentials
        store.update_event(seq, "pull-failed", str(e)[:2000])
        return
    if partner is None or not same_host(str(event["source"]), partner.host):
        why = "no host is linked to this client" if partner is None else f"source is not the linked host {partner.host}"
        store.update_event(seq, "ignored", f"nothing pulled: {why}")
        return
    ids = [str(i) for i in event["data"]["pfIds"]]
    try:
        with PactClient(partner.host, partner.client_id, partner.client_secret, verify=outbox.verify,
                        timeout=outbox.timeout) as host:  # fmt: skip
            documents = [host.get(pf_id) for pf_id in dict.fromkeys(ids)]
        report = store_pulled(store.db_url, documents, host=partner.host, via="published")
    except FootprintError as e:
        store.update_event(seq, "pull-failed", str(e)[:2000])
        log.warning("published event %s from %s: nothing pulled: %s", event.get("id"), caller, e)
        return
    counts = {"new": list(report.new), "updated": list(report.updated), "unchanged": report.unchanged}
    store.update_event(seq, "pulled", json.dumps(counts))
