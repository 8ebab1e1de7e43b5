"""The field rules of a map, put into words a map's author can act on.

pydantic checks each field against the model (:mod:`sysmap.model`); this
module turns its errors into problems with a field path and a message that
says what to do, adds the reference checks (:mod:`sysmap.references`) and
caps long runs of one mistake. It works on parsed data; reading files is
:mod:`sysmap.mapfile`'s part.
"""

from __future__ import annotations

import re
import types
import typing
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pydantic
from pydantic import BaseModel

from sysmap.model import SystemMap, share_field_sets
from sysmap.problems import (
    FIELD_RULE_CODES,
    ITEM_NAMES,
    MAX_PER_KIND,
    PathPart,
    Problem,
    as_written,
    did_you_mean,
    one_of,
    shorten,
)
from sysmap.references import check_references

__all__ = ["check_data", "SLICE_ITEMS"]


def check_data(data: Any, *, consume: bool = False) -> tuple[list[Problem], SystemMap | None]:
    """Field rules and references; the map when there are no errors.

    With ``consume``, the items of long lists in ``data`` are replaced by
    None as soon as they are models, so that the parsed data and the map are
    never both held whole (for a caller that has no more use for ``data``).
    """
    if not isinstance(data, dict):
        return [Problem(_not_a_map(data), code="not-a-map")], None
    # references first: the field rules may free the parsed items as they go
    refs = check_references(data)
    problems, model = _check_fields(data, consume)
    # one message per field: a bad id is not also reported as unknown, but
    # "that is a name, use this id" says more than "not a valid id"
    better = {tuple(p.path) for p in refs if p.code == "name-not-id"}
    problems = [p for p in problems if tuple(p.path) not in better]
    taken = {tuple(p.path) for p in problems}
    problems.extend(p for p in refs if tuple(p.path) not in taken)
    if any(p.severity == "error" for p in problems):
        model = None
    return problems, model


# ---------------------------------------------------------------- long lists

#: Lists longer than this are checked this many items at a time, so that a
#: file full of mistakes never holds all of pydantic's errors at once.
SLICE_ITEMS = 2000


def _list_model(key: str) -> type[BaseModel] | None:
    """The item model of one of the map's lists (``stakeholders`` → Stakeholder)."""
    field = _field(SystemMap, key)
    if field is None or typing.get_origin(field.annotation) is not list:
        return None
    return _model_of(field.annotation)


def _check_fields(data: dict[str, Any], consume: bool) -> tuple[list[Problem], SystemMap | None]:
    """pydantic's field rules, long lists a slice at a time (see :data:`SLICE_ITEMS`).

    The map's items share their sets of written fields (:func:`share_field_sets`).
    """
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
            model = SystemMap.model_validate(data)
        except pydantic.ValidationError as exc:
            return _from_pydantic(exc, data), None
        share_field_sets(model)
        return [], model
    head = {key: ([] if key in big else value) for key, value in data.items()}
    problems: list[Problem] = []
    try:
        SystemMap.model_validate(head)
    except pydantic.ValidationError as exc:
        problems.extend(_from_pydantic(exc, head))
    checked: dict[str, list[Any]] = {}
    shared: dict[frozenset[str], frozenset[str]] = {}
    for key, items in big.items():
        checked[key] = _check_slices(key, items, problems, shared, consume)
    if problems:
        return problems, None
    # the items are models now; pydantic takes them as they are
    model = SystemMap.model_validate({**data, **checked})
    share_field_sets(model, shared, skip=big)
    return [], model


