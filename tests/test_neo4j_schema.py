"""The stored layout without a database: every field has a place, names cannot clash.

These guard the schema when the model grows: a new field that the store
would silently drop fails here first. The real round trips are in
test_neo4j_store.py.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from helpers import EXAMPLES
from sysmap.model import CORE_KINDS, Relationship, Stakeholder, SystemMap
from sysmap.neo4j.schema import (
    BOOKKEEPING,
    CUSTOM_KIND_TYPE,
    JSON_FIELDS,
    RECORD_LABELS,
    MapRows,
    _json,
    _loads,
    _read_back,
    map_digest,
    map_to_rows,
    relationship_type,
    rows_to_map,
    stored_properties,
)
from sysmap.neo4j.store import _rounding_warnings
from sysmap.validate import load_map


def test_every_section_of_a_map_has_a_place_in_the_graph():
    stored_elsewhere = {"id", "sysmap", "stakeholders", "factors", "relationships"}
    version_fields = {"title", "guiding_question", "community", "description", "as_of"}
    version_fields |= {"stage", "based_on", "kinds", "privacy", "answers"}
    assert set(SystemMap.model_fields) == stored_elsewhere | version_fields | set(RECORD_LABELS)


@pytest.mark.parametrize("model", list(JSON_FIELDS))
def test_json_fields_are_fields_and_bookkeeping_is_not(model):
    assert JSON_FIELDS[model] <= set(model.model_fields)
    assert not BOOKKEEPING & set(model.model_fields)


@pytest.mark.parametrize("model", [m for m in JSON_FIELDS if m is not SystemMap])
def test_pull_reads_every_field(model):
    read = set(stored_properties(model))
    fields = set(model.model_fields)
    if model is Relationship:
        # the ends are the nodes; power is two properties
        fields -= {"source", "target", "power"}
        assert {"power_amount", "power_carries"} <= read
    assert fields <= read


def test_relationship_types_come_from_the_vocabulary_only():
    assert relationship_type("serves") == "SERVES"
    assert relationship_type("shares_data") == "SHARES_DATA"
    for kind in ["mentors", "x`]->(n) DETACH DELETE n //", "SERVES", ""]:
        assert relationship_type(kind) == CUSTOM_KIND_TYPE
    assert {relationship_type(k) for k in CORE_KINDS} == {k.upper() for k in CORE_KINDS}


@pytest.mark.parametrize(
    "name", ["small.yaml", "homelessness-current.yaml", "homelessness-redesign.yaml"]
)
def test_rows_rebuild_the_map_without_a_database(name):
    m = load_map(EXAMPLES / name)
    rows = map_to_rows(m)
    assert rows.counts() == {
        "stakeholders": len(m.stakeholders),
        "factors": len(m.factors),
        "relationships": len(m.relationships),
        "loops": len(m.loops),
    }
    assert rows_to_map(rows.version, _read_back(rows)) == m


def test_free_attributes_are_json_and_plain_keys_get_a_queryable_copy():
    s = Stakeholder(
        id="a",
        name="A",
        role="leader",
        attributes={"race": "Black", "a`b": 1, "x y": None, "n": None},
    )
    m = SystemMap(id="m", title="T", guiding_question="Q?", stakeholders=[s])
    row = map_to_rows(m).elements["Stakeholder:Leader"][0]
    assert row["attributes"] == '{"race":"Black","a`b":1,"x y":null,"n":null}'
    # only plain names with a value are copied; the JSON stays the source of truth
    assert {k: v for k, v in row.items() if k.startswith("attr_")} == {"attr_race": "Black"}


def test_the_digest_changes_with_the_content():
    m = load_map(EXAMPLES / "small.yaml")
    assert map_digest(m) == map_digest(load_map(EXAMPLES / "small.yaml"))
    assert map_digest(m) != map_digest(m.model_copy(update={"title": "Other"}))


# what a nested field can hold once dumped: JSON values (text without lone
# surrogates, which validation refuses)
_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats()
    | st.text(st.characters(exclude_categories=("Cs",))),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(st.characters(exclude_categories=("Cs",))), inner, max_size=4)
    ),
    max_leaves=12,
)


@given(_JSON_VALUES)
@example([float("inf"), float("-inf"), float("nan"), -0.0, 2.0, 1e16, 6.103515625e-05, 2**70])
@example({"é": '\u2028\x00\x1f"\\ \U0001f600', "": {}})
def test_nested_fields_read_back_as_the_same_values(value):
    # every value must come back as it went, of the same type (2.0 not 2):
    # written out again by Python's json, the texts match (a number may be
    # spelled differently in the stored text)
    def plain(v):
        return json.dumps(v, ensure_ascii=False, separators=(",", ":"))

    assert plain(_loads(_json(value))) == plain(value)
    # text stored by earlier versions of sysmap, written by json.dumps
    assert plain(_loads(plain(value))) == plain(value)


def test_rounding_warnings_name_the_first_three_numbers_and_count_the_rest():
    falkordb = SimpleNamespace(name="FalkorDB", float_digits=15)
    rows = MapRows("m", {})
    rows.elements["Stakeholder:Leader"] = [
        # a long repr with few digits is kept as it is
        {"id": "a", "power": 1.2345678901234e-05, "attr_scores": [0.1, 1 / 3], "seq": 0}
    ]
    rows.relationships["FUNDS"] = [
        {"source": "a", "target": "b", "props": {"strength": 7 / 3, "seq": 0, "kind": "funds"}}
    ]
    rows.records["SysmapMeasure"] = [
        {"id": "m1", "value": 2 / 3, "seq": 0},
        {"seq": 1, "x": 1e-7 / 3},
    ]
    (warning,) = _rounding_warnings(rows, falkordb)  # type: ignore[arg-type]
    assert warning == (
        "FalkorDB keeps 15 significant digits, so 4 numbers will be pulled back rounded "
        "(a: attr_scores 0.3333333333333333 → 0.333333333333333; "
        "a → b: strength 2.3333333333333335 → 2.33333333333333; "
        "SysmapMeasure m1: value 0.6666666666666666 → 0.666666666666667 and 1 more) "
        "— round them in the map file to keep pull and file equal"
    )
    neo4j = SimpleNamespace(name="Neo4j", float_digits=None)
    assert _rounding_warnings(rows, neo4j) == ()  # type: ignore[arg-type]
    rows.relationships["FUNDS"][0]["props"]["strength"] = 2.5
    rows.elements["Stakeholder:Leader"][0]["attr_scores"] = [0.1]
    rows.records.clear()
    assert _rounding_warnings(rows, falkordb) == ()  # type: ignore[arg-type]
