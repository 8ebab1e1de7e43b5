"""Turning a participant's proposal into steps on the map, with provenance.

Every accepted contribution carries evidence ``{source: workshop, date,
asserted_by: <the participant's group>, note}``. A stakeholder has no
evidence list in the map format, so a stakeholder the room adds gets the same
three facts as attributes (``source``, ``date``, ``asserted_by``), the tag
``workshop``, and the note as its description. A display name is written only
when the facilitator allows it (``names_in_map``), as "(said by NAME)" in the
note.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pydantic

from sysmap.errors import EditError
from sysmap.model import FeedbackLoop, Relationship, Stakeholder
from sysmap.workshop.steps import (
    Step,
    find_relationship,
    new_id,
    plan_relationship,
    relationship_match,
)
from sysmap.workshop.views import FRIENDLY_KINDS, element_name, known_kinds, resolve_edge

__all__ = ["EDITABLE", "describe", "plan_steps", "evidence_for"]

#: The fields a facilitator may correct before accepting, per kind of proposal.
EDITABLE: dict[str, tuple[str, ...]] = {
    "add_stakeholder": ("id", "name", "role", "lived_experience", "note"),
    "add_relationship": ("from", "to", "kind", "strength", "trust", "note"),
    "confirm_relationship": ("strength", "trust", "note"),
    "mark_relationship": ("status", "note"),
    "add_loop": ("id", "name", "purpose"),
}


def _name(data: dict[str, Any], ident: str) -> str:
    return element_name(data, ident) or ident


def describe(payload: dict[str, Any], m: dict[str, Any]) -> str:
    """A one-line description of a proposal, in the domain's words."""
    kind = payload["type"]
    if kind == "add_stakeholder":
        return f"Add {payload['role']} “{payload['name']}”"
    if kind == "add_loop":
        path = " → ".join(_name(m, p) for p in payload["path"])
        return f"Feedback loop “{payload['name']}”: {path}"
    if kind == "add_relationship":
        rel = {"from": payload["from"], "to": payload["to"], "kind": payload["kind"]}
    else:
        rel = payload.get("shown") or {}
    words = FRIENDLY_KINDS.get(str(rel.get("kind")), str(rel.get("kind")))
    text = f"{_name(m, str(rel.get('from')))} {words} {_name(m, str(rel.get('to')))}"
    ratings = [f"{k} {payload[k]}" for k in ("strength", "trust") if payload.get(k) is not None]
    head = {
        "add_relationship": "New",
        "confirm_relationship": "Confirm",
        "mark_relationship": f"Mark {payload.get('status')}:",
    }[kind]
    return f"{head} {text}" + (f" ({', '.join(ratings)})" if ratings else "")


def evidence_for(
    group: str, note: str, name: str, names_in_map: bool, today: str
) -> dict[str, Any]:
    """The evidence entry one contribution writes."""
    ev: dict[str, Any] = {"source": "workshop", "date": today, "asserted_by": group}
    if names_in_map and name:
        note = f"{note} (said by {name})".strip()
    if note:
        ev["note"] = note
    return ev


def _check(model: Any, fields: dict[str, Any]) -> None:
    try:
        model.model_validate(fields)
    except pydantic.ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "value"
        raise EditError(f"{where}: {err['msg']}", where=where) from None


def _element(data: dict[str, Any], ident: str) -> None:
    for section in ("stakeholders", "factors"):
        if any(isinstance(x, dict) and str(x.get("id")) == ident for x in data.get(section) or []):
            return
    raise EditError(f"'{ident}' is not on the map — pick a stakeholder from the list", where=ident)


