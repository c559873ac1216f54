"""Files footprint writes: names built from ids, kept in the folder asked for, written all or nothing.

- :func:`output_name` turns an id (a product id, which a supplier's file chooses) into one safe file name:
  a plain id (letters, digits, ``.``, ``_``, ``-``; at most :data:`MAX_STEM` characters) is its own name;
  any other id is slugged, shortened and given a hash of the whole id, so that two ids never share a name.
  :func:`output_names` names a batch and also keeps names apart on case-blind disks (``Valve``/``valve``).
- :func:`confined` joins a folder and such a name and refuses anything that would land elsewhere.
- :func:`atomic_outputs` stages every file of one command as a temporary beside its target and renames them
  all at the end; if anything fails first, the temporaries and the folders made for them are removed, so
  an earlier file of the same name keeps its content and nothing new is left.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ._errors import OutputError

__all__ = ["MAX_STEM", "OutputSet", "atomic_outputs", "confined", "output_name", "output_names", "write_atomic"]

#: Longest name (without suffix) an id keeps; longer ids are cut and hashed. Far below the 255 bytes that
#: common file systems allow, so that a suffix and the temporary's prefix always fit.
MAX_STEM = 100
_HASH_DIGITS = 12
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_LOOKS_HASHED = re.compile(rf"-[0-9a-f]{{{_HASH_DIGITS}}}$")
# Device names Windows reserves whatever the extension (CON.json is the console).
_RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))})


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:_HASH_DIGITS]


def output_name(item_id: str, suffix: str) -> str:
    """A file name for ``item_id`` followed by ``suffix`` (``".json"``, ``"-modules.svg"``: the program's
    own text, never the input's).

    The name is one path component: no separators, not ``.``/``..``, no leading dot or dash, no Windows
    device name, at most ``MAX_STEM + len(suffix)`` ASCII characters. An id that is not already such a
    name (or that ends like a hashed one) becomes its slug, cut to fit, plus ``-`` and 12 hex digits of
    its SHA-256: distinct ids get distinct names.
    """
    stem = item_id
    plain = (
        bool(stem)
        and len(stem) <= MAX_STEM
        and _UNSAFE.search(stem) is None
        and stem[0] not in ".-"
        and stem.split(".")[0].upper() not in _RESERVED
        and _LOOKS_HASHED.search(stem) is None
    )
    return stem + suffix if plain else _hashed(item_id, suffix)


def _hashed(item_id: str, suffix: str) -> str:
    """The id's ASCII slug, cut to fit, with 12 hex digits of the whole id's SHA-256."""
    ascii_text = unicodedata.normalize("NFKD", item_id).encode("ascii", "ignore").decode("ascii")
    slug = _UNSAFE.sub("-", ascii_text).strip(".-")[: MAX_STEM - _HASH_DIGITS - 1].rstrip(".-")
    return f"{slug or 'id'}-{_digest(item_id)}{suffix}"


def output_names(item_ids: Iterable[str], suffix: str) -> dict[str, str]:
    """:func:`output_name` of each id, with names that would be one file on a case-blind disk (macOS,
    Windows) given their hash as well. Raises :class:`OutputError` in the (astronomically unlikely) case of
    two hashes alike."""
    ids = list(dict.fromkeys(item_ids))
    names = {i: output_name(i, suffix) for i in ids}
    seen: dict[str, list[str]] = {}
    for i, n in names.items():
        seen.setdefault(n.casefold(), []).append(i)
    for group in seen.values():
        if len(group) > 1:
            for i in group:
                names[i] = _hashed(i, suffix)
    if len({n.casefold() for n in names.values()}) != len(names):
        raise OutputError("two ids give the same file name; rename one of them")
    return names


def confined(folder: str | os.PathLike[str], name: str) -> Path:
    """``folder / name``, refused with :class:`OutputError` unless it is a file directly inside ``folder``."""
    base = Path(folder)
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name or Path(name).is_absolute():
        raise OutputError(f"{name!r} is not a file name inside {str(base)!r}")
    path = base / name
    if os.path.dirname(os.path.abspath(path)) != os.path.abspath(base):
        raise OutputError(f"{name!r} would be written outside {str(base)!r}")
    return path


class OutputSet:
    """The files of one command, staged as temporaries beside their targets (see :func:`atomic_outputs`)."""

    def __init__(self) -> None:
        self._staged: dict[Path, Path] = {}
        self._made: list[Path] = []

    @property
    def targets(self) -> list[Path]:
        """The files staged so far, in order."""
        return list(self._staged)

    def folder(self, path: str | os.PathLike[str]) -> Path:
        """Make ``path`` (and missing parents); the ones made here are removed again on failure."""
        path = Path(path)
        missing = [p for p in (path, *path.parents) if not os.path.lexists(p)]
        try:
            path.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError) as exc:
            raise OutputError(f"cannot make the folder {str(path)!r}: a file of that name is in the way") from exc
        except OSError as exc:
            raise OutputError(f"cannot make the folder {str(path)!r}: {exc.strerror or exc}") from exc
        self._made += reversed(missing)
        return path

    def stage(self, target: str | os.PathLike[str]) -> Path:
        """A temporary path to write ``target``'s content to (same folder, same suffix, a short hidden name
        ``.~footprint-<random><suffix>``); it becomes ``target`` when the block ends without error."""
        target = Path(target)
        if target in self._staged:
            raise OutputError(f"{str(target)!r} would be written twice by one command")
        self.folder(target.parent)
        suffix = target.suffix if len(target.suffix) <= 16 else ""  # save_chart picks its format by suffix
        tmp = target.with_name(f".~footprint-{secrets.token_hex(6)}{suffix}")
        self._staged[target] = tmp
        return tmp

    def write_text(self, target: str | os.PathLike[str], text: str) -> Path:
        """Stage ``text`` (UTF-8, ending with a newline) for ``target``."""
        tmp = self.stage(target)
        try:
            tmp.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        except OSError as exc:
            raise OutputError(f"cannot write {str(target)!r}: {exc.strerror or exc}") from exc
        return Path(target)

    def commit(self) -> list[Path]:
        """Rename every temporary to its target; the targets, in staging order."""
        done: list[Path] = []
        new = {t for t in self._staged if not os.path.lexists(t)}  # lexists: False, never raising, on bad names
        try:
            for target, tmp in self._staged.items():
                os.replace(tmp, target)
                done.append(target)
        except OSError as exc:
            for t in done:  # files this command brought into being go again; a replaced file stays replaced
                if t in new:
                    with contextlib.suppress(OSError):
                        t.unlink()
            for t in done:
                del self._staged[t]
            self.rollback()
            raise OutputError(f"cannot write {str(target)!r}: {exc.strerror or exc}") from exc
        self._staged.clear()
        return done

    def rollback(self) -> None:
        """Remove the temporaries not yet renamed and the folders made for them (when empty)."""
        for tmp in self._staged.values():
            with contextlib.suppress(OSError):  # never written (a name too long, a folder gone)
                tmp.unlink(missing_ok=True)
        self._staged.clear()
        for folder in reversed(self._made):
            with contextlib.suppress(OSError):  # not empty (someone else's file) or already gone: leave it
                folder.rmdir()
        self._made.clear()


@contextmanager
def atomic_outputs() -> Iterator[OutputSet]:
    """Write several files all or nothing::

        with atomic_outputs() as out:
            out.write_text(folder / "a.json", text_a)
            excel_report(result, out.stage(folder / "b.xlsx"))

    On any error inside the block nothing new is left (an error writing a staged file becomes an
    :class:`OutputError` naming it); on success every file appears, each by one rename.
    """
    out = OutputSet()
    try:
        yield out
    except OSError as exc:
        out.rollback()
        if isinstance(exc, OutputError):
            raise
        raise OutputError(f"cannot write {exc.filename or 'an output'!s}: {exc.strerror or exc}") from exc
    except BaseException:
        out.rollback()
        raise
    out.commit()


def write_atomic(path: str | os.PathLike[str], text: str) -> Path:
    """Write one text file all or nothing (see :func:`atomic_outputs`)."""
    with atomic_outputs() as out:
        out.write_text(path, text)
    return Path(path)
