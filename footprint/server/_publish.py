"""Publishing: products computed with the library, turned into PACT v3 footprints (``to_pact``) and stored
for the PACT host, shared with named clients. A product published again supersedes its previous footprint:
the new one lists it in ``precedingPfIds`` and the old one turns Deprecated. Partners linked to their own
host can be told with a PublishedEvent (``announce``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import partial
from typing import Any

from .._factors import DEFAULT_PREFOLDED, FactorLibrary, PrefoldedPolicy
from .._gwp import DEFAULT_GWP_SET, gwp_set
from .._ledger import Ledger
from .._product_io import load_product
from .._suppliers import calculate_chain
from ..pact._exchange import to_pact
from ._announce import announce as announce_published
from ._announce import linked, source_url
from ._store import Store

__all__ = ["publish_products"]


def publish_products(
    db_url: str,
    product_files: Sequence[str],
    *,
    company_name: str,
    company_ids: Sequence[str],
    share_with: Sequence[str] = (),
    library: FactorLibrary,
    gwp: str = DEFAULT_GWP_SET,
    prefolded: PrefoldedPolicy = DEFAULT_PREFOLDED,
    pact_options: dict[str, Any] | None = None,
    period: tuple[date, date] | None = None,
    geography: str | None = None,
    dry_run: bool = False,
    announce: str | None = None,
) -> list[dict[str, Any]]:
    """Compute the products of ``product_files`` (as one supply chain), publish each as a PACT v3.0.3
    footprint shared with the clients ``share_with``, and return the footprints published.

    ``pact_options`` are further keyword arguments of :func:`footprint.to_pact` (fossil carbon content,
    product ids, CPC ...). Nothing is stored unless every product computes and converts. Each result is
    first recorded in the ledger (period: the reference period, see :func:`ledger_period`), with a note
    naming the PACT footprint id, so every footprint served has its full result in the ledger. With
    ``dry_run`` everything is computed and checked and nothing is stored.

    ``announce`` is the service's public address (``https://...``): each client the footprints are shared
    with that is linked to its own host (``footprint clients link``) is then sent a PACT PublishedEvent for
    each footprint (naming it and the footprint it supersedes), stored in the outbox in the transaction that
    publishes the footprint; a service running on the database delivers it
    (:mod:`footprint.server._announce`). Without it, no event is sent.
    """
    source = source_url(announce) if announce is not None else None  # checked before anything is computed
    products = [load_product(f) for f in product_files]
    results = calculate_chain(products, library, gwp=gwp_set(gwp), prefolded=prefolded)
    store = Store(db_url)
    try:
        staged = []
        for product in products:
            previous = store.active_footprint(product.id)
            preceding = [previous["id"], *previous.get("precedingPfIds", [])] if previous else []
            pf = to_pact(
                results[product.id], company_name=company_name, company_ids=list(company_ids),
                reference_period=period or product.reference_period, library=library,
                geography=geography if geography is not None else product.region,
                preceding_pf_ids=preceding, **(pact_options or {}),
            )  # fmt: skip
            staged.append((pf, product.id, previous["id"] if previous else None))
        store.check_clients(share_with)  # before anything is written, in the ledger or the service's tables
        if dry_run:
            return [pf for pf, _, _ in staged]
        with Ledger(db_url) as ledger:
            for pf, key, _ in staged:
                ref = pf["pcf"]["referencePeriodStart"][:10], pf["pcf"]["referencePeriodEnd"][:10]
                ledger.record(results[key], ledger_period(*ref), note=f"published as PACT footprint {pf['id']}")
        hosts = linked(store, sorted(store.client_names())) if source is not None else {}
        for pf, key, supersedes in staged:
            ids = [pf["id"], *([supersedes] if supersedes else [])]
            tell = None if source is None else partial(_announce, store, source, ids, hosts)
            store.publish(pf, key, share_with, supersedes, then=tell)
        return [pf for pf, _, _ in staged]
    finally:
        store.close()


def _announce(store: Store, source: str, ids: list[str], hosts: dict[str, str], conn: Any, names: set[str]) -> None:
    """Announce footprints ``ids`` to the clients ``names`` (those linked to a host), in ``conn``'s transaction."""
    announce_published(store, source, dict.fromkeys(names, ids), hosts=hosts, conn=conn)


def ledger_period(start: str, end: str) -> str:
    """The ledger period of a PACT reference period (``start`` inclusive, ``end`` exclusive, ISO dates): the
    year when it is one calendar year (``"2025"``), else ``"START/LAST"`` with both days included."""
    first, stop = date.fromisoformat(start), date.fromisoformat(end)
    if first.month == first.day == stop.month == stop.day == 1 and stop.year == first.year + 1:
        return str(first.year)
    return f"{first.isoformat()}/{date.fromordinal(stop.toordinal() - 1).isoformat()}"
