"""Maps in notebooks: the rich HTML repr (checked in headless Chromium) and to_pyvis."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pytest

import sysmap
from helpers import ROOT, OfflinePage
from sysmap.htmlmap import generate_html
from sysmap.notebook import map_iframe, to_pyvis

HOSTILE = "<img src=x onerror=alert(1)>"
MAP = f"""\
id: nb
title: "Notebook {HOSTILE}"
guiding_question: "Does </script> stay text?"
stakeholders:
  - {{id: pwle, name: 'People {HOSTILE}', role: beneficiary, power: 1}}
  - {{id: board, name: CoC board, role: leader, power: 5}}
  - {{id: outreach, name: Street outreach, role: provider}}
factors:
  - {{id: trust, name: Trust in outreach}}
relationships:
  - {{from: pwle, to: board, kind: feedback, strength: 2}}
  - {{from: board, to: outreach, kind: funds, status: proposed}}
  - {{from: outreach, to: pwle, kind: collaborates, direction: mutual}}
  - {{from: outreach, to: trust, kind: influences, polarity: '+'}}
"""


@pytest.fixture
def m() -> sysmap.SystemMap:
    return sysmap.loads_map(MAP)


def test_pyvis_network_has_every_node_and_edge(m: sysmap.SystemMap) -> None:
    net = to_pyvis(m)
    nodes = {n["id"]: n for n in net.nodes}
    assert list(nodes) == ["pwle", "board", "outreach", "trust"]
    assert nodes["pwle"]["label"] == f"People {HOSTILE}"  # vis draws labels as text
    assert nodes["board"]["shape"] == "triangle" and nodes["trust"]["shape"] == "diamond"
    assert nodes["board"]["size"] == 12 + 4 * 5  # sized by power
    # hover titles are HTML in vis-network: escaped
    assert "<img" not in nodes["pwle"]["title"] and "&lt;img" in nodes["pwle"]["title"]
    edges = [(e["from"], e["to"], e["label"], e["arrows"]) for e in net.edges]
    assert edges == [
        ("pwle", "board", "feedback", "to"),
        ("board", "outreach", "funds", "to"),
        ("outreach", "pwle", "collaborates", "to, from"),
        ("outreach", "trust", "influences", "to"),
    ]
    assert net.edges[1]["dashes"] is True  # proposed
    assert net.directed


def test_pyvis_redacts_sensitive_stakeholders_when_asked() -> None:
    m = sysmap.load_map(ROOT / "examples" / "homelessness-current.yaml")
    sensitive = [s for s in m.stakeholders if s.sensitive]
    assert sensitive
    labels = {n["label"] for n in to_pyvis(m, redact=True).nodes}
    assert not any(s.name in labels for s in sensitive)
    assert len(to_pyvis(m, redact=True).nodes) == len(m.stakeholders) + len(m.factors)


def test_repr_is_the_map_page_escaped_into_an_iframe(m: sysmap.SystemMap) -> None:
    out = m._repr_html_()
    assert out.startswith("<iframe srcdoc=") and out.endswith("</iframe>")
    assert out.count("<") == 2 and out.count(">") == 2  # <iframe …> and </iframe> only
    for raw in (HOSTILE, "</script>", "<script"):
        assert raw not in out
    srcdoc = out.split('srcdoc="', 1)[1].split('" sandbox=', 1)[0]
    assert html.unescape(srcdoc) == generate_html(m)


def test_repr_draws_in_chromium_and_runs_no_map_text(
    m: sysmap.SystemMap, browser: Any, tmp_path: Path
) -> None:
    # a notebook page: some markup around the cell's output, as Jupyter shows it
    page_file = tmp_path / "notebook.html"
    page_file.write_text(
        "<!DOCTYPE html><html><body><div class='output'>"
        + map_iframe(m, height=500)
        + "</div></body></html>",
        encoding="utf-8",
    )
    opened = OfflinePage(browser, page_file)
    try:
        frame = opened.page.frame_locator("iframe")
        frame.locator("html[data-state=ready]").wait_for(timeout=30_000)
        inner = opened.page.frames[1]
        assert inner.evaluate("sysmapMap.nodes.length") == 4
        assert inner.evaluate("sysmapMap.edges.length") == 4
        assert inner.evaluate("document.title") == f"Notebook {HOSTILE}"
        assert opened.page.locator("img").count() == 0  # the name never became an element
        assert inner.locator("img").count() == 0
        opened.page.set_viewport_size({"width": 1280, "height": 720})
        opened.page.screenshot(path=str(tmp_path / "notebook-1280.png"))
    finally:
        opened.close()  # no dialog (alert), no script error, no request
