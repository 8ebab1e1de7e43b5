"""Paths: what reaches an element, what it reaches, and the routes between two.

For one element (a stakeholder or a factor), :func:`paths` lists

- **upstream** — every element from which a chain of working relationships
  leads to it, with the number of steps of the shortest such chain;
- **downstream** — every element it reaches, with the number of steps.

Given a **target** as well, it lists the **shortest paths** from the source to
the target and **every simple path** (no element twice) of at most
``max_length`` steps, shortest first, up to ``limit`` paths; the result says
when the search stopped at that limit.

Which relationships count: the working graph of :mod:`sysmap.analysis._graph`
— existing and weak relationships, proposed ones in a redesign, never broken
ones; a ``mutual`` relationship counts both ways. A step is one directed pair:
parallel relationships between the same two elements form one step, with all
their kinds and the strongest recorded strength. A path's **weakest** strength
is the lowest step strength along it, a step with no strength recorded
counting as 1 (as in the rest of the analyses); ``unrecorded`` says how many
steps had none.

Searches are breadth-first over adjacency lists, and the path search is
pruned by the distance to the target, so the work stays close to the number
of paths reported even on large maps.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from sysmap.analysis._base import Finding, findings_blocks, result_dict
from sysmap.analysis._graph import working_relationships, working_ties
from sysmap.analysis._search import hops, neighbours
from sysmap.errors import BadArgument
from sysmap.model import SystemMap
from sysmap.problems import did_you_mean
from sysmap.render import Block, Heading, Para, Rendered, Table, and_list, fmt_number

__all__ = ["PathsResult", "paths"]

_ROWS_SHOWN = 25
_NAMED = 5


def _steps(k: int) -> str:
    return "1 step" if k == 1 else f"{k:,} steps"


@dataclass
class PathsResult(Rendered):
    """Upstream, downstream and the paths between two elements.

    :meth:`to_dict` gives the JSON, with these keys: ``analysis``,
    ``findings``, ``source``, ``target`` (``None`` without one),
    ``include_proposed``, ``max_length``, ``limit``, ``upstream`` and
    ``downstream`` (lists of ``id``, ``name``, ``element``, ``distance``,
    nearest first), ``shortest_length`` (``None`` when the target is not
    reached), ``shortest`` and ``paths`` (lists of paths: ``nodes`` — the
    ids, source first — ``length``, ``steps`` — ``from``, ``to``,
    ``kinds``, ``strength`` (``None`` when not recorded) — ``weakest`` and
    ``unrecorded``), ``shortest_complete`` and ``paths_complete`` (``False``
    when the search stopped at ``limit``).
    """

    name: ClassVar[str] = "paths"

    source: str
    target: str | None
    include_proposed: bool
    max_length: int
    limit: int
    upstream: list[dict[str, Any]]
    downstream: list[dict[str, Any]]
    shortest_length: int | None = None
    shortest: list[dict[str, Any]] = field(default_factory=list)
    paths: list[dict[str, Any]] = field(default_factory=list)
    shortest_complete: bool = True
    paths_complete: bool = True
    names: dict[str, str] = field(default_factory=dict, repr=False)

    def _name(self, ident: str) -> str:
        return self.names.get(ident, ident)

    def _route(self, path: dict[str, Any]) -> str:
        return " → ".join(self._name(i) for i in path["nodes"])

    def _kinds(self, path: dict[str, Any]) -> str:
        return ", ".join("/".join(s["kinds"]) for s in path["steps"])

    def _weakest(self, path: dict[str, Any]) -> str:
        text = f"weakest strength {fmt_number(path['weakest'])}"
        u = path["unrecorded"]
        if u:
            text += f", {u} {'step' if u == 1 else 'steps'} without a strength"
        return text

    # ------------------------------------------------------------ findings

    def findings(self) -> list[Finding]:
        """The route to the target first, then what is upstream and downstream."""
        src = self._name(self.source)
        others = len(self.names) - 1
        out = self._route_findings() if self.target is not None else []
        out.append(
            self._reach_finding(
                self.downstream,
                f"{src} reaches {len(self.downstream):,} of the other {others:,} elements",
                f"{src} reaches no other element",
            )
        )
        out.append(
            self._reach_finding(
                self.upstream,
                f"{len(self.upstream):,} of the other {others:,} elements reach {src}",
                f"Nothing reaches {src}",
            )
        )
        out.sort(key=lambda f: -f.importance)
        return out

    def _reach_finding(self, rows: list[dict[str, Any]], reached: str, nothing: str) -> Finding:
        if not rows:
            return Finding(nothing, self.name, 2, [self.source])
        near = [self._name(d["id"]) for d in rows if d["distance"] == 1]
        text = f"{reached}; {len(near):,} directly: {and_list(near, _NAMED)}"
        return Finding(text, self.name, 2, [d["id"] for d in rows[:_NAMED]])

    def _route_findings(self) -> list[Finding]:
        """Whether and how the source reaches the target, and how many paths lead there."""
        assert self.target is not None
        src, tgt = self._name(self.source), self._name(self.target)
        ends = [self.source, self.target]
        if self.shortest_length is None:
            text = f"{src} does not reach {tgt} through working relationships"
            back = next((u for u in self.upstream if u["id"] == self.target), None)
            if back is not None:
                text += f"; {tgt} reaches {src} in {_steps(back['distance'])}"
            return [Finding(text, self.name, 3, ends)]
        first = self.shortest[0]
        count = len(self.shortest)
        if not self.shortest_complete:
            many = f" (one of at least {count + 1:,} shortest paths)"
        elif count > 1:
            many = f" (one of {count:,} shortest paths)"
        else:
            many = ""
        text = (
            f"{src} reaches {tgt} in {_steps(self.shortest_length)}: "
            f"{self._route(first)} ({self._kinds(first)}; {self._weakest(first)}){many}"
        )
        out = [Finding(text, self.name, 3, list(first["nodes"]))]
        if self.shortest_length > self.max_length:
            text = (
                f"No path from {src} to {tgt} has at most {_steps(self.max_length)}; "
                f"the shortest has {self.shortest_length}"
            )
            return [*out, Finding(text, self.name, 2, ends)]
        n = len(self.paths)
        if self.paths_complete:
            text = (
                f"{n:,} {'path leads' if n == 1 else 'paths lead'} from {src} to "
                f"{tgt} in at most {_steps(self.max_length)}"
            )
        else:
            text = (
                f"At least {n:,} paths lead from {src} to {tgt} in at most "
                f"{_steps(self.max_length)} (the search stopped at the limit of {self.limit:,})"
            )
        if n > 1:
            strongest = max(self.paths, key=lambda p: p["weakest"])
            text += f"; the strongest runs {self._route(strongest)} ({self._weakest(strongest)})"
        return [*out, Finding(text, self.name, 2, ends)]

    # -------------------------------------------------------------- output

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data (see the class notes for the keys)."""
        return result_dict(self)

    def blocks(self) -> list[Block]:
        """Findings, then the paths and what is up- and downstream."""
        src = self._name(self.source)
        title = f"Paths from {src}"
        out: list[Block] = []
        heads = ["steps", "path", "kinds", "weakest", "unrecorded"]
        if self.target is not None:
            tgt = self._name(self.target)
            title += f" to {tgt}"
            out += self._table(f"Shortest paths to {tgt}", heads, self._path_rows(self.shortest))
            if self.shortest_length is not None and self.shortest_length <= self.max_length:
                heading = f"All paths to {tgt} of at most {_steps(self.max_length)}"
                if not self.paths_complete:
                    heading += f" (stopped at the limit of {self.limit:,})"
                out += self._table(heading, heads, self._path_rows(self.paths))
        heads = ["steps", "element", "kind"]
        out += self._table(f"Downstream of {src}", heads, self._reach_rows(self.downstream))
        out += self._table(f"Upstream of {src}", heads, self._reach_rows(self.upstream))
        return [*findings_blocks(title, self.findings()), *out]

    def _table(self, heading: str, headers: list[str], rows: list[list[Any]]) -> list[Block]:
        """A titled table of the first rows, or "(none)"."""
        if not rows:
            return [Heading(heading), Para("(none)")]
        shown = rows[:_ROWS_SHOWN]
        return [Heading(heading), Table(headers, shown, total=len(rows), more="all in the JSON")]

    def _reach_rows(self, rows: list[dict[str, Any]]) -> list[list[Any]]:
        return [[d["distance"], self._name(d["id"]), d["element"]] for d in rows]

    def _path_rows(self, rows: list[dict[str, Any]]) -> list[list[Any]]:
        return [
            [p["length"], self._route(p), self._kinds(p), p["weakest"], p["unrecorded"]]
            for p in rows
        ]


