"""An edge list: one relationship per row of a CSV file, whatever its columns (in only).

Network data often comes as a table of pairs — ``source,target,weight`` from
Gephi's data laboratory, ``from,to,type`` from a spreadsheet, ``ego,alter``
from a survey tool. Four columns matter, found by these headers (ignoring
case) unless an option names them:

==========  ==================  =============================================
option      column              headers tried
==========  ==================  =============================================
``source``  who the link leaves source, from, sender, ego, node1, actor1
``target``  whom it reaches     target, to, receiver, alter, node2, actor2
``type``    the kind            type, kind, relation, relationship, label
``weight``  a number            weight, value, count
==========  ==================  =============================================

A ``Type`` column that only says ``Directed`` or ``Undirected`` (Gephi's
edge table) is read as the direction, not the kind. Every other column is
read as sysmap reads a connections sheet: ``strength``,
``polarity``, ``direction``, ``status``, ``notes`` … by name, anything else as
a free attribute. The elements are the names found in the two end columns
(stakeholders, ``element=factor`` for a key-factor model). ``directed=false``
reads every row as undirected (a mutual relationship); a ``directed`` column
of true/false does the same row by row. Roles, kinds and weights are assumed
and said as for every reader (``role``, ``kind``, ``weights``).

Example
-------
>>> text = '''Org A;Org B;Tie;Hours
... Shelter;Outreach;referral;12
... Outreach;Board;reports to;3
... '''
>>> m = parse_edge_list(text.replace(";", ","), role="provider",
...     source="Org A", target="Org B", type="Tie")
>>> [(r.source, r.target, r.kind, r.attributes["Hours"]) for r in m.relationships]
[('shelter', 'outreach', 'referral', 12), ('outreach', 'board', 'reports_to', 3)]
"""

from __future__ import annotations

from typing import Any

from sysmap.errors import MapFileError, MapInvalid, UnknownOption
from sysmap.formats._files import PathOrFile, csv_rows, read_text_input
from sysmap.formats._results import ImportResult
from sysmap.formats._table import Table, build_map, element_option, infer_value, normalise_header
from sysmap.model import SystemMap
from sysmap.problems import Problem, did_you_mean

__all__ = ["parse_edge_list", "read_edge_list", "import_edge_list", "COLUMNS"]

#: The columns an edge list needs or may have, and the headers tried for each.
COLUMNS: dict[str, tuple[str, ...]] = {
    "source": ("source", "from", "sender", "ego", "node1", "actor1", "source id"),
    "target": ("target", "to", "receiver", "alter", "node2", "actor2", "target id"),
    "type": ("type", "kind", "relation", "relationship", "label"),
    "weight": ("weight", "value", "count"),
}
_AS = {
    "source": "From",
    "target": "To",
    "type": "Type",
    "weight": "attributes.weight",
    "direction": "Direction",
}
_DIRECTIONS = {"directed", "undirected", "mutual", "one-way"}


def _directions(rows: list[list[str]], i: int) -> bool:
    """Whether a column holds only directions (Gephi's Type column)."""
    values = {r[i].strip().lower() for r in rows if i < len(r) and r[i].strip()}
    return bool(values) and values <= _DIRECTIONS


_TRUE = {"true", "yes", "1", "directed"}
_FALSE = {"false", "no", "0", "undirected"}


