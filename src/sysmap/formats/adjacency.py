"""An adjacency matrix, in CSV or XLSX (in only).

The first row names the columns, the first column names the rows; the cell in
row *A*, column *B* is the relationship *A → B*: empty or 0 for none, 1 for a
plain relationship, another number for its weight. Labels in the header and
the first column name the same elements (a label found in only one of them
is an element all the same). An XLSX file is read from its first sheet.

What the file does not say is assumed, and said: every element is a
stakeholder (``element=factor`` for a key-factor model), with the role and
relationship kind given by ``role`` and ``kind``; a **symmetric** matrix (the
cell *A → B* equals *B → A* everywhere) is read as undirected — one mutual
relationship per pair — unless ``directed=true``; weights other than 1 are
kept as the attribute ``weight`` (and as strength when they fit 0–5, see the
``weights`` option in ``docs/formats.md``). A cell on the diagonal (an
element acting on itself) is left out with a warning.

Example
-------
>>> text = '''Who works with whom,Shelter,Outreach,Board
... Shelter,0,1,0
... Outreach,1,0,1
... Board,0,1,0
... '''
>>> m = parse_adjacency(text, role="provider", kind="collaborates")
>>> [(r.source, r.target, r.direction) for r in m.relationships]
[('shelter', 'outreach', 'mutual'), ('outreach', 'board', 'mutual')]
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from sysmap.errors import MapFileError, MapInvalid, UnknownOption
from sysmap.escape import spreadsheet_value
from sysmap.formats._files import PathOrFile, as_bytes, csv_rows, read_bytes
from sysmap.formats._results import ImportResult
from sysmap.formats._table import build_from_rows, element_option
from sysmap.formats.xlsx import check_unzipped_size
from sysmap.mapfile import decode
from sysmap.model import SystemMap
from sysmap.problems import Problem

__all__ = [
    "Matrix",
    "read_matrix",
    "parse_adjacency",
    "read_adjacency",
    "import_adjacency",
]


@dataclass
class Matrix:
    """A square table of numbers read from a file: labels and the non-zero cells.

    ``cells`` holds ``(row label, column label, value, row number, column
    header)`` for every non-empty, non-zero cell, in reading order.
    """

    file: str
    labels: list[str]
    cells: list[tuple[str, str, float, int, str]]

    def value(self, a: str, b: str) -> float:
        """The cell a → b (0 when empty)."""
        return self._lookup().get((a, b), 0.0)

    def _lookup(self) -> dict[tuple[str, str], float]:
        return {(a, b): v for a, b, v, _, _ in self.cells}

    def symmetric(self) -> bool:
        """Whether every cell a → b equals b → a."""
        look = self._lookup()
        return all(look.get((b, a), 0.0) == v for (a, b), v in look.items())


def _rows(data: bytes, file: str) -> list[list[Any]]:
    """The cells of a CSV file, or of an XLSX file's first sheet."""
    if data[:2] == b"PK":
        import openpyxl  # heavy: loaded only for a workbook

        check_unzipped_size(data, file)  # a zip bomb is refused before unzipping
        try:
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise MapFileError(
                f"{file}: not a readable XLSX workbook ({exc.__class__.__name__}) — "
                "save it again from Excel, or as CSV"
            ) from None
        sheet = wb.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        wb.close()
        return rows
    text = decode(data, file)
    return csv_rows(text.lstrip("\ufeff"), file)


