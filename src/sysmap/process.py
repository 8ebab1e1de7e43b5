"""Where a guiding team stands in Who → Why → What → How, question by question.

:func:`check_process` goes through every question of the stakeholder
engagement process (founding document 002, listed once in
:data:`~sysmap.questions.QUESTIONS` and re-exported here): the guiding
question, then Who, Why, What and How with their sub-questions. Each question
is answered from the current map (and the redesign, once there is one) where
a map can answer it — the check says how — and the team's own answer, recorded
in the map under ``answers: {stage: {question: …}}``, is shown beside it.
Questions only the team can answer (what do we want to make visible? how will
we sustain the new way of working?) are open until the team records an answer.

Each answer is a :class:`Check` with a status — ``done``, ``partial`` or
``open`` — and, unless it is done, the next step: a ``sysmap`` command that
works when pasted. A question whose facts come from the map but whose meaning
is the team's (``source: both``) is partial until the team answers. It is a
status report, not a validator: an open check is work still to do, not a
mistake.

The What stage's six improvement questions are answered by the change plan's
changes, grouped by the pair of role groups each relationship joins (see
:func:`sysmap.questions.improvement_question`); the How stage's measurement
question by the From → To shifts each shared measure makes.

Example
-------
>>> import sysmap
>>> from sysmap.examples import examples_folder
>>> status = check_process(sysmap.load_map(examples_folder() / "small.yaml"))
>>> who = status.stages[1]
>>> [(c.id, c.status) for c in who.checks if c.id in ("who.guiding-team", "who.roles")]
[('who.guiding-team', 'partial'), ('who.roles', 'done')]
>>> status.current_stage
'who'
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

from sysmap.errors import SysmapError, UnknownFormat
from sysmap.model import MEASURE_SHIFTS, ROLES, VOICE_KINDS, SystemMap
from sysmap.questions import QUESTIONS, STAGE_TITLES
from sysmap.render import Block, Heading, Lines, Note, Para, Rendered, plural

__all__ = [
    "PROCESS_JSON_VERSION",
    "STAGES",
    "QUESTIONS",
    "Check",
    "Stage",
    "ProcessStatus",
    "check_process",
    "format_process",
]

PROCESS_JSON_VERSION = 2

Status = Literal["done", "partial", "open"]

#: The stages, in order: (title, what the stage is about).
STAGES: dict[str, tuple[str, str]] = dict(STAGE_TITLES)

StageId = Literal["guiding", "who", "why", "what", "how"]

#: How many names an answer lists before it says "and N more".
NAMES_SHOWN = 3

#: The longest feedback loop among factors looked for, in steps.
FACTOR_LOOP_LENGTH = 8
#: Stop counting feedback loops among factors after this many.
FACTOR_LOOP_CAP = 1000


@dataclass
class Check:
    """One question of a stage, what the maps answer, and the next step."""

    id: str
    question: str
    status: Status
    answer: str
    next_step: str | None = None
    parent: str | None = None
    source: str = "map"
    how: str = ""
    team_answer: str | None = None

    def to_data(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "question": self.question,
            "parent": self.parent,
            "source": self.source,
            "how": self.how or None,
            "status": self.status,
            "answer": self.answer,
            "team_answer": self.team_answer,
            "next_step": self.next_step,
        }


def _check(qid: str, status: Status, answer: str, next_step: str | None = None) -> Check:
    """A check of one question of :data:`QUESTIONS` (its text, parent and source)."""
    q = QUESTIONS[qid]
    return Check(qid, q.text, status, answer, next_step, q.parent, q.source, q.how)


@dataclass
class Stage:
    """One stage of Who → Why → What → How and its checks."""

    stage: StageId
    title: str
    question: str
    checks: list[Check] = field(default_factory=list)

    @property
    def status(self) -> Status:
        """``done`` when every check is done, ``open`` when none has started."""
        states = {c.status for c in self.checks}
        if states == {"done"}:
            return "done"
        if states == {"open"}:
            return "open"
        return "partial"

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {k: getattr(self, k) for k in ("stage", "title", "question")}
        return data | {"status": self.status, "checks": [c.to_data() for c in self.checks]}


@dataclass
class ProcessStatus(Rendered):
    """Where the guiding team stands: every stage with its checks."""

    map_id: str
    title: str
    guiding_question: str
    redesign_id: str | None
    stages: list[Stage] = field(default_factory=list)
    unknown_answers: list[str] = field(default_factory=list)

    @property
    def checks(self) -> list[Check]:
        """Every check, stage by stage."""
        return [c for s in self.stages for c in s.checks]

    @property
    def current_stage(self) -> str | None:
        """The first stage not yet done (``None`` when all are)."""
        for s in self.stages:
            if s.status != "done":
                return s.stage
        return None

    def counts(self) -> dict[str, int]:
        """How many checks are done, partial and open."""
        n = Counter(c.status for c in self.checks)
        return {s: n[s] for s in ("done", "partial", "open")}

    def still_open(self) -> list[Check]:
        """The checks not yet done, in stage order."""
        return [c for c in self.checks if c.status != "done"]

    def headline(self) -> str:
        """Where the team stands, in one line."""
        n = self.counts()
        total = sum(n.values())
        tally = f"{n['done']} of {total} checks done, {n['partial']} partly, {n['open']} open"
        if self.current_stage is None:
            return f"Every stage is done ({tally})"
        return f"Now at: {STAGES[self.current_stage][0]} ({tally})"

    def to_data(self) -> dict[str, Any]:
        """The documented JSON: see docs/process.md."""
        return {
            "sysmap_process": PROCESS_JSON_VERSION,
            "map": {
                "id": self.map_id,
                "title": self.title,
                "guiding_question": self.guiding_question,
            },
            "redesign": self.redesign_id,
            "current_stage": self.current_stage,
            "counts": self.counts(),
            "stages": [s.to_data() for s in self.stages],
            "unknown_answers": list(self.unknown_answers),
        }

    def blocks(self) -> list[Block]:
        """The headline, then each stage with every check: its status, what
        the maps say, the team's answer and the next step."""
        out: list[Block] = [
            Heading(f"Where the guiding team stands: {self.title}", 1),
            Lines(
                [
                    self.headline(),
                    f"Guiding question: {self.guiding_question}",
                    f"Map: {self.map_id}; redesign: {self.redesign_id or 'none yet'}",
                ]
            ),
        ]
        for s in self.stages:
            out += [Heading(f"{s.title} — {s.status}", 2), Para(s.question)]
            out += [Lines(_check_lines(c)) for c in s.checks]
        out += [Note(f"Note: {u}") for u in self.unknown_answers]
        return out


