"""The command line: exit codes, exact messages, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sysmap.cli import cli, main


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m sysmap`` in a real process."""
    return subprocess.run([sys.executable, "-m", "sysmap", *args], capture_output=True, text=True)


def invoke(args: list[str], capsys) -> tuple[int, str, str]:
    """Run the CLI in-process through main(), which owns the error handling."""
    with pytest.raises(SystemExit) as info:
        main(args)
    out, err = capsys.readouterr()
    return int(info.value.code or 0), out, err


def test_python_dash_m_and_version():
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("sysmap, version ")


def test_validate_a_valid_map_exits_0(small_map: Path, capsys):
    code, out, _ = invoke(["validate", str(small_map)], capsys)
    assert code == 0
    assert out.strip() == f"{small_map}: valid"


def test_validate_an_invalid_map_exits_1_with_file_line_path_message(small_map: Path):
    small_map.write_text(small_map.read_text().replace("role: beneficiary", "role: benificiary"))
    result = run("validate", str(small_map))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.splitlines()[0] == (
        f"{small_map}:12: $.stakeholders[0].role: unknown role 'benificiary' — use "
        "beneficiary, provider or leader (did you mean 'beneficiary'?)"
    )


def test_validate_json_output(small_map: Path, capsys):
    small_map.write_text(small_map.read_text().replace("kind: serves", "kind: serve"))
    code, out, _ = invoke(["validate", "--format", "json", str(small_map)], capsys)
    assert code == 1
    data = json.loads(out)
    assert data["valid"] is False
    assert data["errors"][0]["path"] == "$.relationships[0].kind"
    assert data["errors"][0]["line"] == 29
    assert "did you mean 'serves'" in data["errors"][0]["message"]


def test_validate_strict_fails_on_warnings(tmp_path: Path, capsys):
    f = tmp_path / "m.yaml"
    f.write_text("id: m\ntitle: M\nguiding_question: Q?\n")
    assert invoke(["validate", str(f)], capsys)[0] == 0
    code, _, err = invoke(["validate", "--strict", str(f)], capsys)
    assert code == 1
    assert "warning: no beneficiary voice in this map" in err


