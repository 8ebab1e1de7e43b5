"""Redaction: people marked sensitive do not leave the workshop by name.

Every output that can leave the guiding team (interchange files, HTML maps,
reports, printed analyses, comparisons, change plans) redacts through this
one module, which depends only on the model.

What :func:`redact_maps` does to each sensitive stakeholder:

- it becomes ``Stakeholder N`` with the id ``stakeholder-N`` (the same N in
  every map given together) and keeps only its role, lived experience,
  power and interest; its description, organisation, type, tags,
  attributes and aliases are left out;
- its relationships lose their notes, attributes, change notes and evidence
  notes;
- its name, id and every alias (first name, nickname, initials: the
  stakeholder's ``aliases``) are replaced by ``Stakeholder N`` in every
  other text of the map, whole-word and in any case;
- every other identifier derived from it is replaced by an opaque
  ``redacted_N``: relationship ids (``r-tommy-lewg``), loop ids, role,
  measure, scenario ids … and attribute keys. An identifier is derived
  from a sensitive stakeholder when one of its words (split at ``-``, ``_``,
  ``.``, ``:``) is a word of that stakeholder's id, name or aliases that no
  other stakeholder's or factor's id or name uses; references to a
  replaced id (loop paths, change owners, evidence ``asserted_by``, guiding
  team members …) follow it.

The parts of the map that are mostly free text about people
(:data:`SECTIONS_LEFT_OUT`) are left out, unless ``keep_sections`` (the
report shows them), in which case they are scrubbed like the rest.

What it cannot do: a name nobody listed (a nickname, a misspelling, "the
woman from the shelter") stays; :func:`redaction_notes` says which free-text
fields still deserve a human read.

Example
-------
>>> from sysmap.model import Relationship, Stakeholder, SystemMap
>>> m = SystemMap(id="m", title="T", guiding_question="Q?", stakeholders=[
...     Stakeholder(id="lewg-dana", name="Dana W.", role="beneficiary", sensitive=True,
...                 aliases=["Dana"]),
...     Stakeholder(id="lewg", name="Working group", role="beneficiary",
...                 description="dana chairs it")],
...     relationships=[Relationship(id="r-dana-lewg", source="lewg-dana", target="lewg",
...                                 kind="feedback")])
>>> r, ids = redact_map(m)
>>> r.stakeholders[0].name, r.stakeholders[1].description, r.relationships[0].id
('Stakeholder 1', 'Stakeholder 1 chairs it', 'redacted_1')
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sysmap.model import CORE_KINDS, EVIDENCE_SOURCES, POWER_CARRIERS, ROLES, STATUSES, SystemMap

__all__ = [
    "SECTIONS_LEFT_OUT",
    "FREE_TEXT_FIELDS",
    "Redaction",
    "redact_map",
    "redact_maps",
    "maps_for_output",
    "redaction_notes",
    "wants_redaction",
]

#: Parts of a map left out of a redacted output: they are mostly free text
#: that may name people (the report keeps them, scrubbed).
SECTIONS_LEFT_OUT: tuple[str, ...] = (
    "guiding_team",
    "outcomes",
    "measures",
    "indicators",
    "assessments",
    "answers",
)

#: Fields of free text that a redaction scrubs but cannot vouch for.
FREE_TEXT_FIELDS: tuple[str, ...] = (
    "title",
    "description",
    "notes",
    "note",
    "purpose",
    "reason",
    "pilot",
    "summary",
    "text",
)

# What a sensitive stakeholder keeps.
_KEPT = ("role", "lived_experience", "power", "interest")
# What a relationship touching one loses.
_RELATIONSHIP_TEXT = ("notes", "attributes", "change")
_WORD = re.compile(r"[^\W_]+")
# the model's own words are never a person's name (an alias "Leader" must not
# turn a role into "Stakeholder 1")
_VOCABULARY = frozenset(
    (*ROLES, *STATUSES, *CORE_KINDS, *EVIDENCE_SOURCES, *POWER_CARRIERS)
    + ("one-way", "mutual", "+", "-", "current", "redesign", "reinforcing", "balancing")
    + ("primary", "secondary", "practical", "strategic", "none")
)


def _words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def wants_redaction(redact: bool | None, *maps: SystemMap | None) -> bool:
    """Whether an output redacts: ``redact`` if given, else what the maps ask.

    ``None`` means "as the map says": a map with
    ``privacy: {redact_outside_team: true}`` is redacted unless the caller
    says ``redact=False`` (``--no-redact``).

    >>> from sysmap.model import SystemMap
    >>> m = SystemMap(id="m", title="T", guiding_question="Q?",
    ...               privacy={"redact_outside_team": True})
    >>> wants_redaction(None, m), wants_redaction(False, m)
    (True, False)
    """
    if redact is not None:
        return redact
    return any(m is not None and m.privacy.redact_outside_team for m in maps)


@dataclass
class Redaction:
    """Maps redacted together, and what was replaced.

    Attributes
    ----------
    maps : the redacted maps, in the order given
    ids : old identifier -> new one (stakeholders and derived identifiers)
    names : old stakeholder id -> "Stakeholder N"
    """

    maps: list[SystemMap]
    ids: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)


class _Scrubber:
    """Replaces sensitive people's names in text and identifiers in data."""

    def __init__(self, maps: list[SystemMap]) -> None:
        people: dict[str, Any] = {}
        for m in maps:
            for s in m.stakeholders:
                if s.sensitive and s.id not in people:
                    people[s.id] = s
        self.names = {sid: f"Stakeholder {i}" for i, sid in enumerate(people, 1)}
        self.taken = self._strings(maps)
        self.counter = 0
        self.ids: dict[str, str] = {}
        for sid, name in self.names.items():
            new = "stakeholder-" + name.split()[-1]
            while new in self.taken:
                new += "-r"
            self.taken.add(new)
            self.ids[sid] = new
        phrases: dict[str, str] = {}
        identifying: set[str] = set()
        for m in maps:  # every map's names for the people (a name may change)
            for s in m.stakeholders:
                if s.id in self.names:
                    for text in (s.name, s.id, *(a for a in s.aliases if a.strip())):
                        phrases.setdefault(text.casefold(), self.names[s.id])
                        identifying.update(_words(text))
        common: set[str] = set()
        for m in maps:
            pairs = [(s.id, s.name) for s in m.stakeholders] + [(f.id, f.name) for f in m.factors]
            for ident, name in pairs:
                if ident not in self.names:
                    common.update(_words(ident) + _words(name))
        self.tokens = {w for w in identifying - common if len(w) > 2 and not w.isdigit()}
        self.phrases = phrases
        alternatives = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
        self.pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)

    @staticmethod
    def _strings(maps: list[SystemMap]) -> set[str]:
        out: set[str] = set()

        def walk(value: Any) -> None:
            if isinstance(value, str):
                out.add(value)
            elif isinstance(value, dict):
                for k, v in value.items():
                    walk(k)
                    walk(v)
            elif isinstance(value, list | tuple):
                for v in value:
                    walk(v)

        for m in maps:
            walk(m.model_dump(by_alias=True))
        return out

    def _fresh(self) -> str:
        self.counter += 1
        while f"redacted_{self.counter}" in self.taken:
            self.counter += 1
        new = f"redacted_{self.counter}"
        self.taken.add(new)
        return new

    def derived(self, identifier: str) -> bool:
        """Whether an identifier holds a word that identifies a sensitive person."""
        return bool(self.tokens.intersection(_words(identifier))) or bool(
            self.pattern.search(identifier)
        )

    def rename(self, identifier: str) -> str:
        """The new identifier for one derived from a sensitive person."""
        if identifier not in self.ids:
            self.ids[identifier] = self._fresh()
        return self.ids[identifier]

    def text(self, value: str) -> str:
        if value in self.ids:
            return self.ids[value]
        if value in _VOCABULARY:
            return value
        return self.pattern.sub(lambda mt: self.phrases[mt.group(0).casefold()], value)

    def key(self, key: str) -> str:
        if key in self.ids:
            return self.ids[key]
        new = self.text(key)
        return self.rename(key) if self.derived(new) else new

    def walk(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.walk(v) for v in value]
        if isinstance(value, tuple):
            return tuple(self.walk(v) for v in value)
        if isinstance(value, dict):
            return {
                (self.key(k) if isinstance(k, str) else k): self.walk(v) for k, v in value.items()
            }
        return value

    def collect_ids(self, value: Any) -> None:
        """Rename every ``id`` (and relationship id) that derives from a person."""
        if isinstance(value, list):
            for v in value:
                self.collect_ids(v)
        elif isinstance(value, dict):
            ident = value.get("id")
            if isinstance(ident, str) and ident not in self.ids and self.derived(ident):
                self.rename(ident)
            for v in value.values():
                self.collect_ids(v)