def _check_lines(c: Check) -> list[str]:
    """One check as lines: the status and question (``↳`` for a sub-question),
    then what is known, indented under the question."""
    indent = " " * 11
    known = [
        ("", c.answer),
        ("From the map: ", f"{c.how}." if c.how else ""),
        ("Team's answer: ", c.team_answer),
        ("Next: ", c.next_step),
    ]
    lines = [f"  {c.status:<8} {'↳ ' if c.parent else ''}{c.question}"]
    return lines + [indent + label + text for label, text in known if text]


def _names(names: list[str], limit: int = NAMES_SHOWN) -> str:
    """``a, b and c`` or ``a, b, c and 4 more``."""
    if len(names) > limit:
        return ", ".join(names[:limit]) + f" and {len(names) - limit} more"
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


# ---------------------------------------------------------------- who


def _who_roles(m: SystemMap, mf: str) -> Check:
    by_role: Counter[str] = Counter(s.role for s in m.stakeholders)
    missing = [r for r in ROLES if by_role[r] == 0]
    role_words = {"beneficiary": "beneficiaries", "provider": "providers", "leader": "leaders"}
    present = _names([plural(by_role[r], r, role_words[r]) for r in ROLES if by_role[r]])
    if not missing:
        roles = _check(
            "who.roles",
            "done",
            f"Yes: {present}.",
        )
    else:
        lacking = _names([role_words[r] for r in missing])
        example = {
            "beneficiary": "--role beneficiary --lived-experience",
            "provider": "--role provider",
            "leader": "--role leader",
        }[missing[0]]
        roles = _check(
            "who.roles",
            "open" if len(missing) == 3 else "partial",
            f"No {lacking} yet" + (f" ({present} so far)." if present else "."),
            f'sysmap add stakeholder {mf} ID --name "NAME" {example}',
        )
    return roles


def _who_lived(m: SystemMap, mf: str) -> Check:
    lived = [s for s in m.stakeholders if s.lived_experience]
    if lived:
        le = _check(
            "who.lived-experience",
            "done",
            f"Yes: {plural(len(lived), 'stakeholder')} "
            f"{'brings' if len(lived) == 1 else 'bring'} lived experience "
            f"({_names([s.name for s in lived])}).",
        )
    else:
        le = _check(
            "who.lived-experience",
            "open",
            "No stakeholder is marked as bringing lived experience.",
            f"sysmap set {mf} ID lived_experience true",
        )
    return le


