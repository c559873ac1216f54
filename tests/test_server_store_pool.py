"""The service's PostgreSQL pool checks no connection before use (no ``SELECT 1`` round trip per request):
a read whose pooled connection was terminated by the server is read again on a new connection, so the
client sees no error; a failure that is not a lost connection is not repeated."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from conftest import postgres_admin, postgres_schema
from server_support import running, self_signed_cert, tls_client

from footprint.server import Store, create_app
from footprint.server._auth import hash_secret
from footprint.server._store import read_again_if_disconnected


@pytest.fixture
def store() -> Iterator[tuple[Store, str]]:
    """A store on a new PostgreSQL schema whose connections carry an application name of their own, and that
    name (to find and terminate its backends)."""
    name = f"pool_test_{uuid.uuid4().hex[:12]}"
    with postgres_schema("pool_test") as url:
        s = Store(f"{url}&application_name={name}")
        try:
            yield s, name
        finally:
            s.close()


def _terminate(application_name: str) -> int:
    """Terminate every backend of ``application_name`` (as a server restart or an idle timeout would); how many."""
    with postgres_admin() as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s", (application_name,)
        ).fetchall()
    return len(rows)


def test_the_pool_does_not_ping_each_checkout(store: tuple[Store, str]) -> None:
    """The engine is made without pool_pre_ping (its round trip was 40 to 110 us of each list or get,
    benchmarks/pool_ping.py) and with a recycle time."""
    s, _ = store
    assert s.engine.pool._pre_ping is False
    assert s.engine.pool._recycle > 0


def test_reads_on_a_terminated_connection_succeed(store: tuple[Store, str]) -> None:
    """A client read, a PACT list and a get, each right after pg_terminate_backend ended the pooled
    connection, answer what they answered before (the client added, no footprints, none by that id)."""
    s, name = store
    client_id = s.add_client("acme", "hash", ("footprint:list",))
    reads: list[Any] = [
        lambda: s.client(client_id).name,
        lambda: s.list_documents("acme", [], 0, 10),
        lambda: s.shared_document(str(uuid.UUID(int=1)), "acme"),
    ]
    before = [read() for read in reads]
    assert before[0] == "acme"
    for read, expected in zip(reads, before, strict=True):
        assert _terminate(name) >= 1  # the pooled connection, idle in the pool
        assert read() == expected


def test_writes_on_a_terminated_connection_succeed(store: tuple[Store, str]) -> None:
    """Writes keep the check before use: a client added and an offer stored, each right after
    pg_terminate_backend ended the pooled connection, are stored (read back: the two clients, the one offer)."""
    s, name = store
    s.add_client("first", "hash", ("footprint:list",))
    assert _terminate(name) >= 1
    s.add_client("second", "hash", ("footprint:list",))
    assert _terminate(name) >= 1
    s.add_offer(["urn:example:valve"], ["second"], {"files": []})
    assert s.client_names() == {"first", "second"}
    assert [o[:2] for o in s.offers()] == [(["urn:example:valve"], ["second"])]


def test_a_failure_other_than_a_lost_connection_is_not_repeated() -> None:
    """A database error whose connection is alive (here a statement error) is raised at once, the read run
    once only."""
    calls = []

    @read_again_if_disconnected
    def failing() -> None:
        calls.append(1)
        raise sa.exc.DBAPIError("SELECT x", {}, Exception("no such column"), connection_invalidated=False)

    with pytest.raises(sa.exc.DBAPIError):
        failing()
    assert calls == [1]


def test_a_client_of_the_pact_host_sees_no_error_after_a_terminated_connection(
    store: tuple[Store, str], tmp_path: Path
) -> None:
    """Over a real socket: a token, then a list (200, no footprints) and a get of an unknown id (404), each
    right after every backend of the service was terminated, answer as before; none is a 500."""
    s, name = store
    secret = "pool-secret-0123456789"
    client_id = s.add_client("acme", hash_secret(secret), ("footprint:list", "footprint:read"))
    cert = self_signed_cert(tmp_path)
    app = create_app(s.db_url)
    with running(app, cert) as base, tls_client(base, cert[0]) as http:
        _terminate(name)
        r = http.post("/auth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret))
        assert r.status_code == 200, r.text
        http.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        for path, status in (("/3/footprints", 200), (f"/3/footprints/{uuid.UUID(int=1)}", 404)):
            before = http.get(path)
            assert _terminate(name) >= 1
            after = http.get(path)
            assert before.status_code == after.status_code == status
            assert after.content == before.content
    app.state.store.close()
