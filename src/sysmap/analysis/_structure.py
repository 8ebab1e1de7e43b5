"""Structure: how the stakeholders are connected, who holds the network together.

Everything here is about **stakeholders** and the relationships between them;
factors are counted but belong to the key-factor model (see
:func:`sysmap.analysis.influence`). Which relationships count is decided by
:mod:`sysmap.analysis._graph`: existing and weak ones always, proposed ones in a
redesign, broken ones never; a ``mutual`` relationship counts both ways.
Parallel relationships between the same two stakeholders merge into one
**tie** (a directed pair), so figures count ties, not relationships.

Figures, so that they can be checked by hand (``n`` stakeholders, ``t`` ties):

- **density** ``t / (n·(n−1))``; **reciprocity** the share of ties whose
  reverse tie also exists;
- **parts** the weakly connected components (a stakeholder with no tie is a
  part of its own, and an *isolate*);
- **degree centralization** (Freeman), for in- and out-degree:
  ``Σ (max − degree) / (n−1)²`` — 1 for a star, 0 when every stakeholder has
  the same degree; and for the undirected degree (distinct neighbours either
  way) ``Σ (max − degree) / ((n−1)(n−2))``, the figure the findings use when
  every tie runs both ways;
- **clustering**: a stakeholder's local clustering coefficient is the share
  of pairs of its neighbours (either way) that are tied to each other (0 with
  fewer than two neighbours); ``average`` is its mean over all stakeholders
  and ``transitivity`` the share of connected triples that are closed;
- per stakeholder: **in/out degree** (distinct stakeholders tied to it);
  **betweenness** — the share of shortest paths between other stakeholders
  that pass through it, ``Σ σ_st(v)/σ_st / ((n−1)(n−2))`` over ordered pairs;
  **closeness** — how few steps it needs to reach the others, Wasserman–Faust
  ``(r/(n−1)) · (r/Σ d)`` over the ``r`` stakeholders it reaches (0 when it
  reaches nobody); **PageRank** (damping 0.85, ties unweighted);
  **eigenvector** centrality on the undirected ties, scaled so the largest is
  1 (on a map in several parts the smaller parts come out near 0); **reach** —
  the share of the other stakeholders within two steps downstream;
  **constraint** (Burt) — low when its contacts are not tied to one another
  (it spans *structural holes*), ``None`` for an isolate;
- **weighted variants** (by strength, 1 when not recorded; parallel
  relationships count with the strongest): ``strength_in`` / ``strength_out``
  the sum of tie strengths (Barrat's node strength); ``betweenness_weighted``
  and ``closeness_weighted`` with each tie ``1 / strength`` long, so a strong
  tie is a short step (Newman; Opsahl); ``pagerank_weighted`` with each tie
  followed in proportion to its strength. Exact only: ``None`` when
  betweenness is estimated;
- **communities**: Leiden, optimising modularity on the undirected ties, with
  a fixed seed so the same map always gives the same communities; isolates
  belong to none;
- **brokerage** (Gould–Fernandez), with the roles as groups: every two-step
  path ``a → v → b`` with ``a ≠ b`` and no tie ``a → b`` makes ``v`` a
  *coordinator* (a, v, b in one group), *itinerant* (a and b in one group, v in
  another), *gatekeeper* (v in b's group, not a's), *representative* (v in a's
  group, not b's) or *liaison* (three different groups). Brokers between
  beneficiaries and leaders are those on such paths from a beneficiary to a
  leader or back.

**Engines and scale.** igraph computes betweenness, PageRank, constraint,
communities, components and the distances for closeness; numpy the
brokerage counts. Betweenness and closeness need a search from every
stakeholder, which grows with ``n × (n + t)``: up to :data:`EXACT_WORK` they
are exact, above it they are **estimated** from a uniform random sample of
stakeholders (at least :data:`MIN_SAMPLES`; the searches are the same, from
fewer starting points, scaled up); betweenness gets the larger budget
:data:`BETWEENNESS_WORK`, since naming the brokers needs it. The sample is split in
:data:`BATCHES` batches, and :attr:`StructureResult.estimates` says how good
the estimates are:

- ``typical_error`` of betweenness — the typical relative error of the ten top
  brokers: the top brokers of one half of the sample are checked against the
  other half, which also counts the luck that put them at the top;
- ``typical_error`` of closeness — the median relative standard error
  (jackknife over the batches);
- ``top_is_clear`` and ``top_error`` — a sampled ranking flatters its winner,
  so a main broker is named only when its estimate leads the runner-up by more
  than twice their combined standard error (jackknife) and its own error is at
  most :data:`ROUGH`; otherwise the finding says no single broker stands out.

Measured against the exact figures (``benchmarks/bench_structure.py
--errors``): on a generated map of 20,000 stakeholders with hubs and a long
tail, 100 / 200 / 500 samples give a stated betweenness error of 27% / 14% / 7%
for the top brokers against 11% / 11% / 5% measured, the same top broker every
time and 8–10 of the true top ten; closeness is within 1–4%. On a uniformly
random map of 10,000 stakeholders nobody stands out (the largest betweenness is
0.5%): the stated errors (over 100%) are larger than the measured ones (84% to
over 1000%), and no main broker is named.

**Naming the brokers.** On a map with many hubs of about the same size a
uniform sample cannot rank them: what one search gives a hub depends mostly on
how soon it meets that hub, so the figures of single searches vary by about
twice their mean. The :data:`CANDIDATES` top stakeholders of that first
estimate are therefore estimated again, stratified: each stakeholder ``s`` is
put in a stratum by its distance to the candidate and by how many candidates
are nearer or as near (one backward search per candidate); a model of what a
search gives per stratum is fitted on the sample's pieces, and the estimate is
the exact sum of the model over every stakeholder plus the sample's scaled-up
residual (a difference estimator: unbiased whatever the model, exact when
every stakeholder is sampled). On the analysis benchmark's maps
(``benchmarks/bench_analysis.py --brokers``) the sampled top ten then holds
8–10 of the exact top ten at 10,000 stakeholders (about 1,700 sources) and at
50,000 (340 sources), where the hundred largest hubs lie within 9% of each
other; a uniform sample of 490 held 2. ``top_ten_unsure`` still lists the ones
within reach of the eleventh, and every wrong one is in it.
"""

from __future__ import annotations

import random
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from sysmap.analysis._base import Finding, findings_blocks, result_dict
from sysmap.analysis._graph import Ties, working_ties
from sysmap.model import ROLES, Stakeholder, SystemMap
from sysmap.render import Block, Heading, Lines, Rendered, Table, and_list, fmt_number, pct, plural

__all__ = [
    "StructureResult",
    "structure",
    "centralities",
    "BROKERAGE_ROLES",
    "EXACT_WORK",
    "MIN_SAMPLES",
    "BETWEENNESS_WORK",
    "CANDIDATES",
    "BATCHES",
    "SEED",
    "ROUGH",
]

#: Gould–Fernandez brokerage roles, in the order they are reported.
BROKERAGE_ROLES: tuple[str, ...] = (
    "coordinator",
    "itinerant",
    "gatekeeper",
    "representative",
    "liaison",
)

#: Betweenness and closeness are exact while ``n × (n + ties)`` stays at or
#: below this (about 2,000 stakeholders with 3 relationships each, well under
#: a second); above it they are estimated from a sample.
EXACT_WORK = 20_000_000

