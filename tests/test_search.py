"""The breadth-first search the analyses share (sysmap.analysis._search),
checked against networkx on graphs Hypothesis makes."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sysmap.analysis._search import hops, neighbours


@st.composite
def graphs(draw: st.DrawFn) -> tuple[int, list[tuple[int, int]]]:
    n = draw(st.integers(1, 25))
    pair = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))
    return n, draw(st.lists(pair, max_size=60))


@settings(max_examples=300)
@given(graph=graphs(), data=st.data())
def test_hops_are_networkx_shortest_path_lengths(
    graph: tuple[int, list[tuple[int, int]]], data: st.DataObject
) -> None:
    n, edges = graph
    sources = data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=4))
    limit = data.draw(st.none() | st.integers(0, 6))
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    g.add_edges_from(edges)
    src = np.array([u for u, _ in edges], dtype=np.int64)
    dst = np.array([v for _, v in edges], dtype=np.int64)
    got = hops(neighbours(n, src, dst), sources, limit)
    want = nx.multi_source_dijkstra_path_length(g, set(sources), cutoff=limit)
    assert got.tolist() == [float(want[v]) if v in want else math.inf for v in range(n)]
