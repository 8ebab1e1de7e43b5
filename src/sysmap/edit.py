"""Editing a map file in place, keeping its comments and order.

Each function reads the file, applies one change, checks that the map is
still valid, and writes it back atomically, all under the map's lock, so that
concurrent edits never lose each other's change. A change that would make
the map invalid is refused and nothing is written.

A YAML map is changed line by line: only the lines of the items that change
are rewritten (:mod:`sysmap.splice`), so every comment elsewhere stays where
it was and an edit of a 60,000-relationship map costs about as much as
validating it. The result is parsed again and compared with what was meant;
a file laid out in a way the line editor cannot follow is edited through
ruamel.yaml's comment-keeping round trip instead. Comments before ``---``
and after ``...`` are kept, and a symbolic link is edited through to its
target.

Example
-------
>>> from sysmap.edit import add_stakeholder, set_field  # doctest: +SKIP
>>> add_stakeholder("map.yaml", "outreach", "Street outreach", "provider", power=2)  # doctest: +SKIP
>>> set_field("map.yaml", "outreach", "power", 3)  # doctest: +SKIP
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as _dt
import json
import os
import re
import typing
from collections.abc import Callable
from io import StringIO
from typing import Any

import pydantic
import yaml_rs

from sysmap._gc import gc_paused
from sysmap.errors import EditError, MapFileError, MapInvalid
from sysmap.mapfile import detect_format, parse_text, read_text
from sysmap.model import Factor, Relationship, Stakeholder, SystemMap
from sysmap.problems import did_you_mean
from sysmap.splice import NotSpliceable, TextDocument, indent, item_mapping_text, split_document
from sysmap.storage import dump_json, map_lock, write_atomic
from sysmap.validate import validate_data, validate_text

__all__ = [
    "add_stakeholder",
    "add_factor",
    "add_relationship",
    "add_item",
    "add_to",
    "remove",
    "set_field",
    "rename",
    "parse_value",
    "item_model",
    "round_trip_yaml",
    "commented_map",
    "SECTIONS",
]


def _sections() -> tuple[str, ...]:
    out = []
    for name, info in SystemMap.model_fields.items():
        if typing.get_origin(info.annotation) is list:
            (inner,) = typing.get_args(info.annotation)
            if hasattr(inner, "model_fields") and "id" in inner.model_fields:
                out.append(name)
    return tuple(out)


#: Sections whose items have ids that ``set``, ``remove`` and ``rename`` can name.
SECTIONS = _sections()
_ORDER = list(SystemMap.model_fields)


def item_model(section: str) -> Any:
    """The model class of one item of a section (``stakeholders`` -> Stakeholder).

    >>> item_model("loops").__name__
    'FeedbackLoop'
    """
    info = SystemMap.model_fields.get(section)
    if info is None or typing.get_origin(info.annotation) is not list:
        raise EditError(
            f"the map has no list '{section}' — use one of {', '.join(SECTIONS)}", where=section
        )
    return typing.get_args(info.annotation)[0]


def parse_value(text: str) -> Any:
    """Read a value typed on the command line as YAML: ``3`` is a number,
    ``true`` a flag, ``[a, b]`` a list, anything else text.

    Example
    -------
    >>> parse_value("3"), parse_value("true"), parse_value("[a, b]"), parse_value("Street outreach")
    (3, True, ['a', 'b'], 'Street outreach')
    """
    try:
        return yaml_rs.loads(text, parse_datetime=True)
    except Exception:  # noqa: BLE001 - not YAML: keep it as the text typed
        return text


# ---------------------------------------------------------------- YAML text of values


def round_trip_yaml() -> Any:
    """The ruamel.yaml reader and writer edits use: it keeps comments and quotes,
    never wraps a line, and indents as sysmap writes (lists under their key).

    For any tool that changes a map file in place, as the edits here do.

    Example
    -------
    >>> from io import StringIO
    >>> y = round_trip_yaml()
    >>> data = y.load("id: demo  # the map's id\\ntags: ['a']\\n")
    >>> data["id"] = "demo-2"
    >>> out = StringIO(); y.dump(data, out); print(out.getvalue(), end="")
    id: demo-2  # the map's id
    tags: ['a']
    """
    # ruamel.yaml is loaded only when a file is edited (reading maps does not need it)
    from ruamel.yaml import YAML

    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def _plain(value: Any) -> Any:
    """Data as sysmap reads it back from YAML (dates as text, whole numbers whole)."""
    return json.loads(dump_json(_whole(value)))


def _whole(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)  # strength 2, not 2.0
    if isinstance(value, dict):
        return {k: _whole(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_whole(v) for v in value]
    return value


def _load_plain(text: str) -> Any:
    return yaml_rs.loads(text, parse_datetime=False)


# a block list of a few plain words under a key: written [a, b] as people write it
_SHORT_LIST = re.compile(
    r"^( *)([\w-]+):\n((?:\1  - [^\n\[\]{}#:,'\"&*!|>%@`]{1,40}\n){1,6})", re.M
)


def _flow_list(m: re.Match[str]) -> str:
    items = [line.strip()[2:] for line in m.group(3).splitlines()]
    return f"{m.group(1)}{m.group(2)}: [{', '.join(items)}]\n"


def mapping_text(fields: dict[str, Any]) -> str:
    """Block YAML for one mapping, as a new item is written (checked by reading it back)."""
    data = _plain(fields)
    text = yaml_rs.dumps(data).removeprefix("---\n").rstrip("\n") + "\n"
    text = _SHORT_LIST.sub(_flow_list, text)
    try:
        if _load_plain(text) == data:
            return text
    except Exception:  # noqa: BLE001 - fall back to the careful writer
        pass
    out = StringIO()
    round_trip_yaml().dump(commented_map(data), out)
    return out.getvalue()


# ---------------------------------------------------------------- documents


class _TextDoc:
    """A YAML map changed line by line (see :mod:`sysmap.splice`)."""

    def __init__(self, body: str) -> None:
        self.text = TextDocument(body, _load_plain)
        self.keys = set(self.text.layout.keys())
        self._all: Any = None

    def all_data(self) -> dict[str, Any]:
        if self._all is None:
            data = _load_plain(self.text.layout.text)
            self._all = data if isinstance(data, dict) else {}
        return typing.cast(dict[str, Any], self._all)

    def count(self, section: str) -> int:
        return len(self.text.entries(section))

    def item(self, section: str, index: int) -> Any:
        return self.text.item(section, index)

    def append(self, section: str, fields: dict[str, Any]) -> None:
        prefix, column = self.text.dash_prefix(section)
        self.text.append(section, indent(mapping_text(fields), prefix, " " * column))
        self.keys.add(section)

    def delete(self, section: str, index: int) -> None:
        self.text.delete(section, index)

    def update(self, section: str, index: int, fn: Callable[[Any], Any]) -> Any:
        body, prefix, column = item_mapping_text(self.text.item_text(section, index))
        y = round_trip_yaml()
        node = y.load(body)
        result = fn(node)
        out = StringIO()
        y.dump(node, out)
        self.text.replace(section, index, indent(out.getvalue(), prefix, " " * column))
        return result

    def update_root(self, key: str, fn: Callable[[Any], Any]) -> Any:
        # ruamel.yaml is slow to import; loaded when a file is edited, not when maps are read
        from ruamel.yaml.comments import CommentedMap

        block = self.text.layout.blocks.get(key)
        y = round_trip_yaml()
        source = self.text.layout.text[block.start : block.content_end] if block else ""
        node = y.load(source) if source.strip() else CommentedMap()
        result = fn(node)
        out = StringIO()
        if node:
            y.dump(node, out)
        self.text.set_root(key, out.getvalue())
        if key in node:
            self.keys.add(key)
        else:
            self.keys.discard(key)
        return result

    def render(self) -> str:
        return self.text.render(_ORDER)

    def verify(self, data: Any) -> None:
        self.text.verify(data, self.keys)


class _DataDoc:
    """A map as data: JSON, or YAML through ruamel.yaml's comment-keeping round trip."""

    def __init__(self, data: Any, fmt: str) -> None:
        self.data = data
        self.fmt = fmt

    @classmethod
    def ruamel(cls, body: str) -> _DataDoc:
        return cls(round_trip_yaml().load(body), "yaml")

    def all_data(self) -> dict[str, Any]:
        return typing.cast(dict[str, Any], self.data if isinstance(self.data, dict) else {})

    def count(self, section: str) -> int:
        seq = self.data.get(section)
        return len(seq) if isinstance(seq, list) else 0

    def item(self, section: str, index: int) -> Any:
        return self.data[section][index]

    def append(self, section: str, fields: dict[str, Any]) -> None:
        _append(_seq(self.data, section), commented_map(_whole(fields)))

    def delete(self, section: str, index: int) -> None:
        _delete(self.data[section], index, self.data, section)

    def update(self, section: str, index: int, fn: Callable[[Any], Any]) -> Any:
        return fn(self.data[section][index])

    def update_root(self, key: str, fn: Callable[[Any], Any]) -> Any:
        return fn(self.data)

    def render(self) -> str:
        if self.fmt == "json":
            return dump_json(self.data)
        out = StringIO()
        round_trip_yaml().dump(self.data, out)
        return out.getvalue()

    def verify(self, data: Any) -> None:
        return None


