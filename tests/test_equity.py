"""The equity lens: metrics and indicators by an attribute; every figure by hand."""

from __future__ import annotations

import json

import pytest

import sysmap
from helpers import EXAMPLES
from sysmap.analysis._base import AnalysisResult
from sysmap.analysis._equity import BUILT_IN_ATTRIBUTES, default_metrics, equity
from sysmap.analysis._graph import working_digraph
from sysmap.errors import BadArgument, SysmapError
from sysmap.model import ROLES

MAP = """\
id: eq
title: Equity
guiding_question: Who holds power?
stakeholders:
  - {id: b1, name: B1, role: beneficiary, power: 1, interest: 5,
     attributes: {race: Black, age_group: 18-24}}
  - {id: b2, name: B2, role: beneficiary, power: 0, interest: 4, attributes: {race: Black}}
  - {id: b3, name: B3, role: beneficiary, power: 1, interest: 3, attributes: {race: Black}}
  - {id: b4, name: B4, role: beneficiary, power: 2, interest: 3, attributes: {race: White}}
  - {id: b5, name: B5, role: beneficiary, power: 2, interest: 2, attributes: {race: White}}
  - {id: b6, name: B6, role: beneficiary, power: 3, attributes: {race: White}}
  - {id: b7, name: B7, role: beneficiary, power: 3, interest: 1, attributes: {race: Asian}}
  - {id: b8, name: B8, role: beneficiary, power: 0, lived_experience: true}
  - {id: p1, name: P1, role: provider, power: 4, interest: 3, attributes: {race: White}}
  - {id: l1, name: L1, role: leader, power: 5, interest: 2, attributes: {race: White}}
relationships:
  - {from: p1, to: b1, kind: serves}
  - {from: p1, to: b4, kind: serves}
  - {from: p1, to: b4, kind: informs}                           # same pair: one neighbour
  - {from: b4, to: l1, kind: feedback, direction: mutual}       # both ways
  - {from: b1, to: l1, kind: feedback, status: broken}          # does not count
  - {from: b5, to: l1, kind: feedback, status: proposed}        # not in a current map
  - {from: l1, to: p1, kind: funds}
  - {from: b7, to: p1, kind: feedback, status: weak}            # weak counts
indicators:
  - id: pit
    name: Unsheltered (PIT)
    unit: people
    value: 1000
    disaggregations:
      - {by: race, values: {Black: 190, White: 620, Latino: 140, Asian: 50}}
      - {by: age_group, values: {"18-24": 300, "25+": 700}}
  - id: housed
    name: Housed within 90 days
    unit: "%"
    value: 40
    disaggregations:
      - {by: race, values: {Black: 24, White: 50}}
"""


@pytest.fixture
def m():
    return sysmap.loads_map(MAP)


def _stats(result, metric):
    mb = next(x for x in result.metrics if x.metric == metric)
    return mb, {g.group: g for g in mb.groups}


def test_default_metrics_by_hand(m):
    d = default_metrics(m)
    # working links: p1>b1, p1>b4 (twice: one neighbour), b4<>l1, l1>p1, b7>p1
    assert d["in_degree"] == {
        "b1": 1, "b2": 0, "b3": 0, "b4": 2, "b5": 0, "b6": 0, "b7": 0, "b8": 0, "p1": 2, "l1": 1
    }  # fmt: skip
    assert d["out_degree"] == {
        "b1": 0, "b2": 0, "b3": 0, "b4": 1, "b5": 0, "b6": 0, "b7": 1, "b8": 0, "p1": 2, "l1": 2
    }  # fmt: skip
    # the same as the working digraph's degrees
    g = working_digraph(m)
    assert d["in_degree"] == {s.id: g.in_degree(s.id) for s in m.stakeholders}
    assert d["out_degree"] == {s.id: g.out_degree(s.id) for s in m.stakeholders}
    assert d["interest"]["b6"] is None and d["power"]["l1"] == 5


