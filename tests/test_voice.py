"""The voice analysis: verdicts, paths, weakest links and breaks on hand-made maps."""

from __future__ import annotations

import importlib
import json
import random

import networkx as nx
import pytest

import sysmap
from helpers import EXAMPLES
from sysmap.analysis._base import AnalysisResult
from sysmap.analysis._voice import RETURN_KINDS, VoiceResult, return_kinds, voice, voice_kinds
from sysmap.errors import BadArgument, SysmapError
from sysmap.model import VOICE_KINDS

# the module itself (private; ``sysmap.analysis.voice`` is the function)
voice_module = importlib.import_module("sysmap.analysis._voice")

# Five beneficiary groups, a provider, three leaders:
#   lewg      -> board (feedback 4); board -> lewg (informs 3)           two-way with CoC board
#   youth     -> outreach (feedback 2) -> council (advocates 1)          one-way, weakest link 1
#   families  -> lewg (informs, no strength) -> board                    one-way; the return
#             board -> families (informs, broken)                        is broken
#   veterans  -> lewg (feedback, broken)                                 no voice: broken
#   elders    -> council (advocates, proposed)                           no voice: not in place yet
#   mayor: nobody speaks to it                                           hears no beneficiary
MAP = """\
id: riverton
title: Riverton
guiding_question: Whose voice reaches those who decide?
stakeholders:
  - {id: lewg, name: Lived Experience Working Group, role: beneficiary, attributes: {race: Black}}
  - {id: youth, name: Youth experiencing homelessness, role: beneficiary,
     attributes: {race: Black}}
  - {id: families, name: Families in shelter, role: beneficiary, attributes: {race: Latino}}
  - {id: veterans, name: Veterans, role: beneficiary}
  - {id: elders, name: Older adults, role: beneficiary, attributes: {race: Latino}}
  - {id: outreach, name: Street outreach, role: provider}
  - {id: board, name: CoC board, role: leader}
  - {id: council, name: City Council, role: leader}
  - {id: mayor, name: Mayor's Office, role: leader}
relationships:
  - {from: lewg, to: board, kind: feedback, strength: 4}
  - {from: board, to: lewg, kind: informs, strength: 3}
  - {from: youth, to: outreach, kind: feedback, strength: 2}
  - {from: outreach, to: council, kind: advocates, strength: 1}
  - {from: families, to: lewg, kind: informs}
  - {from: board, to: families, kind: informs, status: broken}
  - {from: veterans, to: lewg, kind: feedback, status: broken, strength: 3}
  - {from: elders, to: council, kind: advocates, status: proposed}
  # not voice: money does not carry anyone's voice, nor a reply
  - {from: council, to: outreach, kind: funds, strength: 5}
"""


def _map(text: str = MAP, **extra: str) -> sysmap.SystemMap:
    for key, value in extra.items():
        text += f"{key}: {value}\n"
    return sysmap.loads_map(text)


@pytest.fixture
def result() -> VoiceResult:
    return voice(_map())


def _by_id(result: VoiceResult) -> dict[str, dict]:
    return {b["id"]: b for b in result.beneficiaries}


def test_result_follows_the_analysis_protocol(result):
    assert isinstance(result, AnalysisResult)
    assert result.name == "voice"


def test_verdicts(result):
    b = _by_id(result)
    assert {k: v["verdict"] for k, v in b.items()} == {
        "lewg": "two-way",
        "youth": "one-way",
        "families": "one-way",
        "veterans": "no voice",
        "elders": "no voice",
    }
    assert result.counts == {
        "beneficiaries": 5,
        "leaders": 3,
        "no_voice": 2,
        "one_way": 2,
        "two_way": 1,
    }


def test_paths_lengths_and_weakest_links(result):
    b = _by_id(result)
    # lewg -> board: one step of strength 4
    assert b["lewg"]["path"] == ["lewg", "board"] and b["lewg"]["length"] == 1
    assert b["lewg"]["weakest_link"] == {
        "from": "lewg",
        "to": "board",
        "strength": 4.0,
        "recorded": True,
    }
    # youth -> outreach (2) -> council (1): weakest min(2, 1) = 1
    assert b["youth"]["path"] == ["youth", "outreach", "council"]
    assert b["youth"]["nearest_leader"] == "council" and b["youth"]["length"] == 2
    assert b["youth"]["weakest_link"]["from"] == "outreach"
    assert b["youth"]["weakest_link"]["strength"] == 1.0
    # families -> lewg (no strength: counts as 1, not recorded) -> board (4)
    assert b["families"]["path"] == ["families", "lewg", "board"]
    assert b["families"]["weakest_link"] == {
        "from": "families",
        "to": "lewg",
        "strength": 1.0,
        "recorded": False,
    }
    assert b["veterans"]["path"] is None and b["veterans"]["length"] is None
    assert result.unknown_strength_links == 1


