"""Map text made safe for where it goes: spreadsheets, Markdown, terminals.

A map's text is anyone's text. Each output medium has one function here,
used by every writer of that medium:

- :func:`spreadsheet_cell` — a CSV or spreadsheet cell never starts a
  formula: text starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
  return gets a leading ``'`` (the OWASP advice for CSV injection), and
  :func:`spreadsheet_value` takes it off again when a cell is read back, so
  a map goes out and comes back unchanged;
- :func:`markdown_text` — no markup, link or HTML in map text survives
  into Markdown;
- :func:`terminal_text` — control characters (colours, cursor moves, a
  terminal title …) and invisible direction overrides are shown as
  ``\\u001b``-style escapes instead of acting on the terminal (valid
  escapes in printed JSON too).

Example
-------
>>> spreadsheet_cell("=HYPERLINK(1)"), spreadsheet_value("'=HYPERLINK(1)")
("'=HYPERLINK(1)", '=HYPERLINK(1)')
>>> spreadsheet_cell("-3"), spreadsheet_cell("- a list item")
('-3', "'- a list item")
>>> markdown_text("<img src=x onerror=alert(1)> *hi*")
'&lt;img src=x onerror=alert(1)&gt; \\\\*hi\\\\*'
>>> terminal_text("Dana\\x1b[31m red")
'Dana\\\\u001b[31m red'
"""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "FORMULA_START",
    "spreadsheet_cell",
    "spreadsheet_value",
    "markdown_text",
    "markdown_cell",
    "terminal_text",
]

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_START: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
# first characters worth a closer look (one set lookup for almost every cell)
_FIRST = frozenset((*FORMULA_START, "'"))


def _needs_quote(text: str) -> bool:
    # a leading quote already there is quoted again, so reading back is exact
    rest = text.lstrip("'")
    return rest[:1] in FORMULA_START and not _NUMBER.match(rest)


def spreadsheet_cell(value: Any) -> Any:
    """A value for a CSV or spreadsheet cell that no spreadsheet runs as a formula.

    Text that would start a formula gets a leading ``'``; so does text that
    already starts with ``'`` before such a character, so that
    :func:`spreadsheet_value` restores every text exactly. Plain numbers
    (``-3``, ``+1.5``) and non-text values are left as they are.
    """
    if value.__class__ is str and value[:1] in _FIRST and _needs_quote(value):
        return "'" + value
    return value


def spreadsheet_value(value: Any) -> Any:
    """A cell's value as it was before :func:`spreadsheet_cell`."""
    if isinstance(value, str) and value[:1] == "'" and _needs_quote(value[1:]):
        return value[1:]
    return value


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#~])")
_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")


def markdown_text(text: Any) -> str:
    """Map text for Markdown: shown as written, never as markup.

    ``&``, ``<`` and ``>`` become entities (so no HTML tag, comment or entity
    survives), Markdown's punctuation is backslash-escaped (no emphasis,
    links, code or tables), and line breaks become spaces (no headings,
    lists or block quotes started inside the text).
    """
    s = "" if text is None else str(text)
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _BREAKS.sub(" ", s)
    return _MD_SPECIAL.sub(r"\\\1", s)


def markdown_cell(value: Any) -> str:
    """A Markdown table cell: :func:`markdown_text`, never empty."""
    return markdown_text(value) or " "


# C0 and C1 controls but tab and newline; DEL; bidirectional overrides and isolates
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _shown(match: re.Match[str]) -> str:
    # a \u escape with four hex digits reads the same in text and is valid inside printed JSON
    return f"\\u{ord(match.group(0)):04x}"


def terminal_text(text: str) -> str:
    """Text for a terminal: control characters shown as escapes, not obeyed."""
    return _CONTROL.sub(_shown, text)