def _who_team(m: SystemMap, mf: str) -> list[Check]:
    lived = [s for s in m.stakeholders if s.lived_experience]
    team = m.guiding_team
    vacant = [g for g in team if not g.accepted_by]
    if not team:
        roles_taken = _check(
            "who.guiding-team",
            "open",
            "The map names no guiding-team roles yet.",
            f"sysmap add role {mf} chair --name Chair --accepted-by ID  # or sysmap init {mf} "
            "--guided, which asks who holds which role",
        )
    elif vacant:
        first = vacant[0]
        roles_taken = _check(
            "who.guiding-team",
            "partial",
            f"{len(team) - len(vacant)} of {plural(len(team), 'role')} taken; nobody has "
            f"accepted {_names([g.name for g in vacant])} yet.",
            f"sysmap set {mf} {first.id} accepted_by ID  # see sysmap roles {mf}",
        )
    else:
        roles_taken = _check(
            "who.guiding-team",
            "done",
            f"Yes: all {plural(len(team), 'role')} have been accepted.",
        )

    ids = {s.id: s for s in m.stakeholders}
    held = [
        (g, ids[h]) for g in team for h in g.accepted_by if h in ids and ids[h].lived_experience
    ]
    if held:
        le_team = _check(
            "who.lived-experience-on-team",
            "done",
            "Yes: " + _names([f"{s.name} as {g.name}" for g, s in held]) + ".",
        )
    else:
        target = vacant[0].id if vacant else (team[0].id if team else None)
        step = (
            f"sysmap set {mf} {target} accepted_by {lived[0].id} --append  # or another "
            "stakeholder who brings lived experience"
            if target and lived
            else f'sysmap add stakeholder {mf} ID --name "NAME" --role beneficiary '
            "--lived-experience  # then give them a guiding-team role"
        )
        le_team = _check(
            "who.lived-experience-on-team",
            "open",
            "No guiding-team role is held by a stakeholder who brings lived experience."
            if team
            else "There are no guiding-team roles yet.",
            step,
        )
    return [roles_taken, le_team]


def _who(m: SystemMap, mf: str) -> list[Check]:
    return [_who_roles(m, mf), _who_lived(m, mf), *_who_team(m, mf)]


# ---------------------------------------------------------------- why


def _why_relationships(m: SystemMap, mf: str) -> Check:
    people = {s.id: s for s in m.stakeholders}
    links = [r for r in m.relationships if r.source in people and r.target in people]
    linked = {r.source for r in links} | {r.target for r in links}
    alone = [s.name for s in m.stakeholders if s.id not in linked]
    if not links:
        rel = _check(
            "why.relationships",
            "open",
            "No relationships between stakeholders yet.",
            f"sysmap add relationship {mf} FROM TO --kind serves --evidence workshop",
        )
    elif alone:
        rel = _check(
            "why.relationships",
            "partial",
            f"{plural(len(links), 'relationship')} between stakeholders, but "
            f"{plural(len(alone), 'stakeholder')} {'has' if len(alone) == 1 else 'have'} "
            f"none: {_names(alone)}.",
            f"sysmap add relationship {mf} FROM "
            f"{next(s.id for s in m.stakeholders if s.id not in linked)} --kind serves "
            "--evidence workshop",
        )
    else:
        rel = _check(
            "why.relationships",
            "done",
            f"Yes: {plural(len(links), 'relationship')} between stakeholders; everyone "
            "is connected.",
        )
    return rel


def _why_voice(m: SystemMap, mf: str) -> Check:
    people = {s.id: s for s in m.stakeholders}

    def voiced(by: str | None) -> bool:
        if by is None:
            return False
        if by == "beneficiary":
            return True
        s = people.get(by)
        return s is not None and (s.role == "beneficiary" or s.lived_experience)

    heard = [r for r in m.relationships if any(voiced(e.asserted_by) for e in r.evidence)]
    speakers = sorted(
        {
            e.asserted_by
            for r in heard
            for e in r.evidence
            if e.asserted_by and voiced(e.asserted_by)
        },
        key=lambda x: (x != "beneficiary", x),
    )
    if heard:
        who = _names(
            ["beneficiaries as a group" if x == "beneficiary" else people[x].name for x in speakers]
        )
        voice = _check(
            "why.voice-collected",
            "done",
            f"Yes: {plural(len(heard), 'relationship')} rest on what beneficiaries or people "
            f"with lived experience said ({who}).",
        )
    else:
        voice = _check(
            "why.voice-collected",
            "open",
            "No relationship's evidence is asserted by beneficiaries or by people with lived "
            "experience.",
            f"sysmap add relationship {mf} FROM TO --kind feedback --evidence interview "
            "--asserted-by beneficiary  # after listening sessions with beneficiaries",
        )
    return voice


def _why_equity(m: SystemMap, mf: str) -> Check:
    values: dict[str, set[str]] = {}
    for s in m.stakeholders:
        for key, value in s.attributes.items():
            if value is not None and value != "":
                values.setdefault(key, set()).add(str(value))
    varied = sorted((k for k, v in values.items() if len(v) >= 2), key=lambda k: -len(values[k]))
    if varied:
        equity = _check(
            "why.equity",
            "done",
            "Yes: " + _names([f"{k} ({len(values[k])} values)" for k in varied]) + ".",
        )
    elif values:
        key = sorted(values)[0]
        equity = _check(
            "why.equity",
            "partial",
            f"Attributes are set ({_names(sorted(values))}), but none takes two values or "
            "more, so no groups can be compared.",
            f"sysmap set {mf} ID attributes.{key} VALUE  # for the stakeholders that differ",
        )
    else:
        equity = _check(
            "why.equity",
            "open",
            "No stakeholder has attributes (such as race or age group) to break results down by.",
            f"sysmap set {mf} ID attributes.race VALUE  # then: sysmap analyze {mf} --by race",
        )
    return equity


