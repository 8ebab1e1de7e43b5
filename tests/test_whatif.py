"""What-if scenarios: the fuzzy-cognitive-map inference, the CLI, and network what-ifs.

Expected numbers are worked by hand in the comments (sigmoid(1) = 1/(1+e^-1)
= 0.7311, tanh(1) = 0.7616).
"""

from __future__ import annotations

import json
import math

import pytest
import scipy.sparse as sp
from click.testing import CliRunner

from sysmap.cli import cli
from sysmap.errors import SysmapError
from sysmap.model import Relationship
from sysmap.validate import load_map, loads_map, validate_text
from sysmap.whatif import (
    KeyFactorModel,
    Settings,
    fragile,
    infer,
    key_factor_model,
    link_weight,
    network_whatif,
    whatif,
    whatif_all,
    whatif_maps,
)

CURRENT = "examples/homelessness-current.yaml"
REDESIGN = "examples/homelessness-redesign.yaml"

CHAIN = """\
id: chain
title: Chain
guiding_question: What moves?
factors:
  - {id: a, name: A}
  - {id: b, name: B}
  - {id: c, name: C}
relationships:
  - {id: ab, from: a, to: b, kind: influences, polarity: '+'}
  - {id: bc, from: b, to: c, kind: influences, polarity: '-', strength: 2.5}
  - {id: ca, from: c, to: a, kind: influences, polarity: '+', status: broken}
scenarios:
  - {id: push-a, name: Push A, hold: {a: 1}, note: hand-checked}
"""


def sig(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def model(rows: list[list[float]]) -> KeyFactorModel:
    ids = [chr(ord("a") + i) for i in range(len(rows))]
    return KeyFactorModel(ids, [i.upper() for i in ids], sp.csr_matrix(rows))


# ------------------------------------------------------------------ weights


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"polarity": "+"}, 1.0),
        ({"polarity": "-"}, -1.0),
        ({"polarity": "+", "strength": 4}, 0.8),  # 4 / 5
        ({"polarity": "-", "strength": 1}, -0.2),
        ({"polarity": "-", "weight": -0.3, "strength": 5}, -0.3),  # explicit wins
        ({"weight": 0.6}, 0.6),
        ({}, None),
    ],
)
def test_link_weight(fields: dict, expected: float | None) -> None:
    r = Relationship(source="a", target="b", kind="influences", **fields)
    assert link_weight(r) == expected


def test_key_factor_model_leaves_out_broken_links_and_sums_parallel_ones() -> None:
    m = loads_map(CHAIN)
    kfm = key_factor_model(m)
    assert kfm.weights.toarray().tolist() == [[0, 1, 0], [0, 0, -0.5], [0, 0, 0]]
    mutual = loads_map(
        CHAIN.replace("status: broken", "direction: mutual").replace(
            "polarity: '-', ", "weight: -0.5, "
        )
    )
    w = key_factor_model(mutual).weights.toarray()
    assert w[2][0] == 1 and w[0][2] == 1  # c ↔ a, both ways


def test_weight_out_of_range_and_against_polarity_are_refused() -> None:
    bad = validate_text(CHAIN.replace("polarity: '+'}", "polarity: '+', weight: 1.5}", 1))
    assert any("weight" in p.format() and "1" in p.format() for p in bad.errors)
    clash = validate_text(CHAIN.replace("polarity: '+'}", "polarity: '+', weight: -0.5}", 1))
    assert [p.message for p in clash.errors] == [
        "weight -0.5 has the opposite sign to polarity '+' — make them agree, or leave one out"
    ]


def test_scenario_naming_an_unknown_factor_is_refused() -> None:
    report = validate_text(CHAIN.replace("hold: {a: 1}", "hold: {aa: 1}"))
    assert [p.message for p in report.errors] == ["unknown factor 'aa' — did you mean 'a'?"]


# ---------------------------------------------------------------- inference