# ------------------------------------------------------------------ search


class _Steps:
    """The working graph as sparse adjacency; step details only for reported paths."""

    def __init__(self, m: SystemMap, include_proposed: bool) -> None:
        self.m = m
        self.include_proposed = include_proposed
        ties = working_ties(m, include_proposed, stakeholders_only=False)
        self.ids = ties.ids
        self.index: dict[str, int] = {}
        for i, ident in enumerate(self.ids):
            self.index.setdefault(ident, i)
        n = len(self.ids)
        # each element's neighbours in increasing index: in map order
        self.fwd = neighbours(n, ties.src, ties.dst)
        self.back = neighbours(n, ties.dst, ties.src)
        self.names = {s.id: s.name for s in m.stakeholders}
        self.names.update({f.id: f.name for f in m.factors})
        self.kinds = ["stakeholder"] * len(m.stakeholders) + ["factor"] * len(m.factors)
        self._succ: dict[int, list[int]] = {}
        self._details: dict[tuple[int, int], dict[str, Any]] | None = None

    def distances(self, start: int, forward: bool) -> np.ndarray:
        """Steps from ``start`` (forward) or to it (backward); -1 when unreachable."""
        d = hops(self.fwd if forward else self.back, [start])
        return np.where(np.isfinite(d), d, -1).astype(np.int64)

    def listing(self, dist: np.ndarray) -> list[dict[str, Any]]:
        """The elements reached (``dist`` > 0), nearest first, then in map order."""
        found = np.flatnonzero(dist > 0)
        found = found[np.argsort(dist[found], kind="stable")]
        d = dist[found].tolist()
        kinds = self.kinds
        return [
            {
                "id": self.ids[i],
                "name": self.names[self.ids[i]],
                "element": kinds[i],
                "distance": d[k],
            }
            for k, i in enumerate(found.tolist())
        ]

    def succ(self, u: int) -> list[int]:
        out = self._succ.get(u)
        if out is None:
            out = self.fwd.indices[self.fwd.indptr[u] : self.fwd.indptr[u + 1]].tolist()
            self._succ[u] = out
        return out

    def simple_paths(
        self, source: int, target: int, length: int, to_target: np.ndarray
    ) -> Iterator[list[int]]:
        """Simple paths of exactly ``length`` steps, in map order of the elements."""
        far = length + 1
        reach = [far if d < 0 else int(d) for d in to_target.tolist()]
        path = [source]
        on_path = {source}
        # a stack of neighbour iterators; prune what cannot reach the target in time
        stack = [iter(self.succ(source))]
        while stack:
            left = length - len(path)  # steps still to take after the next one
            for v in stack[-1]:
                if v in on_path or reach[v] > left:
                    continue
                if v == target:
                    if left == 0:
                        yield [*path, v]
                    continue
                if left > 0:
                    path.append(v)
                    on_path.add(v)
                    stack.append(iter(self.succ(v)))
                    break
            else:
                stack.pop()
                on_path.discard(path.pop())

    def path(self, nodes: list[int]) -> dict[str, Any]:
        """A path whose steps are filled in by :meth:`finish`."""
        return {
            "nodes": [self.ids[i] for i in nodes],
            "length": len(nodes) - 1,
            "steps": [self.step(u, v) for u, v in zip(nodes, nodes[1:], strict=False)],
            "weakest": None,
            "unrecorded": 0,
        }

    def finish(self, found: list[dict[str, Any]]) -> None:
        """Kinds and strengths of every step, then each path's weakest strength."""
        self.fill_steps()
        for p in found:
            p["steps"] = [dict(s, kinds=list(s["kinds"])) for s in p["steps"]]
            strengths = [1.0 if s["strength"] is None else s["strength"] for s in p["steps"]]
            p["weakest"] = min(strengths) if strengths else None
            p["unrecorded"] = sum(1 for s in p["steps"] if s["strength"] is None)

    def step(self, u: int, v: int) -> dict[str, Any]:
        if self._details is None:
            self._details = {}
        key = (u, v)
        if key not in self._details:
            self._details[key] = {
                "from": self.ids[u],
                "to": self.ids[v],
                "kinds": [],
                "strength": None,
            }
        return self._details[key]

    def fill_steps(self) -> None:
        """Kinds and strengths of the steps used, in one pass over the relationships."""
        if not self._details:
            return
        wanted = self._details
        for r in working_relationships(self.m, self.include_proposed):
            ends = [(r.source, r.target)]
            if r.direction == "mutual":
                ends.append((r.target, r.source))
            for a, b in ends:
                u, v = self.index.get(a), self.index.get(b)
                if u is None or v is None:
                    continue
                step = wanted.get((u, v))
                if step is None:
                    continue
                if r.kind not in step["kinds"]:
                    step["kinds"] = sorted([*step["kinds"], r.kind])
                if r.strength is not None:
                    old = step["strength"]
                    step["strength"] = r.strength if old is None else max(old, r.strength)


