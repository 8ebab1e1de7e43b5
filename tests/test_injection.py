"""No injection through any output: the hostile-text corpus (tests/hostile.py)
in every text field and attribute key goes through every exporter.

- spreadsheets (CSV files, XLSX, the plan, roles and assess CSVs): no cell a
  spreadsheet would run as a formula, and the importers read every text
  back unchanged;
- Markdown (compare, plan, analyze, paths, summary, report, roles, assess):
  rendered by markdown-it-py (CommonMark, raw HTML allowed, as GitHub and
  most viewers render), the HTML holds no tag, attribute or link the map's
  text put there, and the payloads show as text;
- the Cypher script, run statement by statement on FalkorDB next to an
  innocent map: the innocent map's graph is byte-identical afterwards, and
  the hostile map loads equal;
- JSON outputs parse as strict JSON (no NaN); a map with NaN or ±Infinity
  is refused at load with a message;
- text printed to a terminal shows control characters escaped.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

import neo4j_engines
from helpers import EXAMPLES
from hostile import FORMULAS, HTML, PAYLOADS, TERMINAL, hostile_map, redesign_of
from sysmap.analysis._paths import paths
from sysmap.analysis.suite import analyze
from sysmap.assess import assess, format_assessments
from sysmap.cli import main
from sysmap.compare import compare_maps
from sysmap.errors import MapInvalid
from sysmap.escape import FORMULA_START, spreadsheet_cell, spreadsheet_value, terminal_text
from sysmap.formats import EXPORT_FORMATS, export_map, import_map
from sysmap.formats.cypher import generate_cypher
from sysmap.model import SystemMap
from sysmap.plan import change_plan, generate_plan
from sysmap.process import check_process
from sysmap.report import generate_report
from sysmap.roles import format_roles, role_matrix
from sysmap.summary import summarize
from sysmap.validate import load_map
from sysmap.whatif import fragile, network_whatif
from test_neo4j_cypher_script import elements, graph, relationships, run_script, statements

falkordb_folder = neo4j_engines.falkordb_folder
__all__ = ["graph", "falkordb_folder"]  # fixtures used here

NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")


@pytest.fixture(scope="module")
def hostile() -> SystemMap:
    return hostile_map()


# ------------------------------------------------------------------ spreadsheets


def formula_like(cell: str) -> bool:
    return cell[:1] in FORMULA_START and not NUMBER.match(cell)


def test_the_corpus_would_be_formulas_unguarded() -> None:
    # so that the checks below can fail: these payloads start formulas as they are
    assert sum(formula_like(p) for p in PAYLOADS) >= 6
    assert not any(formula_like(spreadsheet_cell(p)) for p in PAYLOADS)
    assert [spreadsheet_value(spreadsheet_cell(p)) for p in PAYLOADS] == PAYLOADS


def csv_cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text)) for c in row]


def test_no_csv_file_holds_a_formula(hostile: SystemMap, tmp_path: Path) -> None:
    export_map(hostile, "csv", tmp_path / "csv")
    cells = [c for f in sorted((tmp_path / "csv").iterdir()) for c in csv_cells(f.read_text())]
    assert "'=cmd|' /C calc'!A0" in cells  # the payload is there, quoted
    assert [c for c in cells if formula_like(c)] == []
    plan = generate_plan(change_plan(compare_maps(hostile, redesign_of(hostile))), "csv")
    roles = format_roles(role_matrix(hostile.guiding_team), fmt="csv")
    checks = format_assessments(assess(hostile), "csv")
    for text in (plan, roles, checks):
        assert [c for c in csv_cells(text) if formula_like(c)] == []
    assert "'=HYPERLINK" in plan  # a reason that starts a formula, quoted


def test_no_workbook_cell_is_a_formula(hostile: SystemMap, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "m.xlsx"
    export_map(hostile, "xlsx", out)
    with zipfile.ZipFile(out) as z:
        sheets = [z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not any(re.search(rb"<(?:\w+:)?f[\s>/]", s) for s in sheets)
    wb = openpyxl.load_workbook(out)
    values = [c.value for ws in wb for row in ws.iter_rows() for c in row]
    assert [v for v in values if isinstance(v, str) and formula_like(v)] == []
    assert "'=cmd|' /C calc'!A0" in values


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_spreadsheets_read_back_unchanged(fmt: str, hostile: SystemMap, tmp_path: Path) -> None:
    out = tmp_path / ("csv" if fmt == "csv" else "m.xlsx")
    export_map(hostile, fmt, out)
    back = import_map(fmt, out).map
    assert (back.title, back.guiding_question) == (hostile.title, hostile.guiding_question)
    for a, b in zip(hostile.stakeholders, back.stakeholders, strict=True):
        assert (b.name, b.description, b.organisation) == (a.name, a.description, a.organisation)
        if not any("|" in x or "\n" in x for x in a.aliases):  # "|" separates list items
            assert b.aliases == a.aliases
        assert set(b.attributes) == set(a.attributes)
    assert [r.notes for r in back.relationships] == [r.notes for r in hostile.relationships]


# ---------------------------------------------------------------------- Markdown


class _Tags(HTMLParser):
    """Every tag and attribute in rendered HTML, and its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attrs: list[tuple[str, str, str | None]] = []
        self.text: list[str] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attrs += [(tag, k, v) for k, v in attrs]

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


