"""``footprint serve``, ``footprint clients add`` and ``footprint publish`` from the command line, on SQLite
and PostgreSQL; ``serve`` end to end in its own process over HTTPS on a loopback port."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from server_support import postgres_schema, self_signed_cert, tls_client

from footprint import Ledger
from footprint.cli import main
from footprint.server import Store
from footprint.server._auth import check_secret
from footprint.server._publish import ledger_period

ROOT = Path(__file__).resolve().parent.parent
VALVE = str(ROOT / "examples" / "subsea_gate_valve.yaml")
PACT = ["--prefolded", "report", "--company-name", "Valve maker AS", "--company-id", "valve-maker",
        "--company-domain", "valve-maker.example", "--fossil-carbon-content", "6.1"]  # fmt: skip


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new database: an SQLite file, then a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield str(tmp_path / "service.db")
    else:
        with postgres_schema() as url:
            yield url


def _run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, list(args))
    return r.exit_code, r.stdout, r.stderr


def test_serve_refuses_plain_http_without_insecure_http(tmp_path: Path) -> None:
    """PACT requires HTTPS: no certificate and no --insecure-http is a usage error; nothing starts."""
    code, _, err = _run("serve", "--db", str(tmp_path / "x.db"))
    assert code == 2
    assert "HTTPS" in err
    cert, _key = self_signed_cert(tmp_path)
    code, _, err = _run("serve", "--db", str(tmp_path / "x.db"), "--ssl-certfile", str(cert))
    assert code == 2
    assert "--ssl-keyfile" in err
    assert not (tmp_path / "x.db").exists()


@pytest.mark.parametrize("value", ["two", "-1", "1.5", ""])
def test_serve_refuses_a_bad_calc_processes_variable_by_name(tmp_path: Path, value: str) -> None:
    """FOOTPRINT_SERVER_CALC_PROCESSES that is not a whole number 0 or more exits 1 naming the variable and the
    value, before any worker starts or the database is created (each worker died on int()'s message before)."""
    r = CliRunner().invoke(
        main, ["serve", "--db", str(tmp_path / "x.db"), "--insecure-http"],
        env={"FOOTPRINT_SERVER_CALC_PROCESSES": value},
    )  # fmt: skip
    assert r.exit_code == 1
    assert f"FOOTPRINT_SERVER_CALC_PROCESSES must be a whole number, 0 or more; got {value!r}" in r.stderr
    assert not (tmp_path / "x.db").exists()


def test_clients_add_prints_the_secret_once_and_stores_a_hash(db: str) -> None:
    code, out, _ = _run("clients", "add", "acme", "--db", db)
    assert code == 0
    shown = json.loads(out)
    assert set(shown) == {"name", "client_id", "client_secret", "scopes"}
    store = Store(db)
    row = store.client(shown["client_id"])
    store.close()
    assert row is not None
    assert shown["client_secret"] not in row.secret_hash
    assert check_secret(shown["client_secret"], row.secret_hash)
    assert not check_secret(shown["client_secret"] + "x", row.secret_hash)
    code, _, err = _run("clients", "add", "acme", "--db", db)
    assert code == 1
    assert "already exists" in err
    code, _, err = _run("clients", "add", "bad name;--", "--db", db)
    assert code == 1


def test_publish_supersedes_and_shares(db: str) -> None:
    _run("clients", "add", "acme", "--db", db)
    code, out, err = _run("publish", VALVE, "--db", db, "--share-with", "acme", *PACT)
    assert code == 0, err
    first = json.loads(out)
    assert (first["status"], first["precedingPfIds"]) == ("Active", [])
    code, out, _ = _run("publish", VALVE, "--db", db, *PACT)  # shares carry over from the footprint superseded
    second = json.loads(out)
    assert second["precedingPfIds"] == [first["id"]]
    store = Store(db)
    try:
        old, old_shares = store.footprint(first["id"]) or ({}, set())
        new, new_shares = store.footprint(second["id"]) or ({}, set())
    finally:
        store.close()
    assert old["status"] == "Deprecated"
    assert new["status"] == "Active"
    assert old_shares == new_shares == {"acme"}
    with Ledger(db) as ledger:  # the result behind each footprint is in the ledger (the valve's period: 2025)
        (snap,) = ledger.history("sgv-5-10k", "2025")  # published twice, the same result: one snapshot
    assert snap.note == f"published as PACT footprint {first['id']}"
    assert snap.input_hash in new["comment"]


def test_the_service_database_stays_a_ledger(db: str) -> None:
    """The service's tables live beside the ledger's: the database still opens and verifies as a ledger."""
    assert _run("clients", "add", "acme", "--db", db)[0] == 0
    assert _run("publish", VALVE, "--db", db, "--share-with", "acme", *PACT)[0] == 0
    code, out, err = _run("ledger", "verify", "--db", db)
    assert code == 0, err
    assert out.startswith("ok:")


def test_ledger_period_of_a_pact_reference_period() -> None:
    """PACT periods end exclusive: 2025-01-01..2026-01-01 is the year 2025; a half year keeps both days."""
    assert ledger_period("2025-01-01", "2026-01-01") == "2025"
    assert ledger_period("2025-01-01", "2025-07-01") == "2025-01-01/2025-06-30"
    assert ledger_period("2024-03-01", "2025-03-01") == "2024-03-01/2025-02-28"


def test_publish_to_an_unknown_client_changes_nothing(db: str) -> None:
    store = Store(db)
    before = store.counts()
    code, _, err = _run("publish", VALVE, "--db", db, "--share-with", "nobody", *PACT)
    assert code == 1
    assert "nobody" in err
    assert store.counts() == before
    with Ledger(db) as ledger:
        assert ledger.periods() == []
    store.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_runs_https_and_answers_a_pact_client(tmp_path: Path, workers: int) -> None:
    """The documented path: add a client, publish, serve with a certificate (one or two worker processes),
    get a token, list footprints; each request leaves its access-log line."""
    db = str(tmp_path / "service.db")
    creds = json.loads(_run("clients", "add", "acme", "--db", db)[1])
    published = json.loads(_run("publish", VALVE, "--db", db, "--share-with", "acme", *PACT)[1])
    cert, key = self_signed_cert(tmp_path)
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "footprint", "serve", "--db", db, "--port", str(port), "--ssl-certfile", str(cert),
         "--ssl-keyfile", str(key), "--workers", str(workers)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        with tls_client(f"https://127.0.0.1:{port}", cert) as c:
            deadline = time.monotonic() + 60
            while True:
                try:
                    r = c.post("/auth/token", data={"grant_type": "client_credentials"},
                               auth=(creds["client_id"], creds["client_secret"]))  # fmt: skip
                    break
                except httpx.TransportError:
                    assert proc.poll() is None, "footprint serve stopped"
                    assert time.monotonic() < deadline, "footprint serve did not start"
                    time.sleep(0.2)
            token = r.json()["access_token"]
            listed = c.get("/3/footprints", headers={"Authorization": f"Bearer {token}"}).json()
    finally:
        proc.terminate()
        log = proc.communicate(timeout=30)[0].decode()
    assert [pf["id"] for pf in listed["data"]] == [published["id"]]
    access = [json.loads(line) for line in log.splitlines() if line.startswith('{"method"')]
    assert {"method": "GET", "path": "/3/footprints", "status": 200, "client": "acme"}.items() <= access[-1].items()
