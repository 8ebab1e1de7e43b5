"""The equity lens: any per-stakeholder figure broken down by an attribute.

``equity(m, "race")`` groups the stakeholders by an attribute (one of their
free ``attributes``, or ``role``, ``lived_experience``, ``type`` or
``organisation``) and summarises, per group, each **metric** — a mapping
stakeholder id → value:

- **numeric** metrics (every value a number): n, mean, median, min and max;
- **categorical** metrics (text or yes/no, e.g. a voice verdict "no voice" /
  "one-way" / "two-way"): the count and share of each category.

Without ``metrics`` the lens uses the stakeholders' own ``power`` and
``interest`` and their ``in_degree`` / ``out_degree`` on the working graph (the
distinct elements they hear from / reach; the same figures as
``working_digraph(m).in_degree``). Other analyses pass their own per-stakeholder
figures in (betweenness, PageRank, a voice verdict …).

Stakeholders without the attribute form their own row ("not recorded"); it is
shown but never judged. ``roles`` limits the lens to some roles (default: all
stakeholders).

Gaps — the rules:

- **numeric**: a group whose mean is below ``gap_ratio`` (0.8 by default, the
  "four-fifths" rule used for adverse impact) times the best group's mean; for
  metrics named in ``lower_is_better`` (e.g. a path length), a group whose mean
  is above the best group's mean divided by ``gap_ratio``;
- **categorical**: a group whose share of a category is at least
  ``gap_points`` (20) percentage points above the share among all other
  stakeholders in scope; ``concerns`` limits this, per metric, to the
  categories that mark a disadvantage — by default only ``"no voice"`` for the
  voice verdict (:data:`DEFAULT_CONCERNS`), every category for other metrics;
- groups with fewer than ``min_group`` (3) values are **too small to judge**:
  shown, never flagged, never the reference.

Indicators: every disaggregation in the map is shown. A **count** indicator
(people counted) shows each group's **share of the total** (the sum of the
groups); a **rate or level** indicator (its unit mentions %, percent, rate,
ratio, "per", days, weeks, months, years, median, mean, average, score or $)
shows each group's **ratio to the overall value** (the indicator's
``value``), and a group outside ``gap_ratio``× – 1/``gap_ratio``× (0.8× –
1.25×) is a gap, either way (the map does not say whether more is better). When a count indicator is disaggregated by the lens's attribute,
each group's share of the beneficiaries in scope (the people the system
serves; everyone in scope when no beneficiary is) is shown beside it, and a
group is flagged **under-represented** when its share of them is below
``gap_ratio`` times its share of the people counted. Findings cover the
disaggregations by the lens's attribute; the tables show them all.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar, Literal

import numpy as np

from sysmap.analysis._base import Finding
from sysmap.analysis._graph import counts
from sysmap.errors import BadArgument
from sysmap.model import ROLES, Indicator, Stakeholder, SystemMap
from sysmap.problems import did_you_mean, one_of
from sysmap.render import Block, Bullets, Heading, Para, Rendered, Table, fmt_number, pct

__all__ = [
    "equity",
    "EquityResult",
    "MetricBreakdown",
    "GroupStats",
    "Gap",
    "IndicatorBreakdown",
    "default_metrics",
    "BUILT_IN_ATTRIBUTES",
    "DEFAULT_CONCERNS",
    "NOT_RECORDED",
    "pair_text",
]

#: Stakeholder fields the lens can group by besides the free attributes.
BUILT_IN_ATTRIBUTES: tuple[str, ...] = ("role", "lived_experience", "type", "organisation")
#: Categories judged for gaps when ``concerns`` does not name the metric: the
#: voice verdict's "no voice" (a group over-represented among "two-way" is the
#: same disparity seen from the other side).
DEFAULT_CONCERNS: dict[str, tuple[str, ...]] = {"voice": ("no voice",)}
#: The group label of stakeholders without the attribute.
NOT_RECORDED = "not recorded"
_PLURAL = {"beneficiary": "beneficiaries", "provider": "providers", "leader": "leaders"}
#: Units that make an indicator a level (a rate, an average) rather than a count of people.
_RATE_WORDS = (
    "%",
    "percent",
    "rate",
    "ratio",
    "per ",
    "days",
    "weeks",
    "months",
    "years",
    "median",
    "mean",
    "average",
    "score",
    "$",
    "dollar",
)

Value = float | int | str | bool | None


@dataclass
class GroupStats:
    """One group's figures for one metric."""

    group: str
    recorded: bool
    n: int
    n_values: int
    mean: float | None = None
    median: float | None = None
    min: float | None = None
    max: float | None = None
    counts: dict[str, int] = field(default_factory=dict)
    too_small: bool = False

    def share(self, category: str) -> float | None:
        return self.counts.get(category, 0) / self.n_values if self.n_values else None

    def to_dict(self, kind: str) -> dict[str, Any]:
        data: dict[str, Any] = {
            "group": self.group,
            "recorded": self.recorded,
            "n": self.n,
            "n_values": self.n_values,
            "too_small": self.too_small,
        }
        if kind == "numeric":
            data.update(mean=self.mean, median=self.median, min=self.min, max=self.max)
        else:
            data["counts"] = dict(self.counts)
            data["shares"] = {c: self.share(c) for c in self.counts}
        return data