def test_beneficiaries_by_race_by_hand(m):
    r = equity(m, "race", roles=["beneficiary"])
    assert r.stakeholders == 8 and r.noun == "beneficiaries" and r.roles == ["beneficiary"]
    # Black b1-b3, White b4-b6 (3 each: alphabetical), Asian b7, not recorded b8
    assert r.groups == [
        {"group": "Black", "n": 3, "recorded": True},
        {"group": "White", "n": 3, "recorded": True},
        {"group": "Asian", "n": 1, "recorded": True},
        {"group": "not recorded", "n": 1, "recorded": False},
    ]
    power, g = _stats(r, "power")
    # Black 1, 0, 1 -> mean 2/3, median 1; White 2, 2, 3 -> 7/3, median 2
    assert (g["Black"].mean, g["Black"].median) == (pytest.approx(2 / 3), 1.0)
    assert (g["White"].mean, g["White"].median, g["White"].min, g["White"].max) == (
        pytest.approx(7 / 3),
        2.0,
        2,
        3,
    )
    assert g["Asian"].too_small and not g["not recorded"].too_small
    # all 8: 1 0 1 2 2 3 3 0 -> 12/8 = 1.5; sorted 0 0 1 1 2 2 3 3 -> median 1.5
    assert (power.overall.mean, power.overall.median, power.overall.n_values) == (1.5, 1.5, 8)
    # best judged group: White 7/3; Black 2/3 < 0.8 x 7/3 = 1.87 -> a gap
    assert power.reference == "White"
    assert [(x.group, x.compare_to) for x in power.gaps] == [("Black", "White")]
    interest, g = _stats(r, "interest")
    # White has 2 values (b6 has none): too small; Black 5 4 3 is the only judged group
    assert g["White"].n_values == 2 and g["White"].too_small
    assert interest.reference == "Black" and interest.gaps == []
    assert interest.overall.mean == 3.0  # 5 4 3 3 2 1 -> 18/6
    _, g = _stats(r, "in_degree")
    # Black 1 0 0 -> 1/3; White 2 0 0 -> 2/3; 1/3 < 0.8 x 2/3
    assert (g["Black"].mean, g["White"].mean) == (pytest.approx(1 / 3), pytest.approx(2 / 3))
    _, g = _stats(r, "out_degree")
    assert (g["Black"].mean, g["White"].mean) == (0, pytest.approx(1 / 3))


def test_findings_text(m):
    texts = [f.text for f in equity(m, "race", roles=["beneficiary"]).findings()]
    assert texts == [
        "Black beneficiaries: mean power 0.7 vs 2.3 for White beneficiaries — a gap",
        "Black beneficiaries: mean in degree 0.3 vs 0.7 for White beneficiaries — a gap",
        "Black beneficiaries: mean out degree 0 vs 0.3 for White beneficiaries — a gap",
        # 190 / 1000 = 19%, 620 -> 62%, 140 -> 14%, 50 -> 5%
        "Indicator 'Unsheltered (PIT)' by race: White 62%, Black 19%, Latino 14%, Asian 5% "
        "of the total",
        # beneficiaries with a race: 7; White 3/7 = 43% < 0.8 x 62% = 49.6%
        "White: 62% of 'Unsheltered (PIT)', 43% of the beneficiaries on this map — "
        "under-represented",
        # Latino 0/7 < 0.8 x 14%; Black 3/7 and Asian 1/7 are above 0.8 x their share
        "Latino: 14% of 'Unsheltered (PIT)', 0% of the beneficiaries on this map — "
        "under-represented",
        # (by age_group: in the tables, not in the findings of a lens by race)
        # a rate (unit %): 24 / 40 = 0.6, 50 / 40 = 1.25
        "Indicator 'Housed within 90 days' by race: White 1.25×, Black 0.60× the overall rate "
        "(40%)",
        # a rate is judged both ways by the four-fifths rule: 0.6 < 0.8 is a gap; 1.25 is
        # at the band's edge (1 / 0.8), not outside it
        "Black: 24% on 'Housed within 90 days' vs 40% overall (0.60×, outside 0.80×–1.25×) — a gap",
        "Too small to judge (fewer than 3 beneficiaries): Asian",
        # White has 3 beneficiaries, but only b4 and b5 have an interest recorded
        "Too small to judge for interest (fewer than 3 beneficiaries with a value): White",
        "1 of 8 beneficiaries has no race recorded",
    ]


def test_all_roles(m):
    r = equity(m, "race")
    assert r.stakeholders == 10 and r.noun == "stakeholders"
    # White now b4 b5 b6 p1 l1: 2 2 3 4 5 -> 16/5 = 3.2
    assert r.findings()[0].text == (
        "Black stakeholders: mean power 0.7 vs 3.2 for White stakeholders — a gap"
    )
    assert r.groups[0] == {"group": "White", "n": 5, "recorded": True}
    # the people counted are compared with the beneficiaries in scope, not with
    # providers and leaders: White still 3 of 7
    assert r.indicators[0].compared_with == "beneficiaries"
    assert (
        "White: 62% of 'Unsheltered (PIT)', 43% of the beneficiaries on this map — "
        "under-represented"
    ) in [f.text for f in r.findings()]
    # no beneficiary in scope: compared with everyone in scope (p1, l1: both White)
    r = equity(m, "race", roles=["provider", "leader"])
    assert r.indicators[0].compared_with == "stakeholders"
    assert [g["stakeholder_share"] for g in r.indicators[0].groups] == [0, 1, 0, 0]


