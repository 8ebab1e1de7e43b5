"""Guiding-team roles: responsibilities, the competencies they need, who covers what.

A guiding-team role (:class:`~sysmap.model.GuidingRole`) lists responsibilities;
each responsibility names the competencies it needs and at which level or
levels — ``practical`` (applying the skill within one's own team or
organisation), ``strategic`` (applying it across different stakeholder
groups), or both. The six competencies of the Lived Experience Engagement
Coordinator archetype make up the default vocabulary (:data:`COMPETENCIES`, in
two sets, :data:`COMPETENCY_SETS`); a role may declare its own sets.

- :func:`role_matrix` — the responsibilities × competencies matrix; its pivot as
  a **training roadmap** (for each competency, the responsibilities it supports
  and at which levels, the competency that supports the most first); the
  **consolidated view** (the highest level in each cell); and the role's
  theory of execution.
- :func:`development_plan` — one person's own levels against what the
  responsibilities need: the gaps, and the competencies ranked by how many
  responsibilities' needs training would meet.
- :func:`team_coverage` — who on the guiding team holds which role, which
  roles nobody has accepted, the responsibilities left uncovered, and a
  development plan for everyone whose own levels are recorded.
- :func:`format_roles` — all of it (or one part) as text, Markdown, JSON or
  CSV; text and Markdown come from the blocks of a :class:`RolesReport`
  (:func:`roles_report`), written by :mod:`sysmap.render`, which escapes the
  map's text.
- :func:`load_role_archetype` — a role described in its own file (for example
  ``examples/roles/lived-experience-engagement-coordinator.yaml``), checked
  with file:line messages.

Example
-------
>>> from sysmap.model import GuidingRole, Responsibility
>>> FRB, PM = "facilitation_and_relationship_building", "project_management"
>>> role = GuidingRole(id="coord", name="Coordinator", responsibilities=[
...     Responsibility(text="Run the working group",
...                    competencies={FRB: ["practical", "strategic"], PM: "practical"}),
...     Responsibility(text="Report back", competencies={FRB: "practical"}),
... ])
>>> matrix = role_matrix([role])
>>> [(r.competency, r.total, r.practical, r.strategic) for r in matrix.roadmap]
[('facilitation_and_relationship_building', 2, 2, 1), ('project_management', 1, 1, 0)]
>>> plan = development_plan(role, {FRB: "practical"})
>>> [(t.competency, t.meets_count) for t in plan.training]
[('facilitation_and_relationship_building', 1), ('project_management', 1)]
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sysmap.competencies import (
    COMPETENCIES,
    COMPETENCY_SETS,
    execution_problems,
    unknown_competency,
)
from sysmap.errors import BadArgument, UnknownFormat
from sysmap.escape import spreadsheet_cell
from sysmap.model import LEVELS, OWN_LEVELS, GuidingRole, Responsibility, SystemMap
from sysmap.problems import PathPart, Problem, did_you_mean, one_of
from sysmap.render import (
    Block,
    Bullets,
    Heading,
    Mark,
    Para,
    Rendered,
    Table,
    plural,
    render_text,
)

__all__ = [
    "ROLES_JSON_VERSION",
    "COMPETENCIES",
    "COMPETENCY_SETS",
    "LEVELS",
    "OWN_LEVELS",
    "TABLES",
    "MatrixRow",
    "RoadmapRow",
    "ExecutionRow",
    "RoleMatrix",
    "Gap",
    "TrainingRow",
    "DevelopmentPlan",
    "RoleCover",
    "TeamCoverage",
    "RoleArchetype",
    "role_matrix",
    "development_plan",
    "team_development",
    "team_coverage",
    "load_role_archetype",
    "load_roles",
    "RolesReport",
    "roles_report",
    "format_roles",
    "competency_name",
    "highest_level",
]

ROLES_JSON_VERSION = 2

#: The set of a competency no set names.
OTHER_SET = "Other"

_RANK = {level: n for n, level in enumerate(OWN_LEVELS)}  # none 0, practical 1, strategic 2


def competency_name(competency: str) -> str:
    """The readable name of a competency id (unknown ids as written).

    Example
    -------
    >>> competency_name("human_centered_design"), competency_name("budgeting")
    ('Human-Centered Design', 'budgeting')
    """
    return COMPETENCIES.get(competency, competency)


def highest_level(levels: Sequence[str]) -> str:
    """The highest of some levels (``strategic`` above ``practical``).

    Example
    -------
    >>> highest_level(["practical", "strategic"]), highest_level(["practical"])
    ('strategic', 'practical')
    """
    return max(levels, key=lambda v: _RANK.get(v, 0)) if levels else "none"


def _marks(levels: Sequence[str], short: bool = False) -> str:
    if short:
        return "+".join(v[0].upper() for v in levels)
    return " and ".join(levels)


# ---------------------------------------------------------------- the matrix


@dataclass
class MatrixRow:
    """One responsibility and the level or levels it needs of each competency."""

    role: str
    role_name: str
    number: int  # 1-based within its role
    text: str
    needs: dict[str, list[str]] = field(default_factory=dict)
    id: str | None = None
    detail: str | None = None

    @property
    def highest(self) -> dict[str, str]:
        """Competency -> the highest level needed: the consolidated view's cell."""
        return {c: highest_level(v) for c, v in self.needs.items()}

    def to_data(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "role_name": self.role_name,
            "number": self.number,
            "id": self.id,
            "responsibility": self.text,
            "detail": self.detail,
            "competencies": {c: list(v) for c, v in self.needs.items()},
        }


