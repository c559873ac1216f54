"""The ledger's integrity against its own database, on SQLite and PostgreSQL: replacing inserts refused, guards
checked at open, chained content hashes that expose an edited, removed or inserted snapshot, periods
normalised, a killed writer losing nothing, schema-1 files migrated, ``footprint ledger verify``, and the
script that provides the test server."""

from __future__ import annotations

import hashlib
import itertools
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner
from conftest import POSTGRES, postgres_admin
from test_ledger import Make
from test_ledger import make as _make

import footprint as fp
from footprint._ledger_schema import engine_url
from footprint.cli import main

make = _make  # the fixture of test_ledger.py, shared
ROOT = Path(__file__).resolve().parent.parent
SCHEMA_V1 = Path(__file__).parent / "data" / "ledger_schema_v1.sql"
SCHEMA_V2 = Path(__file__).parent / "data" / "ledger_schema_v2.sql"
V1_COLUMNS = (
    "id, product_id, period, version, created_at, supersedes, input_hash, factor_library_version, gwp_set, "
    "total_kgco2e, cradle_to_gate_kgco2e, module_d_kgco2e, note, result_json"
)
V2_COLUMNS = V1_COLUMNS.replace("gwp_set, ", "gwp_set, boundary, ")
COLUMNS = f"{V2_COLUMNS}, payload_sha256, content_hash"


@contextmanager
def raw(url: str) -> Iterator[Any]:
    """A plain DB-API connection to the ledger's database, in autocommit: what someone with access could do."""
    conn: Any
    if url.startswith("postgresql"):
        conn = psycopg.connect(url, autocommit=True)
    else:
        conn = sqlite3.connect(url, isolation_level=None)
    try:
        yield conn
    finally:
        conn.close()


def is_pg(url: str) -> bool:
    return url.startswith("postgresql")


def _unguarded(conn: Any, url: str, sql: str) -> None:
    """Run ``sql`` with the UPDATE/DELETE trigger out of the way, then put it back exactly as it was."""
    if is_pg(url):
        conn.execute("ALTER TABLE snapshots DISABLE TRIGGER snapshots_no_update")
        conn.execute(sql)
        conn.execute("ALTER TABLE snapshots ENABLE TRIGGER snapshots_no_update")
        return
    (trigger,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'snapshots_no_update'").fetchone()
    conn.execute("DROP TRIGGER snapshots_no_update")
    conn.execute(sql)
    conn.execute(trigger)


# -- replacing inserts ---------------------------------------------------------------------------------------


def test_insert_or_replace_cannot_remove_version_1(make: Make, tmp_path: Path) -> None:
    """A raw INSERT OR REPLACE reusing version 1's id, as version 3 superseding version 2 (so the chain trigger
    lets it through), deleted version 1 without firing the DELETE trigger. The insert guard refuses it; with the
    guard dropped the same statement removes version 1, and the ledger then refuses to open."""
    path = str(tmp_path / "ledger.db")
    with fp.Ledger(path) as ledger:
        v1 = ledger.record(make(100), "2025")
        v2 = ledger.record(make(101), "2025")
    replace = (
        f"INSERT OR REPLACE INTO snapshots ({COLUMNS}) SELECT ?, product_id, period, 3, created_at, id, input_hash, "
        "factor_library_version, gwp_set, boundary, 1.0, 1.0, 1.0, note, result_json, payload_sha256, content_hash "
        "FROM snapshots WHERE version = 2"
    )
    with raw(path) as conn:
        with pytest.raises(sqlite3.IntegrityError, match="never replace one"):
            conn.execute(replace, (v1.id,))
        assert conn.execute("SELECT id, version FROM snapshots ORDER BY seq").fetchall() == [(v1.id, 1), (v2.id, 2)]
    with fp.Ledger(path) as ledger:
        assert ledger.history("pump") == [v1, v2]

    with raw(path) as conn:  # the defect, without the guard
        conn.execute("DROP TRIGGER snapshots_insert_guard")
        conn.execute(replace, (v1.id,))
        assert [r[0] for r in conn.execute("SELECT version FROM snapshots ORDER BY seq")] == [2, 3]
    with pytest.raises(fp.LedgerError, match="trigger snapshots_insert_guard is missing"):
        fp.Ledger(path)


def test_postgres_refuses_upsert_truncate_and_reused_ids(make: Make, postgres_url: str) -> None:
    """On PostgreSQL an upsert on an existing id runs into the UPDATE trigger, a plain insert of an existing id
    into the chain trigger or the unique key, and TRUNCATE into its own trigger; the snapshots stay."""
    with fp.Ledger(postgres_url) as ledger:
        v1 = ledger.record(make(100), "2025")
        v2 = ledger.record(make(101), "2025")
    copy_v2 = f"SELECT {COLUMNS} FROM snapshots WHERE version = 2"
    # version 1's id as a version 3 that supersedes version 2: past the chain trigger, into the id's key
    v1_as_v3 = (
        f"INSERT INTO snapshots ({COLUMNS}) SELECT %s, product_id, period, 3, created_at, id, input_hash, "
        "factor_library_version, gwp_set, boundary, 1.0, 1.0, 1.0, note, result_json, payload_sha256, content_hash "
        "FROM snapshots WHERE version = 2"
    )
    with raw(postgres_url) as conn:
        with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="immutable, UPDATE refused"):
            conn.execute(f"{v1_as_v3} ON CONFLICT (id) DO UPDATE SET total_kgco2e = 1.0", (v1.id,))
        with pytest.raises(psycopg.errors.UniqueViolation):
            conn.execute(v1_as_v3, (v1.id,))
        with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="immutable, TRUNCATE refused"):
            conn.execute("TRUNCATE snapshots")
        with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="next version"):
            conn.execute(f"INSERT INTO snapshots ({COLUMNS}) {copy_v2}")
    with fp.Ledger(postgres_url) as ledger:
        assert ledger.history("pump") == [v1, v2]
        assert ledger.verify() == 2