def _strip_person(s: dict[str, Any], new_id: str, name: str) -> dict[str, Any]:
    kept = {k: s[k] for k in _KEPT if k in s}
    return {"id": new_id, "name": name, **kept, "sensitive": True}


def _redact_one(m: SystemMap, sc: _Scrubber, keep_sections: bool) -> SystemMap:
    data = m.model_dump(by_alias=True)
    for key in SECTIONS_LEFT_OUT:
        if key in data and not keep_sections:
            data[key] = type(data[key])()
    for r in data["relationships"]:
        if r["from"] in sc.names or r["to"] in sc.names:
            if r["id"] is not None:
                sc.rename(r["id"])
            for key in _RELATIONSHIP_TEXT:
                r[key] = {} if key == "attributes" else None
            for e in r["evidence"]:
                e["note"] = None
    data["stakeholders"] = [
        _strip_person(s, sc.ids[s["id"]], sc.names[s["id"]]) if s["id"] in sc.names else s
        for s in data["stakeholders"]
    ]
    sc.collect_ids(data)
    out = sc.walk(data)
    return SystemMap.model_validate(out)


def redact_maps(*maps: SystemMap, keep_sections: bool = False) -> Redaction:
    """Maps with sensitive stakeholders made anonymous, consistently.

    A stakeholder marked sensitive in any of the maps is redacted in all of
    them, as the same ``Stakeholder N`` (numbered in the order of the maps);
    so are identifiers derived from it.

    Parameters
    ----------
    *maps : the maps (a current map and its redesign, snapshots …)
    keep_sections : keep :data:`SECTIONS_LEFT_OUT` (scrubbed) instead of
        leaving them out

    Returns
    -------
    Redaction
        ``.maps`` in the order given, ``.ids`` and ``.names`` replaced.
    """
    sc = _Scrubber(list(maps))
    if not sc.names:
        return Redaction(list(maps))
    marked = [_mark_sensitive(m, set(sc.names)) for m in maps]
    out = [_redact_one(m, sc, keep_sections) for m in marked]
    return Redaction(out, dict(sc.ids), dict(sc.names))