@dataclass
class Gap:
    """A group that fares worse than the rule allows."""

    metric: str
    group: str
    value: float
    compare_to: str
    compare_value: float
    category: str | None
    text: str

    #: The JSON keys, in order.
    FIELDS: ClassVar[tuple[str, ...]] = (
        "metric", "group", "category", "value", "compare_to", "compare_value", "text",
    )  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        return {key: getattr(self, key) for key in self.FIELDS}


@dataclass
class MetricBreakdown:
    """One metric by group, with the overall figures and the gaps found."""

    metric: str
    kind: Literal["numeric", "categorical"]
    overall: GroupStats
    groups: list[GroupStats]
    categories: list[str] = field(default_factory=list)
    reference: str | None = None
    lower_is_better: bool = False
    gaps: list[Gap] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "kind": self.kind,
            "lower_is_better": self.lower_is_better,
            "categories": list(self.categories),
            "reference": self.reference,
            "overall": self.overall.to_dict(self.kind),
            "groups": [g.to_dict(self.kind) for g in self.groups],
            "gaps": [g.to_dict() for g in self.gaps],
        }


@dataclass
class IndicatorBreakdown:
    """One disaggregation of one indicator."""

    id: str
    name: str
    by: str
    unit: str | None
    value: float | None
    measure: Literal["share", "ratio"]
    total: float
    groups: list[dict[str, Any]]
    compared_with: str | None = None
    gap_ratio: float = 0.8

    #: The JSON keys before ``groups``, in order.
    FIELDS: ClassVar[tuple[str, ...]] = (
        "id", "name", "by", "unit", "value", "measure", "total", "compared_with",
    )  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        data = {key: getattr(self, key) for key in self.FIELDS}
        return data | {"groups": [dict(g) for g in self.groups]}