@dataclass
class RoadmapRow:
    """One competency: the responsibilities it supports, and at which levels."""

    competency: str
    competency_set: str
    needed_by: list[tuple[str, int, str, list[str]]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return competency_name(self.competency)

    @property
    def total(self) -> int:
        """How many responsibilities this competency supports."""
        return len(self.needed_by)

    @property
    def practical(self) -> int:
        """How many need it at the practical level."""
        return sum("practical" in levels for *_, levels in self.needed_by)

    @property
    def strategic(self) -> int:
        """How many need it at the strategic level."""
        return sum("strategic" in levels for *_, levels in self.needed_by)

    @property
    def responsibilities(self) -> list[str]:
        return [text for _, _, text, _ in self.needed_by]

    def to_data(self) -> dict[str, Any]:
        return {
            "competency": self.competency,
            "name": self.name,
            "set": self.competency_set,
            "responsibilities": self.total,
            "practical": self.practical,
            "strategic": self.strategic,
            "needed_by": [
                {"role": role, "number": n, "responsibility": t, "levels": list(lv)}
                for role, n, t, lv in self.needed_by
            ],
        }


@dataclass
class ExecutionRow:
    """One step of a role's theory of execution."""

    role: str
    step: int | None  # None for "throughout" and "ultimately"
    when: str
    text: str
    responsibilities: list[int] = field(default_factory=list)

    def to_data(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "step": self.step,
            "when": self.when,
            "text": self.text,
            "responsibilities": list(self.responsibilities),
        }


@dataclass
class RoleMatrix:
    """Responsibilities × competencies, its roadmap pivot and consolidated view."""

    competencies: list[str]
    rows: list[MatrixRow] = field(default_factory=list)
    roadmap: list[RoadmapRow] = field(default_factory=list)
    sets: dict[str, list[str]] = field(default_factory=dict)
    execution: list[ExecutionRow] = field(default_factory=list)
    summaries: dict[str, str] = field(default_factory=dict)

    @property
    def unmapped(self) -> list[MatrixRow]:
        """Responsibilities that name no competency."""
        return [r for r in self.rows if not r.needs]

    def set_of(self, competency: str) -> str:
        return next((s for s, cs in self.sets.items() if competency in cs), OTHER_SET)

    def consolidated(self) -> list[tuple[MatrixRow, dict[str, str]]]:
        """Each responsibility with the highest level of each competency it needs."""
        return [(r, r.highest) for r in self.rows]

    def to_data(self) -> dict[str, Any]:
        return {
            "summary": dict(self.summaries),
            "competency_sets": [{"name": s, "competencies": cs} for s, cs in self.sets.items()],
            "competencies": [
                {"id": c, "name": competency_name(c), "set": self.set_of(c)}
                for c in self.competencies
            ],
            "matrix": [r.to_data() for r in self.rows],
            "roadmap": [r.to_data() for r in self.roadmap],
            "consolidated": [
                {"role": r.role, "number": r.number, "responsibility": r.text, "competencies": h}
                for r, h in self.consolidated()
            ],
            "theory_of_execution": [s.to_data() for s in self.execution],
        }

    def _row_head(self, r: MatrixRow) -> list[Any]:
        several = len({x.role for x in self.rows}) > 1
        return ([r.role_name] if several else []) + [r.number, r.text]

    def _head(self) -> list[str]:
        several = len({x.role for x in self.rows}) > 1
        return (["role"] if several else []) + ["#", "responsibility"]

    def matrix_table(self, short: bool = False) -> tuple[list[str], list[list[Any]]]:
        """One row per responsibility, one column per competency, the levels in each cell."""
        headers = self._head() + [
            _abbrev(c) if short else competency_name(c) for c in self.competencies
        ]
        rows = [
            self._row_head(r) + [_marks(r.needs.get(c, []), short) for c in self.competencies]
            for r in self.rows
        ]
        return headers, rows

    def consolidated_table(self, short: bool = False) -> tuple[list[str], list[list[Any]]]:
        """The matrix with only the highest level in each cell."""
        headers = self._head() + [
            _abbrev(c) if short else competency_name(c) for c in self.competencies
        ]
        rows = []
        for r, high in self.consolidated():
            cells = [high.get(c, "") for c in self.competencies]
            rows.append(self._row_head(r) + [c[:1].upper() if short else c for c in cells])
        return headers, rows

    def roadmap_table(self) -> tuple[list[str], list[list[Any]]]:
        """One row per competency: its set and how many responsibilities it supports."""
        headers = ["competency", "set", "responsibilities", "practical", "strategic"]
        rows = [[r.name, r.competency_set, r.total, r.practical, r.strategic] for r in self.roadmap]
        return headers, rows


def _needs(resp: str | Responsibility) -> tuple[str, dict[str, list[str]], str | None]:
    if isinstance(resp, Responsibility):
        return resp.text, {k: list(v) for k, v in resp.competencies.items()}, resp.id
    return resp, {}, None


def _sets(roles: Sequence[GuidingRole], seen: list[str]) -> dict[str, list[str]]:
    sets: dict[str, list[str]] = {}
    for role in roles:
        for cs in role.competency_sets:
            sets.setdefault(cs.name, [])
            sets[cs.name] += [c for c in cs.competencies if c not in sets[cs.name]]
    if not sets:
        sets = {s: list(cs) for s, cs in COMPETENCY_SETS.items()}
    named = {c for cs in sets.values() for c in cs}
    other = [c for c in seen if c not in named]
    if other:
        sets[OTHER_SET] = other
    return sets


def _execution(role: GuidingRole, numbers: dict[str, int]) -> list[ExecutionRow]:
    out = []
    n = 0
    for step in role.theory_of_execution:
        if step.when == "in_order":
            n += 1
        out.append(
            ExecutionRow(
                role.id,
                n if step.when == "in_order" else None,
                step.when,
                step.text,
                [numbers[i] for i in step.responsibilities if i in numbers],
            )
        )
    return out


def role_matrix(roles: Sequence[GuidingRole]) -> RoleMatrix:
    """The responsibilities × competencies matrix of some guiding-team roles.

    Parameters
    ----------
    roles : GuidingRole objects (a map's ``guiding_team``, or one archetype)

    Returns
    -------
    RoleMatrix
        ``.rows`` (one per responsibility, in file order, each competency's
        levels as a list); ``.competencies`` (set by set, in the sets' order,
        only those used); ``.sets`` (the roles' own competency sets, or
        :data:`COMPETENCY_SETS`); ``.roadmap``: one row per competency with the
        responsibilities it supports and the levels each needs, ordered by how
        many responsibilities it supports, then how many need it at the
        strategic level, then the matrix's order; ``.consolidated()``, the
        highest level per cell; ``.execution``, the theory of execution.
    """
    rows: list[MatrixRow] = []
    seen: list[str] = []
    execution: list[ExecutionRow] = []
    for role in roles:
        numbers: dict[str, int] = {}
        for n, resp in enumerate(role.responsibilities, start=1):
            text, needs, ident = _needs(resp)
            detail = resp.detail if isinstance(resp, Responsibility) else None
            rows.append(MatrixRow(role.id, role.name, n, text, needs, ident, detail))
            seen += [c for c in needs if c not in seen]
            if ident:
                numbers[ident] = n
        execution += _execution(role, numbers)
    sets = _sets(roles, seen)
    order = [c for cs in sets.values() for c in cs if c in seen]
    order = list(dict.fromkeys(order))
    rank = {c: i for i, c in enumerate(order)}
    set_of = {c: s for s, cs in reversed(list(sets.items())) for c in cs}
    roadmap = [
        RoadmapRow(
            c,
            set_of.get(c, OTHER_SET),
            [(r.role, r.number, r.text, r.needs[c]) for r in rows if c in r.needs],
        )
        for c in order
    ]
    roadmap.sort(key=lambda r: (-r.total, -r.strategic, rank[r.competency]))
    summaries = {role.id: role.summary for role in roles if role.summary}
    return RoleMatrix(order, rows, roadmap, sets, execution, summaries)


# ---------------------------------------------------------------- personal development


@dataclass
class Gap:
    """A responsibility that needs a competency above the person's own level."""

    number: int
    responsibility: str
    competency: str
    needed: str
    own: str

    def to_data(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "responsibility": self.responsibility,
            "competency": self.competency,
            "needed": self.needed,
            "own": self.own,
        }


@dataclass
class TrainingRow:
    """One competency to train in: what it would meet, and up to which level."""

    competency: str
    own: str
    target: str
    meets: list[Gap] = field(default_factory=list)
    unlocks: list[int] = field(default_factory=list)

    @property
    def name(self) -> str:
        return competency_name(self.competency)

    @property
    def meets_count(self) -> int:
        """How many responsibilities' needs training this competency would meet."""
        return len(self.meets)

    def to_data(self) -> dict[str, Any]:
        return {
            "competency": self.competency,
            "name": self.name,
            "own": self.own,
            "train_to": self.target,
            "meets": self.meets_count,
            "responsibilities": [g.number for g in self.meets],
            "at_practical": sum(g.needed == "practical" for g in self.meets),
            "at_strategic": sum(g.needed == "strategic" for g in self.meets),
            "unlocks": list(self.unlocks),
        }


@dataclass
class DevelopmentPlan:
    """One person's own levels against what a role's responsibilities need."""

    role: str
    role_name: str
    person: str | None
    person_name: str | None
    levels: dict[str, str]
    gaps: list[Gap] = field(default_factory=list)
    training: list[TrainingRow] = field(default_factory=list)
    ready: list[int] = field(default_factory=list)
    responsibilities: int = 0

    @property
    def who(self) -> str:
        return self.person_name or self.person or "the person in this role"

    def to_data(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "role_name": self.role_name,
            "stakeholder": self.person,
            "name": self.person_name,
            "levels": dict(self.levels),
            "ready": list(self.ready),
            "responsibilities": self.responsibilities,
            "gaps": [g.to_data() for g in self.gaps],
            "training": [t.to_data() for t in self.training],
        }

    def training_table(self) -> tuple[list[str], list[list[Any]]]:
        headers = [
            "competency",
            "own level",
            "train to",
            "meets",
            "needed at",
            "responsibilities",
            "unlocks",
        ]
        rows = [
            [
                t.name,
                t.own,
                t.target,
                t.meets_count,
                ", ".join(
                    f"{n} {lv}" for lv in LEVELS if (n := sum(g.needed == lv for g in t.meets))
                ),
                ", ".join(str(g.number) for g in t.meets),
                ", ".join(str(n) for n in t.unlocks) or "—",
            ]
            for t in self.training
        ]
        return headers, rows


def _own_levels_known(levels: Mapping[str, str]) -> None:
    for c, lv in levels.items():
        if lv not in OWN_LEVELS:
            raise BadArgument(
                f"unknown level '{lv}' for {c} — use none, practical or strategic",
                argument="levels",
                choices=OWN_LEVELS,
            )


def development_plan(
    role: GuidingRole,
    levels: Mapping[str, str],
    *,
    person: str | None = None,
    person_name: str | None = None,
) -> DevelopmentPlan:
    """Where a person's own levels fall short of a role's needs, and what to train first.

    A responsibility's need of a competency is met when the person's own
    level is at least the highest level the cell names (strategic above
    practical above none). A competency the person has not recorded counts as
    ``none``.

    Parameters
    ----------
    role : the guiding-team role (any archetype)
    levels : competency id -> the person's own level (none, practical, strategic)
    person, person_name : who they are (for the output)

    Returns
    -------
    DevelopmentPlan
        ``.gaps`` (responsibility, competency, needed, own), ``.ready`` (the
        numbers of the responsibilities whose every need is met) and
        ``.training``: the competencies with gaps, ranked by how many
        responsibilities' needs training them would meet, then by how many
        responsibilities it would make ready (``unlocks``: those whose only
        gaps are in that competency), then the matrix's order. Each says the
        level to train to — the highest level among the needs it would meet.

    Raises
    ------
    BadArgument
        A level other than none, practical or strategic.
    """
    _own_levels_known(levels)
    matrix = role_matrix([role])
    gaps: list[Gap] = []
    for r in matrix.rows:
        for c, need in r.highest.items():
            own = levels.get(c, "none")
            if _RANK[own] < _RANK[need]:
                gaps.append(Gap(r.number, r.text, c, need, own))
    by_resp: dict[int, set[str]] = {}
    for g in gaps:
        by_resp.setdefault(g.number, set()).add(g.competency)
    rank = {c: i for i, c in enumerate(matrix.competencies)}
    training = []
    for c in matrix.competencies:
        meets = [g for g in gaps if g.competency == c]
        if meets:
            training.append(
                TrainingRow(
                    c,
                    levels.get(c, "none"),
                    highest_level([g.needed for g in meets]),
                    meets,
                    [g.number for g in meets if by_resp[g.number] == {c}],
                )
            )
    training.sort(key=lambda t: (-t.meets_count, -len(t.unlocks), rank[t.competency]))
    ready = [r.number for r in matrix.rows if r.needs and r.number not in by_resp]
    return DevelopmentPlan(
        role.id,
        role.name,
        person,
        person_name,
        dict(levels),
        gaps,
        training,
        ready,
        len(matrix.rows),
    )


def team_development(m: SystemMap) -> list[DevelopmentPlan]:
    """A development plan for each person whose own levels a guiding-team role records."""
    names = {s.id: s.name for s in m.stakeholders}
    return [
        development_plan(g, levels, person=who, person_name=names.get(who, who))
        for g in m.guiding_team
        for who, levels in g.proficiency.items()
    ]


# ---------------------------------------------------------------- coverage


@dataclass
class RoleCover:
    """One guiding-team role and who has accepted it."""

    id: str
    name: str
    holders: list[str]
    holder_names: list[str]
    lived_experience: list[str]
    responsibilities: list[str]

    @property
    def vacant(self) -> bool:
        return not self.holders

    def to_data(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "accepted_by": [
                {"id": i, "name": n, "lived_experience": i in self.lived_experience}
                for i, n in zip(self.holders, self.holder_names, strict=True)
            ],
            "vacant": self.vacant,
            "responsibilities": list(self.responsibilities),
        }


@dataclass
class TeamCoverage:
    """Who on the guiding team covers what, and what nobody has accepted."""

    map_id: str
    roles: list[RoleCover] = field(default_factory=list)
    uncovered_competencies: dict[str, str] = field(default_factory=dict)
    development: list[DevelopmentPlan] = field(default_factory=list)

    @property
    def vacant(self) -> list[RoleCover]:
        return [r for r in self.roles if r.vacant]

    @property
    def uncovered(self) -> list[tuple[str, str]]:
        """(role name, responsibility) nobody has accepted."""
        return [(r.name, t) for r in self.vacant for t in r.responsibilities]

    def by_stakeholder(self) -> dict[str, list[str]]:
        """Stakeholder name -> the roles they hold."""
        out: dict[str, list[str]] = {}
        for r in self.roles:
            for name in r.holder_names:
                out.setdefault(name, []).append(r.name)
        return out

    def to_data(self) -> dict[str, Any]:
        return {
            "roles": [r.to_data() for r in self.roles],
            "vacant": [r.id for r in self.vacant],
            "uncovered": [{"role": role, "responsibility": t} for role, t in self.uncovered],
            "uncovered_competencies": dict(self.uncovered_competencies),
            "lived_experience_on_team": sorted({i for r in self.roles for i in r.lived_experience}),
        }

    def table(self) -> tuple[list[str], list[list[Any]]]:
        rows = []
        for r in self.roles:
            holders = [
                n + (" (lived experience)" if i in r.lived_experience else "")
                for i, n in zip(r.holders, r.holder_names, strict=True)
            ]
            rows.append([r.name, ", ".join(holders) or "nobody yet", len(r.responsibilities)])
        return ["role", "accepted by", "responsibilities"], rows


def team_coverage(m: SystemMap) -> TeamCoverage:
    """Who on the map's guiding team holds which role; what nobody holds.

    Returns
    -------
    TeamCoverage
        ``.roles`` with their holders (and which bring lived experience),
        ``.vacant`` roles, ``.uncovered`` responsibilities,
        ``.uncovered_competencies``: the highest level each competency is
        needed at by a responsibility nobody has accepted, and
        ``.development``: :func:`team_development`.
    """
    people = {s.id: s for s in m.stakeholders}
    roles = []
    uncovered: dict[str, str] = {}
    for g in m.guiding_team:
        texts = [_needs(r)[0] for r in g.responsibilities]
        roles.append(
            RoleCover(
                g.id,
                g.name,
                list(g.accepted_by),
                [people[i].name if i in people else i for i in g.accepted_by],
                [i for i in g.accepted_by if i in people and people[i].lived_experience],
                texts,
            )
        )
        if not g.accepted_by:
            for r in g.responsibilities:
                for c, levels in _needs(r)[1].items():
                    uncovered[c] = highest_level([uncovered.get(c, "none"), *levels])
    return TeamCoverage(m.id, roles, uncovered, team_development(m))


# ---------------------------------------------------------------- archetype files


@dataclass
class RoleArchetype:
    """A guiding-team role described in its own file."""

    role: GuidingRole
    file: str | None = None

    def matrix(self) -> RoleMatrix:
        return role_matrix([self.role])


_ARCHETYPE_FIELDS = (
    "sysmap_role",
    "id",
    "name",
    "description",
    "summary",
    "responsibilities",
    "competency_sets",
    "theory_of_execution",
)
_RESPONSIBILITY_FIELDS = ("id", "text", "detail", "competencies")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:\-]*")


