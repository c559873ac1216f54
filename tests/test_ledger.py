"""The ledger of footprint snapshots: round trips, versions, immutability, concurrency and failed writes."""

from __future__ import annotations

import copy
import itertools
import json
import multiprocessing
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from test_lifecycle import FACTORS, PROVENANCE, PUMP

import footprint as fp
from footprint._ledger import APPLICATION_ID, FRAME_COLUMNS, SCHEMA_VERSION

# One more litre of diesel in the pump's A3: 1 L x 0.84 kg/L x 43 MJ/kg = 36.12 MJ = 3.612e-5 TJ, times
# 74100 + 3 x 29.8 + 0.6 x 273 = 74353.2 kg CO2e/TJ (AR6), is 2.685637584 kg CO2e; module D does not change.
PER_LITRE = 3.612e-5 * 74353.2

Make = Callable[..., fp.FootprintResult]


@pytest.fixture(scope="module")
def make(tmp_path_factory: pytest.TempPathFactory) -> Make:
    """A factory: ``make(litres=100, product_id="pump")`` is the test pump's result with that much diesel."""
    path = tmp_path_factory.mktemp("ledger-factors") / "factors.json"
    path.write_text(json.dumps([{**f, **PROVENANCE} for f in FACTORS]))
    library = fp.load_factors(path)

    def build(litres: int = 100, product_id: str = "pump") -> fp.FootprintResult:
        data = copy.deepcopy(PUMP)
        data["id"] = product_id
        data["items"][0]["activities"][1]["quantity"] = f"{litres} L"  # type: ignore[index]
        return fp.calculate(fp.Product.model_validate(data), library)

    return build


def test_round_trip(make: Make, ledger_url: str) -> None:
    """A recorded result comes back equal from get, latest and history, also after reopening the ledger."""
    result = make()
    path = ledger_url
    before = datetime.now(UTC)
    with fp.Ledger(path) as ledger:
        snap = ledger.record(result, "2025", note="first issue")
        assert ledger.get(snap.id).result == result
        assert ledger.latest("pump", "2025") == snap
        assert ledger.history("pump") == [snap]
    assert snap.version == 1
    assert snap.supersedes is None
    assert snap.note == "first issue"
    assert len(snap.id) == 32
    assert (snap.product_id, snap.period, snap.gwp_set) == ("pump", "2025", "AR6")
    assert (snap.input_hash, snap.factor_library_version) == (result.input_hash, result.factor_library_version)
    assert snap.total_kgco2e == result.total_kgco2e
    assert snap.cradle_to_gate_kgco2e == result.cradle_to_gate_kgco2e
    assert snap.module_d_kgco2e == -97.56
    assert snap.created_at.utcoffset() == timedelta(0)
    assert before <= snap.created_at <= datetime.now(UTC)
    with fp.Ledger(path) as reopened:
        again = reopened.get(snap.id)
    assert again == snap
    assert again.result == result
    assert again.result.by_module == result.by_module
    assert again.result.contributions == result.contributions


def test_versions_and_supersedes_chain(make: Make, ledger_url: str) -> None:
    """Three different results for one product and period become versions 1, 2, 3, each superseding the last."""
    with fp.Ledger(ledger_url) as ledger:
        snaps = [ledger.record(make(litres), "2025") for litres in (100, 101, 102)]
        assert ledger.history("pump", "2025") == snaps
        assert ledger.latest("pump", "2025") == snaps[2]
    assert [s.version for s in snaps] == [1, 2, 3]
    assert [s.supersedes for s in snaps] == [None, snaps[0].id, snaps[1].id]
    assert len({s.id for s in snaps}) == 3
    assert snaps[1].total_kgco2e - snaps[0].total_kgco2e == pytest.approx(PER_LITRE)
    assert snaps[2].cradle_to_gate_kgco2e - snaps[0].cradle_to_gate_kgco2e == pytest.approx(2 * PER_LITRE)
    assert {s.module_d_kgco2e for s in snaps} == {-97.56}


