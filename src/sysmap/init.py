"""Starting a new map: a valid file with the Who / Why / What / How prompts."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from sysmap.errors import BadArgument, OutputError
from sysmap.mapfile import detect_format
from sysmap.storage import write_atomic

__all__ = ["new_map_text", "init_map"]

_TEMPLATE = """\
# A sysmap map. Validate it with:  sysmap validate {file}
# Format reference: docs/file-format.md
sysmap: 1
id: {id}
title: {title}
# Guiding question: what are we collectively working to address?
guiding_question: {question}
community: {community}
stage: current          # current, or redesign (then set based_on: the current map's id)

# WHO — whose relationships shape the question?
#   beneficiary: whom the system serves (people with lived experience, their groups)
#   provider:    who serves the system (outreach, shelters, coordinated entry …)
#   leader:      who can change it (boards, council, funders)
# Mark people who bring lived experience with  lived_experience: true
# power and interest run from 0 (none) to 5 (very high).
stakeholders: []
#  - id: lived-experience-wg
#    name: Lived Experience Working Group
#    role: beneficiary
#    lived_experience: true
#    power: 1
#    attributes: {{age_group: adult}}

# WHY — how do the relationships work today? Where did we learn it?
# kinds: serves, funds, refers, informs, feedback, governs, advocates, represents,
#        collaborates, shares_data, compensates, employs, contracts, influences
relationships: []
#  - from: lived-experience-wg
#    to: coc-board
#    kind: feedback
#    strength: 2
#    status: weak          # existing, proposed, weak or broken
#    evidence:
#      - {{source: workshop, asserted_by: beneficiary}}

# Feedback loops you can name: the path ends where it starts.
loops: []

# WHAT — outcomes to co-create, and a key-factor model (factors with causal links).
outcomes: []
factors: []

# HOW — shared measures tracked over time, and indicators (secondary data).
measures: []
indicators: []

# The guiding team: roles, their responsibilities, who accepted each.
guiding_team: []
"""


def _scalar(text: str) -> str:
    # JSON strings are valid YAML scalars and quote whatever needs quoting.
    return json.dumps(text, ensure_ascii=False)


def new_map_text(
    id: str, title: str, guiding_question: str, community: str | None = None, file: str = "map.yaml"
) -> str:
    """The text of a new YAML map with commented prompts for each stage.

    Example
    -------
    >>> text = new_map_text("demo", "Demo", "How do people get housed?")
    >>> "guiding_question: \\"How do people get housed?\\"" in text
    True
    """
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.:\-]*", id):
        raise BadArgument(
            f"'{id}' is not a valid id — use letters, digits, '-', '_', '.' or ':' with no spaces",
            argument="id",
        )
    return _TEMPLATE.format(
        id=id,
        title=_scalar(title),
        question=_scalar(guiding_question),
        community=_scalar(community) if community else "null",
        file=file,
    )


def init_map(
    path: str | os.PathLike[str],
    guiding_question: str,
    *,
    title: str | None = None,
    id: str | None = None,
    community: str | None = None,
    force: bool = False,
) -> None:
    """Write a new map file (YAML with prompts, or JSON by the suffix).

    Raises
    ------
    OutputError
        The file exists (and ``force`` is not set).
    BadArgument
        The id is not valid.
    """
    target = Path(path)
    if target.exists() and not force:
        raise OutputError(
            f"{target} exists already — choose another name or use --force", path=str(target)
        )
    ident = id or re.sub(r"[^A-Za-z0-9_.:-]+", "-", target.stem).strip("-") or "map"
    heading = title or ident.replace("-", " ").replace("_", " ").capitalize()
    if detect_format(target) == "json":
        data = {
            "sysmap": 1,
            "id": ident,
            "title": heading,
            "guiding_question": guiding_question,
            "stakeholders": [],
            "relationships": [],
        }
        if community:
            data["community"] = community
        new_map_text(ident, heading, guiding_question)  # checks the id
        write_atomic(target, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return
    write_atomic(target, new_map_text(ident, heading, guiding_question, community, target.name))
