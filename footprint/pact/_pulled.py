"""Supplier footprints pulled from partners' PACT hosts, kept in the ledger's database with their provenance:
the host they came from, when they were first and last pulled, how (a listing, a single get, an answer to
a request event), their id, status and the footprints they supersede.

A footprint is stored once per id. Pulling again adds the new footprints (a supplier's new version lists
its predecessors in ``precedingPfIds``) and updates those whose status or content changed (the old version
turned ``Deprecated``); :func:`pulled_factors` then gives the current footprint of each product as an
emission factor that BOMs reference (``pact.<company>.<product>``), as :func:`footprint.pact_factors` does.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from .._clock import utc_now_text
from .._factors import FactorLibrary
from .._ledger import Ledger
from .._ledger_schema import engine_url
from ._exchange import PactFootprint, pact_factors, read_pact
from ._pull import PulledFootprint, PullReport

__all__ = ["pulled_factors", "pulled_footprints", "store_pulled", "supplier_footprints"]

_meta = sa.MetaData()

supplier_footprints = sa.Table(
    "pact_supplier_footprints",
    _meta,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("host", sa.Text, nullable=False),
    sa.Column("via", sa.String(16), nullable=False),
    sa.Column("first_pulled", sa.String(32), nullable=False),
    sa.Column("last_pulled", sa.String(32), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("spec_version", sa.String(16), nullable=False),
    sa.Column("product_ids", sa.Text, nullable=False),
    sa.Column("preceding", sa.Text, nullable=False),
    sa.Column("document", sa.Text, nullable=False),
)


@contextmanager
def _connection(db: str) -> Iterator[sa.Connection]:
    """One transaction on the ledger at ``db`` (created when absent), with the supplier table in it."""
    with Ledger(db):  # the ledger's schema first: it accepts tables beside its own
        pass
    url = engine_url(db)
    args = {"timeout": 30} if url.get_backend_name() == "sqlite" else {"connect_timeout": 10}
    engine = sa.create_engine(url, connect_args=args)
    try:
        with engine.begin() as conn:
            _meta.create_all(conn, checkfirst=True)
            yield conn
    finally:
        engine.dispose()


def store_pulled(db: str, documents: Sequence[Any], *, host: str, via: str, pages: int = 0) -> PullReport:
    """Validate ``documents`` (PACT footprints as JSON data) and store them as supplier footprints from
    ``host``, in one transaction: all of them, or none when one breaks the specification
    (:class:`~footprint.PactError` naming each problem, ``row`` the footprint's place in ``documents``)."""
    checked = read_pact(list(documents)) if documents else []
    now = utc_now_text()
    new: list[str] = []
    updated: list[str] = []
    unchanged = 0
    with _connection(db) as conn:
        for raw, pf in zip(documents, checked, strict=True):  # stored as the host sent it
            text = json.dumps(raw, ensure_ascii=False, sort_keys=True)
            old = conn.execute(
                sa.select(supplier_footprints.c.document).where(supplier_footprints.c.id == pf.id)
            ).first()
            if old is None:
                conn.execute(supplier_footprints.insert().values(id=pf.id, host=host, via=via, first_pulled=now,
                                                                 last_pulled=now, document=text, **_columns(pf)))  # fmt: skip
                new.append(pf.id)
                continue
            change = {"last_pulled": now, "host": host}
            if old.document != text:
                change |= {"document": text, "via": via, **_columns(pf)}
                updated.append(pf.id)
            else:
                unchanged += 1
            conn.execute(supplier_footprints.update().where(supplier_footprints.c.id == pf.id).values(**change))
    return PullReport(host=host, new=tuple(new), updated=tuple(updated), unchanged=unchanged, pages=pages)


def _columns(pf: PactFootprint) -> dict[str, str]:
    return {
        "status": pf.status,
        "spec_version": pf.spec_version,
        "product_ids": json.dumps(list(pf.product_ids)),
        "preceding": json.dumps(list(pf.preceding_pf_ids or [])),
    }


def pulled_footprints(db: str) -> list[PulledFootprint]:
    """Every supplier footprint pulled into the ledger at ``db``, deprecated and superseded ones included,
    in the order they were first pulled."""
    t = supplier_footprints
    with _connection(db) as conn:
        rows = list(conn.execute(sa.select(t).order_by(t.c.first_pulled, t.c.id)))
    return [
        PulledFootprint(
            id=r.id,
            host=r.host,
            via=r.via,
            first_pulled=r.first_pulled,
            last_pulled=r.last_pulled,
            status=r.status,
            spec_version=r.spec_version,
            product_ids=tuple(json.loads(r.product_ids)),
            preceding_pf_ids=tuple(json.loads(r.preceding)),
            document=json.loads(r.document),
        )
        for r in rows
    ]


def pulled_factors(db: str, *, prefix: str = "pact") -> FactorLibrary:
    """The current supplier footprints of the ledger at ``db`` as emission factors
    (:func:`footprint.pact_factors`: deprecated footprints and past versions left out); merge the library over
    another one and reference ``pact.<company>.<product>`` in a BOM."""
    docs = [p.document for p in pulled_footprints(db)]
    return pact_factors(docs, prefix=prefix, name=f"PACT footprints pulled into {db}")
