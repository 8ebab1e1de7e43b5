"""``analyze`` runs every analysis; ``sysmap analyze`` prints headlines first."""

from __future__ import annotations

import json

import pytest

import sysmap
from helpers import EXAMPLES
from sysmap.analysis import ANALYSES, AnalysisResult
from sysmap.cli import main
from sysmap.errors import BadArgument

SMALL = EXAMPLES / "small.yaml"
CURRENT = EXAMPLES / "homelessness-current.yaml"


def invoke(args: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(args)
    out, err = capsys.readouterr()
    return int(info.value.code or 0), out, err


def test_analyze_runs_every_analysis_but_equity_without_by():
    result = sysmap.analyze(sysmap.load_map(SMALL))
    assert list(result.results) == [a for a in ANALYSES if a != "equity"]
    for r in result.results.values():
        assert isinstance(r, AnalysisResult)


def test_analyze_with_by_adds_the_equity_lens():
    result = sysmap.analyze(sysmap.load_map(SMALL), by="race")
    assert "equity" in result.results
    assert result.results["equity"].to_dict()["by"] == "race"


def test_headlines_come_first_and_most_important_first():
    result = sysmap.analyze(sysmap.load_map(SMALL))
    heads = result.headlines()
    assert heads, "the small map has findings"
    assert [f.importance for f in heads] == sorted((f.importance for f in heads), reverse=True)
    text = result.format_text()
    assert text.index("What stands out") < text.index(heads[0].text)
    # the small map's youth have no voice: checked by hand in examples/small.yaml
    assert any("no voice path" in f.text for f in heads)


def test_json_is_stable_and_serialisable():
    data = sysmap.analyze(sysmap.load_map(SMALL), by="race").to_dict()
    assert list(data) == ["sysmap_analysis", "map", "headlines", "analyses"]
    assert data["map"]["guiding_question"].startswith("How do people find stable housing")
    assert set(data["analyses"]) == set(ANALYSES)
    for name, part in data["analyses"].items():
        assert part["analysis"] == name
        assert isinstance(part["findings"], list)
    json.dumps(data)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"only": ["voices"]}, "unknown analysis 'voices' — did you mean 'voice'?"),
        ({"only": ["equity"]}, "the equity lens needs an attribute"),
    ],
)
def test_bad_requests_are_clear_errors(kwargs, message):
    with pytest.raises(sysmap.SysmapError, match=message):
        sysmap.analyze(sysmap.load_map(SMALL), **kwargs)


def test_cli_analyze_text_json_md(capsys):
    code, out, _ = invoke(["analyze", str(SMALL)], capsys)
    assert code == 0
    assert out.startswith("Small hand-checkable map (small, current)\n\nGuiding question:")
    code, out, _ = invoke(["analyze", str(SMALL), "--format", "json", "--only", "voice"], capsys)
    assert code == 0 and list(json.loads(out)["analyses"]) == ["voice"]
    code, out, _ = invoke(["analyze", str(SMALL), "--format", "md", "--only", "power"], capsys)
    assert code == 0 and out.startswith("# Small hand-checkable map")


def test_cli_analyze_unknown_attribute_is_one_clear_error(capsys):
    code, _, err = invoke(["analyze", str(SMALL), "--by", "rase"], capsys)
    assert code == 1
    assert err.startswith("Error: ") and "Traceback" not in err
    assert "race" in err


def test_cli_paths(capsys):
    code, out, _ = invoke(["paths", str(SMALL), "pwle", "board"], capsys)
    assert code == 0 and "CoC board" in out
    code, _, err = invoke(["paths", str(SMALL), "pwel"], capsys)
    assert code == 1 and "did you mean 'pwle'" in err


def test_the_current_example_gives_actionable_findings():
    result = sysmap.analyze(sysmap.load_map(CURRENT), by="race")
    texts = [f.text for f in result.headlines()]
    assert any("voice" in t for t in texts)
    assert any("power" in t for t in texts)


def test_the_report_lists_as_many_cycles_as_the_loops_analysis_does():
    # the current example has 386 cycles: text shows the first 20, Markdown the first 50
    result = sysmap.analyze(sysmap.load_map(CURRENT), only=["loops"])
    loops = result.results["loops"]
    assert "Cycles (first 20 of 386):" in result.format_text()
    assert "### Cycles (first 50 of 386)" in result.format_markdown()
    assert loops.format_text() in result.format_text()
    assert loops.format_markdown() in result.format_markdown()


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda m: sysmap.analyze(m, only=["voices"]), "only"),
        (lambda m: sysmap.analyze(m, only=["equity"]), "by"),
        (lambda m: sysmap.analysis.paths(m, "pwle", "pwle"), "target"),
        (lambda m: sysmap.analysis.paths(m, "nobody"), "source"),
        (lambda m: sysmap.analysis.paths(m, "pwle", limit=0), "limit"),
        (lambda m: sysmap.analysis.loops(m, max_length=1), "max_length"),
        (lambda m: sysmap.analysis.loops(m, cap=0), "cap"),
        (lambda m: sysmap.analysis.influence(m, depth=0), "depth"),
    ],
)
def test_a_bad_argument_names_the_argument(call, argument):
    with pytest.raises(BadArgument) as err:
        call(sysmap.load_map(SMALL))
    assert err.value.argument == argument
    assert isinstance(err.value, ValueError)
