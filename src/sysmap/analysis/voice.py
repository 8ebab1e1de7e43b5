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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, NamedTuple

import numpy as np

from sysmap.analysis._base import Finding, fmt_number, md_table, text_table
from sysmap.analysis._graph import counts
from sysmap.errors import SysmapError
from sysmap.escape import markdown_text
from sysmap.model import VOICE_KINDS, Relationship, SystemMap

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

    def csr(self, u: np.ndarray, v: np.ndarray, weights: np.ndarray | None = None) -> Any:
        """A sparse matrix with one entry per directed (u, v) link."""
        from scipy.sparse import csr_matrix

        data = np.ones(len(u)) if weights is None else weights
        return csr_matrix((data, (u, v)), shape=(self.n, self.n))

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


def _within(csr: Any, sources: Sequence[int], k: int) -> np.ndarray:
    """Hops from the nearest of ``sources`` (inf beyond ``k``), in one search."""
    from scipy.sparse.csgraph import dijkstra

    n = csr.shape[0]
    if not len(sources) or n == 0:
        return np.full(n, np.inf)
    return np.asarray(
        dijkstra(csr, directed=True, indices=list(sources), unweighted=True, limit=k, min_only=True)
    )


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


def _and(items: Sequence[str], limit: int = 3, noun: str = "") -> str:
    items = list(items)
    if len(items) > limit:
        more = len(items) - limit
        return ", ".join(items[:limit]) + f" and {more:,} more{' ' + noun if noun else ''}"
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


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