def load_role_archetype(path: str | os.PathLike[str]) -> RoleArchetype:
    """Read and check a role archetype file.

    The file holds one guiding-team role as it would appear under
    ``guiding_team:`` in a map, without ``accepted_by``: ``id``, ``name``,
    ``description``, ``summary`` (the job summary), ``responsibilities`` (each
    a ``text``, an optional ``id`` and the ``competencies`` it needs:
    competency id -> ``practical``, ``strategic`` or ``[practical,
    strategic]``), ``competency_sets`` and ``theory_of_execution``. An optional
    ``sysmap_role: 1`` names the file's version. Competencies must be those
    the file's sets name, or the six of :data:`COMPETENCIES` when it has none.

    Raises
    ------
    MapFileError
        The file cannot be read or parsed.
    MapInvalid
        Every problem in the file (an unknown competency or level, a
        responsibility with no text …) as ``file:line: $.path: message``.
    """
    from sysmap.mapfile import detect_format, invalid_in, parse_text, read_text

    name = str(path)
    text = read_text(path)
    data = parse_text(text, detect_format(path, text), name)
    problems = _check_archetype(data)
    if problems:
        raise invalid_in(text, name, problems)
    assert isinstance(data, dict)
    fields = {k: v for k, v in data.items() if k != "sysmap_role"}
    return RoleArchetype(GuidingRole.model_validate(fields), name)


