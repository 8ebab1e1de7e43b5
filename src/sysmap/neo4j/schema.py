"""The graph schema of a stored map: a map version as rows of graph data and back.

Nothing here talks to a database. :func:`map_to_rows` turns a
:class:`~sysmap.model.SystemMap` into plain rows (dicts of property values)
grouped by node label or relationship type; :func:`rows_to_map` rebuilds the
identical map from rows read back. The store sends the rows as query
parameters, so no text from the map ever becomes part of a query.

The vocabulary is fixed and checked here, never taken from the map:

- every stakeholder and factor is ``:SysmapElement``; a stakeholder is also
  ``:Stakeholder`` and ``:Beneficiary``, ``:Provider`` or ``:Leader``
  (:data:`ROLE_LABELS`), a factor ``:Factor``;
- a relationship's type comes from its kind (:data:`KIND_TYPES`: ``serves`` →
  ``SERVES``); a custom kind is ``RELATES_TO``; the kind is always the
  ``kind`` property;
- loops, guiding team, outcomes, measures, indicators and assessments are
  nodes labelled by :data:`RECORD_LABELS`;
- property keys are the model's field names plus a few fixed bookkeeping
  keys; free attributes are one JSON text property, ``attributes`` (see
  :data:`JSON_FIELDS` for why).

Example
-------
>>> from sysmap.model import Relationship, Stakeholder, SystemMap
>>> m = SystemMap(id="m", title="T", guiding_question="Q?",
...     stakeholders=[Stakeholder(id="a", name="A", role="beneficiary"),
...                   Stakeholder(id="b", name="B", role="leader", attributes={"x{`": 1})],
...     relationships=[Relationship(source="a", target="b", kind="feedback", strength=2)])
>>> rows = map_to_rows(m)
>>> sorted(rows.elements)
['Stakeholder:Beneficiary', 'Stakeholder:Leader']
>>> rows.elements["Stakeholder:Leader"][0]["attributes"]
'{"x{`":1}'
>>> rows.relationships["FEEDBACK"][0]["props"]["strength"]
2.0
>>> rows_to_map(rows.version, _read_back(rows)) == m
True
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic_core import from_json, to_json

# node labels and relationship types: the same as the Cypher script's, defined there
from sysmap.formats.cypher import CUSTOM_KIND_TYPE, KIND_TYPES, ROLE_LABELS
from sysmap.model import (
    Assessment,
    Factor,
    FeedbackLoop,
    GuidingRole,
    Indicator,
    Measure,
    Outcome,
    Relationship,
    Scenario,
    Stakeholder,
    SystemMap,
)
from sysmap.neo4j.errors import StoreError

__all__ = [
    "SCHEMA_VERSION",
    "ROLE_LABELS",
    "KIND_TYPES",
    "CUSTOM_KIND_TYPE",
    "ELEMENT_LABEL",
    "VERSION_LABEL",
    "MAP_LABEL",
    "RECORD_LABELS",
    "JSON_FIELDS",
    "BOOKKEEPING",
    "MapRows",
    "map_to_rows",
    "rows_to_map",
    "map_digest",
    "relationship_type",
    "stored_properties",
    "nested_fields",
]

#: The layout of stored maps; written on every version node.
SCHEMA_VERSION = 1


MAP_LABEL = "SysmapMap"
VERSION_LABEL = "SysmapVersion"
ELEMENT_LABEL = "SysmapElement"

#: Map section -> (node label, model) for the parts stored as nodes of their own.
RECORD_LABELS: dict[str, tuple[str, type[BaseModel]]] = {
    "loops": ("SysmapLoop", FeedbackLoop),
    "guiding_team": ("SysmapGuidingRole", GuidingRole),
    "outcomes": ("SysmapOutcome", Outcome),
    "measures": ("SysmapMeasure", Measure),
    "indicators": ("SysmapIndicator", Indicator),
    "assessments": ("SysmapAssessment", Assessment),
    "scenarios": ("SysmapScenario", Scenario),
}

#: Fields stored as JSON text, per model. Free attributes are JSON because
#: their keys are anyone's text (quotes, backticks, braces, ``//``): as a
#: JSON value they are data, never a property key the engine must accept,
#: and values keep their type exactly (1 vs 1.0, an empty value). The other
#: fields here are nested records that a property cannot hold. Everything
#: else is a plain property (text, number, true/false, or a list of text).
#: The sets are read off the models (:func:`nested_fields`), so a field added
#: to the file format has a place in the graph without a change here.
JSON_FIELDS: dict[type[BaseModel], frozenset[str]] = {}

#: Properties the store adds; no model field has these names.
BOOKKEEPING = frozenset({"map", "version", "gen", "seq"})

# Free attributes whose key is a plain name are also copied to ``attr_KEY``
# so Cypher users can filter and group by them (the equity lens); the JSON
# text stays the source of truth and pull ignores the copies.
_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,59}$")
_SECTIONS = frozenset({"stakeholders", "factors", "relationships", *RECORD_LABELS})
_PLAIN = (str, int, float, bool, _dt.date)


def nested_fields(model: type[BaseModel]) -> frozenset[str]:
    """The fields of ``model`` that a graph property cannot hold as they are.

    A property holds text, a number, true/false, a date or a list of those;
    a record, a mapping or a list of records is stored as JSON text. A
    relationship's ``power`` is the exception: it is two plain properties.

    Example
    -------
    >>> sorted(nested_fields(Relationship))
    ['attributes', 'change', 'evidence']
    """
    skip = {"power"} if model is Relationship else set()
    return frozenset(
        name
        for name, info in model.model_fields.items()
        if name not in skip and name not in _SECTIONS and not _is_plain(info.annotation)
    )


def _is_plain(annotation: Any) -> bool:
    origin = get_origin(annotation)
    if origin is Literal or annotation is type(None):
        return True
    if origin is Annotated:
        return _is_plain(get_args(annotation)[0])
    if origin in (Union, UnionType):
        return all(_is_plain(a) for a in get_args(annotation))
    if origin in (list, tuple, set, frozenset):
        return all(
            a is not Ellipsis and _is_plain(a) and get_origin(a) not in (list, tuple)
            for a in get_args(annotation)
        )
    return isinstance(annotation, type) and issubclass(annotation, _PLAIN)


_STORED: list[type[BaseModel]] = [SystemMap, Stakeholder, Factor, Relationship]
_STORED += [m for _label, m in RECORD_LABELS.values()]
JSON_FIELDS.update({model: nested_fields(model) for model in _STORED})
#: The map's own fields, kept on its version node.
_MAP_FIELDS = tuple(
    f for f in SystemMap.model_fields if f not in _SECTIONS and f not in ("id", "sysmap")
)


def stored_properties(model: type[BaseModel]) -> list[str]:
    """The properties pull reads for a model: its fields as stored, plus ``seq``.

    A relationship's ends are the nodes it joins, and its power is two
    properties, ``power_amount`` and ``power_carries``.

    Example
    -------
    >>> stored_properties(Outcome)
    ['id', 'name', 'description', 'seq']
    """
    names = list(model.model_fields)
    if model is Relationship:
        names = [f for f in names if f not in ("source", "target", "power")]
        names += ["power_amount", "power_carries"]
    return [*names, "seq"]


def relationship_type(kind: str) -> str:
    """The relationship type for a kind: its upper-case name, or ``RELATES_TO``.

    Example
    -------
    >>> relationship_type("shares_data"), relationship_type("mentors")
    ('SHARES_DATA', 'RELATES_TO')
    """
    return KIND_TYPES.get(kind, CUSTOM_KIND_TYPE)


@dataclass
class MapRows:
    """One map as rows ready to send as query parameters.

    ``version`` holds the map's own fields (for the version node);
    ``elements`` maps a label string (``"Stakeholder:Leader"``, ``"Factor"``)
    to node rows; ``relationships`` maps a relationship type to rows of
    ``{source, target, props}``; ``records`` maps a record label to rows.
    Every row carries ``seq``, its place in the file, so pull keeps the order.
    """

    map_id: str
    version: dict[str, Any]
    elements: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    relationships: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """How many stakeholders, factors, relationships and loops."""
        stakeholders = sum(len(r) for k, r in self.elements.items() if k != "Factor")
        return {
            "stakeholders": stakeholders,
            "factors": len(self.elements.get("Factor", [])),
            "relationships": sum(len(r) for r in self.relationships.values()),
            "loops": len(self.records.get("SysmapLoop", [])),
        }

    def size(self) -> int:
        """Rows in all: what a progress bar counts."""
        return (
            sum(len(r) for r in self.elements.values())
            + sum(len(r) for r in self.relationships.values())
            + sum(len(r) for r in self.records.values())
        )


def _props(data: dict[str, Any], json_fields: frozenset[str]) -> dict[str, Any]:
    """One record's dumped fields (``exclude_none``) as properties, in place.

    Nested fields become JSON text, or go when empty; everything else is a
    property value as it is (text, number, true/false, list of text).
    """
    for key in json_fields:
        value = data.get(key)
        if value is not None:
            if value:
                data[key] = _json(value)
            else:
                del data[key]
    return data


def _json(value: Any) -> str:
    # what json.dumps(value, ensure_ascii=False, separators=(",", ":")) writes,
    # but about seven times faster (it runs for most rows of a push); a number
    # may be spelled another way (0.00006103515625 for 6.103515625e-05), and
    # json.loads reads back the same value
    return to_json(value).decode()


def _attribute_copies(attributes: dict[str, Any] | None) -> dict[str, Any]:
    if not attributes:
        return {}
    return {f"attr_{k}": v for k, v in attributes.items() if v is not None and _PLAIN_KEY.match(k)}


def map_to_rows(m: SystemMap, data: dict[str, Any] | None = None) -> MapRows:
    """The map as rows grouped by label and relationship type.

    Parameters
    ----------
    m : SystemMap
        The map; its relationships must join its stakeholders and factors.
    data : dict, optional
        ``m.model_dump(mode="json", exclude_none=True)`` when the caller has
        it already; it is taken apart in place.

    Returns
    -------
    MapRows
    """
    if data is None:
        data = m.model_dump(mode="json", exclude_none=True)
    version = _props(
        {k: v for k, v in data.items() if k not in _SECTIONS and k != "id"},
        JSON_FIELDS[SystemMap],
    )
    version["sysmap"] = m.sysmap
    version["map"] = m.id
    rows = MapRows(m.id, version)
    elements: dict[str, list[dict[str, Any]]] = defaultdict(list)
    seq = 0
    json_s, json_f = JSON_FIELDS[Stakeholder], JSON_FIELDS[Factor]
    for s in data["stakeholders"]:
        if s["role"] not in ROLE_LABELS:
            # only a map built without validation gets here; labels come from
            # the vocabulary or nowhere
            raise StoreError(
                f"stakeholder {s['id']!r} has role {s['role']!r} — use one of "
                + ", ".join(ROLE_LABELS)
            )
        copies = _attribute_copies(s.get("attributes"))
        props = _props(s, json_s)
        props.update(copies)
        props["seq"] = seq
        seq += 1
        elements[f"Stakeholder:{ROLE_LABELS[s['role']]}"].append(props)
    for f in data["factors"]:
        copies = _attribute_copies(f.get("attributes"))
        props = _props(f, json_f)
        props.update(copies)
        props["seq"] = seq
        seq += 1
        elements["Factor"].append(props)
    rows.elements = dict(elements)
    rels: dict[str, list[dict[str, Any]]] = defaultdict(list)
    json_r = JSON_FIELDS[Relationship]
    for i, r in enumerate(data["relationships"]):
        copies = _attribute_copies(r.get("attributes"))
        props = _props(r, json_r)
        source, target = props.pop("source"), props.pop("target")
        power = props.pop("power", None)
        if power is not None:
            props["power_amount"] = power["amount"]
            if power["carries"]:
                props["power_carries"] = power["carries"]
        props.update(copies)
        props["seq"] = i
        rels[relationship_type(r["kind"])].append(
            {"source": source, "target": target, "props": props}
        )
    rows.relationships = dict(rels)
    for section, (label, model) in RECORD_LABELS.items():
        items = data[section]
        if items:
            rows.records[label] = [
                {**_props(item, JSON_FIELDS[model]), "seq": i} for i, item in enumerate(items)
            ]
    return rows


_POWER_PROPS = frozenset({"power_amount", "power_carries"})


def _restore(
    props: dict[str, Any], json_fields: frozenset[str], skip: frozenset[str] = BOOKKEEPING
) -> dict[str, Any]:
    # one pass that keeps what the model reads; it runs for every row of a pull
    out = {
        k: v
        for k, v in props.items()
        if v is not None and k not in skip and not k.startswith("attr_")
    }
    for key in json_fields:
        value = out.get(key)
        if type(value) is str:
            out[key] = _loads(value)
    return out


def _loads(text: str) -> Any:
    # json.loads, about five times faster; reads NaN and Infinity as json.dumps wrote them
    return from_json(text, allow_inf_nan=True)


def rows_to_map(
    version: dict[str, Any],
    parts: dict[str, list[dict[str, Any]]],
) -> SystemMap:
    """Rebuild the map from what was read back.

    Parameters
    ----------
    version : dict
        The version node's properties.
    parts : dict
        ``"stakeholders"`` and ``"factors"``: node properties;
        ``"relationships"``: ``{source, target, props}``; each record section
        (``"loops"`` …): node properties. Rows in any order; ``seq`` orders them.

    Returns
    -------
    SystemMap
        The map as it was pushed.
    """
    data: dict[str, Any] = {"id": version["map"]}
    nested = JSON_FIELDS[SystemMap]
    for key in ("sysmap", *_MAP_FIELDS):
        value = version.get(key)
        if value is not None:
            data[key] = _loads(value) if key in nested and type(value) is str else value

    def ordered(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return sorted(rows, key=lambda r: r["seq"])

    data["stakeholders"] = [
        _restore(p, JSON_FIELDS[Stakeholder]) for p in ordered(parts.get("stakeholders", []))
    ]
    data["factors"] = [_restore(p, JSON_FIELDS[Factor]) for p in ordered(parts.get("factors", []))]
    relationships = []
    json_r, skip_r = JSON_FIELDS[Relationship], BOOKKEEPING | _POWER_PROPS
    for row in sorted(parts.get("relationships", []), key=lambda r: r["props"]["seq"]):
        props = row["props"]
        rel = _restore(props, json_r, skip_r)
        rel["from"], rel["to"] = row["source"], row["target"]
        amount = props.get("power_amount")
        if amount is not None:
            rel["power"] = {"amount": amount, "carries": list(props.get("power_carries") or [])}
        relationships.append(rel)
    data["relationships"] = relationships
    for section, (_label, model) in RECORD_LABELS.items():
        data[section] = [_restore(p, JSON_FIELDS[model]) for p in ordered(parts.get(section, []))]
    return SystemMap.model_validate(data)


def map_digest(m: SystemMap) -> str:
    """A fingerprint of the map's content, in file order: equal maps, equal digests.

    Example
    -------
    >>> a = SystemMap(id="m", title="T", guiding_question="Q?")
    >>> map_digest(a) == map_digest(a.model_copy()), len(map_digest(a))
    (True, 64)
    """
    h = hashlib.sha256(f"sysmap-store-{SCHEMA_VERSION}\n".encode())
    h.update(m.model_dump_json().encode("utf-8"))
    return h.hexdigest()


def _read_back(rows: MapRows) -> dict[str, list[dict[str, Any]]]:
    # What a store reads back, without a store: for the doctest above.
    parts: dict[str, list[dict[str, Any]]] = {
        "stakeholders": [],
        "factors": [],
        "relationships": [r for rs in rows.relationships.values() for r in rs],
    }
    for label, elems in rows.elements.items():
        parts["factors" if label == "Factor" else "stakeholders"].extend(elems)
    by_label = {label: section for section, (label, _m) in RECORD_LABELS.items()}
    for label, recs in rows.records.items():
        parts[by_label[label]] = recs
    return parts