@dataclass
class EquityResult(Rendered):
    """Metrics and indicators broken down by one attribute, with gaps flagged.

    JSON (:meth:`to_dict`) keys: ``analysis``, ``by``, ``roles`` (the roles
    included), ``stakeholders`` (how many), ``groups`` ({group, n,
    recorded}), ``rules`` (gap_ratio, gap_points, min_group), ``metrics``
    (each: metric, kind, lower_is_better, categories, reference, overall,
    groups [group, recorded, n, n_values, too_small, and mean / median / min
    / max or counts / shares], gaps [metric, group, category, value,
    compare_to, compare_value, text]), ``indicators`` (each: id, name, by,
    unit, value, measure, total, groups [group, value, share or ratio,
    stakeholder_share, under_represented]), ``findings``.
    """

    name: ClassVar[str] = "equity"

    by: str
    roles: list[str]
    stakeholders: int
    groups: list[dict[str, Any]]
    metrics: list[MetricBreakdown]
    indicators: list[IndicatorBreakdown]
    gap_ratio: float
    gap_points: float
    min_group: int
    noun: str = "stakeholders"

    @property
    def gaps(self) -> list[Gap]:
        return [g for mb in self.metrics for g in mb.gaps]

    def findings(self) -> list[Finding]:
        out = [Finding(g.text, self.name, 3, [g.group]) for g in self.gaps]
        if self.metrics and not self.gaps and self.stakeholders:
            names = one_of([_metric_words(mb.metric) for mb in self.metrics])
            text = f"No gaps in {names} by {self.by} among {self.noun}"
            if any(
                g.get("gap") or g.get("under_represented") for ib in self._lens() for g in ib.groups
            ):
                text += " (the indicators below show gaps)"
            out.append(Finding(text, self.name, 2))
        for ib in self._lens():
            out.append(Finding(_indicator_text(ib), self.name, 2, [ib.id]))
            for g in ib.groups:
                if g.get("gap"):
                    out.append(Finding(_rate_gap_text(ib, g), self.name, 3, [ib.id]))
            for g in ib.groups:
                if g.get("under_represented"):
                    out.append(
                        Finding(
                            f"{_capital(str(g['group']))}: {pct(g['share'])} of '{ib.name}', "
                            f"{pct(g['stakeholder_share'])} of the {ib.compared_with} on "
                            "this map — under-represented",
                            self.name,
                            3,
                            [ib.id],
                        )
                    )
        small = [g["group"] for g in self.groups if g["recorded"] and g["n"] < self.min_group]
        if small:
            out.append(
                Finding(
                    f"Too small to judge (fewer than {self.min_group} {self.noun}): "
                    + ", ".join(small),
                    self.name,
                    1,
                )
            )
        # groups big enough in all, but with too few values for one metric
        for mb in self.metrics:
            few = [g.group for g in mb.groups if g.too_small and g.group not in small]
            if few:
                out.append(
                    Finding(
                        f"Too small to judge for {_metric_words(mb.metric)} (fewer than "
                        f"{self.min_group} {self.noun} with a value): " + ", ".join(few),
                        self.name,
                        1,
                    )
                )
        missing = next((g["n"] for g in self.groups if not g["recorded"]), 0)
        if missing:
            out.append(
                Finding(
                    f"{missing} of {self.stakeholders} {self.noun} "
                    f"{'has' if missing == 1 else 'have'} no {self.by} recorded",
                    self.name,
                    1,
                )
            )
        # the same sentence once, however many tables lead to it
        unique: dict[str, Finding] = {}
        for f in out:
            unique.setdefault(f.text, f)
        return list(unique.values())

    def gap_texts(self) -> list[str]:
        """Every gap as a sentence: the figures' gaps, then the indicators' (rates
        outside the four-fifths band, under-represented groups), by the lens's attribute."""
        out = [g.text for g in self.gaps]
        for ib in self._lens():
            out += [_rate_gap_text(ib, g) for g in ib.groups if g.get("gap")]
        out += [f.text for f in self.findings() if f.text.endswith("this map — under-represented")]
        return list(dict.fromkeys(out))

    def _lens(self) -> list[IndicatorBreakdown]:
        """The indicator breakdowns by the lens's attribute (the others are in the tables)."""
        return [ib for ib in self.indicators if ib.by == self.by]

    def to_dict(self) -> dict[str, Any]:
        return {
            "analysis": self.name,
            "by": self.by,
            "roles": list(self.roles),
            "stakeholders": self.stakeholders,
            "groups": [dict(g) for g in self.groups],
            "rules": {
                "gap_ratio": self.gap_ratio,
                "gap_points": self.gap_points,
                "min_group": self.min_group,
            },
            "metrics": [mb.to_dict() for mb in self.metrics],
            "indicators": [ib.to_dict() for ib in self.indicators],
            "findings": [f.to_dict() for f in self.findings()],
        }

    def _tables(self) -> list[tuple[str, list[str], list[list[Any]]]]:
        out = []
        for mb in self.metrics:
            gapped = {g.group for g in mb.gaps}
            rows: list[list[Any]] = []
            if mb.kind == "numeric":
                headers = ["group", "n", "mean", "median", "min", "max", "note"]
                for g in [*mb.groups, mb.overall]:
                    rows.append(
                        [
                            g.group,
                            g.n_values,
                            fmt_number(g.mean),
                            fmt_number(g.median),
                            g.min,
                            g.max,
                        ]
                        + [_note(g, gapped, mb.reference) if g is not mb.overall else ""]
                    )
            else:
                headers = ["group", "n", *mb.categories, "note"]
                for g in [*mb.groups, mb.overall]:
                    rows.append(
                        [g.group, g.n_values, *(pct(g.share(c)) for c in mb.categories)]
                        + [_note(g, gapped, None) if g is not mb.overall else ""]
                    )
            title = _metric_words(mb.metric) + (" (lower is better)" if mb.lower_is_better else "")
            out.append((title, headers, rows))
        for ib in self.indicators:
            headers = ["group", "value", "share of total" if ib.measure == "share" else "× overall"]
            with_stakeholders = any("stakeholder_share" in row for row in ib.groups)
            if with_stakeholders:
                headers += [f"share of {ib.compared_with}", "note"]
            rows = []
            for item in ib.groups:
                row = [
                    item["group"],
                    item["value"],
                    pct(item["share"]) if ib.measure == "share" else _times(item["ratio"]),
                ]
                if with_stakeholders:
                    row += [
                        pct(item.get("stakeholder_share")),
                        "under-represented" if item.get("under_represented") else "",
                    ]
                rows.append(row)
            out.append((f"Indicator '{ib.name}' by {ib.by}", headers, rows))
        return out

    def _scope(self) -> str:
        roles = "all roles" if set(self.roles) == set(ROLES) else "roles: " + ", ".join(self.roles)
        return (
            f"{self.stakeholders} {self.noun} ({roles}) by {self.by}; gap rule: mean below "
            f"{fmt_number(self.gap_ratio)} × the best group's, or a category share "
            f"{fmt_number(self.gap_points)} points above the rest; groups under "
            f"{self.min_group} not judged"
        )

    def blocks(self) -> list[Block]:
        """Findings, the scope and rules, then one table per metric and indicator."""
        out: list[Block] = [
            Heading(f"Equity lens: by {self.by}", 2),
            Bullets([f.text for f in self.findings()]),
            Para(self._scope() + "."),
        ]
        for title, headers, rows in self._tables():
            out += [Heading(title), Table(headers, rows)]
        return out