def maps_for_output(
    *maps: SystemMap, redact: bool | None = None, keep_sections: bool = True
) -> list[SystemMap]:
    """The maps as an output shows them: redacted together when it should be.

    ``redact`` as in :func:`wants_redaction` (``None``: as the maps ask). The
    printed outputs (analyses, comparisons, change plans) keep the
    :data:`SECTIONS_LEFT_OUT`, scrubbed, as the report does.

    >>> from sysmap.model import Stakeholder, SystemMap
    >>> m = SystemMap(id="m", title="T", guiding_question="Q?",
    ...     privacy={"redact_outside_team": True},
    ...     stakeholders=[Stakeholder(id="d", name="Dee", role="beneficiary", sensitive=True)])
    >>> [s.name for s in maps_for_output(m)[0].stakeholders]
    ['Stakeholder 1']
    >>> [s.name for s in maps_for_output(m, redact=False)[0].stakeholders]
    ['Dee']
    """
    if not wants_redaction(redact, *maps):
        return list(maps)
    return redact_maps(*maps, keep_sections=keep_sections).maps


def _mark_sensitive(m: SystemMap, sensitive: set[str]) -> SystemMap:
    # sensitive in one map is sensitive in every map given with it
    if all(s.sensitive for s in m.stakeholders if s.id in sensitive):
        return m
    people = [
        s.model_copy(update={"sensitive": True}) if s.id in sensitive else s for s in m.stakeholders
    ]
    return m.model_copy(update={"stakeholders": people})


