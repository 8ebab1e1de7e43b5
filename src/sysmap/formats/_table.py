"""Maps as tables of elements, connections and loops, the Kumu layout.

Spreadsheets, Kumu JSON, GraphML and GEXF all see a map the same way: one
record per element (stakeholder or factor), one per connection
(relationship), one per loop, with nested fields flattened to named columns
(``Power``/``Power carries`` for ``power.amount``/``power.carries``,
``Change owner`` for ``change.owner`` …) and free attributes as extra columns.
This module turns a map into those records and records back into a map,
validating it with :func:`sysmap.validate.validate_data` so that an imported
map gets the same checks and messages as a map file, each placed at its
sheet, row and column.
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sysmap.errors import MapInvalid, UnknownOption
from sysmap.escape import spreadsheet_value
from sysmap.formats._dropped import SECTIONS, dropped_fields
from sysmap.formats._json_text import json_text
from sysmap.formats._results import ImportResult
from sysmap.model import CORE_KINDS, SystemMap
from sysmap.problems import Problem, did_you_mean, path_to_str
from sysmap.render import plural
from sysmap.validate import MAX_PER_KIND, validate_data

__all__ = [
    "ELEMENT_COLUMNS",
    "CONNECTION_COLUMNS",
    "LOOP_COLUMNS",
    "MAP_COLUMNS",
    "KIND_COLUMNS",
    "Table",
    "element_records",
    "connection_records",
    "loop_records",
    "map_records",
    "kind_records",
    "build_map",
    "sheets",
    "template_sheets",
    "normalise_header",
    "infer_value",
    "PLACEHOLDER_QUESTION",
    "SHEET_DROPS",
    "sheet_dropped",
    "fmt_weight",
    "WEIGHT_MODES",
    "slug",
    "element_option",
    "build_from_sheets",
    "build_from_rows",
]

#: (field, header) for the elements sheet.
ELEMENT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "Id"),
    ("name", "Label"),
    ("element", "Element"),
    ("type", "Type"),
    ("description", "Description"),
    ("tags", "Tags"),
    ("role", "Role"),
    ("organisation", "Organisation"),
    ("lived_experience", "Lived experience"),
    ("power", "Power"),
    ("interest", "Interest"),
    ("sensitive", "Sensitive"),
    ("aliases", "Aliases"),
)
#: (field, header) for the connections sheet.
CONNECTION_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "Id"),
    ("from", "From"),
    ("to", "To"),
    ("kind", "Type"),
    ("notes", "Description"),
    ("strength", "Strength"),
    ("trust", "Trust"),
    ("direction", "Direction"),
    ("polarity", "Polarity"),
    ("weight", "Weight"),
    ("status", "Status"),
    ("power", "Power"),
    ("power_carries", "Power carries"),
    ("evidence", "Evidence"),
    ("change_reason", "Change reason"),
    ("change_owner", "Change owner"),
    ("change_pilot", "Change pilot"),
    ("change_measures", "Change measures"),
)
#: (field, header) for the loops sheet.
LOOP_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "Id"),
    ("name", "Label"),
    ("path", "Path"),
    ("type", "Type"),
    ("purpose", "Description"),
    ("effect", "Effect"),
)
#: (field, header) for the map sheet (one row per field: Field, Value).
MAP_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "Id"),
    ("title", "Title"),
    ("guiding_question", "Guiding question"),
    ("community", "Community"),
    ("description", "Description"),
    ("as_of", "As of"),
    ("stage", "Stage"),
    ("based_on", "Based on"),
)
#: (field, header) for the kinds sheet.
KIND_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "Id"),
    ("description", "Description"),
    ("voice", "Voice"),
)

_ALIASES: dict[str, dict[str, str]] = {
    "elements": {
        "name": "name",
        "label": "name",
        "organization": "organisation",
        "element type": "type",
        "kind": "element",
    },
    "connections": {
        "kind": "kind",
        "connection type": "kind",
        "notes": "notes",
        "power amount": "power",
        "source": "from",
        "target": "to",
        "relationship id": "id",
    },
    "loops": {"name": "name", "purpose": "purpose", "elements": "path"},
    "map": {"question": "guiding_question"},
    "kinds": {"kind": "id"},
}


def sheet_dropped(m: SystemMap) -> list[str]:
    """What a spreadsheet (CSV or XLSX) leaves out of this map."""
    out = dropped_fields(m, sections=())
    if any(r.change is not None and r.change.measures for r in m.relationships):
        out.insert(0, "relationships[].change.measures")
    return out


#: Everything a spreadsheet can leave out.
SHEET_DROPS: tuple[str, ...] = ("relationships[].change.measures", *SECTIONS)

#: The guiding question an import uses when the file has none.
PLACEHOLDER_QUESTION = "What question are we collectively working to address? (set this)"

LIST_SEP = "|"


@functools.lru_cache(maxsize=4096)
def _normalise(text: str) -> str:
    return re.sub(r"[\s_\-.]+", " ", text).strip().lower()


def normalise_header(text: Any) -> str:
    """A header as matched: lower case, ``_``, ``-`` and ``.`` read as spaces.

    Example
    -------
    >>> normalise_header("Lived_Experience ")
    'lived experience'
    """
    return _normalise(str(text))


@functools.lru_cache(maxsize=32)  # one dict per sheet: _fields caches plans by its id
def _lookup(columns: tuple[tuple[str, str], ...], sheet: str) -> dict[str, str]:
    out = {normalise_header(h): f for f, h in columns}
    out.update({normalise_header(f): f for f, _ in columns})
    out.update(_ALIASES.get(sheet, {}))
    return out


_INT = re.compile(r"^[+-]?\d{1,15}$")
_FLOAT = re.compile(r"^[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$")


def infer_value(text: str) -> str | int | float | bool:
    """Read a spreadsheet cell's text as a number or true/false when it is one.

    Example
    -------
    >>> [infer_value(v) for v in ["3", "2.5", "TRUE", "007", "Black"]]
    [3, 2.5, True, '007', 'Black']
    """
    low = text.lower()
    if low in ("true", "false"):
        return low == "true"
    if _INT.match(text) and (text.lstrip("+-") == "0" or not text.lstrip("+-").startswith("0")):
        return int(text)
    if _FLOAT.match(text) and not text.lstrip("+-").startswith("00"):
        return float(text)
    return text


_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str, fallback: str = "x") -> str:
    """An id made from a label: lower case, words joined by '-'.

    Example
    -------
    >>> slug("CoC Board (2024)")
    'coc-board-2024'
    """
    out = _SLUG.sub("-", str(text).lower()).strip("-")[:120]
    return out or fallback


# ------------------------------------------------------------------ map -> records


def _attr_header(key: str, reserved: set[str]) -> str:
    return f"attributes.{key}" if normalise_header(key) in reserved else key


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return LIST_SEP.join(str(v) for v in value)
    if isinstance(value, _dt.date):
        return value.isoformat()
    return value


class _Records:
    """Records for one sheet: which columns were used, and a header per attribute."""

    def __init__(
        self,
        columns: tuple[tuple[str, str], ...],
        sheet: str,
        used: set[str],
        key: Callable[[str], str] | None = None,
    ) -> None:
        self.reserved = set(_lookup(columns, sheet))
        self.key = key
        self.columns = columns if key is None else tuple((f, key(h)) for f, h in columns)
        self.used = used
        self.attr_headers: dict[str, str] = {}

    def record(self, data: dict[str, Any], attrs: dict[str, Any], flat: bool) -> dict[str, Any]:
        # the hot loop of every sheet-like export: a comprehension, and a cell made
        # flat only when it holds a list or a date (most hold text or a number)
        self.used.update(data)
        row = {h: data[f] for f, h in self.columns if f in data}
        if flat:
            for h, v in row.items():
                c = v.__class__
                if c is not str and c is not int and c is not float and c is not bool:
                    row[h] = _cell(v)
        if attrs:
            names = self.attr_headers
            for k, v in attrs.items():
                header = names.get(k)
                if header is None:
                    header = _attr_header(k, self.reserved)
                    header = names[k] = header if self.key is None else self.key(header)
                row[header] = v
        return row

    def headers(self) -> list[str]:
        return [h for f, h in self.columns if f in self.used] + list(self.attr_headers.values())


def element_records(
    m: SystemMap, *, flat: bool = True, key: Callable[[str], str] | None = None
) -> tuple[list[str], list[dict[str, Any]]]:
    """Headers and one record per element (stakeholders, then factors).

    With ``flat`` lists become ``a|b`` text; otherwise they stay lists. ``key``
    writes each header as a format names it (Kumu JSON's keys are lower case).
    """
    used = {"id", "name", "type", "description", "tags", "role"}
    records = _Records(ELEMENT_COLUMNS, "elements", used, key)
    rows: list[dict[str, Any]] = []
    dumped = _dump_parts(m, "stakeholders", "factors")
    for part in ("stakeholders", "factors"):
        for item, data in zip(getattr(m, part), dumped.get(part, ()), strict=True):
            data.pop("attributes", None)
            if part == "factors":
                data["element"] = "factor"
            rows.append(records.record(data, item.attributes, flat))
    return records.headers(), rows


def _dump_parts(m: SystemMap, *parts: str, mode: str = "python") -> dict[str, list[dict[str, Any]]]:
    """The parts' items as data, without their defaults: one call for all of them
    (a call an item costs a quarter more on a large map; leaving the attributes
    out, which a record takes as they are, would cost more than it saves)."""
    data: dict[str, list[dict[str, Any]]] = m.model_dump(
        mode=mode, include=set(parts), exclude_defaults=True
    )
    return data


def connection_records(
    m: SystemMap,
    *,
    flat: bool = True,
    measures: bool = True,
    key: Callable[[str], str] | None = None,
) -> tuple[list[str], list[dict[str, Any]]]:
    """Headers and one record per relationship.

    Without ``measures`` the change's measures are left out (for formats that
    do not carry the measures they refer to); ``key`` as for :func:`element_records`.
    """
    records = _Records(CONNECTION_COLUMNS, "connections", {"id", "from", "to", "kind"}, key)
    rows: list[dict[str, Any]] = []
    dumped = _dump_parts(m, "relationships", mode="json").get("relationships", ())
    for r, data in zip(m.relationships, dumped, strict=True):
        data.pop("attributes", None)
        data["from"], data["to"] = data.pop("source"), data.pop("target")
        power = data.pop("power", None)
        if power is not None:
            data["power"] = power["amount"]
            if power.get("carries"):
                data["power_carries"] = power["carries"]
        change = data.pop("change", None) or {}
        if not measures:
            change.pop("measures", None)
        for k, v in change.items():
            data[f"change_{k}"] = v
        if "evidence" in data:
            data["evidence"] = json_text(data["evidence"])
        rows.append(records.record(data, r.attributes, flat))
    return records.headers(), rows


def loop_records(m: SystemMap, *, flat: bool = True) -> tuple[list[str], list[dict[str, Any]]]:
    """Headers and one record per declared loop (the path as ``a|b|a``)."""
    rows = []
    for lp in m.loops:
        data = lp.model_dump(exclude_defaults=True)
        rows.append(
            {h: (_cell(data[f]) if flat else data[f]) for f, h in LOOP_COLUMNS if f in data}
        )
    return [h for _, h in LOOP_COLUMNS], rows


def map_records(m: SystemMap) -> list[tuple[str, Any]]:
    """(Field, Value) rows for the map sheet."""
    fields = {f for f, _ in MAP_COLUMNS}  # not the parts: a large map's parts take long
    data = m.model_dump(mode="json", include=fields, exclude_defaults=True)
    data.setdefault("id", m.id)
    return [(h, data[f]) for f, h in MAP_COLUMNS if f in data]


def kind_records(m: SystemMap) -> tuple[list[str], list[dict[str, Any]]]:
    """Headers and one record per custom kind."""
    rows = []
    for k in m.kinds:
        data = k.model_dump(exclude_defaults=True)
        rows.append({h: data[f] for f, h in KIND_COLUMNS if f in data})
    return [h for _, h in KIND_COLUMNS], rows


def sheets(m: SystemMap) -> list[tuple[str, list[str], list[dict[str, Any]]]]:
    """The map as named sheets of records: elements, connections, and loops,
    map and kinds when it has them (no change measures: no measures sheet)."""
    out = [
        ("elements", *element_records(m)),
        ("connections", *connection_records(m, measures=False)),
    ]
    if m.loops:
        out.append(("loops", *loop_records(m)))
    out.append(("map", ["Field", "Value"], [{"Field": f, "Value": v} for f, v in map_records(m)]))
    if m.kinds:
        out.append(("kinds", *kind_records(m)))
    return out


def template_sheets() -> list[tuple[str, list[str], list[dict[str, Any]]]]:
    """Empty sheets with every header, for a spreadsheet to fill in."""
    return [
        ("elements", [h for _, h in ELEMENT_COLUMNS], []),
        ("connections", [h for f, h in CONNECTION_COLUMNS if f != "change_measures"], []),
        ("loops", [h for _, h in LOOP_COLUMNS], []),
        ("map", ["Field", "Value"], [{"Field": h, "Value": None} for _, h in MAP_COLUMNS]),
        ("kinds", [h for _, h in KIND_COLUMNS], []),
    ]


# ------------------------------------------------------------------ records -> map


@dataclass
class Table:
    """Rows read from one sheet, file or JSON list, and how to name a place in it.

    ``style`` is ``"sheet"`` (``sheet elements, row 4, column Role``),
    ``"csv"`` (``row 4, column Role``; ``file`` is the CSV file) or
    ``"json"`` (``$.elements[3].role``) or ``"xml"`` (``node 4, attribute role``).
    """

    name: str
    file: str
    rows: list[dict[str, Any]]
    numbers: list[int] = field(default_factory=list)
    style: str = "sheet"
    headers: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        # a spreadsheet cell sysmap wrote as '=… (never a formula) reads back as =…
        if self.style in ("csv", "sheet"):
            self.headers = [spreadsheet_value(h) for h in self.headers]
            self.rows = [_unquoted(row) if _quoted(row) else row for row in self.rows]

    def place(self, index: int, header: str | None = None) -> str:
        """Where a row (and column) is, for a message."""
        if self.style == "json":
            out = f"$.{self.name}[{index}]"
            return out + (f".{header}" if header is not None else "")
        if self.style == "xml":
            out = f"{self.name} {index + 1}"
            if index < len(self.numbers):
                out = f"{self.name} {self.numbers[index]}"
            return out + (f", attribute {header}" if header is not None else "")
        row = self.numbers[index] if index < len(self.numbers) else index + 2
        out = f"row {row}"
        if self.style == "sheet":
            out = f"sheet {self.name}, " + out
        return out + (f", column {header}" if header is not None else "")


def _quoted(row: dict[str, Any]) -> bool:
    return any(
        (v.__class__ is str and v[:1] == "'") or (k.__class__ is str and k[:1] == "'")
        for k, v in row.items()
    )


def _unquoted(row: dict[str, Any]) -> dict[str, Any]:
    return {spreadsheet_value(k): spreadsheet_value(v) for k, v in row.items()}


@dataclass
class _Builder:
    file: str
    infer: bool
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # (section, index) -> (table, row index, {field: header})
    where: dict[tuple[str, int], tuple[Table, int, dict[str, str]]] = field(default_factory=dict)
    meta_rows: dict[str, tuple[Table, int]] = field(default_factory=dict)
    role: str | None = None
    kind: str | None = None
    weights: str = "auto"
    defaulted: int = 0
    kind_defaulted: int = 0
    made_mutual: int = 0
    # what the file did not say and the import assumed, for the summary
    assumed: list[str] = field(default_factory=list)
    # rows that lack a role / a kind: (table, row index, header)
    no_role: list[tuple[Table, int, str]] = field(default_factory=list)
    no_kind: list[tuple[Table, int, str]] = field(default_factory=list)
    # an element's id in the file -> the safe id it was given
    aliases: dict[str, str] = field(default_factory=dict)
    plans: dict[int, dict[Any, tuple[str, str, str] | None]] = field(default_factory=dict)

    # problems by kind (file, column, message without its values), to list 20 of each
    listed: dict[tuple[str, str | None, str], list[Problem]] = field(default_factory=dict)

    def keep(
        self,
        section: str,
        items: list[dict[str, Any]],
        item: dict[str, Any],
        place: tuple[Table, int, dict[str, str]],
    ) -> None:
        """Add an item read from a row to its section, remembering the row and the
        header of each field (to place a validation problem there)."""
        self.where[(section, len(items))] = place
        items.append(item)

    def fail(self, table: Table, index: int, header: str | None, message: str) -> None:
        problem = Problem(
            f"{table.place(index, header)}: {message}", file=table.file, code="import"
        )
        same = self.listed.setdefault((table.file, header, _VALUES.sub("…", message)), [])
        if len(same) < MAX_PER_KIND:
            same.append(problem)
            self.problems.append(problem)
        else:
            same[-1].more += 1  # a file full of one mistake: counted, not listed


#: The values in a message (quoted text, numbers), left out to tell its kind.
_VALUES = re.compile(r"'[^']*'|\d+")


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _split(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [v for v in value if v not in (None, "")]
    return [p.strip() for p in _text(value).split(LIST_SEP) if p.strip()]


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_BOOLS = {"lived_experience", "sensitive", "voice"}
_BOOL_WORDS = {
    "true": True,
    "yes": True,
    "y": True,
    "1": True,
    "x": True,
    "false": False,
    "no": False,
    "n": False,
    "0": False,
}


def _classify(header: Any, lookup: dict[str, str]) -> tuple[str, str, str] | None:
    """("known", field, header) or ("attr", name, header) for a column header."""
    if header is None or _empty(header):
        return None
    header = str(header).strip()
    key = normalise_header(header)
    if key.startswith("attributes "):
        name = header.split(".", 1)[1] if "." in header else header[len("attributes ") :]
        return ("attr", name, header)
    if key in lookup:
        return ("known", lookup[key], header)
    return ("attr", header, header)


def _fields(
    b: _Builder, table: Table, index: int, row: dict[str, Any], lookup: dict[str, str]
) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    """Known fields and attributes of one row, and the header each came from."""
    known: dict[str, Any] = {}
    attrs: dict[str, Any] = {}
    headers: dict[str, str] = {}
    plans = b.plans.setdefault(id(lookup), {})
    for header, value in row.items():
        if value is None or (value.__class__ is str and not value.strip()):
            continue
        try:
            plan = plans[header]
        except KeyError:
            plan = plans[header] = _classify(header, lookup)
        if plan is None:
            continue
        what, f, text = plan
        if value.__class__ is str:
            value = value.strip()
        if what == "known":
            if f in known:
                b.fail(table, index, text, f"a second column for {f} — keep one of them")
                continue
            if f in _BOOLS and value.__class__ is str and value.lower() in _BOOL_WORDS:
                value = _BOOL_WORDS[value.lower()]
            known[f] = value
            headers[f] = text
        else:
            if b.infer and value.__class__ is str:
                value = infer_value(value)
            attrs[f] = value
            headers[f"attributes.{f}"] = text
    return known, attrs, headers


def build_map(
    file: str,
    *,
    elements: Table | None,
    connections: Table | None,
    loops: Table | None = None,
    meta: Table | None = None,
    kinds: Table | None = None,
    infer: bool = False,
    extra: dict[str, Any] | None = None,
    format: str = "table",
    options: dict[str, Any] | None = None,
) -> ImportResult:
    """Build and validate a map from tables of records.

    ``meta`` rows have ``Field`` and ``Value``; ``extra`` is map data the
    format carries as a whole (Kumu JSON's sysmap section, GraphML's graph
    data). ``options`` may set ``id``, ``title`` and ``guiding_question``.

    Raises
    ------
    MapInvalid
        Every problem, each named by its sheet, row and column.
    """
    b = _Builder(file, infer)
    options = {k: v for k, v in (options or {}).items() if v is not None}
    b.role = options.get("role")
    b.kind = options.get("kind")
    b.weights = _weights_mode(options.get("weights"))
    data = _map_fields(b, meta, kinds, extra, options)
    _check_headers(b, elements, "elements", ELEMENT_COLUMNS, (("name", "Label"),))
    _check_headers(
        b,
        connections,
        "connections",
        CONNECTION_COLUMNS,
        (("from", "From"), ("to", "To"), ("kind", "Type")),
    )
    _check_headers(b, loops, "loops", LOOP_COLUMNS, (("path", "Path"),))
    if b.problems:
        raise MapInvalid(b.problems)
    ids: dict[str, int] = {}
    labels: dict[str, list[str]] = {}
    stakeholders: list[dict[str, Any]] = []
    factors: list[dict[str, Any]] = []
    if elements is not None:
        _read_elements(b, elements, stakeholders, factors, ids, labels)
    resolve = _resolver(ids, labels, b.aliases)
    relationships: list[dict[str, Any]] = []
    if connections is not None:
        relationships = _read_connections(b, connections, resolve)
    _say_assumed(b, relationships)
    loop_items: list[dict[str, Any]] = []
    if loops is not None:
        loop_items = _read_loops(b, loops, resolve)
    _declare_new_kinds(b, data, relationships)
    data["stakeholders"] = stakeholders
    data["factors"] = factors
    data["relationships"] = relationships
    if loops is not None:
        data["loops"] = loop_items
    if b.problems:
        raise MapInvalid(b.problems)
    return _validated(b, data, format)


def build_from_sheets(
    file: str,
    tables: dict[str, Table],
    *,
    infer: bool = False,
    format: str,
    options: dict[str, Any],
) -> ImportResult:
    """:func:`build_map` for a workbook or a folder: its tables by sheet name
    (``elements``, ``connections``, ``loops``, ``map``, ``kinds``)."""
    return build_map(
        file,
        elements=tables.get("elements"),
        connections=tables.get("connections"),
        loops=tables.get("loops"),
        meta=tables.get("map"),
        kinds=tables.get("kinds"),
        infer=infer,
        format=format,
        options=options,
    )


def build_from_rows(
    file: str,
    elements: list[dict[str, Any]],
    connections: list[dict[str, Any]],
    *,
    style: str = "xml",
    names: tuple[str, str] = ("element", "relationship"),
    extra: dict[str, Any] | None = None,
    format: str,
    options: dict[str, Any],
) -> ImportResult:
    """:func:`build_map` for a reader that made the element and connection records
    itself; ``names`` are what a message calls a row of each (``node``, ``edge``)."""
    return build_map(
        file,
        elements=Table(names[0], file, elements, style=style),
        connections=Table(names[1], file, connections, style=style),
        extra=extra,
        format=format,
        options=options,
    )


def _map_fields(
    b: _Builder,
    meta: Table | None,
    kinds: Table | None,
    extra: dict[str, Any] | None,
    options: dict[str, Any],
) -> dict[str, Any]:
    """The map's own fields: from the file, then the options, then made up (id and
    title from the file name, a placeholder question with a warning)."""
    data: dict[str, Any] = {}
    data.update(extra or {})
    if meta is not None:
        _read_meta(b, meta, data)
    if kinds is not None:
        data["kinds"] = _read_kinds(b, kinds)
    stem = Path(b.file).stem or "map"
    for key in ("id", "title", "guiding_question"):
        if key in options:
            data[key] = options[key]
    if "id" not in data:
        data["id"] = slug(stem, "map")
    if "title" not in data:
        data["title"] = stem
    if "guiding_question" not in data:
        data["guiding_question"] = PLACEHOLDER_QUESTION
        b.warnings.append(
            "the file has no guiding question — set one with "
            "`sysmap set MAP guiding_question '…'` (or --question when importing)"
        )
    return data


def _declare_new_kinds(
    b: _Builder, data: dict[str, Any], relationships: list[dict[str, Any]]
) -> None:
    """Declare each relationship kind the map does not know yet (and say so)."""
    declared = {k["id"] for k in data.get("kinds", []) if isinstance(k, dict) and "id" in k}
    new_kinds = []
    for r in relationships:
        kind = r.get("kind")
        if isinstance(kind, str):
            k = kind.strip().lower().replace(" ", "_").replace("-", "_")
            if k not in CORE_KINDS and k not in declared and re.match(r"^[a-z][a-z0-9_]*$", k):
                declared.add(k)
                new_kinds.append(k)
    if new_kinds:
        data.setdefault("kinds", [])
        data["kinds"] = list(data["kinds"]) + [{"id": k} for k in new_kinds]
        b.warnings.append("declared new relationship kinds: " + ", ".join(new_kinds))


def _validated(b: _Builder, data: dict[str, Any], format: str) -> ImportResult:
    """The validated map, its problems placed at their sheet, row and column."""
    file = b.file
    report, model = validate_data(data, file=file, consume=True)  # data is ours
    if model is None:
        raise MapInvalid([_relocate(b, p) for p in report.problems])
    for p in report.problems:
        if p.severity == "warning":
            w = _relocate(b, p)
            b.warnings.append((path_to_str(w.path) + ": " if w.path else "") + w.message)
    return ImportResult(model, format, file, warnings=b.warnings, assumed=b.assumed)


def _check_headers(
    b: _Builder,
    table: Table | None,
    sheet: str,
    columns: Sequence[tuple[str, str]],
    needed: Sequence[tuple[str, str]],
) -> None:
    if table is None or table.style == "json" or not table.headers:
        return
    lookup = _lookup(columns, sheet)
    have = {lookup.get(normalise_header(h)) for h in table.headers if h is not None}
    for f, header in needed:
        if f in have:
            continue
        hint = did_you_mean(header, [str(h) for h in table.headers if h is not None])
        where = f"sheet {table.name}, row 1" if table.style == "sheet" else "row 1"
        b.problems.append(
            Problem(
                f"{where}: no {header} column"
                + (f" — did you mean {hint!r}? Rename it to {header}" if hint else "")
                + f" (the {sheet} sheet needs "
                + ", ".join(h for _, h in needed)
                + "; headers are matched ignoring case)",
                file=table.file,
                code="import",
            )
        )


def _read_meta(b: _Builder, meta: Table, data: dict[str, Any]) -> None:
    lookup = _lookup(MAP_COLUMNS, "map")
    for i, row in enumerate(meta.rows):
        cells = {normalise_header(k): v for k, v in row.items() if k is not None}
        name, value = cells.get("field"), cells.get("value")
        if _empty(name):
            continue
        key = lookup.get(normalise_header(name))
        if key is None:
            hint = did_you_mean(normalise_header(name), [h.lower() for _, h in MAP_COLUMNS])
            b.fail(
                meta,
                i,
                "Field",
                f"unknown map field {_text(name)!r}"
                + (f" — did you mean {hint!r}?" if hint else " — use one of the map fields"),
            )
            continue
        if not _empty(value):
            data[key] = _text(value) if not isinstance(value, _dt.date) else value
            b.meta_rows[key] = (meta, i)


_KIND_HEADERS = "Id, Description, Voice"
_LOOP_HEADERS = "Id, Label, Path, Type, Description"  # Effect is rare: not offered


def _known_fields(
    b: _Builder, table: Table, sheet: str, columns: tuple[tuple[str, str], ...], use: str
) -> Iterator[tuple[int, dict[str, Any], dict[str, str]]]:
    """(row index, fields, headers) of each row with fields, for a sheet that has no
    free attributes: any other column is a problem (``use`` names the right ones)."""
    lookup = _lookup(columns, sheet)
    for i, row in enumerate(table.rows):
        known, attrs, headers = _fields(b, table, i, row, lookup)
        for h in attrs:
            b.fail(table, i, h, f"unknown column — use {use}")
        if known:
            yield i, known, headers


def _read_kinds(b: _Builder, kinds: Table) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i, known, headers in _known_fields(b, kinds, "kinds", KIND_COLUMNS, _KIND_HEADERS):
        b.keep("kinds", out, known, (kinds, i, headers))
    return out


def _read_elements(
    b: _Builder,
    table: Table,
    stakeholders: list[dict[str, Any]],
    factors: list[dict[str, Any]],
    ids: dict[str, int],
    labels: dict[str, list[str]],
) -> None:
    lookup = _lookup(ELEMENT_COLUMNS, "elements")
    first_row: dict[str, int] = {}
    for i, row in enumerate(table.rows):
        known, attrs, headers = _fields(b, table, i, row, lookup)
        if not known and not attrs:
            continue
        name = known.get("name")
        if _empty(name) and table.style == "xml" and not _empty(known.get("id")):
            name = known["id"]  # GraphML/GEXF from other tools: the node id is the label
        if _empty(name):
            b.fail(table, i, "Label", "empty — every element needs a label")
            continue
        name = _text(name)
        known["name"] = name
        ident = _element_id(b, _Row(table, i, known, headers), first_row)
        if ident is None:
            continue
        first_row[ident] = i
        known["id"] = ident
        ids[ident] = i
        labels.setdefault(name.lower(), []).append(ident)
        element = _text(known.pop("element", "stakeholder")).lower()
        for listed in ("tags", "aliases"):
            if listed in known:
                known[listed] = _split(known[listed])
        if attrs:
            known["attributes"] = attrs
        if element == "stakeholder" and _empty(known.get("role")):
            if b.role:
                known["role"] = b.role
                b.defaulted += 1
            else:
                b.no_role.append((table, i, headers.get("role", _header(table, "Role"))))
        parts = {"factor": ("factors", factors), "stakeholder": ("stakeholders", stakeholders)}
        if element not in parts:
            b.fail(
                table,
                i,
                headers.get("element", "Element"),
                f"{element!r} is not an element kind — use stakeholder or factor",
            )
            continue
        section, target = parts[element]
        b.keep(section, target, known, (table, i, headers))


@dataclass
class _Row:
    """A row being read: its table and index, its fields and the header of each."""

    table: Table
    index: int
    known: dict[str, Any]
    headers: dict[str, str]


def _element_id(b: _Builder, row: _Row, first_row: dict[str, int]) -> str | None:
    """The element's map id (from its Id, or made from its label), or None with a
    problem when an earlier row has it."""
    table, i, known, headers = row.table, row.index, row.known, row.headers
    name = known["name"]
    if "id" in known:
        ident = _text(known["id"])
        if not _SAFE_ID.match(ident):
            ident = _safe_id(b, ident, name, known, first_row)
    else:
        ident = slug(name, f"e{i + 1}")
        if ident in first_row:
            b.fail(
                table,
                i,
                headers.get("name", "Label"),
                f"{name!r} is also the label in {table.place(first_row[ident])} — labels "
                "identify elements when there is no Id column; add an Id column or "
                "make the labels differ",
            )
            return None
    if ident in first_row:
        b.fail(
            table,
            i,
            headers.get("id", "Id"),
            f"the id {ident!r} is also used in {table.place(first_row[ident])} — "
            "give each element its own id",
        )
        return None
    return ident


_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,199}$")
_UNDIRECTED = {"undirected", "bidirectional", "both", "both ways"}
WEIGHT_MODES = ("auto", "rescale", "keep")


def _safe_id(
    b: _Builder, ident: str, name: str, known: dict[str, Any], taken: dict[str, int]
) -> str:
    """An id the map accepts, made from the label; the file's id still finds it."""
    base = slug(name if name != ident else ident, "e")
    new, n = base, 1
    while new in taken or new in b.aliases.values():
        n += 1
        new = f"{base}-{n}"
    b.aliases[ident] = new
    if name != ident:
        known.setdefault("attributes", {})["original_id"] = ident
    return new