_Doc = _TextDoc | _DataDoc
_Check = Callable[[dict[str, Any]], None]


class _Edit:
    """One edit's document and the checks to run on the parsed result."""

    def __init__(self, doc: _Doc) -> None:
        self.doc = doc
        self.checks: list[_Check] = []
        self.model: SystemMap | None = None  # the new map, once checked


def _apply(
    path: str | os.PathLike[str],
    change: Callable[[_Edit], Any],
    timeout: float,
    *,
    line_by_line: bool = True,
) -> Any:
    """Read, change, check and write a map under its lock; return what ``change`` returns."""
    name = str(path)
    real = os.path.realpath(path)  # edit a symbolic link's target, keep the link
    with map_lock(real, timeout=timeout):
        text = read_text(real)
        fmt = detect_format(path, text)
        # a file saved with Windows line ends keeps them; the edit works on "\n"
        crlf = "\r\n" in text and text.count("\r\n") == text.count("\n")
        if crlf:
            text = text.replace("\r\n", "\n")
        prologue, body, epilogue = ("", text, "") if fmt == "json" else split_document(text)
        edit: _Edit | None = None
        if fmt == "yaml" and line_by_line:
            try:
                edit = _attempt(_TextDoc(body), change, name, prologue, epilogue, fmt)
            except NotSpliceable:
                edit = None
        if edit is None:
            doc = _DataDoc(json.loads(text), fmt) if fmt == "json" else _DataDoc.ruamel(body)
            edit = _attempt(doc, change, name, prologue, epilogue, fmt)
        new_text, result = edit.new_text, edit.result  # type: ignore[attr-defined]
        report, data = edit.report, edit.data  # type: ignore[attr-defined]
        if isinstance(data, dict):
            for check in edit.checks:
                check(data)
        if not report.ok:
            _refuse(text, fmt, name, report)
        write_atomic(real, new_text.replace("\n", "\r\n") if crlf else new_text)
        return result


