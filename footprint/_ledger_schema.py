"""The ledger's database: one SQLAlchemy MetaData for SQLite and PostgreSQL, the guarding triggers of each
dialect, and the numbered migrations that bring an older ledger to the current schema.

Imported by :mod:`footprint._ledger` when a ledger is opened, so that ``import footprint`` does not load
SQLAlchemy.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

import sqlalchemy as sa

from ._errors import LedgerError
from ._ledger import APPLICATION_ID, SCHEMA_VERSION
from ._ledger_chain import content_hash, payload_hash

__all__ = [
    "APPLICATION_ID",
    "SCHEMA_VERSION",
    "create",
    "engine_url",
    "guard_problems",
    "metadata",
    "migrate",
    "migrations",
    "snapshots",
]

metadata = sa.MetaData()

snapshots = sa.Table(
    "snapshots",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("id", sa.Text, nullable=False, unique=True),
    sa.Column("product_id", sa.Text, nullable=False),
    sa.Column("period", sa.Text, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("created_at", sa.Text, nullable=False),  # ISO 8601, UTC: the same text on every database
    sa.Column("supersedes", sa.Text, sa.ForeignKey("snapshots.id")),
    sa.Column("input_hash", sa.Text, nullable=False),
    sa.Column("factor_library_version", sa.Text, nullable=False),
    sa.Column("gwp_set", sa.Text, nullable=False),
    sa.Column("boundary", sa.Text, nullable=False),
    sa.Column("total_kgco2e", sa.Double, nullable=False),
    sa.Column("cradle_to_gate_kgco2e", sa.Double, nullable=False),
    sa.Column("module_d_kgco2e", sa.Double, nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("result_json", sa.Text, nullable=False),
    # Added by migration 3 (nullable in a ledger migrated from schema 2; the insert guard requires them).
    sa.Column("payload_sha256", sa.Text, nullable=False),
    sa.Column("content_hash", sa.Text, nullable=False),
    sa.UniqueConstraint("product_id", "period", "gwp_set", "boundary", "version"),
    sa.CheckConstraint("boundary IN ('cradle-to-gate', 'cradle-to-grave')", name="snapshots_boundary"),
    sa.CheckConstraint("length(id) = 32", name="snapshots_id_length"),
    sa.CheckConstraint("version >= 1", name="snapshots_version"),
    sa.CheckConstraint("period <> '' AND period = trim(period)", name="snapshots_period"),
    sa.CheckConstraint("(version = 1) = (supersedes IS NULL)", name="snapshots_first_version"),
)

migrations = sa.Table(
    "ledger_migrations",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("applied_at", sa.Text, nullable=False),
)

_MIGRATION_NAMES = {
    1: "snapshots keyed by product and period, with immutability and chain triggers",
    2: "keys with GWP set and boundary",
    3: "content hashes chained in commit order; insert guard against replacing a snapshot",
}

# -- guards: SQLite ----------------------------------------------------------------------------------------
# The first three are schema 2's triggers, word for word, so that a migrated file keeps them. A new snapshot
# must continue its (product, period, GWP set, boundary) chain: the next version, superseding the latest.
_SQLITE_GUARDS: dict[str, str] = {
    "snapshots_no_update": """
    CREATE TRIGGER snapshots_no_update BEFORE UPDATE ON snapshots
    BEGIN
        SELECT RAISE(ABORT, 'footprint ledger: snapshots are immutable, UPDATE refused');
    END
    """,
    "snapshots_no_delete": """
    CREATE TRIGGER snapshots_no_delete BEFORE DELETE ON snapshots
    BEGIN
        SELECT RAISE(ABORT, 'footprint ledger: snapshots are immutable, DELETE refused');
    END
    """,
    "snapshots_chain": """
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
    # SQLite's INSERT OR REPLACE deletes the row it conflicts with without firing delete triggers: refuse an
    # insert that reuses an id or a seq before it gets that far, and one without its hashes.
    "snapshots_insert_guard": """
    CREATE TRIGGER snapshots_insert_guard BEFORE INSERT ON snapshots
    WHEN EXISTS (SELECT 1 FROM snapshots WHERE id = NEW.id OR seq = NEW.seq)
        OR NEW.payload_sha256 IS NULL OR NEW.content_hash IS NULL
    BEGIN
        SELECT RAISE(ABORT, 'footprint ledger: an insert must add a new snapshot with its hashes, never replace one');
    END
    """,
}
# What each older schema must still have before it is migrated (schema 1's chain trigger is replaced anyway).
_SQLITE_OLD_GUARDS = {
    1: ("snapshots_no_update", "snapshots_no_delete"),
    2: ("snapshots_no_update", "snapshots_no_delete", "snapshots_chain"),
}

