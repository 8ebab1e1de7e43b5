"""GraphML with typed attributes, in and out (yEd, Gephi, igraph, networkx).

Nodes are elements (their GraphML id is the element id), edges are
relationships (the edge id is the relationship id, when it has one, and so
is the edge key ``relationship_id``). Every
field is a ``<data>`` value under a typed ``<key>``: node keys ``label``,
``element``, ``type``, ``description``, ``tags``, ``role``, ``organisation``,
``lived_experience`` (boolean), ``power``, ``interest`` (int), ``sensitive``;
edge keys ``kind``, ``notes``, ``strength``, ``trust`` (double),
``direction``, ``polarity``, ``status``, ``power`` (int), ``power_carries``,
``evidence`` (JSON text), ``change_reason``, ``change_owner``,
``change_pilot``, ``change_measures``; free attributes keep their names
(``attributes.NAME`` when the name is one of the above) and their type
(a column whose values mix types is written as text). Lists are ``a|b``
text. The map's own fields are graph keys (``map_id``, ``title``,
``guiding_question`` …) and its other sections (kinds, loops, guiding team,
outcomes, measures, indicators, assessments) are graph keys holding JSON, so
nothing is dropped.

GraphML from other tools (networkx, igraph, yEd, Gephi) is read as it is: an
undirected graph (``edgedefault="undirected"``, or ``directed="false"`` on an
edge) gives mutual relationships; the other tool's ``weight`` becomes the
attribute ``weight`` (see the ``weights`` reader option); igraph's ``name``
and yEd's node labels are the names; the graph's ``name`` is the title.

Example
-------
>>> from sysmap.model import Relationship, Stakeholder, SystemMap
>>> m = SystemMap(id="m", title="M", guiding_question="Q?",
...     stakeholders=[Stakeholder(id="a", name="A", role="beneficiary", power=1),
...                   Stakeholder(id="b", name="B", role="leader")],
...     relationships=[Relationship(source="a", target="b", kind="feedback", trust=2.5)])
>>> text = generate_graphml(m)
>>> '<key id="n_power" for="node" attr.name="power" attr.type="int"/>' in text
True
>>> parse_graphml(text) == m
True
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

from sysmap.formats._dropped import MAP_FIELDS, SECTIONS
from sysmap.formats._files import PathOrFile, read_bytes, write_output
from sysmap.formats._json_text import json_text
from sysmap.formats._results import ExportResult, ImportResult
from sysmap.formats._xml import (
    XmlCleaner,
    XmlGraph,
    graph_columns,
    read_xml_graph,
    xml_attr,
    xml_text,
)
from sysmap.model import SystemMap

__all__ = ["generate_graphml", "write_graphml", "parse_graphml", "read_graphml", "import_graphml"]

NS = "http://graphml.graphdrawing.org/xmlns"
_JSON_SECTIONS = ("kinds", "loops", *SECTIONS)


def _graph_data(m: SystemMap) -> list[tuple[str, str, Any]]:
    # the map's own fields and sections only: its parts are the nodes and edges
    data = m.model_dump(mode="json", include={*MAP_FIELDS, *_JSON_SECTIONS}, exclude_defaults=True)
    out: list[tuple[str, str, Any]] = [("map_id", "string", m.id)]
    out += [(f, "string", data[f]) for f in MAP_FIELDS if f != "id" and f in data]
    out += [(s, "string", json_text(data[s])) for s in _JSON_SECTIONS if s in data]
    return out


def _generate(m: SystemMap) -> tuple[str, list[str]]:
    clean = XmlCleaner()
    ncols, nodes, ecols, edges = graph_columns(m)
    if any("id" in row for row in edges):
        # as data too: not every reader keeps a GraphML edge's id attribute
        ecols.insert(0, ("relationship_id", "string"))
        for row in edges:
            if "id" in row:
                row["relationship_id"] = row["id"]
    graph = _graph_data(m)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<graphml xmlns="{NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation="{NS} http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n',
    ]
    keys: dict[tuple[str, str], str] = {}
    for scope, prefix, cols in (
        ("graph", "g", [(n, t) for n, t, _ in graph]),
        ("node", "n", ncols),
        ("edge", "e", ecols),
    ):
        for i, (name, kind) in enumerate(cols):
            key = f"{prefix}_{name}" if name.isidentifier() and len(name) < 40 else f"{prefix}{i}"
            keys[(scope, name)] = key
            out.append(
                f'  <key id={xml_attr(key, clean)} for="{scope}" attr.name={xml_attr(name, clean)} '
                f'attr.type="{kind}"/>\n'
            )
    out.append('  <graph id="G" edgedefault="directed">\n')
    for name, _, value in graph:
        out.append(f'    <data key="{keys[("graph", name)]}">{xml_text(value, clean)}</data>\n')
    for row in nodes:
        out.append(f"    <node id={xml_attr(row['id'], clean)}>")
        for name, _ in ncols:
            v = row.get(name)
            if v is not None:
                out.append(f'<data key="{keys[("node", name)]}">{xml_text(v, clean)}</data>')
        out.append("</node>\n")
    for row in edges:
        ident = f" id={xml_attr(row['id'], clean)}" if "id" in row else ""
        out.append(
            f"    <edge{ident} source={xml_attr(row['from'], clean)} "
            f"target={xml_attr(row['to'], clean)}>"
        )
        for name, _ in ecols:
            v = row.get(name)
            if v is not None:
                out.append(f'<data key="{keys[("edge", name)]}">{xml_text(v, clean)}</data>')
        out.append("</edge>\n")
    out.append("  </graph>\n</graphml>\n")
    return "".join(out), clean.warnings()


def generate_graphml(m: SystemMap) -> str:
    """The map as GraphML text."""
    return _generate(m)[0]


def write_graphml(m: SystemMap, path_or_file: PathOrFile) -> ExportResult:
    """Write the map as GraphML; nothing is dropped."""
    text, warnings = _generate(m)
    return ExportResult("graphml", write_output(path_or_file, text), [], warnings)


class _Reader:
    """Reads a GraphML file's keys, then the typed values of its graph, nodes and edges."""

    def __init__(self, doc: XmlGraph) -> None:
        self.doc = doc
        self.keys: dict[str, tuple[str, str, str]] = {}
        for k in doc.root.iter(doc.q("key")):
            self.keys[k.get("id", "")] = (
                k.get("for", "all"),
                k.get("attr.name") or k.get("id") or "",
                k.get("yfiles.type") or k.get("attr.type") or "string",
            )
        # a file sysmap did not write: its "weight" is the other tool's, kept as an attribute
        self.foreign = not any(
            name == "map_id" for scope, name, _ in self.keys.values() if scope == "graph"
        )

    def values(self, el: ET.Element, what: str, n: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for d in el.findall(self.doc.q("data")):
            key = d.get("key", "")
            if key not in self.keys:
                self.doc.fail(
                    f"{what} {n}: data for an undeclared key {key!r} — declare it with <key>"
                )
                continue
            _, name, kind = self.keys[key]
            if kind in _YFILES:
                label = _yed_label(d, _YFILES[kind])
                if label:
                    out[_YFILES_NAMES[kind]] = label
                continue
            if kind.startswith(_YED_OTHER):
                continue
            if self.foreign and name.lower() == "weight" and what == "edge":
                name = "attributes.weight"
            self.doc.read_typed(out, f"{what} {n}", name, d.text or "", kind)
        return out

    def map_fields(self) -> dict[str, Any]:
        """The map's own fields and sections, from the graph's data."""
        extra: dict[str, Any] = {}
        for name, value in self.values(self.doc.graph, "graph", 1).items():
            if name in _JSON_SECTIONS:
                try:
                    extra[name] = json.loads(value)
                except RecursionError:
                    self.doc.fail(f"graph, attribute {name}: the JSON is nested too deeply")
                except json.JSONDecodeError as exc:
                    self.doc.fail(f"graph, attribute {name}: not valid JSON ({exc.msg})")
            elif name == "map_id":
                extra["id"] = value
            elif name in MAP_FIELDS:
                extra[name] = value
            elif self.foreign and name == "name" and str(value).strip():
                extra.setdefault("title", str(value).strip())  # networkx's graph name
        return extra

    def edge(self, edge: ET.Element, n: int, default: str) -> dict[str, Any]:
        row = self.values(edge, "edge", n)
        row["from"], row["to"] = edge.get("source"), edge.get("target")
        if edge.get("id") is not None and "relationship_id" not in row:
            row["id"] = edge.get("id")
        directed = str(edge.get("directed", "")).lower() or default
        if directed == "false" and "direction" not in row:
            row["direction"] = "undirected"
        return row


def _parse(data: str | bytes, file: str, options: dict[str, Any]) -> ImportResult:
    doc = read_xml_graph(data, file, "graphml", "GraphML")
    reader = _Reader(doc)
    extra = reader.map_fields()
    graph, q = doc.graph, doc.q
    nodes = [
        {**reader.values(node, "node", n), "id": node.get("id")}
        for n, node in enumerate(graph.iter(q("node")), start=1)
    ]
    default = "false" if graph.get("edgedefault", "directed").lower() == "undirected" else "true"
    edges = [reader.edge(edge, n, default) for n, edge in enumerate(graph.iter(q("edge")), start=1)]
    return doc.to_map(nodes, edges, extra, "graphml", options)


#: yEd's graphics keys whose label text sysmap keeps: key type -> label element.
_YFILES = {"nodegraphics": "NodeLabel", "edgegraphics": "EdgeLabel"}
_YFILES_NAMES = {"nodegraphics": "label", "edgegraphics": "attributes.label"}
_YED_OTHER = ("portgraphics", "portgeometry", "portuserdata", "resources")


def _yed_label(data: ET.Element, tag: str) -> str:
    """The first label text inside a yEd graphics value ('' when it has none)."""
    for el in data.iter():
        if el.tag.rsplit("}", 1)[-1] == tag and el.text and el.text.strip():
            return el.text.strip()
    return ""


def parse_graphml(text: str | bytes, file: str = "<graphml>", **options: Any) -> SystemMap:
    """Read a map from GraphML text."""
    return _parse(text, file, options).map


def import_graphml(path_or_file: PathOrFile, **options: Any) -> ImportResult:
    """Read a GraphML file; the result holds the map and any warnings."""
    return _parse(*read_bytes(path_or_file), options)


def read_graphml(path_or_file: PathOrFile, **options: Any) -> SystemMap:
    """Read a map from a GraphML file."""
    return import_graphml(path_or_file, **options).map
