"""The influence (MICMAC) analysis: every figure checked by hand on a small map written here."""

from __future__ import annotations

import json
import random
import tracemalloc

import numpy as np
import pytest

import sysmap
from helpers import EXAMPLES
from sysmap.analysis._base import AnalysisResult
from sysmap.analysis._influence import QUADRANTS, InfluenceResult, influence
from sysmap.errors import SysmapError
from sysmap.model import SystemMap

# Three stakeholders and two factors; elements in map order A, B, C, F1, F2.
# Relationships marked (x) do not count in a current map. The working ties, with
# their weights (strength; 1 when none is recorded):
#
#   A → B 2,  A → F1 1,  B → C 3 (two relationships, 3 and 1: the strongest),
#   C → B 1,  F1 → F2 2,  F2 → C 4
MAP = """\
id: influence-test
title: Influence test
guiding_question: What drives time to housing?
stakeholders:
  - {id: A, name: City council, role: leader}
  - {id: B, name: Outreach, role: provider}
  - {id: C, name: Tenants, role: beneficiary}
factors:
  - {id: F1, name: Housing stock}
  - {id: F2, name: Time to housing}
relationships:
  - {from: A, to: B, kind: funds, strength: 2}
  - {from: A, to: F1, kind: influences, strength: 1, polarity: '+'}
  - {from: B, to: C, kind: serves, strength: 3}
  - {from: B, to: C, kind: informs, strength: 1}
  - {from: C, to: B, kind: feedback}
  - {from: F1, to: F2, kind: influences, strength: 2, polarity: '-'}
  - {from: F2, to: C, kind: influences, strength: 4, polarity: '+'}
  # (x) broken: never counts
  - {from: F1, to: A, kind: influences, strength: 5, polarity: '+', status: broken}
  # (x) proposed: counts only in a redesign
  - {from: C, to: A, kind: feedback, strength: 5, status: proposed}
"""

#     M (row → column)   A  B  C  F1 F2
#     A                  .  2  .  1  .
#     B                  .  .  3  .  .
#     C                  .  1  .  .  .
#     F1                 .  .  .  .  2
#     F2                 .  .  4  .  .


@pytest.fixture(scope="module")
def m() -> SystemMap:
    return sysmap.loads_map(MAP)


@pytest.fixture(scope="module")
def result(m) -> InfluenceResult:
    return influence(m)


def col(result: InfluenceResult, key: str) -> dict:
    return {e["id"]: e[key] for e in result.elements}


def test_result_follows_the_analysis_protocol(result):
    assert isinstance(result, AnalysisResult)
    assert result.name == "influence"


def test_direct_influence_and_dependence(result):
    # row sums:    A 2+1 = 3, B 3, C 1, F1 2, F2 4            (total 13, mean 2.6)
    # column sums: A 0, B 2+1 = 3, C 3+4 = 7, F1 1, F2 2      (total 13, mean 2.6)
    assert col(result, "direct_influence") == {"A": 3, "B": 3, "C": 1, "F1": 2, "F2": 4}
    assert col(result, "direct_dependence") == {"A": 0, "B": 3, "C": 7, "F1": 1, "F2": 2}
    # above the mean 2.6?  A (3, 0) driver;  B (3, 3) linkage;  C (1, 7) dependent;
    #                      F1 (2, 1) autonomous;  F2 (4, 2) driver
    assert col(result, "direct_quadrant") == {
        "A": "driver", "B": "linkage", "C": "dependent", "F1": "autonomous", "F2": "driver",
    }  # fmt: skip


def test_indirect_influence_by_hand(result):
    # x1 = M·1  = [3, 3, 1, 2, 4]
    # x2 = M·x1 = [2·3 + 1·2, 3·1, 1·3, 2·4, 4·1]   = [8, 3, 3, 8, 4]
    # x3 = M·x2 = [2·3 + 1·8, 3·3, 1·3, 2·4, 4·3]   = [14, 9, 3, 8, 12]
    # sum       = [25, 15, 7, 18, 20]  (total 85, mean 17) → ÷ 17
    got = col(result, "influence")
    assert got == pytest.approx(
        {"A": 25 / 17, "B": 15 / 17, "C": 7 / 17, "F1": 18 / 17, "F2": 20 / 17}, abs=1e-6
    )


def test_indirect_dependence_by_hand(result):
    # y1 = Mᵀ·1  = [0, 3, 7, 1, 2]
    # y2 = Mᵀ·y1 = [0, 2·0 + 1·7, 3·3 + 4·2, 1·0, 2·1]   = [0, 7, 17, 0, 2]
    # y3 = Mᵀ·y2 = [0, 2·0 + 1·17, 3·7 + 4·2, 1·0, 2·0]  = [0, 17, 29, 0, 0]
    # sum        = [0, 27, 53, 1, 4]  (total 85 — the same as for influence; mean 17) → ÷ 17
    got = col(result, "dependence")
    assert got == pytest.approx(
        {"A": 0, "B": 27 / 17, "C": 53 / 17, "F1": 1 / 17, "F2": 4 / 17}, abs=1e-6
    )