def _name_of(m: SystemMap, ident: str) -> str:
    names = {s.id: s.name for s in m.stakeholders}
    names.update({f.id: f.name for f in m.factors})
    return names.get(ident, ident)


def _check(m: SystemMap, ident: str, what: str) -> None:
    known = m.element_ids()
    if ident in known:
        return
    by_name = {s.name.casefold(): s.id for s in m.stakeholders}
    by_name.update({f.name.casefold(): f.id for f in m.factors})
    named = by_name.get(str(ident).strip().casefold())
    if named is not None:
        raise BadArgument(f"{what} '{ident}' is a name — use its id: {named}", argument=what)
    guess = did_you_mean(str(ident), sorted(known))
    if guess is not None:
        hint = f"did you mean '{guess}'?"
    elif (near := did_you_mean(str(ident).strip().casefold(), list(by_name))) is not None:
        hint = f"did you mean '{by_name[near]}' ({_name_of(m, by_name[near])})?"
    else:
        hint = "use the id of a stakeholder or factor"
    raise BadArgument(f"unknown {what} '{ident}' — {hint}", argument=what)


def paths(
    m: SystemMap,
    source: str,
    target: str | None = None,
    *,
    max_length: int = 6,
    limit: int = 100,
    include_proposed: bool | None = None,
) -> PathsResult:
    """What reaches an element, what it reaches, and the paths to a target.

    Parameters
    ----------
    m : SystemMap
        The map (current or redesign).
    source : str
        The id of a stakeholder or factor.
    target : str, optional
        The id of another stakeholder or factor; adds the shortest paths and
        every simple path of at most ``max_length`` steps.
    max_length : int, default 6
        The longest path listed (shortest paths are listed whatever their length).
    limit : int, default 100
        The most paths listed in each list; the result says when it stopped there.
    include_proposed : bool, optional
        Whether proposed relationships count (by default: only in a redesign).

    Returns
    -------
    PathsResult
        Findings first, then upstream, downstream and the paths; see the
        module notes.

    Raises
    ------
    BadArgument
        When an id is not a stakeholder or factor of the map (with the closest
        id), when source and target are the same, or when ``max_length`` or
        ``limit`` is below 1.

    Example
    -------
    >>> from sysmap.model import Relationship, Stakeholder, SystemMap
    >>> people = [Stakeholder(id=i, name=n, role=r) for i, n, r in [
    ...     ("forum", "Youth forum", "beneficiary"), ("dropin", "Drop-in centre", "provider"),
    ...     ("council", "Youth council", "leader")]]
    >>> ties = [("forum", "dropin", "feedback", 2), ("dropin", "council", "informs", 4)]
    >>> m = SystemMap(id="m", title="M", guiding_question="Q?", stakeholders=people,
    ...     relationships=[Relationship(source=a, target=b, kind=k, strength=w)
    ...                    for a, b, k, w in ties])
    >>> result = paths(m, "forum", "council")
    >>> print(result.findings()[0].text)
    Youth forum reaches Youth council in 2 steps: Youth forum → Drop-in centre → Youth council (feedback, informs; weakest strength 2)
    >>> [(d["id"], d["distance"]) for d in result.downstream]
    [('dropin', 1), ('council', 2)]
    >>> paths(m, "councl")
    Traceback (most recent call last):
    ...
    sysmap.errors.BadArgument: unknown source 'councl' — did you mean 'council'?
    """
    _check_arguments(m, source, target, max_length=max_length, limit=limit)
    resolved = m.stage == "redesign" if include_proposed is None else include_proposed
    g = _Steps(m, resolved)
    down = g.distances(g.index[source], forward=True)
    result = PathsResult(
        source=source,
        target=target,
        include_proposed=resolved,
        max_length=max_length,
        limit=limit,
        upstream=g.listing(g.distances(g.index[source], forward=False)),
        downstream=g.listing(down),
        names=g.names,
    )
    if target is not None and down[g.index[target]] >= 0:
        _find_paths(g, result, int(down[g.index[target]]))
    return result


