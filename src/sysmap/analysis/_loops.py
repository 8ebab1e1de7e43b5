"""Feedback loops: the declared ones checked, every short cycle found.

Two questions a guiding team asks about loops:

- **Do the loops we named still work?** Every declared loop (``loops:`` in
  the map) is walked link by link. A link *holds* when an ``existing``
  relationship (or, in a redesign, a ``proposed`` one) runs that way; otherwise
  the loop *breaks* there, and the reason is the best the map offers: ``weak``
  (only weak relationships), ``proposed`` (only proposed, in a current map),
  ``broken`` (only broken ones), ``missing`` (none at all) or ``unknown
  element`` (an id the map does not define). A ``mutual`` relationship runs
  both ways.
- **Which loops does the system actually have?** Every simple cycle of the
  working graph (see :mod:`sysmap.analysis._graph`: existing and weak
  relationships, proposed ones in a redesign, never broken ones) with 2 to
  ``max_length`` elements, through stakeholders and factors alike. A single
  mutual relationship is not a loop by itself: a two-element cycle needs two
  relationships.

Polarity rules (loops and links): a loop is typed only from the polarities
the map states.

- A loop whose every link has a polarity is **reinforcing** when it has an
  even number of ``-`` links and **balancing** when the number is odd.
- A loop with a link **without polarity** (most links between stakeholders:
  *serves*, *funds* …) is **untyped**: nothing in the map says whether more of
  one means more or less of the next. Untyped loops are counted, never typed
  by assumption.
- When parallel relationships give one link both ``+`` and ``-``, the loop's
  type is ``undetermined``.
- Whether a loop is good or bad is not its type: a reinforcing loop can be
  *virtuous* or *vicious*. A declared loop says which with ``effect``.

Which relationships close a step of a declared loop: a loop through a
beneficiary and a leader is a **voice loop**, read from its first
beneficiary. Its steps up to the first leader after that beneficiary are
**voice** steps and take the kinds voice travels through
(:func:`sysmap.analysis._voice.voice_kinds`); the steps from that leader back
are **return** steps and take what carries information or a decision back
(:func:`sysmap.analysis._voice.return_kinds`, or any relationship whose power
carries decisions or information) — the same rules the voice analysis uses,
so a voice loop holds only where the voice analysis finds a two-way loop.
Money (``compensates``, ``funds``) or a service (``serves``) does not close a
return step. Every other loop's steps take any kind.

How cycles are found, and the cap: cycles never leave a strongly connected
component, so only edges inside one are searched. Each cycle is found once,
from its first element in map order (stakeholders, then factors), by joining
the simple paths of half its length that leave that element with those that
come back to it (numpy arrays, start elements taken in chunks). The search
stops after ``cap`` cycles (``stopped_at_cap``), or when it has built about
:data:`WORK_LIMIT` partial paths (``stop_reason == "work limit"``, which only a
dense map reaches). A stopped search lists the cycles found first: start
elements in map order, a chunk of them at a time, shorter cycles first within
a chunk — a sample, so "on the most loops" then counts that sample.
``progress(done, total)`` reports the start elements searched so far.

igraph's ``Graph.simple_cycles`` lists the same cycles but
cannot be stopped at a count, and its time grows with the square of the
number of elements (measured: 12 s for the 44,000-element component of a
50,000-element map), so it is not used here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import numpy as np

from sysmap.analysis._base import Finding, findings_blocks
from sysmap.analysis._graph import counts
from sysmap.analysis._voice import carries_return, return_kinds, voice_kinds
from sysmap.errors import BadArgument
from sysmap.model import FeedbackLoop, Relationship, SystemMap
from sysmap.render import (
    Block,
    Heading,
    Para,
    Rendered,
    Table,
    render_markdown,
    render_text,
)

__all__ = ["loops", "LoopsResult", "DeclaredLoop", "LoopBreak", "Cycle", "WORK_LIMIT"]

#: About how many partial paths (and path pairs) the cycle search builds before
#: it gives up; every cycle kept counts as 40, so at most a million are listed.
WORK_LIMIT = 40_000_000
# Rows held in memory at once (one layer of paths, or one batch of joined pairs).
_ROW_LIMIT = 1_000_000
# Each cycle kept counts as this much work, so a huge cap cannot fill memory.
_CYCLE_WORK = 40
_FIRST_CHUNK = 256
_MAX_CHUNK = 16_384

LoopType = Literal["reinforcing", "balancing", "untyped", "undetermined"]
#: What a declared loop's step needs: a voice kind, a return kind, or any kind.
StepNeed = Literal["voice", "return", "any"]
Progress = Callable[[int, int | None], None]

# Link signs: '+', '-', no polarity recorded, or parallel links that disagree.
_PLUS, _MINUS, _UNSIGNED, _CONFLICT = 0, 1, 2, 3


@dataclass
class LoopBreak:
    """Where a declared loop breaks: the link and why."""

    source: str
    target: str
    reason: Literal["missing", "broken", "weak", "proposed", "unknown element", "wrong kind"]
    source_name: str
    target_name: str
    #: For ``wrong kind``: the kinds the map has on this step, none of which counts.
    kinds: list[str] = field(default_factory=list)
    #: What the step needs (see :class:`LoopStep`).
    needs: StepNeed = "any"

    def describe(self) -> str:
        """``A → B (missing)``, or ``A → B (compensates carries no answer back)``."""
        if self.reason == "wrong kind":
            what = "carries no voice" if self.needs == "voice" else "carries no answer back"
            return f"{self.source_name} → {self.target_name} ({' or '.join(self.kinds)} {what})"
        return f"{self.source_name} → {self.target_name} ({self.reason})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.source,
            "to": self.target,
            "from_name": self.source_name,
            "to_name": self.target_name,
            "reason": self.reason,
            "kinds": list(self.kinds),
            "needs": self.needs,
        }


@dataclass
class LoopStep:
    """One step of a declared loop: what it needs and which kinds the map has there."""

    source: str
    target: str
    needs: StepNeed
    counting: list[str]  # the kinds that count on this step (empty for "any")
    found: list[str]  # the kinds of the working relationships that close it
    holds: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.source,
            "to": self.target,
            "needs": self.needs,
            "counting_kinds": list(self.counting),
            "found_kinds": list(self.found),
            "holds": self.holds,
        }


@dataclass
class DeclaredLoop:
    """A declared loop checked against the map."""

    id: str
    name: str
    path: list[str]
    purpose: str | None
    declared_type: str | None
    type: LoopType
    holds: bool
    breaks: list[LoopBreak] = field(default_factory=list)
    steps: list[LoopStep] = field(default_factory=list)
    effect: str | None = None
    #: "voice" for a loop through a beneficiary and a leader, else "any".
    reads_as: str = "any"
    #: For a voice loop: whose voice (the first beneficiary) and who hears it
    #: (the first leader after it).
    beneficiary: str | None = None
    leader: str | None = None

    @property
    def type_matches(self) -> bool | None:
        """Whether the declared type agrees with the polarities (None: cannot tell)."""
        if self.declared_type is None or self.type in ("untyped", "undetermined"):
            return None
        return self.declared_type == self.type

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "path": list(self.path),
            "purpose": self.purpose,
            "holds": self.holds,
            "breaks": [b.to_dict() for b in self.breaks],
            "declared_type": self.declared_type,
            "type": self.type,
            "type_matches": self.type_matches,
            "effect": self.effect,
            "reads_as": self.reads_as,
            "beneficiary": self.beneficiary,
            "leader": self.leader,
            "steps": [st.to_dict() for st in self.steps],
        }


@dataclass
class Cycle:
    """A detected cycle; ``path`` ends where it starts."""

    path: list[str]
    type: LoopType
    negative_links: int
    unsigned_links: int
    beneficiary_and_leader: bool
    declared: str | None = None

    @property
    def length(self) -> int:
        return len(self.path) - 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": list(self.path),
            "length": self.length,
            "type": self.type,
            "negative_links": self.negative_links,
            "unsigned_links": self.unsigned_links,
            "beneficiary_and_leader": self.beneficiary_and_leader,
            "declared": self.declared,
        }


@dataclass
class LoopsResult(Rendered):
    """Declared loops checked, detected cycles classified.

    JSON (:meth:`to_dict`) keys: ``analysis``, ``max_length``, ``cap``,
    ``declared`` (each: id, name, path, purpose, holds, breaks [from, to,
    from_name, to_name, reason, kinds], declared_type, type, type_matches,
    effect, reads_as, steps [from, to, needs, counting_kinds, found_kinds,
    holds]), ``cycles`` (each: path, length, type, negative_links,
    unsigned_links, beneficiary_and_leader, declared), ``counts`` (cycles,
    reinforcing, balancing, untyped, undetermined, beneficiary_and_leader,
    by_length), ``on_most_loops``
    (id, name, element, role, loops), ``stopped_at_cap``, ``stop_reason``,
    ``complete``, ``findings``.
    """

    name: ClassVar[str] = "loops"

    max_length: int
    cap: int
    declared: list[DeclaredLoop]
    cycles: list[Cycle]
    on_most_loops: list[dict[str, Any]]
    stopped_at_cap: bool
    stop_reason: Literal["cap", "work limit"] | None
    names: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def complete(self) -> bool:
        """True when every cycle up to ``max_length`` is listed."""
        return self.stop_reason is None

    @property
    def broken(self) -> list[DeclaredLoop]:
        """The declared loops that do not hold."""
        return [d for d in self.declared if not d.holds]

    def counts(self) -> dict[str, Any]:
        """How many cycles of each type and length."""
        by_type = Counter(c.type for c in self.cycles)
        by_length = Counter(c.length for c in self.cycles)
        return {
            "cycles": len(self.cycles),
            "reinforcing": by_type["reinforcing"],
            "balancing": by_type["balancing"],
            "untyped": by_type["untyped"],
            "undetermined": by_type["undetermined"],
            "beneficiary_and_leader": sum(c.beneficiary_and_leader for c in self.cycles),
            "by_length": {str(k): by_length[k] for k in sorted(by_length)},
        }

    def _name(self, ident: str) -> str:
        return self.names.get(ident, ident)

    def _arrow(self, path: list[str]) -> str:
        return " → ".join(self._name(p) for p in path)

    def findings(self) -> list[Finding]:
        """Declared loops first, then whether the search stopped, the cycles found
        and the elements on the most of them."""
        return [
            *self._declared_findings(),
            *self._stop_findings(),
            *self._cycle_findings(),
            *self._busiest_findings(),
        ]

    def _declared_findings(self) -> list[Finding]:
        """Which declared loops break (and where), and types the polarities contradict."""
        out: list[Finding] = []
        broken = self.broken
        n = len(self.declared)
        if broken:
            parts = []
            for d in broken[:3]:
                at = " and ".join(b.describe() for b in d.breaks)
                parts.append(f"'{d.name}' breaks at {at}")
            more = f"; and {len(broken) - 3} more" if len(broken) > 3 else ""
            text = (
                f"{len(broken)} of {n} declared {'loop' if n == 1 else 'loops'} "
                f"{'is' if len(broken) == 1 else 'are'} broken: " + "; ".join(parts) + more
            )
            out.append(Finding(text, self.name, 3, [d.id for d in broken]))
        elif self.declared:
            text = "The declared loop holds" if n == 1 else f"All {n} declared loops hold"
            out.append(Finding(text, self.name, 2, [d.id for d in self.declared]))
        for d in self.declared:
            if d.type_matches is False:
                text = (
                    f"'{d.name}' is declared {d.declared_type}, but its link polarities "
                    f"make it {d.type}"
                )
                out.append(Finding(text, self.name, 2, [d.id]))
        return out

    def _stop_findings(self) -> list[Finding]:
        if self.stop_reason == "cap":
            text = (
                f"The loop search stopped at the cap of {self.cap:,} cycles; the figures "
                "below count only those — for all of them raise --loop-cap (loop_cap= in "
                "Python) or lower --max-loop-length (max_loop_length=)"
            )
        elif self.stop_reason == "work limit":
            text = (
                f"The loop search stopped early ({len(self.cycles):,} cycles found): the map "
                "is too dense to list every cycle — lower --max-loop-length (max_loop_length= in "
                "Python)"
            )
        else:
            return []
        return [Finding(text, self.name, 3)]

    def _cycle_findings(self) -> list[Finding]:
        """How many cycles, of which types, and how many join beneficiaries and leaders."""
        if not self.cycles:
            text = f"No feedback loops found up to {self.max_length} elements long"
            return [Finding(text, self.name, 2)]
        c = self.counts()
        n = c["cycles"]
        both = c["beneficiary_and_leader"]
        if n == 1:
            tail = "it passes" if both else "it does not pass"
        elif both == 0:
            tail = "none of them pass"
        else:
            tail = f"{both:,} of them pass{'es' if both == 1 else ''}"
        tail += " through both beneficiaries and leaders"
        loops_word = "feedback loop" if n == 1 else "feedback loops"
        out = [Finding(f"{n:,} {loops_word} found ({_type_counts(c)}), {tail}", self.name, 3)]
        if c["untyped"]:
            text = (
                "A loop is typed only when every link on it has a polarity (+ or −); "
                + ("it has" if n == 1 else f"{c['untyped']:,} have")
                + " a link without one, so "
                + ("it is" if n == 1 else "they are")
                + " counted as untyped"
            )
            out.append(Finding(text, self.name, 1))
        return out

    def _busiest_findings(self) -> list[Finding]:
        """The element (or elements, tied) on the most cycles."""
        if not self.on_most_loops:
            return []
        top = self.on_most_loops[0]["loops"]
        tied = [e for e in self.on_most_loops if e["loops"] == top]
        names = [e["name"] for e in tied]
        if len(names) == 1:
            text = f"{names[0]} sits on the most loops ({top:,})"
        else:
            shown = names if len(names) <= 3 else [*names[:3], f"{len(names) - 3} others"]
            text = ", ".join(shown[:-1]) + f" and {shown[-1]} sit on the most loops ({top:,} each)"
        return [Finding(text, self.name, 2, [e["id"] for e in tied])]

    def to_dict(self) -> dict[str, Any]:
        return {
            "analysis": self.name,
            "max_length": self.max_length,
            "cap": self.cap,
            "declared": [d.to_dict() for d in self.declared],
            "cycles": [c.to_dict() for c in self.cycles],
            "counts": self.counts(),
            "on_most_loops": [dict(e) for e in self.on_most_loops],
            "stopped_at_cap": self.stopped_at_cap,
            "stop_reason": self.stop_reason,
            "complete": self.complete,
            "findings": [f.to_dict() for f in self.findings()],
        }

    # -------------------------------------------------------------- output

    def blocks(self, limit: int = 50) -> list[Block]:
        """Findings, the declared loops, the cycle counts, the elements on the most
        loops and the first ``limit`` cycles."""
        out = findings_blocks("Feedback loops", self.findings(), label="")
        if self.declared:
            out += [
                Heading("Declared loops"),
                Table(["loop", "holds", "breaks at", "type", "declared"], self._declared_rows()),
            ]
            rule = self._step_rule()
            if rule:
                out.append(Para(rule))
        c = self.counts()
        types = ["reinforcing", "balancing", "untyped", "undetermined"]
        out += [
            Heading("Detected cycles"),
            Para(self._status_line()),
            Table(
                [*types, "beneficiaries + leaders"],
                [[*(c[t] for t in types), c["beneficiary_and_leader"]]],
            ),
        ]
        if self.on_most_loops:
            rows = [[e["name"], e["role"], e["loops"]] for e in self.on_most_loops]
            out += [Heading("On the most loops"), Table(["element", "role", "loops"], rows)]
        if self.cycles:
            shown = min(limit, len(self.cycles))
            out += [
                Heading(f"Cycles (first {shown:,} of {len(self.cycles):,})"),
                Table(
                    ["cycle", "length", "type", "beneficiaries + leaders"], self._cycle_rows(limit)
                ),
            ]
        return out

    def format_text(self, limit: int = 20) -> str:
        """Declared loops, the counts, the busiest elements and the first ``limit`` cycles."""
        return render_text(self.blocks(limit))

    def format_markdown(self, limit: int = 50) -> str:
        """The same as :meth:`format_text`, as Markdown (with more cycles by default)."""
        return render_markdown(self.blocks(limit))

    def _step_rule(self) -> str | None:
        """Which kinds close a voice loop's steps, when the map declares one."""
        voice = next((d for d in self.declared if d.reads_as == "voice"), None)
        if voice is None:
            return None
        kinds = {st.needs: st.counting for st in voice.steps}

        def either(words: list[str]) -> str:
            return ", ".join(words[:-1]) + " or " + words[-1] if len(words) > 1 else "".join(words)

        return (
            "In a voice loop (through a beneficiary and a leader) the steps to the leader "
            f"take {either(kinds.get('voice', []))}; the steps back take "
            f"{either(kinds.get('return', []))} — not money or a service. Other loops take "
            "any kind."
        )

    def _declared_rows(self) -> list[list[Any]]:
        rows = []
        for d in self.declared:
            at = "; ".join(b.describe() for b in d.breaks)
            rows.append(
                [d.name, "yes" if d.holds else "no", at or "—", d.type, d.declared_type or "—"]
            )
        return rows

    def _cycle_rows(self, limit: int) -> list[list[Any]]:
        rows = []
        for c in self.cycles[:limit]:
            rows.append(
                [self._arrow(c.path), c.length, c.type, "yes" if c.beneficiary_and_leader else ""]
            )
        return rows

    def _status_line(self) -> str:
        c = self.counts()
        line = f"Cycles up to {self.max_length} elements: {c['cycles']:,}"
        if self.stop_reason == "cap":
            line += f" — stopped at the cap of {self.cap:,}; more exist"
        elif self.stop_reason == "work limit":
            line += " — stopped at the work limit; more may exist"
        return line