def test_return_paths_and_loops(result):
    b = _by_id(result)
    assert b["lewg"]["loop_leader"] == "board"
    assert b["lewg"]["return_path"] == ["board", "lewg"]
    assert b["lewg"]["return_weakest_link"] == {
        "from": "board",
        "to": "lewg",
        "strength": 3.0,
        "recorded": True,
    }
    assert b["youth"]["loop_leader"] is None and b["youth"]["return_path"] is None
    # the leaders each reaches (detail: the map is small)
    assert b["lewg"]["leaders_reached"] == ["board"]
    assert b["families"]["leaders_reached"] == ["board"]
    assert b["youth"]["leaders_reached"] == ["council"]
    assert b["veterans"]["leaders_reached"] == []
    assert result.detailed is True
    assert result.paths == [
        {
            "beneficiary": "lewg",
            "leader": "board",
            "length": 1,
            "path": ["lewg", "board"],
            "weakest_link": {"from": "lewg", "to": "board", "strength": 4.0, "recorded": True},
            "returns": True,
            "return_length": 1,
            "return_path": ["board", "lewg"],
            "return_weakest_link": {
                "from": "board",
                "to": "lewg",
                "strength": 3.0,
                "recorded": True,
            },
        },
        {
            "beneficiary": "families",
            "leader": "board",
            "length": 2,
            "path": ["families", "lewg", "board"],
            "weakest_link": {
                "from": "families",
                "to": "lewg",
                "strength": 1.0,
                "recorded": False,
            },
            "returns": False,
            "return_length": None,
            "return_path": None,
            "return_weakest_link": None,
        },
        {
            "beneficiary": "youth",
            "leader": "council",
            "length": 2,
            "path": ["youth", "outreach", "council"],
            "weakest_link": {
                "from": "outreach",
                "to": "council",
                "strength": 1.0,
                "recorded": True,
            },
            "returns": False,
            "return_length": None,
            "return_path": None,
            "return_weakest_link": None,
        },
    ]


def test_where_voice_and_return_break(result):
    b = _by_id(result)
    assert b["veterans"]["broken_at"] == [
        {"from": "veterans", "to": "lewg", "kind": "feedback", "status": "broken"}
    ]
    # in a current map a proposed link does not work yet
    assert b["elders"]["broken_at"] == [
        {"from": "elders", "to": "council", "kind": "advocates", "status": "proposed"}
    ]
    assert b["families"]["return_broken_at"] == [
        {"from": "board", "to": "families", "kind": "informs", "status": "broken"}
    ]
    assert b["youth"]["return_broken_at"] == [] and b["youth"]["broken_at"] == []


def test_leaders(result):
    assert result.leaders == [
        # board hears lewg and families (through lewg); one loop (lewg)
        {"id": "board", "name": "CoC board", "hears": True, "beneficiaries_heard": 2, "loops": 1},
        {
            "id": "council",
            "name": "City Council",
            "hears": True,
            "beneficiaries_heard": 1,
            "loops": 0,
        },
        {
            "id": "mayor",
            "name": "Mayor's Office",
            "hears": False,
            "beneficiaries_heard": 0,
            "loops": 0,
        },
    ]


def test_findings_in_a_facilitators_words(result):
    assert [(f.importance, f.text) for f in result.findings()] == [
        (
            3,
            "2 of 5 beneficiary groups have no voice path to any leader: Veterans and Older adults",
        ),
        (3, "Only Lived Experience Working Group has a two-way loop with a leader"),
        (3, "Mayor's Office hears no beneficiary"),
        (3, "No voice path for Veterans: broken at Veterans → Lived Experience Working Group"),
        (
            3,
            "No voice path for Older adults: waits on the proposed link Older adults → "
            "City Council",
        ),
        (
            2,
            "Nothing comes back to Youth experiencing homelessness: their voice reaches "
            "City Council but no decisions return",
        ),
        (
            2,
            "Nothing comes back to Families in shelter: their voice reaches CoC board but no "
            "decisions return (the return is broken at CoC board → Families in shelter)",
        ),
        # council hears 1 of 5, board 2 of 5 (beyond the 2 with no voice at all)
        (2, "4 of 5 beneficiary groups have no voice path to City Council"),
        (2, "3 of 5 beneficiary groups have no voice path to CoC board"),
        (
            2,
            "The voice of Youth experiencing homelessness reaches City Council only through "
            "a weak link: Street outreach → City Council (strength 1)",
        ),
        (1, "Strength is not recorded on 1 link of these paths; each counts as 1 (weak)"),
    ]
    broken = next(f for f in result.findings() if f.text.startswith("No voice path for Veterans"))
    assert broken.subjects == ["veterans", "lewg"]
    assert all(f.analysis == "voice" for f in result.findings())


