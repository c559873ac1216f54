"""Client secrets and access tokens.

Secrets are stored as salted scrypt hashes, never in clear. Tokens are JWT-shaped (``header.payload.signature``,
base64url) and signed with HMAC-SHA256 under the server's key; they name the client, carry its scopes and
expire (``exp``, checked on every request).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ALL_SCOPES",
    "Caller",
    "TokenError",
    "check_secret",
    "hash_secret",
    "issue_token",
    "new_secret",
    "read_token",
]

#: The scopes a client may hold: the PACT ones (list, read, events) and the service's calculation API and
#: ledger (recording results, reading snapshots and roll-ups).
ALL_SCOPES = ("footprint:list", "footprint:read", "footprint:events", "footprint:calculate", "footprint:ledger")

_N, _R, _P = 2**14, 8, 1  # scrypt cost: about 16 MiB and tens of milliseconds per check
_HEADER = {"alg": "HS256", "typ": "JWT"}


def new_secret() -> str:
    """A new client secret: 32 random bytes, base64url."""
    return secrets.token_urlsafe(32)


def hash_secret(secret: str, salt: bytes | None = None) -> str:
    """``secret`` as stored: ``scrypt$N$r$p$salt$hash`` (hex)."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def check_secret(secret: str, stored: str | None) -> bool:
    """Whether ``secret`` matches the stored hash; without one, the same work is done against a dummy hash
    so that an unknown client id takes as long to refuse as a wrong secret."""
    if stored is None:
        hash_secret(secret)
        return False
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        got = hashlib.scrypt(secret.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32)
    except ValueError:
        return False
    return hmac.compare_digest(got.hex(), digest)


@dataclass(frozen=True)
class Caller:
    """Who made a request: the client a valid token names, and the scopes it grants."""

    client_id: str
    name: str
    scopes: frozenset[str]


class TokenError(Exception):
    """A token that is malformed, forged (bad signature) or expired (``expired``)."""

    def __init__(self, message: str, *, expired: bool = False) -> None:
        super().__init__(message)
        self.expired = expired


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(key: bytes, signing_input: str) -> str:
    return _b64(hmac.new(key, signing_input.encode(), hashlib.sha256).digest())


def issue_token(
    key: bytes, client_id: str, name: str, scopes: tuple[str, ...], ttl: int, now: float | None = None
) -> str:
    """A token for the client, valid ``ttl`` seconds from ``now``."""
    iat = int(time.time() if now is None else now)
    claims = {
        "iss": "footprint",
        "sub": client_id,
        "name": name,
        "scope": " ".join(scopes),
        "iat": iat,
        "exp": iat + ttl,
    }
    head = _b64(json.dumps(_HEADER, separators=(",", ":")).encode())
    body = _b64(json.dumps(claims, separators=(",", ":")).encode())
    return f"{head}.{body}.{_sign(key, head + '.' + body)}"


def read_token(key: bytes, token: str, now: float | None = None) -> Caller:
    """The caller a token names; :class:`TokenError` when it is malformed, not signed with ``key``, or
    expired. The signature is checked before anything in the token is trusted."""
    parts = token.split(".")
    if len(parts) != 3 or len(token) > 4096:
        raise TokenError("malformed token")
    head, body, sig = parts
    if not hmac.compare_digest(_sign(key, head + "." + body), sig):
        raise TokenError("invalid token signature")
    try:
        header: Any = json.loads(_unb64(head))
        claims: Any = json.loads(_unb64(body))
    except ValueError:
        raise TokenError("malformed token") from None
    if header != _HEADER or not isinstance(claims, dict):
        raise TokenError("malformed token")
    exp, sub, name, scope = claims.get("exp"), claims.get("sub"), claims.get("name"), claims.get("scope")
    if not isinstance(exp, int) or not isinstance(sub, str) or not isinstance(name, str) or not isinstance(scope, str):
        raise TokenError("malformed token")
    if (time.time() if now is None else now) >= exp:
        raise TokenError("token expired", expired=True)
    return Caller(client_id=sub, name=name, scopes=frozenset(scope.split()))
