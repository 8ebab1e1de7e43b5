"""Feedback loops: declared loops checked, cycles found and classified.

Every figure on LOOPS_MAP is worked out by hand in the comments; the cycle
search is also checked against networkx's ``simple_cycles`` on random graphs.
"""

from __future__ import annotations

import importlib
import json
import random

import networkx as nx
import pytest

import sysmap
from helpers import EXAMPLES
from sysmap.analysis._loops import LoopsResult, loops
from sysmap.errors import SysmapError
from sysmap.model import SystemMap

# the module, not the function of the same name that sysmap.analysis exports
loops_module = importlib.import_module("sysmap.analysis._loops")

# Elements in map order (the search starts each cycle at its first element):
#   0 pwle, 1 board, 2 outreach, 3 ce, 4 shelter (stakeholders), 5 trust, 6 stock (factors)
LOOPS_MAP = """\
id: loops
title: Loops
guiding_question: Whose voice comes back?
stakeholders:
  - {id: pwle, name: People with lived experience, role: beneficiary, lived_experience: true}
  - {id: board, name: CoC board, role: leader}
  - {id: outreach, name: Street outreach, role: provider}
  - {id: ce, name: Coordinated entry, role: provider}
  - {id: shelter, name: Shelter, role: provider}
factors:
  - {id: trust, name: Trust in outreach}
  - {id: stock, name: Housing stock}
relationships:
  - {from: pwle, to: board, kind: feedback}
  - {from: board, to: outreach, kind: funds, status: weak}
  - {from: outreach, to: pwle, kind: serves}
  - {from: ce, to: shelter, kind: collaborates, direction: mutual}
  - {from: shelter, to: pwle, kind: serves}
  - {from: pwle, to: ce, kind: feedback}
  - {from: ce, to: board, kind: informs}
  - {from: outreach, to: trust, kind: influences, polarity: '+'}
  - {from: trust, to: pwle, kind: influences, polarity: '+'}
  - {from: stock, to: trust, kind: influences, polarity: '-'}
  - {from: trust, to: stock, kind: influences, polarity: '+'}
  - {from: board, to: stock, kind: funds, status: broken}
  - {from: stock, to: board, kind: informs, status: proposed}
loops:
  - {id: voice, name: Voice to policy, path: [pwle, board, outreach, pwle]}
  - {id: referral, name: Referral loop, path: [pwle, ce, shelter, pwle]}
  - {id: housing, name: Housing balance, path: [trust, stock, trust], type: reinforcing}
  - {id: plan, name: Board and housing, path: [board, stock, board]}
"""

# The working graph of a current map: existing and weak links, mutual ones both
# ways; board -> stock (broken) and stock -> board (proposed) do not count.
#   pwle -> board, ce        board -> outreach      outreach -> pwle, trust
#   ce -> shelter, board     shelter -> ce, pwle    trust -> pwle, stock
#   stock -> trust
# Its simple cycles, each starting at its first element in map order:
#   A pwle board outreach              (3)  unsigned x3            untyped
#   B pwle board outreach trust        (4)  u, u, +, +             untyped
#   C pwle ce shelter                  (3)  unsigned x3            untyped
#   D pwle ce board outreach           (4)  unsigned x4            untyped
#   E pwle ce board outreach trust     (5)  u, u, u, +, +          untyped
#   G trust stock                      (2)  +, -                   balancing (one '-')
# A loop is typed only from the polarities the map states: one unsigned link
# leaves it untyped.
# ce <-> shelter is one mutual relationship: not a loop by itself.
# With board (leader) and pwle (beneficiary): A, B, D, E -> 4.
# Per element: pwle 5 (A-E), board 4, outreach 4, ce 3, trust 3 (B, E, G),
# shelter 1, stock 1.
EXPECTED = {
    ("pwle", "board", "outreach", "pwle"): ("untyped", 0, 3, True, "voice"),
    ("pwle", "board", "outreach", "trust", "pwle"): ("untyped", 0, 2, True, None),
    ("pwle", "ce", "shelter", "pwle"): ("untyped", 0, 3, False, "referral"),
    ("pwle", "ce", "board", "outreach", "pwle"): ("untyped", 0, 4, True, None),
    ("pwle", "ce", "board", "outreach", "trust", "pwle"): ("untyped", 0, 3, True, None),
    ("trust", "stock", "trust"): ("balancing", 1, 0, False, "housing"),
}