def test_a_redesign_counts_proposed_links_but_never_broken_ones():
    r = voice(_map(stage="redesign"))
    b = _by_id(r)
    # elders -> council (proposed) now works: one step, strength not recorded
    assert b["elders"]["verdict"] == "one-way"
    assert b["elders"]["path"] == ["elders", "council"]
    assert b["elders"]["weakest_link"]["recorded"] is False
    # still broken
    assert b["veterans"]["verdict"] == "no voice"
    assert b["veterans"]["broken_at"][0]["status"] == "broken"
    assert r.counts["no_voice"] == 1
    assert (
        "Counted: existing and weak relationships and proposed ones (this is a redesign)"
        in (r.notes[2])
    )


def test_weak_relationships_count():
    text = MAP.replace("{from: veterans, to: lewg, kind: feedback, status: broken, strength: 3}",
                       "{from: veterans, to: lewg, kind: feedback, status: weak, strength: 3}")  # fmt: skip
    b = _by_id(voice(_map(text)))
    assert b["veterans"]["verdict"] == "one-way"
    assert b["veterans"]["path"] == ["veterans", "lewg", "board"]


# ---------------------------------------------------------- small hand-made maps

HEAD = "id: m\ntitle: M\nguiding_question: Q?\n"


def _small(stakeholders: list[tuple[str, str]], relationships: list[str], extra: str = ""):
    text = HEAD + extra + "stakeholders:\n"
    text += "".join(f"  - {{id: {i}, name: {i.upper()}, role: {r}}}\n" for i, r in stakeholders)
    if relationships:
        text += "relationships:\n" + "".join(f"  - {{{r}}}\n" for r in relationships)
    return sysmap.loads_map(text)


BL = [("b", "beneficiary"), ("l", "leader")]


@pytest.mark.parametrize(
    ("relationships", "verdict"),
    [
        ([], "no voice"),
        (["from: b, to: l, kind: feedback"], "one-way"),
        (["from: b, to: l, kind: feedback", "from: l, to: b, kind: informs"], "two-way"),
        # money is no reply
        (["from: b, to: l, kind: feedback", "from: l, to: b, kind: funds"], "one-way"),
        # a relationship whose power carries information is a reply, whatever its kind
        (
            [
                "from: b, to: l, kind: feedback",
                "from: l, to: b, kind: funds, power: {amount: 2, carries: [information]}",
            ],
            "two-way",
        ),
        # serving people or having authority over them is no reply by itself
        (["from: b, to: l, kind: advocates", "from: l, to: b, kind: serves"], "one-way"),
        (
            [
                "from: b, to: l, kind: advocates",
                "from: l, to: b, kind: governs, power: {amount: 4, carries: [authority]}",
            ],
            "one-way",
        ),
        # ... but a link that carries decisions passes the decision on
        (
            [
                "from: b, to: l, kind: advocates",
                "from: l, to: b, kind: governs, power: {amount: 4, carries: [decisions]}",
            ],
            "two-way",
        ),
        # sharing data and deciding together are replies
        (["from: b, to: l, kind: feedback", "from: l, to: b, kind: shares_data"], "two-way"),
        (["from: b, to: l, kind: feedback", "from: l, to: b, kind: collaborates"], "two-way"),
        # a mutual voice link carries both ways
        (["from: b, to: l, kind: feedback, direction: mutual"], "two-way"),
        # written from the leader's side: the voice still travels b -> l
        (["from: l, to: b, kind: feedback, direction: mutual"], "two-way"),
        # one-way from the leader: a reply without a voice
        (["from: l, to: b, kind: informs"], "no voice"),
        # collaborates is a reply but not a voice channel
        (["from: b, to: l, kind: collaborates, direction: mutual"], "no voice"),
        # kinds outside the voice set carry no voice
        (["from: b, to: l, kind: refers"], "no voice"),
    ],
)
def test_verdict_cases(relationships, verdict):
    r = voice(_small(BL, relationships))
    assert r.beneficiaries[0]["verdict"] == verdict


