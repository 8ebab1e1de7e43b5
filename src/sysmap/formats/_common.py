"""The old home of what the formats share, kept so that its import path works.

Each piece now lives in a module named for what it does: :mod:`._results`
(``ExportResult``, ``ImportResult``), :mod:`._files` (reading input, writing
output), :mod:`._dropped` (what a format leaves out), :mod:`._json_text` and
:mod:`._table` (``slug``). New code imports from those.
"""

from __future__ import annotations

from sysmap.formats._dropped import ALL, MAP_FIELDS, SECTIONS, dropped_fields, strip_dropped
from sysmap.formats._files import PathOrFile, read_bytes, read_text_input, write_output
from sysmap.formats._json_text import dump_json_lines
from sysmap.formats._results import ExportResult, ImportResult
from sysmap.formats._table import slug

__all__ = [
    "ExportResult",
    "ImportResult",
    "PathOrFile",
    "dropped_fields",
    "strip_dropped",
    "write_output",
    "read_bytes",
    "read_text_input",
    "slug",
    "MAP_FIELDS",
    "SECTIONS",
    "ALL",
    "dump_json_lines",
]
