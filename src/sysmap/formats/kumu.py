"""Kumu JSON: elements, connections and loops, in and out.

Each element, connection and loop is an object whose keys are the
spreadsheet columns in lower case (``label``, ``type``, ``description``,
``tags``, ``role``, ``lived experience``, ``power carries`` …); free
attributes are further keys. Connections carry ``direction``
(``directed`` or ``mutual``; ``undirected`` reads as mutual). From and to
name an element's id or its label. The map's own fields and the sections
Kumu has no place for (guiding team, outcomes, measures, indicators,
assessments) travel in a ``sysmap`` object, so a sysmap → Kumu → sysmap
round trip keeps everything.

Kumu's own export is read as it is: each item's fields nested in an
``attributes`` object (``element type``, ``connection type``), items carrying
Kumu's internal ``_id`` and connections and loops referring to elements by it,
connection ``tags`` as a list (kept as the attribute ``tags``, ``a|b``). A
connection type not written as sysmap writes kinds (``Shares Data``) is kept in
the attribute ``kumu_type`` and written back to Kumu as it was.

Example
-------
>>> from sysmap.model import Relationship, Stakeholder, SystemMap
>>> m = SystemMap(id="m", title="M", guiding_question="Q?",
...     stakeholders=[Stakeholder(id="a", name="A", role="beneficiary"),
...                   Stakeholder(id="b", name="B", role="leader")],
...     relationships=[Relationship(source="a", target="b", kind="feedback")])
>>> text = generate_kumu(m)
>>> parse_kumu(text) == m
True
"""

from __future__ import annotations

import json
from typing import Any

from sysmap.errors import MapFileError
from sysmap.formats._files import PathOrFile, read_text_input, write_output
from sysmap.formats._json_text import dump_json_lines
from sysmap.formats._results import ExportResult, ImportResult
from sysmap.formats._table import (
    CONNECTION_COLUMNS,
    ELEMENT_COLUMNS,
    LIST_SEP,
    LOOP_COLUMNS,
    Table,
    build_map,
    connection_records,
    element_records,
    loop_records,
)
from sysmap.model import SystemMap

__all__ = ["generate_kumu", "write_kumu", "parse_kumu", "read_kumu", "import_kumu"]

_PARTS = {"stakeholders", "factors", "relationships", "loops"}
#: The attribute that keeps a Kumu connection type as Kumu wrote it ("Shares Data"
#: for the kind shares_data), so that it goes back to Kumu unchanged.
TYPE_LABEL = "kumu_type"


#: The headers sysmap writes for its own fields; free attributes keep their names.
_KNOWN = {h for _, h in (*ELEMENT_COLUMNS, *CONNECTION_COLUMNS, *LOOP_COLUMNS)}


def _key(header: str) -> str:
    return header.lower() if header in _KNOWN else header


def kumu_data(m: SystemMap) -> dict[str, Any]:
    """The map as Kumu JSON data."""
    meta = m.model_dump(mode="json", by_alias=True, exclude_defaults=True, exclude=_PARTS)
    meta.pop("sysmap", None)
    meta = {"id": m.id, **meta}
    # the records come with Kumu's keys: no second dict an item
    _, elements = element_records(m, flat=False, key=_key)
    _, connections = connection_records(m, flat=False, key=_key)
    _, loops = loop_records(m, flat=False)
    for item in connections:
        item["direction"] = "mutual" if item.get("direction") == "mutual" else "directed"
        label = item.pop(TYPE_LABEL, None)
        if isinstance(label, str) and _kind_word(label) == item.get("type"):
            item["type"] = label
        if isinstance(item.get("tags"), str):
            item["tags"] = [t for t in item["tags"].split(LIST_SEP) if t]
    loop_items = []
    for row in loops:
        item = {_key(h): v for h, v in row.items()}
        item["elements"] = item.pop("path")
        loop_items.append(item)
    return {
        "sysmap": meta,
        "elements": elements,
        "connections": connections,
        "loops": loop_items,
    }


def generate_kumu(m: SystemMap) -> str:
    """The map as Kumu JSON text."""
    return dump_json_lines(kumu_data(m))


def write_kumu(m: SystemMap, path_or_file: PathOrFile) -> ExportResult:
    """Write the map as Kumu JSON; nothing is dropped."""
    path = write_output(path_or_file, generate_kumu(m))
    return ExportResult("kumu", path)


def _list(data: dict[str, Any], key: str, file: str, required: bool) -> list[dict[str, Any]]:
    value = data.get(key)
    if value is None:
        if required:
            raise MapFileError(
                f"{file}: $: no {key!r} list — a Kumu JSON file has elements and connections"
            )
        return []
    if not isinstance(value, list):
        raise MapFileError(f"{file}: $.{key}: a list of objects is needed here")
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise MapFileError(f"{file}: $.{key}[{i}]: an object is needed here")
    return value