def test_indicator_figures(m):
    r = equity(m, "race", roles=["beneficiary"])
    pit, age, housed = r.indicators
    assert (pit.measure, pit.total, age.measure, housed.measure) == (
        "share",
        1000,
        "share",
        "ratio",
    )
    assert pit.groups[0] == {
        "group": "Black",
        "value": 190,
        "share": 0.19,
        "stakeholder_share": 3 / 7,
        "under_represented": False,
    }
    assert "stakeholder_share" not in age.groups[0]  # by age_group, the lens is by race
    assert housed.groups == [
        {"group": "Black", "value": 24, "ratio": 0.6, "gap": True},
        {"group": "White", "value": 50, "ratio": 1.25, "gap": False},
    ]


def test_categorical_metric_and_concerns(m):
    voice = {
        "b1": "no voice",
        "b2": "no voice",
        "b3": "one-way",
        "b4": "two-way",
        "b5": "two-way",
        "b6": "one-way",
        "b7": "no voice",
        "b8": None,
    }
    r = equity(m, "race", roles=["beneficiary"], metrics={"voice": voice})
    mb, g = _stats(r, "voice")
    assert mb.kind == "categorical"
    # overall: no voice 3, one-way 2, two-way 2 (ties alphabetical)
    assert mb.categories == ["no voice", "one-way", "two-way"]
    assert g["Black"].counts == {"no voice": 2, "one-way": 1}
    # "voice" is judged on "no voice" only (the default concern):
    # Black 2/3 = 67% vs the other 4 with a verdict (b4 b5 b6 b7): 1/4 = 25% -> 42 points
    # White 0/3 vs 3/4: no
    assert [x.text for x in mb.gaps] == [
        "Black beneficiaries: 67% 'no voice' vs 25% for other beneficiaries — a gap"
    ]
    # the same verdicts under another name: every category is judged;
    # White two-way 2/3 = 67% vs 0/4 -> a gap too; Black one-way 1/3 vs 1/4: 8 points, no
    r2 = equity(m, "race", roles=["beneficiary"], metrics={"verdict": voice})
    assert [x.text for x in r2.gaps] == [
        "Black beneficiaries: 67% 'no voice' vs 25% for other beneficiaries — a gap",
        "White beneficiaries: 67% 'two-way' vs 0% for other beneficiaries — a gap",
    ]
    r3 = equity(
        m, "race", roles=["beneficiary"], metrics={"verdict": voice}, concerns={"verdict": []}
    )
    assert r3.gaps == []


def test_lower_is_better(m):
    distance = {"b1": 3, "b2": 3, "b3": 3, "b4": 1, "b5": 1, "b6": 2}
    r = equity(
        m,
        "race",
        roles=["beneficiary"],
        metrics={"distance": distance},
        lower_is_better={"distance"},
    )
    # White mean 4/3 is best; Black 3 > (4/3) / 0.8 = 1.67 -> a gap
    assert [g.text for g in r.gaps] == [
        "Black beneficiaries: mean distance 3 vs 1.3 for White beneficiaries — a gap"
    ]


def test_gap_ratio_and_min_group(m):
    # with gap_ratio 0.25, 2/3 >= 0.25 x 7/3: power is no longer a gap; in-degree
    # 1/3 >= 0.25 x 2/3 neither; out-degree 0 < 0.25 x 1/3 still is
    r = equity(m, "race", roles=["beneficiary"], gap_ratio=0.25)
    assert [g.metric for g in r.gaps] == ["out_degree"]
    # min_group 1: Asian (power 3) is judged and becomes the best group
    r = equity(m, "race", roles=["beneficiary"], min_group=1)
    power, _ = _stats(r, "power")
    assert power.reference == "Asian"


def test_no_gaps():
    m = sysmap.loads_map(
        """\
id: t
title: T
guiding_question: Q?
stakeholders:
  - {id: a, name: A, role: leader, power: 3, attributes: {area: North}}
  - {id: b, name: B, role: leader, power: 3, attributes: {area: North}}
  - {id: c, name: C, role: leader, power: 3, attributes: {area: North}}
"""
    )
    r = equity(m, "area", metrics={"power": {"a": 3, "b": 3, "c": 3}})
    assert [f.text for f in r.findings()] == ["No gaps in power by area among leaders"]