def plan_steps(
    payload: dict[str, Any],
    data: dict[str, Any],
    group: str,
    name: str,
    names_in_map: bool,
    today: str | None = None,
) -> list[Step]:
    """The steps that write an accepted proposal into the map.

    Parameters
    ----------
    payload : the proposal (with the facilitator's corrections applied)
    data : the map now, as plain data
    group : the participant's group (what ``asserted_by`` says)

    Raises
    ------
    EditError
        The proposal no longer fits the map (a stakeholder gone, an id taken,
        a bad value); the message says what.
    """
    today = today or dt.date.today().isoformat()
    note = str(payload.get("note") or "")
    ev = evidence_for(group, note, name, names_in_map, today)
    kind = payload["type"]
    if kind == "add_stakeholder":
        return _plan_stakeholder(payload, data, group, note, ev, today)
    if kind == "add_loop":
        return _plan_loop(payload, data)
    if kind == "add_relationship":
        return _plan_new_relationship(payload, data, ev)
    return _plan_edge(payload, data, kind, ev)


def _plan_stakeholder(
    payload: dict[str, Any],
    data: dict[str, Any],
    group: str,
    note: str,
    ev: dict[str, Any],
    today: str,
) -> list[Step]:
    """A new stakeholder, tagged as coming from the workshop."""
    ident = str(payload.get("id") or new_id(data, payload["name"]))
    item: dict[str, Any] = {"id": ident, "name": payload["name"], "role": payload["role"]}
    if note:
        item["description"] = ev.get("note", note)
    if payload.get("lived_experience"):
        item["lived_experience"] = True
    item["tags"] = ["workshop"]
    item["attributes"] = {"source": "workshop", "date": today, "asserted_by": group}
    _check(Stakeholder, item)
    if any(
        isinstance(s, dict) and str(s.get("id")) == ident for s in data.get("stakeholders") or []
    ):
        raise EditError(
            f"'{ident}' is already on the map — merge into it, or give another id", where=ident
        )
    return [{"op": "add_stakeholder", "item": item}]


def _plan_loop(payload: dict[str, Any], data: dict[str, Any]) -> list[Step]:
    """A new feedback loop through elements already on the map, closed."""
    path = [str(p) for p in payload["path"]]
    for p in path:
        _element(data, p)
    if path[-1] != path[0]:
        path.append(path[0])
    loop = {
        "id": str(payload.get("id") or new_id(data, payload["name"])),
        "name": payload["name"],
        "path": path,
    }
    if payload.get("purpose"):
        loop["purpose"] = payload["purpose"]
    _check(FeedbackLoop, loop)
    return [{"op": "add_loop", "item": loop}]


def _plan_new_relationship(
    payload: dict[str, Any], data: dict[str, Any], ev: dict[str, Any]
) -> list[Step]:
    """A proposed relationship; one the map already has gets the evidence instead."""
    _element(data, str(payload["from"]))
    _element(data, str(payload["to"]))
    if payload["kind"] not in known_kinds(data):
        raise EditError(f"'{payload['kind']}' is not a relationship kind of this map", where="kind")
    rel: dict[str, Any] = {
        "from": payload["from"],
        "to": payload["to"],
        "kind": payload["kind"],
    }
    for key in ("strength", "trust"):
        if payload.get(key) is not None:
            rel[key] = payload[key]
    if payload.get("mutual"):
        rel["direction"] = "mutual"
    rel["evidence"] = [ev]
    _check(Relationship, rel)
    if find_relationship(data, relationship_match(rel)) is not None:
        return [{"op": "add_evidence", "match": relationship_match(rel), "evidence": ev}]
    return [{"op": "add_relationship", "item": rel}]


def _plan_edge(
    payload: dict[str, Any], data: dict[str, Any], kind: str, ev: dict[str, Any]
) -> list[Step]:
    """Confirming or marking a relationship shown on the live map."""
    shown = resolve_edge(data, str(payload["edge"]))
    if shown is None:
        raise EditError("that relationship is no longer on the map", where="relationship")
    status = (
        payload.get("status") if kind == "mark_relationship" else shown.get("status", "existing")
    )
    if status not in ("existing", "proposed", "weak", "broken"):
        raise EditError("status: use weak or broken", where="status")
    ratings = {k: payload.get(k) for k in ("strength", "trust")}
    for key, value in ratings.items():
        if value is not None and not (isinstance(value, int) and 0 <= value <= 5):
            raise EditError(f"{key}: give a whole number from 0 to 5", where=key)
    return [plan_relationship(data, shown, str(status), ratings, ev)]
