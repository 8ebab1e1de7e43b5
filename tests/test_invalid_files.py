"""Acceptance tests: a corpus of real mistakes and the exact message each gets.

Every file in ``tests/invalid/`` holds one mistake people make when writing a
map by hand. ``tests/invalid/expected.yaml`` pins the first error line
``sysmap validate`` prints for it (``file:line: $.path: message``, with the
file named relative to ``tests/invalid``). A message that changes must be
changed here on purpose.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from sysmap.cli import main
from sysmap.errors import SysmapError
from sysmap.validate import load_map, validate_data, validate_file, validate_text

INVALID = Path(__file__).parent / "invalid"
EXPECTED_FILE = INVALID / "expected.yaml"
EXPECTED: dict[str, str] = YAML(typ="safe").load(EXPECTED_FILE.read_text(encoding="utf-8"))
CORPUS = sorted(p.name for p in INVALID.iterdir() if p.is_file() and p != EXPECTED_FILE)

#: These go through a real ``python -m sysmap`` process; the rest call main().
SUBPROCESS = [
    "role-typo.yaml",
    "binary.yaml",
    "alias-bomb.yaml",
    "deep-nesting.yaml",
    "deep-nesting.json",
    "utf16.yaml",
]

#: One mistake can cause more than one error; these are the known cases.
CASCADES = {
    # the stakeholders are under an unknown field, so relationships name unknown ids
    "section-name-singular.yaml": 3,
}

VALID_MAP = """\
id: demo
title: Housing demo
guiding_question: How do people find housing?
stakeholders:
  - id: pwle
    name: People with lived experience
    role: beneficiary
    lived_experience: true
  - id: outreach
    name: Street outreach
    role: provider
  - id: board
    name: CoC board
    role: leader
relationships:
  - from: outreach
    to: pwle
    kind: serves