#: The smallest sample of stakeholders used for an estimate.
MIN_SAMPLES = 100

#: A sampled betweenness searches from ``BETWEENNESS_WORK // (n + ties)``
#: stakeholders (closeness keeps ``EXACT_WORK // (n + ties)``): the brokers'
#: ranking needs the larger sample. About 1,700 of 10,000 stakeholders
#: and 340 of 50,000 on maps with 3 relationships each.
BETWEENNESS_WORK = 70_000_000

#: The sample is searched in this many batches; the spread between batches
#: gives the error of an estimate (jackknife).
BATCHES = 10

#: Each batch is searched in this many pieces: the pieces' sums fit the model of
#: the stratified estimate (see :func:`_stratified`).
_PIECES = 2

#: The top brokers of the plain estimate whose betweenness is re-estimated
#: stratified by how far each sampled stakeholder is from them.
CANDIDATES = 100

_Estimate = Callable[[np.ndarray], np.ndarray]  # pieces kept → estimate
_FAR = 7  # distances from the candidates are capped here (unreachable: far)

#: Above this relative error (of the top estimate) a sampled betweenness names no main broker.
ROUGH = 0.5

#: The seed for the sample and for the community detection.
SEED = 20_261_123

_PLURAL = {"beneficiary": "beneficiaries", "provider": "providers", "leader": "leaders"}
_ROWS_SHOWN = 15
_TOP_ERROR = 10  # the typical betweenness error is taken over this many top brokers
_EXACT_CLOSENESS: dict[str, Any] = {"method": "exact", "samples": None, "typical_error": None}
_EXACT_BETWEENNESS: dict[str, Any] = {
    "method": "exact",
    "samples": None,
    "typical_error": None,
    "top_is_clear": None,
    "top_error": None,
    "top_ten_unsure": None,
}


# ------------------------------------------------------------- working ties


def _igraph(ties: Ties) -> Any:
    import igraph  # heavy: loaded on first use

    # zip of plain lists: ten times faster than a nested .tolist() at 50k ties
    edges = list(zip(ties.src.tolist(), ties.dst.tolist(), strict=True))
    return igraph.Graph(n=ties.n, edges=edges, directed=True)


# ------------------------------------------------------------------ helpers


def _column(values: np.ndarray, digits: int = 6) -> list[float | None]:
    """Rounded floats for the JSON; ``None`` where a value is undefined."""
    rounded = np.round(values.astype(np.float64), digits)
    ok = np.isfinite(rounded)
    return [v if k else None for v, k in zip(rounded.tolist(), ok.tolist(), strict=True)]


def _sig(value: float | None) -> str:
    """Small figures (a density of 0.0003) keep two significant digits."""
    if value is not None and 0 < abs(value) < 0.01:
        return f"{value:.2g}"
    return fmt_number(value, 2)


def _error_size(error: float | None, of: str = "") -> str:
    """A relative error for people: ``±14%`` (``of`` added), ``over ±100%`` or not measurable."""
    if error is None:
        return "not measurable"
    return ("over ±100%" if error >= 1 else f"±{pct(error)}") + of


def _round(value: float | None, digits: int = 6) -> float | None:
    if value is None or not np.isfinite(value):
        return None
    return round(float(value), digits)


# ------------------------------------------------------------------- result