def test_quadrants(result):
    # above 1 (the mean)?  A (1.47, 0) driver;  B (0.88, 1.59) dependent;
    # C (0.41, 3.12) dependent;  F1 (1.06, 0.06) driver;  F2 (1.18, 0.24) driver
    assert col(result, "quadrant") == {
        "A": "driver", "B": "dependent", "C": "dependent", "F1": "driver", "F2": "driver",
    }  # fmt: skip
    assert result.quadrants == {"driver": 3, "linkage": 0, "dependent": 2, "autonomous": 0}
    assert [e["id"] for e in result.members("driver")] == ["A", "F2", "F1"]
    assert [e["id"] for e in result.members("dependent")] == ["C", "B"]  # by dependence


def test_findings_exact_text(result):
    got = [(f.importance, f.text, f.subjects) for f in result.findings()]
    assert got == [
        (3, "3 elements drive the system (high influence, low dependence through chains of "
            "up to 3 steps): City council, Time to housing and Housing stock",
            ["A", "F2", "F1"]),
        # leverage = influence − dependence: A 25/17 − 0 = 1.47, F1 (18 − 1)/17 = 1,
        # F2 (20 − 4)/17 = 0.94; B (15 − 27)/17 and C (7 − 53)/17 are below 0
        (2, "The most leverage (leverage = influence − dependence, through chains of up to 3 "
            "steps): City council 1.47, Housing stock 1, Time to housing 0.94",
            ["A", "F1", "F2"]),
        (2, "Counting chains of up to 3 steps moves 1 element into another quadrant: "
            "Housing stock (autonomous → driver)", ["F1"]),
        (1, "No element is a linkage element (high influence, high dependence)", []),
        (1, "Most dependent (low influence, high dependence): Tenants and Outreach",
            ["C", "B"]),
    ]  # fmt: skip
    assert all(f.analysis == "influence" for f in result.findings())


def test_depth_one_is_the_direct_picture(m):
    # x1 = [3, 3, 1, 2, 4] ÷ 2.6; y1 = [0, 3, 7, 1, 2] ÷ 2.6: the direct quadrants
    r = influence(m, depth=1)
    assert col(r, "influence") == pytest.approx(
        {"A": 3 / 2.6, "B": 3 / 2.6, "C": 1 / 2.6, "F1": 2 / 2.6, "F2": 4 / 2.6}, abs=1e-6
    )
    assert col(r, "quadrant") == col(r, "direct_quadrant")
    texts = [f.text for f in r.findings()]
    assert texts == [
        "2 elements drive the system (high influence, low dependence directly): "
        "Time to housing and City council",
        "1 linkage element (high influence, high dependence): changes there ripple back — Outreach",
        # (x1 − y1) / 2.6: A 3/2.6, F2 2/2.6, F1 1/2.6; B 0 is no leverage
        "The most leverage (leverage = influence − dependence, directly): City council 1.15, "
        "Time to housing 0.77, Housing stock 0.38",
        "Most dependent (low influence, high dependence): Tenants",
    ]


def test_proposed_relationships_count_when_asked(m):
    # + C → A 5: A now depends on C, so it is no longer a pure driver
    r = influence(m, include_proposed=True)
    assert r.include_proposed is True
    assert r.counts["ties"] == 7
    assert col(r, "direct_dependence")["A"] == 5
    assert influence(m).counts == {"elements": 5, "stakeholders": 3, "factors": 2, "ties": 6}


def test_bad_depth(m):
    for depth in (0, -1, 21, 2.5, True):
        with pytest.raises(SysmapError, match="depth must be a whole number from 1 to 20"):
            influence(m, depth=depth)


def test_no_relationships():
    m = SystemMap(
        id="t",
        title="T",
        guiding_question="Q?",
        factors=[{"id": "f", "name": "Housing stock"}],
    )
    r = influence(m)
    assert [f.text for f in r.findings()] == [
        "No element acts on another: the map has no working relationships"
    ]
    assert r.elements[0]["quadrant"] == "autonomous" and r.elements[0]["influence"] == 0
    empty = influence(SystemMap(id="e", title="E", guiding_question="Q?"))
    assert [f.text for f in empty.findings()] == ["The map has no stakeholders or factors yet"]
    json.dumps(empty.to_dict())


