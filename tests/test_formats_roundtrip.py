"""Round trips through every readable format, on every example map.

map -> format -> map gives back the same map, or exactly the fields the
format's documented drop list names (docs/formats.md), never a silent loss.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from helpers import EXAMPLES
from sysmap.cli import main
from sysmap.errors import UnknownFormat
from sysmap.formats import EXPORT_FORMATS, export_map, import_map
from sysmap.formats._dropped import strip_dropped
from sysmap.validate import load_map

MAPS = sorted(p.name for p in EXAMPLES.glob("*.yaml"))

SHEET_DROPS = ["guiding_team", "outcomes", "measures", "indicators", "assessments"]
#: the Riverton maps also hold the team's answers to the process questions and
#: what-if scenarios on their key-factor model
ANSWERED = [*SHEET_DROPS, "answers", "scenarios"]
#: format -> example -> the exact drop list (documented in docs/formats.md)
DROPS: dict[str, dict[str, list[str]]] = {
    "kumu": {},
    "csv": {
        "small.yaml": SHEET_DROPS,
        "homelessness-current.yaml": ANSWERED,
        "homelessness-redesign.yaml": ["relationships[].change.measures", *ANSWERED],
    },
}
DROPS["xlsx"] = DROPS["csv"]
DROPS["graphml"] = {}
_GEXF = ["as_of", "community", "description", "guiding_question", "id", "loops"]
DROPS["gexf"] = {
    "small.yaml": [*_GEXF, *SHEET_DROPS],
    "homelessness-current.yaml": [*_GEXF, *ANSWERED],
    "homelessness-redesign.yaml": [
        "relationships[].change.measures",
        "as_of",
        "based_on",
        "community",
        "description",
        "guiding_question",
        "id",
        "stage",
        "loops",
        *ANSWERED,
    ],
}
ROUND_TRIP = sorted(DROPS)


def _target(tmp_path: Path, fmt: str) -> Path:
    return tmp_path / ("out" if EXPORT_FORMATS[fmt].folder else f"out{EXPORT_FORMATS[fmt].suffix}")


@pytest.mark.parametrize("name", MAPS)
@pytest.mark.parametrize("fmt", ROUND_TRIP)
def test_round_trip(fmt: str, name: str, tmp_path: Path) -> None:
    m = load_map(EXAMPLES / name)
    target = _target(tmp_path, fmt)
    result = export_map(m, fmt, target)
    assert result.dropped == DROPS[fmt].get(name, [])
    back = import_map(fmt, target)
    assert strip_dropped(back.map, result.dropped) == strip_dropped(m, result.dropped)
    if not result.dropped:
        assert back.map == m


#: The formats this module tests (others register their own and test them).
OURS = ["csv", "cypher", "gexf", "graphml", "kumu", "mermaid", "node-link", "xlsx"]


@pytest.mark.parametrize("fmt", [f for f in OURS if f in EXPORT_FORMATS])
def test_every_format_exports_every_example(fmt: str, tmp_path: Path) -> None:
    for name in MAPS:
        result = export_map(load_map(EXAMPLES / name), fmt, _target(tmp_path, fmt))
        assert result.format == fmt


def test_unknown_format_lists_the_known_ones() -> None:
    m = load_map(EXAMPLES / "small.yaml")
    with pytest.raises(UnknownFormat) as err:
        export_map(m, "kumo", io.StringIO())
    assert str(err.value) == (
        "unknown export format 'kumo' — did you mean 'kumu'? Use one of "
        + ", ".join(sorted(EXPORT_FORMATS)[:-1])
        + f" or {sorted(EXPORT_FORMATS)[-1]}"
    )
    with pytest.raises(UnknownFormat, match="unknown import format 'pdf' — Use one of"):
        import_map("pdf", "x.pdf")


def test_a_later_module_can_register_a_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sysmap.formats import ExportResult, register_export

    def write_shout(m, path_or_file, **options):  # type: ignore[no-untyped-def]
        path_or_file.write(m.title.upper() + "\n") if hasattr(path_or_file, "write") else Path(
            path_or_file
        ).write_text(m.title.upper())
        return ExportResult("shout", None, ["everything"])

    register_export("shout", write_shout, "the title, loudly")
    try:
        with pytest.raises(SystemExit) as code:
            main(["export", "shout", str(EXAMPLES / "small.yaml")])
        assert code.value.code == 0
        out, err = capsys.readouterr()
        assert out == "SMALL HAND-CHECKABLE MAP\n"
        assert err == "warning: shout cannot carry these fields, left out: everything\n"
    finally:
        del EXPORT_FORMATS["shout"]


def test_cli_export_prints_drop_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "small.xlsx"
    with pytest.raises(SystemExit) as code:
        main(["export", "xlsx", str(EXAMPLES / "small.yaml"), "-o", str(out)])
    assert code.value.code == 0
    err = capsys.readouterr().err
    assert err == (
        f"Wrote {out}\nwarning: xlsx cannot carry these fields, left out: "
        "guiding_team, outcomes, measures, indicators, assessments\n"
    )


def test_cli_import_then_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "small.json"
    export_map(load_map(EXAMPLES / "small.yaml"), "kumu", src)
    target = tmp_path / "map.yaml"
    with pytest.raises(SystemExit) as code:
        main(["import", "kumu", str(src), "-o", str(target)])
    assert code.value.code == 0
    assert load_map(target) == load_map(EXAMPLES / "small.yaml")
    assert capsys.readouterr().err == (
        f"Wrote {target}: 9 stakeholders, 3 factors, 15 relationships, 1 loop\n"
    )
    with pytest.raises(SystemExit) as code:
        main(["import", "kumu", str(src), "-o", str(target)])
    assert code.value.code == 1  # an existing output is a file problem, as in every command


def test_binary_formats_need_output(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as code:
        main(["export", "xlsx", str(EXAMPLES / "small.yaml")])
    assert code.value.code == 2
    assert "xlsx writes files — say where with -o" in capsys.readouterr().err


def test_node_link_is_read_by_networkx() -> None:
    import networkx as nx

    from sysmap.formats.node_link import generate_node_link

    m = load_map(EXAMPLES / "homelessness-current.yaml")
    g = nx.node_link_graph(json.loads(generate_node_link(m)), edges="links")
    assert g.number_of_nodes() == len(m.stakeholders) + len(m.factors)
    assert g.number_of_edges() == len(m.relationships)
    assert g.graph["guiding_question"] == m.guiding_question


def test_xlsx_template_has_drop_downs(tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "t.xlsx"
    with pytest.raises(SystemExit) as code:
        main(["export", "xlsx", "--template", "-o", str(out)])
    assert code.value.code == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["elements", "connections", "loops", "map", "kinds"]
    headers = [c.value for c in wb["elements"][1]]
    assert headers[:7] == ["Id", "Label", "Element", "Type", "Description", "Tags", "Role"]
    lists = {dv.formula1 for dv in wb["elements"].data_validations.dataValidation}
    assert '"beneficiary,provider,leader"' in lists
    kinds = [dv.formula1 for dv in wb["connections"].data_validations.dataValidation]
    assert any("serves" in k and "funds" in k for k in kinds)


@pytest.mark.parametrize("fmt", ["xlsx", "graphml", "gexf"])
def test_control_characters_are_replaced_and_named(fmt: str, tmp_path: Path) -> None:
    from sysmap.model import Stakeholder, SystemMap

    m = SystemMap(
        id="m",
        title="M",
        guiding_question="Q?",
        stakeholders=[Stakeholder(id="a", name="bell\x07 here", role="leader")],
    )
    target = tmp_path / f"m{EXPORT_FORMATS[fmt].suffix}"
    result = export_map(m, fmt, target)
    assert any("control characters" in w and "replaced" in w for w in result.warnings)
    assert import_map(fmt, target).map.stakeholders[0].name == "bell\ufffd here"


@pytest.mark.parametrize("name", ["homelessness-current.yaml", "homelessness-redesign.yaml"])
def test_both_workbook_readers_see_the_same_tables(name: str) -> None:
    # calamine reads workbooks without formulas; openpyxl the rest: same tables
    from sysmap.formats.xlsx import _tables, _tables_openpyxl, generate_xlsx

    data = generate_xlsx(load_map(EXAMPLES / name))
    fast, full = _tables(data, "w.xlsx"), _tables_openpyxl(data, "w.xlsx")
    assert fast.keys() == full.keys()
    for sheet in fast:
        assert fast[sheet].headers == full[sheet].headers
        assert fast[sheet].rows == full[sheet].rows
        assert fast[sheet].numbers == full[sheet].numbers
