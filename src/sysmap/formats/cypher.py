"""A Cypher script that recreates the map in Neo4j (or FalkorDB), out only.

The script is idempotent: every node and relationship is ``MERGE``d on the
map's id and its own id, then updated with ``SET x += {…}``, so running it
again updates the graph instead of duplicating it. It uses only ``MERGE``,
``MATCH``, ``UNWIND`` and ``SET +=``, the subset Neo4j and FalkorDB both run.

Safety: no text from the map is ever spliced into the query's structure.

- Values are literals quoted by :func:`cypher_literal` (strings in single
  quotes with ``\\``, ``'``, line breaks, tab, backspace, form feed and NUL
  escaped — the escapes both engines read; every other character as it is).
- Labels and relationship types come from a fixed vocabulary: every element
  is ``:SysmapElement`` plus ``:Stakeholder`` and ``:Beneficiary`` /
  ``:Provider`` / ``:Leader`` (:data:`ROLE_LABELS`) or ``:Factor``; each
  core kind has its type (:data:`KIND_TYPES`, ``serves`` → ``SERVES``) and a
  custom kind is ``RELATES_TO``; the kind itself is always the ``kind``
  property.
- Property keys are the model's field names, never map text: free
  attributes, whose keys are anyone's text (a line break, a backtick …),
  are one JSON text property ``attributes`` (keys as data, as
  ``sysmap neo4j push`` stores them); those whose key is a plain name are
  also copied to ``attr_NAME`` for queries. So every line of the script
  that ends with ``;`` ends a statement, and running it statement by
  statement is safe.

Nested fields are flattened: ``power_amount``, ``power_carries`` (list),
``evidence`` (JSON text), ``change_reason``, ``change_owner``,
``change_pilot``, ``change_measures`` (list), ``tags`` (list). The map is a
``:SysmapMap`` node holding its own fields, with custom kinds, guiding team,
outcomes, measures, indicators and assessments as JSON text; loops are
``:SysmapLoop`` nodes with their ``path`` as a list. Nothing is dropped.

Example
-------
>>> from sysmap.model import Relationship, Stakeholder, SystemMap
>>> m = SystemMap(id="m", title="It's", guiding_question="Q?",
...     stakeholders=[Stakeholder(id="a", name="A", role="beneficiary"),
...                   Stakeholder(id="b", name="B", role="leader")],
...     relationships=[Relationship(source="a", target="b", kind="feedback")])
>>> print(generate_cypher(m).splitlines()[2])
MERGE (m:SysmapMap {id: 'm'}) SET m += {title: 'It\\'s', guiding_question: 'Q?'};
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sysmap.formats._dropped import SECTIONS
from sysmap.formats._files import PathOrFile, write_output
from sysmap.formats._json_text import json_text
from sysmap.formats._results import ExportResult
from sysmap.model import CORE_KINDS, SystemMap

__all__ = [
    "generate_cypher",
    "write_cypher",
    "cypher_literal",
    "cypher_key",
    "ROLE_LABELS",
    "KIND_TYPES",
    "CUSTOM_KIND_TYPE",
]

#: Role -> node label.
ROLE_LABELS: dict[str, str] = {
    "beneficiary": "Beneficiary",
    "provider": "Provider",
    "leader": "Leader",
}
#: Core kind -> relationship type.
KIND_TYPES: dict[str, str] = {k: k.upper() for k in CORE_KINDS}
#: The relationship type of every custom kind (the kind is the ``kind`` property).
CUSTOM_KIND_TYPE = "RELATES_TO"

_BATCH = 500
_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# attribute keys copied to attr_KEY: as sysmap.neo4j.schema copies them
_PLAIN_ATTR = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,59}$")
# Only the escapes Neo4j and FalkorDB both read (FalkorDB reads no \u escapes);
# other characters are written as they are, which a quoted literal allows.
# NUL stays \u0000: Neo4j reads it, and FalkorDB cannot store NUL at all.
_ESCAPES = {
    "\\": "\\\\",
    "'": "\\'",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}
_NEEDS_ESCAPE = re.compile(r"[\\'\n\r\t\x08\x0c\x00]")


def _escape_char(match: re.Match[str]) -> str:
    ch = match.group(0)
    return _ESCAPES.get(ch) or f"\\u{ord(ch):04x}"


def cypher_literal(value: Any) -> str:
    """A value as a Cypher literal: quoted string, number, boolean, list or null.

    Example
    -------
    >>> cypher_literal("O'Brien \\\\ `x` // {y}")
    "'O\\\\'Brien \\\\\\\\ `x` // {y}'"
    >>> cypher_literal(["a", 2, True, None])
    "['a', 2, true, null]"
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return cypher_literal(str(value))
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(cypher_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return cypher_map(value)
    return "'" + _NEEDS_ESCAPE.sub(_escape_char, str(value)) + "'"


def cypher_key(key: str) -> str:
    """A property key: plain when it is a simple name, else backtick-quoted.

    Example
    -------
    >>> cypher_key("role"), cypher_key("attr_a`b} //")
    ('role', '`attr_a``b} //`')
    """
    if _PLAIN_KEY.match(key):
        return key
    return "`" + key.replace("`", "``") + "`"


def cypher_map(props: dict[str, Any]) -> str:
    """A map literal with quoted keys and values (nulls left out)."""
    return (
        "{"
        + ", ".join(
            f"{cypher_key(k)}: {cypher_literal(v)}" for k, v in props.items() if v is not None
        )
        + "}"
    )


def _attrs(attributes: dict[str, Any]) -> dict[str, Any]:
    if not attributes:
        return {}
    copies = {
        f"attr_{k}": v for k, v in attributes.items() if v is not None and _PLAIN_ATTR.match(k)
    }
    return {"attributes": json_text(attributes), **copies}


def _element_props(data: dict[str, Any]) -> dict[str, Any]:
    attrs = data.pop("attributes", {}) or {}
    data.pop("id", None)
    return {**data, **_attrs(attrs)}


def _relationship_props(r: Any) -> dict[str, Any]:
    data = r.model_dump(mode="json", exclude_defaults=True, exclude={"source", "target", "id"})
    data["kind"] = r.kind
    data.setdefault("direction", r.direction)
    data.setdefault("status", r.status)
    power = data.pop("power", None)
    if power:
        data["power_amount"] = power["amount"]
        if power.get("carries"):
            data["power_carries"] = power["carries"]
    for k, v in (data.pop("change", None) or {}).items():
        data[f"change_{k}"] = v
    if "evidence" in data:
        data["evidence"] = json_text(data["evidence"])
    attrs = data.pop("attributes", {}) or {}
    return {**data, **_attrs(attrs)}


def _batches(rows: list[str]) -> Iterable[list[str]]:
    for i in range(0, len(rows), _BATCH):
        yield rows[i : i + _BATCH]


def _map_props(m: SystemMap) -> dict[str, Any]:
    """The map's own fields as node properties; sections and nested fields as JSON text."""
    parts = {"stakeholders", "factors", "relationships", "loops"}  # written as nodes
    data = m.model_dump(mode="json", exclude=parts, exclude_defaults=True)
    meta = {
        k: v
        for k, v in data.items()
        if k not in ("id", "stakeholders", "factors", "relationships", "loops", *SECTIONS, "kinds")
    }
    for k in ("kinds", *SECTIONS):
        if k in data:
            meta[k] = json_text(data[k])
    meta.pop("sysmap", None)
    for k, v in meta.items():  # nested fields (privacy, scenarios …) as JSON text
        if isinstance(v, dict) or (isinstance(v, list) and any(isinstance(x, dict) for x in v)):
            meta[k] = json_text(v)
    return meta


def _unwind(rows: list[str], statement: str) -> list[str]:
    """One ``UNWIND`` of the rows (in batches) into the statement for each row."""
    return [
        "UNWIND [\n  " + ",\n  ".join(batch) + "\n] AS row\n" + statement
        for batch in _batches(rows)
    ]


def _element_statements(m: SystemMap, mid: str) -> list[str]:
    groups: dict[str, list[str]] = defaultdict(list)
    for s in m.stakeholders:
        props = _element_props(s.model_dump(mode="json", exclude_defaults=True))
        props["role"] = s.role
        groups[f"Stakeholder:{ROLE_LABELS[s.role]}"].append(
            f"{{id: {cypher_literal(s.id)}, props: {cypher_map(props)}}}"
        )
    for f in m.factors:
        props = _element_props(f.model_dump(mode="json", exclude_defaults=True))
        groups["Factor"].append(f"{{id: {cypher_literal(f.id)}, props: {cypher_map(props)}}}")
    out = []
    for labels, rows in groups.items():
        out += _unwind(
            rows,
            f"MERGE (n:SysmapElement:{labels} {{map: {mid}, id: row.id}}) SET n += row.props;",
        )
    return out


def _relationship_statements(m: SystemMap, mid: str) -> list[str]:
    rels: dict[str, list[str]] = defaultdict(list)
    seen: dict[tuple[str, str, str], int] = defaultdict(int)
    for r in m.relationships:
        if r.id is not None:
            key = r.id
        else:
            n = seen[(r.source, r.target, r.kind)]
            seen[(r.source, r.target, r.kind)] += 1
            key = f"{r.source}>{r.target}>{r.kind}>{n}"
        rtype = KIND_TYPES.get(r.kind, CUSTOM_KIND_TYPE)
        props = _relationship_props(r)
        rels[rtype].append(
            f"{{key: {cypher_literal(key)}, source: {cypher_literal(r.source)}, "
            f"target: {cypher_literal(r.target)}, props: {cypher_map(props)}}}"
        )
    out = []
    for rtype, rows in rels.items():
        out += _unwind(
            rows,
            f"MATCH (a:SysmapElement {{map: {mid}, id: row.source}})\n"
            f"MATCH (b:SysmapElement {{map: {mid}, id: row.target}})\n"
            f"MERGE (a)-[r:{rtype} {{map: {mid}, key: row.key}}]->(b) SET r += row.props;",
        )
    return out


def _loop_statements(m: SystemMap, mid: str) -> list[str]:
    loops = []
    for lp in m.loops:
        props = lp.model_dump(mode="json", exclude_defaults=True)
        props.pop("id")
        loops.append(f"{{id: {cypher_literal(lp.id)}, props: {cypher_map(props)}}}")
    return _unwind(loops, f"MERGE (l:SysmapLoop {{map: {mid}, id: row.id}}) SET l += row.props;")


def generate_cypher(m: SystemMap, *, replace: bool = False) -> str:
    """The Cypher script that MERGEs the map into a graph database.

    With ``replace`` the script first deletes what an earlier run stored for
    this map id (its elements, relationships and loops), so elements removed
    from the map disappear too.
    """
    mid = cypher_literal(m.id)
    out = [
        f"// sysmap map {json.dumps(m.id)}: run again to update (every statement MERGEs)",
        "// Needs nothing but MERGE, MATCH, UNWIND and SET; labels and types are fixed.",
        f"MERGE (m:SysmapMap {{id: {mid}}}) SET m += {cypher_map(_map_props(m))};",
    ]
    if replace:
        out.append(f"MATCH (n:SysmapElement {{map: {mid}}}) DETACH DELETE n;")
        out.append(f"MATCH (n:SysmapLoop {{map: {mid}}}) DETACH DELETE n;")
    out += _element_statements(m, mid)
    out += _relationship_statements(m, mid)
    out += _loop_statements(m, mid)
    return "\n".join(out) + "\n"


def write_cypher(m: SystemMap, path_or_file: PathOrFile, *, replace: bool = False) -> ExportResult:
    """Write the Cypher script; nothing is dropped."""
    return ExportResult("cypher", write_output(path_or_file, generate_cypher(m, replace=replace)))