def _why_indicators(m: SystemMap, mf: str) -> Check:
    broken_down = [i for i in m.indicators if i.disaggregations]
    if not m.indicators:
        ind = _check(
            "why.indicators",
            "open",
            "No indicators yet.",
            f'sysmap add indicator {mf} ID --name "NAME" --source "SOURCE" --value 0 '
            "--by race:GROUP=0",
        )
    elif not broken_down:
        ind = _check(
            "why.indicators",
            "partial",
            f"{plural(len(m.indicators), 'indicator')}, none broken down by group.",
            f'sysmap set {mf} {m.indicators[0].id} disaggregations "[{{by: race, values: '
            '{GROUP: 0}}]"',
        )
    else:
        bys = sorted({d.by for i in broken_down for d in i.disaggregations})
        ind = _check(
            "why.indicators",
            "done",
            f"Yes: {plural(len(m.indicators), 'indicator')}, {len(broken_down)} broken down "
            f"by {_names(bys)}.",
        )
    return ind


def _why(m: SystemMap, mf: str) -> list[Check]:
    return [
        _why_relationships(m, mf),
        _why_voice(m, mf),
        _why_equity(m, mf),
        _why_indicators(m, mf),
    ]


# ---------------------------------------------------------------- what


def _factor_loops(m: SystemMap) -> tuple[int, int, Counter[str], bool]:
    """(factors, causal links between them, loop types, stopped at the cap)."""
    import networkx as nx

    factors = {f.id for f in m.factors}
    g = nx.DiGraph()
    g.add_nodes_from(factors)
    sign: dict[tuple[str, str], set[str]] = {}
    links = 0
    for r in m.relationships:
        if r.source in factors and r.target in factors and r.status != "broken":
            links += 1
            pairs = [(r.source, r.target)]
            if r.direction == "mutual":
                pairs.append((r.target, r.source))
            for a, b in pairs:
                g.add_edge(a, b)
                sign.setdefault((a, b), set()).add(r.polarity or "?")
    types: Counter[str] = Counter()
    stopped = False
    for n, cycle in enumerate(nx.simple_cycles(g, length_bound=FACTOR_LOOP_LENGTH)):
        if n >= FACTOR_LOOP_CAP:
            stopped = True
            break
        steps = list(zip(cycle, cycle[1:] + cycle[:1], strict=True))
        signs = [sign[s] for s in steps]
        if any(len(s) > 1 or "?" in s for s in signs):
            types["unsigned"] += 1
        else:
            minus = sum("-" in s for s in signs)
            types["balancing" if minus % 2 else "reinforcing"] += 1
    return len(factors), links, types, stopped


def _what_redesign(current: SystemMap, redesign: SystemMap | None, mf: str, rf: str) -> Check:
    if redesign is None:
        red = _check(
            "what.redesign",
            "open",
            "No redesign yet.",
            f"cp {mf} {rf} && sysmap set {rf} map id {current.id}-redesign && sysmap set {rf} "
            f"map stage redesign && sysmap set {rf} map based_on {current.id}  # then redesign "
            f"it with the team and run: sysmap process {mf} {rf}",
        )
    elif redesign.stage == "redesign" and redesign.based_on == current.id:
        red = _check(
            "what.redesign",
            "done",
            f"Yes: {redesign.id}, based on {current.id}.",
        )
    else:
        problems = []
        if redesign.stage != "redesign":
            problems.append(f"its stage is '{redesign.stage}'")
        if redesign.based_on != current.id:
            problems.append(
                f"it is based on '{redesign.based_on}'" if redesign.based_on else "no based_on"
            )
        red = _check(
            "what.redesign",
            "partial",
            f"{redesign.id} is given as the redesign, but {' and '.join(problems)}.",
            f"sysmap set {rf} map stage redesign; sysmap set {rf} map based_on {current.id}",
        )
    return red


