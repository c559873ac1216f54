"""Shared pytest configuration: hypothesis profiles and a factory for factor files in a temporary folder."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

# CI runs the same examples every time (derandomize) so that a red build is reproducible; local runs explore.
settings.register_profile("ci", derandomize=True, deadline=None, max_examples=60)
settings.register_profile("dev", deadline=None, max_examples=100)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture
def tmp_factor_file(tmp_path: Path) -> Callable[..., Path]:
    """A factory: ``tmp_factor_file(text, name="factors.csv")`` writes ``text`` (UTF-8) and returns its path."""

    def write(text: str, name: str = "factors.csv") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write
