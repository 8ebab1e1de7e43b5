"""Assessments: checklists scored per organisation, and their coverage.

A map's ``assessments`` are checklists — for example "what needs to be in
place for lived-experience involvement to be effective" — that organisations
score item by item on the checklist's scale (0 = not in place, 1 = partly,
2 = in place by default). :func:`assess` reports, for each checklist:

- **per organisation**: its score relative to the scale (0 % when every item
  is at the bottom of the scale, 100 % when every item is at the top), and how
  many items are fully in place (top of the scale), partly (in between) or not
  in place (bottom);
- **across the system**: the same, pooled over every organisation's scores;
  each item and each area likewise, and the *gaps* of each area — its items
  under half way to fully in place across the system;
- **organisations not yet assessed**: providers and leaders that are not a
  single person (``type: person``) and have no score on the checklist;
- **charter status**, for a checklist that is a charter (such as the
  employment charter of ``examples/assessments/employing-lived-experience.yaml``):
  each organisation's latest status in adopting it — not started, reviewing or
  adopted — with its date and the earlier ones, beside its scores, and how many
  organisations stand at each status.

When an organisation was scored more than once, its latest scores count and
the earlier ones are kept as its history.

:func:`load_assessment_template` reads a checklist without results from its
own file (see ``examples/assessments/``), to copy into a map;
:func:`add_assessment` adds one to a map file.

Example
-------
>>> from sysmap import loads_map
>>> m = loads_map('''
... {id: a, title: A, guiding_question: Are Experts heard?,
...  stakeholders: [{id: shelter, name: Family shelter, role: provider},
...                 {id: board, name: CoC board, role: leader}],
...  assessments: [{id: ready, name: Ready,
...    items: [{id: pay, text: Experts are paid}, {id: act, text: Leaders act on advice}],
...    results: [{stakeholder: shelter, scores: {pay: 2, act: 1}}]}]}
... ''')
>>> report = assess(m)
>>> a = report.assessments[0]
>>> a.organisations[0].percent, a.percent, [o.id for o in a.not_assessed]
(75.0, 75.0, ['board'])
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sysmap.errors import BadArgument, UnknownFormat
from sysmap.escape import spreadsheet_cell
from sysmap.findings import Finding
from sysmap.model import CHARTER_STATUSES, Assessment, AssessmentScore, SystemMap
from sysmap.render import Block, Bullets, Heading, Para, Rendered, Table, fmt_number, pct

__all__ = [
    "ASSESS_JSON_VERSION",
    "NO_AREA",
    "Tally",
    "OrganisationCoverage",
    "ItemCoverage",
    "AreaCoverage",
    "NotAssessed",
    "CharterRow",
    "AssessmentCoverage",
    "AssessmentReport",
    "assess",
    "format_assessments",
    "load_assessment_template",
    "add_assessment",
]

ASSESS_JSON_VERSION = 1


#: What a checklist file that is not a block of fields is told.
_NOT_A_CHECKLIST = (
    "a checklist is a block of fields (id, name, scale, items) — see examples/assessments/"
)

#: The area of items that name none.
NO_AREA = "other"

#: An area's items under this share of "fully in place" are its gaps.
GAP_BELOW = 50.0


@dataclass
class Tally:
    """Scores pooled: how far toward fully in place, and items by state."""

    points: float = 0.0  # sum of (score - lowest)
    possible: float = 0.0  # sum of (highest - lowest)
    fully: int = 0
    partly: int = 0
    not_in_place: int = 0

    def add(self, score: float, low: float, high: float) -> None:
        self.points += score - low
        self.possible += high - low
        if score >= high:
            self.fully += 1
        elif score <= low:
            self.not_in_place += 1
        else:
            self.partly += 1

    @property
    def scored(self) -> int:
        return self.fully + self.partly + self.not_in_place

    @property
    def percent(self) -> float | None:
        """0 to 100: how far toward every item fully in place (None if nothing scored)."""
        if not self.scored or not self.possible:
            return None
        return round(100 * self.points / self.possible, 1)

    def to_data(self) -> dict[str, Any]:
        return {
            "percent": self.percent,
            "fully": self.fully,
            "partly": self.partly,
            "not_in_place": self.not_in_place,
            "scored": self.scored,
        }


@dataclass
class OrganisationCoverage:
    """One organisation's latest scores on one checklist."""

    id: str
    name: str
    date: _dt.date | None
    tally: Tally
    score: float
    out_of: float
    unscored: list[str] = field(default_factory=list)
    by_area: dict[str, float | None] = field(default_factory=dict)
    history: list[tuple[_dt.date | None, float | None]] = field(default_factory=list)

    @property
    def percent(self) -> float | None:
        return self.tally.percent

    def to_data(self) -> dict[str, Any]:
        return {
            "stakeholder": self.id,
            "name": self.name,
            "date": self.date.isoformat() if self.date else None,
            "score": self.score,
            "out_of": self.out_of,
            **self.tally.to_data(),
            "unscored": list(self.unscored),
            "by_area": dict(self.by_area),
            "history": [
                {"date": d.isoformat() if d else None, "percent": p} for d, p in self.history
            ],
        }


