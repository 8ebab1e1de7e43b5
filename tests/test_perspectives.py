"""Perspectives: the system as each source sees it; every figure worked out by hand."""

from __future__ import annotations

import json

import pytest

import sysmap
from helpers import EXAMPLES
from sysmap.analysis._base import AnalysisResult
from sysmap.analysis._perspectives import perspectives
from sysmap.errors import BadArgument, SysmapError

# Who asserts what (views: LE = lived experience, B = beneficiary, P = provider, L = leader):
#   council: a beneficiary with lived experience -> B and LE
#   peer:    a provider with lived experience    -> P and LE
#   the beneficiary group                          -> B and LE
MAP = """\
id: persp
title: Perspectives
guiding_question: Does referral work?
stakeholders:
  - {id: ce, name: Coordinated entry, role: provider}
  - {id: shelter, name: Shelter, role: provider}
  - {id: board, name: CoC board, role: leader}
  - {id: council, name: Lived experience council, role: beneficiary, lived_experience: true}
  - {id: peer, name: Peer navigator, role: provider, lived_experience: true}
  - {id: outreach, name: Street outreach, role: provider}
relationships:
  # r1 P
  - {from: ce, to: shelter, kind: refers, strength: 4, trust: 3,
     evidence: [{source: interview, asserted_by: provider}]}
  # r2 B, LE
  - {from: ce, to: shelter, kind: refers, strength: 1, trust: 2,
     evidence: [{source: workshop, asserted_by: council}]}
  # r3 P
  - {from: outreach, to: council, kind: serves, strength: 3, trust: 4,
     evidence: [{source: interview, asserted_by: provider}]}
  # r4 B, LE
  - {from: outreach, to: council, kind: serves, strength: 3, trust: 4, status: weak,
     evidence: [{source: survey, asserted_by: beneficiary}]}
  # r5 L
  - {from: council, to: board, kind: feedback, strength: 2,
     evidence: [{source: interview, asserted_by: leader}]}
  # r6 P, LE
  - {from: council, to: board, kind: feedback, strength: 2,
     evidence: [{source: interview, asserted_by: peer}]}
  # r7 L
  - {from: board, to: ce, kind: funds, strength: 5, trust: 4,
     evidence: [{source: document, asserted_by: leader}]}
  # r8 P
  - {from: board, to: ce, kind: funds, strength: 4, trust: 1,
     evidence: [{source: interview, asserted_by: provider}]}
  # r9 unattributed (no evidence)
  - {from: shelter, to: council, kind: serves}
  # r10 unattributed (evidence without asserted_by)
  - {from: ce, to: outreach, kind: shares_data, direction: mutual,
     evidence: [{source: record}]}
  # r11 P, LE
  - {from: peer, to: council, kind: serves, strength: 4, status: broken,
     evidence: [{source: interview, asserted_by: peer}]}
"""


@pytest.fixture
def m():
    return sysmap.loads_map(MAP)


def test_view_figures_by_hand(m):
    r = perspectives(m)
    got = {
        v.view: (
            v.relationships,
            v.elements,
            v.links,
            v.density,
            v.mean_strength,
            v.mean_trust,
            v.weak_or_broken,
            v.share_weak_or_broken,
        )
        for v in [*r.views, r.unattributed]
    }
    assert [v.view for v in r.views] == ["lived_experience", "beneficiary", "provider", "leader"]
    # LE: r2 r4 r6 r11; elements ce shelter outreach council board peer = 6;
    #   working links ce>shelter, outreach>council (weak counts), council>board = 3
    #   (r11 is broken); density 3 / (6*5) = 0.1; strength (1+3+2+4)/4 = 2.5;
    #   trust (2+4)/2 = 3; weak or broken r4, r11 = 2 of 4
    assert got["lived_experience"] == (4, 6, 3, pytest.approx(0.1), 2.5, 3.0, 2, 0.5)
    # B: r2 r4; ce shelter outreach council = 4; 2 links, 2/12; (1+3)/2; (2+4)/2; r4 weak
    assert got["beneficiary"] == (2, 4, 2, pytest.approx(2 / 12), 2.0, 3.0, 1, 0.5)
    # P: r1 r3 r6 r8 r11; 6 elements; links ce>shelter outreach>council council>board
    #   board>ce = 4 -> 4/30; strength (4+3+2+4+4)/5 = 3.4; trust (3+4+1)/3; r11 broken
    assert got["provider"] == (
        5,
        6,
        4,
        pytest.approx(4 / 30),
        pytest.approx(3.4),
        pytest.approx(8 / 3),
        1,
        0.2,
    )
    # L: r5 r7; council board ce = 3; 2 links / 6; (2+5)/2; trust 4 (r7 only)
    assert got["leader"] == (2, 3, 2, pytest.approx(1 / 3), 3.5, 4.0, 0, 0.0)
    # unattributed: r9 r10; shelter council ce outreach = 4; shelter>council, ce<>outreach
    #   both ways = 3 links / 12; no strength or trust recorded
    assert got["unattributed"] == (2, 4, 3, 0.25, None, None, 0, 0.0)
    assert r.total_relationships == 11


