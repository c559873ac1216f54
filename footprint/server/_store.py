"""The service's store on SQLAlchemy Core: clients, the token key, published PACT footprints and who each one
is shared with, partners and events (the tables in :mod:`footprint.server._tables`, the outbox's queries in
:mod:`footprint.server._outbox_store`). Dialect-neutral queries: SQLite (a file, the default) or PostgreSQL
(psycopg 3), chosen by URL, in the same database as the ledger."""

from __future__ import annotations

import functools
import json
import os
import re
import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ParamSpec, TypeVar

import sqlalchemy as sa

from .._ledger import Ledger
from .._ledger_schema import engine_url
from ._errors import ServerError
from ._outbox_store import AttemptRow, OutboxQueries, OutboxRow
from ._sealed import SecretBox, missing_key, sealed
from ._tables import (
    EventRow,
    clients,
    event_row,
    events,
    footprint_keys,
    footprints,
    metadata,
    now_utc,
    offers,
    partners,
    settings,
    shares,
)

__all__ = ["AttemptRow", "ClientRow", "EventRow", "OutboxRow", "PartnerRow", "ServerError", "Store"]

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class PartnerRow:
    """A client's own PACT host, where the answers to its requests go, and this service's credentials there."""

    client_name: str
    host: str
    client_id: str
    client_secret: str


P = ParamSpec("P")
R = TypeVar("R")

#: How long a pooled PostgreSQL connection is used before it is replaced, in seconds (before a server or
#: firewall drops idle connections, typically after hours).
POOL_RECYCLE = 1800


