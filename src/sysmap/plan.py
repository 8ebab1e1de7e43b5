"""The change plan: what to form, rewire, strengthen and retire, who owns it.

:func:`change_plan` turns a :class:`~sysmap.compare.Comparison` into a plan a
guiding team can act on. Each relationship that changes is one item, filed
under its first action in this order: **form**, **rewire**, **strengthen**,
**weaken**, **status** (e.g. proposed → existing, broken → existing), **adjust**
(direction, polarity or power only), **retire**; a relationship both rewired
and strengthened is filed under *rewire* and its details say both. Then the
stakeholders to **bring in** (added) and those **leaving** (removed).

Each relationship item also says which question of the What stage it answers
(document 002): how relationships improve among providers, among
beneficiaries or among leaders, how providers serve beneficiaries, how leaders
shift power to beneficiaries, or how leaders and providers redesign the system —
read from the role groups of the two stakeholders it joins
(:func:`sysmap.questions.improvement_question`). The Markdown plan is grouped
under those questions; a causal link between factors belongs to the key-factor
model.

Each relationship item names its stakeholders (names, not ids), and, from the
redesign's ``change`` block: the reason, the owner (a stakeholder, by name),
the pilot and the measures that track it (by measure name). Items without an
owner are counted in the plan's findings, so the gap is visible.

Writers: :meth:`ChangePlan.blocks` (a table of changes under each question,
written by :mod:`sysmap.render` as Markdown, text or HTML — the workshop
report shows the same tables), :meth:`ChangePlan.format_csv`,
:meth:`ChangePlan.to_dict` (documented in docs/compare.md), and
:func:`write_plan` (atomic, format by the file's suffix).

Example
-------
>>> import sysmap
>>> from sysmap.examples import examples_folder
>>> from sysmap.model import Relationship
>>> today = sysmap.load_map(examples_folder() / "small.yaml")
>>> letter = Relationship(source="board", target="families", kind="informs",
...     change={"reason": "Nothing came back", "owner": "board", "pilot": "Monthly letter"})
>>> redesign = today.model_copy(update={"relationships": [*today.relationships, letter]})
>>> plan = change_plan(sysmap.compare_maps(today, redesign, shifts=False))
>>> item = plan.items[0]
>>> item.action, item.source_name, item.target_name, item.owner_name, item.pilot
('form', 'CoC board', 'Families in shelter', 'CoC board', 'Monthly letter')
"""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sysmap.compare import Comparison, RelationshipChange, StakeholderChange
from sysmap.errors import UnknownFormat
from sysmap.escape import spreadsheet_cell
from sysmap.findings import Finding
from sysmap.problems import one_of
from sysmap.questions import IMPROVEMENT_QUESTIONS, QUESTIONS, improvement_question
from sysmap.render import Block, Bullets, Heading, Mark, Para, Rendered, Table
from sysmap.storage import write_atomic

__all__ = [
    "PLAN_JSON_VERSION",
    "ACTIONS",
    "PLAN_FORMATS",
    "QUESTION_GROUPS",
    "PlanItem",
    "ChangePlan",
    "change_plan",
    "generate_plan",
    "write_plan",
]

PLAN_JSON_VERSION = 1

#: The plan's groups, in order, with their headings.
ACTIONS: dict[str, str] = {
    "form": "Form new relationships",
    "rewire": "Rewire",
    "strengthen": "Strengthen",
    "weaken": "Weaken on purpose",
    "status": "Change status",
    "adjust": "Adjust",
    "retire": "Retire",
    "bring_in": "Stakeholders to bring in",
    "leave": "Stakeholders leaving the map",
}

#: The groups of the Markdown plan, in order: the What stage's improvement
#: questions, then the key-factor model (causal links between factors).
QUESTION_GROUPS: tuple[str, ...] = (
    *dict.fromkeys(IMPROVEMENT_QUESTIONS.values()),
    "what.key-factors",
)

# The action in a word, before an item listed under its question.
_VERBS = {"form": "Form", "status": "Change status", "weaken": "Weaken"}

#: The formats :func:`generate_plan` writes.
PLAN_FORMATS: tuple[str, ...] = ("md", "csv", "json")

