"""Shared pytest configuration: hypothesis profiles, a factory for factor files in a temporary folder, and the
ledger's databases (an SQLite file, a PostgreSQL schema of its own)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

# CI runs the same examples every time (derandomize) so that a red build is reproducible; local runs explore.
settings.register_profile("ci", derandomize=True, deadline=None, max_examples=60)
settings.register_profile("dev", deadline=None, max_examples=100)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture
def tmp_factor_file(tmp_path: Path) -> Callable[..., Path]:
    """A factory: ``tmp_factor_file(text, name="factors.csv")`` writes ``text`` (UTF-8) and returns its path."""

    def write(text: str, name: str = "factors.csv") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write


#: The PostgreSQL server the ledger tests use: the one CI machines run (trust auth, database ``test``;
#: scripts/postgres.sh starts one). Override with FOOTPRINT_TEST_POSTGRES.
POSTGRES = os.environ.get("FOOTPRINT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


def postgres_admin(url: str = POSTGRES) -> Any:
    """An autocommit psycopg connection to the test server. Without a server: a failure when CI is set (a
    test that needs PostgreSQL never skips there), a skip otherwise."""
    import psycopg

    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as e:
        why = f"PostgreSQL at {url} is unreachable ({e}); scripts/postgres.sh starts one"
        if os.environ.get("CI"):
            pytest.fail(why)
        pytest.skip(why)


@contextmanager
def postgres_schema(prefix: str = "ledger_test") -> Iterator[str]:
    """The URL of a new, empty PostgreSQL schema of its own (its search_path), dropped afterwards."""
    admin = postgres_admin()
    name = f"{prefix}_{uuid.uuid4().hex[:16]}"
    admin.execute(f"CREATE SCHEMA {name}")
    try:
        yield f"{POSTGRES}?options=-csearch_path%3D{name}"
    finally:
        admin.execute(f"DROP SCHEMA {name} CASCADE")
        admin.close()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """The URL of a new, empty PostgreSQL schema of this test's own, dropped afterwards."""
    with postgres_schema() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def ledger_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a ledger test keeps its ledger: a new SQLite file, then a new PostgreSQL schema."""
    if request.param == "sqlite":
        return str(tmp_path / "ledger.db")
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture(autouse=True)
def _forget_loaded_gwp_sets() -> Iterator[None]:
    """GWP sets a test loads (load_gwp_set, --gwp-file, a docs page) are forgotten after it, so that every
    other test sees the bundled sets only."""
    from footprint import _gwp

    before = dict(_gwp._USER_SETS)
    yield
    _gwp._USER_SETS.clear()
    _gwp._USER_SETS.update(before)