def read_again_if_disconnected(read: Callable[P, R]) -> Callable[P, R]:
    """A read run once more when its pooled connection turned out dead (the server restarted, the backend was
    terminated): the pool checks no connection before use (a round trip per checkout), SQLAlchemy marks the
    pool's connections of that time invalid on the failure, and the read, which changes nothing, is safe to
    repeat on a new one. Writes are not repeated: a commit lost with its connection may have happened."""

    @functools.wraps(read)
    def again(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return read(*args, **kwargs)
        except sa.exc.DBAPIError as e:
            if not e.connection_invalidated:
                raise
            return read(*args, **kwargs)

    return again


@dataclass(frozen=True)
class ClientRow:
    """A client as stored: its secret only as a salted hash."""

    client_id: str
    name: str
    secret_hash: str
    scopes: tuple[str, ...]


class Store(OutboxQueries):
    """The service's tables in the ledger at ``db_url`` (the ledger and the tables are created when absent).
    Thread-safe: every method takes a pooled connection for one transaction. ``box`` seals partners'
    secrets; without one, the key is read from the environment when first needed."""

    def __init__(self, db_url: str, *, box: SecretBox | None = None) -> None:
        self._box = box
        with Ledger(db_url):  # the ledger's schema first: a ledger accepts tables beside its own, not before
            pass
        url = engine_url(db_url)
        self.db_url = db_url
        self.url = url
        self.display = url.set(drivername=url.get_backend_name()).render_as_string(hide_password=True)
        try:
            if url.get_backend_name() == "sqlite":
                self.engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
                sa.event.listen(self.engine, "connect", _sqlite_pragmas)
            else:
                self.engine = sa.create_engine(url, pool_recycle=POOL_RECYCLE, connect_args={"connect_timeout": 10})
            with self.engine.begin() as conn:
                metadata.create_all(conn, checkfirst=True)
        except sa.exc.SQLAlchemyError as e:
            raise ServerError(f"cannot open the service database {self.display}: {e.__class__.__name__}") from None

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    @contextmanager
    def _tx(self, *, checked: bool = True) -> Iterator[sa.Connection]:
        """A transaction on a pooled connection; ``checked``: on PostgreSQL, a connection the server ended is
        found by a round trip before use and replaced (writes and rare reads; the reads of every request take
        ``checked=False`` and :func:`read_again_if_disconnected` instead)."""
        with self.engine.connect() as conn:
            if checked and conn.dialect.name != "sqlite":
                _ensure_live(conn)
            with conn.begin():
                yield conn

    def token_key(self) -> bytes:
        """The key that signs tokens: ``FOOTPRINT_SERVER_SECRET`` when set, else a random key made once and
        kept in the database (so every worker and restart accepts the same tokens)."""
        env = os.environ.get("FOOTPRINT_SERVER_SECRET")
        if env:
            if len(env) < 32:
                raise ServerError("FOOTPRINT_SERVER_SECRET must be at least 32 characters")
            return env.encode()
        for _ in range(2):
            with self._tx() as conn:
                found = conn.execute(sa.select(settings.c.value).where(settings.c.key == "token_key")).scalar()
                if found is not None:
                    return bytes.fromhex(found)
            try:
                with self._tx() as conn:
                    conn.execute(settings.insert().values(key="token_key", value=secrets.token_hex(32)))
            except sa.exc.IntegrityError:
                pass  # another worker made it first: read theirs
        raise ServerError("cannot read or create the token key")  # pragma: no cover

    # -- clients -----------------------------------------------------------------------------------------

    def add_client(self, name: str, secret_hash: str, scopes: Sequence[str]) -> str:
        """Store a new client named ``name``; its new client id."""
        if not NAME_RE.match(name):
            raise ServerError(f"client name {name!r}: expected 1-64 letters, digits, '.', '_' or '-'")
        client_id = secrets.token_urlsafe(18)
        try:
            with self._tx() as conn:
                conn.execute(
                    clients.insert().values(
                        client_id=client_id,
                        name=name,
                        secret_hash=secret_hash,
                        scopes=" ".join(scopes),
                        created=now_utc(),
                    )
                )
        except sa.exc.IntegrityError:
            raise ServerError(f"a client named {name!r} already exists") from None
        return client_id

    @read_again_if_disconnected
    def client(self, client_id: str) -> ClientRow | None:
        """The client with this id, or None."""
        with self._tx(checked=False) as conn:
            row = conn.execute(sa.select(clients).where(clients.c.client_id == client_id)).first()
        if row is None:
            return None
        return ClientRow(row.client_id, row.name, row.secret_hash, tuple(row.scopes.split()))

    def check_clients(self, names: Sequence[str]) -> None:
        """Raise :class:`ServerError` naming the clients of ``names`` that do not exist."""
        unknown = sorted(set(names) - self.client_names())
        if unknown:
            raise ServerError(f"no client named {', '.join(map(repr, unknown))}; add it with `footprint clients add`")

    def client_names(self) -> set[str]:
        """The names of every client."""
        with self._tx() as conn:
            return set(conn.execute(sa.select(clients.c.name)).scalars())

    # -- partners and events ----------------------------------------------------------------------------

    def has_box(self) -> bool:
        """Whether a key for partner credentials was given or is set in the environment."""
        return self._box is not None or SecretBox.from_environment() is not None

    def box(self, what: str) -> SecretBox:
        """The key's box; :class:`ServerError` saying what to set, naming ``what`` needed it, when none is."""
        box = self._box or SecretBox.from_environment()
        if box is None:
            raise missing_key(what)
        self._box = box
        return box

    def link_partner(self, name: str, host: str, client_id: str, client_secret: str) -> None:
        """Record (or replace) where client ``name``'s own PACT host is, and the credentials it issued (the
        secret sealed: refused without the key)."""
        self.check_clients([name])
        stored = self.box("storing a partner's credentials").seal(client_secret, name)
        with self._tx() as conn:
            conn.execute(partners.delete().where(partners.c.client_name == name))
            conn.execute(partners.insert().values(client_name=name, host=host, client_id=client_id,
                                                  client_secret=stored, created=now_utc()))  # fmt: skip

    def partner(self, name: str) -> PartnerRow | None:
        """Client ``name``'s own PACT host and the credentials it issued (the secret opened), or None when
        none was linked. A secret stored in clear by an older version is sealed now when a key is set."""
        with self._tx() as conn:
            row = conn.execute(sa.select(partners).where(partners.c.client_name == name)).first()
        if row is None:
            return None
        secret = row.client_secret
        if sealed(secret):
            secret = self.box("answering a partner with its credentials").open(secret, name)
        elif self.has_box():
            self.seal_partners()
        return PartnerRow(row.client_name, row.host, row.client_id, secret)

    def partner_host(self, name: str) -> str | None:
        """The PACT host linked to client ``name`` (no credentials opened: no key needed), or None."""
        with self._tx() as conn:
            host = conn.execute(sa.select(partners.c.host).where(partners.c.client_name == name)).scalar()
        return None if host is None else str(host)

    def seal_partners(self) -> int:
        """Seal every partner secret still stored in clear (by a version before sealing); how many. On
        SQLite the freed bytes are overwritten and the write-ahead log emptied, so no clear copy stays in
        the files."""
        box = self.box("sealing partners' credentials")
        with self._tx() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA secure_delete = ON")
            rows = list(conn.execute(sa.select(partners.c.client_name, partners.c.client_secret)))
            clear = [(r.client_name, r.client_secret) for r in rows if not sealed(r.client_secret)]
            for name, secret in clear:
                conn.execute(partners.update().where(partners.c.client_name == name,
                                                     partners.c.client_secret == secret)
                             .values(client_secret=box.seal(secret, name)))  # fmt: skip
        if clear and self.url.get_backend_name() == "sqlite":
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return len(clear)

    def record_event(self, direction: str, event: dict[str, Any], peer: str, state: str, detail: str = "") -> int:
        """Store an event received (``"in"``) or to send (``"out"``); its sequence number."""
        data = event.get("data")
        data = data if isinstance(data, dict) else {}
        request_id = data.get("requestEventId") if direction == "in" else None
        now = now_utc()
        with self._tx() as conn:
            seq = conn.execute(
                events.insert().values(
                    direction=direction, event_id=str(event.get("id", ""))[:200], type=str(event.get("type", ""))[:200],
                    peer=peer, request_event_id=str(request_id)[:200] if request_id is not None else None,
                    state=state, detail=detail, attempts=0, created=now, updated=now,
                    document=json.dumps(event, ensure_ascii=False),
                )
            ).inserted_primary_key  # fmt: skip
        return int(seq[0]) if seq else 0

    def update_event(self, seq: int, state: str, detail: str, attempts: int | None = None) -> None:
        """Set what became of event ``seq``."""
        values: dict[str, Any] = {"state": state, "detail": detail, "updated": now_utc()}
        if attempts is not None:
            values["attempts"] = attempts
        with self._tx() as conn:
            conn.execute(events.update().where(events.c.seq == seq).values(**values))

    def events(
        self,
        *,
        direction: str | None = None,
        event_id: str | None = None,
        request_event_id: str | None = None,
        seqs: Sequence[int] | None = None,
        states: Sequence[str] | None = None,
    ) -> list[EventRow]:
        """The events recorded, oldest first, those matching every condition given."""
        q = sa.select(events).order_by(events.c.seq)
        if direction is not None:
            q = q.where(events.c.direction == direction)
        if event_id is not None:
            q = q.where(events.c.event_id == event_id)
        if request_event_id is not None:
            q = q.where(events.c.request_event_id == request_event_id)
        if seqs is not None:
            q = q.where(events.c.seq.in_(list(seqs)))
        if states is not None:
            q = q.where(events.c.state.in_(list(states)))
        with self._tx() as conn:
            return [event_row(r) for r in conn.execute(q)]

    def add_offer(self, product_ids: Sequence[str], client_names: Sequence[str], arguments: dict[str, Any]) -> None:
        """Record products to compute on request for ``client_names`` (see :mod:`footprint.server._offers`)."""
        self.check_clients(client_names)
        with self._tx() as conn:
            conn.execute(offers.insert().values(product_ids=json.dumps(sorted(p.lower() for p in product_ids)),
                                                clients=json.dumps(sorted(client_names)),
                                                arguments=json.dumps(arguments), created=now_utc()))  # fmt: skip

    def offers(self) -> list[tuple[list[str], list[str], dict[str, Any]]]:
        """Every offer, newest first: its product ids (lower case), clients and arguments."""
        with self._tx() as conn:
            rows = list(conn.execute(sa.select(offers).order_by(offers.c.seq.desc())))
        return [(json.loads(r.product_ids), json.loads(r.clients), json.loads(r.arguments)) for r in rows]

    # -- footprints --------------------------------------------------------------------------------------

    def active_footprint(self, product_key: str) -> dict[str, Any] | None:
        """The Active footprint published for ``product_key``, or None."""
        with self._tx() as conn:
            doc = conn.execute(sa.select(footprints.c.document).where(footprints.c.active_key == product_key)).scalar()
        return None if doc is None else dict(json.loads(doc))

    def publish(
        self, pf: dict[str, Any], product_key: str, share_with: Sequence[str], supersedes: str | None,
        then: Callable[[sa.Connection, set[str]], object] | None = None,
    ) -> set[str]:  # fmt: skip
        """Store the PACT footprint ``pf`` for ``product_key``, shared with the clients ``share_with`` and
        with those of the footprint it ``supersedes`` (which turns Deprecated), in one transaction; the names
        of the clients it is shared with. ``then(conn, names)`` runs last in that transaction (announcing the
        footprint: published and announced, or neither)."""
        self.check_clients(share_with)
        valid_from, valid_to = validity(pf)
        try:
            with self._tx() as conn:
                names = set(share_with)
                if supersedes is not None:
                    names |= self._deprecate(conn, supersedes, product_key)
                conn.execute(
                    footprints.insert().values(
                        id=pf["id"], product_key=product_key, active_key=product_key, status=pf["status"],
                        created=pf["created"], valid_from=valid_from, valid_to=valid_to,
                        document=json.dumps(pf, ensure_ascii=False),
                    )
                )  # fmt: skip
                keys = [{"footprint_id": pf["id"], "kind": k, "value": v} for k, v in search_keys(pf)]
                if keys:
                    conn.execute(footprint_keys.insert(), keys)
                if names:
                    conn.execute(shares.insert(), [{"footprint_id": pf["id"], "client_name": n} for n in sorted(names)])
                if then is not None:
                    then(conn, names)
        except sa.exc.IntegrityError:
            raise ServerError(
                f"product {product_key!r} was published by someone else meanwhile (or id {pf['id']} exists); "
                "publish again"
            ) from None
        return names

    def _deprecate(self, conn: sa.Connection, pf_id: str, product_key: str) -> set[str]:
        row = conn.execute(
            sa.select(footprints.c.document).where(footprints.c.id == pf_id, footprints.c.active_key == product_key)
        ).first()
        if row is None:
            raise sa.exc.IntegrityError("superseded footprint is no longer active", None, ValueError())
        doc = json.loads(row.document)
        doc["status"] = "Deprecated"
        conn.execute(
            footprints.update()
            .where(footprints.c.id == pf_id)
            .values(status="Deprecated", active_key=None, document=json.dumps(doc, ensure_ascii=False))
        )
        return set(conn.execute(sa.select(shares.c.client_name).where(shares.c.footprint_id == pf_id)).scalars())

    @read_again_if_disconnected
    def footprint(self, pf_id: str) -> tuple[dict[str, Any], set[str]] | None:
        """A footprint and the names of the clients it is shared with, or None."""
        with self._tx(checked=False) as conn:
            doc = conn.execute(sa.select(footprints.c.document).where(footprints.c.id == pf_id)).scalar()
            if doc is None:
                return None
            names = set(conn.execute(sa.select(shares.c.client_name).where(shares.c.footprint_id == pf_id)).scalars())
        return json.loads(doc), names

    def list_footprints(
        self, client: str, where: Sequence[Any], offset: int, limit: int
    ) -> tuple[list[dict[str, Any]], bool]:
        """Footprints shared with ``client`` matching every condition of ``where``, in publication order: up
        to ``limit`` from ``offset``, and whether more follow."""
        texts, more = self.list_documents(client, where, offset, limit)
        return [json.loads(t) for t in texts], more

    @read_again_if_disconnected
    def list_documents(self, client: str, where: Sequence[Any], offset: int, limit: int) -> tuple[list[str], bool]:
        """:meth:`list_footprints` as the stored JSON texts, for an answer that sends them as they are (parsing
        and writing them again would only cost time)."""
        shared = sa.exists().where(shares.c.footprint_id == footprints.c.id, shares.c.client_name == client)
        q = (
            sa.select(footprints.c.document)
            .where(shared, *where)
            .order_by(footprints.c.seq)
            .offset(offset)
            .limit(limit + 1)
        )
        with self._tx(checked=False) as conn:
            docs = list(conn.execute(q).scalars())
        return docs[:limit], len(docs) > limit

    @read_again_if_disconnected
    def shared_document(self, pf_id: str, client: str) -> tuple[str | None, bool]:
        """A footprint's stored JSON text (None when there is none) and whether it is shared with ``client``,
        in one query."""
        shared = sa.exists().where(shares.c.footprint_id == pf_id, shares.c.client_name == client)
        q = sa.select(footprints.c.document, shared.label("shared")).where(footprints.c.id == pf_id)
        with self._tx(checked=False) as conn:
            row = conn.execute(q).first()
        return (None, False) if row is None else (str(row[0]), bool(row[1]))

    def counts(self) -> dict[str, int]:
        """Rows per table (for checks that a refused request changed nothing)."""
        with self._tx() as conn:
            return {
                t.name: int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar() or 0)
                for t in metadata.sorted_tables
            }