def test_sigmoid_kosko_chain_by_hand() -> None:
    # a held at 1; b = sig(1·1) = 0.7311; c = sig(−0.5·b) = sig(−0.3655) = 0.4096
    run = infer(key_factor_model(loads_map(CHAIN)), {0: 1.0}, Settings(rule="kosko"))
    assert run.outcome == "settled"
    assert run.state[0] == 1.0
    assert run.state[1] == pytest.approx(sig(1))
    assert run.state[2] == pytest.approx(sig(-0.5 * sig(1)))


def test_modified_kosko_and_rescaled_one_step_by_hand() -> None:
    m = model([[0, 1], [0, 0]])
    one = Settings(rule="modified-kosko", max_steps=1)
    # b(1) = sig(a·1 + b) = sig(1 + 0.5)
    assert infer(m, {0: 1.0}, one).state[1] == pytest.approx(sig(1.5))
    res = Settings(rule="rescaled", max_steps=1)
    # b(1) = sig((2a−1)·1 + (2b−1)) = sig(1 + 0)
    assert infer(m, {0: 1.0}, res).state[1] == pytest.approx(sig(1))


@pytest.mark.parametrize(
    ("squashing", "lam", "expected"),
    [
        ("tanh", 1.0, math.tanh(1)),
        ("tanh", 2.0, math.tanh(2)),
        ("sigmoid", 3.0, sig(3)),
        ("bivalent", 1.0, 1.0),
        ("trivalent", 1.0, 1.0),
    ],
)
def test_squashing_functions(squashing: str, lam: float, expected: float) -> None:
    run = infer(model([[0, 1], [0, 0]]), {0: 1.0}, Settings(squashing, "kosko", lam))  # type: ignore[arg-type]
    assert run.state[1] == pytest.approx(expected)


def test_trivalent_negative_link_gives_minus_one() -> None:
    run = infer(model([[0, -1], [0, 0]]), {0: 1.0}, Settings("trivalent", "kosko"))
    assert run.state.tolist() == [1.0, -1.0]


def test_oscillation_is_named_with_its_period() -> None:
    # c (held 1) → a (+1), a → b (+1), b → a (−1), trivalent Kosko, from 0:
    # (a, b) goes (1,0) (1,1) (0,1) (0,0) (1,0) … — period 4, worked by hand.
    m = model([[0, 1, 0], [-1, 0, 0], [1, 0, 0]])
    run = infer(m, {2: 1.0}, Settings("trivalent", "kosko", max_steps=50))
    assert (run.outcome, run.period) == ("oscillates", 4)
    assert run.describe() == "oscillates (period 4)"


def test_step_limit_is_said() -> None:
    run = infer(model([[0, 1], [0, 0]]), {0: 1.0}, Settings(max_steps=1))
    assert run.outcome == "step limit"
    assert run.describe() == "hit the step limit (1 steps) without settling"


def test_history_records_every_step() -> None:
    run = infer(model([[0, 1], [0, 0]]), {0: 1.0}, Settings(), keep_history=True)
    assert run.history is not None and len(run.history) == run.steps + 1
    assert run.history[0].tolist() == [1.0, 0.5]  # held from the start; others at 0.5


# ------------------------------------------------------------------- whatif


def test_whatif_changes_largest_first_with_direction() -> None:
    r = whatif(loads_map(CHAIN), {"a": 1})
    # baseline: nothing feeds a, so a = sig(0) = 0.5, b = sig(0.5), c = sig(−0.5·b)
    by = {c.id: c for c in r.changes}
    assert by["a"].baseline == pytest.approx(0.5) and by["a"].held
    assert by["b"].change == pytest.approx(sig(1) - sig(0.5))
    assert by["c"].change == pytest.approx(sig(-0.5 * sig(1)) - sig(-0.5 * sig(0.5)))
    assert [c.id for c in r.changes] == ["a", "b", "c"]
    assert [c.direction for c in r.changes] == ["rises", "rises", "falls"]
    assert by["c"].describe() == f"C: −{abs(by['c'].change):.2f} (falls)"


