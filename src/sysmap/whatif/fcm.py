"""What if we push here? Fuzzy-cognitive-map scenarios on the key-factor model.

The key-factor model is the map's factors and the causal links between them
(relationships whose two ends are factors). A scenario **holds** (clamps)
some factors at chosen values and lets the others respond; the answer is each
factor's change from a **baseline** run in which nothing is held.

Weights
-------
A causal link ``j → i`` has the weight ``w[j, i]``:

- its explicit ``weight`` (−1 to 1) when the map gives one;
- otherwise the sign of its ``polarity`` (``+`` → 1, ``−`` → −1) times
  ``strength / 5``; a link without ``strength`` has the full weight ±1.

A link with neither weight nor polarity is left out (the result says so).
Broken links are left out; proposed links count only in a redesign (as in the
other analyses). A ``mutual`` link counts both ways. Two links between the
same two factors add up.

Inference
---------
``A(t)`` is the vector of factor values at step ``t``, ``W`` the weight
matrix, ``λ`` the steepness. One step is ``A(t+1) = f(x)`` with ``x``:

- **kosko**: ``x = A(t) · W``
- **modified-kosko**: ``x = A(t) · W + A(t)`` (each factor remembers itself)
- **rescaled**: ``x = (2A(t) − 1) · W + (2A(t) − 1)``

and the squashing function ``f``:

- **sigmoid**: ``f(x) = 1 / (1 + e^(−λx))``, values 0 to 1;
- **tanh**: ``f(x) = tanh(λx)``, values −1 to 1;
- **bivalent**: ``f(x) = 1`` if ``x > 0`` else ``0``;
- **trivalent**: ``f(x) = 1`` if ``x > 0``, ``−1`` if ``x < 0``, else ``0``.

After each step the held factors are set back to their values. Every factor
starts at ``initial`` (0.5 for sigmoid, 0 otherwise); held factors start at
their values. The run **settles** when no factor moves by more than
``tolerance`` in one step. When ``max_steps`` is reached without settling,
the last states are checked for a repeating pattern: the run **oscillates
(period k)** when the state ``k`` steps back is the same (within the
tolerance) for two steps running; otherwise it **hit the step limit**.

What the numbers mean: the direction each factor moves when the held ones are
pushed, and how large that move is relative to the others. A fuzzy cognitive
map is a way to reason about a system's structure, not a forecast: "−0.42"
is not 42 % fewer days to housing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import numpy as np

from sysmap.analysis._graph import counts
from sysmap.errors import BadArgument
from sysmap.findings import Finding
from sysmap.model import Relationship, SystemMap
from sysmap.problems import did_you_mean
from sysmap.render import Block, Bullets, Heading, Lines, Note, Para, Rendered, Table

if TYPE_CHECKING:
    import scipy.sparse as sp

__all__ = [
    "SQUASHING",
    "RULES",
    "Settings",
    "KeyFactorModel",
    "Run",
    "FactorChange",
    "WhatIfResult",
    "ScenarioTable",
    "link_weight",
    "key_factor_model",
    "infer",
    "whatif",
    "whatif_all",
    "whatif_maps",
    "scenario_panel_data",
]

Squashing = Literal["sigmoid", "tanh", "bivalent", "trivalent"]
Rule = Literal["kosko", "modified-kosko", "rescaled"]

#: The squashing functions, with the range of values each gives.
SQUASHING: dict[str, tuple[float, float]] = {
    "sigmoid": (0.0, 1.0),
    "tanh": (-1.0, 1.0),
    "bivalent": (0.0, 1.0),
    "trivalent": (-1.0, 1.0),
}

#: The inference rules.
RULES: tuple[str, ...] = ("kosko", "modified-kosko", "rescaled")

#: Changes smaller than this are reported as "no change" (they round to 0.00).
NO_CHANGE = 0.005

_PERIODS = 32  # longest oscillation period looked for


@dataclass(frozen=True)
class Settings:
    """How the inference runs (see the module notes for each formula)."""

    squashing: Squashing = "sigmoid"
    rule: Rule = "kosko"
    lam: float = 1.0
    max_steps: int = 100
    tolerance: float = 1e-5
    initial: float | None = None

    def __post_init__(self) -> None:
        if self.squashing not in SQUASHING:
            raise BadArgument(
                f"unknown squashing function '{self.squashing}' — use one of "
                + ", ".join(SQUASHING),
                argument="squashing",
                choices=tuple(SQUASHING),
            )
        if self.rule not in RULES:
            raise BadArgument(
                f"unknown inference rule '{self.rule}' — use one of " + ", ".join(RULES),
                argument="rule",
                choices=tuple(RULES),
            )
        if not (self.lam > 0 and math.isfinite(self.lam)):
            raise BadArgument(f"λ (lam) must be a positive number (got {self.lam})", argument="lam")
        if self.max_steps < 1:
            raise BadArgument(
                f"the step limit must be at least 1 (got {self.max_steps})", argument="max_steps"
            )
        if not self.tolerance > 0:
            raise BadArgument(
                f"the tolerance must be above 0 (got {self.tolerance})", argument="tolerance"
            )
        if self.initial is not None:
            self.check_value(self.initial, "the initial value")

    @property
    def start(self) -> float:
        """Where every factor starts: ``initial``, or 0.5 for sigmoid and 0 otherwise."""
        if self.initial is not None:
            return self.initial
        return 0.5 if self.squashing == "sigmoid" else 0.0

    def check_value(self, value: float, what: str) -> None:
        """Raise :class:`~sysmap.errors.BadArgument` when ``value`` is outside the squashing's range."""
        low, high = SQUASHING[self.squashing]
        if not (isinstance(value, (int, float)) and low <= value <= high):
            raise BadArgument(
                f"{what} is {value:g}, outside {low:g} to {high:g} (the range of "
                f"{self.squashing} squashing) — use a value from {low:g} to {high:g}",
                argument=what,
            )

    def to_dict(self) -> dict[str, Any]:
        return {
            "squashing": self.squashing,
            "rule": self.rule,
            "lambda": self.lam,
            "max_steps": self.max_steps,
            "tolerance": self.tolerance,
            "initial": self.start,
        }