# -- guards: PostgreSQL ------------------------------------------------------------------------------------
_PG_IMMUTABLE = """
BEGIN
    RAISE EXCEPTION 'footprint ledger: snapshots are immutable, % refused', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END
"""
# The table is named through TG_TABLE_SCHEMA: the function works whatever the caller's search_path.
_PG_INSERT = """
DECLARE
    latest_id text;
    latest_version integer;
BEGIN
    IF NEW.payload_sha256 IS NULL OR NEW.content_hash IS NULL THEN
        RAISE EXCEPTION 'footprint ledger: an insert must add a new snapshot with its hashes, never replace one'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    EXECUTE format('SELECT id, version FROM %I.%I WHERE product_id = $1 AND period = $2 AND gwp_set = $3 '
                   'AND boundary = $4 ORDER BY version DESC LIMIT 1', TG_TABLE_SCHEMA, TG_TABLE_NAME)
        INTO latest_id, latest_version USING NEW.product_id, NEW.period, NEW.gwp_set, NEW.boundary;
    IF NEW.version IS DISTINCT FROM coalesce(latest_version, 0) + 1 OR NEW.supersedes IS DISTINCT FROM latest_id THEN
        RAISE EXCEPTION 'footprint ledger: a snapshot must take the next version and supersede the latest'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END
"""
_PG_FUNCTIONS = {"footprint_ledger_immutable": _PG_IMMUTABLE, "footprint_ledger_insert": _PG_INSERT}
# name -> (timing and events as pg_get_triggerdef writes them, level, function)
_PG_TRIGGERS = {
    "snapshots_no_update": ("BEFORE DELETE OR UPDATE", "ROW", "footprint_ledger_immutable"),
    "snapshots_no_truncate": ("BEFORE TRUNCATE", "STATEMENT", "footprint_ledger_immutable"),
    "snapshots_chain": ("BEFORE INSERT", "ROW", "footprint_ledger_insert"),
}


def _squash(sql: str) -> str:
    return " ".join(sql.split())


