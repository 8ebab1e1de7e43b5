"""Editing a map file in place, keeping its comments and order.

Each function reads the file, applies one change, checks that the map is
still valid, and writes it back atomically, all under the map's lock, so that
concurrent edits never lose each other's change. A change that would make
the map invalid is refused and nothing is written.

Example
-------
>>> from sysmap.edit import add_stakeholder, set_field  # doctest: +SKIP
>>> add_stakeholder("map.yaml", "outreach", "Street outreach", "provider", power=2)  # doctest: +SKIP
>>> set_field("map.yaml", "outreach", "power", 3)  # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from io import StringIO
from typing import Any

from sysmap.errors import EditError, MapInvalid
from sysmap.mapfile import detect_format, read_text
from sysmap.model import Factor, Relationship, Stakeholder
from sysmap.problems import did_you_mean
from sysmap.storage import dump_json, map_lock, write_atomic
from sysmap.validate import validate_text

__all__ = [
    "add_stakeholder",
    "add_factor",
    "add_relationship",
    "remove",
    "set_field",
    "parse_value",
    "SECTIONS",
]

#: Sections whose items have ids that ``set`` and ``remove`` can name.
SECTIONS = (
    "stakeholders",
    "factors",
    "relationships",
    "loops",
    "guiding_team",
    "outcomes",
    "measures",
    "indicators",
    "assessments",
    "kinds",
)


def parse_value(text: str) -> Any:
    """Read a value typed on the command line as YAML: ``3`` is a number,
    ``true`` a flag, ``[a, b]`` a list, anything else text.

    Example
    -------
    >>> parse_value("3"), parse_value("true"), parse_value("[a, b]"), parse_value("Street outreach")
    (3, True, ['a', 'b'], 'Street outreach')
    """
    import yaml_rs

    try:
        return yaml_rs.loads(text, parse_datetime=True)
    except Exception:  # noqa: BLE001 - not YAML: keep it as the text typed
        return text


# ---------------------------------------------------------------- file round trip


def _yaml() -> Any:
    from ruamel.yaml import YAML

    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def _edit(
    path: str | os.PathLike[str], change: Callable[[dict[str, Any]], Any], timeout: float
) -> Any:
    name = str(path)
    with map_lock(path, timeout=timeout):
        text = read_text(path)
        fmt = detect_format(path, text)
        before = validate_text(text, fmt, name)
        if not before.ok:
            raise EditError(
                f"{name} has problems; fix them before editing (sysmap validate {name}):\n"
                + "\n".join(p.format() for p in before.errors)
            )
        if fmt == "json":
            data = json.loads(text)
        else:
            yaml = _yaml()
            data = yaml.load(text)
        result = change(data)
        if fmt == "json":
            new_text = dump_json(data)
        else:
            out = StringIO()
            yaml.dump(data, out)
            new_text = out.getvalue()
        after = validate_text(new_text, fmt, name)
        if not after.ok:
            for problem in after.problems:
                problem.line = None  # the lines of a text that was never written
            raise MapInvalid(after.problems)
        write_atomic(path, new_text)
        return result


def _seq(data: dict[str, Any], section: str) -> list[Any]:
    if data.get(section) is None:
        data[section] = _new_seq()
    seq = data[section]
    if not isinstance(seq, list):
        raise EditError(f"'{section}' is not a list in this map")
    return seq


def _new_seq() -> Any:
    from ruamel.yaml.comments import CommentedSeq

    return CommentedSeq()


def _new_map(fields: dict[str, Any]) -> Any:
    from ruamel.yaml.comments import CommentedMap

    out = CommentedMap()
    for key, value in fields.items():
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # strength 2, not 2.0
        if isinstance(value, dict):
            value = _new_map(value)
        elif isinstance(value, list):
            value = [_new_map(v) if isinstance(v, dict) else v for v in value]
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


# ---------------------------------------------------------------- adding


def _fields(model: Any) -> dict[str, Any]:
    return model.model_dump(by_alias=True, exclude_defaults=True, mode="json")


def _check_new_id(data: dict[str, Any], ident: str) -> None:
    for section in ("stakeholders", "factors"):
        for item in data.get(section) or []:
            if isinstance(item, dict) and str(item.get("id")) == ident:
                raise EditError(
                    f"'{ident}' is already in {section} — choose another id, or "
                    f"change it with 'sysmap set'"
                )


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
    id, name, role : the new stakeholder's id, name and role
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
    stakeholder = _build(Stakeholder, {"id": id, "name": name, "role": role, **fields}, path)

    def change(data: dict[str, Any]) -> None:
        _check_new_id(data, stakeholder.id)
        _append(_seq(data, "stakeholders"), _new_map(_fields(stakeholder)))

    _edit(path, change, timeout)
    return stakeholder


def add_factor(
    path: str | os.PathLike[str], id: str, name: str, *, timeout: float = 30.0, **fields: Any
) -> Factor:
    """Add a factor (an element of the key-factor model) to a map file."""
    factor = _build(Factor, {"id": id, "name": name, **fields}, path)

    def change(data: dict[str, Any]) -> None:
        _check_new_id(data, factor.id)
        _append(_seq(data, "factors"), _new_map(_fields(factor)))

    _edit(path, change, timeout)
    return factor


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

    Parameters
    ----------
    path : the map file
    source, target : stakeholder or factor ids
    kind : a core kind (serves, funds, refers, informs, feedback …) or a declared one
    **fields : strength, trust, direction, polarity, status, power={...}, evidence=[...] …

    Raises
    ------
    MapInvalid
        An unknown id or kind, or a bad value; nothing is written.
    """
    rel = _build(Relationship, {"from": source, "to": target, "kind": kind, **fields}, path)

    def change(data: dict[str, Any]) -> None:
        if rel.id is not None:
            for item in data.get("relationships") or []:
                if isinstance(item, dict) and str(item.get("id")) == rel.id:
                    raise EditError(f"a relationship with id '{rel.id}' exists already")
        _append(_seq(data, "relationships"), _new_map(_fields(rel)))

    _edit(path, change, timeout)
    return rel