# The first matching change word decides a relationship's group.
_GROUP_OF: tuple[tuple[str, str], ...] = (
    ("formed", "form"),
    ("rewired", "rewire"),
    ("strengthened", "strengthen"),
    ("weakened", "weaken"),
    ("status_changed", "status"),
    ("changed", "adjust"),
    ("retired", "retire"),
)

CSV_COLUMNS: tuple[str, ...] = (
    "action",
    "relationship",
    "from",
    "to",
    "kind",
    "what",
    "status",
    "reason",
    "owner",
    "pilot",
    "measures",
    "question",
)


@dataclass
class PlanItem:
    """One thing to do: a relationship to change or a stakeholder to bring in."""

    action: (
        Literal["form", "rewire", "strengthen", "weaken", "status", "adjust", "retire"]
        | Literal["bring_in", "leave"]
    )
    what: str
    relationship: str | None = None
    source: str | None = None
    target: str | None = None
    source_name: str | None = None
    target_name: str | None = None
    kind: str | None = None
    status: str | None = None
    changes: list[str] = field(default_factory=list)
    reason: str | None = None
    owner: str | None = None
    owner_name: str | None = None
    pilot: str | None = None
    measures: list[str] = field(default_factory=list)
    measure_names: list[str] = field(default_factory=list)
    stakeholder: str | None = None
    stakeholder_name: str | None = None
    role: str | None = None
    question: str | None = None

    @property
    def title(self) -> str:
        """The item in one line: who and what."""
        if self.stakeholder is not None:
            return f"{self.stakeholder_name} ({self.role})"
        return f"{self.source_name} → {self.target_name} ({self.kind})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "title": self.title,
            "what": self.what,
            "relationship": self.relationship,
            "from": self.source,
            "to": self.target,
            "from_name": self.source_name,
            "to_name": self.target_name,
            "kind": self.kind,
            "status": self.status,
            "changes": list(self.changes),
            "reason": self.reason,
            "owner": self.owner,
            "owner_name": self.owner_name,
            "pilot": self.pilot,
            "measures": list(self.measures),
            "measure_names": list(self.measure_names),
            "stakeholder": self.stakeholder,
            "stakeholder_name": self.stakeholder_name,
            "role": self.role,
            "question": self.question,
        }


