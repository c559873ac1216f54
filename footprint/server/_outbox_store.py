"""The outbox's queries (:mod:`footprint.server._outbox` delivers): events stored with their outbox row before
the first attempt, claimed under a lease so two workers never send one at once, every attempt recorded.
:class:`OutboxQueries` is a part of :class:`footprint.server._store.Store`."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from ._errors import ServerError
from ._tables import EventRow, attempts, events, now_utc, outbox

__all__ = ["DONE", "AttemptRow", "OutboxQueries", "OutboxRow"]

#: The states of an event whose outbox job succeeded: an answer accepted, a published event's footprints pulled.
DONE = frozenset({"sent", "pulled"})


@dataclass(frozen=True)
class OutboxRow:
    """An event waiting in the outbox: for which partner, its next attempt and the end of its horizon
    (seconds since the epoch), and the event as recorded."""

    event: EventRow
    partner: str
    due: float
    give_up: float


@dataclass(frozen=True)
class AttemptRow:
    """One attempt to deliver an event: its number, when (seconds since the epoch), and its outcome."""

    event_seq: int
    attempt: int
    at: float
    outcome: str
    detail: str


class OutboxQueries:
    """The outbox's part of the service's store: what :class:`~footprint.server._store.Store` provides is its
    transactions (``_tx``), its database URL and the events it recorded (``events``)."""

    url: sa.URL

    def _tx(self) -> AbstractContextManager[sa.Connection]:
        raise NotImplementedError  # pragma: no cover - Store's

    def events(self, *, seqs: Sequence[int] | None = None) -> list[EventRow]:
        raise NotImplementedError  # pragma: no cover - Store's

    def enqueue(
        self, event: dict[str, Any], partner: str, peer: str, give_up: float, direction: str = "out",
        conn: sa.Connection | None = None,
    ) -> int:  # fmt: skip
        """Record ``event`` and put it in the outbox, due now, in one transaction (``conn``'s when given: the
        event is then stored with what that transaction writes, or not at all): it is stored before any
        attempt. Its sequence number. An event to send (``direction`` ``"out"``) goes to ``partner``'s host
        ``peer``; an event received (``"in"``, a PublishedEvent from client ``partner``, ``peer`` the same)
        has the footprints it names pulled from ``partner``'s host."""
        now = now_utc()
        with self._tx() if conn is None else nullcontext(conn) as tx:
            key: Any = tx.execute(
                events.insert().values(
                    direction=direction, event_id=str(event["id"])[:200], type=str(event["type"])[:200], peer=peer,
                    request_event_id=None, state="queued", detail="", attempts=0, created=now, updated=now,
                    document=json.dumps(event, ensure_ascii=False),
                )
            ).inserted_primary_key  # fmt: skip
            seq = int(key[0])
            tx.execute(outbox.insert().values(event_seq=seq, partner=partner, due=time.time(), give_up=give_up,
                                                abandoned=False))  # fmt: skip
        return seq

    def requeue(self, seq: int, give_up: float) -> None:
        """Put event ``seq`` back in the outbox, due now, with a new horizon (``footprint events retry``)."""
        with self._tx() as conn:
            found = conn.execute(
                outbox.update().where(outbox.c.event_seq == seq)
                .values(due=time.time(), give_up=give_up, abandoned=False, claimed_until=None)
            ).rowcount  # fmt: skip
            if found != 1:
                raise ServerError(
                    f"event {seq} was never in the outbox: only answers to partners and pulls are retried"
                )
            conn.execute(events.update().where(events.c.seq == seq).values(state="queued", updated=now_utc()))

    def claim(self, now: float, lease: float, limit: int = 20, seqs: Sequence[int] | None = None) -> list[OutboxRow]:
        """Claim the outbox rows due at ``now`` that no one else holds (each held for ``lease`` seconds), oldest
        due first: only this caller sends them until it reports back or the lease ends."""
        free = sa.or_(outbox.c.claimed_until.is_(None), outbox.c.claimed_until < now)
        q = (
            sa.select(outbox)
            .where(outbox.c.abandoned.is_(False), outbox.c.due <= now, free)
            .order_by(outbox.c.due)
            .limit(limit)
        )
        if seqs is not None:
            q = q.where(outbox.c.event_seq.in_(list(seqs)))
        claimed = []
        with self._tx() as conn:
            rows = list(conn.execute(q))
        for r in rows:
            with self._tx() as conn:
                got = conn.execute(
                    outbox.update().where(outbox.c.event_seq == r.event_seq, free).values(claimed_until=now + lease)
                ).rowcount
            if got == 1:
                claimed.append(r)
        found = {e.seq: e for e in self.events(seqs=[r.event_seq for r in claimed])} if claimed else {}
        return [OutboxRow(found[r.event_seq], r.partner, r.due, r.give_up) for r in claimed if r.event_seq in found]

    def next_due(self) -> float | None:
        """When the next outbox row can be sent (seconds since the epoch): its due time, or the end of the lease
        of a worker sending it; None when the outbox is empty."""
        held = sa.func.coalesce(outbox.c.claimed_until, 0.0)
        two = sa.func.max if self.url.get_backend_name() == "sqlite" else sa.func.greatest  # of two values
        ready: Any = two(outbox.c.due, held)
        with self._tx() as conn:
            due = conn.execute(sa.select(sa.func.min(ready)).where(outbox.c.abandoned.is_(False))).scalar()
        return None if due is None else float(due)

    def attempted(
        self, seq: int, attempt: int, outcome: str, detail: str, *, due: float | None, state: str | None = None,
        at: float | None = None,
    ) -> None:  # fmt: skip
        """Record attempt number ``attempt`` of event ``seq``, made at ``at`` (default now); then the event waits
        for ``due`` (seconds since the epoch) in the outbox, or, with ``due`` None, is done: ``sent`` (out of
        the outbox) when accepted, else ``failed`` (kept in the outbox as abandoned). ``state`` names the
        event's state instead (a pull is ``pulled`` when done, out of the outbox, or ``pull-failed``)."""
        if state is None:
            state = "sent" if outcome == "accepted" else "retrying" if due is not None else "failed"
        with self._tx() as conn:
            conn.execute(attempts.insert().values(event_seq=seq, attempt=attempt, at=time.time() if at is None else at,
                                                  outcome=outcome,
                                                  detail=detail[:2000]))  # fmt: skip
            conn.execute(events.update().where(events.c.seq == seq)
                         .values(state=state, detail=detail[:2000], attempts=attempt, updated=now_utc()))  # fmt: skip
            if state in DONE:
                conn.execute(outbox.delete().where(outbox.c.event_seq == seq))
            elif due is None:
                conn.execute(
                    outbox.update().where(outbox.c.event_seq == seq).values(abandoned=True, claimed_until=None)
                )
            else:
                conn.execute(outbox.update().where(outbox.c.event_seq == seq).values(due=due, claimed_until=None))

    def abandon(self, seq: int, detail: str, state: str) -> None:
        """Mark event ``seq`` abandoned (``state``: ``failed`` or ``pull-failed``) without a further attempt:
        kept in the outbox for ``footprint events retry``."""
        with self._tx() as conn:
            conn.execute(events.update().where(events.c.seq == seq)
                         .values(state=state, detail=detail[:2000], updated=now_utc()))  # fmt: skip
            conn.execute(outbox.update().where(outbox.c.event_seq == seq).values(abandoned=True, claimed_until=None))

    def attempts(self, seq: int) -> list[AttemptRow]:
        """Every attempt to deliver event ``seq``, in order."""
        with self._tx() as conn:
            rows = list(
                conn.execute(sa.select(attempts).where(attempts.c.event_seq == seq).order_by(attempts.c.attempt))
            )
        return [AttemptRow(r.event_seq, r.attempt, float(r.at), r.outcome, r.detail) for r in rows]

    def outbox(self) -> dict[int, OutboxRow]:
        """The events in the outbox (waiting, or abandoned: their event ``failed``), by sequence number."""
        with self._tx() as conn:
            rows = list(conn.execute(sa.select(outbox)))
        found = {e.seq: e for e in self.events(seqs=[r.event_seq for r in rows])} if rows else {}
        return {r.event_seq: OutboxRow(found[r.event_seq], r.partner, r.due, r.give_up) for r in rows}
