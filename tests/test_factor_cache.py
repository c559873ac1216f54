"""The bundled factors kept in the user's cache folder: served only for the very files (and reading code)
they were read from, equal to a fresh read, and never trusted when damaged or writable by others."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from footprint._factor_cache import KEEP, READER_MODULES, cache_folder, cached_factors, factors_key
from footprint._factor_io import _read_bundled, default_library
from footprint._factors import EmissionFactor

ROOT = Path(__file__).resolve().parent.parent
STEEL = "material.steel.carbon.global.worldsteel2024"


@pytest.fixture
def bundled(tmp_path: Path) -> list[Path]:
    """Copies of the bundled factor files, to be edited."""
    src = Path(str(resources.files("footprint.factors")))
    folder = tmp_path / "factors"
    folder.mkdir()
    for f in sorted(src.glob("*.csv")):
        shutil.copy(f, folder / f.name)
    return sorted(folder.glob("*.csv"))


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("FOOTPRINT_CACHE_DIR", str(folder))
    return folder


def _reader(files: list[Path], calls: list[int]) -> object:
    def read() -> list[EmissionFactor]:
        calls.append(1)
        return _read_bundled(files)

    return read


def _steel(factors: list[EmissionFactor]) -> EmissionFactor:
    return next(f for f in factors if f.id == STEEL)


def test_an_entry_equals_a_fresh_read_and_is_served_the_second_time(bundled: list[Path], cache: Path) -> None:
    """First run reads the files and writes one entry; the second loads it without reading, and both equal
    a read of the files (every field of all 262-odd factors)."""
    calls: list[int] = []
    first = cached_factors(bundled, _reader(bundled, calls))  # type: ignore[arg-type]
    second = cached_factors(bundled, _reader(bundled, calls))  # type: ignore[arg-type]
    assert calls == [1]
    assert first == second == _read_bundled(bundled)
    assert [p.name for p in cache.iterdir()] == [f"factors-{factors_key(bundled)}.pickle"]


def test_a_changed_factor_file_is_read_afresh_never_served_stale(bundled: list[Path], cache: Path) -> None:
    """Editing one value of one bundled file (worldsteel's 1,920 kg CO2 per tonne of steel to 2,500) gives a new key:
    the next run reads the files and carries the new value; the old entry stays beside it (another install may
    still use it) and is never served for the edited files."""
    calls: list[int] = []
    before = _steel(cached_factors(bundled, _reader(bundled, calls)))  # type: ignore[arg-type]
    materials = next(p for p in bundled if p.name == "materials.csv")
    text = materials.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith(STEEL + ","))
    materials.write_text(text.replace(row, row.replace(",1920,", ",2500,", 1)), encoding="utf-8")
    after = _steel(cached_factors(bundled, _reader(bundled, calls)))  # type: ignore[arg-type]
    assert calls == [1, 1]
    assert before.gases != after.gases
    assert after == _steel(_read_bundled(bundled))
    assert len(list(cache.glob("factors-*.pickle"))) == 2


def test_the_folder_keeps_the_entries_used_last(bundled: list[Path], cache: Path) -> None:
    """Five versions of the files (KEEP = 4 kept): the first version, used again just before the fifth is
    written, stays; the second, used longest ago, is removed, so reading it again reads the files."""
    calls: list[int] = []
    materials = next(p for p in bundled if p.name == "materials.csv")
    text = materials.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith(STEEL + ","))
    texts = [text.replace(row, row.replace(",1920,", f",{1920 + i},", 1)) for i in range(5)]  # five versions

    def run(i: int) -> None:
        materials.write_text(texts[i], encoding="utf-8")
        cached_factors(bundled, _reader(bundled, calls))  # type: ignore[arg-type]

    for i in range(4):
        run(i)
    assert len(calls) == 4
    run(0)  # a hit: version 0 is now the entry used last
    assert len(calls) == 4
    run(4)
    assert len(calls) == 5
    assert len(list(cache.glob("factors-*.pickle"))) == KEEP
    run(0)
    assert len(calls) == 5  # kept
    run(1)
    assert len(calls) == 6  # removed, read afresh


def test_a_damaged_entry_is_read_afresh(bundled: list[Path], cache: Path) -> None:
    """An entry cut short (a full disk, a killed run) is not an error: the files are read again."""
    calls: list[int] = []
    cached_factors(bundled, _reader(bundled, calls))  # type: ignore[arg-type]
    entry = next(cache.glob("factors-*.pickle"))
    entry.write_bytes(entry.read_bytes()[:1000])
    assert cached_factors(bundled, _reader(bundled, calls)) == _read_bundled(bundled)  # type: ignore[arg-type]
    assert calls == [1, 1]


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_an_entry_others_may_write_is_not_loaded(bundled: list[Path], cache: Path) -> None:
    """An entry group or others could have written is never unpickled; the files are read instead."""
    calls: list[int] = []
    cached_factors(bundled, _reader(bundled, calls))  # type: ignore[arg-type]
    assert oct(cache.stat().st_mode & 0o777) == "0o700"
    entry = next(cache.glob("factors-*.pickle"))
    assert oct(entry.stat().st_mode & 0o777) == "0o600"
    entry.chmod(0o666)
    cached_factors(bundled, _reader(bundled, calls))  # type: ignore[arg-type]
    assert calls == [1, 1]


def test_an_empty_cache_dir_setting_turns_the_cache_off(
    bundled: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """FOOTPRINT_CACHE_DIR set empty: no folder, no entry, the files read each time."""
    monkeypatch.setenv("FOOTPRINT_CACHE_DIR", "")
    assert cache_folder() is None
    calls: list[int] = []
    cached_factors(bundled, _reader(bundled, calls))  # type: ignore[arg-type]
    cached_factors(bundled, _reader(bundled, calls))  # type: ignore[arg-type]
    assert calls == [1, 1]


def test_an_unwritable_cache_folder_leaves_the_library_read_from_its_files(
    bundled: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cache folder that cannot be made (here: a file stands where it would be) is no error."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("FOOTPRINT_CACHE_DIR", str(blocker / "cache"))
    calls: list[int] = []
    assert cached_factors(bundled, _reader(bundled, calls)) == _read_bundled(bundled)  # type: ignore[arg-type]


def test_the_key_covers_every_module_that_reads_the_bundled_files() -> None:
    """Every footprint module loaded while the bundled library is read is in READER_MODULES, whose sizes and
    times go into the key: changed reading code never meets an entry the old code wrote."""
    code = (
        "import json, os, sys\nos.environ['FOOTPRINT_CACHE_DIR'] = ''\n"
        "from footprint._factor_io import default_library\ndefault_library()\n"
        "print(json.dumps(sorted(m.__file__ for n, m in sys.modules.items()"
        " if n.startswith('footprint') and getattr(m, '__file__', None))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    package = ROOT / "footprint"
    loaded = {Path(f).resolve().relative_to(package).as_posix() for f in json.loads(out.stdout)}
    assert loaded <= set(READER_MODULES)
    assert all((package / name).is_file() for name in READER_MODULES)


def test_the_default_library_is_the_same_from_the_cache(cache: Path) -> None:
    """default_library() served from an entry holds the same factors as one read from the files."""
    read = list(default_library())
    folder = Path(str(resources.files("footprint.factors")))
    files = sorted(p for p in folder.iterdir() if p.suffix in (".csv", ".json"))
    assert cached_factors(files, lambda: _read_bundled(files)) == read
    assert cached_factors(files, list) == read  # the entry, not the reader
