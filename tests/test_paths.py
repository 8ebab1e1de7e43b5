"""The paths analysis: worked out by hand on a small map written here, and checked
against networkx on random maps."""

from __future__ import annotations

import json
import random

import networkx as nx
import pytest

import sysmap
from helpers import EXAMPLES
from sysmap.analysis._base import AnalysisResult
from sysmap.analysis._graph import working_digraph
from sysmap.analysis._paths import PathsResult, paths
from sysmap.errors import SysmapError
from sysmap.model import SystemMap

# Five stakeholders and a factor. Relationships marked (x) do not count in a
# current map. The working steps (one per directed pair):
#
#   a → b  feedback                 2
#   a → c  feedback (weak)          1
#   b → c  informs, refers          4  (two relationships, strengths 2 and 4)
#   b → d  advocates                3
#   b → e, e → b  collaborates      5  (one mutual relationship)
#   c → d  informs                  —  (no strength recorded)
#   f → b  influences               2
MAP = """\
id: paths-test
title: Paths test
guiding_question: Are tenants heard?
stakeholders:
  - {id: a, name: Tenants, role: beneficiary}
  - {id: b, name: Outreach, role: provider}
  - {id: c, name: Coordinated entry, role: provider}
  - {id: d, name: CoC board, role: leader}
  - {id: e, name: City council, role: leader}
factors:
  - {id: f, name: Trust in outreach}
relationships:
  - {from: a, to: b, kind: feedback, strength: 2}
  - {from: b, to: c, kind: refers, strength: 4}
  - {from: c, to: d, kind: informs}
  - {from: a, to: c, kind: feedback, strength: 1, status: weak}
  - {from: b, to: d, kind: advocates, strength: 3}
  - {from: b, to: e, kind: collaborates, strength: 5, direction: mutual}
  - {from: b, to: c, kind: informs, strength: 2}
  - {from: f, to: b, kind: influences, strength: 2, polarity: '+'}
  # (x) broken: never counts
  - {from: d, to: a, kind: informs, status: broken}
  # (x) proposed: counts only in a redesign
  - {from: e, to: d, kind: funds, status: proposed}
"""


@pytest.fixture(scope="module")
def m() -> SystemMap:
    return sysmap.loads_map(MAP)


@pytest.fixture(scope="module")
def result(m) -> PathsResult:
    return paths(m, "a", "d")


def nodes(rows: list[dict]) -> list[list[str]]:
    return [p["nodes"] for p in rows]


def test_result_follows_the_analysis_protocol(result):
    assert isinstance(result, AnalysisResult)
    assert result.name == "paths"


def test_shortest_paths_by_hand(result):
    # a → d: a → b → d and a → c → d, 2 steps each (no direct a → d)
    assert result.shortest_length == 2
    assert nodes(result.shortest) == [["a", "b", "d"], ["a", "c", "d"]]
    assert result.shortest_complete is True
    first, second = result.shortest
    assert first["steps"] == [
        {"from": "a", "to": "b", "kinds": ["feedback"], "strength": 2},
        {"from": "b", "to": "d", "kinds": ["advocates"], "strength": 3},
    ]
    # weakest: min(2, 3) = 2
    assert (first["weakest"], first["unrecorded"], first["length"]) == (2, 0, 2)
    # a → c 1, c → d not recorded (counts as 1): min(1, 1) = 1, one step unrecorded
    assert second["steps"][1] == {"from": "c", "to": "d", "kinds": ["informs"], "strength": None}
    assert (second["weakest"], second["unrecorded"]) == (1, 1)


def test_all_simple_paths_by_hand(result):
    # 2 steps: a b d, a c d;  3 steps: a b c d (a b e … only returns to b);
    # nothing longer: every other route would visit b twice
    assert nodes(result.paths) == [["a", "b", "d"], ["a", "c", "d"], ["a", "b", "c", "d"]]
    assert result.paths_complete is True
    longest = result.paths[2]
    # b → c merges refers 4 and informs 2: kinds [informs, refers], strength 4;
    # weakest: min(2, 4, 1 for the unrecorded c → d) = 1
    assert longest["steps"][1] == {"from": "b", "to": "c", "kinds": ["informs", "refers"],
                                   "strength": 4}  # fmt: skip
    assert (longest["weakest"], longest["unrecorded"]) == (1, 1)