def test_identical_result_is_not_duplicated(make: Make, ledger_url: str) -> None:
    """Recording a result equal to the latest returns the latest; equal only to an older one adds a version."""
    with fp.Ledger(ledger_url) as ledger:
        first = ledger.record(make(100), "2025", note="original")
        same = ledger.record(make(100), "2025", note="rerun")
        assert same == first
        assert same.note == "original"
        assert len(ledger.history("pump", "2025")) == 1
        second = ledger.record(make(101), "2025")
        back = ledger.record(make(100), "2025")
        assert [s.version for s in ledger.history("pump")] == [1, 2, 3]
    assert (second.version, back.version, back.supersedes) == (2, 3, second.id)
    assert back.result == first.result


def test_periods_are_separate_keys(make: Make, ledger_url: str) -> None:
    """The same product in two periods gets two chains, each starting at version 1."""
    with fp.Ledger(ledger_url) as ledger:
        s25 = ledger.record(make(100), "2025")
        s24 = ledger.record(make(100), "2024")
        s25b = ledger.record(make(101), "2025")
        assert ledger.periods() == ["2024", "2025"]
        assert ledger.periods("pump") == ["2024", "2025"]
        assert ledger.periods("other") == []
        assert ledger.history("pump") == [s25, s24, s25b]
        assert ledger.history("pump", "2024") == [s24]
        assert ledger.latest("pump", "2024") == s24
        assert ledger.latest("pump", "2023") is None
        assert ledger.latest("other", "2025") is None
    assert (s25.version, s24.version, s25b.version) == (1, 1, 2)
    assert (s24.supersedes, s25b.supersedes) == (None, s25.id)


def test_get_unknown_id_raises(make: Make, ledger_url: str) -> None:
    """get() of an id that is not in the ledger raises LedgerError naming the id."""
    with fp.Ledger(ledger_url) as ledger:
        ledger.record(make(), "2025")
        with pytest.raises(fp.LedgerError, match=r"no snapshot 'f{32}'"):
            ledger.get("f" * 32)


def test_database_refuses_update_and_delete(make: Make, tmp_path: Path) -> None:
    """UPDATE and DELETE through raw sqlite3 are aborted by the triggers, and the snapshot is unchanged."""
    path = tmp_path / "ledger.db"
    with fp.Ledger(path) as ledger:
        snap = ledger.record(make(), "2025")
    conn = sqlite3.connect(path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="immutable, UPDATE refused"):
            conn.execute("UPDATE snapshots SET total_kgco2e = 0 WHERE id = ?", (snap.id,))
        with pytest.raises(sqlite3.IntegrityError, match="immutable, DELETE refused"):
            conn.execute("DELETE FROM snapshots WHERE id = ?", (snap.id,))
        with pytest.raises(sqlite3.IntegrityError, match="immutable, DELETE refused"):
            conn.execute("DELETE FROM snapshots")
        conn.commit()
        # An insert that skips the chain (a second version 1) is refused too.
        with pytest.raises(sqlite3.IntegrityError, match="next version"):
            conn.execute(
                "INSERT INTO snapshots SELECT NULL, ?, product_id, period, version, created_at, supersedes, input_hash,"
                " factor_library_version, gwp_set, boundary, total_kgco2e, cradle_to_gate_kgco2e, module_d_kgco2e, note,"
                " result_json, payload_sha256, content_hash FROM snapshots",
                ("0" * 32,),
            )
        rows = conn.execute("SELECT id, total_kgco2e FROM snapshots").fetchall()
    finally:
        conn.close()
    assert rows == [(snap.id, snap.total_kgco2e)]
    with fp.Ledger(path) as ledger:
        assert ledger.get(snap.id) == snap


def _record_many(path: str, payloads: list[str], worker: int, barrier: Any) -> None:
    """Worker of the concurrency test: wait for the others, open the ledger, record every payload in order."""
    barrier.wait()
    with fp.Ledger(path) as ledger:
        for i, payload in enumerate(payloads):
            ledger.record(fp.FootprintResult.model_validate_json(payload), "2025", note=f"{worker}:{i}")