def _what_model(current: SystemMap, redesign: SystemMap | None, mf: str, rf: str) -> list[Check]:
    m = redesign or current
    where = "the redesign" if redesign is not None else "the current map"
    mfile = rf if redesign is not None else mf
    if m.outcomes:
        measured = {x.outcome for x in m.measures if x.outcome}
        unmeasured = [o for o in m.outcomes if o.id not in measured]
        note = (
            f"; {_names([o.name for o in unmeasured])} "
            f"{'has' if len(unmeasured) == 1 else 'have'} no shared measure yet"
            if unmeasured
            else ", each with a shared measure"
        )
        out = _check(
            "what.outcomes",
            "done",
            f"{plural(len(m.outcomes), 'outcome')} in {where}{note}.",
        )
    else:
        out = _check(
            "what.outcomes",
            "open",
            f"No outcomes in {where} yet.",
            f'sysmap add outcome {mfile} ID --name "WHAT THE COMMUNITY WANTS TO BE TRUE"',
        )

    n_factors, n_links, types, stopped = _factor_loops(m)
    n_loops = sum(types.values())
    if n_factors == 0:
        kf = _check(
            "what.key-factors",
            "open",
            f"No factors in {where} yet.",
            f'sysmap add factor {mfile} ID --name "Trust in outreach"  # then link factors: '
            f"sysmap add relationship {mfile} FACTOR FACTOR --kind influences --polarity +",
        )
    elif n_loops == 0:
        kf = _check(
            "what.key-factors",
            "partial",
            f"{plural(n_factors, 'factor')} and {plural(n_links, 'causal link')} in "
            f"{where}, but no feedback loop among them.",
            f"sysmap add relationship {mfile} FROM TO --kind influences --polarity +  "
            "# a link that closes a loop",
        )
    else:
        kinds = [f"{types[t]} {t}" for t in ("reinforcing", "balancing", "unsigned") if types[t]]
        more = " or more" if stopped else ""
        kf = _check(
            "what.key-factors",
            "done",
            f"Yes: {plural(n_factors, 'factor')}, {plural(n_links, 'causal link')} and "
            f"{plural(n_loops, 'feedback loop')}{more} among them in {where} "
            f"({_names(kinds)}).",
        )
    return [out, kf]


def _what(current: SystemMap, redesign: SystemMap | None, mf: str, rf: str) -> list[Check]:
    return [_what_redesign(current, redesign, mf, rf), *_what_model(current, redesign, mf, rf)]


# ---------------------------------------------------------------- how


def _change_plan(current: SystemMap, redesign: SystemMap | None) -> tuple[Any, str | None]:
    """The change plan from the current map to the redesign (None, why not)."""
    if redesign is None:
        return None, None
    from sysmap.compare import compare_maps
    from sysmap.plan import change_plan

    try:
        return change_plan(compare_maps(current, redesign, shifts=False)), None
    except SysmapError as exc:
        return None, str(exc)


def _plan_summary(counts: dict[str, int]) -> str:
    """``3 to form, 1 to rewire and 2 to retire``."""
    verbs = {"status": "change status"}
    order = ("form", "rewire", "strengthen", "weaken", "status", "adjust", "retire")
    return _names([f"{counts[a]} to {verbs.get(a, a)}" for a in order if counts[a]], limit=7)


def _how_plan(
    current: SystemMap, redesign: SystemMap | None, mf: str, rf: str, plan: Any, failed: str | None
) -> tuple[list[Check], list[Any]]:
    """how.change-plan, and the plan's changes between stakeholders (not retired)."""
    checks: list[Check] = []
    plan_items: list[Any] = []
    if redesign is None:
        checks.append(
            _check(
                "how.change-plan",
                "open",
                "The change plan comes from comparing today's map with a redesign; there is "
                "no redesign yet.",
                f"sysmap plan {mf} {rf} -o plan.md  # once the redesign is drawn (what.redesign)",
            )
        )
    else:
        if failed is not None:
            checks.append(
                _check(
                    "how.change-plan",
                    "open",
                    f"The maps cannot be compared: {failed}",
                    f"sysmap compare {mf} {rf}",
                )
            )
        if plan is not None:
            people = {s.id for s in current.stakeholders} | {s.id for s in redesign.stakeholders}
            plan_items = [
                i
                for i in plan.items
                if i.stakeholder is None
                and i.action != "retire"
                and (i.source in people or i.target in people)
            ]
            owned = [i for i in plan_items if i.owner]
            summary = _plan_summary(plan.counts())
            if not plan_items:
                checks.append(
                    _check(
                        "how.change-plan",
                        "open",
                        "The redesign changes no relationship between stakeholders yet.",
                        f"sysmap add relationship {rf} FROM TO --kind collaborates --status proposed",
                    )
                )
            elif len(owned) == len(plan_items):
                checks.append(
                    _check(
                        "how.change-plan",
                        "done",
                        f"Yes: {summary}; "
                        + (
                            f"each of the {len(plan_items)} changes to make has an owner."
                            if len(plan_items) > 1
                            else "the one change to make has an owner."
                        ),
                    )
                )
            else:
                first = next(i for i in plan_items if not i.owner)
                ref = first.relationship or f"{first.source}->{first.target}:{first.kind}"
                checks.append(
                    _check(
                        "how.change-plan",
                        "partial",
                        f"{summary}; {len(owned)} of {len(plan_items)} changes to make have "
                        "an owner.",
                        f"sysmap set {rf} {ref} change.owner ID  # sysmap plan {mf} {rf} lists "
                        "the others",
                    )
                )
    return checks, plan_items


