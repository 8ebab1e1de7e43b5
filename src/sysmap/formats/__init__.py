"""Interchange formats: one module per format, one registry for all.

Each format module has a writer pair (``write_x(map, path_or_file)`` returns
an :class:`ExportResult`; ``generate_x(map)`` returns the text or bytes) and,
where the format can be read, a reader pair (``read_x(path_or_file)`` and
``parse_x(text)`` return a :class:`~sysmap.model.SystemMap`). The registry
below lets the command line and :func:`export_map` / :func:`import_map`
find them by name; a later module adds a format with
:func:`register_export` / :func:`register_import` without touching them.

============== ====== ====== ==============================================
format         export import notes
============== ====== ====== ==============================================
csv            yes    yes    a folder of elements/connections/loops/map/kinds CSVs
xlsx           yes    yes    one workbook, the same sheets; ``template=True``
kumu           yes    yes    Kumu JSON (elements, connections, loops)
graphml        yes    yes    typed attributes (Gephi, yEd, igraph, networkx)
gexf           yes    yes    GEXF 1.3, typed attributes (Gephi)
survey         no     yes    PARTNER-style relationship survey CSV
mental-modeler yes    yes    Mental Modeler's CSV matrix: factors and
                             influences with weights
adjacency      no     yes    an adjacency matrix, CSV or XLSX
edge-list      no     yes    a CSV of pairs, columns mapped by options
node-link      yes    no     networkx node-link JSON, every field
mermaid        yes    no     a flowchart for Markdown
svg            yes    no     a static picture of the map (``redact=True``)
cypher         yes    no     a Cypher script that MERGEs the map into Neo4j
============== ====== ====== ==============================================

Example
-------
>>> import io
>>> from sysmap.model import Stakeholder, SystemMap
>>> m = SystemMap(id="m", title="M", guiding_question="Q?",
...     stakeholders=[Stakeholder(id="a", name="A", role="leader")])
>>> out = io.StringIO()
>>> export_map(m, "mermaid", out).dropped
['guiding_question', 'title']
>>> "node-link" in EXPORT_FORMATS, "kumu" in IMPORT_FORMATS
(True, True)
>>> try:
...     export_map(m, "kumo", out)
... except UnknownFormat as exc:
...     print(str(exc).split(" Use one of")[0])
unknown export format 'kumo' — did you mean 'kumu'?
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sysmap._gc import gc_paused
from sysmap.errors import UnknownFormat, UnknownOption
from sysmap.formats._files import PathOrFile
from sysmap.formats._results import ExportResult, ImportResult
from sysmap.model import SystemMap
from sysmap.problems import did_you_mean, one_of
from sysmap.redact import redact_map, redaction_notes, wants_redaction

__all__ = [
    "Format",
    "ExportResult",
    "ImportResult",
    "EXPORT_FORMATS",
    "IMPORT_FORMATS",
    "register_export",
    "register_import",
    "export_map",
    "import_map",
]


@dataclass(frozen=True)
class Format:
    """A registered format: its name, what it is, and where its function lives.

    ``target`` is ``"module:function"`` (imported on first use, so that
    heavy libraries load only when their format is used) or the function.
    ``folder`` is True when the format writes or reads a folder of files.
    """

    name: str
    description: str
    target: str | Callable[..., Any]
    suffix: str = ""
    folder: bool = False
    options: tuple[str, ...] = ()
    binary: bool = False

    def function(self) -> Callable[..., Any]:
        """The export or import function."""
        if callable(self.target):
            return self.target
        module, _, attr = self.target.partition(":")
        found: Callable[..., Any] = getattr(importlib.import_module(module), attr)
        return found


#: Export formats by name: ``fn(map, path_or_file, **options) -> ExportResult``.
EXPORT_FORMATS: dict[str, Format] = {}
#: Import formats by name: ``fn(path_or_file, **options) -> ImportResult``.
IMPORT_FORMATS: dict[str, Format] = {}


def register_export(
    name: str,
    target: str | Callable[..., Any],
    description: str,
    *,
    suffix: str = "",
    folder: bool = False,
    options: tuple[str, ...] = (),
    binary: bool = False,
) -> None:
    """Add an export format (or replace one of the same name).

    ``binary`` formats (and ``folder`` ones) need a path: the CLI does not
    print them.
    """
    EXPORT_FORMATS[name] = Format(name, description, target, suffix, folder, options, binary)


def register_import(
    name: str, target: str | Callable[..., Any], description: str, **details: Any
) -> None:
    """Add an import format (or replace one of the same name).

    ``details`` are those of :func:`register_export` but ``binary`` (a reader
    takes text or bytes alike): ``suffix``, ``folder``, ``options``.
    """
    if "binary" in details:
        raise TypeError("register_import() has no binary: a reader takes text or bytes alike")
    IMPORT_FORMATS[name] = Format(name, description, target, **details)


#: Options every reader takes, for files that do not say (see docs/formats.md).
READER_OPTIONS: tuple[str, ...] = ("id", "title", "guiding_question", "role", "kind", "weights")


def check_options(fmt: Format, direction: str, options: dict[str, Any]) -> None:
    """Refuse an option the format does not take, naming the ones it does.

    >>> check_options(EXPORT_FORMATS["cypher"], "export", {"replce": True})
    Traceback (most recent call last):
    ...
    sysmap.errors.UnknownOption: export format cypher has no option 'replce' — did you mean 'replace'? It takes: replace, redact
    """
    takes = list(fmt.options) + (["redact"] if direction == "export" else list(READER_OPTIONS))
    takes = list(dict.fromkeys(takes))
    for key in options:
        if key not in takes:
            hint = did_you_mean(key, takes)
            raise UnknownOption(
                f"{direction} format {fmt.name} has no option {key!r}"
                + (f" — did you mean {hint!r}? It takes: " if hint else " — it takes: ")
                + ", ".join(takes)
            )


def _find(registry: dict[str, Format], name: str, what: str) -> Format:
    key = name.strip().lower()
    if key in registry:
        return registry[key]
    names = sorted(registry)
    hint = did_you_mean(key, names)
    raise UnknownFormat(
        f"unknown {what} format {name!r}"
        + (f" — did you mean {hint!r}?" if hint else " —")
        + f" Use one of {one_of(names)}",
        value=name,
        choices=names,
    )


def export_map(
    m: SystemMap,
    format: str,
    path_or_file: PathOrFile,
    *,
    redact: bool | None = None,
    **options: Any,
) -> ExportResult:
    """Write a map in an interchange format.

    Parameters
    ----------
    m : the map
    format : a name in :data:`EXPORT_FORMATS` (``csv``, ``xlsx``, ``kumu`` …)
    path_or_file : where to write (a folder for ``csv``); files are written atomically
    redact : write sensitive stakeholders as ``Stakeholder 1`` … without their
        free text (:mod:`sysmap.redact`), in every format; the sections in
        :data:`sysmap.redact.SECTIONS_LEFT_OUT` are left out with them, and
        warnings say so and which free text to read by eye; ``None`` (the
        default) redacts when the map asks for it (``privacy``)
    **options : format options (``template=True`` for xlsx …)

    Returns
    -------
    ExportResult
        ``.dropped`` names every field of the map the format could not carry.

    Raises
    ------
    UnknownFormat
        No such format; the message lists the known ones.
    """
    fmt = _find(EXPORT_FORMATS, format, "export")
    check_options(fmt, "export", options)
    notes: list[str] = []
    if m is not None and wants_redaction(redact, m):
        notes = redaction_notes(m, sections_left_out="redact" not in fmt.options)
        if "redact" in fmt.options:  # the format redacts as it draws
            options["redact"] = True
        else:
            m = redact_map(m)[0]
    elif "redact" in fmt.options and m is not None:
        options["redact"] = False
    # A writer builds a record per relationship and keeps them all: paused, the cycle
    # collector does not walk them again and again (50k relationships, CSV: 2.7 s → 1.1 s)
    with gc_paused():
        result: ExportResult = fmt.function()(m, path_or_file, **options)
    result.warnings[:0] = notes
    return result


def import_map(format: str, path_or_file: PathOrFile, **options: Any) -> ImportResult:
    """Read a map from an interchange format.

    Parameters
    ----------
    format : a name in :data:`IMPORT_FORMATS`
    path_or_file : the file (a folder or one of its files for ``csv``)
    **options : ``id``, ``title``, ``guiding_question`` for formats that do
        not carry them; format options (``role``, ``kind`` for survey …)

    Returns
    -------
    ImportResult
        ``.map`` is the validated map; ``.warnings`` what was guessed.

    Raises
    ------
    UnknownFormat, MapFileError, MapInvalid
        Unknown format; unreadable file; problems, each named by sheet, row
        and column.
    """
    fmt = _find(IMPORT_FORMATS, format, "import")
    check_options(fmt, "import", options)
    with gc_paused():  # as when a map file is loaded (50k relationships, CSV: 3.8 s → 1.6 s)
        result: ImportResult = fmt.function()(path_or_file, **options)
    return result


#: The built-in formats, one line each: name, module, file suffix, what its export
#: writes and what its import reads ("" where the format has no such direction). The
#: functions are ``write_<name>`` and ``import_<name>`` in ``sysmap.formats.<module>``.
_BUILT_IN: tuple[tuple[str, str, str, str, str], ...] = (
    ("csv", "csv_folder", "", "a folder of Kumu-style CSV files", "="),
    ("xlsx", "xlsx", ".xlsx", "an Excel workbook, Kumu-style sheets", "="),
    ("kumu", "kumu", ".json", "Kumu JSON", "="),
    ("graphml", "graphml", ".graphml", "GraphML with typed attributes", "GraphML"),
    ("gexf", "gexf", ".gexf", "GEXF 1.3 for Gephi", "GEXF"),
    ("node-link", "node_link", ".json", "networkx node-link JSON", ""),
    ("mermaid", "mermaid", ".mmd", "a Mermaid flowchart", ""),
    (
        "mental-modeler",
        "mental_modeler",
        ".csv",
        "the key-factor model as a Mental Modeler CSV matrix",
        "a Mental Modeler CSV matrix (fuzzy cognitive map)",
    ),
    ("svg", "svg", ".svg", "a static picture of the map for printed reports", ""),
    ("cypher", "cypher", ".cypher", "a Cypher script that MERGEs the map into Neo4j", ""),
    ("adjacency", "adjacency", ".csv", "", "an adjacency matrix in CSV or XLSX"),
    ("edge-list", "edge_list", ".csv", "", "an edge list CSV, columns mapped with options"),
    ("survey", "survey", ".csv", "", "a PARTNER-style relationship survey CSV"),
)
#: What sets a built-in format apart, by direction: folders, bytes, options.
_EXPORT_EXTRAS: dict[str, dict[str, Any]] = {
    "csv": {"folder": True},
    "xlsx": {"options": ("template",), "binary": True},
    "svg": {"options": ("redact",)},
    "cypher": {"options": ("replace",)},
}
_IMPORT_EXTRAS: dict[str, dict[str, Any]] = {
    "csv": {"folder": True},
    "adjacency": {"options": ("element", "directed")},
    "edge-list": {"options": ("source", "target", "type", "weight", "directed", "element")},
    "survey": {"options": ("role", "kind")},
}
for _name, _module, _suffix, _writes, _reads in _BUILT_IN:
    _target = f"sysmap.formats.{_module}:%s_{_name.replace('-', '_')}"
    if _writes:
        _extras = {"suffix": _suffix, **_EXPORT_EXTRAS.get(_name, {})}
        register_export(_name, _target % "write", _writes, **_extras)
    if _reads:
        _extras = {"suffix": _suffix, **_IMPORT_EXTRAS.get(_name, {})}
        register_import(_name, _target % "import", _writes if _reads == "=" else _reads, **_extras)
# The HTML map lives outside this package; named here so that `sysmap export html` works
# in a fresh process, without sysmap.htmlmap having been imported first.
register_export(
    "html",
    "sysmap.htmlmap:write_html",
    "an interactive HTML map: offline, self-contained (sysmap map has the options)",
    suffix=".html",
    options=("size_by", "redact", "title"),
)