# ---------------------------------------------------------------- the analysis


def loops(
    m: SystemMap,
    *,
    max_length: int = 8,
    cap: int = 10_000,
    progress: Progress | None = None,
) -> LoopsResult:
    """Check the declared feedback loops and find every cycle up to a length.

    Parameters
    ----------
    m : SystemMap
        The map.
    max_length : int, default 8
        The most elements a detected cycle may have (at least 2).
    cap : int, default 10,000
        Stop after this many cycles; ``stopped_at_cap`` then says so.
    progress : callable, optional
        Called as ``progress(done, total)`` while cycles are searched: ``done``
        of ``total`` elements (those on some cycle's component) have been
        searched from. ``total`` is never None here; the signature allows None
        for callers that share one progress bar between analyses.

    Returns
    -------
    LoopsResult
        Declared loops (holds / breaks, type), detected cycles (type,
        whether they pass through beneficiaries and leaders), the elements
        on the most cycles, and whether the search stopped early.

    Raises
    ------
    BadArgument
        When ``max_length`` < 2 or ``cap`` < 1.

    Example
    -------
    >>> import sysmap
    >>> m = sysmap.loads_map('''
    ... title: Youth voice
    ... id: youth-voice
    ... guiding_question: Does what young people say come back to them?
    ... stakeholders: [{id: youth, name: Young people, role: beneficiary},
    ...   {id: council, name: Youth council, role: leader}, {id: dropin, name: Drop-in, role: provider}]
    ... relationships:
    ...   - {from: youth, to: council, kind: feedback}
    ...   - {from: council, to: dropin, kind: governs, status: weak,
    ...      power: {amount: 3, carries: [decisions]}}
    ...   - {from: dropin, to: youth, kind: compensates}
    ... loops: [{id: heard, name: Heard and answered, path: [youth, council, dropin, youth]}]
    ... ''')
    >>> result = loops(m)
    >>> for f in result.findings():
    ...     print(f.text)
    1 of 1 declared loop is broken: 'Heard and answered' breaks at Youth council → Drop-in (weak) and Drop-in → Young people (compensates carries no answer back)
    1 feedback loop found (none typed: every one has a link without polarity), it passes through both beneficiaries and leaders
    A loop is typed only when every link on it has a polarity (+ or −); it has a link without one, so it is counted as untyped
    Young people, Youth council and Drop-in sit on the most loops (1 each)
    >>> [step.needs for step in result.declared[0].steps]
    ['voice', 'return', 'return']
    """
    _check_bounds(max_length, cap)
    ids: list[str] = [s.id for s in m.stakeholders] + [f.id for f in m.factors]
    index = {ident: i for i, ident in enumerate(ids)}
    names = {s.id: s.name for s in m.stakeholders} | {f.id: f.name for f in m.factors}
    roles = {s.id: s.role for s in m.stakeholders} | {f.id: "factor" for f in m.factors}
    declared = check_declared_loops(m, names)
    links = _Links(m, index, len(ids))
    raw, reason = _simple_cycles(*links.ends(), max_length, cap, progress, links.lone_mutual)
    cycles, on_most = _classify(raw, ids, names, roles, links, _declared_keys(declared, index))
    return LoopsResult(
        max_length=max_length,
        cap=cap,
        declared=declared,
        cycles=cycles,
        on_most_loops=on_most,
        stopped_at_cap=reason == "cap",
        stop_reason=reason,
        names=names,
    )