def _attempt(
    doc: _Doc, change: Callable[[_Edit], Any], name: str, prologue: str, epilogue: str, fmt: str
) -> _Edit:
    edit = _Edit(doc)
    result = change(edit)
    new_text = prologue + doc.render() + epilogue
    with gc_paused():
        try:
            data = parse_text(new_text, fmt, name)  # type: ignore[arg-type]
        except MapFileError:
            if isinstance(doc, _TextDoc):
                raise NotSpliceable("the new text does not parse") from None
            raise
        doc.verify(data)
        report, edit.model = validate_data(data, file=name)
    edit.new_text, edit.result, edit.report, edit.data = new_text, result, report, data  # type: ignore[attr-defined]
    return edit


def _refuse(text: str, fmt: str, name: str, report: Any) -> None:
    before = validate_text(text, fmt, name)  # type: ignore[arg-type]
    if not before.ok:
        raise EditError(
            f"{name} has problems; fix them before editing (sysmap validate {name}):\n"
            + "\n".join(p.format() for p in before.errors)
        )
    for problem in report.problems:
        problem.line = None  # the lines of a text that was never written
    raise MapInvalid(report.problems)


def _edit(
    path: str | os.PathLike[str], change: Callable[[dict[str, Any]], Any], timeout: float
) -> Any:
    """Apply a change to the whole map as data (ruamel.yaml round trip); kept for
    callers that change several parts at once."""
    return _apply(path, lambda e: change(e.doc.all_data()), timeout, line_by_line=False)


# ---------------------------------------------------------------- ruamel.yaml helpers


def _seq(data: dict[str, Any], section: str) -> list[Any]:
    if data.get(section) is None:
        data[section] = _new_seq()
    seq = data[section]
    if not isinstance(seq, list):
        raise EditError(f"'{section}' is not a list in this map", where=section)
    return seq


def _new_seq() -> Any:
    # ruamel.yaml is slow to import; loaded when a file is edited, not when maps are read
    from ruamel.yaml.comments import CommentedSeq

    return CommentedSeq()


_DATE_FIELDS = {"date", "as_of"}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def commented_map(fields: dict[str, Any]) -> Any:
    """Fields as a ruamel.yaml block to write into a map file (nested blocks too).

    Whole numbers are written whole (``strength: 2``, not 2.0) and a date field
    holding an ISO date (``date``, ``as_of``) as a date; for
    :func:`round_trip_yaml` to dump, or to put into a document it loaded.

    Example
    -------
    >>> block = commented_map({"strength": 2.0, "date": "2026-01-31", "power": {"amount": 3}})
    >>> block["strength"], block["date"], type(block["power"]).__name__
    (2, datetime.date(2026, 1, 31), 'CommentedMap')
    """
    # ruamel.yaml is slow to import; loaded when a file is edited, not when maps are read
    from ruamel.yaml.comments import CommentedMap

    out = CommentedMap()
    for key, value in fields.items():
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # strength 2, not 2.0
        if key in _DATE_FIELDS and isinstance(value, str) and _ISO_DATE.match(value):
            with contextlib.suppress(ValueError):  # 2026-13-01 stays text, for the check to name
                value = _dt.date.fromisoformat(value)  # written as a date, not a quoted text
        if isinstance(value, dict):
            value = commented_map(value)
        elif isinstance(value, list):
            value = [commented_map(v) if isinstance(v, dict) else v for v in value]
        out[key] = value
    return out


def _tail_comment(item: Any) -> tuple[Any, Any] | None:
    """The comment written after a block item's last line (and its key)."""
    ca = getattr(item, "ca", None)
    if ca is None or not isinstance(item, dict) or not item:
        return None
    last = list(item.keys())[-1]
    value = item[last]
    if isinstance(value, (dict, list)) and value:
        inner = value if isinstance(value, dict) else value[-1]
        return _tail_comment(inner) if isinstance(inner, dict) else None
    entry = ca.items.get(last)
    if entry and len(entry) > 2 and entry[2] is not None:
        return item, last
    return None


def _move_tail(src: Any, dst: Any) -> None:
    """Move the comment after ``src``'s last line to after ``dst``'s last line."""
    found = _tail_comment(src)
    if found is None or not isinstance(dst, dict) or not dst:
        return
    owner, key = found
    token = owner.ca.items[key][2]
    owner.ca.items[key][2] = None
    last = list(dst.keys())[-1]
    target: Any = dst
    while isinstance(target[last], dict) and target[last]:
        target = target[last]
        last = list(target.keys())[-1]
    entry = target.ca.items.setdefault(last, [None, None, None, None])
    while len(entry) < 4:
        entry.append(None)
    entry[2] = token


