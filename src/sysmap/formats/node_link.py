"""Node-link JSON (networkx ``node_link_data`` layout), out only.

``{"directed": true, "multigraph": true, "graph": {...}, "nodes": [...],
"links": [...]}``: nodes carry every stakeholder and factor field plus
``element``; links carry every relationship field plus ``source``,
``target`` and ``key``; ``graph`` holds the map's other fields and
sections. Nothing is dropped, and ``networkx.node_link_graph`` reads it
back (``edges="links"``).

Example
-------
>>> from sysmap.model import Stakeholder, SystemMap
>>> m = SystemMap(id="m", title="M", guiding_question="Q?",
...     stakeholders=[Stakeholder(id="a", name="A", role="leader")])
>>> data = node_link_data(m)
>>> data["nodes"][0]["id"], data["nodes"][0]["role"], data["graph"]["title"]
('a', 'leader', 'M')
"""

from __future__ import annotations

from typing import Any

from sysmap.formats._files import PathOrFile, write_output
from sysmap.formats._json_text import dump_json_lines
from sysmap.formats._results import ExportResult
from sysmap.model import SystemMap

__all__ = ["node_link_data", "generate_node_link", "write_node_link"]

_PARTS = {"stakeholders", "factors", "relationships"}


def node_link_data(m: SystemMap) -> dict[str, Any]:
    """The map as node-link data (JSON-ready: dates as ISO text)."""
    graph = m.model_dump(mode="json", by_alias=True, exclude_defaults=True, exclude=_PARTS)
    graph = {"sysmap": m.sysmap, "id": m.id, **graph}
    nodes = [
        {"id": s.id, "element": "stakeholder", **s.model_dump(mode="json", exclude={"id"})}
        for s in m.stakeholders
    ] + [
        {"id": f.id, "element": "factor", **f.model_dump(mode="json", exclude={"id"})}
        for f in m.factors
    ]
    links = []
    seen: dict[tuple[str, str], int] = {}
    for r in m.relationships:
        pair = (r.source, r.target)
        n = seen.get(pair, 0)
        seen[pair] = n + 1
        data = r.model_dump(mode="json", exclude={"source", "target"})
        links.append({"source": r.source, "target": r.target, "key": r.id or n, **data})
    return {"directed": True, "multigraph": True, "graph": graph, "nodes": nodes, "links": links}


def generate_node_link(m: SystemMap) -> str:
    """The map as node-link JSON text."""
    return dump_json_lines(node_link_data(m))


def write_node_link(m: SystemMap, path_or_file: PathOrFile) -> ExportResult:
    """Write node-link JSON; nothing is dropped."""
    return ExportResult("node-link", write_output(path_or_file, generate_node_link(m)))