# -- guards checked at open ----------------------------------------------------------------------------------

_SQLITE_TAMPER = {
    "snapshots_no_update": ("DROP TRIGGER snapshots_no_update", "is missing"),
    "snapshots_no_delete": ("DROP TRIGGER snapshots_no_delete", "is missing"),
    "snapshots_chain": ("DROP TRIGGER snapshots_chain", "is missing"),
    "snapshots_insert_guard": ("DROP TRIGGER snapshots_insert_guard", "is missing"),
    "altered": (
        "DROP TRIGGER snapshots_no_delete; CREATE TRIGGER snapshots_no_delete BEFORE DELETE ON snapshots "
        "WHEN 0 BEGIN SELECT RAISE(ABORT, 'footprint ledger: snapshots are immutable, DELETE refused'); END",
        "trigger snapshots_no_delete is altered",
    ),
}
_PG_TAMPER = {
    "snapshots_no_update": ("DROP TRIGGER snapshots_no_update ON snapshots", "is missing"),
    "snapshots_no_truncate": ("DROP TRIGGER snapshots_no_truncate ON snapshots", "is missing"),
    "snapshots_chain": ("DROP TRIGGER snapshots_chain ON snapshots", "is missing"),
    "disabled": (
        "ALTER TABLE snapshots DISABLE TRIGGER snapshots_no_update",
        "trigger snapshots_no_update is disabled",
    ),
    "altered": (
        "CREATE OR REPLACE FUNCTION footprint_ledger_immutable() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RETURN OLD; END $$",
        "function footprint_ledger_immutable of trigger snapshots_no_update is altered",
    ),
}