@pytest.fixture
def m() -> SystemMap:
    return sysmap.loads_map(LOOPS_MAP)


def test_detected_cycles_by_hand(m):
    r = loops(m)
    got = {
        tuple(c.path): (
            c.type,
            c.negative_links,
            c.unsigned_links,
            c.beneficiary_and_leader,
            c.declared,
        )
        for c in r.cycles
    }
    assert got == EXPECTED
    assert len(r.cycles) == 6
    assert r.counts() == {
        "cycles": 6,
        "reinforcing": 0,
        "balancing": 1,
        "untyped": 5,  # all but G
        "undetermined": 0,
        "beneficiary_and_leader": 4,
        "by_length": {"2": 1, "3": 2, "4": 2, "5": 1},
    }
    assert r.complete and not r.stopped_at_cap and r.stop_reason is None
    assert [(e["id"], e["loops"]) for e in r.on_most_loops] == [
        ("pwle", 5),
        ("board", 4),  # ties in map order
        ("outreach", 4),
        ("ce", 3),
        ("trust", 3),
        ("shelter", 1),
        ("stock", 1),
    ]
    assert r.on_most_loops[0] == {
        "id": "pwle",
        "name": "People with lived experience",
        "element": "stakeholder",
        "role": "beneficiary",
        "loops": 5,
    }
    assert r.on_most_loops[4]["element"] == "factor"


def test_declared_loops_by_hand(m):
    r = loops(m)
    d = {x.id: x for x in r.declared}
    # voice: a voice loop (beneficiary pwle, leader board): pwle -> board is a voice
    # step (feedback counts); board -> outreach and outreach -> pwle are return steps,
    # and money (funds, weak too) or a service (serves) carries no answer back
    assert not d["voice"].holds and d["voice"].reads_as == "voice"
    assert [st.needs for st in d["voice"].steps] == ["voice", "return", "return"]
    assert [st.found for st in d["voice"].steps] == [["feedback"], [], []]
    assert [b.to_dict() for b in d["voice"].breaks] == [
        {
            "from": "board",
            "to": "outreach",
            "from_name": "CoC board",
            "to_name": "Street outreach",
            "reason": "wrong kind",
            "kinds": ["funds"],
            "needs": "return",
        },
        {
            "from": "outreach",
            "to": "pwle",
            "from_name": "Street outreach",
            "to_name": "People with lived experience",
            "reason": "wrong kind",
            "kinds": ["serves"],
            "needs": "return",
        },
    ]
    # referral: no leader on it, so any kind counts: pwle -> ce, ce -> shelter (mutual
    # collaborates, existing), shelter -> pwle
    assert d["referral"].holds and d["referral"].breaks == []
    assert d["referral"].reads_as == "any"
    assert d["referral"].type == "untyped"  # no polarities stated
    # housing: + then - = one '-': balancing, though declared reinforcing
    assert d["housing"].type == "balancing"
    assert d["housing"].type_matches is False
    # plan: board -> stock only broken, stock -> board only proposed (current map)
    assert [(b.source, b.target, b.reason) for b in d["plan"].breaks] == [
        ("board", "stock", "broken"),
        ("stock", "board", "proposed"),
    ]
    assert d["plan"].type_matches is None  # no declared type
    assert d["voice"].type_matches is None  # untyped: cannot tell


def test_findings_text(m):
    texts = [f.text for f in loops(m).findings()]
    assert texts == [
        "2 of 4 declared loops are broken: 'Voice to policy' breaks at CoC board → Street "
        "outreach (funds carries no answer back) and Street outreach → People with lived "
        "experience (serves carries no answer back); 'Board and housing' breaks at CoC board → "
        "Housing stock (broken) and Housing stock → CoC board (proposed)",
        "'Housing balance' is declared reinforcing, but its link polarities make it balancing",
        "6 feedback loops found (0 reinforcing, 1 balancing, 5 untyped), 4 of them pass "
        "through both beneficiaries and leaders",
        "A loop is typed only when every link on it has a polarity (+ or −); 5 have a link "
        "without one, so they are counted as untyped",
        "People with lived experience sits on the most loops (5)",
    ]
    f = loops(m).findings()
    assert f[0].importance == 3 and f[0].subjects == ["voice", "plan"]
    assert f[-1].subjects == ["pwle"]


