"""``pull_footprints``: a partner's PACT footprints, listed page by page from its host, validated, and stored as
supplier footprints with their provenance (:mod:`footprint.pact._pulled`, which loads SQLAlchemy: imported
when a function runs, so that ``import footprint`` does not)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._client import PactClient, Verify

if TYPE_CHECKING:
    from .._factors import FactorLibrary

__all__ = ["PullReport", "PulledFootprint", "pull_footprints", "pulled_factors", "pulled_footprints"]


@dataclass(frozen=True)
class PulledFootprint:
    """A supplier footprint as pulled: the PACT document and where, when and how it came."""

    id: str
    host: str
    via: str
    first_pulled: str
    last_pulled: str
    status: str
    spec_version: str
    product_ids: tuple[str, ...]
    preceding_pf_ids: tuple[str, ...]
    document: dict[str, Any]


@dataclass(frozen=True)
class PullReport:
    """What one pull stored: the ids new to the database, those whose status or content changed, and how
    many came unchanged; ``pages`` listing pages read (0 for an answer to a request event)."""

    host: str
    new: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: int
    pages: int = 0

    @property
    def received(self) -> int:
        """How many footprints the host sent."""
        return len(self.new) + len(self.updated) + self.unchanged


def pull_footprints(
    url: str,
    client_id: str,
    client_secret: str,
    *,
    db: str = "ledger.db",
    product_ids: Sequence[str] = (),
    filters: Mapping[str, Sequence[str]] | None = None,
    verify: Verify = True,
    page_size: int = 100,
    insecure_http: bool = False,
) -> PullReport:
    """Pull the footprints the PACT host at ``url`` shares with this client into the ledger at ``db``.

    Authenticates with ``client_id`` and ``client_secret`` (the credentials that host issued), lists
    ``GET /3/footprints`` (``product_ids`` and further ``filters`` by their PACT names, e.g.
    ``{"geography": ["NO"]}``) following every ``Link`` to the next page, validates every footprint
    (:func:`footprint.read_pact`) and stores them all, or none: a footprint that breaks the specification
    raises :class:`~footprint.PactError` and a host that cannot be reached or refuses raises
    :class:`~footprint.PactHostError`, with nothing stored. ``verify`` is how the host's certificate is
    checked (a CA bundle path for a self-signed one). Pulling again adds new versions and records status
    changes: :func:`pulled_factors` gives the current ones as emission factors.
    """
    wanted = {k: list(v) for k, v in (filters or {}).items()}
    if product_ids:
        wanted["productId"] = [*wanted.get("productId", []), *product_ids]
    documents: list[Any] = []
    pages = 0
    with PactClient(url, client_id, client_secret, verify=verify, insecure_http=insecure_http) as host:
        for page in host.pages(wanted, limit=page_size):
            documents += page
            pages += 1
        base = host.base
    from ._pulled import store_pulled

    return store_pulled(db, documents, host=base, via="list", pages=pages)


def pulled_footprints(db: str) -> list[PulledFootprint]:
    """Every supplier footprint pulled into the ledger at ``db`` with its provenance, deprecated and
    superseded ones included, in the order they were first pulled."""
    from ._pulled import pulled_footprints as read

    return read(db)


def pulled_factors(db: str, *, prefix: str = "pact") -> FactorLibrary:
    """The current supplier footprints pulled into the ledger at ``db`` as emission factors (one per product:
    deprecated footprints and past versions left out, as :func:`footprint.pact_factors` does); merge the
    library over another one and reference ``pact.<company>.<product>`` in a BOM."""
    from ._pulled import pulled_factors as factors

    return factors(db, prefix=prefix)
