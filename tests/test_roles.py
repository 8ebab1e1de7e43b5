"""Guiding-team roles: the matrix, the training roadmap, who covers what."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import sysmap
from helpers import EXAMPLES
from sysmap.cli import cli, main
from sysmap.errors import SysmapError
from sysmap.model import GuidingRole, Responsibility
from sysmap.roles import COMPETENCIES, development_plan, load_roles, role_matrix, team_coverage

ARCHETYPE = EXAMPLES / "roles" / "lived-experience-engagement-coordinator.yaml"

DA, FRB, HCD, ISF, PM, RSK = COMPETENCIES  # the six, in the consolidated view's order

# The archetype cell by cell is checked against document 000 in
# tests/test_founding_documents.py; here, the mechanics.


@pytest.fixture(scope="module")
def archetype():
    return sysmap.load_role_archetype(ARCHETYPE)


def test_the_archetype_has_the_ten_responsibilities(archetype):
    role = archetype.role
    assert role.name == "Lived Experience Engagement Coordinator"
    assert len(role.responsibilities) == 10
    assert all(isinstance(r, Responsibility) for r in role.responsibilities)
    assert role.accepted_by == [] and role.proficiency == {}


def test_one_level_is_read_as_a_list_and_both_levels_keep_one_order():
    r = Responsibility(text="t", competencies={PM: "strategic", RSK: ["strategic", "practical"]})
    assert r.competencies == {PM: ["strategic"], RSK: ["practical", "strategic"]}


def test_roadmap_ties_break_on_strategic_then_the_usual_order():
    # two competencies each needed by two responsibilities: the one needed
    # strategically comes first; a tie on both keeps the order of COMPETENCIES;
    # a cell at both levels counts once among the responsibilities and once at
    # each level
    role = GuidingRole(
        id="r",
        name="R",
        responsibilities=[
            Responsibility(
                text="a", competencies={DA: ["practical", "strategic"], PM: "practical"}
            ),
            Responsibility(text="b", competencies={DA: "practical", PM: "practical"}),
            Responsibility(text="c", competencies={ISF: "practical", HCD: "practical"}),
            "a responsibility with no competencies named",
        ],
    )
    matrix = role_matrix([role])
    assert [(r.competency, r.total, r.practical, r.strategic) for r in matrix.roadmap] == [
        (DA, 2, 2, 1),
        (PM, 2, 2, 0),
        (HCD, 1, 1, 0),
        (ISF, 1, 1, 0),
    ]
    assert [h for _, h in matrix.consolidated()][0] == {DA: "strategic", PM: "practical"}
    assert [r.text for r in matrix.unmapped] == ["a responsibility with no competencies named"]


def test_the_archetype_and_the_example_map_agree(archetype):
    m = sysmap.load_map(EXAMPLES / "homelessness-current.yaml")
    in_map = next(g for g in m.guiding_team if g.id == archetype.role.id)
    assert in_map.name == archetype.role.name
    assert in_map.responsibilities == archetype.role.responsibilities
    assert in_map.competency_sets == archetype.role.competency_sets
    assert in_map.theory_of_execution == archetype.role.theory_of_execution


def test_team_coverage_on_the_small_map():
    # examples/small.yaml: gt-chair held by board, gt-le-lead by pwle (lived
    # experience), gt-data vacant with one plain responsibility
    cov = team_coverage(sysmap.load_map(EXAMPLES / "small.yaml"))
    assert [(r.id, r.holders) for r in cov.roles] == [
        ("gt-chair", ["board"]),
        ("gt-le-lead", ["pwle"]),
        ("gt-data", []),
    ]
    assert [r.id for r in cov.vacant] == ["gt-data"]
    assert cov.uncovered == [("Data lead", "Keep the shared measure up to date")]
    assert cov.uncovered_competencies == {}
    assert cov.to_data()["lived_experience_on_team"] == ["pwle"]


def test_team_coverage_on_the_current_example():
    cov = team_coverage(sysmap.load_map(EXAMPLES / "homelessness-current.yaml"))
    assert [r.id for r in cov.vacant] == ["gt-improvement-advisor"]
    assert cov.uncovered_competencies == {ISF: "strategic", DA: "practical"}
    assert set(cov.to_data()["lived_experience_on_team"]) == {"lewg-marcus", "jordan-reyes"}


def test_load_roles_tells_a_map_from_an_archetype():
    roles, m = load_roles(ARCHETYPE)
    assert m is None and [r.id for r in roles] == ["gt-le-coordinator"]
    roles, m = load_roles(EXAMPLES / "small.yaml")
    assert m is not None and len(roles) == 3


def run(args: list[str]):
    return CliRunner().invoke(cli, args, catch_exceptions=False)


def test_cli_text_shows_every_part_for_an_archetype():
    result = run(["roles", str(ARCHETYPE)])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "Role: Lived Experience Engagement Coordinator"
    for heading in (
        "Job summary",
        "Theory of execution: the order the work is done in",
        "Competency map: the levels each responsibility needs",
        "Training roadmap: the responsibilities each competency supports",
        "Consolidated view: the highest level in each cell",
    ):
        assert heading in lines
    roadmap = lines[
        lines.index("Training roadmap: the responsibilities each competency supports") + 3
    ]
    # Facilitation and Relationship Building: 6 responsibilities, 6 practical, 3 strategic
    assert roadmap.split()[:4] == ["Facilitation", "and", "Relationship", "Building"]
    assert roadmap.split()[-3:] == ["6", "6", "3"]
    assert "Who on the guiding team covers what" not in result.output


def test_cli_json_is_the_library_data():
    result = run(["roles", str(ARCHETYPE), "--format", "json"])
    data = json.loads(result.output)
    assert data["sysmap_roles"] == 2
    assert data == json.loads(
        json.dumps({"sysmap_roles": 2, **role_matrix(load_roles(ARCHETYPE)[0]).to_data()})
    )
    assert len(data["matrix"]) == 10 and "team" not in data and "development" not in data


def test_cli_csv_roadmap_one_row_per_competency_and_responsibility():
    out = run(["roles", str(ARCHETYPE), "--format", "csv", "--table", "roadmap"]).output
    rows = list(csv.DictReader(io.StringIO(out)))
    # 6 + 6 + 6 + 3 + 3 + 1 cells in the competency map
    assert len(rows) == 25
    first = [r for r in rows if r["rank"] == "1"]
    assert {r["competency"] for r in first} == {FRB} and len(first) == 6
    both = [r["number"] for r in first if r["practical"] == "1" and r["strategic"] == "1"]
    assert both == ["4", "6", "8"]


def test_cli_team_for_a_map_and_not_for_an_archetype(capsys):
    result = run(["roles", str(EXAMPLES / "homelessness-current.yaml"), "--table", "team"])
    assert result.exit_code == 0
    rows = {line.split("  ")[0]: line.split() for line in result.output.splitlines()}
    assert rows["Improvement advisor"][-3:] == ["nobody", "yet", "1"]
    assert "- Coach the team through plan-do-study-act cycles for each pilot" in result.output
    assert "Training roadmap" not in result.output
    for table in ("team", "development"):
        with pytest.raises(SystemExit) as info:
            main(["roles", str(ARCHETYPE), "--table", table])
        assert info.value.code == 1
        assert capsys.readouterr().err.startswith("Error: an archetype has no team")


def test_markdown_has_the_sections(tmp_path: Path):
    out = tmp_path / "roles.md"
    result = run(["roles", str(EXAMPLES / "small.yaml"), "--format", "md", "-o", str(out)])
    assert result.exit_code == 0
    text = out.read_text()
    assert text.startswith("# Guiding-team roles: Small hand-checkable map")
    for heading in (
        "## Competency map: the levels each responsibility needs",
        "## Training roadmap: the responsibilities each competency supports",
        "## Consolidated view: the highest level in each cell",
        "## Who on the guiding team covers what",
        "## Where to focus professional development",
    ):
        assert heading in text


# ---------------------------------------------------------------- personal development

# Jordan Reyes's own levels, recorded on the coordinator role in
# examples/homelessness-current.yaml: DA none, FRB practical, HCD none, ISF none,
# PM practical, RSK strategic. Against document 000's highest level per cell
# (tests/test_founding_documents.py, DOC_000_CONSOLIDATED), by hand:
#
#  #  needs (highest)              unmet
#  1  FRB P, PM P, RSK S           —                ready
#  2  HCD P, PM S, RSK P           HCD, PM
#  3  FRB P, ISF P                 ISF              (only ISF)
#  4  FRB S, HCD P, RSK P          FRB, HCD
#  5  HCD P, ISF P                 HCD, ISF
#  6  FRB S, ISF P                 FRB, ISF
#  7  DA S, HCD P                  DA, HCD
#  8  FRB S, HCD S, PM S, RSK S    FRB, HCD, PM
#  9  HCD S, RSK S                 HCD              (only HCD)
# 10  FRB P, RSK P                 —                ready
#
# Down the columns: HCD meets 2,4,5,7,8,9 (6; 8 and 9 need strategic, so train to
# strategic; makes 9 ready); ISF 3,5,6 (3, to practical; makes 3 ready); FRB 4,6,8
# (3, to strategic; none ready); PM 2,8 (2); DA 7 (1). Ties on 3: ISF makes one
# ready, FRB none, so ISF first.
HAND_TRAINING = [
    (HCD, "none", "strategic", [2, 4, 5, 7, 8, 9], [9]),
    (ISF, "none", "practical", [3, 5, 6], [3]),
    (FRB, "practical", "strategic", [4, 6, 8], []),
    (PM, "practical", "strategic", [2, 8], []),
    (DA, "none", "strategic", [7], []),
]


def test_a_coordinators_own_levels_give_the_hand_checked_training_plan():
    m = sysmap.load_map(EXAMPLES / "homelessness-current.yaml")
    [plan] = team_coverage(m).development
    assert (plan.person, plan.role) == ("jordan-reyes", "gt-le-coordinator")
    assert plan.ready == [1, 10]
    got = [
        (t.competency, t.own, t.target, [g.number for g in t.meets], t.unlocks)
        for t in plan.training
    ]
    assert got == HAND_TRAINING
    assert len(plan.gaps) == sum(len(x[3]) for x in HAND_TRAINING) == 15


def test_the_training_plan_in_the_cli():
    out = run(["roles", str(EXAMPLES / "homelessness-current.yaml"), "--table", "development"])
    assert "Jordan Reyes" in out.output
    assert "2 of 10 responsibilities have every need met" in out.output
    assert "Train first in Human-Centered Design (to strategic)" in out.output
    data = json.loads(
        run(
            [
                "roles",
                str(EXAMPLES / "homelessness-current.yaml"),
                "--format",
                "json",
                "--table",
                "development",
            ]  # fmt: skip
        ).output
    )
    [d] = data["development"]
    assert [(t["competency"], t["meets"], t["at_practical"], t["at_strategic"]) for t in
            d["training"]][0] == (HCD, 6, 4, 2)  # fmt: skip


def test_development_works_for_any_archetype():
    # a team's own role with its own competency set: levels by hand
    #   a: budgeting P, listening S   -> own budgeting none, listening practical
    #   b: listening P                -> met
    role = GuidingRole(
        id="treasurer",
        name="Treasurer",
        competency_sets=[{"name": "Money", "competencies": ["budgeting", "listening"]}],
        responsibilities=[
            Responsibility(
                text="a",
                competencies={"budgeting": "practical", "listening": ["practical", "strategic"]},
            ),
            Responsibility(text="b", competencies={"listening": "practical"}),
        ],
    )
    plan = development_plan(role, {"listening": "practical"})
    assert plan.ready == [2]
    assert [(t.competency, t.target, t.meets_count, t.unlocks) for t in plan.training] == [
        ("budgeting", "practical", 1, []),
        ("listening", "strategic", 1, []),
    ]
    with pytest.raises(SysmapError, match="unknown level 'expert' for listening"):
        development_plan(role, {"listening": "expert"})


def test_an_archetype_with_its_own_sets_and_a_bad_step(tmp_path: Path, capsys):
    f = tmp_path / "role.yaml"
    f.write_text(
        "id: r\nname: R\ncompetency_sets:\n  - {name: Money, competencies: [budgeting]}\n"
        "responsibilities:\n  - {id: pay, text: Pay people, competencies: {budgeting: [practical, strategic]}}\n"
        "theory_of_execution:\n  - {text: First, responsibilities: [pya]}\n"
    )
    with pytest.raises(SystemExit):
        main(["roles", str(f)])
    err = capsys.readouterr().err
    assert (
        "$.theory_of_execution[0].responsibilities[0]: no responsibility has the id 'pya' — did you mean 'pay'?"
        in err
    )
    f.write_text(f.read_text().replace("[pya]", "[pay]"))
    data = json.loads(run(["roles", str(f), "--format", "json"]).output)
    assert data["matrix"][0]["competencies"] == {"budgeting": ["practical", "strategic"]}
    assert data["theory_of_execution"][0]["responsibilities"] == [1]


# ---------------------------------------------------------------- escaping map text

HOSTILE_PERSON = "<img src=x onerror=alert(1)>"
HOSTILE_BOARD = "[x](javascript:alert(1))"


def test_markdown_escapes_team_members_roles_and_responsibilities(tmp_path: Path):
    # names from the map reach the team table, the development plan's heading and
    # the list of responsibilities nobody holds: none may become HTML or a link
    text = (EXAMPLES / "small.yaml").read_text(encoding="utf-8")
    text = text.replace("name: People with lived experience", f'name: "{HOSTILE_PERSON}"')
    text = text.replace("name: CoC board", f'name: "{HOSTILE_BOARD}"')
    text = text.replace("name: Data lead", "name: <b>Data</b> lead")
    text = text.replace("- Keep the shared measure up to date", "- Keep *the* `measure` | up")
    text = text.replace(
        "    accepted_by: [pwle]",
        "    accepted_by: [pwle]\n    proficiency:\n      pwle: {facilitation_and_relationship_building: practical}",
    )
    f = tmp_path / "hostile.yaml"
    f.write_text(text, encoding="utf-8")
    md = run(["roles", str(f), "--format", "md"]).output
    for raw in ("<img", "<b>", "[x](", "*the*", "`measure`"):
        assert raw not in md
    assert "&lt;img src=x onerror=alert(1)&gt;" in md  # in the team table
    assert "### &lt;img src=x onerror=alert(1)&gt; as Lived experience lead" in md
    assert "\\[x\\](javascript:alert(1))" in md
    assert "- Keep \\*the\\* \\`measure\\` \\| up (&lt;b&gt;Data&lt;/b&gt; lead)" in md
    # plain text shows the names as written
    plain = run(["roles", str(f), "--table", "development"]).output
    assert f"{HOSTILE_PERSON} as Lived experience lead:" in plain


def test_format_roles_refuses_an_unknown_format_or_table():
    matrix = role_matrix(load_roles(ARCHETYPE)[0])
    with pytest.raises(SysmapError, match="unknown format 'pdf'"):
        sysmap.format_roles(matrix, None, "pdf")
    with pytest.raises(SysmapError, match="unknown table 'everything'"):
        sysmap.format_roles(matrix, None, "text", table="everything")
    assert sysmap.format_roles(matrix, None, "markdown") == sysmap.format_roles(matrix, None, "md")


def test_a_role_with_no_competencies_prints_no_empty_key():
    role = GuidingRole(id="r", name="R", responsibilities=["Turn up"])
    text = sysmap.format_roles(role_matrix([role]), None, "text")
    assert "1 responsibility names no competency." in text
    assert "Competencies:" not in text and "Competency sets" not in text
    assert "No responsibility names a competency yet." in text


ROLE_MAP = """\
id: team
title: Team
guiding_question: Who leads the work?
stakeholders:
  - {id: pwle, name: People with lived experience, role: beneficiary, lived_experience: true}
  - {id: board, name: CoC board, role: leader}
