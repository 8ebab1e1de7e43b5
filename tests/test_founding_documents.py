"""sysmap against the three founding documents (../shared/seeds/ 000, 001, 002).

Every expected value here is typed out from the documents themselves, cell by
cell and item by item — never read from sysmap's own files — so that a bundled
file drifting from a document fails here.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from click.testing import CliRunner

import sysmap
from helpers import EXAMPLES
from sysmap.cli import cli

COORDINATOR = EXAMPLES / "roles" / "lived-experience-engagement-coordinator.yaml"

DA = "data_analysis_and_data_for_improvement"
FRB = "facilitation_and_relationship_building"
HCD = "human_centered_design"
ISF = "improvement_science_foundations"
PM = "project_management"
RSK = "role_specific_knowledge"

P, PS = ["practical"], ["practical", "strategic"]

# ------------------------------------------------------------------ document 000

# The Competency Map, row by row: a cell marked in both columns is PS.
DOC_000_MAP = {
    "Establishes PWLEH working group": {FRB: P, PM: P, RSK: PS},
    "Secures equitable resources for the work group": {HCD: P, PM: PS, RSK: P},
    "Facilitates conversations around work group policies and procedures": {FRB: P, ISF: P},
    "Amplifies PWLEH voice within community decision-making and policy-setting processes": {
        FRB: PS,
        HCD: P,
        RSK: P,
    },
    "Ensures strong two-way communication with working group": {HCD: P, ISF: P},
    "Builds models of engagement with PWLEH for the community": {FRB: PS, ISF: P},
    "Is actively involved in data collection, analysis, and data-informed action-planning": {
        DA: PS,
        HCD: P,
    },
    "Builds practices of human-centered design into wider community staffing policies": {
        FRB: PS,
        HCD: PS,
        PM: PS,
        RSK: PS,
    },
    "Fosters an understanding of the day-to-day challenges of PWLEH": {HCD: PS, RSK: PS},
    "Coordinates advocacy of preferred policies at the municipal-level": {FRB: P, RSK: P},
}

# The Training Roadmap, competency by competency, typed from its own table (it
# orders responsibilities alphabetically; here they are sets, order aside).
S = "strategic"
DOC_000_ROADMAP = {
    ISF: {
        "Builds models of engagement with PWLEH for the community": P,
        "Ensures strong two-way communication with working group": P,
        "Facilitates conversations around work group policies and procedures": P,
    },
    PM: {
        "Builds practices of human-centered design into wider community staffing policies": PS,
        "Establishes PWLEH working group": P,
        "Secures equitable resources for the work group": PS,
    },
    FRB: {
        "Amplifies PWLEH voice within community decision-making and policy-setting processes": PS,
        "Builds models of engagement with PWLEH for the community": PS,
        "Builds practices of human-centered design into wider community staffing policies": PS,
        "Coordinates advocacy of preferred policies at the municipal-level": P,
        "Establishes PWLEH working group": P,
        "Facilitates conversations around work group policies and procedures": P,
    },
    HCD: {
        "Amplifies PWLEH voice within community decision-making and policy-setting processes": P,
        "Builds practices of human-centered design into wider community staffing policies": PS,
        "Ensures strong two-way communication with working group": P,
        "Fosters an understanding of the day-to-day challenges of PWLEH": PS,
        "Is actively involved in data collection, analysis, and data-informed action-planning": P,
        "Secures equitable resources for the work group": P,
    },
    DA: {
        "Is actively involved in data collection, analysis, and data-informed action-planning": PS,
    },
    RSK: {
        "Amplifies PWLEH voice within community decision-making and policy-setting processes": P,
        "Builds practices of human-centered design into wider community staffing policies": PS,
        "Coordinates advocacy of preferred policies at the municipal-level": P,
        "Establishes PWLEH working group": PS,
        "Fosters an understanding of the day-to-day challenges of PWLEH": PS,
        "Secures equitable resources for the work group": P,
    },
}
# The roadmap's counts as the issue quotes them from the document.
DOC_000_COUNTS = {FRB: 6, HCD: 6, RSK: 6, PM: 3, ISF: 3, DA: 1}

# The Consolidated View, typed from its own table: the highest level only.
DOC_000_CONSOLIDATED = {
    "Amplifies PWLEH voice within community decision-making and policy-setting processes": {
        FRB: S,
        HCD: "practical",
        RSK: "practical",
    },
    "Builds models of engagement with PWLEH for the community": {FRB: S, ISF: "practical"},
    "Builds practices of human-centered design into wider community staffing policies": {
        FRB: S,
        HCD: S,
        PM: S,
        RSK: S,
    },
    "Coordinates advocacy of preferred policies at the municipal-level": {
        FRB: "practical",
        RSK: "practical",
    },
    "Ensures strong two-way communication with working group": {
        HCD: "practical",
        ISF: "practical",
    },
    "Establishes PWLEH working group": {FRB: "practical", PM: "practical", RSK: S},
    "Facilitates conversations around work group policies and procedures": {
        FRB: "practical",
        ISF: "practical",
    },
    "Fosters an understanding of the day-to-day challenges of PWLEH": {HCD: S, RSK: S},
    "Is actively involved in data collection, analysis, and data-informed action-planning": {
        DA: S,
        HCD: "practical",
    },
    "Secures equitable resources for the work group": {
        HCD: "practical",
        PM: S,
        RSK: "practical",
    },
}

DOC_000_SETS = {
    "Improvement Science": [DA, FRB, HCD, ISF, PM],
    "Technical Knowledge": [RSK],
}
DOC_000_NAMES = {
    DA: "Data Analysis and Data for Improvement",
    FRB: "Facilitation and Relationship Building",
    HCD: "Human-Centered Design",
    ISF: "Improvement Science Foundations",
    PM: "Project Management",
    RSK: "Role-Specific Knowledge",
}


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def roles_json():
    return json.loads(run("roles", str(COORDINATOR), "--format", "json"))


def test_the_two_tables_of_the_document_agree():
    # the consolidated view is the map's highest mark per cell, in the document itself
    rank = {"practical": 1, "strategic": 2}
    derived = {
        r: {c: max(lv, key=rank.__getitem__) for c, lv in cells.items()}
        for r, cells in DOC_000_MAP.items()
    }
    assert derived == DOC_000_CONSOLIDATED
    pivot: dict[str, dict[str, list[str]]] = {}
    for r, cells in DOC_000_MAP.items():
        for c, lv in cells.items():
            pivot.setdefault(c, {})[r] = lv
    assert pivot == DOC_000_ROADMAP
    assert {c: len(rs) for c, rs in DOC_000_ROADMAP.items()} == DOC_000_COUNTS


def test_the_bundled_coordinator_is_document_000_cell_for_cell():
    role = sysmap.load_role_archetype(COORDINATOR).role
    got = {r.text: dict(r.competencies) for r in role.responsibilities}
    assert list(got) == list(DOC_000_MAP)  # the ten, in the document's order
    assert got == DOC_000_MAP
    assert {s.name: s.competencies for s in role.competency_sets} == DOC_000_SETS
    assert role.summary and len(role.summary) > 200


def test_roles_json_gives_each_cell_as_a_list_of_levels(roles_json):
    matrix = {r["responsibility"]: r["competencies"] for r in roles_json["matrix"]}
    assert matrix == DOC_000_MAP
    names = {c["id"]: c["name"] for c in roles_json["competencies"]}
    assert names == DOC_000_NAMES
    sets = {s["name"]: s["competencies"] for s in roles_json["competency_sets"]}
    assert sets == DOC_000_SETS


def test_roles_json_roadmap_is_the_documents_roadmap(roles_json):
    got = {
        r["competency"]: {n["responsibility"]: n["levels"] for n in r["needed_by"]}
        for r in roles_json["roadmap"]
    }
    assert got == DOC_000_ROADMAP
    counts = [(r["competency"], r["responsibilities"]) for r in roles_json["roadmap"]]
    assert dict(counts) == DOC_000_COUNTS
    # most responsibilities first; the three sixes tie and fall back on strategic
    # counts (FRB 3, RSK 3, HCD 2: counted in DOC_000_ROADMAP), then set order
    assert counts == [(FRB, 6), (RSK, 6), (HCD, 6), (PM, 3), (ISF, 3), (DA, 1)]


def test_roles_json_consolidated_view_is_the_documents(roles_json):
    got = {r["responsibility"]: r["competencies"] for r in roles_json["consolidated"]}
    assert got == DOC_000_CONSOLIDATED


def test_roles_csv_matrix_and_consolidated_equal_the_document():
    rows = list(csv.DictReader(io.StringIO(run("roles", str(COORDINATOR), "--format", "csv"))))
    cells = {r["responsibility"]: {c: r[c].split(";") for c in DOC_000_NAMES if r[c]} for r in rows}
    assert cells == DOC_000_MAP
    out = run("roles", str(COORDINATOR), "--format", "csv", "--table", "consolidated")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["responsibility"]: {c: r[c] for c in DOC_000_NAMES if r[c]} for r in rows} == (
        DOC_000_CONSOLIDATED
    )


def test_roles_text_shows_both_marks_and_the_highest():
    text = run("roles", str(COORDINATOR))
    matrix = text[text.index("Competency map") : text.index("Training roadmap")]
    consolidated = text[text.index("Consolidated view") :]
    line = next(x for x in matrix.splitlines() if x.startswith("8 "))
    assert line.split()[-4:] == ["P+S"] * 4
    line = next(x for x in consolidated.splitlines() if x.startswith("8 "))
    assert line.split()[-4:] == ["S"] * 4
    for name in DOC_000_NAMES.values():
        assert f"{name} (" in text  # each competency's roadmap entry


def _check_execution_order(in_order: list[list[str]], throughout: list[str]) -> None:
    # recruit -> resource -> represent/support voices -> shape delivery, data and
    # staffing -> advocate; two-way communication throughout
    assert in_order[0] == ["Establishes PWLEH working group"]
    assert in_order[1][0] == "Secures equitable resources for the work group"
    assert in_order[2] == [
        "Amplifies PWLEH voice within community decision-making and policy-setting processes"
    ]
    assert in_order[3] == [
        "Builds models of engagement with PWLEH for the community",
        "Is actively involved in data collection, analysis, and data-informed action-planning",
        "Builds practices of human-centered design into wider community staffing policies",
    ]
    assert in_order[4] == ["Coordinates advocacy of preferred policies at the municipal-level"]
    assert throughout == ["Ensures strong two-way communication with working group"]


def test_theory_of_execution_follows_the_document():
    role = sysmap.load_role_archetype(COORDINATOR).role
    ids = {r.id: r.text for r in role.responsibilities}
    steps = role.theory_of_execution
    in_order = [[ids[i] for i in s.responsibilities] for s in steps if s.when == "in_order"]
    throughout = [ids[i] for s in steps if s.when == "throughout" for i in s.responsibilities]
    _check_execution_order(in_order, throughout)
    every = {i for s in steps for i in s.responsibilities}
    assert every == set(ids)  # every responsibility has its place in the order


# What sysmap prints of document 000, read back from the text and the Markdown
# and held against the document: every cell, every count, the order of the work.

BY_NUMBER = dict(enumerate(DOC_000_MAP, start=1))  # the document's order, numbered
WORDS = {"P": "practical", "S": "strategic"}


def _part(out: str, heading: str) -> list[str]:
    """The lines of one part of the output, from its heading to the next part's."""
    lines = out[out.index(heading) :].splitlines()[1:]
    end = next((i for i, x in enumerate(lines) if x.startswith("## ") or x in PARTS), len(lines))
    return lines[:end]


