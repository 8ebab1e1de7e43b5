"""Workshop reports: the whole Who → Why → What → How story in one file.

:func:`generate_report` returns the report as text and :func:`export_report`
writes it (atomically). Given the current map, and optionally its redesign,
the report holds:

- the **guiding question** and the figures that matter at a glance;
- **Who**: stakeholders by role, people with lived experience, the guiding
  team and who took each role;
- **Why**: the headline findings; voice and feedback verdicts for every
  beneficiary; power by role; feedback loops (declared loops holding or
  broken, detected loops); equity gaps; indicators with small charts;
- **What**: the redesign's outcomes, its key factors and key-factor loops,
  and its declared loops;
- **How**: the comparison's headlines, the change plan (form, rewire,
  strengthen, retire … with owners and pilots), power and voice before and
  after, and the shared measures over time with line charts;
- the **interactive map** (the diff map when a redesign is given);
- the **process checklist** (:func:`sysmap.process.check_process`),
  **assessments** (:func:`sysmap.assess.assess`) and the guiding-team **roles**
  matrix and coverage (:mod:`sysmap.roles`).

An HTML report is one self-contained page that works offline: the charts are
inline SVG drawn here, the map is the page of :func:`sysmap.htmlmap.generate_html`
embedded in a sandboxed ``<iframe srcdoc>``, and a Content-Security-Policy
allows only the map's own two scripts and forbids every request. It prints
well: each stage starts a new page, the interactive parts are left out, and
charts and tables read in black and white. A Markdown report holds the same
text and tables (charts become tables; the map is a note).

Every text from the map is escaped. ``redact=True`` replaces sensitive
stakeholders with "Stakeholder 1" … consistently in both maps, and leaves
their free text out everywhere in the report.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any

from sysmap import charts, roles
from sysmap import redact as redaction
from sysmap.assess import assess
from sysmap.compare import compare_maps
from sysmap.errors import OutputError, SysmapError, UnknownFormat
from sysmap.escape import markdown_text
from sysmap.htmlmap import diff_from_comparison, generate_html
from sysmap.model import MEASURE_SHIFTS, ROLES, SystemMap
from sysmap.plan import change_plan
from sysmap.problems import did_you_mean, one_of
from sysmap.process import check_process
from sysmap.render import (
    Bullets,
    Cards,
    Chart,
    Embed,
    Heading,
    Mark,
    Note,
    Para,
    Section,
    Table,
    Tiles,
    fmt_number,
    pct,
    plural,
    render_html,
    render_markdown,
)
from sysmap.storage import write_atomic
from sysmap.whatif import whatif_maps

__all__ = [
    "REPORT_FORMATS",
    "ROWS_SHOWN",
    "generate_report",
    "export_report",
    "redact_maps",
]

#: The formats a report is written in.
REPORT_FORMATS: tuple[str, ...] = ("html", "md")

#: At most this many rows per table (a note says how many more there are).
ROWS_SHOWN = 150

_ROLE_WORDS = {"beneficiary": "Beneficiaries", "provider": "Providers", "leader": "Leaders"}
# the voice counts, best first, and what a chart calls them
_VOICE_KINDS = (("two_way", "two-way"), ("one_way", "one-way"), ("no_voice", "no voice"))
_VERDICTS = {
    "two-way": ("⇄ two-way", "good"),
    "one-way": ("→ one-way", "warn"),
    "no voice": ("✕ no voice", "bad"),
}


# The report is built as blocks (sysmap.render) and written as HTML or Markdown;
# the renderers escape every text, so map text never becomes markup.


def _rows(rows: list[list[Any]], headers: list[str], caption: str | None = None) -> Table:
    return Table(headers, rows[:ROWS_SHOWN], caption, total=len(rows))


# --------------------------------------------------------------- redaction


def redact_maps(
    current: SystemMap, redesign: SystemMap | None = None
) -> tuple[SystemMap, SystemMap | None, dict[str, str]]:
    """Both maps with sensitive stakeholders made anonymous, consistently.

    :func:`sysmap.redact.redact_maps` with the guiding team, outcomes,
    measures, indicators and assessments kept (the report shows them), their
    names of people replaced like every other text.

    Returns
    -------
    (SystemMap, SystemMap or None, dict)
        The redacted maps and the id mapping (old id → new id).

    Example
    -------
    >>> from sysmap.model import Stakeholder, SystemMap, GuidingRole
    >>> dana = Stakeholder(id="dana", name="Dana", role="beneficiary", sensitive=True)
    >>> m = SystemMap(id="m", title="T", guiding_question="Q?", stakeholders=[dana],
    ...     guiding_team=[GuidingRole(id="co-chair", name="Dana's seat", accepted_by=["dana"])])
    >>> r, _, ids = redact_maps(m)
    >>> ids, r.guiding_team[0].name, r.guiding_team[0].accepted_by
    ({'dana': 'stakeholder-1'}, "Stakeholder 1's seat", ['stakeholder-1'])
    """
    maps = [current] + ([redesign] if redesign is not None else [])
    done = redaction.redact_maps(*maps, keep_sections=True)
    return done.maps[0], (done.maps[1] if redesign is not None else None), done.ids


# ------------------------------------------------------------ computations


@dataclass
class _Inputs:
    current: SystemMap
    redesign: SystemMap | None
    now: Any  # Analysis of the current map
    new: Any  # Analysis of the redesign, or None
    equity: dict[str, Any]  # attribute -> equity result (current map)
    comparison: Any
    plan: Any
    by: list[str]
    redacted: bool
    title: str
    map_page: str | None = None


def _default_by(m: SystemMap) -> list[str]:
    """The attributes the equity lens breaks results down by: those the
    indicators and measures are disaggregated by, when stakeholders record
    them; otherwise the attribute most beneficiaries record."""
    recorded = Counter(k for s in m.stakeholders for k, v in s.attributes.items() if v is not None)
    wanted = [d.by for i in m.indicators for d in i.disaggregations]
    wanted += [k for ms in m.measures for v in ms.values for k in v.group]
    out = [k for k in dict.fromkeys(wanted) if k in recorded]
    if not out:
        bene = Counter(
            k for s in m.stakeholders if s.role == "beneficiary" for k in s.attributes
        ).most_common(1)
        out = [bene[0][0]] if bene else []
    return out[:3]


def _gather(
    current: SystemMap,
    redesign: SystemMap | None,
    redact: bool,
    by: Sequence[str] | None,
    title: str | None,
) -> _Inputs:
    # the analyses (numpy, igraph) load when a report is made, not when sysmap is imported
    from sysmap.analysis._equity import equity
    from sysmap.analysis.suite import analyze, equity_metrics

    if redact:
        current, redesign, _ = redact_maps(current, redesign)
    attrs = list(dict.fromkeys(by)) if by else _default_by(current)
    now = analyze(current, by=attrs[0] if attrs else None)
    lenses: dict[str, Any] = {}
    if attrs:
        lenses[attrs[0]] = now.results["equity"]
        metrics = equity_metrics(current, now.results.get("structure"), now.results.get("voice"))
        for attr in attrs[1:]:
            lenses[attr] = equity(current, attr, metrics=metrics)
    new = comparison = plan = None
    if redesign is not None:
        new = analyze(redesign)
        comparison = compare_maps(current, redesign, analyses=[now, new])
        plan = change_plan(comparison)
    return _Inputs(
        current=current,
        redesign=redesign,
        now=now,
        new=new,
        equity=lenses,
        comparison=comparison,
        plan=plan,
        by=attrs,
        redacted=redact,
        title=title or (redesign or current).title,
    )


def _names(*maps: SystemMap | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in maps:
        if m is not None:
            out.update({s.id: s.name for s in m.stakeholders})
            out.update({f.id: f.name for f in m.factors})
    return out


# ----------------------------------------------------------------- sections


# Each stage's section: its title, its word in the contents, and what it answers.
_STAGES: dict[str, tuple[str, str, str]] = {
    "who": (
        "Who: whose relationships shape the question",
        "Who",
        "Beneficiaries (whom the system serves), providers (who serve the system) and "
        "leaders (who can change it), and who takes which role on the guiding team.",
    ),
    "why": (
        "Why: how the relationships work today",
        "Why",
        "What the current map shows: whose voice reaches the leaders who decide, who "
        "holds power, which feedback loops hold, and where groups are left behind.",
    ),
    "what": (
        "What: the redesign we co-create",
        "What",
        "The outcomes the community works toward and the key factors that work "
        "together, with their reinforcing (R) and balancing (B) loops.",
    ),
    "how": (
        "How: the changes, who owns them, and how we measure",
        "How",
        "Which relationships are formed, rewired, strengthened and retired, who owns "
        "each change and how it is piloted, and the shared measures over time.",
    ),
    "process": (
        "Process checklist: where we stand in Who → Why → What → How",
        "Process",
        "Every question of the process, stage by stage: what the maps already "
        "answer (and from what), the team's own answer, and the next step.",
    ),
    "assessments": (
        "Assessments: what is in place for lived-experience involvement",
        "Assessments",
        "Checklists scored per organisation (latest scores), and how much is in place "
        "across the system.",
    ),
    "roles": (
        "Guiding-team roles: responsibilities and competencies",
        "Roles",
        "Which competencies each responsibility needs — ○ practical (within one's own "
        "team or organisation), ● strategic (across stakeholder groups), ○● both — the "
        "training roadmap that follows, who on the team covers what, and where each person "
        "could train first.",
    ),
}


def _section(ident: str, *blocks: Any) -> Section:
    """A stage's section with its title, kicker and intro (and ``blocks``, if any)."""
    title, kicker, intro = _STAGES[ident]
    return Section(ident, title, kicker=kicker, intro=intro, blocks=list(blocks))