def test_redesign_counts_proposed_links(m):
    m.stage = "redesign"
    r = loops(m)
    # stock -> board (proposed) now counts: one more cycle, through board (index 1):
    #   board outreach trust stock board: u, u, +, + -> untyped; no beneficiary
    new = {tuple(c.path) for c in r.cycles} - set(EXPECTED)
    assert new == {("board", "outreach", "trust", "stock", "board")}
    c = next(c for c in r.cycles if tuple(c.path) in new)
    assert (c.type, c.beneficiary_and_leader, c.unsigned_links) == ("untyped", False, 2)
    plan = next(d for d in r.declared if d.id == "plan")
    assert [(b.source, b.reason) for b in plan.breaks] == [("board", "broken")]


def test_max_length_bounds_the_search(m):
    r = loops(m, max_length=3)
    # only G (2), A (3) and C (3)
    assert {tuple(c.path) for c in r.cycles} == {
        ("trust", "stock", "trust"),
        ("pwle", "board", "outreach", "pwle"),
        ("pwle", "ce", "shelter", "pwle"),
    }
    assert r.complete
    assert "Cycles up to 3 elements: 3" in r.format_text()


@pytest.mark.parametrize("cap", [1, 3, 5])
def test_cap_is_honoured_and_reported(m, cap):
    r = loops(m, cap=cap)
    assert len(r.cycles) == cap
    assert r.stopped_at_cap and r.stop_reason == "cap" and not r.complete
    assert {tuple(c.path) for c in r.cycles} <= set(EXPECTED)
    assert r.findings()[2].text == (
        f"The loop search stopped at the cap of {cap} cycles; the figures below count only "
        "those — for all of them raise --loop-cap (loop_cap= in Python) or lower "
        "--max-loop-length (max_loop_length=)"
    )
    assert f"stopped at the cap of {cap}; more exist" in r.format_text()
    assert f"stopped at the cap of {cap}; more exist" in r.format_markdown()
    assert r.to_dict()["stopped_at_cap"] is True


def test_cap_equal_to_the_count_is_not_a_stop(m):
    r = loops(m, cap=6)
    assert len(r.cycles) == 6 and not r.stopped_at_cap and r.complete


def test_progress_is_reported(m):
    calls: list[tuple[int, int | None]] = []
    loops(m, progress=lambda done, total: calls.append((done, total)))
    # all 7 elements are in one strongly connected component: 7 starts
    assert calls[0] == (0, 7) and calls[-1] == (7, 7)
    assert all(a <= b for (a, _), (b, _) in zip(calls, calls[1:], strict=False))


def test_bad_arguments(m):
    with pytest.raises(SysmapError, match="max_length must be at least 2"):
        loops(m, max_length=1)
    with pytest.raises(SysmapError, match="cap must be at least 1"):
        loops(m, cap=0)


def _map(relationships, loops_=(), stakeholders=(), factors=("a", "b", "c")) -> SystemMap:
    return SystemMap.model_validate(
        {
            "id": "t",
            "title": "T",
            "guiding_question": "Q?",
            "stakeholders": [
                {"id": s, "name": s.upper(), "role": role} for s, role in stakeholders
            ],
            "factors": [{"id": f, "name": f.upper()} for f in factors],
            "relationships": list(relationships),
            "loops": list(loops_),
        }
    )


def test_missing_link_and_unknown_element():
    # built without validation: a loop the map does not back
    m = _map(
        [{"from": "a", "to": "b", "kind": "influences", "polarity": "-"}],
        [
            {"id": "l1", "name": "L1", "path": ["a", "b", "a"]},
            {"id": "l2", "name": "L2", "path": ["a", "zz", "a"]},
        ],
    )
    r = loops(m)
    assert [(b.source, b.target, b.reason) for b in r.declared[0].breaks] == [("b", "a", "missing")]
    assert [b.reason for b in r.declared[1].breaks] == ["unknown element", "unknown element"]
    assert r.declared[1].breaks[0].target_name == "zz"
    assert r.cycles == []
    assert r.findings()[-1].text == "No feedback loops found up to 8 elements long"


