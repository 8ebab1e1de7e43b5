"""Workshop reports in a real browser: headless Debian Chromium driven by playwright.

Every report is opened from a file:// URL with the network cut off (any request
that is not file:// is aborted and recorded; the tests assert there was none),
in the report page and in the map embedded in it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import sysmap
from helpers import ROOT, OfflinePage
from sysmap.model import SystemMap
from sysmap.report import export_report
from test_html_browser import axe_violations, check_names_readable
from test_report import INJECTIONS, injection_pair

STAGES = ["who", "why", "what", "how"]


class Opened(OfflinePage):
    """A report opened offline, once it has loaded."""

    def __init__(self, browser: Any, path: Path) -> None:
        super().__init__(browser, path)
        self.page.wait_for_load_state("load")

    def map_frame(self) -> Any:
        """The embedded map, once it has drawn (scrolled into view first:
        browsers pause drawing in frames off screen)."""
        self.page.locator("#map-frame").scroll_into_view_if_needed()
        frame = next(f for f in self.page.frames if f != self.page.main_frame)
        # a selector, not a JS predicate: the page's CSP forbids evaluating strings
        frame.wait_for_selector("html[data-state=ready]", state="attached", timeout=30_000)
        return frame


@pytest.fixture
def open_report(browser: Any, tmp_path: Path) -> Iterator[Callable[..., Opened]]:
    opened: list[Opened] = []

    def open_(current: SystemMap, redesign: SystemMap | None = None, **options: Any) -> Opened:
        out = tmp_path / f"report-{len(opened)}.html"
        export_report(current, out, redesign, **options)
        page = Opened(browser, out)
        opened.append(page)
        return page

    yield open_
    for page in opened:
        page.close()


@pytest.fixture(scope="module")
def current() -> SystemMap:
    return sysmap.load_map(ROOT / "examples" / "homelessness-current.yaml")


@pytest.fixture(scope="module")
def redesign() -> SystemMap:
    return sysmap.load_map(ROOT / "examples" / "homelessness-redesign.yaml")


PAINTED = """() => {
    const c = document.querySelector('#map canvas');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return n;
}"""


def test_report_opens_offline_and_the_embedded_map_draws(
    open_report: Callable[..., Opened], current: SystemMap, redesign: SystemMap
) -> None:
    page = open_report(current, redesign)
    p = page.page
    assert p.title().startswith(redesign.title)
    assert p.locator("#guiding-question").inner_text() == redesign.guiding_question
    for section in ["glance", *STAGES, "map", "process", "assessments", "roles"]:
        assert p.locator(f"section#{section}").is_visible(), section
    frame = page.map_frame()
    nodes = frame.evaluate("sysmapMap.nodes.length")
    removed = {s.id for s in current.stakeholders} - {s.id for s in redesign.stakeholders}
    # the diff map: the redesign, plus today's stakeholders it removes (ghosted)
    assert nodes == len(redesign.stakeholders) + len(redesign.factors) + len(removed)
    assert frame.evaluate("sysmapMap.data.diff.relationships.formed") > 0
    assert frame.evaluate(PAINTED) > 5000  # drawn, not a blank canvas
    # still interactive inside the report: search picks a stakeholder
    frame.fill("#search", "marcus bell")
    frame.press("#search", "Enter")
    assert frame.evaluate("sysmapMap.network.getSelectedNodes()") == ["lewg-marcus"]


def test_charts_show(open_report: Callable[..., Opened], current: SystemMap) -> None:
    page = open_report(current, sysmap.load_map(ROOT / "examples" / "homelessness-redesign.yaml"))
    charts = page.page.locator("figure.chart-figure svg.chart")
    assert charts.count() >= 10
    for i in range(charts.count()):
        box = charts.nth(i).bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 20
    # a line chart of a shared measure, with its points and end labels
    how = page.page.locator("#how")
    assert how.locator("svg.chart polyline").count() >= 6
    assert "everyone: 75" in how.inner_text()  # the last value of m-lewg-responses


def test_injection_corpus_never_runs(open_report: Callable[..., Opened]) -> None:
    today, later = injection_pair()
    page = open_report(today, later)
    p = page.page
    frame = page.map_frame()
    assert frame.evaluate("sysmapMap.nodes.length") == len(later.stakeholders) + len(later.factors)
    who = p.locator("#who").text_content() or ""
    for text in INJECTIONS:
        if "\u2028" not in text:  # the DOM keeps line separators as written
            assert text in who or text in (p.locator("main").text_content() or ""), text
    assert p.evaluate("document.querySelectorAll('script, img, object, embed').length") == 0
    assert p.evaluate("document.querySelectorAll('iframe').length") == 1
    handlers = """[...document.querySelectorAll('*')].filter(
        e => e.getAttributeNames().some(a => a.startsWith('on'))).length"""
    assert p.evaluate(handlers) == 0
    assert frame.evaluate(handlers) == 0
    assert p.evaluate("getComputedStyle(document.body).display") == "block"
    p.wait_for_timeout(300)  # let any stray handler fire before close() checks dialogs
    assert page.dialogs == []


def test_print_hides_the_interactive_parts_and_keeps_the_sections(
    open_report: Callable[..., Opened], current: SystemMap, redesign: SystemMap, tmp_path: Path
) -> None:
    page = open_report(current, redesign)
    p = page.page
    assert p.locator("#map-frame").is_visible() and p.locator("nav.toc").is_visible()
    assert not p.locator("#map figure.still-map").is_visible()  # paper only
    p.emulate_media(media="print")
    assert not p.locator("#map-frame").is_visible()
    assert not p.locator("nav.toc").is_visible()
    assert p.locator("#map .print-only").is_visible()
    still = p.locator("#map figure.still-map svg")
    assert still.is_visible() and (still.bounding_box() or {}).get("height", 0) > 300
    for section in STAGES:
        assert p.locator(f"section#{section}").is_visible()
        assert (
            p.evaluate(f"getComputedStyle(document.getElementById('{section}')).breakBefore")
            == "page"
        )
    assert p.locator("svg.chart").first.is_visible()
    pdf = p.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 50_000
    shot = p.screenshot(full_page=False)
    assert shot.startswith(b"\x89PNG")


def test_redacted_report_in_the_browser(
    open_report: Callable[..., Opened], current: SystemMap, redesign: SystemMap
) -> None:
    page = open_report(current, redesign, redact=True)
    frame = page.map_frame()
    labels = frame.evaluate("sysmapMap.nodes.get().map(n => n.label)")
    assert any("Stakeholder 1" in label for label in labels)
    text = (page.page.locator("main").text_content() or "") + " ".join(labels)
    for s in current.stakeholders + redesign.stakeholders:
        if s.sensitive:
            assert s.name not in text


@pytest.mark.parametrize("size", [(1024, 768), (1280, 720)])
def test_embedded_map_names_are_readable(
    open_report: Callable[..., Opened], current: SystemMap, size: tuple[int, int]
) -> None:
    page = open_report(current)
    page.page.set_viewport_size({"width": size[0], "height": size[1]})
    frame = page.map_frame()
    page.page.wait_for_timeout(500)  # the map refits after the resize settles
    nodes = frame.evaluate("sysmapMap.data.nodes")
    check_names_readable(frame, nodes, least=10)


def test_axe_finds_nothing_in_the_report(
    open_report: Callable[..., Opened], current: SystemMap, redesign: SystemMap
) -> None:
    page = open_report(current, redesign)
    assert axe_violations(page.page) == [], "the report"
    frame = page.map_frame()
    assert axe_violations(frame) == [], "the embedded map"
    frame.evaluate("sysmapMap.select('coc-board')")
    assert axe_violations(frame) == [], "the embedded map, a stakeholder chosen"
