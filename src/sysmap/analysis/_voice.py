"""Voice and two-way feedback: does beneficiaries' voice reach the leaders who decide,
and does anything come back?

For every beneficiary (a stakeholder with role ``beneficiary``) this module
looks for **voice paths** to the leaders (role ``leader``, the stakeholders who
can change the system) and for **return paths** from those leaders back, and
gives a verdict:

- ``no voice`` — no voice path reaches any leader;
- ``one-way`` — the voice reaches a leader, but nothing comes back from any
  leader it reaches;
- ``two-way`` — a closed loop: the voice reaches a leader and that same leader
  reaches the beneficiary back.

Choices, so that the figures can be checked by hand:

- **Voice** travels through :data:`sysmap.model.VOICE_KINDS` (feedback,
  advocates, represents, informs) plus every custom kind the map declares
  with ``voice: true``.
- **Return** — what carries information or decisions back, "keep us informed
  along the way" — travels through :data:`RETURN_KINDS`: informs, feedback,
  shares_data (words and data), represents and advocates (someone carrying the
  answer back), collaborates (deciding together); plus the custom voice kinds
  (a declared voice channel is a conversation); plus any relationship, of any
  kind, whose ``power`` carries ``decisions`` or ``information`` (a board that
  ``governs`` outreach with decisions passes a decision on). Serving people or
  having authority over them is not, by itself, a reply: a shelter bed
  (``serves``) or a camping ordinance (``governs`` carrying only authority)
  does not tell anyone what became of what they said. Money (funds,
  compensates, contracts, employs) and referrals are no reply either. The
  last step back to a beneficiary therefore has to tell them something.
- **Which relationships count**: the working graph of
  :mod:`sysmap.analysis._graph` — existing and weak relationships; proposed
  ones only in a redesign; never broken ones. A ``mutual`` relationship counts
  both ways. Only relationships between two stakeholders count; a path may pass
  through any stakeholder, including other beneficiaries and other leaders (a
  leader who passes on what it heard).
- **Length**: paths have at most ``max_length`` steps, each way.
- **Which path, and its weakest link**: the *shortest* path; among equally
  short ones, the one whose weakest link is strongest. Its weakest link is
  reported with its strength. Parallel relationships between the same two
  stakeholders count as one link with the strongest strength. A relationship
  with no ``strength`` recorded counts as 1 (weak) and is reported as not
  recorded.
- **Where voice is broken**: for a beneficiary with no voice, the search is
  repeated with broken relationships (and, in a current map, proposed ones)
  added; the shortest path found (fewest non-working links among equally short
  ones) names the links that would have to work: "broken at A → B" or "waits on
  the proposed link A → B". For a one-way beneficiary, the return from the
  leaders it reaches is searched the same way ("the return is broken at …").
- **Who hears whom**: a leader hears a beneficiary when that beneficiary's
  voice reaches it within ``max_length`` steps. The loop shown for a two-way
  beneficiary is its shortest (voice plus return steps; the first leader in
  map order among equals); when details are limited, any leader closing a
  loop.
- **Groups** (``by``): the verdicts are counted per value of a stakeholder
  attribute, with a row for beneficiaries without it. A group is flagged when
  its share with no voice, or its share with a two-way loop, is 10 percentage
  points or more worse than the share overall.
- **Scale**: the verdicts are exact at every size. Each beneficiary's nearest
  leader comes from one search outward from all leaders at once; the two-way
  test runs over all leaders at once with bit sets (a 50,000-stakeholder map
  takes seconds). Paths to *each* leader, the leaders each beneficiary
  reaches, how many beneficiaries each leader hears and where return paths
  break are worked out only when the map has at most ``detail_limit``
  stakeholders (2,000 by default); the result says when details were limited.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar, NamedTuple

import numpy as np

from sysmap.analysis._base import Finding
from sysmap.analysis._graph import counts
from sysmap.analysis._search import Neighbours, hops, neighbours
from sysmap.errors import BadArgument
from sysmap.model import VOICE_KINDS, Relationship, SystemMap
from sysmap.render import Block, Bullets, Heading, Rendered, Table, and_list, fmt_number, plural

__all__ = [
    "RETURN_KINDS",
    "DETAIL_LIMIT",
    "VoiceResult",
    "voice",
    "voice_kinds",
    "return_kinds",
    "carries_return",
]

#: Core kinds that carry information or decisions back from a leader.
RETURN_KINDS: frozenset[str] = frozenset(
    {"informs", "feedback", "shares_data", "represents", "advocates", "collaborates"}
)

#: Up to this many stakeholders, paths to each leader are worked out.
DETAIL_LIMIT = 2000

VERDICTS: tuple[str, ...] = ("no voice", "one-way", "two-way")

_RETURN_CARRIERS = frozenset({"decisions", "information"})
_BLOCK = 2048  # leaders per bit-set pass
_FINDINGS_EACH = 5
_ROWS_SHOWN = 50
_MISSING = "(not recorded)"
_GAP = 0.1 - 1e-9  # 10 percentage points, whatever the float rounding


def voice_kinds(m: SystemMap) -> frozenset[str]:
    """The kinds through which beneficiaries' voice travels in this map.

    Example
    -------
    >>> from sysmap.model import RelationshipKind, SystemMap
    >>> m = SystemMap(id="m", title="M", guiding_question="Q?",
    ...               kinds=[RelationshipKind(id="listening_session", voice=True)])
    >>> sorted(voice_kinds(m))
    ['advocates', 'feedback', 'informs', 'listening_session', 'represents']
    """
    return VOICE_KINDS | {k.id for k in m.kinds if k.voice}


def return_kinds(m: SystemMap) -> frozenset[str]:
    """The kinds through which decisions and information come back in this map.

    Relationships of other kinds also count when their power carries
    ``decisions`` or ``information``.

    Example
    -------
    >>> from sysmap.model import SystemMap
    >>> sorted(return_kinds(SystemMap(id="m", title="M", guiding_question="Q?")))
    ['advocates', 'collaborates', 'feedback', 'informs', 'represents', 'shares_data']
    """
    return RETURN_KINDS | {k.id for k in m.kinds if k.voice}


def carries_return(r: Relationship, kinds: frozenset[str]) -> bool:
    """Whether a relationship can carry information or a decision back.

    ``kinds`` is :func:`return_kinds` of the map; a relationship of another
    kind counts when its power carries decisions or information.

    Example
    -------
    >>> from sysmap.model import Relationship, RelationshipPower
    >>> kinds = RETURN_KINDS
    >>> carries_return(Relationship(source="a", target="b", kind="compensates"), kinds)
    False
    >>> carries_return(Relationship(source="a", target="b", kind="governs",
    ...     power=RelationshipPower(amount=3, carries=["decisions"])), kinds)
    True
    """
    if r.kind in kinds:
        return True
    return r.power is not None and not _RETURN_CARRIERS.isdisjoint(r.power.carries)


# ------------------------------------------------------------------ graphs


class _Link(NamedTuple):
    """The best relationship between one ordered pair of stakeholders."""

    strength: float
    known: bool
    working: bool
    rel: Relationship


Adjacency = list[dict[int, _Link]]


class _Graphs:
    """The voice and return subgraphs over stakeholder indices.

    Voice links are kept as dicts (the path searches need their strengths);
    return links as index arrays (only reachability is needed at scale), with
    dicts built on demand for small maps.
    """

    def __init__(self, m: SystemMap) -> None:
        self.ids = [s.id for s in m.stakeholders]
        self.index = index = {sid: i for i, sid in enumerate(self.ids)}
        self.n = n = len(self.ids)
        vk, rk = voice_kinds(m), return_kinds(m)
        # voice, searched backwards from the leaders: voice_in[v][u] is the link u → v
        self.voice_in: Adjacency = [{} for _ in range(n)]
        nonworking: list[tuple[int, int, _Link]] = []
        # return links as flat columns: no object per link to allocate and collect
        ret_u: list[int] = []
        ret_v: list[int] = []
        ret_working: list[bool] = []
        ret_rel: list[Relationship] = []
        voice_in = self.voice_in
        for r in m.relationships:
            kind = r.kind
            is_voice = kind in vk
            is_ret = carries_return(r, rk)
            if not (is_voice or is_ret):
                continue
            u, v = index.get(r.source), index.get(r.target)
            if u is None or v is None or u == v:
                continue
            working = counts(r, m)
            mutual = r.direction == "mutual"
            if is_voice:
                s = r.strength
                link = _Link(1.0 if s is None else float(s), s is not None, working, r)
                for a, b in ((u, v), (v, u)) if mutual else ((u, v),):
                    if not working:
                        nonworking.append((a, b, link))
                        continue
                    old = voice_in[b].get(a)
                    # parallel links: the strongest counts, a recorded one before a guess
                    if old is None or (link.strength, link.known) > (old.strength, old.known):
                        voice_in[b][a] = link
            if is_ret:
                for a, b in ((u, v), (v, u)) if mutual else ((u, v),):
                    ret_u.append(a)
                    ret_v.append(b)
                    ret_working.append(working)
                    ret_rel.append(r)
        # links that would carry voice if broken (or, in a current map, proposed)
        # relationships worked; a pair that already works needs none
        self.voice_in_extra: Adjacency = [{} for _ in range(n)]
        for a, b, link in nonworking:
            if a in voice_in[b]:
                continue
            old = self.voice_in_extra[b].get(a)
            if old is None or (link.strength, link.known) > (old.strength, old.known):
                self.voice_in_extra[b][a] = link
        self.has_nonworking = bool(nonworking) or not all(ret_working)
        self._ret = (ret_u, ret_v, ret_working, ret_rel)
        works = np.asarray(ret_working, dtype=bool)
        self.ret_u, self.ret_v = _unique_pairs(
            n, np.asarray(ret_u, dtype=np.int64)[works], np.asarray(ret_v, dtype=np.int64)[works]
        )
        self.voice_u = np.fromiter(
            (u for nb in self.voice_in for u in nb), dtype=np.int64, count=-1
        )
        self.voice_v = np.fromiter(
            (v for v, nb in enumerate(self.voice_in) for _ in nb), dtype=np.int64, count=-1
        )

    def links(self, u: np.ndarray, v: np.ndarray) -> Neighbours:
        """The directed (u, v) links, ready to search."""
        return neighbours(self.n, u, v)

    def return_links(self) -> dict[tuple[int, int], _Link]:
        """Every return pair, working or not: a working link first, then the strongest."""
        out: dict[tuple[int, int], _Link] = {}
        for a, b, working, r in zip(*self._ret, strict=True):
            s = r.strength
            link = _Link(1.0 if s is None else float(s), s is not None, working, r)
            old = out.get((a, b))
            if old is None or (link.working, link.strength, link.known) > (
                old.working,
                old.strength,
                old.known,
            ):
                out[(a, b)] = link
        return out


def _unique_pairs(n: int, u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct (u, v) pairs, in order."""
    keys = np.unique(u * n + v)
    return keys // max(n, 1), keys % max(n, 1)