def _append(seq: list[Any], item: Any) -> None:
    # A comment after the old last item usually introduces what follows the
    # list (the next section); keep it after the list by moving it down.
    if seq:
        seq.append(item)
        _move_tail(seq[-2], seq[-1])
    else:
        seq.append(item)


def _delete(seq: list[Any], index: int, parent: Any = None, key: str | None = None) -> None:
    # A comment after the removed item usually introduces the next item or
    # section: hand it to the item before, or keep it with the next one.
    item = seq[index]
    if index > 0:
        _move_tail(item, seq[index - 1])
    elif len(seq) > 1:
        _move_tail_to_front(item, seq, parent, key)
    del seq[index]


def _move_tail_to_front(item: Any, seq: Any, parent: Any, key: str | None) -> None:
    """Make the comment after a list's first item the comment before the list."""
    found = _tail_comment(item)
    ca = getattr(seq, "ca", None)
    if found is None or ca is None:
        return
    # ruamel.yaml is slow to import; loaded when a file is edited, not when maps are read
    from ruamel.yaml.tokens import CommentToken

    owner, last = found
    token = owner.ca.items[last][2]
    owner.ca.items[last][2] = None
    # the token starts with the end of the item's last line; keep only the comment lines
    text = token.value.split("\n", 1)[1] if "\n" in token.value else ""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        return
    tokens = [CommentToken(ln.strip() + "\n", token.start_mark, None) for ln in lines]
    parent_ca = getattr(parent, "ca", None)
    if parent_ca is not None and key is not None:
        # a list inside a mapping takes its leading comments from the mapping's key
        entry = parent_ca.items.setdefault(key, [None, None, None, None])
        entry[3] = (entry[3] or []) + tokens
    elif ca.comment is None:
        ca.comment = [None, tokens]
    else:
        ca.comment[1] = (ca.comment[1] or []) + tokens


# ---------------------------------------------------------------- finding

_ENDS = re.compile(r"^(?P<src>.+?)->(?P<dst>[^:#]+?)(?::(?P<kind>[^#]+?))?(?:#(?P<nth>\d+))?$")


_KEY_PREFIX = re.compile(r"[ \t]*(?:-[ \t]+)?")


def _ids_in(doc: _Doc, key: str, ident: str) -> list[tuple[str, int]] | None:
    """Items that may have ``key: ident``, by one search of the text (None: search
    the data instead)."""
    if not isinstance(doc, _TextDoc):
        return None
    layout = doc.text.layout
    # "key:" first, for a fast search; what precedes it on its line is checked below
    pattern = re.compile(rf"{key}:[ \t]*(['\"]?){re.escape(ident)}\1[ \t]*(?:#[^\n]*)?(?=\n|$)")
    blocks = sorted(layout.blocks.values(), key=lambda b: b.start)
    starts = [b.start for b in blocks]
    wanted = SECTIONS if key == "id" else ("relationships",)
    # an item written {from: a, …} or with a quoted key is not found this way:
    # then search the data, so that no match is missed (and #N counts right)
    for name in wanted:
        block = layout.blocks.get(name)
        section = layout.section(name) if block is not None else None
        if block is None or section is None:
            continue
        # (each search starts with a literal, which Python's regular expressions find fast)
        flow = re.compile(rf"\n {{{section.dash}}}-[ \t]+\{{")
        start, end = max(block.start - 1, 0), block.end
        quoted = (layout.text.find(f"{q}{key}{q}", start, end) >= 0 for q in "\"'")
        if flow.search(layout.text, start, end) or any(quoted):
            return None
    found = []
    text = layout.text
    for m in pattern.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        if not _KEY_PREFIX.fullmatch(text, line_start, m.start()):
            continue
        block = blocks[bisect.bisect_right(starts, m.start()) - 1]
        if block.key not in wanted:
            continue
        section = layout.section(block.key)
        index = section.index_at(m.start()) if section is not None else None
        if index is not None:
            found.append((block.key, index))
    return found


def _matching(
    doc: _Doc, key: str, value: str, test: Callable[[str, Any], bool]
) -> list[tuple[str, int]]:
    near = _ids_in(doc, key, value)
    if near is not None:
        hits = [(s, i) for s, i in near if test(s, doc.item(s, i))]
        if hits:
            return hits
    data = doc.all_data()
    names = SECTIONS if key == "id" else ("relationships",)
    return [
        (s, i)
        for s in names
        for i, item in enumerate(data.get(s) or [])
        if isinstance(item, dict) and test(s, item)
    ]