def link_weight(r: Relationship) -> float | None:
    """A causal link's weight: explicit, or polarity's sign × strength / 5.

    Example
    -------
    >>> from sysmap.model import Relationship
    >>> link_weight(Relationship(source="a", target="b", kind="influences", polarity="-",
    ...                          strength=2))
    -0.4
    >>> link_weight(Relationship(source="a", target="b", kind="influences", polarity="+"))
    1.0
    """
    if r.weight is not None:
        return float(r.weight)
    if r.polarity is None:
        return None
    size = 1.0 if r.strength is None else r.strength / 5
    return size if r.polarity == "+" else -size


@dataclass
class KeyFactorModel:
    """The factors and the weight matrix ``W`` (``W[j, i]``: link j → i)."""

    ids: list[str]
    names: list[str]
    weights: sp.csr_matrix
    left_out: list[str] = field(default_factory=list)

    @property
    def links(self) -> int:
        """How many non-zero weights the model has."""
        return int(self.weights.nnz)

    def index(self, factor: str) -> int:
        """The position of a factor, by id or name (:class:`~sysmap.errors.BadArgument` if unknown)."""
        if factor in self._pos:
            return self._pos[factor]
        folded = factor.strip().casefold()
        for i, name in enumerate(self.names):
            if name.casefold() == folded:
                return i
        guess = did_you_mean(factor, self.ids)
        hint = (
            f"did you mean '{guess}'?" if guess else "use a factor's id (sysmap summary lists them)"
        )
        raise BadArgument(f"unknown factor '{factor}' — {hint}", argument="hold")

    def __post_init__(self) -> None:
        self._pos = {f: i for i, f in enumerate(self.ids)}


def key_factor_model(m: SystemMap) -> KeyFactorModel:
    """The map's key-factor model: factors and the weights of the causal links.

    Raises
    ------
    BadArgument
        When the map has no factors.
    """
    import scipy.sparse as sp  # the inference's matrix; the HTML map's panel needs none

    ids, names, (rows, cols, vals), left_out = _causal_links(m)
    n = len(ids)
    weights = sp.csr_matrix((vals, (rows, cols)), shape=(n, n), dtype=float)
    weights.sum_duplicates()
    return KeyFactorModel(ids, names, weights, left_out)