def test_built_in_attributes(m):
    r = equity(m, "lived_experience", roles=["beneficiary"])
    assert [g["group"] for g in r.groups] == ["false", "true"]
    assert equity(m, "role").groups[0] == {"group": "beneficiary", "n": 8, "recorded": True}


def test_unknown_attribute_and_role(m):
    with pytest.raises(BadArgument) as e:
        equity(m, "rase")
    assert str(e.value) == (
        "unknown attribute 'rase' — did you mean 'race'? the map's stakeholders have these "
        "attributes: age_group, race; or use role, lived_experience, type or organisation"
    )
    assert e.value.argument == "by"
    assert e.value.choices == ("age_group", "race", *BUILT_IN_ATTRIBUTES)
    assert isinstance(e.value, SysmapError)
    with pytest.raises(BadArgument, match="did you mean 'beneficiary'") as e:
        equity(m, "race", roles=["benificiary"])
    assert (e.value.argument, e.value.choices) == ("roles", ROLES)


def test_to_dict_is_json_with_stable_keys(m):
    r = equity(m, "race", roles=["beneficiary"])
    assert isinstance(r, AnalysisResult)
    data = r.to_dict()
    json.dumps(data)
    assert list(data) == [
        "analysis",
        "by",
        "roles",
        "stakeholders",
        "groups",
        "rules",
        "metrics",
        "indicators",
        "findings",
    ]
    assert data["rules"] == {"gap_ratio": 0.8, "gap_points": 20, "min_group": 3}
    power = data["metrics"][0]
    assert list(power) == [
        "metric",
        "kind",
        "lower_is_better",
        "categories",
        "reference",
        "overall",
        "groups",
        "gaps",
    ]
    assert list(power["groups"][0]) == [
        "group",
        "recorded",
        "n",
        "n_values",
        "too_small",
        "mean",
        "median",
        "min",
        "max",
    ]
    assert power["gaps"][0]["text"].startswith("Black beneficiaries: mean power 0.7")
    assert list(data["indicators"][0]) == [
        "id",
        "name",
        "by",
        "unit",
        "value",
        "measure",
        "total",
        "compared_with",
        "groups",
    ]


def test_text_and_markdown_show_the_key_figures(m):
    text = equity(m, "race", roles=["beneficiary"]).format_text()
    assert "8 beneficiaries (roles: beneficiary) by race; gap rule: mean below 0.80" in text
    assert "Black         3  0.67  1       0    1    gap" in text
    assert "White         3  2.33  2       2    3    best" in text
    assert "Asian         1  3     3       3    3    too small to judge" in text
    assert "White   620    62%             43%                     under-represented" in text
    md = equity(m, "race", roles=["beneficiary"]).format_markdown()
    assert "| Black | 3 | 0.67 | 1 | 0 | 1 | gap |" in md
    assert "| Black | 24 | 0.60× |" in md


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_examples(path):
    m = sysmap.load_map(path)
    attrs = sorted({k for s in m.stakeholders for k in s.attributes})
    r = equity(m, attrs[0] if attrs else "role")
    json.dumps(r.to_dict())
    assert r.format_text() and r.format_markdown()


def test_a_gap_is_never_written_with_equal_figures():
    from sysmap.analysis._equity import pair_text

    # betweenness 0.00012 vs 0.0031 rounds to "0 vs 0" at one decimal
    assert pair_text(0.00012, 0.0031) == ("0.00012", "0.0031")
    # two significant digits give 0.015 twice: three are needed
    assert pair_text(0.0149, 0.0151) == ("0.0149", "0.0151")
    for a, b in [(0.012, 0.0121), (1.04, 1.06), (0.3333, 0.3334), (5e-7, 2e-6)]:
        x, y = pair_text(a, b)
        assert x != y, (a, b)


def test_gap_texts_hold_the_indicators_gaps_too(m):
    texts = equity(m, "race", roles=["beneficiary"]).gap_texts()
    # the three metric gaps, then the rate outside 0.8×–1.25×, then the under-represented
    assert texts[:3] == [f.text for f in equity(m, "race", roles=["beneficiary"]).findings()[:3]]
    assert texts[3] == (
        "Black: 24% on 'Housed within 90 days' vs 40% overall (0.60×, outside 0.80×–1.25×) — a gap"
    )
    assert [t.split(":")[0] for t in texts[4:]] == ["White", "Latino"]
    assert len(texts) == len(set(texts))
