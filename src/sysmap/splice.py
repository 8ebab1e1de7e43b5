"""Where each part of a block-style YAML map is in its text, to change a few lines.

An edit of a big hand-written map changes one item; parsing the whole file
with a comment-keeping parser and writing it all out again costs seconds and
gigabytes at 60,000 relationships. This module finds, with regular
expressions over the text, each top-level key's lines and each list item's
lines, so that an edit can replace just those lines. Everything it cannot be
sure of (flow-style lists, a key it does not recognise at the left margin) is
refused with :class:`NotSpliceable`, and the caller falls back to the full
round trip; the caller also checks the result against a parse of the new
text.

Example
-------
>>> layout = Layout("id: demo\\nstakeholders:\\n  # who\\n  - id: a\\n    name: A\\n  - id: b\\n")
>>> layout.section("stakeholders").count()
2
>>> layout.section("stakeholders").item_text(1)
'  - id: b\\n'
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "NotSpliceable",
    "Block",
    "Section",
    "Layout",
    "TextDocument",
    "split_document",
    "item_mapping_text",
    "dedent",
    "indent",
]

# Patterns start with a line end rather than "^" with re.M: Python's regular
# expressions scan for a leading literal quickly, but try "^" at every
# character (ten times slower on a 24 MB map).
_TOP_KEY = re.compile(r"\n([A-Za-z_][\w-]*)[ \t]*:(?=[ \t\n])([^\n]*)")
_COLUMN0 = re.compile(r"\n[^\s#]")
_COLUMN0_DASH = re.compile(r"\n-(?=[ \t\n])")
_MARKER_LINE = re.compile(r"\n(---|\.\.\.)([ \t][^\n]*)?(?=\n|$)")


class NotSpliceable(Exception):
    """The text is not laid out in a way this module can change safely."""


def _only_comments(lines: list[str]) -> bool:
    return all(not ln.strip() or ln.lstrip().startswith("#") for ln in lines)


def split_document(text: str) -> tuple[str, str, str]:
    """Split a YAML file into what comes before its map, the map, and what follows.

    The prologue is leading comments, directives and the ``---`` line; the
    epilogue is a closing ``...`` (or a trailing ``---``) and the comments after
    it. Both are kept as they are by every edit.

    >>> split_document("# top\\n---\\nid: x\\n...\\n# end\\n")
    ('# top\\n---\\n', 'id: x\\n', '...\\n# end\\n')
    """
    start = 0
    for m in re.finditer(r"^[^\n]*(?:\n|$)", text, re.M):
        line = m.group(0)
        stripped = line.strip()
        if m.start() >= len(text):
            break
        if not stripped or stripped.startswith("#") or line.startswith("%"):
            continue
        if line.startswith("---") and (not line[3:].strip() or line[3:].strip().startswith("#")):
            start = m.end()
        break
    end = len(text)
    marker = _MARKER_LINE.search(text, max(start - 1, 0))
    if marker is not None:
        tail = (marker.group(2) or "").strip()
        rest = text[marker.end() :].splitlines()
        if (not tail or tail.startswith("#")) and _only_comments(rest):
            end = marker.start() + 1
    return text[:start], text[start:end], text[end:]


def dedent(text: str, n: int) -> str:
    """Remove up to ``n`` leading spaces from every line."""
    if n <= 0:
        return text
    out = []
    for line in text.splitlines(keepends=True):
        spaces = len(line) - len(line.lstrip(" "))
        out.append(line[min(spaces, n) :])
    return "".join(out)


def indent(text: str, first: str, rest: str) -> str:
    """Prefix the first line with ``first`` and every other non-empty line with ``rest``."""
    lines = text.splitlines(keepends=True)
    out = [first + lines[0]] if lines else []
    out.extend(rest + ln if ln.strip() else ln for ln in lines[1:])
    return "".join(out)


def _content_end(text: str, start: int, end: int) -> int:
    """The end of the last line in ``text[start:end]`` that is neither blank nor a comment."""
    pos = end
    while pos > start:
        line_start = text.rfind("\n", start, pos - 1) + 1
        if line_start < start:
            line_start = start
        stripped = text[line_start:pos].strip()
        if stripped and not stripped.startswith("#"):
            return pos
        pos = line_start
    return start


def _line_end(text: str, pos: int) -> int:
    nl = text.find("\n", pos)
    return len(text) if nl < 0 else nl + 1


@dataclass
class Block:
    """One top-level key: its line, its value's lines, and the comments after them."""

    key: str
    start: int  #: offset of the key's line
    content_end: int  #: end of its last line that is not a comment
    end: int  #: start of the next top-level key (or of the text's end)
    rest: str  #: what follows ``key:`` on its line

    def inline_value(self) -> str:
        """The value written on the key's line, without an end-of-line comment."""
        value = self.rest.strip()
        if value.startswith("#"):
            return ""
        return re.sub(r"\s+#.*$", "", value)