def _causal_links(
    m: SystemMap,
) -> tuple[list[str], list[str], tuple[list[int], list[int], list[float]], list[str]]:
    """The factors (ids, names), each weighted causal link between two of them as
    (from, to, weight) columns by position, and the links left out (no weight)."""
    if not m.factors:
        raise BadArgument(
            f"the map '{m.id}' has no factors — a what-if scenario needs a key-factor model "
            "(add factors and causal links with kind: influences and a polarity)",
            argument="map",
        )
    ids = [f.id for f in m.factors]
    pos = {f: i for i, f in enumerate(ids)}
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    left_out: list[str] = []
    for r in m.relationships:
        if r.source not in pos or r.target not in pos or not counts(r, m):
            continue
        w = link_weight(r)
        if w is None:
            left_out.append(r.id or f"{r.source} → {r.target}")
            continue
        pairs = [(r.source, r.target)]
        if r.direction == "mutual":
            pairs.append((r.target, r.source))
        for a, b in pairs:
            rows.append(pos[a])
            cols.append(pos[b])
            vals.append(w)
    return ids, [f.name for f in m.factors], (rows, cols, vals), left_out


def _squash(x: np.ndarray, s: Settings) -> np.ndarray:
    if s.squashing == "sigmoid":
        out: np.ndarray = 1.0 / (1.0 + np.exp(-s.lam * x))
    elif s.squashing == "tanh":
        out = np.tanh(s.lam * x)
    elif s.squashing == "bivalent":
        out = (x > 0).astype(float)
    else:
        out = np.sign(x).astype(float)
    return out


@dataclass
class Run:
    """One inference run: the final state, how it ended, and (optionally) every step."""

    state: np.ndarray
    steps: int
    outcome: Literal["settled", "step limit", "oscillates"]
    period: int | None = None
    history: list[np.ndarray] | None = None

    def describe(self) -> str:
        """'settled after 12 steps', 'hit the step limit (100 steps)', 'oscillates (period 2)'."""
        if self.outcome == "settled":
            return f"settled after {self.steps} step{'s' if self.steps != 1 else ''}"
        if self.outcome == "oscillates":
            return f"oscillates (period {self.period})"
        return f"hit the step limit ({self.steps} steps) without settling"


def _period(recent: list[np.ndarray], tol: float) -> int | None:
    """The shortest k ≥ 2 with the state k steps back equal, for the last two steps."""
    last = len(recent) - 1
    for k in range(2, min(_PERIODS, last - 1) + 1):
        if (
            np.max(np.abs(recent[last] - recent[last - k]), initial=0.0) <= tol
            and np.max(np.abs(recent[last - 1] - recent[last - 1 - k]), initial=0.0) <= tol
        ):
            return k
    return None


def infer(
    model: KeyFactorModel,
    hold: Mapping[int, float] | None = None,
    settings: Settings | None = None,
    *,
    keep_history: bool = False,
) -> Run:
    """Run the inference from the starting state with factors held (by position).

    One step is one sparse matrix-vector product over the whole model.

    Example
    -------
    >>> import scipy.sparse as sp
    >>> w = sp.csr_matrix([[0.0, 1.0], [0.0, 0.0]])   # a → b, weight 1
    >>> model = KeyFactorModel(["a", "b"], ["A", "B"], w)
    >>> run = infer(model, {0: 1.0}, Settings(rule="kosko"))
    >>> run.describe(), [round(float(v), 3) for v in run.state]
    ('settled after 2 steps', [1.0, 0.731])
    """
    s = settings or Settings()
    hold = dict(hold or {})
    n = len(model.ids)
    held = np.fromiter(hold.keys(), dtype=np.int64, count=len(hold))
    values = np.fromiter(hold.values(), dtype=float, count=len(hold))
    wt = model.weights.T.tocsr()  # x_i = Σ_j A_j W[j, i]
    a = np.full(n, s.start, dtype=float)
    a[held] = values
    history = [a.copy()] if keep_history else None
    recent = [a]
    for step in range(1, s.max_steps + 1):
        base = 2 * a - 1 if s.rule == "rescaled" else a
        x = wt @ base
        if s.rule != "kosko":
            x = x + base
        nxt = _squash(x, s)
        nxt[held] = values
        moved = float(np.max(np.abs(nxt - a), initial=0.0))
        a = nxt
        if history is not None:
            history.append(a.copy())
        recent.append(a)
        if len(recent) > 2 * _PERIODS + 2:
            recent.pop(0)
        if moved <= s.tolerance:
            return Run(a, step, "settled", history=history)
    period = _period(recent, s.tolerance)
    if period is not None:
        return Run(a, s.max_steps, "oscillates", period, history)
    return Run(a, s.max_steps, "step limit", history=history)