def _build(model: Any, fields: dict[str, Any], path: str | os.PathLike[str]) -> Any:
    import pydantic

    from sysmap.validate import _from_pydantic  # shared message wording

    try:
        return model.model_validate(fields)
    except pydantic.ValidationError as exc:
        problems = _from_pydantic(exc, fields)
        for p in problems:
            p.file = str(path)
            p.path = []
        raise EditError("; ".join(p.message for p in problems) + " — nothing was changed") from None


# ---------------------------------------------------------------- finding


def _find(data: dict[str, Any], target: str) -> tuple[str, int]:
    """Locate an item by id, or a relationship by 'FROM->TO' / 'FROM->TO:KIND'."""
    hits = [
        (section, i)
        for section in SECTIONS
        for i, item in enumerate(data.get(section) or [])
        if isinstance(item, dict) and str(item.get("id")) == target
    ]
    if not hits and "->" in target:
        ends, _, kind = target.partition(":")
        src, _, dst = ends.partition("->")
        hits = [
            ("relationships", i)
            for i, r in enumerate(data.get("relationships") or [])
            if isinstance(r, dict)
            and str(r.get("from")) == src.strip()
            and str(r.get("to")) == dst.strip()
            and (not kind or str(r.get("kind")) == kind.strip())
        ]
        if len(hits) > 1:
            kinds = ", ".join(str(data["relationships"][i].get("kind")) for _, i in hits)
            raise EditError(
                f"{len(hits)} relationships go from '{src}' to '{dst}' ({kinds}) — "
                f"name one as {src}->{dst}:KIND"
            )
    if not hits:
        ids = [
            str(item.get("id"))
            for section in SECTIONS
            for item in data.get(section) or []
            if isinstance(item, dict) and item.get("id") is not None
        ]
        guess = did_you_mean(target, ids)
        hint = (
            f"did you mean '{guess}'?"
            if guess
            else ("use an id from the map, or FROM->TO[:KIND] for a relationship")
        )
        raise EditError(f"nothing in the map has the id '{target}' — {hint}")
    if len(hits) > 1:
        where = ", ".join(s for s, _ in hits)
        raise EditError(f"the id '{target}' is used in {where} — make ids unique first")
    return hits[0]


# ---------------------------------------------------------------- removing


def remove(
    path: str | os.PathLike[str], target: str, *, cascade: bool = False, timeout: float = 30.0
) -> list[str]:
    """Remove a stakeholder, factor, relationship, loop or other item by id.

    A relationship without an id is named ``FROM->TO`` or ``FROM->TO:KIND``.

    Parameters
    ----------
    cascade : also remove the relationships and loops that involve a removed
        stakeholder or factor (and its guiding-team roles and assessment results);
        without it such a removal is refused.

    Returns
    -------
    list of str
        What was removed, one line each.
    """

    def change(data: dict[str, Any]) -> list[str]:
        section, index = _find(data, target)
        item = data[section][index]
        removed = [f"{section[:-1] if section.endswith('s') else section}: {_label(item)}"]
        if section in ("stakeholders", "factors"):
            ident = str(item.get("id"))
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
            if (rels or loops) and not cascade:
                raise EditError(
                    f"'{ident}' is in {len(rels)} relationship(s) and {len(loops)} "
                    "loop(s) — remove those first, or use --cascade to remove them too"
                )
            for i in reversed(rels):
                removed.append(f"relationship: {_label(data['relationships'][i])}")
                _delete(data["relationships"], i, data, "relationships")
            for i in reversed(loops):
                removed.append(f"loop: {_label(data['loops'][i])}")
                _delete(data["loops"], i, data, "loops")
            for role in data.get("guiding_team") or []:
                acc = role.get("accepted_by") if isinstance(role, dict) else None
                if isinstance(acc, list) and ident in acc:
                    acc.remove(ident)
            for a in data.get("assessments") or []:
                results = a.get("results") if isinstance(a, dict) else None
                if isinstance(results, list):
                    for i in reversed(range(len(results))):
                        if (
                            isinstance(results[i], dict)
                            and str(results[i].get("stakeholder")) == ident
                        ):
                            _delete(results, i)
        _delete(data[section], index, data, section)
        return removed

    result: list[str] = _edit(path, change, timeout)
    return result


def _label(item: dict[str, Any]) -> str:
    if "from" in item:
        text = f"{item.get('from')} -> {item.get('to')} ({item.get('kind')})"
        return f"{item['id']}: {text}" if item.get("id") else text
    return f"{item.get('id')} ({item.get('name', '')})"


# ---------------------------------------------------------------- setting


def set_field(
    path: str | os.PathLike[str],
    target: str,
    field: str,
    value: Any = None,
    *,
    unset: bool = False,
    timeout: float = 30.0,
) -> None:
    """Change one field of an item, or of the map itself (target ``map``).

    ``field`` may be dotted to reach inside (``attributes.age_group``,
    ``power.amount``). With ``unset=True`` the field is removed.

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

    def change(data: dict[str, Any]) -> None:
        if target == "map":
            node: Any = data
        else:
            section, index = _find(data, target)
            node = data[section][index]
        for part in parts[:-1]:
            if not isinstance(node.get(part), dict):
                if unset:
                    return
                node[part] = _new_map({})
            node = node[part]
        last = parts[-1]
        if unset:
            node.pop(last, None)
        else:
            node[last] = _new_map(value) if isinstance(value, dict) else value

    _edit(path, change, timeout)
