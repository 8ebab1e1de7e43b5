"""Where a guiding team stands in Who → Why → What → How.

:func:`check_process` reads the current map (and the redesign, once there is
one) and answers each stage's questions with what the maps already say. Each
answer is a :class:`Check` with a status — ``done``, ``partial`` or ``open`` —
and, unless it is done, the next step (a ``sysmap`` command where there is
one). It is a status report, not a validator: an open check is work still to
do, not a mistake.

The checks, stage by stage (which map each one reads):

- **Who** (current map): all three role groups present (``who.roles``); people
  with lived experience present (``who.lived-experience``); every guiding-team
  role taken (``who.guiding-team``); a guiding-team role held by someone with
  lived experience (``who.lived-experience-on-team``).
- **Why** (current map): relationships among stakeholders, nobody left
  unconnected (``why.relationships``); beneficiaries' voice collected — a
  relationship whose evidence is asserted by beneficiaries or by a stakeholder
  with lived experience (``why.voice-collected``); an equity attribute, one
  that takes two values or more across stakeholders (``why.equity``);
  indicators, with a breakdown by group (``why.indicators``).
- **What**: a redesign based on the current map (``what.redesign``); outcomes
  (``what.outcomes``) and a key-factor model — factors, causal links between
  them and at least one feedback loop among them (``what.key-factors``), both
  read from the redesign when there is one, else from the current map.
- **How** (the comparison and the latest map): a change plan whose changes
  all have an owner (``how.change-plan``); pilots, each tracked by a shared
  measure (``how.pilots``); shared measures with values on two dates or more
  (``how.measures``).

Example
-------
>>> from sysmap import loads_map
>>> m = loads_map('''
... id: demo
... title: Demo
... guiding_question: Whose voice reaches the board?
... stakeholders:
...   - {id: pwle, name: People with lived experience, role: beneficiary, lived_experience: true}
...   - {id: board, name: CoC board, role: leader}
... relationships:
...   - {from: pwle, to: board, kind: feedback, evidence: [{source: workshop, asserted_by: pwle}]}
... ''')
>>> status = check_process(m)
>>> [(c.id, c.status) for c in status.stages[0].checks][:2]
[('who.roles', 'partial'), ('who.lived-experience', 'done')]
>>> status.current_stage
'who'
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

from sysmap.errors import SysmapError
from sysmap.model import ROLES, SystemMap

__all__ = [
    "PROCESS_JSON_VERSION",
    "STAGES",
    "Check",
    "Stage",
    "ProcessStatus",
    "check_process",
    "format_process",
]

PROCESS_JSON_VERSION = 1

Status = Literal["done", "partial", "open"]

#: The four stages, in order: (title, the questions the guiding team works on).
STAGES: dict[str, tuple[str, str]] = {
    "who": (
        "Who",
        "Whose relationships shape the question? Who takes which role on the guiding team?",
    ),
    "why": (
        "Why",
        "How do the relationships work today? What do beneficiaries say, what do the "
        "data show, and for whom?",
    ),
    "what": (
        "What",
        "Which outcomes do we co-create, how could the relationships and the power "
        "between them change, and which key factors work together?",
    ),
    "how": (
        "How",
        "Which relationships do we form, rewire and strengthen, who owns each change, "
        "how do we pilot it and how do we measure it over time?",
    ),
}

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

    def to_data(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "question": self.question,
            "status": self.status,
            "answer": self.answer,
            "next_step": self.next_step,
        }


@dataclass
class Stage:
    """One stage of Who → Why → What → How and its checks."""

    stage: Literal["who", "why", "what", "how"]
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
        return {
            "stage": self.stage,
            "title": self.title,
            "question": self.question,
            "status": self.status,
            "checks": [c.to_data() for c in self.checks],
        }


@dataclass
class ProcessStatus:
    """Where the guiding team stands: every stage with its checks."""

    map_id: str
    title: str
    guiding_question: str
    redesign_id: str | None
    stages: list[Stage] = field(default_factory=list)

    @property
    def checks(self) -> list[Check]:
        """Every check, stage by stage."""
        return [c for s in self.stages for c in s.checks]

    @property
    def current_stage(self) -> str | None:
        """The first stage not yet done (``None`` when all four are)."""
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
            return f"All four stages are done ({tally})"
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
        }

    def format_text(self) -> str:
        lines = [
            f"Where the guiding team stands: {self.title} ({self.map_id})",
            f"Guiding question: {self.guiding_question}",
            f"Redesign: {self.redesign_id or 'none yet'}",
            self.headline(),
        ]
        for s in self.stages:
            lines += ["", f"{s.title.upper()} [{s.status}] {s.question}"]
            for c in s.checks:
                lines.append(f"  {c.status:<8} {c.question}")
                lines.append(f"           {c.answer}")
                if c.next_step:
                    lines.append(f"           Next: {c.next_step}")
        return "\n".join(lines) + "\n"

    def format_markdown(self) -> str:
        out = [
            f"# Where the guiding team stands: {_md(self.title)}",
            "",
            f"**Guiding question:** {_md(self.guiding_question)}",
            "",
            f"Map `{self.map_id}`; redesign "
            + (f"`{self.redesign_id}`." if self.redesign_id else "none yet."),
            "",
            f"**{self.headline()}**",
        ]
        for s in self.stages:
            out += ["", f"## {s.title} — {s.status}", "", f"*{_md(s.question)}*", ""]
            out += ["| | question | what the maps say | next step |", "|---|---|---|---|"]
            for c in s.checks:
                step = (
                    f"`{_md(c.next_step)}`"
                    if c.next_step and c.next_step.startswith("sysmap ")
                    else _md(c.next_step or "")
                )
                out.append(f"| {c.status} | {_md(c.question)} | {_md(c.answer)} | {step} |")
        return "\n".join(out) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _names(names: list[str], limit: int = NAMES_SHOWN) -> str:
    """``a, b and c`` or ``a, b, c and 4 more``."""
    if len(names) > limit:
        return ", ".join(names[:limit]) + f" and {len(names) - limit} more"
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


# ---------------------------------------------------------------- who


def _who(m: SystemMap, mf: str) -> list[Check]:
    by_role: Counter[str] = Counter(s.role for s in m.stakeholders)
    missing = [r for r in ROLES if by_role[r] == 0]
    role_words = {"beneficiary": "beneficiaries", "provider": "providers", "leader": "leaders"}
    present = _names([_plural(by_role[r], r, role_words[r]) for r in ROLES if by_role[r]])
    if not missing:
        roles = Check(
            "who.roles",
            "Are beneficiaries, providers and leaders all on the map?",
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
        roles = Check(
            "who.roles",
            "Are beneficiaries, providers and leaders all on the map?",
            "open" if len(missing) == 3 else "partial",
            f"No {lacking} yet" + (f" ({present} so far)." if present else "."),
            f'sysmap add stakeholder {mf} ID --name "NAME" {example}',
        )

    lived = [s for s in m.stakeholders if s.lived_experience]
    if lived:
        le = Check(
            "who.lived-experience",
            "Are people with lived experience on the map?",
            "done",
            f"Yes: {_plural(len(lived), 'stakeholder')} "
            f"{'brings' if len(lived) == 1 else 'bring'} lived experience "
            f"({_names([s.name for s in lived])}).",
        )
    else:
        le = Check(
            "who.lived-experience",
            "Are people with lived experience on the map?",
            "open",
            "No stakeholder is marked as bringing lived experience.",
            f"sysmap set {mf} ID lived_experience true",
        )

    team = m.guiding_team
    vacant = [g for g in team if not g.accepted_by]
    if not team:
        roles_taken = Check(
            "who.guiding-team",
            "Has every guiding-team role been taken?",
            "open",
            "The map names no guiding-team roles yet.",
            f"sysmap init {mf} --guided (asks who holds which role), or add "
            "guiding_team: to the map (see examples/roles/)",
        )
    elif vacant:
        first = vacant[0]
        roles_taken = Check(
            "who.guiding-team",
            "Has every guiding-team role been taken?",
            "partial",
            f"{len(team) - len(vacant)} of {_plural(len(team), 'role')} taken; nobody has "
            f"accepted {_names([g.name for g in vacant])} yet.",
            f'sysmap set {mf} {first.id} accepted_by "[ID]" (see sysmap roles {mf})',
        )
    else:
        roles_taken = Check(
            "who.guiding-team",
            "Has every guiding-team role been taken?",
            "done",
            f"Yes: all {_plural(len(team), 'role')} have been accepted.",
        )

    ids = {s.id: s for s in m.stakeholders}
    held = [
        (g, ids[h]) for g in team for h in g.accepted_by if h in ids and ids[h].lived_experience
    ]
    if held:
        le_team = Check(
            "who.lived-experience-on-team",
            "Does someone with lived experience hold a guiding-team role?",
            "done",
            "Yes: " + _names([f"{s.name} as {g.name}" for g, s in held]) + ".",
        )
    else:
        target = vacant[0].id if vacant else (team[0].id if team else None)
        step = (
            f'sysmap set {mf} {target} accepted_by "[ID]" with the id of someone who brings '
            "lived experience"
            if target and lived
            else f"sysmap add stakeholder {mf} ID --name NAME --role beneficiary "
            "--lived-experience, then give them a guiding-team role"
        )
        le_team = Check(
            "who.lived-experience-on-team",
            "Does someone with lived experience hold a guiding-team role?",
            "open",
            "No guiding-team role is held by a stakeholder who brings lived experience."
            if team
            else "There are no guiding-team roles yet.",
            step,
        )
    return [roles, le, roles_taken, le_team]


# ---------------------------------------------------------------- why


def _why(m: SystemMap, mf: str) -> list[Check]:
    people = {s.id: s for s in m.stakeholders}
    links = [r for r in m.relationships if r.source in people and r.target in people]
    linked = {r.source for r in links} | {r.target for r in links}
    alone = [s.name for s in m.stakeholders if s.id not in linked]
    if not links:
        rel = Check(
            "why.relationships",
            "Does the map show how stakeholders relate today?",
            "open",
            "No relationships between stakeholders yet.",
            f"sysmap add relationship {mf} FROM TO --kind serves --evidence workshop",
        )
    elif alone:
        rel = Check(
            "why.relationships",
            "Does the map show how stakeholders relate today?",
            "partial",
            f"{_plural(len(links), 'relationship')} between stakeholders, but "
            f"{_plural(len(alone), 'stakeholder')} {'has' if len(alone) == 1 else 'have'} "
            f"none: {_names(alone)}.",
            f"sysmap paths {mf} ID to look at each one, then sysmap add relationship {mf} "
            "FROM TO --kind …",
        )
    else:
        rel = Check(
            "why.relationships",
            "Does the map show how stakeholders relate today?",
            "done",
            f"Yes: {_plural(len(links), 'relationship')} between stakeholders; everyone "
            "is connected.",
        )

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
        voice = Check(
            "why.voice-collected",
            "Have beneficiaries told us how the relationships work (primary data)?",
            "done",
            f"Yes: {_plural(len(heard), 'relationship')} rest on what beneficiaries or people "
            f"with lived experience said ({who}).",
        )
    else:
        voice = Check(
            "why.voice-collected",
            "Have beneficiaries told us how the relationships work (primary data)?",
            "open",
            "No relationship's evidence is asserted by beneficiaries or by people with lived "
            "experience.",
            f"sysmap add relationship {mf} FROM TO --kind … --evidence interview "
            "--asserted-by beneficiary (after listening sessions with beneficiaries)",
        )

    values: dict[str, set[str]] = {}
    for s in m.stakeholders:
        for key, value in s.attributes.items():
            if value is not None and value != "":
                values.setdefault(key, set()).add(str(value))
    varied = sorted((k for k, v in values.items() if len(v) >= 2), key=lambda k: -len(values[k]))
    if varied:
        equity = Check(
            "why.equity",
            "Can the map be seen through an equity lens (an attribute that tells groups apart)?",
            "done",
            "Yes: " + _names([f"{k} ({len(values[k])} values)" for k in varied]) + ".",
        )
    elif values:
        key = sorted(values)[0]
        equity = Check(
            "why.equity",
            "Can the map be seen through an equity lens (an attribute that tells groups apart)?",
            "partial",
            f"Attributes are set ({_names(sorted(values))}), but none takes two values or "
            "more, so no groups can be compared.",
            f"sysmap set {mf} ID attributes.{key} VALUE for the stakeholders that differ",
        )
    else:
        equity = Check(
            "why.equity",
            "Can the map be seen through an equity lens (an attribute that tells groups apart)?",
            "open",
            "No stakeholder has attributes (such as race or age group) to break results down by.",
            f"sysmap set {mf} ID attributes.race VALUE (then sysmap analyze {mf} --by race)",
        )

    broken_down = [i for i in m.indicators if i.disaggregations]
    if not m.indicators:
        ind = Check(
            "why.indicators",
            "Do secondary data (indicators) show the picture, broken down by group?",
            "open",
            "No indicators yet.",
            f"add indicators: to {mf} (a name, source, value and disaggregations by group; "
            "see docs/file-format.md)",
        )
    elif not broken_down:
        ind = Check(
            "why.indicators",
            "Do secondary data (indicators) show the picture, broken down by group?",
            "partial",
            f"{_plural(len(m.indicators), 'indicator')}, none broken down by group.",
            f"add disaggregations: (by: race, values: …) to the indicators in {mf}",
        )
    else:
        bys = sorted({d.by for i in broken_down for d in i.disaggregations})
        ind = Check(
            "why.indicators",
            "Do secondary data (indicators) show the picture, broken down by group?",
            "done",
            f"Yes: {_plural(len(m.indicators), 'indicator')}, {len(broken_down)} broken down "
            f"by {_names(bys)}.",
        )
    return [rel, voice, equity, ind]


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


def _what(current: SystemMap, redesign: SystemMap | None, mf: str, rf: str) -> list[Check]:
    if redesign is None:
        red = Check(
            "what.redesign",
            "Has the team drawn the redesigned system?",
            "open",
            "No redesign yet.",
            f"cp {mf} {rf}; sysmap set {rf} map stage redesign; sysmap set {rf} map based_on "
            f"{current.id}; then change it with the team and run sysmap process {mf} {rf}",
        )
    elif redesign.stage == "redesign" and redesign.based_on == current.id:
        red = Check(
            "what.redesign",
            "Has the team drawn the redesigned system?",
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
        red = Check(
            "what.redesign",
            "Has the team drawn the redesigned system?",
            "partial",
            f"{redesign.id} is given as the redesign, but {' and '.join(problems)}.",
            f"sysmap set {rf} map stage redesign; sysmap set {rf} map based_on {current.id}",
        )

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
        out = Check(
            "what.outcomes",
            "Which outcomes do we co-create?",
            "done",
            f"{_plural(len(m.outcomes), 'outcome')} in {where}{note}.",
        )
    else:
        out = Check(
            "what.outcomes",
            "Which outcomes do we co-create?",
            "open",
            f"No outcomes in {where} yet.",
            f"add outcomes: (id, name) to {mfile} — what the community wants to be true",
        )

    n_factors, n_links, types, stopped = _factor_loops(m)
    n_loops = sum(types.values())
    if n_factors == 0:
        kf = Check(
            "what.key-factors",
            "Is there a model of key factors that work together (with feedback loops)?",
            "open",
            f"No factors in {where} yet.",
            f'sysmap add factor {mfile} ID --name "Trust in outreach", then sysmap add '
            f"relationship {mfile} FACTOR FACTOR --kind influences --polarity +",
        )
    elif n_loops == 0:
        kf = Check(
            "what.key-factors",
            "Is there a model of key factors that work together (with feedback loops)?",
            "partial",
            f"{_plural(n_factors, 'factor')} and {_plural(n_links, 'causal link')} in "
            f"{where}, but no feedback loop among them.",
            f"sysmap add relationship {mfile} FROM TO --kind influences --polarity + "
            "(a link that closes a loop)",
        )
    else:
        kinds = [f"{types[t]} {t}" for t in ("reinforcing", "balancing", "unsigned") if types[t]]
        more = " or more" if stopped else ""
        kf = Check(
            "what.key-factors",
            "Is there a model of key factors that work together (with feedback loops)?",
            "done",
            f"Yes: {_plural(n_factors, 'factor')}, {_plural(n_links, 'causal link')} and "
            f"{_plural(n_loops, 'feedback loop')}{more} among them in {where} "
            f"({_names(kinds)}).",
        )
    return [red, out, kf]


# ---------------------------------------------------------------- how


def _how(current: SystemMap, redesign: SystemMap | None, mf: str, rf: str) -> list[Check]:
    checks: list[Check] = []
    plan_items: list[Any] = []
    if redesign is None:
        checks.append(
            Check(
                "how.change-plan",
                "Is there a change plan, with an owner for every change?",
                "open",
                "The change plan comes from comparing today's map with a redesign; there is "
                "no redesign yet.",
                f"draw the redesign, then sysmap plan {mf} {rf} -o plan.md",
            )
        )
    else:
        from sysmap.compare import compare_maps
        from sysmap.plan import change_plan

        try:
            plan = change_plan(compare_maps(current, redesign, shifts=False))
        except SysmapError as exc:
            plan = None
            checks.append(
                Check(
                    "how.change-plan",
                    "Is there a change plan, with an owner for every change?",
                    "open",
                    f"The maps cannot be compared: {exc}",
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
            counts = plan.counts()
            summary = _names(
                [
                    f"{counts[a]} to {verb}"
                    for a, verb in (
                        ("form", "form"),
                        ("rewire", "rewire"),
                        ("strengthen", "strengthen"),
                        ("weaken", "weaken"),
                        ("status", "change status"),
                        ("adjust", "adjust"),
                        ("retire", "retire"),
                    )
                    if counts[a]
                ],
                limit=7,
            )
            if not plan_items:
                checks.append(
                    Check(
                        "how.change-plan",
                        "Is there a change plan, with an owner for every change?",
                        "open",
                        "The redesign changes no relationship between stakeholders yet.",
                        f"sysmap add relationship {rf} FROM TO --kind … --status proposed",
                    )
                )
            elif len(owned) == len(plan_items):
                checks.append(
                    Check(
                        "how.change-plan",
                        "Is there a change plan, with an owner for every change?",
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
                    Check(
                        "how.change-plan",
                        "Is there a change plan, with an owner for every change?",
                        "partial",
                        f"{summary}; {len(owned)} of {len(plan_items)} changes to make have "
                        "an owner.",
                        f"sysmap set {rf} {ref} change.owner ID (sysmap plan {mf} {rf} lists "
                        "the others)",
                    )
                )

    piloted = [i for i in plan_items if i.pilot]
    if not piloted:
        checks.append(
            Check(
                "how.pilots",
                "Are changes piloted, and is each pilot tracked by a shared measure?",
                "open",
                "No change names a pilot yet."
                if redesign is not None
                else "Pilots belong to the changes in the redesign; there is none yet.",
                f'sysmap set {rf} ID change.pilot "WHAT, WHERE, FOR HOW LONG" for a change '
                "to try first",
            )
        )
    else:
        untracked = [i for i in piloted if not i.measures]
        if untracked:
            first = untracked[0]
            ref = first.relationship or f"{first.source}->{first.target}:{first.kind}"
            checks.append(
                Check(
                    "how.pilots",
                    "Are changes piloted, and is each pilot tracked by a shared measure?",
                    "partial",
                    f"{len(piloted)} of {len(plan_items)} changes are piloted; "
                    f"{len(untracked)} of the pilots name no measure to track them.",
                    f'sysmap set {rf} {ref} change.measures "[MEASURE-ID]"',
                )
            )
        else:
            checks.append(
                Check(
                    "how.pilots",
                    "Are changes piloted, and is each pilot tracked by a shared measure?",
                    "done",
                    f"Yes: {len(piloted)} of {len(plan_items)} changes are piloted, each "
                    "tracked by a shared measure.",
                )
            )

    m = redesign or current
    mfile = rf if redesign is not None else mf
    over_time = [x for x in m.measures if len({v.date for v in x.values}) >= 2]
    data = Counter(x.data or "unstated" for x in m.measures)
    sources = _names([f"{data[k]} {k}" for k in ("primary", "secondary", "unstated") if data[k]])
    if not m.measures:
        checks.append(
            Check(
                "how.measures",
                "Are shared measures tracked over time?",
                "open",
                "No shared measures yet.",
                f"add measures: (id, name, outcome, values with dates) to {mfile}",
            )
        )
    elif len(over_time) < len(m.measures):
        flat = [x for x in m.measures if x not in over_time]
        checks.append(
            Check(
                "how.measures",
                "Are shared measures tracked over time?",
                "partial" if over_time else "open",
                f"{len(over_time)} of {_plural(len(m.measures), 'shared measure')} have values "
                f"on two dates or more ({sources} data); not yet: "
                f"{_names([x.name for x in flat])}.",
                f"add a dated value to {flat[0].id} in {mfile} at the next reporting date",
            )
        )
    else:
        checks.append(
            Check(
                "how.measures",
                "Are shared measures tracked over time?",
                "done",
                (
                    f"Yes: all {len(m.measures)} shared measures have"
                    if len(m.measures) > 1
                    else "Yes: the shared measure has"
                )
                + f" values on two dates or more ({sources} data).",
            )
        )
    return checks


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
    stages = [
        Stage("who", *STAGES["who"], checks=_who(current, mf)),
        Stage("why", *STAGES["why"], checks=_why(current, mf)),
        Stage("what", *STAGES["what"], checks=_what(current, redesign, mf, rf)),
        Stage("how", *STAGES["how"], checks=_how(current, redesign, mf, rf)),
    ]
    return ProcessStatus(
        map_id=current.id,
        title=current.title,
        guiding_question=current.guiding_question,
        redesign_id=redesign.id if redesign is not None else None,
        stages=stages,
    )


def format_process(status: ProcessStatus, fmt: str = "text") -> str:
    """The process status as ``text``, ``md`` (Markdown) or ``json``.

    Raises
    ------
    SysmapError
        An unknown format.
    """
    if fmt == "text":
        return status.format_text()
    if fmt in ("md", "markdown"):
        return status.format_markdown()
    if fmt == "json":
        return json.dumps(status.to_data(), indent=2, ensure_ascii=False) + "\n"
    raise SysmapError(f"unknown format '{fmt}' — use text, md or json")
