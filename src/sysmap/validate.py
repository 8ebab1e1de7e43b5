"""Validating maps: field rules, references between parts, and warnings.

Every problem in a file is collected and reported together. Errors make a map
invalid; warnings (a map with no beneficiaries, say) do not.
"""

from __future__ import annotations

import os
import types
import typing
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pydantic
from pydantic import BaseModel

from sysmap.errors import MapFileError, MapInvalid
from sysmap.mapfile import MapFormat, detect_format, locate, parse_text, read_text
from sysmap.model import CORE_KINDS, ROLES, SystemMap
from sysmap.problems import PathPart, Problem, ValidationReport, did_you_mean, one_of

__all__ = [
    "validate_file",
    "validate_text",
    "validate_data",
    "check_references",
    "load_map",
    "loads_map",
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
    problems: list[Problem] = []
    model: SystemMap | None = None
    if not isinstance(data, dict):
        problems.append(
            Problem(
                f"a map must be a block of fields (id, title, stakeholders …), "
                f"not {_kind_of(data)}",
                code="not-a-map",
            )
        )
    else:
        try:
            model = SystemMap.model_validate(data)
        except pydantic.ValidationError as exc:
            problems.extend(_from_pydantic(exc, data))
        problems.extend(check_references(data))
        if model is not None and any(p.severity == "error" for p in problems):
            model = None
    for p in problems:
        p.file = file
    if text is not None and problems:
        lines = locate(text, [p.path for p in problems])
        for p in problems:
            p.line = lines.get(tuple(p.path))
    problems.sort(key=lambda p: (p.severity != "error", p.line or 0))
    return ValidationReport(file, problems), model


# ---------------------------------------------------------------- pydantic


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
        return f"the number {value}"
    return f"'{value}'"


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


def _model_at(path: list[PathPart]) -> type[BaseModel] | None:
    """The model class that holds the field at the end of ``path``."""
    model: type[BaseModel] | None = SystemMap
    for part in path[:-1]:
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


def _normalise(loc: tuple[Any, ...], data: Any) -> tuple[list[PathPart], bool]:
    """Drop pydantic's type tags (``str``, ``function-before[…]``) from a loc."""
    path: list[PathPart] = []
    node = data
    tagged = False
    for i, part in enumerate(loc):
        if isinstance(node, dict) and part in node:
            path.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
        elif isinstance(node, dict) and i == len(loc) - 1 and isinstance(part, str):
            path.append(part)  # a missing field
        else:
            tagged = True
    return path, tagged


def _from_pydantic(exc: pydantic.ValidationError, data: Any) -> list[Problem]:
    problems: dict[tuple[PathPart, ...], Problem] = {}
    for err in exc.errors(include_url=False):
        path, tagged = _normalise(err["loc"], data)
        key = tuple(path)
        if tagged and err["type"] == "string_type" and err["loc"][-1] == "str":
            # the plain-text branch of "text or block" fields; the other branch speaks
            problems.setdefault(key, Problem(_message(err, path), list(path), code=err["type"]))
            continue
        existing = problems.get(key)
        if existing is not None and existing.code != "string_type":
            continue
        problems[key] = Problem(_message(err, path), list(path), code=err["type"])
    return list(problems.values())


def _message(err: Any, path: list[PathPart]) -> str:
    etype: str = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    name = next((p for p in reversed(path) if isinstance(p, str)), "value")
    if etype == "literal_error":
        choices = [c.strip("'") for c in _split_expected(ctx.get("expected", ""))]
        if name == "sysmap":
            return (
                f"this file is format version {value!r}; this sysmap reads version 1 "
                "— upgrade sysmap or fix 'sysmap: 1'"
            )
        if value is None:
            return f"{name} is empty — use {one_of(choices)}"
        if isinstance(value, (list, dict)):
            return f"{name} must be one of {one_of(choices)}, not {_kind_of(value)}"
        guess = did_you_mean(str(value), choices)
        hint = f" (did you mean '{guess}'?)" if guess else ""
        return f"unknown {name} '{value}' — use {one_of(choices)}{hint}"
    if etype == "extra_forbidden":
        model = _model_at(path)
        allowed = _field_names(model) if model else []
        guess = did_you_mean(str(name), allowed)
        if guess:
            return f"unknown field '{name}' — did you mean '{guess}'?"
        tail = " or put free values under 'attributes'" if "attributes" in allowed else ""
        return f"unknown field '{name}' — remove it{tail}"
    if etype == "missing":
        return f"missing required field '{name}'"
    if etype == "string_pattern_mismatch":
        if name == "kind" or path[:1] == ["kinds"]:
            return (
                f"'{value}' is not a valid kind name — use lower-case letters, "
                "digits and '_' (e.g. shares_data)"
            )
        return (
            f"'{value}' is not a valid id — use letters, digits, '-', '_', '.' or "
            "':' with no spaces (e.g. street-outreach)"
        )
    if etype in ("string_too_short", "too_short"):
        if name == "path":
            return (
                "a loop path needs at least two elements and a return to the "
                "first, e.g. [a, b, a]"
            )
        if etype == "string_too_short":
            return f"{name} must not be empty"
        return f"{name} needs at least {ctx.get('min_length')} item(s)"
    if etype in ("string_too_long",):
        return f"{name} is too long (at most {ctx.get('max_length')} characters)"
    if etype in ("greater_than_equal", "greater_than"):
        return f"{value} is below the lowest allowed {name} ({ctx.get('ge', ctx.get('gt'))})" + _range_hint(name)
    if etype in ("less_than_equal", "less_than"):
        return f"{value} is above the highest allowed {name} ({ctx.get('le', ctx.get('lt'))})" + _range_hint(name)
    if etype in ("int_parsing", "int_type", "int_from_float"):
        return f"{name} must be a whole number, not {_kind_of(value)}" + _range_hint(name)
    if etype in ("float_parsing", "float_type", "finite_number"):
        return f"{name} must be a number, not {_kind_of(value)}" + _range_hint(name)
    if etype in ("bool_parsing", "bool_type"):
        return f"{name} must be true or false, not {_kind_of(value)}"
    if etype.startswith("date") or etype.startswith("datetime"):
        return f"{name} must be a date like 2026-01-31, not {_kind_of(value)}"
    if etype in ("model_type", "dict_type", "model_attributes_type"):
        return f"{name} must be a block of fields (key: value), not {_kind_of(value)}"
    if etype in ("list_type", "tuple_type"):
        return f"{name} must be a list (lines starting with '- '), not {_kind_of(value)}"
    if etype == "string_type":
        return f"{name} must be text, not {_kind_of(value)}"
    return f"{name}: {err.get('msg', 'invalid value')}"


def _split_expected(expected: str) -> list[str]:
    return [p.strip() for p in expected.replace(" or ", ", ").split(",") if p.strip()]


def _range_hint(name: str) -> str:
    if name in ("power", "interest", "strength", "trust", "amount"):
        return " — use 0 (none) to 5 (very high)"
    return ""


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
    the map-level warnings (no beneficiaries, no lived experience …).
    """
    out: list[Problem] = []

    def err(msg: str, path: list[PathPart], code: str) -> None:
        out.append(Problem(msg, path, code=code))

    def warn(msg: str, path: list[PathPart], code: str) -> None:
        out.append(Problem(msg, path, severity="warning", code=code))

    # duplicate ids: stakeholders and factors share one namespace
    for sections in (("stakeholders", "factors"), ("relationships",), ("loops",),
                     ("guiding_team",), ("outcomes",), ("measures",),
                     ("indicators",), ("assessments",), ("kinds",)):
        seen: dict[str, tuple[str, int]] = {}
        for section in sections:
            for i, item in _items(data, section):
                ident = item.get("id")
                if not isinstance(ident, (str, int)):
                    continue
                ident = str(ident)
                if ident in seen:
                    first_section, first = seen[ident]
                    err(
                        f"duplicate id '{ident}' (first used at "
                        f"$.{first_section}[{first}]) — give each one its own id",
                        [section, i, "id"],
                        "duplicate-id",
                    )
                else:
                    seen[ident] = (section, i)

    stakeholders = _ids(data, "stakeholders")
    elements = stakeholders | _ids(data, "factors")
    factors = set(_ids(data, "factors"))
    kinds = set(CORE_KINDS) | set(_ids(data, "kinds"))
    measures = set(_ids(data, "measures"))
    outcomes = set(_ids(data, "outcomes"))

    def unknown(ident: Any, path: list[PathPart], what: str, pool: set[str] | dict[str, int], add: str) -> None:
        if ident is None or not isinstance(ident, (str, int)) or str(ident) in pool:
            return
        guess = did_you_mean(str(ident), list(pool))
        hint = f"did you mean '{guess}'?" if guess else add
        err(f"unknown {what} '{ident}' — {hint}", path, "unknown-id")

    edges: set[tuple[str, str]] = set()
    polarity: dict[tuple[str, str], str] = {}
    for i, rel in _items(data, "relationships"):
        src, dst = rel.get("from"), rel.get("to")
        unknown(src, ["relationships", i, "from"], "stakeholder or factor", elements,
                "add it under stakeholders or factors first")
        unknown(dst, ["relationships", i, "to"], "stakeholder or factor", elements,
                "add it under stakeholders or factors first")
        if src is not None and src == dst:
            err(f"a relationship from '{src}' to itself — point it at another stakeholder",
                ["relationships", i, "to"], "self-relationship")
        kind = rel.get("kind")
        if isinstance(kind, str):
            norm = kind.strip().lower().replace(" ", "_").replace("-", "_")
            if norm and norm not in kinds and _valid_kind_name(norm):
                guess = did_you_mean(norm, sorted(kinds))
                hint = f"did you mean '{guess}'? Or" if guess else "use a core kind or"
                err(f"unknown kind '{kind}' — {hint} declare it under 'kinds:'",
                    ["relationships", i, "kind"], "unknown-kind")
        if isinstance(src, str) and isinstance(dst, str):
            edges.add((src, dst))
            if str(rel.get("direction", "")).lower() in ("mutual", "two-way"):
                edges.add((dst, src))
            pol = rel.get("polarity")
            if pol is not None:
                polarity[(src, dst)] = str(pol)
            elif src in factors and dst in factors:
                warn("a causal link between factors has no polarity — set polarity: "
                     "'+' or '-' so its loops can be classified",
                     ["relationships", i], "no-polarity")
        for j, ev in enumerate(rel.get("evidence") or [] if isinstance(rel.get("evidence"), list) else []):
            if isinstance(ev, dict):
                by = ev.get("asserted_by")
                if by is not None and str(by) not in stakeholders and str(by) not in ROLES:
                    guess = did_you_mean(str(by), list(stakeholders) + list(ROLES))
                    hint = f"did you mean '{guess}'?" if guess else (
                        f"use a stakeholder id or a role group ({one_of(ROLES)})")
                    err(f"unknown asserted_by '{by}' — {hint}",
                        ["relationships", i, "evidence", j, "asserted_by"], "unknown-id")
        change = rel.get("change")
        if isinstance(change, dict):
            unknown(change.get("owner"), ["relationships", i, "change", "owner"],
                    "owner", stakeholders, "use a stakeholder id")
            ms = change.get("measures")
            if isinstance(ms, list):
                for j, m in enumerate(ms):
                    unknown(m, ["relationships", i, "change", "measures", j], "measure",
                            measures, "add it under measures")

    for i, loop in _items(data, "loops"):
        path = loop.get("path")
        if not isinstance(path, list) or len(path) < 2:
            continue
        bad = False
        for j, ident in enumerate(path):
            if isinstance(ident, (str, int)) and str(ident) not in elements:
                unknown(ident, ["loops", i, "path", j], "stakeholder or factor", elements,
                        "add it under stakeholders or factors first")
                bad = True
        if path[0] != path[-1]:
            err(f"the loop does not close: it starts at '{path[0]}' and ends at "
                f"'{path[-1]}' — end the path with '{path[0]}'",
                ["loops", i, "path"], "open-loop")
            continue
        if bad:
            continue
        product = 1
        signed = True
        for j in range(len(path) - 1):
            a, b = str(path[j]), str(path[j + 1])
            if (a, b) not in edges:
                err(f"no relationship from '{a}' to '{b}' backs this loop — add one "
                    "or fix the path", ["loops", i, "path", j + 1], "loop-not-backed")
                signed = False
            elif (a, b) in polarity:
                product *= -1 if polarity[(a, b)] in ("-", "negative", "opposite") else 1
            else:
                signed = False
        declared = loop.get("type")
        if signed and declared in ("reinforcing", "balancing"):
            actual = "reinforcing" if product > 0 else "balancing"
            if actual != declared:
                warn(f"declared {declared}, but its link polarities make it {actual}",
                     ["loops", i, "type"], "loop-type")

    for i, role in _items(data, "guiding_team"):
        acc = role.get("accepted_by")
        if isinstance(acc, list):
            for j, ident in enumerate(acc):
                unknown(ident, ["guiding_team", i, "accepted_by", j], "stakeholder",
                        stakeholders, "use a stakeholder id")
    for i, m in _items(data, "measures"):
        unknown(m.get("outcome"), ["measures", i, "outcome"], "outcome", outcomes,
                "add it under outcomes")
    for i, a in _items(data, "assessments"):
        items = {str(it.get("id")) for _, it in _items(a, "items")}
        scale = a.get("scale", [0, 2])
        low, high = (scale if isinstance(scale, list) and len(scale) == 2 else (None, None))
        for j, res in _items(a, "results"):
            unknown(res.get("stakeholder"), ["assessments", i, "results", j, "stakeholder"],
                    "stakeholder", stakeholders, "use a stakeholder id")
            scores = res.get("scores")
            if not isinstance(scores, dict):
                continue
            for item, score in scores.items():
                if str(item) not in items:
                    unknown(item, ["assessments", i, "results", j, "scores", item],
                            "checklist item", items, "use an item id of this assessment")
                elif (isinstance(score, (int, float)) and isinstance(low, (int, float))
                      and isinstance(high, (int, float)) and not low <= score <= high):
                    err(f"score {score} is outside this checklist's scale {low}–{high}",
                        ["assessments", i, "results", j, "scores", item], "score-range")

    # map-level warnings
    roles = Counter(str(s.get("role")) for _, s in _items(data, "stakeholders"))
    if roles["beneficiary"] == 0:
        warn("no beneficiary voice in this map — add the people the system serves "
             "(role: beneficiary)", ["stakeholders"], "no-beneficiaries")
    if roles["provider"] == 0:
        warn("no providers in this map — add who serves the system (role: provider)",
             ["stakeholders"], "no-providers")
    if roles["leader"] == 0:
        warn("no leaders in this map — add who can change the system (role: leader)",
             ["stakeholders"], "no-leaders")
    if stakeholders and not any(s.get("lived_experience") is True for _, s in _items(data, "stakeholders")):
        warn("no stakeholder brings lived experience — mark them with "
             "lived_experience: true", ["stakeholders"], "no-lived-experience")
    if data.get("stage") == "redesign" and not data.get("based_on"):
        warn("a redesign should name the map it comes from — set based_on",
             ["stage"], "no-based-on")
    return out


def _valid_kind_name(name: str) -> bool:
    return name.replace("_", "").isalnum() and name[:1].isalpha() and name.islower()