@dataclass
class FactorChange:
    """One factor's value in the baseline and the scenario, and the change."""

    id: str
    name: str
    baseline: float
    scenario: float
    held: bool

    @property
    def change(self) -> float:
        return self.scenario - self.baseline

    @property
    def direction(self) -> str:
        """'rises', 'falls' or 'no change' (a change under 0.005 either way)."""
        if self.change >= NO_CHANGE:
            return "rises"
        if self.change <= -NO_CHANGE:
            return "falls"
        return "no change"

    def describe(self) -> str:
        """'Time to housing: −0.42 (falls)'; a held factor says so."""
        held = ", held" if self.held else ""
        return f"{self.name}: {_signed(self.change)} ({self.direction}{held})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "baseline": self.baseline,
            "scenario": self.scenario,
            "change": self.change,
            "direction": self.direction,
            "held": self.held,
        }


@dataclass
class WhatIfResult(Rendered):
    """The answer to one scenario: every factor's change, largest first.

    :meth:`to_dict` gives the JSON: ``analysis`` (``"whatif"``), ``map``,
    ``scenario`` (id or ``null``), ``name``, ``note``, ``hold`` (factor id →
    value), ``settings``, ``baseline`` and ``run`` (``outcome``: settled, step
    limit or oscillates; ``steps``; ``period``; ``text``), ``changes`` (one
    entry per factor, largest change first, ``null`` when a run did not
    settle), ``left_out`` and ``findings``.
    """

    name: ClassVar[str] = "whatif"

    map_id: str
    title: str
    hold: dict[str, float]
    settings: Settings
    baseline: Run
    run: Run
    changes: list[FactorChange]
    left_out: list[str]
    scenario_id: str | None = None
    note: str | None = None
    links: int = 0

    @property
    def settled(self) -> bool:
        """Whether both runs settled, so that the changes mean something."""
        return self.baseline.outcome == "settled" and self.run.outcome == "settled"

    def _held_names(self) -> str:
        by_id = {c.id: c for c in self.changes}
        return ", ".join(f"{by_id[f].name} = {v:g}" for f, v in self.hold.items())

    def findings(self) -> list[Finding]:
        """Headlines: how the runs ended, then the largest rise and fall."""
        out: list[Finding] = []
        if not self.settled:
            out.append(
                Finding(
                    f"No numbers: the baseline {self.baseline.describe()}, the scenario "
                    f"{self.run.describe()}",
                    self.name,
                    3,
                )
            )
            return out
        free = [c for c in self.changes if not c.held and c.direction != "no change"]
        for word in ("rises", "falls"):
            moved = [c for c in free if c.direction == word]
            if moved:
                out.append(Finding(moved[0].describe(), self.name, 3, [moved[0].id]))
        if not free:
            out.append(Finding("No other factor changes", self.name, 2))
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "analysis": self.name,
            "map": self.map_id,
            "scenario": self.scenario_id,
            "title": self.title,
            "note": self.note,
            "hold": dict(self.hold),
            "settings": self.settings.to_dict(),
            "baseline": _run_dict(self.baseline),
            "run": _run_dict(self.run),
            "changes": [c.to_dict() for c in self.changes] if self.settled else None,
            "left_out": list(self.left_out),
            "findings": [f.to_dict() for f in self.findings()],
        }

    def _head(self) -> list[str]:
        s = self.settings
        lines = [f"Held: {self._held_names()}"]
        if self.note:
            lines.append(f"Note: {self.note}")
        lines.append(
            f"Model: {len(self.changes)} factors, {self.links} causal links; {s.squashing} "
            f"squashing, {s.rule} rule, λ = {s.lam:g}, start {s.start:g}"
        )
        lines.append(f"Baseline {self.baseline.describe()}; scenario {self.run.describe()}.")
        if self.left_out:
            lines.append(
                f"Left out (no polarity or weight): {', '.join(self.left_out[:5])}"
                + (" …" if len(self.left_out) > 5 else "")
            )
        return lines

    def _rows(self) -> list[list[Any]]:
        return [
            [c.name, f"{c.baseline:.2f}", f"{c.scenario:.2f}", _signed(c.change), c.direction]
            + (["held"] if c.held else [""])
            for c in self.changes
        ]

    def blocks(self) -> list[Block]:
        """What was held and how the runs ended, then every factor's change."""
        title = f"What if: {self.title}" + (f" ({self.scenario_id})" if self.scenario_id else "")
        out: list[Block] = [Heading(title, 2), Lines(self._head())]
        if not self.settled:
            out.append(
                Note("No changes are shown: a run that does not settle has no single answer.")
            )
            return out
        moved = [c.describe() for c in self.changes if c.direction != "no change"]
        if moved:
            out += [Heading("What moves", 3), Bullets(list(moved))]
        headers = ["factor", "baseline", "scenario", "change", "direction", ""]
        return [*out, Table(headers, self._rows()), Para(NOT_A_FORECAST)]


