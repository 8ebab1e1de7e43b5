"""The power analysis: every figure checked by hand on a small map written here."""

from __future__ import annotations

import json

import numpy as np
import pytest

import sysmap
from helpers import EXAMPLES
from sysmap.analysis._base import AnalysisResult
from sysmap.analysis._power import PowerResult, gini, power

# Seven stakeholders; power recorded for five of them: [1, 1, 3, 5, 0].
# Relationships marked (x) do not count in a current map.
MAP = """\
id: riverton
title: Riverton
guiding_question: How do people leave homelessness faster?
stakeholders:
  - {id: youth, name: Youth experiencing homelessness, role: beneficiary, power: 1}
  - {id: families, name: Families in shelter, role: beneficiary, power: 1}
  - {id: lewg, name: Lived Experience Working Group, role: beneficiary}
  - {id: outreach, name: Street outreach, role: provider, power: 3}
  - {id: shelter, name: Family shelter, role: provider}
  - {id: council, name: City Council, role: leader, power: 5}
  - {id: foundation, name: Community Foundation, role: leader, power: 0}
relationships:
  - {from: council, to: outreach, kind: funds, power: {amount: 4, carries: [money]}}
  - {from: council, to: shelter, kind: contracts, power: {amount: 3, carries: [money, decisions]}}
  # (x) broken: no longer funds outreach
  - {from: foundation, to: outreach, kind: funds, status: broken,
     power: {amount: 2, carries: [money]}}
  # (x) proposed: counts only in a redesign
  - {from: foundation, to: outreach, kind: funds, status: proposed,
     power: {amount: 2, carries: [money]}}
  - {from: foundation, to: shelter, kind: funds, power: {amount: 2, carries: [money]}}
  - {from: council, to: outreach, kind: governs, power: {amount: 2, carries: [authority]}}
  - {from: outreach, to: youth, kind: serves, power: {amount: 1, carries: [decisions]}}
  - {from: lewg, to: council, kind: collaborates, direction: mutual,
     power: {amount: 1, carries: [decisions]}}
  - {from: outreach, to: lewg, kind: informs, power: {amount: 1, carries: [information]}}
  - {from: shelter, to: families, kind: serves}
  - {from: outreach, to: families, kind: refers}
  - {from: council, to: lewg, kind: compensates, power: {amount: 1, carries: [money]}}
"""


@pytest.fixture
def result() -> PowerResult:
    return power(sysmap.loads_map(MAP))


def test_result_follows_the_analysis_protocol(result):
    assert isinstance(result, AnalysisResult)
    assert result.name == "power"


# ---------------------------------------------------------------- power held


def test_power_held_by_role(result):
    # recorded: youth 1, families 1, outreach 3, council 5, foundation 0 -> total 10
    # missing: lewg (beneficiary), shelter (provider)
    assert result.total_power == 10
    assert result.stakeholders == 7 and result.recorded == 5 and result.missing == 2
    b, p, ld = (result.by_role[r] for r in ("beneficiary", "provider", "leader"))
    # beneficiaries: 1 + 1 = 2 of 10 = 20%; mean 2 / 2 recorded = 1.0; 1 missing
    assert b == {
        "stakeholders": 3,
        "recorded": 2,
        "missing": 1,
        "power": 2,
        "share": 0.2,
        "mean": 1.0,
    }
    # providers: 3 of 10 = 30%; mean 3 / 1 = 3.0; shelter missing
    assert (p["power"], p["share"], p["mean"], p["missing"]) == (3, 0.3, 3.0, 1)
    # leaders: 5 + 0 = 5 of 10 = 50%; mean 5 / 2 = 2.5; a recorded 0 is not missing
    assert (ld["power"], ld["share"], ld["mean"], ld["missing"]) == (5, 0.5, 2.5, 0)


