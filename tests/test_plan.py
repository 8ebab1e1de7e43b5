"""change_plan and `sysmap plan`: groups, owners, pilots, measures; Markdown, CSV, JSON."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from helpers import EXAMPLES
from sysmap import UnknownFormat, change_plan, compare_maps, load_map, loads_map
from sysmap.cli import main
from sysmap.model import Relationship
from sysmap.plan import ACTIONS, CSV_COLUMNS, ChangePlan, generate_plan, write_plan

BEFORE = """\
id: today
title: Today
guiding_question: Whose voice reaches the board?
stakeholders:
  - {id: pwle, name: People with lived experience, role: beneficiary}
  - {id: shelter, name: Shelter, role: provider}
  - {id: ce, name: Coordinated entry, role: provider}
  - {id: board, name: CoC board, role: leader}
  - {id: police, name: Police unit, role: provider}
measures:
  - {id: m-days, name: Days to housing}
relationships:
  - {id: r-ref, from: shelter, to: board, kind: refers, strength: 2}
  - {id: r-fb, from: pwle, to: board, kind: feedback, strength: 1}
  - {id: r-back, from: board, to: pwle, kind: informs, status: broken}
  - {id: r-police, from: police, to: pwle, kind: serves}
"""

AFTER = """\
id: redesign
title: Redesign
guiding_question: Whose voice reaches the board?
stage: redesign
stakeholders:
  - {id: pwle, name: People with lived experience, role: beneficiary}
  - {id: shelter, name: Shelter, role: provider}
  - {id: ce, name: Coordinated entry, role: provider}
  - {id: board, name: CoC board, role: leader}
  - {id: leab, name: Advisory board, role: beneficiary, lived_experience: true}
measures:
  - {id: m-days, name: Days to housing}
  - {id: m-paid, name: Paid hours}
relationships:
  - id: r-ref
    from: shelter
    to: ce
    kind: refers
    strength: 4
    change:
      reason: "=Referrals went around coordinated entry"
      owner: ce
      pilot: Three months with two shelters
      measures: [m-days]
  - id: r-fb
    from: pwle
    to: board
    kind: feedback
    strength: 3
    change: {reason: The board barely heard people, owner: board}
  - id: r-back
    from: board
    to: pwle
    kind: informs
    change: {reason: Nothing came back, owner: board, measures: [m-paid]}
  - id: r-seat
    from: leab
    to: board
    kind: governs
    status: proposed
    change: {reason: Three voting seats, owner: board, pilot: One year}
  - {id: r-pay, from: board, to: leab, kind: compensates}