def test_custom_voice_kinds():
    kinds = "kinds:\n  - {id: listening_session, voice: true}\n  - {id: newsletter}\n"
    m = _small(BL, ["from: b, to: l, kind: listening_session"], kinds)
    assert "listening_session" in voice_kinds(m) and "newsletter" not in voice_kinds(m)
    assert voice_kinds(m) == VOICE_KINDS | {"listening_session"}
    assert return_kinds(m) == RETURN_KINDS | {"listening_session"}
    assert voice(m).beneficiaries[0]["verdict"] == "one-way"
    # a declared voice channel also carries the answer back
    m = _small(
        BL,
        ["from: b, to: l, kind: listening_session", "from: l, to: b, kind: listening_session"],
        kinds,
    )
    assert voice(m).beneficiaries[0]["verdict"] == "two-way"
    # a custom kind not declared as voice carries none
    m = _small(BL, ["from: b, to: l, kind: newsletter"], kinds)
    assert voice(m).beneficiaries[0]["verdict"] == "no voice"
    assert "listening_session" in voice(m).voice_kinds


def test_the_loop_must_close_with_a_leader_the_voice_reaches():
    # b speaks to l1; l2 (whom b does not reach) informs b: nothing comes back from l1
    people = [("b", "beneficiary"), ("l1", "leader"), ("l2", "leader")]
    rels = ["from: b, to: l1, kind: feedback", "from: l2, to: b, kind: informs"]
    for limit in (2000, 0):  # per leader, and the all-leaders-at-once way
        r = voice(_small(people, rels), detail_limit=limit)
        assert r.beneficiaries[0]["verdict"] == "one-way"
    # once l1 passes on what it heard to l2, the loop closes: b -> l1 -> l2 -> b
    rels.append("from: l1, to: l2, kind: informs")
    for limit in (2000, 0):
        r = voice(_small(people, rels), detail_limit=limit)
        assert r.beneficiaries[0]["verdict"] == "two-way"
        assert r.beneficiaries[0]["nearest_leader"] == "l1"
        assert r.beneficiaries[0]["loop_leader"] in {"l1", "l2"}
    # both loops are 3 steps long (1 + 2 and 2 + 1): the first leader in the map is shown
    r = voice(_small(people, rels))
    assert r.beneficiaries[0]["loop_leader"] == "l1"
    assert r.beneficiaries[0]["return_path"] == ["l1", "l2", "b"]
    assert r.beneficiaries[0]["leaders_reached"] == ["l1", "l2"]


def test_max_length_counts_steps_each_way():
    # b -> p1 -> p2 -> p3 -> l: 4 steps; l -> p3 -> b: 2 steps back (a decision, then word)
    people = [("b", "beneficiary"), ("p1", "provider"), ("p2", "provider"),
              ("p3", "provider"), ("l", "leader")]  # fmt: skip
    rels = [
        "from: b, to: p1, kind: feedback",
        "from: p1, to: p2, kind: informs",
        "from: p2, to: p3, kind: informs",
        "from: p3, to: l, kind: advocates",
        "from: l, to: p3, kind: governs, power: {amount: 3, carries: [decisions]}",
        "from: p3, to: b, kind: informs",
    ]
    m = _small(people, rels)
    assert voice(m, max_length=3).beneficiaries[0]["verdict"] == "no voice"
    assert voice(m, max_length=4).beneficiaries[0]["length"] == 4
    assert voice(m, max_length=4).beneficiaries[0]["verdict"] == "two-way"
    assert voice(m, max_length=4, detail_limit=0).beneficiaries[0]["verdict"] == "two-way"
    assert voice(m).beneficiaries[0]["return_path"] == ["l", "p3", "b"]
    with pytest.raises(BadArgument, match="max_length must be at least 1") as e:
        voice(m, max_length=0)
    assert isinstance(e.value, SysmapError) and e.value.argument == "max_length"


def test_shortest_path_first_then_the_strongest_weakest_link():
    people = [("b", "beneficiary"), ("p1", "provider"), ("p2", "provider"),
              ("p3", "provider"), ("p4", "provider"), ("l", "leader")]  # fmt: skip
    rels = [
        # two paths of 2 steps: weakest links min(5, 1) = 1 and min(3, 3) = 3
        "from: b, to: p1, kind: feedback, strength: 5",
        "from: p1, to: l, kind: informs, strength: 1",
        "from: b, to: p2, kind: feedback, strength: 3",
        "from: p2, to: l, kind: informs, strength: 3",
        # a 3-step path of strength 5 all along: longer, so not chosen
        "from: b, to: p3, kind: feedback, strength: 5",
        "from: p3, to: p4, kind: feedback, strength: 5",
        "from: p4, to: l, kind: feedback, strength: 5",
    ]
    r = voice(_small(people, rels))
    b = r.beneficiaries[0]
    assert b["path"] == ["b", "p2", "l"]
    assert b["weakest_link"] == {"from": "b", "to": "p2", "strength": 3.0, "recorded": True}
    # the same at scale
    assert voice(_small(people, rels), detail_limit=0).beneficiaries[0]["path"] == ["b", "p2", "l"]


