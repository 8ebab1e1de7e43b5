"""What a workshop session did: who came, what they said, what changed.

Display names are never in the summary; people are counted by group.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sysmap.render import Block, Bullets, Heading, Lines, Mark, Para, Rendered, Table
from sysmap.workshop.session import SessionState, replay
from sysmap.workshop.views import STAGE_QUESTIONS

__all__ = ["SessionSummary", "summarize", "summarize_journal"]

_KINDS = {
    "add_stakeholder": "stakeholders added",
    "add_relationship": "relationships proposed",
    "confirm_relationship": "relationships confirmed",
    "mark_relationship": "relationships marked weak or broken",
    "add_loop": "feedback loops added",
}


@dataclass
class SessionSummary(Rendered):
    """A session in figures, with the accepted changes and the answers given."""

    map_file: str
    before_file: str
    started_at: str
    ended_at: str
    joined: dict[str, int]
    decisions: dict[str, int]
    by_group: dict[str, dict[str, int]]
    changes: dict[str, int]
    accepted: list[str] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)
    external_edits: int = 0

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def blocks(self) -> list[Block]:
        """Who joined, what they proposed and what was decided, what changed
        in the map, and the answers to the open questions."""
        people = ", ".join(f"{n} {g}" for g, n in sorted(self.joined.items())) or "nobody"
        rows: list[list[Any]] = [
            [g, *(row.get(k, 0) for k in self.decisions)]
            for g, row in sorted(self.by_group.items())
        ]
        rows.append([Mark("all"), *self.decisions.values()])
        changed = [f"{n} {k}" for k, n in self.changes.items()] or ["nothing"]
        if self.external_edits:
            changed.append(f"{self.external_edits} edit(s) made outside the workshop during it")
        accepted = [f"{i}. {label}" for i, label in enumerate(self.accepted, 1)] or ["(none)"]
        out: list[Block] = [
            Heading(f"Workshop summary: {self.map_file}", 1),
            Para(f"From {self.started_at} to {self.ended_at or '(still running)'}."),
            Para(f"{sum(self.joined.values())} ({people})", label="Joined:"),
            Heading("Contributions", 2),
            Table(["group", *self.decisions], rows),
            Heading("What changed in the map", 2),
            Bullets(list(changed)),
            Heading("Accepted, in order", 3),
            Lines(accepted),
            Para(f"sysmap compare {self.before_file} {self.map_file}", label="See every change:"),
        ]
        if self.answers:
            out += [Heading("Answers to the open questions", 2), Bullets(self._answers())]
        return out

    def _answers(self) -> list[str | Mark]:
        out: list[str | Mark] = []
        for a in self.answers:
            questions = STAGE_QUESTIONS[a["stage"]]
            q = questions[a["question"]] if a["question"] < len(questions) else "?"
            out.append(f"{q} ({a['group']}): {a['text']}")
        return out


def summarize(state: SessionState, before_file: str | os.PathLike[str]) -> SessionSummary:
    """The summary of a session's state (see :func:`summarize_journal`)."""
    joined = Counter(p.group for p in state.participants.values())
    statuses = ("accepted", "merged", "rejected", "pending", "failed", "undone")
    decisions = dict.fromkeys(statuses, 0)
    by_group: dict[str, dict[str, int]] = {}
    changes: Counter[str] = Counter()
    accepted = []
    for c in state.contributions.values():
        decisions[c.status] = decisions.get(c.status, 0) + 1
        row = by_group.setdefault(c.group, dict.fromkeys(statuses, 0))
        row[c.status] = row.get(c.status, 0) + 1
        if c.status in ("accepted", "merged") and c.steps:
            changes[_KINDS[c.kind]] += 1
            # as participants saw it: sensitive people redacted (unless the
            # facilitator showed them), since a summary is made to be shared
            accepted.append(c.shown_label or c.label)
    return SessionSummary(
        map_file=state.map_file,
        before_file=str(before_file),
        started_at=state.started_at,
        ended_at=state.ended_at,
        joined=dict(joined),
        decisions=decisions,
        by_group=by_group,
        changes=dict(changes),
        accepted=accepted,
        answers=[{k: a[k] for k in ("group", "stage", "question", "text")} for a in state.answers],
        external_edits=state.external_edits,
    )


def summarize_journal(journal: str | os.PathLike[str]) -> SessionSummary:
    """The summary of a session from its journal (``MAP.workshop/journal.jsonl``).

    Raises
    ------
    WorkshopError
        The journal is damaged.
    """
    path = Path(journal)
    state = replay(path)
    before = next(iter(sorted(path.parent.glob("before.*"))), path.parent / "before.yaml")
    return summarize(state, before)
