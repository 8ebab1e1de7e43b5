"""Garbage in, a report out: validation never ends in a traceback.

Random text, random bytes, random JSON-like data and random mutations of a
small valid map go through ``validate_text``, ``validate_data``,
``validate_file``, ``load_map`` and the command line. Every example must end
in a :class:`ValidationReport` (or a clean exit 0/1), whose problems are
well formed: a message, a severity, a line inside the file.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sysmap.cli import main
from sysmap.errors import SysmapError
from sysmap.problems import ValidationReport, path_to_str
from sysmap.validate import load_map, loads_map, validate_data, validate_file, validate_text

# scripts/fuzz raises SYSMAP_FUZZ_SCALE for a longer, random run
SCALE = int(os.environ.get("SYSMAP_FUZZ_SCALE", "1"))
FUZZ = settings(
    max_examples=100 * SCALE,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

BASE: dict[str, Any] = {
    "sysmap": 1,
    "id": "demo",
    "title": "Housing demo",
    "guiding_question": "How do people find housing?",
    "as_of": "2026-01-31",
    "stakeholders": [
        {
            "id": "pwle",
            "name": "People with lived experience",
            "role": "beneficiary",
            "lived_experience": True,
            "power": 1,
            "attributes": {"race": "Black"},
        },
        {"id": "outreach", "name": "Street outreach", "role": "provider", "power": 2},
        {"id": "board", "name": "CoC board", "role": "leader", "power": 5},
    ],
    "factors": [
        {"id": "stock", "name": "Housing stock"},
        {"id": "waits", "name": "Waiting times"},
    ],
    "relationships": [
        {"id": "r1", "from": "outreach", "to": "pwle", "kind": "serves", "strength": 3},
        {
            "id": "r2",
            "from": "pwle",
            "to": "board",
            "kind": "feedback",
            "status": "weak",
            "evidence": [{"source": "interview", "date": "2026-01-10", "asserted_by": "pwle"}],
        },
        {
            "id": "r3",
            "from": "board",
            "to": "outreach",
            "kind": "funds",
            "power": {"amount": 4, "carries": ["money"]},
            "change": {"owner": "board", "measures": ["days"]},
        },
        {"from": "stock", "to": "waits", "kind": "influences", "polarity": "-"},
        {"from": "waits", "to": "stock", "kind": "influences", "polarity": "+"},
    ],
    "loops": [
        {"id": "voice", "name": "Voice loop", "path": ["outreach", "pwle", "board", "outreach"]},
        {
            "id": "supply",
            "name": "Supply",
            "path": ["stock", "waits", "stock"],
            "type": "balancing",
        },
    ],
    "guiding_team": [{"id": "convener", "name": "Convener", "accepted_by": ["board", "pwle"]}],
    "outcomes": [{"id": "housed", "name": "People are housed quickly"}],
    "measures": [
        {
            "id": "days",
            "name": "Days to housing",
            "outcome": "housed",
            "values": [{"date": "2026-01-01", "value": 90}],
        }
    ],
    "assessments": [
        {
            "id": "readiness",
            "name": "Readiness",
            "scale": [0, 2],
            "items": [{"id": "shared-data", "text": "Shares data"}],
            "results": [{"stakeholder": "outreach", "scores": {"shared-data": 1}}],
        }
    ],
}


def count_lines(text: str) -> int:
    """Lines as YAML counts them (\\r\\n, \\r or \\n; and the Unicode breaks)."""
    return len(re.findall("\r\n|[\r\n\x85\u2028\u2029]", text)) + 1


def check_report(report: Any, text: str | None = None) -> None:
    """A report, with well-formed problems, that renders as text and JSON."""
    assert isinstance(report, ValidationReport)
    for p in report.problems:
        assert isinstance(p.message, str) and p.message.strip()
        assert "Traceback" not in p.message
        assert p.severity in ("error", "warning")
        path_to_str(p.path)
        if p.line is not None:
            assert p.line >= 1
            if text is not None:
                assert p.line <= count_lines(text), (p.format(), text)
    report.format_text()
    data = json.loads(report.format_json())
    assert data["valid"] is report.ok


def run_cli(args: list[str]) -> tuple[int, str]:
    """Run the CLI in this process; (exit code, everything printed)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(args)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        else:  # pragma: no cover - main always exits
            code = 0
    return code, out.getvalue() + err.getvalue()


