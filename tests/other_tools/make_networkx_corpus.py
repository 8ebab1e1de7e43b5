"""Write the five classic networks as networkx itself writes them.

Run from the repository root to remake the corpus (the files are committed, so
the tests read what an older or newer networkx wrote, not what this one
writes today)::

    python tests/other_tools/make_networkx_corpus.py

Besides networkx's own GraphML and GEXF it writes the kite as an adjacency
matrix CSV, the Florentine families as an adjacency matrix in a workbook, and
Les Misérables as the edge table Gephi's data laboratory exports.

Davis's graph carries its two node sets as graph-level lists, which GraphML
cannot hold (networkx refuses to write them), so they are left out: a user
writing the file would have to do the same.
"""

from __future__ import annotations

import csv
from pathlib import Path

import networkx as nx

HERE = Path(__file__).parent

#: name -> the networkx function that builds the original graph.
CLASSICS = {
    "krackhardt-kite": nx.krackhardt_kite_graph,
    "florentine-families": nx.florentine_families_graph,
    "karate-club": nx.karate_club_graph,
    "davis-southern-women": nx.davis_southern_women_graph,
    "les-miserables": nx.les_miserables_graph,
}


def original(name: str) -> nx.Graph:
    """The classic graph as networkx builds it, without graph-level lists."""
    g = CLASSICS[name]()
    for key in ("top", "bottom"):
        g.graph.pop(key, None)
    return g


def write_adjacency_csv(g: nx.Graph, path: Path) -> None:
    """The graph as an adjacency matrix CSV, as a spreadsheet user would save it."""
    nodes = list(g)
    matrix = nx.to_numpy_array(g, nodelist=nodes, weight=None)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["", *nodes])
        for v, row in zip(nodes, matrix, strict=True):
            w.writerow([v, *(int(x) for x in row)])


def write_adjacency_xlsx(g: nx.Graph, path: Path) -> None:
    """The same matrix in a workbook's first sheet."""
    import openpyxl

    nodes = list(g)
    matrix = nx.to_numpy_array(g, nodelist=nodes, weight=None)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([None, *nodes])
    for v, row in zip(nodes, matrix, strict=True):
        ws.append([v, *(int(x) for x in row)])
    wb.save(path)


def write_gephi_edge_table(g: nx.Graph, path: Path) -> None:
    """The edges as Gephi's data laboratory exports them (Source, Target, Type, Id,
    Label, timeset, Weight)."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Source", "Target", "Type", "Id", "Label", "timeset", "Weight"])
        for i, (u, v, d) in enumerate(g.edges(data=True)):
            w.writerow([u, v, "Undirected", i, "", "", float(d.get("weight", 1.0))])


def main() -> None:
    for name in CLASSICS:
        g = original(name)
        nx.write_graphml(g, HERE / f"{name}.graphml")
        nx.write_gexf(g, HERE / f"{name}.gexf")
    write_adjacency_csv(original("krackhardt-kite"), HERE / "krackhardt-kite-adjacency.csv")
    write_adjacency_xlsx(
        original("florentine-families"), HERE / "florentine-families-adjacency.xlsx"
    )
    write_gephi_edge_table(original("les-miserables"), HERE / "les-miserables-edges.csv")


if __name__ == "__main__":
    main()