def _figures(m: SystemMap, analysis: Any) -> dict[str, Any]:
    voice = analysis.results["voice"].to_dict()["counts"]
    declared = analysis.results["loops"].to_dict()["declared"]
    power = analysis.results["power"].to_dict()
    return {
        "stakeholders": len(m.stakeholders),
        "lived": sum(1 for s in m.stakeholders if s.lived_experience),
        "beneficiaries": voice["beneficiaries"],
        "two_way": voice["two_way"],
        "no_voice": voice["no_voice"],
        "loops": len(declared),
        "holding": sum(1 for d in declared if d["holds"]),
        "power": (
            power["by_role"]["beneficiary"]["share"]
            if power["total_power"] and "beneficiary" in power["by_role"]
            else None
        ),
        "roles": len(m.guiding_team),
        "taken": sum(1 for g in m.guiding_team if g.accepted_by),
    }


def _glance(x: _Inputs) -> Section:
    m = x.current
    roles: Counter[str] = Counter(s.role for s in m.stakeholders)
    a = _figures(m, x.now)
    b = _figures(x.redesign, x.new) if x.redesign is not None else None

    def fig(key: str, show: Any = str) -> str:
        return show(a[key]) if b is None else f"{show(a[key])} → {show(b[key])}"

    def of(key: str) -> str:
        if b is None or a[key] == b[key]:
            return f"of {a[key]}"
        return f"of {a[key]} today, {b[key]} in the redesign"

    last = b or a
    tiles = [
        (
            fig("stakeholders"),
            f"stakeholders: {roles['beneficiary']} beneficiaries, {roles['provider']} "
            f"providers, {roles['leader']} leaders" + (" today" if b else ""),
            "good" if all(roles[r] for r in ROLES) else "bad",
        ),
        (fig("lived"), "stakeholders bring lived experience", "good" if last["lived"] else "bad"),
        (
            fig("two_way"),
            f"beneficiary groups heard by a leader and hearing back ({of('beneficiaries')})",
            "good" if last["two_way"] == last["beneficiaries"] else "warn",
        ),
        (
            fig("no_voice"),
            "beneficiary groups with no voice path to any leader",
            "bad" if last["no_voice"] else "good",
        ),
        (
            fig("holding"),
            f"declared feedback loops holding ({of('loops')})",
            "good" if last["holding"] == last["loops"] else "warn",
        ),
        (fig("power", pct), "of the power held by beneficiaries", ""),
        (
            fig("taken"),
            f"guiding-team roles taken ({of('roles')})",
            "good" if last["taken"] == last["roles"] else "warn",
        ),
    ]
    if x.plan is not None:
        tiles.append((str(len(x.plan.items)), "changes in the plan, today to the redesign", ""))
    else:
        tiles.append((str(len(m.relationships)), "relationships on the map", ""))
    blocks: list[Any] = [Tiles(tiles)]
    if x.redesign is not None:
        blocks.append(
            Para(
                f"Today: “{m.title}” ({_as_of(m)}). Redesign: “{x.redesign.title}” "
                f"({_as_of(x.redesign)}). Figures read today → redesign.",
                cls="maps",
            )
        )
    else:
        blocks.append(Para(f"Map: “{m.title}” ({_as_of(m)}).", cls="maps"))
    return Section("glance", "At a glance", blocks=blocks)


def _as_of(m: SystemMap) -> str:
    return f"as of {m.as_of.isoformat()}" if m.as_of else "no date given"


def _power_dots(p: int | None) -> str:
    return "—" if p is None else "●" * p + "○" * (5 - p)