def _unknown_fields(
    block: Mapping[Any, Any], allowed: Sequence[str], where: list[PathPart], out: list[Problem]
) -> set[str]:
    """Report fields not allowed; return the allowed names they are near misses of."""
    misspelt: set[str] = set()
    for key in block:
        if key in allowed:
            continue
        if key in ("accepted_by", "proficiency") and not where:
            out.append(
                Problem(
                    "an archetype is a role nobody holds yet — record who accepted it, "
                    "and their own levels, in the map's guiding_team, not here",
                    [str(key)],
                    code="unknown-field",
                )
            )
            continue
        guess = did_you_mean(str(key), allowed)
        hint = f"did you mean '{guess}'?" if guess else f"use {one_of(list(allowed))}"
        out.append(
            Problem(f"unknown field '{key}' — {hint}", [*where, str(key)], code="unknown-field")
        )
        if guess:
            misspelt.add(guess)
    return misspelt


def _check_head(data: dict[Any, Any], misspelt: set[str], out: list[Problem]) -> None:
    version = data.get("sysmap_role", 1)
    if version != 1:
        out.append(
            Problem(
                f"this is role file version {version!r}, but this sysmap reads version 1 — "
                "upgrade sysmap, or set 'sysmap_role: 1'",
                ["sysmap_role"],
            )
        )
    for key, what in (("id", "an id"), ("name", "a name")):
        value = data.get(key)
        if key in misspelt:
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            out.append(
                Problem(
                    f"the role has no {key} — add '{key}:' ({what} for the role)",
                    [key],
                    code="missing",
                )
            )
        elif not isinstance(value, str):
            out.append(Problem(f"{key} must be text, not {type(value).__name__}", [key]))
    ident = data.get("id")
    if isinstance(ident, str) and ident.strip() and not _ID.fullmatch(ident.strip()):
        out.append(
            Problem(
                f"'{ident}' is not a valid id — use letters, digits, '-', '_', '.' or ':' "
                "with no spaces (e.g. lived-experience-coordinator)",
                ["id"],
            )
        )


