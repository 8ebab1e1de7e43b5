"""Assessments: coverage per organisation and across the system."""

from __future__ import annotations

import csv
import datetime
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import sysmap
from helpers import EXAMPLES
from sysmap.assess import add_assessment, assess
from sysmap.cli import cli, main
from sysmap.errors import EditError, SysmapError

# A small case, computed by hand. Scale 1 to 4 (not 0 to 2), so that "relative
# to the scale" matters: a score s counts (s - 1) of a possible 3.
#
#   item  area     shelter  outreach(2024)  outreach(2025)  board
#   pay   experts  4        1               2               1
#   train experts  2        1               3               (not scored)
#   act   org      1        1               4               1
#
# shelter:  (3 + 1 + 0) / 9 = 4/9 = 44.4 %; fully 1 (pay), partly 1, not 1
# outreach: latest (2025): (1 + 2 + 3) / 9 = 6/9 = 66.7 %; fully 1 (act), partly 2;
#           history 2024: (0 + 0 + 0) / 9 = 0 %
# board:    (0 + 0) / 6 = 0 %; not 2; 'train' unscored
# system (latest only): (4 + 6 + 0) / (9 + 9 + 6) = 10/24 = 41.7 %;
#           fully 2, partly 3, not 3
# items:  pay   (3 + 1 + 0) / 9 = 44.4 %   train (1 + 2) / 6 = 50 %   act (0 + 3 + 0) / 9 = 33.3 %
# areas:  experts (4 + 3) / 15 = 46.7 %, gaps: pay (44.4 < 50); train is at 50, not under
#         org     3 / 9 = 33.3 %, gaps: act
# not assessed: the other provider/leader organisations: city (leader);
#   pwle is a beneficiary and case-worker a person, so neither is expected.
SMALL = """\
id: small-assess
title: Small assessment
guiding_question: Is lived experience involvement effective?
stakeholders:
  - {id: pwle, name: People with lived experience, role: beneficiary, lived_experience: true}
  - {id: shelter, name: Family shelter, role: provider}
  - {id: outreach, name: Street outreach, role: provider}
  - {id: case-worker, name: Sam (case worker), role: provider, type: person}
  - {id: board, name: CoC board, role: leader}
  - {id: city, name: City council, role: leader}
assessments:
  - id: ready
    name: Ready for lived experience
    scale: [1, 4]
    items:
      - {id: pay, text: Experts are paid, area: experts}
      - {id: train, text: Experts are trained, area: experts}
      - {id: act, text: Leaders act on advice, area: org}
    results:
      - {stakeholder: shelter, date: 2025-03-01, scores: {pay: 4, train: 2, act: 1}}
      - {stakeholder: outreach, date: 2025-03-01, scores: {pay: 2, train: 3, act: 4}}
      - {stakeholder: outreach, date: 2024-03-01, scores: {pay: 1, train: 1, act: 1}}
      - {stakeholder: board, scores: {pay: 1, act: 1}}
"""


@pytest.fixture
def small():
    return sysmap.loads_map(SMALL)


def test_per_organisation(small):
    a = assess(small).assessments[0]
    by_id = {o.id: o for o in a.organisations}
    assert [o.id for o in a.organisations] == ["outreach", "shelter", "board"]  # best first
    assert by_id["shelter"].percent == 44.4
    assert (by_id["shelter"].tally.fully, by_id["shelter"].tally.partly) == (1, 1)
    assert by_id["shelter"].tally.not_in_place == 1
    assert (by_id["shelter"].score, by_id["shelter"].out_of) == (7, 12)
    assert by_id["outreach"].percent == 66.7
    assert str(by_id["outreach"].date) == "2025-03-01"
    assert [(str(d), p) for d, p in by_id["outreach"].history] == [("2024-03-01", 0.0)]
    assert by_id["board"].percent == 0.0
    assert by_id["board"].unscored == ["train"]
    assert by_id["board"].tally.not_in_place == 2


def test_across_the_system(small):
    a = assess(small).assessments[0]
    assert a.percent == 41.7
    assert (a.tally.fully, a.tally.partly, a.tally.not_in_place) == (2, 3, 3)
    assert {i.id: i.percent for i in a.items} == {"pay": 44.4, "train": 50.0, "act": 33.3}