@dataclass
class StructureResult(Rendered):
    """How the stakeholders are connected; see the module notes for every figure.

    :meth:`to_dict` gives the JSON, with these keys: ``analysis``,
    ``findings``, ``include_proposed``, ``counts`` (``stakeholders``,
    ``by_role``, ``factors``, ``relationships``, ``ties``), ``density``,
    ``reciprocity``, ``components`` (``count``, ``sizes``), ``isolates``,
    ``centralization`` (``in_degree``, ``out_degree``, ``degree`` — undirected),
    ``clustering`` (``average`` local clustering, ``transitivity``), ``estimates``
    (``betweenness`` and ``closeness``, each ``method`` "exact" or "sampled",
    ``samples``, ``typical_error``; betweenness also ``top_is_clear``,
    ``top_error`` and ``top_ten_unsure`` — the ids among the ten top brokers
    whose estimate is within twice the combined standard error of the
    eleventh's, so their place in the top ten is luck of the sample; ``None``
    when exact), ``communities`` (``method``, ``seed``,
    ``modularity``, ``groups``: ``community``, ``size``, ``by_role``,
    ``members``), ``brokerage`` (``direct_beneficiary_to_leader``,
    ``direct_leader_to_beneficiary``, ``beneficiary_leader_brokers``) and
    ``stakeholders`` — one entry per stakeholder in map order: ``id``,
    ``name``, ``role``, ``in_degree``, ``out_degree``, ``betweenness``,
    ``closeness``, ``pagerank``, ``reach``, ``constraint``, ``clustering``,
    ``eigenvector``, ``community``, ``brokerage`` (one count per brokerage role,
    and ``beneficiary_to_leader``, ``leader_to_beneficiary``), ``weighted``
    (``strength_in``, ``strength_out``, ``betweenness_weighted``,
    ``closeness_weighted``, ``pagerank_weighted``; the last three ``None``
    when betweenness is estimated).
    """

    name: ClassVar[str] = "structure"

    include_proposed: bool
    counts: dict[str, Any]
    density: float | None
    reciprocity: float | None
    components: dict[str, Any]
    isolates: list[str]
    centralization: dict[str, float | None]
    clustering: dict[str, float | None]
    estimates: dict[str, dict[str, Any]]
    communities: dict[str, Any]
    brokerage: dict[str, Any]
    stakeholders: list[dict[str, Any]]
    names: dict[str, str] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------- helpers

    def _name(self, ident: str) -> str:
        return self.names.get(ident, ident)

    def _tops(self, key: str, reverse: bool = True) -> list[dict[str, Any]]:
        """Every stakeholder with the highest (or lowest) value, in map order."""
        rows = [s for s in self.stakeholders if s[key] is not None]
        if not rows:
            return []
        best = max(s[key] for s in rows) if reverse else min(s[key] for s in rows)
        return [s for s in rows if s[key] == best]

    def _who(self, rows: list[dict[str, Any]], one: str, many: str) -> str:
        """``X is the main broker`` or ``X, Y and Z tie as the main broker``."""
        names = [s["name"] for s in rows]
        if len(names) == 1:
            return f"{names[0]} {one}"
        return f"{and_list(names)} tie {many}"

    def _top(self, key: str, reverse: bool = True) -> dict[str, Any] | None:
        rows = [s for s in self.stakeholders if s[key] is not None]
        if not rows:
            return None
        # max()/min() keep the first in map order among equals
        return max(rows, key=lambda s: s[key]) if reverse else min(rows, key=lambda s: s[key])

    def estimate_lines(self) -> list[str]:
        """One line per estimated metric, e.g. "betweenness estimated from …"."""
        out = []
        n = self.counts["stakeholders"]
        for metric, what in (("betweenness", "for the top brokers"), ("closeness", "")):
            e = self.estimates[metric]
            if e["method"] != "sampled":
                continue
            err = e["typical_error"]
            line = (
                f"{metric} estimated from {e['samples']:,} sampled stakeholders "
                f"(of {n:,}); typical error {_error_size(err, ' of the value')}"
                + (f" {what}" if what and err is not None else "")
            )
            unsure = e.get("top_ten_unsure")
            if unsure:
                line += (
                    f"; {len(unsure)} of the top 10 brokers are within the sampling error of "
                    "the 11th, so their place in the top 10 is not certain"
                )
            out.append(line)
        return out

    # ------------------------------------------------------------ findings

    def findings(self) -> list[Finding]:
        """What a facilitator should know, headlines first."""
        if self.counts["stakeholders"] == 0:
            return [Finding("The map has no stakeholders yet", self.name, 3)]
        by_role = self.counts["by_role"]
        out = [*self._count_findings(), *self._part_findings(), *self._broker_findings()]
        if by_role["beneficiary"] and by_role["leader"]:
            out.append(self._brokerage_finding())
        out += self._density_findings()
        out += self._centralization_findings()
        out += self._community_findings()
        out += self._hole_findings()
        out += self._reach_findings()
        out.sort(key=lambda f: -f.importance)
        return out

    def _count_findings(self) -> list[Finding]:
        """Who is on the map, and which role group is missing."""
        c = self.counts
        by_role = c["by_role"]
        parts = [plural(by_role[r], r, _PLURAL[r]) for r in ROLES if by_role[r]]
        text = f"{plural(c['stakeholders'], 'stakeholder')}: {', '.join(parts)}"
        if c["factors"]:
            text += f"; {plural(c['factors'], 'factor')}"
        out = [Finding(text, self.name, 1)]
        missing = [_PLURAL[r] for r in ROLES if not by_role[r]]
        if missing:
            out.append(Finding(f"The map has no {and_list(missing)}", self.name, 3))
        return out

    def _part_findings(self) -> list[Finding]:
        """Fragmentation: the separate parts and the isolates."""
        comp = self.components
        n = self.counts["stakeholders"]
        if comp["count"] <= 1:
            if n > 1:
                return [Finding(f"All {n:,} stakeholders are connected in one part", self.name, 1)]
            return []
        text = f"The map falls into {comp['count']:,} separate parts"
        if self.isolates:
            iso_names = [self._name(i) for i in self.isolates]
            text += (
                f"; {plural(len(self.isolates), 'stakeholder')} "
                f"{'has' if len(self.isolates) == 1 else 'have'} no relationships "
                f"({and_list(iso_names)})"
            )
        else:
            text += f"; the largest holds {comp['sizes'][0]:,} of {n:,} stakeholders"
        return [Finding(text, self.name, 3, self.isolates[:5])]

    def _broker_findings(self) -> list[Finding]:
        """The main broker, or (from a rough estimate) the likeliest ones."""
        top = self._top("betweenness")
        if top is None or top["betweenness"] <= 0:
            return []
        est = self.estimates["betweenness"]
        sampled = est["method"] == "sampled"
        err = est["top_error"]
        if sampled and not (est["top_is_clear"] and err is not None and err <= ROUGH):
            likely = sorted(self.stakeholders, key=lambda s: -(s["betweenness"] or 0))[:3]
            text = (
                "No single main broker stands out in the estimate (from "
                f"{est['samples']:,} sampled stakeholders, typical error "
                f"{_error_size(est['typical_error'])}); the likeliest "
                f"are {and_list([s['name'] for s in likely])}"
            )
            return [Finding(text, self.name, 1, [s["id"] for s in likely])]
        if sampled and err is not None:
            b = top["betweenness"]
            low, high = pct(b * (1 - err)), pct(b * (1 + err))
            about = f"an estimated {low} to {high}" if low != high else f"an estimated {low}"
            tied = [top]
        else:
            about = pct(top["betweenness"])
            tied = self._tops("betweenness")
        text = (
            self._who(tied, "is the main broker", "as the main broker")
            + f": {about} of shortest paths between other stakeholders pass through "
            + ("each of them" if len(tied) > 1 else "it")
        )
        return [Finding(text, self.name, 3, [s["id"] for s in tied])]

    def _density_findings(self) -> list[Finding]:
        """How many of the possible ties exist, and how many are returned."""
        if self.density is None:
            return []
        n, ties = self.counts["stakeholders"], self.counts["ties"]
        if self.reciprocity == 1:  # an undirected network: count each pair once
            text = (
                f"{ties // 2:,} of {n * (n - 1) // 2:,} possible ties exist "
                f"(density {_sig(self.density)}); every tie runs both ways"
            )
        else:
            text = (
                f"{ties:,} of {n * (n - 1):,} possible one-way ties exist "
                f"(density {_sig(self.density)})"
            )
        if self.reciprocity is not None and self.reciprocity < 1:
            text += f"; {pct(self.reciprocity)} of ties are returned"
        return [Finding(text, self.name, 2)]

    def _centralization_findings(self) -> list[Finding]:
        """Whom the relationships centre on (undirected when every tie runs both ways)."""
        cin, cout = self.centralization["in_degree"], self.centralization["out_degree"]
        cdeg = self.centralization.get("degree")
        if self.reciprocity == 1 and cdeg:
            hubs = self._tops("degree")
            text = (
                f"Relationships centre on {and_list([h['name'] for h in hubs])} "
                f"(degree centralization {_sig(cdeg)}; every tie runs both ways)"
            )
            return [Finding(text, self.name, 2 if cdeg >= 0.5 else 1, [h["id"] for h in hubs])]
        if cin is None or cout is None or max(cin, cout) <= 0:
            return []
        if cin >= cout:
            hub = self._top("in_degree")
            verb, value, which = "converge on", cin, "in"
        else:
            hub = self._top("out_degree")
            verb, value, which = "fan out from", cout, "out"
        assert hub is not None
        text = f"Relationships {verb} {hub['name']} ({which}-degree centralization {_sig(value)})"
        return [Finding(text, self.name, 2 if value >= 0.5 else 1, [hub["id"]])]

    def _community_findings(self) -> list[Finding]:
        groups = self.communities["groups"]
        if len(groups) <= 1:
            return []
        largest = groups[0]
        text = (
            f"The stakeholders form {len(groups):,} communities (modularity "
            f"{fmt_number(self.communities['modularity'])}); the largest, "
            f"{largest['size']:,} stakeholders, centres on {self._name(largest['hub'])}"
        )
        return [Finding(text, self.name, 2, [largest["hub"]])]

    def _hole_findings(self) -> list[Finding]:
        """Who spans the most structural holes (the lowest constraint)."""
        holes = [s for s in self.stakeholders if s["constraint"] is not None and s["degree"] > 1]
        if not holes:
            return []
        least = min(s["constraint"] for s in holes)
        lows = [s for s in holes if s["constraint"] == least]
        text = (
            self._who(lows, "spans the most structural holes", "for the most structural holes")
            + f" (constraint {_sig(least)}): "
            + ("its" if len(lows) == 1 else "their")
            + " contacts are the least tied to one another"
        )
        return [Finding(text, self.name, 1, [s["id"] for s in lows])]

    def _reach_findings(self) -> list[Finding]:
        """The highest PageRank, and who reaches the most within two steps."""
        out = []
        prs = self._tops("pagerank")
        if prs and self.counts["ties"]:
            text = (
                self._who(prs, "has the highest PageRank", "for the highest PageRank")
                + f" ({_sig(prs[0]['pagerank'])}): relationships lead to "
                + ("it" if len(prs) == 1 else "them")
                + " from well-connected stakeholders"
            )
            out.append(Finding(text, self.name, 1, [s["id"] for s in prs]))
        reach = self._tops("reach")
        if reach and reach[0]["reach"] and reach[0]["reach"] > 0:
            text = self._who(
                reach,
                "reaches the most stakeholders within two steps",
                "for reaching the most stakeholders within two steps",
            )
            text += f" ({pct(reach[0]['reach'])} of the others)"
            out.append(Finding(text, self.name, 1, [s["id"] for s in reach]))
        return out

    def _brokerage_finding(self) -> Finding:
        b = self.brokerage
        direct = b["direct_beneficiary_to_leader"] + b["direct_leader_to_beneficiary"]
        brokers = b["beneficiary_leader_brokers"]
        shown = ", ".join(
            f"{d['name']} ({plural(d['paths'], 'path')})"
            if i == 0
            else f"{d['name']} ({d['paths']:,})"
            for i, d in enumerate(brokers[:3])
        )
        link = (
            f"{plural(len(brokers), 'broker')} {'links' if len(brokers) == 1 else 'link'} "
            f"them in two steps: {shown}"
        )
        if len(brokers) > 3:
            link += f" and {len(brokers) - 3:,} more"
        subjects = [d["id"] for d in brokers[:3]]
        if direct == 0 and not brokers:
            return Finding(
                "No beneficiary has a direct relationship with a leader, and no single "
                "broker links them",
                self.name,
                3,
            )
        if direct == 0:
            return Finding(
                f"No beneficiary has a direct relationship with a leader; {link}",
                self.name,
                3 if len(brokers) <= 2 else 2,
                subjects,
            )
        text = (
            f"{plural(direct, 'tie')} {'links' if direct == 1 else 'link'} beneficiaries "
            "and leaders directly"
        )
        text += f"; {link}" if brokers else "; no broker links them in two steps"
        return Finding(text, self.name, 1, subjects)

    # -------------------------------------------------------------- output

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data (see the class notes for the keys)."""
        groups = self.communities["groups"]
        return result_dict(
            self,
            communities={
                **self.communities,
                "groups": [{k: v for k, v in g.items() if k != "hub"} for g in groups],
            },
            stakeholders=[{k: v for k, v in s.items() if k != "degree"} for s in self.stakeholders],
        )

    def blocks(self) -> list[Block]:
        """Findings, figures, then the stakeholders, the brokers and the communities."""
        out = findings_blocks("Structure", self.findings())
        out.append(Lines(self._figure_lines()))
        if self.stakeholders:
            out += self._stakeholder_table()
        brokers = self.brokerage["beneficiary_leader_brokers"]
        if brokers:
            rows = [
                [d["name"], d["role"], d["beneficiary_to_leader"], d["leader_to_beneficiary"]]
                for d in brokers[:_ROWS_SHOWN]
            ]
            out += [
                Heading("Brokers between beneficiaries and leaders (two-step paths)"),
                Table(
                    ["broker", "role", "beneficiary → leader", "leader → beneficiary"],
                    rows,
                    total=len(brokers),
                    more="all in the JSON",
                ),
            ]
        if self.communities["groups"]:
            out += self._community_table()
        return out

    def _figure_lines(self) -> list[str]:
        c = self.counts
        roles = ", ".join(f"{plural(c['by_role'][r], r, _PLURAL[r])}" for r in ROLES)
        comp = self.components
        sizes = ", ".join(f"{s:,}" for s in comp["sizes"][:10])
        if len(comp["sizes"]) > 10:
            sizes += ", …"
        cen, com = self.centralization, self.communities
        lines = [
            f"Stakeholders: {c['stakeholders']:,} ({roles}); factors: {c['factors']:,}",
            f"Ties: {c['ties']:,} (from {plural(c['relationships'], 'working relationship')}); "
            f"density {fmt_number(self.density, 3)}; reciprocity "
            f"{fmt_number(self.reciprocity, 3)}",
            f"Parts: {comp['count']:,} (sizes {sizes}); isolates: {len(self.isolates):,}",
            f"Degree centralization: in {fmt_number(cen['in_degree'], 3)}, out "
            f"{fmt_number(cen['out_degree'], 3)}, undirected {fmt_number(cen.get('degree'), 3)}",
            f"Clustering: average {fmt_number(self.clustering['average'], 3)}, transitivity "
            f"{fmt_number(self.clustering['transitivity'], 3)}",
            f"Communities: {len(com['groups']):,} (Leiden, modularity "
            f"{fmt_number(com['modularity'], 3)})",
        ]
        return lines + [line[0].upper() + line[1:] for line in self.estimate_lines()]

    def _stakeholder_table(self) -> list[Block]:
        headers = [
            "stakeholder", "role", "in", "out", "betweenness", "closeness",
            "pagerank", "reach", "constraint", "community", "brokerage",
        ]  # fmt: skip
        ranked = sorted(self.stakeholders, key=lambda s: -(s["betweenness"] or 0))
        rows = [
            [
                s["name"], s["role"], s["in_degree"], s["out_degree"],
                fmt_number(s["betweenness"], 3), fmt_number(s["closeness"], 3),
                fmt_number(s["pagerank"], 3), pct(s["reach"]),
                fmt_number(s["constraint"], 3), s["community"], s["brokerage"]["total"],
            ]
            for s in ranked[:_ROWS_SHOWN]
        ]  # fmt: skip
        title = (
            f"Stakeholders (top {len(rows):,} of {len(ranked):,} by betweenness)"
            if len(ranked) > _ROWS_SHOWN
            else "Stakeholders (by betweenness)"
        )
        return [Heading(title), Table(headers, rows)]

    def _community_table(self) -> list[Block]:
        degree = {s["id"]: s["degree"] for s in self.stakeholders}
        groups = self.communities["groups"]
        rows = []
        for g in groups[:_ROWS_SHOWN]:
            roles = ", ".join(f"{k} {v}" for k, v in g["by_role"].items() if v)
            # the most connected members first
            shown = sorted(g["members"], key=lambda i: -degree.get(i, 0))
            members = and_list([self._name(i) for i in shown], 3)
            rows.append([g["community"], g["size"], roles, members])
        table = Table(
            ["community", "size", "roles", "members"],
            rows,
            total=len(groups),
            more="all in the JSON",
        )
        return [Heading("Communities"), table]


# ----------------------------------------------------------------- metrics


def pagerank(g: Any, weights: list[float] | None = None) -> np.ndarray:
    """PageRank (damping 0.85) of an igraph graph, by ARPACK, else by PRPACK.

    ARPACK gives PRPACK's figures (within 1e-13 at 1,000 stakeholders) in a third to an
    eighth of the time (1k: 0.09 → 0.01 s, 50k: 0.32 → 0.14 s), but on some graphs (a map
    made only of cycles, say) its random start fails about one time in seven with a
    LAPACK error; then PRPACK, which always converges, gives the answer.
    """
    import igraph  # heavy: loaded on first use (here only for its error type)

    try:
        ranks = g.pagerank(directed=True, damping=0.85, weights=weights, implementation="arpack")
    except igraph.InternalError:
        ranks = g.pagerank(directed=True, damping=0.85, weights=weights, implementation="prpack")
    return np.asarray(ranks, dtype=np.float64)


def _centralization(degree: np.ndarray, *, undirected: bool = False) -> float | None:
    """Freeman's degree centralization: Σ (max − degree) over its largest possible
    value, (n−1)² for in- or out-degree, (n−1)(n−2) for undirected degree (a star)."""
    n = len(degree)
    if n < 2 or (undirected and n < 3):
        return None
    most = (n - 1) * (n - 2) if undirected else (n - 1) ** 2
    return float((degree.max() - degree).sum() / most)


def _transitivity(g: Any) -> float | None:
    """The share of connected triples that are closed (global clustering)."""
    if g.vcount() < 3 or g.ecount() == 0:
        return None
    value = g.as_undirected(mode="collapse").transitivity_undirected(mode="zero")
    return float(value)


def _jackknife(full: np.ndarray, leave_out: list[np.ndarray]) -> np.ndarray:
    """Standard errors from leave-one-batch-out estimates."""
    stack = np.vstack(leave_out)
    b = len(leave_out)
    spread = ((stack - stack.mean(axis=0)) ** 2).sum(axis=0)
    return np.asarray(np.sqrt((b - 1) / b * spread), dtype=np.float64)


def _typical(se: np.ndarray, value: np.ndarray, among: np.ndarray) -> float | None:
    among = among[value[among] > 0]
    if len(among) == 0:
        return None
    return float(np.median(se[among] / value[among]))


def _broker_sample(n: int, t: int, sources: np.ndarray | None) -> np.ndarray | None:
    """The stakeholders betweenness searches from: every one (None) while the
    map is small, else a sample of :data:`BETWEENNESS_WORK` // (n + t)."""
    if sources is None:
        return None
    k = max(MIN_SAMPLES, BETWEENNESS_WORK // (n + t))
    if k >= n:
        return None
    return np.sort(np.random.default_rng(SEED).choice(n, size=k, replace=False))


def _batches(sources: np.ndarray, count: int) -> list[np.ndarray]:
    return [b for b in np.array_split(sources, count) if len(b)]


def _candidate_distances(g: Any, n: int, cand: np.ndarray) -> np.ndarray:
    """``d(s → c)`` for every stakeholder ``s`` and candidate ``c`` (n × C), capped
    at :data:`_FAR` (unreachable counts as far); searched backwards, a few at a time."""
    out = np.empty((n, len(cand)), dtype=np.int8)
    for start in range(0, len(cand), 10):  # memory: ten rows of n distances at once
        part = cand[start : start + 10].tolist()
        d = np.asarray(g.distances(source=part, mode="in"), dtype=np.float64)
        out[:, start : start + len(part)] = np.where(np.isfinite(d), np.minimum(d, _FAR), _FAR).T
    return out


def _strata(dist: np.ndarray) -> tuple[np.ndarray, int]:
    """Each (stakeholder, candidate) pair's stratum: how far the candidate is, how many
    candidates are nearer and how many as near. A search from ``s`` hands a candidate
    much of its traffic when that candidate is among the first hubs it meets.

    Ten candidates at a time, in small integers: the n × C tables stay a few MB."""
    n, c = dist.shape
    width = _FAR + 1
    base = np.arange(n, dtype=np.int64)[:, None] * width
    at = np.zeros(n * width, dtype=np.int64)  # candidates at each distance, per s
    for start in range(0, c, 10):
        at += np.bincount((base + dist[:, start : start + 10]).ravel(), minlength=n * width)
    at2 = at.reshape(n, width)
    nearer = np.cumsum(at2, axis=1) - at2
    code = np.empty((n, c), dtype=np.int16)  # below 100 · width
    for start in range(0, c, 10):
        d = dist[:, start : start + 10].astype(np.int64)
        closer = np.minimum(np.take_along_axis(nearer, d, axis=1), 9)
        same = np.minimum(np.take_along_axis(at2, d, axis=1) - 1, 9)
        code[:, start : start + 10] = d * 100 + closer * 10 + same
    used = np.flatnonzero(np.bincount(code.ravel(), minlength=100 * width))
    label = np.zeros(100 * width, dtype=np.int16)
    label[used] = np.arange(len(used))
    return label[code], len(used)


def _stratified(
    g: Any, n: int, pieces: list[np.ndarray], sums: np.ndarray, cand: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per-piece residuals (pieces × candidates) and the population term of a
    difference estimator for the candidates' betweenness.

    ``δ_s(c)``, what a search from ``s`` gives candidate ``c``, is modelled as
    ``F[stratum of (s, c)]``; ``F`` is fitted by least squares on every piece's sum
    (the model is shared by all candidates). The estimate
    ``n/k · Σ (δ_s(c) − F[…]) + Σ_all F[…]`` is unbiased whatever ``F`` is, and its
    error is only what the strata leave unexplained.
    """
    if len(cand) == 0:  # nobody on a shortest path: nothing to re-estimate
        return np.zeros((len(pieces), 0)), np.zeros(0)
    strata, k = _strata(_candidate_distances(g, n, cand))
    c = len(cand)
    counts = np.zeros((len(pieces), c, k))
    for p, piece in enumerate(pieces):
        for j in range(c):
            counts[p, j] = np.bincount(strata[piece, j], minlength=k)
    y = sums[:, cand]  # pieces × candidates
    fit = np.linalg.lstsq(counts.reshape(-1, k), y.reshape(-1), rcond=None)[0]
    whole = np.stack([np.bincount(strata[:, j], minlength=k) for j in range(c)])
    return y - counts @ fit, whole @ fit


def _betweenness(g: Any, n: int, sources: np.ndarray | None) -> tuple[np.ndarray, dict[str, Any]]:
    norm = (n - 1) * (n - 2) if n > 2 else 0
    if sources is None:
        raw = np.asarray(g.betweenness(directed=True), dtype=np.float64)
        value = raw / norm if norm else np.zeros(n)
        return value, dict(_EXACT_BETWEENNESS)
    pieces = _batches(sources, BATCHES * _PIECES)
    sums = np.vstack([np.asarray(g.betweenness(directed=True, sources=b.tolist())) for b in pieces])
    sizes = np.array([len(b) for b in pieces], dtype=np.float64)
    plain = sums.sum(axis=0) * (n / sizes.sum())
    cand = np.argsort(-plain, kind="stable")[: min(n, CANDIDATES)]
    cand = cand[plain[cand] > 0]
    residual, population = _stratified(g, n, pieces, sums, cand)

    def estimate(keep: np.ndarray) -> np.ndarray:
        """The estimate from the pieces kept (all of them: the estimate itself)."""
        scale = n / sizes[keep].sum() / (norm or 1)
        v: np.ndarray = np.asarray(sums[keep].sum(axis=0) * scale, dtype=np.float64)
        v[cand] = np.maximum(residual[keep].sum(axis=0) * scale + population / (norm or 1), 0)
        return v

    group = np.arange(len(pieces)) * BATCHES // len(pieces)  # the jackknife's batches
    value = estimate(np.ones(len(pieces), dtype=bool))
    se = _jackknife(value, [estimate(group != b) for b in range(BATCHES) if (group == b).any()])
    return value, _broker_info(value, se, len(sources), estimate, group)


def _broker_info(
    value: np.ndarray, se: np.ndarray, k: int, estimate: _Estimate, group: np.ndarray
) -> dict[str, Any]:
    """How sure the sampled top brokers are (see :attr:`StructureResult.estimates`)."""
    top = np.argsort(-value, kind="stable")[: _TOP_ERROR + 1]
    # in the top ten by luck? within twice the combined error of the eleventh
    unsure = (
        []
        if len(top) <= _TOP_ERROR
        else [
            int(i)
            for i in top[:_TOP_ERROR]
            if value[i] - value[top[-1]] <= 2 * np.hypot(se[i], se[top[-1]])
        ]
    )
    top = top[:_TOP_ERROR]
    # The winner of a noisy ranking is often just the luckiest: name it only
    # when it leads the runner-up by more than twice their combined error.
    clear = len(top) < 2 or bool(
        value[top[0]] - value[top[1]] > 2 * np.hypot(se[top[0]], se[top[1]])
    )
    return {
        "method": "sampled",
        "samples": k,
        "typical_error": _split_half_error(estimate, group),
        "top_is_clear": clear,
        "top_error": _typical(se, value, top[:1]),
        "top_ten_unsure": unsure,
    }


def _split_half_error(estimate: _Estimate, group: np.ndarray) -> float | None:
    """The typical relative error of the top brokers' estimates, selection included.

    The top brokers of one half of the sample are checked against the other
    half (and the other way round); the median relative gap, divided by √2 for
    a sample twice the size, is the typical error. Unlike each estimate's own
    standard error it counts the luck that put a stakeholder at the top: on a
    map where no one stands out it is large.
    """
    first = group < BATCHES // 2
    if first.all() or not first.any():
        return None
    parts = []
    for x, y in ((estimate(first), estimate(~first)), (estimate(~first), estimate(first))):
        top = np.argsort(-x, kind="stable")[:_TOP_ERROR]
        top = top[x[top] > 0]
        if len(top) == 0:
            return None
        with np.errstate(divide="ignore", invalid="ignore"):
            gap = np.abs(x[top] - y[top]) / y[top]
        parts.append(float(np.median(gap)))
    error = float(np.mean(parts)) / np.sqrt(2)
    return error if np.isfinite(error) else None


def _closeness(
    g: Any, sources: np.ndarray | None, length: np.ndarray | None = None
) -> tuple[np.ndarray, dict[str, Any]]:
    """Outgoing Wasserman–Faust closeness, exact or from sampled targets.

    Searching backwards from a target ``s`` gives ``d(v → s)`` for every ``v``;
    with every stakeholder as a target this is exact, with a sample it
    estimates the share reached and the mean distance. ``length`` gives each
    tie's length (weighted closeness, in the order of ``g``'s edges); without it
    every tie is one step.
    """
    n = g.vcount()
    if n < 2:
        return np.zeros(n), dict(_EXACT_CLOSENESS)
    weights = None if length is None else length.tolist()
    sampled = sources is not None
    targets = np.arange(n) if sources is None else sources
    # memory: at most ~1M distances (8 MB) per search batch
    per = max(1, 1_000_000 // n)
    groups = _batches(targets, BATCHES) if sampled else [targets]
    hits, dists, sizes = [], [], []
    for group in groups:
        h = np.zeros(n)
        d = np.zeros(n)
        k = np.full(n, float(len(group)))
        k[group] -= 1  # a stakeholder is not its own target
        for start in range(0, len(group), per):
            chunk = group[start : start + per]
            # searched backwards from each target: d(v → target) for every v
            found = g.distances(source=chunk.tolist(), mode="in", weights=weights)
            dist = np.array(found, dtype=np.float64)
            ok = np.isfinite(dist) & (dist > 0)
            h += ok.sum(axis=0)
            d += np.where(ok, dist, 0).sum(axis=0)
        hits.append(h)
        dists.append(d)
        sizes.append(k)

    def estimate(h: np.ndarray, d: np.ndarray, k: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            c = (h / k) * (h / d)
        return np.where((d > 0) & (k > 0), c, 0.0)

    H, D, K = np.sum(hits, axis=0), np.sum(dists, axis=0), np.sum(sizes, axis=0)
    value = estimate(H, D, K)
    if not sampled:
        return value, dict(_EXACT_CLOSENESS)
    leave_out = [estimate(H - h, D - d, K - k) for h, d, k in zip(hits, dists, sizes, strict=True)]
    se = _jackknife(value, leave_out)
    info = {
        "method": "sampled",
        "samples": len(targets),
        "typical_error": _typical(se, value, np.arange(n)),
    }
    return value, info


def _brokerage(
    n: int, src: np.ndarray, dst: np.ndarray, group: np.ndarray, chunk: int = 250_000
) -> np.ndarray:
    """Gould–Fernandez counts per stakeholder.

    Columns: the five :data:`BROKERAGE_ROLES`, then beneficiary → leader and
    leader → beneficiary paths (any role). Two-step paths are listed in chunks
    of at most ``chunk``, so memory stays bounded around hubs.
    """
    counts = np.zeros((n, 7), dtype=np.int64)
    if len(src) == 0:
        return counts
    order = np.argsort(src, kind="stable")
    out_dst = dst[order]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    codes = np.sort(src * n + dst)
    per_edge = indptr[dst + 1] - indptr[dst]  # paths a → v → ·, for each tie a → v
    ends = np.cumsum(per_edge)
    begin = 0
    ben, lead = ROLES.index("beneficiary"), ROLES.index("leader")
    while begin < len(src):
        base = ends[begin - 1] if begin else 0
        stop = int(np.searchsorted(ends, base + chunk, side="right"))
        stop = max(stop, begin + 1)
        e = np.arange(begin, stop)
        reps = per_edge[e]
        begin = stop
        if reps.sum() == 0:
            continue
        a = np.repeat(src[e], reps)
        v = np.repeat(dst[e], reps)
        offset = np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps)
        b = out_dst[np.repeat(indptr[dst[e]], reps) + offset]
        keep = a != b
        a, v, b = a[keep], v[keep], b[keep]
        code = a * n + b
        pos = np.minimum(np.searchsorted(codes, code), len(codes) - 1)
        keep = codes[pos] != code  # open: no tie a → b
        a, v, b = a[keep], v[keep], b[keep]
        ga, gv, gb = group[a], group[v], group[b]
        kind = np.full(len(a), 4)  # liaison
        kind[(ga == gb) & (ga != gv)] = 1  # itinerant
        kind[(gv == gb) & (ga != gv)] = 2  # gatekeeper
        kind[(ga == gv) & (gv != gb)] = 3  # representative
        kind[(ga == gv) & (gv == gb)] = 0  # coordinator
        counts[:, :5] += np.bincount(v * 5 + kind, minlength=n * 5).reshape(n, 5)
        counts[:, 5] += np.bincount(v[(ga == ben) & (gb == lead)], minlength=n)
        counts[:, 6] += np.bincount(v[(ga == lead) & (gb == ben)], minlength=n)
    return counts


def _communities(g: Any) -> tuple[np.ndarray, float | None]:
    import igraph  # heavy: loaded on first use

    if g.ecount() == 0:
        return np.arange(g.vcount()), None
    u = g.as_undirected(mode="collapse")
    # python-igraph draws from the `random` module; a private seeded generator
    # makes the partition repeatable without touching the caller's state.
    igraph.set_random_number_generator(random.Random(SEED))
    try:
        part = u.community_leiden(objective_function="modularity", n_iterations=2)
    finally:
        igraph.set_random_number_generator(random)
    membership = np.asarray(part.membership)
    return membership, float(u.modularity(part.membership))


def _undirected_metrics(g: Any, n: int) -> dict[str, np.ndarray]:
    """Local clustering and eigenvector centrality on the undirected ties."""
    if n == 0 or g.ecount() == 0:
        return {"clustering": np.zeros(n), "eigenvector": np.zeros(n)}
    u = g.as_undirected(mode="collapse")
    clustering = np.nan_to_num(np.asarray(u.transitivity_local_undirected(mode="zero")))
    with warnings.catch_warnings():
        # a map in several parts: the smaller parts come out near 0, as documented
        warnings.simplefilter("ignore", RuntimeWarning)
        eigen = np.asarray(u.eigenvector_centrality(), dtype=np.float64)  # the largest is 1
    return {"clustering": clustering, "eigenvector": eigen}


def _weighted_metrics(
    g: Any, ties: Ties, sources: np.ndarray | None, plain: dict[str, np.ndarray]
) -> dict[str, np.ndarray | None]:
    """Strength-weighted variants: a tie's length is 1 / strength (a stronger tie is
    a shorter step); ties of strength 0 carry nothing and are left out of paths."""
    n = ties.n
    w = ties.strength
    out: dict[str, np.ndarray | None] = {
        "strength_in": np.bincount(ties.dst, weights=w, minlength=n),
        "strength_out": np.bincount(ties.src, weights=w, minlength=n),
        "betweenness_weighted": None,
        "closeness_weighted": None,
        "pagerank_weighted": None,
    }
    if n == 0 or sources is not None:  # exact only: no estimate of weighted paths
        return out
    if len(w) and w[0] > 0 and bool(np.all(w == w[0])):
        # every tie equally strong (none recorded: all 1): the same shortest paths and
        # walks as unweighted, each step 1/strength long
        out["betweenness_weighted"] = plain["betweenness"]
        out["closeness_weighted"] = plain["closeness"] * w[0]
        out["pagerank_weighted"] = plain["pagerank"]
        return out
    keep = w > 0
    length = np.where(keep, 1.0 / np.where(keep, w, 1.0), np.inf)
    norm = (n - 1) * (n - 2) if n > 2 else 0
    pathg = g
    if not keep.all():
        pathg = g.copy()
        pathg.delete_edges(np.flatnonzero(~keep).tolist())
    raw = np.asarray(
        pathg.betweenness(directed=True, weights=length[keep].tolist()), dtype=np.float64
    )
    out["betweenness_weighted"] = raw / norm if norm else np.zeros(n)
    out["closeness_weighted"] = _closeness(pathg, None, length[keep])[0]
    out["pagerank_weighted"] = pagerank(g, w.tolist())
    return out


_PER_STAKEHOLDER = (
    "betweenness",
    "closeness",
    "pagerank",
    "reach",
    "constraint",
    "clustering",
    "eigenvector",
)
_WEIGHTED = (
    "strength_in",
    "strength_out",
    "betweenness_weighted",
    "closeness_weighted",
    "pagerank_weighted",
)


def _centralities(
    g: Any, ties: Ties
) -> tuple[dict[str, np.ndarray], dict[str, dict[str, Any]], np.ndarray | None]:
    """Betweenness, closeness, PageRank, reach and constraint, how each was
    found (``estimates``), and the sample closeness searched from (None: exact).

    Betweenness and closeness are exact, or estimated from a sample (see the
    module notes).
    """
    n, t = ties.n, len(ties.src)
    sources: np.ndarray | None = None
    if n * (n + t) > EXACT_WORK:
        k = min(n, max(MIN_SAMPLES, EXACT_WORK // (n + t)))
        sources = np.sort(np.random.default_rng(SEED).choice(n, size=k, replace=False))
    if not n:
        empty = {key: np.zeros(0) for key in _PER_STAKEHOLDER[:5]}
        exact = {"betweenness": dict(_EXACT_BETWEENNESS), "closeness": dict(_EXACT_CLOSENESS)}
        return empty, exact, sources
    betweenness, b_info = _betweenness(g, n, _broker_sample(n, t, sources))
    if b_info["top_ten_unsure"] is not None:
        b_info["top_ten_unsure"] = [ties.ids[i] for i in b_info["top_ten_unsure"]]
    closeness, c_info = _closeness(g, sources)
    for info in (b_info, c_info):
        for key in ("typical_error", "top_error"):
            if key in info:
                info[key] = _round(info[key], 4)
    reach2 = np.asarray(g.neighborhood_size(order=2, mode="out")) - 1
    computed = {
        "betweenness": betweenness,
        "closeness": closeness,
        "pagerank": pagerank(g),
        "reach": reach2 / (n - 1) if n > 1 else np.zeros(n),
        "constraint": np.asarray(g.constraint(), dtype=np.float64),
    }
    return computed, {"betweenness": b_info, "closeness": c_info}, sources


def _community_groups(
    membership: np.ndarray, degree: np.ndarray, group: np.ndarray, ids: list[str]
) -> tuple[list[dict[str, Any]], list[int | None]]:
    """The communities, numbered by size (then first member in map order), and
    each stakeholder's number; isolates belong to none."""
    keep = degree > 0
    labels = np.unique(membership[keep]) if len(ids) else np.zeros(0, dtype=np.int64)
    members = {int(lab): np.flatnonzero(keep & (membership == lab)) for lab in labels}
    ranked = sorted(members, key=lambda lab: (-len(members[lab]), members[lab][0]))
    number = {lab: i + 1 for i, lab in enumerate(ranked)}
    groups = []
    for lab in ranked:
        idx = members[lab]
        hub = idx[np.argmax(degree[idx])]
        groups.append(
            {
                "community": number[lab],
                "size": len(idx),
                "by_role": {r: int((group[idx] == i).sum()) for i, r in enumerate(ROLES)},
                "members": [ids[i] for i in idx],
                "hub": ids[hub],
            }
        )
    community = [
        number.get(c) if d else None
        for c, d in zip(membership.tolist(), degree.tolist(), strict=True)
    ]
    return groups, community