@pytest.mark.parametrize("case", ["snapshots_no_update", "snapshots_chain", "altered", "dialect-specific"])
def test_a_ledger_whose_guards_were_tampered_with_is_not_opened(make: Make, ledger_url: str, case: str) -> None:
    """Dropping, disabling or rewriting a guarding trigger makes opening fail with a LedgerError naming it."""
    with fp.Ledger(ledger_url) as ledger:
        ledger.record(make(100), "2025")
    tamper = _PG_TAMPER if is_pg(ledger_url) else _SQLITE_TAMPER
    case = case if case != "dialect-specific" else ("disabled" if is_pg(ledger_url) else "snapshots_insert_guard")
    sql, message = tamper[case]
    with raw(ledger_url) as conn:
        if is_pg(ledger_url):
            conn.execute(sql)
        else:
            conn.executescript(sql)
    with pytest.raises(fp.LedgerError, match=rf"has lost its guards \(.*{message}"):
        fp.Ledger(ledger_url)
    result = CliRunner().invoke(main, ["ledger", "verify", "--db", ledger_url])
    assert result.exit_code == 1
    assert "has lost its guards" in result.output


# -- content hashes ------------------------------------------------------------------------------------------


def test_an_edited_total_is_detected(make: Make, ledger_url: str) -> None:
    """The reported defect: with the UPDATE trigger out of the way, a listing total edited to 1.0 was read back
    as the snapshot's total. Now the snapshot's content hash no longer matches: reading it, listing it and
    `footprint ledger verify` name it; the other product's snapshot still reads."""
    with fp.Ledger(ledger_url) as ledger:
        edited = ledger.record(make(100), "2025")
        other = ledger.record(make(100, product_id="pump-b"), "2025")
    with raw(ledger_url) as conn:
        _unguarded(conn, ledger_url, f"UPDATE snapshots SET total_kgco2e = 1.0 WHERE id = '{edited.id}'")
    with fp.Ledger(ledger_url) as ledger:  # the guards are back: it opens
        for read in (lambda: ledger.get(edited.id), lambda: ledger.latest("pump", "2025"), ledger.to_frame):
            with pytest.raises(fp.LedgerIntegrityError, match=f"snapshot {edited.id} .*content hash") as caught:
                read()
            assert caught.value.snapshot_id == edited.id
        assert ledger.get(other.id) == other
        with pytest.raises(fp.LedgerIntegrityError) as caught:
            ledger.verify()
        assert caught.value.snapshot_id == edited.id
    result = CliRunner().invoke(main, ["ledger", "verify", "--db", ledger_url])
    assert result.exit_code == 1
    assert result.stdout.strip() == edited.id
    assert f"snapshot {edited.id} ('pump', period '2025', version 1)" in result.stderr


def test_an_edited_result_is_detected(make: Make, ledger_url: str) -> None:
    """A number changed inside the stored result JSON (the columns left alone) breaks the payload hash."""
    with fp.Ledger(ledger_url) as ledger:
        snap = ledger.record(make(100), "2025")
    total = repr(snap.result.total_kgco2e)
    with raw(ledger_url) as conn:
        _unguarded(conn, ledger_url, f"UPDATE snapshots SET result_json = replace(result_json, '{total}', '1.0')")
    with fp.Ledger(ledger_url) as ledger:
        with pytest.raises(fp.LedgerIntegrityError, match="does not match its payload hash"):
            ledger.get(snap.id)
        with pytest.raises(fp.LedgerIntegrityError, match="payload hash"):
            ledger.verify()