def _who(x: _Inputs) -> Section:
    m = x.current
    sec = _section("who")
    roles_held: dict[str, list[str]] = {}
    for g in m.guiding_team:
        for sid in g.accepted_by:
            roles_held.setdefault(sid, []).append(g.name)
    for role in ROLES:
        people = [s for s in m.stakeholders if s.role == role]
        sec.blocks.append(Heading(f"{_ROLE_WORDS[role]} ({len(people)})", 3, f"who-{role}"))
        if not people:
            sec.blocks.append(Note(f"No {role} on the map yet — add one.", "bad"))
            continue
        rows = []
        for s in sorted(people, key=lambda s: (-(s.power or 0), s.name.lower())):
            kind = ", ".join(v for v in (s.type, s.organisation) if v) or ""
            marks = []
            if s.lived_experience:
                marks.append("lived experience")
            if s.id in roles_held:
                marks.append("guiding team")
            if s.sensitive and x.redacted:
                marks.append("redacted")
            rows.append([s.name, kind, Mark(_power_dots(s.power)), ", ".join(marks)])
        sec.blocks.append(
            _rows(rows, ["Stakeholder", "Type / organisation", "Power (0–5)", "Notes"], None)
        )
    le = [s for s in m.stakeholders if s.lived_experience]
    sec.blocks.append(Heading(f"People with lived experience ({len(le)})", 3, "who-lived"))
    if le:
        rows = [
            [s.name, s.role, "; ".join(roles_held.get(s.id, [])) or Mark("no role yet", "warn")]
            for s in le
        ]
        sec.blocks.append(_rows(rows, ["Stakeholder", "Role", "Guiding-team role"]))
    else:
        sec.blocks.append(
            Note(
                "Nobody on the map brings lived experience. Mark those who do "
                "(lived_experience: true) — and invite them if they are missing.",
                "bad",
            )
        )
    team = (x.redesign or m).guiding_team
    sec.blocks.append(Heading(f"The guiding team ({len(team)} roles)", 3, "who-team"))
    if team:
        names = _names(m, x.redesign)
        rows = []
        for g in team:
            who = ", ".join(names.get(i, i) for i in g.accepted_by)
            texts = [r if isinstance(r, str) else r.text for r in g.responsibilities]
            rows.append(
                [
                    g.name,
                    who or Mark("open — nobody has taken it yet", "bad"),
                    "; ".join(texts[:3]) + (f" (+{len(texts) - 3} more)" if len(texts) > 3 else ""),
                ]
            )
        caption = "From the redesign." if x.redesign is not None else None
        sec.blocks.append(_rows(rows, ["Role", "Taken by", "Responsibilities"], caption))
    else:
        sec.blocks.append(Note("No guiding-team roles yet (guiding_team in the map).", "warn"))
    return sec


def _voice_blocks(x: _Inputs, m: SystemMap, result: Any, detail: bool = True) -> list[Any]:
    v = result.to_dict()
    names = _names(m)
    c = v["counts"]
    blocks: list[Any] = []
    if not c["beneficiaries"]:
        return [Note("No beneficiaries on the map, so no voice to follow.", "bad")]
    svg = charts.stacked_bar(
        [
            ("no voice", c["no_voice"], "#D55E00"),
            ("one-way (heard, nothing comes back)", c["one_way"], "#E69F00"),
            ("two-way (heard and hearing back)", c["two_way"], "#009E73"),
        ],
        title="Voice of beneficiary groups",
    )
    blocks.append(
        Chart(
            svg,
            f"Does each beneficiary group's voice reach a leader who decides, and does "
            f"anything come back? ({c['beneficiaries']} beneficiary groups, {c['leaders']} leaders)",
            Table(
                ["voice", "beneficiary groups"],
                [
                    ["no voice", c["no_voice"]],
                    ["one-way", c["one_way"]],
                    ["two-way", c["two_way"]],
                ],
            ),
        )
    )
    if not detail:
        return blocks
    rank = {"no voice": 0, "one-way": 1, "two-way": 2}
    rows = []
    for b in sorted(v["beneficiaries"], key=lambda b: (rank.get(b["verdict"], 3), b["name"])):
        text, kind = _VERDICTS.get(b["verdict"], (b["verdict"], ""))
        weak = b.get("weakest_link")
        weakest = ""
        if weak and weak.get("strength") is not None:
            weakest = (
                f"{names.get(weak['from'], weak['from'])} → {names.get(weak['to'], weak['to'])} "
                f"(strength {fmt_number(weak['strength'])})"
            )
        broken = "; ".join(
            f"{names.get(e['from'], e['from'])} → {names.get(e['to'], e['to'])}"
            for e in (b.get("broken_at") or []) + (b.get("return_broken_at") or [])
        )
        rows.append(
            [
                b["name"],
                Mark(text, kind),
                names.get(b.get("nearest_leader") or "", "—"),
                b["length"] if b.get("length") is not None else "—",
                weakest,
                Mark("yes", "good") if b.get("return_path") else Mark("no", "bad"),
                broken,
            ]
        )
    blocks.append(
        _rows(
            rows,
            [
                "Beneficiary group",
                "Voice",
                "Nearest leader reached",
                "Steps",
                "Weakest link",
                "Hears back",
                "Broken links",
            ],
        )
    )
    return blocks


def _power_blocks(result: Any) -> list[Any]:
    p = result.to_dict()
    if not p["total_power"]:
        return [Note("No stakeholder has a power score yet (power: 0–5).", "warn")]
    rows = [
        (_ROLE_WORDS[r], round(100 * p["by_role"][r]["share"], 1))
        for r in ROLES
        if r in p["by_role"]
    ]
    blocks: list[Any] = [
        Chart(
            charts.bar_chart(rows, title="Share of power by role", unit="%", max_value=100),
            "Share of all power (the stakeholders' 0–5 scores) held by each role group.",
            Table(["role", "share of power"], [[r, f"{v:g}%"] for r, v in rows]),
        )
    ]
    dp = p.get("decision_power") or {}
    facts = [
        f"Power is concentrated: Gini {p['concentration']['gini']:.2f} (0 = everyone equal, "
        "1 = one stakeholder holds it all)."
    ]
    if dp.get("total"):
        facts.append(
            "Decision power carried by relationships: "
            + ", ".join(
                f"{_ROLE_WORDS[r].lower()} {pct(n / dp['total'])}" for r, n in dp["by_role"].items()
            )
            + "."
        )
    blocks.append(Bullets(list(facts)))
    return blocks


def _break_reason(b: dict[str, Any]) -> str:
    """Why a declared loop's step fails: a status, or kinds that do not count there."""
    if b.get("reason") == "wrong kind":
        what = "carries no voice" if b.get("needs") == "voice" else "carries no answer back"
        return f"{' or '.join(b.get('kinds') or [])} {what}"
    return str(b.get("reason", "missing"))


def _loops_blocks(m: SystemMap, result: Any, *, what: bool = False) -> list[Any]:
    lp = result.to_dict()
    names = _names(m)
    factors = {f.id for f in m.factors}
    blocks: list[Any] = []
    rows = []
    for d in lp["declared"]:
        if what and not set(d["path"]) <= factors:
            continue
        status = _holds(d["holds"])
        breaks = "; ".join(
            f"{b.get('from_name') or names.get(b['from'], b['from'])} → "
            f"{b.get('to_name') or names.get(b['to'], b['to'])} ({_break_reason(b)})"
            for b in d.get("breaks") or []
        )
        path = " → ".join(names.get(p, p) for p in d["path"])
        kind = " · ".join(x for x in (d.get("type"), d.get("effect")) if x) or "—"
        rows.append([d["name"], kind, status, path, breaks or "—"])
    if rows:
        blocks.append(
            _rows(
                rows,
                ["Declared loop", "Type", "Today" if not what else "Holds", "Path", "Breaks at"],
            )
        )
    else:
        blocks.append(Note("No declared feedback loops yet (loops in the map).", "warn"))
    if not what:
        c = lp["counts"]
        facts = [
            f"{plural(c['cycles'], 'loop')} found in the map "
            f"(up to {lp['max_length']} steps{'' if lp['complete'] else ', search stopped early'}): "
            f"{c['reinforcing']} reinforcing, {c['balancing']} balancing, {c['untyped']} untyped "
            "(a loop is typed only when every link on it has a polarity)."
        ]
        top = lp.get("on_most_loops") or []
        if top:
            facts.append(
                "On the most loops: "
                + ", ".join(f"{t['name']} ({t['loops']})" for t in top[:5])
                + "."
            )
        blocks.append(Bullets(list(facts)))
    return blocks