class _Search(NamedTuple):
    dist: dict[int, int]
    label: dict[int, tuple[int, float]]  # (-non-working links, weakest strength)
    step: dict[int, int]  # the neighbour one step closer to the sources


def _layered(
    sources: Iterable[int], adj: Adjacency, k: int, extra: Adjacency | None = None
) -> _Search:
    """Breadth-first search from many sources at once, at most ``k`` steps.

    Among equally short paths a node keeps the one with the fewest
    non-working links (those in ``extra``), then the strongest weakest link.
    """
    dist: dict[int, int] = {}
    label: dict[int, tuple[int, float]] = {}
    for s in sources:
        dist[s] = 0
        label[s] = (0, math.inf)
    step: dict[int, int] = {}
    frontier = list(dist)
    for d in range(1, k + 1):
        found: dict[int, tuple[tuple[int, float], int]] = {}
        for u in frontier:
            broken, weakest = label[u]
            for links, cost in ((adj[u], 0), (extra[u] if extra is not None else {}, 1)):
                for v, link in links.items():
                    if v in dist:
                        continue
                    lab = (broken - cost, weakest if weakest < link.strength else link.strength)
                    cur = found.get(v)
                    if cur is None or lab > cur[0]:
                        found[v] = (lab, u)
        if not found:
            break
        for v, (lab, u) in found.items():
            dist[v] = d
            label[v] = lab
            step[v] = u
        frontier = list(found)
    return _Search(dist, label, step)