def _where(headers: list[str], options: dict[str, Any], file: str) -> dict[str, int]:
    """The column of each role: named by an option, else found by its usual headers."""
    norm = [normalise_header(h) for h in headers]
    found: dict[str, int] = {}
    problems = []
    for role, tried in COLUMNS.items():
        named = options.pop(role, None)
        if named is not None:
            key = normalise_header(named)
            if key not in norm:
                hint = did_you_mean(str(named), headers)
                problems.append(
                    Problem(
                        f"row 1: no column {named!r} (option {role})"
                        + (f" — did you mean {hint!r}?" if hint else "")
                        + " — the columns are "
                        + ", ".join(headers),
                        file=file,
                        code="import",
                    )
                )
                continue
            found[role] = norm.index(key)
            continue
        at = next((norm.index(t) for t in tried if t in norm), None)
        if at is not None:
            found[role] = at
    for role in ("source", "target"):
        if role not in found and not any(p.message.endswith(role) for p in problems):
            problems.append(
                Problem(
                    f"row 1: no {role} column (tried {', '.join(COLUMNS[role])}) — name it "
                    f"with -O {role}=COLUMN",
                    file=file,
                    code="import",
                )
            )
    if problems:
        raise MapInvalid(problems)
    return found


def _connection(cells: list[str], headers: list[str], rename: dict[int, str]) -> dict[str, Any]:
    """One row as a connection record, its columns under the names sysmap reads."""
    row: dict[str, Any] = {}
    for i, header in enumerate(headers):
        value = cells[i].strip() if i < len(cells) else ""
        if not header or not value:
            continue
        key = rename.get(i, header)
        if key == "attributes.weight":
            row[key] = infer_value(value)
        elif key == "Direction":
            row[key] = "undirected" if value.lower() == "undirected" else value
        elif normalise_header(key) == "directed":
            if value.lower() in _FALSE:
                row["Direction"] = "undirected"
        else:
            row[key] = value
    return row


def _build(text: str, file: str, options: dict[str, Any]) -> ImportResult:
    rows = [r for r in csv_rows(text.lstrip("\ufeff"), file) if any(c.strip() for c in r)]
    if not rows:
        raise MapFileError(f"{file}: the file is empty — it needs a header row and one row a link")
    headers = [h.strip() for h in rows[0]]
    named_type = options.get("type") is not None
    where = _where(headers, options, file)
    element = element_option(options)
    directed = str(options.pop("directed", "true")).strip().lower()
    if directed not in _TRUE | _FALSE:
        raise UnknownOption(f"directed={directed!r}: use true or false")
    body = rows[1:]
    if "type" in where and not named_type and _directions(body, where["type"]):
        # Gephi's edge table: its Type column says Directed or Undirected, not a kind
        where["direction"] = where.pop("type")
    rename = {i: _AS[role] for role, i in where.items()}
    names: dict[str, None] = {}
    connections, numbers = [], []
    for n, cells in enumerate(body, start=2):
        row = _connection(cells, headers, rename)
        for end in ("From", "To"):
            if end in row:
                names.setdefault(row[end])
        if directed in _FALSE and "Direction" not in row:
            row["Direction"] = "undirected"
        connections.append(row)
        numbers.append(n)
    elements = [{"Label": name, "Element": element} for name in names]
    return build_map(
        file,
        elements=Table("element", file, elements, list(range(1, len(elements) + 1)), "xml"),
        connections=Table("connections", file, connections, numbers, "csv"),
        infer=True,
        format="edge-list",
        options=options,
    )


def parse_edge_list(text: str, file: str = "<edge-list>", **options: Any) -> SystemMap:
    """Build a map from edge-list CSV text (options as :func:`import_edge_list`)."""
    return _build(text, file, dict(options)).map


def import_edge_list(path_or_file: PathOrFile, **options: Any) -> ImportResult:
    """Build a map from an edge-list CSV file.

    Options: ``source``, ``target``, ``type``, ``weight`` (the column of each,
    when its header is not one of :data:`COLUMNS`), ``directed`` (false: every
    row undirected), ``element`` (stakeholder or factor), and those every
    reader takes (``role``, ``kind``, ``weights``, ``id``, ``title``,
    ``guiding_question``).
    """
    text, name = read_text_input(path_or_file)
    return _build(text, name, dict(options))


def read_edge_list(path_or_file: PathOrFile, **options: Any) -> SystemMap:
    """Build a map from an edge-list CSV file."""
    return import_edge_list(path_or_file, **options).map