def test_concurrent_writers(make: Make, ledger_url: str) -> None:
    """Four processes that create one new ledger together and record ten results each give versions 1..40 in one
    chain, on SQLite and on PostgreSQL; the content hashes chain too."""
    path = ledger_url
    results = [make(100 + n) for n in range(40)]
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(4)
    procs = [
        ctx.Process(
            target=_record_many,
            args=(str(path), [r.model_dump_json() for r in results[10 * w : 10 * w + 10]], w, barrier),
        )
        for w in range(4)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]

    with fp.Ledger(path) as ledger:
        history = ledger.history("pump", "2025")
    assert [s.version for s in history] == list(range(1, 41))
    assert history[0].supersedes is None
    assert all(s.supersedes == prev.id for prev, s in itertools.pairwise(history))
    assert sorted(s.input_hash for s in history) == sorted(r.input_hash for r in results)
    assert sorted(s.result.total_kgco2e for s in history) == pytest.approx(sorted(r.total_kgco2e for r in results))
    for w in range(4):
        mine = [s for s in history if s.note is not None and s.note.startswith(f"{w}:")]
        assert [s.note for s in mine] == [f"{w}:{i}" for i in range(10)]  # each worker's own order kept
    with fp.Ledger(path) as ledger:
        assert ledger.verify() == 40
    if path.startswith("postgresql"):
        return
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT count(*) FROM snapshots").fetchone()[0] == 40
    finally:
        conn.close()


