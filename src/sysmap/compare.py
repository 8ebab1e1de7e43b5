"""Compare the current system with its redesign, or maps over time.

:func:`compare_maps` answers the How stage's questions: which stakeholders
come in or leave, which relationships are **formed**, **retired**,
**rewired**, **strengthened** or **weakened**, which change status, which
declared feedback loops close or break, and how every analysis metric shifts
(power between role groups, voice, loops, fragmentation, centralization,
single points of failure). :func:`sysmap.plan.change_plan` turns the result
into a change plan.

Matching rules (docs/compare.md has the long form):

- **Stakeholders** match by id. A stakeholder whose id is only in the earlier
  map is a *likely rename* of one whose id is only in the later map when both
  have the same name (ignoring case and spaces) and the same role, and that
  pairing is unique; likely renames are applied and reported. A ``mapping``
  ``{old_id: new_id}`` names renames outright and overrides the guess. When
  several candidates fit, nothing is applied and the stakeholder is reported
  as ambiguous.
- **Relationships** match by id when both maps give the same id. The rest
  (a relationship without an id on either side) match by ``(from, to,
  kind)`` with the earlier map's ends renamed; parallel relationships of one
  key pair in file order, and leftovers are formed or retired. Then, still
  without ids, leftovers on the same ``(from, to)`` pair are paired in file
  order as *rewired* (new kind). A moved end can only be followed by id:
  without one it is a retired and a formed relationship.
- A matched relationship is **rewired** when its kind or an end changed,
  **strengthened** when its strength or trust rose, **weakened** when one
  fell (both when one rose and the other fell), **status changed** when its
  status differs, and **changed** when direction, polarity or the power it
  carries changed. One relationship can carry several of these at once.
- A declared loop (by id) is **closed** when it broke in the earlier map and
  holds in the later, **broken** when it held and now breaks, **opened** when
  only the later map declares it, and **dropped** when only the earlier does.

Example
-------
>>> from sysmap import loads_map
>>> before = loads_map('''
... id: today
... title: Today
... guiding_question: Whose voice reaches the board?
... stakeholders:
...   - {id: pwle, name: People with lived experience, role: beneficiary}
...   - {id: board, name: CoC board, role: leader}
... relationships:
...   - {id: r1, from: pwle, to: board, kind: feedback, strength: 1}
... ''')
>>> after = loads_map('''
... id: redesign
... title: Redesign
... guiding_question: Whose voice reaches the board?
... stage: redesign
... stakeholders:
...   - {id: pwle, name: People with lived experience, role: beneficiary}
...   - {id: board, name: CoC board, role: leader}
... relationships:
...   - {id: r1, from: pwle, to: board, kind: feedback, strength: 4}
...   - {id: r2, from: board, to: pwle, kind: informs}
... ''')
>>> c = compare_maps(before, after, shifts=False)
>>> c.counts()["relationships"]
{'formed': 1, 'retired': 0, 'rewired': 0, 'strengthened': 1, 'weakened': 0, 'status_changed': 0, 'changed': 0}
>>> c.findings()[0].text
'1 relationship formed, 1 strengthened'
"""

from __future__ import annotations

import json
import math
import os
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sysmap._gc import gc_paused
from sysmap.errors import BadArgument, MapFileError
from sysmap.findings import Finding
from sysmap.mapfile import read_text
from sysmap.model import Relationship, Stakeholder, SystemMap
from sysmap.problems import did_you_mean
from sysmap.questions import IMPROVEMENT_LABELS, improvement_question
from sysmap.render import (
    Block,
    Bullets,
    Heading,
    Note,
    Para,
    Rendered,
    Table,
    fmt_number,
    pct,
    plural,
)

# sysmap.analysis (numpy, igraph) is imported inside the functions that need
# it, so that `import sysmap` stays quick.

__all__ = [
    "COMPARE_JSON_VERSION",
    "RELATIONSHIP_CHANGES",
    "STAKEHOLDER_FIELDS",
    "FieldChange",
    "Rename",
    "StakeholderChange",
    "RelationshipChange",
    "LoopChange",
    "Changes",
    "MetricShift",
    "Comparison",
    "compare_maps",
    "diff_maps",
    "load_mapping",
]

COMPARE_JSON_VERSION = 1

#: The kinds of relationship change, in report order.
RELATIONSHIP_CHANGES: tuple[str, ...] = (
    "formed",
    "retired",
    "rewired",
    "strengthened",
    "weakened",
    "status_changed",
    "changed",
)

#: Stakeholder fields compared one by one.
STAKEHOLDER_FIELDS: tuple[str, ...] = (
    "name",
    "role",
    "type",
    "organisation",
    "lived_experience",
    "power",
    "interest",
    "tags",
    "attributes",
    "sensitive",
)

# Relationship fields whose change makes it "changed" (besides kind, ends,
# strength, trust and status, which have their own words).
_OTHER_FIELDS: tuple[str, ...] = ("direction", "polarity", "power")

# Analysis settings and flags, not metrics: left out of the metric shifts.
_NOT_METRICS = frozenset(
    {
        "max_length",
        "cap",
        "detail_limit",
        "threshold",
        "depth",
        "seed",
        "include_proposed",
        "detailed",
        "complete",
        "stopped_at_cap",
    }
)

_STAKEHOLDER_CHANGES = ("added", "removed", "changed")

LoopChangeKind = Literal["closed", "broken", "opened", "dropped"]


@dataclass
class FieldChange:
    """One field's value before and after."""

    field: str
    before: Any
    after: Any

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "before": _plain(self.before), "after": _plain(self.after)}

    def describe(self) -> str:
        return f"{self.field} {_show(self.before)} → {_show(self.after)}"


@dataclass
class Rename:
    """A stakeholder whose id changed; ``basis`` says how we know."""

    old_id: str
    new_id: str
    name: str
    basis: Literal["mapping", "same name and role", "ambiguous"]
    candidates: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "old_id": self.old_id,
            "new_id": self.new_id,
            "name": self.name,
            "basis": self.basis,
            "candidates": list(self.candidates),
        }


@dataclass
class StakeholderChange:
    """A stakeholder added, removed or changed (``changes`` field by field)."""

    change: Literal["added", "removed", "changed"]
    id: str
    name: str
    role: str
    changes: list[FieldChange] = field(default_factory=list)
    relationships: list[str] = field(default_factory=list)  # removed: links retired with it

    def to_dict(self) -> dict[str, Any]:
        return {
            "change": self.change,
            "id": self.id,
            "name": self.name,
            "role": self.role,
            "changes": [c.to_dict() for c in self.changes],
            "relationships_retired": len(self.relationships),
        }