PARTS = {
    "Job summary",
    "Theory of execution: the order the work is done in",
    "Competency map: the levels each responsibility needs",
    "Training roadmap: the responsibilities each competency supports",
    "Consolidated view: the highest level in each cell",
}


def _text_table(lines: list[str]) -> list[dict[str, str]]:
    """The first plain-text table in some lines, cut at its header's columns."""
    lines = [x for x in lines if x.strip()]
    header = lines[0]
    spans = [(m.start(), m.group()) for m in re.finditer(r"\S+(?: \S+)*", header)]
    rows = []
    for line in lines[1:]:
        if len(line) - len(line.lstrip()) or "  " not in line:
            break  # past the table
        cells = {}
        for k, (start, name) in enumerate(spans):
            stop = spans[k + 1][0] if k + 1 < len(spans) else None
            cells[name] = line[start:stop].strip()
        rows.append(cells)
    return rows


def _md_table(lines: list[str]) -> list[dict[str, str]]:
    """The first Markdown table in some lines."""
    rows = [x for x in lines if x.startswith("| ")]
    # a cell's Markdown escapes (the header "\\#") read back as the characters
    split = [re.split(r"(?<!\\)\|", x.strip()[1:-1]) for x in rows]
    cells = [[re.sub(r"\\(.)", r"\1", c.strip()) for c in row] for row in split]
    return [dict(zip(cells[0], r, strict=True)) for r in cells[1:]]