def test_to_dict_is_json_with_stable_keys(result):
    data = result.to_dict()
    assert list(data) == [
        "analysis", "findings", "depth", "include_proposed", "counts", "quadrants", "elements",
    ]  # fmt: skip
    assert list(data["elements"][0]) == [
        "id", "name", "element", "role", "direct_influence", "direct_dependence",
        "influence", "dependence", "leverage", "direct_quadrant", "quadrant",
    ]  # fmt: skip
    assert list(data["quadrants"]) == list(QUADRANTS)
    assert data["elements"][3]["element"] == "factor" and data["elements"][3]["role"] == "factor"
    assert json.loads(json.dumps(data)) == data


def test_text_and_markdown_hold_the_key_figures(result):
    text, md = result.format_text(), result.format_markdown()
    for out in (text, md):
        assert "3 elements drive the system" in out
        assert "Quadrants: driver 3, linkage 0, dependent 2, autonomous 0" in out
        assert "Elements: 5 (3 stakeholders, 2 factors); ties: 6; chains of up to 3 steps" in out
    line = next(x for x in text.splitlines() if x.startswith("City council "))
    # influence 25/17, dependence 0, leverage 25/17, direct 3 and 0
    assert line.split() == ["City", "council", "leader", "driver", "1.47", "0", "1.47", "3",
                            "0", "driver"]  # fmt: skip
    # leverage (7 − 53) / 17 = −2.71
    assert "| Tenants | beneficiary | dependent | 0.41 | 3.12 | -2.71 | 1 | 7 | dependent |" in md
    assert text.startswith("Influence (MICMAC)") and md.startswith("## Influence (MICMAC)")


def test_memory_grows_with_the_map_not_its_square():
    # 5,000 elements: a dense n×n matrix of floats would take 200 MB
    rng = random.Random(3)
    n = 5000
    m = SystemMap.model_validate(
        {
            "id": "big",
            "title": "Big",
            "guiding_question": "Q?",
            "factors": [{"id": f"f{i}", "name": f"F{i}"} for i in range(n)],
            "relationships": [
                {"from": f"f{a}", "to": f"f{b}", "kind": "influences", "strength": 2}
                for a, b in ((rng.randrange(n), rng.randrange(n)) for _ in range(3 * n))
                if a != b
            ],
        }
    )
    tracemalloc.start()
    r = influence(m, depth=5)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 20e6
    # the normalised figures average 1
    assert np.mean([e["influence"] for e in r.elements]) == pytest.approx(1, abs=1e-4)


def test_against_dense_matrix_powers():
    # a reference computed the plain way on a small random map: Σ_k M^k·1
    rng = random.Random(11)
    n = 40
    rels = [
        {"from": f"f{a}", "to": f"f{b}", "kind": "influences", "strength": rng.randint(1, 5)}
        for a, b in ((rng.randrange(n), rng.randrange(n)) for _ in range(120))
        if a != b
    ]
    m = SystemMap.model_validate(
        {
            "id": "r",
            "title": "R",
            "guiding_question": "Q?",
            "factors": [{"id": f"f{i}", "name": f"F{i}"} for i in range(n)],
            "relationships": rels,
        }
    )
    dense = np.zeros((n, n))
    for r in rels:
        a, b = int(r["from"][1:]), int(r["to"][1:])
        dense[a, b] = max(dense[a, b], r["strength"])
    powers = sum(np.linalg.matrix_power(dense, k) for k in range(1, 5))
    inf, dep = powers.sum(axis=1), powers.sum(axis=0)
    got = influence(m, depth=4)
    assert [e["influence"] for e in got.elements] == pytest.approx(inf / inf.mean(), abs=1e-6)
    assert [e["dependence"] for e in got.elements] == pytest.approx(dep / dep.mean(), abs=1e-6)


def test_small_example():
    path = EXAMPLES / "small.yaml"
    if not path.exists():
        pytest.skip("examples/small.yaml is not there")
    # the factors form a chain: waits → trust → engagement (no strengths: weight 1).
    # Direct figures from the comment at the top of examples/small.yaml: out-degree of
    # outreach 3, city 3; in-degree of shelter 3, board 3 (every strength is recorded).
    r = influence(sysmap.load_map(path))
    assert r.counts == {"elements": 12, "stakeholders": 9, "factors": 3, "ties": 15}
    e = {x["id"]: x for x in r.elements}
    assert e["f-waits"]["direct_influence"] == 1 and e["f-waits"]["direct_dependence"] == 0
    assert e["f-engagement"]["direct_dependence"] == 1
    # city → board 5, city → outreach 3, city → shelter 2
    assert e["city"]["direct_influence"] == 10 and e["city"]["direct_dependence"] == 0
    assert e["foundation"]["quadrant"] == "autonomous"
    json.dumps(r.to_dict())