@dataclass
class RelationshipChange:
    """One relationship formed, retired or changed.

    ``before`` / ``after`` are the relationship in each map (None when it is
    only in one); ``changes`` names every kind of change that applies.
    """

    changes: list[str]
    before: Relationship | None
    after: Relationship | None
    matched_by: Literal["id", "key", "pair", ""] = ""
    fields: list[FieldChange] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str | None:
        rel = self.after or self.before
        assert rel is not None
        return (self.after.id if self.after is not None else None) or rel.id

    @property
    def current(self) -> Relationship:
        """The relationship as it is in the later map, or the earlier one if retired."""
        rel = self.after or self.before
        assert rel is not None
        return rel

    def label(self) -> str:
        """``From → To (kind)`` with names, in the later map's terms."""
        r = self.current
        n = self.names
        return f"{n.get(r.source, r.source)} → {n.get(r.target, r.target)} ({r.kind})"

    def to_dict(self) -> dict[str, Any]:
        def side(r: Relationship | None) -> dict[str, Any] | None:
            if r is None:
                return None
            return {
                "id": r.id,
                "from": r.source,
                "to": r.target,
                "from_name": self.names.get(r.source, r.source),
                "to_name": self.names.get(r.target, r.target),
                "kind": r.kind,
                "status": r.status,
                "strength": _plain(r.strength),
                "trust": _plain(r.trust),
            }

        return {
            "id": self.id,
            "changes": list(self.changes),
            "matched_by": self.matched_by or None,
            "before": side(self.before),
            "after": side(self.after),
            "fields": [f.to_dict() for f in self.fields],
        }


@dataclass
class LoopChange:
    """A declared loop closed, broken, opened or dropped."""

    change: LoopChangeKind
    id: str
    name: str
    holds_before: bool | None
    holds_after: bool | None
    breaks_after: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "change": self.change,
            "id": self.id,
            "name": self.name,
            "holds_before": self.holds_before,
            "holds_after": self.holds_after,
            "breaks_after": list(self.breaks_after),
        }


@dataclass
class Changes:
    """What changed between two maps: stakeholders, relationships, declared loops."""

    before_id: str
    after_id: str
    renames: list[Rename] = field(default_factory=list)
    stakeholders: list[StakeholderChange] = field(default_factory=list)
    relationships: list[RelationshipChange] = field(default_factory=list)
    loops: list[LoopChange] = field(default_factory=list)
    unchanged_relationships: int = 0

    def stakeholders_by(self, change: str) -> list[StakeholderChange]:
        return [s for s in self.stakeholders if s.change == change]

    def relationships_by(self, change: str) -> list[RelationshipChange]:
        return [r for r in self.relationships if change in r.changes]

    def loops_by(self, change: str) -> list[LoopChange]:
        return [lc for lc in self.loops if lc.change == change]

    def counts(self) -> dict[str, Any]:
        # one pass over each list (a 50k map's comparison holds tens of thousands)
        people = dict.fromkeys(_STAKEHOLDER_CHANGES, 0)
        for s in self.stakeholders:
            if s.change in people:
                people[s.change] += 1
        links = dict.fromkeys(RELATIONSHIP_CHANGES, 0)
        for r in self.relationships:
            for word in r.changes:
                if word in links:
                    links[word] += 1
        return {
            "stakeholders": people,
            "renamed": sum(1 for r in self.renames if r.basis != "ambiguous"),
            "ambiguous": sum(1 for r in self.renames if r.basis == "ambiguous"),
            "relationships": links,
            "unchanged_relationships": self.unchanged_relationships,
            "loops": {c: len(self.loops_by(c)) for c in ("closed", "broken", "opened", "dropped")},
        }

    def _relationships_by_change(self) -> dict[str, list[dict[str, Any]]]:
        """Each kind of change -> its relationships as JSON, in one pass."""
        out: dict[str, list[dict[str, Any]]] = {c: [] for c in RELATIONSHIP_CHANGES}
        for r in self.relationships:
            for word in r.changes:
                if word in out:
                    out[word].append(r.to_dict())
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.before_id,
            "to": self.after_id,
            "counts": self.counts(),
            "renames": [r.to_dict() for r in self.renames],
            "stakeholders": {
                c: [s.to_dict() for s in self.stakeholders_by(c)] for c in _STAKEHOLDER_CHANGES
            },
            "relationships": self._relationships_by_change(),
            "loops": {
                c: [lc.to_dict() for lc in self.loops_by(c)]
                for c in ("closed", "broken", "opened", "dropped")
            },
        }


@dataclass
class MetricShift:
    """One analysis metric across the maps: ``values[i]`` is map ``i``'s."""

    metric: str
    values: list[float | int | None]

    @property
    def before(self) -> float | int | None:
        return self.values[0]

    @property
    def after(self) -> float | int | None:
        return self.values[-1]

    @property
    def delta(self) -> float | int | None:
        if self.before is None or self.after is None:
            return None
        d = self.after - self.before
        return round(d, 6) if isinstance(d, float) else d

    @property
    def trend(self) -> str:
        """``up``, ``down``, ``flat``, ``mixed`` (over three or more maps) or ``n/a``."""
        known = [v for v in self.values if v is not None]
        if len(known) < 2:
            return "n/a"
        steps = [b - a for a, b in zip(known, known[1:], strict=False)]
        if all(abs(s) < 1e-9 for s in steps):
            return "flat"
        if all(s >= -1e-9 for s in steps):
            return "up"
        if all(s <= 1e-9 for s in steps):
            return "down"
        return "mixed"

    def to_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "before": self.before,
            "after": self.after,
            "delta": self.delta,
            "values": list(self.values),
            "trend": self.trend,
        }