def _brokers(
    bro: np.ndarray, group: np.ndarray, ties: Ties, people: list[Stakeholder]
) -> dict[str, Any]:
    """Direct ties between beneficiaries and leaders, and the brokers on two-step
    paths between them, most paths first."""
    ben, lead = ROLES.index("beneficiary"), ROLES.index("leader")
    gs, gd = group[ties.src], group[ties.dst]
    between = bro[:, 5] + bro[:, 6]
    return {
        "direct_beneficiary_to_leader": int(((gs == ben) & (gd == lead)).sum()),
        "direct_leader_to_beneficiary": int(((gs == lead) & (gd == ben)).sum()),
        "beneficiary_leader_brokers": [
            {
                "id": ties.ids[i],
                "name": people[i].name,
                "role": people[i].role,
                "paths": int(between[i]),
                "beneficiary_to_leader": int(bro[i, 5]),
                "leader_to_beneficiary": int(bro[i, 6]),
            }
            for i in np.argsort(-between, kind="stable")
            if between[i] > 0
        ],
    }


def _stakeholder_rows(
    people: list[Stakeholder], cols: dict[str, list[Any]]
) -> list[dict[str, Any]]:
    """One entry per stakeholder, in map order, from the per-stakeholder columns."""
    rows = []
    for i, s in enumerate(people):
        b = cols["brokerage"][i]
        rows.append(
            {
                "id": s.id,
                "name": s.name,
                "role": s.role,
                "in_degree": cols["in_degree"][i],
                "out_degree": cols["out_degree"][i],
                **{key: cols[key][i] for key in _PER_STAKEHOLDER},
                "community": cols["community"][i],
                "brokerage": {
                    **dict(zip(BROKERAGE_ROLES, b[:5], strict=True)),
                    "total": sum(b[:5]),
                    "beneficiary_to_leader": b[5],
                    "leader_to_beneficiary": b[6],
                },
                "weighted": {key: cols[key][i] for key in _WEIGHTED},
                "degree": cols["degree"][i],
            }
        )
    return rows


