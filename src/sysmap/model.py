"""The domain model of a sysmap map.

A map describes one community system around one guiding question:

- **stakeholders** — who the system serves (beneficiaries), who serves it
  (providers) and who can change it (leaders);
- **factors** — the non-actor elements of a key-factor (causal loop) model;
- **relationships** — who serves, funds, refers, informs … whom, how strongly,
  with how much trust and power, and how we know;
- **loops** — feedback loops the guiding team has named;
- **guiding team**, **outcomes**, **measures**, **indicators** and
  **assessments** — the rest of the Who / Why / What / How process.

Every model forbids unknown fields, so a typo such as ``stength`` is reported
instead of silently ignored.

Example
-------
>>> m = SystemMap(
...     id="demo",
...     title="Demo",
...     guiding_question="How do people find housing?",
...     stakeholders=[
...         Stakeholder(id="pwle", name="People with lived experience", role="beneficiary"),
...         Stakeholder(id="board", name="CoC board", role="leader"),
...     ],
...     relationships=[Relationship(source="pwle", target="board", kind="feedback")],
... )
>>> [s.role for s in m.stakeholders]
['beneficiary', 'leader']
>>> m.relationships[0].model_dump(by_alias=True, exclude_defaults=True)
{'from': 'pwle', 'to': 'board', 'kind': 'feedback'}
"""

from __future__ import annotations

import datetime as _dt
import math
import types
import typing
from collections.abc import Iterable
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
)

__all__ = [
    "share_field_sets",
    "FORMAT_VERSION",
    "ROLES",
    "CORE_KINDS",
    "VOICE_KINDS",
    "STATUSES",
    "EVIDENCE_SOURCES",
    "POWER_CARRIERS",
    "Stakeholder",
    "Factor",
    "Evidence",
    "RelationshipPower",
    "Change",
    "Relationship",
    "RelationshipKind",
    "FeedbackLoop",
    "Scenario",
    "LEVELS",
    "OWN_LEVELS",
    "MEASURE_SHIFTS",
    "CHARTER_STATUSES",
    "Responsibility",
    "CompetencySet",
    "ExecutionStep",
    "GuidingRole",
    "Outcome",
    "MeasureValue",
    "Measure",
    "Disaggregation",
    "Indicator",
    "AssessmentItem",
    "AssessmentScore",
    "CharterStatus",
    "Assessment",
    "Privacy",
    "SystemMap",
]

#: The version of the file format this release reads and writes.
FORMAT_VERSION = 1

#: Stakeholder roles: whom the system serves, who serves it, who can change it.
ROLES: tuple[str, ...] = ("beneficiary", "provider", "leader")

#: The core vocabulary of relationship kinds, with what each means.
CORE_KINDS: dict[str, str] = {
    "serves": "provides a service to",
    "funds": "gives money to",
    "refers": "sends people to",
    "informs": "passes information to",
    "feedback": "tells how things are going (a voice channel)",
    "governs": "sets policy for or has authority over",
    "advocates": "raises others' concerns with (the target): voice flows from -> to",
    "represents": "carries a group's views to (the target): voice flows from -> to",
    "collaborates": "works together with",
    "shares_data": "shares data with",
    "compensates": "pays for time or expertise (e.g. paying experts by experience)",
    "employs": "employs",
    "contracts": "holds a contract with",
    "influences": "a causal link between factors (use polarity + or -)",
}

#: Kinds through which a beneficiary's voice can travel toward decision makers.
VOICE_KINDS: frozenset[str] = frozenset({"feedback", "advocates", "represents", "informs"})

#: Relationship status.
STATUSES: tuple[str, ...] = ("existing", "proposed", "weak", "broken")

#: Where we learned about a relationship.
EVIDENCE_SOURCES: tuple[str, ...] = (
    "interview",
    "survey",
    "workshop",
    "record",
    "observation",
    "document",
)

#: What power a relationship can carry.
POWER_CARRIERS: tuple[str, ...] = ("authority", "money", "decisions", "information")

#: The levels a responsibility can need a competency at: applying it within one's
#: own team or organisation, and applying it across different stakeholder groups.
LEVELS: tuple[str, ...] = ("practical", "strategic")

