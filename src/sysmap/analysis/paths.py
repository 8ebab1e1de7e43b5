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

from sysmap.analysis._base import Finding, fmt_number, md_table, text_table
from sysmap.analysis._graph import working_relationships, working_ties
from sysmap.errors import SysmapError
from sysmap.escape import markdown_text
from sysmap.model import SystemMap
from sysmap.problems import did_you_mean

__all__ = ["PathsResult", "paths"]

_ROWS_SHOWN = 25
_NAMED = 5


def _names(names: list[str], limit: int = _NAMED) -> str:
    shown = names[:limit]
    more = len(names) - len(shown)
    if more > 0:
        return ", ".join(shown) + f" and {more:,} more"
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def _steps(k: int) -> str:
    return "1 step" if k == 1 else f"{k:,} steps"


@dataclass
class PathsResult:
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
        out: list[Finding] = []
        add = out.append
        src = self._name(self.source)
        others = len(self.names) - 1
        if self.target is not None:
            tgt = self._name(self.target)
            if self.shortest_length is None:
                text = f"{src} does not reach {tgt} through working relationships"
                back = next((u for u in self.upstream if u["id"] == self.target), None)
                if back is not None:
                    text += f"; {tgt} reaches {src} in {_steps(back['distance'])}"
                add(Finding(text, self.name, 3, [self.source, self.target]))
            else:
                first = self.shortest[0]
                count = len(self.shortest)
                if not self.shortest_complete:
                    many = f" (one of at least {count + 1:,} shortest paths)"
                elif count > 1:
                    many = f" (one of {count:,} shortest paths)"
                else:
                    many = ""
                add(
                    Finding(
                        f"{src} reaches {tgt} in {_steps(self.shortest_length)}: "
                        f"{self._route(first)} ({self._kinds(first)}; {self._weakest(first)})"
                        f"{many}",
                        self.name,
                        3,
                        list(first["nodes"]),
                    )
                )
                if self.shortest_length > self.max_length:
                    add(
                        Finding(
                            f"No path from {src} to {tgt} has at most "
                            f"{_steps(self.max_length)}; the shortest has {self.shortest_length}",
                            self.name,
                            2,
                            [self.source, self.target],
                        )
                    )
                else:
                    n = len(self.paths)
                    if self.paths_complete:
                        text = (
                            f"{n:,} {'path leads' if n == 1 else 'paths lead'} from {src} to "
                            f"{tgt} in at most {_steps(self.max_length)}"
                        )
                    else:
                        text = (
                            f"At least {n:,} paths lead from {src} to {tgt} in at most "
                            f"{_steps(self.max_length)} (the search stopped at the limit of "
                            f"{self.limit:,})"
                        )
                    if n > 1:
                        strongest = max(self.paths, key=lambda p: p["weakest"])
                        text += (
                            f"; the strongest runs {self._route(strongest)} "
                            f"({self._weakest(strongest)})"
                        )
                    add(Finding(text, self.name, 2, [self.source, self.target]))

        down, up = self.downstream, self.upstream
        if down:
            near = [self._name(d["id"]) for d in down if d["distance"] == 1]
            add(
                Finding(
                    f"{src} reaches {len(down):,} of the other {others:,} elements; "
                    f"{len(near):,} directly: {_names(near)}",
                    self.name,
                    2,
                    [d["id"] for d in down[:_NAMED]],
                )
            )
        else:
            add(Finding(f"{src} reaches no other element", self.name, 2, [self.source]))
        if up:
            near = [self._name(d["id"]) for d in up if d["distance"] == 1]
            add(
                Finding(
                    f"{len(up):,} of the other {others:,} elements reach {src}; "
                    f"{len(near):,} directly: {_names(near)}",
                    self.name,
                    2,
                    [d["id"] for d in up[:_NAMED]],
                )
            )
        else:
            add(Finding(f"Nothing reaches {src}", self.name, 2, [self.source]))
        out.sort(key=lambda f: -f.importance)
        return out

    # -------------------------------------------------------------- output

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data (see the class notes for the keys)."""
        return {
            "analysis": self.name,
            "findings": [f.to_dict() for f in self.findings()],
            "source": self.source,
            "target": self.target,
            "include_proposed": self.include_proposed,
            "max_length": self.max_length,
            "limit": self.limit,
            "upstream": self.upstream,
            "downstream": self.downstream,
            "shortest_length": self.shortest_length,
            "shortest": self.shortest,
            "paths": self.paths,
            "shortest_complete": self.shortest_complete,
            "paths_complete": self.paths_complete,
        }

    def _reach_rows(self, rows: list[dict[str, Any]]) -> list[list[Any]]:
        return [[d["distance"], self._name(d["id"]), d["element"]] for d in rows[:_ROWS_SHOWN]]

    def _path_rows(self, rows: list[dict[str, Any]]) -> list[list[Any]]:
        return [
            [p["length"], self._route(p), self._kinds(p), p["weakest"], p["unrecorded"]]
            for p in rows[:_ROWS_SHOWN]
        ]

    def _sections(self) -> list[tuple[str, list[str], list[list[Any]], int]]:
        out = []
        if self.target is not None:
            heads = ["steps", "path", "kinds", "weakest", "unrecorded"]
            tgt = self._name(self.target)
            out.append(
                (
                    f"Shortest paths to {tgt}",
                    heads,
                    self._path_rows(self.shortest),
                    len(self.shortest),
                )
            )
            if self.shortest_length is not None and self.shortest_length <= self.max_length:
                title = f"All paths to {tgt} of at most {_steps(self.max_length)}"
                if not self.paths_complete:
                    title += f" (stopped at the limit of {self.limit:,})"
                out.append((title, heads, self._path_rows(self.paths), len(self.paths)))
        heads = ["steps", "element", "kind"]
        src = self._name(self.source)
        out.append(
            (f"Downstream of {src}", heads, self._reach_rows(self.downstream), len(self.downstream))
        )
        out.append(
            (f"Upstream of {src}", heads, self._reach_rows(self.upstream), len(self.upstream))
        )
        return out

    def format_text(self) -> str:
        """A plain-text report: findings, then the paths and what is up- and downstream."""
        src = self._name(self.source)
        title = f"Paths from {src}" + (f" to {self._name(self.target)}" if self.target else "")
        lines = [title, "", "Findings:"]
        lines += [f"- {f.text}" for f in self.findings()]
        for heading, heads, rows, total in self._sections():
            lines += ["", f"{heading}:"]
            lines.append(text_table(heads, rows) if rows else "(none)")
            if total > len(rows):
                lines.append(f"… and {total - len(rows):,} more (all in the JSON)")
        return "\n".join(lines)

    def format_markdown(self) -> str:
        """A Markdown report: findings, then the paths and what is up- and downstream."""
        src = self._name(self.source)
        title = f"## Paths from {src}" + (f" to {self._name(self.target)}" if self.target else "")
        out = [title, "", "### Findings", ""]
        out += [f"- {markdown_text(f.text)}" for f in self.findings()]
        for heading, heads, rows, total in self._sections():
            out += ["", f"### {heading}", ""]
            out.append(md_table(heads, rows) if rows else "(none)")
            if total > len(rows):
                out += ["", f"… and {total - len(rows):,} more (all in the JSON)"]
        return "\n".join(out)


# ------------------------------------------------------------------ search


class _Steps:
    """The working graph as sparse adjacency; step details only for reported paths."""

    def __init__(self, m: SystemMap, include_proposed: bool) -> None:
        import scipy.sparse as sp

        self.m = m
        self.include_proposed = include_proposed
        ties = working_ties(m, include_proposed, stakeholders_only=False)
        self.ids = ties.ids
        self.index: dict[str, int] = {}
        for i, ident in enumerate(self.ids):
            self.index.setdefault(ident, i)
        n = len(self.ids)
        ones = np.ones(len(ties.src))
        # rows sorted by column: neighbours come in map order
        self.fwd = sp.csr_matrix((ones, (ties.src, ties.dst)), shape=(n, n))
        self.back = sp.csr_matrix((ones, (ties.dst, ties.src)), shape=(n, n))
        self.fwd.sort_indices()
        self.back.sort_indices()
        self._succ: dict[int, list[int]] = {}
        self._details: dict[tuple[int, int], dict[str, Any]] | None = None

    def distances(self, start: int, forward: bool) -> np.ndarray:
        """Steps from ``start`` (forward) or to it (backward); -1 when unreachable."""
        from scipy.sparse.csgraph import shortest_path

        graph = self.fwd if forward else self.back
        d = shortest_path(graph, method="D", unweighted=True, indices=[start])[0]
        return np.where(np.isfinite(d), d, -1).astype(np.int64)

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
        raise SysmapError(f"{what} '{ident}' is a name — use its id: {named}")
    guess = did_you_mean(str(ident), sorted(known))
    if guess is not None:
        hint = f"did you mean '{guess}'?"
    elif (near := did_you_mean(str(ident).strip().casefold(), list(by_name))) is not None:
        hint = f"did you mean '{by_name[near]}' ({_name_of(m, by_name[near])})?"
    else:
        hint = "use the id of a stakeholder or factor"
    raise SysmapError(f"unknown {what} '{ident}' — {hint}")


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
        Whether proposed relationships count; by default they do in a redesign
        and do not in a current map.

    Returns
    -------
    PathsResult
        Findings first, then upstream, downstream and the paths; see the
        module notes.

    Raises
    ------
    SysmapError
        When an id is not a stakeholder or factor of the map (with the closest
        id), when source and target are the same, or when ``max_length`` or
        ``limit`` is below 1.

    Example
    -------
    >>> from sysmap.model import Relationship, Stakeholder, SystemMap
    >>> m = SystemMap(id="m", title="M", guiding_question="Q?",
    ...     stakeholders=[
    ...         Stakeholder(id="pwle", name="People with lived experience", role="beneficiary"),
    ...         Stakeholder(id="ce", name="Coordinated entry", role="provider"),
    ...         Stakeholder(id="board", name="CoC board", role="leader")],
    ...     relationships=[
    ...         Relationship(source="pwle", target="ce", kind="feedback", strength=2),
    ...         Relationship(source="ce", target="board", kind="informs", strength=4)])
    >>> result = paths(m, "pwle", "board")
    >>> print(result.findings()[0].text)
    People with lived experience reaches CoC board in 2 steps: People with lived experience → Coordinated entry → CoC board (feedback, informs; weakest strength 2)
    >>> [(d["id"], d["distance"]) for d in result.downstream]
    [('ce', 1), ('board', 2)]
    >>> paths(m, "bord")
    Traceback (most recent call last):
    ...
    sysmap.errors.SysmapError: unknown source 'bord' — did you mean 'board'?
    """
    _check(m, source, "source")
    if target is not None:
        _check(m, target, "target")
        if target == source:
            raise SysmapError(
                f"source and target are the same element ('{source}') — choose two different "
                "elements (loops through one element are in the loops analysis)"
            )
    for label, value in (("max_length", max_length), ("limit", limit)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise SysmapError(f"{label} must be a whole number of at least 1; got {value!r}")

    resolved = m.stage == "redesign" if include_proposed is None else include_proposed
    g = _Steps(m, resolved)
    names = {s.id: s.name for s in m.stakeholders}
    names.update({f.id: f.name for f in m.factors})
    kind = ["stakeholder"] * len(m.stakeholders) + ["factor"] * len(m.factors)
    s_index = g.index[source]

    def listing(dist: np.ndarray) -> list[dict[str, Any]]:
        found = np.flatnonzero(dist > 0)
        found = found[np.argsort(dist[found], kind="stable")]  # nearest, then map order
        d = dist[found].tolist()
        return [
            {"id": g.ids[i], "name": names[g.ids[i]], "element": kind[i], "distance": d[k]}
            for k, i in enumerate(found.tolist())
        ]

    down = g.distances(s_index, forward=True)
    up = g.distances(s_index, forward=False)
    result = PathsResult(
        source=source,
        target=target,
        include_proposed=resolved,
        max_length=max_length,
        limit=limit,
        upstream=listing(up),
        downstream=listing(down),
        names=names,
    )
    if target is None or down[g.index[target]] < 0:
        return result

    t_index = g.index[target]
    to_target = g.distances(t_index, forward=False)
    shortest = int(down[t_index])
    result.shortest_length = shortest
    found: list[dict[str, Any]] = []
    for nodes in g.simple_paths(s_index, t_index, shortest, to_target):
        if len(found) == limit:
            result.shortest_complete = False
            break
        found.append(g.path(nodes))
    result.shortest = found
    if shortest <= max_length:
        every: list[dict[str, Any]] = []
        for length in range(shortest, max_length + 1):
            for nodes in g.simple_paths(s_index, t_index, length, to_target):
                if len(every) == limit:
                    result.paths_complete = False
                    break
                every.append(g.path(nodes))
            if not result.paths_complete:
                break
        result.paths = every
    g.finish(result.shortest + result.paths)
    return result