guiding_team:
  - id: coordinator
    name: Coordinator
    competency_sets:
      - {name: Care, competencies: [listening, outreach]}
    responsibilities:
      - {id: listen, text: Listens, competencies: {listening: practical, outreach: strategic}}
    theory_of_execution:
      - {text: Listen first, responsibilities: [listen]}
    accepted_by: [pwle]
    proficiency:
      pwle: {listening: practical, outreach: none}
"""


def test_a_maps_roles_are_checked_against_the_competencies_the_team_declares():
    assert sysmap.validate_text(ROLE_MAP).ok  # its own sets
    # a role without sets may still use the archetype's six beside a role with its own
    six = ROLE_MAP.replace(
        "    accepted_by: [pwle]\n",
        "    accepted_by: [pwle]\n"
        "  - id: chair\n"
        "    name: Chair\n"
        "    responsibilities:\n"
        "      - {text: Chairs, competencies: {project_management: strategic}}\n",
    )
    assert "chair" in six and sysmap.validate_text(six).ok
    bad = ROLE_MAP.replace(
        "pwle: {listening: practical, outreach: none}",
        "pwle: {listning: practical}\n      mayor: {outreach: none}",
    ).replace("[listen]}", "[listen, recruit]}")
    report = sysmap.validate_text(bad)
    found = {(p.code, tuple(p.path)) for p in report.problems if p.severity == "error"}
    assert found == {
        ("unknown-competency", ("guiding_team", 0, "proficiency", "pwle", "listning")),
        ("unknown-id", ("guiding_team", 0, "proficiency", "mayor")),
        ("unknown-reference", ("guiding_team", 0, "theory_of_execution", 0, "responsibilities", 1)),
    }
    messages = "\n".join(p.message for p in report.problems)
    assert "did you mean 'listening'?" in messages
    assert "unknown stakeholder 'mayor'" in messages


def test_a_step_without_text_is_named_as_a_step():
    text = ROLE_MAP.replace(
        "{text: Listen first, responsibilities: [listen]}", "{responsibilities: [listen]}"
    )
    (problem,) = [p for p in sysmap.validate_text(text).problems if p.severity == "error"]
    assert problem.message == (
        "this step of the theory of execution has no text — add 'text:' (what is done at "
        "this step, e.g. Recruit the working group first)"
    )