def test_scenario_from_the_map_and_by_name() -> None:
    m = loads_map(CHAIN)
    by_id, by_name = whatif(m, scenario="push-a"), whatif(m, scenario="push a")
    assert by_id.to_dict() == by_name.to_dict()
    assert by_id.note == "hand-checked" and by_id.hold == {"a": 1.0}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"hold": {"z": 1}}, "unknown factor 'z' — use a factor's id (sysmap summary lists them)"),
        ({"hold": {"aa": 1}}, "unknown factor 'aa' — did you mean 'a'?"),
        ({"scenario": "nope"}, "the map 'chain' has no scenario 'nope' — its scenarios: push-a"),
        (
            {"hold": {}},
            "nothing is held — name at least one factor and its value (e.g. a=1) "
            "or a scenario declared in the map",
        ),
        (
            {"hold": {"a": -1}},
            "the value for A is -1, outside 0 to 1 (the range of sigmoid "
            "squashing) — use a value from 0 to 1",
        ),
    ],
)
def test_whatif_errors(kwargs: dict, message: str) -> None:
    with pytest.raises(SysmapError) as exc:
        whatif(loads_map(CHAIN), **kwargs)
    assert str(exc.value) == message


def test_unsettled_run_gives_no_numbers() -> None:
    r = whatif(loads_map(CHAIN), {"a": 1}, settings=Settings(max_steps=1))
    assert not r.settled
    assert r.to_dict()["changes"] is None
    assert "No changes are shown" in r.format_text()


def test_examples_declare_the_same_two_scenarios_and_the_redesign_differs() -> None:
    cur, red = load_map(CURRENT), load_map(REDESIGN)
    assert [s.id for s in cur.scenarios] == [s.id for s in red.scenarios]
    table = whatif_maps([cur, red], scenario="trusted-outreach")
    a, b = ({c.id: c.change for c in r.changes} for r in table.results)
    assert all(r.settled for r in table.results)
    # in the redesign lived voice already lifts trust, so the same push moves it less
    assert a["f-trust-outreach"] > b["f-trust-outreach"] > 0
    assert "not in map" in table.format_text()  # f-lived-voice is new in the redesign
    assert [r.scenario_id for r in whatif_all(red).results] == [
        "landlords-join",
        "trusted-outreach",
    ]


# ---------------------------------------------------------------------- CLI


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_cli_set_prints_changes_and_how_the_runs_ended() -> None:
    code, out = run("whatif", REDESIGN, "--set", "f-landlord-participation=1")
    assert code == 0
    assert "Baseline settled after" in out and "scenario settled after" in out
    assert "Available affordable units: +0.15 (rises)" in out  # same as the Python API
    assert out.rstrip().endswith("Direction and relative size, not a forecast.")


def test_cli_json_equals_the_library() -> None:
    code, out = run("whatif", CURRENT, "--scenario", "landlords-join", "--format", "json")
    assert code == 0
    assert json.loads(out) == whatif(load_map(CURRENT), scenario="landlords-join").to_dict()


def test_cli_all_and_against() -> None:
    code, out = run("whatif", REDESIGN, "--all", "--format", "md")
    assert code == 0 and "| factor | landlords-join | trusted-outreach |" in out
    code, out = run("whatif", CURRENT, "--scenario", "landlords-join", "--against", REDESIGN)
    assert code == 0 and "riverton-current  riverton-redesign" in out


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--set", "f-trust-outreach"], 2, "'f-trust-outreach' is not FACTOR=VALUE"),
        (["--all", "--fragile"], 2, "choose one"),
        (["--without", "coc-lead", "--set", "f-returns=1"], 2, "choose one"),
        (["--set", "f-nope=1"], 1, "Error: unknown factor 'f-nope'"),
        (["--without", "coc-leed"], 1, "no stakeholder 'coc-leed' — did you mean 'coc-lead'?"),
    ],
)
def test_cli_mistakes(args: list[str], code: int, message: str) -> None:
    from sysmap.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["whatif", CURRENT, *args])
    assert exc.value.code == code


