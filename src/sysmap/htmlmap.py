"""Interactive HTML maps: one self-contained file that works offline.

:func:`generate_html` returns the page as text and :func:`export_html` writes
it (atomically). The page holds everything it needs: the vis-network library
that pyvis bundles (JavaScript and CSS inlined, no CDN, no sibling folders),
sysmap's own page script, and the map as JSON.

What the page shows: colour *and* shape by role (colour-blind-safe
Okabe–Ito colours), node size by power or a chosen metric, edge colour by
kind, dashes for proposed links, thin lines for weak ones, a ✕ on broken
ones, arrows by direction, ``+``/``−`` on causal links; a legend; the title
and guiding question; search; filters by role, relationship kind and tag;
details and the neighbourhood of a clicked stakeholder; the feedback loops
(declared and detected) to highlight; a voice view of beneficiaries' voice
and return paths; a text alternative (tables); and, with ``diff``, how a
redesign changes the current system.

Safety: the map's text never becomes markup. It travels as JSON in a
``<script type="application/json">`` block, with ``<``, ``>``, ``&``,
U+2028 and U+2029 escaped, and the page script puts it into the DOM only
with ``textContent`` (labels are drawn on the canvas by vis-network).
``redact=True`` replaces sensitive stakeholders' ids and names
("Stakeholder 1") and leaves out their free text everywhere in the file.

Large maps: above :data:`LAYOUT_THRESHOLD` elements, positions are computed
before export (igraph's Fruchterman–Reingold layout on a grid) and the page
draws them with physics off and straight edges, so a map of thousands of
stakeholders is interactive within seconds. Smaller maps settle with
vis-network's physics once, then physics stops.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from sysmap.errors import BadArgument, MissingDependency, OutputError
from sysmap.layout import large_map_positions
from sysmap.model import Relationship, Stakeholder, SystemMap
from sysmap.problems import did_you_mean, one_of
from sysmap.redact import redact_map, wants_redaction
from sysmap.storage import write_atomic

__all__ = [
    "SIZE_BY",
    "DIFF_KINDS",
    "LAYOUT_THRESHOLD",
    "OVERVIEW_THRESHOLD",
    "LOOPS_SHOWN",
    "generate_html",
    "export_html",
    "relationship_key",
    "redact_map",
    "diff_from_comparison",
    "MapDiff",
    "RelationshipKey",
    "write_html",
]

# the structure metrics the page shows for each stakeholder
_METRICS = ("in_degree", "out_degree", "betweenness", "closeness", "pagerank", "reach")

#: What node size can show: a stakeholder's power or interest, or a metric
#: from the structure analysis (``none``: all the same size).
SIZE_BY: tuple[str, ...] = ("power", "interest", "degree", *_METRICS, "none")

#: Change kinds a diff map styles: relationship changes (the same words as
#: :data:`sysmap.compare.RELATIONSHIP_CHANGES`, which test_html checks: written
#: out so that a map without --diff does not load the comparison), then
#: stakeholder changes.
_REL_CHANGES = tuple("formed retired rewired strengthened weakened status_changed changed".split())
_NODE_CHANGES = ("added", "removed")
DIFF_KINDS: tuple[str, ...] = (*_REL_CHANGES, *_NODE_CHANGES)

#: Above this many stakeholders and factors, positions are computed before export.
LAYOUT_THRESHOLD = 300

#: From this many stakeholders and factors on, the page opens as an overview:
#: stakeholders grouped (by organisation, community, type, tag or role), one
#: group opened at a time.
OVERVIEW_THRESHOLD = 1000

#: At most this many detected loops are listed on the page (declared loops always are).
LOOPS_SHOWN = 300

_VIS = "vis-9.1.2"


# ------------------------------------------------------------------ assets


def _asset(name: str) -> str:
    return resources.files("sysmap").joinpath("templates", name).read_text(encoding="utf-8")


def _vis_assets() -> tuple[str, str]:
    """vis-network's JavaScript and CSS as bundled with pyvis."""
    from importlib.util import find_spec

    # found, not imported: importing pyvis loads IPython (0.15 s of start-up)
    spec = find_spec("pyvis")
    if spec is None or spec.origin is None:  # pragma: no cover - pyvis is a dependency
        raise MissingDependency("HTML maps need pyvis (it bundles vis-network) — pip install pyvis")
    folder = Path(spec.origin).parent / "lib" / _VIS
    try:
        js = (folder / "vis-network.min.js").read_text(encoding="utf-8")
        css = (folder / "vis-network.css").read_text(encoding="utf-8")
    except OSError as exc:  # pragma: no cover - a broken pyvis install
        raise MissingDependency(
            f"pyvis's bundled vis-network is missing ({exc}) — reinstall pyvis"
        ) from None
    return js, css


