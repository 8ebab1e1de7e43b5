"""Run every analysis on a map and put the headline findings first.

``sysmap analyze MAP`` is :func:`analyze` plus printing: a report a
facilitator reads in two minutes — the guiding question, the headline
findings across all analyses, then each analysis in detail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sysmap.analysis._base import AnalysisResult, Finding
from sysmap.errors import SysmapError
from sysmap.escape import markdown_text
from sysmap.model import SystemMap
from sysmap.problems import did_you_mean, one_of

__all__ = ["ANALYSES", "Analysis", "analyze", "STAKEHOLDER_METRICS", "equity_metrics"]

#: The analyses ``analyze`` runs, in report order: voice first, the heart of
#: lived-experience engagement (equity needs ``by``).
ANALYSES: tuple[str, ...] = (
    "voice",
    "power",
    "loops",
    "structure",
    "influence",
    "perspectives",
    "equity",
)

#: Per-stakeholder figures from the structure analysis that the equity lens breaks down.
STAKEHOLDER_METRICS: tuple[str, ...] = (
    "in_degree",
    "out_degree",
    "betweenness",
    "closeness",
    "pagerank",
    "reach",
    "constraint",
)

#: How many findings the headline section shows.
HEADLINES = 10

ANALYSIS_JSON_VERSION = 1


@dataclass
class Analysis:
    """The results of several analyses of one map, with the headlines first."""

    map_id: str
    title: str
    guiding_question: str
    stage: str
    results: dict[str, AnalysisResult] = field(default_factory=dict)

    def findings(self) -> list[Finding]:
        """Every finding, most important first (report order within a level)."""
        order = {name: i for i, name in enumerate(ANALYSES)}
        found = [f for r in self.results.values() for f in r.findings()]
        return sorted(found, key=lambda f: (-f.importance, order.get(f.analysis, 99)))

    def headlines(self, limit: int = HEADLINES) -> list[Finding]:
        """The findings to read first, at most ``limit``.

        Each analysis offers its most important finding in turn (in report
        order), then its next one, so that no single analysis crowds out the
        rest; details (importance 1) never make the headlines.
        """
        queues = [sorted(r.findings(), key=lambda f: -f.importance) for r in self.results.values()]
        picked: list[Finding] = []
        for round_ in range(max((len(q) for q in queues), default=0)):
            for queue in queues:
                if len(picked) >= limit:
                    break
                if round_ < len(queue):
                    f = queue[round_]
                    if f.importance >= 3 or (f.importance == 2 and round_ == 0):
                        picked.append(f)
        order = {name: i for i, name in enumerate(ANALYSES)}
        return sorted(picked, key=lambda f: (-f.importance, order.get(f.analysis, 99)))

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON: see docs/analyses.md."""
        return {
            "sysmap_analysis": ANALYSIS_JSON_VERSION,
            "map": {
                "id": self.map_id,
                "title": self.title,
                "guiding_question": self.guiding_question,
                "stage": self.stage,
            },
            "headlines": [f.to_dict() for f in self.headlines()],
            "analyses": {name: r.to_dict() for name, r in self.results.items()},
        }

    def format_text(self) -> str:
        lines = [
            f"{self.title} ({self.map_id}, {self.stage})",
            f"Guiding question: {self.guiding_question}",
            "",
            "What stands out",
            "---------------",
        ]
        lines += [f"- {f.text}" for f in self.headlines()] or ["- nothing notable"]
        for result in self.results.values():
            lines += ["", "", result.format_text().rstrip()]
        return "\n".join(lines) + "\n"

    def format_markdown(self) -> str:
        out = [
            f"# {markdown_text(self.title)}",
            "",
            f"**Guiding question:** {markdown_text(self.guiding_question)}",
            "",
            "## What stands out",
            "",
        ]
        out += [f"- {markdown_text(f.text)}" for f in self.headlines()] or ["- nothing notable"]
        for result in self.results.values():
            out += ["", result.format_markdown().rstrip()]
        return "\n".join(out) + "\n"