def test_a_removed_snapshot_breaks_the_chain(make: Make, ledger_url: str) -> None:
    """Deleting a snapshot (triggers out of the way) leaves the next one in commit order chained to a hash
    that is gone: that next snapshot is named, on reading and by verify."""
    with fp.Ledger(ledger_url) as ledger:
        ledger.record(make(100), "2025")
        removed = ledger.record(make(100, product_id="pump-b"), "2025")
        after = ledger.record(make(101), "2025")
    with raw(ledger_url) as conn:
        if is_pg(ledger_url):
            conn.execute("ALTER TABLE snapshots DISABLE TRIGGER snapshots_no_update")
            conn.execute(f"DELETE FROM snapshots WHERE id = '{removed.id}'")
            conn.execute("ALTER TABLE snapshots ENABLE TRIGGER snapshots_no_update")
        else:
            (trigger,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'snapshots_no_delete'").fetchone()
            conn.execute("DROP TRIGGER snapshots_no_delete")
            conn.execute(f"DELETE FROM snapshots WHERE id = '{removed.id}'")
            conn.execute(trigger)
    with fp.Ledger(ledger_url) as ledger:
        with pytest.raises(fp.LedgerIntegrityError) as caught:
            ledger.history("pump")
        assert caught.value.snapshot_id == after.id
        with pytest.raises(fp.LedgerIntegrityError) as caught:
            ledger.verify()
        assert caught.value.snapshot_id == after.id


def test_hashes_chain_in_commit_order(make: Make, ledger_url: str) -> None:
    """Each stored content hash is SHA-256 over the previous one (64 zeros first), a newline and the canonical
    JSON of the row; checked here with hashlib and json directly, not with the ledger's own function."""
    import json

    with fp.Ledger(ledger_url) as ledger:
        snaps = [ledger.record(make(100 + i, product_id=f"p{i % 2}"), "2025") for i in range(4)]
        assert ledger.verify() == 4
    with raw(ledger_url) as conn:
        rows = conn.execute(f"SELECT {COLUMNS} FROM snapshots ORDER BY seq").fetchall()
    names = [c.strip() for c in COLUMNS.split(",")]
    previous = "0" * 64
    for snap, values in zip(snaps, rows, strict=True):
        row = dict(zip(names, values, strict=True))
        assert row["id"] == snap.id
        assert row["payload_sha256"] == hashlib.sha256(row.pop("result_json").encode()).hexdigest()
        stored = row.pop("content_hash")
        canonical = json.dumps(row, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert stored == hashlib.sha256(f"{previous}\n{canonical}".encode()).hexdigest()
        previous = stored


def test_a_restatement_under_another_gwp_set_is_a_sibling_on_both(make: Make, ledger_url: str) -> None:
    """Keys include the GWP set on both databases (PostgreSQL's chain trigger too): the AR5 figure starts a
    chain of its own beside AR6's, and the next AR6 figure supersedes the AR6 one."""
    ar6 = make(100)
    ar5 = ar6.model_copy(update={"gwp_set": "AR5"})
    with fp.Ledger(ledger_url) as ledger:
        first = ledger.record(ar6, "2025")
        sibling = ledger.record(ar5, "2025")
        second = ledger.record(make(101), "2025")
        assert ledger.verify() == 3
    assert (sibling.version, sibling.supersedes) == (1, None)
    assert (second.version, second.supersedes) == (2, first.id)
    refused = (sqlite3.IntegrityError, psycopg.errors.IntegrityConstraintViolation)
    # the database refuses an AR5 version 2 that supersedes the AR6 chain
    with raw(ledger_url) as conn, pytest.raises(refused, match="next version"):
        conn.execute(
            f"INSERT INTO snapshots ({COLUMNS}) SELECT '{'e' * 32}', product_id, period, 2, created_at, id, "
            "input_hash, factor_library_version, 'AR5', boundary, total_kgco2e, cradle_to_gate_kgco2e, "
            f"module_d_kgco2e, note, result_json, payload_sha256, content_hash FROM snapshots WHERE id = '{second.id}'"
        )


# -- periods -------------------------------------------------------------------------------------------------


def test_periods_are_normalised(make: Make, ledger_url: str) -> None:
    """ " 2025" and "2025 " are the period "2025": one key, found by either spelling."""
    with fp.Ledger(ledger_url) as ledger:
        first = ledger.record(make(100), " 2025")
        again = ledger.record(make(100), "2025\n")
        second = ledger.record(make(101), "2025")
        assert first.period == "2025"
        assert again == first
        assert (second.version, second.supersedes) == (2, first.id)
        assert ledger.periods() == ["2025"]
        assert ledger.latest("pump", " 2025 ") == second
        assert ledger.history("pump", "2025 ") == [first, second]
        assert list(ledger.to_frame(" 2025")["id"]) == [first.id, second.id]
    with raw(ledger_url) as conn:
        stored = conn.execute("SELECT DISTINCT period FROM snapshots").fetchall()
    assert [r[0] for r in stored] == ["2025"]


# -- a writer killed in the middle ---------------------------------------------------------------------------


def _die_mid_record(url: str, payload: str, flag: str) -> None:
    """Child of the killed-writer test: record, but stop for good right after the INSERT, transaction open."""

    def hang_after_insert(self: fp.Ledger, conn: Any, *args: Any) -> fp.Snapshot:
        snapshot = append(self, conn, *args)
        Path(flag).write_text("inserted")
        time.sleep(600)
        return snapshot

    append = fp.Ledger._append
    fp.Ledger._append = hang_after_insert  # type: ignore[method-assign]
    with fp.Ledger(url) as ledger:
        ledger.record(fp.FootprintResult.model_validate_json(payload), "2025")


def test_a_killed_writer_loses_nothing(make: Make, ledger_url: str, tmp_path: Path) -> None:
    """A process killed (SIGKILL) inside its write transaction, after its INSERT: the snapshots before it stay,
    its own is not there, the chain verifies, and the next writer gets the next version at once."""
    with fp.Ledger(ledger_url) as ledger:
        before = [ledger.record(make(100 + i), "2025") for i in range(3)]
    flag = tmp_path / "inserted"
    ctx = multiprocessing.get_context("spawn")
    child = ctx.Process(target=_die_mid_record, args=(ledger_url, make(200).model_dump_json(), str(flag)))
    child.start()
    deadline = time.monotonic() + 60
    while not flag.exists() and time.monotonic() < deadline and child.is_alive():
        time.sleep(0.05)
    assert flag.exists(), "the writer never reached its INSERT"
    assert child.pid is not None
    os.kill(child.pid, signal.SIGKILL)
    child.join(30)
    assert child.exitcode == -signal.SIGKILL
    with fp.Ledger(ledger_url, timeout=20) as ledger:
        assert ledger.history("pump", "2025") == before
        after = ledger.record(make(201), "2025")
        assert ledger.verify() == 4
    assert (after.version, after.supersedes) == (4, before[-1].id)
    assert [s.version for s in [*before, after]] == [1, 2, 3, 4]
    assert all(s.supersedes == p.id for p, s in itertools.pairwise([*before, after]))


# -- schema 1 files ------------------------------------------------------------------------------------------


def _old_row(result: fp.FootprintResult, period: str, version: int, supersedes: str | None) -> tuple[Any, ...]:
    """A row as schema 1 wrote it (its _append): id from the content, created_at in ISO 8601."""
    payload = result.model_dump_json()
    sid = hashlib.sha256("\x1f".join((result.product_id, period, str(version), payload)).encode()).hexdigest()[:32]
    created = datetime(2025, 3, version, tzinfo=UTC).isoformat()
    return (sid, result.product_id, period, version, created, supersedes, result.input_hash,
            result.factor_library_version, result.gwp_set, result.total_kgco2e, result.cradle_to_gate_kgco2e,
            result.module_d_kgco2e, f"note {version}", payload)  # fmt: skip


def _schema_version(path: Path) -> tuple[int, list[int], int]:
    """user_version, the migrations listed, and the snapshots without a content hash."""
    conn = sqlite3.connect(path)
    try:
        return (
            conn.execute("PRAGMA user_version").fetchone()[0],
            [r[0] for r in conn.execute("SELECT version FROM ledger_migrations ORDER BY version")],
            conn.execute("SELECT count(*) FROM snapshots WHERE content_hash IS NULL").fetchone()[0],
        )
    finally:
        conn.close()


def test_a_schema_1_ledger_opens_and_reads_the_same(make: Make, tmp_path: Path) -> None:
    """A file made with release 0.1.0's DDL (tests/data/ledger_schema_v1.sql) opens: its snapshots read back as
    written, with the boundary their modules give; it is migrated through schema 2 to 3 with hashes chained
    over its rows, and the next record continues its chain."""
    path = tmp_path / "v1.db"
    r1, r2 = make(100), make(101)
    rows = [_old_row(r1, "2024", 1, None)]
    rows.append(_old_row(r2, "2024", 2, rows[0][0]))
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMA_V1.read_text())
    conn.executemany(f"INSERT INTO snapshots ({V1_COLUMNS}) VALUES ({', '.join('?' * 14)})", rows)
    conn.commit()
    conn.close()

    with fp.Ledger(path) as ledger:
        history = ledger.history("pump")
        assert ledger.verify() == 2
        third = ledger.record(make(102), "2024")
    assert [(s.id, s.version, s.supersedes, s.note, s.boundary) for s in history] == [
        (rows[0][0], 1, None, "note 1", "cradle-to-grave"),  # the test pump has modules beyond A1-A3
        (rows[1][0], 2, rows[0][0], "note 2", "cradle-to-grave"),
    ]
    assert [s.result for s in history] == [r1, r2]
    assert [s.total_kgco2e for s in history] == [r1.total_kgco2e, r2.total_kgco2e]
    assert history[0].created_at == datetime(2025, 3, 1, tzinfo=UTC)
    assert (third.version, third.supersedes) == (3, rows[1][0])
    assert _schema_version(path) == (3, [1, 2, 3], 0)
    with fp.Ledger(path) as again:  # a second open finds nothing to migrate
        assert [s.version for s in again.history("pump")] == [1, 2, 3]
    assert _schema_version(path) == (3, [1, 2, 3], 0)


def test_a_schema_2_ledger_opens_and_reads_the_same(make: Make, tmp_path: Path) -> None:
    """A file made with the DDL of the release before this one (tests/data/ledger_schema_v2.sql: keys with GWP
    set and boundary), holding an AR6 chain of two versions and an AR5 sibling, opens and reads back the same
    snapshots; the next AR6 record continues the AR6 chain."""
    path = tmp_path / "v2.db"
    r1, r2 = make(100), make(101)
    ar5 = r1.model_copy(update={"gwp_set": "AR5"})
    rows = [_old_row(r1, "2025", 1, None)]
    rows.append(_old_row(r2, "2025", 2, rows[0][0]))
    rows.append(_old_row(ar5, "2025", 1, None))
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMA_V2.read_text())
    conn.executemany(
        f"INSERT INTO snapshots ({V2_COLUMNS}) VALUES ({', '.join('?' * 15)})",
        [(*r[:9], "cradle-to-grave", *r[9:]) for r in rows],
    )
    conn.commit()
    conn.close()

    with fp.Ledger(path) as ledger:
        history = ledger.history("pump", "2025")
        assert ledger.verify() == 3
        assert ledger.latest("pump", "2025", gwp_set="AR5").id == rows[2][0]  # type: ignore[union-attr]
        third = ledger.record(make(102), "2025")
    assert [(s.id, s.version, s.supersedes, s.gwp_set) for s in history] == [
        (rows[0][0], 1, None, "AR6"),
        (rows[1][0], 2, rows[0][0], "AR6"),
        (rows[2][0], 1, None, "AR5"),
    ]
    assert [s.result for s in history] == [r1, r2, ar5]
    assert (third.version, third.supersedes, third.gwp_set) == (3, rows[1][0], "AR6")
    assert _schema_version(path) == (3, [1, 2, 3], 0)