def _label(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(spreadsheet_value(str(value).strip()))  # '=x written by sysmap reads as =x


def read_matrix(data: bytes, file: str) -> Matrix:
    """Read an adjacency matrix; every cell that is not a number is a problem.

    Raises
    ------
    MapFileError
        The file is empty or has no column labels.
    MapInvalid
        Cells that are not numbers, rows without a label, labels used twice.
    """
    rows = [r for r in _rows(data, file) if any(_label(c) for c in r)]
    if not rows:
        raise MapFileError(f"{file}: the file is empty — it needs a header row of labels")
    header = [_label(c) for c in rows[0][1:]]
    while header and not header[-1]:
        header.pop()
    if not header:
        raise MapFileError(
            f"{file}: row 1 names no columns — the first row lists the elements, "
            "after one empty corner cell"
        )
    reader = _MatrixReader(file, header)
    for n, row in enumerate(rows[1:], start=2):
        reader.add_row(n, row)
    if reader.problems:
        raise MapInvalid(reader.problems)
    return Matrix(file, reader.labels, reader.cells)


class _MatrixReader:
    """The labels and the non-zero cells of a matrix, row by row, and its problems."""

    def __init__(self, file: str, header: list[str]) -> None:
        self.file = file
        self.header = header
        self.problems: list[Problem] = []
        self.cells: list[tuple[str, str, float, int, str]] = []
        self.seen_rows: set[str] = set()
        for i, h in enumerate(header):
            if not h:
                self.fail(
                    f"row 1, column {i + 2}", "empty — every column needs the element's label"
                )
            elif h in header[:i]:
                self.fail(f"row 1, column {i + 2}", f"{h!r} labels two columns — keep one")
        self.labels = [h for h in header if h]

    def fail(self, where: str, message: str) -> None:
        self.problems.append(Problem(f"{where}: {message}", file=self.file, code="import"))

    def add_row(self, n: int, row: list[Any]) -> None:
        name = _label(row[0]) if row else ""
        if not name:
            self.fail(f"row {n}, column 1", "empty — every row needs the element's label")
            return
        if name in self.seen_rows:
            self.fail(f"row {n}, column 1", f"{name!r} labels two rows — keep one")
            return
        self.seen_rows.add(name)
        if name not in self.labels:
            self.labels.append(name)
        for j, cell in enumerate(row[1 : len(self.header) + 1]):
            column = self.header[j]
            value = self.number(n, column, cell)
            if value:
                self.cells.append((name, column, value, n, column))

    def number(self, n: int, column: str, cell: Any) -> float | None:
        """The cell's number, or None when it is empty (or has a problem)."""
        text = _label(cell)
        if not text or not column:
            return None
        try:
            value = float(cell) if isinstance(cell, int | float) else float(text)
        except ValueError:
            self.fail(
                f"row {n}, column {column}",
                f"{text!r} is not a number — write 1 (or a weight) for a relationship, "
                "0 or nothing for none",
            )
            return None
        if value != value or value in (float("inf"), float("-inf")):
            self.fail(f"row {n}, column {column}", f"{text!r} is not a number a map can hold")
            return None
        return value


def _flag(value: Any, name: str) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    low = str(value).strip().lower()
    if low in ("true", "yes", "1"):
        return True
    if low in ("false", "no", "0"):
        return False
    raise UnknownOption(f"{name}={value!r}: use true or false")


def _build(data: bytes, file: str, options: dict[str, Any]) -> ImportResult:
    matrix = read_matrix(data, file)
    element = element_option(options)
    directed = _flag(options.pop("directed", None), "directed")
    undirected = not directed if directed is not None else matrix.symmetric()
    elements = [{"Label": label, "Element": element} for label in matrix.labels]
    connections: list[dict[str, Any]] = []
    loops_left = 0
    weighted = any(v != 1 for _, _, v, _, _ in matrix.cells)
    order = {label: i for i, label in enumerate(matrix.labels)}
    for a, b, value, _, _ in matrix.cells:
        if a == b:
            loops_left += 1
            continue
        if undirected and order[a] > order[b]:
            continue  # the pair was read from its other cell
        row: dict[str, Any] = {"From": a, "To": b}
        if undirected:
            row["Direction"] = "undirected"
        if weighted:
            row["attributes.weight"] = int(value) if value.is_integer() else value
        connections.append(row)
    result = build_from_rows(file, elements, connections, format="adjacency", options=options)
    if undirected and directed is None:
        result.assumed.insert(
            0,
            "the matrix is symmetric, so it was read as undirected: one mutual relationship "
            "per pair (-O directed=true for two one-way relationships)",
        )
    if loops_left:
        result.warnings.append(
            f"{loops_left} cells on the diagonal (an element acting on itself) were left out"
        )
    return result


def parse_adjacency(text: str | bytes, file: str = "<adjacency>", **options: Any) -> SystemMap:
    """Build a map from adjacency-matrix CSV text (options as :func:`import_adjacency`)."""
    return _build(as_bytes(text), file, dict(options)).map


def import_adjacency(path_or_file: PathOrFile, **options: Any) -> ImportResult:
    """Build a map from an adjacency matrix in a CSV or XLSX file.

    Options: ``element`` (stakeholder or factor), ``directed`` (true to read a
    symmetric matrix as one-way relationships both ways), and those every
    reader takes (``role``, ``kind``, ``weights``, ``id``, ``title``,
    ``guiding_question``).
    """
    data, name = read_bytes(path_or_file)
    return _build(data, name, dict(options))


def read_adjacency(path_or_file: PathOrFile, **options: Any) -> SystemMap:
    """Build a map from an adjacency matrix file."""
    return import_adjacency(path_or_file, **options).map