def redact_map(m: SystemMap, *, keep_sections: bool = False) -> tuple[SystemMap, dict[str, str]]:
    """A copy of one map with sensitive stakeholders made anonymous.

    See :func:`redact_maps`; returns the redacted map and the identifier
    mapping (old → new). A map with no sensitive stakeholder comes back as is.

    Example
    -------
    >>> from sysmap.model import Stakeholder, SystemMap
    >>> m = SystemMap(id="m", title="Dana's map", guiding_question="Q?", stakeholders=[
    ...     Stakeholder(id="dana", name="Dana", role="beneficiary", sensitive=True,
    ...                 description="Lives in her car")])
    >>> r, ids = redact_map(m)
    >>> ids, r.stakeholders[0].name, r.stakeholders[0].description, r.title
    ({'dana': 'stakeholder-1'}, 'Stakeholder 1', None, "Stakeholder 1's map")
    """
    result = redact_maps(m, keep_sections=keep_sections)
    return result.maps[0], result.ids


def _free_text(m: SystemMap) -> Counter[str]:
    seen: Counter[str] = Counter()

    def walk(value: Any, where: str) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                if k in FREE_TEXT_FIELDS and isinstance(v, str) and v.strip():
                    seen[f"{where or 'map'} {k}"] += 1
                elif isinstance(v, list | dict):
                    walk(v, k.replace("_", " ") if isinstance(k, str) else where)
        elif isinstance(value, list):
            for v in value:
                walk(v, where)

    walk(m.model_dump(exclude={"stakeholders"}), "")
    for s in m.stakeholders:
        if s.description:
            seen["stakeholders description"] += 1
    return seen


def redaction_notes(
    m: SystemMap, *, sections_left_out: bool = True, redacted: SystemMap | None = None
) -> list[str]:
    """What a redaction of ``m`` did and what a person should still read.

    Parameters
    ----------
    m : the map before redaction
    sections_left_out : whether the output leaves :data:`SECTIONS_LEFT_OUT` out
    redacted : ``m`` redacted already (saves redacting it again)

    Example
    -------
    >>> from sysmap.model import Stakeholder, SystemMap
    >>> m = SystemMap(id="m", title="T", guiding_question="Q?", stakeholders=[
    ...     Stakeholder(id="d", name="D", role="beneficiary", sensitive=True),
    ...     Stakeholder(id="e", name="E", role="leader", description="chairs")])
    >>> redaction_notes(m)[0]
    'redact: 1 sensitive stakeholder is written as Stakeholder 1, without their free text'
    """
    sensitive = sum(1 for s in m.stakeholders if s.sensitive)
    if not sensitive:
        return ["redact: no stakeholder is marked sensitive, so nothing was redacted"]
    people = (
        "1 sensitive stakeholder is"
        if sensitive == 1
        else f"{sensitive} sensitive stakeholders are"
    )
    notes = [
        f"redact: {people} written as Stakeholder 1"
        + (f" … Stakeholder {sensitive}" if sensitive > 1 else "")
        + ", without their free text"
    ]
    left = [part.replace("_", " ") for part in SECTIONS_LEFT_OUT if getattr(m, part, None)]
    if sections_left_out and left:
        notes.append("redact: left out because they may name people: " + ", ".join(left))
    if redacted is None:
        redacted = redact_map(m, keep_sections=not sections_left_out)[0]
    fields = _free_text(redacted)
    if fields:
        notes.append(
            "redact: names, ids and listed aliases are replaced, but a name nobody listed is "
            "not; read these by eye before sharing: " + _listing(fields.items())
        )
    return notes


def _listing(items: Iterable[tuple[str, int]]) -> str:
    return ", ".join(f"{where} ({n})" for where, n in items)