@dataclass
class Comparison(Rendered):
    """The comparison of two or more maps: changes, shifts and findings first.

    ``changes`` compare the first map with the last; ``steps`` compare each
    map with the next (one entry when there are two maps); ``shifts`` hold
    every analysis metric across all maps, headline metrics first.
    """

    maps: list[SystemMap]
    changes: Changes
    steps: list[Changes] = field(default_factory=list)
    shifts: list[MetricShift] = field(default_factory=list)
    headline_shifts: list[MetricShift] = field(default_factory=list)
    shift_findings: list[Finding] = field(default_factory=list)
    voice_changes: list[dict[str, Any]] = field(default_factory=list)
    new_single_points: list[dict[str, Any]] = field(default_factory=list)
    resolved_single_points: list[dict[str, Any]] = field(default_factory=list)
    with_shifts: bool = True
    _names: dict[str, str] | None = field(default=None, init=False, repr=False, compare=False)
    _roles: dict[str, str] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def current(self) -> SystemMap:
        return self.maps[0]

    @property
    def redesign(self) -> SystemMap:
        return self.maps[-1]

    def counts(self) -> dict[str, Any]:
        """How many changes of each kind, first map to last."""
        return self.changes.counts()

    def names(self) -> dict[str, str]:
        """Stakeholder and factor names by id, later maps winning (built once: read it,
        do not change it)."""
        if self._names is None:
            self._names = _names_by_id(self.maps)
        return self._names

    def stakeholder_status(self) -> dict[str, str]:
        """Every stakeholder of the first and last maps -> ``added``, ``removed``,
        ``changed`` or ``unchanged`` (renamed ones are ``changed``, under the new id):
        what a diff map colours by."""
        out = {st.id: "unchanged" for st in self.redesign.stakeholders}
        for sc in self.changes.stakeholders:
            out[sc.id] = sc.change
        return out

    def findings(self) -> list[Finding]:
        """What a facilitator reads first: the changes in one line, then the shifts."""
        return self._findings(self.questions())

    def _findings(self, of: dict[int, str | None]) -> list[Finding]:
        out = [Finding(_summary_line(self.changes), "compare", 3)]
        out += self.shift_findings
        out += _change_findings(self.changes)
        counts = [(q, len(rcs)) for q, rcs in self._by_question(of).items() if rcs]
        if counts:
            said = ", ".join(f"{n} {IMPROVEMENT_LABELS[q]}" for q, n in counts)
            out.append(
                Finding(f"Relationship changes by the question they answer: {said}", "compare", 2)
            )
        return out

    def questions(self) -> dict[int, str | None]:
        """``id(change)`` -> the What question each relationship change answers, from
        the role groups of the two stakeholders it joins (None between factors)."""
        if self._roles is None:  # built once, like names()
            self._roles = {st.id: st.role for m in self.maps for st in m.stakeholders}
        roles = self._roles
        out: dict[int, str | None] = {}
        for rc in self.changes.relationships:
            r = rc.current
            out[id(rc)] = improvement_question(roles.get(r.source), roles.get(r.target))
        return out

    def by_question(self) -> dict[str, list[RelationshipChange]]:
        """The relationship changes under each improvement question of the What stage."""
        return self._by_question(self.questions())

    def _by_question(self, of: dict[int, str | None]) -> dict[str, list[RelationshipChange]]:
        out: dict[str, list[RelationshipChange]] = {q: [] for q in IMPROVEMENT_LABELS}
        for rc in self.changes.relationships:
            q = of[id(rc)]
            if q is not None:
                out[q].append(rc)
        return out

    # Writing a big comparison out builds an object per change and frees none until
    # it is done: with the collector on, its walks over the two maps cost several
    # times the writing (50k, text: 2.9 s → 0.5 s paused).
    @gc_paused()
    def to_dict(self) -> dict[str, Any]:
        """The documented JSON: see docs/compare.md."""
        return {
            "sysmap_compare": COMPARE_JSON_VERSION,
            "maps": [
                {
                    "id": m.id,
                    "title": m.title,
                    "stage": m.stage,
                    "as_of": m.as_of.isoformat() if m.as_of else None,
                }
                for m in self.maps
            ],
            "findings": [f.to_dict() for f in self.findings()],
            "changes": self.changes.to_dict(),
            "steps": [
                {"from": s.before_id, "to": s.after_id, "counts": s.counts()} for s in self.steps
            ],
            "shifts": {
                "computed": self.with_shifts,
                "headline": [s.to_dict() for s in self.headline_shifts],
                "voice": list(self.voice_changes),
                "new_single_points_of_failure": list(self.new_single_points),
                "resolved_single_points_of_failure": list(self.resolved_single_points),
                "metrics": [s.to_dict() for s in self.shifts],
            },
        }

    # ------------------------------------------------------------ rendering

    def _title(self) -> str:
        return " → ".join(f"{m.title} ({m.id})" for m in self.maps)

    def _change_rows(self, of: dict[int, str | None]) -> list[list[Any]]:
        rows: list[list[Any]] = []
        order = {q: i for i, q in enumerate(IMPROVEMENT_LABELS)}
        ranked = sorted(self.changes.relationships, key=lambda rc: order.get(of[id(rc)] or "", 9))
        for rc in ranked:
            q = of[id(rc)]
            label = IMPROVEMENT_LABELS[q] if q else "key-factor model"
            rows.append([label, ", ".join(rc.changes), rc.label(), _details(rc)])
        return rows

    def _stakeholder_rows(self) -> list[list[Any]]:
        return [
            [s.change, f"{s.name} ({s.id})", s.role, "; ".join(c.describe() for c in s.changes)]
            for s in self.changes.stakeholders
        ]

    def _shift_rows(self, shifts: list[MetricShift]) -> list[list[Any]]:
        many = len(self.maps) > 2
        rows = []
        for s in shifts:
            row: list[Any] = [s.metric]
            row += [_figure(v) for v in s.values] if many else [_figure(s.before), _figure(s.after)]
            row += [_signed(s.delta), s.trend] if many else [_signed(s.delta)]
            rows.append(row)
        return rows

    def _shift_table(self, shifts: list[MetricShift]) -> Table:
        if len(self.maps) > 2:
            headers = ["metric", *[m.id for m in self.maps], "delta", "trend"]
        else:
            headers = ["metric", "before", "after", "delta"]
        return Table(headers, self._shift_rows(shifts))

    def blocks(self) -> list[Block]:
        """The comparison as a document: what changes, the headline shifts, then
        stakeholders, relationships, declared loops and every metric that moved."""
        of = self.questions()  # one pass over the changes, for the findings and the table
        out: list[Block] = [
            Heading(self._title(), 1),
            Para(self.redesign.guiding_question, label="Guiding question:"),
            Heading("What changes", 2),
            Bullets([f.text for f in self._findings(of)]),
        ]
        if self.headline_shifts:
            out += [Heading("Headline shifts", 2), self._shift_table(self.headline_shifts)]
        ch = self.changes
        if ch.renames:
            out += [
                Heading("Renamed stakeholders", 2),
                Bullets([_rename_text(r) for r in ch.renames]),
            ]
        if ch.stakeholders:
            rows = self._stakeholder_rows()
            out += [
                Heading("Stakeholders", 2),
                Table(["change", "stakeholder", "role", "what"], rows),
            ]
        if ch.relationships:
            rows = self._change_rows(of)
            headers = ["question", "change", "relationship", "what"]
            out += [Heading("Relationships", 2), Table(headers, rows)]
        if ch.loops:
            out += [Heading("Declared loops", 2), Bullets([_loop_text(lc) for lc in ch.loops])]
        if self.shifts:
            moved = [m for m in self.shifts if m.trend != "flat"]
            out += [Heading("Every metric that moved", 2), self._shift_table(moved)]
            out.append(Para(_unchanged_note(len(self.shifts) - len(moved))))
        elif not self.with_shifts:
            out.append(Note("(metric shifts not computed)"))
        return out

    @gc_paused()
    def format_text(self) -> str:
        return super().format_text()

    @gc_paused()
    def format_markdown(self) -> str:
        return super().format_markdown()

    def format_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"