def _check_names(only: Iterable[str] | None, by: str | None) -> list[str]:
    if only is None:
        chosen = [a for a in ANALYSES if a != "equity" or by]
    else:
        chosen = []
        for name in only:
            if name not in ANALYSES and name != "paths":
                guess = did_you_mean(name, ANALYSES)
                hint = f"did you mean '{guess}'? " if guess else ""
                raise SysmapError(f"unknown analysis '{name}' — {hint}use {one_of(ANALYSES)}")
            if name not in chosen:
                chosen.append(name)
        if "equity" in chosen and not by:
            raise SysmapError(
                "the equity lens needs an attribute to break results down by — add --by, "
                "e.g. --by race"
            )
    return [a for a in ANALYSES if a in chosen]


def analyze(
    m: SystemMap,
    *,
    only: Sequence[str] | None = None,
    by: str | None = None,
    max_loop_length: int = 8,
    loop_cap: int = 10_000,
    progress: Callable[[int, int | None], None] | None = None,
) -> Analysis:
    """Run the analyses on a map: structure, influence, power, voice, loops,
    perspectives, and (with ``by``) the equity lens.

    Parameters
    ----------
    m : SystemMap
    only : names of the analyses to run (default: all; equity only with ``by``)
    by : a stakeholder attribute for the equity lens and the voice groups (e.g. ``race``)
    max_loop_length, loop_cap : bounds of the feedback-loop search
    progress : called as ``progress(done, total)`` while loops are enumerated

    Returns
    -------
    Analysis
        ``.headlines()`` first, ``.results`` by name; ``.to_dict()``,
        ``.format_text()``, ``.format_markdown()``.

    Raises
    ------
    SysmapError
        An unknown analysis name, equity without ``by``, or an unknown attribute.

    Example
    -------
    >>> from sysmap import loads_map
    >>> m = loads_map('''
    ... id: demo
    ... title: Demo
    ... guiding_question: Whose voice reaches the board?
    ... stakeholders:
    ...   - {id: pwle, name: People with lived experience, role: beneficiary, lived_experience: true}
    ...   - {id: board, name: CoC board, role: leader, power: 5}
    ... relationships:
    ...   - {from: pwle, to: board, kind: feedback}
    ... ''')
    >>> result = analyze(m, only=["voice"])
    >>> list(result.results)
    ['voice']
    """
    chosen = _check_names(only, by)
    out = Analysis(m.id, m.title, m.guiding_question, m.stage)
    structure_result = None
    voice_result = None
    for name in chosen:
        if name == "structure":
            from sysmap.analysis.structure import structure

            structure_result = structure(m)
            out.results[name] = structure_result
        elif name == "influence":
            from sysmap.analysis.influence import influence

            out.results[name] = influence(m)
        elif name == "power":
            from sysmap.analysis.power import power

            out.results[name] = power(m)
        elif name == "voice":
            from sysmap.analysis.voice import voice

            voice_result = voice(m, by=by)
            out.results[name] = voice_result
        elif name == "loops":
            from sysmap.analysis.loops import loops

            out.results[name] = loops(
                m, max_length=max_loop_length, cap=loop_cap, progress=progress
            )
        elif name == "perspectives":
            from sysmap.analysis.perspectives import perspectives

            out.results[name] = perspectives(m)
        elif name == "equity":
            from sysmap.analysis.equity import equity

            assert by is not None
            out.results[name] = equity(
                m, by, metrics=equity_metrics(m, structure_result, voice_result)
            )
    return out


def equity_metrics(
    m: SystemMap, structure_result: Any, voice_result: Any
) -> dict[str, dict[str, Any]]:
    """Per-stakeholder figures for the equity lens: power, interest, the
    structure metrics and the voice verdict.

    Pass the structure and voice results already computed (or None), so that
    the lens can be run for more attributes without analysing the map again
    (the workshop report does this).
    """
    metrics: dict[str, dict[str, Any]] = {
        "power": {s.id: s.power for s in m.stakeholders if s.power is not None},
        "interest": {s.id: s.interest for s in m.stakeholders if s.interest is not None},
    }
    if structure_result is not None:
        rows = structure_result.to_dict()["stakeholders"]
        for metric in STAKEHOLDER_METRICS:
            metrics[metric] = {r["id"]: r[metric] for r in rows if r.get(metric) is not None}
    if voice_result is not None:
        metrics["voice"] = {b["id"]: b["verdict"] for b in voice_result.beneficiaries}
    return metrics
