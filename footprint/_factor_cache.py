"""The bundled factor library read once per content: the checked factors kept in the user's cache folder.

Reading and checking the bundled factor files row by row is about a fifth of a cold ``footprint calc``;
loading the factors checked by an earlier run takes a few milliseconds. An entry is keyed by a SHA-256 of
the bundled files' names and contents, footprint's version, the Python and pydantic versions, and the size
and modification time of each module that reads and checks factors: any change to a factor file (or to the
code that reads one) gives another key, so a changed file is read afresh, never served from an old entry.

The folder is ``$FOOTPRINT_CACHE_DIR`` when set (empty: no cache), else the platform's user cache folder
(``$XDG_CACHE_HOME/footprint`` or ``~/.cache/footprint`` on Linux). It is made readable by its owner only,
and an entry is loaded only from a file the current user owns that no one else may write; an entry that
cannot be loaded is read afresh. A folder that cannot be written leaves the library read from its files.
The folder keeps the :data:`KEEP` entries used last (several installs or versions of footprint on one
account each keep theirs); older ones are removed when an entry is written.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import stat
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._factors import EmissionFactor

__all__ = ["KEEP", "READER_MODULES", "cache_folder", "cached_factors", "factors_key"]

_log = logging.getLogger("footprint")

#: How many entries the folder keeps: the ones used last.
KEEP = 4

#: The modules of footprint that read and check a factor file (tests/test_factor_cache.py checks that this
#: lists every footprint module reading the bundled files loads), and the data files they read.
READER_MODULES = (
    "__init__.py", "_biogenic.py", "_energy_basis.py", "_engine.py", "_errors.py", "_factor_cache.py", "_factor_io.py",
    "_factor_rows.py", "_factor_table.py", "_factors.py", "_gwp.py", "_limits.py", "_matrix_file.py", "_models.py",
    "_prefolded.py", "_substances.py", "_tables.py", "_unit_table.py", "_unit_table_data.py", "_units.py",
    "factors/__init__.py", "gwp.csv", "units.txt",
)  # fmt: skip


def cache_folder() -> Path | None:
    """Where entries are kept: ``$FOOTPRINT_CACHE_DIR`` (empty: None, no cache) or the user cache folder."""
    given = os.environ.get("FOOTPRINT_CACHE_DIR")
    if given is not None:
        return Path(given) if given.strip() else None
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "footprint" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "footprint"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "footprint"


def factors_key(files: Sequence[Path]) -> str:
    """SHA-256 of the factor files' names and contents and of what reads them (versions, reader modules)."""
    import pydantic

    from . import __version__

    h = hashlib.sha256()
    h.update(f"footprint {__version__}; python {sys.version}; pydantic {pydantic.VERSION}\n".encode())
    here = Path(__file__).parent
    for name in READER_MODULES:
        st = (here / name).stat()
        h.update(f"{name} {st.st_size} {st.st_mtime_ns}\n".encode())
    for path in files:
        data = path.read_bytes()
        h.update(f"{path.name} {len(data)}\n".encode())
        h.update(data)
    return h.hexdigest()


def _trusted(path: Path) -> bool:
    """A regular file of the current user that no one else may write (on POSIX; any file elsewhere)."""
    st = path.lstat()
    if not stat.S_ISREG(st.st_mode):
        return False
    if hasattr(os, "getuid"):
        return st.st_uid == os.getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    return True


def _load(path: Path) -> list[EmissionFactor] | None:
    """The factors of one entry, or None when there is none or it cannot be loaded."""
    from ._factors import EmissionFactor

    try:
        if not path.exists() or not _trusted(path):
            return None
        factors = pickle.loads(path.read_bytes())  # an entry this user's runs wrote (see _trusted)
        os.utime(path)  # used now: kept over entries used longer ago
    except Exception as exc:  # a damaged or outdated entry, whatever the error, is read afresh
        _log.debug("factor cache entry %s not used: %s", path, exc)
        return None
    if isinstance(factors, list) and all(isinstance(f, EmissionFactor) for f in factors):
        return factors
    return None


def _store(folder: Path, key: str, factors: list[EmissionFactor]) -> None:
    """Write the entry (atomically), then remove all but the :data:`KEEP` entries used last."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = folder / f".factors-{key}.{os.getpid()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            pickle.dump(factors, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / f"factors-{key}.pickle")
        _prune(folder, keep=f"factors-{key}.pickle")
    except OSError as exc:  # a read-only or full disk: the library is read from its files each time
        _log.debug("factor cache not written in %s: %s", folder, exc)


def _prune(folder: Path, keep: str) -> None:
    """Remove the entries beyond the :data:`KEEP` used last (``keep``, just written, always stays)."""
    others = [p for p in folder.glob("factors-*.pickle") if p.name != keep]
    others.sort(key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in others[KEEP - 1 :]:
        old.unlink(missing_ok=True)


def cached_factors(files: Sequence[Path], read: Callable[[], list[EmissionFactor]]) -> list[EmissionFactor]:
    """The factors of ``files``: from the cache entry of their key, or ``read()`` and stored for next time."""
    folder = cache_folder()
    if folder is None:
        return read()
    key = factors_key(files)
    factors = _load(folder / f"factors-{key}.pickle")
    if factors is None:
        factors = read()
        _store(folder, key, factors)
    return factors
