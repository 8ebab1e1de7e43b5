"""What the workshop's pages show: the map as each audience may see it.

The facilitator sees the whole map; participants see it with sensitive
stakeholders redacted (:func:`sysmap.htmlmap.redact_map`) unless the facilitator
chooses otherwise. Each relationship carries a *key* (``from->to:kind#n``,
the n-th entry with those ends and kind) that a participant's confirmation
names; :func:`resolve_edge` turns it back into the entry in the file.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sysmap.model import CORE_KINDS, VOICE_KINDS, SystemMap
from sysmap.process import STAGES
from sysmap.redact import redact_map
from sysmap.workshop.protocol import ROLE_GROUPS

__all__ = [
    "STAGE_QUESTIONS",
    "FRIENDLY_KINDS",
    "map_view",
    "participant_view",
    "resolve_edge",
    "node_view",
    "edge_view",
    "edge_key",
    "known_kinds",
    "element_name",
    "groups_of",
    "stage_info",
]

#: The open questions participants answer at each stage (answers go to the summary).
STAGE_QUESTIONS: dict[str, tuple[str, ...]] = {
    "who": (
        "Who is missing from this map?",
        "Whose relationships shape the question most?",
    ),
    "why": (
        "Where does your voice reach, and where does it stop?",
        "Which relationship works worst for the people served, and why?",
    ),
    "what": (
        "What difference do you want the system to make?",
        "Which relationship should change first?",
    ),
    "how": (
        "What small pilot could test the change?",
        "How will we know it worked, and who tells whom?",
    ),
}

#: The kinds a participant picks from, in plain words (the PARTNER-style questions first).
FRIENDLY_KINDS: dict[str, str] = {
    "collaborates": "works with",
    "feedback": "is heard by (feedback)",
    "funds": "funds",
    "serves": "serves",
    "refers": "refers people to",
    "informs": "keeps informed",
    "advocates": "speaks up to (advocates)",
    "represents": "represents people to",
    "governs": "sets policy for",
    "shares_data": "shares data with",
    "compensates": "pays for the time of",
}


def groups_of(data: dict[str, Any]) -> dict[str, str]:
    """The groups a participant can join: the three roles and the map's groups.

    A map declares a group by a stakeholder of ``type: group`` (not
    sensitive); contributions from it are asserted by that stakeholder's id,
    which the perspectives analysis reads as that group's view.
    """
    out = dict(ROLE_GROUPS)
    for s in data.get("stakeholders") or []:
        if (
            isinstance(s, dict)
            and str(s.get("type") or "").lower() == "group"
            and not s.get("sensitive")
            and s.get("id") not in out
        ):
            out[str(s["id"])] = str(s.get("name") or s["id"])
    return out


def stage_info(stage: str) -> dict[str, Any]:
    title, question = STAGES[stage]
    return {
        "stage": stage,
        "title": title,
        "question": question,
        "questions": list(STAGE_QUESTIONS[stage]),
    }


def _items(data: dict[str, Any], section: str) -> list[dict[str, Any]]:
    return [x for x in data.get(section) or [] if isinstance(x, dict)]


def _edge_keys(rels: list[dict[str, Any]]) -> list[str]:
    seen: Counter[tuple[str, str, str]] = Counter()
    keys = []
    for r in rels:
        triple = (str(r.get("from")), str(r.get("to")), str(r.get("kind")))
        keys.append(f"{triple[0]}->{triple[1]}:{triple[2]}#{seen[triple]}")
        seen[triple] += 1
    return keys


def _number(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def node_view(s: dict[str, Any], redacted: bool = False) -> dict[str, Any]:
    """One stakeholder as the pages draw it."""
    node: dict[str, Any] = {"id": str(s["id"]), "name": str(s["name"]), "role": s["role"]}
    if s.get("power") is not None:
        node["power"] = s["power"]
    if s.get("lived_experience"):
        node["lived"] = True
    if s.get("sensitive"):
        node["redacted" if redacted else "sensitive"] = True
    if str((s.get("attributes") or {}).get("source")) == "workshop":
        node["new"] = True
    return node


def edge_view(key: str, r: dict[str, Any]) -> dict[str, Any]:
    """One relationship as the pages draw it, with the groups that confirmed it."""
    kind = str(r.get("kind"))
    edge: dict[str, Any] = {
        "key": key,
        "from": str(r.get("from")),
        "to": str(r.get("to")),
        "kind": kind,
        "status": r.get("status") or "existing",
    }
    for name in ("strength", "trust"):
        if r.get(name) is not None:
            edge[name] = _number(r[name])
    if r.get("direction") == "mutual":
        edge["mutual"] = True
    if kind in VOICE_KINDS:
        edge["voice"] = True
    said = Counter(
        str(e.get("asserted_by"))
        for e in r.get("evidence") or []
        if isinstance(e, dict) and e.get("source") == "workshop"
    )
    if said:
        edge["workshop"] = dict(said)
    return edge


def edge_key(data: dict[str, Any], index: int) -> str:
    """The key of the relationship at ``index`` (``from->to:kind#n``)."""
    rels = data.get("relationships") or []
    r = rels[index]
    triple = (str(r.get("from")), str(r.get("to")), str(r.get("kind")))
    n = sum(
        1
        for x in rels[:index]
        if isinstance(x, dict)
        and (str(x.get("from")), str(x.get("to")), str(x.get("kind"))) == triple
    )
    return f"{triple[0]}->{triple[1]}:{triple[2]}#{n}"


def map_view(data: dict[str, Any], *, redacted: bool = False) -> dict[str, Any]:
    """The map as the pages draw it: nodes, edges (with who confirmed them), loops.

    ``data`` is the map as plain data (as in the file), which the server
    keeps in memory; a map that is not valid is not passed here.
    """
    nodes = [node_view(s, redacted) for s in _items(data, "stakeholders")]
    for f in _items(data, "factors"):
        nodes.append({"id": str(f["id"]), "name": str(f["name"]), "role": "factor"})
    rels = _items(data, "relationships")
    edges = [edge_view(key, r) for key, r in zip(_edge_keys(rels), rels, strict=True)]
    declared = _items(data, "kinds")
    kinds = [
        {"id": k, "label": FRIENDLY_KINDS.get(k, CORE_KINDS.get(k, k))} for k in FRIENDLY_KINDS
    ]
    kinds += [{"id": str(k["id"]), "label": str(k.get("description") or k["id"])} for k in declared]
    loops = [
        {
            "id": str(lp["id"]),
            "name": str(lp["name"]),
            "path": [str(x) for x in lp.get("path") or []],
        }
        for lp in _items(data, "loops")
    ]
    return {
        "title": str(data.get("title")),
        "question": str(data.get("guiding_question")),
        "nodes": nodes,
        "edges": edges,
        "loops": loops,
        "kinds": kinds,
        "redacted": redacted,
    }


def participant_view(
    data: dict[str, Any], show_sensitive: bool
) -> tuple[dict[str, Any], dict[str, str]]:
    """The participants' map, and how its ids map back (shown id → real id).

    Sensitive stakeholders are redacted by :func:`sysmap.redact.redact_map`
    (the redaction every export uses) unless ``show_sensitive``. Only the
    parts with names and text are redacted through it (title, question,
    stakeholders, factors, loops); of the relationships the pages show only
    ends, kind, status, ratings and the groups that confirmed them, so their
    ends are renamed with the same ids.
    """
    sensitive = any(s.get("sensitive") for s in _items(data, "stakeholders"))
    if show_sensitive or not sensitive:
        return map_view(data), {}
    named: dict[str, Any] = {
        k: data[k] for k in ("id", "title", "guiding_question", "kinds") if k in data
    }
    for section in ("stakeholders", "factors", "loops"):
        named[section] = _items(data, section)
    shown, ids = redact_map(SystemMap.model_validate(named))
    out = shown.model_dump(by_alias=True, mode="json")
    keep = ("kind", "status", "strength", "trust", "direction")
    rels = []
    for r in _items(data, "relationships"):
        rel = {k: r[k] for k in keep if r.get(k) is not None}
        rel["from"] = ids.get(str(r.get("from")), str(r.get("from")))
        rel["to"] = ids.get(str(r.get("to")), str(r.get("to")))
        rel["evidence"] = [
            {
                "source": "workshop",
                "asserted_by": ids.get(str(e.get("asserted_by")), e.get("asserted_by")),
            }
            for e in r.get("evidence") or []
            if isinstance(e, dict) and e.get("source") == "workshop"
        ]
        rels.append(rel)
    out["relationships"] = rels
    return map_view(out, redacted=True), {new: old for old, new in ids.items()}


def known_kinds(data: dict[str, Any]) -> set[str]:
    """The core relationship kinds and those the map declares."""
    return set(CORE_KINDS) | {str(k["id"]) for k in _items(data, "kinds")}


def element_name(data: dict[str, Any], ident: str) -> str | None:
    """The name of a stakeholder or factor, or None when there is none."""
    for section in ("stakeholders", "factors"):
        for x in _items(data, section):
            if str(x.get("id")) == ident:
                return str(x.get("name"))
    return None


def resolve_edge(
    data: dict[str, Any], key: str, back: dict[str, str] | None = None
) -> dict[str, Any] | None:
    """The relationship (as file data) a key names, or None when it is gone.

    ``back`` maps the ids a participant saw to the real ones.
    """
    back = back or {}
    ends, _, n = key.rpartition("#")
    pair, _, kind = ends.rpartition(":")
    source, _, target = pair.partition("->")
    if not (n.isdigit() and source and target and kind):
        return None
    source, target = back.get(source, source), back.get(target, target)
    hits = [
        r
        for r in _items(data, "relationships")
        if (str(r.get("from")), str(r.get("to")), str(r.get("kind"))) == (source, target, kind)
    ]
    if int(n) >= len(hits):
        return None
    return dict(hits[int(n)])