def _declared(data: dict[Any, Any], out: list[Problem]) -> list[str]:
    """The competencies the file's sets declare (the six when it declares none)."""
    sets = data.get("competency_sets")
    if sets is None:
        return list(COMPETENCIES)
    declared: list[str] = []
    if not isinstance(sets, list) or not sets:
        out.append(
            Problem(
                "competency_sets must be a list of sets, each with name: and competencies:",
                ["competency_sets"],
            )
        )
        return list(COMPETENCIES)
    for i, cs in enumerate(sets):
        ok = isinstance(cs, dict) and isinstance(cs.get("name"), str)
        comps = cs.get("competencies") if isinstance(cs, dict) else None
        if not ok or not isinstance(comps, list) or not comps:
            out.append(
                Problem(
                    "a competency set has a name: and a list of competencies: (their ids)",
                    ["competency_sets", i],
                )
            )
            continue
        declared += [str(c) for c in comps]
    return declared or list(COMPETENCIES)


def _check_levels(
    comp: str, level: Any, declared: list[str], cpath: list[PathPart], out: list[Problem]
) -> None:
    if comp not in declared:
        out.append(unknown_competency(comp, declared, cpath))
        return
    levels = level if isinstance(level, list) else [level]
    bad = [lv for lv in levels if lv not in LEVELS]
    if bad or not levels:
        shown = bad[0] if bad else "[]"
        out.append(
            Problem(
                f"unknown level '{shown}' for {comp} — use practical (within your own team "
                "or organisation), strategic (across stakeholder groups) or "
                "[practical, strategic]",
                cpath,
                code="unknown-level",
            )
        )


def _check_responsibility(
    resp: Any, where: list[PathPart], declared: list[str], out: list[Problem]
) -> str | None:
    """Check one responsibility; return its id, if it has one."""
    if isinstance(resp, str):
        return None
    if not isinstance(resp, dict):
        out.append(
            Problem("a responsibility is text, or a block with text: and competencies:", where)
        )
        return None
    _unknown_fields(resp, _RESPONSIBILITY_FIELDS, where, out)
    text = resp.get("text")
    if not isinstance(text, str) or not text.strip():
        out.append(
            Problem(
                "this responsibility has no text — add 'text:' (what the role does)",
                [*where, "text"] if "text" in resp else where,
                code="missing",
            )
        )
    comps = resp.get("competencies") or {}
    if not isinstance(comps, dict):
        out.append(
            Problem(
                "competencies must be a block of competency: level pairs, e.g. "
                "{project_management: practical}",
                [*where, "competencies"],
            )
        )
    else:
        for comp, level in comps.items():
            _check_levels(str(comp), level, declared, [*where, "competencies", str(comp)], out)
    ident = resp.get("id")
    return str(ident) if isinstance(ident, (str, int)) else None


