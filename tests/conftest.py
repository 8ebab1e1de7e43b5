"""Shared fixtures.

Tests that need a real component (a browser, a graph engine) call
:func:`need` when it is missing: on a laptop that skips with the reason; when
``SYSMAP_REQUIRE_COMPONENTS=1`` (set by ``.ci/run``) it fails instead, so CI
can never pass by skipping them.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def need(available: bool, reason: str) -> None:
    """Skip (or, under SYSMAP_REQUIRE_COMPONENTS=1, fail) when a component is missing."""
    if available:
        return
    if os.environ.get("SYSMAP_REQUIRE_COMPONENTS") == "1":
        pytest.fail(f"required component missing: {reason}")
    pytest.skip(reason)


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