"""


@pytest.fixture
def plan() -> ChangePlan:
    return change_plan(compare_maps(loads_map(BEFORE), loads_map(AFTER)))


def test_items_are_grouped_by_action(plan: ChangePlan):
    got = {a: [i.relationship or i.stakeholder for i in plan.group(a)] for a in ACTIONS}
    assert got == {
        "form": ["r-seat", "r-pay"],
        "rewire": ["r-ref"],  # both rewired and strengthened: filed under rewire
        "strengthen": ["r-fb"],
        "weaken": [],
        "status": ["r-back"],
        "adjust": [],
        "retire": ["r-police"],
        "bring_in": ["leab"],
        "leave": ["police"],
    }


def test_an_item_names_stakeholders_reason_owner_pilot_measures(plan: ChangePlan):
    (item,) = plan.group("rewire")
    assert item.title == "Shelter → Coordinated entry (refers)"
    assert item.what == "to board → ce; strength 2 → 4"
    assert item.changes == ["rewired", "strengthened"]
    assert item.reason == "=Referrals went around coordinated entry"
    assert (item.owner, item.owner_name) == ("ce", "Coordinated entry")
    assert item.pilot == "Three months with two shelters"
    assert item.measure_names == ["Days to housing"]
    (back,) = plan.group("status")
    assert back.what == "status broken → existing"
    assert back.measure_names == ["Paid hours"]


def test_the_plan_flags_changes_without_an_owner(plan: ChangePlan):
    assert plan.headline()[-1] == (
        "1 change has no owner named yet — add change: {owner: …} to them in the redesign"
    )


def test_markdown(plan: ChangePlan):
    md = plan.format_markdown()
    assert md.startswith("# Change plan: Redesign\n\nFrom today to redesign.")
    # shelter and coordinated entry are both providers: the change answers "how could
    # relationships among providers improve?", and says its action first
    assert "## Changes by the question they answer" in md
    head = "| Action | Relationship | Kind | What | Why | Owner | Pilot | Measures |"
    assert (
        "### Providers: how could relationships among the providers who serve the system "
        "improve (the system is the way we work together)? (1)\n\n" + head
    ) in md
    # the reason starts like a formula: Markdown shows it as written
    assert (
        "| Rewire | Shelter → Coordinated entry | refers | to board → ce; strength 2 → 4 "
        "| =Referrals went around coordinated entry | Coordinated entry "
        "| Three months with two shelters | Days to housing |"
    ) in md
    assert "| Form | Advisory board → CoC board | governs | new, proposed |" in md
    assert "| Board → Advisory board" not in md
    assert (
        "| Form | CoC board → Advisory board | compensates | new, existing |   | not named yet |"
        in md
    )
    # a retired relationship needs no owner
    assert (
        "| Retire | Police unit → People with lived experience | serves | was existing |   |   |"
        in md
    )
    assert (
        "## Stakeholders to bring in (1)\n\n| Stakeholder | Role | What |\n|---|---|---|\n"
        "| Advisory board | beneficiary | joins with 2 new relationships |"
    ) in md
    assert (
        "## Stakeholders leaving the map (1)\n\n| Stakeholder | Role | What |\n|---|---|---|\n"
        "| Police unit | provider | leaves with 1 relationship retired |"
    ) in md
    assert "## Weaken" not in md and "| Weaken" not in md  # empty groups are left out
    assert generate_plan(plan, "md") == md + "\n"


def test_text_is_the_same_plan(plan: ChangePlan):
    text = plan.format_text()
    assert text.startswith("Change plan: Redesign\n\nFrom today to redesign.")
    assert "Rewire  Shelter → Coordinated entry  refers" in text
    assert "not named yet" in text


def test_csv_one_row_per_item(plan: ChangePlan):
    rows = list(csv.reader(io.StringIO(plan.format_csv())))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 1 + len(plan.items)
    rewire = next(r for r in rows if r[0] == "rewire")
    assert rewire == [
        "rewire",
        "r-ref",
        "Shelter",
        "Coordinated entry",
        "refers",
        "to board → ce; strength 2 → 4",
        "existing",
        "'=Referrals went around coordinated entry",  # a formula is written as text
        "Coordinated entry",
        "Three months with two shelters",
        "Days to housing",
        "what.among-providers",
    ]


def test_json_keys(plan: ChangePlan):
    d = json.loads(plan.format_json())
    assert list(d) == [
        "sysmap_plan", "current", "redesign", "title", "guiding_question", "headline",
        "counts", "groups", "by_question",
    ]  # fmt: skip
    assert list(d["groups"]) == list(ACTIONS)
    assert list(d["groups"]["rewire"][0]) == [
        "action", "title", "what", "relationship", "from", "to", "from_name", "to_name",
        "kind", "status", "changes", "reason", "owner", "owner_name", "pilot", "measures",
        "measure_names", "stakeholder", "stakeholder_name", "role", "question",
    ]  # fmt: skip


def test_write_plan_by_suffix(plan: ChangePlan, tmp_path: Path):
    for suffix in ("md", "csv", "json"):
        target = tmp_path / f"plan.{suffix}"
        write_plan(plan, target)
        assert target.read_text(encoding="utf-8") == generate_plan(plan, suffix)
    with pytest.raises(UnknownFormat) as info:
        write_plan(plan, tmp_path / "plan.pdf")
    assert str(info.value) == (
        f"{tmp_path / 'plan.pdf'}: cannot tell the plan format from the name — end it in "
        ".md, .csv or .json, or give the format"
    )
    assert (info.value.value, info.value.choices) == ("pdf", ("md", "csv", "json"))
    assert not (tmp_path / "plan.pdf").exists()
    with pytest.raises(UnknownFormat, match="unknown plan format 'pdf' — use md, csv or json"):
        generate_plan(plan, "pdf")


# ------------------------------------------------------------ the example pair

CURRENT = str(EXAMPLES / "homelessness-current.yaml")
REDESIGN = str(EXAMPLES / "homelessness-redesign.yaml")


@pytest.fixture(scope="module")
def example() -> ChangePlan:
    return change_plan(compare_maps(load_map(CURRENT), load_map(REDESIGN)))


def test_the_example_plan_is_one_a_facilitator_can_act_on(example: ChangePlan):
    head = example.headline()
    assert head[:3] == [
        "41 relationships formed, 9 retired, 4 rewired, 24 strengthened, 3 weakened, "
        "19 changed status; stakeholders: 5 added, 2 removed",
        "Beneficiaries' share of decision power: 0% → 5%",
        "Power held by role group: beneficiaries 7% → 13%, providers 52% → 51%, leaders 41% → 36%",
    ]
    counts = example.counts()
    assert counts["form"] == 41 and counts["rewire"] == 4 and counts["retire"] == 9
    assert counts["bring_in"] == 5 and counts["leave"] == 2
    # every change between stakeholders has an owner and a reason (examples/README.md)
    assert not any("no owner" in line for line in head)
    people = {s.id for s in load_map(REDESIGN).stakeholders}
    for item in example.items:
        if item.action not in ("retire", "bring_in", "leave") and item.source in people:
            assert item.reason and item.owner_name, item.title
    (referral,) = [i for i in example.group("rewire") if i.relationship == "r-outreach-referral"]
    assert referral.source_name == "Riverton Street Outreach Team"
    assert referral.target_name == "Riverton Housing Access Hub (coordinated entry)"


def invoke(args: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(args)
    out, err = capsys.readouterr()
    return int(info.value.code or 0), out, err


def test_cli_plan_md_csv_json(capsys, tmp_path: Path):
    code, out, _ = invoke(["plan", CURRENT, REDESIGN], capsys)
    assert code == 0 and out.startswith("# Change plan: Riverton")
    target = tmp_path / "plan.csv"
    code, out, err = invoke(
        ["plan", CURRENT, REDESIGN, "--format", "csv", "-o", str(target)], capsys
    )
    assert code == 0 and err.strip() == f"Wrote {target}"
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert len(rows) == 1 + sum(1 for _ in rows[1:]) and rows[1][0] == "form"
    code, out, _ = invoke(["plan", CURRENT, REDESIGN, "--format", "json"], capsys)
    assert code == 0 and json.loads(out)["counts"]["rewire"] == 4


def test_cli_plan_errors(capsys, tmp_path: Path):
    missing = tmp_path / "nope.yaml"
    code, out, err = invoke(["plan", str(missing), REDESIGN], capsys)
    assert code == 1 and out == ""
    assert err.strip() == f"Error: {missing}: no such file — check the path"
    code, _, err = invoke(["plan", CURRENT, REDESIGN, "--format", "text"], capsys)
    assert code == 2
    code, _, err = invoke(
        ["plan", CURRENT, REDESIGN, "-o", str(tmp_path / "no-folder" / "plan.md")], capsys
    )
    assert code == 1
    assert err.strip() == (
        f"Error: {tmp_path / 'no-folder' / 'plan.md'}: the folder {tmp_path / 'no-folder'} "
        "does not exist — create it first"
    )


@pytest.mark.parametrize(
    ("a", "b", "question"),
    [
        # document 002's six What questions, by the role groups a relationship joins
        ("provider", "provider", "what.among-providers"),
        ("beneficiary", "beneficiary", "what.among-beneficiaries"),
        ("leader", "leader", "what.among-leaders"),
        ("provider", "beneficiary", "what.providers-beneficiaries"),
        ("beneficiary", "provider", "what.providers-beneficiaries"),
        ("leader", "beneficiary", "what.power-shift"),
        ("beneficiary", "leader", "what.power-shift"),
        ("leader", "provider", "what.system-redesign"),
        ("provider", "leader", "what.system-redesign"),
        (None, "leader", None),
    ],
)
def test_each_change_answers_one_question(a, b, question):
    from sysmap.questions import improvement_question

    assert improvement_question(a, b) == question


def test_compare_groups_changes_under_their_question():
    # by hand: r1 shelter -> ce (two providers) strengthened; r2 board -> pwle
    # (leader, beneficiary) formed; r3 board -> shelter (leader, provider) formed
    before = loads_map(
        "id: a\ntitle: A\nguiding_question: Q?\nstakeholders:\n"
        "  - {id: pwle, name: People, role: beneficiary}\n"
        "  - {id: shelter, name: Shelter, role: provider}\n"
        "  - {id: ce, name: Entry, role: provider}\n"
        "  - {id: board, name: Board, role: leader}\n"
        "relationships:\n  - {id: r1, from: shelter, to: ce, kind: refers, strength: 1}\n"
    )
    after = before.model_copy(deep=True)
    after.id = "b"
    after.relationships[0].strength = 4
    after.relationships += [
        Relationship.model_validate({"id": "r2", "from": "board", "to": "pwle", "kind": "informs"}),
        Relationship.model_validate(
            {"id": "r3", "from": "board", "to": "shelter", "kind": "funds"}
        ),
    ]
    c = compare_maps(before, after, shifts=False)
    got = {q: [rc.id for rc in rcs] for q, rcs in c.by_question().items() if rcs}
    assert got == {
        "what.among-providers": ["r1"],
        "what.power-shift": ["r2"],
        "what.system-redesign": ["r3"],
    }
    assert c.findings()[-1].text == (
        "Relationship changes by the question they answer: 1 among providers, 1 power shift, "
        "1 system redesign"
    )
    assert "among providers  strengthened" in c.format_text()
