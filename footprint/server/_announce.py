"""PublishedEvents sent: when footprints are published with an announcing address (``footprint publish
--announce URL``, ``publish_products(announce=...)``), each client they are shared with that is linked to its
own PACT host (``footprint clients link``) is told with a PACT v3 ``PublishedEvent`` (CloudEvents 1.0,
structured mode, ``data.pfIds``: the footprint published for it and the one it supersedes, now Deprecated),
stored in the transaction that publishes the footprint: published and announced, or neither.

PACT v3 leaves it to the data owner when to send one ("triggered by the data owner and send to relevant
data recipients"), so the service sends none unless asked. Each event is stored in the outbox
(:mod:`footprint.server._outbox`) and delivered by a running service on the same database, retried with
exponential backoff for up to 72 hours as the specification asks ("If the data recipient cannot be reached
by the data owner, the data owner SHOULD retry ... It SHOULD abandon sending the event after 72 hours").
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..pact._client import base_url
from ._cloud_events import pact_event
from ._outbox import SPEC_HORIZON
from ._published import MAX_PUBLISHED

if TYPE_CHECKING:
    from ._store import Store

__all__ = ["Announced", "announce", "linked", "published_event", "source_url"]


@dataclass(frozen=True)
class Announced:
    """A PublishedEvent put in the outbox: for which client, at which host, the footprint ids, its record."""

    partner: str
    host: str
    pf_ids: tuple[str, ...]
    seq: int


def source_url(url: str) -> str:
    """The ``source`` of the PublishedEvents of the service at ``url`` (its public address, HTTPS as PACT
    requires): its Action Events endpoint, where partners check it against the host they linked."""
    return base_url(url) + "/3/events"


def linked(store: Store, names: Sequence[str]) -> dict[str, str]:
    """The clients of ``names`` linked to their own host: each one's host, by name (the others are told
    nothing: no host to tell)."""
    hosts = {n: store.partner_host(n) for n in sorted(set(names))}
    return {n: h for n, h in hosts.items() if h is not None}


def announce(
    store: Store, source: str, shared: Mapping[str, Sequence[str]], *, horizon: float = SPEC_HORIZON,
    hosts: Mapping[str, str] | None = None, conn: sa.Connection | None = None,
) -> list[Announced]:  # fmt: skip
    """Put a PublishedEvent from ``source`` (see :func:`source_url`) in the outbox for each client of
    ``shared`` linked to its host, naming the footprint ids shared with it (at most MAX_PUBLISHED per event:
    more go in several); what was put there. ``hosts`` are the linked hosts by client (read now when not
    given); with ``conn`` the events are stored in that transaction."""
    found = linked(store, list(shared)) if hosts is None else {n: hosts[n] for n in sorted(shared) if n in hosts}
    out = []
    for name, host in found.items():
        ids = list(dict.fromkeys(shared[name]))
        for start in range(0, len(ids), MAX_PUBLISHED):
            chunk = ids[start : start + MAX_PUBLISHED]
            seq = store.enqueue(published_event(source, chunk), name, host, time.time() + horizon, conn=conn)
            out.append(Announced(name, host, tuple(chunk), seq))
    return out


def published_event(source: str, pf_ids: Sequence[str]) -> dict[str, Any]:
    """A PACT v3 PublishedEvent (openapi.yaml, components.schemas.PublishedEvent) naming ``pf_ids``."""
    return pact_event("PublishedEvent", source, {"pfIds": list(pf_ids)})