def _walk(search: _Search, node: int) -> list[int]:
    """Node, then each step toward the search's source."""
    path = [node]
    while path[-1] in search.step:
        path.append(search.step[path[-1]])
    return path


def _bits(n: int, seeds: np.ndarray) -> np.ndarray:
    words = (len(seeds) + 63) // 64
    bits = np.zeros((n, max(1, words)), dtype=np.uint64)
    j = np.arange(len(seeds))
    bits[seeds, j >> 6] = np.left_shift(np.uint64(1), (j & 63).astype(np.uint64))
    return bits


class _Spread:
    """``bits[a] |= bits[b]`` along every (a, b) pair, at most k rounds.

    Each round only looks at pairs whose ``b`` changed in the round before
    (what did not change has been passed on already).
    """

    def __init__(self, n: int, a: np.ndarray, b: np.ndarray) -> None:
        order = np.argsort(a, kind="stable")
        self.n, self.a, self.b = n, a[order], b[order]

    def run(self, bits: np.ndarray, seeds: np.ndarray, k: int) -> np.ndarray:
        changed = np.zeros(self.n, dtype=bool)
        changed[seeds] = True
        for _ in range(k):
            sel = changed[self.b]
            if not sel.any():
                break
            a, b = self.a[sel], self.b[sel]
            starts = np.flatnonzero(np.r_[True, a[1:] != a[:-1]])
            targets = a[starts]
            cur = bits[targets]
            new = cur | np.bitwise_or.reduceat(bits[b], starts, axis=0)
            grew = (new != cur).any(axis=1)
            changed = np.zeros(self.n, dtype=bool)
            changed[targets[grew]] = True
            bits[targets[grew]] = new[grew]
        return bits


def _two_way_at_scale(
    g: _Graphs, leaders: list[int], candidates: list[int], k: int
) -> dict[int, int]:
    """For each candidate closing a loop with some leader: one such leader.

    A candidate closes a loop with leader L when its voice reaches L within k
    steps and L reaches it back within k steps. Leaders go through in blocks
    of bit sets (one bit per leader): voice reach spreads backwards along
    voice links, return reach forwards along return links. Blocks stop as
    soon as every candidate has a loop.
    """
    if not candidates or not leaders:
        return {}
    voice = _Spread(g.n, g.voice_u, g.voice_v)  # u learns which leaders v reaches
    back = _Spread(g.n, g.ret_v, g.ret_u)  # v learns which leaders reach u
    found: dict[int, int] = {}
    pending = np.asarray(candidates, dtype=np.int64)
    for start in range(0, len(leaders), _BLOCK):
        block = np.asarray(leaders[start : start + _BLOCK], dtype=np.int64)
        reach = voice.run(_bits(g.n, block), block, k)[pending]
        reach &= back.run(_bits(g.n, block), block, k)[pending]
        hit = reach.any(axis=1)
        if hit.any():
            rows = reach[hit]
            word = np.argmax(rows != 0, axis=1)
            w = rows[np.arange(len(rows)), word]
            low = w & (~w + np.uint64(1))
            bit = np.log2(low.astype(np.float64)).astype(np.int64)
            for b, j in zip(pending[hit].tolist(), (word * 64 + bit).tolist(), strict=True):
                found[b] = int(block[j])
        pending = pending[~hit]
        if len(pending) == 0:
            break
    return found


# ------------------------------------------------------------------ words