def _script_safe(text: str, tag: str) -> str:
    # Inlined code must not close its own element early.
    if f"</{tag}" in text.lower():
        raise OutputError(f"an inlined asset contains </{tag}> and cannot be embedded")
    return text


def _json_for_script(data: Any) -> str:
    """JSON that is inert inside a ``<script>`` element.

    Example
    -------
    >>> _json_for_script({"name": "</script><b>&\\u2028"})
    '{"name":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026\\\\u2028"}'
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


# ------------------------------------------------------------------- diffs


def relationship_key(r: Relationship) -> str:
    """The key a diff uses for a relationship: its id, or ``from->to:kind``.

    Example
    -------
    >>> from sysmap.model import Relationship
    >>> relationship_key(Relationship(source="a", target="b", kind="funds"))
    'a->b:funds'
    >>> relationship_key(Relationship(id="r1", source="a", target="b", kind="funds"))
    'r1'
    """
    return r.id or f"{r.source}->{r.target}:{r.kind}"


def _rel_matches(r: Relationship) -> set[Any]:
    return {
        relationship_key(r),
        f"{r.source}->{r.target}:{r.kind}",
        (r.source, r.target, r.kind),
        (r.source, r.target),
    }


#: A relationship as a :class:`MapDiff` names it: its id, ``"from->to:kind"``
#: (as :func:`relationship_key` gives), or a ``(from, to, kind)`` or
#: ``(from, to)`` tuple. Stakeholders are named by id.
RelationshipKey = str | tuple[str, ...]


@dataclass
class MapDiff:
    """How a redesign changes today's system, as :func:`generate_html` draws it.

    Parameters
    ----------
    marked : mapping, optional
        Change kind (one of :data:`DIFF_KINDS`) → what it names: relationship
        keys (:data:`RelationshipKey`) for ``formed``, ``retired``, ``rewired``,
        ``strengthened``, ``weakened``, ``status_changed`` and ``changed``;
        stakeholder ids for ``added`` and ``removed``. Missing kinds are empty.
    current : SystemMap, optional
        The map before the redesign: retired relationships and removed
        stakeholders are taken from it and drawn ghosted.
    changes : sysmap.compare.Changes, optional
        Compare's own pairing (``comparison.changes``): each relationship then
        takes its changes (and what it was before) from it, so the page counts
        what ``sysmap compare`` counts; ``marked`` is used without it.

    Raises
    ------
    BadArgument
        An unknown change kind, or a ``current`` that is not a map.

    Example
    -------
    >>> d = MapDiff({"formed": ["pwle->board:feedback"], "removed": ["old-board"]})
    >>> sorted(d.marked["formed"]), len(d.marked["retired"]), d.current is None
    (['pwle->board:feedback'], 0, True)
    """

    marked: Mapping[str, Collection[Any]] = field(default_factory=dict)
    current: SystemMap | None = None
    changes: Any = None

    def __post_init__(self) -> None:
        for kind in self.marked:
            if kind not in DIFF_KINDS:
                raise _unknown(f"unknown change kind '{kind}' in diff", kind, DIFF_KINDS, "diff")
        # every kind present, as a set; a key read from JSON as a list becomes a tuple
        self.marked = {
            kind: frozenset(
                tuple(k) if isinstance(k, list) else k for k in self.marked.get(kind, ())
            )
            for kind in DIFF_KINDS
        }
        if self.current is not None and not isinstance(self.current, SystemMap):
            raise BadArgument(
                "diff['current'] must be a SystemMap (the map before the redesign)", argument="diff"
            )

    @classmethod
    def from_mapping(cls, diff: Mapping[str, Any]) -> MapDiff:
        """The older spelling: one mapping with the change kinds and, optionally,
        ``"current"`` and ``"changes"`` keys (as :func:`diff_from_comparison` gives)."""
        marked = {k: v for k, v in diff.items() if k not in ("current", "changes")}
        return cls(marked, current=diff.get("current"), changes=diff.get("changes"))

    @classmethod
    def from_comparison(cls, comparison: Any) -> MapDiff:
        """From :func:`sysmap.compare.compare_maps` of today's map and the redesign.

        Relationships are keyed by id, or ``(from, to, kind)`` when they have none.
        """
        marked: dict[str, set[Any]] = {k: set() for k in DIFF_KINDS}
        changes = comparison.changes
        for rc in changes.relationships:
            rel = rc.after if rc.after is not None else rc.before
            key = rel.id or (rel.source, rel.target, rel.kind)
            for change in rc.changes:
                if change in _REL_CHANGES:
                    marked[change].add(key)
        for sc in changes.stakeholders:
            if sc.change in _NODE_CHANGES:
                marked[sc.change].add(sc.id)
        return cls(marked, current=comparison.maps[0], changes=changes)

    def relationship_changes(self, r: Relationship) -> list[str]:
        """Every change kind whose keys name ``r`` (a relationship can carry several)."""
        keys = _rel_matches(r)
        return [kind for kind in _REL_CHANGES if keys.intersection(self.marked[kind])]


def _unknown(message: str, value: str, choices: tuple[str, ...], argument: str) -> BadArgument:
    """The error for a value that is not one of ``choices``, with a guess when one is close."""
    guess = did_you_mean(value, choices)
    hint = f"did you mean '{guess}'? " if guess else ""
    return BadArgument(
        f"{message} — {hint}use {one_of(choices)}", argument=argument, choices=choices
    )


# ------------------------------------------------------------------- data


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return int(value) if value.is_integer() else round(value, 4)
    return value


def _sizes(values: dict[str, float | None]) -> dict[str, float]:
    known = [v for v in values.values() if v is not None]
    lo, hi = (min(known), max(known)) if known else (0.0, 0.0)
    out = {}
    for k, v in values.items():
        if v is None:
            out[k] = 10.0
        elif hi == lo:
            out[k] = 20.0
        else:
            out[k] = round(12 + 28 * (v - lo) / (hi - lo), 1)
    return out


def _analysis_parts(m: SystemMap, analysis: Any) -> dict[str, Any]:
    """Structure rows, loops and voice as plain data (from ``analysis`` or computed)."""
    results: dict[str, Any] = {}
    if analysis is not None:
        results = dict(getattr(analysis, "results", analysis))
    out: dict[str, Any] = {}
    for name in ("structure", "loops", "voice"):
        if name in results:
            r = results[name]
            out[name] = r.to_dict() if hasattr(r, "to_dict") else r
    if "structure" not in out:
        # only the figures the map draws: the whole structure analysis takes about
        # four times as long on a small map (its figures by strength)
        from sysmap.analysis import centralities

        out["structure"] = {"stakeholders": centralities(m)}
    missing = [n for n in ("loops", "voice") if n not in out]
    if missing:
        from sysmap.analysis.suite import analyze

        fresh = analyze(m, only=missing)
        for name in missing:
            out[name] = fresh.results[name].to_dict()
    return out


def _diff_plan(m: SystemMap, diff: MapDiff | Mapping[str, Any] | None) -> dict[str, Any]:
    """What a diff map draws: the map (with retired parts added back as ghosts)
    and, per relationship, every change kind and what it was before.

    With ``diff.changes`` (compare's result, as :meth:`MapDiff.from_comparison`
    gives), each relationship takes its changes from compare's own pairing, so
    the page counts what ``sysmap compare`` counts; otherwise from the keys in
    ``diff.marked``.
    """
    plan: dict[str, Any] = {"map": m, "rels": [], "was": [], "nodes": {}, "diff": None}
    if diff is None:
        return plan
    if not isinstance(diff, MapDiff):
        diff = MapDiff.from_mapping(diff)
    found = diff.changes
    by_after: dict[int, Any] = {}
    if found is not None:
        by_after = {id(rc.after): rc for rc in found.relationships if rc.after is not None}
        if not set(by_after) <= {id(r) for r in m.relationships}:
            found = None  # compared with another copy of the map: use the keys
    if found is not None:
        rels = [
            list(rc.changes) if rc is not None else []
            for rc in map(by_after.get, map(id, m.relationships))
        ]
        was = [_was(by_after.get(id(r))) for r in m.relationships]
        ghosts = [rc.before for rc in found.relationships if rc.after is None and rc.before]
        nodes = {
            sc.id: {"change": sc.change, "fields": [f.field for f in sc.changes]}
            for sc in found.stakeholders
        }
    else:
        rels = [diff.relationship_changes(r) for r in m.relationships]
        was = [None] * len(rels)
        ghosts, nodes = _marked_ghosts(m, diff)
    ghost_people = _removed_people(m, diff.current, nodes)
    if ghosts or ghost_people:
        # draw the redesign plus what it retires: one map, retired parts ghosted
        m = m.model_copy(
            update={
                "stakeholders": [*m.stakeholders, *ghost_people],
                "relationships": [*m.relationships, *ghosts],
            }
        )
        rels += [["retired"]] * len(ghosts)
        was += [None] * len(ghosts)
    plan.update(map=m, rels=rels, was=was, nodes=nodes)
    plan["diff"] = {
        "relationships": {k: sum(k in c for c in rels) for k in _REL_CHANGES},
        "stakeholders": {
            k: sum(v["change"] == k for v in nodes.values())
            for k in ("added", "removed", "changed")
        },
    }
    return plan


def _marked_ghosts(
    m: SystemMap, diff: MapDiff
) -> tuple[list[Relationship], dict[str, dict[str, Any]]]:
    """Without compare's pairing: the retired relationships of ``diff.current``
    that the redesign no longer has, and the stakeholders marked added or removed."""
    ghosts: list[Relationship] = []
    if diff.current is not None:
        now = {id(r) for r in m.relationships}
        retired = diff.marked["retired"]
        ghosts = [
            r
            for r in diff.current.relationships
            if id(r) not in now and _rel_matches(r).intersection(retired)
        ]
    nodes = {
        ident: {"change": kind, "fields": []}
        for kind in _NODE_CHANGES
        for ident in diff.marked[kind]
    }
    return ghosts, nodes


def _removed_people(
    m: SystemMap, current: SystemMap | None, nodes: dict[str, dict[str, Any]]
) -> list[Stakeholder]:
    """The removed stakeholders, from the map before the redesign, to draw ghosted."""
    if current is None:
        return []
    here = m.element_ids()
    return [
        s
        for s in current.stakeholders
        if nodes.get(s.id, {}).get("change") == "removed" and s.id not in here
    ]


def _was(rc: Any) -> dict[str, Any] | None:
    """What a changed relationship was before, field by field (None: nothing to say)."""
    if rc is None or not rc.fields:
        return None
    out = {}
    for f in rc.fields:
        if f.field in (
            "from",
            "to",
            "kind",
            "status",
            "strength",
            "trust",
            "direction",
            "polarity",
        ):
            out[f.field] = _clean(f.before)
        elif f.field == "power" and f.before is not None:
            out["power"] = f.before.amount
    return out or None


def _who(ident: str | None, people: Mapping[str, Any]) -> str | None:
    """A stakeholder's name for an id, or the group's name for a role ("beneficiaries")."""
    if ident is None:
        return None
    if ident in people:
        return str(people[ident].name)
    return {"beneficiary": "beneficiaries", "provider": "providers", "leader": "leaders"}.get(
        ident, ident
    )


def _edge_row(r: Relationship, people: Mapping[str, Any]) -> dict[str, Any]:
    """One relationship as the page shows it: what it is, how we know, why it changes."""
    edge: dict[str, Any] = {"from": r.source, "to": r.target, "kind": r.kind, "status": r.status}
    if r.direction == "mutual":
        edge["mutual"] = True
    if r.polarity:
        edge["polarity"] = r.polarity
    for key in ("strength", "trust"):
        if getattr(r, key) is not None:
            edge[key] = _clean(getattr(r, key))
    if r.power is not None:
        edge["power"] = {"amount": r.power.amount, "carries": list(r.power.carries)}
    if r.notes:
        edge["notes"] = r.notes
    if r.evidence:
        edge["evidence"] = [
            {
                k: v
                for k, v in {
                    "source": e.source,
                    "date": e.date.isoformat() if e.date else None,
                    "asserted_by": _who(e.asserted_by, people),
                    "note": e.note,
                }.items()
                if v is not None
            }
            for e in r.evidence
        ]
    if r.change is not None:
        plan = {
            "reason": r.change.reason,
            "owner": _who(r.change.owner, people),
            "pilot": r.change.pilot,
            "measures": ", ".join(r.change.measures) or None,
        }
        edge["redesign"] = {k: v for k, v in plan.items() if v}
    return edge


def _scenario_panel(m: SystemMap) -> dict[str, Any] | None:
    """The what-if panel's data; none for a map without factors."""
    if not m.factors:
        return None
    # the key-factor model loads networkx and scipy: only for a map that has one
    from sysmap.whatif.fcm import scenario_panel_data

    return scenario_panel_data(m)