def _cells(rows: list[dict[str, str]], column: dict[str, str], levels) -> dict[str, dict]:
    """responsibility -> {competency id: levels}, the competencies found by ``column``."""
    return {
        BY_NUMBER[int(r["#"])]: {c: levels(r[name]) for c, name in column.items() if r[name]}
        for r in rows
    }


def _roadmap_lists(lines: list[str]) -> dict[str, dict[str, list[str]]]:
    """competency id -> {responsibility: levels}, from each competency's list."""
    ids = {name: c for c, name in DOC_000_NAMES.items()}
    out: dict[str, dict[str, list[str]]] = {}
    current = None
    for line in lines:
        head = re.match(r"(?:### )?(.+) \((.+)\) supports (\d+) responsibilit", line)
        if head:
            current = out.setdefault(ids[head.group(1)], {})
            assert head.group(2) == next(
                s for s, cs in DOC_000_SETS.items() if ids[head.group(1)] in cs
            )
            assert int(head.group(3)) == DOC_000_COUNTS[ids[head.group(1)]]
            continue
        item = re.match(r"- (\d+)\\?\. (.+) — (.+)$", line)
        if item and current is not None:
            assert item.group(2) == BY_NUMBER[int(item.group(1))]
            current[item.group(2)] = item.group(3).split(" and ")
    return out


