"""Workshop reports without a browser: sections, self-containment, escaping,
redaction, Markdown, and the command line."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from html import escape, unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

import sysmap
from helpers import ROOT
from sysmap.charts import bar_chart, line_chart, paired_bar_chart, stacked_bar
from sysmap.cli import cli
from sysmap.errors import SysmapError, UnknownFormat
from sysmap.model import (
    Assessment,
    AssessmentItem,
    AssessmentScore,
    Change,
    Disaggregation,
    Factor,
    FeedbackLoop,
    GuidingRole,
    Indicator,
    Measure,
    MeasureValue,
    Outcome,
    Relationship,
    Responsibility,
    Stakeholder,
    SystemMap,
)
from sysmap.report import ROWS_SHOWN, export_report, generate_report, redact_maps

CURRENT = ROOT / "examples" / "homelessness-current.yaml"
REDESIGN = ROOT / "examples" / "homelessness-redesign.yaml"
SECTIONS = ["glance", "who", "why", "what", "how", "map", "process", "assessments", "roles"]


class Page(HTMLParser):
    """Elements, attributes and text of a page, as a browser's parser sees them."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def ids(self) -> set[str]:
        return {a["id"] for _, a in self.tags if a.get("id")}

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag]

    def joined(self) -> str:
        return "".join(self.text)


@pytest.fixture(scope="module")
def current() -> SystemMap:
    return sysmap.load_map(CURRENT)


@pytest.fixture(scope="module")
def redesign() -> SystemMap:
    return sysmap.load_map(REDESIGN)


@pytest.fixture(scope="module")
def pair_html(current: SystemMap, redesign: SystemMap) -> str:
    return generate_report(current, redesign)


@pytest.fixture(scope="module")
def pair_md(current: SystemMap, redesign: SystemMap) -> str:
    return generate_report(current, redesign, format="md")


def map_page(report: str) -> str:
    """The interactive map page embedded in the report's iframe."""
    frames = Page(report).all("iframe")
    assert len(frames) == 1
    srcdoc = frames[0]["srcdoc"]
    assert srcdoc
    return srcdoc


# ----------------------------------------------------------------- sections


def test_the_example_pair_has_every_section(
    pair_html: str, current: SystemMap, redesign: SystemMap
) -> None:
    page = Page(pair_html)
    assert set(SECTIONS) <= page.ids()
    text = page.joined()
    assert redesign.guiding_question in text
    # Who: every stakeholder of today's map, by role; the guiding team
    for s in current.stakeholders:
        assert s.name in text, s.id
    for g in redesign.guiding_team:
        assert g.name in text
    # Why: a verdict for each beneficiary, declared loops, indicators
    assert text.count("✕ no voice") == 3  # docs/analyses.md: 3 of 16 have no voice today
    for loop in current.loops:
        assert loop.name in text
    for ind in current.indicators:
        assert ind.name in text
    # What: outcomes, key factors, the redesign's loops
    for o in redesign.outcomes:
        assert o.name in text
    for f in redesign.factors:
        assert f.name in text
    for loop in redesign.loops:
        assert loop.name in text
    # How: the change plan under the question each change answers, every measure
    plan = sysmap.change_plan(sysmap.compare_maps(current, redesign, shifts=False))
    for question, items in plan.by_question().items():
        if items:
            assert f"plan-{question.split('.', 1)[1]}" in page.ids()
    for action in ("bring_in", "leave"):
        if plan.group(action):
            assert f"plan-{action}" in page.ids()
    owners = {i.owner_name for i in plan.items if i.owner_name}
    assert owners and all(o in text for o in owners)
    for ms in redesign.measures:
        assert ms.name in text
    # the process checklist, assessments and roles
    for stage in ("Who", "Why", "What", "How"):
        assert re.search(rf"{stage}\b.* — \d+ of \d+ done", text), stage
    assert "Lived Experience Engagement Coordinator" in text
    assert "Training roadmap" in text
    for o in ("coc-lead", "united-way"):
        assert current.stakeholder(o).name in text


