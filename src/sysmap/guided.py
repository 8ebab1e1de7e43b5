"""A guided start: the Who stage as a conversation with a facilitator.

:func:`guided_who` asks, in order: the guiding question and the community;
then the stakeholders by role — beneficiaries first (and whether each brings
lived experience), then providers, then leaders; then the guiding-team roles
and who holds each; and last, if the facilitator wants, the team's answers to
the questions of the later stages that only the team can answer. Every
question it asks is worded as in :data:`sysmap.questions.QUESTIONS`, the list
``sysmap process`` and the report also follow. Every answer is written to the map file at once, through
the ordinary editing functions (atomic, comments kept), so stopping halfway
keeps everything entered so far; running it again on the same file carries on
from there.

The questions go through a :class:`Prompter`, so the same conversation runs in
a terminal (``sysmap init MAP --guided``), in a test, or in a notebook.

Example
-------
>>> import os, tempfile
>>> answers = iter(["How do people find housing?", "Riverton",
...                 "People living unsheltered", "y", "",
...                 "Street outreach", "n", "",
...                 "CoC board", "n", "",
...                 "Lived experience co-chair", "1", "", "n"])
>>> class Scripted:
...     def ask(self, prompt, default=None):
...         return next(answers)
...     def confirm(self, prompt, default=False):
...         return next(answers) == "y"
...     def say(self, text):
...         pass
>>> path = os.path.join(tempfile.mkdtemp(), "riverton.yaml")
>>> result = guided_who(path, Scripted())
>>> result.stakeholders
['people-living-unsheltered', 'street-outreach', 'coc-board']
>>> result.roles
['gt-lived-experience-co-chair']
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from sysmap.edit import add_item, add_stakeholder, set_field
from sysmap.init import init_map
from sysmap.model import SystemMap
from sysmap.problems import did_you_mean
from sysmap.questions import QUESTIONS, STAGE_TITLES
from sysmap.validate import load_map

__all__ = ["Prompter", "GuidedResult", "guided_who", "make_id", "ROLE_PROMPTS", "TEAM_QUESTIONS"]


class Prompter(Protocol):
    """How the guided start talks with the facilitator."""

    def ask(self, prompt: str, default: str | None = None) -> str:
        """A line of text (``default`` when the answer is empty)."""
        ...

    def confirm(self, prompt: str, default: bool = False) -> bool:
        """Yes or no."""
        ...

    def say(self, text: str) -> None:
        """Tell the facilitator something."""
        ...


#: Per role: (the heading said before asking, the prompt, lived experience by default).
ROLE_PROMPTS: dict[str, tuple[str, str, bool]] = {
    "beneficiary": (
        QUESTIONS["who.beneficiaries"].text
        + " Name the people and groups, e.g. 'People living unsheltered', "
        "'Lived Experience Working Group'.",
        "A beneficiary (blank when done)",
        True,
    ),
    "provider": (
        QUESTIONS["who.providers"].text + " e.g. 'Street outreach', 'Coordinated entry'.",
        "A provider (blank when done)",
        False,
    ),
    "leader": (
        QUESTIONS["who.leaders"].text + " e.g. 'CoC board', 'City council', funders.",
        "A leader (blank when done)",
        False,
    ),
}

#: The questions of the later stages whose answer is the team's (asked at the end).
TEAM_QUESTIONS: tuple[str, ...] = tuple(
    q.id for q in QUESTIONS.values() if q.source in ("team", "both") and q.stage != "who"
)


@dataclass
class GuidedResult:
    """What the guided start added to the map."""

    path: str
    stakeholders: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    resumed: bool = False
    answers: list[str] = field(default_factory=list)


#: Little words left out of an id when the name is long.
_FILLER = {"a", "an", "and", "the", "of", "in", "for", "to", "on", "at", "with", "by", "or"}
#: Ids are kept to about this many characters, cut between words.
ID_LENGTH = 40


def make_id(name: str, taken: set[str], prefix: str = "") -> str:
    """A short, readable id from a name, not yet taken.

    Accented letters keep their base letter; a long name loses its little words
    ("of", "the" …) and then its last words, never part of a word.

    Example
    -------
    >>> make_id("People living unsheltered", set())
    'people-living-unsheltered'
    >>> make_id("CoC board", {"coc-board"})
    'coc-board-2'
    >>> make_id("Équipe d'accueil!", set(), prefix="gt-")
    'gt-equipe-d-accueil'
    >>> make_id("Youth aging out of foster care in the northern county districts", set())
    'youth-aging-out-foster-care-northern'
    """
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = [w for w in re.split(r"[^a-z0-9]+", folded.lower()) if w]
    if len("-".join(words)) > ID_LENGTH:
        words = words[:1] + [w for w in words[1:] if w not in _FILLER]
    kept: list[str] = []
    for word in words:
        if kept and len("-".join([*kept, word])) > ID_LENGTH:
            break
        kept.append(word[:ID_LENGTH])
    base = prefix + ("-".join(kept) or "item")
    ident, n = base, 2
    while ident in taken:
        ident, n = f"{base}-{n}", n + 1
    return ident


def _taken(m: SystemMap) -> set[str]:
    return (
        {s.id for s in m.stakeholders}
        | {f.id for f in m.factors}
        | {g.id for g in m.guiding_team}
        | {r.id for r in m.relationships if r.id}
        | {lp.id for lp in m.loops}
        | {o.id for o in m.outcomes}
        | {x.id for x in m.measures}
        | {i.id for i in m.indicators}
        | {a.id for a in m.assessments}
    )


def _add_role(path: str, ident: str, name: str) -> None:
    add_item(path, "guiding_team", {"id": ident, "name": name})


def _resolve(answer: str, m: SystemMap) -> tuple[list[str], list[str]]:
    """Stakeholder ids for a comma-separated answer of numbers, ids or names."""
    people = m.stakeholders
    by_name = {s.name.casefold(): s.id for s in people}
    ids = {s.id for s in people}
    found: list[str] = []
    unknown: list[str] = []
    for token in (t.strip() for t in answer.split(",")):
        if not token:
            continue
        if token.isdigit() and 1 <= int(token) <= len(people):
            hit: str | None = people[int(token) - 1].id
        elif token in ids:
            hit = token
        else:
            hit = by_name.get(token.casefold())
        if hit is None:
            unknown.append(token)
        elif hit not in found:
            found.append(hit)
    return found, unknown


def guided_who(
    path: str | os.PathLike[str],
    prompter: Prompter,
    *,
    question: str | None = None,
    community: str | None = None,
    force: bool = False,
) -> GuidedResult:
    """Walk a facilitator through the Who stage, writing the map as it goes.

    Parameters
    ----------
    path : the map file; if it exists (and ``force`` is not set), the
        conversation carries on with it instead of starting a new map
    prompter : asks the questions (see :class:`Prompter`)
    question, community : answers given already (not asked again)
    force : start a new map even if the file exists

    Returns
    -------
    GuidedResult
        The ids of the stakeholders and guiding-team roles added.

    Raises
    ------
    SysmapError
        The existing file is not a valid map, or an edit cannot be made.
    """
    name = str(path)
    result = GuidedResult(name)
    m = _begin(path, prompter, result, question, community, force)
    m = _ask_stakeholders(name, prompter, m, result)
    m = _ask_roles(name, prompter, m, result)
    people = {s.id: s for s in m.stakeholders}
    if not any(people[i].lived_experience for g in m.guiding_team for i in g.accepted_by):
        prompter.say("")
        prompter.say(
            "Nobody with lived experience holds a guiding-team role yet — the Who stage "
            "is not done until someone does."
        )
    _team_answers(name, prompter, result)
    prompter.say("")
    prompter.say(f"Saved {name}. Next: sysmap process {name}")
    return result


def _begin(
    path: str | os.PathLike[str],
    prompter: Prompter,
    result: GuidedResult,
    question: str | None,
    community: str | None,
    force: bool,
) -> SystemMap:
    """Carry on with the map, or start one: the guiding question and the community."""
    name = str(path)
    if Path(path).exists() and not force:
        m = load_map(path)
        result.resumed = True
        prompter.say(
            f"Carrying on with {name}: {len(m.stakeholders)} stakeholders and "
            f"{len(m.guiding_team)} guiding-team roles so far."
        )
        prompter.say(f"Guiding question: {m.guiding_question}")
    else:
        prompter.say(
            f"WHO — {QUESTIONS['who.roles'].text} Answers are saved as you go; "
            "stop at any time and run the same command again to carry on."
        )
        while not question:
            question = prompter.ask(
                f"{STAGE_TITLES['guiding'][0]}: {QUESTIONS['guiding.question'].text}", default=""
            ).strip()
            if not question:
                prompter.say("The map needs a guiding question to start.")
        init_map(path, question, force=force)
        if community is None:
            community = prompter.ask("Community or place (blank to skip)", default="").strip()
        if community:
            set_field(path, "map", "community", community)
        m = load_map(path)
    return m


def _ask_stakeholders(
    path: str, prompter: Prompter, m: SystemMap, result: GuidedResult
) -> SystemMap:
    """Beneficiaries, then providers, then leaders, each with or without lived experience."""
    role_words = {"beneficiary": "beneficiaries", "provider": "providers", "leader": "leaders"}
    for role, (intro, prompt, lived_default) in ROLE_PROMPTS.items():
        have = [s.name for s in m.stakeholders if s.role == role]
        prompter.say("")
        prompter.say(intro)
        if have:
            prompter.say(f"On the map already: {', '.join(have)}.")
        while True:
            label = prompter.ask(prompt, default="").strip()
            if not label:
                break
            ident = make_id(label, _taken(m))
            add_stakeholder(path, ident, label, role)
            result.stakeholders.append(ident)
            question_le = (
                "Do they bring lived experience?"
                if role == "beneficiary"
                else "Does anyone there bring lived experience (e.g. peer staff)?"
            )
            if prompter.confirm(question_le, default=lived_default):
                set_field(path, ident, "lived_experience", True)
            m = load_map(path)
            prompter.say(f"Added {role} '{ident}'.")
        if not any(s.role == role for s in m.stakeholders):
            prompter.say(
                f"No {role_words[role]} yet — add them later with 'sysmap add stakeholder'."
            )
    return m


def _ask_roles(name: str, prompter: Prompter, m: SystemMap, result: GuidedResult) -> SystemMap:
    """The guiding-team roles, and who holds each."""
    path = name
    prompter.say("")
    prompter.say(
        QUESTIONS["who.guiding-team"].text
        + " Name the roles, e.g. 'Lived Experience Engagement Coordinator', 'Chair', "
        "'Data lead'."
    )
    if m.stakeholders:
        prompter.say("Stakeholders:")
        for n, s in enumerate(m.stakeholders, start=1):
            mark = " (lived experience)" if s.lived_experience else ""
            prompter.say(f"  {n}. {s.name} [{s.id}]{mark}")
    while True:
        label = prompter.ask("A guiding-team role (blank when done)", default="").strip()
        if not label:
            break
        ident = make_id(label, _taken(m), prefix="gt-")
        _add_role(name, ident, label)
        result.roles.append(ident)
        while True:
            answer = prompter.ask(
                "Who holds it? Numbers, ids or names, separated by commas (blank if nobody yet)",
                default="",
            )
            holders, unknown = _resolve(answer, m)
            if not unknown:
                break
            hints = []
            for token in unknown:
                guess = did_you_mean(token, [s.id for s in m.stakeholders])
                hints.append(f"'{token}'" + (f" (did you mean '{guess}'?)" if guess else ""))
            prompter.say(
                f"Not on the map: {', '.join(hints)} — use a number from the list, an id or "
                "a name, or add them first."
            )
        if holders:
            set_field(path, ident, "accepted_by", holders)
        m = load_map(path)
        prompter.say(
            f"Added role '{ident}'" + (f", held by {', '.join(holders)}." if holders else ".")
        )
    return m


def _team_answers(path: str, prompter: Prompter, result: GuidedResult) -> None:
    """The later stages' questions only the team can answer, if the facilitator wants them now."""
    prompter.say("")
    if not prompter.confirm(
        f"Record the team's answers to the {len(TEAM_QUESTIONS)} questions of Why, What "
        "and How that only the team can answer? (You can do it later with sysmap set.)",
        default=False,
    ):
        return
    answered = load_map(path).answers
    for qid in TEAM_QUESTIONS:
        q = QUESTIONS[qid]
        have = answered.get(q.stage, {}).get(q.name)  # type: ignore[call-overload]
        prompter.say("")
        prompter.say(f"{STAGE_TITLES[q.stage][0].upper()} — {q.text}")
        text = prompter.ask("Your answer (blank to skip)", default=have or "").strip()
        if text and text != have:
            set_field(path, "map", f"answers.{qid}", text)
            result.answers.append(qid)