#: What Markdown itself makes: no tag a payload could bring (script, img, svg, a …).
MARKDOWN_TAGS = {
    *(f"h{i}" for i in range(1, 7)),
    *("p", "ul", "ol", "li", "strong", "em", "table", "thead", "tbody", "tr", "th", "td"),
    *("code", "pre", "blockquote", "hr", "br"),
}


def rendered(markdown: str) -> _Tags:
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)
    parsed = _Tags()
    parsed.feed(html)
    return parsed


def markdown_outputs(m: SystemMap) -> dict[str, str]:
    later = redesign_of(m)
    comparison = compare_maps(m, later)
    return {
        "compare": comparison.format_markdown(),
        "plan": generate_plan(change_plan(comparison), "md"),
        "analyze": analyze(m).format_markdown(),
        "paths": paths(m, "s0", "s1").format_markdown(),
        "summary": summarize(m).format_markdown(),
        "report": generate_report(m, later, format="md"),
        "roles": format_roles(role_matrix(m.guiding_team), fmt="md"),
        "assess": format_assessments(assess(m), "md"),
        "process": check_process(m, later).format_markdown(),
        "whatif": network_whatif(m, without=["s1"]).format_markdown(),
        "fragile": fragile(m).format_markdown(),
    }


def test_markdown_renders_map_text_as_text(hostile: SystemMap) -> None:
    # the check can fail: the payloads unescaped do make tags and links
    raw = set().union(*(rendered(p).tags for p in PAYLOADS))
    assert {"script", "img", "a", "svg"} <= raw
    for name, text in markdown_outputs(hostile).items():
        page = rendered(text)
        # the report's own table of contents: links within the page, and their targets
        own = [a for a in page.attrs if a[0] == "a" and (a[1] == "id" or (a[2] or "")[:1] == "#")]
        assert page.tags - {"a"} <= MARKDOWN_TAGS, (name, page.tags - MARKDOWN_TAGS)
        assert [a for a in page.attrs if a[1] != "style" and a not in own] == [], name
        assert page.comments == [], name
        shown = "".join(page.text)
        # what the map says is shown, as text
        assert any(p in shown for p in FORMULAS + HTML), name
        if name in ("analyze", "report", "paths"):  # these name every stakeholder involved
            assert "<script>alert('x')</script>" in shown, name


# -------------------------------------------------------------------- Cypher


def snapshot(engine: Any, map_id: str) -> str:
    """Everything stored for a map, as one canonical text."""
    nodes = engine.read(
        "MATCH (n) WHERE n.map = $map OR n.id = $map "
        "RETURN labels(n) AS labels, properties(n) AS p",
        {"map": map_id},
    )
    rels = relationships(engine, map_id)
    return json.dumps(
        {
            "nodes": sorted(
                json.dumps([sorted(n["labels"]), n["p"]], sort_keys=True) for n in nodes
            ),
            "rels": sorted(json.dumps(r, sort_keys=True) for r in rels),
        },
        sort_keys=True,
    )


def test_the_cypher_script_cannot_touch_another_map(graph: Any, hostile: SystemMap) -> None:
    script = generate_cypher(hostile)
    # a line ending in ';' ends a statement: no payload ends one early and starts its own
    assert all(s.startswith(("MERGE ", "UNWIND [")) for s in statements(script))
    innocent = load_map(EXAMPLES / "small.yaml")
    run_script(graph, generate_cypher(innocent))
    before = snapshot(graph, innocent.id)
    run_script(graph, script)
    run_script(graph, generate_cypher(hostile, replace=True))
    assert snapshot(graph, innocent.id) == before
    nodes = elements(graph, hostile.id)
    assert len(nodes) == len(hostile.stakeholders) + len(hostile.factors)
    for s in hostile.stakeholders:
        n = nodes[s.id]
        assert (n["name"], n["description"], n["organisation"]) == (
            s.name,
            s.description,
            s.organisation,
        )
        assert n["tags"] == s.tags and n["aliases"] == s.aliases
        assert json.loads(n["attributes"]) == s.attributes
    notes = sorted(r["p"].get("notes") or "" for r in relationships(graph, hostile.id))
    assert notes == sorted(r.notes or "" for r in hostile.relationships)