def _columns(
    g: Any, ties: Ties, degree: np.ndarray, bro: np.ndarray, local: dict[str, np.ndarray]
) -> tuple[dict[str, list[Any]], dict[str, dict[str, Any]]]:
    """Every per-stakeholder figure as a column (a list in map order), and how
    betweenness and closeness were found."""
    n = ties.n
    computed, estimates, sources = _centralities(g, ties)
    figures: dict[str, np.ndarray | None] = {
        **computed,
        "constraint": np.where(degree > 0, computed["constraint"], np.nan),
        **local,
        **_weighted_metrics(g, ties, sources, computed),
    }
    cols = {key: _column(v) if v is not None else [None] * n for key, v in figures.items()}
    return {
        **cols,
        "in_degree": np.bincount(ties.dst, minlength=n).tolist(),
        "out_degree": np.bincount(ties.src, minlength=n).tolist(),
        "degree": degree.tolist(),
        "brokerage": bro.tolist(),
    }, estimates


def _network_figures(
    g: Any, ties: Ties, degree: np.ndarray, clustering: np.ndarray
) -> dict[str, Any]:
    """Density, reciprocity, parts, isolates, centralization and clustering."""
    n, t = ties.n, len(ties.src)
    reciprocity = None
    if t:
        returned = int(np.isin(ties.dst * n + ties.src, ties.src * n + ties.dst).sum())
        reciprocity = _round(returned / t)
    parts = g.connected_components(mode="weak") if n else []
    sizes = sorted((len(c) for c in parts), reverse=True)
    indeg, outdeg = np.bincount(ties.dst, minlength=n), np.bincount(ties.src, minlength=n)
    return {
        "density": _round(t / (n * (n - 1))) if n > 1 else None,
        "reciprocity": reciprocity,
        "components": {"count": len(sizes), "sizes": sizes},
        "isolates": [ties.ids[i] for i in np.flatnonzero(degree == 0)],
        "centralization": {
            "in_degree": _round(_centralization(indeg)),
            "out_degree": _round(_centralization(outdeg)),
            "degree": _round(_centralization(degree, undirected=True)),
        },
        "clustering": {
            "average": _round(float(np.mean(clustering))) if n else None,
            "transitivity": _round(_transitivity(g)),
        },
    }


