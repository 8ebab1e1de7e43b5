"""The docs stay true to the code."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import ROOT


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
