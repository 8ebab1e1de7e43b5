"""Reading map files: size and safety limits, YAML or JSON, line positions.

Loading is two-speed. The fast path parses YAML with ``yaml_rs`` (a Rust
parser) or JSON with the standard library, with no position information.
Only when a map has problems is the text parsed again with ruamel.yaml's
round-trip loader, which keeps line numbers, to say where each one is.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

import yaml_rs

from sysmap.errors import MapFileError
from sysmap.problems import PathPart, Problem

__all__ = [
    "MAX_FILE_BYTES",
    "LOCATE_MAX_BYTES",
    "MapFormat",
    "detect_format",
    "read_text",
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


def _max_bytes() -> int:
    value = os.environ.get("SYSMAP_MAX_FILE_BYTES")
    if value and value.isdigit():
        return int(value)
    return MAX_FILE_BYTES


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
        The file is missing, too large, binary or not UTF-8 text.
    """
    name = str(path)
    limit = _max_bytes()
    try:
        size = os.path.getsize(path)
        if size > limit:
            raise _fail(
                name,
                f"the file is {size / 1e6:.1f} MB, over the {limit / 1e6:.0f} MB "
                "limit for a map — split it, or raise SYSMAP_MAX_FILE_BYTES",
            )
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except FileNotFoundError:
        raise _fail(name, "no such file — check the path") from None
    except IsADirectoryError:
        raise _fail(name, "this is a folder, not a map file") from None
    except PermissionError:
        raise _fail(name, "permission denied — check the file's permissions") from None
    except OSError as exc:
        raise _fail(name, f"cannot read the file ({exc.strerror})") from None
    return decode(data, name)


def decode(data: bytes, name: str) -> str:
    """Decode UTF-8 map bytes, with a clear message for anything else."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _fail(name, "the file is UTF-16 text — save it as UTF-8")
    if b"\x00" in data[:65536]:
        raise _fail(name, "this is a binary file, not a YAML or JSON map")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _fail(
            name,
            f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x}) — "
            "save it as UTF-8",
            line,
        ) from None


def parse_text(text: str, fmt: MapFormat, file: str = "<map>") -> Any:
    """Parse YAML or JSON text into plain Python data.

    Raises
    ------
    MapFileError
        Syntax errors (with the line), alias bombs, very deep nesting, an
        empty file.
    """
    if not text.strip():
        raise _fail(file, "the file is empty — start a map with 'sysmap init'")
    if fmt == "json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise _fail(file, f"not valid JSON: {exc.msg} (column {exc.colno})", exc.lineno) from None
        except RecursionError:
            raise _fail(file, "the JSON is nested too deeply to be a map") from None
    try:
        data = yaml_rs.loads(
            text,
            parse_datetime=True,
            alias_limits=_ALIAS_LIMITS,
        )
    except yaml_rs.YAMLDecodeError as exc:
        raise _yaml_error(str(exc), file) from None
    except RecursionError:
        raise _fail(file, "the YAML is nested too deeply to be a map") from None
    if data is None:
        raise _fail(file, "the file holds no map (only comments or blank) — "
                    "start a map with 'sysmap init'")
    return data


def _yaml_error(raw: str, file: str) -> MapFileError:
    lines = [ln for ln in raw.strip().splitlines() if ln.strip()]
    match = _YAML_ERROR.search(raw)
    line = int(match.group(1)) if match else None
    reason = lines[-1].strip() if lines else raw
    low = reason.lower()
    if "alias" in low and ("limit" in low or "depth" in low):
        return _fail(
            file,
            "too many YAML alias expansions (an alias bomb?) — write the values "
            "out instead of repeating anchors",
        )
    if "recursion" in low or "depth" in low or "nest" in low:
        return _fail(file, "the YAML is nested too deeply to be a map", line)
    if "tab" in low:
        return _fail(file, "a tab is used for indentation — YAML needs spaces", line)
    if "duplicate" in low:
        key = re.search(r"key:?\s*'?([^']*)'?", reason)
        name = key.group(1) if key else ""
        return _fail(
            file,
            f"the key '{name}' appears twice in the same block — keep one",
            line,
        )
    if "block sequence entries are not allowed" in low:
        return _fail(
            file,
            "a '-' where a value was expected — quote it (for a negative "
            "polarity write polarity: '-') or fix the indentation",
            line,
        )
    if match:
        return _fail(
            file,
            f"not valid YAML: {reason} — check the indentation, quotes and "
            "brackets on this line or the one before",
            line,
        )
    return _fail(file, f"not valid YAML: {reason}")


def locate(text: str, paths: Iterable[Sequence[PathPart]]) -> dict[tuple[PathPart, ...], int]:
    """1-based line numbers for field paths, where they can be found.

    A path that ends at a missing field gets the line of its parent. Files
    over :data:`LOCATE_MAX_BYTES` are not located (an empty result).
    """
    wanted = [tuple(p) for p in paths]
    if not wanted or len(text.encode("utf-8", "replace")) > LOCATE_MAX_BYTES:
        return {}
    from ruamel.yaml import YAML

    try:
        tree = YAML(typ="rt").load(text)
    except Exception:  # noqa: BLE001 - positions are a nicety; never fail for them
        return {}
    found: dict[tuple[PathPart, ...], int] = {}
    for path in wanted:
        line = _line_of(tree, path)
        if line is not None:
            found[path] = line
    return found


def _line_of(node: Any, path: Sequence[PathPart]) -> int | None:
    line: int | None = getattr(getattr(node, "lc", None), "line", None)
    for part in path:
        lc = getattr(node, "lc", None)
        if lc is None:
            break
        try:
            if isinstance(part, int) and isinstance(node, list):
                if not 0 <= part < len(node):
                    break
                line = lc.item(part)[0]
                node = node[part]
            elif isinstance(node, dict) and part in node:
                line = lc.key(part)[0]
                node = node[part]
            else:
                break
        except (KeyError, IndexError, TypeError, AttributeError):
            break
    return None if line is None else line + 1