def _how_pilots(plan_items: list[Any], redesign: SystemMap | None, rf: str) -> Check:
    piloted = [i for i in plan_items if i.pilot]
    if not piloted:
        return _check(
            "how.pilots",
            "open",
            "No change names a pilot yet."
            if redesign is not None
            else "Pilots belong to the changes in the redesign; there is none yet.",
            f'sysmap set {rf} ID change.pilot "WHAT, WHERE, FOR HOW LONG"  # ID: a change '
            "to try first",
        )
    else:
        untracked = [i for i in piloted if not i.measures]
        if untracked:
            first = untracked[0]
            ref = first.relationship or f"{first.source}->{first.target}:{first.kind}"
            return _check(
                "how.pilots",
                "partial",
                f"{len(piloted)} of {len(plan_items)} changes are piloted; "
                f"{len(untracked)} of the pilots name no measure to track them.",
                f'sysmap set {rf} {ref} change.measures "[MEASURE-ID]"',
            )
        else:
            return _check(
                "how.pilots",
                "done",
                f"Yes: {len(piloted)} of {len(plan_items)} changes are piloted, each "
                "tracked by a shared measure.",
            )


def _how_measures(m: SystemMap, mfile: str) -> Check:
    over_time = [x for x in m.measures if len({v.date for v in x.values}) >= 2]
    data = Counter(x.data or "unstated" for x in m.measures)
    sources = _names([f"{data[k]} {k}" for k in ("primary", "secondary", "unstated") if data[k]])
    if not m.measures:
        return _check(
            "how.measures",
            "open",
            "No shared measures yet.",
            f'sysmap add measure {mfile} ID --name "NAME"'
            + (f" --outcome {m.outcomes[0].id}" if m.outcomes else ""),
        )
    elif len(over_time) < len(m.measures):
        flat = [x for x in m.measures if x not in over_time]
        return _check(
            "how.measures",
            "partial" if over_time else "open",
            f"{len(over_time)} of {plural(len(m.measures), 'shared measure')} have values "
            f"on two dates or more ({sources} data); not yet: "
            f"{_names([x.name for x in flat])}.",
            f"sysmap add value {mfile} {flat[0].id} YYYY-MM-DD VALUE  # at the next reporting date",
        )
    else:
        return _check(
            "how.measures",
            "done",
            (
                f"Yes: all {len(m.measures)} shared measures have"
                if len(m.measures) > 1
                else "Yes: the shared measure has"
            )
            + f" values on two dates or more ({sources} data).",
        )


def _how(
    current: SystemMap, redesign: SystemMap | None, mf: str, rf: str, plan: Any, failed: str | None
) -> list[Check]:
    checks, plan_items = _how_plan(current, redesign, mf, rf, plan, failed)
    later, lfile = (redesign, rf) if redesign is not None else (current, mf)
    return [*checks, _how_pilots(plan_items, redesign, rf), _how_measures(later, lfile)]


# ---------------------------------------------------------------- the rest of 002

_ROLE_WORDS = {"beneficiary": "beneficiaries", "provider": "providers", "leader": "leaders"}


def _guiding(m: SystemMap) -> list[Check]:
    return [_check("guiding.question", "done", f"“{m.guiding_question}”")]


def _who_groups(m: SystemMap, mf: str) -> list[Check]:
    examples = {
        "beneficiary": "--role beneficiary --lived-experience",
        "provider": "--role provider",
        "leader": "--role leader",
    }
    out = []
    for role in ROLES:
        qid = f"who.{_ROLE_WORDS[role]}"
        found = [s.name for s in m.stakeholders if s.role == role]
        if found:
            n = plural(len(found), role, _ROLE_WORDS[role])
            out.append(_check(qid, "done", f"{n}: {_names(found)}."))
        else:
            out.append(
                _check(
                    qid,
                    "open",
                    f"No {_ROLE_WORDS[role]} on the map yet.",
                    f'sysmap add stakeholder {mf} ID --name "NAME" {examples[role]}',
                )
            )
    return out


def _groups(ids: set[str], pairs: list[tuple[str, str]]) -> int:
    """How many separate groups some stakeholders form, their links taken both ways."""
    parent = {i: i for i in ids}

    def root(i: str) -> str:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in pairs:
        parent[root(a)] = root(b)
    return len({root(i) for i in ids})