def test_comparisons_by_hand(m):
    r = perspectives(m)
    pairs = {c.views: c for c in r.comparisons}
    # LE contains B by definition: that pair is not compared
    assert list(pairs) == [
        ("lived_experience", "provider"),
        ("lived_experience", "leader"),
        ("beneficiary", "provider"),
        ("beneficiary", "leader"),
        ("provider", "leader"),
    ]
    le_p = pairs[("lived_experience", "provider")]
    # shared keys: ce>shelter refers, outreach>council serves, council>board feedback,
    # peer>council serves; only P: board>ce funds
    assert le_p.shared == 4 and le_p.only_first == []
    assert le_p.only_second == [("board", "ce", "funds")]
    # refers: LE 1 (r2) vs P 4 (r1): 3 points; serves: weak (r4) vs existing (r3);
    # feedback and peer>council: the same entries (r6, r11) in both views
    assert [(d.source, d.target, d.differs, d.gap) for d in le_p.disagreements] == [
        ("ce", "shelter", ["strength"], 3.0),
        ("outreach", "council", ["status"], 0.0),
    ]
    a, b = le_p.disagreements[0].ratings
    assert (a.view, a.strength, a.trust, a.status) == ("lived_experience", 1.0, 2.0, "existing")
    assert (b.view, b.strength, b.trust, b.status) == ("provider", 4.0, 3.0, "existing")
    # P vs L: funds board>ce trust 1 (r8) vs 4 (r7) = 3; strength 4 vs 5 = 1 (not enough)
    p_l = pairs[("provider", "leader")]
    assert [(d.source, d.target, d.differs) for d in p_l.disagreements] == [
        ("board", "ce", ["trust"])
    ]
    assert (len(p_l.only_first), len(p_l.only_second), p_l.shared) == (3, 0, 2)
    # LE vs L: feedback r6 vs r5 both strength 2: no disagreement
    assert pairs[("lived_experience", "leader")].disagreements == []
    assert (
        len(pairs[("beneficiary", "leader")].only_first),
        pairs[("beneficiary", "leader")].shared,
    ) == (2, 0)


def test_findings_text(m):
    texts = [f.text for f in perspectives(m).findings()]
    assert texts == [
        "People with lived experience and providers disagree on 2 relationships: providers "
        "rate Coordinated entry → Shelter 4/5, people with lived experience 1/5",
        # beneficiaries vs providers says the same thing: not repeated
        "Providers and leaders disagree on 1 relationship: leaders rate trust on CoC board → "
        "Coordinated entry 4/5, providers 1/5",
        # views with 3+ relationships: LE 2/4 = 50%, P 1/5 = 20%: 30 points apart
        "People with lived experience see 50% of the relationships they assert as weak or "
        "broken, providers 20%",
        "People with lived experience assert 0 relationships that providers do not, and "
        "providers 1 that people with lived experience do not",
        "People with lived experience assert 3 relationships that leaders do not, and leaders "
        "1 that people with lived experience do not",
        "Beneficiaries assert 0 relationships that providers do not, and providers 3 that "
        "beneficiaries do not",
        "Beneficiaries assert 2 relationships that leaders do not, and leaders 2 that "
        "beneficiaries do not",
        "Providers assert 3 relationships that leaders do not, and leaders 0 that providers do not",
        "2 of 11 relationships do not say who asserted them (the unattributed view)",
    ]
    f = perspectives(m).findings()
    assert [x.importance for x in f[:3]] == [3, 2, 2]


def test_threshold(m):
    r = perspectives(m, threshold=4)
    le_p = next(c for c in r.comparisons if c.views == ("lived_experience", "provider"))
    # 3-point gaps no longer count; the status difference still does
    assert [d.differs for d in le_p.disagreements] == [["status"]]
    assert r.findings()[0].text == (
        "People with lived experience and providers disagree on 1 relationship: providers "
        "record Street outreach → Lived experience council as existing, people with lived "
        "experience as weak"
    )