def _execution(lines: list[str]) -> tuple[list[list[str]], list[str]]:
    """The ordered steps' responsibilities and those done throughout, by text."""
    in_order: list[list[str]] = []
    throughout: list[str] = []
    for line in lines:
        step = re.match(r"- (\d+\\?\.|Throughout:) .*\(responsibilit(?:y|ies) ([\d, ]+)\)$", line)
        if step:
            texts = [BY_NUMBER[int(n)] for n in step.group(2).split(", ")]
            if step.group(1) == "Throughout:":
                throughout += texts
            else:
                assert int(step.group(1).rstrip(".").rstrip("\\")) == len(in_order) + 1
                in_order.append(texts)
    return in_order, throughout


def test_the_text_output_prints_every_fact_of_document_000():
    text = run("roles", str(COORDINATOR))
    role = sysmap.load_role_archetype(COORDINATOR).role
    assert [x for x in _part(text, "Job summary") if x] == [role.summary]
    key = next(x for x in _part(text, "Competency map") if x.startswith("Competencies: "))
    short = dict(re.findall(r"(\w+) = ([^;.]+)", key.removeprefix("Competencies: ")))
    column = {
        c: next(a for a, n in short.items() if n == name) for c, name in DOC_000_NAMES.items()
    }
    both = lambda cell: [WORDS[x] for x in cell.split("+")]  # noqa: E731
    matrix = _text_table(_part(text, "Competency map"))
    assert _cells(matrix, column, both) == DOC_000_MAP
    consolidated = _text_table(_part(text, "Consolidated view"))
    assert _cells(consolidated, column, WORDS.__getitem__) == DOC_000_CONSOLIDATED
    roadmap = _part(text, "Training roadmap")
    counts = {r["competency"]: int(r["responsibilities"]) for r in _text_table(roadmap)}
    assert counts == {DOC_000_NAMES[c]: n for c, n in DOC_000_COUNTS.items()}
    assert _roadmap_lists(roadmap) == DOC_000_ROADMAP
    _check_execution_order(*_execution(_part(text, "Theory of execution")))


def test_the_markdown_output_prints_every_fact_of_document_000():
    md = run("roles", str(COORDINATOR), "--format", "md")
    role = sysmap.load_role_archetype(COORDINATOR).role
    assert [x for x in _part(md, "## Job summary") if x] == [role.summary]
    column = dict(DOC_000_NAMES)
    in_words = lambda cell: cell.split(" and ")  # noqa: E731
    matrix = _md_table(_part(md, "## Competency map"))
    assert _cells(matrix, column, in_words) == DOC_000_MAP
    consolidated = _md_table(_part(md, "## Consolidated view"))
    assert _cells(consolidated, column, str) == DOC_000_CONSOLIDATED
    roadmap = _part(md, "## Training roadmap")
    counts = {r["competency"]: int(r["responsibilities"]) for r in _md_table(roadmap)}
    assert counts == {DOC_000_NAMES[c]: n for c, n in DOC_000_COUNTS.items()}
    assert _roadmap_lists(roadmap) == DOC_000_ROADMAP
    _check_execution_order(*_execution(_part(md, "## Theory of execution")))


# ------------------------------------------------------------------ document 001