#: What the numbers of a what-if are, said under every table of them.
NOT_A_FORECAST = "Direction and relative size, not a forecast."


def _signed(x: float) -> str:
    """'+0.27', '−0.42'; a change that rounds to zero is '+0.00' (never '−0.00')."""
    return f"{'+' if round(x, 2) >= 0 else '−'}{abs(x):.2f}"


def _run_dict(run: Run) -> dict[str, Any]:
    return {
        "outcome": run.outcome,
        "steps": run.steps,
        "period": run.period,
        "text": run.describe(),
    }


def _scenario(m: SystemMap, name: str) -> tuple[str, str | None, dict[str, float], str | None]:
    folded = name.strip().casefold()
    for sc in m.scenarios:
        if sc.id == name or (sc.name or "").casefold() == folded:
            return sc.id, sc.name, dict(sc.hold), sc.note
    known = ", ".join(sc.id for sc in m.scenarios) or "none (add them under scenarios:)"
    raise BadArgument(
        f"the map '{m.id}' has no scenario '{name}' — its scenarios: {known}", argument="scenario"
    )


def _held(
    m: SystemMap, kfm: KeyFactorModel, hold: Mapping[str, float] | None, scenario: str | None
) -> tuple[str | None, str | None, dict[str, float], str | None]:
    """The scenario's id, name, held values (``hold`` added to the scenario's) and note."""
    sid, name, note = None, None, None
    wanted: dict[str, float] = {}
    if scenario is not None:
        sid, name, wanted, note = _scenario(m, scenario)
    wanted.update(hold or {})
    if not wanted:
        raise BadArgument(
            "nothing is held — name at least one factor and its value (e.g. "
            f"{kfm.ids[0]}=1) or a scenario declared in the map",
            argument="hold",
        )
    return sid, name, wanted, note


def _positions(kfm: KeyFactorModel, wanted: Mapping[str, float], s: Settings) -> dict[int, float]:
    """Held factors by position, each value checked against the squashing's range."""
    by_pos: dict[int, float] = {}
    for factor, value in wanted.items():
        i = kfm.index(factor)
        s.check_value(value, f"the value for {kfm.names[i]}")
        by_pos[i] = float(value)
    return by_pos


