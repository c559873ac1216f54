"""``footprint ledger``: commands on a ledger of snapshots (``verify``)."""

from __future__ import annotations

import sys

import click

from ._errors import LedgerError, LedgerIntegrityError

__all__ = ["ledger"]

#: The ledger the commands use without ``--db``.
DEFAULT_DB = "ledger.db"

_DB_OPT = click.option(
    "--db",
    default=DEFAULT_DB,
    show_default=True,
    envvar="FOOTPRINT_DB",
    help="The ledger: an SQLite file path or URL (sqlite:///ledger.db) or a PostgreSQL URL (postgresql://...); "
    "or set FOOTPRINT_DB.",
)


@click.group()
def ledger() -> None:
    """Work with a ledger of footprint snapshots (docs/ledger.md)."""


@ledger.command("verify")
@_DB_OPT
def verify(db: str) -> None:
    """Check every snapshot's content hash, its chain to the one before, and the version chains.

    Exit 0 when the ledger is intact; exit 1 naming the first snapshot that is not as recorded, or when the
    ledger cannot be opened (missing, not a ledger, guarding triggers dropped). Nothing is written.
    """
    from ._ledger import Ledger  # on use: the ledger's models are not needed by the other commands

    try:
        with Ledger(db, create=False) as opened:
            count = opened.verify()
    except LedgerIntegrityError as e:
        click.echo(f"BROKEN: {e}", err=True)
        click.echo(e.snapshot_id)
        sys.exit(1)
    except LedgerError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(1)
    click.echo(f"ok: {count} snapshots in {opened!r}, every content hash and version chain intact")
