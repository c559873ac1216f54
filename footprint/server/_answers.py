"""The answers of ``POST /v1/calculate``, kept by request: a result depends only on the request body and the
factor library (the GWP set, the policy for pre-folded factors and the quantity are in the body), and neither
the library nor a result holds a time, so an identical request is answered with the bytes already written.

Kept per worker process, the most recently used first, up to a number of answers (a valve's is about 80 kB);
a refused request is never kept.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

__all__ = ["DEFAULT_KEPT_ANSWERS", "Answers"]

#: How many answers a worker keeps by default (about 20 MB for answers the size of the valve's).
DEFAULT_KEPT_ANSWERS = 256


class Answers:
    """Answer bytes by (factor library version, request body), least recently used dropped first; thread-safe.
    ``size=0`` keeps none."""

    def __init__(self, size: int = DEFAULT_KEPT_ANSWERS) -> None:
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise ValueError(f"the number of answers kept must be a whole number, 0 or more; got {size!r}")
        self.size = size
        self._kept: OrderedDict[bytes, bytes] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(library_version: str, body: bytes, *, yaml: bool = False) -> bytes:
        """What an answer is kept under: a digest of the library version, the body's language (JSON or YAML:
        the same text may read differently in each) and the exact request body."""
        language = b"yaml" if yaml else b"json"
        return hashlib.sha256(library_version.encode() + b"\0" + language + b"\0" + body).digest()

    def get(self, key: bytes) -> bytes | None:
        """The answer kept under ``key``, or None."""
        with self._lock:
            answer = self._kept.get(key)
            if answer is not None:
                self._kept.move_to_end(key)
            return answer

    def put(self, key: bytes, answer: bytes) -> None:
        """Keep ``answer`` under ``key``, dropping the least recently used beyond :attr:`size`."""
        if not self.size:
            return
        with self._lock:
            self._kept[key] = answer
            self._kept.move_to_end(key)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)

    def __len__(self) -> int:
        return len(self._kept)
