"""Mental Modeler's CSV: the adjacency matrix of a fuzzy cognitive map, in and out.

Mental Modeler saves a model as a square matrix: the first row and the first
column name the components, and the cell in row *A*, column *B* is the
weight of *A*'s influence on *B*, from −1 to 1 (empty or 0: none). Each
component becomes a **factor** of the key-factor model; each non-zero cell an
``influences`` relationship with

- ``polarity`` the weight's sign (``+`` or ``-``),
- ``weight`` the weight itself (what ``sysmap whatif`` runs on), and
- ``strength`` its size on the map's 0–5 scale: ``|weight| × 5``.

Written back, a map's factors and the ``influences`` links between them make
the matrix (a link without a weight gets its polarity's sign × strength / 5,
or ± 1 without a strength); stakeholders and the other relationships have no
place in it and are named in the result.

Example
-------
>>> text = '''Component,Trust in outreach,Engagement,Placements
... Trust in outreach,0,0.75,0
... Engagement,0,0,0.5
... Placements,0.25,0,0
... '''
>>> m = parse_mental_modeler(text)
>>> [(r.source, r.target, r.polarity, r.weight, r.strength) for r in m.relationships][:2]
[('trust-in-outreach', 'engagement', '+', 0.75, 3.75), ('engagement', 'placements', '+', 0.5, 2.5)]
>>> parse_mental_modeler(generate_mental_modeler(m), id=m.id, title=m.title,
...     guiding_question=m.guiding_question) == m
True
"""

from __future__ import annotations

import csv
import io
from typing import Any

from sysmap.errors import MapInvalid
from sysmap.escape import spreadsheet_cell
from sysmap.formats._dropped import dropped_fields
from sysmap.formats._files import PathOrFile, as_bytes, read_bytes, write_output
from sysmap.formats._results import ExportResult, ImportResult
from sysmap.formats._table import Table, build_map, fmt_weight
from sysmap.formats.adjacency import read_matrix
from sysmap.model import Relationship, SystemMap
from sysmap.problems import Problem

__all__ = [
    "generate_mental_modeler",
    "write_mental_modeler",
    "parse_mental_modeler",
    "read_mental_modeler",
    "import_mental_modeler",
    "link_weight",
]

_KIND = "influences"


def link_weight(r: Relationship) -> float:
    """A causal link's weight from −1 to 1: its own, else sign × strength / 5 (± 1
    without a strength).

    Example
    -------
    >>> link_weight(Relationship(source="a", target="b", kind="influences",
    ...     polarity="-", strength=2.5))
    -0.5
    """
    if r.weight is not None:
        return r.weight
    size = 1.0 if r.strength is None else r.strength / 5
    return -size if r.polarity == "-" else size


def _links(m: SystemMap) -> tuple[list[str], dict[tuple[str, str], float]]:
    factors = [f.id for f in m.factors]
    known = set(factors)
    cells: dict[tuple[str, str], float] = {}
    for r in m.relationships:
        if r.kind == _KIND and r.source in known and r.target in known and r.source != r.target:
            cells[(r.source, r.target)] = link_weight(r)
    return factors, cells


def generate_mental_modeler(m: SystemMap) -> str:
    """The key-factor model as a Mental Modeler CSV matrix."""
    factors, cells = _links(m)
    names = {f.id: f.name for f in m.factors}
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["", *(spreadsheet_cell(names[f]) for f in factors)])
    for a in factors:
        row = [fmt_weight(cells[(a, b)]) if (a, b) in cells else "0" for b in factors]
        w.writerow([spreadsheet_cell(names[a]), *row])
    return out.getvalue()


def dropped(m: SystemMap) -> list[str]:
    """What a Mental Modeler matrix leaves out of this map."""
    out = dropped_fields(
        m,
        map_fields=set(),
        stakeholder=(),
        factor={"id", "name"},
        relationship={"source", "target", "kind", "polarity", "weight", "strength"},
        loop=(),
        kinds=False,
    )
    factors = {f.id for f in m.factors}
    other = [
        r
        for r in m.relationships
        if r.kind != _KIND or r.source not in factors or r.target not in factors
    ]
    if other:
        out.append(f"relationships other than influences between factors ({len(other)})")
    return out


def write_mental_modeler(m: SystemMap, path_or_file: PathOrFile) -> ExportResult:
    """Write the key-factor model as a Mental Modeler CSV; the result names what is left out."""
    path = write_output(path_or_file, generate_mental_modeler(m))
    return ExportResult("mental-modeler", path, dropped(m))


def _build(data: bytes, file: str, options: dict[str, Any]) -> ImportResult:
    matrix = read_matrix(data, file)
    problems = [
        Problem(
            f"row {n}, column {col}: {fmt_weight(v)} is outside Mental Modeler's −1 to 1 — "
            "check the file is a Mental Modeler matrix (or import it as adjacency)",
            file=file,
            code="import",
        )
        for _, _, v, n, col in matrix.cells
        if not -1 <= v <= 1
    ]
    if problems:
        raise MapInvalid(problems)
    elements = [{"Label": label, "Element": "factor"} for label in matrix.labels]
    connections = [
        {
            "From": a,
            "To": b,
            "Type": _KIND,
            "Polarity": "-" if v < 0 else "+",
            "Weight": v,
            "Strength": round(abs(v) * 5, 4),
        }
        for a, b, v, _, _ in matrix.cells
        if a != b
    ]
    options.setdefault("kind", _KIND)
    return build_map(
        file,
        elements=Table("component", file, elements, style="xml"),
        connections=Table("link", file, connections, style="xml"),
        format="mental-modeler",
        options=options,
    )


def parse_mental_modeler(
    text: str | bytes, file: str = "<mental-modeler>", **options: Any
) -> SystemMap:
    """Build a key-factor model from Mental Modeler CSV text."""
    return _build(as_bytes(text), file, dict(options)).map


def import_mental_modeler(path_or_file: PathOrFile, **options: Any) -> ImportResult:
    """Build a key-factor model from a Mental Modeler CSV file (or XLSX of the same matrix)."""
    data, name = read_bytes(path_or_file)
    return _build(data, name, dict(options))


def read_mental_modeler(path_or_file: PathOrFile, **options: Any) -> SystemMap:
    """Build a key-factor model from a Mental Modeler CSV file."""
    return import_mental_modeler(path_or_file, **options).map