def test_a_mutual_relationship_alone_is_not_a_loop():
    one = _map([{"from": "a", "to": "b", "kind": "collaborates", "direction": "mutual"}])
    assert loops(one).cycles == []
    # a second relationship back makes a two-element loop
    two = _map(
        [
            {"from": "a", "to": "b", "kind": "collaborates", "direction": "mutual"},
            {"from": "b", "to": "a", "kind": "informs"},
        ]
    )
    assert [c.path for c in loops(two).cycles] == [["a", "b", "a"]]


def test_conflicting_polarities_make_a_loop_undetermined():
    m = _map(
        [
            {"from": "a", "to": "b", "kind": "influences", "polarity": "+"},
            {"from": "a", "to": "b", "kind": "funds", "polarity": "-"},
            {"from": "b", "to": "a", "kind": "influences", "polarity": "+"},
        ],
        [{"id": "l", "name": "L", "path": ["a", "b", "a"], "type": "balancing"}],
    )
    r = loops(m)
    assert [c.type for c in r.cycles] == ["undetermined"]
    assert r.declared[0].type == "undetermined" and r.declared[0].type_matches is None
    assert r.findings()[1].text == (
        "1 feedback loop found (0 reinforcing, 0 balancing, 1 undetermined), it does not pass "
        "through both beneficiaries and leaders"
    )


def test_to_dict_is_json_with_stable_keys(m):
    data = loops(m).to_dict()
    json.dumps(data)
    assert list(data) == [
        "analysis",
        "max_length",
        "cap",
        "declared",
        "cycles",
        "counts",
        "on_most_loops",
        "stopped_at_cap",
        "stop_reason",
        "complete",
        "findings",
    ]
    assert data["analysis"] == "loops"
    assert list(data["declared"][0]) == [
        "id",
        "name",
        "path",
        "purpose",
        "holds",
        "breaks",
        "declared_type",
        "type",
        "type_matches",
        "effect",
        "reads_as",
        "beneficiary",
        "leader",
        "steps",
    ]
    assert list(data["cycles"][0]) == [
        "path",
        "length",
        "type",
        "negative_links",
        "unsigned_links",
        "beneficiary_and_leader",
        "declared",
    ]
    assert data["counts"]["cycles"] == 6
    assert isinstance(loops(m), LoopsResult)
    assert isinstance(loops(m), sysmap.analysis._base.AnalysisResult)


def test_text_and_markdown_show_the_key_figures(m):
    text = loops(m).format_text()
    assert "Voice to policy    no     CoC board → Street outreach (funds carries no answer" in text
    assert "Cycles up to 8 elements: 6" in text
    # the counts by type are one table, in text as in Markdown
    lines = text.splitlines()
    head = lines.index("reinforcing  balancing  untyped  undetermined  beneficiaries + leaders")
    assert lines[head + 1].split() == ["0", "1", "5", "0", "4"]
    # 'Voice to policy' runs pwle (beneficiary) → board (leader): the rule is stated
    assert (
        "the steps to the leader take advocates, feedback, informs or represents; the steps "
        "back take advocates, collaborates, feedback, informs, represents, shares_data or any "
        "kind whose power carries decisions or information — not money or a service"
    ) in " ".join(text.split())
    assert "People with lived experience  beneficiary  5" in text
    assert "Trust in outreach → Housing stock → Trust in outreach" in text
    md = loops(m).format_markdown()
    assert (
        "| Voice to policy | no | CoC board → Street outreach (funds carries no answer back)" in md
    )
    assert "| 0 | 1 | 5 | 0 | 4 |" in md
    assert "| People with lived experience | beneficiary | 5 |" in md


# ----------------------------------------------------- against networkx


def _random_map(n: int, m_edges: int, seed: int, mutual: float = 0.0) -> SystemMap:
    rnd = random.Random(seed)
    rels = []
    pairs = set()
    while len(rels) < m_edges:
        u, v = rnd.randrange(n), rnd.randrange(n)
        if u == v or (u, v) in pairs:
            continue
        pairs.add((u, v))
        r = {"from": f"n{u}", "to": f"n{v}", "kind": "influences"}
        if rnd.random() < mutual:
            r["direction"] = "mutual"
        if rnd.random() < 0.5:
            r["polarity"] = rnd.choice("+-")
        rels.append(r)
    return _map(rels, factors=[f"n{i}" for i in range(n)])


