"""GraphML and GEXF files load, with every attribute, in independent readers.

GraphML: networkx and python-igraph. GEXF: networkx, and — igraph has no
GEXF reader — a check written here with ElementTree against the rules of the
GEXF 1.3 schema (declared typed attributes, values that parse as their type,
unique ids, edge ends that are nodes); lxml, which could validate against the
XSD itself, is not installed.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from helpers import EXAMPLES
from sysmap.formats import export_map
from sysmap.formats._xml import edge_columns, node_columns
from sysmap.validate import load_map

MAPS = sorted(EXAMPLES.glob("*.yaml"))


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(float(a), float(b))
    return bool(a == b)


@pytest.mark.parametrize("path", MAPS, ids=lambda p: p.name)
def test_graphml_in_networkx(path: Path, tmp_path: Path) -> None:
    import networkx as nx

    m = load_map(path)
    out = tmp_path / "m.graphml"
    export_map(m, "graphml", out)
    g = nx.read_graphml(out, force_multigraph=True)
    _, nodes = node_columns(m)
    _, edges = edge_columns(m)
    assert list(g.nodes) == [n["id"] for n in nodes]
    for row in nodes:
        data = g.nodes[row["id"]]
        assert set(data) == set(row) - {"id"}
        for k, v in row.items():
            if k != "id":
                assert type(data[k]) is type(v) or isinstance(v, float)
                assert _same(data[k], v), (row["id"], k)
    got = list(g.edges(data=True))
    assert len(got) == len(edges) == len(m.relationships)
    assert g.graph["title"] == m.title
    assert g.graph["guiding_question"] == m.guiding_question
    by_id = {d.get("id", (u, v, i)): d for i, (u, v, d) in enumerate(got)}
    assert len(by_id) == len(got)
    for u, v, data in got:
        row = next(
            e
            for e in edges
            if e["from"] == u
            and e["to"] == v
            and all(_same(e.get(k), data[k]) for k in data if k not in ("id", "relationship_id"))
        )
        assert set(data) - {"id", "relationship_id"} == set(row) - {"id", "from", "to"}
        assert data.get("relationship_id") == row.get("id")


@pytest.mark.parametrize("path", MAPS, ids=lambda p: p.name)
def test_graphml_in_igraph(path: Path, tmp_path: Path) -> None:
    import igraph as ig

    m = load_map(path)
    out = tmp_path / "m.graphml"
    export_map(m, "graphml", out)
    g = ig.Graph.Read_GraphML(str(out))
    ncols, nodes = node_columns(m)
    ecols, edges = edge_columns(m)
    assert g.vcount() == len(nodes) and g.ecount() == len(edges)
    assert set(g.vs.attributes()) == {n for n, _ in ncols} | {"id"}
    # igraph does not keep a GraphML edge's id attribute; relationship_id carries it
    assert set(g.es.attributes()) - {"id"} == {n for n, _ in ecols} | {"relationship_id"}
    for vertex, row in zip(g.vs, nodes, strict=True):
        assert vertex["id"] == row["id"]
        for k, v in row.items():
            assert _same(vertex[k], v), (row["id"], k)
    names = g.vs["id"]
    for edge, row in zip(g.es, edges, strict=True):
        assert (names[edge.source], names[edge.target]) == (row["from"], row["to"])
        for k, v in row.items():
            if k not in ("from", "to"):
                assert _same(edge["relationship_id" if k == "id" else k], v), (row, k)


@pytest.mark.parametrize("path", MAPS, ids=lambda p: p.name)
def test_gexf_in_networkx(path: Path, tmp_path: Path) -> None:
    import networkx as nx

    m = load_map(path)
    out = tmp_path / "m.gexf"
    export_map(m, "gexf", out)
    g = nx.read_gexf(out)
    _, nodes = node_columns(m)
    assert list(g.nodes) == [n["id"] for n in nodes]
    for row in nodes:
        data = g.nodes[row["id"]]
        for k, v in row.items():
            if k != "id":
                assert _same(data[k], v), (row["id"], k)
    mutual = sum(r.direction == "mutual" for r in m.relationships)
    # networkx adds a mutual GEXF edge both ways
    assert g.number_of_edges() == len(m.relationships) + mutual


_GEXF_TYPES = {
    "integer": int,
    "long": int,
    "double": float,
    "float": float,
    "boolean": lambda v: {"true": True, "false": False}[v],
    "string": str,
}


@pytest.mark.parametrize("path", MAPS, ids=lambda p: p.name)
def test_gexf_against_the_schema_rules(path: Path, tmp_path: Path) -> None:
    m = load_map(path)
    out = tmp_path / "m.gexf"
    export_map(m, "gexf", out)
    ns = {"g": "http://gexf.net/1.3"}
    root = ET.parse(out).getroot()
    assert root.tag == "{http://gexf.net/1.3}gexf" and root.get("version") == "1.3"
    graph = root.find("g:graph", ns)
    assert graph is not None and graph.get("defaultedgetype") == "directed"
    declared: dict[str, dict[str, tuple[str, str]]] = {}
    for block in graph.findall("g:attributes", ns):
        declared[block.get("class", "")] = {
            a.get("id", ""): (a.get("title", ""), a.get("type", ""))
            for a in block.findall("g:attribute", ns)
        }
        assert all(t in _GEXF_TYPES for _, t in declared[block.get("class", "")].values())
    ncols, nodes = node_columns(m)
    ecols, edges = edge_columns(m, measures=False)
    node_ids = []
    for el, row in zip(graph.iterfind("g:nodes/g:node", ns), nodes, strict=True):
        node_ids.append(el.get("id"))
        assert el.get("id") == row["id"] and el.get("label") == row["label"]
        values = {
            declared["node"][av.get("for", "")][0]: _GEXF_TYPES[
                declared["node"][av.get("for", "")][1]
            ](av.get("value", ""))
            for av in el.iterfind("g:attvalues/g:attvalue", ns)
        }
        assert values == {k: v for k, v in row.items() if k not in ("id", "label")}
    assert len(set(node_ids)) == len(node_ids)
    edge_ids = []
    for el, row in zip(graph.iterfind("g:edges/g:edge", ns), edges, strict=True):
        edge_ids.append(el.get("id"))
        assert el.get("source") in node_ids and el.get("target") in node_ids
        assert (el.get("source"), el.get("target")) == (row["from"], row["to"])
        assert el.get("type", "directed") == (
            "mutual" if row.get("direction") == "mutual" else "directed"
        )
        values = {
            declared["edge"][av.get("for", "")][0]: _GEXF_TYPES[
                declared["edge"][av.get("for", "")][1]
            ](av.get("value", ""))
            for av in el.iterfind("g:attvalues/g:attvalue", ns)
        }
        assert values == {
            k: v for k, v in row.items() if k not in ("id", "from", "to", "direction")
        }
    assert len(set(edge_ids)) == len(edge_ids)