def _check_slices(
    key: str,
    items: list[Any],
    problems: list[Problem],
    shared: dict[frozenset[str], frozenset[str]],
    consume: bool,
) -> list[Any]:
    """Validate a long list a slice at a time; problems go to ``problems``, capped early.

    Only the first :data:`MAX_PER_KIND` errors of each kind are put into
    words (that is the slow part); the rest are counted on the last one.
    A slice that passes shares its field sets at once and, with ``consume``,
    lets go of its parsed items.
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
            done = adapter.validate_python(part)
        except pydantic.ValidationError as exc:
            error = exc
        else:
            share_field_sets(done, shared)
            out.extend(done)
            if consume:
                items[start : start + len(part)] = [None] * len(part)
            continue
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
        return f"the number {as_written(value)}"
    return f"'{shorten(value)}'"


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
    ("theory_of_execution", "text"): "what is done at this step, e.g. Recruit the working "
    "group first",
}


def _owner(path: list[PathPart]) -> str:
    """``this stakeholder``, ``this relationship``, ``the map`` … for a field path."""
    for i in range(len(path) - 2, -1, -1):
        part = path[i]
        if isinstance(part, str):
            noun = ITEM_NAMES.get(part)
            if noun is None:
                return f"'{part}'"
            return f"this {noun}"
    return "the map"


def _item_noun(path: list[PathPart]) -> str | None:
    """The domain name of the list item at the end of ``path``, if it is one."""
    if len(path) >= 2 and isinstance(path[-1], int) and isinstance(path[-2], str):
        return ITEM_NAMES.get(path[-2])
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
            problems.setdefault(key, Problem(_message(err, path), list(path), code=_code(err)))
            continue
        existing = problems.get(key)
        if existing is not None and existing.code != "string_type":
            continue
        problems[key] = Problem(_message(err, path), list(path), code=_code(err))
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


# ---------------------------------------------------------------- messages


@dataclass(frozen=True)
class _Error:
    """One pydantic error, with what a message needs to know about it."""

    etype: str
    value: Any
    ctx: dict[str, Any]
    loc: tuple[Any, ...]
    path: list[PathPart]
    name: str

    @classmethod
    def of(cls, err: Any, path: list[PathPart]) -> _Error:
        etype: str = err["type"]
        name = str(next((p for p in reversed(path) if isinstance(p, str)), "value"))
        if len(path) >= 2 and path[-2] == "hold" and etype.startswith(("greater", "less")):
            name = "held value"  # a scenario's factor -> value
        return cls(etype, err.get("input"), err.get("ctx") or {}, err.get("loc") or (), path, name)

    @property
    def parent(self) -> PathPart | None:
        return self.path[-2] if len(self.path) >= 2 else None

    @property
    def at_item(self) -> bool:
        """True when the error is on an item of a list, not on a field."""
        return bool(self.path) and isinstance(self.path[-1], int)

    @property
    def what(self) -> str:
        return _kind_of(self.value)


def _code(err: Any) -> str:
    """The problem code of a pydantic error: its type, if the set of codes has it."""
    etype: str = err["type"]
    return etype if etype in FIELD_RULE_CODES else "invalid"


def _message(err: Any, path: list[PathPart]) -> str:
    e = _Error.of(err, path)
    first = _FIRST.get(e.etype)
    if first is not None:
        return first(e)
    special = _empty_or_free_value(e)
    if special is not None:
        return special
    key = "date" if e.etype.startswith("date") else e.etype
    builder = _BY_TYPE.get(key)
    if builder is not None:
        return builder(e)
    return f"{e.name}: {err.get('msg', 'invalid value')}"


def _invalid_key(e: _Error) -> str:
    return (
        f"{e.what} cannot be a field name — field names are words such "
        "as name or role; put the key in quotes or fix it"
    )


def _unknown_field(e: _Error) -> str:
    if e.name == "<<":
        return "YAML merge keys ('<<') are not supported — write the fields out"
    model = _model_at(e.path)
    allowed = _field_names(model) if model else []
    guess = did_you_mean(e.name, allowed)
    if guess:
        return f"unknown field '{shorten(e.name)}' — did you mean '{guess}'?"
    tail = " or put free values under 'attributes'" if "attributes" in allowed else ""
    return f"unknown field '{shorten(e.name)}' — remove it{tail}"


def _missing(e: _Error) -> str:
    name = e.name
    if e.loc and isinstance(e.loc[-1], int):
        if name == "scale":
            return _SCALE_PAIR
        return f"{name} has too few items"
    listed = next((p for p in reversed(e.path[:-1]) if isinstance(p, str)), None)
    hint = _OWNER_HINTS.get((listed, name)) or _FIELD_HINTS.get(name)
    tail = f" ({hint})" if hint else ""
    return f"{_owner(e.path)} has no {name.replace('_', ' ')} — add '{name}:'{tail}"


def _empty_or_free_value(e: _Error) -> str | None:
    """An empty item or field, or a free value (attribute, score) of the wrong type."""
    if e.value is None and e.at_item:
        noun: str | None = _item_noun(e.path) or f"entry in {e.name}"
        return f"this {noun} is empty — fill it in or remove the empty '- ' line"
    if e.parent in ("attributes", "group") and e.etype.endswith(("_type", "_parsing")):
        return (
            f"the attribute '{shorten(e.name)}' must be text, a number or true/false, not {e.what}"
        )
    if e.parent in ("scores", "values") and e.etype in ("float_type", "float_parsing"):
        what = "score" if e.parent == "scores" else "value"
        return f"the {what} for '{shorten(e.name)}' must be a number, not {e.what}"
    if e.value is None and e.etype != "none_required":
        model = _model_at(e.path)
        field = _field(model, e.name) if model is not None else None
        if field is not None and field.is_required():
            hint = _FIELD_HINTS.get(e.name)
            return f"{e.name} is empty — fill it in" + (f" ({hint})" if hint else "")
        return f"{e.name} is empty — fill it in or remove the line"
    return None


def _bad_pattern(e: _Error) -> str:
    if e.name == "kind" or e.path[:1] == ["kinds"]:
        return (
            f"'{shorten(e.value)}' is not a valid kind name — use lower-case letters, "
            "digits and '_' (e.g. shares_data)"
        )
    return (
        f"'{shorten(e.value)}' is not a valid id — use letters, digits, '-', '_', '.' "
        "or ':' with no spaces (e.g. street-outreach)"
    )


def _too_short(e: _Error) -> str:
    if e.name == "path":
        return (
            "a feedback loop's path needs at least two elements and a return to "
            "the first, e.g. [a, b, a]"
        )
    if e.etype == "string_too_short":
        return f"{e.name} is empty — fill it in"
    return f"{e.name} needs at least {e.ctx.get('min_length')} item(s)"


def _too_long(e: _Error) -> str:
    if e.etype == "too_long" and e.name == "scale":
        return _SCALE_PAIR
    unit = "characters" if e.etype == "string_too_long" else "items"
    return f"{e.name} is too long (at most {e.ctx.get('max_length')} {unit})"


def _out_of_range(e: _Error) -> str:
    if e.etype.startswith("greater"):
        bound, side = as_written(e.ctx.get("ge", e.ctx.get("gt"))), "below the lowest"
    else:
        bound, side = as_written(e.ctx.get("le", e.ctx.get("lt"))), "above the highest"
    return f"{as_written(e.value)} is {side} allowed {e.name} ({bound})" + _range_hint(e.name)


def _not_whole(e: _Error) -> str:
    if e.name in _SCALE_NAMES:
        return f"{e.name} must be a whole number from 0 (none) to 5 (very high), not {e.what}"
    return f"{e.name} must be a whole number, not {e.what}"


def _not_number(e: _Error) -> str:
    if e.name in _SCALE_NAMES:
        return f"{e.name} must be a number from 0 (none) to 5 (very high), not {e.what}"
    return f"{e.name} must be a number, not {e.what}"


def _not_block(e: _Error) -> str:
    noun = _item_noun(e.path)
    model = _model_at(e.path, depth=0)
    fields = _required_names(model) if model is not None else []
    shown = f" ({', '.join(fields)} …)" if fields else " (key: value lines)"
    if noun:
        return f"each {noun} must be a block of fields{shown}, not {e.what}"
    return f"{e.name} must be a block of fields{shown}, not {e.what}"


def _not_text(e: _Error) -> str:
    if e.at_item:
        return f"each entry in {e.name} must be text, not {e.what}"
    if e.name == "text":
        return f"text must be plain words, not {e.what}"
    return f"{e.name} must be text, not {e.what}"


_SCALE_PAIR = "scale needs two numbers, the lowest and highest score, e.g. [0, 2]"

_Builder = Callable[[_Error], str]

#: Messages that come before the checks for empty values and free values.
_FIRST: dict[str, _Builder] = {
    "invalid_key": _invalid_key,
    "literal_error": lambda e: _literal_message(e.value, e.ctx, e.name),
    "extra_forbidden": _unknown_field,
    "missing": _missing,
}


def _each(etypes: tuple[str, ...], builder: _Builder) -> dict[str, _Builder]:
    return dict.fromkeys(etypes, builder)


#: The message for each kind of pydantic error ("date" for every date error).
_BY_TYPE: dict[str, _Builder] = {
    "string_pattern_mismatch": _bad_pattern,
    **_each(("string_too_short", "too_short"), _too_short),
    **_each(("string_too_long", "too_long"), _too_long),
    **_each(("greater_than_equal", "greater_than", "less_than_equal", "less_than"), _out_of_range),
    **_each(("int_parsing", "int_type", "int_from_float", "int_parsing_size"), _not_whole),
    **_each(("float_parsing", "float_type", "finite_number"), _not_number),
    **_each(
        ("bool_parsing", "bool_type"),
        lambda e: f"{e.name} must be true or false, not {e.what}",
    ),
    "date": lambda e: f"{e.name} must be a date like 2026-01-31 (year-month-day), not {e.what}",
    **_each(("model_type", "dict_type", "model_attributes_type"), _not_block),
    **_each(
        ("list_type", "tuple_type"),
        lambda e: f"{e.name} must be a list (lines starting with '- '), not {e.what}",
    ),
    "string_type": _not_text,
}


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
            f"this file is format version {shorten(value)}, but this sysmap reads version 1 "
            "— upgrade sysmap, or set 'sysmap: 1' if the number is a mistake"
        )
    if isinstance(value, (list, dict)):
        return f"{name} must be one of {one_of(choices)}, not {_kind_of(value)}"
    if name == "polarity":
        return (
            f"unknown polarity '{shorten(value)}' — use '+' (both move the same way) or "
            "'-' (they move in opposite ways)"
        )
    if name == "direction":
        return f"unknown direction '{shorten(value)}' — use one-way, or mutual (both ways)"
    guess = did_you_mean(str(value), choices)
    hint = f" (did you mean '{guess}'?)" if guess else ""
    return f"unknown {name} '{shorten(value)}' — use {one_of(choices)}{hint}"


def _split_expected(expected: str) -> list[str]:
    return [p.strip() for p in expected.replace(" or ", ", ").split(",") if p.strip()]
