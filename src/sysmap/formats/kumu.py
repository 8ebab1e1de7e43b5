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
from sysmap.formats._common import (
    ExportResult,
    ImportResult,
    PathOrFile,
    dump_json_lines,
    read_text_input,
    write_output,
)
from sysmap.formats._table import (
    Table,
    build_map,
    connection_records,
    element_records,
    loop_records,
)
from sysmap.model import SystemMap

__all__ = ["generate_kumu", "write_kumu", "parse_kumu", "read_kumu", "import_kumu"]

_PARTS = {"stakeholders", "factors", "relationships", "loops"}


def _key(header: str) -> str:
    return header.lower() if not header.startswith("attributes.") else header


def kumu_data(m: SystemMap) -> dict[str, Any]:
    """The map as Kumu JSON data."""
    meta = m.model_dump(mode="json", by_alias=True, exclude_defaults=True, exclude=_PARTS)
    meta.pop("sysmap", None)
    meta = {"id": m.id, **meta}
    _, elements = element_records(m, flat=False)
    _, connections = connection_records(m, flat=False)
    _, loops = loop_records(m, flat=False)
    out_connections = []
    for row in connections:
        item = {_key(h): v for h, v in row.items()}
        item["direction"] = "mutual" if item.get("direction") == "mutual" else "directed"
        if "evidence" in item:
            item["evidence"] = json.loads(item["evidence"])
        out_connections.append(item)
    loop_items = []
    for row in loops:
        item = {_key(h): v for h, v in row.items()}
        item["elements"] = item.pop("path")
        loop_items.append(item)
    return {
        "sysmap": meta,
        "elements": [{_key(h): v for h, v in row.items()} for row in elements],
        "connections": out_connections,
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
    if not isinstance(data, dict):
        raise MapFileError(f"{file}: $: a JSON object with elements and connections is needed")
    elements = _list(data, "elements", file, True)
    connections = _list(data, "connections", file, False)
    loops = _list(data, "loops", file, False)
    extra = data.get("sysmap") or {}
    if not isinstance(extra, dict):
        raise MapFileError(f"{file}: $.sysmap: an object of map fields is needed here")
    rows = []
    for c in connections:
        row = dict(c)
        if "attributes" in row and isinstance(row["attributes"], dict):
            row.update(row.pop("attributes"))
        direction = str(row.get("direction", "")).strip().lower()
        if direction in ("directed", ""):
            row.pop("direction", None)
        elif direction == "undirected":
            row["direction"] = "mutual"
        rows.append(row)
    flat_elements = []
    for e in elements:
        row = dict(e)
        if "attributes" in row and isinstance(row["attributes"], dict):
            row.update(row.pop("attributes"))
        row.pop("_id", None)
        flat_elements.append(row)
    return build_map(
        file,
        elements=Table("elements", file, flat_elements, style="json"),
        connections=Table("connections", file, rows, style="json"),
        loops=Table("loops", file, loops, style="json"),
        extra={k: v for k, v in extra.items() if k not in _PARTS},
        format="kumu",
        options=options,
    )


def import_kumu(path_or_file: PathOrFile, **options: Any) -> ImportResult:
    """Read a Kumu JSON file; the result holds the map and any warnings."""
    text, name = read_text_input(path_or_file)
    return _parse(text, name, **options)


def read_kumu(path_or_file: PathOrFile, **options: Any) -> SystemMap:
    """Read a map from a Kumu JSON file."""
    return import_kumu(path_or_file, **options).map
