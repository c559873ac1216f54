"""``footprint serve``, ``footprint clients add`` and ``footprint publish``. FastAPI and uvicorn are imported
only when a command runs, so the rest of the command line works without the ``server`` extra."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from ._cli_options import PREFOLDED_OPT, pact_options
from ._errors import FootprintError, MissingDependencyError

__all__ = ["DB_OPT", "KEY_FILE_OPT", "clients", "fail", "key_box", "publish", "serve"]

DEFAULT_DB = "ledger.db"
DB_OPT = click.option(
    "--db", default=DEFAULT_DB, show_default=True, envvar="FOOTPRINT_DB",
    help="The ledger the service keeps its data in: an SQLite file path or sqlite:///PATH, or "
    "postgresql://USER@HOST/DB; or set FOOTPRINT_DB.",
)  # fmt: skip


KEY_FILE_OPT = click.option(
    "--secret-key-file", type=click.Path(exists=True, dir_okay=False),
    help="File holding the key that encrypts partners' credentials (made by `footprint clients new-key`); "
    "or set FOOTPRINT_SECRET_KEY to the key, or FOOTPRINT_SECRET_KEY_FILE to the file.",
)  # fmt: skip


def key_box(path: str | None) -> Any:
    """The box of ``--secret-key-file`` when given, else of the environment (None without a key)."""
    from .server._sealed import KEY_FILE_ENV, SecretBox

    if not path:
        return SecretBox.from_environment()
    try:
        return SecretBox(Path(path).read_text(encoding="ascii"), f"--secret-key-file {path}")
    except (OSError, UnicodeDecodeError) as e:
        raise click.BadParameter(f"cannot read {path}: {e.__class__.__name__}", param_hint=KEY_FILE_ENV) from None


def fail(exc: Exception) -> NoReturn:
    """Print ``exc`` as the command's error and exit 1."""
    click.echo(f"error: {exc}", err=True)
    sys.exit(1)


def _need_server_extra() -> None:
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as e:
        raise MissingDependencyError(
            f'the service needs the server extra: pip install "footprint[server]" ({e})'
        ) from None