DOC_001_SUPPORT_FOR_EXPERTS = [
    "Consider and monitor the potential risk of harm to Experts",
    "Tailor support to meet individual needs",
    "Ensure Experts have a contact they know and trust",
    "Offer access to emotional support",
    "Provide a space for Experts to share experiences",
    "Give detailed information in advance of an activity",
    "Match Experts to opportunities",
    "Help Experts to represent the views of others",
    "Provide practical help to get to and take part in activities",
    "Offer training in systems change",
    "Provide opportunities to develop transferable skills and confidence",
]
DOC_001_FOR_THE_ORGANISATION = [
    "Aim to sustain and embed Expert involvement",
    "Ensure buy-in to Expert involvement across the organisation",
    "Provide training on the principles and practice of Expert involvement",
    "Share examples of the benefits of Expert involvement",
    "Keep Experts informed of progress and provide timely feedback",
    "Reduce power imbalances between Experts and other stakeholders",
]
DOC_001_CHARTER_VALUES = [
    "We support the open and inclusive recruitment of people with lived experience within "
    "our organisation, by our partner organisations and within the community.",
    "We raise awareness within our organisation of the benefits of employing people with "
    "lived experience, the barriers people often face and how to overcome these.",
    "We provide people with lived experience the support they may need from the start of "
    "their employment and throughout, including an exit interview and support should they "
    "leave.",
    "We strive to have clear progression pathways for people with lived experience, "
    "including accredited training, from entry level through to leadership and we provide "
    "opportunities for personal and professional development.",
    "We take responsibility to ensure a workplace environment and culture that is free from "
    "discriminatory practices, unconscious bias or prejudice and we implement organisational "
    "improvements to support inclusivity.",
    "We commit to share good practice and to ensure co-production of our services with "
    "people with lived experience.",
]
# The ideas the issue names, one or more per value, each of which must survive.
DOC_001_CHARTER_IDEAS = [
    ["open and inclusive recruitment", "partner organisations", "community"],
    ["benefits", "barriers", "how to overcome"],
    ["from the start", "throughout", "exit interview", "should they leave"],
    [
        "progression pathways",
        "accredited training",
        "entry level",
        "leadership",
        "personal and professional development",
    ],  # fmt: skip
    ["discriminatory practices", "unconscious bias", "prejudice", "inclusivity"],
    ["share good practice", "co-production"],
]
INVOLVEMENT = EXAMPLES / "assessments" / "lived-experience-involvement.yaml"
EMPLOYMENT = EXAMPLES / "assessments" / "employing-lived-experience.yaml"


def _by_area(items):
    out: dict[str, list[str]] = {}
    for i in items:
        out.setdefault(i.area, []).append(i.text)
    return out


def test_the_involvement_checklist_is_document_001_item_for_item():
    t = sysmap.load_assessment_template(INVOLVEMENT)
    assert _by_area(t.items) == {
        "support for Experts": DOC_001_SUPPORT_FOR_EXPERTS,
        "for the organisation": DOC_001_FOR_THE_ORGANISATION,
    }
    assert len(t.items) == 17


def test_the_charter_template_has_the_six_values_whole():
    t = sysmap.load_assessment_template(EMPLOYMENT)
    assert [i.text for i in t.items] == DOC_001_CHARTER_VALUES
    for item, ideas in zip(t.items, DOC_001_CHARTER_IDEAS, strict=True):
        assert all(idea in item.text for idea in ideas), item.id


@pytest.mark.parametrize("template", [INVOLVEMENT, EMPLOYMENT])
def test_templates_carry_no_homelessness_wording(template):
    t = sysmap.load_assessment_template(template)
    words = " ".join([t.name, t.description or "", *(i.text for i in t.items)]).lower()
    for word in ("homeless", "housing", "shelter", "unsheltered", "coc"):
        assert word not in words


def test_the_example_maps_hold_the_two_templates_and_charter_status():
    for example in ("homelessness-current.yaml", "homelessness-redesign.yaml"):
        m = sysmap.load_map(EXAMPLES / example)
        readiness = next(a for a in m.assessments if a.id == "a-le-readiness")
        assert _by_area(readiness.items) == {
            "support for Experts": DOC_001_SUPPORT_FOR_EXPERTS,
            "for the organisation": DOC_001_FOR_THE_ORGANISATION,
        }
        charter = next(a for a in m.assessments if a.id == "a-le-employment")
        assert [i.text for i in charter.items] == DOC_001_CHARTER_VALUES
        assert charter.charter_status
    out = run("assess", str(EXAMPLES / "homelessness-redesign.yaml"), "--only", "a-le-employment")
    # redesign: the drop-in adopted in September; the lead agency still reviewing since
    # March; the family shelter moved from not started to reviewing in September
    assert "Charter status: 1 of 3 organisations adopted, 2 reviewing, 0 not started." in out