def test_charts_are_inline_svg(pair_html: str, redesign: SystemMap) -> None:
    page = Page(pair_html)
    charts = [a for t, a in page.tags if t == "svg" and a.get("class") == "chart"]
    # voice, power, indicator breakdowns, power and voice before/after,
    # each measure over time, assessments, the training roadmap
    disaggregations = sum(len(i.disaggregations) for i in sysmap.load_map(CURRENT).indicators)
    assert len(charts) >= 2 + disaggregations + 2 + len(redesign.measures)
    assert len(page.all("polyline")) >= len(redesign.measures)
    assert all(a.get("role") == "img" for a in charts)


def test_the_embedded_map_is_the_diff_map(pair_html: str) -> None:
    page = map_page(pair_html)
    assert page.startswith("<!DOCTYPE html>")
    data = re.search(r'id="sysmap-data">(.*?)</script>', page, re.S)
    assert data is not None
    import json

    payload = json.loads(data.group(1))
    assert payload["diff"]["relationships"]["formed"] > 0
    assert payload["diff"]["stakeholders"]["added"] == 5
    frame = Page(pair_html).all("iframe")[0]
    assert frame["sandbox"] == "allow-scripts"  # no same-origin, no pop-ups, no dialogs


def test_paper_gets_a_still_map_with_the_same_stakeholders(
    pair_html: str, current: SystemMap, redesign: SystemMap
) -> None:
    still = re.search(r'<figure class="still-map">(.*?)</figure>', pair_html, re.S)
    assert still is not None
    titles = set(re.findall(r"<g>.*?<title>(.*?)</title></g>", still.group(1)))
    removed = [s for s in current.stakeholders if s.id not in {r.id for r in redesign.stakeholders}]
    expected = {escape(s.name, quote=True) for s in redesign.stakeholders + removed}
    expected |= {escape(f.name, quote=True) for f in redesign.factors}
    assert titles == expected
    # one line per relationship of the redesign, plus those it retires (drawn ghosted)
    plan = sysmap.change_plan(sysmap.compare_maps(current, redesign, shifts=False))
    assert still.group(1).count("<line") == len(redesign.relationships) + plan.counts()["retire"]


def test_a_single_map_report_says_what_is_missing(current: SystemMap) -> None:
    page = Page(generate_report(current))
    text = page.joined()
    assert set(SECTIONS) <= page.ids()
    assert "No redesign yet" in text
    assert "Give a redesign as the second map" in text
    # the map is today's, without a diff
    assert '"diff":null' in Page(generate_report(current)).all("iframe")[0]["srcdoc"]  # type: ignore[operator]


# ---------------------------------------------------------- self-contained


def _links(page: str) -> list[str]:
    return re.findall(r"""(?:src|href|action|data)\s*=\s*["']?([^"'\s>]+)""", page, re.I)


