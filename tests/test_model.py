"""The domain model: defaults, aliases, normalisation and loading."""

from __future__ import annotations

import datetime as dt

import pytest

import sysmap
from sysmap.model import Relationship, Stakeholder, SystemMap

BASE = """\
id: m
title: M
guiding_question: Q?
stakeholders:
  - {id: a, name: A, role: beneficiary, lived_experience: true}
  - {id: b, name: B, role: provider}
  - {id: c, name: C, role: leader}
"""


def test_relationship_uses_from_and_to_in_files():
    r = Relationship.model_validate({"from": "a", "to": "b", "kind": "serves"})
    assert (r.source, r.target) == ("a", "b")
    assert r.model_dump(by_alias=True, exclude_defaults=True) == {
        "from": "a",
        "to": "b",
        "kind": "serves",
    }


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("+", "+"), ("-", "-"), ("positive", "+"), ("negative", "-"), ("Same", "+"), (-1, "-")],
)
def test_polarity_accepts_the_ways_people_write_it(typed, stored):
    r = Relationship.model_validate(
        {"from": "a", "to": "b", "kind": "influences", "polarity": typed}
    )
    assert r.polarity == stored


@pytest.mark.parametrize("typed", ["shares data", "shares-data", "Shares_Data"])
def test_kind_spelling_is_normalised(typed):
    r = Relationship.model_validate({"from": "a", "to": "b", "kind": typed})
    assert r.kind == "shares_data"


@pytest.mark.parametrize("typed", ["two-way", "Mutual", "one way", "oneway"])
def test_direction_spellings(typed):
    r = Relationship.model_validate({"from": "a", "to": "b", "kind": "informs", "direction": typed})
    assert r.direction in ("mutual", "one-way")


def test_defaults_are_the_common_case():
    r = Relationship.model_validate({"from": "a", "to": "b", "kind": "serves"})
    assert (r.status, r.direction, r.evidence, r.power) == ("existing", "one-way", [], None)
    s = Stakeholder(id="x", name="X", role="leader")
    assert (s.lived_experience, s.sensitive, s.tags, s.attributes) == (False, False, [], {})


def test_numbers_typed_as_ids_and_names_become_text():
    m = sysmap.loads_map(BASE + "factors:\n  - {id: 42, name: 2025}\n")
    assert (m.factors[0].id, m.factors[0].name) == ("42", "2025")


def test_loads_map_reads_dates_and_custom_kinds():
    text = BASE + (
        "as_of: 2026-09-01\n"
        "kinds:\n  - {id: mentors, description: peer mentoring, voice: true}\n"
        "relationships:\n  - {from: a, to: c, kind: mentors}\n"
    )
    m = sysmap.loads_map(text)
    assert m.as_of == dt.date(2026, 9, 1)
    assert m.relationships[0].kind == "mentors"
    assert "mentors" in m.known_kinds()


def test_json_and_yaml_give_the_same_map():
    m = sysmap.loads_map(BASE)
    again = sysmap.loads_map(sysmap.dumps_map(m, "json"), "json")
    assert again == m
    assert sysmap.loads_map(sysmap.dumps_map(m, "yaml")) == m


def test_to_data_starts_with_the_format_version_and_skips_defaults():
    m = sysmap.loads_map(BASE)
    data = m.to_data()
    assert list(data)[:3] == ["sysmap", "id", "title"]
    assert "stage" not in data
    assert data["stakeholders"][1] == {"id": "b", "name": "B", "role": "provider"}


def test_stakeholder_lookup():
    m = sysmap.loads_map(BASE)
    assert m.stakeholder("b").role == "provider"
    with pytest.raises(KeyError):
        m.stakeholder("nobody")
    assert m.element_ids() == {"a", "b", "c"}


