"""A small, fast block-YAML writer for the shapes a map holds.

A map is dicts, lists and scalars (text, whole and decimal numbers, true/false,
null, dates). This writer lays them out as sysmap writes YAML by hand — block
style, two-space indent, lists indented under their key — and writes a text
*plain* only when no YAML reader could take it for anything but that text;
every other text is written double-quoted with JSON's escapes, which are valid
YAML. On a 60k-relationship map it takes 0.45 s of CPU where yaml_rs (a
general emitter, in Rust) took 1.5 s, and it needs no read-back check:
``tests/test_yaml_writer.py`` reads what it writes of hostile texts back with
two independent YAML readers.
"""

from __future__ import annotations

import gc
import json
import re
from datetime import date, datetime
from typing import Any

__all__ = ["UnwritableValue", "yaml_text"]


class UnwritableValue(TypeError):
    """A value this writer does not write (not finite, or of an unknown type)."""


# A text is written plain only if it matches this: it starts with a letter, or
# with a digit and holds a space and a letter (no number, date or time YAML
# knows has a space without a colon), and holds only letters, digits, spaces
# and . , _ / ( ) ' - (no ': ', ' #', quote, flow or tag character), and does
# not end in a space. YAML words (true, no, null, ...) are excluded below.
_PLAIN = re.compile(r"(?:[^\W\d_]|\d(?=[^\n]*? )(?=[^\n]*?[^\W\d_]))[\w .,/()'-]*(?<! )")
_WORDS = frozenset(
    "y n yes no true false on off null ~ nan inf".split()
)  # compared in lower case: YAML 1.1 reads Yes, NO, Off ... as true/false
# characters YAML cannot hold raw in a quoted text, or reads as a line break
_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")


def _escape(hit: re.Match[str]) -> str:
    return f"\\u{ord(hit.group()):04x}"


def _text(s: str) -> str:
    if _PLAIN.fullmatch(s) and s.lower() not in _WORDS:
        return s
    quoted = json.dumps(s, ensure_ascii=False)
    return _UNSAFE.sub(_escape, quoted) if _UNSAFE.search(quoted) else quoted


def _number(x: float) -> str:
    if x != x or x in (float("inf"), float("-inf")):
        raise UnwritableValue(f"{x!r} is not a finite number")
    r = repr(x)
    if "e" in r and "." not in r:
        r = r.replace("e", ".0e")  # 1e+20 is text to a YAML 1.1 reader; 1.0e+20 is a number
    return r


class _Writer:
    """Writes one document; remembers each text's YAML form (ids repeat a lot)."""

    def __init__(self, whole: bool) -> None:
        self.lines: list[str] = []
        self.texts: dict[str | date, str] = {}
        self.prefixes: dict[str, dict[str, str]] = {}  # indent -> key -> "indent key: "
        self.whole = whole

    def scalar(self, value: Any) -> str:
        if isinstance(value, str):
            done = self.texts.get(value)
            if done is None:
                done = self.texts[value] = _text(value)
            return done
        if value is True:
            return "true"
        if value is False:
            return "false"
        if value is None:
            return "null"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            return str(int(value)) if self.whole and value.is_integer() else _number(value)
        if isinstance(value, date) and not isinstance(value, datetime):
            done = self.texts[value] = value.isoformat()
            return done
        raise UnwritableValue(f"cannot write {type(value).__name__} as YAML")

    def prefix(self, key: Any, indent: str) -> str:
        k = self.scalar(key)
        if len(k) > 1000:  # YAML caps a key written inline at 1024 characters
            raise UnwritableValue("a key over 1,000 characters long")
        return f"{indent}{k}: "

    def mapping(self, data: dict[Any, Any], indent: str) -> None:
        append, texts = self.lines.append, self.texts
        known = self.prefixes.setdefault(indent, {})
        inner = indent + "  "
        for key, value in data.items():
            p = known.get(key)  # only texts are kept: 1 and True are one key to a dict
            if p is None:
                p = self.prefix(key, indent)
                if type(key) is str:
                    known[key] = p
            kind = type(value)
            if kind is str or kind is date:  # never equal to each other: one cache
                v = texts.get(value)
                append(p + (v if v is not None else self.scalar(value)))
            elif kind is int:
                append(p + str(value))
            elif kind is bool:
                append(p + ("true" if value else "false"))
            elif kind is float:
                whole = self.whole and value.is_integer()
                append(p + (str(int(value)) if whole else _number(value)))
            elif kind is dict and value:
                append(p[:-1])
                self.mapping(value, inner)
            elif kind is list and value:
                append(p[:-1])
                self.sequence(value, inner)
            else:
                append(p + (self.empty(value) or self.scalar(value)))

    def sequence(self, items: list[Any], indent: str) -> None:
        out, texts = self.lines, self.texts
        inner, dash = indent + "  ", indent + "- "
        for item in items:
            kind = type(item)
            if kind is str:
                v = texts.get(item)
                out.append(dash + (v if v is not None else self.scalar(item)))
            elif (kind is dict or kind is list) and item:
                start = len(out)
                if kind is dict:
                    self.mapping(item, inner)
                else:
                    self.sequence(item, inner)
                out[start] = dash + out[start][len(inner) :]
            else:
                out.append(dash + (self.empty(item) or self.scalar(item)))

    @staticmethod
    def empty(value: Any) -> str:
        if isinstance(value, (dict, list)):
            if value:  # a subclass of dict or list: the careful writer decides
                raise UnwritableValue(f"cannot write {type(value).__name__} as YAML")
            return "{}" if isinstance(value, dict) else "[]"
        return ""


def yaml_text(data: dict[Any, Any], whole: bool = False) -> str:
    """Block YAML text of a dict of plain data.

    Parameters
    ----------
    data
        Dicts, lists, text, numbers, booleans, None and dates, in file order.
    whole
        Write a float that is a whole number as one (``strength: 3``), as
        people type it; it reads back as an int, equal to the float.

    Returns
    -------
    str
        The text, ending in a newline; an empty dict is ``{}``.

    Raises
    ------
    UnwritableValue
        For NaN, infinity or a value of another type.

    Example
    -------
    >>> print(yaml_text({"id": "a", "tags": ["yes", "x"], "power": 2.5}), end="")
    id: a
    tags:
      - "yes"
      - x
    power: 2.5
    """
    if not data:
        return "{}\n"
    writer = _Writer(whole)
    enabled = gc.isenabled()
    gc.disable()  # lines are never cycles: collecting while adding a million costs 0.5 s
    try:
        writer.mapping(data, "")
    finally:
        if enabled:
            gc.enable()
    writer.lines.append("")
    return "\n".join(writer.lines)