def test_the_report_is_one_self_contained_file(pair_html: str) -> None:
    inner = map_page(pair_html)
    for text in (pair_html, inner):
        for link in _links(text):
            assert not re.match(r"(https?:)?//", link, re.I), link
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", text, re.I)
        assert "@import" not in text
    outer = Page(pair_html)
    assert outer.all("script") == []  # the report itself runs nothing
    assert outer.all("link") == [] and outer.all("img") == []
    assert all((a.get("href") or "").startswith("#") for a in outer.all("a"))
    csp = next(a for a in outer.all("meta") if a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in (csp["content"] or "")
    # the map's two scripts are the only ones allowed, in the report and the map
    hashes = re.findall(r"'sha256-[^']+'", csp["content"] or "")
    assert len(hashes) == 2 and all(h in inner for h in hashes)


def test_print_stylesheet_hides_the_interactive_parts(pair_html: str) -> None:
    css = re.search(r"@media print\{(.*)\}\s*</style>|@media print\{(.*?)\n\}", pair_html, re.S)
    assert css is not None
    rules = css.group(0)
    assert ".map-frame" in rules and "display:none" in rules
    assert "break-before:page" in rules


# ------------------------------------------------------------------- safety

INJECTIONS = [
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(2)</script>",
    "javascript:alert(3)",
    "\"'><svg onload=alert(4)>",
    '<a href="javascript:alert(5)">click</a>',
    "{{7*7}} ${alert(6)} `backtick` *bold* _em_ [link](javascript:alert(7)) | pipe",
    "🏠 Familias sin hogar 👩‍👧",
    "مجلس الرعاية المستمرة",
    "line\u2028separator\u2029paragraph",
    "&lt;b&gt;not bold&lt;/b&gt; &amp; </style><style>body{display:none}</style>",
    "]]><!-- --><![CDATA[",
]


def injection_pair() -> tuple[SystemMap, SystemMap]:
    """Two maps with corpus text in every field the report shows."""
    n = len(INJECTIONS)
    people = [
        Stakeholder(
            id=f"p{i}",
            name=text,
            role=("beneficiary", "provider", "leader")[i % 3],
            type=text,
            organisation=text,
            description=text,
            tags=[text],
            lived_experience=i % 2 == 0,
            power=i % 6,
            attributes={"race": text if i % 2 else "group <b>"},
        )
        for i, text in enumerate(INJECTIONS)
    ]
    factors = [Factor(id="f1", name=INJECTIONS[0]), Factor(id="f2", name=INJECTIONS[3])]
    rels = [
        Relationship(
            source=f"p{i}",
            target=f"p{(i + 1) % n}",
            kind="feedback",
            notes=INJECTIONS[i],
            strength=2,
        )
        for i in range(n)
    ] + [
        Relationship(source="f1", target="f2", kind="influences", polarity="+"),
        Relationship(source="f2", target="f1", kind="influences", polarity="-"),
    ]
    today = SystemMap(
        id="inject-today",
        title=INJECTIONS[0],
        guiding_question=INJECTIONS[1],
        community=INJECTIONS[3],
        description=INJECTIONS[4],
        stakeholders=people,
        factors=factors,
        relationships=rels,
        loops=[
            FeedbackLoop(id="l1", name=INJECTIONS[4], path=["p0", "p1", "p2", "p0"]),
            FeedbackLoop(
                id="l2", name=INJECTIONS[5], path=["f1", "f2", "f1"], purpose=INJECTIONS[2]
            ),
        ],
        guiding_team=[
            GuidingRole(
                id="g1",
                name=INJECTIONS[6],
                description=INJECTIONS[7],
                responsibilities=[
                    INJECTIONS[8],
                    Responsibility(
                        text=INJECTIONS[9], competencies={"project_management": "strategic"}
                    ),
                ],
                accepted_by=["p1"],
            )
        ],
        outcomes=[Outcome(id="o1", name=INJECTIONS[10], description=INJECTIONS[0])],
        measures=[
            Measure(
                id="m1",
                name=INJECTIONS[1],
                outcome="o1",
                unit=INJECTIONS[3],
                source=INJECTIONS[5],
                values=[
                    MeasureValue(date=dt.date(2024, 1, 1), value=3),
                    MeasureValue(date=dt.date(2025, 1, 1), value=5),
                    MeasureValue(date=dt.date(2025, 1, 1), value=4, group={"race": INJECTIONS[0]}),
                ],
            )
        ],
        indicators=[
            Indicator(
                id="i1",
                name=INJECTIONS[2],
                source=INJECTIONS[4],
                value=10,
                disaggregations=[Disaggregation(by="race", values={INJECTIONS[3]: 4, "x": 6})],
            )
        ],
        assessments=[
            Assessment(
                id="a1",
                name=INJECTIONS[5],
                items=[AssessmentItem(id="i1", text=INJECTIONS[1], area=INJECTIONS[0])],
                results=[AssessmentScore(stakeholder="p1", scores={"i1": 1})],
            )
        ],
    )
    later = today.model_copy(deep=True)
    later.stage = "redesign"
    later.relationships = [
        *later.relationships[1:],
        Relationship(
            source="p2",
            target="p0",
            kind="informs",
            change=Change(reason=INJECTIONS[0], owner="p1", pilot=INJECTIONS[3], measures=["m1"]),
        ),
    ]
    return today, later


def test_injection_corpus_stays_text_in_html() -> None:
    today, later = injection_pair()
    report = generate_report(today, later)
    page = Page(report)
    # no markup from the map: no scripts, images, handlers, extra links or styles
    assert page.all("script") == [] and page.all("img") == []
    assert page.all("style") == [page.all("style")[0]]
    assert all((a.get("href") or "").startswith("#") for a in page.all("a"))
    for _, attrs in page.tags:
        assert not any(k.startswith("on") for k in attrs), attrs
    assert [t for t, _ in page.tags].count("svg") == len(
        [a for t, a in page.tags if t == "svg" and a.get("class") == "chart"]
    )
    # every text shows literally (line separators inside text are kept as text)
    text = page.joined()
    for s in INJECTIONS:
        assert s in text, s
    # the embedded map is the map page, escaped as a whole
    inner = Page(map_page(report))
    assert len(inner.all("script")) == 3  # the data block, vis-network, the page script


def test_injection_corpus_stays_text_in_markdown() -> None:
    today, later = injection_pair()
    md = generate_report(today, later, format="md")
    assert "<img" not in md and "<script" not in md and "<svg" not in md and "</style" not in md
    # no link but the report's own contents: every ] from the map is escaped
    assert not re.search(r"(?<!\\)\]\((?!#)", md)
    assert "\\[link\\](javascript:alert(7))" in md
    assert "\u2028" not in md and "\u2029" not in md
    # the only raw HTML is the section anchors the report writes itself
    assert set(re.findall(r"<[a-z][^>]*>", md)) == {f'<a id="{s}">' for s in SECTIONS}
    # table rows keep their column count although the text holds pipes
    lines = md.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("| Stakeholder | Type")]
    assert len(starts) == 3  # one table per role
    checked = 0
    for i in starts:
        for row in lines[i + 2 :]:
            if not row.startswith("|"):
                break
            assert len(re.findall(r"(?<!\\)\|", row)) == 5, row
            checked += 1
    assert checked == len(today.stakeholders)


