"""GEXF 1.3 with typed attributes, in and out (Gephi).

Nodes are elements (``id`` the element id, ``label`` its name); edges are
relationships (``id`` the relationship id, or ``#n`` for one without;
``label`` its kind; ``weight`` its strength; ``type="mutual"`` when it is
mutual). Every other field is an ``<attvalue>`` of a typed ``<attribute>``,
with the names GraphML uses (``role``, ``lived_experience``, ``power`` …,
``kind``, ``strength``, ``power_carries``, ``evidence`` as JSON …; see
:mod:`sysmap.formats.graphml`). GEXF has no place for graph-level data: the
title travels as the ``<meta>`` description and the rest of the map's own
fields, its custom kinds' descriptions, its loops, its other sections and
the measures named by relationships' changes are dropped (the result names
them).

A GEXF from Gephi is read as it is: undirected edges (``defaultedgetype`` or an
edge's ``type``) give mutual relationships, an edge's ``weight`` becomes the
attribute ``weight`` (see the ``weights`` reader option), ``viz:color`` the
attribute ``color``, and an edge label that is not a core kind the attribute
``label``.

Example
-------
>>> from sysmap.model import Relationship, Stakeholder, SystemMap
>>> m = SystemMap(id="clinic", title="Clinic", guiding_question="Who is heard?",
...     stakeholders=[Stakeholder(id="nurse", name="Nurse", role="provider", interest=4),
...                   Stakeholder(id="board", name="Board", role="leader")],
...     relationships=[Relationship(source="nurse", target="board", kind="collaborates",
...                                 direction="mutual")])
>>> text = generate_gexf(m)
>>> '<edge id="#0" source="nurse" target="board" label="collaborates" type="mutual">' in text
True
>>> parse_gexf(text, id="clinic", guiding_question="Who is heard?") == m
True
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from sysmap.formats._dropped import dropped_fields
from sysmap.formats._files import PathOrFile, read_bytes, write_output
from sysmap.formats._results import ExportResult, ImportResult
from sysmap.formats._xml import (
    XmlCleaner,
    XmlGraph,
    graph_columns,
    read_xml_graph,
    typed,
    xml_attr,
)
from sysmap.model import CORE_KINDS, SystemMap

__all__ = ["generate_gexf", "write_gexf", "parse_gexf", "read_gexf", "import_gexf", "dropped"]

NS = "http://gexf.net/1.3"
_TYPES = {
    "int": "integer",
    "long": "long",
    "double": "double",
    "boolean": "boolean",
    "string": "string",
}


def dropped(m: SystemMap) -> list[str]:
    """What GEXF leaves out of this map."""
    out = dropped_fields(m, map_fields={"title"}, kinds=False, loop=(), sections=())
    if any(r.change is not None and r.change.measures for r in m.relationships):
        out.insert(0, "relationships[].change.measures")
    return out


def _generate(m: SystemMap) -> tuple[str, list[str]]:
    clean = XmlCleaner()
    ncols, nodes, ecols, edges = graph_columns(m, measures=False)
    ncols = [(n, t) for n, t in ncols if n != "label"]
    ecols = [(n, t) for n, t in ecols if n != "direction"]
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<gexf xmlns="{NS}" version="1.3">\n',
        "  <meta>\n    <creator>sysmap</creator>\n",
        f"    <description>{xml_attr(m.title, clean)[1:-1]}</description>\n  </meta>\n",
        '  <graph defaultedgetype="directed" mode="static">\n',
    ]
    for cls, cols in (("node", ncols), ("edge", ecols)):
        out.append(f'    <attributes class="{cls}">\n')
        for i, (name, kind) in enumerate(cols):
            out.append(
                f'      <attribute id="{i}" title={xml_attr(name, clean)} type="{_TYPES[kind]}"/>\n'
            )
        out.append("    </attributes>\n")
    out.append("    <nodes>\n")
    for row in nodes:
        out.append(
            f"      <node id={xml_attr(row['id'], clean)} label={xml_attr(row['label'], clean)}>"
        )
        out.append(_attvalues(row, ncols, clean))
        out.append("</node>\n")
    out.append("    </nodes>\n    <edges>\n")
    for n, row in enumerate(edges):
        ident = row.get("id", f"#{n}")
        extra = ' type="mutual"' if row.get("direction") == "mutual" else ""
        if row.get("strength") is not None:
            extra += f" weight={xml_attr(row['strength'], clean)}"
        out.append(
            f"      <edge id={xml_attr(ident, clean)} source={xml_attr(row['from'], clean)} "
            f"target={xml_attr(row['to'], clean)} label={xml_attr(row['kind'], clean)}{extra}>"
        )
        out.append(_attvalues(row, ecols, clean))
        out.append("</edge>\n")
    out.append("    </edges>\n  </graph>\n</gexf>\n")
    return "".join(out), clean.warnings()


def _attvalues(row: dict[str, Any], cols: list[tuple[str, str]], clean: XmlCleaner) -> str:
    parts = [
        f'<attvalue for="{i}" value={xml_attr(row[name], clean)}/>'
        for i, (name, _) in enumerate(cols)
        if row.get(name) is not None
    ]
    return f"<attvalues>{''.join(parts)}</attvalues>" if parts else ""


def generate_gexf(m: SystemMap) -> str:
    """The map as GEXF 1.3 text."""
    return _generate(m)[0]


def write_gexf(m: SystemMap, path_or_file: PathOrFile) -> ExportResult:
    """Write the map as GEXF; the result names what GEXF cannot carry."""
    text, warnings = _generate(m)
    return ExportResult("gexf", write_output(path_or_file, text), dropped(m), warnings)


class _Reader:
    """Reads a GEXF file's declared attributes, then its nodes and edges."""

    def __init__(self, doc: XmlGraph) -> None:
        self.doc = doc
        self.attrs: dict[str, dict[str, tuple[str, str]]] = {"node": {}, "edge": {}}
        for block in doc.graph.findall(doc.q("attributes")):
            cls = block.get("class", "node")
            for a in block.findall(doc.q("attribute")):
                self.attrs.setdefault(cls, {})[a.get("id", "")] = (
                    a.get("title") or a.get("id") or "",
                    a.get("type", "string"),
                )

    def values(self, el: ET.Element, cls: str, n: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        block = el.find(self.doc.q("attvalues"))
        for av in block.findall(self.doc.q("attvalue")) if block is not None else []:
            key = av.get("for") or av.get("id") or ""
            if key not in self.attrs[cls]:
                self.doc.fail(
                    f"{cls} {n}: a value for an undeclared attribute {key!r} — declare it "
                    "under <attributes>"
                )
                continue
            name, kind = self.attrs[cls][key]
            self.doc.read_typed(out, f"{cls} {n}", name, av.get("value", ""), kind)
        return out

    def node(self, node: ET.Element, n: int) -> dict[str, Any]:
        row = self.values(node, "node", n)
        row["id"] = node.get("id")
        if node.get("label") is not None:
            row["label"] = node.get("label")
        _viz(node, row)
        return row

    def edge(self, edge: ET.Element, n: int) -> dict[str, Any]:
        row = self.values(edge, "edge", n)
        row["from"], row["to"] = edge.get("source"), edge.get("target")
        ident = edge.get("id")
        if ident is not None and not ident.startswith("#"):
            row["id"] = ident
        label = (edge.get("label") or "").strip()
        if "kind" not in row and label:
            if _kind_word(label) in CORE_KINDS:  # Gephi's labels are free text
                row["kind"] = label
            else:
                row.setdefault("attributes.label", label)
        weight = edge.get("weight")
        if "strength" not in row and weight is not None and "weight" not in row:
            try:
                row["attributes.weight"] = typed(weight, "double")
            except ValueError as exc:
                self.doc.fail(f"edge {n}, weight: {exc}")
        shape = (edge.get("type") or self.doc.graph.get("defaultedgetype") or "").lower()
        if shape in ("mutual", "undirected") and "direction" not in row:
            row["direction"] = shape
        _viz(edge, row)
        return row


def _parse(data: str | bytes, file: str, options: dict[str, Any]) -> ImportResult:
    doc = read_xml_graph(data, file, "gexf", "GEXF")
    reader = _Reader(doc)
    graph, q = doc.graph, doc.q
    nodes = [reader.node(node, n) for n, node in enumerate(graph.iter(q("node")), start=1)]
    edges = [reader.edge(edge, n) for n, edge in enumerate(graph.iter(q("edge")), start=1)]
    extra: dict[str, Any] = {}
    meta = doc.root.find(q("meta"))
    desc = meta.find(q("description")) if meta is not None else None
    if desc is not None and desc.text and desc.text.strip():
        extra["title"] = desc.text.strip()
    return doc.to_map(nodes, edges, extra, "gexf", options)


def _kind_word(text: str) -> str:
    return text.strip().lower().replace(" ", "_").replace("-", "_")


def _viz(el: ET.Element, row: dict[str, Any]) -> None:
    """Gephi's colour (viz:color) kept as the attribute ``color``, as #rrggbb."""
    for child in el:
        if child.tag.rsplit("}", 1)[-1] != "color" or "color" in row:
            continue
        hexa = child.get("hex")
        if hexa:
            row["attributes.color"] = hexa if hexa.startswith("#") else f"#{hexa}"
            continue
        try:
            rgb = [max(0, min(255, int(float(child.get(c, "0"))))) for c in "rgb"]
        except ValueError:
            continue
        row["attributes.color"] = "#" + "".join(f"{c:02x}" for c in rgb)


def parse_gexf(text: str | bytes, file: str = "<gexf>", **options: Any) -> SystemMap:
    """Read a map from GEXF text."""
    return _parse(text, file, options).map


def import_gexf(path_or_file: PathOrFile, **options: Any) -> ImportResult:
    """Read a GEXF file; the result holds the map and any warnings."""
    return _parse(*read_bytes(path_or_file), options)


def read_gexf(path_or_file: PathOrFile, **options: Any) -> SystemMap:
    """Read a map from a GEXF file."""
    return import_gexf(path_or_file, **options).map