def test_parallel_links_count_as_their_strongest():
    rels = [
        "from: b, to: l, kind: feedback, strength: 1",
        "from: b, to: l, kind: advocates, strength: 4",
        "from: b, to: l, kind: represents",
    ]
    b = voice(_small(BL, rels)).beneficiaries[0]
    assert b["weakest_link"]["strength"] == 4.0 and b["weakest_link"]["recorded"] is True


def test_a_working_parallel_link_is_not_reported_broken():
    rels = [
        "from: b, to: p, kind: feedback, status: broken",
        "from: b, to: p, kind: informs",
        "from: p, to: l, kind: feedback, status: broken",
    ]
    people = [("b", "beneficiary"), ("p", "provider"), ("l", "leader")]
    b = voice(_small(people, rels)).beneficiaries[0]
    assert b["verdict"] == "no voice"
    assert b["broken_at"] == [{"from": "p", "to": "l", "kind": "feedback", "status": "broken"}]


def test_relationships_to_factors_do_not_carry_voice():
    text = HEAD + (
        "stakeholders:\n  - {id: b, name: B, role: beneficiary}\n  - {id: l, name: L, role: leader}\n"
        "factors:\n  - {id: f, name: Trust}\n"
        "relationships:\n  - {from: b, to: f, kind: informs}\n  - {from: f, to: l, kind: informs}\n"
    )
    assert voice(sysmap.loads_map(text)).beneficiaries[0]["verdict"] == "no voice"


# --------------------------------------------------------------- by attribute


def test_by_attribute(result):
    r = voice(_map(), by="race")
    assert r.by == "race"
    # Black: lewg (two-way), youth (one-way); Latino: families (one-way), elders (no voice);
    # not recorded: veterans (no voice)
    assert r.groups == [
        {"value": "Black", "beneficiaries": 2, "no_voice": 0, "one_way": 1, "two_way": 1},
        {"value": "Latino", "beneficiaries": 2, "no_voice": 1, "one_way": 1, "two_way": 0},
        {"value": None, "beneficiaries": 1, "no_voice": 1, "one_way": 0, "two_way": 0},
    ]
    assert _by_id(r)["lewg"]["group"] == "Black" and _by_id(r)["veterans"]["group"] is None
    texts = [(f.importance, f.text) for f in r.findings()]
    # overall 2 of 5 = 40% have no voice; Latino 1 of 2 = 50% is worse; Black 0%
    assert (
        2,
        "race = Latino: 1 of 2 beneficiary groups has no voice path to a leader (overall 2 of 5)",
    ) in texts
    assert (
        1,
        "1 beneficiary group has no race recorded; they are counted under (not recorded)",
    ) in texts
    assert not any("race = Black" in t for _, t in texts)
    assert "By race" in r.format_text() and "(not recorded)" in r.format_markdown()
    # without by, no groups
    assert result.groups is None and _by_id(result)["lewg"]["group"] is None


def test_by_attribute_flags_groups_without_a_loop():
    text = HEAD + "stakeholders:\n"
    text += "  - {id: a, name: A, role: beneficiary, attributes: {age: 17, youth: true}}\n"
    text += "  - {id: c, name: C, role: beneficiary, attributes: {age: 9.5, youth: false}}\n"
    text += "  - {id: l, name: L, role: leader}\n"
    text += "relationships:\n  - {from: a, to: l, kind: feedback}\n"
    text += "  - {from: c, to: l, kind: feedback}\n  - {from: l, to: c, kind: informs}\n"
    m = sysmap.loads_map(text)
    r = voice(m, by="age")
    assert [g["value"] for g in r.groups] == ["9.5", "17"]  # numbers in numeric order
    assert [f.text for f in r.findings() if "age" in f.text] == [
        "No beneficiary group with age = 17 has a two-way loop with a leader (overall 1 of 2)"
    ]
    assert [g["value"] for g in voice(m, by="youth").groups] == ["false", "true"]
    # an attribute nobody has: one row, not recorded
    assert voice(m, by="district").groups == [
        {"value": None, "beneficiaries": 2, "no_voice": 0, "one_way": 1, "two_way": 1}
    ]


# ------------------------------------------------------------------ edge cases


def test_individual_beneficiaries_are_not_called_groups():
    text = HEAD + (
        "stakeholders:\n"
        "  - {id: a, name: Ana, role: beneficiary, type: person}\n"
        "  - {id: c, name: Cal, role: beneficiary}\n"
        "  - {id: l, name: Board, role: leader}\n"
    )
    r = voice(sysmap.loads_map(text))
    assert r.findings()[0].text == "None of the 2 beneficiaries has a voice path to any leader"