def _find(doc: _Doc, target: str) -> tuple[str, int]:
    """Locate an item by id, or a relationship by 'FROM->TO', 'FROM->TO:KIND' or
    'FROM->TO:KIND#N' (the N-th such relationship in the file)."""
    hits = _matching(doc, "id", target, lambda s, item: str(item.get("id")) == target)
    if not hits and "->" in target and (m := _ENDS.match(target)):
        src, dst = m["src"].strip(), m["dst"].strip()
        kind = (m["kind"] or "").strip()
        hits = _matching(
            doc,
            "from",
            src,
            lambda s, r: (
                str(r.get("from")) == src
                and str(r.get("to")) == dst
                and (not kind or str(r.get("kind")) == kind)
            ),
        )
        if m["nth"] and hits:
            n = int(m["nth"])
            if not 1 <= n <= len(hits):
                raise EditError(
                    f"there are {len(hits)} such relationships — use #1 to #{len(hits)}",
                    where=target,
                )
            hits = [hits[n - 1]]
        if len(hits) > 1:
            kinds = [str(doc.item(s, i).get("kind")) for s, i in hits]
            name = f"{src}->{dst}:{kinds[0]}" if len(set(kinds)) == 1 else None
            how = (
                f"name one as {name}#1 … {name}#{len(hits)} (in file order)"
                if name
                else f"name one as {src}->{dst}:KIND ({', '.join(kinds)})"
            )
            raise EditError(
                f"{len(hits)} relationships go from '{src}' to '{dst}' — {how}", where=target
            )
    if not hits:
        raise EditError(
            f"nothing in the map has the id '{target}' — {_hint(doc, target)}", where=target
        )
    if len(hits) > 1:
        where = ", ".join(s for s, _ in hits)
        raise EditError(
            f"the id '{target}' is used in {where} — make ids unique first", where=target
        )
    return hits[0]


def _hint(doc: _Doc, target: str) -> str:
    data = doc.all_data()
    ids = [
        str(item.get("id"))
        for section in SECTIONS
        for item in data.get(section) or []
        if isinstance(item, dict) and item.get("id") is not None
    ]
    guess = did_you_mean(target, ids)
    if guess:
        return f"did you mean '{guess}'?"
    return "use an id from the map, or FROM->TO[:KIND] for a relationship"


def _label(item: Any) -> str:
    if "from" in item:
        text = f"{item.get('from')} -> {item.get('to')} ({item.get('kind')})"
        return f"{item['id']}: {text}" if item.get("id") else text
    return f"{item.get('id')} ({item.get('name', '')})"


def _noun(section: str) -> str:
    return {"guiding_team": "guiding-team role", "kinds": "kind"}.get(
        section, section[:-1] if section.endswith("s") else section
    )


# ---------------------------------------------------------------- adding


def _fields(model: Any) -> dict[str, Any]:
    return typing.cast(
        dict[str, Any],
        _whole(model.model_dump(by_alias=True, exclude_defaults=True, mode="json")),
    )


def _prepare(model: Any, fields: dict[str, Any]) -> dict[str, Any]:
    """An item's fields as they will be written: normalised by the model when
    they are valid; as given otherwise, for the whole map's check to explain."""
    try:
        return _fields(model.model_validate(fields))
    except pydantic.ValidationError:
        return typing.cast(dict[str, Any], _plain(fields))


def _added(edit: _Edit, section: str) -> Any:
    """The item an edit appended to ``section``, from the checked new map."""
    return getattr(edit.model, section)[-1]


def _unique_id(section: str, ident: str) -> _Check:
    """A check on the new map: ``ident`` is used once among the items that need unique ids."""
    scope = ("stakeholders", "factors") if section in ("stakeholders", "factors") else (section,)

    def check(data: dict[str, Any]) -> None:
        seen = [
            s
            for s in scope
            for item in data.get(s) or []
            if isinstance(item, dict) and str(item.get("id")) == ident
        ]
        if len(seen) > 1 and section in ("stakeholders", "factors"):
            raise EditError(
                f"'{ident}' is already in {seen[0]} — choose another id, or change the "
                f"existing one with 'sysmap set'",
                where=ident,
            )
        if len(seen) > 1:
            noun = _noun(section)
            article = "an" if noun[0] in "aeiou" else "a"
            raise EditError(
                f"the map has {article} {noun} '{ident}' already — give the new one another "
                "id, or change that one with 'sysmap set'",
                where=ident,
            )

    return check


def add_item(
    path: str | os.PathLike[str], section: str, fields: dict[str, Any], *, timeout: float = 30.0
) -> Any:
    """Add one item to any list of the map: a loop, outcome, measure, indicator,
    guiding-team role, scenario, kind, assessment …

    Parameters
    ----------
    path : the map file
    section : the list's name in the file (``loops``, ``outcomes``, ``guiding_team`` …)
    fields : the item's fields, as in the file

    Returns
    -------
    The new item (a model object, e.g. :class:`~sysmap.model.FeedbackLoop`).

    Raises
    ------
    EditError
        The section is unknown, the id is taken, or a field is wrong.
    MapInvalid
        The map would break a rule (an unknown stakeholder in a loop …); nothing is written.

    Example
    -------
    >>> add_item("map.yaml", "outcomes", {"id": "housed", "name": "People housed"})  # doctest: +SKIP
    """
    return _append_item(path, section, _prepare(item_model(section), fields), timeout)


