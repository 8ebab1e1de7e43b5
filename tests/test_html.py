"""HTML maps without a browser: the file's content, escaping, redaction, diffs, the CLI.

What the page does in a browser is tested in test_html_browser.py.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import sysmap
from helpers import ROOT
from sysmap.cli import cli
from sysmap.errors import BadArgument, SysmapError
from sysmap.htmlmap import (
    DIFF_KINDS,
    LAYOUT_THRESHOLD,
    MapDiff,
    export_html,
    generate_html,
    redact_map,
    relationship_key,
)
from sysmap.model import Relationship, Stakeholder, SystemMap

EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def page_data(page: str) -> dict:
    """The map data embedded in a page (the one JSON block)."""
    found = re.findall(r'<script type="application/json" id="sysmap-data">(.*?)</script>', page)
    assert len(found) == 1
    return json.loads(found[0])


@pytest.fixture(scope="module")
def current() -> SystemMap:
    return sysmap.load_map(ROOT / "examples" / "homelessness-current.yaml")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_exports_a_self_contained_page(path: Path, tmp_path: Path) -> None:
    m = sysmap.load_map(path)
    out = tmp_path / "map.html"
    export_html(m, out)
    page = out.read_text(encoding="utf-8")
    # nothing loaded from anywhere: no links, no external scripts or styles
    assert not re.search(r"<(link|iframe|object|embed|img)\b", page, re.I)
    assert not re.search(r"<script[^>]+src=", page, re.I)
    assert not re.search(r"url\((?!\"?data:)", page)
    assert "default-src 'none'" in page  # a CSP that forbids every request
    assert "vis-network" in page and "@version 9.1.2" in page
    data = page_data(page)
    assert len(data["nodes"]) == len(m.stakeholders) + len(m.factors)
    assert {n["name"] for n in data["nodes"]} >= {s.name for s in m.stakeholders}
    assert data["title"] == m.title and data["question"] == m.guiding_question
    # only three <script> elements: the data, vis-network, the page script
    assert page.count("</script>") == 3


def test_map_text_is_escaped_for_the_script_block() -> None:
    nasty = "</script><script>alert(1)</script> & <!-- \u2028\u2029 'q' \"dq\""
    m = SystemMap(
        id="x",
        title=nasty,
        guiding_question=nasty,
        stakeholders=[Stakeholder(id="a", name=nasty, role="leader", description=nasty)],
    )
    page = generate_html(m)
    block = page.split('id="sysmap-data">', 1)[1].split("</script>", 1)[0]
    for raw in ("<", ">", "&", "\u2028", "\u2029"):
        assert raw not in block
    assert "alert(1)</script>" not in page
    data = page_data(page)
    assert data["nodes"][0]["name"] == nasty  # the text survives, literally
    assert data["title"] == nasty


def test_the_page_script_never_uses_innerhtml() -> None:
    from importlib import resources

    script = resources.files("sysmap").joinpath("templates", "map.js").read_text("utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script


def test_redacted_export_holds_no_sensitive_name_anywhere(
    current: SystemMap, tmp_path: Path
) -> None:
    sensitive = [s for s in current.stakeholders if s.sensitive]
    assert len(sensitive) == 2  # Dana W. and T. in the example map
    out = tmp_path / "public.html"
    export_html(current, out, redact=True)
    page = out.read_text(encoding="utf-8")
    for s in sensitive:
        assert s.name not in page
        assert s.id not in page  # ids are replaced too
        assert s.description and s.description not in page
    assert "Stakeholder 1" in page and "Stakeholder 2" in page
    data = page_data(page)
    assert data["redacted"] is True
    # the same structure: relationships kept, with the new ids
    assert len(data["edges"]) == len(page_data(generate_html(current))["edges"])
    ids = {n["id"] for n in data["nodes"]}
    assert {"stakeholder-1", "stakeholder-2"} <= ids
    for row in data["voice"]:
        assert set(row["path"]) <= ids
    for loop in data["loops"]:
        assert set(loop["path"]) <= ids


def test_redaction_scrubs_mentions_elsewhere() -> None:
    m = SystemMap(
        id="m",
        title="Map",
        guiding_question="Q?",
        stakeholders=[
            Stakeholder(id="dana", name="Dana W.", role="beneficiary", sensitive=True, tags=["x"]),
            Stakeholder(id="board", name="Board", role="leader", description="Dana W. spoke here"),
        ],
        relationships=[
            Relationship(source="dana", target="board", kind="feedback", notes="Dana's own words")
        ],
    )
    r, ids = redact_map(m)
    assert ids == {"dana": "stakeholder-1"}
    assert r.stakeholders[1].description == "Stakeholder 1 spoke here"
    assert r.relationships[0].source == "stakeholder-1"
    assert r.relationships[0].notes is None
    page = generate_html(m, redact=True)
    assert "Dana" not in page


def test_without_sensitive_stakeholders_redaction_changes_nothing() -> None:
    m = sysmap.load_map(ROOT / "examples" / "small.yaml")
    assert redact_map(m) == (m, {})


def test_size_by_a_metric_and_unknown_size_by(current: SystemMap) -> None:
    data = page_data(generate_html(current, size_by="betweenness"))
    sizes = {n["size"] for n in data["nodes"] if n["role"] != "factor"}
    assert len(sizes) > 5
    assert all("betweenness" in n["metrics"] for n in data["nodes"] if n["role"] != "factor")
    with pytest.raises(SysmapError, match="cannot size nodes by 'powr' — did you mean 'power'"):
        generate_html(current, size_by="powr")


def test_diff_marks_each_change_kind() -> None:
    before = sysmap.load_map(ROOT / "examples" / "small.yaml")
    after = before.model_copy(deep=True)
    rels = after.relationships
    retired = rels.pop()
    diff = {
        "formed": {relationship_key(rels[0])},
        "rewired": {(rels[1].source, rels[1].target)},
        "strengthened": {(rels[2].source, rels[2].target, rels[2].kind)},
        "weakened": [relationship_key(rels[3])],
        "retired": {relationship_key(retired)},
        "added": {after.stakeholders[0].id},
        "current": before,
    }
    data = page_data(generate_html(after, diff=diff))
    changes = [e.get("changes") for e in data["edges"]]
    assert changes[:4] == [["formed"], ["rewired"], ["strengthened"], ["weakened"]]
    assert changes[-1] == ["retired"]  # drawn from the current map, ghosted
    assert data["nodes"][0]["change"] == "added"
    counts = data["diff"]["relationships"]
    assert counts["formed"] == 1 and counts["retired"] == 1
    # a relationship named under two kinds carries both
    both = dict(diff, strengthened={relationship_key(rels[1])})
    data = page_data(generate_html(after, diff=both))
    assert data["edges"][1]["changes"] == ["rewired", "strengthened"]
    with pytest.raises(
        SysmapError, match="unknown change kind 'frmed' in diff — did you mean 'formed'"
    ):
        generate_html(after, diff={"frmed": set()})
    # the typed spelling draws the same page as the mapping
    typed = MapDiff({k: v for k, v in diff.items() if k != "current"}, current=before)
    assert page_data(generate_html(after, diff=typed)) == page_data(generate_html(after, diff=diff))


def test_map_diff_says_what_is_wrong() -> None:
    with pytest.raises(BadArgument, match="did you mean 'retired'") as err:
        MapDiff({"retird": ["a->b:funds"]})
    assert err.value.argument == "diff" and "retired" in err.value.choices
    with pytest.raises(BadArgument, match="must be a SystemMap"):
        MapDiff(current="current.yaml")  # type: ignore[arg-type]
    # keys read from JSON come as lists: they name the same relationship as a tuple
    assert MapDiff({"formed": [["a", "b"]]}).marked["formed"] == {("a", "b")}


def test_comparison_adapter_on_the_examples(current: SystemMap) -> None:
    from sysmap.compare import compare_maps
    from sysmap.htmlmap import diff_from_comparison

    redesign = sysmap.load_map(ROOT / "examples" / "homelessness-redesign.yaml")
    comparison = compare_maps(current, redesign, shifts=False)
    data = page_data(generate_html(redesign, diff=diff_from_comparison(comparison)))
    assert page_data(generate_html(redesign, diff=MapDiff.from_comparison(comparison))) == data
    # one source of truth: the page counts exactly what sysmap compare counts
    counts = comparison.changes.counts()
    assert data["diff"]["relationships"] == counts["relationships"]
    assert data["diff"]["stakeholders"] == counts["stakeholders"]
    for kind, n in counts["relationships"].items():
        assert sum(kind in e.get("changes", []) for e in data["edges"]) == n, kind
    # rewired and strengthened at once: both, as compare says
    both = [e for e in data["edges"] if {"rewired", "strengthened"} <= set(e.get("changes", []))]
    assert len(both) == sum(
        {"rewired", "strengthened"} <= set(rc.changes) for rc in comparison.changes.relationships
    )
    assert both
    # a status change says what it was before
    repaired = [e for e in data["edges"] if "status_changed" in e.get("changes", [])]
    assert repaired and all(e["was"]["status"] != e["status"] for e in repaired)
    removed = [n for n in data["nodes"] if n.get("change") == "removed"]
    assert removed and all(n["id"] not in redesign.element_ids() for n in removed)


def test_relationships_carry_evidence_trust_power_and_change_plans(current: SystemMap) -> None:
    redesign = sysmap.load_map(ROOT / "examples" / "homelessness-redesign.yaml")
    for m in (current, redesign):
        data = page_data(generate_html(m))
        assert len(data["edges"]) == len(m.relationships)
        names = {s.id: s.name for s in m.stakeholders}
        for e, r in zip(data["edges"], m.relationships, strict=True):
            assert len(e.get("evidence", [])) == len(r.evidence)
            for shown, ev in zip(e.get("evidence", []), r.evidence, strict=True):
                assert shown["source"] == ev.source
                assert shown.get("date") == (ev.date.isoformat() if ev.date else None)
                if ev.asserted_by in names:
                    assert shown["asserted_by"] == names[ev.asserted_by]
            assert e.get("trust") == r.trust
            if r.power is not None:
                assert e["power"] == {"amount": r.power.amount, "carries": list(r.power.carries)}
            if r.change is not None and r.change.reason:
                assert e["redesign"]["reason"] == r.change.reason
    # the example records 132 evidence entries today and 121 in the redesign (counted in the files)
    assert sum(
        len(e.get("evidence", [])) for e in page_data(generate_html(current))["edges"]
    ) == sum(len(r.evidence) for r in current.relationships)


def test_perspectives_group_parallel_entries_that_disagree() -> None:
    m = sysmap.loads_map(
        """