@dataclass
class ItemCoverage:
    """One checklist item across the organisations scored."""

    id: str
    text: str
    area: str
    tally: Tally

    @property
    def percent(self) -> float | None:
        return self.tally.percent

    def to_data(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "area": self.area, **self.tally.to_data()}


@dataclass
class AreaCoverage:
    """One area of a checklist across the system, with its gaps."""

    area: str
    items: list[str]
    tally: Tally
    gaps: list[str] = field(default_factory=list)

    @property
    def percent(self) -> float | None:
        return self.tally.percent

    def to_data(self) -> dict[str, Any]:
        return {
            "area": self.area,
            "items": list(self.items),
            **self.tally.to_data(),
            "gaps": list(self.gaps),
        }


@dataclass
class NotAssessed:
    """An organisation with no scores on a checklist yet."""

    id: str
    name: str
    role: str

    def to_data(self) -> dict[str, Any]:
        return {"stakeholder": self.id, "name": self.name, "role": self.role}


@dataclass
class CharterRow:
    """One organisation's latest status in adopting a charter, and its history."""

    id: str
    name: str
    status: str
    date: _dt.date | None
    percent: float | None = None
    history: list[tuple[str, _dt.date | None]] = field(default_factory=list)

    def to_data(self) -> dict[str, Any]:
        return {
            "stakeholder": self.id,
            "name": self.name,
            "status": self.status,
            "date": self.date.isoformat() if self.date else None,
            "percent": self.percent,
            "history": [
                {"status": st, "date": d.isoformat() if d else None} for st, d in self.history
            ],
        }


@dataclass
class AssessmentCoverage:
    """One checklist: every organisation, item and area, and who is missing."""

    id: str
    name: str
    scale: tuple[float, float]
    tally: Tally
    organisations: list[OrganisationCoverage] = field(default_factory=list)
    items: list[ItemCoverage] = field(default_factory=list)
    areas: list[AreaCoverage] = field(default_factory=list)
    not_assessed: list[NotAssessed] = field(default_factory=list)
    charter: list[CharterRow] = field(default_factory=list)
    description: str | None = None

    @property
    def percent(self) -> float | None:
        """Across the system: every organisation's latest scores pooled."""
        return self.tally.percent

    def charter_counts(self) -> dict[str, int]:
        """How many organisations stand at each charter status (their latest)."""
        return {st: sum(c.status == st for c in self.charter) for st in CHARTER_STATUSES}

    def charter_line(self) -> str | None:
        """The charter status across organisations, in one line (None without any)."""
        if not self.charter:
            return None
        n = self.charter_counts()
        return (
            f"Charter status: {n['adopted']} of {len(self.charter)} organisations adopted, "
            f"{n['reviewing']} reviewing, {n['not started']} not started."
        )

    def findings(self) -> list[Finding]:
        # sysmap.analysis loads numpy and igraph: only when findings are asked for

        out: list[Finding] = []
        if not self.organisations:
            out.append(Finding(f"'{self.name}': no organisation has been scored yet.", "assess", 3))
            return out
        n = len(self.organisations)
        t = self.tally
        out.append(
            Finding(
                f"'{self.name}': across {n} organisation{'s' if n != 1 else ''}, "
                f"{_percent100(t.percent)} of what needs to be in place is in place "
                f"({t.fully} item scores fully, {t.partly} partly, {t.not_in_place} not).",
                "assess",
                3,
                [o.id for o in self.organisations],
            )
        )
        nowhere = [i for i in self.items if i.tally.scored and i.tally.points == 0]
        if nowhere:
            out.append(
                Finding(
                    f"Not in place in any organisation scored: "
                    f"{'; '.join(i.text.rstrip('.') for i in nowhere)}.",
                    "assess",
                    2,
                    [i.id for i in nowhere],
                )
            )
        scored_areas = [a for a in self.areas if a.percent is not None]
        if len(scored_areas) > 1:
            weakest = min(scored_areas, key=lambda a: a.percent or 0.0)
            out.append(
                Finding(
                    f"The weakest area is {weakest.area} ({_percent100(weakest.percent)} in place).",
                    "assess",
                    2,
                )
            )
        if self.charter:
            out.append(
                Finding(self.charter_line() or "", "assess", 3, [c.id for c in self.charter])
            )
        if self.not_assessed:
            k = len(self.not_assessed)
            out.append(
                Finding(
                    f"{k} organisation{'s have' if k != 1 else ' has'} not been scored on "
                    f"'{self.name}' yet.",
                    "assess",
                    1,
                    [o.id for o in self.not_assessed],
                )
            )
        return out

    def to_data(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "scale": list(self.scale),
            "system": self.tally.to_data(),
            "organisations": [o.to_data() for o in self.organisations],
            "areas": [a.to_data() for a in self.areas],
            "items": [i.to_data() for i in self.items],
            "not_assessed": [o.to_data() for o in self.not_assessed],
            "charter_status": [c.to_data() for c in self.charter],
            "charter_counts": self.charter_counts() if self.charter else None,
        }