"""


def run_main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the CLI in this process; (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    out, err = capsys.readouterr()
    code = exit_info.value.code
    return (code if isinstance(code, int) else 1), out, err


def run_process(
    args: list[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sysmap", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, **(env or {})},
        timeout=60,
    )


def formatted(problem: dict[str, object]) -> str:
    """A JSON problem rendered like the text output."""
    where = str(problem["file"])
    if problem["line"] is not None:
        where += f":{problem['line']}"
    parts = [where]
    if problem["path"] != "$":
        parts.append(str(problem["path"]))
    parts.append(str(problem["message"]))
    return ": ".join(parts)


# ---------------------------------------------------------------- the corpus


def test_corpus_is_big_enough() -> None:
    assert len(CORPUS) >= 35


def test_every_file_has_an_expectation_and_every_expectation_a_file() -> None:
    assert sorted(EXPECTED) == CORPUS, (
        f"files without an expectation: {sorted(set(CORPUS) - set(EXPECTED))}; "
        f"expectations without a file: {sorted(set(EXPECTED) - set(CORPUS))}"
    )


#: Files that cannot carry a "# Mistake:" comment; expected.yaml says what they are.
NO_COMMENT = {"empty.yaml", "binary.yaml"}


@pytest.mark.parametrize("name", CORPUS)
def test_each_file_says_what_its_mistake_is(name: str) -> None:
    if name in NO_COMMENT or name.endswith(".json"):  # JSON has no comments
        pytest.skip("no room for a comment")
    data = (INVALID / name).read_bytes().removeprefix(b"\xef\xbb\xbf")
    encoding = "utf-16" if name == "utf16.yaml" else "latin-1" if "latin1" in name else "utf-8"
    assert data.decode(encoding).startswith("# Mistake: ")


@pytest.mark.parametrize("name", CORPUS)
def test_validate_prints_the_expected_first_error(
    name: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(INVALID)
    code, out, err = run_main(["validate", name], capsys)
    assert code == 1
    assert "Traceback" not in out + err
    lines = err.splitlines()
    assert lines, "nothing printed"
    assert lines[0] == EXPECTED[name]
    assert lines[-1].startswith(f"{name}: ") and lines[-1].endswith(("error", "errors"))


@pytest.mark.parametrize("name", CORPUS)
def test_json_format_says_invalid(
    name: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(INVALID)
    code, out, err = run_main(["validate", "--format", "json", name], capsys)
    assert code == 1
    assert "Traceback" not in out + err
    report = json.loads(out)
    assert report["valid"] is False
    assert report["file"] == name
    assert report["errors"], "an invalid map must list its errors"
    assert formatted(report["errors"][0]) == EXPECTED[name]


@pytest.mark.parametrize("name", SUBPROCESS)
def test_real_process(name: str) -> None:
    result = run_process(["validate", name], cwd=INVALID)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr.splitlines()[0] == EXPECTED[name]


def test_real_process_json_for_the_whole_corpus() -> None:
    result = run_process(["validate", "--format", "json", *CORPUS], cwd=INVALID)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    reports = json.loads(result.stdout)
    assert [r["file"] for r in reports] == CORPUS
    assert all(r["valid"] is False for r in reports)
    for r in reports:
        assert formatted(r["errors"][0]) == EXPECTED[r["file"]]


@pytest.mark.parametrize("name", CORPUS)
def test_one_mistake_gives_one_error(name: str) -> None:
    report = validate_file(INVALID / name)
    assert len(report.errors) == CASCADES.get(name, 1), report.format_text()


@pytest.mark.parametrize("name", CORPUS)
def test_library_raises_only_sysmap_errors(name: str) -> None:
    with pytest.raises(SysmapError):
        load_map(INVALID / name)


@pytest.mark.parametrize("name", CORPUS)
def test_every_message_says_what_to_do(name: str) -> None:
    # "what is wrong — what to do": a hint after a dash, a question that names
    # the fix, or "X must be …, not …"
    message = EXPECTED[name]
    assert any(s in message for s in (" — ", "did you mean", " must ")), message


# ---------------------------------------------------------------- huge files


def test_huge_file_is_refused_by_the_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "huge.yaml"
    big.write_text("# padding\n" * 500 + VALID_MAP, encoding="utf-8")
    monkeypatch.setenv("SYSMAP_MAX_FILE_BYTES", "2000")
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(["validate", "huge.yaml"], capsys)
    assert code == 1
    assert "Traceback" not in out + err
    assert err.splitlines()[0] == (
        "huge.yaml: the file is 5.4 kB, over the 2.0 kB limit for a map — check that "
        "this is the right file, or raise the limit with the SYSMAP_MAX_FILE_BYTES "
        "environment variable"
    )


def test_huge_file_through_a_real_process(tmp_path: Path) -> None:
    big = tmp_path / "huge.json"
    big.write_text(json.dumps({"id": "x", "pad": "y" * 5000}), encoding="utf-8")
    result = run_process(
        ["validate", "huge.json"], cwd=tmp_path, env={"SYSMAP_MAX_FILE_BYTES": "1000"}
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "over the 1.0 kB limit for a map" in result.stderr


def test_sparse_file_over_the_default_limit_is_not_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "sparse.yaml"
    with open(big, "wb") as fh:
        fh.truncate(65 * 1024 * 1024)  # sparse: no disk used, nothing to read
    monkeypatch.delenv("SYSMAP_MAX_FILE_BYTES", raising=False)
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(["validate", "sparse.yaml"], capsys)
    assert code == 1
    assert err.startswith("sparse.yaml: the file is 68.2 MB, over the 67.1 MB limit")


# ---------------------------------------------------------------- many problems, warnings


THREE_MISTAKES = VALID_MAP.replace("role: beneficiary", "role: benificiary").replace(
    "    role: leader\n", "    role: leader\n    power: 7\n"
) + ("  - from: board\n    to: outreach\n    kind: fund\n")


def test_several_problems_are_reported_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "three.yaml").write_text(THREE_MISTAKES, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(["validate", "three.yaml"], capsys)
    assert code == 1
    errors = [ln for ln in err.splitlines() if ": warning: " not in ln][:-1]
    assert errors == [
        "three.yaml:7: $.stakeholders[0].role: unknown role 'benificiary' — use "
        "beneficiary, provider or leader (did you mean 'beneficiary'?)",
        "three.yaml:15: $.stakeholders[2].power: 7 is above the highest allowed power (5) "
        "— use 0 (none) to 5 (very high)",
        "three.yaml:22: $.relationships[1].kind: unknown kind 'fund' — did you mean "
        "'funds'? Or declare it under 'kinds:'",
    ]
    assert err.splitlines()[-1] == "three.yaml: 3 errors"
    code, out, _ = run_main(["validate", "--format", "json", "three.yaml"], capsys)
    report = json.loads(out)
    assert [e["path"] for e in report["errors"]] == [
        "$.stakeholders[0].role",
        "$.stakeholders[2].power",
        "$.relationships[1].kind",
    ]


def test_warnings_do_not_fail(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    no_leader = VALID_MAP.replace("    role: leader\n", "    role: provider\n")
    (tmp_path / "warn.yaml").write_text(no_leader, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(["validate", "warn.yaml"], capsys)
    assert code == 0
    assert out.splitlines() == [
        "warn.yaml:4: $.stakeholders: warning: no leaders in this map — add who can "
        "change the system (role: leader)",
        "warn.yaml: valid (1 warning)",
    ]
    code, out, _ = run_main(["validate", "--format", "json", "warn.yaml"], capsys)
    assert code == 0
    report = json.loads(out)
    assert report["valid"] is True and len(report["warnings"]) == 1


def test_the_valid_base_map_is_valid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ok.yaml").write_text(VALID_MAP, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_main(["validate", "ok.yaml"], capsys)
    assert (code, out) == (0, "ok.yaml: valid\n")


# ---------------------------------------------------------------- fixed bugs


def test_source_and_target_names_are_checked_too() -> None:
    # the model accepts source/target for from/to; references were not checked
    text = VALID_MAP.replace(
        "  - from: outreach\n    to: pwle\n", "  - source: outreach\n    target: pwel\n"
    )
    report = validate_text(text, file="m.yaml")
    assert [p.format() for p in report.errors] == [
        "m.yaml:17: $.relationships[0].target: unknown stakeholder or factor 'pwel' — did "
        "you mean 'pwle'?"
    ]


def test_a_bad_date_keeps_every_line_number() -> None:
    # ruamel.yaml cannot construct 2026-13-01; that used to drop all line numbers
    text = VALID_MAP.replace("title: Housing demo\n", "title: Housing demo\nas_of: 2026-13-01\n")
    text = text.replace("role: leader", "role: leeder")
    report = validate_text(text, file="m.yaml")
    assert [(p.line, p.path[-1]) for p in report.errors] == [(3, "as_of"), (15, "role")]


def test_a_number_too_long_to_print_in_data() -> None:
    data = {"id": "x", "stakeholders": [{"id": "a", "power": 10**5000}]}
    report, model = validate_data(data)
    assert model is None
    assert [p.format() for p in report.errors] == [
        "<map>: $.stakeholders[0].power: a number is far too long (thousands of digits) — "
        "shorten it, or put it in quotes if it is not a number"
    ]


def test_numeric_keys_are_named_not_indexed() -> None:
    report = validate_text("1: x\n" + VALID_MAP, file="m.yaml")
    assert [p.format() for p in report.errors] == [
        "m.yaml:1: $.1: the number 1 cannot be a field name — field names are words "
        "such as name or role; put the key in quotes or fix it"
    ]


ODD_INPUTS = {
    "long number in YAML": ("id: " + "1" * 5000, "yaml", "<map>:1: a number is far too long"),
    "long number in JSON": (
        '{"id": ' + "1" * 5000 + "}",
        "json",
        "<map>:1: a number is far too long",
    ),
    "byte order mark, YAML": ("\ufeff" + VALID_MAP, "yaml", None),
    "byte order mark, JSON": (
        "\ufeff" + json.dumps({"id": "x", "guiding_question": "?"}),
        "json",
        "<map>:1: $.title: the map has no title",
    ),
    "stray --- at the end": (VALID_MAP + "---\n", "yaml", None),
    "scale with one number": (
        "assessments: [{id: a, name: n, scale: [0], items: [{id: i, text: t}]}]\n",
        "yaml",
        "<map>:1: $.assessments[0].scale: scale needs two numbers",
    ),
    "merge key": (
        "<<: {id: x}\n",
        "yaml",
        "<map>:1: $.<<: YAML merge keys ('<<') are not supported",
    ),
    "plain text": ("hello world\n", "yaml", "<map>:1: the file holds only 'hello world', but"),
}


@pytest.mark.parametrize(("text", "fmt", "expected"), ODD_INPUTS.values(), ids=list(ODD_INPUTS))
def test_odd_inputs_get_plain_messages(text: str, fmt: str, expected: str | None) -> None:
    report = validate_text(text, fmt)  # type: ignore[arg-type]
    if expected is None:
        assert report.ok, report.format_text()
    else:
        assert any(p.format().startswith(expected) for p in report.errors), report.format_text()


# ---------------------------------------------------------------- problem codes

SRC = Path(__file__).parent.parent / "src" / "sysmap"
FILE_FORMAT = Path(__file__).parent.parent / "docs" / "file-format.md"


def _codes_in_source() -> set[str]:
    """Every problem code written in sysmap's source.

    A ``code="…"`` argument anywhere, the last argument of the reference
    checker's ``self.error(…)`` / ``self.warn(…)``, and the codes in its tables.
    """
    import ast

    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            # (a websocket's close code is a number, and a WorkshopError's code names a
            # refusal sent to a phone: neither is a problem code)
            refusal = isinstance(node.func, ast.Name) and node.func.id == "WorkshopError"
            for kw in [] if refusal else node.keywords:
                if kw.arg == "code" and isinstance(kw.value, ast.Constant):
                    if isinstance(kw.value.value, str):
                        found.add(kw.value.value)
            func = node.func
            if (
                path.name == "references.py"
                and isinstance(func, ast.Attribute)
                and func.attr in ("error", "warn")
                and isinstance(node.args[-1], ast.Constant)
            ):
                found.add(node.args[-1].value)
    from sysmap import references

    found.update(code for _, _, code in references._MISSING_ROLES)
    return found


def test_every_code_in_the_source_is_in_the_closed_set():
    from sysmap.problems import PROBLEM_CODES

    found = _codes_in_source()
    # a guard for the guard: the walk sees codes from each checker
    assert {"unreadable", "duplicate-id", "no-leaders", "import", "not-a-role"} <= found
    assert found - set(PROBLEM_CODES) == set()


@pytest.mark.parametrize("name", CORPUS)
def test_every_code_the_corpus_raises_is_in_the_closed_set(name):
    from sysmap.problems import PROBLEM_CODES

    report = validate_file(INVALID / name)
    assert report.problems
    assert {p.code for p in report.problems} <= set(PROBLEM_CODES)


def test_a_field_rule_error_outside_the_set_gets_the_code_invalid():
    from sysmap.rules import _code

    assert _code({"type": "string_type"}) == "string_type"
    assert _code({"type": "url_parsing"}) == "invalid"


def test_the_file_format_reference_lists_every_code_with_its_meaning():
    import re

    from sysmap.problems import PROBLEM_CODES

    text = FILE_FORMAT.read_text(encoding="utf-8")
    section = text.split("## Problem codes", 1)[1]
    rows = dict(re.findall(r"^\| `([a-z_-]+)` \| (.+) \|$", section, flags=re.MULTILINE))
    assert rows == dict(PROBLEM_CODES)