def test_an_old_ledger_without_its_triggers_is_not_migrated(tmp_path: Path) -> None:
    """A schema-1 or schema-2 file whose DELETE trigger was dropped is refused before anything is written."""
    for schema, version in ((SCHEMA_V1, 1), (SCHEMA_V2, 2)):
        path = tmp_path / f"v{version}.db"
        conn = sqlite3.connect(path)
        conn.executescript(schema.read_text())
        conn.execute("DROP TRIGGER snapshots_no_delete")
        conn.commit()
        conn.close()
        with pytest.raises(fp.LedgerError, match="trigger snapshots_no_delete is missing"):
            fp.Ledger(path)
        conn = sqlite3.connect(path)
        try:
            assert conn.execute("PRAGMA user_version").fetchone()[0] == version
        finally:
            conn.close()


# -- opening PostgreSQL schemas and URLs ---------------------------------------------------------------------


def test_a_postgres_schema_with_other_tables_is_not_a_ledger(postgres_url: str) -> None:
    """A schema holding other tables is refused and left as it was; an empty one is not created without create."""
    with pytest.raises(fp.LedgerError, match="no ledger at"):
        fp.Ledger(postgres_url, create=False)
    with raw(postgres_url) as conn:
        assert conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
        ).fetchone() == (0,)
        conn.execute("CREATE TABLE customers (name text)")
    with pytest.raises(
        fp.LedgerError, match=r"is not a footprint ledger: a PostgreSQL schema with other tables \(customers\)"
    ):
        fp.Ledger(postgres_url)
    with raw(postgres_url) as conn:
        tables = conn.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")
        assert tables.fetchall() == [("customers",)]