# ----------------------------------------------------------------- helpers


def _unchanged_note(n: int) -> str:
    return f"{plural(n, 'other metric')} unchanged (the JSON output lists every metric)"


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if hasattr(value, "model_dump"):
        return _plain(value.model_dump(mode="json", exclude_defaults=True))
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _show(value: Any) -> str:
    value = _plain(value)
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return str(value)


def _figure(value: Any) -> str:
    """A metric's value: up to three decimals, no trailing zeros (0.125, 0.1, 3), so
    that shares and centralization scores keep the digit that tells them apart."""
    if isinstance(value, float) and not value.is_integer():
        return fmt_number(value, 3).rstrip("0").rstrip(".")
    return fmt_number(value)


def _signed(value: Any) -> str:
    if value is None:
        return "—"
    if value == 0:
        return "0"
    return ("+" if value > 0 else "") + _figure(value)


def _details(rc: RelationshipChange) -> str:
    parts = [f.describe() for f in rc.fields]
    if "formed" in rc.changes and rc.after is not None:
        parts.append(f"status {rc.after.status}")
    if "retired" in rc.changes and rc.before is not None:
        parts.append(f"was {rc.before.status}")
    return "; ".join(parts)


def _rename_text(r: Rename) -> str:
    if r.basis == "ambiguous":
        return (
            f"{r.name} ({r.old_id}) may have been renamed to one of "
            f"{', '.join(r.candidates)} — name it in a mapping file to follow it"
        )
    how = "by the mapping" if r.basis == "mapping" else "likely: same name and role"
    return f"{r.name}: {r.old_id} → {r.new_id} ({how})"


def _loop_text(lc: LoopChange) -> str:
    if lc.change == "closed":
        return f"closed: '{lc.name}' was broken and now holds"
    if lc.change == "broken":
        where = f" at {', '.join(lc.breaks_after)}" if lc.breaks_after else ""
        return f"broken: '{lc.name}' held and now breaks{where}"
    if lc.change == "opened":
        state = "holds" if lc.holds_after else "does not hold yet"
        return f"opened: '{lc.name}' is new and {state}"
    return f"dropped: '{lc.name}' is no longer declared"


def _summary_line(changes: Changes) -> str:
    c = changes.counts()
    rel = c["relationships"]
    parts = []
    words = {
        "formed": "formed",
        "retired": "retired",
        "rewired": "rewired",
        "strengthened": "strengthened",
        "weakened": "weakened",
        "status_changed": "changed status",
    }
    for key, word in words.items():
        if rel[key]:
            parts.append(f"{rel[key]} {word}")
    line = ""
    if parts:
        first, *rest = parts
        n, _, word = first.partition(" ")
        line = f"{n} relationship{'s' if n != '1' else ''} {word}"
        line += "".join(f", {p}" for p in rest)
    st = c["stakeholders"]
    who = [f"{st[k]} {k}" for k in ("added", "removed") if st[k]]
    if who:
        s_line = "stakeholders: " + ", ".join(who)
        line = f"{line}; {s_line}" if line else s_line
    return line or "no changes between the maps"


def _change_findings(changes: Changes) -> list[Finding]:

    out: list[Finding] = []
    for r in changes.renames:
        out.append(Finding(_rename_text(r), "compare", 2, [r.old_id, r.new_id]))
    removed = [s for s in changes.stakeholders_by("removed") if s.relationships]
    for s in removed:
        out.append(
            Finding(
                f"{s.name} leaves the map with {plural(len(s.relationships), 'relationship')}",
                "compare",
                2,
                [s.id],
            )
        )
    return out


# --------------------------------------------------------------- the mapping


def load_mapping(path: str | os.PathLike[str]) -> dict[str, str]:
    """Read a mapping file ``{old_id: new_id}`` (YAML or JSON).

    Raises
    ------
    MapFileError
        The file is missing, unreadable, or not a list of ``old: new`` pairs.

    Example
    -------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "renames.yaml"
    >>> _ = p.write_text("lewg-tommy: tommy\\n")
    >>> load_mapping(p)
    {'lewg-tommy': 'tommy'}
    """
    p = Path(path)
    text = read_text(p)  # a regular file under the size limit, UTF-8: a named pipe would hang
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        data = YAML(typ="safe").load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        raise MapFileError(
            f"{p}{where}: the mapping file is not valid YAML or JSON — write one "
            "'old_id: new_id' per line"
        ) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise MapFileError(
            f"{p}: a mapping file holds 'old_id: new_id' pairs, one per line — "
            "this one holds something else"
        )
    out: dict[str, str] = {}
    for old, new in data.items():
        if not isinstance(old, (str, int)) or not isinstance(new, (str, int)):
            raise MapFileError(
                f"{p}: {old!r}: each entry is 'old_id: new_id' with two stakeholder ids"
            )
        out[str(old)] = str(new)
    return out


def _check_mapping(
    mapping: Mapping[str, str], before: SystemMap, after: SystemMap, source: str
) -> None:
    old_ids = {s.id for s in before.stakeholders}
    new_ids = {s.id for s in after.stakeholders}
    problems = []
    for old, new in mapping.items():
        if old not in old_ids:
            guess = did_you_mean(old, old_ids)
            hint = f" — did you mean '{guess}'?" if guess else ""
            problems.append(f"'{old}' is not a stakeholder in the earlier map ({before.id}){hint}")
        if new not in new_ids:
            guess = did_you_mean(new, new_ids)
            hint = f" — did you mean '{guess}'?" if guess else ""
            problems.append(f"'{new}' is not a stakeholder in the later map ({after.id}){hint}")
    for old, new in mapping.items():
        if new != old and new in old_ids and new not in mapping:
            problems.append(
                f"'{new}' is already a stakeholder in the earlier map — to give '{old}' "
                f"its id, map '{new}' to a new id too"
            )
    targets = defaultdict(list)
    for old, new in mapping.items():
        targets[new].append(old)
    for new, olds in targets.items():
        if len(olds) > 1:
            problems.append(f"'{new}' is named as the new id of {', '.join(olds)} — pick one")
    if problems:
        raise BadArgument(f"{source}: " + "; ".join(problems), argument="mapping")