def element_option(options: dict[str, Any]) -> str:
    """The ``element`` reader option, taken out of ``options``: what every element
    of a file without an element column is (stakeholder, the default, or factor)."""
    element = str(options.pop("element", None) or "stakeholder").strip().lower()
    if element not in ("stakeholder", "factor"):
        raise UnknownOption(f"element={element!r}: use stakeholder or factor")
    return element


def _weights_mode(value: Any) -> str:
    mode = "auto" if value in (None, "") else str(value).strip().lower()
    if mode not in WEIGHT_MODES:
        raise UnknownOption(
            f"weights={value!r}: use auto (strength from weight when every weight fits 0–5), "
            "rescale (strength = weight × 5 / the largest weight) or keep (weight stays an "
            "attribute)"
        )
    return mode


def _header(table: Table, sheet_header: str) -> str:
    """How a missing field is named: its sheet column, or the key the file uses
    (GraphML and GEXF ``kind``, Kumu JSON ``type``; ``role`` in both)."""
    if table.style == "xml":
        return {"Type": "kind"}.get(sheet_header, sheet_header.lower())
    if table.style == "json":
        return sheet_header.lower()
    return sheet_header


def _missing(b: _Builder, rows: list[tuple[Table, int, str]], what: str, hint: str) -> None:
    """One problem per row for a few rows; one problem in all for many."""
    if len(rows) <= 3:
        for table, i, header in rows:
            b.fail(table, i, header, f"empty — {what}; {hint}")
        return
    table, i, header = rows[0]
    b.fail(
        table,
        i,
        header,
        f"empty (and in {len(rows) - 1:,} more {table.name}s) — {what}; {hint}",
    )


