"""Cross-checks for the what-if inference.

1. An independent implementation: plain dense numpy, one formula per rule,
   written here from the textbook definitions (not from sysmap's code), run on
   published causal loop models and on random weighted models; sysmap's
   sparse implementation must give the same states.
2. The system archetypes (Senge, *The Fifth Discipline*, 1990, appendix 2):
   each factor's direction in a scenario must agree with the sign of every
   causal path from the held factor (where all paths agree), and the loops
   analysis must find the reinforcing and balancing loops each archetype is
   made of.

No existing FCM package is compared: fcmpy pins pandas 1.3.3, which has no
wheel for this Python and would downgrade the project's pandas.
"""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from sysmap.analysis import loops
from sysmap.model import Factor, FeedbackLoop, Relationship, SystemMap
from sysmap.whatif import KeyFactorModel, Settings, infer, key_factor_model, whatif


def reference(
    w: np.ndarray,
    held: dict[int, float],
    squashing: str,
    rule: str,
    lam: float,
    start: float,
    steps: int,
    tol: float,
) -> tuple[np.ndarray, int]:
    """Fuzzy-cognitive-map inference, dense and plain; returns (state, steps used)."""
    n = w.shape[0]
    a = np.full(n, start)
    for i, v in held.items():
        a[i] = v
    for t in range(1, steps + 1):
        if rule == "kosko":
            x = a @ w
        elif rule == "modified-kosko":
            x = a @ w + a
        else:  # rescaled
            x = (2 * a - 1) @ w + (2 * a - 1)
        if squashing == "sigmoid":
            new = 1 / (1 + np.exp(-lam * x))
        elif squashing == "tanh":
            new = np.tanh(lam * x)
        elif squashing == "bivalent":
            new = np.where(x > 0, 1.0, 0.0)
        else:
            new = np.where(x > 0, 1.0, np.where(x < 0, -1.0, 0.0))
        for i, v in held.items():
            new[i] = v
        done = np.abs(new - a).max() <= tol
        a = new
        if done:
            return a, t
    return a, steps


def causal_map(name: str, links: list[tuple[str, str, str]], **extra: object) -> SystemMap:
    """A map of factors from (from, to, polarity) triples."""
    factors = sorted({x for a, b, _ in links for x in (a, b)})
    return SystemMap(
        id=name,
        title=name,
        guiding_question="What moves?",
        factors=[Factor(id=f, name=f) for f in factors],
        relationships=[
            Relationship(source=a, target=b, kind="influences", polarity=p)  # type: ignore[arg-type]
            for a, b, p in links
        ],
        **extra,  # type: ignore[arg-type]
    )


# Published causal loop diagrams (link signs as printed).
TEXTBOOK = {
    # Sterman, Business Dynamics (2000), ch. 1: chickens and eggs, and road crossings
    "chicken-egg": [
        ("chickens", "eggs", "+"),
        ("eggs", "chickens", "+"),
        ("chickens", "road-crossings", "+"),
        ("road-crossings", "chickens", "-"),
    ],
    # Sterman, ch. 5: population with births and deaths
    "population": [
        ("births", "population", "+"),
        ("population", "births", "+"),
        ("population", "deaths", "+"),
        ("deaths", "population", "-"),
        ("fractional-birth-rate", "births", "+"),
        ("average-lifetime", "deaths", "-"),
    ],
    # Meadows, Thinking in Systems (2008): a thermostat-heated room
    "thermostat": [
        ("thermostat-setting", "discrepancy", "+"),
        ("room-temperature", "discrepancy", "-"),
        ("discrepancy", "heat-from-furnace", "+"),
        ("heat-from-furnace", "room-temperature", "+"),
        ("room-temperature", "heat-loss", "+"),
        ("outside-temperature", "heat-loss", "-"),
        ("heat-loss", "room-temperature", "-"),
    ],
}

SETTINGS = [
    Settings(squashing, rule, lam)  # type: ignore[arg-type]
    for squashing, rule, lam in itertools.product(
        ("sigmoid", "tanh", "bivalent", "trivalent"),
        ("kosko", "modified-kosko", "rescaled"),
        (1.0, 2.5),
    )
]


def check_against_reference(kfm: KeyFactorModel, held: dict[int, float], s: Settings) -> None:
    w = kfm.weights.toarray()
    expected, used = reference(
        w, held, s.squashing, s.rule, s.lam, s.start, s.max_steps, s.tolerance
    )
    run = infer(kfm, held, s)
    np.testing.assert_allclose(run.state, expected, rtol=0, atol=1e-12)
    assert run.steps == used


@pytest.mark.parametrize("name", sorted(TEXTBOOK))
@pytest.mark.parametrize("s", SETTINGS, ids=lambda s: f"{s.squashing}-{s.rule}-{s.lam}")
def test_textbook_models_match_the_reference(name: str, s: Settings) -> None:
    kfm = key_factor_model(causal_map(name, TEXTBOOK[name]))
    high = 1.0
    for i in range(len(kfm.ids)):
        check_against_reference(kfm, {i: high}, s)
    check_against_reference(kfm, {}, s)


