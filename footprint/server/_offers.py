"""Products computed on request: ``footprint publish --on-request`` registers products (and everything
``publish`` needs) for named clients; when one of them asks for such a product by event and nothing
published for it matches yet, the service computes and publishes it, then answers with it
(:func:`footprint.server._events.answer`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from .._factor_io import default_library, load_factors
from .._factors import DEFAULT_PREFOLDED, FactorLibrary, PrefoldedPolicy
from .._gwp import DEFAULT_GWP_SET
from ._publish import publish_products
from ._store import Store

__all__ = ["compute_offer", "offer_products"]


def _library(factor_files: Sequence[str]) -> FactorLibrary:
    return load_factors(*factor_files).merge(default_library()) if factor_files else default_library()


def offer_products(
    db_url: str,
    product_files: Sequence[str],
    *,
    company_name: str,
    company_ids: Sequence[str],
    share_with: Sequence[str],
    factor_files: Sequence[str] = (),
    gwp: str = DEFAULT_GWP_SET,
    prefolded: PrefoldedPolicy = DEFAULT_PREFOLDED,
    pact_options: dict[str, Any] | None = None,
    period: tuple[date, date] | None = None,
    geography: str | None = None,
) -> list[str]:
    """Offer products to the clients ``share_with``: computed and published when one of them requests them by
    event. Everything is computed and checked now (nothing is published); the files are read again, by
    absolute path, when a request comes. The PACT product ids offered."""
    arguments = {
        "product_files": [str(Path(f).resolve()) for f in product_files], "company_name": company_name,
        "company_ids": list(company_ids), "factor_files": [str(Path(f).resolve()) for f in factor_files],
        "gwp": gwp, "prefolded": prefolded, "pact_options": pact_options or {}, "geography": geography,
        "period": [period[0].isoformat(), period[1].isoformat()] if period else None,
    }  # fmt: skip
    pfs = _publish(db_url, arguments, share_with, dry_run=True)
    product_ids = [p for pf in pfs for p in pf["productIds"]]
    store = Store(db_url)
    try:
        store.add_offer(product_ids, share_with, arguments)
    finally:
        store.close()
    return product_ids


def _publish(
    db_url: str, a: dict[str, Any], share_with: Sequence[str], *, dry_run: bool = False
) -> list[dict[str, Any]]:
    period = (date.fromisoformat(a["period"][0]), date.fromisoformat(a["period"][1])) if a["period"] else None
    return publish_products(
        db_url, a["product_files"], company_name=a["company_name"], company_ids=a["company_ids"],
        share_with=share_with, library=_library(a["factor_files"]), gwp=a["gwp"], prefolded=a["prefolded"],
        pact_options=a["pact_options"], period=period, geography=a["geography"], dry_run=dry_run,
    )  # fmt: skip


def compute_offer(store: Store, client: str, product_ids: Sequence[str]) -> bool:
    """Compute and publish the newest offer to ``client`` holding one of ``product_ids``; whether there was one.
    A product that no longer computes raises the library's error."""
    wanted = {p.lower() for p in product_ids}
    for offered, clients, arguments in store.offers():
        if client in clients and wanted & set(offered):
            _publish(store.db_url, arguments, clients)
            return True
    return False