def _check_bounds(max_length: int, cap: int) -> None:
    if max_length < 2:
        raise BadArgument(
            f"max_length must be at least 2 (a loop needs two elements), not {max_length}",
            argument="max_length",
        )
    if cap < 1:
        raise BadArgument(f"cap must be at least 1, not {cap}", argument="cap")


class _Links:
    """The working graph (see ``_graph.counts``) as arrays: one entry per
    relationship and direction, sorted by link (``u * n + v``); ints only, so
    that a big map does not make the garbage collector walk it again and again.
    """

    def __init__(self, m: SystemMap, index: dict[str, int], n: int) -> None:
        self.n = n
        self.rels = m.relationships
        src_l, dst_l, ok_l, mutual_l = [], [], [], []
        for r in self.rels:
            src_l.append(index.get(r.source, -1))
            dst_l.append(index.get(r.target, -1))
            ok_l.append(counts(r, m))
            mutual_l.append(r.direction == "mutual")
        src, dst = np.array(src_l, dtype=np.int64), np.array(dst_l, dtype=np.int64)
        ok = np.array(ok_l, dtype=bool) & (src >= 0) & (dst >= 0) & (src != dst)
        one = np.nonzero(ok)[0]
        both = one[np.array(mutual_l, dtype=bool)[one]]
        keys = np.concatenate([src[one] * n + dst[one], dst[both] * n + src[both]])
        order = np.argsort(keys, kind="stable")
        self.rel_of = np.concatenate([one, both])[order]
        self.link, self.first, self.per_link = np.unique(
            keys[order], return_index=True, return_counts=True
        )
        # A pair joined only by one mutual relationship is not a loop of its own.
        there = np.searchsorted(self.link, src[both] * n + dst[both])
        back = np.searchsorted(self.link, dst[both] * n + src[both])
        lone = (self.per_link[there] == 1) & (self.per_link[back] == 1)
        lo, hi = np.minimum(src[both], dst[both]), np.maximum(src[both], dst[both])
        self.lone_mutual = np.unique(lo[lone] * n + hi[lone])
        self._signs: dict[int, int] = {}

    def ends(self) -> tuple[int, np.ndarray, np.ndarray]:
        """The element count, and where each link starts and ends."""
        return self.n, self.link // self.n, self.link % self.n

    def sign(self, u: int, v: int) -> int:
        """The sign of the link ``u → v`` (see :func:`_sign`)."""
        key = u * self.n + v
        if key not in self._signs:
            at = int(np.searchsorted(self.link, key))
            ks = self.rel_of[self.first[at] : self.first[at] + self.per_link[at]]
            self._signs[key] = _sign([self.rels[k] for k in ks.tolist()])
        return self._signs[key]