@dataclass
class ChangePlan(Rendered):
    """A change plan: headline findings, then items grouped by action."""

    current_id: str
    redesign_id: str
    title: str
    guiding_question: str
    findings: list[Finding] = field(default_factory=list)
    items: list[PlanItem] = field(default_factory=list)

    def group(self, action: str) -> list[PlanItem]:
        """The items of one action (see :data:`ACTIONS`)."""
        return [i for i in self.items if i.action == action]

    def counts(self) -> dict[str, int]:
        return {a: len(self.group(a)) for a in ACTIONS}

    def by_question(self) -> dict[str, list[PlanItem]]:
        """The relationship changes under the question they answer (see :data:`QUESTION_GROUPS`)."""
        return {
            q: [i for i in self.items if i.stakeholder is None and i.question == q]
            for q in QUESTION_GROUPS
        }

    def headline(self) -> list[str]:
        """The findings to read first, as plain lines."""
        return [f.text for f in self.findings]

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON: see docs/compare.md."""
        return {
            "sysmap_plan": PLAN_JSON_VERSION,
            "current": self.current_id,
            "redesign": self.redesign_id,
            "title": self.title,
            "guiding_question": self.guiding_question,
            "headline": self.headline(),
            "counts": self.counts(),
            "groups": {a: [i.to_dict() for i in self.group(a)] for a in ACTIONS},
            "by_question": {
                q: {"question": QUESTIONS[q].text, "count": len(items)}
                for q, items in self.by_question().items()
            },
        }

    def format_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def blocks(self) -> list[Block]:
        """The plan as a document: the headline, then the changes under the
        question each answers, then the stakeholders coming and going."""
        out: list[Block] = [
            Heading(f"Change plan: {self.title}", 1),
            Para(f"From {self.current_id} to {self.redesign_id}."),
            Para(self.guiding_question, label="Guiding question:"),
            Heading("What changes", 2),
            Bullets(list(self.headline()) or ["nothing changes"]),
            self.counts_line(),
        ]
        questions = self.question_blocks(3)
        if questions:
            out += [Heading("Changes by the question they answer", 2), *questions]
        return out + self.stakeholder_blocks(2)

    def counts_line(self) -> Para:
        """How many changes of each action, in one line."""
        said = ", ".join(f"{ACTIONS[k].lower()}: {n}" for k, n in self.counts().items() if n)
        return Para(said or "Nothing changes.", label="In all:")

    def question_blocks(self, level: int, limit: int | None = None) -> list[Block]:
        """A heading (at ``level``) and a table for each What question with changes;
        ``limit`` rows at most per table (a line says how many more)."""
        out: list[Block] = []
        for q, items in self.by_question().items():
            if items:
                anchor = f"plan-{q.split('.', 1)[1]}"
                out.append(Heading(f"{QUESTIONS[q].text} ({len(items)})", level, anchor))
                rows = [_change_row(i) for i in items[:limit]]
                out.append(Table(list(_CHANGE_HEADERS), rows, total=len(items)))
        return out

    def stakeholder_blocks(self, level: int, limit: int | None = None) -> list[Block]:
        """The stakeholders to bring in and those leaving, each group under a heading
        (``limit`` rows at most per table)."""
        out: list[Block] = []
        for action in ("bring_in", "leave"):
            items = self.group(action)
            if items:
                out.append(Heading(f"{ACTIONS[action]} ({len(items)})", level, f"plan-{action}"))
                rows = [[i.stakeholder_name or "", i.role or "", i.what] for i in items[:limit]]
                out.append(Table(["Stakeholder", "Role", "What"], rows, total=len(items)))
        return out

    def format_csv(self) -> str:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for i in self.items:
            row = [
                i.action,
                i.relationship or i.stakeholder or "",
                i.source_name or i.stakeholder_name or "",
                i.target_name or "",
                i.kind or i.role or "",
                i.what,
                i.status or "",
                i.reason or "",
                i.owner_name or "",
                i.pilot or "",
                "; ".join(i.measure_names),
                i.question or "",
            ]
            writer.writerow([spreadsheet_cell(c) for c in row])
        return buf.getvalue()


_CHANGE_HEADERS = ("Action", "Relationship", "Kind", "What", "Why", "Owner", "Pilot", "Measures")


def _change_row(i: PlanItem) -> list[Any]:
    """A relationship change as a table row; a change nobody owns yet is marked."""
    owner: Any = i.owner_name or ""
    if not owner and i.action != "retire":
        owner = Mark("not named yet", "bad")
    return [
        _VERBS.get(i.action, ACTIONS[i.action]),
        f"{i.source_name} → {i.target_name}",
        i.kind or "",
        i.what,
        i.reason or "",
        owner,
        i.pilot or "",
        ", ".join(i.measure_names),
    ]


def _relationship_item(
    rc: RelationshipChange,
    c: Comparison,
    names: dict[str, str],
    measures: dict[str, str],
    roles: dict[str, str],
) -> PlanItem:
    action = next(g for w, g in _GROUP_OF if w in rc.changes)
    r = rc.current
    details = [f.describe() for f in rc.fields]
    if action == "form":
        details.append(f"new, {r.status}")
    elif action == "retire":
        details.append(f"was {r.status}")
    change = rc.after.change if rc.after is not None else None
    owner = change.owner if change else None
    return PlanItem(
        action=action,  # type: ignore[arg-type]
        what="; ".join(details),
        relationship=rc.id,
        source=r.source,
        target=r.target,
        source_name=names.get(r.source, r.source),
        target_name=names.get(r.target, r.target),
        kind=r.kind,
        status=r.status,
        changes=list(rc.changes),
        reason=change.reason if change else None,
        owner=owner,
        owner_name=names.get(owner, owner) if owner else None,
        pilot=change.pilot if change else None,
        measures=list(change.measures) if change else [],
        measure_names=[measures.get(m, m) for m in change.measures] if change else [],
        question=improvement_question(roles.get(r.source), roles.get(r.target))
        or ("what.key-factors" if r.source not in roles and r.target not in roles else None),
    )


def _stakeholder_item(s: StakeholderChange, c: Comparison) -> PlanItem:
    if s.change == "added":
        formed = sum(
            1
            for rc in c.changes.relationships_by("formed")
            if s.id in (rc.current.source, rc.current.target)
        )
        what = f"joins with {formed} new relationship{'s' if formed != 1 else ''}"
        action: Literal["bring_in", "leave"] = "bring_in"
    else:
        n = len(s.relationships)
        what = f"leaves with {n} relationship{'s' if n != 1 else ''} retired"
        action = "leave"
    return PlanItem(
        action=action, what=what, stakeholder=s.id, stakeholder_name=s.name, role=s.role
    )


def change_plan(comparison: Comparison) -> ChangePlan:
    """The change plan for a comparison: form, rewire, strengthen, retire …

    Parameters
    ----------
    comparison : Comparison
        From :func:`sysmap.compare_maps` (its first map is the current
        system, its last the redesign).

    Returns
    -------
    ChangePlan
        ``.headline()`` first; ``.items`` grouped by :data:`ACTIONS`;
        ``.format_markdown()``, ``.format_csv()``, ``.to_dict()``.

    Example
    -------
    >>> import sysmap
    >>> from sysmap.examples import examples_folder
    >>> c = sysmap.compare_maps(
    ...     sysmap.load_map(examples_folder() / "homelessness-current.yaml"),
    ...     sysmap.load_map(examples_folder() / "homelessness-redesign.yaml"),
    ...     shifts=False,
    ... )
    >>> plan = change_plan(c)
    >>> plan.counts()["rewire"]
    4
    """

    c = comparison
    names = c.names()
    measures = {m.id: m.name for mp in c.maps for m in mp.measures}
    roles: dict[str, str] = {st.id: st.role for m in c.maps for st in m.stakeholders}
    items = [_relationship_item(rc, c, names, measures, roles) for rc in c.changes.relationships]
    order = {a: i for i, a in enumerate(ACTIONS)}
    items.sort(key=lambda i: order[i.action])  # stable: file order within a group
    items += [_stakeholder_item(s, c) for s in c.changes.stakeholders_by("added")]
    items += [_stakeholder_item(s, c) for s in c.changes.stakeholders_by("removed")]
    findings = list(c.findings())
    # Causal links between factors are part of the model, not actions to own.
    people = {st.id for m in c.maps for st in m.stakeholders}
    ownerless = [
        i
        for i in items
        if i.stakeholder is None
        and i.action != "retire"
        and not i.owner
        and (i.source in people or i.target in people)
    ]
    if ownerless:
        n = len(ownerless)
        findings.append(
            Finding(
                f"{n} change{'s have' if n != 1 else ' has'} no owner named yet — "
                "add change: {owner: …} to them in the redesign",
                "plan",
                2,
            )
        )
    return ChangePlan(
        current_id=c.current.id,
        redesign_id=c.redesign.id,
        title=c.redesign.title,
        guiding_question=c.redesign.guiding_question,
        findings=findings,
        items=items,
    )


def generate_plan(plan: ChangePlan, format: str = "md") -> str:
    """The plan as Markdown (``md``), CSV (``csv``) or JSON (``json``) text.

    Raises
    ------
    UnknownFormat
        A format other than md, csv or json.
    """
    if format == "md":
        return plan.format_markdown() + "\n"
    if format == "csv":
        return plan.format_csv()
    if format == "json":
        return plan.format_json()
    raise UnknownFormat(
        f"unknown plan format '{format}' — use {one_of(PLAN_FORMATS)}",
        value=format,
        choices=PLAN_FORMATS,
    )


def write_plan(plan: ChangePlan, path: str | os.PathLike[str], format: str | None = None) -> None:
    """Write the plan to a file atomically; the format follows the suffix
    (``.md``, ``.csv``, ``.json``) unless given.

    Raises
    ------
    UnknownFormat
        The suffix or format is not one the plan is written in.
    """
    fmt = format or Path(path).suffix.lstrip(".").lower()
    if fmt == "markdown":
        fmt = "md"
    if fmt not in PLAN_FORMATS:
        raise UnknownFormat(
            f"{path}: cannot tell the plan format from the name — end it in .md, .csv "
            "or .json, or give the format",
            value=fmt,
            choices=PLAN_FORMATS,
        )
    write_atomic(path, generate_plan(plan, fmt))