def _equity_blocks(x: _Inputs) -> list[Any]:
    if not x.by:
        return [
            Note(
                "No stakeholder attribute to look through the equity lens — record "
                "attributes such as race or age_group on stakeholders, or pass --by.",
                "warn",
            )
        ]
    blocks: list[Any] = []
    for attr, result in x.equity.items():
        d = result.to_dict()
        gaps = result.gap_texts()  # the indicators' gaps too: never "no gap" beside one
        groups = ", ".join(
            f"{g['group']} ({g['n']})" for g in d.get("groups", []) if g.get("recorded")
        )
        blocks.append(Heading(f"By {attr}", 4))
        if groups:
            blocks.append(Para(groups, label="Groups:"))
        if gaps:
            blocks.append(Bullets([Mark(g, "bad") for g in gaps[:12]]))
        else:
            blocks.append(Para("No gap between groups crosses the equity rules."))
    return blocks


def _indicator_blocks(m: SystemMap) -> list[Any]:
    if not m.indicators:
        return [Note("No secondary-data indicators yet (indicators in the map).", "warn")]
    cards: list[list[Any]] = []
    for ind in m.indicators:
        card: list[Any] = [Heading(ind.name, 4)]
        unit = ind.unit or ""
        head = f"{fmt_number(ind.value)} {unit}".strip() if ind.value is not None else ""
        meta = ", ".join(v for v in (ind.source, ind.as_of.isoformat() if ind.as_of else None) if v)
        if head or meta:
            card.append(Para(f"{head}{' — ' if head and meta else ''}{meta}", cls="meta"))
        for d in ind.disaggregations:
            rows = sorted(d.values.items(), key=lambda kv: -kv[1])
            suffix = "%" if unit == "percent" else ""
            card.append(
                Chart(
                    charts.bar_chart(
                        [(k, v) for k, v in rows],
                        title=f"{ind.name} by {d.by}",
                        unit=suffix,
                        color=charts.PALETTE[1],
                    ),
                    f"By {d.by}.",
                    Table([d.by, unit or "value"], [[k, fmt_number(v)] for k, v in rows]),
                )
            )
        cards.append(card)
    return [Cards(cards)]


def _why(x: _Inputs) -> Section:
    m = x.current
    sec = _section("why")
    heads = x.now.headlines()
    sec.blocks.append(Heading("What stands out", 3, "why-findings"))
    sec.blocks.append(Bullets([f.text for f in heads] or ["nothing notable"], cls="findings"))
    sec.blocks.append(Heading("Voice and two-way feedback", 3, "why-voice"))
    sec.blocks += _voice_blocks(x, m, x.now.results["voice"])
    sec.blocks.append(Heading("Power by role", 3, "why-power"))
    sec.blocks += _power_blocks(x.now.results["power"])
    sec.blocks.append(Heading("Feedback loops", 3, "why-loops"))
    sec.blocks += _loops_blocks(m, x.now.results["loops"])
    sec.blocks.append(Heading("Equity gaps", 3, "why-equity"))
    sec.blocks += _equity_blocks(x)
    sec.blocks.append(Heading("Indicators (secondary data)", 3, "why-indicators"))
    sec.blocks += _indicator_blocks(m)
    return sec


def _what(x: _Inputs) -> Section:
    sec = _section("what")
    m = x.redesign or x.current
    if x.redesign is None:
        sec.blocks.append(
            Note(
                "No redesign yet. The What stage draws the redesigned system as its own map "
                "(stage: redesign, based_on: the current map's id); give it as the second map.",
                "warn",
            )
        )
    elif x.redesign.description:
        sec.blocks.append(Para(x.redesign.description))
    sec.blocks.append(Heading(f"Outcomes ({len(m.outcomes)})", 3, "what-outcomes"))
    if m.outcomes:
        sec.blocks.append(
            Bullets([o.name + (f" — {o.description}" if o.description else "") for o in m.outcomes])
        )
    else:
        sec.blocks.append(Note("No outcomes yet (outcomes in the map).", "warn"))
    sec.blocks.append(Heading(f"Key factors ({len(m.factors)})", 3, "what-factors"))
    if m.factors:
        rows = [[f.name, f.description or ""] for f in m.factors]
        sec.blocks.append(_rows(rows, ["Factor", "What it is"]))
    else:
        sec.blocks.append(Note("No key-factor model yet (factors and influences links).", "warn"))
    sec.blocks += _factor_loop_blocks(x, m)
    sec.blocks += _whatif_blocks(x, m)
    if x.redesign is not None and x.new is not None:
        sec.blocks += _redesign_loop_blocks(x, x.redesign, x.new)
    return sec


def _holds(holds: Any) -> Mark:
    return Mark("✓ holds", "good") if holds else Mark("✕ broken", "bad")


def _factor_loop_blocks(x: _Inputs, m: SystemMap) -> list[Any]:
    """The declared loops among the key factors, labelled R1, R2 … and B1, B2 …"""
    analysis = x.new if x.new is not None else x.now
    names = _names(m)
    factors = {f.id for f in m.factors}
    loops = [lo for lo in m.loops if set(lo.path) <= factors]
    out: list[Any] = [Heading(f"Key-factor loops ({len(loops)})", 3, "what-loops")]
    if not loops:
        return [*out, Note("No declared loops among the key factors yet.", "warn")]
    found = {d["id"]: d for d in analysis.results["loops"].to_dict()["declared"]}
    rows = []
    numbered: Counter[str] = Counter()
    for lo in loops:
        t = found.get(lo.id, {}).get("type") or lo.type or "—"
        letter = {"reinforcing": "R", "balancing": "B"}.get(t)
        if letter:
            numbered[letter] += 1
        tag = f"{letter}{numbered[letter]}" if letter else "?"
        # the type is no verdict: a reinforcing loop may be vicious, a balancing one
        # virtuous; only the loop's own effect colours it
        effect = lo.effect or ""
        rows.append(
            [
                Mark(tag, {"virtuous": "good", "vicious": "bad"}.get(effect, "")),
                lo.name,
                " · ".join(x for x in (t, effect) if x),
                " → ".join(names.get(p, p) for p in lo.path),
                lo.purpose or "",
            ]
        )
    return [*out, _rows(rows, ["Label", "Loop", "Type", "Path", "What it does"])]


