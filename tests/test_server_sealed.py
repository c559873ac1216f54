"""Partner credentials (``footprint clients link``) sealed at rest with the operator's key, on SQLite and
PostgreSQL: refused without a key, never in the database in clear (the SQLite files read byte by byte,
the PostgreSQL rows as text), opened only with the same key and on the same row, and clear rows from an
older version sealed on first use with a key."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from server_support import postgres_schema

from footprint.cli import main
from footprint.server import ServerError, Store, create_app
from footprint.server._auth import hash_secret
from footprint.server._sealed import KEY_ENV, PREFIX, SecretBox, new_key
from footprint.server._store import partners

SECRET = "partner-issued-secret-3f9a7c0e51d2"  # what a partner's host issued this service: never stored as is
HOST = "https://pact.buyer.example"


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A service database with client ``buyer``: a new SQLite file, then a new PostgreSQL schema."""
    place = postgres_schema() if request.param == "postgresql" else nullcontext(str(tmp_path / "service.db"))
    with place as url:
        store = Store(url)
        store.add_client("buyer", hash_secret("x" * 32), ["footprint:events"])
        store.close()
        yield url


def _everything_stored(db: str) -> bytes:
    """All a database holds about partners: every byte of the SQLite files (main, WAL, shared memory), or
    every PostgreSQL row of the partners table as text."""
    if "://" not in db:
        return b"".join(p.read_bytes() for p in Path(db).parent.glob(Path(db).name + "*"))
    engine = sa.create_engine(sa.make_url(db).set(drivername="postgresql+psycopg"))
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT t::text FROM server_partners t").scalars().all()
    engine.dispose()
    return "\n".join(rows).encode()


def _link(db: str, env: dict[str, str], *extra: str) -> object:
    args = ["clients", "link", "buyer", HOST, "--client-id", "id-1", "--client-secret", SECRET, "--db", db, *extra]
    return CliRunner(env={KEY_ENV: "", "FOOTPRINT_SECRET_KEY_FILE": "", **env}).invoke(main, args)


def test_link_without_a_key_is_refused_and_stores_nothing(db: str) -> None:
    """No key: exit 1, the message names what to set; no partner row."""
    r = _link(db, {})
    assert r.exit_code == 1  # type: ignore[attr-defined]
    for named in (KEY_ENV, "--secret-key-file", "clients new-key"):
        assert named in r.stderr  # type: ignore[attr-defined]
    store = Store(db)
    assert store.counts()["server_partners"] == 0
    store.close()


def test_the_secret_is_sealed_never_stored_in_clear(db: str, tmp_path: Path) -> None:
    """Linked with the key in a file: the stored value is sealed (its prefix), the secret's bytes appear
    nowhere in the database, and the store opens it again with that key."""
    key = new_key()
    key_file = tmp_path / "partner.key"
    key_file.write_text(key + "\n")
    r = _link(db, {}, "--secret-key-file", str(key_file))
    assert r.exit_code == 0, r.stderr  # type: ignore[attr-defined]
    assert SECRET.encode() not in _everything_stored(db)
    assert PREFIX.encode() in _everything_stored(db)
    store = Store(db, box=SecretBox(key))
    partner = store.partner("buyer")
    store.close()
    assert partner is not None
    assert (partner.host, partner.client_id, partner.client_secret) == (HOST, "id-1", SECRET)


def test_another_key_or_another_row_does_not_open(db: str) -> None:
    """The sealed secret opens with its own key on its own row only: another key, or the sealed value
    copied onto another partner's row, is a ServerError naming the partner; no key at all names the setting."""
    key = new_key()
    assert _link(db, {KEY_ENV: key}).exit_code == 0  # type: ignore[attr-defined]
    stranger = Store(db, box=SecretBox(new_key()))
    with pytest.raises(ServerError, match=r"'buyer'.*do not open"):
        stranger.partner("buyer")
    stranger.close()
    store = Store(db, box=SecretBox(key))
    store.add_client("other", hash_secret("y" * 32), ["footprint:events"])
    with store.engine.begin() as conn:
        sealed = conn.execute(sa.select(partners.c.client_secret)).scalar_one()
        conn.execute(partners.insert().values(client_name="other", host=HOST, client_id="id-2", client_secret=sealed,
                                              created="2026-01-01T00:00:00Z"))  # fmt: skip
    with pytest.raises(ServerError, match="'other'"):
        store.partner("other")
    store.close()
    unkeyed = Store(db)
    with pytest.raises(ServerError, match=KEY_ENV):
        unkeyed.partner("buyer")
    unkeyed.close()


def test_clear_rows_of_an_older_version_are_sealed_on_first_use_with_a_key(db: str) -> None:
    """A row an older version stored in clear still answers without a key; the service started with a key
    seals it, after which no clear copy remains in the database files or rows."""
    store = Store(db)
    with store.engine.begin() as conn:  # as the version before sealing wrote it
        conn.execute(partners.insert().values(client_name="buyer", host=HOST, client_id="id-1", client_secret=SECRET,
                                              created="2026-01-01T00:00:00Z"))  # fmt: skip
    partner = store.partner("buyer")
    assert partner is not None
    assert partner.client_secret == SECRET
    store.close()
    key = new_key()
    create_app(db, box=SecretBox(key)).state.store.close()
    assert SECRET.encode() not in _everything_stored(db)
    store = Store(db, box=SecretBox(key))
    partner = store.partner("buyer")
    store.close()
    assert partner is not None
    assert partner.client_secret == SECRET


@pytest.mark.parametrize(
    ("value", "named"),
    [("too-short", KEY_ENV), ("A" * 64, KEY_ENV), ("%" * 44, KEY_ENV)],
)
def test_a_malformed_key_is_refused_naming_the_setting(value: str, named: str) -> None:
    """A key that is not 32 bytes of URL-safe base64 (too short; 48 bytes; 44 characters that are not
    base64) is refused naming where it came from and what was expected."""
    with pytest.raises(ServerError, match=f"{named}: expected 32 bytes"):
        SecretBox(value)


def test_serve_refuses_a_bad_key_file_before_starting(tmp_path: Path) -> None:
    """``serve --secret-key-file`` with a file that holds no key exits 1 naming the file."""
    bad = tmp_path / "bad.key"
    bad.write_text("not a key\n")
    r = CliRunner().invoke(main, ["serve", "--insecure-http", "--db", str(tmp_path / "s.db"), "--secret-key-file",
                                  str(bad)])  # fmt: skip
    assert r.exit_code == 1
    assert "bad.key" in r.stderr
    assert "32 bytes" in r.stderr