def _label(value: Any) -> str | None:
    """An attribute value as a group label, written as in the map file."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _group_order(label: str | None) -> tuple[int, float, str]:
    # numbers in numeric order, then text, then "not recorded"
    if label is None:
        return (2, 0.0, "")
    try:
        return (0, float(label), label)
    except ValueError:
        return (1, 0.0, label)


# ------------------------------------------------------------------ result


def _count_key(verdict: str) -> str:
    """A verdict as a JSON key: "no voice" → "no_voice", "one-way" → "one_way"."""
    return verdict.replace(" ", "_").replace("-", "_")


def _is_weak(link: dict[str, Any] | None) -> bool:
    """A recorded link of strength 1 or less."""
    return bool(link and link["recorded"] and link["strength"] <= 1)


@dataclass
class VoiceResult(Rendered):
    """Voice paths, return paths and a verdict for every beneficiary.

    :meth:`to_dict` gives the JSON: ``analysis``, ``findings``, ``stage``,
    ``max_length``, ``voice_kinds``, ``return_kinds``, ``detailed``,
    ``detail_limit``, ``by``, ``counts`` (``beneficiaries``, ``leaders``,
    ``no_voice``, ``one_way``, ``two_way``), ``beneficiaries`` (one entry each:
    ``id``, ``name``, ``verdict``, ``nearest_leader``, ``length``, ``path``,
    ``weakest_link``, ``leaders_reached``, ``loop_leader``, ``return_path``,
    ``return_weakest_link``, ``broken_at``, ``return_broken_at``, ``group``),
    ``leaders`` (``id``, ``name``, ``hears``, ``beneficiaries_heard``,
    ``loops``), ``paths`` (per beneficiary and leader, when detailed:
    ``beneficiary``, ``leader``, ``length``, ``path``, ``weakest_link``,
    ``returns``, ``return_length``, ``return_path``, ``return_weakest_link``),
    ``groups`` (with ``by``: ``value``, ``beneficiaries``,
    ``no_voice``, ``one_way``, ``two_way``), ``unknown_strength_links`` and
    ``notes``. A link is ``{"from", "to", "strength", "recorded"}``; a broken
    link ``{"from", "to", "kind", "status"}``. Lists that need per-leader
    detail are ``None`` when ``detailed`` is false.
    """

    name: ClassVar[str] = "voice"
    #: The JSON keys after ``analysis`` and ``findings``, in order.
    FIELDS: ClassVar[tuple[str, ...]] = (
        "stage", "max_length", "voice_kinds", "return_kinds", "detailed", "detail_limit",
        "by", "counts", "beneficiaries", "leaders", "paths", "groups",
        "unknown_strength_links", "notes",
    )  # fmt: skip

    stage: str
    max_length: int
    voice_kinds: list[str]
    return_kinds: list[str]
    detailed: bool
    detail_limit: int
    stakeholders: int
    beneficiaries: list[dict[str, Any]]
    leaders: list[dict[str, Any]]
    paths: list[dict[str, Any]] | None
    by: str | None
    groups: list[dict[str, Any]] | None
    unknown_strength_links: int
    notes: list[str]
    names: dict[str, str] = field(default_factory=dict, repr=False)
    leader_power: dict[str, int | None] = field(default_factory=dict, repr=False)
    group_noun: tuple[str, str] = ("beneficiary group", "beneficiary groups")

    @property
    def counts(self) -> dict[str, int]:
        """How many beneficiaries got each verdict."""
        c = {"beneficiaries": len(self.beneficiaries), "leaders": len(self.leaders)}
        for v in VERDICTS:
            c[_count_key(v)] = sum(1 for b in self.beneficiaries if b["verdict"] == v)
        return c

    def _n(self, count: int) -> str:
        return self.group_noun[0] if count == 1 else self.group_noun[1]

    def _of(self, k: int, n: int) -> str:
        """'3 of 5 beneficiary groups have' / '1 of 5 … has'."""
        return f"{k:,} of {n:,} {self._n(n)} {'has' if k == 1 else 'have'}"

    def _name(self, sid: str | None) -> str:
        return "—" if sid is None else self.names.get(sid, sid)

    def _links(self, links: list[dict[str, Any]], subject: str = "") -> str:
        """'broken at A → B; waits on the proposed link C → D' (after ``subject``)."""
        broken: list[str] = []
        proposed: list[str] = []
        for x in links:
            step = f"{self._name(x['from'])} → {self._name(x['to'])}"
            (proposed if x["status"] == "proposed" else broken).append(step)
        parts = []
        if broken:
            parts.append(f"{subject}{'is ' if subject else ''}broken at " + and_list(broken, 3))
        if proposed:
            word = "link" if len(proposed) == 1 else "links"
            parts.append(f"{subject}waits on the proposed {word} " + and_list(proposed, 3))
        return "; ".join(parts)

    # ------------------------------------------------------------- findings

    def findings(self) -> list[Finding]:
        """What a guiding team should know, headlines first."""
        if not self.beneficiaries:
            text = (
                "The map has no beneficiaries: add whom the system serves to see "
                "whose voice reaches the leaders"
            )
            return [Finding(text, self.name, 3)]
        if not self.leaders:
            text = (
                "The map has no leaders: add who can change the system to see whose "
                "voice reaches them"
            )
            return [Finding(text, self.name, 3)]
        by_verdict: dict[str, list[dict[str, Any]]] = {v: [] for v in VERDICTS}
        for b in self.beneficiaries:
            by_verdict[b["verdict"]].append(b)
        no_voice, one_way, two_way = (by_verdict[v] for v in VERDICTS)
        out = [
            *self._headline_findings(no_voice, two_way),
            *self._deaf_findings(),
            *self._broken_findings(no_voice),
            *self._one_way_findings(one_way),
            *self._partial_findings(len(no_voice)),
            *self._weak_findings(two_way),
            *self._long_findings(),
            *self._group_findings(len(no_voice), len(two_way)),
            *self._reading_findings(),
        ]
        out.sort(key=lambda f: -f.importance)
        return out

    def _first(
        self,
        items: list[dict[str, Any]],
        each: Callable[[dict[str, Any]], Finding],
        rest: Callable[[int], str],
        *,
        limit: int = _FINDINGS_EACH,
        importance: int = 2,
    ) -> list[Finding]:
        """A finding for each of the first ``limit`` items, then one for the rest."""
        out = [each(x) for x in items[:limit]]
        if len(items) > limit:
            out.append(Finding(rest(len(items) - limit), self.name, importance))
        return out

    def _headline_findings(
        self, no_voice: list[dict[str, Any]], two_way: list[dict[str, Any]]
    ) -> list[Finding]:
        """Who has a voice, who has a loop."""
        bens = self.beneficiaries
        n = len(bens)
        one, many = self.group_noun
        if n == 1:
            b = bens[0]
            text = {
                "no voice": f"{b['name']} has no voice path to any leader",
                "one-way": f"The voice of {b['name']} reaches a leader, but nothing comes back",
                "two-way": f"{b['name']} has a two-way loop with {self._name(b['loop_leader'])}",
            }[b["verdict"]]
            return [Finding(text, self.name, 3, [b["id"]])]
        if not no_voice:
            out = [Finding(f"The voice of every {one} reaches a leader", self.name, 3)]
        else:
            text = (
                f"None of the {n:,} {many} has a voice path to any leader"
                if len(no_voice) == n
                else f"{self._of(len(no_voice), n)} no voice path to any leader: "
                + and_list([b["name"] for b in no_voice], 5)
            )
            out = [Finding(text, self.name, 3, [b["id"] for b in no_voice[:_FINDINGS_EACH]])]
        if len(no_voice) < n:
            if not two_way:
                text = f"No {one} has a two-way loop with a leader: nothing decided comes back"
            elif len(two_way) == 1:
                text = f"Only {two_way[0]['name']} has a two-way loop with a leader"
            elif len(two_way) == n:
                text = f"Every {one} has a two-way loop with a leader"
            else:
                text = f"{self._of(len(two_way), n)} a two-way loop with a leader: " + and_list(
                    [b["name"] for b in two_way], 5
                )
            out.append(Finding(text, self.name, 3, [b["id"] for b in two_way[:_FINDINGS_EACH]]))
        return out

    def _deaf_findings(self) -> list[Finding]:
        """Leaders who hear no beneficiary."""
        deaf = [ld for ld in self.leaders if not ld["hears"]]
        if len(deaf) <= _FINDINGS_EACH:
            return [
                Finding(f"{ld['name']} hears no beneficiary", self.name, 3, [ld["id"]])
                for ld in deaf
            ]
        text = (
            f"{len(deaf):,} of {len(self.leaders):,} leaders hear no beneficiary, "
            "including " + and_list([ld["name"] for ld in deaf], 3, "").rstrip()
        )
        return [Finding(text, self.name, 3, [ld["id"] for ld in deaf[:_FINDINGS_EACH]])]

    def _broken_findings(self, no_voice: list[dict[str, Any]]) -> list[Finding]:
        """Where the voice of those with none is broken."""

        def each(b: dict[str, Any]) -> Finding:
            ids = list(dict.fromkeys([b["id"], *(x["to"] for x in b["broken_at"])]))
            text = f"No voice path for {b['name']}: {self._links(b['broken_at'])}"
            return Finding(text, self.name, 3, ids)

        def rest(more: int) -> str:
            return (
                f"{more:,} more {self._n(more)} would have a voice path if broken or "
                "proposed links worked"
            )

        return self._first([b for b in no_voice if b["broken_at"]], each, rest)

    def _one_way_findings(self, one_way: list[dict[str, Any]]) -> list[Finding]:
        """Those heard by a leader to whom nothing comes back."""

        def each(b: dict[str, Any]) -> Finding:
            reached = b["leaders_reached"] or [b["nearest_leader"]]
            text = (
                f"Nothing comes back to {b['name']}: their voice reaches "
                f"{and_list([self._name(x) for x in reached], 3, 'leaders')} "
                "but no decisions return"
            )
            if b["return_broken_at"]:
                text += f" ({self._links(b['return_broken_at'], 'the return ')})"
            return Finding(text, self.name, 2, [b["id"], *reached[:_FINDINGS_EACH]])

        def rest(more: int) -> str:
            return (
                f"{more:,} more {self._n(more)} {'is' if more == 1 else 'are'} heard by a "
                f"leader but {'gets' if more == 1 else 'get'} nothing back"
            )

        return self._first(one_way, each, rest)

    def _partial_findings(self, no_voice: int) -> list[Finding]:
        """Leaders some beneficiaries cannot reach (needs per-leader detail)."""
        if not self.detailed:
            return []
        n = len(self.beneficiaries)
        partial = [
            ld
            for ld in self.leaders
            # a leader some reach and others cannot, beyond those with no voice at all
            if ld["beneficiaries_heard"] and n - ld["beneficiaries_heard"] > no_voice
        ]
        # the leaders with most power first: they decide most
        partial.sort(
            key=lambda ld: (-(self.leader_power.get(ld["id"]) or -1), ld["beneficiaries_heard"])
        )
        return [
            Finding(
                f"{self._of(n - ld['beneficiaries_heard'], n)} no voice path to {ld['name']}",
                self.name,
                2,
                [ld["id"]],
            )
            for ld in partial[:_FINDINGS_EACH]
        ]

    def _weak_link(self, b: dict[str, Any], key: str, lead: str) -> Finding:
        """'<lead>: A → B (strength 1)' for the weakest link under ``key``."""
        wl = b[key]
        text = (
            f"{lead}: {self._name(wl['from'])} → {self._name(wl['to'])} "
            f"(strength {fmt_number(wl['strength'])})"
        )
        return Finding(text, self.name, 2, [b["id"], wl["from"], wl["to"]])

    def _weak_findings(self, two_way: list[dict[str, Any]]) -> list[Finding]:
        """Voice paths, and ways back, that hang on a weak link."""

        def each(b: dict[str, Any]) -> Finding:
            lead = (
                f"The voice of {b['name']} reaches {self._name(b['nearest_leader'])} "
                "only through a weak link"
            )
            return self._weak_link(b, "weakest_link", lead)

        def rest(more: int) -> str:
            paths = "path hangs" if more == 1 else "paths hang"
            return f"{more:,} more voice {paths} on a link of strength 1 or less"

        weak = [b for b in self.beneficiaries if _is_weak(b["weakest_link"])]
        out = self._first(weak, each, rest)
        weak_back = [b for b in two_way if _is_weak(b["return_weakest_link"])]
        for b in weak_back[:_FINDINGS_EACH]:
            lead = (
                f"What comes back to {b['name']} from {self._name(b['loop_leader'])} "
                "hangs on a weak link"
            )
            out.append(self._weak_link(b, "return_weakest_link", lead))
        return out

    def _long_findings(self) -> list[Finding]:
        """Voice paths of four steps or more."""

        def each(b: dict[str, Any]) -> Finding:
            text = (
                f"The voice of {b['name']} takes {b['length']} steps to reach a leader "
                f"({self._name(b['nearest_leader'])})"
            )
            return Finding(text, self.name, 1, [b["id"]])

        def rest(more: int) -> str:
            return f"{more:,} more voice paths take 4 steps or more"

        long = [b for b in self.beneficiaries if b["length"] is not None and b["length"] >= 4]
        return self._first(long, each, rest, limit=3, importance=1)

    def _group_findings(self, nv: int, tw: int) -> list[Finding]:
        """The equity lens: groups 10 points or more worse off than all beneficiaries."""
        if self.by is None or self.groups is None:
            return []
        out: list[Finding] = []
        n = len(self.beneficiaries)
        for g in self.groups:
            if g["value"] is None:
                continue
            who, k = f"{self.by} = {g['value']}", g["beneficiaries"]
            if g["no_voice"] and g["no_voice"] / k - nv / n >= _GAP:
                text = (
                    f"{who}: {self._of(g['no_voice'], k)} no voice path to a leader "
                    f"(overall {nv:,} of {n:,})"
                )
            elif tw / n - g["two_way"] / k >= _GAP:
                text = (
                    f"No {self.group_noun[0]} with {who} has a two-way loop with a leader"
                    if not g["two_way"]
                    else f"{who}: {self._of(g['two_way'], k)} a two-way loop with a leader"
                ) + f" (overall {tw:,} of {n:,})"
            else:
                continue
            out.append(Finding(text, self.name, 2))
        missing = next((g for g in self.groups if g["value"] is None), None)
        if missing:
            k = missing["beneficiaries"]
            text = (
                f"{k:,} {self._n(k)} {'has' if k == 1 else 'have'} no {self.by} "
                f"recorded; they are counted under {_MISSING}"
            )
            out.append(Finding(text, self.name, 1))
        return out

    def _reading_findings(self) -> list[Finding]:
        """How to read the figures: guessed strengths, limited details."""
        out: list[Finding] = []
        if self.unknown_strength_links:
            k = self.unknown_strength_links
            text = (
                f"Strength is not recorded on {plural(k, 'link')} of these paths; "
                "each counts as 1 (weak)"
            )
            out.append(Finding(text, self.name, 1))
        if not self.detailed:
            text = (
                f"This map has {self.stakeholders:,} stakeholders, more than "
                f"{self.detail_limit:,}: each beneficiary's path is shown to its nearest "
                "leader only, without paths to each leader or where return paths break"
            )
            out.append(Finding(text, self.name, 1))
        return out

    # --------------------------------------------------------------- output

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data (see the class notes for the keys)."""
        data: dict[str, Any] = {"analysis": self.name}
        data["findings"] = [f.to_dict() for f in self.findings()]
        return data | {key: getattr(self, key) for key in self.FIELDS}

    def _path(self, ids: list[str] | None) -> str:
        return "—" if not ids else " → ".join(self._name(x) for x in ids)

    def _weakest(self, wl: dict[str, Any] | None) -> str:
        if wl is None:
            return "—"
        s = fmt_number(wl["strength"]) if wl["recorded"] else "1 (not recorded)"
        return f"{self._name(wl['from'])} → {self._name(wl['to'])}: {s}"

    def _beneficiary_row(self, b: dict[str, Any]) -> list[Any]:
        where = self._links(b["broken_at"] or b["return_broken_at"])
        back = self._path(b["return_path"]) if b["return_path"] else None
        if back is None and b["loop_leader"]:
            back = f"from {self._name(b['loop_leader'])}"
        return [
            b["name"], b["verdict"], self._path(b["path"]), b["length"],
            self._weakest(b["weakest_link"]), back or "—",
            self._weakest(b["return_weakest_link"]), where or "—",
        ]  # fmt: skip

    def _path_row(self, p: dict[str, Any]) -> list[Any]:
        return [
            self._name(p["beneficiary"]), self._name(p["leader"]), p["length"],
            self._path(p["path"]), self._weakest(p["weakest_link"]), p["returns"],
            self._path(p["return_path"]), self._weakest(p["return_weakest_link"]),
        ]  # fmt: skip

    def _tables(self) -> list[tuple[str, list[str], list[list[Any]]]]:
        c = self.counts
        tables: list[tuple[str, list[str], list[list[Any]]]] = [
            ("Verdicts", ["beneficiaries", "no voice", "one-way", "two-way"],
             [[c["beneficiaries"], c["no_voice"], c["one_way"], c["two_way"]]]),
            ("Each beneficiary's shortest voice path to a leader",
             ["beneficiary", "verdict", "voice path", "steps", "weakest link",
              "comes back", "weakest link back", "where it breaks"],
             [self._beneficiary_row(b) for b in self.beneficiaries]),
            ("Leaders",
             ["leader", "hears a beneficiary", "beneficiaries heard", "two-way loops"],
             [[ld["name"], ld["hears"], ld["beneficiaries_heard"], ld["loops"]]
              for ld in self.leaders]),
        ]  # fmt: skip
        if self.paths is not None:
            tables.append(
                ("Voice paths to each leader",
                 ["beneficiary", "leader", "steps", "voice path", "weakest link",
                  "comes back", "return path", "weakest link back"],
                 [self._path_row(p) for p in self.paths])
            )  # fmt: skip
        if self.groups is not None:
            tables.append(
                (f"By {self.by}",
                 [str(self.by), "beneficiaries", "no voice", "one-way", "two-way"],
                 [[g["value"] if g["value"] is not None else _MISSING,
                   g["beneficiaries"], g["no_voice"], g["one_way"], g["two_way"]]
                  for g in self.groups])
            )  # fmt: skip
        return tables

    def blocks(self) -> list[Block]:
        """Findings, then the tables and how to read them."""
        out: list[Block] = [
            Heading("Voice and two-way feedback", 2),
            Heading("Findings"),
            Bullets([f.text for f in self.findings()]),
        ]
        for title, headers, rows in self._tables():
            shown = Table(headers, rows[:_ROWS_SHOWN], total=len(rows), more="all in the JSON")
            out += [Heading(title), shown]
        out += [Heading("How to read this"), Bullets(list(self.notes))]
        return out