def _redesign_loop_blocks(x: _Inputs, redesign: SystemMap, new: Any) -> list[Any]:
    """The redesign's loops between stakeholders, today beside the redesign, and what
    stands out in the redesign."""
    factors = {f.id for f in redesign.factors}
    people = [lo for lo in redesign.loops if not set(lo.path) <= factors]
    out: list[Any] = [
        Heading(f"Feedback loops between stakeholders in the redesign ({len(people)})", 3)
    ]
    found = {d["id"]: d for d in new.results["loops"].to_dict()["declared"]}
    before = {d["id"]: d for d in x.now.results["loops"].to_dict()["declared"]}
    rows = []
    for lo in people:
        was = before.get(lo.id)
        today = Mark("new", "") if was is None else _holds(was["holds"])
        rows.append([lo.name, today, _holds(found.get(lo.id, {}).get("holds")), lo.purpose or ""])
    if rows:
        out.append(_rows(rows, ["Loop", "Today", "Redesign", "What it is for"]))
    out.append(Heading("What stands out in the redesign", 3))
    out.append(Bullets([f.text for f in new.headlines(6)] or ["nothing notable"]))
    return out


def _whatif_blocks(x: _Inputs, m: SystemMap) -> list[Any]:
    """The declared what-if scenarios: each factor's change, today and in the redesign."""
    blocks: list[Any] = [Heading(f"What if: scenarios ({len(m.scenarios)})", 3, "what-scenarios")]
    if not m.scenarios:
        blocks.append(
            Note(
                "No scenarios declared yet (scenarios: in the map; sysmap whatif runs them).",
                "warn",
            )
        )
        return blocks
    blocks.append(
        Para(
            "Each scenario holds some key factors at a value and shows how far every other "
            "factor moves from the baseline (a fuzzy cognitive map: ▲ rises, ▼ falls). "
            "Direction and relative size, not a forecast."
        )
    )
    both = [x.current, x.redesign] if x.redesign is not None and x.current.factors else [m]
    for sc in m.scenarios:
        try:
            table = whatif_maps(both, scenario=sc.id)
        except SysmapError:  # not declared in the current map: the redesign alone
            table = whatif_maps([m], scenario=sc.id)
        runs = table.results
        if not all(r.settled for r in runs):
            blocks.append(
                Note(f"{sc.name or sc.id}: " + "; ".join(f.text for f in table.findings()))
            )
            continue
        last = {c.id: c for c in runs[-1].changes}
        cols = [{c.id: c.change for c in r.changes} for r in runs]
        order = [c.id for c in runs[-1].changes if not c.held][:8]
        marks = {"rises": "▲ ", "falls": "▼ ", "no change": ""}
        rows: list[tuple[str, list[float | None]]] = [
            (
                marks[last[f].direction] + last[f].name,
                [round(100 * abs(col[f]), 1) if f in col else None for col in cols],
            )
            for f in order
        ]
        held = ", ".join(f"{last[f].name} = {v:g}" for f, v in runs[-1].hold.items())
        title = f"{sc.name or sc.id} (held: {held})"
        labels = [r.map_id for r in runs]
        table_rows = [
            [row[0], *("—" if f not in col else f"{col[f]:+.2f}" for col in cols)]
            for f, row in zip(order, rows, strict=True)
        ]
        svg = (
            charts.paired_bar_chart(
                [(label, v[0], v[1]) for label, v in rows],
                title=title,
                series=("today", "redesign"),
                unit=" pts",
                width=640,
                label_width=230,
            )
            if len(runs) == 2
            else charts.bar_chart([(label, v[0]) for label, v in rows], title=title, unit=" pts")
        )
        blocks.append(Heading(title, 4))
        if sc.note:
            blocks.append(Para(sc.note))
        blocks.append(
            Chart(
                svg,
                "each factor's change from the baseline: the bars show its size in hundredths of "
                "the factor's range (0.15 = 15 pts); ▲ rises, ▼ falls"
                + (" (in the redesign)" if len(runs) == 2 else ""),
                Table(
                    ["Factor", *(("Today", "Redesign") if len(runs) == 2 else labels)], table_rows
                ),
            )
        )
    return blocks


def _measure_blocks(m: SystemMap) -> list[Any]:
    if not m.measures:
        return [Note("No shared measures yet (measures with values over time).", "warn")]
    outcomes = {o.id: o.name for o in m.outcomes}
    cards: list[list[Any]] = []
    for ms in m.measures:
        blocks: list[Any] = []
        cards.append(blocks)
        series: dict[str, list[tuple[_dt.date, float]]] = {}
        for v in ms.values:
            label = ", ".join(str(g) for g in v.group.values() if g is not None) or "everyone"
            series.setdefault(label, []).append((v.date, v.value))
        blocks.append(Heading(ms.name, 4))
        meta = [
            f"outcome: {outcomes.get(ms.outcome, ms.outcome)}" if ms.outcome else "",
            f"{ms.data} data" if ms.data else "",
            f"source: {ms.source}" if ms.source else "",
            "shifts: " + "; ".join(" → ".join(MEASURE_SHIFTS[k]) for k in ms.shifts)
            if ms.shifts
            else "",
        ]
        if any(meta):
            blocks.append(Para("; ".join(t for t in meta if t), cls="meta"))
        if not ms.values:
            blocks.append(Note("No values recorded yet.", "warn"))
            continue
        dates = sorted({v.date for v in ms.values})
        table = Table(
            ["date", *series],
            [
                [d.isoformat()]
                + [
                    fmt_number(next((val for dd, val in pts if dd == d), None))
                    for pts in series.values()
                ]
                for d in dates
            ],
        )
        blocks.append(
            Chart(
                charts.line_chart(list(series.items()), title=ms.name, unit=ms.unit or ""),
                f"{ms.unit or 'value'} over time"
                + (f", {len(series)} series" if len(series) > 1 else ""),
                table,
            )
        )
    return [Cards(cards)]


def _how(x: _Inputs) -> Section:
    sec = _section("how")
    if x.comparison is None or x.plan is None:
        sec.blocks.append(
            Note(
                "Give a redesign as the second map for the comparison and the change plan.",
                "warn",
            )
        )
    else:
        sec.blocks.append(Heading("What changes", 3, "how-changes"))
        sec.blocks.append(Bullets([f.text for f in x.comparison.findings()[:10]], cls="findings"))
        sec.blocks.append(Cards(_before_after_charts(x)))
        sec.blocks.append(Heading("The change plan", 3, "how-plan"))
        sec.blocks.append(x.plan.counts_line())
        # the changes under the What question each answers (the same list as sysmap plan)
        sec.blocks += x.plan.question_blocks(4, limit=ROWS_SHOWN)
        sec.blocks += x.plan.stakeholder_blocks(4, limit=ROWS_SHOWN)
    sec.blocks.append(Heading("Shared measures over time", 3, "how-measures"))
    sec.blocks += _measure_blocks(x.redesign or x.current)
    return sec


def _before_after_charts(x: _Inputs) -> list[list[Any]]:
    """Power by role and voice, today beside the redesign: one card each."""
    side: list[list[Any]] = []
    now_p = x.now.results["power"].to_dict()
    new_p = x.new.results["power"].to_dict()
    if now_p["total_power"] and new_p["total_power"]:
        shares = [
            (
                _ROLE_WORDS[r],
                round(100 * now_p["by_role"][r]["share"], 1),
                round(100 * new_p["by_role"][r]["share"], 1),
            )
            for r in ROLES
        ]
        chart = charts.paired_bar_chart(
            shares, title="Share of power by role, today and in the redesign", unit="%"
        )
        table = Table(
            ["role", "today", "redesign"], [[r, f"{a:g}%", f"{b:g}%"] for r, a, b in shares]
        )
        caption = "Share of power by role, today (hatched) and in the redesign (solid)."
        side.append([Chart(chart, caption, table)])
    a = x.now.results["voice"].to_dict()["counts"]
    b = x.new.results["voice"].to_dict()["counts"]
    rows_v = [(v, a[k], b[k]) for k, v in _VOICE_KINDS]
    chart = charts.paired_bar_chart(
        rows_v, title="Beneficiary groups by voice, today and in the redesign"
    )
    table = Table(["voice", "today", "redesign"], [list(r) for r in rows_v])
    caption = "Beneficiary groups by voice, today (hatched) and in the redesign (solid)."
    side.append([Chart(chart, caption, table)])
    return side