#: The per-stakeholder figures :func:`centralities` gives.
CENTRALITIES = ("in_degree", "out_degree", "betweenness", "closeness", "pagerank", "reach")


def centralities(m: SystemMap, *, include_proposed: bool | None = None) -> list[dict[str, Any]]:
    """Each stakeholder's degree, betweenness, closeness, PageRank and reach (in map
    order, with its ``id``): the same figures as in :func:`structure`'s rows,
    without the rest of the analysis (on a 1,000-stakeholder map the figures by
    strength alone take three quarters of it). The HTML map is drawn with these.

    >>> from sysmap.model import Relationship, Stakeholder, SystemMap
    >>> m = SystemMap(id="m", title="M", guiding_question="Q?",
    ...     stakeholders=[Stakeholder(id=x, name=x, role="provider") for x in "abc"],
    ...     relationships=[Relationship(source="a", target="b", kind="refers"),
    ...                    Relationship(source="b", target="c", kind="refers")])
    >>> [(r["id"], r["betweenness"]) for r in centralities(m)]
    [('a', 0.0), ('b', 0.5), ('c', 0.0)]
    """
    resolved = m.stage == "redesign" if include_proposed is None else include_proposed
    ties = working_ties(m, resolved, stakeholders_only=True)
    n = ties.n
    computed = _centralities(_igraph(ties), ties)[0]
    cols: dict[str, list[Any]] = {
        "in_degree": np.bincount(ties.dst, minlength=n).tolist(),
        "out_degree": np.bincount(ties.src, minlength=n).tolist(),
        **{key: _column(computed[key]) for key in CENTRALITIES[2:]},
    }
    return [
        {"id": s.id, **{key: cols[key][i] for key in CENTRALITIES}}
        for i, s in enumerate(m.stakeholders)
    ]