def test_no_beneficiaries_or_no_leaders():
    r = voice(_small([("l", "leader")], []))
    assert [f.text for f in r.findings()] == [
        "The map has no beneficiaries: add whom the system serves to see whose voice "
        "reaches the leaders"
    ]
    r = voice(_small([("b", "beneficiary")], []))
    assert [f.text for f in r.findings()] == [
        "The map has no leaders: add who can change the system to see whose voice reaches them"
    ]
    assert r.beneficiaries[0]["verdict"] == "no voice"
    for each in (voice(sysmap.loads_map(HEAD)), r):
        json.dumps(each.to_dict())
        each.format_text()
        each.format_markdown()


def test_one_beneficiary_is_named():
    r = voice(_small(BL, ["from: b, to: l, kind: feedback", "from: l, to: b, kind: informs"]))
    assert r.findings()[0].text == "B has a two-way loop with L"


def test_every_beneficiary_heard_and_answered():
    people = [("a", "beneficiary"), ("c", "beneficiary"), ("l", "leader")]
    rels = ["from: a, to: l, kind: feedback, direction: mutual",
            "from: c, to: l, kind: feedback, direction: mutual"]  # fmt: skip
    assert [f.text for f in voice(_small(people, rels)).findings()][:2] == [
        "The voice of every beneficiary group reaches a leader",
        "Every beneficiary group has a two-way loop with a leader",
    ]


# --------------------------------------------------------------------- output


def test_to_dict_is_json_with_stable_keys(result):
    data = json.loads(json.dumps(result.to_dict()))
    assert list(data) == [
        "analysis",
        "findings",
        "stage",
        "max_length",
        "voice_kinds",
        "return_kinds",
        "detailed",
        "detail_limit",
        "by",
        "counts",
        "beneficiaries",
        "leaders",
        "paths",
        "groups",
        "unknown_strength_links",
        "notes",
    ]
    assert list(data["beneficiaries"][0]) == [
        "id",
        "name",
        "verdict",
        "nearest_leader",
        "length",
        "path",
        "weakest_link",
        "leaders_reached",
        "loop_leader",
        "return_path",
        "return_weakest_link",
        "broken_at",
        "return_broken_at",
        "group",
    ]
    # the same keys whatever the verdict, and at scale
    scale = voice(_map(), detail_limit=0).to_dict()
    for d in (data, json.loads(json.dumps(scale))):
        assert all(list(b) == list(data["beneficiaries"][0]) for b in d["beneficiaries"])
        assert all(list(x) == list(data["leaders"][0]) for x in d["leaders"])
    assert data["voice_kinds"] == ["advocates", "feedback", "informs", "represents"]
    assert data["return_kinds"] == sorted(RETURN_KINDS)
    assert data["findings"][0]["text"] == (
        "2 of 5 beneficiary groups have no voice path to any leader: Veterans and Older adults"
    )


def test_text_and_markdown_hold_the_key_figures(result):
    text, md = result.format_text(), result.format_markdown()
    for out in (text, md):
        assert "2 of 5 beneficiary groups have no voice path to any leader: Veterans" in out
        assert "Lived Experience Working Group → CoC board" in out
        assert "Families in shelter → Lived Experience Working Group: 1 (not recorded)" in out
        assert "broken at Veterans → Lived Experience Working Group" in out
        assert "two-way" in out and "one-way" in out and "no voice" in out
        assert "Voice travels through: advocates, feedback, informs, represents." in out
        assert "among equally short paths, the one whose weakest link is strongest" in out
    assert text.startswith("Voice and two-way feedback\n\nFindings:\n- 2 of 5")
    assert md.startswith("## Voice and two-way feedback\n\n### Findings\n\n- 2 of 5")
    assert "| 5 | 2 | 2 | 1 |" in md  # beneficiaries, no voice, one-way, two-way
    assert "| Mayor's Office | no | 0 | 0 |" in md


# -------------------------------------------------------------------- scale


def test_details_are_limited_on_large_maps():
    r = voice(_map(), detail_limit=5)  # 9 stakeholders > 5
    assert r.detailed is False and r.paths is None
    b = _by_id(r)
    # the verdicts, nearest paths and voice breaks are the same
    assert {k: v["verdict"] for k, v in b.items()} == {
        k: v["verdict"] for k, v in _by_id(voice(_map())).items()
    }
    assert b["lewg"]["loop_leader"] == "board"
    assert b["youth"]["path"] == ["youth", "outreach", "council"]
    assert b["veterans"]["broken_at"][0]["from"] == "veterans"
    # what needs per-leader detail is left out, and the result says so
    assert b["lewg"]["leaders_reached"] is None and b["families"]["return_broken_at"] == []
    assert r.leaders[0]["beneficiaries_heard"] is None and r.leaders[2]["hears"] is False
    assert r.findings()[-1].text == (
        "This map has 9 stakeholders, more than 5: each beneficiary's path is shown to its "
        "nearest leader only, without paths to each leader or where return paths break"
    )
    assert any(n.startswith("Details limited") for n in r.notes)