def _why_providers(m: SystemMap, mf: str) -> Check:
    providers = {s.id for s in m.stakeholders if s.role == "provider"}
    links = [
        r
        for r in m.relationships
        if r.source in providers and r.target in providers and r.status != "broken"
    ]
    if len(providers) < 2:
        return _check(
            "why.providers",
            "open",
            "Fewer than two providers on the map, so no way of working together to describe.",
            f'sysmap add stakeholder {mf} ID --name "NAME" --role provider',
        )
    add = f"sysmap add relationship {mf} FROM TO --kind collaborates --evidence workshop"
    if not links:
        return _check(
            "why.providers",
            "open",
            f"{len(providers)} providers, but no relationship among them yet.",
            add,
        )
    kinds = Counter(r.kind for r in links)
    linked = {r.source for r in links} | {r.target for r in links}
    groups = _groups(providers, [(r.source, r.target) for r in links])
    text = (
        f"{plural(len(links), 'relationship')} among {len(providers)} providers "
        f"({_names([f'{k} {n}' for k, n in kinds.most_common()], limit=4)}); "
        + (
            "they form one connected group."
            if groups == 1
            else f"they form {groups} separate groups"
        )
    )
    if groups == 1:
        return _check("why.providers", "done", text)
    alone = len(providers) - len(linked)
    more = f", {alone} of them with no tie to another provider." if alone else "."
    return _check("why.providers", "partial", text + more, add)


def _why_leaders(m: SystemMap) -> Check:
    power = {r: sum(s.power or 0 for s in m.stakeholders if s.role == r) for r in ROLES}
    total = sum(power.values())
    beneficiaries = [s for s in m.stakeholders if s.role == "beneficiary"]
    voiced = {r.source for r in m.relationships if r.kind in VOICE_KINDS and r.status != "broken"}
    silent = [s.name for s in beneficiaries if s.id not in voiced]
    if not m.stakeholders:
        return _check("why.leaders", "open", "No stakeholders on the map yet.")
    share = (
        "Power on the map (the sum of stakeholders' power): "
        + ", ".join(f"{_ROLE_WORDS[r]} {power[r]}" for r in ROLES)
        + (f" — leaders hold {round(100 * power['leader'] / total)}%. " if total else ". ")
    )
    voice = (
        f"{len(silent)} of {len(beneficiaries)} beneficiaries have no voice channel of their own "
        f"(feedback, advocacy, representation, informing){': ' + _names(silent) if silent else ''}."
        if beneficiaries
        else "No beneficiaries on the map yet."
    )
    return _check("why.leaders", "done", share + voice)


def _team_only(qid: str) -> Check:
    return _check(qid, "open", "Only the team can answer this; no answer is recorded yet.")


_EXAMPLE_KINDS = {
    "what.among-providers": "collaborates",
    "what.among-beneficiaries": "collaborates",
    "what.among-leaders": "collaborates",
    "what.providers-beneficiaries": "serves",
    "what.power-shift": "feedback",
    "what.system-redesign": "shares_data",
}


def _what_improvements(redesign: SystemMap | None, rf: str, plan: Any) -> list[Check]:
    out = []
    for qid, kind in _EXAMPLE_KINDS.items():
        step = f"sysmap add relationship {rf} FROM TO --kind {kind} --status proposed"
        if plan is None:
            reason = (
                "There is no redesign yet." if redesign is None else "The maps cannot be compared."
            )
            out.append(_check(qid, "open", reason, step))
            continue
        items = [i for i in plan.items if getattr(i, "question", None) == qid]
        if not items:
            out.append(
                _check(qid, "open", "The redesign changes no relationship of this kind yet.", step)
            )
            continue
        actions = Counter(i.action for i in items)
        out.append(
            _check(
                qid,
                "done",
                f"{plural(len(items), 'change')} in the redesign "
                f"({_names([f'{n} {a}' for a, n in actions.most_common()], limit=7)}), e.g. "
                f"{items[0].title}.",
            )
        )
    return out


def _measure_shifts(m: SystemMap, mfile: str) -> Check:
    made = {k: [x.name for x in m.measures if k in x.shifts] for k in MEASURE_SHIFTS}
    missing = [k for k, names in made.items() if not names]
    if not m.measures:
        return _check(
            "how.measure-shifts",
            "open",
            "No shared measures yet, so no shift in how we measure.",
            f'sysmap add measure {mfile} ID --name "NAME" --data primary',
        )
    said = "; ".join(
        f"{a} → {b}: {_names(made[k]) if made[k] else 'none yet'}"
        for k, (a, b) in MEASURE_SHIFTS.items()
    )
    if not missing:
        return _check("how.measure-shifts", "done", f"All five shifts are made. {said}.")
    target = next((x for x in m.measures if not x.shifts), m.measures[0])
    shifts = ", ".join([*target.shifts, missing[0]])
    return _check(
        "how.measure-shifts",
        "partial" if len(missing) < len(MEASURE_SHIFTS) else "open",
        f"{len(MEASURE_SHIFTS) - len(missing)} of 5 shifts are made. {said}.",
        f'sysmap set {mfile} {target.id} shifts "[{shifts}]"',
    )


