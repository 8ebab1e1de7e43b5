"""HTML maps in a real browser: headless Debian Chromium driven by playwright.

Every page is opened from a file:// URL with the network cut off (any request
that is not file:// is aborted and recorded; the tests assert there was
none). One browser serves the whole module.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import sysmap
from helpers import ROOT, OfflinePage, assert_names_readable
from sysmap.htmlmap import export_html, relationship_key
from sysmap.model import FeedbackLoop, Relationship, Stakeholder, SystemMap

DIM = "rgba(200,200,200,0.35)"


class Opened(OfflinePage):
    """A map opened offline, once it says it is drawn and idle."""

    def __init__(self, browser: Any, path: Path) -> None:
        super().__init__(browser, path)
        self.page.wait_for_selector("html[data-state=ready]", timeout=30_000)

    def js(self, script: str, arg: Any = None) -> Any:
        return self.page.evaluate(script, arg)

    def node(self, ident: str) -> dict[str, Any]:
        return self.js("id => sysmapMap.nodes.get(id)", ident)

    def click_node(self, ident: str) -> None:
        point = self.js(
            "id => sysmapMap.network.canvasToDOM(sysmapMap.network.getPositions([id])[id])", ident
        )
        box = self.page.locator("#map").bounding_box()
        self.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])


@pytest.fixture
def open_map(browser: Any, tmp_path: Path) -> Iterator[Callable[..., Opened]]:
    opened: list[Opened] = []

    def open_(m: SystemMap, **options: Any) -> Opened:
        out = tmp_path / f"map-{len(opened)}.html"
        export_html(m, out, **options)
        page = Opened(browser, out)
        opened.append(page)
        return page

    yield open_
    for page in opened:
        page.close()


@pytest.fixture(scope="module")
def current() -> SystemMap:
    return sysmap.load_map(ROOT / "examples" / "homelessness-current.yaml")


@pytest.mark.parametrize(
    "name", ["homelessness-current.yaml", "homelessness-redesign.yaml", "small.yaml"]
)
def test_example_map_draws_offline(open_map: Callable[..., Opened], name: str) -> None:
    m = sysmap.load_map(ROOT / "examples" / name)
    page = open_map(m)
    assert page.js("sysmapMap.nodes.length") == len(m.stakeholders) + len(m.factors)
    assert page.js("sysmapMap.edges.length") == len(m.relationships)
    painted = page.js(
        """() => {
        const c = document.querySelector('#map canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
        return n;
    }"""
    )
    assert painted > 5000  # nodes and edges drawn, not a blank canvas
    assert page.page.title() == m.title
    assert (
        page.page.locator("#map-question").inner_text() == f"Guiding question: {m.guiding_question}"
    )
    legend = page.page.locator("#legend").inner_text()
    for word in ("Beneficiary", "Provider", "Leader", "proposed", "weak", "broken"):
        assert word in legend


def test_search_finds_a_stakeholder(open_map: Callable[..., Opened], current: SystemMap) -> None:
    page = open_map(current)
    page.page.fill("#search", "marcus bell")
    assert page.page.locator("#search-results li").count() == 1
    page.page.press("#search", "Enter")
    details = page.page.locator("#details-body")
    assert details.locator("h3").inner_text() == "Marcus Bell (working group co-chair)"
    assert "Army veteran" in details.inner_text()
    assert page.js("sysmapMap.network.getSelectedNodes()") == ["lewg-marcus"]


def test_role_filter_hides_the_rest(open_map: Callable[..., Opened], current: SystemMap) -> None:
    page = open_map(current)
    for role in ("beneficiary", "provider", "factor"):
        page.page.uncheck(f"#role-filter input[data-role={role}]")
    shown = page.js("sysmapMap.nodes.get({filter: n => !n.hidden}).map(n => n.id)")
    leaders = {s.id for s in current.stakeholders if s.role == "leader"}
    assert set(shown) == leaders
    page.page.uncheck("#kind-filter input[data-kind=funds]")
    hidden_edges = page.js("sysmapMap.edges.get({filter: e => e.hidden}).length")
    assert hidden_edges == sum(r.kind == "funds" for r in current.relationships)
    page.page.select_option("#tag-filter", "youth")
    page.page.click("#reset")
    assert page.js("sysmapMap.nodes.get({filter: n => n.hidden}).length") == 0


def test_tag_filter(open_map: Callable[..., Opened], current: SystemMap) -> None:
    page = open_map(current)
    page.page.select_option("#tag-filter", "youth")
    shown = set(page.js("sysmapMap.nodes.get({filter: n => !n.hidden}).map(n => n.id)"))
    assert shown == {s.id for s in current.stakeholders if "youth" in s.tags}


def test_clicking_a_node_shows_details_and_its_neighbourhood(
    open_map: Callable[..., Opened], current: SystemMap
) -> None:
    page = open_map(current)
    page.click_node("coc-board")
    body = page.page.locator("#details-body")
    assert body.locator("h3").inner_text() == current.stakeholder("coc-board").name
    text = body.inner_text()
    assert "Leader" in text and "betweenness" in text and "pagerank" in text
    neighbours = set(page.js("sysmapMap.network.getConnectedNodes('coc-board')"))
    far = next(
        x for x in [s.id for s in current.stakeholders] if x not in neighbours | {"coc-board"}
    )
    assert page.node(far)["color"]["background"] == DIM
    assert page.node(next(iter(neighbours)))["color"]["background"] != DIM


def test_choosing_a_loop_highlights_it(open_map: Callable[..., Opened], current: SystemMap) -> None:
    page = open_map(current)
    declared = current.loops[0]
    button = page.page.locator("#loop-list button").first
    assert declared.name in button.inner_text()
    button.click()
    assert button.get_attribute("aria-pressed") == "true"
    on_loop = set(declared.path)
    for s in current.stakeholders + current.factors:  # type: ignore[operator]
        dimmed = page.node(s.id)["color"]["background"] == DIM
        assert dimmed == (s.id not in on_loop), s.id
    # the loop's links stand out, the others are dimmed
    lit = page.js(f"sysmapMap.edges.get({{filter: e => e.color.color !== '{DIM}'}}).length")
    assert 0 < lit < len(current.relationships)


def test_voice_view_highlights_voice_and_return_paths(
    open_map: Callable[..., Opened], current: SystemMap
) -> None:
    page = open_map(current)
    page.page.click("#voice-toggle")
    assert page.page.get_attribute("#voice-toggle", "aria-pressed") == "true"
    colours = page.js("sysmapMap.edges.get().map(e => e.color.color)")
    assert colours.count("#0072B2") > 0  # voice paths
    assert colours.count("#009E73") > 0  # return paths
    # one beneficiary's paths
    row = page.page.locator("#voice-list button[data-voice=lewg]")
    row.click()
    assert "Voice:" in page.page.locator("#details-body").inner_text()


def test_keyboard_reaches_search_filters_and_loops(
    open_map: Callable[..., Opened], current: SystemMap
) -> None:
    page = open_map(current)
    kb = page.page.keyboard
    kb.press("Tab")
    assert page.js("document.activeElement.textContent") == "Skip to the map"
    kb.press("Enter")  # the map itself takes focus, and the keys move it
    assert page.js("document.activeElement.className") == "vis-network"
    assert page.js("document.activeElement.getAttribute('role')") == "application"
    before = page.js("sysmapMap.network.getViewPosition()")
    scale = page.js("sysmapMap.network.getScale()")
    for key in ("ArrowRight", "ArrowDown"):
        kb.down(key)
        page.page.wait_for_timeout(150)
        kb.up(key)
    after = page.js("sysmapMap.network.getViewPosition()")
    assert (after["x"], after["y"]) != (before["x"], before["y"])
    kb.down("+")
    page.page.wait_for_timeout(150)
    kb.up("+")
    assert page.js("sysmapMap.network.getScale()") > scale
    page.page.focus("#search")
    kb.type("hope house")
    kb.press("Enter")
    assert "Hope House" in page.page.locator("#details-body h3").inner_text()
    # Tab on to the first role checkbox and switch it off with Space
    for _ in range(30):
        kb.press("Tab")
        if page.js("document.activeElement.dataset.role || ''") == "beneficiary":
            break
    kb.press("Space")
    assert page.js("sysmapMap.nodes.get({filter: n => n.hidden}).length") == sum(
        s.role == "beneficiary" for s in current.stakeholders
    )
    # on to the first loop, chosen with Enter
    for _ in range(80):
        kb.press("Tab")
        if page.js("document.activeElement.dataset.loop || ''") == "0":
            break
    kb.press("Enter")
    assert page.page.get_attribute("#loop-list button[data-loop='0']", "aria-pressed") == "true"


def test_skip_link_jumps_past_the_loop_buttons(
    open_map: Callable[..., Opened], current: SystemMap
) -> None:
    page = open_map(current)
    kb = page.page.keyboard
    page.page.focus("#reset")
    kb.press("Tab")
    link = page.js("document.activeElement.textContent")
    assert link == "Skip the voice and loop lists, to the details"
    kb.press("Enter")
    assert page.js("document.activeElement.id") == "details"
    loops = page.page.locator("#loop-list button").count()
    assert loops > 20  # the buttons it skips


def test_show_everything_clears_search_and_details(
    open_map: Callable[..., Opened], current: SystemMap
) -> None:
    page = open_map(current)
    page.page.fill("#search", "riverton")
    page.page.press("#search", "Enter")
    assert page.page.locator("#details-body h3").count() == 1
    page.page.click("#voice-toggle")
    page.page.click("#reset")
    assert page.page.input_value("#search") == ""
    assert page.page.locator("#search-results li").count() == 0
    assert page.page.locator("#details-body *").count() == 0
    assert page.page.locator("#details-empty").is_visible()
    assert page.js("sysmapMap.network.getSelectedNodes()") == []
    assert page.page.get_attribute("#voice-toggle", "aria-pressed") == "false"
    assert page.node("lewg")["shape"] == "dot"  # the role's shape again


def test_search_results_tell_namesakes_apart(open_map: Callable[..., Opened]) -> None:
    m = SystemMap(
        id="twins",
        title="Twins",
        guiding_question="Q?",
        stakeholders=[
            Stakeholder(id="a", name="Case manager", role="provider", organisation="Hope House"),
            Stakeholder(id="b", name="Case manager", role="provider", organisation="Mission"),
            Stakeholder(id="c", name="Case manager", role="leader"),
        ],
    )
    page = open_map(m)
    page.page.fill("#search", "case")
    shown = page.page.locator("#search-results button").all_inner_texts()
    assert shown == [
        "Case manager — Provider, Hope House",
        "Case manager — Provider, Mission",
        "Case manager — Leader",
    ]


def test_text_alternative_lists_everything(
    open_map: Callable[..., Opened], current: SystemMap
) -> None:
    page = open_map(current)
    page.page.click("#text-alternative summary")
    page.page.wait_for_selector("#tables table")  # built when the section opens
    rows = page.page.locator("#tables table").nth(1).locator("tbody tr").count()
    assert rows == len(current.relationships)
    people = page.page.locator("#tables table").nth(0).locator("tbody tr").count()
    assert people == len(current.stakeholders) + len(current.factors)


def test_diff_map_styles_each_change_kind(open_map: Callable[..., Opened]) -> None:
    before = sysmap.load_map(ROOT / "examples" / "small.yaml")
    after = before.model_copy(deep=True)
    gone = after.stakeholders.pop(0)
    retired = [r for r in after.relationships if gone.id in (r.source, r.target)]
    after.relationships = [r for r in after.relationships if r not in retired]
    after.stakeholders.append(
        Stakeholder(id="newcomer", name="New peer navigators", role="provider")
    )
    rels = after.relationships
    after.relationships = [
        *rels,
        Relationship(source="newcomer", target=rels[0].source, kind="informs"),
    ]
    diff = {
        "formed": {"newcomer->" + rels[0].source + ":informs"},
        "rewired": {relationship_key(rels[1])},
        "strengthened": {relationship_key(rels[2])},
        "weakened": {relationship_key(rels[3])},
        "retired": {relationship_key(r) for r in retired},
        "added": {"newcomer"},
        "removed": {gone.id},
        "current": before,
    }
    page = open_map(after, diff=diff)
    expected = {
        "formed": "#0072B2",
        "retired": "#D55E00",
        "rewired": "#CC79A7",
        "strengthened": "#009E73",
        "weakened": "#E69F00",
    }
    edges = page.js("sysmapMap.edges.get()")
    data = page.js("sysmapMap.data.edges")
    seen = set()
    for e, d in zip(edges, data, strict=True):
        changes = d.get("changes")
        if changes:
            seen.update(changes)
            assert e["color"]["color"] == expected[changes[0]]
            assert len(e["label"].split()) >= 2 * len(changes)  # a text mark each, not colour alone
        else:
            assert e["color"]["color"] == "#b3b3b3"
    assert seen == set(expected)
    assert page.node("newcomer")["borderWidth"] == 5
    removed = page.node(gone.id)
    assert removed["shapeProperties"]["borderDashes"] and removed["label"].startswith("− ")
    legend = page.page.locator("#legend").inner_text()
    for label in ("Formed", "Retired", "Rewired", "Strengthened", "Weakened", "Added", "Removed"):
        assert label in legend


INJECTIONS = [
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(2)</script>",
    "javascript:alert(3)",
    "\"'><svg onload=alert(4)>",
    '<a href="javascript:alert(5)">click</a>',
    "{{7*7}} ${alert(6)} `backtick`",
    "🏠 Familias sin hogar 👩‍👧",
    "مجلس الرعاية المستمرة",
    "line\u2028separator\u2029paragraph",
    "&lt;b&gt;not bold&lt;/b&gt; &amp;",
]


def injection_map() -> SystemMap:
    people = [
        Stakeholder(
            id=f"p{i}",
            name=text,
            role=("beneficiary", "provider", "leader")[i % 3],
            description=text,
            organisation=text,
            tags=[text],
            attributes={text: text},
        )
        for i, text in enumerate(INJECTIONS)
    ]
    n = len(people)
    rels = [
        Relationship(source=f"p{i}", target=f"p{(i + 1) % n}", kind="feedback", notes=INJECTIONS[i])
        for i in range(n)
    ]
    return SystemMap(
        id="inject",
        title=INJECTIONS[0],
        guiding_question=INJECTIONS[1],
        description=INJECTIONS[3],
        stakeholders=people,
        relationships=rels,
        loops=[FeedbackLoop(id="l1", name=INJECTIONS[4], path=["p0", "p1", "p2", "p0"])],
    )


def test_injection_corpus_shows_as_text_and_never_runs(open_map: Callable[..., Opened]) -> None:
    m = injection_map()
    page = open_map(m)
    p = page.page
    assert p.title() == INJECTIONS[0]
    # every text, shown literally in the details panel
    for i, text in enumerate(INJECTIONS):
        page.js("id => sysmapMap.select(id)", f"p{i}")
        body = p.locator("#details-body")
        assert body.locator("h3").text_content() == text
        assert body.text_content().count(text) >= 4  # name, description, organisation, tag …
    p.fill("#search", "<img")
    p.press("#search", "Enter")
    first = p.locator("#search-results button").first.text_content()
    assert first == f"{INJECTIONS[0]} — Beneficiary, {INJECTIONS[0]}"  # name — role, organisation
    p.locator("#loop-list button").first.click()
    assert INJECTIONS[4] in p.locator("#details-body").text_content()
    p.click("#voice-toggle")
    p.select_option("#tag-filter", INJECTIONS[1])
    p.click("#text-alternative summary")
    # the tables are built when the section opens (its toggle event comes after the click)
    p.wait_for_selector("#tables table")
    tables = p.locator("#tables").text_content()
    for text in INJECTIONS:
        assert text in tables
    # no markup made it into the page: no images, links, svg with handlers or extra scripts
    assert (
        page.js(
            "document.querySelectorAll('img, a:not([href^=\"#\"]), iframe, object, embed').length"
        )
        == 0
    )
    assert page.js("[...document.querySelectorAll('a')].map(a => a.getAttribute('href'))") == [
        "#map",
        "#details",
        "#text-alternative",
        "#details",
    ]
    # no script beyond those the file was written with (data block, libraries, page scripts)
    written = Path(urllib.parse.urlparse(p.url).path).read_text(encoding="utf-8")
    tags = len(re.findall(r"^<script", written, re.M))
    assert tags >= 3 and page.js("document.querySelectorAll('script').length") == tags
    assert (
        page.js(
            "[...document.querySelectorAll('*')].filter(e => e.getAttributeNames().some(a => a.startsWith('on'))).length"
        )
        == 0
    )
    p.wait_for_timeout(200)  # let any stray handler fire before close() checks dialogs
    assert page.dialogs == []


def test_redacted_page_shows_placeholders(
    open_map: Callable[..., Opened], current: SystemMap
) -> None:
    page = open_map(current, redact=True)
    names = page.js("sysmapMap.nodes.get().map(n => n.label)")
    assert "Stakeholder 1" in names and "Dana W. (working group member)" not in names
    html = page.page.content()
    for s in current.stakeholders:
        if s.sensitive:
            assert s.name not in html


def test_large_map_draws_with_positions_and_stays_interactive(
    open_map: Callable[..., Opened],
) -> None:
    from sysmap.htmlmap import LAYOUT_THRESHOLD

    n = LAYOUT_THRESHOLD * 2
    m = SystemMap(
        id="big",
        title="Big",
        guiding_question="Q?",
        stakeholders=[
            Stakeholder(
                id=f"s{i}", name=f"S {i}", role=("beneficiary", "provider", "leader")[i % 3]
            )
            for i in range(n)
        ],
        relationships=[
            Relationship(source=f"s{i}", target=f"s{(i * 7 + 1) % n}", kind="feedback")
            for i in range(n)
        ]
        + [
            Relationship(source=f"s{(i * 7 + 1) % n}", target=f"s{i}", kind="informs")
            for i in range(n)
        ],
    )
    page = open_map(m)
    assert page.js("sysmapMap.nodes.length") == n
    assert page.js("sysmapMap.network.physics.options.enabled") is False
    page.page.fill("#search", "S 17")
    page.page.press("#search", "Enter")
    assert page.page.locator("#details-body h3").inner_text() == "S 17"
    # big maps highlight through vis-network's selection (no restyling of every item)
    assert "s17" in page.js("sysmapMap.network.getSelectedNodes()")
    page.page.locator("#loop-list button").first.click()
    loop = page.js("sysmapMap.data.loops[0].path")
    assert set(page.js("sysmapMap.network.getSelectedNodes()")) == set(loop)
    assert len(page.js("sysmapMap.network.getSelectedEdges()")) >= len(loop) - 1


# ------------------------------------------------------------ names in the room

#: Records every piece of text the page draws on the map's canvas during one
#: frame, with its box and font size in CSS pixels on screen, measured from the
#: canvas itself (font and transform at the moment of drawing), not from
#: sysmap's own bookkeeping.
DRAWN_TEXT = """() => new Promise(resolve => {
    const proto = CanvasRenderingContext2D.prototype;
    const original = proto.fillText;
    const drawn = [];
    proto.fillText = function (text, x, y) {
        const t = this.getTransform();
        const pr = this.canvas.width / this.canvas.clientWidth;
        const m = this.measureText(text);
        const px = parseFloat(/([0-9.]+)px/.exec(this.font)[1]);
        const sx = Math.hypot(t.a, t.b) / pr, sy = Math.hypot(t.c, t.d) / pr;
        const l = x - m.actualBoundingBoxLeft, r = x + m.actualBoundingBoxRight;
        const tp = y - m.actualBoundingBoxAscent, b = y + m.actualBoundingBoxDescent;
        drawn.push({
            text: String(text), px: px * sy,
            left: (t.a * l + t.c * tp + t.e) / pr, right: (t.a * r + t.c * b + t.e) / pr,
            top: (t.b * l + t.d * tp + t.f) / pr, bottom: (t.b * r + t.d * b + t.f) / pr,
            width: this.canvas.clientWidth, height: this.canvas.clientHeight, sx: sx,
        });
        return original.apply(this, arguments);
    };
    sysmapMap.network.once("afterDrawing", () => {
        proto.fillText = original;
        resolve(drawn);
    });
    sysmapMap.network.redraw();
})"""


def check_names_readable(frame: Any, nodes: list[dict[str, Any]], least: int) -> list[str]:
    """The names drawn on the map: at least ``least`` of them, each 12 CSS px
    or more, inside the canvas, none overlapping another. Returns them."""
    drawn = frame.evaluate(DRAWN_TEXT)
    names = {n["name"] for n in nodes}
    shown = [d for d in drawn if d["text"] in names or d["text"][2:] in names]
    assert_names_readable(shown, least, px=12)
    return [d["text"] for d in shown]


@pytest.mark.parametrize("size", [(1024, 768), (1280, 720), (1920, 1080)])
def test_names_are_readable_in_the_room(
    open_map: Callable[..., Opened], current: SystemMap, size: tuple[int, int]
) -> None:
    page = open_map(current)
    page.page.set_viewport_size({"width": size[0], "height": size[1]})
    page.page.wait_for_timeout(500)  # the page refits after the resize settles
    nodes = page.js("sysmapMap.data.nodes")
    shown = check_names_readable(page.page, nodes, least=10)
    # chosen by importance: the largest stakeholder (most power) is named
    biggest = max(nodes, key=lambda n: n["size"])
    assert biggest["name"] in shown
    # refit: every stakeholder is inside the map after the window changed size
    inside = page.js(
        """() => {
        const net = sysmapMap.network, c = document.querySelector('#map canvas');
        const pos = net.getPositions();
        return Object.values(pos).every(p => {
            const d = net.canvasToDOM(p);
            return d.x >= 0 && d.y >= 0 && d.x <= c.clientWidth && d.y <= c.clientHeight;
        });
    }"""
    )
    assert inside


def test_pointing_at_a_stakeholder_names_it(
    open_map: Callable[..., Opened], current: SystemMap
) -> None:
    page = open_map(current)
    page.page.set_viewport_size({"width": 1024, "height": 768})
    page.page.wait_for_timeout(500)
    nodes = page.js("sysmapMap.data.nodes")
    shown = set(check_names_readable(page.page, nodes, least=5))
    hidden = next(n for n in sorted(nodes, key=lambda n: n["size"]) if n["name"] not in shown)
    point = page.js(
        "id => sysmapMap.network.canvasToDOM(sysmapMap.network.getPositions([id])[id])",
        hidden["id"],
    )
    box = page.page.locator("#map").bounding_box()
    page.page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    page.page.wait_for_timeout(100)
    assert hidden["name"] in check_names_readable(page.page, nodes, least=5)


# ------------------------------------------------------- what the map knows


def test_details_show_evidence_trust_power_and_perspectives(
    open_map: Callable[..., Opened], current: SystemMap
) -> None:
    page = open_map(current)
    names = {s.id: s.name for s in current.stakeholders}
    index, rel = next(
        (i, r)
        for i, r in enumerate(current.relationships)
        if r.power is not None
        and r.trust is not None
        and any(e.date and e.asserted_by in names for e in r.evidence)
    )
    page.js("id => sysmapMap.select(id)", rel.source)
    page.page.click(f"#details-body button[data-edge='{index}']")
    text = page.page.locator("#details-body").inner_text()
    assert f"{names[rel.source]} → {names[rel.target]}" in text
    assert f"Evidence ({len(rel.evidence)})" in text
    for ev in rel.evidence:
        assert ev.source in text
        if ev.date:
            assert ev.date.isoformat() in text
        if ev.asserted_by in names:
            assert f"asserted by {names[ev.asserted_by]}" in text
    assert f"trust\n{rel.trust:g}" in text
    assert rel.power is not None
    assert f"{rel.power.amount} of 5" in text
    for carried in rel.power.carries:
        assert carried in text
    # parallel entries that disagree show each group's view
    data = page.js("sysmapMap.data")
    group = data["perspectives"][0]
    page.js("i => sysmapMap.showEdge(i)", group[0])
    text = page.page.locator("#details-body").inner_text()
    assert "Perspectives" in text
    for i in group:
        for ev in data["edges"][i].get("evidence", []):
            if "asserted_by" in ev:
                assert ev["asserted_by"] in text
    # the text alternative lists the evidence too
    page.page.click("#text-alternative summary")
    page.page.wait_for_selector("#tables table")
    tables = page.page.locator("#tables").inner_text()
    notes = [e.note for r in current.relationships for e in r.evidence if e.note]
    assert notes and all(note in tables for note in notes)
    assert "Perspectives" in tables


def test_redesign_details_show_why_owner_and_pilot(open_map: Callable[..., Opened]) -> None:
    redesign = sysmap.load_map(ROOT / "examples" / "homelessness-redesign.yaml")
    page = open_map(redesign)
    index, rel = next(
        (i, r)
        for i, r in enumerate(redesign.relationships)
        if r.change is not None and r.change.reason and r.change.owner and r.change.pilot
    )
    assert rel.change is not None
    page.js("i => sysmapMap.showEdge(i)", index)
    text = page.page.locator("#details-body").inner_text()
    assert rel.change.reason in text
    assert rel.change.pilot in text
    owner = redesign.stakeholder(rel.change.owner)
    assert owner is not None and owner.name in text


def test_clicking_a_relationship_shows_it(
    open_map: Callable[..., Opened], current: SystemMap
) -> None:
    page = open_map(current)
    # the middle of a relationship between two stakeholders with no other link nearby
    point = page.js(
        """() => {
        const net = sysmapMap.network;
        for (const [i, e] of sysmapMap.data.edges.entries()) {
            const id = 'e' + i;
            net.selectEdges([id]);
            const p = net.getPositions([e.from, e.to]);
            const a = net.canvasToDOM(p[e.from]), b = net.canvasToDOM(p[e.to]);
            const m = {x: (a.x + b.x) / 2, y: (a.y + b.y) / 2};
            if (net.getEdgeAt(m) === id && net.getNodeAt(m) === undefined) {
                net.unselectAll();
                return {i, x: m.x, y: m.y};
            }
        }
        return null;
    }"""
    )
    assert point is not None
    box = page.page.locator("#map").bounding_box()
    page.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    edge = page.js("i => sysmapMap.data.edges[i]", point["i"])
    names = {n["id"]: n["name"] for n in page.js("sysmapMap.data.nodes")}
    body = page.page.locator("#details-body")
    assert body.locator("h3").inner_text() == f"{names[edge['from']]} → {names[edge['to']]}"
    assert f"Relationship: {edge['kind']}" in body.inner_text()


# ------------------------------------------------------------------- voice


def test_voice_view_marks_each_verdict_by_colour_and_shape(
    open_map: Callable[..., Opened], current: SystemMap
) -> None:
    from sysmap.analysis.suite import analyze

    verdicts = {
        b["id"]: b["verdict"]
        for b in analyze(current, only=["voice"]).results["voice"].to_dict()["beneficiaries"]
    }
    assert set(verdicts.values()) == {"no voice", "one-way", "two-way"}
    page = open_map(current)
    page.page.click("#voice-toggle")
    looks: dict[str, set[tuple[str, str]]] = {}
    for ident, verdict in verdicts.items():
        n = page.node(ident)
        looks.setdefault(verdict, set()).add((n["shape"], n["color"]["background"]))
    # one look per verdict, and the three differ in shape and in colour
    assert all(len(v) == 1 for v in looks.values()), looks
    shapes = {next(iter(v))[0] for v in looks.values()}
    colours = {next(iter(v))[1] for v in looks.values()}
    assert len(shapes) == 3 and len(colours) == 3
    legend = page.page.locator("#legend").inner_text()
    for word in ("No voice", "One-way voice", "Two-way voice"):
        assert word in legend
    page.page.click("#voice-toggle")  # off: the role's look again
    assert {page.node(i)["shape"] for i in verdicts} == {"dot"}
    assert "No voice" not in page.page.locator("#legend").inner_text()


# -------------------------------------------------------------------- diffs


def test_diff_map_agrees_with_compare(open_map: Callable[..., Opened], current: SystemMap) -> None:
    from sysmap.compare import compare_maps
    from sysmap.htmlmap import diff_from_comparison

    redesign = sysmap.load_map(ROOT / "examples" / "homelessness-redesign.yaml")
    comparison = compare_maps(current, redesign, shifts=False)
    counts = comparison.to_dict()["changes"]["counts"]
    page = open_map(redesign, diff=diff_from_comparison(comparison))
    data = page.js("sysmapMap.data.edges")
    drawn = page.js("sysmapMap.edges.get()")
    for kind, n in counts["relationships"].items():
        assert sum(kind in e.get("changes", []) for e in data) == n, kind
    legend = page.page.locator("#legend").inner_text()
    assert f"Strengthened (▲): {counts['relationships']['strengthened']}" in legend
    assert f"Status changed (◆): {counts['relationships']['status_changed']}" in legend
    assert f"Added stakeholder (+): {counts['stakeholders']['added']}" in legend
    # every change a relationship carries has its mark on the map
    marks = {"formed": "formed", "retired": "retired", "rewired": "rewired"}
    marks |= {"strengthened": "stronger", "weakened": "weaker", "changed": "changed"}
    for d, e in zip(data, drawn, strict=True):
        for kind in d.get("changes", []):
            if kind == "status_changed":
                assert f"{d['was']['status']} → {d['status']}" in e["label"]
            else:
                assert marks[kind] in e["label"], (kind, e["label"])
    repaired = [d for d in data if d.get("was", {}).get("status") == "broken"]
    assert repaired  # broken → existing, the repair that matters most


# -------------------------------------------------------------------- print


def test_print_puts_the_map_and_legend_on_the_first_page(
    open_map: Callable[..., Opened], current: SystemMap
) -> None:
    page = open_map(current)
    pdf = page.page.pdf(format="Letter")
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    assert pages >= 2  # the map, then the tables
    # the layout on paper: Letter at 96 px per inch, 12 mm margins
    page.page.set_viewport_size({"width": 725, "height": 965})
    page.page.emulate_media(media="print")
    layout = page.js(
        """() => {
        const box = s => document.querySelector(s).getBoundingClientRect();
        const shown = s => getComputedStyle(document.querySelector(s)).display !== 'none';
        return {legend: box('#legend').bottom, map: box('#map').height,
                controls: shown('#controls'), details: shown('#details'),
                breaks: getComputedStyle(document.querySelector('#main')).breakAfter,
                tables: document.querySelectorAll('#tables table').length,
                open: document.querySelector('#text-alternative').open};
    }"""
    )
    assert layout["legend"] <= 965 and layout["map"] > 300
    assert not layout["controls"] and not layout["details"]
    assert layout["breaks"] == "page"
    assert layout["tables"] >= 2 and layout["open"]


# --------------------------------------------------------------- axe-core

AXE = ROOT / "tests" / "vendor" / "axe.min.js"
AXE_RUN = """async () => {
    const r = await axe.run(document);
    return r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '));
}"""


def axe_violations(frame: Any) -> list[str]:
    if not frame.evaluate("typeof axe !== 'undefined'"):
        frame.evaluate(AXE.read_text(encoding="utf-8"))
    return frame.evaluate(AXE_RUN)


def test_axe_finds_nothing_in_any_state(
    open_map: Callable[..., Opened], current: SystemMap
) -> None:
    from sysmap.compare import compare_maps
    from sysmap.htmlmap import diff_from_comparison

    page = open_map(current)
    p = page.page
    assert axe_violations(p) == [], "on opening"
    page.click_node("coc-board")
    assert axe_violations(p) == [], "a stakeholder chosen"
    p.locator("#details-body button[data-edge]").first.click()
    assert axe_violations(p) == [], "a relationship shown"
    p.locator("#loop-list button").first.click()
    assert axe_violations(p) == [], "a loop chosen"
    p.click("#voice-toggle")
    assert axe_violations(p) == [], "voice view"
    p.fill("#search", "riverton")
    assert axe_violations(p) == [], "search results"
    p.click("#text-alternative summary")
    p.wait_for_selector("#tables table")
    assert axe_violations(p) == [], "text alternative open"
    p.click("#reset")
    assert axe_violations(p) == [], "after show everything"
    redesign = sysmap.load_map(ROOT / "examples" / "homelessness-redesign.yaml")
    diff = open_map(redesign, diff=diff_from_comparison(compare_maps(current, redesign)))
    assert axe_violations(diff.page) == [], "diff map"


# -------------------------------------------------------------------- scale


def county_map(n: int, seed: int = 3) -> SystemMap:
    """``n`` stakeholders in organisations of about 20, 3·n relationships,
    70% of them inside an organisation (as in benchmarks/bench_html.py)."""
    import random

    rng = random.Random(seed)
    org_of = [rng.randrange(n // 20) for _ in range(n)]
    members: dict[int, list[int]] = {}
    for i, o in enumerate(org_of):
        members.setdefault(o, []).append(i)
    people = [
        Stakeholder(
            id=f"s{i}",
            name=f"Person {i}",
            role=("beneficiary", "provider", "leader")[i % 3],
            organisation=f"Organisation {org_of[i]}",
            power=i % 6,
        )
        for i in range(n)
    ]
    rels = []
    for _ in range(3 * n):
        a = rng.randrange(n)
        b = rng.choice(members[org_of[a]]) if rng.random() < 0.7 else rng.randrange(n)
        if a != b:
            rels.append(Relationship(source=f"s{a}", target=f"s{b}", kind="refers"))
    return SystemMap(
        id="county", title="County", guiding_question="Q?", stakeholders=people, relationships=rels
    )


def test_overview_at_5000_shows_names_and_relationships(open_map: Callable[..., Opened]) -> None:
    m = county_map(5000)
    page = open_map(m)
    page.page.set_viewport_size({"width": 1280, "height": 720})
    page.page.wait_for_timeout(500)
    groups = page.js("sysmapMap.groups()")
    organisations = {s.organisation for s in m.stakeholders}
    assert groups == {"by": "organisation", "open": None, "count": len(organisations)}
    drawn = page.js("sysmapMap.nodes.getIds().map(id => ({name: sysmapMap.name(id)}))")
    assert len(drawn) == len(organisations)  # one node per organisation, not 5,000 dots
    check_names_readable(page.page, drawn, least=10)
    # relationships between organisations are drawn as lines long enough to see
    visible = page.js(
        """() => {
        const net = sysmapMap.network, c = document.querySelector('#map canvas');
        const inside = p => p.x >= 0 && p.y >= 0 && p.x <= c.clientWidth && p.y <= c.clientHeight;
        return sysmapMap.edges.get().filter(e => {
            const p = net.getPositions([e.from, e.to]);
            const a = net.canvasToDOM(p[e.from]), b = net.canvasToDOM(p[e.to]);
            return inside(a) && inside(b) && Math.hypot(a.x - b.x, a.y - b.y) >= 30;
        }).length;
    }"""
    )
    assert visible >= 50
    # search opens the stakeholder's organisation and chooses it
    page.page.fill("#search", "Person 4321")
    page.page.press("#search", "Enter")
    assert page.page.locator("#details-body h3").inner_text() == "Person 4321"
    org = m.stakeholders[4321].organisation
    assert page.js("sysmapMap.groups().open") == org
    assert "s4321" in page.js("sysmapMap.network.getSelectedNodes()")
    members = {s.id for s in m.stakeholders if s.organisation == org}
    assert members <= set(page.js("sysmapMap.nodes.getIds()"))
    # a filter keeps the overview: only organisations with someone of power 5 stay
    page.page.select_option("#min-power", "5")
    groups_left = {i[2:] for i in page.js("sysmapMap.nodes.getIds()") if i.startswith("g\u0000")}
    powerful = {s.organisation for s in m.stakeholders if s.power == 5} - {org}
    assert groups_left == powerful


#: Counts vis-network's "reprocess everything" events (each walks every node and
#: relationship it holds) and the items each data-set update sends it.
COUNT_REPROCESSING = """() => {
    const em = sysmapMap.network.body.emitter, emit = em.emit;
    let depth = 0;  // a change reprocesses through an update: count the outer event
    window.__reprocessed = 0;
    em.emit = function (name) {
        const counted = name === '_dataChanged' || name === '_dataUpdated';
        if (counted && depth === 0) window.__reprocessed++;
        depth += counted ? 1 : 0;
        try { return emit.apply(this, arguments); } finally { depth -= counted ? 1 : 0; }
    };
}"""
COUNT_SENT = """() => {
    window.__sent = {nodes: [], edges: []};
    for (const name of ['nodes', 'edges']) {
        const set = sysmapMap[name], update = set.update;
        set.update = function (items) {
            window.__sent[name].push(...items.map(x => x.id));
            return update.apply(this, arguments);
        };
    }
}"""


def test_each_change_on_a_large_map_is_reprocessed_once(open_map: Callable[..., Opened]) -> None:
    m = county_map(1200)
    page = open_map(m)
    page.js(COUNT_REPROCESSING)
    # a search opens a group: nodes and links removed and added, one reprocessing
    page.page.fill("#search", "Person 617")
    page.page.press("#search", "Enter")
    assert page.js("sysmapMap.groups().open") == m.stakeholders[617].organisation
    assert page.js("window.__reprocessed") == 1
    page.js("window.__reprocessed = 0")
    page.page.locator("#role-filter input[data-role=leader]").uncheck()
    assert page.js("window.__reprocessed") == 1
    # every stakeholder drawn: a filter sends only those whose visibility changes
    page.page.locator("#role-filter input[data-role=leader]").check()
    page.page.select_option("#group-by", "")
    page.js(COUNT_SENT)
    page.js("window.__reprocessed = 0")
    page.page.locator("#role-filter input[data-role=provider]").uncheck()
    providers = {s.id for s in m.stakeholders if s.role == "provider"}
    assert set(page.js("window.__sent.nodes")) == providers
    assert page.js("window.__sent.edges") == []
    assert page.js("window.__reprocessed") == 1
    hidden = page.js("sysmapMap.nodes.get({filter: n => n.hidden}).map(n => n.id)")
    assert set(hidden) == providers
    page.page.locator("#role-filter input[data-role=provider]").check()
    assert page.js("sysmapMap.nodes.get({filter: n => n.hidden}).length") == 0
    assert len(page.js("window.__sent.nodes")) == 2 * len(providers)


def test_filters_by_relationships_power_and_metric(
    open_map: Callable[..., Opened], current: SystemMap
) -> None:
    from sysmap.analysis.suite import analyze

    page = open_map(current)
    people = current.stakeholders

    def hidden() -> set[str]:
        return set(page.js("sysmapMap.nodes.get({filter: n => n.hidden}).map(n => n.id)"))

    degree = {s.id: 0 for s in people + current.factors}  # type: ignore[operator]
    for r in current.relationships:
        degree[r.source] += 1
        degree[r.target] += 1
    page.page.fill("#min-degree", "8")
    page.page.press("#min-degree", "Enter")
    page.page.dispatch_event("#min-degree", "change")
    assert hidden() == {i for i, d in degree.items() if d < 8}
    page.page.click("#reset")
    page.page.select_option("#min-power", "4")
    assert hidden() == {s.id for s in people if s.power is None or s.power < 4}
    page.page.click("#reset")
    # the top 10% by PageRank (stakeholders only; factors stay), from the analysis itself
    rows = analyze(current, only=["structure"]).results["structure"].to_dict()["stakeholders"]
    ranks = sorted((r["pagerank"] for r in rows if r["id"] in {s.id for s in people}), reverse=True)
    cut = ranks[-(-len(ranks) // 10) - 1]
    page.page.select_option("#metric-filter", "pagerank")
    kept = {s.id for s in people} - hidden()
    assert kept == {
        r["id"] for r in rows if r["id"] in {s.id for s in people} and r["pagerank"] >= cut
    }
    assert 1 <= len(kept) < len(people) // 5