@click.command()
@DB_OPT
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8443, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--ssl-certfile", type=click.Path(exists=True, dir_okay=False), help="TLS certificate (PEM).")
@click.option("--ssl-keyfile", type=click.Path(exists=True, dir_okay=False), help="TLS private key (PEM).")
@click.option("--insecure-http", is_flag=True, help="Serve plain HTTP (local use only: PACT requires HTTPS).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="Worker processes.")
@click.option("--partner-ca", type=click.Path(exists=True, dir_okay=False),
              help="Certificate authorities to trust for partners' hosts when sending events (PEM).")  # fmt: skip
@click.option(
    "--max-body", default=1_000_000, show_default=True, type=click.IntRange(1), help="Largest request body, bytes."
)
@KEY_FILE_OPT
@click.option("--event-horizon", default=72.0, show_default=True, type=click.FloatRange(min=0, min_open=True),
              help="Hours to keep retrying an event a partner's host does not accept (PACT v3: 72).")  # fmt: skip
@click.option("--event-max-delay", default=3600.0, show_default=True, type=click.FloatRange(min=1),
              help="Longest wait between two attempts, seconds (the wait doubles from 1 s up to it).")  # fmt: skip
def serve(db: str, host: str, port: int, ssl_certfile: str | None, ssl_keyfile: str | None, insecure_http: bool,
          workers: int, partner_ca: str | None, max_body: int, secret_key_file: str | None, event_horizon: float,
          event_max_delay: float) -> None:  # fmt: skip
    """Run the calculation API and the PACT v3 host over HTTPS.

    \b
    Example:
      footprint serve --db ledger.db --ssl-certfile cert.pem --ssl-keyfile key.pem
      footprint serve --insecure-http --port 8080     # local trials only
    """
    if bool(ssl_certfile) != bool(ssl_keyfile):
        raise click.UsageError("--ssl-certfile and --ssl-keyfile go together")
    if not ssl_certfile and not insecure_http:
        raise click.UsageError(
            "PACT requires HTTPS: give --ssl-certfile and --ssl-keyfile, or --insecure-http for local use"
        )
    if ssl_certfile and insecure_http:
        raise click.UsageError("--insecure-http and --ssl-certfile exclude each other")
    try:
        _need_server_extra()
        import os

        import uvicorn

        from .server._main import calc_processes
        from .server._store import Store

        calc_processes()  # a bad FOOTPRINT_SERVER_CALC_PROCESSES is reported before workers start, as are
        key_box(secret_key_file)  # a bad key and
        Store(db).close()  # a bad URL or an unreachable database
        os.environ["FOOTPRINT_SERVER_DB"] = db
        os.environ["FOOTPRINT_SERVER_MAX_BODY"] = str(max_body)
        os.environ["FOOTPRINT_SERVER_EVENT_HORIZON"] = str(event_horizon * 3600)
        os.environ["FOOTPRINT_SERVER_EVENT_MAX_DELAY"] = str(event_max_delay)
        if partner_ca:
            os.environ["FOOTPRINT_SERVER_PARTNER_CA"] = os.path.abspath(partner_ca)
        if secret_key_file:  # the workers read the key from the file
            os.environ.pop("FOOTPRINT_SECRET_KEY", None)
            os.environ["FOOTPRINT_SECRET_KEY_FILE"] = os.path.abspath(secret_key_file)
    except FootprintError as e:
        fail(e)
    uvicorn.run(
        "footprint.server._main:app", factory=True, host=host, port=port, workers=workers, access_log=False,
        ssl_certfile=ssl_certfile, ssl_keyfile=ssl_keyfile, server_header=False, log_level="info",
    )  # fmt: skip


@click.group()
def clients() -> None:
    """Clients of the service: who may ask for tokens, and with which scopes."""


@clients.command("add")
@click.argument("name")
@DB_OPT
@click.option("--scope", "scopes", multiple=True, help="Scope to grant (repeatable); default: every scope.")
def clients_add(name: str, db: str, scopes: tuple[str, ...]) -> None:
    """Add a client NAME; print its client_id and client_secret once, as JSON (only a hash is kept).

    \b
    Example:
      footprint clients add acme-procurement --db ledger.db
    """
    from .server._auth import ALL_SCOPES
    from .server._clients import add_client

    unknown = sorted(set(scopes) - set(ALL_SCOPES))
    if unknown:
        raise click.UsageError(f"unknown scope {', '.join(unknown)}; known: {', '.join(ALL_SCOPES)}")
    try:
        client_id, secret = add_client(db, name, scopes or ALL_SCOPES)
    except FootprintError as e:
        fail(e)
    click.echo(json.dumps({"name": name, "client_id": client_id, "client_secret": secret,
                           "scopes": list(scopes or ALL_SCOPES)}, indent=2))  # fmt: skip


def _offer(product_files: tuple[str, ...], db: str, share_with: tuple[str, ...], factors: tuple[str, ...], gwp: str,
           prefolded: Any, pact: dict[str, Any]) -> None:  # fmt: skip
    from .server._offers import offer_products

    if not share_with:
        raise click.UsageError("--on-request needs --share-with: the clients who may request the products")
    try:
        ids = offer_products(db, product_files, share_with=share_with, factor_files=factors, gwp=gwp,
                             prefolded=prefolded, **_pact_arguments(pact))  # fmt: skip
    except FootprintError as e:
        fail(e)
    click.echo(json.dumps({"offered": ids, "to": list(share_with)}))


@clients.command("link")
@click.argument("name")
@click.argument("host")
@click.option("--client-id", required=True, help="The client id NAME's host issued to this one.")
@click.option("--client-secret", required=True, envvar="FOOTPRINT_PARTNER_CLIENT_SECRET",
              help="The secret it issued (or FOOTPRINT_PARTNER_CLIENT_SECRET).")  # fmt: skip
@DB_OPT
@KEY_FILE_OPT
def clients_link(
    name: str, host: str, client_id: str, client_secret: str, db: str, secret_key_file: str | None
) -> None:
    """Link client NAME to its own PACT host HOST, where the answers to its requests are sent.

    A RequestCreatedEvent from NAME is answered only when its source is HOST, and a PublishedEvent from NAME
    has the footprints it names pulled from HOST; the service authenticates there with the client id and
    secret HOST issued. The secret is stored encrypted with your key (--secret-key-file or
    FOOTPRINT_SECRET_KEY), never in clear: without a key the command refuses.

    \b
    Example:
      footprint clients new-key > partner.key && chmod 600 partner.key
      footprint clients link acme-procurement https://pact.acme.example --client-id ID --client-secret SECRET \\
          --secret-key-file partner.key
    """
    from .pact._client import base_url
    from .server._store import Store

    try:
        store = Store(db, box=key_box(secret_key_file))
        try:
            store.link_partner(name, base_url(host), client_id, client_secret)
        finally:
            store.close()
    except FootprintError as e:
        fail(e)
    click.echo(json.dumps({"name": name, "host": base_url(host)}))


@clients.command("new-key")
def clients_new_key() -> None:
    """Print a new key for partners' credentials (32 random bytes, URL-safe base64).

    Keep it outside the database: in a file only the service's user reads (--secret-key-file) or in
    FOOTPRINT_SECRET_KEY. Lose it and every partner must be linked again.

    \b
    Example:
      (umask 077; footprint clients new-key > partner.key)
    """
    from .server._sealed import new_key

    click.echo(new_key())


@click.command()
@click.argument("product_files", nargs=-1, required=True, type=click.Path())
@DB_OPT
@click.option(
    "--share-with", "share_with", multiple=True, help="Client name that may read the footprints (repeatable)."
)
@click.option("--factors", multiple=True, type=click.Path(), help="Own factor file or folder. Repeatable.")
@click.option("--gwp", default="AR6", show_default=True, help="GWP set that folds gases into CO2e.")
@PREFOLDED_OPT
@click.option("--on-request", is_flag=True,
              help="Publish nothing now: compute and publish when a --share-with client requests it by event.")  # fmt: skip
@click.option("--announce", metavar="URL",
              help="This service's public address (https://...): send each client the footprints are shared with "
              "that is linked to its own host (clients link) a PACT PublishedEvent naming them, through the "
              "outbox; `footprint serve` on the same database delivers it.")  # fmt: skip
@pact_options
def publish(product_files: tuple[str, ...], db: str, share_with: tuple[str, ...], factors: tuple[str, ...], gwp: str,
            prefolded: Any, on_request: bool, announce: str | None, pact: dict[str, Any]) -> None:  # fmt: skip
    """Compute products and publish them as PACT v3.0.3 footprints on the service, shared with clients.

    A product published again supersedes its footprint: the new one names the old in precedingPfIds, the
    old one turns Deprecated. Prints the ids published (with --announce, and the clients told).

    \b
    Example:
      footprint publish examples/subsea_gate_valve.yaml --share-with acme-procurement \\
          --company-name "Valve maker AS" --company-id valve-maker --company-domain valve-maker.example \\
          --fossil-carbon-content 6.1
    """
    from ._factor_io import default_library, load_factors
    from .server._publish import publish_products

    if not pact["company_name"] or not pact["company_ids"]:
        raise click.UsageError("publish needs --company-name and --company-id")
    if on_request:
        if announce:
            raise click.UsageError("--announce does not go with --on-request: the answer to the request is the event")
        _offer(product_files, db, share_with, factors, gwp, prefolded, pact)
        return
    try:
        lib = load_factors(*factors).merge(default_library()) if factors else default_library()
        pfs = publish_products(db, product_files, share_with=share_with, library=lib, gwp=gwp, prefolded=prefolded,
                               announce=announce, **_pact_arguments(pact))  # fmt: skip
        told = _told(db, pfs) if announce else None
    except FootprintError as e:
        fail(e)
    for pf in pfs:
        line = {"id": pf["id"], "productIds": pf["productIds"], "status": pf["status"],
                "precedingPfIds": pf.get("precedingPfIds", [])}  # fmt: skip
        click.echo(json.dumps(line if told is None else {**line, "announcedTo": told[pf["id"]]}))


def _pact_arguments(pact: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments of ``publish_products`` and ``offer_products`` that the PACT options give."""
    return {"company_name": pact["company_name"], "company_ids": pact["company_ids"], "period": pact["period"],
            "geography": pact["geography"], "pact_options": {"product_ids": pact["product_ids"], **pact["to_pact"]}}  # fmt: skip


def _told(db: str, pfs: list[dict[str, Any]]) -> dict[str, list[str]]:
    """For each footprint published, the clients it was announced to: those it is shared with that are
    linked to their own host (as :func:`footprint.server._announce.announce` picks them)."""
    from .server._announce import linked
    from .server._store import Store

    store = Store(db)
    try:
        told = {}
        for pf in pfs:
            found = store.footprint(pf["id"])
            told[pf["id"]] = sorted(linked(store, sorted(found[1]) if found else []))
        return told
    finally:
        store.close()
