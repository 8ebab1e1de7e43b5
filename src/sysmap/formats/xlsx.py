"""Spreadsheets as one Excel workbook, in the Kumu layout.

Sheets ``elements`` (required), ``connections``, ``loops``, ``map``
(Field, Value rows) and ``kinds``, matched ignoring case; the columns are
described in ``docs/formats.md``. Cells keep their types (numbers, true/false).
Formula cells are refused: sysmap reads values, and an unevaluated formula
has none. Text a spreadsheet would run as a formula (``=``, ``+``, ``-``,
``@`` …) is written with a leading ``'`` (:func:`sysmap.escape.spreadsheet_cell`,
as in the CSV files) and read back without it.
:func:`generate_xlsx` with ``template=True`` gives an empty workbook with
every header and drop-down lists for role, element, kind, status, direction
and polarity. openpyxl is imported on first use.

Example
-------
>>> from sysmap.model import Relationship, Stakeholder, SystemMap
>>> m = SystemMap(id="m", title="M", guiding_question="Q?",
...     stakeholders=[Stakeholder(id="a", name="=A", role="beneficiary"),
...                   Stakeholder(id="b", name="B", role="leader")],
...     relationships=[Relationship(source="a", target="b", kind="feedback")])
>>> parse_xlsx(generate_xlsx(m)) == m
True
"""

from __future__ import annotations

import datetime as _dt
import io
import re
import struct
import zipfile
import zlib
from typing import Any

from sysmap.errors import MapFileError, MapInvalid, MissingDependency
from sysmap.escape import spreadsheet_cell
from sysmap.formats._files import PathOrFile, read_bytes, write_output
from sysmap.formats._results import ExportResult, ImportResult
from sysmap.formats._table import (
    Table,
    build_from_sheets,
    sheet_dropped,
    sheets,
    template_sheets,
)
from sysmap.mapfile import format_size, max_file_bytes
from sysmap.model import CORE_KINDS, ROLES, STATUSES, SystemMap
from sysmap.problems import Problem

__all__ = [
    "generate_xlsx",
    "write_xlsx",
    "parse_xlsx",
    "read_xlsx",
    "import_xlsx",
    "check_unzipped_size",
    "max_unzipped_bytes",
    "SHEETS",
]

#: The sheets of a workbook, in order.
SHEETS: tuple[str, ...] = ("elements", "connections", "loops", "map", "kinds")


def _openpyxl() -> Any:
    try:
        import openpyxl  # heavy: loaded only when a workbook is read or written
    except ImportError:  # pragma: no cover - openpyxl is a dependency
        raise MissingDependency(
            "spreadsheets need openpyxl — install it with: pip install openpyxl"
        ) from None
    return openpyxl


def _value(value: Any) -> Any:
    if type(value) is list:
        return "|".join(map(str, value))
    return value


def generate_xlsx(m: SystemMap | None, *, template: bool = False) -> bytes:
    """The map (or, with ``template``, an empty template) as XLSX bytes."""
    return _generate(m, template)[0]


def _generate(m: SystemMap | None, template: bool) -> tuple[bytes, list[str]]:
    openpyxl = _openpyxl()
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE as illegal  # heavy, as above

    if template or m is None:
        return _template(m), []
    replaced = 0
    wb = openpyxl.Workbook(write_only=True)
    for name, headers, rows in sheets(m):
        ws = wb.create_sheet(name)
        ws.append([spreadsheet_cell(h) for h in headers])
        for row in rows:
            cells: list[Any] = [_value(row.get(h)) for h in headers]
            texts = [(i, v) for i, v in enumerate(cells) if isinstance(v, str)]
            # one search per row: control characters are rare
            if texts and illegal.search("\n".join(v for _, v in texts)):
                for i, v in texts:
                    cells[i], n = illegal.subn("\ufffd", v)
                    replaced += n
            for i, _ in texts:  # text, never a formula
                cells[i] = spreadsheet_cell(cells[i])
            ws.append(cells)
    out = io.BytesIO()
    wb.save(out)
    warnings = []
    if replaced:
        warnings.append(
            f"{replaced} control characters, which a workbook cannot hold, were replaced by \ufffd"
        )
    return out.getvalue(), warnings