def _append_item(
    path: str | os.PathLike[str],
    section: str,
    plain: dict[str, Any],
    timeout: float,
    checks: tuple[_Check, ...] = (),
) -> Any:
    """Append an item to ``section``; the new map must pass ``checks`` and keep ids unique."""

    def change(edit: _Edit) -> _Edit:
        edit.doc.append(section, plain)
        edit.checks.extend(checks)
        if plain.get("id") is not None:
            edit.checks.append(_unique_id(section, str(plain["id"])))
        return edit

    return _added(_apply(path, change, timeout), section)


def add_stakeholder(
    path: str | os.PathLike[str],
    id: str,
    name: str,
    role: str,
    *,
    timeout: float = 30.0,
    **fields: Any,
) -> Stakeholder:
    """Add a stakeholder to a map file.

    Parameters
    ----------
    path : the map file
    id, name, role : the new stakeholder's id, name and role (any letter case)
    **fields : any other stakeholder field (power=3, tags=[...], lived_experience=True …)

    Returns
    -------
    Stakeholder

    Raises
    ------
    EditError
        The id is taken, or the map had problems already.
    MapInvalid
        A field is wrong (an unknown role …); nothing is written.
    """
    role = role.lower() if isinstance(role, str) else role
    fields = {"id": id, "name": name, "role": role, **fields}
    return typing.cast(Stakeholder, add_item(path, "stakeholders", fields, timeout=timeout))


def add_factor(
    path: str | os.PathLike[str], id: str, name: str, *, timeout: float = 30.0, **fields: Any
) -> Factor:
    """Add a factor (an element of the key-factor model) to a map file."""
    fields = {"id": id, "name": name, **fields}
    return typing.cast(Factor, add_item(path, "factors", fields, timeout=timeout))


def _no_duplicate(rel: dict[str, Any]) -> _Check:
    ends = (str(rel["from"]), str(rel["to"]), str(rel["kind"]))

    def check(data: dict[str, Any]) -> None:
        same = [
            i
            for i, r in enumerate(data.get("relationships") or [])
            if isinstance(r, dict)
            and (str(r.get("from")), str(r.get("to")), str(r.get("kind"))) == ends
        ]
        rels = data["relationships"]
        if len(same) > 1 and not all(rels[i].get("id") is not None for i in same):
            old = rels[same[0]]
            name = f"'{old['id']}'" if old.get("id") else f"{ends[0]}->{ends[1]}:{ends[2]}"
            raise EditError(
                f"the map already has a {ends[2]} relationship from '{ends[0]}' to "
                f"'{ends[1]}' ({name}) — change it with 'sysmap set MAP {name.strip(chr(39))} "
                "FIELD VALUE', add what someone said about it with 'sysmap add evidence', "
                "or give both an --id if they are two views of one link",
                where=f"{ends[0]}->{ends[1]}:{ends[2]}",
            )

    return check


def add_relationship(
    path: str | os.PathLike[str],
    source: str,
    target: str,
    kind: str,
    *,
    timeout: float = 30.0,
    **fields: Any,
) -> Relationship:
    """Add a relationship from ``source`` to ``target`` to a map file.

    A second relationship with the same ends and kind is refused: one
    relationship carries all its evidence (add more with :func:`add_to`).

    Parameters
    ----------
    path : the map file
    source, target : stakeholder or factor ids
    kind : a core kind (serves, funds, refers, informs, feedback …) or a declared one;
        any letter case
    **fields : strength, trust, direction, polarity, status, power={...}, evidence=[...] …

    Raises
    ------
    EditError
        The same relationship exists already.
    MapInvalid
        An unknown id or kind, or a bad value; nothing is written.
    """
    kind = kind.lower() if isinstance(kind, str) else kind
    plain = _prepare(Relationship, {"from": source, "to": target, "kind": kind, **fields})
    added = _append_item(path, "relationships", plain, timeout, (_no_duplicate(plain),))
    return typing.cast(Relationship, added)


# ---------------------------------------------------------------- removing


def _involving(data: dict[str, Any], ident: str) -> tuple[list[int], list[int]]:
    rels = [
        i
        for i, r in enumerate(data.get("relationships") or [])
        if isinstance(r, dict) and ident in (str(r.get("from")), str(r.get("to")))
    ]
    loops = [
        i
        for i, lp in enumerate(data.get("loops") or [])
        if isinstance(lp, dict) and ident in [str(x) for x in lp.get("path") or []]
    ]
    return rels, loops


def _drop_id(node: Any, ident: str) -> None:
    """Take a removed stakeholder out of a role's accepted_by and an assessment's results."""
    acc = node.get("accepted_by")
    if isinstance(acc, list) and ident in acc:
        acc.remove(ident)
    for key in ("results", "charter_status"):
        rows = node.get(key)
        if isinstance(rows, list):
            for i in reversed(range(len(rows))):
                if isinstance(rows[i], dict) and str(rows[i].get("stakeholder")) == ident:
                    _delete(rows, i)


def _involving_quickly(doc: _Doc, ident: str) -> tuple[list[int], list[int]] | None:
    """The relationships and loops that involve ``ident``, from a search of the text
    (None when the text cannot be searched that way)."""
    froms, tos = _ids_in(doc, "from", ident), _ids_in(doc, "to", ident)
    if froms is None or tos is None:
        return None
    rels = sorted({i for _, i in froms + tos})
    loops = [
        i
        for i in range(doc.count("loops"))
        if ident in [str(x) for x in doc.item("loops", i).get("path") or []]
    ]
    return rels, loops