def _say_assumed(b: _Builder, relationships: list[dict[str, Any]]) -> None:
    """Problems for what is missing, and the summary of what was assumed."""
    roles = "beneficiary, provider or leader"
    _missing(
        b,
        b.no_role,
        f"every stakeholder needs a role ({roles})",
        "add a role column or give one role to the whole file with --role (-O role=…)",
    )
    _missing(
        b,
        b.no_kind,
        "say what kind of relationship this is (e.g. serves, collaborates)",
        "add a kind column or give one kind to the whole file with --kind (-O kind=…)",
    )
    if b.aliases:
        first = next(iter(b.aliases.items()))
        b.assumed.append(
            f"{plural(len(b.aliases), 'id')} could not be map ids (spaces or other characters) and "
            f"were made from the labels, e.g. {first[0]!r} became {first[1]!r}; the label "
            "stays the name"
        )
    if b.defaulted:
        b.assumed.append(
            f"{plural(b.defaulted, 'stakeholder')} had no role and were given role {b.role}"
        )
    if b.kind_defaulted:
        b.assumed.append(
            f"{plural(b.kind_defaulted, 'relationship')} had no kind and were given kind {b.kind}"
        )
    if b.made_mutual:
        b.assumed.append(
            f"{plural(b.made_mutual, 'undirected edge')} read as mutual (a mutual "
            "relationship counts both ways in every analysis)"
        )
    _apply_weights(b, relationships)


