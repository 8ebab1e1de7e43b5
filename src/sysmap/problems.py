"""Validation problems: data, not crashes.

A :class:`Problem` says where (file, line, field path), what is wrong and what
to do. Validation collects every problem in a file and reports them together,
as text (``file:line: $.path: message``) or as JSON.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from sysmap.render import plural

__all__ = [
    "PROBLEM_CODES",
    "FIELD_RULE_CODES",
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


# ---------------------------------------------------------------- problem codes

#: The field rules' codes: pydantic's names for its errors. Any other pydantic
#: error is given the code ``invalid``, so that the set stays closed.
_FIELD_RULES: dict[str, str] = {
    "missing": "a required field is not there",
    "extra_forbidden": "an unknown field (often a misspelt one)",
    "invalid_key": "a field name that is not a word (a number, a list …)",
    "literal_error": "a value not among the allowed words (role, kind, source …)",
    "string_type": "a field that must be text holds something else",
    "string_pattern_mismatch": "an id or a kind name with characters it cannot have",
    "string_too_short": "a text field is empty",
    "string_too_long": "a text field is longer than allowed",
    "too_short": "a list has too few items",
    "too_long": "a list has too many items",
    "greater_than": "a number at or below its lowest allowed value",
    "greater_than_equal": "a number below its lowest allowed value",
    "less_than": "a number at or above its highest allowed value",
    "less_than_equal": "a number above its highest allowed value",
    "int_type": "a field that must be a whole number holds something else",
    "int_parsing": "text where a whole number belongs",
    "int_from_float": "a fraction where a whole number belongs",
    "int_parsing_size": "a whole number too large to read",
    "float_type": "a field that must be a number holds something else",
    "float_parsing": "text where a number belongs",
    "finite_number": "a number that is infinite or not a number (.inf, .nan)",
    "bool_type": "a field that must be true or false holds something else",
    "bool_parsing": "text where true or false belongs",
    "date_type": "a field that must be a date holds something else",
    "date_parsing": "text that is not a date like 2026-01-31",
    "date_from_datetime_parsing": "text that is not a date like 2026-01-31",
    "date_from_datetime_inexact": "a date and time where a date alone belongs",
    "model_type": "an item that must be a block of fields holds something else",
    "model_attributes_type": "an item that must be a block of fields holds something else",
    "dict_type": "a field that must be a block of key: value lines holds something else",
    "list_type": "a field that must be a list holds something else",
    "tuple_type": "a field that must be a list holds something else",
    "value_error": "a value a field's own rule refuses (an attribute that is not finite …)",
}

#: Every code a problem can carry, with its meaning in one line. A closed set:
#: ``--format json`` users match on the codes, so they never change, and
#: ``docs/file-format.md`` lists the same codes (a test compares the two).
#: The field-rule codes keep pydantic's names for its errors.
PROBLEM_CODES: Mapping[str, str] = MappingProxyType(
    {
        # reading the file
        "unreadable": "the file cannot be read as a map: missing, too large, binary, not "
        "UTF-8, empty, or not valid YAML or JSON",
        "duplicate-key": "a key is given twice in one block (or two keys read as one, 1 and true)",
        "not-a-map": "the file holds a list or a single value, not a block of fields",
        "number-too-long": "a number of thousands of digits",
        **_FIELD_RULES,
        "invalid": "a value the field rules refuse for another reason",
        # references between the parts of a map
        "duplicate-id": "two items (or a stakeholder and a factor) share an id",
        "duplicate-relationship": "(warning) the same relationship twice, neither with an id",
        "unknown-id": "an id that names no stakeholder, factor, measure, outcome or item",
        "name-not-id": "a name written where its id belongs",
        "unknown-kind": "a relationship kind that is neither core nor declared under kinds",
        "self-relationship": "a relationship from a stakeholder or factor to itself",
        "weight-polarity": "a causal weight whose sign is against its polarity",
        "open-loop": "a feedback loop's path that does not end where it starts",
        "loop-not-backed": "a feedback loop step with no relationship behind it",
        "score-range": "an assessment score outside its checklist's scale",
        # map-level warnings
        "no-beneficiaries": "(warning) nobody with the role beneficiary",
        "no-providers": "(warning) nobody with the role provider",
        "no-leaders": "(warning) nobody with the role leader",
        "no-lived-experience": "(warning) no stakeholder marked lived_experience: true",
        "no-based-on": "(warning) a redesign that does not name the map it comes from",
        "no-polarity": "(warning) a causal link between factors without polarity",
        "loop-type": "(warning) a declared loop type its link polarities contradict",
        # other files sysmap reads
        "import": "a file to import (CSV, spreadsheet, GraphML …) that cannot be made a map",
        "not-a-checklist": "an assessment template that is not a checklist",
        "template-results": "an assessment template that holds results",
        "not-a-role": "a role archetype that is not a block of fields",
        "unknown-field": "an unknown field in a role archetype",
        "unknown-competency": (
            "a guiding-team role (in a map or a role archetype) names a competency that is "
            "not defined"
        ),
        "unknown-level": "a role archetype names a competency level that is not defined",
        "unknown-reference": (
            "a guiding-team role (in a map or a role archetype) refers to a responsibility "
            "that is not there"
        ),
    }
)
#: The codes of the field rules (pydantic's names for its errors).
FIELD_RULE_CODES: frozenset[str] = frozenset(_FIELD_RULES)


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
    "theory_of_execution": "step of the theory of execution",
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