# ---------------------------------------------------------------- redaction


def _sensitive_text(*maps: SystemMap) -> set[str]:
    """Every name, id and free text of the sensitive stakeholders, and the notes
    of their relationships."""
    out: set[str] = set()
    for m in maps:
        ids = {s.id for s in m.stakeholders if s.sensitive}
        for s in m.stakeholders:
            if s.sensitive:
                out |= {s.id, s.name}
                out |= {t for t in (s.description,) if t}
        for r in m.relationships:
            if r.source in ids or r.target in ids:
                out |= {t for t in (r.notes,) if t}
                out |= {e.note for e in r.evidence if e.note}
    return out


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_redacted_report_holds_no_sensitive_text(
    current: SystemMap, redesign: SystemMap, fmt: str
) -> None:
    secrets = _sensitive_text(current, redesign)
    assert {"Dana W. (working group member)", "T. (youth working group member)"} <= secrets
    report = generate_report(current, redesign, format=fmt, redact=True)
    for view in (report, unescape(report), unescape(unescape(report))):
        for secret in secrets:
            assert secret not in view, secret
    assert "Stakeholder 1" in report and "Stakeholder 2" in report
    # without redaction they are there: the search above can find them
    plain = generate_report(current, redesign, format=fmt)
    assert "Dana W. (working group member)" in unescape(plain)


def test_redaction_numbers_people_the_same_in_both_maps(
    current: SystemMap, redesign: SystemMap
) -> None:
    a, b, ids = redact_maps(current, redesign)
    assert b is not None
    people = {k: v for k, v in ids.items() if v.startswith("stakeholder-")}
    assert people == {"lewg-dana": "stakeholder-1", "lewg-tommy": "stakeholder-2"}
    # ids made from their names are replaced too (r-tommy-lewg …)
    assert "r-tommy-lewg" in ids and ids["r-tommy-lewg"].startswith("redacted_")
    assert a.stakeholder("stakeholder-1").name == b.stakeholder("stakeholder-1").name
    # T. leaves in the redesign: only in today's map, with the same number
    assert a.stakeholder("stakeholder-2").name == "Stakeholder 2"
    assert "stakeholder-2" not in {s.id for s in b.stakeholders}
    # the report's parts outside the map page survive, with ids renamed
    assert a.guiding_team and a.measures and a.indicators and a.assessments
    assert len(a.stakeholders) == len(current.stakeholders)
    assert [s.id for s in a.stakeholders if not s.sensitive] == [
        s.id for s in current.stakeholders if not s.sensitive
    ]


