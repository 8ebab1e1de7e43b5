"""The five Cypher queries in docs/neo4j.md run on a real engine and answer truly.

Each query is read from the page, run on FalkorDB against a pushed example
map, and its answer compared with what the map says (worked out here by
hand from ``examples/small.yaml``, or from the library's own analyses).
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import pytest

import neo4j_engines
from helpers import ROOT
from neo4j_engines import falkordb_uri
from sysmap.validate import load_map

DOC = ROOT / "docs" / "neo4j.md"

falkordb_folder = neo4j_engines.falkordb_folder


def queries() -> list[str]:
    return re.findall(r"```cypher\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


@pytest.fixture
def store(falkordb_folder: Path) -> Any:
    from sysmap.neo4j import connect

    store = connect(falkordb_uri(falkordb_folder), database=f"docs-{uuid.uuid4().hex[:8]}")
    small = load_map(ROOT / "examples" / "small.yaml")
    # an older version and another map, which the queries must not mix in
    store.push(small.model_copy(update={"relationships": []}), version="older")
    store.push(small)
    store.push(load_map(ROOT / "examples" / "homelessness-current.yaml"))
    yield store
    store.close()


def run(store: Any, n: int, **params: Any) -> list[dict[str, Any]]:
    return store.engine.read(queries()[n], {"map": "small", **params})


def test_the_page_has_five_queries() -> None:
    assert len(queries()) == 5


def test_voice_paths(store: Any) -> None:
    rows = run(store, 0)
    m = load_map(ROOT / "examples" / "small.yaml")
    names = {s.id: s.name for s in m.stakeholders}
    voice = {"feedback", "advocates", "represents", "informs"}
    roles = {s.id: s.role for s in m.stakeholders}
    # every one-step voice link from a beneficiary to a leader is a path of length 1
    direct = {
        (names[r.source], names[r.target])
        for r in m.relationships
        if r.kind in voice
        and roles.get(r.source) == "beneficiary"
        and roles.get(r.target) == "leader"
    }
    found = {(r["beneficiary"], r["leader"]) for r in rows if r["steps"] == 1}
    assert found == direct and direct
    for r in rows:
        assert r["path"][0] == r["beneficiary"] and r["path"][-1] == r["leader"]
        assert len(r["path"]) == r["steps"] + 1
        assert 0 <= r["weakest_link"] <= 5


def test_beneficiaries_without_voice(store: Any) -> None:
    with_voice = {r["beneficiary"] for r in run(store, 0)}
    m = load_map(ROOT / "examples" / "small.yaml")
    beneficiaries = {s.name for s in m.stakeholders if s.role == "beneficiary"}
    rows = run(store, 1)
    assert {r["beneficiary_without_voice"] for r in rows} == beneficiaries - with_voice


def test_power_by_role(store: Any) -> None:
    m = load_map(ROOT / "examples" / "small.yaml")
    roles = {s.id: s.role for s in m.stakeholders}
    want: dict[tuple[str, str], int] = {}
    for r in m.relationships:
        if r.power is not None and r.source in roles and r.target in roles:
            key = (roles[r.source], roles[r.target])
            want[key] = want.get(key, 0) + r.power.amount
    got = {
        (r["from_role"], r["to_role"]): r["power_flowing"] for r in run(store, 2) if r["to_role"]
    }
    assert got == want and want


def test_loops_through_a_stakeholder(store: Any) -> None:
    rows = run(store, 3, who="pwle")
    assert len(rows) == 1
    assert rows[0]["declared_loops"] == ["Heard and kept informed"]
    # pwle -> board -> pwle is in the map (the declared voice loop)
    assert ["pwle", "board", "pwle"] in rows[0]["cycles"]


def test_equity_by_attribute(store: Any) -> None:
    m = load_map(ROOT / "examples" / "small.yaml")
    races: dict[str, int] = {}
    for s in m.stakeholders:
        if "race" in s.attributes:
            races[str(s.attributes["race"])] = races.get(str(s.attributes["race"]), 0) + 1
    rows = run(store, 4)
    assert {r["race"]: r["stakeholders"] for r in rows} == races
