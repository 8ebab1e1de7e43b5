"""Influence: MICMAC — which elements drive the system and which depend on it.

MICMAC (*Matrice d'Impacts Croisés Multiplication Appliquée à un
Classement*, as Kumu offers it) places every element — stakeholders and
factors — on two axes:

- **influence**: how much it acts on the rest of the system;
- **dependence** (exposure): how much the rest of the system acts on it.

**Direct** figures read the working graph (see :mod:`sysmap.analysis._graph`:
existing and weak relationships, proposed ones in a redesign, never broken
ones; mutual ones both ways) as a matrix ``M`` with ``M[i, j]`` the strength
of the tie ``i → j`` (the strongest of the relationships it merges; 1 when no
strength is recorded). Direct influence is the row sum ``M·1`` (weighted
out-degree), direct dependence the column sum ``Mᵀ·1`` (weighted in-degree).

**Indirect** figures count chains: influence through chains of up to
``depth`` steps is ``(M + M² + … + M^depth)·1`` — every chain leaving the
element, each weighted by the product of its strengths — and dependence the
same with ``Mᵀ``. Classic MICMAC ranks by ``M^depth`` alone; in a map without
cycles ``M^k`` vanishes once ``k`` exceeds the longest chain, so sysmap adds
the chains of every length up to ``depth`` instead. The powers are never
formed: ``M^k·1`` is ``k`` sparse matrix–vector products, so time and memory
grow with the number of relationships, not with its square.

The indirect figures are **normalised** so that the mean over all elements is
1 (an influence of 2.5 is two and a half times the average). Each element
then falls in a **quadrant** relative to those means (above means strictly
above 1):

- **driver** — high influence, low dependence: a lever;
- **linkage** — high influence, high dependence: unstable, changes here ripple
  back;
- **dependent** — low influence, high dependence: an outcome, moved by others;
- **autonomous** — low influence, low dependence: loosely coupled.

The same quadrants from the direct figures (relative to their own means) are
reported too, so that elements whose role only shows through chains stand out.

**Leverage** is ``influence − dependence`` (both normalised, through chains):
how much more an element moves the system than the system moves it. Above 0
an element acts more than it is acted on; the drivers have the most. It is a
difference of the two normalised figures, not a ratio, so that an element
nothing acts on (dependence 0) gets a finite figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from sysmap.analysis._base import Finding, findings_blocks, result_dict
from sysmap.analysis._graph import working_ties
from sysmap.errors import BadArgument
from sysmap.model import SystemMap
from sysmap.render import Block, Heading, Lines, Rendered, Table, and_list, fmt_number, plural

__all__ = ["InfluenceResult", "influence", "QUADRANTS", "MAX_DEPTH"]

#: The quadrants, in the order they are reported.
QUADRANTS: tuple[str, ...] = ("driver", "linkage", "dependent", "autonomous")

#: The longest chains counted (longer ones overflow nothing but say little).
MAX_DEPTH = 20

_MEANING = {
    "driver": "high influence, low dependence",
    "linkage": "high influence, high dependence",
    "dependent": "low influence, high dependence",
    "autonomous": "low influence, low dependence",
}
_ROWS_SHOWN = 20
_NAMED = 5


def _quadrant(high_influence: bool, high_dependence: bool) -> str:
    if high_influence:
        return "linkage" if high_dependence else "driver"
    return "dependent" if high_dependence else "autonomous"


@dataclass
class InfluenceResult(Rendered):
    """MICMAC influence and dependence of every element; see the module notes.

    :meth:`to_dict` gives the JSON, with these keys: ``analysis``,
    ``findings``, ``depth``, ``include_proposed``, ``counts`` (``elements``,
    ``stakeholders``, ``factors``, ``ties``), ``quadrants`` (how many
    elements in each), ``elements`` — one entry per stakeholder, then factor,
    in map order: ``id``, ``name``, ``element`` ("stakeholder" or "factor"),
    ``role`` (a stakeholder's role, or "factor"), ``direct_influence``,
    ``direct_dependence`` (sums of strengths), ``influence``, ``dependence``
    (through chains of up to ``depth`` steps, mean 1), ``leverage``
    (``influence − dependence``), ``direct_quadrant``, ``quadrant``.
    """

    name: ClassVar[str] = "influence"

    depth: int
    include_proposed: bool
    counts: dict[str, int]
    elements: list[dict[str, Any]]

    @property
    def quadrants(self) -> dict[str, int]:
        """How many elements fall in each quadrant."""
        out = dict.fromkeys(QUADRANTS, 0)
        for e in self.elements:
            out[e["quadrant"]] += 1
        return out

    def members(self, quadrant: str) -> list[dict[str, Any]]:
        """The elements of one quadrant, most influential (then most dependent) first."""
        rows = [e for e in self.elements if e["quadrant"] == quadrant]
        key = "dependence" if quadrant == "dependent" else "influence"
        return sorted(rows, key=lambda e: -e[key])

    # ------------------------------------------------------------ findings

    def findings(self) -> list[Finding]:
        """The drivers and the linkage elements first, then quadrant changes."""
        if not self.elements:
            return [Finding("The map has no stakeholders or factors yet", self.name, 3)]
        if self.counts["ties"] == 0:
            text = "No element acts on another: the map has no working relationships"
            return [Finding(text, self.name, 3)]
        out = [
            self._driver_finding(),
            self._linkage_finding(),
            *self._leverage_findings(),
            *self._dependent_findings(),
            *self._moved_findings(),
        ]
        out.sort(key=lambda f: -f.importance)
        return out

    @property
    def _through(self) -> str:
        return "directly" if self.depth == 1 else f"through chains of up to {self.depth} steps"

    def _driver_finding(self) -> Finding:
        drivers = self.members("driver")
        if not drivers:
            text = (
                "No element drives the system: none has high influence and low dependence "
                f"{self._through}"
            )
            return Finding(text, self.name, 2)
        text = (
            f"{len(drivers):,} {'element drives' if len(drivers) == 1 else 'elements drive'}"
            f" the system ({_MEANING['driver']} {self._through}): "
            + and_list([e["name"] for e in drivers])
        )
        return Finding(text, self.name, 3, [e["id"] for e in drivers[:_NAMED]])

    def _linkage_finding(self) -> Finding:
        linkage = self.members("linkage")
        if not linkage:
            return Finding(f"No element is a linkage element ({_MEANING['linkage']})", self.name, 1)
        text = (
            f"{len(linkage):,} linkage {'element' if len(linkage) == 1 else 'elements'} "
            f"({_MEANING['linkage']}): changes there ripple back — "
            + and_list([e["name"] for e in linkage])
        )
        return Finding(text, self.name, 3, [e["id"] for e in linkage[:_NAMED]])

    def _leverage_findings(self) -> list[Finding]:
        levers = sorted(self.elements, key=lambda e: -e["leverage"])
        levers = [e for e in levers if e["leverage"] > 0][:3]
        if not levers:
            return []
        text = (
            f"The most leverage (leverage = influence − dependence, {self._through}): "
            + ", ".join(f"{e['name']} {fmt_number(e['leverage'])}" for e in levers)
        )
        return [Finding(text, self.name, 2, [e["id"] for e in levers])]

    def _dependent_findings(self) -> list[Finding]:
        dependent = self.members("dependent")
        if not dependent:
            return []
        text = f"Most dependent ({_MEANING['dependent']}): " + and_list(
            [e["name"] for e in dependent], 3
        )
        return [Finding(text, self.name, 1, [e["id"] for e in dependent[:3]])]

    def _moved_findings(self) -> list[Finding]:
        """Elements that only drive or link through chains (their direct quadrant differs)."""
        moved = [
            e
            for e in self.elements
            if e["direct_quadrant"] != e["quadrant"] and e["quadrant"] in ("driver", "linkage")
        ]
        if not moved:
            return []
        moved.sort(key=lambda e: -e["influence"])
        shown = ", ".join(
            f"{e['name']} ({e['direct_quadrant']} → {e['quadrant']})" for e in moved[:_NAMED]
        )
        more = f" and {len(moved) - _NAMED:,} more" if len(moved) > _NAMED else ""
        text = (
            f"Counting chains of up to {self.depth} steps moves {len(moved):,} "
            f"{'element' if len(moved) == 1 else 'elements'} into another quadrant: "
            f"{shown}{more}"
        )
        return [Finding(text, self.name, 2, [e["id"] for e in moved[:_NAMED]])]

    # -------------------------------------------------------------- output

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data (see the class notes for the keys)."""
        out = result_dict(self)
        elements = out.pop("elements")  # the quadrant counts come before the elements
        return {**out, "quadrants": self.quadrants, "elements": elements}

    def blocks(self) -> list[Block]:
        """Findings, the quadrant counts, then the elements by influence."""
        c = self.counts
        q = self.quadrants
        summary = [
            f"Elements: {c['elements']:,} ({c['stakeholders']:,} stakeholders, "
            f"{c['factors']:,} factors); ties: {c['ties']:,}; chains of up to "
            f"{plural(self.depth, 'step')}; influence and dependence: 1 = the average",
            "Quadrants: " + ", ".join(f"{k} {q[k]:,}" for k in QUADRANTS),
        ]
        out = [*findings_blocks("Influence (MICMAC)", self.findings()), Lines(summary)]
        if self.elements:
            out += self._element_table()
        return out

    def _element_table(self) -> list[Block]:
        headers = [
            "element", "role", "quadrant", "influence", "dependence",
            "leverage (influence − dependence)",
            "direct influence", "direct dependence", "direct quadrant",
        ]  # fmt: skip
        ranked = sorted(self.elements, key=lambda e: (-e["influence"], -e["dependence"]))
        rows = [
            [
                e["name"], e["role"], e["quadrant"], fmt_number(e["influence"]),
                fmt_number(e["dependence"]), fmt_number(e["leverage"]),
                fmt_number(e["direct_influence"]),
                fmt_number(e["direct_dependence"]), e["direct_quadrant"],
            ]
            for e in ranked[:_ROWS_SHOWN]
        ]  # fmt: skip
        if len(ranked) > _ROWS_SHOWN:
            title = f"Elements (top {len(rows):,} of {len(ranked):,} by influence)"
        else:
            title = "Elements (by influence)"
        return [Heading(title), Table(headers, rows)]


def _chains(n: int, src: np.ndarray, dst: np.ndarray, w: np.ndarray, depth: int) -> np.ndarray:
    """``(M + M² + … + M^depth)·1`` for the matrix ``M[src, dst] = w``, by repeated
    products with a vector (never forming M^k)."""
    x: np.ndarray = np.ones(n)
    total = np.zeros(n)
    for _ in range(depth):
        x = np.bincount(src, weights=w * x[dst], minlength=n)
        total += x
    return total


def _normalised(values: np.ndarray) -> np.ndarray:
    mean = values.mean() if len(values) else 0.0
    return values / mean if mean > 0 else np.zeros_like(values)


def _direct_quadrants(inf: np.ndarray, dep: np.ndarray) -> list[str]:
    hi = inf > inf.mean() if len(inf) else inf > 0
    hd = dep > dep.mean() if len(dep) else dep > 0
    return [_quadrant(a, b) for a, b in zip(hi.tolist(), hd.tolist(), strict=True)]


def influence(
    m: SystemMap, *, depth: int = 3, include_proposed: bool | None = None
) -> InfluenceResult:
    """MICMAC: the influence and dependence of every stakeholder and factor.

    Parameters
    ----------
    m : SystemMap
        The map (current or redesign).
    depth : int, default 3
        The longest chain of relationships counted (1 gives the direct figures).
    include_proposed : bool, optional
        Whether proposed relationships count (by default: only in a redesign).

    Returns
    -------
    InfluenceResult
        Findings first (the drivers and the linkage elements), then every
        element's figures and quadrant; see the module notes.

    Raises
    ------
    BadArgument
        When ``depth`` is not between 1 and :data:`MAX_DEPTH`.

    Example
    -------
    >>> from sysmap.model import Factor, Relationship, SystemMap
    >>> m = SystemMap(id="m", title="M", guiding_question="Q?",
    ...     factors=[Factor(id="stock", name="Housing stock"),
    ...              Factor(id="waits", name="Time to housing"),
    ...              Factor(id="trust", name="Trust in outreach")],
    ...     relationships=[
    ...         Relationship(source="stock", target="waits", kind="influences"),
    ...         Relationship(source="waits", target="trust", kind="influences")])
    >>> result = influence(m, depth=2)
    >>> [(e["id"], e["influence"], e["dependence"], e["quadrant"]) for e in result.elements]
    [('stock', 2.0, 0.0, 'driver'), ('waits', 1.0, 1.0, 'autonomous'), ('trust', 0.0, 2.0, 'dependent')]
    >>> print(result.findings()[0].text)
    1 element drives the system (high influence, low dependence through chains of up to 2 steps): Housing stock
    """
    if not isinstance(depth, int) or isinstance(depth, bool) or not 1 <= depth <= MAX_DEPTH:
        raise BadArgument(
            f"depth must be a whole number from 1 to {MAX_DEPTH} (the longest chain of "
            f"relationships counted); got {depth!r}",
            argument="depth",
        )
    resolved = m.stage == "redesign" if include_proposed is None else include_proposed
    ties = working_ties(m, resolved, stakeholders_only=False)
    n = ties.n
    src, dst, w = ties.src, ties.dst, ties.strength
    figures = {
        "direct_influence": np.bincount(src, weights=w, minlength=n),
        "direct_dependence": np.bincount(dst, weights=w, minlength=n),
        "influence": _normalised(_chains(n, src, dst, w, depth)),
        "dependence": _normalised(_chains(n, dst, src, w, depth)),
    }
    return InfluenceResult(
        depth=depth,
        include_proposed=resolved,
        counts={
            "elements": n,
            "stakeholders": len(m.stakeholders),
            "factors": len(m.factors),
            "ties": len(ties.src),
        },
        elements=_element_rows(m, ties.ids, figures),
    )


def _element_rows(
    m: SystemMap, ids: list[str], figures: dict[str, np.ndarray]
) -> list[dict[str, Any]]:
    """One entry per element (stakeholders, then factors) with its figures and quadrants."""
    inf, dep = figures["influence"], figures["dependence"]
    quadrant = [
        _quadrant(a, b) for a, b in zip((inf > 1).tolist(), (dep > 1).tolist(), strict=True)
    ]
    direct_quadrant = _direct_quadrants(figures["direct_influence"], figures["direct_dependence"])
    kinds: list[tuple[str, str, str]] = [("stakeholder", s.role, s.name) for s in m.stakeholders]
    kinds += [("factor", "factor", f.name) for f in m.factors]
    di, dd = figures["direct_influence"].tolist(), figures["direct_dependence"].tolist()
    ii, id_ = np.round(inf, 6).tolist(), np.round(dep, 6).tolist()
    rows = []
    for i, ident in enumerate(ids):
        element, role, name = kinds[i]
        rows.append(
            {
                "id": ident,
                "name": name,
                "element": element,
                "role": role,
                "direct_influence": di[i],
                "direct_dependence": dd[i],
                "influence": ii[i],
                "dependence": id_[i],
                "leverage": round(ii[i] - id_[i], 6),
                "direct_quadrant": direct_quadrant[i],
                "quadrant": quadrant[i],
            }
        )
    return rows