def _map_section(x: _Inputs, html_format: bool) -> Section:
    if x.comparison is not None and x.redesign is not None:
        title = "The redesign, with what changes from today"
        intro = (
            "The redesigned system with each change styled: formed (+), retired (✕), "
            "rewired (↻), strengthened (▲), weakened (▼), status changed (such as "
            "broken → existing); stakeholders added, removed or changed. "
            "Click a stakeholder, filter, follow a loop or switch on the voice view."
        )
    else:
        title = "The system today"
        intro = (
            "Click a stakeholder, filter by role or kind, follow a loop or switch on the "
            "voice view to see whose voice reaches the leaders."
        )
    sec = Section("map", f"Interactive map: {title.lower()}", kicker="Map", intro=intro)
    if not html_format:
        sec.blocks.append(
            Note(
                "The interactive map is in the HTML report (sysmap report … -o report.html) "
                "or its own page (sysmap map MAP -o map.html).",
            )
        )
        return sec
    if x.redesign is not None:
        diff = diff_from_comparison(x.comparison)
        page = generate_html(x.redesign, analysis=x.new, diff=diff, title=title)
    else:
        page = generate_html(x.current, analysis=x.now, title=title)
    sec.blocks.append(
        Embed(
            '<iframe class="map-frame" id="map-frame" title="Interactive map" '
            'sandbox="allow-scripts" loading="eager" srcdoc="' + escape(page, quote=True) + '">'
            "</iframe>"
            '<div class="print-only">'
            + _still_map(page, title)
            + "<p>The interactive map is in the HTML file: open it in a browser to explore "
            "it.</p></div>",
            "",
            cls="map-embed",
        )
    )
    x.map_page = page
    return sec


#: Above this many stakeholders and factors the printed report has no still map.
STILL_MAP_LIMIT = 400

_CHANGE_LINES = {
    "formed": ("#0072B2", "", 2.5),
    "retired": ("#D55E00", "5 4", 1.5),
    "rewired": ("#CC79A7", "", 2.5),
    "strengthened": ("#009E73", "", 3),
    "weakened": ("#E69F00", "2 2", 1),
}
_KIND_COLOURS = {
    **dict.fromkeys(("feedback", "advocates", "represents", "informs"), "#0072B2"),
    **dict.fromkeys(("funds", "compensates", "contracts", "employs"), "#009E73"),
    "governs": "#D55E00",
    "influences": "#000000",
}


def _still_map(page: str, title: str) -> str:
    """A still picture of the embedded map for paper, drawn from the page's own
    data (so it shows the same stakeholders, names and changes)."""
    found = re.search(r'id="sysmap-data">(.*?)</script>', page, re.S)
    if found is None:  # pragma: no cover - generate_html always embeds its data
        return ""
    data = json.loads(found.group(1))
    nodes, edges = data["nodes"], data["edges"]
    if not nodes or len(nodes) > STILL_MAP_LIMIT:
        return ""
    if not all("x" in n for n in nodes):
        where = charts.packed_layout(
            [n["id"] for n in nodes], ((e["from"], e["to"]) for e in edges)
        )
        for n in nodes:
            n["x"], n["y"] = where[n["id"]]
    sizes = [n.get("size") or 0 for n in nodes]
    lo, hi = min(sizes), max(sizes)
    for n in nodes:
        n["size"] = ((n.get("size") or 0) - lo) / (hi - lo) if hi > lo else 0.3
    diff = data.get("diff") is not None
    lines = []
    for e in edges:
        change = next((c for c in e.get("changes", []) if c in _CHANGE_LINES), None)
        if change in _CHANGE_LINES:
            colour, dash, width = _CHANGE_LINES[change]
        else:
            colour = "#b3b3b3" if diff else _KIND_COLOURS.get(e["kind"], "#8c8c8c")
            dash = {"proposed": "6 3", "broken": "1 3"}.get(e.get("status", ""), "")
            width = 0.7 if e.get("status") == "weak" else 1.1
        lines.append(
            {"from": e["from"], "to": e["to"], "colour": colour, "dash": dash, "width": width}
        )
    svg = charts.network_svg(nodes, lines, title=title, labels=len(nodes) <= 120)
    legend = (
        "Beneficiaries: orange circles; providers: blue squares; leaders: purple "
        "triangles; key factors: yellow diamonds; size shows power. "
        + (
            "Lines: formed blue and thick, strengthened green and thickest, rewired purple, "
            "weakened orange and dotted, retired vermillion and dashed, unchanged grey; "
            "added stakeholders have a blue outline and “+”, removed ones are grey with "
            "“−”."
            if diff
            else "Lines: voice blue, money green, authority vermillion, causal black, others "
            "grey; proposed dashed, broken dotted, weak thin."
        )
    )
    return f'<figure class="still-map">{svg}<figcaption>{escape(legend)}</figcaption></figure>'


def _process_section(x: _Inputs) -> Section:
    status = check_process(x.current, x.redesign)
    sec = _section("process")
    marks = {"done": ("✓ done", "good"), "partial": ("◐ partly", "warn"), "open": ("○ open", "bad")}
    sec.blocks.append(Para(status.headline() + ".", cls="lead"))
    for stage in status.stages:
        checks = list(stage.checks)
        done = sum(1 for c in checks if c.status == "done")
        sec.blocks.append(Heading(f"{stage.title} — {done} of {len(checks)} done", 3))
        if stage.question:
            sec.blocks.append(Para(stage.question, cls="meta"))
        rows = []
        for c in checks:
            text, kind = marks.get(c.status, (c.status, ""))
            said = (c.answer or "") + (f" (from {c.how})" if c.how else "")
            question = ("↳ " if c.parent else "") + c.question
            rows.append([question, Mark(text, kind), said, c.team_answer or "", c.next_step or ""])
        sec.blocks.append(
            _rows(
                rows,
                ["Question", "Status", "What the maps say", "The team's answer", "Next step"],
            )
        )
    return sec


def _share(percent: float | None) -> float | None:
    """A percentage (0 to 100) as a share (0 to 1), for :func:`sysmap.render.pct`."""
    return None if percent is None else percent / 100


