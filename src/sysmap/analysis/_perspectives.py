"""Perspectives: the system as each source sees it, and where the views differ.

A map records who told us about a relationship: each ``evidence`` entry may
name who ``asserted_by`` it — a role group (``beneficiary``, ``provider``,
``leader``) or a stakeholder's id. When two sources see one relationship
differently, the map holds two parallel entries (same from, to and kind), each
with its own evidence — "providers say referral is strong, people with lived
experience say it is weak".

Which view an assertion belongs to:

- a role group name → that role's view;
- a stakeholder id → that stakeholder's role's view (and, when asked for by
  ``groups``, the stakeholder's own view);
- the **lived experience** view holds the assertions of the beneficiary group,
  of every beneficiary stakeholder, and of every stakeholder with
  ``lived_experience: true`` whatever their role (a peer navigator on a
  provider's staff speaks from lived experience too). It therefore contains
  the beneficiary view, and the two are not compared with each other; nor is
  a stakeholder's own view compared with a view it is part of.
- a relationship with no ``asserted_by`` in any evidence entry is
  **unattributed**; the unattributed view is counted and summarised but not
  compared.

A relationship asserted by several sources counts in each of their views.

Headline figures per view: relationships asserted; elements they touch;
density (distinct working links — mutual ones both ways, broken and, in a
current map, proposed ones left out — over the ordered pairs of the elements
the view touches); mean strength and mean trust (over relationships that
record them); the share recorded as weak or broken.

Disagreements between two views, per relationship key (from, to, kind; a
mutual relationship's key has its ends in sorted order):

- **coverage**: keys one view asserts and the other does not;
- **ratings**: keys both assert where strengths or trusts differ by
  ``threshold`` points or more (2 by default), or the status differs. When a
  view records one key more than once, its figures are the mean strength and
  trust and the least healthy status (broken < weak < proposed < existing).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from itertools import combinations
from typing import Any, ClassVar

import numpy as np

from sysmap.analysis._base import Finding
from sysmap.analysis._graph import counts
from sysmap.errors import BadArgument
from sysmap.model import ROLES, Relationship, Stakeholder, SystemMap
from sysmap.problems import did_you_mean, one_of
from sysmap.render import (
    Block,
    Bullets,
    Heading,
    Para,
    Rendered,
    Table,
    fmt_number,
    pct,
    render_markdown,
    render_text,
)

__all__ = [
    "perspectives",
    "PerspectivesResult",
    "ViewSummary",
    "Disagreement",
    "ViewComparison",
    "STANDARD_VIEWS",
]

#: The views shown when ``groups`` is not given, in this order.
STANDARD_VIEWS: tuple[str, ...] = ("lived_experience", "beneficiary", "provider", "leader")
_LABELS = {
    "lived_experience": "people with lived experience",
    "beneficiary": "beneficiaries",
    "provider": "providers",
    "leader": "leaders",
    "unattributed": "unattributed",
}
# From least to most healthy: a view that records a link twice keeps the worst.
_HEALTH = {"broken": 0, "weak": 1, "proposed": 2, "existing": 3}

Key = tuple[str, str, str]


@dataclass
class ViewSummary:
    """Headline figures for one view."""

    view: str
    label: str
    relationships: int
    elements: int
    links: int
    density: float | None
    mean_strength: float | None
    mean_trust: float | None
    weak_or_broken: int

    @property
    def share_weak_or_broken(self) -> float | None:
        return self.weak_or_broken / self.relationships if self.relationships else None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"share_weak_or_broken": self.share_weak_or_broken}


@dataclass
class Rating:
    """How one view records one relationship key."""

    view: str
    strength: float | None
    trust: float | None
    status: str
    entries: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def short(self) -> str:
        return f"{fmt_number(self.strength, 1)} / {fmt_number(self.trust, 1)} / {self.status}"


@dataclass
class Disagreement:
    """One relationship two views rate differently."""

    source: str
    target: str
    kind: str
    source_name: str
    target_name: str
    differs: list[str]
    ratings: tuple[Rating, Rating]

    @property
    def gap(self) -> float:
        """The largest strength or trust difference (0 when only the status differs)."""
        a, b = self.ratings
        gaps = [
            abs(x - y)
            for x, y in ((a.strength, b.strength), (a.trust, b.trust))
            if x is not None and y is not None
        ]
        return max(gaps, default=0.0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.source,
            "to": self.target,
            "kind": self.kind,
            "from_name": self.source_name,
            "to_name": self.target_name,
            "differs": list(self.differs),
            "gap": self.gap,
            "ratings": [r.to_dict() for r in self.ratings],
        }


@dataclass
class ViewComparison:
    """Two views side by side: what only one asserts, what they rate differently."""

    views: tuple[str, str]
    shared: int
    only_first: list[Key]
    only_second: list[Key]
    disagreements: list[Disagreement]

    def to_dict(self) -> dict[str, Any]:
        def keys(ks: list[Key]) -> list[dict[str, str]]:
            return [{"from": a, "to": b, "kind": k} for a, b, k in ks]

        return {
            "views": list(self.views),
            "shared": self.shared,
            "only_first": keys(self.only_first),
            "only_second": keys(self.only_second),
            "disagreements": [d.to_dict() for d in self.disagreements],
        }


@dataclass
class PerspectivesResult(Rendered):
    """Each view's headline figures, and how pairs of views differ.

    JSON (:meth:`to_dict`) keys: ``analysis``, ``threshold``, ``views`` (each:
    view, label, relationships, elements, links, density, mean_strength,
    mean_trust, weak_or_broken, share_weak_or_broken), ``unattributed`` (the
    same figures for relationships nobody is recorded as asserting),
    ``total_relationships``, ``comparisons`` (each: views [first, second],
    shared, only_first / only_second [from, to, kind], disagreements [from,
    to, kind, from_name, to_name, differs, gap, ratings [view, strength,
    trust, status, entries]]), ``findings``.
    """

    name: ClassVar[str] = "perspectives"

    threshold: float
    views: list[ViewSummary]
    unattributed: ViewSummary
    total_relationships: int
    comparisons: list[ViewComparison]
    labels: dict[str, str] = field(default_factory=dict, repr=False)
    plural: dict[str, bool] = field(default_factory=dict, repr=False)

    def label(self, view: str, capital: bool = False) -> str:
        text = self.labels.get(view, view)
        return text[:1].upper() + text[1:] if capital else text

    def _verb(self, view: str, verb: str) -> str:
        return verb if self.plural.get(view, True) else verb + "s"

    def findings(self) -> list[Finding]:
        """What the views say differently, headlines first within each kind."""
        out: list[Finding] = []
        attributed = self.total_relationships - self.unattributed.relationships
        if self.total_relationships and attributed == 0:
            text = (
                "No relationship records who asserted it (evidence asserted_by), so the map "
                "shows one view of the system — record who told you, to compare views"
            )
            out.append(Finding(text, self.name, 2))
        out += self._disagreement_findings()
        out += self._weak_share_findings()
        out += self._coverage_findings()
        u = self.unattributed.relationships
        if u and attributed:
            text = (
                f"{u} of {self.total_relationships} relationships do not say who asserted "
                "them (the unattributed view)"
            )
            out.append(Finding(text, self.name, 1))
        return out

    def _disagreement_findings(self) -> list[Finding]:
        """Per pair of views, how many relationships they rate differently."""
        out: list[Finding] = []
        # The lived-experience view contains the beneficiary view, so their
        # comparisons with a third view often say the same thing: say it once.
        said: set[Any] = set()
        for c in self.comparisons:
            sig = (c.views[1], _signature(c))
            if not c.disagreements or sig in said:
                continue
            said.add(sig)
            x, y = c.views
            n = len(c.disagreements)
            important = {"lived_experience", "beneficiary"} & set(c.views)
            text = (
                f"{self.label(x, True)} and {self.label(y)} disagree on {n} "
                f"relationship{'s' if n != 1 else ''}: {self._detail(c.disagreements[0])}"
            )
            out.append(Finding(text, self.name, 3 if important else 2, [x, y]))
        return out

    def _weak_share_findings(self) -> list[Finding]:
        """The views that see most and least of their relationships as weak or broken."""
        shares = [
            v for v in self.views if v.relationships >= 3 and v.share_weak_or_broken is not None
        ]
        if len(shares) < 2:
            return []
        hi = max(shares, key=lambda v: v.share_weak_or_broken or 0.0)
        lo = min(shares, key=lambda v: v.share_weak_or_broken or 0.0)
        if (hi.share_weak_or_broken or 0.0) - (lo.share_weak_or_broken or 0.0) < 0.2:
            return []
        text = (
            f"{self.label(hi.view, True)} {self._verb(hi.view, 'see')} "
            f"{pct(hi.share_weak_or_broken)} of the relationships "
            f"{'they' if self.plural.get(hi.view, True) else 'it'} "
            f"{self._verb(hi.view, 'assert')} as weak or broken, "
            f"{self.label(lo.view)} {pct(lo.share_weak_or_broken)}"
        )
        return [Finding(text, self.name, 2, [hi.view, lo.view])]

    def _coverage_findings(self) -> list[Finding]:
        """Per pair of views, the relationships only one of them asserts."""
        out: list[Finding] = []
        shown: set[Any] = set()
        size = {v.view: v.relationships for v in self.views}
        for c in self.comparisons:
            x, y = c.views
            a, b = len(c.only_first), len(c.only_second)
            key = (y, tuple(c.only_first), tuple(c.only_second))
            if a + b == 0 or key in shown or not size.get(x) or not size.get(y):
                continue  # a view that asserts nothing differs from everyone: not news
            shown.add(key)
            text = (
                f"{self.label(x, True)} {self._verb(x, 'assert')} {a} relationship"
                f"{'s' if a != 1 else ''} that {self.label(y)} "
                f"{'do' if self.plural.get(y, True) else 'does'} not, and {self.label(y)} "
                f"{b} that {self.label(x)} {'do' if self.plural.get(x, True) else 'does'} not"
            )
            out.append(Finding(text, self.name, 1, [x, y]))
        return out

    def _detail(self, d: Disagreement) -> str:
        a, b = d.ratings
        link = f"{d.source_name} → {d.target_name}"
        for what in ("strength", "trust"):
            x, y = getattr(a, what), getattr(b, what)
            if what in d.differs and x is not None and y is not None and abs(x - y) == d.gap:
                hi, lo = (a, b) if x >= y else (b, a)
                verb = self._verb(hi.view, "rate")
                on = f"trust on {link}" if what == "trust" else link
                return (
                    f"{self.label(hi.view)} {verb} {on} {fmt_number(getattr(hi, what), 1)}/5, "
                    f"{self.label(lo.view)} {fmt_number(getattr(lo, what), 1)}/5"
                )
        hi, lo = (a, b) if _HEALTH[a.status] >= _HEALTH[b.status] else (b, a)
        return (
            f"{self.label(hi.view)} {self._verb(hi.view, 'record')} {link} as {hi.status}, "
            f"{self.label(lo.view)} as {lo.status}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "analysis": self.name,
            "threshold": self.threshold,
            "views": [v.to_dict() for v in self.views],
            "unattributed": self.unattributed.to_dict(),
            "total_relationships": self.total_relationships,
            "comparisons": [c.to_dict() for c in self.comparisons],
            "findings": [f.to_dict() for f in self.findings()],
        }

    def _view_rows(self) -> list[list[Any]]:
        return [
            [
                v.label,
                v.relationships,
                v.elements,
                fmt_number(v.density, 3),
                fmt_number(v.mean_strength, 1),
                fmt_number(v.mean_trust, 1),
                pct(v.share_weak_or_broken),
            ]
            for v in [*self.views, self.unattributed]
        ]

    _VIEW_HEADERS: ClassVar[list[str]] = [
        "view",
        "relationships",
        "elements",
        "density",
        "mean strength",
        "mean trust",
        "weak or broken",
    ]

    def _comparison_blocks(self, c: ViewComparison, limit: int) -> list[Block]:
        x, y = c.views
        said = (
            f"{len(c.disagreements)} rated differently, {c.shared} asserted by both, "
            f"{len(c.only_first)} only by {self.label(x)}, "
            f"{len(c.only_second)} only by {self.label(y)}."
        )
        out: list[Block] = [Para(said, label=f"{self.label(x, True)} vs {self.label(y)}:")]
        if c.disagreements:
            headers = [
                "relationship",
                "kind",
                f"{self.label(x)} (strength / trust / status)",
                self.label(y),
                "differs in",
            ]
            rows = [
                [f"{d.source_name} → {d.target_name}", d.kind, d.ratings[0].short(),
                 d.ratings[1].short(), ", ".join(d.differs)]
                for d in c.disagreements[:limit]
            ]  # fmt: skip
            out.append(Table(headers, rows, total=len(c.disagreements)))
        return out

    def blocks(self, limit: int = 50) -> list[Block]:
        """Findings, the views' figures, and each comparison's disagreements (the
        first ``limit`` of each)."""
        out: list[Block] = [
            Heading("Perspectives: the system as each source sees it", 2),
            Bullets([f.text for f in self.findings()]),
            Table(self._VIEW_HEADERS, self._view_rows()),
        ]
        for c in self.comparisons:
            out += self._comparison_blocks(c, limit)
        return out

    def format_text(self, limit: int = 20) -> str:
        """Findings, the views' figures, and each comparison's disagreements."""
        return render_text(self.blocks(limit))

    def format_markdown(self, limit: int = 50) -> str:
        """The same as :meth:`format_text`, as Markdown."""
        return render_markdown(self.blocks(limit))


def _signature(c: ViewComparison) -> Any:
    return tuple(
        (d.source, d.target, d.kind, tuple(d.differs))
        + tuple((r.strength, r.trust, r.status) for r in d.ratings)
        for d in c.disagreements
    )


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


# ---------------------------------------------------------------- the analysis


def perspectives(
    m: SystemMap,
    *,
    groups: Iterable[str] | None = None,
    threshold: float = 2,
) -> PerspectivesResult:
    """The system as each source sees it, and where the views disagree.

    Parameters
    ----------
    m : SystemMap
        The map.
    groups : iterable of str, optional
        The views to show and compare: ``lived_experience``, a role
        (``beneficiary``, ``provider``, ``leader``) or a stakeholder id.
        Default: :data:`STANDARD_VIEWS`.
    threshold : float, default 2
        Strengths or trusts this many points apart (0–5 scale) disagree.

    Returns
    -------
    PerspectivesResult
        Each view's figures, the unattributed view, and one comparison per
        pair of views (see the module notes for which pairs).

    Raises
    ------
    BadArgument
        When a group is not a view name or a stakeholder id.

    Example
    -------
    Providers and the lived experience council rate one referral differently:

    >>> import sysmap
    >>> m = sysmap.loads_map('''
    ... id: demo
    ... title: Demo
    ... guiding_question: Does referral work?
    ... stakeholders:
    ...   - {id: ce, name: Coordinated entry, role: provider}
    ...   - {id: shelter, name: Shelter, role: provider}
    ...   - {id: pwle, name: Lived experience council, role: beneficiary, lived_experience: true}
    ... relationships:
    ...   - {from: ce, to: shelter, kind: refers, strength: 4,
    ...      evidence: [{source: interview, asserted_by: provider}]}
    ...   - {from: ce, to: shelter, kind: refers, strength: 1,
    ...      evidence: [{source: workshop, asserted_by: pwle}]}
    ... ''')
    >>> for f in perspectives(m).findings():
    ...     print(f.text)
    People with lived experience and providers disagree on 1 relationship: providers rate Coordinated entry → Shelter 4/5, people with lived experience 1/5
    """
    stakeholders = {s.id: s for s in m.stakeholders}
    views = _choose_views(groups, stakeholders)
    labels = dict(_LABELS)
    plural = {v: True for v in _LABELS}
    for v in views:
        if v in stakeholders:
            labels[v] = stakeholders[v].name
            plural[v] = False
    names = {s.id: s.name for s in m.stakeholders} | {f.id: f.name for f in m.factors}
    table = _Table(m, views, stakeholders)
    summaries = [table.summary(v, labels[v]) for v in views]
    comparisons = [
        table.compare(x, y, threshold, names)
        for x, y in combinations(views, 2)
        if not _nested(x, y, stakeholders)
    ]
    return PerspectivesResult(
        threshold=threshold,
        views=summaries,
        unattributed=table.summary("unattributed", "unattributed"),
        total_relationships=len(m.relationships),
        comparisons=comparisons,
        labels=labels,
        plural=plural,
    )


def _choose_views(groups: Iterable[str] | None, stakeholders: dict[str, Stakeholder]) -> list[str]:
    if groups is None:
        return list(STANDARD_VIEWS)
    if isinstance(groups, str):
        groups = [groups]
    out: list[str] = []
    for g in groups:
        if g not in STANDARD_VIEWS and g not in stakeholders:
            choices = [*STANDARD_VIEWS, *stakeholders]
            guess = did_you_mean(g, choices)
            hint = f"did you mean '{guess}'? " if guess else ""
            raise BadArgument(
                f"unknown perspective '{g}' — {hint}use {one_of(list(STANDARD_VIEWS))}, "
                "or a stakeholder's id",
                argument="groups",
                choices=STANDARD_VIEWS,
            )
        if g not in out:
            out.append(g)
    return out


def _views_of(r: Relationship, stakeholders: dict[str, Stakeholder]) -> set[str]:
    """The views that assert a relationship (see the module notes)."""
    seen: set[str] = set()
    for ev in r.evidence:
        by = ev.asserted_by
        if by is None:
            continue
        if by in ROLES:
            seen.add(by)
            if by == "beneficiary":
                seen.add("lived_experience")
        elif by in stakeholders:
            s = stakeholders[by]
            seen.update((by, s.role))
            if s.role == "beneficiary" or s.lived_experience:
                seen.add("lived_experience")
    return seen


def _nested(x: str, y: str, stakeholders: dict[str, Stakeholder]) -> bool:
    """Whether one view is by definition part of the other (not compared)."""
    for a, b in ((x, y), (y, x)):
        if (a, b) == ("beneficiary", "lived_experience"):
            return True
        s = stakeholders.get(a)
        if s is not None and b not in stakeholders:
            if b == s.role:
                return True
            if b == "lived_experience" and (s.role == "beneficiary" or s.lived_experience):
                return True
    return False


_STATUS_OF = {code: status for status, code in _HEALTH.items()}


class _Table:
    """The relationships as arrays: one row each, with its key and its views.

    Numbers live in numpy arrays rather than in objects per relationship, so a
    map of 150,000 relationships is compared in about a second.
    """

    def __init__(self, m: SystemMap, views: list[str], stakeholders: dict[str, Stakeholder]):
        rels = m.relationships
        elements = {ident: i for i, ident in enumerate(m.element_ids() | _ends(rels))}
        self.n = len(elements)
        self.keys: list[Key] = []
        key_id: dict[Key, int] = {}
        key_l, src_l, dst_l, mutual_l, work_l = [], [], [], [], []
        strength_l, trust_l, health_l = [], [], []
        wanted = set(views)
        rows: dict[str, list[int]] = {v: [] for v in [*views, "unattributed"]}
        nan = float("nan")
        for k, r in enumerate(rels):
            key = _key(r)
            kid = key_id.get(key)
            if kid is None:
                kid = key_id[key] = len(self.keys)
                self.keys.append(key)
            key_l.append(kid)
            src_l.append(elements[r.source])
            dst_l.append(elements[r.target])
            mutual_l.append(r.direction == "mutual")
            work_l.append(counts(r, m) and r.source != r.target)
            strength_l.append(nan if r.strength is None else r.strength)
            trust_l.append(nan if r.trust is None else r.trust)
            health_l.append(_HEALTH[r.status])
            seen = _views_of(r, stakeholders)
            if not seen:
                rows["unattributed"].append(k)
            for v in seen & wanted:
                rows[v].append(k)
        self.key = np.array(key_l, dtype=np.int64)
        self.src = np.array(src_l, dtype=np.int64)
        self.dst = np.array(dst_l, dtype=np.int64)
        self.mutual = np.array(mutual_l, dtype=bool)
        self.working = np.array(work_l, dtype=bool)
        self.strength = np.array(strength_l, dtype=float)
        self.trust = np.array(trust_l, dtype=float)
        self.health = np.array(health_l, dtype=np.int64)
        self.rows = {v: np.array(ks, dtype=np.int64) for v, ks in rows.items()}
        self._ratings: dict[str, tuple[Any, ...]] = {}

    def summary(self, view: str, label: str) -> ViewSummary:
        rows = self.rows[view]
        src, dst = self.src[rows], self.dst[rows]
        n = len(np.union1d(src, dst))
        work = self.working[rows]
        both = work & self.mutual[rows]
        links = np.unique(
            np.concatenate([src[work] * self.n + dst[work], dst[both] * self.n + src[both]])
        )
        return ViewSummary(
            view=view,
            label=label,
            relationships=len(rows),
            elements=n,
            links=len(links),
            density=len(links) / (n * (n - 1)) if n > 1 else None,
            mean_strength=_nanmean(self.strength[rows]),
            mean_trust=_nanmean(self.trust[rows]),
            weak_or_broken=int(np.count_nonzero(self.health[rows] <= _HEALTH["weak"])),
        )

    def ratings(self, view: str) -> tuple[Any, ...]:
        """Per key the view asserts: key ids, entries, mean strength and trust, worst status."""
        if view not in self._ratings:
            rows = self.rows[view]
            keys, inverse, entries = np.unique(
                self.key[rows], return_inverse=True, return_counts=True
            )
            out: list[Any] = [keys, entries]
            for values in (self.strength[rows], self.trust[rows]):
                known = ~np.isnan(values)
                total = np.bincount(inverse[known], weights=values[known], minlength=len(keys))
                n = np.bincount(inverse[known], minlength=len(keys))
                with np.errstate(invalid="ignore", divide="ignore"):
                    out.append(total / n)  # nan where the view records none
            worst = np.full(len(keys), max(_HEALTH.values()), dtype=np.int64)
            np.minimum.at(worst, inverse, self.health[rows])
            out.append(worst)
            self._ratings[view] = tuple(out)
        return self._ratings[view]

    def compare(self, x: str, y: str, threshold: float, names: dict[str, str]) -> ViewComparison:
        kx, ex, sx, tx, hx = self.ratings(x)
        ky, ey, sy, ty, hy = self.ratings(y)
        shared, ix, iy = np.intersect1d(kx, ky, assume_unique=True, return_indices=True)
        with np.errstate(invalid="ignore"):
            d_strength = np.abs(sx[ix] - sy[iy]) >= threshold  # False where either is nan
            d_trust = np.abs(tx[ix] - ty[iy]) >= threshold
        d_status = hx[ix] != hy[iy]
        flagged = np.nonzero(d_strength | d_trust | d_status)[0]
        disagreements = []
        for j in flagged.tolist():
            a, b = int(ix[j]), int(iy[j])
            s, t, kind = self.keys[int(shared[j])]
            differs = [
                what
                for what, flag in (
                    ("strength", d_strength[j]),
                    ("trust", d_trust[j]),
                    ("status", d_status[j]),
                )
                if flag
            ]
            disagreements.append(
                Disagreement(
                    s,
                    t,
                    kind,
                    names.get(s, s),
                    names.get(t, t),
                    differs,
                    (
                        Rating(x, _opt(sx[a]), _opt(tx[a]), _STATUS_OF[int(hx[a])], int(ex[a])),
                        Rating(y, _opt(sy[b]), _opt(ty[b]), _STATUS_OF[int(hy[b])], int(ey[b])),
                    ),
                )
            )
        disagreements.sort(
            key=lambda d: (-d.gap, "status" not in d.differs, d.source_name, d.target_name, d.kind)
        )
        keys = self.keys
        return ViewComparison(
            views=(x, y),
            shared=len(shared),
            only_first=[keys[i] for i in np.setdiff1d(kx, ky, assume_unique=True).tolist()],
            only_second=[keys[i] for i in np.setdiff1d(ky, kx, assume_unique=True).tolist()],
            disagreements=disagreements,
        )


def _ends(rels: list[Relationship]) -> set[str]:
    return {r.source for r in rels} | {r.target for r in rels}


def _nanmean(values: Any) -> float | None:
    known = values[~np.isnan(values)]
    return float(known.mean()) if len(known) else None


def _opt(value: Any) -> float | None:
    return None if np.isnan(value) else float(value)


def _key(r: Relationship) -> Key:
    if r.direction == "mutual" and r.target < r.source:
        return (r.target, r.source, r.kind)
    return (r.source, r.target, r.kind)