# ------------------------------------------------------------------ diffing


def _norm(name: str) -> str:
    return " ".join(name.casefold().split())


def _renames(
    before: SystemMap, after: SystemMap, mapping: Mapping[str, str] | None, detect: bool
) -> list[Rename]:
    old = {s.id: s for s in before.stakeholders}
    new = {s.id: s for s in after.stakeholders}
    out: list[Rename] = []
    taken_old: set[str] = set()
    taken_new: set[str] = set()
    for o, n in (mapping or {}).items():
        if o == n:
            continue
        out.append(Rename(o, n, new[n].name, "mapping"))
        taken_old.add(o)
        taken_new.add(n)
    if not detect:
        return out
    gone = [s for s in before.stakeholders if s.id not in new and s.id not in taken_old]
    if not gone:
        return out
    arrived: dict[tuple[str, str], list[Stakeholder]] = defaultdict(list)
    for s in after.stakeholders:
        if s.id not in old and s.id not in taken_new:
            arrived[(_norm(s.name), s.role)].append(s)
    leaving: dict[tuple[str, str], list[Stakeholder]] = defaultdict(list)
    for s in gone:
        leaving[(_norm(s.name), s.role)].append(s)
    for key, olds in leaving.items():
        news = arrived.get(key, [])
        if not news:
            continue
        if len(olds) == 1 and len(news) == 1:
            out.append(Rename(olds[0].id, news[0].id, news[0].name, "same name and role"))
        else:
            for s in olds:
                out.append(Rename(s.id, "", s.name, "ambiguous", candidates=[n.id for n in news]))
    return out


def _stakeholder_fields(a: Stakeholder, b: Stakeholder) -> list[FieldChange]:
    if a.__dict__ == b.__dict__:  # every field equal (the common case): one C-level compare
        return []
    out = []
    for name in STAKEHOLDER_FIELDS:
        x, y = getattr(a, name), getattr(b, name)
        if name == "tags":
            if sorted(x) != sorted(y):
                out.append(FieldChange(name, x, y))
        elif x != y:
            out.append(FieldChange(name, x, y))
    return out


def _relationship_fields(a: Relationship, b: Relationship, rn: Mapping[str, str]) -> list[str]:
    """The change words for a matched pair (see the module notes)."""
    words = []
    if (
        a.kind != b.kind
        or rn.get(a.source, a.source) != b.source
        or rn.get(a.target, a.target) != b.target
    ):
        words.append("rewired")
    up = down = False
    for name in ("strength", "trust"):
        x, y = getattr(a, name), getattr(b, name)
        if x is not None and y is not None:
            up |= y > x
            down |= y < x
    if up:
        words.append("strengthened")
    if down:
        words.append("weakened")
    if a.status != b.status:
        words.append("status_changed")
    if any(getattr(a, f) != getattr(b, f) for f in _OTHER_FIELDS):
        words.append("changed")
    return words


def _field_list(a: Relationship, b: Relationship, rn: Mapping[str, str]) -> list[FieldChange]:
    out = []
    for name, x, y in (
        ("from", rn.get(a.source, a.source), b.source),
        ("to", rn.get(a.target, a.target), b.target),
        ("kind", a.kind, b.kind),
        ("strength", a.strength, b.strength),
        ("trust", a.trust, b.trust),
        ("status", a.status, b.status),
        ("direction", a.direction, b.direction),
        ("polarity", a.polarity, b.polarity),
        ("power", a.power, b.power),
    ):
        if x != y:
            out.append(FieldChange(name, x, y))
    return out


# Matching builds an object per relationship and frees none: the cycle collector's
# walks over two big maps cost twice the matching itself (50k: 2.8 s → 0.9 s paused).
@gc_paused()
def diff_maps(
    before: SystemMap,
    after: SystemMap,
    *,
    mapping: Mapping[str, str] | None = None,
    detect_renames: bool = True,
    mapping_source: str = "the mapping",
) -> Changes:
    """The changes between two maps: stakeholders, relationships, declared loops.

    This is the matching half of :func:`compare_maps`, without the analyses.

    Parameters
    ----------
    before, after : SystemMap
        The earlier map (e.g. the current system) and the later one.
    mapping : dict, optional
        ``{old_id: new_id}`` for stakeholders whose id changed.
    detect_renames : bool
        Follow a stakeholder whose id changed but whose name and role did not.
    mapping_source : str
        How error messages name the mapping (the CLI passes the file name).

    Returns
    -------
    Changes

    Raises
    ------
    BadArgument
        The mapping names an id that is not in the map it should be in.

    Example
    -------
    >>> from sysmap import SystemMap, Stakeholder, Relationship
    >>> s = [Stakeholder(id="a", name="A", role="leader"),
    ...      Stakeholder(id="b", name="B", role="provider")]
    >>> m1 = SystemMap(id="m1", title="M1", guiding_question="?", stakeholders=s,
    ...     relationships=[Relationship(source="a", target="b", kind="informs")])
    >>> m2 = SystemMap(id="m2", title="M2", guiding_question="?", stakeholders=s,
    ...     relationships=[Relationship(source="a", target="b", kind="funds")])
    >>> [rc.changes for rc in diff_maps(m1, m2).relationships]
    [['rewired']]
    """
    if mapping:
        _check_mapping(mapping, before, after, mapping_source)
    renames = _renames(before, after, mapping, detect_renames)
    rn = {r.old_id: r.new_id for r in renames if r.basis != "ambiguous"}
    out = Changes(before.id, after.id, renames=renames)
    out.stakeholders = _stakeholder_changes(before, after, rn)
    pairs, left_old, left_new = _match_relationships(before, after, rn)
    _relationship_changes(out, pairs, left_old, left_new, rn, _names_by_id([before, after]))
    out.loops = _loop_changes(before, after)
    return out


def _names_by_id(maps: Sequence[SystemMap]) -> dict[str, str]:
    """Stakeholder and factor names by id, later maps winning."""
    out: dict[str, str] = {}
    for m in maps:
        out.update({s.id: s.name for s in m.stakeholders})
        out.update({f.id: f.name for f in m.factors})
    return out


def _stakeholder_changes(
    before: SystemMap, after: SystemMap, rn: Mapping[str, str]
) -> list[StakeholderChange]:
    """Stakeholders removed, changed (renames followed) and added, in that map order."""
    out: list[StakeholderChange] = []
    new_by_id = {s.id: s for s in after.stakeholders}
    matched_new: set[str] = set()
    for s in before.stakeholders:
        nid = rn.get(s.id, s.id)
        t = new_by_id.get(nid)
        if t is None:
            out.append(StakeholderChange("removed", s.id, s.name, s.role))
            continue
        matched_new.add(nid)
        fields = _stakeholder_fields(s, t)
        if nid != s.id:
            fields.insert(0, FieldChange("id", s.id, nid))
        if fields:
            out.append(StakeholderChange("changed", nid, t.name, t.role, fields))
    for t in after.stakeholders:
        if t.id not in matched_new:
            out.append(StakeholderChange("added", t.id, t.name, t.role))
    return out