def _note(g: GroupStats, gapped: set[str], reference: str | None) -> str:
    if not g.recorded:
        return "not judged"
    if g.too_small:
        return "too small to judge"
    if g.group in gapped:
        return "gap"
    if g.group == reference:
        return "best"
    return ""


def pair_text(a: float, b: float) -> tuple[str, str]:
    """Two figures with as many digits as it takes to see that they differ.

    One decimal when that shows the difference, else more significant digits
    (up to six), so that a gap is never written "0 vs 0".

    Example
    -------
    >>> pair_text(0.4, 0.7), pair_text(0.00012, 0.0031), pair_text(2.0, 3.0)
    (('0.4', '0.7'), ('0.00012', '0.0031'), ('2', '3'))
    """
    # to one decimal, a figure that rounds to a whole number written as one
    first = (fmt_number(round(a, 1), 1), fmt_number(round(b, 1), 1))
    if a == b:
        return first
    if first[0] != first[1] and (a == 0 or first[0] != "0") and (b == 0 or first[1] != "0"):
        return first
    for digits in range(2, 7):
        pair = (_sig(a, digits), _sig(b, digits))
        if pair[0] != pair[1]:
            return pair
    return _sig(a, 6), _sig(b, 6)


def _sig(value: float, digits: int) -> str:
    if value == 0 or float(value).is_integer():
        return fmt_number(value)
    return f"{value:.{digits}g}"


def _metric_words(metric: str) -> str:
    return metric.replace("_", " ")


def _times(ratio: float | None) -> str:
    return "—" if ratio is None else f"{ratio:.2f}×"


