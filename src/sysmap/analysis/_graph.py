"""The working graph the analyses look at.

Which relationships count: ``existing`` and ``weak`` ones always; ``proposed``
ones only in a redesign (where they are the design); ``broken`` ones never (they
are reported by the analyses that care, such as voice and loops). A ``mutual``
relationship counts in both directions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sysmap.model import Relationship, SystemMap

if TYPE_CHECKING:  # networkx loads only for the graphs below, not for every analysis
    import networkx as nx
    import numpy as np

__all__ = [
    "counts",
    "working_relationships",
    "working_multigraph",
    "working_digraph",
    "to_igraph",
    "Ties",
    "working_ties",
]


def counts(r: Relationship, m: SystemMap, include_proposed: bool | None = None) -> bool:
    """Whether a relationship works in the system the map describes."""
    if r.status == "broken":
        return False
    if r.status == "proposed":
        return m.stage == "redesign" if include_proposed is None else include_proposed
    return True


def working_relationships(m: SystemMap, include_proposed: bool | None = None) -> list[Relationship]:
    """The relationships that count (see the module notes)."""
    return [r for r in m.relationships if counts(r, m, include_proposed)]


def _directed(rels: Iterable[Relationship]) -> Iterable[tuple[str, str, Relationship]]:
    for r in rels:
        yield r.source, r.target, r
        if r.direction == "mutual":
            yield r.target, r.source, r


def working_multigraph(
    m: SystemMap, include_proposed: bool | None = None, kinds: Iterable[str] | None = None
) -> nx.MultiDiGraph:
    """Every element as a node; every working relationship as an edge
    (mutual ones both ways), with ``relationship`` holding the model object.

    ``kinds`` keeps only relationships of those kinds.
    """
    import networkx as nx  # heavy: loaded on first use

    keep = set(kinds) if kinds is not None else None
    g = nx.MultiDiGraph()
    for s in m.stakeholders:
        g.add_node(s.id, element="stakeholder", role=s.role)
    for f in m.factors:
        g.add_node(f.id, element="factor", role="factor")
    for u, v, r in _directed(working_relationships(m, include_proposed)):
        if keep is None or r.kind in keep:
            g.add_edge(u, v, relationship=r, kind=r.kind)
    return g


def working_digraph(
    m: SystemMap,
    include_proposed: bool | None = None,
    kinds: Iterable[str] | None = None,
    stakeholders_only: bool = False,
) -> nx.DiGraph:
    """A simple directed graph: parallel relationships between one pair merge.

    Edge attributes: ``count`` (relationships merged), ``kinds`` (sorted list),
    ``strength`` (the strongest, 1 when none is recorded), ``weakest``
    (the weakest recorded strength), ``power`` (sum of power amounts),
    ``polarity`` ("+" / "-" when all merged links agree, else None).
    """
    import networkx as nx  # heavy: loaded on first use

    keep = set(kinds) if kinds is not None else None
    g = nx.DiGraph()
    for s in m.stakeholders:
        g.add_node(s.id, element="stakeholder", role=s.role)
    if not stakeholders_only:
        for f in m.factors:
            g.add_node(f.id, element="factor", role="factor")
    for u, v, r in _directed(working_relationships(m, include_proposed)):
        if keep is not None and r.kind not in keep:
            continue
        if u not in g or v not in g:
            continue
        strength = r.strength if r.strength is not None else 1.0
        power = r.power.amount if r.power is not None else 0
        data: dict[str, Any] | None = g.get_edge_data(u, v)
        if data is None:
            g.add_edge(
                u,
                v,
                count=1,
                kinds=[r.kind],
                strength=strength,
                weakest=strength,
                power=power,
                polarity=r.polarity,
            )
        else:
            data["count"] += 1
            if r.kind not in data["kinds"]:
                data["kinds"] = sorted([*data["kinds"], r.kind])
            data["strength"] = max(data["strength"], strength)
            data["weakest"] = min(data["weakest"], strength)
            data["power"] += power
            if data["polarity"] != r.polarity:
                data["polarity"] = None
    return g


def to_igraph(g: nx.DiGraph, weight: str | None = None) -> tuple[Any, list[str]]:
    """An igraph copy of a simple digraph, and the node ids by igraph index."""
    import igraph  # heavy: loaded on first use

    nodes = list(g.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    ig = igraph.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in g.edges], directed=True)
    if weight is not None:
        ig.es[weight] = [d.get(weight, 1.0) for _, _, d in g.edges(data=True)]
    return ig, nodes


@dataclass(frozen=True)
class Ties:
    """The working graph as arrays: element ids by index and merged directed ties."""

    ids: list[str]
    src: np.ndarray
    dst: np.ndarray
    strength: np.ndarray  # the strongest merged relationship; 1 when none recorded
    relationships: int  # working relationships between these elements

    @property
    def n(self) -> int:
        return len(self.ids)


def working_ties(m: SystemMap, include_proposed: bool | None, *, stakeholders_only: bool) -> Ties:
    """The working ties as arrays; factors too unless ``stakeholders_only``."""
    import numpy as np  # only the array analyses pay for numpy

    # The same ties as working_digraph(), built as arrays: on a 50k-stakeholder
    # map the networkx graph alone takes seconds.
    ids = [s.id for s in m.stakeholders]
    if not stakeholders_only:
        ids += [f.id for f in m.factors]
    index: dict[str, int] = {}
    for i, ident in enumerate(ids):
        index.setdefault(ident, i)
    us: list[int] = []
    vs: list[int] = []
    ws: list[float] = []
    count = 0
    for r in working_relationships(m, include_proposed):
        u = index.get(r.source)
        v = index.get(r.target)
        if u is None or v is None or u == v:
            continue
        count += 1
        w = 1.0 if r.strength is None else float(r.strength)
        us.append(u)
        vs.append(v)
        ws.append(w)
        if r.direction == "mutual":
            us.append(v)
            vs.append(u)
            ws.append(w)
    n = len(ids)
    codes = np.asarray(us, dtype=np.int64) * max(n, 1) + np.asarray(vs, dtype=np.int64)
    unique, inverse = np.unique(codes, return_inverse=True)
    strength = np.zeros(len(unique), dtype=np.float64)
    np.maximum.at(strength, inverse, np.asarray(ws, dtype=np.float64))
    return Ties(ids, unique // max(n, 1), unique % max(n, 1), strength, count)