def _assess_section(x: _Inputs) -> Section:
    m = x.redesign or x.current
    if not m.assessments:
        return _section("assessments", Note("No assessments in the map yet.", "warn"))
    sec = _section("assessments")
    for a in assess(m).assessments:
        sec.blocks.append(Heading(a.name, 3))
        sec.blocks.append(Bullets([f.text for f in a.findings() if f.importance >= 2]))
        if a.organisations:
            sec.blocks += _organisation_blocks(a)
        if a.areas:
            text = {i.id: i.text for i in a.items}
            rows = [
                [
                    ar.area,
                    len(ar.items),
                    pct(_share(ar.percent)),
                    "; ".join(text.get(g, g) for g in ar.gaps) or "none",
                ]
                for ar in a.areas
            ]
            sec.blocks.append(_rows(rows, ["Area", "Items", "In place", "Under half way"]))
        if a.charter:
            sec.blocks.append(_charter_table(a))
        if a.not_assessed:
            names = ", ".join(o.name for o in a.not_assessed[:40])
            more = len(a.not_assessed) - 40
            sec.blocks.append(
                Para(names + (f" and {more} more" if more > 0 else ""), label="Not scored yet:")
            )
    return sec


def _organisation_blocks(a: Any) -> list[Any]:
    """One checklist's scores per organisation: a chart, then the table with the total."""
    bars = [(o.name, o.percent) for o in a.organisations]
    svg = charts.bar_chart(
        bars,
        title=f"{a.name}: in place per organisation",
        unit="%",
        max_value=100,
        color=charts.PALETTE[2],
    )
    chart = Chart(
        svg,
        "How far each organisation is toward every item fully in place.",
        Table(["organisation", "in place"], [[n, pct(_share(v))] for n, v in bars]),
    )
    rows = [
        [
            o.name,
            o.date.isoformat() if o.date else "—",
            f"{fmt_number(o.score)} of {fmt_number(o.out_of)}",
            pct(_share(o.percent)),
            o.tally.fully,
            o.tally.partly,
            o.tally.not_in_place,
        ]
        for o in a.organisations
    ]
    t = a.tally
    rows.append(
        [
            Mark("across the system"),
            "",
            "",
            pct(_share(a.percent)),
            t.fully,
            t.partly,
            t.not_in_place,
        ]
    )
    headers = ["Organisation", "Scored", "Score", "In place", "Fully", "Partly", "Not"]
    return [chart, _rows(rows, headers)]


def _charter_table(a: Any) -> Table:
    """Where each organisation stands with the charter, and where it stood before."""
    rows = [
        [
            c.name,
            c.status,
            c.date.isoformat() if c.date else "—",
            pct(_share(c.percent)),
            "; ".join(f"{st} {d.isoformat() if d else ''}".strip() for st, d in c.history) or "—",
        ]
        for c in a.charter
    ]
    return _rows(rows, ["Organisation", "Charter status", "Since", "In place", "Before"])


_LEVEL_MARKS = {
    ("practical",): Mark("○ practical"),
    ("practical", "strategic"): Mark("○● both", "good"),
    ("strategic",): Mark("● strategic", "good"),
}


def _roles_section(x: _Inputs) -> Section:
    m = x.redesign or x.current
    if not m.guiding_team:
        return _section("roles", Note("No guiding-team roles in the map yet.", "warn"))
    sec = _section("roles")
    matrix = roles.role_matrix(m.guiding_team)
    if any(r.needs for r in matrix.rows):
        sec.blocks += _matrix_blocks(matrix)
        sec.blocks += _roadmap_blocks(matrix)
    sec.blocks += _coverage_blocks(roles.team_coverage(m))
    return sec


def _matrix_blocks(matrix: Any) -> list[Any]:
    """Which competencies each responsibility needs, and at which level."""
    mapped = [r for r in matrix.rows if r.needs]
    several = len({r.role for r in mapped}) > 1
    headers = (["Role"] if several else []) + ["Responsibility"]
    headers += [roles.competency_name(c) for c in matrix.competencies]
    rows = []
    for r in mapped:
        cells: list[Any] = [r.role_name] if several else []
        cells.append(r.text)
        cells += [_LEVEL_MARKS.get(tuple(r.needs.get(c, [])), "") for c in matrix.competencies]
        rows.append(cells)
    out: list[Any] = [
        Heading("Responsibilities × competencies", 3, "roles-matrix"),
        Table(headers, rows, cls="matrix"),
    ]
    unmapped = len(matrix.rows) - len(mapped)
    if unmapped:
        said = f"{plural(unmapped, 'responsibility', 'responsibilities')} name no competency yet."
        out.append(Para(said, cls="meta"))
    return out


def _roadmap_blocks(matrix: Any) -> list[Any]:
    """The training roadmap: how many responsibilities each competency supports."""
    rows = [
        [roles.competency_name(r.competency), r.total, r.strategic, r.practical]
        for r in matrix.roadmap
    ]
    svg = charts.bar_chart(
        [(r[0], r[1]) for r in rows],
        title="Responsibilities each competency supports",
        color=charts.PALETTE[3],
        label_width=250,
    )
    chart = Chart(
        svg,
        "How many responsibilities each competency supports: train first where the bar is longest.",
        Table(["competency", "responsibilities", "strategic", "practical"], rows),
    )
    headers = ["Competency", "Responsibilities", "At strategic level", "At practical level"]
    return [Heading("Training roadmap", 3, "roles-roadmap"), chart, _rows(rows, headers)]


def _coverage_blocks(cover: Any) -> list[Any]:
    """Who on the team covers which role and competency, and where each could train first."""
    rows = []
    for rc in cover.roles:
        holders = [
            n + (" (lived experience)" if i in rc.lived_experience else "")
            for i, n in zip(rc.holders, rc.holder_names, strict=True)
        ]
        who = ", ".join(holders) or Mark("nobody yet", "bad")
        rows.append([rc.name, who, len(rc.responsibilities)])
    out: list[Any] = [
        Heading("Who covers what", 3, "roles-coverage"),
        _rows(rows, ["Role", "Accepted by", "Responsibilities"]),
    ]
    if cover.uncovered_competencies:
        out.append(
            Bullets(
                [
                    Mark(f"Nobody covers {roles.competency_name(c)} ({lvl}) yet.", "bad")
                    for c, lvl in cover.uncovered_competencies.items()
                ]
            )
        )
    for d in cover.development:
        out.append(Heading(f"Where to train first: {d.who}", 3, "roles-development"))
        out.append(
            Para(
                f"As {d.role_name}: {len(d.ready)} of {d.responsibilities} responsibilities "
                "have every need met at the levels recorded; training in a competency meets "
                "the needs listed.",
                cls="meta",
            )
        )
        headers, rows = d.training_table()
        out.append(_rows(rows, [h.capitalize() for h in headers]))
    return out


def _sections(x: _Inputs, html_format: bool) -> list[Section]:
    return [
        _glance(x),
        _who(x),
        _why(x),
        _what(x),
        _how(x),
        _map_section(x, html_format),
        _process_section(x),
        _assess_section(x),
        _roles_section(x),
    ]


# ------------------------------------------------------------------ render


def _map_scripts(map_page: str | None) -> str:
    """The script sources the embedded map needs: the report's policy allows those alone."""
    if not map_page:
        return "'none'"
    found = re.search(r"script-src ([^;]+);", map_page)
    if found is None:  # pragma: no cover - generate_html always sets a policy
        raise OutputError("the map page has no Content-Security-Policy to inherit")
    return found.group(1)