def _percent100(value: float | None) -> str:
    """A percentage kept from 0 to 100 as people read it (see :func:`sysmap.render.pct`)."""
    return pct(None if value is None else value / 100)


@dataclass
class AssessmentReport(Rendered):
    """Coverage of every checklist in a map."""

    map_id: str
    title: str
    assessments: list[AssessmentCoverage] = field(default_factory=list)

    def findings(self) -> list[Finding]:
        """Plain-language headlines, checklist by checklist."""
        return [f for a in self.assessments for f in a.findings()]

    def to_data(self) -> dict[str, Any]:
        """The documented JSON: see docs/process.md."""
        return {
            "sysmap_assess": ASSESS_JSON_VERSION,
            "map": {"id": self.map_id, "title": self.title},
            "findings": [f.text for f in self.findings()],
            "assessments": [a.to_data() for a in self.assessments],
        }

    def blocks(self) -> list[Block]:
        """Each checklist: its headlines, then tables by organisation, area and
        item, the charter status, and who is not scored yet."""
        out: list[Block] = [Heading(f"Assessments: {self.title} ({self.map_id})", 1)]
        if not self.assessments:
            out.append(Para("The map has no assessments yet."))
        for a in self.assessments:
            lo, hi = (fmt_number(x) for x in a.scale)
            out += [
                Heading(f"{a.name} ({a.id}), scale {lo} to {hi}", 2),
                Bullets([f.text for f in a.findings() if f.importance >= 2]),
            ]
            if a.organisations:
                out += [Heading("By organisation", 3), Table(*_org_table(a))]
                out += [Heading("By area", 3), Table(*_area_table(a))]
                out += [Heading("By item, weakest first", 3), Table(*_item_table(a))]
            if a.charter:
                out += [Heading("Charter status", 3), Table(*_charter_table(a))]
            if a.not_assessed:
                names = ", ".join(o.name for o in a.not_assessed)
                out.append(Para(names, label=f"Not assessed yet ({len(a.not_assessed)}):"))
        return out

    def format_csv(self) -> str:
        """One row per organisation and checklist, then one per checklist ("system")."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(
            [
                "assessment",
                "stakeholder",
                "name",
                "date",
                "percent",
                "fully",
                "partly",
                "not_in_place",
                "unscored",
                "charter_status",
                "charter_date",
            ]
        )
        for a in self.assessments:
            status = {c.id: c for c in a.charter}
            for o in a.organisations:
                c = status.get(o.id)
                w.writerow(
                    [
                        a.id,
                        o.id,
                        spreadsheet_cell(o.name),
                        o.date.isoformat() if o.date else "",
                        fmt_number(o.percent, 1) if o.percent is not None else "",
                        o.tally.fully,
                        o.tally.partly,
                        o.tally.not_in_place,
                        len(o.unscored),
                        c.status if c else "",
                        c.date.isoformat() if c and c.date else "",
                    ]
                )
            w.writerow(
                [
                    a.id,
                    "",
                    "system",
                    "",
                    fmt_number(a.percent, 1) if a.percent is not None else "",
                    a.tally.fully,
                    a.tally.partly,
                    a.tally.not_in_place,
                    "",
                    "",
                    "",
                ]
            )
        return buf.getvalue()


def _org_table(a: AssessmentCoverage) -> tuple[list[str], list[list[Any]]]:
    headers = ["organisation", "date", "score", "in place", "fully", "partly", "not"]
    rows = []
    for o in a.organisations:
        score = f"{fmt_number(o.score)}/{fmt_number(o.out_of)}"
        trend = ""
        if o.history and o.history[-1][1] is not None and o.percent is not None:
            delta = o.percent - (o.history[-1][1] or 0.0)
            trend = f" ({'+' if delta >= 0 else ''}{fmt_number(delta, 0)})"
        rows.append(
            [
                o.name,
                o.date.isoformat() if o.date else "—",
                score,
                _percent100(o.percent) + trend,
                o.tally.fully,
                o.tally.partly,
                o.tally.not_in_place,
            ]
        )
    rows.append(
        [
            "across the system",
            "",
            "",
            _percent100(a.percent),
            a.tally.fully,
            a.tally.partly,
            a.tally.not_in_place,
        ]
    )
    return headers, rows


def _charter_table(a: AssessmentCoverage) -> tuple[list[str], list[list[Any]]]:
    rows = [
        [
            c.name,
            c.status,
            c.date.isoformat() if c.date else "—",
            _percent100(c.percent),
            "; ".join(f"{st} {d.isoformat() if d else ''}".strip() for st, d in c.history) or "—",
        ]
        for c in a.charter
    ]
    return ["organisation", "charter status", "since", "in place", "before"], rows


def _charter(
    a: Assessment, names: dict[str, str], orgs: list[OrganisationCoverage]
) -> list[CharterRow]:
    """Each organisation's latest charter status (dated ones by date, then file order)."""
    by_org: dict[str, list[Any]] = {}
    for st in a.charter_status:
        by_org.setdefault(st.stakeholder, []).append(st)
    percent = {o.id: o.percent for o in orgs}
    order = {st: i for i, st in enumerate(reversed(CHARTER_STATUSES))}
    rows = []
    for sid, sts in by_org.items():
        sts.sort(key=lambda x: x.date or _dt.date.min)
        last = sts[-1]
        rows.append(
            CharterRow(
                sid,
                names.get(sid, sid),
                last.status,
                last.date,
                percent.get(sid),
                [(x.status, x.date) for x in sts[:-1]],
            )
        )
    rows.sort(key=lambda c: (order[c.status], c.name))
    return rows