def _disagreements(edges: list[dict[str, Any]]) -> list[list[int]]:
    """Parallel entries for one relationship (same ends and kind) that rate it
    differently: each group of edge indexes is a set of perspectives."""
    groups: dict[tuple[str, str, str], list[int]] = {}
    for i, e in enumerate(edges):
        a, b = e["from"], e["to"]
        if e.get("mutual"):
            a, b = sorted((a, b))
        groups.setdefault((a, b, e["kind"]), []).append(i)
    out = []
    for idx in groups.values():
        ratings = {
            (edges[i].get("strength"), edges[i].get("trust"), edges[i]["status"]) for i in idx
        }
        if len(idx) > 1 and len(ratings) > 1:
            out.append(idx)
    return out


def _node_rows(
    m: SystemMap,
    sizes: dict[str, float],
    metrics: dict[str, dict[str, Any]],
    xy: dict[str, tuple[float, float]],
    node_changes: dict[str, dict[str, Any]],
    back: dict[str, str],
    redact: bool,
) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    for s in m.stakeholders:
        info: dict[str, Any] = {}
        for key in ("type", "organisation", "description", "power", "interest"):
            v = getattr(s, key)
            if v is not None:
                info[key] = v
        if s.lived_experience:
            info["lived experience"] = "yes"
        node: dict[str, Any] = {
            "id": s.id,
            "name": s.name,
            "role": s.role,
            "size": sizes[s.id],
            "tags": list(s.tags),
            "info": info,
            "attributes": {k: _clean(v) for k, v in s.attributes.items()},
            "metrics": metrics.get(s.id, {}),
        }
        if s.organisation:
            node["org"] = s.organisation
        if s.sensitive and redact:
            node["redacted"] = True
        change = node_changes.get(back.get(s.id, s.id))
        if change:
            node["change"] = change["change"]
            if change["fields"]:
                node["changed_fields"] = change["fields"]
        nodes.append(node)
    for f in m.factors:
        nodes.append(
            {
                "id": f.id,
                "name": f.name,
                "role": "factor",
                "size": 14,
                "tags": list(f.tags),
                "info": {"description": f.description} if f.description else {},
                "attributes": {k: _clean(v) for k, v in f.attributes.items()},
                "metrics": {},
            }
        )
    for node in nodes:
        if node["id"] in xy:
            node["x"], node["y"] = xy[node["id"]]
    return nodes