def _indicator_text(ib: IndicatorBreakdown) -> str:
    groups = sorted(ib.groups, key=lambda g: -(g["value"] or 0))
    if ib.measure == "share":
        parts = [f"{g['group']} {pct(g['share'])}" for g in groups]
        return f"Indicator '{ib.name}' by {ib.by}: " + ", ".join(parts) + " of the total"
    overall = _with_unit(ib.value, ib.unit)
    if ib.value is None:
        parts = [f"{g['group']} {_with_unit(g['value'], ib.unit)}" for g in groups]
        return f"Indicator '{ib.name}' by {ib.by}: " + ", ".join(parts) + " (no overall value)"
    parts = [f"{g['group']} {_times(g['ratio'])}" for g in groups]
    return (
        f"Indicator '{ib.name}' by {ib.by}: " + ", ".join(parts) + f" the overall rate ({overall})"
    )


def _rate_gap_text(ib: IndicatorBreakdown, g: dict[str, Any]) -> str:
    mine, overall = pair_text(float(g["value"]), float(ib.value or 0))
    unit = "%" if ib.unit in ("%", "percent") else (f" {ib.unit}" if ib.unit else "")
    return (
        f"{_capital(str(g['group']))}: {mine}{unit} on '{ib.name}' vs {overall}{unit} overall "
        f"({_times(g['ratio'])}, outside {fmt_number(ib.gap_ratio)}×–"
        f"{fmt_number(1 / ib.gap_ratio)}×) — a gap"
    )


def _with_unit(value: float | None, unit: str | None) -> str:
    text = fmt_number(value)
    if unit in ("%", "percent"):
        return text + "%"
    return f"{text} {unit}" if unit else text


# ---------------------------------------------------------------- the analysis


