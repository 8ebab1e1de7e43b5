"""``sysmap export cypher`` on a real Cypher engine: FalkorDB embedded.

The script is run statement by statement, as ``cypher-shell`` would, and the
graph it leaves is compared with the map: nodes by label, relationships by
type and kind, their properties, the loops. Running it twice changes nothing;
with ``replace`` a stakeholder the map no longer has disappears.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

import neo4j_engines
from helpers import EXAMPLES
from neo4j_engines import falkordb_uri
from sysmap.formats.cypher import CUSTOM_KIND_TYPE, KIND_TYPES, ROLE_LABELS, generate_cypher
from sysmap.model import Relationship, Stakeholder, SystemMap
from sysmap.validate import load_map

# the engine fixtures, shared with the other Neo4j tests
falkordb_folder = neo4j_engines.falkordb_folder


def statements(script: str) -> list[str]:
    """Split a script into statements: each ends with ';' at the end of a line.

    Literals never hold a raw \\n or \\r (they are escaped), so this is exact;
    other line separators (\\u2028, \\x0b …) may sit raw inside a literal.
    """
    out: list[str] = []
    current: list[str] = []
    for line in script.rstrip("\n").split("\n"):
        if not current and line.startswith("//"):
            continue
        current.append(line)
        if line.endswith(";"):
            out.append("\n".join(current))
            current = []
    assert not current, "a statement without its ';'"
    return out


@pytest.fixture
def graph(falkordb_folder: Path) -> Any:
    from sysmap.neo4j import connect

    store = connect(falkordb_uri(falkordb_folder), database=f"script-{uuid.uuid4().hex[:8]}")
    yield store.engine
    store.close()


def run_script(engine: Any, script: str) -> None:
    for statement in statements(script):
        engine.write(statement)


def elements(engine: Any, map_id: str) -> dict[str, dict[str, Any]]:
    rows = engine.read(
        "MATCH (n:SysmapElement {map: $map}) RETURN n.id AS id, labels(n) AS labels, "
        "properties(n) AS p",
        {"map": map_id},
    )
    return {r["id"]: {"labels": set(r["labels"]), **r["p"]} for r in rows}


def relationships(engine: Any, map_id: str) -> list[dict[str, Any]]:
    return engine.read(
        "MATCH (a:SysmapElement {map: $map})-[r]->(b:SysmapElement {map: $map}) "
        "RETURN a.id AS source, b.id AS target, type(r) AS type, properties(r) AS p",
        {"map": map_id},
    )


def check_graph_matches_map(engine: Any, m: SystemMap) -> None:
    nodes = elements(engine, m.id)
    assert len(nodes) == len(m.stakeholders) + len(m.factors)
    for s in m.stakeholders:
        n = nodes[s.id]
        assert n["labels"] == {"SysmapElement", "Stakeholder", ROLE_LABELS[s.role]}
        assert (n["name"], n["role"], n.get("power")) == (s.name, s.role, s.power)
        assert n.get("tags", []) == s.tags
        # free attributes are JSON text (keys as data); plain keys also attr_KEY
        assert json.loads(n.get("attributes", "{}")) == s.attributes
        for key, value in s.attributes.items():
            if key.isidentifier() and key.isascii():
                assert n.get(f"attr_{key}") == value
    for f in m.factors:
        assert nodes[f.id]["labels"] == {"SysmapElement", "Factor"}
        assert nodes[f.id]["name"] == f.name
    rels = relationships(engine, m.id)
    assert len(rels) == len(m.relationships)
    got = sorted(
        (
            r["source"],
            r["target"],
            r["type"],
            r["p"]["kind"],
            r["p"].get("strength"),
            r["p"].get("power_amount"),
            r["p"]["status"],
        )
        for r in rels
    )
    want = sorted(
        (
            r.source,
            r.target,
            KIND_TYPES.get(r.kind, CUSTOM_KIND_TYPE),
            r.kind,
            r.strength,
            r.power.amount if r.power else None,
            r.status,
        )
        for r in m.relationships
    )
    assert got == want
    with_evidence = [r for r in rels if "evidence" in r["p"]]
    assert len(with_evidence) == sum(1 for r in m.relationships if r.evidence)
    for r in with_evidence:
        assert isinstance(json.loads(r["p"]["evidence"]), list)
    meta = engine.read("MATCH (m:SysmapMap {id: $map}) RETURN properties(m) AS p", {"map": m.id})[
        0
    ]["p"]
    assert (meta["title"], meta["guiding_question"]) == (m.title, m.guiding_question)
    if m.measures:
        assert [x["id"] for x in json.loads(meta["measures"])] == [x.id for x in m.measures]
    loops = engine.read(
        "MATCH (l:SysmapLoop {map: $map}) RETURN l.id AS id, l.path AS path, l.name AS name",
        {"map": m.id},
    )
    assert sorted((x["id"], x["name"], x["path"]) for x in loops) == sorted(
        (lp.id, lp.name, lp.path) for lp in m.loops
    )


def counts(engine: Any, map_id: str) -> tuple[int, int]:
    nodes = engine.read("MATCH (n) WHERE n.map = $map RETURN count(n) AS n", {"map": map_id})
    rels = engine.read("MATCH (a)-[r]->() WHERE a.map = $map RETURN count(r) AS n", {"map": map_id})
    return nodes[0]["n"], rels[0]["n"]


@pytest.mark.parametrize(
    "name", ["small.yaml", "homelessness-current.yaml", "homelessness-redesign.yaml"]
)
def test_the_exported_script_builds_the_map_on_a_real_engine(graph: Any, name: str) -> None:
    m = load_map(EXAMPLES / name)
    script = generate_cypher(m)
    run_script(graph, script)
    check_graph_matches_map(graph, m)
    before = counts(graph, m.id)
    run_script(graph, script)  # MERGE: a second run changes nothing
    assert counts(graph, m.id) == before
    check_graph_matches_map(graph, m)


def test_two_maps_from_scripts_do_not_mix(graph: Any) -> None:
    current = load_map(EXAMPLES / "homelessness-current.yaml")
    redesign = load_map(EXAMPLES / "homelessness-redesign.yaml")
    run_script(graph, generate_cypher(current))
    run_script(graph, generate_cypher(redesign))
    check_graph_matches_map(graph, current)
    check_graph_matches_map(graph, redesign)


def test_replace_removes_what_the_map_no_longer_has(graph: Any) -> None:
    m = load_map(EXAMPLES / "small.yaml")
    run_script(graph, generate_cypher(m))
    gone = m.stakeholders[0].id
    smaller = m.model_copy(
        update={
            "stakeholders": m.stakeholders[1:],
            "relationships": [r for r in m.relationships if gone not in (r.source, r.target)],
            "loops": [lp for lp in m.loops if gone not in lp.path],
        }
    )
    run_script(graph, generate_cypher(smaller, replace=True))
    check_graph_matches_map(graph, smaller)
    assert gone not in elements(graph, m.id)


# FalkorDB cannot parse a backtick inside a backtick-quoted name (Neo4j doubles it),
# so attribute names here avoid backticks; every other character is fair game.
NASTY = [
    "O'Brien",
    "back\\slash\\'",
    "}) DETACH DELETE n //",
    "`Person`) MERGE (x:Admin",
    "{braces} and $params",
    "line\nbreak\r\tand \u2028 sep",
    "// not a comment",
    "*/ /* block",
    "é 中文 \U0001f600",
    "controls \x01 \x0b \b \f \x1c \x7f \x85 end",
]


def test_text_in_the_map_stays_text_on_a_real_engine(graph: Any) -> None:
    m = SystemMap(
        id="inj",
        title=NASTY[2],
        guiding_question=NASTY[0],
        stakeholders=[
            Stakeholder(
                id=f"s{i}",
                name=text,
                role=("beneficiary", "provider", "leader")[i % 3],
                description=text,
                tags=[text, "x"],
                attributes={"k}) DELETE n //": True, "a b'c": text},
            )
            for i, text in enumerate(NASTY)
        ],
        relationships=[
            Relationship(source="s0", target=f"s{i}", kind="serves", notes=text)
            for i, text in enumerate(NASTY)
        ],
    )
    canary = load_map(EXAMPLES / "small.yaml")
    run_script(graph, generate_cypher(canary))
    before = counts(graph, canary.id)
    run_script(graph, generate_cypher(m))
    check_graph_matches_map(graph, m)
    nodes = elements(graph, "inj")
    for i, text in enumerate(NASTY):
        assert nodes[f"s{i}"]["description"] == text
        assert json.loads(nodes[f"s{i}"]["attributes"])["a b'c"] == text
    notes = sorted(r["p"]["notes"] for r in relationships(graph, "inj"))
    assert notes == sorted(NASTY)
    assert counts(graph, canary.id) == before