def _template(m: SystemMap | None) -> bytes:
    openpyxl = _openpyxl()
    from openpyxl.worksheet.datavalidation import DataValidation  # heavy, as above

    kinds = sorted(CORE_KINDS) + ([k.id for k in m.kinds] if m is not None else [])
    lists = {
        ("elements", "Role"): list(ROLES),
        ("elements", "Element"): ["stakeholder", "factor"],
        ("connections", "Type"): kinds,
        ("connections", "Status"): list(STATUSES),
        ("connections", "Direction"): ["one-way", "mutual"],
        ("connections", "Polarity"): ["+", "-"],
        ("loops", "Type"): ["reinforcing", "balancing"],
        ("loops", "Effect"): ["virtuous", "vicious"],
    }
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, headers, rows in template_sheets():
        ws = wb.create_sheet(name)
        ws.append(headers)
        for row in rows:
            ws.append([row.get(h) for h in headers])
        for col, header in enumerate(headers, start=1):
            choices = lists.get((name, header))
            if not choices:
                continue
            letter = openpyxl.utils.get_column_letter(col)
            dv = DataValidation(
                type="list",
                formula1='"' + ",".join(choices) + '"',
                allow_blank=True,
                showErrorMessage=header != "Type" or name != "connections",
                errorStyle="stop",
                error=f"Use one of {', '.join(choices)}",
                errorTitle=header,
            )
            if name == "connections" and header == "Type":
                # other kinds are allowed (declared on import): warn only
                dv.errorStyle = "warning"
                dv.showErrorMessage = True
                dv.error = "Not a core kind; it will be declared as a new kind"
            dv.add(f"{letter}2:{letter}1000")
            ws.add_data_validation(dv)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def write_xlsx(
    m: SystemMap | None, path_or_file: PathOrFile, *, template: bool = False
) -> ExportResult:
    """Write the map as an XLSX workbook (atomically).

    Drops the guiding team, outcomes, measures, indicators, assessments and
    the measures named by relationships' changes.
    """
    data, warnings = _generate(m, template)
    path = write_output(path_or_file, data)
    dropped = [] if m is None or template else sheet_dropped(m)
    return ExportResult("xlsx", path, dropped, warnings)