def _check_execution(data: dict[Any, Any], ids: list[str], out: list[Problem]) -> None:
    steps = data.get("theory_of_execution")
    if steps is None:
        return
    if not isinstance(steps, list):
        out.append(
            Problem(
                "theory_of_execution is a list of steps, each with text: and responsibilities:",
                ["theory_of_execution"],
            )
        )
        return
    out.extend(execution_problems(data, ids))


def _check_archetype(data: Any) -> list[Problem]:
    out: list[Problem] = []
    if not isinstance(data, dict):
        out.append(
            Problem(
                "a role archetype is a block of fields (id, name, responsibilities) — see "
                "examples/roles/",
                code="not-a-role",
            )
        )
        return out
    misspelt = _unknown_fields(data, _ARCHETYPE_FIELDS, [], out)
    _check_head(data, misspelt, out)
    declared = _declared(data, out)
    resps = data.get("responsibilities")
    if resps is None and "responsibilities" in misspelt:
        return out
    if resps is None:
        out.append(
            Problem(
                "the role lists no responsibilities — add 'responsibilities:', each with "
                "text: and competencies:",
                ["responsibilities"],
                code="missing",
            )
        )
        return out
    if not isinstance(resps, list) or not resps:
        out.append(
            Problem(
                "responsibilities must be a list of responsibilities, each with text: and "
                "competencies:",
                ["responsibilities"],
            )
        )
        return out
    ids = [
        i
        for n, resp in enumerate(resps)
        if (i := _check_responsibility(resp, ["responsibilities", n], declared, out))
    ]
    _check_execution(data, ids, out)
    return out


def load_roles(path: str | os.PathLike[str]) -> tuple[list[GuidingRole], SystemMap | None]:
    """The guiding-team roles in a map file, or the one role of an archetype file.

    A file with ``sysmap_role`` or ``responsibilities`` (even misspelt) at the
    top level and no ``guiding_question`` is an archetype; any other is read as
    a map.

    Returns
    -------
    (roles, map)
        ``map`` is None for an archetype.
    """
    from sysmap.mapfile import detect_format, parse_text, read_text
    from sysmap.validate import load_map

    text = read_text(path)
    data = parse_text(text, detect_format(path, text), str(path))
    if isinstance(data, dict) and "guiding_question" not in data:
        keys = [str(k) for k in data]
        if (
            "sysmap_role" in keys
            or "responsibilities" in keys
            or any(did_you_mean(k, ["responsibilities"]) for k in keys)
        ):
            return [load_role_archetype(path).role], None
    m = load_map(path)
    return list(m.guiding_team), m


# ---------------------------------------------------------------- output

#: The parts ``format_roles`` can show on their own.
TABLES: tuple[str, ...] = (
    "summary",
    "execution",
    "matrix",
    "roadmap",
    "consolidated",
    "team",
    "development",
)

#: The JSON keys of each part.
_JSON_KEYS: dict[str, tuple[str, ...]] = {
    "summary": ("summary",),
    "execution": ("theory_of_execution",),
    "matrix": ("competency_sets", "competencies", "matrix"),
    "roadmap": ("roadmap",),
    "consolidated": ("consolidated",),
    "team": ("team",),
    "development": ("development",),
}


def _parts(coverage: TeamCoverage | None, table: str | None) -> tuple[str, ...]:
    """The parts to show: the one asked for, or every part the source has."""
    if table is not None and table not in TABLES:
        raise BadArgument(
            f"unknown table '{table}' — use {one_of(TABLES)}",
            argument="table",
            choices=tuple(TABLES),
        )
    if table in ("team", "development") and coverage is None:
        raise BadArgument(
            f"an archetype has no team — '{table}' needs a map whose guiding_team says who "
            "accepted each role (and their own levels)",
            argument="table",
        )
    if table:
        return (table,)
    return tuple(t for t in TABLES if coverage is not None or t not in ("team", "development"))


@dataclass
class RolesReport(Rendered):
    """What ``sysmap roles`` shows, as blocks: the parts of :data:`TABLES` asked for.

    Plain text writes the competency map and the consolidated view short (levels
    as ``P``, ``S``, ``P+S``, competencies by their initials, with a key below);
    Markdown writes them in words. Map text (names, responsibilities, summaries)
    is escaped by the renderer, never here.
    """

    matrix: RoleMatrix
    coverage: TeamCoverage | None = None
    parts: tuple[str, ...] = TABLES[:5]
    title: str | None = None

    def to_data(self) -> dict[str, Any]:
        """The documented JSON (``sysmap_roles`` and the keys of the parts shown)."""
        data: dict[str, Any] = {"sysmap_roles": ROLES_JSON_VERSION, **self.matrix.to_data()}
        if self.coverage is not None:
            data["team"] = self.coverage.to_data()
            data["development"] = [d.to_data() for d in self.coverage.development]
        keep = {k for p in self.parts for k in _JSON_KEYS[p]}
        return {k: v for k, v in data.items() if k == "sysmap_roles" or k in keep}

    def blocks(self, short: bool = False) -> list[Block]:
        """The title, then each part in the order of :data:`TABLES`; ``short``
        for the compact grids plain text uses."""
        out: list[Block] = [Heading(self.title, 1)] if self.title else []
        for part in self.parts:
            if part in _MATRIX_PARTS:
                out += _MATRIX_PARTS[part](self.matrix, short)
            elif self.coverage is not None:
                out += _COVERAGE_PARTS[part](self.coverage)
        return out

    def format_text(self) -> str:
        """Plain text, with the short grids."""
        return render_text(self.blocks(short=True))