# ---------------------------------------------------------------- strategies

#: Characters that mean something to YAML or JSON, to reach the parsers' corners.
SYNTAX = list("abc:-[]{}'\"\n\t #&*!|>?,0123456789.\\%@`~=<+") + ["\r\n", "---", "...", "\ufeff"]

yamlish = st.lists(st.sampled_from(SYNTAX), max_size=80).map("".join)

words = st.sampled_from(
    [
        "id", "name", "role", "from", "to", "kind", "path", "stakeholders", "relationships",
        "loops", "factors", "assessments", "scores", "items", "results", "scale", "evidence",
        "change", "owner", "measures", "outcome", "power", "amount", "values", "date",
        "sysmap", "polarity", "type", "guiding_team", "accepted_by", "direction", "status",
        "pwle", "board", "outreach", "beneficiary", "leader", "serves", "+", "-",
        "2026-01-01", "2026-13-01", "",
    ]
)  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**4400, max_value=10**4400 + 10),  # too long to print
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    words,
)

json_like = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(words, st.text(max_size=6)), children, max_size=5),
    ),
    max_leaves=25,
)


# ---------------------------------------------------------------- text and bytes


@FUZZ
@given(st.text(max_size=200))
@example("%0\x00")  # a YAML directive line: was reported on line 2 of a 1-line text
@example("%0")
@example("a: 1\n%YAML 1.2")
def test_random_text(text: str) -> None:
    for fmt in ("yaml", "json"):
        check_report(validate_text(text, fmt), text)


@FUZZ
@given(yamlish)
def test_yaml_syntax_soup(text: str) -> None:
    for fmt in ("yaml", "json"):
        check_report(validate_text(text, fmt), text)
        with contextlib.suppress(SysmapError):
            loads_map(text, fmt)