def test_failed_write_rolls_back(make: Make, ledger_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure after the INSERT rolls the transaction back: earlier snapshots stay and the next version is 3."""
    path = ledger_url
    seen: list[int] = []
    append = fp.Ledger._append

    def fail_after_insert(self: fp.Ledger, conn: Any, *args: Any) -> fp.Snapshot:
        append(self, conn, *args)
        seen.append(len(conn.exec_driver_sql("SELECT id FROM snapshots").all()))
        raise OSError("simulated failure after the INSERT")

    with fp.Ledger(path) as ledger:
        first = ledger.record(make(100), "2025")
        second = ledger.record(make(101), "2025")
        with monkeypatch.context() as m:
            m.setattr(fp.Ledger, "_append", fail_after_insert)
            with pytest.raises(OSError, match="simulated failure after the INSERT"):
                ledger.record(make(102), "2025")
        assert seen == [3]  # the third row existed inside the transaction
        assert not ledger._conn.in_transaction()
        assert ledger.history("pump", "2025") == [first, second]
        third = ledger.record(make(102), "2025")
    assert (third.version, third.supersedes) == (3, second.id)
    with fp.Ledger(path) as reopened:
        assert [s.version for s in reopened.history("pump")] == [1, 2, 3]
        assert reopened.verify() == 3


@pytest.mark.parametrize(
    ("update", "message"),
    [
        ({"total_kgco2e": float("nan")}, "as JSON"),  # NaN serialises to null, which does not read back
        ({"by_module": {"A1": object()}}, "as JSON"),  # no JSON for an arbitrary object
    ],
)
def test_unserialisable_result_is_not_recorded(
    make: Make, ledger_url: str, update: dict[str, Any], message: str
) -> None:
    """A result that cannot be stored as lossless JSON raises LedgerError and leaves the ledger as it was."""
    with fp.Ledger(ledger_url) as ledger:
        first = ledger.record(make(100), "2025")
        with pytest.raises(fp.LedgerError, match=message):
            ledger.record(make(101).model_copy(update=update), "2025")
        assert ledger.history("pump") == [first]
        second = ledger.record(make(101), "2025")
    assert (second.version, second.supersedes) == (2, first.id)


def test_record_checks_its_arguments(make: Make, ledger_url: str) -> None:
    """record() refuses something that is not a FootprintResult and an empty period."""
    with fp.Ledger(ledger_url) as ledger:
        with pytest.raises(fp.UsageError, match="must be a FootprintResult"):
            ledger.record(make().model_dump(), "2025")  # type: ignore[arg-type]
        with pytest.raises(fp.InputError, match="non-empty string"):
            ledger.record(make(), " ")
        assert ledger.periods() == []


def test_opening_a_text_file_raises(tmp_path: Path) -> None:
    """A text file is not a ledger: LedgerError names the path, and the file is untouched."""
    path = tmp_path / "notes.txt"
    text = "not a database\n" * 50
    path.write_text(text)
    with pytest.raises(fp.LedgerError, match=r"notes\.txt is not a footprint ledger: not an SQLite database"):
        fp.Ledger(path)
    assert path.read_text() == text


def test_opening_a_foreign_database_raises(tmp_path: Path) -> None:
    """An SQLite file with other tables and no ledger schema raises LedgerError and is left as it was."""
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (name TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(fp.LedgerError, match=r"other\.db is not a footprint ledger: .*other tables \(customers\)"):
        fp.Ledger(path)
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["customers"]
    finally:
        conn.close()


def test_schema_version_is_written_and_checked(tmp_path: Path) -> None:
    """An empty file becomes a ledger with the schema version; a newer schema version is refused."""
    path = tmp_path / "empty.db"
    path.touch()
    with fp.Ledger(path) as ledger:
        assert ledger.periods() == []
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
        assert conn.execute("SELECT version FROM ledger_migrations ORDER BY version").fetchall() == [(1,), (2,), (3,)]
        conn.execute("INSERT INTO ledger_migrations VALUES (4, 'from a later release', '2030-01-01')")
        conn.commit()
    finally:
        conn.close()
    with pytest.raises(fp.LedgerError, match="schema version 4, newer than the 3"):
        fp.Ledger(path)


def test_frames(make: Make, ledger_url: str) -> None:
    """to_frame lists every snapshot with a latest flag; latest_frame keeps the latest per product and period."""
    with fp.Ledger(ledger_url) as ledger:
        empty = ledger.to_frame()
        a24 = ledger.record(make(100), "2024")
        a25 = ledger.record(make(100), "2025")
        a25b = ledger.record(make(101), "2025")
        b25 = ledger.record(make(100, product_id="pump-b"), "2025")
        frame = ledger.to_frame()
        frame25 = ledger.to_frame("2025")
        latest = ledger.latest_frame()
        latest25 = ledger.latest_frame("2025")
    assert list(empty.columns) == list(FRAME_COLUMNS)
    assert empty.empty
    assert list(frame.columns) == list(FRAME_COLUMNS)
    assert "result" not in frame.columns
    assert list(frame["id"]) == [a24.id, a25.id, a25b.id, b25.id]  # by product, period, version
    assert list(frame["product_id"]) == ["pump", "pump", "pump", "pump-b"]
    assert list(frame["period"]) == ["2024", "2025", "2025", "2025"]
    assert list(frame["version"]) == [1, 1, 2, 1]
    assert list(frame["latest"]) == [True, False, True, True]
    assert list(frame["supersedes"]) == [None, None, a25.id, None]
    assert list(frame["created_at"]) == [pd.Timestamp(s.created_at) for s in (a24, a25, a25b, b25)]
    assert str(frame["created_at"].dt.tz) == "UTC"
    assert list(frame["gwp_set"]) == ["AR6"] * 4
    assert list(frame["input_hash"]) == [s.input_hash for s in (a24, a25, a25b, b25)]
    assert frame["factor_library_version"].nunique() == 1
    base = a24.total_kgco2e
    assert list(frame["total_kgco2e"]) == pytest.approx([base, base, base + PER_LITRE, base])
    assert list(frame["module_d_kgco2e"]) == [-97.56] * 4
    assert list(frame["cradle_to_gate_kgco2e"]) == [s.cradle_to_gate_kgco2e for s in (a24, a25, a25b, b25)]
    assert list(frame25["id"]) == [a25.id, a25b.id, b25.id]
    assert list(latest["id"]) == [a24.id, a25b.id, b25.id]
    assert latest["latest"].all()
    assert list(latest25["id"]) == [a25b.id, b25.id]
    assert list(latest25["version"]) == [2, 1]
