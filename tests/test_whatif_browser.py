"""The HTML map's scenario panel in real headless Chromium.

The browser runs its own copy of the inference (templates/whatif.js); these
tests move a slider, choose a declared scenario and step through the signal,
and check the browser's numbers against Python's whatif() for the same held
values (to 1e-9).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from helpers import ROOT, OfflinePage
from sysmap.htmlmap import export_html
from sysmap.validate import load_map, loads_map
from sysmap.whatif import Settings, whatif

REDESIGN = ROOT / "examples" / "homelessness-redesign.yaml"


class Panel(OfflinePage):
    def __init__(self, browser: Any, path: Path) -> None:
        super().__init__(browser, path)
        self.page.wait_for_selector("html[data-state=ready]", timeout=30_000)
        self.page.wait_for_selector("#whatif")

    def js(self, script: str, arg: Any = None) -> Any:
        return self.page.evaluate(script, arg)

    def label(self, ident: str) -> str:
        """The number drawn beside a factor on the map ('' when none)."""
        return str(self.js("id => (sysmapWhatif.shown()[id] || {text: ''}).text", ident))

    def colour(self, ident: str) -> Any:
        return self.js("id => sysmapMap.nodes.get(id).color", ident)


@pytest.fixture(scope="module")
def redesign_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("whatif") / "redesign.html"
    export_html(load_map(REDESIGN), out)
    return out


@pytest.fixture
def panel(browser: Any, redesign_page: Path) -> Iterator[Panel]:
    p = Panel(browser, redesign_page)
    yield p
    p.close()


def python_changes(path: Path | str, hold: dict[str, float]) -> dict[str, float]:
    m = load_map(path) if isinstance(path, Path) else loads_map(path)
    return {c.id: c.change for c in whatif(m, hold).changes}


def test_moving_a_slider_changes_the_held_factors_neighbours(panel: Panel) -> None:
    before = panel.label("f-housing-stock")
    panel.page.select_option("#whatif-add", "f-landlord-participation")
    slider = panel.page.locator("#whatif-hold-4")  # landlord participation is factor 4
    assert slider.get_attribute("value") == "1"
    # the neighbour downstream (available units) now shows a rise, in blue
    after = panel.label("f-housing-stock")
    assert after != before and "▲" in after
    assert panel.colour("f-housing-stock")["background"] == "#0072B2"
    # push the slider to 0: the same neighbour falls, in orange
    slider.fill("0")
    low = panel.label("f-housing-stock")
    assert "▼" in low and panel.colour("f-housing-stock")["background"] == "#D55E00"
    # and the browser's figures are Python's, for both positions
    for value in (0.0, 0.35):
        slider.fill(str(value))
        shown = panel.js(
            "() => Object.fromEntries(sysmapWhatif.run(sysmapWhatif.hold()).changes"
            ".map(c => [c.id, c.change]))"
        )
        want = python_changes(REDESIGN, {"f-landlord-participation": value})
        assert shown.keys() == want.keys()
        for k, v in want.items():
            assert shown[k] == pytest.approx(v, abs=1e-9), k
    text = panel.page.locator("#whatif-results li").first.inner_text()
    assert text.startswith("Landlord participation: −")


def test_a_declared_scenario_lists_the_same_changes_as_python(panel: Panel) -> None:
    panel.page.select_option("#whatif-scenario", label="Landlords join the program")
    shown = panel.page.locator("#whatif-results li").all_inner_texts()
    r = whatif(load_map(REDESIGN), scenario="landlords-join")
    assert shown == [c.describe() for c in r.changes]
    status = panel.page.locator("#whatif-status").inner_text()
    assert status == f"Scenario {r.run.describe()}; baseline {r.baseline.describe()}."
    assert "risk mitigation fund" in panel.page.locator("#whatif-note").inner_text()
    panel.page.click("#whatif-clear")
    assert panel.page.locator("#whatif-results li").count() == 0
    assert "▲" not in panel.label("f-housing-stock")


def test_step_by_step_shows_the_signal_travel(panel: Panel) -> None:
    panel.page.select_option("#whatif-scenario", label="Landlords join the program")
    panel.page.click("#whatif-step")  # step 0: only the held factor differs
    assert panel.page.locator("#whatif-status").inner_text().startswith("Step 0 of ")
    assert "▲" in panel.label("f-landlord-participation")
    assert "▲" not in panel.label("f-placements") and "▼" not in panel.label("f-placements")
    panel.page.click("#whatif-step")  # step 1: the direct neighbour has moved
    assert "▲" in panel.label("f-housing-stock")
    panel.page.click("#whatif-step")
    assert panel.page.locator("#whatif-status").inner_text().startswith("Step 2 of ")


OSCILLATES = """\
id: osc
title: Oscillates
guiding_question: Does it settle?
factors:
  - {id: a, name: A}
  - {id: b, name: B}
  - {id: c, name: C}
relationships:
  - {from: c, to: a, kind: influences, polarity: '+'}
  - {from: a, to: b, kind: influences, polarity: '+'}
  - {from: b, to: a, kind: influences, polarity: '-', strength: 5}
"""


def test_browser_inference_matches_python_on_a_negative_loop(browser: Any, tmp_path: Path) -> None:
    # the page's settings are the defaults; the browser's infer() is checked here
    # against Python's for the page's own rule on a map that needs many steps
    m = loads_map(OSCILLATES)
    out = tmp_path / "osc.html"
    export_html(m, out)
    page = Panel(browser, out)
    try:
        got = page.js(
            "() => { const r = sysmapWhatif.infer({2: 1}); return [r.state, r.outcome]; }"
        )
        r = whatif(m, {"c": 1.0}, settings=Settings())
        assert got[1] == r.run.outcome
        pos = {"a": 0, "b": 1, "c": 2}
        for c in r.changes:
            assert got[0][pos[c.id]] == pytest.approx(c.scenario, abs=1e-9)
    finally:
        page.close()


def test_a_map_without_factors_has_no_panel(browser: Any, tmp_path: Path) -> None:
    m = load_map(ROOT / "examples" / "small.yaml")
    if m.factors:
        m = m.model_copy(update={"factors": [], "relationships": [], "loops": [], "scenarios": []})
    out = tmp_path / "small.html"
    export_html(m, out)
    page = OfflinePage(browser, out)
    try:
        page.page.wait_for_selector("html[data-state=ready]", timeout=30_000)
        assert page.page.locator("#whatif").count() == 0
    finally:
        page.close()
