"""HTML maps in a real browser: headless Debian Chromium driven by playwright.

Every page is opened from a file:// URL with the network cut off (any request
that is not file:// is aborted and recorded; the tests assert there was
none). One browser serves the whole module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import sysmap
from conftest import OfflinePage
from sysmap.html import export_html, relationship_key
from sysmap.model import FeedbackLoop, Relationship, Stakeholder, SystemMap

ROOT = Path(__file__).resolve().parent.parent
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
    assert page.js("document.activeElement.id") == "search"
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
        change = d.get("change")
        if change:
            seen.add(change)
            assert e["color"]["color"] == expected[change]
            assert e["label"].split()[-2:]  # a text mark, not colour alone
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
    assert p.locator("#search-results button").first.text_content() == INJECTIONS[0]
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
    assert page.js("document.querySelectorAll('img, a, iframe, object, embed').length") == 0
    assert page.js("document.querySelectorAll('script').length") == 3
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
    from sysmap.html import LAYOUT_THRESHOLD

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
