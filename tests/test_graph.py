"""The graph view: to_graph / from_graph carry every field, both ways."""

from __future__ import annotations

import networkx as nx
import pytest

import sysmap
from helpers import EXAMPLES

MAP = """\
id: g
title: Graph
guiding_question: Q?
stakeholders:
  - {id: a, name: A, role: beneficiary, lived_experience: true, attributes: {race: Black}, power: 1}
  - {id: b, name: B, role: provider, tags: [outreach]}
  - {id: c, name: C, role: leader, power: 5}
factors:
  - {id: f1, name: Housing stock}
  - {id: f2, name: Time to housing}
relationships:
  - {from: b, to: a, kind: serves, strength: 3}
  - {from: c, to: b, kind: funds, power: {amount: 4, carries: [money]}}
  - {id: r-voice, from: a, to: c, kind: feedback, status: weak,
     evidence: [{source: workshop, asserted_by: beneficiary, date: 2026-05-01}]}
  - {from: b, to: a, kind: informs}
  - {from: f1, to: f2, kind: influences, polarity: '-'}
  - {from: f2, to: f1, kind: influences, polarity: '-'}
loops:
  - {id: l1, name: Housing loop, path: [f1, f2, f1], type: reinforcing}
"""


def test_graph_carries_every_attribute():
    g = sysmap.to_graph(sysmap.loads_map(MAP))
    assert isinstance(g, nx.MultiDiGraph)
    assert g.number_of_nodes() == 5 and g.number_of_edges() == 6
    assert g.nodes["a"]["attributes"] == {"race": "Black"}
    assert g.nodes["f1"]["element"] == "factor" and g.nodes["a"]["element"] == "stakeholder"
    assert g.edges["c", "b", 0]["power"] == {"amount": 4, "carries": ["money"]}
    assert g.edges["a", "c", "r-voice"]["evidence"][0]["asserted_by"] == "beneficiary"
    # parallel relationships between the same pair stay separate edges
    assert g.number_of_edges("b", "a") == 2
    assert g.graph["guiding_question"] == "Q?"
    assert g.graph["loops"][0]["path"] == ["f1", "f2", "f1"]


def test_round_trip_is_lossless_and_keeps_order():
    m = sysmap.loads_map(MAP)
    back = sysmap.from_graph(sysmap.to_graph(m))
    assert back == m
    assert [r.kind for r in back.relationships] == [r.kind for r in m.relationships]


def test_from_graph_accepts_an_edited_graph():
    g = sysmap.to_graph(sysmap.loads_map(MAP))
    g.add_node("d", name="D", role="leader")  # no element: a stakeholder
    g.add_edge("d", "c", kind="collaborates")
    m = sysmap.from_graph(g)
    assert m.stakeholder("d").role == "leader"
    assert m.relationships[-1].kind == "collaborates"


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_examples_round_trip_through_the_graph(path):
    m = sysmap.load_map(path)
    assert sysmap.from_graph(sysmap.to_graph(m)) == m