def structure(m: SystemMap, *, include_proposed: bool | None = None) -> StructureResult:
    """How the stakeholders are connected and who holds the network together.

    Parameters
    ----------
    m : SystemMap
        The map (current or redesign).
    include_proposed : bool, optional
        Whether proposed relationships count; by default they do in a redesign
        and do not in a current map.

    Returns
    -------
    StructureResult
        Findings first (:meth:`StructureResult.findings`), then counts,
        density, reciprocity, parts, centralization, communities, brokerage
        and per-stakeholder centralities; see the module notes for each.

    Example
    -------
    >>> from sysmap.model import Relationship, Stakeholder, SystemMap
    >>> m = SystemMap(id="m", title="M", guiding_question="Q?",
    ...     stakeholders=[
    ...         Stakeholder(id="pwle", name="People with lived experience", role="beneficiary"),
    ...         Stakeholder(id="ce", name="Coordinated entry", role="provider"),
    ...         Stakeholder(id="board", name="CoC board", role="leader"),
    ...         Stakeholder(id="city", name="City council", role="leader")],
    ...     relationships=[
    ...         Relationship(source="pwle", target="ce", kind="feedback"),
    ...         Relationship(source="ce", target="board", kind="informs"),
    ...         Relationship(source="board", target="ce", kind="governs")])
    >>> result = structure(m)
    >>> for f in result.findings()[:3]:
    ...     print(f.importance, f.text)
    3 The map falls into 2 separate parts; 1 stakeholder has no relationships (City council)
    3 Coordinated entry is the main broker: 17% of shortest paths between other ...
    3 No beneficiary has a direct relationship with a leader; 1 broker links them ...
    >>> result.density, result.reciprocity    # 3 / (4·3); 2 of 3 ties returned
    (0.25, 0.666667)
    """
    resolved = m.stage == "redesign" if include_proposed is None else include_proposed
    ties = working_ties(m, resolved, stakeholders_only=True)
    n = ties.n
    people = m.stakeholders
    group = np.asarray([ROLES.index(s.role) for s in people], dtype=np.int64)
    g = _igraph(ties)
    degree = np.zeros(n, dtype=np.int64)
    if n:
        degree = np.asarray(g.as_undirected(mode="collapse").degree())
    local = _undirected_metrics(g, n)
    bro = _brokerage(n, ties.src, ties.dst, group)
    cols, estimates = _columns(g, ties, degree, bro, local)
    membership, modularity = _communities(g) if n else (np.zeros(0, dtype=np.int64), None)
    groups, cols["community"] = _community_groups(membership, degree, group, ties.ids)
    return StructureResult(
        include_proposed=resolved,
        counts={
            "stakeholders": n,
            "by_role": {r: int((group == i).sum()) for i, r in enumerate(ROLES)},
            "factors": len(m.factors),
            "relationships": ties.relationships,
            "ties": len(ties.src),
        },
        **_network_figures(g, ties, degree, local["clustering"]),
        estimates=estimates,
        communities={
            "method": "leiden",
            "seed": SEED,
            "modularity": _round(modularity),
            "groups": groups,
        },
        brokerage=_brokers(bro, group, ties, people),
        stakeholders=_stakeholder_rows(people, cols),
        names={s.id: s.name for s in people},
    )
