"""Write the five classic networks as networkx itself writes them.

Run from the repository root to remake the corpus (the files are committed, so
the tests read what an older or newer networkx wrote, not what this one
writes today)::

    python tests/other_tools/make_networkx_corpus.py

Davis's graph carries its two node sets as graph-level lists, which GraphML
cannot hold (networkx refuses to write them), so they are left out: a user
writing the file would have to do the same.
"""

from __future__ import annotations

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


def main() -> None:
    for name in CLASSICS:
        g = original(name)
        nx.write_graphml(g, HERE / f"{name}.graphml")
        nx.write_gexf(g, HERE / f"{name}.gexf")


if __name__ == "__main__":
    main()