def test_redaction_reaches_the_guiding_team_and_measures() -> None:
    dana = Stakeholder(id="dana", name="Dana Q", role="beneficiary", sensitive=True)
    board = Stakeholder(id="board", name="Board", role="leader")
    m = SystemMap(
        id="m",
        title="T",
        guiding_question="Q?",
        stakeholders=[dana, board],
        guiding_team=[GuidingRole(id="g", name="Dana Q's seat", accepted_by=["dana", "board"])],
        measures=[
            Measure(
                id="x",
                name="Visits by Dana Q",
                values=[MeasureValue(date=dt.date(2025, 1, 1), value=1, group={"who": "dana"})],
            )
        ],
        assessments=[
            Assessment(
                id="a",
                name="Checklist",
                items=[AssessmentItem(id="i", text="Dana Q is paid")],
                results=[AssessmentScore(stakeholder="dana", scores={"i": 1})],
            )
        ],
    )
    r, _, _ = redact_maps(m)
    assert r.guiding_team[0].accepted_by == ["stakeholder-1", "board"]
    assert r.guiding_team[0].name == "Stakeholder 1's seat"
    assert r.measures[0].name == "Visits by Stakeholder 1"
    assert r.measures[0].values[0].group == {"who": "stakeholder-1"}  # the id, renamed
    assert r.assessments[0].results[0].stakeholder == "stakeholder-1"
    for fmt in ("html", "md"):
        assert "Dana Q" not in unescape(generate_report(m, format=fmt, redact=True))


# ------------------------------------------------------------------ markdown


def test_markdown_report(pair_md: str, redesign: SystemMap) -> None:
    assert pair_md.startswith("# ")
    assert f"**Guiding question:** {redesign.guiding_question}" in pair_md
    for heading in ("## Who", "## Why", "## What", "## How", "## Interactive map"):
        assert heading in pair_md
    assert "<iframe" not in pair_md and "<svg" not in pair_md
    assert "sysmap report … -o report.html" in pair_md  # where the map is
    # charts become tables: the measure over time, with its dates
    assert "| date | everyone |" in pair_md
    assert "| 2025-09-30 | 75 |" in pair_md  # m-lewg-responses in the redesign


def test_unknown_format_and_unknown_attribute(current: SystemMap, tmp_path: Path) -> None:
    with pytest.raises(UnknownFormat, match="unknown report format 'pdf' — use html or md") as e:
        generate_report(current, format="pdf")
    assert (e.value.value, e.value.choices) == ("pdf", ("html", "md"))
    with pytest.raises(UnknownFormat, match="end it in .html or .md") as e:
        export_report(current, tmp_path / "report.txt")
    assert (e.value.value, e.value.choices) == (".txt", ("html", "md"))
    assert not (tmp_path / "report.txt").exists()
    with pytest.raises(SysmapError, match="rase"):
        generate_report(current, by=["rase"])


def test_equity_lens_by_several_attributes(current: SystemMap) -> None:
    text = Page(generate_report(current, by=["race", "age_group"])).joined()
    assert "By race" in text and "By age_group" in text


def test_big_tables_are_cut_with_a_note() -> None:
    n = ROWS_SHOWN + 30
    m = SystemMap(
        id="big",
        title="Big",
        guiding_question="Q?",
        stakeholders=[Stakeholder(id=f"b{i}", name=f"B {i}", role="beneficiary") for i in range(n)]
        + [Stakeholder(id="lead", name="Lead", role="leader")],
        relationships=[
            Relationship(source=f"b{i}", target="lead", kind="feedback") for i in range(n)
        ],
    )
    text = Page(generate_report(m)).joined()
    assert f"… and {n - ROWS_SHOWN} more" in text


# -------------------------------------------------------------------- charts


def test_charts_escape_and_say_their_numbers() -> None:
    svg = bar_chart([("<b>", 3), ("none", None)], title="t</title><script>")
    assert "<b>" not in svg and "<script>" not in svg and "no data" in svg
    pair = paired_bar_chart([("x", 1, None)], title="p")
    assert "redesign: no data" in pair
    stack = stacked_bar([("a", 1, "#000"), ("b", 0, "#fff")], title="s")
    assert stack.count("<rect") >= 3  # one segment (the empty one is not drawn), legend


def test_line_chart_labels_do_not_overlap() -> None:
    d1, d2 = dt.date(2024, 1, 1), dt.date(2025, 1, 1)
    svg = line_chart(
        [(f"group {i}", [(d1, 10), (d2, 10 + i * 0.01)]) for i in range(4)],
        title="t",
        unit="days",
    )
    ys = [float(y) for y in re.findall(r'<text x="\d+" y="([\d.]+)">group', svg)]
    assert len(ys) == 4
    assert all(b - a >= 13.9 for a, b in zip(sorted(ys), sorted(ys)[1:], strict=False))
    assert svg.count("<polyline") == 4
    assert len(set(re.findall(r'stroke-dasharray="([^"]+)"', svg))) == 3  # and one solid