def test_gaps_by_area(small):
    a = assess(small).assessments[0]
    assert [(ar.area, ar.percent, ar.gaps) for ar in a.areas] == [
        ("experts", 46.7, ["pay"]),
        ("org", 33.3, ["act"]),
    ]


def test_organisations_not_yet_assessed(small):
    a = assess(small).assessments[0]
    assert [o.id for o in a.not_assessed] == ["city"]
    chosen = assess(small, organisations=["shelter", "pwle"]).assessments[0]
    assert [o.id for o in chosen.not_assessed] == ["pwle"]


def test_the_small_example_matches_its_comment():
    # examples/small.yaml: shelter 2 + 1 + 0 = 3 of 6 (50%); board 0 + 1 + 1 = 2 of 6 (33%)
    a = assess(sysmap.load_map(EXAMPLES / "small.yaml")).assessments[0]
    assert [(o.id, o.score, o.out_of, o.percent) for o in a.organisations] == [
        ("shelter", 3, 6, 50.0),
        ("board", 2, 6, 33.3),
    ]
    assert a.percent == round(100 * 5 / 12, 1)


def test_the_riverton_redesign_improves_on_today():
    now = {
        a.id: a for a in assess(sysmap.load_map(EXAMPLES / "homelessness-current.yaml")).assessments
    }
    later = {
        a.id: a
        for a in assess(sysmap.load_map(EXAMPLES / "homelessness-redesign.yaml")).assessments
    }
    assert set(now) == set(later) == {"a-le-readiness", "a-le-employment"}
    for ident in now:
        assert later[ident].percent > now[ident].percent
        before = {o.id: o.percent for o in now[ident].organisations}
        for o in later[ident].organisations:
            assert o.percent > before[o.id]
            assert o.history and o.history[-1][1] == before[o.id]


@pytest.mark.parametrize("name", ["lived-experience-involvement", "employing-lived-experience"])
def test_the_examples_use_the_checklist_templates(name):
    template = sysmap.load_assessment_template(EXAMPLES / "assessments" / f"{name}.yaml")
    assert template.results == []
    for example in ("homelessness-current.yaml", "homelessness-redesign.yaml"):
        m = sysmap.load_map(EXAMPLES / example)
        in_map = next(a for a in m.assessments if a.id == template.id)
        assert (in_map.name, in_map.scale, in_map.items) == (
            template.name,
            template.scale,
            template.items,
        )


def test_the_involvement_checklist_has_the_issue_areas():
    t = sysmap.load_assessment_template(
        EXAMPLES / "assessments" / "lived-experience-involvement.yaml"
    )
    areas = [i.area for i in t.items]
    # document 001's two headings, as it writes them
    assert areas.count("support for Experts") == 11
    assert areas.count("for the organisation") == 6
    employing = sysmap.load_assessment_template(
        EXAMPLES / "assessments" / "employing-lived-experience.yaml"
    )
    assert len(employing.items) == 6


def test_findings_say_it_plainly(small):
    texts = [f.text for f in assess(small).findings()]
    assert texts[0] == (
        "'Ready for lived experience': across 3 organisations, 42% of what needs to be in "
        "place is in place (2 item scores fully, 3 partly, 3 not)."
    )
    assert "The weakest area is org (33% in place)." in texts


def test_no_assessment_and_an_unknown_one(small):
    empty = sysmap.loads_map(SMALL.split("assessments:")[0])
    assert assess(empty).assessments == []
    assert "The map has no assessments yet." in assess(empty).format_text()
    with pytest.raises(
        SysmapError, match="no assessment 'redy' in small-assess — did you mean 'ready'"
    ):
        assess(small, only="redy")


def test_cli_formats(tmp_path: Path):
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    runner = CliRunner()
    text = runner.invoke(cli, ["assess", str(path)], catch_exceptions=False).output
    assert text.splitlines()[0] == "Assessments: Small assessment (small-assess)"
    assert "Not assessed yet (1): City council" in text
    data = json.loads(runner.invoke(cli, ["assess", str(path), "--format", "json"]).output)
    assert data["sysmap_assess"] == 1
    assert data["assessments"][0]["system"]["percent"] == 41.7
    assert data == json.loads(json.dumps(assess(sysmap.load_map(path)).to_data()))
    rows = list(
        csv.reader(io.StringIO(runner.invoke(cli, ["assess", str(path), "--format", "csv"]).output))
    )
    assert rows[1][:5] == ["ready", "outreach", "Street outreach", "2025-03-01", "66.7"]
    assert rows[-1][:5] == ["ready", "", "system", "", "41.7"]
    md = runner.invoke(cli, ["assess", str(path), "--format", "md"]).output
    assert "### By area" in md and "| experts | 2 | 47% | Experts are paid |" in md


