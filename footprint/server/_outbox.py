"""Delivering events that survive: answers to partners, and pulls announced by partners, go through an outbox
in the service's database.

An answer (``RequestFulfilledEvent`` or ``RequestRejectedEvent``) is stored with its outbox row before the
first attempt (:meth:`Store.enqueue`); so is a ``PublishedEvent`` received from a linked partner, whose job
is to pull the footprints it names (:mod:`footprint.server._published`). A courier thread in every worker
process claims the rows that are due (a lease in the database, so two workers never do one job at once),
does each (sends the event to the partner's linked host, or pulls from it, with the credentials that host
issued), and records every attempt. A refused or unreachable host is tried again after a delay that doubles
from ``first_delay`` up to ``max_delay``, until the ``horizon`` ends: PACT v3 asks the data owner to retry
with exponential backoff and to abandon after 72 hours (RequestFulfilledEvent and PublishedEvent, "If the
data recipient cannot be reached..."), the default here, and pulls use the same. What is in the outbox when
the service stops is done by the next one to start on the database; ``footprint events retry`` puts an
abandoned job back.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

from .._errors import FootprintError
from ..pact._client import PactClient, Verify
from ._errors import NotRetriedError
from ._outbox_store import OutboxRow
from ._published import pull_published
from ._store import Store

__all__ = ["Courier", "Outbox", "deliver_due"]

log = logging.getLogger("footprint.server.events")

#: 72 hours: how long PACT v3 says to keep retrying an event a data recipient does not accept.
SPEC_HORIZON = 72 * 3600.0


@dataclass(frozen=True)
class Outbox:
    """How events are sent to partners' hosts: the certificate check, the backoff (``first_delay`` doubling
    after each failed attempt, at most ``max_delay``), how long to keep trying (``horizon``, from the moment
    the event was stored), the timeout of one request and how often the courier looks for due events."""

    verify: Verify = True
    first_delay: float = 1.0
    max_delay: float = 3600.0
    horizon: float = SPEC_HORIZON
    timeout: float = 30.0
    poll: float = 5.0

    def __post_init__(self) -> None:
        # horizon and max_delay may be infinite (keep trying, never wait longer); the others are waited on
        # or sent as a timeout, where inf or 10**400 would stop the courier thread with an OverflowError
        for name in ("first_delay", "max_delay", "horizon", "timeout", "poll"):
            value = getattr(self, name)
            number = isinstance(value, int | float) and not isinstance(value, bool)
            bounded = name in ("horizon", "max_delay") or (number and value <= threading.TIMEOUT_MAX)
            if not (number and value > 0 and bounded):
                raise ValueError(
                    f"Outbox.{name} must be a positive number of seconds"
                    + ("" if name in ("horizon", "max_delay") else f", at most {threading.TIMEOUT_MAX:g}")
                    + f", not {value!r}"
                )

    def delay(self, attempts: int) -> float:
        """The wait after ``attempts`` failed attempts: ``first_delay`` doubled each time, capped."""
        return float(min(self.first_delay * 2.0 ** min(attempts - 1, 60), self.max_delay))

    @property
    def lease(self) -> float:
        """How long a worker holds an event it is sending: time for discovery, token and post to time out."""
        return 4 * self.timeout


def deliver_due(store: Store, outbox: Outbox, seqs: Sequence[int] | None = None) -> list[tuple[int, str]]:
    """Do the outbox's jobs that are due now (only ``seqs`` when given), each once; record each attempt. The
    state of each event afterwards (``sent``, ``retrying`` or ``failed``; for a pull ``pulled``, ``retrying``
    or ``pull-failed``), by sequence number."""
    done = []
    for row in store.claim(time.time(), outbox.lease, seqs=seqs):
        done.append((row.event.seq, _attempt(store, outbox, row)))
    return done


def _attempt(store: Store, outbox: Outbox, row: OutboxRow) -> str:
    """One attempt at the job ``row``: send an event (``out``) or pull what a PublishedEvent names (``in``),
    recorded with the time it began; the event's state afterwards. A job whose horizon ended while it waited
    for its turn is abandoned without another attempt: nothing is tried after the horizon."""
    attempt, started = row.event.attempts + 1, time.time()
    pull = row.event.direction == "in"
    done, failed, outcome = ("pulled", "pull-failed", "pulled") if pull else ("sent", "failed", "accepted")
    if started > row.give_up:
        detail = f"abandoned after {attempt - 1} attempts: the horizon ended before attempt {attempt}"
        store.abandon(row.event.seq, detail, failed)
        log.warning("event %s (%s): %s", row.event.event_id, row.event.peer, detail)
        return failed
    try:
        detail = pull_published(store, outbox, row) if pull else _send(store, outbox, row)
    except NotRetriedError as e:
        store.attempted(row.event.seq, attempt, "refused", str(e), due=None, state=failed, at=started)
        log.warning("event %s (%s): %s", row.event.event_id, row.event.peer, e)
        return failed
    except FootprintError as e:
        due = time.time() + outbox.delay(attempt)
        if due > row.give_up:
            detail = f"abandoned after {attempt} attempts, the last: {e}"
            store.attempted(row.event.seq, attempt, "error", detail, due=None, state=failed, at=started)
            log.warning("event %s (%s): %s", row.event.event_id, row.event.peer, detail)
            return failed
        store.attempted(row.event.seq, attempt, "error", str(e), due=due, state="retrying", at=started)
        return "retrying"
    store.attempted(row.event.seq, attempt, outcome, detail, due=None, state=done, at=started)
    return done


def _send(store: Store, outbox: Outbox, row: OutboxRow) -> str:
    """Send the event of ``row`` to its partner's host; what the attempt came to."""
    partner = store.partner(row.partner)
    if partner is None:
        raise FootprintError(f"no host is linked to client {row.partner!r} any more")
    with PactClient(partner.host, partner.client_id, partner.client_secret, verify=outbox.verify,
                    timeout=outbox.timeout) as peer:  # fmt: skip
        peer.send_event(row.event.document)
    return f"accepted by {partner.host}"


class Courier:
    """The thread of one worker process that delivers what is due in the outbox: it looks every
    ``outbox.poll`` seconds, at the next due time when sooner, and at once when :meth:`wake` is called."""

    def __init__(self, store: Store, outbox: Outbox) -> None:
        self.store, self.outbox = store, outbox
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="footprint-courier", daemon=True)

    def start(self) -> None:
        """Start delivering (what an earlier process left in the outbox first)."""
        self._thread.start()

    def wake(self) -> None:
        """Look at the outbox now (an event was just stored)."""
        self._wake.set()

    def stop(self, wait: float = 10.0) -> None:
        """Stop after the attempt under way (its outcome recorded); what is left stays in the outbox."""
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout=wait)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                deliver_due(self.store, self.outbox)
                due = self.store.next_due()
            except Exception:  # the database unreachable for a moment: said in the log, tried again
                log.exception("the outbox could not be read; trying again")
                due = None
            pause = self.outbox.poll if due is None else min(self.outbox.poll, max(due - time.time(), 0.0))
            self._wake.wait(pause)
