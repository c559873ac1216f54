"""Content hashes of ledger snapshots, each chained to the snapshot recorded before it.

A snapshot's ``content_hash`` is SHA-256 over the previous snapshot's hash (in commit order, 64 zeros for
the first), a newline, and a canonical JSON of the snapshot: its stored fields with sorted keys, no spaces,
and ``payload_sha256``, the SHA-256 of its result JSON. Editing, inserting or removing any snapshot changes
a hash that a later one depends on. No database here: the same rows give the same hashes on SQLite and
PostgreSQL.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

__all__ = ["GENESIS", "HASHED", "content_hash", "payload_hash"]

#: The "previous hash" of the first snapshot.
GENESIS = "0" * 64

_TEXT = (
    "id",
    "product_id",
    "period",
    "created_at",
    "supersedes",
    "input_hash",
    "factor_library_version",
    "gwp_set",
    "boundary",
)
_NUMBERS = ("total_kgco2e", "cradle_to_gate_kgco2e", "module_d_kgco2e")
#: The fields a content hash covers (the result itself through ``payload_sha256``).
HASHED = (*_TEXT, "version", *_NUMBERS, "note", "payload_sha256")


def payload_hash(payload: str) -> str:
    """SHA-256 (hex) of a stored result JSON."""
    return hashlib.sha256(payload.encode()).hexdigest()


def _canonical(row: Mapping[Any, Any]) -> bytes:
    """The row's hashed fields as canonical JSON; numbers typed as stored (an integer-valued total is a float)."""
    fields = {k: row[k] for k in HASHED}
    fields["version"] = int(fields["version"])
    for k in _NUMBERS:
        fields[k] = float(fields[k])
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def content_hash(row: Mapping[Any, Any], previous: str | None) -> str:
    """The content hash of ``row`` chained to ``previous`` (the hash of the snapshot before it, None for the first).

    Raises ValueError for a row whose numbers are not finite (no ledger writes one).
    """
    digest = hashlib.sha256((previous or GENESIS).encode())
    digest.update(b"\n")
    digest.update(_canonical(row))
    return digest.hexdigest()