def _create_guards(conn: sa.Connection) -> None:
    if conn.dialect.name == "sqlite":
        for sql in _SQLITE_GUARDS.values():
            conn.exec_driver_sql(sql)
        return
    for name, body in _PG_FUNCTIONS.items():
        # text(), not the driver's SQL: psycopg would read the bodies' % as placeholders.
        conn.execute(sa.text(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $fn${body}$fn$"))
    for name, (when, level, function) in _PG_TRIGGERS.items():
        conn.exec_driver_sql(
            f"CREATE TRIGGER {name} {when} ON snapshots FOR EACH {level} EXECUTE FUNCTION {function}()"
        )


def guard_problems(conn: sa.Connection, version: int) -> list[str]:
    """What is wrong with the guarding triggers of a schema-``version`` ledger: missing, altered or disabled."""
    if conn.dialect.name == "sqlite":
        names = _SQLITE_OLD_GUARDS.get(version, tuple(_SQLITE_GUARDS))
        query = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'snapshots'"
        found = {str(r[0]): str(r[1]) for r in conn.exec_driver_sql(query)}
        return [
            f"trigger {n} is missing" if n not in found else f"trigger {n} is altered"
            for n in names
            if _squash(found.get(n) or "") != _squash(_SQLITE_GUARDS[n])
        ]
    rows = conn.exec_driver_sql(
        "SELECT t.tgname, t.tgenabled, pg_get_triggerdef(t.oid), p.proname, p.prosrc FROM pg_trigger t "
        "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid "
        "WHERE c.relname = 'snapshots' AND c.relnamespace = current_schema()::regnamespace AND NOT t.tgisinternal"
    )
    found_pg = {str(r[0]): tuple(r[1:]) for r in rows}
    problems = []
    for name, (when, level, function) in _PG_TRIGGERS.items():
        if name not in found_pg:
            problems.append(f"trigger {name} is missing")
            continue
        enabled, definition, proname, source = found_pg[name]
        expected = rf"CREATE TRIGGER {name} {when} ON \S+ FOR EACH {level} EXECUTE FUNCTION \S*{function}\(\)"
        if enabled == "D":
            problems.append(f"trigger {name} is disabled")
        elif not re.fullmatch(expected, _squash(definition)) or proname != function:
            problems.append(f"trigger {name} is altered")
        elif _squash(source) != _squash(_PG_FUNCTIONS[function]):
            problems.append(f"function {function} of trigger {name} is altered")
    return problems


# -- creating and migrating --------------------------------------------------------------------------------


def _stamp(conn: sa.Connection, version: int) -> None:
    now = datetime.now(UTC).isoformat()
    conn.execute(migrations.insert().values(version=version, name=_MIGRATION_NAMES[version], applied_at=now))
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"PRAGMA user_version = {version}")


def create(conn: sa.Connection) -> None:
    """Give an empty database the current schema, inside the caller's transaction."""
    metadata.create_all(conn)
    _create_guards(conn)
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
    for version in sorted(_MIGRATION_NAMES):
        _stamp(conn, version)


# Schema 1 -> 2 (SQLite only): the table rebuilt with a boundary column, each snapshot's boundary from the
# modules its result covers (as footprint._ledger.boundary_of), under the triggers of schema 2.
_BOUNDARY_SQL = """CASE WHEN EXISTS (SELECT 1 FROM json_each(result_json, '$.by_module')
    WHERE key NOT IN ('A1', 'A2', 'A3', 'D')) THEN 'cradle-to-grave' ELSE 'cradle-to-gate' END"""
_V1_COLUMNS = (
    "seq, id, product_id, period, version, created_at, supersedes, input_hash, factor_library_version, gwp_set, "
    "total_kgco2e, cradle_to_gate_kgco2e, module_d_kgco2e, note, result_json"
)
_V2_TABLE = """
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


def _to_2(conn: sa.Connection) -> None:
    """Schema 1 -> 2 (SQLite only): keys with GWP set and boundary; ids, versions and supersedes kept. Runs
    with foreign keys off (the ledger turns them on after migrating): the table is rebuilt under its name."""
    if conn.dialect.name != "sqlite":
        raise LedgerError("a schema 1 ledger exists only in SQLite")
    for statement in (
        _V2_TABLE.format(name="snapshots_v2"),
        f"INSERT INTO snapshots_v2 ({_V1_COLUMNS}, boundary) SELECT {_V1_COLUMNS}, {_BOUNDARY_SQL} FROM snapshots",
        "DROP TRIGGER snapshots_no_update",
        "DROP TRIGGER snapshots_no_delete",
        "DROP TRIGGER IF EXISTS snapshots_chain",
        "DROP TABLE snapshots",
        "ALTER TABLE snapshots_v2 RENAME TO snapshots",
        *(_SQLITE_GUARDS[n] for n in _SQLITE_OLD_GUARDS[2]),
        "PRAGMA user_version = 2",
    ):
        conn.exec_driver_sql(statement)


def _to_3(conn: sa.Connection) -> None:
    """Schema 2 (SQLite only) -> 3: hash columns, filled in commit order; the insert guard; the migrations table."""
    if conn.dialect.name != "sqlite":
        raise LedgerError("a schema 2 ledger exists only in SQLite")
    conn.exec_driver_sql("ALTER TABLE snapshots ADD COLUMN payload_sha256 TEXT")
    conn.exec_driver_sql("ALTER TABLE snapshots ADD COLUMN content_hash TEXT")
    migrations.create(conn)
    _stamp(conn, 1)
    _stamp(conn, 2)
    conn.exec_driver_sql("DROP TRIGGER snapshots_no_update")  # for the one UPDATE that fills the new columns
    previous: str | None = None
    for row in conn.execute(sa.select(snapshots).order_by(snapshots.c.seq)).mappings().all():
        values = {**row, "payload_sha256": payload_hash(row["result_json"])}
        previous = content_hash(values, previous)
        conn.execute(
            snapshots.update()
            .where(snapshots.c.seq == row["seq"])
            .values(payload_sha256=values["payload_sha256"], content_hash=previous)
        )
    conn.exec_driver_sql(_SQLITE_GUARDS["snapshots_no_update"])
    conn.exec_driver_sql(_SQLITE_GUARDS["snapshots_insert_guard"])
    _stamp(conn, 3)


_MIGRATIONS: Mapping[int, Callable[[sa.Connection], None]] = {2: _to_2, 3: _to_3}


def migrate(conn: sa.Connection, found: int) -> None:
    """Apply the migrations after schema ``found`` in order, inside the caller's transaction."""
    for version in range(found + 1, SCHEMA_VERSION + 1):
        _MIGRATIONS[version](conn)


# -- addresses ---------------------------------------------------------------------------------------------


def engine_url(target: str) -> sa.URL:
    """The SQLAlchemy URL of a ledger given as a file path or a URL (``sqlite:///...``, ``postgresql://...``).

    PostgreSQL goes through psycopg 3 whatever driver the URL names (``postgres://`` and ``postgresql://``
    included).
    """
    if "://" not in target:
        return sa.URL.create("sqlite", database=target)
    try:
        url = sa.make_url(target)
    except sa.exc.ArgumentError as e:
        raise LedgerError(f"{target!r} is not a database URL: {e}") from e
    backend = url.get_backend_name()
    if backend in {"postgresql", "postgres"}:
        return url.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        return url.set(drivername="sqlite")
    raise LedgerError(
        f"a ledger lives in SQLite or PostgreSQL; {url.render_as_string(hide_password=True)!r} names {backend!r}"
    )
