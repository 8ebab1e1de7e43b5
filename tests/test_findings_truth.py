"""Findings mean what they say: checked on every example map and on small maps
whose answer is worked out by hand in the comments."""

from __future__ import annotations

import pytest

import sysmap
from helpers import EXAMPLES as EXAMPLE_FOLDER
from sysmap.analysis._loops import loops
from sysmap.analysis._voice import voice
from sysmap.analysis.suite import analyze
from sysmap.validate import load_map

EXAMPLES = sorted(EXAMPLE_FOLDER.glob("*.yaml"))


@pytest.fixture(scope="module", params=EXAMPLES, ids=lambda p: p.name)
def example(request: pytest.FixtureRequest) -> sysmap.SystemMap:
    return load_map(request.param)


def test_loop_and_voice_verdicts_agree_on_every_example(example: sysmap.SystemMap) -> None:
    verdict = {b["id"]: b for b in voice(example).to_dict()["beneficiaries"]}
    checked = 0
    for d in loops(example).declared:
        if d.reads_as != "voice":
            continue
        assert d.beneficiary is not None and d.leader is not None
        b = verdict[d.beneficiary]
        if d.holds:
            # a voice loop that holds is a two-way loop with the leader it names
            assert b["verdict"] == "two-way", (d.id, b["verdict"])
            assert d.leader in b["leaders_reached"], d.id
            checked += 1
        if b["verdict"] != "two-way":
            assert not d.holds, d.id  # "nothing comes back" and "holds" never together
    for d in loops(example).declared:
        if d.reads_as == "voice":
            steps = [st.needs for st in d.steps]
            assert steps.count("voice") >= 1 and steps.count("return") >= 1


def test_no_assumed_loop_types_in_any_finding(example: sysmap.SystemMap) -> None:
    for f in analyze(example).findings():
        assert "assumed" not in f.text, f.text
        assert "as if those links were" not in f.text, f.text


# The case: a working group's voice reaches the board (feedback), and the
# board pays the group (compensates). Money is no answer: the declared voice loop
# breaks at the return step, and the voice analysis says nothing comes back.
PAID_NOT_HEARD = """\
id: paid
title: Paid, not heard
guiding_question: Does what the group says come back to it?
stakeholders:
  - {id: group, name: Working group, role: beneficiary, lived_experience: true}
  - {id: board, name: CoC board, role: leader}
relationships:
  - {from: group, to: board, kind: feedback}
  - {from: board, to: group, kind: compensates}
loops:
  - {id: heard, name: Heard and answered, path: [group, board, group]}
"""


def test_payment_does_not_close_a_voice_loop() -> None:
    m = sysmap.loads_map(PAID_NOT_HEARD)
    d = loops(m).declared[0]
    assert not d.holds
    assert [(st.needs, st.found) for st in d.steps] == [
        ("voice", ["feedback"]),
        ("return", []),  # compensates is not a return kind
    ]
    assert (
        d.breaks[0].describe() == "CoC board → Working group (compensates carries no answer back)"
    )
    assert voice(m).to_dict()["beneficiaries"][0]["verdict"] == "one-way"
    # an answer (informs) closes both
    answered = "kind: compensates}\n  - {from: board, to: group, kind: informs}"
    m2 = sysmap.loads_map(PAID_NOT_HEARD.replace("kind: compensates}", answered))
    assert loops(m2).declared[0].holds
    assert voice(m2).to_dict()["beneficiaries"][0]["verdict"] == "two-way"


# A path a - b - c - d of mutual ties: b and c each lie on the shortest paths of
# a↔c, a↔d (b) and b↔d, a↔d (c): by hand 4 of the 6 ordered pairs among the other
# three each, 4 / ((4-1)(4-2)) = 67%. Neither is "the" main broker.
PATH = """\
id: path
title: Path
guiding_question: Who brokers?
stakeholders:
  - {id: a, name: A, role: beneficiary}
  - {id: b, name: B, role: provider}
  - {id: c, name: C, role: provider}
  - {id: d, name: D, role: leader}
relationships:
  - {from: a, to: b, kind: collaborates, direction: mutual}
  - {from: b, to: c, kind: collaborates, direction: mutual}
  - {from: c, to: d, kind: collaborates, direction: mutual}
"""


def test_tied_brokers_are_said_to_tie() -> None:
    from sysmap.analysis._structure import structure

    texts = [f.text for f in structure(sysmap.loads_map(PATH)).findings()]
    assert (
        "B and C tie as the main broker: 67% of shortest paths between other stakeholders "
        "pass through each of them"
    ) in texts
    assert not any("is the main broker" in t for t in texts)
