"""What a guiding-team role may refer to: competencies and its own responsibilities.

The six competencies of the Coordinator archetype (document 000's competency
map) are the vocabulary a role uses unless roles declare their own
``competency_sets``. :mod:`sysmap.roles` draws the matrices from them; the
archetype loader (:func:`sysmap.roles.load_role_archetype`) and a map's
reference checks (:mod:`sysmap.references`) both check, with the functions
here, that every competency a role names is one of them and that its theory of
execution names its own responsibilities. This module is small on purpose:
loading a map reads it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sysmap.problems import PathPart, Problem, did_you_mean, one_of

__all__ = [
    "COMPETENCIES",
    "COMPETENCY_SETS",
    "declared_in",
    "unknown_competency",
    "execution_problems",
]

#: The six competencies of the coordinator archetype, id -> name, in the order of
#: its consolidated view (each set's competencies in alphabetical order).
COMPETENCIES: dict[str, str] = {
    "data_analysis_and_data_for_improvement": "Data Analysis and Data for Improvement",
    "facilitation_and_relationship_building": "Facilitation and Relationship Building",
    "human_centered_design": "Human-Centered Design",
    "improvement_science_foundations": "Improvement Science Foundations",
    "project_management": "Project Management",
    "role_specific_knowledge": "Role-Specific Knowledge",
}

#: The two competency sets the six belong to: set name -> competency ids.
COMPETENCY_SETS: dict[str, list[str]] = {
    "Improvement Science": list(COMPETENCIES)[:5],
    "Technical Knowledge": ["role_specific_knowledge"],
}


def declared_in(roles: Iterable[Any]) -> list[str]:
    """The competency ids the roles' ``competency_sets`` declare (parsed data,
    any shape), or the six of :data:`COMPETENCIES` when none declares any.

    >>> declared_in([{"competency_sets": [{"name": "Care", "competencies": ["listening"]}]}])
    ['listening']
    >>> len(declared_in([{"id": "coordinator"}]))
    6
    """
    declared: list[str] = []
    for role in roles:
        sets = role.get("competency_sets") if isinstance(role, dict) else None
        for cs in sets if isinstance(sets, list) else []:
            comps = cs.get("competencies") if isinstance(cs, dict) else None
            for c in comps if isinstance(comps, list) else []:
                if str(c) not in declared:
                    declared.append(str(c))
    return declared or list(COMPETENCIES)


def unknown_competency(comp: str, declared: list[str], path: list[PathPart]) -> Problem:
    """The problem for a competency id that is not among ``declared``."""
    guess = did_you_mean(comp, declared)
    hint = (
        f"did you mean '{guess}'?"
        if guess
        else f"use {one_of(declared)}, or declare it under competency_sets"
    )
    return Problem(f"unknown competency '{comp}' — {hint}", path, code="unknown-competency")


def execution_problems(role: dict[Any, Any], ids: list[str]) -> list[Problem]:
    """A role's theory of execution naming responsibilities the role does not
    have (``ids``: its responsibilities' ids); paths start at the role."""
    out: list[Problem] = []
    steps = role.get("theory_of_execution")
    for i, step in enumerate(steps if isinstance(steps, list) else []):
        refs = step.get("responsibilities", []) if isinstance(step, dict) else []
        for j, ref in enumerate(refs if isinstance(refs, list) else []):
            if str(ref) not in ids:
                guess = did_you_mean(str(ref), ids)
                hint = (
                    f"did you mean '{guess}'?"
                    if guess
                    else "give the responsibility an id: and name it here"
                )
                out.append(
                    Problem(
                        f"no responsibility has the id '{ref}' — {hint}",
                        ["theory_of_execution", i, "responsibilities", j],
                        code="unknown-reference",
                    )
                )
    return out
