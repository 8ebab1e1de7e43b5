"""Changes to a map's data, as small steps that can be applied, replayed and undone.

A workshop turns each accepted contribution into one or more *steps*
(plain dicts, so they can be journalled and sent to another process):

- ``add_stakeholder`` / ``remove_stakeholder``
- ``add_relationship`` / ``remove_relationship``
- ``add_evidence`` / ``remove_evidence`` (on the first relationship that
  ``match`` describes)
- ``add_loop`` / ``remove_loop``

:func:`apply_step` works on the map as plain data (lists and dicts), which is
both what the server keeps in memory and what ruamel gives for the file,
so the same code changes both. :func:`inverse` gives the step that undoes one.

Where a contribution lands (see :func:`plan_relationship`): a confirmation
or a weak/broken mark that says the same as an entry on the map (same ends,
kind, status and ratings) is added to that entry's evidence; one that says
something else becomes a parallel entry for that group — the layout the
perspectives analysis reads as "each group's view".
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

from sysmap.errors import EditError

__all__ = [
    "Step",
    "apply_step",
    "apply_steps",
    "inverse",
    "relationship_match",
    "find_relationship",
    "plan_relationship",
    "new_id",
]

Step = dict[str, Any]
NewMap = Callable[[dict[str, Any]], Any]
NewSeq = Callable[[], Any]
Applier = Callable[[dict[str, Any], "Step", NewMap, NewSeq], None]

_RATINGS = ("strength", "trust")


def _plain(fields: dict[str, Any]) -> Any:
    # a copy all the way down: the step stays as it was journalled, whatever
    # happens later to the item it added
    return copy.deepcopy(fields)


def _as_float(value: Any) -> float | None:
    return None if value is None else float(value)


def relationship_match(rel: dict[str, Any]) -> dict[str, Any]:
    """What identifies an entry: its ends, kind, status and ratings."""
    return {
        "from": str(rel.get("from")),
        "to": str(rel.get("to")),
        "kind": str(rel.get("kind")),
        "status": str(rel.get("status") or "existing"),
        "strength": _as_float(rel.get("strength")),
        "trust": _as_float(rel.get("trust")),
    }


def _matches(rel: Any, match: dict[str, Any]) -> bool:
    return isinstance(rel, dict) and relationship_match(rel) == match


def find_relationship(data: dict[str, Any], match: dict[str, Any]) -> int | None:
    """The index of the first relationship that ``match`` describes, or None."""
    for i, rel in enumerate(data.get("relationships") or []):
        if _matches(rel, match):
            return i
    return None


def _same_evidence(a: Any, b: dict[str, Any]) -> bool:
    return isinstance(a, dict) and all(str(a.get(k)) == str(v) for k, v in b.items())


def _section(data: dict[str, Any], name: str, new_seq: Callable[[], Any]) -> Any:
    if data.get(name) is None:
        data[name] = new_seq()
    return data[name]


def _drop_last(seq: list[Any], test: Callable[[Any], bool], what: str) -> None:
    for i in range(len(seq) - 1, -1, -1):
        if test(seq[i]):
            del seq[i]
            return
    raise EditError(f"{what} is no longer in the map — nothing to undo")


def apply_step(
    data: dict[str, Any],
    step: Step,
    new_map: NewMap = _plain,
    new_seq: NewSeq = list,
) -> None:
    """Apply one step to the map's data in place.

    ``new_map`` and ``new_seq`` build new mappings and lists (ruamel's
    commented ones for a file, plain ones in memory).

    Raises
    ------
    EditError
        The step cannot be applied (an id taken, an item gone).
    """
    handler = _APPLY.get(step["op"])
    if handler is None:  # pragma: no cover - steps are made by this module
        raise EditError(f"unknown step '{step['op']}'", where=str(step["op"]))
    handler(data, step, new_map, new_seq)


def _add_stakeholder(data: dict[str, Any], step: Step, new_map: NewMap, new_seq: NewSeq) -> None:
    ident = step["item"]["id"]
    for section in ("stakeholders", "factors"):
        if any(isinstance(s, dict) and str(s.get("id")) == ident for s in data.get(section) or []):
            raise EditError(f"'{ident}' is already on the map", where=str(ident))
    _section(data, "stakeholders", new_seq).append(new_map(step["item"]))


def _adder(section: str) -> Applier:
    """A step that appends its item to one section of the map."""

    def add(data: dict[str, Any], step: Step, new_map: NewMap, new_seq: NewSeq) -> None:
        _section(data, section, new_seq).append(new_map(step["item"]))

    return add


def _add_evidence(data: dict[str, Any], step: Step, new_map: NewMap, new_seq: NewSeq) -> None:
    index = find_relationship(data, step["match"])
    if index is None:
        # the entry changed or went (an edit in a terminal): keep the
        # contribution as an entry of its own rather than lose it
        item = {k: v for k, v in step["match"].items() if v is not None}
        if item.get("status") == "existing":
            del item["status"]
        item["evidence"] = [step["evidence"]]
        _section(data, "relationships", new_seq).append(new_map(item))
        return
    rel = data["relationships"][index]
    _section(rel, "evidence", new_seq).append(new_map(step["evidence"]))


def _remove_item(data: dict[str, Any], step: Step, new_map: NewMap, new_seq: NewSeq) -> None:
    op, ident = step["op"], step["id"]
    section = "stakeholders" if op == "remove_stakeholder" else "loops"
    if op == "remove_stakeholder" and any(
        isinstance(r, dict) and ident in (str(r.get("from")), str(r.get("to")))
        for r in data.get("relationships") or []
    ):
        raise EditError(f"'{ident}' is in relationships now — remove those first", where=ident)
    _drop_last(
        data.get(section) or [],
        lambda x: isinstance(x, dict) and str(x.get("id")) == ident,
        f"'{ident}'",
    )


def _remove_relationship(
    data: dict[str, Any], step: Step, new_map: NewMap, new_seq: NewSeq
) -> None:
    match = relationship_match(step["item"])
    evidence = list(step["item"].get("evidence") or [])
    _drop_last(
        data.get("relationships") or [],
        lambda r: (
            _matches(r, match)
            and len(r.get("evidence") or []) == len(evidence)
            and all(
                _same_evidence(a, b) for a, b in zip(r.get("evidence") or [], evidence, strict=True)
            )
        ),
        "that relationship",
    )


def _remove_evidence(data: dict[str, Any], step: Step, new_map: NewMap, new_seq: NewSeq) -> None:
    for rel in reversed(data.get("relationships") or []):
        if _matches(rel, step["match"]) and any(
            _same_evidence(e, step["evidence"]) for e in rel.get("evidence") or []
        ):
            _drop_last(rel["evidence"], lambda e: _same_evidence(e, step["evidence"]), "it")
            if not rel["evidence"]:
                del rel["evidence"]
            return
    raise EditError("that confirmation is no longer in the map — nothing to undo")


_APPLY: dict[str, Applier] = {
    "add_stakeholder": _add_stakeholder,
    "add_relationship": _adder("relationships"),
    "add_loop": _adder("loops"),
    "add_evidence": _add_evidence,
    "remove_stakeholder": _remove_item,
    "remove_loop": _remove_item,
    "remove_relationship": _remove_relationship,
    "remove_evidence": _remove_evidence,
}


def apply_steps(data: dict[str, Any], steps: list[Step], **builders: Any) -> None:
    """Apply steps in order (see :func:`apply_step`)."""
    for step in steps:
        apply_step(data, step, **builders)


def inverse(step: Step) -> Step:
    """The step that undoes ``step``.

    Example
    -------
    >>> inverse({"op": "add_loop", "item": {"id": "l1"}})
    {'op': 'remove_loop', 'id': 'l1'}
    """
    op = step["op"]
    if op == "add_stakeholder":
        return {"op": "remove_stakeholder", "id": step["item"]["id"]}
    if op == "add_loop":
        return {"op": "remove_loop", "id": step["item"]["id"]}
    if op == "add_relationship":
        return {"op": "remove_relationship", "item": step["item"]}
    if op == "add_evidence":
        return {"op": "remove_evidence", "match": step["match"], "evidence": step["evidence"]}
    raise EditError(f"cannot undo '{op}'")


def new_id(data: dict[str, Any], name: str) -> str:
    """A readable id for a new stakeholder, unused in the map.

    Example
    -------
    >>> new_id({"stakeholders": [{"id": "food-bank"}]}, "Food Bank!")
    'food-bank-2'
    """
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40].strip("-") or "stakeholder"
    taken = {
        str(x.get("id"))
        for section in ("stakeholders", "factors", "loops")
        for x in data.get(section) or []
        if isinstance(x, dict)
    }
    ident, n = base, 1
    while ident in taken:
        n += 1
        ident = f"{base}-{n}"
    return ident


def plan_relationship(
    data: dict[str, Any],
    shown: dict[str, Any],
    status: str,
    ratings: dict[str, int | None],
    evidence: dict[str, Any],
) -> Step:
    """The step for a confirmation or mark of the relationship ``shown``.

    The evidence joins the entry the person saw when it says the same thing
    (status and the ratings they gave); else an entry of the same ends and
    kind that does; else a new parallel entry with their status and ratings.
    """
    want = relationship_match(shown)
    want["status"] = status
    for key in _RATINGS:
        if ratings.get(key) is not None:
            want[key] = float(ratings[key])  # type: ignore[arg-type]
    rels = [r for r in data.get("relationships") or [] if isinstance(r, dict)]
    same = [r for r in rels if relationship_match(r) == want]
    if same:
        return {"op": "add_evidence", "match": want, "evidence": evidence}
    # ratings left blank agree with whatever the entry says
    blank = [k for k in _RATINGS if ratings.get(k) is None]
    for r in rels:
        m = relationship_match(r)
        if all(m[k] == want[k] for k in want if k not in blank):
            return {"op": "add_evidence", "match": m, "evidence": evidence}
    item: dict[str, Any] = {"from": want["from"], "to": want["to"], "kind": want["kind"]}
    if shown.get("direction") == "mutual":
        item["direction"] = "mutual"
    for key in _RATINGS:
        if ratings.get(key) is not None:
            item[key] = ratings[key]
    if status != "existing":
        item["status"] = status
    item["evidence"] = [evidence]
    return {"op": "add_relationship", "item": item}
