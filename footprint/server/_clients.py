"""Adding clients: a new id and secret, the secret stored only as its salted hash."""

from __future__ import annotations

from collections.abc import Sequence

from ._auth import ALL_SCOPES, hash_secret, new_secret
from ._store import ServerError, Store

__all__ = ["add_client"]


def add_client(db_url: str, name: str, scopes: Sequence[str] = ALL_SCOPES) -> tuple[str, str]:
    """Register client ``name`` with ``scopes`` in the service database; its ``(client_id, client_secret)``.

    The secret is returned once and kept only as a salted scrypt hash: lose it and add a new client.
    """
    unknown = sorted(set(scopes) - set(ALL_SCOPES))
    if unknown or not scopes:
        raise ServerError(f"unknown scope {', '.join(unknown) or '(none)'}; known: {', '.join(ALL_SCOPES)}")
    secret = new_secret()
    store = Store(db_url)
    try:
        return store.add_client(name, hash_secret(secret), scopes), secret
    finally:
        store.close()