def _random_map(rng: random.Random, n: int) -> sysmap.SystemMap:
    roles = ["beneficiary"] * (n // 3) + ["leader"] * max(1, n // 6)
    roles += ["provider"] * (n - len(roles))
    kinds = ["feedback", "advocates", "represents", "informs", "serves", "governs",
             "collaborates", "funds", "refers", "shares_data"]  # fmt: skip
    text = HEAD + "stakeholders:\n"
    text += "".join(f"  - {{id: s{i}, name: S{i}, role: {r}}}\n" for i, r in enumerate(roles))
    text += "relationships:\n"
    for _ in range(int(n * 1.6)):
        u, v = rng.sample(range(n), 2)
        status = rng.choice(["existing", "existing", "weak", "proposed", "broken"])
        direction = "mutual" if rng.random() < 0.15 else "one-way"
        text += (
            f"  - {{from: s{u}, to: s{v}, kind: {rng.choice(kinds)}, status: {status}, "
            f"direction: {direction}, strength: {rng.randint(0, 5)}}}\n"
        )
    return sysmap.loads_map(text)


def _brute_force(m: sysmap.SystemMap, k: int) -> dict[str, str]:
    """Verdicts from networkx: for each beneficiary and each leader, one search each."""
    from sysmap.analysis._graph import working_digraph

    g_voice = working_digraph(m, kinds=voice_kinds(m), stakeholders_only=True)
    g_ret = nx.DiGraph()
    g_ret.add_nodes_from(g_voice)
    full = working_digraph(m, stakeholders_only=True)
    for u, v in full.edges:
        if set(full.edges[u, v]["kinds"]) & return_kinds(m):
            g_ret.add_edge(u, v)
    leaders = [s.id for s in m.stakeholders if s.role == "leader"]
    out = {}
    for s in m.stakeholders:
        if s.role != "beneficiary":
            continue
        reach = nx.single_source_shortest_path_length(g_voice, s.id, cutoff=k)
        heard_by = [x for x in leaders if x in reach]
        back = [
            x for x in heard_by if s.id in nx.single_source_shortest_path_length(g_ret, x, cutoff=k)
        ]
        out[s.id] = "two-way" if back else "one-way" if heard_by else "no voice"
    return out


@pytest.mark.parametrize("seed", range(12))
def test_every_way_of_working_out_the_verdicts_agrees(seed, monkeypatch):
    rng = random.Random(seed)
    m = _random_map(rng, rng.randint(20, 90))
    k = rng.choice([2, 3, 6])
    expected = _brute_force(m, k)
    detailed = voice(m, max_length=k)
    # small bit-set blocks: several blocks, and the early stop, get exercised
    monkeypatch.setattr(voice_module, "_BLOCK", 3)
    at_scale = voice(m, max_length=k, detail_limit=0)
    for r in (detailed, at_scale):
        assert {b["id"]: b["verdict"] for b in r.beneficiaries} == expected
    for b1, b2 in zip(detailed.beneficiaries, at_scale.beneficiaries, strict=True):
        assert (b1["path"], b1["weakest_link"], b1["broken_at"]) == (
            b2["path"],
            b2["weakest_link"],
            b2["broken_at"],
        )
        if b2["loop_leader"]:  # any leader closing a loop will do; check it closes one
            assert b2["loop_leader"] in b1["leaders_reached"]
            back = [p for p in detailed.paths or [] if p["beneficiary"] == b1["id"]]
            assert any(p["leader"] == b2["loop_leader"] and p["returns"] for p in back)
    assert [x["hears"] for x in detailed.leaders] == [x["hears"] for x in at_scale.leaders]


def test_blocks_of_more_than_64_leaders():
    # 70 leaders: the loop closes only with the last, in the second 64-bit word
    people = [("b", "beneficiary")] + [(f"l{i}", "leader") for i in range(70)]
    rels = [f"from: b, to: l{i}, kind: feedback" for i in range(70)]
    rels.append("from: l69, to: b, kind: informs")
    r = voice(_small(people, rels), detail_limit=0)
    assert r.beneficiaries[0]["verdict"] == "two-way"
    assert r.beneficiaries[0]["loop_leader"] == "l69"


# ------------------------------------------------------------------- examples


@pytest.mark.parametrize("name", ["small.yaml", "homelessness-current.yaml"])
def test_example_maps(name):
    path = EXAMPLES / name
    if not path.exists():
        pytest.skip(f"examples/{name} is not written yet")
    m = sysmap.load_map(path)
    r = voice(m)
    findings = r.findings()
    assert findings and findings[0].importance == 3
    for f in findings:
        assert f.text and "None" not in f.text and "{'" not in f.text
        assert not f.text.endswith(".")
    json.dumps(r.to_dict())
    assert findings[0].text in r.format_text() and findings[0].text in r.format_markdown()
    # the verdicts do not depend on how they were worked out
    assert [b["verdict"] for b in voice(m, detail_limit=0).beneficiaries] == [
        b["verdict"] for b in r.beneficiaries
    ]


def test_by_attribute_flags_only_gaps_of_ten_points_or_more():
    # group x: 5 beneficiaries, 3 with a loop (60%); y: 5, 1 with a loop (20%);
    # overall 4 of 10 = 40%: y is 20 points below -> flagged, x is above -> not.
    # Everyone is heard, so no group has a no-voice gap.
    people, rels = [], []
    for i in range(10):
        group = "x" if i < 5 else "y"
        people.append(
            f"  - {{id: b{i}, name: B{i}, role: beneficiary, attributes: {{g: {group}}}}}"
        )
        rels.append(f"  - {{from: b{i}, to: l, kind: feedback}}")
        if i in (0, 1, 2, 5):
            rels.append(f"  - {{from: l, to: b{i}, kind: informs}}")
    text = HEAD + "stakeholders:\n" + "\n".join(people) + "\n  - {id: l, name: L, role: leader}\n"
    text += "relationships:\n" + "\n".join(rels) + "\n"
    r = voice(sysmap.loads_map(text), by="g")
    assert [f.text for f in r.findings() if "g = " in f.text] == [
        "g = y: 1 of 5 beneficiary groups has a two-way loop with a leader (overall 4 of 10)"
    ]
    # one more loop in y: y 2 of 5 = 40%, overall 5 of 10 = 50%
    rels.append("  - {from: l, to: b6, kind: informs}")
    text = HEAD + "stakeholders:\n" + "\n".join(people) + "\n  - {id: l, name: L, role: leader}\n"
    text += "relationships:\n" + "\n".join(rels) + "\n"
    r = voice(sysmap.loads_map(text), by="g")
    # overall 50%, y 40%: exactly 10 points -> flagged; x 60% -> not
    assert [f.text for f in r.findings() if "g = " in f.text] == [
        "g = y: 2 of 5 beneficiary groups have a two-way loop with a leader (overall 5 of 10)"
    ]


# Two equally short ways back from the board to the tenants: through a clerk
# (weakest link 1) or a newsletter (weakest link 4). With the newsletter listed
# first, the search sysmap used before this rule showed the clerk's weak path.
TIES_BACK = """\
id: ties
title: Ties
guiding_question: Which way does the answer come back?
stakeholders:
  - {id: tenants, name: Tenants, role: beneficiary}
  - {id: newsletter, name: Newsletter, role: provider}
  - {id: clerk, name: Clerk, role: provider}
  - {id: board, name: Housing board, role: leader}
relationships:
  - {from: tenants, to: board, kind: feedback, strength: 3}
  - {from: board, to: clerk, kind: informs, strength: 5}
  - {from: clerk, to: tenants, kind: informs, strength: 1}
  - {from: board, to: newsletter, kind: informs, strength: 4}
  - {from: newsletter, to: tenants, kind: informs, strength: 4}
"""


def test_the_return_path_shown_is_the_strongest_of_the_shortest():
    result = voice(sysmap.loads_map(TIES_BACK))
    (b,) = result.beneficiaries
    assert b["verdict"] == "two-way"
    assert b["return_path"] == ["board", "newsletter", "tenants"]
    assert b["return_weakest_link"] == {
        "from": "board",
        "to": "newsletter",
        "strength": 4.0,
        "recorded": True,
    }
    (path,) = result.paths or []
    assert path["return_path"] == ["board", "newsletter", "tenants"]


def test_a_broken_return_is_looked_for_the_way_voice_is():
    # the newsletter's last link is broken: the return through it breaks in one place,
    # the clerk's way (also two steps, both links working but one weak) is whole
    text = TIES_BACK.replace(
        "{from: newsletter, to: tenants, kind: informs, strength: 4}",
        "{from: newsletter, to: tenants, kind: informs, strength: 4, status: broken}",
    )
    (b,) = voice(sysmap.loads_map(text)).beneficiaries
    assert b["verdict"] == "two-way"
    assert b["return_path"] == ["board", "clerk", "tenants"]