# ------------------------------------------------------------------ document 002

# Every question of the document, stage by stage, in its order, as the ideas each
# question must keep (typed from the document; sysmap words the questions itself).
DOC_002 = [
    ("guiding.question", ["question", "working on together"]),
    ("who.guiding-team", ["everyone's job", "each role on the guiding team"]),
    ("who.roles", ["relationships", "shape and influence the guiding question"]),
    ("who.beneficiaries", ["Beneficiaries", "whom does the system serve"]),
    ("who.providers", ["Providers", "who serves the system"]),
    ("who.leaders", ["Leaders", "who can change the system"]),
    ("why.relationships", ["changing relationships", "exist among the stakeholders", "primary data"]),
    ("why.providers", ["Providers", "work together today"]),
    ("why.voice-collected", ["voices and experiences", "collected", "understood in their context"]),
    ("why.leaders", ["system's current structure", "as designed", "problems and inequities", "beneficiaries and providers"]),
    ("why.indicators", ["know and not know", "what data can we share", "what does it mean to us", "secondary data"]),
    ("why.equity", ["Equity before equality", "primary and the secondary data", "equity lens"]),
    ("why.visible", ["invisible stays unsolvable", "make visible in the system"]),
    ("what.outcomes", ["outcomes", "co-create", "What difference"]),
    ("what.redesign", ["systems thing, not a single thing", "change and improve the way we work together"]),
    ("what.among-providers", ["among the providers", "the system is the way we work together"]),
    ("what.among-beneficiaries", ["among the people the system serves", "organise themselves"]),
    ("what.among-leaders", ["among the leaders", "influence and change the system", "see and understand it"]),
    ("what.providers-beneficiaries", ["Intrinsic relationships", "providers serve beneficiaries"]),
    ("what.power-shift", ["Power dynamics", "shift more power to beneficiaries", "voice and choice"]),
    ("what.system-redesign", ["leaders and providers redesign the system", "coordinated entry", "feedback loops"]),
    ("what.key-factors", ["model of the new system", "key factors", "one whole"]),
    ("how.change-plan", ["redesigned, not controlled", "form, rewire and strengthen"]),
    ("how.pilots", ["Start small, think big, aim high", "pilot and test", "human and local scale"]),
    ("how.measures", ["static data", "measure the outcomes", "rewired relationships"]),
    ("how.measure-shifts", ["isolated to shared", "systems-level", "real-time", "secondary to primary", "reactive to predictive"]),
    ("how.evaluate", ["evaluate what we learn", "which measures mean something to us", "return what we learn to the system"]),
    ("how.sustain", ["continuous process, not an event", "organise, coordinate and embed", "lasts"]),
]  # fmt: skip
# the document's five From -> To shifts, typed from its table
DOC_002_SHIFTS = [
    ("Isolated measures", "Shared measures"),
    ("Programmatic, organisational", "Systems-level"),
    ("Static, episodic", "Dynamic, real-time"),
    ("Secondary data", "Primary data (people-specific)"),
    ("Reactive analytics", "Predictive analytics"),
]


def test_every_question_of_document_002_is_asked_with_its_ideas():
    from sysmap.model import MEASURE_SHIFTS
    from sysmap.questions import QUESTIONS

    asked = [q for q in QUESTIONS if not q.startswith("who.lived-experience")]
    assert asked == [qid for qid, _ in DOC_002]  # all of them, in the document's order
    for qid, ideas in DOC_002:
        for idea in ideas:
            assert idea.lower() in QUESTIONS[qid].text.lower(), (qid, idea)
    assert list(MEASURE_SHIFTS.values()) == DOC_002_SHIFTS


def test_process_on_the_example_pair_answers_every_question_or_says_what_next():
    current = EXAMPLES / "homelessness-current.yaml"
    redesign = EXAMPLES / "homelessness-redesign.yaml"
    data = json.loads(run("process", str(current), str(redesign), "--format", "json"))
    checks = [c for s in data["stages"] for c in s["checks"]]
    assert [c["id"] for c in checks if not c["id"].startswith("who.lived-experience")] == [
        qid for qid, _ in DOC_002
    ]
    for c in checks:
        assert c["status"] == "done" or c["next_step"].startswith("sysmap "), c["id"]
        assert c["how"] or c["team_answer"], c["id"]  # says how the map answers, or the team did
    text = run("process", str(current), str(redesign))
    for c in checks:
        assert c["question"] in text