def _size_values(
    m: SystemMap, size_by: str, metrics: dict[str, dict[str, Any]]
) -> dict[str, float | None]:
    values: dict[str, float | None] = {}
    for s in m.stakeholders:
        if size_by in ("power", "interest"):
            v = getattr(s, size_by)
            values[s.id] = None if v is None else float(v)
        elif size_by == "degree":
            row = metrics.get(s.id, {})
            values[s.id] = float(row.get("in_degree", 0) or 0) + float(
                row.get("out_degree", 0) or 0
            )
        elif size_by == "none":
            values[s.id] = 1.0
        else:
            v = metrics.get(s.id, {}).get(size_by)
            values[s.id] = None if v is None else float(v)
    return values


def _loop_and_voice_rows(
    m: SystemMap, parts: dict[str, Any], rid: Any
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    loops: list[dict[str, Any]] = []
    lp = parts["loops"]
    declared_names = {lo.id: lo.name for lo in m.loops}
    for d in lp.get("declared", []):
        loops.append(
            {
                "name": declared_names.get(d["id"], d["id"]),
                "source": "declared",
                "type": d["type"],
                "holds": d["holds"],
                "path": [rid(p) for p in d["path"]],
            }
        )
    for c in lp.get("cycles", [])[:LOOPS_SHOWN]:
        if not c.get("declared"):
            loops.append(
                {"source": "detected", "type": c["type"], "path": [rid(p) for p in c["path"]]}
            )
    people = {s.id for s in m.stakeholders}
    voice_rows = [
        {
            "id": rid(b["id"]),
            "verdict": b["verdict"],
            "path": [rid(p) for p in b.get("path") or []],
            "return_path": [rid(p) for p in b.get("return_path") or []],
            "broken_at": [[rid(x["from"]), rid(x["to"])] for x in b.get("broken_at") or []],
        }
        for b in parts["voice"].get("beneficiaries", [])
    ]
    return loops, [v for v in voice_rows if v["id"] in people]


def _map_data(
    m: SystemMap,
    size_by: str,
    redact: bool,
    analysis: Any,
    diff: MapDiff | Mapping[str, Any] | None,
    title: str | None,
) -> dict[str, Any]:
    base = m  # analysed as it is, without what the redesign retires
    plan = _diff_plan(m, diff)  # keyed before any redaction renames ids
    m = plan["map"]
    ids: dict[str, str] = {}
    if redact:
        m, ids = redact_map(m)

    def rid(x: str) -> str:
        return ids.get(x, x)

    parts = _analysis_parts(base, analysis)
    metrics: dict[str, dict[str, Any]] = {}
    for row in parts["structure"].get("stakeholders", []) if "structure" in parts else []:
        metrics[rid(row["id"])] = {k: _clean(row.get(k)) for k in _METRICS if k in row}
    sizes = _sizes(_size_values(m, size_by, metrics))

    element_ids = [s.id for s in m.stakeholders] + [f.id for f in m.factors]
    big = len(element_ids) > LAYOUT_THRESHOLD
    pos = large_map_positions(m, element_ids) if big and element_ids else []
    xy = dict(zip(element_ids, pos, strict=False))
    back = {v: k for k, v in ids.items()}
    nodes = _node_rows(m, sizes, metrics, xy, plan["nodes"], back, redact)

    people = {s.id: s for s in m.stakeholders}
    known = set(element_ids)
    edges: list[dict[str, Any]] = []
    for i, r in enumerate(m.relationships):
        if r.source not in known or r.target not in known:
            continue
        edge = _edge_row(r, people)
        if plan["rels"] and plan["rels"][i]:
            edge["changes"] = plan["rels"][i]
            if plan["was"][i]:
                edge["was"] = plan["was"][i]
        edges.append(edge)
    loops, voice_rows = _loop_and_voice_rows(m, parts, rid)
    lp = parts["loops"]
    return {
        "title": title if title is not None else m.title,
        "question": m.guiding_question,
        "description": m.description,
        "stage": m.stage,
        "redacted": bool(redact),
        "size_by": size_by,
        "layout": "precomputed" if big else "physics",
        "overview": len(element_ids) >= OVERVIEW_THRESHOLD,
        "whatif": _scenario_panel(m),
        "nodes": nodes,
        "edges": edges,
        "kinds": sorted({e["kind"] for e in edges}),
        "tags": sorted({t for n in nodes for t in n["tags"]}),
        "loops": loops,
        "loops_found": len(lp.get("cycles", [])),
        "loops_complete": bool(lp.get("complete", True)),
        "voice": voice_rows,
        "perspectives": _disagreements(edges),
        "diff": plan["diff"],
    }


# -------------------------------------------------------------------- API


def generate_html(
    m: SystemMap,
    *,
    size_by: str = "power",
    redact: bool | None = None,
    analysis: Any = None,
    diff: MapDiff | Mapping[str, Any] | None = None,
    title: str | None = None,
) -> str:
    """The map as one self-contained, interactive HTML page.

    Parameters
    ----------
    m : SystemMap
        The map (for a diff map: the redesign).
    size_by : str
        What node size shows: one of :data:`SIZE_BY` (default ``power``).
    redact : bool, optional
        Replace sensitive stakeholders' ids and names and leave out their
        free text everywhere in the page (see :mod:`sysmap.redact`); ``None``
        (the default) redacts when the map asks for it (``privacy``).
    analysis : sysmap.Analysis or dict, optional
        Results of :func:`sysmap.analyze` to reuse (``structure``, ``loops``,
        ``voice``); whatever is missing is computed.
    diff : MapDiff or mapping, optional
        Draw the map as a redesign of today's system: a :class:`MapDiff`
        (:meth:`MapDiff.from_comparison` for what ``sysmap compare`` finds),
        or the same as one mapping — change kinds from :data:`DIFF_KINDS` as
        keys, with optional ``"current"`` and ``"changes"`` keys
        (:meth:`MapDiff.from_mapping`).
    title : str, optional
        The page title (default: the map's title).

    Returns
    -------
    str
        The HTML page.

    Raises
    ------
    BadArgument
        An unknown ``size_by`` or change kind.

    Example
    -------
    >>> import sysmap
    >>> m = sysmap.loads_map('''{id: demo, title: Demo <b>map</b>, guiding_question: Who?,
    ...   stakeholders: [{id: pwle, name: People with lived experience, role: beneficiary},
    ...                  {id: board, name: CoC board, role: leader, power: 5}],
    ...   relationships: [{from: pwle, to: board, kind: feedback}]}''')
    >>> page = generate_html(m)
    >>> page.startswith("<!DOCTYPE html>"), "<b>map</b>" in page
    (True, False)
    >>> any(link in page for link in ('src="http', 'href="http', "url(http"))
    False
    """
    if size_by not in SIZE_BY:
        raise _unknown(f"cannot size nodes by '{size_by}'", size_by, SIZE_BY, "size_by")
    data = _map_data(m, size_by, wants_redaction(redact, m), analysis, diff, title)
    return _page(data)


def _page(data: dict[str, Any]) -> str:
    """The page template with the scripts, styles and the map's data filled in."""
    vis_js, vis_css = _vis_assets()
    # what the workshop pages share (shared.js), the map, then the scenario panel
    # (whatif.js), in one script
    own_js = _script_safe(
        "\n".join(_asset(name) for name in ("shared.js", "map.js", "whatif.js")), "script"
    )
    vis_js = _script_safe(vis_js, "script")
    # Only these two scripts may run (a Content-Security-Policy with their
    # hashes): even markup that slipped into the page could not run script.
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode() + "'"
        for s in (vis_js, own_js)
    )
    parts = {
        "/*CSP_SCRIPTS*/": hashes,
        "/*VIS_CSS*/": _script_safe(vis_css, "style"),
        "/*SYSMAP_CSS*/": _script_safe(_asset("map.css") + "\n" + _asset("whatif.css"), "style"),
        "/*VIS_JS*/": vis_js,
        "/*SYSMAP_JS*/": own_js,
        "<!--SYSMAP_DATA-->": _json_for_script(data),
    }
    # one pass over the template, so inserted text is never searched for markers
    pattern = re.compile("|".join(re.escape(k) for k in parts))
    return pattern.sub(lambda mt: parts[mt.group(0)], _asset("map.html"))