def default_metrics(m: SystemMap) -> dict[str, dict[str, Value]]:
    """Power, interest, in-degree and out-degree of every stakeholder.

    Degrees count the distinct elements linked on the working graph (see
    :mod:`sysmap.analysis._graph`), as ``working_digraph(m).in_degree`` does.

    Example
    -------
    The in-degrees noted at the top of ``examples/small.yaml``:

    >>> import sysmap
    >>> from sysmap.examples import examples_folder
    >>> m = sysmap.load_map(examples_folder() / "small.yaml")
    >>> heard = default_metrics(m)["in_degree"]
    >>> heard["shelter"], heard["board"], heard["youth"], heard["foundation"]
    (3, 3, 1, 0)
    """
    ids = [s.id for s in m.stakeholders] + [f.id for f in m.factors]
    index = {ident: i for i, ident in enumerate(ids)}
    n = len(ids)
    src_l, dst_l = [], []
    for r in m.relationships:
        u, v = index.get(r.source), index.get(r.target)
        if u is None or v is None or not counts(r, m):
            continue
        src_l.append(u)
        dst_l.append(v)
        if r.direction == "mutual":
            src_l.append(v)
            dst_l.append(u)
    links = np.unique(np.array(src_l, dtype=np.int64) * n + np.array(dst_l, dtype=np.int64))
    out_deg = np.bincount(links // n, minlength=n) if n else np.zeros(0, dtype=np.int64)
    in_deg = np.bincount(links % n, minlength=n) if n else np.zeros(0, dtype=np.int64)
    k = len(m.stakeholders)
    sid = ids[:k]
    return {
        "power": {s.id: s.power for s in m.stakeholders},
        "interest": {s.id: s.interest for s in m.stakeholders},
        "in_degree": dict(zip(sid, in_deg[:k].tolist(), strict=True)),
        "out_degree": dict(zip(sid, out_deg[:k].tolist(), strict=True)),
    }


def equity(
    m: SystemMap,
    by: str,
    *,
    metrics: Mapping[str, Mapping[str, Value]] | None = None,
    roles: Iterable[str] | None = None,
    gap_ratio: float = 0.8,
    gap_points: float = 20,
    min_group: int = 3,
    lower_is_better: Collection[str] = (),
    concerns: Mapping[str, Collection[str]] | None = None,
) -> EquityResult:
    """Break per-stakeholder metrics and the map's indicators down by an attribute.

    Parameters
    ----------
    m : SystemMap
        The map.
    by : str
        A key of the stakeholders' ``attributes`` (e.g. ``race``), or one of
        :data:`BUILT_IN_ATTRIBUTES`.
    metrics : mapping, optional
        Metric name → {stakeholder id → number, text, yes/no or None}.
        Default: :func:`default_metrics` (power, interest, in/out degree).
    roles : iterable of str, optional
        Only stakeholders in these roles (default: all).
    gap_ratio : float, default 0.8
        A group's mean below this times the best group's mean is a gap.
    gap_points : float, default 20
        A category share this many percentage points above the rest's is a gap.
    min_group : int, default 3
        Groups with fewer values are too small to judge.
    lower_is_better : collection of str
        Numeric metrics where less is better (e.g. a path length).
    concerns : mapping, optional
        Categorical metric → the categories that mark a disadvantage; only
        those are judged for that metric. Merged over
        :data:`DEFAULT_CONCERNS`; other metrics: every category.

    Returns
    -------
    EquityResult
        Per metric, figures per group and overall, and the gaps; per indicator
        disaggregation, each group's share or ratio.

    Raises
    ------
    BadArgument
        When ``by`` is not an attribute of any stakeholder, or a role is unknown.

    Example
    -------
    In ``examples/small.yaml`` two beneficiaries are Black (power 1 and 0), one
    White (power 1); groups of one are judged here:

    >>> import sysmap
    >>> from sysmap.examples import examples_folder
    >>> m = sysmap.load_map(examples_folder() / "small.yaml")
    >>> power = {s.id: s.power for s in m.stakeholders}
    >>> r = equity(m, "race", metrics={"power": power}, roles=["beneficiary"], min_group=1)
    >>> print(r.findings()[0].text)
    Black beneficiaries: mean power 0.5 vs 1 for White beneficiaries — a gap
    """
    lens = _Lens.of(m, by, roles, gap_ratio=gap_ratio, gap_points=gap_points, min_group=min_group)
    watch: dict[str, Collection[str]] = {**DEFAULT_CONCERNS, **(concerns or {})}
    breakdowns = [
        _breakdown(name, values, lens, name in lower_is_better, watch.get(name))
        for name, values in (default_metrics(m) if metrics is None else metrics).items()
    ]
    return EquityResult(metrics=breakdowns, indicators=lens.indicators(m), **lens.figures())


@dataclass
class _Lens:
    """Who is in scope, the group of each, and the gap rules: what every
    breakdown needs."""

    by: str
    roles: list[str]
    scope: list[Stakeholder]
    group_of: dict[str, str | None]
    noun: str
    gap_ratio: float
    gap_points: float
    min_group: int

    @classmethod
    def of(
        cls,
        m: SystemMap,
        by: str,
        roles: Iterable[str] | None,
        *,
        gap_ratio: float,
        gap_points: float,
        min_group: int,
    ) -> _Lens:
        """The lens for ``equity`` (which checks ``by`` and ``roles`` here)."""
        role_list = _check_roles(roles)
        attribute = _check_attribute(by, list(m.stakeholders))
        scope = [s for s in m.stakeholders if s.role in role_list]
        present = sorted({s.role for s in scope})
        noun = _PLURAL[present[0]] if len(present) == 1 else "stakeholders"
        group_of = {s.id: _group_value(s, by, attribute) for s in scope}
        return cls(by, role_list, scope, group_of, noun, gap_ratio, gap_points, min_group)

    @cached_property
    def labels(self) -> list[str | None]:
        """The groups, largest first, then stakeholders without the attribute (None)."""
        sizes = Counter(self.group_of.values())
        order = sorted((g for g in sizes if g is not None), key=lambda g: (-sizes[g], g))
        return [*order, *([None] if None in sizes else [])]

    def figures(self) -> dict[str, Any]:
        """The result's fields that describe the lens itself."""
        sizes = Counter(self.group_of.values())
        groups = [
            {"group": _label(g), "n": sizes[g], "recorded": g is not None} for g in self.labels
        ]
        return {
            "by": self.by, "roles": self.roles, "stakeholders": len(self.scope),
            "groups": groups, "gap_ratio": self.gap_ratio, "gap_points": self.gap_points,
            "min_group": self.min_group, "noun": self.noun,
        }  # fmt: skip

    def indicators(self, m: SystemMap) -> list[IndicatorBreakdown]:
        """Every disaggregation of the map's indicators, compared with the groups."""
        # The people an indicator counts are people the system serves: compare their
        # groups with the beneficiaries in scope (or, without any, everyone in scope).
        served = {s.id: self.group_of[s.id] for s in self.scope if s.role == "beneficiary"}
        at_table, among = (served, "beneficiaries") if served else (self.group_of, self.noun)
        return [
            ib
            for ind in m.indicators
            for ib in _indicator(ind, self.by, at_table, among, self.gap_ratio)
        ]


def _check_roles(roles: Iterable[str] | None) -> list[str]:
    if roles is None:
        return list(ROLES)
    if isinstance(roles, str):
        roles = [roles]
    out = []
    for role in roles:
        if role not in ROLES:
            guess = did_you_mean(role, ROLES)
            hint = f"did you mean '{guess}'? " if guess else ""
            message = f"unknown role '{role}' — {hint}use {one_of(list(ROLES))}"
            raise BadArgument(message, argument="roles", choices=ROLES)
        if role not in out:
            out.append(role)
    return [r for r in ROLES if r in out]


def _check_attribute(by: str, stakeholders: list[Stakeholder]) -> bool:
    """True for a free attribute, False for a built-in field; else an error."""
    known = sorted({k for s in stakeholders for k in s.attributes})
    if by in known:
        return True
    if by in BUILT_IN_ATTRIBUTES:
        return False
    guess = did_you_mean(by, [*known, *BUILT_IN_ATTRIBUTES])
    hint = f"did you mean '{guess}'? " if guess else ""
    have = (
        "the map's stakeholders have these attributes: " + ", ".join(known)
        if known
        else "the map's stakeholders have no attributes (add them under attributes:, e.g. race)"
    )
    raise BadArgument(
        f"unknown attribute '{by}' — {hint}{have}; or use {one_of(list(BUILT_IN_ATTRIBUTES))}",
        argument="by",
        choices=[*known, *BUILT_IN_ATTRIBUTES],
    )


def _group_value(s: Stakeholder, by: str, attribute: bool) -> str | None:
    value = s.attributes.get(by) if attribute else getattr(s, by)
    if value is None or value == "":
        return None
    return _text(value)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return fmt_number(value)
    return str(value)


def _label(group: str | None) -> str:
    return NOT_RECORDED if group is None else group


def _who(group: str, noun: str, by: str) -> str:
    """'Black beneficiaries', 'beneficiaries with age_group 18-24', …"""
    if group == NOT_RECORDED:
        return f"{noun} with no {by} recorded"
    if group[:1].isalpha() and group not in ("true", "false"):
        return f"{group} {noun}"
    return f"{noun} with {by} {group}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _breakdown(
    name: str,
    values: Mapping[str, Value],
    lens: _Lens,
    lower_is_better: bool,
    concerns: Collection[str] | None,
) -> MetricBreakdown:
    """One metric per group, overall, and the groups that fare worse than the rule allows."""
    labels = lens.labels
    per_group: dict[str | None, list[Any]] = {g: [] for g in labels}
    size = Counter(lens.group_of.values())
    everyone: list[Any] = []
    for s in lens.scope:
        v = values.get(s.id)
        if v is None or (isinstance(v, float) and math.isnan(v)):
            continue
        per_group[lens.group_of[s.id]].append(v)
        everyone.append(v)
    numeric = all(_is_number(v) for v in everyone)
    kind: Literal["numeric", "categorical"] = "numeric" if numeric else "categorical"

    def stats(label: str, recorded: bool, n: int, vs: list[Any]) -> GroupStats:
        small = recorded and len(vs) < lens.min_group
        g = GroupStats(label, recorded, n, len(vs), too_small=small)
        if numeric and vs:
            g.mean = statistics.fmean(vs)
            g.median = float(statistics.median(vs))
            g.min, g.max = min(vs), max(vs)
        elif not numeric:
            g.counts = dict(Counter(_text(v) for v in vs))
        return g

    stats_list = [stats(_label(g), g is not None, size[g], per_group[g]) for g in labels]
    overall = stats("all", False, len(lens.scope), everyone)
    mb = MetricBreakdown(name, kind, overall, stats_list, lower_is_better=lower_is_better)
    judged = [g for g in stats_list if g.recorded and not g.too_small and g.n_values]
    if numeric:
        _mean_gaps(mb, judged, lens)
    else:
        _share_gaps(mb, judged, everyone, lens, concerns)
    return mb