def whatif(
    m: SystemMap,
    hold: Mapping[str, float] | None = None,
    *,
    scenario: str | None = None,
    settings: Settings | None = None,
    model: KeyFactorModel | None = None,
) -> WhatIfResult:
    """What happens to every factor when some are held at chosen values?

    Parameters
    ----------
    m : SystemMap
        The map; its factors and causal links are the key-factor model.
    hold : mapping of str to float, optional
        Factor id (or name) → the value it is held at.
    scenario : str, optional
        A scenario declared in the map (id or name); ``hold`` adds to or
        overrides its values.
    settings : Settings, optional
        Squashing, rule, λ, step limit, tolerance and start value.
    model : KeyFactorModel, optional
        A model already built with :func:`key_factor_model` (saves time when
        running many scenarios).

    Returns
    -------
    WhatIfResult
        Every factor's baseline, scenario value and change, largest change
        first, and how each run ended.

    Raises
    ------
    BadArgument
        An unknown factor or scenario, a value outside the squashing's range,
        nothing held, or a map with no factors.

    Example
    -------
    >>> import sysmap
    >>> from sysmap.examples import examples_folder
    >>> m = sysmap.load_map(examples_folder() / "homelessness-redesign.yaml")
    >>> r = whatif(m, {"f-landlord-participation": 1})
    >>> r.run.describe()
    'settled after 10 steps'
    >>> print(r.changes[1].describe())
    Available affordable units: +0.15 (rises)
    """
    s = settings or Settings()
    kfm = model or key_factor_model(m)
    sid, name, wanted, note = _held(m, kfm, hold, scenario)
    by_pos = _positions(kfm, wanted, s)
    base = infer(kfm, None, s)
    run = infer(kfm, by_pos, s)
    changes = [
        FactorChange(f, kfm.names[i], float(base.state[i]), float(run.state[i]), i in by_pos)
        for i, f in enumerate(kfm.ids)
    ]
    changes.sort(key=lambda c: (-abs(c.change), c.name))
    return WhatIfResult(
        map_id=m.id,
        title=name or sid or "factors held",
        hold={kfm.ids[i]: v for i, v in by_pos.items()},
        settings=s,
        baseline=base,
        run=run,
        changes=changes,
        left_out=kfm.left_out,
        scenario_id=sid,
        note=note,
        links=kfm.links,
    )


@dataclass
class ScenarioTable(Rendered):
    """Every declared scenario side by side: one column of changes per scenario.

    :meth:`to_dict` gives ``analysis`` (``"whatif-all"``), ``map`` and
    ``by_map`` (columns are maps, not scenarios) and ``scenarios`` (each a
    :meth:`WhatIfResult.to_dict`).
    """

    name: ClassVar[str] = "whatif-all"

    map_id: str
    results: list[WhatIfResult]
    by_map: bool = False

    def _label(self, r: WhatIfResult) -> str:
        return r.map_id if self.by_map else (r.scenario_id or r.title)

    @property
    def heading(self) -> str:
        """'Scenarios on riverton-current' or 'Landlords join … on A and B'."""
        if self.by_map and self.results:
            return f"{self.results[0].title} on " + " and ".join(r.map_id for r in self.results)
        return f"Scenarios on {self.map_id}"

    def findings(self) -> list[Finding]:
        out: list[Finding] = []
        for r in self.results:
            out += [
                Finding(f"{r.title}: {f.text}", self.name, f.importance, f.subjects)
                for f in r.findings()[:1]
            ]
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "analysis": self.name,
            "map": self.map_id,
            "by_map": self.by_map,
            "scenarios": [r.to_dict() for r in self.results],
        }

    def _table(self) -> tuple[list[str], list[list[Any]]]:
        names: dict[str, str] = {}
        for r in self.results:
            names |= {c.id: c.name for c in r.changes if c.id not in names}
        headers = ["factor"] + [self._label(r) for r in self.results]
        by_id = [{c.id: c for c in r.changes} for r in self.results]
        rows = []
        for f, name in names.items():
            row: list[Any] = [name]
            for r, cs in zip(self.results, by_id, strict=True):
                c = cs.get(f)
                if c is None:
                    row.append("not in map")
                else:
                    row.append(
                        _signed(c.change) + (" held" if c.held else "") if r.settled else "—"
                    )
            rows.append(row)
        return headers, rows

    def _lines(self) -> list[str]:
        return [
            f"{self._label(r)}: {r.title} — held {r._held_names()}; {r.run.describe()}"
            for r in self.results
        ]

    def blocks(self) -> list[Block]:
        """Each column's scenario and how it ended, then the changes side by side."""
        if not self.results:
            return [Para(f"The map '{self.map_id}' declares no scenarios.")]
        headers, rows = self._table()
        return [
            Heading(f"{self.heading}: change from the baseline", 2),
            Lines(self._lines()),
            Table(headers, rows),
            Para(NOT_A_FORECAST),
        ]