_Pair = tuple[Relationship, Relationship, Literal["id", "key", "pair"]]


def _match_relationships(
    before: SystemMap, after: SystemMap, rn: Mapping[str, str]
) -> tuple[list[_Pair], list[Relationship], list[Relationship]]:
    """Matched pairs, then the earlier map's and the later map's relationships left over."""
    # 1) by id (a relationship without one looks up None, which no id is)
    new_ids = {r.id: r for r in after.relationships if r.id is not None}
    pairs: list[_Pair] = []
    left_old: list[Relationship] = []
    old_ids: set[str | None] = set()
    for r in before.relationships:
        old_ids.add(r.id)
        same = new_ids.get(r.id)  # type: ignore[arg-type]
        if same is not None:
            pairs.append((r, same, "id"))
        else:
            left_old.append(r)
    # a later relationship whose id the earlier map has is matched by it (the last
    # one of a repeated id) or, repeated, is not matched by ends either
    old_ids.discard(None)
    left_new = [r for r in after.relationships if r.id not in old_ids]
    # 2) by (from, to, kind), only where one side has no id; 3) by (from, to)
    for level in ("key", "pair"):
        found, left_old = _match_by_ends(left_old, left_new, rn, with_kind=level == "key")
        taken = {id(new) for _, new in found}
        pairs += [(old, new, "key" if level == "key" else "pair") for old, new in found]
        left_new = [r for r in left_new if id(r) not in taken]
    return pairs, left_old, left_new


def _match_by_ends(
    left_old: list[Relationship],
    left_new: list[Relationship],
    rn: Mapping[str, str],
    *,
    with_kind: bool,
) -> tuple[list[tuple[Relationship, Relationship]], list[Relationship]]:
    """Pairs on the same ends (and kind), in file order, where one side has no id;
    and the earlier relationships still unmatched."""
    queue: dict[tuple[str, ...], list[Relationship]] = defaultdict(list)
    for r in left_new:
        queue[(r.source, r.target, r.kind) if with_kind else (r.source, r.target)].append(r)
    pairs: list[tuple[Relationship, Relationship]] = []
    still_old: list[Relationship] = []
    for r in left_old:
        src, dst = rn.get(r.source, r.source), rn.get(r.target, r.target)
        cands = queue.get((src, dst, r.kind) if with_kind else (src, dst))
        if not cands:
            still_old.append(r)
            continue
        # the first candidate when this one has no id, else the first without one
        j = 0 if r.id is None else _first_without_id(cands)
        if j is None:
            still_old.append(r)
        else:
            pairs.append((r, cands.pop(j)))
    return pairs, still_old


def _first_without_id(rels: list[Relationship]) -> int | None:
    for j, c in enumerate(rels):
        if c.id is None:
            return j
    return None


def _relationship_changes(
    out: Changes,
    pairs: list[_Pair],
    left_old: list[Relationship],
    left_new: list[Relationship],
    rn: Mapping[str, str],
    names: dict[str, str],
) -> None:
    """Fill in ``out``'s relationship changes: matched pairs that differ, then the
    retired and the formed; a removed stakeholder learns which links left with it."""
    changed = out.relationships
    unchanged = 0
    for old_r, new_r, how in pairs:
        # every field equal and no end renamed (most pairs): one C-level compare
        if old_r.__dict__ == new_r.__dict__ and (
            not rn or (old_r.source not in rn and old_r.target not in rn)
        ):
            unchanged += 1
            continue
        words = _relationship_fields(old_r, new_r, rn)
        if words:
            fields = _field_list(old_r, new_r, rn)
            changed.append(RelationshipChange(words, old_r, new_r, how, fields, names))
        else:
            unchanged += 1
    out.unchanged_relationships += unchanged
    removed = {sc.id: sc for sc in out.stakeholders if sc.change == "removed"}
    for r in left_old:
        changed.append(RelationshipChange(["retired"], r, None, "", [], names))
        if r.source in removed or r.target in removed:
            for e in {r.source, r.target} & removed.keys():
                removed[e].relationships.append(r.id or f"{r.source}->{r.target}")
    for r in left_new:
        changed.append(RelationshipChange(["formed"], None, r, "", [], names))
    order = {w: i for i, w in enumerate(RELATIONSHIP_CHANGES)}
    changed.sort(key=lambda rc: order[rc.changes[0]])


def _declared(m: SystemMap) -> dict[str, Any]:
    # The loops analysis' own check of declared loops, without its cycle search.
    from sysmap.analysis._loops import check_declared_loops

    names = {s.id: s.name for s in m.stakeholders}
    names.update({f.id: f.name for f in m.factors})
    return {d.id: d for d in check_declared_loops(m, names)}


def _loop_changes(before: SystemMap, after: SystemMap) -> list[LoopChange]:
    if not before.loops and not after.loops:
        return []
    old, new = _declared(before), _declared(after)
    out = []
    for lid, d in new.items():
        breaks = [f"{b.source_name} → {b.target_name} ({b.reason})" for b in d.breaks]
        o = old.get(lid)
        if o is None:
            out.append(LoopChange("opened", lid, d.name, None, d.holds, breaks))
        elif not o.holds and d.holds:
            out.append(LoopChange("closed", lid, d.name, False, True))
        elif o.holds and not d.holds:
            out.append(LoopChange("broken", lid, d.name, True, False, breaks))
    for lid, o in old.items():
        if lid not in new:
            out.append(LoopChange("dropped", lid, o.name, o.holds, None))
    order = {"closed": 0, "broken": 1, "opened": 2, "dropped": 3}
    out.sort(key=lambda lc: order[lc.change])
    return out


# ------------------------------------------------------------------- shifts


def _flatten(data: Any, prefix: str, out: dict[str, float | int | None]) -> None:
    if isinstance(data, dict):
        for k, v in data.items():
            if k in _NOT_METRICS or k in ("findings", "analysis", "by"):
                continue
            _flatten(v, f"{prefix}.{k}", out)
    elif isinstance(data, bool):
        return
    elif isinstance(data, (int, float)):
        if isinstance(data, float) and not math.isfinite(data):
            out[prefix] = None
        else:
            out[prefix] = data
    elif data is None and prefix.count(".") >= 1:
        out[prefix] = None