def _mean_gaps(mb: MetricBreakdown, judged: list[GroupStats], lens: _Lens) -> None:
    """Groups whose mean is outside ``gap_ratio`` of the best group's."""
    means = [g for g in judged if g.mean is not None]
    if not means:
        return
    lower = mb.lower_is_better
    best = (min if lower else max)(means, key=lambda g: g.mean or 0.0)
    mb.reference = best.group
    bm = best.mean or 0.0
    for g in means:
        gm = g.mean or 0.0
        worse = gm > bm / lens.gap_ratio if lower else gm < lens.gap_ratio * bm
        if g is best or not worse or (not lower and bm <= 0):
            continue
        mine, theirs = pair_text(gm, bm)
        text = (
            f"{_capital(_who(g.group, lens.noun, lens.by))}: mean {_metric_words(mb.metric)} "
            f"{mine} vs {theirs} for {_who(best.group, lens.noun, lens.by)} — a gap"
        )
        mb.gaps.append(Gap(mb.metric, g.group, gm, best.group, bm, None, text))


def _share_gaps(
    mb: MetricBreakdown,
    judged: list[GroupStats],
    everyone: list[Any],
    lens: _Lens,
    concerns: Collection[str] | None,
) -> None:
    """Groups whose share of a category is ``gap_points`` above the rest's."""
    total = Counter(_text(v) for v in everyone)
    mb.categories = [c for c, _ in sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))]
    watch = mb.categories if concerns is None else [c for c in mb.categories if c in concerns]
    for g in judged:
        rest_n = len(everyone) - g.n_values
        if rest_n == 0:
            continue
        for c in watch:
            share = g.share(c) or 0.0
            rest = (total[c] - g.counts.get(c, 0)) / rest_n
            if share - rest >= lens.gap_points / 100 - 1e-9:
                text = (
                    f"{_capital(_who(g.group, lens.noun, lens.by))}: {pct(share)} '{c}' vs "
                    f"{pct(rest)} for other {lens.noun} — a gap"
                )
                mb.gaps.append(Gap(mb.metric, g.group, share, "rest", rest, c, text))


