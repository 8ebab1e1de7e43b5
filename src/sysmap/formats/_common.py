"""What every format shares: results, drop lists, file handling, map metadata."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from sysmap.errors import MapFileError, SysmapError
from sysmap.mapfile import decode, max_file_bytes, read_limited
from sysmap.model import SystemMap
from sysmap.storage import write_atomic

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

PathOrFile = str | os.PathLike[str] | IO[str] | IO[bytes]

#: The map's own scalar fields (everything but lists of parts).
MAP_FIELDS: tuple[str, ...] = (
    "id",
    "title",
    "guiding_question",
    "community",
    "description",
    "as_of",
    "stage",
    "based_on",
)
#: The map's sections beyond elements, relationships and loops.
SECTIONS: tuple[str, ...] = (
    "guiding_team",
    "outcomes",
    "measures",
    "indicators",
    "assessments",
    "answers",
    "scenarios",
)
#: Marker: a format carries every field of a part.
ALL: frozenset[str] = frozenset({"*"})


@dataclass
class ExportResult:
    """What an export wrote and what the format could not carry.

    ``dropped`` names every field of the map that is not in the file
    (``"guiding_team"``, ``"relationships[].evidence"`` …); it is empty when the
    file carries the whole map.
    """

    format: str
    path: str | None
    dropped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def messages(self) -> list[str]:
        """Warnings to show a user, the drop list first."""
        out = []
        if self.dropped:
            out.append(
                f"warning: {self.format} cannot carry these fields, left out: "
                + ", ".join(self.dropped)
            )
        out.extend(f"warning: {w}" for w in self.warnings)
        return out


@dataclass
class ImportResult:
    """The map an import built, and what it had to guess or leave out."""

    map: SystemMap
    format: str
    path: str | None
    dropped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: What the file did not say and the import assumed (ids, roles, kinds,
    #: directions, weights), one sentence each.
    assumed: list[str] = field(default_factory=list)

    def messages(self) -> list[str]:
        """What to show a user: the drop list, warnings, then what was assumed."""
        out = []
        if self.dropped:
            out.append("warning: not imported (no place in a map): " + ", ".join(self.dropped))
        out.extend(f"warning: {w}" for w in self.warnings)
        out.extend(f"assumed: {a}" for a in self.assumed)
        return out


def _present(items: Iterable[Any]) -> set[str]:
    keys: set[str] = set()
    for item in items:
        keys.update(item.model_dump(exclude_defaults=True, by_alias=False))
    return keys


def dropped_fields(
    m: SystemMap,
    *,
    map_fields: Iterable[str] = ALL,
    stakeholder: Iterable[str] = ALL,
    factor: Iterable[str] = ALL,
    relationship: Iterable[str] = ALL,
    loop: Iterable[str] = ALL,
    kinds: bool = True,
    sections: Iterable[str] = SECTIONS,
) -> list[str]:
    """The fields this map uses that a format does not carry.

    Each argument names what the format carries; ``ALL`` means every field.

    Example
    -------
    >>> from sysmap.model import Stakeholder, SystemMap
    >>> m = SystemMap(id="m", title="M", guiding_question="Q?", community="Town",
    ...     stakeholders=[Stakeholder(id="a", name="A", role="leader", power=3)])
    >>> dropped_fields(m, map_fields={"id", "title"}, stakeholder={"id", "name", "role"})
    ['community', 'guiding_question', 'stakeholders[].power']
    """
    out: list[str] = []
    data = m.model_dump(exclude_defaults=True)
    carried = set(map_fields)
    if "*" not in carried:
        out += sorted(k for k in MAP_FIELDS if k in data and k not in carried)
    if not kinds and m.kinds:
        out.append("kinds")
    for name, items, keep in (
        ("stakeholders", m.stakeholders, set(stakeholder)),
        ("factors", m.factors, set(factor)),
        ("relationships", m.relationships, set(relationship)),
        ("loops", m.loops, set(loop)),
    ):
        if "*" in keep or not items:
            continue
        if not keep:
            out.append(name)
            continue
        out += sorted(f"{name}[].{k}" for k in _present(items) - keep)
    kept_sections = set(sections)
    out += [s for s in SECTIONS if s not in kept_sections and data.get(s)]
    return out


def strip_dropped(m: SystemMap, dropped: Iterable[str]) -> dict[str, Any]:
    """The map's data without the dropped fields: what a round trip gives back.

    Example
    -------
    >>> from sysmap.model import Stakeholder, SystemMap
    >>> m = SystemMap(id="m", title="M", guiding_question="Q?",
    ...     stakeholders=[Stakeholder(id="a", name="A", role="leader", power=3)])
    >>> strip_dropped(m, ["stakeholders[].power"])["stakeholders"]
    [{'id': 'a', 'name': 'A', 'role': 'leader'}]
    """
    data = m.to_data()
    for name in dropped:
        if "[]." in name:
            section, key = name.split("[].", 1)
            head, _, sub = key.partition(".")
            for item in data.get(section, []):
                if sub and isinstance(item.get(head), dict):
                    item[head].pop(sub, None)
                    if not item[head]:
                        item.pop(head)
                elif not sub:
                    item.pop(key, None)
        else:
            data.pop(name, None)
    return data


def write_output(path_or_file: PathOrFile, content: str | bytes) -> str | None:
    """Write content to a path (atomically) or to an open file; the path written."""
    if hasattr(path_or_file, "write"):
        fh: Any = path_or_file
        if isinstance(content, bytes) and not _is_binary(fh):
            raise SysmapError("this format writes bytes — open the file in binary mode ('wb')")
        if isinstance(content, str) and _is_binary(fh):
            fh.write(content.encode("utf-8"))
        else:
            fh.write(content)
        return getattr(fh, "name", None) if isinstance(getattr(fh, "name", None), str) else None
    path = os.fspath(path_or_file)
    if isinstance(content, bytes):
        write_atomic_bytes(path, content)
    else:
        write_atomic(path, content)
    return str(path)


def _is_binary(fh: Any) -> bool:
    mode = getattr(fh, "mode", "")
    if isinstance(mode, str) and mode:
        return "b" in mode
    return not hasattr(fh, "encoding")


def write_atomic_bytes(path: str | os.PathLike[str], content: bytes) -> None:
    """Write bytes atomically, like :func:`sysmap.storage.write_atomic` does text."""
    write_atomic(path, content)


def read_bytes(path_or_file: PathOrFile) -> tuple[bytes, str]:
    """The bytes of an input file and a name for messages.

    A path must be a regular file under the size limit of a map
    (:func:`sysmap.mapfile.read_limited`); an open file is read up to the
    same limit.
    """
    if hasattr(path_or_file, "read"):
        fh: Any = path_or_file
        name = str(getattr(fh, "name", "<input>"))
        limit = max_file_bytes()
        data = fh.read(limit + 1)
        data = data.encode("utf-8") if isinstance(data, str) else data
        if len(data) > limit:
            raise MapFileError(
                f"{name}: the input is over the {limit:,} byte limit for a file to import — "
                "raise the limit with the SYSMAP_MAX_FILE_BYTES environment variable"
            )
        return data, name
    return read_limited(path_or_file, "a file to import"), str(os.fspath(path_or_file))


def read_text_input(path_or_file: PathOrFile) -> tuple[str, str]:
    """The UTF-8 text of an input file and a name for messages."""
    data, name = read_bytes(path_or_file)
    return decode(data, name).replace("\r\n", "\n"), name


def dump_json_lines(data: dict[str, Any]) -> str:
    """JSON text with one list item per line: readable, and written by the fast
    C encoder (``indent`` would switch to the slow pure-Python one).

    Example
    -------
    >>> print(dump_json_lines({"a": 1, "items": [{"x": 1}, {"x": 2}]}), end="")
    {
    "a": 1,
    "items": [
    {"x": 1},
    {"x": 2}
    ]
    }
    """
    parts = []
    for key, value in data.items():
        head = json.dumps(key, ensure_ascii=False) + ": "
        if isinstance(value, list) and value:
            items = ",\n".join(json.dumps(v, ensure_ascii=False) for v in value)
            parts.append(head + "[\n" + items + "\n]")
        else:
            parts.append(head + json.dumps(value, ensure_ascii=False))
    return "{\n" + ",\n".join(parts) + "\n}\n"


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
