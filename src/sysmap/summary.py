"""A short summary of a map: the guiding question and what the map holds."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sysmap.model import ROLES, SystemMap
from sysmap.problems import Problem
from sysmap.render import Block, Bullets, Heading, Lines, Para, Rendered, plural
from sysmap.validate import check_references

__all__ = ["MapSummary", "summarize"]


@dataclass
class MapSummary(Rendered):
    """Counts that tell a facilitator what a map holds."""

    id: str
    title: str
    guiding_question: str
    stage: str
    stakeholders_by_role: dict[str, int]
    lived_experience: int
    factors: int
    relationships_by_kind: dict[str, int]
    relationships_by_status: dict[str, int]
    loops: int
    guiding_roles: int
    outcomes: int
    measures: int
    indicators: int
    assessments: int
    warnings: list[Problem] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if k != "warnings"}
        data["warnings"] = [w.message for w in self.warnings]
        return data

    def blocks(self) -> list[Block]:
        """The title, the guiding question, the counts, then any warnings."""
        people = ", ".join(
            plural(n, role, _ROLE_PLURALS[role]) for role, n in self.stakeholders_by_role.items()
        )
        total = sum(self.relationships_by_kind.values())
        kinds = ", ".join(f"{k} {n}" for k, n in self.relationships_by_kind.items())
        counts = [
            f"Stakeholders: {people} ({self.lived_experience} with lived experience)",
            f"Relationships: {total}" + (f" ({kinds})" if kinds else ""),
        ]
        if self.relationships_by_status:
            by_status = ", ".join(f"{k} {n}" for k, n in self.relationships_by_status.items())
            counts.append(f"Relationships by status: {by_status}")
        counts += [
            f"Factors: {self.factors}; feedback loops: {self.loops}; guiding-team roles: "
            f"{self.guiding_roles}",
            f"Outcomes: {self.outcomes}; measures: {self.measures}; indicators: "
            f"{self.indicators}; assessments: {self.assessments}",
        ]
        out: list[Block] = [
            Heading(f"{self.title} ({self.id}, {self.stage})", 1),
            Para(self.guiding_question, label="Guiding question:"),
            Lines(counts),
        ]
        if self.warnings:
            out.append(Bullets([f"warning: {w.message}" for w in self.warnings]))
        return out


_ROLE_PLURALS = {"beneficiary": "beneficiaries", "provider": "providers", "leader": "leaders"}


def summarize(m: SystemMap) -> MapSummary:
    """Count what a map holds, by role, kind and status, with its warnings.

    Example
    -------
    >>> from sysmap.model import Stakeholder, SystemMap
    >>> s = summarize(SystemMap(id="m", title="M", guiding_question="Q?",
    ...     stakeholders=[Stakeholder(id="a", name="A", role="leader")]))
    >>> s.stakeholders_by_role
    {'beneficiary': 0, 'provider': 0, 'leader': 1}
    >>> s.warnings[0].message.startswith("no beneficiary voice")
    True
    """
    roles: Counter[str] = Counter(s.role for s in m.stakeholders)
    kinds = Counter(r.kind for r in m.relationships)
    statuses = Counter(r.status for r in m.relationships)
    warnings = [p for p in check_references(m.to_data()) if p.severity == "warning"]
    return MapSummary(
        id=m.id,
        title=m.title,
        guiding_question=m.guiding_question,
        stage=m.stage,
        stakeholders_by_role={r: roles.get(r, 0) for r in ROLES},
        lived_experience=sum(1 for s in m.stakeholders if s.lived_experience),
        factors=len(m.factors),
        relationships_by_kind=dict(kinds.most_common()),
        relationships_by_status=dict(statuses.most_common()),
        loops=len(m.loops),
        guiding_roles=len(m.guiding_team),
        outcomes=len(m.outcomes),
        measures=len(m.measures),
        indicators=len(m.indicators),
        assessments=len(m.assessments),
        warnings=warnings,
    )