def test_cli_mistake_messages(capsys: pytest.CaptureFixture[str]) -> None:
    from sysmap.cli import main

    with pytest.raises(SystemExit):
        main(["whatif", CURRENT, "--without", "coc-leed"])
    assert capsys.readouterr().err == (
        "Error: the map 'riverton-current' has no stakeholder 'coc-leed' — did you mean "
        "'coc-lead'?\n"
    )


# ------------------------------------------------------------------ network

NET = """\
id: net
title: Net
guiding_question: Who is heard?
stakeholders:
  - {id: b1, name: B1, role: beneficiary}
  - {id: b2, name: B2, role: beneficiary}
  - {id: p, name: P, role: provider}
  - {id: q, name: Q, role: provider}
  - {id: l, name: L, role: leader}
relationships:
  - {id: b1p, from: b1, to: p, kind: feedback}
  - {id: b2p, from: b2, to: p, kind: feedback}
  - {id: b2q, from: b2, to: q, kind: feedback, status: proposed}
  - {id: pl, from: p, to: l, kind: advocates}
  - {id: ql, from: q, to: l, kind: advocates}
  - {id: lp, from: l, to: p, kind: informs}
  - {id: pb1, from: p, to: b1, kind: informs}
  - {id: fund, from: l, to: p, kind: funds}
  - {id: serve, from: p, to: b1, kind: serves}
loops:
  - {id: loop, name: P heard, path: [p, l, p]}
"""


def test_without_a_broker_silences_both_beneficiaries() -> None:
    # by hand: every voice path runs b → p → l; q only helps once b2q forms
    r = network_whatif(loads_map(NET), without=["p"])
    assert r.lose_voice == ["b1", "b2"]
    assert r.loops_broken == ["loop"]
    assert r.no_longer_served == ["b1"]
    assert r.no_funder == []  # p itself left; nobody else was funded


def test_without_relationship_and_with_proposed() -> None:
    m = loads_map(NET)
    r = network_whatif(m, without_relationships=["fund", "pb1"])
    # informs l → p still closes the loop p → l → p
    assert (r.no_funder, r.lose_return, r.loops_broken) == (["p"], ["b1"], [])
    r = network_whatif(m, without_relationships=["b2p"], with_relationships=["b2q"])
    assert r.lose_voice == []  # the proposed link b2 → q → l takes over
    assert network_whatif(m, without_relationships=["b2p"]).lose_voice == ["b2"]


def test_fragile_by_hand() -> None:
    f = fragile(loads_map(NET))
    top = {(p.kind, p.id): p for p in f.points}
    # p and l carry every voice path (both beneficiaries), p and l sit on the loop
    assert top[("stakeholder", "p")].silences == ["b1", "b2"]
    assert top[("stakeholder", "l")].silences == ["b1", "b2"]
    assert top[("relationship", "pl")].silences == ["b1", "b2"]
    assert top[("relationship", "b1p")].silences == ["b1"]
    assert top[("stakeholder", "l")].unfunds == ["p"]
    assert top[("relationship", "pl")].breaks == ["loop"]  # the only link p → l
    assert top[("stakeholder", "p")].breaks == ["loop"]
    assert top[("relationship", "b1p")].breaks == []
    assert f.points[0].score >= f.points[-1].score


@pytest.mark.parametrize("path", [CURRENT, REDESIGN])
def test_fragile_agrees_with_network_whatif_on_the_examples(path: str) -> None:
    m = load_map(path)
    for p in fragile(m).points:
        if p.kind == "stakeholder":
            r = network_whatif(m, without=[p.id])
        elif p.id.startswith("#"):
            continue
        else:
            r = network_whatif(m, without_relationships=[p.id])
        assert set(p.silences) <= set(r.lose_voice), p.label
        assert set(p.breaks) <= set(r.loops_broken), p.label
        assert set(p.unfunds) <= set(r.no_funder), p.label