def roles_report(
    matrix: RoleMatrix,
    coverage: TeamCoverage | None = None,
    *,
    table: str | None = None,
    title: str | None = None,
) -> RolesReport:
    """The report ``format_roles`` prints: every part (the team and development
    plans for a map only), or the one ``table`` names.

    Raises
    ------
    BadArgument
        An unknown table, or a map's table asked of an archetype.
    """
    return RolesReport(matrix, coverage, _parts(coverage, table), title)


def format_roles(
    matrix: RoleMatrix,
    coverage: TeamCoverage | None = None,
    fmt: str = "text",
    *,
    table: str | None = None,
    title: str | None = None,
) -> str:
    """The matrix, the training roadmap, the consolidated view and (for a map)
    who covers what and each person's development plan.

    Parameters
    ----------
    fmt : ``text``, ``md``, ``json`` or ``csv`` (CSV holds one table: the
        matrix unless ``table`` says otherwise)
    table : one of :data:`TABLES` to show only that part
    title : a heading for text and Markdown

    Raises
    ------
    UnknownFormat, BadArgument
        An unknown format or table, or a map's table asked of an archetype.
    """
    report = roles_report(matrix, coverage, table=table, title=title)
    if fmt == "json":
        return json.dumps(report.to_data(), indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return _csv(matrix, coverage, table or "matrix")
    if fmt == "text":
        return report.format_text() + "\n"
    if fmt in ("md", "markdown"):
        return report.format_markdown() + "\n"
    raise UnknownFormat(
        f"unknown format '{fmt}' — use text, md, json or csv",
        value=fmt,
        choices=("text", "md", "json", "csv"),
    )


def _abbrev(competency: str) -> str:
    words = [w for w in re.split(r"[_\-\s]+", competency) if w and w not in ("and", "for")]
    return "".join(w[0].upper() for w in words) or competency


def _responsibilities(n: int) -> str:
    return "responsibility" if n == 1 else "responsibilities"


def _summary_blocks(matrix: RoleMatrix, short: bool) -> list[Block]:
    if not matrix.summaries:
        return []
    several = len(matrix.summaries) > 1
    out: list[Block] = [Heading("Job summary", 2)]
    return out + [
        Para(text, label=f"{role}:" if several else None) for role, text in matrix.summaries.items()
    ]


def _execution_blocks(matrix: RoleMatrix, short: bool) -> list[Block]:
    if not matrix.execution:
        return []
    steps: list[str | Mark] = []
    for s in matrix.execution:
        numbers = ", ".join(map(str, s.responsibilities))
        refs = f" ({_responsibilities(len(s.responsibilities))} {numbers})" if numbers else ""
        lead = f"{s.step}." if s.step is not None else s.when.replace("_", " ").capitalize() + ":"
        steps.append(f"{lead} {s.text}{refs}")
    return [Heading("Theory of execution: the order the work is done in", 2), Bullets(steps)]


def _grid_blocks(
    matrix: RoleMatrix, heading: str, grid: tuple[list[str], list[list[Any]]], after: list[str]
) -> list[Block]:
    """A responsibilities × competencies grid under its heading, with notes below."""
    if not matrix.rows:
        return [Heading(heading, 2), Para("No responsibilities are written down yet.")]
    return [Heading(heading, 2), Table(*grid), *(Para(text) for text in after)]


def _matrix_blocks(matrix: RoleMatrix, short: bool) -> list[Block]:
    after = []
    if short and matrix.competencies:
        key = "; ".join(f"{_abbrev(c)} = {competency_name(c)}" for c in matrix.competencies)
        after.append(f"Competencies: {key}. P = practical, S = strategic.")
    if matrix.unmapped:
        n = len(matrix.unmapped)
        name = "names" if n == 1 else "name"
        after.append(f"{plural(n, 'responsibility', 'responsibilities')} {name} no competency.")
    return _grid_blocks(
        matrix,
        "Competency map: the levels each responsibility needs",
        matrix.matrix_table(short=short),
        after,
    )


def _consolidated_blocks(matrix: RoleMatrix, short: bool) -> list[Block]:
    sets = " | ".join(
        f"{s}: {', '.join(_abbrev(c) if short else competency_name(c) for c in used)}"
        for s, cs in matrix.sets.items()
        if (used := [c for c in cs if c in matrix.competencies])
    )
    return _grid_blocks(
        matrix,
        "Consolidated view: the highest level in each cell",
        matrix.consolidated_table(short=short),
        [f"Competency sets — {sets}"] if sets else [],
    )


def _roadmap_blocks(matrix: RoleMatrix, short: bool) -> list[Block]:
    out: list[Block] = [
        Heading("Training roadmap: the responsibilities each competency supports", 2)
    ]
    if not matrix.roadmap:
        return out + [Para("No responsibility names a competency yet.")]
    out.append(Table(*matrix.roadmap_table()))
    for r in matrix.roadmap:
        supports = plural(r.total, "responsibility", "responsibilities")
        out.append(Heading(f"{r.name} ({r.competency_set}) supports {supports}", 3))
        out.append(Bullets([f"{n}. {t} — {_marks(lv)}" for _, n, t, lv in r.needed_by]))
    return out


def _team_blocks(coverage: TeamCoverage) -> list[Block]:
    out: list[Block] = [Heading("Who on the guiding team covers what", 2)]
    if coverage.roles:
        out.append(Table(*coverage.table()))
    else:
        out.append(Para("The map names no guiding-team roles yet."))
    if coverage.uncovered:
        out.append(Heading("Nobody has accepted these responsibilities yet", 3))
        out.append(Bullets([f"{t} ({role})" for role, t in coverage.uncovered]))
    if coverage.uncovered_competencies:
        needs = ", ".join(
            f"{competency_name(c)} ({lvl})" for c, lvl in coverage.uncovered_competencies.items()
        )
        out.append(Para(needs, label="Competencies the vacant roles need:"))
    return out


def _plan_blocks(d: DevelopmentPlan) -> list[Block]:
    out: list[Block] = [
        Heading(f"{d.who} as {d.role_name}", 3),
        Para(f"{len(d.ready)} of {d.responsibilities} responsibilities have every need met."),
    ]
    if not d.training:
        return out + [Para("No gaps: every competency is at the level the responsibilities need.")]
    first = d.training[0]
    meets = plural(first.meets_count, "responsibility", "responsibilities")
    makes = f" and makes {len(first.unlocks)} ready" if first.unlocks else ""
    return out + [
        Table(*d.training_table()),
        Para(
            f"Train first in {first.name} (to {first.target}): it meets the needs of {meets}{makes}."
        ),
    ]


def _development_blocks(coverage: TeamCoverage) -> list[Block]:
    out: list[Block] = [Heading("Where to focus professional development", 2)]
    if not coverage.development:
        return out + [
            Para(
                "Nobody's own levels are recorded yet — for each competency: sysmap set MAP "
                "ROLE-ID proficiency.STAKEHOLDER-ID.COMPETENCY practical (or none, strategic)."
            )
        ]
    return out + [b for d in coverage.development for b in _plan_blocks(d)]


#: The writer of each part of the matrix (``short`` for plain text's grids).
_MATRIX_PARTS: dict[str, Callable[[RoleMatrix, bool], list[Block]]] = {
    "summary": _summary_blocks,
    "execution": _execution_blocks,
    "matrix": _matrix_blocks,
    "roadmap": _roadmap_blocks,
    "consolidated": _consolidated_blocks,
}

#: The writer of each part only a map has.
_COVERAGE_PARTS: dict[str, Callable[[TeamCoverage], list[Block]]] = {
    "team": _team_blocks,
    "development": _development_blocks,
}


_Grid = tuple[list[str], list[list[Any]]]


def _csv_matrix(matrix: RoleMatrix) -> _Grid:
    headers = ["role", "number", "responsibility", *matrix.competencies]
    rows = [
        [r.role, r.number, r.text, *(";".join(r.needs.get(c, [])) for c in matrix.competencies)]
        for r in matrix.rows
    ]
    return headers, rows


def _csv_consolidated(matrix: RoleMatrix) -> _Grid:
    headers = ["role", "number", "responsibility", *matrix.competencies]
    rows = [
        [r.role, r.number, r.text, *(h.get(c, "") for c in matrix.competencies)]
        for r, h in matrix.consolidated()
    ]
    return headers, rows


def _csv_roadmap(matrix: RoleMatrix) -> _Grid:
    """One row per competency and responsibility it supports."""
    headers = ["rank", "set", "competency", "name", "responsibilities", "number",
               "responsibility", "practical", "strategic"]  # fmt: skip
    rows = [
        [
            k,
            r.competency_set,
            r.competency,
            r.name,
            r.total,
            n,
            t,
            int("practical" in lv),
            int("strategic" in lv),
        ]  # fmt: skip
        for k, r in enumerate(matrix.roadmap, start=1)
        for _, n, t, lv in r.needed_by
    ]
    return headers, rows


def _csv_execution(matrix: RoleMatrix) -> _Grid:
    rows = [
        [s.step or "", s.when, s.text, ";".join(map(str, s.responsibilities))]
        for s in matrix.execution
    ]
    return ["step", "when", "text", "responsibilities"], rows


def _csv_summary(matrix: RoleMatrix) -> _Grid:
    return ["role", "summary"], [[k, v] for k, v in matrix.summaries.items()]


def _csv_team(coverage: TeamCoverage) -> _Grid:
    headers = ["role", "name", "accepted_by", "lived_experience", "responsibilities"]
    rows = [
        [r.id, r.name, ";".join(r.holders), ";".join(r.lived_experience), len(r.responsibilities)]
        for r in coverage.roles
    ]
    return headers, rows


def _csv_development(coverage: TeamCoverage) -> _Grid:
    """One row per person and competency to train in, in the plan's order."""
    headers = ["role", "stakeholder", "rank", "competency", "own", "train_to", "meets",
               "responsibilities", "unlocks"]  # fmt: skip
    rows = [
        [
            d.role,
            d.person or "",
            k,
            t.competency,
            t.own,
            t.target,
            t.meets_count,
            ";".join(str(g.number) for g in t.meets),
            ";".join(map(str, t.unlocks)),
        ]  # fmt: skip
        for d in coverage.development
        for k, t in enumerate(d.training, start=1)
    ]
    return headers, rows


_CSV_MATRIX: dict[str, Callable[[RoleMatrix], _Grid]] = {
    "summary": _csv_summary,
    "execution": _csv_execution,
    "matrix": _csv_matrix,
    "roadmap": _csv_roadmap,
    "consolidated": _csv_consolidated,
}
_CSV_COVERAGE: dict[str, Callable[[TeamCoverage], _Grid]] = {
    "team": _csv_team,
    "development": _csv_development,
}


def _csv(matrix: RoleMatrix, coverage: TeamCoverage | None, which: str) -> str:
    """One part as CSV, every cell safe to open in a spreadsheet."""
    if which in _CSV_MATRIX:
        headers, rows = _CSV_MATRIX[which](matrix)
    else:
        assert coverage is not None  # format_roles refuses a map's table of an archetype
        headers, rows = _CSV_COVERAGE[which](coverage)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([spreadsheet_cell(h) for h in headers])
    for row in rows:
        w.writerow([spreadsheet_cell(str(c)) for c in row])
    return buf.getvalue()
