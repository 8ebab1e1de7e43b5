"""Editing commands change the file in place, keep comments and order, write
atomically, and never lose a concurrent change."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import sysmap
from sysmap.edit import parse_value


def comments(text: str) -> list[str]:
    """Every comment in a YAML text, in order (full-line and end-of-line)."""
    return [m.group(0).strip() for m in re.finditer(r"#[^\n]*", text)]


def test_add_stakeholder_keeps_every_comment_and_order(small_map: Path):
    before = small_map.read_text()
    sysmap.add_stakeholder(
        small_map,
        "youth",
        "Youth Action Council",
        "beneficiary",
        lived_experience=True,
        power=1,
        attributes={"age_group": "youth"},
    )
    after = small_map.read_text()
    assert comments(after) == comments(before)
    m = sysmap.load_map(small_map)
    assert [s.id for s in m.stakeholders] == ["pwle", "outreach", "board", "youth"]
    assert m.stakeholder("youth").attributes == {"age_group": "youth"}
    # the comment that introduces the next section stays in front of it
    assert after.index("# --- Why") > after.index("id: youth")
    # untouched lines are byte-for-byte the same
    assert after.startswith(before[: before.index("# --- Why")].rstrip("\n").rsplit("\n", 1)[0])


def test_add_relationship_and_factor(small_map: Path):
    before = small_map.read_text()
    sysmap.add_relationship(
        small_map,
        "board",
        "pwle",
        "informs",
        strength=2,
        evidence=[{"source": "workshop", "asserted_by": "beneficiary"}],
    )
    sysmap.add_factor(small_map, "stock", "Housing stock")
    after = small_map.read_text()
    assert comments(after) == comments(before)
    m = sysmap.load_map(small_map)
    assert (m.relationships[-1].source, m.relationships[-1].kind) == ("board", "informs")
    assert "strength: 2\n" in after  # whole numbers stay whole
    assert after.index("kind: informs") < after.index("# loops come later")
    assert m.factors[0].id == "stock"


def test_set_changes_one_field_and_keeps_comments(small_map: Path):
    before = small_map.read_text()
    sysmap.set_field(small_map, "pwle", "power", 2)
    sysmap.set_field(small_map, "pwle", "attributes.race", "Black")
    sysmap.set_field(small_map, "map", "guiding_question", "Whose voice is heard?")
    after = small_map.read_text()
    assert comments(after) == comments(before)
    m = sysmap.load_map(small_map)
    assert m.stakeholder("pwle").power == 2
    assert m.stakeholder("pwle").attributes == {"race": "Black"}
    assert m.guiding_question == "Whose voice is heard?"
    assert "lived_experience: true   # they lead the working group" in after


def test_set_a_relationship_by_its_ends_and_unset(small_map: Path):
    sysmap.set_field(small_map, "pwle->board", "strength", 3)
    sysmap.set_field(small_map, "pwle->board:feedback", "status", "weak")
    m = sysmap.load_map(small_map)
    r = m.relationships[1]
    assert (r.strength, r.status) == (3, "weak")
    sysmap.set_field(small_map, "outreach", "power", unset=True)
    assert sysmap.load_map(small_map).stakeholder("outreach").power is None


def test_remove_relationship_keeps_the_comments_of_others(small_map: Path):
    before = small_map.read_text()
    removed = sysmap.remove(small_map, "outreach->pwle")
    assert removed == ["relationship: outreach -> pwle (serves)"]
    after = small_map.read_text()
    assert comments(after) == comments(before)
    assert after.index("# the voice channel") < after.index("kind: feedback")


def test_remove_stakeholder_needs_cascade_when_it_has_relationships(small_map: Path):
    before = small_map.read_text()
    with pytest.raises(
        sysmap.EditError, match=r"'outreach' is in 2 relationship\(s\).*--cascade"
    ) as caught:
        sysmap.remove(small_map, "outreach")
    assert caught.value.where == "outreach"  # what the edit was about, for a caller
    assert small_map.read_text() == before  # nothing half-written
    removed = sysmap.remove(small_map, "outreach", cascade=True)
    assert removed[0] == "stakeholder: outreach (Street outreach)"
    assert len(removed) == 3
    m = sysmap.load_map(small_map)
    assert [s.id for s in m.stakeholders] == ["pwle", "board"]
    assert len(m.relationships) == 1
    assert comments(small_map.read_text()) == comments(before)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda p: sysmap.add_stakeholder(p, "pwle", "Again", "beneficiary"),
            "already in stakeholders",
        ),
        (
            lambda p: sysmap.add_stakeholder(p, "x", "X", "benificiary"),
            "unknown role 'benificiary'",
        ),
        (
            lambda p: sysmap.add_relationship(p, "pwle", "nobody", "feedback"),
            "unknown stakeholder or factor 'nobody'",
        ),
        (lambda p: sysmap.add_relationship(p, "pwle", "board", "fund"), "unknown kind 'fund'"),
        (lambda p: sysmap.set_field(p, "pwle", "power", 9), "above the highest allowed power"),
        (lambda p: sysmap.set_field(p, "pwel", "power", 2), "did you mean 'pwle'"),
        (lambda p: sysmap.set_field(p, "pwle", "stength", 2), "unknown field 'stength'"),
        (lambda p: sysmap.remove(p, "nobody"), "nothing in the map has the id 'nobody'"),
    ],
)
def test_a_bad_edit_is_refused_and_nothing_is_written(small_map: Path, call, message):
    before = small_map.read_text()
    with pytest.raises(sysmap.SysmapError, match=re.escape(message)):
        call(small_map)
    assert small_map.read_text() == before
    assert [p.name for p in small_map.parent.iterdir()] == ["map.yaml"]  # no temp files left


def test_editing_a_map_that_has_problems_is_refused(small_map: Path):
    small_map.write_text(small_map.read_text().replace("role: leader", "role: leeder"))
    with pytest.raises(sysmap.EditError, match="fix them before editing"):
        sysmap.set_field(small_map, "pwle", "power", 2)


def test_json_maps_are_edited_as_json(tmp_path: Path):
    f = tmp_path / "map.json"
    sysmap.init_map(f, "Who is heard?")
    sysmap.add_stakeholder(f, "pwle", "PWLE", "beneficiary")
    data = json.loads(f.read_text())
    assert data["stakeholders"] == [{"id": "pwle", "name": "PWLE", "role": "beneficiary"}]


def test_init_writes_a_valid_map_with_prompts(tmp_path: Path):
    f = tmp_path / "riverton.yaml"
    sysmap.init_map(f, 'How do people "leave" homelessness: faster?', community="Riverton")
    report = sysmap.validate_file(f)
    assert report.ok
    m = sysmap.load_map(f)
    assert (m.id, m.title, m.community) == ("riverton", "Riverton", "Riverton")
    assert m.guiding_question == 'How do people "leave" homelessness: faster?'
    text = f.read_text()
    for stage in ("# WHO", "# WHY", "# WHAT", "# HOW"):
        assert stage in text
    with pytest.raises(sysmap.SysmapError, match="exists already"):
        sysmap.init_map(f, "Again?")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3", 3),
        ("2.5", 2.5),
        ("true", True),
        ("[a, b]", ["a", "b"]),
        ("yes", "yes"),
        ("Street outreach", "Street outreach"),
        ("{a: 1}", {"a": 1}),
        ("[unclosed", "[unclosed"),
    ],
)
def test_parse_value_reads_command_line_values_as_yaml(text, value):
    assert parse_value(text) == value


def test_twenty_concurrent_adds_lose_nothing(small_map: Path):
    """20 processes add a stakeholder each to the same file at once."""
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "sysmap",
                "add",
                "stakeholder",
                str(small_map),
                f"p{i}",
                "--name",
                f"Person {i}",
                "--role",
                "beneficiary",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(20)
    ]
    results = [p.communicate(timeout=120) + (p.returncode,) for p in procs]
    assert all(code == 0 for _, _, code in results), [err for _, err, code in results if code]
    m = sysmap.load_map(small_map)
    ids = {s.id for s in m.stakeholders}
    assert {f"p{i}" for i in range(20)} <= ids
    assert len(m.stakeholders) == 23
    assert "# --- Why" in small_map.read_text()


# ---------------------------------------------------------------- duplicates, every part, rename


def test_a_duplicate_relationship_is_refused_and_nothing_is_written(small_map: Path):
    before = small_map.read_text()
    with pytest.raises(
        sysmap.EditError, match="already has a serves relationship from 'outreach'"
    ) as caught:
        sysmap.add_relationship(small_map, "outreach", "pwle", "Serves")  # any letter case
    assert caught.value.where == "outreach->pwle:serves"
    assert small_map.read_text() == before


def test_two_views_of_one_link_with_ids_are_allowed_and_named_by_number(small_map: Path):
    sysmap.set_field(small_map, "outreach->pwle", "id", "r-providers")
    sysmap.add_relationship(small_map, "outreach", "pwle", "serves", id="r-pwle-view", strength=1)
    # by ends and kind: two match, so the message says how to name one
    with pytest.raises(
        sysmap.EditError, match=r"outreach->pwle:serves#1 … outreach->pwle:serves#2"
    ):
        sysmap.set_field(small_map, "outreach->pwle:serves", "trust", 2)
    sysmap.set_field(small_map, "outreach->pwle:serves#2", "trust", 2)
    m = sysmap.load_map(small_map)
    assert [(r.id, r.trust) for r in m.relationships if r.kind == "serves"] == [
        ("r-providers", None),
        ("r-pwle-view", 2),
    ]
    with pytest.raises(sysmap.EditError, match="use #1 to #2"):
        sysmap.remove(small_map, "outreach->pwle:serves#3")


def test_validate_warns_of_a_duplicate_without_ids(small_map: Path):
    text = small_map.read_text().replace(
        "# loops come later", "  - {from: outreach, to: pwle, kind: serves}\n# loops come later"
    )
    small_map.write_text(text)
    report = sysmap.validate_file(small_map)
    assert report.ok
    [warning] = [p for p in report.warnings if p.code == "duplicate-relationship"]
    assert warning.path == ["relationships", 3]
    assert "sysmap remove MAP 'outreach->pwle:serves#2'" in warning.message
    sysmap.remove(small_map, "outreach->pwle:serves#2")
    assert not [
        p for p in sysmap.validate_file(small_map).warnings if p.code == "duplicate-relationship"
    ]


def test_every_part_of_the_map_can_be_added_set_and_removed(small_map: Path):
    from sysmap.edit import add_item, add_to

    add_item(
        small_map,
        "loops",
        {"id": "voice", "name": "Voice", "path": ["pwle", "board", "outreach", "pwle"]},
    )
    add_item(small_map, "outcomes", {"id": "housed", "name": "Housed"})
    add_item(small_map, "measures", {"id": "days", "name": "Days", "outcome": "housed"})
    add_to(small_map, "days", "values", {"date": "2026-01-31", "value": 212})
    add_to(small_map, "days", "values", {"date": "2026-02-28", "value": 190.0})
    add_item(small_map, "indicators", {"id": "rent", "name": "Rent burden", "value": 24.6})
    add_item(small_map, "guiding_team", {"id": "convener", "name": "Convener"})
    sysmap.set_field(small_map, "convener", "accepted_by", "board")  # one value: a list of one
    sysmap.set_field(small_map, "convener", "accepted_by", ["pwle"], append=True)
    add_item(small_map, "factors", {"id": "homes", "name": "Homes"})
    add_item(small_map, "scenarios", {"id": "more", "hold": {"homes": 1}})
    add_item(small_map, "kinds", {"id": "peer_support", "voice": True})
    add_to(small_map, "pwle->board:feedback", "evidence", {"source": "workshop"})
    m = sysmap.load_map(small_map)
    assert [(v.date.isoformat(), v.value) for v in m.measures[0].values] == [
        ("2026-01-31", 212),
        ("2026-02-28", 190),
    ]
    assert m.guiding_team[0].accepted_by == ["board", "pwle"]
    assert m.relationships[1].evidence[0].source == "workshop"
    assert (m.loops[0].id, m.scenarios[0].hold, m.kinds[0].voice) == ("voice", {"homes": 1}, True)
    assert sysmap.remove(small_map, "convener", field="accepted_by", entry="board") == [
        "accepted_by: board"
    ]
    sysmap.remove(small_map, "days", field="values", entry=1)
    for ident in ("voice", "more", "rent", "days", "housed", "peer_support", "convener"):
        sysmap.remove(small_map, ident)
    m = sysmap.load_map(small_map)
    assert (m.loops, m.scenarios, m.indicators, m.measures, m.outcomes, m.kinds) == ([],) * 6
    assert "# loops come later" in small_map.read_text()


def test_rename_updates_every_reference(small_map: Path):
    from sysmap.edit import add_item, rename

    add_item(
        small_map,
        "loops",
        {"id": "voice", "name": "Voice", "path": ["pwle", "board", "outreach", "pwle"]},
    )
    add_item(small_map, "guiding_team", {"id": "lead", "name": "Lead", "accepted_by": ["pwle"]})
    sysmap.set_field(
        small_map, "outreach->pwle", "evidence", [{"source": "interview", "asserted_by": "pwle"}]
    )
    changed = rename(small_map, "pwle", "people")
    assert changed[0] == "stakeholder: pwle -> people"
    assert len(changed) == 1 + 2 + 1 + 1  # the stakeholder, 2 relationships, the loop, the role
    m = sysmap.load_map(small_map)
    assert m.stakeholders[0].id == "people"
    assert [(r.source, r.target) for r in m.relationships][:2] == [
        ("outreach", "people"),
        ("people", "board"),
    ]
    assert m.relationships[0].evidence[0].asserted_by == "people"
    assert m.loops[0].path == ["people", "board", "outreach", "people"]
    assert m.guiding_team[0].accepted_by == ["people"]
    assert "pwle" not in small_map.read_text().replace("# they lead", "")  # no reference left
    with pytest.raises(sysmap.EditError, match="'board' is already in stakeholders"):
        rename(small_map, "people", "board")


@pytest.mark.parametrize(
    ("name", "ident"),
    [
        ("People living unsheltered", "people-living-unsheltered"),
        (
            "Youth aging out of foster care in the northern county districts",
            "youth-aging-out-foster-care-northern",
        ),
        ("Équipe d'accueil", "equipe-d-accueil"),
        ("a" * 50, "a" * 40),
    ],
)
def test_guided_ids_are_readable(name: str, ident: str):
    from sysmap.guided import make_id

    made = make_id(name, set())
    assert made == ident and len(made) <= 40