def _how_evaluate(m: SystemMap) -> Check:
    served = {s.id for s in m.stakeholders if s.role == "beneficiary"}
    back = [
        r
        for r in m.relationships
        if r.target in served
        and r.source not in served
        and r.kind in ("informs", "feedback")
        and r.status != "broken"
    ]
    if not back:
        return _check(
            "how.evaluate",
            "open",
            "No relationship carries information back to beneficiaries (informs or feedback).",
        )
    return _check(
        "how.evaluate",
        "done",
        f"{plural(len(back), 'relationship')} carry information back to beneficiaries.",
    )


def _answers_of(m: SystemMap) -> dict[str, str]:
    return {f"{stage}.{name}": text for stage, qs in m.answers.items() for name, text in qs.items()}


def _with_answers(
    checks: list[Check], current: SystemMap, redesign: SystemMap | None, mf: str, rf: str
) -> list[str]:
    """Put the team's answers beside the checks; return notes on answers to no question."""
    early = _answers_of(current)
    late = _answers_of(redesign) if redesign is not None else early
    for c in checks:
        stage = QUESTIONS[c.id].stage
        later = stage in ("what", "how") and redesign is not None
        c.team_answer = (late if later else early).get(c.id)
        command = f'sysmap set {rf if later else mf} map answers.{c.id} "OUR ANSWER"'
        if c.source == "team":
            if c.team_answer:
                c.status, c.answer, c.next_step = "done", "The team has answered.", None
            else:
                c.next_step = command
        elif c.source == "both" and not c.team_answer:
            if c.status == "done":
                c.status = "partial"
                c.answer += " What it means is the team's answer, not recorded yet."
            c.next_step = c.next_step or command
    notes = []
    for where, answers in (("the current map", early), ("the redesign", late)):
        for key in answers:
            if key not in QUESTIONS:
                from sysmap.problems import did_you_mean

                guess = did_you_mean(key, list(QUESTIONS))
                hint = f" — did you mean {guess}?" if guess else ""
                notes.append(
                    f"{where} answers '{key}', which is not a question of the process{hint}"
                )
        if redesign is None:
            break
    return notes


# ---------------------------------------------------------------- entry points


def check_process(
    current: SystemMap,
    redesign: SystemMap | None = None,
    *,
    current_file: str | None = None,
    redesign_file: str | None = None,
) -> ProcessStatus:
    """Where the guiding team stands in Who → Why → What → How.

    Parameters
    ----------
    current : SystemMap
        The map of the system today.
    redesign : SystemMap, optional
        The redesigned system, once the team has one.
    current_file, redesign_file : str, optional
        The maps' file names, used in the next-step commands (default ``MAP``
        and ``REDESIGN``).

    Returns
    -------
    ProcessStatus
        ``.stages`` (who, why, what, how), each with ``.checks``;
        ``.current_stage``; ``.to_data()``; :func:`format_process` prints it.
    """
    mf = current_file or "MAP"
    rf = redesign_file or "REDESIGN"
    plan, failed = _change_plan(current, redesign)
    later = redesign or current
    lfile = rf if redesign is not None else mf
    found = [
        *_guiding(current),
        *_who(current, mf),
        *_who_groups(current, mf),
        *_why(current, mf),
        _why_providers(current, mf),
        _why_leaders(current),
        _team_only("why.visible"),
        *_what(current, redesign, mf, rf),
        *_what_improvements(redesign, rf, plan),
        *_how(current, redesign, mf, rf, plan, failed),
        _measure_shifts(later, lfile),
        _how_evaluate(later),
        _team_only("how.sustain"),
    ]
    by_id = {c.id: c for c in found}
    order = [by_id[q] for q in QUESTIONS]  # every question, in the document's order
    notes = _with_answers(order, current, redesign, mf, rf)
    stages = [
        Stage(
            stage,  # type: ignore[arg-type]
            *STAGES[stage],
            checks=[c for c in order if QUESTIONS[c.id].stage == stage],
        )
        for stage in STAGES
    ]
    return ProcessStatus(
        map_id=current.id,
        title=current.title,
        guiding_question=current.guiding_question,
        redesign_id=redesign.id if redesign is not None else None,
        stages=stages,
        unknown_answers=notes,
    )


def format_process(status: ProcessStatus, fmt: str = "text") -> str:
    """The process status as ``text``, ``md`` (Markdown) or ``json``.

    Raises
    ------
    UnknownFormat
        An unknown format.
    """
    if fmt == "text":
        return status.format_text()
    if fmt in ("md", "markdown"):
        return status.format_markdown()
    if fmt == "json":
        return json.dumps(status.to_data(), indent=2, ensure_ascii=False) + "\n"
    raise UnknownFormat(
        f"unknown format '{fmt}' — use text, md or json", value=fmt, choices=("text", "md", "json")
    )
