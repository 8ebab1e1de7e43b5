"""Validating maps: field rules, references between parts, and warnings.

Every problem in a file is collected and reported together. Errors make a map
invalid; warnings (a map with no beneficiaries, say) do not.
"""

from __future__ import annotations

import os
import re
import types
import typing
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pydantic
from pydantic import BaseModel

from sysmap._gc import gc_paused
from sysmap.errors import MapFileError, MapInvalid
from sysmap.mapfile import (
    TOO_LONG_NUMBER,
    MapFormat,
    detect_format,
    huge_number_path,
    locate,
    parse_text,
    read_text,
)
from sysmap.model import CORE_KINDS, ROLES, SystemMap
from sysmap.problems import PathPart, Problem, ValidationReport, did_you_mean, one_of

__all__ = [
    "validate_file",
    "validate_text",
    "validate_data",
    "check_references",
    "load_map",
    "loads_map",
    "cap_problems",
    "MAX_PER_KIND",
]


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
        report, model = validate_data(data, file=file, text=text)
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
        return validate_data(data, file=name, text=text)


def validate_data(
    data: Any, file: str = "<map>", text: str | None = None
) -> tuple[ValidationReport, SystemMap | None]:
    """Validate parsed map data.

    Returns the report and, when there are no errors, the map.
    ``text`` (the file's text) lets problems carry line numbers.
    """
    try:
        problems, model = check_data(data)
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


def check_data(data: Any) -> tuple[list[Problem], SystemMap | None]:
    """Field rules and references; the map when there are no errors."""
    if not isinstance(data, dict):
        return [Problem(_not_a_map(data), code="not-a-map")], None
    problems, model = _check_fields(data)
    # one message per field: a bad id is not also reported as unknown, but
    # "that is a name, use this id" says more than "not a valid id"
    refs = check_references(data)
    better = {tuple(p.path) for p in refs if p.code == "name-not-id"}
    problems = [p for p in problems if tuple(p.path) not in better]
    taken = {tuple(p.path) for p in problems}
    problems.extend(p for p in refs if tuple(p.path) not in taken)
    if any(p.severity == "error" for p in problems):
        model = None
    return problems, model


# ---------------------------------------------------------------- many problems

#: At most this many problems of one kind (the same check failing on the same
#: field of many items) are listed; the last one listed says how many more
#: there are: "(and 999,990 more like this)".
MAX_PER_KIND = 20
#: Lists longer than this are checked this many items at a time, so that a
#: file full of mistakes never holds all of pydantic's errors at once.
SLICE_ITEMS = 2000

_Kind = tuple[str, str, tuple[str | None, ...]]


def _kind(p: Problem) -> _Kind:
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
    last: dict[_Kind, Problem] = {}
    seen: dict[_Kind, int] = {}
    for p in problems:
        key = _kind(p)
        n = seen.get(key, 0)
        seen[key] = n + 1
        if n < per_kind:
            kept.append(p)
            last[key] = p
        else:
            last[key].more += 1 + p.more
    return kept


def _list_model(key: str) -> type[BaseModel] | None:
    """The item model of one of the map's lists (``stakeholders`` → Stakeholder)."""
    field = _field(SystemMap, key)
    if field is None or typing.get_origin(field.annotation) is not list:
        return None
    return _model_of(field.annotation)


def _check_fields(data: dict[str, Any]) -> tuple[list[Problem], SystemMap | None]:
    """pydantic's field rules, long lists a slice at a time (see :data:`SLICE_ITEMS`)."""
    big = {
        key: items
        for key, items in data.items()
        if isinstance(key, str)
        and isinstance(items, list)
        and len(items) > SLICE_ITEMS
        and _list_model(key) is not None
    }
    if not big:
        try:
            return [], SystemMap.model_validate(data)
        except pydantic.ValidationError as exc:
            return _from_pydantic(exc, data), None
    head = {key: ([] if key in big else value) for key, value in data.items()}
    problems: list[Problem] = []
    try:
        SystemMap.model_validate(head)
    except pydantic.ValidationError as exc:
        problems.extend(_from_pydantic(exc, head))
    checked: dict[str, list[Any]] = {}
    for key, items in big.items():
        checked[key] = _check_slices(key, items, problems)
    if problems:
        return problems, None
    # the items are models now; pydantic takes them as they are
    return [], SystemMap.model_validate({**data, **checked})