def _cascade(doc: _Doc, ident: str, cascade: bool) -> list[str]:
    found = _involving_quickly(doc, ident)
    rels, loops = found if found is not None else _involving(doc.all_data(), ident)
    if (rels or loops) and not cascade:
        raise EditError(
            f"'{ident}' is in {len(rels)} relationship(s) and {len(loops)} "
            "loop(s) — remove those first, or use --cascade to remove them too",
            where=ident,
        )
    removed = []
    for section, indices in (("relationships", rels), ("loops", loops)):
        for i in reversed(indices):
            removed.append(f"{_noun(section)}: {_label(doc.item(section, i))}")
            doc.delete(section, i)
    for section in ("guiding_team", "assessments"):
        for i in range(doc.count(section)):
            node = doc.item(section, i)
            if isinstance(node, dict) and ident in json.dumps(node, default=str):
                doc.update(section, i, lambda n: _drop_id(n, ident))
    return removed


def remove(
    path: str | os.PathLike[str],
    target: str,
    *,
    cascade: bool = False,
    field: str | None = None,
    entry: int | str | None = None,
    timeout: float = 30.0,
) -> list[str]:
    """Remove an item by id (a stakeholder, factor, relationship, loop, outcome,
    measure, indicator, guiding-team role, scenario, assessment, kind), or one
    entry of a list inside it.

    A relationship without an id is named ``FROM->TO``, ``FROM->TO:KIND``, or
    ``FROM->TO:KIND#N`` for the N-th of several alike.

    Parameters
    ----------
    cascade : also remove the relationships and loops that involve a removed
        stakeholder or factor (and its guiding-team roles and assessment results);
        without it such a removal is refused.
    field, entry : remove only entry ``entry`` of the list ``field`` of the item:
        a number counts from 1 (``values``, ``evidence``, ``results``), text is the
        value to remove (``accepted_by``, ``tags``, ``path``).

    Returns
    -------
    list of str
        What was removed, one line each.
    """

    def change(edit: _Edit) -> list[str]:
        section, index = _find(edit.doc, target)
        item = edit.doc.item(section, index)
        if field is not None:
            return [edit.doc.update(section, index, lambda n: _remove_entry(n, field, entry))]
        removed = [f"{_noun(section)}: {_label(item)}"]
        if section in ("stakeholders", "factors"):
            removed += _cascade(edit.doc, str(item.get("id")), cascade)
        edit.doc.delete(section, index)
        return removed

    result: list[str] = _apply(path, change, timeout)
    return result


def _remove_entry(node: Any, field: str, entry: int | str | None) -> str:
    *parents, last = [p for p in field.split(".") if p]
    for part in parents:
        node = node.get(part) if isinstance(node, dict) else None
    values = node.get(last) if isinstance(node, dict) else None
    if not isinstance(values, list) or not values:
        raise EditError(f"'{field}' is not a list with entries here", where=field)
    if isinstance(entry, int) or (
        isinstance(entry, str) and entry.isdigit() and entry not in values
    ):
        n = int(entry)
        if not 1 <= n <= len(values):
            raise EditError(
                f"{field} has {len(values)} entries — give a number from 1 to {len(values)}",
                where=field,
            )
        gone = values[n - 1]
        _delete(values, n - 1)
    elif entry in values:
        gone = entry
        values.remove(entry)
    else:
        shown = ", ".join(str(v) for v in values if not isinstance(v, dict))
        raise EditError(
            f"'{entry}' is not in {field}"
            + (f" ({shown})" if shown else f" — give its number, 1 to {len(values)}"),
            where=field,
        )
    return f"{field}: {json.dumps(_plain(gone), ensure_ascii=False) if isinstance(gone, dict) else gone}"


# ---------------------------------------------------------------- setting


def _field_info(model: Any, parts: list[str]) -> Any:
    """The pydantic field at a dotted path of a model, or None."""
    info = None
    for part in parts:
        fields = getattr(model, "model_fields", None)
        if not fields:
            return None
        info = fields.get(part) or next((f for f in fields.values() if f.alias == part), None)
        if info is None:
            return None
        model = info.annotation
        for arg in typing.get_args(model):
            if hasattr(arg, "model_fields"):
                model = arg
    return info


def _is_list(model: Any, parts: list[str]) -> bool:
    info = _field_info(model, parts)
    if info is None:
        return False
    ann = info.annotation
    options = (
        typing.get_args(ann)
        if typing.get_origin(ann) in (typing.Union, type(int | None))
        else (ann,)
    )
    return any(typing.get_origin(a) is list for a in options)


