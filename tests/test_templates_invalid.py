"""Acceptance tests: mistakes in role archetypes and checklist templates.

Every file in ``tests/templates_invalid/`` holds one mistake; ``expected.yaml``
there pins the first error each gets (``file:line: $.path: message``, the file
named relative to that folder). Role archetypes go through ``sysmap roles``,
checklists through ``sysmap add assessment``, which must leave the map as it
was.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

import sysmap
from helpers import EXAMPLES
from sysmap.cli import main
from sysmap.errors import MapInvalid

CORPUS_DIR = Path(__file__).parent / "templates_invalid"
EXPECTED_FILE = CORPUS_DIR / "expected.yaml"
EXPECTED: dict[str, str] = YAML(typ="safe").load(EXPECTED_FILE.read_text(encoding="utf-8"))
CORPUS = sorted(p.name for p in CORPUS_DIR.iterdir() if p.is_file() and p != EXPECTED_FILE)
ROLES = [n for n in CORPUS if n.startswith("role-")]
CHECKLISTS = [n for n in CORPUS if n.startswith("checklist-")]


def run_main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    out, err = capsys.readouterr()
    code = exit_info.value.code
    return (code if isinstance(code, int) else 1), out, err


def test_every_file_has_an_expectation_and_every_expectation_a_file() -> None:
    assert sorted(EXPECTED) == CORPUS
    assert len(ROLES) >= 5 and len(CHECKLISTS) >= 4
    assert set(ROLES) | set(CHECKLISTS) == set(CORPUS)


@pytest.mark.parametrize("name", CORPUS)
def test_each_file_says_what_its_mistake_is(name: str) -> None:
    assert (CORPUS_DIR / name).read_text(encoding="utf-8").startswith("# Mistake: ")


@pytest.mark.parametrize("name", ROLES)
def test_roles_prints_the_expected_first_error(
    name: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(CORPUS_DIR)
    code, out, err = run_main(["roles", name], capsys)
    assert code == 1
    assert out == ""
    assert "Traceback" not in err
    assert err.splitlines()[0] == f"Error: {EXPECTED[name]}"


@pytest.mark.parametrize("name", ROLES)
def test_one_mistake_in_a_role_gives_one_error(name: str) -> None:
    with pytest.raises(MapInvalid) as info:
        sysmap.load_role_archetype(CORPUS_DIR / name)
    assert len(info.value.problems) == 1, info.value


@pytest.mark.parametrize("name", CHECKLISTS)
def test_add_assessment_prints_the_expected_first_error_and_writes_nothing(
    name: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = tmp_path / "small.yaml"
    shutil.copy(EXAMPLES / "small.yaml", target)
    before = target.read_bytes()
    monkeypatch.chdir(CORPUS_DIR)
    code, out, err = run_main(["add", "assessment", str(target), name], capsys)
    assert code == 1
    assert "Traceback" not in out + err
    assert err.splitlines()[0] == f"Error: {EXPECTED[name]}"
    assert target.read_bytes() == before


@pytest.mark.parametrize("name", CHECKLISTS)
def test_one_mistake_in_a_checklist_gives_one_error(name: str) -> None:
    with pytest.raises(MapInvalid) as info:
        sysmap.load_assessment_template(CORPUS_DIR / name)
    assert len(info.value.problems) == 1, info.value


def test_a_real_process_gets_the_same_messages(tmp_path: Path) -> None:
    target = tmp_path / "small.yaml"
    shutil.copy(EXAMPLES / "small.yaml", target)
    for name, args in (
        (ROLES[0], ["roles", ROLES[0]]),
        (CHECKLISTS[0], ["add", "assessment", str(target), CHECKLISTS[0]]),
    ):
        result = subprocess.run(
            [sys.executable, "-m", "sysmap", *args],
            cwd=CORPUS_DIR,
            capture_output=True,
            text=True,
            encoding="utf-8",
            env={**os.environ},
            timeout=60,
        )
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        assert result.stderr.splitlines()[0] == f"Error: {EXPECTED[name]}"
