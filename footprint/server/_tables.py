"""The service's tables on SQLAlchemy Core, in the same database as the ledger: clients, the token key,
published PACT footprints and who each one is shared with, partners' hosts, the events received and sent,
the outbox and its attempts, products offered on request. One ``MetaData``, dialect-neutral columns."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from .._clock import utc_now_text

__all__ = ["EventRow", "attempts", "clients", "event_row", "events", "footprint_keys", "footprints", "metadata",
           "now_utc", "offers", "outbox", "partners", "settings", "shares"]  # fmt: skip

metadata = sa.MetaData()

settings = sa.Table(
    "server_settings",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

clients = sa.Table(
    "server_clients",
    metadata,
    sa.Column("client_id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(64), nullable=False, unique=True),
    sa.Column("secret_hash", sa.Text, nullable=False),
    sa.Column("scopes", sa.Text, nullable=False),
    sa.Column("created", sa.String(32), nullable=False),
)

footprints = sa.Table(
    "server_footprints",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("id", sa.String(36), nullable=False, unique=True),
    sa.Column("product_key", sa.Text, nullable=False),
    # equal to product_key while the footprint is Active, NULL once Deprecated: one Active per product
    sa.Column("active_key", sa.Text, nullable=True, unique=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("created", sa.String(32), nullable=False),
    sa.Column("valid_from", sa.String(32), nullable=False),
    sa.Column("valid_to", sa.String(32), nullable=False),
    sa.Column("document", sa.Text, nullable=False),
)

#: Searchable values of a footprint, lower-cased: product ids, company ids, classifications, geographies.
footprint_keys = sa.Table(
    "server_footprint_keys",
    metadata,
    sa.Column("footprint_id", sa.String(36), sa.ForeignKey("server_footprints.id"), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("value", sa.Text, nullable=False),
    sa.Index("server_footprint_keys_lookup", "kind", "value"),
)

shares = sa.Table(
    "server_shares",
    metadata,
    sa.Column("footprint_id", sa.String(36), sa.ForeignKey("server_footprints.id"), primary_key=True),
    sa.Column("client_name", sa.String(64), primary_key=True),
)

#: Where to send the answers to a client's requests: its own PACT host, and the credentials that host
#: issued to this one (the secret sealed with the operator's key, :mod:`footprint.server._sealed`: the
#: service must present it, so it cannot be hashed).
partners = sa.Table(
    "server_partners",
    metadata,
    sa.Column("client_name", sa.String(64), primary_key=True),
    sa.Column("host", sa.Text, nullable=False),
    sa.Column("client_id", sa.Text, nullable=False),
    sa.Column("client_secret", sa.Text, nullable=False),
    sa.Column("created", sa.String(32), nullable=False),
)

#: Every event received (``in``: ``peer`` is the client that sent it) and sent (``out``: ``peer`` is the host
#: it went to), with what became of it (``state``, ``detail``).
events = sa.Table(
    "server_events",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("direction", sa.String(3), nullable=False),
    sa.Column("event_id", sa.Text, nullable=False),
    sa.Column("type", sa.Text, nullable=False),
    sa.Column("peer", sa.Text, nullable=False),
    sa.Column("request_event_id", sa.Text, nullable=True),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("detail", sa.Text, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("created", sa.String(32), nullable=False),
    sa.Column("updated", sa.String(32), nullable=False),
    sa.Column("document", sa.Text, nullable=False),
    sa.Index("server_events_request", "request_event_id"),
)

#: Jobs waiting to be done (the outbox): one row per event to send (``out``) or per PublishedEvent received whose
#: footprints are to be pulled from the partner's host (``in``), written with its event before the first
#: attempt, removed once done, kept as ``abandoned`` when its horizon ended or it cannot succeed (for
#: ``footprint events retry``, which knows then whose credentials to use: ``partner``). Times are seconds since the epoch:
#: ``due`` the next attempt, ``give_up`` the end of the retry horizon, ``claimed_until`` the lease of the
#: worker sending it now (so that several workers never send one event twice at once).
outbox = sa.Table(
    "server_outbox",
    metadata,
    sa.Column("event_seq", sa.Integer, sa.ForeignKey("server_events.seq"), primary_key=True, autoincrement=False),
    sa.Column("partner", sa.String(64), nullable=False),
    sa.Column("due", sa.Double, nullable=False),
    sa.Column("give_up", sa.Double, nullable=False),
    sa.Column("claimed_until", sa.Double, nullable=True),
    sa.Column("abandoned", sa.Boolean, nullable=False, default=False),
    sa.Index("server_outbox_due", "abandoned", "due"),
)

#: Every attempt to deliver an event: when, and what came of it (``accepted`` or ``error`` with the reason).
attempts = sa.Table(
    "server_event_attempts",
    metadata,
    sa.Column("event_seq", sa.Integer, sa.ForeignKey("server_events.seq"), primary_key=True, autoincrement=False),
    sa.Column("attempt", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("at", sa.Double, nullable=False),
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("detail", sa.Text, nullable=False),
)

#: Products the service computes and publishes when a client it names asks for them by event: their PACT
#: product ids, the clients, and the arguments of ``publish_products`` (JSON).
offers = sa.Table(
    "server_offers",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("product_ids", sa.Text, nullable=False),
    sa.Column("clients", sa.Text, nullable=False),
    sa.Column("arguments", sa.Text, nullable=False),
    sa.Column("created", sa.String(32), nullable=False),
)


@dataclass(frozen=True)
class EventRow:
    """An event received or sent, and what became of it."""

    seq: int
    direction: str
    event_id: str
    type: str
    peer: str
    request_event_id: str | None
    state: str
    detail: str
    attempts: int
    document: dict[str, Any]


now_utc = utc_now_text  # the current time as the service stores times (footprint._clock)


def event_row(r: Any) -> EventRow:
    """An :class:`EventRow` from a row of ``server_events``."""
    return EventRow(r.seq, r.direction, r.event_id, r.type, r.peer, r.request_event_id, r.state, r.detail,
                    r.attempts, json.loads(r.document))  # fmt: skip
