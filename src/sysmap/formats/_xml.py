"""What GraphML and GEXF share: typed attribute columns and safe XML text."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from sysmap.errors import MapFileError, MapInvalid
from sysmap.formats._files import as_bytes
from sysmap.formats._json_text import json_text
from sysmap.formats._results import ImportResult
from sysmap.formats._table import build_from_rows, connection_records, element_records
from sysmap.mapfile import decode
from sysmap.model import SystemMap
from sysmap.problems import Problem

__all__ = [
    "node_columns",
    "edge_columns",
    "graph_columns",
    "column_type",
    "xml_text",
    "xml_attr",
    "XmlCleaner",
    "EDGE_NAMES",
    "NODE_NAMES",
    "check_utf8",
    "XmlGraph",
    "read_xml_graph",
]

#: Element headers -> the attribute names used in GraphML and GEXF.
NODE_NAMES = {
    "Id": "id",
    "Label": "label",
    "Element": "element",
    "Type": "type",
    "Description": "description",
    "Tags": "tags",
    "Role": "role",
    "Organisation": "organisation",
    "Lived experience": "lived_experience",
    "Power": "power",
    "Interest": "interest",
    "Sensitive": "sensitive",
    "Aliases": "aliases",
}
#: Connection headers -> the attribute names used in GraphML and GEXF.
EDGE_NAMES = {
    "Id": "id",
    "From": "from",
    "To": "to",
    "Type": "kind",
    "Description": "notes",
    "Strength": "strength",
    "Trust": "trust",
    "Direction": "direction",
    "Polarity": "polarity",
    "Status": "status",
    "Power": "power",
    "Power carries": "power_carries",
    "Evidence": "evidence",
    "Change reason": "change_reason",
    "Change owner": "change_owner",
    "Change pilot": "change_pilot",
    "Change measures": "change_measures",
}


def column_type(values: Iterable[Any]) -> str:
    """``boolean``, ``int``, ``long``, ``double`` or ``string`` for a column's values.

    Example
    -------
    >>> column_type([1, 2]), column_type([1, 2.5]), column_type([True]), column_type([1, "a"])
    ('int', 'double', 'boolean', 'string')
    """
    kinds = set()
    big = False
    for v in values:
        if v is None:
            continue
        if isinstance(v, bool):
            kinds.add("boolean")
        elif isinstance(v, int):
            kinds.add("int")
            big = big or not -(2**31) <= v < 2**31
        elif isinstance(v, float):
            kinds.add("double")
        else:
            kinds.add("string")
    if kinds == {"boolean"}:
        return "boolean"
    if kinds == {"int"}:
        return "long" if big else "int"
    if kinds and kinds <= {"int", "double"}:
        return "double"
    return "string"


def _rename(rows: list[dict[str, Any]], names: dict[str, str]) -> list[dict[str, Any]]:
    return [{names.get(h, h): v for h, v in row.items()} for row in rows]


def node_columns(m: SystemMap) -> tuple[list[tuple[str, str]], list[dict[str, Any]]]:
    """(name, type) of every node attribute, and one record per element."""
    headers, rows = element_records(m)
    rows = _rename(rows, NODE_NAMES)
    names = [NODE_NAMES.get(h, h) for h in headers if h != "Id"]
    return [(n, column_type(r.get(n) for r in rows)) for n in names], rows


def edge_columns(
    m: SystemMap, *, measures: bool = True
) -> tuple[list[tuple[str, str]], list[dict[str, Any]]]:
    """(name, type) of every edge attribute, and one record per relationship."""
    headers, rows = connection_records(m, measures=measures)
    rows = _rename(rows, EDGE_NAMES)
    names = [EDGE_NAMES.get(h, h) for h in headers if h not in ("Id", "From", "To")]
    return [(n, column_type(r.get(n) for r in rows)) for n in names], rows


def graph_columns(
    m: SystemMap, *, measures: bool = True
) -> tuple[
    list[tuple[str, str]], list[dict[str, Any]], list[tuple[str, str]], list[dict[str, Any]]
]:
    """Node columns and records, then edge columns and records (see :func:`edge_columns`)."""
    return (*node_columns(m), *edge_columns(m, measures=measures))


_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class XmlCleaner:
    """Replaces characters XML 1.0 cannot hold (control characters) and counts them."""

    def __init__(self) -> None:
        self.replaced = 0

    def clean(self, text: str) -> str:
        if _INVALID.search(text):
            text, n = _INVALID.subn("\ufffd", text)
            self.replaced += n
        return text

    def warnings(self) -> list[str]:
        if not self.replaced:
            return []
        return [
            f"{self.replaced} control characters, which XML cannot hold, were replaced by \ufffd"
        ]


def value_text(value: Any) -> str:
    """A typed value as XML text (true/false for booleans)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | dict):
        return json_text(value)
    return str(value)