id: p
title: P
guiding_question: Q?
stakeholders:
  - {id: a, name: Outreach team, role: provider}
  - {id: b, name: People sleeping outside, role: beneficiary}
relationships:
  - {from: a, to: b, kind: serves, strength: 4, evidence: [{source: survey, asserted_by: provider}]}
  - {from: a, to: b, kind: serves, strength: 1, evidence: [{source: workshop, asserted_by: b}]}
  - {from: b, to: a, kind: feedback, strength: 2}
"""
    )
    data = page_data(generate_html(m))
    assert data["perspectives"] == [[0, 1]]
    assert data["edges"][1]["evidence"][0]["asserted_by"] == "People sleeping outside"


def test_large_maps_get_positions_before_export() -> None:
    n = LAYOUT_THRESHOLD + 50
    m = SystemMap(
        id="big",
        title="Big",
        guiding_question="Q?",
        stakeholders=[Stakeholder(id=f"s{i}", name=f"S {i}", role="provider") for i in range(n)],
        relationships=[
            Relationship(source=f"s{i}", target=f"s{(i * 7 + 1) % n}", kind="refers")
            for i in range(n)
        ],
    )
    data = page_data(generate_html(m))
    assert data["layout"] == "precomputed"
    assert all("x" in node and "y" in node for node in data["nodes"])
    small = page_data(generate_html(sysmap.load_map(ROOT / "examples" / "small.yaml")))
    assert small["layout"] == "physics"


def test_cli_map_writes_the_page(tmp_path: Path) -> None:
    out = tmp_path / "map.html"
    runner = CliRunner()
    result = runner.invoke(
        cli,
        ["map", str(ROOT / "examples" / "homelessness-current.yaml"), "-o", str(out), "--redact"],
    )
    assert result.exit_code == 0, result.output
    assert "Dana W." not in out.read_text(encoding="utf-8")
    bad = runner.invoke(cli, ["map", str(ROOT / "examples" / "small.yaml"), "-o", str(out),
                              "--size-by", "powr"])  # fmt: skip
    assert bad.exit_code == 2
    assert "'powr' is not one of" in bad.output


def test_cli_map_missing_file_is_one_clear_error(tmp_path: Path) -> None:
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "sysmap", "map", str(tmp_path / "nope.yaml"), "-o",
         str(tmp_path / "x.html")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 1
    assert proc.stderr.startswith("Error: ") and "Traceback" not in proc.stderr
    assert not (tmp_path / "x.html").exists()


def test_export_html_through_the_format_registry(tmp_path: Path) -> None:
    out = tmp_path / "map.html"
    result = CliRunner().invoke(
        cli,
        ["export", "html", str(ROOT / "examples" / "small.yaml"), "-o", str(out),
         "-O", "size_by=pagerank"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert page_data(out.read_text(encoding="utf-8"))["size_by"] == "pagerank"


def test_export_html_works_in_a_fresh_process(tmp_path: Path) -> None:
    # In this test process sysmap.htmlmap is already imported; a user's first command is
    # not, so the format must be known to the registry without that import.
    out = tmp_path / "map.html"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sysmap",
            "export",
            "html",
            str(ROOT / "examples" / "small.yaml"),
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_diff_kinds_use_the_comparison_words() -> None:
    # written out in htmlmap so that a map without --diff does not load sysmap.compare
    from sysmap.compare import RELATIONSHIP_CHANGES

    assert DIFF_KINDS == (*RELATIONSHIP_CHANGES, "added", "removed")
