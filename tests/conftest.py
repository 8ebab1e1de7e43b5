"""Shared fixtures.

Plain helpers that tests import by name are in ``helpers.py``. Tests that need a
real component (a browser, a graph engine) call :func:`helpers.need` when it is missing: on a laptop that skips with the reason; when
``SYSMAP_REQUIRE_COMPONENTS=1`` (set by ``.ci/run``) it fails instead, so CI
can never pass by skipping them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from helpers import CHROMIUM, CHROMIUM_ARGS, COMMENTED_MAP, EXAMPLES, need

# Property tests draw the same examples on every run, so whether the suite passes never
# depends on luck; `bash scripts/fuzz` explores new random examples for as long as you like.
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("SYSMAP_HYPOTHESIS_PROFILE", "repeatable"))


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium, driven by playwright (never a downloaded browser)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need(False, "playwright is not installed (pip install playwright)")
    need(
        shutil.which(CHROMIUM) is not None or Path(CHROMIUM).exists(),
        f"no Chromium at {CHROMIUM} (apt-get install chromium)",
    )
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def small_map(tmp_path: Path) -> Path:
    """A hand-written, commented map in a temporary folder."""
    target = tmp_path / "map.yaml"
    target.write_text(COMMENTED_MAP, encoding="utf-8")
    return target


@pytest.fixture
def copy_example(tmp_path: Path):
    """Copy an example map into a temporary folder."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copy(EXAMPLES / name, target)
        return target

    return copy
