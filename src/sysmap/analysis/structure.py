"""Structure: how the stakeholders are connected, who holds the network together.

Everything here is about **stakeholders** and the relationships between them;
factors are counted but belong to the key-factor model (see
:mod:`sysmap.analysis.influence`). Which relationships count is decided by
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
communities and components; scipy the distances for closeness; numpy the
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

On the analysis benchmark's maps (``benchmarks/bench_analysis.py --brokers``)
the sampled top ten holds 8–9 of the exact top ten at 10,000 stakeholders
(about 2,400 sources). At 50,000 it holds 2 (490 sources): there the hundred
largest hubs lie within 9% of each other, closer than any affordable sample
can separate, and ``top_ten_unsure`` lists all ten — every wrong one is in it.
"""

from __future__ import annotations

import random
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from sysmap.analysis._base import Finding, fmt_number, md_table, text_table
from sysmap.analysis._graph import Ties, working_ties
from sysmap.escape import markdown_text
from sysmap.model import ROLES, SystemMap

__all__ = [
    "StructureResult",
    "structure",
    "BROKERAGE_ROLES",
    "EXACT_WORK",
    "MIN_SAMPLES",
    "BETWEENNESS_WORK",
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
#: ranking needs the larger sample. About 2,400 of 10,000 stakeholders (1 s)
#: and 490 of 50,000 (3 s) on maps with 3 relationships each.
BETWEENNESS_WORK = 100_000_000

#: The sample is searched in this many batches; the spread between batches
#: gives the error of an estimate (jackknife).
BATCHES = 10

#: Above this relative error (of the top estimate) a sampled betweenness names no main broker.
ROUGH = 0.5

#: The seed for the sample and for the community detection.
SEED = 20_261_123

_PLURAL = {"beneficiary": "beneficiaries", "provider": "providers", "leader": "leaders"}
_ROWS_SHOWN = 15
# igraph's ARPACK PageRank: the same figures as PRPACK (within 1e-13 at 1,000
# stakeholders) in a third to an eighth of the time (1k: 0.09 → 0.01 s, 50k: 0.32 → 0.14 s)
_PAGERANK = "arpack"
_TOP_ERROR = 10  # the typical betweenness error is taken over this many top brokers
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
    import igraph

    # zip of plain lists: ten times faster than a nested .tolist() at 50k ties
    edges = list(zip(ties.src.tolist(), ties.dst.tolist(), strict=True))
    return igraph.Graph(n=ties.n, edges=edges, directed=True)


def _csr(n: int, src: np.ndarray, dst: np.ndarray, data: np.ndarray | None = None) -> Any:
    import scipy.sparse as sp

    if data is None:
        data = np.ones(len(src), dtype=np.float64)
    return sp.csr_matrix((data, (src, dst)), shape=(n, n))


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


def _pct(share: float | None) -> str:
    if share is None:
        return "—"
    p = share * 100
    if 0 < p < 0.5:
        return "under 1%"
    if 99.5 <= p < 100:
        return "over 99%"
    return f"{int(p + 0.5)}%"


def _names(names: Sequence[str], limit: int = 5) -> str:
    shown = list(names[:limit])
    more = len(names) - len(shown)
    if more > 0:
        return ", ".join(shown) + f" and {more:,} more"
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def _n(count: int, word: str, plural: str | None = None) -> str:
    if count == 1:
        return f"1 {word}"
    return f"{count:,} {plural or word + 's'}"


def _round(value: float | None, digits: int = 6) -> float | None:
    if value is None or not np.isfinite(value):
        return None
    return round(float(value), digits)


# ------------------------------------------------------------------- result


@dataclass
class StructureResult:
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
        return f"{_names(names)} tie {many}"

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
            if err is None:
                size = "not measurable"
            elif err >= 1:
                size = "over ±100% of the value"
            else:
                size = f"±{_pct(err)} of the value"
            line = (
                f"{metric} estimated from {e['samples']:,} sampled stakeholders "
                f"(of {n:,}); typical error {size}"
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
        out: list[Finding] = []
        add = out.append
        name = self.name
        c = self.counts
        n = c["stakeholders"]
        if n == 0:
            add(Finding("The map has no stakeholders yet", name, 3))
            return out

        by_role = c["by_role"]
        parts = [
            _n(by_role[r], r, _PLURAL[r]) for r in ROLES if by_role[r]
        ]  # e.g. "6 beneficiaries"
        text = f"{_n(n, 'stakeholder')}: {', '.join(parts)}"
        if c["factors"]:
            text += f"; {_n(c['factors'], 'factor')}"
        add(Finding(text, name, 1))
        missing = [_PLURAL[r] for r in ROLES if not by_role[r]]
        if missing:
            add(Finding(f"The map has no {_names(missing)}", name, 3))

        # fragmentation
        comp = self.components
        iso_names = [self._name(i) for i in self.isolates]
        if comp["count"] > 1:
            text = f"The map falls into {comp['count']:,} separate parts"
            if self.isolates:
                text += (
                    f"; {_n(len(self.isolates), 'stakeholder')} "
                    f"{'has' if len(self.isolates) == 1 else 'have'} no relationships "
                    f"({_names(iso_names)})"
                )
            else:
                text += f"; the largest holds {comp['sizes'][0]:,} of {n:,} stakeholders"
            add(Finding(text, name, 3, self.isolates[:5]))
        elif n > 1:
            add(Finding(f"All {n:,} stakeholders are connected in one part", name, 1))

        # the main broker
        top = self._top("betweenness")
        est = self.estimates["betweenness"]
        sampled = est["method"] == "sampled"
        err = est["top_error"]
        clear = not sampled or (est["top_is_clear"] and err is not None and err <= ROUGH)
        if top is not None and top["betweenness"] > 0 and clear:
            if sampled and err is not None:
                b = top["betweenness"]
                about = f"an estimated {_pct(b * (1 - err))} to {_pct(b * (1 + err))}"
                tied = [top]
            else:
                about = _pct(top["betweenness"])
                tied = self._tops("betweenness")
            each = " each" if len(tied) > 1 else ""
            add(
                Finding(
                    self._who(tied, "is the main broker", "as the main broker")
                    + f": {about} of shortest paths between other stakeholders pass through "
                    + ("each of them" if each else "it"),
                    name,
                    3,
                    [s["id"] for s in tied],
                )
            )
        elif top is not None and top["betweenness"] > 0:
            likely = sorted(self.stakeholders, key=lambda s: -(s["betweenness"] or 0))[:3]
            typical = est["typical_error"]
            if typical is None:
                size = "not measurable"
            elif typical >= 1:
                size = "over ±100%"
            else:
                size = f"±{_pct(typical)}"
            add(
                Finding(
                    "No single main broker stands out in the estimate (from "
                    f"{est['samples']:,} sampled stakeholders, typical error {size}); "
                    "the likeliest "
                    f"are {_names([s['name'] for s in likely])}",
                    name,
                    1,
                    [s["id"] for s in likely],
                )
            )

        # beneficiaries and leaders
        if by_role["beneficiary"] and by_role["leader"]:
            add(self._brokerage_finding())

        # density and reciprocity
        if self.density is not None:
            ties = c["ties"]
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
                text += f"; {_pct(self.reciprocity)} of ties are returned"
            add(Finding(text, name, 2))

        # centralization
        cin, cout = self.centralization["in_degree"], self.centralization["out_degree"]
        cdeg = self.centralization.get("degree")
        if self.reciprocity == 1 and cdeg:
            # every tie runs both ways: in and out are one figure, the undirected one
            hubs = self._tops("degree")
            add(
                Finding(
                    f"Relationships centre on {_names([h['name'] for h in hubs])} "
                    f"(degree centralization {_sig(cdeg)}; every tie runs both ways)",
                    name,
                    2 if cdeg >= 0.5 else 1,
                    [h["id"] for h in hubs],
                )
            )
        elif cin is not None and cout is not None and max(cin, cout) > 0:
            if cin >= cout:
                hub = self._top("in_degree")
                verb, value, which = "converge on", cin, "in"
            else:
                hub = self._top("out_degree")
                verb, value, which = "fan out from", cout, "out"
            assert hub is not None
            add(
                Finding(
                    f"Relationships {verb} {hub['name']} "
                    f"({which}-degree centralization {_sig(value)})",
                    name,
                    2 if value >= 0.5 else 1,
                    [hub["id"]],
                )
            )

        # communities
        groups = self.communities["groups"]
        if len(groups) > 1:
            largest = groups[0]
            add(
                Finding(
                    f"The stakeholders form {len(groups):,} communities (modularity "
                    f"{fmt_number(self.communities['modularity'])}); the largest, "
                    f"{largest['size']:,} stakeholders, centres on {self._name(largest['hub'])}",
                    name,
                    2,
                    [largest["hub"]],
                )
            )

        # structural holes
        holes = [s for s in self.stakeholders if s["constraint"] is not None and s["degree"] > 1]
        if holes:
            least = min(s["constraint"] for s in holes)
            lows = [s for s in holes if s["constraint"] == least]
            add(
                Finding(
                    self._who(
                        lows, "spans the most structural holes", "for the most structural holes"
                    )
                    + f" (constraint {_sig(least)}): "
                    + ("its" if len(lows) == 1 else "their")
                    + " contacts are the least tied to one another",
                    name,
                    1,
                    [s["id"] for s in lows],
                )
            )

        # influence and reach
        prs = self._tops("pagerank")
        if prs and c["ties"]:
            add(
                Finding(
                    self._who(prs, "has the highest PageRank", "for the highest PageRank")
                    + f" ({_sig(prs[0]['pagerank'])}): relationships lead to "
                    + ("it" if len(prs) == 1 else "them")
                    + " from well-connected stakeholders",
                    name,
                    1,
                    [s["id"] for s in prs],
                )
            )
        reach = self._tops("reach")
        if reach and reach[0]["reach"] and reach[0]["reach"] > 0:
            add(
                Finding(
                    self._who(
                        reach,
                        "reaches the most stakeholders within two steps",
                        "for reaching the most stakeholders within two steps",
                    )
                    + f" ({_pct(reach[0]['reach'])} of the others)",
                    name,
                    1,
                    [s["id"] for s in reach],
                )
            )
        out.sort(key=lambda f: -f.importance)
        return out

    def _brokerage_finding(self) -> Finding:
        b = self.brokerage
        direct = b["direct_beneficiary_to_leader"] + b["direct_leader_to_beneficiary"]
        brokers = b["beneficiary_leader_brokers"]
        shown = ", ".join(
            f"{d['name']} ({_n(d['paths'], 'path')})" if i == 0 else f"{d['name']} ({d['paths']:,})"
            for i, d in enumerate(brokers[:3])
        )
        link = (
            f"{_n(len(brokers), 'broker')} {'links' if len(brokers) == 1 else 'link'} "
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
            f"{_n(direct, 'tie')} {'links' if direct == 1 else 'link'} beneficiaries "
            "and leaders directly"
        )
        text += f"; {link}" if brokers else "; no broker links them in two steps"
        return Finding(text, self.name, 1, subjects)

    # -------------------------------------------------------------- output

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data (see the class notes for the keys)."""
        return {
            "analysis": self.name,
            "findings": [f.to_dict() for f in self.findings()],
            "include_proposed": self.include_proposed,
            "counts": self.counts,
            "density": self.density,
            "reciprocity": self.reciprocity,
            "components": self.components,
            "isolates": self.isolates,
            "centralization": self.centralization,
            "clustering": self.clustering,
            "estimates": self.estimates,
            "communities": {
                **self.communities,
                "groups": [
                    {k: v for k, v in g.items() if k != "hub"} for g in self.communities["groups"]
                ],
            },
            "brokerage": self.brokerage,
            "stakeholders": [
                {k: v for k, v in s.items() if k != "degree"} for s in self.stakeholders
            ],
        }

    def _figure_lines(self) -> list[str]:
        c = self.counts
        roles = ", ".join(f"{_n(c['by_role'][r], r, _PLURAL[r])}" for r in ROLES)
        lines = [
            f"Stakeholders: {c['stakeholders']:,} ({roles}); factors: {c['factors']:,}",
            f"Ties: {c['ties']:,} (from {_n(c['relationships'], 'working relationship')}); "
            f"density {fmt_number(self.density, 3)}; reciprocity "
            f"{fmt_number(self.reciprocity, 3)}",
        ]
        comp = self.components
        sizes = ", ".join(f"{s:,}" for s in comp["sizes"][:10])
        if len(comp["sizes"]) > 10:
            sizes += ", …"
        lines.append(f"Parts: {comp['count']:,} (sizes {sizes}); isolates: {len(self.isolates):,}")
        lines.append(
            "Degree centralization: in "
            f"{fmt_number(self.centralization['in_degree'], 3)}, out "
            f"{fmt_number(self.centralization['out_degree'], 3)}, undirected "
            f"{fmt_number(self.centralization.get('degree'), 3)}"
        )
        lines.append(
            f"Clustering: average {fmt_number(self.clustering['average'], 3)}, transitivity "
            f"{fmt_number(self.clustering['transitivity'], 3)}"
        )
        com = self.communities
        lines.append(
            f"Communities: {len(com['groups']):,} (Leiden, modularity "
            f"{fmt_number(com['modularity'], 3)})"
        )
        lines += [line[0].upper() + line[1:] for line in self.estimate_lines()]
        return lines

    def _stakeholder_rows(self) -> tuple[list[str], list[list[Any]], str]:
        headers = [
            "stakeholder", "role", "in", "out", "betweenness", "closeness",
            "pagerank", "reach", "constraint", "community", "brokerage",
        ]  # fmt: skip
        ranked = sorted(self.stakeholders, key=lambda s: -(s["betweenness"] or 0))
        rows = [
            [
                s["name"], s["role"], s["in_degree"], s["out_degree"],
                fmt_number(s["betweenness"], 3), fmt_number(s["closeness"], 3),
                fmt_number(s["pagerank"], 3), _pct(s["reach"]),
                fmt_number(s["constraint"], 3), s["community"], s["brokerage"]["total"],
            ]
            for s in ranked[:_ROWS_SHOWN]
        ]  # fmt: skip
        title = (
            f"Stakeholders (top {len(rows):,} of {len(ranked):,} by betweenness)"
            if len(ranked) > _ROWS_SHOWN
            else "Stakeholders (by betweenness)"
        )
        return headers, rows, title

    def _broker_rows(self) -> list[list[Any]]:
        return [
            [d["name"], d["role"], d["beneficiary_to_leader"], d["leader_to_beneficiary"]]
            for d in self.brokerage["beneficiary_leader_brokers"][:_ROWS_SHOWN]
        ]

    def _community_rows(self) -> list[list[Any]]:
        degree = {s["id"]: s["degree"] for s in self.stakeholders}
        rows = []
        for g in self.communities["groups"][:_ROWS_SHOWN]:
            roles = ", ".join(f"{k} {v}" for k, v in g["by_role"].items() if v)
            # the most connected members first
            shown = sorted(g["members"], key=lambda i: -degree.get(i, 0))
            rows.append(
                [g["community"], g["size"], roles, _names([self._name(i) for i in shown], 3)]
            )
        return rows

    def _more(self, rows: list[Any], total: int) -> list[str]:
        return [f"… and {total - len(rows):,} more (all in the JSON)"] if total > len(rows) else []

    def format_text(self) -> str:
        """A plain-text report: findings, figures, then the tables."""
        lines = ["Structure", "", "Findings:"]
        lines += [f"- {f.text}" for f in self.findings()]
        lines += ["", *self._figure_lines()]
        if self.stakeholders:
            headers, rows, title = self._stakeholder_rows()
            lines += ["", f"{title}:", text_table(headers, rows)]
        if self.brokerage["beneficiary_leader_brokers"]:
            lines += [
                "",
                "Brokers between beneficiaries and leaders (two-step paths):",
                text_table(
                    ["broker", "role", "beneficiary → leader", "leader → beneficiary"],
                    self._broker_rows(),
                ),
                *self._more(self._broker_rows(), len(self.brokerage["beneficiary_leader_brokers"])),
            ]
        if self.communities["groups"]:
            lines += [
                "",
                "Communities:",
                text_table(["community", "size", "roles", "members"], self._community_rows()),
                *self._more(self._community_rows(), len(self.communities["groups"])),
            ]
        return "\n".join(lines)

    def format_markdown(self) -> str:
        """A Markdown report: findings, figures, then the tables."""
        out = ["## Structure", "", "### Findings", ""]
        out += [f"- {markdown_text(f.text)}" for f in self.findings()]
        out += ["", "### Figures", ""]
        out += [f"- {markdown_text(line)}" for line in self._figure_lines()]
        if self.stakeholders:
            headers, rows, title = self._stakeholder_rows()
            out += ["", f"### {title}", "", md_table(headers, rows)]
        if self.brokerage["beneficiary_leader_brokers"]:
            out += [
                "",
                "### Brokers between beneficiaries and leaders (two-step paths)",
                "",
                md_table(
                    ["broker", "role", "beneficiary → leader", "leader → beneficiary"],
                    self._broker_rows(),
                ),
                *self._more(self._broker_rows(), len(self.brokerage["beneficiary_leader_brokers"])),
            ]
        if self.communities["groups"]:
            out += [
                "",
                "### Communities",
                "",
                md_table(["community", "size", "roles", "members"], self._community_rows()),
                *self._more(self._community_rows(), len(self.communities["groups"])),
            ]
        return "\n".join(out)


# ----------------------------------------------------------------- metrics


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
    return np.sqrt((b - 1) / b * ((stack - stack.mean(axis=0)) ** 2).sum(axis=0))


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


def _betweenness(g: Any, n: int, sources: np.ndarray | None) -> tuple[np.ndarray, dict[str, Any]]:
    norm = (n - 1) * (n - 2) if n > 2 else 0
    if sources is None:
        raw = np.asarray(g.betweenness(directed=True), dtype=np.float64)
        value = raw / norm if norm else np.zeros(n)
        return value, dict(_EXACT_BETWEENNESS)
    batches = _batches(sources, BATCHES)
    sums = [np.asarray(g.betweenness(directed=True, sources=b.tolist())) for b in batches]
    k = len(sources)
    total = np.sum(sums, axis=0)
    value = total * (n / k) / norm
    leave_out = [
        (total - s) * (n / (k - len(b))) / norm for s, b in zip(sums, batches, strict=True)
    ]
    se = _jackknife(value, leave_out)
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
    return value, {
        "method": "sampled",
        "samples": k,
        "typical_error": _split_half_error(sums, batches, n, norm),
        "top_is_clear": clear,
        "top_error": _typical(se, value, top[:1]),
        "top_ten_unsure": unsure,
    }


def _split_half_error(
    sums: list[np.ndarray], batches: list[np.ndarray], n: int, norm: int
) -> float | None:
    """The typical relative error of the top brokers' estimates, selection included.

    The top brokers of one half of the sample are checked against the other
    half (and the other way round); the median relative gap, divided by √2 for
    a sample twice the size, is the typical error. Unlike each estimate's own
    standard error it counts the luck that put a stakeholder at the top: on a
    map where no one stands out it is large.
    """
    half = len(batches) // 2
    if half == 0:
        return None
    parts = []
    for a, b in ((slice(0, half), slice(half, None)), (slice(half, None), slice(0, half))):
        ka, kb = sum(len(x) for x in batches[a]), sum(len(x) for x in batches[b])
        x = np.sum(sums[a], axis=0) * (n / ka) / norm
        y = np.sum(sums[b], axis=0) * (n / kb) / norm
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
    n: int,
    src: np.ndarray,
    dst: np.ndarray,
    sources: np.ndarray | None,
    length: np.ndarray | None = None,
) -> tuple[np.ndarray, dict[str, Any]]:
    """Outgoing Wasserman–Faust closeness, exact or from sampled targets.

    Searching backwards from a target ``s`` gives ``d(v → s)`` for every ``v``;
    with every stakeholder as a target this is exact, with a sample it
    estimates the share reached and the mean distance. ``length`` gives each
    tie's length (weighted closeness); without it every tie is one step.
    """
    from scipy.sparse.csgraph import shortest_path

    if n < 2:
        return np.zeros(n), {"method": "exact", "samples": None, "typical_error": None}
    back = _csr(n, dst, src, length)
    unweighted = length is None
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
            dist = shortest_path(back, method="D", unweighted=unweighted, indices=chunk)
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
        return value, {"method": "exact", "samples": None, "typical_error": None}
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
    import igraph

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
    out["closeness_weighted"] = _closeness(n, ties.src[keep], ties.dst[keep], None, length[keep])[0]
    out["pagerank_weighted"] = np.asarray(
        g.pagerank(directed=True, damping=0.85, weights=w.tolist(), implementation=_PAGERANK)
    )
    return out


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
    src, dst = ties.src, ties.dst
    t = len(src)
    people = m.stakeholders
    names = {s.id: s.name for s in people}
    role_index = {r: i for i, r in enumerate(ROLES)}
    group = np.asarray([role_index[s.role] for s in people], dtype=np.int64)
    counts = {
        "stakeholders": n,
        "by_role": {r: int((group == i).sum()) for i, r in enumerate(ROLES)},
        "factors": len(m.factors),
        "relationships": ties.relationships,
        "ties": t,
    }
    indeg = np.bincount(dst, minlength=n)
    outdeg = np.bincount(src, minlength=n)
    density = _round(t / (n * (n - 1))) if n > 1 else None
    if t:
        codes = src * n + dst
        returned = int(np.isin(dst * n + src, codes).sum())
        reciprocity: float | None = _round(returned / t)
    else:
        reciprocity = None

    g = _igraph(ties)
    comps = g.connected_components(mode="weak") if n else []
    sizes = sorted((len(c) for c in comps), reverse=True)
    undirected_degree = np.zeros(n, dtype=np.int64)
    if n:
        undirected_degree = np.asarray(g.as_undirected(mode="collapse").degree())
    isolates = [ties.ids[i] for i in np.flatnonzero(undirected_degree == 0)]

    # betweenness and closeness: exact, or from a sample (see the module notes)
    sources: np.ndarray | None = None
    if n * (n + t) > EXACT_WORK:
        k = min(n, max(MIN_SAMPLES, EXACT_WORK // (n + t)))
        sources = np.sort(np.random.default_rng(SEED).choice(n, size=k, replace=False))
    if n:
        betweenness, b_info = _betweenness(g, n, _broker_sample(n, t, sources))
        if b_info["top_ten_unsure"] is not None:
            b_info["top_ten_unsure"] = [ties.ids[i] for i in b_info["top_ten_unsure"]]
        closeness, c_info = _closeness(n, src, dst, sources)
        pagerank = np.asarray(g.pagerank(directed=True, damping=0.85, implementation=_PAGERANK))
        reach2 = np.asarray(g.neighborhood_size(order=2, mode="out")) - 1
        reach = reach2 / (n - 1) if n > 1 else np.zeros(n)
        constraint = np.asarray(g.constraint(), dtype=np.float64)
        membership, modularity = _communities(g)
    else:
        betweenness = closeness = pagerank = reach = constraint = np.zeros(0)
        membership, modularity = np.zeros(0, dtype=np.int64), None
        b_info = dict(_EXACT_BETWEENNESS)
        c_info = {"method": "exact", "samples": None, "typical_error": None}
    for info in (b_info, c_info):
        for key in ("typical_error", "top_error"):
            if key in info:
                info[key] = _round(info[key], 4)

    # communities, numbered by size (then first member in map order), isolates left out
    keep = undirected_degree > 0
    labels = np.unique(membership[keep]) if n else np.zeros(0, dtype=np.int64)
    members = {int(lab): np.flatnonzero(keep & (membership == lab)) for lab in labels}
    ranked = sorted(members, key=lambda lab: (-len(members[lab]), members[lab][0]))
    number = {lab: i + 1 for i, lab in enumerate(ranked)}
    groups = []
    for lab in ranked:
        idx = members[lab]
        hub = idx[np.argmax(undirected_degree[idx])]
        groups.append(
            {
                "community": number[lab],
                "size": len(idx),
                "by_role": {r: int((group[idx] == i).sum()) for i, r in enumerate(ROLES)},
                "members": [ties.ids[i] for i in idx],
                "hub": ties.ids[hub],
            }
        )

    bro = _brokerage(n, src, dst, group)
    ben, lead = role_index["beneficiary"], role_index["leader"]
    direct_bl = int(((group[src] == ben) & (group[dst] == lead)).sum()) if t else 0
    direct_lb = int(((group[src] == lead) & (group[dst] == ben)).sum()) if t else 0
    between_bl = bro[:, 5] + bro[:, 6]
    brokers = [
        {
            "id": ties.ids[i],
            "name": people[i].name,
            "role": people[i].role,
            "paths": int(between_bl[i]),
            "beneficiary_to_leader": int(bro[i, 5]),
            "leader_to_beneficiary": int(bro[i, 6]),
        }
        for i in np.argsort(-between_bl, kind="stable")
        if between_bl[i] > 0
    ]

    cols = {
        "betweenness": _column(betweenness),
        "closeness": _column(closeness),
        "pagerank": _column(pagerank),
        "reach": _column(reach),
        "constraint": _column(np.where(undirected_degree > 0, constraint, np.nan)),
    }
    local = _undirected_metrics(g, n)
    plain = {"betweenness": betweenness, "closeness": closeness, "pagerank": pagerank}
    for key, values in {**local, **_weighted_metrics(g, ties, sources, plain)}.items():
        cols[key] = _column(values) if values is not None else [None] * n
    community = [
        number.get(c) if d else None
        for c, d in zip(membership.tolist(), undirected_degree.tolist(), strict=True)
    ]
    bro_rows = bro.tolist()
    in_list, out_list, deg_list = indeg.tolist(), outdeg.tolist(), undirected_degree.tolist()
    rows = []
    for i, s in enumerate(people):
        b = bro_rows[i]
        rows.append(
            {
                "id": s.id,
                "name": s.name,
                "role": s.role,
                "in_degree": in_list[i],
                "out_degree": out_list[i],
                "betweenness": cols["betweenness"][i],
                "closeness": cols["closeness"][i],
                "pagerank": cols["pagerank"][i],
                "reach": cols["reach"][i],
                "constraint": cols["constraint"][i],
                "clustering": cols["clustering"][i],
                "eigenvector": cols["eigenvector"][i],
                "community": community[i],
                "brokerage": {
                    "coordinator": b[0],
                    "itinerant": b[1],
                    "gatekeeper": b[2],
                    "representative": b[3],
                    "liaison": b[4],
                    "total": b[0] + b[1] + b[2] + b[3] + b[4],
                    "beneficiary_to_leader": b[5],
                    "leader_to_beneficiary": b[6],
                },
                "weighted": {
                    key: cols[key][i]
                    for key in (
                        "strength_in",
                        "strength_out",
                        "betweenness_weighted",
                        "closeness_weighted",
                        "pagerank_weighted",
                    )
                },
                "degree": deg_list[i],
            }
        )

    return StructureResult(
        include_proposed=resolved,
        counts=counts,
        density=density,
        reciprocity=reciprocity,
        components={"count": len(sizes), "sizes": sizes},
        isolates=isolates,
        centralization={
            "in_degree": _round(_centralization(indeg)),
            "out_degree": _round(_centralization(outdeg)),
            "degree": _round(_centralization(undirected_degree, undirected=True)),
        },
        clustering={
            "average": _round(float(np.mean(local["clustering"]))) if n else None,
            "transitivity": _round(_transitivity(g)),
        },
        estimates={"betweenness": b_info, "closeness": c_info},
        communities={
            "method": "leiden",
            "seed": SEED,
            "modularity": _round(modularity),
            "groups": groups,
        },
        brokerage={
            "direct_beneficiary_to_leader": direct_bl,
            "direct_leader_to_beneficiary": direct_lb,
            "beneficiary_leader_brokers": brokers,
        },
        stakeholders=rows,
        names=names,
    )