@pytest.mark.parametrize("seed", range(8))
def test_random_weighted_models_match_the_reference(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 40
    dense = rng.uniform(-1, 1, (n, n)) * (rng.random((n, n)) < 0.08)
    np.fill_diagonal(dense, 0)
    kfm = KeyFactorModel(
        [f"f{i}" for i in range(n)], [f"F{i}" for i in range(n)], sp.csr_matrix(dense)
    )
    held = {int(i): float(rng.choice([0.0, 1.0])) for i in rng.choice(n, 3, replace=False)}
    for s in SETTINGS[::3]:
        check_against_reference(kfm, held, s)


def test_explicit_weights_reach_the_matrix() -> None:
    m = causal_map("w", [("a", "b", "+"), ("b", "c", "-")])
    m.relationships[0].weight = 0.3
    m.relationships[1].strength = 2
    assert key_factor_model(m).weights.toarray().tolist() == [
        [0, 0.3, 0],
        [0, 0, -0.4],
        [0, 0, 0],
    ]


# ------------------------------------------------------------------ archetypes

ARCHETYPES = {
    "limits-to-growth": (
        [
            ("growing-action", "performance", "+"),
            ("performance", "growing-action", "+"),
            ("performance", "slowing-action", "+"),
            ("slowing-action", "performance", "-"),
        ],
        {"reinforcing": 1, "balancing": 1},
        "growing-action",
    ),
    "shifting-the-burden": (
        [
            ("symptom", "symptomatic-solution", "+"),
            ("symptomatic-solution", "symptom", "-"),
            ("symptom", "fundamental-solution", "+"),
            ("fundamental-solution", "symptom", "-"),
            ("symptomatic-solution", "side-effect", "+"),
            ("side-effect", "fundamental-solution", "-"),
        ],
        {"reinforcing": 1, "balancing": 2},
        "symptomatic-solution",
    ),
    "fixes-that-fail": (
        [
            ("problem", "fix", "+"),
            ("fix", "problem", "-"),
            ("fix", "unintended-consequence", "+"),
            ("unintended-consequence", "problem", "+"),
        ],
        {"reinforcing": 1, "balancing": 1},
        "fix",
    ),
    "tragedy-of-the-commons": (
        [
            ("a-activity", "a-gain", "+"),
            ("a-gain", "a-activity", "+"),
            ("b-activity", "b-gain", "+"),
            ("b-gain", "b-activity", "+"),
            ("a-activity", "total-activity", "+"),
            ("b-activity", "total-activity", "+"),
            ("total-activity", "gain-per-activity", "-"),
            ("gain-per-activity", "a-gain", "+"),
            ("gain-per-activity", "b-gain", "+"),
        ],
        {"reinforcing": 2, "balancing": 2},
        "a-activity",
    ),
}


def path_signs(links: list[tuple[str, str, str]], start: str) -> dict[str, set[int]]:
    """For each factor, the signs of every simple causal path from ``start``."""
    g = nx.DiGraph()
    for a, b, p in links:
        g.add_edge(a, b, sign=1 if p == "+" else -1)
    out: dict[str, set[int]] = {}
    for target in g.nodes:
        if target == start:
            continue
        for path in nx.all_simple_paths(g, start, target):
            sign = int(np.prod([g.edges[u, v]["sign"] for u, v in itertools.pairwise(path)]))
            out.setdefault(target, set()).add(sign)
    return out


@pytest.mark.parametrize("name", sorted(ARCHETYPES))
def test_archetype_loops_have_the_textbook_polarities(name: str) -> None:
    links, expected, _ = ARCHETYPES[name]
    found = loops(causal_map(name, links)).cycles
    types = [c.type for c in found]
    assert {t: types.count(t) for t in set(types)} == expected


@pytest.mark.parametrize("name", sorted(ARCHETYPES))
@pytest.mark.parametrize("squashing", ["sigmoid", "tanh"])
def test_archetype_directions_follow_the_path_signs(name: str, squashing: str) -> None:
    links, _, push = ARCHETYPES[name]
    m = causal_map(name, links)
    r = whatif(m, {push: 1.0}, settings=Settings(squashing))  # type: ignore[arg-type]
    assert r.settled
    changes = {c.id: c for c in r.changes}
    pushed = 1 if changes[push].change > 0 else -1
    checked = 0
    for factor, signs in path_signs(links, push).items():
        if len(signs) == 1:
            # the sign of the change, however small (far factors move little)
            assert changes[factor].change * signs.pop() * pushed > 0, factor
            checked += 1
    assert checked >= 1


def test_declared_archetype_loop_types_agree() -> None:
    links, _, _ = ARCHETYPES["fixes-that-fail"]
    m = causal_map(
        "ftf",
        links,
        loops=[
            FeedbackLoop(id="b", name="fix", path=["problem", "fix", "problem"], type="balancing"),
            FeedbackLoop(
                id="r",
                name="fail",
                path=["problem", "fix", "unintended-consequence", "problem"],
                type="reinforcing",
            ),
        ],
    )
    assert all(d.type_matches for d in loops(m).declared)
