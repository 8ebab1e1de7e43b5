"""``export --redact``: people marked sensitive do not leave the workshop by name, in any format.

Each export format writes the example map twice, plain and redacted; the
plain file must hold the sensitive stakeholders' names (so the check below
can fail), the redacted one none of their names, ids or descriptions.
Unknown format options are refused with the options the format takes.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from helpers import EXAMPLES
from sysmap.cli import main
from sysmap.errors import SysmapError, UnknownOption
from sysmap.formats import EXPORT_FORMATS, export_map, import_map
from sysmap.model import SystemMap
from sysmap.redact import SECTIONS_LEFT_OUT
from sysmap.validate import load_map


@pytest.fixture(scope="module")
def current() -> SystemMap:
    return load_map(EXAMPLES / "homelessness-current.yaml")


def written_text(path: Path) -> str:
    """Everything a format wrote, as text (a folder's files, a workbook's XML)."""
    if path.is_dir():
        return "\n".join(p.read_text(encoding="utf-8") for p in sorted(path.iterdir()))
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            return "\n".join(z.read(n).decode("utf-8") for n in z.namelist())
    return path.read_text(encoding="utf-8")


def target(tmp_path: Path, fmt: str, stem: str) -> Path:
    spec = EXPORT_FORMATS[fmt]
    return tmp_path / (stem if spec.folder else f"{stem}{spec.suffix}")


@pytest.mark.parametrize("fmt", sorted(EXPORT_FORMATS))
def test_a_redacted_export_names_no_sensitive_stakeholder(
    fmt: str, current: SystemMap, tmp_path: Path
) -> None:
    sensitive = [s for s in current.stakeholders if s.sensitive]
    assert [s.id for s in sensitive] == ["lewg-dana", "lewg-tommy"]
    plain = target(tmp_path, fmt, "plain")
    if "stakeholders" in export_map(current, fmt, plain).dropped:
        # a format with no place for stakeholders (mental-modeler) names none of them
        assert not any(s.name in written_text(plain) for s in sensitive)
        return
    assert all(s.name in written_text(plain) for s in sensitive)

    public = target(tmp_path, fmt, "public")
    result = export_map(current, fmt, public, redact=True)
    text = written_text(public)
    for s in sensitive:
        assert s.name not in text
        assert s.id not in text
        assert s.description is not None and s.description not in text
    assert "Stakeholder 1" in text and "Stakeholder 2" in text
    assert result.warnings[0] == (
        "redact: 2 sensitive stakeholders are written as Stakeholder 1 … Stakeholder 2, "
        "without their free text"
    )
    # the guiding team names people; formats that carry it leave it out and say so
    if "redact" not in EXPORT_FORMATS[fmt].options:
        left = [p.replace("_", " ") for p in SECTIONS_LEFT_OUT if getattr(current, p, None)]
        assert left[:5] == ["guiding team", "outcomes", "measures", "indicators", "assessments"]
        assert result.warnings[1] == (
            "redact: left out because they may name people: " + ", ".join(left)
        )
        assert current.guiding_team[0].name not in text


def test_a_redacted_spreadsheet_reads_back_as_a_map_with_the_same_shape(
    current: SystemMap, tmp_path: Path
) -> None:
    out = tmp_path / "public.xlsx"
    export_map(current, "xlsx", out, redact=True)
    back = import_map("xlsx", out).map
    assert len(back.stakeholders) == len(current.stakeholders)
    assert len(back.relationships) == len(current.relationships)
    assert {"stakeholder-1", "stakeholder-2"} <= {s.id for s in back.stakeholders}
    assert back.guiding_team == []


def test_redacting_a_map_without_sensitive_stakeholders_says_so(tmp_path: Path) -> None:
    m = load_map(EXAMPLES / "small.yaml")
    result = export_map(m, "kumu", tmp_path / "small.json", redact=True)
    assert result.warnings == [
        "redact: no stakeholder is marked sensitive, so nothing was redacted"
    ]
    assert import_map("kumu", tmp_path / "small.json").map.stakeholders == m.stakeholders


def test_export_redact_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "public.json"
    with pytest.raises(SystemExit) as info:
        main(
            [
                "export",
                "kumu",
                str(EXAMPLES / "homelessness-current.yaml"),
                "-o",
                str(out),
                "--redact",
            ]
        )
    assert info.value.code in (0, None)
    err = capsys.readouterr().err
    assert "warning: redact: 2 sensitive stakeholders are written as Stakeholder 1" in err
    assert "Dana W." not in out.read_text(encoding="utf-8")


# ------------------------------------------------------------------ options


def test_an_option_the_format_does_not_take_is_refused(current: SystemMap, tmp_path: Path) -> None:
    with pytest.raises(UnknownOption) as info:
        export_map(current, "cypher", tmp_path / "m.cypher", replce=True)
    assert str(info.value) == (
        "export format cypher has no option 'replce' — did you mean 'replace'? "
        "It takes: replace, redact"
    )
    assert isinstance(info.value, TypeError) and isinstance(info.value, SysmapError)
    assert not (tmp_path / "m.cypher").exists()
    export_map(current, "kumu", tmp_path / "m.json")
    with pytest.raises(
        UnknownOption,
        match="^import format kumu has no option 'tilte' — did "
        "you mean 'title'\\? It takes: id, title, guiding_question, role, kind, weights$",
    ):
        import_map("kumu", tmp_path / "m.json", tilte="Riverton")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["export", "csv", "examples/small.yaml", "-o", "OUT", "-O", "foo=1"],
            "export format csv has no option 'foo' — it takes: redact",
        ),
        (
            ["import", "survey", "SURVEY", "-o", "OUT", "-O", "kinds=x"],
            "import format survey has no option 'kinds' — did you mean 'kind'? It takes: role, "
            "kind, id, title, guiding_question, weights",
        ),
    ],
)
def test_the_command_line_names_the_options_a_format_takes(
    args: list[str],
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(EXAMPLES.parent)
    out = tmp_path / "out"
    survey = tmp_path / "partner.csv"
    survey.write_text("respondent,organisation,partner,frequency\n", encoding="utf-8")
    args = [{"OUT": str(out), "SURVEY": str(survey)}.get(a, a) for a in args]
    with pytest.raises(SystemExit) as info:
        main(args)
    err = capsys.readouterr().err
    assert info.value.code == 2
    assert err.splitlines()[-1] == f"Error: Invalid value for '-O/--option': {message}"
    assert "Traceback" not in err
    assert not out.exists()