@dataclass
class VoiceResult:
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
            c[v.replace(" ", "_").replace("-", "_")] = sum(
                1 for b in self.beneficiaries if b["verdict"] == v
            )
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
        broken = [
            f"{self._name(x['from'])} → {self._name(x['to'])}"
            for x in links
            if x["status"] != "proposed"
        ]
        proposed = [
            f"{self._name(x['from'])} → {self._name(x['to'])}"
            for x in links
            if x["status"] == "proposed"
        ]
        parts = []
        if broken:
            parts.append(f"{subject}{'is ' if subject else ''}broken at " + _and(broken, 3))
        if proposed:
            word = "link" if len(proposed) == 1 else "links"
            parts.append(f"{subject}waits on the proposed {word} " + _and(proposed, 3))
        return "; ".join(parts)

    # ------------------------------------------------------------- findings

    def findings(self) -> list[Finding]:
        """What a guiding team should know, headlines first."""
        out: list[Finding] = []
        add = out.append
        c = self.counts
        n = c["beneficiaries"]
        one, many = self.group_noun
        bens = self.beneficiaries
        if n == 0:
            add(
                Finding(
                    "The map has no beneficiaries: add whom the system serves to see "
                    "whose voice reaches the leaders",
                    self.name,
                    3,
                )
            )
            return out
        if not self.leaders:
            add(
                Finding(
                    "The map has no leaders: add who can change the system to see whose "
                    "voice reaches them",
                    self.name,
                    3,
                )
            )
            return out

        # -- headlines: who has a voice, who has a loop
        no_voice = [b for b in bens if b["verdict"] == "no voice"]
        two_way = [b for b in bens if b["verdict"] == "two-way"]
        one_way = [b for b in bens if b["verdict"] == "one-way"]
        if n == 1:
            b = bens[0]
            text = {
                "no voice": f"{b['name']} has no voice path to any leader",
                "one-way": f"The voice of {b['name']} reaches a leader, but nothing comes back",
                "two-way": f"{b['name']} has a two-way loop with {self._name(b['loop_leader'])}",
            }[b["verdict"]]
            add(Finding(text, self.name, 3, [b["id"]]))
        else:
            if no_voice:
                text = (
                    f"None of the {n:,} {many} has a voice path to any leader"
                    if len(no_voice) == n
                    else f"{self._of(len(no_voice), n)} no voice path to any leader: "
                    + _and([b["name"] for b in no_voice], 5)
                )
                add(Finding(text, self.name, 3, [b["id"] for b in no_voice[:_FINDINGS_EACH]]))
            else:
                add(Finding(f"The voice of every {one} reaches a leader", self.name, 3))
            if len(no_voice) < n:
                ids = [b["id"] for b in two_way[:_FINDINGS_EACH]]
                if not two_way:
                    text = f"No {one} has a two-way loop with a leader: nothing decided comes back"
                elif len(two_way) == 1:
                    text = f"Only {two_way[0]['name']} has a two-way loop with a leader"
                elif len(two_way) == n:
                    text = f"Every {one} has a two-way loop with a leader"
                else:
                    text = f"{self._of(len(two_way), n)} a two-way loop with a leader: " + _and(
                        [b["name"] for b in two_way], 5
                    )
                add(Finding(text, self.name, 3, ids))

        # -- leaders who hear nobody
        deaf = [ld for ld in self.leaders if not ld["hears"]]
        if len(deaf) <= _FINDINGS_EACH:
            for ld in deaf:
                add(Finding(f"{ld['name']} hears no beneficiary", self.name, 3, [ld["id"]]))
        else:
            add(
                Finding(
                    f"{len(deaf):,} of {len(self.leaders):,} leaders hear no beneficiary, "
                    "including " + _and([ld["name"] for ld in deaf], 3, "").rstrip(),
                    self.name,
                    3,
                    [ld["id"] for ld in deaf[:_FINDINGS_EACH]],
                )
            )

        # -- where voice is broken
        broken = [b for b in no_voice if b["broken_at"]]
        for b in broken[:_FINDINGS_EACH]:
            add(
                Finding(
                    f"No voice path for {b['name']}: {self._links(b['broken_at'])}",
                    self.name,
                    3,
                    list(dict.fromkeys([b["id"], *(x["to"] for x in b["broken_at"])])),
                )
            )
        if len(broken) > _FINDINGS_EACH:
            more = len(broken) - _FINDINGS_EACH
            add(
                Finding(
                    f"{more:,} more {self._n(more)} would have a voice path if broken or "
                    "proposed links worked",
                    self.name,
                    2,
                )
            )

        # -- nothing comes back
        for b in one_way[:_FINDINGS_EACH]:
            reached = b["leaders_reached"] or [b["nearest_leader"]]
            text = (
                f"Nothing comes back to {b['name']}: their voice reaches "
                f"{_and([self._name(x) for x in reached], 3, 'leaders')} "
                "but no decisions return"
            )
            if b["return_broken_at"]:
                text += f" ({self._links(b['return_broken_at'], 'the return ')})"
            add(Finding(text, self.name, 2, [b["id"], *reached[:_FINDINGS_EACH]]))
        if len(one_way) > _FINDINGS_EACH:
            more = len(one_way) - _FINDINGS_EACH
            add(
                Finding(
                    f"{more:,} more {self._n(more)} {'is' if more == 1 else 'are'} heard by a "
                    f"leader but {'gets' if more == 1 else 'get'} nothing back",
                    self.name,
                    2,
                )
            )

        # -- leaders some beneficiaries cannot reach (needs per-leader detail)
        if self.detailed:
            partial = [
                ld
                for ld in self.leaders
                # a leader some reach and others cannot, beyond those with no voice at all
                if ld["beneficiaries_heard"] and n - ld["beneficiaries_heard"] > len(no_voice)
            ]
            # the leaders with most power first: they decide most
            partial.sort(
                key=lambda ld: (-(self.leader_power.get(ld["id"]) or -1), ld["beneficiaries_heard"])
            )
            for ld in partial[:_FINDINGS_EACH]:
                add(
                    Finding(
                        f"{self._of(n - ld['beneficiaries_heard'], n)} no voice path to "
                        f"{ld['name']}",
                        self.name,
                        2,
                        [ld["id"]],
                    )
                )

        # -- weak and long paths
        weak = [
            b
            for b in bens
            if b["weakest_link"]
            and b["weakest_link"]["recorded"]
            and b["weakest_link"]["strength"] <= 1
        ]
        for b in weak[:_FINDINGS_EACH]:
            wl = b["weakest_link"]
            add(
                Finding(
                    f"The voice of {b['name']} reaches {self._name(b['nearest_leader'])} only "
                    f"through a weak link: {self._name(wl['from'])} → {self._name(wl['to'])} "
                    f"(strength {fmt_number(wl['strength'])})",
                    self.name,
                    2,
                    [b["id"], wl["from"], wl["to"]],
                )
            )
        if len(weak) > _FINDINGS_EACH:
            more = len(weak) - _FINDINGS_EACH
            add(
                Finding(
                    f"{more:,} more voice {'path hangs' if more == 1 else 'paths hang'} on a "
                    "link of strength 1 or less",
                    self.name,
                    2,
                )
            )
        weak_back = [
            b
            for b in two_way
            if b["return_weakest_link"]
            and b["return_weakest_link"]["recorded"]
            and b["return_weakest_link"]["strength"] <= 1
        ]
        for b in weak_back[:_FINDINGS_EACH]:
            wl = b["return_weakest_link"]
            add(
                Finding(
                    f"What comes back to {b['name']} from {self._name(b['loop_leader'])} hangs "
                    f"on a weak link: {self._name(wl['from'])} → {self._name(wl['to'])} "
                    f"(strength {fmt_number(wl['strength'])})",
                    self.name,
                    2,
                    [b["id"], wl["from"], wl["to"]],
                )
            )
        long = [b for b in bens if b["length"] is not None and b["length"] >= 4]
        for b in long[:3]:
            add(
                Finding(
                    f"The voice of {b['name']} takes {b['length']} steps to reach a leader "
                    f"({self._name(b['nearest_leader'])})",
                    self.name,
                    1,
                    [b["id"]],
                )
            )
        if len(long) > 3:
            add(Finding(f"{len(long) - 3:,} more voice paths take 4 steps or more", self.name, 1))

        # -- the equity lens
        if self.by is not None and self.groups is not None:
            nv, tw = len(no_voice), len(two_way)
            for g in self.groups:
                if g["value"] is None:
                    continue
                who = f"{self.by} = {g['value']}"
                # a gap: 10 percentage points or more worse than the share overall
                if g["no_voice"] and g["no_voice"] / g["beneficiaries"] - nv / n >= _GAP:
                    add(
                        Finding(
                            f"{who}: {self._of(g['no_voice'], g['beneficiaries'])} no voice "
                            f"path to a leader (overall {nv:,} of {n:,})",
                            self.name,
                            2,
                        )
                    )
                elif tw / n - g["two_way"] / g["beneficiaries"] >= _GAP:
                    text = (
                        f"No {one} with {who} has a two-way loop with a leader"
                        if not g["two_way"]
                        else f"{who}: {self._of(g['two_way'], g['beneficiaries'])} a two-way "
                        "loop with a leader"
                    )
                    add(Finding(f"{text} (overall {tw:,} of {n:,})", self.name, 2))
            missing = next((g for g in self.groups if g["value"] is None), None)
            if missing:
                k = missing["beneficiaries"]
                add(
                    Finding(
                        f"{k:,} {self._n(k)} {'has' if k == 1 else 'have'} no {self.by} "
                        f"recorded; they are counted under {_MISSING}",
                        self.name,
                        1,
                    )
                )

        # -- how to read the figures
        if self.unknown_strength_links:
            k = self.unknown_strength_links
            add(
                Finding(
                    f"Strength is not recorded on {k:,} {'link' if k == 1 else 'links'} "
                    "of these paths; each counts as 1 (weak)",
                    self.name,
                    1,
                )
            )
        if not self.detailed:
            add(
                Finding(
                    f"This map has {self.stakeholders:,} stakeholders, more than "
                    f"{self.detail_limit:,}: each beneficiary's path is shown to its nearest "
                    "leader only, without paths to each leader or where return paths break",
                    self.name,
                    1,
                )
            )
        out.sort(key=lambda f: -f.importance)
        return out

    # --------------------------------------------------------------- output

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data (see the class notes for the keys)."""
        return {
            "analysis": self.name,
            "findings": [f.to_dict() for f in self.findings()],
            "stage": self.stage,
            "max_length": self.max_length,
            "voice_kinds": self.voice_kinds,
            "return_kinds": self.return_kinds,
            "detailed": self.detailed,
            "detail_limit": self.detail_limit,
            "by": self.by,
            "counts": self.counts,
            "beneficiaries": self.beneficiaries,
            "leaders": self.leaders,
            "paths": self.paths,
            "groups": self.groups,
            "unknown_strength_links": self.unknown_strength_links,
            "notes": self.notes,
        }

    def _path(self, ids: list[str] | None) -> str:
        return "—" if not ids else " → ".join(self._name(x) for x in ids)

    def _weakest(self, wl: dict[str, Any] | None) -> str:
        if wl is None:
            return "—"
        s = fmt_number(wl["strength"]) if wl["recorded"] else "1 (not recorded)"
        return f"{self._name(wl['from'])} → {self._name(wl['to'])}: {s}"

    def _tables(self) -> list[tuple[str, list[str], list[list[Any]]]]:
        c = self.counts
        tables: list[tuple[str, list[str], list[list[Any]]]] = [
            (
                "Verdicts",
                ["beneficiaries", "no voice", "one-way", "two-way"],
                [[c["beneficiaries"], c["no_voice"], c["one_way"], c["two_way"]]],
            )
        ]
        rows = []
        for b in self.beneficiaries:
            where = self._links(b["broken_at"] or b["return_broken_at"])
            back = self._path(b["return_path"]) if b["return_path"] else None
            if back is None and b["loop_leader"]:
                back = f"from {self._name(b['loop_leader'])}"
            rows.append(
                [
                    b["name"],
                    b["verdict"],
                    self._path(b["path"]),
                    b["length"],
                    self._weakest(b["weakest_link"]),
                    back or "—",
                    self._weakest(b["return_weakest_link"]),
                    where or "—",
                ]
            )
        tables.append(
            (
                "Each beneficiary's shortest voice path to a leader",
                ["beneficiary", "verdict", "voice path", "steps", "weakest link",
                 "comes back", "weakest link back", "where it breaks"],
                rows,
            )
        )  # fmt: skip
        tables.append(
            (
                "Leaders",
                ["leader", "hears a beneficiary", "beneficiaries heard", "two-way loops"],
                [
                    [ld["name"], ld["hears"], ld["beneficiaries_heard"], ld["loops"]]
                    for ld in self.leaders
                ],
            )
        )
        if self.paths is not None:
            tables.append(
                (
                    "Voice paths to each leader",
                    ["beneficiary", "leader", "steps", "voice path", "weakest link",
                     "comes back", "return path", "weakest link back"],
                    [
                        [self._name(p["beneficiary"]), self._name(p["leader"]), p["length"],
                         self._path(p["path"]), self._weakest(p["weakest_link"]),
                         p["returns"], self._path(p["return_path"]),
                         self._weakest(p["return_weakest_link"])]
                        for p in self.paths
                    ],
                )
            )  # fmt: skip
        if self.groups is not None:
            tables.append(
                (
                    f"By {self.by}",
                    [str(self.by), "beneficiaries", "no voice", "one-way", "two-way"],
                    [
                        [g["value"] if g["value"] is not None else _MISSING,
                         g["beneficiaries"], g["no_voice"], g["one_way"], g["two_way"]]
                        for g in self.groups
                    ],
                )
            )  # fmt: skip
        return tables

    @staticmethod
    def _cap(rows: list[list[Any]]) -> tuple[list[list[Any]], str | None]:
        if len(rows) <= _ROWS_SHOWN:
            return rows, None
        return rows[:_ROWS_SHOWN], f"… and {len(rows) - _ROWS_SHOWN:,} more (all in the JSON)"

    def format_text(self) -> str:
        """A plain-text report: findings, then the tables and how to read them."""
        lines = ["Voice and two-way feedback", "", "Findings:"]
        lines += [f"- {f.text}" for f in self.findings()]
        for title, headers, rows in self._tables():
            shown, more = self._cap(rows)
            lines += ["", f"{title}:", text_table(headers, shown)]
            if more:
                lines.append(more)
        lines += ["", "How to read this:"] + [f"- {note}" for note in self.notes]
        return "\n".join(lines)

    def format_markdown(self) -> str:
        """A Markdown report: findings, then the tables and how to read them."""
        out = ["## Voice and two-way feedback", "", "### Findings", ""]
        out += [f"- {markdown_text(f.text)}" for f in self.findings()]
        for title, headers, rows in self._tables():
            shown, more = self._cap(rows)
            out += ["", f"### {title}", "", md_table(headers, shown)]
            if more:
                out += ["", more]
        out += ["", "### How to read this", ""] + [f"- {note}" for note in self.notes]
        return "\n".join(out)


# ------------------------------------------------------------------ analysis


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
    SysmapError
        When ``max_length`` is less than 1.

    Example
    -------
    >>> import sysmap
    >>> m = sysmap.loads_map('''
    ... id: demo
    ... title: Demo
    ... guiding_question: Whose voice reaches the board?
    ... stakeholders:
    ...   - {id: lewg, name: Lived Experience Working Group, role: beneficiary}
    ...   - {id: youth, name: Youth experiencing homelessness, role: beneficiary}
    ...   - {id: board, name: CoC board, role: leader}
    ...   - {id: council, name: City Council, role: leader}
    ... relationships:
    ...   - {from: lewg, to: board, kind: feedback, strength: 3}
    ...   - {from: board, to: lewg, kind: informs, strength: 2}
    ...   - {from: youth, to: lewg, kind: informs, strength: 4, status: broken}
    ... ''')
    >>> result = voice(m)
    >>> for f in result.findings():
    ...     print(f.text)
    1 of 2 beneficiary groups has no voice path to any leader: Youth experiencing homelessness
    Only Lived Experience Working Group has a two-way loop with a leader
    City Council hears no beneficiary
    No voice path for Youth experiencing homelessness: broken at Youth experiencing homelessness → Lived Experience Working Group
    >>> [(b["id"], b["verdict"], b["length"]) for b in result.beneficiaries]
    [('lewg', 'two-way', 1), ('youth', 'no voice', None)]
    """
    if max_length < 1:
        raise SysmapError(f"max_length must be at least 1 (got {max_length})")
    k = max_length
    g = _Graphs(m)
    people = m.stakeholders
    names = {s.id: s.name for s in people}
    ids = g.ids
    bens = [i for i, s in enumerate(people) if s.role == "beneficiary"]
    leaders = [i for i, s in enumerate(people) if s.role == "leader"]
    detailed = len(people) <= detail_limit
    voice_fwd = g.csr(g.voice_u, g.voice_v)
    ret_fwd = g.csr(g.ret_u, g.ret_v)

    # -- each beneficiary's nearest leader: one search back from all leaders at once
    near = _layered(leaders, g.voice_in, k)
    from_bens = _within(voice_fwd, bens, k)
    heard = {i for i in leaders if from_bens[i] <= k}
    unknown_links: set[tuple[int, int]] = set()

    def voice_link(u: int, v: int) -> _Link:
        return g.voice_in[v][u]

    def weakest_link(
        path: list[int], lookup: Callable[[int, int], _Link] = voice_link
    ) -> dict[str, Any] | None:
        weakest: tuple[float, int, int, bool] | None = None
        for u, v in zip(path, path[1:], strict=False):
            link = lookup(u, v)
            if not link.known:
                unknown_links.add((u, v))
            if weakest is None or link.strength < weakest[0]:
                weakest = (link.strength, u, v, link.known)
        if weakest is None:
            return None
        s, u, v, known = weakest
        return {"from": ids[u], "to": ids[v], "strength": s, "recorded": known}

    def broken(u: int, v: int, r: Relationship) -> dict[str, Any]:
        return {"from": ids[u], "to": ids[v], "kind": r.kind, "status": r.status}

    # -- paths to each leader, when the map is small enough
    reached: dict[int, list[int]] = {b: [] for b in bens}
    paths: list[dict[str, Any]] | None = None
    heard_count: dict[int, int] = {}
    loops_count: dict[int, int] = {}
    loop_with: dict[int, int] = {}
    return_path: dict[int, list[int]] = {}
    return_broken: dict[int, list[dict[str, Any]]] = {}
    links = g.return_links() if detailed else {}

    def ret_link(u: int, v: int) -> _Link:
        return links[(u, v)]

    if detailed:
        from scipy.sparse.csgraph import dijkstra

        paths = []
        back_d, back_p = (
            dijkstra(ret_fwd, indices=leaders, unweighted=True, limit=k, return_predecessors=True)
            if leaders
            else (np.zeros((0, g.n)), np.zeros((0, g.n), dtype=np.int64))
        )

        def walk_back(pred: np.ndarray, lead: int, b: int) -> list[int]:
            path = [b]
            while path[-1] != lead:
                path.append(int(pred[path[-1]]))
            return path[::-1]

        best_loop: dict[int, tuple[int, int, list[int]]] = {}
        for li, lead in enumerate(leaders):
            sv = _layered([lead], g.voice_in, k)
            heard_count[lead] = loops_count[lead] = 0
            for b in bens:
                if b not in sv.dist:
                    continue
                heard_count[lead] += 1
                reached[b].append(lead)
                vpath = _walk(sv, b)
                back = bool(back_d[li, b] <= k)
                rpath = walk_back(back_p[li], lead, b) if back else None
                paths.append(
                    {
                        "beneficiary": ids[b],
                        "leader": ids[lead],
                        "length": sv.dist[b],
                        "path": [ids[x] for x in vpath],
                        "weakest_link": weakest_link(vpath),
                        "returns": back,
                        "return_length": int(back_d[li, b]) if back else None,
                        "return_path": [ids[x] for x in rpath] if rpath else None,
                        "return_weakest_link": weakest_link(rpath, ret_link) if rpath else None,
                    }
                )
                if rpath is not None:
                    loops_count[lead] += 1
                    total = sv.dist[b] + len(rpath) - 1
                    if b not in best_loop or total < best_loop[b][0]:
                        best_loop[b] = (total, lead, rpath)
        for b, (_, lead, rpath) in best_loop.items():
            loop_with[b] = lead
            return_path[b] = rpath

        # where the return breaks, for those heard but answered by nobody
        one_way = [b for b in bens if reached[b] and b not in loop_with]
        if one_way and g.has_nonworking:
            pairs = list(links)
            # shortest first, then fewest non-working links: each costs a little more than 1
            delta = 1 / (k + 2)
            cost = np.array([1.0 if links[p].working else 1.0 + delta for p in pairs])
            arr = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
            ext = g.csr(arr[:, 0], arr[:, 1], cost)
            needed = sorted({lead for b in one_way for lead in reached[b]})
            ext_d, ext_p = dijkstra(
                ext, indices=needed, limit=k + 1 - delta / 2, return_predecessors=True
            )
            row_of = {lead: i for i, lead in enumerate(needed)}
            for b in one_way:
                options = [(ext_d[row_of[lead], b], lead) for lead in reached[b]]
                best, lead = min(options)
                if np.isfinite(best):
                    rpath = walk_back(ext_p[row_of[lead]], lead, b)
                    return_broken[b] = [
                        broken(u, v, links[(u, v)].rel)
                        for u, v in zip(rpath, rpath[1:], strict=False)
                        if not links[(u, v)].working
                    ]
    else:
        back_any = _within(ret_fwd, leaders, k)
        candidates = [b for b in bens if b in near.dist and back_any[b] <= k]
        # only leaders some candidate reaches and that reach some candidate back can
        # close a loop; those that are many candidates' nearest leader go first
        hears = _within(voice_fwd, candidates, k)
        answers = _within(g.csr(g.ret_v, g.ret_u), candidates, k)
        priority: dict[int, int] = {}
        for b in candidates:
            lead = _walk(near, b)[-1]
            priority[lead] = priority.get(lead, 0) + 1
        useful = [x for x in leaders if hears[x] <= k and answers[x] <= k]
        useful.sort(key=lambda x: -priority.get(x, 0))
        loop_with = _two_way_at_scale(g, useful, candidates, k)

    # -- where voice is broken: the search again, with non-working links allowed
    ext_voice: _Search | None = None
    if g.has_nonworking and any(b not in near.dist for b in bens):
        ext_voice = _layered(leaders, g.voice_in, k, extra=g.voice_in_extra)

    # -- the per-beneficiary records
    records = []
    for b in bens:
        s = people[b]
        rec: dict[str, Any] = {"id": s.id, "name": s.name}
        if b in near.dist:
            path = _walk(near, b)
            rec.update(
                verdict="two-way" if b in loop_with else "one-way",
                nearest_leader=ids[path[-1]],
                length=near.dist[b],
                path=[ids[x] for x in path],
                weakest_link=weakest_link(path),
            )
        else:
            rec.update(
                verdict="no voice", nearest_leader=None, length=None, path=None, weakest_link=None
            )
        rec["leaders_reached"] = [ids[x] for x in reached[b]] if detailed else None
        rec["loop_leader"] = ids[loop_with[b]] if b in loop_with else None
        rp = return_path.get(b)
        rec["return_path"] = [ids[x] for x in rp] if rp else None
        rec["return_weakest_link"] = weakest_link(rp, ret_link) if rp else None
        rec["broken_at"] = []
        if rec["verdict"] == "no voice" and ext_voice is not None and b in ext_voice.dist:
            xpath = _walk(ext_voice, b)
            rec["broken_at"] = [
                broken(u, v, g.voice_in_extra[v][u].rel)
                for u, v in zip(xpath, xpath[1:], strict=False)
                if u not in g.voice_in[v]
            ]
        rec["return_broken_at"] = return_broken.get(b, [])
        rec["group"] = _label(s.attributes.get(by)) if by is not None else None
        records.append(rec)

    leader_rows = [
        {
            "id": ids[i],
            "name": people[i].name,
            "hears": i in heard,
            "beneficiaries_heard": heard_count.get(i) if detailed else None,
            "loops": loops_count.get(i) if detailed else None,
        }
        for i in leaders
    ]

    groups: list[dict[str, Any]] | None = None
    if by is not None:
        table: dict[str | None, dict[str, Any]] = {}
        for rec in records:
            row = table.setdefault(
                rec["group"],
                {"value": rec["group"], "beneficiaries": 0, "no_voice": 0, "one_way": 0,
                 "two_way": 0},
            )  # fmt: skip
            row["beneficiaries"] += 1
            row[rec["verdict"].replace(" ", "_").replace("-", "_")] += 1
        groups = sorted(table.values(), key=lambda r: _group_order(r["value"]))

    vk = sorted(voice_kinds(m))
    rk = sorted(return_kinds(m))
    counted = "existing and weak relationships" + (
        " and proposed ones (this is a redesign)" if m.stage == "redesign" else ""
    )
    not_counted = "broken ones" + (" and proposed ones" if m.stage != "redesign" else "")
    notes = [
        f"Voice travels through: {', '.join(vk)}.",
        f"Decisions come back through: {', '.join(rk)}; and any relationship whose power "
        "carries decisions or information.",
        f"Counted: {counted}; {not_counted} only show where voice is broken.",
        f"Paths have at most {k} steps each way. Each is the shortest; among equally short "
        "paths, the one whose weakest link is strongest.",
        "A link with no strength recorded counts as 1.",
    ]
    if not detailed:
        notes.append(
            f"Details limited: the map has {len(people):,} stakeholders (more than "
            f"{detail_limit:,}), so only each beneficiary's nearest leader is shown."
        )
    people_types = {(people[b].type or "").strip().lower() for b in bens}
    noun = (
        ("beneficiary", "beneficiaries")
        if people_types & {"person", "individual"}
        else ("beneficiary group", "beneficiary groups")
    )
    return VoiceResult(
        stage=m.stage,
        max_length=k,
        voice_kinds=vk,
        return_kinds=rk,
        detailed=detailed,
        detail_limit=detail_limit,
        stakeholders=len(people),
        beneficiaries=records,
        leaders=leader_rows,
        paths=paths,
        by=by,
        groups=groups,
        unknown_strength_links=len(unknown_links),
        notes=notes,
        names=names,
        leader_power={people[i].id: people[i].power for i in leaders},
        group_noun=noun,
    )