def set_field(
    path: str | os.PathLike[str],
    target: str,
    field: str,
    value: Any = None,
    *,
    unset: bool = False,
    append: bool = False,
    timeout: float = 30.0,
) -> None:
    """Change one field of an item, or of the map itself (target ``map``).

    ``field`` may be dotted to reach inside (``attributes.age_group``,
    ``power.amount``). A list field (``accepted_by``, ``tags``, ``path`` …)
    takes a list or a single value (a list of one); with ``append=True`` the
    value or values are added to the list instead. With ``unset=True`` the
    field is removed.

    Raises
    ------
    EditError
        The target is not found.
    MapInvalid
        The new value is not allowed; nothing is written.
    """
    parts = [p for p in field.split(".") if p]
    if not parts:
        raise EditError("name a field to set, e.g. power or attributes.age_group")

    def assign(node: Any, listed: bool) -> None:
        for part in parts[:-1]:
            if not isinstance(node.get(part), dict):
                if unset:
                    return
                node[part] = commented_map({})
            node = node[part]
        last = parts[-1]
        new = [value] if listed and not isinstance(value, list) else value
        if unset:
            node.pop(last, None)
        elif append:
            if not listed:
                raise EditError(f"'{field}' is not a list — set it without --append", where=field)
            old = node.get(last)
            if not isinstance(old, list):
                node[last] = old = _new_seq()
            old.extend(commented_map(v) if isinstance(v, dict) else v for v in new)
        else:
            node[last] = commented_map(new) if isinstance(new, dict) else _new_value(new)

    def change(edit: _Edit) -> None:
        if target == "map":
            listed = _is_list(SystemMap, parts)
            edit.doc.update_root(parts[0], lambda root: assign(root, listed))
            return
        section, index = _find(edit.doc, target)
        edit.doc.update(
            section, index, lambda node: assign(node, _is_list(item_model(section), parts))
        )

    _apply(path, change, timeout)


def _new_value(value: Any) -> Any:
    if isinstance(value, list):
        seq = _new_seq()
        seq.extend(commented_map(v) if isinstance(v, dict) else _whole(v) for v in value)
        return seq
    return _whole(value)


def add_to(
    path: str | os.PathLike[str],
    target: str,
    field: str,
    entry: Any,
    *,
    timeout: float = 30.0,
) -> None:
    """Add one entry to a list inside an item: a measure's ``values``, a
    relationship's ``evidence``, an assessment's ``results``, a role's
    ``responsibilities`` or ``accepted_by`` …

    Example
    -------
    >>> add_to("map.yaml", "pit-count", "values", {"date": "2026-01-29", "value": 1240})  # doctest: +SKIP
    """
    set_field(path, target, field, entry, append=True, timeout=timeout)


# ---------------------------------------------------------------- renaming

_REF_VALUES = {"from", "to", "owner", "asserted_by", "stakeholder", "outcome", "based_on"}
_REF_LISTS = {"path", "accepted_by", "measures"}
_REF_KEYS = {"hold", "proficiency"}


def _mentions(node: Any, old: str, kind: bool) -> bool:
    """Whether one item refers to ``old`` (where :func:`_rename_in` would change it)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if (key in _REF_VALUES or (kind and key == "kind")) and value == old:
                return True
            if key in _REF_LISTS and isinstance(value, list) and old in value:
                return True
            if key in _REF_KEYS and isinstance(value, dict) and old in value:
                return True
            if isinstance(value, (dict, list)) and _mentions(value, old, kind):
                return True
    elif isinstance(node, list):
        return any(_mentions(v, old, kind) for v in node)
    return False


def _rename_in(node: Any, old: str, new: str, kind: bool) -> None:
    """Replace references to ``old`` inside one item."""
    if isinstance(node, dict):
        for key in list(node.keys()):
            value = node[key]
            if (key in _REF_VALUES or (kind and key == "kind")) and value == old:
                node[key] = new
            elif key in _REF_LISTS and isinstance(value, list) and old in value:
                for i, v in enumerate(value):
                    if v == old:
                        value[i] = new
            elif key in _REF_KEYS and isinstance(value, dict) and old in value:
                position = list(value.keys()).index(old)
                moved = value.pop(old)
                if hasattr(value, "insert"):
                    value.insert(position, new, moved)
                else:
                    value[new] = moved
            if isinstance(node[key], (dict, list)):
                _rename_in(node[key], old, new, kind)
    elif isinstance(node, list):
        for v in node:
            _rename_in(v, old, new, kind)


def rename(path: str | os.PathLike[str], old: str, new: str, *, timeout: float = 30.0) -> list[str]:
    """Give an item a new id and update every reference to it: relationships'
    ends, loops' paths, guiding-team roles, assessment results, change owners,
    evidence, measures' outcomes, scenarios, relationship kinds.

    Returns
    -------
    list of str
        What changed, one line per item.

    Example
    -------
    >>> rename("map.yaml", "coc-board", "continuum-board")  # doctest: +SKIP
    """

    def change(edit: _Edit) -> list[str]:
        section, index = _find(edit.doc, old)
        data = edit.doc.all_data()
        edit.doc.update(section, index, lambda n: n.__setitem__("id", new))
        edit.checks.append(_unique_id(section, new))
        done = [f"{_noun(section)}: {old} -> {new}"]
        is_kind = section == "kinds"
        for name in SECTIONS:
            for i, item in enumerate(data.get(name) or []):
                if isinstance(item, dict) and _mentions(item, old, is_kind):
                    edit.doc.update(name, i, lambda n: _rename_in(n, old, new, is_kind))
                    done.append(f"{_noun(name)}: {_label(item)}")
        if str(data.get("based_on")) == old:
            edit.doc.update_root("based_on", lambda root: root.__setitem__("based_on", new))
        return done

    result: list[str] = _apply(path, change, timeout)
    return result