@FUZZ
@given(st.binary(max_size=300), st.sampled_from([".yaml", ".json", ".yml", ".txt"]))
def test_random_bytes_in_a_file(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"map{suffix}"
        path.write_bytes(data)
        report = validate_file(path)
        check_report(report)
        assert report.file == str(path)
        with contextlib.suppress(SysmapError):
            load_map(path)


@FUZZ
@given(st.binary(max_size=200))
def test_random_bytes_after_a_valid_start(tail: bytes) -> None:
    head = json.dumps(BASE, indent=2).encode()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "map.yaml"
        path.write_bytes(head[: len(head) // 2] + tail)
        check_report(validate_file(path))


# ---------------------------------------------------------------- data


@FUZZ
@given(json_like)
def test_random_data(data: Any) -> None:
    report, model = validate_data(data)
    check_report(report)
    assert (model is not None) == report.ok


@settings(FUZZ, max_examples=80 * SCALE)
@given(
    st.dictionaries(st.one_of(words, st.text(max_size=6)), json_like, max_size=8),
    st.sampled_from(["json", "yaml"]),
)
def test_random_data_as_json_and_yaml_text(data: dict[str, Any], fmt: str) -> None:
    try:
        text = json.dumps(data, indent=1)
    except (TypeError, ValueError):  # e.g. numbers too long for json to write
        return
    check_report(validate_text(text, fmt), text)  # type: ignore[arg-type]


# ---------------------------------------------------------------- mutations of a valid map


def all_paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            out.append((*prefix, key))
            out.extend(all_paths(value, (*prefix, key)))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out.append((*prefix, i))
            out.extend(all_paths(value, (*prefix, i)))
    return out


PATHS = all_paths(BASE)
ID_PATHS = [p for p in PATHS if p[-1] in ("id", "from", "to", "owner", "stakeholder", "outcome")]


def parent_of(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


def test_the_base_map_is_valid() -> None:
    report, model = validate_data(copy.deepcopy(BASE))
    assert report.ok and model is not None, report.format_text()
    assert not report.errors


@st.composite
def mutated_maps(draw: st.DrawFn) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = all_paths(data)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = parent_of(data, path)
        how = draw(st.sampled_from(["drop", "retype", "swap", "duplicate", "rename"]))
        if how == "drop":
            del parent[path[-1]]
        elif how == "retype":
            parent[path[-1]] = draw(json_like)
        elif how == "swap":
            ids = [p for p in all_paths(data) if p[-1] in ("id", "from", "to")]
            if len(ids) >= 2:
                a, b = draw(st.sampled_from(ids)), draw(st.sampled_from(ids))
                pa, pb = parent_of(data, a), parent_of(data, b)
                pa[a[-1]], pb[b[-1]] = pb[b[-1]], pa[a[-1]]
        elif how == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[path[-1]]))
        elif how == "rename" and isinstance(parent, dict):
            new = draw(st.one_of(words, st.text(min_size=1, max_size=8)))
            if new not in parent:
                parent[new] = parent.pop(path[-1])
    return data


def problem_set(report: ValidationReport) -> list[tuple[str, str, str]]:
    return sorted((path_to_str(p.path), p.severity, p.message) for p in report.problems)


@settings(FUZZ, max_examples=200 * SCALE)
@given(mutated_maps())
def test_mutated_maps(data: dict[str, Any]) -> None:
    report, model = validate_data(data)
    check_report(report)
    assert (model is not None) == report.ok


@settings(FUZZ, max_examples=100 * SCALE)
@given(mutated_maps(), st.sampled_from(["json", "yaml"]))
def test_mutated_maps_as_text(data: dict[str, Any], fmt: str) -> None:
    try:
        text = json.dumps(data, indent=2)
    except ValueError:  # numbers too long for json to write
        return
    # as JSON or YAML text: the same problems as from the data, now with lines
    from_text = validate_text(text, fmt)  # type: ignore[arg-type]
    check_report(from_text, text)
    assert problem_set(from_text) == problem_set(validate_data(data)[0])
    assert all(p.line is not None for p in from_text.problems), from_text.format_text()


@settings(FUZZ, max_examples=25 * SCALE)
@given(mutated_maps())
def test_mutated_maps_through_the_cli(data: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "map.yaml"
        try:
            path.write_text(json.dumps(data, indent=2), encoding="utf-8")
        except ValueError:
            return
        for args in (["validate", str(path)], ["validate", "--format", "json", str(path)]):
            code, printed = run_cli(args)
            assert code in (0, 1)
            assert "Traceback" not in printed
            if "--format" in args:
                assert json.loads(printed)["valid"] is (code == 0)


@settings(FUZZ, max_examples=60 * SCALE)
@given(st.one_of(st.binary(max_size=200), yamlish.map(str.encode)))
def test_garbage_through_the_cli(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "map.yaml"
        path.write_bytes(data)
        code, printed = run_cli(["validate", str(path)])
        assert code in (0, 1)
        assert "Traceback" not in printed


def test_garbage_through_a_real_process(tmp_path: Path) -> None:
    # one process for a batch of files: random bytes, syntax soup, mutations
    import random

    rng = random.Random(20261123)
    files = []
    for i in range(30):
        path = tmp_path / f"m{i}.{'json' if i % 5 == 0 else 'yaml'}"
        if i % 3 == 0:
            path.write_bytes(bytes(rng.randrange(256) for _ in range(rng.randrange(200))))
        elif i % 3 == 1:
            path.write_text("".join(rng.choice(SYNTAX) for _ in range(60)), encoding="utf-8")
        else:
            text = json.dumps(BASE, indent=2)
            cut = rng.randrange(len(text))
            path.write_text(text[:cut] + rng.choice(SYNTAX) + text[cut + 1 :], encoding="utf-8")
        files.append(str(path))
    result = subprocess.run(
        [sys.executable, "-m", "sysmap", "validate", "--format", "json", *files],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ},
        timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert len(json.loads(result.stdout)) == len(files)


@pytest.mark.parametrize(
    "text",
    [
        "a: &a [1, 2]\nb: *a\n" * 3,
        "- &x {a: 1}\n- *x\n",
        "? [a, b]\n: c\n",
        "!!binary aGVsbG8=",
        "%YAML 1.2\n---\nid: x\n",
        "id: x\n...\n---\n...\n",
        '{"a": 1e400, "b": -1e400, "c": NaN}',
        "[" * 5000,
        "{" * 5000,
        "- " * 3000 + "x",
    ],
)
def test_odd_yaml(text: str) -> None:
    for fmt in ("yaml", "json"):
        check_report(validate_text(text, fmt), text)
