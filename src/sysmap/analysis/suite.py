"""Run every analysis on a map and put the headline findings first.

``sysmap analyze MAP`` is :func:`analyze` plus printing: a report a
facilitator reads in two minutes — the guiding question, the headline
findings across all analyses, then each analysis in detail.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sysmap.analysis._base import AnalysisResult, Finding
from sysmap.analysis._equity import equity
from sysmap.analysis._influence import influence
from sysmap.analysis._loops import loops
from sysmap.analysis._perspectives import perspectives
from sysmap.analysis._power import power
from sysmap.analysis._structure import structure
from sysmap.analysis._voice import voice
from sysmap.errors import BadArgument
from sysmap.model import SystemMap
from sysmap.problems import did_you_mean, one_of
from sysmap.render import Block, Bullets, Embed, Heading, Para, Rendered, render_text

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
class Analysis(Rendered):
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

    def blocks(self, *, text: bool = False) -> list[Block]:
        """The map's title and question, what stands out, then each analysis in
        report order. With ``text``, an analysis that shows fewer rows in plain
        text than in Markdown shows as many as its own plain text does."""
        heads = [f.text for f in self.headlines()] or ["nothing notable"]
        out: list[Block] = [
            Heading(f"{self.title} ({self.map_id}, {self.stage})", 1),
            Para(self.guiding_question, label="Guiding question:"),
            Heading("What stands out"),
            Bullets(list(heads)),
        ]
        for result in self.results.values():
            out += _result_blocks(result, text)
        return out

    def format_text(self) -> str:
        """The report as plain text."""
        return render_text(self.blocks(text=True))


def _result_blocks(result: AnalysisResult, text: bool) -> list[Block]:
    """One analysis's part of the report.

    A result whose ``format_text`` and ``blocks`` take a ``limit`` shows fewer
    rows in plain text than in Markdown (:mod:`sysmap.render`): for text, its
    blocks are asked for as many as its ``format_text`` shows.
    """
    if not hasattr(result, "blocks"):  # a result that still renders itself by hand
        md, plain = result.format_markdown().rstrip(), result.format_text().rstrip()
        return [Embed("", md, text=plain)]
    limit = inspect.signature(result.format_text).parameters.get("limit")
    takes_limit = "limit" in inspect.signature(result.blocks).parameters
    if text and takes_limit and limit is not None and isinstance(limit.default, int):
        blocks: Callable[..., list[Block]] = result.blocks  # this one takes a limit
        return blocks(limit=limit.default)
    return result.blocks()


def _check_names(only: Iterable[str] | None, by: str | None) -> list[str]:
    if only is None:
        chosen = [a for a in ANALYSES if a != "equity" or by]
    else:
        chosen = []
        for name in only:
            if name not in ANALYSES and name != "paths":
                guess = did_you_mean(name, ANALYSES)
                hint = f"did you mean '{guess}'? " if guess else ""
                raise BadArgument(
                    f"unknown analysis '{name}' — {hint}use {one_of(ANALYSES)}",
                    argument="only",
                    choices=ANALYSES,
                )
            if name not in chosen:
                chosen.append(name)
        if "equity" in chosen and not by:
            raise BadArgument(
                "the equity lens needs an attribute to break results down by — add --by, "
                "e.g. --by race",
                argument="by",
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
    BadArgument
        An unknown analysis name, equity without ``by``, or an unknown attribute.

    Example
    -------
    >>> import sysmap
    >>> m = sysmap.loads_map('''
    ... title: Tenants and the housing board
    ... guiding_question: Do tenants hear back?
    ... id: tenants
    ... stakeholders: [{id: tenants, name: Tenants, role: beneficiary},
    ...   {id: board, name: Housing board, role: leader}]
    ... relationships: [{from: tenants, to: board, kind: feedback}]
    ... ''')
    >>> result = analyze(m, only=["loops", "voice"])
    >>> list(result.results)
    ['voice', 'loops']
    """
    out = Analysis(m.id, m.title, m.guiding_question, m.stage)
    runs: dict[str, Callable[[], AnalysisResult]] = {
        "voice": lambda: voice(m, by=by),
        "power": lambda: power(m),
        "loops": lambda: loops(m, max_length=max_loop_length, cap=loop_cap, progress=progress),
        "structure": lambda: structure(m),
        "influence": lambda: influence(m),
        "perspectives": lambda: perspectives(m),
        "equity": lambda: _equity(m, by, out),
    }
    for name in _check_names(only, by):
        out.results[name] = runs[name]()
    return out


def _equity(m: SystemMap, by: str | None, done: Analysis) -> AnalysisResult:
    """The equity lens, run last: it breaks down the structure and voice figures found."""
    assert by is not None  # _check_names asks for it
    metrics = equity_metrics(m, done.results.get("structure"), done.results.get("voice"))
    return equity(m, by, metrics=metrics)


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