def test_a_stakeholder_as_a_view(m):
    r = perspectives(m, groups=["council", "provider"])
    assert [v.label for v in r.views] == ["Lived experience council", "providers"]
    assert r.views[0].relationships == 1  # r2 only
    assert r.findings()[0].text == (
        "Lived experience council and providers disagree on 1 relationship: providers rate "
        "Coordinated entry → Shelter 4/5, Lived experience council 1/5"
    )
    assert r.findings()[1].text == (
        "Lived experience council asserts 0 relationships that providers do not, and "
        "providers 4 that Lived experience council does not"
    )
    # a stakeholder's view is part of its role's view: not compared with it
    assert perspectives(m, groups=["peer", "provider", "lived_experience"]).comparisons[
        0
    ].views == (
        "provider",
        "lived_experience",
    )
    assert len(perspectives(m, groups=["peer", "provider", "lived_experience"]).comparisons) == 1


def test_unknown_group(m):
    with pytest.raises(BadArgument) as e:
        perspectives(m, groups=["provder"])
    assert str(e.value) == (
        "unknown perspective 'provder' — did you mean 'provider'? use lived_experience, "
        "beneficiary, provider or leader, or a stakeholder's id"
    )
    assert isinstance(e.value, SysmapError)
    assert e.value.argument == "groups"
    assert e.value.choices == ("lived_experience", "beneficiary", "provider", "leader")


def test_no_attribution():
    m = sysmap.loads_map(
        """\
id: t
title: T
guiding_question: Q?
stakeholders:
  - {id: a, name: A, role: provider}
  - {id: b, name: B, role: leader}
relationships:
  - {from: a, to: b, kind: informs}
"""
    )
    r = perspectives(m)
    assert [f.text for f in r.findings()] == [
        "No relationship records who asserted it (evidence asserted_by), so the map shows one "
        "view of the system — record who told you, to compare views"
    ]
    assert r.unattributed.relationships == 1
    assert all(v.relationships == 0 and v.density is None for v in r.views)


def test_to_dict_is_json_with_stable_keys(m):
    r = perspectives(m)
    assert isinstance(r, AnalysisResult)
    data = r.to_dict()
    json.dumps(data)
    assert list(data) == [
        "analysis",
        "threshold",
        "views",
        "unattributed",
        "total_relationships",
        "comparisons",
        "findings",
    ]
    assert list(data["views"][0]) == [
        "view",
        "label",
        "relationships",
        "elements",
        "links",
        "density",
        "mean_strength",
        "mean_trust",
        "weak_or_broken",
        "share_weak_or_broken",
    ]
    c = data["comparisons"][0]
    assert list(c) == ["views", "shared", "only_first", "only_second", "disagreements"]
    assert c["only_second"] == [{"from": "board", "to": "ce", "kind": "funds"}]
    assert c["disagreements"][0] == {
        "from": "ce",
        "to": "shelter",
        "kind": "refers",
        "from_name": "Coordinated entry",
        "to_name": "Shelter",
        "differs": ["strength"],
        "gap": 3.0,
        "ratings": [
            {
                "view": "lived_experience",
                "strength": 1.0,
                "trust": 2.0,
                "status": "existing",
                "entries": 1,
            },
            {"view": "provider", "strength": 4.0, "trust": 3.0, "status": "existing", "entries": 1},
        ],
    }


def test_text_and_markdown_show_the_key_figures(m):
    text = perspectives(m).format_text()
    assert (
        "people with lived experience  4              6         0.100    2.5            3  "
        "         50%"
    ) in text
    assert (
        "unattributed                  2              4         0.250    —              —  "
        "         0%"
    ) in text
    assert (
        "People with lived experience vs providers: 2 rated differently, 4 asserted by both, "
        "0 only by people with lived experience, 1 only by providers"
    ) in text
    assert "Coordinated entry → Shelter" in text and "1 / 2 / existing" in text
    md = perspectives(m).format_markdown()
    assert "**People with lived experience vs providers:** 2 rated differently, 4 " in md
    assert "| providers | 5 | 6 | 0.133 | 3.4 | 2.7 | 20% |" in md
    assert (
        "| Coordinated entry → Shelter | refers | 1 / 2 / existing | 4 / 3 / existing | strength |"
        in md
    )


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_examples(path):
    m = sysmap.load_map(path)
    r = perspectives(m)
    json.dumps(r.to_dict())
    assert sum(1 for _ in r.views) == 4
    assert r.format_text() and r.format_markdown()
