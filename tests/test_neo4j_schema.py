"""The stored layout without a database: every field has a place, names cannot clash.

These guard the schema when the model grows: a new field that the store
would silently drop fails here first. The real round trips are in
test_neo4j_store.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sysmap.model import CORE_KINDS, Relationship, Stakeholder, SystemMap
from sysmap.neo4j.schema import (
    BOOKKEEPING,
    CUSTOM_KIND_TYPE,
    JSON_FIELDS,
    RECORD_LABELS,
    _read_back,
    map_digest,
    map_to_rows,
    relationship_type,
    rows_to_map,
    stored_properties,
)
from sysmap.validate import load_map

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_every_section_of_a_map_has_a_place_in_the_graph():
    stored_elsewhere = {"id", "sysmap", "stakeholders", "factors", "relationships"}
    version_fields = {"title", "guiding_question", "community", "description", "as_of"}
    version_fields |= {"stage", "based_on", "kinds"}
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
