"""The documentation: every Python block of the README and the guide runs, and the site builds strictly.

Each page's ```python blocks run in order in one namespace, as a reader would paste them, from a scratch folder
that sees the repository's ``examples/`` (so files the blocks write stay out of the repository). A block that
cannot run here (it starts a cluster, say) is marked on the line before it with ``<!-- skip: the reason -->``.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pint
import pytest
import yaml
from click.testing import CliRunner

import footprint as fp
from footprint.cli import main

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```python[^\n]*\n(.*?)^```[ \t]*$", re.S | re.M)
SKIP = re.compile(r"<!--\s*skip:(.*?)-->\s*$")


def rel(path: Path) -> str:
    """A path relative to the repository root, for test ids and messages."""
    return path.relative_to(ROOT).as_posix()


def python_blocks(page: Path) -> list[tuple[int, str, str | None]]:
    """The page's Python blocks as (line number, code, skip reason or None), in page order."""
    text = page.read_text(encoding="utf-8")
    blocks = []
    for match in FENCE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        skip = SKIP.search(before)
        blocks.append((line, match.group(1), skip.group(1).strip() if skip else None))
    return blocks


PAGES_WITH_CODE = [page for page in PAGES if python_blocks(page)]


def test_the_blocks_are_found() -> None:
    """The README's tour and the guide's pages are found, so a changed fence does not skip them silently."""
    assert ROOT / "README.md" in PAGES_WITH_CODE
    assert ROOT / "docs" / "lifecycle.md" in PAGES_WITH_CODE
    assert sum(len(python_blocks(page)) for page in PAGES) >= 13


@pytest.mark.parametrize("page", PAGES_WITH_CODE, ids=rel)
def test_page_code_runs(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every block not marked to skip runs without an exception, after the page's blocks before it."""
    (tmp_path / "examples").symlink_to(ROOT / "examples", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "__docs__"}
    registry = pint.get_application_registry().get()  # docs/units.md shows how to replace it: put it back after
    try:
        for line, code, skip in python_blocks(page):
            if skip is not None:
                assert skip, f"{rel(page)}:{line}: a skipped block says why"
                continue
            exec(compile(code, f"{rel(page)}:{line}", "exec"), namespace)
    finally:
        pint.set_application_registry(registry)


def console_commands(page: Path) -> list[str]:
    """The ``footprint ...`` command lines of the page's ```console blocks, in page order."""
    blocks = re.findall(r"^```console\n(.*?)^```", page.read_text(encoding="utf-8"), re.S | re.M)
    return [line for block in blocks for line in block.splitlines() if line.startswith("footprint ")]


def test_tutorial_commands_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tutorial's commands run in order and exit 0; the PACT file they write declares the valve's cradle to
    gate as the Python API computes it, and the report is written."""
    commands = console_commands(ROOT / "docs" / "tutorial.md")
    assert any(" export " in f" {c} " for c in commands)
    (tmp_path / "examples").symlink_to(ROOT / "examples", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    for command in commands:
        result = CliRunner().invoke(main, shlex.split(command)[1:])
        assert result.exit_code == 0, f"{command}\n{result.output}"
    lib = fp.load_factors("examples/erp/hydraulic_actuator.pact.json").merge(fp.default_library())
    valve = fp.calculate(fp.load_product("examples/erp/gate_valve.yaml"), lib, prefolded="report")
    pcf = json.loads((tmp_path / "gate_valve.pact.json").read_text(encoding="utf-8"))["pcf"]
    declared = valve.cradle_to_gate_kgco2e / valve.quantity
    assert float(pcf["pcfExcludingBiogenicUptake"]) == pytest.approx(declared, rel=1e-9)
    assert valve.product_name is not None
    assert valve.product_name.split(",")[0] in (tmp_path / "gate_valve.html").read_text(encoding="utf-8")


def test_every_guide_page_is_in_the_site() -> None:
    """Each docs/*.md page is in the site's navigation (MkDocs would only mention a missing one)."""
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)

    def pages(entries: object) -> list[str]:
        if isinstance(entries, str):
            return [entries]
        if isinstance(entries, dict):
            return [p for value in entries.values() for p in pages(value)]
        if isinstance(entries, list):
            return [p for entry in entries for p in pages(entry)]
        return []

    in_nav = set(pages(config["nav"]))
    on_disk = {p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md")}
    assert on_disk - in_nav == set()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built with ``mkdocs build --strict`` (any warning fails the build)."""
    if shutil.which("mkdocs", path=str(Path(sys.executable).parent)) is None:
        pytest.fail("mkdocs is not installed: pip install -e '.[test]' (or '.[docs]')")
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=env,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


def test_api_reference_covers_every_public_name(site: Path) -> None:
    """Every name in ``footprint.__all__`` has its own entry (an anchor ``footprint.NAME``) in the API reference."""
    page = (site / "reference" / "api" / "index.html").read_text(encoding="utf-8")
    documented = set(re.findall(r'id="footprint\.([A-Za-z_0-9]+)"', page))
    assert set(fp.__all__) - documented == set()


def test_changelog_page_is_the_changelog(site: Path) -> None:
    """The changelog page shows CHANGELOG.md: each of its version headings is on the page."""
    page = (site / "changelog" / "index.html").read_text(encoding="utf-8")
    headings = re.findall(r"^## \[([^\]]+)\]", (ROOT / "CHANGELOG.md").read_text(encoding="utf-8"), re.M)
    assert headings
    for heading in headings:
        assert heading in page


def test_the_pages_state_the_default_librarys_size() -> None:
    """Wherever the README and the guide say how many factors the default library holds ("N factors" beside
    the library), N is ``len(fp.default_library())``: a factor added or removed shows here."""
    size = len(fp.default_library())
    said = {
        (rel(page), int(n))
        for page in PAGES
        for n in re.findall(r"(\d+) factors(?= from open sources|, each with| in the project's own)", page.read_text())
    }
    assert said, "no page states the library's size"
    assert {n for _, n in said} == {size}, sorted(said)