def _apply_weights(b: _Builder, relationships: list[dict[str, Any]]) -> None:
    """Strength from another tool's ``weight`` attribute, as the ``weights`` option says."""
    rows = [
        r
        for r in relationships
        if "strength" not in r
        and isinstance(r.get("attributes", {}).get("weight"), int | float)
        and not isinstance(r["attributes"]["weight"], bool)
    ]
    if not rows:
        return
    values = [float(r["attributes"]["weight"]) for r in rows]
    low, high = min(values), max(values)
    span = f"{fmt_weight(low)} to {fmt_weight(high)}" if low != high else fmt_weight(low)
    kept = f"{plural(len(rows), 'weight')} ({span}) kept as the attribute weight"
    if b.weights == "keep":
        b.assumed.append(kept)
        return
    if b.weights == "rescale":
        if low < 0 or high <= 0:
            b.assumed.append(kept + "; rescaling needs weights above 0, so strength is unset")
            return
        for r, w in zip(rows, values, strict=True):
            r["strength"] = round(w * 5 / high, 4)
        b.assumed.append(kept + f"; strength = weight × 5 / {fmt_weight(high)} (rescaled to 0–5)")
        return
    if low == high == 1:
        b.assumed.append(kept + "; all are 1, so they say nothing about strength")
    elif 0 <= low and high <= 5:
        for r, w in zip(rows, values, strict=True):
            r["strength"] = w
        b.assumed.append(kept + " and used as strength (they all fit its 0–5 scale)")
    else:
        b.assumed.append(
            kept + "; they do not fit strength's 0–5 scale, so strength is unset — "
            "use --weights rescale (-O weights=rescale) for strength = weight × 5 / "
            f"{fmt_weight(max(abs(low), abs(high)))}"
        )


