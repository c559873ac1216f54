"""``footprint pact pull``: a partner's PACT footprints, from its host into the ledger's supplier footprints.
httpx (the ``server`` extra) is imported only when the command runs."""

from __future__ import annotations

import json
from typing import Any

import click

from ._cli_server import DB_OPT, fail
from ._errors import FootprintError

__all__ = ["pull"]


def _filters(values: tuple[str, ...]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name or not value:
            raise click.BadParameter(f"{item!r}: expected NAME=VALUE, e.g. geography=NO", param_hint="--filter")
        out.setdefault(name, []).append(value)
    return out


@click.command("pull")
@click.argument("url")
@click.option("--client-id", required=True, envvar="FOOTPRINT_PACT_CLIENT_ID",
              help="The client id the partner's host issued (or FOOTPRINT_PACT_CLIENT_ID).")  # fmt: skip
@click.option("--client-secret", required=True, envvar="FOOTPRINT_PACT_CLIENT_SECRET",
              help="The client secret it issued (or FOOTPRINT_PACT_CLIENT_SECRET, kept out of the shell history).")  # fmt: skip
@DB_OPT
@click.option("--product-id", "product_ids", multiple=True, help="Only this product (a URN). Repeatable.")
@click.option("--filter", "filters", multiple=True, help="A PACT filter NAME=VALUE (geography=NO). Repeatable.")
@click.option("--request", "by_event", is_flag=True,
              help="Ask by event (RequestCreatedEvent) instead of listing; the answer comes to --source.")  # fmt: skip
@click.option("--source", help="With --request: this host's own URL (footprint serve on the same --db).")
@click.option("--wait", default=60.0, show_default=True, type=click.FloatRange(0), help="With --request: seconds.")
@click.option("--ca-bundle", type=click.Path(exists=True, dir_okay=False),
              help="Certificate authorities to trust for the partner's host (PEM), e.g. its self-signed certificate.")  # fmt: skip
@click.option("--insecure-http", is_flag=True, help="Allow a plain-HTTP URL (local trials only).")
@click.option("--to", "target", type=click.Path(), help="Also write the current supplier footprints (*.pact.json).")
def pull(url: str, client_id: str, client_secret: str, db: str, product_ids: tuple[str, ...], filters: tuple[str, ...],
         by_event: bool, source: str | None, wait: float, ca_bundle: str | None, insecure_http: bool,
         target: str | None) -> None:  # fmt: skip
    """Pull a partner's PACT footprints from its host at URL into the ledger as supplier footprints.

    Authenticates with the client id and secret that host issued, lists every footprint it shares (page by
    page) or, with --request, asks for them by event; checks each one against the specification and stores
    them all, or none, with their provenance (host, time, id, status). Pulling again adds new versions and
    marks deprecated ones. Prints what was stored as JSON; --to writes the current footprints as a file that
    --factors reads (BOM lines use pact.<company>.<product>).

    \b
    Example:
      footprint pact pull https://pact.supplier.example --client-id ID --client-secret SECRET \\
          --db ledger.db --to suppliers.pact.json
    """
    from .pact._pull import pull_footprints, pulled_factors, pulled_footprints

    if by_event and not source:
        raise click.UsageError("--request needs --source, the URL of this host (where the answer is sent)")
    verify: Any = ca_bundle or True
    try:
        if by_event:
            from .server._request import request_footprints

            report = request_footprints(url, client_id, client_secret, db=db, source=source or "",
                                        product_ids=product_ids, filters=_filters(filters), wait=wait, verify=verify)  # fmt: skip
        else:
            report = pull_footprints(url, client_id, client_secret, db=db, product_ids=product_ids,
                                     filters=_filters(filters), verify=verify, insecure_http=insecure_http)  # fmt: skip
        lib = pulled_factors(db)
        if target:
            from ._output import write_atomic

            kept = {f.footprint_id for f in lib}
            data = [p.document for p in pulled_footprints(db) if p.id in kept]
            write_atomic(target, json.dumps({"data": data}, indent=2, ensure_ascii=False))
    except FootprintError as e:
        fail(e)
    click.echo(json.dumps({"host": report.host, "pages": report.pages, "new": list(report.new),
                           "updated": list(report.updated), "unchanged": report.unchanged,
                           "factors": sorted(f.id for f in lib)}, indent=2))  # fmt: skip
