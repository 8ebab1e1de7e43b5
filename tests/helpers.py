"""Plain helpers the tests import: paths, the component check, the offline page, a map.

Fixtures stay in ``conftest.py`` (pytest finds them by name); anything a test imports by
name lives here, so that no test imports ``conftest``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

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


CHROMIUM = os.environ.get("SYSMAP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


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


def assert_names_readable(shown: list[dict[str, Any]], least: int, px: float) -> None:
    """Names drawn on a canvas (as recorded from its ``fillText`` calls, with their
    boxes in CSS pixels): at least ``least`` of them, each ``px`` high or more,
    inside the canvas, none overlapping another."""
    assert len(shown) >= least, [d["text"] for d in shown]
    for d in shown:
        assert d["px"] >= px, d
        assert d["left"] >= 0 and d["top"] >= 0, d
        assert d["right"] <= d["width"] and d["bottom"] <= d["height"], d
    for i, a in enumerate(shown):
        for b in shown[i + 1 :]:
            overlap_x = min(a["right"], b["right"]) - max(a["left"], b["left"])
            overlap_y = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            assert overlap_x <= 0 or overlap_y <= 0, (a["text"], b["text"])