def test_load_map_raises_map_invalid_with_every_problem(tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text(
        BASE.replace("role: provider", "role: provder")
        + "relationships:\n  - {from: a, to: zz, kind: serves}\n"
    )
    with pytest.raises(sysmap.MapInvalid) as info:
        sysmap.load_map(f)
    messages = [p.message for p in info.value.problems if p.severity == "error"]
    assert len(messages) == 2
    assert any("unknown role 'provder'" in m and "did you mean 'provider'" in m for m in messages)
    assert any("unknown stakeholder or factor 'zz'" in m for m in messages)


def test_load_map_raises_map_file_error_for_missing_file(tmp_path):
    with pytest.raises(sysmap.MapFileError, match="no such file"):
        sysmap.load_map(tmp_path / "nope.yaml")


def test_every_error_is_a_sysmap_error():
    for cls in (
        sysmap.MapFileError,
        sysmap.MapInvalid,
        sysmap.EditError,
        sysmap.LockTimeout,
        sysmap.UnknownFormat,
        sysmap.MissingDependency,
    ):
        assert issubclass(cls, sysmap.SysmapError)


def test_validate_assignment_guards_edits_in_python():
    s = Stakeholder(id="x", name="X", role="leader")
    with pytest.raises(ValueError):
        s.power = 9
    SystemMap(id="m", title="t", guiding_question="q")  # the smallest valid map


def _big_map(n: int) -> dict:
    """A map with lists longer than one validation slice."""
    return {
        "id": "big",
        "title": "Big",
        "guiding_question": "Q?",
        "stakeholders": [
            {"id": f"s{i}", "name": f"S {i}", "role": "provider", "power": i % 5} for i in range(n)
        ],
        "relationships": [
            {
                "from": f"s{i}",
                "to": f"s{(i + 1) % n}",
                "kind": "serves",
                "evidence": [{"source": "workshop"}],
            }
            for i in range(n)
        ],
    }


def test_a_loaded_map_shares_its_field_sets_and_an_edit_gets_its_own(tmp_path):
    import copy
    import json
    import pickle

    from sysmap.rules import SLICE_ITEMS

    p = tmp_path / "big.json"
    p.write_text(json.dumps(_big_map(SLICE_ITEMS + 10)), encoding="utf-8")
    m = sysmap.load_map(p)
    first, last = m.relationships[0], m.relationships[-1]
    # one set for every relationship that wrote the same fields, across slices
    assert first.model_fields_set is last.model_fields_set
    assert first.model_fields_set == {"source", "target", "kind", "evidence"}
    assert first.evidence[0].model_fields_set is last.evidence[0].model_fields_set
    assert m.stakeholders[0].model_fields_set is m.stakeholders[-1].model_fields_set
    # an assignment gives the item a set of its own; the others keep theirs
    first.strength = 4
    assert "strength" in first.model_fields_set
    assert "strength" not in last.model_fields_set
    changed = last.model_copy(update={"notes": "met twice"})
    assert "notes" in changed.model_fields_set and "notes" not in last.model_fields_set
    deep = copy.deepcopy(m.stakeholders[1])
    deep.name = "Renamed"
    assert m.stakeholders[1].name == "S 1" and "name" in deep.model_fields_set
    back = pickle.loads(pickle.dumps(m.stakeholders[2]))
    back.power = 1
    assert back.model_fields_set == {"id", "name", "role", "power"}
    # a shared set changes nothing in what is written
    assert sysmap.load_map(p).to_data()["relationships"][-1] == {
        "from": f"s{SLICE_ITEMS + 9}",
        "to": "s0",
        "kind": "serves",
        "evidence": [{"source": "workshop"}],
    }


def test_validate_data_leaves_the_callers_data_alone():
    from sysmap.rules import SLICE_ITEMS
    from sysmap.validate import validate_data

    data = _big_map(SLICE_ITEMS + 10)
    report, model = validate_data(data)
    assert report.ok and model is not None
    assert all(isinstance(r, dict) for r in data["relationships"])
    # a loader that owns the data may let go of it as it goes
    report, again = validate_data(data, consume=True)
    assert report.ok and again is not None
    assert data["relationships"][0] is None and len(again.relationships) == SLICE_ITEMS + 10