def _nx_cycles(m: SystemMap, bound: int) -> set[tuple[str, ...]]:
    g = nx.DiGraph()
    order = {f.id: i for i, f in enumerate(m.factors)}
    g.add_nodes_from(order)
    lone = set()
    for r in m.relationships:
        g.add_edge(r.source, r.target)
        if r.direction == "mutual":
            g.add_edge(r.target, r.source)
    for r in m.relationships:
        # a pair joined by one mutual relationship and nothing else
        if r.direction == "mutual":
            others = [
                x
                for x in m.relationships
                if {x.source, x.target} == {r.source, r.target} and x is not r
            ]
            if not others:
                lone.add(frozenset((r.source, r.target)))
    out = set()
    for c in nx.simple_cycles(g, length_bound=bound):
        if len(c) == 2 and frozenset(c) in lone:
            continue
        k = min(range(len(c)), key=lambda i: order[c[i]])
        out.add(tuple(c[k:] + c[:k]))
    return out


@pytest.mark.parametrize(
    ("seed", "bound", "mutual"), [(1, 4, 0.0), (2, 6, 0.0), (3, 5, 0.2), (4, 7, 0.0)]
)
def test_same_cycles_as_networkx_on_a_random_300_node_graph(seed, bound, mutual):
    m = _random_map(300, 750, seed, mutual)
    want = _nx_cycles(m, bound)
    r = loops(m, max_length=bound, cap=10**6)
    got = [tuple(c.path[:-1]) for c in r.cycles]
    assert r.complete
    assert len(got) == len(set(got))  # each cycle once
    assert set(got) == want
    assert len(want) > 10  # the graph has loops worth checking


def test_small_chunks_find_the_same_cycles(monkeypatch):
    # few paths fit in memory at once: the starts are searched in many small chunks
    m = _random_map(300, 750, 2)
    monkeypatch.setattr(loops_module, "_ROW_LIMIT", 300)
    monkeypatch.setattr(loops_module, "_FIRST_CHUNK", 64)
    calls: list[int] = []
    r = loops(m, max_length=6, cap=10**6, progress=lambda done, total: calls.append(done))
    assert r.complete and len(calls) > 20
    assert {tuple(c.path[:-1]) for c in r.cycles} == _nx_cycles(m, 6)


def test_a_start_with_too_many_paths_is_searched_in_part(monkeypatch):
    # one start alone has more paths than fit: what fits is searched, and it says so
    m = _random_map(300, 750, 2)
    monkeypatch.setattr(loops_module, "_ROW_LIMIT", 50)
    r = loops(m, max_length=6, cap=10**6)
    assert r.stop_reason == "work limit" and not r.complete
    assert {tuple(c.path[:-1]) for c in r.cycles} < _nx_cycles(m, 6)


def test_cap_on_a_random_graph_returns_true_cycles():
    m = _random_map(300, 750, 2)
    want = _nx_cycles(m, 6)
    r = loops(m, max_length=6, cap=50)
    got = {tuple(c.path[:-1]) for c in r.cycles}
    assert len(got) == 50 and got < want and r.stopped_at_cap


def test_work_limit_stops_a_dense_search(monkeypatch):
    # a complete graph on 12 elements has about 2 million cycles of up to 8
    names = [f"k{i}" for i in range(12)]
    rels = [{"from": a, "to": b, "kind": "influences"} for a in names for b in names if a != b]
    m = _map(rels, factors=names)
    monkeypatch.setattr(loops_module, "WORK_LIMIT", 5_000)
    r = loops(m, cap=10**6)
    assert r.stop_reason == "work limit" and not r.stopped_at_cap and not r.complete
    assert 0 < len(r.cycles) < 10**6
    assert r.findings()[0].text.startswith(
        f"The loop search stopped early ({len(r.cycles):,} cycles found)"
    )
    assert "stopped at the work limit" in r.format_text()


def test_dense_graph_stops_at_the_cap_quickly():
    names = [f"k{i}" for i in range(40)]
    rels = [{"from": a, "to": b, "kind": "influences"} for a in names for b in names if a != b]
    r = loops(_map(rels, factors=names))
    assert len(r.cycles) == 10_000 and r.stopped_at_cap


# --------------------------------------------------------------- examples


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_examples(path):
    m = sysmap.load_map(path)
    r = loops(m)
    json.dumps(r.to_dict())
    assert len(r.declared) == len(m.loops)
    assert r.format_text() and r.format_markdown()
