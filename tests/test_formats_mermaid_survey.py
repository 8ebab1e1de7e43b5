"""Mermaid output (safe whatever the text) and the PARTNER-style survey import."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import EXAMPLES
from sysmap.cli import main
from sysmap.formats import export_map, import_map
from sysmap.formats.mermaid import generate_mermaid
from sysmap.formats.survey import parse_survey
from sysmap.model import Relationship, Stakeholder, SystemMap
from sysmap.validate import load_map

NASTY = [
    'A"] --> B[evil',
    "x\nclick n0 call alert(1)",
    "%% comment",
    "<script>",
    "#35; &amp;",
    "a|b`c",
]


def _unescape(label: str) -> str:
    return re.sub(r"#(\d+);", lambda mt: chr(int(mt.group(1))), label)


def test_mermaid_text_cannot_break_out() -> None:
    m = SystemMap(
        id="m",
        title="M",
        guiding_question="Q?",
        stakeholders=[
            Stakeholder(id=f"s-{i}.x", name=t, role="provider") for i, t in enumerate(NASTY)
        ],
        relationships=[Relationship(source="s-0.x", target="s-1.x", kind="serves")],
    )
    lines = generate_mermaid(m).splitlines()
    assert lines[0] == "flowchart LR"
    nodes = [ln for ln in lines if ln.startswith("  n") and "[" in ln and "|" not in ln]
    assert len(nodes) == len(NASTY)
    for line, text in zip(nodes, NASTY, strict=True):
        match = re.fullmatch(r'  n\d+\["([^"\[\]<>%\n|`]*)"\]:::provider', line)
        assert match, line
        assert _unescape(match.group(1)) == " ".join(text.split())
    assert '  n0 -->|"serves"| n1' in lines


@pytest.mark.parametrize("name", ["small.yaml", "homelessness-redesign.yaml"])
def test_mermaid_names_what_it_drops(name: str, tmp_path: Path) -> None:
    m = load_map(EXAMPLES / name)
    result = export_map(m, "mermaid", tmp_path / "m.mmd")
    assert {"title", "guiding_question", "relationships[].strength", "loops"} <= set(result.dropped)
    text = (tmp_path / "m.mmd").read_text("utf-8")
    assert text.count("-->") + text.count("-.->") == len(m.relationships)


SURVEY = """\
Respondent,Organization,Partner,Frequency,Reliable,Mission,Open,Power,Involvement,Resources
r1,Shelter,Outreach,4,4,3,4,2,3,3
r2,Shelter,Outreach,2,2,3,,3,3,2
r3,Outreach,Shelter,3,3,3,3,3,3,3
r3,Outreach,City,0,,,,,,
r4,City,City,4,4,4,4,4,4,4
"""


def test_survey_scores_by_hand() -> None:
    m = parse_survey(SURVEY, guiding_question="Who works with whom?")
    assert [s.id for s in m.stakeholders] == ["shelter", "outreach", "city"]
    assert all(s.role == "provider" for s in m.stakeholders)
    pairs = {(r.source, r.target): r for r in m.relationships}
    assert set(pairs) == {("shelter", "outreach"), ("outreach", "shelter")}  # frequency 0: none
    r = pairs[("shelter", "outreach")]
    # frequency (4+2)/2 = 3 -> 3.75; trust (11/3 + 5/2)/2 = 3.083 -> x1.25 = 3.85
    assert (r.strength, r.trust, r.kind) == (3.75, 3.85, "collaborates")
    assert r.attributes == {"respondents": 2, "partner_trust": 3.08, "partner_value": 2.67}
    assert [e.source for e in r.evidence] == ["survey"]
    back = pairs[("outreach", "shelter")]
    assert (back.strength, back.trust, back.attributes["respondents"]) == (3.75, 3.75, 1)


def test_survey_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "partner.csv"
    src.write_text(SURVEY, "utf-8")
    out = tmp_path / "net.yaml"
    with pytest.raises(SystemExit) as code:
        main(
            ["import", "survey", str(src), "-o", str(out), "--kind", "informs", "--role", "leader"]
        )
    assert code.value.code == 0
    err = capsys.readouterr().err
    assert "warning: 1 rows rated the respondent's own organisation; left out" in err
    m = load_map(out)
    assert {r.kind for r in m.relationships} == {"informs"}
    assert {s.role for s in m.stakeholders} == {"leader"}
    assert import_map("survey", src).map.id == "partner"
