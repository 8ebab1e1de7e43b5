"""compare_maps and `sysmap compare`: each kind of change on small hand-made
pairs, the example pair's headline, the JSON and the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import EXAMPLES
from sysmap import SysmapError, compare_maps, load_map, loads_map
from sysmap.cli import main
from sysmap.compare import RELATIONSHIP_CHANGES, Comparison, load_mapping
from sysmap.errors import BadArgument

HEAD = """\
id: {id}
title: {id}
guiding_question: Whose voice reaches the board?
stage: {stage}
stakeholders:
  - {{id: pwle, name: People with lived experience, role: beneficiary, power: 1}}
  - {{id: shelter, name: Shelter, role: provider, power: 2}}
  - {{id: ce, name: Coordinated entry, role: provider, power: 2}}
  - {{id: board, name: CoC board, role: leader, power: 4}}
"""


def pair(before: str, after: str, extra_before: str = "", extra_after: str = ""):
    """Two maps over the same four stakeholders (plus extra YAML before the relationships)."""
    a = loads_map(HEAD.format(id="today", stage="current") + extra_before + before)
    b = loads_map(HEAD.format(id="redesign", stage="redesign") + extra_after + after)
    return a, b


def words(c: Comparison) -> dict[str, list[str]]:
    """Relationship id (or from->to) -> its change words."""
    return {(rc.id or f"{rc.current.source}->{rc.current.target}"): rc.changes
            for rc in c.changes.relationships}  # fmt: skip


def test_formed_and_retired_by_id():
    a, b = pair(
        "relationships:\n  - {id: r1, from: pwle, to: shelter, kind: feedback}\n",
        "relationships:\n  - {id: r2, from: board, to: pwle, kind: informs}\n",
    )
    c = compare_maps(a, b, shifts=False)
    assert words(c) == {"r1": ["retired"], "r2": ["formed"]}
    assert c.counts()["relationships"]["formed"] == 1
    assert c.findings()[0].text == "1 relationship formed, 1 retired"


def test_different_ids_on_the_same_link_are_retired_and_formed():
    # Both sides carry an id, and the ids differ: the map says they are different links.
    a, b = pair(
        "relationships:\n  - {id: r1, from: pwle, to: board, kind: feedback}\n",
        "relationships:\n  - {id: r9, from: pwle, to: board, kind: feedback}\n",
    )
    assert words(compare_maps(a, b, shifts=False)) == {"r1": ["retired"], "r9": ["formed"]}


def test_rewired_by_id_kind_and_moved_end():
    a, b = pair(
        "relationships:\n"
        "  - {id: r-ref, from: shelter, to: board, kind: refers}\n"
        "  - {id: r-data, from: ce, to: board, kind: informs}\n",
        "relationships:\n"
        "  - {id: r-ref, from: shelter, to: ce, kind: refers}\n"
        "  - {id: r-data, from: ce, to: board, kind: shares_data}\n",
    )
    c = compare_maps(a, b, shifts=False)
    assert words(c) == {"r-ref": ["rewired"], "r-data": ["rewired"]}
    moved = next(rc for rc in c.changes.relationships if rc.id == "r-ref")
    assert [f.describe() for f in moved.fields] == ["to board → ce"]
    assert moved.matched_by == "id"


def test_rewired_and_strengthened_at_once():
    a, b = pair(
        "relationships:\n  - {id: r1, from: shelter, to: board, kind: refers, strength: 2}\n",
        "relationships:\n  - {id: r1, from: shelter, to: ce, kind: refers, strength: 4}\n",
    )
    c = compare_maps(a, b, shifts=False)
    assert words(c) == {"r1": ["rewired", "strengthened"]}
    assert c.counts()["relationships"]["rewired"] == 1
    assert c.counts()["relationships"]["strengthened"] == 1
    d = c.to_dict()["changes"]["relationships"]
    assert [r["id"] for r in d["rewired"]] == [r["id"] for r in d["strengthened"]] == ["r1"]


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ("strength: 2", "strength: 4", ["strengthened"]),
        ("trust: 1", "trust: 3", ["strengthened"]),  # trust alone counts
        ("strength: 4, trust: 4", "strength: 2, trust: 4", ["weakened"]),
        ("strength: 2, trust: 4", "strength: 4, trust: 2", ["strengthened", "weakened"]),
        ("strength: 2", "strength: 2, trust: 5", []),  # trust unrecorded before: not compared
    ],
)
def test_strengthened_and_weakened(before: str, after: str, expected: list[str]):
    a, b = pair(
        f"relationships:\n  - {{id: r1, from: pwle, to: board, kind: feedback, {before}}}\n",
        f"relationships:\n  - {{id: r1, from: pwle, to: board, kind: feedback, {after}}}\n",
    )
    c = compare_maps(a, b, shifts=False)
    if expected:
        assert words(c) == {"r1": expected}
    else:
        assert c.changes.relationships == []
        assert c.changes.unchanged_relationships == 1


@pytest.mark.parametrize(
    ("before", "after"), [("proposed", "existing"), ("broken", "existing"), ("existing", "weak")]
)
def test_status_changes(before: str, after: str):
    a, b = pair(
        f"relationships:\n  - {{id: r1, from: pwle, to: board, kind: feedback, status: {before}}}\n",
        f"relationships:\n  - {{id: r1, from: pwle, to: board, kind: feedback, status: {after}}}\n",
    )
    c = compare_maps(a, b, shifts=False)
    assert words(c) == {"r1": ["status_changed"]}
    assert c.changes.relationships[0].fields[0].describe() == f"status {before} → {after}"


def test_other_fields_are_changed():
    a, b = pair(
        "relationships:\n  - {id: r1, from: board, to: shelter, kind: funds}\n",
        "relationships:\n  - id: r1\n    from: board\n    to: shelter\n    kind: funds\n"
        "    power: {amount: 3, carries: [money]}\n",
    )
    c = compare_maps(a, b, shifts=False)
    assert words(c) == {"r1": ["changed"]}
    assert c.changes.relationships[0].fields[0].describe() == (
        "power — → {amount: 3, carries: [money]}"
    )


def test_a_stakeholder_removed_with_its_relationships():
    a, b = pair(
        "relationships:\n"
        "  - {id: r1, from: shelter, to: pwle, kind: serves}\n"
        "  - {id: r2, from: board, to: shelter, kind: funds}\n"
        "  - {id: r3, from: board, to: ce, kind: funds}\n",
        "relationships:\n  - {id: r3, from: board, to: ce, kind: funds}\n",
    )
    b.stakeholders = [s for s in b.stakeholders if s.id != "shelter"]
    c = compare_maps(a, b, shifts=False)
    removed = c.changes.stakeholders_by("removed")
    assert [(s.id, s.relationships) for s in removed] == [("shelter", ["r1", "r2"])]
    assert words(c) == {"r1": ["retired"], "r2": ["retired"]}
    assert c.to_dict()["changes"]["stakeholders"]["removed"][0]["relationships_retired"] == 2
    texts = [f.text for f in c.findings()]
    assert "Shelter leaves the map with 2 relationships" in texts
    assert c.stakeholder_status() == {
        "pwle": "unchanged", "ce": "unchanged", "board": "unchanged", "shelter": "removed",
    }  # fmt: skip


def test_stakeholders_added_and_changed_field_by_field():
    a, b = pair("", "")
    b.stakeholders[0].power = 2
    b.stakeholders[0].lived_experience = True
    b.stakeholders[1].role = "leader"
    b.stakeholders.append(
        type(b.stakeholders[0])(id="leab", name="Advisory board", role="beneficiary")
    )
    c = compare_maps(a, b, shifts=False)
    changed = {
        s.id: [f.describe() for f in s.changes] for s in c.changes.stakeholders_by("changed")
    }
    assert changed == {
        "pwle": ["lived_experience no → yes", "power 1 → 2"],
        "shelter": ["role provider → leader"],
    }
    assert [s.id for s in c.changes.stakeholders_by("added")] == ["leab"]


PARALLEL = "  - {{from: pwle, to: shelter, kind: feedback, strength: {}}}\n"


def test_parallel_relationships_pair_in_order():
    # Without ids, links on one (from, to, kind) pair up in file order:
    # 1 ↔ 1 (unchanged), 2 ↔ 3 (strengthened), and the third is formed.
    a, b = pair(
        "relationships:\n" + PARALLEL.format(1) + PARALLEL.format(2),
        "relationships:\n" + PARALLEL.format(1) + PARALLEL.format(3) + PARALLEL.format(5),
    )
    c = compare_maps(a, b, shifts=False)
    assert [(rc.changes, rc.current.strength) for rc in c.changes.relationships] == [
        (["formed"], 5),
        (["strengthened"], 3),
    ]
    assert c.changes.unchanged_relationships == 1
    # and one fewer in the redesign: the leftover is retired
    c = compare_maps(b, a, shifts=False)
    assert [rc.changes for rc in c.changes.relationships] == [["retired"], ["weakened"]]


def test_without_ids_same_pair_new_kind_is_rewired():
    a, b = pair(
        "relationships:\n  - {from: pwle, to: board, kind: informs}\n",
        "relationships:\n  - {from: pwle, to: board, kind: feedback}\n",
    )
    c = compare_maps(a, b, shifts=False)
    (rc,) = c.changes.relationships
    assert rc.changes == ["rewired"] and rc.matched_by == "pair"
    # a moved end cannot be followed without an id: retired and formed
    a, b = pair(
        "relationships:\n  - {from: shelter, to: board, kind: refers}\n",
        "relationships:\n  - {from: shelter, to: ce, kind: refers}\n",
    )
    c = compare_maps(a, b, shifts=False)
    assert [rc.changes for rc in c.changes.relationships] == [["formed"], ["retired"]]


def renamed_pair():
    """pwle is people-with-le in the redesign: same name, same role."""
    a = loads_map(
        HEAD.format(id="today", stage="current")
        + "relationships:\n  - {id: r1, from: pwle, to: board, kind: feedback, strength: 1}\n"
    )
    b = loads_map(
        HEAD.format(id="redesign", stage="redesign").replace("{id: pwle,", "{id: people-with-le,")
        + "relationships:\n"
        + "  - {id: r1, from: people-with-le, to: board, kind: feedback, strength: 3}\n"
    )
    return a, b


def test_a_renamed_stakeholder_is_followed_by_name_and_role():
    a, b = renamed_pair()
    c = compare_maps(a, b, shifts=False)
    (r,) = c.changes.renames
    assert (r.old_id, r.new_id, r.basis) == ("pwle", "people-with-le", "same name and role")
    assert c.changes.stakeholders_by("added") == c.changes.stakeholders_by("removed") == []
    assert words(c) == {"r1": ["strengthened"]}  # not rewired: its end was only renamed
    assert "People with lived experience: pwle → people-with-le (likely: same name and role)" in [
        f.text for f in c.findings()
    ]


def test_a_renamed_stakeholder_without_detection_is_removed_and_added():
    a, b = renamed_pair()
    c = compare_maps(a, b, shifts=False, detect_renames=False)
    assert [s.id for s in c.changes.stakeholders_by("removed")] == ["pwle"]
    assert [s.id for s in c.changes.stakeholders_by("added")] == ["people-with-le"]
    assert words(c) == {"r1": ["rewired", "strengthened"]}


def test_a_rename_with_a_new_name_needs_the_mapping(tmp_path: Path):
    a, b = renamed_pair()
    b.stakeholders[0].name = "Lived experience panel"
    c = compare_maps(a, b, shifts=False)
    assert c.changes.renames == []
    assert [s.id for s in c.changes.stakeholders_by("removed")] == ["pwle"]
    f = tmp_path / "renames.yaml"
    f.write_text("pwle: people-with-le\n", encoding="utf-8")
    c = compare_maps(a, b, shifts=False, mapping=f)
    (r,) = c.changes.renames
    assert r.basis == "mapping"
    (changed,) = c.changes.stakeholders_by("changed")
    assert [x.describe() for x in changed.changes] == [
        "id pwle → people-with-le",
        "name People with lived experience → Lived experience panel",
    ]
    assert compare_maps(a, b, shifts=False, mapping={"pwle": "people-with-le"}).counts() == (
        c.counts()
    )


def test_two_candidates_make_a_rename_ambiguous():
    a, b = renamed_pair()
    b.stakeholders.append(b.stakeholders[0].model_copy(update={"id": "pwle-2"}))
    c = compare_maps(a, b, shifts=False)
    (r,) = c.changes.renames
    assert r.basis == "ambiguous" and r.candidates == ["people-with-le", "pwle-2"]
    assert c.counts()["ambiguous"] == 1
    assert [s.id for s in c.changes.stakeholders_by("removed")] == ["pwle"]


def test_a_mapping_naming_unknown_ids_is_one_clear_error():
    a, b = renamed_pair()
    with pytest.raises(BadArgument) as info:
        compare_maps(a, b, mapping={"pwel": "nobody"})
    assert info.value.argument == "mapping"
    assert str(info.value) == (
        "the mapping: 'pwel' is not a stakeholder in the earlier map (today) — did you "
        "mean 'pwle'?; 'nobody' is not a stakeholder in the later map (redesign)"
    )


def test_a_mapping_onto_an_id_still_in_use_is_an_error():
    a, b = renamed_pair()
    with pytest.raises(BadArgument) as info:
        compare_maps(a, b, mapping={"pwle": "board"})
    assert str(info.value) == (
        "the mapping: 'board' is already a stakeholder in the earlier map — to give 'pwle' "
        "its id, map 'board' to a new id too"
    )


LOOP = """\
loops:
  - {id: loop-voice, name: Keep us informed, path: [pwle, board, pwle]}
