"""How the parts of a map refer to each other, checked on raw map data.

The field rules (:mod:`sysmap.rules`) check each value on its own; this
module checks what values say about each other: ids used twice, ids that name
nothing, loops that do not close or are not backed by relationships, scores
outside their checklist's scale, and the map-level warnings (no
beneficiaries, nobody with lived experience …). It works on data whose
fields may be wrong, so that both kinds of problem are reported together.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sysmap.competencies import (
    COMPETENCIES,
    declared_in,
    execution_problems,
    unknown_competency,
)
from sysmap.model import CORE_KINDS, ROLES
from sysmap.problems import (
    ITEM_NAMES,
    MAX_PER_KIND,
    PathPart,
    Problem,
    ProblemKind,
    as_written,
    did_you_mean,
    one_of,
    problem_kind,
    shorten,
)

__all__ = ["check_references"]

#: The sections whose ids must differ; stakeholders and factors share one set.
_ID_SETS: tuple[tuple[str, ...], ...] = (
    ("stakeholders", "factors"),
    ("relationships",),
    ("loops",),
    ("scenarios",),
    ("guiding_team",),
    ("outcomes",),
    ("measures",),
    ("indicators",),
    ("assessments",),
    ("kinds",),
)
_NEGATIVE = ("-", "-1", "negative", "opposite", "o")
_ELEMENT_HINT = "add it under stakeholders or factors, or fix the id"


def check_references(data: dict[str, Any]) -> list[Problem]:
    """Check how the parts of a map refer to each other, on raw map data.

    Works on data whose fields may be wrong, so that reference problems are
    reported alongside field problems. Covers duplicate ids, unknown
    stakeholders, kinds, measures and items, relationships to themselves, and
    declared loops that do not close or are not backed by relationships; adds
    the map-level warnings (no beneficiaries, no lived experience …). At most
    :data:`~sysmap.problems.MAX_PER_KIND` problems of one kind are listed; the
    last of them counts the rest in its ``more``.

    Example
    -------
    >>> data = {"stakeholders": [{"id": "a", "name": "A", "role": "leader"}],
    ...         "relationships": [{"from": "a", "to": "b", "kind": "funds"}]}
    >>> [p.code for p in check_references(data) if p.severity == "error"]
    ['unknown-id']
    """
    check = _References(data)
    check.duplicate_ids()
    check.duplicate_relationships()
    edges, polarity = check.relationships()
    check.loops(edges, polarity)
    check.scenarios()
    check.guiding_team()
    check.measures()
    check.assessments()
    check.map_warnings()
    return check.found


def _items(data: dict[str, Any], key: str) -> list[tuple[int, dict[str, Any]]]:
    """The dicts of a section with their places (a list: faster than a generator)."""
    seq = data.get(key)
    if not isinstance(seq, list):
        return []
    return [(i, item) for i, item in enumerate(seq) if isinstance(item, dict)]


def _ids(items: list[tuple[int, dict[str, Any]]]) -> dict[str, int]:
    """Each id of a section (as text) and the place it first appears."""
    out: dict[str, int] = {}
    for i, item in items:
        ident = item.get("id")
        if isinstance(ident, (str, int)) and str(ident) not in out:
            out[str(ident)] = i
    return out


def _valid_kind_name(name: str) -> bool:
    return name.replace("_", "").isalnum() and name[:1].isalpha() and name.islower()


def _ends(rel: dict[str, Any]) -> tuple[str, str]:
    """The keys a relationship names its ends with: from/to, or source/target."""
    src_key = "from" if "from" in rel or "source" not in rel else "source"
    dst_key = "to" if "to" in rel or "target" not in rel else "target"
    return src_key, dst_key


class _References:
    """One pass over a map's data, collecting reference problems (capped per kind)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.found: list[Problem] = []
        self.listed: dict[ProblemKind, list[Problem]] = {}
        self.sections: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        self.stakeholders = _ids(self.items("stakeholders"))
        self.factors = set(_ids(self.items("factors")))
        self.elements = self.stakeholders | _ids(self.items("factors"))
        self.kinds = set(CORE_KINDS) | set(_ids(self.items("kinds")))
        self.measure_ids = set(_ids(self.items("measures")))
        self.fine_kinds: set[str] = set()  # kinds as written that need no problem
        # ids by name, to catch "from: Street outreach" written for "from: outreach"
        self.names: dict[str, tuple[str, str]] = {}
        for section in ("stakeholders", "factors", "outcomes", "measures"):
            for _, item in self.items(section):
                name, ident = item.get("name"), item.get("id")
                if isinstance(name, str) and isinstance(ident, (str, int)):
                    key = name.strip().casefold()
                    self.names.setdefault(key, (str(ident), ITEM_NAMES[section]))

    # ------------------------------------------------------------ collecting

    def items(self, section: str) -> list[tuple[int, dict[str, Any]]]:
        """:func:`_items` of a top-level section, listed once."""
        found = self.sections.get(section)
        if found is None:
            found = self.sections[section] = _items(self.data, section)
        return found

    def add(self, problem: Problem) -> None:
        # at most MAX_PER_KIND of a kind are kept; the last one counts the rest
        same = self.listed.setdefault(problem_kind(problem), [])
        if len(same) < MAX_PER_KIND:
            same.append(problem)
            self.found.append(problem)
        else:
            same[-1].more += 1

    def error(self, msg: str, path: list[PathPart], code: str) -> None:
        self.add(Problem(msg, path, code=code))

    def warn(self, msg: str, path: list[PathPart], code: str) -> None:
        self.add(Problem(msg, path, severity="warning", code=code))

    def unknown(
        self,
        ident: Any,
        path: list[PathPart],
        what: str,
        pool: set[str] | dict[str, int],
        hint: str,
    ) -> None:
        """An id that names nothing in ``pool``: a name written for an id, or a typo."""
        if ident.__class__ is str and ident in pool:
            return  # the usual case, first
        if ident is None or not isinstance(ident, (str, int)) or str(ident) in pool:
            return
        named, noun = self.names.get(str(ident).strip().casefold(), (None, ""))
        if named is not None and named in pool:
            self.error(
                f"'{shorten(ident)}' is a {noun}'s name — use its id here: {named}",
                path,
                "name-not-id",
            )
            return
        guess = did_you_mean(str(ident), list(pool))
        tail = f"did you mean '{guess}'?" if guess else hint
        self.error(f"unknown {what} '{shorten(ident)}' — {tail}", path, "unknown-id")

    # ------------------------------------------------------------ ids used twice

    def duplicate_ids(self) -> None:
        for sections in _ID_SETS:
            ids = [item.get("id") for section in sections for _, item in self.items(section)]
            if set(map(type, ids)) <= {str} and len(set(ids)) == len(ids):
                continue  # all text, all different: the usual case, checked in C
            seen: dict[str, tuple[str, int]] = {}
            for section in sections:
                for i, item in self.items(section):
                    ident = item.get("id")
                    if not isinstance(ident, (str, int)):
                        continue
                    ident = str(ident)
                    if ident in seen:
                        self._duplicate_id(ident, section, i, *seen[ident])
                    else:
                        seen[ident] = (section, i)

    def _duplicate_id(
        self, ident: str, section: str, i: int, first_section: str, first: int
    ) -> None:
        noun = ITEM_NAMES.get(section, section)
        where = f"$.{first_section}[{first}]"
        if first_section == section:
            msg = (
                f"two {noun}s have the id '{shorten(ident)}' (the first is "
                f"{where}) — give each {noun} its own id"
            )
        else:
            first_noun = ITEM_NAMES.get(first_section, first_section)
            msg = (
                f"this {noun} has the id '{shorten(ident)}', already used by "
                f"the {first_noun} {where} — stakeholders and factors "
                "need different ids"
            )
        self.error(msg, [section, i, "id"], "duplicate-id")

    def duplicate_relationships(self) -> None:
        """The same relationship twice: one relationship carries all its evidence.

        Two with ids are two views of one link (the providers' and the lived
        experience view, say); without ids they cannot be told apart.
        """
        alike: dict[tuple[str, str, str], list[int]] = {}
        for i, item in self.items("relationships"):
            ends = (str(item.get("from")), str(item.get("to")), str(item.get("kind")))
            alike.setdefault(ends, []).append(i)
        rels: list[Any] = self.data.get("relationships") or []
        for (a, b, how), found in alike.items():
            for n, i in enumerate(found[1:], 2):
                if rels[i].get("id") is not None and rels[found[0]].get("id") is not None:
                    continue
                self.warn(
                    f"a second {how} relationship from '{shorten(a)}' to '{shorten(b)}' (the "
                    f"first is $.relationships[{found[0]}]) — keep one and move its evidence "
                    f"there (sysmap remove MAP '{a}->{b}:{how}#{n}'), or give both an id "
                    "if they are two views of one link",
                    ["relationships", i],
                    "duplicate-relationship",
                )

    # ------------------------------------------------------------ relationships

    def relationships(self) -> tuple[set[tuple[str, str]], dict[tuple[str, str], str]]:
        """Check each relationship; the links (both ways for mutual ones) and their polarities."""
        edges: set[tuple[str, str]] = set()
        polarity: dict[tuple[str, str], str] = {}
        for i, rel in self.items("relationships"):
            src_key, dst_key = _ends(rel)
            src, dst = rel.get(src_key), rel.get(dst_key)
            self._relationship_ends(i, src, dst, src_key, dst_key)
            self._relationship_kind(i, rel)
            if isinstance(src, str) and isinstance(dst, str):
                edges.add((src, dst))
                if str(rel.get("direction", "")).lower() in ("mutual", "two-way"):
                    edges.add((dst, src))
                pol = rel.get("polarity")
                if pol is not None:
                    polarity[(src, dst)] = str(pol).strip().lower()
                if pol is not None or rel.get("weight") is not None or src in self.factors:
                    self._relationship_sign(i, rel, src, dst)  # else it has nothing to say
            self._evidence(i, rel)
            if "change" in rel:
                self._change(i, rel)
        return edges, polarity

    def _relationship_ends(self, i: int, src: Any, dst: Any, src_key: str, dst_key: str) -> None:
        elements = self.elements
        for end, key in ((src, src_key), (dst, dst_key)):
            if end.__class__ is str and end in elements:
                continue  # the usual case, without building a path
            path: list[PathPart] = ["relationships", i, key]
            self.unknown(end, path, "stakeholder or factor", elements, _ELEMENT_HINT)
        if isinstance(src, (str, int)) and src == dst:
            self.error(
                f"a relationship cannot go from '{shorten(src)}' to itself — point "
                f"'{dst_key}' at another stakeholder or factor",
                ["relationships", i, dst_key],
                "self-relationship",
            )

    def _relationship_kind(self, i: int, rel: dict[str, Any]) -> None:
        kind = rel.get("kind")
        if not isinstance(kind, str) or kind in self.fine_kinds:
            return  # this text was checked already, and was fine
        norm = kind.strip().lower().replace(" ", "_").replace("-", "_")
        if norm and norm not in self.kinds and _valid_kind_name(norm):
            guess = did_you_mean(norm, sorted(self.kinds))
            hint = f"did you mean '{guess}'? Or" if guess else "use a core kind or"
            self.error(
                f"unknown kind '{shorten(kind)}' — {hint} declare it under 'kinds:'",
                ["relationships", i, "kind"],
                "unknown-kind",
            )
        else:
            self.fine_kinds.add(kind)

    def _relationship_sign(self, i: int, rel: dict[str, Any], src: str, dst: str) -> None:
        """A weight against its polarity; a causal link between factors with neither."""
        pol = rel.get("polarity")
        weight = rel.get("weight")
        if pol is not None and isinstance(weight, (int, float)) and weight:
            minus = str(pol).strip().lower() in _NEGATIVE
            if minus != (weight < 0):
                self.error(
                    f"weight {as_written(weight)} has the opposite sign to polarity "
                    f"'{shorten(pol)}' — make them agree, or leave one out",
                    ["relationships", i, "weight"],
                    "weight-polarity",
                )
        if pol is None and weight is None and src in self.factors and dst in self.factors:
            self.warn(
                "a causal link between factors has no polarity — set polarity: "
                "'+' or '-' so its loops can be classified",
                ["relationships", i],
                "no-polarity",
            )

    def _evidence(self, i: int, rel: dict[str, Any]) -> None:
        evidence = rel.get("evidence")
        for j, ev in enumerate(evidence if isinstance(evidence, list) else []):
            if not isinstance(ev, dict):
                continue
            by = ev.get("asserted_by")
            if by.__class__ is str and (by in self.stakeholders or by in ROLES):
                continue  # the usual case, first
            if by is None or str(by) in self.stakeholders or str(by) in ROLES:
                continue
            guess = did_you_mean(str(by), list(self.stakeholders) + list(ROLES))
            hint = (
                f"did you mean '{guess}'?"
                if guess
                else f"use a stakeholder's id, or {one_of(ROLES)}"
            )
            self.error(
                f"asserted_by '{shorten(by)}' is not a stakeholder id or role group — {hint}",
                ["relationships", i, "evidence", j, "asserted_by"],
                "unknown-id",
            )

    def _change(self, i: int, rel: dict[str, Any]) -> None:
        change = rel.get("change")
        if not isinstance(change, dict):
            return
        self.unknown(
            change.get("owner"),
            ["relationships", i, "change", "owner"],
            "stakeholder",
            self.stakeholders,
            "a change's owner must be a stakeholder; use their id (add them "
            "under stakeholders first)",
        )
        ms = change.get("measures")
        for j, m in enumerate(ms if isinstance(ms, list) else []):
            path: list[PathPart] = ["relationships", i, "change", "measures", j]
            self.unknown(m, path, "measure", self.measure_ids, "add it under measures")

    # ------------------------------------------------------------ feedback loops

    def loops(self, edges: set[tuple[str, str]], polarity: dict[tuple[str, str], str]) -> None:
        for i, loop in self.items("loops"):
            path = loop.get("path")
            if not isinstance(path, list) or len(path) < 2:
                continue
            if not all(isinstance(step, (str, int)) for step in path):
                continue  # the field rules report the odd step
            bad = self._loop_steps(i, path)
            if path[0] != path[-1]:
                first, last = shorten(path[0]), shorten(path[-1])
                self.error(
                    f"this feedback loop does not close: it starts at '{first}' "
                    f"but ends at '{last}' — end the path with '{first}'",
                    ["loops", i, "path"],
                    "open-loop",
                )
            elif not bad:
                self._loop_links(i, loop, path, edges, polarity)

    def _loop_steps(self, i: int, path: list[Any]) -> bool:
        """Report the steps that name nothing; True if there were any."""
        bad = False
        for j, ident in enumerate(path):
            if str(ident) not in self.elements:
                where: list[PathPart] = ["loops", i, "path", j]
                self.unknown(ident, where, "stakeholder or factor", self.elements, _ELEMENT_HINT)
                bad = True
        return bad

    def _loop_links(
        self,
        i: int,
        loop: dict[str, Any],
        path: list[Any],
        edges: set[tuple[str, str]],
        polarity: dict[tuple[str, str], str],
    ) -> None:
        """Each step backed by a relationship; a declared type its polarities agree with."""
        product = 1
        signed = True
        for j in range(len(path) - 1):
            a, b = str(path[j]), str(path[j + 1])
            if (a, b) not in edges:
                self.error(
                    f"this feedback loop goes from '{shorten(a)}' to '{shorten(b)}', but no "
                    "relationship does — add that relationship or fix the loop's path",
                    ["loops", i, "path", j + 1],
                    "loop-not-backed",
                )
                signed = False
            elif (a, b) in polarity:
                product *= -1 if polarity[(a, b)] in _NEGATIVE else 1
            else:
                signed = False
        declared = loop.get("type")
        if signed and declared in ("reinforcing", "balancing"):
            actual = "reinforcing" if product > 0 else "balancing"
            if actual != declared:
                self.warn(
                    f"declared {declared}, but its link polarities make it {actual}",
                    ["loops", i, "type"],
                    "loop-type",
                )

    # ------------------------------------------------------------ other sections

    def scenarios(self) -> None:
        for i, scenario in self.items("scenarios"):
            hold = scenario.get("hold")
            for ident in hold if isinstance(hold, dict) else []:
                self.unknown(
                    ident,
                    ["scenarios", i, "hold", str(ident)],
                    "factor",
                    self.factors,
                    "a scenario holds factors; use a factor's id",
                )

    def guiding_team(self) -> None:
        roles = self.items("guiding_team")
        # the archetype's six, and whatever the team's own competency sets add
        declared = list(dict.fromkeys([*declared_in(role for _, role in roles), *COMPETENCIES]))
        for i, role in roles:
            acc = role.get("accepted_by")
            for j, ident in enumerate(acc if isinstance(acc, list) else []):
                self.unknown(
                    ident,
                    ["guiding_team", i, "accepted_by", j],
                    "stakeholder",
                    self.stakeholders,
                    "only stakeholders can take a guiding-team role; add them under "
                    "stakeholders or fix the id",
                )
            ids = self._responsibilities(i, role, declared)
            for p in execution_problems(role, ids):
                p.path = ["guiding_team", i, *p.path]
                self.add(p)
            self._proficiency(i, role, declared)

    def _responsibilities(self, i: int, role: dict[str, Any], declared: list[str]) -> list[str]:
        """Check the competencies each responsibility names; return their ids."""
        ids: list[str] = []
        resps = role.get("responsibilities")
        for j, resp in enumerate(resps if isinstance(resps, list) else []):
            if not isinstance(resp, dict):
                continue
            comps = resp.get("competencies")
            for comp in comps if isinstance(comps, dict) else {}:
                if str(comp) not in declared:
                    where: list[PathPart] = [
                        "guiding_team",
                        i,
                        "responsibilities",
                        j,
                        "competencies",
                        str(comp),
                    ]
                    self.add(unknown_competency(str(comp), declared, where))
            if isinstance(resp.get("id"), (str, int)):
                ids.append(str(resp["id"]))
        return ids

    def _proficiency(self, i: int, role: dict[str, Any], declared: list[str]) -> None:
        """Each person's own levels: a stakeholder's, in competencies the team uses."""
        prof = role.get("proficiency")
        for who, levels in prof.items() if isinstance(prof, dict) else []:
            where: list[PathPart] = ["guiding_team", i, "proficiency", str(who)]
            self.unknown(
                who,
                where,
                "stakeholder",
                self.stakeholders,
                "proficiency is written per person who took on the role; use their stakeholder id",
            )
            for comp in levels if isinstance(levels, dict) else {}:
                if str(comp) not in declared:
                    self.add(unknown_competency(str(comp), declared, [*where, str(comp)]))

    def measures(self) -> None:
        outcomes = set(_ids(self.items("outcomes")))
        for i, measure in self.items("measures"):
            path: list[PathPart] = ["measures", i, "outcome"]
            self.unknown(measure.get("outcome"), path, "outcome", outcomes, "add it under outcomes")

    # ------------------------------------------------------------ assessments

    def assessments(self) -> None:
        for i, assessment in self.items("assessments"):
            items = self._checklist_ids(i, assessment)
            scale = assessment.get("scale", [0, 2])
            low, high = scale if isinstance(scale, list) and len(scale) == 2 else (None, None)
            for j, res in _items(assessment, "results"):
                self.unknown(
                    res.get("stakeholder"),
                    ["assessments", i, "results", j, "stakeholder"],
                    "stakeholder",
                    self.stakeholders,
                    "name the organisation scored by its stakeholder id, and add it to the "
                    "stakeholders if it is missing",
                )
                scores = res.get("scores")
                if isinstance(scores, dict):
                    self._scores(
                        ["assessments", i, "results", j, "scores"], scores, items, low, high
                    )

    def _checklist_ids(self, i: int, assessment: dict[str, Any]) -> set[str]:
        """The ids of an assessment's checklist items; one used twice is reported."""
        items: set[str] = set()
        for j, it in _items(assessment, "items"):
            if not isinstance(it.get("id"), (str, int)):
                continue
            if str(it["id"]) in items:
                self.error(
                    f"two checklist items have the id '{shorten(it['id'])}' — give each item "
                    "its own id, so that scores name one item",
                    ["assessments", i, "items", j, "id"],
                    "duplicate-id",
                )
            items.add(str(it["id"]))
        return items

    def _scores(
        self, at: list[PathPart], scores: dict[Any, Any], items: set[str], low: Any, high: Any
    ) -> None:
        """Each score names an item of its checklist and lies on its scale."""
        scaled = isinstance(low, (int, float)) and isinstance(high, (int, float))
        for item, score in scores.items():
            path = [*at, str(item)]
            if str(item) not in items:
                hint = "use an item id of this assessment"
                self.unknown(str(item), path, "checklist item", items, hint)
            elif (
                scaled
                and isinstance(score, (int, float))
                and not isinstance(score, bool)
                and not low <= score <= high
            ):
                lo, hi = as_written(low), as_written(high)
                self.error(
                    f"score {as_written(score)} is outside this checklist's scale {lo} to "
                    f"{hi} — use a score from {lo} to {hi}, or change the "
                    "assessment's scale",
                    path,
                    "score-range",
                )

    # ------------------------------------------------------------ map-level warnings

    def map_warnings(self) -> None:
        people = [s for _, s in self.items("stakeholders")]
        roles = Counter(str(s.get("role")) for s in people)
        for role, message, code in _MISSING_ROLES:
            if roles[role] == 0:
                self.warn(message, ["stakeholders"], code)
        if self.stakeholders and not any(s.get("lived_experience") is True for s in people):
            self.warn(
                "no stakeholder brings lived experience — mark them with lived_experience: true",
                ["stakeholders"],
                "no-lived-experience",
            )
        if self.data.get("stage") == "redesign" and not self.data.get("based_on"):
            self.warn(
                "a redesign should name the map it comes from — set based_on",
                ["stage"],
                "no-based-on",
            )


#: The warning for a map with nobody in a role: (role, message, code).
_MISSING_ROLES: tuple[tuple[str, str, str], ...] = (
    (
        "beneficiary",
        "no beneficiary voice in this map — add the people the system serves (role: beneficiary)",
        "no-beneficiaries",
    ),
    (
        "provider",
        "no providers in this map — add who serves the system (role: provider)",
        "no-providers",
    ),
    (
        "leader",
        "no leaders in this map — add who can change the system (role: leader)",
        "no-leaders",
    ),
)