def test_upstream_and_downstream_by_hand(m, result):
    # downstream of a: b 1, c 1, then d 2 (via b or c), e 2 (via b); nearest first, map order
    assert [(d["id"], d["distance"]) for d in result.downstream] == [
        ("b", 1), ("c", 1), ("d", 2), ("e", 2),
    ]  # fmt: skip
    # nothing reaches a (d → a is broken)
    assert result.upstream == []
    d = paths(m, "d")
    # upstream of d: b 1, c 1; a 2, e 2 (e → b → d), f 2 (f → b → d)
    assert [(x["id"], x["distance"], x["element"]) for x in d.upstream] == [
        ("b", 1, "stakeholder"), ("c", 1, "stakeholder"), ("a", 2, "stakeholder"),
        ("e", 2, "stakeholder"), ("f", 2, "factor"),
    ]  # fmt: skip
    assert d.downstream == [] and d.target is None and d.paths == [] and d.shortest == []


def test_findings_exact_text(result):
    got = [(f.importance, f.text, f.subjects) for f in result.findings()]
    assert got == [
        (3, "Tenants reaches CoC board in 2 steps: Tenants → Outreach → CoC board (feedback, "
            "advocates; weakest strength 2) (one of 2 shortest paths)", ["a", "b", "d"]),
        (2, "3 paths lead from Tenants to CoC board in at most 6 steps; the strongest runs "
            "Tenants → Outreach → CoC board (weakest strength 2)", ["a", "d"]),
        (2, "Tenants reaches 4 of the other 5 elements; 2 directly: Outreach and "
            "Coordinated entry", ["b", "c", "d", "e"]),
        (2, "Nothing reaches Tenants", ["a"]),
    ]  # fmt: skip
    assert all(f.analysis == "paths" for f in result.findings())


def test_findings_without_a_path(m):
    # d reaches nothing; a reaches d in 2 steps
    r = paths(m, "d", "a")
    assert r.shortest_length is None and r.shortest == [] and r.paths == []
    assert [f.text for f in r.findings()] == [
        "CoC board does not reach Tenants through working relationships; Tenants reaches "
        "CoC board in 2 steps",
        "CoC board reaches no other element",
        "5 of the other 5 elements reach CoC board; 2 directly: Outreach and Coordinated entry",
    ]


def test_the_limit_is_reported(m):
    # limit 2: the two 2-step paths, then the search stops before a b c d
    r = paths(m, "a", "d", limit=2)
    assert nodes(r.paths) == [["a", "b", "d"], ["a", "c", "d"]]
    assert r.paths_complete is False and r.shortest_complete is True
    assert r.findings()[1].text == (
        "At least 2 paths lead from Tenants to CoC board in at most 6 steps (the search "
        "stopped at the limit of 2); the strongest runs Tenants → Outreach → CoC board "
        "(weakest strength 2)"
    )
    assert "All paths to CoC board of at most 6 steps (stopped at the limit of 2)" in (
        r.format_text()
    )
    # limit 1: even the shortest paths are cut
    r = paths(m, "a", "d", limit=1)
    assert nodes(r.shortest) == [["a", "b", "d"]] and r.shortest_complete is False
    assert r.findings()[0].text.endswith("(one of at least 2 shortest paths)")


def test_max_length(m):
    # at most 2 steps: a b c d is left out
    r = paths(m, "a", "d", max_length=2)
    assert nodes(r.paths) == [["a", "b", "d"], ["a", "c", "d"]] and r.paths_complete
    # at most 1 step: no path that short, the shortest is still listed
    r = paths(m, "a", "d", max_length=1)
    assert r.paths == [] and nodes(r.shortest) == [["a", "b", "d"], ["a", "c", "d"]]
    assert r.findings()[1].text == (
        "No path from Tenants to CoC board has at most 1 step; the shortest has 2"
    )


def test_proposed_relationships_count_when_asked(m):
    # + e → d: e reaches d in one step
    assert paths(m, "e", "d").shortest_length == 2  # e → b → d
    r = paths(m, "e", "d", include_proposed=True)
    assert r.include_proposed is True
    assert r.shortest_length == 1 and nodes(r.shortest) == [["e", "d"]]
    assert r.shortest[0]["steps"] == [{"from": "e", "to": "d", "kinds": ["funds"],
                                       "strength": None}]  # fmt: skip


def test_paths_from_a_factor(m):
    r = paths(m, "f", "d")
    assert nodes(r.paths) == [["f", "b", "d"], ["f", "b", "c", "d"]]
    assert r.shortest[0]["steps"][0]["kinds"] == ["influences"]


@pytest.mark.parametrize(
    "args, message",
    [
        (("bb",), "unknown source 'bb' — did you mean 'b'?"),
        (("CoC bord",), "unknown source 'CoC bord' — did you mean 'd' (CoC board)?"),
        (("a", "dd"), "unknown target 'dd' — did you mean 'd'?"),
        (("zzz-nothing",), "unknown source 'zzz-nothing' — use the id of a stakeholder or factor"),
        (("CoC board",), "source 'CoC board' is a name — use its id: d"),
        (("a", "a"), "source and target are the same element ('a') — choose two different "
                     "elements (loops through one element are in the loops analysis)"),
    ],
)  # fmt: skip
def test_bad_ids(m, args, message):
    with pytest.raises(SysmapError) as err:
        paths(m, *args)
    assert str(err.value) == message


