"""A ledger of footprint snapshots: an append-only, versioned record of results in one SQLite file.

Each :meth:`Ledger.record` appends an immutable :class:`Snapshot` of a :class:`FootprintResult` under its
product and a reporting period. Versions count 1, 2, 3 ... per (product, period), and every snapshot after
the first names the one it supersedes. The database refuses UPDATE and DELETE on snapshots (triggers), and
writers from several processes get consecutive versions (``BEGIN IMMEDIATE`` in WAL mode). Standard library
``sqlite3`` only; see docs/ledger.md.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, Self, overload

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ._catalogue import CatalogueResult
from ._errors import InputError, LedgerError, Problem, expect_type
from ._result import FootprintResult

if TYPE_CHECKING:
    import pandas as pd

_log = logging.getLogger(__name__)

__all__ = ["APPLICATION_ID", "FRAME_COLUMNS", "SCHEMA_VERSION", "Ledger", "Snapshot"]

#: Written to the SQLite header (``PRAGMA application_id``) so that a ledger file can be told from others:
#: the bytes of "FPLG".
APPLICATION_ID = 0x46504C47
#: The schema this module writes (``PRAGMA user_version``); a migration raises it. Schema 2 keys the chains
#: by (product, period, GWP set, boundary); schema 1 files are migrated when opened.
SCHEMA_VERSION = 2

Boundary = Literal["cradle-to-gate", "cradle-to-grave"]

_TABLE = """
    CREATE TABLE {name} (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE CHECK (length(id) = 32),
        product_id TEXT NOT NULL,
        period TEXT NOT NULL CHECK (period <> ''),
        version INTEGER NOT NULL CHECK (version >= 1),
        created_at TEXT NOT NULL,
        supersedes TEXT REFERENCES snapshots (id),
        input_hash TEXT NOT NULL,
        factor_library_version TEXT NOT NULL,
        gwp_set TEXT NOT NULL,
        boundary TEXT NOT NULL CHECK (boundary IN ('cradle-to-gate', 'cradle-to-grave')),
        total_kgco2e REAL NOT NULL,
        cradle_to_gate_kgco2e REAL NOT NULL,
        module_d_kgco2e REAL NOT NULL,
        note TEXT,
        result_json TEXT NOT NULL,
        UNIQUE (product_id, period, gwp_set, boundary, version),
        CHECK ((version = 1) = (supersedes IS NULL))
    )
    """
_TRIGGERS: tuple[str, ...] = (
    """
    CREATE TRIGGER snapshots_no_update BEFORE UPDATE ON snapshots
    BEGIN
        SELECT RAISE(ABORT, 'footprint ledger: snapshots are immutable, UPDATE refused');
    END
    """,
    """
    CREATE TRIGGER snapshots_no_delete BEFORE DELETE ON snapshots
    BEGIN
        SELECT RAISE(ABORT, 'footprint ledger: snapshots are immutable, DELETE refused');
    END
    """,
    # A new snapshot must continue its (product, period, GWP set, boundary) chain: the next version,
    # superseding the latest. A restatement under another set or boundary is a chain of its own.
    """
    CREATE TRIGGER snapshots_chain BEFORE INSERT ON snapshots
    WHEN NEW.version IS NOT 1 + coalesce(
            (SELECT max(version) FROM snapshots WHERE product_id = NEW.product_id AND period = NEW.period
             AND gwp_set = NEW.gwp_set AND boundary = NEW.boundary), 0)
        OR NEW.supersedes IS NOT (
            SELECT id FROM snapshots WHERE product_id = NEW.product_id AND period = NEW.period
            AND gwp_set = NEW.gwp_set AND boundary = NEW.boundary ORDER BY version DESC LIMIT 1)
    BEGIN
        SELECT RAISE(ABORT, 'footprint ledger: a snapshot must take the next version and supersede the latest');
    END
    """,
)
_SCHEMA: tuple[str, ...] = (
    _TABLE.format(name="snapshots"),
    *_TRIGGERS,
    f"PRAGMA application_id = {APPLICATION_ID}",
    f"PRAGMA user_version = {SCHEMA_VERSION}",
)
# Schema 1 -> 2: the boundary of each snapshot from the modules its result covers (as :func:`boundary_of`).
_BOUNDARY_SQL = """CASE WHEN EXISTS (SELECT 1 FROM json_each(result_json, '$.by_module')
    WHERE key NOT IN ('A1', 'A2', 'A3', 'D')) THEN 'cradle-to-grave' ELSE 'cradle-to-gate' END"""
_V1_COLUMNS = (
    "seq, id, product_id, period, version, created_at, supersedes, input_hash, factor_library_version, gwp_set, "
    "total_kgco2e, cradle_to_gate_kgco2e, module_d_kgco2e, note, result_json"
)
_MIGRATE_1_2: tuple[str, ...] = (
    _TABLE.format(name="snapshots_v2"),
    f"INSERT INTO snapshots_v2 ({_V1_COLUMNS}, boundary) SELECT {_V1_COLUMNS}, {_BOUNDARY_SQL} FROM snapshots",
    "DROP TRIGGER snapshots_no_update",
    "DROP TRIGGER snapshots_no_delete",
    "DROP TRIGGER IF EXISTS snapshots_chain",
    "DROP TABLE snapshots",
    "ALTER TABLE snapshots_v2 RENAME TO snapshots",
    *_TRIGGERS,
    f"PRAGMA user_version = {SCHEMA_VERSION}",
)


def boundary_of(result: FootprintResult) -> Boundary:
    """``cradle-to-gate`` when a result covers A1-A3 only (D apart), ``cradle-to-grave`` otherwise."""
    return "cradle-to-gate" if set(result.by_module) <= {"A1", "A2", "A3", "D"} else "cradle-to-grave"


_META = (
    "id",
    "product_id",
    "period",
    "version",
    "created_at",
    "supersedes",
    "input_hash",
    "factor_library_version",
    "gwp_set",
    "boundary",
    "total_kgco2e",
    "cradle_to_gate_kgco2e",
    "module_d_kgco2e",
    "note",
)
_SELECT = f"SELECT {', '.join(_META)}, result_json FROM snapshots"

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


def _not_a_ledger(path: str, why: str) -> LedgerError:
    return LedgerError(f"{path} is not a footprint ledger: {why}")


class Ledger:
    """An append-only ledger of footprint snapshots in the SQLite file ``path``.

    A new or empty file is given the ledger schema; ``":memory:"`` makes a private in-memory ledger (for
    tests). Opening any other file (not SQLite, or SQLite with other tables) raises :class:`LedgerError`.
    Use it as a context manager, or call :meth:`close`. One ``Ledger`` belongs to one thread; several
    processes (or threads, each with its own ``Ledger``) may write the same file at once. ``timeout`` is how
    long, in seconds, a writer waits for another's transaction before giving up with :class:`LedgerError`.
    """

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 30.0) -> None:
        expect_type(path, (str, os.PathLike), "path")
        self.path: str = os.fspath(path)
        self._name = self.path
        self._timeout = timeout
        try:
            self._conn = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        except (sqlite3.Error, ValueError) as e:  # ValueError: a NUL byte in the path
            raise LedgerError(f"cannot open ledger {self._name}: {e}") from e
        try:
            self._conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            self._open()
        except BaseException:
            self._conn.close()
            raise

    # -- opening ---------------------------------------------------------------------------------------------

    def _inspect(self, *, in_transaction: bool = False) -> tuple[int, int, list[str]]:
        """The file's application id, schema version and object names, read in one consistent snapshot
        (another process may be creating the schema at the same moment)."""
        conn = self._conn
        try:
            if not in_transaction:
                conn.execute("BEGIN")
            try:
                app_id = conn.execute("PRAGMA application_id").fetchone()[0]
                user_version = conn.execute("PRAGMA user_version").fetchone()[0]
                names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master ORDER BY name")]
            finally:
                if not in_transaction and conn.in_transaction:
                    conn.execute("ROLLBACK")
        except sqlite3.OperationalError as e:  # cannot open, locked beyond the timeout, ...
            raise LedgerError(f"cannot open ledger {self._name}: {e}") from e
        except sqlite3.DatabaseError as e:  # "file is not a database"
            raise _not_a_ledger(self._name, f"not an SQLite database ({e})") from e
        return app_id, user_version, names

    def _check(self, app_id: int, user_version: int, names: list[str]) -> None:
        if app_id != APPLICATION_ID:
            shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
            raise _not_a_ledger(
                self._name, f"an SQLite database with other tables ({shown}) and no ledger schema version"
            )
        if user_version > SCHEMA_VERSION:
            raise LedgerError(
                f"ledger {self._name} has schema version {user_version}, newer than the {SCHEMA_VERSION} this "
                "footprint reads; upgrade footprint"
            )
        if user_version < 1 or "snapshots" not in names:
            raise _not_a_ledger(
                self._name, f"it is marked as a ledger but has no snapshots table (schema {user_version})"
            )

    def _open(self) -> None:
        conn = self._conn
        app_id, user_version, names = self._inspect()
        empty = app_id == 0 and user_version == 0 and not names
        if not empty:
            # Checked before anything is written: a foreign database stays as it was.
            self._check(app_id, user_version, names)
        mode = self._wal()
        if mode.lower() not in {"wal", "memory"}:
            raise LedgerError(
                f"ledger {self._name}: SQLite could not switch to WAL journal mode (got {mode!r}); the file "
                "system may not support it (network file systems do not)"
            )
        conn.execute("PRAGMA synchronous = FULL")
        if not empty and user_version < SCHEMA_VERSION:
            self._migrate()
        conn.execute("PRAGMA foreign_keys = ON")
        if empty:
            with self._transaction():
                # Another process may have created the schema since we looked.
                app_id, user_version, names = self._inspect(in_transaction=True)
                if app_id == 0 and user_version == 0 and not names:
                    for statement in _SCHEMA:
                        conn.execute(statement)
                    return
            self._check(*self._inspect())

    def _migrate(self) -> None:
        """Schema 1 -> 2 in one transaction (foreign keys off: the table is rebuilt under its name); another
        process may have migrated it meanwhile, which is checked under the write lock."""
        with self._transaction() as conn:
            if conn.execute("PRAGMA user_version").fetchone()[0] != 1:
                return
            for statement in _MIGRATE_1_2:
                conn.execute(statement)
        _log.info("migrated ledger %s to schema %d", self._name, SCHEMA_VERSION)

    def _wal(self) -> str:
        """Switch to WAL journal mode and return the mode now in force.

        Switching needs a moment of exclusive access, and SQLite answers "database is locked" at once (without
        waiting the busy timeout) while another process holds the file, as when several open a new ledger
        together; so retry until the timeout.
        """
        deadline = time.monotonic() + self._timeout
        delay = 0.002
        while True:
            try:
                return str(self._conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
            except sqlite3.OperationalError as e:
                busy = e.sqlite_errorcode & 0xFF in {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
                if not busy or time.monotonic() >= deadline:
                    raise LedgerError(f"cannot open ledger {self._name}: {e}") from e
            time.sleep(delay)
            delay = min(2 * delay, 0.05)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT``: the write lock is taken first, so no two writers read the
        same latest version; any exception rolls everything back."""
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as e:
            raise LedgerError(f"cannot write to ledger {self._name}: {e}") from e
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    # -- writing ---------------------------------------------------------------------------------------------

    @overload
    def record(self, result: FootprintResult, period: str, note: str | None = None) -> Snapshot: ...

    @overload
    def record(self, result: CatalogueResult, period: str, note: str | None = None) -> list[Snapshot]: ...

    def record(
        self, result: FootprintResult | CatalogueResult, period: str, note: str | None = None
    ) -> Snapshot | list[Snapshot]:
        """Append ``result`` as the next snapshot of its product for ``period``, and return it.

        The new snapshot takes version ``latest + 1`` (1 for the first) and supersedes the latest. If
        ``result`` is identical to the latest snapshot's result for (product, period) (equal in every field:
        the same input hash, GWP set, factor library version and every number), nothing is added and that
        latest snapshot is returned as it is (its note unchanged). The version is assigned under the
        database's write lock, so concurrent writers from several processes never share one; if anything
        fails before the commit, nothing is written and no earlier snapshot is touched.

        A :class:`CatalogueResult` records every product's full result (:meth:`CatalogueResult.footprint`)
        in one transaction and returns their snapshots. A snapshot's id is derived from its content
        (product, period, version, result), so replaying the same records gives the same ids.
        """
        expect_type(result, (FootprintResult, CatalogueResult), "result")
        expect_type(period, str, "period")
        if not period.strip():
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
        try:
            with self._transaction() as conn:
                snapshots = [self._append(conn, r, period, note) for r in results]
        except sqlite3.Error as e:
            raise LedgerError(
                f"cannot record {results[0].product_id!r} for period {period!r} in ledger {self._name}: {e}"
            ) from e
        return snapshots if isinstance(result, CatalogueResult) else snapshots[0]

    def _append(self, conn: sqlite3.Connection, result: FootprintResult, period: str, note: str | None) -> Snapshot:
        """Append one snapshot inside an open transaction (or return the latest when it is identical)."""
        boundary = boundary_of(result)
        row = conn.execute(
            f"{_SELECT} WHERE product_id = ? AND period = ? AND gwp_set = ? AND boundary = ? "
            "ORDER BY version DESC LIMIT 1",
            (result.product_id, period, result.gwp_set, boundary),
        ).fetchone()
        latest = self._snapshot(row) if row is not None else None
        if latest is not None and latest.result == result:
            return latest
        payload = self._payload(result)
        version = latest.version + 1 if latest is not None else 1
        content = "\x1f".join((result.product_id, period, result.gwp_set, boundary, str(version), payload)).encode()
        snapshot = Snapshot(
            id=hashlib.sha256(content).hexdigest()[:32],
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
        conn.execute(
            f"INSERT INTO snapshots ({', '.join(_META)}, result_json) VALUES ({', '.join('?' * (len(_META) + 1))})",
            (*self._row(snapshot), payload),
        )
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

    @staticmethod
    def _row(s: Snapshot) -> tuple[Any, ...]:
        values = s.model_dump(include=set(_META))
        values["created_at"] = s.created_at.isoformat()
        return tuple(values[k] for k in _META)

    @staticmethod
    def _snapshot(row: Sequence[Any]) -> Snapshot:
        meta = dict(zip(_META, row[:-1], strict=True))
        meta["created_at"] = datetime.fromisoformat(meta["created_at"])
        try:
            return Snapshot(**meta, result=FootprintResult.model_validate_json(row[-1]))
        except ValidationError as e:
            raise LedgerError(f"snapshot {meta['id']} cannot be read back: {e}") from e

    # -- reading ---------------------------------------------------------------------------------------------

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.Error as e:
            raise LedgerError(f"cannot read ledger {self._name}: {e}") from e

    def get(self, snapshot_id: str) -> Snapshot:
        """The snapshot with id ``snapshot_id``; :class:`LedgerError` if there is none."""
        rows = self._query(f"{_SELECT} WHERE id = ?", (snapshot_id,))
        if not rows:
            raise LedgerError(f"no snapshot {snapshot_id!r} in ledger {self._name}")
        return self._snapshot(rows[0])

    def latest(
        self, product_id: str, period: str, gwp_set: str | None = None, boundary: Boundary | None = None
    ) -> Snapshot | None:
        """The highest version recorded for (``product_id``, ``period``) under ``gwp_set`` and ``boundary``
        (when given; otherwise the most recently recorded chain's), or ``None`` if there is none."""
        sql, params = f"{_SELECT} WHERE product_id = ? AND period = ?", [product_id, period]
        for col, value in (("gwp_set", gwp_set), ("boundary", boundary)):
            if value is not None:
                sql += f" AND {col} = ?"
                params.append(value)
        rows = self._query(sql + " ORDER BY seq DESC LIMIT 1", params)
        return self._snapshot(rows[0]) if rows else None

    def history(self, product_id: str, period: str | None = None) -> list[Snapshot]:
        """Every snapshot of ``product_id`` (for ``period`` only, if given), oldest first (in commit order)."""
        if period is None:
            rows = self._query(f"{_SELECT} WHERE product_id = ? ORDER BY seq", (product_id,))
        else:
            rows = self._query(f"{_SELECT} WHERE product_id = ? AND period = ? ORDER BY seq", (product_id, period))
        return [self._snapshot(r) for r in rows]

    def periods(self, product_id: str | None = None) -> list[str]:
        """The periods with at least one snapshot (of ``product_id``, if given), sorted."""
        if product_id is None:
            rows = self._query("SELECT DISTINCT period FROM snapshots ORDER BY period")
        else:
            rows = self._query(
                "SELECT DISTINCT period FROM snapshots WHERE product_id = ? ORDER BY period", (product_id,)
            )
        return [r[0] for r in rows]

    def to_frame(self, period: str | None = None) -> pd.DataFrame:
        """One row per snapshot (of ``period``, if given), without the result payload, sorted by product,
        period and version; ``latest`` marks the highest version of each (product, period)."""
        return self._frame(period, latest_only=False)

    def latest_frame(self, period: str | None = None) -> pd.DataFrame:
        """Like :meth:`to_frame`, with only the latest snapshot of each (product, period)."""
        return self._frame(period, latest_only=True)

    def _frame(self, period: str | None, latest_only: bool) -> pd.DataFrame:
        import pandas as pd

        cols = ", ".join(f"s.{c}" for c in FRAME_COLUMNS[:-1])
        sql = (
            f"SELECT {cols}, s.version = m.top AS latest FROM snapshots AS s JOIN "
            "(SELECT product_id, period, gwp_set, boundary, max(version) AS top FROM snapshots "
            "GROUP BY product_id, period, gwp_set, boundary) AS m "
            "ON s.product_id = m.product_id AND s.period = m.period AND s.gwp_set = m.gwp_set "
            "AND s.boundary = m.boundary"
        )
        where, params = [], []
        if period is not None:
            where.append("s.period = ?")
            params.append(period)
        if latest_only:
            where.append("s.version = m.top")
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY s.product_id, s.period, s.gwp_set, s.boundary, s.version"
        # Built as objects first, so that pandas keeps supersedes' None (it would infer str with NaN).
        df = pd.DataFrame(self._query(sql, params), columns=list(FRAME_COLUMNS), dtype=object)
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
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Ledger({self._name!r})"