def has_key(kind: str, values: Sequence[str]) -> Any:
    """The condition: the footprint has a ``kind`` value equal (case-insensitively) to one of ``values``."""
    return sa.exists().where(
        footprint_keys.c.footprint_id == footprints.c.id,
        footprint_keys.c.kind == kind,
        footprint_keys.c.value.in_([v.lower() for v in values]),
    )


def search_keys(pf: dict[str, Any]) -> list[tuple[str, str]]:
    """The searchable values of a PACT footprint, lower-cased: (kind, value) pairs."""
    out = [("product", str(v).lower()) for v in pf.get("productIds", [])]
    out += [("company", str(v).lower()) for v in pf.get("companyIds", [])]
    out += [("classification", str(v).lower()) for v in pf.get("productClassifications", []) or []]
    pcf = pf.get("pcf", {})
    for field in ("geographyRegionOrSubregion", "geographyCountry", "geographyCountrySubdivision"):
        if pcf.get(field):
            out.append(("geography", str(pcf[field]).lower()))
    return sorted(set(out))


def validity(pf: dict[str, Any]) -> tuple[str, str]:
    """The validity period of a PACT footprint as stored (UTC, ``YYYY-MM-DDTHH:MM:SSZ``): its own, else from
    the reference period's end for 3 years (PACT v3, ProductFootprint.validityPeriodStart)."""
    pcf = pf.get("pcf", {})
    start = pf.get("validityPeriodStart") or pcf["referencePeriodEnd"]
    start_dt = parse_time(start)
    end = pf.get("validityPeriodEnd")
    if end:
        end_dt = parse_time(end)
    else:
        try:
            end_dt = start_dt.replace(year=start_dt.year + 3)
        except ValueError:  # 29 February
            end_dt = start_dt.replace(year=start_dt.year + 3, day=28)
    return stamp(start_dt), stamp(end_dt)