LAYOUT = """\
import sys
import sysmap
from sysmap.charts import packed_layout
m = sysmap.load_map(sys.argv[1])
ids = [s.id for s in m.stakeholders] + [f.id for f in m.factors]
where = packed_layout(ids, ((r.source, r.target) for r in m.relationships))
print(sorted((k, round(x, 6), round(y, 6)) for k, (x, y) in where.items()))
"""


def test_packed_layout_is_the_same_whatever_the_hash_seed() -> None:
    # a small part of a bigger graph once took its node order from a set, so the still
    # map and the SVG export moved with PYTHONHASHSEED
    def layout(seed: str) -> str:
        env = {**_env(), "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", LAYOUT, str(CURRENT)], capture_output=True, text=True, env=env
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert layout("1") == layout("2") == layout("3")


# ----------------------------------------------------------------------- CLI


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    return env


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sysmap", *args], capture_output=True, text=True, env=_env()
    )


def test_cli_writes_html_and_markdown(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = CliRunner().invoke(cli, ["report", str(CURRENT), str(REDESIGN), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}" in result.output
    assert set(SECTIONS) <= Page(out.read_text(encoding="utf-8")).ids()
    md = tmp_path / "report.md"
    result = CliRunner().invoke(cli, ["report", str(CURRENT), "-o", str(md), "--redact"])
    assert result.exit_code == 0, result.output
    text = md.read_text(encoding="utf-8")
    assert text.startswith("# ") and "Dana W." not in text
    forced = tmp_path / "report.txt"
    result = CliRunner().invoke(
        cli, ["report", str(CURRENT), "-o", str(forced), "--format", "md", "--by", "age_group"]
    )
    assert result.exit_code == 0, result.output
    assert "By age\\_group" in forced.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "case",
    ["missing current", "missing redesign", "invalid map", "unknown suffix", "unknown attribute"],
)
def test_cli_bad_input_is_one_clear_error_and_writes_nothing(tmp_path: Path, case: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(CURRENT.read_text(encoding="utf-8").replace("role: leader", "role: leeder", 1))
    out = tmp_path / "report.html"
    args: dict[str, list[str]] = {
        "missing current": [str(tmp_path / "nope.yaml"), "-o", str(out)],
        "missing redesign": [str(CURRENT), str(tmp_path / "nope.yaml"), "-o", str(out)],
        "invalid map": [str(CURRENT), str(bad), "-o", str(out)],
        "unknown suffix": [str(CURRENT), "-o", str(tmp_path / "report.pdf")],
        "unknown attribute": [str(CURRENT), "-o", str(out), "--by", "rase"],
    }
    expected: dict[str, str] = {
        "missing current": f"Error: {tmp_path / 'nope.yaml'}: no such file — check the path",
        "missing redesign": f"Error: {tmp_path / 'nope.yaml'}: no such file — check the path",
        "invalid map": f"Error: {bad}:",
        "unknown suffix": f"Error: {tmp_path / 'report.pdf'}: cannot tell the report format",
        "unknown attribute": "Error: ",
    }
    result = run("report", *args[case])
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(expected[case])
    if case == "invalid map":
        assert "unknown role 'leeder'" in lines[0]
    if case == "unknown attribute":
        assert "rase" in lines[0]
    assert list(tmp_path.glob("report*")) == []


def test_cli_usage_errors_exit_2(tmp_path: Path) -> None:
    result = run("report", str(CURRENT))
    assert result.returncode == 2
    assert "Missing option '-o' / '--output'" in result.stderr
    result = run("report", str(CURRENT), "-o", str(tmp_path / "r.html"), "--format", "pdf")
    assert result.returncode == 2
    assert not (tmp_path / "r.html").exists()


def test_python_api_matches_the_command_line(tmp_path: Path, current: SystemMap) -> None:
    out = tmp_path / "r.md"
    sysmap.export_report(current, out, by=["race"])
    via_cli = tmp_path / "c.md"
    result = CliRunner().invoke(cli, ["report", str(CURRENT), "-o", str(via_cli), "--by", "race"])
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8") == via_cli.read_text(encoding="utf-8")