@pytest.mark.parametrize("option", ["max_length", "limit"])
def test_bad_numbers(m, option):
    with pytest.raises(SysmapError, match=f"{option} must be a whole number of at least 1"):
        paths(m, "a", "d", **{option: 0})


def test_to_dict_is_json_with_stable_keys(result):
    data = result.to_dict()
    assert list(data) == [
        "analysis", "findings", "source", "target", "include_proposed", "max_length", "limit",
        "upstream", "downstream", "shortest_length", "shortest", "paths", "shortest_complete",
        "paths_complete",
    ]  # fmt: skip
    assert list(data["paths"][0]) == ["nodes", "length", "steps", "weakest", "unrecorded"]
    assert list(data["downstream"][0]) == ["id", "name", "element", "distance"]
    assert json.loads(json.dumps(data)) == data


def test_text_and_markdown_hold_the_key_figures(result):
    text, md = result.format_text(), result.format_markdown()
    for out in (text, md):
        assert "Tenants reaches CoC board in 2 steps" in out
        assert "Tenants → Outreach → Coordinated entry → CoC board" in out
    assert text.startswith("Paths from Tenants to CoC board")
    line = next(x for x in text.splitlines() if x.startswith("3 "))
    assert line.split("  ")[0] == "3"
    assert "feedback, informs/refers, informs" in line
    assert (
        "| 3 | Tenants → Outreach → Coordinated entry → CoC board | "
        "feedback, informs/refers, informs | 1 | 1 |" in md
    )
    assert md.startswith("## Paths from Tenants to CoC board")
    assert "### Upstream of Tenants" in md and "(none)" in md


# ------------------------------------------------------- against networkx


def random_map(n: int, seed: int) -> SystemMap:
    rng = random.Random(seed)
    rels = []
    for _ in range(3 * n):
        a, b = rng.randrange(n), rng.randrange(n)
        if a != b:
            rels.append(
                {
                    "from": f"s{a}",
                    "to": f"s{b}",
                    "kind": rng.choice(["serves", "refers", "informs", "feedback"]),
                    "direction": "mutual" if rng.random() < 0.2 else "one-way",
                    "status": rng.choice(["existing"] * 8 + ["weak", "broken"]),
                    **({"strength": rng.randint(1, 5)} if rng.random() < 0.7 else {}),
                }
            )
    return SystemMap.model_validate(
        {
            "id": "r",
            "title": "R",
            "guiding_question": "Q?",
            "stakeholders": [
                {"id": f"s{i}", "name": f"S{i}", "role": "provider"} for i in range(n)
            ],
            "relationships": rels,
        }
    )


def test_matches_networkx_on_random_maps():
    m = random_map(120, seed=5)
    g = working_digraph(m)
    rng = random.Random(2)
    ids = list(g.nodes)
    for _ in range(40):
        a, b = rng.sample(ids, 2)
        r = paths(m, a, b, max_length=4, limit=10_000)
        want = nx.single_source_shortest_path_length(g, a)
        want.pop(a)
        assert {d["id"]: d["distance"] for d in r.downstream} == want
        back = nx.single_source_shortest_path_length(g.reverse(copy=True), a)
        back.pop(a)
        assert {d["id"]: d["distance"] for d in r.upstream} == back
        if not nx.has_path(g, a, b):
            assert r.shortest_length is None and r.shortest == []
            continue
        assert sorted(nodes(r.shortest)) == sorted(nx.all_shortest_paths(g, a, b))
        assert sorted(nodes(r.paths)) == sorted(nx.all_simple_paths(g, a, b, cutoff=4))
        lengths = [p["length"] for p in r.paths]
        assert lengths == sorted(lengths)  # shortest first
        for p in r.paths:
            for s in p["steps"]:
                assert s["kinds"] == g.edges[s["from"], s["to"]]["kinds"]
            # working_digraph counts a missing strength as 1; its "strength" is the strongest
            assert p["weakest"] == min(g.edges[s["from"], s["to"]]["strength"] for s in p["steps"])


def test_small_example():
    path = EXAMPLES / "small.yaml"
    if not path.exists():
        pytest.skip("examples/small.yaml is not there")
    # checked by hand, see the comment at the top of examples/small.yaml: families are
    # heard through the shelter, families -> shelter -> board, two steps, weakest link 2
    r = paths(sysmap.load_map(path), "families", "board")
    assert nodes(r.shortest) == [["families", "shelter", "board"]]
    assert r.shortest[0]["weakest"] == 2
    # youth has no outgoing link at all
    youth = paths(sysmap.load_map(path), "youth")
    assert youth.downstream == []
    json.dumps(r.to_dict())
