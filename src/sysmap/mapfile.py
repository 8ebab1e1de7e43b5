"""Reading map files: load, validate, parse; size and safety limits; line positions.

This is the reader of the map-file pair; :mod:`sysmap.storage` is the
writer (:func:`~sysmap.storage.save_map`, :func:`~sysmap.storage.dumps_map`).
:func:`load_map` reads a file, parses it and checks it against the rules
(:mod:`sysmap.rules`); :func:`validate_file` reports every problem instead
of raising.

Loading is two-speed. The fast path parses YAML with ``yaml_rs`` (a Rust
parser) or JSON with the standard library, with no position information.
Only when a map has problems is the text parsed again with ruamel.yaml's
round-trip loader, which keeps line numbers, to say where each one is.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import yaml_rs

from sysmap._gc import gc_paused
from sysmap.errors import MapFileError, MapInvalid
from sysmap.model import SystemMap
from sysmap.problems import PathPart, Problem, ValidationReport, cap_problems
from sysmap.rules import check_data

__all__ = [
    "load_map",
    "loads_map",
    "validate_file",
    "validate_text",
    "validate_data",
    "MAX_FILE_BYTES",
    "LOCATE_MAX_BYTES",
    "MapFormat",
    "detect_format",
    "read_text",
    "read_limited",
    "max_file_bytes",
    "format_size",
    "decode",
    "parse_text",
    "locate",
]

MapFormat = Literal["yaml", "json"]

#: Files larger than this are refused (override with SYSMAP_MAX_FILE_BYTES).
MAX_FILE_BYTES = 64 * 1024 * 1024
#: Line numbers are worked out for files up to this size (the position-keeping
#: parser is slow); larger files get field paths without line numbers.
LOCATE_MAX_BYTES = 512 * 1024
#: YAML anchors may expand to at most this many parser events in all.
MAX_ALIAS_EVENTS = 200_000

_ALIAS_LIMITS = yaml_rs.AliasLimits(
    max_total_replayed_events=MAX_ALIAS_EVENTS, max_replay_stack_depth=32
)
_YAML_ERROR = re.compile(r"line (\d+), column (\d+)")
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


# ---------------------------------------------------------------- loading and validating


def validate_file(path: str | os.PathLike[str]) -> ValidationReport:
    """Check a map file and report every problem in it.

    Never raises for a bad map: unreadable files, syntax errors and rule
    violations all become problems in the report.

    Parameters
    ----------
    path : path to a ``.yaml``, ``.yml`` or ``.json`` map

    Returns
    -------
    ValidationReport
        ``.ok`` is True when there are no errors.
    """
    report, _ = _check_file(path)
    return report


def load_map(path: str | os.PathLike[str]) -> SystemMap:
    """Load and validate a map file.

    Parameters
    ----------
    path : path to a ``.yaml``, ``.yml`` or ``.json`` map

    Returns
    -------
    SystemMap

    Raises
    ------
    MapFileError
        The file cannot be read or parsed.
    MapInvalid
        The map breaks one or more rules; ``.problems`` lists them all.

    Example
    -------
    >>> from sysmap import load_map
    >>> m = load_map("examples/small.yaml")  # doctest: +SKIP
    """
    report, model = _check_file(path, raise_unreadable=True)
    if model is None:
        raise MapInvalid(report.problems)
    return model


def loads_map(text: str, format: MapFormat = "yaml", file: str = "<map>") -> SystemMap:
    """Load and validate a map from YAML or JSON text.

    Example
    -------
    >>> m = loads_map('''
    ... id: demo
    ... title: Demo
    ... guiding_question: Who is heard?
    ... stakeholders:
    ...   - {id: pwle, name: People with lived experience, role: beneficiary}
    ... ''')
    >>> m.stakeholders[0].role
    'beneficiary'
    """
    with gc_paused():
        data = parse_text(text, format, file)
        report, model = validate_data(data, file=file, text=text, consume=True)
    if model is None:
        raise MapInvalid(report.problems)
    return model


def validate_text(text: str, format: MapFormat = "yaml", file: str = "<map>") -> ValidationReport:
    """Check map text; like :func:`validate_file` for text in memory."""
    try:
        data = parse_text(text, format, file)
    except MapFileError as exc:
        assert exc.problem is not None
        return ValidationReport(file, [exc.problem])
    return validate_data(data, file=file, text=text)[0]


def _check_file(
    path: str | os.PathLike[str], raise_unreadable: bool = False
) -> tuple[ValidationReport, SystemMap | None]:
    name = str(path)
    with gc_paused():
        try:
            text = read_text(path)
            data = parse_text(text, detect_format(path, text), name)
        except MapFileError as exc:
            if raise_unreadable:
                raise
            assert exc.problem is not None
            return ValidationReport(name, [exc.problem]), None
        return validate_data(data, file=name, text=text, consume=True)


def validate_data(
    data: Any, file: str = "<map>", text: str | None = None, *, consume: bool = False
) -> tuple[ValidationReport, SystemMap | None]:
    """Validate parsed map data.

    Returns the report and, when there are no errors, the map.
    ``text`` (the file's text) lets problems carry line numbers. With
    ``consume`` the items of long lists in ``data`` are let go of as they
    become models (see :func:`~sysmap.rules.check_data`).
    """
    try:
        problems, model = check_data(data, consume=consume)
    except ValueError:
        # Python will not turn a number of thousands of digits into text, and
        # the checks and their messages need to; find it and say so
        huge = huge_number_path(data)
        if huge is None:
            raise
        problems, model = [Problem(TOO_LONG_NUMBER, huge, code="number-too-long")], None
    problems = cap_problems(problems)
    for p in problems:
        p.file = file
    if text is not None and problems:
        lines = locate(text, [p.path for p in problems])
        for p in problems:
            p.line = lines.get(tuple(p.path))
    problems.sort(key=lambda p: (p.severity != "error", p.line or 0))
    return ValidationReport(file, problems), model


# ---------------------------------------------------------------- reading text


def max_file_bytes() -> int:
    """The size limit for a map or an imported file, in bytes.

    :data:`MAX_FILE_BYTES` unless the ``SYSMAP_MAX_FILE_BYTES`` environment
    variable sets another.
    """
    value = os.environ.get("SYSMAP_MAX_FILE_BYTES")
    if value and value.isdigit():
        return int(value)
    return MAX_FILE_BYTES


def format_size(n: int) -> str:
    """``67.1 MB``, ``2.5 kB``, ``300 bytes``.

    Example
    -------
    >>> format_size(64 * 1024 * 1024), format_size(2500), format_size(300)
    ('67.1 MB', '2.5 kB', '300 bytes')
    """
    if n >= 1_000_000:
        return f"{n / 1e6:.1f} MB"
    if n >= 1_000:
        return f"{n / 1e3:.1f} kB"
    return f"{n} bytes"


def detect_format(path: str | os.PathLike[str] | None, text: str = "") -> MapFormat:
    """JSON for ``.json`` files (or text starting with ``{``), else YAML.

    Example
    -------
    >>> detect_format("map.json"), detect_format("map.yaml"), detect_format(None, ' {"a": 1}')
    ('json', 'yaml', 'json')
    """
    if path is not None:
        suffix = Path(path).suffix.lower()
        if suffix == ".json":
            return "json"
        if suffix in (".yaml", ".yml"):
            return "yaml"
    return "json" if text.lstrip().startswith("{") else "yaml"


def _fail(file: str, message: str, line: int | None = None) -> MapFileError:
    problem = Problem(message, file=file, line=line, code="unreadable")
    return MapFileError(problem.format(), problem=problem)


def read_text(path: str | os.PathLike[str]) -> str:
    """Read a map file as text, refusing what cannot be a map.

    Raises
    ------
    MapFileError
        The file is missing, not a regular file, too large, binary or not
        UTF-8 text.
    """
    return decode(read_limited(path), str(path))


def read_limited(path: str | os.PathLike[str], what: str = "a map") -> bytes:
    """The bytes of a file, refusing anything but a regular file under the size limit.

    A named pipe, a device or a socket is refused before a byte is read (it
    could make the command wait forever or read without end), and so is a
    file over :data:`MAX_FILE_BYTES` (``SYSMAP_MAX_FILE_BYTES``). ``what``
    names the file in the size message ("a map", "a file to import").

    Raises
    ------
    MapFileError
        The file is missing, unreadable, a folder, not a regular file, or too large.
    """
    name = str(path)
    limit = max_file_bytes()
    try:
        # O_NONBLOCK: opening a named pipe with no writer would wait forever
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise _fail(name, "no such file — check the path") from None
    except IsADirectoryError:
        raise _fail(name, "this is a folder, not a file — give the file's name") from None
    except PermissionError:
        raise _fail(name, "permission denied — check the file's permissions") from None
    except OSError as exc:
        raise _fail(name, f"cannot read the file ({exc.strerror}) — check the path") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        if stat.S_ISDIR(info.st_mode):
            raise _fail(name, "this is a folder, not a file — give the file's name")
        raise _fail(
            name,
            "this is not a regular file (a named pipe, device or socket) — sysmap "
            "reads only ordinary files; save the data to a file first",
        )
    with os.fdopen(fd, "rb") as fh:
        if info.st_size > limit:
            raise _too_large(name, info.st_size, limit, what)
        try:
            data = fh.read(limit + 1)
        except OSError as exc:
            raise _fail(name, f"cannot read the file ({exc.strerror}) — check the disk") from None
    if len(data) > limit:  # grew while we read it
        raise _too_large(name, len(data), limit, what)
    return data


def _too_large(name: str, size: int, limit: int, what: str) -> MapFileError:
    return _fail(
        name,
        f"the file is {format_size(size)}, over the {format_size(limit)} "
        f"limit for {what} — check that this is the right file, or raise the "
        "limit with the SYSMAP_MAX_FILE_BYTES environment variable",
    )


def decode(data: bytes, name: str) -> str:
    """Decode UTF-8 map bytes, with a clear message for anything else."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _fail(
            name,
            "the file is saved as UTF-16 text — save it as UTF-8 "
            "(in your editor's 'Save as' encoding choice)",
        )
    if b"\x00" in data[:65536]:
        raise _fail(
            name,
            "this is a binary file, not a YAML or JSON map — check that you picked the right file",
        )
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        return data[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:
        start = bom + exc.start  # the error's place counts from after the byte-order mark
        line = data[:start].count(b"\n") + 1
        raise _fail(
            name,
            f"the file is not UTF-8 text (byte 0x{data[start]:02x} on this line, "
            "often an accented letter saved in another encoding) — save it as UTF-8",
            line,
        ) from None


def parse_text(text: str, fmt: MapFormat, file: str = "<map>") -> Any:
    """Parse YAML or JSON text into plain Python data.

    Raises
    ------
    MapFileError
        Syntax errors (with the line), alias bombs, very deep nesting, an
        empty file, duplicate keys, several YAML documents in one file.
    """
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise _fail(file, "the file is empty — start a map with 'sysmap init'")
    if fmt == "json":
        return _parse_json(text, file)
    try:
        # Dates stay text here; the model reads them where a date belongs. (With
        # parse_datetime, yaml_rs turns even *quoted* "2026-01-31" into a date, so
        # a name or an attribute that looks like a date could not be written.)
        data = yaml_rs.loads(text, parse_datetime=False, alias_limits=_ALIAS_LIMITS)
    except yaml_rs.YAMLDecodeError as exc:
        raise _yaml_error(str(exc), text, file) from None
    except RecursionError:
        raise _fail(file, _TOO_DEEP.format("YAML")) from None
    except ValueError:
        raise _number_too_long(text, file) from None
    limit = sys.get_int_max_str_digits()
    if limit and re.search(rf"\d{{{limit},}}", text) and huge_number_path(data) is not None:
        raise _number_too_long(text, file)
    if data is None:
        raise _fail(file, _NO_MAP)
    if isinstance(data, list):
        data = _one_document(data, text, file)
    return data


_NO_MAP = "the file holds no map (only comments or blank lines) — start a map with 'sysmap init'"
_TOO_DEEP = (
    "the {} is nested too deeply to be a map — look for brackets '[' or '{{' "
    "that repeat or are never closed"
)


class _DuplicateJSONKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateJSONKey(key)
        out[key] = value
    return out


def _parse_json(text: str, file: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_json_object)
    except _DuplicateJSONKey as exc:
        raise _duplicate_key(text, file, exc.key) from None
    except json.JSONDecodeError as exc:
        raise _json_error(exc, file) from None
    except RecursionError:
        raise _fail(file, _TOO_DEEP.format("JSON")) from None
    except ValueError:
        raise _number_too_long(text, file) from None


def _json_error(exc: json.JSONDecodeError, file: str) -> MapFileError:
    doc, pos = exc.doc, exc.pos
    before = doc[:pos].rstrip()
    if before.endswith(",") and doc[pos : pos + 1] in ("]", "}"):
        # the commonest JSON mistake: a comma after the last item
        comma = len(before) - 1
        line = doc.count("\n", 0, comma) + 1
        closer = doc[pos]
        return _fail(
            file,
            f"a comma before '{closer}' — JSON does not allow a comma after the last "
            "item; remove it",
            line,
        )
    if exc.msg.startswith("Expecting ',' delimiter"):
        line = doc.count("\n", 0, len(before)) + 1
        return _fail(
            file,
            "a comma is missing after this item — separate items with ','",
            line,
        )
    if exc.msg.startswith("Expecting property name enclosed in double quotes"):
        return _fail(
            file,
            'JSON field names need double quotes, e.g. "name": … (and no comma '
            "after the last field)",
            exc.lineno,
        )
    if exc.msg.startswith("Unterminated string"):
        return _fail(file, "a text value is not closed — add the closing '\"'", exc.lineno)
    return _fail(
        file,
        f"not valid JSON: {exc.msg} (column {exc.colno}) — check the brackets, "
        "commas and quotes here",
        exc.lineno,
    )


def huge_number_path(data: Any) -> list[PathPart] | None:
    """The path of a whole number too long for Python to turn into text, if any."""
    limit = sys.get_int_max_str_digits()
    if not limit:
        return None
    bits = int(limit * 3.32) - 8  # about limit digits
    stack: list[tuple[Any, list[PathPart]]] = [(data, [])]
    seen: set[int] = set()
    while stack:
        node, path = stack.pop()
        if isinstance(node, int):
            if node.bit_length() > bits:
                return path
        elif isinstance(node, (dict, list)):
            if id(node) in seen:
                continue
            seen.add(id(node))
            if isinstance(node, list):
                stack.extend((v, [*path, i]) for i, v in enumerate(node))
                continue
            for key, value in node.items():
                if isinstance(key, int) and key.bit_length() > bits:
                    return path
                name = key if isinstance(key, str) else "?"
                stack.append((value, [*path, name]))
    return None


def _number_too_long(text: str, file: str) -> MapFileError:
    match = re.search(r"\d{1000,}", text)
    line = text.count("\n", 0, match.start()) + 1 if match else None
    return _fail(file, TOO_LONG_NUMBER, line)


#: Python refuses to turn numbers of thousands of digits into text.
TOO_LONG_NUMBER = (
    "a number is far too long (thousands of digits) — shorten it, or put it in "
    "quotes if it is not a number"
)


def _document_starts(text: str) -> list[int]:
    """The line where each YAML document in the text starts."""
    starts: list[int] = []
    open_doc = False
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if line.startswith("---") and line[3:4] in ("", " ", "\t"):
            starts.append(number)
            open_doc = True
        elif line.startswith("...") and line[3:4] in ("", " ", "\t"):
            open_doc = False
        elif stripped and not stripped.startswith("#") and not line.startswith("%"):
            if not open_doc:
                starts.append(number)
                open_doc = True
    return starts


def _one_document(data: list[Any], text: str, file: str) -> Any:
    """The map from a file yaml_rs read as several documents ('---').

    Empty documents (a stray '---' at the end) are dropped; a second map is
    an error.
    """
    starts = _document_starts(text)
    if len(starts) < 2 or len(starts) != len(data):
        return data  # one document that is a list
    docs = [(line, doc) for line, doc in zip(starts, data, strict=True) if doc is not None]
    if not docs:
        raise _fail(file, _NO_MAP)
    if len(docs) == 1:
        return docs[0][1]
    raise _fail(
        file,
        "a second map (YAML document) starts here after '---'; a map file holds one "
        "map — remove the '---' and what follows, or move it to its own file",
        docs[1][0],
    )


def _yaml_error(raw: str, text: str, file: str) -> MapFileError:
    """A yaml_rs error put into words, at the line where the mistake is."""
    lines = [ln for ln in raw.strip().splitlines() if ln.strip()]
    match = _YAML_ERROR.search(raw)
    line = int(match.group(1)) if match else None
    reason = lines[-1].strip() if lines else raw
    low = reason.lower()
    early = _early_yaml_error(low, reason, text, file, line)
    if early is not None:
        return early
    if line is not None:
        # the parser may point one past the last line (at the end of the text)
        line = min(line, _line_count(text))
    directive = _directive_line(text)
    if directive is not None and ("expected <document start>" in low or "directive" in low):
        return _fail(file, _DIRECTIVE, directive)
    e = _YamlError(low, reason, line, *_ruamel_error(text))
    e = e.capped(_line_count(text))
    if re.search(r"\btabs?\b", low) or "\t" in e.problem or "'\\t'" in e.problem:
        return _fail(file, _TAB, _tab_line(text, e.problem_line or line))
    for test, message, where in _YAML_MESSAGES:
        if test(e):
            return _fail(file, message(e) if callable(message) else message, where(e))
    if match:
        return _fail(
            file,
            f"not valid YAML: {reason} — check the indentation, quotes and "
            "brackets on this line or the one before",
            line,
        )
    return _fail(file, f"not valid YAML: {reason}")


def _early_yaml_error(
    low: str, reason: str, text: str, file: str, line: int | None
) -> MapFileError | None:
    """Alias bombs, deep nesting and duplicate keys: said before the line is looked at."""
    if "alias" in low and ("limit" in low or "depth" in low):
        return _fail(
            file,
            "too many YAML alias expansions (an alias bomb?) — write the values "
            "out instead of repeating anchors (&name / *name)",
        )
    if "recursion" in low or "depth" in low or "nest" in low:
        return _fail(file, _TOO_DEEP.format("YAML"), line)
    if "duplicate" in low:
        key = re.search(r"key:?\s*'(.*)'\s*$", reason) or re.search(r"key:?\s*(\S+)", reason)
        return _duplicate_key(text, file, key.group(1) if key else "")
    return None


@dataclass(frozen=True)
class _YamlError:
    """What yaml_rs and ruamel.yaml said about one YAML mistake."""

    low: str  # yaml_rs's reason, lower case
    reason: str
    line: int | None
    context: str  # ruamel.yaml's context, problem and their lines
    context_line: int | None
    problem: str
    problem_line: int | None

    def capped(self, last: int) -> _YamlError:
        """Lines past the end of the text moved back to its last line."""
        return replace(
            self,
            context_line=None if self.context_line is None else min(self.context_line, last),
            problem_line=None if self.problem_line is None else min(self.problem_line, last),
        )

    def says(self, *words: str) -> bool:
        return any(w in self.low for w in words)


def _unclosed_bracket(e: _YamlError) -> str:
    opener = "{" if "mapping" in e.context or "'{'" in e.reason else "["
    closer = "}" if opener == "{" else "]"
    return (
        f"the '{opener}' on this line is not closed properly — add the missing "
        f"'{closer}' (or a missing ',' between items)"
    )


def _odd_start(e: _YamlError) -> str:
    char = re.search(r"unexpected character: `(.)'", e.reason)
    shown = char.group(1) if char else ("?" if "keys" in e.low else "*' or '&")
    return f"a value cannot start with '{shown}' in YAML — put the text in quotes"


def _at_line(e: _YamlError) -> int | None:
    return e.line


def _at_context(e: _YamlError) -> int | None:
    return e.context_line or e.line


def _at_problem(e: _YamlError) -> int | None:
    return e.problem_line or e.line


_DIRECTIVE = (
    "a line starting with '%' is read as a YAML directive (such as %YAML "
    "1.2) — put the text in quotes, or remove the line"
)
_TAB = "a tab is used for indentation or spacing — YAML needs spaces; replace the tab with spaces"

#: The YAML mistakes sysmap puts into words, in the order they are tried:
#: (is it this one?, the message, which line to name).
_YAML_MESSAGES: tuple[
    tuple[
        Callable[[_YamlError], bool],
        str | Callable[[_YamlError], str],
        Callable[[_YamlError], int | None],
    ],
    ...,
] = (
    (
        lambda e: e.says("comments must be separated"),
        "a '#' right after text — a comment needs a space before '#'; add one, or "
        "put the text in quotes if the '#' belongs to it",
        _at_line,
    ),
    (
        lambda e: e.says("trailing content after") and e.says("quoted scalar"),
        "text after a closing quote — put the whole value inside the quotes",
        _at_line,
    ),
    (
        lambda e: e.says("mismatched bracket"),
        "brackets do not match ('[' is closed by ']', '{' by '}') — fix the pair",
        _at_line,
    ),
    (
        lambda e: (
            e.context.startswith(("while parsing a flow sequence", "while parsing a flow mapping"))
            or e.says("unclosed bracket")
        ),
        _unclosed_bracket,
        _at_context,
    ),
    (
        lambda e: e.says("misplaced bracket"),
        "a closing bracket ']' or '}' with no matching '[' or '{' — remove it "
        "or add the opening bracket",
        _at_line,
    ),
    (
        lambda e: (
            e.context.startswith("while scanning a quoted scalar")
            or (e.says("quoted scalar") and e.says("indentation", "end of stream"))
        ),
        "a quote (\" or ') opened on this line is never closed — add the closing quote",
        _at_context,
    ),
    (
        lambda e: e.says("unknown escape"),
        "a backslash '\\' inside double quotes starts an unknown escape — use "
        "single quotes, or write '\\\\' for a backslash",
        _at_line,
    ),
    (
        lambda e: e.says("block sequence entries are not allowed"),
        "a '-' where a value was expected — quote it (for a negative "
        "polarity write polarity: '-') or fix the indentation",
        _at_line,
    ),
    (
        lambda e: e.says("mapping values are not allowed"),
        "a ':' where YAML did not expect one — if the text contains ': ', put "
        "it in quotes; otherwise this line is probably indented too far",
        _at_line,
    ),
    (
        lambda e: e.says("expected ':'") or "could not find expected ':'" in e.problem,
        "this line has no ':' — write it as 'field: value' (or indent it under "
        "the field it continues)",
        _at_context,
    ),
    (
        lambda e: e.says("did not find expected") or "expected <block end>" in e.problem,
        "this line's indentation does not match the lines around it — line it "
        "up with the other fields of the same item (spaces, not tabs)",
        _at_problem,
    ),
    (
        lambda e: e.says("unknown anchor") or "undefined alias" in e.problem,
        "a '*' starts a reference to an anchor that is not defined — put the "
        "text in quotes if it should start with '*'",
        _at_line,
    ),
    (
        lambda e: (
            bool(re.search(r"unexpected character: `(.)'", e.reason))
            or e.says("anchor or alias", "mapping keys are not allowed")
        ),
        _odd_start,
        _at_line,
    ),
)


def _line_count(text: str) -> int:
    """Lines as YAML counts them: \\r\\n, \\r, \\n and the Unicode line breaks."""
    return len(_LINE_BREAK.findall(text)) + 1


def _directive_line(text: str) -> int | None:
    """The first line that starts with '%' (a YAML directive), if any."""
    for number, ln in enumerate(_LINE_BREAK.split(text), start=1):
        if ln.startswith("%"):
            return number
    return None


def _ruamel_error(text: str) -> tuple[str, int | None, str, int | None]:
    """What ruamel.yaml says about broken YAML: context, its line, problem, its line.

    yaml_rs finds errors fast; ruamel.yaml often says better *where* they
    start (the line that opens an unclosed bracket or quote). Empty strings
    when ruamel reads the text or the text is too large.
    """
    if len(text) > LOCATE_MAX_BYTES:
        return "", None, "", None
    # ruamel.yaml takes a quarter second to import: only when positions are needed
    from ruamel.yaml import YAML

    try:
        for _ in YAML(typ="rt").parse(text):
            pass
    except Exception as exc:  # noqa: BLE001 - any failure is information here
        cmark = getattr(exc, "context_mark", None)
        pmark = getattr(exc, "problem_mark", None)
        return (
            str(getattr(exc, "context", None) or ""),
            cmark.line + 1 if cmark is not None else None,
            str(getattr(exc, "problem", None) or ""),
            pmark.line + 1 if pmark is not None else None,
        )
    return "", None, "", None


def _tab_line(text: str, near: int | None) -> int | None:
    """The first line at or after ``near`` with a tab in its indentation."""
    tabbed = [
        i
        for i, ln in enumerate(text.splitlines(), 1)
        if "\t" in ln[: len(ln) - len(ln.lstrip(" \t"))] or re.search(r":\t", ln)
    ]
    after = [i for i in tabbed if near is None or i >= near]
    if after:
        return after[0]
    return tabbed[0] if tabbed else near


def _duplicate_key(text: str, file: str, key: str) -> MapFileError:
    """A duplicate key, with the line and field path of its second use."""
    line: int | None = None
    path: list[PathPart] = []
    message = (
        f"the key '{key}' is given twice in the same block — keep one of them (this is the second)"
    )
    found = _find_duplicate(_compose(text), key)
    if found is not None:
        line, path, first = found
        if first is not None:
            # two different spellings that read as one value: 1 and true, 1 and 1.0
            second = path[-1]
            message = (
                f"the keys '{first}' and '{second}' in this block are one key to a YAML "
                "reader (numbers and true/false are compared as values: true is 1, 1.0 "
                "is 1) — use words as field names, or put the keys in quotes"
            )
    problem = Problem(message, path=path, file=file, line=line, code="duplicate-key")
    return MapFileError(problem.format(), problem=problem)


def _compose(text: str) -> Any:
    """ruamel.yaml's node tree (with positions) for the text, or None."""
    if len(text.encode("utf-8", "replace")) > LOCATE_MAX_BYTES:
        return None
    # ruamel.yaml takes a quarter second to import: only when positions are needed
    from ruamel.yaml import YAML

    try:
        return YAML(typ="rt").compose(text)
    except Exception:  # noqa: BLE001 - positions are a nicety; never fail for them
        return None


def _find_duplicate(root: Any, key: str) -> tuple[int, list[PathPart], str | None] | None:
    """Line and path of the second use of a key, and the first key's text when it differs."""
    # ruamel.yaml takes a quarter second to import: only when positions are needed
    from ruamel.yaml.nodes import MappingNode, SequenceNode

    stack: list[tuple[Any, list[PathPart]]] = [(root, [])]
    seen: set[int] = set()
    while stack:
        node, path = stack.pop(0)
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, MappingNode):
            names: dict[Any, str] = {}
            for knode, vnode in node.value:
                name = str(getattr(knode, "value", ""))
                value = _key_value(knode)
                if value in names and (name == key or str(value) == key):
                    first = names[value]
                    return (
                        knode.start_mark.line + 1,
                        [*path, name],
                        (first if first != name else None),
                    )
                names.setdefault(value, name)
                stack.append((vnode, [*path, name]))
        elif isinstance(node, SequenceNode):
            stack.extend((item, [*path, i]) for i, item in enumerate(node.value))
    return None


def _key_value(knode: Any) -> Any:
    """The value a YAML reader makes of a plain key: true and 1 are equal in Python."""
    text = str(getattr(knode, "value", ""))
    tag = str(getattr(knode, "tag", ""))
    try:
        if tag.endswith(":bool"):
            return text.lower() in ("true", "yes", "on")
        if tag.endswith(":int"):
            return int(text.replace("_", ""), 0) if text[:2].lower() in ("0x", "0o") else int(text)
        if tag.endswith(":float"):
            return float(text)
    except ValueError:
        pass
    return text


def invalid_in(text: str, file: str, problems: list[Problem]) -> MapInvalid:
    """The error for problems found in a file's text, to raise.

    Each problem names the file and, where it can be found, its line
    (:func:`locate`); the first line comes first.
    """
    lines = locate(text, [p.path for p in problems])
    for p in problems:
        p.file = file
        p.line = lines.get(tuple(p.path))
    problems.sort(key=lambda p: p.line or 0)
    return MapInvalid(problems)


def locate(text: str, paths: Iterable[Sequence[PathPart]]) -> dict[tuple[PathPart, ...], int]:
    """1-based line numbers for field paths, where they can be found.

    A path that ends at a missing field gets the line of its parent. Files
    over :data:`LOCATE_MAX_BYTES` are not located (an empty result).

    Example
    -------
    >>> locate("id: demo\\nstakeholders:\\n  - id: pwle\\n    role: x\\n",
    ...        [["stakeholders", 0, "role"], ["stakeholders", 0, "name"]])
    {('stakeholders', 0, 'role'): 4, ('stakeholders', 0, 'name'): 3}
    """
    wanted = [tuple(p) for p in paths]
    if not wanted:
        return {}
    tree = _compose(text.removeprefix("\ufeff"))
    if tree is None:
        return {}
    found: dict[tuple[PathPart, ...], int] = {}
    for path in wanted:
        line = _line_of(tree, path)
        if line is not None:
            found[path] = line
    return found


def _line_of(node: Any, path: Sequence[PathPart]) -> int | None:
    """The line of the node at ``path`` (or of the deepest part that exists).

    Works on ruamel.yaml's composed nodes, not on constructed data, so values
    ruamel.yaml cannot construct (a date like 2026-13-01) do not lose the
    positions of everything else.
    """
    # ruamel.yaml takes a quarter second to import: only when positions are needed
    from ruamel.yaml.nodes import MappingNode, SequenceNode

    line: int = node.start_mark.line
    for part in path:
        if isinstance(node, SequenceNode) and isinstance(part, int):
            if not 0 <= part < len(node.value):
                break
            node = node.value[part]
            line = node.start_mark.line
        elif isinstance(node, MappingNode):
            for knode, vnode in node.value:
                if str(getattr(knode, "value", None)) == str(part):
                    line = knode.start_mark.line
                    node = vnode
                    break
            else:
                break
        else:
            break
    return line + 1
