"""Shared fixtures.

Tests that need a real component (a browser, a graph engine) call
:func:`need` when it is missing: on a laptop that skips with the reason; when
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

# Property tests draw the same examples on every run, so whether the suite passes never
# depends on luck; `bash scripts/fuzz` explores new random examples for as long as you like.
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("SYSMAP_HYPOTHESIS_PROFILE", "repeatable"))

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def need(available: bool, reason: str) -> None:
    """Skip (or, under SYSMAP_REQUIRE_COMPONENTS=1, fail) when a component is missing."""
    if available:
        return
    if os.environ.get("SYSMAP_REQUIRE_COMPONENTS") == "1":
        pytest.fail(f"required component missing: {reason}")
    pytest.skip(reason)


CHROMIUM = os.environ.get("SYSMAP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


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


class OfflinePage:
    """A page opened from a file with the network cut off.

    Every request that is not ``file://`` is aborted and recorded; dialogs are
    dismissed and recorded; script errors are recorded. :meth:`close` asserts
    there were none of the three.
    """

    def __init__(self, browser: Any, path: Path) -> None:
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []

        def route(r: Any) -> None:
            if r.request.url.startswith("file:"):
                r.continue_()
            else:
                self.requests.append(r.request.url)
                r.abort()

        self.context.route("**/*", route)
        self.page = self.context.new_page()
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(path.as_uri())

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def close(self) -> None:
        # nothing left the machine, nothing ran that should not have
        assert self.requests == []
        assert self.dialogs == []
        assert self.errors == []
        self.context.close()


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


COMMENTED_MAP = """\
# Riverton pilot map — hand-written, with comments that must survive edits
sysmap: 1
id: pilot
title: Riverton pilot
guiding_question: How do people leave homelessness faster?  # the team's words

# --- Who ---------------------------------------------------------------
stakeholders:
  # people the system serves
  - id: pwle
    name: People with lived experience
    role: beneficiary
    lived_experience: true   # they lead the working group
    power: 1
  - id: outreach
    name: Street outreach
    role: provider
    power: 2
  # who can change the system
  - id: board
    name: CoC board
    role: leader
    power: 5

# --- Why ---------------------------------------------------------------
relationships:
  - from: outreach
    to: pwle
    kind: serves
    strength: 3
  # the voice channel we want to strengthen
  - from: pwle
    to: board
    kind: feedback
    strength: 1   # weak today
  - from: board
    to: outreach
    kind: funds
    power: {amount: 4, carries: [money]}

# loops come later
loops: []
"""