def test_loops_holding_agree_with_the_loops_analysis() -> None:
    from sysmap.analysis import loops

    for path in (CURRENT, REDESIGN):
        m = load_map(path)
        holding = [d.id for d in loops(m).declared if d.holds]
        assert fragile(m).loops_holding == len(holding) > 0


def test_cli_network_and_fragile() -> None:
    code, out = run("whatif", CURRENT, "--without", "coc-lead")
    assert code == 0 and out.startswith("What if on riverton-current: without Riverton Community")
    code, out = run("whatif", CURRENT, "--fragile", "--format", "json")
    assert json.loads(out) == fragile(load_map(CURRENT)).to_dict()


def test_cli_redact_hides_sensitive_people_and_still_takes_their_ids() -> None:
    names = [s.name for s in load_map(CURRENT).stakeholders if s.sensitive]
    code, plain = run("whatif", CURRENT, "--fragile", "--no-redact")
    assert code == 0 and any(n in plain for n in names)
    code, out = run("whatif", CURRENT, "--fragile", "--redact")
    assert code == 0 and not any(n in out for n in names) and "Stakeholder 1" in out
    sensitive = next(s.id for s in load_map(CURRENT).stakeholders if s.sensitive)
    code, out = run("whatif", CURRENT, "--without", sensitive, "--redact")
    assert code == 0 and "without Stakeholder " in out


def test_with_a_link_from_the_redesign_brings_voice_back() -> None:
    # the redesign's r-lewg-unsheltered-informs (working group → people unsheltered) is
    # the return that closes their loop: one-way today, two-way with it
    cur, red = load_map(CURRENT), load_map(REDESIGN)
    r = network_whatif(cur, with_relationships=["r-lewg-unsheltered-informs"], source=red)
    assert r.gain_return == ["people-unsheltered"] and r.lose_voice == []
    # repairing today's two broken links closes "Keep us informed along the way"
    r = network_whatif(cur, with_relationships=["r-lewg-board-fb", "r-board-lewg-informs"])
    assert r.loops_closed == ["loop-keep-informed"]
    with pytest.raises(SysmapError, match="joins 'leab', who is not in the map"):
        network_whatif(cur, with_relationships=["r-leab-board-fb"], source=red)


def test_cli_with_from() -> None:
    code, out = run(
        "whatif", CURRENT, "--with", "r-lewg-unsheltered-informs", "--with-from", REDESIGN
    )
    assert code == 0
    assert (
        "Beneficiaries whose voice now comes back from a leader: People living unsheltered" in out
    )
    code, out = run("whatif", CURRENT, "--with-from", REDESIGN)
    assert code == 2 and "--with-from needs --with" in out


def test_a_map_without_factors_or_scenarios_says_so() -> None:
    m = loads_map(NET)
    with pytest.raises(SysmapError) as exc:
        whatif(m, {"b1": 1})
    assert str(exc.value) == (
        "the map 'net' has no factors — a what-if scenario needs a key-factor model (add "
        "factors and causal links with kind: influences and a polarity)"
    )
    assert whatif_all(loads_map(CHAIN.split("scenarios:")[0])).format_text() == (
        "The map 'chain' declares no scenarios."
    )


def test_cli_initial_value_is_the_settings_start() -> None:
    code, out = run(
        "whatif", REDESIGN, "--set", "f-trust-outreach=1", "--initial", "0.2", "--format", "json"
    )
    assert code == 0
    want = whatif(load_map(REDESIGN), {"f-trust-outreach": 1}, settings=Settings(initial=0.2))
    assert json.loads(out) == want.to_dict() and want.to_dict()["settings"]["initial"] == 0.2