def test_validate_several_files_fails_if_any_fails(small_map: Path, tmp_path: Path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: m\ntitle: M\n")
    code, out, err = invoke(["validate", str(small_map), str(bad)], capsys)
    assert code == 1
    assert f"{small_map}: valid" in out
    assert (
        f"{bad}: $: missing required field 'guiding_question'" in err or "guiding_question" in err
    )


def test_usage_mistakes_exit_2(capsys):
    code, _, err = invoke(["validate"], capsys)
    assert code == 2
    assert "Missing argument" in err
    code, _, err = invoke(["summary", "x.yaml", "--format", "pdf"], capsys)
    assert code == 2
    code, _, _ = invoke(["no-such-command"], capsys)
    assert code == 2


def test_missing_file_is_one_clear_error(tmp_path: Path):
    result = run("summary", str(tmp_path / "nope.yaml"))
    assert result.returncode == 1
    assert (
        result.stderr.strip() == f"Error: {tmp_path / 'nope.yaml'}: no such file — check the path"
    )


def test_summary_text_json_md(small_map: Path, capsys):
    code, out, _ = invoke(["summary", str(small_map)], capsys)
    assert code == 0
    assert "Guiding question: How do people leave homelessness faster?" in out
    assert "Stakeholders: 1 beneficiary, 1 provider, 1 leader (1 with lived experience)" in out
    code, out, _ = invoke(["summary", str(small_map), "--format", "json"], capsys)
    data = json.loads(out)
    assert data["stakeholders_by_role"] == {"beneficiary": 1, "provider": 1, "leader": 1}
    assert data["relationships_by_kind"] == {"serves": 1, "feedback": 1, "funds": 1}
    code, out, _ = invoke(["summary", str(small_map), "--format", "md"], capsys)
    assert out.startswith("# Riverton pilot")


def test_summary_writes_to_a_file(small_map: Path, tmp_path: Path, capsys):
    target = tmp_path / "summary.md"
    code, _, err = invoke(["summary", str(small_map), "--format", "md", "-o", str(target)], capsys)
    assert code == 0 and target.read_text().startswith("# Riverton pilot")
    assert f"Wrote {target}" in err


def test_editing_commands(small_map: Path, capsys):
    f = str(small_map)
    assert (
        invoke(
            [
                "add",
                "stakeholder",
                f,
                "youth",
                "--name",
                "Youth council",
                "--role",
                "beneficiary",
                "--lived-experience",
                "--power",
                "1",
                "--attr",
                "age_group=youth",
                "--tag",
                "youth",
            ],
            capsys,
        )[0]
        == 0
    )
    assert (
        invoke(
            [
                "add",
                "relationship",
                f,
                "youth",
                "board",
                "--kind",
                "feedback",
                "--strength",
                "2",
                "--status",
                "weak",
                "--evidence",
                "workshop",
                "--asserted-by",
                "beneficiary",
                "--power",
                "1",
                "--carries",
                "decisions",
            ],
            capsys,
        )[0]
        == 0
    )
    assert invoke(["add", "factor", f, "stock", "--name", "Housing stock"], capsys)[0] == 0
    assert invoke(["set", f, "youth", "interest", "5"], capsys)[0] == 0
    code, out, _ = invoke(["remove", f, "youth", "--cascade"], capsys)
    assert code == 0
    assert out.splitlines() == [
        "Removed stakeholder: youth (Youth council)",
        "Removed relationship: youth -> board (feedback)",
    ]


def test_editing_errors_are_one_clear_message(small_map: Path, capsys):
    before = small_map.read_text()
    code, _, err = invoke(
        ["add", "relationship", str(small_map), "pwle", "bord", "--kind", "feedback"], capsys
    )
    assert code == 1
    assert err.strip() == (
        f"Error: {small_map}: $.relationships[3].to: unknown stakeholder or factor 'bord' — "
        "did you mean 'board'?"
    )
    code, _, err = invoke(["set", str(small_map), "pwle", "power"], capsys)
    assert code == 2 and "give a VALUE, or --unset" in err
    code, _, err = invoke(
        ["add", "stakeholder", str(small_map), "x", "--name", "X", "--role", "benificiary"], capsys
    )
    assert code == 2 and "unknown role 'benificiary' — did you mean 'beneficiary'?" in err
    code, _, err = invoke(
        ["add", "stakeholder", str(small_map), "x y", "--name", "X", "--role", "leader"], capsys
    )
    assert code == 1 and "'x y' is not a valid id" in err
    assert small_map.read_text() == before


def test_schema_check(tmp_path: Path, capsys):
    stale = tmp_path / "schema.json"
    stale.write_text("{}")
    code, _, err = invoke(["schema", "--check", str(stale)], capsys)
    assert code == 1 and "out of date" in err
    code, out, _ = invoke(["schema"], capsys)
    assert code == 0 and json.loads(out)["title"] == "sysmap map"


def test_init_then_validate(tmp_path: Path, capsys):
    f = tmp_path / "new.yaml"
    code, out, _ = invoke(["init", str(f), "-q", "How do we house people faster?"], capsys)
    assert code == 0
    assert invoke(["validate", str(f)], capsys)[0] == 0
    code, _, err = invoke(["init", str(f), "-q", "Again?"], capsys)
    assert (
        code == 1
        and err.strip() == f"Error: {f} exists already — choose another name or use --force"
    )


@pytest.mark.parametrize(
    "command",
    [
        ["init"],
        ["validate"],
        ["summary"],
        ["schema"],
        ["add", "stakeholder"],
        ["add", "relationship"],
        ["add", "factor"],
        ["remove"],
        ["set"],
    ],
    ids=" ".join,
)
def test_every_command_has_help_with_an_example(command):
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output


@pytest.mark.parametrize("command", ["map", "report"])
def test_a_command_that_writes_a_file_needs_output(small_map: Path, command: str, capsys):
    code, out, err = invoke([command, str(small_map)], capsys)
    assert code == 2
    assert "Error: Missing option '-o' / '--output'." in err


def test_existing_output_is_kept_without_force(small_map: Path, tmp_path: Path, capsys):
    target = tmp_path / "kept.yaml"
    target.write_text("mine\n", encoding="utf-8")
    code, _, err = invoke(["import", "csv", str(small_map), "-o", str(target)], capsys)
    assert code == 1
    assert err.strip() == f"Error: {target} exists already — choose another name or use --force"
    assert target.read_text(encoding="utf-8") == "mine\n"