def parse_kumu(text: str, file: str = "<kumu>", **options: Any) -> SystemMap:
    """Read a map from Kumu JSON text."""
    return _parse(text, file, **options).map


def _parse(text: str, file: str, **options: Any) -> ImportResult:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MapFileError(
            f"{file}:{exc.lineno}: not valid JSON ({exc.msg}, column {exc.colno}) — "
            "check the file is a Kumu JSON export"
        ) from None
    except RecursionError:
        raise MapFileError(
            f"{file}: the JSON is nested too deeply to be a Kumu export (brackets inside "
            "brackets hundreds of levels deep) — check the file is a Kumu JSON export"
        ) from None
    if not isinstance(data, dict):
        raise MapFileError(f"{file}: $: a JSON object with elements and connections is needed")
    elements = _list(data, "elements", file, True)
    connections = _list(data, "connections", file, False)
    loops = _list(data, "loops", file, False)
    extra = data.get("sysmap") or {}
    if not isinstance(extra, dict):
        raise MapFileError(f"{file}: $.sysmap: an object of map fields is needed here")
    flat_elements = [_flat(e) for e in elements]
    refs = _element_refs(flat_elements)
    rows = [_connection(_flat(c), refs) for c in connections]
    loop_rows = []
    for lp in loops:
        row = _flat(lp)
        row.pop("_id", None)
        if isinstance(row.get("elements"), list):
            row["elements"] = [refs.get(str(x), x) for x in row["elements"]]
        loop_rows.append(row)
    result = build_map(
        file,
        elements=Table("elements", file, flat_elements, style="json"),
        connections=Table("connections", file, rows, style="json"),
        loops=Table("loops", file, loop_rows, style="json"),
        extra={k: v for k, v in extra.items() if k not in _PARTS},
        format="kumu",
        options=options,
    )
    if refs:
        result.assumed.insert(
            0,
            f"Kumu's internal ids (_id) of {len(refs):,} elements were read as references to them",
        )
    return result


def _flat(item: dict[str, Any]) -> dict[str, Any]:
    """One Kumu object with its ``attributes`` (how Kumu's own export nests them) lifted."""
    row = dict(item)
    attrs = row.pop("attributes", None)
    if isinstance(attrs, dict):
        for key, value in attrs.items():
            row.setdefault(key, value)
    elif attrs is not None:
        row["attributes"] = attrs
    return row


def _element_refs(elements: list[dict[str, Any]]) -> dict[str, str]:
    """Kumu ``_id`` -> how the map will know that element (its id, else its label)."""
    labels: dict[str, int] = {}
    for e in elements:
        label = str(e.get("label", "")).strip().lower()
        labels[label] = labels.get(label, 0) + 1
    refs: dict[str, str] = {}
    for e in elements:
        kumu_id = e.pop("_id", None)
        if not isinstance(kumu_id, str):
            continue
        label = str(e.get("label", "")).strip()
        if "id" not in e and labels.get(label.lower(), 0) > 1:
            e["id"] = kumu_id  # labels alone would not tell these elements apart
        refs[kumu_id] = str(e["id"]) if "id" in e else label
    return refs


def _connection(row: dict[str, Any], refs: dict[str, str]) -> dict[str, Any]:
    row.pop("_id", None)
    for end in ("from", "to"):
        if isinstance(row.get(end), str) and row[end] in refs:
            row[end] = refs[row[end]]
    direction = str(row.get("direction", "")).strip().lower()
    if direction in ("directed", ""):
        row.pop("direction", None)
    if isinstance(row.get("tags"), list):  # a relationship has no tags field: an attribute
        row["tags"] = LIST_SEP.join(str(t) for t in row["tags"] if t not in (None, ""))
    kind = row.get("type", row.get("connection type"))
    if isinstance(kind, str) and kind.strip() and _kind_word(kind) != kind.strip():
        row.setdefault(TYPE_LABEL, kind.strip())  # "Shares Data" goes back to Kumu as written
    return row


def _kind_word(text: str) -> str:
    return text.strip().lower().replace(" ", "_").replace("-", "_")


def import_kumu(path_or_file: PathOrFile, **options: Any) -> ImportResult:
    """Read a Kumu JSON file; the result holds the map and any warnings."""
    text, name = read_text_input(path_or_file)
    return _parse(text, name, **options)


def read_kumu(path_or_file: PathOrFile, **options: Any) -> SystemMap:
    """Read a map from a Kumu JSON file."""
    return import_kumu(path_or_file, **options).map