def _check_slices(key: str, items: list[Any], problems: list[Problem]) -> list[Any]:
    """Validate a long list a slice at a time; problems go to ``problems``, capped early.

    Only the first :data:`MAX_PER_KIND` errors of each kind are put into
    words (that is the slow part); the rest are counted on the last one.
    """
    model = _list_model(key)
    adapter: pydantic.TypeAdapter[list[Any]] = pydantic.TypeAdapter(list[model])  # type: ignore[valid-type]
    out: list[Any] = []
    seen: dict[tuple[Any, ...], int] = {}
    last: dict[tuple[Any, ...], tuple[PathPart, ...]] = {}
    extra: dict[tuple[PathPart, ...], int] = {}
    for start in range(0, len(items), SLICE_ITEMS):
        part = items[start : start + SLICE_ITEMS]
        try:
            out.extend(adapter.validate_python(part))
            continue
        except pydantic.ValidationError as exc:
            error = exc
        root = {key: part}
        lean = error.errors(include_url=False, include_context=False, include_input=False)
        # an error's kind: its type and its place in the item, item indexes left out
        raw = [(e["type"], e["loc"][1:]) for e in lean]
        kinds = {r: (r[0], *(None if isinstance(x, int) else x for x in r[1])) for r in set(raw)}
        keep: list[int] = []
        if all(seen.get(k, 0) >= MAX_PER_KIND for k in kinds.values()):
            # the usual case in a file full of one mistake: only count
            for kind, n in Counter(map(kinds.__getitem__, raw)).items():
                extra[last[kind]] = extra.get(last[kind], 0) + n
            continue
        for i, r in enumerate(raw):
            kind = kinds[r]
            n = seen.get(kind, 0)
            seen[kind] = n + 1
            if n < MAX_PER_KIND:
                keep.append(i)
                path, _ = _normalise((key, *lean[i]["loc"]), root, r[0])
                last[kind] = _shifted(path, start)
            else:
                extra[last[kind]] = extra.get(last[kind], 0) + 1
        if keep:
            full = error.errors(include_url=False)
            found = _from_errors([_under(key, full[i]) for i in keep], root)
            for p in found:
                p.path = list(_shifted(p.path, start))
            problems.extend(found)
    by_path = {tuple(p.path): p for p in problems}
    for place, n in extra.items():
        target = by_path.get(place) or by_path.get(place[:-1])
        if target is not None:
            target.more += n
    return out


def _under(key: str, err: Any) -> Any:
    return {**err, "loc": (key, *err["loc"])}


def _shifted(path: list[PathPart] | tuple[PathPart, ...], start: int) -> tuple[PathPart, ...]:
    """A path in a slice as a path in the whole list (the item index moved on by ``start``)."""
    out = list(path)
    if len(out) > 1 and isinstance(out[1], int):
        out[1] += start
    return tuple(out)


# ---------------------------------------------------------------- pydantic


def _not_a_map(data: Any) -> str:
    if isinstance(data, list):
        return (
            "the file holds a list, but a map is a block of fields (id, title, "
            "guiding_question, stakeholders …) — put lists under a field such as "
            "'stakeholders:'"
        )
    return (
        f"the file holds only {_kind_of(data)}, but a map is a block of fields "
        "(id: …, title: …, guiding_question: …) — start a map with 'sysmap init'"
    )


def _show(value: Any, limit: int = 60) -> str:
    """A value as text for a message, cut short if long."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _kind_of(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"'{str(value).lower()}' (true/false)"
    if isinstance(value, dict):
        return "a block of fields"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return f"the number {_num(value)}"
    return f"'{_show(value)}'"


def _num(value: Any) -> str:
    """``2`` for 2.0, ``2.5`` for 2.5; anything else as text."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _show(value)