def test_concentration(result):
    c = result.concentration
    # Gini over the 5 recorded values (missing left out, 0 kept): sorted [0, 1, 1, 3, 5],
    # n = 5, Σx = 10, Σ i·x_(i) = 1·0 + 2·1 + 3·1 + 4·3 + 5·5 = 42
    # G = (2·42 − (5+1)·10) / (5·10) = (84 − 60) / 50 = 0.48
    assert c["gini"] == pytest.approx(0.48)
    assert c["stakeholders"] == 5 and c["missing_excluded"] == 2
    # top 10% of 5 = ceil(0.5) = 1 stakeholder: council 5 of 10 = 50%
    assert c["top10"] == {"count": 1, "share": 0.5, "stakeholders": ["council"]}
    # top 3: council 5 + outreach 3 + youth 1 (before families: map order) = 9 of 10
    assert c["top3"] == {
        "count": 3,
        "share": pytest.approx(0.9),
        "stakeholders": ["council", "outreach", "youth"],
    }


@pytest.mark.parametrize(
    "values",
    [[1, 1, 3, 5], [0, 1, 1, 3, 5], [5], [2, 2, 2, 2], [0, 0, 0, 5], [1, 2, 3, 4, 5, 0, 0, 4]],
)
def test_gini_matches_mean_absolute_difference(values):
    # independent formula: mean of |x_i − x_j| over all ordered pairs / (2 · mean)
    x = np.asarray(values, dtype=float)
    expected = np.abs(x[:, None] - x[None, :]).mean() / (2 * x.mean())
    assert gini(values) == pytest.approx(expected)


def test_gini_by_hand():
    # [1, 1, 3, 5]: Σ i·x = 1 + 2 + 9 + 20 = 32; G = (64 − 5·10) / (4·10) = 14/40
    assert gini([1, 1, 3, 5]) == 0.35
    # everything in one hand of n: G = (n − 1) / n; [0, 0, 0, 5] -> 3/4
    assert gini([0, 0, 0, 5]) == 0.75
    assert gini([]) is None and gini([0, 0]) is None


# --------------------------------------------------------------- power carried


def test_flows_between_role_groups(result):
    # counted (current map: not the broken or the proposed funding):
    #   council→outreach 4 (money), council→shelter 3 (money, decisions),
    #   foundation→shelter 2 (money), council→outreach 2 (authority)   => leader→provider 11
    #   outreach→youth 1 (decisions), outreach→lewg 1 (information)    => provider→beneficiary 2
    #   lewg↔council 1 (decisions, mutual: both ways)                  => b→l 1, l→b 1
    #   council→lewg 1 (money)                                         => leader→beneficiary 2
    f = result.flows
    assert f["all"]["leader"]["provider"] == 11
    assert f["all"]["provider"]["beneficiary"] == 2
    assert f["all"]["beneficiary"]["leader"] == 1
    assert f["all"]["leader"]["beneficiary"] == 2
    assert result.flow_total == 11 + 2 + 1 + 2
    # per thing carried: a relationship counts once for each thing it carries
    assert f["money"]["leader"]["provider"] == 4 + 3 + 2
    assert f["money"]["leader"]["beneficiary"] == 1
    assert f["decisions"]["leader"]["provider"] == 3
    assert f["decisions"]["provider"]["beneficiary"] == 1
    assert f["decisions"]["beneficiary"]["leader"] == 1
    assert f["decisions"]["leader"]["beneficiary"] == 1
    assert f["authority"]["leader"]["provider"] == 2
    assert f["information"]["provider"]["beneficiary"] == 1
    assert set(f) == {"all", "authority", "money", "decisions", "information"}
    # nothing else anywhere
    assert sum(v for row in f["authority"].values() for v in row.values()) == 2


def test_decision_power(result):
    # carries decisions or authority: council→shelter 3, council→outreach 2,
    # outreach→youth 1, lewg→council 1, council→lewg 1 => 8;
    # from beneficiaries 1 of 8 = 12.5%
    dp = result.decision_power
    assert dp["total"] == 8
    assert dp["by_role"] == {"beneficiary": 1, "provider": 1, "leader": 6}
    assert dp["beneficiary_share"] == 0.125