def _area_table(a: AssessmentCoverage) -> tuple[list[str], list[list[Any]]]:
    text = {i.id: i.text for i in a.items}
    rows: list[list[Any]] = []
    for ar in a.areas:
        gaps = "; ".join(text[g] for g in ar.gaps) or "none"
        rows.append([ar.area, len(ar.items), _percent100(ar.percent), gaps])
    return ["area", "items", "in place", "gaps (under half way)"], rows


def _item_table(a: AssessmentCoverage) -> tuple[list[str], list[list[Any]]]:
    ranked = sorted(
        (i for i in a.items if i.tally.scored), key=lambda i: (i.percent or 0.0, i.area)
    )
    rows = [
        [i.id, i.area, _percent100(i.percent), i.tally.fully, i.tally.partly, i.tally.not_in_place]
        for i in ranked
    ]
    return ["item", "area", "in place", "fully", "partly", "not"], rows


def _latest(results: list[AssessmentScore]) -> dict[str, list[AssessmentScore]]:
    """Each stakeholder's results, oldest first (undated first; file order breaks ties)."""
    out: dict[str, list[AssessmentScore]] = {}
    for r in results:
        out.setdefault(r.stakeholder, []).append(r)
    for rs in out.values():
        rs.sort(key=lambda r: r.date or _dt.date.min)
    return out


