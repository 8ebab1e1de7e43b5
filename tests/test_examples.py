"""Every bundled example loads, validates cleanly, round-trips and survives edits."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import sysmap
from helpers import EXAMPLES

MAPS = sorted(EXAMPLES.glob("*.yaml"))


def test_the_examples_are_there():
    names = {p.name for p in MAPS}
    assert {"homelessness-current.yaml", "homelessness-redesign.yaml", "small.yaml"} <= names


@pytest.mark.parametrize("path", MAPS, ids=lambda p: p.name)
def test_example_is_valid_without_warnings(path: Path):
    report = sysmap.validate_file(path)
    assert report.ok, report.format_text()
    assert report.warnings == [], report.format_text()


@pytest.mark.parametrize("path", MAPS, ids=lambda p: p.name)
@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_example_round_trips_through_text(path: Path, fmt: str):
    m = sysmap.load_map(path)
    text = sysmap.dumps_map(m, fmt)  # type: ignore[arg-type]
    assert sysmap.loads_map(text, fmt) == m  # type: ignore[arg-type]
    assert not re.search(r"strength: \d+\.0\b", text), "whole numbers are written whole"


@pytest.mark.parametrize("path", MAPS, ids=lambda p: p.name)
def test_editing_an_example_keeps_its_comments(path: Path, copy_example):
    target = copy_example(path.name)
    before = target.read_text()
    m = sysmap.load_map(target)
    first = m.stakeholders[0].id
    sysmap.set_field(target, first, "interest", 3)
    after = target.read_text()
    comments = lambda text: re.findall(r"#[^\n]*", text)  # noqa: E731
    assert comments(after) == comments(before)
    assert sum(a != b for a, b in zip(before.splitlines(), after.splitlines(), strict=False)) <= 2


def test_current_example_covers_the_domain():
    m = sysmap.load_map(EXAMPLES / "homelessness-current.yaml")
    assert 30 <= len(m.stakeholders) <= 60
    assert {s.role for s in m.stakeholders} == {"beneficiary", "provider", "leader"}
    assert set(sysmap.CORE_KINDS) <= {r.kind for r in m.relationships}
    assert {"weak", "broken"} <= {r.status for r in m.relationships}
    assert any(s.lived_experience for s in m.stakeholders)
    assert any(s.sensitive for s in m.stakeholders)
    assert m.loops and m.factors and m.indicators and m.assessments and m.measures
    assert any(d for i in m.indicators for d in i.disaggregations)
    coordinator = [g for g in m.guiding_team if "Lived Experience Engagement" in g.name]
    assert coordinator and len(coordinator[0].responsibilities) == 10
    holders = [m.stakeholder(s) for s in coordinator[0].accepted_by]
    assert any(s.lived_experience for s in holders)


def test_redesign_example_is_based_on_the_current_one():
    current = sysmap.load_map(EXAMPLES / "homelessness-current.yaml")
    redesign = sysmap.load_map(EXAMPLES / "homelessness-redesign.yaml")
    assert redesign.stage == "redesign" and redesign.based_on == current.id
    assert redesign.guiding_question
    assert any(r.change for r in redesign.relationships)


def test_small_example_counts_match_its_hand_computation():
    # the figures in the comment at the top of examples/small.yaml
    s = sysmap.summarize(sysmap.load_map(EXAMPLES / "small.yaml"))
    assert s.stakeholders_by_role == {"beneficiary": 3, "provider": 3, "leader": 3}
    assert s.lived_experience == 3 and s.factors == 3 and s.loops == 1
    assert s.relationships_by_kind == {
        "serves": 3,
        "feedback": 2,
        "informs": 2,
        "refers": 2,
        "funds": 2,
        "influences": 2,
        "governs": 1,
        "contracts": 1,
    }
    assert s.relationships_by_status == {"existing": 14, "weak": 1}