def _metrics(result: Any) -> dict[str, dict[str, float | int | None]]:
    out: dict[str, dict[str, float | int | None]] = {}
    for name, r in result.results.items():
        flat: dict[str, float | int | None] = {}
        _flatten(r.to_dict(), name, flat)
        out[name] = flat
    return out


#: Headline metrics, in the order a facilitator reads them.
HEADLINE_METRICS: tuple[str, ...] = (
    "power.decision_power.beneficiary_share",
    "power.by_role.beneficiary.share",
    "power.by_role.provider.share",
    "power.by_role.leader.share",
    "voice.counts.two_way",
    "voice.counts.one_way",
    "voice.counts.no_voice",
    "structure.components.count",
    "structure.centralization.in_degree",
    "structure.centralization.out_degree",
    "power.concentration.gini",
)


def _single_points(d: dict[str, Any]) -> set[tuple[str, str, str]]:
    out = set()
    for row in d.get("single_funder", []):
        out.add(("single funder", row["stakeholder"], row["funder"]))
    for row in d.get("single_gatekeeper", []):
        out.add(("single gatekeeper", row["beneficiary"], row["gatekeeper"]))
    return out


def _shift_findings(c: Comparison, changes: Changes) -> list[Finding]:
    by = {s.metric: s for s in c.shifts}
    return [
        *_power_findings(by),
        *_voice_findings(c, by),
        *_loop_findings(changes),
        *_structure_findings(by),
        *_single_point_findings(c),
    ]


def _moved(s: MetricShift | None, at_least: float = 0.0) -> bool:
    """Whether a metric has a value on both sides that differ (by ``at_least`` or more)."""
    if s is None or s.before is None or s.after is None:
        return False
    return s.after != s.before and abs(s.after - s.before) >= at_least


def _power_findings(by: dict[str, MetricShift]) -> list[Finding]:

    out: list[Finding] = []
    s = by.get("power.decision_power.beneficiary_share")
    if s is not None and _moved(s, 0.005):
        text = f"Beneficiaries' share of decision power: {pct(s.before)} → {pct(s.after)}"
        out.append(Finding(text, "compare", 3))
    # power held by role group, when it moved by at least one point
    moved = [
        f"{_ROLE_PLURAL[role]} {pct(s.before)} → {pct(s.after)}"
        for role in ("beneficiary", "provider", "leader")
        if (s := by.get(f"power.by_role.{role}.share")) is not None and _moved(s, 0.01)
    ]
    if moved:
        out.append(Finding("Power held by role group: " + ", ".join(moved), "compare", 3))
    return out


def _voice_findings(c: Comparison, by: dict[str, MetricShift]) -> list[Finding]:

    out: list[Finding] = []
    two_way = [v for v in c.voice_changes if v["after"] == "two-way"]
    if two_way:
        verb = "hears" if len(two_way) == 1 else "hear"
        text = f"{plural(len(two_way), 'beneficiary group')} now {verb} back (two-way): "
        text += _and([v["name"] for v in two_way])
        out.append(Finding(text, "compare", 3, [v["id"] for v in two_way]))
    worse = [v for v in c.voice_changes if _voice_rank(v["after"]) < _voice_rank(v["before"])]
    if worse:
        text = "Voice gets worse for " + _and(
            [f"{v['name']} ({v['before']} → {v['after']})" for v in worse]
        )
        out.append(Finding(text, "compare", 3, [v["id"] for v in worse]))
    for metric, said in (
        ("voice.counts.two_way", "heard by a leader and hearing back (two-way)"),
        ("voice.counts.no_voice", "with no voice path to a leader"),
    ):
        s = by.get(metric)
        if s is not None and _moved(s):
            out.append(Finding(f"Beneficiary groups {said}: {s.before} → {s.after}", "compare", 2))
    return out


def _loop_findings(changes: Changes) -> list[Finding]:

    out: list[Finding] = []
    for kind, said in (("closed", "closed"), ("broken", "now broken")):
        loops = changes.loops_by(kind)
        if loops:
            text = f"{plural(len(loops), 'feedback loop')} {said}: "
            text += _and([f"'{lc.name}'" for lc in loops])
            out.append(Finding(text, "compare", 3, [lc.id for lc in loops]))
    opened = changes.loops_by("opened")
    if opened:
        holding = sum(1 for lc in opened if lc.holds_after)
        text = f"{plural(len(opened), 'new feedback loop')} declared, {holding} of them holding"
        out.append(Finding(text, "compare", 2, [lc.id for lc in opened]))
    return out


def _structure_findings(by: dict[str, MetricShift]) -> list[Finding]:

    out: list[Finding] = []
    s = by.get("structure.components.count")
    if s is not None and s.before != s.after:
        word = "less" if (s.after or 0) < (s.before or 0) else "more"
        text = f"The system is {word} fragmented: {s.before} → {s.after} separate parts"
        out.append(Finding(text, "compare", 2))
    for key, label in (("in_degree", "in-degree"), ("out_degree", "out-degree")):
        s = by.get(f"structure.centralization.{key}")
        if s is not None and s.delta is not None and abs(s.delta) >= 0.02:
            word = "more" if s.delta > 0 else "less"
            text = (
                f"The network is {word} centralized ({label}): "
                f"{_figure(s.before)} → {_figure(s.after)}"
            )
            out.append(Finding(text, "compare", 2))
    return out


def _single_point_findings(c: Comparison) -> list[Finding]:

    out: list[Finding] = []
    label_of = c.names()
    if c.new_single_points:
        points = [
            f"{label_of.get(p['stakeholder'], p['stakeholder'])} depends on "
            f"{label_of.get(p['on'], p['on'])} alone ({p['kind']})"
            for p in c.new_single_points
        ]
        text = f"{plural(len(points), 'new single point')} of failure: " + _and(points)
        out.append(Finding(text, "compare", 3, [p["stakeholder"] for p in c.new_single_points]))
    if c.resolved_single_points:
        n = len(c.resolved_single_points)
        out.append(Finding(f"{plural(n, 'single point')} of failure removed", "compare", 2))
    return out


_ROLE_PLURAL = {"beneficiary": "beneficiaries", "provider": "providers", "leader": "leaders"}


def _voice_rank(verdict: str | None) -> int:
    return {"no voice": 0, "one-way": 1, "two-way": 2}.get(verdict or "", -1)