def _check_arguments(
    m: SystemMap, source: str, target: str | None, *, max_length: int, limit: int
) -> None:
    _check(m, source, "source")
    if target is not None:
        _check(m, target, "target")
        if target == source:
            raise BadArgument(
                f"source and target are the same element ('{source}') — choose two different "
                "elements (loops through one element are in the loops analysis)",
                argument="target",
            )
    for label, value in (("max_length", max_length), ("limit", limit)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise BadArgument(
                f"{label} must be a whole number of at least 1; got {value!r}", argument=label
            )


def _find_paths(g: _Steps, result: PathsResult, shortest: int) -> None:
    """The shortest paths to the target, then every path of at most ``max_length``
    steps, each list cut at ``limit`` (the result says where)."""
    assert result.target is not None
    s_index, t_index = g.index[result.source], g.index[result.target]
    to_target = g.distances(t_index, forward=False)
    limit = result.limit
    result.shortest_length = shortest
    found: list[dict[str, Any]] = []
    for nodes in g.simple_paths(s_index, t_index, shortest, to_target):
        if len(found) == limit:
            result.shortest_complete = False
            break
        found.append(g.path(nodes))
    result.shortest = found
    if shortest <= result.max_length:
        every: list[dict[str, Any]] = []
        for length in range(shortest, result.max_length + 1):
            for nodes in g.simple_paths(s_index, t_index, length, to_target):
                if len(every) == limit:
                    result.paths_complete = False
                    break
                every.append(g.path(nodes))
            if not result.paths_complete:
                break
        result.paths = every
    g.finish(result.shortest + result.paths)