# ----------------------------------------------------------------- dependence


def test_dependence(result):
    # outreach: funded by council only (foundation's funding is broken / proposed)
    # shelter: council (contracts) and foundation (funds) -> two funders
    # lewg: compensated by council only
    assert [(d["stakeholder"], d["funder"]) for d in result.single_funder] == [
        ("lewg", "council"),
        ("outreach", "council"),
    ]
    assert result.single_funder[1]["name"] == "Street outreach"
    assert result.single_funder[1]["funder_name"] == "City Council"
    # youth: served by outreach only; families: shelter serves, outreach refers;
    # lewg: nobody serves or refers it
    assert result.single_gatekeeper == [
        {
            "beneficiary": "youth",
            "name": "Youth experiencing homelessness",
            "gatekeeper": "outreach",
            "gatekeeper_name": "Street outreach",
        }
    ]
    assert result.unserved == ["lewg"]
    assert result.funding == [
        {"funder": "council", "funded": "lewg", "kinds": ["compensates"], "amount": 1,
         "relationships": 1},
        {"funder": "council", "funded": "outreach", "kinds": ["funds"], "amount": 4,
         "relationships": 1},
        {"funder": "council", "funded": "shelter", "kinds": ["contracts"], "amount": 3,
         "relationships": 1},
        {"funder": "foundation", "funded": "shelter", "kinds": ["funds"], "amount": 2,
         "relationships": 1},
    ]  # fmt: skip


def test_findings_in_plain_words(result):
    assert [(f.importance, f.text) for f in result.findings()] == [
        (3, "Leaders hold 50% of the power in this map; providers 30%, beneficiaries 20%"),
        # 1/8 = 12.5% rounds half up
        (3, "Beneficiaries carry 13% of decision power"),
        # leaders hold most in sum, but the one provider with power recorded holds more
        # than the average leader: 3 / 1 = 3; (5 + 0) / 2 = 2.5; (1 + 1) / 2 = 1
        (2, "On average a provider holds 3 of 5; a leader 2.5, a beneficiary 1"),
        (
            2,
            "Power is not recorded for 2 of 7 stakeholders (1 beneficiary, 1 provider); "
            "shares and the Gini leave them out",
        ),
        (
            2,
            "Power is concentrated (Gini 0.48): the top 3 — City Council, Street outreach "
            "and Youth experiencing homelessness — hold 90% of it",
        ),
        # 11/16 = 68.75% -> 69%; 2/16 = 12.5% -> 13%; from beneficiaries 1/16 = 6.25% -> 6%
        (
            2,
            "Of the power carried by relationships, 69% flows leader → provider, "
            "13% provider → beneficiary; 6% starts with beneficiaries",
        ),
        (2, "Lived Experience Working Group depends on a single funder: City Council"),
        (2, "Street outreach depends on a single funder: City Council"),
        (
            2,
            "Only Street outreach serves or refers Youth experiencing homelessness: "
            "a single gatekeeper",
        ),
        (2, "Nobody serves or refers 1 beneficiary: Lived Experience Working Group"),
        (1, "City Council funds 3 stakeholders, more than any other funder"),
    ]
    funder = next(f for f in result.findings() if f.text.startswith("Street outreach"))
    assert funder.subjects == ["outreach", "council"] and funder.analysis == "power"


def test_proposed_relationships_count_in_a_redesign():
    m = sysmap.loads_map(MAP + "stage: redesign\n")
    r = power(m)
    # the proposed foundation→outreach funding (2, money) now counts:
    # leader→provider 11 + 2 = 13; outreach has two funders
    assert r.flows["all"]["leader"]["provider"] == 13
    assert [d["stakeholder"] for d in r.single_funder] == ["lewg"]
    # the broken one never counts
    assert r.flows["money"]["leader"]["provider"] == 4 + 3 + 2 + 2