def whatif_all(m: SystemMap, *, settings: Settings | None = None) -> ScenarioTable:
    """Run every scenario the map declares and set them side by side.

    Example
    -------
    >>> import sysmap
    >>> from sysmap.examples import examples_folder
    >>> table = whatif_all(sysmap.load_map(examples_folder() / "homelessness-redesign.yaml"))
    >>> [r.scenario_id for r in table.results]
    ['landlords-join', 'trusted-outreach']
    """
    if not m.scenarios:
        return ScenarioTable(m.id, [])
    kfm = key_factor_model(m)
    return ScenarioTable(
        m.id, [whatif(m, scenario=sc.id, settings=settings, model=kfm) for sc in m.scenarios]
    )


def whatif_maps(
    maps: Sequence[SystemMap],
    hold: Mapping[str, float] | None = None,
    *,
    scenario: str | None = None,
    settings: Settings | None = None,
) -> ScenarioTable:
    """The same scenario on several maps (e.g. the current map and the redesign), side by side.

    The scenario is looked up in each map by its id or name; factors are
    matched by id.

    Example
    -------
    >>> import sysmap
    >>> from sysmap.examples import examples_folder
    >>> maps = [
    ...     sysmap.load_map(examples_folder() / f"homelessness-{x}.yaml")
    ...     for x in ("current", "redesign")
    ... ]
    >>> table = whatif_maps(maps, scenario="landlords-join")
    >>> [r.map_id for r in table.results]
    ['riverton-current', 'riverton-redesign']
    """
    if not maps:
        raise BadArgument("no maps given — name at least one map", argument="maps")
    results = [whatif(m, hold, scenario=scenario, settings=settings) for m in maps]
    return ScenarioTable(maps[0].id, results, by_map=True)


def scenario_panel_data(m: SystemMap, settings: Settings | None = None) -> dict[str, Any] | None:
    """What the HTML map's scenario panel needs to run the same inference in the browser.

    ``factors`` (``id``, ``name``), ``links`` (``[from, to, weight]`` by factor
    position), ``settings`` (as :meth:`Settings.to_dict`, plus ``range``) and
    the declared ``scenarios``; ``None`` for a map without factors.

    Example
    -------
    >>> import sysmap
    >>> from sysmap.examples import examples_folder
    >>> data = scenario_panel_data(sysmap.load_map(examples_folder() / "homelessness-current.yaml"))
    >>> len(data["factors"]), len(data["links"]), data["settings"]["range"]
    (7, 11, [0.0, 1.0])
    """
    if not m.factors:
        return None
    s = settings or Settings()
    ids, names, (rows, cols, vals), _ = _causal_links(m)
    # each link once, parallel ones summed, by position: the model's matrix entries
    # (key_factor_model), without building the matrix
    summed: dict[tuple[int, int], float] = {}
    for a, b, w in zip(rows, cols, vals, strict=True):
        summed[(a, b)] = summed.get((a, b), 0.0) + w
    return {
        "factors": [{"id": f, "name": name} for f, name in zip(ids, names, strict=True)],
        "links": [[a, b, w] for (a, b), w in sorted(summed.items())],
        "settings": {**s.to_dict(), "range": list(SQUASHING[s.squashing])},
        "scenarios": [
            {"id": sc.id, "name": sc.name, "hold": dict(sc.hold), "note": sc.note}
            for sc in m.scenarios
        ],
    }