def _html_section(s: Section) -> str:
    """A report section: a stage (with its kicker) or the glance, headed for the contents."""
    cls = "stage" if s.kicker else "glance"
    out = [f'<section id="{escape(s.id)}" class="{cls}" aria-labelledby="{escape(s.id)}-h">']
    if s.kicker:
        out.append(f'<p class="kicker">{escape(s.kicker)}</p>')
    out.append(f'<h2 id="{escape(s.id)}-h">{escape(s.title)}</h2>')
    if s.intro:
        out.append(f'<p class="intro">{escape(s.intro)}</p>')
    if s.blocks:
        out.append(render_html(s.blocks))
    out.append("</section>")
    return "\n".join(out)


def _render_html(x: _Inputs, sections: list[Section]) -> str:
    m = x.redesign or x.current
    css = resources.files("sysmap").joinpath("templates", "report.css").read_text("utf-8")
    from sysmap import __version__  # the package root imports this module on demand

    nav = "".join(
        f'<li><a href="#{escape(s.id)}">{escape(s.kicker or s.title)}</a></li>' for s in sections
    )
    notes = []
    if x.redacted:
        notes.append("Sensitive stakeholders are redacted (“Stakeholder 1” …).")
    community = f"{m.community} · " if m.community else ""
    today = _dt.date.today().isoformat()
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        f"script-src {_map_scripts(x.map_page)}; style-src 'unsafe-inline'; img-src data:; "
        "connect-src 'none'; base-uri 'none'; form-action 'none'\">\n"
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="generator" content="sysmap">\n'
        f"<title>{escape(x.title)} — workshop report</title>\n"
        f"<style>{_style_safe(css)}</style>\n</head>\n<body>\n"
        '<header class="report-head">\n'
        f'<p class="eyebrow">{escape(community)}Workshop report · {escape(today)}</p>\n'
        f'<h1 id="report-title">{escape(x.title)}</h1>\n'
        '<div class="question"><span class="q-label">Guiding question</span>'
        f'<p id="guiding-question">{escape(m.guiding_question)}</p></div>\n'
        + "".join(f'<p class="head-note">{escape(n)}</p>' for n in notes)
        + '<nav class="toc" aria-label="Sections"><ol>'
        + nav
        + "</ol></nav>\n</header>\n<main>\n"
        + "\n".join(_html_section(s) for s in sections)
        + f"\n</main>\n<footer><p>Made with sysmap {escape(__version__)} from "
        f"“{escape(x.current.id)}”"
        + (f" and “{escape(x.redesign.id)}”" if x.redesign is not None else "")
        + ".</p></footer>\n</body>\n</html>\n"
    )


def _style_safe(css: str) -> str:
    if "</style" in css.lower():  # pragma: no cover - our own stylesheet
        raise OutputError("the report stylesheet contains </style>")
    return css


def _render_markdown(x: _Inputs, sections: list[Section]) -> str:
    m = x.redesign or x.current
    head: list[Any] = [
        Heading(f"{x.title} — workshop report", 1),
        Para(m.guiding_question, label="Guiding question:"),
    ]
    if m.community:
        head.append(Para(f"Community: {m.community}. Written {_dt.date.today().isoformat()}."))
    if x.redacted:
        head.append(Note("Sensitive stakeholders are redacted (“Stakeholder 1” …)."))
    links = " · ".join(f"[{markdown_text(s.kicker or s.title)}](#{s.id})" for s in sections)
    head.append(Embed("", "Contents: " + links))
    return render_markdown([*head, *sections]) + "\n"


# --------------------------------------------------------------------- API


def _check_format(fmt: str) -> str:
    if fmt == "markdown":
        fmt = "md"
    if fmt not in REPORT_FORMATS:
        guess = did_you_mean(fmt, REPORT_FORMATS)
        hint = f"did you mean '{guess}'? " if guess else ""
        raise UnknownFormat(
            f"unknown report format '{fmt}' — {hint}use {one_of(REPORT_FORMATS)}",
            value=fmt,
            choices=REPORT_FORMATS,
        )
    return fmt


def generate_report(
    current: SystemMap,
    redesign: SystemMap | None = None,
    *,
    format: str = "html",
    redact: bool | None = None,
    by: Sequence[str] | None = None,
    title: str | None = None,
) -> str:
    """The workshop report as text: HTML (one self-contained page) or Markdown.

    Parameters
    ----------
    current : SystemMap
        The map of the system today.
    redesign : SystemMap, optional
        The redesigned system: adds the What stage's redesign, the comparison,
        the change plan and the diff map.
    format : str
        ``html`` (default) or ``md``.
    redact : bool, optional
        Replace sensitive stakeholders' names and ids with "Stakeholder 1" …
        and leave their free text out everywhere (see :func:`redact_maps`);
        ``None`` (the default) redacts when a map asks for it (``privacy``).
    by : list of str, optional
        Stakeholder attributes for the equity lens (default: those the
        indicators and measures are broken down by, e.g. race).
    title : str, optional
        The report's title (default: the latest map's title).

    Returns
    -------
    str
        The report.

    Raises
    ------
    UnknownFormat
        A format other than html or md.
    SysmapError
        An attribute in ``by`` that no stakeholder records.

    Example
    -------
    >>> import sysmap
    >>> from sysmap.examples import examples_folder
    >>> m = sysmap.load_map(examples_folder() / "small.yaml")
    >>> page = generate_report(m)
    >>> page.startswith("<!DOCTYPE html>"), 'id="who"' in page, 'src="http' in page
    (True, True, False)
    >>> generate_report(m, format="md").splitlines()[0].startswith("# ")
    True
    """
    fmt = _check_format(format)
    x = _gather(current, redesign, redaction.wants_redaction(redact, current, redesign), by, title)
    sections = _sections(x, fmt == "html")
    if fmt == "md":
        return _render_markdown(x, sections)
    return _render_html(x, sections)


def export_report(
    current: SystemMap,
    path: str | os.PathLike[str],
    redesign: SystemMap | None = None,
    *,
    format: str | None = None,
    **options: Any,
) -> None:
    """Write the workshop report to a file, atomically.

    The format follows the file's suffix (``.html``/``.htm`` or
    ``.md``/``.markdown``) unless given; other options as for
    :func:`generate_report`.

    Raises
    ------
    UnknownFormat
        The format cannot be told from the name, or is not html or md.

    Example
    -------
    >>> import sysmap, tempfile, pathlib
    >>> from sysmap.examples import examples_folder
    >>> m = sysmap.load_map(examples_folder() / "small.yaml")
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "report.md"
    >>> export_report(m, out, redact=True)
    >>> out.read_text(encoding="utf-8").startswith("# ")
    True
    """
    fmt = format or _format_from_suffix(path)
    text = generate_report(current, redesign, format=fmt, **options)
    write_atomic(path, text)


def _format_from_suffix(path: str | os.PathLike[str]) -> str:
    suffix = Path(path).suffix.lower()
    if suffix in (".html", ".htm"):
        return "html"
    if suffix in (".md", ".markdown"):
        return "md"
    raise UnknownFormat(
        f"{path}: cannot tell the report format from the name — end it in .html or .md, "
        "or give the format (--format html or md)",
        value=suffix,
        choices=REPORT_FORMATS,
    )