def test_to_dict_is_json_with_stable_keys(result):
    data = json.loads(json.dumps(result.to_dict()))
    assert list(data) == [
        "analysis",
        "findings",
        "stakeholders",
        "recorded",
        "missing",
        "total_power",
        "by_role",
        "concentration",
        "flow_total",
        "flows",
        "decision_power",
        "single_funder",
        "single_gatekeeper",
        "unserved",
        "funding",
    ]
    assert data["analysis"] == "power"
    assert data["findings"][0] == {
        "text": "Leaders hold 50% of the power in this map; providers 30%, beneficiaries 20%",
        "analysis": "power",
        "importance": 3,
        "subjects": [],
    }
    assert list(data["by_role"]) == ["beneficiary", "provider", "leader"]
    assert list(data["by_role"]["beneficiary"]) == [
        "stakeholders", "recorded", "missing", "power", "share", "mean",
    ]  # fmt: skip
    assert list(data["concentration"]) == [
        "gini", "stakeholders", "missing_excluded", "top10", "top3",
    ]  # fmt: skip
    assert list(data["decision_power"]) == ["total", "by_role", "beneficiary_share"]


def test_text_and_markdown_hold_the_key_figures(result):
    text = result.format_text()
    md = result.format_markdown()
    for out in (text, md):
        assert "Leaders hold 50% of the power" in out
        assert "0.48" in out
        assert "Street outreach" in out and "City Council" in out
        assert "Top 10% (1) hold 50%" in out
        assert "from beneficiaries 1 (13%)" in out
    assert text.startswith("Power\n\nFindings:\n- Leaders hold 50%")
    assert md.startswith("## Power\n\n### Findings\n\n- Leaders hold 50%")
    # the role table and the flow matrix
    assert "leader       2             5      50%    2.50  0" in text
    assert "| leader | 2 | 5 | 50% | 2.50 | 0 |" in md
    assert "| from leader | 2 | 11 | 0 |" in md
    assert "| City Council | Street outreach | funds | 4 |" in md


# ------------------------------------------------------------------ edge cases


def _map(stakeholders: str, relationships: str = "") -> sysmap.SystemMap:
    text = f"id: m\ntitle: M\nguiding_question: Q?\nstakeholders:\n{stakeholders}"
    if relationships:
        text += f"relationships:\n{relationships}"
    return sysmap.loads_map(text)


def test_no_power_recorded_and_no_power_carried():
    m = _map(
        "  - {id: a, name: A, role: beneficiary}\n  - {id: b, name: B, role: leader}\n",
        "  - {from: a, to: b, kind: feedback}\n",
    )
    r = power(m)
    assert r.total_power == 0 and r.missing == 2
    assert r.concentration["gini"] is None
    assert r.by_role["leader"]["share"] is None and r.by_role["leader"]["mean"] is None
    assert r.decision_power["beneficiary_share"] is None
    assert [f.text for f in r.findings()] == [
        "No stakeholder has power recorded: add power (0–5) to see who holds it",
        "Nobody serves or refers 1 beneficiary: A",
        "No relationship carries decisions or authority, so nobody's share of decision "
        "power can be measured",
        "No relationship records the power it carries: add power {amount, carries} to see "
        "how power flows",
    ]
    json.dumps(r.to_dict())
    assert "not measurable" in r.format_text()


def test_empty_map():
    r = power(sysmap.loads_map("id: m\ntitle: M\nguiding_question: Q?\n"))
    assert [f.text for f in r.findings()] == ["The map has no stakeholders yet"]
    json.dumps(r.to_dict())
    r.format_text()
    r.format_markdown()


def test_beneficiaries_with_no_decision_power():
    m = _map(
        "  - {id: b, name: Youth, role: beneficiary, power: 0}\n"
        "  - {id: l, name: CoC board, role: leader, power: 5}\n"
        "  - {id: p, name: Outreach, role: provider, power: 2}\n",
        "  - {from: l, to: p, kind: governs, power: {amount: 3, carries: [decisions]}}\n",
    )
    texts = [f.text for f in power(m).findings()]
    # 5 / 7 = 71.4%, 2 / 7 = 28.6%, 0 / 7 = 0%
    assert texts[0] == "Leaders hold 71% of the power in this map; providers 29%, beneficiaries 0%"
    assert texts[1] == "Beneficiaries carry 0% of decision power"