#: A person's own level in a competency: the two levels, or not yet either.
OWN_LEVELS: tuple[str, ...] = ("none", "practical", "strategic")

#: How the way we measure can shift over time: id -> (from, to).
MEASURE_SHIFTS: dict[str, tuple[str, str]] = {
    "isolated_to_shared": ("Isolated measures", "Shared measures"),
    "programmatic_to_systems": ("Programmatic, organisational", "Systems-level"),
    "static_to_real_time": ("Static, episodic", "Dynamic, real-time"),
    "secondary_to_primary": ("Secondary data", "Primary data (people-specific)"),
    "reactive_to_predictive": ("Reactive analytics", "Predictive analytics"),
}

#: Where an organisation stands in adopting a charter.
CHARTER_STATUSES: tuple[str, ...] = ("not started", "reviewing", "adopted")

Id = Annotated[
    str,
    Field(
        min_length=1,
        max_length=200,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:\-]*$",
        description="A short identifier: letters, digits, '-', '_', '.', ':'; "
        "starts with a letter or digit.",
    ),
]
KindName = Annotated[
    str,
    Field(
        min_length=1,
        max_length=60,
        pattern=r"^[a-z][a-z0-9_]*$",
        description="A relationship kind: lower case letters, digits and '_'.",
    ),
]
Scale5 = Annotated[
    float,
    Field(ge=0, le=5, description="0 (none) to 5 (very high)."),
]
Ordinal5 = Annotated[
    int,
    Field(ge=0, le=5, description="0 (none) to 5 (very high)."),
]


def _finite(value: Any) -> Any:
    # NaN and ±Infinity have no place in JSON or a spreadsheet: refuse them at load
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(
            f"{value} is not a number a map can hold — write a number, "
            "or text such as 'unknown', or leave the attribute out"
        )
    return value


AttributeValue = Annotated[str | int | float | bool | None, BeforeValidator(_finite)]


def _polarity(value: Any) -> Any:
    # YAML users write +/-, "positive", "same" …; keep one canonical form.
    aliases = {
        "positive": "+",
        "same": "+",
        "s": "+",
        "negative": "-",
        "opposite": "-",
        "o": "-",
        1: "+",
        -1: "-",
    }
    if isinstance(value, str):
        return aliases.get(value.strip().lower(), value.strip())
    if isinstance(value, int) and not isinstance(value, bool):
        return aliases.get(value, value)
    return value


def _kind(value: Any) -> Any:
    # "shares data" and "shares-data" are how people type shares_data.
    if isinstance(value, str):
        return value.strip().lower().replace(" ", "_").replace("-", "_")
    return value


Polarity = Annotated[Literal["+", "-"], BeforeValidator(_polarity)]


def _levels(value: Any) -> Any:
    # one level is written as a word, both as a list; keep one order, no repeats
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return sorted(set(value), key=lambda v: (LEVELS.index(v) if v in LEVELS else 9, v))
    return value


def _charter_status(value: Any) -> Any:
    if isinstance(value, str):
        return " ".join(value.strip().lower().replace("_", " ").replace("-", " ").split())
    return value


Level = Literal["practical", "strategic"]
Levels = Annotated[list[Level], BeforeValidator(_levels), Field(min_length=1)]


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        populate_by_name=True,
        validate_assignment=True,
        str_strip_whitespace=True,
        coerce_numbers_to_str=True,
        allow_inf_nan=False,  # NaN and ±Infinity are no value a map (or JSON) can hold
    )

    # A loaded map's items share their sets of written fields (share_field_sets);
    # an item that is changed or copied gets a set of its own first.
    def __setattr__(self, name: str, value: Any) -> None:
        _own_fields_set(self)
        super().__setattr__(name, value)

    def __copy__(self) -> typing.Self:
        copied = super().__copy__()
        _own_fields_set(copied)
        return copied

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> typing.Self:
        copied = super().__deepcopy__(memo)
        _own_fields_set(copied)
        return copied


_set_slot = object.__setattr__