def parse_time(text: str) -> datetime:
    """An ISO 8601 date-time with a zone (``Z`` or an offset), as an aware datetime; ValueError otherwise."""
    t = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if t.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone")
    return t


def stamp(t: datetime) -> str:
    """``t`` in UTC as the service stores it: sortable text, the year always four digits (``strftime`` writes
    year 999 as ``999``, which sorts after ``2025``). A time whose UTC falls outside years 1..9999 (an offset
    at either end) becomes the first or last second of that range."""
    try:
        u = t.astimezone(UTC)
    except OverflowError:
        return "0001-01-01T00:00:00Z" if t.year == 1 else "9999-12-31T23:59:59Z"
    return f"{u.year:04d}-{u:%m-%dT%H:%M:%S}Z"


def _ensure_live(conn: sa.Connection) -> None:
    """Ping ``conn``'s database connection; one the server ended is invalidated, so that its next use opens
    a new one (what the pool's ``pre_ping`` does, here only where asked)."""
    dbapi_conn = conn.connection.dbapi_connection
    assert dbapi_conn is not None  # a connection just checked out
    try:
        conn.dialect.do_ping(dbapi_conn)
    except conn.dialect.loaded_dbapi.Error as e:
        if not conn.dialect.is_disconnect(e, dbapi_conn, None):
            raise
        conn.invalidate()


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()