def fmt_weight(value: float) -> str:
    """A weight as people write it: 3, 2.5, 0.125."""
    return f"{value:g}"


Resolver = Callable[[Any], tuple[str | None, str | None]]


def _resolver(
    ids: dict[str, int], labels: dict[str, list[str]], aliases: dict[str, str] | None = None
) -> Resolver:
    aliases = aliases or {}

    def resolve(value: Any) -> tuple[str | None, str | None]:
        text = _text(value)
        if text in ids:
            return text, None
        if text in aliases:
            return aliases[text], None
        found = labels.get(text.lower())
        if found and len(found) == 1:
            return found[0], None
        if found:
            return None, (
                f"{text!r} is the label of {len(found)} elements "
                f"({', '.join(found)}) — use one of their ids"
            )
        hint = did_you_mean(text, list(ids))
        return None, (
            f"unknown element {text!r}"
            + (f" — did you mean {hint!r}?" if hint else " — use an element's id or label")
        )

    return resolve


def _read_connections(b: _Builder, table: Table, resolve: Resolver) -> list[dict[str, Any]]:
    lookup = _lookup(CONNECTION_COLUMNS, "connections")
    out: list[dict[str, Any]] = []
    for i, row in enumerate(table.rows):
        known, attrs, headers = _fields(b, table, i, row, lookup)
        if not known and not attrs:
            continue
        if not _connection_ends(b, _Row(table, i, known, headers), resolve):
            continue
        direction = known.get("direction")
        if isinstance(direction, str) and direction.lower() in _UNDIRECTED:
            known["direction"] = "mutual"
            b.made_mutual += 1
        if "id" in known:
            known["id"] = _text(known["id"])
        _nest_power_and_change(known, headers)
        if "evidence" in known:
            evidence = _evidence(known["evidence"])
            if isinstance(evidence, str):
                b.fail(table, i, headers["evidence"], evidence)
                continue
            known["evidence"] = evidence
        if attrs:
            known["attributes"] = attrs
        b.keep("relationships", out, known, (table, i, headers))
    return out