@dataclass
class Section:
    """A top-level list written in block style: one item per ``- `` line at one indent."""

    text: str
    block: Block
    dash: int  #: the column of the items' dashes
    key_column: int  #: the column of the items' keys
    starts: list[int] = field(default_factory=list)
    _ends: dict[int, int] = field(default_factory=dict)

    def count(self) -> int:
        """How many items the list has."""
        return len(self.starts)

    def end(self, index: int) -> int:
        """The end of an item's last line that is not a comment (worked out when asked)."""
        if index not in self._ends:
            start = self.starts[index]
            nxt = self.starts[index + 1] if index + 1 < len(self.starts) else self.block.content_end
            self._ends[index] = max(
                _content_end(self.text, start, nxt), _line_end(self.text, start)
            )
        return self._ends[index]

    def item_text(self, index: int) -> str:
        """The lines of one item, without the comments that follow it."""
        return self.text[self.starts[index] : self.end(index)]

    def index_at(self, offset: int) -> int | None:
        """The item whose lines hold ``offset``, if any."""
        i = bisect.bisect_right(self.starts, offset) - 1
        if i >= 0 and offset < self.end(i):
            return i
        return None


class Layout:
    """The top-level keys and block lists of a map's text (the part between markers)."""

    def __init__(self, text: str) -> None:
        self.text = text
        lined = "\n" + text  # so that the first line starts with a line end too
        matches = list(_TOP_KEY.finditer(lined))
        column0 = len(_COLUMN0.findall(lined)) - len(_COLUMN0_DASH.findall(lined))
        if column0 != len(matches):
            raise NotSpliceable("a line at the left margin is not a simple key")
        self.blocks: dict[str, Block] = {}
        for i, m in enumerate(matches):
            start = m.start()  # the key's line, in ``text``
            end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
            value_start = _line_end(text, start)
            content_end = max(_content_end(text, value_start, end), value_start)
            if m.group(1) in self.blocks:
                raise NotSpliceable(f"the key {m.group(1)} appears twice")
            self.blocks[m.group(1)] = Block(m.group(1), start, content_end, end, m.group(2))
        self._sections: dict[str, Section | None] = {}

    def keys(self) -> list[str]:
        """The top-level keys in file order."""
        return list(self.blocks)

    def section(self, key: str) -> Section | None:
        """The block list under ``key``; None when the key is missing or its list is empty.

        Raises
        ------
        NotSpliceable
            The value is not a block list (a flow list, a mapping …).
        """
        if key not in self._sections:
            self._sections[key] = self._scan(key)
        return self._sections[key]

    def _scan(self, key: str) -> Section | None:
        block = self.blocks.get(key)
        if block is None:
            return None
        value = block.inline_value()
        if value in ("[]", "~", "null"):
            return None
        if value:
            raise NotSpliceable(f"{key} is not written as a block list")
        body_start = _line_end(self.text, block.start)
        first = re.compile(r"^( *)(\S)", re.M).search(self.text, body_start, block.content_end)
        while first is not None and first.group(2) == "#":
            first = re.compile(r"^( *)(\S)", re.M).search(
                self.text, _line_end(self.text, first.start()), block.content_end
            )
        if first is None:
            return None
        if first.group(2) != "-":
            raise NotSpliceable(f"{key} is not a list")
        dash = len(first.group(1))
        item = re.compile(rf"\n {{{dash}}}-(?=[ \t\n])([ \t]*)")
        found = list(item.finditer(self.text, first.start() - 1, block.content_end))
        if not found:
            raise NotSpliceable(f"no items found under {key}")
        after = found[0].group(1)
        if "\t" in after or not after:
            raise NotSpliceable(f"the first item of {key} has no key on its dash line")
        return Section(
            self.text, block, dash, dash + 1 + len(after), [m.start() + 1 for m in found]
        )


