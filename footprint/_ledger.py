"""A ledger of footprint snapshots: an append-only, versioned, hash-chained record of results in a database.

Each :meth:`Ledger.record` appends an immutable :class:`Snapshot` of a :class:`FootprintResult` under its
product and a reporting period. Versions count 1, 2, 3 ... per key (product, period, GWP set, boundary: a
restatement under another GWP set is a sibling chain, not a successor), and every snapshot after
the first names the one it supersedes. Every snapshot carries a content hash chained to the one recorded
before it, checked whenever it is read and by :meth:`Ledger.verify`. The database refuses UPDATE, DELETE
and replacing inserts (triggers, checked at open), and concurrent writers get consecutive versions. SQLite
(one file, the default) or PostgreSQL, through SQLAlchemy Core (:mod:`footprint._ledger_schema`, imported
when a ledger is opened); see docs/ledger.md.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, Self, overload

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ._catalogue import CatalogueResult
from ._errors import InputError, LedgerError, LedgerIntegrityError, Problem, expect_type
from ._ledger_chain import HASHED, content_hash, payload_hash
from ._modules import CRADLE_TO_GATE
from ._result import FootprintResult

if TYPE_CHECKING:
    import pandas as pd
    import sqlalchemy as sa

_log = logging.getLogger(__name__)

__all__ = ["APPLICATION_ID", "FRAME_COLUMNS", "SCHEMA_VERSION", "Ledger", "Snapshot"]

#: Written to an SQLite ledger's header (``PRAGMA application_id``) so that a ledger file can be told from
#: others: the bytes of "FPLG".
APPLICATION_ID = 0x46504C47
#: The schema this module writes. Its ``ledger_migrations`` table lists the migrations applied; SQLite's
#: ``PRAGMA user_version`` repeats the highest (schemas 1 and 2 had that alone). Schema 2 keys the chains by
#: (product, period, GWP set, boundary); schema 3 adds the chained content hashes.
SCHEMA_VERSION = 3

Boundary = Literal["cradle-to-gate", "cradle-to-grave"]


def boundary_of(result: FootprintResult) -> Boundary:
    """``cradle-to-gate`` when a result covers A1-A3 only (D apart), ``cradle-to-grave`` otherwise."""
    return "cradle-to-gate" if set(result.by_module) <= CRADLE_TO_GATE | {"D"} else "cradle-to-grave"


#: A snapshot's own fields (all but its result): those its content hash covers, less the result's hash.
_META = tuple(k for k in HASHED if k != "payload_sha256")

#: The columns of :meth:`Ledger.to_frame`.
FRAME_COLUMNS = (
    "id",
    "product_id",
    "period",
    "version",
    "created_at",
    "supersedes",
    "total_kgco2e",
    "cradle_to_gate_kgco2e",
    "module_d_kgco2e",
    "gwp_set",
    "boundary",
    "factor_library_version",
    "input_hash",
    "latest",
)


class Snapshot(BaseModel):
    """One recorded result: version ``version`` of the footprint of ``product_id`` for ``period``.

    ``supersedes`` is the id of the snapshot this one replaces (the previous version), ``None`` for version 1.
    The identifying fields and the three totals repeat those of ``result`` so that listings need not read
    the payload. ``created_at`` is UTC.
    """

    model_config = ConfigDict(frozen=True)

    id: str = Field(pattern=r"^[0-9a-f]{32}$")
    product_id: str
    period: str = Field(min_length=1)
    version: int = Field(ge=1)
    created_at: datetime
    supersedes: str | None
    input_hash: str
    factor_library_version: str
    gwp_set: str
    boundary: Boundary
    total_kgco2e: float
    cradle_to_gate_kgco2e: float
    module_d_kgco2e: float
    note: str | None = None
    result: FootprintResult

    @field_validator("created_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        if value.tzinfo is None or value.utcoffset() != timedelta(0):
            raise ValueError("created_at must be a UTC datetime")
        return value


def _not_a_ledger(name: str, why: str) -> LedgerError:
    return LedgerError(f"{name} is not a footprint ledger: {why}")


def _period(period: str) -> str:
    """A period label as stored: without surrounding white space (``" 2025"`` is ``"2025"``)."""
    return period.strip()


class Ledger:
    """An append-only ledger of footprint snapshots in the database ``target``.

    ``target`` is an SQLite file path (or ``sqlite:///path``; ``":memory:"`` makes a private in-memory ledger
    for tests) or a PostgreSQL URL (``postgresql://user@host/db``, through psycopg 3; the ledger's tables live
    in the connection's current schema, which ``?options=-csearch_path%3Dname`` chooses). A new file or an
    empty database (schema) is given the ledger schema, unless ``create`` is false; an older ledger is migrated.
    Opening anything else, or a ledger whose guarding triggers are missing or altered, raises
    :class:`LedgerError`. Use it as a context manager, or call :meth:`close`. One ``Ledger`` belongs to one
    thread; several processes (or threads, each with its own ``Ledger``) may write the same ledger at once.
    ``timeout`` is how long, in seconds, a writer waits for another's transaction before giving up with
    :class:`LedgerError`.
    """

    def __init__(self, target: str | os.PathLike[str], *, timeout: float = 30.0, create: bool = True) -> None:
        expect_type(target, (str, os.PathLike), "path")
        self.path: str = os.fspath(target)
        self._timeout = timeout
        import sqlalchemy as sa

        from . import _ledger_schema as schema

        url = schema.engine_url(self.path)
        self._name = url.database or ":memory:" if url.get_backend_name() == "sqlite" else self._display(url)
        self._sqlite = url.get_backend_name() == "sqlite"
        memory = self._sqlite and url.database in {None, "", ":memory:"}
        if self._sqlite and not create and not memory and not os.path.exists(url.database or ""):
            raise LedgerError(f"no ledger at {self._name}")
        try:
            self._engine = self._make_engine(url, memory)
            self._conn = self._engine.connect()
        except (sa.exc.SQLAlchemyError, ValueError) as e:  # ValueError: a NUL byte in the path
            raise LedgerError(f"cannot open ledger {self._name}: {e}") from e
        try:
            self._open(create)
        except BaseException:
            self.close()
            raise

    @staticmethod
    def _display(url: sa.URL) -> str:
        return url.set(drivername=url.get_backend_name()).render_as_string(hide_password=True)

    def _make_engine(self, url: sa.URL, memory: bool) -> sa.Engine:
        import sqlalchemy as sa

        if not self._sqlite:
            return sa.create_engine(
                url, poolclass=sa.pool.NullPool, connect_args={"connect_timeout": max(1, int(self._timeout))}
            )
        # The driver's own transaction handling is off (isolation_level=None): the "begin" hook below issues
        # BEGIN IMMEDIATE for writes, so that the write lock is taken before the latest version is read.
        engine = sa.create_engine(
            url,
            poolclass=sa.pool.StaticPool if memory else sa.pool.NullPool,
            connect_args={"timeout": self._timeout, "isolation_level": None},
        )

        @sa.event.listens_for(engine, "begin")
        def _begin(conn: sa.Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("ledger_write") else "BEGIN")

        return engine

    # -- opening ---------------------------------------------------------------------------------------------

    def _inspect(self) -> tuple[bool, int, list[str]]:
        """Whether the database is marked as a ledger, its schema version and its table names, read in one
        transaction (another process may be creating the schema at the same moment)."""
        import sqlalchemy as sa

        from . import _ledger_schema as schema

        conn = self._conn
        try:
            if self._sqlite:
                marked = conn.exec_driver_sql("PRAGMA application_id").scalar() == APPLICATION_ID
                version = int(conn.exec_driver_sql("PRAGMA user_version").scalar() or 0)
                names = list(conn.exec_driver_sql("SELECT name FROM sqlite_master ORDER BY name").scalars())
            else:
                current = conn.exec_driver_sql("SELECT current_schema()").scalar()
                if current is None:
                    raise LedgerError(
                        f"cannot open ledger {self._name}: the schema named by its search_path does not exist"
                    )
                names = list(
                    conn.exec_driver_sql(
                        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                        "ORDER BY table_name"
                    ).scalars()
                )
                marked = schema.migrations.name in names
                version = 0
            if marked and schema.migrations.name in names:
                version = int(conn.execute(sa.select(sa.func.max(schema.migrations.c.version))).scalar() or 0)
        except sa.exc.DatabaseError as e:
            if self._sqlite and "not a database" in str(e):
                raise _not_a_ledger(self._name, f"not an SQLite database ({e.orig})") from e
            raise LedgerError(f"cannot open ledger {self._name}: {e.orig}") from e
        except sa.exc.SQLAlchemyError as e:
            raise LedgerError(f"cannot open ledger {self._name}: {e}") from e
        return marked, version, names

    def _check(self, marked: bool, version: int, names: list[str]) -> None:
        if not marked:
            shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
            where = "an SQLite database" if self._sqlite else "a PostgreSQL schema"
            raise _not_a_ledger(self._name, f"{where} with other tables ({shown}) and no ledger schema version")
        if version > SCHEMA_VERSION:
            raise LedgerError(
                f"ledger {self._name} has schema version {version}, newer than the {SCHEMA_VERSION} this "
                "footprint reads; upgrade footprint"
            )
        if version < 1 or "snapshots" not in names:
            raise _not_a_ledger(self._name, f"it is marked as a ledger but has no snapshots table (schema {version})")

    def _open(self, create: bool) -> None:
        from . import _ledger_schema as schema

        with self._read() as conn:
            state = self._inspect()
            empty = not state[0] and not state[2] and state[1] == 0
            if empty and not create:
                raise LedgerError(f"no ledger at {self._name}")
            if not empty:
                self._check(*state)  # before anything is written: a foreign database stays as it was
                self._check_guards(conn, state[1])
        if self._sqlite:
            self._sqlite_settings()
        changed = empty or state[1] < SCHEMA_VERSION
        if changed:
            with self._schema_transaction() as conn:
                # Another process may have created or migrated the schema since we looked.
                marked, version, names = self._inspect()
                if not marked and not names and version == 0:
                    schema.create(conn)
                else:
                    self._check(marked, version, names)
                    if version < SCHEMA_VERSION:
                        _log.info("migrating ledger %s from schema %d to %d", self._name, version, SCHEMA_VERSION)
                        schema.migrate(conn, version)
        if self._sqlite:  # after migrating: schema 1 -> 2 rebuilds the table under its name
            self._raw().execute("PRAGMA foreign_keys = ON")
        if changed:  # what was created or migrated is checked as it now stands; else the checks above hold
            with self._read() as conn:
                self._check(*self._inspect())
                self._check_guards(conn, SCHEMA_VERSION)

    def _check_guards(self, conn: sa.Connection, version: int) -> None:
        from . import _ledger_schema as schema

        problems = schema.guard_problems(conn, version)
        if problems:
            raise LedgerError(
                f"ledger {self._name} has lost its guards ({'; '.join(problems)}): its snapshots can no longer "
                "be trusted to be as recorded; not opened. Restore it from a backup."
            )

    def _sqlite_settings(self) -> None:
        mode = self._wal()
        if mode.lower() not in {"wal", "memory"}:
            raise LedgerError(
                f"ledger {self._name}: SQLite could not switch to WAL journal mode (got {mode!r}); the file "
                "system may not support it (network file systems do not)"
            )
        self._raw().execute("PRAGMA synchronous = FULL")

    def _raw(self) -> Any:
        """The driver's own connection (sqlite3), for the PRAGMAs that must run outside a transaction."""
        return self._conn.connection.driver_connection

    def _wal(self) -> str:
        """Switch to WAL journal mode and return the mode now in force.

        Switching needs a moment of exclusive access, and SQLite answers "database is locked" at once (without
        waiting the busy timeout) while another process holds the file, as when several open a new ledger
        together; so retry until the timeout.
        """
        import sqlite3

        deadline = time.monotonic() + self._timeout
        delay = 0.002
        while True:
            try:
                return str(self._raw().execute("PRAGMA journal_mode = WAL").fetchone()[0])
            except sqlite3.OperationalError as e:
                busy = e.sqlite_errorcode & 0xFF in {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
                if not busy or time.monotonic() >= deadline:
                    raise LedgerError(f"cannot open ledger {self._name}: {e}") from e
            time.sleep(delay)
            delay = min(2 * delay, 0.05)

    # -- transactions ----------------------------------------------------------------------------------------

    @contextmanager
    def _read(self) -> Iterator[sa.Connection]:
        """A read transaction: one consistent view of the database, rolled back at the end."""
        import sqlalchemy as sa

        conn = self._conn
        conn.info["ledger_write"] = False
        try:
            with conn.begin() as tx:
                yield conn
                tx.rollback()
        except sa.exc.SQLAlchemyError as e:
            raise LedgerError(f"cannot read ledger {self._name}: {getattr(e, 'orig', None) or e}") from e

    @contextmanager
    def _schema_transaction(self) -> Iterator[sa.Connection]:
        """A transaction that may create or migrate the schema: one process at a time."""
        with self._write(lock_table=False) as conn:
            if not self._sqlite:
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext('footprint ledger ' || current_schema()))")
            yield conn

    @contextmanager
    def _write(self, *, lock_table: bool = True) -> Iterator[sa.Connection]:
        """A write transaction that holds the ledger's write lock from its start (SQLite ``BEGIN IMMEDIATE``,
        PostgreSQL ``LOCK TABLE ... IN EXCLUSIVE MODE``, which readers pass): no two writers read the same
        latest version or chain to the same hash. Any exception rolls everything back."""
        import sqlalchemy as sa

        conn = self._conn
        conn.info["ledger_write"] = True
        try:
            tx = conn.begin()
            if not self._sqlite:
                conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(self._timeout * 1000)}ms'")
                if lock_table:
                    conn.exec_driver_sql("LOCK TABLE snapshots IN EXCLUSIVE MODE")
        except sa.exc.SQLAlchemyError as e:
            if conn.in_transaction():
                conn.rollback()
            raise LedgerError(f"cannot write to ledger {self._name}: {getattr(e, 'orig', None) or e}") from e
        finally:
            conn.info["ledger_write"] = False
        with tx:
            yield conn

    # -- writing ---------------------------------------------------------------------------------------------

    @overload
    def record(self, result: FootprintResult, period: str, note: str | None = None) -> Snapshot: ...

    @overload
    def record(self, result: CatalogueResult, period: str, note: str | None = None) -> list[Snapshot]: ...

    def record(
        self, result: FootprintResult | CatalogueResult, period: str, note: str | None = None
    ) -> Snapshot | list[Snapshot]:
        """Append ``result`` as the next snapshot of its key (product, ``period``, GWP set, boundary), and return it.

        The new snapshot takes version ``latest + 1`` (1 for the first) and supersedes the latest. If
        ``result`` is identical to the latest snapshot's result of its key (equal in every field:
        the same input hash, GWP set, factor library version and every number), nothing is added and that
        latest snapshot is returned as it is (its note unchanged). The version is assigned under the
        database's write lock, so concurrent writers from several processes never share one; if anything
        fails before the commit, nothing is written and no earlier snapshot is touched. ``period`` is
        stored without surrounding white space.

        A :class:`CatalogueResult` records every product's full result (:meth:`CatalogueResult.footprint`)
        in one transaction and returns their snapshots. A snapshot's id is derived from its content
        (product, period, version, result), so replaying the same records gives the same ids.
        """
        import sqlalchemy as sa

        expect_type(result, (FootprintResult, CatalogueResult), "result")
        expect_type(period, str, "period")
        period = _period(period)
        if not period:
            raise InputError(
                [Problem("period must be a non-empty string", field="period", value=period, expected="e.g. '2025'")],
                what="Ledger.record",
            )
        expect_type(note, (str, type(None)), "note")
        if isinstance(result, CatalogueResult):
            results = [result.footprint(str(p)) for p in result.by_product.index]
            _log.debug("recording %d products of a catalogue result for %s", len(results), period)
        else:
            results = [result]
        payloads = [self._payload(r) for r in results]  # before the write lock
        try:
            with self._write() as conn:
                snapshots = [self._append(conn, r, p, period, note) for r, p in zip(results, payloads, strict=True)]
        except sa.exc.SQLAlchemyError as e:
            raise LedgerError(
                f"cannot record {results[0].product_id!r} for period {period!r} in ledger {self._name}: "
                f"{getattr(e, 'orig', None) or e}"
            ) from e
        return snapshots if isinstance(result, CatalogueResult) else snapshots[0]

    def _append(
        self, conn: sa.Connection, result: FootprintResult, payload: str, period: str, note: str | None
    ) -> Snapshot:
        """Append one snapshot inside an open write transaction (or return the latest when it is identical)."""
        import sqlalchemy as sa

        from ._ledger_schema import snapshots as t

        boundary = boundary_of(result)
        key = (t.c.product_id, t.c.period, t.c.gwp_set, t.c.boundary)
        wanted = (result.product_id, period, result.gwp_set, boundary)
        query = self._select().where(*(c == v for c, v in zip(key, wanted, strict=True)))
        row = conn.execute(query.order_by(t.c.version.desc()).limit(1)).first()
        latest = self._snapshot(row._mapping) if row is not None else None
        if latest is not None and latest.result == result:
            return latest
        version = latest.version + 1 if latest is not None else 1
        content = "\x1f".join((result.product_id, period, result.gwp_set, boundary, str(version), payload)).encode()
        snapshot = Snapshot(
            id=payload_hash(content.decode())[:32],
            product_id=result.product_id,
            period=period,
            version=version,
            created_at=datetime.now(UTC),
            supersedes=latest.id if latest is not None else None,
            input_hash=result.input_hash,
            factor_library_version=result.factor_library_version,
            gwp_set=result.gwp_set,
            boundary=boundary,
            total_kgco2e=result.total_kgco2e,
            cradle_to_gate_kgco2e=result.cradle_to_gate_kgco2e,
            module_d_kgco2e=result.module_d_kgco2e,
            note=note,
            result=result,
        )
        values: dict[str, Any] = snapshot.model_dump(include=set(_META))
        values["created_at"] = snapshot.created_at.isoformat()
        values["payload_sha256"] = payload_hash(payload)
        previous = conn.execute(sa.select(t.c.content_hash).order_by(t.c.seq.desc()).limit(1)).scalar()
        values["content_hash"] = content_hash(values, previous)
        conn.execute(t.insert().values(**values, result_json=payload))
        _log.debug("recorded %s v%d for %s (%s)", result.product_id, version, period, snapshot.id)
        return snapshot

    def _payload(self, result: FootprintResult) -> str:
        """``result`` as JSON, checked to read back equal (a NaN or infinity would not)."""
        try:
            payload = result.model_dump_json()
            back = FootprintResult.model_validate_json(payload)
        except (ValueError, TypeError) as e:  # PydanticSerializationError and ValidationError are ValueErrors
            raise LedgerError(f"cannot store the result of {result.product_id!r} as JSON: {e}") from e
        if back != result:
            raise LedgerError(
                f"the result of {result.product_id!r} does not survive a JSON round trip (a NaN or infinite "
                "number?); not recorded"
            )
        return payload

    # -- integrity -------------------------------------------------------------------------------------------

    def _broken(self, row: Mapping[Any, Any], why: str) -> LedgerIntegrityError:
        return LedgerIntegrityError(
            f"ledger {self._name}: snapshot {row['id']} ({row['product_id']!r}, period {row['period']!r}, version "
            f"{row['version']}) {why}; it is not as recorded",
            snapshot_id=str(row["id"]),
        )

    def _check_hash(self, row: Mapping[Any, Any], previous: str | None) -> None:
        """Check ``row``'s content hash against its fields and its predecessor's hash."""
        try:
            expected = content_hash(row, previous)
        except (ValueError, TypeError, KeyError) as e:
            raise self._broken(row, f"has fields that no ledger writes ({e})") from e
        if row["content_hash"] != expected:
            raise self._broken(
                row, "does not match its content hash (edited, or a snapshot before it was removed or inserted)"
            )

    def _check_payload(self, row: Mapping[Any, Any]) -> None:
        if row["payload_sha256"] != payload_hash(row["result_json"]):
            raise self._broken(row, "has a result that does not match its payload hash")

    def verify(self) -> int:
        """Check the whole ledger and return the number of snapshots checked.

        In commit order, every snapshot's result must match its payload hash, its fields and its
        predecessor's hash its content hash, its result must read back with the totals of its row, and the
        versions of each key must run 1, 2, 3 ... each superseding the one before. The first
        snapshot that fails raises :class:`LedgerIntegrityError` naming it.
        """
        from ._ledger_schema import snapshots as t

        previous: str | None = None
        latest: dict[tuple[str, str, str, str], tuple[int, str]] = {}
        count = 0
        with self._read() as conn:
            rows = conn.execute(self._select(with_previous=False).order_by(t.c.seq)).mappings()
            for row in rows:
                self._check_payload(row)
                self._check_hash(row, previous)
                snap = self._snapshot(row, checked=True)
                result = snap.result
                if (snap.total_kgco2e, snap.cradle_to_gate_kgco2e, snap.module_d_kgco2e) != (
                    result.total_kgco2e,
                    result.cradle_to_gate_kgco2e,
                    result.module_d_kgco2e,
                ):
                    raise self._broken(row, "has totals that differ from its result's")
                key = (snap.product_id, snap.period, snap.gwp_set, snap.boundary)
                before = latest.get(key)
                if (snap.version, snap.supersedes) != ((before[0] + 1, before[1]) if before else (1, None)):
                    raise self._broken(row, "breaks the version chain of its key")
                latest[key] = (snap.version, snap.id)
                previous = row["content_hash"]
                count += 1
        return count

    # -- reading ---------------------------------------------------------------------------------------------

    @staticmethod
    def _select(*, with_previous: bool = True, payload: bool = True) -> sa.Select[Any]:
        """The stored columns, and the content hash of the snapshot committed just before each row."""
        import sqlalchemy as sa

        from ._ledger_schema import snapshots as t

        cols: list[Any] = [t.c[k] for k in _META] + [t.c.payload_sha256, t.c.content_hash]
        if payload:
            cols.append(t.c.result_json)
        if with_previous:
            p = t.alias("p")
            previous = sa.select(p.c.content_hash).where(p.c.seq < t.c.seq).order_by(p.c.seq.desc()).limit(1)
            cols.append(previous.scalar_subquery().label("previous_hash"))
        return sa.select(*cols)

    def _snapshot(self, row: Mapping[Any, Any], *, checked: bool = False) -> Snapshot:
        """The snapshot of a row, its hashes checked first (unless the caller has)."""
        if not checked:
            self._check_payload(row)
            self._check_hash(row, row["previous_hash"])
        meta = {k: row[k] for k in _META}
        meta["created_at"] = datetime.fromisoformat(meta["created_at"])
        try:
            return Snapshot(**meta, result=FootprintResult.model_validate_json(row["result_json"]))
        except ValidationError as e:
            raise LedgerError(f"snapshot {meta['id']} cannot be read back: {e}") from e

    def _rows(self, query: sa.Select[Any]) -> list[Snapshot]:
        with self._read() as conn:
            return [self._snapshot(r) for r in conn.execute(query).mappings()]

    def get(self, snapshot_id: str) -> Snapshot:
        """The snapshot with id ``snapshot_id``; :class:`LedgerError` if there is none."""
        from ._ledger_schema import snapshots as t

        rows = self._rows(self._select().where(t.c.id == snapshot_id))
        if not rows:
            raise LedgerError(f"no snapshot {snapshot_id!r} in ledger {self._name}")
        return rows[0]

    def latest(
        self, product_id: str, period: str, gwp_set: str | None = None, boundary: Boundary | None = None
    ) -> Snapshot | None:
        """The highest version recorded for (``product_id``, ``period``) under ``gwp_set`` and ``boundary``
        (when given; otherwise the most recently recorded chain's), or ``None`` if there is none."""
        from ._ledger_schema import snapshots as t

        query = self._select().where(t.c.product_id == product_id, t.c.period == _period(period))
        if gwp_set is not None:
            query = query.where(t.c.gwp_set == gwp_set)
        if boundary is not None:
            query = query.where(t.c.boundary == boundary)
        rows = self._rows(query.order_by(t.c.seq.desc()).limit(1))
        return rows[0] if rows else None

    def history(self, product_id: str, period: str | None = None) -> list[Snapshot]:
        """Every snapshot of ``product_id`` (for ``period`` only, if given), oldest first (in commit order)."""
        from ._ledger_schema import snapshots as t

        query = self._select().where(t.c.product_id == product_id)
        if period is not None:
            query = query.where(t.c.period == _period(period))
        return self._rows(query.order_by(t.c.seq))

    def periods(self, product_id: str | None = None) -> list[str]:
        """The periods with at least one snapshot (of ``product_id``, if given), sorted."""
        import sqlalchemy as sa

        from ._ledger_schema import snapshots as t

        query = sa.select(t.c.period).distinct().order_by(t.c.period)
        if product_id is not None:
            query = query.where(t.c.product_id == product_id)
        with self._read() as conn:
            return [str(p) for p in conn.execute(query).scalars()]

    def to_frame(self, period: str | None = None) -> pd.DataFrame:
        """One row per snapshot (of ``period``, if given), without the result payload, sorted by product,
        period, GWP set, boundary and version; ``latest`` marks the highest version of each key. Each row's
        content hash is checked."""
        return self._frame(period, latest_only=False)

    def latest_frame(self, period: str | None = None) -> pd.DataFrame:
        """Like :meth:`to_frame`, with only the latest snapshot of each key."""
        return self._frame(period, latest_only=True)

    def _frame(self, period: str | None, latest_only: bool) -> pd.DataFrame:
        import pandas as pd
        import sqlalchemy as sa

        from ._ledger_schema import snapshots as t

        key = ("product_id", "period", "gwp_set", "boundary")
        top = (
            sa.select(*(t.c[k] for k in key), sa.func.max(t.c.version).label("top"))
            .group_by(*(t.c[k] for k in key))
            .subquery("m")
        )
        base = self._select(payload=False).subquery("s")
        query = (
            sa.select(base, (base.c.version == top.c.top).label("latest"))
            .join_from(base, top, sa.and_(*(base.c[k] == top.c[k] for k in key)))
            .order_by(*(base.c[k] for k in key), base.c.version)
        )
        if period is not None:
            query = query.where(base.c.period == _period(period))
        if latest_only:
            query = query.where(base.c.version == top.c.top)
        with self._read() as conn:
            rows = list(conn.execute(query).mappings())
        for row in rows:
            self._check_hash(row, row["previous_hash"])
        # Built as objects first, so that pandas keeps supersedes' None (it would infer str with NaN).
        df = pd.DataFrame([[r[c] for c in FRAME_COLUMNS] for r in rows], columns=list(FRAME_COLUMNS), dtype=object)
        strings = ("id", "product_id", "period", "gwp_set", "boundary", "factor_library_version", "input_hash")
        return df.astype(
            {
                **dict.fromkeys(strings, "str"),
                "version": "int64",
                "supersedes": object,  # None for version 1
                "total_kgco2e": "float64",
                "cradle_to_gate_kgco2e": "float64",
                "module_d_kgco2e": "float64",
                "latest": bool,
            }
        ).assign(created_at=pd.to_datetime(df["created_at"], utc=True, format="ISO8601").astype("datetime64[us, UTC]"))

    # -- handle ----------------------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the database connection (again is harmless)."""
        conn = getattr(self, "_conn", None)
        if conn is not None:
            conn.close()
        engine = getattr(self, "_engine", None)
        if engine is not None:
            engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Ledger({self._name!r})"
