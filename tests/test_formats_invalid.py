"""Every reader's bad-input corpus: the exact message, exit 1, no traceback.

Files and folders in ``tests/formats_invalid/`` are read with
``sysmap import FORMAT CASE`` (FORMAT is the longest format name the case's
name starts with, followed by ``-``: ``edge-list-…`` is an edge list);
``expected.yaml`` pins the first error line. Workbooks with formulas, missing
sheets, wrong headers and bad numbers are built here with openpyxl (binary
files are hard to review), and their messages pinned below.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from sysmap.cli import main
from sysmap.errors import MapFileError, MapInvalid
from sysmap.formats import IMPORT_FORMATS, import_map

INVALID = Path(__file__).parent / "formats_invalid"
EXPECTED: dict[str, str] = YAML(typ="safe").load((INVALID / "expected.yaml").read_text("utf-8"))
CORPUS = sorted(p.name for p in INVALID.iterdir() if p.name != "expected.yaml")


def _format(case: str) -> str:
    """The format a case is read as: the longest format name its name starts with."""
    names = sorted(IMPORT_FORMATS, key=len, reverse=True)
    return next((f for f in names if case.startswith(f + "-")), case.split("-")[0])


def test_corpus_and_expectations_match() -> None:
    assert sorted(EXPECTED) == CORPUS


@pytest.mark.parametrize("case", CORPUS)
def test_cli_message(
    case: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(INVALID)
    target = tmp_path / "map.yaml"
    with pytest.raises(SystemExit) as code:
        main(["import", _format(case), case, "-o", str(target)])
    assert code.value.code == 1
    err = capsys.readouterr().err
    assert err.splitlines()[0] == f"Error: {EXPECTED[case]}"
    assert "Traceback" not in err
    assert not target.exists()


@pytest.mark.parametrize("case", CORPUS)
def test_library_raises_a_sysmap_error(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(INVALID)
    with pytest.raises((MapFileError, MapInvalid)):
        import_map(_format(case), case)


def test_real_process_no_traceback(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sysmap",
            "import",
            "csv",
            "csv-latin1",
            "-o",
            str(tmp_path / "m.yaml"),
        ],
        cwd=INVALID,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert proc.returncode == 1
    assert proc.stderr == f"Error: {EXPECTED['csv-latin1']}\n"


GOOD_ELEMENTS = [["Label", "Role"], ["Shelter", "provider"], ["Board", "leader"]]
WORKBOOKS: dict[str, tuple[dict[str, list[list[Any]]], str]] = {
    "formula": (
        {"Elements": [["Label", "Role", "Power"], ["Shelter", "provider", "=1+2"]]},
        "sheet elements, row 2, column Power: a formula (=1+2) — sysmap reads values, not "
        "formulas: copy the cells and paste them as values",
    ),
    "missing-sheet": (
        {"Stakeholders": GOOD_ELEMENTS},
        "no sheet named elements (found: Stakeholders) — name the sheet of stakeholders and "
        "factors 'Elements'",
    ),
    "wrong-headers": (
        {
            "Elements": GOOD_ELEMENTS,
            "Connections": [["Frm", "To", "Type"], ["Shelter", "Board", "informs"]],
        },
        "sheet connections, row 1: no From column — did you mean 'Frm'? Rename it to From "
        "(the connections sheet needs From, To, Type; headers are matched ignoring case)",
    ),
    "bad-number": (
        {
            "Elements": GOOD_ELEMENTS,
            "Connections": [
                ["From", "To", "Type", "Strength"],
                ["Shelter", "Board", "informs", "strong"],
            ],
        },
        "sheet connections, row 2, column Strength: strength must be a number from 0 (none) "
        "to 5 (very high), not 'strong'",
    ),
    "duplicate-labels": (
        {"Elements": [*GOOD_ELEMENTS, ["board", "leader"]]},
        "sheet elements, row 4, column Label: 'board' is also the label in sheet elements, "
        "row 3 — labels identify elements when there is no Id column; add an Id column or "
        "make the labels differ",
    ),
    "unknown-id": (
        {
            "Elements": GOOD_ELEMENTS,
            "Connections": [["From", "To", "Type"], ["Shelter", "Mayor", "informs"]],
        },
        "sheet connections, row 2, column To: unknown element 'Mayor' — use an element's id or label",
    ),
}


@pytest.mark.parametrize("case", sorted(WORKBOOKS))
def test_xlsx_message(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import openpyxl

    sheets, message = WORKBOOKS[case]
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    path = tmp_path / f"xlsx-{case}.xlsx"
    wb.save(path)
    with pytest.raises(SystemExit) as code:
        main(["import", "xlsx", str(path), "-o", str(tmp_path / "m.yaml")])
    assert code.value.code == 1
    err = capsys.readouterr().err
    assert err.splitlines()[0] == f"Error: {path}: {message}"
    assert "Traceback" not in err


def test_every_problem_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    (folder / "elements.csv").write_text("Label,Role,Power\nA,leeder,9\nB,provider,x\n", "utf-8")
    with pytest.raises(MapInvalid) as err:
        import_map("csv", folder)
    lines = [p.message for p in err.value.problems if p.severity == "error"]
    assert lines == [
        "row 2, column Role: unknown role 'leeder' — use beneficiary, provider or leader "
        "(did you mean 'leader'?)",
        "row 2, column Power: 9 is above the highest allowed power (5) — use 0 (none) to 5 (very high)",
        "row 3, column Power: power must be a whole number from 0 (none) to 5 (very high), not 'x'",
    ]