def _area_rows(areas: dict[str, list[str]], item_tally: dict[str, Tally]) -> list[AreaCoverage]:
    """Each area's items pooled, and its gaps (items under half way), weakest first."""
    rows = []
    for ar, ids in areas.items():
        t = Tally()
        for ident in ids:
            it = item_tally[ident]
            t.points += it.points
            t.possible += it.possible
            t.fully += it.fully
            t.partly += it.partly
            t.not_in_place += it.not_in_place
        gaps = sorted(
            (
                i
                for i in ids
                if item_tally[i].percent is not None and (item_tally[i].percent or 0.0) < GAP_BELOW
            ),
            key=lambda i: item_tally[i].percent or 0.0,
        )
        rows.append(AreaCoverage(ar, ids, t, gaps))
    return rows


def _cover(a: Assessment, m: SystemMap, candidates: list[str] | None) -> AssessmentCoverage:
    low, high = float(a.scale[0]), float(a.scale[1])
    names = {s.id: s.name for s in m.stakeholders}
    system = Tally()
    item_tally = {i.id: Tally() for i in a.items}
    area_of = {i.id: i.area or NO_AREA for i in a.items}
    areas: dict[str, list[str]] = {}
    for i in a.items:
        areas.setdefault(area_of[i.id], []).append(i.id)
    orgs: list[OrganisationCoverage] = []
    for sid, results in _latest(a.results).items():
        last = results[-1]
        tally = Tally()
        per_area = {ar: Tally() for ar in areas}
        score = out_of = 0.0
        for i in a.items:
            if i.id not in last.scores:
                continue
            value = float(last.scores[i.id])
            tally.add(value, low, high)
            system.add(value, low, high)
            item_tally[i.id].add(value, low, high)
            per_area[area_of[i.id]].add(value, low, high)
            score += value
            out_of += high
        history = []
        for earlier in results[:-1]:
            t = Tally()
            for item, value in earlier.scores.items():
                if item in item_tally:
                    t.add(float(value), low, high)
            history.append((earlier.date, t.percent))
        orgs.append(
            OrganisationCoverage(
                id=sid,
                name=names.get(sid, sid),
                date=last.date,
                tally=tally,
                score=score,
                out_of=out_of,
                unscored=[i.id for i in a.items if i.id not in last.scores],
                by_area={ar: t.percent for ar, t in per_area.items()},
                history=history,
            )
        )
    orgs.sort(key=lambda o: (-(o.percent or 0.0), o.name))
    area_rows = _area_rows(areas, item_tally)
    scored = {o.id for o in orgs}
    if candidates is None:
        pool = [
            s
            for s in m.stakeholders
            if s.role in ("provider", "leader") and (s.type or "").strip().lower() != "person"
        ]
    else:
        wanted = set(candidates)
        pool = [s for s in m.stakeholders if s.id in wanted]
    return AssessmentCoverage(
        id=a.id,
        name=a.name,
        scale=(low, high),
        tally=system,
        organisations=orgs,
        items=[ItemCoverage(i.id, i.text, area_of[i.id], item_tally[i.id]) for i in a.items],
        areas=area_rows,
        not_assessed=[NotAssessed(s.id, s.name, s.role) for s in pool if s.id not in scored],
        charter=_charter(a, names, orgs),
        description=a.description,
    )


def assess(
    m: SystemMap,
    *,
    only: str | None = None,
    organisations: Iterable[str] | None = None,
) -> AssessmentReport:
    """Coverage of the map's checklists, per organisation and across the system.

    Parameters
    ----------
    m : SystemMap
    only : str, optional
        The id of one assessment to report (default: all of them).
    organisations : ids, optional
        The stakeholders that should be assessed (default: providers and
        leaders that are not a single person); those without scores are
        listed as not yet assessed.

    Returns
    -------
    AssessmentReport
        ``.assessments`` (one :class:`AssessmentCoverage` each), ``.findings()``,
        ``.to_data()``; :func:`format_assessments` prints it.

    Raises
    ------
    BadArgument
        ``only`` names no assessment of the map.
    """
    chosen = list(m.assessments)
    if only is not None:
        chosen = [a for a in chosen if a.id == only]
        if not chosen:
            from sysmap.problems import did_you_mean

            ids = [a.id for a in m.assessments]
            guess = did_you_mean(only, ids)
            hint = (
                f"did you mean '{guess}'?"
                if guess
                else ("use one of " + ", ".join(ids) if ids else "the map has no assessments")
            )
            raise BadArgument(f"no assessment '{only}' in {m.id} — {hint}", argument="only")
    wanted = list(organisations) if organisations is not None else None
    return AssessmentReport(m.id, m.title, [_cover(a, m, wanted) for a in chosen])


