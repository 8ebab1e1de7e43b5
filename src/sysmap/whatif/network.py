"""What if on the stakeholder network: who loses their voice if this goes?

:func:`network_whatif` takes stakeholders out of the map (they leave),
relationships out (this funding stops, this feedback link breaks) and puts
proposed relationships in (this link from the redesign forms), and reports
what changes:

- **voice** — beneficiaries whose voice no longer reaches any leader (the
  verdicts of :func:`sysmap.analysis.voice`, before and after), those whose
  loop with a leader loses its way back (two-way → one-way), and those who
  gain a voice;
- **declared feedback loops** that break (a stakeholder on the loop left, or
  no working relationship backs a step any more) or close;
- **funding** — stakeholders who had at least one working ``funds``
  relationship coming in and have none left;
- **reach** — beneficiaries no longer served: no chain of working ``serves``
  or ``refers`` relationships from any provider reaches them any more; and
  stakeholders left with no working relationship at all.

"Working" means what it means in every analysis: existing and weak
relationships, proposed ones only in a redesign, never broken ones. Whether a
declared loop holds is decided by :func:`sysmap.analysis.loops` itself.

:func:`fragile` ranks the **single points of failure**: each stakeholder and
each relationship whose loss *alone* cuts every voice path from a beneficiary
to every leader, breaks a declared loop that holds today, or leaves a
stakeholder with no funder. Voice paths are counted here at any length (the
voice analysis stops at six steps), found with one dominator tree over the
whole voice network, so the ranking takes seconds on a 5,000-stakeholder map.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import networkx as nx

from sysmap.analysis._graph import counts
from sysmap.analysis._loops import loops
from sysmap.analysis._voice import voice, voice_kinds
from sysmap.errors import BadArgument
from sysmap.findings import Finding
from sysmap.model import Relationship, SystemMap
from sysmap.problems import did_you_mean
from sysmap.render import Block, Bullets, Heading, Rendered, Table

__all__ = [
    "NetworkWhatIfResult",
    "FragilityResult",
    "WeakPoint",
    "network_whatif",
    "fragile",
    "relationship_label",
]

_SERVICE_KINDS = frozenset({"serves", "refers"})
_SINK = "\0leaders"


def relationship_label(r: Relationship, names: dict[str, str]) -> str:
    """'Riverton Street Outreach Team → CoC board (feedback)'."""
    return f"{names.get(r.source, r.source)} → {names.get(r.target, r.target)} ({r.kind})"


def _on_loops(m: SystemMap) -> list[int]:
    """Positions of the relationships that join two consecutive steps of a declared loop."""
    steps: set[tuple[str, str]] = set()
    for loop in m.loops:
        path = [*loop.path, loop.path[0]]
        steps.update(zip(path, path[1:], strict=False))
    return [
        k
        for k, r in enumerate(m.relationships)
        if (r.source, r.target) in steps or (r.target, r.source) in steps
    ]


def _loop_map(m: SystemMap) -> tuple[SystemMap, list[int]]:
    """The declared loops with only what they touch: the elements on them and the
    relationships along them (the rest cannot change a verdict), and where each
    kept relationship sits in ``m``."""
    on = _on_loops(m)
    elements = {e for loop in m.loops for e in loop.path}
    small = m.model_copy(
        update={
            "relationships": [m.relationships[k] for k in on],
            "stakeholders": [s for s in m.stakeholders if s.id in elements],
            "factors": [f for f in m.factors if f.id in elements],
        }
    )
    return small, on


def _loops_holding(
    small: SystemMap, drop: int | None = None, only: set[str] | None = None
) -> dict[str, bool]:
    """Declared loop id → whether it holds, by the loops analysis itself, on a map
    from :func:`_loop_map`; ``drop`` leaves one relationship out, ``only`` checks
    only those loops."""
    rels = [r for j, r in enumerate(small.relationships) if j != drop]
    kept = [lp for lp in small.loops if only is None or lp.id in only]
    if not kept:
        return {}
    checked = small.model_copy(update={"relationships": rels, "loops": kept})
    return {d.id: d.holds for d in loops(checked, max_length=2, cap=1).declared}


def _funded(m: SystemMap) -> set[str]:
    return {r.target for r in m.relationships if r.kind == "funds" and counts(r, m)} | {
        r.source
        for r in m.relationships
        if r.kind == "funds" and r.direction == "mutual" and counts(r, m)
    }


def _served(m: SystemMap) -> set[str]:
    """Stakeholders reached by a chain of serves/refers links from some provider."""
    g = nx.DiGraph()
    for r in m.relationships:
        if r.kind in _SERVICE_KINDS and counts(r, m):
            g.add_edge(r.source, r.target)
            if r.direction == "mutual":
                g.add_edge(r.target, r.source)
    starts = [s.id for s in m.stakeholders if s.role == "provider" and s.id in g]
    seen: set[str] = set()
    for s in starts:
        if s not in seen:
            seen |= nx.descendants(g, s)
    return seen


def _connected(m: SystemMap) -> set[str]:
    out: set[str] = set()
    for r in m.relationships:
        if counts(r, m):
            out.update((r.source, r.target))
    return out


@dataclass
class NetworkWhatIfResult(Rendered):
    """What changes in the stakeholder network.

    :meth:`to_dict` gives ``analysis`` (``"whatif-network"``), ``map``,
    ``without`` (stakeholder ids), ``without_relationships``, ``with``
    (relationship ids), ``lose_voice``, ``lose_return``, ``gain_voice``, ``gain_return``,
    ``loops_broken``, ``loops_closed``, ``no_funder``, ``no_longer_served``,
    ``cut_off`` (each a list of ids) and ``findings``.
    """

    name: ClassVar[str] = "whatif-network"

    map_id: str
    without: list[str]
    without_relationships: list[str]
    with_relationships: list[str]
    lose_voice: list[str]
    lose_return: list[str]
    gain_voice: list[str]
    gain_return: list[str]
    loops_broken: list[str]
    loops_closed: list[str]
    no_funder: list[str]
    no_longer_served: list[str]
    cut_off: list[str]
    names: dict[str, str] = field(default_factory=dict, repr=False)

    def _n(self, ids: Sequence[str]) -> str:
        return ", ".join(self.names.get(i, i) for i in ids)

    def _sections(self) -> list[tuple[str, list[str]]]:
        return [
            ("Beneficiaries who lose every voice path to a leader", self.lose_voice),
            ("Beneficiaries whose loop with a leader loses its way back", self.lose_return),
            ("Beneficiaries who gain a voice path to a leader", self.gain_voice),
            ("Beneficiaries whose voice now comes back from a leader", self.gain_return),
            ("Declared feedback loops that break", self.loops_broken),
            ("Declared feedback loops that close", self.loops_closed),
            ("Stakeholders left with no funder", self.no_funder),
            ("Beneficiaries no provider serves any more", self.no_longer_served),
            ("Stakeholders left with no working relationship", self.cut_off),
        ]

    def change_text(self) -> str:
        """What was changed, in words."""
        parts = []
        if self.without:
            parts.append("without " + self._n(self.without))
        if self.without_relationships:
            parts.append("without the relationships " + self._n(self.without_relationships))
        if self.with_relationships:
            parts.append("with the relationships " + self._n(self.with_relationships))
        return "; ".join(parts)

    def findings(self) -> list[Finding]:
        out = [
            Finding(f"{title}: {self._n(ids)}", self.name, 3 if i in (0, 4) else 2, list(ids))
            for i, (title, ids) in enumerate(self._sections())
            if ids
        ]
        if not out:
            out.append(Finding("Nothing changes for voice, loops, funding or reach", self.name, 2))
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "analysis": self.name,
            "map": self.map_id,
            "without": self.without,
            "without_relationships": self.without_relationships,
            "with": self.with_relationships,
            "lose_voice": self.lose_voice,
            "lose_return": self.lose_return,
            "gain_voice": self.gain_voice,
            "gain_return": self.gain_return,
            "loops_broken": self.loops_broken,
            "loops_closed": self.loops_closed,
            "no_funder": self.no_funder,
            "no_longer_served": self.no_longer_served,
            "cut_off": self.cut_off,
            "findings": [f.to_dict() for f in self.findings()],
        }

    def blocks(self) -> list[Block]:
        """What was changed, then who and what it touches, section by section."""
        lines = [f"{title}: {self._n(ids) if ids else 'none'}" for title, ids in self._sections()]
        return [Heading(f"What if on {self.map_id}: {self.change_text()}", 2), Bullets(list(lines))]


def _find_relationships(m: SystemMap, ids: Iterable[str], what: str) -> set[str]:
    known = {r.id for r in m.relationships if r.id}
    out = set()
    for ident in ids:
        if ident not in known:
            guess = did_you_mean(ident, sorted(known))
            hint = f"did you mean '{guess}'?" if guess else "give the relationship an id in the map"
            raise BadArgument(
                f"{what}: the map '{m.id}' has no relationship '{ident}' — {hint}", argument=what
            )
        out.add(ident)
    return out


def _borrowed(
    m: SystemMap, ids: Iterable[str], source: SystemMap | None
) -> tuple[set[str], list[Relationship]]:
    """``--with`` ids: those in the map, and relationships taken from ``source``."""
    here = {r.id for r in m.relationships if r.id}
    theirs = {r.id: r for r in source.relationships if r.id} if source is not None else {}
    mine = [i for i in ids if i in here or i not in theirs]
    borrowed = [theirs[i] for i in ids if i not in here and i in theirs]
    elements = m.element_ids()
    for r in borrowed:
        for end in (r.source, r.target):
            if end not in elements:
                raise BadArgument(
                    f"--with: the relationship '{r.id}' from '{source.id if source else ''}' "
                    f"joins '{end}', who is not in the map '{m.id}' — add them to it first",
                    argument="--with",
                )
    return _find_relationships(m, mine, "--with"), borrowed


def _check_stakeholders(m: SystemMap, ids: Iterable[str]) -> None:
    people = {s.id for s in m.stakeholders}
    for sid in ids:
        if sid not in people:
            guess = did_you_mean(sid, sorted(people))
            hint = f"did you mean '{guess}'?" if guess else "use a stakeholder's id"
            raise BadArgument(
                f"the map '{m.id}' has no stakeholder '{sid}' — {hint}", argument="without"
            )


def _voice_moves(before: dict[str, str], after: dict[str, str]) -> dict[str, list[str]]:
    """Beneficiaries whose voice verdict moved, by how (see NetworkWhatIfResult)."""
    return {
        "lose_voice": [b for b, v in after.items() if v == "no voice" != before[b]],
        "lose_return": [b for b, v in after.items() if (before[b], v) == ("two-way", "one-way")],
        "gain_voice": [b for b, v in after.items() if before[b] == "no voice" != v],
        "gain_return": [b for b, v in after.items() if (before[b], v) == ("one-way", "two-way")],
    }


def _changed(
    m: SystemMap,
    without: set[str],
    without_rels: set[str],
    with_rels: set[str],
    borrowed: Sequence[Relationship] = (),
) -> SystemMap:
    rels = [r.model_copy(update={"status": "existing"}) for r in borrowed]
    for r in m.relationships:
        if r.source in without or r.target in without or r.id in without_rels:
            continue
        if r.id in with_rels and r.status != "existing":
            r = r.model_copy(update={"status": "existing"})
        rels.append(r)
    people = [s for s in m.stakeholders if s.id not in without]
    return m.model_copy(update={"stakeholders": people, "relationships": rels})


def network_whatif(
    m: SystemMap,
    *,
    without: Sequence[str] = (),
    without_relationships: Sequence[str] = (),
    with_relationships: Sequence[str] = (),
    source: SystemMap | None = None,
) -> NetworkWhatIfResult:
    """What changes if stakeholders leave, relationships stop or proposed ones form?

    Parameters
    ----------
    m : SystemMap
        The map.
    without : sequence of str
        Stakeholder ids taken out, with all their relationships.
    without_relationships : sequence of str
        Relationship ids taken out.
    with_relationships : sequence of str
        Relationship ids (usually ``status: proposed``, or broken or weak ones
        repaired) that start working as existing relationships; an id not in
        ``m`` is taken from ``source`` (e.g. a link the redesign forms).
    source : SystemMap, optional
        The map (usually the redesign) to take ``with_relationships`` from.

    Returns
    -------
    NetworkWhatIfResult
        Voice lost and gained, loops broken and closed, stakeholders left
        with no funder, beneficiaries no longer served, stakeholders cut off.

    Raises
    ------
    BadArgument
        An unknown stakeholder or relationship id, or nothing to change.

    Example
    -------
    >>> import sysmap
    >>> from sysmap.examples import examples_folder
    >>> m = sysmap.load_map(examples_folder() / "homelessness-current.yaml")
    >>> r = network_whatif(m, without=["coc-lead"])
    >>> len(r.lose_voice), r.lose_voice[:2]
    (9, ['people-unsheltered', 'families-in-shelter'])
    """
    if not (without or without_relationships or with_relationships):
        raise BadArgument(
            "nothing to change — name a stakeholder to take out (--without), a "
            "relationship to stop (--without-relationship) or one to form (--with)",
            argument="without",
        )
    _check_stakeholders(m, without)
    gone = _find_relationships(m, without_relationships, "--without-relationship")
    formed, borrowed = _borrowed(m, with_relationships, source)
    after = _changed(m, set(without), gone, formed, borrowed)
    v0 = {b["id"]: b["verdict"] for b in voice(m).beneficiaries}
    v1 = {b["id"]: b["verdict"] for b in voice(after).beneficiaries}
    l0, l1 = _loops_holding(_loop_map(m)[0]), _loops_holding(_loop_map(after)[0])
    f0, f1 = _funded(m), _funded(after)
    s0, s1 = _served(m), _served(after)
    c0, c1 = _connected(m), _connected(after)
    kept = list(after.stakeholders)
    names = {s.id: s.name for s in m.stakeholders} | {lp.id: lp.name for lp in m.loops}
    names |= {r.id: relationship_label(r, names) for r in [*m.relationships, *borrowed] if r.id}
    return NetworkWhatIfResult(
        map_id=m.id,
        without=list(without),
        without_relationships=list(without_relationships),
        with_relationships=list(with_relationships),
        **_voice_moves(v0, v1),
        loops_broken=[i for i, ok in l1.items() if l0[i] and not ok],
        loops_closed=[i for i, ok in l1.items() if ok and not l0[i]],
        no_funder=[s.id for s in kept if s.id in f0 and s.id not in f1],
        no_longer_served=[
            s.id for s in kept if s.role == "beneficiary" and s.id in s0 and s.id not in s1
        ],
        cut_off=[s.id for s in kept if s.id in c0 and s.id not in c1],
        names=names,
    )


# ------------------------------------------------------------------ fragility


@dataclass
class WeakPoint:
    """A stakeholder or relationship whose loss alone does harm."""

    kind: str  # "stakeholder" or "relationship"
    id: str
    label: str
    silences: list[str] = field(default_factory=list)
    breaks: list[str] = field(default_factory=list)
    unfunds: list[str] = field(default_factory=list)

    @property
    def score(self) -> tuple[int, int, int]:
        """Ranking key: beneficiaries silenced, then loops broken, then left unfunded."""
        return (len(self.silences), len(self.breaks), len(self.unfunds))

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "label": self.label,
            "silences": self.silences,
            "breaks": self.breaks,
            "unfunds": self.unfunds,
        }


@dataclass
class FragilityResult(Rendered):
    """Single points of failure, ranked (most beneficiaries silenced first).

    :meth:`to_dict` gives ``analysis`` (``"fragile"``), ``map``,
    ``points`` (each ``kind``, ``id``, ``label``, ``silences``, ``breaks``,
    ``unfunds``), ``beneficiaries_with_voice``, ``loops_holding`` and
    ``findings``.
    """

    name: ClassVar[str] = "fragile"

    map_id: str
    points: list[WeakPoint]
    beneficiaries_with_voice: int
    loops_holding: int
    names: dict[str, str] = field(default_factory=dict, repr=False)
    shown: int = 25

    def _n(self, ids: Sequence[str], limit: int = 3) -> str:
        words = [self.names.get(i, i) for i in ids[:limit]]
        more = len(ids) - limit
        return ", ".join(words) + (f" and {more} more" if more > 0 else "")

    def _what(self, p: WeakPoint) -> str:
        harm = [
            ("silences {}", p.silences),
            ("breaks the loop {}", p.breaks),
            ("leaves {} with no funder", p.unfunds),
        ]
        return "; ".join(said.format(self._n(ids)) for said, ids in harm if ids)

    def findings(self) -> list[Finding]:
        top = [p for p in self.points if p.silences][:3]
        out = [
            Finding(f"Losing {p.label} alone {self._what(p)}", self.name, 3, [p.id]) for p in top
        ]
        if not self.points:
            out.append(
                Finding("No single stakeholder or relationship is a point of failure", self.name, 2)
            )
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "analysis": self.name,
            "map": self.map_id,
            "beneficiaries_with_voice": self.beneficiaries_with_voice,
            "loops_holding": self.loops_holding,
            "points": [p.to_dict() for p in self.points],
            "findings": [f.to_dict() for f in self.findings()],
        }

    def _rows(self) -> list[list[Any]]:
        return [
            [i + 1, p.kind, p.label, len(p.silences), len(p.breaks), len(p.unfunds)]
            for i, p in enumerate(self.points[: self.shown])
        ]

    def _head(self) -> str:
        return (
            f"Single points of failure in {self.map_id}: {len(self.points)} "
            f"({self.beneficiaries_with_voice} beneficiaries with a voice path today, "
            f"{self.loops_holding} declared loops holding)"
        )

    def blocks(self) -> list[Block]:
        """The ranking (cut to :attr:`shown` rows), then what each loss does."""
        headers = ["#", "what", "name", "silences", "loops broken", "left unfunded"]
        table = Table(headers, self._rows(), total=len(self.points), more="--format json lists all")
        out: list[Block] = [Heading(self._head(), 2), table]
        harm = [f"{p.label}: {self._what(p)}" for p in self.points[: self.shown]]
        return out + ([Bullets(list(harm))] if harm else [])


def _voice_dominators(m: SystemMap) -> tuple[dict[str, str], set[str]]:
    """Immediate dominators on the reversed voice network, from all leaders at once.

    Each working voice relationship is a node of its own between its two
    stakeholders, so that relationships can dominate too. Returns the
    dominator map and the beneficiaries that reach a leader.
    """
    kinds = voice_kinds(m)
    people = {s.id for s in m.stakeholders}
    g = nx.DiGraph()
    g.add_node(_SINK)
    for s in m.stakeholders:
        g.add_node(s.id)
        if s.role == "leader":
            g.add_edge(_SINK, s.id)
    for k, r in enumerate(m.relationships):
        if r.kind not in kinds or r.source not in people or r.target not in people:
            continue
        if not counts(r, m):
            continue
        node = f"\0r{k}"
        g.add_edge(r.target, node)  # reversed: voice flows source → target
        g.add_edge(node, r.source)
        if r.direction == "mutual":
            g.add_edge(r.source, node)
            g.add_edge(node, r.target)
    idom = nx.immediate_dominators(g, _SINK)
    bens = {s.id for s in m.stakeholders if s.role == "beneficiary" and s.id in idom}
    return idom, bens


def fragile(m: SystemMap, *, shown: int = 25) -> FragilityResult:
    """The single points of failure: each loss that alone silences or breaks something.

    Parameters
    ----------
    m : SystemMap
        The map.
    shown : int
        How many points the text and Markdown list (JSON lists all).

    Returns
    -------
    FragilityResult
        Stakeholders and relationships ranked by beneficiaries silenced, then
        loops broken, then stakeholders left with no funder.

    Example
    -------
    >>> import sysmap
    >>> from sysmap.examples import examples_folder
    >>> r = fragile(sysmap.load_map(examples_folder() / "homelessness-current.yaml"))
    >>> r.points[0].id, len(r.points[0].silences)
    ('coc-lead', 9)
    """
    names = {s.id: s.name for s in m.stakeholders} | {f.id: f.name for f in m.factors}
    names |= {lp.id: lp.name for lp in m.loops}
    points: dict[tuple[str, str], WeakPoint] = {}
    rel_key = {f"\0r{k}": k for k in range(len(m.relationships))}

    def point(kind: str, ident: str, label: str) -> WeakPoint:
        return points.setdefault((kind, ident), WeakPoint(kind, ident, label))

    def rel_point(k: int) -> WeakPoint:
        r = m.relationships[k]
        return point("relationship", r.id or f"#{k}", relationship_label(r, names))

    idom, bens = _voice_dominators(m)
    for b in sorted(bens, key=lambda x: names.get(x, x)):
        d = idom[b]
        while d != _SINK:
            if d in rel_key:
                rel_point(rel_key[d]).silences.append(b)
            else:
                point("stakeholder", d, names.get(d, d)).silences.append(b)
            d = idom[d]
    holding = _loop_points(m, point, rel_point, names)
    _funding_points(m, point, rel_point)
    ranked = sorted(points.values(), key=lambda p: (tuple(-x for x in p.score), p.label))
    return FragilityResult(m.id, ranked, len(bens), sum(holding.values()), names=names, shown=shown)


def _loop_points(
    m: SystemMap, point: Any, rel_point: Any, names: dict[str, str]
) -> dict[str, bool]:
    """Stakeholders on a holding declared loop, and relationships whose loss alone
    breaks one (each rechecked only against the loops it lies along)."""
    small, on = _loop_map(m)
    holding = _loops_holding(small)
    people = {s.id for s in m.stakeholders}
    steps: dict[str, set[tuple[str, str]]] = {}
    for loop in small.loops:
        if holding[loop.id]:
            for sid in dict.fromkeys(loop.path):
                if sid in people:
                    point("stakeholder", sid, names[sid]).breaks.append(loop.id)
            path = [*loop.path, loop.path[0]]
            steps[loop.id] = set(zip(path, path[1:], strict=False))
    for j, r in enumerate(small.relationships):
        pairs = {(r.source, r.target), (r.target, r.source)}
        touched = {i for i, st in steps.items() if st & pairs}
        for loop_id, ok in _loops_holding(small, drop=j, only=touched).items() if touched else ():
            if not ok:
                rel_point(on[j]).breaks.append(loop_id)
    return holding


def _funding_points(m: SystemMap, point: Any, rel_point: Any) -> None:
    """Funders (and funding relationships) that are some stakeholder's only one."""
    funders: dict[str, dict[str, list[int]]] = {}
    for k, r in enumerate(m.relationships):
        if r.kind != "funds" or not counts(r, m):
            continue
        funders.setdefault(r.target, {}).setdefault(r.source, []).append(k)
        if r.direction == "mutual":
            funders.setdefault(r.source, {}).setdefault(r.target, []).append(k)
    names = {s.id: s.name for s in m.stakeholders}
    for funded, by in funders.items():
        if len(by) != 1:
            continue
        ((funder, ks),) = by.items()
        point("stakeholder", funder, names.get(funder, funder)).unfunds.append(funded)
        if len(ks) == 1:
            rel_point(ks[0]).unfunds.append(funded)
