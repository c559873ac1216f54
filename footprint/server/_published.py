"""A ``PublishedEvent`` acted on: a linked partner announces footprints it published or updated, and the
service pulls them from that partner's host (PACT v3 PublishedEvent: "The data recipient can retrieve the
actual Product Footprints by calling the Action GetFootprint action on the data owner's systems").

Only a client linked to its own host (``footprint clients link``) is pulled from, and only when the
event's ``source`` is that host: the event is then stored with a job in the outbox before the 200 goes
back (:func:`footprint.server._events.receive`), and the courier of :mod:`footprint.server._outbox` pulls
the footprints (:func:`pull_published`), with the credentials that host issued, and stores them validated
as supplier footprints, all or none, as ``footprint pact pull`` stores them
(:func:`footprint.pact._pulled.store_pulled`, ``via`` ``"published"``). A host that cannot be reached or
fails (5xx, a token refused) is tried again with the outbox's backoff and horizon, across restarts; an
answer that trying again cannot mend (an id the host does not have, a footprint that breaks the
specification) ends the job at once as ``pull-failed``. An event from any other client is accepted (200,
as the specification and conformance case 15 expect of a valid event) and recorded as ``ignored`` with
the reason; nothing is fetched.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .._errors import PactError, PactHostError
from ..pact._client import PactClient
from ..pact._pulled import store_pulled
from ._cloud_events import event_type
from ._errors import NotRetriedError
from ._outbox_store import OutboxRow

if TYPE_CHECKING:
    from ._outbox import Outbox
    from ._store import Store

__all__ = ["MAX_PUBLISHED", "PUBLISHED_TYPE", "pull_published", "same_host"]

#: The type of a PACT v3.0.3 PublishedEvent (openapi.yaml, components.schemas.PublishedEvent).
PUBLISHED_TYPE = event_type("PublishedEvent")
#: The most footprint ids one PublishedEvent may name (each is fetched from the partner's host).
MAX_PUBLISHED = 100

#: Statuses of GetFootprint worth trying again: token expired or refused, timeout, too many requests.
_TRANSIENT = frozenset({401, 408, 429})


def pull_published(store: Store, outbox: Outbox, row: OutboxRow) -> str:
    """One attempt at the outbox job ``row``: pull the footprints its PublishedEvent names from the host
    linked to the client that sent it, and store them; what was stored, as JSON. Raises
    :class:`~footprint.server._errors.NotRetriedError` for what trying again cannot mend, another
    :class:`~footprint.FootprintError` (the host unreachable or failing) for what may mend."""
    event = row.event.document
    partner = store.partner(row.partner)
    if partner is None:
        raise NotRetriedError(f"nothing pulled: no host is linked to client {row.partner!r} any more")
    if not same_host(str(event["source"]), partner.host):
        raise NotRetriedError(f"nothing pulled: source is not the linked host {partner.host}")
    ids = dict.fromkeys(str(i) for i in event["data"]["pfIds"])
    try:
        with PactClient(partner.host, partner.client_id, partner.client_secret, verify=outbox.verify,
                        timeout=outbox.timeout) as host:  # fmt: skip
            documents = [host.get(pf_id) for pf_id in ids]
    except PactHostError as e:
        if e.status is not None and 400 <= e.status < 500 and e.status not in _TRANSIENT:
            raise NotRetriedError(str(e)) from None
        raise
    try:
        report = store_pulled(store.db_url, documents, host=partner.host, via="published")
    except PactError as e:  # the same footprints would come back: not tried again
        raise NotRetriedError(str(e)) from None
    return json.dumps({"new": list(report.new), "updated": list(report.updated), "unchanged": report.unchanged})


def same_host(source: str, host: str) -> bool:
    """Whether an event's ``source`` (a URI reference, ``//host/path`` or ``https://host/path``) names the
    linked ``host`` (same host name and port; scheme-relative sources count as HTTPS)."""
    src = urlsplit(source if "://" in source else "https:" + source if source.startswith("//") else "")
    dst = urlsplit(host)
    ports = {"https": 443, "http": 80}
    try:
        return (src.hostname or "").lower() == (dst.hostname or "").lower() != "" and (
            src.port or ports.get(src.scheme)
        ) == (dst.port or ports.get(dst.scheme))
    except ValueError:
        return False
