"""Files other tools wrote import as they are, and the numbers stay true.

The corpus in ``tests/other_tools/``: the five classic networks written by
networkx's own ``write_graphml`` and ``write_gexf``
(``make_networkx_corpus.py``), a Gephi-style GEXF with weights and colours,
a Kumu blueprint and a Mental Modeler CSV written by hand the way those tools
write them. Each imports with at most ``role`` and ``kind`` given. The
expected metrics are not written down here: they are networkx's own, computed
on the original graph from ``networkx.generators`` (an independent
implementation: sysmap computes with igraph and scipy).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from sysmap.analysis._structure import structure
from sysmap.formats import import_map

CORPUS = Path(__file__).resolve().parent / "other_tools"
_spec = importlib.util.spec_from_file_location("corpus", CORPUS / "make_networkx_corpus.py")
assert _spec is not None and _spec.loader is not None
corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(corpus)

CLASSICS = sorted(corpus.CLASSICS)
TOL = 1e-6  # sysmap rounds its figures to 6 decimals


def _import(name: str, fmt: str, **options: Any) -> Any:
    return import_map(
        fmt, CORPUS / f"{name}.{fmt}", role="provider", kind="collaborates", **options
    )


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
@pytest.mark.parametrize("name", CLASSICS)
def test_classic_network_metrics_equal_networkx(name: str, fmt: str) -> None:
    g = corpus.original(name)
    result = _import(name, fmt)
    m = result.map
    assert len(m.stakeholders) == g.number_of_nodes()
    assert len(m.relationships) == g.number_of_edges()
    assert all(r.direction == "mutual" for r in m.relationships)
    s = structure(m)
    assert s.density == pytest.approx(nx.density(g), abs=TOL)
    # the map's names are the original node ids; its ids may have been made safe
    row = {r["name"]: r for r in s.stakeholders}
    assert set(row) == {str(v) for v in g}
    checks = {
        "betweenness": nx.betweenness_centrality(g),
        "closeness": nx.closeness_centrality(g),
        "pagerank": nx.pagerank(g, weight=None, tol=1e-12, max_iter=10_000),
    }
    for metric, expected in checks.items():
        for v, value in expected.items():
            assert row[str(v)][metric] == pytest.approx(value, abs=TOL), (metric, v)
    for v, d in g.degree():
        assert row[str(v)]["degree"] == d
        assert row[str(v)]["in_degree"] == row[str(v)]["out_degree"] == d
    assert s.components["count"] == nx.number_connected_components(g)


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_kite_density_is_undirected(fmt: str) -> None:
    # Krackhardt's kite: 18 ties among 10 people, 18 / 45 = 0.4 (0.2 if read one-way)
    s = structure(_import("krackhardt-kite", fmt).map)
    assert s.density == 0.4
    # Diane (node 3) has the most ties, Heather (node 7) the highest betweenness
    # (Krackhardt 1990): 14 / 36 = 0.388889 of the pairs
    top = max(s.stakeholders, key=lambda r: r["betweenness"])
    assert (top["name"], top["betweenness"]) == ("7", 0.388889)


def test_unsafe_ids_are_made_from_labels() -> None:
    result = _import("davis-southern-women", "graphml")
    people = {s.name: s.id for s in result.map.stakeholders}
    assert people["Evelyn Jefferson"] == "evelyn-jefferson"
    assert people["E1"] == "E1"  # a safe id is kept as it is
    ends = {(r.source, r.target) for r in result.map.relationships}
    assert ("evelyn-jefferson", "E1") in ends
    assert any("'Evelyn Jefferson' became 'evelyn-jefferson'" in a for a in result.assumed)


def test_summary_says_what_was_assumed() -> None:
    result = _import("karate-club", "graphml")
    assert result.assumed == [
        "34 stakeholders had no role and were given role provider",
        "78 relationships had no kind and were given kind collaborates",
        "78 undirected edges read as mutual (a mutual relationship counts both ways in every "
        "analysis)",
        "78 weights (1 to 7) kept as the attribute weight; they do not fit strength's 0–5 "
        "scale, so strength is unset — use --weights rescale (-O weights=rescale) for "
        "strength = weight × 5 / 7",
    ]
    assert all("assumed: " + a in result.messages() for a in result.assumed)


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_weights_kept_and_rescaled(fmt: str) -> None:
    g = corpus.original("karate-club")
    plain = _import("karate-club", fmt).map
    weight = {(r.source, r.target): r.attributes["weight"] for r in plain.relationships}
    assert weight == {(str(u), str(v)): d["weight"] for u, v, d in g.edges(data=True)}
    assert all(r.strength is None for r in plain.relationships)
    scaled = _import("karate-club", fmt, weights="rescale").map
    # the largest karate weight is 7: strength = weight × 5 / 7
    for r in scaled.relationships:
        assert r.strength == pytest.approx(r.attributes["weight"] * 5 / 7, abs=1e-4)


def test_without_role_or_kind_one_message_each() -> None:
    from sysmap.errors import MapInvalid

    with pytest.raises(MapInvalid) as caught:
        import_map("graphml", CORPUS / "karate-club.graphml")
    messages = [p.message for p in caught.value.problems]
    assert len(messages) == 2
    # named as the file names them: GraphML keys role and kind, not sheet columns
    assert messages[0].startswith("node 1, attribute role: empty (and in 33 more nodes)")
    assert "--role" in messages[0]
    assert messages[1].startswith("edge 1, attribute kind: empty (and in 77 more edges)")
    assert "--kind" in messages[1]


def test_gephi_gexf_weights_colours_and_labels() -> None:
    result = import_map(
        "gexf", CORPUS / "gephi-coalition.gexf", role="provider", kind="collaborates"
    )
    m = result.map
    by_name = {s.name: s for s in m.stakeholders}
    assert by_name["Food bank"].attributes["color"] == "#1f77b4"  # r=31 g=119 b=180
    assert by_name["Mayor's office"].attributes["Sector"] == "government"
    rels = {r.id: r for r in m.relationships}
    assert [rels[i].attributes["weight"] for i in "0123"] == [3.0, 12.0, 8.5, 1.0]
    assert rels["2"].direction == "mutual" and rels["1"].direction == "one-way"
    # a free-text edge label is not a kind: kept as the attribute label
    assert rels["3"].attributes["label"] == "Funding 2024"
    assert {r.kind for r in m.relationships} == {"collaborates"}
    # weights 1 to 12 do not fit strength's 0–5: strength stays unset
    assert all(r.strength is None for r in m.relationships)


def test_cli_import_prints_assumptions(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from sysmap.cli import cli

    out = tmp_path / "kite.yaml"
    res = CliRunner().invoke(
        cli,
        [
            "import",
            "graphml",
            str(CORPUS / "krackhardt-kite.graphml"),
            "-o",
            str(out),
            "--role",
            "provider",
            "--kind",
            "collaborates",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "assumed: 18 undirected edges read as mutual" in res.stderr
    assert out.exists()


# ---------------------------------------------------------------- Kumu


def test_kumu_blueprint_as_kumu_writes_it() -> None:
    result = import_map("kumu", CORPUS / "kumu-blueprint.json")
    m = result.map
    ids = {s.name: s.id for s in m.stakeholders}
    group, board = ids["Lived Experience Working Group"], ids["CoC Board"]
    rels = {(r.source, r.target): r for r in m.relationships}
    feedback = rels[(group, board)]  # from/to were Kumu _ids: elem-a1b2c3d4 → elem-e5f6a7b8
    assert feedback.kind == "feedback"
    assert feedback.attributes["tags"] == "monthly|in person"  # a tags list, kept
    assert rels[(board, ids["Street Outreach Team"])].kind == "shares_data"
    # directed / mutual / undirected
    assert feedback.direction == "one-way"
    assert rels[(ids["Street Outreach Team"], group)].direction == "mutual"
    assert rels[(ids["City Council"], board)].direction == "mutual"
    assert m.loops[0].path == [group, board, ids["Street Outreach Team"], group]
    stakeholder = {s.id: s for s in m.stakeholders}[group]
    assert stakeholder.type == "Group" and stakeholder.tags == ["lived experience", "advisory"]


def test_kumu_round_trip_keeps_types_as_kumu_wrote_them(tmp_path: Path) -> None:
    import json

    from sysmap.formats import export_map

    m = import_map("kumu", CORPUS / "kumu-blueprint.json").map
    out = tmp_path / "back.json"
    export_map(m, "kumu", out)
    data = json.loads(out.read_text())
    types = [c["type"] for c in data["connections"]]
    assert types == ["Feedback", "Shares Data", "Collaborates", "Peer Review"]
    assert data["connections"][0]["tags"] == ["monthly", "in person"]
    directions = [c["direction"] for c in data["connections"]]
    assert directions == ["directed", "directed", "mutual", "mutual"]
    # what Kumu reads: every value a string, number, boolean or list of strings
    for part in ("elements", "connections"):
        for item in data[part]:
            for value in item.values():
                assert isinstance(value, str | int | float | bool) or (
                    isinstance(value, list) and all(isinstance(v, str) for v in value)
                ), value
    assert import_map("kumu", out).map == m


@pytest.mark.parametrize("name", CLASSICS)
def test_clustering_eigenvector_and_centralization_equal_networkx(name: str) -> None:
    g = corpus.original(name)
    s = structure(_import(name, "graphml").map)
    row = {r["name"]: r for r in s.stakeholders}
    clustering = nx.clustering(g)
    eigen = nx.eigenvector_centrality_numpy(g)
    top = max(eigen.values())
    for v in g:
        assert row[str(v)]["clustering"] == pytest.approx(clustering[v], abs=TOL)
        if nx.is_connected(g):  # see docs/analyses.md: a map in parts is measured whole
            assert row[str(v)]["eigenvector"] == pytest.approx(eigen[v] / top, abs=TOL)
    assert s.clustering["average"] == pytest.approx(nx.average_clustering(g), abs=TOL)
    assert s.clustering["transitivity"] == pytest.approx(nx.transitivity(g), abs=TOL)
    # Freeman's undirected degree centralization, written out: a star scores 1
    n = g.number_of_nodes()
    degrees = [d for _, d in g.degree()]
    freeman = sum(max(degrees) - d for d in degrees) / ((n - 1) * (n - 2))
    assert s.centralization["degree"] == pytest.approx(freeman, abs=TOL)


@pytest.mark.parametrize("name", ["karate-club", "les-miserables"])
def test_weighted_variants_equal_networkx(name: str) -> None:
    g = corpus.original(name)
    s = structure(_import(name, "graphml", weights="rescale").map)
    top = max(w for _, _, w in g.edges(data="weight"))
    for _, _, d in g.edges(data=True):
        # what the import did: strength = weight × 5 / the largest weight, 4 decimals
        d["strength"] = round(d["weight"] * 5 / top, 4)
        d["length"] = 1 / d["strength"]  # a stronger tie is a shorter step
    row = {r["name"]: r["weighted"] for r in s.stakeholders}
    checks = {
        "betweenness_weighted": nx.betweenness_centrality(g, weight="length"),
        "closeness_weighted": nx.closeness_centrality(g, distance="length"),
        "pagerank_weighted": nx.pagerank(g, weight="strength", tol=1e-12, max_iter=10_000),
        "strength_in": dict(g.degree(weight="strength")),
    }
    for metric, expected in checks.items():
        for v, value in expected.items():
            assert row[str(v)][metric] == pytest.approx(value, abs=TOL), (metric, v)


# ------------------------------------------------ adjacency matrices and edge lists


def _same_metrics_as_networkx(m: Any, g: nx.Graph) -> None:
    s = structure(m)
    assert s.density == pytest.approx(nx.density(g), abs=TOL)
    row = {r["name"]: r for r in s.stakeholders}
    assert set(row) == {str(v) for v in g}
    for metric, expected in {
        "betweenness": nx.betweenness_centrality(g),
        "closeness": nx.closeness_centrality(g),
        "clustering": nx.clustering(g),
    }.items():
        for v, value in expected.items():
            assert row[str(v)][metric] == pytest.approx(value, abs=TOL), (metric, v)
    for v, d in g.degree():
        assert row[str(v)]["degree"] == d


@pytest.mark.parametrize(
    "file, name",
    [
        ("krackhardt-kite-adjacency.csv", "krackhardt-kite"),
        ("florentine-families-adjacency.xlsx", "florentine-families"),
    ],
)
def test_adjacency_matrix_csv_and_xlsx(file: str, name: str) -> None:
    result = import_map("adjacency", CORPUS / file, role="provider", kind="collaborates")
    assert result.assumed[0].startswith("the matrix is symmetric, so it was read as undirected")
    _same_metrics_as_networkx(result.map, corpus.original(name))
    # forced directed: two one-way relationships a pair, the same ties
    directed = import_map(
        "adjacency", CORPUS / file, role="provider", kind="collaborates", directed="true"
    ).map
    assert len(directed.relationships) == 2 * len(result.map.relationships)
    _same_metrics_as_networkx(directed, corpus.original(name))


def test_gephi_edge_table() -> None:
    g = corpus.original("les-miserables")
    result = import_map(
        "edge-list", CORPUS / "les-miserables-edges.csv", role="provider", kind="collaborates"
    )
    m = result.map
    # Gephi's Type column (Undirected) is the direction, not the kind
    assert {r.kind for r in m.relationships} == {"collaborates"}
    assert all(r.direction == "mutual" for r in m.relationships)
    _same_metrics_as_networkx(m, g)
    weights = {(r.source, r.target): r.attributes["weight"] for r in m.relationships}
    assert sorted(weights.values()) == sorted(float(w) for _, _, w in g.edges(data="weight"))


def test_edge_list_columns_named_by_options() -> None:
    from sysmap.formats.edge_list import parse_edge_list

    text = "Org A,Org B,Tie,Since\nShelter,Outreach,refers,2019\nOutreach,Board,informs,2021\n"
    m = parse_edge_list(text, role="provider", source="Org A", target="org b", type="Tie")
    assert [(r.source, r.target, r.kind, r.attributes["Since"]) for r in m.relationships] == [
        ("shelter", "outreach", "refers", 2019),
        ("outreach", "board", "informs", 2021),
    ]
    from sysmap.errors import MapInvalid

    with pytest.raises(MapInvalid) as caught:
        parse_edge_list(text, role="provider", source="Orga A", target="Org B")
    assert caught.value.problems[0].message == (
        "row 1: no column 'Orga A' (option source) — did you mean 'Org A'? — the columns are "
        "Org A, Org B, Tie, Since"
    )


# ------------------------------------------------ Mental Modeler


MM = CORPUS / "mental-modeler-housing.csv"


def _mm_graph() -> nx.DiGraph:
    """The Mental Modeler matrix read with the csv module, as a networkx digraph."""
    import csv

    with open(MM, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    g = nx.DiGraph()
    for row in rows[1:]:
        for target, cell in zip(rows[0][1:], row[1:], strict=True):
            if float(cell):
                g.add_edge(row[0], target, weight=float(cell))
    return g


def test_mental_modeler_matrix_imports_as_factors_and_weighted_links() -> None:
    from sysmap.analysis._loops import loops

    result = import_map("mental-modeler", MM)
    m = result.map
    g = _mm_graph()
    assert not m.stakeholders and len(m.factors) == 8
    names = {f.id: f.name for f in m.factors}
    got = {(names[r.source], names[r.target]): r for r in m.relationships}
    assert set(got) == set(g.edges)
    for (a, b), r in got.items():
        w = g.edges[a, b]["weight"]
        assert (r.kind, r.weight, r.polarity) == ("influences", w, "-" if w < 0 else "+")
        assert r.strength == abs(w) * 5
    # every cycle networkx finds, typed by the product of its signs
    want: dict[str, int] = {"reinforcing": 0, "balancing": 0}
    for cycle in nx.simple_cycles(g):
        signs = [
            g.edges[a, b]["weight"] < 0 for a, b in zip(cycle, cycle[1:] + cycle[:1], strict=True)
        ]
        want["balancing" if sum(signs) % 2 else "reinforcing"] += 1
    counts = loops(m, max_length=8).counts()
    assert (counts["reinforcing"], counts["balancing"], counts["untyped"]) == (
        want["reinforcing"],
        want["balancing"],
        0,
    )


def test_mental_modeler_round_trip(tmp_path: Path) -> None:
    from sysmap.formats import export_map

    m = import_map("mental-modeler", MM).map
    out = tmp_path / "back.csv"
    # a matrix has no place for the map's own fields; everything else is carried
    assert export_map(m, "mental-modeler", out).dropped == ["guiding_question", "id", "title"]
    back = import_map(
        "mental-modeler", out, id=m.id, title=m.title, guiding_question=m.guiding_question
    ).map
    assert back == m
    assert out.read_text().splitlines()[0] == MM.read_text().splitlines()[0]


def test_mental_modeler_weight_outside_range() -> None:
    from sysmap.errors import MapInvalid
    from sysmap.formats.mental_modeler import parse_mental_modeler

    with pytest.raises(MapInvalid) as caught:
        parse_mental_modeler(",A,B\nA,0,3\nB,0.5,0\n", file="m.csv")
    problem = caught.value.problems[0]
    assert problem.file == "m.csv"
    assert problem.message == (
        "row 2, column B: 3 is outside Mental Modeler's −1 to 1 — check the file is a "
        "Mental Modeler matrix (or import it as adjacency)"
    )


def _directed_metrics_equal(m: Any, g: nx.DiGraph, name_of: dict[Any, str]) -> None:
    """sysmap's directed figures against networkx's on the same graph (closeness:
    sysmap's is outgoing, networkx's incoming, hence the reversed graph)."""
    s = structure(m)
    assert s.density == pytest.approx(nx.density(g), abs=TOL)
    row = {r["name"]: r for r in s.stakeholders}
    for metric, expected in {
        "betweenness": nx.betweenness_centrality(g),
        "closeness": nx.closeness_centrality(g.reverse(copy=True)),
        "pagerank": nx.pagerank(g, weight=None, tol=1e-12, max_iter=10_000),
    }.items():
        for v, value in expected.items():
            assert row[name_of[v]][metric] == pytest.approx(value, abs=TOL), (metric, v)


def test_gephi_gexf_metrics_equal_networkx() -> None:
    # networkx's GEXF reader refuses a directed file with an undirected edge (Gephi
    # writes them), so the graph is read here with ElementTree: the undirected edge
    # both ways
    import xml.etree.ElementTree as ET

    root = ET.parse(CORPUS / "gephi-coalition.gexf").getroot()
    ns = {"g": "http://gexf.net/1.3"}
    g = nx.DiGraph()
    labels = {n.get("id"): n.get("label") for n in root.iterfind(".//g:node", ns)}
    g.add_nodes_from(labels)
    for e in root.iterfind(".//g:edge", ns):
        g.add_edge(e.get("source"), e.get("target"))
        if e.get("type") == "undirected":
            g.add_edge(e.get("target"), e.get("source"))
    assert g.number_of_edges() == 5  # 4 edges, one of them undirected
    m = import_map(
        "gexf", CORPUS / "gephi-coalition.gexf", role="provider", kind="collaborates"
    ).map
    _directed_metrics_equal(m, g, labels)


def test_kumu_blueprint_metrics_equal_networkx() -> None:
    import json

    data = json.loads((CORPUS / "kumu-blueprint.json").read_text())
    label = {e["_id"]: e["attributes"]["label"] for e in data["elements"]}
    g = nx.DiGraph()
    g.add_nodes_from(label.values())
    for c in data["connections"]:
        g.add_edge(label[c["from"]], label[c["to"]])
        if c["direction"] in ("mutual", "undirected"):
            g.add_edge(label[c["to"]], label[c["from"]])
    m = import_map("kumu", CORPUS / "kumu-blueprint.json").map
    # 4 elements; 4 connections, the mutual and the undirected one each both ways
    assert len(m.stakeholders) == g.number_of_nodes() == 4 and g.number_of_edges() == 6
    _directed_metrics_equal(m, g, {v: v for v in g})


def test_weighted_variants_with_equal_strengths_equal_networkx() -> None:
    # every tie strength 2: the shortcut (the unweighted paths, each step 1/2 long)
    # against networkx's weighted computation
    g = corpus.original("florentine-families")
    m = _import("florentine-families", "graphml").map
    for r in m.relationships:
        r.strength = 2
    nx.set_edge_attributes(g, 0.5, "length")
    row = {r["name"]: r["weighted"] for r in structure(m).stakeholders}
    checks = {
        "betweenness_weighted": nx.betweenness_centrality(g, weight="length"),
        "closeness_weighted": nx.closeness_centrality(g, distance="length"),
        "pagerank_weighted": nx.pagerank(g, weight=None, tol=1e-12, max_iter=10_000),
        "strength_out": {v: 2 * d for v, d in g.degree()},
    }
    for metric, expected in checks.items():
        for v, value in expected.items():
            assert row[str(v)][metric] == pytest.approx(value, abs=TOL), (metric, v)


def test_yed_graphml_labels_become_names() -> None:
    # yEd keeps labels inside its graphics data (y:NodeLabel, y:EdgeLabel)
    m = import_map("graphml", CORPUS / "yed-partners.graphml", role="provider", kind="informs").map
    assert [(s.id, s.name) for s in m.stakeholders] == [
        ("n0", "Hope House"),
        ("n1", "Outreach Team"),
        ("n2", "CoC Board"),
    ]
    assert m.stakeholders[1].description == "Street outreach, city-funded"
    assert [(r.source, r.target) for r in m.relationships] == [("n0", "n1"), ("n1", "n2")]
    assert m.relationships[0].attributes == {"label": "refers people"}