def export_html(m: SystemMap, path: str | os.PathLike[str], **options: Any) -> None:
    """Write the interactive HTML map to a file, atomically.

    Takes the options of :func:`generate_html`.

    Example
    -------
    >>> import sysmap, tempfile, pathlib
    >>> from sysmap.examples import examples_folder
    >>> m = sysmap.load_map(examples_folder() / "small.yaml")
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "map.html"
    >>> export_html(m, out, size_by="betweenness", redact=True)
    >>> out.stat().st_size > 100_000
    True
    """
    write_atomic(path, generate_html(m, **options))


def diff_from_comparison(comparison: Any) -> dict[str, Any]:
    """The ``diff`` for :func:`generate_html` from :func:`sysmap.compare.compare_maps`,
    as one mapping: :meth:`MapDiff.from_comparison` in the older spelling, kept
    for code that reads it by key.

    Relationships are keyed by id, or ``(from, to, kind)`` when they have
    none; ``current`` is the earlier map, so that retired relationships and
    removed stakeholders are drawn ghosted; ``changes`` is compare's result
    itself, so the page shows each relationship's changes (all of them, and
    what it was before) exactly as ``sysmap compare`` pairs and counts them.

    Example
    -------
    >>> import sysmap
    >>> from sysmap.examples import examples_folder
    >>> from sysmap.compare import compare_maps
    >>> before = sysmap.load_map(examples_folder() / "homelessness-current.yaml")
    >>> after = sysmap.load_map(examples_folder() / "homelessness-redesign.yaml")
    >>> diff = diff_from_comparison(compare_maps(before, after, shifts=False))
    >>> sorted(k for k in DIFF_KINDS if diff[k])  # doctest: +NORMALIZE_WHITESPACE
    ['added', 'changed', 'formed', 'removed', 'retired', 'rewired', 'status_changed',
     'strengthened', 'weakened']
    """
    diff = MapDiff.from_comparison(comparison)
    return {
        **{kind: set(keys) for kind, keys in diff.marked.items()},
        "current": diff.current,
        "changes": diff.changes,
    }


def write_html(m: SystemMap, path_or_file: Any, **options: Any) -> Any:
    """Write the HTML map for :func:`sysmap.formats.export_map` (format ``html``).

    Returns an :class:`~sysmap.formats.ExportResult`; options as for
    :func:`generate_html` (``size_by``, ``redact``, ``title``).
    """
    if isinstance(options.get("redact"), str):
        options["redact"] = options["redact"].strip().lower() in ("1", "true", "yes")
    # the formats registry calls in here, so it is loaded only when a file is written
    from sysmap.formats._files import write_output
    from sysmap.formats._results import ExportResult

    path = write_output(path_or_file, generate_html(m, **options))
    return ExportResult("html", path)