def _declared_keys(
    declared: list[DeclaredLoop], index: dict[str, int]
) -> dict[tuple[int, ...], str]:
    """Each declared loop that is a simple cycle, keyed as the search lists cycles."""
    keys: dict[tuple[int, ...], str] = {}
    for d in declared:
        if all(p in index for p in d.path) and len(set(d.path)) == len(d.path) - 1:
            keys.setdefault(_canonical([index[p] for p in d.path[:-1]]), d.id)
    return keys


def _classify(
    raw: list[tuple[int, ...]],
    ids: list[str],
    names: dict[str, str],
    roles: dict[str, str],
    links: _Links,
    declared_keys: dict[tuple[int, ...], str],
) -> tuple[list[Cycle], list[dict[str, Any]]]:
    """The cycles found, typed by their links' signs, and the ten elements on the most."""
    is_ben = np.array([roles[i] == "beneficiary" for i in ids], dtype=bool)
    is_lead = np.array([roles[i] == "leader" for i in ids], dtype=bool)
    on_loops: Counter[int] = Counter()
    cycles: list[Cycle] = []
    for cyc in raw:
        edge_signs = [links.sign(cyc[i], cyc[(i + 1) % len(cyc)]) for i in range(len(cyc))]
        on_loops.update(cyc)
        cycles.append(
            Cycle(
                path=[ids[i] for i in cyc] + [ids[cyc[0]]],
                type=_loop_type(edge_signs),
                negative_links=edge_signs.count(_MINUS),
                unsigned_links=edge_signs.count(_UNSIGNED),
                beneficiary_and_leader=bool(is_ben[list(cyc)].any() and is_lead[list(cyc)].any()),
                declared=declared_keys.get(tuple(cyc)),
            )
        )
    most = sorted(on_loops.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    on_most = [
        {
            "id": ids[i],
            "name": names[ids[i]],
            "element": "factor" if roles[ids[i]] == "factor" else "stakeholder",
            "role": roles[ids[i]],
            "loops": count,
        }
        for i, count in most
    ]
    return cycles, on_most


def _type_counts(c: dict[str, Any]) -> str:
    """``2 reinforcing, 1 balancing, 378 untyped``: only the types the map states."""
    parts = [
        f"{c[t]:,} {t}"
        for t in ("reinforcing", "balancing", "untyped", "undetermined")
        if c[t] or (t in ("reinforcing", "balancing") and c["untyped"] < c["cycles"])
    ]
    if c["untyped"] == c["cycles"]:
        return "none typed: every one has a link without polarity"
    return ", ".join(parts)


def _loop_type(edge_signs: list[int]) -> LoopType:
    """The type the stated polarities give (see the module notes)."""
    if _CONFLICT in edge_signs:
        return "undetermined"
    if _UNSIGNED in edge_signs:
        return "untyped"
    return "balancing" if edge_signs.count(_MINUS) % 2 else "reinforcing"


def _sign(rels: list[Relationship]) -> int:
    found = {r.polarity for r in rels if r.polarity is not None}
    if len(found) > 1:
        return _CONFLICT
    if not found:
        return _UNSIGNED
    return _MINUS if found == {"-"} else _PLUS


def _canonical(cycle: list[int]) -> tuple[int, ...]:
    """The rotation that starts at the smallest index (how the search lists it)."""
    k = cycle.index(min(cycle))
    return tuple(cycle[k:] + cycle[:k])


def check_declared_loops(m: SystemMap, names: dict[str, str]) -> list[DeclaredLoop]:
    """Each declared loop walked link by link (see the module notes)."""
    need: set[tuple[str, str]] = set()
    for loop in m.loops:
        path = [*loop.path, loop.path[0]]
        need.update(zip(path, path[1:], strict=False))
    starts = {a for a, _ in need}
    by_link: dict[tuple[str, str], list[Relationship]] = {}
    for r in m.relationships if need else []:
        if r.source in starts and (r.source, r.target) in need:
            by_link.setdefault((r.source, r.target), []).append(r)
        if r.direction == "mutual" and r.target in starts and (r.target, r.source) in need:
            by_link.setdefault((r.target, r.source), []).append(r)
    roles: dict[str, str] = {s.id: s.role for s in m.stakeholders}
    rules = _StepRules(voice_kinds(m), return_kinds(m))
    return [_check_declared(m, loop, names, roles, rules, by_link) for loop in m.loops]


@dataclass(frozen=True)
class _StepRules:
    voice: frozenset[str]
    back: frozenset[str]

    def counts(self, need: StepNeed, r: Relationship) -> bool:
        if need == "voice":
            return r.kind in self.voice
        if need == "return":
            return carries_return(r, self.back)
        return True

    def kinds(self, need: StepNeed) -> list[str]:
        if need == "voice":
            return sorted(self.voice)
        if need == "return":
            return sorted(self.back) + ["any kind whose power carries decisions or information"]
        return []


def _step_needs(path: list[str], roles: dict[str, str]) -> list[StepNeed]:
    """What each step of a closed path needs: voice up to the first leader after the
    first beneficiary, return from there back; any kind when the loop is not a voice loop."""
    steps = len(path) - 1
    ring = path[:-1]
    ben = next((i for i, p in enumerate(ring) if roles.get(p) == "beneficiary"), None)
    if ben is None:
        return ["any"] * steps
    lead = next(
        (k for k in range(1, len(ring)) if roles.get(ring[(ben + k) % len(ring)]) == "leader"),
        None,
    )
    if lead is None:
        return ["any"] * steps
    needs: list[StepNeed] = ["any"] * steps
    for k in range(len(ring)):
        needs[(ben + k) % len(ring)] = "voice" if k < lead else "return"
    return needs


def _check_declared(
    m: SystemMap,
    loop: FeedbackLoop,
    names: dict[str, str],
    roles: dict[str, str],
    rules: _StepRules,
    by_link: dict[tuple[str, str], list[Relationship]],
) -> DeclaredLoop:
    path = list(loop.path)
    if path[0] != path[-1]:
        path.append(path[0])  # validation reports an open loop; close it here to check it
    holding = {"existing", "proposed"} if m.stage == "redesign" else {"existing"}
    order = ["weak", "proposed", "broken"]  # what to report when no link holds, best first
    needs = _step_needs(path, roles)
    # the voice steps in the order the voice travels (they may wrap past the path's end)
    voice = [i for i in range(len(needs)) if needs[i] == "voice"]
    if voice and voice[-1] == len(needs) - 1 and voice[0] == 0 and len(voice) < len(needs):
        cut = next(i for i in range(len(voice)) if voice[i] != i)
        voice = voice[cut:] + voice[:cut]
    breaks: list[LoopBreak] = []
    steps: list[LoopStep] = []
    edge_signs: list[int] = []
    for (a, b), need in zip(zip(path, path[1:], strict=False), needs, strict=True):
        if a not in names or b not in names:
            breaks.append(LoopBreak(a, b, "unknown element", names.get(a, a), names.get(b, b)))
            steps.append(LoopStep(a, b, need, rules.kinds(need), [], False))
            edge_signs.append(_UNSIGNED)
            continue
        found = [r for r in by_link.get((a, b), []) if rules.counts(need, r)]
        ok = [r for r in found if r.status in holding]
        kinds = sorted({r.kind for r in ok})
        steps.append(LoopStep(a, b, need, rules.kinds(need), kinds, bool(ok)))
        if ok:
            edge_signs.append(_sign(ok))
            continue
        other = sorted({r.kind for r in by_link.get((a, b), []) if r.status != "broken"})
        statuses = {r.status for r in found}
        reason = next((s for s in order if s in statuses), "missing")
        if not found and other:
            breaks.append(LoopBreak(a, b, "wrong kind", names[a], names[b], other, need))
        else:
            breaks.append(LoopBreak(a, b, reason, names[a], names[b]))  # type: ignore[arg-type]
        edge_signs.append(_sign([r for r in found if r.status == reason]))
    return DeclaredLoop(
        id=loop.id,
        name=loop.name,
        path=path,
        purpose=loop.purpose,
        declared_type=loop.type,
        type=_loop_type(edge_signs),
        holds=not breaks,
        breaks=breaks,
        steps=steps,
        effect=loop.effect,
        reads_as="voice" if voice else "any",
        beneficiary=path[voice[0]] if voice else None,
        leader=path[voice[-1] + 1] if voice else None,
    )


# ------------------------------------------------------------- cycle search


def _simple_cycles(
    n: int,
    src: Any,
    dst: Any,
    max_length: int,
    cap: int,
    progress: Progress | None,
    bad2: Any,
) -> tuple[list[tuple[int, ...]], Literal["cap", "work limit"] | None]:
    """Every simple cycle with 2..max_length vertices, each once, starting at
    its smallest vertex; stops after ``cap`` cycles or :data:`WORK_LIMIT`.

    A cycle of length L starting at s is a path of ceil(L/2) edges out of s
    (through vertices > s) joined, at its end vertex, with a path of floor(L/2)
    edges back into s whose inner vertices differ from the first path's.
    """
    import igraph  # heavy: it loads with the first search

    if len(src) == 0:
        if progress is not None:
            progress(0, 0)
        return [], None
    # a cycle stays inside one strongly connected part: links between parts are left out
    edges = list(zip(src.tolist(), dst.tolist(), strict=True))
    parts = igraph.Graph(n=n, edges=edges, directed=True).connected_components(mode="strong")
    label = np.asarray(parts.membership, dtype=np.int64)
    inside = label[src] == label[dst]
    src, dst = src[inside], dst[inside]
    fwd = _csr(n, src, dst)
    bwd = _csr(n, dst, src)
    starts = np.unique(src)
    total = len(starts)
    if progress is not None:
        progress(0, total)

    found: list[tuple[int, ...]] = []
    work = 0
    partial = False  # some paths were left out: the list is not complete
    chunk = _FIRST_CHUNK
    pos = 0
    while pos < total:
        batch = starts[pos : pos + chunk]
        layers_f, rows_f, cut_f = _layers(batch, fwd, (max_length + 1) // 2)
        if cut_f and len(batch) > 1:
            chunk = max(1, len(batch) // 4)  # too many paths at once: fewer starts
            continue
        layers_b, rows_b, cut_b = _layers(batch, bwd, max_length // 2)
        if cut_b and len(batch) > 1:
            chunk = max(1, len(batch) // 4)
            continue
        # one start with more paths than fit: search what fits, say it is partial
        partial = partial or cut_f or cut_b
        work += rows_f + rows_b
        stop = False
        for length in range(2, max_length + 1):
            a, b = (length + 1) // 2, length // 2
            for examined, cycles in _join(
                layers_f[a], layers_b[b], n, bad2 if length == 2 else None
            ):
                room = cap + 1 - len(found)
                found.extend(map(tuple, cycles[:room].tolist()))
                work += examined + _CYCLE_WORK * min(room, len(cycles))
                if len(found) > cap or work > WORK_LIMIT:
                    stop = True
                    break
            if stop:
                break
        pos += len(batch)
        if progress is not None:
            progress(pos, total)
        if len(found) > cap:
            del found[cap:]
            return found, "cap"
        if stop or (work > WORK_LIMIT and pos < total):
            return found, "work limit"
        if rows_f + rows_b < _ROW_LIMIT // 8:
            chunk = min(_MAX_CHUNK, chunk * 2)
    return found, "work limit" if partial else None


def _csr(n: int, src: Any, dst: Any) -> tuple[Any, Any]:
    order = np.lexsort((dst, src))
    src, dst = src[order], dst[order]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    return indptr, dst.astype(np.int64)


def _layers(starts: Any, graph: tuple[Any, Any], depth: int) -> tuple[list[Any], int, bool]:
    """Simple paths of 0..depth edges from each start through larger vertices.

    Returns the layers (layer k: array of shape (paths, k + 1), column 0 the
    start), the rows built, and whether a layer was cut at :data:`_ROW_LIMIT`.
    """
    indptr, indices = graph
    layers = [starts.reshape(-1, 1).astype(np.int64)]
    rows = 0
    cut = False
    for k in range(1, depth + 1):
        paths = layers[-1]
        last = paths[:, -1]
        lo = indptr[last]
        deg = indptr[last + 1] - lo
        total = int(deg.sum())
        if total > _ROW_LIMIT:
            cut = True
            if len(starts) > 1:
                return layers, rows, cut  # the caller retries with fewer starts
            keep_rows = int(np.searchsorted(np.cumsum(deg), _ROW_LIMIT, side="right"))
            paths, lo, deg = paths[:keep_rows], lo[:keep_rows], deg[:keep_rows]
            total = int(deg.sum())
        parent = np.repeat(np.arange(len(paths)), deg)
        offset = np.arange(total) - np.repeat(np.cumsum(deg) - deg, deg) + np.repeat(lo, deg)
        nxt = indices[offset]
        keep = nxt > paths[parent, 0]
        for j in range(1, k):
            keep &= nxt != paths[parent, j]
        parent = parent[keep]
        layer = np.empty((len(parent), k + 1), dtype=np.int64)
        layer[:, :k] = paths[parent]
        layer[:, k] = nxt[keep]
        layers.append(layer)
        rows += len(layer)
    return layers, rows, cut


def _join(out: Any, back: Any, n: int, bad2: Any | None) -> Iterator[tuple[int, Any]]:
    """Cycles made of a path ``out`` (s → … → m) and a path ``back`` (m → … → s),
    in batches: (pairs examined, cycles as an array of vertex rows)."""
    if len(out) == 0 or len(back) == 0:
        return
    a, b = out.shape[1] - 1, back.shape[1] - 1
    key_out = out[:, 0] * n + out[:, -1]
    key_back = back[:, 0] * n + back[:, -1]
    order = np.argsort(key_back, kind="stable")
    sorted_back = key_back[order]
    lo = np.searchsorted(sorted_back, key_out, side="left")
    cnt = np.searchsorted(sorted_back, key_out, side="right") - lo
    has = np.nonzero(cnt)[0]
    if len(has) == 0:
        return
    cum = np.cumsum(cnt[has])
    first = 0
    while first < len(has):
        # as many out-paths as keep the joined pairs under the row limit
        base = cum[first - 1] if first else 0
        last = max(first + 1, int(np.searchsorted(cum, base + _ROW_LIMIT, side="right")))
        rows = has[first:last]
        c = cnt[rows]
        fi = np.repeat(rows, c)
        bi = order[
            np.repeat(lo[rows], c) + np.arange(int(c.sum())) - np.repeat(np.cumsum(c) - c, c)
        ]
        keep = np.ones(len(fi), dtype=bool)
        for x in range(1, a):
            col = out[fi, x]
            for y in range(1, b):
                keep &= col != back[bi, y]
        if bad2 is not None and len(bad2):
            keep &= ~np.isin(key_out[fi], bad2)
        examined = len(keep)
        fi, bi = fi[keep], bi[keep]
        yield examined, np.concatenate([out[fi], back[bi, b - 1 : 0 : -1]], axis=1)
        first = last
