"""What the workshop's pages show: the map as each audience may see it.

The facilitator sees the whole map; participants see it with sensitive
stakeholders redacted (:func:`sysmap.html.redact_map`) unless the facilitator
chooses otherwise. Each relationship carries a *key* (``from->to:kind#n``,
the n-th entry with those ends and kind) that a participant's confirmation
names; :func:`resolve_edge` turns it back into the entry in the file.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sysmap.html import redact_map
from sysmap.model import CORE_KINDS, VOICE_KINDS, SystemMap
from sysmap.process import STAGES
from sysmap.workshop.protocol import ROLE_GROUPS

__all__ = [
    "STAGE_QUESTIONS",
    "FRIENDLY_KINDS",
    "map_view",
    "participant_view",
    "resolve_edge",
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


def _edge_keys(m: SystemMap) -> list[str]:
    seen: Counter[tuple[str, str, str]] = Counter()
    keys = []
    for r in m.relationships:
        triple = (r.source, r.target, r.kind)
        keys.append(f"{r.source}->{r.target}:{r.kind}#{seen[triple]}")
        seen[triple] += 1
    return keys


def map_view(
    m: SystemMap, *, new_ids: set[str] | None = None, redacted: bool = False
) -> dict[str, Any]:
    """The map as the pages draw it: nodes, edges (with who confirmed them), loops."""
    new_ids = new_ids or set()
    nodes = []
    for s in m.stakeholders:
        node: dict[str, Any] = {"id": s.id, "name": s.name, "role": s.role}
        if s.power is not None:
            node["power"] = s.power
        if s.lived_experience:
            node["lived"] = True
        if s.sensitive:
            node["sensitive" if not redacted else "redacted"] = True
        if str(s.attributes.get("source")) == "workshop" or s.id in new_ids:
            node["new"] = True
        nodes.append(node)
    for f in m.factors:
        nodes.append({"id": f.id, "name": f.name, "role": "factor"})
    edges = []
    for key, r in zip(_edge_keys(m), m.relationships, strict=True):
        edge: dict[str, Any] = {
            "key": key,
            "from": r.source,
            "to": r.target,
            "kind": r.kind,
            "status": r.status,
        }
        for name in ("strength", "trust"):
            value = getattr(r, name)
            if value is not None:
                edge[name] = int(value) if float(value).is_integer() else value
        if r.direction == "mutual":
            edge["mutual"] = True
        if r.kind in VOICE_KINDS:
            edge["voice"] = True
        said = Counter(str(e.asserted_by) for e in r.evidence if e.source == "workshop")
        if said:
            edge["workshop"] = dict(said)
        edges.append(edge)
    kinds = [
        {"id": k, "label": FRIENDLY_KINDS.get(k, CORE_KINDS.get(k, k))} for k in FRIENDLY_KINDS
    ]
    kinds += [{"id": k.id, "label": k.description or k.id} for k in m.kinds]
    return {
        "title": m.title,
        "question": m.guiding_question,
        "nodes": nodes,
        "edges": edges,
        "loops": [{"id": lp.id, "name": lp.name, "path": list(lp.path)} for lp in m.loops],
        "kinds": kinds,
        "redacted": redacted,
    }


def participant_view(m: SystemMap, show_sensitive: bool) -> tuple[dict[str, Any], dict[str, str]]:
    """The participants' map, and how its ids map back (shown id → real id)."""
    if show_sensitive:
        return map_view(m), {}
    shown, ids = redact_map(m)
    return map_view(shown, redacted=bool(ids)), {new: old for old, new in ids.items()}


def resolve_edge(
    m: SystemMap, key: str, back: dict[str, str] | None = None
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
    hits = [r for r in m.relationships if (r.source, r.target, r.kind) == (source, target, kind)]
    if int(n) >= len(hits):
        return None
    return hits[int(n)].model_dump(by_alias=True, exclude_defaults=True, mode="json")