def test_urls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A path and sqlite:/// name an SQLite file; postgres:// and postgresql:// go through psycopg; any other
    database is refused by name."""
    assert engine_url("ledger.db").render_as_string() == "sqlite:///ledger.db"
    assert engine_url("postgres://u@h/db").drivername == "postgresql+psycopg"
    assert engine_url("postgresql://u:secret@h/db").drivername == "postgresql+psycopg"
    with pytest.raises(fp.LedgerError, match="SQLite or PostgreSQL; 'mysql://u@h/db' names 'mysql'"):
        fp.Ledger("mysql://u@h/db")
    monkeypatch.chdir(tmp_path)
    with fp.Ledger("sqlite:///relative.db") as ledger:
        assert ledger.periods() == []
    assert (tmp_path / "relative.db").exists()


def test_cli_verify(make: Make, ledger_url: str, tmp_path: Path) -> None:
    """`footprint ledger verify` passes an intact ledger (exit 0, the count) and creates no missing one (exit 1)."""
    with fp.Ledger(ledger_url) as ledger:
        for i in range(3):
            ledger.record(make(100 + i), "2025")
    result = CliRunner().invoke(main, ["ledger", "verify", "--db", ledger_url])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ok: 3 snapshots")
    missing = tmp_path / "missing.db"
    result = CliRunner().invoke(main, ["ledger", "verify", "--db", str(missing)])
    assert result.exit_code == 1
    assert "no ledger at" in result.stderr
    assert not missing.exists()


# -- the test server -----------------------------------------------------------------------------------------


def test_no_postgres_fails_in_ci_and_skips_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    """The PostgreSQL fixture's rule: an unreachable server (a closed loopback port) fails the test when CI is
    set, and skips it otherwise."""
    nowhere = "postgresql://postgres@127.0.0.1:1/test"
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"unreachable"):
        postgres_admin(nowhere)
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match=r"scripts/postgres\.sh"):
        postgres_admin(nowhere)


def test_postgres_script_does_nothing_when_a_server_answers(tmp_path: Path) -> None:
    """scripts/postgres.sh with the server up: exit 0, and neither apt-get nor pg_ctlcluster is run (stand-ins
    first on PATH record any call)."""
    postgres_admin().close()  # the server answers (or CI fails here)
    calls = tmp_path / "calls"
    for tool in ("apt-get", "pg_ctlcluster", "sudo"):
        stub = tmp_path / tool
        stub.write_text(f"#!/bin/sh\necho {tool} >> {calls}\nexit 1\n")
        stub.chmod(0o755)
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}"}
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "postgres.sh")],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "already answers" in done.stdout
    assert not calls.exists()
    assert POSTGRES.startswith("postgresql://postgres@127.0.0.1:5432/")