def _and(items: Sequence[str], limit: int = 6) -> str:
    items = list(items)
    if len(items) > limit:
        items = [*items[:limit], f"{len(items) - limit} more"]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _add_shifts(c: Comparison, analyses: Sequence[Any] | None, **analyze_args: Any) -> None:
    from sysmap.analysis.suite import analyze

    results = list(analyses) if analyses else [analyze(m, **analyze_args) for m in c.maps]
    # only what every map's analysis ran (one given with the equity lens, say)
    common = set.intersection(*(set(r.results) for r in results))
    flats = [{k: v for k, v in _metrics(r).items() if k in common} for r in results]
    keys: list[str] = []
    seen: set[str] = set()
    for flat in flats:
        for group in flat.values():
            for k in group:
                if k not in seen:
                    seen.add(k)
                    keys.append(k)
    merged = [{k: v for g in flat.values() for k, v in g.items()} for flat in flats]
    c.shifts = [MetricShift(k, [mm.get(k) for mm in merged]) for k in keys]
    c.shifts = [s for s in c.shifts if any(v is not None for v in s.values)]
    by = {s.metric: s for s in c.shifts}
    c.headline_shifts = [by[k] for k in HEADLINE_METRICS if k in by]

    # voice verdicts and single points, first map to last, following renames
    rn = {r.old_id: r.new_id for r in c.changes.renames if r.basis != "ambiguous"}
    first = results[0].results.get("voice")
    last = results[-1].results.get("voice")
    if first is not None and last is not None:
        after = {b["id"]: b for b in last.to_dict()["beneficiaries"]}
        for b in first.to_dict()["beneficiaries"]:
            a = after.get(rn.get(b["id"], b["id"]))
            if a is not None and a["verdict"] != b["verdict"]:
                c.voice_changes.append(
                    {
                        "id": a["id"],
                        "name": a["name"],
                        "before": b["verdict"],
                        "after": a["verdict"],
                    }
                )
        c.voice_changes.sort(key=lambda v: (-_voice_rank(v["after"]), v["name"]))
    p0 = results[0].results.get("power")
    p1 = results[-1].results.get("power")
    if p0 is not None and p1 is not None:
        old = {(k, rn.get(a, a), rn.get(b, b)) for k, a, b in _single_points(p0.to_dict())}
        new = _single_points(p1.to_dict())
        c.new_single_points = [
            {"kind": k, "stakeholder": a, "on": b} for k, a, b in sorted(new - old)
        ]
        c.resolved_single_points = [
            {"kind": k, "stakeholder": a, "on": b} for k, a, b in sorted(old - new)
        ]
    c.shift_findings = _shift_findings(c, c.changes)


def compare_maps(
    current: SystemMap,
    redesign: SystemMap,
    *more: SystemMap,
    mapping: Mapping[str, str] | str | os.PathLike[str] | None = None,
    detect_renames: bool = True,
    shifts: bool = True,
    max_loop_length: int = 8,
    loop_cap: int = 10_000,
    analyses: Sequence[Any] | None = None,
) -> Comparison:
    """Compare the current system with its redesign, or snapshots over time.

    Parameters
    ----------
    current, redesign : SystemMap
        The earlier map and the later one.
    *more : SystemMap
        Later snapshots, in time order: changes then run from the first map to
        the last, ``steps`` compare each map with the next, and every metric
        gets its trend.
    mapping : dict or path, optional
        ``{old_id: new_id}`` for stakeholders whose id changed between the
        first two maps (or a YAML/JSON file of such pairs).
    detect_renames : bool
        Follow a stakeholder whose id changed but whose name and role did not.
    shifts : bool
        Run the analyses on every map for the metric shifts (the slow part on
        big maps); ``False`` gives the changes only.
    max_loop_length, loop_cap : int
        Bounds of the feedback-loop search (see :func:`sysmap.analysis.loops`).
    analyses : sequence of Analysis, optional
        What :func:`sysmap.analysis.analyze` already gave for each map, in
        order, so the shifts do not run the analyses again (the workshop report
        passes the ones it shows).

    Returns
    -------
    Comparison
        ``.findings()`` first; ``.changes``, ``.shifts``, ``.to_dict()``,
        ``.format_text()``, ``.format_markdown()``.

    Raises
    ------
    BadArgument
        The mapping names an id that is not in the map it should be in, or
        ``analyses`` does not give one analysis per map.
    MapFileError
        The mapping file cannot be read.

    Example
    -------
    >>> import sysmap
    >>> from sysmap.examples import examples_folder
    >>> current = sysmap.load_map(examples_folder() / "homelessness-current.yaml")
    >>> redesign = sysmap.load_map(examples_folder() / "homelessness-redesign.yaml")
    >>> c = compare_maps(current, redesign, shifts=False)
    >>> c.counts()["stakeholders"]
    {'added': 5, 'removed': 2, 'changed': 4}
    """
    maps = [current, redesign, *more]
    if shifts and analyses is not None and len(analyses) != len(maps):
        raise BadArgument(
            f"analyses: give one analysis per map ({len(maps)}), not {len(analyses)}",
            argument="analyses",
        )
    steps, changes = _diff_steps(maps, mapping, detect_renames)
    c = Comparison(maps, changes, steps, with_shifts=shifts)
    if shifts:
        _add_shifts(c, analyses, max_loop_length=max_loop_length, loop_cap=loop_cap)
    return c


def _diff_steps(
    maps: list[SystemMap],
    mapping: Mapping[str, str] | str | os.PathLike[str] | None,
    detect_renames: bool,
) -> tuple[list[Changes], Changes]:
    """Each map against the next, and the first against the last (renames followed
    through every step)."""
    source = "the mapping"
    if mapping is not None and not isinstance(mapping, Mapping):
        source = str(mapping)
        mapping = load_mapping(mapping)
    steps = [
        diff_maps(
            a,
            b,
            mapping=mapping if i == 0 else None,
            detect_renames=detect_renames,
            mapping_source=source,
        )
        for i, (a, b) in enumerate(zip(maps, maps[1:], strict=False))
    ]
    if len(maps) == 2:
        return steps, steps[0]
    first_ids = {s.id for s in maps[0].stakeholders}
    last_ids = {s.id for s in maps[-1].stakeholders}
    chained = {o: n for o, n in _chain(steps).items() if o in first_ids and n in last_ids}
    return steps, diff_maps(maps[0], maps[-1], mapping=chained, detect_renames=detect_renames)


def _chain(steps: list[Changes]) -> dict[str, str]:
    """Renames from the first map to the last, following each step's."""
    out: dict[str, str] = {}
    for step in steps:
        rn = {r.old_id: r.new_id for r in step.renames if r.basis != "ambiguous"}
        out = {o: rn.get(n, n) for o, n in out.items()}
        for o, n in rn.items():
            if o not in out.values():
                out[o] = n
    return {o: n for o, n in out.items() if o != n}