def _connection_ends(b: _Builder, row: _Row, resolve: Resolver) -> bool:
    """From, To (as element ids) and kind of a connection; False, with problems, when
    one is missing or names no element."""
    table, i, known, headers = row.table, row.index, row.known, row.headers
    ok = True
    for end in ("from", "to"):
        if _empty(known.get(end)):
            b.fail(table, i, end.capitalize(), "empty — every connection needs From and To")
            ok = False
            continue
        ident, problem = resolve(known[end])
        if problem:
            b.fail(table, i, headers[end], problem)
            ok = False
        known[end] = ident
    if _empty(known.get("kind")):
        if b.kind:
            known["kind"] = b.kind
            b.kind_defaulted += 1
        else:
            b.no_kind.append((table, i, headers.get("kind", _header(table, "Type"))))
            ok = False
    return ok


def _nest_power_and_change(known: dict[str, Any], headers: dict[str, str]) -> None:
    """The flat power and change columns as the nested ``power`` and ``change``
    fields (the headers follow, so that a problem names the column)."""
    if "power" in known or "power_carries" in known:
        power: dict[str, Any] = {}
        if "power" in known:
            power["amount"] = known.pop("power")
        if "power_carries" in known:
            power["carries"] = _split(known.pop("power_carries"))
            headers["power.carries"] = headers.pop("power_carries")
        if "power" in headers:
            headers["power.amount"] = headers["power"]
        known["power"] = power
    change = {}
    for key in ("reason", "owner", "pilot", "measures"):
        if f"change_{key}" in known:
            value = known.pop(f"change_{key}")
            change[key] = _split(value) if key == "measures" else value
            headers[f"change.{key}"] = headers.pop(f"change_{key}")
    if change:
        known["change"] = change
        headers["change"] = next(iter(h for k, h in headers.items() if k.startswith("change")))