#: What one item of each list is called, in the domain's words.
_ITEM_NAMES: dict[str, str] = {
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

#: What to write for a field that is missing, in plain words.
_FIELD_HINTS: dict[str, str] = {
    "id": "a short id such as street-outreach",
    "name": "the name shown on maps",
    "role": "beneficiary, provider or leader",
    "title": "a short name for the map, shown on every report",
    "guiding_question": "the question the guiding team is working to address",
    "from": "the id of the stakeholder or factor it starts at",
    "to": "the id of the stakeholder or factor it goes to",
    "kind": "e.g. serves, funds, refers, informs or feedback",
    "path": "the ids around the loop, ending where it starts, e.g. [a, b, a]",
    "source": "interview, survey, workshop, record, observation or document",
    "amount": "0 (none) to 5 (very high)",
    "text": "what the checklist asks, e.g. Shares data with partners",
    "items": "a list of checklist items, each with id and text",
    "scores": "item id: score",
    "stakeholder": "a stakeholder id",
    "date": "a date like 2026-01-31",
    "value": "a number",
    "by": "the attribute the values are broken down by",
    "values": "group: number",
}


#: Hints that depend on the list a field is in: (list, field) -> hint.
_OWNER_HINTS: dict[tuple[str | None, str], str] = {
    ("responsibilities", "text"): "what the role does, e.g. Keep two-way communication "
    "with the working group",
    ("guiding_team", "name"): "the role's name, e.g. Lived Experience Engagement Coordinator",
}


def _owner(path: list[PathPart]) -> str:
    """``this stakeholder``, ``this relationship``, ``the map`` … for a field path."""
    for i in range(len(path) - 2, -1, -1):
        part = path[i]
        if isinstance(part, str):
            noun = _ITEM_NAMES.get(part)
            if noun is None:
                return f"'{part}'"
            return f"this {noun}"
    return "the map"


def _item_noun(path: list[PathPart]) -> str | None:
    """The domain name of the list item at the end of ``path``, if it is one."""
    if len(path) >= 2 and isinstance(path[-1], int) and isinstance(path[-2], str):
        return _ITEM_NAMES.get(path[-2])
    return None


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _model_of(typing.get_args(annotation)[0])
    if origin in (list, typing.Union, types.UnionType, tuple):
        for arg in typing.get_args(annotation):
            found = _model_of(arg)
            if found is not None:
                return found
    return None


def _model_at(path: list[PathPart], depth: int = -1) -> type[BaseModel] | None:
    """The model class that holds the field at the end of ``path``.

    ``depth=0`` gives the model of the value at the end of ``path`` itself.
    """
    model: type[BaseModel] | None = SystemMap
    parts = path[:depth] if depth else path
    for part in parts:
        if isinstance(part, int) or model is None:
            continue
        field = _field(model, part)
        model = _model_of(field.annotation) if field is not None else None
    return model


def _field(model: type[BaseModel], name: str) -> Any:
    for fname, info in model.model_fields.items():
        if name in (fname, info.alias):
            return info
    return None


def _field_names(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _required_names(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items() if info.is_required()]


def _normalise(
    loc: tuple[Any, ...], data: Any, etype: str = "missing"
) -> tuple[list[PathPart], bool]:
    """Drop pydantic's type tags (``str``, ``function-before[…]``) from a loc.

    Keys of blocks become text, so a key ``1`` is ``$.scores.1``, not an index.
    Only a ``missing`` error ends at a field that is not in the data; at the
    end of any other loc such a name is a tag (``int``, the branch of a
    text-or-number attribute) and is dropped too.
    """
    path: list[PathPart] = []
    node = data
    tagged = False
    for i, part in enumerate(loc):
        if isinstance(node, dict) and part in node:
            path.append(part if isinstance(part, str) else str(part))
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
        elif (
            isinstance(node, dict)
            and i == len(loc) - 1
            and isinstance(part, str)
            and etype == "missing"
        ):
            path.append(part)  # a missing field
        else:
            tagged = True
    return path, tagged


def _from_pydantic(exc: pydantic.ValidationError, data: Any) -> list[Problem]:
    return _from_errors(exc.errors(include_url=False), data)


def _from_errors(errors: Any, data: Any) -> list[Problem]:
    problems: dict[tuple[PathPart, ...], Problem] = {}
    for err in errors:
        loc = err["loc"]
        text_branch = err["type"] == "string_type" and str(loc[-1]) in ("str", "constrained-str")
        path, tagged = _normalise(loc[:-1] if text_branch else loc, data, err["type"])
        key = tuple(path)
        if text_branch:
            # the plain-text branch of "text or block" fields; the other branch speaks
            problems.setdefault(key, Problem(_message(err, path), list(path), code=err["type"]))
            continue
        existing = problems.get(key)
        if existing is not None and existing.code != "string_type":
            continue
        problems[key] = Problem(_message(err, path), list(path), code=err["type"])
    # a misspelt field is one mistake: "unknown field 'txt' — did you mean 'text'?"
    # says all, so the "no text" problem it causes is not reported as well
    for k, p in list(problems.items()):
        if p.code == "extra_forbidden" and k and isinstance(k[-1], str):
            meant = re.search(r"did you mean '([^']+)'", p.message)
            if meant and problems.get((*k[:-1], meant.group(1)), p).code == "missing":
                del problems[(*k[:-1], meant.group(1))]
    # a block whose own fields are wrong: those problems say more than "must be text"
    deeper = {k[:n] for k in problems for n in range(len(k))}
    return [p for k, p in problems.items() if not (p.code == "string_type" and k in deeper and k)]


def _message(err: Any, path: list[PathPart]) -> str:
    etype: str = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    loc = err.get("loc") or ()
    name = str(next((p for p in reversed(path) if isinstance(p, str)), "value"))
    if len(path) >= 2 and path[-2] == "hold" and etype.startswith(("greater", "less")):
        name = "held value"  # a scenario's factor -> value
    if etype == "invalid_key":
        return (
            f"{_kind_of(value)} cannot be a field name — field names are words such "
            "as name or role; put the key in quotes or fix it"
        )
    if etype == "literal_error":
        return _literal_message(value, ctx, name)
    if etype == "extra_forbidden":
        if name == "<<":
            return "YAML merge keys ('<<') are not supported — write the fields out"
        model = _model_at(path)
        allowed = _field_names(model) if model else []
        guess = did_you_mean(name, allowed)
        if guess:
            return f"unknown field '{_show(name)}' — did you mean '{guess}'?"
        tail = " or put free values under 'attributes'" if "attributes" in allowed else ""
        return f"unknown field '{_show(name)}' — remove it{tail}"
    if etype == "missing":
        if loc and isinstance(loc[-1], int):
            if name == "scale":
                return "scale needs two numbers, the lowest and highest score, e.g. [0, 2]"
            return f"{name} has too few items"
        listed = next((p for p in reversed(path[:-1]) if isinstance(p, str)), None)
        hint = _OWNER_HINTS.get((listed, name)) or _FIELD_HINTS.get(name)
        tail = f" ({hint})" if hint else ""
        return f"{_owner(path)} has no {name.replace('_', ' ')} — add '{name}:'{tail}"
    parent = path[-2] if len(path) >= 2 else None
    if value is None and path and isinstance(path[-1], int):
        noun: str | None = _item_noun(path) or f"entry in {name}"
        return f"this {noun} is empty — fill it in or remove the empty '- ' line"
    if parent in ("attributes", "group") and etype.endswith(("_type", "_parsing")):
        return (
            f"the attribute '{_show(name)}' must be text, a number or true/false, "
            f"not {_kind_of(value)}"
        )
    if parent in ("scores", "values") and etype in ("float_type", "float_parsing"):
        what = "score" if parent == "scores" else "value"
        return f"the {what} for '{_show(name)}' must be a number, not {_kind_of(value)}"
    if value is None and etype not in ("none_required",):
        model = _model_at(path)
        field = _field(model, name) if model is not None else None
        if field is not None and field.is_required():
            hint = _FIELD_HINTS.get(name)
            return f"{name} is empty — fill it in" + (f" ({hint})" if hint else "")
        return f"{name} is empty — fill it in or remove the line"
    if etype == "string_pattern_mismatch":
        if name == "kind" or path[:1] == ["kinds"]:
            return (
                f"'{_show(value)}' is not a valid kind name — use lower-case letters, "
                "digits and '_' (e.g. shares_data)"
            )
        return (
            f"'{_show(value)}' is not a valid id — use letters, digits, '-', '_', '.' "
            "or ':' with no spaces (e.g. street-outreach)"
        )
    if etype in ("string_too_short", "too_short"):
        if name == "path":
            return (
                "a feedback loop's path needs at least two elements and a return to "
                "the first, e.g. [a, b, a]"
            )
        if etype == "string_too_short":
            return f"{name} is empty — fill it in"
        return f"{name} needs at least {ctx.get('min_length')} item(s)"
    if etype == "too_long" and name == "scale":
        return "scale needs two numbers, the lowest and highest score, e.g. [0, 2]"
    if etype in ("string_too_long", "too_long"):
        unit = "characters" if etype == "string_too_long" else "items"
        return f"{name} is too long (at most {ctx.get('max_length')} {unit})"
    if etype in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        if etype.startswith("greater"):
            bound, side = _num(ctx.get("ge", ctx.get("gt"))), "below the lowest"
        else:
            bound, side = _num(ctx.get("le", ctx.get("lt"))), "above the highest"
        return f"{_num(value)} is {side} allowed {name} ({bound})" + _range_hint(name)
    if etype in ("int_parsing", "int_type", "int_from_float", "int_parsing_size"):
        if name in _SCALE_NAMES:
            return f"{name} must be a whole number from 0 (none) to 5 (very high), not {_kind_of(value)}"
        return f"{name} must be a whole number, not {_kind_of(value)}"
    if etype in ("float_parsing", "float_type", "finite_number"):
        if name in _SCALE_NAMES:
            return f"{name} must be a number from 0 (none) to 5 (very high), not {_kind_of(value)}"
        return f"{name} must be a number, not {_kind_of(value)}"
    if etype in ("bool_parsing", "bool_type"):
        return f"{name} must be true or false, not {_kind_of(value)}"
    if etype.startswith("date") or etype.startswith("datetime"):
        return f"{name} must be a date like 2026-01-31 (year-month-day), not {_kind_of(value)}"
    if etype in ("model_type", "dict_type", "model_attributes_type"):
        noun = _item_noun(path)
        model = _model_at(path, depth=0)
        fields = _required_names(model) if model is not None else []
        shown = f" ({', '.join(fields)} …)" if fields else " (key: value lines)"
        if noun:
            return f"each {noun} must be a block of fields{shown}, not {_kind_of(value)}"
        return f"{name} must be a block of fields{shown}, not {_kind_of(value)}"
    if etype in ("list_type", "tuple_type"):
        return f"{name} must be a list (lines starting with '- '), not {_kind_of(value)}"
    if etype == "string_type":
        if path and isinstance(path[-1], int):
            return f"each entry in {name} must be text, not {_kind_of(value)}"
        if name == "text":
            return f"text must be plain words, not {_kind_of(value)}"
        return f"{name} must be text, not {_kind_of(value)}"
    return f"{name}: {err.get('msg', 'invalid value')}"


_SCALE_NAMES = frozenset({"power", "interest", "strength", "trust", "amount"})


def _range_hint(name: str) -> str:
    if name == "weight":
        return " — a causal weight runs from -1 to 1; for 0 to 5 use strength"
    if name == "held value":
        return " — hold factors at 0 to 1 (or -1 to 1 with tanh or trivalent squashing)"
    return " — use 0 (none) to 5 (very high)" if name in _SCALE_NAMES else ""


def _literal_message(value: Any, ctx: dict[str, Any], name: str) -> str:
    choices = [c.strip("'") for c in _split_expected(str(ctx.get("expected", "")))]
    if value is None or value == "":
        return f"{name} is empty — use {one_of(choices)}"
    if name == "sysmap":
        return (
            f"this file is format version {_show(value)}, but this sysmap reads version 1 "
            "— upgrade sysmap, or set 'sysmap: 1' if the number is a mistake"
        )
    if isinstance(value, (list, dict)):
        return f"{name} must be one of {one_of(choices)}, not {_kind_of(value)}"
    if name == "polarity":
        return (
            f"unknown polarity '{_show(value)}' — use '+' (both move the same way) or "
            "'-' (they move in opposite ways)"
        )
    if name == "direction":
        return f"unknown direction '{_show(value)}' — use one-way, or mutual (both ways)"
    guess = did_you_mean(str(value), choices)
    hint = f" (did you mean '{guess}'?)" if guess else ""
    return f"unknown {name} '{_show(value)}' — use {one_of(choices)}{hint}"


def _split_expected(expected: str) -> list[str]:
    return [p.strip() for p in expected.replace(" or ", ", ").split(",") if p.strip()]


# ---------------------------------------------------------------- references


def _items(data: dict[str, Any], key: str) -> Iterator[tuple[int, dict[str, Any]]]:
    seq = data.get(key)
    if isinstance(seq, list):
        for i, item in enumerate(seq):
            if isinstance(item, dict):
                yield i, item


def _ids(data: dict[str, Any], key: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for i, item in _items(data, key):
        ident = item.get("id")
        if isinstance(ident, (str, int)) and str(ident) not in out:
            out[str(ident)] = i
    return out


def check_references(data: dict[str, Any]) -> list[Problem]:
    """Check how the parts of a map refer to each other, on raw map data.

    Works on data whose fields may be wrong, so that reference problems are
    reported alongside field problems. Covers duplicate ids, unknown
    stakeholders, kinds, measures and items, relationships to themselves, and
    declared loops that do not close or are not backed by relationships; adds
    the map-level warnings (no beneficiaries, no lived experience …). At most
    :data:`MAX_PER_KIND` problems of one kind are listed; the last of them
    counts the rest in its ``more``.
    """
    out: list[Problem] = []
    listed: dict[_Kind, list[Problem]] = {}

    def add(problem: Problem) -> None:
        # at most MAX_PER_KIND of a kind are kept; the last one counts the rest
        same = listed.setdefault(_kind(problem), [])
        if len(same) < MAX_PER_KIND:
            same.append(problem)
            out.append(problem)
        else:
            same[-1].more += 1

    def err(msg: str, path: list[PathPart], code: str) -> None:
        add(Problem(msg, path, code=code))

    def warn(msg: str, path: list[PathPart], code: str) -> None:
        add(Problem(msg, path, severity="warning", code=code))

    # duplicate ids: stakeholders and factors share one namespace
    for sections in (
        ("stakeholders", "factors"),
        ("relationships",),
        ("loops",),
        ("scenarios",),
        ("guiding_team",),
        ("outcomes",),
        ("measures",),
        ("indicators",),
        ("assessments",),
        ("kinds",),
    ):
        seen: dict[str, tuple[str, int]] = {}
        for section in sections:
            for i, item in _items(data, section):
                ident = item.get("id")
                if not isinstance(ident, (str, int)):
                    continue
                ident = str(ident)
                if ident in seen:
                    first_section, first = seen[ident]
                    noun = _ITEM_NAMES.get(section, section)
                    first_noun = _ITEM_NAMES.get(first_section, first_section)
                    where = f"$.{first_section}[{first}]"
                    if first_section == section:
                        msg = (
                            f"two {noun}s have the id '{_show(ident)}' (the first is "
                            f"{where}) — give each {noun} its own id"
                        )
                    else:
                        msg = (
                            f"this {noun} has the id '{_show(ident)}', already used by "
                            f"the {first_noun} {where} — stakeholders and factors "
                            "need different ids"
                        )
                    err(msg, [section, i, "id"], "duplicate-id")
                else:
                    seen[ident] = (section, i)

    # the same relationship twice: one relationship carries all its evidence
    alike: dict[tuple[str, str, str], list[int]] = {}
    # (two with ids are two views of one link, e.g. the providers' and the
    # lived-experience view; without ids they cannot be told apart)
    for i, item in _items(data, "relationships"):
        ends = (str(item.get("from")), str(item.get("to")), str(item.get("kind")))
        alike.setdefault(ends, []).append(i)
    rels: list[Any] = data.get("relationships") or []
    for (a, b, how), found in alike.items():
        for n, i in enumerate(found[1:], 2):
            if rels[i].get("id") is not None and rels[found[0]].get("id") is not None:
                continue
            warn(
                f"a second {how} relationship from '{_show(a)}' to '{_show(b)}' (the "
                f"first is $.relationships[{found[0]}]) — keep one and move its evidence "
                f"there (sysmap remove MAP '{a}->{b}:{how}#{n}'), or give both an id "
                "if they are two views of one link",
                ["relationships", i],
                "duplicate-relationship",
            )

    stakeholders = _ids(data, "stakeholders")
    elements = stakeholders | _ids(data, "factors")
    factors = set(_ids(data, "factors"))
    kinds = set(CORE_KINDS) | set(_ids(data, "kinds"))
    measures = set(_ids(data, "measures"))
    outcomes = set(_ids(data, "outcomes"))

    # ids by name, to catch "from: Street outreach" written for "from: outreach"
    names: dict[str, tuple[str, str]] = {}
    for section in ("stakeholders", "factors", "outcomes", "measures"):
        for _, item in _items(data, section):
            name, ident = item.get("name"), item.get("id")
            if isinstance(name, str) and isinstance(ident, (str, int)):
                names.setdefault(name.strip().casefold(), (str(ident), _ITEM_NAMES[section]))

    def unknown(
        ident: Any, path: list[PathPart], what: str, pool: set[str] | dict[str, int], add: str
    ) -> None:
        if ident is None or not isinstance(ident, (str, int)) or str(ident) in pool:
            return
        named, noun = names.get(str(ident).strip().casefold(), (None, ""))
        if named is not None and named in pool:
            err(
                f"'{_show(ident)}' is a {noun}'s name — use its id here: {named}",
                path,
                "name-not-id",
            )
            return
        guess = did_you_mean(str(ident), list(pool))
        hint = f"did you mean '{guess}'?" if guess else add
        err(f"unknown {what} '{_show(ident)}' — {hint}", path, "unknown-id")

    edges: set[tuple[str, str]] = set()
    polarity: dict[tuple[str, str], str] = {}
    for i, rel in _items(data, "relationships"):
        # the model also accepts the field names source/target
        src_key = "from" if "from" in rel or "source" not in rel else "source"
        dst_key = "to" if "to" in rel or "target" not in rel else "target"
        src, dst = rel.get(src_key), rel.get(dst_key)
        for end, key in ((src, src_key), (dst, dst_key)):
            unknown(
                end,
                ["relationships", i, key],
                "stakeholder or factor",
                elements,
                "add it under stakeholders or factors, or fix the id",
            )
        if isinstance(src, (str, int)) and src == dst:
            err(
                f"a relationship cannot go from '{_show(src)}' to itself — point "
                f"'{dst_key}' at another stakeholder or factor",
                ["relationships", i, dst_key],
                "self-relationship",
            )
        kind = rel.get("kind")
        if isinstance(kind, str):
            norm = kind.strip().lower().replace(" ", "_").replace("-", "_")
            if norm and norm not in kinds and _valid_kind_name(norm):
                guess = did_you_mean(norm, sorted(kinds))
                hint = f"did you mean '{guess}'? Or" if guess else "use a core kind or"
                err(
                    f"unknown kind '{_show(kind)}' — {hint} declare it under 'kinds:'",
                    ["relationships", i, "kind"],
                    "unknown-kind",
                )
        if isinstance(src, str) and isinstance(dst, str):
            edges.add((src, dst))
            if str(rel.get("direction", "")).lower() in ("mutual", "two-way"):
                edges.add((dst, src))
            pol = rel.get("polarity")
            weight = rel.get("weight")
            if pol is not None:
                polarity[(src, dst)] = str(pol).strip().lower()
            if pol is not None and isinstance(weight, (int, float)) and weight:
                minus = str(pol).strip().lower() in ("-", "-1", "negative", "opposite", "o")
                if minus != (weight < 0):
                    err(
                        f"weight {_num(weight)} has the opposite sign to polarity "
                        f"'{_show(pol)}' — make them agree, or leave one out",
                        ["relationships", i, "weight"],
                        "weight-polarity",
                    )
            if pol is None and weight is None and src in factors and dst in factors:
                warn(
                    "a causal link between factors has no polarity — set polarity: "
                    "'+' or '-' so its loops can be classified",
                    ["relationships", i],
                    "no-polarity",
                )
        for j, ev in enumerate(
            rel.get("evidence") or [] if isinstance(rel.get("evidence"), list) else []
        ):
            if isinstance(ev, dict):
                by = ev.get("asserted_by")
                if by is not None and str(by) not in stakeholders and str(by) not in ROLES:
                    guess = did_you_mean(str(by), list(stakeholders) + list(ROLES))
                    hint = (
                        f"did you mean '{guess}'?"
                        if guess
                        else f"use a stakeholder's id, or {one_of(ROLES)}"
                    )
                    err(
                        f"asserted_by '{_show(by)}' is not a stakeholder id or role group — {hint}",
                        ["relationships", i, "evidence", j, "asserted_by"],
                        "unknown-id",
                    )
        change = rel.get("change")
        if isinstance(change, dict):
            unknown(
                change.get("owner"),
                ["relationships", i, "change", "owner"],
                "stakeholder",
                stakeholders,
                "a change's owner must be a stakeholder; use their id (add them "
                "under stakeholders first)",
            )
            ms = change.get("measures")
            if isinstance(ms, list):
                for j, m in enumerate(ms):
                    unknown(
                        m,
                        ["relationships", i, "change", "measures", j],
                        "measure",
                        measures,
                        "add it under measures",
                    )

    for i, loop in _items(data, "loops"):
        path = loop.get("path")
        if not isinstance(path, list) or len(path) < 2:
            continue
        if not all(isinstance(step, (str, int)) for step in path):
            continue  # the field rules report the odd step
        bad = False
        for j, ident in enumerate(path):
            if isinstance(ident, (str, int)) and str(ident) not in elements:
                unknown(
                    ident,
                    ["loops", i, "path", j],
                    "stakeholder or factor",
                    elements,
                    "add it under stakeholders or factors, or fix the id",
                )
                bad = True
        if path[0] != path[-1]:
            err(
                f"this feedback loop does not close: it starts at '{_show(path[0])}' "
                f"but ends at '{_show(path[-1])}' — end the path with '{_show(path[0])}'",
                ["loops", i, "path"],
                "open-loop",
            )
            continue
        if bad:
            continue
        product = 1
        signed = True
        for j in range(len(path) - 1):
            a, b = str(path[j]), str(path[j + 1])
            if (a, b) not in edges:
                err(
                    f"this feedback loop goes from '{_show(a)}' to '{_show(b)}', but no "
                    "relationship does — add that relationship or fix the loop's path",
                    ["loops", i, "path", j + 1],
                    "loop-not-backed",
                )
                signed = False
            elif (a, b) in polarity:
                negative = ("-", "-1", "negative", "opposite", "o")
                product *= -1 if polarity[(a, b)] in negative else 1
            else:
                signed = False
        declared = loop.get("type")
        if signed and declared in ("reinforcing", "balancing"):
            actual = "reinforcing" if product > 0 else "balancing"
            if actual != declared:
                warn(
                    f"declared {declared}, but its link polarities make it {actual}",
                    ["loops", i, "type"],
                    "loop-type",
                )

    for i, scenario in _items(data, "scenarios"):
        hold = scenario.get("hold")
        for ident in hold if isinstance(hold, dict) else []:
            unknown(
                ident,
                ["scenarios", i, "hold", str(ident)],
                "factor",
                factors,
                "a scenario holds factors; use a factor's id",
            )

    for i, role in _items(data, "guiding_team"):
        acc = role.get("accepted_by")
        if isinstance(acc, list):
            for j, ident in enumerate(acc):
                unknown(
                    ident,
                    ["guiding_team", i, "accepted_by", j],
                    "stakeholder",
                    stakeholders,
                    "only stakeholders can take a guiding-team role; add them under "
                    "stakeholders or fix the id",
                )
    for i, measure in _items(data, "measures"):
        unknown(
            measure.get("outcome"),
            ["measures", i, "outcome"],
            "outcome",
            outcomes,
            "add it under outcomes",
        )
    for i, assessment in _items(data, "assessments"):
        items: set[str] = set()
        for j, it in _items(assessment, "items"):
            if not isinstance(it.get("id"), (str, int)):
                continue
            if str(it["id"]) in items:
                err(
                    f"two checklist items have the id '{_show(it['id'])}' — give each item "
                    "its own id, so that scores name one item",
                    ["assessments", i, "items", j, "id"],
                    "duplicate-id",
                )
            items.add(str(it["id"]))
        scale = assessment.get("scale", [0, 2])
        low, high = scale if isinstance(scale, list) and len(scale) == 2 else (None, None)
        for j, res in _items(assessment, "results"):
            unknown(
                res.get("stakeholder"),
                ["assessments", i, "results", j, "stakeholder"],
                "stakeholder",
                stakeholders,
                "name the organisation scored by its stakeholder id, and add it to the "
                "stakeholders if it is missing",
            )
            scores = res.get("scores")
            if not isinstance(scores, dict):
                continue
            for item, score in scores.items():
                if str(item) not in items:
                    unknown(
                        str(item),
                        ["assessments", i, "results", j, "scores", str(item)],
                        "checklist item",
                        items,
                        "use an item id of this assessment",
                    )
                elif (
                    isinstance(score, (int, float))
                    and not isinstance(score, bool)
                    and isinstance(low, (int, float))
                    and isinstance(high, (int, float))
                    and not low <= score <= high
                ):
                    lo, hi = _num(low), _num(high)
                    err(
                        f"score {_num(score)} is outside this checklist's scale {lo} to "
                        f"{hi} — use a score from {lo} to {hi}, or change the "
                        "assessment's scale",
                        ["assessments", i, "results", j, "scores", str(item)],
                        "score-range",
                    )

    # map-level warnings
    roles = Counter(str(s.get("role")) for _, s in _items(data, "stakeholders"))
    if roles["beneficiary"] == 0:
        warn(
            "no beneficiary voice in this map — add the people the system serves "
            "(role: beneficiary)",
            ["stakeholders"],
            "no-beneficiaries",
        )
    if roles["provider"] == 0:
        warn(
            "no providers in this map — add who serves the system (role: provider)",
            ["stakeholders"],
            "no-providers",
        )
    if roles["leader"] == 0:
        warn(
            "no leaders in this map — add who can change the system (role: leader)",
            ["stakeholders"],
            "no-leaders",
        )
    if stakeholders and not any(
        s.get("lived_experience") is True for _, s in _items(data, "stakeholders")
    ):
        warn(
            "no stakeholder brings lived experience — mark them with lived_experience: true",
            ["stakeholders"],
            "no-lived-experience",
        )
    if data.get("stage") == "redesign" and not data.get("based_on"):
        warn(
            "a redesign should name the map it comes from — set based_on", ["stage"], "no-based-on"
        )
    return out


def _valid_kind_name(name: str) -> bool:
    return name.replace("_", "").isalnum() and name[:1].isalpha() and name.islower()