# ---------------------------------------------------------------- changing items


def item_mapping_text(item: str) -> tuple[str, str, int]:
    """An item's lines as a mapping at the left margin, its dash prefix and key column.

    >>> item_mapping_text("  - id: a\\n    name: A\\n")
    ('id: a\\nname: A\\n', '  - ', 4)
    """
    m = re.match(r"( *-[ \t]*)", item)
    if m is None or "\n" in m.group(1):
        raise NotSpliceable("an item does not start with '- '")
    column = m.end()
    first, _, rest = item.partition("\n")
    if not first[column:].strip() or first[column:].lstrip().startswith("#"):
        raise NotSpliceable("an item has no key on its dash line")
    return first[column:] + "\n" + dedent(rest, column), item[:column], column


class TextDocument:
    """A map's text with a few items replaced, removed or appended.

    Items are addressed by section and position, as in the parsed data. The
    new text is built by :meth:`render`; :meth:`verify` compares the parts it
    changed (and their neighbours) with a parse of that text.
    """

    def __init__(self, body: str, load: Callable[[str], Any]) -> None:
        self.layout = Layout(body)
        self._load = load  # parse YAML text into plain data
        self._entries: dict[str, list[tuple[str, Any]]] = {}
        self._appended: dict[str, list[str]] = {}
        self._replaced: dict[str, dict[int, str]] = {}
        self._roots: dict[str, str] = {}
        self._checks: list[tuple[str, int, Any]] = []
        self._parsed: dict[tuple[str, int], Any] = {}

    # reading
    def entries(self, section: str) -> list[tuple[str, Any]]:
        """The section's items now: ``("orig", index in file)`` or ``("new", text)``."""
        if section not in self._entries:
            found = self.layout.section(section)
            self._entries[section] = [("orig", i) for i in range(found.count() if found else 0)]
        return self._entries[section]

    def original(self, section: str, index: int) -> Any:
        """The parsed data of the item at ``index`` in the file as it was."""
        key = (section, index)
        if key not in self._parsed:
            found = self.layout.section(section)
            assert found is not None
            text, _, _ = item_mapping_text(found.item_text(index))
            self._parsed[key] = self._load(text)
        return self._parsed[key]

    def item(self, section: str, position: int) -> Any:
        """The parsed data of the item now at ``position``."""
        kind, ref = self.entries(section)[position]
        if kind == "orig":
            return self.original(section, ref)
        return self._load(item_mapping_text(ref)[0])

    def item_text(self, section: str, position: int) -> str:
        """The lines of the item now at ``position``."""
        kind, ref = self.entries(section)[position]
        if kind == "orig":
            found = self.layout.section(section)
            assert found is not None
            return found.item_text(ref)
        return str(ref)

    # changing
    def replace(self, section: str, position: int, text: str) -> None:
        """Put new lines in place of the item at ``position``."""
        entries = self.entries(section)
        kind, ref = entries[position]
        if kind == "orig":
            self._replaced.setdefault(section, {})[ref] = text
        else:
            self._appended[section][self._appended[section].index(ref)] = text
        entries[position] = ("new", text)
        self._checks.append((section, position, None))

    def delete(self, section: str, position: int) -> None:
        """Remove the item at ``position`` (the comments around it stay)."""
        entries = self.entries(section)
        kind, ref = entries.pop(position)
        if kind == "orig":
            self._replaced.setdefault(section, {})[ref] = ""
        else:
            self._appended[section].remove(ref)
        self._checks = [(s, p - (s == section and p > position), x) for s, p, x in self._checks]
        self._checks.append((section, position, "deleted"))

    def append(self, section: str, text: str) -> None:
        """Add an item (its lines, already indented) at the end of a section."""
        self._appended.setdefault(section, []).append(text)
        self.entries(section).append(("new", text))
        self._checks.append((section, len(self.entries(section)) - 1, None))

    def set_root(self, key: str, text: str) -> None:
        """Replace a top-level key's lines (``""`` removes the key)."""
        self._roots[key] = text

    def dash_prefix(self, section: str) -> tuple[str, int]:
        """The prefix of a new item's first line and the column of its keys."""
        found = self.layout.section(section)
        if found is None:
            return "  - ", 4
        _, prefix, column = item_mapping_text(found.item_text(0))
        return prefix, column

    # writing
    def render(self, order: list[str]) -> str:
        """The new text. ``order`` is the canonical order of top-level keys,
        used to place a section or key the file does not have yet."""
        text = self.layout.text
        cuts: list[tuple[int, int, str]] = []
        for section in set(self._replaced) | set(self._appended):
            cuts.extend(self._section_cuts(section, order))
        for key, new in self._roots.items():
            block = self.layout.blocks.get(key)
            if block is not None:
                cuts.append((block.start, block.content_end, new))
            else:
                cuts.append((self._insertion_point(key, order), -1, new))
        out, pos = [], 0
        for start, end, new in sorted(cuts, key=lambda c: (c[0], c[1])):
            end = start if end < 0 else end
            if start < pos:
                raise NotSpliceable("two changes overlap")
            out.append(text[pos:start])
            out.append(new)
            pos = end
        out.append(text[pos:])
        return "".join(out)

    def _section_cuts(self, section: str, order: list[str]) -> list[tuple[int, int, str]]:
        found = self.layout.section(section)
        added = "".join(self._appended.get(section, []))
        cuts = []
        if found is not None:
            for ref, new in self._replaced.get(section, {}).items():
                cuts.append((found.starts[ref], found.end(ref), new))
            if added:
                cuts.append((found.end(found.count() - 1), -1, added))
            elif not self._entries.get(section):  # the last item went: "key: []"
                comment = re.search(r"\s#.*$", found.block.rest)
                head = f"{section}: []{comment.group(0) if comment else ''}\n"
                start = found.block.start
                cuts.append((start, _line_end(self.layout.text, start), head))
            return cuts
        if not added:
            return cuts
        block = self.layout.blocks.get(section)
        if block is not None:  # "key: []" or "key:" with nothing under it
            comment = re.search(r"\s#.*$", block.rest)
            head = f"{section}:{comment.group(0) if comment else ''}\n"
            return [(block.start, _line_end(self.layout.text, block.start), head + added)]
        return [(self._insertion_point(section, order), -1, f"{section}:\n{added}")]

    def _insertion_point(self, key: str, order: list[str]) -> int:
        rank = {k: i for i, k in enumerate(order)}
        before = [
            b for b in self.layout.blocks.values() if rank.get(b.key, len(order)) < rank.get(key, 0)
        ]
        if before:
            point = max(b.content_end for b in before)
        elif self.layout.blocks:
            point = min(b.start for b in self.layout.blocks.values())
        else:
            point = len(self.layout.text)
        text = self.layout.text
        if point and text[point - 1 : point] != "\n":
            raise NotSpliceable("no line end before the insertion point")
        return point

    def verify(self, data: Any, expected_keys: set[str]) -> None:
        """Check a parse of the new text against what was meant to change.

        Raises
        ------
        NotSpliceable
            Some part of the new text does not read back as intended.
        """
        if not isinstance(data, dict) or set(data) != expected_keys:
            raise NotSpliceable("the top-level keys changed")
        for key, new in self._roots.items():
            want = self._load(new) if new.strip() else {}
            if (key in data) != (key in want) or data.get(key) != want.get(key):
                raise NotSpliceable(f"{key} did not read back as written")
        for section, entries in self._entries.items():
            items = data.get(section) or []
            if not isinstance(items, list) or len(items) != len(entries):
                raise NotSpliceable(f"{section} has a different number of items than meant")
        for section, position, how in self._checks:
            entries = self._entries[section]
            around = (
                (position - 1, position)
                if how == "deleted"
                else (position - 1, position, position + 1)
            )
            for p in around:
                if 0 <= p < len(entries) and not self._reads_back(section, p, data[section][p]):
                    raise NotSpliceable(f"{section}[{p}] did not read back as written")

    def _reads_back(self, section: str, position: int, value: Any) -> bool:
        if value == self.item(section, position):
            return True
        # an untouched item whose last lines only look like comments (the end
        # of a literal block such as "  # not a comment"): its lines with them
        kind, ref = self.entries(section)[position]
        found = self.layout.section(section)
        if kind != "orig" or found is None:
            return False
        end = found.starts[ref + 1] if ref + 1 < found.count() else found.block.end
        text, _, _ = item_mapping_text(self.layout.text[found.starts[ref] : end])
        return bool(value == self._load(text))