def xml_text(value: Any, cleaner: XmlCleaner) -> str:
    """Escaped element text."""
    return escape(cleaner.clean(value_text(value)))


def xml_attr(value: Any, cleaner: XmlCleaner) -> str:
    """A quoted, escaped attribute value."""
    return quoteattr(cleaner.clean(value_text(value)), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


_OTHER_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding=[\"'](?!utf-?8[\"'])", re.I)


def check_utf8(data: bytes, file: str) -> None:
    """Raise the usual 'not UTF-8' message for XML that says (or assumes) UTF-8 but is not."""
    if _OTHER_ENCODING.match(data):
        return
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return  # UTF-16 with a byte-order mark is valid XML
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        decode(data, file)


def typed(text: str, kind: str) -> Any:
    """Text read back as its declared type; raises ValueError when it is not one."""
    kind = kind.lower()
    if kind == "boolean":
        low = text.strip().lower()
        if low in ("true", "1"):
            return True
        if low in ("false", "0"):
            return False
        raise ValueError(f"{text!r} is not true or false")
    if kind in ("int", "long", "integer", "short", "byte"):
        try:
            return int(text.strip())
        except ValueError:
            raise ValueError(f"{text!r} is not a whole number") from None
    if kind in ("float", "double"):
        try:
            return float(text.strip())
        except ValueError:
            raise ValueError(f"{text!r} is not a number") from None
    return text


@dataclass
class XmlGraph:
    """A GraphML or GEXF file being read: its root, its graph, the problems found."""

    file: str
    root: ET.Element
    graph: ET.Element
    ns: str
    problems: list[Problem] = field(default_factory=list)

    def q(self, tag: str) -> str:
        """The tag in the file's namespace."""
        return f"{{{self.ns}}}{tag}" if self.ns else tag

    def fail(self, message: str) -> None:
        self.problems.append(Problem(message, file=self.file, code="import"))

    def read_typed(self, out: dict[str, Any], place: str, name: str, text: str, kind: str) -> None:
        """``out[name]`` is the text as its declared type, or a problem says why not."""
        try:
            out[name] = typed(text, kind)
        except ValueError as exc:
            self.fail(f"{place}, attribute {name}: {exc} ({kind})")

    def to_map(
        self,
        nodes: list[dict[str, Any]],
        edges: list[dict[str, Any]],
        extra: dict[str, Any],
        format: str,
        options: dict[str, Any],
    ) -> ImportResult:
        """The map the nodes and edges make, or every problem found reading them."""
        if self.problems:
            raise MapInvalid(self.problems)
        return build_from_rows(
            self.file,
            nodes,
            edges,
            style="xml",
            names=("node", "edge"),
            extra=extra,
            format=format,
            options=options,
        )


def read_xml_graph(text: str | bytes, file: str, root_tag: str, what: str) -> XmlGraph:
    """Parse the XML of a graph file, refusing one that is not ``<root_tag>`` with a graph."""
    data = as_bytes(text)
    check_utf8(data, file)
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        line, col = exc.position
        raise MapFileError(
            f"{file}:{line}: not well-formed XML (column {col + 1}) — check the file is {what}"
        ) from None
    ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    if root.tag != (f"{{{ns}}}{root_tag}" if ns else root_tag):
        raise MapFileError(
            f"{file}: the root element is <{root.tag.split('}')[-1]}>, not <{root_tag}>"
        )
    graph = root.find(f"{{{ns}}}graph" if ns else "graph")
    if graph is None:
        raise MapFileError(f"{file}: no <graph> element — the file holds no graph")
    return XmlGraph(file, root, graph, ns)