def _own_fields_set(item: BaseModel) -> None:
    names: Any = item.__pydantic_fields_set__
    if isinstance(names, frozenset):
        _set_slot(item, "__pydantic_fields_set__", set(names))


def share_field_sets(
    items: BaseModel | Iterable[Any],
    shared: dict[frozenset[str], frozenset[str]] | None = None,
    skip: Iterable[str] = (),
) -> None:
    """Let the models in ``items`` (and in them) that wrote the same fields share one set.

    pydantic keeps, on each item, the set of fields it was given (what
    ``model_fields_set`` returns). At 158,000 relationships those sets took
    170 MB, half the loaded map, while a map has a few dozen different ones.
    They are replaced here by one frozen set per distinct set (``shared``
    keeps them from one call to the next); changing or copying an item gives
    it back a set of its own, so ``model_fields_set`` stays right. The
    fields of ``items`` named in ``skip`` are not walked.

    >>> a = Stakeholder(id="a", name="A", role="leader")
    >>> b = Stakeholder(id="b", name="B", role="leader")
    >>> m = SystemMap(id="m", title="M", guiding_question="Q?", stakeholders=[a, b])
    >>> share_field_sets(m)
    >>> a.model_fields_set is b.model_fields_set
    True
    >>> a.power = 3
    >>> sorted(a.model_fields_set), sorted(b.model_fields_set)
    (['id', 'name', 'power', 'role'], ['id', 'name', 'role'])
    """
    shared = {} if shared is None else shared
    plans: dict[type, tuple[str, ...]] = {}
    skipped = frozenset(skip)
    todo: list[Iterable[Any]] = [[items] if isinstance(items, BaseModel) else items]
    while todo:
        for item in todo.pop():
            if not isinstance(item, BaseModel):
                continue
            names = frozenset(item.__pydantic_fields_set__)
            _set_slot(item, "__pydantic_fields_set__", shared.setdefault(names, names))
            plan = plans.get(type(item))
            if plan is None:
                plan = plans[type(item)] = _nested_fields(type(item))
            if skipped:  # the fields of the first item only
                plan, skipped = tuple(n for n in plan if n not in skipped), frozenset()
            for name in plan:
                value = item.__dict__.get(name)
                if isinstance(value, list):
                    todo.append(value)
                elif value is not None:
                    todo.append([value])


def _nested_fields(cls: type[BaseModel]) -> tuple[str, ...]:
    """The fields of ``cls`` whose values are models or lists of models."""
    return tuple(name for name, field in cls.model_fields.items() if _holds_model(field.annotation))