def format_assessments(report: AssessmentReport, fmt: str = "text") -> str:
    """The report as ``text``, ``md``, ``json`` or ``csv``."""
    if fmt == "text":
        return report.format_text()
    if fmt in ("md", "markdown"):
        return report.format_markdown()
    if fmt == "json":
        return json.dumps(report.to_data(), indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return report.format_csv()
    raise UnknownFormat(
        f"unknown format '{fmt}' — use text, md, json or csv",
        value=fmt,
        choices=("text", "md", "json", "csv"),
    )


# ---------------------------------------------------------------- templates


def load_assessment_template(path: str | os.PathLike[str]) -> Assessment:
    """Read a checklist (an assessment without results) from its own file.

    The file holds one assessment as it would appear under ``assessments:``
    in a map: ``id``, ``name``, ``scale`` and ``items`` (see
    ``examples/assessments/``).

    Raises
    ------
    MapFileError
        The file cannot be read or parsed.
    MapInvalid
        A field is wrong, an item id repeats or the file holds results;
        ``.problems`` says where (file, line, field) and what to do.
    """
    from sysmap.mapfile import detect_format, invalid_in, parse_text, read_text
    from sysmap.problems import Problem
    from sysmap.validate import check_data

    name = str(path)
    text = read_text(path)
    data = parse_text(text, detect_format(path, text), name)
    problems: list[Problem] = []
    if not isinstance(data, dict):
        problems.append(Problem(_NOT_A_CHECKLIST, code="not-a-checklist"))
    else:
        # checked as the one assessment of a map, so the messages are the map's own
        wrapper = {"id": "x", "title": "x", "guiding_question": "x", "assessments": [data]}
        for p in check_data(wrapper)[0]:
            # results are refused whole below; their references are not checked
            if (
                p.severity == "error"
                and p.path[:2] == ["assessments", 0]
                and p.path[2:3] != ["results"]
            ):
                p.path = p.path[2:]
                problems.append(p)
        if data.get("charter_status"):
            problems.append(
                Problem(
                    "a checklist template holds no charter status — record each "
                    "organisation's status in the map, under its assessment's charter_status",
                    ["charter_status"],
                    code="template-results",
                )
            )
        if data.get("results"):
            problems.append(
                Problem(
                    "a checklist template holds no results — score organisations in the "
                    "map, under its assessment's results",
                    ["results"],
                    code="template-results",
                )
            )
    if problems:
        raise invalid_in(text, name, problems)
    return Assessment.model_validate(data)


def add_assessment(
    path: str | os.PathLike[str],
    template: Assessment | str | os.PathLike[str],
    *,
    timeout: float = 30.0,
) -> Assessment:
    """Add a checklist (with no results yet) to a map file, keeping its comments.

    Parameters
    ----------
    path : the map file
    template : an :class:`~sysmap.model.Assessment`, or the path of a
        checklist file (see :func:`load_assessment_template`)

    Raises
    ------
    EditError
        The map has an assessment with that id already.
    """
    from sysmap.edit import add_item

    a = template if isinstance(template, Assessment) else load_assessment_template(template)
    from sysmap.model import whole_numbers

    dumped = whole_numbers(a.model_dump(mode="json", exclude_defaults=True))
    fields = {
        "id": a.id,
        "name": a.name,
        **({"description": a.description} if a.description else {}),
        "scale": whole_numbers([a.scale[0], a.scale[1]]),
        "items": dumped["items"],
    }
    # only the new lines are written: the map's comments stay where they are
    add_item(path, "assessments", fields, timeout=timeout)
    return a
