"""The docs stay true to the code."""

from __future__ import annotations

import glob
import re
import shlex
import subprocess
import sys

import pytest
from click.testing import CliRunner

from helpers import ROOT
from sysmap.cli import cli
from sysmap.examples import copy_examples


def test_cli_reference_is_up_to_date():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "cli_reference.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_readme_starts_with_the_two_setup_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:sh|bash|console)?\n(.*?)```", text, re.S)
    first = blocks[0].strip().splitlines()
    assert len(first) == 2, "the README's first code block holds exactly two commands"
    assert "scripts/main" in first[0]
    assert "scripts/test" in first[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert first[1].strip() in ci, ".ci/run must run the README's test command"


def test_changelog_has_an_unreleased_section():
    assert "## [Unreleased]" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


def test_every_core_kind_is_documented_in_the_file_format_reference():
    from sysmap.model import CORE_KINDS, EVIDENCE_SOURCES, ROLES, STATUSES

    text = (ROOT / "docs" / "file-format.md").read_text(encoding="utf-8")
    for word in [*CORE_KINDS, *ROLES, *STATUSES, *EVIDENCE_SOURCES]:
        assert f"`{word}`" in text, f"docs/file-format.md does not mention `{word}`"


def test_every_public_function_is_in_the_python_api_doc():
    import sysmap

    text = (ROOT / "docs" / "python-api.md").read_text(encoding="utf-8")
    for name in sysmap.__all__:
        if name[0].islower():
            assert f"{name}(" in text, f"docs/python-api.md does not show {name}()"


def _example_commands() -> list[str]:
    """Every ``sysmap …`` line in the README and docs that works on the bundled examples alone."""
    lines: set[str] = set()
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for raw in doc.read_text(encoding="utf-8").splitlines():
            line = raw.strip().removeprefix("$ ").split("  #")[0].strip()
            if not line.startswith("sysmap ") or "examples/" not in line or line.endswith("\\"):
                continue
            words = shlex.split(line)[1:]
            if words[0] == "neo4j":  # needs a database: tests/test_neo4j_*.py run those
                continue
            # every file it names is a bundled example or one it writes (after -o)
            outputs = {words[i + 1] for i, w in enumerate(words[:-1]) if w == "-o"}
            named = [w for w in words if re.search(r"\.(ya?ml|json|csv|xlsx)$", w)]
            if all(w.startswith("examples/") or w in outputs for w in named):
                lines.add(line)
    return sorted(lines)


@pytest.mark.parametrize("command", _example_commands())
def test_documented_example_commands_run(command: str, tmp_path, monkeypatch) -> None:
    copy_examples(tmp_path / "examples")  # as `sysmap examples examples` does
    monkeypatch.chdir(tmp_path)
    args: list[str] = []
    for word in shlex.split(command)[1:]:
        args += sorted(glob.glob(word)) if "*" in word else [word]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, f"{command}\n{result.output}"


def test_doctests_do_not_depend_on_the_folder_pytest_runs_from():
    # A doctest that reads "examples/…" passes only when run from the repository's root;
    # examples_folder() finds the examples wherever sysmap is installed.
    relative = re.compile(r"""^\s*(>>>|\.\.\.) .*["']examples/""")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "src" / "sysmap").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if relative.match(line) and "+SKIP" not in line
    ]
    assert not found, f"doctests that read examples/ relative to the working folder: {found}"
