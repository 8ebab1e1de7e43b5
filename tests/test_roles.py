"""Guiding-team roles: the matrix, the training roadmap, who covers what."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import sysmap
from conftest import EXAMPLES
from sysmap.cli import cli, main
from sysmap.model import GuidingRole, Responsibility
from sysmap.roles import COMPETENCIES, load_roles, role_matrix, team_coverage

ARCHETYPE = EXAMPLES / "roles" / "lived-experience-engagement-coordinator.yaml"

F, PM, RSK, HCD, ISF, DAI = COMPETENCIES  # the six, in their usual order

# The archetype's table, read off the file by hand (S strategic, P practical):
#
#  #  responsibility                                   F   PM  RSK HCD ISF DAI
#  1  Establish the working group                      S   P   P
#  2  Secure equitable resources                       P   P   S
#  3  Facilitate policies and procedures               S   P
#  4  Amplify voice in decision-making                 S       S
#  5  Keep two-way communication                       P   P
#  6  Build models of engagement                       P           S   P
#  7  Data collection and action planning                              P   P
#  8  Human-centred design in staffing                         P   S
#  9  Foster understanding of day-to-day challenges    P       P   P
# 10  Coordinate municipal advocacy                    S   P   S
HAND_TABLE = {
    1: {F: "strategic", PM: "practical", RSK: "practical"},
    2: {F: "practical", PM: "practical", RSK: "strategic"},
    3: {F: "strategic", PM: "practical"},
    4: {F: "strategic", RSK: "strategic"},
    5: {F: "practical", PM: "practical"},
    6: {F: "practical", HCD: "strategic", ISF: "practical"},
    7: {ISF: "practical", DAI: "practical"},
    8: {RSK: "practical", HCD: "strategic"},
    9: {F: "practical", RSK: "practical", HCD: "practical"},
    10: {F: "strategic", PM: "practical", RSK: "strategic"},
}

# The pivot, counted down each column of the table above:
#   F   rows 1,3,4,10 strategic; 2,5,6,9 practical      -> 8 (4 S, 4 P)
#   RSK rows 2,4,10 strategic;   1,8,9 practical        -> 6 (3 S, 3 P)
#   PM  rows 1,2,3,5,10 practical                       -> 5 (0 S, 5 P)
#   HCD rows 6,8 strategic;      9 practical            -> 3 (2 S, 1 P)
#   ISF rows 6,7 practical                              -> 2 (0 S, 2 P)
#   DAI row 7 practical                                 -> 1 (0 S, 1 P)
# 25 cells in all (8+6+5+3+2+1), and the rows hold 3+3+2+2+2+3+2+2+3+3 = 25.
HAND_ROADMAP = [(F, 4, 4), (RSK, 3, 3), (PM, 0, 5), (HCD, 2, 1), (ISF, 0, 2), (DAI, 0, 1)]


@pytest.fixture(scope="module")
def archetype():
    return sysmap.load_role_archetype(ARCHETYPE)


def test_the_archetype_has_the_ten_responsibilities(archetype):
    role = archetype.role
    assert role.name == "Lived Experience Engagement Coordinator"
    assert len(role.responsibilities) == 10
    assert all(isinstance(r, Responsibility) for r in role.responsibilities)
    assert role.accepted_by == []


def test_the_matrix_matches_the_hand_table(archetype):
    matrix = role_matrix([archetype.role])
    assert [r.number for r in matrix.rows] == list(range(1, 11))
    assert {r.number: r.needs for r in matrix.rows} == HAND_TABLE
    assert matrix.competencies == [F, PM, RSK, HCD, ISF, DAI]
    assert sum(len(r.needs) for r in matrix.rows) == 25


def test_the_roadmap_matches_the_hand_pivot(archetype):
    matrix = role_matrix([archetype.role])
    assert [(r.competency, r.strategic, r.practical) for r in matrix.roadmap] == HAND_ROADMAP
    assert [r.total for r in matrix.roadmap] == [8, 6, 5, 3, 2, 1]
    assert matrix.roadmap[0].name == "Facilitation and relationship building"


def test_roadmap_ties_break_on_strategic_then_the_usual_order():
    # two competencies each needed by two responsibilities: the one needed
    # strategically comes first; a tie on both keeps the order of COMPETENCIES
    role = GuidingRole(
        id="r",
        name="R",
        responsibilities=[
            Responsibility(text="a", competencies={DAI: "strategic", PM: "practical"}),
            Responsibility(text="b", competencies={DAI: "practical", PM: "practical"}),
            Responsibility(text="c", competencies={ISF: "practical", HCD: "practical"}),
            "a responsibility with no competencies named",
        ],
    )
    matrix = role_matrix([role])
    assert [(r.competency, r.total, r.strategic) for r in matrix.roadmap] == [
        (DAI, 2, 1),
        (PM, 2, 0),
        (HCD, 1, 0),
        (ISF, 1, 0),
    ]
    assert [r.text for r in matrix.unmapped] == ["a responsibility with no competencies named"]


def test_the_archetype_and_the_example_map_agree(archetype):
    m = sysmap.load_map(EXAMPLES / "homelessness-current.yaml")
    in_map = next(g for g in m.guiding_team if g.id == archetype.role.id)
    assert in_map.name == archetype.role.name
    assert in_map.responsibilities == archetype.role.responsibilities


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
    assert cov.uncovered_competencies == {ISF: "strategic", DAI: "practical"}
    assert set(cov.to_data()["lived_experience_on_team"]) == {"lewg-marcus", "jordan-reyes"}


def test_load_roles_tells_a_map_from_an_archetype():
    roles, m = load_roles(ARCHETYPE)
    assert m is None and [r.id for r in roles] == ["gt-le-coordinator"]
    roles, m = load_roles(EXAMPLES / "small.yaml")
    assert m is not None and len(roles) == 3


def run(args: list[str]):
    return CliRunner().invoke(cli, args, catch_exceptions=False)


def test_cli_text_shows_matrix_and_roadmap():
    result = run(["roles", str(ARCHETYPE)])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "Role: Lived Experience Engagement Coordinator"
    roadmap = lines[lines.index("Training roadmap: the competencies that support the most") + 3]
    assert roadmap.split() == ["Facilitation", "and", "relationship", "building", "8", "4", "4"]
    assert "Who on the guiding team covers what" not in result.output


def test_cli_json_is_the_library_data():
    result = run(["roles", str(ARCHETYPE), "--format", "json"])
    data = json.loads(result.output)
    assert data["sysmap_roles"] == 1
    got = [(r["competency"], r["strategic"], r["practical"]) for r in data["roadmap"]]
    assert got == HAND_ROADMAP
    assert data == json.loads(
        json.dumps({"sysmap_roles": 1, **role_matrix(load_roles(ARCHETYPE)[0]).to_data()})
    )
    assert len(data["matrix"]) == 10 and "team" not in data


def test_cli_csv_matrix_and_roadmap():
    rows = list(csv.reader(io.StringIO(run(["roles", str(ARCHETYPE), "--format", "csv"]).output)))
    assert rows[0] == ["role", "number", "responsibility", F, PM, RSK, HCD, ISF, DAI]
    assert rows[10][3:] == ["strategic", "practical", "strategic", "", "", ""]  # row 10
    out = run(["roles", str(ARCHETYPE), "--format", "csv", "--table", "roadmap"]).output
    rows = list(csv.reader(io.StringIO(out)))
    assert [(r[0], int(r[3]), int(r[4])) for r in rows[1:]] == HAND_ROADMAP


def test_cli_team_for_a_map_and_not_for_an_archetype(capsys):
    result = run(["roles", str(EXAMPLES / "homelessness-current.yaml"), "--table", "team"])
    assert result.exit_code == 0
    rows = {line.split("  ")[0]: line.split() for line in result.output.splitlines()}
    assert rows["Improvement advisor"][-3:] == ["nobody", "yet", "1"]
    assert "- Coach the team through plan-do-study-act cycles for each pilot" in result.output
    assert "Training roadmap" not in result.output
    with pytest.raises(SystemExit) as info:
        main(["roles", str(ARCHETYPE), "--table", "team"])
    assert info.value.code == 1
    assert capsys.readouterr().err.startswith("Error: an archetype has no team")


def test_markdown_has_the_three_sections(tmp_path: Path):
    out = tmp_path / "roles.md"
    result = run(["roles", str(EXAMPLES / "small.yaml"), "--format", "md", "-o", str(out)])
    assert result.exit_code == 0
    text = out.read_text()
    assert text.startswith("# Guiding-team roles: Small hand-checkable map")
    for heading in (
        "## Responsibilities and the competencies they need",
        "## Training roadmap: the competencies that support the most",
        "## Who on the guiding team covers what",
    ):
        assert heading in text