"""


def test_a_declared_loop_closed_broken_opened_dropped():
    a, b = pair(
        "relationships:\n"
        "  - {id: r1, from: pwle, to: board, kind: feedback}\n"
        "  - {id: r2, from: board, to: pwle, kind: informs, status: broken}\n" + LOOP,
        "relationships:\n"
        "  - {id: r1, from: pwle, to: board, kind: feedback}\n"
        "  - {id: r2, from: board, to: pwle, kind: informs}\n" + LOOP,
    )
    c = compare_maps(a, b)
    assert [(lc.change, lc.id) for lc in c.changes.loops] == [("closed", "loop-voice")]
    texts = [f.text for f in c.findings()]
    assert "1 feedback loop closed: 'Keep us informed'" in texts
    assert "1 beneficiary group now hears back (two-way): People with lived experience" in texts
    # the other way round it breaks
    c = compare_maps(b, a, shifts=False)
    assert [lc.change for lc in c.changes.loops] == ["broken"]
    assert c.changes.loops[0].breaks_after == ["CoC board → People with lived experience (broken)"]
    # declared on one side only
    a.loops = []
    c = compare_maps(a, b, shifts=False)
    assert [(lc.change, lc.holds_after) for lc in c.changes.loops] == [("opened", True)]
    c = compare_maps(b, a, shifts=False)
    assert [lc.change for lc in c.changes.loops] == ["dropped"]


def test_power_shift_is_a_headline():
    # Decision power (relationships carrying decisions or authority), by the
    # giver's role: before board 3 of 3; after board 3 + pwle 1 of 4 = 25%.
    governs = "  - id: r-gov\n    from: board\n    to: shelter\n    kind: governs\n"
    governs += "    power: {amount: 3, carries: [decisions]}\n"
    seat = "  - id: r-seat\n    from: pwle\n    to: board\n    kind: governs\n"
    seat += "    power: {amount: 1, carries: [decisions]}\n"
    a, b = pair("relationships:\n" + governs, "relationships:\n" + governs + seat)
    c = compare_maps(a, b)
    texts = [f.text for f in c.findings()]
    assert texts[1] == "Beneficiaries' share of decision power: 0% → 25%"
    head = {s.metric: s for s in c.headline_shifts}
    share = head["power.decision_power.beneficiary_share"]
    assert (share.before, share.after, share.delta) == (0.0, 0.25, 0.25)


def test_snapshots_over_time_give_trends():
    rel = "relationships:\n  - {{id: r1, from: pwle, to: board, kind: feedback, strength: {}}}\n"
    m1, m2 = pair(rel.format(1), rel.format(2))
    _, m3 = pair("", rel.format(4))
    m3.id = "later"
    c = compare_maps(m1, m2, m3)
    assert [(s.before_id, s.after_id) for s in c.steps] == [
        ("today", "redesign"),
        ("redesign", "later"),
    ]
    assert words(c) == {"r1": ["strengthened"]}
    density = next(s for s in c.shifts if s.metric == "structure.density")
    assert len(density.values) == 3 and density.trend == "flat"
    text = c.format_text()
    assert "Every metric that moved" in text and "later" in text


def test_no_changes():
    a, b = pair("", "")
    c = compare_maps(a, b, shifts=False)
    assert c.findings()[0].text == "no changes between the maps"
    assert "(metric shifts not computed)" in c.format_text()


# ------------------------------------------------------------ the example pair


@pytest.fixture(scope="module")
def example() -> Comparison:
    return compare_maps(
        load_map(EXAMPLES / "homelessness-current.yaml"),
        load_map(EXAMPLES / "homelessness-redesign.yaml"),
    )


def test_the_example_pair_headline(example: Comparison):
    texts = [f.text for f in example.findings()]
    assert texts[0] == (
        "41 relationships formed, 9 retired, 4 rewired, 24 strengthened, 3 weakened, "
        "19 changed status; stakeholders: 5 added, 2 removed"
    )
    assert texts[1] == "Beneficiaries' share of decision power: 0% → 5%"
    assert texts[2] == (
        "Power held by role group: beneficiaries 7% → 13%, providers 52% → 51%, leaders 41% → 36%"
    )
    assert texts[3].startswith("4 beneficiary groups now hear back (two-way): ")
    assert "Beneficiary groups with no voice path to a leader: 3 → 1" in texts
    assert texts[4] == "Beneficiary groups heard by a leader and hearing back (two-way): 1 → 7"
    # 'Lived experience shapes outreach policy' stays broken in the redesign: its return
    # runs outreach → people living unsheltered through a service (serves), which
    # carries no answer back (docs/analyses.md, declared loops)
    assert texts[6].startswith("3 feedback loops closed: 'Keep us informed along the way'")
    assert any(t.startswith("3 new single points of failure: ") for t in texts)


def test_the_example_pair_changes_match_the_readme(example: Comparison):
    # examples/README.md: added leab, youth-action-board, peer-navigators,
    # landlord-liaison, mobile-crisis; removed police and lewg-tommy; 41 formed,
    # 9 retired; rewired r-outreach-referral, r-er-discharge, r-jail-release, r-pha-coc-data.
    ch = example.changes
    assert {s.id for s in ch.stakeholders_by("added")} == {
        "leab", "youth-action-board", "peer-navigators", "landlord-liaison", "mobile-crisis",
    }  # fmt: skip
    assert {s.id for s in ch.stakeholders_by("removed")} == {"police", "lewg-tommy"}
    assert {rc.id for rc in ch.relationships_by("rewired")} == {
        "r-outreach-referral", "r-er-discharge", "r-jail-release", "r-pha-coc-data",
    }  # fmt: skip
    assert len(ch.relationships_by("retired")) == 9
    assert len(ch.relationships_by("weakened")) == 3
    assert "r-211-ce" in {rc.id for rc in ch.relationships_by("strengthened")}
    assert ch.renames == []


def test_json_is_serialisable_with_stable_keys(example: Comparison):
    d = json.loads(json.dumps(example.to_dict()))
    assert list(d) == ["sysmap_compare", "maps", "findings", "changes", "steps", "shifts"]
    assert list(d["changes"]) == [
        "from", "to", "counts", "renames", "stakeholders", "relationships", "loops",
    ]  # fmt: skip
    assert list(d["changes"]["relationships"]) == list(RELATIONSHIP_CHANGES)
    assert list(d["shifts"]) == [
        "computed", "headline", "voice", "new_single_points_of_failure",
        "resolved_single_points_of_failure", "metrics",
    ]  # fmt: skip
    shift = d["shifts"]["headline"][0]
    assert list(shift) == ["metric", "before", "after", "delta", "values", "trend"]
    assert shift["metric"] == "power.decision_power.beneficiary_share"
    rel = d["changes"]["relationships"]["rewired"][0]
    assert list(rel) == ["id", "changes", "matched_by", "before", "after", "fields"]
    assert example.to_dict() == example.to_dict()  # deterministic


def test_markdown_and_text(example: Comparison):
    md = example.format_markdown()
    assert md.startswith("# Riverton homelessness response system (today) (riverton-current)")
    assert "## Headline shifts" in md and "## Declared loops" in md
    assert "## Every metric that moved" in md and "other metrics unchanged" in md
    text = example.format_text()
    # one set of blocks: the text holds the same parts as the Markdown, headline shifts too
    assert (
        text.startswith("Riverton homelessness response system (today) (riverton-current) → ")
        and "\n\nGuiding question: How can people" in text
    )
    for part in ("What changes", "Headline shifts", "Declared loops", "Every metric that moved"):
        assert f"\n\n{part}\n\n" in text and f"\n\n## {part}\n\n" in md
    assert "power.decision_power.beneficiary_share  0       0.048  +0.048" in text


# ------------------------------------------------------------------ mapping file


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- a\n- b\n", "a mapping file holds 'old_id: new_id' pairs, one per line"),
        ("a: [b]\n", "'a': each entry is 'old_id: new_id' with two stakeholder ids"),
        ("a: b: c\n", "the mapping file is not valid YAML or JSON"),
    ],
)
def test_a_bad_mapping_file_is_one_clear_error(tmp_path: Path, text: str, message: str):
    f = tmp_path / "m.yaml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(SysmapError, match=None) as info:
        load_mapping(f)
    assert str(info.value).startswith(str(f)) and message in str(info.value)


# ------------------------------------------------------------------ command line


def invoke(args: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(args)
    out, err = capsys.readouterr()
    return int(info.value.code or 0), out, err


CURRENT = str(EXAMPLES / "homelessness-current.yaml")
REDESIGN = str(EXAMPLES / "homelessness-redesign.yaml")


def test_cli_compare_text_json_md(capsys, tmp_path: Path):
    code, out, _ = invoke(["compare", CURRENT, REDESIGN], capsys)
    assert code == 0 and "What changes" in out
    code, out, _ = invoke(["compare", CURRENT, REDESIGN, "--format", "json"], capsys)
    assert code == 0 and json.loads(out)["changes"]["counts"]["stakeholders"]["added"] == 5
    target = tmp_path / "compare.md"
    code, out, err = invoke(
        ["compare", CURRENT, REDESIGN, "--format", "md", "-o", str(target)], capsys
    )
    assert code == 0 and out == "" and err.strip() == f"Wrote {target}"
    assert target.read_text(encoding="utf-8").startswith("# Riverton")


def test_cli_compare_unknown_file(tmp_path: Path, capsys):
    missing = tmp_path / "nope.yaml"
    code, out, err = invoke(["compare", CURRENT, str(missing)], capsys)
    assert code == 1 and out == ""
    assert err.strip() == f"Error: {missing}: no such file — check the path"


def test_cli_compare_mapping_with_unknown_ids(tmp_path: Path, capsys):
    f = tmp_path / "renames.yaml"
    f.write_text("polic: zz-9\n", encoding="utf-8")
    code, _, err = invoke(["compare", CURRENT, REDESIGN, "--mapping", str(f)], capsys)
    assert code == 1
    assert err.strip() == (
        f"Error: {f}: 'polic' is not a stakeholder in the earlier map (riverton-current) — "
        "did you mean 'police'?; 'zz-9' is not a stakeholder in the later map "
        "(riverton-redesign)"
    )
    code, _, err = invoke(
        ["compare", CURRENT, REDESIGN, "--mapping", str(tmp_path / "x.yaml")], capsys
    )
    assert (
        code == 1 and err.strip() == f"Error: {tmp_path / 'x.yaml'}: no such file — check the path"
    )


def test_cli_compare_usage_errors_exit_2(capsys):
    code, _, err = invoke(["compare", CURRENT], capsys)
    assert code == 2 and "Missing argument 'REDESIGN'" in err
    code, _, _ = invoke(["compare", CURRENT, REDESIGN, "--format", "csv"], capsys)
    assert code == 2


def test_cli_help_has_an_example(capsys):
    for command in ("compare", "plan"):
        code, out, _ = invoke([command, "--help"], capsys)
        assert code == 0 and "Example:" in out


def test_no_traceback_on_an_invalid_map(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntitle: X\nguiding_question: Q\nstakeholders: [{id: a}]\n")
    result = subprocess.run(
        [sys.executable, "-m", "sysmap", "compare", str(bad), REDESIGN],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("Error: ") and "Traceback" not in result.stderr


def test_cli_compare_writes_the_diff_map(capsys, tmp_path: Path):
    from sysmap.htmlmap import diff_from_comparison, generate_html

    target = tmp_path / "changes.html"
    code, out, err = invoke(["compare", CURRENT, REDESIGN, "--html", str(target)], capsys)
    assert code == 0 and "What changes" in out and f"Wrote {target}" in err
    # the same page the library call draws for this pair
    current, redesign = load_map(CURRENT), load_map(REDESIGN)
    expected = generate_html(
        redesign, diff=diff_from_comparison(compare_maps(current, redesign, shifts=False))
    )
    assert target.read_text(encoding="utf-8") == expected


def test_cli_compare_changes_only(capsys):
    code, out, _ = invoke(["compare", CURRENT, REDESIGN, "--no-shifts", "--format", "json"], capsys)
    data = json.loads(out)
    assert code == 0 and data["shifts"]["computed"] is False
    assert data["changes"]["counts"]["stakeholders"]["added"] == 5


def test_given_analyses_give_the_same_shifts_without_running_again(monkeypatch):
    from sysmap.analysis import suite

    current, redesign = load_map(CURRENT), load_map(REDESIGN)
    ran = [suite.analyze(current, by="race"), suite.analyze(redesign)]
    expected = compare_maps(current, redesign).to_dict()

    def refuse(*args, **kwargs):
        raise AssertionError("the analyses were run again")

    monkeypatch.setattr(suite, "analyze", refuse)
    got = compare_maps(current, redesign, analyses=ran).to_dict()
    # the equity lens ran on one map only, so it is left out of the shifts
    assert got == expected
    with pytest.raises(BadArgument, match="one analysis per map") as info:
        compare_maps(current, redesign, analyses=ran[:1])
    assert info.value.argument == "analyses"


# ---------------------------------------------------- the quick paths give the same answer


def test_an_identical_relationship_whose_end_is_mapped_away_is_rewired():
    # Every field equal on both sides, but the mapping says 'shelter' is 'ce' now: the
    # same link in the later map still points at 'shelter', so one end moved.
    a, b = pair(
        "relationships:\n  - {id: r1, from: shelter, to: board, kind: refers}\n",
        "relationships:\n  - {id: r1, from: shelter, to: board, kind: refers}\n",
    )
    c = compare_maps(a, b, shifts=False, mapping={"shelter": "ce", "ce": "shelter"})
    assert words(c) == {"r1": ["rewired"]}
    (rc,) = c.changes.relationships
    assert [f.describe() for f in rc.fields] == ["from ce → shelter"]
    assert c.changes.unchanged_relationships == 0


def test_fields_outside_the_compared_ones_do_not_make_a_change():
    # Notes differ (the pair is not equal field for field) but no compared field does.
    a, b = pair(
        "relationships:\n  - {id: r1, from: pwle, to: board, kind: feedback, notes: old}\n",
        "relationships:\n  - {id: r1, from: pwle, to: board, kind: feedback, notes: new}\n",
    )
    c = compare_maps(a, b, shifts=False)
    assert c.changes.relationships == []
    assert c.changes.unchanged_relationships == 1


def test_counts_and_json_agree_with_each_kind_of_change():
    # A pair carrying two words is counted, and listed in the JSON, under both.
    a, b = pair(
        "relationships:\n"
        "  - {id: r1, from: pwle, to: board, kind: feedback, strength: 1}\n"
        "  - {id: r2, from: board, to: pwle, kind: informs}\n"
        "  - {from: shelter, to: ce, kind: refers}\n",
        "relationships:\n"
        "  - {id: r1, from: pwle, to: board, kind: feedback, strength: 3, status: proposed}\n"
        "  - {from: shelter, to: ce, kind: refers, trust: 2}\n"
        "  - {id: r3, from: ce, to: board, kind: informs}\n",
    )
    ch = compare_maps(a, b, shifts=False).changes
    counts = ch.counts()
    by_kind = ch.to_dict()["relationships"]
    for kind in RELATIONSHIP_CHANGES:
        listed = ch.relationships_by(kind)
        assert counts["relationships"][kind] == len(listed)
        assert by_kind[kind] == [rc.to_dict() for rc in listed]
    assert counts["relationships"]["status_changed"] == counts["relationships"]["formed"] == 1
    for kind in ("added", "removed", "changed"):
        assert counts["stakeholders"][kind] == len(ch.stakeholders_by(kind))


def test_writing_a_comparison_leaves_the_collector_as_it_was():
    import gc

    c = compare_maps(*pair("relationships: []\n", "relationships: []\n"), shifts=False)
    assert gc.isenabled()
    c.format_text(), c.format_markdown(), c.format_json()
    assert gc.isenabled()
