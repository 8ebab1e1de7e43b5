"""Validation problems: data, not crashes.

A :class:`Problem` says where (file, line, field path), what is wrong and what
to do. Validation collects every problem in a file and reports them together,
as text (``file:line: $.path: message``) or as JSON.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

__all__ = ["Problem", "ValidationReport", "path_to_str", "did_you_mean", "one_of"]

Severity = Literal["error", "warning"]
PathPart = str | int


def path_to_str(path: Sequence[PathPart]) -> str:
    """Render a field path as ``$.stakeholders[3].role``.

    Example
    -------
    >>> path_to_str(["stakeholders", 3, "role"])
    '$.stakeholders[3].role'
    >>> path_to_str([])
    '$'
    """
    out = "$"
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}"
    return out


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """The closest choice to a mistyped word, if one is close enough.

    Example
    -------
    >>> did_you_mean("benificiary", ["beneficiary", "provider", "leader"])
    'beneficiary'
    """
    matches = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


def one_of(choices: Sequence[str]) -> str:
    """``a, b or c`` for a short list of choices.

    Example
    -------
    >>> one_of(["beneficiary", "provider", "leader"])
    'beneficiary, provider or leader'
    """
    items = [str(c) for c in choices]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


@dataclass
class Problem:
    """One thing wrong (or worth a look) in a map file."""

    message: str
    path: list[PathPart] = field(default_factory=list)
    severity: Severity = "error"
    code: str = "invalid"
    file: str | None = None
    line: int | None = None
    column: int | None = None
    #: How many more problems like this one were found and not listed
    #: (the same check on the same field of other items).
    more: int = 0

    @property
    def where(self) -> str:
        """``file:line`` (or just the file) for the start of a message."""
        place = self.file or "<map>"
        if self.line is not None:
            place += f":{self.line}"
        return place

    def format(self) -> str:
        """``file:line: $.path: message`` (warnings say so)."""
        parts = [self.where]
        if self.path:
            parts.append(path_to_str(self.path))
        text = self.message if self.severity == "error" else f"warning: {self.message}"
        if self.more:
            text += f" (and {self.more:,} more like this)"
        parts.append(text)
        return ": ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """The problem as JSON-ready data, with the path rendered."""
        data = asdict(self)
        data["path"] = path_to_str(self.path)
        return data


@dataclass
class ValidationReport:
    """Every problem found in one map file."""

    file: str
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when the map has no errors (warnings are allowed)."""
        return not self.errors

    def format_text(self) -> str:
        lines = [p.format() for p in self.errors + self.warnings]
        if self.ok:
            note = f"{self.file}: valid"
            if self.warnings:
                n = sum(1 + p.more for p in self.warnings)
                note += f" ({n} warning{'s' if n != 1 else ''})"
            lines.append(note)
        else:
            n = sum(1 + p.more for p in self.errors)
            lines.append(f"{self.file}: {n:,} error{'s' if n != 1 else ''}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "valid": self.ok,
            "errors": [p.to_dict() for p in self.errors],
            "warnings": [p.to_dict() for p in self.warnings],
        }

    def format_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)
