"""The static SVG picture: what it draws, escaping, redaction, and Chromium showing it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

import sysmap
from helpers import EXAMPLES, OfflinePage
from sysmap.cli import main
from sysmap.formats import export_map
from sysmap.formats.svg import LABEL_LIMIT, generate_svg
from sysmap.model import Factor, Relationship, Stakeholder, SystemMap

SVG = "{http://www.w3.org/2000/svg}"
NASTY = [
    "<img src=x onerror=alert(1)>",
    "</svg><script>alert(1)</script>",
    "javascript:alert(1)",
    "\"quotes\" & 'apostrophes'",
    "Familias 🏠 sin hogar",
    "مجلس الرعاية",
]


def parsed(text: str) -> ET.Element:
    return ET.fromstring(text.encode("utf-8"))


def groups(root: ET.Element, cls: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if cls in g.get("class", "").split()]


@pytest.fixture(scope="module")
def current() -> SystemMap:
    return sysmap.load_map(EXAMPLES / "homelessness-current.yaml")


def test_every_element_and_relationship_is_drawn(current: SystemMap) -> None:
    root = parsed(generate_svg(current))
    assert len(groups(root, "stakeholder")) == len(current.stakeholders) == 49
    assert len(groups(root, "factor")) == len(current.factors) == 7
    lines = [ln for ln in root.iter(f"{SVG}line") if "relationship" in ln.get("class", "")]
    drawn = [r for r in current.relationships if r.source != r.target]
    assert len(lines) == len(drawn) == 135
    # each role keeps its own shape, so colour is never the only cue
    shapes = {
        role: {child.tag for g in groups(root, role) for child in g if child.tag != f"{SVG}title"}
        for role in ("beneficiary", "provider", "leader", "factor")
    }
    assert shapes == {
        "beneficiary": {f"{SVG}circle"},
        "provider": {f"{SVG}rect"},
        "leader": {f"{SVG}polygon"},
        "factor": {f"{SVG}polygon"},
    }
    broken = [ln for ln in lines if "broken" in ln.get("class", "").split()]
    assert len(broken) == sum(r.status == "broken" for r in current.relationships) == 3
    assert all(ln.get("stroke-dasharray") == "2 4" for ln in broken)
    texts = "".join(root.itertext())
    assert current.title in texts and "How can people experiencing homelessness" in texts


def test_the_picture_is_the_same_every_time(current: SystemMap) -> None:
    assert generate_svg(current) == generate_svg(current)


def test_mutual_links_have_two_arrowheads_and_causal_links_a_sign() -> None:
    m = SystemMap(
        id="m",
        title="M",
        guiding_question="Q?",
        stakeholders=[
            Stakeholder(id="a", name="A", role="beneficiary"),
            Stakeholder(id="b", name="B", role="provider"),
        ],
        factors=[Factor(id="f", name="F"), Factor(id="g", name="G")],
        relationships=[
            Relationship(source="a", target="b", kind="collaborates", direction="mutual"),
            Relationship(source="f", target="g", kind="influences", polarity="-"),
        ],
    )
    root = parsed(generate_svg(m))
    lines = [ln for ln in root.iter(f"{SVG}line") if "relationship" in ln.get("class", "")]
    assert [ln.get("marker-start") is not None for ln in lines] == [True, False]
    signs = [t.text for t in root.iter(f"{SVG}text") if t.text in {"+", "−"}]
    assert signs == ["−"]


def test_map_text_stays_text() -> None:
    m = SystemMap(
        id="m",
        title=NASTY[1],
        guiding_question=NASTY[0],
        stakeholders=[
            Stakeholder(id=f"s{i}", name=name, role="beneficiary") for i, name in enumerate(NASTY)
        ],
    )
    text = generate_svg(m)
    root = parsed(text)  # still one well-formed document
    assert not list(root.iter(f"{SVG}script")) and not list(root.iter(f"{SVG}a"))
    assert "<script" not in text and "<img" not in text
    titles = [g.find(f"{SVG}title") for g in groups(root, "stakeholder")]
    assert [t.text for t in titles if t is not None] == NASTY


def test_redacted_picture_names_no_sensitive_stakeholder(current: SystemMap) -> None:
    sensitive = [s for s in current.stakeholders if s.sensitive]
    assert sensitive
    text = generate_svg(current, redact=True)
    for s in sensitive:
        assert s.name not in text and s.id not in text
    assert "Stakeholder 1" in text
    assert sensitive[0].name in generate_svg(current)


def test_big_maps_leave_names_off() -> None:
    n = LABEL_LIMIT + 20
    m = SystemMap(
        id="big",
        title="Big",
        guiding_question="Q?",
        stakeholders=[Stakeholder(id=f"s{i}", name=f"Name {i}", role="provider") for i in range(n)],
        relationships=[
            Relationship(source=f"s{i}", target=f"s{(i + 1) % n}", kind="refers") for i in range(n)
        ],
    )
    root = parsed(generate_svg(m))
    assert len(groups(root, "stakeholder")) == n
    assert not groups(root, "names")


def test_export_and_cli_name_what_the_picture_leaves_out(tmp_path: Path, capsys) -> None:
    m = sysmap.load_map(EXAMPLES / "small.yaml")
    result = export_map(m, "svg", tmp_path / "small.svg")
    assert "relationships[].evidence" in result.dropped and "loops" in result.dropped
    out = tmp_path / "cli.svg"
    with pytest.raises(SystemExit) as info:
        main(["export", "svg", str(EXAMPLES / "small.yaml"), "-o", str(out)])
    assert info.value.code in (0, None)
    err = capsys.readouterr().err
    assert "svg cannot carry these fields" in err and "relationships[].evidence" in err
    assert out.read_text(encoding="utf-8") == (tmp_path / "small.svg").read_text(encoding="utf-8")


def test_chromium_draws_the_picture_offline(browser: Any, tmp_path: Path) -> None:
    m = SystemMap(
        id="m",
        title="Injection check",
        guiding_question=NASTY[0],
        stakeholders=[
            Stakeholder(id=f"s{i}", name=name, role="leader") for i, name in enumerate(NASTY)
        ],
        relationships=[Relationship(source="s0", target="s1", kind="governs")],
    )
    path = tmp_path / "m.svg"
    path.write_text(generate_svg(m), encoding="utf-8")
    opened = OfflinePage(browser, path)
    drawn = opened.page.evaluate(
        """() => [...document.querySelectorAll('g.stakeholder')].map(g => {
            const b = g.getBBox(); return [b.width > 0 && b.height > 0, g.textContent]; })"""
    )
    names = opened.page.evaluate(
        "() => [...document.querySelectorAll('g.names text')].map(t => t.textContent)"
    )
    opened.close()  # no request left the machine, no dialog, no script error
    assert [d[0] for d in drawn] == [True] * len(NASTY)
    assert [d[1] for d in drawn] == NASTY
    assert names == NASTY  # every name shown literally, none shortened here