def test_cli_unknown_assessment_exits_1(tmp_path: Path, capsys):
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    with pytest.raises(SystemExit) as info:
        main(["assess", str(path), "--only", "nothing-like-it"])
    assert info.value.code == 1
    assert capsys.readouterr().err == (
        "Error: no assessment 'nothing-like-it' in small-assess — use one of ready\n"
    )


def test_add_assessment_from_a_template_keeps_comments(tmp_path: Path):
    target = tmp_path / "small.yaml"
    shutil.copy(EXAMPLES / "small.yaml", target)
    before = target.read_text()
    a = add_assessment(target, EXAMPLES / "assessments" / "employing-lived-experience.yaml")
    after = target.read_text()
    assert after.startswith(before.split("assessments:")[0])
    m = sysmap.load_map(target)
    assert [x.id for x in m.assessments] == ["a-ready", a.id]
    assert m.assessments[1].items == a.items and m.assessments[1].scale == (0, 2)
    assert "    scale: [0, 2]\n    items:\n" in after
    with pytest.raises(EditError, match="has an assessment 'a-le-employment' already"):
        add_assessment(target, EXAMPLES / "assessments" / "employing-lived-experience.yaml")
    report = assess(m, only=a.id).assessments[0]
    assert report.organisations == [] and len(report.not_assessed) == 6


CHARTER = """\
id: charter-demo
title: Charter demo
guiding_question: Do employers open their doors to people with lived experience?
stakeholders:
  - {id: shelter, name: Family shelter, role: provider}
  - {id: outreach, name: Street outreach, role: provider}
  - {id: council, name: City council, role: leader}
assessments:
  - id: charter
    name: Employment charter
    items: [{id: open, text: Open recruitment}, {id: exit, text: Support until and after leaving}]
    results:
      - {stakeholder: shelter, date: 2025-06-01, scores: {open: 2, exit: 1}}
    charter_status:
      - {stakeholder: shelter, status: adopted, date: 2025-06-01}
      - {stakeholder: shelter, status: reviewing, date: 2025-01-15}
      - {stakeholder: outreach, status: not_started, date: 2025-02-01}
"""


def test_charter_status_beside_the_scores():
    # by hand: shelter's latest status is adopted (June), reviewing (January) before it;
    # outreach has not started (written not_started, read as "not started") and has no
    # scores; the council has neither. Shelter scores (2 + 1) / 4 = 75 %.
    report = assess(sysmap.loads_map(CHARTER)).assessments[0]
    rows = [(c.id, c.status, str(c.date), c.percent, c.history) for c in report.charter]
    assert rows == [
        ("shelter", "adopted", "2025-06-01", 75.0, [("reviewing", datetime.date(2025, 1, 15))]),
        ("outreach", "not started", "2025-02-01", None, []),
    ]
    assert report.charter_counts() == {"not started": 1, "reviewing": 0, "adopted": 1}
    texts = [f.text for f in report.findings()]
    assert "Charter status: 1 of 2 organisations adopted, 0 reviewing, 1 not started." in texts
    text = assess(sysmap.loads_map(CHARTER)).format_text()
    assert "Charter status:\norganisation" in text
    data = assess(sysmap.loads_map(CHARTER)).to_data()["assessments"][0]
    assert data["charter_status"][0]["history"] == [{"status": "reviewing", "date": "2025-01-15"}]
    rows = list(csv.reader(io.StringIO(assess(sysmap.loads_map(CHARTER)).format_csv())))
    assert rows[0][-2:] == ["charter_status", "charter_date"]
    assert rows[1][1] == "shelter" and rows[1][-2:] == ["adopted", "2025-06-01"]


def test_a_bad_charter_status_is_refused():
    with pytest.raises(SysmapError, match="charter_status"):
        sysmap.loads_map(CHARTER.replace("status: adopted", "status: signed"))
