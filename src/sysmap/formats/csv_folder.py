"""Spreadsheets as a folder of CSV files, in the Kumu layout.

A CSV map is a folder holding ``elements.csv`` (required),
``connections.csv``, ``loops.csv``, ``map.csv`` (Field, Value rows) and
``kinds.csv``; the columns are those of the XLSX sheets (see
``docs/formats.md``). Multiple values in a cell are separated by ``|``.
Text is UTF-8 (a byte-order mark is fine). Cells of free attribute columns
that read as numbers or ``true``/``false`` become numbers and booleans.

Example
-------
>>> import os, tempfile
>>> from sysmap.model import Factor, Relationship, Stakeholder, SystemMap
>>> m = SystemMap(id="shelter", title="Shelter", guiding_question="Who finds a bed?",
...     stakeholders=[Stakeholder(id="guest", name="Guest", role="beneficiary")],
...     factors=[Factor(id="beds", name="Beds free tonight")],
...     relationships=[Relationship(source="beds", target="guest", kind="influences")])
>>> folder = tempfile.mkdtemp()
>>> write_csv(m, folder).dropped
[]
>>> sorted(os.listdir(folder))
['connections.csv', 'elements.csv', 'map.csv']
>>> read_csv(folder) == m
True
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Any

from sysmap.errors import MapFileError, OutputError
from sysmap.escape import FORMULA_START, spreadsheet_cell
from sysmap.formats._files import PathOrFile, csv_rows, read_text_input
from sysmap.formats._results import ExportResult, ImportResult
from sysmap.formats._table import (
    Table,
    build_from_sheets,
    sheet_dropped,
    sheets,
    template_sheets,
)
from sysmap.model import SystemMap
from sysmap.storage import output_error, write_folder_atomic

__all__ = ["generate_csv", "write_csv", "parse_csv", "read_csv", "import_csv", "SHEETS"]

#: The files of a CSV map, in the order they are written.
SHEETS: tuple[str, ...] = ("elements", "connections", "loops", "map", "kinds")


#: First characters of text that :func:`spreadsheet_cell` looks at more closely.
_CHECK_FIRST = frozenset((*FORMULA_START, "'"))


def _text(headers: list[str], rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow([spreadsheet_cell(h) for h in headers])
    for row in rows:
        cells: list[Any] = list(map(row.get, headers))
        for i, v in enumerate(cells):
            # None and whole numbers go as they are (the writer writes them as the
            # text below would); text only when it could start a formula
            c = v.__class__
            if c is str:
                if v[:1] in _CHECK_FIRST:
                    cells[i] = spreadsheet_cell(v)
            elif c is float:  # a number, never a formula: only 3.0 is written as 3
                if v.is_integer():
                    cells[i] = str(int(v))
            elif v is not None and c is not int:
                cells[i] = spreadsheet_cell(_cell(v))
        w.writerow(cells)
    return out.getvalue()


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def generate_csv(m: SystemMap | None, *, template: bool = False) -> dict[str, str]:
    """The map as CSV texts by file name (``elements.csv`` …)."""
    parts = template_sheets() if template or m is None else sheets(m)
    return {f"{name}.csv": _text(headers, rows) for name, headers, rows in parts}


def write_csv(
    m: SystemMap | None, path: str | os.PathLike[str], *, template: bool = False
) -> ExportResult:
    """Write the map as a folder of CSV files (created if missing), all or none.

    The files are written to a hidden folder beside it first
    (:func:`sysmap.storage.write_folder_atomic`), so a full disk or a
    read-only folder leaves no half-written map behind.

    Drops the guiding team, outcomes, measures, indicators, assessments and
    the measures named by relationships' changes.
    """
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder}: a CSV map is a folder — give a folder name")
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise output_error(folder, exc) from None
    # all files or none: a failure half way leaves the folder as it was
    # an earlier export's loops.csv or kinds.csv would be read with this map's: removed
    write_folder_atomic(
        folder, generate_csv(m, template=template), replaces=[f"{s}.csv" for s in SHEETS]
    )
    dropped = [] if m is None else sheet_dropped(m)
    return ExportResult("csv", str(folder), dropped)


def _table(name: str, text: str, file: str) -> Table:
    rows = csv_rows(text, file)
    if not rows:
        return Table(name, file, [], style="csv")
    headers = [h.strip() for h in rows[0]]
    records, numbers = [], []
    for n, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(headers) and any(c.strip() for c in cells[len(headers) :]):
            raise MapFileError(
                f"{file}: row {n}: {len(cells)} cells but {len(headers)} headers — "
                "give every column a header, or check for a stray comma"
            )
        records.append({h: c for h, c in zip(headers, cells, strict=False) if h})
        numbers.append(n)
    return Table(name, file, records, numbers, style="csv", headers=headers)


def parse_csv(texts: dict[str, str], file: str = "<csv>", **options: Any) -> SystemMap:
    """Read a map from CSV texts by sheet name (``elements``, ``connections`` …)."""
    return _build({k.removesuffix(".csv"): v for k, v in texts.items()}, file, {}, options).map


def _build(
    texts: dict[str, str], folder: str, names: dict[str, str], options: dict[str, Any]
) -> ImportResult:
    if "elements" not in texts:
        raise MapFileError(
            f"{folder}: no elements.csv — a CSV map is a folder with elements.csv "
            "(and connections.csv, loops.csv, map.csv, kinds.csv as needed)"
        )
    tables = {k: _table(k, v, names.get(k, f"{k}.csv")) for k, v in texts.items()}
    return build_from_sheets(folder, tables, infer=True, format="csv", options=options)


def import_csv(path: PathOrFile, **options: Any) -> ImportResult:
    """Read a CSV map: a folder, or any one of its files."""
    if hasattr(path, "read"):
        text, name = read_text_input(path)
        return _build({"elements": text}, name, {"elements": name}, options)
    target = Path(os.fspath(path))
    folder = target if target.is_dir() else target.parent
    if not target.exists():
        raise MapFileError(f"{target}: no such file or folder — check the path")
    texts, names = {}, {}
    found = {p.name.lower(): p for p in folder.iterdir() if p.suffix.lower() == ".csv"}
    for sheet in SHEETS:
        p = found.get(f"{sheet}.csv")
        if p is not None:
            texts[sheet], names[sheet] = read_text_input(p)
    return _build(texts, str(folder), names, options)


def read_csv(path: PathOrFile, **options: Any) -> SystemMap:
    """Read a map from a CSV folder."""
    return import_csv(path, **options).map