def _holds_model(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    origin = typing.get_origin(annotation)
    if origin in (list, typing.Union, types.UnionType, typing.Annotated):
        return any(_holds_model(a) for a in typing.get_args(annotation))
    return False


class _Described(_Model):
    """An item with an id, a name shown on maps and reports, and an optional description."""

    id: Id
    name: str = Field(min_length=1)
    description: str | None = None


class Stakeholder(_Model):
    """A person, group or organisation with a role in the system."""

    id: Id
    name: str = Field(min_length=1, description="The name shown on maps.")
    role: Literal["beneficiary", "provider", "leader"] = Field(
        description="beneficiary (whom the system serves), provider (who serves "
        "the system) or leader (who can change it)."
    )
    type: str | None = Field(
        default=None, description="Kind of stakeholder, e.g. person, group, agency."
    )
    organisation: str | None = None
    description: str | None = None
    tags: list[str] = Field(default_factory=list)
    lived_experience: bool = Field(
        default=False, description="Brings lived experience of the issue."
    )
    power: Ordinal5 | None = Field(
        default=None, description="Ability to change the system, 0 (none) to 5."
    )
    interest: Ordinal5 | None = Field(
        default=None, description="Interest in the guiding question, 0 to 5."
    )
    attributes: dict[str, AttributeValue] = Field(
        default_factory=dict,
        description="Free attributes; the equity lens breaks results down by these.",
    )
    sensitive: bool = Field(
        default=False,
        description="Identity must not leave the workshop; exports can redact it.",
    )
    aliases: list[str] = Field(
        default_factory=list,
        description="Other names this stakeholder goes by (first name, nickname, "
        "initials); redaction replaces them too, whole-word, in any case.",
    )


class Factor(_Described):
    """A non-actor element of a key-factor model, e.g. "housing stock"."""

    tags: list[str] = Field(default_factory=list)
    attributes: dict[str, AttributeValue] = Field(default_factory=dict)


class Evidence(_Model):
    """How we know about a relationship, when, and who said so."""

    source: Literal["interview", "survey", "workshop", "record", "observation", "document"] = Field(
        description="How we learned it."
    )
    date: _dt.date | None = None
    asserted_by: str | None = Field(
        default=None,
        description="A stakeholder id or a role group (beneficiary, provider, "
        "leader) that asserted this relationship.",
    )
    note: str | None = None


class RelationshipPower(_Model):
    """The power a relationship carries from its source to its target."""

    amount: Ordinal5 = Field(description="How much power, 0 (none) to 5.")
    carries: list[Literal["authority", "money", "decisions", "information"]] = Field(
        default_factory=list, description="What the power consists of."
    )


class Change(_Model):
    """Why a relationship is in a redesign, who owns the change, how it is piloted."""

    reason: str | None = None
    owner: str | None = Field(default=None, description="A stakeholder id.")
    pilot: str | None = None
    measures: list[str] = Field(default_factory=list, description="Measure ids.")


class Relationship(_Model):
    """A directed link between two stakeholders or factors."""

    id: Id | None = Field(
        default=None, description="Optional; lets comparisons follow a relationship."
    )
    source: Id = Field(alias="from", description="Stakeholder or factor id.")
    target: Id = Field(alias="to", description="Stakeholder or factor id.")
    kind: Annotated[KindName, BeforeValidator(_kind)] = Field(
        description="One of the core kinds, or a kind declared under 'kinds'."
    )
    strength: Scale5 | None = None
    trust: Scale5 | None = None
    direction: Literal["one-way", "mutual"] = "one-way"
    polarity: Polarity | None = Field(default=None, description="'+' or '-' for causal links.")
    weight: float | None = Field(
        default=None,
        ge=-1,
        le=1,
        description="A causal link's weight, -1 to 1, for fuzzy-cognitive-map scenarios; "
        "without it the weight is the polarity's sign times strength / 5.",
    )
    power: RelationshipPower | None = None
    status: Literal["existing", "proposed", "weak", "broken"] = "existing"
    notes: str | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    change: Change | None = None
    attributes: dict[str, AttributeValue] = Field(default_factory=dict)

    @field_validator("direction", mode="before")
    @classmethod
    def _direction(cls, value: Any) -> Any:
        if isinstance(value, str):
            v = value.strip().lower().replace("_", "-").replace(" ", "-")
            return {"oneway": "one-way", "two-way": "mutual"}.get(v, v)
        return value


class RelationshipKind(_Model):
    """A custom relationship kind declared by the map."""

    id: KindName
    description: str | None = None
    voice: bool = Field(default=False, description="Carries beneficiaries' voice toward decisions.")


class FeedbackLoop(_Model):
    """A feedback loop the guiding team named."""

    id: Id
    name: str = Field(min_length=1)
    path: list[Id] = Field(
        min_length=3,
        description="Element ids around the loop; the last equals the first.",
    )
    purpose: str | None = None
    type: Literal["reinforcing", "balancing"] | None = Field(
        default=None, description="Declared type; checked against polarities."
    )
    effect: Literal["virtuous", "vicious"] | None = Field(
        default=None,
        description="Whether the loop helps (virtuous) or harms (vicious) what the map is "
        "for; the type does not say (a reinforcing loop can be either).",
    )


class Scenario(_Model):
    """A named what-if on the key-factor model: factors held at chosen values."""

    id: Id
    name: str | None = Field(default=None, description="The name shown in outputs.")
    hold: dict[Id, Annotated[float, Field(ge=-1, le=1)]] = Field(
        min_length=1,
        description="Factor id -> the value it is held at (0 to 1; -1 to 1 with tanh "
        "or trivalent squashing).",
    )
    note: str | None = None


class Responsibility(_Model):
    """One responsibility of a guiding-team role and the competencies it needs."""

    id: Id | None = Field(
        default=None, description="Optional; lets the theory of execution name it."
    )
    text: str = Field(min_length=1, description="What the role does, in a few words.")
    detail: str | None = Field(default=None, description="How, or what it covers.")
    competencies: dict[str, Levels] = Field(
        default_factory=dict,
        description="Competency id -> the level or levels needed: practical, strategic, "
        "or [practical, strategic].",
    )


class CompetencySet(_Model):
    """A named group of competencies, e.g. Improvement Science."""

    name: str = Field(min_length=1)
    competencies: list[str] = Field(min_length=1, description="Competency ids.")


class ExecutionStep(_Model):
    """One step of a role's theory of execution: the order its work is done in."""

    text: str = Field(min_length=1)
    responsibilities: list[Id] = Field(
        default_factory=list, description="The ids of the responsibilities this step carries out."
    )
    when: Literal["in_order", "throughout", "ultimately"] = Field(
        default="in_order",
        description="in_order (a step in sequence), throughout (alongside every step) or "
        "ultimately (what the steps aim at).",
    )


class GuidingRole(_Described):
    """A role on the guiding team."""

    summary: str | None = Field(default=None, description="The job summary.")
    responsibilities: list[str | Responsibility] = Field(default_factory=list)
    competency_sets: list[CompetencySet] = Field(
        default_factory=list, description="The competencies the role draws on, in named sets."
    )
    theory_of_execution: list[ExecutionStep] = Field(
        default_factory=list, description="The order the role's work is done in."
    )
    accepted_by: list[Id] = Field(
        default_factory=list, description="Stakeholder ids who took on this role."
    )
    proficiency: dict[Id, dict[str, Literal["none", "practical", "strategic"]]] = Field(
        default_factory=dict,
        description="Stakeholder id (someone who accepted the role) -> competency id -> "
        "their own current level: none, practical or strategic.",
    )


class Outcome(_Described):
    """A desired outcome the community co-creates."""


class MeasureValue(_Model):
    """A measure's value at one date, optionally for one group."""

    date: _dt.date
    value: float
    group: dict[str, AttributeValue] = Field(
        default_factory=dict, description="e.g. {race: Black}; empty for everyone."
    )


class Measure(_Model):
    """A shared measure tracked over time."""

    id: Id
    name: str = Field(min_length=1)
    outcome: Id | None = Field(default=None, description="Outcome id.")
    unit: str | None = None
    source: str | None = None
    data: Literal["primary", "secondary"] | None = None
    shifts: list[
        Literal[
            "isolated_to_shared",
            "programmatic_to_systems",
            "static_to_real_time",
            "secondary_to_primary",
            "reactive_to_predictive",
        ]
    ] = Field(
        default_factory=list,
        description="The shifts in how we measure that this measure makes (from -> to).",
    )
    values: list[MeasureValue] = Field(default_factory=list)


class Disaggregation(_Model):
    """An indicator's values broken down by one attribute."""

    by: str = Field(min_length=1)
    values: dict[str, float]


class Indicator(_Model):
    """A secondary-data indicator, optionally disaggregated by group."""

    id: Id
    name: str = Field(min_length=1)
    source: str | None = None
    unit: str | None = None
    as_of: _dt.date | None = None
    value: float | None = None
    disaggregations: list[Disaggregation] = Field(default_factory=list)


class AssessmentItem(_Model):
    """One checklist item."""

    id: Id
    text: str = Field(min_length=1)
    area: str | None = None


class AssessmentScore(_Model):
    """One organisation's scores on a checklist."""

    stakeholder: Id = Field(description="The organisation scored (stakeholder id).")
    date: _dt.date | None = None
    scores: dict[str, float] = Field(description="Item id -> score.")


class CharterStatus(_Model):
    """Where one organisation stands in adopting a charter, and since when."""

    stakeholder: Id = Field(description="The organisation (stakeholder id).")
    status: Annotated[
        Literal["not started", "reviewing", "adopted"], BeforeValidator(_charter_status)
    ] = Field(
        description="not started, reviewing (its policies, workplace and practice) or adopted."
    )
    date: _dt.date | None = None
    note: str | None = None


class Assessment(_Described):
    """A named checklist scored per organisation."""

    scale: tuple[float, float] = Field(
        default=(0, 2), description="Lowest and highest score, e.g. [0, 2]."
    )
    items: list[AssessmentItem] = Field(min_length=1)
    results: list[AssessmentScore] = Field(default_factory=list)
    charter_status: list[CharterStatus] = Field(
        default_factory=list,
        description="For a charter: each organisation's status in adopting it, with a date.",
    )


class Privacy(_Model):
    """How the map's outputs treat people marked sensitive."""

    redact_outside_team: bool = Field(
        default=False,
        description="Every output that leaves the guiding team is redacted "
        "unless the command is given --no-redact.",
    )


class SystemMap(_Model):
    """One map of a community system around one guiding question."""

    sysmap: Literal[1] = Field(default=1, description="File format version.")
    id: Id
    title: str = Field(min_length=1)
    guiding_question: str = Field(
        min_length=1, description="What are we collectively working to address?"
    )
    community: str | None = None
    description: str | None = None
    as_of: _dt.date | None = None
    stage: Literal["current", "redesign"] = "current"
    based_on: Id | None = Field(
        default=None, description="The id of the map a redesign comes from."
    )
    privacy: Privacy = Field(
        default_factory=Privacy,
        description="Redaction by default: privacy: {redact_outside_team: true}.",
    )
    kinds: list[RelationshipKind] = Field(
        default_factory=list, description="Custom relationship kinds."
    )
    stakeholders: list[Stakeholder] = Field(default_factory=list)
    factors: list[Factor] = Field(default_factory=list)
    relationships: list[Relationship] = Field(default_factory=list)
    loops: list[FeedbackLoop] = Field(default_factory=list)
    scenarios: list[Scenario] = Field(
        default_factory=list, description="Named what-if scenarios on the key-factor model."
    )
    guiding_team: list[GuidingRole] = Field(default_factory=list)
    outcomes: list[Outcome] = Field(default_factory=list)
    measures: list[Measure] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)
    assessments: list[Assessment] = Field(default_factory=list)
    answers: dict[Literal["guiding", "who", "why", "what", "how"], dict[str, str]] = Field(
        default_factory=dict,
        description="The team's own answers to the process questions the map cannot answer: "
        "stage -> question -> answer (see sysmap process).",
    )

    def stakeholder(self, id: str) -> Stakeholder:
        """Return the stakeholder with this id (KeyError if none)."""
        for s in self.stakeholders:
            if s.id == id:
                return s
        raise KeyError(id)

    def element_ids(self) -> set[str]:
        """Ids of every stakeholder and factor."""
        return {s.id for s in self.stakeholders} | {f.id for f in self.factors}

    def known_kinds(self) -> set[str]:
        """The core kinds plus the kinds this map declares."""
        return set(CORE_KINDS) | {k.id for k in self.kinds}

    def to_data(self) -> dict[str, Any]:
        """The map as plain data, in file order, without defaults.

        Dates stay :class:`datetime.date`; use ``model_dump(mode="json")``
        for text.
        """
        data = whole_numbers(self.model_dump(by_alias=True, exclude_defaults=True))
        data.pop("sysmap", None)
        return {"sysmap": self.sysmap, **data}

    def _repr_html_(self) -> str:
        """The map drawn in a Jupyter notebook: :func:`sysmap.notebook.map_iframe`."""
        from sysmap.notebook import map_iframe  # the HTML map's parts load only when shown

        return map_iframe(self)


def whole_numbers(value: Any) -> Any:
    """``value`` with every float that is a whole number turned into an int, all the way down."""
    # strength 3, not 3.0: numbers stored as floats are written as people type them
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: whole_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [whole_numbers(v) for v in value]
    if isinstance(value, tuple):
        return tuple(whole_numbers(v) for v in value)
    return value