# ------------------------------------------------------------------ analysis


def _groups(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The verdicts counted per group, numbers first, then text, then not recorded."""
    table: dict[str | None, dict[str, Any]] = {}
    for rec in records:
        row = table.setdefault(
            rec["group"],
            {"value": rec["group"], "beneficiaries": 0, "no_voice": 0, "one_way": 0,
             "two_way": 0},
        )  # fmt: skip
        row["beneficiaries"] += 1
        row[_count_key(rec["verdict"])] += 1
    return sorted(table.values(), key=lambda r: _group_order(r["value"]))


class _Run:
    """One voice analysis of one map: the searches and what they found.

    Each beneficiary's nearest leader is known from the start; with
    :meth:`per_leader` and :meth:`return_breaks` (small maps) or
    :meth:`at_scale` (large ones) the loops are found, and :meth:`result`
    writes the records.
    """

    def __init__(self, m: SystemMap, k: int, detail_limit: int) -> None:
        self.m, self.k, self.detail_limit = m, k, detail_limit
        self.g = g = _Graphs(m)
        self.people = people = m.stakeholders
        self.ids = g.ids
        self.bens = [i for i, s in enumerate(people) if s.role == "beneficiary"]
        self.leaders = [i for i, s in enumerate(people) if s.role == "leader"]
        self.detailed = len(people) <= detail_limit
        self.voice_fwd = g.links(g.voice_u, g.voice_v)
        # each beneficiary's nearest leader: one search back from all leaders at once
        self.near = _layered(self.leaders, g.voice_in, k)
        from_bens = hops(self.voice_fwd, self.bens, k)
        self.heard = {i for i in self.leaders if from_bens[i] <= k}
        self.unknown_links: set[tuple[int, int]] = set()
        self.reached: dict[int, list[int]] = {b: [] for b in self.bens}
        self.paths: list[dict[str, Any]] | None = None
        self.heard_count: dict[int, int] = {}
        self.loops_count: dict[int, int] = {}
        self.loop_with: dict[int, int] = {}
        self.return_path: dict[int, list[int]] = {}
        self.return_broken: dict[int, list[dict[str, Any]]] = {}
        self.links = g.return_links() if self.detailed else {}
        # the return links out of each stakeholder, working and not, for the searches
        # from each leader (small maps only): shortest, then fewest not working, then
        # strongest
        self.ret_out: Adjacency = [{} for _ in range(g.n if self.detailed else 0)]
        self.ret_out_broken: Adjacency = [{} for _ in range(g.n if self.detailed else 0)]
        for (u, v), link in self.links.items():
            (self.ret_out if link.working else self.ret_out_broken)[u][v] = link

    def _voice_link(self, u: int, v: int) -> _Link:
        return self.g.voice_in[v][u]

    def _return_link(self, u: int, v: int) -> _Link:
        return self.links[(u, v)]

    def weakest_link(
        self, path: list[int], lookup: Callable[[int, int], _Link] | None = None
    ) -> dict[str, Any] | None:
        """The path's weakest link (the first among equals); links with no
        strength recorded are noted."""
        weakest: tuple[float, int, int, bool] | None = None
        for u, v in zip(path, path[1:], strict=False):
            link = (lookup or self._voice_link)(u, v)
            if not link.known:
                self.unknown_links.add((u, v))
            if weakest is None or link.strength < weakest[0]:
                weakest = (link.strength, u, v, link.known)
        if weakest is None:
            return None
        s, u, v, known = weakest
        return {"from": self.ids[u], "to": self.ids[v], "strength": s, "recorded": known}

    def broken(self, u: int, v: int, r: Relationship) -> dict[str, Any]:
        return {"from": self.ids[u], "to": self.ids[v], "kind": r.kind, "status": r.status}

    # -- paths to each leader, when the map is small enough

    def per_leader(self) -> None:
        """Voice paths to each leader and back, and each beneficiary's shortest loop."""
        g, k, leaders = self.g, self.k, self.leaders
        self.paths = []
        best_loop: dict[int, tuple[int, int, list[int]]] = {}
        for lead in leaders:
            sv = _layered([lead], g.voice_in, k)
            back = _layered([lead], self.ret_out, k)
            self.heard_count[lead] = self.loops_count[lead] = 0
            for b in (b for b in self.bens if b in sv.dist):
                self.heard_count[lead] += 1
                self.reached[b].append(lead)
                rpath = _walk(back, b)[::-1] if b in back.dist else None
                self.paths.append(self._path(b, lead, _walk(sv, b), rpath))
                if rpath is not None:
                    self.loops_count[lead] += 1
                    total = sv.dist[b] + len(rpath) - 1
                    if b not in best_loop or total < best_loop[b][0]:
                        best_loop[b] = (total, lead, rpath)
        for b, (_, lead, rpath) in best_loop.items():
            self.loop_with[b] = lead
            self.return_path[b] = rpath

    def _path(self, b: int, lead: int, vpath: list[int], rpath: list[int] | None) -> dict[str, Any]:
        ids = self.ids
        return {
            "beneficiary": ids[b],
            "leader": ids[lead],
            "length": len(vpath) - 1,
            "path": [ids[x] for x in vpath],
            "weakest_link": self.weakest_link(vpath),
            "returns": rpath is not None,
            "return_length": len(rpath) - 1 if rpath else None,
            "return_path": [ids[x] for x in rpath] if rpath else None,
            "return_weakest_link": self.weakest_link(rpath, self._return_link) if rpath else None,
        }

    def return_breaks(self) -> None:
        """Where the return breaks, for those heard but answered by nobody."""
        g, k, links = self.g, self.k, self.links
        one_way = [b for b in self.bens if self.reached[b] and b not in self.loop_with]
        if not one_way or not g.has_nonworking:
            return
        needed = sorted({lead for b in one_way for lead in self.reached[b]})
        back = {x: _layered([x], self.ret_out, k, self.ret_out_broken) for x in needed}
        for b in one_way:
            # the leader whose return is shortest, then breaks in fewest places, then first
            found = [
                (back[x].dist[b], -back[x].label[b][0], x)
                for x in self.reached[b]
                if b in back[x].dist
            ]
            if found:
                lead = min(found)[2]
                rpath = _walk(back[lead], b)[::-1]
                self.return_broken[b] = [
                    self.broken(u, v, links[(u, v)].rel)
                    for u, v in zip(rpath, rpath[1:], strict=False)
                    if not links[(u, v)].working
                ]

    # -- the loops at scale, without paths

    def at_scale(self) -> None:
        """For each beneficiary that closes a loop, one leader it closes it with."""
        g, k, near = self.g, self.k, self.near
        back_any = hops(g.links(g.ret_u, g.ret_v), self.leaders, k)
        candidates = [b for b in self.bens if b in near.dist and back_any[b] <= k]
        # only leaders some candidate reaches and that reach some candidate back can
        # close a loop; those that are many candidates' nearest leader go first
        hears = hops(self.voice_fwd, candidates, k)
        answers = hops(g.links(g.ret_v, g.ret_u), candidates, k)
        priority: dict[int, int] = {}
        for b in candidates:
            lead = _walk(near, b)[-1]
            priority[lead] = priority.get(lead, 0) + 1
        useful = [x for x in self.leaders if hears[x] <= k and answers[x] <= k]
        useful.sort(key=lambda x: -priority.get(x, 0))
        self.loop_with = _two_way_at_scale(g, useful, candidates, k)

    # -- the result

    def _record(self, b: int, ext_voice: _Search | None, by: str | None) -> dict[str, Any]:
        """One beneficiary's verdict, paths and breaks."""
        s, ids = self.people[b], self.ids
        rec: dict[str, Any] = {"id": s.id, "name": s.name}
        if b in self.near.dist:
            path = _walk(self.near, b)
            rec.update(
                verdict="two-way" if b in self.loop_with else "one-way",
                nearest_leader=ids[path[-1]],
                length=self.near.dist[b],
                path=[ids[x] for x in path],
                weakest_link=self.weakest_link(path),
            )
        else:
            rec.update(
                verdict="no voice", nearest_leader=None, length=None, path=None, weakest_link=None
            )
        rec["leaders_reached"] = [ids[x] for x in self.reached[b]] if self.detailed else None
        rec["loop_leader"] = ids[self.loop_with[b]] if b in self.loop_with else None
        rp = self.return_path.get(b)
        rec["return_path"] = [ids[x] for x in rp] if rp else None
        rec["return_weakest_link"] = self.weakest_link(rp, self._return_link) if rp else None
        rec["broken_at"] = []
        if rec["verdict"] == "no voice" and ext_voice is not None and b in ext_voice.dist:
            xpath = _walk(ext_voice, b)
            rec["broken_at"] = [
                self.broken(u, v, self.g.voice_in_extra[v][u].rel)
                for u, v in zip(xpath, xpath[1:], strict=False)
                if u not in self.g.voice_in[v]
            ]
        rec["return_broken_at"] = self.return_broken.get(b, [])
        rec["group"] = _label(s.attributes.get(by)) if by is not None else None
        return rec

    def _leader_rows(self) -> list[dict[str, Any]]:
        detailed = self.detailed
        return [
            {"id": self.ids[i], "name": self.people[i].name, "hears": i in self.heard,
             "beneficiaries_heard": self.heard_count.get(i) if detailed else None,
             "loops": self.loops_count.get(i) if detailed else None}
            for i in self.leaders
        ]  # fmt: skip

    def _notes(self, vk: list[str], rk: list[str]) -> list[str]:
        """How to read the result: what counted, and what was left out."""
        redesign = self.m.stage == "redesign"
        counted = "existing and weak relationships" + (
            " and proposed ones (this is a redesign)" if redesign else ""
        )
        not_counted = "broken ones" + ("" if redesign else " and proposed ones")
        notes = [
            f"Voice travels through: {', '.join(vk)}.",
            f"Decisions come back through: {', '.join(rk)}; and any relationship whose power "
            "carries decisions or information.",
            f"Counted: {counted}; {not_counted} only show where voice is broken.",
            f"Paths have at most {self.k} steps each way. Each is the shortest; among equally "
            "short paths, the one whose weakest link is strongest.",
            "A link with no strength recorded counts as 1.",
        ]
        if not self.detailed:
            notes.append(
                f"Details limited: the map has {len(self.people):,} stakeholders (more than "
                f"{self.detail_limit:,}), so only each beneficiary's nearest leader is shown."
            )
        return notes

    def result(self, by: str | None) -> VoiceResult:
        """The records, the leaders, the groups and the notes, as a result."""
        g, m, people = self.g, self.m, self.people
        ext_voice: _Search | None = None
        # where voice is broken: the search again, with non-working links allowed
        if g.has_nonworking and any(b not in self.near.dist for b in self.bens):
            ext_voice = _layered(self.leaders, g.voice_in, self.k, extra=g.voice_in_extra)
        records = [self._record(b, ext_voice, by) for b in self.bens]
        vk, rk = sorted(voice_kinds(m)), sorted(return_kinds(m))
        types = {(people[b].type or "").strip().lower() for b in self.bens}
        persons = bool(types & {"person", "individual"})
        return VoiceResult(
            stage=m.stage,
            max_length=self.k,
            voice_kinds=vk,
            return_kinds=rk,
            detailed=self.detailed,
            detail_limit=self.detail_limit,
            stakeholders=len(people),
            beneficiaries=records,
            leaders=self._leader_rows(),
            paths=self.paths,
            by=by,
            groups=_groups(records) if by is not None else None,
            unknown_strength_links=len(self.unknown_links),
            notes=self._notes(vk, rk),
            names={s.id: s.name for s in people},
            leader_power={people[i].id: people[i].power for i in self.leaders},
            group_noun=(
                ("beneficiary", "beneficiaries")
                if persons
                else ("beneficiary group", "beneficiary groups")
            ),
        )


def voice(
    m: SystemMap,
    *,
    by: str | None = None,
    max_length: int = 6,
    detail_limit: int = DETAIL_LIMIT,
) -> VoiceResult:
    """Does each beneficiary's voice reach the leaders who decide, and does anything come back?

    Parameters
    ----------
    m : SystemMap
        The map. In a current map proposed relationships do not count (they
        only show where voice would open); in a redesign they do.
    by : str, optional
        A stakeholder attribute (e.g. ``race``, ``age_group``): the verdicts
        are also counted per value, with a row for beneficiaries that lack it.
    max_length : int
        The longest path counted, in steps, each way (default 6).
    detail_limit : int
        Up to this many stakeholders, paths to each leader are worked out
        (default :data:`DETAIL_LIMIT`); above it, only each beneficiary's
        nearest leader. The verdicts are exact either way.

    Returns
    -------
    VoiceResult
        Findings first (:meth:`VoiceResult.findings`), then the verdicts,
        paths and groups.

    Raises
    ------
    BadArgument
        When ``max_length`` is less than 1.

    Example
    -------
    The three beneficiaries of ``examples/small.yaml``, worked out by hand in
    the comment at the top of that file:

    >>> import sysmap
    >>> from sysmap.examples import examples_folder
    >>> result = voice(sysmap.load_map(examples_folder() / "small.yaml"))
    >>> for f in result.findings()[:3]:
    ...     print(f.text)
    1 of 3 beneficiary groups has no voice path to any leader: Young people experiencing homelessness
    Only People with lived experience has a two-way loop with a leader
    City council hears no beneficiary
    >>> [(b["id"], b["verdict"], b["length"]) for b in result.beneficiaries]
    [('pwle', 'two-way', 1), ('families', 'one-way', 2), ('youth', 'no voice', None)]
    """
    if max_length < 1:
        message = f"max_length must be at least 1 (got {max_length})"
        raise BadArgument(message, argument="max_length")
    run = _Run(m, max_length, detail_limit)
    if run.detailed:
        run.per_leader()
        run.return_breaks()
    else:
        run.at_scale()
    return run.result(by)
