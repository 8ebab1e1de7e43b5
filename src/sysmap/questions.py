"""The questions of the stakeholder engagement process, Who → Why → What → How.

Founding document 002 gives a guiding question and then, stage by stage, the
questions a guiding team works through. :data:`QUESTIONS` holds every one of
them, in order, in sysmap's own words, with how a map can answer it. It is the
one list the process status (:mod:`sysmap.process`), the guided start
(:mod:`sysmap.guided`), the report and the change plan's grouping
(:mod:`sysmap.plan`) all read; :mod:`sysmap.process` re-exports it.

A question's id is ``stage.name``; the team's own answer to it lives in the
map under ``answers: {stage: {name: …}}``, so ``sysmap set MAP map
answers.why.visible "…"`` records the answer to ``why.visible``.

Example
-------
>>> QUESTIONS["who.providers"].text
'Providers: who serves the system?'
>>> [q.id for q in children("what.redesign")][:2]
['what.among-providers', 'what.among-beneficiaries']
>>> improvement_question("leader", "beneficiary")
'what.power-shift'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "STAGE_TITLES",
    "Question",
    "QUESTIONS",
    "children",
    "stage_questions",
    "improvement_question",
    "IMPROVEMENT_QUESTIONS",
    "IMPROVEMENT_LABELS",
]

Source = Literal["map", "team", "both"]

#: The stages in order: id -> (title, what the stage is about).
STAGE_TITLES: dict[str, tuple[str, str]] = {
    "guiding": ("Guiding question", "The question we are working on together."),
    "who": ("Who", "Find the relationships that shape the guiding question."),
    "why": ("Why", "Understand how those relationships work today."),
    "what": ("What", "Co-create new ways of working together."),
    "how": ("How", "Redesign the work by rewiring relationships."),
}


@dataclass(frozen=True)
class Question:
    """One question of the process.

    ``source`` says who answers it: ``map`` (the map answers it), ``team``
    (only the team can: its answer goes under ``answers``) or ``both`` (the
    map gives the facts, the team says what they mean). ``how`` says how the
    map answers it.
    """

    id: str
    text: str
    source: Source
    how: str = ""
    parent: str | None = None

    @property
    def stage(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def name(self) -> str:
        return self.id.split(".", 1)[1]


_q = Question


_ALL: tuple[Question, ...] = (
    _q(
        "guiding.question",
        "What question are we working on together?",
        "map",
        "the map's guiding_question",
    ),  # fmt: skip
    # WHO
    _q(
        "who.guiding-team",
        "Improving a system is everyone's job: who takes on each role on the guiding team?",
        "map",
        "the guiding_team roles and who accepted each",
    ),  # fmt: skip
    _q(
        "who.lived-experience-on-team",
        "Does someone with lived experience hold a guiding-team role?",
        "map",
        "the guiding-team roles accepted by stakeholders who bring lived experience",
        "who.guiding-team",
    ),  # fmt: skip
    _q(
        "who.roles",
        "Whose relationships shape and influence the guiding question most?",
        "map",
        "the stakeholders, by role",
    ),  # fmt: skip
    _q(
        "who.beneficiaries",
        "Beneficiaries: whom does the system serve?",
        "map",
        "the stakeholders whose role is beneficiary",
        "who.roles",
    ),  # fmt: skip
    _q(
        "who.lived-experience",
        "Are people with lived experience on the map?",
        "map",
        "the stakeholders marked lived_experience",
        "who.roles",
    ),  # fmt: skip
    _q(
        "who.providers",
        "Providers: who serves the system?",
        "map",
        "the stakeholders whose role is provider",
        "who.roles",
    ),  # fmt: skip
    _q(
        "who.leaders",
        "Leaders: who can change the system?",
        "map",
        "the stakeholders whose role is leader",
        "who.roles",
    ),  # fmt: skip
    # WHY
    _q(
        "why.relationships",
        "Changing a system means changing relationships: which relationships exist among the "
        "stakeholders today (primary data)?",
        "map",
        "the relationships between stakeholders",
    ),  # fmt: skip
    _q(
        "why.providers",
        "Providers: how do those who serve the system work together today?",
        "map",
        "the relationships among providers, and whether they form one group or several",
        "why.relationships",
    ),  # fmt: skip
    _q(
        "why.voice-collected",
        "Beneficiaries: have the voices and experiences of those the system serves been "
        "collected, and understood in their context?",
        "both",
        "relationships whose evidence beneficiaries or people with lived experience gave; "
        "what it means in context is the team's answer",
        "why.relationships",
    ),  # fmt: skip
    _q(
        "why.leaders",
        "Leaders: in what ways does the system's current structure, as designed, create "
        "problems and inequities for beneficiaries and providers?",
        "both",
        "the power each role group holds, and the beneficiaries with no voice channel of their "
        "own; "
        "how that creates problems is the team's answer",
        "why.relationships",
    ),  # fmt: skip
    _q(
        "why.indicators",
        "What do we know and not know about the guiding question? To build a shared "
        "understanding, what data can we share, and what does it mean to us (secondary data)?",
        "both",
        "the indicators and their sources; what we do not know and what the data "
        "means to us is the team's answer",
    ),  # fmt: skip
    _q(
        "why.equity",
        "Equity before equality: have we looked at the primary and the secondary data through "
        "an equity lens?",
        "map",
        "a stakeholder attribute that tells groups apart, and indicators broken down by group",
    ),  # fmt: skip
    _q(
        "why.visible",
        "What stays invisible stays unsolvable: what do we want to make visible in the system?",
        "team",
    ),  # fmt: skip
    # WHAT
    _q(
        "what.outcomes",
        "Building on what is already possible, which outcomes do we want to co-create "
        "together? What difference do we want to make?",
        "map",
        "the outcomes, and which have a shared measure",
    ),  # fmt: skip
    _q(
        "what.redesign",
        "A systems thing, not a single thing: how could we change and improve the way we "
        "work together to reach those outcomes?",
        "map",
        "a redesigned map based on the current one",
    ),  # fmt: skip
    _q(
        "what.among-providers",
        "Providers: how could relationships among the providers who serve the system improve "
        "(the system is the way we work together)?",
        "map",
        "the redesign's changes to relationships between two providers",
        "what.redesign",
    ),  # fmt: skip
    _q(
        "what.among-beneficiaries",
        "Beneficiaries: how could relationships among the people the system serves improve, "
        "so they can organise themselves more effectively?",
        "map",
        "the redesign's changes to relationships between two beneficiaries",
        "what.redesign",
    ),  # fmt: skip
    _q(
        "what.among-leaders",
        "Leaders: how could relationships among the leaders who can influence and change the "
        "system improve, so they see and understand it?",
        "map",
        "the redesign's changes to relationships between two leaders",
        "what.redesign",
    ),  # fmt: skip
    _q(
        "what.providers-beneficiaries",
        "Intrinsic relationships: how could providers serve beneficiaries better?",
        "map",
        "the redesign's changes to relationships between a provider and a beneficiary",
        "what.redesign",
    ),  # fmt: skip
    _q(
        "what.power-shift",
        "Power dynamics: how could leaders shift more power to beneficiaries, giving them more "
        "voice and choice in how the system works?",
        "map",
        "the redesign's changes to relationships between a leader and a beneficiary",
        "what.redesign",
    ),  # fmt: skip
    _q(
        "what.system-redesign",
        "System redesign: how could leaders and providers redesign the system so it serves "
        "everyone better (coordinated entry, navigation, integrated teams, feedback loops, a "
        "different kind of system)?",
        "map",
        "the redesign's changes to relationships between a leader and a provider",
        "what.redesign",
    ),  # fmt: skip
    _q(
        "what.key-factors",
        "Is there a model of the new system: key factors, pursued as one whole because they "
        "act on one another?",
        "map",
        "factors, causal links between them and feedback loops among them",
    ),  # fmt: skip
    # HOW
    _q(
        "how.change-plan",
        "A system can be redesigned, not controlled: which relationships will we form, rewire "
        "and strengthen, and who owns each change?",
        "map",
        "the change plan from comparing the current map with the redesign",
    ),  # fmt: skip
    _q(
        "how.pilots",
        "Start small, think big, aim high: how will we pilot and test the redesigned "
        "relationships, at a human and local scale?",
        "map",
        "the changes that name a pilot, and the shared measures that track it",
    ),  # fmt: skip
    _q(
        "how.measures",
        "Dynamic problems need more than static data: how will we measure the outcomes the "
        "rewired relationships produce?",
        "map",
        "shared measures with values on two dates or more",
    ),  # fmt: skip
    _q(
        "how.measure-shifts",
        "Over time, can we shift how we measure: isolated to shared, programmatic to "
        "systems-level, episodic to real-time, secondary to primary, reactive to predictive?",
        "map",
        "the shifts each shared measure makes (its shifts:)",
        "how.measures",
    ),  # fmt: skip
    _q(
        "how.evaluate",
        "How will we evaluate what we learn and decide which measures mean something to us? "
        "How will we return what we learn to the system?",
        "both",
        "relationships that carry information back to beneficiaries; how the team evaluates "
        "and returns learning is the team's answer",
    ),  # fmt: skip
    _q(
        "how.sustain",
        "Sustaining is a continuous process, not an event: how will we organise, coordinate "
        "and embed the new way of working in the system so that it lasts?",
        "team",
    ),  # fmt: skip
)

#: Every question, in order, by id.
QUESTIONS: dict[str, Question] = {q.id: q for q in _ALL}

#: The question each pair of role groups' relationships answers (in either direction).
IMPROVEMENT_QUESTIONS: dict[frozenset[str], str] = {
    frozenset({"provider"}): "what.among-providers",
    frozenset({"beneficiary"}): "what.among-beneficiaries",
    frozenset({"leader"}): "what.among-leaders",
    frozenset({"provider", "beneficiary"}): "what.providers-beneficiaries",
    frozenset({"leader", "beneficiary"}): "what.power-shift",
    frozenset({"leader", "provider"}): "what.system-redesign",
}


#: The improvement questions in a few words, for tables.
IMPROVEMENT_LABELS: dict[str, str] = {
    "what.among-providers": "among providers",
    "what.among-beneficiaries": "among beneficiaries",
    "what.among-leaders": "among leaders",
    "what.providers-beneficiaries": "providers → beneficiaries",
    "what.power-shift": "power shift",
    "what.system-redesign": "system redesign",
}


def children(parent: str) -> list[Question]:
    """The sub-questions of a question, in order."""
    return [q for q in _ALL if q.parent == parent]


def stage_questions(stage: str) -> list[Question]:
    """A stage's questions, in order."""
    return [q for q in _ALL if q.stage == stage]


def improvement_question(source_role: str | None, target_role: str | None) -> str | None:
    """The What question a change to a relationship between two role groups answers.

    ``None`` when either end is not a stakeholder (a causal link between factors).
    """
    if source_role is None or target_role is None:
        return None
    return IMPROVEMENT_QUESTIONS.get(frozenset({source_role, target_role}))