def test_tiny_and_near_total_shares_read_as_words():
    # 1 of 1 + 5 × 250 = 1,251 is 0.08%: not 0%; the leaders' 1,250 / 1,251 is not 100%
    leaders = "".join(
        f"  - {{id: l{i}, name: Leader {i}, role: leader, power: 5}}\n" for i in range(250)
    )
    m = _map("  - {id: b, name: Youth, role: beneficiary, power: 1}\n" + leaders, "")
    r = power(m)
    assert r.findings()[0].text == (
        "Leaders hold over 99% of the power in this map; beneficiaries under 1%"
    )
    assert "beneficiary  1             1      under 1%" in r.format_text()


def test_many_single_funders_and_a_shared_gatekeeper_are_summed_up():
    people = "".join(f"  - {{id: p{i}, name: P{i}, role: provider}}\n" for i in range(7))
    people += (
        "  - {id: city, name: City, role: leader}\n  - {id: county, name: County, role: leader}\n"
    )
    people += "".join(f"  - {{id: b{i}, name: B{i}, role: beneficiary}}\n" for i in range(3))
    rels = "".join(
        f"  - {{from: {'city' if i < 5 else 'county'}, to: p{i}, kind: funds}}\n" for i in range(7)
    )
    rels += "  - {from: p0, to: b0, kind: serves}\n  - {from: p0, to: b1, kind: refers}\n"
    rels += "  - {from: p1, to: b2, kind: serves}\n  - {from: city, to: b2, kind: serves}\n"
    r = power(_map(people, rels))
    texts = [f.text for f in r.findings()]
    assert "7 stakeholders depend on a single funder: 5 on City, 2 on County" in texts
    # p0 gatekeeps b0 and b1; b2 is reached by a provider and a leader that serves directly
    assert "P0 is the only way in for 2 beneficiaries: B0 and B1" in texts
    assert [d["beneficiary"] for d in r.single_gatekeeper] == ["b0", "b1"]
    assert "City funds 5 stakeholders, more than any other funder" in texts


# ------------------------------------------------------------------- examples


@pytest.mark.parametrize("name", ["small.yaml", "homelessness-current.yaml"])
def test_example_maps(name):
    path = EXAMPLES / name
    if not path.exists():
        pytest.skip(f"examples/{name} is not written yet")
    r = power(sysmap.load_map(path))
    findings = r.findings()
    assert findings and findings[0].importance == 3
    for f in findings:
        # plain words: no ids in braces, no Python reprs, a sentence without a final dot
        assert f.text and "None" not in f.text and "{'" not in f.text
        assert not f.text.endswith(".")
    json.dumps(r.to_dict())
    assert findings[0].text in r.format_text() and findings[0].text in r.format_markdown()


def test_concentration_in_a_large_map_speaks_of_the_top_ten_percent():
    # 36 beneficiaries with 0, 4 leaders with 5: Σx = 20, n = 40;
    # Σ i·x_(i) = 5·(37 + 38 + 39 + 40) = 770; G = (2·770 − 41·20) / (40·20) = 720/800 = 0.9
    # (all of it equally in 4 of 40 hands: 1 − 4/40 = 0.9); top 10% = 4 stakeholders = 100%
    people = "".join(
        f"  - {{id: b{i}, name: B{i}, role: beneficiary, power: 0}}\n" for i in range(36)
    )
    people += "".join(f"  - {{id: l{i}, name: L{i}, role: leader, power: 5}}\n" for i in range(4))
    r = power(_map(people))
    assert r.concentration["gini"] == pytest.approx(0.9)
    assert r.concentration["top10"]["count"] == 4 and r.concentration["top10"]["share"] == 1.0
    assert "Power is concentrated (Gini 0.90): the top 10% (4 stakeholders) hold 100% of it" in [
        f.text for f in r.findings()
    ]