def _cell(value: Any) -> Any:
    if isinstance(value, _dt.datetime):
        if value.time() == _dt.time(0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    return value


#: A formula element in a worksheet's XML (``<f>…</f>``, ``<f t="shared" …/>``).
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


def max_unzipped_bytes() -> int:
    """How much a workbook's parts may unzip to: twice the file size limit.

    128 MB with the default limit of 64 MB (``SYSMAP_MAX_FILE_BYTES``
    changes both).
    """
    return 2 * max_file_bytes()


def check_unzipped_size(data: bytes, file: str) -> None:
    """Refuse a workbook whose parts would unzip to more than the limit.

    The sizes the zip declares (its central directory) are read first, so a
    zip bomb (a small file that unzips to gigabytes) is refused before any
    part is unzipped, whether or not a sheet refers to the big part. Then
    each part is unzipped a step at a time to check that it is no bigger than
    it declares (a zip can lie about its sizes). Data that is not a zip is
    left for the reader to name.

    Raises
    ------
    MapFileError
        The declared sizes add up to more than :func:`max_unzipped_bytes`, or
        a part unzips to more than it declares.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        return
    total = sum(p.file_size for p in parts)
    limit = max_unzipped_bytes()
    if total > limit:
        big = max(parts, key=lambda p: p.file_size)
        raise MapFileError(
            f"{file}: the workbook unzips to {format_size(total)} (its part "
            f"{big.filename} alone to {format_size(big.file_size)}), over the "
            f"{format_size(limit)} limit for a workbook — a workbook this big is more likely "
            "a zip bomb than a map: check that this is the right file, or raise the limit "
            "with SYSMAP_MAX_FILE_BYTES"
        )
    for part in parts:
        if not _honest(data, part):
            raise MapFileError(
                f"{file}: the workbook's part {part.filename} unzips to more than the "
                f"{format_size(part.file_size)} it declares (or is packed in a way "
                "spreadsheets do not use) — the file is damaged or built to mislead; "
                "save it again from your spreadsheet"
            )


#: A part is unzipped this many bytes at a time to check its size.
_STEP = 1 << 20


def _honest(data: bytes, part: zipfile.ZipInfo) -> bool:
    """True when a part unzips to no more than the size it declares.

    The declared sizes could lie; readers then unzip far more than was
    checked. Each part is unzipped here a step at a time, never holding more
    than :data:`_STEP` bytes, and stopped one byte past its declared size.
    """
    start = part.header_offset
    if data[start : start + 4] != b"PK\x03\x04":
        return False
    name_len, extra_len = struct.unpack("<HH", data[start + 26 : start + 30])
    begin = start + 30 + name_len + extra_len
    packed = data[begin : begin + part.compress_size]
    if part.compress_type == zipfile.ZIP_STORED:
        return len(packed) <= part.file_size
    if part.compress_type != zipfile.ZIP_DEFLATED:
        return False
    stream = zlib.decompressobj(-15)
    left = part.file_size + 1
    pending = packed
    try:
        while pending and left > 0:
            out = stream.decompress(pending, min(_STEP, left))
            left -= len(out)
            pending = stream.unconsumed_tail
        if left > 0:
            left -= len(stream.flush(left))
    except zlib.error:
        return True  # damaged, not bigger: the reader names it
    return left > 0


def _tables(data: bytes, file: str) -> dict[str, Table]:
    """The workbook's sheets as tables.

    calamine (Rust) reads values about ten times faster than openpyxl; it
    cannot tell a formula from its cached value, so a workbook whose sheets
    hold any formula is read with openpyxl, which names each formula cell.
    """
    check_unzipped_size(data, file)
    try:
        import python_calamine  # optional: the fast reader when it is installed
    except ImportError:  # pragma: no cover - python-calamine is a dependency
        return _tables_openpyxl(data, file)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if any(
                _FORMULA.search(archive.read(name))
                for name in archive.namelist()
                if name.startswith("xl/worksheets/") and name.endswith(".xml")
            ):
                return _tables_openpyxl(data, file)
        wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception:  # not a zip, not a workbook: openpyxl gives the message
        return _tables_openpyxl(data, file)
    found = _sheet_names(wb.sheet_names, file)
    tables: dict[str, Table] = {}
    for sheet in SHEETS:
        if sheet not in found:
            continue
        rows = wb.get_sheet_by_name(found[sheet]).to_python(skip_empty_area=False)
        headers = [str(v).strip() if v not in (None, "") else "" for v in rows[0]] if rows else []
        records, numbers = [], []
        for r, row in enumerate(rows[1:], start=2):
            record = {
                headers[col]: _calamine_cell(v)
                for col, v in enumerate(row[: len(headers)])
                if headers[col] and v not in (None, "")
            }
            if record:
                records.append(record)
                numbers.append(r)
        tables[sheet] = Table(sheet, file, records, numbers, style="sheet", headers=headers)
    wb.close()
    return tables


def _sheet_names(names: list[str], file: str) -> dict[str, str]:
    """The workbook's sheet names by their lower-case name; it must have elements."""
    found = {name.strip().lower(): name for name in names}
    if "elements" not in found:
        raise MapFileError(
            f"{file}: no sheet named elements (found: {', '.join(names)}) — "
            "name the sheet of stakeholders and factors 'Elements'"
        )
    return found


def _calamine_cell(value: Any) -> Any:
    # calamine gives every number as a float; a whole number was written whole
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return _cell(value)


def _tables_openpyxl(data: bytes, file: str) -> dict[str, Table]:
    openpyxl = _openpyxl()
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException …
        raise MapFileError(
            f"{file}: not an Excel workbook (.xlsx) ({type(exc).__name__}) — save it from "
            "your spreadsheet as 'Excel Workbook (.xlsx)'"
        ) from None
    found = _sheet_names(wb.sheetnames, file)
    tables: dict[str, Table] = {}
    problems: list[Problem] = []
    for sheet in SHEETS:
        if sheet not in found:
            continue
        ws = wb[found[sheet]]
        headers: list[str] = []
        records, numbers = [], []
        for r, row in enumerate(ws.iter_rows(), start=1):
            if r == 1:
                headers = [str(c.value).strip() if c.value is not None else "" for c in row]
                continue
            record: dict[str, Any] = {}
            for col, c in enumerate(row):
                if c.value is None or col >= len(headers):
                    continue
                if c.data_type == "f":
                    problems.append(
                        Problem(
                            f"sheet {sheet}, row {r}, column {headers[col] or col + 1}: a "
                            f"formula ({str(c.value)[:40]}) — sysmap reads values, not "
                            "formulas: copy the cells and paste them as values",
                            file=file,
                            code="import",
                        )
                    )
                    continue
                if headers[col]:
                    record[headers[col]] = _cell(c.value)
            if record:
                records.append(record)
                numbers.append(r)
        tables[sheet] = Table(sheet, file, records, numbers, style="sheet", headers=headers)
    wb.close()
    if problems:
        raise MapInvalid(problems)
    return tables


def _build(data: bytes, file: str, options: dict[str, Any]) -> ImportResult:
    return build_from_sheets(file, _tables(data, file), format="xlsx", options=options)


def parse_xlsx(data: bytes, file: str = "<xlsx>", **options: Any) -> SystemMap:
    """Read a map from XLSX bytes."""
    return _build(data, file, options).map


def import_xlsx(path_or_file: PathOrFile, **options: Any) -> ImportResult:
    """Read an XLSX workbook; the result holds the map and any warnings."""
    data, name = read_bytes(path_or_file)
    return _build(data, name, options)


def read_xlsx(path_or_file: PathOrFile, **options: Any) -> SystemMap:
    """Read a map from an XLSX workbook."""
    return import_xlsx(path_or_file, **options).map