# ---------------------------------------------------------------- JSON and XML


def strict_json(text: str) -> Any:
    def refuse(name: str) -> Any:
        raise ValueError(f"bare {name} in JSON")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("fmt", sorted(EXPORT_FORMATS))
def test_every_exporter_takes_the_corpus(fmt: str, hostile: SystemMap, tmp_path: Path) -> None:
    spec = EXPORT_FORMATS[fmt]
    out = tmp_path / (fmt if spec.folder else f"m{spec.suffix}")
    export_map(hostile, fmt, out)
    if fmt in ("kumu", "node-link"):
        strict_json(out.read_text(encoding="utf-8"))
    if fmt in ("graphml", "gexf", "svg"):
        import xml.etree.ElementTree as ET

        root = ET.fromstring(out.read_bytes())
        assert not any(el.tag.endswith("script") for el in root.iter())
    if fmt == "mermaid":
        text = out.read_text(encoding="utf-8")
        # labels hold entities, never a tag, a click handler or a directive
        assert not re.search(r"<[A-Za-z/!]", text)
        assert not re.search(r"(?m)^\s*(click|%%\{)", text)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("attributes: {score: .nan}", "attributes.score"),
        ("attributes: {score: -.inf}", "attributes.score"),
        ("power: .nan", "power"),
    ],
)
def test_nan_and_infinity_are_refused_at_load(text: str, field: str, tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(
        "sysmap: 1\nid: m\ntitle: T\nguiding_question: Q?\nstakeholders:\n"
        f"  - id: a\n    name: A\n    role: leader\n    {text}\n",
        encoding="utf-8",
    )
    with pytest.raises(MapInvalid) as info:
        load_map(path)
    errors = [p for p in info.value.problems if p.severity == "error"]
    assert len(errors) == 1 and field in errors[0].format()
    assert ":9:" in errors[0].format()  # the line


def test_kumu_json_with_nan_is_refused_with_a_message(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "k.json"
    path.write_text(
        '{"elements": [{"label": "A", "role": "leader", "score": NaN}], "connections": []}',
        encoding="utf-8",
    )
    with pytest.raises(SystemExit) as info:
        main(["import", "kumu", str(path), "-o", str(tmp_path / "m.yaml")])
    err = capsys.readouterr().err
    assert info.value.code == 1 and "Traceback" not in err
    assert "not a number a map can hold" in err
    assert not (tmp_path / "m.yaml").exists()


# --------------------------------------------------------------------- terminal


def test_terminal_text_shows_control_characters() -> None:
    shown = [terminal_text(t) for t in TERMINAL]
    assert not any(re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", s) for s in shown)
    assert shown[0] == "\\u001b[31mred\\u001b[0m"
    assert terminal_text("tab\tand\nnewline stay") == "tab\tand\nnewline stay"


@pytest.mark.parametrize(
    "command",
    [
        ["summary"],
        ["analyze", "--only", "structure"],
        ["paths", "{map}", "s0", "s1"],
        ["export", "mermaid"],
        ["validate"],
        ["summary", "--format", "json"],
        ["validate", "--format", "json"],
    ],
)
def test_printed_map_text_cannot_drive_the_terminal(
    command: list[str], tmp_path: Path, capsys: Any
) -> None:
    path = tmp_path / "m.json"
    path.write_text(hostile_map(TERMINAL).model_dump_json(by_alias=True), encoding="utf-8")
    args = [a.replace("{map}", str(path)) for a in command]
    if "{map}" not in command:
        args.append(str(path))
    with pytest.raises(SystemExit):
        main(args)
    out, err = capsys.readouterr()
    assert out or err
    for text in (out, err):
        assert "\x1b" not in text and "\x9b" not in text and "\u202e" not in text
    if "json" in command:  # the escapes are JSON's own: the text reads back as it was
        data = json.loads(out)
        assert data.get("title", TERMINAL[1]) == TERMINAL[1]
    # shown escaped: \u001b in text, #27; in a Mermaid label (validate names no text)
    assert "\\u001b" in out + err or "#27;" in out or command[0] == "validate"
