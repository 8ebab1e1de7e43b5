"""Hostile and broken input files: one message, the documented exit code, bounded cost.

Each case here made sysmap hang, take gigabytes or print a Python traceback
before (issue 14, items 9–12 and 15). The promise for each is one ``Error: …``
message (exit 1) or a capped problem list, never a traceback. Where a file
would blow up memory the command runs in a child process under an
address-space limit (``resource.setrlimit``), so going over the bound fails the
test; times are measured by ``benchmarks/bench_hostile.py`` and written in
``docs/privacy.md``, never asserted here.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import ROOT
from sysmap.cli import main
from sysmap.errors import MapFileError
from sysmap.formats import import_map
from sysmap.formats.xlsx import generate_xlsx
from sysmap.validate import load_map, validate_file, validate_text

SMALL = ROOT / "examples" / "small.yaml"
GIB = 1 << 30
MIB = 1 << 20


def run_main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    out, err = capsys.readouterr()
    code = exit_info.value.code
    return (code if isinstance(code, int) else 1), out, err


def limited_process(
    args: list[str], cwd: Path, address_space: int, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m sysmap ARGS`` with at most ``address_space`` bytes of memory."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))

    return subprocess.run(
        [sys.executable, "-m", "sysmap", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, **(env or {})},
        preexec_fn=limit,
        timeout=300,
    )


# ---------------------------------------------------------------- 9. zip bombs


def _add_part(archive: zipfile.ZipFile, name: str, head: bytes, size: int, tail: bytes) -> None:
    """A part of ``size`` bytes of one repeated letter, written 1 MB at a time."""
    with archive.open(name, "w", force_zip64=True) as part:
        part.write(head)
        chunk = b"A" * MIB
        for _ in range(size // MIB):
            part.write(chunk)
        part.write(tail)


@pytest.fixture(scope="module")
def sheet_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 1 MB on disk holding a 1 GB worksheet (one cell of a billion letters)."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        _add_part(
            archive,
            "xl/worksheets/sheet1.xml",
            b'<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>',
            GIB,
            b"</t></is></c></row></sheetData></worksheet>",
        )
    return path


def test_the_bomb_is_small_on_disk_and_huge_unzipped(sheet_bomb: Path) -> None:
    # the test's own premise, so that the refusal below means something
    assert sheet_bomb.stat().st_size < 2 * MIB
    with zipfile.ZipFile(sheet_bomb) as archive:
        assert sum(i.file_size for i in archive.infolist()) > GIB


def test_zip_bomb_is_refused_before_unzipping(sheet_bomb: Path, tmp_path: Path) -> None:
    # before: 2.2 GB and 9 s to fail; the bound is 400 MB of address space for the whole
    # process (python and sysmap's libraries included)
    out = tmp_path / "map.yaml"
    result = limited_process(
        ["import", "xlsx", str(sheet_bomb), "-o", str(out)], tmp_path, 400 * MIB
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        # 2**30 letters and 110 bytes of XML in the sheet, 8 in [Content_Types].xml;
        # the limit is 2 × 64 MiB = 134,217,728 bytes
        f"Error: {sheet_bomb}: the workbook unzips to 1073.7 MB (its part "
        "xl/worksheets/sheet1.xml alone to 1073.7 MB), over the 134.2 MB limit for a "
        "workbook — a workbook this big is more likely a zip bomb than a map: check that "
        "this is the right file, or raise the limit with SYSMAP_MAX_FILE_BYTES"
    ]
    assert not out.exists()


def test_the_adjacency_importer_refuses_the_bomb_too(sheet_bomb: Path) -> None:
    # adjacency matrices may be XLSX workbooks: the same check before openpyxl opens one
    with pytest.raises(MapFileError, match="over the 134.2 MB limit for a workbook"):
        import_map("adjacency", sheet_bomb)


def test_an_unreferenced_huge_part_is_refused_too(tmp_path: Path) -> None:
    # a good workbook with a big part no sheet refers to: the declared sizes count, not
    # what a reader would open (limits lowered so that the part can stay small here)
    good = generate_xlsx(load_map(SMALL))
    path = tmp_path / "padded.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with zipfile.ZipFile(__import__("io").BytesIO(good)) as source:
            for info in source.infolist():
                archive.writestr(info.filename, source.read(info))
        _add_part(archive, "xl/media/padding.bin", b"", 8 * MIB, b"")
    os.environ["SYSMAP_MAX_FILE_BYTES"] = str(2 * MIB)
    try:
        with pytest.raises(MapFileError) as err:
            import_map("xlsx", path)
    finally:
        del os.environ["SYSMAP_MAX_FILE_BYTES"]
    assert "its part xl/media/padding.bin alone to 8.4 MB), over the 4.2 MB limit" in str(err.value)
    # and the same workbook without the part reads
    assert import_map("xlsx", __import__("io").BytesIO(good)).map.id == load_map(SMALL).id


def _declare(path: Path, part: str, size: int) -> None:
    """Make the zip at ``path`` declare ``size`` bytes for ``part`` (a lie, if smaller)."""
    import struct

    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_len = struct.unpack("<H", data[at + 28 : at + 30])[0]
        if bytes(data[at + 46 : at + 46 + name_len]) == part.encode():
            struct.pack_into("<I", data, at + 24, size)  # central directory
            local = struct.unpack("<I", data[at + 42 : at + 46])[0]
            struct.pack_into("<I", data, local + 22, size)  # local header
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))


def test_a_part_bigger_than_it_declares_is_refused(tmp_path: Path) -> None:
    # the sizes a zip declares can lie: a sheet of 64 MB of spaces declared as 5,000 bytes
    # (before: a 1 GB liar took 2.1 GB; readers unzip what is there, not what is declared)
    good = generate_xlsx(load_map(SMALL))
    path = tmp_path / "liar.xlsx"
    sheet = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with zipfile.ZipFile(__import__("io").BytesIO(good)) as source:
            for info in source.infolist():
                if info.filename != sheet:
                    archive.writestr(info.filename, source.read(info))
                    continue
                head, tail = source.read(info).rsplit(b"</worksheet>", 1)
                _add_part(archive, sheet, head, 64 * MIB, b"</worksheet>" + tail)
    _declare(path, sheet, 5000)
    with pytest.raises(MapFileError) as err:
        import_map("xlsx", path)
    assert str(err.value) == (
        f"{path}: the workbook's part {sheet} unzips to more than the 5.0 kB it declares (or "
        "is packed in a way spreadsheets do not use) — the file is damaged or built to "
        "mislead; save it again from your spreadsheet"
    )
    _declare(path, sheet, 64 * MIB + 10_000)  # told the truth (and a little more), it reads
    assert import_map("xlsx", path).map.id == load_map(SMALL).id


IMPORTERS = {
    "kumu": ("big.json", '{"elements": [], "pad": "' + "x" * 3000 + '"}'),
    "graphml": ("big.graphml", "<graphml>" + " " * 3000 + "</graphml>"),
    "gexf": ("big.gexf", "<gexf>" + " " * 3000 + "</gexf>"),
    "survey": ("big.csv", "Organisation,Partner,Frequency\n" + "a,b,1\n" * 500),
    "csv": ("elements.csv", "Label,Role\n" + "a,leader\n" * 500),
    "xlsx": ("big.xlsx", "x" * 3000),
}


@pytest.mark.parametrize("fmt", sorted(IMPORTERS))
def test_every_importer_has_the_size_limit(
    fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    name, text = IMPORTERS[fmt]
    (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.setenv("SYSMAP_MAX_FILE_BYTES", "2000")
    monkeypatch.chdir(tmp_path)
    code, _, err = run_main(["import", fmt, name, "-o", "out.yaml"], capsys)
    assert code == 1
    assert err.startswith(f"Error: {name}: the file is ")
    assert "over the 2.0 kB limit for a file to import" in err
    assert not (tmp_path / "out.yaml").exists()


# ---------------------------------------------------------------- 10. deep nesting

DEEP = 100_000


@pytest.mark.parametrize(
    ("fmt", "name", "text", "expected"),
    [
        (
            "kumu",
            "deep.json",
            '{"elements": ' + "[" * DEEP + "]" * DEEP + "}",
            "deep.json: the JSON is nested too deeply to be a Kumu export",
        ),
        (
            "graphml",
            "deep.graphml",
            "<graphml>" + "<a>" * DEEP + "</a>" * DEEP + "</graphml>",
            None,  # XML is read without recursion: no nodes, so the usual message
        ),
    ],
    ids=["kumu", "graphml"],
)
def test_deeply_nested_imports(
    fmt: str,
    name: str,
    text: str,
    expected: str | None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, _, err = run_main(["import", fmt, name, "-o", "out.yaml"], capsys)
    assert code == 1
    assert "Traceback" not in err and "RecursionError" not in err
    assert err.startswith("Error: ") and len(err.splitlines()) == 1, err
    if expected:
        assert err.startswith(f"Error: {expected}")


DEEP_MAPS = {
    "json": ("deep.json", '{"id": ' + "[" * DEEP + "]" * DEEP + "}", "nested too deeply"),
    "yaml flow": ("deep.yaml", "id: " + "[" * DEEP + "]" * DEEP + "\n", "nested too deeply"),
    # 3,000 levels of indented blocks: read without recursion, so the usual messages
    "yaml blocks": (
        "deep-block.yaml",
        "".join(f"{' ' * i}a{i}:\n" for i in range(3000)) + "x: 1\n",
        "unknown field 'a0' — remove it",
    ),
}


@pytest.mark.parametrize(("name", "text", "expected"), DEEP_MAPS.values(), ids=list(DEEP_MAPS))
def test_deeply_nested_maps(
    name: str,
    text: str,
    expected: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for args in (["validate", name], ["summary", name]):
        code, out, err = run_main(args, capsys)
        assert code == 1
        assert "Traceback" not in out + err and "RecursionError" not in out + err
        assert expected in out + err


# ---------------------------------------------------------------- 11. named pipes


def _with_fifo(tmp_path: Path, name: str, call: Callable[[], object]) -> None:
    """Run ``call`` while ``name`` is a named pipe nobody writes to; fail if it waits."""
    fifo = tmp_path / name
    os.mkfifo(fifo)
    failure: list[BaseException] = []

    def target() -> None:
        try:
            call()
        except BaseException as exc:  # noqa: BLE001 - handed to the test below
            failure.append(exc)

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(60)
    if worker.is_alive():
        with open(fifo, "w"):  # let the reader go, then fail
            pass
        worker.join(10)
        pytest.fail(f"reading the named pipe {name} did not return")
    if failure and not isinstance(failure[0], SystemExit):
        raise failure[0]


READERS = [
    ["validate", "m.yaml"],
    ["summary", "m.yaml"],
    ["analyze", "m.yaml"],
    ["export", "kumu", "m.yaml"],
    ["map", "m.yaml", "-o", "out.html"],
    ["compare", "m.yaml", "ok.yaml"],
    ["compare", "ok.yaml", "ok.yaml", "--mapping", "m.yaml"],
    ["add", "stakeholder", "m.yaml", "x", "--name", "X", "--role", "leader"],
    ["set", "m.yaml", "pwle", "name", "X"],
    ["remove", "m.yaml", "pwle"],
    ["add", "assessment", "ok.yaml", "m.yaml"],
    ["schema", "--check", "m.yaml"],
    ["import", "kumu", "m.yaml", "-o", "out.yaml"],
    ["import", "xlsx", "m.yaml", "-o", "out.yaml"],
    ["import", "graphml", "m.yaml", "-o", "out.yaml"],
    ["import", "gexf", "m.yaml", "-o", "out.yaml"],
    ["import", "survey", "m.yaml", "-o", "out.yaml"],
]


@pytest.mark.parametrize("args", READERS, ids=[" ".join(a[:2] + a[3:4]) for a in READERS])
def test_a_named_pipe_is_refused_not_waited_on(
    args: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "ok.yaml").write_text(SMALL.read_text("utf-8"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    codes: list[int] = []

    def call() -> None:
        try:
            main(args)
        except SystemExit as exc:
            codes.append(exc.code if isinstance(exc.code, int) else 1)

    _with_fifo(tmp_path, "m.yaml", call)
    out, err = capsys.readouterr()
    assert codes == [1], out + err
    assert "this is not a regular file (a named pipe, device or socket)" in out + err
    assert "Traceback" not in out + err
    assert not (tmp_path / "out.yaml").exists() and not (tmp_path / "out.html").exists()


def test_a_named_pipe_in_a_csv_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "elements.csv").write_text("Label,Role\nA,leader\n", encoding="utf-8")

    def call() -> None:
        with pytest.raises(MapFileError, match="not a regular file"):
            import_map("csv", folder)

    _with_fifo(folder, "connections.csv", call)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_a_device_is_refused(device: str) -> None:
    if not Path(device).exists():
        pytest.fail(f"{device} is missing on this system")
    report = validate_file(device)
    assert [p.message for p in report.errors] == [
        "this is not a regular file (a named pipe, device or socket) — sysmap reads only "
        "ordinary files; save the data to a file first"
    ]


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(MapFileError, match="this is a folder, not a file"):
        load_map(tmp_path)
    with pytest.raises(MapFileError, match="this is a folder, not a file"):
        import_map("kumu", tmp_path)


# ---------------------------------------------------------------- 12. files full of mistakes

MILLION = 1_000_000


def test_a_million_empty_stakeholders(tmp_path: Path) -> None:
    # before: 6 GB and three million lines; the bound is 1 GB of address space for the
    # whole process and one line per kind of mistake
    path = tmp_path / "empty.yaml"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("id: x\ntitle: t\nguiding_question: q\nstakeholders:\n")
        fh.write("  - {}\n" * MILLION)
    assert path.stat().st_size > 6 * MIB
    result = limited_process(["validate", path.name], tmp_path, GIB)
    assert result.returncode == 1, result.stderr[-2000:]
    lines = result.stderr.splitlines()
    assert len(lines) < 100
    for field in ("id", "name", "role"):
        assert sum(f"$.stakeholders[{i}].{field}:" in result.stderr for i in range(20)) == 20
        assert f"$.stakeholders[19].{field}: " in result.stderr
    assert lines[-1] == "empty.yaml: 3,000,000 errors"
    assert result.stderr.count("(and 999,980 more like this)") == 3


def test_the_cap_counts_every_problem_of_a_kind() -> None:
    # 45 stakeholders with the same unknown role, 3 with a bad power: 20 roles listed,
    # the last saying 25 more; the 3 powers all listed
    people = "".join(
        f"  - {{id: p{i}, name: P{i}, role: leeder{', power: 9' if i < 3 else ''}}}\n"
        for i in range(45)
    )
    report = validate_text(f"id: m\ntitle: M\nguiding_question: Q?\nstakeholders:\n{people}")
    roles = [p for p in report.errors if p.path[-1] == "role"]
    powers = [p for p in report.errors if p.path[-1] == "power"]
    assert [p.path[1] for p in roles] == list(range(20))
    assert [p.more for p in roles] == [0] * 19 + [25]
    assert roles[-1].format().endswith("(and 25 more like this)")
    assert [p.more for p in powers] == [0, 0, 0]
    assert report.format_text().splitlines()[-1] == "<map>: 48 errors"
    listed = {e["path"]: e["more"] for e in report.to_dict()["errors"]}
    assert listed["$.stakeholders[19].role"] == 25


def test_an_import_full_of_mistakes_is_capped_too(tmp_path: Path) -> None:
    # 45 rows with the same unknown role: 20 placed at their row, the last counting 25 more
    from sysmap.errors import MapInvalid

    rows = "".join(f"S{i},leeder\n" for i in range(45))
    (tmp_path / "elements.csv").write_text("Label,Role\n" + rows, encoding="utf-8")
    with pytest.raises(MapInvalid) as err:
        import_map("csv", tmp_path)
    shown = [p.format() for p in err.value.problems if p.severity == "error"]
    assert len(shown) == 20
    assert shown[-1] == (
        f"{tmp_path / 'elements.csv'}: row 21, column Role: unknown role 'leeder' — use beneficiary, "
        "provider or leader (did you mean 'leader'?) (and 25 more like this)"
    )
    assert str(err.value).startswith("45 problems in the map:")


def test_an_importers_own_checks_are_capped_too(tmp_path: Path) -> None:
    # 300,000 connections from elements that do not exist, each a different name: one kind
    # of mistake (the same message but for the name), so 20 are listed and 299,980 counted
    from sysmap.errors import MapInvalid

    (tmp_path / "elements.csv").write_text("Label,Role\nA,leader\nB,provider\n", "utf-8")
    rows = "".join(f"X{i},B,serves\n" for i in range(300_000))
    (tmp_path / "connections.csv").write_text("From,To,Type\n" + rows, "utf-8")
    with pytest.raises(MapInvalid) as err:
        import_map("csv", tmp_path)
    assert len(err.value.problems) == 20
    assert err.value.problems[-1].message == (
        "row 21, column From: unknown element 'X19' — use an element's id or label"
    )
    assert err.value.problems[-1].more == 299_980
    assert str(err.value).startswith("300,000 problems in the map:")


def test_long_lists_are_checked_in_slices_with_the_same_result() -> None:
    # 5,000 stakeholders (over the 2,000 a slice holds): the same problems, in the same
    # places, as the whole list checked at once would give, and a valid map stays valid
    people = [{"id": f"p{i}", "name": f"P{i}", "role": "leader"} for i in range(5000)]
    people[2500]["role"] = "leeder"
    people[4999]["power"] = 7
    text = json.dumps({"id": "m", "title": "M", "guiding_question": "Q?", "stakeholders": people})
    report = validate_text(text, "json")
    assert [(p.path, p.code) for p in report.errors] == [
        (["stakeholders", 2500, "role"], "literal_error"),
        (["stakeholders", 4999, "power"], "less_than_equal"),
    ]
    people[2500]["role"] = "beneficiary"
    del people[4999]["power"]
    text = json.dumps({"id": "m", "title": "M", "guiding_question": "Q?", "stakeholders": people})
    m = validate_text(text, "json")
    assert m.ok
    from sysmap.validate import loads_map

    assert len(loads_map(text, "json").stakeholders) == 5000


# ---------------------------------------------------------------- 15. small message bugs


def test_a_bom_then_a_bad_byte_names_the_bad_byte() -> None:
    from sysmap.mapfile import decode

    with pytest.raises(MapFileError) as err:
        decode(b"\xef\xbb\xbfid: caf\xe9\n", "m.yaml")
    assert str(err.value) == (
        "m.yaml:1: the file is not UTF-8 text (byte 0xe9 on this line, often an accented "
        "letter saved in another encoding) — save it as UTF-8"
    )


def test_keys_one_and_true_are_named_with_their_line() -> None:
    report = validate_text("id: x\ntitle: t\nguiding_question: q\n1: a\ntrue: b\n", file="m.yaml")
    assert [p.format() for p in report.errors] == [
        "m.yaml:5: $.true: the keys '1' and 'true' in this block are one key to a YAML reader "
        "(numbers and true/false are compared as values: true is 1, 1.0 is 1) — use words as "
        "field names, or put the keys in quotes"
    ]


def test_nested_attributes_do_not_leak_type_names() -> None:
    text = (
        "id: x\ntitle: t\nguiding_question: q\nstakeholders:\n"
        "  - id: a\n    name: A\n    role: leader\n    attributes:\n      x: {y: [1]}\n"
    )
    report = validate_text(text, file="m.yaml")
    assert [p.format() for p in report.errors] == [
        "m.yaml:9: $.stakeholders[0].attributes.x: the attribute 'x' must be text, a number "
        "or true/false, not a block of fields"
    ]


def test_an_unreadable_file_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # root reads any file, so the check click makes is failed on purpose here
    path = tmp_path / "m.yaml"
    path.write_text(SMALL.read_text("utf-8"), encoding="utf-8")
    real_access = os.access
    monkeypatch.setattr(
        os,
        "access",
        lambda p, mode, **kw: False if str(p) == str(path) else real_access(p, mode, **kw),
    )
    for args in (["validate", str(path)], ["summary", str(path)], ["export", "kumu", str(path)]):
        code, _, err = run_main(args, capsys)
        assert code == 1
        assert (
            err
            == f"Error: Invalid value for 'MAP{'...' if args[0] == 'validate' else ''}': Path {str(path)!r} is not readable. Check the file's permissions.\n"
        )


def test_a_file_the_system_refuses_to_read_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(SMALL.read_text("utf-8"), encoding="utf-8")
    real_open = os.open

    def refuse(p: object, *args: object, **kw: object) -> int:
        if str(p) == str(path):
            raise PermissionError(13, "Permission denied", str(p))
        return real_open(p, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refuse)
    code, _, err = run_main(["summary", str(path)], capsys)
    assert (code, err) == (1, f"Error: {path}: permission denied — check the file's permissions\n")