def _indicator(
    ind: Indicator,
    by: str,
    group_of: dict[str, str | None],
    among: str,
    gap_ratio: float,
) -> list[IndicatorBreakdown]:
    out = []
    unit = (ind.unit or "").lower()
    rate = any(w in unit for w in _RATE_WORDS)
    for d in ind.disaggregations:
        total = float(sum(d.values.values()))
        present = Counter(g.casefold() for g in group_of.values() if g is not None)
        recorded = sum(present.values())
        rows: list[dict[str, Any]] = []
        compare = not rate and d.by == by and recorded > 0
        for group, value in d.values.items():
            row: dict[str, Any] = {"group": group, "value": value}
            if rate:
                row["ratio"] = value / ind.value if ind.value else None
                row["gap"] = row["ratio"] is not None and (
                    row["ratio"] < gap_ratio - 1e-9 or row["ratio"] > 1 / gap_ratio + 1e-9
                )
            else:
                share = value / total if total else None
                row["share"] = share
                if compare:
                    row["stakeholder_share"] = present[group.casefold()] / recorded
                    row["under_represented"] = bool(
                        share is not None and row["stakeholder_share"] < gap_ratio * share
                    )
            rows.append(row)
        out.append(
            IndicatorBreakdown(
                id=ind.id,
                name=ind.name,
                by=d.by,
                unit=ind.unit,
                value=ind.value,
                measure="ratio" if rate else "share",
                total=total,
                groups=rows,
                compared_with=among if compare else None,
                gap_ratio=gap_ratio,
            )
        )
    return out