def _evidence(value: Any) -> list[Any] | str:
    if isinstance(value, list):
        return value
    text = _text(value)
    if text.startswith(("[", "{")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            return f'not valid JSON ({exc.msg} at character {exc.pos + 1}) — write a JSON list such as [{{"source": "survey"}}] or just the sources, e.g. survey|interview'
        except RecursionError:
            return "the JSON is nested too deeply — write a JSON list of evidence entries"
        return data if isinstance(data, list) else [data]
    return [{"source": s} for s in _split(text)]


def _read_loops(b: _Builder, table: Table, resolve: Resolver) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i, known, headers in _known_fields(b, table, "loops", LOOP_COLUMNS, _LOOP_HEADERS):
        if "name" in known and "id" not in known:
            known["id"] = slug(_text(known["name"]), f"loop-{i + 1}")
        path = []
        ok = True
        for step in _split(known.get("path", "")):
            ident, problem = resolve(step)
            if problem:
                b.fail(table, i, headers.get("path", "Path"), problem)
                ok = False
            path.append(ident)
        if not ok:
            continue
        known["path"] = path
        for key in ("id", "name"):
            if key in known:
                known[key] = _text(known[key])
        if isinstance(known.get("type"), str):
            known["type"] = known["type"].lower()
        b.keep("loops", out, known, (table, i, headers))
    return out


def _relocate(b: _Builder, p: Problem) -> Problem:
    """A validation problem placed at its sheet, row and column."""
    path = p.path
    if len(path) >= 2 and isinstance(path[1], int) and (path[0], path[1]) in b.where:
        table, index, headers = b.where[(str(path[0]), path[1])]
        header = None
        rest = [str(x) for x in path[2:]]
        if rest:
            for n in range(len(rest), 0, -1):
                key = ".".join(rest[:n])
                if key in headers:
                    header = headers[key]
                    break
            if header is None and rest[0] in ("source", "target"):
                header = headers.get("from" if rest[0] == "source" else "to")
            if header is None:
                header = headers.get(rest[0])
            if header is None:
                header = dict(ELEMENT_COLUMNS + CONNECTION_COLUMNS).get(rest[0], rest[0])
        return _placed(p, table, table.place(index, header))
    if len(path) == 1 and str(path[0]) in b.meta_rows:
        table, index = b.meta_rows[str(path[0])]
        return _placed(p, table, table.place(index, "Value"))
    return Problem(
        p.message, path=p.path, file=b.file, severity=p.severity, code=p.code, more=p.more
    )


def _placed(p: Problem, table: Table, place: str) -> Problem:
    """The problem, its message starting with its place in the table."""
    return Problem(
        f"{place}: {p.message}", file=table.file, severity=p.severity, code=p.code, more=p.more
    )
