"""Partner credentials sealed at rest: the secrets partners' hosts issued to this service (``footprint clients
link``) are stored encrypted with AES-256-GCM under a key the operator keeps outside the database.

The service must present those secrets when it answers events, so they cannot be hashed like its own
clients' secrets; encrypted, a copy of the database (a backup, a stolen file, a read-only SQL account) does
not reveal them. The key comes from ``FOOTPRINT_SECRET_KEY`` (32 random bytes, URL-safe base64: what
:func:`new_key` prints) or from the file named by ``FOOTPRINT_SECRET_KEY_FILE``. Each value is bound to its
row (the partner's name is the associated data), so a sealed secret copied onto another partner's row does
not open.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from pathlib import Path

from .._errors import MissingDependencyError
from ._errors import ServerError

__all__ = ["KEY_ENV", "KEY_FILE_ENV", "PREFIX", "SecretBox", "missing_key", "new_key", "sealed"]

#: The environment variable holding the key itself, and the one naming a file that holds it.
KEY_ENV, KEY_FILE_ENV = "FOOTPRINT_SECRET_KEY", "FOOTPRINT_SECRET_KEY_FILE"
#: How a sealed value starts in the database (anything else is a clear value stored by an older version).
PREFIX = "aesgcm1:"
_HOW = f"set {KEY_ENV} (or {KEY_FILE_ENV}, or --secret-key-file) to a key made by `footprint clients new-key`"


def new_key() -> str:
    """A new key: 32 random bytes, URL-safe base64 (44 characters)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


class SecretBox:
    """Seals and opens partner secrets with one AES-256-GCM key."""

    def __init__(self, key: str, origin: str = KEY_ENV) -> None:
        try:
            raw = base64.urlsafe_b64decode(key.strip().encode())
        except (binascii.Error, ValueError):
            raw = b""
        if len(raw) != 32:
            raise ServerError(f"{origin}: expected 32 bytes in URL-safe base64 (44 characters); {_HOW}")
        try:
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        except ImportError:
            raise MissingDependencyError(
                'sealing partner credentials needs cryptography: pip install "footprint[server]"'
            ) from None
        self._aead = AESGCM(raw)

    @classmethod
    def from_environment(cls) -> SecretBox | None:
        """The box for the key in ``FOOTPRINT_SECRET_KEY`` or the file ``FOOTPRINT_SECRET_KEY_FILE`` names;
        None when neither is set."""
        value = os.environ.get(KEY_ENV)
        if value:
            return cls(value, KEY_ENV)
        path = os.environ.get(KEY_FILE_ENV)
        if not path:
            return None
        try:
            text = Path(path).read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as e:
            raise ServerError(f"{KEY_FILE_ENV}: cannot read the key file {path!r}: {e.__class__.__name__}") from None
        return cls(text, f"{KEY_FILE_ENV} ({path})")

    def seal(self, secret: str, row: str) -> str:
        """``secret`` encrypted for the partner row ``row``, as stored."""
        nonce = secrets.token_bytes(12)
        sealed = self._aead.encrypt(nonce, secret.encode(), _aad(row))
        return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()

    def open(self, stored: str, row: str) -> str:
        """The secret of partner ``row`` from its stored form; :class:`ServerError` when the key is another or
        the value was altered or moved from another row."""
        from cryptography.exceptions import InvalidTag

        try:
            raw = base64.urlsafe_b64decode(stored[len(PREFIX) :].encode())
            return self._aead.decrypt(raw[:12], raw[12:], _aad(row)).decode()
        except (InvalidTag, binascii.Error, ValueError):
            raise ServerError(
                f"the credentials of partner {row!r} do not open with this key (another key, or an altered row); "
                "link the partner again with `footprint clients link`"
            ) from None


def sealed(stored: str) -> bool:
    """Whether a stored partner secret is sealed (else it is a clear value from an older version)."""
    return stored.startswith(PREFIX)


def missing_key(what: str) -> ServerError:
    """The error for ``what`` needing the key when none is set."""
    return ServerError(f"{what} needs the key that encrypts partner credentials: {_HOW}")


def _aad(row: str) -> bytes:
    return b"footprint partner secret\x00" + row.encode()
