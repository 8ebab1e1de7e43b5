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

from sysmap.render import plural

__all__ = [
    "Problem",
    "ValidationReport",
    "path_to_str",
    "did_you_mean",
    "one_of",
    "cap_problems",
    "MAX_PER_KIND",
    "ITEM_NAMES",
    "shorten",
    "as_written",
]

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
                note += f" ({plural(sum(1 + p.more for p in self.warnings), 'warning')})"
            lines.append(note)
        else:
            lines.append(f"{self.file}: {plural(sum(1 + p.more for p in self.errors), 'error')}")
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


# ---------------------------------------------------------------- many problems

#: At most this many problems of one kind (the same check failing on the same
#: field of many items) are listed; the last one listed says how many more
#: there are: "(and 999,990 more like this)".
MAX_PER_KIND = 20

ProblemKind = tuple[str, str, tuple[str | None, ...]]


def problem_kind(p: Problem) -> ProblemKind:
    """What makes problems "alike": severity, code and the path with item indexes left out."""
    return p.severity, p.code, tuple(None if isinstance(x, int) else x for x in p.path)


def cap_problems(problems: list[Problem], per_kind: int = MAX_PER_KIND) -> list[Problem]:
    """The first ``per_kind`` problems of each kind, the last of them counting the rest.

    A kind is one check (the problem's code) on one field of any item of a
    list: ``missing`` at ``$.stakeholders[*].name``. The count goes in the
    last kept problem's ``more`` (which also adds up the ``more`` of any
    problem left out).

    Example
    -------
    >>> ps = [Problem("no name", ["stakeholders", i, "name"], code="missing") for i in range(5)]
    >>> [p.format() for p in cap_problems(ps, per_kind=2)]
    ['<map>: $.stakeholders[0].name: no name', '<map>: $.stakeholders[1].name: no name (and 3 more like this)']
    """
    kept: list[Problem] = []
    last: dict[ProblemKind, Problem] = {}
    seen: dict[ProblemKind, int] = {}
    for p in problems:
        key = problem_kind(p)
        n = seen.get(key, 0)
        seen[key] = n + 1
        if n < per_kind:
            kept.append(p)
            last[key] = p
        else:
            last[key].more += 1 + p.more
    return kept


# ---------------------------------------------------------------- words for messages

#: What one item of each list is called, in the domain's words.
ITEM_NAMES: dict[str, str] = {
    "stakeholders": "stakeholder",
    "factors": "factor",
    "relationships": "relationship",
    "loops": "feedback loop",
    "scenarios": "scenario",
    "guiding_team": "guiding-team role",
    "outcomes": "outcome",
    "measures": "measure",
    "indicators": "indicator",
    "assessments": "assessment",
    "items": "checklist item",
    "results": "assessment result",
    "values": "measure value",
    "disaggregations": "disaggregation",
    "evidence": "evidence entry",
    "kinds": "relationship kind",
    "responsibilities": "responsibility",
    "power": "relationship power",
    "change": "change",
}


def shorten(value: Any, limit: int = 60) -> str:
    """A value from the map as text for a message, cut short if long.

    Example
    -------
    >>> shorten("street-outreach"), shorten("x" * 80, limit=8)
    ('street-outreach', 'xxxxxxx…')
    """
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def as_written(value: Any) -> str:
    """A number from the map echoed as its author wrote it: ``2`` for 2.0, never rounded.

    Not a display format (that is :func:`sysmap.render.fmt_number`, which
    rounds): a message that quotes a score of 4.125 must say 4.125.

    Example
    -------
    >>> as_written(2.0), as_written(4.125), as_written("high")
    ('2', '4.125', 'high')
    """
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return shorten(value)
