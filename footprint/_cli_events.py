"""``footprint events list`` and ``footprint events retry``: the events the service received and sent, and
its outbox of answers to partners and of pulls partners announced (:mod:`footprint.server._outbox`)."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

import click

from ._cli_server import DB_OPT, KEY_FILE_OPT, fail, key_box
from ._clock import utc_text
from ._errors import FootprintError

__all__ = ["events"]

_KIND = "org.wbcsd.pact.ProductFootprint."


def _when(seconds: float | None) -> str:
    """``seconds`` since the epoch as an ISO time; ``never`` past what a date holds (a horizon of inf hours)."""
    if seconds is None:
        return ""
    try:
        return utc_text(datetime.fromtimestamp(seconds, UTC))
    except (OverflowError, ValueError, OSError):
        return "never"


@click.group()
def events() -> None:
    """Events the service received and sent, and its outbox of answers and pulls (docs/server.md)."""


@events.command("list")
@DB_OPT
@click.option("--state", "states", multiple=True,
              help="Only events in this state (queued, retrying, sent, failed, pulled, pull-failed, ignored, received, "
                   "stored...). Repeatable.")  # fmt: skip
@click.option("--direction", type=click.Choice(["in", "out"]), help="Only events received (in) or sent (out).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def events_list(db: str, states: tuple[str, ...], direction: str | None, fmt: str) -> None:
    """List the events recorded, oldest first: state, attempts, and for an answer or a pull in the outbox
    its next attempt and the end of its retry horizon.

    \b
    Example:
      footprint events list --db ledger.db --state failed --state retrying
    """
    from .server._store import Store

    try:
        store = Store(db)
        try:
            rows, waiting = store.events(direction=direction, states=states or None), store.outbox()
        finally:
            store.close()
    except FootprintError as e:
        fail(e)
    out: list[dict[str, Any]] = []
    for row in rows:
        box = waiting.get(row.seq)
        live = box is not None and row.state in ("queued", "retrying")
        out.append({"seq": row.seq, "direction": row.direction, "id": row.event_id,
                    "type": row.type.removeprefix(_KIND).removesuffix(".3"), "peer": row.peer, "state": row.state,
                    "attempts": row.attempts, "next_attempt": _when(box.due) if live and box else "",
                    "give_up": _when(box.give_up) if box else "", "detail": row.detail})  # fmt: skip
    if fmt == "json":
        click.echo(json.dumps(out, indent=2))
        return
    for r in out:
        line = f"{r['seq']:>6} {r['direction']:<3} {r['type']:<22} {r['state']:<12} {r['attempts']:>3} {r['peer']}"
        click.echo(line + (f"  next {r['next_attempt']}" if r["next_attempt"] else "") + f"  {r['detail'][:100]}")


@events.command("retry")
@click.argument("seqs", nargs=-1, type=click.IntRange(1, 2**63 - 1))  # a database integer (SQLite, PostgreSQL)
@click.option("--failed", "every_failed", is_flag=True,
              help="Every job abandoned (state failed or pull-failed).")  # fmt: skip
@DB_OPT
@KEY_FILE_OPT
@click.option("--partner-ca", type=click.Path(exists=True, dir_okay=False),
              help="Certificate authorities to trust for partners' hosts (PEM).")  # fmt: skip
@click.option("--horizon", default=72.0, show_default=True, type=click.FloatRange(min=0, min_open=True),
              help="Hours to keep retrying from now.")  # fmt: skip
def events_retry(seqs: tuple[int, ...], every_failed: bool, db: str, secret_key_file: str | None,
                 partner_ca: str | None, horizon: float) -> None:  # fmt: skip
    """Put answers or pulls SEQS (numbers from `events list`) back in the outbox with a new horizon, and try
    each once now; a running service keeps retrying what is still not accepted. Prints each event's state as JSON.

    \b
    Example:
      footprint events retry --failed --db ledger.db --secret-key-file partner.key
    """
    from .server._outbox import Outbox, deliver_due
    from .server._store import Store

    if bool(seqs) == every_failed:
        raise click.UsageError("name the events to retry (SEQ...) or give --failed, not both")
    try:
        store = Store(db, box=key_box(secret_key_file))
        try:
            targets = _retryable(store, seqs, every_failed)
            outbox = Outbox(verify=partner_ca or True, horizon=horizon * 3600)
            for seq in targets:
                store.requeue(seq, time.time() + outbox.horizon)
            done = dict(deliver_due(store, outbox, seqs=targets)) if targets else {}
            found = {e.seq: e for e in store.events(seqs=targets)} if targets else {}
        finally:
            store.close()
    except FootprintError as e:
        fail(e)
    click.echo(json.dumps([{"seq": s, "state": done.get(s, "queued"), "attempts": found[s].attempts,
                            "detail": found[s].detail} for s in targets], indent=2))  # fmt: skip


def _retryable(store: Any, seqs: tuple[int, ...], every_failed: bool) -> list[int]:
    """The events to retry; a ServerError naming the first that cannot be (unknown, received, or sent)."""
    from .server._store import ServerError

    if every_failed:
        return [e.seq for e in store.events(states=["failed", "pull-failed"]) if e.seq in store.outbox()]
    found = {e.seq: e for e in store.events(seqs=list(seqs))}
    waiting = store.outbox()
    for seq in seqs:
        e = found.get(seq)
        if e is None:
            raise ServerError(f"no event {seq}; `footprint events list` shows them")
        if e.state in ("sent", "pulled"):
            raise ServerError(f"event {seq} was done already ({e.state})")
        if seq not in waiting:
            raise ServerError(
                f"event {seq} ({e.direction}, {e.state}) is not in the outbox (neither an answer to a partner nor "
                "a pull it announced): nothing to retry"
            )
    return list(seqs)
