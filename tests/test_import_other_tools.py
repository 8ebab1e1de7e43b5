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

from sysmap.analysis.structure import structure
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
    assert messages[0].startswith("node 1, attribute Role: empty (and in 33 more nodes)")
    assert "--role" in messages[0]
    assert messages[1].startswith("edge 1, attribute Type: empty (and in 77 more edges)")
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
