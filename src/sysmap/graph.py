"""The graph view of a map: a networkx MultiDiGraph carrying every field.

Nodes are stakeholders and factors (``element`` says which); edges are
relationships, keyed by their id (or a running number when they have none);
the graph's own attributes hold the rest of the map. :func:`from_graph`
turns the graph back into the same map.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from sysmap._gc import gc_paused
from sysmap.model import Factor, Relationship, Stakeholder, SystemMap

__all__ = ["to_graph", "from_graph"]

_ELEMENT_SECTIONS = {"stakeholders", "factors", "relationships"}
_ORDER = "relationship_order"


@gc_paused()
def to_graph(m: SystemMap) -> nx.MultiDiGraph:
    """Turn a map into a MultiDiGraph that carries every field.

    Node attributes are the stakeholder's or factor's fields plus
    ``element`` ("stakeholder" or "factor"); edge attributes are the
    relationship's fields (``source``/``target`` are the edge's ends). The
    graph attributes hold the map's metadata and its other sections.

    Example
    -------
    >>> from sysmap.mapfile import loads_map
    >>> m = loads_map('''{"id": "m", "title": "M", "guiding_question": "Who decides?",
    ...   "stakeholders": [{"id": "tenants", "name": "Tenants", "role": "beneficiary"},
    ...                    {"id": "council", "name": "Council", "role": "leader"}],
    ...   "relationships": [{"from": "tenants", "to": "council", "kind": "feedback"}]}''', "json")
    >>> g = to_graph(m)
    >>> g.nodes["tenants"]["role"], list(g.edges(keys=True, data="kind"))
    ('beneficiary', [('tenants', 'council', 0, 'feedback')])
    >>> from_graph(g) == m
    True
    """
    g = nx.MultiDiGraph()
    g.graph.update(m.model_dump(exclude=_ELEMENT_SECTIONS))
    for s in m.stakeholders:
        g.add_node(s.id, element="stakeholder", **s.model_dump(exclude={"id"}))
    for f in m.factors:
        g.add_node(f.id, element="factor", **f.model_dump(exclude={"id"}))
    order = []
    for r in m.relationships:
        attrs = r.model_dump(exclude={"source", "target"})
        key = g.add_edge(r.source, r.target, key=r.id, **attrs)
        order.append((r.source, r.target, key))
    g.graph[_ORDER] = order
    return g


@gc_paused()
def from_graph(g: nx.MultiDiGraph) -> SystemMap:
    """Turn a graph made by :func:`to_graph` (and perhaps edited) back into a map.

    Nodes without ``element: factor`` are stakeholders. Relationships keep
    the order they had in the map when the graph still records it.

    Raises
    ------
    pydantic.ValidationError
        A node or edge lacks a required field (a stakeholder without role …).
    """
    meta: dict[str, Any] = {k: v for k, v in g.graph.items() if k != _ORDER}
    stakeholders, factors = [], []
    for node, data in g.nodes(data=True):
        fields = {k: v for k, v in data.items() if k != "element"}
        if data.get("element") == "factor":
            factors.append(Factor.model_validate({"id": node, **fields}))
        else:
            stakeholders.append(Stakeholder.model_validate({"id": node, **fields}))
    edges = list(g.edges(keys=True))
    recorded = g.graph.get(_ORDER)
    if (
        recorded is not None
        and len(recorded) == len(edges)
        and all(g.has_edge(u, v, k) for u, v, k in recorded)
    ):
        edges = [tuple(e) for e in recorded]
    relationships = [
        Relationship.model_validate({**g.edges[u, v, k], "source": u, "target": v})
        for u, v, k in edges
    ]
    return SystemMap.model_validate(
        {**meta, "stakeholders": stakeholders, "factors": factors, "relationships": relationships}
    )
